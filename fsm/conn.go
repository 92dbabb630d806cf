package fsm

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"unsafe"

	"modernc.org/sqlite"
)

// rawConn is what the modernc driver's connection offers; the apply and
// validation connections use it directly rather than through database/sql,
// so there is no pool that could swap in a fresh connection without the
// authorizer, and no cancellation.
type rawConn interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	sqlite.AuthorizerRegisterer
	sqlite.HookRegisterer
	sqlite.DBStatus
}

// background is the context of everything the apply connection runs. It is
// never cancelled: the driver interrupts a statement whose context ends,
// and an interrupted apply would be a result that differs between nodes.
var background = context.Background()

// Connection settings of the apply connection, identical on every node and
// never changed by replicated SQL (the authorizer refuses PRAGMA):
//
//   - journal_mode=WAL, synchronous=NORMAL: a commit is durable against a
//     process crash; a power loss may drop the last commits together with
//     their applied index, and the node replays them from the Raft log.
//   - foreign_keys=ON: enforced, as a SQL database user expects.
//   - recursive_triggers=ON: a trigger's writes fire triggers, as in
//     PostgreSQL.
//   - trusted_schema=ON: the default, stated explicitly; the random()
//     overrides are application functions and must be usable in DEFAULT
//     clauses and triggers.
//   - reverse_unordered_selects=OFF: the default, stated explicitly, since
//     it changes the order of unordered scans.
//   - temp_store=MEMORY: the apply connection's private scratch table, and
//     sorter spills, never touch a temp file.
//   - busy_timeout=5000: only checkpoints and WAL recovery can wait.
//   - wal_autocheckpoint=0: checkpoints run in the background on their own
//     connection (checkpoint.go), never inside an entry's COMMIT.
//   - _defensive=1: no writable_schema, no writes to the shadow tables of
//     FTS5/R-Tree (writing garbage there would make every node fail the same
//     way later, as corruption).
//   - _dqs=0 (every connection): a double-quoted word is an identifier, never
//     a string literal, as in PostgreSQL; a misspelt "column" is an error
//     instead of silently comparing with a string.
func applyDSN(path string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?vfs=" + clockVFS +
		"&_defensive=1&_dqs=0" +
		"&_pragma=busy_timeout(5000)" +
		"&_pragma=journal_mode(WAL)" +
		"&_pragma=wal_autocheckpoint(0)" +
		"&_pragma=synchronous(NORMAL)" +
		"&_pragma=foreign_keys(1)" +
		"&_pragma=recursive_triggers(1)" +
		"&_pragma=trusted_schema(1)" +
		"&_pragma=reverse_unordered_selects(0)" +
		"&_pragma=temp_store(MEMORY)"
}

// validateDSN is a read-only connection with the apply connection's
// settings (they change how statements compile) on the default VFS.
func validateDSN(path string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=ro&_dqs=0" +
		"&_pragma=busy_timeout(5000)" +
		"&_pragma=foreign_keys(1)" +
		"&_pragma=recursive_triggers(1)" +
		"&_pragma=trusted_schema(1)"
}

// readDSN is a reader: read-only at the file level (mode=ro, not just
// query_only, which the reader's authorizer keeps SQL from turning off),
// default VFS. query_only is set by the connector after ReadSetup's
// statements, which may create temporary objects.
func readDSN(path string) string {
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?mode=ro&_dqs=0" +
		"&_pragma=busy_timeout(5000)"
}

func openRaw(dsn string) (rawConn, error) {
	c, err := applyDriver.Open(dsn)
	if err != nil {
		return nil, err
	}
	rc, ok := c.(rawConn)
	if !ok {
		c.Close()
		return nil, fmt.Errorf("fsm: SQLite driver connection %T lacks the expected methods", c)
	}
	return rc, nil
}

// args turns parameters into the driver's ordinal arguments.
func args(params []Value) []driver.NamedValue {
	if len(params) == 0 {
		return nil
	}
	nv := make([]driver.NamedValue, len(params))
	for i, p := range params {
		nv[i] = driver.NamedValue{Ordinal: i + 1, Value: p.Any()}
	}
	return nv
}

// collect reads all rows, with column names, declared types and sources.
func collect(rows driver.Rows) (cols []Column, out [][]Value, err error) {
	return collectLimited(rows, 0)
}

// valueOverhead approximates the memory of a Value besides its text or
// blob.
const valueOverhead = int64(unsafe.Sizeof(Value{}))

// collectLimited is collect that stops with ErrResultTooLarge once the
// rows would take more than limit bytes (0: no limit).
func collectLimited(rows driver.Rows, limit int64) (cols []Column, out [][]Value, err error) {
	var size int64
	names := rows.Columns()
	cols = make([]Column, len(names))
	dt, _ := rows.(driver.RowsColumnTypeDatabaseTypeName)
	for i, n := range names {
		cols[i].Name = n
		if dt != nil {
			cols[i].DeclType = dt.ColumnTypeDatabaseTypeName(i)
		}
	}
	if pstmt, cc := rowsHandle(rows); pstmt != 0 {
		columnSources(cc, pstmt, cols)
	}
	dest := make([]driver.Value, len(names))
	for {
		if err := rows.Next(dest); err != nil {
			if errors.Is(err, io.EOF) {
				break
			}
			rows.Close()
			return cols, out, err
		}
		row := make([]Value, len(dest))
		for i, v := range dest {
			row[i] = fromDriver(v)
			size += valueOverhead + int64(len(row[i].s)+len(row[i].b))
		}
		if limit > 0 && size > limit {
			rows.Close()
			return cols, nil, fmt.Errorf("%w (%d bytes)", ErrResultTooLarge, limit)
		}
		out = append(out, row)
	}
	return cols, out, rows.Close()
}

// reservedRowid is the one rowid replicated SQL may not use. Once a table
// without AUTOINCREMENT holds it, SQLite picks new rowids at random, from a
// generator this package cannot seed per connection; with AUTOINCREMENT the
// next insert fails with SQLITE_FULL, which would read as a full disk.
const reservedRowid = math.MaxInt64
