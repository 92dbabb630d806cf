package fsm

import (
	"bytes"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Kind is the SQLite storage class of a Value.
type Kind uint8

const (
	KindNull Kind = iota
	KindInt
	KindFloat
	KindText
	KindBlob
)

func (k Kind) String() string {
	switch k {
	case KindNull:
		return "null"
	case KindInt:
		return "integer"
	case KindFloat:
		return "real"
	case KindText:
		return "text"
	case KindBlob:
		return "blob"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// Value is one SQL value: a statement parameter or a result column. The zero
// Value is NULL. Booleans have no storage class in SQLite and are integers
// (BoolValue).
type Value struct {
	kind Kind
	i    int64 // KindInt
	f    float64
	s    string // KindText
	b    []byte // KindBlob, never nil
}

func IntValue(i int64) Value     { return Value{kind: KindInt, i: i} }
func FloatValue(f float64) Value { return Value{kind: KindFloat, f: f} }
func TextValue(s string) Value   { return Value{kind: KindText, s: s} }

// BlobValue is a blob; a nil slice is the empty blob, not NULL.
func BlobValue(b []byte) Value {
	if b == nil {
		b = []byte{}
	}
	return Value{kind: KindBlob, b: b}
}

// BoolValue is 1 or 0, the way SQLite stores booleans.
func BoolValue(v bool) Value {
	if v {
		return IntValue(1)
	}
	return IntValue(0)
}

// ValueOf converts a Go value: nil, bool, the integer types (unsigned ones
// up to math.MaxInt64), float32/64, string, []byte, and time.Time (stored as
// text, see timeText).
func ValueOf(v any) (Value, error) {
	switch x := v.(type) {
	case nil:
		return Value{}, nil
	case Value:
		return x, nil
	case bool:
		return BoolValue(x), nil
	case int:
		return IntValue(int64(x)), nil
	case int8:
		return IntValue(int64(x)), nil
	case int16:
		return IntValue(int64(x)), nil
	case int32:
		return IntValue(int64(x)), nil
	case int64:
		return IntValue(x), nil
	case uint8:
		return IntValue(int64(x)), nil
	case uint16:
		return IntValue(int64(x)), nil
	case uint32:
		return IntValue(int64(x)), nil
	case uint:
		return unsignedValue(uint64(x))
	case uint64:
		return unsignedValue(x)
	case float32:
		return FloatValue(float64(x)), nil
	case float64:
		return FloatValue(x), nil
	case string:
		return TextValue(x), nil
	case []byte:
		return BlobValue(bytes.Clone(x)), nil
	case time.Time:
		return TextValue(timeText(x)), nil
	}
	return Value{}, fmt.Errorf("fsm: cannot use %T as an SQL value", v)
}

func unsignedValue(u uint64) (Value, error) {
	if u > math.MaxInt64 {
		return Value{}, fmt.Errorf("fsm: %d overflows a 64-bit SQL integer", u)
	}
	return IntValue(int64(u)), nil
}

// timeText renders a time the way SQLite's own date functions write it,
// with the offset only when it is not UTC.
func timeText(t time.Time) string {
	if _, off := t.Zone(); off == 0 {
		return t.UTC().Format("2006-01-02 15:04:05.999999999")
	}
	return t.Format("2006-01-02 15:04:05.999999999-07:00")
}

func (v Value) Kind() Kind     { return v.kind }
func (v Value) IsNull() bool   { return v.kind == KindNull }
func (v Value) Int() int64     { return v.i }
func (v Value) Float() float64 { return v.f }
func (v Value) Text() string   { return v.s }
func (v Value) Blob() []byte   { return v.b }

// Any is the value as database/sql hands it over: nil, int64, float64,
// string or []byte.
func (v Value) Any() any {
	switch v.kind {
	case KindInt:
		return v.i
	case KindFloat:
		return v.f
	case KindText:
		return v.s
	case KindBlob:
		return v.b
	}
	return nil
}

// String is the value as an SQL literal, for logs and test output.
func (v Value) String() string {
	switch v.kind {
	case KindInt:
		return strconv.FormatInt(v.i, 10)
	case KindFloat:
		format := byte('f')
		if a := math.Abs(v.f); a != 0 && (a < 1e-4 || a >= 1e21) {
			format = 'g'
		}
		s := strconv.FormatFloat(v.f, format, -1, 64)
		if !bytes.ContainsAny([]byte(s), ".eEnN") {
			s += ".0"
		}
		return s
	case KindText:
		return "'" + string(bytes.ReplaceAll([]byte(v.s), []byte("'"), []byte("''"))) + "'"
	case KindBlob:
		return fmt.Sprintf("X'%X'", v.b)
	}
	return "NULL"
}

// Equal reports whether two values have the same storage class and the same
// bits.
func (v Value) Equal(w Value) bool {
	if v.kind != w.kind {
		return false
	}
	switch v.kind {
	case KindInt:
		return v.i == w.i
	case KindFloat:
		return math.Float64bits(v.f) == math.Float64bits(w.f)
	case KindText:
		return v.s == w.s
	case KindBlob:
		return bytes.Equal(v.b, w.b)
	}
	return true
}

// fromDriver converts what the SQLite driver returns for a column. The
// driver turns TEXT in columns declared DATE, DATETIME or TIMESTAMP into
// time.Time; it becomes text again here (the original spelling, e.g. a 'T'
// separator, is lost; the instant is not).
func fromDriver(v any) Value {
	switch x := v.(type) {
	case int64:
		return IntValue(x)
	case float64:
		return FloatValue(x)
	case string:
		return TextValue(x)
	case []byte:
		return BlobValue(bytes.Clone(x))
	case time.Time:
		return TextValue(timeText(x))
	case bool:
		return BoolValue(x)
	}
	return Value{}
}
