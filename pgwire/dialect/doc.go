// Package dialect reads the PostgreSQL dialect of SQL that clients send to
// sqlraft's wire-protocol front end and rewrites it for SQLite, which every
// node applies it to. Lex is a real lexer for PostgreSQL's SQL (strings of
// every kind, quoted identifiers, nested comments, dollar quotes,
// parameters, operators) whose tokens concatenate back to the input; Split
// cuts a simple-query string into statements; Classify tells the session
// what a statement is (its command, whether it writes, its CommandComplete
// tag and the details of the transaction, SET/SHOW, COPY and role
// statements the session answers itself); Translate rewrites one statement
// token by token, never with regular expressions over raw text, and
// rejects with a SQLSTATE the constructs SQLite would silently read
// differently, and types the result columns and parameters that SQLite
// cannot describe (count(*) is bigint, id = $1 makes $1 the type of id)
// and the string constants it stores as text ('t' stored into a boolean
// column is 1, '\xdead' compared with a bytea column a blob). Array syntax
// (x = ANY (arr), ARRAY[...], ARRAY(subquery), arr[i], set-returning
// functions in FROM) becomes calls of functions over PostgreSQL's array
// text that pgwire/catalog registers on read connections.
// The translation rules and the reasons for them are in DESIGN.md beside
// this file.
package dialect
