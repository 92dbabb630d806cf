package quorum

import (
	"math"
	"math/rand/v2"
	"testing"
	"testing/quick"
)

func majority(ids ...uint64) MajorityConfig {
	c := MajorityConfig{}
	for _, id := range ids {
		c[id] = struct{}{}
	}
	return c
}

func TestIndexString(t *testing.T) {
	if got := Index(12).String(); got != "12" {
		t.Errorf("Index(12) = %q", got)
	}
	if got := Index(math.MaxUint64).String(); got != "∞" {
		t.Errorf("Index(MaxUint64) = %q, want ∞", got)
	}
}

func TestMajorityString(t *testing.T) {
	for _, tt := range []struct {
		c    MajorityConfig
		want string
	}{
		{nil, "()"},
		{majority(1), "(1)"},
		{majority(30, 2, 100, 1), "(1 2 30 100)"},
	} {
		if got := tt.c.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
	if got := majority(3, 1, 2).Slice(); len(got) != 3 || got[0] != 1 || got[1] != 2 || got[2] != 3 {
		t.Errorf("Slice() = %v, want [1 2 3]", got)
	}
	if got := MajorityConfig(nil).Slice(); got != nil {
		t.Errorf("empty Slice() = %v, want nil", got)
	}
}

func TestMajorityCommittedIndex(t *testing.T) {
	for _, tt := range []struct {
		name  string
		cfg   MajorityConfig
		acked MapAckIndexer
		want  Index
	}{
		{"empty config places no constraint", majority(), MapAckIndexer{1: 5}, math.MaxUint64},
		{"single voter commits what it has", majority(1), MapAckIndexer{1: 12}, 12},
		{"single voter without ack", majority(1), MapAckIndexer{}, 0},
		{"two voters need both", majority(1, 2), MapAckIndexer{1: 10, 2: 7}, 7},
		{"two voters, one unknown", majority(1, 2), MapAckIndexer{1: 10}, 0},
		{"three voters take the median", majority(1, 2, 3), MapAckIndexer{1: 10, 2: 7, 3: 3}, 7},
		{"three voters, one unknown", majority(1, 2, 3), MapAckIndexer{1: 10, 2: 7}, 7},
		{"three voters, two unknown", majority(1, 2, 3), MapAckIndexer{1: 10}, 0},
		{"acks from non-voters are ignored", majority(1, 2, 3), MapAckIndexer{1: 10, 4: 100, 5: 100}, 0},
		{"four voters need three", majority(1, 2, 3, 4), MapAckIndexer{1: 10, 2: 9, 3: 8, 4: 1}, 8},
		{"five voters need three", majority(1, 2, 3, 4, 5), MapAckIndexer{1: 1, 2: 9, 3: 8, 4: 2, 5: 5}, 5},
		{"equal acks", majority(1, 2, 3), MapAckIndexer{1: 4, 2: 4, 3: 4}, 4},
		{"nine voters (heap path)", majority(1, 2, 3, 4, 5, 6, 7, 8, 9),
			MapAckIndexer{1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7, 8: 8, 9: 9}, 5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cfg.CommittedIndex(tt.acked); got != tt.want {
				t.Errorf("CommittedIndex = %s, want %s", got, tt.want)
			}
			if got := naiveCommittedIndex(tt.cfg, tt.acked); got != tt.want {
				t.Fatalf("test oracle disagrees: naive = %s, want %s", got, tt.want)
			}
		})
	}
}

// naiveCommittedIndex is an independent definition of the commit index: the
// largest index that at least a majority of voters have acknowledged, found
// by trying every candidate.
func naiveCommittedIndex(c MajorityConfig, l AckedIndexer) Index {
	if len(c) == 0 {
		return math.MaxUint64
	}
	q := len(c)/2 + 1
	var best Index
	for cand := range c {
		idx, _ := l.AckedIndex(cand)
		n := 0
		for id := range c {
			if other, _ := l.AckedIndex(id); other >= idx {
				n++
			}
		}
		if n >= q && idx > best {
			best = idx
		}
	}
	return best
}

// TestMajorityCommittedIndexQuick compares CommittedIndex with the naive
// definition on random configs of up to 11 voters (crossing the stack
// buffer size), with some voters missing an ack.
func TestMajorityCommittedIndexQuick(t *testing.T) {
	f := func(seed uint64) bool {
		rng := rand.New(rand.NewPCG(seed, 0))
		cfg := MajorityConfig{}
		acked := MapAckIndexer{}
		for range rng.IntN(12) {
			id := 1 + rng.Uint64N(20)
			cfg[id] = struct{}{}
			if rng.IntN(5) > 0 {
				acked[id] = Index(rng.Uint64N(10))
			}
		}
		got, want := cfg.CommittedIndex(acked), naiveCommittedIndex(cfg, acked)
		if got != want {
			t.Logf("cfg=%s acked=%v: got %s, want %s", cfg, acked, got, want)
		}
		return got == want
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 2000}); err != nil {
		t.Error(err)
	}
}

func TestMajorityCommittedIndexNoAlloc(t *testing.T) {
	cfg := majority(1, 2, 3, 4, 5, 6, 7)
	acked := MapAckIndexer{1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 7: 7}
	if n := testing.AllocsPerRun(100, func() { cfg.CommittedIndex(acked) }); n != 0 {
		t.Errorf("CommittedIndex on 7 voters allocated %.0f times, want 0", n)
	}
}

func TestMajorityVoteResult(t *testing.T) {
	const y, n = true, false
	for _, tt := range []struct {
		name  string
		cfg   MajorityConfig
		votes map[uint64]bool
		want  VoteResult
	}{
		{"empty config wins", majority(), nil, VoteWon},
		{"single voter pending", majority(1), nil, VotePending},
		{"single voter yes", majority(1), map[uint64]bool{1: y}, VoteWon},
		{"single voter no", majority(1), map[uint64]bool{1: n}, VoteLost},
		{"two voters need both", majority(1, 2), map[uint64]bool{1: y}, VotePending},
		{"two voters one no", majority(1, 2), map[uint64]bool{1: y, 2: n}, VoteLost},
		{"three voters two yes", majority(1, 2, 3), map[uint64]bool{1: y, 2: y}, VoteWon},
		{"three voters one each", majority(1, 2, 3), map[uint64]bool{1: y, 2: n}, VotePending},
		{"three voters two no", majority(1, 2, 3), map[uint64]bool{1: n, 3: n}, VoteLost},
		{"votes outside config ignored", majority(1, 2, 3), map[uint64]bool{1: y, 4: y, 5: y}, VotePending},
		{"four voters need three", majority(1, 2, 3, 4), map[uint64]bool{1: y, 2: y, 3: n}, VotePending},
		{"four voters two no loses", majority(1, 2, 3, 4), map[uint64]bool{1: y, 2: y, 3: n, 4: n}, VoteLost},
		{"five voters three yes", majority(1, 2, 3, 4, 5), map[uint64]bool{1: y, 2: n, 3: y, 4: n, 5: y}, VoteWon},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cfg.VoteResult(tt.votes); got != tt.want {
				t.Errorf("VoteResult = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestVoteResultString(t *testing.T) {
	for v, want := range map[VoteResult]string{
		VotePending: "VotePending", VoteLost: "VoteLost", VoteWon: "VoteWon", 0: "VoteResult(0)",
	} {
		if got := v.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", uint8(v), got, want)
		}
	}
}
