package node

import (
	"context"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"os"
	"time"
)

// protocolVersion is the node protocol a dialer asks for in its hello. The
// listener refuses any other version, naming both.
const protocolVersion = 1

const (
	// maxClusterIDLen bounds the cluster id so that a hello fits in a small
	// frame; the listener reads hellos with maxHelloFrame as its limit, before
	// it knows whether the peer belongs to the cluster.
	maxClusterIDLen = 256
	maxHelloFrame   = 1024
	maxReasonLen    = 512
)

// purpose says what a connection carries; each purpose has its own
// connection so that a multi-megabyte snapshot never delays a heartbeat.
type purpose uint8

const (
	purposeRaft purpose = iota + 1
	purposeRPC
	purposeSnapshot
)

func (p purpose) String() string {
	switch p {
	case purposeRaft:
		return "raft"
	case purposeRPC:
		return "rpc"
	case purposeSnapshot:
		return "snapshot"
	}
	return fmt.Sprintf("purpose(%d)", uint8(p))
}

// helloStatus is the listener's answer to a hello.
type helloStatus uint8

const (
	helloAccepted helloStatus = iota
	helloWrongCluster
	helloWrongNode
	helloBadVersion
	helloBadRequest
)

var (
	// ErrWrongCluster is returned by a dial when the remote node belongs to
	// another cluster.
	ErrWrongCluster = errors.New("node: remote node belongs to another cluster")
	// ErrWrongNode is returned by a dial when the listener is not the node
	// the dialer asked for (a stale address).
	ErrWrongNode = errors.New("node: remote node is not the node dialed")
	// ErrRefused is returned by a dial when the listener refused the
	// handshake for another reason (a malformed hello).
	ErrRefused = errors.New("node: connection refused by remote node")
)

// hello is the first frame on every connection, sent by the dialer.
type hello struct {
	version   uint64
	clusterID string
	from, to  uint64
	purpose   purpose
	// addr is where the dialer listens, so a node that does not know it
	// yet (a new member) can answer it.
	addr string
}

// Hello payload: uvarint protocol version, uvarint cluster id length,
// cluster id, uvarint from, uvarint to, purpose byte, uvarint address
// length, address.
func (h *hello) marshal() []byte {
	b := make([]byte, 0, 4*binary.MaxVarintLen64+len(h.clusterID)+1)
	b = binary.AppendUvarint(b, h.version)
	b = appendBytes(b, []byte(h.clusterID))
	b = binary.AppendUvarint(b, h.from)
	b = binary.AppendUvarint(b, h.to)
	b = append(b, byte(h.purpose))
	return appendBytes(b, []byte(h.addr))
}

func parseHello(b []byte) (hello, error) {
	d := decoder{b: b}
	var h hello
	h.version = d.uvarint("protocol version")
	h.clusterID = string(d.bytes("cluster id"))
	h.from = d.uvarint("from")
	h.to = d.uvarint("to")
	h.purpose = purpose(d.byte("purpose"))
	h.addr = string(d.bytes("address"))
	if d.err != nil {
		return hello{}, fmt.Errorf("parse hello: %w", d.err)
	}
	if d.remaining() != 0 {
		return hello{}, fmt.Errorf("parse hello: %w: %d trailing bytes", ErrMalformedFrame, d.remaining())
	}
	return h, nil
}

// Hello-reply and snapshot-ack payload: status byte (0 = accepted), uvarint
// reason length, reason.
func marshalStatus[S ~uint8](status S, reason string) []byte {
	if len(reason) > maxReasonLen {
		reason = reason[:maxReasonLen]
	}
	b := []byte{byte(status)}
	return appendBytes(b, []byte(reason))
}

func parseStatus[S ~uint8](b []byte) (S, string, error) {
	d := decoder{b: b}
	status := S(d.byte("status"))
	reason := string(d.bytes("reason"))
	if d.err != nil {
		return 0, "", fmt.Errorf("parse status reply: %w", d.err)
	}
	if d.remaining() != 0 {
		return 0, "", fmt.Errorf("parse status reply: %w: %d trailing bytes", ErrMalformedFrame, d.remaining())
	}
	return status, reason, nil
}

// conn is a connection that completed the handshake.
type conn struct {
	nc net.Conn
	r  *FrameReader
	w  *FrameWriter
}

// dialParams is what a dial needs from the transport configuration.
type dialParams struct {
	clusterID    string
	from         uint64
	advertise    string
	tls          *tls.Config
	fromIP       net.IP // nil: the OS chooses
	timeout      time.Duration
	maxFrameSize int
}

// dialNode connects to node to at addr and performs the handshake for
// purpose p. The timeout covers the TCP (and TLS) connection and the
// handshake. A refusal is returned as ErrWrongCluster, ErrWrongNode,
// ErrUnsupportedVersion or ErrRefused, with the listener's reason.
func dialNode(ctx context.Context, dp dialParams, to uint64, addr string, p purpose) (*conn, error) {
	if dp.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, dp.timeout)
		defer cancel()
	}
	var nc net.Conn
	var err error
	nd := &net.Dialer{}
	if dp.fromIP != nil {
		nd.LocalAddr = &net.TCPAddr{IP: dp.fromIP}
	}
	if dp.tls != nil {
		d := tls.Dialer{NetDialer: nd, Config: dp.tls}
		nc, err = d.DialContext(ctx, "tcp", addr)
	} else {
		nc, err = nd.DialContext(ctx, "tcp", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("dial node %d at %s: %w", to, addr, err)
	}
	c, err := clientHandshake(ctx, nc, dp, to, p)
	if err != nil {
		nc.Close()
		return nil, fmt.Errorf("handshake with node %d at %s: %w", to, addr, err)
	}
	return c, nil
}

func clientHandshake(ctx context.Context, nc net.Conn, dp dialParams, to uint64, p purpose) (*conn, error) {
	if deadline, ok := ctx.Deadline(); ok {
		nc.SetDeadline(deadline)
	}
	// A cancelled context interrupts a blocked read or write by moving the
	// deadline into the past.
	stop := context.AfterFunc(ctx, func() { nc.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	c := &conn{nc: nc, r: NewFrameReader(nc, maxHelloFrame), w: NewFrameWriter(nc, dp.maxFrameSize)}
	h := hello{version: protocolVersion, clusterID: dp.clusterID, from: dp.from, to: to, purpose: p, addr: dp.advertise}
	if err := c.w.WriteFrame(FrameHello, h.marshal()); err != nil {
		return nil, ctxErr(ctx, err)
	}
	if err := c.w.Flush(); err != nil {
		return nil, ctxErr(ctx, err)
	}
	f, err := c.r.ReadFrame()
	if err != nil {
		return nil, ctxErr(ctx, fmt.Errorf("read hello reply: %w", noEOF(err)))
	}
	if f.Type != FrameHelloReply {
		return nil, fmt.Errorf("%w: expected a hello-reply frame, got %s", ErrMalformedFrame, f.Type)
	}
	status, reason, err := parseStatus[helloStatus](f.Payload)
	if err != nil {
		return nil, err
	}
	switch status {
	case helloAccepted:
	case helloWrongCluster:
		return nil, fmt.Errorf("%w: %s", ErrWrongCluster, reason)
	case helloWrongNode:
		return nil, fmt.Errorf("%w: %s", ErrWrongNode, reason)
	case helloBadVersion:
		return nil, fmt.Errorf("%w: %s", ErrUnsupportedVersion, reason)
	default:
		return nil, fmt.Errorf("%w: %s", ErrRefused, reason)
	}
	if !stop() {
		return nil, ctx.Err()
	}
	nc.SetDeadline(time.Time{})
	c.r.SetMaxPayload(dp.maxFrameSize)
	return c, nil
}

// ctxErr prefers the context's error when the context ended, because the
// I/O error it caused ("i/o timeout") hides the reason.
func ctxErr(ctx context.Context, err error) error {
	if _, ok := ctx.Deadline(); ok && errors.Is(err, os.ErrDeadlineExceeded) {
		// The connection's deadline is the context's: it may fire a
		// moment before the context notices.
		return fmt.Errorf("%w (%v)", context.DeadlineExceeded, err)
	}
	if ctx.Err() != nil {
		return fmt.Errorf("%w (%v)", ctx.Err(), err)
	}
	return err
}

// acceptHandshake reads the dialer's hello from a new inbound connection and
// accepts or refuses it. A refusal is logged and returned as an error; the
// caller closes the connection.
func (t *Transport) acceptHandshake(nc net.Conn) (*conn, hello, error) {
	c := &conn{nc: nc, r: NewFrameReader(nc, maxHelloFrame), w: NewFrameWriter(nc, t.cfg.MaxFrameSize)}
	remote := nc.RemoteAddr().String()
	f, err := c.r.ReadFrame()
	if err != nil {
		t.log.Warn("dropped connection before handshake", "remote_addr", remote, "err", err)
		return nil, hello{}, fmt.Errorf("read hello from %s: %w", remote, noEOF(err))
	}
	if f.Type != FrameHello {
		err := fmt.Errorf("%w: expected a hello frame, got %s", ErrMalformedFrame, f.Type)
		t.refuse(c, helloBadRequest, err.Error())
		t.log.Warn("refused connection without a hello", "remote_addr", remote, "frame", f.Type.String())
		return nil, hello{}, err
	}
	h, err := parseHello(f.Payload)
	if err != nil {
		t.refuse(c, helloBadRequest, err.Error())
		t.log.Warn("refused malformed hello", "remote_addr", remote, "err", err)
		return nil, hello{}, err
	}
	var status helloStatus
	var reason string
	switch {
	case h.version != protocolVersion:
		status = helloBadVersion
		reason = fmt.Sprintf("protocol version %d is not supported, node %d speaks version %d", h.version, t.cfg.NodeID, protocolVersion)
		t.log.Warn("refused connection with an unsupported protocol version", "remote_version", h.version,
			"local_version", protocolVersion, "remote_node", h.from, "remote_addr", remote)
	case h.clusterID != t.cfg.ClusterID:
		status = helloWrongCluster
		reason = fmt.Sprintf("node %d belongs to cluster %q, not %q", t.cfg.NodeID, t.cfg.ClusterID, h.clusterID)
		t.log.Warn("refused connection from another cluster", "local_cluster", t.cfg.ClusterID,
			"remote_cluster", h.clusterID, "remote_node", h.from, "remote_addr", remote)
	case h.to != t.cfg.NodeID:
		status = helloWrongNode
		reason = fmt.Sprintf("this is node %d, not node %d", t.cfg.NodeID, h.to)
		t.log.Warn("refused connection addressed to another node", "to", h.to,
			"remote_node", h.from, "remote_addr", remote)
	case h.from == 0 || h.from == t.cfg.NodeID:
		status = helloBadRequest
		reason = fmt.Sprintf("invalid sender node id %d", h.from)
		t.log.Warn("refused connection with an invalid sender id", "remote_node", h.from, "remote_addr", remote)
	case h.purpose < purposeRaft || h.purpose > purposeSnapshot:
		status = helloBadRequest
		reason = fmt.Sprintf("unknown connection purpose %d", uint8(h.purpose))
		t.log.Warn("refused connection with an unknown purpose", "purpose", uint8(h.purpose),
			"remote_node", h.from, "remote_addr", remote)
	default:
		if err := c.w.WriteFrame(FrameHelloReply, marshalStatus(helloAccepted, "")); err != nil {
			return nil, hello{}, err
		}
		if err := c.w.Flush(); err != nil {
			return nil, hello{}, fmt.Errorf("accept %s connection from node %d at %s: %w", h.purpose, h.from, remote, err)
		}
		c.r.SetMaxPayload(t.cfg.MaxFrameSize)
		return c, h, nil
	}
	t.refuse(c, status, reason)
	return nil, hello{}, fmt.Errorf("%w: %s", ErrRefused, reason)
}

// refuse tells the dialer why its connection is refused. The write is best
// effort: the connection is closed right after.
func (t *Transport) refuse(c *conn, status helloStatus, reason string) {
	if err := c.w.WriteFrame(FrameHelloReply, marshalStatus(status, reason)); err == nil {
		c.w.Flush()
	}
}
