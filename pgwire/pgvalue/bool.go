package pgvalue

import (
	"strings"

	"sqlraft/fsm"
)

// parseBool is PostgreSQL's boolin: surrounding whitespace ignored, case
// ignored, any prefix of true, false, yes and no, at least two letters of
// on and off, and the digits 1 and 0.
func parseBool(s string) (v, ok bool) {
	s = trimSpace(s)
	if s == "" {
		return false, false
	}
	l := strings.ToLower(s)
	switch l[0] {
	case 't':
		return true, strings.HasPrefix("true", l)
	case 'f':
		return false, strings.HasPrefix("false", l)
	case 'y':
		return true, strings.HasPrefix("yes", l)
	case 'n':
		return false, strings.HasPrefix("no", l)
	case 'o':
		if len(l) < 2 {
			return false, false
		}
		if strings.HasPrefix("on", l) {
			return true, true
		}
		return false, strings.HasPrefix("off", l)
	case '1', '0':
		return l[0] == '1', len(l) == 1
	}
	return false, false
}

// asBool reads a stored boolean: SQLite keeps them as 1 and 0, and any
// nonzero number is true as in SQLite's own WHERE; text is read as boolin
// reads it.
func asBool(v fsm.Value) (b, ok bool) {
	switch v.Kind() {
	case fsm.KindInt:
		return v.Int() != 0, true
	case fsm.KindFloat:
		return v.Float() != 0, true
	case fsm.KindText:
		return parseBool(v.Text())
	}
	return false, false
}

func appendBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, 't')
	}
	return append(dst, 'f')
}

// isSpace is C's isspace, which PostgreSQL's input functions skip.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func trimSpace(s string) string {
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}
