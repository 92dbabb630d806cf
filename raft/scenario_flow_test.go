package raft

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	pb "sqlraft/raft/raftpb"
	"sqlraft/raft/tracker"
)

// Scenarios 10-14: reordering, heartbeat commit, flow control, batching and
// the uncommitted-log bound. Tests either drive one node's internals
// directly (newRaft, Step, r.msgs) or a cluster through testNetwork.

// sbNewRaft starts node id of a freshly bootstrapped cluster of voters whose
// log holds, after the bootstrap snapshot at index 1, one entry per element
// of terms (index 2 has terms[0]), committed and applied up to commit.
// Defaults match the harness: ElectionTick 10, HeartbeatTick 1, no message
// size limit.
func sbNewRaft(t *testing.T, id uint64, voters []uint64, terms []uint64, commit uint64, configure func(*Config)) (*raft, *MemoryStorage) {
	t.Helper()
	ms := sbStorage(t, voters, terms, commit)
	c := &Config{ID: id, ElectionTick: 10, HeartbeatTick: 1, Storage: ms, Applied: commit, MaxSizePerMsg: noLimit}
	if configure != nil {
		configure(c)
	}
	r, err := newRaft(c)
	sbMust(t, err)
	return r, ms
}

// sbStorage bootstraps a storage and appends entries with the given terms
// from index 2; its HardState has the last term and commit index commit.
func sbStorage(t *testing.T, voters []uint64, terms []uint64, commit uint64) *MemoryStorage {
	t.Helper()
	ms := NewMemoryStorage()
	sbMust(t, Bootstrap(ms, pb.ConfState{Voters: voters}))
	hs := pb.HardState{Term: 1, Commit: max(commit, 1)}
	var ents []pb.Entry
	for i, term := range terms {
		ents = append(ents, pb.Entry{Index: uint64(i) + 2, Term: term, Data: []byte(fmt.Sprintf("e%d", i+2))})
		hs.Term = max(hs.Term, term)
	}
	sbMust(t, ms.Append(ents))
	sbMust(t, ms.SetHardState(hs))
	return ms
}

// sbMust fails the test on a non-nil error.
func sbMust(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// sbNewLeader makes node 1 of voters the leader of the next term, with its
// no-op appended; the first probes to the followers are sent and discarded,
// so every follower is in StateProbe and paused.
func sbNewLeader(t *testing.T, voters []uint64, terms []uint64, configure func(*Config)) *raft {
	t.Helper()
	r, _ := sbNewRaft(t, 1, voters, terms, 1, configure)
	r.becomeCandidate()
	r.becomeLeader()
	r.bcastAppend()
	sbTake(r)
	return r
}

// sbTake removes and returns the messages a raft queued, as Ready does.
func sbTake(r *raft) []pb.Message {
	msgs := r.msgs
	r.msgs = nil
	clear(r.queuedApp)
	return msgs
}

// sbStep steps m into r at r's term (unless m sets one), failing on error.
func sbStep(t *testing.T, r *raft, m pb.Message) {
	t.Helper()
	if m.To == None {
		m.To = r.id
	}
	if m.Term == 0 && !m.Type.IsLocal() {
		m.Term = r.Term
	}
	sbMust(t, r.Step(m))
}

func sbPropose(t *testing.T, r *raft, data string) {
	t.Helper()
	sbStep(t, r, pb.Message{From: r.id, Type: pb.MsgProp, Entries: []pb.Entry{{Data: []byte(data)}}})
}

// sbFilter keeps the messages of type typ sent to to (None: to anyone).
func sbFilter(msgs []pb.Message, typ pb.MessageType, to uint64) []pb.Message {
	var out []pb.Message
	for _, m := range msgs {
		if m.Type == typ && (to == None || m.To == to) {
			out = append(out, m)
		}
	}
	return out
}

// sbShape describes appends as "prevIndex:[first..last]" for comparison.
func sbShape(apps []pb.Message) string {
	var parts []string
	for _, m := range apps {
		part := fmt.Sprintf("%d:[]", m.Index)
		if n := len(m.Entries); n > 0 {
			part = fmt.Sprintf("%d:[%d..%d]", m.Index, m.Entries[0].Index, m.Entries[n-1].Index)
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, " ")
}

// sbNoMsgs checks that r queued no message in reaction to what.
func sbNoMsgs(t *testing.T, r *raft, what any) {
	t.Helper()
	if msgs := sbTake(r); len(msgs) != 0 {
		t.Fatalf("%v caused messages %v", what, msgs)
	}
}

// sbWantProgress checks a follower's progress at the leader.
func sbWantProgress(t *testing.T, r *raft, id uint64, state tracker.StateType, match, next uint64) {
	t.Helper()
	pr := r.trk.Progress[id]
	if pr.State != state || pr.Match != match || pr.Next != next {
		t.Fatalf("progress of %d = %s, want %s match=%d next=%d", id, pr, state, match, next)
	}
}

// TestScenario10StaleResponsesNeverMoveProgressBack proves that duplicated
// or delayed acknowledgements and rejections are recognized as stale: Match
// and Next never move backwards, and no message is sent because of them.
func TestScenario10StaleResponsesNeverMoveProgressBack(t *testing.T) {
	// Leader log: 2..5 at term 1, its no-op at 6 (term 2).
	r := sbNewLeader(t, []uint64{1, 2, 3}, []uint64{1, 1, 1, 1}, nil)

	// Replicating follower 2.
	sbStep(t, r, pb.Message{From: 2, Type: pb.MsgAppResp, Index: 6})
	sbTake(r)
	sbPropose(t, r, "a") // 7
	sbPropose(t, r, "b") // 8, merged into the same append
	sbTake(r)
	sbPropose(t, r, "c") // 9, a second append
	sbTake(r)
	sbWantProgress(t, r, 2, tracker.StateReplicate, 6, 10)
	sbStep(t, r, pb.Message{From: 2, Type: pb.MsgAppResp, Index: 8})
	sbWantProgress(t, r, 2, tracker.StateReplicate, 8, 10) // Next stays: 9 is in flight
	sbTake(r)
	stale := []pb.Message{
		{From: 2, Type: pb.MsgAppResp, Index: 7},                                          // delayed ack
		{From: 2, Type: pb.MsgAppResp, Index: 8},                                          // duplicated ack
		{From: 2, Type: pb.MsgAppResp, Index: 6, Reject: true, RejectHint: 5, LogTerm: 1}, // delayed reject of an old probe
	}
	for _, m := range stale {
		sbStep(t, r, m)
		sbWantProgress(t, r, 2, tracker.StateReplicate, 8, 10)
		sbNoMsgs(t, r, m)
	}

	// Probing follower 3, which only holds up to index 3: the probe at 5 is
	// rejected with hint 3, so the next probe goes at 3.
	reject := pb.Message{From: 3, Type: pb.MsgAppResp, Index: 5, Reject: true, RejectHint: 3, LogTerm: 1}
	sbWantProgress(t, r, 3, tracker.StateProbe, 0, 6)
	sbStep(t, r, reject)
	sbWantProgress(t, r, 3, tracker.StateProbe, 0, 4)
	if apps := sbFilter(sbTake(r), pb.MsgApp, 3); len(apps) != 1 || apps[0].Index != 3 {
		t.Fatalf("after reject, appends to 3 = %v, want one probe at index 3", apps)
	}
	// The same rejection duplicated: the probe it answers is no longer the
	// outstanding one.
	sbStep(t, r, reject)
	sbWantProgress(t, r, 3, tracker.StateProbe, 0, 4)
	sbNoMsgs(t, r, "duplicated reject")
	sbStep(t, r, pb.Message{From: 3, Type: pb.MsgAppResp, Index: 3})
	sbWantProgress(t, r, 3, tracker.StateReplicate, 3, 10) // streams 4..9 at once
	sbStep(t, r, pb.Message{From: 3, Type: pb.MsgAppResp, Index: 9})
	sbTake(r)
	for _, m := range []pb.Message{{From: 3, Type: pb.MsgAppResp, Index: 3}, reject} {
		sbStep(t, r, m)
		sbWantProgress(t, r, 3, tracker.StateReplicate, 9, 10)
		sbNoMsgs(t, r, m)
	}
	// While replicating, a rejection above Match cannot be told apart from
	// a genuine one (an earlier append was lost): it restarts probing just
	// after Match, never below it.
	sbPropose(t, r, "d") // 10
	sbTake(r)
	sbStep(t, r, pb.Message{From: 3, Type: pb.MsgAppResp, Index: 10, Reject: true, RejectHint: 9, LogTerm: 2})
	sbWantProgress(t, r, 3, tracker.StateProbe, 9, 10)
}

// TestScenario10DelayedShorterAppendKeepsNewerEntries proves that an old,
// shorter append arriving after a newer, longer one from the same leader
// truncates nothing: entries that already match are kept.
func TestScenario10DelayedShorterAppendKeepsNewerEntries(t *testing.T) {
	r, _ := sbNewRaft(t, 2, []uint64{1, 2, 3}, nil, 1, nil)
	ents := []pb.Entry{{Index: 2, Term: 2}, {Index: 3, Term: 2, Data: []byte("x")}, {Index: 4, Term: 2, Data: []byte("y")}}
	long := pb.Message{From: 1, Term: 2, Type: pb.MsgApp, Index: 1, LogTerm: 1, Entries: ents, Commit: 1}
	short := pb.Message{From: 1, Term: 2, Type: pb.MsgApp, Index: 1, LogTerm: 1, Entries: ents[:1], Commit: 1}

	sbStep(t, r, long)
	sbStep(t, r, short) // sent first, delivered last
	sbStep(t, r, long)  // duplicated
	if last := r.raftLog.lastIndex(); last != 4 {
		t.Fatalf("last index = %d after a delayed shorter append, want 4 (entries 3 and 4 kept)", last)
	}
	for i := uint64(2); i <= 4; i++ {
		if term, _ := r.raftLog.term(i); term != 2 {
			t.Fatalf("term(%d) = %d, want 2", i, term)
		}
	}
	// Each append is acknowledged for what it covered, never rejected.
	var acks []uint64
	for _, m := range sbTake(r) {
		if m.Type != pb.MsgAppResp || m.Reject {
			t.Fatalf("unexpected response %s", m)
		}
		acks = append(acks, m.Index)
	}
	if !slices.Equal(acks, []uint64{4, 2, 4}) {
		t.Fatalf("acks = %v, want [4 2 4]", acks)
	}
}

// TestScenario10ReorderedAppendsConverge reverses two appends on the way to
// a follower and their responses on the way back: the late rejection is
// stale (Match already covers it), and the follower still converges.
func TestScenario10ReorderedAppendsConverge(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)
	nw.isolate(3)
	n1 := nw.nodes[1]
	var apps [][]pb.Message
	for _, d := range []string{"a", "b"} {
		sbMust(t, n1.rn.Propose([]byte(d)))
		nw.processReady(1)
		apps = append(apps, sbFilter(nw.takeQueue(), pb.MsgApp, 2))
	}
	if got := sbShape(slices.Concat(apps...)); got != "2:[3..3] 3:[4..4]" {
		t.Fatalf("appends to 2 = %s, want 2:[3..3] 3:[4..4]", got)
	}
	nw.deliver(apps[1][0]) // b first: rejected, 3 is missing
	nw.deliver(apps[0][0])
	nw.processReady(2)
	resps := nw.takeQueue()
	if len(resps) != 2 || !resps[0].Reject || resps[0].Index != 3 || resps[1].Reject || resps[1].Index != 3 {
		t.Fatalf("responses of 2 = %v, want reject of index 3 then ack of 3", resps)
	}
	r1 := nw.raft(1)
	nw.deliver(resps[1]) // the ack overtakes the reject
	sbWantProgress(t, r1, 2, tracker.StateReplicate, 3, 5)
	nw.deliver(resps[0])
	sbWantProgress(t, r1, 2, tracker.StateReplicate, 3, 5)

	// The commit of 3 carries an empty append at 4 that 2 rejects, which
	// sends the leader back to probing and re-sends 4.
	nw.stabilize()
	if got, want := nw.logTerms(2), nw.logTerms(1); got != want {
		t.Fatalf("log of 2 = %s, want %s", got, want)
	}
	sbWantProgress(t, r1, 2, tracker.StateReplicate, 4, 5)
	if got := nw.appliedData(2); !slices.Equal(got, []string{"a", "b"}) {
		t.Fatalf("node 2 applied %v, want [a b]", got)
	}
}

// TestScenario11HeartbeatCommitCappedAtMatch proves a heartbeat never
// carries a commit index above what the follower is known to hold, so a
// lagging follower commits nothing it may not share with the leader.
func TestScenario11HeartbeatCommitCappedAtMatch(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)
	nw.isolate(2)
	for _, d := range []string{"a", "b", "c"} {
		sbMust(t, nw.propose(1, d))
	}
	r1 := nw.raft(1)
	if r1.raftLog.committed != 5 || r1.trk.Progress[2].Match != 2 {
		t.Fatalf("leader commit %d, match of 2 = %d; want 5 and 2", r1.raftLog.committed, r1.trk.Progress[2].Match)
	}
	nw.heal()
	nw.nodes[1].rn.Tick()
	nw.processReady(1)
	var commits []string
	for _, m := range sbFilter(nw.takeQueue(), pb.MsgHeartbeat, None) {
		commits = append(commits, fmt.Sprintf("%d:%d", m.To, m.Commit))
		if m.To == 2 {
			nw.deliver(m)
		}
	}
	if got := strings.Join(commits, " "); got != "2:2 3:5" {
		t.Fatalf("heartbeat commits = %s, want 2:2 3:5 (min(match, commit))", got)
	}
	if c := nw.raft(2).raftLog.committed; c != 2 {
		t.Fatalf("lagging follower committed %d from a heartbeat, want 2", c)
	}
	nw.stabilize()
	if c := nw.raft(2).raftLog.committed; c != 5 {
		t.Fatalf("follower committed %d after catching up, want 5", c)
	}
}

// TestScenario11LaggingFollowerCommitsOnlyWhatItHolds proves a follower
// commits no further than the last entry the append vouched for, even when
// its own (divergent) log is longer than that.
func TestScenario11LaggingFollowerCommitsOnlyWhatItHolds(t *testing.T) {
	// Follower 2: 2..4 at term 2, then 5..6 from a deposed term-3 leader.
	r, _ := sbNewRaft(t, 2, []uint64{1, 2, 3}, []uint64{2, 2, 2, 3, 3}, 2, nil)
	// The term-4 leader, committed at 6, probes at (4, 2) with no entries.
	sbStep(t, r, pb.Message{From: 1, Term: 4, Type: pb.MsgApp, Index: 4, LogTerm: 2, Commit: 6})
	if c := r.raftLog.committed; c != 4 {
		t.Fatalf("committed = %d, want 4: entries 5..6 are not known to match the leader", c)
	}
	if term, _ := r.raftLog.term(6); term != 3 {
		t.Fatalf("empty append truncated the log: term(6) = %d", term)
	}
	if msgs := sbTake(r); len(msgs) != 1 || msgs[0].Reject || msgs[0].Index != 4 {
		t.Fatalf("response = %v, want ack of 4", msgs)
	}
	ents := []pb.Entry{{Index: 5, Term: 4}, {Index: 6, Term: 4}}
	sbStep(t, r, pb.Message{From: 1, Term: 4, Type: pb.MsgApp, Index: 4, LogTerm: 2, Entries: ents, Commit: 6})
	if c, term := r.raftLog.committed, r.raftLog.lastTerm(); c != 6 || term != 4 {
		t.Fatalf("after repair committed = %d, last term = %d; want 6 and 4", c, term)
	}
}

// TestScenario12ProbeSendsOneAppendPerHeartbeat proves a probing follower has
// at most one append in flight: proposals add none, and each heartbeat
// response releases exactly one more probe.
func TestScenario12ProbeSendsOneAppendPerHeartbeat(t *testing.T) {
	r := sbNewLeader(t, []uint64{1, 2, 3}, nil, nil)
	if pr := r.trk.Progress[2]; pr.State != tracker.StateProbe || !pr.IsPaused() {
		t.Fatalf("after the first probe: %s, want paused StateProbe", pr)
	}
	for round := 1; round <= 3; round++ {
		sbPropose(t, r, fmt.Sprintf("p%d", round))
		sbStep(t, r, pb.Message{From: 1, Type: pb.MsgBeat})
		if apps := sbFilter(sbTake(r), pb.MsgApp, 2); len(apps) != 0 {
			t.Fatalf("round %d: paused probe got appends %s", round, sbShape(apps))
		}
		sbStep(t, r, pb.Message{From: 2, Type: pb.MsgHeartbeatResp, Seq: uint64(round)})
		apps := sbFilter(sbTake(r), pb.MsgApp, 2)
		if len(apps) != 1 || apps[0].Index != 1 || len(apps[0].Entries) != 1+round {
			t.Fatalf("round %d: appends after heartbeat response = %s, want one probe 1:[2..%d]", round, sbShape(apps), 2+round)
		}
		sbWantProgress(t, r, 2, tracker.StateProbe, 0, 2)
	}
	sbStep(t, r, pb.Message{From: 2, Type: pb.MsgAppResp, Index: 5})
	sbWantProgress(t, r, 2, tracker.StateReplicate, 5, 6)
}

// TestScenario12ReplicateStopsAtInflightLimits proves a replicating follower
// gets appends up to the in-flight message or byte limit, then none until an
// acknowledgement frees room, which lets exactly as much through again.
func TestScenario12ReplicateStopsAtInflightLimits(t *testing.T) {
	cases := []struct {
		name      string
		configure func(*Config)
		data      string
	}{
		{"messages", func(c *Config) { c.MaxInflightMsgs = 3; c.MaxSizePerMsg = 0 }, "x"},
		// 124 bytes per entry: the third message crosses 300 and fills the
		// window (the limit is checked after the fact).
		{"bytes", func(c *Config) { c.MaxInflightBytes = 300; c.MaxSizePerMsg = 0 }, strings.Repeat("x", 100)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := sbNewLeader(t, []uint64{1, 2, 3}, nil, tc.configure)
			sbStep(t, r, pb.Message{From: 2, Type: pb.MsgAppResp, Index: 2})
			sbTake(r)
			for range 5 {
				sbPropose(t, r, tc.data) // 3..7
			}
			apps := sbFilter(sbTake(r), pb.MsgApp, 2)
			if got := sbShape(apps); got != "2:[3..3] 3:[4..4] 4:[5..5]" {
				t.Fatalf("appends = %s, want three single-entry appends 3..5", got)
			}
			pr := r.trk.Progress[2]
			if !pr.IsPaused() || pr.Inflights.Count() != 3 || pr.Next != 6 {
				t.Fatalf("progress %s, want paused with 3 in flight and next 6", pr)
			}
			sbStep(t, r, pb.Message{From: 2, Type: pb.MsgAppResp, Index: 3})
			if got := sbShape(sbFilter(sbTake(r), pb.MsgApp, 2)); got != "5:[6..6]" {
				t.Fatalf("after one ack: appends = %s, want 5:[6..6]", got)
			}
			if !pr.IsPaused() || pr.Inflights.Count() != 3 {
				t.Fatalf("progress %s, want paused with 3 in flight", pr)
			}
			sbStep(t, r, pb.Message{From: 2, Type: pb.MsgAppResp, Index: 6})
			if got := sbShape(sbFilter(sbTake(r), pb.MsgApp, 2)); got != "6:[7..7]" {
				t.Fatalf("after acking all: appends = %s, want 6:[7..7]", got)
			}
			if pr.IsPaused() || pr.Inflights.Count() != 1 {
				t.Fatalf("progress %s, want unpaused with 1 in flight", pr)
			}
		})
	}
}

// TestScenario12HeartbeatResponseUnpausesReplicate proves a follower whose
// window is full is not stalled for good when every append was lost: a
// heartbeat response sends an empty append whose rejection restarts
// replication from a probe.
func TestScenario12HeartbeatResponseUnpausesReplicate(t *testing.T) {
	r := sbNewLeader(t, []uint64{1, 2, 3}, nil, func(c *Config) { c.MaxInflightMsgs = 2; c.MaxSizePerMsg = 0 })
	sbStep(t, r, pb.Message{From: 2, Type: pb.MsgAppResp, Index: 2})
	sbTake(r)
	for _, d := range []string{"a", "b", "c"} {
		sbPropose(t, r, d) // 3..5; 3 and 4 go out and are lost
	}
	sbTake(r)
	sbWantProgress(t, r, 2, tracker.StateReplicate, 2, 5)
	sbStep(t, r, pb.Message{From: 2, Type: pb.MsgHeartbeatResp, Seq: 1})
	if got := sbShape(sbFilter(sbTake(r), pb.MsgApp, 2)); got != "4:[]" {
		t.Fatalf("after heartbeat response: appends = %s, want one empty append 4:[]", got)
	}
	sbStep(t, r, pb.Message{From: 2, Type: pb.MsgAppResp, Index: 4, Reject: true, RejectHint: 2, LogTerm: 2})
	sbWantProgress(t, r, 2, tracker.StateProbe, 2, 3)
	if got := sbShape(sbFilter(sbTake(r), pb.MsgApp, 2)); got != "2:[3..3]" {
		t.Fatalf("after rejection: appends = %s, want probe 2:[3..3]", got)
	}
}

// TestScenario12UnreachableFallsBackToProbe proves an unreachable report
// abandons optimistic replication: in-flight appends are forgotten and the
// leader probes from Match again.
func TestScenario12UnreachableFallsBackToProbe(t *testing.T) {
	r := sbNewLeader(t, []uint64{1, 2, 3}, nil, func(c *Config) { c.MaxSizePerMsg = 0 })
	sbStep(t, r, pb.Message{From: 2, Type: pb.MsgAppResp, Index: 2})
	sbTake(r)
	sbPropose(t, r, "a")
	sbPropose(t, r, "b")
	sbTake(r)
	sbWantProgress(t, r, 2, tracker.StateReplicate, 2, 5)
	sbStep(t, r, pb.Message{From: 2, Type: pb.MsgUnreachable})
	sbWantProgress(t, r, 2, tracker.StateProbe, 2, 3)
	if n := r.trk.Progress[2].Inflights.Count(); n != 0 {
		t.Fatalf("%d appends still in flight after unreachable", n)
	}
	sbPropose(t, r, "c")
	sbPropose(t, r, "d")
	if got := sbShape(sbFilter(sbTake(r), pb.MsgApp, 2)); got != "2:[3..3]" {
		t.Fatalf("appends after unreachable = %s, want a single probe 2:[3..3]", got)
	}
}

// sbBurst proposes count payloads of size bytes at the leader of nw within
// one Ready and returns the appends that Ready sends to each follower.
func sbBurst(t *testing.T, nw *testNetwork, count, size int) map[uint64][]pb.Message {
	t.Helper()
	for i := range count {
		sbMust(t, nw.nodes[1].rn.Propose(fmt.Appendf(nil, "%0*d", size, i)))
	}
	nw.processReady(1)
	out := map[uint64][]pb.Message{2: sbFilter(nw.queue, pb.MsgApp, 2), 3: sbFilter(nw.queue, pb.MsgApp, 3)}
	nw.stabilize()
	for _, id := range nw.ids() {
		if got := len(nw.appliedData(id)); got != count {
			t.Fatalf("node %d applied %d entries, want %d", id, got, count)
		}
	}
	return out
}

// TestScenario13BatchingSplitsAtMaxSizePerMsg proves proposals made within
// one Ready leave as one append per follower, split only where
// MaxSizePerMsg demands; a limit of 0 means one entry per append.
func TestScenario13BatchingSplitsAtMaxSizePerMsg(t *testing.T) {
	cases := []struct {
		name    string
		maxSize uint64
		want    string
	}{
		{"unlimited", noLimit, "2:[3..12]"},
		// 10-byte payloads weigh 34 bytes: three per 102-byte append.
		{"102 bytes", 102, "2:[3..5] 5:[6..8] 8:[9..11] 11:[12..12]"},
		{"zero", 0, "2:[3..3] 3:[4..4] 4:[5..5] 5:[6..6] 6:[7..7] 7:[8..8] 8:[9..9] 9:[10..10] 10:[11..11] 11:[12..12]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, func(c *Config) { c.MaxSizePerMsg = tc.maxSize })
			nw.campaign(1)
			for id, apps := range sbBurst(t, nw, 10, 10) {
				if got := sbShape(apps); got != tc.want {
					t.Errorf("appends to %d = %s, want %s", id, got, tc.want)
				}
			}
		})
	}
}

// TestScenario13ProposalMergesIntoQueuedCommitAppend proves a proposal
// extends the append already queued for a follower in the same Ready, even
// when that append is the empty one carrying a new commit index: the
// follower still gets one append.
func TestScenario13ProposalMergesIntoQueuedCommitAppend(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)
	sbMust(t, nw.nodes[1].rn.Propose([]byte("a")))
	nw.processReady(1)
	for _, m := range nw.takeQueue() {
		nw.deliver(m)
	}
	nw.processReady(2)
	for _, m := range nw.takeQueue() {
		nw.deliver(m) // 2 acknowledges 3: the leader commits it
	}
	r1 := nw.raft(1)
	if got := sbShape(sbFilter(r1.msgs, pb.MsgApp, None)); got != "3:[] 3:[]" {
		t.Fatalf("queued appends = %s, want an empty one per follower carrying the commit", got)
	}
	sbMust(t, nw.nodes[1].rn.Propose([]byte("b")))
	nw.processReady(1)
	for _, to := range []uint64{2, 3} {
		apps := sbFilter(nw.queue, pb.MsgApp, to)
		if got := sbShape(apps); got != "3:[4..4]" || apps[0].Commit != 3 {
			t.Fatalf("appends to %d = %s, want one 3:[4..4] with commit 3", to, got)
		}
	}
	if n := r1.trk.Progress[2].Inflights.Count(); n != 1 {
		t.Fatalf("%d appends in flight to 2, want 1", n)
	}
	nw.stabilize()
	for _, id := range nw.ids() {
		if got := nw.appliedData(id); !slices.Equal(got, []string{"a", "b"}) {
			t.Fatalf("node %d applied %v, want [a b]", id, got)
		}
	}
}

// TestScenario13OversizedEntryStillSent proves an entry larger than
// MaxSizePerMsg is sent alone rather than blocking the log.
func TestScenario13OversizedEntryStillSent(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, func(c *Config) { c.MaxSizePerMsg = 50 })
	nw.campaign(1)
	sbMust(t, nw.nodes[1].rn.Propose([]byte("small")))
	sbMust(t, nw.nodes[1].rn.Propose([]byte(strings.Repeat("x", 200))))
	nw.processReady(1)
	if got := sbShape(sbFilter(nw.queue, pb.MsgApp, 2)); got != "2:[3..3] 3:[4..4]" {
		t.Fatalf("appends = %s, want the small entry, then the oversized one alone", got)
	}
	nw.stabilize()
	if got := nw.appliedData(3); len(got) != 2 || len(got[1]) != 200 {
		t.Fatalf("node 3 applied %d entries, want both", len(got))
	}
}

// TestScenario14UncommittedLogIsBounded proves a leader that cannot commit
// refuses proposals once its uncommitted payload would exceed
// MaxUncommittedEntriesSize, and accepts them again once entries commit. A
// single proposal over the limit still goes through when nothing is
// uncommitted, and empty entries are never refused.
func TestScenario14UncommittedLogIsBounded(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, func(c *Config) { c.MaxUncommittedEntriesSize = 30 })
	nw.campaign(1)
	r1 := nw.raft(1)
	ten := "0123456789"
	nw.isolate(1)
	for range 3 {
		sbMust(t, nw.propose(1, ten)) // within the limit
	}
	if err := nw.propose(1, ten); !errors.Is(err, ErrProposalDropped) {
		t.Fatalf("proposal beyond the limit: err = %v, want ErrProposalDropped", err)
	}
	sbMust(t, nw.propose(1, ""))
	if r1.uncommittedSize != 30 || r1.raftLog.lastIndex() != 6 || r1.raftLog.committed != 2 {
		t.Fatalf("uncommitted %d, last %d, commit %d; want 30, 6, 2", r1.uncommittedSize, r1.raftLog.lastIndex(), r1.raftLog.committed)
	}

	nw.heal()
	nw.tick(1)
	if r1.raftLog.committed != 6 || r1.uncommittedSize != 0 {
		t.Fatalf("after healing: commit %d, uncommitted %d; want 6 and 0", r1.raftLog.committed, r1.uncommittedSize)
	}
	nw.isolate(1)
	sbMust(t, nw.propose(1, strings.Repeat("x", 100)))
	if err := nw.propose(1, "y"); !errors.Is(err, ErrProposalDropped) {
		t.Fatalf("proposal behind an oversized one: err = %v, want ErrProposalDropped", err)
	}
	nw.heal()
	nw.tick(1)
	sbMust(t, nw.propose(1, ten))
	want := []string{ten, ten, ten, strings.Repeat("x", 100), ten} // the empty entry is not listed
	if got := nw.appliedData(2); !slices.Equal(got, want) {
		t.Fatalf("node 2 applied %q, want %q", got, want)
	}
}
