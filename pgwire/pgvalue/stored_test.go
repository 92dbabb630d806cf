package pgvalue

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"

	"sqlraft/fsm"
)

// TestStoredToPgx reads what SQLite actually holds (booleans as 1/0,
// now() as millisecond text, numbers in numeric columns as INTEGER or
// REAL) through pgx, in both formats.
func TestStoredToPgx(t *testing.T) {
	m := pgtype.NewMap()
	utc := func(s string) time.Time {
		tm, err := time.Parse("2006-01-02 15:04:05.999999", s)
		if err != nil {
			t.Fatal(err)
		}
		return tm
	}
	tests := []struct {
		oid    uint32
		stored fsm.Value
		want   any
	}{
		{Bool, i(1), true},
		{Bool, i(0), false},
		{Int4, i(7), int32(7)},
		{Int8, s("12"), int64(12)},
		{Float8, i(3), float64(3)},
		{Numeric, i(42), numericOf("42")},
		{Numeric, f(0.25), numericOf("0.25")},
		{Numeric, s("12345678901234567890.5"), numericOf("12345678901234567890.5")},
		{Timestamptz, s("2024-05-01 12:34:56.789"), utc("2024-05-01 12:34:56.789")},
		{Timestamptz, s("2024-05-01 12:34:56"), utc("2024-05-01 12:34:56")},
		{Timestamptz, s("2024-05-01 14:34:56+02:00"), utc("2024-05-01 12:34:56")},
		{Timestamp, s("2024-05-01 12:34:56.789"), utc("2024-05-01 12:34:56.789")},
		{Date, s("2024-05-01"), utc("2024-05-01 00:00:00")},
		{Time, s("12:34:56.789"), pgtype.Time{Microseconds: (12*3600+34*60+56)*1e6 + 789000, Valid: true}},
		{UUID, s("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"), [16]byte{0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11}},
		{Bytea, b("\x01\x02"), []byte{1, 2}},
		{Text, i(5), "5"},
		{JSONB, s(`{"a":1}`), map[string]any{"a": float64(1)}},
		{TextArray, s(`{a,"b c"}`), []string{"a", "b c"}},
	}
	for _, tt := range tests {
		for _, format := range []int16{pgtype.TextFormatCode, pgtype.BinaryFormatCode} {
			name := fmt.Sprintf("%s/%v/format%d", typeName(tt.oid), tt.stored, format)
			var wire []byte
			var err error
			if format == pgtype.TextFormatCode {
				wire, err = EncodeText(nil, tt.oid, tt.stored)
			} else {
				wire, err = EncodeBinary(nil, tt.oid, tt.stored)
			}
			if err != nil {
				t.Errorf("%s: %v", name, err)
				continue
			}
			got := reflect.New(reflect.TypeOf(tt.want))
			if err := m.Scan(tt.oid, format, wire, got.Interface()); err != nil {
				t.Errorf("%s: pgx scan %q: %v", name, wire, err)
				continue
			}
			if !sameValue(got.Elem().Interface(), tt.want) {
				t.Errorf("%s: got %#v, want %#v", name, got.Elem().Interface(), tt.want)
			}
		}
	}
}

func numericOf(s string) pgtype.Numeric {
	var n pgtype.Numeric
	if err := n.Scan(s); err != nil {
		panic(err)
	}
	return n
}
