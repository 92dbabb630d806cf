package fsm

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// applyConn is the one connection that changes the database. It is opened
// from the private driver (random() overrides) on the clock VFS, with the
// replication policy as its authorizer.
type applyConn struct {
	c   rawConn
	cc  cConn // c's SQLite handle, for what the driver does not offer
	pol policy
	// cache holds prepared user statements, with what the tokenizer found
	// out about them, by SQL text: a batch of the same INSERT is analyzed
	// and compiled once. System statements have their own entries: the
	// authorizer vets a statement when it is compiled, so a statement
	// compiled for a System command must never serve a user's.
	cache map[cacheKey]cachedStmt
	// own holds the FSM's own statements (BEGIN, SAVEPOINT, ...), prepared.
	own map[string]driver.Stmt
	// guard is set by the pre-update hook when a statement is about to
	// write a row that would break determinism later (reservedRowid).
	guard string
	// allowUnordered turns off the INSERT ... SELECT order check (tests
	// only: it shows the hazard the check removes).
	allowUnordered bool

	resetLastID, updateMeta, stats driver.Stmt
}

type cacheKey struct {
	system bool
	sql    string
}

type cachedStmt struct {
	st   driver.Stmt
	info statementInfo
}

const maxCachedStatements = 256

// metaSchema is the FSM's own table. It is part of every snapshot (the
// image carries its log position) and left out of checksums.
const metaSchema = `CREATE TABLE IF NOT EXISTS _sqlraft_meta(
	id INTEGER PRIMARY KEY CHECK (id = 1),
	applied_index INTEGER NOT NULL,
	applied_term INTEGER NOT NULL)`

func openApplyConn(path string) (a *applyConn, index uint64, err error) {
	c, err := openRaw(applyDSN(path))
	if err != nil {
		return nil, 0, err
	}
	a = &applyConn{c: c, cache: map[cacheKey]cachedStmt{}, own: map[string]driver.Stmt{}}
	defer func() {
		if err != nil {
			a.close()
		}
	}()
	if a.cc, err = handleOf(c); err != nil {
		return nil, 0, err
	}
	a.pol.internal = true
	defer func() { a.pol.internal = false }()
	if err = c.RegisterAuthorizer(a.pol.authorize); err != nil {
		return nil, 0, err
	}
	c.RegisterPreUpdateHook(a.preUpdate)
	for _, q := range append(slices.Clone(tableFunctionSetup),
		// A one-row scratch table private to this connection: writing rowid
		// 0 into it at the start of every entry resets last_insert_rowid(),
		// so LastInsertID depends on the entry alone, not on what this
		// connection did before a restart.
		`CREATE TEMP TABLE IF NOT EXISTS _sqlraft_reset(x)`,
		// LIKE is case-sensitive, as in PostgreSQL (ILIKE is translated
		// to a case-insensitive regular expression). Readers set it too.
		`PRAGMA case_sensitive_like = 1`,
		`BEGIN IMMEDIATE`,
		metaSchema,
		`INSERT OR IGNORE INTO _sqlraft_meta(id, applied_index, applied_term) VALUES (1, 0, 0)`,
		`COMMIT`,
	) {
		if _, err = c.ExecContext(background, q, nil); err != nil {
			return nil, 0, fmt.Errorf("%s: %w", strings.Fields(q)[0], err)
		}
	}
	rows, err := c.QueryContext(background, `SELECT applied_index FROM _sqlraft_meta WHERE id = 1`, nil)
	if err != nil {
		return nil, 0, err
	}
	_, vals, err := collect(rows)
	if err != nil {
		return nil, 0, err
	}
	if len(vals) != 1 {
		return nil, 0, fmt.Errorf("_sqlraft_meta has %d rows", len(vals))
	}
	index = uint64(vals[0][0].Int())
	for _, p := range []struct {
		st  *driver.Stmt
		sql string
	}{
		{&a.resetLastID, `INSERT OR REPLACE INTO temp._sqlraft_reset(rowid, x) VALUES (0, NULL)`},
		{&a.updateMeta, `UPDATE _sqlraft_meta SET applied_index = ?1, applied_term = ?2 WHERE id = 1`},
		{&a.stats, `SELECT changes(), last_insert_rowid()`},
	} {
		if *p.st, err = c.PrepareContext(background, p.sql); err != nil {
			return nil, 0, err
		}
	}
	return a, index, nil
}

func (a *applyConn) close() error {
	for _, cs := range a.cache {
		cs.st.Close()
	}
	for _, st := range a.own {
		st.Close()
	}
	a.cache, a.own = nil, nil
	for _, st := range []driver.Stmt{a.resetLastID, a.updateMeta, a.stats} {
		if st != nil {
			st.Close()
		}
	}
	return a.c.Close()
}

// exec runs one of the FSM's own statements, with the policy open.
func (a *applyConn) exec(q string, params ...Value) error {
	a.pol.internal = true
	defer func() { a.pol.internal = false }()
	_, err := a.c.ExecContext(background, q, args(params))
	return err
}

// must runs one of the FSM's own statements: st, or the SQL what if st is
// nil. It cannot fail for a reason that is the same on every node, so a
// failure stops the node.
func (a *applyConn) must(what string, st driver.Stmt, params ...Value) {
	if err := a.try(what, st, params...); err != nil {
		panic(fmt.Sprintf("fsm: %s failed: %v; the database or its disk is unusable, stopping (fail-stop)", what, err))
	}
}

// try runs one of the FSM's own statements, like must, and returns its
// error.
func (a *applyConn) try(what string, st driver.Stmt, params ...Value) error {
	a.pol.internal = true
	defer func() { a.pol.internal = false }()
	var err error
	if st == nil {
		if st = a.own[what]; st == nil {
			if st, err = a.c.PrepareContext(background, what); err != nil {
				return err
			}
			a.own[what] = st
		}
	}
	_, err = st.(driver.StmtExecContext).ExecContext(background, args(params))
	return err
}

// preUpdate runs before every row change on the connection.
func (a *applyConn) preUpdate(d sqlite.SQLitePreUpdateData) {
	if a.pol.internal || d.DatabaseName != "main" || d.Op == sqlite3.SQLITE_DELETE {
		return
	}
	if d.NewRowID == reservedRowid {
		a.guard = fmt.Sprintf("rowid %d in %s is reserved: once a table holds it, SQLite assigns random rowids", reservedRowid, d.TableName)
		return
	}
	if d.TableName == "sqlite_sequence" {
		vals := make([]any, d.Count())
		if d.New(vals...) == nil && len(vals) == 2 && vals[1] == int64(reservedRowid) {
			a.guard = fmt.Sprintf("AUTOINCREMENT sequence %d is reserved", reservedRowid)
		}
	}
}

// prepare analyzes and compiles a user statement, from the cache when it
// can. A statement the tokenizer refuses is not compiled (st is nil).
func (a *applyConn) prepare(q string) (cachedStmt, error) {
	key := cacheKey{a.pol.system, q}
	if cs, ok := a.cache[key]; ok {
		return cs, nil
	}
	cs := cachedStmt{info: analyze(q)}
	if cs.info.refuse != "" && !(cs.info.unordered && a.allowUnordered) || cs.info.count == 0 {
		return cs, nil
	}
	st, err := a.c.PrepareContext(background, q)
	if err != nil {
		return cs, err
	}
	if len(a.cache) >= maxCachedStatements {
		for k, old := range a.cache {
			old.st.Close()
			delete(a.cache, k)
		}
	}
	cs.st = st
	a.cache[key] = cs
	return cs, nil
}

// run applies one user statement. Every outcome is a StatementResult, the
// same on every node, except an environmental failure (see environmental),
// which is also returned as env: Apply stops the node on it. ctx is
// background when applying entries (an interrupted apply would differ
// between nodes); a write transaction passes its statement's context.
func (a *applyConn) run(ctx context.Context, i int, s Statement) (r StatementResult, env error) {
	a.guard, a.pol.denied = "", ""
	cs, err := a.prepare(s.SQL)
	if err != nil {
		return a.failed(i, err)
	}
	info, st := cs.info, cs.st
	if name := info.closedName(a.pol.system); name != "" && info.refuse == "" {
		return StatementResult{Err: notReplicable(i, fmt.Sprintf("name %q belongs to sqlraft", name))}, nil
	}
	if st == nil {
		if info.refuse != "" {
			return StatementResult{Err: notReplicable(i, info.refuse)}, nil
		}
		return StatementResult{}, nil // nothing but white space and comments
	}
	dml := info.verb == "INSERT" || info.verb == "REPLACE" || info.verb == "UPDATE" || info.verb == "DELETE"
	insert := info.verb == "INSERT" || info.verb == "REPLACE"
	if info.returnsRows {
		rows, err := st.(driver.StmtQueryContext).QueryContext(ctx, args(s.Params))
		if err != nil {
			return a.failed(i, err)
		}
		if r.Columns, r.Rows, err = collect(rows); err != nil {
			return a.failed(i, err)
		}
		if dml {
			if r.RowsAffected, r.LastInsertID, err = a.counts(); err != nil {
				return a.failed(i, err)
			}
		}
	} else {
		res, err := st.(driver.StmtExecContext).ExecContext(ctx, args(s.Params))
		if err != nil {
			return a.failed(i, err)
		}
		if dml {
			r.RowsAffected, _ = res.RowsAffected()
			r.LastInsertID, _ = res.LastInsertId()
		}
	}
	if !insert {
		r.LastInsertID = 0
	}
	if a.guard != "" {
		return StatementResult{Err: notReplicable(i, a.guard)}, nil
	}
	return r, nil
}

// counts reads changes() and last_insert_rowid() after a statement that
// returned rows. It fails only when the connection does (or a write
// transaction's statement is interrupted just then).
func (a *applyConn) counts() (changes, lastID int64, err error) {
	a.pol.internal = true
	defer func() { a.pol.internal = false }()
	rows, err := a.stats.(driver.StmtQueryContext).QueryContext(background, nil)
	if err != nil {
		return 0, 0, err
	}
	_, vals, err := collect(rows)
	if err == nil && len(vals) != 1 {
		err = fmt.Errorf("changes() returned %d rows", len(vals))
	}
	if err != nil {
		return 0, 0, err
	}
	return vals[0][0].Int(), vals[0][1].Int(), nil
}

// failed turns a statement failure into its result; a failure that is the
// node's, not the statement's, is also returned as env.
func (a *applyConn) failed(i int, err error) (StatementResult, error) {
	code, ok := sqliteCode(err)
	switch {
	case a.pol.denied != "":
		return StatementResult{Err: notReplicable(i, a.pol.denied)}, nil
	case ok && environmental(code):
		return StatementResult{Err: statementError(i, err)}, err
	}
	return StatementResult{Err: statementError(i, err)}, nil
}

func notReplicable(i int, reason string) *Error {
	return &Error{Statement: i, Code: sqlite3.SQLITE_AUTH, Message: "not replicable: " + reason, NotReplicable: true}
}

// deferredViolations reports whether deferred foreign key constraints are
// unresolved: SQLite would refuse the COMMIT.
func (a *applyConn) deferredViolations() bool {
	cur, _, err := a.c.Status(sqlite.DBStatusDeferredFKs, false)
	if err != nil {
		panic(fmt.Sprintf("fsm: reading deferred foreign key status: %v", err))
	}
	return cur > 0
}
