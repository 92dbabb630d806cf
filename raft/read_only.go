package raft

import (
	"sqlraft/raft/quorum"
	pb "sqlraft/raft/raftpb"
)

// ReadState answers a ReadIndex request: once the application has applied
// Index, a read of its state machine reflects every write that completed
// before the request was made.
type ReadState struct {
	Index      uint64
	RequestCtx []byte
}

// pendingRead is a ReadIndex request waiting for a quorum to acknowledge a
// heartbeat round issued after it.
type pendingRead struct {
	req   pb.Message
	index uint64
	seq   uint64
}

// sentRound remembers when a heartbeat round left, for the lease.
type sentRound struct {
	seq  uint64
	tick uint64
}

// maxSentRounds bounds the rounds remembered for the lease. Forgetting an
// old round only shortens the lease.
const maxSentRounds = 256

// readOnly tracks ReadIndex requests and the leader lease. Heartbeat rounds
// are numbered by the leader within its term; a response echoes the number.
// A round acknowledged by a quorum confirms that this node was still the
// leader after every request registered before the round was issued.
// Because the numbers come from the leader, a late or duplicated response
// can never confirm a request made after the round it answers (the flaw of
// request-context keyed rounds, etcd#20418).
type readOnly struct {
	option ReadOnlyOption
	// seq is the latest round issued in this term.
	seq uint64
	// acks holds the highest round each peer acknowledged in this term.
	acks map[uint64]uint64
	// pending reads in request order, hence in round order.
	pending []pendingRead
	// sent lists recent rounds in order.
	sent []sentRound
	// leaseUntil is the first tick at which the lease has expired.
	leaseUntil uint64
	// leaseRevoked is set by a leadership transfer for the rest of the term.
	leaseRevoked bool
}

func newReadOnly(option ReadOnlyOption) *readOnly {
	return &readOnly{option: option, acks: make(map[uint64]uint64)}
}

// reset forgets everything about the term that ended.
func (ro *readOnly) reset() {
	ro.seq = 0
	clear(ro.acks)
	ro.pending = nil
	ro.sent = ro.sent[:0]
	ro.leaseUntil = 0
	ro.leaseRevoked = false
}

// newRound issues the next heartbeat round at the given tick.
func (ro *readOnly) newRound(tick uint64) uint64 {
	ro.seq++
	if len(ro.sent) == maxSentRounds {
		ro.sent = append(ro.sent[:0], ro.sent[1:]...)
	}
	ro.sent = append(ro.sent, sentRound{seq: ro.seq, tick: tick})
	return ro.seq
}

func (ro *readOnly) recordAck(from, seq uint64) {
	if seq > ro.seq {
		// Not a round we issued in this term: ignore rather than let it
		// confirm rounds that have not happened.
		return
	}
	if seq > ro.acks[from] {
		ro.acks[from] = seq
	}
}

func (ro *readOnly) revokeLease() { ro.leaseRevoked = true }

// seqAcks presents acknowledged rounds to the quorum code; the leader has
// acknowledged every round it issued.
type seqAcks struct {
	ro   *readOnly
	self uint64
}

func (a seqAcks) AckedIndex(id uint64) (quorum.Index, bool) {
	if id == a.self {
		return quorum.Index(a.ro.seq), true
	}
	seq, ok := a.ro.acks[id]
	return quorum.Index(seq), ok
}

// maybeReleaseReads answers the reads confirmed by the highest round a
// quorum acknowledged, and extends the lease from it.
func (r *raft) maybeReleaseReads() {
	ro := r.readOnly
	acked := uint64(r.trk.Voters.CommittedIndex(seqAcks{ro: ro, self: r.id}))
	if acked > ro.seq {
		// Only possible with an empty configuration.
		return
	}
	n := 0
	for n < len(ro.pending) && ro.pending[n].seq <= acked {
		n++
	}
	for _, rd := range ro.pending[:n] {
		r.answerRead(rd.req, rd.index)
	}
	ro.pending = ro.pending[n:]
	if len(ro.pending) == 0 {
		ro.pending = nil
	}

	// The lease: the acknowledging quorum will refuse to elect another
	// leader for an election timeout after the round reached them, which
	// was after it left here. Subtract the drift margin.
	i := 0
	for i < len(ro.sent) && ro.sent[i].seq < acked {
		i++
	}
	if i < len(ro.sent) && ro.sent[i].seq == acked {
		until := ro.sent[i].tick + uint64(r.electionTimeout-r.leaseDrift)
		ro.leaseUntil = max(ro.leaseUntil, until)
	}
	// Rounds before the acknowledged one can never extend the lease.
	if i > 0 {
		ro.sent = append(ro.sent[:0], ro.sent[i:]...)
	}
}

// hasLease reports whether the leader may answer a read from its own state
// without a round trip.
func (r *raft) hasLease() bool {
	ro := r.readOnly
	return r.state == StateLeader &&
		ro.option == ReadOnlyLeaseBased &&
		!ro.leaseRevoked &&
		r.leadTransferee == None &&
		r.committedEntryInCurrentTerm() &&
		r.ticks < ro.leaseUntil
}

// handleReadIndex serves a ReadIndex request at the leader.
func (r *raft) handleReadIndex(m pb.Message) {
	if r.trk.IsSingleton() {
		// A single voter is its own quorum.
		r.answerRead(m, r.raftLog.committed)
		return
	}
	if !r.committedEntryInCurrentTerm() {
		// Until its no-op commits, the leader's commit index may be
		// behind what earlier leaders committed.
		r.pendingReadIndexMessages = append(r.pendingReadIndexMessages, m)
		return
	}
	if r.registerRead(m) {
		r.bcastHeartbeat()
	}
}

// registerRead answers a read under a lease, or queues it for the next
// heartbeat round and reports that the caller must issue that round.
func (r *raft) registerRead(m pb.Message) (needRound bool) {
	if r.hasLease() {
		r.answerRead(m, r.raftLog.committed)
		return false
	}
	ro := r.readOnly
	// The round confirming this read must be issued after it.
	ro.pending = append(ro.pending, pendingRead{req: m, index: r.raftLog.committed, seq: ro.seq + 1})
	return true
}

func (r *raft) releasePendingReadIndexMessages() {
	if len(r.pendingReadIndexMessages) == 0 {
		return
	}
	msgs := r.pendingReadIndexMessages
	r.pendingReadIndexMessages = nil
	needRound := false
	for _, m := range msgs {
		if r.registerRead(m) {
			needRound = true
		}
	}
	// Reads that waited for the first commit share one round.
	if needRound {
		r.bcastHeartbeat()
	}
}

// answerRead delivers a confirmed read index to the local application or
// to the follower that asked.
func (r *raft) answerRead(req pb.Message, index uint64) {
	if req.From == None || req.From == r.id {
		r.readStates = append(r.readStates, ReadState{Index: index, RequestCtx: req.Context})
		return
	}
	r.send(pb.Message{To: req.From, Type: pb.MsgReadIndexResp, Index: index, Context: req.Context})
}
