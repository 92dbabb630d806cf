package catalog

import (
	"bufio"
	"embed"
	"fmt"
	"strconv"
	"strings"
)

// pg15 holds what was read from a PostgreSQL 15.18 server (see DESIGN.md,
// "Data from PostgreSQL"): the columns of every emulated table
// (columns.txt: table|column|format_type) and the rows of the catalogs
// whose content is fixed (COPY text format).
//
//go:embed pg15/columns.txt pg15/*.tsv
var pg15 embed.FS

// tableDef is one emulated table: its PostgreSQL name ("pg_class",
// "information_schema.tables") and columns.
type tableDef struct {
	name string
	cols []colDef
}

// colDef is a column with PostgreSQL's type (format_type's spelling) and
// the declared type the virtual table gives SQLite, which the front end
// maps back to the type OID (pgvalue.FromDecl).
type colDef struct {
	name, pgType, decl string
}

var tableDefs, tableByID = loadDefs()

func loadDefs() (defs []*tableDef, byID map[string]*tableDef) {
	byID = map[string]*tableDef{}
	b, err := pg15.ReadFile("pg15/columns.txt")
	if err != nil {
		panic(err)
	}
	sc := bufio.NewScanner(strings.NewReader(string(b)))
	for sc.Scan() {
		f := strings.Split(sc.Text(), "|")
		if len(f) != 3 {
			continue
		}
		t := byID[f[0]]
		if t == nil {
			t = &tableDef{name: f[0]}
			defs = append(defs, t)
			byID[f[0]] = t
		}
		t.cols = append(t.cols, colDef{name: f[1], pgType: f[2], decl: declType(f[2])})
	}
	return defs, byID
}

// declType is the SQLite declared type for a PostgreSQL type name, in the
// spelling the translator uses (int4 not integer, "x array" not x[]); the
// information_schema domains are declared as their base types.
func declType(pg string) string {
	if elem, ok := strings.CutSuffix(pg, "[]"); ok {
		return declType(elem) + " array"
	}
	switch pg {
	case "information_schema.sql_identifier":
		return "name"
	case "information_schema.cardinal_number", "integer":
		return "int4"
	case "information_schema.character_data", "information_schema.yes_or_no":
		return "character varying"
	case "information_schema.time_stamp":
		return "timestamp with time zone"
	case "smallint":
		return "int2"
	case "bigint":
		return "int8"
	case "real":
		return "float4"
	case "boolean":
		return "bool"
	}
	return pg
}

// createSQL declares the table to SQLite (sqlite3_declare_vtab).
func (t *tableDef) createSQL() string {
	var b strings.Builder
	b.WriteString("CREATE TABLE x(")
	for i, c := range t.cols {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %s", quoteIdent(c.name), c.decl)
	}
	b.WriteString(")")
	return b.String()
}

// col returns the position of a column, panicking on a name not in the
// table (a programming error caught by every test).
func (t *tableDef) col(name string) int {
	for i, c := range t.cols {
		if c.name == name {
			return i
		}
	}
	panic("catalog: " + t.name + " has no column " + name)
}

// fixedRows reads pg15/<table>.tsv, a COPY TO STDOUT dump, into values for
// the table's columns.
func fixedRows(t *tableDef) [][]any {
	b, err := pg15.ReadFile("pg15/" + t.name + ".tsv")
	if err != nil {
		panic(err)
	}
	var out [][]any
	for _, line := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != len(t.cols) {
			panic(fmt.Sprintf("catalog: %s.tsv has %d fields, the table %d columns", t.name, len(f), len(t.cols)))
		}
		row := make([]any, len(f))
		for i, s := range f {
			row[i] = copyValue(s, t.cols[i].pgType)
		}
		out = append(out, row)
	}
	return out
}

// copyValue reads one field of COPY's text format as the column's type.
func copyValue(s, pgType string) any {
	if s == `\N` {
		return nil
	}
	s = unescapeCopy(s)
	switch pgType {
	case "boolean":
		return boolValue(s == "t")
	case "oid", "integer", "smallint", "bigint", "xid":
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			return n
		}
	case "real", "double precision":
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
	}
	return s
}

func unescapeCopy(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	r := strings.NewReplacer(`\\`, `\`, `\t`, "\t", `\n`, "\n", `\r`, "\r")
	return r.Replace(s)
}

func boolValue(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// quoteIdent quotes a name as PostgreSQL's quote_ident does: only when it
// is not a lower-case identifier (keywords aside: the catalog's column
// names include none that matter to SQLite once quoted).
func quoteIdent(s string) string {
	plain := s != ""
	for i, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			plain = false
			break
		}
	}
	if plain && !sqlKeywords[s] {
		return s
	}
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// sqlKeywords are reserved words that appear as names in the catalog or
// commonly in schemas and must be quoted (PostgreSQL's reserved keywords
// plus SQLite's that are column names here).
var sqlKeywords = map[string]bool{
	"all": true, "analyse": true, "analyze": true, "and": true, "any": true, "array": true,
	"as": true, "asc": true, "both": true, "case": true, "cast": true, "check": true,
	"collate": true, "column": true, "constraint": true, "create": true, "default": true,
	"desc": true, "distinct": true, "do": true, "else": true, "end": true, "except": true,
	"false": true, "for": true, "foreign": true, "from": true, "grant": true, "group": true,
	"having": true, "in": true, "index": true, "into": true, "is": true, "key": true,
	"limit": true, "not": true, "null": true, "offset": true, "on": true, "or": true,
	"order": true, "primary": true, "references": true, "select": true, "table": true,
	"then": true, "to": true, "true": true, "union": true, "unique": true, "user": true,
	"using": true, "when": true, "where": true, "with": true, "position": true,
}
