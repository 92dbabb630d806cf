package dialect

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func init() { recoverTyping = false } // a panic in the typer fails the test

// testSchema is what Options.ColumnType and TableColumns know in the
// typing tests: user tables, the migration tools' tables, and the catalog
// tables the clients query (as the session's catalog declares them).
var testSchema = map[string][][2]string{
	"users": {{"id", "bigint"}, {"email", "text"}, {"name", "character varying"}, {"age", "integer"},
		{"created_at", "timestamp with time zone"}, {"score", "double precision"}, {"balance", "numeric"},
		{"born", "date"}, {"data", "jsonb"}, {"active", "boolean"}},
	"orders":                {{"id", "bigint"}, {"user_id", "bigint"}, {"total", "numeric"}, {"qty", "smallint"}, {"note", "text"}},
	"goose_db_version":      {{"id", "integer"}, {"version_id", "bigint"}, {"is_applied", "boolean"}, {"tstamp", "timestamp without time zone"}},
	"schema_migrations":     {{"version", "bigint"}, {"dirty", "boolean"}},
	"flyway_schema_history": {{"installed_rank", "integer"}, {"version", "character varying"}, {"success", "boolean"}},
	"pgbench_accounts":      {{"aid", "integer"}, {"bid", "integer"}, {"abalance", "integer"}, {"filler", "character"}},
	"pgbench_tellers":       {{"tid", "integer"}, {"bid", "integer"}, {"tbalance", "integer"}},
	"pgbench_history":       {{"tid", "integer"}, {"bid", "integer"}, {"aid", "integer"}, {"delta", "integer"}, {"mtime", "timestamp without time zone"}},
	"tables":                {{"table_schema", "text"}, {"table_name", "text"}, {"table_type", "text"}},
	"pg_database":           {{"oid", "oid"}, {"datname", "name"}},
	"pg_class":              {{"oid", "oid"}, {"relname", "name"}, {"relnamespace", "oid"}, {"relkind", `"char"`}, {"relchecks", "smallint"}, {"reloftype", "oid"}},
	"pg_namespace":          {{"oid", "oid"}, {"nspname", "name"}},
	// Columns named by keywords PostgreSQL accepts as column names.
	"kw": {{"b", "boolean"}, {"u", "uuid"}, {"by", "bytea"}, {"tstz", "timestamp with time zone"}, {"d", "date"},
		{"key", "integer"}, {"value", "text"}, {"type", "smallint"}, {"name", "character varying"},
		{"year", "integer"}, {"day", "date"}, {"position", "bigint"}, {"time", "time without time zone"},
		{"set", "numeric"}, {"first", "boolean"}, {"values", "real"}, {"rows", "bigint"}, {"at", "date"}},
}

func schemaColumnType(table, column string) string {
	for _, c := range testSchema[table] {
		if c[0] == column {
			return c[1]
		}
	}
	return ""
}

func schemaTableColumns(table string) []string {
	var cols []string
	for _, c := range testSchema[table] {
		cols = append(cols, c[0])
	}
	return cols
}

// typedOpts are testOpts with the schema.
var typedOpts = func() Options {
	o := testOpts
	o.ColumnType, o.TableColumns = schemaColumnType, schemaTableColumns
	return o
}()

type typeCase struct {
	in     string
	cols   []string       // Result.ColumnTypes
	params map[int]string // Result.ParamTypes
}

type p = map[int]string

func runTypes(t *testing.T, opts Options, cases []typeCase) {
	t.Helper()
	for _, c := range cases {
		r, err := Translate(c.in, opts)
		if err != nil {
			t.Errorf("Translate(%q): %v", c.in, err)
			continue
		}
		if !reflect.DeepEqual(r.ColumnTypes, c.cols) {
			t.Errorf("Translate(%q).ColumnTypes\n got: %q\nwant: %q", c.in, r.ColumnTypes, c.cols)
		}
		if !reflect.DeepEqual(r.ParamTypes, c.params) {
			t.Errorf("Translate(%q).ParamTypes\n got: %v\nwant: %v", c.in, r.ParamTypes, c.params)
		}
	}
}

// TestColumnTypesLiterals: constants and casts, which need no schema.
func TestColumnTypesLiterals(t *testing.T) {
	runTypes(t, testOpts, []typeCase{
		{"select 1, -2147483648, 2147483648, 9223372036854775808, 1.5, 1e3, 0x10", []string{"integer", "integer", "bigint", "numeric", "numeric", "numeric", "integer"}, nil},
		{"select 'a', E'b', $$c$$, true, false, null", []string{"text", "text", "text", "boolean", "boolean", ""}, nil},
		{"select B'01', X'ff'", []string{"", ""}, nil}, // bit strings: not typed
		{"select x::int, cast(y as varchar(3)), z::timestamptz, w::text::regtype::oid, v::int[] from t", []string{"integer", "character varying", "timestamp with time zone", "oid", "integer[]"}, nil},
		{"select date '2024-01-01', timestamp with time zone '2024-01-01 10:00', int8 '7', double precision '1'", []string{"date", "timestamp with time zone", "bigint", "double precision"}, nil},
		// Aliases do not change the type.
		{"select 1 as one, 'x' label, count(*) \"N\" from t", []string{"integer", "text", "bigint"}, nil},
	})
}

// TestColumnTypesOperators: comparisons and logic are boolean, arithmetic
// promotes, || is text, CASE takes its results' common type.
func TestColumnTypesOperators(t *testing.T) {
	runTypes(t, typedOpts, []typeCase{
		{"select a = b, a <> 1, a < b, a >= 2, x is null, x is not null, x isnull, a in (1, 2), a not in (select 1), a between 1 and 2, a like 'x', a not ilike 'y', a ~ 'z', a !~* 'w', not a, a and b, a or b, a is distinct from b, exists (select 1), x is true from t",
			[]string{"boolean", "boolean", "boolean", "boolean", "boolean", "boolean", "boolean", "boolean", "boolean", "boolean", "boolean", "boolean", "boolean", "boolean", "boolean", "boolean", "boolean", "boolean", "boolean", "boolean"}, nil},
		{"select age + 1, u.id + age, age * 1.5, score / 2, age - null, '1' + age, -age, u.id * qty, qty + qty, qty % 2 from users u, orders",
			[]string{"integer", "bigint", "numeric", "double precision", "integer", "integer", "integer", "bigint", "smallint", "integer"}, nil},
		{"select 1 + 1, 3 / 2, 1.5 * 2, 2147483647 + 1", []string{"integer", "integer", "numeric", "integer"}, nil},
		{"select born + 7, born - born, balance + score, unknown_col + 1 from users", []string{"date", "integer", "double precision", ""}, nil},
		{"select email || '!', 'a' || 'b', 1 || 'x', email || age, data || '{}', data -> 'k', data ->> 'k' from users",
			[]string{"text", "text", "text", "text", "jsonb", "jsonb", "text"}, nil},
		{"select 5 & 3, 1 << 2, id | 1 from users", []string{"integer", "integer", "bigint"}, nil},
		{"select now() at time zone 'utc', localtimestamp at time zone 'utc'", []string{"timestamp without time zone", "timestamp with time zone"}, nil},
		{"select email collate \"C\" from users", []string{"text"}, nil},
		// CASE: the common type of the results; "" when one of them is
		// unknown (it might be wider).
		{"select case when a then 1 else 2 end, case when a then 1 else 2.5 end, case when a then 'x' end, case when a then age else id end, case when a then x else 1 end, case age when 1 then 'one' end from users",
			[]string{"integer", "numeric", "text", "bigint", "", "text"}, nil},
		// Scalar subqueries take their column's type.
		{"select (select count(*) from orders), (select max(total) from orders o where o.user_id = u.id), (select email from users limit 1) from users u",
			[]string{"bigint", "numeric", "text"}, nil},
	})
}

// TestColumnTypesFunctions: aggregates, string, math, time and session
// functions.
func TestColumnTypesFunctions(t *testing.T) {
	runTypes(t, typedOpts, []typeCase{
		{"select count(*), count(id), count(distinct email), sum(age), sum(id), sum(balance), sum(score), avg(age), avg(score), min(email), max(created_at), max(x) from users",
			[]string{"bigint", "bigint", "bigint", "bigint", "numeric", "numeric", "double precision", "numeric", "double precision", "text", "timestamp with time zone", ""}, nil},
		{"select coalesce(name, 'none'), coalesce(age, id), coalesce(age, 0), coalesce(x, 0), nullif(age, 0), greatest(age, 1), least(1, 2.5) from users",
			[]string{"character varying", "bigint", "integer", "", "integer", "integer", "numeric"}, nil},
		{"select length(email), char_length(email), octet_length(email), position('a' in email), strpos(email, 'a') from users",
			[]string{"integer", "integer", "integer", "integer", "integer"}, nil},
		{"select lower(email), upper(email), trim(email), substr(email, 2), substring(email from 2), concat(a, b), replace(email, 'a', 'b'), left(email, 2), right(email, 2), lpad(email, 9), md5(email), to_char(created_at, 'YYYY'), format('%s', 1), quote_ident(email), string_agg(email, ',' order by id) from users",
			[]string{"text", "text", "text", "text", "text", "text", "text", "text", "text", "text", "text", "text", "text", "text", "text"}, nil},
		{"select abs(age), abs(score), round(balance), round(score), round(age), round(score, 2), ceil(age), floor(balance), random() from users",
			[]string{"integer", "double precision", "numeric", "double precision", "double precision", "numeric", "double precision", "numeric", "double precision"}, nil},
		{"select now(), current_timestamp, current_timestamp(3), transaction_timestamp(), statement_timestamp(), clock_timestamp(), localtimestamp, current_date, current_time, localtime",
			[]string{"timestamp with time zone", "timestamp with time zone", "timestamp with time zone", "timestamp with time zone", "timestamp with time zone", "timestamp with time zone", "timestamp without time zone", "date", "time with time zone", "time without time zone"}, nil},
		{"select version(), current_user, session_user, current_database(), current_schema(), current_schema, current_schemas(true), pg_backend_pid(), pg_is_in_recovery(), current_setting('server_version_num'), set_config('a', 'b', false)",
			[]string{"text", "name", "name", "name", "name", "name", "name[]", "integer", "boolean", "text", "text"}, nil},
		{"select gen_random_uuid(), json_build_object('a', 1), jsonb_build_object('a', 1), json_agg(x), jsonb_agg(x), jsonb_array_length(data), to_jsonb(x) from users",
			[]string{"uuid", "json", "jsonb", "json", "jsonb", "integer", "jsonb"}, nil},
		{"select row_number() over (order by id), rank() over w, count(*) filter (where age > 1), lag(email) over (order by id), percent_rank() over () from users window w as (order by id)",
			[]string{"bigint", "bigint", "bigint", "text", "double precision"}, nil},
		{"select pg_catalog.lower(email), pg_catalog.now() from users", []string{"text", "timestamp with time zone"}, nil},
		{"select extract(year from created_at), date_part('year', created_at), unknown_function(1) from users", []string{"numeric", "double precision", ""}, nil},
	})
}

// TestColumnTypesReferences: plain column references are "" (SQLite
// reports their declared type); references inside expressions resolve
// through FROM items and aliases.
func TestColumnTypesReferences(t *testing.T) {
	runTypes(t, typedOpts, []typeCase{
		{"select id, u.email, \"name\", public.users.age, (age) from users u", []string{"", "", "", "", ""}, nil},
		{"select u.age + 1, o.total + 1, age + 1 from users u join orders o on o.user_id = u.id", []string{"integer", "numeric", "integer"}, nil},
		// id is in both tables: ambiguous, so unknown.
		{"select id + 1 from users, orders", []string{""}, nil},
		// A CTE or subquery hides the table's columns.
		{"with users as (select 'x' as age) select age || 1, max(age) from users", []string{"text", "text"}, nil},
		{"select s.age + 1 from (select age from users) s", []string{"integer"}, nil},
		{"select x.age + 1 from users x(a, age)", []string{""}, nil},
		// Without schema knowledge only expressions of known types are typed.
	})
	runTypes(t, testOpts, []typeCase{
		{"select id, age + 1, count(*), max(age) from users", []string{"", "", "bigint", ""}, nil},
	})
}

// TestColumnTypesDerived: a column of a derived table (a subquery in
// FROM) or a CTE has the type of the subquery's column of that name,
// which SQLite does not report for an expression. A plain column of a
// table stays "" at the top (SQLite carries its declared type through the
// subquery) but has its type inside expressions.
func TestColumnTypesDerived(t *testing.T) {
	runTypes(t, typedOpts, []typeCase{
		// Aliases, FigureColname's names, a plain column.
		{"select t.n, t.count, t.ok, t.age, t.age + 1, t.email || '' from (select count(*) as n, count(*), age > 1 ok, age, email from users group by age, email) as t",
			[]string{"bigint", "bigint", "boolean", "", "integer", "text"}, nil},
		{"select n, x, lower from (select 1.5 n, now()::date x, lower(email) from users) t", []string{"numeric", "date", "text"}, nil},
		{"with t as (select count(*) as n, max(created_at) latest from users) select n, latest, n + 1 from t", []string{"bigint", "timestamp with time zone", "bigint"}, nil},
		// Column aliases on the CTE or the derived table, VALUES.
		{"with t(a, b) as (select count(*), 'x'::text from users) select a, b from t", []string{"bigint", "text"}, nil},
		{"select s.a, s.m from (select count(*), max(age) from users) s(a, m)", []string{"bigint", "integer"}, nil},
		{`select s.a, "?column?" from (select count(*), 1.5 from users) s(a)`, []string{"bigint", "numeric"}, nil},
		{"select column1, column2 from (values (1, 'a'), (2147483648, 'b')) v", []string{"bigint", "text"}, nil},
		// Nested derived tables and CTEs, through plain references.
		{"select n + 1, n from (select m as n from (select count(*) as m from users) a) b", []string{"bigint", "bigint"}, nil},
		{"select b.age, b.age * 2 from (select age from (select age from users) a) b", []string{"", "integer"}, nil},
		{"with a as (select count(*) n from users), b as (select n, n > 0 as pos from a) select pos, n from b", []string{"boolean", "bigint"}, nil},
		// UNION inside: the unified type, even for plain columns.
		{"select x from (select age as x from users union select id from orders) u", []string{"bigint"}, nil},
		{"select x from (select age as x from users union all select age from users) u", []string{"integer"}, nil},
		// Names that are also real tables' or columns'.
		{"select users.age from (select 1.5 as age) users", []string{"numeric"}, nil},
		{"with orders as (select count(*) as total from users) select total, total + 1 from orders", []string{"bigint", "bigint"}, nil},
		{"select total + 1, age + 1 from (select 1 as total) s, users", []string{"integer", "integer"}, nil},
		{"select id + 1, s.id from (select 1.5 as id) s, users", []string{"", "numeric"}, nil},
		{"select o.total, s.total from orders o join (select sum(qty) as total, user_id from orders group by user_id) s on s.user_id = o.user_id", []string{"", "bigint"}, nil},
		// Correlated and LATERAL.
		{"select (select n from (select count(*) as n from orders o where o.user_id = u.id) c) from users u", []string{"bigint"}, nil},
		{"select c.n from users u, lateral (select u.age + 1 as n) c", []string{"integer"}, nil},
		// Unknown: *, a name the subquery lacks, two columns of one name,
		// a recursive CTE (its columns are unknown in its own body).
		{"select * from (select count(*) as n from users) t", nil, nil},
		{"select t.n from (select * from users) t", []string{""}, nil},
		{"select t.nope from (select 1 as n) t", []string{""}, nil},
		{"select x from (select 1 as x, 2 as x) t", []string{""}, nil},
		{"with recursive r(n) as (select 1 union all select n + 1 from r where n < 3) select n from r", []string{""}, nil},
		// Parameters compared with such columns.
		{"select 1 from (select count(*) as n, max(total) m from orders) t where t.n = $1 and m > $2", []string{"integer"}, p{1: "bigint", 2: "numeric"}},
		{"with t as (select now() as at) select 1 from t where at < $1", []string{"integer"}, p{1: "timestamp with time zone"}},
		// pgjdbc's getIndexInfo: NON_UNIQUE is boolean.
		{`SELECT tmp.TABLE_CAT, tmp.TABLE_SCHEM, tmp.TABLE_NAME, tmp.NON_UNIQUE, tmp.INDEX_QUALIFIER, tmp.INDEX_NAME, tmp.TYPE, tmp.ORDINAL_POSITION, ` +
			`trim(both '"' from pg_catalog.pg_get_indexdef(tmp.CI_OID, tmp.ORDINAL_POSITION, false)) AS COLUMN_NAME, ` +
			`CASE tmp.AM_NAME WHEN 'btree' THEN CASE tmp.I_INDOPTION[tmp.ORDINAL_POSITION - 1] & 1::smallint WHEN 1 THEN 'D' ELSE 'A' END ELSE NULL END AS ASC_OR_DESC, ` +
			`tmp.CARDINALITY, tmp.PAGES, tmp.FILTER_CONDITION ` +
			`FROM (SELECT NULL AS TABLE_CAT, n.nspname AS TABLE_SCHEM, ct.relname AS TABLE_NAME, NOT i.indisunique AS NON_UNIQUE, NULL AS INDEX_QUALIFIER, ci.relname AS INDEX_NAME, ` +
			`CASE i.indisclustered WHEN true THEN 1 ELSE CASE am.amname WHEN 'hash' THEN 2 ELSE 3 END END AS TYPE, ` +
			`(information_schema._pg_expandarray(i.indkey)).n AS ORDINAL_POSITION, ci.reltuples AS CARDINALITY, ci.relpages AS PAGES, ` +
			`pg_catalog.pg_get_expr(i.indpred, i.indrelid) AS FILTER_CONDITION, ci.oid AS CI_OID, i.indoption AS I_INDOPTION, am.amname AS AM_NAME ` +
			`FROM pg_catalog.pg_class ct JOIN pg_catalog.pg_namespace n ON (ct.relnamespace = n.oid) JOIN pg_catalog.pg_index i ON (ct.oid = i.indrelid) ` +
			`JOIN pg_catalog.pg_class ci ON (ci.oid = i.indexrelid) JOIN pg_catalog.pg_am am ON (ci.relam = am.oid) ` +
			`WHERE true AND n.nspname = 'public' AND ct.relname = 'users') AS tmp ORDER BY NON_UNIQUE, TYPE, INDEX_NAME, ORDINAL_POSITION`,
			[]string{"", "", "", "boolean", "", "", "integer", "", "text", "text", "", "", "text"}, nil},
	})
	// Without a schema, what the subquery computes is still known.
	runTypes(t, testOpts, []typeCase{
		{"with x as (select count(*) as n, id from users) select n, id, n + 1, id + 1 from x", []string{"bigint", "", "bigint", ""}, nil},
	})
}

// TestColumnTypesStatements: which list is the result, and when
// ColumnTypes is nil.
func TestColumnTypesStatements(t *testing.T) {
	runTypes(t, typedOpts, []typeCase{
		{"select * from users", nil, nil},
		{"select u.*, 1 from users u", nil, nil},
		{"select 1, * from users", nil, nil},
		{"table users", nil, nil},
		{"select 1 into t2 from users", nil, nil},
		{"select distinct on (email) email, age::text from users", []string{"", "text"}, nil},
		{"values (1, 'a', null), (2147483648, 'b', 1.5)", []string{"bigint", "text", "numeric"}, nil},
		{"select 1 union select 2147483648", []string{"bigint"}, nil},
		{"select age from users union all select id from orders", []string{"bigint"}, nil},
		{"select age from users union select age from users", []string{""}, nil},
		{"select 1 union (select 2)", []string{""}, nil},
		{"with x as (select count(*) as n from users) select n, n + 1 from x", []string{"bigint", "bigint"}, nil},
		{"insert into orders (user_id, total) values (1, 2) returning id, total * 2, now()", []string{"", "numeric", "timestamp with time zone"}, nil},
		{"insert into orders (user_id) values (1)", nil, nil},
		{"update users set age = 1 returning age + 1, *", nil, nil},
		{"delete from orders o where o.qty = 1 returning o.qty + 1, note", []string{"integer", ""}, nil},
		{"with d as (delete from orders returning user_id) select count(*) from d", []string{"bigint"}, nil},
		{"select count(*) from users for update", []string{"bigint"}, nil},
	})
	r, err := Translate("explain select count(*) from users where id = $1", typedOpts)
	if err != nil || r.ColumnTypes != nil || !reflect.DeepEqual(r.ParamTypes, p{1: "bigint"}) {
		t.Errorf("EXPLAIN: ColumnTypes %q ParamTypes %v err %v; want nil, {1: bigint}", r.ColumnTypes, r.ParamTypes, err)
	}
}

// TestParamTypes: parameters take the type of what they meet.
func TestParamTypes(t *testing.T) {
	runTypes(t, typedOpts, []typeCase{
		// Comparisons, either side, any depth.
		{"select 1 from users where id = $1 and $2 < age and (email <> $3 or name >= $4)", []string{"integer"}, p{1: "bigint", 2: "integer", 3: "text", 4: "character varying"}},
		{"select 1 from users u join orders o on o.user_id = u.id and o.total > $1 where u.created_at <= $2", []string{"integer"}, p{1: "numeric", 2: "timestamp with time zone"}},
		{"select 1 from users where id is distinct from $1 and active = $2", []string{"integer"}, p{1: "bigint", 2: "boolean"}},
		// Arithmetic: numeric operands only.
		{"select age + $1, score * $2, born + $3 from users", []string{"integer", "double precision", ""}, p{1: "integer", 2: "double precision"}},
		// IN, BETWEEN take the column's type; LIKE, ILIKE, regular expressions text.
		{"select 1 from users where id in ($1, $2) and age not between $3 and $4 and email like $5 and name ilike $6 escape $7 and email ~ $8",
			[]string{"integer"}, p{1: "bigint", 2: "bigint", 3: "integer", 4: "integer", 5: "text", 6: "text", 7: "text", 8: "text"}},
		{"select 1 from users where $1 in (select user_id from orders)", []string{"integer"}, p{1: "bigint"}},
		// LIMIT, OFFSET and FETCH counts are bigint.
		{"select email from users limit $1 offset $2", []string{""}, p{1: "bigint", 2: "bigint"}},
		{"select email from users offset $1 rows fetch first $2 rows only", []string{""}, p{1: "bigint", 2: "bigint"}},
		// INSERT: by position in the column list, or the table's columns.
		{"insert into users (email, age, created_at) values ($1, $2, $3), ($4, $5, now())", nil, p{1: "text", 2: "integer", 3: "timestamp with time zone", 4: "text", 5: "integer"}},
		{"insert into orders values ($1, $2, $3)", nil, p{1: "bigint", 2: "bigint", 3: "numeric"}},
		{"insert into orders (user_id, note) select $1, $2", nil, p{1: "bigint", 2: "text"}},
		{"insert into orders (user_id, total) values ($1, $2 + 1)", nil, p{1: "bigint", 2: "integer"}}, // unknown + integer is integer
		// UPDATE SET, ON CONFLICT, excluded.
		{"update users set email = $1, age = age + $2 where id = $3", nil, p{1: "text", 2: "integer", 3: "bigint"}},
		{"insert into users as u (id, email) values ($1, $2) on conflict (id) do update set email = excluded.email || $3 where u.age > $4",
			nil, p{1: "bigint", 2: "text", 3: "text", 4: "integer"}},
		{"update users u set name = $1 from orders o where o.user_id = u.id and o.total > $2 returning u.id, o.total * 2", []string{"", "numeric"}, p{1: "character varying", 2: "numeric"}},
		{"delete from orders using users where users.id = orders.user_id and users.email = $1", nil, p{1: "text"}},
		// Function arguments.
		{"select lower($1), length($2), substr($3, $4), left($5, $6), set_config('x', $7, $8), pg_advisory_lock($9), pg_advisory_lock($10, $11)",
			[]string{"text", "integer", "text", "text", "text", "", ""},
			p{1: "text", 2: "text", 3: "text", 4: "integer", 5: "text", 6: "integer", 7: "text", 8: "boolean", 9: "bigint", 10: "integer", 11: "integer"}},
		{"select coalesce($1, age), nullif(email, $2), greatest(age, $3, id) from users", []string{"integer", "text", "bigint"}, p{1: "integer", 2: "text", 3: "bigint"}},
		{"select case when $1 then $2 else age end, case id when $3 then 1 end from users", []string{"integer", "integer"}, p{1: "boolean", 2: "integer", 3: "bigint"}},
		{"select not $1, $2 and true, $3 is true, $4 || 'x', $5 = 'y', $6 = 1", []string{"boolean", "boolean", "boolean", "text", "boolean", "boolean"},
			p{1: "boolean", 2: "boolean", 3: "boolean", 4: "text", 5: "text", 6: "integer"}},
		// A bare parameter as a result column has the parameter's type.
		{"select $1, $2 from users where id = $1", []string{"bigint", ""}, p{1: "bigint"}},
		// Subqueries resolve against their own FROM, correlated ones also
		// against the enclosing query.
		{"select 1 from users u where exists (select 1 from orders o where o.user_id = u.id and qty = $1) and u.age = $2", []string{"integer"}, p{1: "smallint", 2: "integer"}},
		{"select 1 from users where email = (select note from orders where total = $1 and age = $2)", []string{"integer"}, p{1: "numeric", 2: "integer"}},
		{"with x as (select id from users where age = $1) select * from x where id = $2", nil, p{1: "integer", 2: "bigint"}},
		// Used twice: the wider integer type.
		{"select 1 from users, orders where users.age = $1 or orders.id = $1", []string{"integer"}, p{1: "bigint"}},
	})
	// Nothing is guessed: two unknowns, unknown columns, array
	// comparisons, no schema.
	runTypes(t, typedOpts, []typeCase{
		{"select $1 = $2, $3 + $4, x = $5, $6", []string{"boolean", "", "boolean", ""}, nil},
		{"select 1 from users where id = any($1)", []string{"integer"}, nil},
		{"select 1 from users where born + $1 > current_date", []string{"integer"}, nil},
		{"select $1 + 1, $2 = 'a'", []string{"integer", "boolean"}, p{1: "integer", 2: "text"}},
	})
	runTypes(t, testOpts, []typeCase{
		{"select * from users where id = $1 and email = $2 limit $3", nil, p{3: "bigint"}},
	})
	// Without TableColumns an unqualified name in a subquery is not looked
	// for outside it (orders might have a column age the typer cannot see),
	// and INSERT without a column list types nothing.
	noColumns := typedOpts
	noColumns.TableColumns = nil
	runTypes(t, noColumns, []typeCase{
		{"select 1 from users where email = (select note from orders where total = $1 and age = $2)", []string{"integer"}, p{1: "numeric"}},
		{"insert into orders values ($1, $2, $3)", nil, nil},
	})
	// Casts are hints, not inferences.
	r, _ := Translate("select $1::int, id from users where id = $1 and email = $2::varchar", typedOpts)
	if !reflect.DeepEqual(r.ParamHints, p{1: "integer", 2: "character varying"}) || r.ParamTypes != nil ||
		!reflect.DeepEqual(r.ColumnTypes, []string{"integer", ""}) {
		t.Errorf("hints %v, types %v, cols %q", r.ParamHints, r.ParamTypes, r.ColumnTypes)
	}
}

// TestTypesClients: the statements drivers and migration tools send
// (shared/research/pgwire.md §3 and §4; clients_test.go).
func TestTypesClients(t *testing.T) {
	runTypes(t, typedOpts, []typeCase{
		// pgx, lib/pq, node-postgres, pgjdbc: the traced query.
		{"SELECT * FROM users WHERE id = $1 AND email = $2", nil, p{1: "bigint", 2: "text"}},
		{"select pg_catalog.pg_is_in_recovery()", []string{"boolean"}, nil},
		{"select $1::text::regtype::oid;", []string{"oid"}, nil},
		// goose.
		{"SELECT EXISTS ( SELECT 1 FROM pg_tables WHERE (current_schema() IS NULL OR schemaname = current_schema()) AND tablename = 'goose_db_version' )", []string{"boolean"}, nil},
		{"INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, $2)", nil, p{1: "bigint", 2: "boolean"}},
		{"SELECT version_id, is_applied from goose_db_version ORDER BY id DESC", []string{"", ""}, nil},
		{"SELECT pg_try_advisory_lock($1)", []string{"boolean"}, p{1: "bigint"}},
		{"SELECT max(version_id) FROM goose_db_version", []string{"bigint"}, nil},
		{"SELECT tstamp, is_applied FROM goose_db_version WHERE version_id=$1 ORDER BY tstamp DESC LIMIT 1", []string{"", ""}, p{1: "bigint"}},
		{"DELETE FROM goose_db_version WHERE version_id=$1", nil, p{1: "bigint"}},
		{"SELECT pg_advisory_unlock($1)", []string{"boolean"}, p{1: "bigint"}},
		// golang-migrate.
		{"SELECT CURRENT_DATABASE()", []string{"name"}, nil},
		{"SELECT CURRENT_SCHEMA()", []string{"name"}, nil},
		{"SELECT pg_advisory_lock($1)", []string{""}, p{1: "bigint"}},
		{"SELECT COUNT(1) FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2 LIMIT 1", []string{"bigint"}, p{1: "text", 2: "text"}},
		{`INSERT INTO "public"."schema_migrations" (version, dirty) VALUES ($1, $2)`, nil, p{1: "bigint", 2: "boolean"}},
		{`SELECT version, dirty FROM "public"."schema_migrations" LIMIT 1`, []string{"", ""}, nil},
		{"SELECT table_name FROM information_schema.tables WHERE table_schema=(SELECT current_schema()) AND table_type='BASE TABLE'", []string{""}, nil},
		// dbmate.
		{"select true from pg_database where datname = $1", []string{"boolean"}, p{1: "name"}},
		{"select quote_ident(unnest($1::text[]))", []string{"text"}, nil},
		{"SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2", []string{"integer"}, p{1: "text", 2: "text"}},
		{`select version from "public"."schema_migrations" order by version desc`, []string{""}, nil},
		{"delete from schema_migrations where version = $1", nil, p{1: "bigint"}},
		// Flyway.
		{"SELECT CURRENT_USER", []string{"name"}, nil},
		{"SELECT current_schema", []string{"name"}, nil},
		{"SELECT set_config('search_path', $1, false)", []string{"text"}, p{1: "text"}},
		{"SELECT pg_try_advisory_xact_lock(77431910218861)", []string{"boolean"}, nil},
		{`/*NO LOAD BALANCE*/ SELECT "installed_rank" FROM "public"."flyway_schema_history" WHERE "installed_rank" > $1 ORDER BY "installed_rank"`, []string{""}, p{1: "integer"}},
		{`SELECT * FROM "public"."flyway_schema_history" FOR UPDATE`, nil, nil},
		{"SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind = 'r')", []string{"boolean"}, p{1: "name", 2: "name"}},
		// pgbench.
		{"select count(*) from pgbench_branches", []string{"bigint"}, nil},
		{"UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2;", nil, p{1: "integer", 2: "integer"}},
		{"SELECT abalance FROM pgbench_accounts WHERE aid = $1;", []string{""}, p{1: "integer"}},
		{"UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2;", nil, p{1: "integer", 2: "integer"}},
		{"INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP);", nil, p{1: "integer", 2: "integer", 3: "integer", 4: "integer"}},
		// psql.
		{"SELECT c.oid, n.nspname, c.relname FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relname OPERATOR(pg_catalog.~) '^(users)$' COLLATE pg_catalog.default AND pg_catalog.pg_table_is_visible(c.oid) ORDER BY 2, 3;",
			[]string{"", "", ""}, nil},
		{"SELECT c.relchecks, c.relkind, false AS relhasoids, CASE WHEN c.reloftype = 0 THEN '' ELSE c.reloftype::pg_catalog.regtype::pg_catalog.text END FROM pg_catalog.pg_class c WHERE c.oid = '16385';",
			[]string{"", "", "boolean", "text"}, nil},
		{"SELECT pg_catalog.array_to_string(d.datacl, E'\\n') AS \"Access privileges\" FROM pg_catalog.pg_database d", []string{"text"}, nil},
		{"select c.relname, n.nspname, c.relchecks + 1 from pg_class c cross join lateral (select pg_catalog.current_schemas(true) s) x join pg_namespace n on n.oid = c.relnamespace", []string{"", "", "integer"}, nil},
	})
}

// TestTypesKeywordColumns: columns named by keywords PostgreSQL takes as
// column names (by, set, values, first: unreserved; key, value, type,
// name, year, day, position, time: not even keywords to the typer)
// resolve to their own columns, and ORDER BY, NULLS FIRST, FOR UPDATE
// stay keywords.
func TestTypesKeywordColumns(t *testing.T) {
	runTypes(t, typedOpts, []typeCase{
		{"SELECT count(*) FROM kw WHERE b = $1 AND u = $2 AND by = $3 AND tstz = $4", []string{"bigint"},
			p{1: "boolean", 2: "uuid", 3: "bytea", 4: "timestamp with time zone"}},
		{"select 1 from kw where by = $1 and d = $2", []string{"integer"}, p{1: "bytea", 2: "date"}},
		{"select 1 from kw where key = $1 and value = $2 and type = $3 and name = $4 and year = $5 and day = $6 and position = $7 and time = $8",
			[]string{"integer"}, p{1: "integer", 2: "text", 3: "smallint", 4: "character varying", 5: "integer", 6: "date", 7: "bigint", 8: "time without time zone"}},
		{"select 1 from kw k where k.by = $1 and set > $2 and first = $3 and values < $4 and rows in ($5, $6) and at between $7 and $8",
			[]string{"integer"}, p{1: "bytea", 2: "numeric", 3: "boolean", 4: "real", 5: "bigint", 6: "bigint", 7: "date", 8: "date"}},
		{"select by || by, set + 1, by, position + $1 from kw order by by, set nulls first limit $2 for update",
			[]string{"bytea", "numeric", "", "bigint"}, p{1: "bigint", 2: "bigint"}},
		{"update kw set by = $1, b = $2 where by is not distinct from $3 and not first", nil, p{1: "bytea", 2: "boolean", 3: "bytea"}},
		{"insert into kw (by, set, values) values ($1, $2, $3)", nil, p{1: "bytea", 2: "numeric", 3: "real"}},
		{"select count(*) over (partition by by order by set rows between unbounded preceding and current row) from kw where $1 = by",
			[]string{"bigint"}, p{1: "bytea"}},
	})
}

// TestTypesNeverFail: typing is best effort; odd statements translate as
// before, with whatever types can be told.
func TestTypesNeverFail(t *testing.T) {
	for _, sql := range []string{
		"select", "select from users", "select (", "insert into", "insert into t (", "update", "delete from",
		"with", "with x as", "with x as (select", "select case when", "select case x when 1 then", "select cast(x as",
		"select a from t where a in", "select a between", "select a between 1", "select f(", "values (", "values (1),",
		"select x is", "select x is not distinct", "select 1 from t join", "select 1 from t join (", "select * from t t2(",
		"select count(*) over", "select count(*) filter", "select x at time", "select x collate", "select - ",
		"insert into t as", "insert into t values", "select 1 union", "select 1 union all (", "select 1 limit",
		"select exists", "select any", "select not", "select $1 is", "select ((((((((((((1", "select row(1, 2)",
		"select * from (select", "select x from (select 1 x) s(", "select x from (select 1 x) s(a, b)", "with x(a as (select 1) select a from x",
		"with x(a, b) as (select 1) select a from x", "select * from (values (1)) v(", "select * from lateral (select", "select a from (select 1 a, * from t) s",
	} {
		for _, opts := range []Options{testOpts, typedOpts} {
			typeStatementOf(t, sql, opts)
		}
	}
}

// typeStatementOf runs the typer directly on sql's tokens, even when
// Translate would reject the statement.
func typeStatementOf(t *testing.T, sql string, opts Options) {
	t.Helper()
	toks, err := Lex(sql)
	if err != nil {
		return
	}
	typeStatement(significant(toks), opts, nil)
}

// TestTypesLinear guards against super-linear typing: long runs of
// prefix operators and deep nesting are walked once.
func TestTypesLinear(t *testing.T) {
	for _, sql := range []string{
		"select " + strings.Repeat("- ", 100000) + "1",
		"select " + strings.Repeat("+", 100000),
		"select " + strings.Repeat("not ", 100000) + "true",
		"select " + strings.Repeat("(", 100000) + "1" + strings.Repeat(")", 100000),
		"select " + strings.Repeat("f(", 100000) + "$1" + strings.Repeat(")", 100000),
		"select " + strings.Repeat("(select ", 20000) + "1" + strings.Repeat(")", 20000),
		"select " + strings.Repeat("case when a then ", 20000) + "1" + strings.Repeat(" end", 20000),
		"select " + strings.Repeat("a + ", 100000) + "b",
		"select 1 from t where a in (" + strings.Repeat("$1, ", 50000) + "$2)",
		"select x from " + strings.Repeat("(select x + 1 as x from ", 20000) + "t" + strings.Repeat(") s", 20000),
		"with a0 as (select 1 as x)" + strings.Repeat(", a as (select x + 1 as x from a)", 20000) + " select x from a",
	} {
		toks, err := Lex(sql)
		if err != nil {
			t.Fatal(err)
		}
		toks = significant(toks)
		start := time.Now()
		typeStatement(toks, typedOpts, nil)
		if d := time.Since(start); d > time.Second {
			t.Errorf("typing %.30q... (%d tokens) took %v", sql, len(toks), d)
		}
	}
}
