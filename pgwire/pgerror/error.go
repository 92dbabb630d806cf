package pgerror

import (
	"fmt"

	"github.com/jackc/pgx/v5/pgproto3"
)

// Error is an error as PostgreSQL reports it: the fields of an
// ErrorResponse (or NoticeResponse) message. The zero Severity means ERROR.
type Error struct {
	Severity string // ERROR, FATAL, PANIC; WARNING, NOTICE, ... for notices
	Code     string // SQLSTATE
	Message  string
	Detail   string
	Hint     string
	// Position is the 1-based character position in the query text that
	// the error concerns, or 0.
	Position   int32
	Schema     string
	Table      string
	Column     string
	Constraint string
	DataType   string
	Routine    string
}

// New makes an ERROR with the given SQLSTATE and a message formatted as
// fmt.Sprintf does.
func New(code, format string, args ...any) *Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Severity: "ERROR", Code: code, Message: msg}
}

// plain makes an ERROR whose message is not a format.
func plain(code, message string) *Error {
	return &Error{Severity: "ERROR", Code: code, Message: message}
}

// Error formats the error the way pgconn.PgError does, so log lines read
// the same on both sides of the wire.
func (e *Error) Error() string {
	return e.severity() + ": " + e.Message + " (SQLSTATE " + e.Code + ")"
}

func (e *Error) severity() string {
	if e.Severity == "" {
		return "ERROR"
	}
	return e.Severity
}

// Response is the error as an ErrorResponse message. The severity goes in
// both S (localized) and V (never localized): libpq, pgx and pgjdbc read V
// when present, older clients S.
func (e *Error) Response() *pgproto3.ErrorResponse {
	return &pgproto3.ErrorResponse{
		Severity:            e.severity(),
		SeverityUnlocalized: e.severity(),
		Code:                e.Code,
		Message:             e.Message,
		Detail:              e.Detail,
		Hint:                e.Hint,
		Position:            e.Position,
		SchemaName:          e.Schema,
		TableName:           e.Table,
		ColumnName:          e.Column,
		ConstraintName:      e.Constraint,
		DataTypeName:        e.DataType,
		Routine:             e.Routine,
	}
}

// Notice is the error as a NoticeResponse, for conditions PostgreSQL only
// warns about (BEGIN inside a transaction block is a WARNING with SQLSTATE
// 25001, not an error).
func (e *Error) Notice() *pgproto3.NoticeResponse {
	n := pgproto3.NoticeResponse(*e.Response())
	return &n
}
