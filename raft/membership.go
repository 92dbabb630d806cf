package raft

import (
	"fmt"

	"sqlraft/raft/confchange"
	pb "sqlraft/raft/raftpb"
	"sqlraft/raft/tracker"
)

// applyConfChange switches to the configuration produced by cc. It runs when
// the application applies the entry: configurations take effect on apply,
// identically on every node. An error leaves the configuration unchanged;
// since every node computes the same error, they stay in agreement.
func (r *raft) applyConfChange(cc pb.ConfChangeV2) (pb.ConfState, error) {
	changer := confchange.Changer{Tracker: r.trk, LastIndex: r.raftLog.lastIndex()}
	var (
		cfg      tracker.Config
		progress tracker.ProgressMap
		err      error
	)
	if cc.LeaveJoint() {
		cfg, progress, err = changer.LeaveJoint()
	} else if autoLeave, ok := cc.EnterJoint(); ok {
		cfg, progress, err = changer.EnterJoint(autoLeave, cc.Changes...)
	} else {
		cfg, progress, err = changer.Simple(cc.Changes...)
	}
	if err != nil {
		return r.trk.ConfState(), fmt.Errorf("raft: apply conf change %q: %w", cc.String(), err)
	}
	return r.switchToConfig(cfg, progress), nil
}

// switchToConfig installs a new configuration and reacts to it: a leader
// that is no longer a voter steps down; otherwise the quorum may have
// changed, so the commit index may advance.
func (r *raft) switchToConfig(cfg tracker.Config, progress tracker.ProgressMap) pb.ConfState {
	r.trk.Config = cfg
	r.trk.Progress = progress
	cs := r.trk.ConfState()
	pr, ok := r.trk.Progress[r.id]
	r.isLearner = ok && pr.IsLearner

	if (!ok || r.isLearner) && r.state == StateLeader {
		// The change that removed or demoted us is committed (we are
		// applying it), so stepping down loses nothing; the remaining
		// voters elect a leader among themselves.
		r.logger.Info("stepping down: removed from the voters", "term", r.Term)
		r.becomeFollower(r.Term, None)
		return cs
	}
	if r.state != StateLeader || len(cs.Voters) == 0 {
		return cs
	}
	if r.maybeCommit() {
		r.bcastAppend()
	} else {
		r.trk.Visit(func(id uint64, _ *tracker.Progress) {
			if id != r.id {
				r.maybeSendAppend(id, false)
			}
		})
	}
	if _, still := r.trk.Voters.IDs()[r.leadTransferee]; r.leadTransferee != None && !still {
		r.abortLeaderTransfer()
	}
	return cs
}

// appliedTo records that the application applied entries up to index. A
// leader in a joint configuration with AutoLeave proposes leaving it once
// the entry that entered it is applied.
func (r *raft) appliedTo(index uint64, size uint64) {
	newApplied := max(index, r.raftLog.applied)
	r.raftLog.appliedTo(newApplied, size)
	if r.trk.Config.AutoLeave && newApplied >= r.pendingConfIndex && r.state == StateLeader {
		leave := pb.ConfChangeV2{}
		m := pb.Message{From: r.id, Type: pb.MsgProp, Entries: []pb.Entry{{Type: pb.EntryConfChangeV2, Data: leave.Marshal()}}}
		if err := r.Step(m); err != nil {
			r.logger.Debug("could not propose leaving the joint configuration", "err", err)
		}
	}
}

func (r *raft) appliedSnap(snap *pb.Snapshot) {
	index := snap.Metadata.Index
	r.raftLog.stableSnapTo(index)
	r.appliedTo(index, 0)
}
