package dialect

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Timestamps with a time zone are stored as UTC text without an offset,
// in the shape SQLite's strftime('%Y-%m-%d %H:%M:%f') writes (what now()
// becomes): pgwire/pgvalue's DecodeParam stores a timestamptz parameter
// so, and a string literal stored into or compared with a timestamptz
// column must read the same for text comparisons to agree. pgvalue
// imports this package, so the reading below mirrors its parseDateTime
// (for the ISO forms: date, T or space, time, zone) and its storage
// format; TestTimestamptzLiteralsMatchParams (literal_ext_test.go) holds
// the two together.

// isoTimestamp is an ISO date and time as written, before any zone is
// applied.
type isoTimestamp struct {
	year, month, day  int // astronomical year: 1 BC is 0
	hour, min, sec    int
	usec              int // may be 1_000_000 after rounding
	offset            int // seconds east of UTC
	hasOffset         bool
	sepT              int // index of a T between date and time in the input, or -1
	hasTime, infinity bool
}

// parseISOTimestamp reads [date] [T|spaces] [time] [spaces] [zone] [BC|AD]
// as pgvalue's parseDateTime does for a timestamp (a date is required):
// date Y{4,7}-M{1,2}-D{1,2}, time H{1,2}:MM[:SS[.fraction]], zone Z, UTC,
// GMT or ±HH[[:]MM[[:]SS]]; also infinity and -infinity. ok is false for
// anything else, including fields out of range.
func parseISOTimestamp(s string) (ts isoTimestamp, ok bool) {
	ts.sepT = -1
	s = trimSpace(s)
	switch strings.ToLower(s) {
	case "infinity", "+infinity", "-infinity":
		ts.infinity = true
		return ts, true
	}
	bc := false
	if n := len(s); n > 3 && isSpace(s[n-3]) {
		switch strings.ToLower(s[n-2:]) {
		case "bc":
			bc = true
			s = trimSpace(s[:n-2])
		case "ad":
			s = trimSpace(s[:n-2])
		}
	}
	i := 0
	num := func(lo, hi int) (int, bool) {
		start, n := i, 0
		for i < len(s) && isDigit(s[i]) && i-start < hi {
			n = n*10 + int(s[i]-'0')
			i++
		}
		if i-start < lo || i < len(s) && isDigit(s[i]) {
			return 0, false
		}
		return n, true
	}
	char := func(c byte) bool {
		if i < len(s) && s[i] == c {
			i++
			return true
		}
		return false
	}
	spaces := func() bool {
		start := i
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		return i > start
	}
	var okY, okM, okD bool
	ts.year, okY = num(4, 7)
	if !okY || !char('-') {
		return ts, false
	}
	ts.month, okM = num(1, 2)
	if !okM || !char('-') {
		return ts, false
	}
	ts.day, okD = num(1, 2)
	if !okD || ts.year == 0 {
		return ts, false
	}
	if bc {
		ts.year = 1 - ts.year
	}
	if ts.month < 1 || ts.month > 12 || ts.day < 1 || ts.day > daysInMonth(ts.year, ts.month) {
		return ts, false
	}
	if i == len(s) {
		return ts, true
	}
	if i < len(s) && (s[i] == 'T' || s[i] == 't') {
		ts.sepT = i
		i++
	} else if !spaces() {
		return ts, false
	}
	if i < len(s) && isDigit(s[i]) {
		ts.hasTime = true
		var ok bool
		if ts.hour, ok = num(1, 2); !ok || !char(':') {
			return ts, false
		}
		if ts.min, ok = num(2, 2); !ok {
			return ts, false
		}
		if char(':') {
			if ts.sec, ok = num(2, 2); !ok {
				return ts, false
			}
			if char('.') {
				start := i
				for i < len(s) && isDigit(s[i]) {
					i++
				}
				if i == start {
					return ts, false
				}
				ts.usec = FractionMicros(s[start:i])
			}
		}
		// 24:00:00 is the end of the day and :60 a leap second; both carry.
		if ts.min > 59 || ts.sec > 60 || ts.hour > 24 || ts.hour == 24 && (ts.min > 0 || ts.sec > 0 || ts.usec > 0) {
			return ts, false
		}
	}
	if i == len(s) {
		return ts, true
	}
	spaces()
	return ts, ts.zone(s[i:])
}

// zone reads the zone at the end of a timestamp: Z, UTC, GMT or
// ±HH[[:]MM[[:]SS]] (hours up to 15, as PostgreSQL's MAX_TZDISP_HOUR).
func (ts *isoTimestamp) zone(z string) bool {
	switch strings.ToLower(z) {
	case "z", "utc", "gmt":
		ts.hasOffset = true
		return true
	}
	if z == "" || z[0] != '+' && z[0] != '-' {
		return false
	}
	neg := z[0] == '-'
	z = z[1:]
	n := 0
	for n < len(z) && isDigit(z[n]) {
		n++
	}
	run, rest := z[:n], z[n:]
	var h, m, sec int
	two := func(s string) int { v, _ := strconv.Atoi(s); return v }
	switch len(run) {
	case 1, 2:
		h = two(run)
		if rest != "" {
			// :MM or :MM:SS
			if len(rest) != 3 && len(rest) != 6 || rest[0] != ':' || !isDigit(rest[1]) || !isDigit(rest[2]) {
				return false
			}
			m = two(rest[1:3])
			if len(rest) == 6 {
				if rest[3] != ':' || !isDigit(rest[4]) || !isDigit(rest[5]) {
					return false
				}
				sec = two(rest[4:6])
			}
		}
	case 4:
		h, m = two(run[:2]), two(run[2:])
	case 6:
		h, m, sec = two(run[:2]), two(run[2:4]), two(run[4:])
	default:
		return false
	}
	if len(run) > 2 && rest != "" || h > 15 || m > 59 || sec > 59 {
		return false
	}
	ts.hasOffset = true
	ts.offset = (h*60+m)*60 + sec
	if neg {
		ts.offset = -ts.offset
	}
	return true
}

// FractionMicros rounds fractional-second digits (the ones after the
// point) to microseconds as PostgreSQL does: rint() of the fraction strtod
// reads, round-half-even on the double. The result may be a whole second
// (1000000). pgvalue reads timestamps and intervals with it too.
func FractionMicros(digits string) int {
	if len(digits) <= 6 {
		n, _ := strconv.Atoi(digits)
		for i := len(digits); i < 6; i++ {
			n *= 10
		}
		return n
	}
	f, _ := strconv.ParseFloat("0."+digits, 64)
	return int(math.RoundToEven(f * 1e6))
}

func daysInMonth(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// PostgreSQL's timestamp range: 4714-11-24 BC to before 294277-01-01.
var (
	minTimestamp = time.Date(-4713, 11, 24, 0, 0, 0, 0, time.UTC)
	endTimestamp = time.Date(294277, 1, 1, 0, 0, 0, 0, time.UTC)
)

// storedTimestamptz is the text a timestamptz column holds for s: s
// converted to UTC when it carries an offset, in the storage shape
// (YYYY-MM-DD HH:MM:SS.fff, six fraction digits when milliseconds do not
// suffice, BC after); s with its T separator made a space when it has no
// offset (it is UTC already). ok is false for text this reading does not
// follow (other input styles, out of range): the caller keeps it as is.
func storedTimestamptz(s string) (string, bool) {
	ts, ok := parseISOTimestamp(s)
	switch {
	case !ok:
		return "", false
	case ts.infinity || !ts.hasOffset:
		if ts.sepT >= 0 {
			t := trimSpace(s)
			return t[:ts.sepT] + " " + t[ts.sepT+1:], true
		}
		return s, true
	}
	t := time.Date(ts.year, time.Month(ts.month), ts.day, ts.hour, ts.min, ts.sec, 0, time.UTC).
		Add(time.Duration(ts.usec)*time.Microsecond - time.Duration(ts.offset)*time.Second)
	if t.Before(minTimestamp) || !t.Before(endTimestamp) {
		return "", false
	}
	y, bc := t.Year(), false
	if y <= 0 {
		y, bc = 1-y, true
	}
	b := make([]byte, 0, 32)
	b = appendZeroPadded(b, y, 4)
	b = append(b, '-')
	b = appendZeroPadded(b, int(t.Month()), 2)
	b = append(b, '-')
	b = appendZeroPadded(b, t.Day(), 2)
	b = append(b, ' ')
	b = appendZeroPadded(b, t.Hour(), 2)
	b = append(b, ':')
	b = appendZeroPadded(b, t.Minute(), 2)
	b = append(b, ':')
	b = appendZeroPadded(b, t.Second(), 2)
	b = append(b, '.')
	if us := t.Nanosecond() / 1000; us%1000 == 0 {
		b = appendZeroPadded(b, us/1000, 3)
	} else {
		b = appendZeroPadded(b, us, 6)
	}
	if bc {
		b = append(b, " BC"...)
	}
	return string(b), true
}

func appendZeroPadded(dst []byte, v, width int) []byte {
	s := strconv.Itoa(v)
	for i := len(s); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, s...)
}
