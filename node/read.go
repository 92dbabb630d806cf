package node

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"sqlraft/raft"
)

// ErrLeaderChanged is returned to reads whose ReadIndex round was lost to a
// leadership change; they can be retried at once.
var ErrLeaderChanged = errors.New("node: leadership changed during the read; retry")

type readRequest struct {
	done chan readResult
}

type readResult struct {
	index uint64
	err   error
}

// ReadBarrier returns once this node's state machine reflects every write
// that completed before the call: a linearizable read may then be served
// from local state. Concurrent calls share one ReadIndex round.
func (n *Node) ReadBarrier(ctx context.Context) (uint64, error) {
	r := &readRequest{done: make(chan readResult, 1)}
	select {
	case n.readc <- r:
	case <-ctx.Done():
		return 0, fmt.Errorf("node: read barrier: %w", ctx.Err())
	case <-n.donec:
		return 0, ErrStopped
	}
	select {
	case res := <-r.done:
		return res.index, res.err
	case <-ctx.Done():
		return 0, fmt.Errorf("node: read barrier: %w", ctx.Err())
	case <-n.donec:
		return 0, ErrStopped
	}
}

type appliedWait struct {
	index uint64
	reqs  []*readRequest
}

// readBatcher groups the reads that arrive between two Readys into one
// ReadIndex request, then holds each batch until the node has applied the
// index raft confirmed.
type readBatcher struct {
	pending  []*readRequest
	inflight map[uint64][]*readRequest
	waiting  []appliedWait
	nextCtx  uint64
}

func (b *readBatcher) add(r *readRequest) { b.pending = append(b.pending, r) }

func (b *readBatcher) submit(n *Node) {
	if len(b.pending) == 0 {
		return
	}
	b.nextCtx++
	ctx := binary.BigEndian.AppendUint64(nil, b.nextCtx)
	if err := n.rn.ReadIndex(ctx); err != nil {
		if errors.Is(err, raft.ErrProposalDropped) {
			err = ErrNoLeader
		}
		b.fail(b.pending, err)
		b.pending = nil
		return
	}
	if b.inflight == nil {
		b.inflight = make(map[uint64][]*readRequest)
	}
	b.inflight[b.nextCtx] = b.pending
	b.pending = nil
}

func (b *readBatcher) answered(n *Node, states []raft.ReadState) {
	for _, rs := range states {
		if len(rs.RequestCtx) != 8 {
			continue
		}
		id := binary.BigEndian.Uint64(rs.RequestCtx)
		reqs, ok := b.inflight[id]
		if !ok {
			continue // a duplicate answer
		}
		delete(b.inflight, id)
		b.waiting = append(b.waiting, appliedWait{index: rs.Index, reqs: reqs})
	}
}

// releaseApplied answers the reads whose index is applied.
func (b *readBatcher) releaseApplied(applied uint64) {
	kept := b.waiting[:0]
	for _, w := range b.waiting {
		if w.index <= applied {
			for _, r := range w.reqs {
				r.done <- readResult{index: w.index}
			}
			continue
		}
		kept = append(kept, w)
	}
	b.waiting = kept
}

// leaderChanged fails reads whose rounds the old leader will never answer.
func (b *readBatcher) leaderChanged() {
	for id, reqs := range b.inflight {
		delete(b.inflight, id)
		b.fail(reqs, ErrLeaderChanged)
	}
}

func (b *readBatcher) fail(reqs []*readRequest, err error) {
	for _, r := range reqs {
		r.done <- readResult{err: err}
	}
}

func (b *readBatcher) failAll(err error) {
	b.fail(b.pending, err)
	b.pending = nil
	b.leaderChanged()
	for _, w := range b.waiting {
		b.fail(w.reqs, err)
	}
	b.waiting = nil
}
