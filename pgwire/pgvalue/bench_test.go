package pgvalue

import (
	"testing"

	"sqlraft/fsm"
)

// The encoders run once per value of every result row; with a buffer
// that has room they must not allocate.

func benchEncode(b *testing.B, enc func([]byte, uint32, fsm.Value) ([]byte, error), t uint32, v fsm.Value) {
	buf := make([]byte, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		out, err := enc(buf[:0], t, v)
		if err != nil || len(out) == 0 {
			b.Fatal(err)
		}
	}
}

func BenchmarkEncodeTextInt8(b *testing.B) {
	benchEncode(b, EncodeText, Int8, fsm.IntValue(1234567890))
}
func BenchmarkEncodeBinaryInt8(b *testing.B) {
	benchEncode(b, EncodeBinary, Int8, fsm.IntValue(1234567890))
}
func BenchmarkEncodeTextText(b *testing.B) {
	benchEncode(b, EncodeText, Text, fsm.TextValue("alice@example.com"))
}
func BenchmarkEncodeBinaryText(b *testing.B) {
	benchEncode(b, EncodeBinary, Text, fsm.TextValue("alice@example.com"))
}
func BenchmarkEncodeTextFloat8(b *testing.B) {
	benchEncode(b, EncodeText, Float8, fsm.FloatValue(3.14159))
}
func BenchmarkEncodeTextTimestamptz(b *testing.B) {
	benchEncode(b, EncodeText, Timestamptz, fsm.TextValue("2024-05-01 12:34:56.789"))
}
func BenchmarkEncodeBinaryTimestamptz(b *testing.B) {
	benchEncode(b, EncodeBinary, Timestamptz, fsm.TextValue("2024-05-01 12:34:56.789"))
}

// TestEncodeAllocs keeps the hot paths allocation-free.
func TestEncodeAllocs(t *testing.T) {
	buf := make([]byte, 0, 64)
	tests := []struct {
		name string
		enc  func([]byte, uint32, fsm.Value) ([]byte, error)
		typ  uint32
		v    fsm.Value
	}{
		{"text int8", EncodeText, Int8, fsm.IntValue(-1234567890)},
		{"binary int8", EncodeBinary, Int8, fsm.IntValue(-1234567890)},
		{"binary int4", EncodeBinary, Int4, fsm.IntValue(42)},
		{"text text", EncodeText, Text, fsm.TextValue("alice@example.com")},
		{"binary text", EncodeBinary, Text, fsm.TextValue("alice@example.com")},
		{"text bool", EncodeText, Bool, fsm.IntValue(1)},
		{"text float8", EncodeText, Float8, fsm.FloatValue(1e-7)},
		{"text float8 dyadic", EncodeText, Float8, fsm.FloatValue(3.5)},
		{"text float8 integral", EncodeText, Float8, fsm.FloatValue(1e20)},
		{"text float4", EncodeText, Float4, fsm.FloatValue(0.1)},
		{"binary float8", EncodeBinary, Float8, fsm.FloatValue(3.5)},
		{"text timestamptz", EncodeText, Timestamptz, fsm.TextValue("2024-05-01 12:34:56.789")},
		{"binary timestamptz", EncodeBinary, Timestamptz, fsm.TextValue("2024-05-01 12:34:56.789")},
	}
	for _, tt := range tests {
		allocs := testing.AllocsPerRun(100, func() {
			if _, err := tt.enc(buf[:0], tt.typ, tt.v); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations", tt.name, allocs)
		}
	}
}
