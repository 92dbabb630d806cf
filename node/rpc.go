package node

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Request and response frames multiplex calls over one connection per peer:
//
//	request:  uvarint request id, request bytes
//	response: uvarint request id, status byte, response bytes (status
//	          rpcOK) or the handler's error text (status rpcFailed)
//
// A caller that gives up (context cancelled) forgets its id; the response,
// when it comes, is discarded. The remote handler is not interrupted: its
// context ends only with the connection.
const (
	rpcOK     = 0
	rpcFailed = 1

	// maxConcurrentRequests bounds the handler goroutines of one inbound
	// RPC connection; beyond it the connection stops reading, which pushes
	// back on the caller through TCP.
	maxConcurrentRequests = 256
)

// ErrNotSent wraps the failure of a request that never left this node
// (the peer could not be dialed, or its connection had already failed):
// the remote handler certainly did not run it.
var ErrNotSent = errors.New("request not sent")

// RemoteError is a request's failure reported by the remote handler.
type RemoteError struct {
	Node    uint64
	Message string
}

func (e *RemoteError) Error() string {
	return fmt.Sprintf("node %d: %s", e.Node, e.Message)
}

// Request sends payload to node to and waits for the response of its
// Handler.HandleRequest. Requests to one peer share one connection, dialed
// on first use and redialed after a failure. ctx bounds the whole call,
// including the dial.
func (t *Transport) Request(ctx context.Context, to uint64, payload []byte) ([]byte, error) {
	p, err := t.peer(to)
	if err != nil {
		return nil, fmt.Errorf("request to node %d: %w", to, err)
	}
	resp, err := p.rpc.call(ctx, payload)
	if err != nil {
		return nil, fmt.Errorf("request to node %d: %w", to, err)
	}
	return resp, nil
}

// rpcClient owns the outbound RPC connection to one peer.
type rpcClient struct {
	p *peer

	mu      sync.Mutex
	conn    *rpcConn
	dialing chan struct{} // closed when the dial in progress ends
}

type rpcResult struct {
	payload []byte
	err     error
}

// rpcConn is one outbound RPC connection and its calls in flight.
type rpcConn struct {
	c *conn
	// stopWatch releases the watch that fails the connection when the
	// peer stops; the read loop calls it when it ends.
	stopWatch func() bool
	wmu       sync.Mutex // serialises frame writes

	mu      sync.Mutex
	nextID  uint64
	pending map[uint64]chan rpcResult
	err     error // set once the connection failed
}

func (rc *rpcClient) call(ctx context.Context, payload []byte) ([]byte, error) {
	if limit := rc.p.t.cfg.MaxFrameSize - binary.MaxVarintLen64; len(payload) > limit {
		return nil, fmt.Errorf("%w: request of %d bytes, the maximum is %d", ErrFrameTooLarge, len(payload), limit)
	}
	cc, err := rc.get(ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotSent, err)
	}
	id, ch, err := cc.register()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotSent, err)
	}
	if err := cc.send(id, payload, rc.p.t.cfg.WriteTimeout); err != nil {
		cc.fail(err)
		return nil, err
	}
	select {
	case r := <-ch:
		return r.payload, r.err
	case <-ctx.Done():
		cc.forget(id)
		return nil, ctx.Err()
	}
}

// get returns the live connection, dialing it if there is none. Only one
// caller dials at a time; the others wait for it or for their context.
func (rc *rpcClient) get(ctx context.Context) (*rpcConn, error) {
	for {
		rc.mu.Lock()
		if rc.p.ctx.Err() != nil {
			rc.mu.Unlock()
			return nil, rc.p.goneErr()
		}
		if cc := rc.conn; cc != nil && !cc.failed() {
			rc.mu.Unlock()
			return cc, nil
		}
		if wait := rc.dialing; wait != nil {
			rc.mu.Unlock()
			select {
			case <-wait:
				continue
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		done := make(chan struct{})
		rc.dialing = done
		rc.mu.Unlock()

		cc, err := rc.dial(ctx)
		rc.mu.Lock()
		rc.dialing = nil
		if err == nil {
			rc.conn = cc
		}
		rc.mu.Unlock()
		close(done)
		return cc, err
	}
}

func (rc *rpcClient) dial(ctx context.Context) (*rpcConn, error) {
	p := rc.p
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stopDial := context.AfterFunc(p.ctx, cancel)
	defer stopDial()
	c, err := dialNode(ctx, p.t.dp, p.id, p.addr, purposeRPC)
	if err != nil {
		if p.ctx.Err() != nil {
			return nil, p.goneErr()
		}
		return nil, err
	}
	cc := &rpcConn{c: c, pending: make(map[uint64]chan rpcResult)}
	cc.stopWatch = context.AfterFunc(p.ctx, func() { cc.fail(p.goneErr()) })
	if !p.t.spawn(func() { cc.readLoop(p.id) }) {
		cc.fail(ErrClosed)
		return nil, ErrClosed
	}
	return cc, nil
}

func (cc *rpcConn) failed() bool {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	return cc.err != nil
}

func (cc *rpcConn) register() (uint64, chan rpcResult, error) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.err != nil {
		return 0, nil, cc.err
	}
	cc.nextID++
	ch := make(chan rpcResult, 1)
	cc.pending[cc.nextID] = ch
	return cc.nextID, ch, nil
}

func (cc *rpcConn) forget(id uint64) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	delete(cc.pending, id)
}

func (cc *rpcConn) send(id uint64, payload []byte, timeout time.Duration) error {
	frame := make([]byte, 0, binary.MaxVarintLen64+len(payload))
	frame = binary.AppendUvarint(frame, id)
	frame = append(frame, payload...)
	cc.wmu.Lock()
	defer cc.wmu.Unlock()
	cc.c.nc.SetWriteDeadline(time.Now().Add(timeout))
	if err := cc.c.w.WriteFrame(FrameRequest, frame); err != nil {
		return err
	}
	return cc.c.w.Flush()
}

// fail closes the connection and fails every call in flight with err. Only
// the first failure counts.
func (cc *rpcConn) fail(err error) {
	cc.mu.Lock()
	if cc.err != nil {
		cc.mu.Unlock()
		return
	}
	cc.err = err
	pending := cc.pending
	cc.pending = nil
	cc.mu.Unlock()

	cc.c.nc.Close()
	for _, ch := range pending {
		ch <- rpcResult{err: err}
	}
}

func (cc *rpcConn) readLoop(peerID uint64) {
	defer cc.stopWatch()
	for {
		f, err := cc.c.r.ReadFrame()
		if err != nil {
			cc.fail(fmt.Errorf("connection lost: %w", noEOF(err)))
			return
		}
		if f.Type != FrameResponse {
			cc.fail(fmt.Errorf("%w: %s frame on an RPC connection", ErrMalformedFrame, f.Type))
			return
		}
		d := decoder{b: f.Payload}
		id := d.uvarint("request id")
		status := d.byte("status")
		if d.err != nil || status > rpcFailed {
			cc.fail(fmt.Errorf("%w: bad response header (status %d): %v", ErrMalformedFrame, status, d.err))
			return
		}
		body := bytes.Clone(f.Payload[d.off:])
		var r rpcResult
		if status == rpcOK {
			r.payload = body
		} else {
			r.err = &RemoteError{Node: peerID, Message: string(body)}
		}
		cc.mu.Lock()
		ch := cc.pending[id]
		delete(cc.pending, id)
		cc.mu.Unlock()
		if ch != nil {
			ch <- r
		}
	}
}

// serveRPC answers the requests of an inbound RPC connection from node
// from, each in its own goroutine, until the connection ends.
func (t *Transport) serveRPC(c *conn, from uint64) error {
	ctx, cancel := context.WithCancel(t.ctx)
	var handlers sync.WaitGroup
	defer func() {
		cancel()
		c.nc.Close()
		handlers.Wait()
	}()
	var wmu sync.Mutex
	sem := make(chan struct{}, maxConcurrentRequests)
	for {
		f, err := c.r.ReadFrame()
		if err != nil {
			return err
		}
		if f.Type != FrameRequest {
			return fmt.Errorf("%w: %s frame on an RPC connection", ErrMalformedFrame, f.Type)
		}
		d := decoder{b: f.Payload}
		id := d.uvarint("request id")
		if d.err != nil {
			return fmt.Errorf("request from node %d: %w", from, d.err)
		}
		req := bytes.Clone(f.Payload[d.off:])
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return nil
		}
		handlers.Add(1)
		go func() {
			defer handlers.Done()
			defer func() { <-sem }()
			resp, herr := t.cfg.Handler.HandleRequest(ctx, from, req)
			payload := marshalResponse(id, resp, herr)
			if len(payload) > t.cfg.MaxFrameSize {
				herr = fmt.Errorf("response of %d bytes exceeds the maximum frame size of %d bytes", len(resp), t.cfg.MaxFrameSize)
				t.log.Error("request handler returned an oversized response", "remote_node", from, "size", len(resp))
				payload = marshalResponse(id, nil, herr)
			}
			wmu.Lock()
			defer wmu.Unlock()
			c.nc.SetWriteDeadline(time.Now().Add(t.cfg.WriteTimeout))
			err := c.w.WriteFrame(FrameResponse, payload)
			if err == nil {
				err = c.w.Flush()
			}
			if err != nil {
				c.nc.Close() // ends the read loop; the caller redials
			}
		}()
	}
}

func marshalResponse(id uint64, resp []byte, err error) []byte {
	status, body := byte(rpcOK), resp
	if err != nil {
		status, body = rpcFailed, []byte(err.Error())
		if len(body) > maxReasonLen {
			body = body[:maxReasonLen]
		}
	}
	b := make([]byte, 0, binary.MaxVarintLen64+1+len(body))
	b = binary.AppendUvarint(b, id)
	b = append(b, status)
	return append(b, body...)
}
