package fsm

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"

	sqlite3 "modernc.org/sqlite/lib"
)

// WriteTx is an interactive transaction on the apply connection. While it is
// open Apply waits (it holds applyMu).
//
// The leader runs a client's transaction on its latest applied state,
// records the statements that changed something, and at COMMIT proposes
// them as one Atomic command (Command), which every node, the leader
// included, applies after Rollback has freed the apply connection. The
// front end lets nothing else be proposed while a WriteTx is open, so the
// replay starts from the state the transaction started from, and each
// recorded statement gives the result it gave in the transaction: the same
// 'now' (the transaction's clock reading), the same random() values (the
// stream of its position in the command, see statementStream), the same
// rowids, RETURNING rows and LastInsertID.
//
// What makes the replay exact:
//   - every statement runs under a savepoint of its own (SAVEPOINT,
//     RELEASE and ROLLBACK TO excepted: they change no row), so a failed
//     statement leaves nothing behind, not even the rows an INSERT OR FAIL
//     wrote before failing, and last_insert_rowid() is put back;
//   - failed and read-only statements are not recorded: they changed
//     nothing the replay could see;
//   - the policy of Apply holds (authorizer, INSERT ... SELECT order,
//     reserved rowid, reserved names), with the same errors.
//
// Deferred foreign keys are checked when the command is applied: a
// violation fails the command as a whole (Result.Err), as COMMIT would.
//
// A statement whose failure makes SQLite roll back the whole transaction
// (RAISE(ROLLBACK), ON CONFLICT ROLLBACK, an interrupted write, some I/O
// errors) ends the WriteTx: Active reports false, the apply connection is
// released at once, and Command must not be proposed.
//
// Restore and Close roll back an open WriteTx (its base state is going
// away) before they touch the database; its later calls fail.
type WriteTx struct {
	f         *FSM
	a         *applyConn
	index     uint64
	unixMicro int64
	seed      uint64

	// stop ends with the transaction: a running Exec is interrupted.
	stop   context.Context
	cancel context.CancelFunc

	// mu is held by Exec, Describe and Command, and by whatever ends the
	// transaction, which therefore waits for a running Exec to return.
	mu       sync.Mutex
	stmts    []Statement
	released bool
	// ended is why the transaction is no longer active.
	ended  error
	active atomic.Bool
}

var (
	// ErrRolledBack is the reason of a WriteTx ended by Rollback.
	ErrRolledBack = errors.New("fsm: the write transaction was rolled back")
	// ErrRolledBackBySQLite is the reason of a WriteTx that SQLite rolled
	// back as a whole after a failed statement.
	ErrRolledBackBySQLite = errors.New("fsm: the write transaction was rolled back by a failed statement")
)

// BeginWrite opens a write transaction (BEGIN IMMEDIATE on the apply
// connection) over the latest applied state. It waits for Apply and for
// any other WriteTx, as long as ctx allows. unixMicro and seed play the
// parts of Command.UnixMicro and Command.Seed: 'now' and random() in the
// transaction, and in the command it turns into.
func (f *FSM) BeginWrite(ctx context.Context, unixMicro int64, seed uint64) (*WriteTx, error) {
	f.swap.RLock()
	defer f.swap.RUnlock()
	if f.closed {
		return nil, ErrClosed
	}
	if err := f.applyMu.LockContext(ctx); err != nil {
		return nil, fmt.Errorf("fsm: begin write: waiting for the apply connection: %w", err)
	}
	t, err := f.beginWrite(unixMicro, seed)
	if err != nil {
		f.applyMu.Unlock()
		return nil, fmt.Errorf("fsm: begin write: %w", err)
	}
	return t, nil
}

// beginWrite opens the transaction; the caller holds applyMu.
func (f *FSM) beginWrite(unixMicro int64, seed uint64) (*WriteTx, error) {
	if f.broken {
		return nil, errors.New("an earlier Apply failed; reopen the FSM (restart the node)")
	}
	f.txMu.Lock()
	defer f.txMu.Unlock()
	if f.ending != nil {
		return nil, f.ending
	}
	a := f.apply
	if err := a.try("BEGIN IMMEDIATE", nil); err != nil {
		return nil, err
	}
	// As at the start of an entry: LastInsertID depends on the transaction
	// alone.
	if err := a.try("resetting last_insert_rowid", a.resetLastID); err != nil {
		if rerr := a.try("ROLLBACK", nil); rerr != nil {
			f.broken = true
		}
		return nil, err
	}
	t := &WriteTx{f: f, a: a, index: f.applied.Load(), unixMicro: unixMicro, seed: seed}
	t.stop, t.cancel = context.WithCancel(context.Background())
	t.active.Store(true)
	f.writeTx = t
	return t, nil
}

// Index is the applied index the transaction started from.
func (t *WriteTx) Index() uint64 { return t.index }

// Active reports whether the transaction is open: false once Rollback,
// Restore or Close ended it, or SQLite rolled it back.
func (t *WriteTx) Active() bool { return t.active.Load() }

// Command is the Atomic command that replays the transaction: its clock
// reading and seed, and the recorded statements in order.
func (t *WriteTx) Command() Command {
	t.mu.Lock()
	defer t.mu.Unlock()
	return Command{Mode: Atomic, UnixMicro: t.unixMicro, Seed: t.seed, Conditional: true, ExpectIndex: t.index,
		Semantics: ApplySemantics, Statements: slices.Clone(t.stmts)}
}

// Exec runs one statement in the transaction, with Apply's policy and
// errors, 'now' at the transaction's clock reading and random() from the
// stream of the position the statement takes if it is recorded. It is
// recorded when it succeeded and changed something (or is SAVEPOINT,
// RELEASE or ROLLBACK TO). When ctx ends, or Rollback is called, the
// statement is interrupted and fails with SQLITE_INTERRUPT; an interrupted
// write makes SQLite roll back the whole transaction (Active turns false).
// Environmental errors (disk full, I/O) are results here, not panics: the
// transaction can fail without the node failing.
func (t *WriteTx) Exec(ctx context.Context, s Statement) StatementResult {
	t.mu.Lock()
	defer t.mu.Unlock()
	k := len(t.stmts)
	if t.released {
		return StatementResult{Err: &Error{Statement: k, Code: sqlite3.SQLITE_MISUSE, Message: t.ended.Error()}}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer context.AfterFunc(t.stop, cancel)()

	info := analyze(s.SQL)
	savepoint := info.verb == "SAVEPOINT" || info.verb == "RELEASE" || info.verb == "ROLLBACK"
	// Whether the statement writes is read from a compilation before it
	// runs: afterwards the schema may have changed (DROP TABLE).
	writes := false
	if info.count == 1 && info.refuse == "" {
		if pstmt, err := t.a.cc.prepare(s.SQL); err == nil && pstmt != 0 {
			writes = !t.a.cc.readOnly(pstmt)
			t.a.cc.finalize(pstmt)
		}
	}

	ec, end := beginEntry(t.unixMicro, t.seed)
	defer end()
	ec.statement(k)
	cc := t.a.cc
	lastID, changes := cc.lastInsertRowid(), cc.totalChanges()
	if !savepoint {
		if err := t.a.try("SAVEPOINT "+statementSavepoint, nil); err != nil {
			return t.abort(k, err)
		}
	}
	stopInterrupt := interruptOnDone(ctx, cc)
	r, _ := t.a.run(ctx, k, s)
	stopInterrupt()

	if r.Err != nil {
		if ctx.Err() != nil && !r.Err.NotReplicable {
			r.Err = &Error{Statement: k, Code: sqlite3.SQLITE_INTERRUPT, Message: "interrupted"}
		}
		if !cc.inTransaction() {
			t.finish(ErrRolledBackBySQLite)
			return r
		}
		if !savepoint {
			if err := t.a.try("ROLLBACK TO "+statementSavepoint, nil); err != nil {
				t.abort(k, err)
				return r
			}
			if err := t.a.try("RELEASE "+statementSavepoint, nil); err != nil {
				t.abort(k, err)
				return r
			}
		}
		cc.setLastInsertRowid(lastID)
		return r
	}
	if !cc.inTransaction() {
		// The policy refuses COMMIT and ROLLBACK; a statement that ended the
		// transaction anyway committed outside the log, and this node's
		// state may have left the cluster's: stop applying (fail-stop).
		t.f.broken = true
		t.finish(ErrRolledBackBySQLite)
		return StatementResult{Err: &Error{Statement: k, Code: sqlite3.SQLITE_INTERNAL, Message: "the statement ended the transaction"}}
	}
	if !savepoint {
		if err := t.a.try("RELEASE "+statementSavepoint, nil); err != nil {
			return t.abort(k, err)
		}
	}
	if writes || savepoint || cc.totalChanges() != changes {
		t.stmts = append(t.stmts, Statement{SQL: s.SQL, Params: cloneValues(s.Params)})
	}
	return r
}

// abort ends the transaction after one of the FSM's own statements failed
// in it, and reports that failure as statement k's.
func (t *WriteTx) abort(k int, err error) StatementResult {
	t.finish(ErrRolledBackBySQLite)
	return StatementResult{Err: statementError(k, err)}
}

// Describe prepares one statement in the transaction (it sees the
// transaction's own schema changes), with Apply's policy, without running
// it. A statement Apply would refuse is refused here with the same
// not-replicable error.
func (t *WriteTx) Describe(_ context.Context, q string) (*Description, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.released {
		return nil, t.ended
	}
	info := analyze(q)
	switch {
	case info.refuse != "":
		return nil, notReplicable(0, info.refuse)
	case info.closedName(false) != "":
		return nil, notReplicable(0, fmt.Sprintf("name %q belongs to sqlraft", info.closedName(false)))
	case info.count == 0:
		return &Description{}, nil
	}
	t.a.pol.denied = ""
	d, err := describeStatement(t.a.cc, q)
	if err != nil && t.a.pol.denied != "" {
		return nil, notReplicable(0, t.a.pol.denied)
	}
	return d, err
}

// Rollback ends the transaction: ROLLBACK, and the apply connection is
// released for Apply. It may be called from any goroutine, also while Exec
// runs: the statement is interrupted, and Rollback waits for Exec to
// return. It is idempotent.
func (t *WriteTx) Rollback() error {
	t.cancel()
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.finish(ErrRolledBack)
}

// end is Rollback with a reason: Restore or Close ending the transaction.
func (t *WriteTx) end(why error) {
	t.cancel()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.finish(why)
}

// finish rolls back what SQLite has not rolled back yet and releases the
// apply connection, once; the caller holds t.mu. A ROLLBACK that fails
// leaves the apply connection inside the transaction: Apply refuses to go
// on (fail-stop), as after a failed entry.
func (t *WriteTx) finish(why error) error {
	if t.released {
		return nil
	}
	t.released = true
	t.ended = why
	t.active.Store(false)
	t.cancel()
	var err error
	if t.a.cc.inTransaction() {
		if err = t.a.try("ROLLBACK", nil); err != nil {
			t.f.broken = true
			err = fmt.Errorf("fsm: rolling back the write transaction: %w", err)
		}
	}
	t.f.txMu.Lock()
	if t.f.writeTx == t {
		t.f.writeTx = nil
	}
	t.f.txMu.Unlock()
	t.f.applyMu.Unlock()
	return err
}

// endWriteTx rolls back the open WriteTx, if any, and refuses new ones
// (with why) until resume is called: Restore and Close are about to replace
// or close the apply connection.
func (f *FSM) endWriteTx(why error) (resume func()) {
	f.txMu.Lock()
	f.ending = why
	t := f.writeTx
	f.txMu.Unlock()
	if t != nil {
		t.end(why)
	}
	return func() {
		f.txMu.Lock()
		if f.ending == why {
			f.ending = nil
		}
		f.txMu.Unlock()
	}
}

// cloneValues copies parameters, blob bytes included: the caller may reuse
// its buffers for the next statement while the recording lives on.
func cloneValues(vs []Value) []Value {
	if vs == nil {
		return nil
	}
	out := make([]Value, len(vs))
	for i, v := range vs {
		if v.kind == KindBlob {
			v = BlobValue(bytes.Clone(v.b))
		}
		out[i] = v
	}
	return out
}
