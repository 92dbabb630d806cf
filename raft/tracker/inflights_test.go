package tracker

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// indexes lists the inflight indexes, oldest first.
func (in *Inflights) indexes() []uint64 {
	var out []uint64
	for i := range in.count {
		out = append(out, in.buffer[in.slot(i)].index)
	}
	return out
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s did not panic", what)
		}
	}()
	f()
}

func TestInflightsFullByCount(t *testing.T) {
	in := NewInflights(3, 0)
	for i := uint64(1); i <= 3; i++ {
		if in.Full() {
			t.Fatalf("full after %d of 3 adds", i-1)
		}
		in.Add(i, 100)
	}
	if !in.Full() || in.Count() != 3 {
		t.Fatalf("after 3 adds: Full=%v Count=%d, want true 3", in.Full(), in.Count())
	}
	mustPanic(t, "Add on a full window", func() { in.Add(4, 1) })

	in.FreeLE(1)
	if in.Full() || in.Count() != 2 {
		t.Fatalf("after FreeLE(1): Full=%v Count=%d, want false 2", in.Full(), in.Count())
	}
}

func TestInflightsFullByBytes(t *testing.T) {
	in := NewInflights(10, 1000)
	in.Add(1, 400)
	in.Add(2, 500)
	if in.Full() {
		t.Fatal("900 of 1000 bytes reported full")
	}
	// The limit is checked before sending, so one message may overshoot it.
	in.Add(3, 5000)
	if !in.Full() {
		t.Fatal("5900 of 1000 bytes not reported full")
	}
	in.FreeLE(2)
	if !in.Full() || in.bytes != 5000 {
		t.Fatalf("after FreeLE(2): Full=%v bytes=%d, want true 5000", in.Full(), in.bytes)
	}
	in.FreeLE(3)
	if in.Full() || in.bytes != 0 || in.Count() != 0 {
		t.Fatalf("after FreeLE(3): Full=%v bytes=%d count=%d, want empty", in.Full(), in.bytes, in.Count())
	}
	in.Add(4, 1000)
	if !in.Full() {
		t.Fatal("exactly maxBytes in flight must be full")
	}
}

func TestInflightsAddRequiresIncreasingIndex(t *testing.T) {
	in := NewInflights(10, 0)
	in.Add(5, 0)
	mustPanic(t, "Add of an equal index", func() { in.Add(5, 0) })
	mustPanic(t, "Add of a lower index", func() { in.Add(4, 0) })
	in.Add(6, 0)
	if got := in.indexes(); !slices.Equal(got, []uint64{5, 6}) {
		t.Fatalf("indexes = %v, want [5 6]", got)
	}
}

func TestInflightsFreeLE(t *testing.T) {
	in := NewInflights(10, 0)
	for i := uint64(10); i <= 50; i += 10 {
		in.Add(i, i)
	}
	in.FreeLE(5) // below the window: a stale acknowledgement
	if got := in.indexes(); !slices.Equal(got, []uint64{10, 20, 30, 40, 50}) {
		t.Fatalf("stale FreeLE changed the window: %v", got)
	}
	in.FreeLE(25) // frees what ends at or before 25
	if got := in.indexes(); !slices.Equal(got, []uint64{30, 40, 50}) || in.bytes != 120 {
		t.Fatalf("after FreeLE(25): %v bytes=%d, want [30 40 50] 120", got, in.bytes)
	}
	in.FreeLE(40)
	if got := in.indexes(); !slices.Equal(got, []uint64{50}) || in.bytes != 50 {
		t.Fatalf("after FreeLE(40): %v bytes=%d, want [50] 50", got, in.bytes)
	}
	in.FreeLE(1000)
	if in.Count() != 0 || in.bytes != 0 || in.start != 0 {
		t.Fatalf("after freeing all: count=%d bytes=%d start=%d, want zeros", in.Count(), in.bytes, in.start)
	}
	in.FreeLE(2000) // freeing an empty window is a no-op
	if in.Count() != 0 {
		t.Fatal("FreeLE on empty window added something")
	}
}

func TestInflightsWraparound(t *testing.T) {
	in := NewInflights(4, 0)
	for i := uint64(1); i <= 4; i++ {
		in.Add(i, 1)
	}
	in.FreeLE(2)
	in.Add(5, 1) // lands in slot 0, before the oldest inflight (slot 2)
	in.Add(6, 1)
	if in.start != 2 || !in.Full() {
		t.Fatalf("start=%d Full=%v, want 2 true", in.start, in.Full())
	}
	if got := in.indexes(); !slices.Equal(got, []uint64{3, 4, 5, 6}) {
		t.Fatalf("indexes = %v, want [3 4 5 6]", got)
	}
	in.FreeLE(5) // freeing crosses the end of the ring
	if got := in.indexes(); !slices.Equal(got, []uint64{6}) || in.start != 1 || in.bytes != 1 {
		t.Fatalf("after FreeLE(5): %v start=%d bytes=%d, want [6] 1 1", got, in.start, in.bytes)
	}
}

func TestInflightsGrowLazily(t *testing.T) {
	in := NewInflights(10, 0)
	if len(in.buffer) != 0 {
		t.Fatalf("new window allocated %d slots", len(in.buffer))
	}
	for i, want := range []int{1, 2, 4, 4, 8, 8, 8, 8, 10, 10} {
		in.Add(uint64(i+1), 0)
		if len(in.buffer) != want {
			t.Fatalf("after %d adds: %d slots, want %d", i+1, len(in.buffer), want)
		}
	}
	// A window that keeps emptying restarts at slot 0 and does not grow.
	small := NewInflights(10, 0)
	for i := uint64(1); i <= 100; i++ {
		small.Add(i, 0)
		small.FreeLE(i)
	}
	if len(small.buffer) != 1 {
		t.Fatalf("add/free cycles grew the buffer to %d slots, want 1", len(small.buffer))
	}
}

// TestInflightsResetForgetsBytes guards against leaking bytes across a
// reset: a window reset while holding bytes must not stay full afterwards.
func TestInflightsResetForgetsBytes(t *testing.T) {
	in := NewInflights(10, 1000)
	in.Add(1, 600)
	in.Add(2, 600)
	in.FreeLE(1) // wrap start away from 0 too
	in.reset()
	if in.Count() != 0 || in.bytes != 0 || in.start != 0 || in.Full() {
		t.Fatalf("after reset: count=%d bytes=%d start=%d full=%v", in.Count(), in.bytes, in.start, in.Full())
	}
	in.Add(1, 600) // indexes may repeat after a reset
	if in.Full() || in.bytes != 600 {
		t.Fatalf("after reset and Add: full=%v bytes=%d, want false 600", in.Full(), in.bytes)
	}
}

func TestInflightsClone(t *testing.T) {
	in := NewInflights(4, 0)
	in.Add(1, 10)
	in.Add(2, 20)
	c := in.Clone()
	in.FreeLE(1)
	in.Add(3, 30)
	if got := c.indexes(); !slices.Equal(got, []uint64{1, 2}) || c.bytes != 30 {
		t.Fatalf("clone changed with the original: %v bytes=%d", got, c.bytes)
	}
	c.Add(9, 90)
	if got := in.indexes(); !slices.Equal(got, []uint64{2, 3}) {
		t.Fatalf("original changed with the clone: %v", got)
	}
}

// TestInflightsRandom drives the ring and a plain slice with the same random
// operations and requires them to agree.
func TestInflightsRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for range 200 {
		size := 1 + rng.IntN(8)
		maxBytes := uint64(rng.IntN(3)) * 50
		in := NewInflights(size, maxBytes)
		var model []inflight
		next := uint64(1)
		for range 200 {
			var bytes uint64
			for _, f := range model {
				bytes += f.bytes
			}
			full := len(model) == size || (maxBytes != 0 && bytes >= maxBytes)
			if in.Full() != full || in.Count() != len(model) || in.bytes != bytes {
				t.Fatalf("size=%d maxBytes=%d model=%v: Full=%v Count=%d bytes=%d", size, maxBytes,
					model, in.Full(), in.Count(), in.bytes)
			}
			switch op := rng.IntN(10); {
			case op < 6 && !full:
				f := inflight{index: next, bytes: uint64(rng.IntN(30))}
				next += 1 + uint64(rng.IntN(3))
				in.Add(f.index, f.bytes)
				model = append(model, f)
			case op < 9:
				to := next - uint64(rng.IntN(int(min(next, 8))))
				in.FreeLE(to)
				for len(model) > 0 && model[0].index <= to {
					model = model[1:]
				}
			default:
				in.reset()
				model = nil
			}
			var got []uint64
			for _, f := range model {
				got = append(got, f.index)
			}
			if !slices.Equal(in.indexes(), got) {
				t.Fatalf("indexes = %v, model %v", in.indexes(), got)
			}
		}
	}
}

// Merging entries into the newest message keeps one slot and adds bytes.
func TestInflightsExtendLast(t *testing.T) {
	in := NewInflights(2, 100)
	in.Add(5, 10)
	in.ExtendLast(8, 30)
	if in.Count() != 1 || in.bytes != 40 {
		t.Fatalf("count=%d bytes=%d, want 1 and 40", in.Count(), in.bytes)
	}
	in.Add(9, 60)
	if !in.Full() {
		t.Fatal("window of 100 bytes holding 100 should be full")
	}
	in.FreeLE(8)
	if in.Count() != 1 || in.bytes != 60 {
		t.Fatalf("after freeing the merged message: count=%d bytes=%d, want 1 and 60", in.Count(), in.bytes)
	}
}
