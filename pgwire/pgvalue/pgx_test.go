package pgvalue

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgtype"
)

// pgxCase is a Go value that pgx encodes as type oid, and what scanning
// it back must give (the value itself unless want is set).
type pgxCase struct {
	oid  uint32
	v    any
	want any
}

func pgxCases() []pgxCase {
	ist := time.FixedZone("IST", 5*3600+1800)
	ptr := func(s string) *string { return &s }
	return []pgxCase{
		{oid: Bool, v: true},
		{oid: Bool, v: false},
		{oid: Int2, v: int16(math.MinInt16)},
		{oid: Int2, v: int16(math.MaxInt16)},
		{oid: Int4, v: int32(math.MinInt32)},
		{oid: Int4, v: int32(123)},
		{oid: Int8, v: int64(math.MaxInt64)},
		{oid: Int8, v: int64(math.MinInt64)},
		{oid: OID, v: uint32(math.MaxUint32)},
		{oid: Float4, v: float32(0.1)},
		{oid: Float4, v: float32(-1.5e30)},
		{oid: Float4, v: float32(math.Inf(1))},
		{oid: Float4, v: float32(math.NaN())},
		{oid: Float8, v: 0.1},
		{oid: Float8, v: 1e20},
		{oid: Float8, v: math.Copysign(0, -1)},
		{oid: Float8, v: 5e-324},
		{oid: Float8, v: math.MaxFloat64},
		{oid: Float8, v: math.Inf(-1)},
		{oid: Float8, v: math.NaN()},
		{oid: Numeric, v: numericOf("0")},
		{oid: Numeric, v: numericOf("1.50")},
		{oid: Numeric, v: numericOf("10000")},
		{oid: Numeric, v: numericOf("0.0001")},
		{oid: Numeric, v: numericOf("99999999")},
		{oid: Numeric, v: numericOf("-123456789012345678901234567890.000123")},
		{oid: Numeric, v: numericOf("0.00000000000000000001")},
		{oid: Numeric, v: numericOf("9223372036854775808")},
		{oid: Numeric, v: numericOf("NaN")},
		{oid: Numeric, v: numericOf("Infinity")},
		{oid: Numeric, v: numericOf("-Infinity")},
		{oid: Text, v: "héllo"},
		{oid: Text, v: ""},
		{oid: Text, v: "tab\there"},
		{oid: Varchar, v: "x"},
		{oid: BPChar, v: "abc"},
		{oid: Name, v: "users"},
		{oid: Unknown, v: "42"},
		{oid: Bytea, v: []byte{0, 1, 255}},
		{oid: Bytea, v: []byte{}},
		{oid: UUID, v: [16]byte{0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11}},
		{oid: Date, v: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)},
		{oid: Date, v: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		{oid: Date, v: time.Date(-43, 3, 15, 0, 0, 0, 0, time.UTC)}, // 44 BC
		{oid: Date, v: pgtype.Date{InfinityModifier: pgtype.Infinity, Valid: true}},
		{oid: Timestamp, v: time.Date(2024, 1, 2, 3, 4, 5, 123456000, time.UTC)},
		{oid: Timestamp, v: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)},
		{oid: Timestamp, v: time.Date(0, 12, 31, 23, 59, 59, 999999000, time.UTC)}, // 1 BC
		{oid: Timestamp, v: pgtype.Timestamp{InfinityModifier: pgtype.NegativeInfinity, Valid: true}},
		{oid: Timestamptz, v: time.Date(2024, 1, 2, 3, 4, 5, 500000000, ist)},
		{oid: Timestamptz, v: time.Date(1999, 12, 31, 23, 59, 59, 1000, time.UTC)},
		{oid: Timestamptz, v: pgtype.Timestamptz{InfinityModifier: pgtype.Infinity, Valid: true}},
		{oid: Time, v: pgtype.Time{Microseconds: 3*3600e6 + 4*60e6 + 5e6 + 123456, Valid: true}},
		{oid: Time, v: pgtype.Time{Microseconds: 0, Valid: true}},
		{oid: Interval, v: pgtype.Interval{Microseconds: -3600e6 - 1, Days: -3, Months: 14, Valid: true}},
		{oid: Interval, v: pgtype.Interval{Microseconds: 100 * 3600e6, Valid: true}},
		{oid: Interval, v: pgtype.Interval{Valid: true}},
		{oid: JSON, v: `{"a": [1, 2]}`},
		{oid: JSONB, v: `{"a": [1, 2]}`, want: `{"a": [1, 2]}`},
		{oid: TextArray, v: []string{"a", "b c", "", "NULL", `q"uote`, `back\slash`, "{}"}},
		{oid: TextArray, v: []*string{ptr("x"), nil}},
		{oid: TextArray, v: []string{}},
		{oid: Int4Array, v: []int32{1, -2, 3}},
		{oid: Int8Array, v: pgtype.FlatArray[int64]{1, 2}},
		{oid: Int8Array, v: pgtype.Array[int64]{Elements: []int64{1, 2, 3, 4, 5, 6}, Dims: []pgtype.ArrayDimension{{Length: 2, LowerBound: 1}, {Length: 3, LowerBound: 1}}, Valid: true}},
		{oid: BoolArray, v: []bool{true, false}},
		{oid: Float8Array, v: []float64{1.5, math.Inf(1)}},
		{oid: VarcharArray, v: []string{"x", "y z"}},
		{oid: ByteaArray, v: [][]byte{{1, 2}, {}}},
		{oid: TimestamptzArray, v: []time.Time{time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}},
		{oid: DateArray, v: []time.Time{time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)}},
		{oid: UUIDArray, v: [][16]byte{{1, 2, 3}}},
		{oid: NumericArray, v: []pgtype.Numeric{numericOf("1.50"), numericOf("-7")}},
	}
}

// TestPgxRoundTrip checks both directions against pgx's codecs: pgx
// encodes a parameter, DecodeParam reads it, EncodeText or EncodeBinary
// writes the stored value back and pgx scans it, in every combination of
// formats, and the value must come back unchanged.
func TestPgxRoundTrip(t *testing.T) {
	m := pgtype.NewMap()
	for _, tc := range pgxCases() {
		want := tc.v
		if tc.want != nil {
			want = tc.want
		}
		for _, in := range []int16{pgtype.TextFormatCode, pgtype.BinaryFormatCode} {
			for _, out := range []int16{pgtype.TextFormatCode, pgtype.BinaryFormatCode} {
				name := fmt.Sprintf("%s/%v/in%d/out%d", typeName(tc.oid), tc.v, in, out)
				param, err := m.Encode(tc.oid, in, tc.v, make([]byte, 0, 8)) // non-nil: nil is NULL
				if err != nil {
					t.Fatalf("%s: pgx encode: %v", name, err)
				}
				stored, err := DecodeParam(tc.oid, in, param)
				if err != nil {
					t.Errorf("%s: DecodeParam(%q): %v", name, param, err)
					continue
				}
				var wire []byte
				if out == pgtype.TextFormatCode {
					wire, err = EncodeText(make([]byte, 0, 8), tc.oid, stored)
				} else {
					wire, err = EncodeBinary(make([]byte, 0, 8), tc.oid, stored)
				}
				if err != nil {
					t.Errorf("%s: encode %v: %v", name, stored, err)
					continue
				}
				got := reflect.New(reflect.TypeOf(want))
				if err := m.Scan(tc.oid, out, wire, got.Interface()); err != nil {
					t.Errorf("%s: pgx scan %q (stored %v): %v", name, wire, stored, err)
					continue
				}
				if !sameValue(got.Elem().Interface(), want) {
					t.Errorf("%s: got %#v, want %#v (stored %v, wire %q)", name, got.Elem().Interface(), want, stored, wire)
				}
				// Binary formats must match pgx's bytes exactly, except
				// numeric's scale (see TestDecodeText) and arrays, where
				// pgx writes an empty array with one dimension of length 0.
				_, isArray := elemOf(tc.oid)
				if in == pgtype.BinaryFormatCode && out == pgtype.BinaryFormatCode && tc.oid != Numeric && !isArray && !bytes.Equal(param, wire) {
					t.Errorf("%s: binary %x, pgx wrote %x", name, wire, param)
				}
			}
		}
	}
}

// sameValue compares scanned values: times by instant, floats by bits
// (so -0 and NaN count), numerics by value. A numeric parameter that a
// float64 holds exactly is stored as REAL, so 1.50 comes back as 1.5.
func sameValue(got, want any) bool {
	switch w := want.(type) {
	case time.Time:
		return w.Equal(got.(time.Time))
	case []time.Time:
		g := got.([]time.Time)
		if len(g) != len(w) {
			return false
		}
		for i := range w {
			if !w[i].Equal(g[i]) {
				return false
			}
		}
		return true
	case float64:
		return math.Float64bits(w) == math.Float64bits(got.(float64)) || math.IsNaN(w) && math.IsNaN(got.(float64))
	case float32:
		return math.Float32bits(w) == math.Float32bits(got.(float32)) || w != w && got.(float32) != got.(float32)
	case pgtype.Numeric:
		return numericText(w) == numericText(got.(pgtype.Numeric))
	case []pgtype.Numeric:
		g := got.([]pgtype.Numeric)
		if len(g) != len(w) {
			return false
		}
		for i := range w {
			if numericText(w[i]) != numericText(g[i]) {
				return false
			}
		}
		return true
	case pgtype.Timestamptz:
		g := got.(pgtype.Timestamptz)
		return g.Valid == w.Valid && g.InfinityModifier == w.InfinityModifier && g.Time.Equal(w.Time)
	}
	return reflect.DeepEqual(got, want)
}

func numericText(n pgtype.Numeric) string {
	if !n.Valid || n.NaN || n.InfinityModifier != pgtype.Finite {
		v, _ := n.Value()
		return fmt.Sprint(v)
	}
	r := new(big.Rat).SetInt(n.Int)
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(n.Exp))), nil))
	if n.Exp < 0 {
		r.Quo(r, scale)
	} else {
		r.Mul(r, scale)
	}
	return r.RatString()
}

func abs(x int32) int32 {
	if x < 0 {
		return -x
	}
	return x
}
