package main

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The TestClient* tests are acceptance tests with real PostgreSQL clients:
// psql, pgbench, pgx, lib/pq, psycopg2, node-postgres and pgjdbc. Each one
// runs against a fresh single-node sqlraft, or against the server named by
// SQLRAFT_TEST_DSN (a real PostgreSQL 15 proves the tests themselves right):
//
//	SQLRAFT_TEST_DSN='postgres://postgres@127.0.0.1:5499/postgres?sslmode=disable' \
//	    go test -run TestClient ./cmd/sqlraft/
//
// Every test drops and creates its own tables, named with its own prefix
// (psql_, pgbench_, pgx_, libpq_, psycopg2_, node_, jdbc_), so the tests
// can share one database and be run again. A test whose client program is
// not installed is skipped, unless SQLRAFT_REQUIRE_CLIENTS is set (as
// .ci/run does), which turns the skip into a failure.

// clientsDir holds the clients' scripts and expected outputs.
var clientsDir = filepath.Join("..", "..", "testdata", "clients")

// startDatabase returns the DSN of a database for one test: SQLRAFT_TEST_DSN
// if set, else a single-node sqlraft started for this test and stopped when
// it ends.
func startDatabase(t *testing.T) (dsn string) {
	t.Helper()
	if dsn := os.Getenv("SQLRAFT_TEST_DSN"); dsn != "" {
		return dsn
	}
	a := freePorts(t, 3)
	p := start(t, "--data-dir", t.TempDir(), "--pg-addr", a[0], "--raft-addr", a[1], "--http-addr", a[2])
	p.waitReady(t, 30*time.Second)
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", a[0], time.Second)
		if err == nil {
			c.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no PostgreSQL listener on %s: %v", a[0], err)
		}
		select {
		case <-p.done:
			t.Fatalf("sqlraft exited before listening on %s: %v", a[0], p.err)
		case <-time.After(50 * time.Millisecond):
		}
	}
	return "postgres://sqlraft@" + a[0] + "/sqlraft?sslmode=disable"
}

// requireClient skips the test when a client is missing (found is false),
// or fails it when SQLRAFT_REQUIRE_CLIENTS is set.
func requireClient(t *testing.T, found bool, what string) {
	t.Helper()
	if found {
		return
	}
	if os.Getenv("SQLRAFT_REQUIRE_CLIENTS") != "" {
		t.Fatalf("%s is not installed and SQLRAFT_REQUIRE_CLIENTS is set (.ci/run installs it)", what)
	}
	t.Skipf("%s is not installed; set SQLRAFT_REQUIRE_CLIENTS=1 to fail instead", what)
}

// lookPath returns the first of the candidates that is an executable, by
// absolute path or on PATH, or "".
func lookPath(candidates ...string) string {
	for _, c := range candidates {
		if p, err := exec.LookPath(c); err == nil {
			return p
		}
	}
	return ""
}

// result is what a client program did.
type result struct {
	stdout, stderr string
	code           int // exit status; -1 if it did not exit normally
}

// run runs a client program with a time limit and returns its output and
// exit status; failing to start it at all fails the test.
func run(t *testing.T, dir string, timeout time.Duration, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PGCONNECT_TIMEOUT=10")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			r.code = ee.ExitCode()
		} else {
			t.Fatalf("%s %q: %v", name, args, err)
		}
	}
	if ctx.Err() != nil {
		t.Fatalf("%s %q: no exit within %v\nstdout:\n%s\nstderr:\n%s", name, args, timeout, r.stdout, r.stderr)
	}
	return r
}

// psql's scripts are testdata/clients/psql/NAME.sql. NAME.out is the exact
// stdout of `psql -X -v ON_ERROR_STOP=1 -At -f NAME.sql`. When NAME.err
// exists the script must stop with psql's ON_ERROR_STOP exit status 3, and
// each of its lines must appear in stderr, in that order; otherwise the
// exit status must be 0 and stderr (notices) is not compared.
func TestClientPsql(t *testing.T) {
	psql := lookPath("psql")
	requireClient(t, psql != "", "psql (Debian package postgresql-client-15)")
	dsn := startDatabase(t)
	dir := filepath.Join(clientsDir, "psql")
	scripts, err := filepath.Glob(filepath.Join(dir, "*.sql"))
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no scripts in %s: %v", dir, err)
	}
	for _, script := range scripts {
		name := strings.TrimSuffix(filepath.Base(script), ".sql")
		t.Run(name, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(dir, name+".out"))
			if err != nil {
				t.Fatal(err)
			}
			wantErr, err := os.ReadFile(filepath.Join(dir, name+".err"))
			wantCode := 3
			if os.IsNotExist(err) {
				wantCode = 0
			} else if err != nil {
				t.Fatal(err)
			}
			r := run(t, dir, 30*time.Second, psql, "-X", "-v", "ON_ERROR_STOP=1", "-At", "-d", dsn, "-f", name+".sql")
			if r.code != wantCode {
				t.Errorf("exit status %d, want %d\nstderr:\n%s", r.code, wantCode, r.stderr)
			}
			if r.stdout != string(want) {
				t.Errorf("stdout differs from %s.out\n%s\nstderr:\n%s", name, lineDiff(string(want), r.stdout), r.stderr)
			}
			rest := r.stderr
			for _, line := range strings.Split(strings.TrimSpace(string(wantErr)), "\n") {
				if line == "" {
					continue
				}
				i := strings.Index(rest, line)
				if i < 0 {
					t.Errorf("stderr lacks %q (after the previous expected line)\nstderr:\n%s", line, r.stderr)
					break
				}
				rest = rest[i+len(line):]
			}
		})
	}

	// psql -c sends each string verbatim, so the server sees a query that
	// is only a comment (pgx's "-- ping") and one that is only ";" (lib/pq's
	// ping); both answer EmptyQueryResponse and print nothing.
	t.Run("EmptyQueriesVerbatim", func(t *testing.T) {
		r := run(t, dir, 30*time.Second, psql, "-X", "-v", "ON_ERROR_STOP=1", "-At", "-d", dsn,
			"-c", "-- only a comment", "-c", ";", "-c", "", "-c", "SELECT 'after'")
		if r.code != 0 || r.stdout != "after\n" {
			t.Fatalf("exit %d, stdout %q, stderr %q; want 0 and \"after\\n\"", r.code, r.stdout, r.stderr)
		}
	})
}

// lineDiff shows the first differing line of two texts, with line numbers.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl || i >= len(w) || i >= len(g) {
			return fmt.Sprintf("first difference at line %d:\nwant %q\ngot  %q\nfull output:\n%s", i+1, wl, gl, got)
		}
	}
	return ""
}

// pgbench runs testdata/clients/pgbench/script.sql (insert a random key,
// read it back by primary key, update it) with 4 clients of 50 transactions
// each, in each of its three query modes.
func TestClientPgbench(t *testing.T) {
	// /usr/bin/pgbench is Debian's pg_wrapper, which needs the server
	// package; prefer the versioned binary.
	pgbench := lookPath("/usr/lib/postgresql/15/bin/pgbench", "pgbench")
	requireClient(t, pgbench != "", "pgbench (Debian package postgresql-15)")
	psql := lookPath("psql")
	requireClient(t, psql != "", "psql (Debian package postgresql-client-15)")
	dsn := startDatabase(t)
	dir := filepath.Join(clientsDir, "pgbench")
	for _, mode := range []string{"simple", "extended", "prepared"} {
		t.Run(mode, func(t *testing.T) {
			r := run(t, dir, 30*time.Second, psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", dsn,
				"-c", "DROP TABLE IF EXISTS pgbench_kv",
				"-c", "CREATE TABLE pgbench_kv (id bigint PRIMARY KEY, v integer NOT NULL, note text)")
			if r.code != 0 {
				t.Fatalf("create table: exit %d\n%s", r.code, r.stderr)
			}
			r = run(t, dir, 60*time.Second, pgbench, "-n", "-f", "script.sql", "-c", "4", "-j", "2", "-t", "50", "-M", mode, dsn)
			if r.code != 0 {
				t.Fatalf("pgbench -M %s: exit %d\nstdout:\n%s\nstderr:\n%s", mode, r.code, r.stdout, r.stderr)
			}
			for _, want := range []string{"query mode: " + mode, "number of clients: 4", "number of failed transactions: 0 (0.000%)"} {
				if !strings.Contains(r.stdout, want) {
					t.Errorf("pgbench output lacks %q:\n%s", want, r.stdout)
				}
			}
			m := regexp.MustCompile(`number of transactions actually processed: (\d+)/(\d+)`).FindStringSubmatch(r.stdout)
			if m == nil || m[1] != "200" || m[2] != "200" {
				t.Errorf("want 200/200 transactions processed:\n%s", r.stdout)
			}
			// Every transaction left one row (a key drawn twice is one row)
			// with v = 1, note 'updated'.
			r = run(t, dir, 30*time.Second, psql, "-X", "-At", "-v", "ON_ERROR_STOP=1", "-d", dsn,
				"-c", "SELECT count(*) > 150, count(*) <= 200, sum(v) = count(*), count(*) = sum(CASE WHEN note = 'updated' THEN 1 ELSE 0 END) FROM pgbench_kv")
			if r.code != 0 || r.stdout != "t|t|t|t\n" {
				t.Errorf("after pgbench: exit %d, %q, stderr %q; want t|t|t|t", r.code, r.stdout, r.stderr)
			}
		})
	}
}

// jdbcURL turns a postgres:// DSN into a pgjdbc URL and its user.
func jdbcURL(t *testing.T, dsn string) (jdbc, user string) {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	port := u.Port()
	if port == "" {
		port = "5432"
	}
	if _, err := strconv.Atoi(port); err != nil {
		t.Fatalf("DSN port %q", port)
	}
	q := url.Values{}
	if m := u.Query().Get("sslmode"); m != "" {
		q.Set("sslmode", m)
	}
	return "jdbc:postgresql://" + u.Hostname() + ":" + port + u.Path + "?" + q.Encode(), u.User.Username()
}
