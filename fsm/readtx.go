package fsm

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"
)

// ReadTx is a read transaction pinned to one read connection: every query
// sees the database as of Index(). It is a WAL read transaction, so it never
// blocks Apply; the WAL cannot be checkpointed past its snapshot while it is
// open, so close it promptly.
//
// A ReadTx holds no lock between its calls. Restore (a snapshot install) and
// Close end every open ReadTx before they touch the database file: its
// connection is closed, and its later calls fail with ErrRestored (or
// ErrClosed). A call in progress finishes first (Restore waits for it, as
// for a Query). The front end maps ErrRestored to a serialization failure:
// the snapshot it read is gone.
//
// Each ReadTx has a connection of its own (not one of the bounded Query
// pool), so idle client transactions never starve Query. A ReadTx may be
// used from several goroutines; its calls run one at a time.
type ReadTx struct {
	f     *FSM
	conn  *sql.Conn
	index uint64

	mu     sync.Mutex
	closed bool
	// ended is why Restore or Close ended the transaction, nil before.
	ended error
}

// ErrRestored is returned by the calls of a transaction that Restore ended
// by replacing the database with a snapshot.
var ErrRestored = errors.New("fsm: the transaction ended: a snapshot install replaced the database")

// errReadTxClosed is returned by the calls of a closed ReadTx.
var errReadTxClosed = errors.New("fsm: the read transaction is closed")

// BeginRead opens a read transaction on a connection of its own. The
// snapshot is taken by reading the applied index in the transaction, so
// Index is exactly the state every later query sees.
func (f *FSM) BeginRead(ctx context.Context) (*ReadTx, error) {
	f.swap.RLock()
	defer f.swap.RUnlock()
	if f.closed {
		return nil, ErrClosed
	}
	conn, err := f.txReads.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("fsm: begin read: %w", err)
	}
	t := &ReadTx{f: f, conn: conn}
	err = conn.Raw(func(dc any) error {
		r := dc.(*readerConn)
		r.use(readInternal)
		defer r.use(readUser)
		if _, err := r.ExecContext(ctx, "BEGIN", nil); err != nil {
			return err
		}
		// The first read of a deferred transaction takes its WAL snapshot.
		meta, err := query(ctx, r, `SELECT applied_index FROM _sqlraft_meta WHERE id = 1`)
		if err == nil && len(meta) != 1 {
			err = fmt.Errorf("_sqlraft_meta has %d rows", len(meta))
		}
		if err != nil {
			if _, rerr := r.ExecContext(background, "ROLLBACK", nil); rerr != nil {
				return driver.ErrBadConn // discard a connection stuck in its transaction
			}
			return err
		}
		t.index = uint64(meta[0][0].Int())
		return nil
	})
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("fsm: begin read: %w", err)
	}
	f.txMu.Lock()
	f.readTxs[t] = struct{}{}
	f.txMu.Unlock()
	return t, nil
}

// Index is the applied index of the transaction's snapshot.
func (t *ReadTx) Index() uint64 { return t.index }

// Query runs one read-only statement in the transaction, like FSM.Query.
func (t *ReadTx) Query(ctx context.Context, q string, params ...Value) (*Rows, error) {
	var out *Rows
	err := t.do(func(r *readerConn) (err error) {
		out, err = r.query(ctx, q, params)
		return err
	})
	return out, err
}

// Describe prepares one statement in the transaction (against its snapshot
// of the schema), like FSM.Describe.
func (t *ReadTx) Describe(_ context.Context, q string) (*Description, error) {
	var out *Description
	err := t.do(func(r *readerConn) (err error) {
		out, err = r.describe(q)
		return err
	})
	return out, err
}

// do runs fn on the transaction's connection, holding the swap lock shared
// like every read, so that Restore cannot end the transaction under it.
func (t *ReadTx) do(fn func(*readerConn) error) error {
	t.f.swap.RLock()
	defer t.f.swap.RUnlock()
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case t.closed:
		return errReadTxClosed
	case t.ended != nil:
		return t.ended
	}
	return t.conn.Raw(func(dc any) error {
		r := dc.(*readerConn)
		r.use(readUser)
		return fn(r)
	})
}

// Close ends the transaction (ROLLBACK) and gives the connection back. It
// is idempotent, and returns nil after Restore or Close ended the
// transaction.
func (t *ReadTx) Close() error {
	t.f.swap.RLock()
	defer t.f.swap.RUnlock()
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil
	}
	t.closed = true
	t.f.txMu.Lock()
	delete(t.f.readTxs, t)
	t.f.txMu.Unlock()
	if t.ended != nil {
		return nil
	}
	t.release(false)
	return nil
}

// release rolls the transaction back and gives the connection back to its
// pool; discard (or a failed ROLLBACK) closes it instead.
func (t *ReadTx) release(discard bool) {
	t.conn.Raw(func(dc any) error {
		_, err := dc.(*readerConn).ExecContext(background, "ROLLBACK", nil)
		if err != nil || discard {
			return driver.ErrBadConn
		}
		return nil
	})
	t.conn.Close()
}

// endReadTxs ends every open ReadTx, closing its connection, because the
// database is about to be replaced or closed. The caller holds the swap lock
// exclusively.
func (f *FSM) endReadTxs(why error) {
	f.txMu.Lock()
	txs := f.readTxs
	f.readTxs = map[*ReadTx]struct{}{}
	f.txMu.Unlock()
	for t := range txs {
		t.mu.Lock()
		t.ended = why
		t.release(true)
		t.mu.Unlock()
	}
}
