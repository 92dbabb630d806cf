package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"

	pb "sqlraft/raft/raftpb"
)

// Reconnection back-off: the first retry comes quickly (a peer restarting),
// later ones at most once a second (a peer that is down).
const (
	minBackoff = 25 * time.Millisecond
	maxBackoff = time.Second
)

// errPeerClosedStream is returned when the peer closes the raft stream.
var errPeerClosedStream = errors.New("peer closed the connection")

// peer is the outbound side of one remote node: a queue that Send fills
// without blocking, and one goroutine that drains it into one pipelined
// connection. A slow or dead peer fills only its own queue.
type peer struct {
	t     *Transport
	id    uint64
	addr  string
	queue chan pb.Message
	// ctx ends when the peer is removed or the transport closes.
	ctx    context.Context
	cancel context.CancelFunc
	rpc    *rpcClient
}

func newPeer(t *Transport, id uint64, addr string) *peer {
	ctx, cancel := context.WithCancel(t.ctx)
	p := &peer{
		t:      t,
		id:     id,
		addr:   addr,
		queue:  make(chan pb.Message, t.cfg.PeerQueueSize),
		ctx:    ctx,
		cancel: cancel,
	}
	p.rpc = &rpcClient{p: p}
	return p
}

// stop ends the peer's goroutine and connections. Messages left in the queue
// are dropped with it; the queue channel is never closed, so a concurrent
// Send cannot panic.
func (p *peer) stop() { p.cancel() }

// goneErr says why a stopped peer cannot be used.
func (p *peer) goneErr() error {
	if p.t.ctx.Err() != nil {
		return ErrClosed
	}
	return fmt.Errorf("%w: %d was removed", ErrUnknownPeer, p.id)
}

// run connects to the peer and streams its queue until the peer is
// stopped. Each failure drops the batch in flight, reports the peer
// unreachable once per outage, and reconnects after a back-off.
func (p *peer) run() {
	backoff := minBackoff
	reported := false
	for {
		c, err := dialNode(p.ctx, p.t.dp, p.id, p.addr, purposeRaft)
		if err != nil {
			if p.ctx.Err() != nil {
				return
			}
			if !reported {
				p.reportUnreachable("cannot connect to peer", err)
				reported = true
			} else {
				p.t.log.Debug("cannot connect to peer", "peer", p.id, "addr", p.addr, "err", err)
			}
			if !p.backOff(&backoff) {
				return
			}
			continue
		}
		p.t.log.Info("connected to peer", "peer", p.id, "addr", p.addr)
		backoff, reported = minBackoff, false
		err = p.stream(c)
		if p.ctx.Err() != nil {
			return
		}
		p.reportUnreachable("lost connection to peer", err)
		reported = true
		if !p.backOff(&backoff) {
			return
		}
	}
}

func (p *peer) reportUnreachable(msg string, err error) {
	level := slog.LevelWarn
	if errors.Is(err, ErrWrongCluster) || errors.Is(err, ErrWrongNode) || errors.Is(err, ErrUnsupportedVersion) {
		// A misconfiguration, not a network blip: retrying will not fix it.
		level = slog.LevelError
	}
	p.t.log.Log(p.ctx, level, msg, "peer", p.id, "addr", p.addr, "err", err)
	p.t.cfg.Handler.ReportUnreachable(p.id)
}

// backOff waits for the current back-off with jitter, doubling it for next
// time. Messages queued meanwhile are dropped: by the time the connection is
// back they are stale, and raft retransmits what matters. It returns false
// if the peer was stopped.
func (p *peer) backOff(d *time.Duration) bool {
	wait := *d/2 + rand.N(*d/2+1)
	*d = min(2**d, maxBackoff)
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for {
		select {
		case <-p.ctx.Done():
			return false
		case <-timer.C:
			return true
		case <-p.queue:
		}
	}
}

// stream writes queued messages to c until c fails or the peer stops. It
// batches whatever is queued into one frame, and flushes only when the queue
// is empty, so a burst costs few syscalls and a lone heartbeat goes out at
// once.
func (p *peer) stream(c *conn) error {
	defer c.nc.Close()
	stop := context.AfterFunc(p.ctx, func() { c.nc.Close() })
	defer stop()

	// The remote never writes on a raft stream: a read returns only when
	// the connection ends, which tells us before a write fails.
	dead := make(chan struct{})
	if !p.t.spawn(func() {
		defer close(dead)
		if f, err := c.r.ReadFrame(); err == nil {
			p.t.log.Warn("unexpected frame on an outbound raft stream", "peer", p.id, "frame", f.Type.String())
		}
		c.nc.Close()
	}) {
		return ErrClosed
	}

	maxPayload := c.w.MaxPayload()
	var batch []byte
	var next pb.Message
	haveNext := false
	for {
		if !haveNext {
			select {
			case <-p.ctx.Done():
				return p.ctx.Err()
			case <-dead:
				return errPeerClosedStream
			case next = <-p.queue:
			}
		}
		haveNext = false
		batch = appendBatchMessage(batch[:0], &next)
		if len(batch) > maxPayload {
			p.t.log.Error("raft message larger than the maximum frame size: dropped", "peer", p.id,
				"type", next.Type.String(), "size", len(batch), "max_frame_size", maxPayload)
			p.t.cfg.Handler.ReportUnreachable(p.id)
			continue
		}
		count := 1
	fill:
		for {
			select {
			case next = <-p.queue:
				mark := len(batch)
				batch = appendBatchMessage(batch, &next)
				if len(batch) > maxPayload {
					batch = batch[:mark]
					haveNext = true
					break fill
				}
				count++
			default:
				break fill
			}
		}
		c.nc.SetWriteDeadline(time.Now().Add(p.t.cfg.WriteTimeout))
		if err := c.w.WriteFrame(FrameRaftMessages, batch); err != nil {
			return fmt.Errorf("send %d messages: %w", count, err)
		}
		if !haveNext && len(p.queue) == 0 {
			if err := c.w.Flush(); err != nil {
				return fmt.Errorf("send %d messages: %w", count, err)
			}
		}
		if cap(batch) > keepReadBuffer {
			batch = nil
		}
	}
}
