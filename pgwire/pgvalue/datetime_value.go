package pgvalue

import (
	"math"

	"sqlraft/fsm"
	"sqlraft/pgwire/pgerror"
)

// Dates and times are stored as text. A stored timestamp is read as UTC
// unless it carries an offset, which converts it to UTC; this holds for
// timestamp as well as timestamptz, because the text SQLite or a client
// wrote with an offset names an instant, and the session's time zone is
// UTC. (PostgreSQL's timestamp input would drop the offset instead; so
// does DecodeParam, which sees what the client typed.)

// timestampOf reads a stored timestamp as microseconds since 2000-01-01
// UTC. Text with only a date is midnight.
func timestampOf(v fsm.Value) (int64, bool) {
	if v.Kind() != fsm.KindText {
		return 0, false
	}
	dt, ok := parseDateTime(v.Text())
	if !ok || dt.inf == 0 && !dt.hasDate {
		return 0, false
	}
	return dt.timestamp(true)
}

// dateOf reads a stored date: the date part of the text, as date_in
// reads it (a time or offset after it is ignored).
func dateOf(v fsm.Value) (int32, bool) {
	if v.Kind() != fsm.KindText {
		return 0, false
	}
	dt, ok := parseDateTime(v.Text())
	if !ok || dt.inf == 0 && !dt.hasDate {
		return 0, false
	}
	return dt.date()
}

// timeOf reads a stored time of day, from text with a time and perhaps a
// date (SQLite's time('now') and strftime('%H:%M:%f') give only the time).
func timeOf(v fsm.Value) (int64, bool) {
	if v.Kind() != fsm.KindText {
		return 0, false
	}
	dt, ok := parseDateTime(v.Text())
	if !ok || !dt.hasTime {
		return 0, false
	}
	return dt.timeUsec(), true
}

// datetimeError says why a stored value is not a date or time of type t.
func datetimeError(t uint32, v fsm.Value) *pgerror.Error {
	if v.Kind() == fsm.KindText {
		dt, ok := parseDateTime(v.Text())
		shaped := dt.hasDate
		if t == Time {
			shaped = dt.hasTime
		}
		switch {
		case dt.badField:
			return errDatetimeField(v.Text())
		case ok && shaped:
			return errDatetimeRange(t, v.Text())
		}
	}
	return errDatetime(t, ownText(v))
}

// decodeDateTimeText reads a date/time parameter in text format into the
// text stored for it. timestamptz is converted to UTC and stored without
// an offset, in the shape SQLite's strftime('%Y-%m-%d %H:%M:%f') writes
// (which is what the translator makes of now()), with six fraction digits
// only when milliseconds do not suffice; so values written by clients and
// by now() compare and sort as text. timestamp drops a written offset, as
// PostgreSQL does.
func decodeDateTimeText(t uint32, s string) (fsm.Value, *pgerror.Error) {
	dt, ok := parseDateTime(s)
	if !ok {
		if dt.badField {
			return fsm.Value{}, errDatetimeField(s)
		}
		return fsm.Value{}, errDatetime(t, s)
	}
	switch t {
	case Date:
		if dt.inf == 0 && !dt.hasDate {
			return fsm.Value{}, errDatetime(t, s)
		}
		d, ok := dt.date()
		if !ok {
			return fsm.Value{}, errDatetimeRange(t, s)
		}
		return fsm.TextValue(string(appendDateText(nil, d))), nil
	case Time:
		if !dt.hasTime {
			return fsm.Value{}, errDatetime(t, s)
		}
		return fsm.TextValue(string(appendClock(nil, dt.timeUsec(), 3))), nil
	}
	if dt.inf == 0 && !dt.hasDate {
		return fsm.Value{}, errDatetime(t, s)
	}
	us, ok := dt.timestamp(t == Timestamptz)
	if !ok {
		return fsm.Value{}, errDatetimeRange(t, s)
	}
	return fsm.TextValue(string(appendTimestamp(nil, us, styleStorage))), nil
}

// decodeDateTimeBinary reads a date/time parameter in binary format into
// the text stored for it, as decodeDateTimeText does.
func decodeDateTimeBinary(t uint32, b []byte) (fsm.Value, *pgerror.Error) {
	switch t {
	case Date:
		if len(b) != 4 {
			return fsm.Value{}, errBinaryLength(t, 4, len(b))
		}
		d := int32(be32(b))
		if d != math.MaxInt32 && d != math.MinInt32 && (d < minDay || d >= endDateDay) {
			return fsm.Value{}, errBinary(t, "date out of range")
		}
		return fsm.TextValue(string(appendDateText(nil, d))), nil
	case Time:
		if len(b) != 8 {
			return fsm.Value{}, errBinaryLength(t, 8, len(b))
		}
		us := int64(be64(b))
		if us < 0 || us > usecPerDay {
			return fsm.Value{}, errBinary(t, "time out of range")
		}
		return fsm.TextValue(string(appendClock(nil, us, 3))), nil
	}
	if len(b) != 8 {
		return fsm.Value{}, errBinaryLength(t, 8, len(b))
	}
	us := int64(be64(b))
	if us != math.MaxInt64 && us != math.MinInt64 && (us < minTimeUsec || us >= endTimeUsec) {
		return fsm.Value{}, errBinary(t, "timestamp out of range")
	}
	return fsm.TextValue(string(appendTimestamp(nil, us, styleStorage))), nil
}
