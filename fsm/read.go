package fsm

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
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
//
// sqlraft's own tables (_sqlraft*) cannot be read, nor can other database
// files be attached. A SQLite error is returned as an *Error (Statement 0);
// when ctx ends, the statement is interrupted and the error wraps ctx's.
func (f *FSM) Query(ctx context.Context, q string, params ...Value) (*Rows, error) {
	return f.query(ctx, readUser, q, params)
}

// QuerySystem is Query for the SQL front end itself: it may also read the
// _sqlraft_sys_* tables that System commands keep (see Command.System).
// Never run a client's SQL with it.
func (f *FSM) QuerySystem(ctx context.Context, q string, params ...Value) (*Rows, error) {
	return f.query(ctx, readSystem, q, params)
}

func (f *FSM) query(ctx context.Context, mode readMode, q string, params []Value) (*Rows, error) {
	f.swap.RLock()
	defer f.swap.RUnlock()
	if f.closed {
		return nil, ErrClosed
	}
	var out *Rows
	err := withReader(ctx, f.reads, mode, func(r *readerConn) (err error) {
		out, err = r.query(ctx, q, params)
		return err
	})
	return out, err
}

// Describe prepares, without running it, one statement on a read
// connection, with the reads' rules (see Query). Text with no statement
// (white space, comments) gives an empty Description. A SQLite error (no
// such table, a syntax error, ...) is returned as an *Error (Statement 0)
// with SQLite's extended code.
func (f *FSM) Describe(ctx context.Context, q string) (*Description, error) {
	f.swap.RLock()
	defer f.swap.RUnlock()
	if f.closed {
		return nil, ErrClosed
	}
	var out *Description
	err := withReader(ctx, f.reads, readUser, func(r *readerConn) (err error) {
		out, err = r.describe(q)
		return err
	})
	return out, err
}

// readMode is what a reader connection lets a statement read.
type readMode uint8

const (
	// readUser is a client's read: sqlraft's tables are closed. It is the
	// mode a connection is in between uses.
	readUser readMode = iota
	// readSystem is QuerySystem: the _sqlraft_sys_* tables are open too.
	readSystem
	// readInternal is the FSM's own reads: checksums, snapshots, the
	// applied index of a read transaction.
	readInternal
)

// readerConn is a read connection with the state of its authorizer. Only
// the goroutine that holds the connection touches it.
type readerConn struct {
	rawConn
	mode readMode
	// denied is the reason of the authorizer's first refusal since the
	// connection was taken.
	denied string
	// stmts caches compiled statements by mode and text: compiling is
	// most of the cost of a point query. The authorizer runs when a
	// statement is compiled (and again when SQLite recompiles it after a
	// schema change), so the mode is part of the key: a statement
	// compiled for the front end's system reads never serves a client.
	stmts map[stmtKey]driver.Stmt
	// maxResult bounds the bytes of one query's rows (0: no bound).
	maxResult int64
}

type stmtKey struct {
	mode readMode
	sql  string
}

// maxReaderStatements bounds each read connection's statement cache.
const maxReaderStatements = 128

// prepared returns the compiled statement for q in the current mode.
func (r *readerConn) prepared(q string) (driver.Stmt, error) {
	key := stmtKey{r.mode, q}
	if st, ok := r.stmts[key]; ok {
		return st, nil
	}
	st, err := r.PrepareContext(background, q)
	if err != nil {
		return nil, err
	}
	if r.stmts == nil || len(r.stmts) >= maxReaderStatements {
		r.closeStatements()
		r.stmts = map[stmtKey]driver.Stmt{}
	}
	r.stmts[key] = st
	return st, nil
}

// forget drops q's statement after it failed, so that it is compiled
// afresh next time.
func (r *readerConn) forget(q string) {
	key := stmtKey{r.mode, q}
	if st, ok := r.stmts[key]; ok {
		st.Close()
		delete(r.stmts, key)
	}
}

func (r *readerConn) closeStatements() {
	for _, st := range r.stmts {
		st.Close()
	}
	r.stmts = nil
}

// Close finalizes the cached statements before the connection.
func (r *readerConn) Close() error {
	r.closeStatements()
	return r.rawConn.Close()
}

// ResetSession and IsValid let database/sql drop a connection the driver
// finds unusable (an interrupted one, for example).
func (r *readerConn) ResetSession(ctx context.Context) error {
	if s, ok := r.rawConn.(driver.SessionResetter); ok {
		return s.ResetSession(ctx)
	}
	return nil
}

func (r *readerConn) IsValid() bool {
	if v, ok := r.rawConn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (r *readerConn) authorize(action sqlite.AuthorizerActionCode, arg1, arg2, _, _ string) sqlite.AuthorizerReturnCode {
	var reason string
	switch {
	case r.mode == readInternal:
	case action == sqlite.AuthAttach || action == sqlite.AuthDetach:
		reason = "ATTACH and DETACH would read files outside the database"
	case action == sqlite.AuthPragma && arg2 != "" && !infoPragmas[strings.ToLower(arg1)]:
		// query_only=0 would let SQL replace the objects ReadSetup made;
		// the schema pragmas (table_info(t), ...) take an argument too.
		reason = fmt.Sprintf("PRAGMA %s=%s: read connections' settings are fixed", arg1, arg2)
	case action == sqlite.AuthRead && closed(arg1, r.mode == readSystem):
		reason = fmt.Sprintf("table %q belongs to sqlraft", arg1)
	}
	if reason == "" {
		return sqlite.AuthorizerOK
	}
	if r.denied == "" {
		r.denied = reason
	}
	return sqlite.AuthorizerDeny
}

// withReader runs fn on a connection of pool, in mode.
func withReader(ctx context.Context, pool *sql.DB, mode readMode, fn func(*readerConn) error) error {
	conn, err := pool.Conn(ctx)
	if err != nil {
		return fmt.Errorf("fsm: read connection: %w", err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		r := dc.(*readerConn)
		r.use(mode)
		defer r.use(readUser)
		return fn(r)
	})
}

func (r *readerConn) use(mode readMode) { r.mode, r.denied = mode, "" }

// vet refuses, before SQLite sees it, text that is not exactly one
// statement or that names sqlraft's own objects where the authorizer would
// not notice.
func (r *readerConn) vet(q string) (statementInfo, error) {
	info := analyze(q)
	if info.count > 1 {
		return info, &Error{Code: sqlite3.SQLITE_ERROR, Message: "a statement must hold exactly one SQL statement"}
	}
	if name := info.closedName(r.mode == readSystem); name != "" && r.mode != readInternal {
		return info, &Error{Code: sqlite3.SQLITE_AUTH, Message: fmt.Sprintf("name %q belongs to sqlraft", name)}
	}
	return info, nil
}

// query runs one statement and reads all its rows, interrupting it when
// ctx ends.
func (r *readerConn) query(ctx context.Context, q string, params []Value) (*Rows, error) {
	if _, err := r.vet(q); err != nil {
		return nil, err
	}
	cc, err := handleOf(r)
	if err != nil {
		return nil, err
	}
	stop := interruptOnDone(ctx, cc)
	defer stop()
	var out Rows
	st, err := r.prepared(q)
	if err == nil {
		var rows driver.Rows
		if rows, err = st.(driver.StmtQueryContext).QueryContext(ctx, args(params)); err == nil {
			out.Columns, out.Values, err = collectLimited(rows, r.maxResult)
		}
		if err != nil && !errors.Is(err, ErrResultTooLarge) {
			r.forget(q)
		}
	}
	if errors.Is(err, ErrResultTooLarge) {
		return nil, err
	}
	if err != nil {
		return nil, r.readError(ctx, err)
	}
	return &out, nil
}

// describe prepares one statement without running it.
func (r *readerConn) describe(q string) (*Description, error) {
	info, err := r.vet(q)
	if err != nil {
		return nil, err
	}
	if info.count == 0 {
		return &Description{}, nil
	}
	cc, err := handleOf(r)
	if err != nil {
		return nil, err
	}
	d, err := describeStatement(cc, q)
	if err != nil {
		return nil, r.readError(background, err)
	}
	return d, nil
}

// readError is the error a read returns: ctx's once it has ended (the
// statement was interrupted), the authorizer's reason for a refusal, else
// SQLite's error as an *Error.
func (r *readerConn) readError(ctx context.Context, err error) error {
	var e *Error
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("fsm: query interrupted: %w", ctx.Err())
	case r.denied != "":
		return &Error{Code: sqlite3.SQLITE_AUTH, Message: r.denied}
	case errors.As(err, &e):
		return e
	}
	if _, ok := sqliteCode(err); ok {
		return statementError(0, err)
	}
	return err
}
