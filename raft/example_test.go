package raft_test

import (
	"fmt"
	"sort"
	"strings"

	"sqlraft/raft"
	pb "sqlraft/raft/raftpb"
)

// kvNode is one replica of a tiny replicated key-value store.
type kvNode struct {
	rn      *raft.RawNode
	storage *raft.MemoryStorage
	kv      map[string]string
}

// handleReady follows the Ready contract: persist, send, apply, Advance.
func (n *kvNode) handleReady(send func(pb.Message)) {
	rd := n.rn.Ready()
	if err := n.storage.Append(rd.Entries); err != nil {
		panic(err)
	}
	if !rd.HardState.IsEmpty() {
		if err := n.storage.SetHardState(rd.HardState); err != nil {
			panic(err)
		}
	}
	for _, m := range rd.Messages {
		send(m)
	}
	for _, e := range rd.CommittedEntries {
		if e.Type == pb.EntryNormal && len(e.Data) > 0 {
			k, v, _ := strings.Cut(string(e.Data), "=")
			n.kv[k] = v
		}
	}
	n.rn.Advance(rd)
}

// Example shows a three-replica key-value store on RawNode and
// MemoryStorage, with messages passed in memory.
func Example() {
	voters := []uint64{1, 2, 3}
	nodes := map[uint64]*kvNode{}
	for _, id := range voters {
		ms := raft.NewMemoryStorage()
		if err := raft.Bootstrap(ms, pb.ConfState{Voters: voters}); err != nil {
			panic(err)
		}
		rn, err := raft.NewRawNode(&raft.Config{ID: id, ElectionTick: 10, HeartbeatTick: 1, Storage: ms, Applied: 1})
		if err != nil {
			panic(err)
		}
		nodes[id] = &kvNode{rn: rn, storage: ms, kv: map[string]string{}}
	}

	// A network that delivers every message at once.
	var inflight []pb.Message
	send := func(m pb.Message) { inflight = append(inflight, m) }
	settle := func() {
		for {
			for _, id := range voters {
				for nodes[id].rn.HasReady() {
					nodes[id].handleReady(send)
				}
			}
			if len(inflight) == 0 {
				return
			}
			msgs := inflight
			inflight = nil
			for _, m := range msgs {
				_ = nodes[m.To].rn.Step(m)
			}
		}
	}

	if err := nodes[1].rn.Campaign(); err != nil {
		panic(err)
	}
	settle()
	// Proposals may be made on any node; followers forward them.
	_ = nodes[1].rn.Propose([]byte("color=blue"))
	_ = nodes[3].rn.Propose([]byte("shape=round"))
	settle()

	for _, id := range voters {
		var pairs []string
		for k, v := range nodes[id].kv {
			pairs = append(pairs, k+"="+v)
		}
		sort.Strings(pairs)
		fmt.Printf("node %d (%s): %s\n", id, nodes[id].rn.Status().RaftState, strings.Join(pairs, " "))
	}
	// Output:
	// node 1 (StateLeader): color=blue shape=round
	// node 2 (StateFollower): color=blue shape=round
	// node 3 (StateFollower): color=blue shape=round
}
