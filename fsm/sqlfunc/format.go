package sqlfunc

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// format(formatstr, args...) is PostgreSQL's format(), which replaces
// SQLite's printf-like format() on every connection: %s inserts a value as
// text (NULL as nothing), %I as a quoted identifier, %L as a quoted
// literal (NULL as NULL), %% a percent sign; each may name its argument
// (%2$s) and take a width (%5s, %-5s, %*s, %*3$s). It is not strict: a
// NULL format gives NULL, NULL arguments are formatted as above.
func formatFunc(args []driver.Value) (driver.Value, error) {
	if args[0] == nil {
		return nil, nil
	}
	f, err := textArg(args[0])
	if err != nil {
		return nil, err
	}
	vals := args[1:]
	var b strings.Builder
	next := 0 // the argument a specifier without a position takes
	for i := 0; i < len(f); {
		c := f[i]
		if c != '%' {
			b.WriteByte(c)
			i++
			continue
		}
		i++
		if i >= len(f) {
			return nil, errors.New("unterminated format() type specifier")
		}
		if f[i] == '%' {
			b.WriteByte('%')
			i++
			continue
		}
		spec, n, err := parseSpec(f[i:])
		if err != nil {
			return nil, err
		}
		i += n
		width, left := 0, spec.left
		if spec.widthArg != 0 {
			k := next
			if spec.widthArg > 0 {
				k = spec.widthArg - 1
			}
			if k >= len(vals) {
				return nil, errors.New("too few arguments for format()")
			}
			next = k + 1
			if vals[k] != nil {
				w, err := int32Arg(vals[k])
				if err != nil {
					return nil, err
				}
				width = int(w)
			}
		} else {
			width = spec.width
		}
		if width < 0 {
			width, left = -width, true
		}
		k := next
		if spec.arg > 0 {
			k = spec.arg - 1
		}
		if k >= len(vals) {
			return nil, errors.New("too few arguments for format()")
		}
		next = k + 1
		s, isNull, err := formatValue(spec.kind, vals[k])
		if err != nil {
			return nil, err
		}
		if isNull && spec.kind == 's' {
			s = ""
		}
		if pad := width - utf8.RuneCountInString(s); pad > 0 {
			if int64(len(s))+int64(pad) > maxAllocSize {
				return nil, errTooLarge
			}
			if left {
				s += strings.Repeat(" ", pad)
			} else {
				s = strings.Repeat(" ", pad) + s
			}
		}
		if int64(b.Len())+int64(len(s)) > maxAllocSize {
			return nil, errTooLarge
		}
		b.WriteString(s)
	}
	return b.String(), nil
}

// formatSpec is one conversion after its %: [arg$][-][width|*[arg$]]kind.
type formatSpec struct {
	arg      int  // 1-based argument position, 0 for the next one
	left     bool // '-': pad on the right
	width    int
	widthArg int // *: -1 for the next argument, n for *n$; 0 without *
	kind     byte
}

func parseSpec(s string) (formatSpec, int, error) {
	var sp formatSpec
	i := 0
	number := func() (int, bool, error) {
		j := i
		for j < len(s) && isDigit(s[j]) {
			j++
		}
		if j == i {
			return 0, false, nil
		}
		n, err := strconv.Atoi(s[i:j])
		if err != nil || n > 1<<30 {
			return 0, false, errors.New("number is out of range")
		}
		i = j
		return n, true, nil
	}
	// A leading number is the argument position if a $ follows, else the
	// width.
	n, ok, err := number()
	if err != nil {
		return sp, 0, err
	}
	if ok {
		if i < len(s) && s[i] == '$' {
			if n == 0 {
				return sp, 0, errors.New("format specifies argument 0, but arguments are numbered from 1")
			}
			sp.arg = n
			i++
		} else {
			sp.width = n
		}
	}
	if !ok || sp.arg > 0 {
		for i < len(s) && s[i] == '-' {
			sp.left = true
			i++
		}
		if i < len(s) && s[i] == '*' {
			i++
			sp.widthArg = -1
			m, ok, err := number()
			if err != nil {
				return sp, 0, err
			}
			if ok {
				if i >= len(s) || s[i] != '$' {
					return sp, 0, errors.New("unterminated format() type specifier")
				}
				if m == 0 {
					return sp, 0, errors.New("format specifies argument 0, but arguments are numbered from 1")
				}
				sp.widthArg = m
				i++
			}
		} else if w, ok, err := number(); err != nil {
			return sp, 0, err
		} else if ok {
			sp.width = w
		}
	}
	if i >= len(s) {
		return sp, 0, errors.New("unterminated format() type specifier")
	}
	switch s[i] {
	case 's', 'I', 'L':
		sp.kind = s[i]
	default:
		r, _ := utf8.DecodeRuneInString(s[i:])
		return sp, 0, fmt.Errorf("unrecognized format() type specifier %q", string(r))
	}
	return sp, i + 1, nil
}

// formatValue renders v for a conversion; isNull reports a NULL.
func formatValue(kind byte, v driver.Value) (string, bool, error) {
	if v == nil {
		switch kind {
		case 'I':
			return "", true, errors.New("null values cannot be formatted as an SQL identifier")
		case 'L':
			return "NULL", true, nil
		}
		return "", true, nil
	}
	s, err := textArg(v)
	if err != nil {
		return "", false, err
	}
	switch kind {
	case 'I':
		return quoteIdent(s), false, nil
	case 'L':
		q, err := quoteLiteral(s)
		return q, false, err
	}
	return s, false, nil
}

// quoteIdent quotes an identifier as PostgreSQL's quote_ident does: unless
// it is lower-case letters, digits and underscores, starting with a letter
// or underscore, and not a keyword PostgreSQL reserves in some context.
func quoteIdent(s string) string {
	plain := s != ""
	for i := 0; i < len(s) && plain; i++ {
		c := s[i]
		plain = c == '_' || 'a' <= c && c <= 'z' || i > 0 && isDigit(c) || c >= 0x80
	}
	if plain && !quotedKeywords[s] {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// quotedKeywords are PostgreSQL 15's keywords of every category but
// unreserved (SELECT word FROM pg_get_keywords() WHERE catcode <> 'U').
var quotedKeywords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`all analyse analyze and any array as asc asymmetric authorization
		between bigint binary bit boolean both case cast char character check coalesce collate collation
		column concurrently constraint create cross current_catalog current_date current_role
		current_schema current_time current_timestamp current_user dec decimal default deferrable desc
		distinct do else end except exists extract false fetch float for foreign freeze from full grant
		greatest group grouping having ilike in initially inner inout int integer intersect interval into
		is isnull join lateral leading least left like limit localtime localtimestamp national natural
		nchar none normalize not notnull null nullif numeric offset on only or order out outer overlaps
		overlay placing position precision primary real references returning right row select
		session_user setof similar smallint some substring symmetric table tablesample then time
		timestamp to trailing treat trim true union unique user using values varchar variadic verbose
		when where window with xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces
		xmlparse xmlpi xmlroot xmlserialize xmltable`) {
		m[w] = true
	}
	return m
}()
