package pgwire

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"sqlraft/fsm"
	"sqlraft/pgwire/dialect"
	"sqlraft/pgwire/pgerror"
	"sqlraft/pgwire/pgvalue"
)

// session is the state of one client session: parameters, prepared
// statements, portals and the transaction.
type session struct {
	c        *conn
	srv      *Server
	settings *settings
	stmts    map[string]*prepared
	portals  map[string]*portal
	tx       *txn
	// schemaCache answers column types for the translator between
	// schema changes.
	schema *schemaCache
}

func newSession(c *conn, startup map[string]string) *session {
	leader, _, _ := c.srv.cfg.Cluster.Leadership()
	return &session{
		c:        c,
		srv:      c.srv,
		settings: newSettings(startup, c.srv.cfg.ServerVersion, c.user, !leader),
		stmts:    map[string]*prepared{},
		portals:  map[string]*portal{},
		schema:   c.srv.schema,
	}
}

// show returns a parameter's value for ParameterStatus and SHOW.
func (s *session) show(name string) string {
	v, _ := s.settings.get(name)
	return v
}

// txStatus is the ReadyForQuery status: idle, in a block, or failed.
func (s *session) txStatus() byte {
	switch {
	case s.tx == nil || s.tx.implicit:
		return 'I'
	case s.tx.failed != nil:
		return 'E'
	default:
		return 'T'
	}
}

// failed marks the transaction block failed after an error, as
// PostgreSQL does; an implicit transaction is rolled back at once.
func (s *session) failed(e *pgerror.Error) {
	if s.tx == nil {
		return
	}
	if s.tx.implicit {
		s.rollback()
		return
	}
	if s.tx.failed == nil {
		s.tx.failed = e
	}
}

// end releases everything the session holds; the connection is closing.
func (s *session) end() {
	if s.tx != nil {
		s.rollback()
	}
	s.srv.locks.releaseAll(s, false)
}

// options are the values the translator substitutes for session functions.
func (s *session) options() dialect.Options {
	leader, _, _ := s.srv.cfg.Cluster.Leadership()
	return dialect.Options{
		Database:      s.c.database,
		User:          s.c.user,
		ServerVersion: "PostgreSQL " + s.srv.cfg.ServerVersion + " on sqlraft",
		BackendPID:    int(s.c.pid),
		InRecovery:    !leader,
		Setting:       s.settings.get,
		ColumnType:    s.schema.columnType,
	}
}

// prepared is a statement ready to run: from Parse, or one statement of
// a simple Query.
type prepared struct {
	sql    string // as the client sent it
	tr     dialect.Result
	params []uint32 // parameter type OIDs; 0 is unknown
	// fields are the result columns, once known (Describe or the first
	// execution); described tells whether they are.
	fields    []field
	described bool
}

// field is a result column as RowDescription announces it.
type field struct {
	name     string
	typ      pgvalue.Type
	tableOID uint32
	attnum   uint16
}

// portal is a bound statement: parameters and result formats.
type portal struct {
	stmt    *prepared
	params  []fsm.Value
	formats []int16
	res     *result // set by the first Execute
	pos     int     // rows already sent
	// suspended is set once an Execute stopped at its row limit.
	suspended bool
}

// result is the outcome of one statement.
type result struct {
	empty   bool // EmptyQueryResponse
	hasRows bool // RowDescription/DataRow (even with no rows)
	cols    []fsm.Column
	rows    [][]fsm.Value
	tag     string
	notices []*pgerror.Error
}

// prepare translates one statement and types its parameters.
func (s *session) prepare(sql string, paramOIDs []uint32) (*prepared, *pgerror.Error) {
	tr, err := dialect.Translate(sql, s.options())
	if err != nil {
		return nil, pgerror.Convert(err, nil)
	}
	n := max(len(paramOIDs), tr.ParamCount)
	params := make([]uint32, n)
	for i := range params {
		if i < len(paramOIDs) && paramOIDs[i] != 0 {
			params[i] = paramOIDs[i]
			continue
		}
		name := tr.ParamHints[i+1]
		if name == "" {
			name = tr.ParamTypes[i+1]
		}
		if name != "" {
			if t, ok := pgvalue.FromCanonical(name); ok {
				params[i] = t.OID
			}
		}
	}
	return &prepared{sql: sql, tr: tr, params: params}, nil
}

// statementContext is the context of one statement: canceled by a
// CancelRequest, by statement_timeout and by the session ending.
func (s *session) statementContext(ctx context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	var stopTimer func() bool
	if d := s.settings.duration("statement_timeout"); d > 0 {
		t := time.AfterFunc(d, func() { cancel(errStatementTimeout) })
		stopTimer = t.Stop
	}
	s.c.mu.Lock()
	s.c.stmtCancel = cancel
	s.c.mu.Unlock()
	return ctx, func() {
		s.c.mu.Lock()
		s.c.stmtCancel = nil
		s.c.mu.Unlock()
		if stopTimer != nil {
			stopTimer()
		}
		cancel(nil)
	}
}

var errStatementTimeout = errors.New("canceling statement due to statement timeout")

// convertErr turns any error of a statement into a SQLSTATE error; a
// canceled context says why it was canceled.
func (s *session) convertErr(ctx context.Context, err error) *pgerror.Error {
	if err == nil {
		return nil
	}
	var pe *pgerror.Error
	if errors.As(err, &pe) {
		return pe
	}
	if errors.Is(err, fsm.ErrResultTooLarge) {
		e := pgerror.New("54000", "the query's result is too large to hold in memory (%v)", err)
		e.Hint = "Add a LIMIT or a narrower WHERE clause, or read the rows in pages (WHERE key > last key ORDER BY key LIMIT n)."
		return e
	}
	if errors.Is(err, fsm.ErrRestored) {
		e := pgerror.New("40001", "the transaction's snapshot ended: this node installed a snapshot from the leader")
		e.Hint = "Retry the transaction."
		return e
	}
	if ctx.Err() != nil {
		switch cause := context.Cause(ctx); {
		case errors.Is(cause, errStatementTimeout):
			return pgerror.New("57014", "canceling statement due to statement timeout")
		case errors.Is(cause, errCanceled):
			return pgerror.New("57014", "canceling statement due to user request")
		default:
			if k := s.c.killedErr(); k != nil {
				return k
			}
			return pgerror.New("57014", "canceling statement due to user request")
		}
	}
	return pgerror.Convert(err, s.schema)
}

// run executes a prepared statement with its parameters.
func (s *session) run(ctx context.Context, p *prepared, params []fsm.Value) (*result, *pgerror.Error) {
	info := p.tr.Info
	if s.tx != nil && s.tx.failed != nil {
		switch info.Command {
		case dialect.CmdRollback, dialect.CmdCommit, dialect.CmdRollbackTo:
		default:
			return nil, pgerror.New("25P02", "current transaction is aborted, commands ignored until end of transaction block")
		}
	}
	switch info.Command {
	case dialect.CmdEmpty:
		return &result{empty: true}, nil
	case dialect.CmdBegin:
		return s.begin(info)
	case dialect.CmdCommit:
		return s.commit(ctx, info)
	case dialect.CmdRollback:
		return s.rollbackCmd(info)
	case dialect.CmdSavepoint, dialect.CmdRelease, dialect.CmdRollbackTo:
		return s.savepoint(ctx, p)
	}
	if info.Locking {
		if s.tx == nil {
			if info.Command == dialect.CmdLock {
				return nil, pgerror.New("25P01", "LOCK TABLE can only be used in transaction blocks")
			}
		} else if err := s.tx.lock(ctx, s, p); err != nil {
			return nil, err
		}
	}
	if p.tr.SQL == "" {
		return s.sessionCommand(ctx, p)
	}
	if res, err, ok := s.setConfig(p); ok {
		return res, err
	}
	if res, err, ok := s.advisory(ctx, p, params); ok {
		return res, err
	}
	if info.Writes {
		return s.write(ctx, p, params)
	}
	return s.read(ctx, p, params)
}

// statements turns a translation into the fsm statements to run.
func statements(p *prepared, params []fsm.Value) []fsm.Statement {
	stmts := make([]fsm.Statement, 0, len(p.tr.Statements))
	for _, q := range p.tr.Statements {
		stmts = append(stmts, fsm.Statement{SQL: q, Params: params})
	}
	return stmts
}

// read runs a statement that changes nothing.
func (s *session) read(ctx context.Context, p *prepared, params []fsm.Value) (*result, *pgerror.Error) {
	if s.tx != nil {
		return s.tx.read(ctx, s, p, params)
	}
	if err := s.readBarrier(ctx); err != nil {
		return nil, err
	}
	rows, err := s.srv.cfg.FSM.Query(ctx, p.tr.SQL, params...)
	if err != nil {
		return nil, s.convertErr(ctx, err)
	}
	return rowsResult(p, rows.Columns, rows.Values, 0), nil
}

// readBarrier waits until local state is fresh enough for the session's
// read consistency.
func (s *session) readBarrier(ctx context.Context) *pgerror.Error {
	mode, _ := s.settings.get("sqlraft.read_consistency")
	if mode == "stale" {
		return nil
	}
	for attempt := 0; ; attempt++ {
		_, err := s.srv.cfg.Cluster.ReadBarrier(ctx)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return s.convertErr(ctx, err)
		}
		if attempt < 20 && retryableRead(err) {
			select {
			case <-time.After(time.Duration(attempt+1) * 10 * time.Millisecond):
			case <-ctx.Done():
				return s.convertErr(ctx, ctx.Err())
			}
			continue
		}
		return clusterError(err)
	}
}

// rowsResult makes the result of a statement that returned rows.
func rowsResult(p *prepared, cols []fsm.Column, rows [][]fsm.Value, affected int64) *result {
	info := p.tr.Info
	r := &result{hasRows: info.ReturnsRows, cols: cols, rows: rows}
	n := int64(len(rows))
	if info.Returning || !info.ReturnsRows {
		n = affected
	}
	r.tag = info.CompleteTag(n)
	return r
}

// write runs a statement that changes the database: inside the
// transaction, or as one log entry of its own.
func (s *session) write(ctx context.Context, p *prepared, params []fsm.Value) (*result, *pgerror.Error) {
	if s.tx != nil {
		return s.tx.write(ctx, s, p, params)
	}
	if err := s.requireLeader(p); err != nil {
		return nil, err
	}
	if s.settings.readOnlyByDefault() {
		return nil, s.readOnlyError(p)
	}
	stmts := statements(p, params)
	if err := s.srv.cfg.FSM.Validate(stmts); err != nil {
		return nil, pgerror.Convert(err, s.schema)
	}
	release, err := s.srv.gate.acquireShared(ctx)
	if err != nil {
		return nil, s.convertErr(ctx, err)
	}
	defer release()
	cmd := fsm.NewCommand(fsm.Atomic, stmts...)
	res, perr := s.propose(cmd)
	if perr != nil {
		return nil, perr
	}
	if p.tr.Info.Command == dialect.CmdCreate || p.tr.Info.Command == dialect.CmdAlter || p.tr.Info.Command == dialect.CmdDrop {
		s.schema.invalidate()
	}
	return s.entryResult(p, res)
}

// entryResult turns an applied entry's result into the statement's.
func (s *session) entryResult(p *prepared, res *fsm.Result) (*result, *pgerror.Error) {
	if res.Err != nil {
		return nil, pgerror.FromFSM(res.Err, s.schema)
	}
	if len(res.Statements) == 0 {
		return &result{tag: p.tr.Info.CompleteTag(0)}, nil
	}
	// The last statement carries the rows (a translation into several
	// statements returns rows from its last one only); counts add up
	// (TRUNCATE a, b is DELETE FROM a; DELETE FROM b).
	var affected int64
	for _, st := range res.Statements {
		affected += st.RowsAffected
	}
	last := res.Statements[len(res.Statements)-1]
	return rowsResult(p, last.Columns, last.Rows, affected), nil
}

// proposeTimeout bounds how long a write waits for its entry to commit
// and apply. After it the outcome is unknown (08007): the entry may still
// commit.
const proposeTimeout = 30 * time.Second

// propose replicates cmd and waits for its result. It ignores the
// statement's cancellation on purpose: once proposed, a write may commit,
// and the client must learn what happened, not "canceled".
func (s *session) propose(cmd fsm.Command) (*fsm.Result, *pgerror.Error) {
	ctx, cancel := context.WithTimeout(context.Background(), proposeTimeout)
	defer cancel()
	v, err := s.srv.cfg.Cluster.Propose(ctx, cmd.Marshal())
	if err != nil {
		if ctx.Err() != nil && !definiteClusterError(err) {
			return nil, pgerror.New("08007", "the write was proposed but its outcome is unknown after %s (it may still commit): %v", proposeTimeout, err)
		}
		return nil, clusterError(err)
	}
	res, ok := v.(*fsm.Result)
	if !ok || res == nil {
		return nil, pgerror.New("XX000", "the write was applied earlier (replayed entry) and has no result")
	}
	return res, nil
}

// requireLeader refuses writes on a follower, naming the leader.
func (s *session) requireLeader(p *prepared) *pgerror.Error {
	leader, _, who := s.srv.cfg.Cluster.Leadership()
	if leader {
		return nil
	}
	e := pgerror.New("25006", "cannot execute %s on a follower: writes go to the leader", tagVerb(p))
	if who != "" {
		e.Detail = "The leader is " + who + "."
		e.Hint = "Connect to the leader, or list every node in the connection string with target_session_attrs=read-write."
	} else {
		e.Detail = "No leader is known right now (an election may be in progress)."
	}
	return e
}

func (s *session) readOnlyError(p *prepared) *pgerror.Error {
	return pgerror.New("25006", "cannot execute %s in a read-only transaction", tagVerb(p))
}

func tagVerb(p *prepared) string {
	if p.tr.Info.Tag != "" {
		return p.tr.Info.Tag
	}
	return strings.ToUpper(strings.Fields(p.tr.SQL + " statement")[0])
}

// fieldsFor types result columns: the translator's type for an expression
// wins, then SQLite's declared type (for INTEGER, a serial or identity
// key's type from its table's marker, through sc), then the kind of the first non-NULL
// value (when rows are at hand), then text.
func fieldsFor(sc *schemaCache, p *prepared, cols []fsm.Column, rows [][]fsm.Value) []field {
	out := make([]field, len(cols))
	for i, c := range cols {
		f := field{name: c.Name, typ: pgvalue.Type{OID: pgvalue.Text, Size: -1, Modifier: -1}}
		resolved := false
		if i < len(p.tr.ColumnTypes) && p.tr.ColumnTypes[i] != "" {
			if t, ok := pgvalue.FromCanonical(p.tr.ColumnTypes[i]); ok {
				f.typ, resolved = t, true
			}
		}
		if !resolved && c.DeclType == "INTEGER" {
			// A serial or identity key: its marker's type, not int8.
			if t, ok := pgvalue.FromCanonical(sc.integerType(c.Table, c.Origin)); ok {
				f.typ, resolved = t, true
			}
		}
		if !resolved && c.DeclType == "char" && strings.HasPrefix(c.Table, "pg_") {
			// The catalog declares PostgreSQL's internal "char" (relkind,
			// contype, ...); SQLite drops the quotes that tell it from
			// char, which is character(1).
			f.typ, resolved = pgvalue.Type{OID: pgvalue.Char, Size: 1, Modifier: -1}, true
		}
		if !resolved && c.DeclType != "" {
			if t, ok := pgvalue.FromDecl(c.DeclType); ok {
				f.typ, resolved = t, true
			}
		}
		if !resolved {
			for _, r := range rows {
				if i < len(r) && !r[i].IsNull() {
					f.typ = pgvalue.FromKind(r[i].Kind())
					break
				}
			}
		}
		out[i] = f
	}
	return out
}

// describeFields finds the result columns of a statement without running
// it, where it would run: in the transaction, or on a read connection.
func (s *session) describeFields(ctx context.Context, p *prepared) *pgerror.Error {
	if p.described {
		return nil
	}
	info := p.tr.Info
	switch {
	case !info.ReturnsRows:
		p.described = true
		return nil
	case p.tr.SQL == "":
		cols, ok := sessionColumns(p)
		if ok {
			p.fields = fieldsFor(s.schema, p, cols, nil)
			p.described = true
			return nil
		}
		p.described = true
		return nil
	}
	if fn, _, alias, ok := parseAdvisory(p); ok {
		p.fields = fieldsFor(s.schema, p, advisoryResultColumns(fn, alias), nil)
		p.described = true
		return nil
	}
	if _, _, _, ok := parseSetConfig(p); ok {
		p.fields = fieldsFor(s.schema, p, setConfigResult("").cols, nil)
		p.described = true
		return nil
	}
	var d *fsm.Description
	var err error
	switch {
	case s.tx != nil && s.tx.wtx != nil:
		d, err = s.tx.wtx.Describe(ctx, p.tr.SQL)
	case s.tx != nil && s.tx.rtx != nil:
		d, err = s.tx.rtx.Describe(ctx, p.tr.SQL)
	default:
		d, err = s.srv.cfg.FSM.Describe(ctx, p.tr.SQL)
		if err != nil && ctx.Err() == nil {
			// The statement may refer to a table this node has not
			// applied yet (a follower, a moment behind): describe again
			// once the local state is as fresh as reads require.
			if perr := s.readBarrier(ctx); perr == nil {
				d, err = s.srv.cfg.FSM.Describe(ctx, p.tr.SQL)
			}
		}
	}
	if err != nil {
		return s.convertErr(ctx, err)
	}
	p.fields = fieldsFor(s.schema, p, d.Columns, nil)
	p.described = true
	return nil
}

// sessionCommand answers the statements the session handles itself.
func (s *session) sessionCommand(ctx context.Context, p *prepared) (*result, *pgerror.Error) {
	info := p.tr.Info
	switch info.Command {
	case dialect.CmdSet:
		if info.Setting.Local && s.tx == nil {
			return &result{tag: "SET", notices: []*pgerror.Error{warning("25P01", "SET LOCAL can only be used in transaction blocks")}}, nil
		}
		if err := s.settings.set(info.Setting.Name, info.Setting.Value, info.Setting.Default); err != nil {
			return nil, err
		}
		return &result{tag: "SET"}, nil
	case dialect.CmdReset:
		if info.All {
			for k, spec := range paramSpecs {
				if !spec.readOnly {
					_ = s.settings.set(k, "", true)
				}
			}
			return &result{tag: "RESET"}, nil
		}
		if err := s.settings.set(info.Setting.Name, "", true); err != nil {
			return nil, err
		}
		return &result{tag: "RESET"}, nil
	case dialect.CmdShow:
		return s.showCmd(p)
	case dialect.CmdSetTransaction:
		if s.tx != nil {
			s.tx.applyMode(info.Txn)
		} else if strings.Contains(info.Setting.Name, "session") {
			s.applySessionCharacteristics(info.Txn)
		} else {
			return &result{tag: "SET", notices: []*pgerror.Error{warning("25P01", "SET TRANSACTION can only be used in transaction blocks")}}, nil
		}
		return &result{tag: "SET"}, nil
	case dialect.CmdDiscard:
		if info.All && s.tx != nil && !s.tx.implicit {
			return nil, pgerror.New("25001", "DISCARD ALL cannot run inside a transaction block")
		}
		if info.All || strings.EqualFold(info.Name, "plans") {
			if info.All {
				for k, spec := range paramSpecs {
					if !spec.readOnly {
						_ = s.settings.set(k, "", true)
					}
				}
			}
			s.stmts = map[string]*prepared{}
			s.portals = map[string]*portal{}
		}
		return &result{tag: "DISCARD " + strings.ToUpper(orDefault(info.Name, "ALL"))}, nil
	case dialect.CmdDeallocate:
		if info.All {
			s.stmts = map[string]*prepared{}
		} else {
			if _, ok := s.stmts[info.Name]; !ok {
				return nil, pgerror.New("26000", "prepared statement %q does not exist", info.Name)
			}
			delete(s.stmts, info.Name)
		}
		return &result{tag: "DEALLOCATE" + map[bool]string{true: " ALL"}[info.All]}, nil
	case dialect.CmdLock:
		// run took the lock: the transaction holds the write gate.
		return &result{tag: info.Tag}, nil
	case dialect.CmdVacuum, dialect.CmdAnalyze, dialect.CmdCheckpoint:
		// SQLite needs none of these for correctness; accept them so
		// tools (pgbench) that send them carry on.
		return &result{tag: info.Tag}, nil
	case dialect.CmdComment, dialect.CmdGrant, dialect.CmdRevoke:
		return &result{tag: info.Tag, notices: []*pgerror.Error{warning("01000", "%s is accepted and ignored: sqlraft has no object comments or privileges yet", info.Tag)}}, nil
	case dialect.CmdCreate, dialect.CmdAlter, dialect.CmdDrop:
		switch info.Object {
		case "ROLE", "USER", "GROUP":
			return s.roleCommand(ctx, p)
		case "SCHEMA":
			return schemaCommand(p)
		case "DATABASE":
			return nil, pgerror.New("0A000", "sqlraft has one database per cluster; %s DATABASE is not supported", info.Tag[:strings.IndexByte(info.Tag+" ", ' ')])
		}
	}
	if info.Command == dialect.CmdCopy {
		return nil, pgerror.New("0A000", "COPY is supported in the simple query protocol only (as psql, psycopg2 and pgx send it)")
	}
	return nil, pgerror.New("0A000", "%s is not supported by sqlraft", orDefault(info.Tag, info.Command.String()))
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

func warning(code, format string, args ...any) *pgerror.Error {
	e := pgerror.New(code, format, args...)
	e.Severity = "WARNING"
	return e
}

// schemaCommand accepts what is true of sqlraft's one schema and refuses
// other schemas the way PostgreSQL refuses what it cannot do.
func schemaCommand(p *prepared) (*result, *pgerror.Error) {
	info := p.tr.Info
	name := strings.ToLower(info.Name)
	switch info.Command {
	case dialect.CmdCreate:
		if name == "public" {
			if !hasWords(p.sql, "if", "not", "exists") {
				return nil, pgerror.New("42P06", "schema %q already exists", name)
			}
			return &result{tag: "CREATE SCHEMA", notices: []*pgerror.Error{notice("42P06", "schema %q already exists, skipping", name)}}, nil
		}
		return nil, pgerror.New("0A000", "sqlraft has only the schema \"public\"; CREATE SCHEMA %s is not supported", info.Name)
	case dialect.CmdDrop:
		return nil, pgerror.New("0A000", "DROP SCHEMA is not supported: sqlraft has only the schema \"public\"")
	}
	return nil, pgerror.New("0A000", "ALTER SCHEMA is not supported")
}

func notice(code, format string, args ...any) *pgerror.Error {
	e := pgerror.New(code, format, args...)
	e.Severity = "NOTICE"
	return e
}

// showCmd answers SHOW name and SHOW ALL.
func (s *session) showCmd(p *prepared) (*result, *pgerror.Error) {
	info := p.tr.Info
	if info.All {
		var rows [][]fsm.Value
		for _, kv := range s.settings.all() {
			rows = append(rows, []fsm.Value{fsm.TextValue(kv[0]), fsm.TextValue(kv[1]), fsm.TextValue("")})
		}
		return &result{hasRows: true, cols: []fsm.Column{{Name: "name", DeclType: "text"}, {Name: "setting", DeclType: "text"}, {Name: "description", DeclType: "text"}}, rows: rows, tag: "SHOW"}, nil
	}
	name := info.Setting.Name
	v, ok := s.showValue(name)
	if !ok {
		return nil, pgerror.New("42704", "unrecognized configuration parameter %q", name)
	}
	return &result{hasRows: true, cols: showColumns(name), rows: [][]fsm.Value{{fsm.TextValue(v)}}, tag: "SHOW"}, nil
}

func (s *session) showValue(name string) (string, bool) {
	switch strings.ToLower(name) {
	case "transaction_read_only":
		if s.tx != nil {
			return onOff(s.tx.readOnly), true
		}
		return s.settings.get("default_transaction_read_only")
	case "transaction_isolation":
		if s.tx != nil && s.tx.isolation != "" {
			return s.tx.isolation, true
		}
		return s.settings.get("default_transaction_isolation")
	}
	return s.settings.get(name)
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

func showColumns(name string) []fsm.Column {
	col := strings.ToLower(name)
	if p, ok := paramSpecs[col]; ok {
		col = strings.ToLower(p.name)
	}
	return []fsm.Column{{Name: col, DeclType: "text"}}
}

// sessionColumns are the result columns of a session command.
func sessionColumns(p *prepared) ([]fsm.Column, bool) {
	if p.tr.Info.Command != dialect.CmdShow {
		return nil, false
	}
	if p.tr.Info.All {
		return []fsm.Column{{Name: "name", DeclType: "text"}, {Name: "setting", DeclType: "text"}, {Name: "description", DeclType: "text"}}, true
	}
	return showColumns(p.tr.Info.Setting.Name), true
}

func (s *session) applySessionCharacteristics(m dialect.TxnMode) {
	if m.Isolation != "" {
		_ = s.settings.set("default_transaction_isolation", m.Isolation, false)
	}
	if m.ReadOnly != nil {
		_ = s.settings.set("default_transaction_read_only", onOff(*m.ReadOnly), false)
	}
}

// clusterError maps a node error to its SQLSTATE.
func clusterError(err error) *pgerror.Error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "no leader"):
		return pgerror.New("57P03", "no leader is known right now; retry shortly (%v)", err)
	case strings.Contains(msg, "stopped"):
		return pgerror.New("57P01", "the node is shutting down (%v)", err)
	case strings.Contains(msg, "outcome is unknown"):
		e := pgerror.New("08007", "the write's outcome is unknown: it may or may not have committed")
		e.Detail = msg
		return e
	case strings.Contains(msg, "dropped"), strings.Contains(msg, "leadership changed"):
		e := pgerror.New("40001", "the write was not committed because leadership changed; retry the transaction")
		e.Detail = msg
		return e
	}
	return pgerror.New("XX000", "%v", err)
}

// definiteClusterError reports whether err says the write certainly did
// not commit.
func definiteClusterError(err error) bool {
	msg := err.Error()
	return !strings.Contains(msg, "outcome is unknown") && (strings.Contains(msg, "dropped") || strings.Contains(msg, "no leader"))
}

func retryableRead(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "leadership changed") || strings.Contains(msg, "no leader")
}

// hasWords reports whether the statement's words (identifiers and
// keywords, outside strings and comments) include the given run, such as
// IF NOT EXISTS.
func hasWords(sql string, run ...string) bool {
	toks, err := dialect.Lex(sql)
	if err != nil {
		return false
	}
	var words []string
	for _, t := range toks {
		if t.Kind == dialect.Ident {
			words = append(words, strings.ToLower(t.Text))
		}
	}
	for i := 0; i+len(run) <= len(words); i++ {
		if slices.Equal(words[i:i+len(run)], run) {
			return true
		}
	}
	return false
}
