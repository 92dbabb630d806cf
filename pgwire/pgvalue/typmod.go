package pgvalue

import (
	"sqlraft/fsm"
)

// SQLite keeps numbers as INTEGER or REAL, so a numeric(10,2) column
// gives back 1.5 for the 1.50 a client stored. PostgreSQL shows a numeric
// column with exactly its declared scale; the typed encoders below apply
// the column's type modifier on the way out.

// EncodeTextType is EncodeText for a column of type t, applying its type
// modifier: numeric(p,s) shows exactly s digits after the point, rounded
// half away from zero as PostgreSQL rounds on input.
func EncodeTextType(dst []byte, t Type, v fsm.Value) ([]byte, error) {
	if d, ok := scaled(t, v); ok {
		return d.appendText(dst), nil
	}
	return EncodeText(dst, t.OID, v)
}

// EncodeBinaryType is EncodeBinary for a column of type t, applying its
// type modifier as EncodeTextType does.
func EncodeBinaryType(dst []byte, t Type, v fsm.Value) ([]byte, error) {
	if d, ok := scaled(t, v); ok {
		return d.appendBinary(dst), nil
	}
	return EncodeBinary(dst, t.OID, v)
}

// NumericScale returns the scale of a numeric type modifier.
func NumericScale(modifier int32) (int, bool) {
	if modifier < 4 {
		return 0, false
	}
	return int((modifier - 4) & 0xffff), true
}

func scaled(t Type, v fsm.Value) (decimal, bool) {
	if t.OID != Numeric || v.IsNull() {
		return decimal{}, false
	}
	scale, ok := NumericScale(t.Modifier)
	if !ok {
		return decimal{}, false
	}
	d, ok := decimalOf(v)
	if !ok || d.special != finite {
		return decimal{}, false
	}
	return d.round(scale), true
}

// round sets the scale to s digits after the point, rounding the digits
// beyond it half away from zero.
func (d decimal) round(s int) decimal {
	keep := d.point + s // significant digits kept
	if keep < len(d.digits) {
		up := keep >= 0 && d.digits[keep] >= '5'
		if keep < 0 {
			d.digits, d.point = "", 0
		} else {
			digits := []byte(d.digits[:keep])
			if up {
				i := len(digits) - 1
				for i >= 0 && digits[i] == '9' {
					digits[i] = '0'
					i--
				}
				if i < 0 {
					digits = append([]byte{'1'}, digits...)
					d.point++
				} else {
					digits[i]++
				}
			}
			d.setDigits(string(digits), d.point)
		}
	}
	d.scale = s
	return d
}
