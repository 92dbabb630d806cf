package raft

import (
	"errors"
	"os"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func envInt(t *testing.T, name string, def int) int {
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		t.Fatalf("%s=%q: %v", name, v, err)
	}
	return n
}

func runSimSeed(seed uint64, events int, bugs plantedBugs) (simStats, error) {
	return runSimSeedWith(seed, events, bugs, nil)
}

func runSimSeedWith(seed uint64, events int, bugs plantedBugs, tune func(*simOptions)) (simStats, error) {
	opts := deriveSimOptions(seed, events)
	opts.bugs = bugs
	if tune != nil {
		tune(&opts)
	}
	s, err := newSim(opts)
	if err != nil {
		return simStats{}, err
	}
	if err := s.run(); err != nil {
		return s.stats, errorsWithOptions{opts: opts, err: err}
	}
	return s.stats, nil
}

type errorsWithOptions struct {
	opts simOptions
	err  error
}

func (e errorsWithOptions) Error() string { return e.opts.String() + ": " + e.err.Error() }
func (e errorsWithOptions) Unwrap() error { return e.err }

// TestSimulation runs the seeded fault simulator over many seeds. Set
// RAFT_SIM_SEEDS for a longer soak, RAFT_SIM_SEED to replay one seed and
// RAFT_SIM_EVENTS to change the events per seed.
func TestSimulation(t *testing.T) {
	events := envInt(t, "RAFT_SIM_EVENTS", 5000)
	if one := os.Getenv("RAFT_SIM_SEED"); one != "" {
		seed, err := strconv.ParseUint(one, 10, 64)
		if err != nil {
			t.Fatalf("RAFT_SIM_SEED=%q: %v", one, err)
		}
		stats, err := runSimSeed(seed, events, plantedBugs{})
		if err != nil {
			t.Fatal(err)
		}
		t.Log(stats)
		return
	}
	seeds := envInt(t, "RAFT_SIM_SEEDS", 1000)
	if testing.Short() {
		seeds = min(seeds, 100)
	}
	start := time.Now()
	var (
		next   atomic.Uint64
		failed atomic.Bool
		wg     sync.WaitGroup
		mu     sync.Mutex
		first  error
		seedOf uint64
		total  simStats
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				seed := next.Add(1)
				if seed > uint64(seeds) {
					return
				}
				stats, err := runSimSeed(seed, events, plantedBugs{})
				mu.Lock()
				total.add(stats)
				mu.Unlock()
				if err != nil {
					mu.Lock()
					if first == nil || seed < seedOf {
						first, seedOf = err, seed
					}
					mu.Unlock()
					failed.Store(true)
				}
			}
		}()
	}
	wg.Wait()
	if first != nil {
		t.Fatalf("seed %d failed (replay: RAFT_SIM_SEED=%d RAFT_SIM_EVENTS=%d go test -race ./raft -run 'TestSimulation$' -v):\n%v",
			seedOf, seedOf, events, first)
	}
	t.Logf("%d seeds x %d events: no violations in %v\n%s", seeds, events, time.Since(start).Round(time.Millisecond), total)
	// A simulator that elects nobody or applies nothing checks nothing.
	if total.leaders < uint64(seeds) || total.applied < uint64(seeds)*10 || total.reads == 0 ||
		total.snapshots == 0 || total.confChanges == 0 || total.crashes == 0 {
		t.Fatalf("the simulation exercised too little: %s", total)
	}
}

// TestSimulatorCatchesPlantedBugs proves the simulator can fail: with a
// known protocol bug switched on it must report a violation within a
// bounded number of seeds.
func TestSimulatorCatchesPlantedBugs(t *testing.T) {
	cases := []struct {
		name string
		bugs plantedBugs
		// tune focuses the fault profile on what exposes the bug, as a
		// tester would: Figure 8 needs one entry per message and one
		// message in flight (so a follower can hold an old-term entry
		// without the new leader's no-op), and elections racing delayed
		// messages.
		tune func(*simOptions)
	}{
		{"vote counted twice", plantedBugs{countVoteTwice: true}, nil},
		{"previous-term entry committed by counting replicas", plantedBugs{commitPreviousTerm: true}, func(o *simOptions) {
			o.nodes, o.maxSizePerMsg, o.maxInflight = 3, 0, 1
			o.preVote, o.checkQuorum, o.readOnly = false, false, ReadOnlySafe
			o.dropRate, o.longDelayRate = 0.1, 0.05
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			const maxSeeds = 2000
			for seed := uint64(1); seed <= maxSeeds; seed++ {
				_, err := runSimSeedWith(seed, 1500, tc.bugs, tc.tune)
				if errors.Is(err, errViolation) {
					t.Logf("seed %d found it: %.200s", seed, err)
					return
				}
				if err != nil {
					t.Fatalf("seed %d: unexpected error: %v", seed, err)
				}
			}
			t.Fatalf("no violation found in %d seeds with the bug planted", maxSeeds)
		})
	}
}
