package node

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// A snapshot damaged in transit is detected by the receiver, reported as
// failed to the leader, and sent again; the follower ends identical.
func TestCorruptSnapshotIsDetectedAndResent(t *testing.T) {
	c := newTestCluster(t, 3, func(cfg *Config) {
		cfg.SnapshotEntries, cfg.SnapshotKeep = 20, 2
	})
	lead := c.leader(10 * time.Second)
	victim := lead%3 + 1
	// Everyone reaches the victim through the proxy from now on.
	proxyAddr, damaged := startCorruptingProxy(t, c.addrs[victim], 1<<20, true)
	c.kill(victim)
	for id, tm := range c.nodes {
		_ = id
		tm.node.tr.AddPeer(victim, proxyAddr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	payload := make([]byte, 16<<10)
	for i := range 200 { // about 3 MiB of state: the snapshot stream is long
		payload[0] = byte(i)
		if _, err := c.nodes[lead].node.Propose(ctx, append([]byte(fmt.Sprint(i, ":")), payload...)); err != nil {
			t.Fatal(err)
		}
	}
	c.start(victim, c.addrs)
	for id, tm := range c.nodes {
		if id != victim {
			tm.node.tr.AddPeer(victim, proxyAddr)
		}
	}
	c.waitApplied(c.nodes[lead].node.AppliedIndex(), 30*time.Second)
	if !damaged.Load() {
		t.Fatal("the proxy never damaged a stream: the test did not exercise anything")
	}
	if c.nodes[victim].machine.restoreCount() == 0 {
		t.Fatal("the returning node did not install a snapshot")
	}
	c.checkIdentical()
}
