package raft

import (
	"encoding/binary"
	"errors"
	"testing"

	pb "sqlraft/raft/raftpb"
)

// fuzzReader turns fuzz input into message fields; it yields zeros once the
// input runs out, so every input decodes to some message.
type fuzzReader struct{ b []byte }

func (r *fuzzReader) byte() byte {
	if len(r.b) == 0 {
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

// small returns a value that is usually near the interesting range (0..15)
// and sometimes a full 64-bit value.
func (r *fuzzReader) small() uint64 {
	v := r.byte()
	if v == 0xff && len(r.b) >= 8 {
		x := binary.LittleEndian.Uint64(r.b)
		r.b = r.b[8:]
		return x
	}
	return uint64(v % 16)
}

func (r *fuzzReader) message(to uint64) pb.Message {
	m := pb.Message{
		Type:       pb.MessageType(r.byte() % 24), // includes invalid types
		To:         to,
		From:       r.small(),
		Term:       r.small(),
		LogTerm:    r.small(),
		Index:      r.small(),
		Commit:     r.small(),
		Seq:        r.small(),
		Reject:     r.byte()%2 == 1,
		RejectHint: r.small(),
	}
	if r.byte()%8 == 0 {
		m.To = r.small()
	}
	for n := r.byte() % 4; n > 0; n-- {
		e := pb.Entry{Term: r.small(), Index: r.small(), Type: pb.EntryType(r.byte() % 3)}
		if r.byte()%2 == 0 {
			// Mostly well-formed appends, so the fuzzer gets past
			// validation and into the protocol.
			e.Index = m.Index + uint64(len(m.Entries)) + 1
			e.Term = max(m.LogTerm, m.Term)
		}
		if e.Type == pb.EntryConfChangeV2 && r.byte()%2 == 0 {
			cc := pb.ConfChangeV2{Changes: []pb.ConfChangeSingle{{Type: pb.ConfChangeType(r.byte() % 3), NodeID: r.small()}}}
			e.Data = cc.Marshal()
		} else {
			e.Data = []byte{r.byte()}
		}
		m.Entries = append(m.Entries, e)
	}
	if r.byte()%4 == 0 {
		m.Snapshot = &pb.Snapshot{Metadata: pb.SnapshotMetadata{
			Index:     r.small(),
			Term:      r.small(),
			ConfState: pb.ConfState{Voters: []uint64{r.small(), r.small()}, Learners: []uint64{r.small()}},
		}}
	}
	if r.byte()%4 == 0 {
		m.Context = []byte(campaignTransfer)
	}
	return m
}

// FuzzStep feeds arbitrary message sequences to a node, as a hostile or
// corrupted network would. The node must never panic; a message refused as
// invalid must change nothing; and the node must keep handling Readys.
func FuzzStep(f *testing.F) {
	f.Add([]byte{byte(pb.MsgApp), 2, 2, 1, 1, 1, 0, 0, 0, 1, 1, 3, 0, 0, 0})
	f.Add([]byte{byte(pb.MsgHeartbeat), 2, 2, 0, 0, 15, 1, 0, 0})
	f.Add([]byte{byte(pb.MsgVote), 3, 5, 4, 9, 0, 0, 0, 0, 0, 0, 1})
	f.Add([]byte{byte(pb.MsgSnap), 2, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 2, 1, 2, 3, 0})
	f.Add([]byte{byte(pb.MsgAppResp), 2, 2, 0, 9, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Add([]byte{byte(pb.MsgProp), 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 1, 0, 0, 1, 4})
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &fuzzReader{b: data}
		// Half the runs start from a leader with a short log, the other
		// half from a fresh follower.
		nw := newTestNetwork(t, []uint64{1, 2, 3}, nil, nil)
		if r.byte()%2 == 0 {
			nw.campaign(1)
			_ = nw.propose(1, "a")
			_ = nw.propose(1, "b")
		}
		rn := nw.nodes[1].rn
		for i := 0; i < 8 && len(r.b) > 0; i++ {
			m := r.message(1)
			before := rn.raft.hardState()
			beforeLast := rn.raft.raftLog.lastIndex()
			err := rn.Step(m)
			if errors.Is(err, ErrInvalidMessage) || errors.Is(err, ErrStepLocalMsg) {
				if rn.raft.hardState() != before || rn.raft.raftLog.lastIndex() != beforeLast {
					t.Fatalf("refused message %s changed state", m)
				}
			}
			if errors.Is(err, ErrLogInconsistent) {
				// A real node stops here (fail-stop).
				return
			}
			// Drain this node's work without delivering to peers. Garbage
			// that got committed is applied leniently, as the state
			// machine would: an undecodable conf change is a no-op.
			for rn.HasReady() {
				fuzzHandleReady(t, rn, nw.nodes[1].storage)
			}
			rn.Tick()
		}
	})
}

func fuzzHandleReady(t *testing.T, rn *RawNode, ms *MemoryStorage) {
	rd := rn.Ready()
	if !rd.Snapshot.IsEmpty() {
		if err := ms.ApplySnapshot(rd.Snapshot); err != nil {
			t.Fatalf("apply snapshot: %v", err)
		}
	}
	if err := ms.Append(rd.Entries); err != nil {
		t.Fatalf("append: %v", err)
	}
	if !rd.HardState.IsEmpty() {
		_ = ms.SetHardState(rd.HardState)
	}
	for _, e := range rd.CommittedEntries {
		if e.Type != pb.EntryConfChangeV2 {
			continue
		}
		var cc pb.ConfChangeV2
		if cc.Unmarshal(e.Data) == nil {
			_, _ = rn.ApplyConfChange(cc)
		}
	}
	rn.Advance(rd)
}
