package pgerror

import (
	"strings"

	"sqlraft/fsm"
)

// SQLite result codes this package tells apart (sqlite3.h). Extended codes
// carry the primary code in their low byte.
const (
	sqliteError      = 1
	sqlitePerm       = 3
	sqliteAbort      = 4
	sqliteBusy       = 5
	sqliteLocked     = 6
	sqliteNoMem      = 7
	sqliteReadOnly   = 8
	sqliteInterrupt  = 9
	sqliteIOErr      = 10
	sqliteCorrupt    = 11
	sqliteFull       = 13
	sqliteCantOpen   = 14
	sqliteTooBig     = 18
	sqliteConstraint = 19
	sqliteMismatch   = 20
	sqliteAuth       = 23
	sqliteRange      = 25
	sqliteNotADB     = 26

	constraintCheck      = 275
	constraintForeignKey = 787
	constraintNotNull    = 1299
	constraintPrimaryKey = 1555
	constraintTrigger    = 1811
	constraintUnique     = 2067
	constraintRowID      = 2579
	constraintDatatype   = 3091
)

// notReplicablePrefix starts the message of the state machine's SQLITE_AUTH
// errors for statements it refuses to replicate.
const notReplicablePrefix = "not replicable: "

// FromSQLite translates an SQLite error: code is the extended result code
// (fsm.Error.Code, or Code() of modernc's *sqlite.Error) and message
// SQLite's text without the driver's decoration. Where PostgreSQL's message
// replaces SQLite's and SQLite's says more (the expression of an unnamed
// CHECK, the storage class a STRICT column refused), SQLite's message is
// kept in Detail.
func FromSQLite(code int, message string, schema Schema) *Error {
	switch code {
	case constraintUnique, constraintPrimaryKey, constraintRowID:
		if detail, ok := strings.CutPrefix(message, "UNIQUE constraint failed: "); ok {
			return uniqueViolation(detail, code != constraintUnique, schema)
		}
		return keep(UniqueViolation, message)
	case constraintNotNull:
		if detail, ok := strings.CutPrefix(message, "NOT NULL constraint failed: "); ok {
			table, col := qualifiedColumn(detail)
			e := New(NotNullViolation, `null value in column "%s" of relation "%s" violates not-null constraint`, col, table)
			e.Schema, e.Table, e.Column = schemaName, table, col
			return e
		}
		return keep(NotNullViolation, message)
	case constraintForeignKey:
		// SQLite names neither the table, the constraint nor the key, and
		// the same message serves inserts into the child and deletes from
		// the parent.
		e := New(ForeignKeyViolation, "insert, update or delete violates a foreign key constraint")
		e.Detail = "SQLite does not report which constraint or key."
		return e
	case constraintCheck:
		return checkViolation(message)
	case constraintDatatype:
		return datatypeViolation(message)
	case constraintTrigger:
		// RAISE(ABORT|FAIL|ROLLBACK, 'msg') in a trigger: msg is the
		// user's own message, like PL/pgSQL's RAISE EXCEPTION.
		return keep(RaiseException, message)
	case sqliteAuth:
		if reason, ok := strings.CutPrefix(message, notReplicablePrefix); ok {
			return notReplicable(reason)
		}
		return replaced(InsufficientPrivilege, "permission denied", message)
	}
	switch code & 0xff {
	case sqliteError:
		return fromMessage(message)
	case sqliteConstraint:
		return keep(IntegrityConstraintViolation, message)
	case sqliteMismatch:
		return keep(DatatypeMismatch, message)
	case sqliteBusy, sqliteLocked:
		// Another writer holds the database: the transaction lost a race
		// and may simply be retried, which is what 40001 tells clients.
		return replaced(SerializationFailure, "could not serialize access due to concurrent update", message)
	case sqliteReadOnly:
		return replaced(ReadOnlySQLTransaction, "cannot execute a write in a read-only transaction", message)
	case sqliteInterrupt:
		return UserCancel()
	case sqliteAbort:
		return keep(TransactionRollback, message)
	case sqliteFull:
		return keep(DiskFull, message)
	case sqliteTooBig:
		return keep(ProgramLimitExceeded, message)
	case sqliteNoMem:
		return replaced(OutOfMemory, "out of memory", message)
	case sqliteIOErr, sqliteCantOpen:
		return keep(IOError, message)
	case sqliteCorrupt, sqliteNotADB:
		return keep(DataCorrupted, message)
	case sqlitePerm:
		return replaced(InsufficientPrivilege, "permission denied", message)
	case sqliteRange:
		return keep(UndefinedParameter, message)
	}
	return keep(InternalError, message)
}

// FromFSM translates a statement error of the state machine.
func FromFSM(e *fsm.Error, schema Schema) *Error {
	if e.NotReplicable {
		return notReplicable(strings.TrimPrefix(e.Message, notReplicablePrefix))
	}
	return FromSQLite(e.Code, e.Message, schema)
}

// notReplicable is a statement whose effect would differ between nodes:
// PostgreSQL has no such notion, and "feature not supported" is what a
// client can act on.
func notReplicable(reason string) *Error {
	return New(FeatureNotSupported, "statement cannot be replicated: %s", reason)
}

// keep uses SQLite's message as it is.
func keep(code, message string) *Error {
	return plain(code, message)
}

// replaced uses PostgreSQL's message and keeps SQLite's as the detail.
func replaced(code, message, sqliteMessage string) *Error {
	e := plain(code, message)
	if sqliteMessage != "" && sqliteMessage != message {
		e.Detail = sqliteMessage
	}
	return e
}

// checkViolation reads "CHECK constraint failed: x", where x is the
// constraint's name if it has one and its expression otherwise. SQLite
// does not name the table.
func checkViolation(message string) *Error {
	what, ok := strings.CutPrefix(message, "CHECK constraint failed: ")
	if !ok || !isIdentifier(what) {
		return replaced(CheckViolation, "new row violates check constraint", message)
	}
	e := New(CheckViolation, `new row violates check constraint "%s"`, what)
	e.Constraint = what
	return e
}

// datatypeViolation reads a STRICT table's "cannot store TEXT value in
// INTEGER column t.c": SQLite already tried to convert the value, so the
// text did not look like a number, which PostgreSQL reports as 22P02.
func datatypeViolation(message string) *Error {
	rest, ok := strings.CutPrefix(message, "cannot store ")
	if !ok {
		return keep(InvalidTextRepresentation, message)
	}
	kind, rest, ok1 := strings.Cut(rest, " value in ")
	typ, col, ok2 := strings.Cut(rest, " column ")
	if !ok1 || !ok2 {
		return keep(InvalidTextRepresentation, message)
	}
	table, column := qualifiedColumn(col)
	e := New(InvalidTextRepresentation, `column "%s" of relation "%s" is of type %s and cannot store a %s value`,
		column, table, strings.ToLower(typ), strings.ToLower(kind))
	e.Schema, e.Table, e.Column, e.DataType = schemaName, table, column, strings.ToLower(typ)
	return e
}
