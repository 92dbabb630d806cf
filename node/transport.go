package node

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"

	pb "sqlraft/raft/raftpb"
)

// Defaults of TransportConfig.
const (
	DefaultPeerQueueSize = 4096
	DefaultDialTimeout   = 5 * time.Second
	DefaultWriteTimeout  = 10 * time.Second
)

var (
	// ErrClosed is returned by operations on a closed transport.
	ErrClosed = errors.New("node: transport closed")
	// ErrUnknownPeer is returned when the destination was never added with
	// AddPeer, or was removed.
	ErrUnknownPeer = errors.New("node: unknown peer")
)

// Handler receives what the transport reads from the network, and learns
// about delivery failures. The transport calls it from its own goroutines,
// concurrently; methods must not block for long (HandleMessage and the
// Report methods especially: they are called from a connection's reader or
// a peer's writer), and Close waits for calls in progress to return. No
// method is called after Close returns. ReportUnreachable is also called
// synchronously from Send, so it must never wait for the goroutine that
// calls Send; every other method is called only from transport goroutines.
type Handler interface {
	// HandleMessage delivers a raft message from a peer. Messages from one
	// peer arrive in the order they were sent. m is owned by the handler.
	HandleMessage(m pb.Message)
	// HandleSnapshot receives a snapshot: m is the MsgSnap the leader sent,
	// body the snapshot image. body returns io.EOF only after the whole
	// body has been verified (length and SHA-256); any other error means
	// the image is damaged or incomplete and must be discarded. Returning
	// nil acknowledges the snapshot to the sender (the transport first
	// verifies whatever the handler left unread).
	HandleSnapshot(m pb.Message, body io.Reader) error
	// HandleRequest serves a request forwarded by node from (a proposal
	// or a read); ctx ends when the connection or the transport closes.
	HandleRequest(ctx context.Context, from uint64, payload []byte) ([]byte, error)
	// ReportUnreachable says that messages to id were dropped: its queue
	// was full, or its connection failed.
	ReportUnreachable(id uint64)
	// ReportSnapshot says whether a snapshot sent with SendSnapshot was
	// received and accepted by id.
	ReportSnapshot(id uint64, ok bool)
}

// TransportConfig configures a Transport. Zero values of optional fields
// select the documented defaults.
type TransportConfig struct {
	// NodeID is this node's raft id (required, non-zero).
	NodeID uint64
	// ClusterID names the cluster (required, at most 256 bytes). A
	// connection from a node of another cluster is refused.
	ClusterID string
	// ListenAddr is the host:port to listen on (required to Start).
	ListenAddr string
	// AdvertiseAddr is the address peers reach this node at, sent in every
	// handshake so that a node which does not know us yet (one that just
	// joined) can answer. Default: ListenAddr.
	AdvertiseAddr string
	// TLS, when set, is used for both listening and dialing. For mutual
	// authentication the caller sets ClientAuth to
	// tls.RequireAndVerifyClientCert, ClientCAs, RootCAs and Certificates.
	// Nil means plain TCP.
	TLS *tls.Config
	// DialFrom is the local IP address outbound connections are made from
	// (on a host with several addresses, the one peers' firewalls expect).
	// Empty: the operating system chooses.
	DialFrom string
	// MaxFrameSize limits a frame's payload, in both directions (default
	// DefaultMaxFrameSize, 16 MiB). A raft message larger than this cannot
	// be sent; snapshots are chunked below it.
	MaxFrameSize int
	// PeerQueueSize is the number of messages queued per peer before Send
	// drops (default DefaultPeerQueueSize).
	PeerQueueSize int
	// DialTimeout bounds a connection attempt including the handshake
	// (default DefaultDialTimeout); it also bounds the TLS handshake and
	// hello of an inbound connection.
	DialTimeout time.Duration
	// WriteTimeout bounds one frame write: a peer that stops reading for
	// this long is disconnected (default DefaultWriteTimeout).
	WriteTimeout time.Duration
	// Handler receives messages, snapshots and requests (required).
	Handler Handler
	// Logger receives the transport's logs (default slog.Default()).
	Logger *slog.Logger
}

func (cfg *TransportConfig) validate() error {
	switch {
	case cfg.NodeID == 0:
		return errors.New("node transport: NodeID must be non-zero")
	case cfg.ClusterID == "":
		return errors.New("node transport: ClusterID is required")
	case len(cfg.ClusterID) > maxClusterIDLen:
		return fmt.Errorf("node transport: ClusterID is %d bytes, the maximum is %d", len(cfg.ClusterID), maxClusterIDLen)
	case cfg.Handler == nil:
		return errors.New("node transport: Handler is required")
	case cfg.MaxFrameSize < 0 || cfg.MaxFrameSize > maxFrameSizeLimit:
		return fmt.Errorf("node transport: MaxFrameSize %d is outside [0, %d]", cfg.MaxFrameSize, maxFrameSizeLimit)
	case cfg.MaxFrameSize > 0 && cfg.MaxFrameSize < minMaxFrameSize:
		return fmt.Errorf("node transport: MaxFrameSize %d is below the minimum of %d", cfg.MaxFrameSize, minMaxFrameSize)
	case cfg.PeerQueueSize < 0:
		return fmt.Errorf("node transport: PeerQueueSize %d is negative", cfg.PeerQueueSize)
	case cfg.DialTimeout < 0 || cfg.WriteTimeout < 0:
		return errors.New("node transport: timeouts must not be negative")
	case cfg.DialFrom != "" && net.ParseIP(cfg.DialFrom) == nil:
		return fmt.Errorf("node transport: DialFrom %q is not an IP address", cfg.DialFrom)
	}
	if cfg.MaxFrameSize == 0 {
		cfg.MaxFrameSize = DefaultMaxFrameSize
	}
	if cfg.PeerQueueSize == 0 {
		cfg.PeerQueueSize = DefaultPeerQueueSize
	}
	if cfg.DialTimeout == 0 {
		cfg.DialTimeout = DefaultDialTimeout
	}
	if cfg.WriteTimeout == 0 {
		cfg.WriteTimeout = DefaultWriteTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return nil
}

// minMaxFrameSize keeps room for a snapshot chunk of useful size and for a
// raft message with a few entries.
const minMaxFrameSize = 4 << 10

// Transport carries raft messages, forwarded requests and snapshots between
// the nodes of one cluster over TCP (optionally TLS). Each peer has an
// outbound queue drained by one goroutine over one pipelined connection;
// requests and snapshots use connections of their own.
type Transport struct {
	cfg TransportConfig
	log *slog.Logger
	dp  dialParams

	// ctx ends when the transport closes; every goroutine watches it.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.RWMutex
	ln      net.Listener
	started bool
	closed  bool
	peers   map[uint64]*peer
}

// NewTransport validates cfg and returns a transport that is not yet
// listening. Peers may be added before Start.
func NewTransport(cfg TransportConfig) (*Transport, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	log := cfg.Logger.With("component", "transport", "node_id", cfg.NodeID)
	return &Transport{
		cfg: cfg,
		log: log,
		dp: dialParams{
			clusterID:    cfg.ClusterID,
			from:         cfg.NodeID,
			advertise:    cmp.Or(cfg.AdvertiseAddr, cfg.ListenAddr),
			tls:          cfg.TLS,
			fromIP:       net.ParseIP(cfg.DialFrom),
			timeout:      cfg.DialTimeout,
			maxFrameSize: cfg.MaxFrameSize,
		},
		ctx:    ctx,
		cancel: cancel,
		peers:  make(map[uint64]*peer),
	}, nil
}

// Start listens on cfg.ListenAddr and serves inbound connections.
func (t *Transport) Start() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return ErrClosed
	}
	if t.started {
		return errors.New("node transport: already started")
	}
	if t.cfg.ListenAddr == "" {
		return errors.New("node transport: ListenAddr is required to Start")
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(t.ctx, "tcp", t.cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("node transport: listen on %s: %w", t.cfg.ListenAddr, err)
	}
	if t.cfg.TLS != nil {
		ln = tls.NewListener(ln, t.cfg.TLS)
	}
	t.ln = ln
	t.started = true
	t.goLocked(func() { t.acceptLoop(ln) })
	t.log.Info("node transport listening", "addr", ln.Addr().String(), "tls", t.cfg.TLS != nil)
	return nil
}

// Addr is the address the transport listens on, or nil before Start.
func (t *Transport) Addr() net.Addr {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.ln == nil {
		return nil
	}
	return t.ln.Addr()
}

// AddPeer makes id reachable at addr and starts connecting to it. Adding a
// known peer with a new address replaces its connections; adding it with
// the same address does nothing. This node's own id is ignored.
func (t *Transport) AddPeer(id uint64, addr string) {
	if id == 0 || id == t.cfg.NodeID {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return
	}
	if old := t.peers[id]; old != nil {
		if old.addr == addr {
			return
		}
		old.stop()
	}
	p := newPeer(t, id, addr)
	t.peers[id] = p
	t.goLocked(p.run)
	t.log.Info("peer added", "peer", id, "addr", addr)
}

// learnPeer adds a peer that dialed us and that we do not know yet, at the
// address it advertised: a node added to a running cluster knows nobody
// until it hears from the leader, and must be able to answer it.
func (t *Transport) learnPeer(id uint64, addr string) {
	t.mu.RLock()
	_, known := t.peers[id]
	t.mu.RUnlock()
	if !known {
		t.AddPeer(id, addr)
	}
}

// RemovePeer forgets id: queued messages are dropped, its connections are
// closed and pending requests to it fail. It does not wait for the peer's
// goroutines (Close does).
func (t *Transport) RemovePeer(id uint64) {
	t.mu.Lock()
	p := t.peers[id]
	delete(t.peers, id)
	t.mu.Unlock()
	if p != nil {
		p.stop()
		t.log.Info("peer removed", "peer", id)
	}
}

// Send queues msgs for their destinations and returns without blocking.
// When a peer's queue is full, or the peer is unknown, its messages are
// dropped and Handler.ReportUnreachable is called, synchronously, once per
// peer per call. MsgSnap must go through SendSnapshot: one given here is
// dropped and reported as a failed snapshot (from another goroutine).
func (t *Transport) Send(msgs []pb.Message) {
	var unreachable, snapFailed []uint64
	t.mu.RLock()
	closed := t.closed
	for i := range msgs {
		m := &msgs[i]
		switch {
		case closed:
		case m.Type == pb.MsgSnap:
			t.log.Error("MsgSnap given to Send instead of SendSnapshot: dropped", "to", m.To)
			snapFailed = appendUnique(snapFailed, m.To)
		case !m.Type.Valid() || m.Type.IsLocal():
			t.log.Error("local raft message given to Send: dropped", "type", m.Type.String(), "to", m.To)
		default:
			p := t.peers[m.To]
			if p == nil {
				unreachable = appendUnique(unreachable, m.To)
				continue
			}
			select {
			case p.queue <- *m:
			default:
				unreachable = appendUnique(unreachable, m.To)
			}
		}
	}
	t.mu.RUnlock()
	for _, id := range unreachable {
		t.cfg.Handler.ReportUnreachable(id)
	}
	for _, id := range snapFailed {
		t.spawn(func() { t.cfg.Handler.ReportSnapshot(id, false) })
	}
}

// Close stops listening, closes every connection, fails pending requests and
// waits for all the transport's goroutines, including handler calls in
// progress, to return.
func (t *Transport) Close() error {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil
	}
	t.closed = true
	peers := t.peers
	t.peers = nil
	ln := t.ln
	t.mu.Unlock()

	t.cancel()
	var err error
	if ln != nil {
		if cerr := ln.Close(); cerr != nil && !errors.Is(cerr, net.ErrClosed) {
			err = fmt.Errorf("node transport: close listener: %w", cerr)
		}
	}
	for _, p := range peers {
		p.stop()
	}
	t.wg.Wait()
	t.log.Info("node transport closed")
	return err
}

// peer returns the peer with the given id, or nil.
func (t *Transport) peer(id uint64) (*peer, error) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if t.closed {
		return nil, ErrClosed
	}
	p := t.peers[id]
	if p == nil {
		return nil, fmt.Errorf("%w: %d", ErrUnknownPeer, id)
	}
	return p, nil
}

// goLocked runs f in a goroutine that Close waits for. t.mu must be held
// and the transport open, so that no goroutine starts after Close's Wait.
func (t *Transport) goLocked(f func()) {
	t.wg.Add(1)
	go func() {
		defer t.wg.Done()
		f()
	}()
}

// spawn runs f in a goroutine that Close waits for, unless the transport is
// closed. It must not be called with t.mu held.
func (t *Transport) spawn(f func()) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return false
	}
	t.goLocked(f)
	return true
}

func (t *Transport) acceptLoop(ln net.Listener) {
	var delay time.Duration
	for {
		nc, err := ln.Accept()
		if err != nil {
			if t.ctx.Err() != nil || errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors and the like: back off as
			// net/http does, rather than spin.
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			t.log.Warn("accept failed", "err", err, "retry_in", delay)
			select {
			case <-time.After(delay):
				continue
			case <-t.ctx.Done():
				return
			}
		}
		delay = 0
		if !t.spawn(func() { t.serveConn(nc) }) {
			nc.Close()
			return
		}
	}
}

// serveConn runs one inbound connection: TLS, handshake, then the loop of
// the purpose the dialer asked for.
func (t *Transport) serveConn(nc net.Conn) {
	defer nc.Close()
	stop := context.AfterFunc(t.ctx, func() { nc.Close() })
	defer stop()
	remote := nc.RemoteAddr().String()

	nc.SetDeadline(time.Now().Add(t.cfg.DialTimeout))
	if tc, ok := nc.(*tls.Conn); ok {
		if err := tc.HandshakeContext(t.ctx); err != nil {
			t.log.Warn("refused connection: TLS handshake failed", "remote_addr", remote, "err", err)
			return
		}
	}
	c, h, err := t.acceptHandshake(nc)
	if err != nil {
		return
	}
	nc.SetDeadline(time.Time{})
	t.log.Debug("accepted connection", "purpose", h.purpose.String(), "remote_node", h.from, "remote_addr", remote)
	if h.purpose == purposeRaft && h.addr != "" {
		t.learnPeer(h.from, h.addr)
	}
	switch h.purpose {
	case purposeRaft:
		err = t.serveRaftStream(c, h.from)
	case purposeRPC:
		err = t.serveRPC(c, h.from)
	case purposeSnapshot:
		err = t.serveSnapshot(c, h.from)
	}
	switch {
	case err == nil, t.ctx.Err() != nil:
	case errors.Is(err, io.EOF), errors.Is(err, net.ErrClosed):
		t.log.Debug("connection closed", "purpose", h.purpose.String(), "remote_node", h.from, "remote_addr", remote)
	default:
		t.log.Warn("connection failed", "purpose", h.purpose.String(), "remote_node", h.from, "remote_addr", remote, "err", err)
	}
}

func appendUnique(ids []uint64, id uint64) []uint64 {
	for _, x := range ids {
		if x == id {
			return ids
		}
	}
	return append(ids, id)
}
