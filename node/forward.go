package node

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"sqlraft/raft"
	pb "sqlraft/raft/raftpb"
)

// A follower forwards a proposal to the leader with a request:
//
//	request:  kind (forwardPropose), entry type, entry data (the envelope,
//	          or the ConfChangeV2 whose context is the envelope)
//	response: status, then for forwardAppended the uvarint index and term
//	          the leader appended the entry at
//
// forwardNotLeader and forwardDropped mean the leader did not append the
// entry: the follower may propose again.
const (
	forwardPropose = 1

	forwardAppended  = 0
	forwardNotLeader = 1
	forwardDropped   = 2
)

func encodeForward(e pb.Entry) []byte {
	b := make([]byte, 0, 2+len(e.Data))
	b = append(b, forwardPropose, byte(e.Type))
	return append(b, e.Data...)
}

// decodeForward checks a forwarded proposal: it must be a well-formed entry
// whose envelope names the node that sent it.
func decodeForward(from uint64, b []byte) (pb.Entry, error) {
	if len(b) < 2 || b[0] != forwardPropose {
		return pb.Entry{}, errors.New("not a forwarded proposal")
	}
	e := pb.Entry{Type: pb.EntryType(b[1]), Data: b[2:]}
	envelope := e.Data
	switch e.Type {
	case pb.EntryNormal:
	case pb.EntryConfChangeV2:
		var cc pb.ConfChangeV2
		if err := cc.Unmarshal(e.Data); err != nil {
			return pb.Entry{}, fmt.Errorf("forwarded conf change: %w", err)
		}
		envelope = cc.Context
	default:
		return pb.Entry{}, fmt.Errorf("forwarded entry of type %d", b[1])
	}
	proposer, _, _, err := decodeEnvelope(envelope)
	if err != nil {
		return pb.Entry{}, err
	}
	if proposer != from {
		return pb.Entry{}, fmt.Errorf("proposal of node %d forwarded by node %d", proposer, from)
	}
	return e, nil
}

// forward hands a proposal to the leader and records where it was
// appended. An error wrapping ErrDropped means it certainly was not.
func (n *Node) forward(ctx context.Context, r route) error {
	resp, err := n.tr.Request(ctx, r.forwardTo, encodeForward(r.entry))
	switch {
	case errors.Is(err, ErrNotSent):
		return fmt.Errorf("%w: %w", ErrDropped, err)
	case err != nil:
		return fmt.Errorf("%w: forwarding to the leader: %w", ErrOutcomeUnknown, err)
	}
	if len(resp) == 0 {
		return fmt.Errorf("%w: empty answer from leader %d", ErrOutcomeUnknown, r.forwardTo)
	}
	switch resp[0] {
	case forwardAppended:
		index, k := binary.Uvarint(resp[1:])
		term, k2 := binary.Uvarint(resp[1+max(k, 0):])
		if k <= 0 || k2 <= 0 || index == 0 {
			return fmt.Errorf("%w: malformed answer from leader %d", ErrOutcomeUnknown, r.forwardTo)
		}
		return n.do(ctx, func() { n.place(r.reqID, index, term) })
	case forwardNotLeader:
		return fmt.Errorf("%w: node %d is no longer the leader", ErrDropped, r.forwardTo)
	case forwardDropped:
		return fmt.Errorf("%w: by leader %d", ErrDropped, r.forwardTo)
	}
	return fmt.Errorf("%w: unknown answer %d from leader %d", ErrOutcomeUnknown, resp[0], r.forwardTo)
}

// HandleRequest serves proposals forwarded by followers: the entry is
// appended to this node's log if it leads, and the answer says where.
func (n *Node) HandleRequest(ctx context.Context, from uint64, payload []byte) ([]byte, error) {
	e, err := decodeForward(from, payload)
	if err != nil {
		return nil, fmt.Errorf("node: request from %d: %w", from, err)
	}
	type appended struct {
		index, term uint64
		err         error
	}
	c := make(chan appended, 1)
	if err := n.do(ctx, func() {
		index, term, err := n.rn.ProposeLocal(e)
		c <- appended{index, term, err}
	}); err != nil {
		return nil, err
	}
	var a appended
	select {
	case a = <-c:
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-n.donec:
		return nil, ErrStopped
	}
	switch {
	case a.err == nil:
		resp := []byte{forwardAppended}
		resp = binary.AppendUvarint(resp, a.index)
		return binary.AppendUvarint(resp, a.term), nil
	case errors.Is(a.err, raft.ErrNotLeader):
		return []byte{forwardNotLeader}, nil
	case errors.Is(a.err, raft.ErrProposalDropped):
		return []byte{forwardDropped}, nil
	}
	return nil, fmt.Errorf("node: forwarded proposal from %d: %w", from, a.err)
}
