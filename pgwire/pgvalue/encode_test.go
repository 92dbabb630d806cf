package pgvalue

import (
	"errors"
	"math"
	"testing"

	"sqlraft/fsm"
	"sqlraft/pgwire/pgerror"
)

var (
	i   = fsm.IntValue
	f   = fsm.FloatValue
	s   = fsm.TextValue
	b   = func(x string) fsm.Value { return fsm.BlobValue([]byte(x)) }
	inf = math.Inf(1)
)

// TestEncodeText shows what a client reads for each stored value and
// column type. The outputs were checked against PostgreSQL 15.
func TestEncodeText(t *testing.T) {
	tests := []struct {
		typ  uint32
		v    fsm.Value
		want string
	}{
		// Booleans are stored as 1/0.
		{Bool, i(1), "t"},
		{Bool, i(0), "f"},
		{Bool, i(2), "t"},
		{Bool, f(0), "f"},
		{Bool, s("true"), "t"},
		{Bool, s(" OFF "), "f"},
		{Bool, s("yes"), "t"},
		{Bool, s("maybe"), "maybe"}, // does not fit: the stored text

		{Int4, i(42), "42"},
		{Int4, i(-7), "-7"},
		{Int4, i(1 << 40), "1099511627776"}, // no range check in text
		{Int8, i(math.MinInt64), "-9223372036854775808"},
		{Int8, f(3), "3"},
		{Int8, f(3.5), "3.5"},
		{Int8, s(" 12 "), "12"},
		{Int8, s("abc"), "abc"},
		{Int2, b("\x01"), `\x01`},
		{OID, i(16384), "16384"},

		// Floats print the shortest text that reads back the same, as
		// PostgreSQL 12+ does with extra_float_digits 1.
		{Float8, f(1.5), "1.5"},
		{Float8, f(0.1), "0.1"},
		{Float8, f(1e20), "1e+20"},
		{Float8, f(1e15), "1e+15"},
		{Float8, f(123456789012345), "123456789012345"},
		{Float8, f(1000000), "1000000"},
		{Float8, f(0.0001), "0.0001"},
		{Float8, f(0.00001), "1e-05"},
		{Float8, f(math.Copysign(0, -1)), "-0"},
		{Float8, f(inf), "Infinity"},
		{Float8, f(-inf), "-Infinity"},
		{Float8, s("NaN"), "NaN"},
		{Float8, f(math.MaxFloat64), "1.7976931348623157e+308"},
		{Float8, f(5e-324), "5e-324"},
		{Float8, i(3), "3"},
		// Go's shortest form may sit exactly halfway between two floats;
		// PostgreSQL's never does and takes one more digit.
		{Float8, f(64081609915437216), "6.4081609915437216e+16"},
		{Float4, f(43417792), "4.3417792e+07"},
		{Float4, f(100701696), "1.00701696e+08"},
		{Float8, s("2.50"), "2.5"},
		{Float4, f(1e6), "1e+06"},
		{Float4, f(123456), "123456"},
		{Float4, f(1e-5), "1e-05"},
		{Float4, f(0.1), "0.1"},
		{Float4, f(1e300), "1e+300"}, // beyond real: shown whole rather than as Infinity

		// numeric is plain decimal, never an exponent, keeping its scale.
		{Numeric, i(12), "12"},
		{Numeric, f(1.5), "1.5"},
		{Numeric, f(1e20), "100000000000000000000"},
		{Numeric, f(1.5e-10), "0.00000000015"},
		{Numeric, f(math.Copysign(0, -1)), "0"},
		{Numeric, s("1.50"), "1.50"},
		{Numeric, s("1e3"), "1000"},
		{Numeric, s("1.5e-3"), "0.0015"},
		{Numeric, s("-0.0"), "0.0"},
		{Numeric, s(".5"), "0.5"},
		{Numeric, s("5."), "5"},
		{Numeric, s("1.50e1"), "15.0"},
		{Numeric, s("007"), "7"},
		{Numeric, s("123456789012345678901234567890.123456789"), "123456789012345678901234567890.123456789"},
		{Numeric, s("nan"), "NaN"},
		{Numeric, f(-inf), "-Infinity"},
		{Numeric, s("twelve"), "twelve"},

		{Bytea, b("\x00\xffab"), `\x00ff6162`},
		{Bytea, b(""), `\x`},
		{Bytea, s("hi"), `\x6869`},
		{Bytea, i(5), `\x35`}, // as SQLite's CAST(5 AS BLOB)

		// Timestamps are stored as text in UTC; an offset converts.
		{Timestamp, s("2024-01-02 03:04:05.123"), "2024-01-02 03:04:05.123"},
		{Timestamp, s("2024-01-02 03:04:05.000"), "2024-01-02 03:04:05"},
		{Timestamp, s("2024-01-02 03:04:05.123456"), "2024-01-02 03:04:05.123456"},
		{Timestamp, s("2024-01-02 03:04:05.1234567"), "2024-01-02 03:04:05.123457"},
		{Timestamp, s("2024-01-02T03:04:05Z"), "2024-01-02 03:04:05"},
		{Timestamp, s("2024-01-02 03:04:05+02:00"), "2024-01-02 01:04:05"},
		{Timestamp, s("2024-01-02"), "2024-01-02 00:00:00"},
		{Timestamp, s("2024-01-02 03:04"), "2024-01-02 03:04:00"},
		{Timestamp, s("infinity"), "infinity"},
		{Timestamp, s("yesterday-ish"), "yesterday-ish"},
		{Timestamp, i(1704164645), "1704164645"},
		{Timestamptz, s("2024-01-02 03:04:05.123"), "2024-01-02 03:04:05.123+00"},
		{Timestamptz, s("2024-01-02 03:04:05+00"), "2024-01-02 03:04:05+00"},
		{Timestamptz, s("2024-01-02 03:04:05+00:00"), "2024-01-02 03:04:05+00"},
		{Timestamptz, s("2024-01-02T03:04:05.1234567+05:30"), "2024-01-01 21:34:05.123457+00"},
		{Timestamptz, s("2024-01-02 03:04:05.999999999-07:00"), "2024-01-02 10:04:06+00"},
		{Timestamptz, s("0001-01-01 00:00:00 BC"), "0001-01-01 00:00:00+00 BC"},
		{Timestamptz, s("-infinity"), "-infinity"},
		{Timestamp, s("2024-01-02 24:00:00"), "2024-01-03 00:00:00"},
		{Timestamp, s("2024-12-31 23:59:60"), "2025-01-01 00:00:00"},
		{Date, s("2024-01-02"), "2024-01-02"},
		{Date, s("2024-01-02 23:00:00-05"), "2024-01-02"}, // date_in ignores the time
		{Date, s("10000-01-01"), "10000-01-01"},
		{Date, s("0044-03-15 BC"), "0044-03-15 BC"},
		{Time, s("03:04:05.123"), "03:04:05.123"},
		{Time, s("03:04:05.000"), "03:04:05"},
		{Time, s("2024-01-02 03:04:05"), "03:04:05"},
		{Time, s("24:00:00"), "24:00:00"},

		{Interval, s("1 year 2 months -3 days 4 hours 5 minutes 6.5 seconds"), "1 year 2 mons -3 days +04:05:06.5"},
		{Interval, s("-1 day +2 hours"), "-1 days +02:00:00"},
		{Interval, s("0"), "00:00:00"},
		{Interval, s("1.5 days"), "1 day 12:00:00"},
		{Interval, s("P1Y2M3DT4H5M6S"), "1 year 2 mons 3 days 04:05:06"},
		{Interval, s("fortnight"), "fortnight"},

		{UUID, s("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
		{UUID, s("{a0eebc999c0b4ef8bb6d6bb9bd380a11}"), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
		{UUID, b("\xa0\xee\xbc\x99\x9c\x0b\x4e\xf8\xbb\x6d\x6b\xb9\xbd\x38\x0a\x11"), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"},
		{UUID, s("not-a-uuid"), "not-a-uuid"},

		// json and jsonb are sent as stored; PostgreSQL's jsonb would
		// have normalized the spacing ({"a": 1}).
		{JSON, s(`{"a":1}`), `{"a":1}`},
		{JSONB, s(`{"a":1}`), `{"a":1}`},

		{Text, s("héllo"), "héllo"},
		{Text, i(42), "42"},
		{Text, f(1e20), "1e+20"},
		{Text, b("\x01\x02"), `\x0102`},
		{Varchar, s("x"), "x"},
		{RegClass, s("users"), "users"},

		{Int4Array, s("{1, 2 ,3}"), "{1,2,3}"},
		{TextArray, s(`{"a b",NULL,"NULL","",c}`), `{"a b",NULL,"NULL","",c}`},
		{Int4Array, s("[0:1]={1,2}"), "[0:1]={1,2}"},
		{Int4Array, s("{{1,2},{3,4}}"), "{{1,2},{3,4}}"},
		{Int4Array, s("{}"), "{}"},
		{TimestampArray, s(`{"2024-01-02 03:04:05.000"}`), `{"2024-01-02 03:04:05"}`},
		{TextArray, s(`{a\\b, " x "}`), `{"a\\b"," x "}`},
		{Int4Array, s("{1,{2}}"), "{1,{2}}"}, // malformed: as stored
	}
	for _, tt := range tests {
		got, err := EncodeText(nil, tt.typ, tt.v)
		if err != nil || string(got) != tt.want {
			t.Errorf("EncodeText(%s, %v) = %q, %v; want %q", typeName(tt.typ), tt.v, got, err, tt.want)
		}
	}
	if _, err := EncodeText(nil, Text, fsm.Value{}); err == nil {
		t.Error("EncodeText(NULL) succeeded")
	}
}

// TestEncodeBinaryMismatch shows the errors a binary column gets for a
// stored value that does not fit its declared type.
func TestEncodeBinaryMismatch(t *testing.T) {
	tests := []struct {
		typ  uint32
		v    fsm.Value
		code string
		msg  string
	}{
		{Int4, s("abc"), "22P02", `invalid input syntax for type integer: "abc"`},
		{Int4, i(1 << 40), "22003", "integer out of range"},
		{Int2, i(40000), "22003", "smallint out of range"},
		{Int8, s("99999999999999999999"), "22003", `value "99999999999999999999" is out of range for type bigint`},
		{Int8, f(1e30), "22003", "bigint out of range"},
		{Int8, f(1.5), "22P02", `invalid input syntax for type bigint: "1.5"`},
		{Int4, b("\x01"), "22P02", `invalid input syntax for type integer: "\x01"`},
		{OID, i(-1), "22003", "OID out of range"},
		{Bool, s("maybe"), "22P02", `invalid input syntax for type boolean: "maybe"`},
		{Float8, s("abc"), "22P02", `invalid input syntax for type double precision: "abc"`},
		{Float4, f(1e300), "22003", "value out of range: overflow"},
		{Numeric, s("twelve"), "22P02", `invalid input syntax for type numeric: "twelve"`},
		{UUID, s("xyz"), "22P02", `invalid input syntax for type uuid: "xyz"`},
		{Timestamp, s("soon"), "22007", `invalid input syntax for type timestamp: "soon"`},
		{Timestamptz, s("300000-01-01"), "22008", `timestamp out of range: "300000-01-01"`},
		{Timestamp, i(1704164645), "22007", `invalid input syntax for type timestamp: "1704164645"`},
		{Date, s("03:04:05"), "22007", `invalid input syntax for type date: "03:04:05"`},
		{Time, s("2024-01-02"), "22007", `invalid input syntax for type time: "2024-01-02"`},
		{Interval, s("fortnight"), "22007", `invalid input syntax for type interval: "fortnight"`},
		{Int4Array, s("{1,x}"), "22P02", `invalid input syntax for type integer: "x"`},
		{Int4Array, s("1,2"), "22P02", `malformed array literal: "1,2"`},
		{Timetz, s("03:04:05+02"), "0A000", "binary format is not supported for type time with time zone"},
		{Int4, fsm.Value{}, "XX000", "pgvalue: NULL has no wire format"},
	}
	for _, tt := range tests {
		out, err := EncodeBinary([]byte("keep"), tt.typ, tt.v)
		var pe *pgerror.Error
		if !errors.As(err, &pe) || pe.Code != tt.code || pe.Message != tt.msg {
			t.Errorf("EncodeBinary(%s, %v) error = %v; want %s %s", typeName(tt.typ), tt.v, err, tt.code, tt.msg)
			continue
		}
		if string(out) != "keep" {
			t.Errorf("EncodeBinary(%s, %v) changed dst to %q on error", typeName(tt.typ), tt.v, out)
		}
	}
}
