package fsm

import (
	"context"
	"database/sql/driver"
	"errors"
	"strings"
	"testing"

	"modernc.org/sqlite"
)

// TestReadSetup: a ReadSetup's functions query their own connection
// (nested, in the caller's snapshot), its statements make per-connection
// objects user SQL cannot change, and none of it reaches the apply side.
func TestReadSetup(t *testing.T) {
	setup := ReadSetup{
		Register: func(d *sqlite.Driver, r Reader) error {
			return d.RegisterScalarFunction("table_count", 0, func(*sqlite.FunctionContext, []driver.Value) (driver.Value, error) {
				rows, err := r.Query("SELECT count(*) FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE '\\_sqlraft%' ESCAPE '\\'")
				if err != nil {
					return nil, err
				}
				return rows.Values[0][0].Int(), nil
			})
		},
		Statements: []string{
			"ATTACH ':memory:' AS extra",
			"CREATE VIEW extra.names AS SELECT name FROM pragma_table_list WHERE schema = 'main'",
			"CREATE TEMP VIEW tables_now AS SELECT table_count() AS n",
		},
	}
	f, err := Open(t.TempDir(), Options{ReadSetup: setup, ReadConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ctx := context.Background()
	mustApply(t, f, 1, cmd(1, "CREATE TABLE a(x)", "CREATE TABLE b(y)"))

	rows, err := f.Query(ctx, "SELECT n, table_count() FROM tables_now")
	if err != nil {
		t.Fatal(err)
	}
	if got := rows.Values[0]; got[0].Int() != 2 || got[1].Int() != 2 {
		t.Fatalf("table_count() = %v, want 2, 2", got)
	}
	if _, err := f.Query(ctx, "SELECT name FROM extra.names WHERE name = 'a'"); err != nil {
		t.Fatal(err)
	}

	// A read transaction's function sees the transaction's snapshot.
	tx, err := f.BeginRead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	mustApply(t, f, 2, cmd(2, "CREATE TABLE c(z)"))
	if rows, err = tx.Query(ctx, "SELECT n FROM tables_now"); err != nil || rows.Values[0][0].Int() != 2 {
		t.Fatalf("in the read transaction: %v, %v; want 2", rows, err)
	}
	if rows, err = f.Query(ctx, "SELECT n FROM tables_now"); err != nil || rows.Values[0][0].Int() != 3 {
		t.Fatalf("after: %v, %v; want 3", rows, err)
	}

	// User SQL can neither undo query_only nor touch the setup's objects.
	for _, q := range []string{
		"PRAGMA query_only=0",
		"DROP VIEW tables_now",
		"CREATE TEMP TABLE t(x)",
		"DETACH extra",
	} {
		if _, err := f.Query(ctx, q); err == nil {
			t.Errorf("%s: no error", q)
		}
	}
	if _, err := f.Query(ctx, "SELECT * FROM pragma_table_info('a')"); err != nil {
		t.Errorf("pragma_table_info: %v", err)
	}

	// Replicated SQL does not see the function.
	r := apply(t, f, 3, cmd(3, "CREATE TABLE d(n DEFAULT 0)", "INSERT INTO d VALUES (table_count())"))
	var e *Error
	if r.Err == nil || !errors.As(r.Err, &e) || !strings.Contains(e.Message, "table_count") {
		t.Fatalf("apply with a read-only function: %v", r.Err)
	}
}
