package dialect

import (
	"sort"
	"strconv"
	"strings"
)

// Options are the session values that replace the functions the session
// answers itself (version(), current_user, ...). The zero value is usable:
// empty names stay empty strings and Schema defaults to "public".
type Options struct {
	Database      string // current_database(), current_catalog
	User          string // current_user, session_user, user, current_role
	Schema        string // current_schema(); "" means "public"
	ServerVersion string // the whole text version() returns
	BackendPID    int    // pg_backend_pid()
	InRecovery    bool   // pg_is_in_recovery(): true on a follower
	ServerAddr    string // inet_server_addr(); "" gives NULL (a Unix socket)
	ServerPort    int    // inet_server_port(); 0 gives NULL
	ClientAddr    string // inet_client_addr(); "" gives NULL
	ClientPort    int    // inet_client_port(); 0 gives NULL
	// Setting answers current_setting('name') with a constant name; nil,
	// or false for a name, leaves current_setting(...) untranslated.
	Setting func(name string) (string, bool)
	// ColumnType returns the canonical PostgreSQL type of table.column (as
	// CanonicalType spells it: "integer", "timestamp with time zone"), or
	// "" if unknown. table is as written in the statement, without its
	// schema, unquoted or folded. It types column references for
	// Result.ColumnTypes and ParamTypes; nil means no schema knowledge.
	ColumnType func(table, column string) string
	// TableColumns returns the columns of table in order, or nil if
	// unknown. Optional: it types the parameters of INSERT without a
	// column list, and lets a subquery's unqualified column resolve in the
	// enclosing query when none of the subquery's tables has it.
	TableColumns func(table string) []string
}

// Result is a statement translated for SQLite.
type Result struct {
	// SQL is the statement for SQLite, or "" when the session answers the
	// statement itself (SET, SHOW, LISTEN, roles, schemas, VACUUM, ...:
	// see Info.Command) or the statement is empty.
	SQL string
	// Statements is SQL as separate statements when the translation needs
	// several (TRUNCATE a, b; DROP TABLE a, b; ALTER TABLE with several
	// actions); otherwise SQL alone, or nothing when SQL is "".
	Statements []string
	// ParamCount is the highest $n used; parameters become ?n, so SQLite
	// binds them by number.
	ParamCount int
	// ParamHints maps a parameter number to the canonical type name of
	// the cast applied to it ($1::int, CAST($1 AS text)): "integer",
	// "text", "timestamp with time zone", "integer[]".
	ParamHints map[int]string
	// Casts records every cast in the statement and what became of it.
	Casts []Cast
	// Columns lists the columns a CREATE TABLE or ALTER TABLE ADD COLUMN
	// defines, with PostgreSQL's type for each (needed where SQLite forces
	// another declared type: serial and identity primary keys become
	// INTEGER).
	Columns []Column
	// ColumnTypes has one entry per result column of a statement that
	// returns rows (the top-level SELECT list, VALUES, RETURNING): the
	// canonical PostgreSQL type of the expression ("bigint" for count(*),
	// "boolean" for a comparison), or "" for a plain column reference
	// (SQLite reports its declared type) and for what cannot be told. It
	// is nil when the statement returns no rows, when a result item is *
	// or t.* (the entries could not be lined up with SQLite's columns),
	// and when the typer does not find the result list.
	ColumnTypes []string
	// ParamTypes maps parameter numbers to the canonical type inferred
	// from their context (id = $1, LIMIT $1, INSERT ... VALUES ($1),
	// lower($1)), for parameters without a cast: ParamHints holds those
	// and wins. Parameters whose type cannot be told are absent.
	ParamTypes map[int]string
	Info       Info
}

// Cast is one cast found in the statement.
type Cast struct {
	Pos   int    // byte offset of the cast (the :: or CAST or type name) in the statement
	Type  string // canonical target type ("integer", "regclass", "text[]")
	Param int    // the parameter cast, or 0
	// Kept is true when the translation still converts the value
	// (CAST(x AS INTEGER), date(x), a constant folded to the type);
	// false when the cast was dropped.
	Kept bool
}

// Column is a column defined by CREATE TABLE or ALTER TABLE ADD COLUMN.
type Column struct {
	Table string // as written, schema prefix removed
	Name  string
	Type  string // canonical PostgreSQL type ("integer" for serial, "bigint" for bigserial)
	Decl  string // the declared type given to SQLite
}

// Translate rewrites one PostgreSQL statement for SQLite and describes it.
// sql may end with a semicolon and may be empty or only comments (then the
// Result is empty with Info.Command CmdEmpty); two statements are an error,
// as in PostgreSQL's extended protocol. Errors are *Error values with a
// SQLSTATE: syntax errors (42601), invalid constants (22P02, 22021) and
// constructs whose meaning SQLite would silently change (0A000). Anything
// else that is not understood is passed through, so SQLite reports it.
// Positions in errors and in Result.Casts are byte offsets in sql (add
// Statement.Pos for a statement that came from Split). The rules are
// listed in DESIGN.md beside this file.
func Translate(sql string, opts Options) (Result, error) {
	all, err := Lex(sql)
	if err != nil {
		return Result{}, err
	}
	toks := significant(all)
	for i, t := range toks {
		if t.IsOp(";") {
			if i != len(toks)-1 {
				for _, u := range toks[i+1:] {
					if !u.IsOp(";") {
						return Result{}, errorf(CodeMultipleCommands, u.Pos,
							"cannot insert multiple commands into a prepared statement")
					}
				}
			}
			all, toks = trimAt(all, t.Pos), toks[:i]
			break
		}
	}
	info, err := classify(toks, sql, 0)
	if err != nil {
		return Result{Info: info}, err
	}
	if err := balanced(toks); err != nil {
		return Result{Info: info}, err
	}
	res := Result{Info: info}
	if info.Command == CmdEmpty || sessionHandled(info) {
		return res, nil
	}
	tr := newTranslator(sql, all, toks, opts, &res)
	stmts, err := tr.statement()
	if err != nil {
		return Result{Info: info}, err
	}
	res.Statements = stmts
	res.SQL = strings.Join(stmts, ";\n")
	return res, nil
}

// balanced checks that parentheses and brackets pair up, as PostgreSQL's
// grammar requires; the rewrites rely on it.
func balanced(toks []Token) error {
	var open []Token
	for _, t := range toks {
		if t.Kind != Punct {
			continue
		}
		switch t.Text {
		case "(", "[":
			open = append(open, t)
		case ")", "]":
			if len(open) == 0 || open[len(open)-1].Text == "(" != (t.Text == ")") {
				return syntaxError(t)
			}
			open = open[:len(open)-1]
		}
	}
	if len(open) > 0 {
		return syntaxError(Token{Pos: toks[len(toks)-1].Pos + len(toks[len(toks)-1].Text)})
	}
	return nil
}

// trimAt drops the tokens from byte offset pos on.
func trimAt(all []Token, pos int) []Token {
	for i, t := range all {
		if t.Pos >= pos {
			return all[:i]
		}
	}
	return all
}

// sessionHandled reports statements that never reach SQLite: the session
// answers them from its own state or treats them as no-ops.
func sessionHandled(info Info) bool {
	switch info.Command {
	case CmdSet, CmdReset, CmdShow, CmdDiscard, CmdDeallocate, CmdPrepare, CmdExecute, CmdCopy,
		CmdListen, CmdUnlisten, CmdNotify, CmdAnalyze, CmdVacuum, CmdLock, CmdCheckpoint,
		CmdComment, CmdGrant, CmdRevoke, CmdSetTransaction:
		return true
	case CmdCreate, CmdAlter, CmdDrop:
		switch info.Object {
		case "SCHEMA", "ROLE", "DATABASE":
			return true
		}
	}
	return false
}

// affix is text inserted before or after a token for a rewrite that spans
// the tokens from start to end; nesting is recovered from the spans.
type affix struct {
	text       string
	start, end int
	seq        int
}

type translator struct {
	opts   Options
	src    string
	toks   []Token  // significant tokens
	gaps   []string // whitespace before each token, comments replaced by a space
	out    []string // replacement text of each token
	lazy   map[int]func() string
	pre    [][]affix
	post   [][]affix
	hidden []int  // non-zero: emitted only through the lazy text of clause hidden[i]
	done   []bool // rewritten as part of an earlier rule; the main loop skips it
	seq    int
	nextID int
	res    *Result

	// tail is text appended to the statement (selectUnnest's FROM).
	tail       []func() string
	unnestTail bool

	// after is text emitted after a token and its rewrites (the FROM item
	// selectExpand adds); expands is set when the statement calls
	// _pg_expandarray.
	after   map[int][]func() string
	expands bool

	// targets maps string constants (token indexes) to the type of the
	// column they meet (coerce.go).
	targets map[int]string
	// dateOps is the date arithmetic (and exponentiation) the typer found
	// (datearith.go); powers are the ^ operators waiting for it.
	dateOps []dateOp
	powers  map[int]bool
	typeofs []typeofCall
}

func newTranslator(src string, all, toks []Token, opts Options, res *Result) *translator {
	tr := &translator{opts: opts, src: src, toks: toks, res: res, lazy: map[int]func() string{}}
	n := len(toks)
	tr.gaps, tr.out = make([]string, n), make([]string, n)
	tr.pre, tr.post = make([][]affix, n), make([][]affix, n)
	tr.hidden, tr.done = make([]int, n), make([]bool, n)
	for _, t := range toks {
		if isName(t) && len(t.Text) >= len("_pg_expandarray") {
			if v, _ := t.Value(); v == "_pg_expandarray" {
				tr.expands = true
			}
		}
	}
	j := 0
	var gap strings.Builder
	for _, t := range all {
		if t.Significant() {
			if j < n {
				tr.gaps[j] = gap.String()
				tr.out[j] = t.Text
			}
			gap.Reset()
			j++
			continue
		}
		if t.Kind == Whitespace {
			gap.WriteString(strings.ReplaceAll(t.Text, "\v", " "))
		} else {
			gap.WriteByte(' ')
		}
	}
	return tr
}

// wrap puts open before token s and close after token e.
func (tr *translator) wrap(s, e int, open, close string) {
	tr.seq++
	if open != "" {
		tr.pre[s] = append(tr.pre[s], affix{open, s, e, tr.seq})
	}
	if close != "" {
		tr.post[e] = append(tr.post[e], affix{close, s, e, tr.seq})
	}
}

// insertAfter emits text after token k and the rewrites around it.
func (tr *translator) insertAfter(k int, text func() string) {
	if tr.after == nil {
		tr.after = map[int][]func() string{}
	}
	tr.after[k] = append(tr.after[k], text)
}

// replace makes tokens s..e (inclusive) read as text, and marks them done.
func (tr *translator) replace(s, e int, text string) {
	tr.out[s] = text
	tr.done[s] = true
	for k := s + 1; k <= e; k++ {
		tr.out[k] = ""
		tr.done[k] = true
	}
}

// render emits tokens lo..hi-1 as SQLite text; tokens hidden by another
// clause than id are left out.
func (tr *translator) render(lo, hi, id int) string {
	var b strings.Builder
	pending := ""
	for i := lo; i < hi; i++ {
		if h := tr.hidden[i]; h != 0 && h != id {
			continue
		}
		piece := tr.piece(i)
		if piece == "" {
			// A dropped token: its space goes to the next token, unless
			// that one has its own.
			if pending == "" && i > lo {
				pending = tr.gaps[i]
			}
			continue
		}
		if i > lo {
			gap := tr.gaps[i]
			if gap == "" && !strings.ContainsRune("),;.", rune(piece[0])) {
				gap = pending
			}
			appendPiece(&b, gap)
		}
		pending = ""
		appendPiece(&b, piece)
	}
	return b.String()
}

// piece is the text of token i with the text rewrites put around it,
// outermost first.
func (tr *translator) piece(i int) string {
	var b strings.Builder
	pre := append([]affix(nil), tr.pre[i]...)
	sort.SliceStable(pre, func(a, c int) bool {
		if pre[a].end != pre[c].end {
			return pre[a].end > pre[c].end
		}
		return pre[a].seq < pre[c].seq
	})
	for _, a := range pre {
		appendPiece(&b, a.text)
	}
	if f := tr.lazy[i]; f != nil {
		appendPiece(&b, f())
	} else {
		appendPiece(&b, tr.out[i])
	}
	post := append([]affix(nil), tr.post[i]...)
	sort.SliceStable(post, func(a, c int) bool {
		if post[a].start != post[c].start {
			return post[a].start > post[c].start
		}
		return post[a].seq > post[c].seq
	})
	for _, a := range post {
		appendPiece(&b, a.text)
	}
	for _, f := range tr.after[i] {
		appendPiece(&b, f())
	}
	return b.String()
}

// appendPiece appends s, adding a space where the two pieces would
// otherwise run together into a different token.
func appendPiece(b *strings.Builder, s string) {
	if s == "" {
		return
	}
	cur := b.String()
	if cur != "" && s[0] == ' ' {
		switch cur[len(cur)-1] {
		case ' ', '\n', '\t', '(':
			s = strings.TrimLeft(s, " ")
			if s == "" {
				return
			}
		}
	}
	if cur != "" {
		x, y := cur[len(cur)-1], s[0]
		if isIdentCont(x) && (isIdentCont(y) || y == '\'' || y == '"') ||
			isOpChar(x) && isOpChar(y) || x == '\'' && y == '\'' || x == '"' && y == '"' ||
			x == '?' && isDigit(y) || x == '.' && isDigit(y) || isDigit(x) && y == '.' {
			b.WriteByte(' ')
		}
	}
	b.WriteString(s)
}

// statement translates the whole statement into one or more SQLite
// statements.
func (tr *translator) statement() ([]string, error) {
	info := tr.res.Info
	switch info.Command {
	case CmdBegin:
		return []string{"BEGIN"}, nil
	case CmdCommit:
		if info.Chain {
			return nil, unsupported(tr.toks[0].Pos, "COMMIT AND CHAIN is not supported")
		}
		return []string{"COMMIT"}, nil
	case CmdRollback:
		if info.Chain {
			return nil, unsupported(tr.toks[0].Pos, "ROLLBACK AND CHAIN is not supported")
		}
		return []string{"ROLLBACK"}, nil
	case CmdSavepoint:
		return []string{"SAVEPOINT " + quoteIdent(info.Name)}, nil
	case CmdRelease:
		return []string{"RELEASE SAVEPOINT " + quoteIdent(info.Name)}, nil
	case CmdRollbackTo:
		return []string{"ROLLBACK TO SAVEPOINT " + quoteIdent(info.Name)}, nil
	case CmdTruncate:
		return tr.truncate()
	case CmdExplain:
		return tr.explain()
	case CmdCreate:
		if info.Object == "TABLE" {
			if err := tr.createTable(); err != nil {
				return nil, err
			}
		}
		if err := tr.createCommon(); err != nil {
			return nil, err
		}
		if info.Object == "VIEW" && tr.toks[1].Is("or") && len(tr.toks) > 4 && tr.toks[2].Is("replace") && tr.toks[3].Is("view") {
			return tr.replaceView()
		}
	case CmdAlter:
		if info.Object == "TABLE" {
			return tr.alterTable()
		}
	case CmdDrop:
		return tr.drop()
	case CmdSelect:
		if tr.toks[0].Is("table") { // TABLE t is SELECT * FROM t
			tr.replace(0, 0, "SELECT * FROM")
		}
	}
	if err := tr.exprs(0, len(tr.toks)); err != nil {
		return nil, err
	}
	// Typing also finds the string constants that meet typed columns.
	tr.types()
	if err := tr.coerceLiterals(); err != nil {
		return nil, err
	}
	if err := tr.rewriteDateArith(); err != nil {
		return nil, err
	}
	for _, c := range tr.typeofs {
		tr.replace(c.name, c.close, quoteString(c.typ))
	}
	switch info.Command {
	case CmdSelect, CmdInsert, CmdUpdate, CmdDelete:
		tr.nameColumns()
	}
	out := trimSpace(tr.render(0, len(tr.toks), 0))
	for _, f := range tr.tail {
		out += f()
	}
	return []string{out}, nil
}

// explain turns EXPLAIN [options] stmt into EXPLAIN QUERY PLAN stmt.
func (tr *translator) explain() ([]string, error) {
	if tr.res.Info.Analyze {
		return nil, unsupported(tr.toks[0].Pos, "EXPLAIN ANALYZE is not supported")
	}
	inner := tr.res.Info.Inner
	if inner == nil || inner.Command == CmdEmpty {
		return nil, syntaxError(Token{Pos: len(tr.src)})
	}
	var body []Token
	for i := 1; i < len(tr.toks); i++ {
		if isMainVerb(tr.toks[i]) || tr.toks[i].Is("with") {
			body = tr.toks[i:]
			break
		}
	}
	if len(body) == 0 {
		return nil, syntaxError(tr.toks[0])
	}
	sub, err := Translate(tr.src[body[0].Pos:], tr.opts)
	if err != nil {
		return nil, err
	}
	tr.res.ParamCount, tr.res.ParamHints, tr.res.Casts = sub.ParamCount, sub.ParamHints, sub.Casts
	tr.res.ParamTypes = sub.ParamTypes
	if len(sub.Statements) != 1 {
		return nil, unsupported(body[0].Pos, "EXPLAIN of this statement is not supported")
	}
	return []string{"EXPLAIN QUERY PLAN " + sub.SQL}, nil
}

func (tr *translator) param(i int) error {
	t := tr.toks[i]
	n, err := strconv.Atoi(t.Text[1:])
	if err != nil || n < 1 || n > 65535 {
		return errorf(CodeUndefinedParam, t.Pos, "there is no parameter %s", t.Text)
	}
	tr.res.ParamCount = max(tr.res.ParamCount, n)
	tr.out[i] = "?" + strconv.Itoa(n)
	return nil
}

// hint records the type of a parameter's first cast. PostgreSQL types the
// parameter from the first cast too; later casts convert it.
func (tr *translator) hint(n int, typ string) {
	if tr.res.ParamHints == nil {
		tr.res.ParamHints = map[int]string{}
	}
	if _, ok := tr.res.ParamHints[n]; !ok {
		tr.res.ParamHints[n] = typ
	}
}
