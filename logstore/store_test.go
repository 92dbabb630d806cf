package logstore

import (
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"slices"
	"testing"

	"sqlraft/raft"
	pb "sqlraft/raft/raftpb"
)

func ents(first, last, term uint64) []pb.Entry {
	var es []pb.Entry
	for i := first; i <= last; i++ {
		es = append(es, pb.Entry{Index: i, Term: term, Data: fmt.Appendf(nil, "payload-%03d", i)})
	}
	return es
}

func mustSave(t *testing.T, s *Store, hs pb.HardState, es []pb.Entry) {
	t.Helper()
	if err := s.Save(hs, es, pb.Snapshot{}, true); err != nil {
		t.Fatalf("Save: %v", err)
	}
}

// wantLog checks the bounds, the term of every index in [first-1, last]
// and the entries of a Store.
func wantLog(t *testing.T, s *Store, first uint64, terms ...uint64) {
	t.Helper()
	last := first + uint64(len(terms)) - 2
	if f, _ := s.FirstIndex(); f != first {
		t.Fatalf("FirstIndex = %d, want %d", f, first)
	}
	if l, _ := s.LastIndex(); l != last {
		t.Fatalf("LastIndex = %d, want %d", l, last)
	}
	for k, want := range terms {
		i := first - 1 + uint64(k)
		if got, err := s.Term(i); err != nil || got != want {
			t.Fatalf("Term(%d) = %d, %v; want %d", i, got, err, want)
		}
	}
	if _, err := s.Term(first - 2); first >= 2 && !errors.Is(err, raft.ErrCompacted) {
		t.Fatalf("Term(%d) = %v, want ErrCompacted", first-2, err)
	}
	if _, err := s.Term(last + 1); !errors.Is(err, raft.ErrUnavailable) {
		t.Fatalf("Term(%d) = %v, want ErrUnavailable", last+1, err)
	}
	es, err := s.Entries(first, last+1, math.MaxUint64)
	if err != nil || uint64(len(es)) != last+1-first {
		t.Fatalf("Entries(%d, %d) = %d entries, %v", first, last+1, len(es), err)
	}
	for k, e := range es {
		if e.Index != first+uint64(k) || e.Term != terms[k+1] || string(e.Data) != fmt.Sprintf("payload-%03d", e.Index) {
			t.Fatalf("entry %d = %+v", first+uint64(k), e)
		}
	}
}

// A walk through the life of a log: append, a conflicting append, compact,
// a local snapshot, and a reopen that finds everything as it was.
func TestAppendTruncateCompactReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "raft.db")
	s := openStore(t, path, Options{})

	// A fresh log is empty: FirstIndex 1, LastIndex 0, the term of index 0
	// is 0.
	wantLog(t, s, 1, 0)

	mustSave(t, s, pb.HardState{Term: 1, Vote: 1}, ents(1, 5, 1))
	wantLog(t, s, 1, 0, 1, 1, 1, 1, 1)

	// A new leader in term 2 overwrites the uncommitted entries from 4 on.
	mustSave(t, s, pb.HardState{Term: 2, Vote: 2, Commit: 3}, ents(4, 6, 2))
	wantLog(t, s, 1, 0, 1, 1, 1, 2, 2, 2)

	// Compacting at 3 makes 3 the dummy entry: its term stays known.
	if err := s.Compact(3); err != nil {
		t.Fatal(err)
	}
	wantLog(t, s, 4, 1, 2, 2, 2)
	if _, err := s.Entries(3, 5, math.MaxUint64); !errors.Is(err, raft.ErrCompacted) {
		t.Fatalf("Entries(3, 5) = %v, want ErrCompacted", err)
	}
	if err := s.Compact(3); !errors.Is(err, raft.ErrCompacted) {
		t.Fatalf("Compact(3) again = %v, want ErrCompacted", err)
	}

	// A snapshot the application took at 5 is recorded; the log stays.
	snap := pb.Snapshot{Data: []byte("image-5"), Metadata: pb.SnapshotMetadata{
		Index: 5, Term: 2, ConfState: pb.ConfState{Voters: []uint64{1, 2, 3}}}}
	if err := s.SetSnapshot(snap); err != nil {
		t.Fatal(err)
	}
	if err := s.SetSnapshot(snap); !errors.Is(err, raft.ErrSnapOutOfDate) {
		t.Fatalf("SetSnapshot again = %v, want ErrSnapOutOfDate", err)
	}
	wantLog(t, s, 4, 1, 2, 2, 2)

	check := func() {
		t.Helper()
		wantLog(t, s, 4, 1, 2, 2, 2)
		hs, cs, err := s.InitialState()
		if err != nil || hs != (pb.HardState{Term: 2, Vote: 2, Commit: 3}) || !reflect.DeepEqual(cs, snap.Metadata.ConfState) {
			t.Fatalf("InitialState = %+v, %+v, %v", hs, cs, err)
		}
		if got, err := s.Snapshot(); err != nil || !reflect.DeepEqual(got, snap) {
			t.Fatalf("Snapshot = %+v, %v; want %+v", got, err, snap)
		}
	}
	check()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, path, Options{})
	defer s.Close()
	check()
}

// A snapshot from the leader replaces the whole log, and the entries that
// follow it in the same Ready continue from it.
func TestSaveWithSnapshot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "raft.db")
	s := openStore(t, path, Options{})
	mustSave(t, s, pb.HardState{Term: 1, Commit: 2}, ents(1, 8, 1))

	snap := pb.Snapshot{Metadata: pb.SnapshotMetadata{Index: 5, Term: 3, ConfState: pb.ConfState{Voters: []uint64{1}}}}
	if err := s.Save(pb.HardState{Term: 3, Commit: 5}, ents(6, 7, 3), snap, true); err != nil {
		t.Fatal(err)
	}
	wantLog(t, s, 6, 3, 3, 3)
	if err := s.ApplySnapshot(snap); !errors.Is(err, raft.ErrSnapOutOfDate) {
		t.Fatalf("ApplySnapshot(same) = %v, want ErrSnapOutOfDate", err)
	}
	// The old entries are gone from the file too, not just hidden.
	if first, err := s.bolt.FirstIndex(); err != nil || first != 6 {
		t.Fatalf("first key in the file = %d, %v; want 6", first, err)
	}
	_ = s.Close()
	s = openStore(t, path, Options{})
	defer s.Close()
	wantLog(t, s, 6, 3, 3, 3)
}

// Writes that would break the log are refused before anything is written,
// and do not stop the Store.
func TestSaveRefusesInvalidWrites(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "raft.db"), Options{NoSync: true})
	defer s.Close()
	mustSave(t, s, pb.HardState{Term: 1, Commit: 3}, ents(1, 5, 1))
	for name, err := range map[string]error{
		"gap":                   s.Save(pb.HardState{}, ents(7, 8, 1), pb.Snapshot{}, true),
		"not consecutive":       s.Save(pb.HardState{}, append(ents(6, 6, 1), ents(8, 8, 1)...), pb.Snapshot{}, true),
		"commit beyond last":    s.Save(pb.HardState{Term: 1, Commit: 6}, nil, pb.Snapshot{}, true),
		"replaces committed":    s.Save(pb.HardState{}, ents(3, 4, 2), pb.Snapshot{}, true),
		"snapshot below commit": s.ApplySnapshot(pb.Snapshot{Metadata: pb.SnapshotMetadata{Index: 2, Term: 1}}),
		"compact beyond last":   s.Compact(6),
		"snapshot wrong term":   s.SetSnapshot(pb.Snapshot{Metadata: pb.SnapshotMetadata{Index: 4, Term: 2}}),
	} {
		if err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	wantLog(t, s, 1, 0, 1, 1, 1, 1, 1)
}

// A commit-only change with sync=false costs no write: reads see it, Close
// writes it, a crash loses it. Term and vote changes are never deferred.
func TestLazyCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "raft.db")
	s := openStore(t, path, Options{})
	mustSave(t, s, pb.HardState{Term: 1, Vote: 1, Commit: 1}, ents(1, 3, 1))
	initial := func() pb.HardState {
		t.Helper()
		hs, _, err := s.InitialState()
		if err != nil {
			t.Fatal(err)
		}
		return hs
	}

	if err := s.Save(pb.HardState{Term: 1, Vote: 1, Commit: 2}, nil, pb.Snapshot{}, false); err != nil {
		t.Fatal(err)
	}
	if hs := initial(); hs.Commit != 2 {
		t.Fatalf("commit = %d, want 2 (reads see the lazy commit)", hs.Commit)
	}
	crash(t, s)
	s = openStore(t, path, Options{})
	if hs := initial(); hs.Commit != 1 {
		t.Fatalf("after a crash commit = %d, want 1 (the lazy commit is lost)", hs.Commit)
	}

	if err := s.Save(pb.HardState{Term: 1, Vote: 1, Commit: 3}, nil, pb.Snapshot{}, false); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = openStore(t, path, Options{})
	if hs := initial(); hs.Commit != 3 {
		t.Fatalf("after Close commit = %d, want 3 (Close writes it)", hs.Commit)
	}

	// A vote passed with sync=false by mistake is written all the same.
	if err := s.Save(pb.HardState{Term: 2, Vote: 3, Commit: 3}, nil, pb.Snapshot{}, false); err != nil {
		t.Fatal(err)
	}
	crash(t, s)
	s = openStore(t, path, Options{})
	defer s.Close()
	if hs := initial(); hs != (pb.HardState{Term: 2, Vote: 3, Commit: 3}) {
		t.Fatalf("after a crash hard state = %+v, want the vote kept", hs)
	}
}

// Entries hands out the cache without copying, so neither a caller's
// append nor a later truncation may write through it.
func TestEntriesAreNotShared(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "raft.db"), Options{NoSync: true})
	defer s.Close()
	mustSave(t, s, pb.HardState{Term: 1}, ents(1, 6, 1))
	got, err := s.Entries(2, 4, math.MaxUint64)
	if err != nil {
		t.Fatal(err)
	}
	_ = append(got, pb.Entry{Index: 99, Term: 99})
	mustSave(t, s, pb.HardState{Term: 2}, ents(3, 4, 2))
	if got[1].Term != 1 {
		t.Fatalf("an entry handed out earlier changed to %+v after a truncation", got[1])
	}
	wantLog(t, s, 1, 0, 1, 1, 2, 2)
}

// With a small cache, old bodies are read from the file, within the byte
// budget, and a read that spans the file and the cache is seamless.
func TestColdReads(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "raft.db"), Options{NoSync: true, CacheBytes: 10 * 35})
	defer s.Close()
	for i := uint64(1); i <= 100; i += 10 {
		mustSave(t, s, pb.HardState{Term: 1}, ents(i, i+9, 1))
	}
	if n, b := len(s.cache.ents), s.cache.bytes; n != 10 || b > s.cache.limit {
		t.Fatalf("cache holds %d entries, %d bytes; want 10 within %d", n, b, s.cache.limit)
	}
	wantLog(t, s, 1, append([]uint64{0}, slices.Repeat([]uint64{1}, 100)...)...)
	// Each entry's Size() is 35: a budget of 12 entries returns 85..96, six
	// from the file and six from the cache.
	got, err := s.Entries(85, 101, 12*35)
	if err != nil || len(got) != 12 || got[0].Index != 85 || got[11].Index != 96 {
		t.Fatalf("Entries(85, 101, 420) = %d entries, %v", len(got), err)
	}
}
