package catalog

import (
	"strings"
	"testing"
)

// TestRecordText: pg_record's text reads back field by field.
func TestRecordText(t *testing.T) {
	fields := []any{int64(1), "a b", "", nil, `x"y\z`, "(,)"}
	text := "("
	for i, f := range fields {
		if i > 0 {
			text += ","
		}
		text += recordField(f)
	}
	text += ")"
	if want := `(1,"a b","",,"x""y\\z","(,)")`; text != want {
		t.Fatalf("record %s, want %s", text, want)
	}
	got, err := readRecord(text)
	if err != nil || len(got) != len(fields) {
		t.Fatalf("readRecord(%s) = %v, %v", text, got, err)
	}
	for i, f := range fields {
		switch {
		case f == nil && got[i] != nil, f != nil && got[i] == nil:
			t.Errorf("field %d: %v, want %v", i, got[i], f)
		case f != nil && elementValue(got[i]) != f:
			t.Errorf("field %d: %v, want %v", i, elementValue(got[i]), f)
		}
	}
	for _, bad := range []string{"", "1,2", `("a)`} {
		if _, err := readRecord(bad); err == nil {
			t.Errorf("readRecord(%q): no error", bad)
		}
	}
}

// TestExpandArray: _pg_expandarray in a select list as PostgreSQL 15 runs
// it (answers from psql -A).
func TestExpandArray(t *testing.T) {
	f := openCatalog(t)
	for _, c := range []struct{ pg, want string }{
		{`SELECT information_schema._pg_expandarray(ARRAY['a b','',NULL,'"'])`,
			"_pg_expandarray\n(\"a b\",1)\n(\"\",2)\n(,3)\n(\"\"\"\",4)"},
		{`SELECT (information_schema._pg_expandarray('{a,b}'::text[])).x, (information_schema._pg_expandarray('{a,b}'::text[])).n`,
			"x\tn\na\t1\nb\t2"},
		// No row for an empty or NULL array.
		{`SELECT v, (information_schema._pg_expandarray(a)).n FROM (SELECT 1 AS v, '{}' AS a UNION ALL SELECT 2, NULL UNION ALL SELECT 3, '{7,8}') t ORDER BY 1, 2`,
			"v\tn\n3\t1\n3\t2"},
		// An int2vector, and a field of the record read outside.
		{`SELECT (r.k).x, (r.k).n FROM (SELECT information_schema._pg_expandarray(i.indkey) AS k FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'posts_user_id_title_key') r`,
			"x\tn\n2\t1\n3\t2"},
	} {
		got, err := query(t, f, c.pg)
		if err != nil {
			t.Fatalf("%s: %v", c.pg, err)
		}
		if g := strings.Join(got, "\n"); g != c.want {
			t.Errorf("%s:\n%s\nwant\n%s", c.pg, g, c.want)
		}
	}
}
