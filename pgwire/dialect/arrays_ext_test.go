package dialect_test

import (
	"context"
	"strings"
	"testing"

	"sqlraft/fsm"
	"sqlraft/pgwire/catalog"
	"sqlraft/pgwire/dialect"
)

// TestArraysOnSQLite runs the array translations on a read connection with
// the functions the catalog registers, checking PostgreSQL 15's answers
// (NULL semantics included). Values print as SQL literals, rows one per
// line, NULL as NULL; booleans are 1/0.
func TestArraysOnSQLite(t *testing.T) {
	f, err := fsm.Open(t.TempDir(), fsm.Options{ReadSetup: catalog.New(catalog.Options{}).ReadSetup()})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := dialect.Translate("create table users (id serial primary key, name text)", dialect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res := f.Apply(1, 1, fsm.NewCommand(fsm.Atomic, fsm.Statement{SQL: r.SQL}).Marshal()).(*fsm.Result); res.Err != nil {
		t.Fatal(res.Err)
	}
	users, _ := f.Query(context.Background(), "SELECT oid FROM pg_class WHERE relname = 'users'")
	usersOID := users.Values[0][0].String()

	for _, c := range []struct {
		pg     string
		params []fsm.Value
		want   string
	}{
		// = ANY (array): true, false, or NULL when nothing matches and the
		// array has a NULL or x is NULL; an empty array is false.
		{pg: "select 1 = any('{1,2}'), 3 = any('{1,2}'), 3 = any('{1,NULL}'), 1 = any('{1,NULL}')", want: "1 0 NULL 1"},
		{pg: "select NULL::int = any('{}'::int[]), NULL::int = any('{1}'), 1 = any(NULL::int[])", want: "0 NULL NULL"},
		{pg: "select 'a b' = any('{\"a b\",c}'::text[]), 'NULL' = any('{\"NULL\"}'::text[]), 'x' = any('{NULL}'::text[])", want: "1 1 NULL"},
		// <> ALL is NOT = ANY: true for an empty array even for NULL.
		{pg: "select 3 <> all('{1,2}'), 1 <> all('{1,2}'), 3 <> all('{1,NULL}'), NULL::int <> all('{}'::int[])", want: "1 0 NULL 1"},
		{pg: "select 2 = any(array[1,2]), 3 = any(array[1,NULL]), 3 <> all(array[1,2])", want: "1 NULL 1"},
		{pg: "select 'pg_catalog' = any(current_schemas(true)), 'x' = any(current_schemas(true))", want: "1 0"},
		{pg: "select 2 = any($1), 'b' = any($2)", params: []fsm.Value{fsm.TextValue("{1,2}"), fsm.TextValue("{a,NULL}")}, want: "1 NULL"},
		{pg: "select 2 = any (select 1 union select 2), 3 <> all (select 1 union select null)", want: "1 NULL"},
		// Constructors: PostgreSQL's array_out quoting.
		{pg: `select array[1, 2], array['a b', null, '', 'NULL', 'x"y', 'a\b', 'c,d', '{'], array[]::text[]`,
			want: `'{1,2}' '{"a b",NULL,"","NULL","x\"y","a\\b","c,d","{"}' '{}'`},
		{pg: "select array(select 'b' union all select 'a c' union all select null), array(select 1 where false)", want: `'{b,"a c",NULL}' '{}'`},
		{pg: "select array_to_string(array(select x from (select 2 as x union select 1) s order by x desc), ',')", want: "'2,1'"},
		// Subscripts: 1-based; int2vector text 0-based; bounds decoration.
		{pg: "select ('{10,20,30}'::int[])[2], ('{10,20}'::int[])[3], ('{a,NULL}'::text[])[2], ('1 2'::int2vector)[0], ('[0:1]={a,b}'::text[])[0]",
			want: "20 NULL NULL 1 'a'"},
		{pg: "select array_upper('{1,2,3}'::int[], 1), array_lower('{1,2,3}'::int[], 1), array_length('{}'::int[], 1), cardinality('{}'::int[]), array_upper('3 4'::int2vector, 1)",
			want: "3 1 NULL 0 1"},
		{pg: "select array_position('{a,b,NULL}'::text[], 'b'), array_position('{a,NULL}'::text[], NULL), array_position('{1,2}'::int[], 3)", want: "2 2 NULL"},
		{pg: "select string_agg(x, ', ') from (select 'a' as x union select 'b') s", want: "'a, b'"},
		// Set-returning functions in FROM.
		{pg: "select string_agg(g::text, ',') from generate_series(1, 5, 2) g", want: "'1,3,5'"},
		{pg: "select count(*) from generate_series(3, 1), generate_series(1, 2)", want: "0"},
		{pg: "select string_agg(x || ':' || n, ',') from unnest('{a,NULL,\"c d\"}'::text[]) with ordinality as u(x, n)", want: "'a:1,c d:3'"},
		{pg: "select (select count(*) from generate_series(1, t.n) s) from (select 3 as n) t", want: "3"},
		{pg: "select relid, depth from pg_partition_ancestors(42) with ordinality as a(relid, depth)", want: "42 1"},
		{pg: "select quote_ident(unnest($1::text[]))", params: []fsm.Value{fsm.TextValue(`{public,schema_migrations,"a b"}`)},
			want: "'public'\n'schema_migrations'\n'\"a b\"'"},
		// regclass.
		{pg: "select 'users'::regclass, 'public.users'::pg_catalog.regclass, CAST('\"users\"' AS regclass), '16385'::regclass", want: usersOID + " " + usersOID + " " + usersOID + " 16385"},
		{pg: "select to_regclass('nosuch'), 'users'::regclass::text, 2200::regnamespace::text, 25::regtype::text, 99::regclass::text", want: "NULL 'users' 'public' 'text' '99'"},
	} {
		got, err := run(f, c.pg, c.params)
		if err != nil || got != c.want {
			t.Errorf("%s\n got: %s (%v)\nwant: %s", c.pg, got, err, c.want)
		}
	}
	if _, err := run(f, "select 'nosuch'::regclass", nil); err == nil || !strings.Contains(err.Error(), `relation "nosuch" does not exist`) {
		t.Errorf("'nosuch'::regclass: %v, want relation \"nosuch\" does not exist", err)
	}
}

func run(f *fsm.FSM, pg string, params []fsm.Value) (string, error) {
	r, err := dialect.Translate(pg, dialect.Options{Schema: "public"})
	if err != nil {
		return "", err
	}
	rows, err := f.Query(context.Background(), r.SQL, params...)
	if err != nil {
		return "", err
	}
	var lines []string
	for _, row := range rows.Values {
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = v.String()
		}
		lines = append(lines, strings.Join(cells, " "))
	}
	return strings.Join(lines, "\n"), nil
}
