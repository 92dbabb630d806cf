package etcdcompare

import (
	"fmt"
	"testing"
)

// One op is one proposal: ns/op, B/op and allocs/op are per proposal, and
// proposals/s is b.N over the measured time. A benchmark fails unless every
// node applied all b.N proposals.

// BenchmarkOurs3Nodes and BenchmarkEtcd3Nodes propose through the leader of
// three nodes, waiting for each proposal to apply on the leader
// (inflight=1) or keeping up to 64 outstanding (inflight=64).
func BenchmarkOurs3Nodes(b *testing.B) { benchmarkWorkload(b, newOursNodes, 3, "inflight") }
func BenchmarkEtcd3Nodes(b *testing.B) { benchmarkWorkload(b, newEtcdNodes, 3, "inflight") }

// BenchmarkOursSingleNode and BenchmarkEtcdSingleNode propose through a
// single voter, one proposal at a time (batch=1) or 64 before each Ready
// (batch=64).
func BenchmarkOursSingleNode(b *testing.B) { benchmarkWorkload(b, newOursNodes, 1, "batch") }
func BenchmarkEtcdSingleNode(b *testing.B) { benchmarkWorkload(b, newEtcdNodes, 1, "batch") }

func benchmarkWorkload(b *testing.B, newNodes newNodesFunc, size int, window string) {
	for _, w := range []int{1, 64} {
		b.Run(fmt.Sprintf("%s=%d", window, w), func(b *testing.B) {
			c, err := startCluster(newNodes, size)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			if err := c.propose(b.N, w); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "proposals/s")
			if err := c.verify(b.N); err != nil {
				b.Fatal(err)
			}
		})
	}
}

// TestWorkload runs every benchmark's workload briefly, past a compaction,
// so the harness is checked by a plain `go test`.
func TestWorkload(t *testing.T) {
	libs := []struct {
		name     string
		newNodes newNodesFunc
	}{{"ours", newOursNodes}, {"etcd", newEtcdNodes}}
	const total = compactEvery + 500
	for _, lib := range libs {
		for _, size := range []int{1, 3} {
			for _, w := range []int{1, 64} {
				t.Run(fmt.Sprintf("%s/nodes=%d/window=%d", lib.name, size, w), func(t *testing.T) {
					c, err := startCluster(lib.newNodes, size)
					if err != nil {
						t.Fatal(err)
					}
					if err := c.propose(total, w); err != nil {
						t.Fatal(err)
					}
					if err := c.verify(total); err != nil {
						t.Fatal(err)
					}
					if c.compactedTo == 0 {
						t.Fatal("storage was never compacted")
					}
				})
			}
		}
	}
}
