package dialect

import "testing"

// literalSchema: the columns the literal tests store into and compare
// with (by is a keyword, and a bytea).
var literalSchema = map[string][][2]string{
	"t": {{"id", "bigint"}, {"b", "boolean"}, {"by", "bytea"}, {"tstz", "timestamp with time zone"},
		{"ts", "timestamp without time zone"}, {"i", "integer"}, {"s", "smallint"}, {"l", "bigint"},
		{"txt", "text"}, {"u", "uuid"}, {"bs", "bytea[]"}},
	"o": {{"id", "bigint"}, {"flag", "boolean"}},
}

var literalOpts = func() Options {
	o := testOpts
	o.ColumnType = func(table, column string) string {
		for _, c := range literalSchema[table] {
			if c[0] == column {
				return c[1]
			}
		}
		return ""
	}
	o.TableColumns = func(table string) []string {
		var cols []string
		for _, c := range literalSchema[table] {
			cols = append(cols, c[0])
		}
		return cols
	}
	return o
}()

// TestLiteralTargets: a string constant stored into or compared with a
// bytea, boolean, timestamptz or integer column is read as that type.
func TestLiteralTargets(t *testing.T) {
	cases := []struct{ name, in, want string }{
		// INSERT, with and without a column list, every kind of string.
		{"insert values", `insert into t (by, b) values ('\xdeadbeef00', 't'), (E'\\x01', 'OFF')`,
			`insert into t (by, b) values (X'DEADBEEF00', 1), (X'01', 0)`},
		{"insert without columns", `insert into t values (1, ' yes ', $$\x00 ff$$, '2024-02-29 13:14:15.5+02', '2024-02-29T13:14:15', ' 42 ', '1_000', '-9', 'x', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')`,
			`insert into t values (1, 1, X'00FF', '2024-02-29 11:14:15.500', '2024-02-29T13:14:15', '42', '1000', '-9', 'x', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')`},
		{"escape format", `insert into t (by) values ('a\\b\001'), (U&'\005C\005Cx'), ('')`,
			`insert into t (by) values (X'615C6201'), (X'5C78'), (X'')`},
		{"insert select", `insert into t (b, by, txt) select 'y', '\x02', 'z' from o where flag = 'n'`,
			`insert into t (b, by, txt) select 1, X'02', 'z' from o where flag = 0`},
		{"on conflict", `insert into t as x (id, b) values (1, 'f') on conflict (id) do update set b = 't', by = '\x03' where x.b = 'true'`,
			`insert into t as x (id, b) values (1, 0) on conflict (id) do update set b = 1, by = X'03' where x.b = 1`},
		// UPDATE SET and comparisons, either side, through aliases.
		{"update", `update t set b = 'no', tstz = '2024-01-01 00:00:00Z', i = '7' where by = '\x01' and 'on' <> b`,
			`update t set b = 0, tstz = '2024-01-01 00:00:00.000', i = '7' where by = X'01' and 1 <> b`},
		{"now", `update t set tstz = ' NOW ' where tstz < 'now'`,
			`update t set tstz = strftime('%Y-%m-%d %H:%M:%f','now') where tstz < strftime('%Y-%m-%d %H:%M:%f','now')`},
		{"comparisons", `select id from t x join o on o.id = x.id where x.by != '\xff' and o.flag = '1' and x.tstz >= '2024-01-01 10:00+01' and x.tstz <= '2024-01-02' and b is not distinct from 'f'`,
			`select id from t x join o on o.id = x.id where x.by != X'FF' and o.flag = 1 and x.tstz >= '2024-01-01 09:00:00.000' and x.tstz <= '2024-01-02' and b is not distinct from 0`},
		{"in and between", `select 1 from t where by in ('\x01', '\x02') and b not in ('t') and tstz between '2024-01-01 Z' and '2024-01-02 00:00-02' and i in ('1', '2')`,
			`select 1 from t where by in (X'01', X'02') and b not in (1) and tstz between '2024-01-01 00:00:00.000' and '2024-01-02 02:00:00.000' and i in ('1', '2')`},
		{"correlated subquery", `select 1 from o where exists (select 1 from t where t.id = o.id and flag = 'yes' and by = '\x00')`,
			`select 1 from o where exists (select 1 from t where t.id = o.id and flag = 1 and by = X'00')`},
		{"uuid", `select 1 from t where u = 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11' or u in ('{a0eebc999c0b4ef8bb6d6bb9bd380a11}', 'a0ee-bc99-9c0b4ef8-bb6d6bb9-bd380a11')`,
			`select 1 from t where u = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' or u in ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11')`},
		{"parenthesised", `select 1 from t where (by) = ('\x01')`, `select 1 from t where (by) = (X'01')`},
		{"explain", `explain select 1 from t where b = 't'`, `EXPLAIN QUERY PLAN select 1 from t where b = 1`},
		// DEFAULT of a column declared in the statement.
		{"defaults", `create table d (a bytea default '\x01', b boolean default 'on' not null, c timestamptz default '2024-01-01 00:00+01', e int default '7', f text default 't', g boolean default ('f'), h timestamptz default 'now')`,
			`create table d (a bytea default X'01', b boolean default 1 not null, c timestamptz default '2023-12-31 23:00:00.000', e int4 default '7', f text default 't', g boolean default (0), h timestamptz default 'now')`},
		{"add column default", `alter table t add column n boolean default 'yes', add column m bytea default E'\\x0a'`,
			"alter table t add column n boolean default 1;\nalter table t add column m bytea default (X'0A')"},
		// Contexts that are not the column's: left alone.
		{"unknown context", `select 'x', '\x01' || by, lower('t'), coalesce(b, 't'), b = 't'::text, by = 'a' || 'b' from t where txt = '\x01' and ts = '2024-01-01 10:00+02' and bs = '{}' and b like 't'`,
			`select 'x', '\x01' || by, lower('t'), coalesce(b, 't'), b = 't', by = 'a' || 'b' from t where txt = '\x01' and ts = '2024-01-01 10:00+02' and bs = '{}' and b LIKE 't'`},
		// A derived table's column that is a table's column is that
		// column; one computed by an expression is not a column.
		{"subquery column", `select 1 from (select b, not b as nb from t) s where s.b = 't' and s.nb = 't' and s.b in (select 't')`,
			`select 1 from (select b, not b as nb from t) s where s.b = 1 and s.nb = 't' and s.b in (select 't')`},
		{"cte hides", `with t as (select 'x' as b) select 1 from t where b = 't'`, `with t as (select 'x' as b) select 1 from t where b = 't'`},
		{"ambiguous", `select 1 from t, o where id = '1'`, `select 1 from t, o where id = '1'`},
		{"union resolves to text", `insert into t (b) select 't' union select 'f'`, `insert into t (b) select 't' union select 'f'`},
		{"unknown table", `insert into z (b) values ('t')`, `insert into z (b) values ('t')`},
		{"cast wins", `insert into t (b, by) values ('t'::bool, '\x01'::bytea)`, `insert into t (b, by) values (1, X'01')`},
	}
	for _, c := range cases {
		r, err := Translate(c.in, literalOpts)
		if err != nil {
			t.Errorf("%s: Translate(%q): %v", c.name, c.in, err)
			continue
		}
		if got := norm(stripAliases(r.SQL)); got != norm(c.want) {
			t.Errorf("%s: Translate(%q)\n got: %s\nwant: %s", c.name, c.in, got, norm(c.want))
		}
	}
}

// TestLiteralTargetErrors: constants the column's type does not accept
// are PostgreSQL's errors, at the constant.
func TestLiteralTargetErrors(t *testing.T) {
	cases := []struct{ in, code, msg string }{
		{`insert into t (by) values ('\xzz')`, CodeInvalidText, "invalid input syntax for type bytea"},
		{`insert into t (by) values ('\x0')`, CodeInvalidText, "invalid input syntax for type bytea"},
		{`select 1 from t where by = 'a\b'`, CodeInvalidText, "invalid input syntax for type bytea"},
		{`insert into t (b) values ('maybe')`, CodeInvalidText, `invalid input syntax for type boolean: "maybe"`},
		{`update t set b = '' where id = 1`, CodeInvalidText, `invalid input syntax for type boolean: ""`},
		{`select 1 from t where 'x' = b`, CodeInvalidText, `invalid input syntax for type boolean: "x"`},
		{`select 1 from t where u = 'x'`, CodeInvalidText, `invalid input syntax for type uuid: "x"`},
		{`insert into t (u) values ('a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1')`, CodeInvalidText, `invalid input syntax for type uuid: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1"`},
		{`insert into t (i) values ('abc')`, CodeInvalidText, `invalid input syntax for type integer: "abc"`},
		{`select 1 from t where i in ('1', '1.5')`, CodeInvalidText, `invalid input syntax for type integer: "1.5"`},
		{`insert into t (i) values ('2147483648')`, CodeOutOfRange, `value "2147483648" is out of range for type integer`},
		{`insert into t (s) values ('-32769')`, CodeOutOfRange, `value "-32769" is out of range for type smallint`},
		{`insert into t (l) values ('9223372036854775808')`, CodeOutOfRange, `value "9223372036854775808" is out of range for type bigint`},
		{`create table d (b boolean default 'x')`, CodeInvalidText, `invalid input syntax for type boolean: "x"`},
		{`alter table t add column n int default '1e3'`, CodeInvalidText, `invalid input syntax for type integer: "1e3"`},
	}
	for _, c := range cases {
		_, err := Translate(c.in, literalOpts)
		e, ok := err.(*Error)
		if !ok || e.Code != c.code || e.Message != c.msg {
			t.Errorf("Translate(%q) error %v, want %s %s", c.in, err, c.code, c.msg)
		}
	}
	// The error points at the constant.
	if _, err := Translate(`insert into t (b, by) values ('t', '\xq')`, literalOpts); err == nil || err.(*Error).Pos != 35 {
		t.Errorf("error %v, want position 35", err)
	}
}
