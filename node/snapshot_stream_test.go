package node

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	pb "sqlraft/raft/raftpb"
)

func snapMsg(from, to, index uint64) pb.Message {
	return pb.Message{Type: pb.MsgSnap, From: from, To: to, Term: 4, Snapshot: &pb.Snapshot{
		Metadata: pb.SnapshotMetadata{Index: index, Term: 3, ConfState: pb.ConfState{Voters: []uint64{1, 2, 3}}},
	}}
}

func randomBody(n int) []byte {
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(uint64(n), 7))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

// closeRecorder is a snapshot body that records that it was closed.
type closeRecorder struct {
	io.Reader
	closed chan struct{}
}

func (c *closeRecorder) Close() error {
	close(c.closed)
	return nil
}

type receivedSnapshot struct {
	m    pb.Message
	body []byte
	err  error
}

// captureSnapshots makes h read each snapshot fully and report it.
func captureSnapshots(h *testHandler) chan receivedSnapshot {
	got := make(chan receivedSnapshot, 4)
	h.onSnapshot = func(m pb.Message, body io.Reader) error {
		b, err := io.ReadAll(body)
		got <- receivedSnapshot{m, b, err}
		return err
	}
	return got
}

func TestSnapshotStreamDeliversMultiMiBBody(t *testing.T) {
	a := startNode(t, 1, "c", TransportConfig{})
	b := startNode(t, 2, "c", TransportConfig{})
	got := captureSnapshots(b.h)
	a.tr.AddPeer(2, b.addr())

	body := randomBody(5<<20 + 12345) // six chunks, the last one partial
	rc := &closeRecorder{Reader: bytes.NewReader(body), closed: make(chan struct{})}
	a.tr.SendSnapshot(snapMsg(1, 2, 77), rc)

	r := recv(t, got, "snapshot")
	if r.err != nil {
		t.Fatalf("receiver's body reader failed: %v", r.err)
	}
	if !bytes.Equal(r.body, body) {
		t.Fatalf("body differs: got %d bytes, sent %d", len(r.body), len(body))
	}
	if r.m.Snapshot == nil || r.m.Snapshot.Metadata.Index != 77 || r.m.From != 1 {
		t.Fatalf("header: %v", r.m)
	}
	if rep := recv(t, a.h.snapReports, "snapshot report"); rep != (snapReport{2, true}) {
		t.Fatalf("report %+v, want {2 true}", rep)
	}
	recv(t, rc.closed, "body to be closed")
}

func TestSnapshotStreamVerifiesWhatTheHandlerLeftUnread(t *testing.T) {
	a := startNode(t, 1, "c", TransportConfig{})
	b := startNode(t, 2, "c", TransportConfig{})
	b.h.onSnapshot = func(pb.Message, io.Reader) error { return nil } // reads nothing
	a.tr.AddPeer(2, b.addr())
	a.tr.SendSnapshot(snapMsg(1, 2, 5), io.NopCloser(bytes.NewReader(randomBody(3<<20))))
	if rep := recv(t, a.h.snapReports, "snapshot report"); rep != (snapReport{2, true}) {
		t.Fatalf("report %+v, want {2 true}", rep)
	}
}

func TestSnapshotStreamReportsHandlerRefusal(t *testing.T) {
	a := startNode(t, 1, "c", TransportConfig{})
	b := startNode(t, 2, "c", TransportConfig{})
	b.h.onSnapshot = func(pb.Message, io.Reader) error { return errors.New("disk full") }
	a.tr.AddPeer(2, b.addr())
	a.tr.SendSnapshot(snapMsg(1, 2, 5), io.NopCloser(bytes.NewReader(randomBody(1000))))
	if rep := recv(t, a.h.snapReports, "snapshot report"); rep != (snapReport{2, false}) {
		t.Fatalf("report %+v, want {2 false}", rep)
	}
	requireLogged(t, a.logs, "snapshot send failed", "disk full")

	// Unknown peer and wrong message type fail at once, closing the body.
	rc := &closeRecorder{Reader: bytes.NewReader(nil), closed: make(chan struct{})}
	a.tr.SendSnapshot(snapMsg(1, 9, 5), rc)
	if rep := recv(t, a.h.snapReports, "snapshot report"); rep != (snapReport{9, false}) {
		t.Fatalf("report %+v, want {9 false}", rep)
	}
	recv(t, rc.closed, "body to be closed")
}

// corruptingProxy forwards connections to target, flipping the byte at
// offset at of every client-to-server stream longer than that.
func corruptingProxy(t *testing.T, target string, at int64) string {
	t.Helper()
	addr, _ := startCorruptingProxy(t, target, at, false)
	return addr
}

// startCorruptingProxy is corruptingProxy; with once, only the first stream
// longer than at is damaged. damaged reports whether any stream was.
func startCorruptingProxy(t *testing.T, target string, at int64, once bool) (addr string, damaged *atomic.Bool) {
	t.Helper()
	damaged = new(atomic.Bool)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			mu.Lock()
			conns = append(conns, in, out)
			mu.Unlock()
			wg.Add(2)
			go func() {
				defer wg.Done()
				defer out.Close()
				var off int64
				buf := make([]byte, 32<<10)
				for {
					n, err := in.Read(buf)
					if at >= off && at < off+int64(n) && (!once || damaged.CompareAndSwap(false, true)) {
						buf[at-off] ^= 0x40
						damaged.Store(true)
					}
					off += int64(n)
					if _, werr := out.Write(buf[:n]); werr != nil || err != nil {
						return
					}
				}
			}()
			go func() {
				defer wg.Done()
				defer in.Close()
				io.Copy(in, out)
			}()
		}
	}()
	return ln.Addr().String(), damaged
}

func TestSnapshotStreamDetectsCorruptionInTransit(t *testing.T) {
	a := startNode(t, 1, "c", TransportConfig{})
	b := startNode(t, 2, "c", TransportConfig{})
	got := captureSnapshots(b.h)
	a.tr.AddPeer(2, corruptingProxy(t, b.addr(), 2<<20+777))

	a.tr.SendSnapshot(snapMsg(1, 2, 9), io.NopCloser(bytes.NewReader(randomBody(4<<20))))
	r := recv(t, got, "snapshot")
	if !errors.Is(r.err, ErrFrameChecksum) {
		t.Fatalf("receiver's body reader: %v, want ErrFrameChecksum", r.err)
	}
	if rep := recv(t, a.h.snapReports, "snapshot report"); rep != (snapReport{2, false}) {
		t.Fatalf("report %+v, want {2 false}", rep)
	}
}

// sendRawSnapshot plays a sender that writes the given frames after the
// header, and returns what the receiver's body reader said and the ack.
func sendRawSnapshot(t *testing.T, frames func(w *FrameWriter)) (error, uint8) {
	t.Helper()
	b := startNode(t, 2, "c", TransportConfig{})
	got := captureSnapshots(b.h)
	c, err := dialNode(context.Background(), testDialParams("c", 1), 2, b.addr(), purposeSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	defer c.nc.Close()
	m := snapMsg(1, 2, 3)
	c.w.WriteFrame(FrameSnapshotHeader, EncodeMessage(nil, &m))
	frames(c.w)
	c.w.Flush()
	r := recv(t, got, "snapshot")
	c.nc.SetReadDeadline(time.Now().Add(testTimeout))
	f, err := c.r.ReadFrame()
	if err != nil || f.Type != FrameSnapshotAck {
		t.Fatalf("ack: %v %v", f.Type, err)
	}
	status, _, err := parseStatus[uint8](f.Payload)
	if err != nil {
		t.Fatal(err)
	}
	return r.err, status
}

func chunk(off uint64, data []byte) []byte {
	return append(binary.BigEndian.AppendUint64(nil, off), data...)
}

func end(total uint64, body []byte) []byte {
	sum := sha256.Sum256(body)
	return append(binary.BigEndian.AppendUint64(nil, total), sum[:]...)
}

func TestSnapshotReaderDetectsCorruptChunks(t *testing.T) {
	body := randomBody(3000)
	damaged := bytes.Clone(body)
	damaged[1500] ^= 1
	cases := []struct {
		name   string
		frames func(w *FrameWriter)
	}{
		{"chunk altered before its CRC (SHA-256 mismatch)", func(w *FrameWriter) {
			w.WriteFrame(FrameSnapshotChunk, chunk(0, damaged[:2000]))
			w.WriteFrame(FrameSnapshotChunk, chunk(2000, damaged[2000:]))
			w.WriteFrame(FrameSnapshotEnd, end(3000, body))
		}},
		{"missing chunk", func(w *FrameWriter) {
			w.WriteFrame(FrameSnapshotChunk, chunk(0, body[:1000]))
			w.WriteFrame(FrameSnapshotChunk, chunk(2000, body[2000:]))
			w.WriteFrame(FrameSnapshotEnd, end(3000, body))
		}},
		{"short body", func(w *FrameWriter) {
			w.WriteFrame(FrameSnapshotChunk, chunk(0, body[:2000]))
			w.WriteFrame(FrameSnapshotEnd, end(3000, body))
		}},
		{"truncated end frame", func(w *FrameWriter) {
			w.WriteFrame(FrameSnapshotChunk, chunk(0, body))
			w.WriteFrame(FrameSnapshotEnd, end(3000, body)[:20])
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			readErr, status := sendRawSnapshot(t, tc.frames)
			if !errors.Is(readErr, ErrSnapshotCorrupt) {
				t.Errorf("body reader: %v, want ErrSnapshotCorrupt", readErr)
			}
			if status != snapshotAckRefused {
				t.Errorf("ack status %d, want refused", status)
			}
		})
	}
	t.Run("intact", func(t *testing.T) {
		readErr, status := sendRawSnapshot(t, func(w *FrameWriter) {
			w.WriteFrame(FrameSnapshotChunk, chunk(0, body[:1]))
			w.WriteFrame(FrameSnapshotChunk, chunk(1, nil))
			w.WriteFrame(FrameSnapshotChunk, chunk(1, body[1:]))
			w.WriteFrame(FrameSnapshotEnd, end(3000, body))
		})
		if readErr != nil || status != snapshotAckAccepted {
			t.Fatalf("intact body: reader %v, ack %d", readErr, status)
		}
	})
}
