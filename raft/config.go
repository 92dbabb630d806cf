package raft

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
)

// None is a placeholder node ID used when there is no leader or no vote.
const None uint64 = 0

// noLimit disables a size limit.
const noLimit = math.MaxUint64

// ReadOnlyOption selects how ReadIndex requests are served.
type ReadOnlyOption int

const (
	// ReadOnlySafe confirms leadership with a quorum heartbeat round issued
	// after each request. It does not depend on clocks.
	ReadOnlySafe ReadOnlyOption = iota
	// ReadOnlyLeaseBased answers at once while the leader holds a lease: a
	// quorum acknowledged a heartbeat sent less than ElectionTick -
	// LeaseDriftTicks ticks ago, and no leadership transfer began in this
	// term. Without a lease it falls back to ReadOnlySafe. Safe only while
	// clocks advance at nearly the same rate on all nodes (the drift margin
	// absorbs the difference); requires CheckQuorum.
	ReadOnlyLeaseBased
)

func (o ReadOnlyOption) String() string {
	switch o {
	case ReadOnlySafe:
		return "safe"
	case ReadOnlyLeaseBased:
		return "lease"
	}
	return fmt.Sprintf("ReadOnlyOption(%d)", int(o))
}

// Config configures a raft node. The zero value of every optional field is a
// sensible production default; Validate (called by NewRawNode) rejects
// contradictions with a clear error.
type Config struct {
	// ID identifies the node; it must not be zero.
	ID uint64

	// ElectionTick is the number of ticks a follower waits without hearing
	// from a leader before it campaigns. The actual timeout is drawn at
	// random from [ElectionTick, 2*ElectionTick) each time a node becomes
	// follower or candidate. It must be greater than HeartbeatTick; ten
	// times is a good ratio.
	ElectionTick int
	// HeartbeatTick is the number of ticks between leader heartbeats.
	HeartbeatTick int

	// Storage is the node's durable log, read by the core; the application
	// writes to it while handling a Ready. Required.
	Storage Storage
	// Applied is the index of the last entry the state machine applied
	// before a restart. Entries up to it are never handed out again.
	Applied uint64

	// MaxSizePerMsg caps the bytes of entries in one append message. Zero
	// means one entry per message; math.MaxUint64 means no limit. An
	// oversized single entry is still sent alone.
	MaxSizePerMsg uint64
	// MaxCommittedSizePerReady caps the bytes of committed entries handed
	// to the application but not yet applied. Zero means MaxSizePerMsg.
	MaxCommittedSizePerReady uint64
	// MaxUncommittedEntriesSize caps the bytes of payload a leader accepts
	// beyond its commit index; proposals past it fail with
	// ErrProposalDropped. Zero means no limit.
	MaxUncommittedEntriesSize uint64
	// MaxInflightMsgs caps the append messages in flight to one follower.
	// Zero means 256.
	MaxInflightMsgs int
	// MaxInflightBytes caps the bytes of entries in flight to one follower.
	// Zero means no limit; otherwise it must be at least MaxSizePerMsg.
	MaxInflightBytes uint64

	// DisablePreVote turns off the pre-vote phase (Raft thesis §9.6), which
	// is on by default: a node first asks whether it could win before it
	// increments its term, so a node rejoining after a partition does not
	// disrupt a healthy leader.
	DisablePreVote bool
	// DisableCheckQuorum turns off CheckQuorum, which is on by default: a
	// leader that has not heard from a quorum for an election timeout
	// steps down, and followers that heard from a leader within an election
	// timeout refuse to vote for others.
	DisableCheckQuorum bool

	// ReadOnlyOption selects how ReadIndex is served (default ReadOnlySafe).
	ReadOnlyOption ReadOnlyOption
	// LeaseDriftTicks is the safety margin subtracted from the lease for
	// clock drift between nodes. Zero means max(1, ElectionTick/10). It
	// must be smaller than ElectionTick.
	LeaseDriftTicks int

	// DisableProposalForwarding makes followers drop proposals instead of
	// forwarding them to the leader.
	DisableProposalForwarding bool

	// RandomSeed seeds the randomized election timeout. Zero derives the
	// seed from ID, which keeps runs deterministic and timeouts distinct.
	RandomSeed uint64

	// Logger receives the node's rare diagnostic events (elections, step
	// downs, snapshots). Nil discards them.
	Logger *slog.Logger

	// bugs plants known bugs for tests that prove the simulator can fail.
	bugs plantedBugs
}

// plantedBugs are deliberate protocol violations, settable only from tests.
type plantedBugs struct {
	// countVoteTwice counts a granted vote twice.
	countVoteTwice bool
	// commitPreviousTerm commits entries of earlier terms by counting
	// replicas, ignoring the Figure 8 rule.
	commitPreviousTerm bool
}

// ErrInvalidConfig wraps every configuration error.
var ErrInvalidConfig = errors.New("raft: invalid config")

// Validate checks c and fills in defaults for zero values.
func (c *Config) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: %s", ErrInvalidConfig, fmt.Sprintf(format, args...))
	}
	if c.ID == None {
		return bad("ID must not be zero")
	}
	if c.HeartbeatTick <= 0 {
		return bad("HeartbeatTick must be greater than 0, got %d", c.HeartbeatTick)
	}
	if c.ElectionTick <= c.HeartbeatTick {
		return bad("ElectionTick (%d) must be greater than HeartbeatTick (%d)", c.ElectionTick, c.HeartbeatTick)
	}
	if c.Storage == nil {
		return bad("Storage is required")
	}
	if c.MaxInflightMsgs < 0 {
		return bad("MaxInflightMsgs must not be negative, got %d", c.MaxInflightMsgs)
	}
	if c.MaxInflightMsgs == 0 {
		c.MaxInflightMsgs = 256
	}
	if c.MaxCommittedSizePerReady == 0 {
		c.MaxCommittedSizePerReady = c.MaxSizePerMsg
	}
	if c.MaxCommittedSizePerReady == 0 {
		// One entry at a time would make applying needlessly slow; a
		// zero MaxSizePerMsg is about message framing, not apply batches.
		c.MaxCommittedSizePerReady = noLimit
	}
	if c.MaxUncommittedEntriesSize == 0 {
		c.MaxUncommittedEntriesSize = noLimit
	}
	if c.MaxInflightBytes != 0 && c.MaxInflightBytes < c.MaxSizePerMsg {
		return bad("MaxInflightBytes (%d) must be at least MaxSizePerMsg (%d)", c.MaxInflightBytes, c.MaxSizePerMsg)
	}
	switch c.ReadOnlyOption {
	case ReadOnlySafe:
	case ReadOnlyLeaseBased:
		if c.DisableCheckQuorum {
			return bad("ReadOnlyLeaseBased requires CheckQuorum")
		}
	default:
		return bad("unknown ReadOnlyOption %d", int(c.ReadOnlyOption))
	}
	if c.LeaseDriftTicks < 0 {
		return bad("LeaseDriftTicks must not be negative, got %d", c.LeaseDriftTicks)
	}
	if c.LeaseDriftTicks == 0 {
		c.LeaseDriftTicks = max(1, c.ElectionTick/10)
	}
	if c.LeaseDriftTicks >= c.ElectionTick {
		return bad("LeaseDriftTicks (%d) must be smaller than ElectionTick (%d)", c.LeaseDriftTicks, c.ElectionTick)
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}
