package pgvalue

import (
	"math"
	"strconv"
	"strings"

	"sqlraft/pgwire/dialect"
)

// dateTime is a date, a time of day or both, as read from text.
type dateTime struct {
	inf int // +1 for infinity, -1 for -infinity

	hasDate          bool
	year, month, day int // astronomical year: 1 BC is 0

	hasTime        bool
	hour, min, sec int
	usec           int // may be 1_000_000 after rounding; micros carries it

	hasOffset bool
	offset    int // seconds east of UTC

	// badField is set for well-formed text with a field out of range
	// (month 13, February 30, hour 25), which PostgreSQL reports as
	// 22008 rather than as a syntax error.
	badField bool
}

// Microsecond arithmetic, and PostgreSQL's ranges (datatype/timestamp.h):
// dates and timestamps count from 2000-01-01 and reach back to 4714-11-24
// BC; dates end before 5874898-01-01 and timestamps before 294277-01-01.
const (
	usecPerSec  = 1_000_000
	usecPerDay  = 86_400 * usecPerSec
	unixToY2K   = 10_957 // days from 1970-01-01 to 2000-01-01
	minDay      = -2_451_545
	endDateDay  = 2_145_031_949
	minTimeUsec = -211_813_488_000_000_000
	endTimeUsec = 9_223_371_331_200_000_000
)

// parseDateTime reads the ISO forms clients and SQLite write:
//
//	[date] [time] [zone] [BC|AD]     date  = Y{4,7}-M{1,2}-D{1,2}
//	time  = H{1,2}:MM[:SS[.fraction]], after a space or T
//	zone  = Z | UTC | GMT | ±HH[[:]MM[[:]SS]], with or without a space
//
// and infinity, -infinity. PostgreSQL's other input styles (month names,
// MDY order, epoch, now) are not read: callers fall back to the stored
// text or report invalid input.
func parseDateTime(s string) (dateTime, bool) {
	var dt dateTime
	s = trimSpace(s)
	switch {
	case strings.EqualFold(s, "infinity") || strings.EqualFold(s, "+infinity"):
		dt.inf = 1
		return dt, true
	case strings.EqualFold(s, "-infinity"):
		dt.inf = -1
		return dt, true
	}
	bc := false
	if n := len(s); n > 3 && isSpace(s[n-3]) {
		switch {
		case strings.EqualFold(s[n-2:], "BC"):
			bc = true
			s = trimSpace(s[:n-2])
		case strings.EqualFold(s[n-2:], "AD"):
			s = trimSpace(s[:n-2])
		}
	}
	p := parser{s: s}
	if y, ok := p.digits(4, 7); ok {
		dt.hasDate = true
		dt.year = y
		var ok1, ok2, ok3, ok4 bool
		ok1 = p.byte('-')
		dt.month, ok2 = p.digits(1, 2)
		ok3 = p.byte('-')
		dt.day, ok4 = p.digits(1, 2)
		if !ok1 || !ok2 || !ok3 || !ok4 || dt.year == 0 {
			return dt, false
		}
		if bc {
			dt.year = 1 - dt.year
		}
		if dt.month < 1 || dt.month > 12 || dt.day < 1 || dt.day > daysIn(dt.year, dt.month) {
			dt.badField = true
		}
		if p.done() {
			return dt, !dt.badField
		}
		if !p.byte('T') && !p.byte('t') && !p.spaces() {
			return dt, false
		}
	} else if bc {
		return dt, false
	}
	if !p.done() && isDigit(p.peek()) {
		if !p.time(&dt) {
			return dt, false
		}
	}
	if !p.done() {
		p.spaces()
		if !p.zone(&dt) {
			return dt, false
		}
	}
	return dt, p.done() && (dt.hasDate || dt.hasTime) && !dt.badField
}

// parser walks a date/time string.
type parser struct {
	s string
	i int
}

func (p *parser) done() bool { return p.i == len(p.s) }

func (p *parser) peek() byte {
	if p.done() {
		return 0
	}
	return p.s[p.i]
}

func (p *parser) byte(c byte) bool {
	if p.peek() == c && !p.done() {
		p.i++
		return true
	}
	return false
}

func (p *parser) spaces() bool {
	start := p.i
	for !p.done() && isSpace(p.s[p.i]) {
		p.i++
	}
	return p.i > start
}

// digits reads between lo and hi decimal digits.
func (p *parser) digits(lo, hi int) (int, bool) {
	start, n := p.i, 0
	for !p.done() && isDigit(p.s[p.i]) && p.i-start < hi {
		n = n*10 + int(p.s[p.i]-'0')
		p.i++
	}
	if p.i-start < lo || !p.done() && isDigit(p.s[p.i]) {
		p.i = start
		return 0, false
	}
	return n, true
}

func (p *parser) time(dt *dateTime) bool {
	var ok bool
	dt.hasTime = true
	if dt.hour, ok = p.digits(1, 2); !ok || !p.byte(':') {
		return false
	}
	if dt.min, ok = p.digits(2, 2); !ok {
		return false
	}
	if p.byte(':') {
		if dt.sec, ok = p.digits(2, 2); !ok {
			return false
		}
		if p.byte('.') {
			start := p.i
			for !p.done() && isDigit(p.s[p.i]) {
				p.i++
			}
			if p.i == start {
				return false
			}
			dt.usec = dialect.FractionMicros(p.s[start:p.i])
		}
	}
	// 24:00:00 is midnight at the end of the day and 60 a leap second,
	// both accepted by PostgreSQL and carried into the next field.
	if dt.min > 59 || dt.sec > 60 || dt.hour > 24 || dt.hour == 24 && (dt.min > 0 || dt.sec > 0 || dt.usec > 0) {
		dt.badField = true
	}
	return true
}

func (p *parser) zone(dt *dateTime) bool {
	rest := p.s[p.i:]
	switch {
	case strings.EqualFold(rest, "Z") || strings.EqualFold(rest, "UTC") || strings.EqualFold(rest, "GMT"):
		p.i = len(p.s)
		dt.hasOffset = true
		return true
	case p.peek() != '+' && p.peek() != '-':
		return false
	}
	neg := p.s[p.i] == '-'
	p.i++
	start := p.i
	for !p.done() && isDigit(p.s[p.i]) {
		p.i++
	}
	var h, m, sec int
	switch run := p.s[start:p.i]; len(run) {
	case 1, 2:
		h, _ = strconv.Atoi(run)
		if p.byte(':') {
			var ok bool
			if m, ok = p.digits(2, 2); !ok {
				return false
			}
			if p.byte(':') {
				if sec, ok = p.digits(2, 2); !ok {
					return false
				}
			}
		}
	case 4:
		h, _ = strconv.Atoi(run[:2])
		m, _ = strconv.Atoi(run[2:])
	case 6:
		h, _ = strconv.Atoi(run[:2])
		m, _ = strconv.Atoi(run[2:4])
		sec, _ = strconv.Atoi(run[4:])
	default:
		return false
	}
	if h > 15 || m > 59 || sec > 59 { // PostgreSQL's MAX_TZDISP_HOUR
		return false
	}
	dt.hasOffset = true
	dt.offset = (h*60+m)*60 + sec
	if neg {
		dt.offset = -dt.offset
	}
	return true
}

func daysIn(year, month int) int {
	switch month {
	case 4, 6, 9, 11:
		return 30
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 31
}

// daysFromCivil counts days from 2000-01-01 in the proleptic Gregorian
// calendar (Howard Hinnant's algorithm), for any year.
func daysFromCivil(y, m, d int) int64 {
	yy := int64(y)
	if m <= 2 {
		yy--
	}
	era := floorDiv64(yy, 400)
	yoe := yy - era*400
	mp := int64((m + 9) % 12)
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468 - unixToY2K
}

// civilFromDays is the inverse of daysFromCivil.
func civilFromDays(days int64) (y, m, d int) {
	z := days + unixToY2K + 719468
	era := floorDiv64(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = int(doy - (153*mp+2)/5 + 1)
	m = int(mp + 3)
	if m > 12 {
		m -= 12
	}
	y = int(yoe + era*400)
	if m <= 2 {
		y++
	}
	return y, m, d
}

func floorDiv64(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// days is the date, in days since 2000-01-01.
func (dt dateTime) days() int64 {
	return daysFromCivil(dt.year, dt.month, dt.day)
}

// timeUsec is the time of day in microseconds (0 with no time).
func (dt dateTime) timeUsec() int64 {
	return (int64(dt.hour*60+dt.min)*60+int64(dt.sec))*usecPerSec + int64(dt.usec)
}

// timestamp is microseconds since 2000-01-01 00:00:00, in UTC when
// useOffset converts a written offset; ok is false outside PostgreSQL's
// timestamp range.
func (dt dateTime) timestamp(useOffset bool) (int64, bool) {
	switch dt.inf {
	case 1:
		return math.MaxInt64, true
	case -1:
		return math.MinInt64, true
	}
	days := dt.days()
	if days < minDay-1 || days > endTimeUsec/usecPerDay+1 {
		return 0, false
	}
	us := days*usecPerDay + dt.timeUsec()
	if useOffset {
		us -= int64(dt.offset) * usecPerSec
	}
	return us, us >= minTimeUsec && us < endTimeUsec
}

// date is days since 2000-01-01; ok is false outside PostgreSQL's range.
func (dt dateTime) date() (int32, bool) {
	switch dt.inf {
	case 1:
		return math.MaxInt32, true
	case -1:
		return math.MinInt32, true
	}
	d := dt.days()
	return int32(d), d >= minDay && d < endDateDay
}

// appendDate writes days since 2000-01-01 as YYYY-MM-DD, with BC after
// when bc is set and the year is not AD; it returns whether it was BC.
func appendDate(dst []byte, days int64) ([]byte, bool) {
	y, m, d := civilFromDays(days)
	bc := y <= 0
	if bc {
		y = 1 - y
	}
	dst = appendPadded(dst, y, 4)
	dst = append(dst, '-')
	dst = appendPadded(dst, m, 2)
	dst = append(dst, '-')
	dst = appendPadded(dst, d, 2)
	return dst, bc
}

// appendClock writes microseconds into a day as HH:MM:SS with the
// fraction: trimmed of trailing zeros as PostgreSQL prints it (minDigits
// 0), or with 3 or 6 digits as SQLite's strftime('%f') writes it
// (minDigits 3), for storage.
func appendClock(dst []byte, us int64, minDigits int) []byte {
	hours := us / (3600 * usecPerSec)
	dst = appendPadded(dst, int(hours), 2)
	dst = append(dst, ':')
	return appendMinSec(dst, us-hours*3600*usecPerSec, minDigits)
}

// appendMinSec writes microseconds within an hour as MM:SS and the
// fraction, as appendClock describes.
func appendMinSec(dst []byte, us int64, minDigits int) []byte {
	sec := us / usecPerSec
	frac := int(us % usecPerSec)
	dst = appendPadded(dst, int(sec/60), 2)
	dst = append(dst, ':')
	dst = appendPadded(dst, int(sec%60), 2)
	if frac == 0 && minDigits == 0 {
		return dst
	}
	n := 6
	for n > minDigits && frac%10 == 0 {
		frac /= 10
		n--
	}
	if minDigits == 3 && n > 3 {
		// Storage uses exactly 3 or 6 digits: .500 or .500001.
		for n < 6 {
			frac *= 10
			n++
		}
	}
	dst = append(dst, '.')
	return appendPadded(dst, frac, n)
}

func appendPadded(dst []byte, v, width int) []byte {
	var buf [20]byte
	b := strconv.AppendInt(buf[:0], int64(v), 10)
	for i := len(b); i < width; i++ {
		dst = append(dst, '0')
	}
	return append(dst, b...)
}

// timestampStyle says how appendTimestamp writes a timestamp.
type timestampStyle uint8

const (
	styleTimestamp   timestampStyle = iota // PostgreSQL's timestamp output
	styleTimestamptz                       // the same with +00
	styleStorage                           // SQLite's strftime('%Y-%m-%d %H:%M:%f') shape
)

// appendTimestamp writes microseconds since 2000-01-01.
func appendTimestamp(dst []byte, us int64, style timestampStyle) []byte {
	switch us {
	case math.MaxInt64:
		return append(dst, "infinity"...)
	case math.MinInt64:
		return append(dst, "-infinity"...)
	}
	days := floorDiv64(us, usecPerDay)
	dst, bc := appendDate(dst, days)
	dst = append(dst, ' ')
	minDigits := 0
	if style == styleStorage {
		minDigits = 3
	}
	dst = appendClock(dst, us-days*usecPerDay, minDigits)
	if style == styleTimestamptz {
		dst = append(dst, "+00"...)
	}
	if bc {
		dst = append(dst, " BC"...)
	}
	return dst
}

// appendDateText writes a date as PostgreSQL and SQLite's date() do.
func appendDateText(dst []byte, days int32) []byte {
	switch days {
	case math.MaxInt32:
		return append(dst, "infinity"...)
	case math.MinInt32:
		return append(dst, "-infinity"...)
	}
	dst, bc := appendDate(dst, int64(days))
	if bc {
		dst = append(dst, " BC"...)
	}
	return dst
}
