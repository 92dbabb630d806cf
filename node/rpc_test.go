package node

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"
)

func TestRequestRoundTrip(t *testing.T) {
	a := startNode(t, 1, "c", TransportConfig{})
	b := startNode(t, 2, "c", TransportConfig{})
	b.h.onRequest = func(_ context.Context, from uint64, payload []byte) ([]byte, error) {
		return fmt.Appendf(nil, "from %d: %s", from, payload), nil
	}
	a.tr.AddPeer(2, b.addr())

	// Concurrent calls share one connection and each gets its own answer.
	var wg sync.WaitGroup
	for i := range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
			defer cancel()
			resp, err := a.tr.Request(ctx, 2, fmt.Appendf(nil, "req %d", i))
			if want := fmt.Sprintf("from 1: req %d", i); err != nil || string(resp) != want {
				t.Errorf("request %d: %q, %v; want %q", i, resp, err, want)
			}
		}()
	}
	wg.Wait()
}

func TestRequestRemoteError(t *testing.T) {
	a := startNode(t, 1, "c", TransportConfig{})
	b := startNode(t, 2, "c", TransportConfig{})
	b.h.onRequest = func(context.Context, uint64, []byte) ([]byte, error) {
		return nil, errors.New("not the leader")
	}
	a.tr.AddPeer(2, b.addr())
	_, err := a.tr.Request(context.Background(), 2, []byte("x"))
	var re *RemoteError
	if !errors.As(err, &re) || re.Node != 2 || re.Message != "not the leader" {
		t.Fatalf("got %v, want a RemoteError from node 2 saying %q", err, "not the leader")
	}
}

func TestRequestContextCancellation(t *testing.T) {
	a := startNode(t, 1, "c", TransportConfig{})
	b := startNode(t, 2, "c", TransportConfig{})
	started := make(chan struct{}, 1)
	release := make(chan struct{})
	b.h.onRequest = func(ctx context.Context, _ uint64, payload []byte) ([]byte, error) {
		if string(payload) == "block" {
			started <- struct{}{}
			select {
			case <-release:
			case <-ctx.Done():
			}
			return []byte("late"), nil
		}
		return payload, nil
	}
	a.tr.AddPeer(2, b.addr())

	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := a.tr.Request(ctx, 2, []byte("block"))
		errc <- err
	}()
	recv(t, started, "handler to start")
	cancel()
	if err := recv(t, errc, "cancelled request"); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	// The late response is discarded and the connection stays usable.
	close(release)
	resp, err := a.tr.Request(context.Background(), 2, []byte("next"))
	if err != nil || string(resp) != "next" {
		t.Fatalf("request after a cancelled one: %q, %v", resp, err)
	}

	// A deadline also bounds the dial of a peer that is down.
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.Addr().String()
	dead.Close()
	a.tr.AddPeer(3, deadAddr)
	ctx, cancel = context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if _, err := a.tr.Request(ctx, 3, []byte("x")); err == nil {
		t.Fatal("request to a peer that is down succeeded")
	}
}

func TestRequestFailsWhenPeerGoesAway(t *testing.T) {
	a := startNode(t, 1, "c", TransportConfig{})
	b := startNode(t, 2, "c", TransportConfig{})
	started := make(chan struct{}, 1)
	b.h.onRequest = func(ctx context.Context, _ uint64, _ []byte) ([]byte, error) {
		started <- struct{}{}
		<-ctx.Done()
		return nil, ctx.Err()
	}
	a.tr.AddPeer(2, b.addr())
	errc := make(chan error, 1)
	go func() {
		_, err := a.tr.Request(context.Background(), 2, []byte("x"))
		errc <- err
	}()
	recv(t, started, "handler to start")
	closeWithin(t, b.tr)
	if err := recv(t, errc, "request to fail"); err == nil {
		t.Fatal("request survived the peer's shutdown")
	}

	// Close of the caller's transport fails its calls in flight too.
	b2 := startNode(t, 2, "c", TransportConfig{ListenAddr: b.addr()})
	b2.h.onRequest = b.h.onRequest
	a.tr.AddPeer(2, b2.addr()) // same address: nothing changes
	go func() {
		_, err := a.tr.Request(context.Background(), 2, []byte("x"))
		errc <- err
	}()
	recv(t, started, "handler to start")
	closeWithin(t, a.tr)
	if err := recv(t, errc, "request to fail"); !errors.Is(err, ErrClosed) {
		t.Fatalf("request during Close: %v, want ErrClosed", err)
	}
}

func TestRequestTooLarge(t *testing.T) {
	a := startNode(t, 1, "c", TransportConfig{MaxFrameSize: 64 << 10})
	b := startNode(t, 2, "c", TransportConfig{MaxFrameSize: 64 << 10})
	a.tr.AddPeer(2, b.addr())
	if _, err := a.tr.Request(context.Background(), 2, make([]byte, 64<<10)); !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("got %v, want ErrFrameTooLarge", err)
	}
	b.h.onRequest = func(context.Context, uint64, []byte) ([]byte, error) { return make([]byte, 64<<10), nil }
	_, err := a.tr.Request(context.Background(), 2, []byte("x"))
	var re *RemoteError
	if !errors.As(err, &re) {
		t.Fatalf("oversized response: %v, want a RemoteError", err)
	}
}
