package raft

import (
	"encoding/binary"
	"hash/fnv"

	pb "sqlraft/raft/raftpb"
)

func encodeSimState(state uint64) []byte { return binary.BigEndian.AppendUint64(nil, state) }

func decodeSimState(data []byte) uint64 {
	if len(data) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(data)
}

func hashEntry(e *pb.Entry) uint64 {
	h := fnv.New64a()
	h.Write([]byte{byte(e.Type)})
	h.Write(e.Data)
	return h.Sum64()
}

func chainState(state uint64, e *pb.Entry) uint64 {
	h := fnv.New64a()
	var b [24]byte
	binary.BigEndian.PutUint64(b[:8], state)
	binary.BigEndian.PutUint64(b[8:16], e.Index)
	binary.BigEndian.PutUint64(b[16:], e.Term)
	h.Write(b[:])
	h.Write(e.Data)
	return h.Sum64()
}

// crash loses a node's volatile state; its storage keeps what was persisted.
func (s *sim) crash(n *simNode) {
	s.logf("crash %d", n.id)
	s.stats.crashes++
	n.alive = false
	n.rn = nil
}

// handleReadies processes Ready on every live node until none has work.
func (s *sim) handleReadies(faulty bool) error {
	for rounds := 0; rounds < 1000; rounds++ {
		progressed := false
		for _, n := range s.nodes {
			if n.alive && n.rn.HasReady() {
				progressed = true
				if err := s.handleReady(n, faulty); err != nil {
					return err
				}
			}
		}
		if !progressed {
			return nil
		}
	}
	return s.fail("Ready loop did not settle")
}

// handleReady follows the Ready contract: persist, send, apply, Advance. In
// faulty mode the node may crash between any two of these steps.
func (s *sim) handleReady(n *simNode, faulty bool) (retErr error) {
	crashHere := func() bool { return faulty && s.rng.IntN(400) == 0 }
	rd := n.rn.Ready()
	if crashHere() {
		s.crash(n) // before anything is durable
		return nil
	}
	if err := s.checkReady(n, &rd); err != nil {
		return err
	}
	if !rd.Snapshot.IsEmpty() {
		if err := n.storage.ApplySnapshot(rd.Snapshot); err != nil {
			return s.fail("node %d: persist snapshot: %v", n.id, err)
		}
	}
	if len(rd.Entries) > 0 && n.id == 2 {
		s.logf("node 2 persists entries %d..%d hs=%+v mustsync=%v", rd.Entries[0].Index, rd.Entries[len(rd.Entries)-1].Index, rd.HardState, rd.MustSync)
	}
	if len(rd.Entries) > 0 {
		if err := n.storage.Append(rd.Entries); err != nil {
			return s.fail("node %d: persist entries: %v", n.id, err)
		}
	}
	defer func() {
		if retErr == nil && n.alive {
			retErr = s.checkConfChangeDurability(n, rd.Entries)
		}
	}()
	if !rd.HardState.IsEmpty() {
		// A commit-only change need not be synced: model the OS flushing
		// it or not before a crash.
		if rd.MustSync || !faulty || s.rng.IntN(2) == 0 {
			if err := n.storage.SetHardState(rd.HardState); err != nil {
				return s.fail("node %d: persist hard state: %v", n.id, err)
			}
		}
	}
	if crashHere() {
		s.crash(n) // persisted, nothing sent
		return nil
	}
	for _, m := range rd.Messages {
		if m.Type == pb.MsgVoteResp && !m.Reject {
			key := [2]uint64{n.id, m.Term}
			if c, ok := s.votes[key]; ok && c != m.To {
				return s.fail("node %d voted for %d and %d in term %d", n.id, c, m.To, m.Term)
			}
			s.votes[key] = m.To
		}
		s.send(m, faulty)
	}
	if crashHere() {
		s.crash(n) // sent, nothing applied
		return nil
	}
	if !rd.Snapshot.IsEmpty() {
		md := rd.Snapshot.Metadata
		n.applied = md.Index
		n.state = decodeSimState(rd.Snapshot.Data)
		n.confState = md.ConfState
		s.stats.snapshots++
		if err := s.recordApplied(n, md.Index, md.Term); err != nil {
			return err
		}
	}
	for i := range rd.CommittedEntries {
		e := &rd.CommittedEntries[i]
		if e.Index != n.applied+1 {
			return s.fail("node %d applies index %d after %d", n.id, e.Index, n.applied)

		}
		if e.Type == pb.EntryConfChangeV2 {
			var cc pb.ConfChangeV2
			if err := cc.Unmarshal(e.Data); err != nil {
				return s.fail("node %d: committed conf change does not decode: %v", n.id, err)
			}
			cs, err := n.rn.ApplyConfChange(cc)
			if err == nil {
				n.confState = cs
				s.stats.confChanges++
			}
			s.logf("node %d applied conf change %s at %d -> %+v (err %v)", n.id, cc.String(), e.Index, n.confState, err)
		}
		n.applied = e.Index
		n.state = chainState(n.state, e)
		s.stats.applied++
		if err := s.recordApplied(n, e.Index, e.Term); err != nil {
			return err
		}
	}
	for _, rs := range rd.ReadStates {
		want, ok := s.reads[string(rs.RequestCtx)]
		if !ok {
			return s.fail("node %d: answer to unknown read %q", n.id, rs.RequestCtx)
		}
		s.stats.reads++
		if rs.Index < want {
			return s.fail("node %d: read %q answered with index %d, but %d was committed when it was made", n.id, rs.RequestCtx, rs.Index, want)
		}
	}
	n.rn.Advance(rd)
	return nil
}

// checkReady checks Log Matching and Leader Append-Only on entries about to
// be persisted, and Leader Completeness when a node becomes leader.
func (s *sim) checkReady(n *simNode, rd *Ready) error {
	r := n.rn.raft
	if len(rd.Entries) > 0 && r.state == StateLeader {
		last, _ := n.storage.LastIndex()
		if rd.Entries[0].Index <= last {
			return s.fail("leader %d (term %d) overwrites its log at index %d (last %d)", n.id, r.Term, rd.Entries[0].Index, last)
		}
	}
	for i := range rd.Entries {
		e := &rd.Entries[i]
		var prevTerm uint64
		if i > 0 {
			prevTerm = rd.Entries[i-1].Term
		} else {
			prevTerm = r.raftLog.zeroTermOnOutOfBounds(r.raftLog.term(e.Index - 1))
		}
		rec := entryRecord{hash: hashEntry(e), prevTerm: prevTerm}
		key := entryKey{e.Index, e.Term}
		if old, ok := s.entries[key]; ok {
			if old.hash != rec.hash || (old.prevTerm != rec.prevTerm && old.prevTerm != 0 && rec.prevTerm != 0) {
				return s.fail("log matching: node %d has a different entry at index %d term %d", n.id, e.Index, e.Term)
			}
		} else {
			s.entries[key] = rec
		}
	}
	if rd.SoftState != nil && rd.SoftState.RaftState == StateLeader {
		if lead, ok := s.leaders[r.Term]; ok && lead != n.id {
			return s.fail("election safety: %d and %d both lead term %d", lead, n.id, r.Term)
		}
		s.leaders[r.Term] = n.id
		s.stats.leaders++
		s.logf("node %d leads term %d (last %d/%d, commit %d)", n.id, r.Term, r.raftLog.lastIndex(), r.raftLog.lastTerm(), r.raftLog.committed)
		// Leader completeness: every entry applied anywhere is in the new
		// leader's log.
		first := r.raftLog.firstIndex()
		for idx, rec := range s.appliedAt {
			if idx < first {
				continue
			}
			if t := r.raftLog.zeroTermOnOutOfBounds(r.raftLog.term(idx)); t != rec.term {
				return s.fail("leader completeness: new leader %d (term %d) has term %d at committed index %d, want %d", n.id, r.Term, t, idx, rec.term)
			}
		}
	}
	return nil
}

// recordApplied checks State Machine Safety: every node applies the same
// entry, reaching the same state, at every index.
func (s *sim) recordApplied(n *simNode, index, term uint64) error {
	rec := appliedRecord{term: term, state: n.state}
	if old, ok := s.appliedAt[index]; ok {
		if old != rec {
			return s.fail("state machine safety: node %d applied term %d state %x at index %d, another node term %d state %x",
				n.id, term, n.state, index, old.term, old.state)
		}
	} else {
		s.appliedAt[index] = rec
		s.logf("node %d first to apply index %d term %d", n.id, index, term)
	}
	return nil
}

// checkLeaders checks Election Safety over the live nodes now.
func (s *sim) checkLeaders() error {
	for _, n := range s.nodes {
		if !n.alive || n.rn.raft.state != StateLeader {
			continue
		}
		term := n.rn.raft.Term
		if lead, ok := s.leaders[term]; ok && lead != n.id {
			return s.fail("election safety: %d and %d both lead term %d", lead, n.id, term)
		}
		s.leaders[term] = n.id
	}
	for _, n := range s.nodes {
		if n.alive {
			s.maxCommit = max(s.maxCommit, n.rn.raft.raftLog.committed)
		}
	}
	return nil
}

// checkConfChangeDurability checks the invariant that makes configurations
// taking effect on apply safe: a node that persists a conf change durably
// knows that every earlier conf change in its log is committed.
func (s *sim) checkConfChangeDurability(n *simNode, persisted []pb.Entry) error {
	var last uint64
	for i := range persisted {
		if persisted[i].Type == pb.EntryConfChangeV2 {
			last = persisted[i].Index
		}
	}
	if last == 0 {
		return nil
	}
	first, _ := n.storage.FirstIndex()
	if last <= first {
		return nil
	}
	ents, err := n.storage.Entries(first, last, noLimit)
	if err != nil {
		return s.fail("node %d: read log: %v", n.id, err)
	}
	for i := len(ents) - 1; i >= 0; i-- {
		if ents[i].Type == pb.EntryConfChangeV2 {
			if commit := n.storage.hardState.Commit; commit < ents[i].Index {
				return s.fail("node %d persisted conf change %d while its durable commit %d does not cover the earlier conf change %d",
					n.id, last, commit, ents[i].Index)
			}
			return nil
		}
	}
	return nil
}
