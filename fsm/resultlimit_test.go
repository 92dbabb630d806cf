package fsm

import (
	"context"
	"errors"
	"testing"
)

// A read whose rows would exceed MaxResultBytes fails with
// ErrResultTooLarge instead of holding them all; the connection serves the
// next read as usual, and a read transaction is bounded alike.
func TestReadResultLimit(t *testing.T) {
	f, err := Open(t.TempDir(), Options{MaxResultBytes: 64 << 10})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	mustApply(t, f, 1, cmd(1,
		"CREATE TABLE big (id INTEGER PRIMARY KEY, v TEXT)",
		"WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 2000) INSERT INTO big SELECT i, printf('%0100d', i) FROM s ORDER BY i",
	))
	ctx := context.Background()
	if _, err := f.Query(ctx, "SELECT * FROM big"); !errors.Is(err, ErrResultTooLarge) {
		t.Fatalf("reading ~250 KB with a 64 KB limit: %v, want ErrResultTooLarge", err)
	}
	rows, err := f.Query(ctx, "SELECT * FROM big WHERE id <= 100")
	if err != nil || len(rows.Values) != 100 {
		t.Fatalf("a read within the limit: %v rows, %v", rows, err)
	}
	tx, err := f.BeginRead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Close()
	if _, err := tx.Query(ctx, "SELECT v FROM big"); !errors.Is(err, ErrResultTooLarge) {
		t.Fatalf("read transaction: %v, want ErrResultTooLarge", err)
	}
	if rows, err := tx.Query(ctx, "SELECT count(*) FROM big"); err != nil || rows.Values[0][0].Int() != 2000 {
		t.Fatalf("count after a refused read: %v, %v", rows, err)
	}
}
