// Package tracker holds what a raft leader knows about its followers: the
// membership configuration (voters, possibly joint, and learners), one
// Progress per peer describing how far its log is known to match and how
// replication to it is paced, and the votes collected in an election. A
// Progress is a small state machine (probe, replicate, snapshot) whose
// transitions are named methods, so the replication logic in package raft
// reads as a sequence of verbs; Inflights bounds how much unacknowledged data
// the leader keeps in flight to one peer, by message count and by bytes. The
// package does no I/O and has no clock: raft calls it while stepping
// messages, and quorum arithmetic is delegated to package quorum.
package tracker
