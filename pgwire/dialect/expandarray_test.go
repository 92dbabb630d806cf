package dialect

import "testing"

// TestExpandArray: _pg_expandarray in a select list becomes a table-valued
// function in FROM; a record's field reads pg_record's text.
func TestExpandArray(t *testing.T) {
	const item = `pg_expandarray(i.indkey) AS "pg expandarray"`
	for _, c := range []struct{ in, sql string }{
		{"SELECT (information_schema._pg_expandarray(i.indkey)).n AS k, information_schema._pg_expandarray(i.indkey) AS r FROM pg_class c JOIN pg_index i ON (c.oid = i.indrelid) WHERE true ORDER BY 1",
			`select "pg expandarray".n as k, pg_record("pg expandarray".x, "pg expandarray".n) as r from pg_class c join pg_index i on (c.oid = i.indrelid), ` + item + ` where 1 order by 1`},
		{"select (information_schema._pg_expandarray(i.indkey)).x from pg_index i",
			`select "pg expandarray".x AS "x" from pg_index i, ` + item},
		{"select information_schema._pg_expandarray(array[1, 2])",
			`select pg_record("pg expandarray".x, "pg expandarray".n) AS "_pg_expandarray" FROM pg_expandarray(pg_array(1, 2)) AS "pg expandarray"`},
		{"select * from (select (information_schema._pg_expandarray(i.indkey)).n from pg_index i) s where s.n > 0",
			`select * from (select "pg expandarray".n from pg_index i, ` + item + `) s where s.n > 0`},
		{"select * from (select information_schema._pg_expandarray(a) as k from t) r where r.x = (r.k).x and (r.k).n > 1",
			`select * from (select pg_record("pg expandarray".x, "pg expandarray".n) as k from t, pg_expandarray(a) AS "pg expandarray") r where r.x = pg_record_field((r.k), 1) and pg_record_field((r.k), 2) > 1`},
		// trim's SQL syntax
		{"select trim(both '\"' from f(x, 1)) as c, trim(leading from y), trim(trailing 'ab' from z), trim(both s, 'x'), trim(s), btrim(s, 'y') from t",
			`select trim(f(x, 1), '"') as c, ltrim(y) AS "ltrim", rtrim(z, 'ab') AS "rtrim", trim(s, 'x') AS "btrim", trim(s) AS "btrim", trim(s, 'y') AS "btrim" from t`},
	} {
		r, err := Translate(c.in, testOpts)
		if err != nil || r.SQL != c.sql {
			t.Errorf("Translate(%q)\n got %q, %v\nwant %q", c.in, r.SQL, err, c.sql)
		}
	}
	for in, code := range map[string]string{
		"select information_schema._pg_expandarray(a), information_schema._pg_expandarray(b) from t": CodeUnsupported,
		"select (information_schema._pg_expandarray(a)).y from t":                                    CodeUndefinedColumn,
		"select (r.k).f from r":                              CodeUnsupported,
		"select information_schema._pg_expandarray() from t": CodeSyntax,
		"select trim(both from) from t":                      CodeSyntax,
	} {
		if _, err := Translate(in, testOpts); err == nil || err.(*Error).Code != code {
			t.Errorf("Translate(%q): %v, want %s", in, err, code)
		}
	}
}
