package fsm

import (
	"context"
	"testing"
)

// Read connections keep compiled statements, keyed by text and by who
// reads: a statement compiled for the front end's system reads is never
// reused for a client sending the same text, and a cached statement sees
// schema changes and new rows.
func TestReadStatementCache(t *testing.T) {
	f, err := Open(t.TempDir(), Options{ReadConns: 1}) // one connection: every query hits its cache
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sys := cmd(2, "CREATE TABLE _sqlraft_sys_secrets(v TEXT)", "INSERT INTO _sqlraft_sys_secrets VALUES ('hidden')")
	sys.System = true
	mustApply(t, f, 2, sys)
	ctx := context.Background()
	const q = "SELECT v FROM _sqlraft_sys_secrets"
	for range 2 {
		if r, err := f.QuerySystem(ctx, q); err != nil || len(r.Values) != 1 {
			t.Fatalf("system read: %v %v", r, err)
		}
		if _, err := f.Query(ctx, q); err == nil {
			t.Fatal("a client read a system table through a cached statement")
		}
	}
	mustApply(t, f, 3, cmd(3, "CREATE TABLE t(a INTEGER)", "INSERT INTO t VALUES (1)"))
	count := func() int64 {
		r, err := f.Query(ctx, "SELECT count(*) FROM t")
		if err != nil {
			t.Fatal(err)
		}
		return r.Values[0][0].Int()
	}
	if n := count(); n != 1 {
		t.Fatalf("count = %d", n)
	}
	mustApply(t, f, 4, cmd(4, "INSERT INTO t VALUES (2)", "ALTER TABLE t ADD COLUMN b TEXT"))
	if n := count(); n != 2 {
		t.Fatalf("cached statement missed a write: count = %d", n)
	}
	r, err := f.Query(ctx, "SELECT * FROM t ORDER BY a")
	if err != nil || len(r.Columns) != 2 {
		t.Fatalf("after ALTER TABLE: %v %v", r, err)
	}
	mustApply(t, f, 5, cmd(5, "DROP TABLE t"))
	if _, err := f.Query(ctx, "SELECT count(*) FROM t"); err == nil {
		t.Fatal("cached statement on a dropped table still ran")
	}
}
