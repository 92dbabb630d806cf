package confchange

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"sqlraft/raft/quorum"
	pb "sqlraft/raft/raftpb"
	"sqlraft/raft/tracker"
)

// changes parses a list such as "v1 l2 r3": v adds a voter, l adds a
// learner, r removes.
func changes(t *testing.T, s string) []pb.ConfChangeSingle {
	t.Helper()
	var ccs []pb.ConfChangeSingle
	for _, f := range strings.Fields(s) {
		id, err := strconv.ParseUint(f[1:], 10, 64)
		if err != nil {
			t.Fatalf("bad change %q", f)
		}
		typ := map[byte]pb.ConfChangeType{'v': pb.AddNode, 'l': pb.AddLearnerNode, 'r': pb.RemoveNode}
		ccType, ok := typ[f[0]]
		if !ok {
			t.Fatalf("bad change %q", f)
		}
		ccs = append(ccs, pb.ConfChangeSingle{Type: ccType, NodeID: id})
	}
	return ccs
}

// step is one call on the Changer. op is "simple", "enter", "enter-auto"
// (autoLeave set) or "leave"; on success the result becomes the input of
// the next step.
type step struct {
	op   string
	ccs  string
	want string // the resulting Config.String(), if err is nil
	err  error
}

// run applies the steps to an initially empty configuration and checks
// every result, and that no call changed its input.
func run(t *testing.T, steps []step) tracker.ProgressTracker {
	t.Helper()
	chg := Changer{Tracker: tracker.MakeProgressTracker(10, 0), LastIndex: 10}
	for i, s := range steps {
		cfgBefore, prsBefore := chg.Tracker.Config.String(), chg.Tracker.Progress.String()
		var (
			cfg tracker.Config
			prs tracker.ProgressMap
			err error
		)
		switch s.op {
		case "simple":
			cfg, prs, err = chg.Simple(changes(t, s.ccs)...)
		case "enter":
			cfg, prs, err = chg.EnterJoint(false, changes(t, s.ccs)...)
		case "enter-auto":
			cfg, prs, err = chg.EnterJoint(true, changes(t, s.ccs)...)
		case "leave":
			cfg, prs, err = chg.LeaveJoint()
		default:
			t.Fatalf("step %d: unknown op %q", i, s.op)
		}
		if chg.Tracker.Config.String() != cfgBefore || chg.Tracker.Progress.String() != prsBefore {
			t.Fatalf("step %d (%s %s) changed its input", i, s.op, s.ccs)
		}
		if s.err != nil {
			if !errors.Is(err, s.err) {
				t.Fatalf("step %d (%s %s): err = %v, want %v", i, s.op, s.ccs, err, s.err)
			}
			if prs != nil {
				t.Fatalf("step %d (%s %s): a refused change returned progress", i, s.op, s.ccs)
			}
			continue
		}
		if err != nil {
			t.Fatalf("step %d (%s %s): %v", i, s.op, s.ccs, err)
		}
		if got := cfg.String(); got != s.want {
			t.Fatalf("step %d (%s %s):\n got  %s\n want %s", i, s.op, s.ccs, got, s.want)
		}
		chg.Tracker.Config, chg.Tracker.Progress = cfg, prs
	}
	return chg.Tracker
}

func TestSimple(t *testing.T) {
	for _, tt := range []struct {
		name  string
		steps []step
	}{
		{"bootstrap one voter at a time", []step{
			{"simple", "v1", "voters=(1)", nil},
			{"simple", "v2", "voters=(1 2)", nil},
			{"simple", "v3", "voters=(1 2 3)", nil},
			{"simple", "", "voters=(1 2 3)", nil},
		}},
		{"at most one voter may change", []step{
			{"simple", "v1", "voters=(1)", nil},
			{"simple", "v2 v3", "", ErrTooManyVoterChanges},
			{"simple", "v2", "voters=(1 2)", nil},
			{"simple", "v3 r2", "", ErrTooManyVoterChanges}, // a swap changes two
			{"simple", "r1 r2", "", ErrNoVoters},
			// Re-adding what was removed in the same change nets out.
			{"simple", "r2 v2 v3", "voters=(1 2 3)", nil},
		}},
		{"learners are unrestricted", []step{
			{"simple", "v1", "voters=(1)", nil},
			{"simple", "l2 l3 l4 v5", "voters=(1 5) learners=(2 3 4)", nil},
			{"simple", "r2 r3 r4", "voters=(1 5)", nil},
		}},
		{"promote and demote", []step{
			{"simple", "v1 l2", "voters=(1) learners=(2)", nil},
			{"simple", "v2", "voters=(1 2)", nil},
			{"simple", "v2", "voters=(1 2)", nil},
			{"simple", "l2", "voters=(1) learners=(2)", nil},
			{"simple", "l2", "voters=(1) learners=(2)", nil},
			{"simple", "l1", "", ErrNoVoters},
		}},
		{"removing unknown or zero ids does nothing", []step{
			{"simple", "v1 v0 l0", "voters=(1)", nil},
			{"simple", "r9", "voters=(1)", nil},
			{"simple", "r0", "voters=(1)", nil},
			{"simple", "r1", "", ErrNoVoters},
		}},
		{"simple changes are refused while joint", []step{
			{"simple", "v1", "voters=(1)", nil},
			{"enter", "v2", "voters=(1 2)&&(1)", nil},
			{"simple", "l3", "", ErrAlreadyJoint},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) { run(t, tt.steps) })
	}
}

func TestJoint(t *testing.T) {
	bootstrap := []step{
		{"simple", "v1", "voters=(1)", nil},
		{"simple", "v2", "voters=(1 2)", nil},
		{"simple", "v3", "voters=(1 2 3)", nil},
	}
	for _, tt := range []struct {
		name  string
		steps []step
	}{
		{"replace a voter, leaving automatically", []step{
			{"enter-auto", "v4 r3", "voters=(1 2 4)&&(1 2 3) autoleave", nil},
			{"enter", "v5", "", ErrAlreadyJoint},
			{"leave", "", "voters=(1 2 4)", nil},
			{"leave", "", "", ErrNotJoint},
		}},
		{"replace every voter", []step{
			{"enter", "r1 r2 r3 v4 v5 v6", "voters=(4 5 6)&&(1 2 3)", nil},
			{"leave", "", "voters=(4 5 6)", nil},
		}},
		{"demote an outgoing voter through learners_next", []step{
			{"enter", "l3", "voters=(1 2)&&(1 2 3) learners_next=(3)", nil},
			{"leave", "", "voters=(1 2) learners=(3)", nil},
		}},
		{"a new learner is added right away", []step{
			{"enter", "l4 v5", "voters=(1 2 3 5)&&(1 2 3) learners=(4)", nil},
			{"leave", "", "voters=(1 2 3 5) learners=(4)", nil},
		}},
		{"promote a learner", []step{
			{"simple", "l4", "voters=(1 2 3) learners=(4)", nil},
			{"enter", "v4 r1", "voters=(2 3 4)&&(1 2 3)", nil},
			{"leave", "", "voters=(2 3 4)", nil},
		}},
		{"later changes override earlier ones", []step{
			{"enter", "l3 v3", "voters=(1 2 3)&&(1 2 3)", nil},
			{"leave", "", "voters=(1 2 3)", nil},
			{"enter", "r3 l3", "voters=(1 2)&&(1 2 3) learners_next=(3)", nil},
			{"leave", "", "voters=(1 2) learners=(3)", nil},
		}},
		{"removing a staged learner", []step{
			{"enter", "l3 r3", "voters=(1 2)&&(1 2 3)", nil},
			{"leave", "", "voters=(1 2)", nil},
		}},
		{"entering without changes", []step{
			{"enter", "", "voters=(1 2 3)&&(1 2 3)", nil},
			{"leave", "", "voters=(1 2 3)", nil},
		}},
		{"entering may not remove every voter", []step{
			{"enter", "r1 r2 r3", "", ErrNoVoters},
			{"enter", "l1 l2 l3", "", ErrNoVoters},
		}},
		{"leaving when not joint", []step{
			{"leave", "", "", ErrNotJoint},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			run(t, append(append([]step(nil), bootstrap...), tt.steps...))
		})
	}
	t.Run("entering from the empty config", func(t *testing.T) {
		run(t, []step{{"enter", "v1", "", ErrNoVoters}})
	})
}

func TestNewPeerProgress(t *testing.T) {
	for _, lastIndex := range []uint64{0, 1, 10} {
		chg := Changer{Tracker: tracker.MakeProgressTracker(2, 100), LastIndex: lastIndex}
		_, prs, err := chg.Simple(changes(t, "v1 l2")...)
		if err != nil {
			t.Fatal(err)
		}
		for id, learner := range map[uint64]bool{1: false, 2: true} {
			pr := prs[id]
			if pr.Match != 0 || pr.Next != max(lastIndex, 1) || pr.State != tracker.StateProbe ||
				!pr.RecentActive || pr.IsLearner != learner {
				t.Errorf("LastIndex=%d: progress of %d = %+v", lastIndex, id, *pr)
			}
			// The window is sized from the tracker's limits.
			pr.Inflights.Add(1, 10)
			pr.Inflights.Add(2, 10)
			if !pr.Inflights.Full() {
				t.Errorf("Inflights admits more than MaxInflight=2 messages")
			}
		}
	}
}

// trackerWith builds a valid tracker by hand, with a progress at match
// index 7 for each peer.
func trackerWith(voters, outgoing, learners, learnersNext []uint64) tracker.ProgressTracker {
	p := tracker.MakeProgressTracker(10, 0)
	toSet := func(ids []uint64) map[uint64]struct{} {
		if len(ids) == 0 {
			return nil
		}
		m := map[uint64]struct{}{}
		for _, id := range ids {
			m[id] = struct{}{}
			p.Progress[id] = &tracker.Progress{Match: 7, Next: 8, Inflights: tracker.NewInflights(10, 0)}
		}
		return m
	}
	p.Voters = quorum.JointConfig{toSet(voters), toSet(outgoing)}
	p.Learners = toSet(learners)
	p.LearnersNext = toSet(learnersNext)
	for id := range p.Learners {
		p.Progress[id].IsLearner = true
	}
	return p
}

// TestChangerKeepsExistingProgress checks that a promoted or demoted peer
// keeps its replication state, in a new Progress object so the input
// tracker is untouched.
func TestChangerKeepsExistingProgress(t *testing.T) {
	chg := Changer{Tracker: trackerWith([]uint64{1, 2}, nil, []uint64{3}, nil), LastIndex: 20}
	orig := chg.Tracker.Progress[3]
	_, prs, err := chg.Simple(changes(t, "v3")...)
	if err != nil {
		t.Fatal(err)
	}
	if pr := prs[3]; pr == orig || pr.IsLearner || pr.Match != 7 || pr.Next != 8 {
		t.Errorf("promoted progress = %+v (same object: %v)", *pr, pr == orig)
	}
	if !orig.IsLearner {
		t.Error("promotion changed the input progress")
	}
}

func TestLeaveJointDropsRemovedPeers(t *testing.T) {
	chg := Changer{Tracker: trackerWith([]uint64{1, 2}, []uint64{1, 2, 3, 4}, nil, []uint64{4})}
	cfg, prs, err := chg.LeaveJoint()
	if err != nil {
		t.Fatal(err)
	}
	if got := cfg.String(); got != "voters=(1 2) learners=(4)" {
		t.Fatalf("config = %s", got)
	}
	if _, ok := prs[3]; ok {
		t.Error("progress of removed voter 3 survived leaving the joint config")
	}
	if pr := prs[4]; pr == nil || !pr.IsLearner || pr.Match != 7 {
		t.Errorf("staged learner 4 has progress %v, want a learner at match 7", pr)
	}
	if len(chg.Tracker.Progress) != 4 || chg.Tracker.Progress[4].IsLearner {
		t.Error("LeaveJoint changed its input")
	}
}

// TestInvalidInput checks that a Changer refuses to start from a tracker
// that breaks an invariant, whatever the change.
func TestInvalidInput(t *testing.T) {
	for _, tt := range []struct {
		name    string
		corrupt func(p *tracker.ProgressTracker)
	}{
		{"voter without progress", func(p *tracker.ProgressTracker) { delete(p.Progress, 2) }},
		{"progress for a non-member", func(p *tracker.ProgressTracker) {
			p.Progress[9] = &tracker.Progress{Next: 1, Inflights: tracker.NewInflights(1, 0)}
		}},
		{"voter marked as learner", func(p *tracker.ProgressTracker) { p.Progress[1].IsLearner = true }},
		{"learner not marked", func(p *tracker.ProgressTracker) { p.Progress[3].IsLearner = false }},
		{"learner is also a voter", func(p *tracker.ProgressTracker) { p.Voters[0][3] = struct{}{} }},
		{"autoleave when not joint", func(p *tracker.ProgressTracker) { p.AutoLeave = true }},
		{"learners_next when not joint", func(p *tracker.ProgressTracker) {
			p.LearnersNext = map[uint64]struct{}{1: {}}
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := trackerWith([]uint64{1, 2}, nil, []uint64{3}, nil)
			tt.corrupt(&p)
			chg := Changer{Tracker: p}
			if _, _, err := chg.Simple(); err == nil {
				t.Error("Simple accepted an invalid tracker")
			}
			if _, _, err := chg.EnterJoint(false); err == nil {
				t.Error("EnterJoint accepted an invalid tracker")
			}
		})
	}
	// A staged learner must be an outgoing voter.
	p := trackerWith([]uint64{1, 2}, []uint64{1, 2}, nil, nil)
	p.LearnersNext = map[uint64]struct{}{1: {}}
	if _, _, err := (Changer{Tracker: p}).LeaveJoint(); err == nil {
		t.Error("LeaveJoint accepted learners_next outside the outgoing voters")
	}
}

func TestUnknownChangeType(t *testing.T) {
	chg := Changer{Tracker: trackerWith([]uint64{1}, nil, nil, nil)}
	if _, _, err := chg.Simple(pb.ConfChangeSingle{Type: 9, NodeID: 2}); err == nil {
		t.Error("unknown change type accepted")
	}
}
