// Package pgwire is sqlraft's PostgreSQL front end: it speaks the
// PostgreSQL wire protocol (version 3.0, on pgx/v5's pgproto3) to any
// client, authenticates roles, and runs each session's statements against
// the replicated SQLite database. Statements are translated by the dialect
// subpackage; reads run on local read-only connections behind the
// session's consistency gate; autocommit writes are proposed to the Raft
// log and acknowledged once applied; interactive transactions run at the
// leader on the apply connection, one writer at a time, and commit as one
// log entry. Types and SQLSTATEs live in the pgvalue and pgerror
// subpackages.
package pgwire
