// Package pgvalue maps SQLite values onto PostgreSQL types and their wire
// formats for sqlraft's PostgreSQL front end. SQLite has five storage
// classes and a declared type per column; PostgreSQL clients expect a type
// OID per column and per parameter and read each value in PostgreSQL's
// exact text or binary format. Type finds the OID (with the size and type
// modifier of a RowDescription) from a declared type, a canonical type name
// or a value's storage class; EncodeText and EncodeBinary write a value as
// the column's type (booleans stored as 1/0 print as t/f, timestamps stored
// as text become microseconds since 2000, numerics become base-10000
// digits); DecodeParam reads a Bind parameter into the storage class SQLite
// should hold it in. SQLite is dynamically typed, so a stored value may not
// fit its column's type: the text format then falls back to the value's own
// text, and the binary format, which cannot, returns a *pgerror.Error.
// DESIGN.md beside this file lists the choices.
package pgvalue
