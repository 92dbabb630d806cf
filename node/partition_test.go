package node

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"testing"
	"time"
)

// linkProxy carries one direction of the cluster's wiring: node from dials
// node to through it. Cutting it closes its connections and refuses new
// ones, which is what a network partition looks like to the transport.
type linkProxy struct {
	l      net.Listener
	target string

	mu    sync.Mutex
	cut   bool
	conns map[net.Conn]bool
}

func newLinkProxy(t *testing.T, target string) *linkProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &linkProxy{l: l, target: target, conns: map[net.Conn]bool{}}
	go p.serve()
	t.Cleanup(func() { l.Close(); p.setCut(true) })
	return p
}

func (p *linkProxy) serve() {
	for {
		in, err := p.l.Accept()
		if err != nil {
			return
		}
		go p.carry(in)
	}
}

func (p *linkProxy) carry(in net.Conn) {
	out, err := net.Dial("tcp", p.target)
	if err != nil {
		in.Close()
		return
	}
	p.mu.Lock()
	if p.cut {
		p.mu.Unlock()
		in.Close()
		out.Close()
		return
	}
	p.conns[in], p.conns[out] = true, true
	p.mu.Unlock()
	go func() { io.Copy(out, in); out.Close(); in.Close() }()
	io.Copy(in, out)
	in.Close()
	out.Close()
}

func (p *linkProxy) setCut(cut bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cut = cut
	if cut {
		for c := range p.conns {
			c.Close()
		}
		clear(p.conns)
	}
}

// partitionedCluster is a test cluster whose every link goes through a
// proxy, so that nodes can be isolated and reconnected.
type partitionedCluster struct {
	*testCluster
	links map[[2]uint64]*linkProxy // [from, to]
}

func newPartitionedCluster(t *testing.T, size int, tune func(*Config)) *partitionedCluster {
	t.Helper()
	c := &testCluster{t: t, dir: t.TempDir(), addrs: map[uint64]string{}, nodes: map[uint64]*testMember{}, tune: tune}
	for i, a := range freeAddrs(t, size) {
		c.addrs[uint64(i+1)] = a
	}
	pc := &partitionedCluster{testCluster: c, links: map[[2]uint64]*linkProxy{}}
	for from := range c.addrs {
		for to, addr := range c.addrs {
			if from != to {
				pc.links[[2]uint64{from, to}] = newLinkProxy(t, addr)
			}
		}
	}
	for id := range c.addrs {
		c.start(id, pc.peersOf(id))
	}
	t.Cleanup(c.stopAll)
	return pc
}

// peersOf is node id's view of the cluster: every peer behind its proxy.
func (pc *partitionedCluster) peersOf(id uint64) map[uint64]string {
	peers := map[uint64]string{id: pc.addrs[id]}
	for link, p := range pc.links {
		if link[0] == id {
			peers[link[1]] = p.l.Addr().String()
		}
	}
	return peers
}

func (pc *partitionedCluster) isolate(id uint64) {
	for link, p := range pc.links {
		if link[0] == id || link[1] == id {
			p.setCut(true)
		}
	}
}

func (pc *partitionedCluster) heal() {
	for _, p := range pc.links {
		p.setCut(false)
	}
}

// A leader cut off from the cluster appends a proposal that can never
// commit; the majority elects a new leader whose entries take its index.
// Once the old leader reconnects it sees another entry applied at that
// index, knows its proposal was lost, and proposes it again through the
// new leader: the caller gets success, and the command is applied once.
func TestProposalLostToLeaderChangeIsProposedAgain(t *testing.T) {
	pc := newPartitionedCluster(t, 3, nil)
	old := pc.leader(10 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := pc.nodes[old].node.Propose(ctx, []byte("before")); err != nil {
		t.Fatal(err)
	}

	pc.isolate(old)
	orphan := make(chan error, 1)
	go func() {
		_, err := pc.nodes[old].node.Propose(ctx, []byte("orphan"))
		orphan <- err
	}()
	var lead uint64
	deadline := time.Now().Add(10 * time.Second)
	for lead == 0 && time.Now().Before(deadline) {
		for id, tm := range pc.nodes {
			if id != old && tm.node.Leader() == id {
				lead = id
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	if lead == 0 {
		t.Fatal("the majority elected no leader")
	}
	for i := range 3 {
		if _, err := pc.nodes[lead].node.Propose(ctx, []byte(fmt.Sprint("winner-", i))); err != nil {
			t.Fatal(err)
		}
	}
	select {
	case err := <-orphan:
		t.Fatalf("the isolated leader's proposal returned %v before the partition healed", err)
	case <-time.After(200 * time.Millisecond):
	}

	pc.heal()
	select {
	case err := <-orphan:
		if err != nil {
			t.Fatalf("the orphaned proposal failed after the partition healed: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the orphaned proposal was not answered within 10 s of the partition healing")
	}
	pc.waitApplied(pc.nodes[lead].node.AppliedIndex(), 10*time.Second)
	pc.checkIdentical()
	cmds, _ := pc.nodes[old].machine.state()
	if n := countOf(cmds, "orphan"); n != 1 {
		t.Fatalf("the orphaned command was applied %d times, want once", n)
	}
}

// A follower forwards proposals to the leader; when the leader it knows is
// gone, the proposal is proposed again to the next one.
func TestForwardedProposalsSurviveLeaderLoss(t *testing.T) {
	pc := newPartitionedCluster(t, 3, nil)
	old := pc.leader(10 * time.Second)
	follower := old%3 + 1
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := pc.nodes[follower].node.Propose(ctx, []byte("forwarded")); err != nil {
		t.Fatal(err)
	}
	pc.isolate(old)
	// Proposals made while the follower still believes in the old leader
	// must all end applied exactly once.
	var wg sync.WaitGroup
	acked := make([]bool, 20)
	for i := range acked {
		wg.Add(1)
		go func() {
			defer wg.Done()
			time.Sleep(time.Duration(i) * 10 * time.Millisecond)
			_, err := pc.nodes[follower].node.Propose(ctx, []byte(fmt.Sprint("f-", i)))
			switch {
			case err == nil:
				acked[i] = true
			case errors.Is(err, ErrOutcomeUnknown):
				// The connection to the old leader broke mid-request.
				t.Logf("f-%d: %v", i, err)
			default:
				t.Errorf("f-%d: %v", i, err)
			}
		}()
	}
	wg.Wait()
	pc.heal()
	lead := pc.leader(10 * time.Second)
	pc.waitApplied(pc.nodes[lead].node.AppliedIndex(), 10*time.Second)
	pc.checkIdentical()
	cmds, _ := pc.nodes[follower].machine.state()
	nacked := 0
	for i, ok := range acked {
		n := countOf(cmds, fmt.Sprint("f-", i))
		if n > 1 || (ok && n != 1) {
			t.Fatalf("f-%d (acknowledged: %v) applied %d times", i, ok, n)
		}
		if ok {
			nacked++
		}
	}
	t.Logf("%d of %d proposals acknowledged", nacked, len(acked))
	if nacked == 0 {
		t.Fatal("no proposal made through the follower succeeded")
	}
}

func countOf(cmds []string, cmd string) int {
	n := 0
	for _, c := range cmds {
		if c == cmd {
			n++
		}
	}
	return n
}
