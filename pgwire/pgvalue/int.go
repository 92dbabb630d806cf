package pgvalue

import (
	"math"

	"sqlraft/fsm"
)

// parseInt is PostgreSQL 15's integer input (pg_strtoint64): optional
// surrounding whitespace, an optional sign and decimal digits, nothing
// else. PostgreSQL 16's underscores and 0x prefixes are not accepted
// because a PostgreSQL 15 client would not send them. overflow reports
// digits beyond int64.
func parseInt(s string) (v int64, ok, overflow bool) {
	s = trimSpace(s)
	neg := false
	if s != "" && (s[0] == '+' || s[0] == '-') {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" {
		return 0, false, false
	}
	// Accumulate negatively so that math.MinInt64 fits.
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false, false
		}
		d := int64(c - '0')
		if n < (math.MinInt64+d)/10 {
			overflow = true
		}
		n = n*10 - d
	}
	if overflow {
		for i := 0; i < len(s); i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false, false
			}
		}
		return 0, false, true
	}
	if !neg {
		if n == math.MinInt64 {
			return 0, false, true
		}
		n = -n
	}
	return n, true, false
}

// asInt reads a stored integer: an INTEGER, a REAL with an integral value
// in range, or text that parses as an integer.
func asInt(v fsm.Value) (int64, bool) {
	switch v.Kind() {
	case fsm.KindInt:
		return v.Int(), true
	case fsm.KindFloat:
		f := v.Float()
		// -2^63 is exact as a float64; 2^63 is not an int64.
		if f == math.Trunc(f) && f >= math.MinInt64 && f < math.MaxInt64 {
			return int64(f), true
		}
	case fsm.KindText:
		i, ok, _ := parseInt(v.Text())
		return i, ok
	}
	return 0, false
}

// intRange is the range of an integer type.
func intRange(oid uint32) (lo, hi int64) {
	switch oid {
	case Int2:
		return math.MinInt16, math.MaxInt16
	case Int4:
		return math.MinInt32, math.MaxInt32
	case OID:
		return 0, math.MaxUint32
	}
	return math.MinInt64, math.MaxInt64
}
