package pgwire_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

type failingReader struct{ data io.Reader }

func (r *failingReader) Read(p []byte) (int, error) {
	n, err := r.data.Read(p)
	if err == io.EOF {
		return n, errors.New("the client gave up")
	}
	return n, err
}

func TestCopy(t *testing.T) {
	ts := startServer(t)
	ctx := context.Background()
	c := ts.connect(t, pgx.QueryExecModeCacheStatement)
	mustExec(t, c, "CREATE TABLE loaded (id int PRIMARY KEY, v text, n numeric(6,2))")
	pc := c.PgConn()

	var in strings.Builder
	for i := 1; i <= 1000; i++ {
		in.WriteString(strings.Join([]string{itoa(i), "row " + itoa(i), itoa(i) + ".5"}, "\t") + "\n")
	}
	tag, err := pc.CopyFrom(ctx, strings.NewReader(in.String()), "COPY loaded FROM STDIN")
	if err != nil || tag.String() != "COPY 1000" {
		t.Fatalf("COPY FROM: %v %v", tag, err)
	}
	var out bytes.Buffer
	tag, err = pc.CopyTo(ctx, &out, "COPY (SELECT id, v, n FROM loaded WHERE id <= 2 ORDER BY id) TO STDOUT WITH (FORMAT csv)")
	if err != nil || tag.String() != "COPY 2" || out.String() != "1,row 1,1.50\n2,row 2,2.50\n" {
		t.Fatalf("COPY TO: %v %q %v", tag, out.String(), err)
	}

	// A client that fails mid-stream (CopyFail) loads nothing.
	_, err = pc.CopyFrom(ctx, &failingReader{strings.NewReader("2001\tx\t1\n")}, "COPY loaded FROM STDIN")
	if pgCode(err) != "57014" {
		t.Fatalf("CopyFail: %v", err)
	}
	// Bad data: the whole COPY is refused, nothing is loaded.
	_, err = pc.CopyFrom(ctx, strings.NewReader("3001\tok\t1\nnot-a-number\tx\t1\n"), "COPY loaded FROM STDIN")
	if pgCode(err) != "22P02" {
		t.Fatalf("bad data: %v", err)
	}
	// Inside a transaction block, COPY is part of it.
	tx, _ := c.Begin(ctx)
	if _, err := tx.Conn().PgConn().CopyFrom(ctx, strings.NewReader("4001\ty\t1\n"), "COPY loaded FROM STDIN"); err != nil {
		t.Fatal(err)
	}
	tx.Rollback(ctx)
	var n int
	if err := c.QueryRow(ctx, "SELECT count(*) FROM loaded WHERE id < 5000").Scan(&n); err != nil || n != 1000 {
		t.Fatalf("rows after failed and rolled back COPYs: %d %v", n, err)
	}
	// pgx's CopyFrom uses the binary format.
	rows := [][]any{{5001, "z", 1.5}, {5002, nil, nil}}
	if n, err := c.CopyFrom(ctx, pgx.Identifier{"loaded"}, []string{"id", "v", "n"}, pgx.CopyFromRows(rows)); err != nil || n != 2 {
		t.Fatalf("binary COPY: %d %v", n, err)
	}
	var v *string
	var num float64
	if err := c.QueryRow(ctx, "SELECT v, (SELECT n FROM loaded WHERE id = 5001) FROM loaded WHERE id = 5002").Scan(&v, &num); err != nil || v != nil || num != 1.5 {
		t.Fatalf("binary COPY rows: %v %v %v", v, num, err)
	}
	if _, err := pc.CopyFrom(ctx, strings.NewReader("garbage"), "COPY loaded FROM STDIN (FORMAT binary)"); pgCode(err) != "22P04" {
		t.Fatalf("malformed binary COPY: %v", err)
	}
	// COPY from a server file is refused.
	if _, err := c.Exec(ctx, "COPY loaded FROM '/etc/passwd'"); pgCode(err) != "0A000" {
		t.Fatalf("COPY FROM a file: %v", err)
	}
}

func itoa(i int) string {
	const d = "0123456789"
	if i < 10 {
		return d[i : i+1]
	}
	return itoa(i/10) + d[i%10:i%10+1]
}
