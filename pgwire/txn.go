package pgwire

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"sqlraft/fsm"
	"sqlraft/pgwire/dialect"
	"sqlraft/pgwire/pgerror"
)

// txn is a transaction block (BEGIN ... COMMIT) or the implicit
// transaction of a multi-statement simple Query.
//
// It starts in the read phase: reads see one snapshot (an fsm.ReadTx).
// The first write moves it to the write phase at the leader: it takes the
// write gate exclusively; if anything was written since its snapshot, it
// runs its reads again on the latest state and fails with 40001 unless
// each returns what it returned before; then it runs on the apply
// connection (an fsm.WriteTx), reading its own writes. COMMIT proposes
// the recorded statements as one log entry and answers once it is applied.
type txn struct {
	implicit  bool
	failed    *pgerror.Error
	readOnly  bool
	isolation string
	// unixMicro and seed are the transaction's clock reading and random
	// seed, fixed at BEGIN: now() is the transaction's start time, as in
	// PostgreSQL, and the commit entry replays with the same values.
	unixMicro int64
	seed      uint64

	rtx *fsm.ReadTx
	wtx *fsm.WriteTx
	// savepoints named in the read phase, created on the apply connection
	// when the write phase begins so that ROLLBACK TO still finds them.
	savepoints []string
	release    func() // the write gate, in the write phase

	// watch ends the write phase if this node stops leading; lost says
	// why.
	mu        sync.Mutex
	lost      *pgerror.Error
	stopWatch func()
	ddl       bool

	// reads are the read phase's reads and their rows (serializable
	// transactions only); unvalidated is set when they were too many to
	// keep. readCells counts the values kept.
	reads       []readRecord
	readCells   int
	unvalidated bool
}

func (s *session) newTxn(implicit bool, mode dialect.TxnMode) *txn {
	c := fsm.NewCommand(fsm.Atomic)
	t := &txn{implicit: implicit, unixMicro: c.UnixMicro, seed: c.Seed}
	t.readOnly = s.settings.readOnlyByDefault()
	t.isolation, _ = s.settings.get("default_transaction_isolation")
	t.applyMode(mode)
	return t
}

func (t *txn) applyMode(m dialect.TxnMode) {
	if m.Isolation != "" {
		t.isolation = m.Isolation
	}
	if m.ReadOnly != nil {
		t.readOnly = *m.ReadOnly
	}
}

func (s *session) begin(info dialect.Info) (*result, *pgerror.Error) {
	tag := orDefault(info.Tag, "BEGIN")
	if s.tx != nil && !s.tx.implicit {
		return &result{tag: tag, notices: []*pgerror.Error{warning("25001", "there is already a transaction in progress")}}, nil
	}
	if s.tx != nil { // BEGIN inside a multi-statement Query: the block is now explicit
		s.tx.implicit = false
		s.tx.applyMode(info.Txn)
		return &result{tag: tag}, nil
	}
	s.tx = s.newTxn(false, info.Txn)
	return &result{tag: tag}, nil
}

func (s *session) commit(ctx context.Context, info dialect.Info) (*result, *pgerror.Error) {
	if info.Chain {
		return nil, pgerror.New("0A000", "COMMIT AND CHAIN is not supported")
	}
	t := s.tx
	if t == nil {
		return &result{tag: "COMMIT", notices: []*pgerror.Error{warning("25P01", "there is no transaction in progress")}}, nil
	}
	if t.failed != nil {
		s.rollback()
		return &result{tag: "ROLLBACK"}, nil
	}
	if err := s.commitTxn(ctx); err != nil {
		return nil, err
	}
	return &result{tag: "COMMIT"}, nil
}

// commitTxn ends the transaction, replicating its writes.
func (s *session) commitTxn(ctx context.Context) *pgerror.Error {
	t := s.tx
	defer s.rollback() // releases whatever is left, whatever happens
	if t.wtx == nil {
		return nil
	}
	if lost := t.lostErr(); lost != nil {
		return lost
	}
	if !t.wtx.Active() {
		return pgerror.New("40001", "the transaction was rolled back by the database (a trigger or conflict clause rolled back everything)")
	}
	cmd := t.wtx.Command()
	t.wtx.Rollback()
	if len(cmd.Statements) == 0 {
		return nil
	}
	res, err := s.propose(cmd)
	if err != nil {
		return err
	}
	if t.ddl {
		s.schema.invalidate()
	}
	if res.Err != nil {
		return pgerror.FromFSM(res.Err, s.schema)
	}
	return nil
}

func (s *session) rollbackCmd(info dialect.Info) (*result, *pgerror.Error) {
	if info.Chain {
		return nil, pgerror.New("0A000", "ROLLBACK AND CHAIN is not supported")
	}
	if s.tx == nil {
		return &result{tag: "ROLLBACK", notices: []*pgerror.Error{warning("25P01", "there is no transaction in progress")}}, nil
	}
	s.rollback()
	return &result{tag: "ROLLBACK"}, nil
}

// rollback ends the transaction without writing anything.
func (s *session) rollback() {
	// Transaction-level advisory locks end with the transaction.
	s.srv.locks.releaseAll(s, true)
	t := s.tx
	if t == nil {
		return
	}
	s.tx = nil
	if t.stopWatch != nil {
		t.stopWatch()
	}
	if t.wtx != nil {
		_ = t.wtx.Rollback()
	}
	if t.rtx != nil {
		_ = t.rtx.Close()
	}
	if t.release != nil {
		t.release()
	}
}

// readCommitted reports whether the transaction runs at READ COMMITTED
// (or READ UNCOMMITTED, which PostgreSQL treats alike): each statement
// reads the latest committed state, and a write after reads does not
// fail because others wrote since, as in PostgreSQL. The default,
// SERIALIZABLE, reads one snapshot and fails with 40001 instead.
func (t *txn) readCommitted() bool {
	return t.isolation == "read committed" || t.isolation == "read uncommitted"
}

func (t *txn) lostErr() *pgerror.Error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.lost
}

// read runs a read inside the transaction.
func (t *txn) read(ctx context.Context, s *session, p *prepared, params []fsm.Value) (*result, *pgerror.Error) {
	if t.wtx != nil {
		return t.exec(ctx, s, p, params)
	}
	if t.rtx != nil && t.readCommitted() {
		// Each statement sees what was committed before it began.
		_ = t.rtx.Close()
		t.rtx = nil
	}
	if t.rtx == nil {
		if err := s.readBarrier(ctx); err != nil {
			return nil, err
		}
		rtx, err := s.srv.cfg.FSM.BeginRead(ctx)
		if err != nil {
			return nil, s.convertErr(ctx, err)
		}
		t.rtx = rtx
	}
	rows, err := t.rtx.Query(ctx, p.tr.SQL, params...)
	if err != nil {
		return nil, s.convertErr(ctx, err)
	}
	if !t.readCommitted() {
		t.recordRead(p.tr.SQL, params, rows.Values)
	}
	return rowsResult(p, rows.Columns, rows.Values, 0), nil
}

// readRecord is a read of the read phase with what it returned, kept so
// that the first write can check it against the latest state.
type readRecord struct {
	sql    string
	params []fsm.Value
	rows   [][]fsm.Value
}

// maxValidatedCells bounds the values a transaction keeps from its reads;
// beyond it, any write since its snapshot fails the transaction (40001).
const maxValidatedCells = 10000

func (t *txn) recordRead(sql string, params []fsm.Value, rows [][]fsm.Value) {
	if t.unvalidated {
		return
	}
	cells := 0
	for _, r := range rows {
		cells += len(r)
	}
	if t.readCells+cells > maxValidatedCells {
		t.unvalidated, t.reads = true, nil
		return
	}
	t.readCells += cells
	kept := make([]fsm.Value, len(params))
	for i, v := range params {
		if v.Kind() == fsm.KindBlob {
			v = fsm.BlobValue(bytes.Clone(v.Blob()))
		}
		kept[i] = v
	}
	t.reads = append(t.reads, readRecord{sql: sql, params: kept, rows: rows})
}

// readsStillHold runs the read phase's reads again on the write
// connection, which holds the latest state: if each returns what it
// returned before, the transaction is as if it had started now, and it
// stays serializable although others wrote since its snapshot.
func (t *txn) readsStillHold(ctx context.Context, wtx *fsm.WriteTx, reads []readRecord) bool {
	if t.unvalidated {
		return false
	}
	for _, rec := range reads {
		r := wtx.Exec(ctx, fsm.Statement{SQL: rec.sql, Params: rec.params})
		if r.Err != nil || !sameRows(r.Rows, rec.rows) {
			return false
		}
	}
	return true
}

func sameRows(a, b [][]fsm.Value) bool {
	return slices.EqualFunc(a, b, func(x, y []fsm.Value) bool {
		return slices.EqualFunc(x, y, fsm.Value.Equal)
	})
}

// write runs a write inside the transaction, entering the write phase
// first if needed.
func (t *txn) write(ctx context.Context, s *session, p *prepared, params []fsm.Value) (*result, *pgerror.Error) {
	if t.wtx == nil {
		if err := s.requireLeader(p); err != nil {
			return nil, err
		}
	}
	if t.readOnly {
		return nil, s.readOnlyError(p)
	}
	if t.wtx == nil {
		if err := t.startWrite(ctx, s); err != nil {
			return nil, err
		}
	}
	switch p.tr.Info.Command {
	case dialect.CmdCreate, dialect.CmdAlter, dialect.CmdDrop:
		t.ddl = true
	}
	return t.exec(ctx, s, p, params)
}

// lock enters the write phase for SELECT ... FOR UPDATE / FOR SHARE and
// LOCK TABLE. PostgreSQL's row locks promise that what the transaction
// read under them does not change before it commits; holding the write
// gate from here on keeps that promise, so the transaction's later writes
// do not fail with 40001 because someone wrote in between.
func (t *txn) lock(ctx context.Context, s *session, p *prepared) *pgerror.Error {
	if t.wtx != nil {
		return nil
	}
	if err := s.requireLeader(p); err != nil {
		return err
	}
	if t.readOnly {
		return pgerror.New("25006", "cannot execute %s in a read-only transaction", lockVerb(p))
	}
	return t.startWrite(ctx, s)
}

func lockVerb(p *prepared) string {
	if p.tr.Info.Command == dialect.CmdLock {
		return "LOCK TABLE"
	}
	return "SELECT FOR UPDATE"
}

// startWrite enters the write phase.
func (t *txn) startWrite(ctx context.Context, s *session) *pgerror.Error {
	release, err := s.srv.gate.acquireExclusive(ctx)
	if err != nil {
		return s.convertErr(ctx, err)
	}
	// Everything committed before the gate closed must be applied here
	// before the transaction reads the state.
	if perr := s.readBarrier(ctx); perr != nil {
		release()
		return perr
	}
	wtx, err := s.srv.cfg.FSM.BeginWrite(ctx, t.unixMicro, t.seed)
	if err != nil {
		release()
		return s.convertErr(ctx, err)
	}
	if t.rtx != nil {
		snap := t.rtx.Index()
		_ = t.rtx.Close()
		t.rtx = nil
		reads := t.reads
		t.reads = nil
		if snap != wtx.Index() && !t.readCommitted() && !t.readsStillHold(ctx, wtx, reads) {
			_ = wtx.Rollback()
			release()
			e := pgerror.New("40001", "could not serialize access due to concurrent update")
			e.Detail = fmt.Sprintf("Another transaction changed what this transaction read (%d reads checked) after its first read and before its first write.", len(reads))
			e.Hint = "Retry the transaction."
			return e
		}
	}
	t.wtx, t.release = wtx, release
	for _, name := range t.savepoints {
		r := wtx.Exec(ctx, fsm.Statement{SQL: `SAVEPOINT "` + name + `"`})
		if r.Err != nil {
			return pgerror.FromFSM(r.Err, s.schema)
		}
	}
	t.savepoints = nil
	t.watchLeadership(s, wtx)
	return nil
}

// watchLeadership ends the write phase as soon as this node stops leading
// in the term it started in: the state it holds may no longer be the
// cluster's, and the apply connection must be free for the new leader's
// entries.
func (t *txn) watchLeadership(s *session, wtx *fsm.WriteTx) {
	_, term, _ := s.srv.cfg.Cluster.Leadership()
	done := make(chan struct{})
	var once sync.Once
	t.stopWatch = func() { once.Do(func() { close(done) }) }
	go func() {
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
			}
			leader, now, _ := s.srv.cfg.Cluster.Leadership()
			if leader && now == term {
				continue
			}
			e := pgerror.New("40001", "the transaction was aborted because this node stopped leading the cluster")
			e.Hint = "Retry the transaction on the new leader."
			t.mu.Lock()
			t.lost = e
			t.mu.Unlock()
			_ = wtx.Rollback()
			return
		}
	}()
}

// exec runs a statement on the write transaction.
func (t *txn) exec(ctx context.Context, s *session, p *prepared, params []fsm.Value) (*result, *pgerror.Error) {
	if lost := t.lostErr(); lost != nil {
		return nil, lost
	}
	var affected int64
	var last fsm.StatementResult
	for _, st := range statements(p, params) {
		r := t.wtx.Exec(ctx, st)
		if r.Err != nil {
			if lost := t.lostErr(); lost != nil {
				return nil, lost
			}
			if ctx.Err() != nil {
				return nil, s.convertErr(ctx, ctx.Err())
			}
			return nil, pgerror.FromFSM(r.Err, s.schema)
		}
		affected += r.RowsAffected
		last = r
	}
	return rowsResult(p, last.Columns, last.Rows, affected), nil
}

// savepoint runs SAVEPOINT, RELEASE and ROLLBACK TO.
func (s *session) savepoint(ctx context.Context, p *prepared) (*result, *pgerror.Error) {
	info := p.tr.Info
	t := s.tx
	verb := map[dialect.Command]string{dialect.CmdSavepoint: "SAVEPOINT", dialect.CmdRelease: "RELEASE SAVEPOINT", dialect.CmdRollbackTo: "ROLLBACK TO SAVEPOINT"}[info.Command]
	if t == nil || t.implicit {
		return nil, pgerror.New("25P01", "%s can only be used in transaction blocks", verb)
	}
	tag := map[dialect.Command]string{dialect.CmdSavepoint: "SAVEPOINT", dialect.CmdRelease: "RELEASE", dialect.CmdRollbackTo: "ROLLBACK"}[info.Command]
	if t.wtx != nil {
		if lost := t.lostErr(); lost != nil {
			return nil, lost
		}
		r := t.wtx.Exec(ctx, fsm.Statement{SQL: p.tr.SQL})
		if r.Err != nil {
			return nil, pgerror.FromFSM(r.Err, s.schema)
		}
		if info.Command == dialect.CmdRollbackTo {
			t.failed = nil
		}
		return &result{tag: tag}, nil
	}
	name := info.Name
	switch info.Command {
	case dialect.CmdSavepoint:
		t.savepoints = append(t.savepoints, name)
	default:
		i := len(t.savepoints) - 1
		for i >= 0 && t.savepoints[i] != name {
			i--
		}
		if i < 0 {
			return nil, pgerror.New("3B001", "savepoint %q does not exist", name)
		}
		if info.Command == dialect.CmdRelease {
			t.savepoints = t.savepoints[:i]
		} else {
			t.savepoints = t.savepoints[:i+1]
			t.failed = nil
		}
	}
	return &result{tag: tag}, nil
}
