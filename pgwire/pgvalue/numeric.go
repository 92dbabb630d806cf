package pgvalue

import (
	"encoding/binary"
	"math"
	"strconv"
	"strings"

	"sqlraft/fsm"
	"sqlraft/pgwire/pgerror"
)

// decimal is a numeric value: 0.digits × 10^point, shown with scale
// digits after the decimal point (PostgreSQL's dscale, which keeps the
// trailing zeros of 1.50). digits has no leading or trailing zeros, so
// zero is the empty string.
type decimal struct {
	special numSpecial
	neg     bool
	digits  string
	point   int
	scale   int
}

type numSpecial uint8

const (
	finite numSpecial = iota
	numNaN
	numPosInf
	numNegInf
)

// maxNumericExponent is PostgreSQL's limit on the exponent of numeric
// input (NUMERIC_MAX_PRECISION), which also bounds the text we produce.
const maxNumericExponent = 1000

// maxDscale is NUMERIC_DSCALE_MAX.
const maxDscale = 0x3FFF

// parseNumeric is PostgreSQL's numeric_in: surrounding whitespace, NaN and
// the infinities spelled as float8in spells them, or an optionally signed
// decimal with an optional exponent.
func parseNumeric(s string) (decimal, bool) {
	s = trimSpace(s)
	switch strings.ToLower(s) {
	case "nan":
		return decimal{special: numNaN}, true
	case "infinity", "+infinity", "inf", "+inf":
		return decimal{special: numPosInf}, true
	case "-infinity", "-inf":
		return decimal{special: numNegInf}, true
	}
	var d decimal
	if s != "" && (s[0] == '+' || s[0] == '-') {
		d.neg = s[0] == '-'
		s = s[1:]
	}
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	intPart := s[:i]
	var fracPart string
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		fracPart = s[i+1 : j]
		i = j
	}
	if intPart == "" && fracPart == "" {
		return decimal{}, false
	}
	exp := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		e, ok, _ := parseInt(s[i+1:])
		if !ok || e > maxNumericExponent || e < -maxNumericExponent || strings.TrimLeft(s[i+1:], "+-0123456789") != "" {
			return decimal{}, false
		}
		exp = int(e)
		i = len(s)
	}
	if i != len(s) {
		return decimal{}, false
	}
	d.scale = max(0, len(fracPart)-exp)
	d.setDigits(intPart+fracPart, len(intPart)+exp)
	return d, true
}

// setDigits stores all as the digits with the decimal point after point
// of them, dropping leading and trailing zeros.
func (d *decimal) setDigits(all string, point int) {
	lead := 0
	for lead < len(all) && all[lead] == '0' {
		lead++
	}
	all = strings.TrimRight(all[lead:], "0")
	d.digits, d.point = all, point-lead
	if all == "" {
		d.point, d.neg = 0, false // PostgreSQL has no negative zero
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// digit returns the i-th digit counted from the first significant one,
// and the zeros on either side of them.
func (d decimal) digit(i int) byte {
	if i < 0 || i >= len(d.digits) {
		return '0'
	}
	return d.digits[i]
}

// appendText writes the decimal as numeric_out does: plain notation,
// never an exponent, exactly scale digits after the point.
func (d decimal) appendText(dst []byte) []byte {
	switch d.special {
	case numNaN:
		return append(dst, "NaN"...)
	case numPosInf:
		return append(dst, "Infinity"...)
	case numNegInf:
		return append(dst, "-Infinity"...)
	}
	if d.neg {
		dst = append(dst, '-')
	}
	if d.point <= 0 {
		dst = append(dst, '0')
	} else {
		for i := 0; i < d.point; i++ {
			dst = append(dst, d.digit(i))
		}
	}
	if d.scale > 0 {
		dst = append(dst, '.')
		for i := d.point; i < d.point+d.scale; i++ {
			dst = append(dst, d.digit(i))
		}
	}
	return dst
}

// decimalOf reads a stored value as a numeric: an INTEGER, a REAL (its
// shortest decimal), or text that parses as numeric.
func decimalOf(v fsm.Value) (decimal, bool) {
	var buf [32]byte
	switch v.Kind() {
	case fsm.KindInt:
		b := strconv.AppendInt(buf[:0], v.Int(), 10)
		return parseNumeric(string(b))
	case fsm.KindFloat:
		f := v.Float()
		switch {
		case math.IsNaN(f):
			return decimal{special: numNaN}, true
		case math.IsInf(f, 1):
			return decimal{special: numPosInf}, true
		case math.IsInf(f, -1):
			return decimal{special: numNegInf}, true
		}
		return parseNumeric(string(strconv.AppendFloat(buf[:0], f, 'f', -1, 64)))
	case fsm.KindText:
		return parseNumeric(v.Text())
	}
	return decimal{}, false
}

// value is the storage class a numeric parameter is kept in: INTEGER when
// it is integral and fits, REAL when a float64 holds exactly its digits,
// TEXT otherwise (and for NaN, which SQLite would turn into NULL), so no
// digit a client sent is lost.
func (d decimal) value() fsm.Value {
	switch d.special {
	case numNaN:
		return fsm.TextValue("NaN")
	case numPosInf:
		return fsm.FloatValue(math.Inf(1))
	case numNegInf:
		return fsm.FloatValue(math.Inf(-1))
	}
	plain := string(decimal{neg: d.neg, digits: d.digits, point: d.point, scale: max(0, len(d.digits)-d.point)}.appendText(nil))
	if d.point >= len(d.digits) && d.point <= 19 {
		if i, ok, _ := parseInt(plain); ok {
			return fsm.IntValue(i)
		}
	}
	if f, err := strconv.ParseFloat(plain, 64); err == nil {
		var buf [32]byte
		var back decimal
		back.setDigits(shortestDigits(buf[:0], f))
		if back.digits == d.digits && back.point == d.point {
			return fsm.FloatValue(f)
		}
	}
	return fsm.TextValue(string(d.appendText(nil)))
}

// shortestDigits returns the shortest digits of |f| and where its decimal
// point goes.
func shortestDigits(buf []byte, f float64) (string, int) {
	b := strconv.AppendFloat(buf, math.Abs(f), 'e', -1, 64)
	e := strings.IndexByte(string(b), 'e')
	mant, exp := b[:e], atoiExp(b[e+1:])
	digits := strings.Replace(string(mant), ".", "", 1)
	return digits, exp + 1
}

// Numeric's binary format (numeric_send): ndigits, weight, sign and dscale
// as 16-bit integers, then ndigits base-10000 digits, the first one worth
// 10000^weight.
const (
	numSignPos    = 0x0000
	numSignNeg    = 0x4000
	numSignNaN    = 0xC000
	numSignPosInf = 0xD000
	numSignNegInf = 0xF000
)

func (d decimal) appendBinary(dst []byte) []byte {
	var sign uint16
	switch d.special {
	case numNaN:
		sign = numSignNaN
	case numPosInf:
		sign = numSignPosInf
	case numNegInf:
		sign = numSignNegInf
	default:
		if d.neg {
			sign = numSignNeg
		}
	}
	if d.special != finite || d.digits == "" {
		dscale := 0
		if d.special == finite {
			dscale = min(d.scale, maxDscale)
		}
		return binary.BigEndian.AppendUint64(dst, uint64(sign)<<16|uint64(dscale))
	}
	// The digit at index i has decimal exponent point-1-i; group w holds
	// exponents 4w..4w+3.
	first := floorDiv(d.point-1, 4)
	last := floorDiv(d.point-len(d.digits), 4)
	dst = binary.BigEndian.AppendUint16(dst, uint16(first-last+1))
	dst = binary.BigEndian.AppendUint16(dst, uint16(int16(first)))
	dst = binary.BigEndian.AppendUint16(dst, sign)
	dst = binary.BigEndian.AppendUint16(dst, uint16(min(d.scale, maxDscale)))
	for w := first; w >= last; w-- {
		g := 0
		for p := 4*w + 3; p >= 4*w; p-- {
			g = g*10 + int(d.digit(d.point-1-p)-'0')
		}
		dst = binary.BigEndian.AppendUint16(dst, uint16(g))
	}
	return dst
}

func floorDiv(a, b int) int {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// decodeNumericBinary reads numeric_send's format, checking it as
// numeric_recv does.
func decodeNumericBinary(b []byte) (decimal, *pgerror.Error) {
	if len(b) < 8 {
		return decimal{}, errBinary(Numeric, "%d bytes is too short", len(b))
	}
	n := int(binary.BigEndian.Uint16(b))
	weight := int(int16(binary.BigEndian.Uint16(b[2:])))
	sign := binary.BigEndian.Uint16(b[4:])
	dscale := int(binary.BigEndian.Uint16(b[6:]))
	if len(b) != 8+2*n {
		return decimal{}, errBinary(Numeric, "%d digits need %d bytes, got %d", n, 8+2*n, len(b))
	}
	if dscale > maxDscale {
		return decimal{}, errBinary(Numeric, "invalid scale %d", dscale)
	}
	var d decimal
	switch sign {
	case numSignPos:
	case numSignNeg:
		d.neg = true
	case numSignNaN:
		return decimal{special: numNaN}, nil
	case numSignPosInf:
		return decimal{special: numPosInf}, nil
	case numSignNegInf:
		return decimal{special: numNegInf}, nil
	default:
		return decimal{}, errBinary(Numeric, "invalid sign 0x%04x", sign)
	}
	all := make([]byte, 0, 4*n)
	for i := 0; i < n; i++ {
		g := binary.BigEndian.Uint16(b[8+2*i:])
		if g >= 10000 {
			return decimal{}, errBinary(Numeric, "invalid digit %d", g)
		}
		all = append(all, byte('0'+g/1000), byte('0'+g/100%10), byte('0'+g/10%10), byte('0'+g%10))
	}
	d.scale = dscale
	d.setDigits(string(all), 4*(weight+1))
	// Digits beyond dscale are not part of the value (numeric_out drops
	// them too).
	if keep := d.point + d.scale; keep < len(d.digits) {
		d.setDigits(d.digits[:max(keep, 0)], d.point)
	}
	return d, nil
}
