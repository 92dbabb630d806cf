package node

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
)

// Frame layout on the wire:
//
//	[version byte][frame type byte][payload length uint32 BE][payload][CRC32C uint32 BE]
//
// The CRC (Castagnoli) covers the type byte and the payload, so a frame whose
// type was flipped in transit is caught as surely as a damaged payload.
const (
	frameVersion      = 1
	frameHeaderSize   = 6
	frameTrailerSize  = 4
	frameOverhead     = frameHeaderSize + frameTrailerSize
	frameVersionAt    = 0
	frameTypeAt       = 1
	frameLengthAt     = 2
	frameReadChunkMin = 64 << 10

	// DefaultMaxFrameSize is the default limit on a frame's payload.
	DefaultMaxFrameSize = 16 << 20
	// maxFrameSizeLimit keeps payload lengths representable in the uint32
	// length field and in an int on every platform.
	maxFrameSizeLimit = 1<<31 - 1
	// keepReadBuffer is the largest payload buffer a FrameReader keeps for
	// reuse; a larger one (a snapshot chunk, a big MsgApp batch) is released
	// so an idle connection does not pin megabytes.
	keepReadBuffer = 4 << 20
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// FrameType identifies the payload of a frame.
type FrameType uint8

// Frame types. The numbering is part of the wire protocol.
const (
	// FrameHello opens every connection: the dialer's handshake.
	FrameHello FrameType = iota + 1
	// FrameHelloReply accepts or refuses a hello.
	FrameHelloReply
	// FrameRaftMessages carries a batch of encoded raft messages.
	FrameRaftMessages
	// FrameRequest carries a forwarded request (RPC).
	FrameRequest
	// FrameResponse answers a FrameRequest.
	FrameResponse
	// FrameSnapshotHeader carries the MsgSnap that describes a snapshot.
	FrameSnapshotHeader
	// FrameSnapshotChunk carries a piece of a snapshot body.
	FrameSnapshotChunk
	// FrameSnapshotEnd carries the total length and SHA-256 of the body.
	FrameSnapshotEnd
	// FrameSnapshotAck tells the sender whether the snapshot was accepted.
	FrameSnapshotAck
	numFrameTypes
)

var frameTypeNames = [...]string{
	FrameHello:          "hello",
	FrameHelloReply:     "hello-reply",
	FrameRaftMessages:   "raft-messages",
	FrameRequest:        "request",
	FrameResponse:       "response",
	FrameSnapshotHeader: "snapshot-header",
	FrameSnapshotChunk:  "snapshot-chunk",
	FrameSnapshotEnd:    "snapshot-end",
	FrameSnapshotAck:    "snapshot-ack",
}

func (t FrameType) String() string {
	if t > 0 && t < numFrameTypes {
		return frameTypeNames[t]
	}
	return fmt.Sprintf("FrameType(%d)", uint8(t))
}

var (
	// ErrFrameTooLarge is returned when a frame's payload exceeds the
	// configured maximum, on either side of the connection.
	ErrFrameTooLarge = errors.New("node: frame too large")
	// ErrFrameChecksum is returned when a frame's CRC does not match.
	ErrFrameChecksum = errors.New("node: frame checksum mismatch")
	// ErrMalformedFrame is returned for a frame of unknown type, or one
	// whose payload does not parse.
	ErrMalformedFrame = errors.New("node: malformed frame")
)

// Frame is one frame read from a connection.
type Frame struct {
	Type FrameType
	// Payload aliases the reader's buffer: it is valid until the next
	// ReadFrame on the same reader.
	Payload []byte
}

// FrameReader reads frames from a byte stream.
type FrameReader struct {
	r          *bufio.Reader
	maxPayload int
	hdr        [frameHeaderSize]byte
	buf        []byte
}

// NewFrameReader reads frames from r, refusing payloads larger than
// maxPayload bytes (DefaultMaxFrameSize if maxPayload <= 0). If r is already
// a *bufio.Reader it is used as is.
func NewFrameReader(r io.Reader, maxPayload int) *FrameReader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 64<<10)
	}
	return &FrameReader{r: br, maxPayload: normalizeMaxFrame(maxPayload)}
}

// SetMaxPayload changes the payload limit for the following frames.
func (fr *FrameReader) SetMaxPayload(n int) { fr.maxPayload = normalizeMaxFrame(n) }

// ReadFrame reads the next frame. It returns io.EOF only when the stream
// ends cleanly between frames. A frame announcing more than the maximum
// payload is refused before any payload is read or allocated; otherwise the
// payload buffer grows with the bytes actually received, never with the
// announced length alone.
func (fr *FrameReader) ReadFrame() (Frame, error) {
	if _, err := io.ReadFull(fr.r, fr.hdr[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return Frame{}, io.EOF
		}
		return Frame{}, fmt.Errorf("read frame header: %w", err)
	}
	if v := fr.hdr[frameVersionAt]; v != frameVersion {
		return Frame{}, fmt.Errorf("%w: frame version %d (this node speaks %d)", ErrUnsupportedVersion, v, frameVersion)
	}
	typ := FrameType(fr.hdr[frameTypeAt])
	if typ == 0 || typ >= numFrameTypes {
		return Frame{}, fmt.Errorf("%w: unknown frame type %d", ErrMalformedFrame, uint8(typ))
	}
	n := binary.BigEndian.Uint32(fr.hdr[frameLengthAt:])
	if uint64(n) > uint64(fr.maxPayload) {
		return Frame{}, fmt.Errorf("%w: %s frame announces a %d-byte payload, the maximum is %d", ErrFrameTooLarge, typ, n, fr.maxPayload)
	}
	payload, err := fr.readPayload(int(n))
	if err != nil {
		return Frame{}, fmt.Errorf("read %s frame payload (%d bytes): %w", typ, n, noEOF(err))
	}
	var trailer [frameTrailerSize]byte
	if _, err := io.ReadFull(fr.r, trailer[:]); err != nil {
		return Frame{}, fmt.Errorf("read %s frame checksum: %w", typ, noEOF(err))
	}
	want := binary.BigEndian.Uint32(trailer[:])
	if got := frameChecksum(typ, payload); got != want {
		return Frame{}, fmt.Errorf("%w: %s frame of %d bytes: computed %08x, frame carries %08x", ErrFrameChecksum, typ, n, got, want)
	}
	return Frame{Type: typ, Payload: payload}, nil
}

func (fr *FrameReader) readPayload(n int) ([]byte, error) {
	if cap(fr.buf) > keepReadBuffer {
		fr.buf = nil
	}
	if n <= cap(fr.buf) {
		fr.buf = fr.buf[:n]
		_, err := io.ReadFull(fr.r, fr.buf)
		return fr.buf, err
	}
	// Grow as the bytes arrive: a peer announcing 16 MiB and sending
	// nothing costs us at most one read chunk.
	buf := fr.buf[:0]
	for len(buf) < n {
		step := min(n-len(buf), max(frameReadChunkMin, len(buf)))
		if cap(buf)-len(buf) < step {
			nb := make([]byte, len(buf), len(buf)+step)
			copy(nb, buf)
			buf = nb
		}
		k, err := io.ReadFull(fr.r, buf[len(buf):len(buf)+step])
		buf = buf[:len(buf)+k]
		if err != nil {
			return nil, err
		}
	}
	fr.buf = buf
	return buf, nil
}

// FrameWriter writes frames to a buffered stream. Frames are not sent until
// Flush (or until the buffer fills).
type FrameWriter struct {
	w          *bufio.Writer
	maxPayload int
	hdr        [frameHeaderSize]byte
}

// NewFrameWriter writes frames to w, refusing payloads larger than
// maxPayload bytes (DefaultMaxFrameSize if maxPayload <= 0). If w is already
// a *bufio.Writer it is used as is.
func NewFrameWriter(w io.Writer, maxPayload int) *FrameWriter {
	bw, ok := w.(*bufio.Writer)
	if !ok {
		bw = bufio.NewWriterSize(w, 64<<10)
	}
	return &FrameWriter{w: bw, maxPayload: normalizeMaxFrame(maxPayload)}
}

// WriteFrame buffers one frame.
func (fw *FrameWriter) WriteFrame(t FrameType, payload []byte) error {
	if t == 0 || t >= numFrameTypes {
		return fmt.Errorf("%w: unknown frame type %d", ErrMalformedFrame, uint8(t))
	}
	if len(payload) > fw.maxPayload {
		return fmt.Errorf("%w: %s payload of %d bytes, the maximum is %d", ErrFrameTooLarge, t, len(payload), fw.maxPayload)
	}
	fw.hdr[frameVersionAt] = frameVersion
	fw.hdr[frameTypeAt] = byte(t)
	binary.BigEndian.PutUint32(fw.hdr[frameLengthAt:], uint32(len(payload)))
	var trailer [frameTrailerSize]byte
	binary.BigEndian.PutUint32(trailer[:], frameChecksum(t, payload))
	if _, err := fw.w.Write(fw.hdr[:]); err != nil {
		return fmt.Errorf("write %s frame: %w", t, err)
	}
	if _, err := fw.w.Write(payload); err != nil {
		return fmt.Errorf("write %s frame: %w", t, err)
	}
	if _, err := fw.w.Write(trailer[:]); err != nil {
		return fmt.Errorf("write %s frame: %w", t, err)
	}
	return nil
}

// Flush sends the buffered frames.
func (fw *FrameWriter) Flush() error {
	if err := fw.w.Flush(); err != nil {
		return fmt.Errorf("flush frames: %w", err)
	}
	return nil
}

// MaxPayload is the largest payload WriteFrame accepts.
func (fw *FrameWriter) MaxPayload() int { return fw.maxPayload }

// frameTypeCRC holds the CRC of each frame type byte, the start of every
// frame checksum (computing it per frame would allocate the one-byte slice).
var frameTypeCRC = func() (crcs [numFrameTypes]uint32) {
	for t := range crcs {
		crcs[t] = crc32.Update(0, castagnoli, []byte{byte(t)})
	}
	return crcs
}()

// frameChecksum is the CRC32C of the type byte followed by the payload. t
// must be a known frame type.
func frameChecksum(t FrameType, payload []byte) uint32 {
	return crc32.Update(frameTypeCRC[t], castagnoli, payload)
}

func normalizeMaxFrame(n int) int {
	if n <= 0 {
		return DefaultMaxFrameSize
	}
	return min(n, maxFrameSizeLimit)
}

// noEOF turns an end of stream inside a frame into io.ErrUnexpectedEOF: only
// a stream that ends between frames ends cleanly.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
