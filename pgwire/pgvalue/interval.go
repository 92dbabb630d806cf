package pgvalue

import (
	"math"
	"strconv"
	"strings"

	"sqlraft/pgwire/dialect"
)

// interval is PostgreSQL's interval: months, days and microseconds are
// kept apart because their lengths vary (a month is not 30 days across
// DST or a calendar).
type interval struct {
	months int32
	days   int32
	usec   int64
}

// intervalUnits maps PostgreSQL's unit words to what one of them adds.
var intervalUnits = map[string]struct {
	months float64 // a year is 12 months
	days   float64
	usec   float64
}{
	"millennium": {months: 12000}, "millennia": {months: 12000}, "millenniums": {months: 12000}, "mil": {months: 12000}, "mils": {months: 12000},
	"century": {months: 1200}, "centuries": {months: 1200}, "c": {months: 1200}, "cent": {months: 1200},
	"decade": {months: 120}, "decades": {months: 120}, "dec": {months: 120}, "decs": {months: 120},
	"year": {months: 12}, "years": {months: 12}, "y": {months: 12}, "yr": {months: 12}, "yrs": {months: 12},
	"month": {months: 1}, "months": {months: 1}, "mon": {months: 1}, "mons": {months: 1},
	"week": {days: 7}, "weeks": {days: 7}, "w": {days: 7},
	"day": {days: 1}, "days": {days: 1}, "d": {days: 1},
	"hour": {usec: 3600e6}, "hours": {usec: 3600e6}, "h": {usec: 3600e6}, "hr": {usec: 3600e6}, "hrs": {usec: 3600e6},
	"minute": {usec: 60e6}, "minutes": {usec: 60e6}, "min": {usec: 60e6}, "mins": {usec: 60e6}, "m": {usec: 60e6},
	"second": {usec: 1e6}, "seconds": {usec: 1e6}, "sec": {usec: 1e6}, "secs": {usec: 1e6}, "s": {usec: 1e6},
	"millisecond": {usec: 1e3}, "milliseconds": {usec: 1e3}, "ms": {usec: 1e3}, "msec": {usec: 1e3}, "msecs": {usec: 1e3},
	"microsecond": {usec: 1}, "microseconds": {usec: 1}, "us": {usec: 1}, "usec": {usec: 1}, "usecs": {usec: 1},
}

// add adds n units, cascading fractions down as PostgreSQL does: a
// fraction of a month becomes 30-day days, a fraction of a day 24-hour
// time.
func (iv *interval) add(n float64, unit string) bool {
	u, ok := intervalUnits[unit]
	if !ok || math.Abs(n*u.months) > math.MaxInt32 || math.Abs(n*u.days) > math.MaxInt32 || math.Abs(n*u.usec) > 1<<62 {
		return false // PostgreSQL reports interval field overflow
	}
	switch {
	case u.months >= 12:
		// A fraction of a year is rounded to whole months.
		iv.months += int32(math.Round(n * u.months))
	case u.months > 0:
		whole, frac := math.Modf(n)
		iv.months += int32(whole)
		iv.addDays(frac * 30)
	case u.days > 0:
		iv.addDays(n * u.days)
	default:
		iv.usec += int64(math.Round(n * u.usec))
	}
	return true
}

func (iv *interval) addDays(d float64) {
	whole, frac := math.Modf(d)
	iv.days += int32(whole)
	iv.usec += int64(math.Round(frac * usecPerDay))
}

// parseInterval reads the interval forms PostgreSQL prints and the common
// input forms: "1 year 2 mons -3 days +04:05:06.7", "@ 1 hour ago",
// "1.5 days", "10:00", and ISO 8601 "P1Y2M3DT4H5M6S".
func parseInterval(s string) (interval, bool) {
	s = strings.ToLower(trimSpace(s))
	if strings.HasPrefix(s, "p") {
		return parseISOInterval(s[1:])
	}
	var iv interval
	fields := strings.Fields(s)
	if len(fields) > 0 && fields[0] == "@" {
		fields = fields[1:]
	}
	ago := false
	if len(fields) > 0 && fields[len(fields)-1] == "ago" {
		ago = true
		fields = fields[:len(fields)-1]
	}
	if len(fields) == 0 {
		return iv, false
	}
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if strings.Contains(f, ":") {
			us, ok := parseIntervalClock(f)
			if !ok {
				return iv, false
			}
			iv.usec += us
			continue
		}
		num, unit := splitNumber(f)
		if num == "" {
			return iv, false
		}
		n, err := strconv.ParseFloat(num, 64)
		if err != nil || math.IsInf(n, 0) || math.IsNaN(n) {
			return iv, false
		}
		if unit == "" {
			if i+1 == len(fields) {
				// A bare number is seconds.
				iv.usec += int64(math.Round(n * 1e6))
				continue
			}
			i++
			unit = fields[i]
		}
		if !iv.add(n, unit) {
			return iv, false
		}
	}
	if ago {
		iv = interval{-iv.months, -iv.days, -iv.usec}
	}
	return iv, true
}

// splitNumber splits "1.5days" into "1.5" and "days".
func splitNumber(f string) (num, unit string) {
	i := 0
	if i < len(f) && (f[i] == '+' || f[i] == '-') {
		i++
	}
	start := i
	for i < len(f) && (isDigit(f[i]) || f[i] == '.') {
		i++
	}
	if i == start {
		return "", ""
	}
	return f[:i], f[i:]
}

// parseIntervalClock reads [+-]H:MM[:SS[.f]] (hours may exceed 24).
func parseIntervalClock(f string) (int64, bool) {
	neg := false
	if f != "" && (f[0] == '+' || f[0] == '-') {
		neg = f[0] == '-'
		f = f[1:]
	}
	parts := strings.Split(f, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, false
	}
	h, err1 := strconv.ParseInt(parts[0], 10, 64)
	m, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > math.MaxInt32 {
		return 0, false
	}
	us := (h*60 + m) * 60 * usecPerSec
	if len(parts) == 3 {
		whole, frac, _ := strings.Cut(parts[2], ".")
		sec, err := strconv.ParseInt(whole, 10, 64)
		if err != nil || sec < 0 || sec > 59 {
			return 0, false
		}
		us += sec * usecPerSec
		if frac != "" {
			for _, c := range []byte(frac) {
				if !isDigit(c) {
					return 0, false
				}
			}
			us += int64(dialect.FractionMicros(frac))
		}
	}
	if neg {
		us = -us
	}
	return us, true
}

// parseISOInterval reads the part after P of an ISO 8601 duration.
func parseISOInterval(s string) (interval, bool) {
	var iv interval
	inTime := false
	if s == "" {
		return iv, false
	}
	for s != "" {
		if s[0] == 't' {
			inTime = true
			s = s[1:]
			continue
		}
		num, rest := splitNumber(s)
		if num == "" || rest == "" {
			return iv, false
		}
		n, err := strconv.ParseFloat(num, 64)
		if err != nil {
			return iv, false
		}
		unit := map[bool]map[byte]string{
			false: {'y': "year", 'm': "month", 'w': "week", 'd': "day"},
			true:  {'h': "hour", 'm': "minute", 's': "second"},
		}[inTime][rest[0]]
		if unit == "" || !iv.add(n, unit) {
			return iv, false
		}
		s = rest[1:]
	}
	return iv, true
}

// appendText writes the interval in PostgreSQL's default output style
// (IntervalStyle postgres, EncodeInterval): "1 year 2 mons -3 days
// +04:05:06.5", "00:00:00" for zero.
func (iv interval) appendText(dst []byte) []byte {
	zero, before := true, false
	part := func(v int64, unit string) {
		if v == 0 {
			return
		}
		if !zero {
			dst = append(dst, ' ')
		}
		if before && v > 0 {
			dst = append(dst, '+')
		}
		dst = strconv.AppendInt(dst, v, 10)
		dst = append(dst, ' ')
		dst = append(dst, unit...)
		if v != 1 {
			dst = append(dst, 's')
		}
		before, zero = v < 0, false
	}
	part(int64(iv.months/12), "year")
	part(int64(iv.months%12), "mon")
	part(int64(iv.days), "day")
	if zero || iv.usec != 0 {
		if !zero {
			dst = append(dst, ' ')
		}
		us := iv.usec
		switch {
		case us < 0:
			dst = append(dst, '-')
		case before:
			dst = append(dst, '+')
		}
		// Negating math.MinInt64 overflows; go through uint64.
		u := uint64(us)
		if us < 0 {
			u = -u
		}
		hours := u / 3_600_000_000
		if hours < 10 {
			dst = append(dst, '0')
		}
		dst = strconv.AppendUint(dst, hours, 10)
		dst = append(dst, ':')
		dst = appendMinSec(dst, int64(u-hours*3_600_000_000), 0)
	}
	return dst
}
