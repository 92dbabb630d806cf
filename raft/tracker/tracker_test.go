package tracker

import (
	"slices"
	"testing"

	"sqlraft/raft/quorum"
	pb "sqlraft/raft/raftpb"
)

func set(ids ...uint64) map[uint64]struct{} {
	m := map[uint64]struct{}{}
	for _, id := range ids {
		m[id] = struct{}{}
	}
	return m
}

// newTracker builds a tracker whose voters and learners each have a
// progress at the given match index (0 if not listed).
func newTracker(incoming, outgoing, learners []uint64, match map[uint64]uint64) ProgressTracker {
	p := MakeProgressTracker(10, 0)
	p.Voters[0] = set(incoming...)
	if len(outgoing) > 0 {
		p.Voters[1] = set(outgoing...)
	}
	if len(learners) > 0 {
		p.Learners = set(learners...)
	}
	add := func(id uint64, learner bool) {
		p.Progress[id] = &Progress{
			Match: match[id], Next: match[id] + 1, Inflights: NewInflights(10, 0),
			IsLearner: learner, RecentActive: true,
		}
	}
	for _, id := range append(append([]uint64(nil), incoming...), outgoing...) {
		add(id, false)
	}
	for _, id := range learners {
		add(id, true)
	}
	return p
}

func TestTrackerCommitted(t *testing.T) {
	for _, tt := range []struct {
		name               string
		incoming, outgoing []uint64
		learners           []uint64
		match              map[uint64]uint64
		want               uint64
	}{
		{"single voter", []uint64{1}, nil, nil, map[uint64]uint64{1: 7}, 7},
		{"majority of three", []uint64{1, 2, 3}, nil, nil, map[uint64]uint64{1: 9, 2: 5, 3: 2}, 5},
		{"learners do not count", []uint64{1, 2, 3}, nil, []uint64{4, 5},
			map[uint64]uint64{1: 9, 2: 2, 3: 1, 4: 9, 5: 9}, 2},
		{"joint takes the lower half", []uint64{1, 2, 3}, []uint64{1, 4, 5}, nil,
			map[uint64]uint64{1: 9, 2: 8, 3: 7, 4: 3, 5: 1}, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := newTracker(tt.incoming, tt.outgoing, tt.learners, tt.match)
			if got := p.Committed(); got != tt.want {
				t.Errorf("Committed() = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestTrackerCommittedAndVisitDoNotAllocate(t *testing.T) {
	p := newTracker([]uint64{1, 2, 3, 4, 5}, nil, []uint64{6, 7}, map[uint64]uint64{1: 5, 2: 4})
	if n := testing.AllocsPerRun(100, func() { p.Committed() }); n != 0 {
		t.Errorf("Committed allocated %.0f times, want 0", n)
	}
	visit := func(uint64, *Progress) {}
	if n := testing.AllocsPerRun(100, func() { p.Visit(visit) }); n != 0 {
		t.Errorf("Visit allocated %.0f times, want 0", n)
	}
}

func TestTrackerVisitSorted(t *testing.T) {
	for _, n := range []uint64{0, 3, 7, 8, 20} {
		var ids []uint64
		for id := n; id >= 1; id-- {
			ids = append(ids, id*3)
		}
		p := newTracker(ids, nil, nil, nil)
		var got []uint64
		p.Visit(func(id uint64, pr *Progress) {
			if pr != p.Progress[id] {
				t.Fatalf("Visit passed the wrong progress for %d", id)
			}
			got = append(got, id)
		})
		if !slices.IsSorted(got) || len(got) != int(n) {
			t.Errorf("%d peers: Visit order %v", n, got)
		}
	}
}

func TestTrackerQuorumActive(t *testing.T) {
	for _, tt := range []struct {
		name               string
		incoming, outgoing []uint64
		learners           []uint64
		active             []uint64
		want               bool
	}{
		{"all active", []uint64{1, 2, 3}, nil, nil, []uint64{1, 2, 3}, true},
		{"majority active", []uint64{1, 2, 3}, nil, nil, []uint64{1, 3}, true},
		{"only leader active", []uint64{1, 2, 3}, nil, nil, []uint64{1}, false},
		{"active learners do not help", []uint64{1, 2, 3}, nil, []uint64{4, 5}, []uint64{1, 4, 5}, false},
		{"joint: both halves active", []uint64{1, 2, 3}, []uint64{1, 4, 5}, nil, []uint64{1, 2, 4}, true},
		{"joint: outgoing half inactive", []uint64{1, 2, 3}, []uint64{1, 4, 5}, nil, []uint64{1, 2, 3}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := newTracker(tt.incoming, tt.outgoing, tt.learners, nil)
			for _, pr := range p.Progress {
				pr.RecentActive = false
			}
			for _, id := range tt.active {
				p.Progress[id].RecentActive = true
			}
			if got := p.QuorumActive(); got != tt.want {
				t.Errorf("QuorumActive() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestTrackerVotes(t *testing.T) {
	p := newTracker([]uint64{1, 2, 3, 4, 5}, nil, []uint64{6}, nil)
	p.RecordVote(1, true)
	p.RecordVote(2, true)
	p.RecordVote(2, false) // a later answer from the same peer is ignored
	p.RecordVote(3, false)
	p.RecordVote(6, true) // learners do not vote
	p.RecordVote(9, true) // nor do unknown peers
	if g, r, res := p.TallyVotes(); g != 2 || r != 1 || res != quorum.VotePending {
		t.Fatalf("TallyVotes() = %d, %d, %s; want 2, 1, VotePending", g, r, res)
	}
	p.RecordVote(4, true)
	if g, r, res := p.TallyVotes(); g != 3 || r != 1 || res != quorum.VoteWon {
		t.Fatalf("TallyVotes() = %d, %d, %s; want 3, 1, VoteWon", g, r, res)
	}
	p.ResetVotes()
	p.RecordVote(1, false)
	p.RecordVote(2, false)
	p.RecordVote(3, false)
	if g, r, res := p.TallyVotes(); g != 0 || r != 3 || res != quorum.VoteLost {
		t.Fatalf("after reset: TallyVotes() = %d, %d, %s; want 0, 3, VoteLost", g, r, res)
	}
}

func TestTrackerMembership(t *testing.T) {
	p := newTracker([]uint64{3, 1, 2}, []uint64{4, 1, 2}, []uint64{6, 5}, nil)
	p.LearnersNext = set(4)
	p.AutoLeave = true
	want := pb.ConfState{
		Voters: []uint64{1, 2, 3}, VotersOutgoing: []uint64{1, 2, 4},
		Learners: []uint64{5, 6}, LearnersNext: []uint64{4}, AutoLeave: true,
	}
	cs := p.ConfState()
	if !slices.Equal(cs.Voters, want.Voters) || !slices.Equal(cs.VotersOutgoing, want.VotersOutgoing) ||
		!slices.Equal(cs.Learners, want.Learners) || !slices.Equal(cs.LearnersNext, want.LearnersNext) ||
		!cs.AutoLeave {
		t.Errorf("ConfState() = %+v, want %+v", cs, want)
	}
	if got := p.VoterNodes(); !slices.Equal(got, []uint64{1, 2, 3, 4}) {
		t.Errorf("VoterNodes() = %v", got)
	}
	if got := p.LearnerNodes(); !slices.Equal(got, []uint64{5, 6}) {
		t.Errorf("LearnerNodes() = %v", got)
	}
	if want := "voters=(1 2 3)&&(1 2 4) learners=(5 6) learners_next=(4) autoleave"; p.Config.String() != want {
		t.Errorf("Config.String() = %q, want %q", p.Config.String(), want)
	}
	if p.IsSingleton() {
		t.Error("joint config reported as singleton")
	}
	if single := newTracker([]uint64{1}, nil, []uint64{2}, nil); !single.IsSingleton() {
		t.Error("one voter plus a learner is a singleton")
	}
	if single := newTracker([]uint64{1}, []uint64{2}, nil, nil); single.IsSingleton() {
		t.Error("a joint config with one incoming voter is not a singleton")
	}
	if empty := MakeProgressTracker(1, 0); empty.LearnerNodes() != nil {
		got := empty.LearnerNodes()
		t.Errorf("LearnerNodes() of empty tracker = %v, want nil", got)
	}
}

func TestConfigClone(t *testing.T) {
	c := Config{
		Voters:       quorum.JointConfig{set(1, 2), set(1, 3)},
		AutoLeave:    true,
		Learners:     set(4),
		LearnersNext: set(3),
	}
	clone := c.Clone()
	if clone.String() != c.String() {
		t.Fatalf("clone %s differs from %s", clone, c)
	}
	clone.Voters[0][9] = struct{}{}
	clone.Voters[1][9] = struct{}{}
	clone.Learners[9] = struct{}{}
	clone.LearnersNext[9] = struct{}{}
	if want := "voters=(1 2)&&(1 3) learners=(4) learners_next=(3) autoleave"; c.String() != want {
		t.Fatalf("changing the clone changed the original: %s", c)
	}
	empty := Config{Voters: quorum.JointConfig{set(1), nil}}.Clone()
	if empty.Voters[1] != nil || empty.Learners != nil || empty.LearnersNext != nil {
		t.Errorf("Clone turned nil sets into empty ones: %+v", empty)
	}
}
