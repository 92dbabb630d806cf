package raft

import (
	"slices"

	"sqlraft/raft/quorum"
	pb "sqlraft/raft/raftpb"
)

// hup starts an election unless this node cannot or should not lead.
func (r *raft) hup(t campaignType) {
	if r.state == StateLeader {
		return
	}
	if !r.promotable() {
		r.logger.Debug("not promotable: cannot campaign")
		return
	}
	// A conf change that is committed but not applied may remove this node
	// or change the quorum it needs; wait until it is applied.
	if r.hasUnappliedConfChanges() {
		r.logger.Debug("cannot campaign: unapplied conf changes")
		return
	}
	r.campaign(t)
}

func (r *raft) hasUnappliedConfChanges() bool {
	if r.raftLog.applied >= r.raftLog.committed {
		return false
	}
	ents, err := r.raftLog.slice(r.raftLog.applied+1, r.raftLog.committed+1, noLimit)
	if err != nil {
		// The log was compacted past applied: a snapshot is on its way,
		// which also means we are behind; do not campaign.
		return true
	}
	for i := range ents {
		if ents[i].Type == pb.EntryConfChangeV2 {
			return true
		}
	}
	return false
}

// campaign asks the voters for their (pre-)votes, voting for itself first.
func (r *raft) campaign(t campaignType) {
	var term uint64
	var voteMsg pb.MessageType
	if t == campaignPreElection {
		r.becomePreCandidate()
		voteMsg = pb.MsgPreVote
		// Pre-votes are asked for the term we would campaign in, without
		// moving to it.
		term = r.Term + 1
	} else {
		r.becomeCandidate()
		voteMsg = pb.MsgVote
		term = r.Term
	}
	if _, _, res := r.poll(r.id, pb.VoteResponseType(voteMsg), true); res == quorum.VoteWon {
		// A single voter wins at once.
		if t == campaignPreElection {
			r.campaign(campaignElection)
		} else {
			r.becomeLeader()
		}
		return
	}
	ids := make([]uint64, 0, 8)
	for id := range r.trk.Voters.IDs() {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	var ctx []byte
	if t == campaignTransfer {
		ctx = []byte(t)
	}
	for _, id := range ids {
		if id == r.id {
			continue
		}
		r.send(pb.Message{To: id, Term: term, Type: voteMsg, Index: r.raftLog.lastIndex(), LogTerm: r.raftLog.lastTerm(), Context: ctx})
	}
}

// poll records a vote and tallies the election.
func (r *raft) poll(id uint64, t pb.MessageType, v bool) (granted, rejected int, result quorum.VoteResult) {
	r.trk.RecordVote(id, v)
	if r.bugs.countVoteTwice && v && id != r.id {
		// Planted bug: credit the grant to a voter that has not answered.
		for other := range r.trk.Voters.IDs() {
			if _, voted := r.trk.Votes[other]; !voted {
				r.trk.RecordVote(other, true)
				break
			}
		}
	}
	return r.trk.TallyVotes()
}

// handleVoteRequest answers MsgVote and MsgPreVote at the receiver's term
// (or the future term of a pre-vote).
func (r *raft) handleVoteRequest(m pb.Message) {
	// We can vote for m.From if we already did in this term, or if we have
	// not voted and know of no leader, or for a pre-vote in a future term.
	canVote := r.Vote == m.From ||
		(r.Vote == None && r.lead == None) ||
		(m.Type == pb.MsgPreVote && m.Term > r.Term)
	if canVote && r.raftLog.isUpToDate(m.Index, m.LogTerm) {
		// Granting a pre-vote answers with the term it was asked for, so
		// the pre-candidate can count it.
		r.send(pb.Message{To: m.From, Term: m.Term, Type: pb.VoteResponseType(m.Type)})
		if m.Type == pb.MsgVote {
			// Only a real vote is recorded, and it is durable before the
			// response leaves (it is in this Ready's HardState).
			r.electionElapsed = 0
			r.Vote = m.From
		}
		return
	}
	r.send(pb.Message{To: m.From, Term: r.Term, Type: pb.VoteResponseType(m.Type), Reject: true})
}

// stepCandidate handles messages for candidates and pre-candidates.
func stepCandidate(r *raft, m pb.Message) error {
	myVoteRespType := pb.MsgVoteResp
	if r.state == StatePreCandidate {
		myVoteRespType = pb.MsgPreVoteResp
	}
	switch m.Type {
	case pb.MsgProp:
		return ErrProposalDropped
	case pb.MsgApp:
		r.becomeFollower(m.Term, m.From)
		return r.handleAppendEntries(m)
	case pb.MsgHeartbeat:
		r.becomeFollower(m.Term, m.From)
		return r.handleHeartbeat(m)
	case pb.MsgSnap:
		r.becomeFollower(m.Term, m.From)
		r.handleSnapshot(m)
	case myVoteRespType:
		_, _, res := r.poll(m.From, m.Type, !m.Reject)
		switch res {
		case quorum.VoteWon:
			if r.state == StatePreCandidate {
				r.campaign(campaignElection)
			} else {
				r.becomeLeader()
				r.bcastAppend()
			}
		case quorum.VoteLost:
			// A rejection with a higher term already made us follower
			// in Step; here the term is ours.
			r.becomeFollower(r.Term, None)
		}
	case pb.MsgTimeoutNow:
		// Already campaigning.
	}
	return nil
}
