package fsm

import (
	"database/sql/driver"
	"fmt"
	"slices"

	"modernc.org/sqlite"

	"sqlraft/fsm/sqlfunc"
)

// The state machine's connections all have the same functions beyond
// SQLite's builtins: regexp() and the scalar functions of package sqlfunc
// (PostgreSQL's string, date and numeric functions SQLite lacks). They are
// pure, so a statement computes the same on the leader's write path, in
// every replica's apply, and on every reader.

// tableFunctionModule serves generate_series on the apply and validation
// connections (readers get theirs from their ReadSetup, the SQL front
// end's catalog): INSERT ... SELECT ... FROM generate_series(...) is a
// common way to fill a table, and the function is pure.
const tableFunctionModule = "sqlraft_table_function"

// tableFunctionSetup creates the functions on a connection of applyDriver.
var tableFunctionSetup = []string{
	`CREATE VIRTUAL TABLE IF NOT EXISTS temp.generate_series USING ` + tableFunctionModule + `(generate_series)`,
}

// registerFunctions adds them to the private driver d.
func registerFunctions(d *sqlite.Driver) error {
	if err := d.RegisterDeterministicScalarFunction("regexp", 2, regexpFunc); err != nil {
		return err
	}
	for _, f := range functions() {
		if err := d.RegisterDeterministicScalarFunction(f.Name, arity(f), adapt(f)); err != nil {
			return err
		}
	}
	return nil
}

// registerDefaultFunctions adds them to the driver registered as "sqlite",
// which readers without a ReadSetup use.
func registerDefaultFunctions() error {
	if err := sqlite.RegisterDeterministicScalarFunction("regexp", 2, regexpFunc); err != nil {
		return err
	}
	for _, f := range functions() {
		if err := sqlite.RegisterDeterministicScalarFunction(f.Name, arity(f), adapt(f)); err != nil {
			return err
		}
	}
	return nil
}

// arity is the argument count to register: the driver takes one
// registration per name, so a function with several counts is registered
// for any count (-1) and adapt checks the count.
func arity(f sqlfunc.Func) int32 {
	if len(f.NArgs) == 1 {
		return int32(f.NArgs[0])
	}
	return -1
}

func adapt(f sqlfunc.Func) func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error) {
	return func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		if f.NArgs != nil && !slices.Contains(f.NArgs, len(args)) {
			return nil, fmt.Errorf("function %s with %d arguments does not exist", f.Name, len(args))
		}
		return f.Impl(args)
	}
}

func functions() []sqlfunc.Func { return sqlfunc.All() }
