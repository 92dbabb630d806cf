package node

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	pb "sqlraft/raft/raftpb"
)

// syncCounter counts the synced Saves (each one bbolt transaction with its
// fdatasyncs) a store performs.
type syncCounter struct {
	LogStore
	saves, entries atomic.Int64
}

func (s *syncCounter) Save(hs pb.HardState, ents []pb.Entry, snap pb.Snapshot, sync bool) error {
	if sync {
		s.saves.Add(1)
		s.entries.Add(int64(len(ents)))
	}
	return s.LogStore.Save(hs, ents, snap, sync)
}

// BenchmarkClusterPropose measures three nodes over loopback TCP with fsync
// on: 128-byte proposals from 1, 16 and 64 concurrent proposers at the
// leader. It reports proposals/s, p50/p99 latency and how many entries the
// leader persisted per synced write (group commit).
func BenchmarkClusterPropose(b *testing.B) {
	payload := make([]byte, 128)
	for _, proposers := range []int{1, 16, 64} {
		b.Run(fmt.Sprintf("proposers=%d", proposers), func(b *testing.B) {
			counters := map[uint64]*syncCounter{}
			var mu sync.Mutex
			c := newTestCluster(b, 3, func(cfg *Config) {
				sc := &syncCounter{LogStore: cfg.Store}
				mu.Lock()
				counters[cfg.ID] = sc
				mu.Unlock()
				cfg.Store = sc
				cfg.TickInterval = 50 * time.Millisecond
			})
			lead := c.leader(20 * time.Second)
			n := c.nodes[lead].node
			ctx := context.Background()
			latencies := make([]time.Duration, b.N)
			var next atomic.Int64
			leaderSaves := counters[lead].saves.Load()
			leaderEntries := counters[lead].entries.Load()
			b.ResetTimer()
			start := time.Now()
			var wg sync.WaitGroup
			for range proposers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := next.Add(1) - 1
						if i >= int64(b.N) {
							return
						}
						t0 := time.Now()
						if _, err := n.Propose(ctx, payload); err != nil {
							b.Error(err)
							return
						}
						latencies[i] = time.Since(t0)
					}
				}()
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			slices.Sort(latencies)
			saves := counters[lead].saves.Load() - leaderSaves
			ents := counters[lead].entries.Load() - leaderEntries
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "proposals/s")
			b.ReportMetric(float64(latencies[len(latencies)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds()), "p99-µs")
			b.ReportMetric(float64(saves)/elapsed.Seconds(), "leader-fsyncs/s")
			if saves > 0 {
				b.ReportMetric(float64(ents)/float64(saves), "entries/fsync")
			}
		})
	}
}
