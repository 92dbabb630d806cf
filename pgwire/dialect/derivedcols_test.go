package dialect

import "testing"

// A derived table's column list names its columns through an empty first
// arm of a compound, since SQLite has no such list.
func TestDerivedTableColumnList(t *testing.T) {
	expectContains(t, Options{}, []containsCase{
		{"SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v(id, name)",
			`from (SELECT NULL AS "id", NULL AS "name" WHERE 0 UNION ALL SELECT * FROM (values (1, 'a'), (2, 'b'))) as v`},
		{"SELECT x FROM (VALUES (1)) v(x)", `(SELECT NULL AS "x" WHERE 0 UNION ALL SELECT * FROM (values (1))) v`},
		{`SELECT "Y" FROM (SELECT 1 AS x) s("Y")`, `(SELECT NULL AS "Y" WHERE 0 UNION ALL SELECT * FROM (select 1 as x)) s`},
		{"SELECT * FROM t JOIN (SELECT 1) AS u(a) ON true", `join (SELECT NULL AS "a" WHERE 0 UNION ALL SELECT * FROM (select 1)) as u on 1`},
		{"SELECT * FROM (SELECT 1) AS s", "from (select 1) as s"},
		{"SELECT count(*) FROM t WHERE x IN (SELECT 1)", "in (select 1)"},
	})
}
