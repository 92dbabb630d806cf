package node

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"time"

	pb "sqlraft/raft/raftpb"
)

// A snapshot travels on a connection of its own:
//
//	dialer -> snapshot-header  EncodeMessage(MsgSnap)
//	dialer -> snapshot-chunk   uint64 BE offset, up to 1 MiB of body   (repeated)
//	dialer -> snapshot-end     uint64 BE total length, SHA-256 of the body (32 bytes)
//	listener -> snapshot-ack   status byte (0 = accepted), uvarint reason length, reason
//
// Each chunk is covered by its frame's CRC32C; the offset catches a lost or
// repeated chunk; the end frame's length and SHA-256 cover the whole body,
// so a receiver installs nothing that differs from what the leader read.
const (
	snapshotChunkSize   = 1 << 20
	chunkOffsetSize     = 8
	snapshotEndSize     = 8 + sha256.Size
	snapshotAckAccepted = 0
	snapshotAckRefused  = 1

	// snapshotAckTimeout bounds the wait for the receiver to install a
	// snapshot and acknowledge it.
	snapshotAckTimeout = 5 * time.Minute
	// snapshotIdleTimeout bounds the wait for each frame of an inbound
	// snapshot: a sender that stalls this long is abandoned.
	snapshotIdleTimeout = time.Minute
)

var (
	// ErrSnapshotCorrupt is returned by a snapshot body reader when the
	// chunks do not add up to what the sender announced.
	ErrSnapshotCorrupt = errors.New("node: snapshot corrupt")
	// ErrSnapshotRefused means the receiver did not accept a snapshot.
	ErrSnapshotRefused = errors.New("node: snapshot refused by receiver")
)

// SendSnapshot streams the snapshot described by m (a MsgSnap, whose
// Snapshot carries the metadata) followed by body to node m.To, over a
// connection of its own, in the background. body is always closed. When the
// stream ends, Handler.ReportSnapshot(m.To, ok) reports whether the
// receiver verified and accepted it; the report always comes from a
// transport goroutine, never from within SendSnapshot, so a driver loop may
// call SendSnapshot and consume reports itself. On a closed transport the
// body is closed and nothing is reported.
func (t *Transport) SendSnapshot(m pb.Message, body io.ReadCloser) {
	started := t.spawn(func() {
		start := time.Now()
		n, err := t.sendSnapshot(m, body)
		body.Close()
		if err != nil {
			t.log.Warn("snapshot send failed", "peer", m.To, "bytes_sent", n, "err", err)
		} else {
			t.log.Info("snapshot sent", "peer", m.To, "index", m.Snapshot.Metadata.Index,
				"term", m.Snapshot.Metadata.Term, "bytes", n, "duration", time.Since(start))
		}
		t.cfg.Handler.ReportSnapshot(m.To, err == nil)
	})
	if !started {
		body.Close()
		t.log.Warn("snapshot not sent: transport closed", "peer", m.To)
	}
}

func (t *Transport) sendSnapshot(m pb.Message, body io.Reader) (uint64, error) {
	if m.Type != pb.MsgSnap || m.Snapshot == nil {
		return 0, fmt.Errorf("SendSnapshot needs a MsgSnap with a snapshot, got a %s", m.Type)
	}
	p, err := t.peer(m.To)
	if err != nil {
		return 0, err
	}
	return p.sendSnapshot(m, body)
}

// sendSnapshot streams one snapshot and waits for the acknowledgement. It
// returns the number of body bytes sent.
func (p *peer) sendSnapshot(m pb.Message, body io.Reader) (uint64, error) {
	c, err := dialNode(p.ctx, p.t.dp, p.id, p.addr, purposeSnapshot)
	if err != nil {
		return 0, err
	}
	defer c.nc.Close()
	stop := context.AfterFunc(p.ctx, func() { c.nc.Close() })
	defer stop()

	write := func(t FrameType, payload []byte) error {
		c.nc.SetWriteDeadline(time.Now().Add(p.t.cfg.WriteTimeout))
		return c.w.WriteFrame(t, payload)
	}
	if err := write(FrameSnapshotHeader, EncodeMessage(nil, &m)); err != nil {
		return 0, fmt.Errorf("send snapshot header: %w", err)
	}
	chunk := min(snapshotChunkSize, c.w.MaxPayload()-chunkOffsetSize)
	buf := make([]byte, chunkOffsetSize+chunk)
	sum := sha256.New()
	var off uint64
	for {
		n, rerr := io.ReadFull(body, buf[chunkOffsetSize:])
		if n > 0 {
			binary.BigEndian.PutUint64(buf, off)
			sum.Write(buf[chunkOffsetSize : chunkOffsetSize+n])
			if err := write(FrameSnapshotChunk, buf[:chunkOffsetSize+n]); err != nil {
				return off, fmt.Errorf("send snapshot chunk at offset %d: %w", off, p.ctxErr(err))
			}
			off += uint64(n)
		}
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			break
		}
		if rerr != nil {
			return off, fmt.Errorf("read snapshot body at offset %d: %w", off, rerr)
		}
	}
	end := make([]byte, 8, snapshotEndSize)
	binary.BigEndian.PutUint64(end, off)
	end = sum.Sum(end)
	if err := write(FrameSnapshotEnd, end); err != nil {
		return off, fmt.Errorf("send snapshot end: %w", p.ctxErr(err))
	}
	if err := c.w.Flush(); err != nil {
		return off, fmt.Errorf("send snapshot end: %w", p.ctxErr(err))
	}

	c.nc.SetReadDeadline(time.Now().Add(snapshotAckTimeout))
	f, err := c.r.ReadFrame()
	if err != nil {
		return off, fmt.Errorf("wait for snapshot ack: %w", p.ctxErr(noEOF(err)))
	}
	if f.Type != FrameSnapshotAck {
		return off, fmt.Errorf("%w: expected a snapshot-ack frame, got %s", ErrMalformedFrame, f.Type)
	}
	status, reason, err := parseStatus[uint8](f.Payload)
	if err != nil {
		return off, err
	}
	if status != snapshotAckAccepted {
		return off, fmt.Errorf("%w: %s", ErrSnapshotRefused, reason)
	}
	return off, nil
}

// ctxErr names the peer's removal or the transport's closing as the cause of
// an I/O error it provoked.
func (p *peer) ctxErr(err error) error {
	if p.ctx.Err() != nil {
		return fmt.Errorf("%w (%v)", p.goneErr(), err)
	}
	return err
}

// serveSnapshot receives one snapshot from node from, hands it to the
// handler and acknowledges the outcome.
func (t *Transport) serveSnapshot(c *conn, from uint64) error {
	c.nc.SetReadDeadline(time.Now().Add(snapshotIdleTimeout))
	f, err := c.r.ReadFrame()
	if err != nil {
		return fmt.Errorf("read snapshot header: %w", noEOF(err))
	}
	if f.Type != FrameSnapshotHeader {
		return fmt.Errorf("%w: expected a snapshot-header frame, got %s", ErrMalformedFrame, f.Type)
	}
	m, err := DecodeMessage(f.Payload)
	if err != nil {
		return fmt.Errorf("snapshot header from node %d: %w", from, err)
	}
	var refusal string
	switch {
	case m.Type != pb.MsgSnap || m.Snapshot == nil:
		refusal = fmt.Sprintf("snapshot header is a %s without a snapshot", m.Type)
	case m.From != from:
		refusal = fmt.Sprintf("snapshot sender %d differs from the connection's node %d", m.From, from)
	case m.To != t.cfg.NodeID:
		refusal = fmt.Sprintf("snapshot addressed to node %d, this is node %d", m.To, t.cfg.NodeID)
	}
	if refusal != "" {
		t.ackSnapshot(c, errors.New(refusal))
		return fmt.Errorf("%w: %s", ErrMalformedFrame, refusal)
	}

	start := time.Now()
	body := &snapshotReader{c: c, sum: sha256.New()}
	herr := t.cfg.Handler.HandleSnapshot(m, body)
	if herr == nil {
		// Acknowledge only a verified body, even if the handler stopped
		// reading early.
		if _, err := io.Copy(io.Discard, body); err != nil {
			herr = fmt.Errorf("verify snapshot body: %w", err)
		}
	}
	if herr != nil {
		t.log.Warn("snapshot refused", "remote_node", from, "index", m.Snapshot.Metadata.Index,
			"bytes_received", body.off, "err", herr)
	} else {
		t.log.Info("snapshot received", "remote_node", from, "index", m.Snapshot.Metadata.Index,
			"term", m.Snapshot.Metadata.Term, "bytes", body.off, "duration", time.Since(start))
	}
	return t.ackSnapshot(c, herr)
}

func (t *Transport) ackSnapshot(c *conn, herr error) error {
	status, reason := uint8(snapshotAckAccepted), ""
	if herr != nil {
		status, reason = snapshotAckRefused, herr.Error()
	}
	c.nc.SetWriteDeadline(time.Now().Add(t.cfg.WriteTimeout))
	if err := c.w.WriteFrame(FrameSnapshotAck, marshalStatus(status, reason)); err != nil {
		return fmt.Errorf("send snapshot ack: %w", err)
	}
	if err := c.w.Flush(); err != nil {
		return fmt.Errorf("send snapshot ack: %w", err)
	}
	return nil
}

// snapshotReader yields the body of an inbound snapshot, chunk by chunk,
// and verifies the end frame before it returns io.EOF. Errors are sticky.
type snapshotReader struct {
	c     *conn
	chunk []byte // unread part of the current chunk; aliases the frame buffer
	off   uint64 // body bytes received so far
	sum   hash.Hash
	err   error
}

func (s *snapshotReader) Read(p []byte) (int, error) {
	for len(s.chunk) == 0 {
		if s.err != nil {
			return 0, s.err
		}
		s.err = s.next()
	}
	n := copy(p, s.chunk)
	s.chunk = s.chunk[n:]
	return n, nil
}

// next reads the following frame: a chunk becomes s.chunk, the end frame is
// checked and turns into io.EOF.
func (s *snapshotReader) next() error {
	s.c.nc.SetReadDeadline(time.Now().Add(snapshotIdleTimeout))
	f, err := s.c.r.ReadFrame()
	if err != nil {
		return fmt.Errorf("snapshot body at offset %d: %w", s.off, noEOF(err))
	}
	switch f.Type {
	case FrameSnapshotChunk:
		if len(f.Payload) < chunkOffsetSize {
			return fmt.Errorf("%w: chunk of %d bytes has no offset", ErrSnapshotCorrupt, len(f.Payload))
		}
		if off := binary.BigEndian.Uint64(f.Payload); off != s.off {
			return fmt.Errorf("%w: chunk at offset %d, expected offset %d", ErrSnapshotCorrupt, off, s.off)
		}
		s.chunk = f.Payload[chunkOffsetSize:]
		s.sum.Write(s.chunk)
		s.off += uint64(len(s.chunk))
		return nil
	case FrameSnapshotEnd:
		if len(f.Payload) != snapshotEndSize {
			return fmt.Errorf("%w: end frame of %d bytes, want %d", ErrSnapshotCorrupt, len(f.Payload), snapshotEndSize)
		}
		if total := binary.BigEndian.Uint64(f.Payload); total != s.off {
			return fmt.Errorf("%w: received %d bytes, sender sent %d", ErrSnapshotCorrupt, s.off, total)
		}
		if got := s.sum.Sum(nil); !bytes.Equal(got, f.Payload[8:]) {
			return fmt.Errorf("%w: SHA-256 of the %d received bytes is %x, sender's is %x", ErrSnapshotCorrupt, s.off, got, f.Payload[8:])
		}
		return io.EOF
	default:
		return fmt.Errorf("%w: %s frame inside a snapshot stream", ErrMalformedFrame, f.Type)
	}
}
