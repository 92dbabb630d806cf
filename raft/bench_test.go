package raft

import (
	"fmt"
	"testing"
	"time"

	pb "sqlraft/raft/raftpb"
)

// The benchmarks drive RawNodes on one goroutine with MemoryStorage and no
// fsync, so they measure the core and the Ready contract, not disks or a
// network. Messages are delivered by calling Step on the target while the
// sender handles its Ready, as a transport with zero latency would.
//
// One op is one proposal: ns/op, B/op and allocs/op are per proposal. Every
// benchmark fails unless all b.N proposals were applied (on every node,
// where there are several), so a harness that loses work cannot report a
// flattering number.
//
// bench/etcdcompare runs the same workload against etcd's raft.

// benchPayloadSize is the size of every proposal's data. One buffer is
// reused: both libraries keep a reference without copying it, and
// allocating it per proposal would only add the harness's own cost.
const benchPayloadSize = 128

// benchCompactEvery is how many entries a node applies between compactions
// of its storage. Compacting keeps the log (and the heap the GC scans)
// bounded, so a large b.N measures the steady state rather than a growing
// log.
const benchCompactEvery = 10000

var benchPayload = make([]byte, benchPayloadSize)

// benchConfig holds the values bench/etcdcompare uses for both libraries.
// PreVote and CheckQuorum are on by default.
func benchConfig(id uint64, s Storage) *Config {
	return &Config{
		ID:              id,
		ElectionTick:    10,
		HeartbeatTick:   1,
		Storage:         s,
		MaxSizePerMsg:   1 << 20,
		MaxInflightMsgs: 256,
	}
}

type benchNode struct {
	rn      *RawNode
	storage *MemoryStorage
	// applied is the index of the last applied entry.
	applied uint64
	// proposals counts applied entries that carry data: the leader's
	// empty entry is not a proposal.
	proposals int
}

// benchCluster is an in-process cluster; nodes[i] has ID i+1 and node 1
// is the leader once newBenchCluster returns.
type benchCluster struct {
	tb          testing.TB
	nodes       []*benchNode
	compactedTo uint64
}

func newBenchCluster(tb testing.TB, size int) *benchCluster {
	tb.Helper()
	voters := make([]uint64, size)
	for i := range voters {
		voters[i] = uint64(i + 1)
	}
	c := &benchCluster{tb: tb}
	for _, id := range voters {
		s := NewMemoryStorage()
		if err := Bootstrap(s, pb.ConfState{Voters: voters}); err != nil {
			tb.Fatalf("bootstrap %d: %v", id, err)
		}
		rn, err := NewRawNode(benchConfig(id, s))
		if err != nil {
			tb.Fatalf("new node %d: %v", id, err)
		}
		c.nodes = append(c.nodes, &benchNode{rn: rn, storage: s, applied: 1})
	}
	if err := c.nodes[0].rn.Campaign(); err != nil {
		tb.Fatalf("campaign: %v", err)
	}
	c.settle()
	if st := c.nodes[0].rn.BasicStatus(); st.RaftState != StateLeader {
		tb.Fatalf("node 1 did not become leader: %v", st.SoftState)
	}
	return c
}

// handleReady handles one Ready of n in contract order: persist, send,
// apply, Advance.
func (c *benchCluster) handleReady(n *benchNode) {
	rd := n.rn.Ready()
	if !rd.Snapshot.IsEmpty() {
		// Compaction never outruns a peer, so no snapshot is ever needed;
		// one here would also break the proposal count.
		c.tb.Fatalf("unexpected snapshot at index %d", rd.Snapshot.Metadata.Index)
	}
	if err := n.storage.Append(rd.Entries); err != nil {
		c.tb.Fatalf("append: %v", err)
	}
	if !rd.HardState.IsEmpty() {
		if err := n.storage.SetHardState(rd.HardState); err != nil {
			c.tb.Fatalf("set hard state: %v", err)
		}
	}
	for i := range rd.Messages {
		m := &rd.Messages[i]
		if m.To == 0 || m.To > uint64(len(c.nodes)) {
			c.tb.Fatalf("message to unknown node: %v", m)
		}
		if err := c.nodes[m.To-1].rn.Step(*m); err != nil {
			c.tb.Fatalf("step %v: %v", m, err)
		}
	}
	n.apply(c.tb, rd.CommittedEntries)
	n.rn.Advance(rd)
}

func (n *benchNode) apply(tb testing.TB, ents []pb.Entry) {
	for i := range ents {
		e := &ents[i]
		if e.Type != pb.EntryNormal {
			tb.Fatalf("unexpected %s at index %d", e.Type, e.Index)
		}
		if len(e.Data) > 0 {
			n.proposals++
		}
		n.applied = e.Index
	}
}

// settle handles Readys until no node has one.
func (c *benchCluster) settle() {
	for range 1000 {
		progressed := false
		for _, n := range c.nodes {
			if n.rn.HasReady() {
				c.handleReady(n)
				progressed = true
			}
		}
		if !progressed {
			return
		}
	}
	c.tb.Fatal("Ready loop did not settle")
}

// propose makes total proposals through the leader, keeping up to inflight
// of them outstanding: proposed but not yet applied on the leader. The
// window is topped up before each node handles a Ready. With one node a
// window is a batch, since a batch always commits together.
func (c *benchCluster) propose(total, inflight int) {
	leader := c.nodes[0]
	base := leader.proposals
	proposed := 0
	for leader.proposals-base < total {
		progressed := false
		for _, n := range c.nodes {
			for proposed < total && proposed-(leader.proposals-base) < inflight {
				if err := leader.rn.Propose(benchPayload); err != nil {
					c.tb.Fatalf("propose: %v", err)
				}
				proposed++
			}
			if n.rn.HasReady() {
				c.handleReady(n)
				progressed = true
			}
		}
		if !progressed {
			c.tb.Fatalf("stalled: %d of %d proposals applied on the leader", leader.proposals-base, total)
		}
		c.maybeCompact()
	}
}

// maybeCompact compacts every storage to the lowest applied index once it
// has moved benchCompactEvery past the last compaction. No peer needs an
// entry that every node has applied, so no snapshot is ever sent.
func (c *benchCluster) maybeCompact() {
	if c.nodes[0].applied < c.compactedTo+benchCompactEvery {
		return
	}
	low := c.nodes[0].applied
	for _, n := range c.nodes[1:] {
		low = min(low, n.applied)
	}
	if low < c.compactedTo+benchCompactEvery {
		return
	}
	for _, n := range c.nodes {
		if err := n.storage.Compact(low); err != nil {
			c.tb.Fatalf("compact to %d: %v", low, err)
		}
	}
	c.compactedTo = low
}

// verify fails unless every node applied want proposals.
func (c *benchCluster) verify(want int) {
	c.settle()
	for i, n := range c.nodes {
		if n.proposals != want {
			c.tb.Fatalf("node %d applied %d proposals, want %d", i+1, n.proposals, want)
		}
	}
}

func benchmarkPropose(b *testing.B, size, window int) {
	c := newBenchCluster(b, size)
	b.ReportAllocs()
	b.ResetTimer()
	c.propose(b.N, window)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "proposals/s")
	c.verify(b.N)
}

// BenchmarkProposeSingleNode proposes through a single voter, one proposal
// per Ready (batch=1) or 64 proposals before each Ready (batch=64).
func BenchmarkProposeSingleNode(b *testing.B) {
	for _, batch := range []int{1, 64} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			benchmarkPropose(b, 1, batch)
		})
	}
}

// BenchmarkPropose3Nodes proposes through the leader of three nodes,
// waiting for each proposal to apply on the leader (inflight=1) or keeping
// up to 64 outstanding (inflight=64).
func BenchmarkPropose3Nodes(b *testing.B) {
	for _, inflight := range []int{1, 64} {
		b.Run(fmt.Sprintf("inflight=%d", inflight), func(b *testing.B) {
			benchmarkPropose(b, 3, inflight)
		})
	}
}

// BenchmarkReady measures a leader's Ready()+Advance() when the Ready
// carries one new proposal, the commit of the previous one and an append
// to each follower. The followers are not run: their acknowledgements of
// the previous Ready's appends are stepped into the leader directly, after
// the next proposal and before the next Ready, as they would arrive while
// the leader pipelines. So only the leader's work is measured.
//
// ns/op, B/op and allocs/op cover the whole cycle (Propose, stepping the
// acknowledgements, Ready, storage writes, Advance); ready+advance-ns/op is
// the time spent inside Ready() and Advance() alone.
func BenchmarkReady(b *testing.B) {
	for _, followers := range []int{2, 4} {
		b.Run(fmt.Sprintf("followers=%d", followers), func(b *testing.B) {
			c := newBenchCluster(b, followers+1)
			leader := c.nodes[0]
			base := leader.proposals
			var inReady time.Duration
			var sent []pb.Message
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if err := leader.rn.Propose(benchPayload); err != nil {
					b.Fatalf("propose: %v", err)
				}
				c.ackAppends(leader, sent)
				t0 := time.Now()
				rd := leader.rn.Ready()
				inReady += time.Since(t0)
				if len(rd.Entries) != 1 || len(rd.Messages) != followers {
					b.Fatalf("Ready carries %d entries and %d messages, want 1 and %d",
						len(rd.Entries), len(rd.Messages), followers)
				}
				if err := leader.storage.Append(rd.Entries); err != nil {
					b.Fatalf("append: %v", err)
				}
				if !rd.HardState.IsEmpty() {
					if err := leader.storage.SetHardState(rd.HardState); err != nil {
						b.Fatalf("set hard state: %v", err)
					}
				}
				leader.apply(b, rd.CommittedEntries)
				t1 := time.Now()
				leader.rn.Advance(rd)
				inReady += time.Since(t1)
				sent = rd.Messages
				if leader.applied >= c.compactedTo+benchCompactEvery {
					if err := leader.storage.Compact(leader.applied); err != nil {
						b.Fatalf("compact: %v", err)
					}
					c.compactedTo = leader.applied
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(inReady.Nanoseconds())/float64(b.N), "ready+advance-ns/op")
			// The last proposal commits with the last acknowledgements and
			// is applied by one more Ready.
			c.ackAppends(leader, sent)
			for leader.rn.HasReady() {
				rd := leader.rn.Ready()
				if err := leader.storage.Append(rd.Entries); err != nil {
					b.Fatalf("append: %v", err)
				}
				leader.apply(b, rd.CommittedEntries)
				leader.rn.Advance(rd)
			}
			if got := leader.proposals - base; got != b.N {
				b.Fatalf("leader applied %d proposals, want %d", got, b.N)
			}
		})
	}
}

// ackAppends steps into the leader the response each follower would send
// to the appends in msgs.
func (c *benchCluster) ackAppends(leader *benchNode, msgs []pb.Message) {
	for i := range msgs {
		m := &msgs[i]
		if m.Type != pb.MsgApp {
			c.tb.Fatalf("unexpected %v", m)
		}
		resp := pb.Message{Type: pb.MsgAppResp, From: m.To, To: m.From, Term: m.Term, Index: m.Index + uint64(len(m.Entries))}
		if err := leader.rn.Step(resp); err != nil {
			c.tb.Fatalf("step %v: %v", resp, err)
		}
	}
}

// TestBenchHarness runs the benchmark workloads briefly, so the harness
// stays correct under ordinary test runs.
func TestBenchHarness(t *testing.T) {
	for _, size := range []int{1, 3} {
		for _, window := range []int{1, 64} {
			t.Run(fmt.Sprintf("nodes=%d/window=%d", size, window), func(t *testing.T) {
				c := newBenchCluster(t, size)
				c.propose(2*benchCompactEvery+100, window)
				c.verify(2*benchCompactEvery + 100)
				if c.compactedTo == 0 {
					t.Fatal("storage was never compacted")
				}
			})
		}
	}
}
