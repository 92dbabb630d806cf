package pgvalue

import "sqlraft/fsm"

// Coerce converts a text value to the storage class DecodeParam would
// give it as type t, and leaves it as it is when the text is not a value
// of t. It is for parameters whose type the client left open (node-
// postgres and pgbench bind everything as text with OID 0) once the
// session has inferred a type, say from the column a parameter is
// compared with: PostgreSQL would have parsed the text as that type, and
// where SQLite's affinity would not (a bool column has NUMERIC affinity,
// and 't' stays text), Coerce does.
func Coerce(v fsm.Value, t uint32) fsm.Value {
	if v.Kind() != fsm.KindText || t == 0 {
		return v
	}
	if c, err := decodeText(t, v.Text()); err == nil {
		return c
	}
	return v
}
