package tablefunc

import (
	"database/sql/driver"
	"fmt"
	"math"
	"strconv"
	"strings"

	"modernc.org/sqlite/vtab"
)

// Seq yields a function's values; ok false at the end.
type Seq func() (v driver.Value, ok bool)

// Func is one table-valued function.
type Func struct {
	Name  string
	Decl  string // the CREATE TABLE declaring its columns
	NArgs int    // hidden argument columns, after the value column
	Need  int    // arguments that must be given
	Rows  func(args []driver.Value) (Seq, error)
}

// GenerateSeries is generate_series(start, stop [, step]).
var GenerateSeries = &Func{
	Name:  "generate_series",
	Decl:  "CREATE TABLE x(generate_series int8, start HIDDEN, stop HIDDEN, step HIDDEN, ordinality HIDDEN)",
	NArgs: 3, Need: 2, Rows: series,
}

// Module is the virtual-table module serving funcs, found by the name in
// the module argument of CREATE VIRTUAL TABLE.
type Module struct{ funcs map[string]*Func }

// NewModule returns the module for funcs.
func NewModule(funcs ...*Func) *Module {
	m := &Module{funcs: make(map[string]*Func, len(funcs))}
	for _, f := range funcs {
		m.funcs[f.Name] = f
	}
	return m
}

// series is generate_series(start, stop [, step]) over integers, or
// floating-point numbers when an argument is one. A NULL argument gives
// no rows, as PostgreSQL's strict function does.
func series(a []driver.Value) (Seq, error) {
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
	cur, stop, step := IntOf(a[0]), IntOf(a[1]), IntOf(a[2])
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
	return float64(IntOf(v))
}

// IntOf reads an argument as an integer the lenient way SQLite's
// functions do: reals truncate, text is parsed (0 when it is not a
// number), NULL is 0.
func IntOf(v driver.Value) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case float64:
		return int64(x)
	case string:
		n, _ := strconv.ParseInt(strings.TrimSpace(x), 10, 64)
		return n
	case []byte:
		n, _ := strconv.ParseInt(strings.TrimSpace(string(x)), 10, 64)
		return n
	}
	return 0
}

func (m *Module) Create(ctx vtab.Context, args []string) (vtab.Table, error) {
	return m.Connect(ctx, args)
}

func (m *Module) Connect(ctx vtab.Context, args []string) (vtab.Table, error) {
	if len(args) < 4 {
		return nil, fmt.Errorf("tablefunc: the module needs the function's name")
	}
	f := m.funcs[strings.TrimSpace(args[3])]
	if f == nil {
		return nil, fmt.Errorf("tablefunc: no table function %q", args[3])
	}
	if err := ctx.Declare(f.Decl); err != nil {
		return nil, err
	}
	return &funcTable{f}, nil
}

type funcTable struct{ f *Func }

// BestIndex takes the arguments: an equality constraint on each hidden
// argument column, passed to Filter in column order; IdxNum has a bit per
// argument given.
func (t *funcTable) BestIndex(info *vtab.IndexInfo) error {
	first := make([]int, t.f.NArgs)
	for i := range first {
		first[i] = -1
	}
	for i, c := range info.Constraints {
		k := c.Column - 1
		if c.Usable && c.Op == vtab.OpEQ && k >= 0 && k < t.f.NArgs && first[k] < 0 {
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
	if mask&(1<<t.f.Need-1) != 1<<t.f.Need-1 {
		info.EstimatedCost = 1e12 // a plan without the arguments fails
	}
	return nil
}

func (t *funcTable) Open() (vtab.Cursor, error) { return &funcCursor{f: t.f}, nil }
func (t *funcTable) Disconnect() error          { return nil }
func (t *funcTable) Destroy() error             { return nil }

type funcCursor struct {
	f    *Func
	next Seq
	args []driver.Value
	cur  driver.Value
	n    int64
	eof  bool
}

func (c *funcCursor) Filter(idxNum int, _ string, vals []vtab.Value) error {
	if idxNum&(1<<c.f.Need-1) != 1<<c.f.Need-1 {
		return fmt.Errorf("%s needs %d arguments", c.f.Name, c.f.Need)
	}
	c.args = c.args[:0]
	for k, v := 0, 0; k < c.f.NArgs; k++ {
		if idxNum&(1<<k) != 0 {
			c.args = append(c.args, keepValue(vals[v]))
			v++
		}
	}
	next, err := c.f.Rows(c.args)
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
	case col == c.f.NArgs+1:
		return c.n, nil
	case col-1 < len(c.args):
		return c.args[col-1], nil
	}
	return nil, nil
}

func (c *funcCursor) Rowid() (int64, error) { return c.n, nil }
func (c *funcCursor) Close() error          { return nil }
