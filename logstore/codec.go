package logstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"

	pb "sqlraft/raft/raftpb"
)

// The records below are our own, so the file's meaning does not depend on
// raft-boltdb's msgpack encoding of raft.Log beyond "a byte string stored
// under an index". Every record starts with a format version byte and ends
// with a CRC32C (Castagnoli) of everything before it; integers are fixed
// width little-endian where the record is written often (entries, the
// HardState) and uvarints in the rarely written, variable-length metadata.

// formatV1 is the only record format so far.
const formatV1 = 1

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// crcSize is the size of the trailing checksum of every record.
const crcSize = 4

func appendCRC(b []byte) []byte {
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// checkRecord verifies the version and checksum of rec and returns its body
// (without version byte and checksum).
func checkRecord(rec []byte, minBody int) ([]byte, error) {
	if len(rec) < 1+minBody+crcSize {
		return nil, fmt.Errorf("record of %d bytes is too short", len(rec))
	}
	n := len(rec) - crcSize
	if got, want := crc32.Checksum(rec[:n], castagnoli), binary.LittleEndian.Uint32(rec[n:]); got != want {
		return nil, fmt.Errorf("checksum mismatch: computed %08x, stored %08x", got, want)
	}
	if rec[0] != formatV1 {
		return nil, fmt.Errorf("unknown record format version %d", rec[0])
	}
	return rec[1:n], nil
}

// Entry record: version(1) type(1) term(8) index(8) commit(8) data(n)
// crc(4). commit is the commit index of the Save that wrote the entry: it
// makes the entries and the commit index durable in one transaction (see
// write.go). It is a lower bound of the true commit index, since committed
// entries are never replaced.
const entryHeader = 1 + 8 + 8 + 8

// entryOverhead is the record's size beyond the entry's data.
const entryOverhead = 1 + entryHeader + crcSize

func encodeEntry(e *pb.Entry, commit uint64) []byte {
	b := make([]byte, 0, entryOverhead+len(e.Data))
	b = append(b, formatV1, byte(e.Type))
	b = binary.LittleEndian.AppendUint64(b, e.Term)
	b = binary.LittleEndian.AppendUint64(b, e.Index)
	b = binary.LittleEndian.AppendUint64(b, commit)
	b = append(b, e.Data...)
	return appendCRC(b)
}

// decodeEntry decodes the record stored under index. The returned entry
// owns its Data (an empty payload decodes as nil).
func decodeEntry(index uint64, rec []byte) (e pb.Entry, commit uint64, err error) {
	body, err := checkRecord(rec, entryHeader)
	if err != nil {
		return pb.Entry{}, 0, corruptf("entry %d: %v", index, err)
	}
	e = pb.Entry{
		Type:  pb.EntryType(body[0]),
		Term:  binary.LittleEndian.Uint64(body[1:9]),
		Index: binary.LittleEndian.Uint64(body[9:17]),
	}
	commit = binary.LittleEndian.Uint64(body[17:25])
	if e.Index != index {
		return pb.Entry{}, 0, corruptf("entry stored under index %d holds index %d", index, e.Index)
	}
	if data := body[entryHeader:]; len(data) > 0 {
		e.Data = append([]byte(nil), data...)
	}
	return e, commit, nil
}

// HardState record: version(1) term(8) vote(8) commit(8) crc(4).
func encodeHardState(hs pb.HardState) []byte {
	b := make([]byte, 0, 1+24+crcSize)
	b = append(b, formatV1)
	b = binary.LittleEndian.AppendUint64(b, hs.Term)
	b = binary.LittleEndian.AppendUint64(b, hs.Vote)
	b = binary.LittleEndian.AppendUint64(b, hs.Commit)
	return appendCRC(b)
}

func decodeHardState(rec []byte) (pb.HardState, error) {
	body, err := checkRecord(rec, 24)
	if err != nil {
		return pb.HardState{}, corruptf("hard state: %v", err)
	}
	if len(body) != 24 {
		return pb.HardState{}, corruptf("hard state: body of %d bytes, want 24", len(body))
	}
	return pb.HardState{
		Term:   binary.LittleEndian.Uint64(body[0:8]),
		Vote:   binary.LittleEndian.Uint64(body[8:16]),
		Commit: binary.LittleEndian.Uint64(body[16:24]),
	}, nil
}

// logMeta is where the log begins and the latest snapshot. The compaction
// point is the dummy entry of MemoryStorage: the log holds the entries
// after it, and its term stays known. ApplySnapshot moves it to the
// snapshot; Compact moves it on its own; SetSnapshot leaves it alone.
type logMeta struct {
	compactIndex uint64
	compactTerm  uint64
	snap         pb.Snapshot
}

// Meta record: version(1), uvarints compactIndex compactTerm snapIndex
// snapTerm, autoLeave(1), four ID lists (uvarint count, uvarint IDs) in the
// order Voters Learners VotersOutgoing LearnersNext, uvarint len(data),
// data, crc(4).
func encodeMeta(m logMeta) []byte {
	md := &m.snap.Metadata
	cs := &md.ConfState
	b := []byte{formatV1}
	for _, v := range []uint64{m.compactIndex, m.compactTerm, md.Index, md.Term} {
		b = binary.AppendUvarint(b, v)
	}
	leave := byte(0)
	if cs.AutoLeave {
		leave = 1
	}
	b = append(b, leave)
	for _, ids := range [][]uint64{cs.Voters, cs.Learners, cs.VotersOutgoing, cs.LearnersNext} {
		b = binary.AppendUvarint(b, uint64(len(ids)))
		for _, id := range ids {
			b = binary.AppendUvarint(b, id)
		}
	}
	b = binary.AppendUvarint(b, uint64(len(m.snap.Data)))
	b = append(b, m.snap.Data...)
	return appendCRC(b)
}

func decodeMeta(rec []byte) (logMeta, error) {
	body, err := checkRecord(rec, 0)
	if err != nil {
		return logMeta{}, corruptf("log metadata: %v", err)
	}
	d := decoder{b: body}
	var m logMeta
	md := &m.snap.Metadata
	cs := &md.ConfState
	m.compactIndex, m.compactTerm = d.uvarint(), d.uvarint()
	md.Index, md.Term = d.uvarint(), d.uvarint()
	switch d.byte() {
	case 0:
	case 1:
		cs.AutoLeave = true
	default:
		d.fail()
	}
	for _, ids := range []*[]uint64{&cs.Voters, &cs.Learners, &cs.VotersOutgoing, &cs.LearnersNext} {
		*ids = d.ids()
	}
	m.snap.Data = d.bytes()
	if d.err == nil && len(d.b) != 0 {
		d.fail()
	}
	if d.err != nil {
		return logMeta{}, corruptf("log metadata: %v", d.err)
	}
	return m, nil
}

// decoder reads uvarint-framed fields, remembering the first error.
type decoder struct {
	b   []byte
	err error
}

var errMalformed = errors.New("malformed record")

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errMalformed
	}
	d.b = nil
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) byte() byte {
	if len(d.b) == 0 {
		d.fail()
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) ids() []uint64 {
	n := d.uvarint()
	if n > uint64(len(d.b)) { // every ID takes at least one byte
		d.fail()
		return nil
	}
	var ids []uint64
	for range n {
		ids = append(ids, d.uvarint())
	}
	return ids
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return nil
	}
	if n == 0 {
		return nil
	}
	v := append([]byte(nil), d.b[:n]...)
	d.b = d.b[n:]
	return v
}
