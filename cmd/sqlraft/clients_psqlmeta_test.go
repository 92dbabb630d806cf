package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestClientPsqlMetaCommands runs psql 15's meta-commands (\dt, \d, \d
// table, \di, \dv, \l, \du, \dn, \df) against sqlraft after loading
// testdata/psql_meta/schema.sql, and compares each output with what
// PostgreSQL 15.18 printed for the same schema (NAME.pg15.out, produced
// once with a role and database named sqlraft). Where sqlraft's output
// differs on purpose, NAME.sqlraft.out holds the accepted output and the
// test compares with that instead, so the differences stay visible
// (diff NAME.pg15.out NAME.sqlraft.out) and cannot grow unnoticed.
func TestClientPsqlMetaCommands(t *testing.T) {
	_, err := exec.LookPath("psql")
	requireClient(t, err == nil, "psql")
	dsn := startDatabase(t)
	dir, err := filepath.Abs("../../testdata/psql_meta")
	if err != nil {
		t.Fatal(err)
	}
	psql := func(args ...string) result {
		return run(t, dir, 30*time.Second, "psql", append([]string{"-X", "-v", "ON_ERROR_STOP=1", dsn}, args...)...)
	}
	if r := psql("-q", "-f", "schema.sql"); r.code != 0 {
		t.Fatalf("schema.sql: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	f, err := os.Open(filepath.Join(dir, "commands.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		name, cmd, ok := strings.Cut(sc.Text(), "\t")
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			r := psql("-c", cmd)
			got := r.stdout + r.stderr
			if r.code != 0 {
				t.Fatalf("%s: exit %d\n%s", cmd, r.code, got)
			}
			if os.Getenv("SQLRAFT_UPDATE_ACCEPTED") != "" {
				writeAccepted(t, dir, name, got)
			}
			wantFile := filepath.Join(dir, name+".sqlraft.out")
			if _, err := os.Stat(wantFile); err != nil {
				wantFile = filepath.Join(dir, name+".pg15.out")
			}
			want, err := os.ReadFile(wantFile)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("%s differs from %s\n--- got:\n%s--- want:\n%s", cmd, filepath.Base(wantFile), got, want)
			}
		})
	}
}

// writeAccepted records sqlraft's output where it differs from
// PostgreSQL's (run with SQLRAFT_UPDATE_ACCEPTED=1, then review the diff).
func writeAccepted(t *testing.T, dir, name, got string) {
	pg, err := os.ReadFile(filepath.Join(dir, name+".pg15.out"))
	if err != nil {
		t.Fatal(err)
	}
	accepted := filepath.Join(dir, name+".sqlraft.out")
	if string(pg) == got {
		os.Remove(accepted)
		return
	}
	if err := os.WriteFile(accepted, []byte(got), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestClientJDBCMetadata prints pgjdbc's DatabaseMetaData (getTables,
// getColumns, getPrimaryKeys, getIndexInfo, getImportedKeys,
// getExportedKeys) for the same schema and compares it with PostgreSQL
// 15's (jdbc_meta.pg15.out) or the accepted sqlraft output.
func TestClientJDBCMetadata(t *testing.T) {
	const jar = "/usr/share/java/postgresql.jar"
	javac, java := lookPath("javac"), lookPath("java")
	_, err := os.Stat(jar)
	_, perr := exec.LookPath("psql")
	requireClient(t, javac != "" && java != "" && err == nil && perr == nil, "psql, javac, java and "+jar)
	dir, err := filepath.Abs("../../testdata/psql_meta")
	if err != nil {
		t.Fatal(err)
	}
	src, err := filepath.Abs(filepath.Join(clientsDir, "java", "MetaTest.java"))
	if err != nil {
		t.Fatal(err)
	}
	classes := t.TempDir()
	if r := run(t, classes, 2*time.Minute, javac, "-d", classes, "-cp", jar, src); r.code != 0 {
		t.Fatalf("javac: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	dsn := startDatabase(t)
	if r := run(t, dir, 30*time.Second, "psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", dsn, "-f", "schema.sql"); r.code != 0 {
		t.Fatalf("schema.sql: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	url, user := jdbcURL(t, dsn)
	r := run(t, classes, 60*time.Second, java, "-Duser.timezone=UTC", "-cp", classes+string(os.PathListSeparator)+jar, "MetaTest", url, user)
	if r.code != 0 {
		t.Fatalf("MetaTest: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if os.Getenv("SQLRAFT_UPDATE_ACCEPTED") != "" {
		writeAccepted(t, dir, "jdbc_meta", r.stdout)
	}
	wantFile := filepath.Join(dir, "jdbc_meta.sqlraft.out")
	if _, err := os.Stat(wantFile); err != nil {
		wantFile = filepath.Join(dir, "jdbc_meta.pg15.out")
	}
	want, err := os.ReadFile(wantFile)
	if err != nil {
		t.Fatal(err)
	}
	if r.stdout != string(want) {
		t.Errorf("DatabaseMetaData differs from %s\n--- got:\n%s--- want:\n%s", filepath.Base(wantFile), r.stdout, want)
	}
}
