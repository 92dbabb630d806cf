package raft

import (
	"slices"
	"testing"

	pb "sqlraft/raft/raftpb"
)

// Scenarios 25-28: leadership transfer, ReadIndex, lease reads, and
// acknowledgements that follow persistence. Helpers prefixed sc are shared
// with scenario_membership_test.go.

// scHandleReady finishes, for a Ready already taken from node id, what
// processReady does: persist (checking acks as scenario 28 does), send, apply,
// Advance. Only Readys without a snapshot are expected.
func scHandleReady(t *testing.T, nw *testNetwork, id uint64, rd Ready) {
	t.Helper()
	n := nw.nodes[id]
	scPersist(t, n.storage, rd)
	nw.queue = append(nw.queue, rd.Messages...)
	for _, e := range rd.CommittedEntries {
		var cc pb.ConfChangeV2
		if e.Type == pb.EntryConfChangeV2 && cc.Unmarshal(e.Data) == nil {
			n.confState, _ = n.rn.ApplyConfChange(cc)
		} else if len(e.Data) > 0 {
			n.applied = append(n.applied, e)
		}
	}
	n.readStates = append(n.readStates, rd.ReadStates...)
	n.rn.Advance(rd)
}

// TestScenario25TransferToUpToDateTarget proves that an up-to-date target
// gets MsgTimeoutNow at once and wins in the next term, skipping pre-vote and
// winning votes from followers that still consider the old leader alive
// (CheckQuorum stickiness, and in lease mode the lease).
func TestScenario25TransferToUpToDateTarget(t *testing.T) {
	for _, mode := range []ReadOnlyOption{ReadOnlySafe, ReadOnlyLeaseBased} {
		t.Run(mode.String(), func(t *testing.T) {
			nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, func(c *Config) { c.ReadOnlyOption = mode })
			scElect(t, nw, 1)
			if !nw.raft(3).inLease() {
				t.Fatal("setup: node 3 should refuse ordinary votes")
			}
			term := nw.raft(1).Term
			n0 := len(nw.delivered)
			nw.nodes[1].rn.TransferLeader(2)
			nw.stabilize()
			if nw.leader() != 2 || nw.raft(2).Term != term+1 {
				t.Fatalf("leader = %d at term %d, want 2 at term %d", nw.leader(), nw.raft(2).Term, term+1)
			}
			for _, m := range nw.delivered[n0:] {
				if m.Type == pb.MsgPreVote || (m.Type == pb.MsgVote && string(m.Context) != string(campaignTransfer)) {
					t.Fatalf("%s: the target must campaign at once, marked as a transfer", m)
				}
			}
		})
	}
}

// TestScenario25SlowTargetIsCaughtUpFirst proves that a target missing
// entries is sent them first, and gets MsgTimeoutNow only once it has the
// leader's whole log.
func TestScenario25SlowTargetIsCaughtUpFirst(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)
	nw.isolate(3)
	for _, d := range []string{"a", "b", "c"} {
		scMust(t, nw.propose(1, d))
	}
	nw.heal()
	last := nw.raft(1).raftLog.lastIndex()
	nw.nodes[1].rn.TransferLeader(3)
	if got := nw.raft(1).leadTransferee; got != 3 {
		t.Fatalf("leadTransferee = %d, want 3", got)
	}
	n0 := len(nw.delivered)
	nw.stabilize()
	timeoutAt, caughtUpAt := -1, -1
	for i, m := range nw.delivered[n0:] {
		if m.Type == pb.MsgTimeoutNow && timeoutAt < 0 {
			timeoutAt = i
		}
		if m.Type == pb.MsgAppResp && m.From == 3 && !m.Reject && m.Index == last && caughtUpAt < 0 {
			caughtUpAt = i
		}
	}
	if caughtUpAt < 0 || timeoutAt < caughtUpAt {
		t.Fatalf("MsgTimeoutNow at %d, 3's ack of index %d at %d: the target must be caught up first", timeoutAt, last, caughtUpAt)
	}
	if nw.leader() != 3 {
		t.Fatalf("leader = %d, want 3", nw.leader())
	}
	scWantApplied(t, nw, 3, "a", "b", "c")
}

// TestScenario25ProposalsRefusedThenTransferAborts proves that proposals are
// refused while a transfer is in progress, and that a transfer which has not
// completed after exactly one election timeout is abandoned.
func TestScenario25ProposalsRefusedThenTransferAborts(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)
	nw.isolate(3)
	nw.nodes[1].rn.TransferLeader(3)
	if err := nw.propose(1, "refused"); err != ErrProposalDropped {
		t.Fatalf("proposal during the transfer: %v, want ErrProposalDropped", err)
	}
	nw.tick(9, 1)
	if got := nw.raft(1).leadTransferee; got != 3 {
		t.Fatalf("after 9 ticks leadTransferee = %d, want 3 still", got)
	}
	nw.tick(1, 1)
	if r := nw.raft(1); r.leadTransferee != None || r.state != StateLeader {
		t.Fatalf("after an election timeout: %s with transferee %d, want leader with none", r.state, r.leadTransferee)
	}
	if err := nw.propose(1, "accepted"); err != nil {
		t.Fatalf("proposal after the abort: %v", err)
	}
	scWantApplied(t, nw, 2, "accepted")
}

// TestScenario25TransferToSelfLearnerOrStrangerIgnored proves that a transfer
// to the leader itself, to a learner or to a non-member does nothing at all.
func TestScenario25TransferToSelfLearnerOrStrangerIgnored(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, []uint64{4}, nil)
	nw.campaign(1)
	for _, target := range []uint64{1, 4, 9} {
		nw.nodes[1].rn.TransferLeader(target)
		if r := nw.raft(1); r.leadTransferee != None || len(r.msgs) != 0 {
			t.Fatalf("transfer to %d: transferee %d, %d messages; want it ignored", target, r.leadTransferee, len(r.msgs))
		}
		// A follower forwards the request; the leader ignores it as well.
		nw.nodes[2].rn.TransferLeader(target)
		nw.stabilize()
		if r := nw.raft(1); r.leadTransferee != None || r.state != StateLeader {
			t.Fatalf("forwarded transfer to %d: node 1 is %s with transferee %d", target, r.state, r.leadTransferee)
		}
		if err := nw.propose(1, "ok"); err != nil {
			t.Fatalf("proposal after ignored transfer to %d: %v", target, err)
		}
	}
	if n := nw.countDelivered(pb.MsgTimeoutNow, None); n != 0 {
		t.Fatalf("%d MsgTimeoutNow sent", n)
	}
}

// TestScenario25RemovingTargetAbortsTransfer proves that applying a change
// that removes the transfer target abandons the transfer.
func TestScenario25RemovingTargetAbortsTransfer(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)
	nw.isolate(3)
	cc := scProposeCC(t, nw, 1, pb.ConfChangeV2{Changes: []pb.ConfChangeSingle{scRemove(3)}})
	scRunUntil(t, nw, "the removal committing", func() bool { return nw.raft(1).raftLog.committed >= cc })
	nw.nodes[1].rn.TransferLeader(3)
	if got := nw.raft(1).leadTransferee; got != 3 {
		t.Fatalf("setup: leadTransferee = %d, want 3", got)
	}
	nw.processReady(1) // applies the removal
	if r := nw.raft(1); r.leadTransferee != None || r.state != StateLeader {
		t.Fatalf("after removing the target: %s with transferee %d, want leader with none", r.state, r.leadTransferee)
	}
	nw.stabilize()
	if err := nw.propose(1, "after"); err != nil {
		t.Fatalf("proposal after the abort: %v", err)
	}
	scWantApplied(t, nw, 2, "after")
}

// TestScenario26NoReadBeforeFirstCommitOfTerm proves that a new leader holds
// a read until its no-op commits: its commit index may lag what the previous
// leader committed, and answering with it would miss that write.
func TestScenario26NoReadBeforeFirstCommitOfTerm(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, func(c *Config) { c.DisableCheckQuorum = true })
	nw.campaign(1)
	scMust(t, nw.nodes[1].rn.Propose([]byte("x")))
	x := nw.raft(1).raftLog.lastIndex()
	scRunUntil(t, nw, "x committing at 1", func() bool { return nw.raft(1).raftLog.committed >= x })
	nw.processReady(1)
	nw.takeQueue() // nobody else learns that x committed
	nw.isolate(1)

	scMust(t, nw.nodes[2].rn.Campaign())
	scRunUntil(t, nw, "node 2 winning", func() bool { return nw.raft(2).state == StateLeader })
	if c := nw.raft(2).raftLog.committed; c >= x {
		t.Fatalf("setup: the new leader already knows commit %d >= %d", c, x)
	}
	scReadIndex(t, nw, 2, "r")
	nw.processReady(2)
	if r := nw.raft(2); len(nw.nodes[2].readStates) != 0 || r.readOnly.seq != 0 || len(r.pendingReadIndexMessages) != 1 {
		t.Fatalf("before its first commit the leader answered %v or issued round %d", nw.nodes[2].readStates, r.readOnly.seq)
	}
	nw.stabilize()
	scWantReads(t, nw, 2, ReadState{Index: x + 1, RequestCtx: []byte("r")})
}

// TestScenario26ReadIndexConfirmedOnlyByLaterRound proves that the read
// index is the commit index when the request arrived, confirmed only by a
// heartbeat round issued after it. Acks of an earlier round, re-delivered
// acks of the round that answered an earlier read with the same context
// (etcd#20418), and acks naming a round never issued confirm nothing; writes
// committed meanwhile do not raise the index.
func TestScenario26ReadIndexConfirmedOnlyByLaterRound(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)
	nw.nodes[1].rn.Tick() // a heartbeat round leaves before the request
	nw.processReady(1)
	early := nw.takeQueue()
	commit := nw.raft(1).raftLog.committed
	scReadIndex(t, nw, 1, "ctx")
	nw.processReady(1)
	round := nw.takeQueue()
	if round[0].Type != pb.MsgHeartbeat || round[0].Seq != early[0].Seq+1 {
		t.Fatalf("after the request: %s, want a heartbeat of round %d", round[0], early[0].Seq+1)
	}
	scDeliverAll(nw, early)
	scMust(t, nw.propose(1, "y")) // the early round's acks arrive, and y commits
	if got := len(nw.nodes[1].readStates); got != 0 || nw.raft(1).raftLog.committed <= commit {
		t.Fatalf("after the earlier round's acks: answered %v, commit %d", got, nw.raft(1).raftLog.committed)
	}
	scDeliverAll(nw, round)
	nw.processReady(2)
	nw.processReady(3)
	acks := nw.takeQueue()
	scDeliverAll(nw, acks)
	nw.processReady(1)
	first := ReadState{Index: commit, RequestCtx: []byte("ctx")}
	scWantReads(t, nw, 1, first)

	scReadIndex(t, nw, 1, "ctx")
	nw.processReady(1)
	next := nw.takeQueue()
	scDeliverAll(nw, acks)
	for _, from := range []uint64{2, 3} {
		nw.deliver(pb.Message{Type: pb.MsgHeartbeatResp, From: from, To: 1, Term: nw.raft(1).Term, Seq: next[0].Seq + 5})
	}
	nw.processReady(1)
	if n := len(nw.nodes[1].readStates); n != 1 {
		t.Fatalf("duplicate or forged acks answered the second read (%d answers)", n)
	}
	scDeliverAll(nw, next)
	nw.stabilize()
	scWantReads(t, nw, 1, first, ReadState{Index: nw.raft(1).raftLog.committed, RequestCtx: []byte("ctx")})
}

// TestScenario26DeposedLeaderNeverAnswers proves that a leader that lost its
// quorum never answers a pending read, even when its round is finally
// delivered after a new leader committed more, and that once it is a
// follower its reads go through the new leader.
func TestScenario26DeposedLeaderNeverAnswers(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)
	scReadIndex(t, nw, 1, "stale")
	nw.processReady(1)
	held := nw.takeQueue()

	nw.isolate(1)
	for range 50 {
		if l := nw.leader(); l == 2 || l == 3 {
			break
		}
		nw.tick(1, 2, 3)
	}
	lead := nw.leader()
	if lead != 2 && lead != 3 {
		t.Fatalf("no new leader among 2 and 3 (leader %d)", lead)
	}
	scMust(t, nw.propose(lead, "b"))
	b := nw.raft(lead).raftLog.lastIndex()
	nw.heal()
	scDeliverAll(nw, held) // the old round arrives late
	nw.stabilize()
	if got := len(nw.nodes[1].readStates); got != 0 {
		t.Fatalf("deposed leader answered %v", got)
	}
	if r := nw.raft(1); r.state != StateFollower || r.Term != nw.raft(lead).Term {
		t.Fatalf("old leader is %s at term %d, want follower at %d", r.state, r.Term, nw.raft(lead).Term)
	}

	nw.tick(1, lead) // 1 learns who leads
	scReadIndex(t, nw, 1, "fresh")
	nw.stabilize()
	scWantReads(t, nw, 1, ReadState{Index: b, RequestCtx: []byte("fresh")})
}

// TestScenario26FollowerReadGoesThroughLeader proves that a follower's read
// returns the leader's commit index, which the follower may not have applied
// yet: it must wait for applied >= index before reading.
func TestScenario26FollowerReadGoesThroughLeader(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)
	nw.cut[[2]uint64{1, 3}] = true
	scMust(t, nw.propose(1, "z"))
	z := nw.raft(1).raftLog.committed
	nw.heal()
	nw.ignore[pb.MsgApp] = true // 3 stays behind while it reads
	n0 := len(nw.delivered)
	scReadIndex(t, nw, 3, "f")
	nw.stabilize()
	if scCountFrom(nw, n0, pb.MsgReadIndex, 3) != 1 || scCountFrom(nw, n0, pb.MsgReadIndexResp, 1) != 1 {
		t.Fatal("the read did not go to the leader and back")
	}
	scWantReads(t, nw, 3, ReadState{Index: z, RequestCtx: []byte("f")})
	if applied := nw.raft(3).raftLog.applied; applied >= z {
		t.Fatalf("setup: follower already applied %d >= %d", applied, z)
	}
	delete(nw.ignore, pb.MsgApp)
	nw.tick(1, 1)
	if applied := nw.raft(3).raftLog.applied; applied < z {
		t.Fatalf("follower applied %d, want >= read index %d", applied, z)
	}
	scWantApplied(t, nw, 3, "z")
}

func scLease(c *Config) { c.ReadOnlyOption = ReadOnlyLeaseBased }

// TestScenario27LeaseReadNeedsNoRound proves that while the lease holds the
// leader answers a read in the very next Ready, without a heartbeat round.
func TestScenario27LeaseReadNeedsNoRound(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, scLease)
	scElect(t, nw, 1)
	nw.tick(1) // a round acked by a quorum grants the lease
	if !nw.nodes[1].rn.BasicStatus().LeaseValid {
		t.Fatal("no lease after an acknowledged round")
	}
	seq := nw.raft(1).readOnly.seq
	scReadIndex(t, nw, 1, "l")
	nw.processReady(1)
	scWantReads(t, nw, 1, ReadState{Index: nw.raft(1).raftLog.committed, RequestCtx: []byte("l")})
	if len(nw.queue) != 0 || nw.raft(1).readOnly.seq != seq {
		t.Fatalf("a lease read issued round %d and %d messages", nw.raft(1).readOnly.seq, len(nw.queue))
	}
}

// TestScenario27PartitionedLeaderLeaseEndsBeforeNewLeader proves the lease
// timing: cut off right after a quorum acked round L, the old leader serves
// lease reads for ElectionTick-LeaseDriftTicks-1 more ticks, while the others
// cannot elect a leader before ElectionTick ticks (they refuse votes while
// they still heard from a leader within an election timeout), even with node
// 2 campaigning at every tick. A larger drift margin shortens the lease.
func TestScenario27PartitionedLeaderLeaseEndsBeforeNewLeader(t *testing.T) {
	for _, tc := range []struct {
		name             string
		drift, lastLease int
	}{{"default drift", 0, 8}, {"drift 1", 1, 8}, {"drift 3", 3, 6}} {
		t.Run(tc.name, func(t *testing.T) {
			nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, func(c *Config) {
				scLease(c)
				c.LeaseDriftTicks = tc.drift
			})
			scElect(t, nw, 1)
			nw.tick(1)
			nw.isolate(1)
			lastLease, firstLeader := 0, 0
			for k := 1; k <= 12; k++ {
				nw.tick(1)
				scMust(t, nw.nodes[2].rn.Campaign())
				nw.stabilize()
				lease := nw.nodes[1].rn.BasicStatus().LeaseValid
				other := nw.raft(2).state == StateLeader || nw.raft(3).state == StateLeader
				if lease && other {
					t.Fatalf("tick %d: the old leader holds a lease while another leader exists", k)
				}
				before := len(nw.nodes[1].readStates)
				scReadIndex(t, nw, 1, "r")
				nw.processReady(1)
				if answered := len(nw.nodes[1].readStates) > before; answered != lease {
					t.Fatalf("tick %d: lease %v but read answered %v", k, lease, answered)
				}
				if lease {
					lastLease = k
				}
				if other && firstLeader == 0 {
					firstLeader = k
				}
			}
			if lastLease != tc.lastLease || firstLeader != 10 {
				t.Fatalf("lease held until tick %d, new leader at tick %d; want %d and 10", lastLease, firstLeader, tc.lastLease)
			}
		})
	}
}

// TestScenario27TransferEndsLease proves that starting a leadership transfer
// revokes the lease for the rest of the term: reads need a round again, even
// after the transfer is abandoned.
func TestScenario27TransferEndsLease(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, scLease)
	scElect(t, nw, 1)
	nw.tick(1)
	nw.isolate(3)
	nw.nodes[1].rn.TransferLeader(3)
	if nw.nodes[1].rn.BasicStatus().LeaseValid {
		t.Fatal("lease still valid during a transfer")
	}
	for i, ctx := range []string{"during", "after"} {
		scReadIndex(t, nw, 1, ctx)
		nw.processReady(1)
		round := slices.ContainsFunc(nw.queue, func(m pb.Message) bool { return m.Type == pb.MsgHeartbeat })
		if got := len(nw.nodes[1].readStates); got != i || !round {
			t.Fatalf("read %q: answered %v at once, queued %v; want a heartbeat round first", ctx, got, nw.queue)
		}
		nw.stabilize()
		if got := len(nw.nodes[1].readStates); got != i+1 {
			t.Fatalf("read %q not answered by its round: %v", ctx, got)
		}
		nw.tick(10, 1) // abandons the transfer; acked rounds do not restore the lease
		if r := nw.raft(1); r.state != StateLeader || r.leadTransferee != None || nw.nodes[1].rn.BasicStatus().LeaseValid {
			t.Fatalf("%s: transferee %d, lease %v; want leader, no transfer, no lease", r.state, r.leadTransferee,
				nw.nodes[1].rn.BasicStatus().LeaseValid)
		}
	}
}

// TestScenario27RestartedNodeRefusesVotesForElectionTimeout proves that in
// lease mode a restarted node, which may have acked a lease round just before
// it went down, refuses to vote until it has ticked an election timeout. In
// safe mode it votes at once.
func TestScenario27RestartedNodeRefusesVotesForElectionTimeout(t *testing.T) {
	for _, tc := range []struct {
		mode      ReadOnlyOption
		firstVote int
	}{{ReadOnlySafe, 0}, {ReadOnlyLeaseBased, 10}} {
		t.Run(tc.mode.String(), func(t *testing.T) {
			nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, func(c *Config) { c.ReadOnlyOption = tc.mode })
			scElect(t, nw, 1)
			nw.tick(1)
			nw.crash(3)
			nw.restart(3)
			nw.isolate(1)
			first := -1
			for k := 0; k <= 12 && first < 0; k++ {
				if k > 0 {
					nw.tick(1, 2, 3)
				}
				scMust(t, nw.nodes[2].rn.Campaign())
				nw.stabilize()
				if nw.raft(2).state == StateLeader || nw.raft(3).state == StateLeader {
					first = k
				}
			}
			if first != tc.firstVote {
				t.Fatalf("new leader after %d ticks of the restarted node, want %d", first, tc.firstVote)
			}
		})
	}
}

// scFollower starts node 2 of a {1,2,3} group on ms, bootstrapping ms if it
// is new; the test drives it by hand.
func scFollower(t *testing.T, ms *MemoryStorage) *RawNode {
	t.Helper()
	if last, _ := ms.LastIndex(); last == 0 {
		scMust(t, Bootstrap(ms, pb.ConfState{Voters: []uint64{1, 2, 3}}))
	}
	rn, err := NewRawNode(&Config{ID: 2, ElectionTick: 10, HeartbeatTick: 1, Storage: ms, MaxSizePerMsg: noLimit, DisableCheckQuorum: true})
	if err != nil {
		t.Fatal(err)
	}
	return rn
}

// scStepApp delivers an append from leader at term whose entries follow
// (prev, prevTerm) and carry the given terms.
func scStepApp(t *testing.T, rn *RawNode, leader, term, prev, prevTerm uint64, terms ...uint64) {
	t.Helper()
	m := pb.Message{Type: pb.MsgApp, From: leader, To: 2, Term: term, Index: prev, LogTerm: prevTerm, Commit: 1}
	for i, et := range terms {
		m.Entries = append(m.Entries, pb.Entry{Index: prev + 1 + uint64(i), Term: et})
	}
	scMust(t, rn.Step(m))
}

// scPersist writes a Ready as the contract requires, then checks that every
// grant or ack it carries at the node's current term is backed by what is
// now durable: an append ack by an entry at its index, a vote by the
// HardState; and that no append ack goes to a leader of an older term.
func scPersist(t *testing.T, ms *MemoryStorage, rd Ready) {
	t.Helper()
	scMust(t, ms.Append(rd.Entries))
	if !rd.HardState.IsEmpty() {
		scMust(t, ms.SetHardState(rd.HardState))
	}
	hs, _, _ := ms.InitialState()
	last, _ := ms.LastIndex()
	for _, m := range rd.Messages {
		switch {
		case m.Type == pb.MsgAppResp && !m.Reject && m.Term < hs.Term:
			// A newer leader may have rewritten the acknowledged entries
			// before they were persisted: such acks must be dropped.
			t.Fatalf("%s acknowledges entries to a leader of an older term than %d", m, hs.Term)
		case m.Term < hs.Term:
		case m.Type == pb.MsgAppResp && !m.Reject && m.Index > last:
			t.Fatalf("%s acknowledges beyond the durable log (last index %d)", m, last)
		case m.Type == pb.MsgVoteResp && !m.Reject && (hs.Term != m.Term || hs.Vote != m.To):
			t.Fatalf("%s grants a vote the durable hard state %+v does not hold", m, hs)
		}
	}
}

// TestScenario28AcksShareTheReadyOfTheirWrites stands in for async
// persistence, which the library does not offer: an append ack and a vote
// grant only ever appear in the Ready whose Entries and HardState carry what
// they acknowledge, so they leave after it is persisted, and a crash before
// persisting loses the write and the ack together.
func TestScenario28AcksShareTheReadyOfTheirWrites(t *testing.T) {
	ms := NewMemoryStorage()
	rn := scFollower(t, ms)
	scStepApp(t, rn, 1, 2, 1, 1, 2, 2)
	rd := rn.Ready()
	if len(rd.Entries) != 2 || !rd.MustSync || len(rd.Messages) != 1 ||
		rd.Messages[0].Type != pb.MsgAppResp || rd.Messages[0].Index != 3 {
		t.Fatalf("Ready: entries %v, sync %v, messages %v; want entries 2-3 synced with their ack", rd.Entries, rd.MustSync, rd.Messages)
	}
	if last, _ := ms.LastIndex(); last != 1 || len(rn.raft.raftLog.unstable.entries) != 2 {
		t.Fatalf("before persisting: storage last index %d, unstable %v", last, rn.raft.raftLog.unstable.entries)
	}
	if crashed := scFollower(t, ms); crashed.raft.raftLog.lastIndex() != 1 || crashed.raft.Term != 1 {
		t.Fatal("a crash before persisting should lose the entries (and so the unsent ack)")
	}
	scPersist(t, ms, rd)
	rn.Advance(rd)
	if n := len(rn.raft.raftLog.unstable.entries); n != 0 {
		t.Fatalf("%d entries still unstable after Advance", n)
	}

	scMust(t, rn.Step(pb.Message{Type: pb.MsgVote, From: 3, To: 2, Term: 3, Index: 3, LogTerm: 2}))
	rd = rn.Ready()
	if hs := rd.HardState; hs.Term != 3 || hs.Vote != 3 || !rd.MustSync || len(rd.Messages) != 1 ||
		rd.Messages[0].Type != pb.MsgVoteResp || rd.Messages[0].Reject {
		t.Fatalf("Ready: hard state %+v, sync %v, messages %v; want the vote synced with its grant", hs, rd.MustSync, rd.Messages)
	}
	scPersist(t, ms, rd)
	rn.Advance(rd)
}

// TestScenario28RewrittenEntriesNeverMarkedStable covers the ABA race: entry
// 3 is handed out at term 2 (A), and before that Ready is persisted a new
// leader rewrites it (B), possibly back to A by a later leader whose log
// holds A. Advancing the first Ready marks index 3 stable only if storage now
// holds the very entry the log has there; B is persisted by the next Ready.
//
// The B append's ack, queued for the term-3 leader, still leaves in the next
// Ready although B is never persisted. It is harmless: the node has moved to
// a later term whose leader lacks B, so by the election restriction B was
// not committed and the term-3 leader can no longer gather a quorum for it.
func TestScenario28RewrittenEntriesNeverMarkedStable(t *testing.T) {
	for _, tc := range []struct {
		name     string
		rewrites [][3]uint64 // leader, term, term of the new entry 3
		stable   bool
	}{
		{"A then B", [][3]uint64{{3, 3, 3}}, false},
		{"A, B, then A again", [][3]uint64{{3, 3, 3}, {1, 4, 2}}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ms := NewMemoryStorage()
			rn := scFollower(t, ms)
			scStepApp(t, rn, 1, 2, 1, 1, 2, 2)
			first := rn.Ready()
			for _, rw := range tc.rewrites {
				scStepApp(t, rn, rw[0], rw[1], 2, 2, rw[2])
			}
			scPersist(t, ms, first)
			rn.Advance(first)
			l := rn.raft.raftLog
			want := tc.rewrites[len(tc.rewrites)-1][2]
			stored, _ := ms.Term(3)
			if stable := l.unstable.offset > 3; stable != tc.stable || (stable && stored != want) {
				t.Fatalf("index 3 stable = %v (storage term %d, log term %d), want stable = %v", stable, stored, want, tc.stable)
			}
			rd := rn.Ready()
			scPersist(t, ms, rd)
			rn.Advance(rd)
			if got, _ := ms.Term(3); got != want || len(l.unstable.entries) != 0 {
				t.Fatalf("after the next Ready: storage term %d at index 3, unstable %v; want term %d, none", got, l.unstable.entries, want)
			}
		})
	}
}
