package etcdcompare

import (
	"fmt"

	"sqlraft/raft"
	pb "sqlraft/raft/raftpb"
)

// oursNode adapts sqlraft/raft. Keep it line for line parallel to etcdNode.
type oursNode struct {
	rn        *raft.RawNode
	storage   *raft.MemoryStorage
	peers     *[]*oursNode
	lastIndex uint64
	count     int
}

func newOursNodes(size int) ([]node, error) {
	voters := make([]uint64, size)
	for i := range voters {
		voters[i] = uint64(i + 1)
	}
	peers := make([]*oursNode, 0, size)
	nodes := make([]node, 0, size)
	for _, id := range voters {
		s := raft.NewMemoryStorage()
		// A snapshot at index 1, term 1 holding the membership.
		if err := raft.Bootstrap(s, pb.ConfState{Voters: voters}); err != nil {
			return nil, fmt.Errorf("bootstrap %d: %w", id, err)
		}
		// PreVote and CheckQuorum are on by default.
		rn, err := raft.NewRawNode(&raft.Config{
			ID:              id,
			ElectionTick:    electionTick,
			HeartbeatTick:   heartbeatTick,
			Storage:         s,
			MaxSizePerMsg:   maxSizePerMsg,
			MaxInflightMsgs: maxInflightMsgs,
		})
		if err != nil {
			return nil, fmt.Errorf("new node %d: %w", id, err)
		}
		n := &oursNode{rn: rn, storage: s, peers: &peers, lastIndex: 1}
		peers = append(peers, n)
		nodes = append(nodes, n)
	}
	return nodes, nil
}

func (n *oursNode) campaign() error           { return n.rn.Campaign() }
func (n *oursNode) propose(data []byte) error { return n.rn.Propose(data) }
func (n *oursNode) isLeader() bool            { return n.rn.BasicStatus().RaftState == raft.StateLeader }
func (n *oursNode) hasReady() bool            { return n.rn.HasReady() }
func (n *oursNode) proposals() int            { return n.count }
func (n *oursNode) applied() uint64           { return n.lastIndex }
func (n *oursNode) compact(index uint64) error {
	return n.storage.Compact(index)
}

func (n *oursNode) handleReady() error {
	rd := n.rn.Ready()
	if !rd.Snapshot.IsEmpty() {
		return errUnexpectedSnapshot
	}
	if err := n.storage.Append(rd.Entries); err != nil {
		return fmt.Errorf("append: %w", err)
	}
	if !rd.HardState.IsEmpty() {
		if err := n.storage.SetHardState(rd.HardState); err != nil {
			return fmt.Errorf("set hard state: %w", err)
		}
	}
	peers := *n.peers
	for i := range rd.Messages {
		m := &rd.Messages[i]
		if m.To == 0 || m.To > uint64(len(peers)) {
			return fmt.Errorf("message to unknown node: %v", m)
		}
		if err := peers[m.To-1].rn.Step(*m); err != nil {
			return fmt.Errorf("step %v: %w", m, err)
		}
	}
	for i := range rd.CommittedEntries {
		e := &rd.CommittedEntries[i]
		if e.Type != pb.EntryNormal {
			return fmt.Errorf("unexpected %s at index %d", e.Type, e.Index)
		}
		if len(e.Data) > 0 {
			n.count++
		}
		n.lastIndex = e.Index
	}
	n.rn.Advance(rd)
	return nil
}
