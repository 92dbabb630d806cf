package quorum

import (
	"math"
	"slices"
	"strconv"
	"strings"
)

// MajorityConfig is a set of voter IDs that decides by simple majority: a
// decision needs len/2+1 of them.
type MajorityConfig map[uint64]struct{}

// String prints the voters in ascending order, e.g. "(1 2 3)".
func (c MajorityConfig) String() string {
	var b strings.Builder
	b.WriteByte('(')
	for i, id := range c.Slice() {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strconv.FormatUint(id, 10))
	}
	b.WriteByte(')')
	return b.String()
}

// Slice returns the voter IDs in ascending order.
func (c MajorityConfig) Slice() []uint64 {
	if len(c) == 0 {
		return nil
	}
	ids := make([]uint64, 0, len(c))
	for id := range c {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// smallConfig is the largest voter count handled without a heap
// allocation. Commit-index computation runs on every append acknowledgement
// at the leader, and real clusters almost never have more than seven voters.
const smallConfig = 7

// CommittedIndex returns the largest index that a majority of the voters
// have acknowledged. A voter unknown to l counts as having acknowledged 0.
//
// An empty config returns math.MaxUint64: it places no constraint, which is
// what makes the minimum over the two halves of a JointConfig correct when
// the outgoing half is empty.
func (c MajorityConfig) CommittedIndex(l AckedIndexer) Index {
	n := len(c)
	if n == 0 {
		return math.MaxUint64
	}
	var stack [smallConfig]uint64
	var acked []uint64
	if n <= len(stack) {
		acked = stack[:n]
	} else {
		acked = make([]uint64, n)
	}
	i := 0
	for id := range c {
		idx, _ := l.AckedIndex(id) // zero when not found
		acked[i] = uint64(idx)
		i++
	}
	slices.Sort(acked)
	// Sorted ascending, the entry at position n-quorum is the largest value
	// that quorum voters (itself and everything to its right) have reached.
	return Index(acked[n-(n/2+1)])
}

// VoteResult tallies votes (true = granted) cast by the voters of c; votes
// from IDs outside c are ignored. An empty config wins every election, so
// that it is neutral inside a JointConfig.
func (c MajorityConfig) VoteResult(votes map[uint64]bool) VoteResult {
	if len(c) == 0 {
		return VoteWon
	}
	var yes, missing int
	for id := range c {
		v, ok := votes[id]
		switch {
		case !ok:
			missing++
		case v:
			yes++
		}
	}
	q := len(c)/2 + 1
	switch {
	case yes >= q:
		return VoteWon
	case yes+missing >= q:
		return VotePending
	default:
		return VoteLost
	}
}
