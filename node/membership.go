package node

import (
	"context"
	"fmt"
	"time"

	pb "sqlraft/raft/raftpb"
)

// AddLearner adds a node that receives the log but does not vote, and
// returns once the change is applied here. addr is its raft address; every
// member learns it from the change itself.
func (n *Node) AddLearner(ctx context.Context, id uint64, addr string) error {
	return n.changeMembership(ctx, pb.ConfChangeSingle{Type: pb.AddLearnerNode, NodeID: id}, addr)
}

// Promote makes a learner a voter.
func (n *Node) Promote(ctx context.Context, id uint64) error {
	return n.changeMembership(ctx, pb.ConfChangeSingle{Type: pb.AddNode, NodeID: id}, "")
}

// Remove removes a voter or learner.
func (n *Node) Remove(ctx context.Context, id uint64) error {
	return n.changeMembership(ctx, pb.ConfChangeSingle{Type: pb.RemoveNode, NodeID: id}, "")
}

func (n *Node) changeMembership(ctx context.Context, ch pb.ConfChangeSingle, addr string) error {
	cc := pb.ConfChangeV2{Changes: []pb.ConfChangeSingle{ch}}
	res, err := n.submit(ctx, &proposal{conf: &cc, cmd: []byte(addr)})
	if err != nil {
		return fmt.Errorf("node: %s node %d: %w", ch.Type, ch.NodeID, err)
	}
	if e, ok := res.value.(error); ok && e != nil {
		return fmt.Errorf("node: %s node %d: %w", ch.Type, ch.NodeID, e)
	}
	return nil
}

// applyConfChange applies a committed membership change to raft and to the
// address book, and answers its proposer.
func (n *Node) applyConfChange(e *pb.Entry) {
	var cc pb.ConfChangeV2
	if err := cc.Unmarshal(e.Data); err != nil {
		n.log.Error("skipping undecodable conf change", "index", e.Index, "err", err)
		return
	}
	cs, err := n.rn.ApplyConfChange(cc)
	if err == nil {
		n.recordConf(e.Index, cs)
	} else {
		n.log.Warn("conf change refused", "index", e.Index, "change", cc.String(), "err", err)
	}
	proposer, reqID, addr, decErr := decodeEnvelope(cc.Context)
	if err == nil && decErr == nil {
		for _, ch := range cc.Changes {
			switch {
			case ch.Type == pb.RemoveNode && ch.NodeID != n.cfg.ID:
				delete(n.peers, ch.NodeID)
				n.tr.RemovePeer(ch.NodeID)
			case ch.Type != pb.RemoveNode && len(addr) > 0:
				n.peers[ch.NodeID] = string(addr)
				if ch.NodeID != n.cfg.ID {
					n.tr.AddPeer(ch.NodeID, string(addr))
				}
			}
		}
	}
	if decErr == nil {
		n.finish(proposer, reqID, proposalResult{value: err, index: e.Index})
	}
}

// TransferLeadership asks the leader to hand over to id and waits until
// this node sees id as leader.
func (n *Node) TransferLeadership(ctx context.Context, id uint64) error {
	for n.Leader() != id {
		n.leaderMu.Lock()
		ch := n.leaderChanged
		n.leaderMu.Unlock()
		select {
		case n.transferc <- id:
		default:
		}
		retry := time.NewTimer(time.Second)
		select {
		case <-ch:
		case <-retry.C:
			// The leader abandons a transfer after an election timeout;
			// ask again.
		case <-ctx.Done():
			return fmt.Errorf("node: transfer leadership to %d: %w", id, ctx.Err())
		case <-n.donec:
			return ErrStopped
		}
		retry.Stop()
	}
	return nil
}
