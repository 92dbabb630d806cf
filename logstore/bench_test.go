package logstore

import (
	"fmt"
	"path/filepath"
	"testing"

	pb "sqlraft/raft/raftpb"
)

// BenchmarkSave measures one Save per Ready, as the driver loop calls it,
// on a real file: batches of 1, 16 and 256 entries of 128 bytes. ns/op is
// the latency of one Save; entries/s the throughput of one node writing
// back to back.
//
//   - sync: the usual Ready, entries plus a moved commit index, which
//     the entry records carry: one StoreLogs, 1 transaction, 2 fdatasyncs.
//   - sync-new-term: every Ready also changes the term, so the HardState
//     record is written too: 2 transactions, 4 fdatasyncs (an election's
//     Ready; also what every Ready would cost with the commit index kept
//     only in the HardState record).
//   - nosync: the sync case without fsync, for comparison.
func BenchmarkSave(b *testing.B) {
	for _, mode := range []struct {
		name    string
		noSync  bool
		newTerm bool
	}{
		{"sync", false, false},
		{"sync-new-term", false, true},
		{"nosync", true, false},
	} {
		for _, batch := range []int{1, 16, 256} {
			b.Run(fmt.Sprintf("%s/batch=%d", mode.name, batch), func(b *testing.B) {
				s := openStore(b, filepath.Join(b.TempDir(), "raft.db"), Options{NoSync: mode.noSync})
				defer s.Close()
				data := make([]byte, 128)
				es := make([]pb.Entry, batch)
				hs := pb.HardState{Term: 1, Vote: 1}
				last := uint64(0)
				b.SetBytes(int64(batch * len(data)))
				b.ResetTimer()
				for b.Loop() {
					if mode.newTerm {
						hs.Term++
					}
					for k := range es {
						es[k] = pb.Entry{Index: last + 1 + uint64(k), Term: hs.Term, Data: data}
					}
					hs.Commit = last // the leader commits the previous batch
					if err := s.Save(hs, es, pb.Snapshot{}, true); err != nil {
						b.Fatal(err)
					}
					last += uint64(batch)
				}
				b.ReportMetric(float64(last)/b.Elapsed().Seconds(), "entries/s")
			})
		}
	}
}
