package pgvalue

import (
	"testing"
)

// fuzzTypes are the types FuzzDecodeParam picks from.
var fuzzTypes = []uint32{
	0, Bool, Bytea, Char, Name, Int8, Int2, Int4, Text, OID, JSON, Float4, Float8, Unknown,
	BPChar, Varchar, Date, Time, Timestamp, Timestamptz, Interval, Timetz, Numeric, UUID, JSONB,
	RegClass, TextArray, Int4Array, Int8Array, NumericArray, TimestamptzArray, BoolArray, ByteaArray,
}

// FuzzDecodeParam feeds arbitrary parameters to DecodeParam. It must
// never panic, and a value it accepts must encode in both formats without
// panicking and read back to itself from its text output.
func FuzzDecodeParam(f *testing.F) {
	seeds := []struct {
		sel    uint8
		binary bool
		data   string
	}{
		{5, false, "42"}, {5, true, "\x00\x00\x00\x00\x00\x00\x00\x2a"},
		{22, false, "1.50e3"}, {22, true, "\x00\x02\x00\x00\x00\x00\x00\x02\x00\x01\x13\x88"},
		{19, false, "2024-01-02 03:04:05.123456+05:30"}, {19, true, "\x00\x02\xd9\x5b\x3c\x5a\xb2\x00"},
		{16, false, "2024-01-02"}, {17, false, "24:00:00"}, {20, false, "1 year 2 mons -3 days +04:05:06.5"},
		{26, false, `{"a b",NULL,c}`}, {27, false, "[0:1]={{1,2},{3,4}}"}, {2, false, `\x00ff`},
		{23, false, "{A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11}"}, {24, true, "\x01{}"}, {1, false, " yes "},
		{12, false, "-Infinity"}, {11, false, "1e-40"}, {26, true, "\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00\x19\x00\x00\x00\x02\x00\x00\x00\x01\xff\xff\xff\xff\x00\x00\x00\x01x"},
	}
	for _, s := range seeds {
		f.Add(s.sel, s.binary, []byte(s.data))
	}
	f.Fuzz(func(t *testing.T, sel uint8, binaryFormat bool, data []byte) {
		typ := fuzzTypes[int(sel)%len(fuzzTypes)]
		format := int16(0)
		if binaryFormat {
			format = 1
		}
		v, err := DecodeParam(typ, format, data)
		if err != nil || v.IsNull() {
			return
		}
		text, err := EncodeText([]byte{}, typ, v) // not nil: nil is NULL
		if err != nil {
			t.Fatalf("EncodeText(%s, %v): %v", typeName(typ), v, err)
		}
		if BinarySupported(typ) {
			_, _ = EncodeBinary(nil, typ, v)
		}
		again, err := DecodeParam(typ, 0, text)
		if err != nil {
			t.Fatalf("%s: %q decoded to %v, printed as %q, which does not decode: %v", typeName(typ), data, v, text, err)
		}
		if !again.Equal(v) {
			t.Fatalf("%s: %q decoded to %v, printed as %q, decoded again to %v", typeName(typ), data, v, text, again)
		}
	})
}
