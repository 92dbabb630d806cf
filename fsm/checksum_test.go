package fsm

import (
	"os"
	"testing"
)

// The checksum is of logical content: the same rows reached by different
// physical histories compare equal; any change of a value, of its storage
// class, of the schema or of sqlite_sequence compares different.
func TestChecksumIsLogical(t *testing.T) {
	schema := cmd(1, "CREATE TABLE t(id INTEGER PRIMARY KEY, at DATETIME, v)",
		"CREATE TABLE s(id INTEGER PRIMARY KEY AUTOINCREMENT, v)", "CREATE INDEX t_v ON t(v)")
	final := cmd(3, "INSERT INTO t VALUES (1, '2024-01-01 10:00:00', 1), (2, NULL, 'two')", "INSERT INTO s(v) VALUES ('x')")

	a := openFSM(t)
	mustApply(t, a, 1, schema)
	mustApply(t, a, 2, cmd(2, "SELECT 1"))
	mustApply(t, a, 3, final)

	// b gets there with a lot of churn: a bigger file with free pages, and
	// ANALYZE statistics, which the checksum leaves out.
	b := openFSM(t)
	mustApply(t, b, 1, schema)
	mustApply(t, b, 2, cmd(2, `WITH RECURSIVE n(x) AS (SELECT 100 UNION ALL SELECT x + 1 FROM n WHERE x < 3000)
		INSERT INTO t SELECT x, NULL, randomblob(500) FROM n ORDER BY x`, "DELETE FROM t", "ANALYZE"))
	mustApply(t, b, 3, final)
	mustApply(t, b, 4, cmd(4, "INSERT INTO s(v) VALUES ('y')", "DELETE FROM s WHERE v = 'y'", "UPDATE sqlite_sequence SET seq = 1"))

	sizeA, sizeB := fileSize(t, a), fileSize(t, b)
	if checksum(t, a) != checksum(t, b) {
		t.Fatalf("same content, different checksums:\n%s\nvs\n%s", dump(t, a), dump(t, b))
	}
	t.Logf("equal checksums for files of %d and %d bytes (WAL included)", sizeA, sizeB)

	base := checksum(t, a)
	for i, change := range []string{
		"UPDATE t SET at = '2024-01-01T10:00:00Z' WHERE id = 1", // the same instant, other text
		"UPDATE t SET v = 1.0 WHERE id = 1",                     // real instead of integer
		"UPDATE t SET v = '1' WHERE id = 1",                     // text instead of integer
		"UPDATE sqlite_sequence SET seq = 5",                    // only the sequence
		"CREATE INDEX t_at ON t(at)",                            // only the schema
		"INSERT INTO s(v) VALUES ('z')",                         // a row
	} {
		c := openFSM(t)
		mustApply(t, c, 1, schema)
		mustApply(t, c, 2, cmd(2, "SELECT 1"))
		mustApply(t, c, 3, final)
		mustApply(t, c, 4, cmd(4, change))
		if checksum(t, c) == base {
			t.Errorf("change %d (%s) kept the checksum", i, change)
		}
	}
}

func fileSize(t *testing.T, f *FSM) int64 {
	var n int64
	for _, suffix := range []string{"", "-wal"} {
		if st, err := os.Stat(f.path + suffix); err == nil {
			n += st.Size()
		}
	}
	return n
}
