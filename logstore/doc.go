// Package logstore is the durable Raft log: a raft.Storage kept in a bbolt
// file through hashicorp/raft-boltdb. Each entry is stored as our own
// checksummed record (type, term, index, the commit index of the write,
// data) in a raft-boltdb log record keyed by its index, so the usual Ready,
// entries plus a moved commit index, is one transaction. The HardState and
// the compaction point with the latest snapshot's metadata live in
// raft-boltdb's conf bucket, also checksummed, because raft-boltdb knows
// nothing of snapshots. Open verifies the whole log (checksums, no gaps, a
// log that starts right after the compaction point, a commit index it
// holds) and refuses a damaged file with ErrCorrupt. The terms of all
// entries and the bodies of the most recent ones stay in memory, so raft's
// hot-path reads never touch the file. The driver loop writes one Ready with
// one Save; any write error makes the Store fail-stop. The package hides
// raft-boltdb entirely, so a segmented WAL can replace it behind the same
// API.
package logstore
