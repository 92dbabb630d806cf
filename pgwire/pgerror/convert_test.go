package pgerror

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/jackc/pgx/v5/pgproto3"

	"sqlraft/fsm"
	"sqlraft/pgwire/dialect"
)

func TestConvert(t *testing.T) {
	f, err := fsm.Open(t.TempDir(), fsm.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx := context.Background()
	_, queryErr := f.Query(ctx, "SELECT * FROM nosuch")
	_, readOnlyErr := f.Query(ctx, "CREATE TABLE x (a integer)")
	validateErr := f.Validate([]fsm.Statement{{SQL: "SELECT 1"}, {SQL: "ATTACH 'x' AS y"}})
	_, dialectErr := dialect.Translate("SELECT $0", dialect.Options{})
	own := New(SerializationFailure, "retry")

	tests := []struct {
		name string
		err  error
		want *Error
	}{
		{"nil", nil, nil},
		{"own error", own, own},
		{"wrapped own error", fmt.Errorf("session: %w", own), own},
		{"dialect error", dialectErr, &Error{Severity: "ERROR", Code: "42P02", Message: "there is no parameter $0", Position: 8}},
		{"driver error on a read", queryErr, &Error{Severity: "ERROR", Code: "42P01", Message: `relation "nosuch" does not exist`}},
		{"write on a read connection", readOnlyErr, &Error{Severity: "ERROR", Code: "25006",
			Message: "cannot execute a write in a read-only transaction", Detail: "attempt to write a readonly database"}},
		{"refused by Validate", validateErr, &Error{Severity: "ERROR", Code: "0A000",
			Message: "statement cannot be replicated: ATTACH and DETACH (also used by VACUUM) reach files outside the replicated database"}},
		{"fsm error", &fsm.Error{Code: 1299, Message: "NOT NULL constraint failed: t.c"}, &Error{Severity: "ERROR", Code: "23502",
			Message: `null value in column "c" of relation "t" violates not-null constraint`, Schema: "public", Table: "t", Column: "c"}},
		{"cancel", context.Canceled, UserCancel()},
		{"timeout", fmt.Errorf("exec: %w", context.DeadlineExceeded), StatementTimeout()},
		{"anything else", errors.New("raft: leadership lost"), &Error{Severity: "ERROR", Code: "XX000", Message: "raft: leadership lost"}},
	}
	for _, tt := range tests {
		got := Convert(tt.err, nil)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: Convert(%v) = %+v, want %+v", tt.name, tt.err, got, tt.want)
		}
	}
	if got := Convert(own, nil); got != own {
		t.Error("Convert copied an *Error instead of passing it through")
	}
}

func TestUserCancelAndTimeout(t *testing.T) {
	if e := UserCancel(); e.Code != "57014" || e.Message != "canceling statement due to user request" {
		t.Errorf("UserCancel() = %+v", e)
	}
	if e := StatementTimeout(); e.Code != "57014" || e.Message != "canceling statement due to statement timeout" {
		t.Errorf("StatementTimeout() = %+v", e)
	}
}

func TestDriverMessage(t *testing.T) {
	tests := []struct {
		in   string
		code int
		want string
	}{
		{"SQL logic error: no such table: x (1)", 1, "no such table: x"},
		{"constraint failed: UNIQUE constraint failed: t.a (2067)", 2067, "UNIQUE constraint failed: t.a"},
		{"attempt to write a readonly database (8)", 8, "attempt to write a readonly database"},
		{"database is locked (5) (SQLITE_BUSY)", 5, "database is locked"},
	}
	for _, tt := range tests {
		if got := driverMessage(tt.in, tt.code); got != tt.want {
			t.Errorf("driverMessage(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestResponse(t *testing.T) {
	e := &Error{Code: "23505", Message: "m", Detail: "d", Hint: "h", Position: 3, Schema: "public",
		Table: "t", Column: "c", Constraint: "k", DataType: "integer", Routine: "r"}
	want := &pgproto3.ErrorResponse{Severity: "ERROR", SeverityUnlocalized: "ERROR", Code: "23505",
		Message: "m", Detail: "d", Hint: "h", Position: 3, SchemaName: "public", TableName: "t",
		ColumnName: "c", ConstraintName: "k", DataTypeName: "integer", Routine: "r"}
	if got := e.Response(); !reflect.DeepEqual(got, want) {
		t.Errorf("Response() = %+v, want %+v", got, want)
	}
	w := &Error{Severity: "WARNING", Code: ActiveSQLTransaction, Message: "there is already a transaction in progress"}
	if n := w.Notice(); n.Severity != "WARNING" || n.SeverityUnlocalized != "WARNING" || n.Code != "25001" {
		t.Errorf("Notice() = %+v", n)
	}
	// The encoded message decodes to the same fields.
	buf, err := e.Response().Encode(nil)
	if err != nil {
		t.Fatal(err)
	}
	var back pgproto3.ErrorResponse
	if err := back.Decode(buf[5:]); err != nil || !reflect.DeepEqual(&back, want) {
		t.Errorf("round trip = %+v, %v", back, err)
	}
}

func TestNewAndError(t *testing.T) {
	if e := New(SyntaxError, "100%% sure: %s", "x"); e.Message != "100% sure: x" || e.Severity != "ERROR" {
		t.Errorf("New with args = %+v", e)
	}
	if got := New(UniqueViolation, "dup").Error(); got != "ERROR: dup (SQLSTATE 23505)" {
		t.Errorf("Error() = %q", got)
	}
	if got := (&Error{Code: "57P01", Message: "bye", Severity: "FATAL"}).Error(); got != "FATAL: bye (SQLSTATE 57P01)" {
		t.Errorf("Error() = %q", got)
	}
}
