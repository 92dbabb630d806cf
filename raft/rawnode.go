package raft

import (
	"errors"
	"fmt"

	pb "sqlraft/raft/raftpb"
	"sqlraft/raft/tracker"
)

// ErrStepLocalMsg is returned when a local-only message arrives through Step.
var ErrStepLocalMsg = errors.New("raft: cannot step raft local message")

// ErrStepPeerNotFound is returned when a response arrives from a node that is
// not in the configuration.
var ErrStepPeerNotFound = errors.New("raft: cannot step as peer not found")

// SoftState is volatile state that the application may want to observe
// (leader changes, role changes). It is never persisted.
type SoftState struct {
	Lead      uint64
	RaftState StateType
}

// Ready is the work a node hands to the application. Handle it in this
// order, then call Advance:
//  1. Persist Entries, then HardState and Snapshot (fsync when MustSync).
//     Writing entry i discards any persisted entry with index >= i.
//  2. Send Messages (they may depend on what step 1 persisted).
//  3. Apply Snapshot, then CommittedEntries, calling ApplyConfChange for
//     every conf change entry.
//  4. Call Advance.
type Ready struct {
	// SoftState is nil when unchanged.
	*SoftState
	// HardState is empty when unchanged.
	pb.HardState
	// ReadStates answer ReadIndex requests; serve each once the applied
	// index reaches its Index.
	ReadStates []ReadState
	// Entries must be persisted before Messages are sent.
	Entries []pb.Entry
	// Snapshot must be persisted and applied when not empty.
	Snapshot pb.Snapshot
	// CommittedEntries are to be applied in order. They may include entries
	// from Entries of this Ready, which is why persisting comes first.
	CommittedEntries []pb.Entry
	// Messages go out after persisting. After a MsgSnap, report the outcome
	// with ReportSnapshot.
	Messages []pb.Message
	// MustSync says whether step 1 needs an fsync: entries were added, or
	// the term or vote changed. A commit-only change may be written lazily.
	// When MustSync is set, HardState is always present.
	MustSync bool
}

func (rd *Ready) containsUpdates() bool {
	return rd.SoftState != nil || !rd.HardState.IsEmpty() || !rd.Snapshot.IsEmpty() ||
		len(rd.Entries) > 0 || len(rd.CommittedEntries) > 0 || len(rd.Messages) > 0 || len(rd.ReadStates) > 0
}

// RawNode is the thread-unsafe driver interface to a raft node: the
// application calls Tick, Step and the proposal methods, and handles the
// resulting Ready values. It performs no I/O and starts no goroutines.
type RawNode struct {
	raft       *raft
	prevSoftSt SoftState
	prevHardSt pb.HardState
	// awaitingAdvance is set between Ready and Advance.
	awaitingAdvance bool
}

// NewRawNode creates a node from the state in c.Storage. An empty storage
// holds no configuration: initialize it with Bootstrap first (or let the
// node receive a snapshot from a leader that added it).
func NewRawNode(c *Config) (*RawNode, error) {
	r, err := newRaft(c)
	if err != nil {
		return nil, err
	}
	rn := &RawNode{raft: r}
	rn.prevSoftSt = r.softState()
	rn.prevHardSt = r.hardState()
	return rn, nil
}

// Tick advances the logical clock by one tick. Elections and heartbeats are
// measured in ticks.
func (rn *RawNode) Tick() { rn.raft.Tick() }

// Campaign makes this node start an election at once (with a pre-vote
// first, if enabled).
func (rn *RawNode) Campaign() error {
	return rn.raft.Step(pb.Message{Type: pb.MsgHup})
}

// Propose proposes data to be appended to the log. On a follower it is
// forwarded to the leader; success means only that it was accepted for
// replication, not that it will commit.
func (rn *RawNode) Propose(data []byte) error {
	return rn.raft.Step(pb.Message{Type: pb.MsgProp, From: rn.raft.id, Entries: []pb.Entry{{Data: data}}})
}

// ProposeLocal appends e (a normal entry or a conf change) to this
// leader's log and returns the index and term it was appended at. Unlike
// Propose it never forwards: a node that is not the leader returns
// ErrNotLeader and changes nothing. Knowing the position lets the caller
// tell a lost proposal from a slow one: if the entry later committed at
// index has another term, the proposal will never commit.
func (rn *RawNode) ProposeLocal(e pb.Entry) (index, term uint64, err error) {
	r := rn.raft
	if r.state != StateLeader {
		return 0, 0, ErrNotLeader
	}
	e.Index, e.Term = 0, 0
	if err := r.Step(pb.Message{Type: pb.MsgProp, From: r.id, Entries: []pb.Entry{e}}); err != nil {
		return 0, 0, err
	}
	return r.raftLog.lastIndex(), r.Term, nil
}

// ProposeConfChange proposes a membership change. Only one change may be
// pending at a time; a second one is replaced by an empty entry.
func (rn *RawNode) ProposeConfChange(cc pb.ConfChangeV2) error {
	return rn.raft.Step(pb.Message{Type: pb.MsgProp, From: rn.raft.id,
		Entries: []pb.Entry{{Type: pb.EntryConfChangeV2, Data: cc.Marshal()}}})
}

// ApplyConfChange applies a committed conf change entry. Call it for every
// such entry, in log order, when applying CommittedEntries.
func (rn *RawNode) ApplyConfChange(cc pb.ConfChangeV2) (pb.ConfState, error) {
	return rn.raft.applyConfChange(cc)
}

// Step advances the state machine with a message received from the
// network. Invalid messages are rejected with an error wrapping
// ErrInvalidMessage and change nothing. An error wrapping ErrLogInconsistent
// means the local log contradicts what the cluster knows committed; the node
// must stop.
func (rn *RawNode) Step(m pb.Message) error {
	if m.Type.IsLocal() {
		return ErrStepLocalMsg
	}
	if err := validateMessage(rn.raft.id, &m); err != nil {
		return err
	}
	if m.Type.IsResponse() && rn.raft.trk.Progress[m.From] == nil {
		return ErrStepPeerNotFound
	}
	return rn.raft.Step(m)
}

// TransferLeader asks the leader to hand leadership to transferee.
func (rn *RawNode) TransferLeader(transferee uint64) {
	_ = rn.raft.Step(pb.Message{Type: pb.MsgTransferLeader, From: transferee})
}

// ReadIndex requests a read index for rctx; the answer arrives in a later
// Ready's ReadStates with the same RequestCtx. A request that cannot be
// served (no leader known) is dropped with an error and never answered.
func (rn *RawNode) ReadIndex(rctx []byte) error {
	return rn.raft.Step(pb.Message{Type: pb.MsgReadIndex, Context: rctx})
}

// ReportUnreachable tells the leader that a message to id could not be
// delivered, so replication to it falls back to probing.
func (rn *RawNode) ReportUnreachable(id uint64) {
	_ = rn.raft.Step(pb.Message{Type: pb.MsgUnreachable, From: id})
}

// SnapshotStatus is the outcome of sending a snapshot.
type SnapshotStatus int

const (
	SnapshotFinish SnapshotStatus = iota
	SnapshotFailure
)

// ReportSnapshot reports the outcome of a MsgSnap sent to id.
func (rn *RawNode) ReportSnapshot(id uint64, status SnapshotStatus) {
	_ = rn.raft.Step(pb.Message{Type: pb.MsgSnapStatus, From: id, Reject: status == SnapshotFailure})
}

// HasReady reports whether Ready would return any work.
func (rn *RawNode) HasReady() bool {
	if rn.awaitingAdvance {
		return false
	}
	r := rn.raft
	if ss := r.softState(); ss != rn.prevSoftSt {
		return true
	}
	if hs := r.hardState(); !hs.IsEmpty() && hs != rn.prevHardSt {
		return true
	}
	return r.raftLog.hasNextUnstableSnapshot() || len(r.msgs) > 0 || len(r.readStates) > 0 ||
		r.raftLog.hasNextUnstableEnts() || r.raftLog.hasNextCommittedEnts()
}

// Ready returns the work to do and marks it handed out. The next Ready
// may be taken only after Advance.
func (rn *RawNode) Ready() Ready {
	if rn.awaitingAdvance {
		panic("raft: Ready called twice without Advance")
	}
	r := rn.raft
	rd := Ready{
		Entries:          r.raftLog.unstableEntries(),
		CommittedEntries: r.raftLog.nextCommittedEnts(),
		Messages:         dropStaleAcks(r.msgs, r.Term),
		ReadStates:       r.readStates,
	}
	if ss := r.softState(); ss != rn.prevSoftSt {
		changed := ss // only a change escapes to the heap
		rd.SoftState = &changed
		rn.prevSoftSt = ss
	}
	hs := r.hardState()
	if r.raftLog.hasNextUnstableSnapshot() {
		rd.Snapshot = *r.raftLog.nextUnstableSnapshot()
	}
	rd.MustSync = len(rd.Entries) > 0 || !rd.Snapshot.IsEmpty() ||
		hs.Term != rn.prevHardSt.Term || hs.Vote != rn.prevHardSt.Vote
	if hs != rn.prevHardSt || rd.MustSync {
		// A synced write always carries the latest commit index, even if
		// unchanged since a lazy (unsynced) write of it. Configurations
		// take effect on apply, which is safe only if a node that persists
		// a conf change durably knows every earlier one is committed (the
		// leader proposes a change only after applying the previous one,
		// and the append carrying it carries that commit index).
		// Otherwise a node could restart, forget, and campaign under a
		// configuration two changes old; the simulator found this.
		rd.HardState = hs
	}
	rn.prevHardSt = hs
	r.msgs = nil
	r.readStates = nil
	clear(r.queuedApp)
	if n := len(rd.CommittedEntries); n > 0 {
		r.raftLog.acceptApplying(rd.CommittedEntries[n-1].Index, entsSize(rd.CommittedEntries))
		// Committed entries no longer count against the uncommitted limit.
		r.reduceUncommittedSize(payloadsSize(rd.CommittedEntries))
	}
	rn.awaitingAdvance = true
	return rd
}

// dropStaleAcks removes append acknowledgements queued in an earlier term.
// An acknowledgement promises that entries are durable once this Ready is
// persisted; if the term changed since it was queued, a newer leader may
// have rewritten those entries before they were persisted, so the promise
// would be false. The leader it was meant for is deposed anyway.
func dropStaleAcks(msgs []pb.Message, term uint64) []pb.Message {
	kept := msgs[:0]
	for _, m := range msgs {
		if m.Type == pb.MsgAppResp && !m.Reject && m.Term < term {
			continue
		}
		kept = append(kept, m)
	}
	return kept
}

// Advance tells the node that rd was handled: its entries and hard state
// are durable, its messages sent and its committed entries applied.
func (rn *RawNode) Advance(rd Ready) {
	if !rn.awaitingAdvance {
		panic("raft: Advance called without Ready")
	}
	rn.awaitingAdvance = false
	r := rn.raft
	if n := len(rd.Entries); n > 0 {
		last := rd.Entries[n-1]
		r.raftLog.stableTo(last.Index, last.Term)
	}
	if !rd.Snapshot.IsEmpty() {
		r.appliedSnap(&rd.Snapshot)
	}
	if n := len(rd.CommittedEntries); n > 0 {
		r.appliedTo(rd.CommittedEntries[n-1].Index, entsSize(rd.CommittedEntries))
	}
}

// Status returns the node's current state, with a copy of every peer's
// progress when it is the leader.
func (rn *RawNode) Status() Status {
	s := Status{BasicStatus: rn.BasicStatus(), Config: rn.raft.trk.Config.Clone()}
	if s.RaftState == StateLeader {
		s.Progress = make(map[uint64]tracker.Progress, len(rn.raft.trk.Progress))
		rn.raft.trk.Visit(func(id uint64, pr *tracker.Progress) {
			p := *pr
			p.Inflights = pr.Inflights.Clone()
			s.Progress[id] = p
		})
	}
	return s
}

// BasicStatus returns the node's state without allocating.
func (rn *RawNode) BasicStatus() BasicStatus {
	r := rn.raft
	return BasicStatus{
		ID:             r.id,
		HardState:      r.hardState(),
		SoftState:      r.softState(),
		Applied:        r.raftLog.applied,
		LeadTransferee: r.leadTransferee,
		LeaseValid:     r.hasLease(),
	}
}

// Status describes a node for monitoring and tests.
type Status struct {
	BasicStatus
	Config   tracker.Config
	Progress map[uint64]tracker.Progress
}

// BasicStatus is the allocation-free part of Status.
type BasicStatus struct {
	ID uint64
	pb.HardState
	SoftState
	Applied        uint64
	LeadTransferee uint64
	// LeaseValid reports whether the leader holds a read lease now.
	LeaseValid bool
}

func (s Status) String() string {
	return fmt.Sprintf("id=%d term=%d vote=%d commit=%d applied=%d lead=%d state=%s",
		s.ID, s.Term, s.Vote, s.Commit, s.Applied, s.Lead, s.RaftState)
}
