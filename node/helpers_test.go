package node

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	pb "sqlraft/raft/raftpb"
)

// testTimeout bounds every wait in these tests: nothing here should take
// more than a fraction of it.
const testTimeout = 10 * time.Second

type snapReport struct {
	id uint64
	ok bool
}

// testHandler records what a transport hands it. The optional hooks replace
// the default behaviour for snapshots and requests.
type testHandler struct {
	msgs        chan pb.Message
	unreachable chan uint64
	snapReports chan snapReport

	onSnapshot func(m pb.Message, body io.Reader) error
	onRequest  func(ctx context.Context, from uint64, payload []byte) ([]byte, error)
}

func newTestHandler() *testHandler {
	return &testHandler{
		msgs:        make(chan pb.Message, 1<<16),
		unreachable: make(chan uint64, 1<<16),
		snapReports: make(chan snapReport, 64),
	}
}

func (h *testHandler) HandleMessage(m pb.Message) { h.msgs <- m }

func (h *testHandler) HandleSnapshot(m pb.Message, body io.Reader) error {
	if h.onSnapshot != nil {
		return h.onSnapshot(m, body)
	}
	_, err := io.Copy(io.Discard, body)
	return err
}

func (h *testHandler) HandleRequest(ctx context.Context, from uint64, payload []byte) ([]byte, error) {
	if h.onRequest != nil {
		return h.onRequest(ctx, from, payload)
	}
	return append([]byte("echo:"), payload...), nil
}

func (h *testHandler) ReportUnreachable(id uint64) {
	select {
	case h.unreachable <- id:
	default: // the tests only need to see some reports
	}
}

func (h *testHandler) ReportSnapshot(id uint64, ok bool) { h.snapReports <- snapReport{id, ok} }

// logBuffer collects a transport's logs; they are printed if the test fails.
type logBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	written chan struct{} // signalled after each write
}

func newLogBuffer() *logBuffer { return &logBuffer{written: make(chan struct{}, 1)} }

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	n, err := b.buf.Write(p)
	select {
	case b.written <- struct{}{}:
	default:
	}
	return n, err
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

type testNode struct {
	tr   *Transport
	h    *testHandler
	logs *logBuffer
	cfg  TransportConfig
}

func (n *testNode) addr() string { return n.tr.Addr().String() }

// startNode starts a transport for node id of cluster on 127.0.0.1:0 (or
// on cfg.ListenAddr when set). It is closed when the test ends.
func startNode(t *testing.T, id uint64, cluster string, cfg TransportConfig) *testNode {
	t.Helper()
	n := &testNode{h: newTestHandler(), logs: newLogBuffer()}
	cfg.NodeID = id
	cfg.ClusterID = cluster
	if cfg.ListenAddr == "" {
		cfg.ListenAddr = "127.0.0.1:0"
	}
	if cfg.Handler == nil {
		cfg.Handler = n.h
	}
	cfg.Logger = slog.New(slog.NewTextHandler(n.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	tr, err := NewTransport(cfg)
	if err != nil {
		t.Fatalf("NewTransport: %v", err)
	}
	if err := tr.Start(); err != nil {
		t.Fatalf("Start: %v", err)
	}
	n.tr, n.cfg = tr, cfg
	t.Cleanup(func() {
		closeWithin(t, tr)
		if t.Failed() {
			t.Logf("logs of node %d:\n%s", id, n.logs)
		}
	})
	return n
}

// closeWithin closes tr and fails the test if Close hangs.
func closeWithin(t *testing.T, tr *Transport) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- tr.Close() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Close: %v", err)
		}
	case <-time.After(testTimeout):
		t.Fatalf("Close did not return within %v", testTimeout)
	}
}

// recv waits for the next value of ch.
func recv[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(testTimeout):
		t.Fatalf("timed out waiting for %s", what)
		panic("unreachable")
	}
}

// waitUnreachable waits until id is reported unreachable.
func waitUnreachable(t *testing.T, h *testHandler, id uint64) {
	t.Helper()
	deadline := time.After(testTimeout)
	for {
		select {
		case got := <-h.unreachable:
			if got == id {
				return
			}
		case <-deadline:
			t.Fatalf("node %d was never reported unreachable", id)
		}
	}
}

func heartbeat(from, to, seq uint64) pb.Message {
	return pb.Message{Type: pb.MsgHeartbeat, From: from, To: to, Term: 1, Seq: seq}
}

// requireLogged waits until one log line contains all parts: the line may
// be written just after the event the test observed (a TLS alert reaches
// the client before the server logs it).
func requireLogged(t *testing.T, logs *logBuffer, parts ...string) {
	t.Helper()
	deadline := time.After(testTimeout)
	for {
		if hasLogLine(logs.String(), parts) {
			return
		}
		select {
		case <-logs.written:
		case <-deadline:
			t.Fatalf("no log line contains all of %q; logs:\n%s", parts, logs)
		}
	}
}

func hasLogLine(logs string, parts []string) bool {
	for _, line := range strings.Split(logs, "\n") {
		all := true
		for _, p := range parts {
			if !strings.Contains(line, p) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}
