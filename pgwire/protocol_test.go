package pgwire_test

import (
	"context"
	"encoding/binary"
	"io"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgproto3"
)

// rawClient speaks the protocol message by message.
type rawClient struct {
	t  *testing.T
	nc net.Conn
	fe *pgproto3.Frontend
}

func (ts *testServer) raw(t *testing.T) *rawClient {
	t.Helper()
	nc, err := net.Dial("tcp", ts.srv.PGAddr())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	_ = nc.SetDeadline(time.Now().Add(20 * time.Second))
	return &rawClient{t: t, nc: nc, fe: pgproto3.NewFrontend(nc, nc)}
}

func (r *rawClient) startup() {
	r.t.Helper()
	r.fe.Send(&pgproto3.StartupMessage{ProtocolVersion: pgproto3.ProtocolVersion30, Parameters: map[string]string{"user": "raw", "database": "sqlraft"}})
	r.flush()
	r.until(func(m pgproto3.BackendMessage) bool { _, ok := m.(*pgproto3.ReadyForQuery); return ok })
}

func (r *rawClient) flush() {
	r.t.Helper()
	if err := r.fe.Flush(); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rawClient) send(msgs ...pgproto3.FrontendMessage) {
	r.t.Helper()
	for _, m := range msgs {
		r.fe.Send(m)
	}
	r.flush()
}

// until receives messages until stop says so, returning them all.
func (r *rawClient) until(stop func(pgproto3.BackendMessage) bool) []pgproto3.BackendMessage {
	r.t.Helper()
	var got []pgproto3.BackendMessage
	for {
		m, err := r.fe.Receive()
		if err != nil {
			r.t.Fatalf("receive after %d messages (%s): %v", len(got), kinds(got), err)
		}
		got = append(got, copyMsg(m))
		if stop(m) {
			return got
		}
	}
}

func (r *rawClient) untilReady() []pgproto3.BackendMessage {
	return r.until(func(m pgproto3.BackendMessage) bool { _, ok := m.(*pgproto3.ReadyForQuery); return ok })
}

// copyMsg keeps what tests look at of a reused flyweight message.
func copyMsg(m pgproto3.BackendMessage) pgproto3.BackendMessage {
	switch m := m.(type) {
	case *pgproto3.DataRow:
		vals := make([][]byte, len(m.Values))
		for i, v := range m.Values {
			if v != nil {
				vals[i] = append([]byte{}, v...)
			}
		}
		return &pgproto3.DataRow{Values: vals}
	case *pgproto3.CommandComplete:
		return &pgproto3.CommandComplete{CommandTag: append([]byte{}, m.CommandTag...)}
	case *pgproto3.ReadyForQuery:
		return &pgproto3.ReadyForQuery{TxStatus: m.TxStatus}
	case *pgproto3.ErrorResponse:
		c := *m
		return &c
	case *pgproto3.ParameterDescription:
		return &pgproto3.ParameterDescription{ParameterOIDs: append([]uint32{}, m.ParameterOIDs...)}
	}
	return m
}

func kinds(ms []pgproto3.BackendMessage) string {
	s := ""
	for _, m := range ms {
		switch m := m.(type) {
		case *pgproto3.ErrorResponse:
			s += "Error(" + m.Code + ") "
		case *pgproto3.CommandComplete:
			s += "Complete(" + string(m.CommandTag) + ") "
		case *pgproto3.ReadyForQuery:
			s += "Ready(" + string(m.TxStatus) + ") "
		default:
			name := ""
			switch m.(type) {
			case *pgproto3.ParseComplete:
				name = "ParseComplete"
			case *pgproto3.BindComplete:
				name = "BindComplete"
			case *pgproto3.DataRow:
				name = "DataRow"
			case *pgproto3.RowDescription:
				name = "RowDescription"
			case *pgproto3.PortalSuspended:
				name = "PortalSuspended"
			case *pgproto3.EmptyQueryResponse:
				name = "EmptyQuery"
			case *pgproto3.NoData:
				name = "NoData"
			case *pgproto3.ParameterDescription:
				name = "ParameterDescription"
			case *pgproto3.CloseComplete:
				name = "CloseComplete"
			default:
				name = "other"
			}
			s += name + " "
		}
	}
	return s
}

func TestExtendedProtocolSequences(t *testing.T) {
	ts := startServer(t)
	r := ts.raw(t)
	r.startup()
	r.send(&pgproto3.Query{String: "CREATE TABLE nums (n int PRIMARY KEY); INSERT INTO nums VALUES (1), (2), (3), (4), (5)"})
	if got := kinds(r.untilReady()); got != "Complete(CREATE TABLE) Complete(INSERT 0 5) Ready(I) " {
		t.Fatalf("setup: %s", got)
	}

	for _, tc := range []struct {
		name string
		msgs []pgproto3.FrontendMessage
		want string
	}{
		{"describe statement then execute with a row limit", []pgproto3.FrontendMessage{
			&pgproto3.Parse{Name: "s1", Query: "SELECT n FROM nums WHERE n > $1 ORDER BY n"},
			&pgproto3.Describe{ObjectType: 'S', Name: "s1"},
			&pgproto3.Bind{PreparedStatement: "s1", Parameters: [][]byte{[]byte("1")}},
			&pgproto3.Execute{MaxRows: 2},
			&pgproto3.Execute{MaxRows: 2},
			&pgproto3.Execute{},
			&pgproto3.Sync{},
		}, "ParseComplete ParameterDescription RowDescription BindComplete DataRow DataRow PortalSuspended DataRow DataRow PortalSuspended Complete(SELECT 0) Ready(I) "},
		{"statement without rows answers NoData", []pgproto3.FrontendMessage{
			&pgproto3.Parse{Query: "UPDATE nums SET n = n WHERE n = $1"},
			&pgproto3.Bind{Parameters: [][]byte{[]byte("3")}},
			&pgproto3.Describe{ObjectType: 'P'},
			&pgproto3.Execute{},
			&pgproto3.Sync{},
		}, "ParseComplete BindComplete NoData Complete(UPDATE 1) Ready(I) "},
		// Unlike PostgreSQL, a missing table is found when the statement
		// is described or run, not at Parse.
		{"an error discards messages until Sync", []pgproto3.FrontendMessage{
			&pgproto3.Parse{Query: "SELECT * FROM nosuch"},
			&pgproto3.Bind{},
			&pgproto3.Execute{},
			&pgproto3.Sync{},
			&pgproto3.Parse{Query: "SELECT 1"},
			&pgproto3.Bind{},
			&pgproto3.Execute{},
			&pgproto3.Sync{},
		}, "ParseComplete BindComplete Error(42P01) Ready(I) ParseComplete BindComplete DataRow Complete(SELECT 1) Ready(I) "},
		{"unknown statement and portal", []pgproto3.FrontendMessage{
			&pgproto3.Bind{PreparedStatement: "nope"},
			&pgproto3.Sync{},
			&pgproto3.Execute{Portal: "nope"},
			&pgproto3.Sync{},
		}, "Error(26000) Ready(I) Error(34000) Ready(I) "},
		{"duplicate statement name and close", []pgproto3.FrontendMessage{
			&pgproto3.Parse{Name: "dup", Query: "SELECT 1"},
			&pgproto3.Parse{Name: "dup", Query: "SELECT 2"},
			&pgproto3.Sync{},
			&pgproto3.Close{ObjectType: 'S', Name: "dup"},
			&pgproto3.Parse{Name: "dup", Query: "SELECT 2"},
			&pgproto3.Sync{},
		}, "ParseComplete Error(42P05) Ready(I) CloseComplete ParseComplete Ready(I) "},
		{"wrong parameter count", []pgproto3.FrontendMessage{
			&pgproto3.Parse{Query: "SELECT $1::int + $2::int"},
			&pgproto3.Bind{Parameters: [][]byte{[]byte("1")}},
			&pgproto3.Sync{},
		}, "ParseComplete Error(08P01) Ready(I) "},
		{"empty query", []pgproto3.FrontendMessage{
			&pgproto3.Query{String: ""},
			&pgproto3.Query{String: "-- ping"},
			&pgproto3.Query{String: ";"},
		}, "EmptyQuery Ready(I) EmptyQuery Ready(I) EmptyQuery Ready(I) "},
		{"transaction status in ReadyForQuery", []pgproto3.FrontendMessage{
			&pgproto3.Query{String: "BEGIN"},
			&pgproto3.Query{String: "SELEKT 1"},
			&pgproto3.Query{String: "SELECT 1"},
			&pgproto3.Query{String: "ROLLBACK"},
		}, "Complete(BEGIN) Ready(T) Error(42601) Ready(E) Error(25P02) Ready(E) Complete(ROLLBACK) Ready(I) "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r.send(tc.msgs...)
			want := 0
			for _, m := range tc.msgs {
				switch m.(type) {
				case *pgproto3.Sync, *pgproto3.Query:
					want++
				}
			}
			var got []pgproto3.BackendMessage
			for range want {
				got = append(got, r.untilReady()...)
			}
			if k := kinds(got); k != tc.want {
				t.Errorf("got  %s\nwant %s", k, tc.want)
			}
		})
	}
}

func TestBadInputGetsErrorAndServerKeepsServing(t *testing.T) {
	ts := startServer(t)
	good := ts.connect(t, pgx.QueryExecModeCacheStatement)

	expectFatal := func(t *testing.T, nc net.Conn, code string) {
		t.Helper()
		fe := pgproto3.NewFrontend(nc, nc)
		for {
			m, err := fe.Receive()
			if err != nil {
				t.Fatalf("connection closed without an error response (want %s): %v", code, err)
			}
			if e, ok := m.(*pgproto3.ErrorResponse); ok {
				if e.Code != code {
					t.Fatalf("error %s %q, want %s", e.Code, e.Message, code)
				}
				if _, err := fe.Receive(); err == nil {
					t.Fatal("connection still open after a FATAL error")
				}
				return
			}
		}
	}

	t.Run("garbage startup packet", func(t *testing.T) {
		nc, _ := net.Dial("tcp", ts.srv.PGAddr())
		defer nc.Close()
		nc.SetDeadline(time.Now().Add(10 * time.Second))
		nc.Write([]byte{0, 0, 0, 12, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4})
		expectFatal(t, nc, "08P01")
	})
	t.Run("startup packet with a huge length", func(t *testing.T) {
		nc, _ := net.Dial("tcp", ts.srv.PGAddr())
		defer nc.Close()
		nc.SetDeadline(time.Now().Add(10 * time.Second))
		nc.Write([]byte{0x7f, 0xff, 0xff, 0xff})
		expectFatal(t, nc, "08P01")
	})
	t.Run("oversized message", func(t *testing.T) {
		r := ts.raw(t)
		r.startup()
		hdr := []byte{'Q', 0, 0, 0, 0}
		binary.BigEndian.PutUint32(hdr[1:], 1<<30)
		r.nc.Write(hdr)
		expectFatal(t, r.nc, "08P01")
	})
	t.Run("unknown message type", func(t *testing.T) {
		r := ts.raw(t)
		r.startup()
		r.nc.Write([]byte{'!', 0, 0, 0, 4})
		expectFatal(t, r.nc, "08P01")
	})
	t.Run("bind with a negative parameter length", func(t *testing.T) {
		r := ts.raw(t)
		r.startup()
		r.send(&pgproto3.Parse{Query: "SELECT $1::text"})
		// Bind: portal "", statement "", 0 format codes, 1 parameter of length -5.
		body := []byte{0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfb, 0, 0}
		msg := append([]byte{'B', 0, 0, 0, 0}, body...)
		binary.BigEndian.PutUint32(msg[1:], uint32(4+len(body)))
		r.nc.Write(msg)
		expectFatal(t, r.nc, "08P01")
	})
	t.Run("client leaves in the middle of a transaction", func(t *testing.T) {
		r := ts.raw(t)
		r.startup()
		r.send(&pgproto3.Query{String: "CREATE TABLE left_behind (x int)"})
		r.untilReady()
		r.send(&pgproto3.Query{String: "BEGIN; INSERT INTO left_behind VALUES (1)"})
		r.untilReady()
		r.nc.Close()
		// The write gate and the apply connection are released: another
		// session can write at once.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if _, err := good.Exec(ctx, "INSERT INTO left_behind VALUES (2)"); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := good.QueryRow(ctx, "SELECT count(*) FROM left_behind").Scan(&n); err != nil || n != 1 {
			t.Fatalf("rows: %d %v (the abandoned transaction's row must not exist)", n, err)
		}
	})
	var one int
	if err := good.QueryRow(context.Background(), "SELECT 1").Scan(&one); err != nil {
		t.Fatalf("server stopped serving: %v", err)
	}
	_ = io.EOF
}
