package pgvalue

import (
	"sqlraft/fsm"
	"sqlraft/pgwire/pgerror"
)

const hexDigits = "0123456789abcdef"

// appendHex writes bytes in bytea's hex output format (bytea_output=hex,
// PostgreSQL's default): \x and two lower-case digits per byte.
func appendHex(dst []byte, b []byte) []byte {
	dst = append(dst, '\\', 'x')
	for _, c := range b {
		dst = append(dst, hexDigits[c>>4], hexDigits[c&15])
	}
	return dst
}

// appendHexString is appendHex for a string, without converting it.
func appendHexString(dst []byte, s string) []byte {
	dst = append(dst, '\\', 'x')
	for i := 0; i < len(s); i++ {
		dst = append(dst, hexDigits[s[i]>>4], hexDigits[s[i]&15])
	}
	return dst
}

// parseBytea is PostgreSQL's byteain: \x followed by hex digit pairs
// (whitespace allowed between pairs), or the escape format, where \\ is a
// backslash, \ooo an octal byte and every other byte itself.
func parseBytea(s string) ([]byte, *pgerror.Error) {
	if len(s) >= 2 && s[0] == '\\' && s[1] == 'x' {
		out := make([]byte, 0, (len(s)-2)/2)
		for i := 2; i < len(s); {
			if c := s[i]; c == ' ' || c == '\n' || c == '\t' || c == '\r' {
				i++
				continue
			}
			hi, ok := unhex(s[i])
			if !ok {
				return nil, pgerror.New(pgerror.InvalidParameterValue, `invalid hexadecimal digit: "%c"`, s[i])
			}
			if i+1 >= len(s) {
				return nil, pgerror.New(pgerror.InvalidParameterValue, "invalid hexadecimal data: odd number of digits")
			}
			lo, ok := unhex(s[i+1])
			if !ok {
				return nil, pgerror.New(pgerror.InvalidParameterValue, `invalid hexadecimal digit: "%c"`, s[i+1])
			}
			out = append(out, hi<<4|lo)
			i += 2
		}
		return out, nil
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '\\' {
			out = append(out, c)
			continue
		}
		switch {
		case i+1 < len(s) && s[i+1] == '\\':
			out = append(out, '\\')
			i++
		case i+3 < len(s) && isOctal(s[i+1], '3') && isOctal(s[i+2], '7') && isOctal(s[i+3], '7'):
			out = append(out, (s[i+1]-'0')<<6|(s[i+2]-'0')<<3|(s[i+3]-'0'))
			i += 3
		default:
			return nil, pgerror.New(pgerror.InvalidTextRepresentation, "invalid input syntax for type bytea")
		}
	}
	return out, nil
}

func isOctal(c, maxDigit byte) bool { return c >= '0' && c <= maxDigit }

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// appendBytes appends the bytes a value holds as bytea: a blob's own,
// text's UTF-8, and a number's text (what SQLite's CAST(x AS BLOB) gives).
func appendBytes(dst []byte, v fsm.Value) []byte {
	switch v.Kind() {
	case fsm.KindBlob:
		return append(dst, v.Blob()...)
	case fsm.KindText:
		return append(dst, v.Text()...)
	}
	return appendOwnText(dst, v)
}
