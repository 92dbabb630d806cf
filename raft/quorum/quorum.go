package quorum

import (
	"math"
	"strconv"
)

// Index is a raft log index as seen by quorum computations. The largest
// value, math.MaxUint64, stands for "no constraint" and is what an empty
// majority config reports as committed.
type Index uint64

func (i Index) String() string {
	if i == math.MaxUint64 {
		return "∞"
	}
	return strconv.FormatUint(uint64(i), 10)
}

// AckedIndexer reports the highest log index a voter is known to hold.
// found is false for a voter nothing is known about; such a voter counts as
// having acknowledged nothing.
type AckedIndexer interface {
	AckedIndex(voterID uint64) (idx Index, found bool)
}

// MapAckIndexer is an AckedIndexer backed by a plain map, mostly useful in
// tests and tools.
type MapAckIndexer map[uint64]Index

// AckedIndex implements AckedIndexer.
func (m MapAckIndexer) AckedIndex(id uint64) (Index, bool) {
	idx, ok := m[id]
	return idx, ok
}

// VoteResult is the outcome of an election as far as it is known.
type VoteResult uint8

const (
	// VotePending means the outcome still depends on votes not yet cast.
	VotePending VoteResult = 1 + iota
	// VoteLost means enough voters have refused that winning is impossible.
	VoteLost
	// VoteWon means a quorum has granted the vote.
	VoteWon
)

func (v VoteResult) String() string {
	switch v {
	case VotePending:
		return "VotePending"
	case VoteLost:
		return "VoteLost"
	case VoteWon:
		return "VoteWon"
	}
	return "VoteResult(" + strconv.Itoa(int(v)) + ")"
}
