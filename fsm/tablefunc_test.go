package fsm

import (
	"context"
	"testing"
)

// generate_series fills a table through the log, the same on every
// replica, and Validate lets it through.
func TestGenerateSeriesInWrites(t *testing.T) {
	f := openFSM(t)
	stmts := []Statement{
		{SQL: "CREATE TABLE s(i INTEGER PRIMARY KEY, sq INTEGER)"},
		{SQL: "INSERT INTO s SELECT generate_series, generate_series * generate_series FROM generate_series(1, 100) ORDER BY 1"},
		{SQL: "INSERT INTO s SELECT generate_series, 0 FROM generate_series(200, 110, -10) ORDER BY 1"},
	}
	if err := f.Validate(stmts); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	c := cmd(1)
	c.Statements = stmts
	mustApply(t, f, 1, c)
	rows, err := f.Query(context.Background(), "SELECT count(*), sum(sq), max(i) FROM s")
	if err != nil {
		t.Fatal(err)
	}
	if got := rows.Values[0]; got[0].Int() != 110 || got[1].Int() != 338350 || got[2].Int() != 200 {
		t.Fatalf("count, sum, max = %v, want 110, 338350, 200", got)
	}
	// Other temp objects stay refused.
	if err := f.Validate([]Statement{{SQL: "SELECT * FROM temp._sqlraft_reset"}}); err == nil {
		t.Fatal("reading the apply connection's scratch table was accepted")
	}
}
