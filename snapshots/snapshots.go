package snapshots

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// File describes one snapshot file.
type File struct {
	// Name is the file's base name in the store's directory.
	Name   string
	Term   uint64
	Index  uint64
	Size   int64
	SHA256 [sha256.Size]byte
}

// ErrCorrupt is returned when a file does not match its description.
var ErrCorrupt = errors.New("snapshots: file does not match its size or digest")

const (
	prefix    = "snap-"
	suffix    = ".bin"
	tmpSuffix = ".tmp"
)

// Name is the file name of the snapshot at term and index. Every node uses
// the same name for the same snapshot, and names sort by term, then index.
func Name(term, index uint64) string {
	return fmt.Sprintf("%s%016x-%016x%s", prefix, term, index, suffix)
}

// Store is a directory of snapshot files.
type Store struct {
	dir  string
	keep int
}

// Open opens (creating it if needed) a snapshot directory that keeps the
// newest keep files (at least 1). Leftovers of interrupted writes are
// removed.
func Open(dir string, keep int) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("snapshots: create %s: %w", dir, err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("snapshots: read %s: %w", dir, err)
	}
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), tmpSuffix) {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
	return &Store{dir: dir, keep: max(1, keep)}, nil
}

// Dir is the store's directory.
func (s *Store) Dir() string { return s.dir }

// Position is the raft term and index a snapshot image reflects.
type Position struct {
	Term, Index uint64
}

// Create writes a snapshot image with write, through a temporary file that
// is fsynced and renamed into place under the name of the position write
// reports (an image may only learn its position while it is being taken),
// and describes it.
func (s *Store) Create(write func(io.Writer) (Position, error)) (File, error) {
	tmp, err := os.CreateTemp(s.dir, prefix+"*"+tmpSuffix)
	if err != nil {
		return File{}, fmt.Errorf("snapshots: create: %w", err)
	}
	defer os.Remove(tmp.Name())
	h := sha256.New()
	cw := &countingWriter{w: io.MultiWriter(&syncingWriter{f: tmp}, h)}
	pos, err := write(cw)
	if err != nil {
		tmp.Close()
		return File{}, fmt.Errorf("snapshots: write: %w", err)
	}
	name := Name(pos.Term, pos.Index)
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return File{}, fmt.Errorf("snapshots: sync %s: %w", name, err)
	}
	if err := tmp.Close(); err != nil {
		return File{}, fmt.Errorf("snapshots: close %s: %w", name, err)
	}
	if err := os.Rename(tmp.Name(), filepath.Join(s.dir, name)); err != nil {
		return File{}, fmt.Errorf("snapshots: install %s: %w", name, err)
	}
	if err := syncDir(s.dir); err != nil {
		return File{}, err
	}
	f := File{Name: name, Term: pos.Term, Index: pos.Index, Size: cw.n}
	copy(f.SHA256[:], h.Sum(nil))
	return f, nil
}

// Receive stores a snapshot streamed from a peer and checks it against the
// peer's description; a mismatch removes it and returns ErrCorrupt.
func (s *Store) Receive(want File, r io.Reader) (File, error) {
	got, err := s.Create(func(w io.Writer) (Position, error) {
		_, err := io.Copy(w, r)
		return Position{want.Term, want.Index}, err
	})
	if err != nil {
		return File{}, err
	}
	if got.Size != want.Size || got.SHA256 != want.SHA256 {
		os.Remove(filepath.Join(s.dir, got.Name))
		return File{}, fmt.Errorf("%w: received %s with %d bytes, expected %d", ErrCorrupt, got.Name, got.Size, want.Size)
	}
	return got, nil
}

// Open opens a snapshot file after checking its size and digest.
func (s *Store) Open(f File) (*os.File, error) {
	if f.Name == "" || filepath.Base(f.Name) != f.Name {
		return nil, fmt.Errorf("snapshots: invalid file name %q", f.Name)
	}
	fd, err := os.Open(filepath.Join(s.dir, f.Name))
	if err != nil {
		return nil, fmt.Errorf("snapshots: open: %w", err)
	}
	h := sha256.New()
	n, err := io.Copy(h, fd)
	if err != nil {
		fd.Close()
		return nil, fmt.Errorf("snapshots: read %s: %w", f.Name, err)
	}
	if n != f.Size || [sha256.Size]byte(h.Sum(nil)) != f.SHA256 {
		fd.Close()
		return nil, fmt.Errorf("%w: %s has %d bytes, expected %d", ErrCorrupt, f.Name, n, f.Size)
	}
	if _, err := fd.Seek(0, io.SeekStart); err != nil {
		fd.Close()
		return nil, fmt.Errorf("snapshots: rewind %s: %w", f.Name, err)
	}
	return fd, nil
}

// Prune removes all but the newest files the store keeps.
func (s *Store) Prune() error {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return fmt.Errorf("snapshots: read %s: %w", s.dir, err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) && strings.HasSuffix(e.Name(), suffix) {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	for len(names) > s.keep {
		if err := os.Remove(filepath.Join(s.dir, names[0])); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("snapshots: remove %s: %w", names[0], err)
		}
		names = names[1:]
	}
	return nil
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
		return fmt.Errorf("snapshots: open %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("snapshots: sync %s: %w", dir, err)
	}
	return nil
}

// syncEvery bounds the unsynced data of a snapshot being written. On ext4
// (data=ordered) an fsync of any file on the disk, such as the raft log's
// after every Ready, may wait for all dirty data to reach the disk: a
// snapshot written whole and synced at the end stalls the node's writes
// for as long as that takes. Syncing every few megabytes keeps each such
// wait short.
const syncEvery = 8 << 20

// syncingWriter writes to f and syncs it every syncEvery bytes.
type syncingWriter struct {
	f       *os.File
	pending int
}

func (w *syncingWriter) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.pending += n
	if err == nil && w.pending >= syncEvery {
		w.pending = 0
		err = w.f.Sync()
	}
	return n, err
}
