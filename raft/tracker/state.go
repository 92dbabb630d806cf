package tracker

import "strconv"

// StateType is the replication state of one follower, as seen by the leader.
type StateType uint8

const (
	// StateProbe: the leader does not know where the follower's log diverges
	// and sends at most one append per heartbeat interval until it finds out.
	StateProbe StateType = iota
	// StateReplicate: the follower's log is known to match, so the leader
	// streams entries optimistically, bounded by Inflights.
	StateReplicate
	// StateSnapshot: the follower needs entries the leader has compacted
	// away; appends stop until a snapshot brings it back.
	StateSnapshot
)

func (st StateType) String() string {
	switch st {
	case StateProbe:
		return "StateProbe"
	case StateReplicate:
		return "StateReplicate"
	case StateSnapshot:
		return "StateSnapshot"
	}
	return "StateType(" + strconv.Itoa(int(st)) + ")"
}
