package pgerror

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"modernc.org/sqlite"
	"sqlraft/fsm"
	"sqlraft/pgwire/dialect"
)

// Convert turns any error that reaches the front end into an *Error:
//
//   - an *Error (also wrapped) passes through;
//   - a *dialect.Error keeps its SQLSTATE and message, and its byte offset
//     becomes the 1-based Position;
//   - a *fsm.Error is translated by FromFSM, a *fsm.NotReplicableError is
//     0A000 with its reason;
//   - modernc's *sqlite.Error (from reads) is translated by FromSQLite;
//   - context.Canceled is UserCancel and context.DeadlineExceeded is
//     StatementTimeout (a session that knows better calls those itself);
//   - anything else is XX000 with the error's text.
//
// Convert(nil) is nil.
func Convert(err error, schema Schema) *Error {
	if err == nil {
		return nil
	}
	var (
		pe  *Error
		de  *dialect.Error
		fe  *fsm.Error
		nre *fsm.NotReplicableError
		se  *sqlite.Error
	)
	switch {
	case errors.As(err, &pe):
		return pe
	case errors.As(err, &de):
		e := plain(de.Code, de.Message)
		if de.Pos >= 0 {
			e.Position = int32(de.Pos) + 1
		}
		return e
	case errors.As(err, &nre):
		return notReplicable(nre.Reason)
	case errors.As(err, &fe):
		return FromFSM(fe, schema)
	case errors.As(err, &se):
		return FromSQLite(se.Code(), driverMessage(se.Error(), se.Code()), schema)
	case errors.Is(err, context.DeadlineExceeded):
		return StatementTimeout()
	case errors.Is(err, context.Canceled):
		return UserCancel()
	}
	return plain(InternalError, err.Error())
}

// UserCancel is PostgreSQL's error for a statement stopped by a
// CancelRequest (psql's Ctrl-C, lib/pq's context cancellation).
func UserCancel() *Error {
	return New(QueryCanceled, "canceling statement due to user request")
}

// StatementTimeout is PostgreSQL's error for a statement stopped by
// statement_timeout.
func StatementTimeout() *Error {
	return New(QueryCanceled, "canceling statement due to statement timeout")
}

// driverMessage undoes modernc's decoration of SQLite's message,
// "errstr: errmsg (code)" with " (SQLITE_BUSY)" appended for busy errors,
// or "errstr (code)" when there is no separate message. SQLite's errstr
// texts contain no ": ".
func driverMessage(s string, code int) string {
	s = strings.TrimSuffix(s, " (SQLITE_BUSY)")
	s = strings.TrimSuffix(s, " ("+strconv.Itoa(code)+")")
	if _, msg, ok := strings.Cut(s, ": "); ok {
		return msg
	}
	return s
}
