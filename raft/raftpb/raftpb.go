package raftpb

import "fmt"

// EntryType says how the state machine must interpret an Entry's Data.
type EntryType uint8

const (
	// EntryNormal carries application data (empty Data is the leader's no-op).
	EntryNormal EntryType = iota
	// EntryConfChangeV2 carries a marshalled ConfChangeV2.
	EntryConfChangeV2
)

func (t EntryType) String() string {
	switch t {
	case EntryNormal:
		return "EntryNormal"
	case EntryConfChangeV2:
		return "EntryConfChangeV2"
	}
	return fmt.Sprintf("EntryType(%d)", uint8(t))
}

// Entry is one record of the replicated log.
type Entry struct {
	Term  uint64
	Index uint64
	Type  EntryType
	Data  []byte
}

// entryOverhead approximates the fixed encoded size of an entry (term,
// index, type, length prefix) so that size limits account for empty entries.
const entryOverhead = 24

// Size is the approximate encoded size of the entry, used for the
// MaxSizePerMsg, MaxInflightBytes and MaxCommittedSizePerReady limits.
func (e *Entry) Size() int { return entryOverhead + len(e.Data) }

// PayloadSize is the size of the application payload, used for the
// MaxUncommittedEntriesSize limit. The leader's empty no-op costs nothing, so
// a new leader can always append it.
func (e *Entry) PayloadSize() int { return len(e.Data) }

// MessageType identifies a Message. Local messages (MsgHup, MsgBeat,
// MsgUnreachable, MsgSnapStatus, MsgCheckQuorum) never cross the network.
type MessageType uint8

const (
	MsgHup MessageType = iota
	MsgBeat
	MsgProp
	MsgApp
	MsgAppResp
	MsgVote
	MsgVoteResp
	MsgSnap
	MsgHeartbeat
	MsgHeartbeatResp
	MsgUnreachable
	MsgSnapStatus
	MsgCheckQuorum
	MsgTransferLeader
	MsgTimeoutNow
	MsgReadIndex
	MsgReadIndexResp
	MsgPreVote
	MsgPreVoteResp
	numMessageTypes
)

var messageTypeNames = [...]string{
	MsgHup:            "MsgHup",
	MsgBeat:           "MsgBeat",
	MsgProp:           "MsgProp",
	MsgApp:            "MsgApp",
	MsgAppResp:        "MsgAppResp",
	MsgVote:           "MsgVote",
	MsgVoteResp:       "MsgVoteResp",
	MsgSnap:           "MsgSnap",
	MsgHeartbeat:      "MsgHeartbeat",
	MsgHeartbeatResp:  "MsgHeartbeatResp",
	MsgUnreachable:    "MsgUnreachable",
	MsgSnapStatus:     "MsgSnapStatus",
	MsgCheckQuorum:    "MsgCheckQuorum",
	MsgTransferLeader: "MsgTransferLeader",
	MsgTimeoutNow:     "MsgTimeoutNow",
	MsgReadIndex:      "MsgReadIndex",
	MsgReadIndexResp:  "MsgReadIndexResp",
	MsgPreVote:        "MsgPreVote",
	MsgPreVoteResp:    "MsgPreVoteResp",
}

func (t MessageType) String() string {
	if t < numMessageTypes {
		return messageTypeNames[t]
	}
	return fmt.Sprintf("MessageType(%d)", uint8(t))
}

// Valid reports whether t is a known message type.
func (t MessageType) Valid() bool { return t < numMessageTypes }

// IsLocal reports whether messages of this type are generated only inside a
// node and must be refused when they arrive from the network.
func (t MessageType) IsLocal() bool {
	switch t {
	case MsgHup, MsgBeat, MsgUnreachable, MsgSnapStatus, MsgCheckQuorum:
		return true
	}
	return false
}

// IsResponse reports whether t answers another message.
func (t MessageType) IsResponse() bool {
	switch t {
	case MsgAppResp, MsgVoteResp, MsgHeartbeatResp, MsgUnreachable, MsgReadIndexResp, MsgPreVoteResp:
		return true
	}
	return false
}

// VoteResponseType is the response type for a vote request type.
func VoteResponseType(t MessageType) MessageType {
	switch t {
	case MsgVote:
		return MsgVoteResp
	case MsgPreVote:
		return MsgPreVoteResp
	}
	panic(fmt.Sprintf("not a vote message: %s", t))
}

// Message is the unit of communication between raft nodes, and between the
// application and its local node.
type Message struct {
	Type MessageType
	To   uint64
	From uint64
	Term uint64
	// LogTerm is the term of the entry at Index: the entry preceding
	// Entries in MsgApp, the candidate's last entry in votes, and the
	// follower's term at RejectHint in a rejecting MsgAppResp.
	LogTerm uint64
	Index   uint64
	Entries []Entry
	Commit  uint64
	// Seq numbers heartbeat rounds; a heartbeat response echoes it so the
	// leader can confirm ReadIndex requests and leases issued before it.
	Seq      uint64
	Snapshot *Snapshot
	Reject   bool
	// RejectHint is the follower's best guess of the last index its log
	// might share with the leader.
	RejectHint uint64
	// Context carries the application's ReadIndex request context, or
	// marks a campaign caused by leadership transfer.
	Context []byte
}

func (m Message) String() string {
	s := fmt.Sprintf("%s %d->%d term=%d logterm=%d index=%d commit=%d", m.Type, m.From, m.To, m.Term, m.LogTerm, m.Index, m.Commit)
	if m.Reject {
		s += fmt.Sprintf(" reject hint=%d", m.RejectHint)
	}
	if m.Seq != 0 {
		s += fmt.Sprintf(" seq=%d", m.Seq)
	}
	if len(m.Entries) > 0 {
		s += fmt.Sprintf(" entries=[%d..%d]", m.Entries[0].Index, m.Entries[len(m.Entries)-1].Index)
	}
	if m.Snapshot != nil {
		s += fmt.Sprintf(" snap=%d/%d", m.Snapshot.Metadata.Index, m.Snapshot.Metadata.Term)
	}
	return s
}

// HardState is the part of a node's state that must be durable before the
// messages that depend on it are sent.
type HardState struct {
	Term   uint64
	Vote   uint64
	Commit uint64
}

// IsEmpty reports whether h is the zero HardState.
func (h HardState) IsEmpty() bool { return h == HardState{} }

// ConfState is the membership configuration at some log index.
type ConfState struct {
	Voters []uint64
	// Learners receive the log but do not vote.
	Learners []uint64
	// VotersOutgoing is non-empty exactly while in a joint configuration.
	VotersOutgoing []uint64
	// LearnersNext are voters of the outgoing configuration that become
	// learners when the joint configuration is left.
	LearnersNext []uint64
	// AutoLeave makes the leader propose leaving the joint configuration
	// as soon as it is applied.
	AutoLeave bool
}

// Equivalent reports whether two ConfStates describe the same configuration,
// ignoring the order of IDs.
func (cs ConfState) Equivalent(other ConfState) error {
	eq := func(a, b []uint64) bool {
		if len(a) != len(b) {
			return false
		}
		seen := make(map[uint64]int, len(a))
		for _, id := range a {
			seen[id]++
		}
		for _, id := range b {
			if seen[id] == 0 {
				return false
			}
			seen[id]--
		}
		return true
	}
	if !eq(cs.Voters, other.Voters) || !eq(cs.Learners, other.Learners) ||
		!eq(cs.VotersOutgoing, other.VotersOutgoing) || !eq(cs.LearnersNext, other.LearnersNext) ||
		cs.AutoLeave != other.AutoLeave {
		return fmt.Errorf("ConfStates not equivalent:\n%+v\n%+v", cs, other)
	}
	return nil
}

// SnapshotMetadata locates a snapshot in the log.
type SnapshotMetadata struct {
	ConfState ConfState
	Index     uint64
	Term      uint64
}

// Snapshot is a state machine image covering the log up to Metadata.Index.
type Snapshot struct {
	Data     []byte
	Metadata SnapshotMetadata
}

// IsEmpty reports whether s holds no snapshot.
func (s *Snapshot) IsEmpty() bool { return s == nil || s.Metadata.Index == 0 }
