package raft

import (
	"errors"
	"fmt"
	"math"

	pb "sqlraft/raft/raftpb"
)

// ErrInvalidMessage wraps every reason a message from the network is
// refused. Such a message changes nothing.
var ErrInvalidMessage = errors.New("raft: invalid message")

// validateMessage checks the shape of a message received from the network,
// so that garbage is refused instead of corrupting state or crashing the
// node. It does not judge the message against the node's state; Step does.
func validateMessage(self uint64, m *pb.Message) error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrInvalidMessage, m.Type, fmt.Sprintf(format, args...))
	}
	if !m.Type.Valid() {
		return fmt.Errorf("%w: unknown message type %d", ErrInvalidMessage, uint8(m.Type))
	}
	if m.To != self {
		return bad("addressed to %d, not %d", m.To, self)
	}
	if m.From == None {
		return bad("no sender")
	}
	switch m.Type {
	case pb.MsgProp, pb.MsgReadIndex, pb.MsgTransferLeader:
		// Forwarded requests carry no term, and name their originator in
		// From, which may be us: a request we forwarded can come back when
		// leadership moved to us meanwhile (for MsgTransferLeader, From is
		// the transferee).
	default:
		if m.Term == 0 {
			return bad("term 0")
		}
		if m.From == self {
			return bad("claims to come from ourselves")
		}
	}
	if m.LogTerm > m.Term && m.Term != 0 {
		return bad("log term %d beyond message term %d", m.LogTerm, m.Term)
	}
	switch m.Type {
	case pb.MsgApp:
		if uint64(len(m.Entries)) > math.MaxUint64-m.Index {
			return bad("entries overflow the index space")
		}
		prevTerm := m.LogTerm
		for i := range m.Entries {
			e := &m.Entries[i]
			if e.Index != m.Index+1+uint64(i) {
				return bad("entry %d has index %d, want %d", i, e.Index, m.Index+1+uint64(i))
			}
			if e.Term == 0 || e.Term < prevTerm || e.Term > m.Term {
				return bad("entry %d has term %d (previous %d, message %d)", e.Index, e.Term, prevTerm, m.Term)
			}
			if e.Type > pb.EntryConfChangeV2 {
				return bad("entry %d has unknown type %d", e.Index, e.Type)
			}
			prevTerm = e.Term
		}
	case pb.MsgProp:
		if len(m.Entries) == 0 {
			return bad("no entries")
		}
		for i := range m.Entries {
			if m.Entries[i].Type > pb.EntryConfChangeV2 {
				return bad("entry %d has unknown type %d", i, m.Entries[i].Type)
			}
		}
	case pb.MsgSnap:
		s := m.Snapshot
		if s == nil || s.Metadata.Index == 0 || s.Metadata.Term == 0 {
			return bad("missing or empty snapshot")
		}
		if s.Metadata.Term > m.Term {
			return bad("snapshot term %d beyond message term %d", s.Metadata.Term, m.Term)
		}
	default:
		if len(m.Entries) > 0 {
			return bad("unexpected entries")
		}
	}
	return nil
}
