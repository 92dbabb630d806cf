package tracker

import (
	"fmt"
	"slices"
	"strings"
)

// Progress is the leader's view of one follower's log and of how
// replication to it is paced. It is a state machine over StateType whose
// transitions are the methods below; package raft decides when to call
// them.
type Progress struct {
	// Match is the highest index known to be in the follower's log and to
	// agree with the leader's.
	Match uint64
	// Next is the index of the next entry to send. Entries in (Match, Next)
	// have been sent and not acknowledged yet.
	//
	// Invariant: Match < Next. In StateSnapshot, Next == PendingSnapshot+1.
	Next uint64

	// sentCommit is the highest commit index sent to the follower. It only
	// decides whether a commit index is worth sending again; it moves back
	// whenever Next does, because what was sent beyond Next-1 was likely
	// dropped by the follower along with the rejected entries.
	//
	// In StateSnapshot, sentCommit == PendingSnapshot.
	sentCommit uint64

	// State is the replication state; see StateType.
	State StateType

	// PendingSnapshot is, in StateSnapshot, the index of the snapshot the
	// leader asked to send. Replication resumes as soon as the follower
	// acknowledges an index the leader's log still holds, whether or not
	// this exact snapshot was the one applied: an application may ship
	// snapshots by other means and at other indexes. If the snapshot is
	// reported as sent instead, probing restarts after PendingSnapshot.
	PendingSnapshot uint64

	// RecentActive is set when the leader hears from the follower and
	// cleared by the leader every election timeout when it checks quorum.
	// The leader's own progress is always active.
	RecentActive bool

	// MsgAppFlowPaused stops appends to the follower: in StateProbe after
	// each probe, in StateReplicate while Inflights is full. Heartbeat
	// responses and acknowledgements clear it, so a paused follower is still
	// contacted once in a while and the flow cannot stall for good.
	MsgAppFlowPaused bool

	// Inflights is the window of appends sent in StateReplicate and not yet
	// acknowledged.
	Inflights *Inflights

	// IsLearner marks a peer that receives the log but does not vote.
	IsLearner bool
}

// ResetState enters state with a clean slate: unpaused, no pending
// snapshot, nothing in flight.
func (pr *Progress) ResetState(state StateType) {
	pr.MsgAppFlowPaused = false
	pr.PendingSnapshot = 0
	pr.State = state
	pr.Inflights.reset()
}

// BecomeProbe enters StateProbe. Next restarts after Match, since whatever
// was in flight is in doubt. Coming from StateSnapshot it restarts after the
// pending snapshot instead, if that is further: BecomeProbe is then called
// because the snapshot was reported delivered.
func (pr *Progress) BecomeProbe() {
	if pr.State == StateSnapshot {
		snap := pr.PendingSnapshot
		pr.ResetState(StateProbe)
		pr.Next = max(pr.Match+1, snap+1)
	} else {
		pr.ResetState(StateProbe)
		pr.Next = pr.Match + 1
	}
	pr.sentCommit = min(pr.sentCommit, pr.Next-1)
}

// BecomeReplicate enters StateReplicate, streaming from Match+1.
func (pr *Progress) BecomeReplicate() {
	pr.ResetState(StateReplicate)
	pr.Next = pr.Match + 1
}

// BecomeSnapshot enters StateSnapshot waiting for a snapshot at index
// snapshoti. The snapshot carries the log up to snapshoti, committed, so
// Next and sentCommit move as if all of it had been sent.
func (pr *Progress) BecomeSnapshot(snapshoti uint64) {
	pr.ResetState(StateSnapshot)
	pr.PendingSnapshot = snapshoti
	pr.Next = snapshoti + 1
	pr.sentCommit = snapshoti
}

// SentEntries records an append of entries entries totalling bytes bytes,
// starting at Next. In StateReplicate the entries go in flight and Next
// moves past them; the flow pauses once Inflights is full. In StateProbe
// Next stays put (the append is a probe whose answer is awaited) and the
// flow pauses until the answer or a heartbeat response. Appends are never
// sent in StateSnapshot.
func (pr *Progress) SentEntries(entries int, bytes uint64) {
	switch pr.State {
	case StateReplicate:
		if entries > 0 {
			pr.Next += uint64(entries)
			pr.Inflights.Add(pr.Next-1, bytes)
		}
		pr.MsgAppFlowPaused = pr.Inflights.Full()
	case StateProbe:
		if entries > 0 {
			pr.MsgAppFlowPaused = true
		}
	default:
		panic(fmt.Sprintf("tracker: entries sent in %s", pr.State))
	}
}

// MergedEntries records entries entries totalling bytes bytes appended to
// the last message sent in StateReplicate, which had not left yet: Next
// moves past them and the newest inflight grows instead of a new one being
// added, so batching does not eat into the window.
func (pr *Progress) MergedEntries(entries int, bytes uint64) {
	if pr.State != StateReplicate {
		panic(fmt.Sprintf("tracker: entries merged in %s", pr.State))
	}
	if entries == 0 {
		return
	}
	pr.Next += uint64(entries)
	pr.Inflights.ExtendLast(pr.Next-1, bytes)
	pr.MsgAppFlowPaused = pr.Inflights.Full()
}

// CanBumpCommit reports whether sending commit index index could move the
// follower's commit index forward. A follower commits no further than the
// entries it has been sent, Next-1, so once a commit index reaching that far
// is in flight there is nothing to gain until Next moves.
func (pr *Progress) CanBumpCommit(index uint64) bool {
	return index > pr.sentCommit && pr.sentCommit < pr.Next-1
}

// SentCommit records that commit index commit was sent to the follower.
func (pr *Progress) SentCommit(commit uint64) {
	pr.sentCommit = commit
}

// MaybeUpdate handles an acknowledgement of the follower's log up to n. It
// returns false if the acknowledgement is stale (n <= Match). Otherwise Match
// moves to n and the flow unpauses. Next never moves backwards here: later
// appends may still be in flight.
func (pr *Progress) MaybeUpdate(n uint64) bool {
	if n <= pr.Match {
		return false
	}
	pr.Match = n
	pr.Next = max(pr.Next, n+1)
	pr.MsgAppFlowPaused = false
	return true
}

// MaybeDecrTo handles the follower's rejection of an append whose previous
// entry was at index rejected; matchHint is the follower's suggestion of the
// highest index where the logs might agree. It returns false, changing
// nothing, if the rejection is stale, which happens when messages are
// reordered or duplicated.
//
// In StateReplicate, a rejection at or below Match is stale; a genuine one
// restarts sending at Match+1, and the caller must then BecomeProbe: the
// appends still in flight are void, and Inflights only accepts increasing
// indexes.
// In StateProbe only the single outstanding probe, at Next-1, can be
// rejected genuinely; Next then moves back to just after the hint, but never
// to or below Match, and the flow unpauses so the next probe goes out.
func (pr *Progress) MaybeDecrTo(rejected, matchHint uint64) bool {
	if pr.State == StateReplicate {
		if rejected <= pr.Match {
			return false
		}
		pr.Next = pr.Match + 1
		pr.sentCommit = min(pr.sentCommit, pr.Next-1)
		return true
	}
	if rejected != pr.Next-1 {
		return false
	}
	pr.Next = max(min(rejected, matchHint+1), pr.Match+1)
	pr.sentCommit = min(pr.sentCommit, pr.Next-1)
	pr.MsgAppFlowPaused = false
	return true
}

// IsPaused reports whether the leader should hold back appends to this
// follower: always while a snapshot is pending, otherwise while the flow is
// paused.
func (pr *Progress) IsPaused() bool {
	switch pr.State {
	case StateProbe, StateReplicate:
		return pr.MsgAppFlowPaused
	case StateSnapshot:
		return true
	}
	panic(fmt.Sprintf("tracker: unknown state %s", pr.State))
}

// String prints the progress compactly, e.g.
// "StateReplicate match=5 next=9 inflight=2[full]".
func (pr *Progress) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s match=%d next=%d", pr.State, pr.Match, pr.Next)
	if pr.IsLearner {
		b.WriteString(" learner")
	}
	if pr.IsPaused() {
		b.WriteString(" paused")
	}
	if pr.PendingSnapshot > 0 {
		fmt.Fprintf(&b, " pendingSnap=%d", pr.PendingSnapshot)
	}
	if !pr.RecentActive {
		b.WriteString(" inactive")
	}
	if n := pr.Inflights.Count(); n > 0 {
		fmt.Fprintf(&b, " inflight=%d", n)
		if pr.Inflights.Full() {
			b.WriteString("[full]")
		}
	}
	return b.String()
}

// ProgressMap holds the progress of every tracked peer, by ID.
type ProgressMap map[uint64]*Progress

// String prints one "id: progress" line per peer, in ascending ID order.
func (m ProgressMap) String() string {
	ids := make([]uint64, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var b strings.Builder
	for _, id := range ids {
		fmt.Fprintf(&b, "%d: %s\n", id, m[id])
	}
	return b.String()
}
