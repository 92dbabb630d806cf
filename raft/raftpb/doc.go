// Package raftpb defines the values that raft nodes exchange and persist:
// log entries, messages, hard state, membership configurations and
// snapshots. They are plain Go structs; the node transport and the log store
// choose their own wire and disk encodings. ConfChangeV2 has a compact binary
// encoding here because it travels inside log entries, which every node must
// decode identically.
package raftpb
