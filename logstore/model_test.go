package logstore

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"

	"sqlraft/raft"
	pb "sqlraft/raft/raftpb"
)

// The Store must be indistinguishable from raft.MemoryStorage through the
// Storage interface, before and after a reopen. These tests drive both with
// the same seeded random operations and compare every read after each one.

func openStore(t testing.TB, path string, opts Options) *Store {
	t.Helper()
	s, err := Open(path, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	return s
}

// crash drops the Store as a killed process would: the file is released
// without writing the lazily kept commit index.
func crash(t testing.TB, s *Store) {
	t.Helper()
	if err := s.CloseWithoutFlush(); err != nil {
		t.Fatalf("crash: %v", err)
	}
}

// model pairs a Store with the MemoryStorage it must match.
type model struct {
	t    *testing.T
	rng  *rand.Rand
	ms   *raft.MemoryStorage
	s    *Store
	path string
	opts Options
	step int
	// promised is the commit index a crash must not lose: that of the
	// last Save that was not allowed to defer it.
	promised uint64
}

func TestStoreMatchesMemoryStorage(t *testing.T) {
	for _, cache := range []uint64{600, 1 << 20} {
		for seed := uint64(1); seed <= 8; seed++ {
			t.Run(fmt.Sprintf("cache=%d/seed=%d", cache, seed), func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "raft.db")
				opts := Options{NoSync: true, CacheBytes: cache}
				m := &model{t: t, rng: rand.New(rand.NewPCG(seed, seed)), ms: raft.NewMemoryStorage(),
					s: openStore(t, path, opts), path: path, opts: opts}
				defer func() { _ = m.s.Close() }()
				for m.step = 0; m.step < 400; m.step++ {
					op := m.randomOp()
					m.compare(op)
				}
			})
		}
	}
}

func (m *model) fatalf(format string, args ...any) {
	m.t.Helper()
	m.t.Fatalf("step %d: %s", m.step, fmt.Sprintf(format, args...))
}

func (m *model) must(op string, msErr, sErr error) {
	m.t.Helper()
	if !errors.Is(sErr, msErr) || (msErr == nil) != (sErr == nil) {
		m.fatalf("%s: MemoryStorage error %v, Store error %v", op, msErr, sErr)
	}
}

// state returns what MemoryStorage holds now.
func (m *model) state() (hs pb.HardState, first, last, snapIndex uint64) {
	hs, _, _ = m.ms.InitialState()
	first, _ = m.ms.FirstIndex()
	last, _ = m.ms.LastIndex()
	snap, _ := m.ms.Snapshot()
	return hs, first, last, snap.Metadata.Index
}

func (m *model) term(i uint64) uint64 {
	t, err := m.ms.Term(i)
	if err != nil {
		m.fatalf("model Term(%d): %v", i, err)
	}
	return t
}

func (m *model) data() []byte {
	switch n := m.rng.IntN(10); {
	case n == 0:
		return nil
	case n == 1:
		return randBytes(m.rng, 1000+m.rng.IntN(1000))
	default:
		return randBytes(m.rng, 1+m.rng.IntN(150))
	}
}

func randBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

func (m *model) confState() pb.ConfState {
	cs := pb.ConfState{Voters: []uint64{1, 2, 3}[:1+m.rng.IntN(3)]}
	if m.rng.IntN(3) == 0 {
		cs.Learners = []uint64{4 + m.rng.Uint64N(1000)}
	}
	if m.rng.IntN(5) == 0 {
		cs.VotersOutgoing, cs.AutoLeave = []uint64{1, 5}, m.rng.IntN(2) == 0
	}
	return cs
}

// entries makes n entries from start in one term, as a leader would send.
func (m *model) entries(start uint64, n int, term uint64) []pb.Entry {
	ents := make([]pb.Entry, n)
	for k := range ents {
		ents[k] = pb.Entry{Index: start + uint64(k), Term: term, Data: m.data()}
		if m.rng.IntN(8) == 0 {
			ents[k].Type = pb.EntryConfChangeV2
		}
	}
	return ents
}

// nextHardState moves the term, vote and commit forward like raft does.
func (m *model) nextHardState(hs pb.HardState, minTerm, last uint64) pb.HardState {
	if minTerm > hs.Term {
		hs.Term, hs.Vote = minTerm, 0
	}
	if hs.Vote == 0 && m.rng.IntN(2) == 0 {
		hs.Vote = 1 + m.rng.Uint64N(3)
	}
	if last > hs.Commit {
		hs.Commit += m.rng.Uint64N(last - hs.Commit + 1)
	}
	return hs
}

func (m *model) randomOp() string {
	hs, first, last, snapIndex := m.state()
	switch r := m.rng.IntN(100); {
	case r < 55: // append, sometimes replacing an uncommitted suffix
		start := last + 1
		if lo := max(first, hs.Commit+1); lo <= last && m.rng.IntN(3) == 0 {
			start = lo + m.rng.Uint64N(last-lo+1)
		} else if hs.Commit < first && first > 1 && m.rng.IntN(10) == 0 {
			start = first - min(first-1, 1+m.rng.Uint64N(3)) // overlaps the compacted part
		}
		term := max(m.term(max(start, first)-1), hs.Term) + m.rng.Uint64N(2)
		ents := m.entries(start, 1+m.rng.IntN(6), term)
		newLast := ents[len(ents)-1].Index
		nhs := m.nextHardState(hs, term, newLast)
		sync := m.rng.IntN(5) != 0
		if err := m.ms.Append(ents); err != nil {
			m.fatalf("model append: %v", err)
		}
		_ = m.ms.SetHardState(nhs)
		m.promised = nhs.Commit
		m.must("Save", nil, m.s.Save(nhs, ents, pb.Snapshot{}, sync))
		return fmt.Sprintf("Save(%+v, ents %d..%d term %d, sync=%v)", nhs, start, newLast, term, sync)
	case r < 65: // a commit-only Ready
		nhs := hs
		if last > hs.Commit {
			nhs.Commit += 1 + m.rng.Uint64N(last-hs.Commit)
		}
		sync := m.rng.IntN(3) == 0
		_ = m.ms.SetHardState(nhs)
		if sync {
			m.promised = nhs.Commit
		}
		m.must("Save", nil, m.s.Save(nhs, nil, pb.Snapshot{}, sync))
		return fmt.Sprintf("Save(%+v, sync=%v)", nhs, sync)
	case r < 70: // compact up to the commit index (sometimes an already compacted index)
		i := first - 1 - min(first-1, m.rng.Uint64N(2))
		if hs.Commit >= first && m.rng.IntN(4) != 0 {
			i = first + m.rng.Uint64N((hs.Commit-first)/2+1)
			if m.rng.IntN(4) == 0 {
				i = hs.Commit // possibly the whole log
			}
		}
		m.must(fmt.Sprintf("Compact(%d)", i), m.ms.Compact(i), m.s.Compact(i))
		return fmt.Sprintf("Compact(%d)", i)
	case r < 78: // a snapshot made locally
		i := first - 1 - min(first-1, m.rng.Uint64N(2)) + m.rng.Uint64N(last-first+3)
		i = min(i, last)
		cs, data := m.confState(), m.data()
		var term uint64
		if i >= first-1 {
			term = m.term(i)
		}
		_, msErr := m.ms.CreateSnapshot(i, &cs, data)
		snap := pb.Snapshot{Data: data, Metadata: pb.SnapshotMetadata{Index: i, Term: term, ConfState: cs}}
		m.must(fmt.Sprintf("SetSnapshot(%d)", i), msErr, m.s.SetSnapshot(snap))
		return fmt.Sprintf("SetSnapshot(%d/%d)", i, term)
	case r < 81: // a snapshot from the leader, with or without entries after it
		// After a crash lost a lazy commit index, the compaction point may
		// be beyond it; raft sends only snapshots beyond both.
		idx := max(hs.Commit, snapIndex, first-1) + 1 + m.rng.Uint64N(6)
		term := hs.Term
		if idx <= last {
			term = m.term(idx) + m.rng.Uint64N(2) // matching the log or not
		}
		term = max(term, hs.Term)
		snap := pb.Snapshot{Data: m.data(), Metadata: pb.SnapshotMetadata{Index: idx, Term: term, ConfState: m.confState()}}
		var ents []pb.Entry
		if m.rng.IntN(2) == 0 {
			ents = m.entries(idx+1, 1+m.rng.IntN(4), term)
		}
		nhs := hs
		nhs.Term, nhs.Commit = max(hs.Term, term), idx
		m.must("model ApplySnapshot", nil, m.ms.ApplySnapshot(snap))
		if err := m.ms.Append(ents); err != nil {
			m.fatalf("model append: %v", err)
		}
		_ = m.ms.SetHardState(nhs)
		m.promised = nhs.Commit
		m.must("Save(snapshot)", nil, m.s.Save(nhs, ents, snap, true))
		return fmt.Sprintf("Save(%+v, snap %d/%d, %d ents)", nhs, idx, term, len(ents))
	case r < 83: // a snapshot that is not newer
		if snapIndex == 0 {
			return "nothing"
		}
		snap := pb.Snapshot{Metadata: pb.SnapshotMetadata{Index: snapIndex - m.rng.Uint64N(2), Term: 1}}
		m.must("ApplySnapshot(old)", m.ms.ApplySnapshot(snap), m.s.ApplySnapshot(snap))
		return fmt.Sprintf("ApplySnapshot(%d) out of date", snap.Metadata.Index)
	case r < 94:
		m.reopen(true)
		return "Close and reopen"
	default:
		m.reopen(false)
		return "crash and reopen"
	}
}

// reopen closes the Store cleanly or crashes it, then opens the file again.
// A crash loses a lazily kept commit index, and nothing else.
func (m *model) reopen(clean bool) {
	hs, _, _ := m.ms.InitialState()
	if clean {
		m.must("Close", nil, m.s.Close())
		m.promised = hs.Commit
	} else {
		hs.Commit = m.promised
		_ = m.ms.SetHardState(hs)
		crash(m.t, m.s)
	}
	m.s = openStore(m.t, m.path, m.opts)
}

// compare checks every Storage method of the Store against the model.
func (m *model) compare(op string) {
	m.t.Helper()
	check := func(what string, want, got any, wantErr, gotErr error) {
		m.t.Helper()
		if !errors.Is(gotErr, wantErr) || (wantErr == nil) != (gotErr == nil) || !reflect.DeepEqual(want, got) {
			m.fatalf("after %s: %s:\nMemoryStorage: %+v, %v\nStore:         %+v, %v", op, what, want, wantErr, got, gotErr)
		}
	}
	whs, wcs, werr := m.ms.InitialState()
	ghs, gcs, gerr := m.s.InitialState()
	check("InitialState", [2]any{whs, wcs}, [2]any{ghs, gcs}, werr, gerr)
	wsnap, werr := m.ms.Snapshot()
	gsnap, gerr := m.s.Snapshot()
	check("Snapshot", wsnap, gsnap, werr, gerr)
	wfirst, werr := m.ms.FirstIndex()
	gfirst, gerr := m.s.FirstIndex()
	check("FirstIndex", wfirst, gfirst, werr, gerr)
	wlast, werr := m.ms.LastIndex()
	glast, gerr := m.s.LastIndex()
	check("LastIndex", wlast, glast, werr, gerr)

	for i := wfirst - min(wfirst, 2); i <= wlast+1; i++ {
		wt, werr := m.ms.Term(i)
		gt, gerr := m.s.Term(i)
		check(fmt.Sprintf("Term(%d)", i), wt, gt, werr, gerr)
	}
	for range 6 {
		lo := wfirst - min(wfirst, 1) + m.rng.Uint64N(wlast-wfirst+3)
		hi := lo + m.rng.Uint64N(wlast+3-lo)
		maxSize := []uint64{0, m.rng.Uint64N(800), math.MaxUint64}[m.rng.IntN(3)]
		we, werr := m.ms.Entries(lo, hi, maxSize)
		ge, gerr := m.s.Entries(lo, hi, maxSize)
		if len(we) == 0 && len(ge) == 0 {
			we, ge = nil, nil // an empty range may be nil or empty
		}
		check(fmt.Sprintf("Entries(%d, %d, %d)", lo, hi, maxSize), we, ge, werr, gerr)
	}
}
