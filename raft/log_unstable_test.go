package raft

import (
	"reflect"
	"testing"

	pb "sqlraft/raft/raftpb"
)

// mkSnap returns a snapshot at (index, term).
func mkSnap(index, term uint64) *pb.Snapshot {
	return &pb.Snapshot{Metadata: pb.SnapshotMetadata{Index: index, Term: term}}
}

func TestUnstableMaybeFirstIndex(t *testing.T) {
	tests := []struct {
		name   string
		u      unstable
		wantOK bool
		want   uint64
	}{
		{"entries only: storage knows", unstable{entries: mkEnts(5, 1), offset: 5}, false, 0},
		{"empty: storage knows", unstable{}, false, 0},
		{"snapshot and entries", unstable{entries: mkEnts(5, 1), offset: 5, snapshot: mkSnap(4, 1)}, true, 5},
		{"snapshot only", unstable{offset: 5, snapshot: mkSnap(4, 1)}, true, 5},
	}
	for _, tt := range tests {
		got, ok := tt.u.maybeFirstIndex()
		if ok != tt.wantOK || got != tt.want {
			t.Errorf("%s: maybeFirstIndex = %d, %v; want %d, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestUnstableMaybeLastIndex(t *testing.T) {
	tests := []struct {
		name   string
		u      unstable
		wantOK bool
		want   uint64
	}{
		{"entries", unstable{entries: mkEnts(5, 1, 1), offset: 5}, true, 6},
		{"snapshot and entries: the last entry", unstable{entries: mkEnts(5, 1), offset: 5, snapshot: mkSnap(4, 1)}, true, 5},
		{"snapshot only: the snapshot index", unstable{offset: 5, snapshot: mkSnap(4, 1)}, true, 4},
		{"empty: storage knows", unstable{offset: 5}, false, 0},
	}
	for _, tt := range tests {
		got, ok := tt.u.maybeLastIndex()
		if ok != tt.wantOK || got != tt.want {
			t.Errorf("%s: maybeLastIndex = %d, %v; want %d, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestUnstableMaybeTerm(t *testing.T) {
	tests := []struct {
		name   string
		u      unstable
		i      uint64
		wantOK bool
		want   uint64
	}{
		{"entry", unstable{entries: mkEnts(5, 1), offset: 5}, 5, true, 1},
		{"after the last entry", unstable{entries: mkEnts(5, 1), offset: 5}, 6, false, 0},
		{"before offset, no snapshot", unstable{entries: mkEnts(5, 1), offset: 5}, 4, false, 0},
		{"entry after a snapshot", unstable{entries: mkEnts(5, 1), offset: 5, snapshot: mkSnap(4, 1)}, 5, true, 1},
		{"the snapshot index", unstable{entries: mkEnts(5, 1), offset: 5, snapshot: mkSnap(4, 1)}, 4, true, 1},
		{"before the snapshot", unstable{entries: mkEnts(5, 1), offset: 5, snapshot: mkSnap(4, 1)}, 3, false, 0},
		{"after the last entry, with snapshot", unstable{entries: mkEnts(5, 1), offset: 5, snapshot: mkSnap(4, 1)}, 6, false, 0},
		{"snapshot only, at its index", unstable{offset: 5, snapshot: mkSnap(4, 1)}, 4, true, 1},
		{"snapshot only, after it", unstable{offset: 5, snapshot: mkSnap(4, 1)}, 5, false, 0},
		{"empty", unstable{offset: 5}, 5, false, 0},
	}
	for _, tt := range tests {
		got, ok := tt.u.maybeTerm(tt.i)
		if ok != tt.wantOK || got != tt.want {
			t.Errorf("%s: maybeTerm(%d) = %d, %v; want %d, %v", tt.name, tt.i, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestUnstableRestore(t *testing.T) {
	u := unstable{entries: mkEnts(5, 1), offset: 5, snapshot: mkSnap(4, 1)}
	u.restore(*mkSnap(6, 2))
	if u.offset != 7 || len(u.entries) != 0 || !reflect.DeepEqual(u.snapshot, mkSnap(6, 2)) {
		t.Fatalf("after restore: offset=%d entries=%v snapshot=%+v; want 7, none, the snapshot at 6",
			u.offset, u.entries, u.snapshot)
	}
}

func TestUnstableStableTo(t *testing.T) {
	tests := []struct {
		name       string
		u          unstable
		i, t       uint64
		wantOffset uint64
		wantLen    int
	}{
		{"empty", unstable{}, 5, 1, 0, 0},
		{"all entries", unstable{entries: mkEnts(5, 1), offset: 5}, 5, 1, 6, 0},
		{"a prefix", unstable{entries: mkEnts(5, 1, 1), offset: 5}, 5, 1, 6, 1},
		{"term mismatch: entry was rewritten", unstable{entries: mkEnts(6, 2), offset: 6}, 6, 1, 6, 1},
		{"below offset: already stable", unstable{entries: mkEnts(5, 1), offset: 5}, 4, 1, 5, 1},
		{"beyond the last entry", unstable{entries: mkEnts(5, 1), offset: 5}, 6, 1, 5, 1},
		{"entry after a pending snapshot", unstable{entries: mkEnts(5, 1), offset: 5, snapshot: mkSnap(4, 1)}, 5, 1, 6, 0},
		{"the pending snapshot's index is not an entry", unstable{entries: mkEnts(5, 1), offset: 5, snapshot: mkSnap(4, 1)}, 4, 1, 5, 1},
		{"term mismatch after a snapshot", unstable{entries: mkEnts(6, 2), offset: 6, snapshot: mkSnap(5, 1)}, 6, 1, 6, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := tt.u
			u.stableTo(tt.i, tt.t)
			if u.offset != tt.wantOffset || len(u.entries) != tt.wantLen {
				t.Fatalf("offset=%d len=%d, want %d and %d", u.offset, len(u.entries), tt.wantOffset, tt.wantLen)
			}
		})
	}
}

// Between a Ready and its Advance, a new leader may overwrite the unstable
// suffix that the Ready handed out. The application then persists the old
// entries; Advance must not mark the new ones, which it never saw, stable.
func TestUnstableStableToAfterRewrite(t *testing.T) {
	u := unstable{offset: 5}
	u.truncateAndAppend(mkEnts(5, 1, 1, 1)) // 5@1 6@1 7@1
	ready := u.slice(5, 8)                  // handed out in a Ready

	// A leader of term 2 replaces 6 and 7 before Advance.
	u.truncateAndAppend(mkEnts(6, 2, 2))

	// Advance reports the last entry of the Ready, 7@1: rewritten, so
	// nothing may be dropped.
	u.stableTo(ready[len(ready)-1].Index, ready[len(ready)-1].Term)
	if u.offset != 5 || !reflect.DeepEqual(u.entries, mkEnts(5, 1, 2, 2)) {
		t.Fatalf("rewritten entries marked stable: offset=%d entries=%v", u.offset, u.entries)
	}

	// 5@1 survived the rewrite and was persisted, so it may be dropped; 6@2
	// and 7@2 remain for the next Ready.
	u.stableTo(5, 1)
	if u.offset != 6 || !reflect.DeepEqual(u.entries, mkEnts(6, 2, 2)) {
		t.Fatalf("after stableTo(5, 1): offset=%d entries=%v, want 6 and [6@2 7@2]", u.offset, u.entries)
	}
	if !reflect.DeepEqual(ready, mkEnts(5, 1, 1, 1)) {
		t.Fatalf("the entries handed out were modified: %v", ready)
	}
}

func TestUnstableStableToShrinksArray(t *testing.T) {
	t.Run("mostly unused array is replaced", func(t *testing.T) {
		u := unstable{entries: append(make([]pb.Entry, 0, 10), mkEnts(5, 1, 1)...), offset: 5}
		handedOut := u.entries[:2:2]
		u.stableTo(5, 1) // 1 entry left in room for 9
		if len(u.entries) != 1 || cap(u.entries) != 1 || u.entries[0].Index != 6 {
			t.Fatalf("entries %v with cap %d, want [6] in a fresh array", u.entries, cap(u.entries))
		}
		if !reflect.DeepEqual(handedOut, mkEnts(5, 1, 1)) {
			t.Fatalf("shrinking modified entries handed out earlier: %v", handedOut)
		}
	})
	t.Run("mostly used array is kept", func(t *testing.T) {
		ents := mkEnts(5, 1, 1, 1, 1)
		u := unstable{entries: ents, offset: 5}
		u.stableTo(5, 1) // 3 entries left in room for 3
		if len(u.entries) != 3 || &u.entries[0] != &ents[1] {
			t.Fatalf("array was copied although it is fully used")
		}
	})
	t.Run("fully stable releases the array", func(t *testing.T) {
		u := unstable{entries: mkEnts(5, 1, 1), offset: 5}
		u.stableTo(6, 1)
		if u.entries != nil || u.offset != 7 {
			t.Fatalf("entries %v offset %d, want nil and 7", u.entries, u.offset)
		}
	})
}

func TestUnstableStableSnapTo(t *testing.T) {
	u := unstable{offset: 5, snapshot: mkSnap(4, 1)}
	u.stableSnapTo(3)
	if u.snapshot == nil {
		t.Fatal("stableSnapTo of another index dropped the pending snapshot")
	}
	u.stableSnapTo(4)
	if u.snapshot != nil {
		t.Fatal("stableSnapTo(4) kept the persisted snapshot")
	}
}

func TestUnstableTruncateAndAppend(t *testing.T) {
	tests := []struct {
		name       string
		u          unstable
		ents       []pb.Entry
		wantOffset uint64
		want       []pb.Entry
	}{
		{"append after the last entry", unstable{entries: mkEnts(5, 1), offset: 5}, mkEnts(6, 1, 1), 5, mkEnts(5, 1, 1, 1)},
		{"append to empty at offset", unstable{offset: 5}, mkEnts(5, 1), 5, mkEnts(5, 1)},
		{"replace everything from offset", unstable{entries: mkEnts(5, 1), offset: 5}, mkEnts(5, 2, 2), 5, mkEnts(5, 2, 2)},
		{"replace everything from before offset", unstable{entries: mkEnts(5, 1), offset: 5}, mkEnts(4, 2, 2, 2), 4, mkEnts(4, 2, 2, 2)},
		{"truncate the suffix, then append", unstable{entries: mkEnts(5, 1, 1, 1), offset: 5}, mkEnts(6, 2), 5, mkEnts(5, 1, 2)},
		{"truncate the last entry", unstable{entries: mkEnts(5, 1, 1, 1), offset: 5}, mkEnts(7, 2, 2), 5, mkEnts(5, 1, 1, 2, 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := tt.u
			u.truncateAndAppend(tt.ents)
			if u.offset != tt.wantOffset || !reflect.DeepEqual(u.entries, tt.want) {
				t.Fatalf("offset=%d entries=%v, want %d and %v", u.offset, u.entries, tt.wantOffset, tt.want)
			}
		})
	}
	expectPanic(t, "a gap after the last entry", func() {
		u := unstable{entries: mkEnts(5, 1), offset: 5}
		u.truncateAndAppend(mkEnts(7, 1))
	})
}

// unstable owns its entries: it neither keeps the caller's slice nor writes
// over a slice it handed out.
func TestUnstableTruncateAndAppendDoesNotAlias(t *testing.T) {
	for _, u := range []unstable{
		{offset: 5},                           // appended after the last entry
		{entries: mkEnts(5, 1, 1), offset: 5}, // replaces everything
		{entries: mkEnts(4, 1, 1), offset: 4}, // truncates, then appends
	} {
		msgEnts := mkEnts(5, 2, 2)
		u.truncateAndAppend(msgEnts)
		msgEnts[0].Term = 99
		if term, _ := u.maybeTerm(5); term != 2 {
			t.Fatalf("unstable shares the caller's array: term(5) = %d", term)
		}
	}
	t.Run("truncation does not rewrite handed-out entries", func(t *testing.T) {
		u := unstable{offset: 5}
		u.truncateAndAppend(append(make([]pb.Entry, 0, 10), mkEnts(5, 1, 1, 1)...))
		ready := u.slice(5, 8)
		u.truncateAndAppend(mkEnts(6, 2))
		if !reflect.DeepEqual(ready, mkEnts(5, 1, 1, 1)) {
			t.Fatalf("handed-out entries changed to %v", ready)
		}
	})
	t.Run("appending to a slice does not write into unstable", func(t *testing.T) {
		u := unstable{offset: 5}
		u.truncateAndAppend(append(make([]pb.Entry, 0, 10), mkEnts(5, 1, 1, 1)...))
		s := u.slice(5, 6)
		_ = append(s, pb.Entry{Index: 6, Term: 99})
		if u.entries[1].Term != 1 {
			t.Fatal("appending to a slice of unstable overwrote entry 6")
		}
	})
}

func TestUnstableSlice(t *testing.T) {
	u := unstable{entries: mkEnts(5, 1, 2, 3), offset: 5}
	if got := u.slice(6, 8); !reflect.DeepEqual(got, mkEnts(6, 2, 3)) {
		t.Errorf("slice(6, 8) = %v", got)
	}
	if got := u.slice(8, 8); len(got) != 0 {
		t.Errorf("slice(8, 8) = %v, want empty", got)
	}
	for _, r := range [][2]uint64{{4, 6}, {6, 9}, {7, 6}} {
		expectPanic(t, "slice out of bounds", func() { u.slice(r[0], r[1]) })
	}
}
