package pgwire_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// Catalog columns reach clients with PostgreSQL's types: name (19), oid
// (26), bool (16) printed t/f, and regclass (2205) printed as the table's
// name, in both protocols.
func TestCatalogColumnsHavePostgresTypes(t *testing.T) {
	ts := startServer(t)
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeSimpleProtocol, pgx.QueryExecModeCacheStatement} {
		c := ts.connect(t, mode)
		mustExec(t, c, "CREATE TABLE IF NOT EXISTS wired (id serial PRIMARY KEY, v text)")
		rows, err := c.Query(context.Background(),
			"SELECT c.relname, c.oid, c.relhasindex, c.oid::regclass, c.relkind FROM pg_catalog.pg_class c WHERE c.relname = $1", "wired")
		if err != nil {
			t.Fatal(err)
		}
		fds := rows.FieldDescriptions()
		wantOIDs := []uint32{19, 26, 16, 2205, 18}
		for i, fd := range fds {
			if i < len(wantOIDs) && fd.DataTypeOID != wantOIDs[i] {
				t.Errorf("mode %v: column %s has type %d, want %d", mode, fd.Name, fd.DataTypeOID, wantOIDs[i])
			}
		}
		if !rows.Next() {
			t.Fatalf("no pg_class row for wired: %v", rows.Err())
		}
		vals, err := rows.Values()
		if err != nil {
			t.Fatal(err)
		}
		rows.Close()
		if vals[0] != "wired" || vals[2] != true || vals[3] != "wired" {
			t.Errorf("mode %v: row %#v; want relname wired, relhasindex true, regclass printed as wired", mode, vals)
		}
	}
}
