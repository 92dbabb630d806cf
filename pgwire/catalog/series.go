package catalog

import (
	"database/sql/driver"
	"fmt"
	"math"

	"modernc.org/sqlite/vtab"
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

type tableFunc struct {
	name  string
	decl  string // the CREATE TABLE declaring its columns
	nargs int    // hidden argument columns, after the value column
	need  int    // arguments that must be given
	rows  func(args []driver.Value) (seq, error)
}

// seq yields a function's values; ok false at the end.
type seq func() (v driver.Value, ok bool)

var tableFuncs = map[string]*tableFunc{
	"generate_series": {
		name:  "generate_series",
		decl:  "CREATE TABLE x(generate_series int8, start HIDDEN, stop HIDDEN, step HIDDEN, ordinality HIDDEN)",
		nargs: 3, need: 2, rows: series,
	},
	"unnest": {
		name:  "unnest",
		decl:  "CREATE TABLE x(unnest text, arr HIDDEN, ordinality HIDDEN)",
		nargs: 1, need: 1, rows: unnest,
	},
	// information_schema._pg_expandarray(arr): the elements x and their
	// positions n (from 1), the ordinality column made visible. The
	// dialect moves the calls in a select list here (expandarray.go).
	"pg_expandarray": {
		name:  "pg_expandarray",
		decl:  "CREATE TABLE x(x, arr HIDDEN, n int4)",
		nargs: 1, need: 1, rows: unnest,
	},
}

// series is generate_series(start, stop [, step]) over integers, or
// floating-point numbers when an argument is one. A NULL argument gives
// no rows, as PostgreSQL's strict function does.
func series(a []driver.Value) (seq, error) {
	if len(a) < 3 {
		a = append(a, int64(1))
	}
	if a[0] == nil || a[1] == nil || a[2] == nil {
		return func() (driver.Value, bool) { return nil, false }, nil
	}
	_, f0 := a[0].(float64)
	_, f1 := a[1].(float64)
	_, f2 := a[2].(float64)
	if f0 || f1 || f2 {
		start, stop, step := floatOf(a[0]), floatOf(a[1]), floatOf(a[2])
		if step == 0 {
			return nil, fmt.Errorf("step size cannot equal zero")
		}
		n := 0.0
		return func() (driver.Value, bool) {
			v := start + n*step
			if step > 0 && v > stop || step < 0 && v < stop || math.IsNaN(v) {
				return nil, false
			}
			n++
			return v, true
		}, nil
	}
	cur, stop, step := intOf(a[0]), intOf(a[1]), intOf(a[2])
	if step == 0 {
		return nil, fmt.Errorf("step size cannot equal zero")
	}
	done := false
	return func() (driver.Value, bool) {
		if done || step > 0 && cur > stop || step < 0 && cur < stop {
			return nil, false
		}
		v := cur
		// Stop rather than overflow past the last value.
		if step > 0 && cur > math.MaxInt64-step || step < 0 && cur < math.MinInt64-step {
			done = true
		}
		cur += step
		return v, true
	}, nil
}

func floatOf(v driver.Value) float64 {
	if f, ok := v.(float64); ok {
		return f
	}
	return float64(intOf(v))
}

// unnest is unnest(array): its elements, NULL ones included.
func unnest(a []driver.Value) (seq, error) {
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

type funcModule struct{}

func (funcModule) Create(ctx vtab.Context, args []string) (vtab.Table, error) {
	return funcModule{}.Connect(ctx, args)
}

func (funcModule) Connect(ctx vtab.Context, args []string) (vtab.Table, error) {
	if len(args) < 4 {
		return nil, fmt.Errorf("catalog: %s needs the function's name", funcModuleName)
	}
	f := tableFuncs[args[3]]
	if f == nil {
		return nil, fmt.Errorf("catalog: no table function %q", args[3])
	}
	if err := ctx.Declare(f.decl); err != nil {
		return nil, err
	}
	return &funcTable{f}, nil
}

type funcTable struct{ f *tableFunc }

// BestIndex takes the arguments: an equality constraint on each hidden
// argument column, passed to Filter in column order; IdxNum has a bit per
// argument given.
func (t *funcTable) BestIndex(info *vtab.IndexInfo) error {
	first := make([]int, t.f.nargs)
	for i := range first {
		first[i] = -1
	}
	for i, c := range info.Constraints {
		k := c.Column - 1
		if c.Usable && c.Op == vtab.OpEQ && k >= 0 && k < t.f.nargs && first[k] < 0 {
			first[k] = i
		}
	}
	mask, n := 0, 0
	for k, i := range first {
		if i < 0 {
			continue
		}
		mask |= 1 << k
		info.Constraints[i].ArgIndex = n
		info.Constraints[i].Omit = true
		n++
	}
	info.IdxNum = int64(mask)
	info.EstimatedCost, info.EstimatedRows = 10, 100
	if mask&(1<<t.f.need-1) != 1<<t.f.need-1 {
		info.EstimatedCost = 1e12 // a plan without the arguments fails
	}
	return nil
}

func (t *funcTable) Open() (vtab.Cursor, error) { return &funcCursor{f: t.f}, nil }
func (t *funcTable) Disconnect() error          { return nil }
func (t *funcTable) Destroy() error             { return nil }

type funcCursor struct {
	f    *tableFunc
	next seq
	args []driver.Value
	cur  driver.Value
	n    int64
	eof  bool
}

func (c *funcCursor) Filter(idxNum int, _ string, vals []vtab.Value) error {
	if idxNum&(1<<c.f.need-1) != 1<<c.f.need-1 {
		return fmt.Errorf("%s needs %d arguments", c.f.name, c.f.need)
	}
	c.args = c.args[:0]
	for k, v := 0, 0; k < c.f.nargs; k++ {
		if idxNum&(1<<k) != 0 {
			c.args = append(c.args, keepValue(vals[v]))
			v++
		}
	}
	next, err := c.f.rows(c.args)
	if err != nil {
		return err
	}
	c.next, c.n, c.eof = next, 0, false
	return c.Next()
}

// keepValue keeps a text or blob argument past Filter.
func keepValue(v vtab.Value) driver.Value {
	if b, ok := v.([]byte); ok {
		return append([]byte(nil), b...)
	}
	return v
}

func (c *funcCursor) Next() error {
	v, ok := c.next()
	c.cur, c.eof = v, !ok
	c.n++
	return nil
}

func (c *funcCursor) Eof() bool { return c.eof }

func (c *funcCursor) Column(col int) (vtab.Value, error) {
	switch {
	case col == 0:
		return c.cur, nil
	case col == c.f.nargs+1:
		return c.n, nil
	case col-1 < len(c.args):
		return c.args[col-1], nil
	}
	return nil, nil
}

func (c *funcCursor) Rowid() (int64, error) { return c.n, nil }
func (c *funcCursor) Close() error          { return nil }
