package fsm

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

// Describe tells what a statement returns and takes without running it:
// what the PostgreSQL front end answers to a Describe message.
func TestDescribe(t *testing.T) {
	f := openFSM(t)
	mustApply(t, f, 1, cmd(1, "CREATE TABLE t(id INTEGER PRIMARY KEY, name varchar(20), at DATETIME)",
		"CREATE VIEW v AS SELECT id AS vid, upper(name) AS shout FROM t"))
	cases := []struct {
		sql      string
		columns  string // fmt of the columns
		params   int
		readOnly bool
	}{
		{"SELECT id, name AS n, at, id + 1, count(*) OVER () FROM t WHERE id > ?",
			"[{id INTEGER t id} {n varchar(20) t name} {at DATETIME t at} {id + 1   } {count(*) OVER ()   }]", 1, true},
		{"SELECT * FROM v", "[{vid INTEGER t id} {shout   }]", 0, true},
		{"INSERT INTO t(name) VALUES (?1), (?1), ($2) RETURNING id, name", "[{id INTEGER t id} {name varchar(20) t name}]", 2, false},
		{"UPDATE t SET name = :n WHERE id = :id", "[]", 2, false},
		{"DELETE FROM t WHERE id = ?7", "[]", 7, false},
		{"CREATE TABLE u(x)", "[]", 0, false},
		{"SAVEPOINT s", "[]", 0, true},
		{"VALUES (1, 'a')", "[{column1   } {column2   }]", 0, true},
		{"  -- nothing but a comment\n", "[]", 0, false},
		{"", "[]", 0, false},
		{"SELECT 1; -- a trailing comment", "[{1   }]", 0, true},
	}
	ctx := context.Background()
	for _, tc := range cases {
		d, err := f.Describe(ctx, tc.sql)
		if err != nil {
			t.Errorf("Describe(%q): %v", tc.sql, err)
			continue
		}
		if got := fmt.Sprint(d.Columns); got != tc.columns && !(got == "[]" && tc.columns == "[]") || d.Params != tc.params || d.ReadOnly != tc.readOnly {
			t.Errorf("Describe(%q) = %v params %d read-only %v\nwant %s params %d read-only %v",
				tc.sql, d.Columns, d.Params, d.ReadOnly, tc.columns, tc.params, tc.readOnly)
		}
	}
	// Describe never runs anything.
	if got := dump(t, f); got != "t:\n" {
		t.Errorf("Describe changed the content:\n%s", got)
	}
}

// Errors come back as *Error with SQLite's extended code, so that the
// front end can map them to SQLSTATEs.
func TestDescribeErrors(t *testing.T) {
	f := openFSM(t)
	mustApply(t, f, 1, cmd(1, "CREATE TABLE t(v)"))
	cases := []struct {
		sql     string
		code    int
		message string
	}{
		{"SELECT * FROM nosuch", 1, "no such table: nosuch"},
		{"SELECT nosuch FROM t", 1, "no such column: nosuch"},
		{"SELEC 1", 1, `near "SELEC": syntax error`},
		{"SELECT 1; SELECT 2", 1, "a statement must hold exactly one SQL statement"},
		{"SELECT * FROM _sqlraft_meta", 23, `name "_sqlraft_meta" belongs to sqlraft`},
		{"ATTACH 'x.db' AS x", 23, "ATTACH and DETACH would read files outside the database"},
	}
	for _, tc := range cases {
		d, err := f.Describe(context.Background(), tc.sql)
		var e *Error
		if !errors.As(err, &e) || e.Code != tc.code || e.Message != tc.message {
			t.Errorf("Describe(%q) = %+v, %v; want code %d %q", tc.sql, d, err, tc.code, tc.message)
		}
	}
}

// Query, Apply and Describe report the same column sources.
func TestColumnSources(t *testing.T) {
	f := openFSM(t)
	r := mustApply(t, f, 1, cmd(1, "CREATE TABLE t(id INTEGER PRIMARY KEY, v TEXT)",
		"INSERT INTO t(v) VALUES ('a') RETURNING id, v, length(v)", "SELECT t.v AS x, 2 FROM t"))
	want := "[{id INTEGER t id} {v TEXT t v} {length(v)   }] [{x TEXT t v} {2   }]"
	if got := fmt.Sprint(r.Statements[1].Columns, r.Statements[2].Columns); got != want {
		t.Errorf("Apply: %s, want %s", got, want)
	}
	q, err := f.Query(context.Background(), "SELECT t.v AS x, 2 FROM t")
	if err != nil {
		t.Fatal(err)
	}
	d, err := f.Describe(context.Background(), "SELECT t.v AS x, 2 FROM t")
	if err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(q.Columns) != fmt.Sprint(r.Statements[2].Columns) || fmt.Sprint(d.Columns) != fmt.Sprint(q.Columns) {
		t.Errorf("Query %v, Describe %v, Apply %v", q.Columns, d.Columns, r.Statements[2].Columns)
	}
}
