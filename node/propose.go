package node

import (
	"context"
	"errors"
	"fmt"
	"time"

	"sqlraft/raft"
	pb "sqlraft/raft/raftpb"
)

// A proposal is appended to the leader's log in one of two ways: on the
// leader itself, or, on a follower, by a request to the leader that appends
// the follower's envelope verbatim and answers with the entry's position.
// Either way the proposer learns the index and term its entry was appended
// at, and that makes every outcome definite:
//
//   - the entry applied at that index carries the proposer's envelope:
//     the caller gets the state machine's result;
//   - another entry is applied at that index: the proposal was lost to a
//     leadership change and will never commit (ErrDropped), so it is
//     proposed again, transparently;
//   - a snapshot replaced the log past that index before the entry was
//     applied here: the outcome is unknown (ErrOutcomeUnknown).
//
// Raft's own forwarding of proposals (MsgProp to the leader) is never used:
// a forwarded MsgProp that the leader drops, or that the transport drops on
// a full queue, vanishes without a trace, and its caller would wait until
// its deadline.

// proposal is a command on its way into the log.
type proposal struct {
	cmd  []byte
	conf *pb.ConfChangeV2 // set for membership changes; cmd is its context
	// route receives, once per attempt, where the node goroutine put the
	// proposal.
	route chan route
	// done receives exactly one result per attempt that was appended or
	// forwarded.
	done chan proposalResult
}

type route struct {
	reqID uint64
	// forwardTo is the leader to forward entry to; 0 when the entry was
	// appended to this node's log.
	forwardTo uint64
	entry     pb.Entry
	err       error
}

type proposalResult struct {
	value any
	index uint64
	err   error
}

// waiter is a proposal in the log, or on its way to the leader's log,
// waiting to be applied.
type waiter struct {
	p *proposal
	// index and term locate the entry once known.
	index, term uint64
}

// Propose replicates cmd and returns the state machine's result once the
// command is applied on this node. A proposal lost to a leadership change
// is proposed again, so the command is applied at most once. An error
// wrapping ErrNoLeader or ErrDropped means it was not applied and never
// will be; any other error (a context's end, ErrStopped,
// ErrOutcomeUnknown) means it may still be.
func (n *Node) Propose(ctx context.Context, cmd []byte) (any, error) {
	res, err := n.submit(ctx, &proposal{cmd: cmd})
	return res.value, err
}

// submit proposes p until it is applied, fails for good, or ctx ends.
// Attempts that certainly did not append the entry (no leader, a dropped
// proposal, a lost entry) are retried: while no leader is known for up to
// LeaderWait, otherwise after a short pause.
func (n *Node) submit(ctx context.Context, p *proposal) (proposalResult, error) {
	p.route = make(chan route, 1)
	p.done = make(chan proposalResult, 1)
	var leaderless time.Time
	pause := time.Millisecond
	for {
		res, err := n.attempt(ctx, p)
		if !retryable(err) {
			return res, err
		}
		if ctx.Err() != nil {
			return res, err
		}
		if errors.Is(err, ErrNoLeader) {
			if leaderless.IsZero() {
				leaderless = time.Now()
			}
			left := n.cfg.LeaderWait - time.Since(leaderless)
			if left <= 0 {
				return res, err
			}
			if werr := n.waitLeaderChange(ctx, left); werr != nil {
				return res, err
			}
			continue
		}
		leaderless = time.Time{}
		// The leader is changing or its log is full: give it a moment.
		if werr := n.waitLeaderChange(ctx, pause); werr != nil {
			return res, err
		}
		pause = min(2*pause, 100*time.Millisecond)
	}
}

func retryable(err error) bool {
	return errors.Is(err, ErrNoLeader) || errors.Is(err, ErrDropped)
}

// waitLeaderChange waits until the leader changes or d passes; it fails
// only when ctx ends or the node stops.
func (n *Node) waitLeaderChange(ctx context.Context, d time.Duration) error {
	n.leaderMu.Lock()
	ch := n.leaderChanged
	n.leaderMu.Unlock()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C:
	case <-ctx.Done():
		return ctx.Err()
	case <-n.donec:
		return ErrStopped
	}
	return nil
}

// attempt appends p once, here or at the leader, and waits for its result.
func (n *Node) attempt(ctx context.Context, p *proposal) (proposalResult, error) {
	select {
	case n.propc <- p:
	case <-ctx.Done():
		return proposalResult{}, fmt.Errorf("node: propose: %w", ctx.Err())
	case <-n.donec:
		return proposalResult{}, ErrStopped
	}
	var r route
	select {
	case r = <-p.route:
	case <-n.donec:
		return proposalResult{}, ErrStopped
	}
	if r.err != nil {
		return proposalResult{}, r.err
	}
	if r.forwardTo != 0 {
		if err := n.forward(ctx, r); err != nil {
			// The waiter goes; a result that beat it is still taken.
			n.forget(r.reqID, true)
			select {
			case res := <-p.done:
				return res, res.err
			default:
			}
			return proposalResult{}, err
		}
	}
	select {
	case res := <-p.done:
		return res, res.err
	case <-ctx.Done():
		n.forget(r.reqID, false)
		return proposalResult{}, fmt.Errorf("node: waiting for the proposal to apply: %w", ctx.Err())
	case <-n.donec:
		return proposalResult{}, ErrStopped
	}
}

// forget removes a waiter on the node goroutine. With wait, it returns
// once that is done; otherwise it gives up if the node is busy.
func (n *Node) forget(reqID uint64, wait bool) {
	f := func() { delete(n.waiters, reqID) }
	if !wait {
		select {
		case n.reportc <- f:
		default:
		}
		return
	}
	done := make(chan struct{})
	select {
	case n.reportc <- func() { f(); close(done) }:
	case <-n.donec:
		return
	}
	select {
	case <-done:
	case <-n.donec:
	}
}

// propose runs on the node goroutine: it appends p to the log if this node
// leads, or prepares it for forwarding to the leader.
func (n *Node) propose(p *proposal) {
	n.nextReqID++
	id := n.nextReqID
	e := pb.Entry{Type: pb.EntryNormal, Data: encodeEnvelope(n.cfg.ID, id, p.cmd)}
	if p.conf != nil {
		cc := *p.conf
		cc.Context = e.Data
		e = pb.Entry{Type: pb.EntryConfChangeV2, Data: cc.Marshal()}
	}
	index, term, err := n.rn.ProposeLocal(e)
	switch {
	case err == nil:
		n.waiters[id] = &waiter{p: p}
		n.place(id, index, term)
		p.route <- route{reqID: id}
	case errors.Is(err, raft.ErrNotLeader):
		lead := n.rn.BasicStatus().Lead
		if lead == 0 || lead == n.cfg.ID {
			p.route <- route{err: ErrNoLeader}
			return
		}
		n.waiters[id] = &waiter{p: p}
		p.route <- route{reqID: id, forwardTo: lead, entry: e}
	case errors.Is(err, raft.ErrProposalDropped):
		p.route <- route{err: ErrDropped}
	default:
		p.route <- route{err: fmt.Errorf("node: propose: %w", err)}
	}
}

// place records where a waiting proposal's entry was appended. If the node
// has already applied that index without answering the waiter, the entry
// there is someone else's.
func (n *Node) place(reqID, index, term uint64) {
	w, ok := n.waiters[reqID]
	if !ok {
		return // answered already
	}
	if index <= n.applied.Load() {
		n.answerLost(reqID, w, index)
		return
	}
	w.index, w.term = index, term
	n.waitingAt[index] = append(n.waitingAt[index], reqID)
}

// settle answers the waiters whose entry was expected at index once the
// entry applied there turned out not to be theirs.
func (n *Node) settle(index uint64) {
	ids, ok := n.waitingAt[index]
	if !ok {
		return
	}
	delete(n.waitingAt, index)
	for _, id := range ids {
		if w, ok := n.waiters[id]; ok && w.index == index {
			n.answerLost(id, w, index)
		}
	}
}

// answerLost fails a waiter whose index was applied without its entry:
// applied entry by entry, the entry was someone else's (ErrDropped); if a
// snapshot covered the index, nobody here knows (ErrOutcomeUnknown).
func (n *Node) answerLost(reqID uint64, w *waiter, index uint64) {
	delete(n.waiters, reqID)
	err := fmt.Errorf("%w: another entry was committed at index %d", ErrDropped, index)
	if index <= n.lastRestored {
		err = fmt.Errorf("%w: a snapshot replaced the log up to index %d, past the proposal's index %d", ErrOutcomeUnknown, n.lastRestored, index)
	}
	w.p.done <- proposalResult{err: err}
}

// settleSnapshot answers the waiters a snapshot installed at index skipped.
func (n *Node) settleSnapshot(index uint64) {
	n.lastRestored = index
	for i := range n.waitingAt {
		if i <= index {
			n.settle(i)
		}
	}
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
		n.settle(e.Index)
		n.bytesSinceSnapshot += uint64(len(e.Data))
	}
	return nil
}

func (n *Node) finish(proposer, reqID uint64, r proposalResult) {
	if proposer != n.cfg.ID {
		return
	}
	if w, ok := n.waiters[reqID]; ok {
		delete(n.waiters, reqID)
		w.p.done <- r
	}
}

// failAll answers every waiting caller when the node stops.
func (n *Node) failAll(err error) {
	if err == nil {
		err = ErrStopped
	}
	for id, w := range n.waiters {
		delete(n.waiters, id)
		w.p.done <- proposalResult{err: err}
	}
	clear(n.waitingAt)
	n.reads.failAll(err)
}
