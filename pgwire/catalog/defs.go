package catalog

import (
	"strconv"
	"strings"

	"sqlraft/pgwire/pgvalue"
)

// indexDef is pg_get_indexdef's text:
// CREATE UNIQUE INDEX users_email_key ON public.users USING btree (email);
// pretty leaves out the schema, as PostgreSQL does for a visible table.
func indexDef(ix *index, pretty bool) string {
	var b strings.Builder
	schema := "public."
	if pretty {
		schema = "" // public is on the search path
	}
	b.WriteString("CREATE ")
	if ix.unique {
		b.WriteString("UNIQUE ")
	}
	b.WriteString("INDEX " + quoteIdent(ix.rel.name) + " ON " + schema + quoteIdent(ix.table.name) + " USING btree (")
	b.WriteString(strings.Join(ix.exprs, ", "))
	b.WriteString(")")
	if ix.where != "" {
		b.WriteString(" WHERE (" + ix.where + ")")
	}
	return b.String()
}

// constraintDef is pg_get_constraintdef's text.
func constraintDef(c *constraint, pretty bool) string {
	switch c.kind {
	case 'p':
		return "PRIMARY KEY (" + colNames(c.table, c.cols) + ")"
	case 'u':
		return "UNIQUE (" + colNames(c.table, c.cols) + ")"
	case 'c':
		if pretty || strings.HasPrefix(c.check, "(") && group(words(c.check), 0) == len(words(c.check)) {
			return "CHECK (" + c.check + ")"
		}
		return "CHECK ((" + c.check + "))"
	case 'f':
		s := "FOREIGN KEY (" + colNames(c.table, c.cols) + ") REFERENCES " + quoteIdent(c.ref.name) + "(" + colNames(c.ref, c.refCols) + ")"
		if a := actionText(c.onUpdate); a != "" {
			s += " ON UPDATE " + a
		}
		if a := actionText(c.onDelete); a != "" {
			s += " ON DELETE " + a
		}
		return s
	}
	return ""
}

func actionText(a byte) string {
	switch a {
	case 'r':
		return "RESTRICT"
	case 'c':
		return "CASCADE"
	case 'n':
		return "SET NULL"
	case 'd':
		return "SET DEFAULT"
	}
	return ""
}

func colNames(r *relation, nums []int) string {
	var s []string
	for _, n := range nums {
		if n > 0 && n <= len(r.cols) {
			s = append(s, quoteIdent(r.cols[n-1].name))
		}
	}
	return strings.Join(s, ", ")
}

// typeNames are the typnames of the fixed pg_type rows, for format_type on
// types pgvalue does not know.
var typeNames = func() map[int64]string {
	t := tableByID["pg_type"]
	m := map[int64]string{}
	for _, r := range fixedRows(t) {
		m[r[t.col("oid")].(int64)] = r[t.col("typname")].(string)
	}
	return m
}()

// formatType is format_type(oid, typmod).
func formatType(oid int64, mod int64) string {
	t, ok := pgvalue.ByOID(uint32(oid))
	if !ok {
		if n, ok := typeNames[oid]; ok {
			if strings.HasPrefix(n, "_") {
				return n[1:] + "[]"
			}
			return n
		}
		return "???"
	}
	name, arr := t.Name, ""
	if base, ok := strings.CutSuffix(name, "[]"); ok {
		name, arr = base, "[]"
	}
	if mod < 0 {
		return name + arr
	}
	switch name {
	case "character varying", "character", "bit", "bit varying":
		if name == "character varying" || name == "character" {
			mod -= 4
		}
		return name + "(" + strconv.FormatInt(mod, 10) + ")" + arr
	case "numeric":
		mod -= 4
		return "numeric(" + strconv.FormatInt(mod>>16&0xffff, 10) + "," + strconv.FormatInt(mod&0xffff, 10) + ")" + arr
	case "timestamp without time zone", "timestamp with time zone", "time without time zone", "time with time zone":
		w, rest, _ := strings.Cut(name, " ")
		return w + "(" + strconv.FormatInt(mod, 10) + ") " + rest + arr
	}
	return name + arr
}
