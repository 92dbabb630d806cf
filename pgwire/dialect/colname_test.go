package dialect

import "testing"

// TestColumnNames checks that unaliased result columns get PostgreSQL's
// names (FigureColname), which clients use to read rows by name.
func TestColumnNames(t *testing.T) {
	cases := []struct{ in, want string }{
		{"select count(*) from t", `select count(*) AS "count" from t`},
		{"select now(), version(), current_user", `select strftime('%Y-%m-%d %H:%M:%f','now') AS "now", 'PostgreSQL 15.0 (sqlraft 0.1)' AS "version", 'alice' AS "current_user"`},
		{"select 1, 'a', $1, null, a + 1 from t", `select 1 AS "?column?", 'a' AS "?column?", ?1 AS "?column?", null AS "?column?", a + 1 AS "?column?" from t`},
		{"select true, x::int, '1'::int, '1'::integer::text, null::bigint from t", `select 1 AS "bool", CAST(x AS INTEGER) AS "x", 1 AS "int4", CAST(1 AS TEXT) AS "text", null AS "int8" from t`},
		{"select a, t.b, \"C\", * , t.* from t", `select a, t.b, "C", * , t.* from t`},
		{"select count(*) as n, sum(x) total, max(y) AS \"Max\" from t", `select count(*) as n, sum(x) total, max(y) as "Max" from t`},
		{"select pg_catalog.lower(a), coalesce(a, b), exists(select 1) from t", `select lower(a) AS "lower", coalesce(a, b) AS "coalesce", exists(select 1) AS "exists" from t`},
		{"select case when a then b else c end, case when a then 1 end from t", `select case when a then b else c end AS "c", case when a then 1 end AS "case" from t`},
		{"select cast(a as text), cast('1' as int), date '2024-01-01', (a) from t", `select (CAST(a AS TEXT)) AS "a", (1) AS "int4", '2024-01-01' AS "date", (a) AS "a" from t`},
		{"select (select count(*) from u), (select x as y from u) from t", `select (select count(*) from u) AS "count", (select x as y from u) AS "y" from t`},
		{"select row_number() over (order by a), count(*) filter (where b) from t", `select row_number() over (order by a) AS "row_number", count(*) filter (where b) AS "count" from t`},
		{"select a is distinct from b, a collate \"C\" from t", `select a is distinct from b AS "?column?", a COLLATE BINARY AS "a" from t`},
		{"select distinct on (a) a, lower(b) from t", `select distinct on (a) a, lower(b) AS "lower" from t`},
		{"select 1 union select count(*) from t", `select 1 AS "?column?" union select count(*) from t`},
		{"with x as (select 1) select max(a) from x", `with x as (select 1) select max(a) AS "max" from x`},
		{"insert into t (a) values (1) returning id, now(), a::text", `insert into t (a) values (1) returning id, strftime('%Y-%m-%d %H:%M:%f','now') AS "now", CAST(a AS TEXT) AS "a"`},
		{"update t set a = 1 returning a + 1", `update t set a = 1 returning a + 1 AS "?column?"`},
		// GROUP BY may name an output column; an alias equal to an input
		// column would change what SQLite groups by.
		{"select x::int, count(*) from t group by x", `select CAST(x AS INTEGER), count(*) AS "count" from t group by x`},
		{"values (1, 2)", "values (1, 2)"},
	}
	for _, c := range cases {
		r, err := Translate(c.in, testOpts)
		if err != nil {
			t.Errorf("Translate(%q): %v", c.in, err)
			continue
		}
		if norm(r.SQL) != norm(c.want) {
			t.Errorf("Translate(%q)\n got: %s\nwant: %s", c.in, norm(r.SQL), norm(c.want))
		}
	}
}
