package fsm

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// systemCmd is a System command at entry i.
func systemCmd(i uint64, sqls ...string) Command {
	c := cmd(i, sqls...)
	c.System = true
	return c
}

// The SQL front end keeps its roles in _sqlraft_sys_* tables, replicated by
// System commands. User SQL can neither read nor write them, by any route;
// System commands and QuerySystem can. Every other sqlraft name stays
// closed to both.
func TestSystemTables(t *testing.T) {
	ctx := context.Background()
	f := openFSM(t)
	mustApply(t, f, 1, systemCmd(1,
		"CREATE TABLE _sqlraft_sys_roles(name TEXT PRIMARY KEY, verifier TEXT NOT NULL)",
		"CREATE INDEX _sqlraft_sys_roles_v ON _sqlraft_sys_roles(verifier)",
		"INSERT INTO _sqlraft_sys_roles VALUES ('alice', 'SCRAM-SHA-256$4096:...')",
		"UPDATE _sqlraft_sys_roles SET verifier = verifier || '!' WHERE name = 'alice'"))
	mustApply(t, f, 2, cmd(2, "CREATE TABLE t(v)", "INSERT INTO t VALUES ('x')"))

	rows, err := f.QuerySystem(ctx, "SELECT name, verifier FROM _sqlraft_sys_roles")
	if err != nil || len(rows.Values) != 1 || !rows.Values[0][1].Equal(TextValue("SCRAM-SHA-256$4096:...!")) {
		t.Fatalf("QuerySystem: %v, %v", rows, err)
	}

	userRefused := []string{
		"SELECT * FROM _sqlraft_sys_roles",
		"SELECT count(*) FROM _sqlraft_sys_roles",
		"SELECT * FROM main.\"_sqlraft_sys_roles\"",
		"SELECT (SELECT verifier FROM _sqlraft_sys_roles LIMIT 1)",
		"INSERT INTO _sqlraft_sys_roles VALUES ('mallory', 'x')",
		"UPDATE _sqlraft_sys_roles SET verifier = 'x'",
		"DELETE FROM _sqlraft_sys_roles",
		"DROP TABLE _sqlraft_sys_roles",
		"CREATE TABLE _sqlraft_sys_fake(x)",
		"ALTER TABLE t RENAME TO _sqlraft_sys_users",
		"CREATE TABLE probe(r TEXT REFERENCES _sqlraft_sys_roles(name))",
		"CREATE VIEW peek AS SELECT * FROM _sqlraft_sys_roles",
		"CREATE TRIGGER steal AFTER INSERT ON t BEGIN INSERT INTO t SELECT verifier FROM _sqlraft_sys_roles ORDER BY 1; END",
		"CREATE INDEX i ON _sqlraft_sys_roles(name)",
	}
	for i, q := range userRefused {
		index := uint64(3 + i)
		if r := apply(t, f, index, cmd(index, q)); r.Err == nil || !r.Err.NotReplicable {
			t.Errorf("user command %q: %s, want refused", q, describe(r))
		}
		if err := f.Validate([]Statement{{SQL: q}}); err == nil {
			t.Errorf("Validate(%q) accepted it", q)
		}
	}
	for _, q := range userRefused[:4] {
		if _, err := f.Query(ctx, q); err == nil {
			t.Errorf("Query(%q) read a system table", q)
		}
		r := beginRead(t, f)
		if _, err := r.Query(ctx, q); err == nil {
			t.Errorf("ReadTx.Query(%q) read a system table", q)
		}
		w := beginWrite(t, f, 1)
		if res := w.Exec(ctx, Statement{SQL: q}); res.Err == nil || !res.Err.NotReplicable {
			t.Errorf("WriteTx.Exec(%q): %+v, want refused", q, res.Err)
		}
		w.Rollback()
	}
	if got, _ := f.QuerySystem(ctx, "SELECT count(*) FROM _sqlraft_sys_roles"); !got.Values[0][0].Equal(IntValue(1)) {
		t.Errorf("the system table changed: %v", got.Values)
	}

	// System SQL is still kept out of the FSM's own objects.
	next := uint64(3 + len(userRefused))
	for _, q := range []string{"UPDATE _sqlraft_meta SET applied_index = 0", "SAVEPOINT _sqlraft_sys_x", "CREATE TABLE _sqlraft_other(x)"} {
		if r := apply(t, f, next, systemCmd(next, q)); r.Err == nil || !r.Err.NotReplicable {
			t.Errorf("system command %q: %s, want refused", q, describe(r))
		}
		next++
	}
	if _, err := f.QuerySystem(ctx, "SELECT * FROM _sqlraft_meta"); err == nil {
		t.Error("QuerySystem read _sqlraft_meta")
	}
}

// The apply connection caches compiled statements by text, and SQLite's
// authorizer only looks at a statement when it is compiled: a statement a
// System command compiled must not serve a user command with the same text.
// (Through a view, the text does not even name the system table.)
func TestSystemStatementsAreNotSharedWithUsers(t *testing.T) {
	f := openFSM(t)
	q := "SELECT name FROM role_names"
	r := mustApply(t, f, 1, systemCmd(1, "CREATE TABLE _sqlraft_sys_roles(name)", "INSERT INTO _sqlraft_sys_roles VALUES ('alice')",
		"CREATE VIEW role_names AS SELECT name FROM _sqlraft_sys_roles", q))
	if len(r.Statements[3].Rows) != 1 {
		t.Fatalf("the system command read %v", r.Statements[3].Rows)
	}
	if r := apply(t, f, 2, cmd(2, q)); r.Err == nil || !r.Err.NotReplicable {
		t.Errorf("the user's copy of a system statement: %s", describe(r))
	}
}

// System tables are replicated content: in the checksum, in snapshots.
func TestSystemTablesAreReplicated(t *testing.T) {
	a, b := openFSM(t), openFSM(t)
	for _, f := range []*FSM{a, b} {
		mustApply(t, f, 1, systemCmd(1, "CREATE TABLE _sqlraft_sys_roles(name, verifier)", "INSERT INTO _sqlraft_sys_roles VALUES ('alice', 'v1')"))
	}
	if checksum(t, a) != checksum(t, b) {
		t.Fatal("replicas differ")
	}
	mustApply(t, b, 2, systemCmd(2, "UPDATE _sqlraft_sys_roles SET verifier = 'v2'"))
	mustApply(t, a, 2, cmd(2, "SELECT 1"))
	if checksum(t, a) == checksum(t, b) {
		t.Error("a changed system table does not change the checksum")
	}
}

// The authorizer checks every table a statement reads, also through a
// view whose name gives nothing away: even a view a System command made
// reads a system table only for QuerySystem.
func TestSystemReadsNeedQuerySystem(t *testing.T) {
	f := openFSM(t)
	mustApply(t, f, 1, systemCmd(1, "CREATE TABLE _sqlraft_sys_roles(name)", "CREATE VIEW role_names AS SELECT name FROM _sqlraft_sys_roles"))
	for _, q := range []string{"SELECT name FROM _sqlraft_sys_roles", "SELECT name FROM role_names"} {
		_, err := f.Query(context.Background(), q)
		var e *Error
		if !errors.As(err, &e) || e.Code != 23 || !strings.Contains(e.Message, "belongs to sqlraft") {
			t.Errorf("Query(%q): %v", q, err)
		}
		if _, err := f.QuerySystem(context.Background(), q); err != nil {
			t.Errorf("QuerySystem(%q): %v", q, err)
		}
	}
	if r := apply(t, f, 2, cmd(2, "SELECT name FROM role_names")); r.Err == nil || !r.Err.NotReplicable {
		t.Errorf("a user command reading the view: %s", describe(r))
	}
}
