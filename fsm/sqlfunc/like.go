package sqlfunc

import (
	"database/sql/driver"
	"errors"
	"regexp"
	"strings"
	"unicode/utf8"
)

// pg_like_regex(pattern [, escape]) turns a LIKE pattern into the
// case-insensitive regular expression that matches what ILIKE matches:
// % is any run of characters, _ any one character, and the escape
// character (backslash unless given; ” for none) makes the next one
// literal. The SQL front end writes x ILIKE p as x REGEXP
// pg_like_regex(p), since the state machine's LIKE is case-sensitive, as
// PostgreSQL's is.
func likeRegexFunc(args []driver.Value) (driver.Value, error) {
	pattern, err := textArg(args[0])
	if err != nil {
		return nil, err
	}
	escape := "\\"
	if len(args) > 1 {
		if escape, err = textArg(args[1]); err != nil {
			return nil, err
		}
		if utf8.RuneCountInString(escape) > 1 {
			return nil, errors.New("invalid escape string")
		}
	}
	if int64(len(pattern))*4+16 > maxAllocSize {
		return nil, errTooLarge
	}
	var b strings.Builder
	b.WriteString(`(?is)\A`)
	esc, _ := utf8.DecodeRuneInString(escape)
	for i := 0; i < len(pattern); {
		r, w := utf8.DecodeRuneInString(pattern[i:])
		i += w
		switch {
		case escape != "" && r == esc:
			if i >= len(pattern) {
				return nil, errors.New("LIKE pattern must not end with escape character")
			}
			r, w = utf8.DecodeRuneInString(pattern[i:])
			i += w
			b.WriteString(regexp.QuoteMeta(string(r)))
		case r == '%':
			b.WriteString(".*")
		case r == '_':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`\z`)
	return b.String(), nil
}
