package dialect

import (
	"context"
	"fmt"
	"testing"

	"sqlraft/fsm"
)

// sqliteDB runs translated statements on a real state machine.
type sqliteDB struct {
	t     *testing.T
	f     *fsm.FSM
	index uint64
	types map[string]map[string]string // table -> column -> canonical type, from Result.Columns
	cols  map[string][]string          // table -> columns in order
}

func openSQLite(t *testing.T) *sqliteDB {
	t.Helper()
	f, err := fsm.Open(t.TempDir(), fsm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return &sqliteDB{t: t, f: f, types: map[string]map[string]string{}, cols: map[string][]string{}}
}

// opts knows the columns of the tables created so far.
func (db *sqliteDB) opts() Options {
	o := testOpts
	o.ColumnType = func(table, column string) string { return db.types[table][column] }
	o.TableColumns = func(table string) []string { return db.cols[table] }
	return o
}

// exec translates sql and applies it; it returns the SQLite error, if any.
func (db *sqliteDB) exec(sql string) *fsm.Error {
	db.t.Helper()
	r, err := Translate(sql, db.opts())
	if err != nil {
		db.t.Fatalf("Translate(%q): %v", sql, err)
	}
	for _, c := range r.Columns {
		if db.types[c.Table] == nil {
			db.types[c.Table] = map[string]string{}
		}
		db.types[c.Table][c.Name] = c.Type
		db.cols[c.Table] = append(db.cols[c.Table], c.Name)
	}
	var stmts []fsm.Statement
	for _, s := range r.Statements {
		stmts = append(stmts, fsm.Statement{SQL: s})
	}
	db.index++
	res, _ := db.f.Apply(db.index, 1, fsm.NewCommand(fsm.Atomic, stmts...).Marshal()).(*fsm.Result)
	if res == nil {
		db.t.Fatalf("Apply(%q): no result", sql)
	}
	return res.Err
}

func (db *sqliteDB) mustExec(sql string) {
	db.t.Helper()
	if err := db.exec(sql); err != nil {
		db.t.Fatalf("%q: %v", sql, err)
	}
}

// query translates and runs a read, returning the rows as text.
func (db *sqliteDB) query(sql string) string {
	db.t.Helper()
	r, err := Translate(sql, db.opts())
	if err != nil {
		db.t.Fatalf("Translate(%q): %v", sql, err)
	}
	rows, err := db.f.Query(context.Background(), r.SQL)
	if err != nil {
		db.t.Fatalf("Query(%q): %v", r.SQL, err)
	}
	var out []string
	for _, row := range rows.Values {
		out = append(out, fmt.Sprint(row))
	}
	return fmt.Sprint(out)
}

// TestDeclaredTypesInSQLite: the declared types the translator writes
// survive in SQLite as written (sqlite3_column_decltype), so the session
// tells int4 from the rowid alias INTEGER (int8) and float4 from REAL
// (float8); CanonicalType reads each one back; and the affinity is
// PostgreSQL's (an int4 column stores '42' as an integer).
func TestDeclaredTypesInSQLite(t *testing.T) {
	db := openSQLite(t)
	db.mustExec(`create table t (id serial primary key, a integer, b int, c int4, d real, e float4, f float8,
		g double precision, h float, i text, j bigint, k smallint, l numeric(10,2), m varchar(20)[],
		n boolean, o bytea, p timestamptz, q timestamp(3) with time zone, r float(10)[])`)
	db.mustExec("create table u (id integer primary key, v text)")
	db.mustExec("alter table u add column w real")
	cases := []struct{ col, decl, canonical string }{
		{"t.id", "INTEGER", ""}, // the rowid alias: pgvalue reports int8
		{"t.a", "int4", "integer"}, {"t.b", "int4", "integer"}, {"t.c", "int4", "integer"},
		{"t.d", "float4", "real"}, {"t.e", "float4", "real"}, {"t.f", "float8", "double precision"},
		{"t.g", "double precision", "double precision"}, {"t.h", "float", "double precision"},
		{"t.i", "TEXT", "text"}, {"t.j", "bigint", "bigint"}, {"t.k", "smallint", "smallint"},
		{"t.l", "numeric(10,2)", "numeric"}, {"t.m", "varchar array(20)", "character varying[]"},
		{"t.n", "boolean", "boolean"}, {"t.o", "bytea", "bytea"}, {"t.p", "timestamptz", "timestamp with time zone"},
		{"t.q", "timestamp with time zone(3)", "timestamp with time zone"}, {"t.r", "float array(10)", "real[]"},
		{"u.id", "int4", "integer"}, {"u.w", "float4", "real"},
	}
	for _, c := range cases {
		d, err := db.f.Describe(context.Background(), "SELECT "+c.col+" FROM t, u")
		if err != nil {
			t.Fatal(err)
		}
		decl := d.Columns[0].DeclType
		if decl != c.decl {
			t.Errorf("%s: decltype %q, want %q", c.col, decl, c.decl)
		}
		if got := CanonicalType(decl); c.canonical != "" && got != c.canonical {
			t.Errorf("%s: CanonicalType(%q) = %q, want %q", c.col, decl, got, c.canonical)
		}
	}
	// Affinity: INTEGER for int4, REAL for float4, as for integer and real.
	db.mustExec("insert into t (a, c, d, e, j) values ('42', '-7', '1.5', '2', '9000000000')")
	if got, want := db.query("select typeof(a), a, typeof(c), typeof(d), typeof(e), e, typeof(j) from t"),
		"[['integer' 42 'integer' 'real' 'real' 2.0 'integer']]"; got != want {
		t.Errorf("stored %s, want %s", got, want)
	}
	// An integer primary key is no rowid alias: NOT NULL, as in PostgreSQL.
	if err := db.exec("insert into u (v) values ('x')"); err == nil {
		t.Error("insert without the integer primary key: no error, want NOT NULL constraint failed")
	}
	db.mustExec("insert into u (id, v) values (1, 'x')")
}

// TestLiteralsInSQLite: string constants stored into and compared with
// bytea, boolean and timestamptz columns (one of them named by, a
// keyword) are what PostgreSQL would make of them, and compare equal.
func TestLiteralsInSQLite(t *testing.T) {
	db := openSQLite(t)
	db.mustExec(`create table t (id int primary key, b boolean default 'no', by bytea default '\x00',
		tstz timestamptz default '2024-01-01 00:00:00+01', n int)`)
	db.mustExec(`insert into t (id, by, b, tstz) values (1, '\xdeadbeef00', 't', '2024-02-29 13:14:15.5+02')`)
	db.mustExec(`insert into t values (2, 'off', E'\\001\\\\x', '2024-02-29T11:14:15.5Z', '17')`)
	db.mustExec(`insert into t (id) values (3)`)
	if got, want := db.query("select id, typeof(b), b, typeof(by), hex(by), tstz, typeof(n) from t order by id"),
		"[[1 'integer' 1 'blob' 'DEADBEEF00' '2024-02-29 11:14:15.500' 'null'] "+
			"[2 'integer' 0 'blob' '015C78' '2024-02-29 11:14:15.500' 'integer'] "+
			"[3 'integer' 0 'blob' '00' '2023-12-31 23:00:00.000' 'null']]"; got != want {
		t.Errorf("stored\n got %s\nwant %s", got, want)
	}
	for _, q := range []struct{ sql, want string }{
		{`select id from t where by = '\xdeadbeef00' and b = 'true' and tstz = '2024-02-29 12:14:15.5+01'`, "[[1]]"},
		{`select x.id from t x where x.b <> 'y' and x.by in ('\x015c78', '\x00') order by 1`, "[[2] [3]]"},
		{`select id from t where tstz between '2024-02-29 00:00-05' and '2024-03-01Z' order by id`, "[[1] [2]]"},
		{`select id from t where 'f' = b and n = '17'`, "[[2]]"},
	} {
		if got := db.query(q.sql); got != q.want {
			t.Errorf("%s\n got %s\nwant %s", q.sql, got, q.want)
		}
	}
	db.mustExec(`update t set b = 'on', by = '\x01' where by = '\x00'`)
	if got, want := db.query(`select id, b, hex(by) from t where by = '\x01'`), "[[3 1 '01']]"; got != want {
		t.Errorf("after UPDATE: %s, want %s", got, want)
	}
}
