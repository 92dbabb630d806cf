package fsm

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// refusedStatements cannot be replicated: Validate refuses them on the
// proposer, and Apply refuses them the same way on every node if they get
// into the log anyway.
var refusedStatements = []struct{ sql, reason string }{
	{"ATTACH 'other.db' AS other", "ATTACH"},
	{"DETACH other", "ATTACH and DETACH"},
	{"SELECT load_extension('evil')", "load_extension()"},
	{"PRAGMA journal_mode=DELETE", "PRAGMA journal_mode=DELETE"},
	{"PRAGMA synchronous=OFF", "PRAGMA synchronous=OFF"},
	{"PRAGMA page_count", "PRAGMA page_count"},
	{"VACUUM INTO '/tmp/copy.db'", "VACUUM"},
	{"VACUUM", "VACUUM"},
	{"SELECT last_insert_rowid()", "last_insert_rowid()"},
	{"INSERT INTO t(v) VALUES (changes())", "changes()"},
	{"SELECT sqlite_version()", "sqlite_version()"},
	{"SELECT sqlite_offset(v) FROM t", "sqlite_offset()"},
	{"CREATE TABLE d(v DEFAULT (total_changes()))", "total_changes()"},
	{"CREATE TEMP TABLE tmp(x)", "temporary objects"},
	{"BEGIN", "BEGIN"},
	{"SELECT * FROM dbstat", "dbstat"},
	{"CREATE VIRTUAL TABLE s USING dbstat", "module"},
	{"UPDATE _sqlraft_meta SET applied_index = 0", "belongs to sqlraft"},
	{"INSERT INTO t(v) SELECT v FROM t", "ORDER BY"},
	{"SELECT 1; SELECT 2", "exactly one SQL statement"},
}

func TestValidateRefuses(t *testing.T) {
	f := openFSM(t)
	mustApply(t, f, 1, cmd(1, "CREATE TABLE t(v)"))
	for _, tc := range refusedStatements {
		err := f.Validate([]Statement{{SQL: "SELECT 1"}, {SQL: tc.sql}})
		var nr *NotReplicableError
		if !errors.As(err, &nr) {
			t.Errorf("Validate(%q) = %v, want *NotReplicableError", tc.sql, err)
			continue
		}
		if nr.Statement != 1 || nr.SQL != tc.sql || !strings.Contains(nr.Reason, tc.reason) {
			t.Errorf("Validate(%q) = %+v, want statement 1 and a reason about %q", tc.sql, nr, tc.reason)
		}
	}
	// What can be replicated passes, including statements that only fail
	// at apply time (the table does not exist yet).
	ok := []string{
		"INSERT INTO t VALUES (random())", "SELECT datetime('now', 'localtime')", "PRAGMA table_info(t)",
		"PRAGMA user_version", "CREATE TABLE later(x DEFAULT CURRENT_TIMESTAMP)", "INSERT INTO nosuch VALUES (1)",
		"INSERT INTO t(v) SELECT v FROM t ORDER BY rowid", "SAVEPOINT mine", "CREATE VIRTUAL TABLE ft USING fts5(body)",
		"CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT CASE WHEN new.v IS NULL THEN 1 END; INSERT INTO t VALUES (1); END",
	}
	for _, sql := range ok {
		if err := f.Validate([]Statement{{SQL: sql}}); err != nil {
			t.Errorf("Validate(%q) = %v", sql, err)
		}
	}
	t.Logf("example: %v", f.Validate([]Statement{{SQL: "PRAGMA journal_mode=DELETE"}}))
}

func TestApplyRefusesTheSameOnEveryNode(t *testing.T) {
	var results [3][]string
	var sums [3][32]byte
	for n := range 3 {
		dir := t.TempDir()
		f, err := Open(filepath.Join(dir, "node"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		mustApply(t, f, 1, cmd(1, "CREATE TABLE t(v)", "INSERT INTO t VALUES (1)"))
		for i, tc := range refusedStatements {
			index := uint64(i + 2)
			r := apply(t, f, index, cmd(index, tc.sql))
			if r.Err == nil || !r.Err.NotReplicable || r.Err.Code != 23 {
				t.Errorf("Apply(%q) = %s, want a not-replicable error", tc.sql, describe(r))
			}
			results[n] = append(results[n], describe(r))
		}
		if want := uint64(len(refusedStatements) + 1); f.AppliedIndex() != want {
			t.Errorf("AppliedIndex %d, want %d: refused entries are applied (as errors)", f.AppliedIndex(), want)
		}
		sums[n] = checksum(t, f)
		if got := dump(t, f); got != "t:\n  1 | 1\n" {
			t.Errorf("refused statements changed the content:\n%s", got)
		}
	}
	for n := 1; n < 3; n++ {
		if sums[n] != sums[0] || strings.Join(results[n], "\n") != strings.Join(results[0], "\n") {
			t.Errorf("replica %d differs", n)
		}
	}
	t.Logf("e.g. %s", results[0][0])
}
