package etcdcompare

import (
	"errors"
	"fmt"
)

// The workload's settings, the same for both libraries.
const (
	electionTick    = 10
	heartbeatTick   = 1
	maxSizePerMsg   = 1 << 20
	maxInflightMsgs = 256
	// payloadSize is the size of every proposal's data.
	payloadSize = 128
	// compactEvery is how many entries every node applies between
	// compactions of its storage, which keep the log (and the heap the GC
	// scans) bounded, so a large b.N measures a steady state.
	compactEvery = 10000
)

// payload is the data of every proposal. One buffer is reused: both
// libraries keep a reference without copying it.
var payload = make([]byte, payloadSize)

// node is one member of an in-process cluster: one library's RawNode, its
// MemoryStorage and a state machine that counts what it applies. Each
// library's adapter implements it; everything else is shared.
type node interface {
	campaign() error
	propose(data []byte) error
	isLeader() bool
	hasReady() bool
	// handleReady handles one Ready in the order the contract asks:
	// persist entries and hard state, deliver the messages by stepping
	// their targets, apply the committed entries, Advance.
	handleReady() error
	// proposals is the number of applied entries that carry data (a new
	// leader's empty entry is not a proposal).
	proposals() int
	// applied is the index of the last applied entry.
	applied() uint64
	// compact discards the storage's entries up to index.
	compact(index uint64) error
}

// newNodesFunc creates the nodes of a cluster with IDs 1..size, each
// bootstrapped with all of them as voters by a snapshot at index 1, term 1,
// and wired so that handleReady delivers to the others.
type newNodesFunc func(size int) ([]node, error)

// cluster drives nodes; nodes[i] has ID i+1 and node 1 leads.
type cluster struct {
	nodes       []node
	compactedTo uint64
}

// startCluster creates the nodes and elects node 1.
func startCluster(newNodes newNodesFunc, size int) (*cluster, error) {
	nodes, err := newNodes(size)
	if err != nil {
		return nil, err
	}
	c := &cluster{nodes: nodes}
	if err := nodes[0].campaign(); err != nil {
		return nil, fmt.Errorf("campaign: %w", err)
	}
	if err := c.settle(); err != nil {
		return nil, err
	}
	if !nodes[0].isLeader() {
		return nil, errors.New("node 1 did not become leader")
	}
	return c, nil
}

// settle handles Readys until no node has one.
func (c *cluster) settle() error {
	for range 1000 {
		progressed := false
		for _, n := range c.nodes {
			if n.hasReady() {
				if err := n.handleReady(); err != nil {
					return err
				}
				progressed = true
			}
		}
		if !progressed {
			return nil
		}
	}
	return errors.New("Ready loop did not settle")
}

// propose makes total proposals through the leader, keeping up to inflight
// of them outstanding: proposed but not yet applied on the leader. The
// window is topped up before each node handles a Ready. With one node a
// window is a batch, since a batch always commits together.
func (c *cluster) propose(total, inflight int) error {
	leader := c.nodes[0]
	base := leader.proposals()
	proposed := 0
	for leader.proposals()-base < total {
		progressed := false
		for _, n := range c.nodes {
			for proposed < total && proposed-(leader.proposals()-base) < inflight {
				if err := leader.propose(payload); err != nil {
					return fmt.Errorf("propose: %w", err)
				}
				proposed++
			}
			if n.hasReady() {
				if err := n.handleReady(); err != nil {
					return err
				}
				progressed = true
			}
		}
		if !progressed {
			return fmt.Errorf("stalled: %d of %d proposals applied on the leader", leader.proposals()-base, total)
		}
		if err := c.maybeCompact(); err != nil {
			return err
		}
	}
	return nil
}

// maybeCompact compacts every storage to the lowest applied index once it
// has moved compactEvery past the last compaction. No peer needs an entry
// that every node has applied, so no snapshot is ever sent.
func (c *cluster) maybeCompact() error {
	if c.nodes[0].applied() < c.compactedTo+compactEvery {
		return nil
	}
	low := c.nodes[0].applied()
	for _, n := range c.nodes[1:] {
		low = min(low, n.applied())
	}
	if low < c.compactedTo+compactEvery {
		return nil
	}
	for _, n := range c.nodes {
		if err := n.compact(low); err != nil {
			return fmt.Errorf("compact to %d: %w", low, err)
		}
	}
	c.compactedTo = low
	return nil
}

// verify settles the cluster and fails unless every node applied want
// proposals.
func (c *cluster) verify(want int) error {
	if err := c.settle(); err != nil {
		return err
	}
	for i, n := range c.nodes {
		if got := n.proposals(); got != want {
			return fmt.Errorf("node %d applied %d proposals, want %d", i+1, got, want)
		}
	}
	return nil
}

// errUnexpectedSnapshot is returned by handleReady if a Ready carries a
// snapshot: compaction never outruns a peer, and a snapshot would break
// the proposal count.
var errUnexpectedSnapshot = errors.New("unexpected snapshot")
