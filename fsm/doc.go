// Package fsm is the replicated state machine of sqlraft: a SQLite database
// that every node of the cluster changes only by applying committed
// commands, in log order, on one dedicated apply connection. A command is a
// batch of SQL statements with their parameters plus the proposer's clock
// reading and a random seed; the apply connection takes every source of
// nondeterminism SQLite has (random(), randomblob(), every form of 'now',
// the local time zone) from that command instead of from the node, refuses
// what cannot be replicated (ATTACH, PRAGMAs, per-connection functions,
// temporary objects, plan-ordered INSERT ... SELECT), and records the
// applied index in the same transaction as the command's effects, so that
// identical logs give byte-for-byte identical logical content on every node
// and a crash never applies an entry twice or skips one. Reads go through
// separate read-only connections, one query at a time (Query, Describe) or
// in read transactions (ReadTx); Options.ReadSetup may extend those
// connections (only those) with Go functions, virtual tables and
// per-connection objects, as the SQL front end's catalog does. A client's
// interactive transaction runs on the leader's apply connection (WriteTx) and is recorded as one command
// that every node replays with the same results. System commands keep the
// SQL front end's own tables (_sqlraft_sys_*), which user SQL cannot reach.
// Checksum, Snapshot and Restore serve divergence checks and Raft
// snapshots. DESIGN.md beside this file explains the choices.
package fsm
