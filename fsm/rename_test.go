package fsm

import "testing"

// ALTER TABLE ... RENAME (table and column) replicates: SQLite's rename
// rewrites the temp schema's table too, which the policy allows since no
// user object can live there.
func TestAlterTableRename(t *testing.T) {
	a, b := openFSM(t), openFSM(t)
	for _, f := range []*FSM{a, b} {
		mustApply(t, f, 2, cmd(2,
			"CREATE TABLE old_name (x INTEGER PRIMARY KEY, y TEXT)",
			"CREATE INDEX old_y ON old_name (y)",
			"CREATE VIEW v AS SELECT y FROM old_name",
			"INSERT INTO old_name (y) VALUES ('a'), ('b')",
			"ALTER TABLE old_name RENAME TO new_name",
			"ALTER TABLE new_name RENAME COLUMN y TO z",
			"ALTER TABLE new_name ADD COLUMN w INTEGER DEFAULT 7",
		))
	}
	if got := dump(t, a); got != dump(t, b) {
		t.Fatalf("replicas differ:\n%s\n%s", got, dump(t, b))
	}
	res := mustApply(t, a, 3, cmd(3, "SELECT z, w FROM new_name ORDER BY z", "SELECT * FROM v ORDER BY 1"))
	if len(res.Statements[0].Rows) != 2 || res.Statements[0].Rows[1][0].Text() != "b" || res.Statements[0].Rows[0][1].Int() != 7 {
		t.Fatalf("after rename: %s", describe(res))
	}
	// Creating a temporary object is still refused.
	if r := apply(t, a, 4, cmd(4, "CREATE TEMP TABLE t (x)")); r.Err == nil || !r.Err.NotReplicable {
		t.Fatalf("temp table: %v", r.Err)
	}
}
