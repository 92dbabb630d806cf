package dialect

import "testing"

func TestTranslateArrays(t *testing.T) {
	cases := []translateCase{
		// x = ANY / <> ALL
		{"= any column", "select 'd' = any(stxkind) from s", "select pg_in_array('d', stxkind) from s"},
		{"= ANY function", "SELECT n.nspname = ANY(current_schemas(true)) FROM pg_namespace n",
			"select pg_in_array(n.nspname, '{pg_catalog,public}') from pg_namespace n"},
		{"= some param", "select * from t where id = some ($1)", "select * from t where pg_in_array(id, ?1)"},
		{"OPERATOR(pg_catalog.=) ANY", "select * from t where a OPERATOR(pg_catalog.=) ANY (b)", "select * from t where pg_in_array(a, b)"},
		{"<> all", "select * from t where x <> ALL (arr) and y", "select * from t where (NOT pg_in_array(x, arr)) and y"},
		{"!= all", "select * from t where x != all (arr)", "select * from t where (NOT pg_in_array(x, arr))"},
		{"left operand extent", "select * from t where a + 1 = any(b) or c", "select * from t where pg_in_array(a + 1, b) or c"},
		{"= any subquery", "select * from t where id = any (select id from u)", "select * from t where id IN (select id from u)"},
		{"<> all subquery", "select * from t where id <> all (select id from u)", "select * from t where id NOT IN (select id from u)"},
		{"= any ARRAY[]", "select * from t where id = any (array[1, $1])", "select * from t where id IN (1, ?1)"},
		{"<> all ARRAY[]", "select * from t where id <> all (ARRAY[1, 2])", "select * from t where id NOT IN (1, 2)"},
		{"= any of a cast array", "select * from t where id = any ('{1,2}'::int[])", "select * from t where pg_in_array(id, '{1,2}')"},
		// constructors
		{"ARRAY[]", "select array[1, 'a b', null], ARRAY[]::text[]", "select pg_array(1, 'a b', null), pg_array()"},
		{"ARRAY(subquery)", "select array(select x from t order by 1)",
			`select (WITH "pg array"(v) AS (select x from t order by 1) SELECT pg_array_agg(v) FROM "pg array")`},
		{"ARRAY(subquery) in a call", "select array_to_string(array(select rolname from pg_roles where oid = any (pol.polroles) order by 1),',') from pg_policy pol",
			`select array_to_string((WITH "pg array"(v) AS (select rolname from pg_roles where pg_in_array(oid, pol.polroles) order by 1) SELECT pg_array_agg(v) FROM "pg array"),',') from pg_policy pol`},
		// subscripts
		{"subscripts", "select a[1], t.b[i + 1], (c)[2], $1[3], d[e[1]] from t",
			"select pg_array_get(a, 1), pg_array_get(t.b, i + 1), pg_array_get((c), 2), pg_array_get(?1, 3), pg_array_get(d, pg_array_get(e, 1)) from t"},
		{"subscript in a comparison", "select * from pg_attribute where attnum = prattrs[s]", "select * from pg_attribute where attnum = pg_array_get(prattrs, s)"},
		{"array casts dropped", "select array_upper(pr.prattrs::pg_catalog.int2[], 1), x::oid[], cardinality(y::text[]) from t",
			"select array_upper(pr.prattrs, 1), x, cardinality(y) from t"},
		{"string_agg", "select string_agg(attname, ', ') from t", "select group_concat(attname, ', ') from t"},
		// set-returning functions in FROM
		{"generate_series plain", "select * from generate_series(1, 3)", "select * from generate_series(1, 3)"},
		{"generate_series alias", "SELECT string_agg(attname, ', ') FROM pg_catalog.generate_series(0, pg_catalog.array_upper(pr.prattrs::pg_catalog.int2[], 1)) s, pg_catalog.pg_attribute WHERE attnum = prattrs[s]",
			`select group_concat(attname, ', ') from (SELECT generate_series AS "s" FROM generate_series(0, array_upper(pr.prattrs, 1))) AS "s", pg_attribute where attnum = pg_array_get(prattrs, s)`},
		{"generate_series columns", "select n from t join generate_series(1, 3) as g(n) on true",
			`select n from t join (SELECT generate_series AS "n" FROM generate_series(1, 3)) AS "g" on 1`},
		{"unnest with ordinality", "select * from unnest($1::text[]) with ordinality as u(x, n)",
			`select * from (SELECT unnest AS "x", ordinality AS "n" FROM unnest(?1)) AS "u"`},
		{"unnest ordinality no alias", "select * from t, unnest(a) with ordinality",
			`select * from t, (SELECT unnest AS "unnest", ordinality AS "ordinality" FROM unnest(a)) AS "unnest"`},
		{"pg_partition_ancestors with ordinality", "SELECT u.tgrelid FROM pg_catalog.pg_trigger AS u, pg_catalog.pg_partition_ancestors(t.tgrelid) WITH ORDINALITY AS a(relid, depth) WHERE u.tgrelid = a.relid ORDER BY a.depth",
			`select u.tgrelid from pg_trigger as u, (SELECT t.tgrelid AS "relid", 1 AS "depth") AS "a" where u.tgrelid = a.relid order by a.depth`},
		{"pg_partition_ancestors plain", "select * from pg_partition_ancestors('16385')",
			`select * from (SELECT '16385' AS "pg_partition_ancestors") AS "pg_partition_ancestors"`},
		{"pg_partition_ancestors scalar", "select 1 where 5 in (select pg_partition_ancestors(5))", "select 1 where 5 in (select pg_partition_ancestors(5))"},
		{"not a FROM item", "select a, generate_series(1, 2) from t where b is distinct from c", "select a, generate_series(1, 2) from t where b is distinct from c"},
		{"scalar unnest", "select quote_ident(unnest($1::text[]))", "select quote_ident(unnest) FROM unnest(?1)"},
		{"scalar unnest with FROM untouched", "select unnest(a) from t", "select unnest(a) from t"},
		// regclass
		{"regclass constant", "select 'users'::regclass, 'public.users'::pg_catalog.regclass, CAST('users' AS regclass), regclass 'x'",
			"select pg_regclass_in('users'), pg_regclass_in('public.users'), (pg_regclass_in('users')), pg_regclass_in('x')"},
		{"regclass of a column", "select conrelid::pg_catalog.regclass from pg_constraint", "select conrelid from pg_constraint"},
		{"reg*::text", "select c.oid::regclass::text, n::pg_catalog.regnamespace::pg_catalog.text, t::regtype::varchar, 'users'::regclass::text from c",
			"select pg_regclass_out(c.oid), pg_regnamespace_out(n), pg_regtype_out(t), pg_regclass_out(pg_regclass_in('users')) from c"},
	}
	// runTranslate compares without the AS "name" aliases; the subqueries'
	// column names are checked in TestArrayNames.
	for i := range cases {
		cases[i].want = stripAliases(cases[i].want)
	}
	runTranslate(t, cases)
}

// TestArrayNames: PostgreSQL's names for the new result columns, and
// their types.
func TestArrayNames(t *testing.T) {
	for _, c := range []struct{ in, sql, typ string }{
		{"select a[1] from t", `select pg_array_get(a, 1) AS "a" from t`, ""},
		{"select array[1]", `select pg_array(1) AS "array"`, ""},
		{"select array(select 1)", `select (WITH "pg array"(v) AS (select 1) SELECT pg_array_agg(v) FROM "pg array") AS "array"`, ""},
		{"select x = any(y) from t", `select pg_in_array(x, y) AS "?column?" from t`, "boolean"},
		{"select x::regclass from t", `select x AS "x" from t`, "regclass"},
		{"select x::regnamespace::text from t", `select pg_regnamespace_out(x) AS "x" from t`, "text"},
		{"select g from generate_series(1, 3) g", `select g from (SELECT generate_series AS "g" FROM generate_series(1, 3)) AS "g"`, ""},
		{"select x from unnest(a) with ordinality as u(x, n)", `select x from (SELECT unnest AS "x", ordinality AS "n" FROM unnest(a)) AS "u"`, ""},
	} {
		r, err := Translate(c.in, testOpts)
		if err != nil || r.SQL != c.sql || len(r.ColumnTypes) != 1 || r.ColumnTypes[0] != c.typ {
			t.Errorf("Translate(%q) = %q %q, %v; want %q [%q]", c.in, r.SQL, r.ColumnTypes, err, c.sql, c.typ)
		}
	}
}
