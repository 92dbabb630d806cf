package pgwire_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
)

// TestSerialColumnTypes: a serial key is int4 on the wire, a bigserial
// int8, an identity key its declared type, though SQLite declares them
// all INTEGER (the rowid alias); also through RETURNING, a view, an
// expression and a parameter compared with the key.
func TestSerialColumnTypes(t *testing.T) {
	ts := startServer(t)
	setup := ts.connect(t, pgx.QueryExecModeSimpleProtocol)
	mustExec(t, setup, "CREATE TABLE s (id serial PRIMARY KEY, v text)")
	mustExec(t, setup, "CREATE TABLE b (id bigserial PRIMARY KEY, v text)")
	mustExec(t, setup, "CREATE TABLE sm (id smallserial PRIMARY KEY, v text)")
	mustExec(t, setup, "CREATE TABLE ia (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text)")
	mustExec(t, setup, "CREATE VIEW sv AS SELECT id, v FROM s")
	for _, tb := range []string{"s", "b", "sm", "ia"} {
		mustExec(t, setup, "INSERT INTO "+tb+" (v) VALUES ('x')")
	}
	cases := []struct {
		sql  string
		args []any
		oid  uint32
	}{
		{"SELECT id FROM s", nil, 23},
		{"SELECT id FROM b", nil, 20},
		{"SELECT id FROM sm", nil, 21},
		{"SELECT id FROM ia", nil, 23},
		{"SELECT id FROM sv", nil, 23},
		{"SELECT id + 1 FROM s", nil, 23},
		{"SELECT id FROM s WHERE id = $1", []any{1}, 23},
		{"INSERT INTO s (v) VALUES ('y') RETURNING id", nil, 23},
	}
	for name, mode := range map[string]pgx.QueryExecMode{
		"describe_exec":   pgx.QueryExecModeDescribeExec,
		"simple_protocol": pgx.QueryExecModeSimpleProtocol,
	} {
		t.Run(name, func(t *testing.T) {
			c := ts.connect(t, mode)
			for _, tc := range cases {
				rows, err := c.Query(context.Background(), tc.sql, tc.args...)
				if err != nil {
					t.Fatalf("%s: %v", tc.sql, err)
				}
				oid := rows.FieldDescriptions()[0].DataTypeOID
				var v any
				for rows.Next() {
					vals, err := rows.Values()
					if err != nil {
						t.Fatalf("%s: %v", tc.sql, err)
					}
					v = vals[0]
				}
				if err := rows.Err(); err != nil {
					t.Fatalf("%s: %v", tc.sql, err)
				}
				if oid != tc.oid {
					t.Errorf("%s: type OID %d, want %d", tc.sql, oid, tc.oid)
				}
				if v == nil {
					t.Errorf("%s: no row", tc.sql)
				}
			}
		})
	}
	// pgx sees the parameter as int4 and binds an int32.
	c := ts.connect(t, pgx.QueryExecModeDescribeExec)
	sd, err := c.Prepare(context.Background(), "q", "SELECT v FROM s WHERE id = $1")
	if err != nil {
		t.Fatal(err)
	}
	if len(sd.ParamOIDs) != 1 || sd.ParamOIDs[0] != 23 {
		t.Errorf("parameter OIDs %v, want [23]", sd.ParamOIDs)
	}
}
