package fsm

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"modernc.org/sqlite"
)

// snapshotMethod is how Snapshot takes its image of the database.
type snapshotMethod uint8

const (
	// snapshotBackup copies the pages with SQLite's online backup API from
	// a read connection whose read transaction was opened while Apply was
	// held off: the image is exactly the state at AppliedIndex, and Apply
	// waits only for that moment, not for the copy. The default (see
	// DESIGN.md for the measurements).
	snapshotBackup snapshotMethod = iota
	// snapshotVacuum runs VACUUM INTO, which writes a compacted copy but
	// cannot run inside a transaction: to pin the index, Apply waits for
	// the whole copy.
	snapshotVacuum
)

// Snapshot writes a consistent image of the database to w and returns the
// applied index it reflects: AppliedIndex when the image was pinned, which
// may be behind AppliedIndex by the time Snapshot returns. The image is a
// plain SQLite file (sqlite3 opens it) that includes _sqlraft_meta, so it
// carries its own log position. It is made in a temporary file in the FSM's
// directory, streamed, and removed; Apply and reads go on meanwhile, so
// Snapshot may run on its own goroutine.
func (f *FSM) Snapshot(w io.Writer) (uint64, error) {
	start := time.Now()
	tmp, index, err := f.image()
	if tmp != "" {
		defer removeDB(tmp)
	}
	if err != nil {
		return 0, fmt.Errorf("fsm: snapshot: %w", err)
	}
	imaged := time.Since(start)
	file, err := os.Open(tmp)
	if err != nil {
		return 0, fmt.Errorf("fsm: snapshot: %w", err)
	}
	defer file.Close()
	n, err := io.Copy(w, file)
	if err != nil {
		return 0, fmt.Errorf("fsm: snapshot: streaming: %w", err)
	}
	f.log.Info("fsm snapshot written", "index", index, "bytes", n,
		"image", imaged, "total", time.Since(start), "method", f.snapshotMethod)
	return index, nil
}

func (m snapshotMethod) String() string {
	if m == snapshotVacuum {
		return "vacuum-into"
	}
	return "backup"
}

// image writes the snapshot image to a new temporary file and returns its
// path and applied index.
func (f *FSM) image() (path string, index uint64, err error) {
	f.swap.RLock()
	defer f.swap.RUnlock()
	if f.closed {
		return "", 0, ErrClosed
	}
	path = filepath.Join(f.dir, fmt.Sprintf("snapshot-%d.tmp", time.Now().UnixNano()))
	if f.snapshotMethod == snapshotVacuum {
		index, err = f.vacuumInto(path)
		return path, index, err
	}
	err = withReader(background, f.reads, readInternal, func(r *readerConn) (err error) {
		index, err = f.backup(r.rawConn, path)
		return err
	})
	return path, index, err
}

// vacuumInto runs VACUUM INTO on a connection of its own: readers are
// query_only, which refuses VACUUM INTO (it writes, if not to the database).
func (f *FSM) vacuumInto(path string) (uint64, error) {
	c, err := openRaw(fileURI(f.path) + "?mode=ro&_pragma=busy_timeout(5000)")
	if err != nil {
		return 0, err
	}
	defer c.Close()
	f.entryMu.Lock()
	defer f.entryMu.Unlock()
	_, err = c.ExecContext(background, "VACUUM INTO ?1", args([]Value{TextValue(path)}))
	return f.applied.Load(), err
}

// snapshotStepPages is how much the backup copies between two syncs of
// the image: 8 MB with the default page size.
const snapshotStepPages = 2048

type backuper interface {
	NewBackup(dstURI string) (*sqlite.Backup, error)
}

func (f *FSM) backup(c rawConn, path string) (uint64, error) {
	if _, err := c.ExecContext(background, "BEGIN", nil); err != nil {
		return 0, err
	}
	defer c.ExecContext(background, "ROLLBACK", nil)
	// The first read of a deferred transaction takes its WAL snapshot. Take
	// it between two entries, then let Apply go on. (A write transaction
	// may be open: nothing of it is committed, so it does not matter.)
	f.entryMu.Lock()
	meta, err := query(background, c, `SELECT applied_index FROM _sqlraft_meta WHERE id = 1`)
	want := f.applied.Load()
	f.entryMu.Unlock()
	if err != nil {
		return 0, err
	}
	if got := uint64(meta[0][0].Int()); got != want {
		return 0, fmt.Errorf("read transaction sees index %d, applied is %d", got, want)
	}
	b, err := c.(backuper).NewBackup(fileURI(path))
	if err != nil {
		return 0, err
	}
	// Copy in steps.
	// The image is synced after every step for the same reason the
	// snapshot store syncs as it writes: dirty data piling up makes any
	// fsync on the disk (the raft log's) wait for all of it.
	img, err := os.Open(path)
	if err != nil {
		b.Finish()
		return 0, err
	}
	defer img.Close()
	for {
		more, err := b.Step(snapshotStepPages)
		if err != nil {
			b.Finish()
			return 0, err
		}
		if !more {
			break
		}
		if err := img.Sync(); err != nil {
			b.Finish()
			return 0, err
		}
	}
	return want, b.Finish()
}

func fileURI(path string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath()
}

// removeDB removes a database file and its companions.
func removeDB(path string) {
	for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
		os.Remove(path + suffix)
	}
}

var sqliteHeader = []byte("SQLite format 3\x00")

// Restore replaces the database with an image written by Snapshot (on any
// node) at index. The image is received into a temporary file, synced, and
// checked: a SQLite file that passes quick_check and whose _sqlraft_meta is
// at or below index; its applied index is set to index. Then an open
// WriteTx is rolled back and open ReadTxs end (ErrRestored): the state
// they stand on is going away. With Apply and every reader held off, the
// connections close, the old WAL goes, the file is renamed over the
// database and the directory synced, and the connections reopen. A reader
// sees the old state or the new one, never a missing or partial file; a
// crash at any point leaves either the old database or the new one in
// place.
func (f *FSM) Restore(r io.Reader, index uint64) error {
	start := time.Now()
	tmp := filepath.Join(f.dir, fmt.Sprintf("restore-%d.tmp", time.Now().UnixNano()))
	defer removeDB(tmp)
	n, err := receive(tmp, r)
	if err != nil {
		return fmt.Errorf("fsm: restore: %w", err)
	}
	received := time.Since(start)
	if err := prepareImage(tmp, index); err != nil {
		return fmt.Errorf("fsm: restore: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("fsm: restore: %w", err)
	}
	checked := time.Since(start)

	resume := f.endWriteTx(ErrRestored)
	defer resume()
	f.swap.Lock()
	defer f.swap.Unlock()
	if f.closed {
		return ErrClosed
	}
	f.endReadTxs(ErrRestored)
	f.applyMu.Lock()
	defer f.applyMu.Unlock()
	swapStart := time.Now()
	if err := f.closeConns(); err != nil {
		f.closed = true
		return fmt.Errorf("fsm: restore: closing the old database: %w", err)
	}
	// The old database is closed and checkpointed; a -wal left behind would
	// be replayed into the new file.
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Remove(f.path + suffix); err != nil && !errors.Is(err, os.ErrNotExist) {
			f.closed = true
			return fmt.Errorf("fsm: restore: %w", err)
		}
	}
	if err := os.Rename(tmp, f.path); err != nil {
		f.closed = true
		return fmt.Errorf("fsm: restore: %w", err)
	}
	if err := syncDir(f.dir); err != nil {
		f.closed = true
		return fmt.Errorf("fsm: restore: %w", err)
	}
	if err := f.openConns(); err != nil {
		f.closed = true
		return fmt.Errorf("fsm: restore: reopening: %w", err)
	}
	f.log.Info("fsm snapshot restored", "index", index, "bytes", n,
		"receive", received, "check", checked-received, "swap", time.Since(swapStart), "total", time.Since(start))
	return nil
}

func receive(path string, r io.Reader) (int64, error) {
	file, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(file, r)
	if err == nil {
		err = file.Sync()
	}
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// prepareImage checks a received image and sets its applied index.
func prepareImage(path string, index uint64) error {
	head := make([]byte, len(sqliteHeader))
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	_, err = io.ReadFull(file, head)
	file.Close()
	if err != nil || !bytes.Equal(head, sqliteHeader) {
		return errors.New("image is not a SQLite database")
	}
	db, err := sql.Open("sqlite", fileURI(path)+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ctx := context.Background()
	var check string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&check); err != nil {
		return fmt.Errorf("quick_check: %w", err)
	}
	if check != "ok" {
		return fmt.Errorf("quick_check: %s", check)
	}
	var have int64
	if err := db.QueryRowContext(ctx, "SELECT applied_index FROM _sqlraft_meta WHERE id = 1").Scan(&have); err != nil {
		return fmt.Errorf("image has no applied index: %w", err)
	}
	if uint64(have) > index {
		return fmt.Errorf("image is at index %d, beyond the snapshot's index %d", have, index)
	}
	if _, err := db.ExecContext(ctx, "UPDATE _sqlraft_meta SET applied_index = ?1 WHERE id = 1", int64(index)); err != nil {
		return err
	}
	return db.Close()
}

func syncFile(path string) error {
	file, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	err = file.Sync()
	if cerr := file.Close(); err == nil {
		err = cerr
	}
	return err
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
