package pgvalue

import (
	"encoding/binary"
	"encoding/json"
	"math"

	"sqlraft/fsm"
	"sqlraft/pgwire/pgerror"
)

// DecodeParam reads a Bind parameter of type t in format (0 text, 1
// binary) into the storage class SQLite should keep it in: integers and
// booleans (1/0) as INTEGER; floats as REAL; numeric as INTEGER when
// integral, REAL when a float64 holds it exactly, TEXT otherwise; bytea as
// BLOB; timestamps, dates and times as text in SQLite's shape (see
// decodeDateTimeText; timestamptz converted to UTC and stored without an
// offset); uuid as lower-case canonical text; intervals and arrays as
// PostgreSQL prints them; json, jsonb and the text types as TEXT. NaN is
// stored as the text NaN, because SQLite turns a NaN REAL into NULL.
//
// nil data is NULL. t 0 is a parameter whose type nobody declared: its
// text stays TEXT (SQLite's column affinity converts it on insert; see
// Coerce), and its binary form cannot be read. Errors are *pgerror.Error
// with PostgreSQL's SQLSTATE and message for the same input: 22P02 and
// 22003 for bad numbers, 22007 and 22008 for bad dates, 22021 for text
// that is not UTF-8, 22P03 for malformed binary data.
func DecodeParam(t uint32, format int16, data []byte) (fsm.Value, error) {
	if data == nil {
		return fsm.Value{}, nil
	}
	var (
		v   fsm.Value
		err *pgerror.Error
	)
	switch format {
	case 0:
		v, err = decodeText(t, string(data))
	case 1:
		v, err = decodeBinary(t, data)
	default:
		err = pgerror.New(pgerror.ProtocolViolation, "unsupported format code: %d", format)
	}
	if err != nil {
		return fsm.Value{}, err
	}
	return v, nil
}

func decodeText(t uint32, s string) (fsm.Value, *pgerror.Error) {
	if err := checkText(s); err != nil {
		return fsm.Value{}, err
	}
	switch t {
	case Int8, Int4, Int2, OID:
		i, ok, overflow := parseInt(s)
		if t == OID && ok && i < 0 && i >= math.MinInt32 {
			i += 1 << 32 // oidin reads -1 as 4294967295
		}
		lo, hi := intRange(t)
		switch {
		case overflow || ok && (i < lo || i > hi):
			return fsm.Value{}, errRange(t, s)
		case !ok:
			return fsm.Value{}, errSyntax(t, s)
		}
		return fsm.IntValue(i), nil
	case Float8, Float4:
		bits := 64
		if t == Float4 {
			bits = 32
		}
		f, ok, overflow := parseFloat(s, bits)
		switch {
		case overflow:
			return fsm.Value{}, errRange(t, s)
		case !ok:
			return fsm.Value{}, errSyntax(t, s)
		}
		if t == Float4 {
			f = float4Value(float32(f))
		}
		return floatValue(f), nil
	case Numeric:
		d, ok := parseNumeric(s)
		if !ok {
			return fsm.Value{}, errSyntax(t, s)
		}
		return d.value(), nil
	case Bool:
		b, ok := parseBool(s)
		if !ok {
			return fsm.Value{}, errSyntax(t, s)
		}
		return fsm.BoolValue(b), nil
	case Bytea:
		b, err := parseBytea(s)
		if err != nil {
			return fsm.Value{}, err
		}
		return fsm.BlobValue(b), nil
	case Timestamp, Timestamptz, Date, Time:
		return decodeDateTimeText(t, s)
	case UUID:
		u, ok := parseUUID(s)
		if !ok {
			return fsm.Value{}, errSyntax(t, s)
		}
		return fsm.TextValue(string(appendUUID(nil, u))), nil
	case JSON, JSONB:
		if !json.Valid([]byte(s)) {
			return fsm.Value{}, pgerror.New(pgerror.InvalidTextRepresentation, "invalid input syntax for type %s", typeName(t))
		}
	case Interval:
		// Normalized when understood; PostgreSQL's interval input has more
		// forms than parseInterval reads, so the rest is kept as sent.
		if iv, ok := parseInterval(s); ok {
			return fsm.TextValue(string(iv.appendText(nil))), nil
		}
	default:
		if elem, ok := elemOf(t); ok {
			a, err := normalizeArray(elem, s)
			if err != nil {
				return fsm.Value{}, err
			}
			return fsm.TextValue(a), nil
		}
	}
	return fsm.TextValue(s), nil
}

// floatValue stores a float, keeping NaN as text (SQLite binds a NaN as
// NULL).
func floatValue(f float64) fsm.Value {
	if math.IsNaN(f) {
		return fsm.TextValue("NaN")
	}
	return fsm.FloatValue(f)
}

func be16(b []byte) uint16 { return binary.BigEndian.Uint16(b) }
func be32(b []byte) uint32 { return binary.BigEndian.Uint32(b) }
func be64(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

// fixedSize is the length of the binary formats that have one.
var fixedSize = map[uint32]int{Bool: 1, Int2: 2, Int4: 4, Int8: 8, OID: 4, Float4: 4, Float8: 8, UUID: 16, Interval: 16}

func decodeBinary(t uint32, b []byte) (fsm.Value, *pgerror.Error) {
	if n, ok := fixedSize[t]; ok && len(b) != n {
		return fsm.Value{}, errBinaryLength(t, n, len(b))
	}
	switch t {
	case 0:
		return fsm.Value{}, pgerror.New(pgerror.IndeterminateDatatype, "could not determine data type of a parameter sent in binary format")
	case Bool:
		return fsm.BoolValue(b[0] != 0), nil
	case Int2:
		return fsm.IntValue(int64(int16(be16(b)))), nil
	case Int4:
		return fsm.IntValue(int64(int32(be32(b)))), nil
	case Int8:
		return fsm.IntValue(int64(be64(b))), nil
	case OID:
		return fsm.IntValue(int64(be32(b))), nil
	case Float4:
		return floatValue(float4Value(math.Float32frombits(be32(b)))), nil
	case Float8:
		return floatValue(math.Float64frombits(be64(b))), nil
	case Numeric:
		d, err := decodeNumericBinary(b)
		if err != nil {
			return fsm.Value{}, err
		}
		return d.value(), nil
	case Bytea:
		return fsm.BlobValue(append([]byte{}, b...)), nil
	case Text, Varchar, BPChar, Name, Unknown, Char, JSON:
		// The binary format of the text types is the text itself.
		return decodeText(t, string(b))
	case JSONB:
		if len(b) == 0 || b[0] != 1 {
			return fsm.Value{}, errBinary(t, "unsupported jsonb version")
		}
		return decodeText(t, string(b[1:]))
	case UUID:
		return fsm.TextValue(string(appendUUID(nil, [16]byte(b)))), nil
	case Date, Time, Timestamp, Timestamptz:
		return decodeDateTimeBinary(t, b)
	case Interval:
		iv := interval{usec: int64(be64(b)), days: int32(be32(b[8:])), months: int32(be32(b[12:]))}
		return fsm.TextValue(string(iv.appendText(nil))), nil
	}
	if elem, ok := elemOf(t); ok && BinarySupported(elem) {
		s, err := decodeArrayBinary(t, elem, b)
		if err != nil {
			return fsm.Value{}, err
		}
		return fsm.TextValue(s), nil
	}
	return fsm.Value{}, errNoBinary(t)
}
