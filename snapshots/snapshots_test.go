package snapshots

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func write(term, index uint64, data string) func(io.Writer) (Position, error) {
	return func(w io.Writer) (Position, error) {
		_, err := io.WriteString(w, data)
		return Position{term, index}, err
	}
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

// A created snapshot is described by size and digest, and reads back only
// while it matches that description.
func TestCreateOpenAndDetectCorruption(t *testing.T) {
	s, err := Open(t.TempDir(), 2)
	if err != nil {
		t.Fatal(err)
	}
	f, err := s.Create(write(3, 42, "image of the state at 42"))
	if err != nil {
		t.Fatal(err)
	}
	if f.Name != Name(3, 42) || f.Size != int64(len("image of the state at 42")) || f.Term != 3 || f.Index != 42 {
		t.Fatalf("described as %+v", f)
	}
	fd, err := s.Open(f)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(fd)
	fd.Close()
	if string(got) != "image of the state at 42" {
		t.Fatalf("read back %q", got)
	}

	path := filepath.Join(s.Dir(), f.Name)
	raw, _ := os.ReadFile(path)
	raw[5] ^= 0x01
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Open(f); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Open of a flipped file: %v, want ErrCorrupt", err)
	}
	if _, err := s.Open(File{Name: "../escape"}); err == nil {
		t.Fatal("a name outside the directory must be refused")
	}
}

// A failed write leaves nothing behind; a snapshot received from a peer
// that does not match the peer's description is discarded.
func TestFailedWritesLeaveNothing(t *testing.T) {
	s, err := Open(t.TempDir(), 2)
	if err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	if _, err := s.Create(func(io.Writer) (Position, error) { return Position{1, 1}, boom }); !errors.Is(err, boom) {
		t.Fatalf("Create: %v, want the writer's error", err)
	}
	if n := names(t, s.Dir()); len(n) != 0 {
		t.Fatalf("files left after a failed write: %v", n)
	}

	good, err := s.Create(write(1, 5, "the real image"))
	if err != nil {
		t.Fatal(err)
	}
	want := good
	want.Index = 6
	if _, err := s.Receive(want, bytes.NewReader([]byte("a damaged image"))); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Receive of a mismatching stream: %v, want ErrCorrupt", err)
	}
	if n := names(t, s.Dir()); !slices.Equal(n, []string{Name(1, 5)}) {
		t.Fatalf("files after a corrupt receive: %v", n)
	}
	want.SHA256, want.Size = good.SHA256, good.Size
	if _, err := s.Receive(want, bytes.NewReader([]byte("the real image"))); err != nil {
		t.Fatalf("Receive of a matching stream: %v", err)
	}
}

// Prune keeps the newest files by term, then index; Open clears leftovers
// of interrupted writes.
func TestPruneAndLeftovers(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, Name(1, 1)+".123.tmp"), []byte("half"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir, 2)
	if err != nil {
		t.Fatal(err)
	}
	if n := names(t, dir); len(n) != 0 {
		t.Fatalf("leftover not removed: %v", n)
	}
	for _, ti := range [][2]uint64{{1, 100}, {2, 50}, {1, 200}, {3, 10}} {
		if _, err := s.Create(write(ti[0], ti[1], "x")); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Prune(); err != nil {
		t.Fatal(err)
	}
	if n := names(t, dir); !slices.Equal(n, []string{Name(2, 50), Name(3, 10)}) {
		t.Fatalf("after Prune: %v, want the two newest", n)
	}
}
