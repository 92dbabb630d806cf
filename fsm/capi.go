package fsm

import (
	"context"
	"database/sql/driver"
	"fmt"
	"reflect"
	"strings"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// The driver keeps its connection and statement handles to itself, and its
// API has no prepare-only description (parameter count, read-only flag),
// no sqlite3_get_autocommit, no sqlite3_set_last_insert_rowid and no source
// table of a result column. This file reaches SQLite's C API
// (modernc.org/sqlite/lib) on the handles: the offsets of the driver's
// unexported fields (conn.db, conn.tls, rows.c, rows.pstmt) are looked up
// once by name and type, and checked against SQLite itself (the handle of a
// statement must be the connection's handle). A driver whose layout differs
// makes Open fail instead of misbehaving. Like the clock VFS, this depends
// on modernc.org/sqlite's internals: re-run the tests on every upgrade.

// cConn is a driver connection's SQLite handle and the libc thread state
// the driver calls SQLite with. Only the goroutine that currently owns the
// connection may use it.
type cConn struct {
	db  uintptr
	tls *libc.TLS
}

var cLayout struct {
	connType, rowsType reflect.Type
	connDB, connTLS    uintptr
	rowsConn, rowsStmt uintptr
}

// learnDriverLayout finds the fields, on a connection to an in-memory
// database opened for the purpose.
func learnDriverLayout() error {
	c, err := applyDriver.Open(":memory:")
	if err != nil {
		return fmt.Errorf("fsm: open a probe connection: %w", err)
	}
	defer c.Close()
	rows, err := c.(driver.QueryerContext).QueryContext(background, "SELECT 1", nil)
	if err != nil {
		return fmt.Errorf("fsm: probe query: %w", err)
	}
	defer rows.Close()
	ct, rt := reflect.TypeOf(c), reflect.TypeOf(rows)
	if ct.Kind() != reflect.Pointer || rt.Kind() != reflect.Pointer {
		return fmt.Errorf("fsm: unexpected SQLite driver types %v and %v", ct, rt)
	}
	uptr := reflect.TypeOf(uintptr(0))
	var errs []string
	field := func(t reflect.Type, name string, want reflect.Type) uintptr {
		f, ok := t.Elem().FieldByName(name)
		if !ok || len(f.Index) != 1 || f.Type != want {
			errs = append(errs, fmt.Sprintf("%v.%s", t, name))
		}
		return f.Offset
	}
	cLayout.connType, cLayout.rowsType = ct, rt
	cLayout.connDB = field(ct, "db", uptr)
	cLayout.connTLS = field(ct, "tls", reflect.TypeOf((*libc.TLS)(nil)))
	cLayout.rowsConn = field(rt, "c", ct)
	cLayout.rowsStmt = field(rt, "pstmt", uptr)
	if len(errs) > 0 {
		return fmt.Errorf("fsm: the SQLite driver lacks the fields %s: this version of modernc.org/sqlite is not supported", strings.Join(errs, ", "))
	}
	cc, err := handleOf(c)
	if err != nil {
		return err
	}
	pstmt, _ := rowsHandle(rows)
	if pstmt == 0 || sqlite3.Xsqlite3_db_handle(cc.tls, pstmt) != cc.db {
		return fmt.Errorf("fsm: the SQLite driver's handles are not where expected: this version of modernc.org/sqlite is not supported")
	}
	return nil
}

// handleOf returns the handle of a driver connection (or of a reader
// wrapping one).
func handleOf(c any) (cConn, error) {
	if r, ok := c.(*readerConn); ok {
		c = r.rawConn
	}
	if reflect.TypeOf(c) != cLayout.connType {
		return cConn{}, fmt.Errorf("fsm: %T is not a connection of the SQLite driver", c)
	}
	p := reflect.ValueOf(c).UnsafePointer()
	return cConn{
		db:  *(*uintptr)(unsafe.Add(p, cLayout.connDB)),
		tls: *(**libc.TLS)(unsafe.Add(p, cLayout.connTLS)),
	}, nil
}

// rowsHandle returns the statement behind driver rows and its connection,
// or 0 for rows of another kind.
func rowsHandle(rows driver.Rows) (uintptr, cConn) {
	if reflect.TypeOf(rows) != cLayout.rowsType {
		return 0, cConn{}
	}
	p := reflect.ValueOf(rows).UnsafePointer()
	conn := *(*unsafe.Pointer)(unsafe.Add(p, cLayout.rowsConn))
	if conn == nil {
		return 0, cConn{}
	}
	return *(*uintptr)(unsafe.Add(p, cLayout.rowsStmt)), cConn{
		db:  *(*uintptr)(unsafe.Add(conn, cLayout.connDB)),
		tls: *(**libc.TLS)(unsafe.Add(conn, cLayout.connTLS)),
	}
}

// lastError is the connection's error after a failed call that returned rc.
func (cc cConn) lastError(rc int32) *Error {
	code := int(sqlite3.Xsqlite3_extended_errcode(cc.tls, cc.db))
	if code == 0 {
		code = int(rc)
	}
	return &Error{Code: code, Message: libc.GoString(sqlite3.Xsqlite3_errmsg(cc.tls, cc.db))}
}

// prepare compiles exactly one statement without running it. It returns 0
// and no error for text that holds no statement (white space, comments).
// The caller finalizes the statement.
func (cc cConn) prepare(q string) (uintptr, error) {
	z, err := libc.CString(q)
	if err != nil {
		return 0, err
	}
	defer libc.Xfree(cc.tls, z)
	out := cc.tls.Alloc(2 * int(unsafe.Sizeof(uintptr(0))))
	defer cc.tls.Free(2 * int(unsafe.Sizeof(uintptr(0))))
	ppStmt, pzTail := out, out+unsafe.Sizeof(uintptr(0))
	if rc := sqlite3.Xsqlite3_prepare_v2(cc.tls, cc.db, z, -1, ppStmt, pzTail); rc != sqlite3.SQLITE_OK {
		return 0, cc.lastError(rc)
	}
	pstmt := *(*uintptr)(cPtr(ppStmt))
	// SQLite stops at the end of the first statement; what follows must be
	// nothing but white space and comments.
	if tail := libc.GoString(*(*uintptr)(cPtr(pzTail))); analyze(tail).count > 0 {
		cc.finalize(pstmt)
		return 0, &Error{Code: sqlite3.SQLITE_ERROR, Message: "a statement must hold exactly one SQL statement"}
	}
	return pstmt, nil
}

func (cc cConn) finalize(pstmt uintptr) {
	if pstmt != 0 {
		sqlite3.Xsqlite3_finalize(cc.tls, pstmt)
	}
}

// readOnly is sqlite3_stmt_readonly: the statement makes no direct change
// to the database file. BEGIN, COMMIT, SAVEPOINT, RELEASE and ROLLBACK TO
// count as read-only.
func (cc cConn) readOnly(pstmt uintptr) bool {
	return sqlite3.Xsqlite3_stmt_readonly(cc.tls, pstmt) != 0
}

// inTransaction reports whether the connection is inside an explicit
// transaction (sqlite3_get_autocommit is 0).
func (cc cConn) inTransaction() bool {
	return sqlite3.Xsqlite3_get_autocommit(cc.tls, cc.db) == 0
}

func (cc cConn) lastInsertRowid() int64 {
	return int64(sqlite3.Xsqlite3_last_insert_rowid(cc.tls, cc.db))
}

func (cc cConn) setLastInsertRowid(v int64) {
	sqlite3.Xsqlite3_set_last_insert_rowid(cc.tls, cc.db, sqlite3.Tsqlite3_int64(v))
}

func (cc cConn) totalChanges() int64 {
	return int64(sqlite3.Xsqlite3_total_changes64(cc.tls, cc.db))
}

// columnSources fills the source table and column of each result column of
// a prepared statement (sqlite3_column_table_name/origin_name): empty for
// expressions, and for columns of a view, the view's own underlying table.
func columnSources(cc cConn, pstmt uintptr, cols []Column) {
	for i := range cols {
		// The declared type as written (the driver reports it upper case):
		// the front end tells the translator's "integer" (int4) from the
		// rowid alias "INTEGER" (int8) by its case.
		cols[i].DeclType = libc.GoString(sqlite3.Xsqlite3_column_decltype(cc.tls, pstmt, int32(i)))
		cols[i].Table = libc.GoString(sqlite3.Xsqlite3_column_table_name(cc.tls, pstmt, int32(i)))
		cols[i].Origin = libc.GoString(sqlite3.Xsqlite3_column_origin_name(cc.tls, pstmt, int32(i)))
	}
}

// interruptOnDone interrupts whatever statement runs on the connection
// once ctx ends, until the returned function is called; that function
// returns only when no interruption is under way, so none can hit a later
// statement. The driver itself watches the context only while it steps a
// statement the first time, not while rows are read: this covers the rest.
// An interruption that arrives between statements is harmless: SQLite
// clears it when the next statement starts on an idle connection.
func interruptOnDone(ctx context.Context, cc cConn) (stop func()) {
	if ctx.Done() == nil {
		return func() {}
	}
	fired := make(chan struct{})
	stopAfter := context.AfterFunc(ctx, func() {
		defer close(fired)
		// Not cc.tls: the statement runs on it right now, and a libc.TLS
		// is not safe for concurrent use.
		tls := libc.NewTLS()
		defer tls.Close()
		sqlite3.Xsqlite3_interrupt(tls, cc.db)
	})
	return func() {
		if !stopAfter() {
			<-fired
		}
	}
}
