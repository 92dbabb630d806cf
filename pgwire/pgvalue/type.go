package pgvalue

import (
	"strconv"
	"strings"

	"sqlraft/fsm"
	"sqlraft/pgwire/dialect"
)

// Type is a column's or parameter's type as a RowDescription reports it.
type Type struct {
	OID uint32
	// Size is pg_type.typlen: 4 for int4, 8 for timestamp, -1 for
	// variable-length types.
	Size int16
	// Modifier is the type modifier (atttypmod): the length plus 4 for
	// varchar(n) and char(n), ((precision<<16)|scale)+4 for numeric(p,s),
	// the precision for time, timestamp and interval; -1 when there is none.
	Modifier int32
	// Name is PostgreSQL's name for the type without modifiers, as
	// format_type prints it and error messages use it: "integer",
	// "character varying", "timestamp with time zone", "text[]".
	Name string
}

// typeInfo describes one built-in type.
type typeInfo struct {
	name string
	size int16
	elem uint32 // the element type of an array type, else 0
}

var types = map[uint32]typeInfo{
	Bool:         {"boolean", 1, 0},
	Bytea:        {"bytea", -1, 0},
	Char:         {`"char"`, 1, 0},
	Name:         {"name", 64, 0},
	Int8:         {"bigint", 8, 0},
	Int2:         {"smallint", 2, 0},
	Int4:         {"integer", 4, 0},
	RegProc:      {"regproc", 4, 0},
	Text:         {"text", -1, 0},
	OID:          {"oid", 4, 0},
	JSON:         {"json", -1, 0},
	XML:          {"xml", -1, 0},
	CIDR:         {"cidr", -1, 0},
	Float4:       {"real", 4, 0},
	Float8:       {"double precision", 8, 0},
	Unknown:      {"unknown", -2, 0},
	Macaddr:      {"macaddr", 6, 0},
	Inet:         {"inet", -1, 0},
	BPChar:       {"character", -1, 0},
	Varchar:      {"character varying", -1, 0},
	Date:         {"date", 4, 0},
	Time:         {"time without time zone", 8, 0},
	Timestamp:    {"timestamp without time zone", 8, 0},
	Timestamptz:  {"timestamp with time zone", 8, 0},
	Interval:     {"interval", 16, 0},
	Timetz:       {"time with time zone", 12, 0},
	Bit:          {"bit", -1, 0},
	Varbit:       {"bit varying", -1, 0},
	Numeric:      {"numeric", -1, 0},
	RegClass:     {"regclass", 4, 0},
	RegType:      {"regtype", 4, 0},
	UUID:         {"uuid", 16, 0},
	JSONB:        {"jsonb", -1, 0},
	RegNamespace: {"regnamespace", 4, 0},
	RegRole:      {"regrole", 4, 0},

	JSONArray:        {"json[]", -1, JSON},
	BoolArray:        {"boolean[]", -1, Bool},
	ByteaArray:       {"bytea[]", -1, Bytea},
	CharArray:        {`"char"[]`, -1, Char},
	NameArray:        {"name[]", -1, Name},
	Int2Array:        {"smallint[]", -1, Int2},
	Int4Array:        {"integer[]", -1, Int4},
	TextArray:        {"text[]", -1, Text},
	BPCharArray:      {"character[]", -1, BPChar},
	VarcharArray:     {"character varying[]", -1, Varchar},
	Int8Array:        {"bigint[]", -1, Int8},
	Float4Array:      {"real[]", -1, Float4},
	Float8Array:      {"double precision[]", -1, Float8},
	OIDArray:         {"oid[]", -1, OID},
	TimestampArray:   {"timestamp without time zone[]", -1, Timestamp},
	DateArray:        {"date[]", -1, Date},
	TimeArray:        {"time without time zone[]", -1, Time},
	TimestamptzArray: {"timestamp with time zone[]", -1, Timestamptz},
	IntervalArray:    {"interval[]", -1, Interval},
	NumericArray:     {"numeric[]", -1, Numeric},
	UUIDArray:        {"uuid[]", -1, UUID},
	JSONBArray:       {"jsonb[]", -1, JSONB},
}

// byName maps canonical names back to OIDs.
var byName = func() map[string]uint32 {
	m := make(map[string]uint32, len(types)+1)
	for oid, t := range types {
		m[t.name] = oid
	}
	// citext has no built-in OID; it compares case-insensitively but
	// reads and writes as text.
	m["citext"] = Text
	return m
}()

// ByOID returns the built-in type with this OID, without a modifier.
func ByOID(oid uint32) (Type, bool) {
	t, ok := types[oid]
	if !ok {
		return Type{}, false
	}
	return Type{OID: oid, Size: t.size, Modifier: -1, Name: t.name}, true
}

// typeName is the name error messages use for the type.
func typeName(oid uint32) string {
	if t, ok := types[oid]; ok {
		return t.name
	}
	return "oid " + strconv.FormatUint(uint64(oid), 10)
}

// elemOf returns the element type of an array type.
func elemOf(oid uint32) (uint32, bool) {
	t := types[oid]
	return t.elem, t.elem != 0
}

// FromCanonical returns the type PostgreSQL calls name, in the spelling
// dialect.CanonicalType returns: "integer", "character varying",
// "timestamp with time zone", "text[]". Other spellings of a known type
// ("int4", "varchar") are accepted too.
func FromCanonical(name string) (Type, bool) {
	oid, ok := byName[name]
	if !ok {
		if oid, ok = byName[dialect.CanonicalType(name)]; !ok {
			return Type{}, false
		}
	}
	return ByOID(oid)
}

// sqliteNames are declared types that SQLite's documentation and SQLite
// schemas use but PostgreSQL does not know, each with its nearest
// PostgreSQL type. Keys are lower case, without modifiers.
var sqliteNames = map[string]uint32{
	"tinyint":           Int2,
	"mediumint":         Int4,
	"unsigned big int":  Int8,
	"big int":           Int8,
	"nvarchar":          Varchar,
	"varying character": Varchar,
	"native character":  BPChar,
	"clob":              Text,
	"string":            Text,
	"blob":              Bytea,
	"double":            Float8,
	"datetime":          Timestamp,
	"number":            Numeric,
}

// FromDecl returns the type of a column from its declared type in SQLite,
// which the translator writes in PostgreSQL's words with the modifier at
// the end ("character varying(20)", "timestamp with time zone(3)",
// "numeric(10,2)", "text array"). Declared types SQLite users write
// (CLOB, BLOB, DATETIME, TINYINT, ...) map to the nearest PostgreSQL type.
// It returns false for "" and for names it does not know (user types,
// enums), and the caller types the column by its values (FromKind).
//
// Two upper-case spellings are special. "INTEGER" is what the translator
// declares for serial and identity primary keys (SQLite's rowid alias,
// which holds any 64-bit value) and is int8 here; the key's PostgreSQL
// type is in a marker in its table's CREATE text (dialect.ColumnMarkers),
// which the session and the catalog read by table; "REAL" is likewise float8,
// SQLite's 8-byte REAL. SQLite (3.37 and later) stores its standard type
// names (INT, INTEGER, REAL, TEXT, BLOB, ANY) upper case whatever case
// they were written in, so the translator declares PostgreSQL's integer
// and real as "int4" and "float4", which SQLite keeps as written and
// database/sql drivers report as "INT4" and "FLOAT4": int4 and float4
// here. A lower-case "integer" or "real" (declared before that) is still
// int4 or float4.
func FromDecl(decl string) (Type, bool) {
	decl = strings.TrimSpace(decl)
	switch decl {
	case "":
		return Type{}, false
	case "INTEGER":
		return ByOID(Int8)
	case "REAL":
		return ByOID(Float8)
	case `"char"`:
		// Quoted, PostgreSQL's one-byte internal type (pg_class.relkind
		// and the catalog's other flags); unquoted char is character(1).
		return ByOID(Char)
	}
	base, mods := splitModifiers(decl)
	var t Type
	if oid, ok := sqliteNames[strings.ToLower(strings.Join(strings.Fields(base), " "))]; ok {
		t, _ = ByOID(oid)
	} else {
		name := dialect.CanonicalType(decl)
		if name == "" {
			// CanonicalType does not read a modifier after ARRAY
			// ("character varying array(20)", as the translator writes
			// varchar(20)[]); the modifier does not change the type.
			name = dialect.CanonicalType(base)
		}
		var ok bool
		if t, ok = FromCanonical(name); !ok {
			return Type{}, false
		}
	}
	t.Modifier = modifier(t.OID, mods)
	return t, true
}

// splitModifiers cuts "numeric(10,2)" into "numeric" and [10 2], and
// "timestamp(3) with time zone" into its words and [3]. Modifiers that
// are not integers make mods nil.
func splitModifiers(decl string) (base string, mods []int) {
	open := strings.IndexByte(decl, '(')
	if open < 0 {
		return decl, nil
	}
	end := strings.IndexByte(decl[open:], ')')
	if end < 0 {
		return decl, nil
	}
	end += open
	for _, f := range strings.Split(decl[open+1:end], ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil {
			return decl[:open] + decl[end+1:], nil
		}
		mods = append(mods, n)
	}
	return decl[:open] + decl[end+1:], mods
}

// modifier encodes type modifiers the way PostgreSQL stores atttypmod.
func modifier(oid uint32, mods []int) int32 {
	if elem, ok := elemOf(oid); ok {
		oid = elem
	}
	switch oid {
	case Varchar, BPChar:
		if len(mods) == 1 && mods[0] > 0 {
			return int32(mods[0]) + 4
		}
		if oid == BPChar && mods == nil {
			return 1 + 4 // a column declared character is character(1)
		}
	case Numeric:
		switch {
		case len(mods) == 1 && mods[0] > 0:
			return int32(mods[0]<<16) + 4
		case len(mods) == 2 && mods[0] > 0:
			return int32(mods[0]<<16|mods[1]&0x7ff) + 4
		}
	case Time, Timetz, Timestamp, Timestamptz, Interval:
		if len(mods) == 1 && mods[0] >= 0 && mods[0] <= 6 {
			return int32(mods[0])
		}
	case Bit, Varbit:
		if len(mods) == 1 && mods[0] > 0 {
			return int32(mods[0])
		}
	}
	return -1
}

// FromKind types an expression column by the storage class of its value,
// the way SQLite itself sees it: integers are int8, reals float8, blobs
// bytea, and text and NULL text.
func FromKind(k fsm.Kind) Type {
	oid := Text
	switch k {
	case fsm.KindInt:
		oid = Int8
	case fsm.KindFloat:
		oid = Float8
	case fsm.KindBlob:
		oid = Bytea
	}
	t, _ := ByOID(oid)
	return t
}
