package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"sqlraft/raft"
	pb "sqlraft/raft/raftpb"
	"sqlraft/snapshots"
)

// Errors a caller may branch on.
var (
	// ErrNoLeader: the node knows no leader to send the request to.
	ErrNoLeader = errors.New("node: no leader known")
	// ErrDropped: raft dropped the proposal (leadership transfer in
	// progress, uncommitted log full, or this node was removed).
	ErrDropped = errors.New("node: proposal dropped")
	// ErrOutcomeUnknown: the proposal may or may not commit; nothing this
	// node saw tells.
	ErrOutcomeUnknown = errors.New("node: the proposal's outcome is unknown (it may still commit)")
	// ErrStopped: the node is shutting down or has stopped.
	ErrStopped = errors.New("node: stopped")
)

// LogStore is the durable raft log the node writes in Ready order.
type LogStore interface {
	raft.Storage
	raft.BootstrapStorage
	// Save persists one Ready: snapshot metadata, then entries, then the
	// hard state, fsyncing when sync is set.
	Save(hs pb.HardState, ents []pb.Entry, snap pb.Snapshot, sync bool) error
	// Compact drops entries before index.
	Compact(index uint64) error
	// SetSnapshot records a locally created snapshot.
	SetSnapshot(snap pb.Snapshot) error
}

// Config configures a Node. Zero values of optional fields are defaults.
type Config struct {
	ID        uint64
	ClusterID string
	// DataDir holds the snapshot files.
	DataDir string
	Store   LogStore
	// Machine is the replicated state machine.
	Machine StateMachine
	// Transport configures the node's transport; the node is its handler
	// (leave Handler nil).
	Transport TransportConfig
	// Peers is the initial membership (id -> raft address) when the store
	// is empty. Leave it empty for a node that will be added to a running
	// cluster.
	Peers map[uint64]string

	Clock         Clock         // default WallClock
	TickInterval  time.Duration // default 100ms
	ElectionTicks int           // default 10
	// SnapshotEntries and SnapshotBytes are how many applied entries, or
	// bytes of applied entries, trigger a snapshot (defaults 10000 and
	// 64 MiB), whichever comes first; SnapshotKeep is how many entries stay
	// in the log after it, for slow followers (default 5000).
	SnapshotEntries uint64
	SnapshotBytes   uint64
	SnapshotKeep    uint64
	// MaxSizePerMsg and MaxInflightMsgs tune replication (defaults 1 MiB
	// and 256).
	MaxSizePerMsg   uint64
	MaxInflightMsgs int
	ReadOnlyOption  raft.ReadOnlyOption
	// LeaderWait is how long a proposal waits for a leader to be elected
	// before failing with ErrNoLeader (default 3 election timeouts).
	LeaderWait time.Duration
	Logger     *slog.Logger
}

func (c *Config) setDefaults() error {
	if c.ID == 0 {
		return errors.New("node: ID is required")
	}
	if c.Store == nil || c.Machine == nil || c.DataDir == "" {
		return errors.New("node: Store, Machine and DataDir are required")
	}
	if c.Clock == nil {
		c.Clock = WallClock{}
	}
	if c.TickInterval == 0 {
		c.TickInterval = 100 * time.Millisecond
	}
	if c.ElectionTicks == 0 {
		c.ElectionTicks = 10
	}
	if c.SnapshotEntries == 0 {
		c.SnapshotEntries = 10000
	}
	if c.SnapshotBytes == 0 {
		c.SnapshotBytes = 64 << 20
	}
	if c.SnapshotKeep == 0 {
		c.SnapshotKeep = 5000
	}
	if c.LeaderWait == 0 {
		c.LeaderWait = 3 * time.Duration(c.ElectionTicks) * c.TickInterval
	}
	if c.MaxSizePerMsg == 0 {
		c.MaxSizePerMsg = 1 << 20
	}
	if c.MaxInflightMsgs == 0 {
		c.MaxInflightMsgs = 256
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return nil
}

// Node runs a raft node: it owns a RawNode on one goroutine, persists and
// sends what raft decides, applies committed commands to the state machine
// and answers the callers waiting for them.
type Node struct {
	cfg   Config
	rn    *raft.RawNode
	tr    *Transport
	snaps *snapshots.Store
	log   *slog.Logger

	propc     chan *proposal
	recvc     chan pb.Message
	readc     chan *readRequest
	reportc   chan func()
	transferc chan uint64
	stopc     chan struct{}
	donec     chan struct{}
	stopOnce  sync.Once

	leader  atomic.Uint64
	term    atomic.Uint64
	applied atomic.Uint64
	// leaderChanged is closed and replaced whenever the leader changes.
	leaderMu      sync.Mutex
	leaderChanged chan struct{}

	// Owned by the run goroutine.
	// nextReqID starts at a random value so that an entry proposed before
	// a restart is never mistaken for a new proposal of this node.
	nextReqID uint64
	waiters   map[uint64]*waiter
	// waitingAt lists the waiters expecting their entry at an index;
	// lastRestored is the index of the last snapshot installed.
	waitingAt    map[uint64][]uint64
	lastRestored uint64
	reads        readBatcher
	peers        map[uint64]string
	smApplied    uint64
	lastSnapshot uint64
	// bytesSinceSnapshot counts the bytes of entries applied since the
	// last snapshot was started.
	bytesSinceSnapshot uint64
	// snapshotting is set while a snapshot is written in the background.
	snapshotting bool
	snapWG       sync.WaitGroup
	confState    pb.ConfState
	// confHistory lists the configurations since the last snapshot, so a
	// snapshot taken in the background can name the one at its index.
	confHistory []confAtIndex
	err         error
}

// New opens a node on its store: it restores the state machine from the
// latest snapshot if the machine is behind it, bootstraps an empty store
// from Config.Peers, and creates the raft node. Call Run to start it.
func New(cfg Config) (*Node, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	n := &Node{
		cfg:           cfg,
		log:           cfg.Logger.With("node", cfg.ID),
		propc:         make(chan *proposal, 4096),
		recvc:         make(chan pb.Message, 4096),
		readc:         make(chan *readRequest, 4096),
		reportc:       make(chan func(), 1024),
		transferc:     make(chan uint64, 1),
		stopc:         make(chan struct{}),
		donec:         make(chan struct{}),
		leaderChanged: make(chan struct{}),
		waiters:       make(map[uint64]*waiter),
		waitingAt:     make(map[uint64][]uint64),
		nextReqID:     rand.Uint64() >> 1,
		peers:         make(map[uint64]string),
	}
	snaps, err := snapshots.Open(filepath.Join(cfg.DataDir, "snapshots"), keepSnapshotFiles)
	if err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	n.snaps = snaps
	if err := n.bootstrapIfEmpty(); err != nil {
		return nil, err
	}
	snap, err := cfg.Store.Snapshot()
	if err != nil {
		return nil, fmt.Errorf("node: read snapshot metadata: %w", err)
	}
	desc, err := decodeDescriptor(snap.Data)
	if err != nil {
		return nil, fmt.Errorf("node: snapshot at %d: %w", snap.Metadata.Index, err)
	}
	for id, addr := range desc.Peers {
		n.peers[id] = addr
	}
	for id, addr := range cfg.Peers {
		if _, ok := n.peers[id]; !ok {
			n.peers[id] = addr
		}
	}
	n.smApplied = cfg.Machine.AppliedIndex()
	if n.smApplied < snap.Metadata.Index && desc.File != "" {
		if err := n.restoreMachine(desc, snap.Metadata.Term, snap.Metadata.Index); err != nil {
			return nil, err
		}
	}
	n.lastSnapshot = snap.Metadata.Index
	n.recordConf(snap.Metadata.Index, snap.Metadata.ConfState)
	// Raft replays everything after the snapshot so that conf changes
	// are applied to its configuration again; commands the machine already
	// applied are skipped by index.
	rn, err := raft.NewRawNode(&raft.Config{
		ID:              cfg.ID,
		ElectionTick:    cfg.ElectionTicks,
		HeartbeatTick:   1,
		Storage:         cfg.Store,
		Applied:         snap.Metadata.Index,
		MaxSizePerMsg:   cfg.MaxSizePerMsg,
		MaxInflightMsgs: cfg.MaxInflightMsgs,
		ReadOnlyOption:  cfg.ReadOnlyOption,
		Logger:          n.log,
	})
	if err != nil {
		return nil, fmt.Errorf("node: start raft: %w", err)
	}
	n.rn = rn
	n.applied.Store(snap.Metadata.Index)
	tcfg := cfg.Transport
	tcfg.NodeID, tcfg.ClusterID, tcfg.Handler = cfg.ID, cfg.ClusterID, n
	if tcfg.Logger == nil {
		tcfg.Logger = n.log
	}
	if n.tr, err = NewTransport(tcfg); err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	if err := n.tr.Start(); err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	for id, addr := range n.peers {
		if id != cfg.ID {
			n.tr.AddPeer(id, addr)
		}
	}
	return n, nil
}

// Addr is the address the node's transport listens on.
func (n *Node) Addr() string { return n.tr.Addr().String() }

func (n *Node) bootstrapIfEmpty() error {
	last, err := n.cfg.Store.LastIndex()
	if err != nil {
		return fmt.Errorf("node: read log: %w", err)
	}
	hs, _, err := n.cfg.Store.InitialState()
	if err != nil {
		return fmt.Errorf("node: read hard state: %w", err)
	}
	if last != 0 || !hs.IsEmpty() || len(n.cfg.Peers) == 0 {
		return nil
	}
	voters := make([]uint64, 0, len(n.cfg.Peers))
	for id := range n.cfg.Peers {
		voters = append(voters, id)
	}
	if err := raft.Bootstrap(n.cfg.Store, pb.ConfState{Voters: voters}); err != nil {
		return fmt.Errorf("node: bootstrap: %w", err)
	}
	n.log.Info("bootstrapped a new cluster", "voters", voters)
	return nil
}

// keepSnapshotFiles is how many snapshot files stay on disk.
const keepSnapshotFiles = 2

func (n *Node) restoreMachine(desc snapshotDescriptor, term, index uint64) error {
	f, err := n.snaps.Open(desc.file(term, index))
	if err != nil {
		return fmt.Errorf("node: restore snapshot at %d: %w", index, err)
	}
	defer f.Close()
	if err := n.cfg.Machine.Restore(f, index); err != nil {
		return fmt.Errorf("node: restore state machine from snapshot at %d: %w", index, err)
	}
	n.smApplied = index
	return nil
}

// Run drives the node until ctx is done or Stop is called. It returns the
// fatal error that stopped the node, if any.
func (n *Node) Run(ctx context.Context) error {
	defer close(n.donec)
	ticker := n.cfg.Clock.NewTicker(n.cfg.TickInterval)
	defer ticker.Stop()
	err := n.loop(ctx, ticker)
	n.stopOnce.Do(func() { close(n.stopc) })
	// A snapshot being written uses the machine and the store: wait for it
	// so the caller can close them.
	n.snapWG.Wait()
	n.failAll(err)
	if cerr := n.tr.Close(); cerr != nil {
		n.log.Warn("closing transport", "err", cerr)
	}
	return err
}

// Stop ends Run and waits for it to return.
func (n *Node) Stop() {
	n.stopOnce.Do(func() { close(n.stopc) })
	<-n.donec
}

func (n *Node) loop(ctx context.Context, ticker Ticker) error {
	for {
		select {
		case <-ctx.Done():
			return ErrStopped
		case <-n.stopc:
			return ErrStopped
		case <-ticker.C():
			n.rn.Tick()
		case m := <-n.recvc:
			n.step(m)
		case p := <-n.propc:
			n.propose(p)
		case r := <-n.readc:
			n.reads.add(r)
		case f := <-n.reportc:
			f()
		case to := <-n.transferc:
			n.rn.TransferLeader(to)
		}
		// Group commit: take everything that queued up while the last
		// Ready was being persisted, so it all shares the next fsync.
		n.drainInputs()
		n.reads.submit(n)
		if n.err != nil {
			n.log.Error("node stopped by a storage failure", "err", n.err)
			return n.err
		}
		for n.rn.HasReady() {
			if err := n.handleReady(); err != nil {
				n.log.Error("node stopped by a storage or state machine failure", "err", err)
				return err
			}
		}
	}
}

// maxDrain bounds the inputs taken between two Readys, so one Ready stays
// a reasonable size.
const maxDrain = 4096

func (n *Node) drainInputs() {
	for range maxDrain {
		select {
		case m := <-n.recvc:
			n.step(m)
		case p := <-n.propc:
			n.propose(p)
		case r := <-n.readc:
			n.reads.add(r)
		case f := <-n.reportc:
			f()
		default:
			return
		}
	}
}

func (n *Node) step(m pb.Message) {
	if err := n.rn.Step(m); err != nil {
		if errors.Is(err, raft.ErrLogInconsistent) {
			// Our log contradicts what the cluster committed: stop
			// rather than serve wrong data.
			n.err = err
		}
		n.log.Debug("step failed", "msg", m.Type, "from", m.From, "err", err)
	}
}

// handleReady follows the Ready contract: persist, send, apply, Advance.
func (n *Node) handleReady() error {
	if n.err != nil {
		return n.err
	}
	rd := n.rn.Ready()
	if rd.SoftState != nil && n.setLeader(rd.SoftState.Lead) {
		n.reads.leaderChanged()
	}
	if !rd.HardState.IsEmpty() {
		n.term.Store(rd.HardState.Term)
	}
	if err := n.cfg.Store.Save(rd.HardState, rd.Entries, rd.Snapshot, rd.MustSync); err != nil {
		return fmt.Errorf("persist: %w", err)
	}
	n.send(rd.Messages)
	if !rd.Snapshot.IsEmpty() {
		if err := n.installSnapshot(rd.Snapshot); err != nil {
			return err
		}
	}
	if err := n.apply(rd.CommittedEntries); err != nil {
		return err
	}
	n.reads.answered(n, rd.ReadStates)
	n.rn.Advance(rd)
	n.reads.releaseApplied(n.applied.Load())
	return n.maybeSnapshot()
}

func (n *Node) send(msgs []pb.Message) {
	var batch []pb.Message
	for _, m := range msgs {
		if m.Type == pb.MsgSnap {
			n.sendSnapshot(m)
			continue
		}
		batch = append(batch, m)
	}
	if len(batch) > 0 {
		n.tr.Send(batch)
	}
}

// setLeader records the leader and reports whether it changed.
func (n *Node) setLeader(lead uint64) bool {
	if n.leader.Swap(lead) == lead {
		return false
	}
	n.leaderMu.Lock()
	close(n.leaderChanged)
	n.leaderChanged = make(chan struct{})
	n.leaderMu.Unlock()
	return true
}

// Leader returns the leader this node knows, or 0.
func (n *Node) Leader() uint64 { return n.leader.Load() }

// Term is the latest term this node has persisted.
func (n *Node) Term() uint64 { return n.term.Load() }

// AppliedIndex is the index of the last entry applied on this node.
func (n *Node) AppliedIndex() uint64 { return n.applied.Load() }

// ID is the node's id.
func (n *Node) ID() uint64 { return n.cfg.ID }

// Status returns raft's view of the node, read on the node's goroutine.
func (n *Node) Status(ctx context.Context) (raft.Status, error) {
	c := make(chan raft.Status, 1)
	if err := n.do(ctx, func() { c <- n.rn.Status() }); err != nil {
		return raft.Status{}, err
	}
	select {
	case s := <-c:
		return s, nil
	case <-ctx.Done():
		return raft.Status{}, ctx.Err()
	case <-n.donec:
		return raft.Status{}, ErrStopped
	}
}

// do runs f on the node goroutine.
func (n *Node) do(ctx context.Context, f func()) error {
	select {
	case n.reportc <- f:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-n.donec:
		return ErrStopped
	}
}

// WaitLeader waits until the node knows a leader.
func (n *Node) WaitLeader(ctx context.Context) (uint64, error) {
	for {
		n.leaderMu.Lock()
		ch := n.leaderChanged
		n.leaderMu.Unlock()
		if l := n.leader.Load(); l != 0 {
			return l, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return 0, ctx.Err()
		case <-n.donec:
			return 0, ErrStopped
		}
	}
}
