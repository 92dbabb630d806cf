package sqlfunc

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
	"strconv"
)

// PostgreSQL's timestamp range, in microseconds since its epoch
// (2000-01-01): from 4714-11-24 BC to the end of 294276.
const (
	pgEpochUnixSeconds = 946_684_800
	pgMinTimestamp     = -211_813_488_000_000_000
	pgEndTimestamp     = 9_223_371_331_200_000_000
	// Julian days of the first and last+1 days PostgreSQL's timestamps cover.
	pgMinJulianDay = 0
	pgEndJulianDay = 109_203_528
)

// to_timestamp(epoch) turns seconds since 1970-01-01 00:00:00 UTC
// (fractions and negative values allowed) into a timestamp, printed as
// the other functions print timestamps: in UTC, with a fraction only if
// there is one. The arithmetic is PostgreSQL's float8_timestamptz,
// rounding included. Infinite input gives 'infinity' or '-infinity', as
// PostgreSQL prints them. Timestamps past year 9999 or before year 1,
// which PostgreSQL allows, are printed the same way but the other
// functions cannot read them back.
func toTimestampFunc(args []driver.Value) (driver.Value, error) {
	seconds, err := float64Arg(args[0])
	if err != nil {
		return nil, err
	}
	switch {
	case math.IsNaN(seconds):
		return nil, errors.New("timestamp cannot be NaN")
	case math.IsInf(seconds, 1):
		return "infinity", nil
	case math.IsInf(seconds, -1):
		return "-infinity", nil
	}
	outOfRange := fmt.Errorf("timestamp out of range: %s", quoted(formatFloatG(seconds)))
	if seconds < float64(86400*(pgMinJulianDay-unixEpochJulianDay)) ||
		seconds >= float64(86400*(pgEndJulianDay-unixEpochJulianDay)) {
		return nil, outOfRange
	}
	// Explicit conversions keep each operation rounded on its own, as in C.
	pgSeconds := float64(seconds - pgEpochUnixSeconds)
	usecs := math.RoundToEven(float64(pgSeconds * usecsPerSecond))
	pg := int64(usecs)
	if pg < pgMinTimestamp || pg >= pgEndTimestamp {
		return nil, outOfRange
	}
	return formatPGTimestamp(pg), nil
}

// formatPGTimestamp prints microseconds since PostgreSQL's epoch with
// formatTimestamp. The last years of PostgreSQL's range lie beyond what
// int64 microseconds since 1970 can hold; their date is printed apart.
func formatPGTimestamp(pg int64) string {
	const shift = pgEpochUnixSeconds * usecsPerSecond
	if pg <= math.MaxInt64-shift {
		return formatTimestamp(pg + shift)
	}
	days := floorDiv(pg, usecsPerDay)
	timeOfDay := formatTimestamp(pg - days*usecsPerDay) // 1970-01-01 hh:mm:ss[.ffffff]
	y, m, d := civilFromDays(days + pgEpochUnixSeconds/86400)
	return formatDate(y, m, d) + timeOfDay[len("1970-01-01"):]
}

// formatFloatG prints a float as C's %g does (six significant digits,
// exponent form for exponents below -4 or from 6 up), which Go's 'g'
// with precision 6 matches.
func formatFloatG(f float64) string {
	return strconv.FormatFloat(f, 'g', 6, 64)
}
