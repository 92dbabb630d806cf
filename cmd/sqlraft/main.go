// Command sqlraft runs and administers sqlraft nodes.
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/urfave/cli/v2"

	"sqlraft/server"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	app := &cli.App{
		Name:  "sqlraft",
		Usage: "a replicated SQL database that speaks the PostgreSQL protocol",
		Commands: []*cli.Command{
			serveCommand(),
			{
				Name:  "version",
				Usage: "print the version",
				Action: func(c *cli.Context) error {
					fmt.Fprintln(c.App.Writer, "sqlraft", version)
					return nil
				},
			},
		},
	}
	if err := app.Run(os.Args); err != nil {
		fmt.Fprintln(os.Stderr, "sqlraft:", err)
		os.Exit(1)
	}
}

func serveCommand() *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "start a node (with no flags: a single-node cluster in ./sqlraft-data)",
		Flags: []cli.Flag{
			&cli.Uint64Flag{Name: "node-id", Value: 1, EnvVars: []string{"SQLRAFT_NODE_ID"}, Usage: "this node's id"},
			&cli.StringFlag{Name: "data-dir", Value: "sqlraft-data", EnvVars: []string{"SQLRAFT_DATA_DIR"}, Usage: "where the node keeps its data"},
			&cli.StringFlag{Name: "pg-addr", Value: "127.0.0.1:5433", EnvVars: []string{"SQLRAFT_PG_ADDR"}, Usage: "PostgreSQL protocol address"},
			&cli.StringFlag{Name: "raft-addr", Value: "127.0.0.1:7433", EnvVars: []string{"SQLRAFT_RAFT_ADDR"}, Usage: "node-to-node address"},
			&cli.StringFlag{Name: "raft-dial-from", EnvVars: []string{"SQLRAFT_RAFT_DIAL_FROM"}, Usage: "local IP address to connect to other nodes from (default: the system's choice)"},
			&cli.StringFlag{Name: "http-addr", Value: "127.0.0.1:8433", EnvVars: []string{"SQLRAFT_HTTP_ADDR"}, Usage: "HTTP address (/readyz, /healthz, /status, /metrics)"},
			&cli.StringFlag{Name: "cluster", EnvVars: []string{"SQLRAFT_CLUSTER"}, Usage: `bootstrap membership, "1=host:7433,2=host:7434,3=host:7435" (ignored once the data dir is initialised)`},
			&cli.StringFlag{Name: "join", EnvVars: []string{"SQLRAFT_JOIN"}, Usage: "HTTP address of a running member to join as a learner, then be promoted"},
			&cli.StringFlag{Name: "pg-tls-cert", EnvVars: []string{"SQLRAFT_PG_TLS_CERT"}, Usage: "PEM certificate for TLS with PostgreSQL clients"},
			&cli.StringFlag{Name: "pg-tls-key", EnvVars: []string{"SQLRAFT_PG_TLS_KEY"}, Usage: "PEM private key for --pg-tls-cert"},
			&cli.Int64Flag{Name: "max-result-bytes", Value: 1 << 30, EnvVars: []string{"SQLRAFT_MAX_RESULT_BYTES"}, Usage: "largest result one read may hold in memory; larger ones fail with SQLSTATE 54000"},
			&cli.BoolFlag{Name: "insecure", EnvVars: []string{"SQLRAFT_INSECURE"}, Usage: "allow trust authentication on a non-loopback address"},
		},
		Action: func(c *cli.Context) error {
			peers, err := server.ParseCluster(c.String("cluster"))
			if err != nil {
				return err
			}
			log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
			s, err := server.New(server.Config{
				NodeID:         c.Uint64("node-id"),
				DataDir:        c.String("data-dir"),
				PGAddr:         c.String("pg-addr"),
				RaftAddr:       c.String("raft-addr"),
				RaftDialFrom:   c.String("raft-dial-from"),
				HTTPAddr:       c.String("http-addr"),
				Cluster:        peers,
				Join:           c.String("join"),
				Insecure:       c.Bool("insecure"),
				MaxResultBytes: c.Int64("max-result-bytes"),
				PGTLSCert:      c.String("pg-tls-cert"),
				PGTLSKey:       c.String("pg-tls-key"),
				Logger:         log,
			})
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
			defer stop()
			return s.Run(ctx)
		},
	}
}
