package node

import (
	"context"
	"errors"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	pb "sqlraft/raft/raftpb"
)

func TestTransportDeliversInOrder(t *testing.T) {
	a := startNode(t, 1, "c", TransportConfig{})
	b := startNode(t, 2, "c", TransportConfig{})
	a.tr.AddPeer(2, b.addr())
	b.tr.AddPeer(1, a.addr())

	// Bursts large enough to be batched several messages per frame and
	// several frames per flush, with entries that span frames.
	const n = 3000
	go func() {
		for i := range uint64(n) {
			m := pb.Message{Type: pb.MsgApp, From: 1, To: 2, Term: 3, Index: i, LogTerm: 3,
				Entries: []pb.Entry{{Term: 3, Index: i + 1, Data: make([]byte, i%700)}}}
			a.tr.Send([]pb.Message{m})
		}
	}()
	for i := range uint64(n) {
		m := recv(t, b.h.msgs, "MsgApp")
		if m.Index != i || m.From != 1 || len(m.Entries) != 1 || len(m.Entries[0].Data) != int(i%700) {
			t.Fatalf("message %d: got %v", i, m)
		}
	}
	b.tr.Send([]pb.Message{{Type: pb.MsgAppResp, From: 2, To: 1, Term: 3, Index: n}})
	if m := recv(t, a.h.msgs, "MsgAppResp"); m.Type != pb.MsgAppResp || m.Index != n {
		t.Fatalf("got %v", m)
	}
	select {
	case id := <-a.h.unreachable:
		t.Fatalf("peer %d reported unreachable on a healthy link", id)
	default:
	}
}

func TestTransportStartFailsOnPortInUse(t *testing.T) {
	a := startNode(t, 1, "c", TransportConfig{})
	tr, err := NewTransport(TransportConfig{NodeID: 2, ClusterID: "c", ListenAddr: a.addr(), Handler: newTestHandler()})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	err = tr.Start()
	if err == nil || !strings.Contains(err.Error(), a.addr()) || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("Start on a used port: %v, want an error naming %s", err, a.addr())
	}
}

func TestNewTransportValidatesConfig(t *testing.T) {
	h := newTestHandler()
	for _, cfg := range []TransportConfig{
		{ClusterID: "c", Handler: h},
		{NodeID: 1, Handler: h},
		{NodeID: 1, ClusterID: "c"},
		{NodeID: 1, ClusterID: strings.Repeat("x", 300), Handler: h},
		{NodeID: 1, ClusterID: "c", Handler: h, MaxFrameSize: 100},
		{NodeID: 1, ClusterID: "c", Handler: h, PeerQueueSize: -1},
		{NodeID: 1, ClusterID: "c", Handler: h, DialFrom: "localhost"},
	} {
		if _, err := NewTransport(cfg); err == nil {
			t.Errorf("NewTransport(%+v) accepted an invalid config", cfg)
		}
	}
}

func TestTransportReconnectsAfterPeerRestart(t *testing.T) {
	a := startNode(t, 1, "c", TransportConfig{})
	b := startNode(t, 2, "c", TransportConfig{})
	addr := b.addr()
	a.tr.AddPeer(2, addr)
	a.tr.Send([]pb.Message{heartbeat(1, 2, 1)})
	recv(t, b.h.msgs, "heartbeat before restart")

	closeWithin(t, b.tr)
	// a notices the closed connection and reports the peer.
	waitUnreachable(t, a.h, 2)

	b2 := startNode(t, 2, "c", TransportConfig{ListenAddr: addr})
	// Raft keeps sending heartbeats; the first ones after the restart may
	// be dropped while a backs off, later ones must arrive.
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(testTimeout)
	for seq := uint64(2); ; seq++ {
		a.tr.Send([]pb.Message{heartbeat(1, 2, seq)})
		select {
		case m := <-b2.h.msgs:
			if m.Type != pb.MsgHeartbeat || m.From != 1 {
				t.Fatalf("got %v", m)
			}
			return
		case <-tick.C:
		case <-deadline:
			t.Fatal("no message reached the restarted peer")
		}
	}
}

// stalledPeer accepts raft streams, completes the handshake and then never
// reads again, as a node stuck in a long GC or SIGSTOP would.
func stalledPeer(t *testing.T, cluster string, id uint64) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	done := make(chan struct{})
	t.Cleanup(func() {
		ln.Close()
		<-done
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	go func() {
		defer close(done)
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, nc)
			mu.Unlock()
			r := NewFrameReader(nc, maxHelloFrame)
			if _, err := r.ReadFrame(); err != nil {
				continue
			}
			w := NewFrameWriter(nc, 0)
			w.WriteFrame(FrameHelloReply, marshalStatus(helloAccepted, ""))
			w.Flush()
		}
	}()
	return ln.Addr().String()
}

func TestTransportSlowPeerDoesNotBlockOthers(t *testing.T) {
	a := startNode(t, 1, "c", TransportConfig{PeerQueueSize: 64, WriteTimeout: time.Minute})
	c := startNode(t, 3, "c", TransportConfig{})
	a.tr.AddPeer(2, stalledPeer(t, "c", 2))
	a.tr.AddPeer(3, c.addr())

	// Each message to the stalled peer carries 64 KiB: socket buffers fill
	// after some megabytes, then its writer blocks and its queue fills.
	// Meanwhile every heartbeat to node 3 must arrive, and Send must
	// return at once.
	big := make([]byte, 64<<10)
	for i := uint64(1); i <= 1000; i++ {
		start := time.Now()
		a.tr.Send([]pb.Message{
			{Type: pb.MsgApp, From: 1, To: 2, Term: 1, Index: i, Entries: []pb.Entry{{Term: 1, Index: i + 1, Data: big}}},
			heartbeat(1, 3, i),
		})
		if d := time.Since(start); d > time.Second {
			t.Fatalf("Send blocked for %v", d)
		}
		if m := recv(t, c.h.msgs, "heartbeat to the healthy peer"); m.Seq != i {
			t.Fatalf("healthy peer got seq %d, want %d", m.Seq, i)
		}
	}
	waitUnreachable(t, a.h, 2)
}

func TestTransportSendRefusals(t *testing.T) {
	a := startNode(t, 1, "c", TransportConfig{})
	a.tr.Send([]pb.Message{
		{Type: pb.MsgSnap, From: 1, To: 2, Snapshot: &pb.Snapshot{}},
		heartbeat(1, 9, 1), // unknown peer
		{Type: pb.MsgHup, From: 1, To: 9},
	})
	if r := recv(t, a.h.snapReports, "snapshot report"); r != (snapReport{2, false}) {
		t.Fatalf("MsgSnap through Send: report %+v, want {2 false}", r)
	}
	waitUnreachable(t, a.h, 9)
}

func TestTransportDropsForgedMessages(t *testing.T) {
	b := startNode(t, 2, "c", TransportConfig{})
	c, err := dialNode(context.Background(), testDialParams("c", 1), 2, b.addr(), purposeRaft)
	if err != nil {
		t.Fatal(err)
	}
	defer c.nc.Close()
	var batch []byte
	for _, m := range []pb.Message{
		heartbeat(3, 2, 1),                // claims another sender
		heartbeat(1, 4, 2),                // addressed to another node
		{Type: pb.MsgHup, From: 1, To: 2}, // local type
		{Type: pb.MsgSnap, From: 1, To: 2, Snapshot: &pb.Snapshot{}},
		heartbeat(1, 2, 5), // fine
	} {
		batch = appendBatchMessage(batch, &m)
	}
	if err := c.w.WriteFrame(FrameRaftMessages, batch); err != nil {
		t.Fatal(err)
	}
	c.w.Flush()
	if m := recv(t, b.h.msgs, "the valid message"); m.Seq != 5 {
		t.Fatalf("delivered %v, want only the heartbeat with seq 5", m)
	}
	requireLogged(t, b.logs, "dropped raft message", "differs from the connection's node")

	// A frame whose messages do not decode ends the connection.
	c.w.WriteFrame(FrameRaftMessages, []byte{0, 0, 0, 3, 1, 2, 3})
	c.w.Flush()
	c.nc.SetReadDeadline(time.Now().Add(testTimeout))
	if _, err := c.r.ReadFrame(); err == nil || errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("connection survived a malformed batch: %v", err)
	}
}

func TestTransportCloseAndRemovePeer(t *testing.T) {
	a := startNode(t, 1, "c", TransportConfig{})
	b := startNode(t, 2, "c", TransportConfig{})
	// A peer that does not exist: a keeps dialing it and backing off.
	dead, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadAddr := dead.Addr().String()
	dead.Close()
	a.tr.AddPeer(3, deadAddr)
	a.tr.AddPeer(2, b.addr())
	a.tr.AddPeer(1, "ignored:1") // self
	a.tr.Send([]pb.Message{heartbeat(1, 2, 1), heartbeat(1, 3, 1)})
	recv(t, b.h.msgs, "heartbeat")
	waitUnreachable(t, a.h, 3)

	a.tr.RemovePeer(2)
	a.tr.Send([]pb.Message{heartbeat(1, 2, 2)})
	waitUnreachable(t, a.h, 2)
	if _, err := a.tr.Request(context.Background(), 2, nil); !errors.Is(err, ErrUnknownPeer) {
		t.Fatalf("Request to a removed peer: %v, want ErrUnknownPeer", err)
	}

	closeWithin(t, a.tr)
	closeWithin(t, a.tr) // idempotent
	a.tr.Send([]pb.Message{heartbeat(1, 3, 2)})
	a.tr.AddPeer(4, b.addr())
	if _, err := a.tr.Request(context.Background(), 3, nil); !errors.Is(err, ErrClosed) {
		t.Fatalf("Request after Close: %v, want ErrClosed", err)
	}
	if err := a.tr.Start(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Start after Close: %v, want ErrClosed", err)
	}
}

// With DialFrom set, peers see our connections come from that address.
func TestTransportDialsFromConfiguredAddress(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	a := startNode(t, 1, "c", TransportConfig{DialFrom: "127.0.0.7"})
	a.tr.AddPeer(2, l.Addr().String())
	a.tr.Send([]pb.Message{heartbeat(1, 2, 1)})
	c, err := l.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if host, _, _ := net.SplitHostPort(c.RemoteAddr().String()); host != "127.0.0.7" {
		t.Fatalf("connection from %s, want 127.0.0.7", c.RemoteAddr())
	}
}
