package fsm

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// baseMicro is the clock reading of entry 0 in tests: 2024-03-01 12:34:56.789 UTC.
const baseMicro = 1709296496789000

// stmt builds a Statement from Go values.
func stmt(t testing.TB, sql string, params ...any) Statement {
	t.Helper()
	s := Statement{SQL: sql}
	for _, p := range params {
		v, err := ValueOf(p)
		if err != nil {
			t.Fatal(err)
		}
		s.Params = append(s.Params, v)
	}
	return s
}

// cmd builds an Atomic command for entry i, with the clock and seed tests
// use for that entry.
func cmd(i uint64, sqls ...string) Command {
	c := Command{Mode: Atomic, UnixMicro: baseMicro + int64(i)*1_234_567, Seed: 1000 + i}
	for _, s := range sqls {
		c.Statements = append(c.Statements, Statement{SQL: s})
	}
	return c
}

func openFSM(t testing.TB) *FSM {
	t.Helper()
	f, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// apply applies c at index and returns the result.
func apply(t testing.TB, f *FSM, index uint64, c Command) *Result {
	t.Helper()
	r, _ := f.Apply(index, 1, c.Marshal()).(*Result)
	if r == nil {
		t.Fatalf("Apply(%d) returned no result", index)
	}
	return r
}

// mustApply applies c and fails the test on any statement error.
func mustApply(t testing.TB, f *FSM, index uint64, c Command) *Result {
	t.Helper()
	r := apply(t, f, index, c)
	if r.Err != nil {
		t.Fatalf("entry %d: %v", index, r.Err)
	}
	for _, s := range r.Statements {
		if s.Err != nil {
			t.Fatalf("entry %d: %v", index, s.Err)
		}
	}
	return r
}

func checksum(t testing.TB, f *FSM) [32]byte {
	t.Helper()
	sum, _, err := f.Checksum(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// dump renders every user table, for comparing replicas and for reading in
// test output.
func dump(t testing.TB, f *FSM) string {
	t.Helper()
	s, err := dumpTables(f)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func dumpTables(f *FSM) (string, error) {
	ctx := context.Background()
	tables, err := f.Query(ctx, `SELECT name FROM sqlite_schema WHERE type = 'table'
		AND name NOT GLOB 'sqlite_stat*' AND name NOT GLOB '_sqlraft*' ORDER BY name`)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, row := range tables.Values {
		name := row[0].Text()
		rows, err := f.Query(ctx, "SELECT rowid AS rowid_, * FROM "+quoteIdent(name)+" ORDER BY 1")
		if err != nil {
			// WITHOUT ROWID tables have no rowid.
			if rows, err = f.Query(ctx, "SELECT * FROM "+quoteIdent(name)+" ORDER BY 1"); err != nil {
				return "", err
			}
		}
		fmt.Fprintf(&b, "%s:\n", name)
		for _, r := range rows.Values {
			var cells []string
			for _, v := range r {
				cells = append(cells, v.String())
			}
			fmt.Fprintf(&b, "  %s\n", strings.Join(cells, " | "))
		}
	}
	return b.String(), nil
}

// describe renders a result, for comparing replicas.
func describe(r *Result) string {
	if r == nil {
		return "<nil>"
	}
	var b strings.Builder
	for i, s := range r.Statements {
		fmt.Fprintf(&b, "[%d] affected=%d lastid=%d cols=%v rows=%v", i, s.RowsAffected, s.LastInsertID, s.Columns, s.Rows)
		if s.Err != nil {
			fmt.Fprintf(&b, " err=%v notreplicable=%v", s.Err, s.Err.NotReplicable)
		}
		b.WriteString("; ")
	}
	if r.Err != nil {
		fmt.Fprintf(&b, "command err=%v", r.Err)
	}
	return b.String()
}
