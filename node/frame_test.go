package node

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"
)

func TestFrameRoundTrip(t *testing.T) {
	var wire bytes.Buffer
	w := NewFrameWriter(&wire, 1<<20)
	frames := []Frame{
		{FrameHello, []byte("hi")},
		{FrameRaftMessages, bytes.Repeat([]byte{7}, 300_000)},
		{FrameSnapshotEnd, nil},
		{FrameSnapshotAck, []byte{0, 0}},
	}
	for _, f := range frames {
		if err := w.WriteFrame(f.Type, f.Payload); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	r := NewFrameReader(&wire, 1<<20)
	for i, want := range frames {
		got, err := r.ReadFrame()
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if got.Type != want.Type || !bytes.Equal(got.Payload, want.Payload) {
			t.Fatalf("frame %d: got %s (%d bytes), want %s (%d bytes)", i, got.Type, len(got.Payload), want.Type, len(want.Payload))
		}
	}
	if _, err := r.ReadFrame(); err != io.EOF {
		t.Fatalf("after the last frame: %v, want io.EOF", err)
	}
}

func frameBytes(t *testing.T, typ FrameType, payload []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := NewFrameWriter(&b, 0)
	if err := w.WriteFrame(typ, payload); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// endless yields an endless stream of bytes and counts what was read.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 0xAB
	}
	e.n += int64(len(p))
	return len(p), nil
}

func TestFrameOverLimitRejectedBeforeAllocating(t *testing.T) {
	const announced = 1 << 30
	hdr := []byte{frameVersion, byte(FrameRaftMessages), 0, 0, 0, 0}
	binary.BigEndian.PutUint32(hdr[2:], announced)
	src := &endless{}
	r := NewFrameReader(io.MultiReader(bytes.NewReader(hdr), src), DefaultMaxFrameSize)

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := r.ReadFrame()
	runtime.ReadMemStats(&after)

	if !errors.Is(err, ErrFrameTooLarge) {
		t.Fatalf("got %v, want ErrFrameTooLarge", err)
	}
	for _, size := range []string{"1073741824", "16777216"} {
		if !strings.Contains(err.Error(), size) {
			t.Errorf("error %q does not name %s", err, size)
		}
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("rejecting the frame allocated %d bytes", grew)
	}
	if src.n > 64<<10 {
		t.Errorf("read %d payload bytes of a frame it refused", src.n)
	}
}

func TestFrameUnderLimitAllocatesWhatArrives(t *testing.T) {
	// A frame within the limit whose sender sends almost nothing must not
	// cost the announced size.
	hdr := []byte{frameVersion, byte(FrameRaftMessages), 0, 0, 0, 0}
	binary.BigEndian.PutUint32(hdr[2:], DefaultMaxFrameSize)
	r := NewFrameReader(io.MultiReader(bytes.NewReader(hdr), bytes.NewReader(make([]byte, 100))), DefaultMaxFrameSize)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := r.ReadFrame()
	runtime.ReadMemStats(&after)
	if !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("got %v, want io.ErrUnexpectedEOF", err)
	}
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("a truncated 16 MiB frame allocated %d bytes", grew)
	}
}

func TestFrameCorruptionRejected(t *testing.T) {
	good := frameBytes(t, FrameRequest, []byte("forwarded proposal"))
	flip := func(at int) []byte {
		b := bytes.Clone(good)
		b[at] ^= 0x01
		return b
	}
	cases := []struct {
		name string
		in   []byte
		is   error
	}{
		{"payload byte", flip(frameHeaderSize + 3), ErrFrameChecksum},
		{"crc byte", flip(len(good) - 1), ErrFrameChecksum},
		{"type byte", flip(frameTypeAt), ErrFrameChecksum},
		{"version", flip(frameVersionAt), ErrUnsupportedVersion},
		{"unknown type", append([]byte{frameVersion, 99}, good[2:]...), ErrMalformedFrame},
		{"truncated", good[:len(good)-2], io.ErrUnexpectedEOF},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewFrameReader(bytes.NewReader(tc.in), 0).ReadFrame()
			if !errors.Is(err, tc.is) {
				t.Fatalf("got %v, want %v", err, tc.is)
			}
		})
	}
}

func TestFrameWriterRefusesOversizedPayload(t *testing.T) {
	w := NewFrameWriter(io.Discard, 4096)
	err := w.WriteFrame(FrameRequest, make([]byte, 4097))
	if !errors.Is(err, ErrFrameTooLarge) || !strings.Contains(err.Error(), "4097") || !strings.Contains(err.Error(), "4096") {
		t.Fatalf("got %v, want ErrFrameTooLarge naming both sizes", err)
	}
}
