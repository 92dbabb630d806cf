package sqlfunc

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Timestamps are int64 microseconds since 1970-01-01 00:00:00 UTC on the
// proleptic Gregorian calendar, PostgreSQL's resolution. All calendar
// arithmetic is done here, on integers, instead of with package time, so
// nothing depends on the host's zone database.

const (
	usecsPerSecond = 1_000_000
	usecsPerDay    = 86_400 * usecsPerSecond
	// unixEpochJulianDay is the Julian day number of 1970-01-01.
	unixEpochJulianDay = 2_440_588
)

// fields is a timestamp broken down; year is astronomical (0 is 1 BC).
type fields struct {
	year, month, day     int64
	hour, minute, second int64
	usec                 int64 // fraction of the second
}

// daysFromCivil counts days from 1970-01-01 to the given date (Howard
// Hinnant's algorithm, exact for every year).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	y = yoe + era*400
	if m <= 2 {
		y++
	}
	return y, m, d
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

func isLeapYear(y int64) bool {
	return y%4 == 0 && (y%100 != 0 || y%400 == 0)
}

func daysInMonth(y, m int64) int64 {
	switch m {
	case 2:
		if isLeapYear(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

func splitTimestamp(ts int64) fields {
	days := floorDiv(ts, usecsPerDay)
	rem := ts - days*usecsPerDay
	var f fields
	f.year, f.month, f.day = civilFromDays(days)
	f.usec = rem % usecsPerSecond
	secs := rem / usecsPerSecond
	f.hour, f.minute, f.second = secs/3600, secs/60%60, secs%60
	return f
}

func (f fields) timestamp() int64 {
	days := daysFromCivil(f.year, f.month, f.day)
	return days*usecsPerDay + ((f.hour*60+f.minute)*60+f.second)*usecsPerSecond + f.usec
}

// dayOfWeek is 0 for Sunday through 6 for Saturday; 1970-01-01 was a Thursday.
func dayOfWeek(days int64) int64 {
	return days + 4 - 7*floorDiv(days+4, 7)
}

// isoDayOfWeek is 1 for Monday through 7 for Sunday.
func isoDayOfWeek(days int64) int64 {
	if d := dayOfWeek(days); d != 0 {
		return d
	}
	return 7
}

// isoWeek returns the ISO 8601 week-numbering year and week of a day.
func isoWeek(days int64) (year, week int64) {
	thursday := days - isoDayOfWeek(days) + 4
	year, _, _ = civilFromDays(thursday)
	return year, (thursday-daysFromCivil(year, 1, 1))/7 + 1
}

// formatTimestamp prints a timestamp as PostgreSQL prints timestamptz in
// UTC, without the zone: YYYY-MM-DD HH:MM:SS, then the fraction of the
// second without trailing zeros if it has one, then " BC" for years
// before 1.
func formatTimestamp(ts int64) string {
	f := splitTimestamp(ts)
	var b strings.Builder
	b.WriteString(formatDate(f.year, f.month, f.day))
	fmt.Fprintf(&b, " %02d:%02d:%02d", f.hour, f.minute, f.second)
	if f.usec != 0 {
		b.WriteString(strings.TrimRight(fmt.Sprintf(".%06d", f.usec), "0"))
	}
	if f.year <= 0 {
		b.WriteString(" BC")
	}
	return b.String()
}

// formatDate prints the date part, BC years counted from 1 backwards.
func formatDate(y, m, d int64) string {
	if y <= 0 {
		y = 1 - y
	}
	return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
}

// parseTimestamp reads the timestamp forms SQLite's date functions and
// PostgreSQL clients write:
//
//	YYYY-MM-DD[( |T)HH:MM[:SS[.fraction]]][ ][zone]
//
// where zone is Z, UTC, GMT or an offset ±H, ±HH, ±HMM, ±HHMM, ±HH:MM or
// ±HH:MM:SS (east of Greenwich is positive). Months, days, hours, minutes
// and seconds may have one digit; surrounding whitespace is ignored. A
// timestamp without a zone is UTC. Like PostgreSQL it accepts 24:00:00 and
// a leap second 60, both of which roll over, and rounds the fraction to
// microseconds.
func parseTimestamp(input string) (int64, error) {
	p := &scanner{s: strings.Trim(input, pgSpace)}
	var f fields
	var ok bool
	if f.year, ok = p.number(4, 4); !ok || !p.skip('-') {
		return 0, timestampSyntaxError(input)
	}
	if f.month, ok = p.number(1, 2); !ok || !p.skip('-') {
		return 0, timestampSyntaxError(input)
	}
	if f.day, ok = p.number(1, 2); !ok {
		return 0, timestampSyntaxError(input)
	}
	if isoT := p.skip('T') || p.skip('t'); isoT || p.spaces() {
		if isoT && !p.digitNext() {
			return 0, timestampSyntaxError(input)
		}
		if p.digitNext() {
			if f.hour, ok = p.number(1, 2); !ok || !p.skip(':') {
				return 0, timestampSyntaxError(input)
			}
			if f.minute, ok = p.number(1, 2); !ok {
				return 0, timestampSyntaxError(input)
			}
			if p.skip(':') {
				if f.second, ok = p.number(1, 2); !ok {
					return 0, timestampSyntaxError(input)
				}
				if p.skip('.') {
					f.usec = roundFraction(p.digits())
				}
			}
			p.spaces()
		}
	}
	offset, err := p.zone()
	if err != nil {
		if errors.Is(err, errZoneRange) {
			return 0, fmt.Errorf("time zone displacement out of range: %s", quoted(input))
		}
		return 0, timestampSyntaxError(input)
	}
	if !p.done() {
		return 0, timestampSyntaxError(input)
	}
	if f.year < 1 || f.month < 1 || f.month > 12 || f.day < 1 || f.day > daysInMonth(f.year, f.month) ||
		f.hour > 24 || f.minute > 59 || f.second > 60 ||
		f.hour == 24 && (f.minute != 0 || f.second != 0 || f.usec != 0) ||
		f.second == 60 && f.usec != 0 {
		return 0, fmt.Errorf("date/time field value out of range: %s", quoted(input))
	}
	return f.timestamp() - offset*usecsPerSecond, nil
}

func timestampSyntaxError(input string) error {
	return fmt.Errorf("invalid input syntax for type timestamp with time zone: %s", quoted(input))
}

// roundFraction turns the digits after a decimal point into microseconds
// exactly as PostgreSQL does: parse as a double, scale, round half to even.
func roundFraction(digits string) int64 {
	if digits == "" {
		return 0
	}
	frac, err := strconv.ParseFloat("0."+digits, 64)
	if err != nil {
		return 0
	}
	return int64(math.RoundToEven(frac * usecsPerSecond))
}

type scanner struct {
	s string
	i int
}

func (p *scanner) done() bool { return p.i == len(p.s) }

func (p *scanner) digitNext() bool { return p.i < len(p.s) && isDigit(p.s[p.i]) }

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func (p *scanner) skip(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *scanner) spaces() bool {
	start := p.i
	for p.i < len(p.s) && strings.IndexByte(pgSpace, p.s[p.i]) >= 0 {
		p.i++
	}
	return p.i > start
}

func (p *scanner) digits() string {
	start := p.i
	for p.digitNext() {
		p.i++
	}
	return p.s[start:p.i]
}

// number reads between fewest and most digits; more digits than most is
// a syntax error rather than two numbers run together.
func (p *scanner) number(fewest, most int) (int64, bool) {
	d := p.digits()
	if len(d) < fewest || len(d) > most {
		return 0, false
	}
	n, err := strconv.ParseInt(d, 10, 64)
	return n, err == nil
}

var (
	errZoneSyntax = errors.New("bad time zone")
	errZoneRange  = errors.New("time zone displacement out of range")
)

// zone reads an optional zone and returns its offset east of UTC in seconds.
func (p *scanner) zone() (int64, error) {
	rest := p.s[p.i:]
	for _, name := range []string{"z", "utc", "gmt"} {
		if strings.EqualFold(rest, name) {
			p.i = len(p.s)
			return 0, nil
		}
	}
	var sign int64
	switch {
	case p.skip('+'):
		sign = 1
	case p.skip('-'):
		sign = -1
	default:
		return 0, nil
	}
	var h, m, s int64
	d := p.digits()
	if p.skip(':') {
		if len(d) < 1 || len(d) > 2 {
			return 0, errZoneSyntax
		}
		h, _ = strconv.ParseInt(d, 10, 64)
		var ok bool
		if m, ok = p.number(1, 2); !ok {
			return 0, errZoneSyntax
		}
		if p.skip(':') {
			if s, ok = p.number(1, 2); !ok {
				return 0, errZoneSyntax
			}
		}
	} else {
		if len(d) < 1 || len(d) > 6 {
			return 0, errZoneSyntax
		}
		n, _ := strconv.ParseInt(d, 10, 64)
		switch {
		case len(d) <= 2:
			h = n
		case len(d) <= 4:
			h, m = n/100, n%100
		default:
			h, m, s = n/10000, n/100%100, n%100
		}
	}
	if h > 15 || m > 59 || s > 59 {
		return 0, errZoneRange
	}
	return sign * (h*3600 + m*60 + s), nil
}
