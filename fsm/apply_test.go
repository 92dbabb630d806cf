package fsm

import (
	"fmt"
	"strings"
	"testing"
)

func TestApplyResults(t *testing.T) {
	f := openFSM(t)
	mustApply(t, f, 1, cmd(1, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT, at DATETIME DEFAULT CURRENT_TIMESTAMP)"))
	r := mustApply(t, f, 2, Command{Mode: Atomic, UnixMicro: baseMicro, Seed: 7, Statements: []Statement{
		stmt(t, "INSERT INTO t(v) VALUES (?1), (?2)", "a", "b"),
		stmt(t, "INSERT INTO t(v) VALUES ($1) RETURNING id, v, at", "c"),
		stmt(t, "SELECT count(*) AS n FROM t"),
		stmt(t, "UPDATE t SET v = upper(v) WHERE id < 3"),
		stmt(t, "CREATE INDEX t_v ON t(v)"),
	}})
	for i, s := range r.Statements {
		t.Logf("statement %d: %+v", i, s)
	}
	want := []struct{ affected, lastID int64 }{{2, 2}, {1, 3}, {0, 0}, {2, 0}, {0, 0}}
	for i, w := range want {
		if s := r.Statements[i]; s.RowsAffected != w.affected || s.LastInsertID != w.lastID {
			t.Errorf("statement %d: RowsAffected %d LastInsertID %d, want %d %d", i, s.RowsAffected, s.LastInsertID, w.affected, w.lastID)
		}
	}
	ret := r.Statements[1]
	if len(ret.Rows) != 1 || ret.Columns[2] != (Column{Name: "at", DeclType: "DATETIME", Table: "t", Origin: "at"}) ||
		!ret.Rows[0][2].Equal(TextValue("2024-03-01 12:34:56")) {
		t.Errorf("RETURNING: %+v", ret)
	}
	// LastInsertID is per entry: an entry without an INSERT reports 0, not
	// whatever the connection inserted before (which a restart would reset).
	r = mustApply(t, f, 3, Command{Statements: []Statement{stmt(t, "INSERT OR IGNORE INTO t(id, v) VALUES (1, 'dup')")}})
	if got := r.Statements[0]; got.LastInsertID != 0 || got.RowsAffected != 0 {
		t.Errorf("ignored insert: %+v", got)
	}
}

func TestAtomicRollback(t *testing.T) {
	var sums [3][32]byte
	for n := range 3 {
		f := openFSM(t)
		mustApply(t, f, 1, cmd(1, "CREATE TABLE u(id INTEGER PRIMARY KEY, k TEXT UNIQUE)", "INSERT INTO u(k) VALUES ('taken')"))
		before := dump(t, f)
		r := apply(t, f, 2, cmd(2,
			"INSERT INTO u(k) VALUES ('new')",
			"INSERT INTO u(k) VALUES ('taken')",
			"INSERT INTO u(k) VALUES ('never')"))
		if r.Err == nil || r.Err.Statement != 1 || r.Err.Code != 2067 {
			t.Fatalf("replica %d: Err = %+v, want statement 1, code 2067 (SQLITE_CONSTRAINT_UNIQUE)", n, r.Err)
		}
		if len(r.Statements) != 2 {
			t.Errorf("replica %d: %d statement results, want 2 (the third never ran)", n, len(r.Statements))
		}
		if after := dump(t, f); after != before {
			t.Errorf("replica %d: the failed entry left a trace:\n%s\nwas\n%s", n, after, before)
		}
		if f.AppliedIndex() != 2 {
			t.Errorf("replica %d: AppliedIndex %d, want 2", n, f.AppliedIndex())
		}
		sums[n] = checksum(t, f)
		if n == 0 {
			t.Logf("result: %v", r.Err)
		}
	}
	if sums[0] != sums[1] || sums[1] != sums[2] {
		t.Errorf("replicas differ after a rolled back entry")
	}
}

func TestEachOwn(t *testing.T) {
	f := openFSM(t)
	mustApply(t, f, 1, cmd(1, "CREATE TABLE u(id INTEGER PRIMARY KEY, k TEXT UNIQUE)", "INSERT INTO u(k) VALUES ('taken')"))
	c := cmd(2, "INSERT INTO u(k) VALUES ('a')", "INSERT INTO u(k) VALUES ('taken')", "INSERT INTO u(k) VALUES ('b')")
	c.Mode = EachOwn
	r := apply(t, f, 2, c)
	if r.Err != nil || r.Statements[0].Err != nil || r.Statements[1].Err == nil || r.Statements[2].Err != nil {
		t.Fatalf("EachOwn: %s", describe(r))
	}
	if got := dump(t, f); !strings.Contains(got, "'a'") || !strings.Contains(got, "'b'") {
		t.Errorf("statements around the failing one were not kept:\n%s", got)
	}
}

// ON CONFLICT ROLLBACK ends the whole transaction, savepoints included. The
// entry is still recorded, and nothing of it stays, in either mode.
func TestConflictRollbackEndsTheEntry(t *testing.T) {
	for _, mode := range []Mode{Atomic, EachOwn} {
		f := openFSM(t)
		mustApply(t, f, 1, cmd(1, "CREATE TABLE u(k TEXT UNIQUE)", "INSERT INTO u VALUES ('taken')"))
		c := cmd(2, "INSERT INTO u VALUES ('a')", "INSERT OR ROLLBACK INTO u VALUES ('taken')", "INSERT INTO u VALUES ('b')")
		c.Mode = mode
		r := apply(t, f, 2, c)
		if r.Err == nil || r.Err.Statement != 1 {
			t.Errorf("%v: %s", mode, describe(r))
		}
		if got := dump(t, f); strings.Contains(got, "'a'") || strings.Contains(got, "'b'") {
			t.Errorf("%v: rolled back entry left rows:\n%s", mode, got)
		}
		if f.AppliedIndex() != 2 {
			t.Errorf("%v: AppliedIndex %d", mode, f.AppliedIndex())
		}
		mustApply(t, f, 3, cmd(3, "INSERT INTO u VALUES ('c')"))
	}
}

// A deferred foreign key is checked when the entry (Atomic) or the
// statement (EachOwn) would commit.
func TestDeferredForeignKeys(t *testing.T) {
	f := openFSM(t)
	mustApply(t, f, 1, cmd(1, "CREATE TABLE p(id INTEGER PRIMARY KEY)",
		"CREATE TABLE c(id INTEGER PRIMARY KEY, p INTEGER REFERENCES p(id) DEFERRABLE INITIALLY DEFERRED)"))
	r := apply(t, f, 2, cmd(2, "INSERT INTO c VALUES (1, 99)"))
	if r.Err == nil || r.Err.Code != 787 || r.Err.Statement != -1 {
		t.Errorf("atomic: %s", describe(r))
	}
	r = mustApply(t, f, 3, cmd(3, "INSERT INTO c VALUES (1, 5)", "INSERT INTO p VALUES (5)"))
	c := cmd(4, "INSERT INTO c VALUES (2, 98)", "INSERT INTO c VALUES (3, 5)")
	c.Mode = EachOwn
	r = apply(t, f, 4, c)
	if r.Statements[0].Err == nil || r.Statements[0].Err.Code != 787 || r.Statements[1].Err != nil {
		t.Errorf("each-own: %s", describe(r))
	}
	if got := dump(t, f); strings.Contains(got, "98") || !strings.Contains(got, "3 | 3 | 5") {
		t.Errorf("content:\n%s", got)
	}
}

func TestUndecodableCommandIsAResult(t *testing.T) {
	f := openFSM(t)
	r, _ := f.Apply(1, 1, []byte{1, 0xde, 0xad}).(*Result)
	if r == nil || r.Err == nil || r.Err.Statement != -1 || !strings.Contains(r.Err.Message, "malformed command") {
		t.Fatalf("Apply(garbage) = %s", describe(r))
	}
	if f.AppliedIndex() != 1 {
		t.Errorf("AppliedIndex %d, want 1", f.AppliedIndex())
	}
}

// A command written by a newer binary (a layout, flag or apply semantics
// this one does not know) stops the node instead of being applied with
// an older meaning: the replicas that understand it would differ.
func TestNewerCommandStopsTheNode(t *testing.T) {
	current := NewCommand(Atomic, Statement{SQL: "SELECT 1"})
	newer := current
	newer.Semantics = ApplySemantics + 1
	layout := current.Marshal()
	layout[0] = 9
	flags := current.Marshal()
	flags[2] |= 0x80
	for name, b := range map[string][]byte{"semantics": newer.Marshal(), "layout": layout, "flags": flags} {
		f := openFSM(t)
		func() {
			defer func() {
				r := recover()
				if r == nil || !strings.Contains(fmt.Sprint(r), "newer sqlraft") {
					t.Errorf("%s: Apply did not stop with the upgrade message: %v", name, r)
				}
			}()
			f.Apply(1, 1, b)
		}()
		if f.AppliedIndex() != 0 {
			t.Errorf("%s: applied index %d after the stop, want 0", name, f.AppliedIndex())
		}
	}
	// This binary's own commands carry its semantics and apply.
	f := openFSM(t)
	if r, _ := f.Apply(1, 1, current.Marshal()).(*Result); r == nil || r.Err != nil {
		t.Fatalf("current command: %s", describe(r))
	}
}

// Exactly once: the applied index survives close and reopen with the
// entries' effects, and entries at or below it are skipped.
func TestExactlyOnce(t *testing.T) {
	dir := t.TempDir()
	f, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, f, 1, cmd(1, "CREATE TABLE n(v INTEGER)"))
	for i := uint64(2); i <= 5; i++ {
		mustApply(t, f, i, cmd(i, "INSERT INTO n VALUES (random())"))
	}
	want := dump(t, f)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}

	f, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.AppliedIndex(); got != 5 {
		t.Fatalf("AppliedIndex after reopen = %d, want 5", got)
	}
	for i := uint64(1); i <= 5; i++ {
		if r := f.Apply(i, 1, cmd(i, "INSERT INTO n VALUES (-1)").Marshal()); r != nil {
			t.Errorf("re-applying entry %d returned %v, want nil", i, r)
		}
	}
	if got := dump(t, f); got != want {
		t.Errorf("re-applied entries changed the content:\n%s\nwas\n%s", got, want)
	}
	mustApply(t, f, 6, cmd(6, "INSERT INTO n VALUES (6)"))
	if f.AppliedIndex() != 6 {
		t.Errorf("AppliedIndex = %d, want 6", f.AppliedIndex())
	}
}

func TestApplyAfterClosePanics(t *testing.T) {
	f := openFSM(t)
	f.Close()
	defer func() {
		if recover() == nil {
			t.Error("Apply on a closed FSM did not panic")
		}
	}()
	f.Apply(1, 1, cmd(1).Marshal())
}

// An error that is the node's, not the statement's, stops the node instead
// of becoming a result other nodes would not have: SQLITE_FULL here, from a
// page limit the test sets on this replica alone. After a restart the entry
// applies normally.
func TestEnvironmentalErrorStopsTheNode(t *testing.T) {
	dir := t.TempDir()
	f, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	mustApply(t, f, 1, cmd(1, "CREATE TABLE t(b BLOB)"))
	if err := f.setApplyPragma("PRAGMA max_page_count = 3"); err != nil {
		t.Fatal(err)
	}
	big := cmd(2, "INSERT INTO t VALUES (randomblob(100000))")
	msg := func() (msg any) {
		defer func() { msg = recover() }()
		f.Apply(2, 1, big.Marshal())
		return nil
	}()
	if s, _ := msg.(string); !strings.Contains(s, "fail-stop") || !strings.Contains(s, "full") {
		t.Fatalf("Apply on a full database: panic %v, want a fail-stop panic", msg)
	}
	t.Logf("panic: %v", msg)
	func() {
		defer func() {
			if r := recover(); r == nil || !strings.Contains(r.(string), "earlier Apply failed") {
				t.Errorf("Apply after a failed Apply: %v", r)
			}
		}()
		f.Apply(3, 1, cmd(3, "SELECT 1").Marshal())
	}()
	f.Close()

	f, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.AppliedIndex() != 1 {
		t.Fatalf("AppliedIndex %d after the failed entry, want 1", f.AppliedIndex())
	}
	mustApply(t, f, 2, big)
}
