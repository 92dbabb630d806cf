package main

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/lib/pq"
)

// lib/pq through database/sql: parameters go as text (Parse, Describe,
// then Bind), queries without parameters as a simple Query, and
// transactions as BEGIN with options.
func TestClientLibPQ(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("postgres", startDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(4)
	exec := func(t *testing.T, query string, args ...any) sql.Result {
		t.Helper()
		r, err := db.ExecContext(ctx, query, args...)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return r
	}
	exec(t, "DROP TABLE IF EXISTS libpq_people")
	exec(t, `CREATE TABLE libpq_people (id serial PRIMARY KEY, name varchar(40) NOT NULL, email text UNIQUE,
		age integer, score double precision, active bool, born date, seen timestamptz, photo bytea)`)

	t.Run("ExecQuery", func(t *testing.T) {
		r := exec(t, "INSERT INTO libpq_people (name, email, age, score, active, photo) VALUES ($1, $2, $3, $4, $5, $6)",
			"Ann", "ann@example.com", 41, 9.5, true, []byte("\x00\x01\xff"))
		if n, err := r.RowsAffected(); err != nil || n != 1 {
			t.Errorf("RowsAffected %d, %v", n, err)
		}
		var id int
		if err := db.QueryRowContext(ctx, "INSERT INTO libpq_people (name, age) VALUES ($1, $2) RETURNING id", "Bob", 7).Scan(&id); err != nil || id < 1 {
			t.Fatalf("RETURNING id = %d, %v", id, err)
		}
		rows, err := db.QueryContext(ctx, "SELECT name, age, score, active, photo FROM libpq_people WHERE age > $1 ORDER BY age", 1)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var got []string
		for rows.Next() {
			var name string
			var age int64
			var score sql.NullFloat64
			var active sql.NullBool
			var photo []byte
			if err := rows.Scan(&name, &age, &score, &active, &photo); err != nil {
				t.Fatal(err)
			}
			got = append(got, name)
			if name == "Ann" && (age != 41 || score.Float64 != 9.5 || !active.Bool || string(photo) != "\x00\x01\xff") {
				t.Errorf("Ann: %d %v %v %q", age, score, active, photo)
			}
			if name == "Bob" && (score.Valid || active.Valid || photo != nil) {
				t.Errorf("Bob: %v %v %q, want NULLs", score, active, photo)
			}
		}
		if err := rows.Err(); err != nil || len(got) != 2 || got[0] != "Bob" || got[1] != "Ann" {
			t.Errorf("rows %v, %v", got, err)
		}
		r = exec(t, "UPDATE libpq_people SET age = age + 1 WHERE age IS NOT NULL")
		if n, _ := r.RowsAffected(); n != 2 {
			t.Errorf("UPDATE affected %d, want 2", n)
		}
	})

	t.Run("Nulls", func(t *testing.T) {
		exec(t, "INSERT INTO libpq_people (name, email, age) VALUES ($1, $2, $3)", "Nil", nil, nil)
		var email sql.NullString
		var age sql.NullInt64
		var seen sql.NullTime
		if err := db.QueryRowContext(ctx, "SELECT email, age, seen FROM libpq_people WHERE name = $1", "Nil").Scan(&email, &age, &seen); err != nil {
			t.Fatal(err)
		}
		if email.Valid || age.Valid || seen.Valid {
			t.Errorf("NULLs scanned as %v %v %v", email, age, seen)
		}
		if err := db.QueryRowContext(ctx, "SELECT email, age FROM libpq_people WHERE name = $1", "Ann").Scan(&email, &age); err != nil {
			t.Fatal(err)
		}
		if email.String != "ann@example.com" || !email.Valid || age.Int64 != 42 || !age.Valid {
			t.Errorf("Ann: %v %v", email, age)
		}
	})

	t.Run("Time", func(t *testing.T) {
		seen := time.Date(2024, 2, 29, 23, 59, 58, 123456000, time.FixedZone("-05", -5*3600))
		born := time.Date(1983, 7, 1, 0, 0, 0, 0, time.UTC)
		exec(t, "UPDATE libpq_people SET seen = $1, born = $2 WHERE name = $3", seen, born, "Ann")
		var gotSeen, gotBorn time.Time
		if err := db.QueryRowContext(ctx, "SELECT seen, born FROM libpq_people WHERE name = $1", "Ann").Scan(&gotSeen, &gotBorn); err != nil {
			t.Fatal(err)
		}
		if !gotSeen.Equal(seen) {
			t.Errorf("timestamptz %v, want %v", gotSeen, seen)
		}
		if y, m, d := gotBorn.Date(); y != 1983 || m != 7 || d != 1 {
			t.Errorf("date %v, want 1983-07-01", gotBorn)
		}
		var n int
		if err := db.QueryRowContext(ctx, "SELECT count(*) FROM libpq_people WHERE seen = $1", seen.UTC()).Scan(&n); err != nil || n != 1 {
			t.Errorf("match by time.Time: %d, %v", n, err)
		}
	})

	t.Run("Prepare", func(t *testing.T) {
		ins, err := db.PrepareContext(ctx, "INSERT INTO libpq_people (name, age) VALUES ($1, $2)")
		if err != nil {
			t.Fatal(err)
		}
		defer ins.Close()
		sel, err := db.PrepareContext(ctx, "SELECT age FROM libpq_people WHERE name = $1")
		if err != nil {
			t.Fatal(err)
		}
		defer sel.Close()
		for i, name := range []string{"p0", "p1", "p2", "p3", "p4", "p5"} {
			if _, err := ins.ExecContext(ctx, name, i*10); err != nil {
				t.Fatal(err)
			}
			var age int
			if err := sel.QueryRowContext(ctx, name).Scan(&age); err != nil || age != i*10 {
				t.Errorf("%s: age %d, %v", name, age, err)
			}
		}
	})

	t.Run("Transactions", func(t *testing.T) {
		tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable, ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM libpq_people").Scan(&n); err != nil || n < 3 {
			t.Errorf("read-only count %d, %v", n, err)
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM libpq_people")
		var pqErr *pq.Error
		if !errors.As(err, &pqErr) || pqErr.Code != "25006" {
			t.Errorf("DELETE in a read-only transaction: %v, want 25006", err)
		}
		tx.Rollback()

		tx, err = db.BeginTx(ctx, &sql.TxOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO libpq_people (name) VALUES ($1)", "tx1"); err != nil {
			t.Fatal(err)
		}
		if err := tx.Commit(); err != nil {
			t.Fatal(err)
		}
		tx, err = db.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO libpq_people (name) VALUES ($1)", "tx2"); err != nil {
			t.Fatal(err)
		}
		if err := tx.Rollback(); err != nil {
			t.Fatal(err)
		}
		var names []string
		rows, err := db.QueryContext(ctx, "SELECT name FROM libpq_people WHERE name LIKE 'tx%' ORDER BY name")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			rows.Scan(&s)
			names = append(names, s)
		}
		rows.Close()
		if len(names) != 1 || names[0] != "tx1" {
			t.Errorf("after commit and rollback: %v", names)
		}
	})

	t.Run("UniqueViolation", func(t *testing.T) {
		_, err := db.ExecContext(ctx, "INSERT INTO libpq_people (name, email) VALUES ($1, $2)", "Ann2", "ann@example.com")
		var pqErr *pq.Error
		if !errors.As(err, &pqErr) || pqErr.Code != "23505" || pqErr.Code.Name() != "unique_violation" ||
			pqErr.Constraint != "libpq_people_email_key" {
			t.Fatalf("duplicate email: %#v, want 23505 on libpq_people_email_key", err)
		}
		// Without parameters lib/pq uses the simple protocol.
		_, err = db.ExecContext(ctx, "INSERT INTO libpq_people (name, email) VALUES ('Ann3', 'ann@example.com')")
		if !errors.As(err, &pqErr) || pqErr.Code != "23505" {
			t.Fatalf("duplicate email, simple protocol: %v, want 23505", err)
		}
		if err := db.PingContext(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
