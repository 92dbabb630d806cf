package sqlfunc

import (
	"bytes"
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"strings"
)

// greatest(v, ...) and least(v, ...) ignore NULLs and return the winning
// argument unchanged (the first of equal ones), NULL when all are NULL.
// They order values as SQLite does, since SQLite columns have no declared
// type to unify them on: numbers by value, then text by bytes, then blobs.
func greatestFunc(args []driver.Value) (driver.Value, error) { return extreme(args, 1) }
func leastFunc(args []driver.Value) (driver.Value, error)    { return extreme(args, -1) }

func extreme(args []driver.Value, want int) (driver.Value, error) {
	if len(args) == 0 {
		return nil, errors.New("at least one argument is required")
	}
	var best driver.Value
	for _, v := range args {
		if f, ok := v.(float64); ok && math.IsNaN(f) {
			// SQLite stores NaN as NULL; treat it as one here too.
			continue
		}
		if v == nil {
			continue
		}
		if best == nil {
			if _, err := storageClass(v); err != nil {
				return nil, err
			}
			best = v
			continue
		}
		c, err := compareValues(v, best)
		if err != nil {
			return nil, err
		}
		if c == want {
			best = v
		}
	}
	return best, nil
}

// storageClass ranks SQLite's value kinds in their sort order.
func storageClass(v driver.Value) (int, error) {
	switch v.(type) {
	case int64, float64:
		return 1, nil
	case string:
		return 2, nil
	case []byte:
		return 3, nil
	}
	return 0, fmt.Errorf("unsupported argument type %T", v)
}

// compareValues returns -1, 0 or 1 as a sorts before, with or after b.
func compareValues(a, b driver.Value) (int, error) {
	ca, err := storageClass(a)
	if err != nil {
		return 0, err
	}
	cb, err := storageClass(b)
	if err != nil {
		return 0, err
	}
	if ca != cb {
		return sign(ca - cb), nil
	}
	switch x := a.(type) {
	case string:
		return strings.Compare(x, b.(string)), nil
	case []byte:
		return bytes.Compare(x, b.([]byte)), nil
	case int64:
		if y, ok := b.(int64); ok {
			return compareInts(x, y), nil
		}
		return -compareIntFloat(b.(float64), x), nil
	default:
		f := x.(float64)
		if y, ok := b.(float64); ok {
			return compareFloats(f, y), nil
		}
		return compareIntFloat(f, b.(int64)), nil
	}
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

func compareInts(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compareFloats(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// compareIntFloat compares f with i exactly, without the rounding that
// converting i to float64 would introduce above 2^53.
func compareIntFloat(f float64, i int64) int {
	switch {
	case f >= 0x1p63:
		return 1
	case f < -0x1p63:
		return -1
	}
	whole := int64(f) // exact: f is in range, and truncation keeps its integer part
	if c := compareInts(whole, i); c != 0 {
		return c
	}
	return compareFloats(f, float64(whole))
}
