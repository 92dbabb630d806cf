package sqlfunc

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"math"
)

// Date arithmetic. Dates are text (YYYY-MM-DD), so SQLite's + and - would
// read only their leading year: '2024-03-01' - '2024-02-01' is 0 there,
// not 29. The SQL front end rewrites date + integer, integer + date,
// date - integer and date - date into these calls.

// pg_date_pl(a, b): a date plus a number of days, whichever argument is
// the date; the result is a date.
func datePlusFunc(args []driver.Value) (driver.Value, error) {
	a, b := args[0], args[1]
	if _, isInt := a.(int64); isInt {
		a, b = b, a
	}
	days, err := dateDays(a)
	if err != nil {
		return nil, err
	}
	n, err := int32Arg(b)
	if err != nil {
		return nil, err
	}
	return formatDays(days + n)
}

// pg_date_mi(a, b): a date minus a date is the number of days between
// them (an integer); a date minus an integer is a date.
func dateMinusFunc(args []driver.Value) (driver.Value, error) {
	days, err := dateDays(args[0])
	if err != nil {
		return nil, err
	}
	if _, isInt := args[1].(int64); !isInt {
		if other, err := dateDays(args[1]); err == nil {
			return days - other, nil
		}
	}
	n, err := int32Arg(args[1])
	if err != nil {
		return nil, err
	}
	return formatDays(days - n)
}

// dateDays reads a date (or the date of a timestamp) as days since
// 1970-01-01.
func dateDays(v driver.Value) (int64, error) {
	s, err := textArg(v)
	if err != nil {
		return 0, err
	}
	ts, err := parseTimestamp(s)
	if err != nil {
		return 0, fmt.Errorf("invalid input syntax for type date: %q", s)
	}
	return floorDiv(ts, usecsPerDay), nil
}

var errDateRange = errors.New("date out of range")

func formatDays(days int64) (driver.Value, error) {
	if days > math.MaxInt32 || days < -math.MaxInt32 {
		return nil, errDateRange
	}
	y, m, d := civilFromDays(days)
	if y < 1 || y > 9999 {
		return nil, errDateRange
	}
	return formatDate(y, m, d), nil
}
