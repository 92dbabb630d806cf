package node

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	pb "sqlraft/raft/raftpb"
)

// messageCodecVersion is the first byte of every encoded message. A decoder
// refuses any other value: a newer layout must be negotiated, not guessed.
const messageCodecVersion = 1

// Presence bits of the optional message fields. A field is encoded only
// when it is not its zero value, in the order of its bit.
const (
	fieldTo = 1 << iota
	fieldFrom
	fieldTerm
	fieldLogTerm
	fieldIndex
	fieldCommit
	fieldSeq
	fieldReject // no payload: the bit is the value
	fieldRejectHint
	fieldEntries
	fieldSnapshot
	fieldContext

	knownFields = 1<<iota - 1
)

// minEncodedEntry is the smallest encoding of one entry (term delta, index
// delta, type, data length: one byte each). It bounds the entry count an
// input of a given size can announce.
const minEncodedEntry = 4

var (
	// ErrMalformedMessage is returned when bytes do not decode to a message.
	ErrMalformedMessage = errors.New("node: malformed message")
	// ErrUnsupportedVersion is returned when a message, frame or handshake
	// carries a version this node does not speak.
	ErrUnsupportedVersion = errors.New("node: unsupported version")
)

// EncodeMessage appends the binary encoding of m to dst and returns the
// extended slice. The layout is:
//
//	version byte (1)
//	type byte
//	uvarint presence bitmap (fieldTo ... fieldContext)
//	for each present field, in bit order:
//	  To, From, Term, LogTerm, Index, Commit, Seq, RejectHint: uvarint
//	  Reject: nothing (the bit is the value)
//	  Entries: uvarint count, then per entry
//	           zigzag uvarint (Term - previous Term),
//	           zigzag uvarint (Index - (previous Index + 1)),
//	           type byte, uvarint data length, data
//	           ("previous" starts at the message's LogTerm and Index, so the
//	           entries of a MsgApp cost one byte each for term and index)
//	  Snapshot: uvarint Index, uvarint Term, four uvarint-counted uvarint
//	           lists (Voters, Learners, VotersOutgoing, LearnersNext),
//	           AutoLeave byte (0 or 1), uvarint data length, data
//	  Context: uvarint length, bytes
//
// Empty slices and nil slices encode alike, and decode as nil.
func EncodeMessage(dst []byte, m *pb.Message) []byte {
	var bits uint64
	set := func(bit uint64, present bool) {
		if present {
			bits |= bit
		}
	}
	set(fieldTo, m.To != 0)
	set(fieldFrom, m.From != 0)
	set(fieldTerm, m.Term != 0)
	set(fieldLogTerm, m.LogTerm != 0)
	set(fieldIndex, m.Index != 0)
	set(fieldCommit, m.Commit != 0)
	set(fieldSeq, m.Seq != 0)
	set(fieldReject, m.Reject)
	set(fieldRejectHint, m.RejectHint != 0)
	set(fieldEntries, len(m.Entries) > 0)
	set(fieldSnapshot, m.Snapshot != nil)
	set(fieldContext, len(m.Context) > 0)

	dst = slices.Grow(dst, encodedMessageBound(m))
	dst = append(dst, messageCodecVersion, byte(m.Type))
	dst = binary.AppendUvarint(dst, bits)
	for _, f := range [...]struct {
		bit uint64
		v   uint64
	}{
		{fieldTo, m.To}, {fieldFrom, m.From}, {fieldTerm, m.Term}, {fieldLogTerm, m.LogTerm},
		{fieldIndex, m.Index}, {fieldCommit, m.Commit}, {fieldSeq, m.Seq},
	} {
		if bits&f.bit != 0 {
			dst = binary.AppendUvarint(dst, f.v)
		}
	}
	if bits&fieldRejectHint != 0 {
		dst = binary.AppendUvarint(dst, m.RejectHint)
	}
	if bits&fieldEntries != 0 {
		dst = binary.AppendUvarint(dst, uint64(len(m.Entries)))
		prevTerm, prevIndex := m.LogTerm, m.Index
		for i := range m.Entries {
			e := &m.Entries[i]
			dst = binary.AppendUvarint(dst, zigzag(e.Term-prevTerm))
			dst = binary.AppendUvarint(dst, zigzag(e.Index-(prevIndex+1)))
			dst = append(dst, byte(e.Type))
			dst = appendBytes(dst, e.Data)
			prevTerm, prevIndex = e.Term, e.Index
		}
	}
	if bits&fieldSnapshot != 0 {
		s := m.Snapshot
		dst = binary.AppendUvarint(dst, s.Metadata.Index)
		dst = binary.AppendUvarint(dst, s.Metadata.Term)
		cs := &s.Metadata.ConfState
		for _, ids := range [...][]uint64{cs.Voters, cs.Learners, cs.VotersOutgoing, cs.LearnersNext} {
			dst = binary.AppendUvarint(dst, uint64(len(ids)))
			for _, id := range ids {
				dst = binary.AppendUvarint(dst, id)
			}
		}
		if cs.AutoLeave {
			dst = append(dst, 1)
		} else {
			dst = append(dst, 0)
		}
		dst = appendBytes(dst, s.Data)
	}
	if bits&fieldContext != 0 {
		dst = appendBytes(dst, m.Context)
	}
	return dst
}

// DecodeMessage decodes one message produced by EncodeMessage. b must hold
// exactly one message: trailing bytes are an error. Every length and count is
// checked against the bytes that remain before anything is allocated, so
// hostile input cannot make the decoder allocate more than about len(b)
// bytes. The returned message does not alias b.
func DecodeMessage(b []byte) (pb.Message, error) {
	d := decoder{b: b}
	var m pb.Message
	if len(b) < 2 {
		return m, fmt.Errorf("%w: %d bytes is shorter than the 2-byte header", ErrMalformedMessage, len(b))
	}
	if b[0] != messageCodecVersion {
		return m, fmt.Errorf("%w: message codec version %d (this node speaks %d)", ErrUnsupportedVersion, b[0], messageCodecVersion)
	}
	m.Type = pb.MessageType(b[1])
	if !m.Type.Valid() {
		return m, fmt.Errorf("%w: unknown message type %d", ErrMalformedMessage, b[1])
	}
	d.off = 2
	bits := d.uvarint("presence bitmap")
	if d.err == nil && bits&^knownFields != 0 {
		return m, fmt.Errorf("%w: unknown field bits %#x", ErrMalformedMessage, bits&^knownFields)
	}
	if bits&(fieldEntries|fieldSnapshot|fieldContext) != 0 {
		// Copy once so that entry, snapshot and context bytes share one
		// allocation and none of them alias the caller's (reused) buffer.
		d.b = append([]byte(nil), b...)
	}
	// Plain ifs rather than a table of field pointers, which would move m
	// to the heap.
	if bits&fieldTo != 0 {
		m.To = d.uvarint("to")
	}
	if bits&fieldFrom != 0 {
		m.From = d.uvarint("from")
	}
	if bits&fieldTerm != 0 {
		m.Term = d.uvarint("term")
	}
	if bits&fieldLogTerm != 0 {
		m.LogTerm = d.uvarint("log term")
	}
	if bits&fieldIndex != 0 {
		m.Index = d.uvarint("index")
	}
	if bits&fieldCommit != 0 {
		m.Commit = d.uvarint("commit")
	}
	if bits&fieldSeq != 0 {
		m.Seq = d.uvarint("seq")
	}
	m.Reject = bits&fieldReject != 0
	if bits&fieldRejectHint != 0 {
		m.RejectHint = d.uvarint("reject hint")
	}
	if bits&fieldEntries != 0 {
		m.Entries = d.entries(m.LogTerm, m.Index)
	}
	if bits&fieldSnapshot != 0 {
		m.Snapshot = d.snapshot()
	}
	if bits&fieldContext != 0 {
		m.Context = d.bytes("context")
	}
	if d.err != nil {
		return pb.Message{}, d.err
	}
	if rest := len(d.b) - d.off; rest != 0 {
		return pb.Message{}, fmt.Errorf("%w: %d trailing bytes after a %s", ErrMalformedMessage, rest, m.Type)
	}
	return m, nil
}

// decoder reads from b with a sticky error: after the first failure every
// read returns a zero value, so callers check err once at the end.
type decoder struct {
	b   []byte
	off int
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s (at offset %d)", ErrMalformedMessage, fmt.Sprintf(format, args...), d.off)
	}
}

func (d *decoder) remaining() int { return len(d.b) - d.off }

func (d *decoder) uvarint(what string) uint64 { return d.uvarintOf(what, "") }

// uvarintOf reads a uvarint named what+suffix in errors; the name is only
// built on failure, keeping the decoder free of allocations per field.
func (d *decoder) uvarintOf(what, suffix string) uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.b[d.off:])
	if n <= 0 {
		if n == 0 {
			d.fail("%s%s: truncated", what, suffix)
		} else {
			d.fail("%s%s: varint overflows 64 bits", what, suffix)
		}
		return 0
	}
	d.off += n
	return v
}

func (d *decoder) byte(what string) byte {
	if d.err != nil {
		return 0
	}
	if d.remaining() < 1 {
		d.fail("%s: truncated", what)
		return 0
	}
	c := d.b[d.off]
	d.off++
	return c
}

// count reads a uvarint element count and checks that the remaining input
// could hold that many elements of at least minSize bytes each.
func (d *decoder) count(what string, minSize int) int {
	n := d.uvarintOf(what, " count")
	if d.err != nil {
		return 0
	}
	if n > uint64(d.remaining()/minSize) {
		d.fail("%s: %d elements announced, only %d bytes remain", what, n, d.remaining())
		return 0
	}
	return int(n)
}

// bytes reads a uvarint-prefixed byte string. The result aliases d.b (which
// is a private copy) with its capacity clipped, so appending to it cannot
// overwrite the next field. An empty string decodes as nil.
func (d *decoder) bytes(what string) []byte {
	n := d.uvarintOf(what, " length")
	if d.err != nil {
		return nil
	}
	if n > uint64(d.remaining()) {
		d.fail("%s: length %d exceeds the %d bytes that remain", what, n, d.remaining())
		return nil
	}
	if n == 0 {
		return nil
	}
	end := d.off + int(n)
	v := d.b[d.off:end:end]
	d.off = end
	return v
}

func (d *decoder) entries(prevTerm, prevIndex uint64) []pb.Entry {
	n := d.count("entry", minEncodedEntry)
	if d.err != nil || n == 0 {
		return nil
	}
	ents := make([]pb.Entry, n)
	for i := range ents {
		e := &ents[i]
		e.Term = prevTerm + unzigzag(d.uvarint("entry term"))
		e.Index = prevIndex + 1 + unzigzag(d.uvarint("entry index"))
		typ := d.byte("entry type")
		if d.err == nil && typ > byte(pb.EntryConfChangeV2) {
			d.fail("entry %d: unknown entry type %d", i, typ)
		}
		e.Type = pb.EntryType(typ)
		e.Data = d.bytes("entry data")
		if d.err != nil {
			return nil
		}
		prevTerm, prevIndex = e.Term, e.Index
	}
	return ents
}

func (d *decoder) snapshot() *pb.Snapshot {
	s := &pb.Snapshot{}
	s.Metadata.Index = d.uvarint("snapshot index")
	s.Metadata.Term = d.uvarint("snapshot term")
	cs := &s.Metadata.ConfState
	cs.Voters = d.ids("voters")
	cs.Learners = d.ids("learners")
	cs.VotersOutgoing = d.ids("outgoing voters")
	cs.LearnersNext = d.ids("next learners")
	switch al := d.byte("auto leave"); {
	case d.err != nil:
	case al > 1:
		d.fail("auto leave: byte %d is not a boolean", al)
	default:
		cs.AutoLeave = al == 1
	}
	s.Data = d.bytes("snapshot data")
	return s
}

func (d *decoder) ids(what string) []uint64 {
	n := d.count(what, 1)
	if d.err != nil || n == 0 {
		return nil
	}
	ids := make([]uint64, n)
	for i := range ids {
		ids[i] = d.uvarint(what)
	}
	return ids
}

// zigzag maps a wrapping difference to a small uvarint when the difference,
// read as a signed number, is close to zero.
func zigzag(diff uint64) uint64 {
	v := int64(diff)
	return uint64(v<<1) ^ uint64(v>>63)
}

func unzigzag(u uint64) uint64 {
	return (u >> 1) ^ -(u & 1)
}

func appendBytes(dst, b []byte) []byte {
	dst = binary.AppendUvarint(dst, uint64(len(b)))
	return append(dst, b...)
}

// encodedMessageBound is an upper bound of the encoded size of m, so that
// EncodeMessage grows dst at most once.
func encodedMessageBound(m *pb.Message) int {
	const v = binary.MaxVarintLen64
	n := 2 + v + 8*v + v
	for i := range m.Entries {
		n += 3*v + 1 + len(m.Entries[i].Data)
	}
	if s := m.Snapshot; s != nil {
		cs := &s.Metadata.ConfState
		n += 2*v + 4*v + 1 + v + len(s.Data) +
			v*(len(cs.Voters)+len(cs.Learners)+len(cs.VotersOutgoing)+len(cs.LearnersNext))
	}
	return n + v + len(m.Context)
}
