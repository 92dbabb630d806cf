package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The clients in other languages run a test program from
// testdata/clients/<language>/ that takes the DSN as an argument, checks
// everything itself, and prints OK as its last line.

func expectOK(t *testing.T, r result) {
	t.Helper()
	if r.code != 0 || !strings.HasSuffix(r.stdout, "OK\n") {
		t.Fatalf("exit status %d\nstdout:\n%s\nstderr:\n%s", r.code, r.stdout, r.stderr)
	}
}

// psycopg2 2.9 (Debian python3-psycopg2): simple queries with client-side
// parameters, implicit transactions, Python types for every column type,
// IntegrityError 23505, executemany.
func TestClientPsycopg2(t *testing.T) {
	// python3 on PATH may be another installation (pyenv) without the
	// Debian module.
	python := ""
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if path := lookPath(p); path != "" && exec.Command(path, "-c", "import psycopg2").Run() == nil {
			python = path
			break
		}
	}
	requireClient(t, python != "", "python3 with psycopg2 (Debian package python3-psycopg2)")
	dsn := startDatabase(t)
	expectOK(t, run(t, filepath.Join(clientsDir, "python"), 60*time.Second, python, "psycopg2_test.py", dsn))
}

// node-postgres 8.x (npm package pg, pinned in package-lock.json):
// unnamed and named extended-protocol statements with untyped parameters,
// JS types for every column type, transactions, err.code 23505.
func TestClientNode(t *testing.T) {
	node, npm := lookPath("node"), lookPath("npm")
	requireClient(t, node != "" && npm != "", "node and npm (Debian packages nodejs, npm)")
	dir := filepath.Join(clientsDir, "node")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "pg", "package.json")); err != nil {
		r := run(t, dir, 5*time.Minute, npm, "ci", "--no-audit", "--no-fund")
		requireClient(t, r.code == 0, "node-postgres (`npm ci` in testdata/clients/node failed: "+strings.TrimSpace(r.stderr)+")")
	}
	dsn := startDatabase(t)
	// node-postgres parses date and timestamp (without zone) in local time.
	t.Setenv("TZ", "UTC")
	expectOK(t, run(t, dir, 60*time.Second, node, "test.js", dsn))
}

// pgjdbc (Debian libpostgresql-jdbc-java): a PreparedStatement run past
// prepareThreshold (named statements, binary results), executeBatch,
// autocommit off, ResultSetMetaData type names, SQLState 23505, isValid.
// getColumnTypeName makes pgjdbc query pg_catalog (pg_attribute,
// pg_attrdef) for columns whose RowDescription names a table OID; a server
// that sends table OID 0 is not asked.
func TestClientJDBC(t *testing.T) {
	const jar = "/usr/share/java/postgresql.jar"
	javac, java := lookPath("javac"), lookPath("java")
	_, err := os.Stat(jar)
	requireClient(t, javac != "" && java != "" && err == nil,
		"javac, java and "+jar+" (Debian packages default-jdk-headless, libpostgresql-jdbc-java)")
	src, err := filepath.Abs(filepath.Join(clientsDir, "java", "ClientTest.java"))
	if err != nil {
		t.Fatal(err)
	}
	classes := t.TempDir()
	if r := run(t, classes, 2*time.Minute, javac, "-d", classes, "-cp", jar, src); r.code != 0 {
		t.Fatalf("javac: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	dsn := startDatabase(t)
	url, user := jdbcURL(t, dsn)
	expectOK(t, run(t, classes, 60*time.Second, java, "-Duser.timezone=UTC", "-cp", classes+string(os.PathListSeparator)+jar, "ClientTest", url, user))
}
