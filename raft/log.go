package raft

import (
	"errors"
	"fmt"

	pb "sqlraft/raft/raftpb"
)

// ErrLogInconsistent means a request would contradict the committed prefix
// of the log: truncate a committed entry, or commit past the end of the log.
// Either one means this node's log or its peer's is broken (lost writes,
// corruption, a wiped disk), and continuing could violate safety.
var ErrLogInconsistent = errors.New("raft: log inconsistent with committed entries")

// raftLog is the log as the consensus core sees it: the persisted part in
// Storage followed by the unstable part, plus the commit and apply cursors.
//
// The cursors satisfy applied <= applying <= committed <= lastIndex().
// Entries (applying, committed] are handed to the application next; entries
// (applied, applying] were handed out in a Ready that has not been advanced.
type raftLog struct {
	// storage holds the entries persisted since the last snapshot.
	storage Storage
	// unstable holds the entries and snapshot not yet persisted.
	unstable unstable

	// committed is the highest index known to be stored on a quorum.
	committed uint64
	// applying is the highest index handed to the application to apply.
	applying uint64
	// applied is the highest index the application confirmed applied.
	applied uint64

	// maxApplyingEntsSize bounds the total Size() of the entries handed
	// out for applying and not yet confirmed applied, so a node catching
	// up on a long committed log does not load all of it into memory.
	maxApplyingEntsSize uint64
	// applyingEntsSize is the total Size() of those entries.
	applyingEntsSize uint64
	// applyingEntsPaused stops handing out entries until applied catches
	// up, once the limit is reached.
	applyingEntsPaused bool
}

// newLog returns the log over storage, positioned as of the last snapshot:
// everything up to it is committed and applied, and later entries in
// storage wait for the commit index from the HardState or the leader.
func newLog(storage Storage, maxApplyingEntsSize uint64) (*raftLog, error) {
	if storage == nil {
		return nil, errors.New("raft: storage must not be nil")
	}
	firstIndex, err := storage.FirstIndex()
	if err != nil {
		return nil, fmt.Errorf("raft: read first index from storage: %w", err)
	}
	lastIndex, err := storage.LastIndex()
	if err != nil {
		return nil, fmt.Errorf("raft: read last index from storage: %w", err)
	}
	if firstIndex == 0 || lastIndex+1 < firstIndex {
		return nil, fmt.Errorf("raft: storage reports first index %d and last index %d", firstIndex, lastIndex)
	}
	return &raftLog{
		storage:             storage,
		unstable:            unstable{offset: lastIndex + 1},
		committed:           firstIndex - 1,
		applying:            firstIndex - 1,
		applied:             firstIndex - 1,
		maxApplyingEntsSize: maxApplyingEntsSize,
	}, nil
}

func (l *raftLog) String() string {
	return fmt.Sprintf("committed=%d applying=%d applied=%d unstable.offset=%d len(unstable.entries)=%d",
		l.committed, l.applying, l.applied, l.unstable.offset, len(l.unstable.entries))
}

// maybeAppend handles the entries of a MsgApp: ents follow the entry at
// prevIndex, which the leader has at prevTerm, and committed is the leader's
// commit index. If this log does not hold (prevIndex, prevTerm) it returns
// ok == false and the leader must back off. Otherwise the entries are merged
// and the commit index advances to min(committed, last new index), the
// highest index the leader vouches for.
//
// Entries this log already holds with the same term are kept, and only the
// suffix from the first conflict is replaced: a delayed, shorter append must
// not truncate entries that a later append already added.
//
// It returns an error wrapping ErrLogInconsistent, and changes nothing, if
// the entries conflict with a committed entry.
func (l *raftLog) maybeAppend(prevIndex, prevTerm, committed uint64, ents ...pb.Entry) (lastnewi uint64, ok bool, err error) {
	for i := range ents {
		if want := prevIndex + 1 + uint64(i); ents[i].Index != want {
			return 0, false, fmt.Errorf("raft: malformed append: entry %d has index %d, want %d", i, ents[i].Index, want)
		}
	}
	if !l.matchTerm(prevIndex, prevTerm) {
		return 0, false, nil
	}
	lastnewi = prevIndex + uint64(len(ents))
	switch ci := l.findConflict(ents); {
	case ci == 0:
	case ci <= l.committed:
		t := l.zeroTermOnOutOfBounds(l.term(ci))
		return 0, false, fmt.Errorf("%w: entry %d at term %d conflicts with existing term %d, committed index %d",
			ErrLogInconsistent, ci, ents[ci-prevIndex-1].Term, t, l.committed)
	default:
		l.append(ents[ci-prevIndex-1:]...)
	}
	if err := l.commitTo(min(committed, lastnewi)); err != nil {
		return 0, false, err
	}
	return lastnewi, true, nil
}

// append adds ents after truncating any existing entries from ents[0].Index
// on, and returns the new last index. Only the leader appending its own
// proposals and maybeAppend (after conflict checks) call it, so truncating a
// committed entry is a bug and panics.
func (l *raftLog) append(ents ...pb.Entry) uint64 {
	if len(ents) == 0 {
		return l.lastIndex()
	}
	if after := ents[0].Index - 1; after < l.committed {
		panic(fmt.Sprintf("raft: append after index %d would truncate committed index %d", after, l.committed))
	}
	l.unstable.truncateAndAppend(ents)
	return l.lastIndex()
}

// findConflict returns the index of the first entry of ents that this log
// does not hold with the same term: either a conflicting entry (same index,
// different term) or the first entry beyond the last index. It returns 0 if
// the log already holds all of ents. ents must have contiguous indexes.
func (l *raftLog) findConflict(ents []pb.Entry) uint64 {
	for i := range ents {
		if !l.matchTerm(ents[i].Index, ents[i].Term) {
			return ents[i].Index
		}
	}
	return 0
}

// findConflictByTerm guesses where this log stops matching another log of
// which only the entry (index, term) is known. It returns the largest index
// <= index whose term is <= term, with that term: no entry above it can
// match, because the other log's terms at and below index are all <= term.
// If the term at some index is unknown (compacted, or index beyond the last
// index), it returns that index with term 0: a possible match.
//
// A follower uses it to put a useful hint in a rejection, and the leader to
// skip a whole term of mismatched entries per round trip.
func (l *raftLog) findConflictByTerm(index, term uint64) (uint64, uint64) {
	for ; index > 0; index-- {
		ourTerm, err := l.term(index)
		if err != nil {
			return index, 0
		}
		if ourTerm <= term {
			return index, ourTerm
		}
	}
	return 0, 0
}

// unstableEntries returns the entries to persist in the next Ready. The
// result is capped, so an application appending to it cannot overwrite
// entries unstable appends later.
func (l *raftLog) unstableEntries() []pb.Entry {
	n := len(l.unstable.entries)
	if n == 0 {
		return nil
	}
	return l.unstable.entries[:n:n]
}

// hasNextUnstableEnts reports whether there are entries to persist.
func (l *raftLog) hasNextUnstableEnts() bool {
	return len(l.unstable.entries) > 0
}

// nextCommittedEnts returns the committed entries to hand to the
// application for applying: (applying, committed], limited in total size to
// what the apply budget has left but at least one entry unless paused.
//
// Unstable entries may be included. The application persists a Ready's
// Entries before it applies its CommittedEntries, so an entry is durable
// locally before it affects the state machine.
//
// While a snapshot is pending nothing is returned: the snapshot must be
// applied first, and the entries after it come in a later Ready.
func (l *raftLog) nextCommittedEnts() []pb.Entry {
	if !l.hasNextCommittedEnts() {
		return nil
	}
	var budget uint64
	if l.applyingEntsSize < l.maxApplyingEntsSize {
		budget = l.maxApplyingEntsSize - l.applyingEntsSize
	}
	ents, err := l.slice(l.applying+1, l.maxAppliableIndex()+1, budget)
	if err != nil {
		panic(fmt.Sprintf("raft: committed entries (%d, %d] not readable: %v", l.applying, l.committed, err))
	}
	return ents
}

// hasNextCommittedEnts reports whether nextCommittedEnts would return
// entries, without reading them.
func (l *raftLog) hasNextCommittedEnts() bool {
	if l.applyingEntsPaused || l.unstable.snapshot != nil {
		return false
	}
	return l.applying < l.maxAppliableIndex()
}

// maxAppliableIndex is the highest index that may be handed out for
// applying. It is the commit index: with synchronous persistence every
// committed entry is either in Storage or persisted along with the Ready
// that carries it.
func (l *raftLog) maxAppliableIndex() uint64 {
	return l.committed
}

// nextUnstableSnapshot returns the snapshot to persist and apply in the
// next Ready, or nil. The caller gets its own copy of the metadata; Data
// and the ConfState slices are shared and must not be modified.
func (l *raftLog) nextUnstableSnapshot() *pb.Snapshot {
	if l.unstable.snapshot == nil {
		return nil
	}
	s := *l.unstable.snapshot
	return &s
}

// hasNextUnstableSnapshot reports whether a snapshot waits to be persisted.
func (l *raftLog) hasNextUnstableSnapshot() bool {
	return l.unstable.snapshot != nil
}

// snapshot returns the newest snapshot: the pending one if any, else
// Storage's.
func (l *raftLog) snapshot() (pb.Snapshot, error) {
	if l.unstable.snapshot != nil {
		return *l.unstable.snapshot, nil
	}
	return l.storage.Snapshot()
}

func (l *raftLog) firstIndex() uint64 {
	if i, ok := l.unstable.maybeFirstIndex(); ok {
		return i
	}
	i, err := l.storage.FirstIndex()
	if err != nil {
		panic(fmt.Sprintf("raft: storage FirstIndex failed: %v", err))
	}
	return i
}

func (l *raftLog) lastIndex() uint64 {
	if i, ok := l.unstable.maybeLastIndex(); ok {
		return i
	}
	i, err := l.storage.LastIndex()
	if err != nil {
		panic(fmt.Sprintf("raft: storage LastIndex failed: %v", err))
	}
	return i
}

// lastTerm is the term of the last entry (or of the snapshot if the log
// holds no entries after it).
func (l *raftLog) lastTerm() uint64 {
	last := l.lastIndex()
	t, err := l.term(last)
	if err != nil {
		panic(fmt.Sprintf("raft: term of last index %d unknown: %v", last, err))
	}
	return t
}

// commitTo raises the commit index to tocommit; it never lowers it. A
// commit index beyond the last index means the log lost entries that a
// quorum acknowledged, and it returns an error wrapping ErrLogInconsistent.
func (l *raftLog) commitTo(tocommit uint64) error {
	if tocommit <= l.committed {
		return nil
	}
	if last := l.lastIndex(); tocommit > last {
		return fmt.Errorf("%w: commit index %d beyond last index %d: was the log corrupted, truncated or lost?",
			ErrLogInconsistent, tocommit, last)
	}
	l.committed = tocommit
	return nil
}

// appliedTo records that the application applied everything up to i, and
// that size bytes of the entries it was handed are no longer outstanding.
// i may be above applying when the application applied a snapshot.
func (l *raftLog) appliedTo(i uint64, size uint64) {
	if i > l.committed || i < l.applied {
		panic(fmt.Sprintf("raft: applied index %d out of range [applied %d, committed %d]", i, l.applied, l.committed))
	}
	l.applied = i
	l.applying = max(l.applying, i)
	if l.applyingEntsSize > size {
		l.applyingEntsSize -= size
	} else {
		l.applyingEntsSize = 0
	}
	l.applyingEntsPaused = l.applyingEntsSize >= l.maxApplyingEntsSize
}

// acceptApplying records that entries up to i, of total size size, were
// handed to the application in a Ready. Handing out more pauses while the
// outstanding size is at the limit, or when the size limit already cut this
// batch short of maxAppliableIndex (the next entry would exceed it).
func (l *raftLog) acceptApplying(i uint64, size uint64) {
	if i > l.committed || i < l.applying {
		panic(fmt.Sprintf("raft: applying index %d out of range [applying %d, committed %d]", i, l.applying, l.committed))
	}
	l.applying = i
	l.applyingEntsSize += size
	l.applyingEntsPaused = l.applyingEntsSize >= l.maxApplyingEntsSize || i < l.maxAppliableIndex()
}

// stableTo records that the entries handed out up to (i, t) are persisted.
func (l *raftLog) stableTo(i, t uint64) { l.unstable.stableTo(i, t) }

// stableSnapTo records that the snapshot at index i is persisted.
func (l *raftLog) stableSnapTo(i uint64) { l.unstable.stableSnapTo(i) }

// term returns the term of entry i. The valid range is [firstIndex()-1,
// lastIndex()]: the entry before the first one is compacted into the
// snapshot but its term is kept for matching appends. Below the range it
// returns ErrCompacted, above it ErrUnavailable; other storage errors panic.
func (l *raftLog) term(i uint64) (uint64, error) {
	// Unstable entries override Storage, and finding i there also proves it
	// in range, without asking Storage for the bounds.
	if t, ok := l.unstable.maybeTerm(i); ok {
		return t, nil
	}
	if i+1 < l.firstIndex() {
		return 0, ErrCompacted
	}
	if i > l.lastIndex() {
		return 0, ErrUnavailable
	}
	t, err := l.storage.Term(i)
	if err == nil {
		return t, nil
	}
	if errors.Is(err, ErrCompacted) || errors.Is(err, ErrUnavailable) {
		return 0, err
	}
	panic(fmt.Sprintf("raft: storage Term(%d) failed: %v", i, err))
}

// zeroTermOnOutOfBounds maps the result of term to a plain term, with 0 for
// an index outside the log; term 0 never matches a real entry. Other errors
// are storage failures and panic.
func (l *raftLog) zeroTermOnOutOfBounds(t uint64, err error) uint64 {
	if err == nil {
		return t
	}
	if errors.Is(err, ErrCompacted) || errors.Is(err, ErrUnavailable) {
		return 0
	}
	panic(fmt.Sprintf("raft: unexpected error reading term: %v", err))
}

// entries returns the entries from i to the end of the log, limited to
// maxSize (at least one entry); none if i is beyond the last index.
func (l *raftLog) entries(i, maxSize uint64) ([]pb.Entry, error) {
	if i > l.lastIndex() {
		return nil, nil
	}
	return l.slice(i, l.lastIndex()+1, maxSize)
}

// allEntries returns every entry in the log. For tests.
func (l *raftLog) allEntries() []pb.Entry {
	for {
		ents, err := l.entries(l.firstIndex(), noSizeLimit)
		if err == nil {
			return ents
		}
		if !errors.Is(err, ErrCompacted) {
			panic(err)
		}
		// Storage was compacted concurrently: read again from the new
		// first index.
	}
}

// isUpToDate reports whether a log ending at (lasti, term) is at least as
// up-to-date as this one (Raft §5.4.1): the later last term wins, and with
// equal last terms the longer log.
func (l *raftLog) isUpToDate(lasti, term uint64) bool {
	lt := l.lastTerm()
	return term > lt || (term == lt && lasti >= l.lastIndex())
}

// matchTerm reports whether this log holds entry i with the given term.
func (l *raftLog) matchTerm(i, term uint64) bool {
	t, err := l.term(i)
	return err == nil && t == term
}

// maybeCommit advances the commit index to maxIndex, the highest index a
// quorum has stored, if the entry there is from term, the leader's current
// term. A leader never commits an entry of an earlier term by counting
// replicas (Raft §5.4.2, Figure 8): such an entry can still be overwritten.
// It is committed indirectly once an entry of the current term is.
func (l *raftLog) maybeCommit(maxIndex, term uint64) bool {
	// Term 0 is never a leader's term, and zeroTermOnOutOfBounds reports 0
	// for unknown terms, so it must not count as a match.
	if maxIndex <= l.committed || term == 0 || l.zeroTermOnOutOfBounds(l.term(maxIndex)) != term {
		return false
	}
	if err := l.commitTo(maxIndex); err != nil {
		// The term of maxIndex is known, so it is within the log.
		panic(err)
	}
	return true
}

// restore resets the log to a snapshot received from the leader: everything
// up to it is committed, and the log continues after it.
func (l *raftLog) restore(s pb.Snapshot) {
	l.committed = s.Metadata.Index
	l.unstable.restore(s)
}

// slice returns the entries [lo, hi), limited to maxSize (at least one
// entry), reading Storage for the indexes below unstable.offset and unstable
// above. It returns ErrCompacted if lo is before the first index; hi beyond
// lastIndex()+1 is a bug and panics. The caller may append to the result
// but must not modify the entries.
func (l *raftLog) slice(lo, hi, maxSize uint64) ([]pb.Entry, error) {
	if err := l.mustCheckOutOfBounds(lo, hi); err != nil {
		return nil, err
	}
	if lo == hi {
		return nil, nil
	}
	var ents []pb.Entry
	if lo < l.unstable.offset {
		stableHi := min(hi, l.unstable.offset)
		stored, err := l.storage.Entries(lo, stableHi, maxSize)
		switch {
		case errors.Is(err, ErrCompacted):
			return nil, err
		case errors.Is(err, ErrUnavailable):
			panic(fmt.Sprintf("raft: entries [%d, %d) unavailable from storage: %v", lo, stableHi, err))
		case err != nil:
			panic(fmt.Sprintf("raft: storage Entries(%d, %d) failed: %v", lo, stableHi, err))
		}
		if uint64(len(stored)) < stableHi-lo {
			// Storage stopped at the size limit; nothing from unstable fits.
			return stored, nil
		}
		ents = stored
	}
	if hi > l.unstable.offset {
		fromUnstable := l.unstable.slice(max(lo, l.unstable.offset), hi)
		if len(ents) > 0 {
			// A new array: neither Storage's nor unstable's is appended to.
			combined := make([]pb.Entry, 0, len(ents)+len(fromUnstable))
			combined = append(combined, ents...)
			ents = append(combined, fromUnstable...)
		} else {
			ents = fromUnstable
		}
	}
	return LimitSize(ents, maxSize), nil
}

// mustCheckOutOfBounds returns ErrCompacted if lo is before the first
// index, and panics unless lo <= hi <= lastIndex()+1.
func (l *raftLog) mustCheckOutOfBounds(lo, hi uint64) error {
	if lo > hi {
		panic(fmt.Sprintf("raft: invalid slice [%d, %d)", lo, hi))
	}
	fi := l.firstIndex()
	if lo < fi {
		return ErrCompacted
	}
	if last := l.lastIndex(); hi > last+1 {
		panic(fmt.Sprintf("raft: slice [%d, %d) out of bounds [%d, %d]", lo, hi, fi, last))
	}
	return nil
}
