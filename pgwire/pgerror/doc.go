// Package pgerror gives sqlraft's PostgreSQL front end one error type that
// carries everything an ErrorResponse can say (severity, SQLSTATE, message,
// detail, hint, position, and the schema, table, column and constraint
// fields that ORMs and drivers read), and translates into it the errors
// that reach the front end: SQLite's result codes and messages as the state
// machine or the driver report them, the dialect translator's errors,
// statements the state machine refuses to replicate, and cancellation.
// SQLite's messages become PostgreSQL 15's own wording where the two mean
// the same thing, with constraint names following PostgreSQL's default
// naming, so that clients which branch on codes, constraint names or
// message text behave as they do against PostgreSQL.
package pgerror
