// Package tablefunc provides PostgreSQL's set-returning functions in FROM
// (generate_series, and whatever a caller defines) as one SQLite
// virtual-table module. SQLite's table-valued functions are virtual tables
// whose hidden columns take the arguments; modernc's modules are not
// eponymous, so each function needs a CREATE VIRTUAL TABLE in the
// connection's temp schema, naming the function:
//
//	CREATE VIRTUAL TABLE temp.generate_series USING <module>(generate_series)
//
// The first column holds the values and is named after the function, as
// PostgreSQL names it without an alias; a hidden ordinality column numbers
// the rows from 1. The functions are pure, so the state machine's apply
// connection can have them as well as the readers.
package tablefunc
