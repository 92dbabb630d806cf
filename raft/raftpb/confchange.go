package raftpb

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// ConfChangeType is one atomic membership operation on a node.
type ConfChangeType uint8

const (
	// AddNode adds a voter, or promotes a learner to voter.
	AddNode ConfChangeType = iota
	// RemoveNode removes a voter or learner.
	RemoveNode
	// AddLearnerNode adds a learner, or demotes a voter to learner.
	AddLearnerNode
)

func (t ConfChangeType) String() string {
	switch t {
	case AddNode:
		return "AddNode"
	case RemoveNode:
		return "RemoveNode"
	case AddLearnerNode:
		return "AddLearnerNode"
	}
	return fmt.Sprintf("ConfChangeType(%d)", uint8(t))
}

// ConfChangeTransition says how a ConfChangeV2 moves between configurations.
type ConfChangeTransition uint8

const (
	// ConfChangeTransitionAuto uses a simple one-step change when it is
	// safe (at most one voter changes), otherwise joint consensus with
	// automatic leave.
	ConfChangeTransitionAuto ConfChangeTransition = iota
	// ConfChangeTransitionJointImplicit always uses joint consensus and
	// leaves it automatically.
	ConfChangeTransitionJointImplicit
	// ConfChangeTransitionJointExplicit always uses joint consensus and
	// stays joint until the application proposes an empty ConfChangeV2.
	ConfChangeTransitionJointExplicit
)

// ConfChangeSingle is one operation inside a ConfChangeV2.
type ConfChangeSingle struct {
	Type   ConfChangeType
	NodeID uint64
}

// ConfChangeV2 changes membership. An empty Changes list leaves a joint
// configuration.
type ConfChangeV2 struct {
	Transition ConfChangeTransition
	Changes    []ConfChangeSingle
	Context    []byte
}

// EnterJoint reports whether applying c enters a joint configuration, and
// if so whether that configuration is left automatically.
func (c ConfChangeV2) EnterJoint() (autoLeave bool, ok bool) {
	if c.Transition != ConfChangeTransitionAuto || len(c.Changes) > 1 {
		switch c.Transition {
		case ConfChangeTransitionAuto, ConfChangeTransitionJointImplicit:
			autoLeave = true
		case ConfChangeTransitionJointExplicit:
		default:
			panic(fmt.Sprintf("unknown transition: %d", c.Transition))
		}
		return autoLeave, true
	}
	return false, false
}

// LeaveJoint reports whether c is the empty change that leaves a joint
// configuration.
func (c ConfChangeV2) LeaveJoint() bool {
	return len(c.Changes) == 0 && c.Transition == ConfChangeTransitionAuto && len(c.Context) == 0
}

func (c ConfChangeV2) String() string {
	var b strings.Builder
	for i, ch := range c.Changes {
		if i > 0 {
			b.WriteByte(' ')
		}
		switch ch.Type {
		case AddNode:
			fmt.Fprintf(&b, "v%d", ch.NodeID)
		case RemoveNode:
			fmt.Fprintf(&b, "r%d", ch.NodeID)
		case AddLearnerNode:
			fmt.Fprintf(&b, "l%d", ch.NodeID)
		default:
			fmt.Fprintf(&b, "unknown%d", ch.NodeID)
		}
	}
	return b.String()
}

const confChangeVersion = 1

// ErrMalformedConfChange is returned when bytes do not decode to a ConfChangeV2.
var ErrMalformedConfChange = errors.New("raftpb: malformed conf change")

// Marshal encodes c as: version byte, transition byte, uvarint change count,
// (type byte, uvarint node id) per change, uvarint context length, context.
func (c ConfChangeV2) Marshal() []byte {
	buf := make([]byte, 0, 3+len(c.Changes)*(1+binary.MaxVarintLen64)+binary.MaxVarintLen64+len(c.Context))
	buf = append(buf, confChangeVersion, byte(c.Transition))
	buf = binary.AppendUvarint(buf, uint64(len(c.Changes)))
	for _, ch := range c.Changes {
		buf = append(buf, byte(ch.Type))
		buf = binary.AppendUvarint(buf, ch.NodeID)
	}
	buf = binary.AppendUvarint(buf, uint64(len(c.Context)))
	return append(buf, c.Context...)
}

// Unmarshal decodes data produced by Marshal. It never panics: entries can
// arrive from the network, so every length is checked.
func (c *ConfChangeV2) Unmarshal(data []byte) error {
	if len(data) < 2 || data[0] != confChangeVersion {
		return fmt.Errorf("%w: bad header", ErrMalformedConfChange)
	}
	tr := ConfChangeTransition(data[1])
	if tr > ConfChangeTransitionJointExplicit {
		return fmt.Errorf("%w: unknown transition %d", ErrMalformedConfChange, tr)
	}
	rest := data[2:]
	n, k := binary.Uvarint(rest)
	if k <= 0 || n > uint64(len(rest)) {
		return fmt.Errorf("%w: bad change count", ErrMalformedConfChange)
	}
	rest = rest[k:]
	var changes []ConfChangeSingle
	if n > 0 {
		changes = make([]ConfChangeSingle, 0, n)
	}
	for i := uint64(0); i < n; i++ {
		if len(rest) < 1 {
			return fmt.Errorf("%w: truncated change", ErrMalformedConfChange)
		}
		typ := ConfChangeType(rest[0])
		if typ > AddLearnerNode {
			return fmt.Errorf("%w: unknown change type %d", ErrMalformedConfChange, typ)
		}
		id, k := binary.Uvarint(rest[1:])
		if k <= 0 {
			return fmt.Errorf("%w: bad node id", ErrMalformedConfChange)
		}
		rest = rest[1+k:]
		changes = append(changes, ConfChangeSingle{Type: typ, NodeID: id})
	}
	clen, k := binary.Uvarint(rest)
	if k <= 0 || clen != uint64(len(rest)-k) {
		return fmt.Errorf("%w: bad context length", ErrMalformedConfChange)
	}
	var ctx []byte
	if clen > 0 {
		ctx = append([]byte(nil), rest[k:]...)
	}
	*c = ConfChangeV2{Transition: tr, Changes: changes, Context: ctx}
	return nil
}
