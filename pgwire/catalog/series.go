package catalog

import (
	"database/sql/driver"

	"sqlraft/fsm/tablefunc"
)

// Set-returning functions in FROM. SQLite's table-valued functions are
// virtual tables whose hidden columns take the arguments: the catalog
// creates generate_series and unnest in each read connection's temp
// schema (modernc's modules are not eponymous, so they need a CREATE
// VIRTUAL TABLE), and the dialect rewrites PostgreSQL's aliases and WITH
// ORDINALITY into a subquery naming their columns. The first column is
// named after the function, as PostgreSQL names it without an alias; a
// hidden ordinality column numbers the rows from 1.

// funcModuleName is the module behind the table-valued functions.
const funcModuleName = "pg_table_function"

// tableFuncs are generate_series (the state machine's, which its apply
// connection has too) and the array functions of the catalog.
var tableFuncs = []*tablefunc.Func{
	tablefunc.GenerateSeries,
	{
		Name:  "unnest",
		Decl:  "CREATE TABLE x(unnest text, arr HIDDEN, ordinality HIDDEN)",
		NArgs: 1, Need: 1, Rows: unnest,
	},
	// information_schema._pg_expandarray(arr): the elements x and their
	// positions n (from 1), the ordinality column made visible. The
	// dialect moves the calls in a select list here (expandarray.go).
	{
		Name:  "pg_expandarray",
		Decl:  "CREATE TABLE x(x, arr HIDDEN, n int4)",
		NArgs: 1, Need: 1, Rows: unnest,
	},
}

// unnest is unnest(array): its elements, NULL ones included.
func unnest(a []driver.Value) (tablefunc.Seq, error) {
	if a[0] == nil {
		return func() (driver.Value, bool) { return nil, false }, nil
	}
	arr, err := readArray(a[0])
	if err != nil {
		return nil, err
	}
	i := 0
	return func() (driver.Value, bool) {
		if i >= len(arr.elems) {
			return nil, false
		}
		i++
		return elementValue(arr.elems[i-1]), true
	}, nil
}
