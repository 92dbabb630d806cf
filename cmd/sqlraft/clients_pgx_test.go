package main

import (
	"context"
	"errors"
	"math"
	"math/big"
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// pgx v5 in each of its five query modes: they differ in what goes on the
// wire (named or unnamed statements, Describe or not, binary or text
// parameters, or a simple Query with client-side literals), so each mode
// runs the whole set of checks on its own tables (pgx_<mode>_...).
func TestClientPgx(t *testing.T) {
	dsn := startDatabase(t)
	modes := []struct {
		name, short string
		mode        pgx.QueryExecMode
	}{
		{"CacheStatement", "cs", pgx.QueryExecModeCacheStatement},
		{"CacheDescribe", "cd", pgx.QueryExecModeCacheDescribe},
		{"DescribeExec", "de", pgx.QueryExecModeDescribeExec},
		{"Exec", "ex", pgx.QueryExecModeExec},
		{"SimpleProtocol", "sp", pgx.QueryExecModeSimpleProtocol},
	}
	for _, m := range modes {
		t.Run(m.name, func(t *testing.T) {
			cfg, err := pgx.ParseConfig(dsn)
			if err != nil {
				t.Fatal(err)
			}
			cfg.DefaultQueryExecMode = m.mode
			cfg.ConnectTimeout = 10 * time.Second
			px := &pgxTest{cfg: cfg, prefix: "pgx_" + m.short + "_"}
			t.Run("Types", px.types)
			t.Run("Nulls", px.nulls)
			t.Run("Returning", px.returning)
			t.Run("Batch", px.batch)
			t.Run("Transactions", px.transactions)
			t.Run("UniqueViolation", px.uniqueViolation)
			t.Run("Pool", px.pool)
			t.Run("Cancel", px.cancel)
			t.Run("Version", px.version)
		})
	}
}

type pgxTest struct {
	cfg    *pgx.ConnConfig
	prefix string
}

func (px *pgxTest) connect(t *testing.T) *pgx.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, px.cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// table drops and creates prefix+name with the given columns and returns
// its name.
func (px *pgxTest) table(t *testing.T, conn *pgx.Conn, name, columns string) string {
	t.Helper()
	table := px.prefix + name
	mustExec(t, conn, "DROP TABLE IF EXISTS "+table)
	mustExec(t, conn, "CREATE TABLE "+table+" ("+columns+")")
	return table
}

func mustExec(t *testing.T, conn *pgx.Conn, sql string, args ...any) pgconn.CommandTag {
	t.Helper()
	tag, err := conn.Exec(context.Background(), sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return tag
}

func count(t *testing.T, conn *pgx.Conn, table string) int64 {
	t.Helper()
	var n int64
	if err := conn.QueryRow(context.Background(), "SELECT count(*) FROM "+table).Scan(&n); err != nil {
		t.Fatalf("count %s: %v", table, err)
	}
	return n
}

const allTypesColumns = `id bigserial PRIMARY KEY, i2 smallint, i4 integer, i8 bigint, f4 real,
	f8 double precision, num numeric(10,2), t text, vc varchar(20), b bool, by bytea, d date,
	ts timestamp, tstz timestamptz, u uuid, j json, jb jsonb`

const allTypesInsert = `(i2, i4, i8, f4, f8, num, t, vc, b, by, d, ts, tstz, u, j, jb)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`

var (
	wantDate = time.Date(2024, 2, 29, 0, 0, 0, 0, time.UTC)
	wantTS   = time.Date(2024, 2, 29, 13, 14, 15, 123456000, time.UTC)
	wantTSTZ = time.Date(2024, 2, 29, 13, 14, 15, 500000000, time.FixedZone("+02", 2*3600))
	wantUUID = [16]byte{0xa0, 0xee, 0xbc, 0x99, 0x9c, 0x0b, 0x4e, 0xf8, 0xbb, 0x6d, 0x6b, 0xb9, 0xbd, 0x38, 0x0a, 0x11}
)

// Every type, as a parameter of its natural Go type and scanned back into
// one, then a second row of extreme values. JSON goes in as a string (in the
// Exec and SimpleProtocol modes pgx cannot encode a map for an unknown
// parameter type) and comes out as a map.
func (px *pgxTest) types(t *testing.T) {
	ctx := context.Background()
	conn := px.connect(t)
	table := px.table(t, conn, "types", allTypesColumns)
	var num pgtype.Numeric
	if err := num.Scan("1234.56"); err != nil {
		t.Fatal(err)
	}
	tag := mustExec(t, conn, "INSERT INTO "+table+" "+allTypesInsert,
		int16(-32768), int32(math.MaxInt32), int64(math.MaxInt64), float32(2.5), float64(0.1), num,
		"hello, 'world' \\ ü", "short", true, []byte{0xde, 0xad, 0xbe, 0xef, 0x00}, wantDate, wantTS, wantTSTZ,
		pgtype.UUID{Bytes: wantUUID, Valid: true}, `{"a": [1, "x"]}`, `{"k": true}`)
	if tag.String() != "INSERT 0 1" {
		t.Errorf("tag %q, want INSERT 0 1", tag)
	}

	var (
		i2       int16
		i4       int32
		i8       int64
		f4       float32
		f8       float64
		gotNum   pgtype.Numeric
		s, vc    string
		b        bool
		by       []byte
		d, ts    time.Time
		tstz     time.Time
		u        [16]byte
		j, jb    map[string]any
		numFloat float64
		uString  string
	)
	err := conn.QueryRow(ctx, "SELECT i2, i4, i8, f4, f8, num, t, vc, b, by, d, ts, tstz, u, j, jb, num, u FROM "+table+" WHERE i8 = $1", int64(math.MaxInt64)).
		Scan(&i2, &i4, &i8, &f4, &f8, &gotNum, &s, &vc, &b, &by, &d, &ts, &tstz, &u, &j, &jb, &numFloat, &uString)
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, got, want any) {
		t.Helper()
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, want %#v", what, got, want)
		}
	}
	check("int2", i2, int16(-32768))
	check("int4", i4, int32(math.MaxInt32))
	check("int8", i8, int64(math.MaxInt64))
	check("float4", f4, float32(2.5))
	check("float8", f8, 0.1)
	if v, err := gotNum.Value(); err != nil || v != "1234.56" {
		t.Errorf("numeric = %v (%v), want 1234.56", v, err)
	}
	check("numeric as float64", numFloat, 1234.56)
	check("text", s, "hello, 'world' \\ ü")
	check("varchar", vc, "short")
	check("bool", b, true)
	check("bytea", by, []byte{0xde, 0xad, 0xbe, 0xef, 0x00})
	if !d.Equal(wantDate) {
		t.Errorf("date = %v, want %v", d, wantDate)
	}
	if !ts.Equal(wantTS) {
		t.Errorf("timestamp = %v, want %v", ts, wantTS)
	}
	if !tstz.Equal(wantTSTZ) {
		t.Errorf("timestamptz = %v, want %v", tstz, wantTSTZ)
	}
	check("uuid", u, wantUUID)
	check("uuid as string", uString, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
	check("json", j, map[string]any{"a": []any{float64(1), "x"}})
	check("jsonb", jb, map[string]any{"k": true})

	// Extreme and empty values, with pgtype types as parameters.
	mustExec(t, conn, "INSERT INTO "+table+" "+allTypesInsert,
		int16(math.MaxInt16), int32(math.MinInt32), int64(math.MinInt64), float32(-0.5), float64(1e300),
		pgtype.Numeric{Int: big.NewInt(-99999999), Exp: -2, Valid: true}, "", "", false, []byte{},
		pgtype.Date{Time: time.Date(1999, 12, 31, 0, 0, 0, 0, time.UTC), Valid: true},
		pgtype.Timestamp{Time: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), Valid: true},
		pgtype.Timestamptz{Time: time.Date(1970, 1, 1, 0, 0, 0, 1000, time.UTC), Valid: true},
		pgtype.UUID{Valid: true}, "[]", `{"nested": {"x": null}}`)
	var (
		u2  pgtype.UUID
		ts2 pgtype.Timestamptz
		j2  any
		jb2 map[string]any
	)
	err = conn.QueryRow(ctx, "SELECT i2, i4, i8, f4, f8, num, t, vc, b, by, u, tstz, j, jb FROM "+table+" WHERE i8 = $1", int64(math.MinInt64)).
		Scan(&i2, &i4, &i8, &f4, &f8, &numFloat, &s, &vc, &b, &by, &u2, &ts2, &j2, &jb2)
	if err != nil {
		t.Fatal(err)
	}
	check("int2", i2, int16(math.MaxInt16))
	check("int4", i4, int32(math.MinInt32))
	check("int8", i8, int64(math.MinInt64))
	check("float4", f4, float32(-0.5))
	check("float8", f8, 1e300)
	check("numeric", numFloat, -999999.99)
	check("text", s, "")
	check("bool", b, false)
	check("bytea", by, []byte{})
	check("uuid", u2, pgtype.UUID{Valid: true})
	check("timestamptz", ts2.Time.UTC(), time.Date(1970, 1, 1, 0, 0, 0, 1000, time.UTC))
	check("json", j2, []any{})
	check("jsonb", jb2, map[string]any{"nested": map[string]any{"x": nil}})

	// Parameters in WHERE, compared with each type.
	var n int64
	err = conn.QueryRow(ctx, "SELECT count(*) FROM "+table+" WHERE b = $1 AND u = $2 AND by = $3 AND tstz = $4 AND d = $5",
		true, pgtype.UUID{Bytes: wantUUID, Valid: true}, []byte{0xde, 0xad, 0xbe, 0xef, 0x00}, wantTSTZ, wantDate).Scan(&n)
	if err != nil || n != 1 {
		t.Errorf("count by typed parameters = %d, %v; want 1", n, err)
	}
}

// NULL parameters, and NULLs scanned into pointers and pgtype types.
func (px *pgxTest) nulls(t *testing.T) {
	ctx := context.Background()
	conn := px.connect(t)
	table := px.table(t, conn, "nulls", allTypesColumns)
	var id int64
	err := conn.QueryRow(ctx, "INSERT INTO "+table+" "+allTypesInsert+" RETURNING id",
		nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	var (
		i2   *int16
		i4   *int32
		i8   *int64
		f4   *float32
		f8   *float64
		num  *float64
		s    *string
		vc   *string
		b    *bool
		by   []byte
		d    *time.Time
		ts   *time.Time
		tstz *time.Time
		u    *[16]byte
		j    map[string]any
		jb   *map[string]any
	)
	err = conn.QueryRow(ctx, "SELECT i2, i4, i8, f4, f8, num, t, vc, b, by, d, ts, tstz, u, j, jb FROM "+table+" WHERE id = $1", id).
		Scan(&i2, &i4, &i8, &f4, &f8, &num, &s, &vc, &b, &by, &d, &ts, &tstz, &u, &j, &jb)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range []any{i2, i4, i8, f4, f8, num, s, vc, b, by, d, ts, tstz, u, j, jb} {
		if !reflect.ValueOf(p).IsNil() {
			t.Errorf("column %d: %#v, want nil", i+1, p)
		}
	}
	var (
		pi2   pgtype.Int2
		pi4   pgtype.Int4
		pi8   pgtype.Int8
		pf4   pgtype.Float4
		pf8   pgtype.Float8
		pnum  pgtype.Numeric
		ps    pgtype.Text
		pvc   pgtype.Text
		pb    pgtype.Bool
		pd    pgtype.Date
		pts   pgtype.Timestamp
		ptstz pgtype.Timestamptz
		pu    pgtype.UUID
	)
	err = conn.QueryRow(ctx, "SELECT i2, i4, i8, f4, f8, num, t, vc, b, d, ts, tstz, u FROM "+table+" WHERE id = $1", id).
		Scan(&pi2, &pi4, &pi8, &pf4, &pf8, &pnum, &ps, &pvc, &pb, &pd, &pts, &ptstz, &pu)
	if err != nil {
		t.Fatal(err)
	}
	if pi2.Valid || pi4.Valid || pi8.Valid || pf4.Valid || pf8.Valid || pnum.Valid || ps.Valid || pvc.Valid ||
		pb.Valid || pd.Valid || pts.Valid || ptstz.Valid || pu.Valid {
		t.Errorf("a NULL scanned as valid: %+v", []any{pi2, pi4, pi8, pf4, pf8, pnum, ps, pvc, pb, pd, pts, ptstz, pu})
	}
	// A NULL into a non-pointer is an error, and IS NULL finds the row.
	var plain int64
	if err := conn.QueryRow(ctx, "SELECT i8 FROM "+table+" WHERE id = $1", id).Scan(&plain); err == nil {
		t.Error("scanning NULL into int64 succeeded")
	}
	var n int64
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+table+" WHERE t IS NULL AND u IS NULL AND jb IS NULL").Scan(&n); err != nil || n != 1 {
		t.Errorf("count IS NULL = %d, %v; want 1", n, err)
	}
}

// INSERT/UPDATE/DELETE ... RETURNING, and the command tags' row counts.
func (px *pgxTest) returning(t *testing.T) {
	ctx := context.Background()
	conn := px.connect(t)
	table := px.table(t, conn, "items", "id bigserial PRIMARY KEY, name text NOT NULL, qty integer")
	var id1, id2 int64
	if err := conn.QueryRow(ctx, "INSERT INTO "+table+" (name, qty) VALUES ($1, $2) RETURNING id", "a", 1).Scan(&id1); err != nil {
		t.Fatal(err)
	}
	if err := conn.QueryRow(ctx, "INSERT INTO "+table+" (name, qty) VALUES ($1, $2) RETURNING id", "b", 2).Scan(&id2); err != nil {
		t.Fatal(err)
	}
	if id1 < 1 || id2 <= id1 {
		t.Errorf("ids %d, %d: want increasing from 1", id1, id2)
	}
	rows, err := conn.Query(ctx, "UPDATE "+table+" SET qty = qty * 10 RETURNING name, qty")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int32{}
	for rows.Next() {
		var name string
		var qty int32
		if err := rows.Scan(&name, &qty); err != nil {
			t.Fatal(err)
		}
		got[name] = qty
	}
	if rows.Err() != nil || rows.CommandTag().String() != "UPDATE 2" {
		t.Errorf("UPDATE RETURNING: %v, tag %q", rows.Err(), rows.CommandTag())
	}
	if !reflect.DeepEqual(got, map[string]int32{"a": 10, "b": 20}) {
		t.Errorf("UPDATE RETURNING rows %v", got)
	}
	if tag := mustExec(t, conn, "UPDATE "+table+" SET qty = $1 WHERE name = $2", 7, "nobody"); tag.String() != "UPDATE 0" {
		t.Errorf("tag %q, want UPDATE 0", tag)
	}
	var name string
	if err := conn.QueryRow(ctx, "DELETE FROM "+table+" WHERE id = $1 RETURNING name", id1).Scan(&name); err != nil || name != "a" {
		t.Errorf("DELETE RETURNING = %q, %v", name, err)
	}
	if tag := mustExec(t, conn, "DELETE FROM "+table); tag.String() != "DELETE 1" {
		t.Errorf("tag %q, want DELETE 1", tag)
	}
	if err := conn.QueryRow(ctx, "SELECT name FROM "+table+" WHERE id = $1", id2).Scan(&name); !errors.Is(err, pgx.ErrNoRows) {
		t.Errorf("select of a deleted row: %v, want ErrNoRows", err)
	}
}

// SendBatch: several statements in one round trip, read in order.
func (px *pgxTest) batch(t *testing.T) {
	ctx := context.Background()
	conn := px.connect(t)
	table := px.table(t, conn, "batch", "id bigserial PRIMARY KEY, name text UNIQUE")
	b := &pgx.Batch{}
	b.Queue("INSERT INTO "+table+" (name) VALUES ($1)", "a")
	b.Queue("INSERT INTO "+table+" (name) VALUES ($1) RETURNING id", "b")
	b.Queue("SELECT count(*) FROM " + table)
	b.Queue("SELECT name FROM "+table+" WHERE name <> $1 ORDER BY id", "zzz")
	br := conn.SendBatch(ctx, b)
	if tag, err := br.Exec(); err != nil || tag.String() != "INSERT 0 1" {
		t.Fatalf("batch insert: %q, %v", tag, err)
	}
	var id, n int64
	if err := br.QueryRow().Scan(&id); err != nil || id < 1 {
		t.Fatalf("batch insert returning: %d, %v", id, err)
	}
	if err := br.QueryRow().Scan(&n); err != nil || n != 2 {
		t.Fatalf("batch count: %d, %v", n, err)
	}
	rows, _ := br.Query()
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || !reflect.DeepEqual(names, []string{"a", "b"}) {
		t.Fatalf("batch select: %v, %v", names, err)
	}
	if err := br.Close(); err != nil {
		t.Fatal(err)
	}
	// A failing statement fails the batch from there on.
	b = &pgx.Batch{}
	b.Queue("INSERT INTO "+table+" (name) VALUES ($1)", "c")
	b.Queue("INSERT INTO "+table+" (name) VALUES ($1)", "a")
	b.Queue("INSERT INTO "+table+" (name) VALUES ($1)", "d")
	err = conn.SendBatch(ctx, b).Close()
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "23505" {
		t.Fatalf("batch with a duplicate: %v, want 23505", err)
	}
	if n := count(t, conn, table+" WHERE name = 'd'"); n != 0 {
		t.Errorf("the statement after the failed one ran: %d rows", n)
	}
}
