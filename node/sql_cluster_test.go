package node

import (
	"context"
	"fmt"
	"path/filepath"
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
