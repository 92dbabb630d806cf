package logstore

import (
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"sync"
	"time"

	"github.com/hashicorp/raft"
	raftboltdb "github.com/hashicorp/raft-boltdb/v2"
	"go.etcd.io/bbolt"

	sraft "sqlraft/raft"
	pb "sqlraft/raft/raftpb"
)

var (
	// ErrCorrupt means the file does not hold a valid log: a checksum
	// mismatch, a missing entry, a log that does not start right after its
	// compaction point, a commit index beyond the log, or a file that is not
	// a bbolt database. The Store refuses to serve it.
	ErrCorrupt = errors.New("logstore: corrupt log")
	// ErrClosed is returned by every call after Close.
	ErrClosed = errors.New("logstore: closed")
)

func corruptf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// DefaultCacheBytes is the entry body cache size when Options.CacheBytes is
// zero.
const DefaultCacheBytes = 64 << 20

// Options configures Open. The zero value is the production setting.
type Options struct {
	// NoSync skips every fsync. For tests and benchmarks only: a machine
	// crash can then lose or tear acknowledged writes.
	NoSync bool
	// Logger receives the rare events (open summary, repairs, failures).
	// Nil discards them.
	Logger *slog.Logger
	// CacheBytes bounds the bodies of recent entries kept in memory,
	// counted in Entry.Size(); older bodies are read from the file on
	// demand. Zero means DefaultCacheBytes. Terms are always all in memory.
	CacheBytes uint64
}

// Keys of our records in raft-boltdb's conf bucket.
var (
	keyHardState = []byte("logstore/hardstate")
	keyMeta      = []byte("logstore/meta")
)

// Store is a raft.Storage (and raft.BootstrapStorage) on a bbolt file. It
// is safe for concurrent use; writes come from one driver loop.
//
// Invariant: memory mirrors the file after every successful call. The file
// holds the entries (compaction point, last] under their indexes, possibly
// preceded by leftovers at or before the compaction point from an
// interrupted Compact or ApplySnapshot; those are ignored and deleted later.
type Store struct {
	mu   sync.Mutex
	path string
	log  *slog.Logger
	bolt *raftboltdb.BoltStore

	meta logMeta
	// hs is the latest HardState. stored is the record in the conf bucket;
	// tailCommit is the commit index carried by the last entry's record (0
	// if unknown or if there is no entry). What a reopen would load is
	// durable(); it differs from hs only by a commit index that Save was
	// allowed to write lazily.
	hs, stored pb.HardState
	tailCommit uint64
	terms      termIndex
	cache      tailCache
	// stale is set when the file may hold keys at or before the compaction
	// point.
	stale bool

	// failed is the first write (or on-demand read) error; from then on
	// every call returns it. Raft must stop rather than go on with a log
	// that may differ from what it believes it persisted.
	failed error
	closed bool
}

var (
	_ sraft.Storage          = (*Store)(nil)
	_ sraft.BootstrapStorage = (*Store)(nil)
)

// Open opens or creates the log at path, verifies all of it, and loads the
// terms of all entries and the bodies of the most recent ones. A damaged
// log fails with an error wrapping ErrCorrupt that names what is wrong.
func Open(path string, opts Options) (*Store, error) {
	s := &Store{path: path, log: opts.Logger}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.cache.limit = opts.CacheBytes
	if s.cache.limit == 0 {
		s.cache.limit = DefaultCacheBytes
	}
	if err := s.open(opts.NoSync); err != nil {
		if s.bolt != nil {
			_ = s.bolt.Close()
		}
		return nil, fmt.Errorf("logstore: open %s: %w", path, err)
	}
	s.log.Info("logstore opened", "path", path, "first", s.meta.compactIndex+1, "last", s.terms.last,
		"term", s.hs.Term, "commit", s.hs.Commit, "snapshot", s.meta.snap.Metadata.Index,
		"cached", len(s.cache.ents))
	return s, nil
}

// open opens the file and loads it. bbolt trusts its file: on a damaged or
// truncated one it can panic (a failed page assertion) or fault on its
// memory map (SIGBUS) instead of returning an error. While opening, this
// goroutine turns faults into panics, and both into an error wrapping
// ErrCorrupt (any panic while opening is reported so, its stack logged).
// The file is then closed, releasing its lock, but bbolt's memory map
// leaks: the process is expected to stop.
func (s *Store) open(noSync bool) (err error) {
	var file *os.File
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		s.log.Error("logstore: bbolt panicked reading the file", "path", s.path, "panic", r,
			"stack", string(debug.Stack()))
		if file != nil {
			_ = file.Close()
		}
		s.bolt = nil
		err = fmt.Errorf("%w: reading the file failed (damaged or truncated?): %v", ErrCorrupt, r)
	}()
	openFile := func(name string, flag int, perm os.FileMode) (*os.File, error) {
		f, err := os.OpenFile(name, flag, perm)
		file = f
		return f, err
	}
	// bbolt silently initializes an empty file; a log file that lost its
	// contents must not come back as an empty log (a node that forgets its
	// vote can elect two leaders in one term).
	fi, statErr := os.Stat(s.path)
	if statErr == nil && fi.Size() == 0 {
		return corruptf("the file is empty (remove it only if this node never ran)")
	}
	if s.bolt, err = openBolt(s.path, noSync, openFile); err != nil {
		return err
	}
	if errors.Is(statErr, fs.ErrNotExist) && !noSync {
		// bbolt syncs the new file but not its directory entry: without
		// this, a crash could lose the whole file after raft relied on it.
		if err := syncDir(filepath.Dir(s.path)); err != nil {
			return err
		}
	}
	return s.load()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}

func openBolt(path string, noSync bool, openFile func(string, int, os.FileMode) (*os.File, error)) (*raftboltdb.BoltStore, error) {
	bs, err := raftboltdb.New(raftboltdb.Options{
		Path:   path,
		NoSync: noSync,
		BoltOptions: &bbolt.Options{
			// Another process holding the file fails Open instead of
			// hanging it.
			Timeout: time.Second,
			// The tuning Consul and etcd use: no freelist written per
			// commit (it is rebuilt on open by walking every page), a
			// map-based freelist.
			NoFreelistSync: true,
			FreelistType:   bbolt.FreelistMapType,
			OpenFile:       openFile,
		},
	})
	if err != nil {
		if errors.Is(err, bbolt.ErrInvalid) || errors.Is(err, bbolt.ErrChecksum) ||
			errors.Is(err, bbolt.ErrVersionMismatch) || errors.Is(err, bbolt.ErrInvalidMapping) {
			return nil, fmt.Errorf("%w: not a valid bbolt file: %w", ErrCorrupt, err)
		}
		return nil, err
	}
	return bs, nil
}

// load reads and verifies the metadata and every entry.
func (s *Store) load() error {
	if rec, err := s.bolt.Get(keyMeta); err == nil {
		if s.meta, err = decodeMeta(rec); err != nil {
			return err
		}
	} else if !errors.Is(err, raftboltdb.ErrKeyNotFound) {
		return err
	}
	if rec, err := s.bolt.Get(keyHardState); err == nil {
		if s.stored, err = decodeHardState(rec); err != nil {
			return err
		}
	} else if !errors.Is(err, raftboltdb.ErrKeyNotFound) {
		return err
	}
	ci := s.meta.compactIndex
	s.terms.reset(ci, s.meta.compactTerm)

	first, err := s.bolt.FirstIndex()
	if err != nil {
		return err
	}
	last, err := s.bolt.LastIndex()
	if err != nil {
		return err
	}
	if first != 0 && first <= ci {
		s.stale = true
		s.log.Warn("logstore: entries before the compaction point remain from an interrupted compaction; they are ignored",
			"first", first, "compactIndex", ci)
		first = ci + 1
	}
	if last > ci {
		if first != ci+1 {
			return corruptf("log starts at index %d, want %d (right after the compaction point %d): entry %d is missing",
				first, ci+1, ci, ci+1)
		}
		for i := first; i <= last; i++ {
			e, commit, err := s.readEntry(i)
			if err != nil {
				return err
			}
			s.tailCommit = commit
			s.terms.append(e.Term)
			s.cache.append([]pb.Entry{e})
		}
	}
	s.hs = s.durable()
	if s.hs.Commit > s.terms.last {
		return corruptf("hard state commit index %d is beyond the last index %d", s.hs.Commit, s.terms.last)
	}
	return nil
}

// durable is the HardState a reopen would load: the conf record, with the
// commit index raised to the one the last entry carries.
func (s *Store) durable() pb.HardState {
	d := s.stored
	d.Commit = max(d.Commit, s.tailCommit)
	return d
}

// readEntry reads and verifies entry i from the file, and returns the
// commit index its record carries.
func (s *Store) readEntry(i uint64) (pb.Entry, uint64, error) {
	var l raft.Log
	if err := s.bolt.GetLog(i, &l); err != nil {
		if errors.Is(err, raft.ErrLogNotFound) {
			return pb.Entry{}, 0, corruptf("entry %d is missing (gap in the log)", i)
		}
		return pb.Entry{}, 0, corruptf("entry %d: %v", i, err)
	}
	e, commit, err := decodeEntry(i, l.Data)
	if err != nil {
		return pb.Entry{}, 0, err
	}
	if l.Term != e.Term {
		return pb.Entry{}, 0, corruptf("entry %d: record term %d, log term %d", i, e.Term, l.Term)
	}
	return e, commit, nil
}

// check returns the error every call must return once the store is closed
// or has failed.
func (s *Store) check() error {
	if s.failed != nil {
		return fmt.Errorf("logstore %s: unusable after an earlier failure: %w", s.path, s.failed)
	}
	if s.closed {
		return ErrClosed
	}
	return nil
}

// fail records err as the store's permanent failure and returns it.
func (s *Store) fail(op string, err error) error {
	s.failed = fmt.Errorf("%s: %w", op, err)
	s.log.Error("logstore failed; every later call will return this error", "path", s.path, "err", s.failed)
	return fmt.Errorf("logstore %s: %w", s.path, s.failed)
}

// InitialState implements raft.Storage.
func (s *Store) InitialState() (pb.HardState, pb.ConfState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(); err != nil {
		return pb.HardState{}, pb.ConfState{}, err
	}
	return s.hs, s.meta.snap.Metadata.ConfState, nil
}

// FirstIndex implements raft.Storage: the compaction point + 1.
func (s *Store) FirstIndex() (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(); err != nil {
		return 0, err
	}
	return s.terms.compactIndex() + 1, nil
}

// LastIndex implements raft.Storage.
func (s *Store) LastIndex() (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(); err != nil {
		return 0, err
	}
	return s.terms.last, nil
}

// Term implements raft.Storage. It never reads the file.
func (s *Store) Term(i uint64) (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(); err != nil {
		return 0, err
	}
	if i < s.terms.compactIndex() {
		return 0, sraft.ErrCompacted
	}
	if i > s.terms.last {
		return 0, sraft.ErrUnavailable
	}
	return s.terms.term(i), nil
}

// Snapshot implements raft.Storage: the latest snapshot's metadata and its
// Data as stored. The caller must not modify it.
func (s *Store) Snapshot() (pb.Snapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(); err != nil {
		return pb.Snapshot{}, err
	}
	return s.meta.snap, nil
}

// Entries implements raft.Storage. Entries in the cache are returned
// without copying (capped, so the caller may append); older ones are read
// from the file and verified. The caller must not modify the entries.
func (s *Store) Entries(lo, hi, maxSize uint64) ([]pb.Entry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(); err != nil {
		return nil, err
	}
	if lo > hi {
		panic(fmt.Sprintf("logstore: Entries: invalid range [%d, %d)", lo, hi))
	}
	if lo <= s.terms.compactIndex() {
		return nil, sraft.ErrCompacted
	}
	if hi > s.terms.last+1 {
		return nil, sraft.ErrUnavailable
	}
	if lo == hi {
		return nil, nil
	}
	cf := s.cache.first(s.terms.last)
	if lo >= cf {
		return sraft.LimitSize(s.cache.view(lo, hi), maxSize), nil
	}
	// A cold read: raft asks for entries older than the cache, typically
	// to catch up a lagging follower or to apply after a restart.
	var out []pb.Entry
	var size uint64
	for i := lo; i < min(hi, cf); i++ {
		e, _, err := s.readEntry(i)
		if err != nil {
			return nil, s.fail(fmt.Sprintf("read entry %d", i), err)
		}
		if size += uint64(e.Size()); len(out) > 0 && size > maxSize {
			return out, nil
		}
		out = append(out, e)
	}
	if hi > cf {
		for _, e := range s.cache.view(cf, hi) {
			if size += uint64(e.Size()); size > maxSize {
				break
			}
			out = append(out, e)
		}
	}
	return out, nil
}

// CloseWithoutFlush closes the file without writing the commit index held
// in memory, losing exactly what a crash of the process would lose. Tests
// use it to crash a node inside one process.
func (s *Store) CloseWithoutFlush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.closed = true
	return s.bolt.Close()
}

// Close writes a HardState whose commit index was deferred, and closes the
// file. After a failure it only releases the file and returns the failure.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return ErrClosed
	}
	s.closed = true
	if s.failed != nil {
		_ = s.bolt.Close()
		return fmt.Errorf("logstore %s: closed after an earlier failure: %w", s.path, s.failed)
	}
	var err error
	if s.hs != s.durable() {
		err = s.writeHardState()
	}
	if cerr := s.bolt.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("logstore %s: close: %w", s.path, cerr)
	}
	return err
}
