package node

import (
	"bytes"
	"context"
	"encoding/gob"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"sqlraft/logstore"
)

// kvMachine is a small deterministic state machine for tests: it records
// every command it applies, in order, and the index it applied it at.
type kvMachine struct {
	mu      sync.Mutex
	applied uint64
	cmds    []string
	// indexes[i] is the log index of cmds[i].
	indexes []uint64
	// restores counts the snapshots installed.
	restores int
}

func (m *kvMachine) Apply(index, term uint64, cmd []byte) any {
	m.mu.Lock()
	defer m.mu.Unlock()
	if index <= m.applied {
		panic(fmt.Sprintf("kvMachine: index %d applied twice (applied %d)", index, m.applied))
	}
	m.applied = index
	m.cmds = append(m.cmds, string(cmd))
	m.indexes = append(m.indexes, index)
	return len(m.cmds)
}

func (m *kvMachine) AppliedIndex() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.applied
}

type kvImage struct {
	Applied uint64
	Cmds    []string
	Indexes []uint64
}

func (m *kvMachine) Snapshot(w io.Writer) (uint64, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.applied, gob.NewEncoder(w).Encode(kvImage{m.applied, m.cmds, m.indexes})
}

func (m *kvMachine) Restore(r io.Reader, index uint64) error {
	var img kvImage
	if err := gob.NewDecoder(r).Decode(&img); err != nil {
		return err
	}
	if img.Applied != index {
		return fmt.Errorf("image at %d restored as %d", img.Applied, index)
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.applied, m.cmds, m.indexes = img.Applied, img.Cmds, img.Indexes
	m.restores++
	return nil
}

func (m *kvMachine) restoreCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.restores
}

func (m *kvMachine) state() ([]string, uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.cmds), m.applied
}

// testCluster runs real nodes in this process over TCP on 127.0.0.1, each
// with a real on-disk log store.
type testCluster struct {
	t     testing.TB
	dir   string
	addrs map[uint64]string
	nodes map[uint64]*testMember
	tune  func(*Config)
	// newMachine, when set, makes each node's state machine instead of a
	// kvMachine.
	newMachine func(dir string) StateMachine
}

type testMember struct {
	node    *Node
	machine *kvMachine
	// sm is the node's state machine (machine, unless newMachine is set).
	sm     StateMachine
	store  *logstore.Store
	cancel context.CancelFunc
	done   chan error
}

func freeAddrs(t testing.TB, n int) []string {
	t.Helper()
	var out []string
	var ls []net.Listener
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ls = append(ls, l)
		out = append(out, l.Addr().String())
	}
	for _, l := range ls {
		l.Close()
	}
	return out
}

func newTestCluster(t testing.TB, size int, tune func(*Config)) *testCluster {
	t.Helper()
	return newTestClusterWith(t, size, tune, nil)
}

func newTestClusterWith(t testing.TB, size int, tune func(*Config), newMachine func(dir string) StateMachine) *testCluster {
	t.Helper()
	c := &testCluster{t: t, dir: t.TempDir(), addrs: map[uint64]string{}, nodes: map[uint64]*testMember{}, tune: tune, newMachine: newMachine}
	for i, a := range freeAddrs(t, size) {
		c.addrs[uint64(i+1)] = a
	}
	for id := range c.addrs {
		c.start(id, c.addrs)
	}
	t.Cleanup(c.stopAll)
	return c
}

// start runs node id; peers is the bootstrap membership (nil for a node
// joining a running cluster). A restarted node gets a fresh in-memory
// machine, which the node restores from its latest snapshot.
func (c *testCluster) start(id uint64, peers map[uint64]string) *testMember {
	c.t.Helper()
	dir := filepath.Join(c.dir, fmt.Sprint(id))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		c.t.Fatal(err)
	}
	store, err := logstore.Open(filepath.Join(dir, "raft.db"), logstore.Options{})
	if err != nil {
		c.t.Fatalf("node %d: open store: %v", id, err)
	}
	m := &kvMachine{}
	var sm StateMachine = m
	if c.newMachine != nil {
		sm = c.newMachine(dir)
	}
	cfg := Config{
		ID:           id,
		ClusterID:    "test-cluster",
		DataDir:      dir,
		Store:        store,
		Machine:      sm,
		Transport:    TransportConfig{ListenAddr: c.addrs[id]},
		Peers:        peers,
		TickInterval: 10 * time.Millisecond,
	}
	if c.tune != nil {
		c.tune(&cfg)
	}
	n, err := New(cfg)
	if err != nil {
		c.t.Fatalf("node %d: %v", id, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tm := &testMember{node: n, machine: m, sm: sm, store: store, cancel: cancel, done: make(chan error, 1)}
	go func() { tm.done <- n.Run(ctx) }()
	c.nodes[id] = tm
	return tm
}

// kill stops a node abruptly: requests in flight fail and its store is
// closed without flushing what it holds in memory, as a crash would.
func (c *testCluster) kill(id uint64) {
	tm := c.nodes[id]
	if tm == nil {
		return
	}
	tm.node.Stop()
	<-tm.done
	tm.store.CloseWithoutFlush()
	if cl, ok := tm.sm.(interface{ Close() error }); ok {
		cl.Close()
	}
	delete(c.nodes, id)
}

func (c *testCluster) stopAll() {
	for id := range c.nodes {
		c.kill(id)
	}
}

// leader waits until some node is leader and all running nodes agree.
func (c *testCluster) leader(timeout time.Duration) uint64 {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		var lead uint64
		agree := true
		for _, tm := range c.nodes {
			l := tm.node.Leader()
			if l == 0 || (lead != 0 && l != lead) {
				agree = false
				break
			}
			lead = l
		}
		if agree && lead != 0 && c.nodes[lead] != nil {
			return lead
		}
		time.Sleep(5 * time.Millisecond)
	}
	c.t.Fatalf("no agreed leader within %v", timeout)
	return 0
}

// waitApplied waits until every running node applied at least index.
func (c *testCluster) waitApplied(index uint64, timeout time.Duration) {
	c.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		done := true
		for _, tm := range c.nodes {
			if tm.node.AppliedIndex() < index {
				done = false
			}
		}
		if done {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	for id, tm := range c.nodes {
		c.t.Logf("node %d applied %d", id, tm.node.AppliedIndex())
	}
	c.t.Fatalf("not every node applied %d within %v", index, timeout)
}

// checkIdentical checks that every running node's machine holds the same
// commands at the same indexes.
func (c *testCluster) checkIdentical() {
	c.t.Helper()
	var ref []string
	var refID uint64
	for id, tm := range c.nodes {
		cmds, _ := tm.machine.state()
		if ref == nil {
			ref, refID = cmds, id
			continue
		}
		if !slices.Equal(cmds, ref) {
			c.t.Fatalf("node %d applied %d commands, node %d applied %d, or in another order", id, len(cmds), refID, len(ref))
		}
	}
}

func (c *testCluster) propose(ctx context.Context, cmd string) error {
	for id, tm := range c.nodes {
		_ = id
		_, err := tm.node.Propose(ctx, []byte(cmd))
		return err
	}
	return fmt.Errorf("no running node")
}

func decodeImage(b []byte) (kvImage, error) {
	var img kvImage
	err := gob.NewDecoder(bytes.NewReader(b)).Decode(&img)
	return img, err
}
