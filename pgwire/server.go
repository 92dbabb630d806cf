package pgwire

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"sqlraft/fsm"
	"sqlraft/pgwire/catalog"
)

// Cluster is what sessions need from the node they run on.
type Cluster interface {
	// Propose replicates cmd (an fsm.Command) and returns the state
	// machine's result (*fsm.Result) once this node has applied it.
	Propose(ctx context.Context, cmd []byte) (any, error)
	// ReadBarrier returns once the local state machine reflects every
	// write that completed before the call (linearizable reads).
	ReadBarrier(ctx context.Context) (uint64, error)
	// Leadership tells whether this node leads the cluster, and if not,
	// who does (for error messages; "" when no leader is known).
	Leadership() (leader bool, term uint64, whoLeads string)
}

// Config configures a Server.
type Config struct {
	FSM     *fsm.FSM
	Cluster Cluster
	// TLS, when set, is offered to clients that ask for it (SSLRequest).
	TLS *tls.Config
	// Insecure lets every role in without a password (trust), from any
	// address. Without it, trust applies only to loopback connections
	// while no role has a password.
	Insecure bool
	// Database is the one database name sessions connect to; others get
	// 3D000. Empty accepts any name.
	Database string
	// ServerVersion is reported as server_version; it must start with a
	// PostgreSQL 15 version number (clients parse it).
	ServerVersion string
	// MaxMessageSize bounds a client message; 0 means 64 MiB.
	MaxMessageSize int
	// AuthFailureDelay is how long a failed password attempt waits before
	// the error is sent; 0 means 500 ms.
	AuthFailureDelay time.Duration
	Logger           *slog.Logger
}

const (
	defaultMaxMessageSize = 64 << 20
	defaultServerVersion  = "15.0 (sqlraft)"
)

// Server accepts PostgreSQL connections.
type Server struct {
	cfg    Config
	log    *slog.Logger
	gate   *writeGate
	roles  *roleStore
	schema *schemaCache
	locks  *advisoryLocks

	mu       sync.Mutex
	sessions map[uint32]*conn // by process id
	ls       map[net.Listener]struct{}
	closed   bool
	wg       sync.WaitGroup
	stop     chan struct{} // closed by Close: ends background work
	nextPID  atomic.Uint32
}

// New makes a server; Serve starts accepting.
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxMessageSize == 0 {
		cfg.MaxMessageSize = defaultMaxMessageSize
	}
	if cfg.ServerVersion == "" {
		cfg.ServerVersion = defaultServerVersion
	}
	if cfg.AuthFailureDelay == 0 {
		cfg.AuthFailureDelay = 500 * time.Millisecond
	}
	s := &Server{
		cfg:      cfg,
		log:      cfg.Logger.With("component", "pgwire"),
		gate:     newWriteGate(),
		sessions: map[uint32]*conn{},
		ls:       map[net.Listener]struct{}{},
	}
	s.roles = newRoleStore(cfg.FSM)
	s.schema = newSchemaCache(cfg.FSM)
	s.stop = make(chan struct{})
	s.locks = newAdvisoryLocks()
	go s.refreshRoles()
	go s.watchLeadership()
	// Process ids start somewhere random so that they are not guessable
	// across restarts (the secret key is what protects cancel requests;
	// this only avoids confusing logs of two runs).
	var b [4]byte
	_, _ = rand.Read(b[:])
	s.nextPID.Store(binary.BigEndian.Uint32(b[:])%1_000_000 + 1000)
	return s
}

// Serve accepts connections on ln until ctx ends or Close is called.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errors.New("pgwire: server closed")
	}
	s.ls[ln] = struct{}{}
	s.mu.Unlock()
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	var delay time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed || ctx.Err() != nil {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				time.Sleep(delay)
				continue
			}
			return fmt.Errorf("pgwire: accept: %w", err)
		}
		delay = 0
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.serveConn(ctx, nc)
		}()
	}
}

// Roles lists the roles created with SQL, from memory (for the catalog's
// pg_roles).
func (s *Server) Roles() []catalog.Role { return s.roles.Roles() }

// refreshRoles keeps the role list the catalog shows current: roles
// change through the log, also when created on another node.
func (s *Server) refreshRoles() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		s.roles.refresh(ctx)
		cancel()
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
	}
}

// Close stops accepting, ends every session (FATAL 57P01) and waits for
// them.
func (s *Server) Close() error {
	s.mu.Lock()
	if !s.closed {
		close(s.stop)
	}
	s.closed = true
	for ln := range s.ls {
		ln.Close()
	}
	sessions := make([]*conn, 0, len(s.sessions))
	for _, c := range s.sessions {
		sessions = append(sessions, c)
	}
	s.mu.Unlock()
	for _, c := range sessions {
		c.terminate("57P01", "terminating connection due to administrator command")
	}
	s.wg.Wait()
	return nil
}

// register gives a session its process id and secret key.
func (s *Server) register(c *conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	for {
		pid := s.nextPID.Add(1)
		if pid == 0 {
			continue
		}
		if _, taken := s.sessions[pid]; !taken {
			c.pid = pid
			break
		}
	}
	_, _ = rand.Read(c.secret[:])
	s.sessions[c.pid] = c
	return true
}

func (s *Server) unregister(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.sessions[c.pid] == c {
		delete(s.sessions, c.pid)
	}
}

// cancel handles a CancelRequest: it interrupts the statement the session
// is running, if the key matches. As in PostgreSQL, nothing is answered.
func (s *Server) cancel(pid uint32, secret []byte) {
	s.mu.Lock()
	c := s.sessions[pid]
	s.mu.Unlock()
	if c == nil || len(secret) != len(c.secret) || !constantTimeEqual(secret, c.secret[:]) {
		return
	}
	c.cancelStatement()
}

func constantTimeEqual(a, b []byte) bool {
	var v byte
	for i := range a {
		v |= a[i] ^ b[i]
	}
	return v == 0
}
