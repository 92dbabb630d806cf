package catalog

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"

	"modernc.org/sqlite"
)

// Arrays. SQLite has none: sqlraft stores and returns an array as
// PostgreSQL's text output ({1,2}, {"a b",NULL}), and int2vector and
// oidvector as theirs ('1 2'). The dialect rewrites PostgreSQL's array
// syntax into calls of these functions (see pgwire/dialect/arrays.go):
//
//	pg_in_array(x, arr)    x = ANY (arr)
//	pg_array_get(arr, i)   arr[i]
//	pg_array(a, b, ...)    ARRAY[a, b, ...]
//	pg_array_agg(x)        ARRAY(subquery), an aggregate
//
// and array_upper, array_lower, array_length, cardinality, array_position
// and array_to_string keep their PostgreSQL names. Like the rest of the
// catalog they exist on read connections only.

// array is a one-dimensional array read from its text form; nil elements
// are NULL. Subscripts start at lower.
type array struct {
	elems []*string
	lower int64
}

// readArray reads an array's text: {a,"b c",NULL}, with an optional
// [lower:upper]= bounds decoration, or an int2vector/oidvector's
// space-separated elements, which PostgreSQL subscripts from 0.
func readArray(v driver.Value) (array, error) {
	s := strings.TrimSpace(textOf(v))
	a := array{lower: 1}
	if !strings.HasPrefix(s, "{") && !strings.HasPrefix(s, "[") {
		for _, f := range strings.Fields(s) {
			a.elems = append(a.elems, &f)
		}
		a.lower = 0
		return a, nil
	}
	if strings.HasPrefix(s, "[") {
		dims, rest, ok := strings.Cut(s, "=")
		lo, _, ok2 := strings.Cut(strings.Trim(dims, "[]"), ":")
		n, err := strconv.ParseInt(strings.TrimSpace(lo), 10, 64)
		if !ok || !ok2 || err != nil || strings.Count(dims, "[") != 1 || !strings.HasSuffix(dims, "]") {
			return a, malformed(s)
		}
		a.lower, s = n, strings.TrimSpace(rest)
	}
	elems, ok := parseArray(s)
	if !ok {
		return a, malformed(s)
	}
	a.elems = elems
	return a, nil
}

func malformed(s string) error { return fmt.Errorf("malformed array literal: %q", s) }

// upper is the last subscript.
func (a array) upper() int64 { return a.lower + int64(len(a.elems)) - 1 }

// parseArray reads a one-dimensional array literal; nil elements are NULL.
func parseArray(s string) ([]*string, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return nil, false
	}
	body := s[1 : len(s)-1]
	var out []*string
	if strings.TrimSpace(body) == "" {
		return out, true
	}
	for i := 0; i <= len(body); {
		for i < len(body) && isArraySpace(body[i]) {
			i++
		}
		var b strings.Builder
		quoted := false
		if i < len(body) && body[i] == '"' {
			quoted = true
			i++
			for i < len(body) && body[i] != '"' {
				if body[i] == '\\' && i+1 < len(body) {
					i++
				}
				b.WriteByte(body[i])
				i++
			}
			if i >= len(body) {
				return nil, false
			}
			i++
			for i < len(body) && isArraySpace(body[i]) {
				i++
			}
		} else {
			for i < len(body) && body[i] != ',' {
				switch body[i] {
				case '{', '}', '"':
					return nil, false // nested arrays are not supported
				case '\\':
					if i+1 < len(body) {
						i++
					}
				}
				b.WriteByte(body[i])
				i++
			}
		}
		v := b.String()
		if !quoted {
			v = strings.TrimRight(v, " \t\n\r\v\f")
		}
		switch {
		case !quoted && v == "":
			return nil, false
		case !quoted && strings.EqualFold(v, "NULL"):
			out = append(out, nil)
		default:
			out = append(out, &v)
		}
		if i < len(body) && body[i] != ',' {
			return nil, false
		}
		i++
	}
	return out, true
}

func isArraySpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// arrayElement formats one element as PostgreSQL's array_out does: quoted
// when empty, NULL, or containing a space, a comma, a brace, a quote or a
// backslash; quotes and backslashes escaped.
func arrayElement(v driver.Value) string {
	var s string
	switch x := v.(type) {
	case nil:
		return "NULL"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case bool:
		if x {
			return "t"
		}
		return "f"
	default:
		s = textOf(v)
	}
	quote := s == "" || strings.EqualFold(s, "NULL")
	for i := 0; i < len(s) && !quote; i++ {
		switch s[i] {
		case '"', '\\', '{', '}', ',':
			quote = true
		default:
			quote = isArraySpace(s[i])
		}
	}
	if !quote {
		return s
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}

// arrayText builds an array's text from its elements.
func arrayText(elems []string) string { return "{" + strings.Join(elems, ",") + "}" }

// elementValue returns an element as SQLite should see it: an integer
// when it is one written canonically (int2vector keys, oids), so that
// comparisons with numbers match; text otherwise.
func elementValue(e *string) driver.Value {
	if e == nil {
		return nil
	}
	if n, err := strconv.ParseInt(*e, 10, 64); err == nil && strconv.FormatInt(n, 10) == *e {
		return n
	}
	return *e
}

// elementEquals compares a value with an element's text: numerically when
// the value is a number, as text otherwise.
func elementEquals(v driver.Value, e string) bool {
	switch x := v.(type) {
	case int64:
		if n, err := strconv.ParseInt(strings.TrimSpace(e), 10, 64); err == nil {
			return n == x
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(e), 64)
		return err == nil && f == float64(x)
	case float64:
		f, err := strconv.ParseFloat(strings.TrimSpace(e), 64)
		return err == nil && f == x
	}
	return textOf(v) == e
}

// arrayFunctions are the scalar array functions, by name and arities.
func arrayFunctions() []def {
	// withArray reads the first argument; the function is NULL on NULL.
	withArray := func(f func(array, []driver.Value) (driver.Value, error)) fn {
		return func(_ *sqlite.FunctionContext, a []driver.Value) (driver.Value, error) {
			if a[0] == nil {
				return nil, nil
			}
			arr, err := readArray(a[0])
			if err != nil {
				return nil, err
			}
			return f(arr, a)
		}
	}
	// dim1 is NULL unless the dimension asked for is 1 and the array has
	// elements, as array_upper and friends are.
	dim1 := func(f func(array) int64) fn {
		return withArray(func(arr array, a []driver.Value) (driver.Value, error) {
			if a[1] == nil || intOf(a[1]) != 1 || len(arr.elems) == 0 {
				return nil, nil
			}
			return f(arr), nil
		})
	}
	return []def{
		// x = ANY (arr): true if an element equals x; NULL if x is NULL or
		// none does and one is NULL; false for an empty array (even for a
		// NULL x), so that NOT pg_in_array is x <> ALL (arr).
		{"pg_in_array", []int{2}, func(_ *sqlite.FunctionContext, a []driver.Value) (driver.Value, error) {
			if a[1] == nil {
				return nil, nil
			}
			arr, err := readArray(a[1])
			if err != nil {
				return nil, err
			}
			if len(arr.elems) == 0 {
				return int64(0), nil
			}
			if a[0] == nil {
				return nil, nil
			}
			sawNull := false
			for _, e := range arr.elems {
				switch {
				case e == nil:
					sawNull = true
				case elementEquals(a[0], *e):
					return int64(1), nil
				}
			}
			if sawNull {
				return nil, nil
			}
			return int64(0), nil
		}},
		{"pg_array_get", []int{2}, withArray(func(arr array, a []driver.Value) (driver.Value, error) {
			if a[1] == nil {
				return nil, nil
			}
			k := intOf(a[1]) - arr.lower
			if k < 0 || k >= int64(len(arr.elems)) {
				return nil, nil
			}
			return elementValue(arr.elems[k]), nil
		})},
		{"pg_array", []int{-1}, func(_ *sqlite.FunctionContext, a []driver.Value) (driver.Value, error) {
			elems := make([]string, len(a))
			for i, v := range a {
				elems[i] = arrayElement(v)
			}
			return arrayText(elems), nil
		}},
		{"array_upper", []int{2}, dim1(array.upper)},
		{"array_lower", []int{2}, dim1(func(arr array) int64 { return arr.lower })},
		{"array_length", []int{2}, dim1(func(arr array) int64 { return int64(len(arr.elems)) })},
		{"cardinality", []int{1}, withArray(func(arr array, _ []driver.Value) (driver.Value, error) {
			return int64(len(arr.elems)), nil
		})},
		// array_position(arr, x [, start]) compares with IS NOT DISTINCT
		// FROM: a NULL finds the first NULL.
		{"array_position", []int{2, 3}, withArray(func(arr array, a []driver.Value) (driver.Value, error) {
			from := arr.lower
			if len(a) == 3 {
				if a[2] == nil {
					return nil, fmt.Errorf("initial position must not be null")
				}
				from = max(from, intOf(a[2]))
			}
			for k := from - arr.lower; k < int64(len(arr.elems)); k++ {
				e := arr.elems[k]
				if e == nil && a[1] == nil || e != nil && a[1] != nil && elementEquals(a[1], *e) {
					return arr.lower + k, nil
				}
			}
			return nil, nil
		})},
		{"array_to_string", []int{2, 3}, withArray(func(arr array, a []driver.Value) (driver.Value, error) {
			if a[1] == nil {
				return nil, nil
			}
			var out []string
			for _, e := range arr.elems {
				switch {
				case e != nil:
					out = append(out, *e)
				case len(a) == 3 && a[2] != nil:
					out = append(out, textOf(a[2]))
				}
			}
			return strings.Join(out, textOf(a[1])), nil
		})},
	}
}

// arrayAgg is pg_array_agg(x), ARRAY(subquery): the array of the rows'
// values in the order they come, '{}' for no rows.
type arrayAgg struct{ elems []string }

func (g *arrayAgg) Step(_ *sqlite.FunctionContext, a []driver.Value) error {
	g.elems = append(g.elems, arrayElement(a[0]))
	return nil
}

func (g *arrayAgg) WindowInverse(*sqlite.FunctionContext, []driver.Value) error {
	if len(g.elems) > 0 {
		g.elems = g.elems[1:]
	}
	return nil
}

func (g *arrayAgg) WindowValue(*sqlite.FunctionContext) (driver.Value, error) {
	return arrayText(g.elems), nil
}

func (g *arrayAgg) Final(*sqlite.FunctionContext) {}

func registerArrayAgg(d *sqlite.Driver) error {
	return d.RegisterFunction("pg_array_agg", &sqlite.FunctionImpl{
		NArgs: 1,
		MakeAggregate: func(sqlite.FunctionContext) (sqlite.AggregateFunction, error) {
			return &arrayAgg{}, nil
		},
	})
}
