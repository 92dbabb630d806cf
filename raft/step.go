package raft

import (
	"fmt"

	pb "sqlraft/raft/raftpb"
	"sqlraft/raft/tracker"
)

// stepLeader handles messages for the leader.
func stepLeader(r *raft, m pb.Message) error {
	// Messages that need no peer progress.
	switch m.Type {
	case pb.MsgBeat:
		r.bcastHeartbeat()
		return nil
	case pb.MsgCheckQuorum:
		if !r.trk.QuorumActive() {
			r.logger.Warn("stepping down: no active quorum within an election timeout", "term", r.Term)
			r.becomeFollower(r.Term, None)
		}
		// Activity is measured per election timeout: start a new window.
		r.trk.Visit(func(id uint64, pr *tracker.Progress) {
			if id != r.id {
				pr.RecentActive = false
			}
		})
		return nil
	case pb.MsgProp:
		return r.handleProposal(m)
	case pb.MsgReadIndex:
		r.handleReadIndex(m)
		return nil
	}

	pr := r.trk.Progress[m.From]
	if pr == nil {
		return nil
	}
	switch m.Type {
	case pb.MsgAppResp:
		r.handleAppendResponse(m, pr)
	case pb.MsgHeartbeatResp:
		pr.RecentActive = true
		pr.MsgAppFlowPaused = false
		r.readOnly.recordAck(m.From, m.Seq)
		r.maybeReleaseReads()
		if pr.Match < r.raftLog.lastIndex() || pr.State == tracker.StateProbe {
			r.sendAppend(m.From)
		}
	case pb.MsgSnapStatus:
		if pr.State != tracker.StateSnapshot {
			return nil
		}
		if m.Reject {
			// Failed: forget it and probe; a new snapshot is sent if the
			// follower still needs one.
			pr.PendingSnapshot = 0
		}
		pr.BecomeProbe()
		// Wait for a heartbeat response (or the snapshot's MsgAppResp)
		// before probing, so a slow snapshot apply is not raced.
		pr.MsgAppFlowPaused = true
	case pb.MsgUnreachable:
		// A message was lost: optimistic replication must restart from a
		// probe.
		if pr.State == tracker.StateReplicate {
			pr.BecomeProbe()
		}
	case pb.MsgTransferLeader:
		r.handleTransferLeader(m, pr)
	}
	return nil
}

func (r *raft) handleProposal(m pb.Message) error {
	if len(m.Entries) == 0 {
		return fmt.Errorf("%w: empty proposal from %d", ErrInvalidMessage, m.From)
	}
	if r.trk.Progress[r.id] == nil {
		// Removed from the configuration while still leader (the change
		// is not applied yet everywhere): do not take new work.
		return ErrProposalDropped
	}
	if r.leadTransferee != None {
		return ErrProposalDropped
	}
	for i := range m.Entries {
		e := &m.Entries[i]
		if e.Type != pb.EntryConfChangeV2 {
			continue
		}
		var cc pb.ConfChangeV2
		if err := cc.Unmarshal(e.Data); err != nil {
			return fmt.Errorf("%w: %v", ErrInvalidMessage, err)
		}
		alreadyPending := r.pendingConfIndex > r.raftLog.applied
		alreadyJoint := len(r.trk.Config.Voters[1]) > 0
		wantsLeaveJoint := len(cc.Changes) == 0
		var refused string
		switch {
		case alreadyPending:
			refused = fmt.Sprintf("possible unapplied conf change at index %d (applied to %d)", r.pendingConfIndex, r.raftLog.applied)
		case alreadyJoint && !wantsLeaveJoint:
			refused = "must leave the joint configuration first"
		case !alreadyJoint && wantsLeaveJoint:
			refused = "not in a joint configuration"
		}
		if refused != "" {
			// Turn it into a no-op rather than failing the batch: the
			// other entries of the proposal are still fine.
			r.logger.Info("ignoring conf change", "change", cc.String(), "reason", refused)
			m.Entries[i] = pb.Entry{Type: pb.EntryNormal}
		} else {
			r.pendingConfIndex = r.raftLog.lastIndex() + uint64(i) + 1
		}
	}
	if !r.appendEntry(m.Entries...) {
		return ErrProposalDropped
	}
	r.bcastAppend()
	return nil
}

func (r *raft) handleAppendResponse(m pb.Message, pr *tracker.Progress) {
	pr.RecentActive = true
	if m.Reject {
		// The hint lets us skip every entry the follower cannot share with
		// us: move to the last index whose term is at most the follower's
		// term at its hint.
		nextProbeIdx := m.RejectHint
		if m.LogTerm > 0 {
			nextProbeIdx, _ = r.raftLog.findConflictByTerm(m.RejectHint, m.LogTerm)
		}
		if pr.MaybeDecrTo(m.Index, nextProbeIdx) {
			if pr.State == tracker.StateReplicate {
				pr.BecomeProbe()
			}
			r.sendAppend(m.From)
		}
		return
	}
	if m.Index > r.raftLog.lastIndex() {
		// No correct follower acknowledges entries this leader never had.
		r.logger.Warn("ignoring acknowledgement beyond the log", "from", m.From, "index", m.Index, "last", r.raftLog.lastIndex())
		return
	}
	oldPaused := pr.IsPaused()
	// A probe acknowledged at the current Match also proves the follower
	// is in sync, so replication can start. Only the outstanding probe
	// counts: a reply that merely teaches a stale sender the newer term
	// (index 0) must not restart an up-to-date follower from scratch.
	probeAcked := pr.State == tracker.StateProbe && pr.Match == m.Index && m.Index == pr.Next-1
	if !pr.MaybeUpdate(m.Index) && !probeAcked {
		return
	}
	switch {
	case pr.State == tracker.StateProbe:
		pr.BecomeReplicate()
	case pr.State == tracker.StateSnapshot && pr.Match+1 >= r.raftLog.firstIndex():
		// The follower caught up through the snapshot (or otherwise) and
		// can be replicated to from the log.
		pr.BecomeProbe()
		pr.BecomeReplicate()
	case pr.State == tracker.StateReplicate:
		pr.Inflights.FreeLE(m.Index)
	}
	if r.maybeCommit() {
		r.bcastAppend()
	} else if oldPaused {
		r.sendAppend(m.From)
	}
	// Fill the window freed by this ack.
	for r.maybeSendAppend(m.From, false) {
	}
	if m.From == r.leadTransferee && pr.Match == r.raftLog.lastIndex() {
		r.sendTimeoutNow(m.From)
	}
}

// stepFollower handles messages for followers.
func stepFollower(r *raft, m pb.Message) error {
	switch m.Type {
	case pb.MsgProp:
		if r.lead == None || r.disableProposalForwarding {
			return ErrProposalDropped
		}
		m.To = r.lead
		r.send(m)
	case pb.MsgApp:
		r.electionElapsed = 0
		r.lead = m.From
		return r.handleAppendEntries(m)
	case pb.MsgHeartbeat:
		r.electionElapsed = 0
		r.lead = m.From
		return r.handleHeartbeat(m)
	case pb.MsgSnap:
		r.electionElapsed = 0
		r.lead = m.From
		r.handleSnapshot(m)
	case pb.MsgTransferLeader:
		if r.lead == None {
			return ErrProposalDropped
		}
		m.To = r.lead
		r.send(m)
	case pb.MsgTimeoutNow:
		// The leader handed over: campaign at once, skipping pre-vote and
		// the voters' lease check.
		r.hup(campaignTransfer)
	case pb.MsgReadIndex:
		if r.lead == None {
			return ErrProposalDropped
		}
		m.To = r.lead
		r.send(m)
	case pb.MsgReadIndexResp:
		r.readStates = append(r.readStates, ReadState{Index: m.Index, RequestCtx: m.Context})
	}
	return nil
}

func (r *raft) handleTransferLeader(m pb.Message, pr *tracker.Progress) {
	transferee := m.From
	if pr.IsLearner {
		r.logger.Info("ignoring leadership transfer to a learner", "to", transferee)
		return
	}
	if r.leadTransferee != None {
		if r.leadTransferee == transferee {
			return
		}
		r.abortLeaderTransfer()
	}
	if transferee == r.id {
		return
	}
	// The transfer must finish within an election timeout.
	r.electionElapsed = 0
	r.leadTransferee = transferee
	// The target will campaign without waiting out anyone's lease, so this
	// leader's lease ends now, for the rest of its term.
	r.readOnly.revokeLease()
	if pr.Match == r.raftLog.lastIndex() {
		r.sendTimeoutNow(transferee)
	} else {
		r.sendAppend(transferee)
	}
}

func (r *raft) sendTimeoutNow(to uint64) {
	r.send(pb.Message{To: to, Type: pb.MsgTimeoutNow})
}

func (r *raft) abortLeaderTransfer() { r.leadTransferee = None }
