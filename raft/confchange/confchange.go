package confchange

import (
	"errors"
	"fmt"

	"sqlraft/raft/quorum"
	pb "sqlraft/raft/raftpb"
	"sqlraft/raft/tracker"
)

// Errors returned for changes that are refused. Other errors report a
// configuration that breaks an invariant, which means a bug upstream.
var (
	// ErrAlreadyJoint: entering a joint configuration, or making a simple
	// change, while joint.
	ErrAlreadyJoint = errors.New("confchange: configuration is joint")
	// ErrNotJoint: leaving a joint configuration that is not joint.
	ErrNotJoint = errors.New("confchange: configuration is not joint")
	// ErrTooManyVoterChanges: a simple change altering more than one voter,
	// which needs joint consensus to be safe.
	ErrTooManyVoterChanges = errors.New("confchange: more than one voter changed without joint consensus")
	// ErrNoVoters: a change that would leave no voter to decide anything.
	ErrNoVoters = errors.New("confchange: no voters")
)

// Changer applies configuration changes to a copy of Tracker. LastIndex is
// the leader's last log index, used to start replication to added peers.
type Changer struct {
	Tracker   tracker.ProgressTracker
	LastIndex uint64
}

// EnterJoint enters a joint configuration: the current voters become the
// outgoing half, say (1 2 3)&&(1 2 3), and ccs are applied to the incoming
// half, say giving (1 2 4)&&(1 2 3). This is C_{old,new} of the Raft thesis,
// section 4.3: from now on every decision needs a majority of both. If
// autoLeave is set, raft proposes LeaveJoint as soon as this configuration
// is committed; otherwise the application must.
func (c Changer) EnterJoint(autoLeave bool, ccs ...pb.ConfChangeSingle) (tracker.Config, tracker.ProgressMap, error) {
	cfg, prs, err := c.checkAndCopy()
	if err != nil {
		return fail(err)
	}
	if joint(cfg) {
		return fail(ErrAlreadyJoint)
	}
	if len(cfg.Voters[0]) == 0 {
		// An empty config may be populated by simple changes (that is how
		// bootstrap and Restore start), but a joint config with an empty
		// outgoing half would not be joint at all.
		return fail(fmt.Errorf("%w: cannot enter a joint configuration from an empty one", ErrNoVoters))
	}
	cfg.Voters[1] = quorum.MajorityConfig{}
	for id := range cfg.Voters[0] {
		cfg.Voters[1][id] = struct{}{}
	}
	if err := c.apply(&cfg, prs, ccs); err != nil {
		return fail(err)
	}
	cfg.AutoLeave = autoLeave
	return checked(cfg, prs)
}

// LeaveJoint leaves a joint configuration: the incoming voters decide
// alone (C_new), peers staged in LearnersNext become learners, and peers
// that are neither voters nor learners any more lose their progress.
func (c Changer) LeaveJoint() (tracker.Config, tracker.ProgressMap, error) {
	cfg, prs, err := c.checkAndCopy()
	if err != nil {
		return fail(err)
	}
	if !joint(cfg) {
		return fail(ErrNotJoint)
	}
	for id := range cfg.LearnersNext {
		add(&cfg.Learners, id)
		prs[id].IsLearner = true
	}
	cfg.LearnersNext = nil
	for id := range cfg.Voters[1] {
		_, isVoter := cfg.Voters[0][id]
		_, isLearner := cfg.Learners[id]
		if !isVoter && !isLearner {
			delete(prs, id)
		}
	}
	cfg.Voters[1] = nil
	cfg.AutoLeave = false
	return checked(cfg, prs)
}

// Simple applies ccs without joint consensus. That is safe only if the set
// of voters changes by at most one member (any majority of the old set then
// overlaps any majority of the new one), so larger changes are refused, as
// is any change while joint or one that removes every voter. Learner changes
// are unrestricted.
func (c Changer) Simple(ccs ...pb.ConfChangeSingle) (tracker.Config, tracker.ProgressMap, error) {
	cfg, prs, err := c.checkAndCopy()
	if err != nil {
		return fail(err)
	}
	if joint(cfg) {
		return fail(ErrAlreadyJoint)
	}
	if err := c.apply(&cfg, prs, ccs); err != nil {
		return fail(err)
	}
	if n := symdiff(c.Tracker.Voters[0], cfg.Voters[0]); n > 1 {
		return fail(fmt.Errorf("%w: %d voters changed", ErrTooManyVoterChanges, n))
	}
	return checked(cfg, prs)
}

// apply carries out ccs on the incoming half of cfg. The outgoing half, if
// any, is never changed: it is the configuration being left.
func (c Changer) apply(cfg *tracker.Config, prs tracker.ProgressMap, ccs []pb.ConfChangeSingle) error {
	for _, cc := range ccs {
		if cc.NodeID == 0 {
			// An application that decides not to carry out a change it has
			// proposed zeroes its NodeID; the change must still be consumed
			// identically on every node, as a no-op.
			continue
		}
		switch cc.Type {
		case pb.AddNode:
			c.makeVoter(cfg, prs, cc.NodeID)
		case pb.AddLearnerNode:
			c.makeLearner(cfg, prs, cc.NodeID)
		case pb.RemoveNode:
			remove(cfg, prs, cc.NodeID)
		default:
			return fmt.Errorf("confchange: unknown change type %s", cc.Type)
		}
	}
	if len(cfg.Voters[0]) == 0 {
		return fmt.Errorf("%w: the changes remove every voter", ErrNoVoters)
	}
	return nil
}

// makeVoter adds id as a voter of the incoming half, promoting it if it is
// a learner (its progress, and so its replication state, is kept).
func (c Changer) makeVoter(cfg *tracker.Config, prs tracker.ProgressMap, id uint64) {
	pr := prs[id]
	if pr == nil {
		c.initProgress(cfg, prs, id, false)
		return
	}
	pr.IsLearner = false
	del(&cfg.Learners, id)
	del(&cfg.LearnersNext, id)
	cfg.Voters[0][id] = struct{}{}
}

// makeLearner adds id as a learner, demoting it if it is a voter. A voter
// of the outgoing half cannot be a learner until the joint configuration is
// left, since voters and learners must stay disjoint; it is staged in
// LearnersNext instead and keeps voting in the outgoing half until then.
func (c Changer) makeLearner(cfg *tracker.Config, prs tracker.ProgressMap, id uint64) {
	pr := prs[id]
	if pr == nil {
		c.initProgress(cfg, prs, id, true)
		return
	}
	if pr.IsLearner {
		return
	}
	remove(cfg, prs, id)
	prs[id] = pr // keep the progress: the peer stays in the group
	if _, outgoing := cfg.Voters[1][id]; outgoing {
		add(&cfg.LearnersNext, id)
	} else {
		pr.IsLearner = true
		add(&cfg.Learners, id)
	}
}

// remove takes id out of the incoming half and out of the learners. Its
// progress goes too, unless it still votes in the outgoing half. Removing a
// peer that is not tracked does nothing.
func remove(cfg *tracker.Config, prs tracker.ProgressMap, id uint64) {
	if _, ok := prs[id]; !ok {
		return
	}
	delete(cfg.Voters[0], id)
	del(&cfg.Learners, id)
	del(&cfg.LearnersNext, id)
	if _, outgoing := cfg.Voters[1][id]; !outgoing {
		delete(prs, id)
	}
}

// initProgress adds a new peer, as a voter or a learner.
func (c Changer) initProgress(cfg *tracker.Config, prs tracker.ProgressMap, id uint64, isLearner bool) {
	if isLearner {
		add(&cfg.Learners, id)
	} else {
		cfg.Voters[0][id] = struct{}{}
	}
	prs[id] = &tracker.Progress{
		// Nothing is known of the new peer's log. Starting at the leader's
		// last index makes the first append a probe of that entry; a
		// rejection then walks Next back to where the logs agree, or to a
		// snapshot. Next is at least 1 to keep Match < Next.
		Match:     0,
		Next:      max(c.LastIndex, 1),
		Inflights: tracker.NewInflights(c.Tracker.MaxInflight, c.Tracker.MaxInflightBytes),
		IsLearner: isLearner,
		// A new peer has had no chance to talk to the leader yet. Counting
		// it as inactive could make a leader checking quorum step down right
		// after adding it.
		RecentActive: true,
	}
}

// checkAndCopy validates the Changer's tracker and returns copies of its
// configuration and progress map that can be changed freely. Each Progress
// is copied too, since changes flip IsLearner; Inflights stay shared, as
// the Changer never touches them.
func (c Changer) checkAndCopy() (tracker.Config, tracker.ProgressMap, error) {
	cfg := c.Tracker.Config.Clone()
	// Normalize: the incoming half always exists so changes can add to it;
	// the other sets are nil when empty.
	if cfg.Voters[0] == nil {
		cfg.Voters[0] = quorum.MajorityConfig{}
	}
	if len(cfg.Voters[1]) == 0 {
		cfg.Voters[1] = nil
	}
	if len(cfg.Learners) == 0 {
		cfg.Learners = nil
	}
	if len(cfg.LearnersNext) == 0 {
		cfg.LearnersNext = nil
	}
	prs := make(tracker.ProgressMap, len(c.Tracker.Progress))
	for id, pr := range c.Tracker.Progress {
		cp := *pr
		prs[id] = &cp
	}
	if err := checkInvariants(cfg, prs); err != nil {
		return tracker.Config{}, nil, fmt.Errorf("confchange: invalid input: %w", err)
	}
	return cfg, prs, nil
}

// checked returns cfg and prs if they satisfy the invariants.
func checked(cfg tracker.Config, prs tracker.ProgressMap) (tracker.Config, tracker.ProgressMap, error) {
	if err := checkInvariants(cfg, prs); err != nil {
		return fail(fmt.Errorf("confchange: invalid result: %w", err))
	}
	return cfg, prs, nil
}

func fail(err error) (tracker.Config, tracker.ProgressMap, error) {
	return tracker.Config{}, nil, err
}

// checkInvariants verifies that cfg and prs agree:
//   - the tracked peers are exactly the voters (of either half), learners
//     and staged learners;
//   - learners are disjoint from the voters of both halves, and progress
//     marks exactly them as learners;
//   - staged learners are outgoing voters;
//   - outside a joint configuration there is no outgoing half, no staged
//     learner and no AutoLeave.
//
// The empty configuration is valid: it is where bootstrap starts.
func checkInvariants(cfg tracker.Config, prs tracker.ProgressMap) error {
	for _, ids := range []map[uint64]struct{}{cfg.Voters[0], cfg.Voters[1], cfg.Learners, cfg.LearnersNext} {
		for id := range ids {
			if _, ok := prs[id]; !ok {
				return fmt.Errorf("no progress for %d", id)
			}
		}
	}
	for id := range prs {
		_, in := cfg.Voters[0][id]
		_, out := cfg.Voters[1][id]
		_, learner := cfg.Learners[id]
		if !in && !out && !learner {
			return fmt.Errorf("progress for %d, which is not a member", id)
		}
	}
	for id := range cfg.Learners {
		if _, ok := cfg.Voters[0][id]; ok {
			return fmt.Errorf("%d is both a learner and an incoming voter", id)
		}
		if _, ok := cfg.Voters[1][id]; ok {
			return fmt.Errorf("%d is both a learner and an outgoing voter", id)
		}
		if !prs[id].IsLearner {
			return fmt.Errorf("%d is a learner, but its progress is not marked as one", id)
		}
	}
	for _, half := range cfg.Voters {
		for id := range half {
			if prs[id].IsLearner {
				return fmt.Errorf("%d is a voter, but its progress is marked as a learner", id)
			}
		}
	}
	for id := range cfg.LearnersNext {
		if _, ok := cfg.Voters[1][id]; !ok {
			return fmt.Errorf("%d is in LearnersNext but not an outgoing voter", id)
		}
	}
	if !joint(cfg) {
		if cfg.Voters[1] != nil {
			return errors.New("outgoing voters must be nil when not joint")
		}
		if cfg.LearnersNext != nil {
			return errors.New("LearnersNext must be nil when not joint")
		}
		if cfg.AutoLeave {
			return errors.New("AutoLeave set when not joint")
		}
	}
	return nil
}

func joint(cfg tracker.Config) bool {
	return len(cfg.Voters[1]) > 0
}

// add inserts id into *m, creating the set if needed.
func add(m *map[uint64]struct{}, id uint64) {
	if *m == nil {
		*m = map[uint64]struct{}{}
	}
	(*m)[id] = struct{}{}
}

// del removes id from *m, leaving nil rather than an empty set.
func del(m *map[uint64]struct{}, id uint64) {
	delete(*m, id)
	if len(*m) == 0 {
		*m = nil
	}
}

// symdiff returns the number of IDs in exactly one of a and b.
func symdiff(a, b map[uint64]struct{}) int {
	n := 0
	for id := range a {
		if _, ok := b[id]; !ok {
			n++
		}
	}
	for id := range b {
		if _, ok := a[id]; !ok {
			n++
		}
	}
	return n
}
