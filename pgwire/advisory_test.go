package pgwire_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

func tryLock(t *testing.T, c *pgx.Conn, sql string, args ...any) bool {
	t.Helper()
	var got bool
	if err := c.QueryRow(context.Background(), sql, args...).Scan(&got); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return got
}

func TestAdvisoryLocks(t *testing.T) {
	ts := startServer(t)
	ctx := context.Background()
	a := ts.connect(t, pgx.QueryExecModeCacheStatement)
	b := ts.connect(t, pgx.QueryExecModeCacheStatement)

	// goose's key, as a bigint parameter.
	const goose = int64(4097083626)
	if !tryLock(t, a, "SELECT pg_try_advisory_lock($1)", goose) {
		t.Fatal("first try failed")
	}
	if tryLock(t, b, "SELECT pg_try_advisory_lock($1)", goose) {
		t.Fatal("a lock held by another session was granted")
	}
	// Session-level locks count: two locks need two unlocks.
	mustExec(t, a, "SELECT pg_advisory_lock($1)", goose)
	if !tryLock(t, a, "SELECT pg_advisory_unlock($1)", goose) || tryLock(t, b, "SELECT pg_try_advisory_lock($1)", goose) {
		t.Fatal("one unlock of two locks released it")
	}
	// golang-migrate blocks in pg_advisory_lock until the holder unlocks.
	done := make(chan error, 1)
	go func() {
		_, err := b.Exec(ctx, "SELECT pg_advisory_lock($1)", goose)
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("pg_advisory_lock returned while the lock was held: %v", err)
	case <-time.After(200 * time.Millisecond):
	}
	if !tryLock(t, a, "SELECT pg_advisory_unlock($1)", goose) {
		t.Fatal("unlock")
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the waiting session did not get the lock after the unlock")
	}
	if tryLock(t, a, "SELECT pg_advisory_unlock($1)", goose) {
		t.Fatal("unlocked a lock this session does not hold")
	}
	// Two int4 keys are another key space than one bigint.
	if !tryLock(t, a, "SELECT pg_try_advisory_lock(1, 2)") || !tryLock(t, b, "SELECT pg_try_advisory_lock(1)") {
		t.Fatal("(1, 2) and 1 must be different locks")
	}
	// A session's locks end with it.
	c := ts.connect(t, pgx.QueryExecModeSimpleProtocol)
	mustExec(t, c, "SELECT pg_advisory_lock(77)")
	if tryLock(t, a, "SELECT pg_try_advisory_lock(77)") {
		t.Fatal("lock 77 granted twice")
	}
	c.Close(ctx)
	deadline := time.Now().Add(5 * time.Second)
	for !tryLock(t, a, "SELECT pg_try_advisory_lock(77)") {
		if time.Now().After(deadline) {
			t.Fatal("a closed session's lock was not released")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// Transaction-level locks end with the transaction (Flyway's).
	tx, err := b.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !tryLock(t, b, "SELECT pg_try_advisory_xact_lock(9)") || tryLock(t, a, "SELECT pg_try_advisory_xact_lock(9)") {
		t.Fatal("transaction lock")
	}
	tx.Commit(ctx)
	if !tryLock(t, a, "SELECT pg_try_advisory_xact_lock(9)") {
		t.Fatal("transaction lock outlived its transaction")
	}
}

func TestAdvisoryLocksLiveAtTheLeader(t *testing.T) {
	nodes := startCluster(t)
	leader, follower := nodes[0], nodes[1]
	ctx := context.Background()
	fc := follower.connect(t, pgx.QueryExecModeSimpleProtocol)
	if _, err := fc.Exec(ctx, "SELECT pg_advisory_lock(1)"); pgCode(err) != "25006" {
		t.Fatalf("advisory lock on a follower: %v, want 25006", err)
	}
	lc := leader.connect(t, pgx.QueryExecModeSimpleProtocol)
	mustExec(t, lc, "SELECT pg_advisory_lock(1)")
	// Leadership moves: the holder's session ends, so it cannot go on
	// believing it holds a lock the new leader never granted.
	tctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := leader.srv.Node().TransferLeadership(tctx, follower.srv.Node().ID()); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := lc.Exec(ctx, "SELECT 1")
		if err != nil {
			if code := pgCode(err); code != "57P01" && code != "" {
				t.Fatalf("lock holder after a leadership change: %v, want 57P01 or a closed connection", err)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the lock holder's session survived the leadership change")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
