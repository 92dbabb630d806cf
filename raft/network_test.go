package raft

import (
	"fmt"
	"slices"
	"testing"

	pb "sqlraft/raft/raftpb"
)

// testNetwork is a deterministic in-memory cluster for scenario tests:
// messages are queued in FIFO order and delivered only when the test says
// so; links can be cut and message types ignored. Every node follows the
// Ready contract with a MemoryStorage, so crash and restart lose exactly
// what a real node would: nothing persisted, everything in memory.
type testNetwork struct {
	t     testing.TB
	nodes map[uint64]*testNode
	// queue holds sent, undelivered messages in send order.
	queue []pb.Message
	// cut[from][to] drops messages from -> to.
	cut map[[2]uint64]bool
	// ignore drops every message of a type.
	ignore map[pb.MessageType]bool
	// delivered records every message handed to a node, for assertions.
	delivered []pb.Message
	// configure adjusts each node's Config (on creation and restart).
	configure func(*Config)
}

type testNode struct {
	id      uint64
	rn      *RawNode
	storage *MemoryStorage
	alive   bool
	// applied holds the normal entries applied, in order.
	applied   []pb.Entry
	confState pb.ConfState
	// readStates collects answered ReadIndex requests.
	readStates []ReadState
}

// newTestNetwork bootstraps voters (and learners) with the default test
// config: ElectionTick 10, HeartbeatTick 1, unlimited message size, and
// whatever configure changes.
func newTestNetwork(t testing.TB, voters, learners []uint64, configure func(*Config)) *testNetwork {
	t.Helper()
	nw := &testNetwork{
		t:         t,
		nodes:     make(map[uint64]*testNode),
		cut:       make(map[[2]uint64]bool),
		ignore:    make(map[pb.MessageType]bool),
		configure: configure,
	}
	cs := pb.ConfState{Voters: voters, Learners: learners}
	for _, id := range append(slices.Clone(voters), learners...) {
		ms := NewMemoryStorage()
		if err := Bootstrap(ms, cs); err != nil {
			t.Fatalf("bootstrap %d: %v", id, err)
		}
		nw.add(id, ms)
	}
	return nw
}

// add starts a node on the given storage (an empty storage for a node that
// joins later).
func (nw *testNetwork) add(id uint64, ms *MemoryStorage) *testNode {
	nw.t.Helper()
	n := &testNode{id: id, storage: ms}
	nw.nodes[id] = n
	nw.start(n)
	return n
}

func (nw *testNetwork) config(id uint64, ms *MemoryStorage, applied uint64) *Config {
	c := &Config{
		ID:              id,
		ElectionTick:    10,
		HeartbeatTick:   1,
		Storage:         ms,
		Applied:         applied,
		MaxSizePerMsg:   noLimit,
		MaxInflightMsgs: 256,
	}
	if nw.configure != nil {
		nw.configure(c)
	}
	return c
}

func (nw *testNetwork) start(n *testNode) {
	nw.t.Helper()
	snap, err := n.storage.Snapshot()
	if err != nil {
		nw.t.Fatalf("node %d: snapshot: %v", n.id, err)
	}
	n.confState = snap.Metadata.ConfState
	rn, err := NewRawNode(nw.config(n.id, n.storage, snap.Metadata.Index))
	if err != nil {
		nw.t.Fatalf("node %d: start: %v", n.id, err)
	}
	n.rn = rn
	n.alive = true
}

// crash drops a node's volatile state; restart brings it back from its
// storage (its state machine restarts from the storage snapshot).
func (nw *testNetwork) crash(id uint64) {
	n := nw.nodes[id]
	n.alive = false
	n.rn = nil
	n.applied = nil
}

func (nw *testNetwork) restart(id uint64) {
	nw.t.Helper()
	nw.start(nw.nodes[id])
}

// raft exposes a node's protocol state for assertions.
func (nw *testNetwork) raft(id uint64) *raft { return nw.nodes[id].rn.raft }

func (nw *testNetwork) ids() []uint64 {
	ids := make([]uint64, 0, len(nw.nodes))
	for id := range nw.nodes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// processReady handles one Ready on a node, following the contract, and
// queues its messages. It reports whether there was one.
func (nw *testNetwork) processReady(id uint64) bool {
	nw.t.Helper()
	n := nw.nodes[id]
	if !n.alive || !n.rn.HasReady() {
		return false
	}
	rd := n.rn.Ready()
	if !rd.Snapshot.IsEmpty() {
		if err := n.storage.ApplySnapshot(rd.Snapshot); err != nil {
			nw.t.Fatalf("node %d: apply snapshot: %v", id, err)
		}
		n.confState = rd.Snapshot.Metadata.ConfState
	}
	if err := n.storage.Append(rd.Entries); err != nil {
		nw.t.Fatalf("node %d: append: %v", id, err)
	}
	if !rd.HardState.IsEmpty() {
		if err := n.storage.SetHardState(rd.HardState); err != nil {
			nw.t.Fatalf("node %d: hard state: %v", id, err)
		}
	}
	nw.queue = append(nw.queue, rd.Messages...)
	for _, e := range rd.CommittedEntries {
		switch e.Type {
		case pb.EntryConfChangeV2:
			var cc pb.ConfChangeV2
			if err := cc.Unmarshal(e.Data); err != nil {
				nw.t.Fatalf("node %d: conf change at %d: %v", id, e.Index, err)
			}
			if cs, err := n.rn.ApplyConfChange(cc); err == nil {
				n.confState = cs
			}
		case pb.EntryNormal:
			if len(e.Data) > 0 {
				n.applied = append(n.applied, e)
			}
		}
	}
	n.readStates = append(n.readStates, rd.ReadStates...)
	n.rn.Advance(rd)
	return true
}

// deliverable reports whether m would reach its target now.
func (nw *testNetwork) deliverable(m pb.Message) bool {
	to := nw.nodes[m.To]
	return to != nil && to.alive && !nw.cut[[2]uint64{m.From, m.To}] && !nw.ignore[m.Type]
}

// deliver hands one message to its target, or drops it.
func (nw *testNetwork) deliver(m pb.Message) {
	nw.t.Helper()
	if !nw.deliverable(m) {
		return
	}
	nw.delivered = append(nw.delivered, m)
	if err := nw.nodes[m.To].rn.Step(m); err != nil && err != ErrProposalDropped && err != ErrStepPeerNotFound {
		nw.t.Fatalf("node %d: step %s: %v", m.To, m, err)
	}
}

// takeQueue removes and returns the queued messages.
func (nw *testNetwork) takeQueue() []pb.Message {
	q := nw.queue
	nw.queue = nil
	return q
}

// stabilize processes Readys and delivers messages until nothing moves.
func (nw *testNetwork) stabilize() {
	nw.t.Helper()
	nw.stabilizeHolding(nil)
}

// stabilizeHolding is stabilize on a network that delivers only the
// messages pass accepts (all of them if pass is nil); it returns the others,
// undelivered, in send order.
func (nw *testNetwork) stabilizeHolding(pass func(pb.Message) bool) (held []pb.Message) {
	nw.t.Helper()
	for range 10000 {
		progressed := false
		for _, id := range nw.ids() {
			for nw.processReady(id) {
				progressed = true
			}
		}
		for _, m := range nw.takeQueue() {
			progressed = true
			if pass == nil || pass(m) {
				nw.deliver(m)
			} else {
				held = append(held, m)
			}
		}
		if !progressed {
			return held
		}
	}
	nw.t.Fatal("network did not stabilize")
	return nil
}

// tick advances the given nodes (all live nodes if none given) by n ticks,
// stabilizing after each.
func (nw *testNetwork) tick(n int, ids ...uint64) {
	nw.t.Helper()
	if len(ids) == 0 {
		ids = nw.ids()
	}
	for range n {
		for _, id := range ids {
			if nw.nodes[id].alive {
				nw.nodes[id].rn.Tick()
			}
		}
		nw.stabilize()
	}
}

// campaign makes id campaign and lets the election finish.
func (nw *testNetwork) campaign(id uint64) {
	nw.t.Helper()
	if err := nw.nodes[id].rn.Campaign(); err != nil {
		nw.t.Fatalf("node %d: campaign: %v", id, err)
	}
	nw.stabilize()
}

// propose proposes data at id and lets replication finish.
func (nw *testNetwork) propose(id uint64, data string) error {
	nw.t.Helper()
	err := nw.nodes[id].rn.Propose([]byte(data))
	nw.stabilize()
	return err
}

// isolate cuts every link to and from id; heal restores all links.
func (nw *testNetwork) isolate(id uint64) {
	for other := range nw.nodes {
		if other != id {
			nw.cut[[2]uint64{id, other}] = true
			nw.cut[[2]uint64{other, id}] = true
		}
	}
}

// partition cuts every link between the two groups, both ways.
func (nw *testNetwork) partition(a, b []uint64) {
	for _, x := range a {
		for _, y := range b {
			nw.cut[[2]uint64{x, y}] = true
			nw.cut[[2]uint64{y, x}] = true
		}
	}
}

func (nw *testNetwork) heal() { clear(nw.cut) }

// leader returns the live leader with the highest term, or None.
func (nw *testNetwork) leader() uint64 {
	var lead, term uint64
	for _, id := range nw.ids() {
		n := nw.nodes[id]
		if n.alive && n.rn.raft.state == StateLeader && n.rn.raft.Term >= term {
			lead, term = id, n.rn.raft.Term
		}
	}
	return lead
}

// appliedData lists the payloads a node applied, in order.
func (nw *testNetwork) appliedData(id uint64) []string {
	var out []string
	for _, e := range nw.nodes[id].applied {
		out = append(out, string(e.Data))
	}
	return out
}

// countDelivered counts delivered messages of a type, optionally only
// those to a given node (None for any).
func (nw *testNetwork) countDelivered(t pb.MessageType, to uint64) int {
	n := 0
	for _, m := range nw.delivered {
		if m.Type == t && (to == None || m.To == to) {
			n++
		}
	}
	return n
}

// logTerms describes a node's log as "index:term" pairs, for failures.
func (nw *testNetwork) logTerms(id uint64) string {
	l := nw.raft(id).raftLog
	s := ""
	for i := l.firstIndex(); i <= l.lastIndex(); i++ {
		t, _ := l.term(i)
		s += fmt.Sprintf("%d:%d ", i, t)
	}
	return s
}

// TestNetworkHarness checks the harness itself: a three-node cluster elects
// the node that campaigns and replicates a proposal to everyone.
func TestNetworkHarness(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)
	if nw.leader() != 1 {
		t.Fatalf("leader = %d, want 1", nw.leader())
	}
	if err := nw.propose(1, "x"); err != nil {
		t.Fatal(err)
	}
	for _, id := range nw.ids() {
		if got := nw.appliedData(id); !slices.Equal(got, []string{"x"}) {
			t.Errorf("node %d applied %v, want [x]", id, got)
		}
	}
}
