package pgvalue

import (
	"testing"

	"sqlraft/fsm"
)

func TestFromDecl(t *testing.T) {
	tests := []struct {
		decl string
		want Type
	}{
		// What the translator writes for PostgreSQL's types.
		{"integer", Type{Int4, 4, -1, "integer"}},
		{"int", Type{Int4, 4, -1, "integer"}},
		{"int4", Type{Int4, 4, -1, "integer"}},
		{"serial", Type{Int4, 4, -1, "integer"}},
		{"bigint", Type{Int8, 8, -1, "bigint"}},
		{"int8", Type{Int8, 8, -1, "bigint"}},
		{"bigserial", Type{Int8, 8, -1, "bigint"}},
		{"smallint", Type{Int2, 2, -1, "smallint"}},
		{"varchar(20)", Type{Varchar, -1, 24, "character varying"}},
		{"character varying(20)", Type{Varchar, -1, 24, "character varying"}},
		{"character varying", Type{Varchar, -1, -1, "character varying"}},
		{"char(3)", Type{BPChar, -1, 7, "character"}},
		{"character", Type{BPChar, -1, 5, "character"}}, // character means character(1)
		{`"char"`, Type{Char, 1, -1, `"char"`}},
		{"text", Type{Text, -1, -1, "text"}},
		{"name", Type{Name, 64, -1, "name"}},
		{"numeric(10,2)", Type{Numeric, -1, (10<<16 | 2) + 4, "numeric"}},
		{"numeric(10)", Type{Numeric, -1, 10<<16 + 4, "numeric"}},
		{"decimal", Type{Numeric, -1, -1, "numeric"}},
		{"bool", Type{Bool, 1, -1, "boolean"}},
		{"boolean", Type{Bool, 1, -1, "boolean"}},
		{"real", Type{Float4, 4, -1, "real"}},
		{"float4", Type{Float4, 4, -1, "real"}},
		{"double precision", Type{Float8, 8, -1, "double precision"}},
		{"float", Type{Float8, 8, -1, "double precision"}},
		{"float(10)", Type{Float4, 4, -1, "real"}},
		{"timestamp", Type{Timestamp, 8, -1, "timestamp without time zone"}},
		{"timestamp(3)", Type{Timestamp, 8, 3, "timestamp without time zone"}},
		{"timestamp with time zone(3)", Type{Timestamptz, 8, 3, "timestamp with time zone"}},
		{"timestamp(3) with time zone", Type{Timestamptz, 8, 3, "timestamp with time zone"}},
		{"timestamptz", Type{Timestamptz, 8, -1, "timestamp with time zone"}},
		{"time", Type{Time, 8, -1, "time without time zone"}},
		{"time with time zone", Type{Timetz, 12, -1, "time with time zone"}},
		{"date", Type{Date, 4, -1, "date"}},
		{"interval", Type{Interval, 16, -1, "interval"}},
		{"uuid", Type{UUID, 16, -1, "uuid"}},
		{"json", Type{JSON, -1, -1, "json"}},
		{"jsonb", Type{JSONB, -1, -1, "jsonb"}},
		{"bytea", Type{Bytea, -1, -1, "bytea"}},
		{"oid", Type{OID, 4, -1, "oid"}},
		{"regclass", Type{RegClass, 4, -1, "regclass"}},
		{"text array", Type{TextArray, -1, -1, "text[]"}},
		{"text[]", Type{TextArray, -1, -1, "text[]"}},
		{"integer array", Type{Int4Array, -1, -1, "integer[]"}},
		{"bigint array", Type{Int8Array, -1, -1, "bigint[]"}},
		{"character varying array(20)", Type{VarcharArray, -1, 24, "character varying[]"}},
		{"varchar array(20)", Type{VarcharArray, -1, 24, "character varying[]"}},
		{"int4 array", Type{Int4Array, -1, -1, "integer[]"}},
		{"float4 array", Type{Float4Array, -1, -1, "real[]"}},
		{"float array(10)", Type{Float4Array, -1, -1, "real[]"}},
		{"timestamp with time zone array(3)", Type{TimestamptzArray, -1, 3, "timestamp with time zone[]"}},
		{"float8", Type{Float8, 8, -1, "double precision"}},
		{"pg_catalog.int8", Type{Int8, 8, -1, "bigint"}},
		{"citext", Type{Text, -1, -1, "text"}},

		// SQLite's own spellings, and the upper case its drivers report.
		{"INTEGER", Type{Int8, 8, -1, "bigint"}}, // serial primary keys, rowid aliases
		{"REAL", Type{Float8, 8, -1, "double precision"}},
		{"INT4", Type{Int4, 4, -1, "integer"}}, // the translator's integer, as drivers report it
		{"FLOAT4", Type{Float4, 4, -1, "real"}},
		{"FLOAT8", Type{Float8, 8, -1, "double precision"}},
		{"INT", Type{Int4, 4, -1, "integer"}},
		{"BIGINT", Type{Int8, 8, -1, "bigint"}},
		{"TINYINT", Type{Int2, 2, -1, "smallint"}},
		{"MEDIUMINT", Type{Int4, 4, -1, "integer"}},
		{"UNSIGNED BIG INT", Type{Int8, 8, -1, "bigint"}},
		{"VARCHAR(255)", Type{Varchar, -1, 259, "character varying"}},
		{"NVARCHAR(100)", Type{Varchar, -1, 104, "character varying"}},
		{"NCHAR(55)", Type{BPChar, -1, 59, "character"}},
		{"TEXT", Type{Text, -1, -1, "text"}},
		{"CLOB", Type{Text, -1, -1, "text"}},
		{"BLOB", Type{Bytea, -1, -1, "bytea"}},
		{"DOUBLE", Type{Float8, 8, -1, "double precision"}},
		{"DOUBLE PRECISION", Type{Float8, 8, -1, "double precision"}},
		{"FLOAT", Type{Float8, 8, -1, "double precision"}},
		{"NUMERIC", Type{Numeric, -1, -1, "numeric"}},
		{"DECIMAL(10,5)", Type{Numeric, -1, (10<<16 | 5) + 4, "numeric"}},
		{"BOOLEAN", Type{Bool, 1, -1, "boolean"}},
		{"DATE", Type{Date, 4, -1, "date"}},
		{"DATETIME", Type{Timestamp, 8, -1, "timestamp without time zone"}},
		{"TIMESTAMP WITH TIME ZONE(3)", Type{Timestamptz, 8, 3, "timestamp with time zone"}},
		{" text ", Type{Text, -1, -1, "text"}},
	}
	for _, tt := range tests {
		got, ok := FromDecl(tt.decl)
		if !ok || got != tt.want {
			t.Errorf("FromDecl(%q) = %+v, %v; want %+v", tt.decl, got, ok, tt.want)
		}
	}
	// Unknown and empty declared types leave typing to the caller.
	for _, decl := range []string{"", "  ", "mood", "my_enum", "geometry(point)", "int int"} {
		if got, ok := FromDecl(decl); ok {
			t.Errorf("FromDecl(%q) = %+v, want not ok", decl, got)
		}
	}
}

func TestFromCanonical(t *testing.T) {
	tests := []struct {
		name string
		oid  uint32
	}{
		{"integer", Int4}, {"bigint", Int8}, {"smallint", Int2}, {"text", Text},
		{"character varying", Varchar}, {"character", BPChar}, {"boolean", Bool},
		{"real", Float4}, {"double precision", Float8}, {"numeric", Numeric},
		{"timestamp with time zone", Timestamptz}, {"timestamp without time zone", Timestamp},
		{"time without time zone", Time}, {"date", Date}, {"interval", Interval},
		{"uuid", UUID}, {"json", JSON}, {"jsonb", JSONB}, {"bytea", Bytea},
		{"oid", OID}, {"regclass", RegClass}, {"name", Name}, {`"char"`, Char},
		{"text[]", TextArray}, {"integer[]", Int4Array}, {"bigint[]", Int8Array},
		{"unknown", Unknown},
		// Other spellings are read through dialect.CanonicalType.
		{"int4", Int4}, {"varchar", Varchar}, {"timestamptz", Timestamptz}, {"int8[]", Int8Array},
	}
	for _, tt := range tests {
		got, ok := FromCanonical(tt.name)
		if !ok || got.OID != tt.oid || got.Modifier != -1 {
			t.Errorf("FromCanonical(%q) = %+v, %v; want OID %d", tt.name, got, ok, tt.oid)
		}
	}
	if got, ok := FromCanonical("mood"); ok {
		t.Errorf("FromCanonical(mood) = %+v, want not ok", got)
	}
}

func TestFromKind(t *testing.T) {
	tests := []struct {
		kind fsm.Kind
		want uint32
	}{
		{fsm.KindInt, Int8},
		{fsm.KindFloat, Float8},
		{fsm.KindText, Text},
		{fsm.KindBlob, Bytea},
		{fsm.KindNull, Text},
	}
	for _, tt := range tests {
		if got := FromKind(tt.kind); got.OID != tt.want || got.Modifier != -1 {
			t.Errorf("FromKind(%v) = %+v, want OID %d", tt.kind, got, tt.want)
		}
	}
}

// Every type has a name, an array type's element is a known type, and a
// name maps back to its OID.
func TestTypeTable(t *testing.T) {
	for oid, info := range types {
		typ, ok := ByOID(oid)
		if !ok || typ.OID != oid || typ.Name == "" || typ.Modifier != -1 || typ.Size != info.size {
			t.Errorf("ByOID(%d) = %+v, %v", oid, typ, ok)
		}
		if info.elem != 0 {
			if _, ok := types[info.elem]; !ok {
				t.Errorf("array %d has unknown element %d", oid, info.elem)
			}
		}
		if byName[info.name] != oid {
			t.Errorf("byName[%q] = %d, want %d", info.name, byName[info.name], oid)
		}
	}
	if _, ok := ByOID(0); ok {
		t.Error("ByOID(0) is a type")
	}
}
