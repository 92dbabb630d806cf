package fsm

import (
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Result is what Apply returns for an applied entry. It is the same on every
// node: statement errors are results, not failures of the node.
type Result struct {
	// Statements has one result per statement that ran. In Atomic mode the
	// statements after a failing one did not run and are absent.
	Statements []StatementResult
	// Err is set when the command as a whole failed: in Atomic mode the
	// failing statement's error (everything was rolled back); in both modes
	// an undecodable command, a deferred foreign key violation found at
	// commit, or a statement whose ON CONFLICT ROLLBACK / RAISE(ROLLBACK)
	// rolled back the entire entry. In EachOwn mode a failing statement
	// otherwise reports only in its StatementResult.
	Err *Error
}

// StatementResult is the outcome of one statement.
type StatementResult struct {
	// RowsAffected is the number of rows the statement inserted, updated or
	// deleted (not counting triggers and foreign key actions); 0 for other
	// statements.
	RowsAffected int64
	// LastInsertID is the rowid of the last row inserted by an INSERT or
	// REPLACE statement of this entry, so far; 0 for other statements and
	// before the entry's first insert.
	LastInsertID int64
	// Columns and Rows are set for statements that return rows: SELECT,
	// VALUES, RETURNING.
	Columns []Column
	Rows    [][]Value
	Err     *Error
}

// Column describes one result column.
type Column struct {
	Name string
	// DeclType is the declared type of the column the value comes from,
	// as written in CREATE TABLE, or "" for expressions.
	DeclType string
	// Table and Origin are the table and column the value comes from
	// (sqlite3_column_table_name and sqlite3_column_origin_name), set in
	// Describe, Query, Apply and WriteTx results alike (RETURNING
	// included); "" for expressions. Through a view they name the view's
	// underlying table and column.
	Table  string
	Origin string
}

// Error is a deterministic statement or command error.
type Error struct {
	// Statement is the 0-based index of the failing statement, or -1 for
	// the command as a whole.
	Statement int
	// Code is the SQLite extended result code (2067 for a UNIQUE
	// violation). Errors of this package use SQLITE_ERROR (1) for an
	// undecodable command and SQLITE_AUTH (23) for a statement that cannot
	// be replicated.
	Code int
	// Message is SQLite's message, or this package's.
	Message string
	// NotReplicable marks statements refused because their effect would
	// differ between nodes (see NotReplicableError); a SQL front end maps
	// them to "feature not supported".
	NotReplicable bool
}

func (e *Error) Error() string {
	if e.Statement < 0 {
		return fmt.Sprintf("%s (%d)", e.Message, e.Code)
	}
	return fmt.Sprintf("statement %d: %s (%d)", e.Statement, e.Message, e.Code)
}

// NotReplicableError is returned by Validate for a statement that the apply
// connection would refuse: its effect is not a function of the log alone
// (ATTACH, PRAGMA, last_insert_rowid(), temporary objects, INSERT ... SELECT
// without ORDER BY, ...).
type NotReplicableError struct {
	Statement int    // 0-based index in the batch
	SQL       string // the statement
	Reason    string // what is refused and why
}

func (e *NotReplicableError) Error() string {
	return fmt.Sprintf("fsm: statement %d cannot be replicated: %s", e.Statement, e.Reason)
}

// sqliteCode returns the extended result code of a driver error, and false
// for errors that did not come from SQLite.
func sqliteCode(err error) (int, bool) {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code(), true
	}
	return 0, false
}

// environmental reports whether an error code means the node, not the
// statement, is at fault: the disk, memory, locks or the file itself. Such
// an error is not the same on every node, so it must not become a result.
func environmental(code int) bool {
	switch code & 0xff {
	case sqlite3.SQLITE_PERM, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED,
		sqlite3.SQLITE_NOMEM, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_INTERRUPT,
		sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_FULL,
		sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PROTOCOL, sqlite3.SQLITE_NOLFS,
		sqlite3.SQLITE_NOTADB:
		return true
	}
	return false
}

// statementError turns a driver error into a result error, with SQLite's
// message stripped of the driver's decoration ("constraint failed: ... (2067)").
func statementError(i int, err error) *Error {
	code, ok := sqliteCode(err)
	if !ok {
		return &Error{Statement: i, Code: sqlite3.SQLITE_ERROR, Message: err.Error()}
	}
	return &Error{Statement: i, Code: code, Message: sqliteMessage(err.Error(), code)}
}

// sqliteMessage undoes the driver's "errstr: errmsg (code)" format.
func sqliteMessage(s string, code int) string {
	suffix := fmt.Sprintf(" (%d)", code)
	if len(s) > len(suffix) && s[len(s)-len(suffix):] == suffix {
		s = s[:len(s)-len(suffix)]
	}
	for i := 0; i+1 < len(s); i++ {
		if s[i] == ':' && s[i+1] == ' ' {
			return s[i+2:]
		}
	}
	return s
}
