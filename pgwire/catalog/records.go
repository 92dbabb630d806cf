package catalog

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"

	"modernc.org/sqlite"
)

// Records. sqlraft has no composite types; the one record clients ask for
// is information_schema._pg_expandarray's (x, n), which pgjdbc's
// getPrimaryKeys selects whole and reads a field of in an enclosing query.
// The dialect builds it with pg_record(x, n) and reads (rec).x as
// pg_record_field(rec, 1) (pgwire/dialect/expandarray.go). A record is
// PostgreSQL's text output of it, (1,"a b",), so a client selecting one
// sees what PostgreSQL prints.

// recordFunctions are pg_record and pg_record_field.
func recordFunctions() []def {
	return []def{
		{"pg_record", []int{-1}, func(_ *sqlite.FunctionContext, a []driver.Value) (driver.Value, error) {
			fields := make([]string, len(a))
			for i, v := range a {
				fields[i] = recordField(v)
			}
			return "(" + strings.Join(fields, ",") + ")", nil
		}},
		// pg_record_field(rec, k) is the k-th field (from 1), an integer
		// when it is one written canonically (as array elements are).
		{"pg_record_field", []int{2}, func(_ *sqlite.FunctionContext, a []driver.Value) (driver.Value, error) {
			if a[0] == nil || a[1] == nil {
				return nil, nil
			}
			fields, err := readRecord(textOf(a[0]))
			if err != nil {
				return nil, err
			}
			k := intOf(a[1])
			if k < 1 || k > int64(len(fields)) {
				return nil, fmt.Errorf("record has no field %d", k)
			}
			return elementValue(fields[k-1]), nil
		}},
	}
}

// recordField formats one field as PostgreSQL's record_out does: nothing
// for NULL; quoted when empty or containing a quote, a backslash, a
// parenthesis, a comma or a space; quotes and backslashes doubled.
func recordField(v driver.Value) string {
	var s string
	switch x := v.(type) {
	case nil:
		return ""
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	default:
		s = textOf(v)
	}
	quote := s == ""
	for i := 0; i < len(s) && !quote; i++ {
		switch s[i] {
		case '"', '\\', '(', ')', ',':
			quote = true
		default:
			quote = isArraySpace(s[i])
		}
	}
	if !quote {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `""`)
	return `"` + r.Replace(s) + `"`
}

// readRecord reads a record's text as record_in does; nil fields are NULL
// (an unquoted empty field).
func readRecord(s string) ([]*string, error) {
	t := strings.TrimSpace(s)
	if len(t) < 2 || t[0] != '(' || t[len(t)-1] != ')' {
		return nil, fmt.Errorf("malformed record literal: %q", s)
	}
	body := t[1 : len(t)-1]
	var out []*string
	for i := 0; ; {
		var b strings.Builder
		quotedAny := false
		for i < len(body) && body[i] != ',' {
			switch c := body[i]; {
			case c == '"':
				quotedAny = true
				i++
				for i < len(body) {
					if body[i] == '"' {
						if i+1 < len(body) && body[i+1] == '"' {
							b.WriteByte('"')
							i += 2
							continue
						}
						break
					}
					if body[i] == '\\' && i+1 < len(body) {
						i++
					}
					b.WriteByte(body[i])
					i++
				}
				if i >= len(body) {
					return nil, fmt.Errorf("malformed record literal: %q", s)
				}
				i++
			case c == '\\' && i+1 < len(body):
				b.WriteByte(body[i+1])
				i += 2
			default:
				b.WriteByte(c)
				i++
			}
		}
		if v := b.String(); v == "" && !quotedAny {
			out = append(out, nil)
		} else {
			out = append(out, &v)
		}
		if i >= len(body) {
			return out, nil
		}
		i++ // the comma
	}
}
