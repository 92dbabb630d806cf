package raft

import (
	"fmt"

	pb "sqlraft/raft/raftpb"
)

// unstable holds the log entries and the snapshot that raft has accepted but
// the application has not yet confirmed persisted. They are handed out in a
// Ready; the application writes them to Storage and calls Advance, and only
// then are they dropped from here (stableTo, stableSnapTo), because from
// then on Storage answers for them.
//
// Until then unstable is the authority for the indexes it covers: its
// entries may overwrite a suffix of what Storage holds (offset may be at or
// below Storage's last index), and a pending snapshot supersedes Storage
// entirely.
type unstable struct {
	// snapshot is the incoming snapshot not yet persisted, if any.
	snapshot *pb.Snapshot
	// entries are not yet persisted; entries[i] has index offset+i.
	entries []pb.Entry
	// offset is the index of entries[0], or the index that the next entry
	// would take when entries is empty.
	offset uint64
}

// maybeFirstIndex returns the first index of the log if a pending snapshot
// determines it; otherwise Storage knows.
func (u *unstable) maybeFirstIndex() (uint64, bool) {
	if u.snapshot != nil {
		return u.snapshot.Metadata.Index + 1, true
	}
	return 0, false
}

// maybeLastIndex returns the last index of the log if the unstable entries
// or a pending snapshot determine it; otherwise Storage knows.
func (u *unstable) maybeLastIndex() (uint64, bool) {
	if n := len(u.entries); n != 0 {
		return u.offset + uint64(n) - 1, true
	}
	if u.snapshot != nil {
		return u.snapshot.Metadata.Index, true
	}
	return 0, false
}

// maybeTerm returns the term of entry i if unstable knows it: i is an
// unstable entry or the index of the pending snapshot.
func (u *unstable) maybeTerm(i uint64) (uint64, bool) {
	if i < u.offset {
		if u.snapshot != nil && u.snapshot.Metadata.Index == i {
			return u.snapshot.Metadata.Term, true
		}
		return 0, false
	}
	last, ok := u.maybeLastIndex()
	if !ok || i > last {
		return 0, false
	}
	return u.entries[i-u.offset].Term, true
}

// stableTo records that the entries up to and including index i, whose
// entry has term t, are persisted, and drops them.
//
// Between handing out a Ready and its Advance, raft may have truncated the
// unstable log and appended a different suffix (a new leader overwrote it).
// The application then persisted entries that are no longer ours, and the
// replacements at the same indexes are not persisted yet. The term check
// detects this: by the Log Matching property an entry with the same index
// and term is the same entry, so a mismatch means entry i was rewritten and
// nothing is marked stable. The rewritten entries stay unstable and appear
// in the next Ready.
func (u *unstable) stableTo(i, t uint64) {
	gt, ok := u.maybeTerm(i)
	if !ok || i < u.offset {
		// Not an unstable entry (already stable, beyond the log, or the
		// pending snapshot's index, which stableSnapTo handles).
		return
	}
	if gt != t {
		return
	}
	u.entries = u.entries[i+1-u.offset:]
	u.offset = i + 1
	u.shrinkEntriesArray()
}

// shrinkEntriesArray lets go of the backing array once most of it is unused,
// so the persisted entries (and their Data) it still references can be
// collected. The remaining entries are copied rather than cleared in place:
// a Ready the application still holds may share the old array.
func (u *unstable) shrinkEntriesArray() {
	const lenMultiple = 2
	switch {
	case len(u.entries) == 0:
		u.entries = nil
	case len(u.entries)*lenMultiple < cap(u.entries):
		u.entries = append([]pb.Entry(nil), u.entries...)
	}
}

// stableSnapTo records that the pending snapshot at index i is persisted.
func (u *unstable) stableSnapTo(i uint64) {
	if u.snapshot != nil && u.snapshot.Metadata.Index == i {
		u.snapshot = nil
	}
}

// restore replaces the whole unstable state with a pending snapshot: the
// log now starts right after it.
func (u *unstable) restore(s pb.Snapshot) {
	u.offset = s.Metadata.Index + 1
	u.entries = nil
	u.snapshot = &s
}

// truncateAndAppend appends ents, first discarding any unstable entries at
// or after ents[0].Index: the caller has already decided that they conflict.
// ents must be contiguous and ents[0].Index must not exceed the last index +
// 1 (no gap).
//
// The entries are always copied into an array that unstable owns. The
// caller's slice (say, a message's Entries) is never retained, and a slice
// of unstable previously handed out in a Ready is never written over.
func (u *unstable) truncateAndAppend(ents []pb.Entry) {
	if len(ents) == 0 {
		return
	}
	from := ents[0].Index
	switch {
	case from == u.offset+uint64(len(u.entries)):
		// Directly after the last entry. Slices handed out are capped at
		// their length, so writing into spare capacity is safe.
		u.entries = append(u.entries, ents...)
	case from <= u.offset:
		// Everything unstable is replaced; the new entries may also
		// overwrite a suffix of Storage, which the application truncates
		// when it persists them.
		u.entries = append([]pb.Entry(nil), ents...)
		u.offset = from
	default:
		// Keep [offset, from) and replace the rest. slice caps its result,
		// so append copies into a new array.
		keep := u.slice(u.offset, from)
		u.entries = append(keep, ents...)
	}
}

// slice returns the unstable entries [lo, hi), which must lie within
// [offset, offset+len(entries)]. The result is capped at its length, so
// appending to it cannot overwrite unstable's entries; the entries
// themselves must not be modified.
func (u *unstable) slice(lo, hi uint64) []pb.Entry {
	u.mustCheckOutOfBounds(lo, hi)
	return u.entries[lo-u.offset : hi-u.offset : hi-u.offset]
}

// mustCheckOutOfBounds panics unless offset <= lo <= hi <=
// offset+len(entries). Callers compute the range from the log's own bounds,
// so a violation is a bug in raft.
func (u *unstable) mustCheckOutOfBounds(lo, hi uint64) {
	if lo > hi {
		panic(fmt.Sprintf("raft: invalid unstable.slice [%d, %d)", lo, hi))
	}
	upper := u.offset + uint64(len(u.entries))
	if lo < u.offset || hi > upper {
		panic(fmt.Sprintf("raft: unstable.slice [%d, %d) out of bounds [%d, %d]", lo, hi, u.offset, upper))
	}
}
