package raft

import (
	"fmt"
	"math/rand/v2"
	"testing"

	pb "sqlraft/raft/raftpb"
)

// Scenarios 2, 3, 5 and 15-17 of the acceptance checklist: votes, elections,
// CheckQuorum and PreVote. Scenarios 1, 4 and 6-9 are in
// scenario_replication_test.go; the sa* helpers are shared.

// saStartCampaign makes each id start campaigning, delivering nothing.
func saStartCampaign(nw *testNetwork, ids ...uint64) {
	nw.t.Helper()
	for _, id := range ids {
		if err := nw.nodes[id].rn.Campaign(); err != nil {
			nw.t.Fatalf("node %d: campaign: %v", id, err)
		}
	}
}

// saCampaign makes id campaign and delivers only election messages until
// they stop. Everything else (the new leader's first appends) stays queued,
// so the caller decides what reaches whom.
func saCampaign(nw *testNetwork, id uint64) {
	nw.t.Helper()
	saStartCampaign(nw, id)
	nw.queue = append(saRun(nw, func(m pb.Message) bool {
		switch m.Type {
		case pb.MsgVote, pb.MsgVoteResp, pb.MsgPreVote, pb.MsgPreVoteResp:
			return true
		}
		return false
	}), nw.queue...)
}

// saTimeout makes first's election timer fire after exactly one election
// timeout of ticks while the other ids (ticked too) wait longest, then ticks
// them all that many times. The ticks also expire the others' leader lease.
func saTimeout(nw *testNetwork, first uint64, others ...uint64) {
	nw.t.Helper()
	et := nw.raft(first).electionTimeout
	for _, id := range others {
		nw.raft(id).randomizedElectionTimeout = 2*et - 1
	}
	nw.raft(first).randomizedElectionTimeout = et
	nw.raft(first).electionElapsed = 0
	nw.tick(et, append([]uint64{first}, others...)...)
}

// saState asserts a node's role, term and leader.
func saState(t *testing.T, nw *testNetwork, id uint64, state StateType, term, lead uint64) {
	t.Helper()
	r := nw.raft(id)
	if r.state != state || r.Term != term || r.lead != lead {
		t.Fatalf("node %d: %s term %d lead %d, want %s term %d lead %d", id, r.state, r.Term, r.lead, state, term, lead)
	}
}

// saApplied asserts that every listed node applied exactly want.
func saApplied(t *testing.T, nw *testNetwork, want []string, ids ...uint64) {
	t.Helper()
	for _, id := range ids {
		if got := nw.appliedData(id); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("node %d applied %q, want %q", id, got, want)
		}
	}
}

// saReady describes a Ready compactly: soft state, hard state, MustSync,
// entries and committed entries as index/term:data, and messages.
func saReady(rd Ready) string {
	ents := func(es []pb.Entry) (out []string) {
		for _, e := range es {
			out = append(out, fmt.Sprintf("%d/%d:%s", e.Index, e.Term, e.Data))
		}
		return out
	}
	soft := "-"
	if rd.SoftState != nil {
		soft = fmt.Sprintf("%d/%s", rd.Lead, rd.RaftState)
	}
	return fmt.Sprintf("soft=%s hs=%d/%d/%d sync=%v ents=%v committed=%v msgs=%v", soft, rd.Term, rd.Vote, rd.Commit,
		rd.MustSync, ents(rd.Entries), ents(rd.CommittedEntries), rd.Messages)
}

// saSettled reports whether there is a leader that every node follows in
// its term.
func saSettled(nw *testNetwork) bool {
	lead := nw.leader()
	if lead == None {
		return false
	}
	for _, id := range nw.ids() {
		if r := nw.raft(id); r.lead != lead || r.Term != nw.raft(lead).Term {
			return false
		}
	}
	return true
}

// TestScenario02VoteDurableBeforeReply: a granted vote and its term travel
// in the same Ready as the reply, marked MustSync, so the reply leaves only
// after they are durable. After a crash and restart the voter still refuses
// a second candidate in that term, while the first may ask again.
func TestScenario02VoteDurableBeforeReply(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, func(c *Config) { c.DisablePreVote = true })
	saStartCampaign(nw, 1)
	nw.processReady(1)
	if hs, _, _ := nw.nodes[1].storage.InitialState(); hs.Term != 2 || hs.Vote != 1 {
		t.Fatalf("candidate sent its requests with hard state %+v persisted, want term 2 vote 1", hs)
	}
	var req pb.Message
	for _, m := range nw.takeQueue() {
		if m.Type == pb.MsgVote && m.To == 2 {
			req = m
		}
	}
	nw.deliver(req)

	n2 := nw.nodes[2]
	rd := n2.rn.Ready()
	if got, want := saReady(rd), "soft=- hs=2/1/1 sync=true ents=[] committed=[] msgs=[MsgVoteResp 2->1 term=2 logterm=0 index=0 commit=0]"; got != want {
		t.Fatalf("voter's Ready:\n got %s\nwant %s", got, want)
	}
	// Persist as the contract says, then crash before the reply is sent.
	if err := n2.storage.SetHardState(rd.HardState); err != nil {
		t.Fatal(err)
	}
	nw.crash(2)
	nw.restart(2)
	if r := nw.raft(2); r.Term != 2 || r.Vote != 1 {
		t.Fatalf("after restart: term %d vote %d, want term 2 vote 1", r.Term, r.Vote)
	}

	// Node 3 campaigns in the same term: node 2 must refuse.
	saStartCampaign(nw, 3)
	nw.processReady(3)
	for _, m := range nw.takeQueue() {
		if m.To == 2 {
			nw.deliver(m)
		}
	}
	// Node 1 asks again (its first reply was lost): granted again.
	nw.deliver(req)
	nw.processReady(2)
	answers := fmt.Sprint(nw.takeQueue())
	if want := "[MsgVoteResp 2->3 term=2 logterm=0 index=0 commit=0 reject hint=0 MsgVoteResp 2->1 term=2 logterm=0 index=0 commit=0]"; answers != want {
		t.Fatalf("node 2 answered\n%s\nwant\n%s", answers, want)
	}
	if hs, _, _ := n2.storage.InitialState(); hs.Vote != 1 || hs.Term != 2 {
		t.Fatalf("persisted hard state %+v, want term 2 vote 1", hs)
	}
}

// TestScenario02OneLeaderPerTerm: three candidates campaign in the same
// term in a five-node cluster; messages arrive in 100 seeded orders and
// nodes crash and restart between rounds, losing whatever Ready they had
// not handled. No voter ever grants two candidates a vote in one term, and
// no term has two leaders.
func TestScenario02OneLeaderPerTerm(t *testing.T) {
	wins := 0
	for seed := uint64(1); seed <= 100; seed++ {
		nw := newTestNetwork(t, []uint64{1, 2, 3, 4, 5}, nil, func(c *Config) { c.DisablePreVote = true })
		saStartCampaign(nw, 1, 2, 3)
		rng := rand.New(rand.NewPCG(seed, 2))
		leaderOf := map[uint64]uint64{}
		for round := 0; round < 100; round++ {
			if rng.IntN(3) == 0 {
				id := 1 + rng.Uint64N(5)
				nw.crash(id)
				nw.restart(id)
			}
			for _, id := range nw.ids() {
				for nw.processReady(id) {
				}
				if r := nw.raft(id); r.state == StateLeader {
					if l, ok := leaderOf[r.Term]; ok && l != id {
						t.Fatalf("seed %d: nodes %d and %d both led term %d", seed, l, id, r.Term)
					}
					leaderOf[r.Term] = id
				}
			}
			q := nw.takeQueue()
			if len(q) == 0 {
				break
			}
			rng.Shuffle(len(q), func(i, j int) { q[i], q[j] = q[j], q[i] })
			for _, m := range q {
				nw.deliver(m)
			}
		}
		granted := map[[2]uint64]uint64{} // (voter, term) -> candidate
		for _, m := range nw.delivered {
			if m.Type == pb.MsgVoteResp && !m.Reject {
				if c, ok := granted[[2]uint64{m.From, m.Term}]; ok && c != m.To {
					t.Fatalf("seed %d: node %d granted both %d and %d in term %d", seed, m.From, c, m.To, m.Term)
				}
				granted[[2]uint64{m.From, m.Term}] = m.To
			}
		}
		if _, ok := leaderOf[2]; ok {
			wins++
		}
	}
	// Both outcomes occur, so both paths were exercised.
	if wins == 0 || wins == 100 {
		t.Fatalf("term 2 had a leader in %d of 100 runs; want some wins and some split votes", wins)
	}
}

// TestScenario03ElectionRestriction: a (pre-)vote is granted only if the
// candidate's last (term, index) is at least as up to date as the voter's
// (Raft §5.4.1): the last term is compared first, the index only on a tie.
// The voter's log ends at index 3, term 2.
func TestScenario03ElectionRestriction(t *testing.T) {
	for _, tc := range []struct {
		logTerm, index uint64
		grant          bool
	}{
		{3, 1, true},   // later last term wins although shorter
		{3, 3, true},   //
		{2, 4, true},   // same last term, longer
		{2, 3, true},   // identical
		{2, 2, false},  // same last term, shorter
		{1, 10, false}, // much longer, but an older last term
		{1, 3, false},  //
	} {
		for _, typ := range []pb.MessageType{pb.MsgVote, pb.MsgPreVote} {
			r := saNewRaft(t, 1, []uint64{1, 2, 3}, []uint64{1, 2, 2}, pb.HardState{Term: 2}, nil)
			if err := r.Step(pb.Message{From: 2, To: 1, Type: typ, Term: 3, LogTerm: tc.logTerm, Index: tc.index}); err != nil {
				t.Fatal(err)
			}
			msgs := saTake(r)
			if len(msgs) != 1 || msgs[0].Type != pb.VoteResponseType(typ) || msgs[0].Reject == tc.grant {
				t.Fatalf("%s for last (term %d, index %d): answered %v, want grant=%v", typ, tc.logTerm, tc.index, msgs, tc.grant)
			}
			wantTerm, wantVote := uint64(3), None
			if typ == pb.MsgPreVote {
				wantTerm = 2 // a pre-vote changes nothing
			} else if tc.grant {
				wantVote = 2
			}
			if r.Term != wantTerm || r.Vote != wantVote {
				t.Fatalf("%s for (term %d, index %d): voter at term %d vote %d, want term %d vote %d",
					typ, tc.logTerm, tc.index, r.Term, r.Vote, wantTerm, wantVote)
			}
		}
	}
}

// TestScenario05SplitVoteThenConverges: two candidates split a four-node
// cluster's votes in term 2, so neither wins; the one whose randomized timer
// fires first wins term 3 and everyone follows it.
func TestScenario05SplitVoteThenConverges(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3, 4}, nil, nil)
	nw.partition([]uint64{1}, []uint64{4})
	nw.partition([]uint64{2}, []uint64{3})
	saStartCampaign(nw, 1, 2)
	nw.stabilize()
	saState(t, nw, 1, StateCandidate, 2, None)
	saState(t, nw, 2, StateCandidate, 2, None)
	if v3, v4 := nw.raft(3).Vote, nw.raft(4).Vote; v3 != 1 || v4 != 2 {
		t.Fatalf("votes: node 3 for %d, node 4 for %d; want 1 and 2 (a split)", v3, v4)
	}

	nw.heal()
	saTimeout(nw, 1, 2, 3, 4)
	saState(t, nw, 1, StateLeader, 3, 1)
	for _, id := range []uint64{2, 3, 4} {
		saState(t, nw, id, StateFollower, 3, 1)
	}
	if err := nw.propose(1, "after-split"); err != nil {
		t.Fatal(err)
	}
	saApplied(t, nw, []string{"after-split"}, 1, 2, 3, 4)
}

// TestScenario05DuelingCandidatesConverge: five nodes start together and
// only their randomized election timers run. For 20 seeds the cluster
// settles on one leader that every node follows, and no term ever has two
// leaders.
func TestScenario05DuelingCandidatesConverge(t *testing.T) {
	for seed := uint64(1); seed <= 20; seed++ {
		for _, preVote := range []bool{true, false} {
			nw := newTestNetwork(t, []uint64{1, 2, 3, 4, 5}, nil, func(c *Config) {
				c.RandomSeed = seed<<8 | c.ID
				c.DisablePreVote = !preVote
			})
			leaderOf := map[uint64]uint64{}
			settled := false
			for tick := 0; tick < 200 && !settled; tick++ {
				nw.tick(1)
				for _, id := range nw.ids() {
					if r := nw.raft(id); r.state == StateLeader {
						if l, ok := leaderOf[r.Term]; ok && l != id {
							t.Fatalf("seed %d prevote %v: nodes %d and %d both led term %d", seed, preVote, l, id, r.Term)
						}
						leaderOf[r.Term] = id
					}
				}
				settled = saSettled(nw)
			}
			if !settled {
				t.Fatalf("seed %d prevote %v: no stable leader after 200 ticks", seed, preVote)
			}
		}
	}
}

// TestScenario05StaleCandidateNeverWins: a node that missed committed
// entries inflates its term far beyond everyone else's (no PreVote, no
// CheckQuorum to hold it back), yet never wins; an up-to-date node then wins
// and the stale one catches up without losing anything.
func TestScenario05StaleCandidateNeverWins(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, func(c *Config) {
		c.DisablePreVote = true
		c.DisableCheckQuorum = true
	})
	nw.campaign(1)
	nw.isolate(3)
	for _, d := range []string{"a", "b"} {
		if err := nw.propose(1, d); err != nil {
			t.Fatal(err)
		}
	}
	for range 5 {
		nw.campaign(3)
	}
	nw.heal()
	for i := range 5 {
		nw.campaign(3)
		term := uint64(8 + i)
		saState(t, nw, 3, StateFollower, term, None)
		for _, id := range []uint64{1, 2} {
			if r := nw.raft(id); r.Term != term || r.Vote != None || r.state != StateFollower {
				t.Fatalf("after node 3's campaign in term %d: node %d %s term %d vote %d, want a follower that refused",
					term, id, r.state, r.Term, r.Vote)
			}
		}
	}
	saTimeout(nw, 1, 2, 3)
	saState(t, nw, 1, StateLeader, 13, 1)
	saState(t, nw, 3, StateFollower, 13, 1)
	saApplied(t, nw, []string{"a", "b"}, 1, 2, 3)
}

// TestScenario15LeaderWithoutQuorumStepsDown: with CheckQuorum (the
// default) a leader checks every election timeout whether a quorum was
// active since the previous check. Cut off right after its election (whose
// acks count for the first window), it stays leader through the first check
// and steps down at the second, at the same term; it then refuses writes. A
// connected leader never steps down.
func TestScenario15LeaderWithoutQuorumStepsDown(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)
	nw.tick(100)
	saState(t, nw, 1, StateLeader, 2, 1)

	nw.isolate(1)
	et := nw.raft(1).electionTimeout
	for i := 1; i < 2*et; i++ {
		nw.tick(1, 1)
		if nw.raft(1).state != StateLeader {
			t.Fatalf("stepped down after %d ticks, want after %d", i, 2*et)
		}
	}
	nw.tick(1, 1)
	saState(t, nw, 1, StateFollower, 2, None)
	if err := nw.nodes[1].rn.Propose([]byte("w")); err != ErrProposalDropped {
		t.Fatalf("proposal after stepping down: %v, want ErrProposalDropped", err)
	}
}

// TestScenario15MinorityLeaderStopsAcceptingWrites: a leader left with a
// minority accepts writes it can never commit until CheckQuorum makes it
// step down, then refuses them; the majority elects a new leader and goes
// on, and after healing the minority's writes are gone.
func TestScenario15MinorityLeaderStopsAcceptingWrites(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3, 4, 5}, nil, nil)
	nw.campaign(1)
	nw.partition([]uint64{1, 2}, []uint64{3, 4, 5})
	commit := nw.raft(1).raftLog.committed
	if err := nw.propose(1, "minority"); err != nil {
		t.Fatalf("minority leader refused a write before its check: %v", err)
	}
	et := nw.raft(1).electionTimeout
	nw.tick(2 * et)
	saState(t, nw, 1, StateFollower, 2, None)
	if got := nw.raft(1).raftLog.committed; got != commit {
		t.Fatalf("minority leader committed up to %d, want %d", got, commit)
	}
	if err := nw.nodes[1].rn.Propose([]byte("refused")); err != ErrProposalDropped {
		t.Fatalf("proposal on the deposed minority leader: %v, want ErrProposalDropped", err)
	}
	lead := nw.leader()
	if lead < 3 || nw.raft(lead).Term != 3 {
		t.Fatalf("majority side: leader %d, want one of 3-5 at term 3", lead)
	}
	if err := nw.propose(lead, "majority"); err != nil {
		t.Fatal(err)
	}
	nw.heal()
	nw.tick(et)
	saApplied(t, nw, []string{"majority"}, 1, 2, 3, 4, 5)
}

// TestScenario16RejoiningNodeDoesNotDisrupt: with PreVote an isolated node
// keeps failing pre-votes without raising its term or sending a single
// real vote request; when it rejoins, the leader keeps its term and the
// node simply catches up.
func TestScenario16RejoiningNodeDoesNotDisrupt(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)
	votes := nw.countDelivered(pb.MsgVote, None)
	nw.isolate(3)
	if err := nw.propose(1, "a"); err != nil {
		t.Fatal(err)
	}
	for range 50 {
		nw.tick(1)
		if r := nw.raft(3); r.Term != 2 {
			t.Fatalf("isolated node raised its term to %d (%s)", r.Term, r.state)
		}
	}
	nw.heal()
	nw.tick(5)
	saState(t, nw, 1, StateLeader, 2, 1)
	saState(t, nw, 3, StateFollower, 2, 1)
	if got := nw.countDelivered(pb.MsgVote, None); got != votes {
		t.Fatalf("%d vote requests delivered after the election, want none", got-votes)
	}
	saApplied(t, nw, []string{"a"}, 1, 2, 3)
}

// TestScenario16FailedPreVoteLeavesNoTrace: a node with a stale log asks
// for pre-votes and is rejected. Neither its term and vote nor the voter's
// change; the up-to-date node then wins.
func TestScenario16FailedPreVoteLeavesNoTrace(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)
	nw.partition([]uint64{1}, []uint64{3})
	if err := nw.propose(1, "a"); err != nil {
		t.Fatal(err)
	}
	nw.crash(1)
	nw.heal()
	hs2, _, _ := nw.nodes[2].storage.InitialState()
	hs3, _, _ := nw.nodes[3].storage.InitialState()
	saTimeout(nw, 3, 2)

	saState(t, nw, 3, StatePreCandidate, 2, None)
	for id, want := range map[uint64]pb.HardState{2: hs2, 3: hs3} {
		if got := nw.raft(id).hardState(); got.Term != want.Term || got.Vote != want.Vote {
			t.Fatalf("node %d: term %d vote %d after the failed pre-vote, want term %d vote %d", id, got.Term, got.Vote, want.Term, want.Vote)
		}
	}
	var resp []pb.Message
	for _, m := range nw.delivered {
		if m.Type == pb.MsgPreVoteResp && m.To == 3 {
			resp = append(resp, m)
		}
	}
	if len(resp) != 1 || !resp[0].Reject || resp[0].Term != 2 {
		t.Fatalf("pre-vote answers to node 3: %v, want one rejection at term 2", resp)
	}
	nw.campaign(2)
	saState(t, nw, 2, StateLeader, 3, 2)
	saApplied(t, nw, []string{"a"}, 2, 3)
}

// TestScenario16FollowerWithLiveLeaderIgnoresPreVote: a node that stops
// hearing the leader (a one-way cut) but has an up-to-date log asks for
// pre-votes; the leader and a follower that heard from it within the
// election timeout do not grant them (this lease is part of CheckQuorum,
// on by default), so nothing is disturbed.
func TestScenario16FollowerWithLiveLeaderIgnoresPreVote(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)
	asked := nw.countDelivered(pb.MsgPreVote, None) // by node 1's election
	nw.cut[[2]uint64{1, 3}] = true
	for range 50 {
		nw.tick(1)
		saState(t, nw, 1, StateLeader, 2, 1)
		saState(t, nw, 2, StateFollower, 2, 1)
		if r := nw.raft(3); r.Term != 2 {
			t.Fatalf("node 3 reached term %d", r.Term)
		}
	}
	if nw.countDelivered(pb.MsgPreVote, None) == asked {
		t.Fatal("node 3 never asked for a pre-vote")
	}
	if got := nw.countDelivered(pb.MsgPreVoteResp, 3); got != 0 {
		t.Fatalf("node 3 got %d pre-vote answers, want none", got)
	}
}

// TestScenario16SplitPreVoteConverges: with the leader gone, both other
// nodes time out together; pre-votes are not exclusive, so both become
// candidates in term 3 and split the vote. The next timeout resolves it in
// term 4.
func TestScenario16SplitPreVoteConverges(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)
	nw.isolate(1)
	et := nw.raft(2).electionTimeout
	nw.raft(2).randomizedElectionTimeout = et
	nw.raft(3).randomizedElectionTimeout = et
	nw.tick(et, 2, 3)
	saState(t, nw, 2, StateCandidate, 3, None)
	saState(t, nw, 3, StateCandidate, 3, None)

	saTimeout(nw, 2, 3)
	saState(t, nw, 2, StateLeader, 4, 2)
	saState(t, nw, 3, StateFollower, 4, 2)
}

// TestScenario16SmallerTermUpToDateLogWins: node 2 passed a pre-vote but its
// vote requests were lost, leaving it alone in term 3. Node 3, still in term
// 2 with an equally up-to-date log, is refused once and learns term 3 from
// the refusal; its next pre-vote succeeds and it wins term 4.
func TestScenario16SmallerTermUpToDateLogWins(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)
	if err := nw.propose(1, "a"); err != nil {
		t.Fatal(err)
	}
	nw.crash(1)
	nw.ignore[pb.MsgVote] = true
	saTimeout(nw, 2, 3)
	delete(nw.ignore, pb.MsgVote)
	saState(t, nw, 2, StateCandidate, 3, None)
	saState(t, nw, 3, StateFollower, 2, 1) // it granted only a pre-vote

	nw.campaign(3)
	saState(t, nw, 3, StateFollower, 3, None)
	nw.campaign(3)
	saState(t, nw, 3, StateLeader, 4, 3)
	saState(t, nw, 2, StateFollower, 4, 3)
	if err := nw.propose(3, "b"); err != nil {
		t.Fatal(err)
	}
	saApplied(t, nw, []string{"a", "b"}, 2, 3)
}

// TestScenario17DisruptionWithoutPreVote: without PreVote an isolated node
// inflates its term by campaigning; when it rejoins, its term deposes the
// leader (via the answer to a heartbeat, or its vote requests). The stale
// node cannot win, the cluster re-elects an up-to-date leader above the
// inflated term, and no committed entry is lost.
func TestScenario17DisruptionWithoutPreVote(t *testing.T) {
	for _, checkQuorum := range []bool{true, false} {
		t.Run(fmt.Sprintf("checkquorum=%v", checkQuorum), func(t *testing.T) {
			nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, func(c *Config) {
				c.DisablePreVote = true
				c.DisableCheckQuorum = !checkQuorum
			})
			nw.campaign(1)
			for _, d := range []string{"a", "b"} {
				if err := nw.propose(1, d); err != nil {
					t.Fatal(err)
				}
			}
			nw.isolate(3)
			if err := nw.propose(1, "c"); err != nil {
				t.Fatal(err)
			}
			for range 8 {
				nw.campaign(3)
			}
			if r := nw.raft(3); r.Term != 10 {
				t.Fatalf("isolated node at term %d, want 10", r.Term)
			}
			nw.heal()
			for i := 0; i < 100 && !saSettled(nw); i++ {
				nw.tick(1)
			}
			lead := nw.leader()
			if !saSettled(nw) || lead == 3 {
				t.Fatalf("after rejoining: leader %d (settled %v), want node 1 or 2 followed by all", lead, saSettled(nw))
			}
			if term := nw.raft(lead).Term; term <= 10 {
				t.Fatalf("new leader's term %d, want above the inflated term 10", term)
			}
			if err := nw.propose(lead, "d"); err != nil {
				t.Fatal(err)
			}
			saApplied(t, nw, []string{"a", "b", "c", "d"}, 1, 2, 3)
		})
	}
}
