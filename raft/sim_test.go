package raft

import (
	"container/heap"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"

	pb "sqlraft/raft/raftpb"
)

// The simulator runs a whole cluster of RawNodes in one goroutine, driven by
// a seeded PRNG: message drop, delay, reorder and duplication, symmetric
// and one-way partitions, crashes that lose whatever was not yet persisted,
// restarts, membership changes, leadership transfers, compaction, proposals
// and reads. After every event it checks the Raft safety properties. The
// same seed replays the same run exactly.

// simOptions are derived from the seed, so a seed alone reproduces a run.
type simOptions struct {
	seed          uint64
	nodes         int
	events        int
	preVote       bool
	checkQuorum   bool
	readOnly      ReadOnlyOption
	maxSizePerMsg uint64
	maxInflight   int
	dropRate      float64
	dupRate       float64
	longDelayRate float64
	bugs          plantedBugs
}

func (o simOptions) String() string {
	return fmt.Sprintf("seed=%d nodes=%d events=%d prevote=%v checkquorum=%v read=%s maxmsg=%d inflight=%d drop=%.2f dup=%.2f",
		o.seed, o.nodes, o.events, o.preVote, o.checkQuorum, o.readOnly, o.maxSizePerMsg, o.maxInflight, o.dropRate, o.dupRate)
}

func deriveSimOptions(seed uint64, events int) simOptions {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	o := simOptions{
		seed:          seed,
		nodes:         3 + 2*rng.IntN(2),
		events:        events,
		preVote:       rng.IntN(4) != 0,
		checkQuorum:   rng.IntN(4) != 0,
		maxSizePerMsg: []uint64{0, 64, 1024, noLimit}[rng.IntN(4)],
		maxInflight:   []int{1, 4, 256}[rng.IntN(3)],
		dropRate:      []float64{0, 0.02, 0.1}[rng.IntN(3)],
		dupRate:       []float64{0, 0.02, 0.1}[rng.IntN(3)],
		longDelayRate: []float64{0, 0.02, 0.05}[rng.IntN(3)],
	}
	if o.checkQuorum && rng.IntN(2) == 0 {
		o.readOnly = ReadOnlyLeaseBased
	}
	return o
}

const (
	simElectionTick  = 10
	simHeartbeatTick = 1
	// simTickTime is the simulated time between ticks; message delays are
	// measured in the same unit.
	simTickTime = 10
)

// simNode is one cluster member: its durable storage survives crashes, its
// RawNode and state machine do not.
type simNode struct {
	id      uint64
	rn      *RawNode
	storage *MemoryStorage
	alive   bool

	// The state machine: a hash chain over applied entries, and the
	// configuration as of the applied index.
	applied   uint64
	state     uint64
	confState pb.ConfState
}

type simMsg struct {
	at  uint64
	seq uint64
	m   pb.Message
}

type msgQueue []simMsg

func (q msgQueue) Len() int { return len(q) }
func (q msgQueue) Less(i, j int) bool {
	if q[i].at != q[j].at {
		return q[i].at < q[j].at
	}
	return q[i].seq < q[j].seq
}
func (q msgQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *msgQueue) Push(x any)   { *q = append(*q, x.(simMsg)) }
func (q *msgQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}

type entryKey struct{ index, term uint64 }

type entryRecord struct {
	hash     uint64
	prevTerm uint64
}

type appliedRecord struct {
	term  uint64
	state uint64
}

// simStats show that a run exercised what it claims to.
type simStats struct {
	events, leaders, applied, reads, snapshots, confChanges, crashes, messages uint64
}

func (a *simStats) add(b simStats) {
	a.events += b.events
	a.leaders += b.leaders
	a.applied += b.applied
	a.reads += b.reads
	a.snapshots += b.snapshots
	a.confChanges += b.confChanges
	a.crashes += b.crashes
	a.messages += b.messages
}

func (a simStats) String() string {
	return fmt.Sprintf("%d events, %d messages, %d leaders elected, %d entries applied, %d reads answered, %d snapshots installed, %d conf changes applied, %d crashes",
		a.events, a.messages, a.leaders, a.applied, a.reads, a.snapshots, a.confChanges, a.crashes)
}

// errViolation marks a broken safety or liveness property.
var errViolation = errors.New("violation")

type sim struct {
	opts  simOptions
	rng   *rand.Rand
	now   uint64
	seq   uint64
	nodes []*simNode // sorted by id; nodes are never removed
	queue msgQueue
	// cut[from][to] blocks messages from -> to.
	cut map[[2]uint64]bool

	// Oracles.
	leaders   map[uint64]uint64 // term -> leader
	entries   map[entryKey]entryRecord
	appliedAt map[uint64]appliedRecord
	votes     map[[2]uint64]uint64 // (voter, term) -> candidate
	reads     map[string]uint64    // request ctx -> minimum acceptable index
	maxCommit uint64
	nextReq   int
	nextProp  int
	stats     simStats

	trace []string
}

func newSim(opts simOptions) (*sim, error) {
	s := &sim{
		opts:      opts,
		rng:       rand.New(rand.NewPCG(opts.seed, opts.seed*0x9e3779b97f4a7c15+1)),
		cut:       make(map[[2]uint64]bool),
		leaders:   make(map[uint64]uint64),
		entries:   make(map[entryKey]entryRecord),
		appliedAt: make(map[uint64]appliedRecord),
		votes:     make(map[[2]uint64]uint64),
		reads:     make(map[string]uint64),
	}
	var voters []uint64
	for i := 1; i <= opts.nodes; i++ {
		voters = append(voters, uint64(i))
	}
	for _, id := range voters {
		ms := NewMemoryStorage()
		if err := Bootstrap(ms, pb.ConfState{Voters: voters}); err != nil {
			return nil, err
		}
		n := &simNode{id: id, storage: ms}
		s.nodes = append(s.nodes, n)
		if err := s.start(n); err != nil {
			return nil, err
		}
	}
	return s, nil
}

func (s *sim) config(id uint64, applied uint64) *Config {
	return &Config{
		ID:                 id,
		ElectionTick:       simElectionTick,
		HeartbeatTick:      simHeartbeatTick,
		Storage:            nil,
		Applied:            applied,
		MaxSizePerMsg:      s.opts.maxSizePerMsg,
		MaxInflightMsgs:    s.opts.maxInflight,
		DisablePreVote:     !s.opts.preVote,
		DisableCheckQuorum: !s.opts.checkQuorum,
		ReadOnlyOption:     s.opts.readOnly,
		RandomSeed:         s.opts.seed*31 + id + s.now,
		bugs:               s.opts.bugs,
	}
}

// start (re)creates a node's volatile state from its durable storage. The
// state machine restarts from the storage's snapshot.
func (s *sim) start(n *simNode) error {
	snap, err := n.storage.Snapshot()
	if err != nil {
		return err
	}
	n.applied = snap.Metadata.Index
	n.state = decodeSimState(snap.Data)
	n.confState = snap.Metadata.ConfState
	c := s.config(n.id, n.applied)
	c.Storage = n.storage
	rn, err := NewRawNode(c)
	if err != nil {
		return fmt.Errorf("%w: restart node %d: %v", errViolation, n.id, err)
	}
	n.rn = rn
	n.alive = true
	return nil
}

func (s *sim) node(id uint64) *simNode {
	for _, n := range s.nodes {
		if n.id == id {
			return n
		}
	}
	return nil
}

func (s *sim) logf(format string, args ...any) {
	if len(s.trace) >= 150 {
		s.trace = s.trace[1:]
	}
	s.trace = append(s.trace, fmt.Sprintf("t=%d ", s.now)+fmt.Sprintf(format, args...))
}

func (s *sim) fail(format string, args ...any) error {
	return fmt.Errorf("%w at t=%d: %s\nrecent events:\n  %s", errViolation, s.now, fmt.Sprintf(format, args...), strings.Join(s.trace, "\n  "))
}

// send puts a message on the simulated network, which may drop, delay or
// duplicate it.
func (s *sim) send(m pb.Message, faulty bool) {
	copies := 1
	if faulty {
		if s.rng.Float64() < s.opts.dropRate {
			s.reportLost(m)
			return
		}
		if s.rng.Float64() < s.opts.dupRate {
			copies = 2
		}
	}
	for range copies {
		delay := uint64(1 + s.rng.IntN(2*simTickTime))
		if faulty && s.rng.Float64() < s.opts.longDelayRate {
			delay += uint64(s.rng.IntN(3 * simElectionTick * simTickTime))
		}
		s.seq++
		heap.Push(&s.queue, simMsg{at: s.now + delay, seq: s.seq, m: m})
	}
}

// reportLost tells the sender about a lost snapshot, as a transport would.
func (s *sim) reportLost(m pb.Message) {
	if m.Type != pb.MsgSnap {
		return
	}
	if from := s.node(m.From); from != nil && from.alive {
		from.rn.ReportSnapshot(m.To, SnapshotFailure)
	}
}

func (s *sim) deliver(sm simMsg) error {
	m := sm.m
	to := s.node(m.To)
	if to == nil || !to.alive || s.cut[[2]uint64{m.From, m.To}] {
		s.reportLost(m)
		return nil
	}
	s.stats.messages++
	err := to.rn.Step(m)
	if m.Type == pb.MsgSnap {
		if from := s.node(m.From); from != nil && from.alive {
			from.rn.ReportSnapshot(m.To, SnapshotFinish)
		}
	}
	if err != nil && !errors.Is(err, ErrProposalDropped) && !errors.Is(err, ErrStepPeerNotFound) {
		return s.fail("node %d: step %s: %v", m.To, m, err)
	}
	return nil
}
