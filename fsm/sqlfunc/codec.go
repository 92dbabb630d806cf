package sqlfunc

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/sha512"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// md5(text or bytea) is the MD5 digest in lower-case hex.
func md5Func(args []driver.Value) (driver.Value, error) {
	b, err := bytesArg(args[0])
	if err != nil {
		return nil, err
	}
	sum := md5.Sum(b)
	return hex.EncodeToString(sum[:]), nil
}

func sha224Func(args []driver.Value) (driver.Value, error) {
	return digest(args[0], func(b []byte) []byte { s := sha256.Sum224(b); return s[:] })
}

func sha256Func(args []driver.Value) (driver.Value, error) {
	return digest(args[0], func(b []byte) []byte { s := sha256.Sum256(b); return s[:] })
}

func sha384Func(args []driver.Value) (driver.Value, error) {
	return digest(args[0], func(b []byte) []byte { s := sha512.Sum384(b); return s[:] })
}

func sha512Func(args []driver.Value) (driver.Value, error) {
	return digest(args[0], func(b []byte) []byte { s := sha512.Sum512(b); return s[:] })
}

// digest applies a hash to a bytea argument and returns the raw digest.
func digest(v driver.Value, sum func([]byte) []byte) (driver.Value, error) {
	b, err := bytesArg(v)
	if err != nil {
		return nil, err
	}
	return sum(b), nil
}

// encodingArg reads the format name of encode and decode, which
// PostgreSQL matches case-insensitively.
func encodingArg(v driver.Value) (string, error) {
	name, err := textArg(v)
	if err != nil {
		return "", err
	}
	switch format := strings.ToLower(name); format {
	case "hex", "base64", "escape":
		return format, nil
	}
	return "", fmt.Errorf("unrecognized encoding: %s", quoted(name))
}

// encode(bytea, format) renders binary data as text. Text passed as data
// is encoded as its bytes.
func encodeFunc(args []driver.Value) (driver.Value, error) {
	data, err := bytesArg(args[0])
	if err != nil {
		return nil, err
	}
	format, err := encodingArg(args[1])
	if err != nil {
		return nil, err
	}
	if encodedLen(format, data)+varHeaderSize > maxAllocSize {
		return nil, errTooLarge
	}
	switch format {
	case "hex":
		return hex.EncodeToString(data), nil
	case "base64":
		return encodeBase64(data), nil
	default:
		return encodeEscape(data), nil
	}
}

// decode(text, format) parses text written by encode back into bytea.
func decodeFunc(args []driver.Value) (driver.Value, error) {
	s, err := textArg(args[0])
	if err != nil {
		return nil, err
	}
	format, err := encodingArg(args[1])
	if err != nil {
		return nil, err
	}
	switch format {
	case "hex":
		return decodeHex(s)
	case "base64":
		return decodeBase64(s)
	default:
		return decodeEscape(s)
	}
}

// encodedLen is the length of the encoding of data, computed before
// encoding so that an oversized result is refused without being built.
func encodedLen(format string, data []byte) int64 {
	n := int64(len(data))
	switch format {
	case "hex":
		return 2 * n
	case "base64":
		return (n+2)/3*4 + n/57
	}
	for _, c := range data {
		switch {
		case c == 0 || c >= 0x80:
			n += 3
		case c == '\\':
			n++
		}
	}
	return n
}

const base64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

// encodeBase64 follows PostgreSQL's encoder, which differs from MIME
// base64 in one detail: a newline follows every 76 output characters,
// even the last ones, so 57 bytes of input end with a newline.
func encodeBase64(data []byte) string {
	var b strings.Builder
	b.Grow((len(data)+2)/3*4 + len(data)/57 + 1)
	lineLen := 0
	for i := 0; i < len(data); i += 3 {
		var buf uint32
		n := min(3, len(data)-i)
		for j := range n {
			buf |= uint32(data[i+j]) << (16 - 8*j)
		}
		for j := range 4 {
			if j <= n {
				b.WriteByte(base64Alphabet[buf>>(18-6*j)&0x3f])
			} else {
				b.WriteByte('=')
			}
		}
		// PostgreSQL checks the line length after each complete group, and
		// pads a partial last group after the loop, so padding never
		// triggers a newline.
		if n == 3 {
			if lineLen += 4; lineLen >= 76 {
				b.WriteByte('\n')
				lineLen = 0
			}
		}
	}
	return b.String()
}

var errBase64End = errors.New("invalid base64 end sequence")

// decodeBase64 follows PostgreSQL's decoder: whitespace is skipped, '='
// may start only at the third or fourth position of a group, and once
// padding is seen every later group is cut short the same way.
func decodeBase64(s string) (driver.Value, error) {
	out := make([]byte, 0, len(s)/4*3)
	var buf uint32
	pos, end := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		var v int
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			continue
		case c == '=':
			if end == 0 {
				switch pos {
				case 2:
					end = 1
				case 3:
					end = 2
				default:
					return nil, errors.New(`unexpected "=" while decoding base64 sequence`)
				}
			}
		default:
			v = strings.IndexByte(base64Alphabet, c)
			if v < 0 || c == 0 {
				_, w := utf8.DecodeRuneInString(s[i:])
				return nil, fmt.Errorf("invalid symbol %s found while decoding base64 sequence", quoted(s[i:i+w]))
			}
		}
		buf = buf<<6 | uint32(v)
		if pos++; pos == 4 {
			out = append(out, byte(buf>>16))
			if end == 0 || end > 1 {
				out = append(out, byte(buf>>8))
			}
			if end == 0 || end > 2 {
				out = append(out, byte(buf))
			}
			buf, pos = 0, 0
		}
	}
	if pos != 0 {
		return nil, errBase64End
	}
	return out, nil
}

// decodeHex accepts pairs of hex digits with whitespace between pairs.
func decodeHex(s string) (driver.Value, error) {
	out := make([]byte, 0, len(s)/2)
	for i := 0; i < len(s); {
		switch s[i] {
		case ' ', '\t', '\n', '\r':
			i++
			continue
		}
		hi, err := hexDigit(s, i)
		if err != nil {
			return nil, err
		}
		if i+1 >= len(s) {
			return nil, errors.New("invalid hexadecimal data: odd number of digits")
		}
		lo, err := hexDigit(s, i+1)
		if err != nil {
			return nil, err
		}
		out = append(out, hi<<4|lo)
		i += 2
	}
	return out, nil
}

func hexDigit(s string, i int) (byte, error) {
	switch c := s[i]; {
	case '0' <= c && c <= '9':
		return c - '0', nil
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, nil
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, nil
	}
	_, w := utf8.DecodeRuneInString(s[i:])
	return 0, fmt.Errorf("invalid hexadecimal digit: %s", quoted(s[i:i+w]))
}

// encodeEscape writes zero bytes and bytes with the high bit set as \ooo
// and doubles backslashes; every other byte is copied.
func encodeEscape(data []byte) string {
	var b strings.Builder
	b.Grow(len(data))
	for _, c := range data {
		switch {
		case c == 0 || c >= 0x80:
			b.WriteByte('\\')
			b.WriteByte('0' + c>>6)
			b.WriteByte('0' + c>>3&7)
			b.WriteByte('0' + c&7)
		case c == '\\':
			b.WriteString(`\\`)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// decodeEscape accepts \\ and \ooo (first digit 0-3); any other backslash
// is an error, as in PostgreSQL.
func decodeEscape(s string) (driver.Value, error) {
	out := make([]byte, 0, len(s))
	isOctal := func(c byte, top byte) bool { return '0' <= c && c <= top }
	for i := 0; i < len(s); {
		switch {
		case s[i] != '\\':
			out = append(out, s[i])
			i++
		case i+3 < len(s) && isOctal(s[i+1], '3') && isOctal(s[i+2], '7') && isOctal(s[i+3], '7'):
			out = append(out, (s[i+1]-'0')<<6|(s[i+2]-'0')<<3|(s[i+3]-'0'))
			i += 4
		case i+1 < len(s) && s[i+1] == '\\':
			out = append(out, '\\')
			i += 2
		default:
			return nil, errors.New("invalid input syntax for type bytea")
		}
	}
	return out, nil
}
