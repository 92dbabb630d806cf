package pgerror

import (
	"reflect"
	"testing"

	"sqlraft/fsm"
)

// schemaSQL is the database the real-error tests run against.
var schemaSQL = []string{
	`CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, email text NOT NULL UNIQUE, n integer CHECK (n < 5), p integer REFERENCES users(id))`,
	`CREATE TABLE t2 (a integer, b integer, UNIQUE (a, b), CONSTRAINT pos CHECK (a > 0))`,
	`CREATE TABLE tp (k text PRIMARY KEY NOT NULL, v text)`,
	`CREATE UNIQUE INDEX tp_v_idx ON tp (v)`,
	`CREATE TABLE te (a integer, b integer)`,
	`CREATE UNIQUE INDEX te_sum ON te (a + b)`,
	`CREATE TABLE s (a INTEGER, b TEXT) STRICT`,
	`CREATE TABLE c (pid integer REFERENCES users(id))`,
	`CREATE TABLE p2 (a integer)`,
	`CREATE TABLE c2 (x integer REFERENCES p2(a))`,
	`CREATE TABLE tt (a integer)`,
	`CREATE TRIGGER tr BEFORE INSERT ON tt BEGIN SELECT RAISE(ABORT, 'no inserts into tt'); END`,
	`CREATE VIEW v AS SELECT 1 AS one`,
	`INSERT INTO users (email) VALUES ('a')`,
	`INSERT INTO t2 VALUES (1, 1)`,
	`INSERT INTO tp VALUES ('x', 'y')`,
	`INSERT INTO te VALUES (1, 2)`,
	`INSERT INTO c VALUES (1)`,
}

// TestFromFSM runs statements that fail in SQLite through the state
// machine and checks what a PostgreSQL client is told. Where the case
// exists in PostgreSQL, the message is PostgreSQL 15's.
func TestFromFSM(t *testing.T) {
	tests := []struct {
		sql  string
		want Error
	}{
		// Constraint violations, with PostgreSQL's default constraint names.
		{`INSERT INTO users (email) VALUES ('a')`, Error{Code: "23505",
			Message: `duplicate key value violates unique constraint "users_email_key"`,
			Schema:  "public", Table: "users", Constraint: "users_email_key"}},
		{`INSERT INTO users (id, email) VALUES (1, 'b')`, Error{Code: "23505",
			Message: `duplicate key value violates unique constraint "users_pkey"`,
			Schema:  "public", Table: "users", Constraint: "users_pkey"}},
		{`INSERT INTO t2 VALUES (1, 1)`, Error{Code: "23505",
			Message: `duplicate key value violates unique constraint "t2_a_b_key"`,
			Schema:  "public", Table: "t2", Constraint: "t2_a_b_key"}},
		{`INSERT INTO tp VALUES ('x', 'z')`, Error{Code: "23505",
			Message: `duplicate key value violates unique constraint "tp_pkey"`,
			Schema:  "public", Table: "tp", Constraint: "tp_pkey"}},
		// Without a Schema the index name is not known: PostgreSQL's
		// default name for a UNIQUE constraint on the column is used.
		{`INSERT INTO tp VALUES ('w', 'y')`, Error{Code: "23505",
			Message: `duplicate key value violates unique constraint "tp_v_key"`,
			Schema:  "public", Table: "tp", Constraint: "tp_v_key"}},
		{`INSERT INTO te VALUES (2, 1)`, Error{Code: "23505",
			Message:    `duplicate key value violates unique constraint "te_sum"`,
			Constraint: "te_sum"}},
		{`INSERT INTO users (email) VALUES (NULL)`, Error{Code: "23502",
			Message: `null value in column "email" of relation "users" violates not-null constraint`,
			Schema:  "public", Table: "users", Column: "email"}},
		{`INSERT INTO users (email, n) VALUES ('c', 9)`, Error{Code: "23514",
			Message: "new row violates check constraint",
			Detail:  "CHECK constraint failed: n < 5"}},
		{`INSERT INTO t2 VALUES (-1, 1)`, Error{Code: "23514",
			Message:    `new row violates check constraint "pos"`,
			Constraint: "pos"}},
		{`INSERT INTO users (email, p) VALUES ('d', 99)`, Error{Code: "23503",
			Message: "insert, update or delete violates a foreign key constraint",
			Detail:  "SQLite does not report which constraint or key."}},
		{`DELETE FROM users WHERE id = 1`, Error{Code: "23503",
			Message: "insert, update or delete violates a foreign key constraint",
			Detail:  "SQLite does not report which constraint or key."}},
		{`INSERT INTO s VALUES ('abc', 'x')`, Error{Code: "22P02",
			Message: `column "a" of relation "s" is of type integer and cannot store a text value`,
			Schema:  "public", Table: "s", Column: "a", DataType: "integer"}},
		{`INSERT INTO users VALUES ('abc', 'q', 1, NULL)`, Error{Code: "42804", Message: "datatype mismatch"}},
		{`INSERT INTO tt VALUES (1)`, Error{Code: "P0001", Message: "no inserts into tt"}},

		// Errors in the statement, told apart by SQLite's message.
		{`SELECT * FROM nosuch`, Error{Code: "42P01", Message: `relation "nosuch" does not exist`}},
		{`SELECT * FROM main.nosuch`, Error{Code: "42P01", Message: `relation "nosuch" does not exist`}},
		{`SELECT nosuch FROM users`, Error{Code: "42703", Message: `column "nosuch" does not exist`}},
		{`SELECT u.nosuch FROM users u`, Error{Code: "42703", Message: `column u.nosuch does not exist`}},
		{`INSERT INTO users (nosuch) VALUES (1)`, Error{Code: "42703", Message: `column "nosuch" of relation "users" does not exist`}},
		{`selec 1`, Error{Code: "42601", Message: `syntax error at or near "selec"`}},
		{`SELECT (1`, Error{Code: "42601", Message: "syntax error at end of input"}},
		{`SELECT 'abc`, Error{Code: "42601", Message: `unterminated quoted string at or near "'abc"`}},
		{`SELECT nosuch(1)`, Error{Code: "42883", Message: "function nosuch does not exist",
			Hint: "No function matches the given name and argument types. You might need to add explicit type casts."}},
		{`SELECT abs(1, 2)`, Error{Code: "42883", Message: "function abs does not exist",
			Detail: "wrong number of arguments to function abs()",
			Hint:   "No function matches the given name and argument types. You might need to add explicit type casts."}},
		{`CREATE TABLE users (a integer)`, Error{Code: "42P07", Message: `relation "users" already exists`}},
		{`CREATE INDEX tp_v_idx ON tp (k)`, Error{Code: "42P07", Message: `relation "tp_v_idx" already exists`}},
		{`CREATE VIEW v AS SELECT 2`, Error{Code: "42P07", Message: `relation "v" already exists`}},
		{`CREATE TRIGGER tr BEFORE INSERT ON tt BEGIN SELECT 1; END`, Error{Code: "42710", Message: `trigger "tr" already exists`}},
		{`SELECT id FROM users, users u2`, Error{Code: "42702", Message: `column reference "id" is ambiguous`}},
		{`DROP INDEX nosuch`, Error{Code: "42704", Message: `index "nosuch" does not exist`}},
		{`DROP VIEW nosuch`, Error{Code: "42P01", Message: `view "nosuch" does not exist`}},
		{`DROP TABLE nosuch`, Error{Code: "42P01", Message: `relation "nosuch" does not exist`}},
		{`DROP TRIGGER nosuch`, Error{Code: "42704", Message: `trigger "nosuch" does not exist`}},
		{`ROLLBACK TO SAVEPOINT x`, Error{Code: "3B001", Message: `savepoint "x" does not exist`}},
		{`SELECT * FROM nosuch.users`, Error{Code: "42P01", Message: `relation "nosuch.users" does not exist`}},
		{`CREATE TABLE nosuch.t (a integer)`, Error{Code: "3F000", Message: `schema "nosuch" does not exist`}},
		{`SELECT 'a' = 'b' COLLATE nosuch`, Error{Code: "42704", Message: `collation "nosuch" does not exist`}},
		{`INSERT INTO t2 VALUES (1, 2, 3)`, Error{Code: "42601", Message: "INSERT has more expressions than target columns"}},
		{`INSERT INTO t2 (a) VALUES (1, 2)`, Error{Code: "42601", Message: "INSERT has more expressions than target columns"}},
		{`INSERT INTO t2 (a, b) VALUES (1)`, Error{Code: "42601", Message: "INSERT has more target columns than expressions"}},
		{`SELECT 1 UNION SELECT 1, 2`, Error{Code: "42601", Message: "each UNION query must have the same number of columns"}},
		{`SELECT 1 EXCEPT SELECT 1, 2`, Error{Code: "42601", Message: "each EXCEPT query must have the same number of columns"}},
		{`SELECT (SELECT 1, 2)`, Error{Code: "42601", Message: "subquery must return only one column"}},
		{`INSERT INTO c2 VALUES (1)`, Error{Code: "42830",
			Message: `there is no unique constraint matching given keys for referenced table "p2"`,
			Detail:  `foreign key mismatch - "c2" referencing "p2"`}},
		{`INSERT INTO v VALUES (1)`, Error{Code: "55000", Message: `cannot modify view "v"`}},
		{`SELECT sum(x) FROM (SELECT 9223372036854775807 AS x UNION ALL SELECT 1)`, Error{Code: "22003", Message: "bigint out of range"}},
		{`SELECT count(*) FROM users WHERE count(*) > 1`, Error{Code: "42803", Message: "misuse of aggregate: count()"}},
		{`SELECT 1 ORDER BY 3`, Error{Code: "42P10", Message: "1st ORDER BY term out of range - should be between 1 and 1"}},
		{`CREATE TABLE w (a integer) WITHOUT ROWID`, Error{Code: "42P16", Message: "PRIMARY KEY missing on table w"}},
		{`SELECT zeroblob(2000000000)`, Error{Code: "54000", Message: "string or blob too big"}},

		// Statements the state machine will not replicate.
		{`ATTACH 'x' AS y`, Error{Code: "0A000",
			Message: "statement cannot be replicated: ATTACH and DETACH (also used by VACUUM) reach files outside the replicated database"}},
		{`SELECT last_insert_rowid()`, Error{Code: "0A000",
			Message: "statement cannot be replicated: last_insert_rowid() is per-connection state; use RETURNING"}},
	}

	f, err := fsm.Open(t.TempDir(), fsm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	setup := applyAll(t, f, 1, schemaSQL)
	for i, r := range setup.Statements {
		if r.Err != nil {
			t.Fatalf("setup %q: %v", schemaSQL[i], r.Err)
		}
	}
	var sqls []string
	for _, tt := range tests {
		sqls = append(sqls, tt.sql)
	}
	res := applyAll(t, f, 2, sqls)
	for i, tt := range tests {
		fe := res.Statements[i].Err
		if fe == nil {
			t.Errorf("%s: no error", tt.sql)
			continue
		}
		got := FromFSM(fe, nil)
		tt.want.Severity = "ERROR"
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("%s\n SQLite: %d %s\n    got: %+v\n   want: %+v", tt.sql, fe.Code, fe.Message, *got, tt.want)
		}
	}
}

// applyAll applies the statements as one command in which each runs in
// its own transaction, so every one of them reports its own error.
func applyAll(t *testing.T, f *fsm.FSM, index uint64, sqls []string) *fsm.Result {
	t.Helper()
	var stmts []fsm.Statement
	for _, s := range sqls {
		stmts = append(stmts, fsm.Statement{SQL: s})
	}
	r, ok := f.Apply(index, 1, fsm.NewCommand(fsm.EachOwn, stmts...).Marshal()).(*fsm.Result)
	if !ok || r.Err != nil || len(r.Statements) != len(sqls) {
		t.Fatalf("apply %d: %#v", index, r)
	}
	return r
}

// TestFromSQLiteCodes covers the result codes a statement cannot provoke
// on purpose: the state machine stops the node on them (they depend on
// the node, not the log), but reads and the session meet them.
func TestFromSQLiteCodes(t *testing.T) {
	tests := []struct {
		code int
		msg  string
		want Error
	}{
		{5, "database is locked", Error{Code: "40001", Message: "could not serialize access due to concurrent update", Detail: "database is locked"}},
		{6, "database table is locked", Error{Code: "40001", Message: "could not serialize access due to concurrent update", Detail: "database table is locked"}},
		{517, "database is locked", Error{Code: "40001", Message: "could not serialize access due to concurrent update", Detail: "database is locked"}},
		{8, "attempt to write a readonly database", Error{Code: "25006", Message: "cannot execute a write in a read-only transaction", Detail: "attempt to write a readonly database"}},
		{9, "interrupted", Error{Code: "57014", Message: "canceling statement due to user request"}},
		{13, "database or disk is full", Error{Code: "53100", Message: "database or disk is full"}},
		{7, "out of memory", Error{Code: "53200", Message: "out of memory"}},
		{10, "disk I/O error", Error{Code: "58030", Message: "disk I/O error"}},
		{266, "disk I/O error", Error{Code: "58030", Message: "disk I/O error"}},
		{11, "database disk image is malformed", Error{Code: "XX001", Message: "database disk image is malformed"}},
		{25, "column index out of range", Error{Code: "42P02", Message: "column index out of range"}},
		{23, "not authorized", Error{Code: "42501", Message: "permission denied", Detail: "not authorized"}},
		{516, "abort due to ROLLBACK", Error{Code: "40000", Message: "abort due to ROLLBACK"}},
		{19, "constraint failed", Error{Code: "23000", Message: "constraint failed"}},
		{1, "cannot start a transaction within a transaction", Error{Code: "25001", Message: "there is already a transaction in progress"}},
		{1, "cannot commit - no transaction is active", Error{Code: "25P01", Message: "there is no transaction in progress"}},
		{1, "cannot rollback - no transaction is active", Error{Code: "25P01", Message: "there is no transaction in progress"}},
		{1, "too many terms in compound SELECT", Error{Code: "54001", Message: "too many terms in compound SELECT"}},
		{1, "Expression tree is too large (maximum depth 1000)", Error{Code: "54001", Message: "Expression tree is too large (maximum depth 1000)"}},
		{1, "too many columns on t", Error{Code: "54011", Message: "too many columns on t"}},
		{1, "too many SQL variables", Error{Code: "54023", Message: "too many SQL variables"}},
		{1, "something new", Error{Code: "XX000", Message: "something new"}},
		{21, "bad parameter or other API misuse", Error{Code: "XX000", Message: "bad parameter or other API misuse"}},
	}
	for _, tt := range tests {
		got := FromSQLite(tt.code, tt.msg, nil)
		tt.want.Severity = "ERROR"
		if !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("FromSQLite(%d, %q)\n  got: %+v\n want: %+v", tt.code, tt.msg, *got, tt.want)
		}
	}
}
