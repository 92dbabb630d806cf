package fsm

import (
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"

	_ "modernc.org/sqlite" // registers the "sqlite" driver of the readers
)

// DBFile is the name of the database inside the FSM's directory.
const DBFile = "db.sqlite"

// Options configure an FSM. The zero value is valid.
type Options struct {
	// Logger receives snapshot and restore sizes and durations. Nil
	// discards them.
	Logger *slog.Logger
	// ReadConns bounds the read-only connections behind Query and
	// Checksum; 0 means 4.
	ReadConns int
	// ReadSetup extends every read connection (Query's and ReadTx's, not
	// the apply connection) when it opens; the zero value adds nothing.
	// The SQL front end installs its PostgreSQL catalog with it.
	ReadSetup ReadSetup
	// MaxResultBytes bounds the memory one read's rows may take (about 64
	// bytes a value plus its text or blob); a larger result fails with
	// ErrResultTooLarge instead of exhausting the node's memory. 0 means
	// DefaultMaxResultBytes.
	MaxResultBytes int64
}

// DefaultMaxResultBytes is the default Options.MaxResultBytes.
const DefaultMaxResultBytes = 1 << 30

// ErrResultTooLarge is returned by a read whose rows exceed
// Options.MaxResultBytes.
var ErrResultTooLarge = errors.New("fsm: the result is larger than the read result limit")

// FSM is the SQLite state machine of one node. It implements the node's
// StateMachine interface (Apply, AppliedIndex, Snapshot, Restore). Apply
// must be called from one goroutine at a time, in log order; Query,
// Checksum, Validate, Snapshot, read and write transactions may run
// concurrently with it (Apply waits while a write transaction is open).
type FSM struct {
	dir  string
	path string
	opts Options
	log  *slog.Logger

	// swap is held shared by every operation that uses the connections and
	// exclusively by Restore and Close, which replace or close them. An
	// open WriteTx holds applyMu instead (see WriteTx); an open ReadTx holds
	// nothing between its calls (see ReadTx).
	swap sync.RWMutex
	// applyMu serializes the apply connection: Apply, and an open WriteTx
	// for its whole life.
	applyMu ctxMutex
	// entryMu is held by Apply for one entry: Snapshot takes it to pin its
	// read transaction between two entries, which it can do while a write
	// transaction holds applyMu (nothing of that is committed).
	entryMu sync.Mutex
	apply   *applyConn
	// validMu serializes the validation connection.
	validMu sync.Mutex
	valid   *validator
	// reads serves Query, Checksum and Snapshot; txReads gives each ReadTx a
	// connection of its own for as long as it is open, outside the bound of
	// reads, so that idle client transactions never starve Query.
	reads, txReads *sql.DB
	closed         bool

	// ckpt runs the background WAL checkpoints (checkpoint.go), under
	// swap like the other connections.
	ckpt               rawConn
	stopCkpt, ckptDone chan struct{}
	stopCkptOnce       sync.Once

	// txMu guards the registry of open transactions, which Restore and
	// Close end before they replace or close the connections.
	txMu    sync.Mutex
	readTxs map[*ReadTx]struct{}
	writeTx *WriteTx
	// ending is set while Restore or Close ends the transactions: BeginWrite
	// refuses to start one then.
	ending error

	applied atomic.Uint64
	// broken is set when an Apply panicked (fail-stop): the apply
	// connection may be inside a transaction, so Apply refuses to go on.
	broken bool

	// snapshotMethod selects how Snapshot takes its image; see snapshot.go.
	snapshotMethod snapshotMethod
}

// Open opens (creating if needed) the state machine stored in dir.
func Open(dir string, opts Options) (*FSM, error) {
	if err := setupProcess(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("fsm: %w", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("fsm: %w", err)
	}
	if opts.MaxResultBytes <= 0 {
		opts.MaxResultBytes = DefaultMaxResultBytes
	}
	if opts.ReadConns <= 0 {
		opts.ReadConns = 4
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	f := &FSM{dir: abs, path: filepath.Join(abs, DBFile), opts: opts, log: log,
		applyMu: newCtxMutex(), readTxs: map[*ReadTx]struct{}{}}
	// Images of a snapshot or restore that a crash interrupted.
	for _, pattern := range []string{"snapshot-*.tmp*", "restore-*.tmp*"} {
		left, _ := filepath.Glob(filepath.Join(abs, pattern))
		for _, name := range left {
			os.Remove(name)
		}
	}
	if err := f.openConns(); err != nil {
		return nil, err
	}
	f.stopCkpt, f.ckptDone = make(chan struct{}), make(chan struct{})
	go f.checkpointLoop(f.stopCkpt, f.ckptDone)
	return f, nil
}

// openConns opens the apply connection first (it creates the file, the
// WAL and the meta table), then the validation and read connections.
func (f *FSM) openConns() error {
	a, index, err := openApplyConn(f.path)
	if err != nil {
		return fmt.Errorf("fsm: open %s: %w", f.path, err)
	}
	v, err := openValidator(f.path)
	if err != nil {
		a.close()
		return fmt.Errorf("fsm: open %s: %w", f.path, err)
	}
	rc, err := newReadConnector(readDSN(f.path), f.opts.ReadSetup, f.opts.MaxResultBytes)
	if err != nil {
		v.close()
		a.close()
		return fmt.Errorf("fsm: open %s: %w", f.path, err)
	}
	reads, txReads := sql.OpenDB(rc), sql.OpenDB(rc)
	reads.SetMaxOpenConns(f.opts.ReadConns)
	reads.SetMaxIdleConns(f.opts.ReadConns)
	txReads.SetMaxIdleConns(f.opts.ReadConns)
	ck, err := openRaw(checkpointDSN(f.path))
	if err != nil {
		reads.Close()
		txReads.Close()
		v.close()
		a.close()
		return fmt.Errorf("fsm: open %s: %w", f.path, err)
	}
	f.apply, f.valid, f.reads, f.txReads, f.ckpt = a, v, reads, txReads, ck
	f.applied.Store(index)
	f.broken = false
	return nil
}

// closeConns closes every connection; the apply connection last, so that it
// checkpoints the WAL into the file and removes it.
func (f *FSM) closeConns() error {
	var errs []error
	if f.reads != nil {
		errs = append(errs, f.reads.Close(), f.txReads.Close())
	}
	if f.valid != nil {
		errs = append(errs, f.valid.close())
	}
	if f.ckpt != nil {
		errs = append(errs, f.ckpt.Close())
	}
	if f.apply != nil {
		errs = append(errs, f.apply.close())
	}
	f.apply, f.valid, f.reads, f.txReads, f.ckpt = nil, nil, nil, nil, nil
	return errors.Join(errs...)
}

// AppliedIndex is the index of the last applied entry, durable in the
// database with the entry's effects.
func (f *FSM) AppliedIndex() uint64 { return f.applied.Load() }

// Dir is the directory holding the database.
func (f *FSM) Dir() string { return f.dir }

// Close closes the database. Open transactions end: a WriteTx is rolled
// back, a ReadTx fails with ErrClosed. Apply after Close panics; other
// methods return an error.
func (f *FSM) Close() error {
	f.stopCkptOnce.Do(func() {
		close(f.stopCkpt)
		<-f.ckptDone
	})
	f.endWriteTx(ErrClosed)
	f.swap.Lock()
	defer f.swap.Unlock()
	if f.closed {
		return nil
	}
	f.closed = true
	f.endReadTxs(ErrClosed)
	f.applyMu.Lock()
	defer f.applyMu.Unlock()
	return f.closeConns()
}

// ErrClosed is returned by the methods of a closed FSM.
var ErrClosed = errors.New("fsm: closed")
