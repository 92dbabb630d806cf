// Package raft is sqlraft's consensus core: a pure, deterministic
// implementation of the Raft protocol in the style of etcd-raft. It has no
// goroutines, performs no I/O and reads no clock. The application drives a
// RawNode with Tick (logical time), Step (messages from peers) and the
// proposal methods, and receives the work to do as a Ready: entries and hard
// state to persist, messages to send, committed entries to apply. Because
// everything the core does is a function of its inputs, a seeded simulator
// can replay any interleaving of faults exactly.
//
// Included: PreVote and CheckQuorum (on by default), leader no-op, pipelined
// replication with per-peer flow control by count and bytes, append batching,
// fast conflict back-off, heartbeats carrying the commit index, a bounded
// uncommitted log, snapshots and log compaction, joint-consensus membership
// changes (ConfChangeV2) with learners, leadership transfer, and linearizable
// reads through ReadIndex (leader-numbered heartbeat rounds) or a leader
// lease with a clock-drift margin.
//
// Sub-packages hold concepts with their own algebra: raftpb (the values
// exchanged), quorum (majority and joint quorums), tracker (per-peer
// progress and flow control) and confchange (membership transitions).
package raft
