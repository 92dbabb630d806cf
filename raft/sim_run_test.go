package raft

import (
	"container/heap"
	"fmt"
	"slices"

	pb "sqlraft/raft/raftpb"
)

// maxSimNodes bounds the ids membership changes may add.
func (s *sim) maxSimNodes() int { return s.opts.nodes + 2 }

// run executes the fault phase, then heals everything and checks liveness.
func (s *sim) run() error {
	nextTick := uint64(simTickTime)
	for i := 0; i < s.opts.events; i++ {
		s.stats.events++
		var err error
		switch {
		case s.rng.IntN(10) == 0:
			err = s.randomOp()
		case len(s.queue) > 0 && s.queue[0].at < nextTick:
			sm := heap.Pop(&s.queue).(simMsg)
			s.now = max(s.now, sm.at)
			err = s.deliver(sm)
		default:
			s.now = nextTick
			nextTick += simTickTime
			for _, n := range s.nodes {
				if n.alive {
					n.rn.Tick()
				}
			}
		}
		// Real drivers take several inputs between two Readys: leave the
		// work pending sometimes so inputs pile up.
		if err == nil && s.rng.IntN(3) != 0 {
			err = s.handleReadies(true)
		}
		if err == nil {
			err = s.checkLeaders()
		}
		if err != nil {
			return err
		}
	}
	return s.checkLiveness(nextTick)
}

func (s *sim) aliveNodes() []*simNode {
	var out []*simNode
	for _, n := range s.nodes {
		if n.alive {
			out = append(out, n)
		}
	}
	return out
}

func (s *sim) leader() *simNode {
	var best *simNode
	for _, n := range s.nodes {
		if n.alive && n.rn.raft.state == StateLeader && (best == nil || n.rn.raft.Term > best.rn.raft.Term) {
			best = n
		}
	}
	return best
}

func (s *sim) randomOp() error {
	alive := s.aliveNodes()
	switch k := s.rng.IntN(100); {
	case k < 35: // proposal at a random node
		if len(alive) == 0 {
			return nil
		}
		n := alive[s.rng.IntN(len(alive))]
		s.nextProp++
		data := []byte(fmt.Sprintf("p%d", s.nextProp))
		err := n.rn.Propose(data)
		s.logf("propose %s at %d: %v", data, n.id, err)
	case k < 50: // read at a random node
		if len(alive) == 0 {
			return nil
		}
		n := alive[s.rng.IntN(len(alive))]
		s.nextReq++
		ctx := fmt.Sprintf("r%d", s.nextReq)
		s.reads[ctx] = s.maxCommit
		err := n.rn.ReadIndex([]byte(ctx))
		s.logf("read %s at %d (min %d): %v", ctx, n.id, s.maxCommit, err)
	case k < 58:
		s.confChange()
	case k < 62:
		if l := s.leader(); l != nil {
			voters := l.rn.raft.trk.VoterNodes()
			to := voters[s.rng.IntN(len(voters))]
			s.logf("transfer leadership %d -> %d", l.id, to)
			l.rn.TransferLeader(to)
		}
	case k < 70: // compaction
		if len(alive) == 0 {
			return nil
		}
		return s.compact(alive[s.rng.IntN(len(alive))])
	case k < 77: // crash, the leader half of the time
		if l := s.leader(); l != nil && s.rng.IntN(2) == 0 {
			s.crash(l)
		} else if len(alive) > 0 {
			s.crash(alive[s.rng.IntN(len(alive))])
		}
	case k < 85: // restart
		for _, n := range s.nodes {
			if !n.alive {
				s.logf("restart %d", n.id)
				return s.start(n)
			}
		}
	case k < 92: // partition
		s.partition()
	default: // heal
		s.logf("heal")
		clear(s.cut)
	}
	return nil
}

// partition splits the nodes in two random groups, cutting both directions
// or just one.
func (s *sim) partition() {
	clear(s.cut)
	oneWay := s.rng.IntN(3) == 0
	side := make(map[uint64]bool)
	l := s.leader()
	for _, n := range s.nodes {
		side[n.id] = s.rng.IntN(2) == 0
		if l != nil && s.rng.IntN(2) == 0 {
			// Isolate the leader: it keeps a stale view while the
			// others elect a successor.
			side[n.id] = n == l
		}
	}
	for _, a := range s.nodes {
		for _, b := range s.nodes {
			if side[a.id] && !side[b.id] {
				s.cut[[2]uint64{a.id, b.id}] = true
				if !oneWay {
					s.cut[[2]uint64{b.id, a.id}] = true
				}
			}
		}
	}
	s.logf("partition oneway=%v %v", oneWay, side)
}

func (s *sim) compact(n *simNode) error {
	first, _ := n.storage.FirstIndex()
	if n.applied < first {
		return nil
	}
	if _, err := n.storage.CreateSnapshot(n.applied, &n.confState, encodeSimState(n.state)); err != nil && err != ErrSnapOutOfDate {
		return s.fail("node %d: create snapshot at %d: %v", n.id, n.applied, err)
	}
	keep := uint64(s.rng.IntN(4))
	if n.applied > keep && n.applied-keep >= first {
		if err := n.storage.Compact(n.applied - keep); err != nil && err != ErrCompacted {
			return s.fail("node %d: compact to %d: %v", n.id, n.applied-keep, err)
		}
	}
	s.logf("compact %d at %d", n.id, n.applied)
	return nil
}

// confChange proposes a random membership change at the leader.
func (s *sim) confChange() {
	l := s.leader()
	if l == nil {
		return
	}
	cfg := l.rn.raft.trk.Config
	if len(cfg.Voters[1]) > 0 {
		if !cfg.AutoLeave {
			s.logf("propose leave joint at %d", l.id)
			_ = l.rn.ProposeConfChange(pb.ConfChangeV2{})
		}
		return
	}
	voters := cfg.Voters[0].Slice()
	learners := make([]uint64, 0, len(cfg.Learners))
	for id := range cfg.Learners {
		learners = append(learners, id)
	}
	slices.Sort(learners)
	var outsiders []uint64
	for id := uint64(1); id <= uint64(s.maxSimNodes()); id++ {
		if _, ok := cfg.Voters[0][id]; ok {
			continue
		}
		if _, ok := cfg.Learners[id]; ok {
			continue
		}
		outsiders = append(outsiders, id)
	}
	pick := func(ids []uint64) uint64 { return ids[s.rng.IntN(len(ids))] }
	var cc pb.ConfChangeV2
	switch k := s.rng.IntN(6); {
	case k == 0 && len(outsiders) > 0:
		cc.Changes = []pb.ConfChangeSingle{{Type: pb.AddLearnerNode, NodeID: pick(outsiders)}}
	case k == 1 && len(learners) > 0:
		cc.Changes = []pb.ConfChangeSingle{{Type: pb.AddNode, NodeID: pick(learners)}}
	case k == 2 && len(voters) > 3:
		cc.Changes = []pb.ConfChangeSingle{{Type: pb.RemoveNode, NodeID: pick(voters)}}
	case k == 3 && len(voters) > 3:
		cc.Changes = []pb.ConfChangeSingle{{Type: pb.AddLearnerNode, NodeID: pick(voters)}}
	case k == 4 && len(learners) > 0:
		cc.Changes = []pb.ConfChangeSingle{{Type: pb.RemoveNode, NodeID: pick(learners)}}
	case k == 5 && len(outsiders)+len(learners) > 0 && len(voters) > 2:
		// Atomic replacement through a joint configuration.
		in := pick(append(append([]uint64(nil), outsiders...), learners...))
		cc.Transition = pb.ConfChangeTransition(s.rng.IntN(3))
		cc.Changes = []pb.ConfChangeSingle{{Type: pb.AddNode, NodeID: in}, {Type: pb.RemoveNode, NodeID: pick(voters)}}
	default:
		return
	}
	for _, ch := range cc.Changes {
		if s.node(ch.NodeID) == nil {
			n := &simNode{id: ch.NodeID, storage: NewMemoryStorage()}
			s.nodes = append(s.nodes, n)
			slices.SortFunc(s.nodes, func(a, b *simNode) int { return int(a.id) - int(b.id) })
			if err := s.start(n); err != nil {
				panic(err) // an empty storage always starts
			}
		}
	}
	err := l.rn.ProposeConfChange(cc)
	s.logf("propose conf change %s (transition %d) at %d: %v", cc.String(), cc.Transition, l.id, err)
}

// checkLiveness heals the cluster and requires that a leader emerges and
// commits a new proposal on every live member of its configuration.
func (s *sim) checkLiveness(nextTick uint64) error {
	clear(s.cut)
	for _, n := range s.nodes {
		if !n.alive {
			if err := s.start(n); err != nil {
				return err
			}
		}
	}
	s.logf("liveness phase")
	const maxTicks = 60 * simElectionTick
	marker := []byte("liveness")
	proposed := false
	var markerIndex uint64
	for tick := 0; tick < maxTicks; tick++ {
		// Deliver everything due before the next tick, without faults.
		for len(s.queue) > 0 && s.queue[0].at < nextTick {
			sm := heap.Pop(&s.queue).(simMsg)
			s.now = max(s.now, sm.at)
			if err := s.deliver(sm); err != nil {
				return err
			}
			if err := s.handleReadies(false); err != nil {
				return err
			}
		}
		s.now = nextTick
		nextTick += simTickTime
		for _, n := range s.nodes {
			n.rn.Tick()
		}
		if err := s.handleReadies(false); err != nil {
			return err
		}
		if err := s.checkLeaders(); err != nil {
			return err
		}
		l := s.leader()
		if l == nil {
			continue
		}
		if !proposed || (markerIndex == 0 && tick%simElectionTick == 0) {
			if l.rn.Propose(marker) == nil {
				proposed = true
			}
			if err := s.handleReadies(false); err != nil {
				return err
			}
		}
		if markerIndex == 0 {
			markerIndex = s.findApplied(l, marker)
		}
		if markerIndex != 0 && s.allApplied(l, markerIndex) {
			return nil
		}
	}
	var states []string
	for _, n := range s.nodes {
		st := n.rn.Status()
		states = append(states, fmt.Sprintf("%s conf=%s", st, st.Config))
	}
	return s.fail("liveness: no leader committed a proposal on all members after the faults stopped\n  %v", states)
}

// findApplied returns the index at which the leader applied an entry with
// the given data in its current term, or 0.
func (s *sim) findApplied(l *simNode, data []byte) uint64 {
	r := l.rn.raft
	for i := r.raftLog.firstIndex(); i <= l.applied; i++ {
		ents, err := r.raftLog.slice(i, i+1, noLimit)
		if err == nil && len(ents) == 1 && string(ents[0].Data) == string(data) {
			return i
		}
	}
	return 0
}

func (s *sim) allApplied(l *simNode, index uint64) bool {
	for id := range l.rn.raft.trk.Progress {
		n := s.node(id)
		if n == nil || n.applied < index {
			return false
		}
	}
	return true
}
