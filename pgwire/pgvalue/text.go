package pgvalue

import (
	"strconv"
	"unicode/utf8"

	"sqlraft/fsm"
	"sqlraft/pgwire/pgerror"
)

// appendOwnText writes a value as the type its storage class maps to
// (FromKind) would print it: the fallback for a value that does not fit
// its column's declared type, which SQLite allows.
func appendOwnText(dst []byte, v fsm.Value) []byte {
	switch v.Kind() {
	case fsm.KindInt:
		return strconv.AppendInt(dst, v.Int(), 10)
	case fsm.KindFloat:
		return appendFloat(dst, v.Float(), 64)
	case fsm.KindText:
		return append(dst, v.Text()...)
	case fsm.KindBlob:
		return appendHex(dst, v.Blob())
	}
	return dst
}

// ownText is appendOwnText as a string, for error messages.
func ownText(v fsm.Value) string {
	if v.Kind() == fsm.KindText {
		return v.Text()
	}
	return string(appendOwnText(nil, v))
}

// checkText rejects what PostgreSQL's text input rejects in any type:
// bytes that are not UTF-8 (the client encoding is UTF8) and NUL.
func checkText(s string) *pgerror.Error {
	for i := 0; i < len(s); {
		c := s[i]
		if c == 0 {
			return errEncoding(s, i)
		}
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n <= 1 {
			return errEncoding(s, i)
		}
		i += n
	}
	return nil
}
