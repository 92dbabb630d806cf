package fsm

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"testing"
	"time"
)

// BenchmarkApply applies entries of 1, 16 and 256 single-row INSERT
// statements (one Atomic command, one SQLite transaction each).
func BenchmarkApply(b *testing.B) {
	for _, batch := range []int{1, 16, 256} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			f, err := Open(b.TempDir(), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			mustApply(b, f, 1, cmd(1, "CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, v TEXT, at TEXT DEFAULT CURRENT_TIMESTAMP)"))
			payload := TextValue(string(bytes.Repeat([]byte("x"), 100)))
			row := int64(0)
			b.ResetTimer()
			for i := range b.N {
				c := Command{Mode: Atomic, UnixMicro: baseMicro + int64(i), Seed: uint64(i)}
				for range batch {
					row++
					c.Statements = append(c.Statements, Statement{SQL: "INSERT INTO t(k, v) VALUES (?1, ?2)", Params: []Value{IntValue(row), payload}})
				}
				if r := f.Apply(uint64(i+2), 1, c.Marshal()).(*Result); r.Err != nil {
					b.Fatal(r.Err)
				}
			}
			b.StopTimer() // leave Close (a checkpoint) out
			s := b.Elapsed().Seconds()
			b.ReportMetric(float64(b.N)/s, "entries/s")
			b.ReportMetric(float64(row)/s, "rows/s")
		})
	}
}

// benchDB fills a new FSM with about mb megabytes of rows (1 KB each,
// incompressible, with an index) and returns it.
func benchDB(b *testing.B, mb int) *FSM {
	b.Helper()
	f, err := Open(b.TempDir(), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { f.Close() })
	mustApply(b, f, 1, cmd(1, "CREATE TABLE big(id INTEGER PRIMARY KEY, k TEXT, payload BLOB)", "CREATE INDEX big_k ON big(k)"))
	rows := mb * 1000
	const perEntry = 5000
	for i := 0; i < rows; i += perEntry {
		index := uint64(2 + i/perEntry)
		c := cmd(index)
		c.Statements = []Statement{{SQL: `WITH RECURSIVE n(x) AS (SELECT ?1 UNION ALL SELECT x + 1 FROM n WHERE x < ?2)
			INSERT INTO big(id, k, payload) SELECT x, hex(randomblob(8)), randomblob(960) FROM n ORDER BY x`,
			Params: []Value{IntValue(int64(i + 1)), IntValue(int64(min(i+perEntry, rows)))}}}
		mustApply(b, f, index, c)
	}
	return f
}

func dbSize(b *testing.B, f *FSM) int64 {
	var img bytes.Buffer
	if _, err := f.Snapshot(&img); err != nil {
		b.Fatal(err)
	}
	return int64(img.Len())
}

func benchSizes(b *testing.B) []int {
	if testing.Short() {
		return []int{10}
	}
	if os.Getenv("SQLRAFT_LONG_TESTS") != "" {
		return []int{10, 100, 1000} // building the 1 GB database takes a minute or two
	}
	return []int{10, 100}
}

// BenchmarkSnapshot measures Snapshot (image and stream to io.Discard) with
// both ways to take the image, while another goroutine keeps applying
// single-row entries; MB/s is of the image, max-apply-ms the longest Apply
// meanwhile (how long the snapshot held Apply off).
func BenchmarkSnapshot(b *testing.B) {
	for _, mb := range benchSizes(b) {
		f := benchDB(b, mb)
		mustApply(b, f, f.AppliedIndex()+1, cmd(f.AppliedIndex()+1, "CREATE TABLE side(v)"))
		size := dbSize(b, f)
		for _, m := range []snapshotMethod{snapshotBackup, snapshotVacuum} {
			b.Run(fmt.Sprintf("%dMB/%v", mb, m), func(b *testing.B) {
				f.snapshotMethod = m
				b.SetBytes(size)
				stop := make(chan struct{})
				stall := make(chan time.Duration)
				go func() {
					var worst time.Duration
					for i := f.AppliedIndex() + 1; ; i++ {
						select {
						case <-stop:
							stall <- worst
							return
						default:
						}
						start := time.Now()
						f.Apply(i, 1, cmd(i, "INSERT INTO side VALUES (random())").Marshal())
						worst = max(worst, time.Since(start))
					}
				}()
				for range b.N {
					if _, err := f.Snapshot(io.Discard); err != nil {
						b.Fatal(err)
					}
				}
				b.StopTimer()
				close(stop)
				b.ReportMetric(float64((<-stall).Microseconds())/1000, "max-apply-ms")
			})
		}
		f.snapshotMethod = snapshotBackup
	}
}

// BenchmarkRestore measures Restore of a snapshot image held in memory:
// receive into a temporary file, fsync, quick_check, swap, reopen.
func BenchmarkRestore(b *testing.B) {
	for _, mb := range benchSizes(b) {
		src := benchDB(b, mb)
		var img bytes.Buffer
		if _, err := src.Snapshot(&img); err != nil {
			b.Fatal(err)
		}
		index := src.AppliedIndex()
		src.Close()
		b.Run(fmt.Sprintf("%dMB", mb), func(b *testing.B) {
			dst, err := Open(b.TempDir(), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer dst.Close()
			b.SetBytes(int64(img.Len()))
			for range b.N {
				if err := dst.Restore(bytes.NewReader(img.Bytes()), index); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
		})
	}
}
