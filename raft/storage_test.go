package raft

import (
	"errors"
	"fmt"
	"reflect"
	"testing"

	pb "sqlraft/raft/raftpb"
)

// mkStorage returns a MemoryStorage holding a snapshot at (snapIndex,
// snapTerm) followed by ents.
func mkStorage(t *testing.T, snapIndex, snapTerm uint64, ents ...pb.Entry) *MemoryStorage {
	t.Helper()
	ms := NewMemoryStorage()
	if snapIndex != 0 {
		snap := pb.Snapshot{Metadata: pb.SnapshotMetadata{Index: snapIndex, Term: snapTerm}}
		if err := ms.ApplySnapshot(snap); err != nil {
			t.Fatal(err)
		}
	}
	if err := ms.Append(ents); err != nil {
		t.Fatal(err)
	}
	return ms
}

// storedEnts returns every entry ms holds after its compaction point.
func storedEnts(t *testing.T, ms *MemoryStorage) []pb.Entry {
	t.Helper()
	fi, _ := ms.FirstIndex()
	li, _ := ms.LastIndex()
	ents, err := ms.Entries(fi, li+1, noSizeLimit)
	if err != nil {
		t.Fatal(err)
	}
	return ents
}

func TestMemoryStorageEmpty(t *testing.T) {
	ms := NewMemoryStorage()
	fi, _ := ms.FirstIndex()
	li, _ := ms.LastIndex()
	if fi != 1 || li != 0 {
		t.Errorf("empty storage: first=%d last=%d, want 1 and 0", fi, li)
	}
	if term, err := ms.Term(0); err != nil || term != 0 {
		t.Errorf("Term(0) = %d, %v; want 0, nil (the dummy entry)", term, err)
	}
	if ents, err := ms.Entries(1, 1, noSizeLimit); err != nil || len(ents) != 0 {
		t.Errorf("Entries(1, 1) = %v, %v; want empty", ents, err)
	}
	if _, err := ms.Entries(1, 2, noSizeLimit); !errors.Is(err, ErrUnavailable) {
		t.Errorf("Entries(1, 2) error = %v, want ErrUnavailable", err)
	}
}

func TestMemoryStorageTerm(t *testing.T) {
	ms := mkStorage(t, 3, 3, mkEnts(4, 4, 5)...)
	tests := []struct {
		i       uint64
		want    uint64
		wantErr error
	}{
		{2, 0, ErrCompacted},
		{3, 3, nil}, // the snapshot's term is still known
		{4, 4, nil},
		{5, 5, nil},
		{6, 0, ErrUnavailable},
	}
	for _, tt := range tests {
		got, err := ms.Term(tt.i)
		if !errors.Is(err, tt.wantErr) || got != tt.want {
			t.Errorf("Term(%d) = %d, %v; want %d, %v", tt.i, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestMemoryStorageEntries(t *testing.T) {
	all := mkSizedEnts(4, 4, 3, 100) // indexes 4, 5, 6
	ms := mkStorage(t, 3, 3, all...)
	tests := []struct {
		name        string
		lo, hi, max uint64
		want        []pb.Entry
		wantErr     error
	}{
		{"before the snapshot", 2, 6, noSizeLimit, nil, ErrCompacted},
		{"at the snapshot index", 3, 5, noSizeLimit, nil, ErrCompacted},
		{"one entry", 4, 5, noSizeLimit, all[:1], nil},
		{"middle", 5, 6, noSizeLimit, all[1:2], nil},
		{"everything", 4, 7, noSizeLimit, all, nil},
		{"empty range", 5, 5, noSizeLimit, []pb.Entry{}, nil},
		{"beyond the last index", 4, 8, noSizeLimit, nil, ErrUnavailable},
		{"size 0 still returns one entry", 4, 7, 0, all[:1], nil},
		{"size of two entries", 4, 7, 200, all[:2], nil},
		{"size between two and three entries", 4, 7, 299, all[:2], nil},
		{"size of all entries", 4, 7, 300, all, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ms.Entries(tt.lo, tt.hi, tt.max)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if tt.wantErr == nil && !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// A caller may append to what Entries returns, and storage may later
// truncate or compact; neither side may see the other's writes.
func TestMemoryStorageEntriesAreIsolated(t *testing.T) {
	ms := mkStorage(t, 0, 0, mkEnts(1, 1, 1, 1)...)

	got, _ := ms.Entries(1, 3, noSizeLimit)
	_ = append(got, pb.Entry{Index: 3, Term: 9})
	if term, _ := ms.Term(3); term != 1 {
		t.Fatalf("caller's append overwrote stored entry 3: term %d", term)
	}

	if err := ms.Append(mkEnts(2, 2)); err != nil { // truncates 2 and 3
		t.Fatal(err)
	}
	if got[1].Term != 1 {
		t.Fatalf("truncating storage rewrote an entry already handed out: %+v", got[1])
	}
	if err := ms.Compact(2); err != nil {
		t.Fatal(err)
	}
	if got[0].Term != 1 || got[0].Index != 1 {
		t.Fatalf("compacting storage rewrote an entry already handed out: %+v", got[0])
	}
}

func TestMemoryStorageAppend(t *testing.T) {
	tests := []struct {
		name    string
		ents    []pb.Entry
		want    []pb.Entry // entries after the snapshot at 3
		wantErr bool
	}{
		{"all compacted: ignored", mkEnts(1, 1, 2), mkEnts(4, 4, 5), false},
		{"identical: no change", mkEnts(3, 3, 4, 5), mkEnts(4, 4, 5), false},
		{"conflict replaces the suffix", mkEnts(3, 3, 6, 6), mkEnts(4, 6, 6), false},
		{"extends", mkEnts(3, 3, 4, 5, 5), mkEnts(4, 4, 5, 5), false},
		{"starts before compaction point, then truncates", mkEnts(2, 3, 3, 5), mkEnts(4, 5), false},
		{"truncates a shorter suffix", mkEnts(4, 5), mkEnts(4, 5), false},
		{"appends right after the last entry", mkEnts(6, 5), mkEnts(4, 4, 5, 5), false},
		{"a gap is an error", mkEnts(7, 5), mkEnts(4, 4, 5), true},
		{"nothing to append", nil, mkEnts(4, 4, 5), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := mkStorage(t, 3, 3, mkEnts(4, 4, 5)...)
			err := ms.Append(tt.ents)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, wantErr %v", err, tt.wantErr)
			}
			if got := storedEnts(t, ms); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("stored %v, want %v", got, tt.want)
			}
			if term, _ := ms.Term(3); term != 3 {
				t.Fatalf("the snapshot term changed to %d", term)
			}
		})
	}
}

func TestMemoryStorageCompact(t *testing.T) {
	tests := []struct {
		name      string
		i         uint64
		wantErr   error
		wantFirst uint64
		wantLen   int // stored entries after the compaction point
	}{
		{"before the snapshot", 2, ErrCompacted, 4, 3},
		{"at the snapshot", 3, ErrCompacted, 4, 3},
		{"one entry", 4, nil, 5, 2},
		{"up to the last entry", 6, nil, 7, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := mkStorage(t, 3, 3, mkEnts(4, 4, 5, 6)...)
			if err := ms.Compact(tt.i); !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if fi, _ := ms.FirstIndex(); fi != tt.wantFirst {
				t.Errorf("first index = %d, want %d", fi, tt.wantFirst)
			}
			if li, _ := ms.LastIndex(); li != 6 {
				t.Errorf("last index = %d, want 6 (compaction keeps the end)", li)
			}
			if got := storedEnts(t, ms); len(got) != tt.wantLen {
				t.Errorf("%d entries left, want %d", len(got), tt.wantLen)
			}
			// The term of the new compaction point stays known.
			if term, err := ms.Term(tt.wantFirst - 1); err != nil || term != tt.wantFirst-1 {
				t.Errorf("Term(%d) = %d, %v; want %d", tt.wantFirst-1, term, err, tt.wantFirst-1)
			}
			// The compacted entries are released: nothing past the dummy
			// and the kept entries stays reachable through ms.ents.
			if cap(ms.ents) != len(ms.ents) {
				t.Errorf("ents cap %d > len %d after compaction", cap(ms.ents), len(ms.ents))
			}
		})
	}
	expectPanic(t, "compacting beyond the last index", func() {
		_ = mkStorage(t, 3, 3, mkEnts(4, 4)...).Compact(5)
	})
}

func TestMemoryStorageCreateSnapshot(t *testing.T) {
	cs := &pb.ConfState{Voters: []uint64{1, 2, 3}}
	data := []byte("state")
	tests := []struct {
		name    string
		i       uint64
		wantErr error
		want    pb.SnapshotMetadata
	}{
		{"at an entry", 4, nil, pb.SnapshotMetadata{Index: 4, Term: 4, ConfState: *cs}},
		{"at the last entry", 5, nil, pb.SnapshotMetadata{Index: 5, Term: 5, ConfState: *cs}},
		{"not newer than the current snapshot", 3, ErrSnapOutOfDate, pb.SnapshotMetadata{Index: 3, Term: 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ms := mkStorage(t, 3, 3, mkEnts(4, 4, 5)...)
			snap, err := ms.CreateSnapshot(tt.i, cs, data)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if err == nil && (!reflect.DeepEqual(snap.Metadata, tt.want) || string(snap.Data) != "state") {
				t.Fatalf("snapshot = %+v, want metadata %+v", snap, tt.want)
			}
			stored, _ := ms.Snapshot()
			if !reflect.DeepEqual(stored.Metadata, tt.want) {
				t.Fatalf("Snapshot() metadata = %+v, want %+v", stored.Metadata, tt.want)
			}
		})
	}

	t.Run("nil ConfState keeps the previous one", func(t *testing.T) {
		ms := mkStorage(t, 3, 3, mkEnts(4, 4, 5)...)
		if _, err := ms.CreateSnapshot(4, cs, nil); err != nil {
			t.Fatal(err)
		}
		snap, err := ms.CreateSnapshot(5, nil, nil)
		if err != nil || !reflect.DeepEqual(snap.Metadata.ConfState, *cs) {
			t.Fatalf("ConfState = %+v, %v; want %+v", snap.Metadata.ConfState, err, *cs)
		}
	})
	t.Run("index already compacted away", func(t *testing.T) {
		ms := mkStorage(t, 3, 3, mkEnts(4, 4, 5)...)
		if err := ms.Compact(5); err != nil {
			t.Fatal(err)
		}
		if _, err := ms.CreateSnapshot(4, nil, nil); !errors.Is(err, ErrCompacted) {
			t.Fatalf("error = %v, want ErrCompacted", err)
		}
	})
	expectPanic(t, "snapshot beyond the last index", func() {
		_, _ = mkStorage(t, 3, 3, mkEnts(4, 4, 5)...).CreateSnapshot(6, nil, nil)
	})
}

func TestMemoryStorageApplySnapshot(t *testing.T) {
	cs := pb.ConfState{Voters: []uint64{1, 2, 3}}
	ms := mkStorage(t, 0, 0, mkEnts(1, 1, 1, 2)...)

	snap := pb.Snapshot{Data: []byte("s"), Metadata: pb.SnapshotMetadata{Index: 4, Term: 4, ConfState: cs}}
	if err := ms.ApplySnapshot(snap); err != nil {
		t.Fatal(err)
	}
	fi, _ := ms.FirstIndex()
	li, _ := ms.LastIndex()
	if fi != 5 || li != 4 {
		t.Errorf("after snapshot at 4: first=%d last=%d, want 5 and 4 (the old log is gone)", fi, li)
	}
	if term, err := ms.Term(4); err != nil || term != 4 {
		t.Errorf("Term(4) = %d, %v; want the snapshot term 4", term, err)
	}
	if _, err := ms.Term(3); !errors.Is(err, ErrCompacted) {
		t.Errorf("Term(3) error = %v, want ErrCompacted", err)
	}
	if _, gotCS, _ := ms.InitialState(); !reflect.DeepEqual(gotCS, cs) {
		t.Errorf("InitialState ConfState = %+v, want the snapshot's %+v", gotCS, cs)
	}

	old := pb.Snapshot{Metadata: pb.SnapshotMetadata{Index: 3, Term: 3}}
	if err := ms.ApplySnapshot(old); !errors.Is(err, ErrSnapOutOfDate) {
		t.Errorf("older snapshot: error = %v, want ErrSnapOutOfDate", err)
	}
	if err := ms.ApplySnapshot(snap); !errors.Is(err, ErrSnapOutOfDate) {
		t.Errorf("same snapshot again: error = %v, want ErrSnapOutOfDate", err)
	}
	if got, _ := ms.Snapshot(); got.Metadata.Index != 4 {
		t.Errorf("a refused snapshot replaced the current one: %+v", got.Metadata)
	}
}

func TestMemoryStorageHardState(t *testing.T) {
	ms := NewMemoryStorage()
	if hs, _, err := ms.InitialState(); err != nil || !hs.IsEmpty() {
		t.Fatalf("new storage: HardState %+v, %v; want empty", hs, err)
	}
	want := pb.HardState{Term: 2, Vote: 1, Commit: 5}
	if err := ms.SetHardState(want); err != nil {
		t.Fatal(err)
	}
	if hs, _, _ := ms.InitialState(); hs != want {
		t.Fatalf("HardState = %+v, want %+v", hs, want)
	}
}

// errDisk stands for a storage failure that is not one of the sentinels.
var errDisk = errors.New("disk on fire")

// brokenStorage fails the reads selected by its flags with errDisk.
type brokenStorage struct {
	*MemoryStorage
	failFirst, failLast, failTerm, failEntries bool
}

func (s brokenStorage) FirstIndex() (uint64, error) {
	if s.failFirst {
		return 0, errDisk
	}
	return s.MemoryStorage.FirstIndex()
}

func (s brokenStorage) LastIndex() (uint64, error) {
	if s.failLast {
		return 0, errDisk
	}
	return s.MemoryStorage.LastIndex()
}

func (s brokenStorage) Term(i uint64) (uint64, error) {
	if s.failTerm {
		return 0, errDisk
	}
	return s.MemoryStorage.Term(i)
}

func (s brokenStorage) Entries(lo, hi, maxSize uint64) ([]pb.Entry, error) {
	if s.failEntries {
		return nil, errDisk
	}
	return s.MemoryStorage.Entries(lo, hi, maxSize)
}

func TestZeroTermOnOutOfBounds(t *testing.T) {
	l := mkLog(t, NewMemoryStorage())
	if got := l.zeroTermOnOutOfBounds(5, nil); got != 5 {
		t.Errorf("no error: %d, want 5", got)
	}
	if got := l.zeroTermOnOutOfBounds(5, ErrCompacted); got != 0 {
		t.Errorf("ErrCompacted: %d, want 0", got)
	}
	if got := l.zeroTermOnOutOfBounds(5, fmt.Errorf("wrapped: %w", ErrUnavailable)); got != 0 {
		t.Errorf("wrapped ErrUnavailable: %d, want 0", got)
	}
	expectPanic(t, "storage failure", func() { l.zeroTermOnOutOfBounds(0, errDisk) })
}

// Storage failures other than the sentinel errors stop the node.
func TestStorageFailurePanics(t *testing.T) {
	ms := mkStorage(t, 0, 0, mkEnts(1, 1, 1)...)
	l := mkLog(t, brokenStorage{MemoryStorage: ms, failTerm: true, failEntries: true})
	expectPanic(t, "Term failure", func() { _, _ = l.term(1) })
	expectPanic(t, "Entries failure", func() { _, _ = l.slice(1, 2, noSizeLimit) })
	l = mkLog(t, brokenStorage{MemoryStorage: ms})
	l.storage = brokenStorage{MemoryStorage: ms, failLast: true}
	expectPanic(t, "LastIndex failure", func() { l.lastIndex() })
}
