package catalog

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"

	"modernc.org/sqlite"

	"sqlraft/fsm/tablefunc"
)

// The functions psql, drivers and tools call on the catalog, registered
// under their pg_catalog names (the translator drops "pg_catalog."). They
// exist on read connections only: replicated SQL never sees them.

type fn = func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error)

// def is a function: its name, the argument counts it takes (-1: any) and
// its body.
type def struct {
	name  string
	nargs []int
	f     fn
}

func (c *conn) registerFunctions(d *sqlite.Driver) error {
	constant := func(v driver.Value) fn {
		return func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error) { return v, nil }
	}
	defs := []def{
		{"format_type", []int{2}, func(_ *sqlite.FunctionContext, a []driver.Value) (driver.Value, error) {
			if a[0] == nil {
				return nil, nil
			}
			mod := int64(-1)
			if a[1] != nil {
				mod = intOf(a[1])
			}
			return formatType(intOf(a[0]), mod), nil
		}},
		{"pg_get_expr", []int{2, 3}, func(_ *sqlite.FunctionContext, a []driver.Value) (driver.Value, error) { return a[0], nil }},
		{"pg_get_indexdef", []int{1, 3}, c.withSchema(func(s *schema, a []driver.Value) (driver.Value, error) {
			r := s.byOID[uint32(intOf(a[0]))]
			if r == nil || r.idx == nil {
				return nil, nil
			}
			if len(a) == 3 && intOf(a[1]) > 0 {
				k := int(intOf(a[1]))
				if k > len(r.idx.exprs) {
					return "", nil
				}
				return r.idx.exprs[k-1], nil
			}
			return indexDef(r.idx, len(a) == 3 && intOf(a[2]) != 0), nil
		})},
		{"pg_get_constraintdef", []int{1, 2}, c.withSchema(func(s *schema, a []driver.Value) (driver.Value, error) {
			con := s.conOID[uint32(intOf(a[0]))]
			if con == nil {
				return nil, nil
			}
			return constraintDef(con, len(a) == 2 && intOf(a[1]) != 0), nil
		})},
		{"to_regclass", []int{1}, c.withSchema(func(s *schema, a []driver.Value) (driver.Value, error) {
			if r := s.relation(textOf(a[0])); r != nil {
				return int64(r.oid), nil
			}
			return nil, nil
		})},
		// 'name'::regclass: PostgreSQL's regclassin reads a number as an
		// OID, a name as a relation that must exist.
		{"pg_regclass_in", []int{1}, c.withSchema(func(s *schema, a []driver.Value) (driver.Value, error) {
			name := strings.TrimSpace(textOf(a[0]))
			if n, err := strconv.ParseInt(name, 10, 64); err == nil && n >= 0 {
				return n, nil
			}
			if r := s.relation(name); r != nil {
				return int64(r.oid), nil
			}
			return nil, fmt.Errorf("relation %q does not exist", name)
		})},
		{"pg_regclass_out", []int{1}, c.withSchema(func(s *schema, a []driver.Value) (driver.Value, error) {
			if r := s.byOID[uint32(intOf(a[0]))]; r != nil {
				return quoteIdent(r.name), nil
			}
			return strconv.FormatInt(intOf(a[0]), 10), nil
		})},
		{"pg_regnamespace_out", []int{1}, func(_ *sqlite.FunctionContext, a []driver.Value) (driver.Value, error) {
			if a[0] == nil {
				return nil, nil
			}
			switch n := intOf(a[0]); n {
			case nsCatalog:
				return "pg_catalog", nil
			case nsPublic:
				return "public", nil
			case nsInfoSchema:
				return "information_schema", nil
			default:
				return strconv.FormatInt(n, 10), nil
			}
		}},
		{"pg_regtype_out", []int{1}, func(_ *sqlite.FunctionContext, a []driver.Value) (driver.Value, error) {
			if a[0] == nil {
				return nil, nil
			}
			if t := formatType(intOf(a[0]), -1); t != "???" {
				return t, nil
			}
			return strconv.FormatInt(intOf(a[0]), 10), nil
		}},
		{"pg_get_userbyid", []int{1}, func(_ *sqlite.FunctionContext, a []driver.Value) (driver.Value, error) {
			switch intOf(a[0]) {
			case ownerOID:
				return c.cat.opts.Owner, nil
			case databaseOwnerOID:
				return "pg_database_owner", nil
			}
			return fmt.Sprintf("unknown (OID=%d)", intOf(a[0])), nil
		}},
		{"pg_encoding_to_char", []int{1}, func(_ *sqlite.FunctionContext, a []driver.Value) (driver.Value, error) {
			if intOf(a[0]) == 6 {
				return "UTF8", nil
			}
			return "", nil
		}},
		// pg_partition_ancestors(rel) is a set holding rel itself (a table
		// that is no partition): as a scalar, rel.
		{"pg_partition_ancestors", []int{1}, func(_ *sqlite.FunctionContext, a []driver.Value) (driver.Value, error) { return a[0], nil }},
		{"quote_ident", []int{1}, func(_ *sqlite.FunctionContext, a []driver.Value) (driver.Value, error) {
			if a[0] == nil {
				return nil, nil
			}
			return quoteIdent(textOf(a[0])), nil
		}},
		{"pg_size_pretty", []int{1}, func(_ *sqlite.FunctionContext, a []driver.Value) (driver.Value, error) {
			return sizePretty(intOf(a[0])), nil
		}},
		{"pg_table_is_visible", []int{1}, constant(int64(1))},
		{"pg_type_is_visible", []int{1}, constant(int64(1))},
		{"pg_function_is_visible", []int{1}, constant(int64(1))},
		{"has_table_privilege", []int{2, 3}, constant(int64(1))},
		{"has_schema_privilege", []int{2, 3}, constant(int64(1))},
		{"has_database_privilege", []int{2, 3}, constant(int64(1))},
		{"has_column_privilege", []int{3, 4}, constant(int64(1))},
		{"pg_relation_is_publishable", []int{1}, constant(int64(0))},
		{"pg_get_statisticsobjdef_columns", []int{1}, constant(nil)},
		{"pg_get_triggerdef", []int{1, 2}, constant(nil)},
		{"pg_get_viewdef", []int{1, 2}, c.withSchema(func(s *schema, a []driver.Value) (driver.Value, error) {
			if r := s.byOID[uint32(intOf(a[0]))]; r != nil && r.kind == 'v' {
				return viewBody(r.sql), nil
			}
			return nil, nil
		})},
		{"pg_get_function_arguments", []int{1}, constant("")},
		{"pg_get_function_result", []int{1}, constant(nil)},
		{"pg_get_function_identity_arguments", []int{1}, constant("")},
		{"obj_description", []int{1, 2}, constant(nil)},
		{"col_description", []int{2}, constant(nil)},
		{"shobj_description", []int{2}, constant(nil)},
		{"pg_total_relation_size", []int{1}, constant(int64(0))},
		{"pg_relation_size", []int{1, 2}, constant(int64(0))},
		{"pg_table_size", []int{1}, constant(int64(0))},
		{"pg_indexes_size", []int{1}, constant(int64(0))},
	}
	defs = append(defs, arrayFunctions()...)
	defs = append(defs, recordFunctions()...)
	for _, d0 := range defs {
		// The driver keeps one function per name: several arities are one
		// variadic function that checks its argument count.
		n, f := int32(d0.nargs[0]), d0.f
		if len(d0.nargs) > 1 {
			n, f = -1, arity(d0.name, d0.nargs, d0.f)
		}
		if err := d.RegisterScalarFunction(d0.name, n, f); err != nil {
			return fmt.Errorf("catalog: register %s: %w", d0.name, err)
		}
	}
	if err := registerArrayAgg(d); err != nil {
		return fmt.Errorf("catalog: register pg_array_agg: %w", err)
	}
	return nil
}

// relation finds a relation by name as regclass input reads it: an
// optional public. or pg_catalog. schema, parts quoted ("Users") or folded
// to lower case; nil if there is none.
func (s *schema) relation(name string) *relation {
	var parts []string
	for rest := strings.TrimSpace(name); ; {
		var part string
		if strings.HasPrefix(rest, `"`) {
			end := 1
			for end < len(rest) && (rest[end] != '"' || end+1 < len(rest) && rest[end+1] == '"') {
				if rest[end] == '"' {
					end++
				}
				end++
			}
			if end >= len(rest) {
				return nil
			}
			part, rest = strings.ReplaceAll(rest[1:end], `""`, `"`), rest[end+1:]
		} else {
			i := strings.IndexByte(rest, '.')
			if i < 0 {
				i = len(rest)
			}
			part, rest = strings.ToLower(strings.TrimSpace(rest[:i])), rest[i:]
		}
		parts = append(parts, part)
		if rest == "" {
			break
		}
		if rest[0] != '.' {
			return nil
		}
		rest = rest[1:]
	}
	switch {
	case len(parts) == 2 && parts[0] == "public":
	case len(parts) != 1:
		return nil
	}
	return s.byName[strings.ToLower(parts[len(parts)-1])]
}

func arity(name string, nargs []int, f fn) fn {
	return func(ctx *sqlite.FunctionContext, a []driver.Value) (driver.Value, error) {
		for _, n := range nargs {
			if len(a) == n {
				return f(ctx, a)
			}
		}
		return nil, fmt.Errorf("function %s does not take %d arguments", name, len(a))
	}
}

// withSchema gives a function the connection's schema; it is NULL on NULL.
func (c *conn) withSchema(f func(*schema, []driver.Value) (driver.Value, error)) fn {
	return func(_ *sqlite.FunctionContext, a []driver.Value) (driver.Value, error) {
		if a[0] == nil {
			return nil, nil
		}
		s, err := c.schema()
		if err != nil {
			return nil, err
		}
		return f(s, a)
	}
}

// intOf reads an integer argument leniently, as SQLite does.
var intOf = tablefunc.IntOf

func textOf(v driver.Value) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// sizePretty is pg_size_pretty(bigint).
func sizePretty(n int64) string {
	units := []string{"bytes", "kB", "MB", "GB", "TB", "PB"}
	abs := n
	if abs < 0 {
		abs = -abs
	}
	u := 0
	for u < len(units)-1 && abs >= 10*1024-512 {
		abs = (abs + 512) / 1024
		u++
	}
	if n < 0 {
		abs = -abs
	}
	return strconv.FormatInt(abs, 10) + " " + units[u]
}
