package raft

import (
	"slices"
	"testing"

	pb "sqlraft/raft/raftpb"
)

// Scenarios 21-24: learners, joint consensus, one pending conf change and
// removing the leader. Membership changes go through RawNode.ProposeConfChange
// and take effect when the harness applies them. Helpers prefixed sc are
// shared with scenario_reads_test.go (scenarios 25-28).

func scMust(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func scAdd(id uint64) pb.ConfChangeSingle { return pb.ConfChangeSingle{Type: pb.AddNode, NodeID: id} }
func scRemove(id uint64) pb.ConfChangeSingle {
	return pb.ConfChangeSingle{Type: pb.RemoveNode, NodeID: id}
}
func scLearner(id uint64) pb.ConfChangeSingle {
	return pb.ConfChangeSingle{Type: pb.AddLearnerNode, NodeID: id}
}

// scProposeCC proposes a conf change at id without delivering anything and
// returns the index the proposal would take.
func scProposeCC(t *testing.T, nw *testNetwork, id uint64, cc pb.ConfChangeV2) uint64 {
	t.Helper()
	if err := nw.nodes[id].rn.ProposeConfChange(cc); err != nil {
		t.Fatalf("node %d: propose conf change %q: %v", id, cc, err)
	}
	return nw.raft(id).raftLog.lastIndex()
}

// scRunUntil runs the network one step at a time (one Ready or one delivered
// message) and stops as soon as cond holds, leaving the rest queued.
func scRunUntil(t *testing.T, nw *testNetwork, what string, cond func() bool) {
	t.Helper()
	for range 10000 {
		if cond() {
			return
		}
		progressed := false
		for _, id := range nw.ids() {
			if nw.processReady(id) {
				progressed = true
				if cond() {
					return
				}
			}
		}
		if len(nw.queue) > 0 {
			m := nw.queue[0]
			nw.queue = nw.queue[1:]
			nw.deliver(m)
			progressed = true
		}
		if !progressed {
			t.Fatalf("network went quiet before %s", what)
		}
	}
	t.Fatalf("gave up waiting for %s", what)
}

// scCountFrom counts messages of type typ sent by from among those delivered
// since the first since.
func scCountFrom(nw *testNetwork, since int, typ pb.MessageType, from uint64) int {
	n := 0
	for _, m := range nw.delivered[since:] {
		if m.Type == typ && m.From == from {
			n++
		}
	}
	return n
}

// scEntry returns the entry at index i of a node's log.
func scEntry(t *testing.T, nw *testNetwork, id, i uint64) pb.Entry {
	t.Helper()
	ents, err := nw.raft(id).raftLog.slice(i, i+1, noLimit)
	if err != nil || len(ents) != 1 {
		t.Fatalf("node %d: entry %d: %v", id, i, err)
	}
	return ents[0]
}

// scConf returns a node's active configuration.
func scConf(nw *testNetwork, id uint64) pb.ConfState { return nw.raft(id).trk.ConfState() }

func scWantConf(t *testing.T, nw *testNetwork, id uint64, want pb.ConfState) {
	t.Helper()
	if err := scConf(nw, id).Equivalent(want); err != nil {
		t.Fatalf("node %d configuration: %v", id, err)
	}
}

func scWantApplied(t *testing.T, nw *testNetwork, id uint64, want ...string) {
	t.Helper()
	if got := nw.appliedData(id); !slices.Equal(got, want) {
		t.Fatalf("node %d applied %q, want %q", id, got, want)
	}
}

// scElect lets every node's clock pass one election timeout without anyone
// campaigning (a restarted node in lease mode refuses votes until then), then
// elects id.
func scElect(t *testing.T, nw *testNetwork, id uint64) {
	t.Helper()
	for _, n := range nw.ids() {
		nw.raft(n).randomizedElectionTimeout = 1 << 20
	}
	nw.tick(nw.raft(id).electionTimeout)
	nw.campaign(id)
	if nw.leader() != id {
		t.Fatalf("setup: leader = %d, want %d", nw.leader(), id)
	}
}

func scReadIndex(t *testing.T, nw *testNetwork, id uint64, ctx string) {
	t.Helper()
	if err := nw.nodes[id].rn.ReadIndex([]byte(ctx)); err != nil {
		t.Fatalf("node %d: ReadIndex(%s): %v", id, ctx, err)
	}
}

func scWantReads(t *testing.T, nw *testNetwork, id uint64, want ...ReadState) {
	t.Helper()
	same := func(a, b ReadState) bool { return a.Index == b.Index && string(a.RequestCtx) == string(b.RequestCtx) }
	if got := nw.nodes[id].readStates; !slices.EqualFunc(got, want, same) {
		t.Fatalf("node %d read states %+v, want %+v", id, got, want)
	}
}

func scDeliverAll(nw *testNetwork, msgs []pb.Message) {
	for _, m := range msgs {
		nw.deliver(m)
	}
}

// TestScenario21LearnerReplicatesButNeverCountsOrCampaigns proves that a
// learner receives and applies the log but never counts toward a quorum and
// never campaigns (not on a timeout, not on Campaign, not on MsgTimeoutNow),
// and that once promoted it does count.
func TestScenario21LearnerReplicatesButNeverCountsOrCampaigns(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2}, []uint64{3}, nil)
	nw.campaign(1)
	scMust(t, nw.propose(1, "a"))
	scWantApplied(t, nw, 3, "a")

	// With voter 2 gone, the leader and the learner hold "b", and it must
	// not commit: a learner is not half of {1, 2}.
	nw.isolate(2)
	commit := nw.raft(1).raftLog.committed
	scMust(t, nw.propose(1, "b"))
	last := nw.raft(1).raftLog.lastIndex()
	if got := nw.raft(1).trk.Progress[3].Match; got != last {
		t.Fatalf("learner match = %d, want %d: it should hold the entry", got, last)
	}
	if got := nw.raft(1).raftLog.committed; got != commit {
		t.Fatalf("commit moved %d -> %d with only the leader and a learner", commit, got)
	}

	// The learner never campaigns, however it is prodded.
	term, n0 := nw.raft(3).Term, len(nw.delivered)
	scMust(t, nw.nodes[3].rn.Campaign())
	timeoutNow := pb.Message{Type: pb.MsgTimeoutNow, From: 1, To: 3, Term: nw.raft(1).Term}
	scMust(t, nw.nodes[3].rn.Step(timeoutNow))
	nw.tick(100, 3)
	if r := nw.raft(3); r.state != StateFollower || r.Term != term {
		t.Fatalf("learner is %s at term %d, want follower at term %d", r.state, r.Term, term)
	}
	for _, typ := range []pb.MessageType{pb.MsgPreVote, pb.MsgVote} {
		if n := scCountFrom(nw, n0, typ, 3); n != 0 {
			t.Fatalf("learner sent %d %s", n, typ)
		}
	}

	nw.heal()
	nw.tick(1, 1) // a heartbeat lets the leader resend what 2 missed
	scWantApplied(t, nw, 1, "a", "b")

	// Promoted, 3 counts: with 2 isolated again, {1, 3} commit "c".
	scProposeCC(t, nw, 1, pb.ConfChangeV2{Changes: []pb.ConfChangeSingle{scAdd(3)}})
	nw.stabilize()
	for _, id := range []uint64{1, 2, 3} {
		scWantConf(t, nw, id, pb.ConfState{Voters: []uint64{1, 2, 3}})
	}
	nw.isolate(2)
	scMust(t, nw.propose(1, "c"))
	scWantApplied(t, nw, 1, "a", "b", "c")
	scWantApplied(t, nw, 3, "a", "b", "c")
	if !nw.raft(3).promotable() {
		t.Fatal("promoted node 3 is still not promotable")
	}
}

// TestScenario21LearnerVotesWhenCandidateThinksItIsAVoter proves that a node
// that still believes it is a learner grants its vote to a candidate that has
// applied its promotion (etcd's campaign_learner_must_vote). Otherwise the
// group, down to two of its three voters, could never elect a leader.
func TestScenario21LearnerVotesWhenCandidateThinksItIsAVoter(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2}, []uint64{3}, nil)
	nw.campaign(1)

	// Promote 3. Both followers store the entry; only 2 learns it is
	// committed before the leader dies.
	idx := scProposeCC(t, nw, 1, pb.ConfChangeV2{Changes: []pb.ConfChangeSingle{scAdd(3)}})
	scRunUntil(t, nw, "the promotion committing at the leader", func() bool {
		return nw.raft(1).raftLog.committed >= idx
	})
	nw.processReady(1)
	for _, m := range nw.takeQueue() {
		if m.To != 3 {
			nw.deliver(m)
		}
	}
	nw.stabilize()
	nw.crash(1)
	if !nw.raft(3).isLearner || nw.raft(3).raftLog.lastIndex() < idx {
		t.Fatalf("setup: node 3 should hold the promotion but still be a learner (learner=%v last=%d)",
			nw.raft(3).isLearner, nw.raft(3).raftLog.lastIndex())
	}
	scWantConf(t, nw, 2, pb.ConfState{Voters: []uint64{1, 2, 3}})

	// Let 3 stop believing in leader 1 (CheckQuorum stickiness), then 2
	// campaigns: it needs 3's vote.
	nw.tick(10, 3)
	term := nw.raft(2).Term
	nw.campaign(2)
	if nw.leader() != 2 || nw.raft(2).Term != term+1 {
		t.Fatalf("leader = %d at term %d, want 2 at term %d", nw.leader(), nw.raft(2).Term, term+1)
	}
	if v := nw.raft(3).Vote; v != 2 {
		t.Fatalf("node 3 voted for %d, want 2", v)
	}
	if nw.raft(3).isLearner {
		t.Fatal("node 3 should have applied its promotion from the new leader")
	}
}

// scJointCluster starts {1,2,3} with leader 1 and moves it, in explicit joint
// mode, to the joint configuration {1,4,5}&&{1,2,3}.
func scJointCluster(t *testing.T, configure func(*Config)) *testNetwork {
	t.Helper()
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, configure)
	nw.add(4, NewMemoryStorage())
	nw.add(5, NewMemoryStorage())
	nw.campaign(1)
	scProposeCC(t, nw, 1, pb.ConfChangeV2{Transition: pb.ConfChangeTransitionJointExplicit,
		Changes: []pb.ConfChangeSingle{scAdd(4), scAdd(5), scRemove(2), scRemove(3)}})
	nw.stabilize()
	joint := pb.ConfState{Voters: []uint64{1, 4, 5}, VotersOutgoing: []uint64{1, 2, 3}}
	for _, id := range nw.ids() {
		scWantConf(t, nw, id, joint)
	}
	return nw
}

// TestScenario22JointCommitNeedsBothMajorities proves that while joint, an
// entry commits only once a majority of the outgoing and a majority of the
// incoming voters hold it.
func TestScenario22JointCommitNeedsBothMajorities(t *testing.T) {
	nw := scJointCluster(t, nil)
	c0 := nw.raft(1).raftLog.committed

	// Only the outgoing half {1,2,3} is reachable.
	nw.partition([]uint64{1}, []uint64{4, 5})
	scMust(t, nw.propose(1, "x"))
	if m2, m3 := nw.raft(1).trk.Progress[2].Match, nw.raft(1).trk.Progress[3].Match; m2 != c0+1 || m3 != c0+1 {
		t.Fatalf("outgoing voters match %d, %d; want %d", m2, m3, c0+1)
	}
	if got := nw.raft(1).raftLog.committed; got != c0 {
		t.Fatalf("commit = %d with only the outgoing majority, want %d", got, c0)
	}

	// Only the incoming half {1,4,5} is reachable: "x" now has both
	// majorities and commits, "y" only the incoming one and does not.
	nw.heal()
	nw.partition([]uint64{1}, []uint64{2, 3})
	scMust(t, nw.propose(1, "y"))
	if got := nw.raft(1).raftLog.committed; got != c0+1 {
		t.Fatalf("commit = %d, want %d (x committed, y not)", got, c0+1)
	}
	scWantApplied(t, nw, 1, "x")

	nw.heal()
	nw.tick(1, 1)
	if got := nw.raft(1).raftLog.committed; got != c0+2 {
		t.Fatalf("commit = %d after healing, want %d", got, c0+2)
	}
	scWantApplied(t, nw, 1, "x", "y")
}

// TestScenario22JointElectionNeedsBothMajorities proves that while joint a
// candidate wins only with a majority of both halves: {2,3} is a majority of
// the outgoing half and {4,5} of the incoming one, but neither elects alone.
func TestScenario22JointElectionNeedsBothMajorities(t *testing.T) {
	nw := scJointCluster(t, func(c *Config) { c.DisablePreVote = true; c.DisableCheckQuorum = true })
	nw.crash(1)
	term := nw.raft(2).Term
	nw.partition([]uint64{2, 3}, []uint64{4, 5})

	nw.campaign(2)
	if r := nw.raft(2); r.state != StateCandidate || r.Term != term+1 || nw.raft(3).Vote != 2 {
		t.Fatalf("node 2 is %s at term %d with 3's vote for %d; want a candidate at term %d holding 3's vote",
			r.state, r.Term, nw.raft(3).Vote, term+1)
	}
	nw.campaign(4)
	if r := nw.raft(4); r.state != StateCandidate || nw.raft(5).Vote != 4 {
		t.Fatalf("node 4 is %s with 5's vote for %d; want a candidate holding 5's vote", r.state, nw.raft(5).Vote)
	}
	if l := nw.leader(); l != None {
		t.Fatalf("node %d became leader with a single half's majority", l)
	}

	nw.heal()
	nw.campaign(4)
	if nw.leader() != 4 || nw.raft(4).Term != term+2 {
		t.Fatalf("leader = %d at term %d, want 4 at term %d", nw.leader(), nw.raft(4).Term, term+2)
	}
}

// TestScenario22AutoLeave proves that with automatic leave the leader appends
// the leave entry in the very Advance that applies the joint entry, and the
// group ends in the new configuration.
func TestScenario22AutoLeave(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.add(4, NewMemoryStorage())
	nw.campaign(1)
	joint := scProposeCC(t, nw, 1, pb.ConfChangeV2{Changes: []pb.ConfChangeSingle{scAdd(4), scRemove(3)}})
	scRunUntil(t, nw, "the leader applying the joint entry", func() bool {
		return nw.raft(1).raftLog.applied >= joint
	})
	scWantConf(t, nw, 1, pb.ConfState{Voters: []uint64{1, 2, 4}, VotersOutgoing: []uint64{1, 2, 3}, AutoLeave: true})
	if last := nw.raft(1).raftLog.lastIndex(); last != joint+1 {
		t.Fatalf("leader last index = %d, want the leave entry at %d", last, joint+1)
	}
	var cc pb.ConfChangeV2
	e := scEntry(t, nw, 1, joint+1)
	if e.Type != pb.EntryConfChangeV2 || cc.Unmarshal(e.Data) != nil || !cc.LeaveJoint() {
		t.Fatalf("entry %d is %s %q, want the empty leave-joint change", joint+1, e.Type, cc)
	}
	nw.stabilize()
	for _, id := range []uint64{1, 2, 4} {
		scWantConf(t, nw, id, pb.ConfState{Voters: []uint64{1, 2, 4}})
	}
}

// TestScenario22ExplicitLeave proves that in explicit mode the group stays
// joint until the application proposes leaving, and refuses other changes
// meanwhile (they become no-ops).
func TestScenario22ExplicitLeave(t *testing.T) {
	nw := scJointCluster(t, nil)
	last := nw.raft(1).raftLog.lastIndex()
	nw.tick(30)
	if got := nw.raft(1).raftLog.lastIndex(); got != last {
		t.Fatalf("leader appended %d entries on its own in explicit mode", got-last)
	}
	scWantConf(t, nw, 1, pb.ConfState{Voters: []uint64{1, 4, 5}, VotersOutgoing: []uint64{1, 2, 3}})

	idx := scProposeCC(t, nw, 1, pb.ConfChangeV2{Changes: []pb.ConfChangeSingle{scLearner(6)}})
	if e := scEntry(t, nw, 1, idx); e.Type != pb.EntryNormal || len(e.Data) != 0 {
		t.Fatalf("a change while joint became %s with %d bytes, want an empty normal entry", e.Type, len(e.Data))
	}
	nw.stabilize()
	scProposeCC(t, nw, 1, pb.ConfChangeV2{})
	nw.stabilize()
	for _, id := range []uint64{1, 4, 5} {
		scWantConf(t, nw, id, pb.ConfState{Voters: []uint64{1, 4, 5}})
	}
}

// TestScenario22AtomicReplaceSurvivesLosingBoth proves that replacing A=3 by
// D=4 in one joint change survives losing both A and D at any point: {1,2} is
// a majority of {1,2,3}, of {1,2,4} and so of the joint configuration.
func TestScenario22AtomicReplaceSurvivesLosingBoth(t *testing.T) {
	for _, tc := range []struct {
		name  string
		until func(nw *testNetwork, joint uint64) bool
	}{
		{"before the joint entry commits", func(*testNetwork, uint64) bool { return true }},
		{"after the leader applied the joint entry", func(nw *testNetwork, joint uint64) bool {
			return nw.raft(1).raftLog.applied >= joint
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
			nw.add(4, NewMemoryStorage())
			nw.campaign(1)
			joint := scProposeCC(t, nw, 1, pb.ConfChangeV2{Changes: []pb.ConfChangeSingle{scAdd(4), scRemove(3)}})
			scRunUntil(t, nw, tc.name, func() bool { return tc.until(nw, joint) })
			nw.crash(3)
			nw.crash(4)
			nw.stabilize()
			for _, id := range []uint64{1, 2} {
				scWantConf(t, nw, id, pb.ConfState{Voters: []uint64{1, 2, 4}})
			}
			scMust(t, nw.propose(1, "after"))
			scWantApplied(t, nw, 1, "after")
			scWantApplied(t, nw, 2, "after")
		})
	}
}

// TestScenario23SecondConfChangeBecomesNoop proves that a conf change proposed
// while another is not yet applied (even if already committed) is replaced
// by an empty entry, and that proposals are accepted again once it applies.
func TestScenario23SecondConfChangeBecomesNoop(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)
	first := scProposeCC(t, nw, 1, pb.ConfChangeV2{Changes: []pb.ConfChangeSingle{scLearner(4)}})
	second := scProposeCC(t, nw, 1, pb.ConfChangeV2{Changes: []pb.ConfChangeSingle{scLearner(5)}})
	if e := scEntry(t, nw, 1, first); e.Type != pb.EntryConfChangeV2 {
		t.Fatalf("first change stored as %s", e.Type)
	}
	if e := scEntry(t, nw, 1, second); second != first+1 || e.Type != pb.EntryNormal || len(e.Data) != 0 {
		t.Fatalf("second change stored at %d as %s with %d bytes, want an empty normal entry at %d",
			second, e.Type, len(e.Data), first+1)
	}
	if got := nw.raft(1).pendingConfIndex; got != first {
		t.Fatalf("pendingConfIndex = %d, want %d", got, first)
	}

	// Committed, and even handed to the application, but not yet applied:
	// still pending.
	scRunUntil(t, nw, "the first change committing", func() bool { return nw.raft(1).raftLog.committed >= second })
	rd := nw.nodes[1].rn.Ready()
	handsOut := slices.ContainsFunc(rd.CommittedEntries, func(e pb.Entry) bool { return e.Index == first })
	if !handsOut || nw.raft(1).raftLog.applied >= first {
		t.Fatalf("setup: want the first change handed out for applying, not applied (%s)", nw.raft(1).raftLog)
	}
	third := scProposeCC(t, nw, 1, pb.ConfChangeV2{Changes: []pb.ConfChangeSingle{scLearner(5)}})
	if e := scEntry(t, nw, 1, third); e.Type != pb.EntryNormal {
		t.Fatalf("change proposed before the first applied stored as %s, want a no-op", e.Type)
	}
	scHandleReady(t, nw, 1, rd)
	nw.stabilize()
	scWantConf(t, nw, 1, pb.ConfState{Voters: []uint64{1, 2, 3}, Learners: []uint64{4}})

	fourth := scProposeCC(t, nw, 1, pb.ConfChangeV2{Changes: []pb.ConfChangeSingle{scLearner(5)}})
	if e := scEntry(t, nw, 1, fourth); e.Type != pb.EntryConfChangeV2 {
		t.Fatalf("change after the first applied stored as %s", e.Type)
	}
	nw.stabilize()
	scWantConf(t, nw, 1, pb.ConfState{Voters: []uint64{1, 2, 3}, Learners: []uint64{4, 5}})
}

// TestScenario23ConfChangeRightAfterCommit is the natural form of the
// "committed but not applied" case above: the change is proposed right after
// the ack that commits the first one, before the leader's next Ready.
func TestScenario23ConfChangeRightAfterCommit(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)
	first := scProposeCC(t, nw, 1, pb.ConfChangeV2{Changes: []pb.ConfChangeSingle{scLearner(4)}})
	scRunUntil(t, nw, "the first change committing", func() bool { return nw.raft(1).raftLog.committed >= first })
	second := scProposeCC(t, nw, 1, pb.ConfChangeV2{Changes: []pb.ConfChangeSingle{scLearner(5)}})
	if e := scEntry(t, nw, 1, second); e.Type != pb.EntryNormal {
		t.Fatalf("change proposed before the first applied stored as %s, want a no-op", e.Type)
	}
	nw.stabilize()
	scWantConf(t, nw, 1, pb.ConfState{Voters: []uint64{1, 2, 3}, Learners: []uint64{4}})
}

// TestScenario23NewLeaderTreatsUncommittedTailAsPending proves that a new
// leader, which cannot know whether its uncommitted tail holds a conf change,
// refuses a new change until its whole tail is applied.
func TestScenario23NewLeaderTreatsUncommittedTailAsPending(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, func(c *Config) { c.DisableCheckQuorum = true })
	nw.campaign(1)

	// Leader 1 gets its change into 2's log only, then is cut off.
	cc := scProposeCC(t, nw, 1, pb.ConfChangeV2{Changes: []pb.ConfChangeSingle{scLearner(4)}})
	nw.processReady(1)
	for _, m := range nw.takeQueue() {
		if m.To == 2 {
			nw.deliver(m)
		}
	}
	nw.processReady(2)
	nw.takeQueue() // the ack is lost
	nw.isolate(1)
	if nw.raft(2).raftLog.lastIndex() != cc || nw.raft(2).raftLog.committed >= cc {
		t.Fatalf("setup: node 2 should hold the change at %d uncommitted: %s", cc, nw.raft(2).raftLog)
	}

	scMust(t, nw.nodes[2].rn.Campaign())
	scRunUntil(t, nw, "node 2 winning", func() bool { return nw.raft(2).state == StateLeader })
	if got := nw.raft(2).pendingConfIndex; got != cc {
		t.Fatalf("new leader's pendingConfIndex = %d, want its last index before the no-op, %d", got, cc)
	}
	refused := scProposeCC(t, nw, 2, pb.ConfChangeV2{Changes: []pb.ConfChangeSingle{scLearner(5)}})
	if e := scEntry(t, nw, 2, refused); refused != cc+2 || e.Type != pb.EntryNormal || len(e.Data) != 0 {
		t.Fatalf("change at the new leader stored at %d as %s, want a no-op at %d", refused, e.Type, cc+2)
	}
	nw.stabilize()
	scWantConf(t, nw, 2, pb.ConfState{Voters: []uint64{1, 2, 3}, Learners: []uint64{4}})

	accepted := scProposeCC(t, nw, 2, pb.ConfChangeV2{Changes: []pb.ConfChangeSingle{scLearner(5)}})
	if e := scEntry(t, nw, 2, accepted); e.Type != pb.EntryConfChangeV2 {
		t.Fatalf("change after the tail applied stored as %s", e.Type)
	}
	nw.stabilize()
	scWantConf(t, nw, 3, pb.ConfState{Voters: []uint64{1, 2, 3}, Learners: []uint64{4, 5}})
}

// TestScenario24RemovedLeaderStepsDownAfterCommit proves that a leader that
// removes itself keeps leading (and replicating) until the change commits,
// tells the followers it committed, then steps down on applying it and never
// campaigns again, while the others elect a leader and keep its entries.
func TestScenario24RemovedLeaderStepsDownAfterCommit(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)
	term := nw.raft(1).Term
	cc := scProposeCC(t, nw, 1, pb.ConfChangeV2{Changes: []pb.ConfChangeSingle{scRemove(1)}})
	if err := nw.nodes[1].rn.Propose([]byte("p")); err != nil {
		t.Fatalf("proposal while the removal is pending: %v", err)
	}
	scRunUntil(t, nw, "the removal committing", func() bool { return nw.raft(1).raftLog.committed >= cc })
	if nw.raft(1).state != StateLeader {
		t.Fatalf("node 1 is %s before applying its removal, want leader", nw.raft(1).state)
	}

	// The Ready that applies the removal still tells 2 and 3 the commit.
	nw.processReady(1)
	told := map[uint64]bool{}
	for _, m := range nw.queue {
		if m.From == 1 && m.Type == pb.MsgApp && m.Commit >= cc {
			told[m.To] = true
		}
	}
	if !told[2] || !told[3] {
		t.Fatalf("commit of the removal sent to %v, want 2 and 3", told)
	}
	if r := nw.raft(1); r.state != StateFollower || r.Term != term || r.lead != None {
		t.Fatalf("node 1 is %s at term %d led by %d; want a leaderless follower at term %d", r.state, r.Term, r.lead, term)
	}
	nw.stabilize()
	scWantConf(t, nw, 2, pb.ConfState{Voters: []uint64{2, 3}})

	n0 := len(nw.delivered)
	if err := nw.nodes[1].rn.Propose([]byte("q")); err != ErrProposalDropped {
		t.Fatalf("proposal at the removed node: %v, want ErrProposalDropped", err)
	}
	scMust(t, nw.nodes[1].rn.Campaign())
	nw.tick(50)
	if l := nw.leader(); l != 2 && l != 3 {
		t.Fatalf("leader = %d, want 2 or 3", l)
	}
	if n := scCountFrom(nw, n0, pb.MsgPreVote, 1) + scCountFrom(nw, n0, pb.MsgVote, 1); n != 0 {
		t.Fatalf("the removed node sent %d vote requests", n)
	}
	if r := nw.raft(1); r.state != StateFollower || r.Term != term {
		t.Fatalf("removed node is %s at term %d, want follower at %d", r.state, r.Term, term)
	}
	scWantApplied(t, nw, nw.leader(), "p")
}

// TestScenario24PendingEntryCommitsWhenQuorumShrinks proves that an entry
// waiting for a removed voter commits as soon as the removal applies: in
// {1,2}, removing 2 makes 1 alone a quorum (etcd's TestCommitAfterRemoveNode).
func TestScenario24PendingEntryCommitsWhenQuorumShrinks(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2}, nil, nil)
	nw.campaign(1)
	cc := scProposeCC(t, nw, 1, pb.ConfChangeV2{Changes: []pb.ConfChangeSingle{scRemove(2)}})
	nw.processReady(1)
	toTwo := nw.takeQueue()
	scMust(t, nw.nodes[1].rn.Propose([]byte("p")))
	nw.processReady(1)
	nw.takeQueue() // 2 never receives "p"

	for _, m := range toTwo {
		nw.deliver(m)
	}
	nw.processReady(2)
	for _, m := range nw.takeQueue() {
		nw.deliver(m)
	}
	if got := nw.raft(1).raftLog.committed; got != cc {
		t.Fatalf("commit = %d, want the removal at %d and not yet p", got, cc)
	}
	nw.processReady(1) // applies the removal: 1 is now the whole quorum
	if got := nw.raft(1).raftLog.committed; got != cc+1 {
		t.Fatalf("commit = %d after the quorum shrank, want %d", got, cc+1)
	}
	nw.processReady(1)
	scWantApplied(t, nw, 1, "p")
}
