package fsm

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	sqlite3 "modernc.org/sqlite/lib"
)

// A write transaction runs on the leader; at COMMIT its recorded
// statements become one Atomic command that every node applies, the
// leader included. The tests here show what is recorded and that the
// replay is exact; writetx_sharing_test.go shows how the transaction
// shares the apply connection.

// txSchema is the state the random transactions start from: AUTOINCREMENT,
// DEFAULT random() and CURRENT_TIMESTAMP, a CHECK and a UNIQUE constraint
// to fail on, a trigger that draws random() and reads the clock, and a
// WITHOUT ROWID table.
var txSchema = []string{
	`CREATE TABLE a(id INTEGER PRIMARY KEY AUTOINCREMENT, k TEXT UNIQUE, n INTEGER CHECK (n < 1000),
		r INTEGER DEFAULT (random()), at TEXT DEFAULT CURRENT_TIMESTAMP)`,
	`CREATE TABLE b(k TEXT PRIMARY KEY, v BLOB, at TEXT) WITHOUT ROWID`,
	`CREATE TABLE log(id INTEGER PRIMARY KEY, what TEXT, at TEXT, r INTEGER)`,
	`CREATE TRIGGER a_ins AFTER INSERT ON a BEGIN
		INSERT INTO log(what, at, r) VALUES ('insert ' || new.k, strftime('%Y-%m-%d %H:%M:%f', 'now'), random()); END`,
}

// txViews are read inside the transaction at its end and on every replica
// after the replay: the content must be the same.
var txViews = []string{
	"SELECT * FROM a ORDER BY id",
	"SELECT * FROM b ORDER BY k",
	"SELECT * FROM log ORDER BY id",
	"SELECT * FROM sqlite_sequence ORDER BY name",
	"SELECT name, sql FROM sqlite_schema ORDER BY name",
}

// randomStatement picks a statement for a random transaction. Keys come
// from a small set, so UNIQUE conflicts, missing savepoints and CHECK
// violations make a good share of them fail.
func randomStatement(rng *rand.Rand) Statement {
	key := func() Value { return TextValue(fmt.Sprintf("k%d", rng.IntN(12))) }
	n := func() Value { return IntValue(int64(rng.IntN(1100))) }
	switch rng.IntN(17) {
	case 0, 1:
		return Statement{SQL: "INSERT INTO a(k, n) VALUES (?1, ?2) RETURNING id, k, n, r, at", Params: []Value{key(), n()}}
	case 2:
		// The second row may fail after the first was written.
		return Statement{SQL: "INSERT INTO a(k, n) VALUES (?1, 1), (?2, ?3)", Params: []Value{key(), key(), n()}}
	case 3:
		// OR FAIL keeps the rows written before the failing one: the
		// transaction must drop them all the same.
		return Statement{SQL: "INSERT OR FAIL INTO a(k, n) VALUES (?1, 2), (?2, ?3)", Params: []Value{key(), key(), n()}}
	case 4:
		return Statement{SQL: "INSERT OR IGNORE INTO a(k, n) VALUES (?1, ?2)", Params: []Value{key(), n()}}
	case 5:
		return Statement{SQL: "UPDATE a SET n = n + 100, r = random() WHERE k = ?1 RETURNING id, n, r", Params: []Value{key()}}
	case 6:
		return Statement{SQL: "DELETE FROM a WHERE k = ?1 RETURNING id, k", Params: []Value{key()}}
	case 7:
		return Statement{SQL: "INSERT OR REPLACE INTO b VALUES (?1, randomblob(8), datetime('now'))", Params: []Value{key()}}
	case 8:
		return Statement{SQL: "SELECT k, r, random() FROM a ORDER BY id"}
	case 9:
		return Statement{SQL: "SAVEPOINT sp"}
	case 10:
		return Statement{SQL: "ROLLBACK TO sp"}
	case 11:
		return Statement{SQL: "RELEASE sp"}
	case 12:
		return Statement{SQL: "INSERT INTO a(k, n) SELECT k || 'c', 3 FROM b ORDER BY k"}
	case 13:
		return Statement{SQL: "INSERT INTO a(k, n) SELECT k || 'u', 3 FROM b"} // refused: plan order
	case 14:
		return Statement{SQL: "UPDATE nosuch SET x = 1"}
	case 15:
		return Statement{SQL: "CREATE TABLE IF NOT EXISTS c(x, at DEFAULT CURRENT_TIME)"}
	default:
		return Statement{SQL: "INSERT INTO c(x) VALUES (random()) RETURNING x, at"}
	}
}

func resultString(r StatementResult) string {
	s := fmt.Sprintf("affected=%d lastid=%d cols=%v rows=%v", r.RowsAffected, r.LastInsertID, r.Columns, r.Rows)
	if r.Err != nil {
		s += fmt.Sprintf(" err=%v", r.Err)
	}
	return s
}

// views reads txViews on an FSM.
func views(t *testing.T, f *FSM) []string {
	t.Helper()
	var out []string
	for _, q := range txViews {
		r, err := f.Query(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, fmt.Sprint(r.Values))
	}
	return out
}

// TestWriteTxReplaysExactly runs random transactions on the leader and
// replays each one's command on the leader itself and on two other
// replicas. For every recorded statement, the replay's result is the one
// Exec returned during the transaction (RETURNING rows, random(), 'now',
// AUTOINCREMENT ids, LastInsertID), and the content after the replay is
// what the transaction saw at its end, on all three. Failed statements,
// reads and savepoints rolled back to sit between the recorded ones.
// A control replica that replays with another seed diverges: the test
// would notice wrong random values.
func TestWriteTxReplaysExactly(t *testing.T) {
	ctx := context.Background()
	leader, r1, r2, control := openFSM(t), openFSM(t), openFSM(t), openFSM(t)
	all := []*FSM{leader, r1, r2, control}
	for _, f := range all {
		mustApply(t, f, 1, cmd(1, txSchema...))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	index := uint64(1)
	var recorded, failed, unrecorded, rolledBack, rolledBackTo int
	for tx := range 40 {
		before := checksum(t, leader)
		micro := baseMicro + int64(tx)*7_654_321
		w, err := leader.BeginWrite(ctx, micro, rng.Uint64())
		if err != nil {
			t.Fatal(err)
		}
		if w.Index() != index {
			t.Fatalf("tx %d: Index %d, want %d", tx, w.Index(), index)
		}
		var want []string // results of the recorded statements
		for range 6 + rng.IntN(14) {
			s := randomStatement(rng)
			n := len(w.Command().Statements)
			r := w.Exec(ctx, s)
			switch {
			case len(w.Command().Statements) == n+1:
				if r.Err != nil {
					t.Fatalf("tx %d: %q failed and was recorded: %v", tx, s.SQL, r.Err)
				}
				want = append(want, resultString(r))
				recorded++
				if s.SQL == "ROLLBACK TO sp" {
					rolledBackTo++
				}
			case r.Err != nil:
				failed++
			default:
				unrecorded++
			}
			if !w.Active() {
				t.Fatalf("tx %d: %q ended the transaction: %v", tx, s.SQL, r.Err)
			}
		}
		// The transaction's own view of its end state, read in it.
		var seen []string
		for _, q := range txViews {
			r := w.Exec(ctx, Statement{SQL: q})
			if r.Err != nil {
				t.Fatal(r.Err)
			}
			seen = append(seen, fmt.Sprint(r.Rows))
		}
		c := w.Command()
		if err := w.Rollback(); err != nil {
			t.Fatal(err)
		}
		if got := checksum(t, leader); got != before {
			t.Fatalf("tx %d: the rolled back transaction left a trace", tx)
		}
		if tx%5 == 4 {
			rolledBack++ // the client rolled back: nothing is proposed
			continue
		}
		index++
		for _, f := range all {
			cc := c
			if f == control {
				cc.Seed ^= 1
			}
			res := apply(t, f, index, cc)
			if f == control {
				continue
			}
			if res.Err != nil {
				t.Fatalf("tx %d: the replay failed: %v\ncommand: %+v", tx, res.Err, c.Statements)
			}
			for i, r := range res.Statements {
				if got := resultString(r); got != want[i] {
					t.Errorf("tx %d, statement %d %q:\nreplay: %s\n    tx: %s", tx, i, c.Statements[i].SQL, got, want[i])
				}
			}
			if got := views(t, f); strings.Join(got, "\n") != strings.Join(seen, "\n") {
				t.Fatalf("tx %d: content after the replay differs from what the transaction saw:\n%s\nvs\n%s",
					tx, strings.Join(got, "\n"), strings.Join(seen, "\n"))
			}
		}
		assertIdle(t, leader)
	}
	sum := checksum(t, leader)
	if checksum(t, r1) != sum || checksum(t, r2) != sum {
		t.Error("replicas differ from the leader")
	}
	if checksum(t, control) == sum {
		t.Error("the control replica, replaying with other seeds, has the same content: random() is not exercised")
	}
	if recorded < 100 || failed < 50 || unrecorded < 20 || rolledBackTo < 5 {
		t.Errorf("too little variety: %d recorded (%d ROLLBACK TO), %d failed, %d read-only", recorded, rolledBackTo, failed, unrecorded)
	}
	t.Logf("%d transactions (%d rolled back by the client): %d statements recorded (%d ROLLBACK TO), %d failed, %d read-only",
		40, rolledBack, recorded, rolledBackTo, failed, unrecorded)
}

// assertIdle fails if the apply connection was left inside a transaction.
func assertIdle(t *testing.T, f *FSM) {
	t.Helper()
	f.applyMu.Lock()
	defer f.applyMu.Unlock()
	if f.apply.cc.inTransaction() {
		t.Fatal("the apply connection is inside a transaction")
	}
}

// beginWrite opens a write transaction at the test clock.
func beginWrite(t *testing.T, f *FSM, seed uint64) *WriteTx {
	t.Helper()
	w, err := f.BeginWrite(context.Background(), baseMicro, seed)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Rollback() })
	return w
}

func mustExec(t *testing.T, w *WriteTx, sql string, params ...any) StatementResult {
	t.Helper()
	r := w.Exec(context.Background(), stmt(t, sql, params...))
	if r.Err != nil {
		t.Fatalf("%s: %v", sql, r.Err)
	}
	return r
}

func recordedSQL(w *WriteTx) []string {
	var out []string
	for _, s := range w.Command().Statements {
		out = append(out, s.SQL)
	}
	return out
}

// What is recorded: statements that changed something, and savepoint
// statements. Not reads, not failures.
func TestWriteTxRecordsWhatChanges(t *testing.T) {
	f := openFSM(t)
	mustApply(t, f, 1, cmd(1, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
	w := beginWrite(t, f, 5)
	mustExec(t, w, "INSERT INTO t(v) VALUES (?1)", "a")
	mustExec(t, w, "SELECT * FROM t")
	if r := w.Exec(context.Background(), stmt(t, "INSERT INTO t(v) VALUES ('a')")); r.Err == nil || r.Err.Code != 2067 {
		t.Fatalf("duplicate: %+v", r)
	}
	mustExec(t, w, "UPDATE t SET v = 'z' WHERE id = 99") // changes no row, still a write
	mustExec(t, w, "SAVEPOINT s")
	mustExec(t, w, "CREATE TABLE u(x)")
	mustExec(t, w, "ROLLBACK TO s")
	mustExec(t, w, "RELEASE s")
	mustExec(t, w, "-- nothing")
	want := []string{"INSERT INTO t(v) VALUES (?1)", "UPDATE t SET v = 'z' WHERE id = 99",
		"SAVEPOINT s", "CREATE TABLE u(x)", "ROLLBACK TO s", "RELEASE s"}
	if got := recordedSQL(w); strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("recorded:\n%q\nwant\n%q", got, want)
	}
	c := w.Command()
	if c.Mode != Atomic || c.UnixMicro != baseMicro || c.Seed != 5 || !c.Statements[0].Params[0].Equal(TextValue("a")) {
		t.Errorf("command: %+v", c)
	}
}

// A failed statement leaves nothing, not even what INSERT OR FAIL keeps of
// it, nor its last_insert_rowid(): the replay, which does not contain it,
// gives the same LastInsertID to the statements after it.
func TestWriteTxFailedStatementLeavesNothing(t *testing.T) {
	f := openFSM(t)
	mustApply(t, f, 1, cmd(1, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT UNIQUE)"))
	w := beginWrite(t, f, 5)
	mustExec(t, w, "INSERT INTO t(v) VALUES ('a')")
	// Writes rowid 2 ('b'), then fails on 'a'; OR FAIL keeps 'b' in SQLite.
	if r := w.Exec(context.Background(), stmt(t, "INSERT OR FAIL INTO t(v) VALUES ('b'), ('a')")); r.Err == nil {
		t.Fatal("the duplicate did not fail")
	}
	ignored := mustExec(t, w, "INSERT OR IGNORE INTO t(v) VALUES ('a')")
	rows := mustExec(t, w, "SELECT id, v FROM t ORDER BY id")
	if fmt.Sprint(rows.Rows) != "[[1 'a']]" {
		t.Errorf("rows after the failed statement: %v", rows.Rows)
	}
	c := w.Command()
	w.Rollback()
	r := mustApply(t, f, 2, c)
	if ignored.LastInsertID != 1 || r.Statements[1].LastInsertID != ignored.LastInsertID {
		t.Errorf("LastInsertID of the ignored insert: %d in the transaction, %d in the replay, want 1",
			ignored.LastInsertID, r.Statements[1].LastInsertID)
	}
}

// User savepoints are recorded and replayed inside the entry's own
// savepoint; the FSM's savepoint names are refused.
func TestWriteTxSavepoints(t *testing.T) {
	f := openFSM(t)
	mustApply(t, f, 1, cmd(1, "CREATE TABLE t(v)"))
	w := beginWrite(t, f, 5)
	for _, q := range []string{"SAVEPOINT a", "INSERT INTO t VALUES (1)", "SAVEPOINT b", "INSERT INTO t VALUES (2)",
		"ROLLBACK TO SAVEPOINT b", "INSERT INTO t VALUES (3)", "RELEASE a", "SAVEPOINT c", "INSERT INTO t VALUES (4)"} {
		mustExec(t, w, q)
	}
	for _, name := range []string{entrySavepoint, statementSavepoint, `"_SQLRAFT_x"`} {
		r := w.Exec(context.Background(), stmt(t, "SAVEPOINT "+name))
		if r.Err == nil || !r.Err.NotReplicable {
			t.Errorf("SAVEPOINT %s: %+v, want refused", name, r.Err)
		}
	}
	if r := w.Exec(context.Background(), stmt(t, "RELEASE "+entrySavepoint)); r.Err == nil {
		t.Errorf("RELEASE %s accepted", entrySavepoint)
	}
	c := w.Command()
	if len(c.Statements) != 9 {
		t.Fatalf("recorded %d statements: %q", len(c.Statements), recordedSQL(w))
	}
	w.Rollback()
	mustApply(t, f, 2, c)
	if got := dump(t, f); got != "t:\n  1 | 1\n  2 | 3\n  3 | 4\n" {
		t.Errorf("after the replay:\n%s", got)
	}
}

// Exec applies Apply's policy, with the same errors.
func TestWriteTxPolicy(t *testing.T) {
	f := openFSM(t)
	mustApply(t, f, 1, cmd(1, "CREATE TABLE t(v)", "INSERT INTO t VALUES (1)"))
	w := beginWrite(t, f, 5)
	for _, tc := range refusedStatements {
		r := w.Exec(context.Background(), Statement{SQL: tc.sql})
		if r.Err == nil || !r.Err.NotReplicable || !strings.Contains(r.Err.Message, tc.reason) {
			t.Errorf("%q: %+v, want refused for %q", tc.sql, r.Err, tc.reason)
		}
	}
	big := w.Exec(context.Background(), Statement{SQL: "INSERT INTO t(rowid, v) VALUES (9223372036854775807, 'x')"})
	if big.Err == nil || !big.Err.NotReplicable {
		t.Errorf("reserved rowid: %+v", big.Err)
	}
	if n := len(w.Command().Statements); n != 0 || !w.Active() {
		t.Errorf("refused statements: %d recorded, active %v", n, w.Active())
	}
}

// A statement can make SQLite roll back the whole transaction. The WriteTx
// is then over at once: the apply connection is free for Apply without
// waiting for Rollback, which stays harmless.
func TestWriteTxRolledBackBySQLite(t *testing.T) {
	f := openFSM(t)
	mustApply(t, f, 1, cmd(1, "CREATE TABLE t(v UNIQUE)", "INSERT INTO t VALUES (1)",
		"CREATE TABLE guard(x)", "CREATE TRIGGER g BEFORE INSERT ON guard BEGIN SELECT RAISE(ROLLBACK, 'no'); END"))
	for _, q := range []string{"INSERT OR ROLLBACK INTO t VALUES (1)", "INSERT INTO guard VALUES (1)"} {
		w := beginWrite(t, f, 5)
		mustExec(t, w, "INSERT INTO t VALUES (2)")
		r := w.Exec(context.Background(), Statement{SQL: q})
		if r.Err == nil || w.Active() {
			t.Fatalf("%s: %+v, active %v", q, r.Err, w.Active())
		}
		if r := w.Exec(context.Background(), Statement{SQL: "INSERT INTO t VALUES (3)"}); r.Err == nil || r.Err.Code != sqlite3.SQLITE_MISUSE {
			t.Errorf("Exec after the rollback: %+v", r.Err)
		}
		assertIdle(t, f)
		if err := w.Rollback(); err != nil {
			t.Error(err)
		}
	}
	if got := dump(t, f); got != "guard:\nt:\n  1 | 1\n" {
		t.Errorf("content:\n%s", got)
	}
}

// infinite never ends until interrupted.
const infinite = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"

// A statement is interrupted when its context ends. An interrupted read
// leaves the transaction as it was; SQLite rolls back the whole
// transaction after an interrupted write.
func TestWriteTxStatementCancel(t *testing.T) {
	f := openFSM(t)
	mustApply(t, f, 1, cmd(1, "CREATE TABLE t(v)"))
	w := beginWrite(t, f, 5)
	mustExec(t, w, "INSERT INTO t VALUES (1)")

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	r := w.Exec(ctx, Statement{SQL: infinite})
	cancel()
	if r.Err == nil || r.Err.Code != sqlite3.SQLITE_INTERRUPT || !w.Active() {
		t.Fatalf("interrupted read: %+v, active %v", r.Err, w.Active())
	}
	if got := mustExec(t, w, "SELECT count(*) FROM t"); !got.Rows[0][0].Equal(IntValue(1)) {
		t.Errorf("after the interrupted read: %v", got.Rows)
	}

	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	r = w.Exec(ctx, Statement{SQL: "INSERT INTO t VALUES ((" + infinite + "))"})
	cancel()
	if r.Err == nil || r.Err.Code != sqlite3.SQLITE_INTERRUPT || w.Active() {
		t.Fatalf("interrupted write: %+v, active %v", r.Err, w.Active())
	}
	assertIdle(t, f)
	if got := dump(t, f); got != "t:\n" {
		t.Errorf("content:\n%s", got)
	}
	// A context that ended before Exec: nothing runs.
	w = beginWrite(t, f, 5)
	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if r := w.Exec(ctx, Statement{SQL: "INSERT INTO t VALUES (1)"}); r.Err == nil || r.Err.Code != sqlite3.SQLITE_INTERRUPT {
		t.Errorf("cancelled context: %+v", r.Err)
	}
	if len(w.Command().Statements) != 0 || !w.Active() {
		t.Errorf("cancelled context: recorded %d, active %v", len(w.Command().Statements), w.Active())
	}
}

// Describe in a write transaction sees the transaction's own schema, with
// Apply's policy.
func TestWriteTxDescribe(t *testing.T) {
	f := openFSM(t)
	w := beginWrite(t, f, 5)
	mustExec(t, w, "CREATE TABLE fresh(id INTEGER PRIMARY KEY, name VARCHAR(20))")
	d, err := w.Describe(context.Background(), "SELECT name, id + 1 AS next FROM fresh WHERE id = ?")
	if err != nil {
		t.Fatal(err)
	}
	want := []Column{{Name: "name", DeclType: "VARCHAR(20)", Table: "fresh", Origin: "name"}, {Name: "next"}}
	if fmt.Sprint(d.Columns) != fmt.Sprint(want) || d.Params != 1 || !d.ReadOnly {
		t.Errorf("Describe: %+v", d)
	}
	if _, err := f.Describe(context.Background(), "SELECT * FROM fresh"); err == nil {
		t.Error("a read connection sees the uncommitted table")
	}
	var e *Error
	if _, err := w.Describe(context.Background(), "PRAGMA journal_mode=DELETE"); !errors.As(err, &e) || !e.NotReplicable {
		t.Errorf("Describe of a refused statement: %v", err)
	}
	if len(w.Command().Statements) != 1 {
		t.Errorf("Describe recorded something: %q", recordedSQL(w))
	}
}
