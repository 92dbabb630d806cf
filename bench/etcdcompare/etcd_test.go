package etcdcompare

import (
	"fmt"
	"io"
	"log"

	"go.etcd.io/raft/v3"
	pb "go.etcd.io/raft/v3/raftpb"
)

// etcdNode adapts go.etcd.io/raft/v3. Keep it line for line parallel to
// oursNode. Since v3.7 the message types are protobuf-go structs: pointers
// everywhere and optional fields read through getters.
type etcdNode struct {
	rn        *raft.RawNode
	storage   *raft.MemoryStorage
	peers     *[]*etcdNode
	lastIndex uint64
	count     int
}

// etcdLogger discards etcd's log, as sqlraft's nil Logger does.
var etcdLogger = &raft.DefaultLogger{Logger: log.New(io.Discard, "", 0)}

func newEtcdNodes(size int) ([]node, error) {
	voters := make([]uint64, size)
	for i := range voters {
		voters[i] = uint64(i + 1)
	}
	peers := make([]*etcdNode, 0, size)
	nodes := make([]node, 0, size)
	for _, id := range voters {
		s := raft.NewMemoryStorage()
		// A snapshot at index 1, term 1 holding the membership, as
		// sqlraft's Bootstrap writes (and etcd recommends over
		// RawNode.Bootstrap).
		snap := &pb.Snapshot{Metadata: &pb.SnapshotMetadata{
			Index:     new(uint64(1)),
			Term:      new(uint64(1)),
			ConfState: &pb.ConfState{Voters: voters},
		}}
		if err := s.ApplySnapshot(snap); err != nil {
			return nil, fmt.Errorf("bootstrap %d: %w", id, err)
		}
		if err := s.SetHardState(&pb.HardState{Term: new(uint64(1)), Commit: new(uint64(1))}); err != nil {
			return nil, fmt.Errorf("bootstrap %d: %w", id, err)
		}
		rn, err := raft.NewRawNode(&raft.Config{
			ID:              id,
			ElectionTick:    electionTick,
			HeartbeatTick:   heartbeatTick,
			Storage:         s,
			MaxSizePerMsg:   maxSizePerMsg,
			MaxInflightMsgs: maxInflightMsgs,
			CheckQuorum:     true,
			PreVote:         true,
			Logger:          etcdLogger,
		})
		if err != nil {
			return nil, fmt.Errorf("new node %d: %w", id, err)
		}
		n := &etcdNode{rn: rn, storage: s, peers: &peers, lastIndex: 1}
		peers = append(peers, n)
		nodes = append(nodes, n)
	}
	return nodes, nil
}

func (n *etcdNode) campaign() error           { return n.rn.Campaign() }
func (n *etcdNode) propose(data []byte) error { return n.rn.Propose(data) }
func (n *etcdNode) isLeader() bool            { return n.rn.BasicStatus().RaftState == raft.StateLeader }
func (n *etcdNode) hasReady() bool            { return n.rn.HasReady() }
func (n *etcdNode) proposals() int            { return n.count }
func (n *etcdNode) applied() uint64           { return n.lastIndex }
func (n *etcdNode) compact(index uint64) error {
	return n.storage.Compact(index)
}

func (n *etcdNode) handleReady() error {
	rd := n.rn.Ready()
	if !raft.IsEmptySnap(rd.Snapshot) {
		return errUnexpectedSnapshot
	}
	if err := n.storage.Append(rd.Entries); err != nil {
		return fmt.Errorf("append: %w", err)
	}
	if !raft.IsEmptyHardState(rd.HardState) {
		if err := n.storage.SetHardState(rd.HardState); err != nil {
			return fmt.Errorf("set hard state: %w", err)
		}
	}
	peers := *n.peers
	for _, m := range rd.Messages {
		if m.GetTo() == 0 || m.GetTo() > uint64(len(peers)) {
			return fmt.Errorf("message to unknown node: %v", m)
		}
		if err := peers[m.GetTo()-1].rn.Step(m); err != nil {
			return fmt.Errorf("step %v: %w", m, err)
		}
	}
	for _, e := range rd.CommittedEntries {
		if e.GetType() != pb.EntryNormal {
			return fmt.Errorf("unexpected %s at index %d", e.GetType(), e.GetIndex())
		}
		if len(e.GetData()) > 0 {
			n.count++
		}
		n.lastIndex = e.GetIndex()
	}
	n.rn.Advance(rd)
	return nil
}
