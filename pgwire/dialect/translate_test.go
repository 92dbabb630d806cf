package dialect

import (
	"errors"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

var testOpts = Options{
	Database: "app", User: "alice", ServerVersion: "PostgreSQL 15.0 (sqlraft 0.1)", BackendPID: 4242,
	ServerAddr: "127.0.0.1", ServerPort: 5433,
	Setting: func(name string) (string, bool) {
		v, ok := map[string]string{"server_version_num": "150000", "search_path": `"$user", public`}[name]
		return v, ok
	},
}

// stripAliases removes the AS "name" the translator adds to result columns
// (user aliases come out as lower-case "as").
func stripAliases(s string) string { return aliasRE.ReplaceAllString(s, "") }

var aliasRE = regexp.MustCompile(` AS "[^"]*"`)

// norm collapses whitespace so expectations do not depend on spacing.
func norm(s string) string { return strings.Join(strings.Fields(s), " ") }

type translateCase struct {
	name, in, want string
}

func runTranslate(t *testing.T, cases []translateCase) {
	t.Helper()
	for _, c := range cases {
		r, err := Translate(c.in, testOpts)
		if err != nil {
			t.Errorf("%s: Translate(%q): %v", c.name, c.in, err)
			continue
		}
		// The result-column aliases (AS "count") have their own test.
		if got := norm(stripAliases(r.SQL)); got != norm(c.want) {
			t.Errorf("%s: Translate(%q)\n got: %s\nwant: %s", c.name, c.in, got, norm(c.want))
		}
		checkTranslate(t, c.in)
	}
}

func TestTranslateParams(t *testing.T) {
	runTranslate(t, []translateCase{
		{"positional", "SELECT * FROM users WHERE id = $1 AND email = $2", "select * from users where id = ?1 and email = ?2"},
		{"reused and reordered", "select $2, $1, $2", "select ?2, ?1, ?2"},
		{"adjacent operator", "select 1 WHERE a=$1", "select 1 where a= ?1"},
		{"param cast stripped", "select $1::int, $2::text, CAST($3 AS timestamptz)", "select ?1, ?2, (?3)"},
		{"array param cast", "select quote_ident(unnest($1::text[]))", "select quote_ident(unnest) FROM unnest(?1)"},
	})
	r, _ := Translate("select $3::int8, $1::varchar(20), CAST($2 AS double precision), $1::text", testOpts)
	want := map[int]string{3: "bigint", 1: "character varying", 2: "double precision"}
	if r.ParamCount != 3 || !reflect.DeepEqual(r.ParamHints, want) {
		t.Errorf("ParamCount %d, ParamHints %v; want 3, %v", r.ParamCount, r.ParamHints, want)
	}
	for _, bad := range []string{"select $0", "select $65536"} {
		if _, err := Translate(bad, testOpts); errCode(err) != CodeUndefinedParam {
			t.Errorf("Translate(%q) error %v, want 42P02", bad, err)
		}
	}
}

func TestTranslateCasts(t *testing.T) {
	runTranslate(t, []translateCase{
		{"int literal folded", "select '1'::int + 1, ' -7 '::bigint", "select 1 + 1, -7"},
		{"int of number kept", "select 5::int", "select 5"},
		{"int of expression", "select (a+b)::bigint, f(x)::int4 from t", "select CAST((a+b) AS INTEGER), CAST(f(x) AS INTEGER) from t"},
		{"numeric keeps real division", "select 3/2::numeric, count(*)::float / 7 from t", "select 3/2.0, CAST(count(*) AS REAL) / 7 from t"},
		{"float literal", "select '1.5'::float8, '2'::real, .5::numeric", "select 1.5, 2.0, 0.5"},
		{"text", "select id::text, 42::text, 'x'::varchar(3) from t", "select CAST(id AS TEXT), '42', 'x' from t"},
		{"chained", "select x::text::int from t", "select CAST(CAST(x AS TEXT) AS INTEGER) from t"},
		{"unary minus binds looser", "select -1::int, -x::int from t", "select -1, -CAST(x AS INTEGER) from t"},
		{"qualified operand", "select t.a::text, s.t.b::int from t", "select CAST(t.a AS TEXT), CAST(s.t.b AS INTEGER) from t"},
		{"case operand", "select case when a then 1 end::text from t", "select CAST(case when a then 1 end AS TEXT) from t"},
		{"bool literals", "select 't'::bool, 'off'::boolean, 'YES'::bool, 1::bool, 0::boolean", "select 1, 0, 1, 1, 0"},
		{"bool of column stripped", "select flag::bool from t", "select flag from t"},
		{"date", "select '2024-01-02'::date, ts::date, 'today'::date from t", "select '2024-01-02', date(ts), date('now') from t"},
		{"timestamp stripped", "select '2024-01-01 10:00'::timestamptz, ts::timestamp, 'now'::timestamp from t",
			"select '2024-01-01 10:00', ts, strftime('%Y-%m-%d %H:%M:%f','now') from t"},
		{"bytea literal", `select '\x0102'::bytea, 'a\\b'::bytea, x::bytea from t`, "select X'0102', X'615C62', CAST(x AS BLOB) from t"},
		{"other types stripped", "select '{}'::jsonb, u::uuid, c.oid::pg_catalog.regclass, r::regtype::text from t",
			"select '{}', u, c.oid, pg_regtype_out(r) from t"},
		{"null", "select NULL::int", "select null"},
		{"CAST syntax", "select CAST('5' AS integer) * 2, CAST(x AS timestamp), CAST(1 AS numeric)/2, CAST(y AS varchar(10)) from t",
			"select (5) * 2, (x), (1.0)/2, (CAST(y AS TEXT)) from t"},
		{"typed literals", "select date '2024-01-01', timestamp with time zone '2024-01-01 10:00', int '7', bool 'true'",
			"select '2024-01-01', '2024-01-01 10:00', 7, 1"},
		{"not a typed literal", "select date, text from t where time > 1", "select date, text from t where time > 1"},
		{"function of cast", "select abs(x::int) from t", "select abs(CAST(x AS INTEGER)) from t"},
	})
	r, err := Translate("select $1::int, c.oid::regclass, '1'::int from pg_class c", testOpts)
	if err != nil {
		t.Fatal(err)
	}
	want := []Cast{{Pos: 9, Type: "integer", Param: 1}, {Pos: 21, Type: "regclass"}, {Pos: 36, Type: "integer", Kept: true}}
	if !reflect.DeepEqual(r.Casts, want) {
		t.Errorf("Casts = %+v, want %+v", r.Casts, want)
	}
}

func TestTranslateLiterals(t *testing.T) {
	runTranslate(t, []translateCase{
		{"escape string", `select E'it\'s\n\x41'`, "select 'it''s\nA'"},
		{"dollar quotes", "select $$it's$$, $fn$a$$b$fn$", "select 'it''s', 'a$$b'"},
		{"continuation", "select 'a'\n  'b'", "select 'ab'"},
		{"unicode", `select U&'d\0061t', U&'d!0061t' UESCAPE '!', U&"c\0061" from t`, `select 'dat', 'dat', "ca" from t`},
		{"national", "select N'x'", "select 'x'"},
		{"bit string", "select B'0101', B''", "select 5, 0"},
		{"hex string kept", "select X'fF', x'00'", "select X'fF', X'00'"},
		{"numbers", "select 1_000, 0x1F, 0o17, 0b101, 0xFFFFFFFFFFFFFFFF, 1.5e3, 5.", "select 1000, 31, 15, 5, 18446744073709551615, 1.5e3, 5."},
		{"booleans", "select true, FALSE, x IS TRUE, y IS NOT FALSE from t", "select 1, 0, x is true, y is not false from t"},
		{"unknown", "select x IS UNKNOWN, y IS NOT UNKNOWN from t", "select x is NULL, y is not NULL from t"},
		{"identifiers folded", `SELECT Name, "Mixed", a$b FROM Users`, `select name, "Mixed", "a$b" from users`},
		{"comments dropped", "select /* c /* nested */ */ 1 -- tail\n, 2", "select 1 , 2"},
	})
	for _, bad := range []string{`select E'\xff'`, `select E'\000'`, "select B'012'", "select X'fg'"} {
		if _, err := Translate(bad, testOpts); err == nil {
			t.Errorf("Translate(%q): no error", bad)
		}
	}
}

func TestTranslateFunctions(t *testing.T) {
	runTranslate(t, []translateCase{
		{"now", "select now(), transaction_timestamp(), statement_timestamp(), clock_timestamp()",
			"select strftime('%Y-%m-%d %H:%M:%f','now'), strftime('%Y-%m-%d %H:%M:%f','now'), strftime('%Y-%m-%d %H:%M:%f','now'), strftime('%Y-%m-%d %H:%M:%f','now')"},
		{"sql value functions", "select CURRENT_TIMESTAMP, current_timestamp(0), localtimestamp, current_date, current_time, localtime(2)",
			"select strftime('%Y-%m-%d %H:%M:%f','now'), strftime('%Y-%m-%d %H:%M:%S','now'), strftime('%Y-%m-%d %H:%M:%f','now'), date('now'), strftime('%H:%M:%f','now'), strftime('%H:%M:%f','now')"},
		{"pg_catalog prefix", "select pg_catalog.now()", "select strftime('%Y-%m-%d %H:%M:%f','now')"},
		{"now column untouched", "select now from t", "select now from t"},
		{"session values", "select version(), current_database(), current_catalog, current_schema(), current_schema, current_user, session_user, user, current_role",
			"select 'PostgreSQL 15.0 (sqlraft 0.1)', 'app', 'app', 'public', 'public', 'alice', 'alice', 'alice', 'alice'"},
		{"server values", "select pg_is_in_recovery(), pg_backend_pid(), inet_server_addr(), inet_server_port(), inet_client_addr(), current_schemas(true), current_schemas(false)",
			"select 0, 4242, '127.0.0.1', 5433, NULL, '{pg_catalog,public}', '{public}'"},
		{"current_setting", "select current_setting('server_version_num'), current_setting('nope', true)", "select '150000', NULL"},
		{"random", "select random()", "select (abs(random() % 9007199254740992) / 9007199254740992.0)"},
		{"renamed", "select char_length(a), strpos(a, 'b'), bool_and(f), bool_or(f), every(f), json_agg(a), jsonb_build_object('k', a) from t",
			"select length(a), instr(a, 'b'), min(f), max(f), min(f), json_group_array(a), json_object('k', a) from t"},
		{"unknown functions pass", "select pg_advisory_lock($1), md5(x)", "select pg_advisory_lock(?1), md5(x)"},
	})
	if _, err := Translate("select current_setting('nope')", testOpts); errCode(err) != CodeUndefinedObject {
		t.Errorf("current_setting of an unknown name: %v, want 42704", err)
	}
}

func TestTranslateOperators(t *testing.T) {
	runTranslate(t, []translateCase{
		{"ilike", "select * from t where a ILIKE '%x%' and b not ilike 'y'", "select * from t where a REGEXP pg_like_regex('%x%') and b not REGEXP pg_like_regex('y')"},
		{"like escape added", `select a LIKE $1, b LIKE 'a\_b', c LIKE '%' || $2 || '%' from t`,
			`select a LIKE ?1 ESCAPE '\', b LIKE 'a\_b' ESCAPE '\', c LIKE '%' || ?2 || '%' ESCAPE '\' from t`},
		{"like escape kept", `select a LIKE 'x!%' ESCAPE '!', b LIKE 'x' ESCAPE '' from t`, `select a LIKE 'x!%' escape '!', b LIKE 'x' from t`},
		{"regex", "select a ~ '^x', a !~ 'y', a ~* 'z', a !~* 'w' from t",
			"select (a REGEXP '^x'), (a NOT REGEXP 'y'), (a REGEXP '(?i)' || ('z')), (a NOT REGEXP '(?i)' || ('w')) from t"},
		{"regex precedence", "select 'a' || 'b' ~ 'ab', x ~ y = true, NOT a ~ b, a ~ b || c from t",
			"select ('a' || 'b' REGEXP 'ab'), (x REGEXP y) = 1, not (a REGEXP b), (a REGEXP b) || c from t"},
		{"regex with call and cast", "select lower(a) ~ $1::text from t", "select (lower(a) REGEXP ?1) from t"},
		{"like operators", "select a ~~ 'x%', a !~~ $1, a ~~* 'X' from t",
			`select (a LIKE 'x%'), (a NOT LIKE ?1 ESCAPE '\'), (a LIKE 'X') from t`},
		{"OPERATOR syntax", "select 1 from c where c.relname OPERATOR(pg_catalog.~) '^(users)$' and a OPERATOR(pg_catalog.=) b",
			"select 1 from c where (c.relname REGEXP '^(users)$') and a = b"},
		{"prefix ~ is bitwise not", "select ~5, 5 & 3, 5 | 3, 1 << 2, 8 >> 1", "select ~5, 5 & 3, 5 | 3, 1 << 2, 8 >> 1"},
		{"json and concat pass", "select j -> 'a', j ->> 'b', 'x' || 'y' from t", "select j -> 'a', j ->> 'b', 'x' || 'y' from t"},
		{"collate", `select a COLLATE "C", b COLLATE pg_catalog."default", c COLLATE "en_US" from t`,
			`select a COLLATE BINARY, b, c COLLATE "en_US" from t`},
		{"is distinct from", "select a IS DISTINCT FROM b from t", "select a is distinct from b from t"},
		{"exponent", "select a ^ b from t", "select power(a , b) from t"},
	})
	// Where the typer does not walk (a CHECK constraint), ^ is refused.
	if _, err := Translate("create table t (a int check (a ^ 2 < 100))", testOpts); errCode(err) != CodeUnsupported {
		t.Errorf("^ in CHECK: %v, want 0A000", err)
	}
	for _, op := range []string{"@>", "<@", "?", "?|", "#>>", "@@", "&&", "#", "!!", "`"} {
		in := "select a " + op + " b from t"
		if _, err := Translate(in, testOpts); errCode(err) != CodeUnsupported {
			t.Errorf("Translate(%q) error %v, want 0A000", in, err)
		}
	}
}

func TestTranslateSchemasAndClauses(t *testing.T) {
	runTranslate(t, []translateCase{
		{"schema prefixes", `select * from public.a join "public"."b" on true join pg_catalog.pg_class c on true where information_schema.x = 1`,
			`select * from a join "b" on 1 join pg_class c on 1 where information_schema.x = 1`},
		{"column named public kept", "select t.public from t", "select t.public from t"},
		{"offset without limit", "select * from t order by a offset 5", "select * from t order by a LIMIT -1 OFFSET 5"},
		{"limit all", "select * from t limit all offset $1", "select * from t LIMIT -1 OFFSET ?1"},
		{"fetch first", "select * from t offset 5 rows fetch next $1 rows only", "select * from t LIMIT ?1 OFFSET 5"},
		{"fetch first row", "select * from t fetch first row only", "select * from t LIMIT 1"},
		{"offset before limit", "select * from t offset 2 limit 3", "select * from t LIMIT 3 OFFSET 2"},
		{"plain limit untouched", "select * from t limit 10 offset 2", "select * from t limit 10 offset 2"},
		{"subquery limit", "select * from (select a from t offset 1) s limit 1", "select * from (select a from t LIMIT -1 OFFSET 1) s limit 1"},
		{"for update dropped", "select * from t where id = 1 for update of t skip locked", "select * from t where id = 1"},
		{"for share nowait", "select * from t for no key update nowait for share", "select * from t"},
		{"TABLE statement", "TABLE users", "SELECT * FROM users"},
		{"upsert returning", "INSERT INTO t (a, b) VALUES ($1, true) ON CONFLICT (a) DO UPDATE SET b = excluded.b RETURNING id",
			"insert into t (a, b) values (?1, 1) on conflict (a) do update set b = excluded.b returning id"},
		{"explain", "EXPLAIN (COSTS off) SELECT * FROM t WHERE id = $1", "EXPLAIN QUERY PLAN select * from t where id = ?1"},
		{"trailing semicolon", "select 1;", "select 1"},
	})
}

func TestTranslateDDL(t *testing.T) {
	runTranslate(t, []translateCase{
		{"serial primary key", "CREATE TABLE t (id serial PRIMARY KEY, name varchar(20) NOT NULL)",
			"create table t (id INTEGER /*pg:serial*/ primary key AUTOINCREMENT, name varchar(20) not null)"},
		{"bigserial with table primary key", "create table t (id bigserial, a int, primary key (id))",
			"create table t (id INTEGER /*pg:bigserial*/ PRIMARY KEY AUTOINCREMENT, a int4)"},
		{"table primary key first", "create table t (constraint pk primary key (id), id serial)",
			"create table t (id INTEGER /*pg:serial*/ PRIMARY KEY AUTOINCREMENT)"},
		{"identity (goose)", "CREATE TABLE goose_db_version ( id integer PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY, version_id bigint NOT NULL, is_applied boolean NOT NULL, tstamp timestamp NOT NULL DEFAULT now() )",
			"create table goose_db_version (id INTEGER /*pg:integer identity by default*/ primary key AUTOINCREMENT, version_id bigint not null, is_applied boolean not null, tstamp timestamp not null default (strftime('%Y-%m-%d %H:%M:%f','now')) )"},
		{"identity always", "create table t (id bigint generated always as identity primary key)",
			"create table t (id INTEGER /*pg:bigint identity always*/ primary key AUTOINCREMENT)"},
		{"smallserial", "create table t (id smallserial primary key, v text)",
			"create table t (id INTEGER /*pg:smallserial*/ primary key AUTOINCREMENT, v text)"},
		{"serial4 and serial8", "create table t (id serial8 primary key)", "create table t (id INTEGER /*pg:bigserial*/ primary key AUTOINCREMENT)"},
		{"smallint identity by default", "create table t (id int2 generated by default as identity, primary key (id))",
			"create table t (id INTEGER /*pg:smallint identity by default*/ PRIMARY KEY AUTOINCREMENT)"},
		{"integer identity always", "create table t (id int generated always as identity primary key)",
			"create table t (id INTEGER /*pg:integer identity always*/ primary key AUTOINCREMENT)"},
		{"integer primary key is no rowid alias", "create table t (id INTEGER PRIMARY KEY)", "create table t (id int4 NOT NULL primary key)"},
		{"declared types", "create table t (a timestamp(3) with time zone, b double precision, c character varying(10), d text[], e int4 ARRAY, f numeric(10, 2), g pg_catalog.int8, h \"char\")",
			`create table t (a timestamp with time zone(3), b double precision, c character varying(10), d text array, e int4 array, f numeric(10,2), g int8, h "char")`},
		{"defaults", "create table t (a int default 0, b text default 'x', c int default -1, d bool default true, e text default ('x' || 'y'), f date default current_date not null)",
			"create table t (a int4 default 0, b text default 'x', c int4 default (-1), d bool default (1), e text default ('x' || 'y'), f date default (date('now')) not null)"},
		{"primary key not null", "create table t (k text primary key)", "create table t (k text NOT NULL primary key)"},
		{"composite primary key not null", "create table t (k text unique, a int, b int not null, primary key (a, b))",
			"create table t (k text unique, a int4 NOT NULL, b int4 not null, primary key (a, b))"},
		// Only serial and identity keys are rowid aliases (INTEGER); integer
		// and real are declared int4 and float4, which SQLite keeps as
		// written, and an integer key is NOT NULL as in PostgreSQL.
		{"integer primary key is not a rowid", "create table t (id integer primary key, v text)", "create table t (id int4 NOT NULL primary key, v text)"},
		{"int4 and float4", "create table t (a integer, b INT, c int4, d real, e float4, f float8, g float, h float(10), i integer[], j real array)",
			"create table t (a int4, b int4, c int4, d float4, e float4, f float8, g float, h float(10), i int4 array, j float4 array)"},
		{"golang-migrate table", `CREATE TABLE IF NOT EXISTS "public"."schema_migrations" (version bigint not null primary key, dirty boolean not null)`,
			`create table if not exists "schema_migrations" (version bigint not null primary key, dirty boolean not null)`},
		{"unlogged", "create unlogged table t (a int)", "create table t (a int4)"},
		{"create table as", "create table t2 as select * from t where a::int > 1", "create table t2 as select * from t where CAST(a AS INTEGER) > 1"},
		{"index", "create unique index concurrently if not exists i on public.t using btree (lower(a))",
			"create unique index if not exists i on t (lower(a))"},
		{"alter split", "ALTER TABLE public.t ADD COLUMN c int DEFAULT now(), DROP COLUMN d CASCADE, rename to u",
			"alter table t add column c int4 default (strftime('%Y-%m-%d %H:%M:%f','now'));\nalter table t drop column d;\nalter table t rename to u"},
		{"create or replace view", "create or replace view public.v as select a::text from t",
			"DROP VIEW IF EXISTS v;\ncreate view v as select CAST(a AS TEXT) from t"},
		{"drop list", "DROP TABLE IF EXISTS a, public.b CASCADE", "DROP TABLE IF EXISTS a;\nDROP TABLE IF EXISTS b"},
		{"drop index concurrently", "drop index concurrently i", "DROP INDEX i"},
		{"truncate", `TRUNCATE "public"."schema_migrations"`, `DELETE FROM "schema_migrations"`},
		{"truncate list", "truncate table only a, b * continue identity restrict", "DELETE FROM a;\nDELETE FROM b"},
		{"transaction control", "begin isolation level serializable read write", "BEGIN"},
		{"savepoint", "savepoint sp_1", `SAVEPOINT "sp_1"`},
		{"release", "release savepoint sp_1", `RELEASE SAVEPOINT "sp_1"`},
		{"rollback to", "rollback to sp_1", `ROLLBACK TO SAVEPOINT "sp_1"`},
		{"end", "end transaction", "COMMIT"},
		{"abort", "abort", "ROLLBACK"},
	})
	r, err := Translate("create table public.t (id bigserial primary key, n numeric(10,2), at timestamptz)", testOpts)
	if err != nil {
		t.Fatal(err)
	}
	want := []Column{{"t", "id", "bigint", "INTEGER"}, {"t", "n", "numeric", "numeric(10,2)"},
		{"t", "at", "timestamp with time zone", "timestamptz"}}
	if !reflect.DeepEqual(r.Columns, want) || len(r.Statements) != 1 {
		t.Errorf("Columns = %+v, want %+v", r.Columns, want)
	}
}

// TestTranslateKeywordColumns: a column named by a keyword PostgreSQL
// accepts as a column name (by, set, first) is an operand for the rules
// that find one (casts, regular expressions, LIKE) and names its result
// column.
func TestTranslateKeywordColumns(t *testing.T) {
	runTranslate(t, []translateCase{
		{"cast", "select by::text, x.set::int from t x order by by", "select CAST(by AS TEXT), CAST(x.set AS INTEGER) from t x order by by"},
		{"regex and like", "select 1 from t where by ~ $1 and first !~* 'a' and by || by ~~ 'x' and set like 'a\\b'",
			`select 1 from t where (by REGEXP ?1) and (first NOT REGEXP '(?i)' || ('a')) and (by || by LIKE 'x') and set LIKE 'a\b' ESCAPE '\'`},
		{"keywords stay keywords", "select a from t order by -a nulls first, b desc nulls last for update",
			"select a from t order by -a nulls first, b desc nulls last"},
	})
	r, err := Translate("select by::text, first, x.by from t x", testOpts)
	if err != nil || !strings.Contains(r.SQL, `CAST(by AS TEXT) AS "by", first, x.by from`) {
		t.Errorf("column names: %q, %v", r.SQL, err)
	}
}

func TestTranslateRejects(t *testing.T) {
	cases := []struct{ in, code string }{
		{"select arr[1:2] from t", CodeUnsupported},
		{"select arr[1][2] from t", CodeUnsupported},
		{"select 'x'[1]", CodeUnsupported},
		{"select [1]", CodeUnsupported},
		{"select a] from t", CodeSyntax},
		{"select array[[1, 2], [3, 4]]", CodeUnsupported},
		{"select array[array[1], array[2]]", CodeUnsupported},
		{"select a < any(b) from t", CodeUnsupported},
		{"select a = all(b) from t", CodeUnsupported},
		{"select a <> any(b) from t", CodeUnsupported},
		{"select * from unnest(a, b)", CodeUnsupported},
		{"select now() - interval '1 day'", CodeUnsupported},
		{"select '1 day'::interval", CodeUnsupported},
		{"select a @> b from t", CodeUnsupported},
		{"select f(a => 1)", CodeUnsupported},
		{"select * from t fetch first 1 rows with ties", CodeUnsupported},
		{"create table t (id serial, v text)", CodeUnsupported},
		{"create table t (id int generated always as identity (start with 10) primary key)", CodeUnsupported},
		{"create table t (id text generated always as identity primary key)", CodeSyntax},
		{"create index i on t using gin (a)", CodeUnsupported},
		{"truncate t restart identity", CodeUnsupported},
		{"truncate t cascade", CodeUnsupported},
		{"explain analyze select 1", CodeUnsupported},
		{"commit and chain", CodeUnsupported},
		{"select 1; select 2", CodeSyntax},
		{"select 1 \\", CodeSyntax},
		{"select 'x' || $1::text[1:2]", CodeUnsupported},
		{"begin isolation level sometimes", CodeSyntax},
		{"select a:b from t", CodeSyntax},
		{"select (1", CodeSyntax},
		{"select 'x'::", CodeSyntax},
		{"select ~~ 1", CodeSyntax},
		{"select a ~ any(b) from t", CodeUnsupported},
	}
	for _, c := range cases {
		_, err := Translate(c.in, testOpts)
		if errCode(err) != c.code {
			t.Errorf("Translate(%q) error %v, want SQLSTATE %s", c.in, err, c.code)
		}
	}
}

func errCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

func TestTranslateSessionStatements(t *testing.T) {
	for _, in := range []string{"set search_path = public", "show server_version", "reset all",
		"discard all", "deallocate all", "prepare p as select 1", "execute p(1)", "listen ch",
		"notify ch, 'x'", "unlisten *", "vacuum t", "analyze", "lock table t", "checkpoint",
		"comment on table t is 'x'", "grant select on t to bob", "create schema if not exists s",
		"drop schema s", "create role bob login password 'pw'", "alter user bob password 'x'",
		"drop role if exists bob", "create database d", "copy t from stdin", "set transaction read only",
		"", "-- ping", ";"} {
		r, err := Translate(in, testOpts)
		if err != nil || r.SQL != "" || len(r.Statements) != 0 {
			t.Errorf("Translate(%q) = %q, %v; want no SQL", in, r.SQL, err)
		}
	}
}
