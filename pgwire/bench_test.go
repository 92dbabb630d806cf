package pgwire_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// The benchmarks run the same pgx workload against an in-process
// single-node sqlraft and, when its binaries are installed, a local
// PostgreSQL 15 started for the run:
//
//	go test -run '^$' -bench 'Point|Insert' -benchtime 3000x ./pgwire/
//
// Reported: ns/op (throughput), p50-us and p99-us (per-operation
// latency), cpu-us/op (CPU of this process per operation: for sqlraft the
// client and the whole server, for PostgreSQL the client only).

const pgBin = "/usr/lib/postgresql/15/bin"

// startPostgres starts a throwaway PostgreSQL 15 owned by the postgres
// user and returns its DSN, or skips.
func startPostgres(b *testing.B) string {
	b.Helper()
	if _, err := os.Stat(filepath.Join(pgBin, "postgres")); err != nil {
		b.Skip("PostgreSQL 15 is not installed")
	}
	pgUser, err := user.Lookup("postgres")
	if err != nil {
		b.Skip("no postgres user")
	}
	uid, _ := strconv.Atoi(pgUser.Uid)
	gid, _ := strconv.Atoi(pgUser.Gid)
	dir, err := os.MkdirTemp("", "pgbench-data")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chown(dir, uid, gid); err != nil {
		b.Fatal(err)
	}
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	run := func(args ...string) {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}}
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%v: %v\n%s", args, err, out)
		}
	}
	data := filepath.Join(dir, "data")
	run(filepath.Join(pgBin, "initdb"), "-D", data, "-A", "trust", "-U", "postgres", "--no-sync")
	run(filepath.Join(pgBin, "pg_ctl"), "-D", data, "-w", "-l", filepath.Join(dir, "log"),
		"-o", fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1", port, dir), "start")
	b.Cleanup(func() { run(filepath.Join(pgBin, "pg_ctl"), "-D", data, "-m", "fast", "stop") })
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
}

type target struct {
	name string
	dsn  func(b *testing.B) string
}

var benchTargets = []target{
	{"sqlraft", func(b *testing.B) string { return startServer(b).dsn }},
	{"postgres15", startPostgres},
}

func benchPool(b *testing.B, dsn string, clients int) *pgxpool.Pool {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		b.Fatal(err)
	}
	cfg.MaxConns = int32(clients)
	cfg.MinConns = int32(clients)
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	return pool
}

// runClients runs op b.N times spread over clients goroutines and reports
// latency percentiles and CPU per operation.
func runClients(b *testing.B, clients int, op func(ctx context.Context, i int64) error) {
	ctx := context.Background()
	lat := make([]time.Duration, b.N)
	var next atomic.Int64
	var wg sync.WaitGroup
	var ru0, ru1 syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	b.ResetTimer()
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				start := time.Now()
				if err := op(ctx, i); err != nil {
					b.Error(err)
					return
				}
				lat[i] = time.Since(start)
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru1)
	cpu := time.Duration(ru1.Utime.Nano()-ru0.Utime.Nano()) + time.Duration(ru1.Stime.Nano()-ru0.Stime.Nano())
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-us")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-us")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-us/op")
}

func BenchmarkPointSelect(b *testing.B) {
	for _, tg := range benchTargets {
		b.Run(tg.name, func(b *testing.B) {
			dsn := tg.dsn(b)
			setup, err := pgx.Connect(context.Background(), dsn)
			if err != nil {
				b.Fatal(err)
			}
			defer setup.Close(context.Background())
			for _, q := range []string{
				"DROP TABLE IF EXISTS bench_kv",
				"CREATE TABLE bench_kv (id bigint PRIMARY KEY, v text NOT NULL)",
				"INSERT INTO bench_kv SELECT i, 'value ' || i FROM (WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1000) SELECT i FROM s) AS t ORDER BY i",
			} {
				if _, err := setup.Exec(context.Background(), q); err != nil {
					b.Fatal(q, err)
				}
			}
			for _, clients := range []int{1, 16, 64} {
				b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
					pool := benchPool(b, dsn, clients)
					runClients(b, clients, func(ctx context.Context, i int64) error {
						var v string
						return pool.QueryRow(ctx, "SELECT v FROM bench_kv WHERE id = $1", i%1000+1).Scan(&v)
					})
				})
			}
		})
	}
}

func BenchmarkInsert(b *testing.B) {
	for _, tg := range benchTargets {
		b.Run(tg.name, func(b *testing.B) {
			dsn := tg.dsn(b)
			for _, clients := range []int{1, 16, 64} {
				b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
					pool := benchPool(b, dsn, clients)
					table := fmt.Sprintf("bench_ins_%d", clients)
					for _, q := range []string{"DROP TABLE IF EXISTS " + table, "CREATE TABLE " + table + " (id bigint PRIMARY KEY, v text NOT NULL)"} {
						if _, err := pool.Exec(context.Background(), q); err != nil {
							b.Fatal(err)
						}
					}
					runClients(b, clients, func(ctx context.Context, i int64) error {
						_, err := pool.Exec(ctx, "INSERT INTO "+table+" (id, v) VALUES ($1, $2)", i, "some value")
						return err
					})
				})
			}
		})
	}
}
