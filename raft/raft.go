package raft

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"

	"sqlraft/raft/confchange"
	pb "sqlraft/raft/raftpb"
	"sqlraft/raft/tracker"
)

// StateType is a node's role.
type StateType uint8

const (
	StateFollower StateType = iota
	StateCandidate
	StateLeader
	StatePreCandidate
)

func (s StateType) String() string {
	switch s {
	case StateFollower:
		return "StateFollower"
	case StateCandidate:
		return "StateCandidate"
	case StateLeader:
		return "StateLeader"
	case StatePreCandidate:
		return "StatePreCandidate"
	}
	return fmt.Sprintf("StateType(%d)", uint8(s))
}

// ErrProposalDropped is returned when a proposal is ignored: there is no
// leader, a leadership transfer is in progress, the uncommitted log is full,
// or the node was removed. The caller may retry.
var ErrProposalDropped = errors.New("raft proposal dropped")

// ErrNotLeader is returned by RawNode.ProposeLocal on a node that is not
// the leader.
var ErrNotLeader = errors.New("raft: not the leader")

// campaignType says why a node campaigns. campaignTransfer is also the
// Context of vote requests caused by a leadership transfer, which voters
// grant even while they believe a leader is alive.
type campaignType string

const (
	campaignPreElection campaignType = "CampaignPreElection"
	campaignElection    campaignType = "CampaignElection"
	campaignTransfer    campaignType = "CampaignTransfer"
)

type stepFunc func(r *raft, m pb.Message) error

// raft is the protocol state machine. It is driven by RawNode; every method
// runs on the caller's goroutine and performs no I/O.
type raft struct {
	id uint64

	Term uint64
	Vote uint64

	readStates []ReadState

	raftLog *raftLog

	maxMsgSize         uint64
	maxUncommittedSize uint64
	trk                tracker.ProgressTracker

	state StateType
	// isLearner is true if the local node is a learner.
	isLearner bool

	// msgs are sent once the Ready that carries them has been persisted.
	msgs []pb.Message
	// queuedApp maps a peer to the position in msgs of the last MsgApp
	// queued for it, so new entries can be merged into it (batching).
	queuedApp map[uint64]int

	lead uint64
	// leadTransferee is the target of a leadership transfer in progress.
	leadTransferee uint64
	// pendingConfIndex is the log index of the latest conf change that may
	// not be applied yet. Proposals of another change are refused until
	// the applied index passes it.
	pendingConfIndex uint64
	// uncommittedSize is the payload bytes appended by this leader but not
	// yet committed, bounded by maxUncommittedSize.
	uncommittedSize uint64

	readOnly *readOnly
	// pendingReadIndexMessages wait for the leader's first commit in its
	// term: before that its commit index may be stale.
	pendingReadIndexMessages []pb.Message

	// ticks counts every Tick since the node started; leases and the
	// post-restart vote guard are measured in it.
	ticks uint64

	electionElapsed  int
	heartbeatElapsed int

	checkQuorum bool
	preVote     bool

	heartbeatTimeout          int
	electionTimeout           int
	randomizedElectionTimeout int
	leaseDrift                int
	disableProposalForwarding bool

	tick func()
	step stepFunc

	rand   *rand.Rand
	logger *slog.Logger
	bugs   plantedBugs
}

func newRaft(c *Config) (*raft, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	raftLog, err := newLog(c.Storage, c.MaxCommittedSizePerReady)
	if err != nil {
		return nil, err
	}
	hs, cs, err := c.Storage.InitialState()
	if err != nil {
		return nil, fmt.Errorf("raft: read initial state: %w", err)
	}
	seed := c.RandomSeed
	if seed == 0 {
		seed = c.ID
	}
	r := &raft{
		id:                        c.ID,
		lead:                      None,
		isLearner:                 false,
		raftLog:                   raftLog,
		maxMsgSize:                c.MaxSizePerMsg,
		maxUncommittedSize:        c.MaxUncommittedEntriesSize,
		trk:                       tracker.MakeProgressTracker(c.MaxInflightMsgs, c.MaxInflightBytes),
		electionTimeout:           c.ElectionTick,
		heartbeatTimeout:          c.HeartbeatTick,
		leaseDrift:                c.LeaseDriftTicks,
		checkQuorum:               !c.DisableCheckQuorum,
		preVote:                   !c.DisablePreVote,
		readOnly:                  newReadOnly(c.ReadOnlyOption),
		disableProposalForwarding: c.DisableProposalForwarding,
		rand:                      rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)),
		logger:                    c.Logger.With("raft", c.ID),
		bugs:                      c.bugs,
	}
	cfg, progress, err := confchange.Restore(confchange.Changer{Tracker: r.trk, LastIndex: raftLog.lastIndex()}, cs)
	if err != nil {
		return nil, fmt.Errorf("raft: restore membership %+v: %w", cs, err)
	}
	if got := r.switchToConfig(cfg, progress); got.Equivalent(cs) != nil {
		return nil, fmt.Errorf("raft: restored membership %+v differs from stored %+v", got, cs)
	}
	if !hs.IsEmpty() {
		if err := r.loadState(hs); err != nil {
			return nil, err
		}
	}
	if c.Applied > 0 {
		if c.Applied > r.raftLog.lastIndex() {
			return nil, fmt.Errorf("%w: applied index %d is beyond the last log index %d", ErrLogInconsistent, c.Applied, r.raftLog.lastIndex())
		}
		if c.Applied > r.raftLog.committed {
			// Only committed entries are applied, but a commit-only
			// HardState change is written without fsync and may be lost
			// in a crash while the applied state survived.
			r.raftLog.committed = c.Applied
		}
		r.raftLog.appliedTo(c.Applied, 0)
	}
	r.becomeFollower(r.Term, None)
	r.logger.Debug("raft node started", "term", r.Term, "commit", r.raftLog.committed,
		"applied", r.raftLog.applied, "last_index", r.raftLog.lastIndex(), "last_term", r.raftLog.lastTerm())
	return r, nil
}

func (r *raft) hasLeader() bool { return r.lead != None }

func (r *raft) softState() SoftState { return SoftState{Lead: r.lead, RaftState: r.state} }

func (r *raft) hardState() pb.HardState {
	return pb.HardState{Term: r.Term, Vote: r.Vote, Commit: r.raftLog.committed}
}

// loadState restores a persisted HardState. A commit index beyond the log
// means entries the node had acknowledged were lost: refuse to start. One
// below the compaction point is fine: a commit-only change is written
// without fsync, while compacted entries were applied, hence committed.
func (r *raft) loadState(hs pb.HardState) error {
	if hs.Commit > r.raftLog.lastIndex() {
		return fmt.Errorf("%w: stored commit index %d is beyond the last log index %d: was the log corrupted, truncated or lost?",
			ErrLogInconsistent, hs.Commit, r.raftLog.lastIndex())
	}
	r.raftLog.committed = max(r.raftLog.committed, hs.Commit)
	r.Term = hs.Term
	r.Vote = hs.Vote
	return nil
}

// send queues m to be sent after the current Ready is persisted.
func (r *raft) send(m pb.Message) {
	if m.From == None {
		m.From = r.id
	}
	switch m.Type {
	case pb.MsgVote, pb.MsgVoteResp, pb.MsgPreVote, pb.MsgPreVoteResp:
		// Vote messages carry the term the vote is for, which for pre-votes
		// is the future term: it must be set by the caller.
		if m.Term == 0 {
			panic(fmt.Sprintf("term should be set when sending %s", m.Type))
		}
	case pb.MsgProp, pb.MsgReadIndex, pb.MsgTransferLeader:
		// Forwarded to the leader without a term: the leader accepts them
		// whatever term the forwarder is in.
	default:
		m.Term = r.Term
	}
	if r.msgs == nil {
		// The previous slice went to the application with a Ready; start
		// with room for a message per peer instead of growing one by one.
		r.msgs = make([]pb.Message, 0, max(4, len(r.trk.Progress)))
	}
	if m.Type == pb.MsgApp {
		if r.queuedApp == nil {
			r.queuedApp = make(map[uint64]int)
		}
		r.queuedApp[m.To] = len(r.msgs)
	}
	r.msgs = append(r.msgs, m)
}

func (r *raft) reset(term uint64) {
	if r.Term != term {
		r.Term = term
		r.Vote = None
	}
	r.lead = None
	r.electionElapsed = 0
	r.heartbeatElapsed = 0
	r.resetRandomizedElectionTimeout()
	r.abortLeaderTransfer()
	r.trk.ResetVotes()
	last := r.raftLog.lastIndex()
	r.trk.Visit(func(id uint64, pr *tracker.Progress) {
		*pr = tracker.Progress{
			Match:     0,
			Next:      last + 1,
			Inflights: tracker.NewInflights(r.trk.MaxInflight, r.trk.MaxInflightBytes),
			IsLearner: pr.IsLearner,
		}
		if id == r.id {
			pr.Match = last
		}
	})
	r.pendingConfIndex = 0
	r.uncommittedSize = 0
	r.readOnly.reset()
	r.pendingReadIndexMessages = nil
}

func (r *raft) resetRandomizedElectionTimeout() {
	r.randomizedElectionTimeout = r.electionTimeout + r.rand.IntN(r.electionTimeout)
}

func (r *raft) pastElectionTimeout() bool {
	return r.electionElapsed >= r.randomizedElectionTimeout
}

// promotable reports whether this node may campaign: it is a voter and no
// snapshot is waiting to be persisted.
func (r *raft) promotable() bool {
	pr := r.trk.Progress[r.id]
	return pr != nil && !pr.IsLearner && !r.raftLog.hasNextUnstableSnapshot()
}

func (r *raft) becomeFollower(term, lead uint64) {
	r.step = stepFollower
	r.reset(term)
	r.tick = r.tickElection
	r.lead = lead
	r.state = StateFollower
}

func (r *raft) becomeCandidate() {
	if r.state == StateLeader {
		panic("raft: invalid transition [leader -> candidate]")
	}
	r.step = stepCandidate
	r.reset(r.Term + 1)
	r.tick = r.tickElection
	r.Vote = r.id
	r.state = StateCandidate
	r.logger.Debug("became candidate", "term", r.Term)
}

func (r *raft) becomePreCandidate() {
	if r.state == StateLeader {
		panic("raft: invalid transition [leader -> pre-candidate]")
	}
	// A pre-candidate changes neither term nor vote: a failed pre-vote
	// leaves no trace, which is the point of pre-voting.
	r.step = stepCandidate
	r.trk.ResetVotes()
	r.tick = r.tickElection
	r.lead = None
	r.state = StatePreCandidate
}

func (r *raft) becomeLeader() {
	if r.state == StateFollower {
		panic("raft: invalid transition [follower -> leader]")
	}
	r.step = stepLeader
	r.reset(r.Term)
	r.tick = r.tickHeartbeat
	r.lead = r.id
	r.state = StateLeader
	pr := r.trk.Progress[r.id]
	pr.BecomeReplicate()
	pr.RecentActive = true
	// Any conf change in the uncommitted tail may still be pending; treat
	// the whole tail as such.
	r.pendingConfIndex = r.raftLog.lastIndex()
	// The no-op lets the leader commit entries of earlier terms (Figure 8)
	// and learn the commit index before serving reads.
	if !r.appendEntry(pb.Entry{}) {
		panic("raft: empty entry was dropped")
	}
	r.logger.Info("became leader", "term", r.Term)
}

// Tick advances the node's logical clock by one tick.
func (r *raft) Tick() {
	r.ticks++
	r.tick()
}

func (r *raft) tickElection() {
	r.electionElapsed++
	if r.promotable() && r.pastElectionTimeout() {
		r.electionElapsed = 0
		if err := r.Step(pb.Message{From: r.id, Type: pb.MsgHup}); err != nil {
			r.logger.Debug("error on election tick", "err", err)
		}
	}
}

func (r *raft) tickHeartbeat() {
	r.heartbeatElapsed++
	r.electionElapsed++
	if r.electionElapsed >= r.electionTimeout {
		r.electionElapsed = 0
		if r.checkQuorum {
			if err := r.Step(pb.Message{From: r.id, Type: pb.MsgCheckQuorum}); err != nil {
				r.logger.Debug("error on check quorum", "err", err)
			}
		}
		// A transfer that did not complete within an election timeout is
		// abandoned so the leader accepts proposals again.
		if r.state == StateLeader && r.leadTransferee != None {
			r.abortLeaderTransfer()
		}
	}
	if r.state != StateLeader {
		return
	}
	if r.heartbeatElapsed >= r.heartbeatTimeout {
		r.heartbeatElapsed = 0
		if err := r.Step(pb.Message{From: r.id, Type: pb.MsgBeat}); err != nil {
			r.logger.Debug("error on heartbeat", "err", err)
		}
	}
}

// inLease reports whether this node believes a leader is alive, in which
// case (with CheckQuorum) it refuses to help elect another. With lease reads
// a restarted node also refuses for its first election timeout, because it
// cannot know whether it acknowledged a lease just before it went down.
func (r *raft) inLease() bool {
	if !r.checkQuorum {
		return false
	}
	if r.lead != None && r.electionElapsed < r.electionTimeout {
		return true
	}
	return r.readOnly.option == ReadOnlyLeaseBased && r.ticks < uint64(r.electionTimeout)
}

// Step advances the state machine with one message. Messages with a newer
// term demote the node; messages with an older term are answered (so the
// stale sender learns the term) or ignored.
func (r *raft) Step(m pb.Message) error {
	switch {
	case m.Term == 0:
		// local message
	case m.Term > r.Term:
		if m.Type == pb.MsgVote || m.Type == pb.MsgPreVote {
			force := string(m.Context) == string(campaignTransfer)
			if !force && r.inLease() {
				// A leader is alive as far as we know: do not let a
				// node that merely lost touch with it depose it.
				return nil
			}
		}
		switch {
		case m.Type == pb.MsgPreVote:
			// A pre-vote never changes our term.
		case m.Type == pb.MsgPreVoteResp && !m.Reject:
			// A granted pre-vote carries the term we will campaign
			// in; we are not in it yet.
		default:
			if m.Type == pb.MsgApp || m.Type == pb.MsgHeartbeat || m.Type == pb.MsgSnap {
				r.becomeFollower(m.Term, m.From)
			} else {
				r.becomeFollower(m.Term, None)
			}
		}
	case m.Term < r.Term:
		switch m.Type {
		case pb.MsgApp, pb.MsgHeartbeat:
			// A deposed leader learns the newer term from this answer.
			// Without it, a node partitioned with an inflated term that
			// rejoins (and is ignored under CheckQuorum/PreVote) would
			// never hear of the leader's term.
			r.send(pb.Message{To: m.From, Type: pb.MsgAppResp})
		case pb.MsgPreVote:
			r.send(pb.Message{To: m.From, Term: r.Term, Type: pb.MsgPreVoteResp, Reject: true})
		case pb.MsgVote:
			r.send(pb.Message{To: m.From, Term: r.Term, Type: pb.MsgVoteResp, Reject: true})
		}
		return nil
	}

	switch m.Type {
	case pb.MsgHup:
		if r.preVote {
			r.hup(campaignPreElection)
		} else {
			r.hup(campaignElection)
		}
	case pb.MsgVote, pb.MsgPreVote:
		r.handleVoteRequest(m)
	default:
		return r.step(r, m)
	}
	return nil
}
