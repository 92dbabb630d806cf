package tracker

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"sqlraft/raft/quorum"
	pb "sqlraft/raft/raftpb"
)

// Config is a membership configuration: the voters, possibly joint, and
// the learners.
type Config struct {
	// Voters[0] is the incoming config, Voters[1] the outgoing one, which is
	// non-empty exactly while the configuration is joint.
	Voters quorum.JointConfig
	// AutoLeave asks raft to propose leaving the joint configuration as soon
	// as entering it is committed. It is false outside a joint configuration.
	AutoLeave bool
	// Learners receive the log but do not vote.
	//
	// Invariant: Learners and both halves of Voters are disjoint, so a peer's
	// role never depends on which half of a joint config one looks at.
	Learners map[uint64]struct{}
	// LearnersNext are peers demoted from voter to learner while entering a
	// joint configuration. They remain voters of the outgoing half, so they
	// cannot join Learners yet without breaking the invariant above; they do
	// so when the joint configuration is left. For example, demoting 3 from
	// (1 2 3) gives voters (1 2)&&(1 2 3) with learners_next (3), and then
	// voters (1 2) with learners (3).
	//
	// Invariant: LearnersNext is a subset of Voters[1].
	LearnersNext map[uint64]struct{}
}

// String prints the configuration, e.g.
// "voters=(1 2)&&(1 2 3) learners=(4) learners_next=(3) autoleave".
func (c Config) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "voters=%s", c.Voters)
	if c.Learners != nil {
		fmt.Fprintf(&b, " learners=%s", quorum.MajorityConfig(c.Learners))
	}
	if c.LearnersNext != nil {
		fmt.Fprintf(&b, " learners_next=%s", quorum.MajorityConfig(c.LearnersNext))
	}
	if c.AutoLeave {
		b.WriteString(" autoleave")
	}
	return b.String()
}

// Clone returns a copy of c that shares no memory with it. Nil sets stay
// nil.
func (c Config) Clone() Config {
	return Config{
		Voters:       quorum.JointConfig{maps.Clone(c.Voters[0]), maps.Clone(c.Voters[1])},
		AutoLeave:    c.AutoLeave,
		Learners:     maps.Clone(c.Learners),
		LearnersNext: maps.Clone(c.LearnersNext),
	}
}

// ProgressTracker is the leader's bookkeeping for a raft group: the active
// configuration, the progress of every voter and learner in it, and the
// votes of the current election.
type ProgressTracker struct {
	Config

	Progress ProgressMap

	// Votes maps a voter ID to whether it granted its vote.
	Votes map[uint64]bool

	// MaxInflight and MaxInflightBytes size the Inflights of new progresses.
	MaxInflight      int
	MaxInflightBytes uint64
}

// MakeProgressTracker returns a tracker with an empty configuration whose
// new progresses admit maxInflight messages and maxBytes bytes in flight (0
// for no byte limit).
func MakeProgressTracker(maxInflight int, maxBytes uint64) ProgressTracker {
	return ProgressTracker{
		Config: Config{
			// The incoming half is never nil so changes can add to it; the
			// other sets are created when first used.
			Voters: quorum.JointConfig{quorum.MajorityConfig{}, nil},
		},
		Progress:         ProgressMap{},
		Votes:            map[uint64]bool{},
		MaxInflight:      maxInflight,
		MaxInflightBytes: maxBytes,
	}
}

// ConfState returns the active configuration with every ID list sorted.
func (p *ProgressTracker) ConfState() pb.ConfState {
	return pb.ConfState{
		Voters:         p.Voters[0].Slice(),
		VotersOutgoing: p.Voters[1].Slice(),
		Learners:       quorum.MajorityConfig(p.Learners).Slice(),
		LearnersNext:   quorum.MajorityConfig(p.LearnersNext).Slice(),
		AutoLeave:      p.AutoLeave,
	}
}

// IsSingleton reports whether the group has a single voter and is not
// joint, in which case the leader alone forms every quorum.
func (p *ProgressTracker) IsSingleton() bool {
	return len(p.Voters[0]) == 1 && len(p.Voters[1]) == 0
}

// matchAckIndexer presents each progress's Match as the index its peer
// acknowledged. It is a conversion of ProgressMap, so using it allocates
// nothing.
type matchAckIndexer map[uint64]*Progress

var _ quorum.AckedIndexer = matchAckIndexer(nil)

// AckedIndex implements quorum.AckedIndexer.
func (m matchAckIndexer) AckedIndex(id uint64) (quorum.Index, bool) {
	pr, ok := m[id]
	if !ok {
		return 0, false
	}
	return quorum.Index(pr.Match), true
}

// Committed returns the highest index acknowledged by a quorum of the
// voters (of both halves, while joint).
func (p *ProgressTracker) Committed() uint64 {
	return uint64(p.Voters.CommittedIndex(matchAckIndexer(p.Progress)))
}

// Visit calls f for every tracked peer in ascending ID order, so that the
// messages raft emits while visiting are deterministic.
func (p *ProgressTracker) Visit(f func(id uint64, pr *Progress)) {
	// Visit runs for every broadcast; sort on the stack for small groups,
	// as quorum.MajorityConfig.CommittedIndex does.
	var stack [7]uint64
	var ids []uint64
	if n := len(p.Progress); n <= len(stack) {
		ids = stack[:0]
	} else {
		ids = make([]uint64, 0, n)
	}
	for id := range p.Progress {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		f(id, p.Progress[id])
	}
}

// QuorumActive reports whether the voters marked RecentActive form a
// quorum of the (possibly joint) configuration. A leader that cannot say so
// after an election timeout steps down.
func (p *ProgressTracker) QuorumActive() bool {
	active := make(map[uint64]bool, len(p.Progress))
	for id, pr := range p.Progress {
		if !pr.IsLearner {
			active[id] = pr.RecentActive
		}
	}
	return p.Voters.VoteResult(active) == quorum.VoteWon
}

// VoterNodes returns the IDs of the voters of both halves, sorted.
func (p *ProgressTracker) VoterNodes() []uint64 {
	return slices.Sorted(maps.Keys(p.Voters.IDs()))
}

// LearnerNodes returns the IDs of the learners, sorted, or nil if there are
// none. Peers in LearnersNext are still voters and are not included.
func (p *ProgressTracker) LearnerNodes() []uint64 {
	return quorum.MajorityConfig(p.Learners).Slice()
}

// ResetVotes forgets all votes, ready for a new election.
func (p *ProgressTracker) ResetVotes() {
	p.Votes = map[uint64]bool{}
}

// RecordVote records id's answer. Only the first answer from a peer counts:
// a peer votes at most once per term, so a later, different answer can only
// be a stale or duplicated message.
func (p *ProgressTracker) RecordVote(id uint64, v bool) {
	if _, ok := p.Votes[id]; !ok {
		p.Votes[id] = v
	}
}

// TallyVotes returns how many voters granted and rejected their vote, and
// the election result. Votes from peers that are learners or no longer
// tracked are not counted.
func (p *ProgressTracker) TallyVotes() (granted, rejected int, result quorum.VoteResult) {
	for id, pr := range p.Progress {
		if pr.IsLearner {
			continue
		}
		v, voted := p.Votes[id]
		switch {
		case !voted:
		case v:
			granted++
		default:
			rejected++
		}
	}
	return granted, rejected, p.Voters.VoteResult(p.Votes)
}
