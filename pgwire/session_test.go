package pgwire_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"sqlraft/server"
)

func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func mustExec(t *testing.T, c *pgx.Conn, sql string, args ...any) pgconn.CommandTag {
	t.Helper()
	tag, err := c.Exec(context.Background(), sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return tag
}

func TestStartupReportsPostgres15Parameters(t *testing.T) {
	ts := startServer(t)
	c := ts.connect(t, pgx.QueryExecModeCacheStatement)
	pc := c.PgConn()
	for name, want := range map[string]string{
		"server_encoding":               "UTF8",
		"client_encoding":               "UTF8",
		"DateStyle":                     "ISO, MDY",
		"integer_datetimes":             "on",
		"standard_conforming_strings":   "on",
		"TimeZone":                      "UTC",
		"IntervalStyle":                 "postgres",
		"is_superuser":                  "on",
		"session_authorization":         "tester",
		"default_transaction_read_only": "off",
		"in_hot_standby":                "off",
		"application_name":              "",
	} {
		if got := pc.ParameterStatus(name); got != want {
			t.Errorf("ParameterStatus %s = %q, want %q", name, got, want)
		}
	}
	if v := pc.ParameterStatus("server_version"); !strings.HasPrefix(v, "15.") {
		t.Errorf("server_version = %q, want 15.x", v)
	}
	if pc.PID() == 0 || len(pc.SecretKey()) == 0 {
		t.Errorf("BackendKeyData missing: pid %d key %x", pc.PID(), pc.SecretKey())
	}
	mustExec(t, c, "SET application_name = 'unit test'")
	if got := pc.ParameterStatus("application_name"); got != "unit test" {
		t.Errorf("after SET, application_name = %q (no ParameterStatus?)", got)
	}
	var v string
	if err := c.QueryRow(context.Background(), "SHOW application_name").Scan(&v); err != nil || v != "unit test" {
		t.Errorf("SHOW application_name = %q, %v", v, err)
	}
}

func TestCommandTags(t *testing.T) {
	ts := startServer(t)
	c := ts.connect(t, pgx.QueryExecModeSimpleProtocol)
	for _, step := range []struct{ sql, tag string }{
		{"CREATE TABLE tags (id serial PRIMARY KEY, v text)", "CREATE TABLE"},
		{"INSERT INTO tags (v) VALUES ('a'), ('b'), ('c')", "INSERT 0 3"},
		{"UPDATE tags SET v = 'x' WHERE id > 1", "UPDATE 2"},
		{"SELECT * FROM tags", "SELECT 3"},
		{"DELETE FROM tags WHERE v = 'x'", "DELETE 2"},
		{"BEGIN", "BEGIN"},
		{"COMMIT", "COMMIT"},
		{"START TRANSACTION ISOLATION LEVEL SERIALIZABLE", "START TRANSACTION"},
		{"ROLLBACK", "ROLLBACK"},
		{"SET statement_timeout = '5s'", "SET"},
		{"TRUNCATE tags", "TRUNCATE TABLE"},
		{"CREATE INDEX tags_v ON tags (v)", "CREATE INDEX"},
		{"DROP TABLE tags", "DROP TABLE"},
		{"DEALLOCATE ALL", "DEALLOCATE ALL"},
		{"DISCARD ALL", "DISCARD ALL"},
		{"RESET ALL", "RESET"},
		{"SELECT set_config('application_name', 'by set_config', false)", "SELECT 1"},
		{"VACUUM", "VACUUM"},
	} {
		tag := mustExec(t, c, step.sql)
		if tag.String() != step.tag {
			t.Errorf("%s: tag %q, want %q", step.sql, tag.String(), step.tag)
		}
	}
}

func TestTypedRoundTripInEveryExecMode(t *testing.T) {
	ts := startServer(t)
	setup := ts.connect(t, pgx.QueryExecModeSimpleProtocol)
	mustExec(t, setup, `CREATE TABLE typed (
		id bigserial PRIMARY KEY, i2 smallint, i4 integer, i8 bigint, f4 real, f8 double precision,
		t text, vc varchar(20), b boolean, by bytea, d date, ts timestamp, tz timestamptz, u uuid)`)
	modes := map[string]pgx.QueryExecMode{
		"cache_statement": pgx.QueryExecModeCacheStatement,
		"cache_describe":  pgx.QueryExecModeCacheDescribe,
		"describe_exec":   pgx.QueryExecModeDescribeExec,
		"exec":            pgx.QueryExecModeExec,
		"simple_protocol": pgx.QueryExecModeSimpleProtocol,
	}
	when := time.Date(2024, 2, 29, 13, 14, 15, 123456000, time.UTC)
	day := time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)
	for name, mode := range modes {
		t.Run(name, func(t *testing.T) {
			c := ts.connect(t, mode)
			ctx := context.Background()
			var id int64
			err := c.QueryRow(ctx, `INSERT INTO typed (i2, i4, i8, f4, f8, t, vc, b, by, d, ts, tz, u)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
				int16(-7), int32(1<<30), int64(1)<<40, float32(1.5), 2.25, "it's", "vc", true, []byte{0, 1, 0xff},
				day, when, when, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11").Scan(&id)
			if err != nil {
				t.Fatal(err)
			}
			var (
				i2     int16
				i4     int32
				i8     int64
				f4     float32
				f8     float64
				s, vc  string
				b      bool
				by     []byte
				d, tsv time.Time
				tz     time.Time
				u      string
			)
			err = c.QueryRow(ctx, `SELECT i2, i4, i8, f4, f8, t, vc, b, by, d, ts, tz, u FROM typed WHERE id = $1`, id).
				Scan(&i2, &i4, &i8, &f4, &f8, &s, &vc, &b, &by, &d, &tsv, &tz, &u)
			if err != nil {
				t.Fatal(err)
			}
			if i2 != -7 || i4 != 1<<30 || i8 != 1<<40 || f4 != 1.5 || f8 != 2.25 || s != "it's" || vc != "vc" || !b ||
				string(by) != "\x00\x01\xff" || !d.Equal(day) || !tsv.Equal(when) || !tz.Equal(when) ||
				u != "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11" {
				t.Errorf("round trip: %v %v %v %v %v %q %q %v %x %v %v %v %v", i2, i4, i8, f4, f8, s, vc, b, by, d, tsv, tz, u)
			}
			// NULLs scan into pointers.
			var np *int64
			var ns *string
			if err := c.QueryRow(ctx, `SELECT i8, t FROM typed WHERE id = $1 AND $2::bool`, id, true).Scan(&np, &ns); err != nil {
				t.Fatal(err)
			}
			mustExec(t, c, `UPDATE typed SET i8 = NULL, t = NULL WHERE id = $1`, id)
			if err := c.QueryRow(ctx, `SELECT i8, t FROM typed WHERE id = $1`, id).Scan(&np, &ns); err != nil || np != nil || ns != nil {
				t.Errorf("NULLs: %v %v %v", np, ns, err)
			}
			// Expressions are typed: count(*) is a bigint, a comparison a boolean.
			var n int64
			var gt bool
			if err := c.QueryRow(ctx, `SELECT count(*), max(i4) > 0 FROM typed`).Scan(&n, &gt); err != nil || n < 1 || !gt {
				t.Errorf("count(*), max(i4) > 0 = %d, %v, %v", n, gt, err)
			}
		})
	}
}

func TestTransactions(t *testing.T) {
	ts := startServer(t)
	c := ts.connect(t, pgx.QueryExecModeCacheStatement)
	other := ts.connect(t, pgx.QueryExecModeCacheStatement)
	ctx := context.Background()
	mustExec(t, c, "CREATE TABLE acct (id int PRIMARY KEY, balance int NOT NULL)")
	mustExec(t, c, "INSERT INTO acct VALUES (1, 100), (2, 0)")

	t.Run("commit makes writes visible, reads see own writes", func(t *testing.T) {
		tx, err := c.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, "UPDATE acct SET balance = balance - 30 WHERE id = 1"); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, "UPDATE acct SET balance = balance + 30 WHERE id = 2"); err != nil {
			t.Fatal(err)
		}
		var b int
		if err := tx.QueryRow(ctx, "SELECT balance FROM acct WHERE id = 2").Scan(&b); err != nil || b != 30 {
			t.Fatalf("own write: %d %v", b, err)
		}
		if err := other.QueryRow(ctx, "SELECT balance FROM acct WHERE id = 2").Scan(&b); err != nil || b != 0 {
			t.Fatalf("uncommitted write visible to another session: %d %v", b, err)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		if err := other.QueryRow(ctx, "SELECT balance FROM acct WHERE id = 2").Scan(&b); err != nil || b != 30 {
			t.Fatalf("after commit: %d %v", b, err)
		}
	})

	t.Run("rollback discards", func(t *testing.T) {
		tx, _ := c.Begin(ctx)
		if _, err := tx.Exec(ctx, "DELETE FROM acct"); err != nil {
			t.Fatal(err)
		}
		if err := tx.Rollback(ctx); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := c.QueryRow(ctx, "SELECT count(*) FROM acct").Scan(&n); err != nil || n != 2 {
			t.Fatalf("after rollback: %d rows, %v", n, err)
		}
	})

	t.Run("an error aborts the block until ROLLBACK; COMMIT answers ROLLBACK", func(t *testing.T) {
		tx, _ := c.Begin(ctx)
		if _, err := tx.Exec(ctx, "INSERT INTO acct VALUES (3, 1)"); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO acct VALUES (1, 1)"); pgCode(err) != "23505" {
			t.Fatalf("duplicate key: %v", err)
		}
		if _, err := tx.Exec(ctx, "SELECT 1"); pgCode(err) != "25P02" {
			t.Fatalf("statement in failed transaction: %v", err)
		}
		if err := tx.Commit(ctx); !errors.Is(err, pgx.ErrTxCommitRollback) {
			t.Fatalf("commit of failed transaction: %v", err)
		}
		var n int
		if err := c.QueryRow(ctx, "SELECT count(*) FROM acct WHERE id = 3").Scan(&n); err != nil || n != 0 {
			t.Fatalf("row of rolled back transaction: %d, %v", n, err)
		}
	})

	t.Run("savepoints", func(t *testing.T) {
		tx, _ := c.Begin(ctx)
		if _, err := tx.Exec(ctx, "INSERT INTO acct VALUES (10, 1)"); err != nil {
			t.Fatal(err)
		}
		nested, err := tx.Begin(ctx) // SAVEPOINT
		if err != nil {
			t.Fatal(err)
		}
		if _, err := nested.Exec(ctx, "INSERT INTO acct VALUES (11, 1)"); err != nil {
			t.Fatal(err)
		}
		if _, err := nested.Exec(ctx, "INSERT INTO acct VALUES (10, 1)"); pgCode(err) != "23505" {
			t.Fatalf("duplicate: %v", err)
		}
		if err := nested.Rollback(ctx); err != nil { // ROLLBACK TO SAVEPOINT
			t.Fatal(err)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		rows, _ := c.Query(ctx, "SELECT id FROM acct WHERE id >= 10 ORDER BY id")
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
		if err != nil || len(ids) != 1 || ids[0] != 10 {
			t.Fatalf("after savepoint rollback: %v %v", ids, err)
		}
	})

	t.Run("read-only transaction refuses writes", func(t *testing.T) {
		tx, err := c.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, "DELETE FROM acct"); pgCode(err) != "25006" {
			t.Fatalf("write in read-only transaction: %v", err)
		}
	})

	t.Run("a snapshot overtaken before the first write fails with 40001", func(t *testing.T) {
		tx, _ := c.Begin(ctx)
		var b int
		if err := tx.QueryRow(ctx, "SELECT balance FROM acct WHERE id = 1").Scan(&b); err != nil {
			t.Fatal(err)
		}
		mustExec(t, other, "UPDATE acct SET balance = balance + 1 WHERE id = 1")
		if _, err := tx.Exec(ctx, "UPDATE acct SET balance = $1 WHERE id = 1", b-1); pgCode(err) != "40001" {
			t.Fatalf("lost update not detected: %v", err)
		}
		tx.Rollback(ctx)
	})

	t.Run("writes that did not change what the transaction read do not fail it", func(t *testing.T) {
		tx, _ := c.Begin(ctx)
		defer tx.Rollback(ctx)
		var b int
		if err := tx.QueryRow(ctx, "SELECT balance FROM acct WHERE id = $1", 1).Scan(&b); err != nil {
			t.Fatal(err)
		}
		mustExec(t, other, "UPDATE acct SET balance = balance + 1 WHERE id = 2")
		if _, err := tx.Exec(ctx, "UPDATE acct SET balance = $1 WHERE id = 1", b-1); err != nil {
			t.Fatalf("write after an unrelated concurrent write: %v", err)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}

		// A read whose answer changed fails the transaction, even if no
		// row it returned changed: here a row was added.
		tx2, _ := c.Begin(ctx)
		defer tx2.Rollback(ctx)
		var n int
		if err := tx2.QueryRow(ctx, "SELECT count(*) FROM acct WHERE balance >= 0").Scan(&n); err != nil {
			t.Fatal(err)
		}
		mustExec(t, other, "INSERT INTO acct VALUES (99, 5)")
		if _, err := tx2.Exec(ctx, "UPDATE acct SET balance = $1 WHERE id = 1", n); pgCode(err) != "40001" {
			t.Fatalf("write after a phantom: %v, want 40001", err)
		}
		mustExec(t, other, "DELETE FROM acct WHERE id = 99")
	})

	t.Run("SELECT FOR UPDATE holds the rows until commit: no 40001", func(t *testing.T) {
		var before int
		if err := c.QueryRow(ctx, "SELECT balance FROM acct WHERE id = 1").Scan(&before); err != nil {
			t.Fatal(err)
		}
		tx, _ := c.Begin(ctx)
		defer tx.Rollback(ctx)
		var b int
		if err := tx.QueryRow(ctx, "SELECT balance FROM acct WHERE id = 1 FOR UPDATE").Scan(&b); err != nil {
			t.Fatal(err)
		}
		// Another writer waits for the lock instead of overtaking us.
		otherDone := make(chan error, 1)
		go func() {
			_, err := other.Exec(ctx, "UPDATE acct SET balance = balance + 1 WHERE id = 1")
			otherDone <- err
		}()
		select {
		case err := <-otherDone:
			t.Fatalf("a concurrent write went through a FOR UPDATE lock: %v", err)
		case <-time.After(200 * time.Millisecond):
		}
		if _, err := tx.Exec(ctx, "UPDATE acct SET balance = $1 WHERE id = 1", b+10); err != nil {
			t.Fatalf("write after SELECT FOR UPDATE: %v", err)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		if err := <-otherDone; err != nil {
			t.Fatal(err)
		}
		var after int
		if err := c.QueryRow(ctx, "SELECT balance FROM acct WHERE id = 1").Scan(&after); err != nil || after != before+11 {
			t.Fatalf("balance %d (%v), want %d: both increments", after, err, before+11)
		}
	})

	t.Run("READ COMMITTED: each statement sees the latest commit; no 40001", func(t *testing.T) {
		tx, err := c.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted})
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		var b1, b2 int
		if err := tx.QueryRow(ctx, "SELECT balance FROM acct WHERE id = 1").Scan(&b1); err != nil {
			t.Fatal(err)
		}
		mustExec(t, other, "UPDATE acct SET balance = balance + 1 WHERE id = 1")
		if err := tx.QueryRow(ctx, "SELECT balance FROM acct WHERE id = 1").Scan(&b2); err != nil || b2 != b1+1 {
			t.Fatalf("second read in READ COMMITTED: %d (%v), want %d", b2, err, b1+1)
		}
		mustExec(t, other, "UPDATE acct SET balance = balance + 1 WHERE id = 1")
		if _, err := tx.Exec(ctx, "UPDATE acct SET balance = balance + 10 WHERE id = 1"); err != nil {
			t.Fatalf("write after an overtaken read in READ COMMITTED: %v", err)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		var after int
		if err := c.QueryRow(ctx, "SELECT balance FROM acct WHERE id = 1").Scan(&after); err != nil || after != b1+12 {
			t.Fatalf("balance %d (%v), want %d", after, err, b1+12)
		}
	})

	t.Run("LOCK TABLE: only in a transaction block, and it locks", func(t *testing.T) {
		if _, err := c.Exec(ctx, "LOCK TABLE acct IN EXCLUSIVE MODE"); pgCode(err) != "25P01" {
			t.Fatalf("LOCK outside a block: %v, want 25P01", err)
		}
		tx, _ := c.Begin(ctx)
		defer tx.Rollback(ctx)
		var b int
		if err := tx.QueryRow(ctx, "SELECT balance FROM acct WHERE id = 1").Scan(&b); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, "LOCK TABLE acct"); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, "UPDATE acct SET balance = $1 WHERE id = 1", b); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		ro, err := c.BeginTx(ctx, pgx.TxOptions{AccessMode: pgx.ReadOnly})
		if err != nil {
			t.Fatal(err)
		}
		defer ro.Rollback(ctx)
		if _, err := ro.Exec(ctx, "SELECT * FROM acct FOR UPDATE"); pgCode(err) != "25006" {
			t.Fatalf("FOR UPDATE in a read-only transaction: %v, want 25006", err)
		}
	})

	t.Run("multi-statement query is one implicit transaction", func(t *testing.T) {
		_, err := c.PgConn().Exec(ctx, "INSERT INTO acct VALUES (20, 1); INSERT INTO acct VALUES (1, 1)").ReadAll()
		if pgCode(err) != "23505" {
			t.Fatalf("want 23505, got %v", err)
		}
		var n int
		if err := c.QueryRow(ctx, "SELECT count(*) FROM acct WHERE id = 20").Scan(&n); err != nil || n != 0 {
			t.Fatalf("first statement of a failed implicit transaction kept: %d %v", n, err)
		}
	})
}

func TestConcurrentWritersAndTransactions(t *testing.T) {
	ts := startServer(t)
	setup := ts.connect(t, pgx.QueryExecModeSimpleProtocol)
	mustExec(t, setup, "CREATE TABLE counter (id int PRIMARY KEY, n int NOT NULL)")
	mustExec(t, setup, "INSERT INTO counter VALUES (1, 0)")
	const workers, each = 6, 15
	var wg sync.WaitGroup
	var mu sync.Mutex
	committed := 0
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := ts.connect(t, pgx.QueryExecModeCacheStatement)
			ctx := context.Background()
			for range each {
				if w%2 == 0 {
					if _, err := c.Exec(ctx, "UPDATE counter SET n = n + 1 WHERE id = 1"); err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					committed++
					mu.Unlock()
					continue
				}
				for {
					err := pgx.BeginFunc(ctx, c, func(tx pgx.Tx) error {
						var n int
						if err := tx.QueryRow(ctx, "SELECT n FROM counter WHERE id = 1").Scan(&n); err != nil {
							return err
						}
						_, err := tx.Exec(ctx, "UPDATE counter SET n = $1 WHERE id = 1", n+1)
						return err
					})
					if pgCode(err) == "40001" {
						continue // retry, as clients do
					}
					if err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					committed++
					mu.Unlock()
					break
				}
			}
		}()
	}
	wg.Wait()
	var n int
	if err := setup.QueryRow(context.Background(), "SELECT n FROM counter WHERE id = 1").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != committed || n != workers*each {
		t.Fatalf("counter = %d, committed increments = %d, want %d: lost update", n, committed, workers*each)
	}
}

// A result too large to hold fails with 54000 and a hint; the session
// and the server go on.
func TestOversizedResultFails(t *testing.T) {
	ts := startServerWith(t, func(cfg *server.Config) { cfg.MaxResultBytes = 64 << 10 })
	c := ts.connect(t, pgx.QueryExecModeExec)
	ctx := context.Background()
	mustExec(t, c, "CREATE TABLE big (id int PRIMARY KEY, v text)")
	mustExec(t, c, "INSERT INTO big WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 2000) SELECT i, printf('%0100d', i) FROM s ORDER BY i")
	var pe *pgconn.PgError
	if _, err := c.Exec(ctx, "SELECT * FROM big"); !errors.As(err, &pe) || pe.Code != "54000" || pe.Hint == "" {
		t.Fatalf("oversized result: %v, want 54000 with a hint", err)
	}
	var n int
	if err := c.QueryRow(ctx, "SELECT count(*) FROM big").Scan(&n); err != nil || n != 2000 {
		t.Fatalf("after the refused read: %d, %v", n, err)
	}
}

func TestErrorsCarrySQLSTATEAndFields(t *testing.T) {
	ts := startServer(t)
	c := ts.connect(t, pgx.QueryExecModeCacheStatement)
	ctx := context.Background()
	mustExec(t, c, "CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL UNIQUE, age int CHECK (age >= 0))")
	mustExec(t, c, "INSERT INTO users (email, age) VALUES ('a@b.c', 1)")
	_, err := c.Exec(ctx, "INSERT INTO users (email, age) VALUES ($1, 2)", "a@b.c")
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "23505" || pe.ConstraintName != "users_email_key" || pe.TableName != "users" {
		t.Errorf("unique violation: %#v", err)
	}
	for sql, code := range map[string]string{
		"INSERT INTO users (email, age) VALUES (NULL, 1)": "23502",
		"INSERT INTO users (email, age) VALUES ('x', -1)": "23514",
		"SELECT * FROM nosuch":                            "42P01",
		"SELECT nosuch FROM users":                        "42703",
		"SELEKT 1":                                        "42601",
		"SELECT nosuchfunc(1)":                            "42883",
		"CREATE TABLE users (x int)":                      "42P07",
	} {
		if _, err := c.Exec(ctx, sql); pgCode(err) != code {
			t.Errorf("%s: got %v, want %s", sql, err, code)
		}
	}
	// The connection is still usable after every error.
	var one int
	if err := c.QueryRow(ctx, "SELECT 1").Scan(&one); err != nil || one != 1 {
		t.Fatalf("after errors: %v", err)
	}
}

func TestCancelAndStatementTimeout(t *testing.T) {
	ts := startServer(t)
	c := ts.connect(t, pgx.QueryExecModeSimpleProtocol)
	const slow = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 500000000) SELECT count(*) FROM c"
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.Exec(ctx, slow)
	if err == nil {
		t.Fatal("slow query finished")
	}
	if time.Since(start) > 10*time.Second {
		t.Fatalf("cancel took %v", time.Since(start))
	}
	// pgx closes a connection whose query context ended; a new one works,
	// and statement_timeout gives 57014 on the server side alone.
	c2 := ts.connect(t, pgx.QueryExecModeSimpleProtocol)
	mustExec(t, c2, "SET statement_timeout = 200")
	if _, err := c2.Exec(context.Background(), slow); pgCode(err) != "57014" {
		t.Fatalf("statement_timeout: %v", err)
	}
	// (The timeout goes first: on a loaded machine SELECT 1 could take
	// 200 ms too.)
	mustExec(t, c2, "SET statement_timeout = 0")
	var one int
	if err := c2.QueryRow(context.Background(), "SELECT 1").Scan(&one); err != nil {
		t.Fatal(err)
	}
	// A CancelRequest from another connection interrupts the statement.
	c3 := ts.connect(t, pgx.QueryExecModeSimpleProtocol)
	go func() {
		time.Sleep(200 * time.Millisecond)
		_ = c3.PgConn().CancelRequest(context.Background())
	}()
	if _, err := c3.Exec(context.Background(), slow); pgCode(err) != "57014" {
		t.Fatalf("cancel request: %v", err)
	}
}

func TestIdleInTransactionTimeoutReleasesTheWriteGate(t *testing.T) {
	ts := startServer(t)
	ctx := context.Background()
	idle := ts.connect(t, pgx.QueryExecModeSimpleProtocol)
	mustExec(t, idle, "CREATE TABLE gate (x int)")
	mustExec(t, idle, "SET idle_in_transaction_session_timeout = '300ms'")
	mustExec(t, idle, "BEGIN")
	mustExec(t, idle, "INSERT INTO gate VALUES (1)")
	// The idle transaction holds the write gate; another writer waits
	// until the server ends the idle session.
	other := ts.connect(t, pgx.QueryExecModeSimpleProtocol)
	start := time.Now()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	mustExec(t, other, "INSERT INTO gate VALUES (2)")
	if waited := time.Since(start); waited > 5*time.Second || waited < 200*time.Millisecond {
		t.Errorf("second writer waited %v; want about the idle timeout", waited)
	}
	if _, err := idle.Exec(wctx, "COMMIT"); err == nil {
		t.Fatal("idle session still usable after its timeout")
	}
	var n int
	if err := other.QueryRow(ctx, "SELECT count(*) FROM gate").Scan(&n); err != nil || n != 1 {
		t.Fatalf("rows: %d %v (the timed-out transaction's row must not exist)", n, err)
	}
}
