package logstore

import (
	"fmt"
	"math"

	"github.com/hashicorp/raft"

	sraft "sqlraft/raft"
	pb "sqlraft/raft/raftpb"
)

// Write order and cost. Every raft-boltdb call (StoreLogs, DeleteRange,
// Set) is its own bbolt transaction, and each commit costs two fdatasyncs
// (data pages, then the meta page that makes them visible). A crash leaves
// the file as of the last committed transaction, so each step below is
// ordered to leave a state Open accepts and raft can run from:
//
//   - Snapshot (rare), 1-3 transactions: delete the entries after the
//     snapshot index (a crash leaves a prefix of the old log, which raft
//     may lose: it conflicts with the leader's committed snapshot); write
//     the metadata, moving the compaction point to the snapshot (a crash
//     leaves entries before it, which Open ignores); delete those.
//   - Entries, 1 transaction, 2 when they conflict: DeleteRange of the
//     conflicting suffix [ents[0].Index, last] first, so a crash leaves a
//     clean prefix rather than a mix of terms; then ONE StoreLogs for the
//     whole batch. Every record of the batch carries the Ready's commit
//     index, so entries and commit index become durable together: raft
//     relies on a node that durably holds a conf change knowing that the
//     previous one is committed (see raft.Ready), which two separate
//     transactions would break in the crash window between them.
//   - HardState, 1 transaction, last: when the term or vote changed, or
//     when the commit index moved and no entry carried it (sync=true, or a
//     snapshot). A commit-only change passed with sync=false is kept in
//     memory (reads see it) and made durable by the next synced Save or by
//     Close: the commit index is recoverable from the cluster, a vote is
//     not.
//
// So the usual Ready (new entries, commit moved, same term and vote) costs
// 1 transaction = 2 fdatasyncs; one that also changes the term or vote, 4;
// a commit-only Ready with sync=false, none. Open takes the commit index
// as the larger of the HardState record's and the last entry's.

// Save persists one Ready: its snapshot, then its entries, then its
// HardState, each when present (see the write order above). sync is
// Ready.MustSync; with sync=false a commit-only HardState change may be
// written lazily. Entries at or before the compaction point are skipped,
// entries that overlap the log replace it from their first index on
// (MemoryStorage.Append), and entries that would leave a gap are refused.
// Any write error makes the Store fail-stop.
func (s *Store) Save(hs pb.HardState, ents []pb.Entry, snap pb.Snapshot, sync bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(); err != nil {
		return err
	}
	// Validate everything before writing anything.
	ci, last := s.terms.compactIndex(), s.terms.last
	if !snap.IsEmpty() {
		if err := s.checkSnapshot(snap); err != nil {
			return err
		}
		ci, last = snap.Metadata.Index, snap.Metadata.Index
	}
	lazy := !sync && len(ents) == 0 && snap.IsEmpty()
	ents, err := checkAppend(ents, ci, last)
	if err != nil {
		return err
	}
	if len(ents) > 0 && ents[0].Index <= s.hs.Commit {
		return fmt.Errorf("logstore: Save: entries from %d would replace committed entries (commit index %d)",
			ents[0].Index, s.hs.Commit)
	}
	if len(ents) > 0 {
		last = ents[len(ents)-1].Index
	}
	next := s.hs
	if !hs.IsEmpty() {
		if hs.Commit < s.hs.Commit {
			return fmt.Errorf("logstore: Save: commit index %d is below the previous one, %d", hs.Commit, s.hs.Commit)
		}
		next = hs
	}
	if next.Commit > last {
		return fmt.Errorf("logstore: Save: commit index %d is beyond the last index %d", next.Commit, last)
	}

	if !snap.IsEmpty() {
		if err := s.applySnapshot(snap); err != nil {
			return err
		}
	}
	s.hs = next
	if len(ents) > 0 {
		if ents[0].Index <= s.terms.last {
			if err := s.truncateSuffix(ents[0].Index); err != nil {
				return err
			}
		}
		if err := s.storeEntries(ents, s.hs.Commit); err != nil {
			return err
		}
	}
	d := s.durable()
	if s.hs.Term != d.Term || s.hs.Vote != d.Vote || (s.hs.Commit > d.Commit && !lazy) {
		return s.writeHardState()
	}
	return nil
}

// checkAppend drops the entries at or before the compaction point ci and
// checks that the rest are consecutive and continue a log ending at last.
func checkAppend(ents []pb.Entry, ci, last uint64) ([]pb.Entry, error) {
	for k := 1; k < len(ents); k++ {
		if ents[k].Index != ents[k-1].Index+1 {
			return nil, fmt.Errorf("logstore: Save: entries not consecutive: %d follows %d",
				ents[k].Index, ents[k-1].Index)
		}
	}
	if len(ents) == 0 || ents[len(ents)-1].Index <= ci {
		return nil, nil
	}
	if ents[0].Index <= ci {
		ents = ents[ci+1-ents[0].Index:]
	}
	if ents[0].Index > last+1 {
		return nil, fmt.Errorf("logstore: Save: gap in log: last index %d, appending at %d", last, ents[0].Index)
	}
	return ents, nil
}

// SetHardState writes hs durably (raft.BootstrapStorage).
func (s *Store) SetHardState(hs pb.HardState) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(); err != nil {
		return err
	}
	if hs.Commit > s.terms.last {
		return fmt.Errorf("logstore: SetHardState: commit index %d is beyond the last index %d", hs.Commit, s.terms.last)
	}
	s.hs = hs
	if s.hs == s.stored {
		return nil
	}
	return s.writeHardState()
}

// ApplySnapshot replaces the log with snap, as MemoryStorage.ApplySnapshot
// does: the compaction point moves to the snapshot and every entry is
// dropped. It returns raft.ErrSnapOutOfDate if snap is not newer than the
// current snapshot.
func (s *Store) ApplySnapshot(snap pb.Snapshot) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(); err != nil {
		return err
	}
	if err := s.checkSnapshot(snap); err != nil {
		return err
	}
	return s.applySnapshot(snap)
}

// checkSnapshot refuses a snapshot that is not newer than the current one,
// or that would drop committed entries (raft restores only snapshots beyond
// its commit index; keeping commit <= last keeps the file openable).
func (s *Store) checkSnapshot(snap pb.Snapshot) error {
	idx := snap.Metadata.Index
	if cur := s.meta.snap.Metadata.Index; cur != 0 && idx <= cur {
		return sraft.ErrSnapOutOfDate
	}
	if idx < s.hs.Commit {
		return fmt.Errorf("logstore: snapshot index %d is below the commit index %d", idx, s.hs.Commit)
	}
	return nil
}

// SetSnapshot records snap, a snapshot the application made of its own
// state at an index the log holds, as the latest snapshot without touching
// the log (MemoryStorage.CreateSnapshot). It returns raft.ErrSnapOutOfDate
// if snap is not newer than the current snapshot and raft.ErrCompacted if
// its index is before the compaction point.
func (s *Store) SetSnapshot(snap pb.Snapshot) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(); err != nil {
		return err
	}
	md := snap.Metadata
	if md.Index <= s.meta.snap.Metadata.Index {
		return sraft.ErrSnapOutOfDate
	}
	if md.Index > s.terms.last {
		return fmt.Errorf("logstore: SetSnapshot: index %d is beyond the last index %d", md.Index, s.terms.last)
	}
	if md.Index < s.terms.compactIndex() {
		return sraft.ErrCompacted
	}
	if t := s.terms.term(md.Index); t != md.Term {
		return fmt.Errorf("logstore: SetSnapshot: term %d at index %d, but the log has term %d", md.Term, md.Index, t)
	}
	m := s.meta
	m.snap = snap
	return s.writeMeta(m)
}

// Compact discards the entries before compactIndex, which becomes the new
// compaction point (its term stays known), as MemoryStorage.Compact does.
// It returns raft.ErrCompacted if compactIndex is already compacted. Cost:
// 2 transactions (the metadata, then the deletion), 3 when it empties the
// log and the HardState record must take over the commit index.
func (s *Store) Compact(compactIndex uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.check(); err != nil {
		return err
	}
	if compactIndex <= s.terms.compactIndex() {
		return sraft.ErrCompacted
	}
	if compactIndex > s.terms.last {
		return fmt.Errorf("logstore: Compact: index %d is beyond the last index %d", compactIndex, s.terms.last)
	}
	if compactIndex == s.terms.last && s.tailCommit > s.stored.Commit {
		// The last entry, whose record carries the commit index, goes.
		if err := s.writeHardState(); err != nil {
			return err
		}
	}
	m := s.meta
	m.compactIndex, m.compactTerm = compactIndex, s.terms.term(compactIndex)
	if err := s.writeMeta(m); err != nil {
		return err
	}
	s.terms.compact(compactIndex)
	s.cache.compact(compactIndex)
	if compactIndex == s.terms.last {
		s.tailCommit = 0
	}
	s.stale = true
	return s.deleteStale()
}

// The steps below each run one transaction, keep memory in step with the
// file, and make the Store fail-stop on error. Tests call them one by one to
// simulate a crash between two of them.

// applySnapshot is the snapshot part of Save and ApplySnapshot.
func (s *Store) applySnapshot(snap pb.Snapshot) error {
	idx := snap.Metadata.Index
	ci, last := s.terms.compactIndex(), s.terms.last
	hadEntries := last > ci && idx > ci
	if last > idx {
		// The entries after the snapshot go first. A snapshot older than
		// the compaction point (never sent by raft) drops all of them, and
		// any leftover between the two.
		if err := s.bolt.DeleteRange(idx+1, math.MaxUint64); err != nil {
			return s.fail(fmt.Sprintf("delete entries after snapshot %d", idx), err)
		}
		keep := max(idx, ci)
		s.terms.truncate(keep)
		s.cache.truncate(keep)
		s.tailCommit = 0 // unknown: the new last entry's record was not read
	}
	m := logMeta{compactIndex: idx, compactTerm: snap.Metadata.Term, snap: snap}
	if err := s.writeMeta(m); err != nil {
		return err
	}
	s.terms.reset(idx, snap.Metadata.Term)
	s.cache.reset()
	s.tailCommit = 0
	if hadEntries {
		s.stale = true
	}
	return s.deleteStale()
}

// deleteStale deletes the entries at or before the compaction point, if
// there may be any.
func (s *Store) deleteStale() error {
	if !s.stale {
		return nil
	}
	ci := s.terms.compactIndex()
	if err := s.bolt.DeleteRange(0, ci); err != nil {
		return s.fail(fmt.Sprintf("delete entries up to %d", ci), err)
	}
	s.stale = false
	return nil
}

// truncateSuffix deletes the entries [i, last] that new entries from i on
// replace.
func (s *Store) truncateSuffix(i uint64) error {
	if err := s.bolt.DeleteRange(i, s.terms.last); err != nil {
		return s.fail(fmt.Sprintf("delete conflicting entries %d..%d", i, s.terms.last), err)
	}
	s.terms.truncate(i - 1)
	s.cache.truncate(i - 1)
	s.tailCommit = 0 // unknown until the next StoreLogs
	return nil
}

// storeEntries writes ents, which continue the log, in one transaction;
// every record carries commit.
func (s *Store) storeEntries(ents []pb.Entry, commit uint64) error {
	logs := make([]raft.Log, len(ents))
	ptrs := make([]*raft.Log, len(ents))
	for k := range ents {
		e := &ents[k]
		// AppendedAt stays zero: it is encoded anyway, but means nothing
		// here.
		logs[k] = raft.Log{Index: e.Index, Term: e.Term, Type: raft.LogCommand, Data: encodeEntry(e, commit)}
		ptrs[k] = &logs[k]
	}
	if err := s.bolt.StoreLogs(ptrs); err != nil {
		return s.fail(fmt.Sprintf("store entries %d..%d", ents[0].Index, ents[len(ents)-1].Index), err)
	}
	for k := range ents {
		s.terms.append(ents[k].Term)
	}
	s.cache.append(ents)
	s.tailCommit = commit
	return nil
}

// writeMeta writes the compaction point and snapshot. Memory keeps the
// decoded form, so it equals what a reopen would load (nil, not empty,
// slices).
func (s *Store) writeMeta(m logMeta) error {
	rec := encodeMeta(m)
	if err := s.bolt.Set(keyMeta, rec); err != nil {
		return s.fail("write log metadata", err)
	}
	canon, err := decodeMeta(rec)
	if err != nil {
		panic(fmt.Sprintf("logstore: metadata does not round-trip: %v", err))
	}
	s.meta = canon
	return nil
}

func (s *Store) writeHardState() error {
	if err := s.bolt.Set(keyHardState, encodeHardState(s.hs)); err != nil {
		return s.fail("write hard state", err)
	}
	s.stored = s.hs
	return nil
}
