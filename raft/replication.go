package raft

import (
	"errors"
	"fmt"

	"sqlraft/raft/confchange"
	pb "sqlraft/raft/raftpb"
	"sqlraft/raft/tracker"
)

// appendEntry appends entries proposed to this leader at its term. It
// returns false if the uncommitted log is full.
func (r *raft) appendEntry(es ...pb.Entry) bool {
	li := r.raftLog.lastIndex()
	for i := range es {
		es[i].Term = r.Term
		es[i].Index = li + 1 + uint64(i)
	}
	if !r.increaseUncommittedSize(es) {
		return false
	}
	li = r.raftLog.append(es...)
	// The leader counts its own entries at once. This is safe because the
	// application persists a Ready's entries before it sends the messages
	// or applies the entries that this commit enables (Raft thesis §10.2.1).
	r.trk.Progress[r.id].MaybeUpdate(li)
	r.maybeCommit()
	return true
}

// maybeCommit advances the commit index to what a quorum holds, if that
// entry is from the current term (Figure 8: an earlier term's entry is
// committed only indirectly, by a current-term entry after it).
func (r *raft) maybeCommit() bool {
	mci := r.trk.Committed()
	if r.bugs.commitPreviousTerm {
		// Planted bug: commit whatever a quorum holds, whatever its term.
		t, err := r.raftLog.term(mci)
		if err == nil && mci > r.raftLog.committed {
			if r.raftLog.maybeCommit(mci, t) {
				r.onCommit()
				return true
			}
		}
		return false
	}
	if r.raftLog.maybeCommit(mci, r.Term) {
		r.onCommit()
		return true
	}
	return false
}

// onCommit runs after the leader's commit index advances.
func (r *raft) onCommit() {
	if r.state == StateLeader && r.committedEntryInCurrentTerm() {
		r.releasePendingReadIndexMessages()
	}
}

func (r *raft) committedEntryInCurrentTerm() bool {
	return r.raftLog.zeroTermOnOutOfBounds(r.raftLog.term(r.raftLog.committed)) == r.Term
}

func (r *raft) increaseUncommittedSize(ents []pb.Entry) bool {
	s := payloadsSize(ents)
	if r.uncommittedSize > 0 && s > 0 && r.uncommittedSize+s > r.maxUncommittedSize {
		// An entry larger than the limit is still accepted when nothing is
		// uncommitted, so a single huge proposal cannot wedge the leader.
		return false
	}
	r.uncommittedSize += s
	return true
}

func (r *raft) reduceUncommittedSize(s uint64) {
	if s > r.uncommittedSize {
		r.uncommittedSize = 0
	} else {
		r.uncommittedSize -= s
	}
}

// bcastAppend sends the log, or at least the commit index, to every peer.
func (r *raft) bcastAppend() {
	r.trk.Visit(func(id uint64, _ *tracker.Progress) {
		if id != r.id {
			r.sendAppend(id)
		}
	})
}

func (r *raft) sendAppend(to uint64) { r.maybeSendAppend(to, true) }

// maybeSendAppend sends new entries to a peer, or a snapshot if the entries
// it needs are compacted. With sendIfEmpty it sends an empty append to carry
// the commit index. It returns whether a message was sent or extended.
func (r *raft) maybeSendAppend(to uint64, sendIfEmpty bool) bool {
	pr := r.trk.Progress[to]
	if pr.IsPaused() {
		return false
	}
	prevIndex := pr.Next - 1
	prevTerm, err := r.raftLog.term(prevIndex)
	if err != nil {
		return r.maybeSendSnapshot(to, pr)
	}
	if pr.State == tracker.StateReplicate {
		if sent, done := r.mergeIntoQueuedApp(to, pr, prevIndex, sendIfEmpty); done {
			return sent
		}
	}
	var ents []pb.Entry
	// A throttled replicating peer still gets empty appends: if all its
	// in-flight messages were lost, the reply to one of these (prompted by
	// heartbeats) is what frees the window again.
	if pr.State != tracker.StateReplicate || !pr.Inflights.Full() {
		ents, err = r.raftLog.entries(pr.Next, r.maxMsgSize)
	}
	if len(ents) == 0 && !sendIfEmpty {
		return false
	}
	if err != nil {
		return r.maybeSendSnapshot(to, pr)
	}
	r.send(pb.Message{To: to, Type: pb.MsgApp, Index: prevIndex, LogTerm: prevTerm, Entries: ents, Commit: r.raftLog.committed})
	pr.SentEntries(len(ents), entsSize(ents))
	pr.SentCommit(r.raftLog.committed)
	return true
}

// mergeIntoQueuedApp extends the append already queued for a peer in this
// Ready with the entries that follow it, so a burst of proposals becomes one
// message per peer instead of one per proposal. done is false when the
// caller must send a new message instead.
func (r *raft) mergeIntoQueuedApp(to uint64, pr *tracker.Progress, prevIndex uint64, sendIfEmpty bool) (sent, done bool) {
	i, ok := r.queuedApp[to]
	if !ok {
		return false, false
	}
	q := &r.msgs[i]
	if q.Type != pb.MsgApp || q.To != to || q.Term != r.Term || q.Index+uint64(len(q.Entries)) != prevIndex {
		return false, false
	}
	if pr.Next > r.raftLog.lastIndex() {
		// Nothing new: at most the commit index changed, and the queued
		// message can carry it.
		if !sendIfEmpty || !pr.CanBumpCommit(r.raftLog.committed) {
			return false, true
		}
		q.Commit = r.raftLog.committed
		pr.SentCommit(q.Commit)
		return true, true
	}
	size := entsSize(q.Entries)
	if pr.Inflights.Full() || size >= r.maxMsgSize {
		return false, false
	}
	ents, err := r.raftLog.entries(pr.Next, r.maxMsgSize-size)
	if err != nil || len(ents) == 0 {
		return false, false
	}
	added := entsSize(ents)
	if size > 0 && added > r.maxMsgSize-size {
		// The next entry alone does not fit: it goes in its own message.
		return false, false
	}
	if len(q.Entries) > 0 {
		// Extend the queued message only if it is the newest one in
		// flight: it may have been sent while probing, or its slot
		// freed by a duplicate acknowledgement.
		if last, ok := pr.Inflights.Last(); !ok || last != prevIndex {
			return false, false
		}
		q.Entries = append(q.Entries, ents...)
		pr.MergedEntries(len(ents), added)
	} else {
		// The queued append only carried the commit index and holds no
		// inflight slot: it now needs one of its own.
		q.Entries = append(q.Entries, ents...)
		pr.SentEntries(len(ents), added)
	}
	q.Commit = r.raftLog.committed
	pr.SentCommit(q.Commit)
	return true, true
}

// maybeSendSnapshot sends the latest snapshot to a peer whose next entry is
// compacted, if the peer is known to be reachable.
func (r *raft) maybeSendSnapshot(to uint64, pr *tracker.Progress) bool {
	if !pr.RecentActive {
		return false
	}
	snap, err := r.raftLog.snapshot()
	if err != nil {
		if errors.Is(err, ErrSnapshotTemporarilyUnavailable) {
			return false
		}
		panic(fmt.Sprintf("raft: read snapshot: %v", err))
	}
	if snap.IsEmpty() {
		panic("raft: need a non-empty snapshot to replace compacted entries")
	}
	pr.BecomeSnapshot(snap.Metadata.Index)
	r.logger.Debug("sending snapshot", "to", to, "index", snap.Metadata.Index, "term", snap.Metadata.Term)
	r.send(pb.Message{To: to, Type: pb.MsgSnap, Snapshot: &snap})
	return true
}

// bcastHeartbeat starts a new heartbeat round. Its sequence number lets the
// responses confirm ReadIndex requests and leases issued before it.
func (r *raft) bcastHeartbeat() {
	seq := r.readOnly.newRound(r.ticks)
	r.trk.Visit(func(id uint64, _ *tracker.Progress) {
		if id != r.id {
			r.sendHeartbeat(id, seq)
		}
	})
	r.maybeReleaseReads()
}

func (r *raft) sendHeartbeat(to, seq uint64) {
	pr := r.trk.Progress[to]
	// A follower may commit only entries it is known to share with the
	// leader: its log beyond Match may be missing or divergent.
	commit := min(pr.Match, r.raftLog.committed)
	r.send(pb.Message{To: to, Type: pb.MsgHeartbeat, Commit: commit, Seq: seq})
	pr.SentCommit(commit)
}

// handleAppendEntries is the follower side of replication.
func (r *raft) handleAppendEntries(m pb.Message) error {
	if m.Index < r.raftLog.committed {
		// Everything up to our commit index matches the leader already;
		// tell it where we are.
		r.send(pb.Message{To: m.From, Type: pb.MsgAppResp, Index: r.raftLog.committed})
		return nil
	}
	lastNew, ok, err := r.raftLog.maybeAppend(m.Index, m.LogTerm, m.Commit, m.Entries...)
	if err != nil {
		return err
	}
	if ok {
		r.send(pb.Message{To: m.From, Type: pb.MsgAppResp, Index: lastNew})
		return nil
	}
	// Reject with a hint: the largest index at or below the probe whose
	// term is at most the probe's term. The leader then skips every index
	// it knows to differ, so a divergent tail costs one probe per term.
	hintIndex := min(m.Index, r.raftLog.lastIndex())
	hintIndex, hintTerm := r.raftLog.findConflictByTerm(hintIndex, m.LogTerm)
	r.send(pb.Message{To: m.From, Type: pb.MsgAppResp, Index: m.Index, Reject: true, RejectHint: hintIndex, LogTerm: hintTerm})
	return nil
}

func (r *raft) handleHeartbeat(m pb.Message) error {
	if err := r.raftLog.commitTo(m.Commit); err != nil {
		return err
	}
	r.send(pb.Message{To: m.From, Type: pb.MsgHeartbeatResp, Seq: m.Seq})
	return nil
}

func (r *raft) handleSnapshot(m pb.Message) {
	if r.restore(*m.Snapshot) {
		r.send(pb.Message{To: m.From, Type: pb.MsgAppResp, Index: r.raftLog.lastIndex()})
	} else {
		r.send(pb.Message{To: m.From, Type: pb.MsgAppResp, Index: r.raftLog.committed})
	}
}

// restore installs a snapshot received from the leader. It returns false if
// the snapshot is not needed: older than the commit index, or matching our
// log (then the log suffix after it is kept and only the commit index moves).
func (r *raft) restore(s pb.Snapshot) bool {
	if s.Metadata.Index <= r.raftLog.committed {
		return false
	}
	if r.state != StateFollower {
		// Only a follower of the sender's term gets here; be defensive.
		r.logger.Warn("ignoring snapshot: not a follower", "state", r.state)
		return false
	}
	// The snapshot's configuration need not contain us: a node added after
	// the snapshot was taken learns of its own addition from the entries
	// that follow it.
	cs := s.Metadata.ConfState
	if r.raftLog.matchTerm(s.Metadata.Index, s.Metadata.Term) {
		// Our log already holds the snapshot's last entry, so it holds the
		// whole prefix: keep the suffix and just commit.
		if err := r.raftLog.commitTo(s.Metadata.Index); err != nil {
			r.logger.Error("commit on matching snapshot", "err", err)
		}
		return false
	}
	// Check the configuration before touching the log, so a malformed
	// snapshot changes nothing.
	fresh := tracker.MakeProgressTracker(r.trk.MaxInflight, r.trk.MaxInflightBytes)
	cfg, progress, err := confchange.Restore(confchange.Changer{Tracker: fresh, LastIndex: s.Metadata.Index}, cs)
	if err != nil {
		r.logger.Warn("ignoring snapshot with invalid configuration", "err", err)
		return false
	}
	// The entry at the snapshot index is missing or conflicts: the whole
	// log goes (Figure 13, step 7), replaced by the snapshot.
	r.raftLog.restore(s)
	r.trk = fresh
	r.switchToConfig(cfg, progress)
	r.logger.Info("restored snapshot", "index", s.Metadata.Index, "term", s.Metadata.Term)
	return true
}
