// Package snapshots keeps a node's snapshot files: state machine images
// named by the raft term and index they were taken at, each written to a
// temporary file, fsynced and renamed into place, and described by its size
// and SHA-256 so that a reader, local or remote, can verify it before use.
// The newest few are kept; older ones and leftovers of interrupted writes
// are removed.
package snapshots
