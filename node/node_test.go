package node

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sqlraft/logstore"
	pb "sqlraft/raft/raftpb"
)

// Three nodes over real TCP with real on-disk logs commit 10,000
// proposals made concurrently on all of them, and apply the same sequence.
func TestClusterCommitsConcurrentProposals(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	c.leader(10 * time.Second)
	const total, workers = 10000, 32
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	ids := []uint64{1, 2, 3}
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := c.nodes[ids[w%3]].node
			for i := w; i < total; i += workers {
				if _, err := n.Propose(ctx, []byte(fmt.Sprintf("cmd-%d", i))); err != nil {
					errs <- fmt.Errorf("proposal %d on node %d: %w", i, n.ID(), err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var maxApplied uint64
	for _, tm := range c.nodes {
		maxApplied = max(maxApplied, tm.node.AppliedIndex())
	}
	c.waitApplied(maxApplied, 30*time.Second)
	c.checkIdentical()
	cmds, _ := c.nodes[1].machine.state()
	seen := make(map[string]int, total)
	for _, cmd := range cmds {
		seen[cmd]++
	}
	for i := range total {
		if n := seen[fmt.Sprintf("cmd-%d", i)]; n != 1 {
			t.Fatalf("cmd-%d applied %d times, want once", i, n)
		}
	}
}

// Killing and restarting followers and the leader while clients propose
// loses no acknowledged proposal, applies nothing twice, and leaves every
// state machine identical.
func TestClusterSurvivesKillAndRestart(t *testing.T) {
	c := newTestCluster(t, 3, func(cfg *Config) {
		cfg.SnapshotEntries, cfg.SnapshotKeep = 300, 50
	})
	c.leader(10 * time.Second)

	var (
		mu    sync.Mutex
		acked = map[string]bool{}
		stop  atomic.Bool
		wg    sync.WaitGroup
		next  atomic.Int64
	)
	var nodesMu sync.Mutex
	pick := func(w int) *Node {
		nodesMu.Lock()
		defer nodesMu.Unlock()
		for _, id := range []uint64{uint64(w%3 + 1), 1, 2, 3} {
			if tm := c.nodes[id]; tm != nil {
				return tm.node
			}
		}
		return nil
	}
	for w := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				n := pick(w)
				cmd := fmt.Sprintf("k%d", next.Add(1))
				ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
				_, err := n.Propose(ctx, []byte(cmd))
				cancel()
				if err == nil {
					mu.Lock()
					acked[cmd] = true
					mu.Unlock()
				} else {
					time.Sleep(5 * time.Millisecond)
				}
			}
		}()
	}
	for round := range 6 {
		time.Sleep(300 * time.Millisecond)
		victim := c.leader(10 * time.Second)
		if round%2 == 0 {
			victim = victim%3 + 1 // a follower
		}
		nodesMu.Lock()
		c.kill(victim)
		nodesMu.Unlock()
		time.Sleep(200 * time.Millisecond)
		nodesMu.Lock()
		c.start(victim, c.addrs)
		nodesMu.Unlock()
	}
	time.Sleep(300 * time.Millisecond)
	stop.Store(true)
	wg.Wait()

	lead := c.leader(10 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := c.nodes[lead].node.Propose(ctx, []byte("final")); err != nil {
		t.Fatalf("final proposal: %v", err)
	}
	c.waitApplied(c.nodes[lead].node.AppliedIndex(), 30*time.Second)
	c.checkIdentical()
	cmds, _ := c.nodes[lead].machine.state()
	count := map[string]int{}
	for _, cmd := range cmds {
		count[cmd]++
		if count[cmd] > 1 {
			t.Fatalf("%s applied twice", cmd)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if len(acked) < 100 {
		t.Fatalf("only %d proposals acknowledged: the test exercised too little", len(acked))
	}
	for cmd := range acked {
		if count[cmd] != 1 {
			t.Fatalf("acknowledged %s is not in the final state", cmd)
		}
	}
	t.Logf("%d acknowledged proposals survived 6 kills; %d commands applied", len(acked), len(cmds))
}

// A node added as a learner catches up through a snapshot (the log it
// needs is compacted), is promoted, and then takes part like any voter.
func TestLearnerJoinsBySnapshotAndIsPromoted(t *testing.T) {
	c := newTestCluster(t, 3, func(cfg *Config) {
		cfg.SnapshotEntries, cfg.SnapshotKeep = 100, 10
	})
	lead := c.leader(10 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for i := range 400 {
		if _, err := c.nodes[lead].node.Propose(ctx, []byte(fmt.Sprintf("before-%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	c.addrs[4] = freeAddrs(t, 1)[0]
	joiner := c.start(4, nil)
	if err := c.nodes[lead].node.AddLearner(ctx, 4, c.addrs[4]); err != nil {
		t.Fatalf("add learner: %v", err)
	}
	c.waitApplied(c.nodes[lead].node.AppliedIndex(), 30*time.Second)
	if cmds, _ := joiner.machine.state(); len(cmds) < 400 {
		t.Fatalf("learner has %d commands, want at least 400", len(cmds))
	}
	if joiner.machine.restoreCount() == 0 {
		t.Fatal("the learner replayed the log instead of installing a snapshot")
	}
	if err := c.nodes[lead].node.Promote(ctx, 4); err != nil {
		t.Fatalf("promote: %v", err)
	}
	st, err := c.nodes[lead].node.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := st.Config.Voters[0][4]; !ok {
		t.Fatalf("node 4 is not a voter after promotion: %s", st.Config)
	}
	for i := range 50 {
		if _, err := c.nodes[4].node.Propose(ctx, []byte(fmt.Sprintf("after-%d", i))); err != nil {
			t.Fatal(err)
		}
	}
	c.waitApplied(c.nodes[4].node.AppliedIndex(), 30*time.Second)
	c.checkIdentical()
}

// gatedStore holds Save calls until released, standing in for a slow fsync.
type gatedStore struct {
	*logstore.Store
	armed   atomic.Bool
	entered chan []pb.Entry
	release chan struct{}
}

func (g *gatedStore) Save(hs pb.HardState, ents []pb.Entry, snap pb.Snapshot, sync bool) error {
	if g.armed.Load() && len(ents) > 0 {
		g.entered <- ents
		<-g.release
	}
	return g.Store.Save(hs, ents, snap, sync)
}

// A proposal is acknowledged only after the Ready carrying its entry has
// been persisted.
func TestAckWaitsForDurability(t *testing.T) {
	dir := t.TempDir()
	st, err := logstore.Open(filepath.Join(dir, "raft.db"), logstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	g := &gatedStore{Store: st, entered: make(chan []pb.Entry, 1), release: make(chan struct{})}
	addr := freeAddrs(t, 1)[0]
	n, err := New(Config{ID: 1, ClusterID: "c", DataDir: dir, Store: g, Machine: &kvMachine{},
		Transport: TransportConfig{ListenAddr: addr}, Peers: map[uint64]string{1: addr}, TickInterval: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go n.Run(ctx)
	defer n.Stop()
	if _, err := n.WaitLeader(ctx); err != nil {
		t.Fatal(err)
	}
	// Let the leader's no-op settle before gating.
	if _, err := n.Propose(ctx, []byte("warm-up")); err != nil {
		t.Fatal(err)
	}
	g.armed.Store(true)
	result := make(chan error, 1)
	go func() {
		_, err := n.Propose(ctx, []byte("durable"))
		result <- err
	}()
	ents := <-g.entered
	if len(ents) == 0 || string(ents[len(ents)-1].Data[len(ents[len(ents)-1].Data)-len("durable"):]) != "durable" {
		t.Fatalf("the held Save carries %v, want the proposal", ents)
	}
	select {
	case err := <-result:
		t.Fatalf("proposal acknowledged (err=%v) while its entry was not yet persisted", err)
	case <-time.After(200 * time.Millisecond):
	}
	g.armed.Store(false)
	close(g.release)
	select {
	case err := <-result:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("proposal not acknowledged after its entry was persisted")
	}
}

// A proposal to a node that knows no leader fails with ErrNoLeader once
// none is elected within LeaderWait.
func TestProposeWithoutLeaderFails(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	c.leader(10 * time.Second)
	// Keep only node 1: it loses its leader and cannot elect one.
	c.kill(2)
	c.kill(3)
	n := c.nodes[1].node
	deadline := time.Now().Add(10 * time.Second)
	for n.Leader() != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := n.Propose(ctx, []byte("x"))
	if !errors.Is(err, ErrNoLeader) {
		t.Fatalf("propose without a leader: %v, want ErrNoLeader", err)
	}
}

// Leadership moves where asked, a removed member stops counting, and the
// remaining two keep committing.
func TestTransferLeadershipAndRemove(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.leader(10 * time.Second)
	target := lead%3 + 1
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.nodes[lead].node.TransferLeadership(ctx, target); err != nil {
		t.Fatalf("transfer to %d: %v", target, err)
	}
	if got := c.leader(10 * time.Second); got != target {
		t.Fatalf("leader is %d after transferring to %d", got, target)
	}
	victim := target%3 + 1
	if err := c.nodes[target].node.Remove(ctx, victim); err != nil {
		t.Fatalf("remove %d: %v", victim, err)
	}
	c.kill(victim)
	st, err := c.nodes[target].node.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, still := st.Config.Voters[0][victim]; still || len(st.Config.Voters[0]) != 2 {
		t.Fatalf("configuration after removing %d: %s", victim, st.Config)
	}
	for i := range 20 {
		if _, err := c.nodes[target].node.Propose(ctx, []byte(fmt.Sprintf("two-%d", i))); err != nil {
			t.Fatalf("proposal with two members left: %v", err)
		}
	}
	c.waitApplied(c.nodes[target].node.AppliedIndex(), 10*time.Second)
	c.checkIdentical()
}

// Concurrent reads share ReadIndex rounds, and each returns only once the
// node has applied every write acknowledged before it started.
func TestReadBarrierSeesAcknowledgedWrites(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.leader(10 * time.Second)
	follower := lead%3 + 1
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := c.nodes[lead].node.Propose(ctx, []byte(fmt.Sprintf("w-%d", i)))
			if err != nil {
				t.Error(err)
				return
			}
			// The write is acknowledged: a read barrier on another node
			// must see it.
			if _, err := c.nodes[follower].node.ReadBarrier(ctx); err != nil {
				t.Error(err)
				return
			}
			cmds, _ := c.nodes[follower].machine.state()
			if n := res.(int); len(cmds) < n {
				t.Errorf("read on node %d after write %d saw %d commands", follower, n, len(cmds))
			}
		}()
	}
	wg.Wait()
}

// A snapshot is also taken once enough bytes were applied, before the
// entry count is reached, and the log is compacted behind it.
func TestSnapshotByBytes(t *testing.T) {
	c := newTestCluster(t, 1, func(cfg *Config) {
		cfg.SnapshotEntries, cfg.SnapshotBytes, cfg.SnapshotKeep = 1_000_000, 64<<10, 1
	})
	lead := c.leader(10 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	big := make([]byte, 4<<10)
	for range 40 { // 160 KiB
		if _, err := c.nodes[lead].node.Propose(ctx, big); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if first, _ := c.nodes[lead].store.FirstIndex(); first > 2 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	first, _ := c.nodes[lead].store.FirstIndex()
	t.Fatalf("log not compacted after 160 KiB with a 64 KiB snapshot threshold (first index %d)", first)
}

// A node added before the cluster took any snapshot starts from the
// bootstrap snapshot (an empty state machine) and replays the log.
func TestLearnerJoinsYoungCluster(t *testing.T) {
	c := newTestCluster(t, 3, nil)
	lead := c.leader(10 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := range 3 {
		if _, err := c.nodes[lead].node.Propose(ctx, []byte(fmt.Sprint("early-", i))); err != nil {
			t.Fatal(err)
		}
	}
	c.addrs[4] = freeAddrs(t, 1)[0]
	c.start(4, nil)
	if err := c.nodes[lead].node.AddLearner(ctx, 4, c.addrs[4]); err != nil {
		t.Fatal(err)
	}
	c.waitApplied(c.nodes[lead].node.AppliedIndex(), 20*time.Second)
	c.checkIdentical()
}
