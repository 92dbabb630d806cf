package tracker

import (
	"math/rand/v2"
	"testing"
)

func newProgress(state StateType, match, next uint64) *Progress {
	return &Progress{
		Match:     match,
		Next:      next,
		State:     state,
		Inflights: NewInflights(4, 0),
	}
}

func TestStateTypeString(t *testing.T) {
	for st, want := range map[StateType]string{
		StateProbe: "StateProbe", StateReplicate: "StateReplicate", StateSnapshot: "StateSnapshot", 7: "StateType(7)",
	} {
		if got := st.String(); got != want {
			t.Errorf("String() = %q, want %q", got, want)
		}
	}
}

func TestProgressResetState(t *testing.T) {
	pr := newProgress(StateReplicate, 3, 6)
	pr.Inflights.Add(4, 10)
	pr.Inflights.Add(5, 10)
	pr.MsgAppFlowPaused = true
	pr.PendingSnapshot = 9
	pr.ResetState(StateProbe)
	if pr.State != StateProbe || pr.MsgAppFlowPaused || pr.PendingSnapshot != 0 || pr.Inflights.Count() != 0 {
		t.Fatalf("after ResetState: %+v", pr)
	}
	if pr.Match != 3 || pr.Next != 6 {
		t.Fatalf("ResetState moved Match/Next: %d/%d", pr.Match, pr.Next)
	}
}

func TestProgressBecomeProbe(t *testing.T) {
	for _, tt := range []struct {
		name           string
		pr             *Progress
		wantNext       uint64
		wantSentCommit uint64
	}{
		{"from replicate: restart after Match",
			&Progress{State: StateReplicate, Match: 1, Next: 5, sentCommit: 4}, 2, 1},
		{"from snapshot: restart after the delivered snapshot",
			&Progress{State: StateSnapshot, Match: 1, Next: 11, PendingSnapshot: 10, sentCommit: 10}, 11, 10},
		{"from snapshot: Match already past the snapshot",
			&Progress{State: StateSnapshot, Match: 12, Next: 13, PendingSnapshot: 10, sentCommit: 10}, 13, 10},
		{"from probe: sentCommit below Next is kept",
			&Progress{State: StateProbe, Match: 5, Next: 9, sentCommit: 3}, 6, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pr := tt.pr
			pr.Inflights = NewInflights(4, 0)
			pr.MsgAppFlowPaused = true
			pr.BecomeProbe()
			if pr.State != StateProbe || pr.Next != tt.wantNext || pr.sentCommit != tt.wantSentCommit {
				t.Errorf("got state=%s next=%d sentCommit=%d, want StateProbe next=%d sentCommit=%d",
					pr.State, pr.Next, pr.sentCommit, tt.wantNext, tt.wantSentCommit)
			}
			if pr.PendingSnapshot != 0 || pr.MsgAppFlowPaused {
				t.Errorf("not reset: pendingSnap=%d paused=%v", pr.PendingSnapshot, pr.MsgAppFlowPaused)
			}
		})
	}
}

func TestProgressBecomeReplicate(t *testing.T) {
	pr := newProgress(StateProbe, 1, 5)
	pr.MsgAppFlowPaused = true
	pr.BecomeReplicate()
	if pr.State != StateReplicate || pr.Match != 1 || pr.Next != 2 || pr.MsgAppFlowPaused {
		t.Fatalf("got %s", pr)
	}
}

func TestProgressBecomeSnapshot(t *testing.T) {
	pr := newProgress(StateProbe, 1, 5)
	pr.BecomeSnapshot(10)
	if pr.State != StateSnapshot || pr.Match != 1 || pr.Next != 11 || pr.PendingSnapshot != 10 || pr.sentCommit != 10 {
		t.Fatalf("got %s sentCommit=%d", pr, pr.sentCommit)
	}
	if !pr.IsPaused() {
		t.Fatal("a progress waiting for a snapshot must be paused")
	}
}

func TestProgressSentEntriesReplicate(t *testing.T) {
	pr := newProgress(StateReplicate, 5, 6) // Inflights holds 4 messages
	for i := range 3 {
		pr.SentEntries(2, 100)
		if pr.MsgAppFlowPaused {
			t.Fatalf("paused after %d of 4 messages", i+1)
		}
	}
	if pr.Next != 12 || pr.Inflights.Count() != 3 {
		t.Fatalf("next=%d inflight=%d, want 12 3", pr.Next, pr.Inflights.Count())
	}
	pr.SentEntries(0, 0) // an empty append is not tracked and changes nothing
	if pr.Next != 12 || pr.Inflights.Count() != 3 || pr.MsgAppFlowPaused {
		t.Fatalf("empty append: %s", pr)
	}
	pr.SentEntries(1, 100)
	if pr.Next != 13 || !pr.MsgAppFlowPaused || !pr.IsPaused() {
		t.Fatalf("full window: %s, want next=13 paused", pr)
	}
	// An acknowledgement frees the window (raft calls FreeLE) and unpauses.
	pr.MaybeUpdate(9)
	pr.Inflights.FreeLE(9)
	if pr.IsPaused() {
		t.Fatalf("after ack: %s, want unpaused", pr)
	}
}

func TestProgressSentEntriesProbe(t *testing.T) {
	pr := newProgress(StateProbe, 5, 6)
	pr.SentEntries(0, 0)
	if pr.MsgAppFlowPaused {
		t.Fatal("an empty probe paused the flow")
	}
	pr.SentEntries(3, 100)
	if !pr.MsgAppFlowPaused || pr.Next != 6 || pr.Inflights.Count() != 0 {
		t.Fatalf("probe: %s, want paused next=6 nothing in flight", pr)
	}
}

func TestProgressSentEntriesSnapshotPanics(t *testing.T) {
	pr := newProgress(StateProbe, 5, 6)
	pr.BecomeSnapshot(10)
	mustPanic(t, "SentEntries in StateSnapshot", func() { pr.SentEntries(1, 1) })
}

func TestProgressCanBumpCommit(t *testing.T) {
	pr := newProgress(StateReplicate, 5, 11) // entries up to 10 sent
	if !pr.CanBumpCommit(7) {
		t.Fatal("nothing sent yet: commit 7 should be worth sending")
	}
	pr.SentCommit(7)
	if pr.CanBumpCommit(7) || pr.CanBumpCommit(6) {
		t.Fatal("commit 7 already in flight")
	}
	if !pr.CanBumpCommit(8) {
		t.Fatal("commit 8 would move the follower further")
	}
	pr.SentCommit(10)
	if pr.CanBumpCommit(12) {
		t.Fatal("follower cannot commit beyond Next-1=10, which was already sent")
	}
	pr.SentEntries(2, 0) // Next=13: the follower can now commit up to 12
	if !pr.CanBumpCommit(12) {
		t.Fatal("after sending more entries commit 12 should be worth sending")
	}
}

func TestProgressMaybeUpdate(t *testing.T) {
	for _, tt := range []struct {
		name         string
		match, next  uint64
		n            uint64
		wantOK       bool
		wantM, wantN uint64
		wantUnpaused bool
	}{
		{"stale ack below Match", 5, 10, 3, false, 5, 10, false},
		{"duplicate ack at Match", 5, 10, 5, false, 5, 10, false},
		{"ack within flight keeps Next", 5, 10, 7, true, 7, 10, true},
		{"ack at Next-1", 5, 10, 9, true, 9, 10, true},
		{"ack beyond Next pulls Next along", 5, 10, 15, true, 15, 16, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pr := newProgress(StateReplicate, tt.match, tt.next)
			pr.MsgAppFlowPaused = true
			if ok := pr.MaybeUpdate(tt.n); ok != tt.wantOK {
				t.Errorf("MaybeUpdate(%d) = %v, want %v", tt.n, ok, tt.wantOK)
			}
			if pr.Match != tt.wantM || pr.Next != tt.wantN {
				t.Errorf("match=%d next=%d, want %d %d", pr.Match, pr.Next, tt.wantM, tt.wantN)
			}
			if !pr.MsgAppFlowPaused != tt.wantUnpaused {
				t.Errorf("paused=%v, want unpaused=%v", pr.MsgAppFlowPaused, tt.wantUnpaused)
			}
		})
	}
}

func TestProgressMaybeDecrTo(t *testing.T) {
	for _, tt := range []struct {
		name           string
		state          StateType
		match, next    uint64
		rejected, hint uint64
		wantOK         bool
		wantNext       uint64
	}{
		{"replicate: rejection below Match is stale", StateReplicate, 5, 10, 5, 5, false, 10},
		{"replicate: genuine rejection restarts after Match", StateReplicate, 5, 10, 9, 9, true, 6},
		{"replicate: hint is ignored", StateReplicate, 5, 10, 9, 2, true, 6},
		{"probe: rejection of an older probe is stale", StateProbe, 0, 10, 5, 5, false, 10},
		{"probe: rejection above the probe is stale", StateProbe, 0, 10, 12, 5, false, 10},
		{"probe: follower hint moves Next back", StateProbe, 0, 10, 9, 4, true, 5},
		{"probe: hint beyond the probe is capped", StateProbe, 0, 10, 9, 20, true, 9},
		{"probe: hint below Match is ignored", StateProbe, 6, 10, 9, 2, true, 7},
		{"probe: rejecting index 0", StateProbe, 0, 1, 0, 0, true, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			pr := newProgress(tt.state, tt.match, tt.next)
			pr.MsgAppFlowPaused = true
			pr.sentCommit = tt.next - 1
			before := *pr
			ok := pr.MaybeDecrTo(tt.rejected, tt.hint)
			if ok != tt.wantOK || pr.Next != tt.wantNext || pr.Match != tt.match {
				t.Fatalf("MaybeDecrTo(%d, %d) = %v next=%d match=%d, want %v next=%d match=%d",
					tt.rejected, tt.hint, ok, pr.Next, pr.Match, tt.wantOK, tt.wantNext, tt.match)
			}
			if !ok && *pr != before {
				t.Fatalf("stale rejection changed the progress: %+v, was %+v", *pr, before)
			}
			if ok && pr.sentCommit > pr.Next-1 {
				t.Errorf("sentCommit=%d not regressed below Next=%d", pr.sentCommit, pr.Next)
			}
			if ok && tt.state == StateProbe && pr.MsgAppFlowPaused {
				t.Error("a genuine probe rejection must unpause so the next probe goes out")
			}
		})
	}
}

// TestProgressRandomTransitions applies random operations and checks what
// must hold whatever the order of messages: Match never decreases,
// Match < Next, and an operation reporting a stale message changes nothing.
func TestProgressRandomTransitions(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 100 {
		pr := newProgress(StateProbe, 0, 1)
		last := uint64(1)
		for range 300 {
			before := *pr
			stale := false
			switch rng.IntN(8) {
			case 0:
				pr.BecomeProbe()
			case 1:
				pr.BecomeReplicate()
			case 2:
				pr.BecomeSnapshot(pr.Match + uint64(rng.IntN(5)))
			case 3:
				if pr.State != StateSnapshot && !pr.Inflights.Full() {
					n := rng.IntN(3)
					pr.SentEntries(n, uint64(n))
					last = max(last, pr.Next-1)
				}
			case 4:
				stale = !pr.MaybeUpdate(uint64(rng.IntN(int(last) + 2)))
			case 5, 6:
				rejected := uint64(rng.IntN(int(pr.Next) + 2))
				stale = !pr.MaybeDecrTo(rejected, uint64(rng.IntN(int(last)+1)))
				if !stale && pr.State == StateReplicate {
					pr.BecomeProbe() // as raft does after a genuine rejection
				}
			case 7:
				pr.SentCommit(min(uint64(rng.IntN(int(last)+1)), pr.Next-1))
			}
			if stale && *pr != before {
				t.Fatalf("stale message changed %+v into %+v", before, *pr)
			}
			if pr.Match < before.Match {
				t.Fatalf("Match went back from %d to %d", before.Match, pr.Match)
			}
			if pr.Match >= pr.Next {
				t.Fatalf("invariant Match < Next broken: %+v", *pr)
			}
		}
	}
}

func TestProgressIsPaused(t *testing.T) {
	for _, tt := range []struct {
		state  StateType
		paused bool
		want   bool
	}{
		{StateProbe, false, false},
		{StateProbe, true, true},
		{StateReplicate, false, false},
		{StateReplicate, true, true},
		{StateSnapshot, false, true},
		{StateSnapshot, true, true},
	} {
		pr := newProgress(tt.state, 0, 1)
		pr.MsgAppFlowPaused = tt.paused
		if got := pr.IsPaused(); got != tt.want {
			t.Errorf("%s paused=%v: IsPaused() = %v, want %v", tt.state, tt.paused, got, tt.want)
		}
	}
}

func TestProgressString(t *testing.T) {
	pr := newProgress(StateReplicate, 5, 6)
	pr.IsLearner = true
	for range 4 {
		pr.SentEntries(1, 1)
	}
	want := "StateReplicate match=5 next=10 learner paused inactive inflight=4[full]"
	if got := pr.String(); got != want {
		t.Errorf("String() = %q\nwant        %q", got, want)
	}
	m := ProgressMap{
		2: {State: StateSnapshot, Match: 1, Next: 8, PendingSnapshot: 7, RecentActive: true, Inflights: NewInflights(1, 0)},
		1: {State: StateProbe, Match: 3, Next: 4, RecentActive: true, Inflights: NewInflights(1, 0)},
	}
	wantMap := "1: StateProbe match=3 next=4\n2: StateSnapshot match=1 next=8 paused pendingSnap=7\n"
	if got := m.String(); got != wantMap {
		t.Errorf("ProgressMap.String() = %q\nwant                  %q", got, wantMap)
	}
}

func TestProgressMergedEntries(t *testing.T) {
	pr := &Progress{Match: 4, Next: 5, State: StateReplicate, Inflights: NewInflights(1, 0)}
	pr.SentEntries(2, 20) // entries 5..6, one message: the window of 1 is now full
	if !pr.IsPaused() {
		t.Fatal("a full window must pause the flow")
	}
	pr.MergedEntries(3, 30) // entries 7..9 join that message
	if pr.Next != 10 || pr.Inflights.Count() != 1 {
		t.Fatalf("Next=%d inflights=%d, want 10 and 1", pr.Next, pr.Inflights.Count())
	}
	pr.Inflights.FreeLE(9)
	if pr.Inflights.Count() != 0 {
		t.Fatal("acknowledging the merged message must free it whole")
	}
}
