package quorum

// JointConfig is the configuration used during joint consensus: element 0
// is the incoming majority config and element 1 the outgoing one. Outside a
// joint transition element 1 is empty, and since an empty majority config
// neither limits the commit index nor blocks an election, a JointConfig then
// behaves exactly like its incoming half.
type JointConfig [2]MajorityConfig

// String prints the incoming config, followed by "&&" and the outgoing one
// while joint, e.g. "(1 2 3)&&(1 2 4)".
func (c JointConfig) String() string {
	if len(c[1]) > 0 {
		return c[0].String() + "&&" + c[1].String()
	}
	return c[0].String()
}

// IDs returns the union of the voters of both halves.
func (c JointConfig) IDs() map[uint64]struct{} {
	ids := make(map[uint64]struct{}, len(c[0])+len(c[1]))
	for _, half := range c {
		for id := range half {
			ids[id] = struct{}{}
		}
	}
	return ids
}

// CommittedIndex returns the largest index committed in both halves, that
// is, acknowledged by a majority of each.
func (c JointConfig) CommittedIndex(l AckedIndexer) Index {
	return min(c[0].CommittedIndex(l), c[1].CommittedIndex(l))
}

// VoteResult requires a win in both halves; a loss in either half loses.
func (c JointConfig) VoteResult(votes map[uint64]bool) VoteResult {
	r0 := c[0].VoteResult(votes)
	r1 := c[1].VoteResult(votes)
	switch {
	case r0 == VoteWon && r1 == VoteWon:
		return VoteWon
	case r0 == VoteLost || r1 == VoteLost:
		return VoteLost
	default:
		return VotePending
	}
}
