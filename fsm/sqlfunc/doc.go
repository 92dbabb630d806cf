// Package sqlfunc implements PostgreSQL scalar functions that SQLite lacks
// (string, regular expression, encoding, numeric, date/time and UUID
// functions) as pure Go functions, so that SQL written for PostgreSQL runs
// unchanged on the SQLite database every sqlraft replica keeps. The fsm
// package registers All() on every SQLite connection. Because a replicated
// statement is executed independently on each replica, every function here
// is deterministic: its result depends on its arguments alone, never on the
// clock, randomness, the locale, the local time zone or map iteration order,
// and floating-point results are computed so that every platform rounds them
// alike. Semantics follow PostgreSQL 15, including its NULL handling and the
// wording of its error messages; the documentation of each function notes
// where it deliberately differs.
package sqlfunc
