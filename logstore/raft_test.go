package logstore

import (
	"errors"
	"path/filepath"
	"testing"

	"sqlraft/raft"
	pb "sqlraft/raft/raftpb"
)

// singleNode drives a one-voter RawNode on a Store the way the node's
// driver loop does: one Save per Ready, before applying and Advance.
type singleNode struct {
	t       *testing.T
	s       *Store
	rn      *raft.RawNode
	applied uint64
	data    []string
}

func startNode(t *testing.T, s *Store, applied uint64) *singleNode {
	t.Helper()
	rn, err := raft.NewRawNode(&raft.Config{ID: 1, ElectionTick: 10, HeartbeatTick: 1, Storage: s, Applied: applied})
	if err != nil {
		t.Fatalf("NewRawNode: %v", err)
	}
	return &singleNode{t: t, s: s, rn: rn, applied: applied}
}

func (n *singleNode) settle() {
	n.t.Helper()
	for n.rn.HasReady() {
		rd := n.rn.Ready()
		if err := n.s.Save(rd.HardState, rd.Entries, rd.Snapshot, rd.MustSync); err != nil {
			n.t.Fatalf("Save: %v", err)
		}
		for _, e := range rd.CommittedEntries {
			if e.Type == pb.EntryNormal && len(e.Data) > 0 {
				n.data = append(n.data, string(e.Data))
			}
			n.applied = e.Index
		}
		n.rn.Advance(rd)
	}
}

func (n *singleNode) campaign() {
	n.t.Helper()
	if err := n.rn.Campaign(); err != nil {
		n.t.Fatal(err)
	}
	n.settle()
	if st := n.rn.Status(); st.RaftState != raft.StateLeader {
		n.t.Fatalf("state %s after campaigning, want leader", st.RaftState)
	}
}

// raft.Bootstrap initializes a fresh Store, a RawNode runs on it, and after
// a restart a new RawNode finds its term, vote, commit and log.
func TestRawNodeOnStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "raft.db")
	s := openStore(t, path, Options{})
	if err := raft.Bootstrap(s, pb.ConfState{Voters: []uint64{1}}); err != nil {
		t.Fatalf("Bootstrap: %v", err)
	}
	if err := raft.Bootstrap(s, pb.ConfState{Voters: []uint64{1}}); !errors.Is(err, raft.ErrAlreadyBootstrapped) {
		t.Fatalf("second Bootstrap = %v, want ErrAlreadyBootstrapped", err)
	}

	n := startNode(t, s, 1)
	n.campaign()
	for _, d := range []string{"a", "b", "c"} {
		if err := n.rn.Propose([]byte(d)); err != nil {
			t.Fatal(err)
		}
		n.settle()
	}
	if len(n.data) != 3 {
		t.Fatalf("applied %q, want a b c", n.data)
	}
	before := n.rn.BasicStatus().HardState
	applied := n.applied
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = openStore(t, path, Options{})
	defer s.Close()
	n = startNode(t, s, applied)
	if got := n.rn.BasicStatus().HardState; got != before {
		t.Fatalf("hard state after restart = %+v, want %+v", got, before)
	}
	n.campaign()
	if err := n.rn.Propose([]byte("d")); err != nil {
		t.Fatal(err)
	}
	n.settle()
	if len(n.data) != 1 || n.data[0] != "d" {
		t.Fatalf("applied %q after restart, want only d", n.data)
	}
	if hs, _, _ := s.InitialState(); hs.Term <= before.Term || hs.Commit != n.applied {
		t.Fatalf("stored hard state %+v, want a later term and commit %d", hs, n.applied)
	}
}
