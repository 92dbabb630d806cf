package raft

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	pb "sqlraft/raft/raftpb"
	"sqlraft/raft/tracker"
)

// Scenarios 18-20: compaction and snapshots, snapshots on diverging
// followers, crashes and restarts (with scenario 11's restart check).

// sbHoldSnaps is testNetwork.stabilize, except that snapshot messages are
// kept back and returned instead of delivered.
func sbHoldSnaps(nw *testNetwork) (held []pb.Message) {
	nw.t.Helper()
	return nw.stabilizeHolding(func(m pb.Message) bool { return m.Type != pb.MsgSnap })
}

// sbLaggingFollower builds a cluster where leader 1 (term 2) committed a and
// b (3, 4) everywhere, then c and d (5, 6) while 3 was isolated, and then
// compacted its log up to compactAt. Links are healed again.
func sbLaggingFollower(t *testing.T, compactAt uint64) *testNetwork {
	t.Helper()
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)
	for i, d := range []string{"a", "b", "c", "d"} {
		if i == 2 {
			nw.isolate(3)
		}
		sbMust(t, nw.propose(1, d))
	}
	n1 := nw.nodes[1]
	_, err := n1.storage.CreateSnapshot(compactAt, &n1.confState, []byte("image"))
	sbMust(t, err)
	sbMust(t, n1.storage.Compact(compactAt))
	nw.heal()
	return nw
}

// TestScenario18SnapshotPausesAppendsUntilAcked proves a follower whose next
// entry was compacted gets the snapshot; its progress moves to
// StateSnapshot, appends to it stop (even with new proposals and
// heartbeats), and replication resumes as soon as it acknowledges.
func TestScenario18SnapshotPausesAppendsUntilAcked(t *testing.T) {
	nw := sbLaggingFollower(t, 6)
	r1 := nw.raft(1)
	nw.nodes[1].rn.Tick() // heartbeat: 3 answers, the leader finds 5 compacted
	held := sbHoldSnaps(nw)
	if len(held) != 1 || held[0].To != 3 || held[0].Snapshot.Metadata.Index != 6 || held[0].Snapshot.Metadata.Term != 2 {
		t.Fatalf("snapshots sent = %v, want one at 6/2 to 3", held)
	}
	pr := r1.trk.Progress[3]
	if pr.State != tracker.StateSnapshot || pr.PendingSnapshot != 6 || pr.Match != 4 || pr.Next != 7 || !pr.IsPaused() {
		t.Fatalf("progress of 3 = %s, want paused StateSnapshot match=4 next=7 pendingSnap=6", pr)
	}

	apps := nw.countDelivered(pb.MsgApp, 3)
	sbMust(t, nw.nodes[1].rn.Propose([]byte("e")))
	more := sbHoldSnaps(nw)
	nw.nodes[1].rn.Tick()
	more = append(more, sbHoldSnaps(nw)...)
	if len(more) != 0 || nw.countDelivered(pb.MsgApp, 3) != apps || pr.State != tracker.StateSnapshot {
		t.Fatalf("while the snapshot is pending: %d more snapshots, %d appends to 3, %s; want none, none, StateSnapshot",
			len(more), nw.countDelivered(pb.MsgApp, 3)-apps, pr)
	}
	if c := r1.raftLog.committed; c != 7 {
		t.Fatalf("leader commit = %d, want 7: e commits with 2", c)
	}

	nw.deliver(held[0])
	nw.stabilize()
	sbWantProgress(t, r1, 3, tracker.StateReplicate, 7, 8)
	if snap, _ := nw.nodes[3].storage.Snapshot(); snap.Metadata.Index != 6 {
		t.Fatalf("node 3 storage snapshot at %d, want 6", snap.Metadata.Index)
	}
	// c and d arrived inside the snapshot, e as an entry.
	if got := nw.appliedData(3); !slices.Equal(got, []string{"a", "b", "e"}) || nw.raft(3).raftLog.committed != 7 {
		t.Fatalf("node 3 applied %v, commit %d; want [a b e] and 7", got, nw.raft(3).raftLog.committed)
	}
}

// TestScenario18FailedSnapshotFallsBackToProbe proves a snapshot reported
// as failed sends the follower back to StateProbe, paused until the next
// heartbeat response, which sends a fresh snapshot.
func TestScenario18FailedSnapshotFallsBackToProbe(t *testing.T) {
	nw := sbLaggingFollower(t, 6)
	r1 := nw.raft(1)
	nw.nodes[1].rn.Tick()
	if held := sbHoldSnaps(nw); len(held) != 1 { // lost
		t.Fatalf("%d snapshots sent, want 1", len(held))
	}
	nw.nodes[1].rn.ReportSnapshot(3, SnapshotFailure)
	pr := r1.trk.Progress[3]
	if pr.State != tracker.StateProbe || pr.PendingSnapshot != 0 || pr.Match != 4 || pr.Next != 5 || !pr.IsPaused() {
		t.Fatalf("after failure: %s, want paused StateProbe match=4 next=5", pr)
	}
	apps := nw.countDelivered(pb.MsgApp, 3)
	nw.stabilize()
	if nw.countDelivered(pb.MsgApp, 3) != apps {
		t.Fatal("appends sent to a paused follower before any heartbeat response")
	}
	nw.nodes[1].rn.Tick()
	held := sbHoldSnaps(nw)
	if len(held) != 1 || pr.State != tracker.StateSnapshot || pr.PendingSnapshot != 6 {
		t.Fatalf("after a heartbeat: %d snapshots, %s; want a new snapshot at 6", len(held), pr)
	}
	nw.deliver(held[0])
	nw.stabilize()
	sbWantProgress(t, r1, 3, tracker.StateReplicate, 6, 7)
}

// TestScenario18TermAtSnapshotIndexSurvivesCompaction proves the term of the
// last compacted entry stays known (also across a restart), so a follower
// holding exactly the compacted prefix is repaired with appends, not a
// snapshot.
func TestScenario18TermAtSnapshotIndexSurvivesCompaction(t *testing.T) {
	nw := sbLaggingFollower(t, 4)
	sbWantCompactedAt4(t, nw.raft(1).raftLog)
	nw.tick(1) // heartbeat: 3 answers and is repaired
	if n := nw.countDelivered(pb.MsgSnap, 3); n != 0 {
		t.Fatalf("%d snapshots sent to 3, want 0", n)
	}
	found := false
	for _, m := range nw.delivered {
		found = found || (m.Type == pb.MsgApp && m.To == 3 && m.Index == 4 && m.LogTerm == 2 && len(m.Entries) == 2)
	}
	if !found {
		t.Fatal("no append of 5..6 to 3 anchored at the compaction point (4, term 2)")
	}
	if got, want := nw.logTerms(3), nw.logTerms(2); got != want || nw.raft(3).raftLog.committed != 6 {
		t.Fatalf("log of 3 = %s commit %d, want %s commit 6", got, nw.raft(3).raftLog.committed, want)
	}
	nw.crash(1)
	nw.restart(1)
	sbWantCompactedAt4(t, nw.raft(1).raftLog)
}

func sbWantCompactedAt4(t *testing.T, l *raftLog) {
	t.Helper()
	if term, err := l.term(4); err != nil || term != 2 || l.firstIndex() != 5 {
		t.Fatalf("term(4) = %d, %v; first index %d; want term 2, first index 5", term, err, l.firstIndex())
	}
	if _, err := l.term(3); !errors.Is(err, ErrCompacted) {
		t.Fatalf("term(3) err = %v, want ErrCompacted", err)
	}
}

// sbFollower starts node 2 of {1,2,3} over sbStorage(terms, commit),
// restarting at the given applied index.
func sbFollower(t *testing.T, terms []uint64, commit, applied uint64) (*RawNode, *MemoryStorage) {
	t.Helper()
	ms := sbStorage(t, []uint64{1, 2, 3}, terms, commit)
	rn, err := NewRawNode(&Config{ID: 2, ElectionTick: 10, HeartbeatTick: 1, Storage: ms, Applied: applied})
	sbMust(t, err)
	return rn, ms
}

// sbSnap is a MsgSnap from leader 1 at term 3 with a snapshot at (index, term).
func sbSnap(index, term uint64) pb.Message {
	md := pb.SnapshotMetadata{Index: index, Term: term, ConfState: pb.ConfState{Voters: []uint64{1, 2, 3}}}
	return pb.Message{From: 1, To: 2, Term: 3, Type: pb.MsgSnap, Snapshot: &pb.Snapshot{Metadata: md}}
}

// sbHandle handles one Ready by the contract and returns it.
func sbHandle(t *testing.T, rn *RawNode, ms *MemoryStorage) Ready {
	t.Helper()
	rd := rn.Ready()
	if !rd.Snapshot.IsEmpty() {
		sbMust(t, ms.ApplySnapshot(rd.Snapshot))
	}
	sbMust(t, ms.Append(rd.Entries))
	if !rd.HardState.IsEmpty() {
		sbMust(t, ms.SetHardState(rd.HardState))
	}
	rn.Advance(rd)
	return rd
}

// sbOneResponse checks that rd answers the leader with one MsgAppResp.
func sbOneResponse(t *testing.T, rd Ready, index uint64) {
	t.Helper()
	if len(rd.Messages) != 1 || rd.Messages[0].Type != pb.MsgAppResp || rd.Messages[0].Reject || rd.Messages[0].Index != index {
		t.Fatalf("messages = %v, want one MsgAppResp acknowledging %d", rd.Messages, index)
	}
}

// TestScenario19ConflictingSnapshotDropsWholeLog proves a follower whose
// entry at the snapshot index has another term discards its entire log,
// including the entries after that index (keeping them caused the
// hashicorp/raft #697 livelock), and then accepts the leader's appends.
func TestScenario19ConflictingSnapshotDropsWholeLog(t *testing.T) {
	rn, ms := sbFollower(t, []uint64{2, 2, 2, 2}, 2, 2) // 2..5 at term 2
	sbMust(t, rn.Step(sbSnap(4, 3)))
	rd := sbHandle(t, rn, ms)
	if rd.Snapshot.Metadata.Index != 4 || len(rd.Entries) != 0 || len(rd.CommittedEntries) != 0 || rd.HardState.Commit != 4 {
		t.Fatalf("Ready: snapshot %d, %d entries, %d committed, commit %d; want snapshot 4 alone, commit 4",
			rd.Snapshot.Metadata.Index, len(rd.Entries), len(rd.CommittedEntries), rd.HardState.Commit)
	}
	sbOneResponse(t, rd, 4)
	first, _ := ms.FirstIndex()
	last, _ := ms.LastIndex()
	if _, err := ms.Term(5); first != 5 || last != 4 || !errors.Is(err, ErrUnavailable) || rn.raft.raftLog.lastIndex() != 4 {
		t.Fatalf("storage holds [%d, %d], Term(5) err %v: the old entry 5 survived", first, last, err)
	}
	app := pb.Message{From: 1, To: 2, Term: 3, Type: pb.MsgApp, Index: 4, LogTerm: 3, Entries: []pb.Entry{{Index: 5, Term: 3}}, Commit: 5}
	sbMust(t, rn.Step(app))
	rd = sbHandle(t, rn, ms)
	sbOneResponse(t, rd, 5)
	if st := rn.Status(); st.Commit != 5 || st.Applied != 5 {
		t.Fatalf("after the append: %s, want commit 5 applied 5", st)
	}
}

// TestScenario19MatchingSnapshotKeepsSuffix proves a follower whose log
// already holds the snapshot's last entry keeps the entries after it and
// only advances its commit index: nothing is installed.
func TestScenario19MatchingSnapshotKeepsSuffix(t *testing.T) {
	rn, ms := sbFollower(t, []uint64{2, 2, 2, 2, 2}, 2, 2) // 2..6 at term 2
	sbMust(t, rn.Step(sbSnap(4, 2)))
	rd := sbHandle(t, rn, ms)
	if !rd.Snapshot.IsEmpty() || rd.HardState.Commit != 4 {
		t.Fatalf("Ready: snapshot %d, commit %d; want no snapshot, commit 4", rd.Snapshot.Metadata.Index, rd.HardState.Commit)
	}
	if n := len(rd.CommittedEntries); n != 2 || rd.CommittedEntries[0].Index != 3 {
		t.Fatalf("committed entries %v, want 3..4 from the log", rd.CommittedEntries)
	}
	sbOneResponse(t, rd, 4)
	if last, _ := ms.LastIndex(); last != 6 || rn.raft.raftLog.lastIndex() != 6 {
		t.Fatalf("last index %d, want 6: the suffix after the snapshot is kept", last)
	}
}

// TestScenario19SnapshotOlderThanCommitIgnored proves a snapshot at or
// below the follower's commit index is ignored; the answer tells the leader
// where the follower really is.
func TestScenario19SnapshotOlderThanCommitIgnored(t *testing.T) {
	for _, index := range []uint64{3, 5} {
		t.Run(fmt.Sprintf("snapshot at %d", index), func(t *testing.T) {
			rn, ms := sbFollower(t, []uint64{2, 2, 2, 2}, 5, 5) // 2..5 at term 2, committed
			sbMust(t, rn.Step(sbSnap(index, 2)))
			rd := sbHandle(t, rn, ms)
			if !rd.Snapshot.IsEmpty() || len(rd.CommittedEntries) != 0 {
				t.Fatalf("Ready: snapshot %d, %d committed entries; want neither", rd.Snapshot.Metadata.Index, len(rd.CommittedEntries))
			}
			sbOneResponse(t, rd, 5)
			if first, _ := ms.FirstIndex(); first != 2 || rn.raft.raftLog.lastIndex() != 5 || rn.raft.raftLog.committed != 5 {
				t.Fatalf("log changed: first %d last %d commit %d", first, rn.raft.raftLog.lastIndex(), rn.raft.raftLog.committed)
			}
		})
	}
}

// TestScenario11RestartWithCommitBeyondLogIsCorruption proves a node refuses
// to start when its HardState commits entries its log does not hold: the
// log lost acknowledged writes.
func TestScenario11RestartWithCommitBeyondLogIsCorruption(t *testing.T) {
	for _, tc := range []struct {
		commit, applied uint64
		wantErr         bool
	}{{3, 0, false}, {5, 0, true}, {3, 4, true}} {
		t.Run(fmt.Sprintf("commit %d applied %d", tc.commit, tc.applied), func(t *testing.T) {
			ms := sbStorage(t, []uint64{1, 2, 3}, []uint64{2, 2}, 1) // log ends at 3
			sbMust(t, ms.SetHardState(pb.HardState{Term: 2, Commit: tc.commit}))
			_, err := NewRawNode(&Config{ID: 1, ElectionTick: 10, HeartbeatTick: 1, Storage: ms, Applied: tc.applied})
			if tc.wantErr != errors.Is(err, ErrLogInconsistent) {
				t.Fatalf("NewRawNode error = %v, want ErrLogInconsistent: %v", err, tc.wantErr)
			}
		})
	}
}

// sbCrashPoints name the boundaries in the handling of one Ready, in the
// order of the Ready contract: a crash at point p comes right before step p.
var sbCrashPoints = []string{"before-entries", "before-hardstate", "before-send", "before-apply", "before-advance"}

// sbCrashCluster drives a testNetwork with its own Ready loop, which crashes
// one node (the victim) at a chosen boundary of its n-th Ready and restarts
// it in the next round. A commit-only HardState is written without fsync,
// so a crash loses it unless a later synced write flushed it. As it goes it
// checks that a vote is durable before its reply leaves and never goes to
// two candidates in one term, that each incarnation of a node applies
// consecutive indexes (nothing at or below applied again), and that no two
// nodes commit or apply different entries at one index.
type sbCrashCluster struct {
	t                      *testing.T
	nw                     *testNetwork
	victim                 uint64
	crashAt, point         int // crash in the victim's crashAt-th Ready (0: never) before step point
	readies                int // Readies the victim took
	syncedCommit, applying map[uint64]uint64
	votes                  map[[2]uint64]uint64 // (voter, term) -> candidate
	committed              map[uint64]uint64    // index -> term, known committed by some node
	applied                map[uint64]pb.Entry  // index -> entry applied by some node
}

func (c *sbCrashCluster) ready(id uint64) bool {
	t, n := c.t, c.nw.nodes[id]
	if !n.alive || !n.rn.HasReady() {
		return false
	}
	rd := n.rn.Ready()
	if hs := rd.HardState; hs.Commit > 0 {
		term, _ := n.rn.raft.raftLog.term(hs.Commit)
		if prev, ok := c.committed[hs.Commit]; ok && prev != term {
			t.Fatalf("index %d committed at terms %d and %d", hs.Commit, prev, term)
		}
		c.committed[hs.Commit] = term
	}
	if id == c.victim {
		c.readies++
	}
	steps := []func(){
		func() { sbMust(t, n.storage.Append(rd.Entries)) },
		func() {
			if !rd.HardState.IsEmpty() {
				sbMust(t, n.storage.SetHardState(rd.HardState))
			}
			if hs, _, _ := n.storage.InitialState(); rd.MustSync {
				c.syncedCommit[id] = hs.Commit // fsync flushes earlier lazy writes too
			}
		},
		func() { c.send(id, rd.Messages) },
		func() {
			for _, e := range rd.CommittedEntries {
				c.apply(n, e)
			}
		},
		func() { n.rn.Advance(rd) },
	}
	for p, step := range steps {
		if id == c.victim && c.readies == c.crashAt && p == c.point {
			hs, _, _ := n.storage.InitialState()
			hs.Commit = c.syncedCommit[id] // the unsynced commit index is lost
			sbMust(t, n.storage.SetHardState(hs))
			c.nw.crash(id)
			return true
		}
		step()
	}
	return true
}

func (c *sbCrashCluster) send(id uint64, msgs []pb.Message) {
	hs, _, _ := c.nw.nodes[id].storage.InitialState()
	for _, m := range msgs {
		if m.Type != pb.MsgVoteResp || m.Reject {
			continue
		}
		key := [2]uint64{id, m.Term}
		if cand, ok := c.votes[key]; ok && cand != m.To {
			c.t.Fatalf("node %d voted for %d and %d in term %d", id, cand, m.To, m.Term)
		}
		c.votes[key] = m.To
		if hs.Term < m.Term || (hs.Term == m.Term && hs.Vote != m.To) {
			c.t.Fatalf("node %d sent its vote for %d in term %d before persisting it (%+v)", id, m.To, m.Term, hs)
		}
	}
	c.nw.queue = append(c.nw.queue, msgs...)
}

func (c *sbCrashCluster) apply(n *testNode, e pb.Entry) {
	if e.Index != c.applying[n.id]+1 {
		c.t.Fatalf("node %d applies index %d after %d", n.id, e.Index, c.applying[n.id])
	}
	c.applying[n.id] = e.Index
	if prev, ok := c.applied[e.Index]; ok && (prev.Term != e.Term || string(prev.Data) != string(e.Data)) {
		c.t.Fatalf("index %d applied as %d/%q and %d/%q", e.Index, prev.Term, prev.Data, e.Term, e.Data)
	}
	c.applied[e.Index] = e
	if len(e.Data) > 0 {
		n.applied = append(n.applied, e)
	}
}

// stabilize restarts crashed nodes, handles Readys and delivers messages
// until nothing moves.
func (c *sbCrashCluster) stabilize() {
	for range 10000 {
		progressed := false
		for _, id := range c.nw.ids() {
			if !c.nw.nodes[id].alive {
				c.nw.restart(id)
				c.applying[id] = 1 // the state machine restarts from the snapshot
				c.checkVoteKept(id)
				progressed = true
			}
			for c.ready(id) {
				progressed = true
			}
		}
		for _, m := range c.nw.takeQueue() {
			progressed = true
			c.nw.deliver(m)
		}
		if !progressed {
			return
		}
	}
	c.t.Fatal("cluster did not stabilize")
}

// checkVoteKept asks a restarted node, in the term it restarted in, for a
// vote on behalf of a candidate other than the one it voted for, with a log
// as up to date as its own: granting it would be a second vote.
func (c *sbCrashCluster) checkVoteKept(id uint64) {
	r := c.nw.raft(id)
	cand, ok := c.votes[[2]uint64{id, r.Term}]
	if !ok {
		return
	}
	other := uint64(6) - id - cand // the third node
	if cand == id {
		other = id%3 + 1
	}
	m := pb.Message{From: other, To: id, Term: r.Term, Type: pb.MsgVote, Index: r.raftLog.lastIndex(), LogTerm: r.raftLog.lastTerm()}
	sbMust(c.t, c.nw.nodes[id].rn.Step(m))
	for _, resp := range r.msgs {
		if resp.Type == pb.MsgVoteResp && !resp.Reject {
			c.t.Fatalf("node %d voted for %d in term %d, and again for %d after restarting", id, cand, r.Term, other)
		}
	}
	r.msgs = nil
}

func (c *sbCrashCluster) tick() {
	for _, id := range c.nw.ids() {
		if c.nw.nodes[id].alive {
			c.nw.nodes[id].rn.Tick()
		}
	}
	c.stabilize()
}

// sbRunCrashScript elects 1, proposes a and b, crashing the victim as
// configured, then keeps time running until a leader commits "final"
// everywhere, and checks that every entry ever committed or applied is in
// every node's applied log. It returns the Readies the victim took before
// the recovery phase.
func sbRunCrashScript(t *testing.T, victim uint64, crashAt, point int) int {
	c := &sbCrashCluster{t: t, nw: newTestNetwork(t, []uint64{1, 2, 3}, nil, nil), victim: victim, crashAt: crashAt, point: point,
		syncedCommit: map[uint64]uint64{1: 1, 2: 1, 3: 1}, applying: map[uint64]uint64{1: 1, 2: 1, 3: 1},
		votes: map[[2]uint64]uint64{}, committed: map[uint64]uint64{}, applied: map[uint64]pb.Entry{}}
	_ = c.nw.nodes[1].rn.Campaign()
	c.stabilize()
	for _, d := range []string{"a", "b"} {
		if lead := c.nw.leader(); lead != None {
			_ = c.nw.nodes[lead].rn.Propose([]byte(d))
			c.stabilize()
		}
	}
	readies := c.readies
	var proposedIn uint64
	done := func() bool {
		for _, id := range c.nw.ids() {
			if !slices.Contains(c.nw.appliedData(id), "final") {
				return false
			}
		}
		return true
	}
	for i := 0; i < 300 && !done(); i++ {
		if lead := c.nw.leader(); lead != None && c.nw.raft(lead).Term != proposedIn {
			proposedIn = c.nw.raft(lead).Term
			_ = c.nw.nodes[lead].rn.Propose([]byte("final"))
			c.stabilize()
		}
		c.tick()
	}
	if !done() {
		t.Fatal("the cluster did not commit a new entry after the crash")
	}
	lead := c.nw.leader()
	want := c.nw.appliedData(lead)
	for _, id := range c.nw.ids() {
		if got := c.nw.appliedData(id); !slices.Equal(got, want) {
			t.Fatalf("node %d applied %q, leader %d applied %q", id, got, lead, want)
		}
	}
	l := c.nw.raft(lead).raftLog
	for index, term := range c.committed {
		if got, _ := l.term(index); got != term || index > l.committed {
			t.Fatalf("committed entry %d (term %d) lost: leader has term %d, commit %d", index, term, got, l.committed)
		}
	}
	for index, e := range c.applied {
		if got, _ := l.term(index); got != e.Term {
			t.Fatalf("applied entry %d (term %d, %q) lost: leader has term %d", index, e.Term, e.Data, got)
		}
	}
	return readies
}

// TestScenario20CrashAtEveryBoundary crashes each node, in turn, at every
// boundary (before persisting entries, between entries and HardState,
// before sending, before applying, before Advance) of every Ready it
// handles while the cluster elects a leader and commits two entries. No committed entry
// is lost, no vote is cast twice, no entry is applied twice by one
// incarnation, and the cluster recovers.
func TestScenario20CrashAtEveryBoundary(t *testing.T) {
	for _, victim := range []uint64{1, 2, 3} {
		n := sbRunCrashScript(t, victim, 0, 0)
		if n < 3 {
			t.Fatalf("victim %d handled only %d Readies", victim, n)
		}
		for k := 1; k <= n; k++ {
			for p, name := range sbCrashPoints {
				t.Run(fmt.Sprintf("node%d/ready%d/%s", victim, k, name), func(t *testing.T) {
					sbRunCrashScript(t, victim, k, p)
				})
			}
		}
	}
}

// TestScenario20LeaderDiesRightAfterAck proves an entry the leader applied
// (so acknowledged to its client) survives the leader crashing before any
// follower learned that it committed: the next leader holds and commits it.
func TestScenario20LeaderDiesRightAfterAck(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)
	sbMust(t, nw.nodes[1].rn.Propose([]byte("x")))
	for _, id := range []uint64{1, 2, 3} { // leader appends, followers persist and ack
		nw.processReady(id)
		for _, m := range nw.takeQueue() {
			nw.deliver(m)
		}
	}
	nw.processReady(1)
	if got := nw.appliedData(1); !slices.Equal(got, []string{"x"}) {
		t.Fatalf("leader applied %v, want [x]", got)
	}
	nw.takeQueue() // the appends carrying commit index 3 never leave
	nw.crash(1)
	if c2, c3 := nw.raft(2).raftLog.committed, nw.raft(3).raftLog.committed; c2 != 2 || c3 != 2 {
		t.Fatalf("followers know commit %d and %d, want 2: nobody heard that x committed", c2, c3)
	}
	for i := 0; i < 100 && nw.leader() == None; i++ {
		nw.tick(1)
	}
	if lead := nw.leader(); lead == None {
		t.Fatal("no new leader")
	}
	for _, id := range []uint64{2, 3} {
		if got := nw.appliedData(id); !slices.Equal(got, []string{"x"}) {
			t.Fatalf("node %d applied %v, want [x]", id, got)
		}
	}
}

// TestScenario20RestartSkipsAppliedEntries proves a restarted node never
// hands out again entries at or below Config.Applied, even when the crash
// lost the lazily written commit index and it is below Applied.
func TestScenario20RestartSkipsAppliedEntries(t *testing.T) {
	indexes := func(ents []pb.Entry) (out []uint64) {
		for _, e := range ents {
			out = append(out, e.Index)
		}
		return out
	}
	rn, _ := sbFollower(t, []uint64{2, 2, 2, 2}, 5, 3)
	if got := indexes(rn.Ready().CommittedEntries); !slices.Equal(got, []uint64{4, 5}) {
		t.Fatalf("committed entries after restart at applied 3 = %v, want [4 5]", got)
	}

	// The HardState says commit 2, but the state machine applied 4.
	rn, _ = sbFollower(t, []uint64{2, 2, 2, 2}, 2, 4)
	if st := rn.Status(); st.Commit != 4 || st.Applied != 4 || rn.HasReady() {
		t.Fatalf("after restart: %s, ready %v; want commit 4, applied 4, nothing to do", st, rn.HasReady())
	}
	sbMust(t, rn.Step(pb.Message{From: 1, To: 2, Term: 2, Type: pb.MsgHeartbeat, Commit: 5}))
	if got := indexes(rn.Ready().CommittedEntries); !slices.Equal(got, []uint64{5}) {
		t.Fatalf("committed entries after the leader's commit = %v, want [5]", got)
	}
}
