package sqlfunc

import (
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
	"time"
)

// The integer calendar code is checked against package time, which is an
// independent implementation of the same proleptic Gregorian calendar
// (used here only in UTC, so no zone data is involved).
func TestCalendarMatchesPackageTime(t *testing.T) {
	for days := daysFromCivil(1, 1, 1) - 10; days <= daysFromCivil(9999, 12, 31)+10; days += 13 {
		ref := time.Unix(days*86400, 0).UTC()
		y, m, d := civilFromDays(days)
		if y != int64(ref.Year()) || m != int64(ref.Month()) || d != int64(ref.Day()) {
			t.Fatalf("civilFromDays(%d) = %d-%d-%d, want %s", days, y, m, d, ref.Format(time.DateOnly))
		}
		if back := daysFromCivil(y, m, d); back != days {
			t.Fatalf("daysFromCivil(%d, %d, %d) = %d, want %d", y, m, d, back, days)
		}
		if dow := dayOfWeek(days); dow != int64(ref.Weekday()) {
			t.Fatalf("%s: dayOfWeek = %d, want %d", ref.Format(time.DateOnly), dow, ref.Weekday())
		}
		isoYear, week := isoWeek(days)
		refYear, refWeek := ref.ISOWeek()
		if isoYear != int64(refYear) || week != int64(refWeek) {
			t.Fatalf("%s: isoWeek = %d-W%d, want %d-W%d", ref.Format(time.DateOnly), isoYear, week, refYear, refWeek)
		}
	}
}

// Every timestamp the functions print, they also read back unchanged.
func TestTimestampRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	lo := daysFromCivil(1, 1, 1) * usecsPerDay
	hi := daysFromCivil(10000, 1, 1) * usecsPerDay
	for range 20_000 {
		ts := lo + rng.Int64N(hi-lo)
		if rng.IntN(2) == 0 {
			ts -= ts % usecsPerSecond // also cover whole seconds
		}
		text := formatTimestamp(ts)
		back, err := parseTimestamp(text)
		if err != nil || back != ts {
			t.Fatalf("parseTimestamp(formatTimestamp(%d) = %q) = %d, %v", ts, text, back, err)
		}
		ref := time.UnixMicro(ts).UTC()
		if want := ref.Format("2006-01-02 15:04:05.999999"); text != want {
			t.Fatalf("formatTimestamp(%d) = %q, package time says %q", ts, text, want)
		}
	}
}

// date_part agrees with package time on every field both define.
func TestDatePartMatchesPackageTime(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 2_000 {
		ref := time.UnixMicro(rng.Int64N(253402300800_000000)).UTC()
		ts := ref.Format("2006-01-02 15:04:05.999999")
		isoYear, isoWeek := ref.ISOWeek()
		wantFor := map[string]float64{
			"year":         float64(ref.Year()),
			"month":        float64(ref.Month()),
			"day":          float64(ref.Day()),
			"hour":         float64(ref.Hour()),
			"minute":       float64(ref.Minute()),
			"dow":          float64(ref.Weekday()),
			"doy":          float64(ref.YearDay()),
			"week":         float64(isoWeek),
			"isoyear":      float64(isoYear),
			"epoch":        float64(ref.UnixMicro()) / 1e6,
			"microseconds": float64(ref.Second()*1_000_000 + ref.Nanosecond()/1000),
		}
		for field, want := range wantFor {
			checkCall(t, "date_part", args(field, ts), want, "")
		}
	}
}

// Offsets in the input and the zone argument of date_trunc are applied
// with opposite signs, as PostgreSQL does: an input offset is ISO 8601
// (east positive), a zone argument POSIX (west positive).
func TestDateTruncZoneSigns(t *testing.T) {
	tests := []struct {
		ts, zone, want string
	}{
		// 2024-05-05 23:30 in UTC+2 is 21:30 UTC; in UTC+2 that day began at 22:00 UTC the day before.
		{"2024-05-05 23:30+02:00", "-02:00", "2024-05-04 22:00:00"},
		{"2024-05-05 21:30Z", "-2", "2024-05-04 22:00:00"},
		{"2024-05-05 21:30Z", "+2", "2024-05-05 02:00:00"},
		{"2024-05-05 21:30Z", "utc", "2024-05-05 00:00:00"},
	}
	for _, tt := range tests {
		checkCall(t, "date_trunc", args("day", tt.ts, tt.zone), tt.want, "")
	}
}

// cbrt is correctly rounded: it equals the cube root computed to 300 bits
// by Newton's method and rounded to the nearest float64.
func TestCbrtIsCorrectlyRounded(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	values := []float64{1, 2, 3, 27, 1e-300, 5e-324, math.MaxFloat64, 0.1, 1 << 62}
	for range 3_000 {
		values = append(values, math.Float64frombits(rng.Uint64()&^(1<<63)))
	}
	for _, x := range values {
		if math.IsNaN(x) || math.IsInf(x, 0) || x == 0 {
			continue
		}
		want := referenceCbrt(x)
		if got := cbrt(x); got != want {
			t.Errorf("cbrt(%v) = %v, want %v", x, got, want)
		}
		if got := cbrt(-x); got != -want {
			t.Errorf("cbrt(%v) = %v, want %v", -x, got, -want)
		}
	}
}

func referenceCbrt(x float64) float64 {
	const prec = 300
	X := new(big.Float).SetPrec(prec).SetFloat64(x)
	r := new(big.Float).SetPrec(prec).SetFloat64(math.Cbrt(x))
	three := big.NewFloat(3)
	for range 10 {
		// r -= (r³ - x) / (3r²)
		r2 := new(big.Float).SetPrec(prec).Mul(r, r)
		num := new(big.Float).SetPrec(prec).Mul(r2, r)
		num.Sub(num, X)
		den := new(big.Float).SetPrec(prec).Mul(r2, three)
		r.Sub(r, num.Quo(num, den))
	}
	f, _ := r.Float64()
	return f
}

func ExampleAll() {
	for _, f := range All() {
		if f.Name == "split_part" {
			v, err := f.Impl(args("2024-05-06", "-", int64(-1)))
			fmt.Println(v, err)
		}
	}
	// Output: 06 <nil>
}
