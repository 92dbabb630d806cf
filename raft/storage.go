package raft

import (
	"errors"
	"fmt"
	"sync"

	pb "sqlraft/raft/raftpb"
)

var (
	// ErrCompacted means the requested index precedes the first entry still
	// held by storage: it has been folded into a snapshot.
	ErrCompacted = errors.New("raft: requested index is unavailable due to compaction")
	// ErrSnapOutOfDate means a snapshot is not newer than the one storage
	// already holds.
	ErrSnapOutOfDate = errors.New("raft: requested index is older than the existing snapshot")
	// ErrUnavailable means the requested entries lie beyond the end of the
	// log.
	ErrUnavailable = errors.New("raft: requested entry at index is unavailable")
	// ErrSnapshotTemporarilyUnavailable lets Storage.Snapshot ask raft to try
	// again later, for example while a snapshot is still being built.
	ErrSnapshotTemporarilyUnavailable = errors.New("raft: snapshot is temporarily unavailable")
)

// Storage is the durable log and state as raft reads it. The application
// implements it and writes to it itself: it persists the HardState, the
// entries and the snapshot of every Ready before calling Advance, after
// which raft expects to read them back from Storage.
//
// The log held by Storage is a snapshot at index FirstIndex()-1 followed by
// the entries [FirstIndex(), LastIndex()]. An empty log has FirstIndex() 1
// and LastIndex() 0.
//
// Raft treats the sentinel errors as described on each method. Any other
// error is a storage failure: the node stops (panics) rather than carry on
// with a log it cannot read, and recovery is the application's job.
type Storage interface {
	// InitialState returns the persisted HardState and the membership
	// configuration as of the last snapshot. It is called once, when the
	// node starts.
	InitialState() (pb.HardState, pb.ConfState, error)

	// Entries returns the consecutive entries [lo, hi). maxSize limits the
	// total Size() of the returned entries, but at least one entry is
	// returned when the range is not empty; math.MaxUint64 means no limit.
	// It returns ErrCompacted if lo <= the snapshot index (lo < FirstIndex)
	// and ErrUnavailable if hi > LastIndex()+1.
	//
	// The caller may append to the returned slice, so it must not share
	// spare capacity with storage's own memory (return a fresh slice or use
	// a full slice expression). Neither side may modify the entries
	// themselves: raft hands them back to the application in Ready.
	Entries(lo, hi, maxSize uint64) ([]pb.Entry, error)

	// Term returns the term of entry i, for i in [FirstIndex()-1,
	// LastIndex()]. The term at FirstIndex()-1 is the snapshot's term: it
	// stays known after compaction because appends after the snapshot are
	// checked against it. Below that range it returns ErrCompacted, above it
	// ErrUnavailable.
	Term(i uint64) (uint64, error)

	// LastIndex returns the index of the last entry, or the snapshot index
	// if the log holds no entries after the snapshot.
	LastIndex() (uint64, error)

	// FirstIndex returns the snapshot index + 1: the first index that may be
	// read with Entries (the log may hold no entries at all yet).
	FirstIndex() (uint64, error)

	// Snapshot returns the most recent snapshot. It may return
	// ErrSnapshotTemporarilyUnavailable, in which case raft asks again
	// later.
	Snapshot() (pb.Snapshot, error)
}

// MemoryStorage is a Storage held in memory, for tests and for applications
// that keep their own durable copy. It is safe for concurrent use.
type MemoryStorage struct {
	// mu guards every field: raft reads from its own goroutine while the
	// application may append or compact from another.
	mu        sync.Mutex
	hardState pb.HardState
	snapshot  pb.Snapshot
	// ents[0] is a dummy entry whose Index and Term are those of the last
	// compaction point (initially the zero entry, before index 1), so the
	// term before FirstIndex stays known; ents[i] has index ents[0].Index+i.
	//
	// Entries handed out by Entries are never modified afterwards: every
	// truncation or compaction copies into a new array instead of writing
	// over one a caller may still read.
	ents []pb.Entry
}

// NewMemoryStorage returns an empty MemoryStorage.
func NewMemoryStorage() *MemoryStorage {
	return &MemoryStorage{ents: make([]pb.Entry, 1)}
}

// InitialState implements Storage.
func (ms *MemoryStorage) InitialState() (pb.HardState, pb.ConfState, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return ms.hardState, ms.snapshot.Metadata.ConfState, nil
}

// SetHardState saves the current HardState.
func (ms *MemoryStorage) SetHardState(st pb.HardState) error {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	ms.hardState = st
	return nil
}

// Entries implements Storage.
func (ms *MemoryStorage) Entries(lo, hi, maxSize uint64) ([]pb.Entry, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if lo > hi {
		panic(fmt.Sprintf("raft: MemoryStorage.Entries: invalid range [%d, %d)", lo, hi))
	}
	offset := ms.ents[0].Index
	if lo <= offset {
		return nil, ErrCompacted
	}
	if hi > ms.lastIndex()+1 {
		return nil, ErrUnavailable
	}
	return LimitSize(ms.ents[lo-offset:hi-offset:hi-offset], maxSize), nil
}

// Term implements Storage.
func (ms *MemoryStorage) Term(i uint64) (uint64, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	offset := ms.ents[0].Index
	if i < offset {
		return 0, ErrCompacted
	}
	if i-offset >= uint64(len(ms.ents)) {
		return 0, ErrUnavailable
	}
	return ms.ents[i-offset].Term, nil
}

// LastIndex implements Storage.
func (ms *MemoryStorage) LastIndex() (uint64, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return ms.lastIndex(), nil
}

func (ms *MemoryStorage) lastIndex() uint64 {
	return ms.ents[0].Index + uint64(len(ms.ents)) - 1
}

// FirstIndex implements Storage.
func (ms *MemoryStorage) FirstIndex() (uint64, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return ms.firstIndex(), nil
}

func (ms *MemoryStorage) firstIndex() uint64 {
	return ms.ents[0].Index + 1
}

// Snapshot implements Storage.
func (ms *MemoryStorage) Snapshot() (pb.Snapshot, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	return ms.snapshot, nil
}

// ApplySnapshot replaces the whole contents of the storage with snap, as a
// follower does when the leader sends a snapshot. It returns
// ErrSnapOutOfDate if snap is not newer than the current snapshot. A
// snapshot at index 0 is accepted on an empty storage so that an
// application can bootstrap with a configuration only.
func (ms *MemoryStorage) ApplySnapshot(snap pb.Snapshot) error {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	cur := ms.snapshot.Metadata.Index
	if cur != 0 && snap.Metadata.Index <= cur {
		return ErrSnapOutOfDate
	}
	ms.snapshot = snap
	ms.ents = []pb.Entry{{Index: snap.Metadata.Index, Term: snap.Metadata.Term}}
	return nil
}

// CreateSnapshot records a snapshot of the state machine as of index i,
// which the application has applied, and returns it. cs must be the
// configuration in effect at i; nil keeps the previous snapshot's. The log
// itself is left alone: call Compact to drop the entries the snapshot
// covers.
//
// It returns ErrSnapOutOfDate if i is not newer than the current snapshot
// and ErrCompacted if the log no longer knows the term of i. An i beyond
// the last index is a programming error and panics.
func (ms *MemoryStorage) CreateSnapshot(i uint64, cs *pb.ConfState, data []byte) (pb.Snapshot, error) {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	if i <= ms.snapshot.Metadata.Index {
		return pb.Snapshot{}, ErrSnapOutOfDate
	}
	if i > ms.lastIndex() {
		panic(fmt.Sprintf("raft: snapshot index %d is beyond last index %d", i, ms.lastIndex()))
	}
	offset := ms.ents[0].Index
	if i < offset {
		return pb.Snapshot{}, ErrCompacted
	}
	ms.snapshot.Metadata.Index = i
	ms.snapshot.Metadata.Term = ms.ents[i-offset].Term
	if cs != nil {
		ms.snapshot.Metadata.ConfState = *cs
	}
	ms.snapshot.Data = data
	return ms.snapshot, nil
}

// Compact discards the entries before compactIndex; compactIndex becomes
// the new dummy entry, so its term stays known. The application must not
// compact beyond what it has applied. It returns ErrCompacted if
// compactIndex is already compacted and panics if it is beyond the last
// index.
func (ms *MemoryStorage) Compact(compactIndex uint64) error {
	ms.mu.Lock()
	defer ms.mu.Unlock()
	offset := ms.ents[0].Index
	if compactIndex <= offset {
		return ErrCompacted
	}
	if compactIndex > ms.lastIndex() {
		panic(fmt.Sprintf("raft: compact index %d is beyond last index %d", compactIndex, ms.lastIndex()))
	}
	i := compactIndex - offset
	// A new array, sized for what is kept, releases the compacted entries
	// (and their Data) once callers drop the slices they were handed.
	ents := make([]pb.Entry, 1, uint64(len(ms.ents))-i)
	ents[0] = pb.Entry{Index: ms.ents[i].Index, Term: ms.ents[i].Term}
	ms.ents = append(ents, ms.ents[i+1:]...)
	return nil
}

// Append adds entries to the log. Entries at or before the compaction point
// are skipped; an entry at an index the log already holds replaces it and
// everything after it (the leader's log wins). It returns an error if the
// entries would leave a gap after the last index.
func (ms *MemoryStorage) Append(entries []pb.Entry) error {
	if len(entries) == 0 {
		return nil
	}
	ms.mu.Lock()
	defer ms.mu.Unlock()

	first := ms.firstIndex()
	last := entries[0].Index + uint64(len(entries)) - 1
	if last < first {
		return nil
	}
	if entries[0].Index < first {
		entries = entries[first-entries[0].Index:]
	}
	offset := entries[0].Index - ms.ents[0].Index
	switch {
	case offset < uint64(len(ms.ents)):
		// The capped prefix makes append copy, so entries previously
		// returned by Entries at or after offset are not overwritten.
		ms.ents = append(ms.ents[:offset:offset], entries...)
	case offset == uint64(len(ms.ents)):
		ms.ents = append(ms.ents, entries...)
	default:
		return fmt.Errorf("raft: MemoryStorage.Append: gap in log: last index %d, appending at %d",
			ms.lastIndex(), entries[0].Index)
	}
	return nil
}
