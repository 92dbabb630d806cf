package pgwire_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"sqlraft/server"
)

// startCluster starts three real nodes in this process and returns them,
// leader first.
func startCluster(t *testing.T) []*testServer {
	t.Helper()
	peers := map[uint64]string{1: freeAddr(t), 2: freeAddr(t), 3: freeAddr(t)}
	var all []*testServer
	for id := uint64(1); id <= 3; id++ {
		ts := launchServer(t, func(c *server.Config) {
			c.NodeID = id
			c.RaftAddr = peers[id]
			c.Cluster = peers
			c.Logger = slog.New(slog.DiscardHandler)
		})
		all = append(all, ts)
	}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		lead := all[0].srv.Node().Leader()
		if lead != 0 && all[1].srv.Node().Leader() == lead && all[2].srv.Node().Leader() == lead {
			ordered := []*testServer{all[lead-1]}
			for i, ts := range all {
				if uint64(i+1) != lead {
					ordered = append(ordered, ts)
				}
			}
			return ordered
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("no leader agreed on")
	return nil
}

func TestFollowerServesReadsAndRefusesWritesNamingTheLeader(t *testing.T) {
	nodes := startCluster(t)
	leader, follower := nodes[0], nodes[1]
	ctx := context.Background()
	lc := leader.connect(t, pgx.QueryExecModeCacheStatement)
	mustExec(t, lc, "CREATE TABLE replicated (id int PRIMARY KEY, v text)")
	mustExec(t, lc, "INSERT INTO replicated VALUES (1, 'one')")

	fc := follower.connect(t, pgx.QueryExecModeCacheStatement)
	pc := fc.PgConn()
	if pc.ParameterStatus("in_hot_standby") != "on" || pc.ParameterStatus("default_transaction_read_only") != "on" {
		t.Errorf("follower reports in_hot_standby=%q default_transaction_read_only=%q, want on/on (libpq's target_session_attrs=read-write relies on them)",
			pc.ParameterStatus("in_hot_standby"), pc.ParameterStatus("default_transaction_read_only"))
	}
	var ro string
	if err := fc.QueryRow(ctx, "SHOW transaction_read_only").Scan(&ro); err != nil || ro != "on" {
		t.Errorf("SHOW transaction_read_only on a follower = %q, %v", ro, err)
	}
	// A linearizable read on the follower sees the leader's committed write.
	var v string
	if err := fc.QueryRow(ctx, "SELECT v FROM replicated WHERE id = $1", 1).Scan(&v); err != nil || v != "one" {
		t.Fatalf("read on follower: %q %v", v, err)
	}
	_, err := fc.Exec(ctx, "INSERT INTO replicated VALUES (2, 'two')")
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || pe.Code != "25006" {
		t.Fatalf("write on follower: %v, want 25006", err)
	}
	lead := leader.srv.Node().ID()
	if !strings.Contains(pe.Detail, fmt.Sprintf("node %d", lead)) {
		t.Errorf("25006 does not name the leader (node %d): %q / %q", lead, pe.Message, pe.Detail)
	}
	// libpq-style multi-host connection strings find the leader.
	dsn := fmt.Sprintf("postgres://tester@%s,%s/sqlraft?sslmode=disable&target_session_attrs=read-write",
		follower.srv.PGAddr(), leader.srv.PGAddr())
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, "INSERT INTO replicated VALUES (3, 'three')"); err != nil {
		t.Fatalf("target_session_attrs=read-write did not reach the leader: %v", err)
	}
}
