package node

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"sqlraft/fsm"
)

func fsmMachine(t testing.TB) func(dir string) StateMachine {
	return func(dir string) StateMachine {
		m, err := fsm.Open(filepath.Join(dir, "sql"), fsm.Options{})
		if err != nil {
			t.Fatalf("open fsm: %v", err)
		}
		return m
	}
}

func exec(t testing.TB, ctx context.Context, n *Node, sql string, params ...fsm.Value) *fsm.Result {
	t.Helper()
	cmd := fsm.NewCommand(fsm.Atomic, fsm.Statement{SQL: sql, Params: params})
	res, err := n.Propose(ctx, cmd.Marshal())
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	r := res.(*fsm.Result)
	if r.Err != nil {
		t.Fatalf("%s: %+v", sql, r.Err)
	}
	return r
}

// checkSameSQL compares the logical checksums of every node's database.
func checkSameSQL(t *testing.T, c *testCluster) {
	t.Helper()
	var ref [32]byte
	var refID uint64
	for id, tm := range c.nodes {
		sum, _, err := tm.sm.(*fsm.FSM).Checksum(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if refID == 0 {
			ref, refID = sum, id
		} else if sum != ref {
			t.Fatalf("node %d's database differs from node %d's", id, refID)
		}
	}
}

// A three-node cluster replicates SQL that uses random() and the clock into
// identical SQLite databases; a node far behind catches up through a
// snapshot of the database while writes continue, and ends identical too.
func TestClusterReplicatesSQL(t *testing.T) {
	c := newTestClusterWith(t, 3, func(cfg *Config) {
		cfg.SnapshotEntries, cfg.SnapshotKeep = 50, 5
	}, fsmMachine(t))
	lead := c.leader(10 * time.Second)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	n := c.nodes[lead].node
	exec(t, ctx, n, "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, r INTEGER, at TEXT DEFAULT CURRENT_TIMESTAMP, note TEXT)")
	for i := range 40 {
		exec(t, ctx, n, "INSERT INTO t (r, note) VALUES (random(), ?1)", fsm.TextValue(fmt.Sprint("row ", i)))
	}
	c.waitApplied(n.AppliedIndex(), 20*time.Second)
	checkSameSQL(t, c)

	lagging := lead%3 + 1
	c.kill(lagging)
	for i := range 200 {
		exec(t, ctx, n, "INSERT INTO t (r, note) VALUES (random(), datetime('now'))")
		if i == 100 {
			c.start(lagging, c.addrs) // it returns while writes continue
		}
	}
	c.waitApplied(n.AppliedIndex(), 30*time.Second)
	checkSameSQL(t, c)
	rows, err := c.nodes[lagging].sm.(*fsm.FSM).Query(ctx, "SELECT count(*) FROM t")
	if err != nil {
		t.Fatal(err)
	}
	if got := rows.Values[0][0].Int(); got != 240 {
		t.Fatalf("the returning node has %d rows, want 240", got)
	}
}

// BenchmarkWriteStallDuringSnapshot measures how long a write waits while
// the node snapshots a ~50 MB SQLite database: snapshots run every 20
// entries, on their own goroutine. It reports the longest and the p99
// proposal latency over b.N small inserts.
func BenchmarkWriteStallDuringSnapshot(b *testing.B) {
	c := newTestClusterWith(b, 1, func(cfg *Config) {
		cfg.SnapshotEntries, cfg.SnapshotKeep = 20, 5
	}, fsmMachine(b))
	n := c.nodes[c.leader(10*time.Second)].node
	ctx := context.Background()
	exec(b, ctx, n, "CREATE TABLE big (id INTEGER PRIMARY KEY, pad BLOB)")
	for i := range 5 {
		exec(b, ctx, n, `WITH RECURSIVE c(x) AS (SELECT ?1 UNION ALL SELECT x+1 FROM c WHERE x < ?1 + 9999)
			INSERT INTO big SELECT x, randomblob(1000) FROM c ORDER BY x`, fsm.IntValue(int64(i*10000)))
	}
	exec(b, ctx, n, "CREATE TABLE small (id INTEGER PRIMARY KEY, v INTEGER)")
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		t0 := time.Now()
		exec(b, ctx, n, "INSERT INTO small (v) VALUES (?1)", fsm.IntValue(int64(i)))
		lat = append(lat, time.Since(t0))
	}
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)-1].Microseconds()), "max-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
}

// A 200 MB database reaches a new node through a snapshot: it is added as
// a learner, installs the image, and ends with the same content. It takes
// about a minute, so it runs only with SQLRAFT_LONG_TESTS=1.
func TestLargeSnapshotInstallsOnNewNode(t *testing.T) {
	if os.Getenv("SQLRAFT_LONG_TESTS") == "" {
		t.Skip("set SQLRAFT_LONG_TESTS=1 to install a 200 MB snapshot on a new node")
	}
	c := newTestClusterWith(t, 3, func(cfg *Config) {
		cfg.SnapshotEntries, cfg.SnapshotKeep = 10, 2
		// Applying 10 MB entries on three nodes sharing two cores takes
		// longer than the 10 ms test tick allows before elections.
		cfg.TickInterval = 100 * time.Millisecond
	}, fsmMachine(t))
	lead := c.leader(20 * time.Second)
	n := c.nodes[lead].node
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	exec(t, ctx, n, "CREATE TABLE big (id INTEGER PRIMARY KEY, pad BLOB)")
	for i := range 20 { // 20 x 10,000 rows x 1 KB
		exec(t, ctx, n, `WITH RECURSIVE c(x) AS (SELECT ?1 UNION ALL SELECT x+1 FROM c WHERE x < ?1 + 9999)
			INSERT INTO big SELECT x, randomblob(1000) FROM c ORDER BY x`, fsm.IntValue(int64(i*10000)))
	}
	c.waitApplied(n.AppliedIndex(), 2*time.Minute)
	c.addrs[4] = freeAddrs(t, 1)[0]
	c.start(4, nil)
	start := time.Now()
	if err := n.AddLearner(ctx, 4, c.addrs[4]); err != nil {
		t.Fatal(err)
	}
	c.waitApplied(n.AppliedIndex(), 4*time.Minute)
	t.Logf("the new node caught up on a 200 MB database in %v", time.Since(start).Round(time.Millisecond))
	checkSameSQL(t, c)
	rows, err := c.nodes[4].sm.(*fsm.FSM).Query(ctx, "SELECT count(*), sum(length(pad)) FROM big")
	if err != nil {
		t.Fatal(err)
	}
	if rows.Values[0][0].Int() != 200000 || rows.Values[0][1].Int() != 200_000_000 {
		t.Fatalf("the new node has %v rows/bytes, want 200000 rows of 1000 bytes", rows.Values[0])
	}
}
