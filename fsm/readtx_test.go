package fsm

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func beginRead(t *testing.T, f *FSM) *ReadTx {
	t.Helper()
	r, err := f.BeginRead(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func readCount(t *testing.T, q func(context.Context, string, ...Value) (*Rows, error)) int64 {
	t.Helper()
	rows, err := q(context.Background(), "SELECT count(*) FROM t")
	if err != nil {
		t.Fatal(err)
	}
	return rows.Values[0][0].Int()
}

// A read transaction sees one state, the one at Index, across all its
// queries, while Apply goes on (it does not wait for the reader) and
// Query sees the new entries.
func TestReadTxSeesOneSnapshot(t *testing.T) {
	f := openFSM(t)
	mustApply(t, f, 1, cmd(1, "CREATE TABLE t(v)", "INSERT INTO t VALUES (1)"))
	r := beginRead(t, f)
	if r.Index() != 1 {
		t.Errorf("Index %d, want 1", r.Index())
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := uint64(2); i <= 5; i++ {
			f.Apply(i, 1, cmd(i, "INSERT INTO t VALUES (1)", "CREATE TABLE IF NOT EXISTS later(x)").Marshal())
		}
	}()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Apply waited for the read transaction")
	}
	if got := readCount(t, r.Query); got != 1 {
		t.Errorf("the read transaction sees %d rows, want 1 (its snapshot)", got)
	}
	if got := readCount(t, f.Query); got != 5 {
		t.Errorf("Query sees %d rows, want 5", got)
	}
	if _, err := r.Describe(context.Background(), "SELECT * FROM later"); err == nil {
		t.Error("Describe in the read transaction sees a table created after its snapshot")
	}
	if r.Index() != 1 {
		t.Errorf("Index moved to %d", r.Index())
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if _, err := r.Query(context.Background(), "SELECT 1"); err == nil {
		t.Error("Query after Close succeeded")
	}
	if r := beginRead(t, f); r.Index() != 5 || readCount(t, r.Query) != 5 {
		t.Errorf("a new read transaction: Index %d", r.Index())
	}
}

// Read transactions have connections of their own: more open ones than
// ReadConns do not starve Query.
func TestReadTxDoesNotStarveQuery(t *testing.T) {
	f, err := Open(t.TempDir(), Options{ReadConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mustApply(t, f, 1, cmd(1, "CREATE TABLE t(v)"))
	for range 5 {
		beginRead(t, f)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := f.Query(ctx, "SELECT count(*) FROM t"); err != nil {
		t.Fatalf("Query with 5 read transactions open: %v", err)
	}
}

// Restore does not swap the file under a read transaction: it ends it
// first. The transaction's later calls fail with ErrRestored; Close stays
// harmless, and new transactions see the restored state.
func TestRestoreEndsReadTx(t *testing.T) {
	src := openFSM(t)
	mustApply(t, src, 1, cmd(1, "CREATE TABLE t(v)"))
	for i := uint64(2); i <= 9; i++ {
		mustApply(t, src, i, cmd(i, "INSERT INTO t VALUES (1)"))
	}
	var img bytes.Buffer
	if _, err := src.Snapshot(&img); err != nil {
		t.Fatal(err)
	}

	f := openFSM(t)
	mustApply(t, f, 1, cmd(1, "CREATE TABLE t(v)"))
	r := beginRead(t, f)
	if got := readCount(t, r.Query); got != 0 {
		t.Fatalf("count %d", got)
	}
	if err := f.Restore(&img, 9); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Query(context.Background(), "SELECT count(*) FROM t"); !errors.Is(err, ErrRestored) {
		t.Errorf("Query after Restore: %v, want ErrRestored", err)
	}
	if _, err := r.Describe(context.Background(), "SELECT 1"); !errors.Is(err, ErrRestored) {
		t.Errorf("Describe after Restore: %v, want ErrRestored", err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("Close after Restore: %v", err)
	}
	if r := beginRead(t, f); r.Index() != 9 || readCount(t, r.Query) != 8 {
		t.Errorf("after Restore: Index %d", r.Index())
	}
	// Close ends them too.
	r = beginRead(t, f)
	f.Close()
	if _, err := r.Query(context.Background(), "SELECT 1"); !errors.Is(err, ErrClosed) {
		t.Errorf("Query after Close: %v, want ErrClosed", err)
	}
}

// A query of a read transaction is interrupted when its context ends; the
// transaction goes on, on the same snapshot.
func TestReadTxQueryCancel(t *testing.T) {
	f := openFSM(t)
	mustApply(t, f, 1, cmd(1, "CREATE TABLE t(v)"))
	r := beginRead(t, f)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	if _, err := r.Query(ctx, infinite); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Query: %v, want DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the interrupt took %v", d)
	}
	mustApply(t, f, 2, cmd(2, "INSERT INTO t VALUES (1)"))
	if got := readCount(t, r.Query); got != 0 {
		t.Errorf("after the interrupted query the transaction sees %d rows, want 0", got)
	}
	// Rows are read after the first step too: a query that returns rows
	// forever is interrupted while they are read.
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := f.Query(ctx, strings.Replace(infinite, "SELECT count(*) FROM c", "SELECT x FROM c", 1))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("endless rows: %v", err)
	}
}

// Describe and Query in read transactions keep sqlraft's tables closed.
func TestReadTxRefusesReservedTables(t *testing.T) {
	f := openFSM(t)
	r := beginRead(t, f)
	for _, q := range []string{"SELECT * FROM _sqlraft_meta", "SELECT * FROM \"_SQLRAFT_META\""} {
		_, qerr := r.Query(context.Background(), q)
		_, derr := r.Describe(context.Background(), q)
		for _, err := range []error{qerr, derr} {
			var e *Error
			if !errors.As(err, &e) || e.Code != 23 {
				t.Errorf("%s: %v, want refused", q, err)
			}
		}
	}
}
