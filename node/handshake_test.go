package node

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	pb "sqlraft/raft/raftpb"
)

func testDialParams(cluster string, from uint64) dialParams {
	return dialParams{clusterID: cluster, from: from, timeout: testTimeout, maxFrameSize: DefaultMaxFrameSize}
}

// rawHello opens a plain connection to addr, sends h and returns the reply.
func rawHello(t *testing.T, addr string, h hello) (net.Conn, *FrameReader, helloStatus, string) {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, testTimeout)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(testTimeout))
	w := NewFrameWriter(nc, 0)
	if err := w.WriteFrame(FrameHello, h.marshal()); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	r := NewFrameReader(nc, 0)
	f, err := r.ReadFrame()
	if err != nil {
		t.Fatalf("read hello reply: %v", err)
	}
	if f.Type != FrameHelloReply {
		t.Fatalf("got a %s frame, want hello-reply", f.Type)
	}
	status, reason, err := parseStatus[helloStatus](f.Payload)
	if err != nil {
		t.Fatal(err)
	}
	return nc, r, status, reason
}

func TestHandshakeRefusesAnotherCluster(t *testing.T) {
	b := startNode(t, 2, "beta", TransportConfig{})

	// The dial helper surfaces the refusal as ErrWrongCluster.
	_, err := dialNode(context.Background(), testDialParams("alpha", 1), 2, b.addr(), purposeRaft)
	if !errors.Is(err, ErrWrongCluster) {
		t.Fatalf("dial from another cluster: %v, want ErrWrongCluster", err)
	}
	if !strings.Contains(err.Error(), `"beta"`) || !strings.Contains(err.Error(), `"alpha"`) {
		t.Errorf("error %q does not name both clusters", err)
	}
	requireLogged(t, b.logs, "refused connection from another cluster", "local_cluster=beta",
		"remote_cluster=alpha", "remote_addr=127.0.0.1:")

	// The listener closes the connection after its refusal.
	nc, r, status, _ := rawHello(t, b.addr(), hello{version: protocolVersion, clusterID: "alpha", from: 1, to: 2, purpose: purposeRaft})
	if status != helloWrongCluster {
		t.Fatalf("status %d, want helloWrongCluster", status)
	}
	if _, err := r.ReadFrame(); err != io.EOF {
		t.Fatalf("after the refusal: %v, want io.EOF (connection closed)", err)
	}
	nc.Close()

	// A transport of the other cluster never delivers a message to b.
	a := startNode(t, 1, "alpha", TransportConfig{})
	a.tr.AddPeer(2, b.addr())
	a.tr.Send([]pb.Message{heartbeat(1, 2, 1)})
	waitUnreachable(t, a.h, 2)
	requireLogged(t, a.logs, "level=ERROR", "cannot connect to peer", "another cluster")
	select {
	case m := <-b.h.msgs:
		t.Fatalf("node of another cluster delivered %v", m)
	default:
	}
}

func TestHandshakeRefusesOtherNodesAndVersions(t *testing.T) {
	b := startNode(t, 2, "c", TransportConfig{})

	_, err := dialNode(context.Background(), testDialParams("c", 1), 7, b.addr(), purposeRPC)
	if !errors.Is(err, ErrWrongNode) {
		t.Fatalf("dial of node 7 at node 2's address: %v, want ErrWrongNode", err)
	}

	cases := []struct {
		name string
		h    hello
		want helloStatus
	}{
		{"version", hello{version: 2, clusterID: "c", from: 1, to: 2, purpose: purposeRaft}, helloBadVersion},
		{"purpose", hello{version: protocolVersion, clusterID: "c", from: 1, to: 2, purpose: 9}, helloBadRequest},
		{"zero sender", hello{version: protocolVersion, clusterID: "c", from: 0, to: 2, purpose: purposeRaft}, helloBadRequest},
		{"self as sender", hello{version: protocolVersion, clusterID: "c", from: 2, to: 2, purpose: purposeRaft}, helloBadRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, status, reason := rawHello(t, b.addr(), tc.h)
			if status != tc.want || reason == "" {
				t.Fatalf("status %d (%q), want %d with a reason", status, reason, tc.want)
			}
		})
	}
}

func TestHandshakeSurvivesGarbage(t *testing.T) {
	b := startNode(t, 2, "c", TransportConfig{})
	for _, junk := range [][]byte{
		[]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
		{frameVersion, byte(FrameHello), 0xff, 0xff, 0xff, 0xff}, // hello larger than allowed
		{frameVersion, byte(FrameRaftMessages), 0, 0, 0, 0, 0, 0, 0, 0},
		frameBytes(t, FrameHello, []byte{1, 0xff}), // hello with a bad cluster id length
	} {
		nc, err := net.Dial("tcp", b.addr())
		if err != nil {
			t.Fatal(err)
		}
		nc.SetDeadline(time.Now().Add(testTimeout))
		nc.Write(junk)
		// The listener answers (a refusal) or closes; either way the
		// connection ends without a panic.
		io.Copy(io.Discard, nc)
		nc.Close()
	}
	// The node still serves a proper peer.
	c, err := dialNode(context.Background(), testDialParams("c", 1), 2, b.addr(), purposeRaft)
	if err != nil {
		t.Fatalf("dial after garbage: %v", err)
	}
	c.nc.Close()
}

func TestDialHonoursContext(t *testing.T) {
	// A listener that accepts and never answers the hello.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			nc, err := ln.Accept()
			if err != nil {
				return
			}
			defer nc.Close()
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		_, err := dialNode(ctx, testDialParams("c", 1), 2, ln.Addr().String(), purposeRaft)
		errc <- err
	}()
	cancel()
	if err := recv(t, errc, "dial to return"); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	dp := testDialParams("c", 1)
	dp.timeout = 50 * time.Millisecond
	if _, err := dialNode(context.Background(), dp, 2, ln.Addr().String(), purposeRaft); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want context.DeadlineExceeded", err)
	}
}
