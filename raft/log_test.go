package raft

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	pb "sqlraft/raft/raftpb"
)

func TestNewLog(t *testing.T) {
	l := mkLog(t, NewMemoryStorage())
	if l.committed != 0 || l.applying != 0 || l.applied != 0 || l.unstable.offset != 1 ||
		l.firstIndex() != 1 || l.lastIndex() != 0 || l.lastTerm() != 0 {
		t.Errorf("empty storage: %s first=%d last=%d", l, l.firstIndex(), l.lastIndex())
	}

	// A restarted node: everything up to the snapshot is committed and
	// applied; the entries after it wait for the commit index.
	l = mkLog(t, mkStorage(t, 10, 2, mkEnts(11, 2, 3)...))
	if l.committed != 10 || l.applying != 10 || l.applied != 10 || l.unstable.offset != 13 ||
		l.firstIndex() != 11 || l.lastIndex() != 12 || l.lastTerm() != 3 {
		t.Errorf("snapshot at 10: %s first=%d last=%d", l, l.firstIndex(), l.lastIndex())
	}

	if _, err := newLog(nil, noSizeLimit); err == nil {
		t.Error("nil storage: want an error")
	}
	for _, s := range []brokenStorage{
		{MemoryStorage: NewMemoryStorage(), failFirst: true},
		{MemoryStorage: NewMemoryStorage(), failLast: true},
	} {
		if _, err := newLog(s, noSizeLimit); !errors.Is(err, errDisk) {
			t.Errorf("failing storage: error = %v, want one wrapping errDisk", err)
		}
	}
}

func TestFindConflict(t *testing.T) {
	tests := []struct {
		name string
		ents []pb.Entry
		want uint64
	}{
		{"no entries", nil, 0},
		{"all present", mkEnts(1, 1, 2, 3), 0},
		{"present suffix", mkEnts(2, 2, 3), 0},
		{"last present", mkEnts(3, 3), 0},
		{"new entries after all present", mkEnts(1, 1, 2, 3, 4, 4), 4},
		{"new entries after a present suffix", mkEnts(3, 3, 4, 4), 4},
		{"only new entries", mkEnts(4, 4, 4), 4},
		{"conflict at the first entry", mkEnts(1, 4, 4), 1},
		{"conflict in the middle", mkEnts(2, 1, 4, 4), 2},
		{"conflict at the last entry, then new", mkEnts(3, 1, 2, 4, 4), 3},
	}
	for _, tt := range tests {
		l := mkLog(t, NewMemoryStorage())
		l.append(mkEnts(1, 1, 2, 3)...)
		if got := l.findConflict(tt.ents); got != tt.want {
			t.Errorf("%s: findConflict = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestFindConflictByTerm(t *testing.T) {
	// Snapshot at 10@3, stored 11@3 12@4 13@4, unstable 14@6 15@6.
	l := mkLog(t, mkStorage(t, 10, 3, mkEnts(11, 3, 4, 4)...))
	l.append(mkEnts(14, 6, 6)...)
	tests := []struct {
		name                string
		index, term         uint64
		wantIndex, wantTerm uint64
	}{
		{"last entry matches", 15, 6, 15, 6},
		{"higher term: the last entry could match", 15, 7, 15, 6},
		{"skips a whole term of larger terms", 15, 5, 13, 4},
		{"exact match in storage", 13, 4, 13, 4},
		{"walks back to the snapshot term", 13, 3, 11, 3},
		{"the snapshot index is known", 10, 3, 10, 3},
		{"below the snapshot the term is unknown", 12, 2, 9, 0},
		{"beyond the last index is unknown", 20, 6, 20, 0},
		{"just beyond the last index", 16, 1, 16, 0},
	}
	for _, tt := range tests {
		i, term := l.findConflictByTerm(tt.index, tt.term)
		if i != tt.wantIndex || term != tt.wantTerm {
			t.Errorf("%s: findConflictByTerm(%d, %d) = (%d, %d), want (%d, %d)",
				tt.name, tt.index, tt.term, i, term, tt.wantIndex, tt.wantTerm)
		}
	}
	if i, term := mkLog(t, NewMemoryStorage()).findConflictByTerm(0, 0); i != 0 || term != 0 {
		t.Errorf("empty log: (%d, %d), want (0, 0)", i, term)
	}
}

func TestIsUpToDate(t *testing.T) {
	l := mkLog(t, NewMemoryStorage())
	l.append(mkEnts(1, 1, 2, 3)...) // last entry 3@3
	tests := []struct {
		lasti, term uint64
		want        bool
	}{
		{2, 4, true}, // a later last term wins even with a shorter log
		{3, 4, true},
		{4, 4, true},
		{2, 2, false}, // an earlier last term loses even with a longer log
		{3, 2, false},
		{4, 2, false},
		{2, 3, false}, // same last term: the longer log wins
		{3, 3, true},  // identical logs are up to date
		{4, 3, true},
	}
	for _, tt := range tests {
		if got := l.isUpToDate(tt.lasti, tt.term); got != tt.want {
			t.Errorf("isUpToDate(%d, %d) = %v, want %v", tt.lasti, tt.term, got, tt.want)
		}
	}
}

func TestAppend(t *testing.T) {
	tests := []struct {
		name       string
		ents       []pb.Entry
		wantLast   uint64
		want       []pb.Entry
		wantOffset uint64
	}{
		{"nothing", nil, 2, mkEnts(1, 1, 2), 3},
		{"after the last entry", mkEnts(3, 2), 3, mkEnts(1, 1, 2, 2), 3},
		{"replaces the whole stored log", mkEnts(1, 2), 1, mkEnts(1, 2), 1},
		{"replaces a stored suffix", mkEnts(2, 3, 3), 3, mkEnts(1, 1, 3, 3), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := mkLog(t, mkStorage(t, 0, 0, mkEnts(1, 1, 2)...))
			if got := l.append(tt.ents...); got != tt.wantLast {
				t.Errorf("last index = %d, want %d", got, tt.wantLast)
			}
			if got := l.allEntries(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("entries = %v, want %v", got, tt.want)
			}
			if l.unstable.offset != tt.wantOffset {
				t.Errorf("unstable offset = %d, want %d", l.unstable.offset, tt.wantOffset)
			}
		})
	}
	expectPanic(t, "truncating a committed entry", func() {
		l := mkLog(t, mkStorage(t, 0, 0, mkEnts(1, 1, 2)...))
		_ = l.commitTo(2)
		l.append(mkEnts(2, 3)...)
	})
}

func TestMaybeAppend(t *testing.T) {
	// Each case starts from 1@1 2@2 (stored) 3@3 (unstable), committed 1.
	base := mkEnts(1, 1, 2, 3)
	tests := []struct {
		name                       string
		prevIndex, prevTerm, lcomm uint64
		ents                       []pb.Entry
		wantLastNew                uint64
		wantOK                     bool
		wantErr                    error // errors.Is target; errAnyMalformed for any error
		wantCommit                 uint64
		wantOffset                 uint64 // unstable.offset: where rewriting starts
		want                       []pb.Entry
	}{
		{"prev term mismatch: reject", 3, 2, 3, mkEnts(4, 4), 0, false, nil, 1, 3, base},
		{"prev beyond the last index: reject", 4, 4, 3, mkEnts(5, 4), 0, false, nil, 1, 3, base},
		{"no entries: commit up to the leader's commit", 3, 3, 3, nil, 3, true, nil, 3, 3, base},
		{"no entries: commit no further than prev", 3, 3, 4, nil, 3, true, nil, 3, 3, base},
		{"no entries: leader commit below ours", 3, 3, 2, nil, 3, true, nil, 2, 3, base},
		{"commit never decreases", 3, 3, 0, nil, 3, true, nil, 1, 3, base},
		{"new entries", 3, 3, 3, mkEnts(4, 4), 4, true, nil, 3, 3, mkEnts(1, 1, 2, 3, 4)},
		{"new entries, committed too", 3, 3, 5, mkEnts(4, 4, 4), 5, true, nil, 5, 3, mkEnts(1, 1, 2, 3, 4, 4)},
		{"conflict replaces the unstable suffix", 2, 2, 3, mkEnts(3, 4), 3, true, nil, 3, 3, mkEnts(1, 1, 2, 4)},
		{"conflict replaces a stored suffix", 1, 1, 3, mkEnts(2, 4, 4), 3, true, nil, 3, 2, mkEnts(1, 1, 4, 4)},
		// A delayed MsgApp carrying only a prefix of what we hold must not
		// cut off the newer entries; the leader vouches only for index 2.
		{"stale shorter append keeps newer entries", 1, 1, 3, mkEnts(2, 2), 2, true, nil, 2, 3, base},
		// Only the conflicting suffix is written: a matching (even
		// committed) prefix is neither truncated nor rewritten to storage.
		{"matching committed prefix is skipped", 0, 0, 3, mkEnts(1, 1, 2, 4), 3, true, nil, 3, 3, mkEnts(1, 1, 2, 4)},
		{"matching stored prefix is skipped", 1, 1, 3, mkEnts(2, 2, 4), 3, true, nil, 3, 3, mkEnts(1, 1, 2, 4)},
		{"conflict with a committed entry", 0, 0, 3, mkEnts(1, 4), 0, false, ErrLogInconsistent, 1, 3, base},
		{"indexes not following prev", 3, 3, 3, mkEnts(5, 4), 0, false, errAnyMalformed, 1, 3, base},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := mkLog(t, mkStorage(t, 0, 0, mkEnts(1, 1, 2)...))
			l.append(mkEnts(3, 3)...)
			if err := l.commitTo(1); err != nil {
				t.Fatal(err)
			}
			lastNew, ok, err := l.maybeAppend(tt.prevIndex, tt.prevTerm, tt.lcomm, tt.ents...)
			switch {
			case tt.wantErr == errAnyMalformed:
				if err == nil || errors.Is(err, ErrLogInconsistent) {
					t.Fatalf("error = %v, want a malformed-append error", err)
				}
			case !errors.Is(err, tt.wantErr):
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if lastNew != tt.wantLastNew || ok != tt.wantOK {
				t.Errorf("maybeAppend = (%d, %v), want (%d, %v)", lastNew, ok, tt.wantLastNew, tt.wantOK)
			}
			if l.committed != tt.wantCommit {
				t.Errorf("committed = %d, want %d", l.committed, tt.wantCommit)
			}
			if got := l.allEntries(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("entries = %v, want %v", got, tt.want)
			}
			if l.unstable.offset != tt.wantOffset {
				t.Errorf("unstable offset = %d, want %d", l.unstable.offset, tt.wantOffset)
			}
		})
	}
}

// errAnyMalformed marks a TestMaybeAppend case expecting a validation error.
var errAnyMalformed = errors.New("any malformed-append error")

func TestCommitTo(t *testing.T) {
	l := mkLog(t, NewMemoryStorage())
	l.append(mkEnts(1, 1, 2, 3)...)
	if err := l.commitTo(2); err != nil || l.committed != 2 {
		t.Fatalf("commitTo(2): %v, committed %d", err, l.committed)
	}
	if err := l.commitTo(1); err != nil || l.committed != 2 {
		t.Fatalf("commitTo(1) must not lower the commit index: %v, committed %d", err, l.committed)
	}
	if err := l.commitTo(3); err != nil || l.committed != 3 {
		t.Fatalf("commitTo(3): %v, committed %d", err, l.committed)
	}
	err := l.commitTo(4)
	if !errors.Is(err, ErrLogInconsistent) ||
		!strings.Contains(err.Error(), "commit index 4 beyond last index 3: was the log corrupted, truncated or lost?") {
		t.Fatalf("commitTo(4) beyond the log: error = %v", err)
	}
	if l.committed != 3 {
		t.Fatalf("a failed commitTo changed committed to %d", l.committed)
	}
}

// A leader commits only entries of its own term by counting replicas (Raft
// §5.4.2, Figure 8); earlier entries are committed along with them.
func TestMaybeCommit(t *testing.T) {
	tests := []struct {
		name           string
		maxIndex, term uint64
		want           bool
		wantCommit     uint64
	}{
		{"entry of an earlier term on a quorum: not committed", 3, 3, false, 1},
		{"entry of the current term commits earlier ones", 4, 3, true, 4},
		{"leader of the entry's term", 3, 2, true, 3},
		{"term mismatch", 4, 2, false, 1},
		{"beyond the last index", 5, 3, false, 1},
		{"not above the commit index", 1, 1, false, 1},
		{"term 0 never matches", 4, 0, false, 1},
	}
	for _, tt := range tests {
		l := mkLog(t, NewMemoryStorage())
		l.append(mkEnts(1, 1, 1, 2, 3)...)
		_ = l.commitTo(1)
		if got := l.maybeCommit(tt.maxIndex, tt.term); got != tt.want || l.committed != tt.wantCommit {
			t.Errorf("%s: maybeCommit(%d, %d) = %v, committed %d; want %v, %d",
				tt.name, tt.maxIndex, tt.term, got, l.committed, tt.want, tt.wantCommit)
		}
	}
}

func TestTermAcrossSnapshotBoundary(t *testing.T) {
	// Snapshot at 10@3, stored 11@3 12@4, unstable 13@5.
	ms := mkStorage(t, 10, 3, mkEnts(11, 3, 4)...)
	l := mkLog(t, ms)
	l.append(mkEnts(13, 5)...)
	check := func(stage string, want map[uint64]any) {
		t.Helper()
		for i, w := range want {
			got, err := l.term(i)
			if werr, isErr := w.(error); isErr {
				if !errors.Is(err, werr) {
					t.Errorf("%s: term(%d) = %d, %v; want %v", stage, i, got, err, werr)
				}
			} else if err != nil || got != w.(uint64) {
				t.Errorf("%s: term(%d) = %d, %v; want %d", stage, i, got, err, w)
			}
		}
	}
	check("stored and unstable", map[uint64]any{
		9: ErrCompacted, 10: uint64(3), 11: uint64(3), 12: uint64(4), 13: uint64(5), 14: ErrUnavailable,
	})

	// A snapshot from the leader supersedes the whole log, pending or not.
	snap := *mkSnap(15, 6)
	l.restore(snap)
	after := map[uint64]any{12: ErrCompacted, 14: ErrCompacted, 15: uint64(6), 16: ErrUnavailable}
	check("pending snapshot", after)
	if l.firstIndex() != 16 || l.lastIndex() != 15 || l.lastTerm() != 6 {
		t.Errorf("pending snapshot: first=%d last=%d lastTerm=%d, want 16, 15, 6", l.firstIndex(), l.lastIndex(), l.lastTerm())
	}

	if err := ms.ApplySnapshot(snap); err != nil {
		t.Fatal(err)
	}
	l.stableSnapTo(15)
	check("persisted snapshot", after)
}

func TestRestore(t *testing.T) {
	ms := mkStorage(t, 0, 0, mkEnts(1, 1, 1, 1)...)
	l := mkLog(t, ms)
	l.append(mkEnts(4, 2)...)
	_ = l.commitTo(2)

	snap := pb.Snapshot{Data: []byte("s"), Metadata: pb.SnapshotMetadata{Index: 10, Term: 5,
		ConfState: pb.ConfState{Voters: []uint64{1, 2}}}}
	l.restore(snap)
	if l.committed != 10 || l.firstIndex() != 11 || l.lastIndex() != 10 || l.lastTerm() != 5 {
		t.Fatalf("after restore: %s first=%d last=%d", l, l.firstIndex(), l.lastIndex())
	}
	if l.hasNextUnstableEnts() || len(l.unstableEntries()) != 0 {
		t.Fatalf("unstable entries survived the snapshot: %v", l.unstableEntries())
	}
	if !l.hasNextUnstableSnapshot() || !reflect.DeepEqual(l.nextUnstableSnapshot(), &snap) {
		t.Fatalf("pending snapshot = %+v, want %+v", l.nextUnstableSnapshot(), snap)
	}
	if got, err := l.snapshot(); err != nil || !reflect.DeepEqual(got, snap) {
		t.Fatalf("snapshot() = %+v, %v; want the pending one", got, err)
	}
	l.nextUnstableSnapshot().Metadata.Index = 99 // the caller gets its own copy
	if l.unstable.snapshot.Metadata.Index != 10 {
		t.Fatal("modifying the returned snapshot changed the pending one")
	}

	// Entries after the snapshot are not handed out for applying until the
	// snapshot itself is persisted and applied.
	l.append(mkEnts(11, 5)...)
	_ = l.commitTo(11)
	if l.hasNextCommittedEnts() || l.nextCommittedEnts() != nil {
		t.Fatalf("committed entries handed out while a snapshot is pending: %v", l.nextCommittedEnts())
	}

	if err := ms.ApplySnapshot(snap); err != nil {
		t.Fatal(err)
	}
	l.stableSnapTo(10)
	l.appliedTo(10, 0) // the application applied the snapshot
	if l.hasNextUnstableSnapshot() || l.firstIndex() != 11 {
		t.Fatalf("after persisting: pending=%v first=%d", l.hasNextUnstableSnapshot(), l.firstIndex())
	}
	if got := indexesOf(l.nextCommittedEnts()); !reflect.DeepEqual(got, []uint64{11}) {
		t.Fatalf("nextCommittedEnts = %v, want [11]", got)
	}
}

func TestSlice(t *testing.T) {
	// Snapshot at 3, stored 4 5, unstable 6 7 8; every entry has Size 100.
	all := mkSizedEnts(4, 1, 5, 100)
	l := mkLog(t, mkStorage(t, 3, 1, all[:2]...))
	l.append(all[2:]...)
	tests := []struct {
		name        string
		lo, hi, max uint64
		want        []uint64 // indexes
		wantErr     error
	}{
		{"before the snapshot", 2, 6, noSizeLimit, nil, ErrCompacted},
		{"at the snapshot index", 3, 5, noSizeLimit, nil, ErrCompacted},
		{"empty", 4, 4, noSizeLimit, nil, nil},
		{"stored only", 4, 6, noSizeLimit, []uint64{4, 5}, nil},
		{"unstable only", 6, 8, noSizeLimit, []uint64{6, 7}, nil},
		{"spanning storage and unstable", 5, 7, noSizeLimit, []uint64{5, 6}, nil},
		{"everything", 4, 9, noSizeLimit, []uint64{4, 5, 6, 7, 8}, nil},
		{"size 0 still returns one entry", 4, 9, 0, []uint64{4}, nil},
		{"limit reached in storage", 4, 9, 150, []uint64{4}, nil},
		{"limit reached at the storage end", 4, 9, 250, []uint64{4, 5}, nil},
		{"limit reached in unstable, spanning", 5, 9, 250, []uint64{5, 6}, nil},
		{"limit reached in unstable", 6, 9, 150, []uint64{6}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := l.slice(tt.lo, tt.hi, tt.max)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if !reflect.DeepEqual(indexesOf(got), tt.want) {
				t.Fatalf("slice = %v, want indexes %v", indexesOf(got), tt.want)
			}
		})
	}
	expectPanic(t, "hi beyond the last index + 1", func() { _, _ = l.slice(4, 10, noSizeLimit) })
	expectPanic(t, "lo > hi", func() { _, _ = l.slice(6, 5, noSizeLimit) })

	// Appending to a result must not write into the unstable log, even when
	// the size limit cut it short.
	for _, max := range []uint64{noSizeLimit, 100} {
		s, _ := l.slice(6, 8, max)
		_ = append(s, pb.Entry{Index: 99, Term: 99})
	}
	if !reflect.DeepEqual(l.unstable.entries, all[2:]) {
		t.Fatalf("appending to a slice corrupted the unstable log: %v", indexesOf(l.unstable.entries))
	}
}

func TestEntries(t *testing.T) {
	l := mkLog(t, mkStorage(t, 3, 1, mkEnts(4, 1, 1)...))
	l.append(mkEnts(6, 2)...)
	if got, err := l.entries(5, noSizeLimit); err != nil || !reflect.DeepEqual(got, mkEnts(5, 1, 2)) {
		t.Errorf("entries(5) = %v, %v", got, err)
	}
	if got, err := l.entries(7, noSizeLimit); err != nil || got != nil {
		t.Errorf("entries beyond the last index = %v, %v; want none", got, err)
	}
	if _, err := l.entries(3, noSizeLimit); !errors.Is(err, ErrCompacted) {
		t.Errorf("entries(3) error = %v, want ErrCompacted", err)
	}
	if got := l.allEntries(); !reflect.DeepEqual(got, mkEnts(4, 1, 1, 2)) {
		t.Errorf("allEntries = %v", got)
	}
}

func TestNextCommittedEnts(t *testing.T) {
	// Snapshot at 3, stored 4 5, unstable 6 7; every entry has Size 100.
	all := mkSizedEnts(4, 1, 4, 100)
	tests := []struct {
		name                         string
		committed, applying, applied uint64
		maxSize, applyingSize        uint64
		paused, snapshotPending      bool
		want                         []uint64
	}{
		{"stored committed entries", 5, 3, 3, noSizeLimit, 0, false, false, []uint64{4, 5}},
		// The application persists Ready.Entries before applying, so
		// committed unstable entries can go out in the same Ready.
		{"committed unstable entries too", 7, 3, 3, noSizeLimit, 0, false, false, []uint64{4, 5, 6, 7}},
		{"starts after applying, not applied", 7, 5, 3, noSizeLimit, 0, false, false, []uint64{6, 7}},
		{"everything handed out", 7, 7, 5, noSizeLimit, 0, false, false, nil},
		{"nothing committed", 3, 3, 3, noSizeLimit, 0, false, false, nil},
		{"size limit", 7, 3, 3, 250, 0, false, false, []uint64{4, 5}},
		{"size limit minus what is outstanding", 7, 5, 3, 250, 100, false, false, []uint64{6}},
		{"budget below one entry still returns one", 7, 5, 3, 250, 200, false, false, []uint64{6}},
		{"paused", 7, 5, 3, 250, 250, true, false, nil},
		{"snapshot pending", 7, 3, 3, noSizeLimit, 0, false, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := mkLog(t, mkStorage(t, 3, 1, all[:2]...))
			l.append(all[2:]...)
			l.committed, l.applying, l.applied = tt.committed, tt.applying, tt.applied
			l.maxApplyingEntsSize, l.applyingEntsSize, l.applyingEntsPaused = tt.maxSize, tt.applyingSize, tt.paused
			if tt.snapshotPending {
				l.unstable.snapshot = mkSnap(3, 1)
			}
			if got := indexesOf(l.nextCommittedEnts()); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("nextCommittedEnts = %v, want %v", got, tt.want)
			}
			if got := l.hasNextCommittedEnts(); got != (len(tt.want) > 0) {
				t.Fatalf("hasNextCommittedEnts = %v, want %v", got, len(tt.want) > 0)
			}
		})
	}
}

// The apply budget, step by step: entries are handed out until the
// outstanding size reaches the limit or a batch was cut short by it, and
// handing out resumes as the application confirms what it applied.
func TestApplyingPausesAndResumes(t *testing.T) {
	l, err := newLog(mkStorage(t, 0, 0, mkSizedEnts(1, 1, 10, 100)...), 250)
	if err != nil {
		t.Fatal(err)
	}
	_ = l.commitTo(10)
	next := func(want ...uint64) {
		t.Helper()
		ents := l.nextCommittedEnts()
		if got := indexesOf(ents); !reflect.DeepEqual(got, want) {
			t.Fatalf("nextCommittedEnts = %v, want %v (%s)", got, want, l)
		}
		if len(ents) > 0 {
			l.acceptApplying(ents[len(ents)-1].Index, entsSize(ents))
		}
	}

	next(1, 2) // 300 bytes would exceed 250
	if !l.applyingEntsPaused || l.hasNextCommittedEnts() {
		t.Fatal("the batch was cut short by the limit: handing out must pause")
	}
	next()

	l.appliedTo(2, 200)
	next(3, 4)
	l.appliedTo(3, 100) // partly applied: 100 outstanding, 150 left
	next(5)             // 200 outstanding, batch cut short: paused
	next()
	l.appliedTo(5, 200)
	next(6, 7)
	l.appliedTo(7, 200)
	next(8, 9)
	l.appliedTo(9, 200)

	next(10) // the last committed entry: not cut short, so no pause
	if l.applyingEntsPaused {
		t.Fatal("paused although everything committed was handed out within budget")
	}
	if l.applying != 10 || l.applied != 9 || l.applyingEntsSize != 100 {
		t.Fatalf("state %s size=%d, want applying 10, applied 9, 100 outstanding", l, l.applyingEntsSize)
	}
	l.appliedTo(10, 100)
	if l.applied != 10 || l.applyingEntsSize != 0 {
		t.Fatalf("after applying everything: %s size=%d", l, l.applyingEntsSize)
	}
}

func TestApplyingPausesAtTheLimit(t *testing.T) {
	l, err := newLog(mkStorage(t, 0, 0, mkSizedEnts(1, 1, 3, 100)...), 200)
	if err != nil {
		t.Fatal(err)
	}
	_ = l.commitTo(2)
	ents := l.nextCommittedEnts()
	l.acceptApplying(2, entsSize(ents)) // complete batch, but 200 >= 200
	_ = l.commitTo(3)
	if l.hasNextCommittedEnts() {
		t.Fatal("outstanding size at the limit must pause handing out")
	}
	l.appliedTo(1, 0) // progress that releases nothing: still at the limit
	if l.hasNextCommittedEnts() {
		t.Fatal("resumed although the outstanding size is still at the limit")
	}
	l.appliedTo(2, 1000) // a size larger than outstanding floors at 0
	if l.applyingEntsSize != 0 || !l.hasNextCommittedEnts() {
		t.Fatalf("after appliedTo: size=%d paused=%v", l.applyingEntsSize, l.applyingEntsPaused)
	}
	expectPanic(t, "appliedTo beyond committed", func() { l.appliedTo(4, 0) })
	expectPanic(t, "appliedTo below applied", func() { l.appliedTo(1, 0) })
	expectPanic(t, "acceptApplying beyond committed", func() { l.acceptApplying(4, 0) })
}

// The synchronous persistence cycle: Ready hands out the unstable entries,
// the application appends them to Storage, and Advance marks them stable.
func TestStableTo(t *testing.T) {
	ms := mkStorage(t, 0, 0, mkEnts(1, 1, 1)...)
	l := mkLog(t, ms)
	l.append(mkEnts(3, 1, 1)...)
	l.unstable.entries = append(make([]pb.Entry, 0, 8), l.unstable.entries...) // spare capacity
	ready := l.unstableEntries()
	if !l.hasNextUnstableEnts() || !reflect.DeepEqual(ready, mkEnts(3, 1, 1)) {
		t.Fatalf("unstableEntries = %v", ready)
	}
	l.append(mkEnts(5, 1)...)
	_ = append(ready, pb.Entry{Index: 5, Term: 9}) // must not overwrite unstable's 5@1
	if got := l.unstableEntries(); !reflect.DeepEqual(got, mkEnts(3, 1, 1, 1)) {
		t.Fatalf("unstable entries after append = %v", got)
	}
	if err := ms.Append(ready); err != nil {
		t.Fatal(err)
	}
	l.stableTo(4, 1)
	if got := l.unstableEntries(); !reflect.DeepEqual(got, mkEnts(5, 1)) || l.lastIndex() != 5 {
		t.Fatalf("after stableTo(4, 1): unstable %v last %d", got, l.lastIndex())
	}

	// A new leader rewrites 5 between Ready and Advance. The persisted 5@1
	// is stale, so Advance must leave the new 5@2 unstable.
	ready = l.unstableEntries()
	if _, ok, err := l.maybeAppend(4, 1, 0, mkEnts(5, 2)...); !ok || err != nil {
		t.Fatalf("maybeAppend: %v %v", ok, err)
	}
	_ = ms.Append(ready)
	l.stableTo(5, 1)
	if got := l.unstableEntries(); !reflect.DeepEqual(got, mkEnts(5, 2)) {
		t.Fatalf("rewritten entry marked stable: unstable %v", got)
	}
	_ = ms.Append(l.unstableEntries())
	l.stableTo(5, 2)
	if l.hasNextUnstableEnts() || l.lastIndex() != 5 || l.lastTerm() != 2 {
		t.Fatalf("after persisting the rewrite: %s last=%d/%d", l, l.lastIndex(), l.lastTerm())
	}
}

func TestLogString(t *testing.T) {
	l := mkLog(t, mkStorage(t, 4, 1))
	if got, want := l.String(), "committed=4 applying=4 applied=4 unstable.offset=5 len(unstable.entries)=0"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
