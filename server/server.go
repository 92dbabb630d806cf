package server

import (
	"context"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync/atomic"
	"time"

	"sqlraft/fsm"
	"sqlraft/logstore"
	"sqlraft/node"
	"sqlraft/pgwire"
	"sqlraft/pgwire/catalog"
)

// Config is what `sqlraft serve` is started with.
type Config struct {
	NodeID   uint64
	DataDir  string
	PGAddr   string
	RaftAddr string
	// RaftDialFrom is the local IP address connections to other nodes are
	// made from (default: the operating system's choice).
	RaftDialFrom string
	HTTPAddr     string
	// Cluster is the bootstrap membership (id -> raft address). Empty
	// means a single-node cluster of this node, unless Join is set.
	Cluster map[uint64]string
	// Join is the HTTP address of a running member to join as a learner.
	Join string
	// Insecure allows trust authentication on a non-loopback address.
	Insecure bool
	// PGTLSCert and PGTLSKey, when both set, enable TLS for PostgreSQL
	// clients (SSLRequest).
	PGTLSCert, PGTLSKey string
	// MaxResultBytes bounds the memory of one read's rows (default
	// fsm.DefaultMaxResultBytes); a larger result fails with 54000.
	MaxResultBytes int64
	// TickInterval is raft's tick (default 100ms; elections take 10 to 20
	// ticks).
	TickInterval time.Duration
	Logger       *slog.Logger
}

// Server is one sqlraft node: the raft node with its durable log, the SQLite
// state machine, and the HTTP endpoints.
type Server struct {
	cfg     Config
	log     *slog.Logger
	id      identity
	store   *logstore.Store
	machine *fsm.FSM
	node    *node.Node
	http    *http.Server
	httpLn  net.Listener
	pg      *pgwire.Server
	pgLn    net.Listener
	// pgRoles is pg for the catalog, which is made before it.
	pgRoles  atomic.Pointer[*pgwire.Server]
	startIdx uint64
}

// New opens the data directory and everything in it, and binds the
// listeners; it refuses a data directory of another node or cluster and
// addresses already in use.
func New(cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.NodeID == 0 {
		return nil, errors.New("the node id must be a positive integer")
	}
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	s := &Server{cfg: cfg, log: cfg.Logger.With("node", cfg.NodeID)}
	peers := cfg.Cluster
	want := identity{NodeID: cfg.NodeID}
	switch {
	case cfg.Join != "":
		info, err := fetchClusterInfo(cfg.Join)
		if err != nil {
			return nil, fmt.Errorf("join %s: %w", cfg.Join, err)
		}
		want.ClusterID = info.ClusterID
		peers = nil
	case len(peers) > 0:
		if _, ok := peers[cfg.NodeID]; !ok {
			return nil, fmt.Errorf("--cluster does not list this node (%d)", cfg.NodeID)
		}
		want.ClusterID = clusterIDFor(peers)
	default:
		peers = map[uint64]string{cfg.NodeID: cfg.RaftAddr}
	}
	id, err := loadOrCreateIdentity(cfg.DataDir, want)
	if err != nil {
		return nil, err
	}
	s.id = id
	if s.store, err = logstore.Open(filepath.Join(cfg.DataDir, "raft.db"), logstore.Options{Logger: s.log}); err != nil {
		return nil, err
	}
	if hs, _, err := s.store.InitialState(); err == nil {
		s.startIdx = hs.Commit
	}
	// Every read connection carries the emulated pg_catalog and
	// information_schema, so psql's meta-commands and drivers' metadata
	// queries run against the live SQLite schema.
	cat := catalog.New(catalog.Options{Database: "sqlraft", Roles: func() []catalog.Role {
		if pg := s.pgRoles.Load(); pg != nil {
			return (*pg).Roles()
		}
		return nil
	}})
	if s.machine, err = fsm.Open(filepath.Join(cfg.DataDir, "sql"), fsm.Options{Logger: s.log, ReadSetup: cat.ReadSetup(), MaxResultBytes: cfg.MaxResultBytes}); err != nil {
		s.store.Close()
		return nil, err
	}
	s.node, err = node.New(node.Config{
		ID:           cfg.NodeID,
		ClusterID:    id.ClusterID,
		DataDir:      cfg.DataDir,
		Store:        s.store,
		Machine:      s.machine,
		Transport:    node.TransportConfig{ListenAddr: cfg.RaftAddr, DialFrom: cfg.RaftDialFrom},
		Peers:        peers,
		TickInterval: cfg.TickInterval,
		Logger:       cfg.Logger,
	})
	if err != nil {
		s.machine.Close()
		s.store.Close()
		return nil, err
	}
	if s.httpLn, err = net.Listen("tcp", cfg.HTTPAddr); err != nil {
		s.closeStorage()
		return nil, fmt.Errorf("listen for HTTP on %s: %w", cfg.HTTPAddr, err)
	}
	var pgTLS *tls.Config
	if cfg.PGTLSCert != "" || cfg.PGTLSKey != "" {
		cert, err := tls.LoadX509KeyPair(cfg.PGTLSCert, cfg.PGTLSKey)
		if err != nil {
			s.httpLn.Close()
			s.closeStorage()
			return nil, fmt.Errorf("load --pg-tls-cert/--pg-tls-key: %w", err)
		}
		pgTLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	if s.pgLn, err = net.Listen("tcp", cfg.PGAddr); err != nil {
		s.httpLn.Close()
		s.closeStorage()
		return nil, fmt.Errorf("listen for PostgreSQL clients on %s: %w", cfg.PGAddr, err)
	}
	s.pg = pgwire.New(pgwire.Config{
		FSM:      s.machine,
		Cluster:  clusterAdapter{s},
		TLS:      pgTLS,
		Insecure: cfg.Insecure,
		Logger:   s.log,
	})
	s.pgRoles.Store(&s.pg)
	mux := http.NewServeMux()
	mux.Handle("/", newHTTPHandler(s.node, s.ready))
	mux.HandleFunc("GET /cluster", s.handleClusterInfo)
	mux.HandleFunc("POST /join", s.handleJoin)
	mux.HandleFunc("POST /promote", s.handlePromote)
	mux.HandleFunc("GET /checksum", s.handleChecksum)
	s.http = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	return s, nil
}

func (s *Server) closeStorage() {
	s.machine.Close()
	s.store.Close()
}

// Run serves until ctx is done, then shuts down: a leader hands
// leadership to another voter first.
func (s *Server) Run(ctx context.Context) error {
	nodeCtx, stopNode := context.WithCancel(context.Background())
	defer stopNode()
	nodeDone := make(chan error, 1)
	go func() { nodeDone <- s.node.Run(nodeCtx) }()
	go func() {
		if err := s.http.Serve(s.httpLn); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("HTTP server", "err", err)
		}
	}()
	go func() {
		if err := s.pg.Serve(ctx, s.pgLn); err != nil {
			s.log.Error("PostgreSQL server", "err", err)
		}
	}()
	s.log.Info("sqlraft node started", "cluster", s.id.ClusterID, "pg", s.pgLn.Addr().String(), "raft", s.cfg.RaftAddr, "http", s.httpLn.Addr().String())
	if s.cfg.Join != "" {
		go s.join(ctx)
	}
	var err error
	select {
	case <-ctx.Done():
	case err = <-nodeDone:
		s.log.Error("node stopped", "err", err)
	}
	s.shutdown()
	stopNode()
	s.node.Stop()
	s.closeStorage()
	return err
}

// shutdown hands leadership over (bounded in time) and stops HTTP.
func (s *Server) shutdown() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if st, err := s.node.Status(ctx); err == nil && st.Lead == s.cfg.NodeID {
		for id := range st.Config.Voters.IDs() {
			if id != s.cfg.NodeID {
				if err := s.node.TransferLeadership(ctx, id); err != nil {
					s.log.Warn("could not hand leadership over before stopping", "to", id, "err", err)
				}
				break
			}
		}
	}
	_ = s.http.Shutdown(ctx)
	_ = s.pg.Close()
}

// clusterAdapter is what the PostgreSQL front end needs from the node.
type clusterAdapter struct{ s *Server }

func (a clusterAdapter) Propose(ctx context.Context, cmd []byte) (any, error) {
	return a.s.node.Propose(ctx, cmd)
}

func (a clusterAdapter) ReadBarrier(ctx context.Context) (uint64, error) {
	return a.s.node.ReadBarrier(ctx)
}

func (a clusterAdapter) Leadership() (bool, uint64, string) {
	lead := a.s.node.Leader()
	term := a.s.node.Term()
	if lead == a.s.cfg.NodeID {
		return true, term, ""
	}
	if lead == 0 {
		return false, term, ""
	}
	who := fmt.Sprintf("node %d", lead)
	if addr, ok := a.s.cfg.Cluster[lead]; ok {
		who += " (raft address " + addr + ")"
	}
	return false, term, who
}

// ready: the node knows a leader and has applied what was committed when it
// started.
func (s *Server) ready() (bool, string) {
	if s.node.Leader() == 0 {
		return false, "no leader known"
	}
	if applied := s.node.AppliedIndex(); applied < s.startIdx {
		return false, fmt.Sprintf("applied index %d is behind the commit index %d known at startup", applied, s.startIdx)
	}
	return true, ""
}

// clusterInfo is served at GET /cluster; a joining node reads the cluster id
// from it.
type clusterInfo struct {
	ClusterID string `json:"cluster_id"`
	NodeID    uint64 `json:"node_id"`
	Leader    uint64 `json:"leader"`
}

func (s *Server) handleClusterInfo(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(clusterInfo{ClusterID: s.id.ClusterID, NodeID: s.cfg.NodeID, Leader: s.node.Leader()})
}

// handleChecksum reports the logical checksum of the data and the index
// it was taken at, so replicas can be compared (equal indexes must give
// equal checksums).
func (s *Server) handleChecksum(w http.ResponseWriter, r *http.Request) {
	sum, index, err := s.machine.Checksum(r.Context())
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"applied_index": index, "checksum": hex.EncodeToString(sum[:])})
}

func (s *Server) handleJoin(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseUint(r.FormValue("id"), 10, 64)
	addr := r.FormValue("addr")
	if err != nil || id == 0 || addr == "" {
		http.Error(w, "want id (positive integer) and addr (host:port)", http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	if err := s.node.AddLearner(ctx, id, addr); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintf(w, "node %d added as a learner\n", id)
}

func (s *Server) handlePromote(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseUint(r.FormValue("id"), 10, 64)
	if err != nil || id == 0 {
		http.Error(w, "want id (positive integer)", http.StatusBadRequest)
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	if err := s.node.Promote(ctx, id); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintf(w, "node %d promoted to voter\n", id)
}

func fetchClusterInfo(base string) (clusterInfo, error) {
	var info clusterInfo
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(base + "/cluster")
	if err != nil {
		return info, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return info, fmt.Errorf("GET /cluster: %s", resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(&info); err != nil {
		return info, fmt.Errorf("GET /cluster: %w", err)
	}
	if info.ClusterID == "" {
		return info, errors.New("GET /cluster: no cluster id")
	}
	return info, nil
}

// join asks a member to add this node as a learner, waits until it has
// caught up, and asks for its promotion. Both steps are retried until they
// succeed or ctx ends; a node restarted after joining finds them done.
func (s *Server) join(ctx context.Context) {
	post := func(path string, form url.Values) error {
		resp, err := (&http.Client{Timeout: 40 * time.Second}).PostForm(s.cfg.Join+path, form)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("POST %s: %s", path, resp.Status)
		}
		return nil
	}
	id := strconv.FormatUint(s.cfg.NodeID, 10)
	retry := func(what string, f func() error) bool {
		for {
			err := f()
			if err == nil {
				return true
			}
			s.log.Warn("joining the cluster", "step", what, "err", err)
			select {
			case <-ctx.Done():
				return false
			case <-time.After(time.Second):
			}
		}
	}
	if !retry("add learner", func() error {
		return post("/join", url.Values{"id": {id}, "addr": {s.cfg.RaftAddr}})
	}) {
		return
	}
	// Catch up before counting toward quorums.
	if !retry("catch up", func() error {
		if ok, why := s.ready(); !ok {
			return errors.New(why)
		}
		return nil
	}) {
		return
	}
	if retry("promote", func() error { return post("/promote", url.Values{"id": {id}}) }) {
		s.log.Info("joined the cluster as a voter")
	}
}

// PGAddr is the address PostgreSQL clients connect to.
func (s *Server) PGAddr() string { return s.pgLn.Addr().String() }

// Node is the node this server runs (tests and operators use its status).
func (s *Server) Node() *node.Node { return s.node }
