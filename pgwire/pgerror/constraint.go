package pgerror

import (
	"strings"

	"sqlraft/pgwire/pgname"
)

// Schema lets constraint errors carry the names PostgreSQL would report.
// SQLite names the table and columns of a violated UNIQUE constraint but
// not the constraint; the front end's catalog knows the index. A nil
// Schema is allowed: names then follow PostgreSQL's default naming.
type Schema interface {
	// UniqueIndex returns the name of the unique index or constraint of
	// table over exactly these columns, and whether it is the primary key.
	UniqueIndex(table string, columns []string) (name string, primary bool, ok bool)
}

// schemaName is reported with a table: the translator maps PostgreSQL's
// public schema onto SQLite's main database, so every table is public's.
const schemaName = "public"

// uniqueViolation builds 23505 from SQLite's "UNIQUE constraint failed:"
// detail, which is "t.a, t.b" for a constraint over columns or
// "index 'name'" for an index over expressions.
func uniqueViolation(detail string, primary bool, schema Schema) *Error {
	e := &Error{Severity: "ERROR", Code: UniqueViolation}
	if name, ok := strings.CutPrefix(detail, "index "); ok {
		e.Constraint = strings.Trim(name, "'")
	} else {
		table, cols := splitColumns(detail)
		e.Schema, e.Table = schemaName, table
		e.Constraint = uniqueName(table, cols, primary, schema)
	}
	if e.Constraint == "" {
		e.Message = "duplicate key value violates unique constraint"
	} else {
		e.Message = `duplicate key value violates unique constraint "` + e.Constraint + `"`
	}
	return e
}

// uniqueName is the index the catalog knows, unless it is one of SQLite's
// automatic indexes (sqlite_autoindex_t_1): those stand for a UNIQUE or
// PRIMARY KEY clause that PostgreSQL would have named t_a_key or t_pkey.
func uniqueName(table string, cols []string, primary bool, schema Schema) string {
	if schema != nil {
		if name, pk, ok := schema.UniqueIndex(table, cols); ok {
			if name != "" && !strings.HasPrefix(name, "sqlite_autoindex_") {
				return name
			}
			primary = primary || pk
		}
	}
	if primary {
		return makeObjectName(table, "", "pkey")
	}
	return makeObjectName(table, indexNameAddition(cols), "key")
}

// splitColumns reads "t.a, t.b": the table is the prefix every column
// shares, so a table name containing a dot survives when there are
// several columns.
func splitColumns(detail string) (table string, cols []string) {
	items := strings.Split(detail, ", ")
	if len(items) > 1 {
		prefix := items[0]
		for _, it := range items[1:] {
			for !strings.HasPrefix(it, prefix) {
				prefix = prefix[:len(prefix)-1]
			}
		}
		if i := strings.LastIndexByte(prefix, '.'); i > 0 {
			table = prefix[:i]
			for _, it := range items {
				cols = append(cols, it[i+1:])
			}
			return table, cols
		}
	}
	for _, it := range items {
		t, c, ok := strings.Cut(it, ".")
		if !ok {
			return "", nil
		}
		table = t
		cols = append(cols, c)
	}
	return table, cols
}

// qualifiedColumn splits "t.c" (NOT NULL and STRICT messages).
func qualifiedColumn(s string) (table, column string) {
	table, column, ok := strings.Cut(s, ".")
	if !ok {
		return "", s
	}
	return table, column
}

// The naming rules live in pgname, shared with the catalog.
var (
	indexNameAddition = pgname.Columns
	makeObjectName    = pgname.Object
	clip              = pgname.Clip
)

// isIdentifier reports whether s could be a constraint name rather than
// the expression SQLite prints for an unnamed CHECK.
func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0x80:
		case i > 0 && (r >= '0' && r <= '9' || r == '$'):
		default:
			return false
		}
	}
	return true
}
