package fsm

import (
	"context"
	"testing"
)

// REGEXP works on the apply connection (so replicated writes can filter
// with it) and on readers, with PostgreSQL's NULL handling; a bad pattern
// is a deterministic statement error.
func TestRegexp(t *testing.T) {
	f := openFSM(t)
	mustApply(t, f, 1, Command{Mode: Atomic, Statements: []Statement{
		{SQL: "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT)"},
		{SQL: "INSERT INTO t (s) VALUES ('apple'), ('Banana'), ('cherry'), (NULL)"},
		{SQL: "DELETE FROM t WHERE (s REGEXP '^c')"},
	}})
	rows, err := f.Query(context.Background(), "SELECT s FROM t WHERE (s REGEXP '(?i)^b') ORDER BY id")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows.Values) != 1 || rows.Values[0][0].Text() != "Banana" {
		t.Fatalf("case-insensitive match: %v", rows.Values)
	}
	rows, err = f.Query(context.Background(), "SELECT count(*) FROM t WHERE s REGEXP 'a'")
	if err != nil {
		t.Fatal(err)
	}
	if got := rows.Values[0][0].Int(); got != 2 {
		t.Fatalf("%d rows match 'a' after deleting cherry, want 2 (NULL never matches)", got)
	}
	r := apply(t, f, 2, Command{Mode: Atomic, Statements: []Statement{{SQL: "DELETE FROM t WHERE s REGEXP '('"}}})
	if r.Err == nil {
		t.Fatal("an invalid pattern must fail the statement")
	}
}

// A double-quoted word is an identifier, as in PostgreSQL: a misspelt
// column is an error on apply and on read, never a string literal.
func TestDoubleQuotesAreIdentifiers(t *testing.T) {
	f := openFSM(t)
	mustApply(t, f, 1, Command{Mode: Atomic, Statements: []Statement{{SQL: `CREATE TABLE t ("name" TEXT)`}}})
	r := apply(t, f, 2, Command{Mode: Atomic, Statements: []Statement{{SQL: `INSERT INTO t VALUES ("nme")`}}})
	if r.Err == nil {
		t.Fatal(`"nme" was taken as a string literal on apply`)
	}
	if _, err := f.Query(context.Background(), `SELECT count(*) FROM t WHERE "name" = "nme"`); err == nil {
		t.Fatal(`"nme" was taken as a string literal on read`)
	}
}
