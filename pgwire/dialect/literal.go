package dialect

import (
	"math/big"
	"strconv"
	"strings"
	"unicode/utf8"
)

// segments returns the raw contents of the quoted parts of a string token
// (after its prefix), still with doubled quotes and backslash escapes: one
// part normally, several when PostgreSQL's newline continuation joined them.
func segments(text string, backslash bool) []string {
	var out []string
	i := 0
	for i < len(text) {
		if text[i] != '\'' {
			i++
			if i < len(text) && text[i-1] == '-' && text[i] == '-' {
				for i < len(text) && text[i] != '\n' && text[i] != '\r' {
					i++
				}
			}
			continue
		}
		i++
		begin := i
		for i < len(text) {
			if backslash && text[i] == '\\' {
				i += 2
				continue
			}
			if text[i] == '\'' {
				if i+1 < len(text) && text[i+1] == '\'' {
					i += 2
					continue
				}
				break
			}
			i++
		}
		out = append(out, text[begin:min(i, len(text))])
		i++
	}
	return out
}

// joinSegments decodes a standard string constant (doubled quotes only)
// after a prefix of the given length.
func joinSegments(text string, prefix int) string {
	var b strings.Builder
	for _, s := range segments(text[prefix:], false) {
		b.WriteString(strings.ReplaceAll(s, "''", "'"))
	}
	return b.String()
}

func dollarBody(text string) string {
	tagEnd := strings.IndexByte(text[1:], '$') + 2
	return text[tagEnd : len(text)-tagEnd]
}

// decodeEscapeString resolves an E” constant: \b \f \n \r \t, octal \ooo,
// hex \xhh, \uXXXX, \UXXXXXXXX (surrogate pairs joined), and any other
// escaped character standing for itself. The result must be valid UTF-8
// without NUL, as PostgreSQL requires in a UTF8 database.
func decodeEscapeString(text string, pos int) (string, error) {
	var b []byte
	for _, s := range segments(text[1:], true) {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c == '\'' { // doubled quote
				b = append(b, '\'')
				i++
				continue
			}
			if c != '\\' || i+1 >= len(s) {
				b = append(b, c)
				continue
			}
			i++
			c = s[i]
			switch {
			case c == 'b':
				b = append(b, '\b')
			case c == 'f':
				b = append(b, '\f')
			case c == 'n':
				b = append(b, '\n')
			case c == 'r':
				b = append(b, '\r')
			case c == 't':
				b = append(b, '\t')
			case c >= '0' && c <= '7':
				v, j := 0, i
				for j < len(s) && j < i+3 && s[j] >= '0' && s[j] <= '7' {
					v = v*8 + int(s[j]-'0')
					j++
				}
				b = append(b, byte(v))
				i = j - 1
			case c == 'x' && i+1 < len(s) && isHexDigit(s[i+1]):
				j := i + 1
				for j < len(s) && j < i+3 && isHexDigit(s[j]) {
					j++
				}
				v, _ := strconv.ParseUint(s[i+1:j], 16, 8)
				b = append(b, byte(v))
				i = j - 1
			case c == 'u' || c == 'U':
				n := 4
				if c == 'U' {
					n = 8
				}
				r, ok := hexRune(s, i+1, n)
				if !ok {
					return "", errorf(CodeInvalidEscape, pos, "invalid Unicode escape")
				}
				i += n
				if r >= 0xD800 && r <= 0xDBFF { // high surrogate: a \u low surrogate must follow
					if i+2 < len(s) && s[i+1] == '\\' && s[i+2] == 'u' {
						if lo, ok := hexRune(s, i+3, 4); ok && lo >= 0xDC00 && lo <= 0xDFFF {
							r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
							i += 6
						}
					}
				}
				if r == 0 || r > utf8.MaxRune || r >= 0xD800 && r <= 0xDFFF {
					return "", errorf(CodeInvalidEscape, pos, "invalid Unicode escape value")
				}
				b = utf8.AppendRune(b, r)
			default:
				b = append(b, c)
			}
		}
	}
	if err := checkText(b, pos); err != nil {
		return "", err
	}
	return string(b), nil
}

func checkText(b []byte, pos int) error {
	if !utf8.Valid(b) {
		return errorf(CodeBadEncoding, pos, "invalid byte sequence for encoding \"UTF8\"")
	}
	for _, c := range b {
		if c == 0 {
			return errorf(CodeBadEncoding, pos, "invalid byte sequence for encoding \"UTF8\": 0x00")
		}
	}
	return nil
}

func hexRune(s string, at, n int) (rune, bool) {
	if at+n > len(s) {
		return 0, false
	}
	v, err := strconv.ParseUint(s[at:at+n], 16, 32)
	if err != nil {
		return 0, false
	}
	return rune(v), true
}

// decodeUnicodeEscapes resolves the escapes of a U&” constant or U&""
// identifier: esc followed by 4 hex digits, esc + followed by 6, and esc esc
// for esc itself.
func decodeUnicodeEscapes(s string, esc byte, pos int) (string, error) {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] != esc {
			b = append(b, s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == esc {
			b = append(b, esc)
			i++
			continue
		}
		n, at := 4, i+1
		if i+1 < len(s) && s[i+1] == '+' {
			n, at = 6, i+2
		}
		r, ok := hexRune(s, at, n)
		if ok && r >= 0xD800 && r <= 0xDBFF && at+n+n+1 <= len(s) && s[at+n] == esc {
			nat := at + n + 1
			if n == 6 {
				if s[nat] != '+' {
					ok = false
				}
				nat++
			}
			if lo, ok2 := hexRune(s, nat, n); ok && ok2 && lo >= 0xDC00 && lo <= 0xDFFF {
				r = 0x10000 + (r-0xD800)<<10 + (lo - 0xDC00)
				at = nat
			}
		}
		if !ok || r == 0 || r > utf8.MaxRune || r >= 0xD800 && r <= 0xDFFF {
			return "", errorf(CodeInvalidEscape, pos, "invalid Unicode escape")
		}
		b = utf8.AppendRune(b, r)
		i = at + n - 1
	}
	if err := checkText(b, pos); err != nil {
		return "", err
	}
	return string(b), nil
}

// quoteString renders s as a standard SQL string constant.
func quoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// quoteIdent renders s as a double-quoted identifier.
func quoteIdent(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// bitStringInt converts the digits of B'...' to a decimal integer; SQLite
// has no bit strings and an integer keeps & | << >> working.
func bitStringInt(t Token) (string, error) {
	digits, _ := t.Value()
	if len(digits) > 63 {
		return "", unsupported(t.Pos, "bit string constants longer than 63 bits are not supported")
	}
	var v uint64
	for i := 0; i < len(digits); i++ {
		switch digits[i] {
		case '0', '1':
			v = v<<1 | uint64(digits[i]-'0')
		default:
			return "", errorf(CodeSyntax, t.Pos, "%q is not a valid binary digit", digits[i])
		}
	}
	return strconv.FormatUint(v, 10), nil
}

// numberForSQLite rewrites a PostgreSQL numeric constant into a form SQLite
// reads with the same value: underscores removed, and hexadecimal, octal and
// binary integers (PostgreSQL 16) converted to decimal, because SQLite has
// no octal or binary constants and reads 64-bit hexadecimal ones as
// two's-complement.
func numberForSQLite(text string) string {
	digits, base := numberDigits(text)
	if base != 10 {
		if v, ok := new(big.Int).SetString(digits, base); ok {
			return v.String()
		}
	}
	return strings.ReplaceAll(text, "_", "")
}

// decodeBytea converts PostgreSQL's text input for bytea (hex format \x...
// or the escape format) to bytes.
func decodeBytea(s string) ([]byte, bool) {
	if strings.HasPrefix(s, `\x`) || strings.HasPrefix(s, `\X`) {
		var out []byte
		h := s[2:]
		for i := 0; i < len(h); {
			if isSpace(h[i]) {
				i++
				continue
			}
			if i+1 >= len(h) || !isHexDigit(h[i]) || !isHexDigit(h[i+1]) {
				return nil, false
			}
			v, _ := strconv.ParseUint(h[i:i+2], 16, 8)
			out = append(out, byte(v))
			i += 2
		}
		return out, true
	}
	var out []byte
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			out = append(out, s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '\\' {
			out = append(out, '\\')
			i++
			continue
		}
		if i+3 < len(s) && s[i+1] >= '0' && s[i+1] <= '3' && s[i+2] >= '0' && s[i+2] <= '7' && s[i+3] >= '0' && s[i+3] <= '7' {
			out = append(out, (s[i+1]-'0')<<6|(s[i+2]-'0')<<3|(s[i+3]-'0'))
			i += 3
			continue
		}
		return nil, false
	}
	return out, true
}

func hexBlob(b []byte) string {
	const digits = "0123456789ABCDEF"
	out := make([]byte, 0, 3+2*len(b))
	out = append(out, 'X', '\'')
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(append(out, '\''))
}

// trimSpace trims ASCII whitespace only: bytes from 0x80 up belong to
// identifiers (U+00A0 included), as in PostgreSQL and SQLite.
func trimSpace(s string) string { return strings.Trim(s, " \t\n\r\f\v") }

// numberDigits strips PostgreSQL 16's digit separators and radix prefix
// (0x, 0o, 0b) from a numeric constant, returning the digits and base.
func numberDigits(text string) (string, int) {
	s := strings.ReplaceAll(text, "_", "")
	if len(s) > 2 && s[0] == '0' {
		switch s[1] {
		case 'x', 'X':
			return s[2:], 16
		case 'o', 'O':
			return s[2:], 8
		case 'b', 'B':
			return s[2:], 2
		}
	}
	return s, 10
}
