package pgwire_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"sqlraft/server"
)

// testServer is a real single-node sqlraft (raft log, SQLite, node
// transport) serving PostgreSQL clients on a free loopback port.
type testServer struct {
	srv *server.Server
	dsn string
}

func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func startServer(t testing.TB) *testServer {
	return startServerWith(t, nil)
}

func startServerWith(t testing.TB, configure func(*server.Config)) *testServer {
	t.Helper()
	ts := launchServer(t, configure)
	wctx, wcancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer wcancel()
	if _, err := ts.srv.Node().WaitLeader(wctx); err != nil {
		t.Fatal(err)
	}
	return ts
}

// launchServer starts a server without waiting for a leader.
func launchServer(t testing.TB, configure func(*server.Config)) *testServer {
	t.Helper()
	cfg := server.Config{
		NodeID:       1,
		DataDir:      t.TempDir(),
		PGAddr:       "127.0.0.1:0",
		RaftAddr:     freeAddr(t),
		HTTPAddr:     "127.0.0.1:0",
		TickInterval: 10 * time.Millisecond,
		Logger:       slog.New(slog.DiscardHandler),
	}
	if configure != nil {
		configure(&cfg)
	}
	s, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("server did not stop")
		}
	})
	ts := &testServer{srv: s, dsn: fmt.Sprintf("postgres://tester@%s/sqlraft?sslmode=disable", s.PGAddr())}
	return ts
}

// connect opens a pgx connection in the given mode.
func (ts *testServer) connect(t testing.TB, mode pgx.QueryExecMode) *pgx.Conn {
	t.Helper()
	cfg, err := pgx.ParseConfig(ts.dsn)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DefaultQueryExecMode = mode
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(context.Background()) })
	return c
}
