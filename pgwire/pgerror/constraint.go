package pgerror

import (
	"strings"
	"unicode/utf8"
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

// namedatalen is PostgreSQL's NAMEDATALEN: identifiers are at most 63 bytes.
const namedatalen = 64

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

// indexNameAddition is PostgreSQL's ChooseIndexNameAddition: the column
// names joined with underscores, stopping once the result is long enough
// to be truncated anyway.
func indexNameAddition(cols []string) string {
	var b strings.Builder
	for _, c := range cols {
		if b.Len() > 0 {
			b.WriteByte('_')
		}
		if len(c) > namedatalen-1 {
			c = clip(c, namedatalen-1)
		}
		b.WriteString(c)
		if b.Len() >= namedatalen {
			break
		}
	}
	return b.String()
}

// makeObjectName is PostgreSQL's makeObjectName: name1_name2_label, with
// the longer of the two names truncated first so the whole fits in 63
// bytes. That is how PostgreSQL names users_email_key and users_pkey.
func makeObjectName(name1, name2, label string) string {
	overhead := len(label) + 1
	if name2 != "" {
		overhead++
	}
	avail := namedatalen - 1 - overhead
	n1, n2 := len(name1), len(name2)
	for n1+n2 > avail {
		if n1 > n2 {
			n1--
		} else {
			n2--
		}
	}
	name := clip(name1, n1)
	if name2 != "" {
		name += "_" + clip(name2, n2)
	}
	return name + "_" + label
}

// clip cuts s to at most n bytes without splitting a UTF-8 sequence
// (pg_mbcliplen).
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

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
