package pgvalue

import (
	"fmt"
	"unicode/utf8"

	"sqlraft/pgwire/pgerror"
)

// The errors below use PostgreSQL 15's messages for the same input, so a
// client sees what the server would have said.

// maxQuoted bounds how much of a bad value an error message repeats.
const maxQuoted = 64

func quoted(s string) string {
	if len(s) > maxQuoted {
		n := maxQuoted
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n] + "..."
	}
	return `"` + s + `"`
}

// errSyntax is 22P02 for text that is not a value of the type.
func errSyntax(oid uint32, s string) *pgerror.Error {
	return pgerror.New(pgerror.InvalidTextRepresentation, "invalid input syntax for type %s: %s", typeName(oid), quoted(s))
}

// errRange is 22003 for text naming a number outside the type's range.
func errRange(oid uint32, s string) *pgerror.Error {
	if oid == Float4 || oid == Float8 {
		return pgerror.New(pgerror.NumericValueOutOfRange, "%s is out of range for type %s", quoted(s), typeName(oid))
	}
	return pgerror.New(pgerror.NumericValueOutOfRange, "value %s is out of range for type %s", quoted(s), typeName(oid))
}

// errOverflow is 22003 for a stored number that does not fit the type,
// as PostgreSQL words a failed conversion ("integer out of range").
func errOverflow(oid uint32) *pgerror.Error {
	switch oid {
	case Float4:
		return pgerror.New(pgerror.NumericValueOutOfRange, "value out of range: overflow")
	case OID:
		return pgerror.New(pgerror.NumericValueOutOfRange, "OID out of range")
	}
	return pgerror.New(pgerror.NumericValueOutOfRange, "%s out of range", typeName(oid))
}

// errDatetime is 22007 for text that is not a date or time. PostgreSQL's
// date/time input names timestamp and time without "without time zone".
func errDatetime(oid uint32, s string) *pgerror.Error {
	name := typeName(oid)
	switch oid {
	case Timestamp:
		name = "timestamp"
	case Time:
		name = "time"
	}
	return pgerror.New(pgerror.InvalidDatetimeFormat, "invalid input syntax for type %s: %s", name, quoted(s))
}

// errDatetimeField is 22008 for a date or time with a field out of range.
func errDatetimeField(s string) *pgerror.Error {
	return pgerror.New(pgerror.DatetimeFieldOverflow, "date/time field value out of range: %s", quoted(s))
}

// errDatetimeRange is 22008 for a date or time outside the type's range.
func errDatetimeRange(oid uint32, s string) *pgerror.Error {
	switch oid {
	case Date:
		return pgerror.New(pgerror.DatetimeFieldOverflow, "date out of range: %s", quoted(s))
	case Timestamp, Timestamptz:
		return pgerror.New(pgerror.DatetimeFieldOverflow, "timestamp out of range: %s", quoted(s))
	}
	return pgerror.New(pgerror.DatetimeFieldOverflow, "date/time field value out of range: %s", quoted(s))
}

// errBinary is 22P03 for a binary parameter of the wrong shape.
func errBinary(oid uint32, format string, args ...any) *pgerror.Error {
	return pgerror.New(pgerror.InvalidBinaryRepresentation, "incorrect binary data format for type %s: %s", typeName(oid), fmt.Sprintf(format, args...))
}

// errBinaryLength is errBinary for a fixed-size type.
func errBinaryLength(oid uint32, want, got int) *pgerror.Error {
	return errBinary(oid, "expected %d bytes, got %d", want, got)
}

// errNoBinary is 0A000 for a type this package has no binary format for.
func errNoBinary(oid uint32) *pgerror.Error {
	return pgerror.New(pgerror.FeatureNotSupported, "binary format is not supported for type %s", typeName(oid))
}

// errEncoding is 22021 for text that is not UTF-8, with the offending
// bytes as PostgreSQL prints them.
func errEncoding(s string, at int) *pgerror.Error {
	n := 1 // pg_utf_mblen: the length the first byte announces
	switch c := s[at]; {
	case c&0xe0 == 0xc0:
		n = 2
	case c&0xf0 == 0xe0:
		n = 3
	case c&0xf8 == 0xf0:
		n = 4
	}
	var b []byte
	for i := 0; i < n && at+i < len(s); i++ {
		if i > 0 {
			b = append(b, ' ')
		}
		b = fmt.Appendf(b, "0x%02x", s[at+i])
	}
	return pgerror.New(pgerror.CharacterNotInRepertoire, `invalid byte sequence for encoding "UTF8": %s`, b)
}

// mismatch explains a binary encoding failure: the column's declared type
// is a promise SQLite does not keep, and text format would have worked.
func mismatch(e *pgerror.Error) *pgerror.Error {
	e.Detail = "The value stored in SQLite does not fit the column's declared type; read the column in text format to see it as stored."
	return e
}
