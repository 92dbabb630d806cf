package fsm

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
)

// Rows is a materialized query result.
type Rows struct {
	Columns []Column
	Values  [][]Value
}

// Query runs one read-only statement on a read connection and returns all
// its rows. Read connections see the last committed entry, never block
// Apply (WAL readers), and are opened read-only at the file level. They use
// the default driver: random() and 'now' are the node's own here, not the
// log's, as befits a read. Query waits while Restore swaps the database
// file in.
func (f *FSM) Query(ctx context.Context, q string, params ...Value) (*Rows, error) {
	f.swap.RLock()
	defer f.swap.RUnlock()
	if f.closed {
		return nil, ErrClosed
	}
	if info := analyze(q); info.count > 1 {
		return nil, errors.New("fsm: Query takes exactly one SQL statement")
	}
	conn, err := f.reads.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("fsm: query: %w", err)
	}
	defer conn.Close()
	var out Rows
	err = conn.Raw(func(dc any) error {
		rows, err := dc.(driver.QueryerContext).QueryContext(ctx, q, args(params))
		if err != nil {
			return err
		}
		out.Columns, out.Values, err = collect(rows)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
