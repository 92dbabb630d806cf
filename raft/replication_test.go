package raft

import (
	"testing"

	pb "sqlraft/raft/raftpb"
)

// A proposal made after a commit-only append was queued (acks arrived
// between two Readys) joins that append and takes an inflight slot of its
// own; it must not extend a slot that does not exist. Found by the
// benchmarks; the simulator now lets inputs pile up between Readys too.
func TestMergeIntoCommitOnlyAppend(t *testing.T) {
	nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
	nw.campaign(1)
	l := nw.nodes[1].rn
	if err := l.Propose([]byte("a")); err != nil {
		t.Fatal(err)
	}
	rd := l.Ready()
	if err := nw.nodes[1].storage.Append(rd.Entries); err != nil {
		t.Fatal(err)
	}
	l.Advance(rd)
	for _, m := range rd.Messages {
		if m.Type != pb.MsgApp {
			continue
		}
		ack := pb.Message{Type: pb.MsgAppResp, From: m.To, To: 1, Term: m.Term, Index: m.Index + uint64(len(m.Entries))}
		if err := l.Step(ack); err != nil {
			t.Fatal(err)
		}
	}
	if err := l.Propose([]byte("b")); err != nil {
		t.Fatal(err)
	}
	rd = l.Ready()
	apps := 0
	for _, m := range rd.Messages {
		if m.Type == pb.MsgApp {
			apps++
			if len(m.Entries) != 1 || string(m.Entries[0].Data) != "b" {
				t.Errorf("append to %d carries %v, want the one new entry", m.To, m.Entries)
			}
		}
	}
	if apps != 2 {
		t.Errorf("%d appends, want one per follower", apps)
	}
	for _, id := range []uint64{2, 3} {
		if n := l.raft.trk.Progress[id].Inflights.Count(); n != 1 {
			t.Errorf("follower %d has %d appends in flight, want 1", id, n)
		}
	}
}
