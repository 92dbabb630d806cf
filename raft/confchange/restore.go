package confchange

import (
	"fmt"

	pb "sqlraft/raft/raftpb"
	"sqlraft/raft/tracker"
)

// Restore rebuilds the configuration described by cs, for instance from a
// snapshot, starting from chg, which must hold an empty configuration. It
// replays changes through the Changer rather than filling in the sets
// directly, so that the result passes the same checks as any configuration
// built at run time; a ConfState that could not have come out of them (a
// peer both voter and learner, say) is refused.
//
// A joint configuration such as voters=(1 2 3)&&(1 2 4 6) learners=(5)
// learners_next=(4) is replayed in two stages. Simple changes build the
// outgoing voters as if they were the whole configuration:
//
//	add 1; add 2; add 4; add 6            => (1 2 4 6)
//
// then one EnterJoint removes them all and adds the incoming voters and the
// learners. Adding 4 as a learner while it is an outgoing voter stages it in
// LearnersNext:
//
//	remove 1 2 4 6; add 1 2 3; learner 5; learner 4
//	                                      => (1 2 3)&&(1 2 4 6) learners=(5) learners_next=(4)
//
// Which learners existed before the joint configuration cannot be known and
// does not matter; they are all added on entering it.
func Restore(chg Changer, cs pb.ConfState) (tracker.Config, tracker.ProgressMap, error) {
	if n := len(chg.Tracker.Voters.IDs()) + len(chg.Tracker.Learners) + len(chg.Tracker.Progress); n > 0 {
		return fail(fmt.Errorf("confchange: restore into a non-empty configuration %s", chg.Tracker.Config))
	}
	outgoing, incoming := replayChanges(cs)

	// adopt makes the result of one step the base of the next.
	adopt := func(cfg tracker.Config, prs tracker.ProgressMap, err error) error {
		if err != nil {
			return fmt.Errorf("restore %+v: %w", cs, err)
		}
		chg.Tracker.Config, chg.Tracker.Progress = cfg, prs
		return nil
	}
	if len(outgoing) == 0 {
		// Not joint: one simple change per peer.
		for _, cc := range incoming {
			if err := adopt(chg.Simple(cc)); err != nil {
				return fail(err)
			}
		}
	} else {
		for _, cc := range outgoing {
			if err := adopt(chg.Simple(cc)); err != nil {
				return fail(err)
			}
		}
		if err := adopt(chg.EnterJoint(cs.AutoLeave, incoming...)); err != nil {
			return fail(err)
		}
	}

	// The replay may quietly absorb what the ConfState got wrong (a
	// duplicate ID, a staged learner outside a joint config, AutoLeave
	// without one): compare to make sure it rebuilt exactly cs.
	if err := chg.Tracker.ConfState().Equivalent(cs); err != nil {
		return fail(fmt.Errorf("confchange: restore: %w", err))
	}
	return chg.Tracker.Config, chg.Tracker.Progress, nil
}

// replayChanges translates cs into the changes that build its outgoing
// voters and, applied on top, enter its incoming configuration. See Restore.
func replayChanges(cs pb.ConfState) (outgoing, incoming []pb.ConfChangeSingle) {
	for _, id := range cs.VotersOutgoing {
		outgoing = append(outgoing, pb.ConfChangeSingle{Type: pb.AddNode, NodeID: id})
	}
	for _, id := range cs.VotersOutgoing {
		incoming = append(incoming, pb.ConfChangeSingle{Type: pb.RemoveNode, NodeID: id})
	}
	for _, id := range cs.Voters {
		incoming = append(incoming, pb.ConfChangeSingle{Type: pb.AddNode, NodeID: id})
	}
	for _, id := range cs.Learners {
		incoming = append(incoming, pb.ConfChangeSingle{Type: pb.AddLearnerNode, NodeID: id})
	}
	for _, id := range cs.LearnersNext {
		incoming = append(incoming, pb.ConfChangeSingle{Type: pb.AddLearnerNode, NodeID: id})
	}
	return outgoing, incoming
}
