// Package catalog emulates PostgreSQL 15's system catalogs (pg_class,
// pg_attribute, pg_index, pg_constraint, pg_type, ... and
// information_schema's views) live over SQLite's own schema, so that
// psql's meta-commands, drivers' metadata calls and tools' introspection
// queries, once translated by the dialect package, run unchanged.
//
// Catalog.ReadSetup is an fsm.ReadSetup: every read connection of the state
// machine gets the catalog tables as virtual tables (pg_catalog's in its
// temp schema, found unqualified; information_schema's in an attached
// in-memory database of that name) and the functions psql calls
// (format_type, pg_get_indexdef, pg_get_constraintdef, ...), with the
// array functions and table-valued functions (generate_series, unnest) the
// dialect's rewrites of ANY, ARRAY and subscripts call. The tables are
// computed in Go from sqlite_schema and the schema pragmas, read through the
// calling connection, so they show exactly that connection's snapshot.
// Relations, constraints and defaults get OIDs hashed from their names:
// the same on every node and after every restart. DESIGN.md explains the
// choices.
package catalog
