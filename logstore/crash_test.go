package logstore

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	pb "sqlraft/raft/raftpb"
)

// A Save that replaces a conflicting suffix deletes it first and stores the
// new entries second. A crash in between leaves a clean prefix of the old
// log, which reopens fine, never a mix of terms.
func TestCrashBetweenDeleteRangeAndStoreLogs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "raft.db")
	s := openStore(t, path, Options{})
	mustSave(t, s, pb.HardState{Term: 1, Vote: 1, Commit: 4}, ents(1, 10, 1))

	// The first step of Save(ents 6..8 of term 2), then the process dies.
	if err := s.truncateSuffix(6); err != nil {
		t.Fatal(err)
	}
	crash(t, s)

	s = openStore(t, path, Options{})
	wantLog(t, s, 1, 0, 1, 1, 1, 1, 1)
	if hs, _, _ := s.InitialState(); hs.Commit != 4 {
		t.Fatalf("commit = %d, want 4", hs.Commit)
	}
	// raft resends the entries and the Save completes.
	mustSave(t, s, pb.HardState{Term: 2, Vote: 2, Commit: 4}, ents(6, 8, 2))
	_ = s.Close()
	s = openStore(t, path, Options{})
	defer s.Close()
	wantLog(t, s, 1, 0, 1, 1, 1, 1, 1, 2, 2, 2)
}

// The usual Ready, entries with a moved commit index, is one transaction:
// the commit index rides in the entry records, so a crash can never leave
// the entries durable without it. The HardState record is written when the
// term or vote changes, or when no entry is left to carry the commit index.
func TestCommitTravelsWithEntries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "raft.db")
	s := openStore(t, path, Options{})
	stored := func() pb.HardState {
		t.Helper()
		rec, err := s.bolt.Get(keyHardState)
		if err != nil {
			t.Fatal(err)
		}
		hs, err := decodeHardState(rec)
		if err != nil {
			t.Fatal(err)
		}
		return hs
	}
	reopen := func() {
		t.Helper()
		crash(t, s)
		s = openStore(t, path, Options{})
	}
	wantHardState := func(want pb.HardState) {
		t.Helper()
		if hs, _, _ := s.InitialState(); hs != want {
			t.Fatalf("hard state = %+v, want %+v", hs, want)
		}
	}

	mustSave(t, s, pb.HardState{Term: 1, Vote: 1}, ents(1, 5, 1))
	mustSave(t, s, pb.HardState{Term: 1, Vote: 1, Commit: 5}, ents(6, 7, 1))
	if hs := stored(); hs.Commit != 0 {
		t.Fatalf("the HardState record was rewritten for a commit-only change: %+v", hs)
	}
	reopen()
	wantHardState(pb.HardState{Term: 1, Vote: 1, Commit: 5})

	// Compacting the whole log removes the records that carried the
	// commit index, so the HardState record takes it over first.
	// (A single voter commits its entries in the Ready that appends them.)
	mustSave(t, s, pb.HardState{Term: 1, Vote: 1, Commit: 8}, ents(8, 8, 1))
	if err := s.Compact(8); err != nil {
		t.Fatal(err)
	}
	reopen()
	wantHardState(pb.HardState{Term: 1, Vote: 1, Commit: 8})
	wantLog(t, s, 9, 1)

	// A new term is written to the HardState record, after the entries.
	mustSave(t, s, pb.HardState{Term: 2, Vote: 2, Commit: 9}, ents(9, 10, 2))
	if hs := stored(); hs != (pb.HardState{Term: 2, Vote: 2, Commit: 9}) {
		t.Fatalf("HardState record = %+v after a new term", hs)
	}
	_ = s.Close()
}

// Compact writes the new compaction point, then deletes the entries before
// it. A crash in between leaves entries the reopened Store ignores and
// deletes with the next compaction.
func TestCrashDuringCompact(t *testing.T) {
	path := filepath.Join(t.TempDir(), "raft.db")
	s := openStore(t, path, Options{})
	mustSave(t, s, pb.HardState{Term: 1, Commit: 8}, ents(1, 10, 1))
	m := s.meta
	m.compactIndex, m.compactTerm = 6, 1
	if err := s.writeMeta(m); err != nil { // the first step of Compact(6)
		t.Fatal(err)
	}
	crash(t, s)

	s = openStore(t, path, Options{})
	defer s.Close()
	wantLog(t, s, 7, 1, 1, 1, 1, 1)
	if !s.stale {
		t.Fatal("leftover entries not noticed")
	}
	if err := s.Compact(8); err != nil {
		t.Fatal(err)
	}
	if first, _ := s.bolt.FirstIndex(); first != 9 {
		t.Fatalf("first key in the file = %d, want 9: leftovers not deleted", first)
	}
}

// A snapshot from the leader takes up to three transactions; a crash after
// any of them reopens to a log raft can run from.
func TestCrashDuringApplySnapshot(t *testing.T) {
	snap := pb.Snapshot{Metadata: pb.SnapshotMetadata{Index: 7, Term: 3, ConfState: pb.ConfState{Voters: []uint64{1}}}}
	setup := func(t *testing.T) (*Store, string) {
		path := filepath.Join(t.TempDir(), "raft.db")
		s := openStore(t, path, Options{})
		mustSave(t, s, pb.HardState{Term: 2, Commit: 4}, ents(1, 10, 2))
		return s, path
	}
	t.Run("after deleting the entries after the snapshot", func(t *testing.T) {
		s, path := setup(t)
		if err := s.bolt.DeleteRange(8, math.MaxUint64); err != nil {
			t.Fatal(err)
		}
		crash(t, s)
		s = openStore(t, path, Options{})
		defer s.Close()
		wantLog(t, s, 1, 0, 2, 2, 2, 2, 2, 2, 2) // a prefix of the old log
	})
	t.Run("after writing the snapshot", func(t *testing.T) {
		s, path := setup(t)
		if err := s.bolt.DeleteRange(8, math.MaxUint64); err != nil {
			t.Fatal(err)
		}
		if err := s.writeMeta(logMeta{compactIndex: 7, compactTerm: 3, snap: snap}); err != nil {
			t.Fatal(err)
		}
		crash(t, s)
		s = openStore(t, path, Options{})
		defer s.Close()
		wantLog(t, s, 8, 3) // entries 1..7 are left in the file, and ignored
		if got, _ := s.Snapshot(); got.Metadata.Index != 7 {
			t.Fatalf("snapshot index = %d, want 7", got.Metadata.Index)
		}
	})
}

// damage opens the file with bbolt directly and changes it with f.
func damage(t *testing.T, path string, f func(logs, conf *bbolt.Bucket) error) {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bbolt.Tx) error {
		return f(tx.Bucket([]byte("logs")), tx.Bucket([]byte("conf")))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func logKey(i uint64) []byte { return binary.BigEndian.AppendUint64(nil, i) }

// flip flips one bit of the stored value at key, inside the first place
// where marker occurs (or anywhere, if marker is nil).
func flip(b *bbolt.Bucket, key, marker []byte) error {
	v := bytes.Clone(b.Get(key))
	at := len(v) / 2
	if marker != nil {
		at = bytes.Index(v, marker) + len(marker)/2
	}
	v[at] ^= 0x10
	return b.Put(key, v)
}

// Open verifies the whole log and refuses a damaged one, naming the damage.
func TestOpenRefusesCorruptLog(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(logs, conf *bbolt.Bucket) error
		want   string // in the error; empty for an undamaged log
	}{
		{"undamaged", func(logs, conf *bbolt.Bucket) error { return nil }, ""},
		{"a bit flipped in an entry's data", func(logs, conf *bbolt.Bucket) error {
			return flip(logs, logKey(7), []byte("payload-007"))
		}, "entry 7: checksum mismatch"},
		{"an entry missing", func(logs, conf *bbolt.Bucket) error {
			return logs.Delete(logKey(12))
		}, "entry 12 is missing"},
		{"the log starting late", func(logs, conf *bbolt.Bucket) error {
			return logs.Delete(logKey(3))
		}, "log starts at index 4, want 3"},
		{"an entry stored under another index", func(logs, conf *bbolt.Bucket) error {
			return logs.Put(logKey(10), bytes.Clone(logs.Get(logKey(9))))
		}, "entry stored under index 10 holds index 9"},
		{"the commit index beyond the log", func(logs, conf *bbolt.Bucket) error {
			return conf.Put(keyHardState, encodeHardState(pb.HardState{Term: 1, Commit: 21}))
		}, "commit index 21 is beyond the last index 20"},
		{"a bit flipped in the hard state", func(logs, conf *bbolt.Bucket) error {
			return flip(conf, keyHardState, nil)
		}, "hard state: checksum mismatch"},
		{"a bit flipped in the snapshot metadata", func(logs, conf *bbolt.Bucket) error {
			return flip(conf, keyMeta, []byte("image"))
		}, "log metadata: checksum mismatch"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "raft.db")
			s := openStore(t, path, Options{})
			mustSave(t, s, pb.HardState{Term: 1, Commit: 15}, ents(1, 20, 1))
			if err := s.Compact(2); err != nil {
				t.Fatal(err)
			}
			snap := pb.Snapshot{Data: []byte("image-2"), Metadata: pb.SnapshotMetadata{Index: 2, Term: 1}}
			if err := s.SetSnapshot(snap); err != nil {
				t.Fatal(err)
			}
			_ = s.Close()

			damage(t, path, tc.damage)
			s, err := Open(path, Options{})
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Open: %v", err)
				}
				_ = s.Close()
				return
			}
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Open = %v; want ErrCorrupt mentioning %q", err, tc.want)
			}
		})
	}
}

// A file that is not a bbolt database, or that lost its contents, is
// refused too; bbolt's panics and memory faults on it become ErrCorrupt.
func TestOpenRefusesDamagedFile(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(path string) error
	}{
		{"garbage", func(path string) error {
			rng := rand.New(rand.NewPCG(1, 2))
			return os.WriteFile(path, randBytes(rng, 64<<10), 0o600)
		}},
		{"truncated", func(path string) error {
			return os.Truncate(path, 64<<10)
		}},
		{"empty", func(path string) error {
			return os.Truncate(path, 0)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "raft.db")
			s := openStore(t, path, Options{NoSync: true})
			for i := uint64(1); i <= 2000; i += 100 {
				mustSave(t, s, pb.HardState{Term: 1}, ents(i, i+99, 1))
			}
			_ = s.Close()
			if err := tc.damage(path); err != nil {
				t.Fatal(err)
			}
			if _, err := Open(path, Options{}); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("Open = %v, want ErrCorrupt", err)
			}
		})
	}
}

// After a write fails, every call returns that failure: raft must stop
// rather than run on a log that may not be what it believes it persisted.
func TestFailStopAfterWriteError(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "raft.db"), Options{})
	mustSave(t, s, pb.HardState{Term: 1, Commit: 1}, ents(1, 3, 1))
	if err := s.bolt.Close(); err != nil { // the file goes away under the Store
		t.Fatal(err)
	}
	err := s.Save(pb.HardState{Term: 1, Commit: 2}, ents(4, 4, 1), pb.Snapshot{}, true)
	if !errors.Is(err, bbolt.ErrDatabaseNotOpen) {
		t.Fatalf("Save = %v, want the bbolt error", err)
	}
	failedWith := func(name string, err error) {
		t.Helper()
		if !errors.Is(err, bbolt.ErrDatabaseNotOpen) || !strings.Contains(err.Error(), "store entries 4..4") {
			t.Errorf("%s after the failure = %v; want the same failure", name, err)
		}
	}
	_, err = s.Term(1)
	failedWith("Term", err)
	_, err = s.Entries(1, 2, math.MaxUint64)
	failedWith("Entries", err)
	_, err = s.FirstIndex()
	failedWith("FirstIndex", err)
	_, err = s.LastIndex()
	failedWith("LastIndex", err)
	_, _, err = s.InitialState()
	failedWith("InitialState", err)
	_, err = s.Snapshot()
	failedWith("Snapshot", err)
	failedWith("Save", s.Save(pb.HardState{Term: 1, Commit: 2}, nil, pb.Snapshot{}, true))
	failedWith("SetHardState", s.SetHardState(pb.HardState{Term: 2}))
	failedWith("Compact", s.Compact(2))
	failedWith("SetSnapshot", s.SetSnapshot(pb.Snapshot{Metadata: pb.SnapshotMetadata{Index: 2, Term: 1}}))
	failedWith("ApplySnapshot", s.ApplySnapshot(pb.Snapshot{Metadata: pb.SnapshotMetadata{Index: 9, Term: 1}}))
	failedWith("Close", s.Close())
}

// A cold read that finds the file damaged fails the Store the same way.
func TestFailStopAfterColdReadError(t *testing.T) {
	s := openStore(t, filepath.Join(t.TempDir(), "raft.db"), Options{NoSync: true, CacheBytes: 1})
	defer s.Close()
	mustSave(t, s, pb.HardState{Term: 1}, ents(1, 10, 1))
	if err := s.bolt.DeleteRange(5, 5); err != nil { // behind the Store's back
		t.Fatal(err)
	}
	if _, err := s.Entries(4, 7, math.MaxUint64); !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), "entry 5") {
		t.Fatalf("Entries = %v, want ErrCorrupt naming entry 5", err)
	}
	if _, err := s.Term(9); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Term after the failure = %v, want the failure", err)
	}
}

// Every damaged record is detected, whichever bit flips.
func TestRecordsDetectEveryBitFlip(t *testing.T) {
	meta := logMeta{compactIndex: 5, compactTerm: 2, snap: pb.Snapshot{Data: []byte("descriptor"),
		Metadata: pb.SnapshotMetadata{Index: 9, Term: 3, ConfState: pb.ConfState{
			Voters: []uint64{1, 2, 3}, Learners: []uint64{4}, VotersOutgoing: []uint64{1, 2}, AutoLeave: true}}}}
	entry := pb.Entry{Index: 42, Term: 7, Type: pb.EntryConfChangeV2, Data: []byte("some data")}
	hs := pb.HardState{Term: 7, Vote: 2, Commit: 40}
	for _, rec := range []struct {
		name   string
		want   any
		bytes  []byte
		decode func([]byte) (any, error)
	}{
		{"entry", [2]any{entry, uint64(40)}, encodeEntry(&entry, 40), func(b []byte) (any, error) {
			e, commit, err := decodeEntry(42, b)
			return [2]any{e, commit}, err
		}},
		{"hard state", hs, encodeHardState(hs), func(b []byte) (any, error) { return decodeHardState(b) }},
		{"meta", meta, encodeMeta(meta), func(b []byte) (any, error) { return decodeMeta(b) }},
	} {
		got, err := rec.decode(rec.bytes)
		if err != nil || !reflect.DeepEqual(got, rec.want) {
			t.Fatalf("%s: round trip = %+v, %v", rec.name, got, err)
		}
		for bit := range len(rec.bytes) * 8 {
			b := bytes.Clone(rec.bytes)
			b[bit/8] ^= 1 << (bit % 8)
			if _, err := rec.decode(b); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("%s: flipping bit %d: %v, want ErrCorrupt", rec.name, bit, err)
			}
		}
		for n := range len(rec.bytes) {
			if _, err := rec.decode(rec.bytes[:n]); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("%s: truncated to %d bytes: %v, want ErrCorrupt", rec.name, n, err)
			}
		}
	}
}
