package raft

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	pb "sqlraft/raft/raftpb"
	"sqlraft/raft/tracker"
)

// Scenarios 1, 4 and 6-9 of the acceptance checklist: what a leader may
// commit, how terms order messages, and how a leader repairs followers'
// logs. The election scenarios are in scenario_election_test.go; the sa*
// helpers are shared.

// saStorage returns a storage for voters holding one entry per element of
// terms, at indexes 1..len(terms) (no bootstrap entry, so indexes match the
// paper's figures), and the hard state hs. Entry i carries "i@t" as data.
func saStorage(t *testing.T, voters []uint64, terms []uint64, hs pb.HardState) *MemoryStorage {
	t.Helper()
	ms := NewMemoryStorage()
	if err := ms.ApplySnapshot(pb.Snapshot{Metadata: pb.SnapshotMetadata{ConfState: pb.ConfState{Voters: voters}}}); err != nil {
		t.Fatal(err)
	}
	ents := make([]pb.Entry, len(terms))
	for i, term := range terms {
		ents[i] = pb.Entry{Index: uint64(i + 1), Term: term, Data: fmt.Appendf(nil, "%d@%d", i+1, term)}
	}
	if err := ms.Append(ents); err != nil {
		t.Fatal(err)
	}
	if err := ms.SetHardState(hs); err != nil {
		t.Fatal(err)
	}
	return ms
}

// saNewRaft builds one node's protocol state over saStorage, to be driven
// directly with Step (no RawNode, no harness).
func saNewRaft(t *testing.T, id uint64, voters, terms []uint64, hs pb.HardState, configure func(*Config)) *raft {
	t.Helper()
	c := &Config{ID: id, ElectionTick: 10, HeartbeatTick: 1, Storage: saStorage(t, voters, terms, hs),
		MaxSizePerMsg: noLimit, MaxInflightMsgs: 256}
	if configure != nil {
		configure(c)
	}
	r, err := newRaft(c)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// saTake returns and clears the messages a raft queued.
func saTake(r *raft) (msgs []pb.Message) {
	msgs, r.msgs = r.msgs, nil
	clear(r.queuedApp)
	return msgs
}

// saNetwork is a test network whose nodes start from the given logs and
// hard states (see saStorage) instead of a bootstrap snapshot.
func saNetwork(t *testing.T, logs map[uint64][]uint64, hs map[uint64]pb.HardState, configure func(*Config)) *testNetwork {
	t.Helper()
	var voters []uint64
	for id := uint64(1); logs[id] != nil; id++ {
		voters = append(voters, id)
	}
	nw := newTestNetwork(t, voters, nil, configure)
	for _, id := range voters {
		nw.add(id, saStorage(t, voters, logs[id], hs[id]))
	}
	return nw
}

// saRun is stabilize on a network that delivers only the messages pass
// accepts; it returns the others, undelivered, in send order.
func saRun(nw *testNetwork, pass func(pb.Message) bool) (held []pb.Message) {
	nw.t.Helper()
	return nw.stabilizeHolding(pass)
}

// saLog asserts a node's log, as nw.logTerms prints it.
func saLog(t *testing.T, nw *testNetwork, want string, ids ...uint64) {
	t.Helper()
	for _, id := range ids {
		if got := nw.logTerms(id); got != want {
			t.Fatalf("node %d log %q, want %q", id, got, want)
		}
	}
}

// TestScenario01SingleNode: a lone voter needs no network. Its election
// timer makes it leader, it appends and commits an empty entry of its term
// at once, and a proposal commits in the same Ready that persists it.
func TestScenario01SingleNode(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1}, nil, nil)
	rn, r := nw.nodes[1].rn, nw.raft(1)
	r.randomizedElectionTimeout = r.electionTimeout
	for range r.electionTimeout - 1 {
		rn.Tick()
	}
	if r.state != StateFollower || rn.HasReady() {
		t.Fatalf("before the timeout: state %s, HasReady %v; want a quiet follower", r.state, rn.HasReady())
	}
	rn.Tick()
	rd := rn.Ready()
	if got, want := saReady(rd), "soft=1/StateLeader hs=2/1/2 sync=true ents=[2/2:] committed=[2/2:] msgs=[]"; got != want {
		t.Fatalf("Ready after the timeout:\n got %s\nwant %s", got, want)
	}
	if err := nw.nodes[1].storage.Append(rd.Entries); err != nil {
		t.Fatal(err)
	}
	rn.Advance(rd)

	if err := rn.Propose([]byte("x")); err != nil {
		t.Fatal(err)
	}
	rd = rn.Ready()
	if got, want := saReady(rd), "soft=- hs=2/1/3 sync=true ents=[3/2:x] committed=[3/2:x] msgs=[]"; got != want {
		t.Fatalf("Ready after the proposal:\n got %s\nwant %s", got, want)
	}
	rn.Advance(rd)
	if rn.HasReady() {
		t.Fatal("a further Ready after the proposal committed")
	}
}

// saInState returns node 1 of {1,2,3} with log [1] in the given state at
// term 3 (CheckQuorum off, so no leader lease hides the term rules).
func saInState(t *testing.T, st StateType) *raft {
	r := saNewRaft(t, 1, []uint64{1, 2, 3}, []uint64{1}, pb.HardState{Term: 2, Commit: 1}, func(c *Config) { c.DisableCheckQuorum = true })
	switch st {
	case StateFollower:
		r.becomeFollower(3, 2)
	case StatePreCandidate:
		r.becomeFollower(3, None)
		r.becomePreCandidate()
	case StateCandidate:
		r.becomeCandidate()
	case StateLeader:
		r.becomeCandidate()
		r.becomeLeader()
	}
	saTake(r)
	return r
}

var saStates = []StateType{StateFollower, StatePreCandidate, StateCandidate, StateLeader}

// TestScenario04HigherTermDemotes: a message with a higher term makes the
// receiver, whatever its role, a follower at that term; the sender becomes
// its leader only if it sends appends or heartbeats.
func TestScenario04HigherTermDemotes(t *testing.T) {
	for _, st := range saStates {
		for _, m := range []pb.Message{
			{Type: pb.MsgApp, Index: 1, LogTerm: 1, Commit: 1},
			{Type: pb.MsgHeartbeat, Commit: 1},
			{Type: pb.MsgVote, Index: 9, LogTerm: 4},
			{Type: pb.MsgAppResp, Index: 1},
			{Type: pb.MsgHeartbeatResp},
			{Type: pb.MsgVoteResp, Reject: true},
		} {
			r := saInState(t, st)
			m.From, m.To, m.Term = 2, 1, 5
			if err := r.Step(m); err != nil {
				t.Fatal(err)
			}
			wantLead, wantVote := None, None
			switch m.Type {
			case pb.MsgApp, pb.MsgHeartbeat:
				wantLead = 2
			case pb.MsgVote:
				wantVote = 2
			}
			if r.state != StateFollower || r.Term != 5 || r.lead != wantLead || r.Vote != wantVote {
				t.Errorf("%s got %s at term 5: now %s term %d lead %d vote %d, want follower term 5 lead %d vote %d",
					st, m.Type, r.state, r.Term, r.lead, r.Vote, wantLead, wantVote)
			}
		}
	}
}

// TestScenario04LowerTermIgnoredButAnswered: a message with a lower term
// changes nothing. Appends, heartbeats and (pre-)vote requests are answered
// at the receiver's term so the stale sender learns it; responses are
// dropped (a stale vote grant is not counted).
func TestScenario04LowerTermIgnoredButAnswered(t *testing.T) {
	for _, st := range saStates {
		for _, tc := range []struct {
			m     pb.Message
			reply pb.MessageType // 0: no reply
		}{
			{pb.Message{Type: pb.MsgApp, Index: 1, LogTerm: 1, Commit: 2, Entries: []pb.Entry{{Index: 2, Term: 2}}}, pb.MsgAppResp},
			{pb.Message{Type: pb.MsgHeartbeat, Commit: 1}, pb.MsgAppResp},
			{pb.Message{Type: pb.MsgVote, Index: 9, LogTerm: 2}, pb.MsgVoteResp},
			{pb.Message{Type: pb.MsgPreVote, Index: 9, LogTerm: 2}, pb.MsgPreVoteResp},
			{pb.Message{Type: pb.MsgAppResp, Index: 2}, 0},
			{pb.Message{Type: pb.MsgHeartbeatResp}, 0},
			{pb.Message{Type: pb.MsgVoteResp}, 0},
			{pb.Message{Type: pb.MsgPreVoteResp}, 0},
		} {
			r := saInState(t, st)
			before := fmt.Sprint(r.state, r.Term, r.Vote, r.lead, r.raftLog.lastIndex(), r.raftLog.committed)
			m := tc.m
			m.From, m.To, m.Term = 2, 1, 2
			if err := r.Step(m); err != nil {
				t.Fatal(err)
			}
			if after := fmt.Sprint(r.state, r.Term, r.Vote, r.lead, r.raftLog.lastIndex(), r.raftLog.committed); after != before {
				t.Errorf("%s changed on a stale %s: %s -> %s", st, m.Type, before, after)
			}
			msgs := saTake(r)
			switch {
			case tc.reply == 0 && len(msgs) != 0:
				t.Errorf("%s answered a stale %s with %v", st, m.Type, msgs)
			case tc.reply != 0 && (len(msgs) != 1 || msgs[0].Type != tc.reply || msgs[0].Term != 3 || msgs[0].To != 2):
				t.Errorf("%s answered a stale %s with %v, want one %s at term 3", st, m.Type, msgs, tc.reply)
			case tc.reply == pb.MsgVoteResp || tc.reply == pb.MsgPreVoteResp:
				if !msgs[0].Reject {
					t.Errorf("%s granted a stale %s", st, m.Type)
				}
			}
		}
	}
}

// TestScenario04StaleLeaderLearnsNewTerm: a leader cut off while the others
// elect a new one keeps its old term until it talks to them; the answer to
// its stale append makes it step down, and its uncommitted entry is
// replaced.
func TestScenario04StaleLeaderLearnsNewTerm(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)
	nw.isolate(1)
	saTimeout(nw, 2, 3)
	saState(t, nw, 2, StateLeader, 3, 2)
	saState(t, nw, 1, StateLeader, 2, 1)

	nw.heal()
	if err := nw.propose(1, "stale"); err != nil {
		t.Fatal(err)
	}
	saState(t, nw, 1, StateFollower, 3, None)
	nw.tick(1, 2) // a heartbeat from the new leader
	if err := nw.propose(2, "fresh"); err != nil {
		t.Fatal(err)
	}
	saState(t, nw, 1, StateFollower, 3, 2)
	if got := nw.logTerms(1); got != "2:2 3:3 4:3 " {
		t.Fatalf("node 1 log %s, want its stale entry 3 replaced: 2:2 3:3 4:3", got)
	}
	saApplied(t, nw, []string{"fresh"}, 1, 2, 3)
}

// TestScenario04StaleTermAnswerIsNotAnAck: the answer to a stale append or
// heartbeat only teaches its sender the newer term. If the sender has by
// then become leader in that very term, the answer must not count as an
// acknowledgement. Here node 1's heartbeat of term 2 reaches node 2 only
// after node 1 won term 3 and before node 2 acknowledged anything in it;
// node 2 still holds the whole log, so its progress must stay a probe from
// the end of the log, not restart from index 0 (a snapshot or the whole log).
func TestScenario04StaleTermAnswerIsNotAnAck(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)
	if err := nw.propose(1, "a"); err != nil {
		t.Fatal(err)
	}
	nw.nodes[1].rn.Tick()
	nw.processReady(1)
	stale := nw.takeQueue()[0] // MsgHeartbeat 1->2 at term 2, delayed
	nw.isolate(1)
	nw.tick(2*nw.raft(1).electionTimeout, 1) // CheckQuorum: node 1 steps down
	nw.heal()
	nw.raft(2).randomizedElectionTimeout, nw.raft(3).randomizedElectionTimeout = 19, 19
	nw.tick(10, 2, 3) // their lease on node 1 expires
	saCampaign(nw, 1)
	saState(t, nw, 1, StateLeader, 3, 1)
	nw.takeQueue() // node 1's first appends are still in flight

	nw.deliver(stale)
	nw.processReady(2)
	for _, m := range nw.takeQueue() {
		nw.deliver(m) // node 2's answer: MsgAppResp at term 3
	}
	if pr := nw.raft(1).trk.Progress[2]; pr.State != tracker.StateProbe || pr.Match != 0 || pr.Next != 4 {
		t.Fatalf("node 2's progress %s after the stale answer, want StateProbe match=0 next=4", pr)
	}
}

// saFigure8UpToC plays Figure 8 (a)-(c) of the Raft paper on five nodes
// (basic Raft: no PreVote or CheckQuorum, one entry per append). Indexes are
// one above the paper's: index 1 is the bootstrap entry and index 2 the
// first leader's no-op; the paper's "entry from term 2 at index 2" is "a" at
// index 3 here. The paper's term-4 entry is node 1's no-op at index 4.
func saFigure8UpToC(t *testing.T) *testNetwork {
	nw := newTestNetwork(t, []uint64{1, 2, 3, 4, 5}, nil, func(c *Config) {
		c.DisablePreVote = true
		c.DisableCheckQuorum = true
		c.MaxSizePerMsg = 0
	})
	// (a) Node 1 leads term 2 and replicates "a" only to node 2.
	nw.campaign(1)
	nw.partition([]uint64{1}, []uint64{3, 4, 5})
	if err := nw.propose(1, "a"); err != nil {
		t.Fatal(err)
	}
	saLog(t, nw, "2:2 3:2 ", 1, 2)
	saLog(t, nw, "2:2 ", 3, 4, 5)

	// (b) Node 1 crashes; node 5 wins term 3 with votes from 3 and 4,
	// appends its no-op and "b" locally, and crashes before sending them.
	nw.crash(1)
	nw.heal()
	nw.partition([]uint64{2}, []uint64{5})
	saCampaign(nw, 5)
	saState(t, nw, 5, StateLeader, 3, 5)
	nw.isolate(5)
	if err := nw.propose(5, "b"); err != nil {
		t.Fatal(err)
	}
	saLog(t, nw, "2:2 3:3 4:3 ", 5)
	nw.crash(5)
	nw.heal()

	// (c) Node 1 restarts. Term 3 is taken by nodes 3 and 4 (they voted for
	// node 5), so it wins term 4 on a second try, with 2, 3 and 4.
	nw.restart(1)
	saCampaign(nw, 1)
	saState(t, nw, 1, StateCandidate, 3, None)
	saCampaign(nw, 1)
	saState(t, nw, 1, StateLeader, 4, 1)
	// It brings nodes 3 and 4 up to "a"; the network loses every append
	// that would give anyone its term-4 entry.
	saRun(nw, func(m pb.Message) bool {
		return m.Type != pb.MsgApp || len(m.Entries) == 0 || m.Entries[len(m.Entries)-1].Term != 4 ||
			!nw.nodes[m.To].alive || !nw.raft(m.To).raftLog.matchTerm(m.Index, m.LogTerm)
	})
	saLog(t, nw, "2:2 3:2 4:4 ", 1)
	saLog(t, nw, "2:2 3:2 ", 2, 3, 4)
	return nw
}

// TestScenario06Figure8 proves the commitment rule of Raft §5.4.2: the
// term-2 entry "a" sits on four of five nodes, and the leader of term 4
// knows three of them (a majority) hold it, yet does not commit it. Rightly
// so: node 5 then wins term 5 and overwrites it everywhere (Figure 8 (d)).
func TestScenario06Figure8(t *testing.T) {
	nw := saFigure8UpToC(t)
	l := nw.raft(1)
	if m3, m4 := l.trk.Progress[3].Match, l.trk.Progress[4].Match; m3 != 3 || m4 != 3 {
		t.Fatalf("leader's view: nodes 3 and 4 match %d and %d, want 3 (a majority holds index 3)", m3, m4)
	}
	if c := l.raftLog.committed; c != 2 {
		t.Fatalf("leader of term 4 committed index %d: it counted replicas of a term-2 entry (Figure 8)", c)
	}

	// (d) Node 1 crashes; node 5 restarts. Term 4 is taken, so it wins
	// term 5 with 2, 3 and 4, whose last term (2) is older than its own (3).
	nw.crash(1)
	nw.restart(5)
	nw.campaign(5)
	saState(t, nw, 5, StateFollower, 4, None)
	nw.campaign(5)
	saState(t, nw, 5, StateLeader, 5, 5)
	saLog(t, nw, "2:2 3:3 4:3 5:5 ", 2, 3, 4, 5)
	saApplied(t, nw, []string{"b"}, 2, 3, 4, 5)
}

// TestScenario06Figure8CurrentTermEntryCommits is Figure 8 (e): once the
// term-4 leader's own entry reaches a majority, it commits it and, with it,
// the term-2 entry before it; node 5 can then never win, and "a" survives.
func TestScenario06Figure8CurrentTermEntryCommits(t *testing.T) {
	nw := saFigure8UpToC(t)
	nw.tick(1, 1) // the heartbeat round lets the lost appends be resent
	saLog(t, nw, "2:2 3:2 4:4 ", 1, 2, 3, 4)
	if c := nw.raft(1).raftLog.committed; c != 4 {
		t.Fatalf("leader committed %d, want 4 (its own entry and the one before)", c)
	}
	saApplied(t, nw, []string{"a"}, 1, 2, 3, 4)

	nw.crash(1)
	nw.restart(5)
	for range 3 {
		nw.campaign(5)
		if nw.raft(5).state == StateLeader {
			t.Fatalf("node 5, whose last term is 3, won term %d against logs ending in term 4", nw.raft(5).Term)
		}
	}
	saTimeout(nw, 2, 3, 4, 5)
	saState(t, nw, 2, StateLeader, 7, 2) // node 5's campaigns used terms 4-6
	saLog(t, nw, "2:2 3:2 4:4 5:7 ", 2, 3, 4, 5)
	saApplied(t, nw, []string{"a"}, 2, 3, 4, 5)
}

// TestScenario07NewLeaderWithOlderTail: nodes 1 and 2 hold uncommitted
// entries of term 3. Node 3, whose log ends in term 2, is elected in term 4
// by the other majority; its appends make nodes 1 and 2 truncate their
// newer-term tail, in memory and in storage.
func TestScenario07NewLeaderWithOlderTail(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3, 4, 5}, nil, func(c *Config) {
		c.DisablePreVote = true
		c.DisableCheckQuorum = true
	})
	nw.campaign(1)
	nw.partition([]uint64{2}, []uint64{4, 5})
	saCampaign(nw, 2) // votes from 1 and 3
	saState(t, nw, 2, StateLeader, 3, 2)
	nw.heal()
	nw.partition([]uint64{1, 2}, []uint64{3, 4, 5})
	for _, d := range []string{"x", "y"} {
		if err := nw.propose(2, d); err != nil {
			t.Fatal(err)
		}
	}
	saLog(t, nw, "2:2 3:3 4:3 5:3 ", 1, 2)
	if c := nw.raft(2).raftLog.committed; c != 2 {
		t.Fatalf("term-3 leader committed %d with a minority, want 2", c)
	}

	nw.campaign(3)
	saState(t, nw, 3, StateLeader, 4, 3)
	if err := nw.propose(3, "z"); err != nil {
		t.Fatal(err)
	}
	nw.heal()
	nw.tick(1, 3)
	saLog(t, nw, "2:2 3:4 4:4 ", 1, 2, 3, 4, 5)
	for _, id := range []uint64{1, 2} {
		if last, _ := nw.nodes[id].storage.LastIndex(); last != 4 {
			t.Fatalf("node %d storage ends at %d, want the truncated log's 4", id, last)
		}
	}
	saApplied(t, nw, []string{"z"}, 1, 2, 3, 4, 5)
}

// TestScenario08Figure7Repair plays Figure 7 of the Raft paper: the leader
// of term 8 and followers (a)-(f), which miss entries, hold extra
// uncommitted ones, or both across several terms. All converge to the
// leader's log, and no entry at or below a node's commit index changes:
// the harness fails on any attempt, and every node (having applied its own
// committed prefix at start) applies exactly the leader's entries in order.
// Each follower costs at most one rejected probe.
func TestScenario08Figure7Repair(t *testing.T) {
	logs := map[uint64][]uint64{
		1: {1, 1, 1, 4, 4, 5, 5, 6, 6, 6},       // leader
		2: {1, 1, 1, 4, 4, 5, 5, 6, 6},          // (a) missing one
		3: {1, 1, 1, 4},                         // (b) missing many
		4: {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6},    // (c) one extra
		5: {1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7}, // (d) extra, newer term
		6: {1, 1, 1, 4, 4, 4, 4},                // (e) missing and extra
		7: {1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3},    // (f) conflicting terms 2, 3
	}
	hs := map[uint64]pb.HardState{1: {Term: 7, Commit: 5}, 2: {Term: 7, Commit: 5}, 3: {Term: 7, Commit: 4},
		4: {Term: 7, Commit: 5}, 5: {Term: 7, Commit: 5}, 6: {Term: 7, Commit: 5}, 7: {Term: 7, Commit: 3}}
	nw := saNetwork(t, logs, hs, nil)
	nw.campaign(1)
	saState(t, nw, 1, StateLeader, 8, 1)

	want := "1:1 2:1 3:1 4:4 5:4 6:5 7:5 8:6 9:6 10:6 11:8 "
	var data []string
	for i, term := range logs[1] {
		data = append(data, fmt.Sprintf("%d@%d", i+1, term))
	}
	for _, id := range nw.ids() {
		saLog(t, nw, want, id)
		if last, _ := nw.nodes[id].storage.LastIndex(); last != 11 || nw.raft(id).raftLog.committed != 11 {
			t.Fatalf("node %d: storage ends at %d, commit %d; want 11 and 11", id, last, nw.raft(id).raftLog.committed)
		}
	}
	saApplied(t, nw, data, nw.ids()...)

	rejects := map[uint64]int{}
	for _, m := range nw.delivered {
		if m.Type == pb.MsgAppResp && m.Reject {
			rejects[m.From]++
		}
	}
	if want := map[uint64]int{2: 1, 3: 1, 6: 1, 7: 1}; fmt.Sprint(rejects) != fmt.Sprint(want) {
		t.Fatalf("rejected probes per follower %v, want %v", rejects, want)
	}
}

// TestScenario09FastBacktracking: a follower with a 995-entry divergent tail
// (terms 3 and 5) against the leader's 495 (terms 2, 4 and 6) is repaired
// with three rejected probes, one per term boundary the hints cross, instead
// of hundreds. Exactly five appends reach it: four probes and the commit.
func TestScenario09FastBacktracking(t *testing.T) {
	run := func(n, k uint64, term uint64) []uint64 { return slices.Repeat([]uint64{term}, int(k-n+1)) }
	leader := slices.Concat(run(1, 5, 1), run(6, 10, 2), run(11, 15, 4), run(16, 500, 6))
	follower := slices.Concat(run(1, 5, 1), run(6, 10, 3), run(11, 1000, 5))
	nw := saNetwork(t, map[uint64][]uint64{1: leader, 2: follower},
		map[uint64]pb.HardState{1: {Term: 6, Commit: 5}, 2: {Term: 5, Commit: 5}}, nil)
	nw.campaign(1)
	saState(t, nw, 1, StateLeader, 7, 1)

	var probes []string
	for _, m := range nw.delivered {
		if m.Type == pb.MsgApp && m.To == 2 {
			probes = append(probes, fmt.Sprintf("%d/%d", m.Index, m.LogTerm))
		}
	}
	// The hints: (500,6) -> follower's term at 500 is 5 -> leader's last
	// index with term <= 5 is 15; (15,4) -> follower's last term <= 4 is 3
	// at 10; (10,2) -> follower's last term <= 2 is 1 at 5; (5,1) matches.
	if want := "[500/6 15/4 10/2 5/1 501/7]"; fmt.Sprint(probes) != want {
		t.Fatalf("appends to the follower (prev index/term): %v, want %s", probes, want)
	}
	if got := nw.countDelivered(pb.MsgAppResp, 1); got != 5 {
		t.Fatalf("%d append responses, want 5 (3 rejections, the match, the commit ack)", got)
	}
	if got, want := nw.logTerms(2), nw.logTerms(1); got != want || nw.raft(2).raftLog.lastIndex() != 501 {
		t.Fatal("follower's log differs from the leader's after repair")
	}
}

// TestScenario09FastBacktrackingBound checks the bound on 300 seeded pairs
// of divergent logs. Every rejected probe is at a different term of the
// leader's divergent suffix (the probe term strictly drops each round), and
// every rejection's hint at a different term of the follower's, the last
// possibly in the common prefix: so at most min(leader terms, follower
// terms + 1) rejections, and the logs always converge.
func TestScenario09FastBacktrackingBound(t *testing.T) {
	for seed := uint64(1); seed <= 300; seed++ {
		rng := rand.New(rand.NewPCG(seed, 9))
		prefix := slices.Repeat([]uint64{1}, rng.IntN(4))
		var lSuffix, fSuffix []uint64
		lTerms, fTerms := 0, 0
		top := uint64(2 + rng.IntN(8))
		for term := uint64(2); term <= top; term++ {
			run := slices.Repeat([]uint64{term}, 1+rng.IntN(30))
			// The leader holds the newest term, as any winner could.
			if term == top || rng.IntN(2) == 0 {
				lSuffix, lTerms = append(lSuffix, run...), lTerms+1
			} else {
				fSuffix, fTerms = append(fSuffix, run...), fTerms+1
			}
		}
		lLog, fLog := slices.Concat(prefix, lSuffix), slices.Concat(prefix, fSuffix)
		l := saNewRaft(t, 1, []uint64{1, 2}, lLog, pb.HardState{Term: top}, nil)
		f := saNewRaft(t, 2, []uint64{1, 2}, fLog, pb.HardState{Term: top}, nil)
		l.becomeCandidate()
		l.becomeLeader()
		l.bcastAppend()
		rejects := 0
		for range 1000 {
			toF := saTake(l)
			if len(toF) == 0 {
				break
			}
			for _, m := range toF {
				if err := f.Step(m); err != nil {
					t.Fatal(err)
				}
			}
			for _, m := range saTake(f) {
				if m.Reject {
					rejects++
				}
				if err := l.Step(m); err != nil {
					t.Fatal(err)
				}
			}
		}
		if bound := min(lTerms, fTerms+1); rejects > bound {
			t.Fatalf("seed %d: %d rejections repairing %v against leader %v, want at most %d", seed, rejects, fLog, lLog, bound)
		}
		if lt, ft := fmt.Sprint(l.raftLog.allEntries()), fmt.Sprint(f.raftLog.allEntries()); lt != ft {
			t.Fatalf("seed %d: follower %s, leader %s after repair", seed, ft, lt)
		}
	}
}
