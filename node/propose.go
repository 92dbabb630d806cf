package node

import (
	"context"
	"errors"
	"fmt"

	"sqlraft/raft"
	pb "sqlraft/raft/raftpb"
)

// proposal is a command waiting to be applied.
type proposal struct {
	cmd  []byte
	conf *pb.ConfChangeV2 // set for membership changes; cmd is its context
	// done receives exactly one result.
	done chan proposalResult
}

type proposalResult struct {
	value any
	index uint64
	err   error
}

// Propose replicates cmd and returns the state machine's result once the
// command is applied on this node. An error means the command was not
// applied here before the failure, and, except for ErrNoLeader and
// ErrDropped, it may still be applied later (for example after a timeout).
func (n *Node) Propose(ctx context.Context, cmd []byte) (any, error) {
	res, err := n.submit(ctx, &proposal{cmd: cmd})
	return res.value, err
}

func (n *Node) submit(ctx context.Context, p *proposal) (proposalResult, error) {
	p.done = make(chan proposalResult, 1)
	select {
	case n.propc <- p:
	case <-ctx.Done():
		return proposalResult{}, fmt.Errorf("node: propose: %w", ctx.Err())
	case <-n.donec:
		return proposalResult{}, ErrStopped
	}
	select {
	case r := <-p.done:
		return r, r.err
	case <-ctx.Done():
		return proposalResult{}, fmt.Errorf("node: waiting for the proposal to apply: %w", ctx.Err())
	case <-n.donec:
		return proposalResult{}, ErrStopped
	}
}

// propose hands a proposal to raft on the node goroutine.
func (n *Node) propose(p *proposal) {
	n.nextReqID++
	id := n.nextReqID
	var err error
	if p.conf != nil {
		cc := *p.conf
		cc.Context = encodeEnvelope(n.cfg.ID, id, p.cmd)
		err = n.rn.ProposeConfChange(cc)
	} else {
		err = n.rn.Propose(encodeEnvelope(n.cfg.ID, id, p.cmd))
	}
	if err != nil {
		if errors.Is(err, raft.ErrProposalDropped) {
			if n.leader.Load() == 0 {
				err = ErrNoLeader
			} else {
				err = ErrDropped
			}
		}
		p.done <- proposalResult{err: err}
		return
	}
	n.waiters[id] = p
}

// apply applies committed entries: commands to the state machine (unless
// it already applied them before a restart), conf changes to raft.
func (n *Node) apply(ents []pb.Entry) error {
	for i := range ents {
		e := &ents[i]
		switch e.Type {
		case pb.EntryNormal:
			if len(e.Data) == 0 {
				break // a leader's no-op
			}
			proposer, reqID, cmd, err := decodeEnvelope(e.Data)
			if err != nil {
				// Every node sees the same bytes and skips them alike.
				n.log.Error("skipping undecodable entry", "index", e.Index, "err", err)
				break
			}
			var value any
			if e.Index > n.smApplied {
				value = n.cfg.Machine.Apply(e.Index, e.Term, cmd)
				n.smApplied = e.Index
			}
			n.finish(proposer, reqID, proposalResult{value: value, index: e.Index})
		case pb.EntryConfChangeV2:
			n.applyConfChange(e)
		}
		n.applied.Store(e.Index)
		n.bytesSinceSnapshot += uint64(len(e.Data))
	}
	return nil
}

func (n *Node) finish(proposer, reqID uint64, r proposalResult) {
	if proposer != n.cfg.ID {
		return
	}
	if p, ok := n.waiters[reqID]; ok {
		delete(n.waiters, reqID)
		p.done <- r
	}
}

// failAll answers every waiting caller when the node stops.
func (n *Node) failAll(err error) {
	if err == nil {
		err = ErrStopped
	}
	for id, p := range n.waiters {
		delete(n.waiters, id)
		p.done <- proposalResult{err: err}
	}
	n.reads.failAll(err)
}
