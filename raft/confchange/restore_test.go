package confchange

import (
	"math/rand/v2"
	"testing"

	pb "sqlraft/raft/raftpb"
	"sqlraft/raft/tracker"
)

func restore(cs pb.ConfState) (tracker.Config, tracker.ProgressMap, error) {
	return Restore(Changer{Tracker: tracker.MakeProgressTracker(10, 0), LastIndex: 10}, cs)
}

func TestRestore(t *testing.T) {
	for _, tt := range []struct {
		name string
		cs   pb.ConfState
		want string
	}{
		{"empty", pb.ConfState{}, "voters=()"},
		{"voters only", pb.ConfState{Voters: []uint64{3, 1, 2}}, "voters=(1 2 3)"},
		{"voters and learners", pb.ConfState{Voters: []uint64{1, 2}, Learners: []uint64{4, 3}},
			"voters=(1 2) learners=(3 4)"},
		{"joint with staged learner", pb.ConfState{
			Voters: []uint64{1, 2, 3}, Learners: []uint64{5}, VotersOutgoing: []uint64{1, 2, 4, 6},
			LearnersNext: []uint64{4}, AutoLeave: true,
		}, "voters=(1 2 3)&&(1 2 4 6) learners=(5) learners_next=(4) autoleave"},
		{"joint with disjoint halves", pb.ConfState{Voters: []uint64{4, 5}, VotersOutgoing: []uint64{1, 2, 3}},
			"voters=(4 5)&&(1 2 3)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg, prs, err := restore(tt.cs)
			if err != nil {
				t.Fatal(err)
			}
			if got := cfg.String(); got != tt.want {
				t.Fatalf("got  %s\nwant %s", got, tt.want)
			}
			if len(prs) != len(cfg.Voters.IDs())+len(cfg.Learners) {
				t.Errorf("%d progresses for %s", len(prs), cfg)
			}
		})
	}
}

// TestRestoreRejectsInvalid lists ConfStates that no sequence of changes
// produces; restoring them must fail rather than build something else.
func TestRestoreRejectsInvalid(t *testing.T) {
	for _, tt := range []struct {
		name string
		cs   pb.ConfState
	}{
		{"learners without voters", pb.ConfState{Learners: []uint64{1}}},
		{"voter and learner", pb.ConfState{Voters: []uint64{1, 2}, Learners: []uint64{2}}},
		{"learner and outgoing voter", pb.ConfState{
			Voters: []uint64{1}, VotersOutgoing: []uint64{1, 2}, Learners: []uint64{2}}},
		{"staged learner not outgoing", pb.ConfState{
			Voters: []uint64{1}, VotersOutgoing: []uint64{1}, LearnersNext: []uint64{2}}},
		{"staged learner when not joint", pb.ConfState{Voters: []uint64{1}, LearnersNext: []uint64{2}}},
		{"autoleave when not joint", pb.ConfState{Voters: []uint64{1}, AutoLeave: true}},
		{"joint without incoming voters", pb.ConfState{VotersOutgoing: []uint64{1}}},
		{"duplicate voter", pb.ConfState{Voters: []uint64{1, 1}}},
		{"zero id", pb.ConfState{Voters: []uint64{0, 1}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if cfg, _, err := restore(tt.cs); err == nil {
				t.Errorf("restored %+v as %s", tt.cs, cfg)
			}
		})
	}
}

func TestRestoreIntoNonEmptyConfig(t *testing.T) {
	chg := Changer{Tracker: trackerWith([]uint64{1}, nil, nil, nil)}
	if _, _, err := Restore(chg, pb.ConfState{Voters: []uint64{1}}); err == nil {
		t.Error("Restore accepted a non-empty starting configuration")
	}
}

// randomConfState returns a valid ConfState over IDs 1..10.
func randomConfState(rng *rand.Rand) pb.ConfState {
	// pick returns each ID from ids with probability p, in random order.
	pick := func(ids []uint64, p float64) []uint64 {
		var out []uint64
		for _, i := range rng.Perm(len(ids)) {
			if rng.Float64() < p {
				out = append(out, ids[i])
			}
		}
		return out
	}
	all := []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	var cs pb.ConfState
	for len(cs.Voters) == 0 {
		cs.Voters = pick(all, 0.4)
	}
	in := func(ids []uint64, id uint64) bool {
		for _, x := range ids {
			if x == id {
				return true
			}
		}
		return false
	}
	if rng.IntN(2) == 0 {
		for len(cs.VotersOutgoing) == 0 {
			cs.VotersOutgoing = pick(all, 0.4)
		}
		cs.AutoLeave = rng.IntN(2) == 0
		var demotable []uint64 // outgoing voters that are not incoming voters
		for _, id := range cs.VotersOutgoing {
			if !in(cs.Voters, id) {
				demotable = append(demotable, id)
			}
		}
		cs.LearnersNext = pick(demotable, 0.5)
	}
	var free []uint64
	for _, id := range all {
		if !in(cs.Voters, id) && !in(cs.VotersOutgoing, id) {
			free = append(free, id)
		}
	}
	cs.Learners = pick(free, 0.3)
	return cs
}

// TestRestoreRandom restores random valid ConfStates and requires the
// tracker to describe exactly the same configuration, with a progress for
// every member and no other.
func TestRestoreRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 13))
	for range 1000 {
		cs := randomConfState(rng)
		chg := Changer{Tracker: tracker.MakeProgressTracker(10, 0), LastIndex: 10}
		cfg, prs, err := Restore(chg, cs)
		if err != nil {
			t.Fatalf("restore %+v: %v", cs, err)
		}
		if len(chg.Tracker.Progress) != 0 || len(chg.Tracker.Voters[0]) != 0 {
			t.Fatal("Restore changed the tracker it started from")
		}
		chg.Tracker.Config, chg.Tracker.Progress = cfg, prs
		if err := chg.Tracker.ConfState().Equivalent(cs); err != nil {
			t.Fatal(err)
		}
		if err := checkInvariants(cfg, prs); err != nil {
			t.Fatalf("restore %+v: %v", cs, err)
		}
		if len(prs) != len(cfg.Voters.IDs())+len(cfg.Learners) {
			t.Fatalf("restore %+v: %d progresses for %s", cs, len(prs), cfg)
		}
	}
}
