package node

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// A raft snapshot's Data is a small descriptor; the state machine image it
// describes lives in a file of the node's snapshot directory, named by term
// and index so every node names the same snapshot the same way. The
// descriptor also carries the address book, so a node that installs the
// snapshot can reach every member.
type snapshotDescriptor struct {
	File   string
	Size   int64
	SHA256 [sha256.Size]byte
	Peers  map[uint64]string
}

const descriptorVersion = 1

var errBadDescriptor = errors.New("node: malformed snapshot descriptor")

func snapshotFileName(term, index uint64) string {
	return fmt.Sprintf("snap-%016x-%016x.bin", term, index)
}

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

// writeSnapshotFile writes an image produced by write to dir/name through a
// temporary file, fsyncs it and renames it into place, returning its size
// and digest.
func writeSnapshotFile(dir, name string, write func(io.Writer) error) (int64, [sha256.Size]byte, error) {
	var sum [sha256.Size]byte
	tmp, err := os.CreateTemp(dir, name+".*.tmp")
	if err != nil {
		return 0, sum, fmt.Errorf("create snapshot file: %w", err)
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	cw := &countingWriter{w: io.MultiWriter(tmp, h)}
	if err := write(cw); err != nil {
		tmp.Close()
		return 0, sum, fmt.Errorf("write snapshot %s: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return 0, sum, fmt.Errorf("sync snapshot %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return 0, sum, fmt.Errorf("close snapshot %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, name)); err != nil {
		return 0, sum, fmt.Errorf("install snapshot %s: %w", name, err)
	}
	if err := syncDir(dir); err != nil {
		return 0, sum, err
	}
	copy(sum[:], h.Sum(nil))
	return cw.n, sum, nil
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}

// openVerified opens a snapshot file and checks its size and digest.
func openVerified(dir string, d snapshotDescriptor) (*os.File, error) {
	f, err := os.Open(filepath.Join(dir, d.File))
	if err != nil {
		return nil, fmt.Errorf("open snapshot: %w", err)
	}
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("read snapshot %s: %w", d.File, err)
	}
	if n != d.Size || [sha256.Size]byte(h.Sum(nil)) != d.SHA256 {
		f.Close()
		return nil, fmt.Errorf("snapshot %s is corrupt: %d bytes, digest mismatch or size %d expected", d.File, n, d.Size)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("rewind snapshot %s: %w", d.File, err)
	}
	return f, nil
}
