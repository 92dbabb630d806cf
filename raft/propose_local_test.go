package raft

import (
	"errors"
	"testing"

	pb "sqlraft/raft/raftpb"
)

// ProposeLocal tells the proposer where its entry went, so it can later
// tell a committed proposal from one a new leader overwrote.
func TestProposeLocalReportsPositionAndLoss(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)

	if _, _, err := nw.nodes[2].rn.ProposeLocal(pb.Entry{Data: []byte("f")}); !errors.Is(err, ErrNotLeader) {
		t.Fatalf("ProposeLocal on a follower: %v, want ErrNotLeader", err)
	}
	if nw.nodes[2].rn.HasReady() {
		t.Fatal("a refused ProposeLocal produced a Ready (it must not forward)")
	}

	index, term, err := nw.nodes[1].rn.ProposeLocal(pb.Entry{Data: []byte("kept")})
	if err != nil {
		t.Fatal(err)
	}
	nw.stabilize()
	if got := entryAt(t, nw, 2, index); string(got.Data) != "kept" || got.Term != term {
		t.Fatalf("entry %d on node 2 = %d/%q, want %d/kept", index, got.Term, got.Data, term)
	}

	// The leader, cut off, appends an entry nobody else sees; the others
	// elect a leader whose entries take that index.
	nw.isolate(1)
	lost, lostTerm, err := nw.nodes[1].rn.ProposeLocal(pb.Entry{Data: []byte("lost")})
	if err != nil {
		t.Fatal(err)
	}
	nw.stabilize()
	// Node 2 times out first; node 3's lease on node 1 has expired by then.
	et := nw.raft(2).electionTimeout
	nw.raft(2).randomizedElectionTimeout = et
	nw.raft(3).randomizedElectionTimeout = 2 * et
	nw.tick(et, 2, 3)
	if lead := nw.leader(); lead != 2 {
		t.Fatalf("leader after the partition: %d, want 2", lead)
	}
	if err := nw.propose(2, "winner"); err != nil {
		t.Fatal(err)
	}
	nw.heal()
	nw.tick(1, 2) // a heartbeat brings node 1 back
	nw.stabilize()
	got := entryAt(t, nw, 1, lost)
	if got.Term == lostTerm {
		t.Fatalf("entry %d on node 1 still has the lost proposal's term %d", lost, lostTerm)
	}
	for _, d := range nw.appliedData(1) {
		if d == "lost" {
			t.Fatal("the overwritten proposal was applied")
		}
	}
}

func entryAt(t *testing.T, nw *testNetwork, id, index uint64) pb.Entry {
	t.Helper()
	ents, err := nw.nodes[id].storage.Entries(index, index+1, 0)
	if err != nil || len(ents) != 1 {
		t.Fatalf("entry %d on node %d: %v (%d entries)", index, id, err, len(ents))
	}
	return ents[0]
}
