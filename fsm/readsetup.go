package fsm

import (
	"context"
	"database/sql/driver"
	"fmt"

	"modernc.org/sqlite"
)

// ReadSetup extends the read connections (Query's pool and each ReadTx's;
// never the apply or validation connection, so replicated SQL cannot call
// what it adds) with SQL functions and virtual tables written in Go and
// with per-connection objects made by setup statements. The PostgreSQL
// front end installs its catalog (pg_class, information_schema.tables, ...)
// this way.
type ReadSetup struct {
	// Register, if set, adds functions, collations and virtual-table
	// modules to the private driver that opens one read connection (a new
	// driver per connection, so they are that connection's alone). r
	// queries that very connection: it may be used only while SQLite runs
	// one of them on it (a nested statement: the caller's transaction and
	// snapshot, the reads' authorizer).
	Register func(d *sqlite.Driver, r Reader) error
	// Statements run once on every new read connection, in order, with
	// the authorizer open, before the connection is made query_only: for
	// example ATTACH ':memory:' AS x, CREATE TEMP VIEW v AS ..., CREATE
	// VIRTUAL TABLE temp.t USING m. Afterwards user SQL can neither set a
	// PRAGMA nor write anything, so what they make stays as made.
	Statements []string
}

// Reader runs a read-only statement on the read connection a function or
// virtual table of ReadSetup.Register is running on.
type Reader interface {
	Query(q string, params ...Value) (*Rows, error)
}

// connReader is the Reader of one connection; conn is set once the
// connection is open.
type connReader struct{ conn *readerConn }

func (c *connReader) Query(q string, params ...Value) (*Rows, error) {
	if c.conn == nil {
		return nil, fmt.Errorf("fsm: the read connection is not open yet")
	}
	rows, err := c.conn.QueryContext(background, q, args(params))
	if err != nil {
		return nil, c.conn.readError(background, err)
	}
	var out Rows
	if out.Columns, out.Values, err = collect(rows); err != nil {
		return nil, c.conn.readError(background, err)
	}
	return &out, nil
}

// readConnector opens reader connections with their authorizer: through
// the registered "sqlite" driver, or with a ReadSetup through a private
// driver per connection.
type readConnector struct {
	dsn       string
	inner     driver.Connector
	setup     ReadSetup
	maxResult int64
}

func newReadConnector(dsn string, setup ReadSetup, maxResult int64) (readConnector, error) {
	inner, err := sqlite.NewConnector(dsn)
	return readConnector{dsn: dsn, inner: inner, setup: setup, maxResult: maxResult}, err
}

func (c readConnector) Driver() driver.Driver { return c.inner.Driver() }

func (c readConnector) Connect(ctx context.Context) (driver.Conn, error) {
	var (
		dc  driver.Conn
		err error
		cr  = &connReader{}
	)
	if c.setup.Register == nil {
		dc, err = c.inner.Connect(ctx)
	} else {
		d := new(sqlite.Driver)
		if err = registerFunctions(d); err == nil {
			err = c.setup.Register(d, cr)
		}
		if err != nil {
			return nil, fmt.Errorf("fsm: read setup: %w", err)
		}
		dc, err = d.Open(c.dsn)
	}
	if err != nil {
		return nil, err
	}
	raw, ok := dc.(rawConn)
	if !ok {
		dc.Close()
		return nil, fmt.Errorf("fsm: SQLite driver connection %T lacks the expected methods", dc)
	}
	r := &readerConn{rawConn: raw, maxResult: c.maxResult}
	cr.conn = r
	if err := raw.RegisterAuthorizer(r.authorize); err != nil {
		dc.Close()
		return nil, err
	}
	r.use(readInternal)
	for _, s := range append(c.setup.Statements, "PRAGMA case_sensitive_like=1", "PRAGMA query_only=1") {
		if _, err := r.ExecContext(ctx, s, nil); err != nil {
			dc.Close()
			return nil, fmt.Errorf("fsm: read setup %q: %w", s, err)
		}
	}
	r.use(readUser)
	return r, nil
}
