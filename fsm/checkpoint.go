package fsm

import (
	"net/url"
	"time"
)

// SQLite's automatic checkpoint runs inside the COMMIT that pushes the WAL
// past 1000 pages, on the committing connection: the apply connection,
// which then copies pages into the database file and fsyncs it before the
// entry counts as applied. While a snapshot copies a large database the
// disk is busy and that fsync waits behind the copy: measured stalls of
// 60-190 ms for single Apply calls. So the apply connection never
// checkpoints (wal_autocheckpoint=0) and a connection of its own does,
// in the background, with PASSIVE checkpoints, which never wait for or
// block the writer or readers. SQLite starts the WAL over at the next
// commit once a checkpoint has copied all of it and no reader needs it.

// checkpointEvery is how often the background checkpoint runs. The WAL
// grows by what is applied in between (a few MB at full speed).
const checkpointEvery = 200 * time.Millisecond

// checkpointDSN is a read-write connection on the default VFS; it only
// ever runs wal_checkpoint.
func checkpointDSN(path string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?_dqs=0&_pragma=busy_timeout(5000)"
}

// checkpointLoop runs until stop is closed.
func (f *FSM) checkpointLoop(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	t := time.NewTicker(checkpointEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		f.checkpoint()
	}
}

// checkpoint runs one PASSIVE checkpoint. Failures are logged and retried
// at the next tick: a checkpoint moves pages, it never changes content.
func (f *FSM) checkpoint() {
	f.swap.RLock()
	defer f.swap.RUnlock()
	if f.closed || f.ckpt == nil {
		return
	}
	if _, err := f.ckpt.ExecContext(background, "PRAGMA wal_checkpoint(PASSIVE)", nil); err != nil {
		f.log.Warn("background WAL checkpoint failed", "err", err)
	}
}
