package fsm

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func applyStream(t testing.TB, f *FSM, from, to uint64) {
	t.Helper()
	for i := from; i <= to; i++ {
		if f.Apply(i, 1, crashEntry(i).Marshal()) == nil {
			t.Fatalf("entry %d skipped", i)
		}
	}
}

func count(t testing.TB, f *FSM) int64 {
	t.Helper()
	r, err := f.Query(context.Background(), "SELECT count(*) FROM acc")
	if err != nil {
		t.Fatal(err)
	}
	return r.Values[0][0].Int()
}

// TestSnapshotRestore ships a snapshot from one replica to another that is
// behind, while readers keep reading the one being restored: every read
// sees the old state or the new one, and none fails.
func TestSnapshotRestore(t *testing.T) {
	src, dst := openFSM(t), openFSM(t)
	applyStream(t, src, 1, 300)
	applyStream(t, dst, 1, 20)
	oldCount, newCount := count(t, dst), count(t, src)

	var img bytes.Buffer
	if _, err := src.Snapshot(&img); err != nil {
		t.Fatal(err)
	}

	var stop atomic.Bool
	var reads, sawNew atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				r, err := dst.Query(context.Background(), "SELECT count(*) FROM acc")
				if err != nil {
					errs <- err
					return
				}
				switch n := r.Values[0][0].Int(); n {
				case oldCount:
				case newCount:
					sawNew.Add(1)
				default:
					errs <- fmt.Errorf("read %d rows: neither the old state (%d) nor the new (%d)", n, oldCount, newCount)
					return
				}
				if _, _, err := dst.Checksum(context.Background()); err != nil {
					errs <- err
					return
				}
				reads.Add(1)
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	if err := dst.Restore(bytes.NewReader(img.Bytes()), src.AppliedIndex()); err != nil {
		t.Fatal(err)
	}
	for sawNew.Load() == 0 && len(errs) == 0 {
		time.Sleep(time.Millisecond)
	}
	stop.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("reader: %v", err)
	}
	t.Logf("%d bytes of snapshot; readers completed %d reads around the restore", img.Len(), reads.Load())

	if dst.AppliedIndex() != src.AppliedIndex() {
		t.Fatalf("AppliedIndex %d after restore, want %d", dst.AppliedIndex(), src.AppliedIndex())
	}
	if checksum(t, dst) != checksum(t, src) || dump(t, dst) != dump(t, src) {
		t.Fatal("restored replica differs from the source")
	}
	// Both go on from there in step.
	applyStream(t, src, 301, 340)
	applyStream(t, dst, 301, 340)
	if checksum(t, dst) != checksum(t, src) {
		t.Fatal("replicas diverged after the restore")
	}
	// Entries at or below the restored index are skipped.
	if dst.Apply(300, 1, crashEntry(300).Marshal()) != nil {
		t.Error("entry below the restored index was applied")
	}
}

// The image is a plain SQLite file that carries its log position; both
// snapshot methods give the same content.
func TestSnapshotImage(t *testing.T) {
	src := openFSM(t)
	applyStream(t, src, 1, 120)
	for _, m := range []snapshotMethod{snapshotBackup, snapshotVacuum} {
		src.snapshotMethod = m
		var img bytes.Buffer
		if _, err := src.Snapshot(&img); err != nil {
			t.Fatal(err)
		}
		file := filepath.Join(t.TempDir(), "image.sqlite")
		if err := os.WriteFile(file, img.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		db, err := sql.Open("sqlite", file)
		if err != nil {
			t.Fatal(err)
		}
		var index int64
		if err := db.QueryRow("SELECT applied_index FROM _sqlraft_meta").Scan(&index); err != nil || uint64(index) != src.AppliedIndex() {
			t.Errorf("%v: image applied_index %d (%v), want %d", m, index, err, src.AppliedIndex())
		}
		db.Close()

		dst := openFSM(t)
		if err := dst.Restore(bytes.NewReader(img.Bytes()), src.AppliedIndex()); err != nil {
			t.Fatal(err)
		}
		if checksum(t, dst) != checksum(t, src) {
			t.Errorf("%v: restored content differs", m)
		}
		t.Logf("%v: %d bytes", m, img.Len())
		if left, _ := filepath.Glob(filepath.Join(src.Dir(), "*.tmp*")); len(left) > 0 {
			t.Errorf("temporary files left behind: %v", left)
		}
	}
}

func TestRestoreRefusesBadImages(t *testing.T) {
	src, dst := openFSM(t), openFSM(t)
	applyStream(t, src, 1, 30)
	applyStream(t, dst, 1, 10)
	before := checksum(t, dst)
	var img bytes.Buffer
	if _, err := src.Snapshot(&img); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		image []byte
		index uint64
		want  string
	}{
		{"not SQLite", []byte("hello, world, this is not a database"), 30, "not a SQLite database"},
		{"truncated", img.Bytes()[:img.Len()/2], 30, ""},
		{"ahead of the snapshot index", img.Bytes(), 29, "beyond"},
	} {
		err := dst.Restore(bytes.NewReader(tc.image), tc.index)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Restore = %v, want an error about %q", tc.name, err, tc.want)
		}
		if checksum(t, dst) != before || dst.AppliedIndex() != 10 {
			t.Errorf("%s: a refused image changed the replica", tc.name)
		}
	}
}
