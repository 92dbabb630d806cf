// Package node runs a raft node. Node is the driver loop: one goroutine owns
// the raft core's RawNode, ticks it from a Clock, steps messages from peers,
// and handles each Ready in the order the contract demands (persist entries
// and hard state in the LogStore, fsynced when required; send; apply to the
// StateMachine; Advance). Proposals that arrive while a Ready is being
// persisted join the next one (group commit); Propose returns the state
// machine's result once the entry is applied; concurrent ReadBarrier calls
// share one ReadIndex round. Snapshots are files in the data directory,
// taken every SnapshotEntries applied entries and streamed to lagging or new
// members.
//
// Transport is the TCP (optionally mutual TLS) layer between the nodes of
// one cluster. Every connection opens with a handshake proving it belongs to
// this cluster and is meant for this node, then carries versioned,
// length-prefixed, CRC32C-checked frames of one purpose: a pipelined raft
// message stream per peer (queued without blocking, batched, reconnected
// with back-off), a multiplexed request connection, or one snapshot stream
// verified chunk by chunk and by SHA-256. Messages use a compact binary
// codec (EncodeMessage, DecodeMessage) that never trusts a length from the
// network.
package node
