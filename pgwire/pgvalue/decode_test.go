package pgvalue

import (
	"errors"
	"math"
	"testing"

	"sqlraft/fsm"
	"sqlraft/pgwire/pgerror"
)

// TestDecodeText shows the storage class and value each text parameter
// becomes.
func TestDecodeText(t *testing.T) {
	tests := []struct {
		typ  uint32
		in   string
		want fsm.Value
	}{
		{Int4, "42", i(42)},
		{Int4, "  -42 ", i(-42)},
		{Int4, "+7", i(7)},
		{Int2, "-32768", i(-32768)},
		{Int8, "9223372036854775807", i(math.MaxInt64)},
		{Int8, "-9223372036854775808", i(math.MinInt64)},
		{OID, "4294967295", i(4294967295)},
		{OID, "-1", i(4294967295)},

		{Float8, "1.5", f(1.5)},
		{Float8, " 1e-3 ", f(0.001)},
		{Float8, "Infinity", f(inf)},
		{Float8, "-inf", f(-inf)},
		{Float8, "NaN", s("NaN")}, // SQLite would store a NaN REAL as NULL
		{Float4, "0.1", f(0.1)},   // not 0.10000000149011612
		{Float4, "0.123456789", f(0.12345679)},

		// numeric keeps every digit: INTEGER, else an exact REAL, else TEXT.
		{Numeric, "12", i(12)},
		{Numeric, "1.0", i(1)},
		{Numeric, "1e3", i(1000)},
		{Numeric, "0.1", f(0.1)},
		{Numeric, "1.50", f(1.5)},
		{Numeric, "-0.000", i(0)},
		{Numeric, "9223372036854775808", s("9223372036854775808")}, // a float64 would print 9223372036854776000
		{Numeric, "12345678901234567890", s("12345678901234567890")},
		{Numeric, "0.12345678901234567890", s("0.12345678901234567890")},
		{Numeric, "NaN", s("NaN")},
		{Numeric, "-Infinity", f(-inf)},

		// boolin's spellings.
		{Bool, "t", i(1)},
		{Bool, "TRUE", i(1)},
		{Bool, "tr", i(1)},
		{Bool, " yes ", i(1)},
		{Bool, "on", i(1)},
		{Bool, "1", i(1)},
		{Bool, "f", i(0)},
		{Bool, "False", i(0)},
		{Bool, "n", i(0)},
		{Bool, "of", i(0)},
		{Bool, "off", i(0)},
		{Bool, "0", i(0)},

		{Bytea, `\x0001ff`, b("\x00\x01\xff")},
		{Bytea, `\x00 01`, b("\x00\x01")},
		{Bytea, `\xDEADbeef`, b("\xde\xad\xbe\xef")},
		{Bytea, `abc`, b("abc")},
		{Bytea, `a\\b\001\377`, b("a\\b\x01\xff")},
		{Bytea, ``, b("")},

		// Dates and times become SQLite-shaped text: UTC, no offset,
		// milliseconds like strftime('%f') unless microseconds are needed.
		{Timestamptz, "2024-01-02 03:04:05.123456+00", s("2024-01-02 03:04:05.123456")},
		{Timestamptz, "2024-01-02 03:04:05.5+02", s("2024-01-02 01:04:05.500")},
		{Timestamptz, "2024-01-02T03:04:05Z", s("2024-01-02 03:04:05.000")},
		{Timestamptz, "2024-01-02 03:04:05-07:30", s("2024-01-02 10:34:05.000")},
		{Timestamptz, "2024-01-02 03:04:05 UTC", s("2024-01-02 03:04:05.000")},
		{Timestamptz, "2024-01-02 03:04:05 +0530", s("2024-01-01 21:34:05.000")},
		{Timestamptz, "2024-01-02", s("2024-01-02 00:00:00.000")},
		{Timestamptz, "infinity", s("infinity")},
		{Timestamp, "2024-01-02 03:04:05+02", s("2024-01-02 03:04:05.000")}, // the offset is dropped, as PostgreSQL does
		{Timestamp, "2024-01-02 03:04:05.1234567", s("2024-01-02 03:04:05.123457")},
		{Timestamp, "2024-01-02 03:04:05.0000005", s("2024-01-02 03:04:05.000")}, // rint: half to even
		{Timestamp, "0001-01-01 00:00:00 BC", s("0001-01-01 00:00:00.000 BC")},
		{Date, "2024-01-02", s("2024-01-02")},
		{Date, "2024-1-2", s("2024-01-02")},
		{Date, "2024-01-02 10:00", s("2024-01-02")},
		{Date, "-infinity", s("-infinity")},
		{Time, "03:04:05", s("03:04:05.000")},
		{Time, "3:04", s("03:04:00.000")},
		{Time, "03:04:05.123456", s("03:04:05.123456")},
		{Time, "03:04:05+02", s("03:04:05.000")},

		{UUID, "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", s("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")},
		{UUID, "{a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11}", s("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")},
		{UUID, "a0eebc999c0b4ef8bb6d6bb9bd380a11", s("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")},

		{JSON, `{"a": [1, 2]}`, s(`{"a": [1, 2]}`)},
		{JSONB, `{"a": [1, 2]}`, s(`{"a": [1, 2]}`)},
		{Interval, "1 day 2 hours", s("1 day 02:00:00")},
		{Interval, "2 weeks ago", s("-14 days")},
		{Interval, "1 fortnight", s("1 fortnight")}, // not understood: kept as sent

		{TextArray, `{public,schema_migrations}`, s(`{public,schema_migrations}`)},
		{TextArray, `{ "a b" , NULL, c }`, s(`{"a b",NULL,c}`)},
		{Int8Array, `{1, 2, NULL}`, s(`{1,2,NULL}`)},
		{BoolArray, `{true,no}`, s(`{t,f}`)},

		// Text types and parameters of unknown type stay as sent.
		{Text, " x ", s(" x ")},
		{Varchar, "", s("")},
		{Unknown, "42", s("42")},
		{0, "42", s("42")},
		{0, "t", s("t")},
		{Char, "a", s("a")},
	}
	for _, tt := range tests {
		got, err := DecodeParam(tt.typ, 0, []byte(tt.in))
		if err != nil || !got.Equal(tt.want) {
			t.Errorf("DecodeParam(%s, text, %q) = %v, %v; want %v", typeName(tt.typ), tt.in, got, err, tt.want)
		}
	}
	if got, err := DecodeParam(Int4, 0, nil); err != nil || !got.IsNull() {
		t.Errorf("DecodeParam(nil) = %v, %v; want NULL", got, err)
	}
}

// TestDecodeErrors shows PostgreSQL's error for each bad parameter.
func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		typ    uint32
		format int16
		in     string
		code   string
		msg    string
	}{
		{Int4, 0, "abc", "22P02", `invalid input syntax for type integer: "abc"`},
		{Int4, 0, "", "22P02", `invalid input syntax for type integer: ""`},
		{Int4, 0, "1.5", "22P02", `invalid input syntax for type integer: "1.5"`},
		{Int4, 0, "1_000", "22P02", `invalid input syntax for type integer: "1_000"`},
		{Int4, 0, "3000000000", "22003", `value "3000000000" is out of range for type integer`},
		{Int2, 0, "99999", "22003", `value "99999" is out of range for type smallint`},
		{Int8, 0, "99999999999999999999", "22003", `value "99999999999999999999" is out of range for type bigint`},
		{OID, 0, "abc", "22P02", `invalid input syntax for type oid: "abc"`},
		{OID, 0, "99999999999", "22003", `value "99999999999" is out of range for type oid`},
		{Float8, 0, "abc", "22P02", `invalid input syntax for type double precision: "abc"`},
		{Float8, 0, "0x10", "22P02", `invalid input syntax for type double precision: "0x10"`},
		{Float8, 0, "1e400", "22003", `"1e400" is out of range for type double precision`},
		{Float4, 0, "1e50", "22003", `"1e50" is out of range for type real`},
		{Numeric, 0, "abc", "22P02", `invalid input syntax for type numeric: "abc"`},
		{Numeric, 0, "1e1001", "22P02", `invalid input syntax for type numeric: "1e1001"`},
		{Bool, 0, "x", "22P02", `invalid input syntax for type boolean: "x"`},
		{Bool, 0, "o", "22P02", `invalid input syntax for type boolean: "o"`},
		{Bool, 0, "10", "22P02", `invalid input syntax for type boolean: "10"`},
		{Bytea, 0, `\xzz`, "22023", `invalid hexadecimal digit: "z"`},
		{Bytea, 0, `\x1`, "22023", "invalid hexadecimal data: odd number of digits"},
		{Bytea, 0, `a\b`, "22P02", "invalid input syntax for type bytea"},
		{UUID, 0, "abc", "22P02", `invalid input syntax for type uuid: "abc"`},
		{UUID, 0, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-", "22P02", `invalid input syntax for type uuid: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-"`},
		{Timestamptz, 0, "abc", "22007", `invalid input syntax for type timestamp with time zone: "abc"`},
		{Timestamp, 0, "2024-13-01", "22008", `date/time field value out of range: "2024-13-01"`},
		{Timestamp, 0, "2024-02-30", "22008", `date/time field value out of range: "2024-02-30"`},
		{Timestamp, 0, "03:04:05", "22007", `invalid input syntax for type timestamp: "03:04:05"`},
		{Timestamp, 0, "294277-01-01", "22008", `timestamp out of range: "294277-01-01"`},
		{Date, 0, "abc", "22007", `invalid input syntax for type date: "abc"`},
		{Date, 0, "5874898-01-01", "22008", `date out of range: "5874898-01-01"`},
		{Time, 0, "25:00", "22008", `date/time field value out of range: "25:00"`},
		{Time, 0, "3 pm", "22007", `invalid input syntax for type time: "3 pm"`},
		{JSON, 0, "{", "22P02", "invalid input syntax for type json"},
		{JSONB, 0, "{'a':1}", "22P02", "invalid input syntax for type jsonb"},
		{Int4Array, 0, "{1,{2}}", "22P02", `malformed array literal: "{1,{2}}"`},
		{Int4Array, 0, "{{1},{2,3}}", "22P02", `malformed array literal: "{{1},{2,3}}"`},
		{Int4Array, 0, "{1,x}", "22P02", `invalid input syntax for type integer: "x"`},
		{Text, 0, "a\xffb", "22021", `invalid byte sequence for encoding "UTF8": 0xff`},
		{Text, 0, "a\xc3(b", "22021", `invalid byte sequence for encoding "UTF8": 0xc3 0x28`},
		{Text, 0, "a\x00b", "22021", `invalid byte sequence for encoding "UTF8": 0x00`},
		{0, 0, "a\x00b", "22021", `invalid byte sequence for encoding "UTF8": 0x00`},
		{Text, 2, "x", "08P01", "unsupported format code: 2"},

		// Binary parameters of the wrong length or shape.
		{0, 1, "x", "42P18", "could not determine data type of a parameter sent in binary format"},
		{Int4, 1, "\x00\x01", "22P03", "incorrect binary data format for type integer: expected 4 bytes, got 2"},
		{Int8, 1, "", "22P03", "incorrect binary data format for type bigint: expected 8 bytes, got 0"},
		{Bool, 1, "\x01\x00", "22P03", "incorrect binary data format for type boolean: expected 1 bytes, got 2"},
		{UUID, 1, "0123456789", "22P03", "incorrect binary data format for type uuid: expected 16 bytes, got 10"},
		{Numeric, 1, "\x00\x01\x00\x00\x00\x00\x00\x00", "22P03", "incorrect binary data format for type numeric: 1 digits need 10 bytes, got 8"},
		{Numeric, 1, "\x00\x01\x00\x00\x00\x00\x00\x00\x27\x10", "22P03", "incorrect binary data format for type numeric: invalid digit 10000"},
		{Numeric, 1, "\x00\x00\x00\x00\x12\x34\x00\x00", "22P03", "incorrect binary data format for type numeric: invalid sign 0x1234"},
		{JSONB, 1, "\x02{}", "22P03", "incorrect binary data format for type jsonb: unsupported jsonb version"},
		{Text, 1, "\xff", "22021", `invalid byte sequence for encoding "UTF8": 0xff`},
		{Date, 1, "\x00\x00\x00", "22P03", "incorrect binary data format for type date: expected 4 bytes, got 3"},
		{Time, 1, "\x7f\x00\x00\x00\x00\x00\x00\x00", "22P03", "incorrect binary data format for type time without time zone: time out of range"},
		{Int4Array, 1, "\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x19\x00\x00\x00\x01\x00\x00\x00\x01", "22P03", "incorrect binary data format for type integer[]: wrong element type 25"},
		{Int4Array, 1, "\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x17\x00\x00\x00\x02\x00\x00\x00\x01\x00\x00\x00\x04\x00\x00\x00\x01", "22P03", "incorrect binary data format for type integer[]: insufficient data"},
		{Timetz, 1, "\x00", "0A000", "binary format is not supported for type time with time zone"},
	}
	for _, tt := range tests {
		_, err := DecodeParam(tt.typ, tt.format, []byte(tt.in))
		var pe *pgerror.Error
		if !errors.As(err, &pe) || pe.Code != tt.code || pe.Message != tt.msg {
			t.Errorf("DecodeParam(%s, %d, %q) error = %v; want %s %s", typeName(tt.typ), tt.format, tt.in, err, tt.code, tt.msg)
		}
	}
}

func TestCoerce(t *testing.T) {
	tests := []struct {
		v    fsm.Value
		typ  uint32
		want fsm.Value
	}{
		{s("t"), Bool, i(1)},
		{s("42"), Int8, i(42)},
		{s("abc"), Int8, s("abc")}, // not an integer: left for SQLite
		{s("2024-01-02T03:04:05Z"), Timestamptz, s("2024-01-02 03:04:05.000")},
		{s("1.5"), Numeric, f(1.5)},
		{s("x"), 0, s("x")},
		{i(1), Text, i(1)}, // only text is coerced
	}
	for _, tt := range tests {
		if got := Coerce(tt.v, tt.typ); !got.Equal(tt.want) {
			t.Errorf("Coerce(%v, %s) = %v, want %v", tt.v, typeName(tt.typ), got, tt.want)
		}
	}
}
