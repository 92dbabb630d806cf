package raft

import (
	"reflect"
	"testing"

	pb "sqlraft/raft/raftpb"
)

// mkEnts returns entries with consecutive indexes from first, one per term.
func mkEnts(first uint64, terms ...uint64) []pb.Entry {
	ents := make([]pb.Entry, len(terms))
	for i, t := range terms {
		ents[i] = pb.Entry{Index: first + uint64(i), Term: t}
	}
	return ents
}

// mkSizedEnts returns n entries from index first at term t whose Size() is
// exactly size each.
func mkSizedEnts(first, t uint64, n int, size int) []pb.Entry {
	overhead := (&pb.Entry{}).Size()
	ents := make([]pb.Entry, n)
	for i := range ents {
		ents[i] = pb.Entry{Index: first + uint64(i), Term: t, Data: make([]byte, size-overhead)}
	}
	return ents
}

// expectPanic fails the test unless f panics.
func expectPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: expected a panic", what)
		}
	}()
	f()
}

func TestLimitSize(t *testing.T) {
	ents := mkSizedEnts(1, 1, 5, 100)
	tests := []struct {
		name    string
		maxSize uint64
		want    int // number of entries kept
	}{
		{"no limit keeps everything", noSizeLimit, 5},
		{"zero still returns one entry", 0, 1},
		{"limit below one entry still returns one entry", 99, 1},
		{"limit equal to one entry", 100, 1},
		{"limit between one and two entries", 199, 1},
		{"limit equal to two entries", 200, 2},
		{"limit between two and three entries", 250, 2},
		{"limit equal to the total", 500, 5},
		{"limit above the total", 1000, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := LimitSize(ents, tt.maxSize)
			if !reflect.DeepEqual(got, ents[:tt.want]) {
				t.Fatalf("LimitSize(%d) kept %d entries, want %d", tt.maxSize, len(got), tt.want)
			}
		})
	}
	if got := LimitSize(nil, 0); len(got) != 0 {
		t.Errorf("LimitSize(nil) = %v, want empty", got)
	}
}

// An entry larger than the limit is returned alone: refusing it would stall
// replication and applying behind it forever.
func TestLimitSizeOversizedFirstEntry(t *testing.T) {
	ents := append(mkSizedEnts(1, 1, 1, 1000), mkSizedEnts(2, 1, 1, 30)...)
	if got := LimitSize(ents, 100); len(got) != 1 || got[0].Index != 1 {
		t.Fatalf("LimitSize = %v, want just the oversized first entry", got)
	}
}

// Appending to a truncated result must not overwrite the entries that were
// cut off: they belong to storage or the unstable log.
func TestLimitSizeResultIsCapped(t *testing.T) {
	ents := mkSizedEnts(1, 1, 3, 100)
	got := LimitSize(ents, 100)
	_ = append(got, pb.Entry{Index: 99, Term: 99})
	if ents[1].Index != 2 || ents[1].Term != 1 {
		t.Fatalf("appending to the limited slice overwrote the original: %+v", ents[1])
	}
}

func TestEntsSizeAndPayloadsSize(t *testing.T) {
	overhead := uint64((&pb.Entry{}).Size())
	ents := []pb.Entry{
		{Index: 1, Term: 1},                     // the leader's empty no-op
		{Index: 2, Term: 1, Data: []byte("ab")}, // 2 payload bytes
		{Index: 3, Term: 1, Data: []byte("cde")},
	}
	if got, want := entsSize(ents), 3*overhead+5; got != want {
		t.Errorf("entsSize = %d, want %d", got, want)
	}
	if got := payloadsSize(ents); got != 5 {
		t.Errorf("payloadsSize = %d, want 5 (the no-op costs nothing)", got)
	}
	if entsSize(nil) != 0 || payloadsSize(nil) != 0 {
		t.Errorf("sizes of no entries must be 0")
	}
}

// mkLog returns a log over s with no apply size limit.
func mkLog(t *testing.T, s Storage) *raftLog {
	t.Helper()
	l, err := newLog(s, noSizeLimit)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// indexesOf lists the indexes of ents, for compact comparisons.
func indexesOf(ents []pb.Entry) []uint64 {
	var idx []uint64
	for _, e := range ents {
		idx = append(idx, e.Index)
	}
	return idx
}
