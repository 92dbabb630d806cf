package tablefunc

import (
	"database/sql/driver"
	"fmt"
	"math"
	"testing"
)

func collect(t *testing.T, args ...driver.Value) ([]driver.Value, error) {
	t.Helper()
	next, err := series(args)
	if err != nil {
		return nil, err
	}
	var out []driver.Value
	for v, ok := next(); ok; v, ok = next() {
		out = append(out, v)
		if len(out) > 1000 {
			t.Fatalf("series%v does not end", args)
		}
	}
	return out, nil
}

// generate_series follows PostgreSQL: inclusive bounds, a step in either
// direction, reals when an argument is one, no rows for NULL, an error for
// a zero step, and no overflow past the largest integer.
func TestSeries(t *testing.T) {
	for _, c := range []struct {
		args []driver.Value
		want string
	}{
		{[]driver.Value{int64(1), int64(3)}, "[1 2 3]"},
		{[]driver.Value{int64(10), int64(1), int64(-4)}, "[10 6 2]"},
		{[]driver.Value{int64(3), int64(1)}, "[]"},
		{[]driver.Value{1.0, 2.0, 0.5}, "[1 1.5 2]"},
		{[]driver.Value{nil, int64(3)}, "[]"},
		{[]driver.Value{"2", "4"}, "[2 3 4]"},
		{[]driver.Value{int64(math.MaxInt64 - 1), int64(math.MaxInt64)}, "[9223372036854775806 9223372036854775807]"},
	} {
		got, err := collect(t, c.args...)
		if err != nil || fmt.Sprint(got) != c.want {
			t.Errorf("generate_series%v = %v, %v; want %s", c.args, got, err, c.want)
		}
	}
	if _, err := collect(t, int64(1), int64(3), int64(0)); err == nil {
		t.Error("a zero step was accepted")
	}
}
