package fsm

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	sqlite3 "modernc.org/sqlite/lib"
)

// How a write transaction shares the apply connection with the rest of
// the FSM: Apply waits for it, Snapshot does not, Restore and Close end it,
// and Rollback may come from any goroutine.

// Rollback may come from another goroutine (the session's watchdog when
// leadership is lost) while Exec runs: it interrupts the statement and
// waits for it.
func TestWriteTxRollbackFromAnotherGoroutine(t *testing.T) {
	f := openFSM(t)
	mustApply(t, f, 1, cmd(1, "CREATE TABLE t(v)"))
	w := beginWrite(t, f, 5)
	mustExec(t, w, "INSERT INTO t VALUES (1)")
	done := make(chan StatementResult)
	go func() { done <- w.Exec(context.Background(), Statement{SQL: infinite}) }()
	waitForStatement(t)
	if err := w.Rollback(); err != nil {
		t.Fatal(err)
	}
	select {
	case r := <-done:
		if r.Err == nil || r.Err.Code != sqlite3.SQLITE_INTERRUPT {
			t.Errorf("Exec: %+v", r.Err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Rollback returned while Exec still runs")
	}
	if w.Active() {
		t.Error("still active")
	}
	assertIdle(t, f)
	mustApply(t, f, 2, cmd(2, "INSERT INTO t VALUES (2)"))
	if got := dump(t, f); got != "t:\n  1 | 2\n" {
		t.Errorf("content:\n%s", got)
	}
}

// waitForStatement waits until a statement of an entry or a write
// transaction has its turn (the process runs no other).
func waitForStatement(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); current.Load() == nil; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the statement did not start")
		}
	}
}

// Apply waits while a write transaction is open, and goes on after it.
func TestApplyWaitsForWriteTx(t *testing.T) {
	f := openFSM(t)
	mustApply(t, f, 1, cmd(1, "CREATE TABLE t(v)"))
	w := beginWrite(t, f, 5)
	mustExec(t, w, "INSERT INTO t VALUES ('tx')")
	applied := make(chan *Result)
	go func() { applied <- apply(t, f, 2, cmd(2, "INSERT INTO t VALUES ('entry')")) }()
	select {
	case <-applied:
		t.Fatal("Apply ran while the write transaction was open")
	case <-time.After(100 * time.Millisecond):
	}
	w.Rollback()
	select {
	case r := <-applied:
		if r.Err != nil {
			t.Fatal(r.Err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Apply did not proceed after Rollback")
	}
	if got := dump(t, f); got != "t:\n  1 | 'entry'\n" {
		t.Errorf("content:\n%s", got)
	}
}

// BeginWrite waits for the apply connection as long as its context
// allows.
func TestBeginWriteWaitRespectsContext(t *testing.T) {
	f := openFSM(t)
	w := beginWrite(t, f, 5)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := f.BeginWrite(ctx, baseMicro, 6); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("BeginWrite while another is open: %v, want DeadlineExceeded", err)
	}
	w.Rollback()
	w2, err := f.BeginWrite(context.Background(), baseMicro, 6)
	if err != nil {
		t.Fatal(err)
	}
	w2.Rollback()
}

// Snapshot pins its image between two entries without waiting for an open
// write transaction, whose uncommitted writes are not in the image.
func TestSnapshotDuringWriteTx(t *testing.T) {
	f := openFSM(t)
	mustApply(t, f, 1, cmd(1, "CREATE TABLE t(v)", "INSERT INTO t VALUES ('committed')"))
	w := beginWrite(t, f, 5)
	mustExec(t, w, "INSERT INTO t VALUES ('uncommitted')")
	var img bytes.Buffer
	done := make(chan error)
	go func() {
		_, err := f.Snapshot(&img)
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Snapshot waited for the write transaction")
	}
	g := openFSM(t)
	if err := g.Restore(&img, 1); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, g); got != "t:\n  1 | 'committed'\n" {
		t.Errorf("image:\n%s", got)
	}
	if !w.Active() {
		t.Error("Snapshot ended the write transaction")
	}
}

// Restore and Close end an open write transaction: its base state is going
// away. Its later calls fail; Rollback stays harmless.
func TestRestoreAndCloseEndWriteTx(t *testing.T) {
	src := openFSM(t)
	mustApply(t, src, 1, cmd(1, "CREATE TABLE t(v)", "INSERT INTO t VALUES ('image')"))
	var img bytes.Buffer
	if _, err := src.Snapshot(&img); err != nil {
		t.Fatal(err)
	}

	f := openFSM(t)
	mustApply(t, f, 1, cmd(1, "CREATE TABLE t(v)"))
	w := beginWrite(t, f, 5)
	mustExec(t, w, "INSERT INTO t VALUES ('tx')")
	if err := f.Restore(&img, 1); err != nil {
		t.Fatal(err)
	}
	r := w.Exec(context.Background(), Statement{SQL: "SELECT 1"})
	if w.Active() || r.Err == nil || !strings.Contains(r.Err.Message, ErrRestored.Error()) {
		t.Errorf("after Restore: active %v, Exec %+v", w.Active(), r.Err)
	}
	if err := w.Rollback(); err != nil {
		t.Error(err)
	}
	if got := dump(t, f); got != "t:\n  1 | 'image'\n" {
		t.Errorf("after Restore:\n%s", got)
	}
	mustApply(t, f, 2, cmd(2, "INSERT INTO t VALUES ('next')"))

	w = beginWrite(t, f, 6)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if w.Active() {
		t.Error("Close left the write transaction open")
	}
	if _, err := f.BeginWrite(context.Background(), baseMicro, 7); !errors.Is(err, ErrClosed) {
		t.Errorf("BeginWrite after Close: %v", err)
	}
}
