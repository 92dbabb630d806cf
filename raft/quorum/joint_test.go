package quorum

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestJointString(t *testing.T) {
	if got := (JointConfig{majority(1, 2, 3)}).String(); got != "(1 2 3)" {
		t.Errorf("non-joint String() = %q", got)
	}
	if got := (JointConfig{majority(3, 2, 1), majority(4, 1, 2)}).String(); got != "(1 2 3)&&(1 2 4)" {
		t.Errorf("joint String() = %q", got)
	}
	ids := JointConfig{majority(1, 2), majority(2, 3)}.IDs()
	if len(ids) != 3 {
		t.Errorf("IDs() = %v, want {1 2 3}", ids)
	}
	for _, id := range []uint64{1, 2, 3} {
		if _, ok := ids[id]; !ok {
			t.Errorf("IDs() misses %d", id)
		}
	}
}

func TestJointCommittedIndex(t *testing.T) {
	for _, tt := range []struct {
		name  string
		cfg   JointConfig
		acked MapAckIndexer
		want  Index
	}{
		{"both empty", JointConfig{}, MapAckIndexer{1: 5}, math.MaxUint64},
		{"outgoing empty behaves like incoming", JointConfig{majority(1, 2, 3), nil},
			MapAckIndexer{1: 10, 2: 7, 3: 3}, 7},
		{"incoming empty behaves like outgoing", JointConfig{nil, majority(1, 2, 3)},
			MapAckIndexer{1: 10, 2: 7, 3: 3}, 7},
		{"same halves", JointConfig{majority(1, 2, 3), majority(1, 2, 3)},
			MapAckIndexer{1: 10, 2: 7, 3: 3}, 7},
		// (1 2 3) commits 7 via {1,2}; (3 4 5) commits 3 via {3,4}.
		{"outgoing lags", JointConfig{majority(1, 2, 3), majority(3, 4, 5)},
			MapAckIndexer{1: 10, 2: 7, 3: 3, 4: 5, 5: 1}, 3},
		{"incoming lags", JointConfig{majority(3, 4, 5), majority(1, 2, 3)},
			MapAckIndexer{1: 10, 2: 7, 3: 3, 4: 5, 5: 1}, 3},
		// Adding a voter: (1 2 3 4) needs three acks, the new voter 4 has none.
		{"new voter not caught up", JointConfig{majority(1, 2, 3, 4), majority(1, 2, 3)},
			MapAckIndexer{1: 10, 2: 9, 3: 8}, 8},
		{"new voter unknown, old majority short", JointConfig{majority(1, 2, 4), majority(1, 2, 3)},
			MapAckIndexer{1: 10, 3: 8}, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cfg.CommittedIndex(tt.acked); got != tt.want {
				t.Errorf("CommittedIndex = %s, want %s", got, tt.want)
			}
		})
	}
}

// TestJointCommittedIndexRandom checks the joint commit index against the
// naive definition applied to both halves: an index is committed only when
// each half, on its own, has a majority that acknowledged it.
func TestJointCommittedIndexRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		var cfg JointConfig
		acked := MapAckIndexer{}
		for half := range cfg {
			cfg[half] = MajorityConfig{}
			for range rng.IntN(9) {
				id := 1 + rng.Uint64N(12)
				cfg[half][id] = struct{}{}
				if rng.IntN(4) > 0 {
					acked[id] = Index(rng.Uint64N(8))
				}
			}
		}
		want := min(naiveCommittedIndex(cfg[0], acked), naiveCommittedIndex(cfg[1], acked))
		if got := cfg.CommittedIndex(acked); got != want {
			t.Fatalf("%s acked=%v: CommittedIndex = %s, want %s", cfg, acked, got, want)
		}
	}
}

func TestJointVoteResult(t *testing.T) {
	const y, n = true, false
	for _, tt := range []struct {
		name  string
		cfg   JointConfig
		votes map[uint64]bool
		want  VoteResult
	}{
		{"both empty", JointConfig{}, nil, VoteWon},
		{"non-joint follows incoming", JointConfig{majority(1, 2, 3)}, map[uint64]bool{1: y, 2: y}, VoteWon},
		{"incoming won, outgoing pending", JointConfig{majority(1, 2, 3), majority(3, 4, 5)},
			map[uint64]bool{1: y, 2: y, 3: n}, VotePending},
		{"both won", JointConfig{majority(1, 2, 3), majority(3, 4, 5)},
			map[uint64]bool{1: y, 2: y, 4: y, 5: y}, VoteWon},
		{"shared voter carries both", JointConfig{majority(1, 2, 3), majority(2, 3, 4)},
			map[uint64]bool{2: y, 3: y}, VoteWon},
		{"incoming won, outgoing lost", JointConfig{majority(1, 2, 3), majority(3, 4, 5)},
			map[uint64]bool{1: y, 2: y, 4: n, 5: n}, VoteLost},
		{"incoming lost, outgoing pending", JointConfig{majority(1, 2, 3), majority(3, 4, 5)},
			map[uint64]bool{1: n, 2: n}, VoteLost},
		{"both pending", JointConfig{majority(1, 2, 3), majority(3, 4, 5)},
			map[uint64]bool{1: y, 4: y}, VotePending},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cfg.VoteResult(tt.votes); got != tt.want {
				t.Errorf("VoteResult = %s, want %s", got, tt.want)
			}
		})
	}
}
