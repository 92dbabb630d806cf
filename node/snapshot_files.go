package node

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"path/filepath"
	"slices"

	"sqlraft/snapshots"
)

// A raft snapshot's Data is a small descriptor; the state machine image it
// describes lives in a file of the node's snapshot store, named by term and
// index so every node names the same snapshot the same way. The descriptor
// also carries the address book, so a node that installs the snapshot can
// reach every member.
type snapshotDescriptor struct {
	File   string
	Size   int64
	SHA256 [sha256.Size]byte
	Peers  map[uint64]string
}

// file describes the descriptor's image for the snapshot store.
func (d snapshotDescriptor) file(term, index uint64) snapshots.File {
	return snapshots.File{Name: d.File, Term: term, Index: index, Size: d.Size, SHA256: d.SHA256}
}

const descriptorVersion = 1

var errBadDescriptor = errors.New("node: malformed snapshot descriptor")

func (d snapshotDescriptor) encode() []byte {
	b := []byte{descriptorVersion}
	b = binary.AppendUvarint(b, uint64(len(d.File)))
	b = append(b, d.File...)
	b = binary.AppendUvarint(b, uint64(d.Size))
	b = append(b, d.SHA256[:]...)
	ids := make([]uint64, 0, len(d.Peers))
	for id := range d.Peers {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	b = binary.AppendUvarint(b, uint64(len(ids)))
	for _, id := range ids {
		b = binary.AppendUvarint(b, id)
		b = binary.AppendUvarint(b, uint64(len(d.Peers[id])))
		b = append(b, d.Peers[id]...)
	}
	return b
}

func decodeDescriptor(b []byte) (snapshotDescriptor, error) {
	var d snapshotDescriptor
	if len(b) == 0 {
		// The bootstrap snapshot: an empty state machine.
		return d, nil
	}
	if b[0] != descriptorVersion {
		return d, errBadDescriptor
	}
	b = b[1:]
	str := func() (string, bool) {
		n, k := binary.Uvarint(b)
		if k <= 0 || n > uint64(len(b)-k) {
			return "", false
		}
		s := string(b[k : k+int(n)])
		b = b[k+int(n):]
		return s, true
	}
	num := func() (uint64, bool) {
		n, k := binary.Uvarint(b)
		if k <= 0 {
			return 0, false
		}
		b = b[k:]
		return n, true
	}
	var ok bool
	if d.File, ok = str(); !ok || filepath.Base(d.File) != d.File {
		return d, errBadDescriptor
	}
	size, ok := num()
	if !ok || len(b) < sha256.Size {
		return d, errBadDescriptor
	}
	d.Size = int64(size)
	copy(d.SHA256[:], b)
	b = b[sha256.Size:]
	n, ok := num()
	if !ok || n > uint64(len(b)) {
		return d, errBadDescriptor
	}
	d.Peers = make(map[uint64]string, n)
	for range n {
		id, ok := num()
		if !ok {
			return d, errBadDescriptor
		}
		addr, ok := str()
		if !ok {
			return d, errBadDescriptor
		}
		d.Peers[id] = addr
	}
	if len(b) != 0 {
		return d, errBadDescriptor
	}
	return d, nil
}
