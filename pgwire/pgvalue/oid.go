package pgvalue

// Type OIDs of PostgreSQL's built-in types (pg_type.dat). Clients ship
// tables of these numbers and look nothing else up, so only built-in OIDs
// are ever reported.
const (
	Bool         uint32 = 16
	Bytea        uint32 = 17
	Char         uint32 = 18 // "char", the single-byte internal type
	Name         uint32 = 19
	Int8         uint32 = 20
	Int2         uint32 = 21
	Int4         uint32 = 23
	RegProc      uint32 = 24
	Text         uint32 = 25
	OID          uint32 = 26
	JSON         uint32 = 114
	XML          uint32 = 142
	CIDR         uint32 = 650
	Float4       uint32 = 700
	Float8       uint32 = 701
	Unknown      uint32 = 705
	Macaddr      uint32 = 829
	Inet         uint32 = 869
	BPChar       uint32 = 1042
	Varchar      uint32 = 1043
	Date         uint32 = 1082
	Time         uint32 = 1083
	Timestamp    uint32 = 1114
	Timestamptz  uint32 = 1184
	Interval     uint32 = 1186
	Timetz       uint32 = 1266
	Bit          uint32 = 1560
	Varbit       uint32 = 1562
	Numeric      uint32 = 1700
	RegClass     uint32 = 2205
	RegType      uint32 = 2206
	UUID         uint32 = 2950
	JSONB        uint32 = 3802
	RegNamespace uint32 = 4089
	RegRole      uint32 = 4096

	JSONArray        uint32 = 199
	BoolArray        uint32 = 1000
	ByteaArray       uint32 = 1001
	CharArray        uint32 = 1002
	NameArray        uint32 = 1003
	Int2Array        uint32 = 1005
	Int4Array        uint32 = 1007
	TextArray        uint32 = 1009
	BPCharArray      uint32 = 1014
	VarcharArray     uint32 = 1015
	Int8Array        uint32 = 1016
	Float4Array      uint32 = 1021
	Float8Array      uint32 = 1022
	OIDArray         uint32 = 1028
	TimestampArray   uint32 = 1115
	DateArray        uint32 = 1182
	TimeArray        uint32 = 1183
	TimestamptzArray uint32 = 1185
	IntervalArray    uint32 = 1187
	NumericArray     uint32 = 1231
	UUIDArray        uint32 = 2951
	JSONBArray       uint32 = 3807
)
