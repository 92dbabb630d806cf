package fsm

import (
	"errors"
	"fmt"
	"strings"

	sqlite3 "modernc.org/sqlite/lib"
)

// Apply applies the entry committed at index: it decodes the command and
// runs its statements on the apply connection, with the command's clock
// reading as 'now' and its seed behind random(), in one SQLite transaction
// that also records index and term in _sqlraft_meta. Entries at or below
// AppliedIndex were applied already and return nil (exactly once across
// crashes and replays). Otherwise the result is a *Result, identical on
// every node; statement errors and undecodable commands are results.
// Failures of the node itself (disk full, I/O error, corruption, ...) panic:
// the node must stop rather than diverge, and applies the entry again after
// a restart.
func (f *FSM) Apply(index, term uint64, cmd []byte) any {
	f.swap.RLock()
	defer f.swap.RUnlock()
	if f.closed {
		panic("fsm: Apply on a closed FSM")
	}
	f.applyMu.Lock()
	defer f.applyMu.Unlock()
	if f.broken {
		panic("fsm: Apply after an earlier Apply failed; reopen the FSM (restart the node)")
	}
	if index <= f.applied.Load() {
		return nil
	}
	f.entryMu.Lock()
	defer f.entryMu.Unlock()
	// A panic below leaves the apply connection inside a transaction.
	done := false
	defer func() { f.broken = !done }()
	c, decodeErr := UnmarshalCommand(cmd)
	if errors.Is(decodeErr, ErrNewerCommand) {
		// Fail-stop: applying it with this binary's meaning could make
		// this replica differ from those that understand it. After an
		// upgrade the node applies it.
		panic(fmt.Sprintf("fsm: entry %d: %v", index, decodeErr))
	}
	ec, end := beginEntry(c.UnixMicro, c.Seed)
	defer end()

	e := entry{a: f.apply, ec: ec, index: index, term: term}
	e.a.pol.system = c.System
	defer func() { e.a.pol.system = false }()
	e.begin()
	res := &Result{}
	switch {
	case decodeErr != nil:
		res.Err = &Error{Statement: -1, Code: sqlite3.SQLITE_ERROR, Message: decodeErr.Error()}
	case c.Conditional && c.ExpectIndex != f.applied.Load():
		// f.applied is the last applied command's index, the same on
		// every node (a snapshot carries it in _sqlraft_meta).
		res.Err = &Error{Statement: -1, Code: sqlite3.SQLITE_BUSY_SNAPSHOT,
			Message: fmt.Sprintf("conflict: the transaction began at applied index %d, but the state is now at %d", c.ExpectIndex, f.applied.Load())}
	case c.Mode == Atomic:
		e.atomic(c.Statements, res)
	default:
		e.eachOwn(c.Statements, res)
	}
	e.a.must("COMMIT", nil)
	f.applied.Store(index)
	done = true
	return res
}

// entry is the transaction of one log entry.
type entry struct {
	a           *applyConn
	ec          *entryContext
	index, term uint64
}

// run runs statement i of the entry, with random() drawing from that
// statement's stream. An environmental failure stops the node.
func (e *entry) run(i int, s Statement) StatementResult {
	e.ec.statement(i)
	r, env := e.a.run(background, i, s)
	if env != nil {
		panic(fmt.Sprintf("fsm: statement %d failed with an environmental error: %v; stopping (fail-stop), the entry will be applied again after a restart", i, env))
	}
	return r
}

// begin opens the entry's transaction and records the entry in it first:
// whatever the statements do, the commit carries the new applied index.
func (e *entry) begin() {
	e.a.must("BEGIN IMMEDIATE", nil)
	e.a.must("resetting last_insert_rowid", e.a.resetLastID)
	e.a.must("recording the applied index", e.a.updateMeta, IntValue(int64(e.index)), IntValue(int64(e.term)))
}

const (
	entrySavepoint     = "_sqlraft_entry"
	statementSavepoint = "_sqlraft_stmt"
)

// atomic runs all statements under one savepoint: the first failure rolls
// all of them back; the applied index, recorded outside the savepoint,
// stays.
func (e *entry) atomic(stmts []Statement, res *Result) {
	e.a.must("SAVEPOINT "+entrySavepoint, nil)
	for i, s := range stmts {
		r := e.run(i, s)
		res.Statements = append(res.Statements, r)
		if r.Err != nil {
			res.Err = r.Err
			e.rollbackTo(entrySavepoint)
			return
		}
	}
	if e.a.deferredViolations() {
		res.Err = &Error{Statement: -1, Code: sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY, Message: "FOREIGN KEY constraint failed"}
		e.rollbackTo(entrySavepoint)
		return
	}
	e.a.must("RELEASE "+entrySavepoint, nil)
}

// eachOwn runs every statement under its own savepoint: a failing
// statement (including deferred foreign key violations it leaves behind)
// rolls back alone.
func (e *entry) eachOwn(stmts []Statement, res *Result) {
	for i, s := range stmts {
		e.a.must("SAVEPOINT "+statementSavepoint, nil)
		r := e.run(i, s)
		if r.Err == nil && e.a.deferredViolations() {
			r = StatementResult{Err: &Error{Statement: i, Code: sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY, Message: "FOREIGN KEY constraint failed"}}
		}
		res.Statements = append(res.Statements, r)
		if r.Err == nil {
			e.a.must("RELEASE "+statementSavepoint, nil)
			continue
		}
		if !e.rollbackTo(statementSavepoint) {
			// ON CONFLICT ROLLBACK or RAISE(ROLLBACK) ended the whole
			// transaction, with the statements before this one.
			res.Err = r.Err
			return
		}
	}
}

// rollbackTo undoes the statements since the savepoint. A statement with
// ON CONFLICT ROLLBACK or RAISE(ROLLBACK) may already have rolled back the
// entire transaction: then the entry's transaction is begun again, so the
// applied index is still recorded, and rollbackTo reports false.
func (e *entry) rollbackTo(savepoint string) bool {
	err := e.a.exec("ROLLBACK TO " + savepoint)
	if err == nil {
		e.a.must("RELEASE "+savepoint, nil)
		return true
	}
	if !strings.Contains(err.Error(), "no such savepoint") {
		panic("fsm: ROLLBACK TO " + savepoint + " failed: " + err.Error())
	}
	e.begin()
	return false
}

// setApplyPragma runs a statement on the apply connection outside the
// replication policy. Tests use it to give one replica a different query
// plan (PRAGMA reverse_unordered_selects=1).
func (f *FSM) setApplyPragma(q string) error {
	f.applyMu.Lock()
	defer f.applyMu.Unlock()
	return f.apply.exec(q)
}
