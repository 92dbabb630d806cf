package raft

import (
	"math"

	pb "sqlraft/raft/raftpb"
)

// noSizeLimit disables a size limit (LimitSize, Storage.Entries).
const noSizeLimit = math.MaxUint64

// LimitSize returns the longest prefix of ents whose total Size() is at most
// maxSize, but never fewer than one entry when ents is non-empty, as
// Storage.Entries must (implementations use it): a single
// entry larger than the limit must still make progress, or the log would
// stall behind it.
//
// The result's capacity equals its length, so a caller appending to it
// reallocates instead of overwriting the entries that were cut off, which
// may still be owned by storage or the unstable log.
func LimitSize(ents []pb.Entry, maxSize uint64) []pb.Entry {
	if len(ents) == 0 {
		return ents
	}
	size := uint64(ents[0].Size())
	n := 1
	for ; n < len(ents); n++ {
		size += uint64(ents[n].Size())
		if size > maxSize {
			break
		}
	}
	return ents[:n:n]
}

// entsSize is the total Size() of ents, the measure used by the message and
// apply size limits.
func entsSize(ents []pb.Entry) uint64 {
	var s uint64
	for i := range ents {
		s += uint64(ents[i].Size())
	}
	return s
}

// payloadsSize is the total PayloadSize() of ents, the measure used by the
// uncommitted-entries limit.
func payloadsSize(ents []pb.Entry) uint64 {
	var s uint64
	for i := range ents {
		s += uint64(ents[i].PayloadSize())
	}
	return s
}
