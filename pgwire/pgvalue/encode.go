package pgvalue

import (
	"encoding/binary"
	"math"
	"strconv"

	"sqlraft/fsm"
	"sqlraft/pgwire/pgerror"
)

// errNull is returned for a NULL value: the protocol sends NULL as a
// length of -1, never through a format.
func errNull() *pgerror.Error {
	return pgerror.New(pgerror.InternalError, "pgvalue: NULL has no wire format")
}

// EncodeText appends PostgreSQL's text output of v as type t: what the
// server would send in a DataRow in text format. v must not be NULL.
//
// SQLite does not enforce declared types, so v may not be a value of t
// (text 'abc' in an integer column). EncodeText then writes v as its own
// storage class prints (FromKind): the stored text, the integer, the
// float, a blob as \x hex. It fails only for NULL.
func EncodeText(dst []byte, t uint32, v fsm.Value) ([]byte, error) {
	if v.IsNull() {
		return dst, errNull()
	}
	return encodeText(dst, t, v), nil
}

func encodeText(dst []byte, t uint32, v fsm.Value) []byte {
	switch t {
	case Text, Varchar, BPChar, Name, Unknown, JSON, JSONB:
		// The common case first; jsonb is sent as stored, without the
		// whitespace normalization PostgreSQL's jsonb applies.
		return appendOwnText(dst, v)
	case Int8, Int4, Int2, OID:
		if i, ok := asInt(v); ok {
			return strconv.AppendInt(dst, i, 10)
		}
	case Bool:
		if b, ok := asBool(v); ok {
			return appendBool(dst, b)
		}
	case Float8:
		if f, ok := asFloat(v); ok {
			return appendFloat(dst, f, 64)
		}
	case Float4:
		if f, ok := asFloat(v); ok {
			if f32 := float32(f); !math.IsInf(float64(f32), 0) || math.IsInf(f, 0) {
				return appendFloat(dst, float64(f32), 32)
			}
			return appendFloat(dst, f, 64) // too big for real: show it whole
		}
	case Numeric:
		if v.Kind() == fsm.KindInt {
			return strconv.AppendInt(dst, v.Int(), 10)
		}
		if d, ok := decimalOf(v); ok {
			return d.appendText(dst)
		}
	case Bytea:
		if v.Kind() == fsm.KindBlob {
			return appendHex(dst, v.Blob())
		}
		if v.Kind() == fsm.KindText {
			return appendHexString(dst, v.Text())
		}
		return appendHex(dst, appendOwnText(nil, v))
	case Timestamp, Timestamptz:
		if us, ok := timestampOf(v); ok {
			style := styleTimestamp
			if t == Timestamptz {
				style = styleTimestamptz
			}
			return appendTimestamp(dst, us, style)
		}
	case Date:
		if d, ok := dateOf(v); ok {
			return appendDateText(dst, d)
		}
	case Time:
		if us, ok := timeOf(v); ok {
			return appendClock(dst, us, 0)
		}
	case Interval:
		if v.Kind() == fsm.KindText {
			if iv, ok := parseInterval(v.Text()); ok {
				return iv.appendText(dst)
			}
		}
	case UUID:
		if u, ok := uuidOf(v); ok {
			return appendUUID(dst, u)
		}
	default:
		if elem, ok := elemOf(t); ok && v.Kind() == fsm.KindText {
			if s, err := normalizeArray(elem, v.Text()); err == nil {
				return append(dst, s...)
			}
		}
	}
	return appendOwnText(dst, v)
}

// BinarySupported reports whether EncodeBinary and DecodeParam handle the
// binary format of type t: bool, bytea, the integers, oid, the floats,
// numeric, the text types (whose binary format is their text), json,
// jsonb, uuid, date, time, timestamp, timestamptz, interval, and arrays
// of these. A client asking for another type in binary must be refused,
// so the caller reports such columns as text or answers with an error.
func BinarySupported(t uint32) bool {
	switch t {
	case Bool, Bytea, Char, Name, Int8, Int2, Int4, Text, OID, JSON, Float4, Float8, Unknown,
		BPChar, Varchar, Date, Time, Timestamp, Timestamptz, Interval, Numeric, UUID, JSONB:
		return true
	}
	elem, ok := elemOf(t)
	return ok && BinarySupported(elem)
}

// EncodeBinary appends PostgreSQL's binary format of v as type t (the
// typsend format: big-endian integers, IEEE floats, microseconds since
// 2000-01-01, base-10000 numeric digits, 16-byte uuids, jsonb with its
// version byte). v must not be NULL and t must be BinarySupported.
//
// Unlike text, a binary format cannot carry a value of another type, so
// a stored value that does not fit t is an error, a *pgerror.Error with
// PostgreSQL's message for converting it: 22P02 for text that is not a
// value of t (invalid input syntax for type integer: "abc"), 22003 for a
// number outside t's range (integer out of range), 22008 for a date or
// timestamp outside PostgreSQL's range; 0A000 for a type without binary
// support. The caller sends it as the statement's ErrorResponse.
func EncodeBinary(dst []byte, t uint32, v fsm.Value) ([]byte, error) {
	if v.IsNull() {
		return dst, errNull()
	}
	out, err := encodeBinary(dst, t, v)
	if err != nil {
		return dst, err
	}
	return out, nil
}

func encodeBinary(dst []byte, t uint32, v fsm.Value) ([]byte, *pgerror.Error) {
	switch t {
	case Text, Varchar, BPChar, Name, Unknown, Char, JSON:
		return appendOwnText(dst, v), nil
	case JSONB:
		return appendOwnText(append(dst, 1), v), nil
	case Int8, Int4, Int2, OID:
		i, err := intFor(t, v)
		if err != nil {
			return dst, err
		}
		switch t {
		case Int8:
			return binary.BigEndian.AppendUint64(dst, uint64(i)), nil
		case Int2:
			return binary.BigEndian.AppendUint16(dst, uint16(i)), nil
		}
		return binary.BigEndian.AppendUint32(dst, uint32(i)), nil
	case Bool:
		b, ok := asBool(v)
		if !ok {
			return dst, mismatch(errSyntax(t, ownText(v)))
		}
		if b {
			return append(dst, 1), nil
		}
		return append(dst, 0), nil
	case Float8:
		f, ok := asFloat(v)
		if !ok {
			return dst, mismatch(errSyntax(t, ownText(v)))
		}
		return binary.BigEndian.AppendUint64(dst, math.Float64bits(f)), nil
	case Float4:
		f, ok := asFloat(v)
		if !ok {
			return dst, mismatch(errSyntax(t, ownText(v)))
		}
		f32 := float32(f)
		if math.IsInf(float64(f32), 0) && !math.IsInf(f, 0) {
			return dst, mismatch(errOverflow(t))
		}
		return binary.BigEndian.AppendUint32(dst, math.Float32bits(f32)), nil
	case Numeric:
		d, ok := decimalOf(v)
		if !ok {
			return dst, mismatch(errSyntax(t, ownText(v)))
		}
		return d.appendBinary(dst), nil
	case Bytea:
		return appendBytes(dst, v), nil
	case UUID:
		u, ok := uuidOf(v)
		if !ok {
			return dst, mismatch(errSyntax(t, ownText(v)))
		}
		return append(dst, u[:]...), nil
	case Timestamp, Timestamptz:
		us, ok := timestampOf(v)
		if !ok {
			return dst, mismatch(datetimeError(t, v))
		}
		return binary.BigEndian.AppendUint64(dst, uint64(us)), nil
	case Date:
		d, ok := dateOf(v)
		if !ok {
			return dst, mismatch(datetimeError(t, v))
		}
		return binary.BigEndian.AppendUint32(dst, uint32(d)), nil
	case Time:
		us, ok := timeOf(v)
		if !ok {
			return dst, mismatch(datetimeError(t, v))
		}
		return binary.BigEndian.AppendUint64(dst, uint64(us)), nil
	case Interval:
		iv, ok := interval{}, false
		if v.Kind() == fsm.KindText {
			iv, ok = parseInterval(v.Text())
		}
		if !ok {
			return dst, mismatch(errDatetime(t, ownText(v)))
		}
		dst = binary.BigEndian.AppendUint64(dst, uint64(iv.usec))
		dst = binary.BigEndian.AppendUint32(dst, uint32(iv.days))
		return binary.BigEndian.AppendUint32(dst, uint32(iv.months)), nil
	}
	if elem, ok := elemOf(t); ok && BinarySupported(elem) {
		return appendArrayBinary(dst, t, elem, v)
	}
	return dst, errNoBinary(t)
}

// intFor reads v as an integer of type t, or says why it is not one.
func intFor(t uint32, v fsm.Value) (int64, *pgerror.Error) {
	i, ok := asInt(v)
	if !ok {
		if v.Kind() == fsm.KindText {
			if _, _, overflow := parseInt(v.Text()); overflow {
				return 0, mismatch(errRange(Int8, v.Text()))
			}
		}
		if v.Kind() == fsm.KindFloat && !math.IsNaN(v.Float()) && v.Float() == math.Trunc(v.Float()) {
			return 0, mismatch(errOverflow(t))
		}
		return 0, mismatch(errSyntax(t, ownText(v)))
	}
	if lo, hi := intRange(t); i < lo || i > hi {
		return 0, mismatch(errOverflow(t))
	}
	return i, nil
}
