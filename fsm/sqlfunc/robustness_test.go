package sqlfunc

import (
	"database/sql/driver"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// oddValues are arguments chosen to reach edge cases: NULL, every SQLite
// type, integer and float extremes, invalid UTF-8, and strings that are
// meaningful to some functions (units, zones, flags, formats, timestamps).
var oddValues = []driver.Value{
	nil,
	int64(0), int64(1), int64(-1), int64(2), int64(16), int64(1 << 16),
	int64(math.MaxInt32), int64(math.MinInt32), int64(math.MaxInt64), int64(math.MinInt64),
	float64(0), math.Copysign(0, -1), float64(1.5), float64(-2), float64(1e300), float64(5e-324),
	math.NaN(), math.Inf(1), math.Inf(-1),
	"", " ", "a", "abc", "é", "日本語", "\x00", "\xff\xfe", "a\xe2\x82", "\\", "'", "$1", `\1\&\\`,
	" 42 ", "-7", "9999999999999999999999", "1e999", "nan",
	"g", "gi", "n", "x", "q", "(", "a*", "", "^", `\b`,
	"hex", "base64", "escape", "YQ==", "6162",
	"day", "week", "epoch", "julian", "microsecondsxyz", "UTC", "+02:00", "-167",
	"2024-02-29 23:59:60.9999999+15:59", "0001-01-01", "9999-12-31 24:00:00-15", "2024-13-01",
	[]byte{}, []byte{0}, []byte("abc"), []byte{0xff, 0x80}, make([]byte, 16),
	true, struct{}{},
}

// TestNoPanicOnOddArguments calls every function with every combination
// of up to three odd arguments, and a deterministic sample of four, and
// checks the contract: no panic, only SQLite types out, never a result
// together with an error, and the same answer twice.
func TestNoPanicOnOddArguments(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, f := range All() {
		arities := f.NArgs
		if arities == nil {
			arities = []int{1, 2, 3}
		}
		// Counts SQLite would never use must fail cleanly too.
		wrong := []int{0, arities[len(arities)-1] + 1}
		for _, n := range append(wrong, arities...) {
			combos := 1
			for range n {
				combos *= len(oddValues)
			}
			if combos > 60_000 {
				for range 20_000 {
					a := make([]driver.Value, n)
					for i := range a {
						a[i] = oddValues[rng.IntN(len(oddValues))]
					}
					checkContract(t, f, a)
				}
				continue
			}
			for c := range combos {
				a := make([]driver.Value, n)
				for i, rest := 0, c; i < n; i++ {
					a[i] = oddValues[rest%len(oddValues)]
					rest /= len(oddValues)
				}
				checkContract(t, f, a)
			}
		}
	}
}

func checkContract(t *testing.T, f Func, a []driver.Value) {
	t.Helper()
	got, err := callNoPanic(f, a)
	call := func() string { return f.Name + formatArgs(a) }
	if p, ok := err.(panicError); ok {
		t.Fatalf("%s panicked: %v", call(), p.value)
	}
	if err != nil {
		if got != nil {
			t.Fatalf("%s returned %#v with error %v", call(), got, err)
		}
		if err.Error() == "" {
			t.Fatalf("%s returned an empty error", call())
		}
	}
	switch got.(type) {
	case nil, int64, float64, string, []byte:
	default:
		t.Fatalf("%s returned %T, not a SQLite type", call(), got)
	}
	again, err2 := f.Impl(a)
	if !sameValue(again, got) || fmt.Sprint(err) != fmt.Sprint(err2) {
		t.Fatalf("%s is not deterministic: %#v, %v then %#v, %v", call(), got, err, again, err2)
	}
}

type panicError struct{ value any }

func (p panicError) Error() string { return fmt.Sprint("panic: ", p.value) }

func callNoPanic(f Func, a []driver.Value) (v driver.Value, err error) {
	defer func() {
		if p := recover(); p != nil {
			v, err = nil, panicError{p}
		}
	}()
	return f.Impl(a)
}

// FuzzFunctions feeds arbitrary text, integers and reals to every
// function; `go test -fuzz FuzzFunctions` explores beyond the seeds.
func FuzzFunctions(f *testing.F) {
	f.Add(uint8(0), "abc", "b", int64(1), float64(1), []byte("x"))
	f.Add(uint8(20), "2024-01-01 10:00:00+02", "day", int64(-3), math.Inf(1), []byte{})
	f.Add(uint8(30), "a\xffb", `(a|ab)*?\b`, int64(math.MinInt64), math.NaN(), []byte{0xff})
	funcs := All()
	f.Fuzz(func(t *testing.T, which uint8, s1, s2 string, n int64, x float64, b []byte) {
		fn := funcs[int(which)%len(funcs)]
		pool := []driver.Value{s1, s2, n, x, b, nil}
		arities := fn.NArgs
		if arities == nil {
			arities = []int{1, 2, 3, 4}
		}
		for _, k := range arities {
			// Rotate through the pool so that each position sees each kind.
			for shift := range pool {
				a := make([]driver.Value, k)
				for i := range a {
					a[i] = pool[(i+shift+int(which))%len(pool)]
				}
				if strings.HasPrefix(fn.Name, "r") && k > 1 {
					// Keep repeat/rpad/regexp inputs from allocating gigabytes
					// legitimately: small counts are as good at finding panics.
					for i, v := range a {
						if m, ok := v.(int64); ok {
							a[i] = m % 1000
						}
					}
				}
				checkContract(t, fn, a)
			}
		}
	})
}
