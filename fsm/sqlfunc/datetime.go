package sqlfunc

import (
	"database/sql/driver"
	"fmt"
	"strings"
)

// Date and time functions take timestamps as text (see parseTimestamp)
// and work in UTC, as a PostgreSQL session with TimeZone 'UTC' does.

type unit int

const (
	unitMicroseconds unit = iota + 1
	unitMilliseconds
	unitSecond
	unitMinute
	unitHour
	unitDay
	unitWeek
	unitMonth
	unitQuarter
	unitYear
	unitDecade
	unitCentury
	unitMillennium
	unitTimezone
	unitTimezoneHour
	unitTimezoneMinute
	unitDayOfWeek
	unitDayOfYear
	unitISODayOfWeek
	unitISOYear
	unitJulian
	unitEpoch
	unitReserved // 'now', 'infinity' and the like: recognized, never supported
)

// unitNames is PostgreSQL's deltatktbl, the unit names both date_trunc and
// date_part know. Names are compared on their first 10 bytes only
// (TOKMAXLEN), which is how 'microseconds' matches 'microsecon'.
var unitNames = map[string]unit{
	"c": unitCentury, "cent": unitCentury, "centuries": unitCentury, "century": unitCentury,
	"d": unitDay, "day": unitDay, "days": unitDay,
	"dec": unitDecade, "decade": unitDecade, "decades": unitDecade, "decs": unitDecade,
	"h": unitHour, "hour": unitHour, "hours": unitHour, "hr": unitHour, "hrs": unitHour,
	"m": unitMinute, "min": unitMinute, "mins": unitMinute, "minute": unitMinute, "minutes": unitMinute,
	"microsecon": unitMicroseconds, "us": unitMicroseconds, "usec": unitMicroseconds,
	"usecond": unitMicroseconds, "useconds": unitMicroseconds, "usecs": unitMicroseconds,
	"mil": unitMillennium, "millennia": unitMillennium, "millennium": unitMillennium, "mils": unitMillennium,
	"millisecon": unitMilliseconds, "ms": unitMilliseconds, "msec": unitMilliseconds,
	"msecond": unitMilliseconds, "mseconds": unitMilliseconds, "msecs": unitMilliseconds,
	"mon": unitMonth, "mons": unitMonth, "month": unitMonth, "months": unitMonth,
	"qtr": unitQuarter, "quarter": unitQuarter,
	"s": unitSecond, "sec": unitSecond, "second": unitSecond, "seconds": unitSecond, "secs": unitSecond,
	"timezone": unitTimezone, "timezone_h": unitTimezoneHour, "timezone_m": unitTimezoneMinute,
	"w": unitWeek, "week": unitWeek, "weeks": unitWeek,
	"y": unitYear, "year": unitYear, "years": unitYear, "yr": unitYear, "yrs": unitYear,
}

// specialNames are the unit and reserved words of PostgreSQL's datetktbl,
// which date_part (not date_trunc) falls back to.
var specialNames = map[string]unit{
	"dow": unitDayOfWeek, "doy": unitDayOfYear, "isodow": unitISODayOfWeek, "isoyear": unitISOYear,
	"j": unitJulian, "jd": unitJulian, "julian": unitJulian,
	"mm": unitMinute, "epoch": unitEpoch,
	"-infinity": unitReserved, "infinity": unitReserved, "allballs": unitReserved, "now": unitReserved,
	"today": unitReserved, "tomorrow": unitReserved, "yesterday": unitReserved,
}

// lookupUnit finds a unit as PostgreSQL's DecodeUnits (and, with special,
// DecodeSpecial) would. It also returns the lower-cased name errors quote.
func lookupUnit(v driver.Value, special bool) (unit, string, error) {
	name, err := textArg(v)
	if err != nil {
		return 0, "", err
	}
	// Only ASCII letters are folded, as PostgreSQL does in a UTF-8 database.
	lower := []byte(name)
	for i, c := range lower {
		if 'A' <= c && c <= 'Z' {
			lower[i] = c + 'a' - 'A'
		}
	}
	name = string(lower)
	key := name[:min(len(name), 10)]
	if u, ok := unitNames[key]; ok {
		return u, name, nil
	}
	if special {
		if u, ok := specialNames[key]; ok {
			return u, name, nil
		}
	}
	return 0, name, nil
}

func unitError(u unit, name string) error {
	if u == 0 {
		return fmt.Errorf("unit %s not recognized for type timestamp with time zone", quoted(name))
	}
	return fmt.Errorf("unit %s not supported for type timestamp with time zone", quoted(name))
}

func timestampArg(v driver.Value) (int64, error) {
	s, err := textArg(v)
	if err != nil {
		return 0, err
	}
	return parseTimestamp(s)
}

// date_trunc(field, ts [, zone]) truncates ts to the start of its field,
// in zone if given, and prints the resulting instant in UTC. The year
// fields truncate to the first year of PostgreSQL's centuries and
// millennia, which start at year 1 (2001, not 2000).
func dateTruncFunc(args []driver.Value) (driver.Value, error) {
	ts, err := timestampArg(args[1])
	if err != nil {
		return nil, err
	}
	var west int64
	if len(args) == 3 {
		if west, err = zoneArg(args[2]); err != nil {
			return nil, err
		}
	}
	u, name, err := lookupUnit(args[0], false)
	if err != nil {
		return nil, err
	}
	local := splitTimestamp(ts - west*usecsPerSecond)
	if local, err = truncate(local, u, name); err != nil {
		return nil, err
	}
	return formatTimestamp(local.timestamp() + west*usecsPerSecond), nil
}

// truncate is PostgreSQL's timestamptz_trunc_internal; each field resets
// its own component and every smaller one.
func truncate(f fields, u unit, name string) (fields, error) {
	switch u {
	case unitMicroseconds:
		return f, nil
	case unitMilliseconds:
		f.usec -= f.usec % 1000
		return f, nil
	case unitWeek:
		days := daysFromCivil(f.year, f.month, f.day)
		days -= isoDayOfWeek(days) - 1
		f.year, f.month, f.day = civilFromDays(days)
		return fields{year: f.year, month: f.month, day: f.day}, nil
	case unitMillennium:
		if f.year > 0 {
			f.year = (f.year+999)/1000*1000 - 999
		} else {
			f.year = -((999-(f.year-1))/1000)*1000 + 1
		}
	case unitCentury:
		if f.year > 0 {
			f.year = (f.year+99)/100*100 - 99
		} else {
			f.year = -((99-(f.year-1))/100)*100 + 1
		}
	case unitDecade:
		if f.year > 0 {
			f.year = f.year / 10 * 10
		} else {
			f.year = -((8 - (f.year - 1)) / 10) * 10
		}
	case unitYear, unitQuarter, unitMonth, unitDay, unitHour, unitMinute, unitSecond:
	default:
		return f, unitError(u, name)
	}
	// The remaining cases share one cascade, smallest resets last.
	switch u {
	case unitMillennium, unitCentury, unitDecade, unitYear:
		f.month = 1
		fallthrough
	case unitQuarter:
		f.month = (f.month-1)/3*3 + 1
		fallthrough
	case unitMonth:
		f.day = 1
		fallthrough
	case unitDay:
		f.hour = 0
		fallthrough
	case unitHour:
		f.minute = 0
		fallthrough
	case unitMinute:
		f.second = 0
		fallthrough
	case unitSecond:
		f.usec = 0
	}
	return f, nil
}

// zoneNames are the zone names that are UTC under another name.
var zoneNames = map[string]bool{
	"utc": true, "gmt": true, "z": true, "ut": true, "zulu": true, "uct": true,
	"universal": true, "greenwich": true, "gmt0": true, "etc/utc": true, "etc/gmt": true,
	"etc/uct": true, "etc/universal": true, "etc/zulu": true, "etc/greenwich": true, "etc/gmt0": true,
}

// zoneArg reads date_trunc's zone and returns its offset in seconds WEST
// of Greenwich. PostgreSQL reads a bare offset such as '+02:00' as a POSIX
// zone specification, in which positive means west: date_trunc('day', ts,
// '+02:00') truncates in UTC-2. This follows PostgreSQL. Named zones other
// than UTC would need the tz database, whose contents differ between hosts,
// and are refused.
func zoneArg(v driver.Value) (int64, error) {
	name, err := textArg(v)
	if err != nil {
		return 0, err
	}
	notRecognized := fmt.Errorf("time zone %s not recognized", quoted(name))
	if zoneNames[strings.ToLower(name)] {
		return 0, nil
	}
	p := &scanner{s: name}
	sign := int64(1)
	if p.skip('-') {
		sign = -1
	} else {
		p.skip('+')
	}
	h, ok := p.number(1, 3)
	if !ok {
		return 0, notRecognized
	}
	var m, s int64
	if p.skip(':') {
		if m, ok = p.number(1, 2); !ok {
			return 0, notRecognized
		}
		if p.skip(':') {
			if s, ok = p.number(1, 2); !ok {
				return 0, notRecognized
			}
		}
	}
	if !p.done() || h > 167 || m > 59 || s > 59 {
		return 0, notRecognized
	}
	return sign * (h*3600 + m*60 + s), nil
}

// date_part(field, ts) extracts a field as a double precision number, with
// PostgreSQL's float arithmetic. EXTRACT is rewritten to it.
func datePartFunc(args []driver.Value) (driver.Value, error) {
	ts, err := timestampArg(args[1])
	if err != nil {
		return nil, err
	}
	u, name, err := lookupUnit(args[0], true)
	if err != nil {
		return nil, err
	}
	f := splitTimestamp(ts)
	days := floorDiv(ts, usecsPerDay)
	// Explicit float64 conversions round each product on its own, so that
	// no platform fuses a multiply and an add into one differently rounded
	// operation.
	switch u {
	case unitMicroseconds:
		return float64(float64(f.second)*1e6) + float64(f.usec), nil
	case unitMilliseconds:
		return float64(float64(f.second)*1000) + float64(f.usec)/1000, nil
	case unitSecond:
		return float64(f.second) + float64(f.usec)/1e6, nil
	case unitMinute:
		return float64(f.minute), nil
	case unitHour:
		return float64(f.hour), nil
	case unitDay:
		return float64(f.day), nil
	case unitMonth:
		return float64(f.month), nil
	case unitQuarter:
		return float64((f.month-1)/3 + 1), nil
	case unitWeek:
		_, week := isoWeek(days)
		return float64(week), nil
	case unitYear:
		if f.year > 0 {
			return float64(f.year), nil
		}
		return float64(f.year - 1), nil // there is no year 0: 1 BC is -1
	case unitDecade:
		if f.year >= 0 {
			return float64(f.year / 10), nil
		}
		return float64(-((8 - (f.year - 1)) / 10)), nil
	case unitCentury:
		if f.year > 0 {
			return float64((f.year + 99) / 100), nil
		}
		return float64(-((99 - (f.year - 1)) / 100)), nil
	case unitMillennium:
		if f.year > 0 {
			return float64((f.year + 999) / 1000), nil
		}
		return float64(-((999 - (f.year - 1)) / 1000)), nil
	case unitISOYear:
		year, _ := isoWeek(days)
		if year <= 0 {
			year--
		}
		return float64(year), nil
	case unitDayOfWeek:
		return float64(dayOfWeek(days)), nil
	case unitISODayOfWeek:
		return float64(isoDayOfWeek(days)), nil
	case unitDayOfYear:
		return float64(days - daysFromCivil(f.year, 1, 1) + 1), nil
	case unitTimezone, unitTimezoneHour, unitTimezoneMinute:
		return float64(0), nil // every result is in UTC
	case unitEpoch:
		return float64(ts) / 1e6, nil
	}
	// Julian days are left out (a documented choice of this package).
	return nil, unitError(u, name)
}

// make_date(year, month, day) returns the date as text, YYYY-MM-DD, with
// " BC" for negative years (there is no year 0).
func makeDateFunc(args []driver.Value) (driver.Value, error) {
	var ymd [3]int64
	for i := range ymd {
		n, err := int32Arg(args[i])
		if err != nil {
			return nil, err
		}
		ymd[i] = n
	}
	y, m, d := ymd[0], ymd[1], ymd[2]
	if y == 0 {
		return nil, fmt.Errorf("date field value out of range: %d-%02d-%02d", y, m, d)
	}
	astronomical := y
	if y < 0 {
		astronomical = y + 1
	}
	// PostgreSQL's messages print the astronomical year (-43 for 44 BC).
	if m < 1 || m > 12 || d < 1 || d > daysInMonth(astronomical, m) {
		return nil, fmt.Errorf("date field value out of range: %d-%02d-%02d", astronomical, m, d)
	}
	// PostgreSQL's dates run from 4714-11-24 BC to 5874897-12-31.
	julianDay := daysFromCivil(astronomical, m, d) + unixEpochJulianDay
	if julianDay < 0 || astronomical > 5874897 {
		return nil, fmt.Errorf("date out of range: %d-%02d-%02d", astronomical, m, d)
	}
	if y < 0 {
		return formatDate(astronomical, m, d) + " BC", nil
	}
	return formatDate(y, m, d), nil
}
