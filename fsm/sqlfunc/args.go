package sqlfunc

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// maxAllocSize is PostgreSQL's MaxAllocSize: no value it builds may reach
// 1 GB. Functions whose result size the caller controls (repeat, lpad,
// encode, ...) refuse before allocating, as PostgreSQL does, rather than
// letting one statement exhaust a replica's memory.
const maxAllocSize = 0x3fffffff

// varHeaderSize is the length word PostgreSQL counts against maxAllocSize;
// keeping it in the arithmetic puts our limits exactly where PostgreSQL's are.
const varHeaderSize = 4

var errTooLarge = errors.New("requested length too large")

// pgSpace is the set of characters PostgreSQL's input functions skip
// around a number (C isspace in the "C" locale).
const pgSpace = " \t\n\r\v\f"

// textArg converts an argument to text the way SQLite would.
func textArg(v driver.Value) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case []byte:
		return string(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		return formatFloat(x), nil
	default:
		return "", fmt.Errorf("unsupported argument type %T", v)
	}
}

// texts converts several arguments to text.
func texts(args ...driver.Value) ([]string, error) {
	out := make([]string, len(args))
	for i, a := range args {
		s, err := textArg(a)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// bytesArg converts an argument to bytes; text is taken as its UTF-8
// bytes, which is what a PostgreSQL client means by passing a string
// where bytea is expected.
func bytesArg(v driver.Value) ([]byte, error) {
	if b, ok := v.([]byte); ok {
		return b, nil
	}
	s, err := textArg(v)
	return []byte(s), err
}

// formatFloat renders a float as SQLite's text conversion does, but with
// the shortest representation that round-trips: an integral value keeps a
// ".0" so it still reads as a real number.
func formatFloat(f float64) string {
	switch {
	case math.IsInf(f, 1):
		return "Inf"
	case math.IsInf(f, -1):
		return "-Inf"
	case math.IsNaN(f):
		return "NaN"
	}
	s := strconv.FormatFloat(f, 'g', -1, 64)
	mantissa, exponent := s, ""
	if i := strings.IndexByte(s, 'e'); i >= 0 {
		mantissa, exponent = s[:i], s[i:]
	}
	if !strings.Contains(mantissa, ".") {
		mantissa += ".0"
	}
	return mantissa + exponent
}

// int32Arg reads a PostgreSQL integer (int4) argument; PostgreSQL's
// string functions take int4 counts and positions, and a value outside
// its range is an error there too.
func int32Arg(v driver.Value) (int64, error) {
	return integerArg(v, "integer", math.MinInt32, math.MaxInt32)
}

// int64Arg reads a PostgreSQL bigint argument.
func int64Arg(v driver.Value) (int64, error) {
	return integerArg(v, "bigint", math.MinInt64, math.MaxInt64)
}

func integerArg(v driver.Value, typ string, lo, hi int64) (int64, error) {
	switch x := v.(type) {
	case int64:
		if x < lo || x > hi {
			return 0, fmt.Errorf("%s out of range", typ)
		}
		return x, nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) || x < float64(lo) || x >= -float64(lo) {
			return 0, fmt.Errorf("%s out of range", typ)
		}
		if x != math.Trunc(x) {
			// SQLite has no separate numeric type, so 2.0 may stand for an
			// integer; 2.5 cannot, and silently rounding it would hide a bug.
			return 0, fmt.Errorf("invalid input syntax for type %s: %s", typ, quoted(formatFloat(x)))
		}
		n := int64(x)
		if n > hi {
			return 0, fmt.Errorf("%s out of range", typ)
		}
		return n, nil
	case string, []byte:
		s, _ := textArg(x)
		n, err := strconv.ParseInt(strings.Trim(s, pgSpace), 10, 64)
		if errors.Is(err, strconv.ErrRange) || err == nil && (n < lo || n > hi) {
			return 0, fmt.Errorf("value %s is out of range for type %s", quoted(s), typ)
		}
		if err != nil {
			return 0, fmt.Errorf("invalid input syntax for type %s: %s", typ, quoted(s))
		}
		return n, nil
	default:
		return 0, fmt.Errorf("unsupported argument type %T", v)
	}
}

// float64Arg reads a PostgreSQL double precision argument.
func float64Arg(v driver.Value) (float64, error) {
	switch x := v.(type) {
	case float64:
		return x, nil
	case int64:
		return float64(x), nil
	case string, []byte:
		s, _ := textArg(x)
		return parseFloat(s, "double precision")
	default:
		return 0, fmt.Errorf("unsupported argument type %T", v)
	}
}

// parseFloat accepts what PostgreSQL's float8in does: decimal notation and
// the special values, but not Go's hexadecimal or underscored forms.
func parseFloat(s, typ string) (float64, error) {
	t := strings.Trim(s, pgSpace)
	if strings.ContainsAny(t, "_xXpP") {
		return 0, fmt.Errorf("invalid input syntax for type %s: %s", typ, quoted(s))
	}
	f, err := strconv.ParseFloat(t, 64)
	if errors.Is(err, strconv.ErrRange) {
		return 0, fmt.Errorf("%s is out of range for type %s", quoted(s), typ)
	}
	if err != nil {
		return 0, fmt.Errorf("invalid input syntax for type %s: %s", typ, quoted(s))
	}
	return f, nil
}

// quoted puts s in double quotes as PostgreSQL's messages do (no escaping),
// replacing invalid UTF-8 so that the message itself stays valid text.
func quoted(s string) string {
	return `"` + strings.ToValidUTF8(s, "\uFFFD") + `"`
}
