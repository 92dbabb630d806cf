package dialect

import (
	"strconv"
	"strings"
)

// Command is what a statement does, as far as the front end needs to know.
type Command uint8

// Commands. CREATE, ALTER, DROP and COMMENT ON carry the object kind in
// Info.Object ("TABLE", "INDEX", "SCHEMA", "ROLE", ...).
const (
	CmdOther Command = iota // anything not listed; treated as a write
	CmdEmpty                // only whitespace and comments
	CmdSelect
	CmdValues
	CmdInsert
	CmdUpdate
	CmdDelete
	CmdMerge
	CmdCreate
	CmdAlter
	CmdDrop
	CmdTruncate
	CmdComment
	CmdGrant
	CmdRevoke
	CmdBegin      // BEGIN and START TRANSACTION; modes in Info.Txn
	CmdCommit     // COMMIT and END
	CmdRollback   // ROLLBACK and ABORT
	CmdSavepoint  // SAVEPOINT Info.Name
	CmdRelease    // RELEASE [SAVEPOINT] Info.Name
	CmdRollbackTo // ROLLBACK TO [SAVEPOINT] Info.Name
	CmdSetTransaction
	CmdSet
	CmdReset
	CmdShow
	CmdDiscard
	CmdDeallocate
	CmdPrepare
	CmdExecute
	CmdCopy
	CmdListen
	CmdUnlisten
	CmdNotify
	CmdExplain
	CmdAnalyze
	CmdVacuum
	CmdLock
	CmdCheckpoint
	CmdDo
	CmdCall
)

var commandNames = [...]string{
	CmdOther: "OTHER", CmdEmpty: "EMPTY", CmdSelect: "SELECT", CmdValues: "VALUES",
	CmdInsert: "INSERT", CmdUpdate: "UPDATE", CmdDelete: "DELETE", CmdMerge: "MERGE",
	CmdCreate: "CREATE", CmdAlter: "ALTER", CmdDrop: "DROP", CmdTruncate: "TRUNCATE",
	CmdComment: "COMMENT", CmdGrant: "GRANT", CmdRevoke: "REVOKE", CmdBegin: "BEGIN",
	CmdCommit: "COMMIT", CmdRollback: "ROLLBACK", CmdSavepoint: "SAVEPOINT",
	CmdRelease: "RELEASE", CmdRollbackTo: "ROLLBACK TO", CmdSetTransaction: "SET TRANSACTION",
	CmdSet: "SET", CmdReset: "RESET", CmdShow: "SHOW", CmdDiscard: "DISCARD",
	CmdDeallocate: "DEALLOCATE", CmdPrepare: "PREPARE", CmdExecute: "EXECUTE", CmdCopy: "COPY",
	CmdListen: "LISTEN", CmdUnlisten: "UNLISTEN", CmdNotify: "NOTIFY", CmdExplain: "EXPLAIN",
	CmdAnalyze: "ANALYZE", CmdVacuum: "VACUUM", CmdLock: "LOCK", CmdCheckpoint: "CHECKPOINT",
	CmdDo: "DO", CmdCall: "CALL",
}

func (c Command) String() string {
	if int(c) < len(commandNames) {
		return commandNames[c]
	}
	return "Command(" + strconv.Itoa(int(c)) + ")"
}

// Info describes a statement for the session: what it is, whether it can
// change the replicated database, and the details of the statements the
// session answers itself.
type Info struct {
	Command Command
	Object  string // CREATE/ALTER/DROP/COMMENT ON: "TABLE", "INDEX", "VIEW", "SCHEMA", "ROLE" (also for USER), ...
	// Tag is the verb of PostgreSQL's CommandComplete tag ("SELECT",
	// "INSERT", "CREATE TABLE", "START TRANSACTION"); see CompleteTag. It
	// is empty for EXECUTE (the executed statement's tag applies) and for
	// empty statements.
	Tag string
	// Writes is true when running the statement can change the replicated
	// database: DML, DDL, roles, COPY FROM, SELECT INTO, a WITH whose CTEs
	// modify data, and anything unrecognised. Session and transaction
	// control statements have Writes false.
	Writes      bool
	ReturnsRows bool // SELECT (not INTO), VALUES, TABLE, SHOW, EXPLAIN, ... RETURNING
	Returning   bool // INSERT/UPDATE/DELETE/MERGE ... RETURNING
	Locking     bool // FOR UPDATE / FOR SHARE (the translation drops the clause) or LOCK TABLE
	Analyze     bool // EXPLAIN ANALYZE
	Chain       bool // COMMIT/ROLLBACK AND CHAIN
	All         bool // DEALLOCATE ALL, DISCARD ALL, RESET ALL, SHOW ALL, UNLISTEN *

	// Name is the single name a statement is about: savepoint, prepared
	// statement, channel, DISCARD target, role, schema or database.
	Name string
	// Names lists the objects of DROP, TRUNCATE and LOCK (schema prefixes
	// as written).
	Names   []string
	Payload string   // NOTIFY payload
	Args    []string // EXECUTE arguments, as SQL text
	// ParamTypes are PREPARE's declared parameter types (canonical names).
	ParamTypes []string
	Body       string // PREPARE: the text of the prepared statement
	Inner      *Info  // EXPLAIN: the explained statement; PREPARE: the prepared one

	Txn     TxnMode   // BEGIN, START TRANSACTION, SET TRANSACTION, SET SESSION CHARACTERISTICS
	Setting Setting   // SET, RESET, SHOW
	Role    *RoleSpec // CREATE/ALTER ROLE or USER
	Copy    *CopySpec // COPY

	// Functions lists the functions the statement calls, lower case,
	// without schema, each once, in order of first appearance (best
	// effort: a name followed by a parenthesis that is not a table or
	// column list). The session uses it to spot pg_advisory_lock,
	// set_config, nextval and friends.
	Functions []string
}

// CompleteTag returns the CommandComplete tag for a statement that affected
// or returned rows rows: "INSERT 0 n", "SELECT n", "UPDATE n", "DELETE n",
// "MERGE n", "COPY n", and the bare verb for everything else.
func (i Info) CompleteTag(rows int64) string {
	switch i.Tag {
	case "INSERT":
		return "INSERT 0 " + strconv.FormatInt(rows, 10)
	case "SELECT", "UPDATE", "DELETE", "MERGE", "COPY", "FETCH", "MOVE":
		return i.Tag + " " + strconv.FormatInt(rows, 10)
	}
	return i.Tag
}

// Classify describes the statement made of toks (whitespace and comments
// may be included). It never fails: a statement it cannot make sense of is
// CmdOther with Writes set. Translate reports syntax errors in the
// statements the session answers (for example a bad BEGIN mode).
func Classify(toks []Token) Info {
	src, base := joinTokens(toks)
	info, _ := classify(significant(toks), src, base)
	return info
}

// joinTokens rebuilds the source text of contiguous tokens and the offset
// it starts at.
func joinTokens(toks []Token) (string, int) {
	if len(toks) == 0 {
		return "", 0
	}
	var b strings.Builder
	for _, t := range toks {
		b.WriteString(t.Text)
	}
	return b.String(), toks[0].Pos
}

// classify works on significant tokens; src (starting at offset base) is
// the text they come from, used to quote PREPARE bodies and EXECUTE
// arguments.
func classify(toks []Token, src string, base int) (Info, error) {
	if len(toks) > 0 && toks[len(toks)-1].IsOp(";") {
		toks = toks[:len(toks)-1]
	}
	if len(toks) == 0 {
		return Info{Command: CmdEmpty}, nil
	}
	c := &cursor{toks: toks, end: toks[len(toks)-1].Pos + len(toks[len(toks)-1].Text), src: src, base: base}
	info, err := classifyCommand(c)
	info.Functions = functionsCalled(toks)
	return info, err
}

func classifyCommand(c *cursor) (Info, error) {
	t := c.peek()
	verb := strings.ToLower(t.Text)
	if t.Kind != Ident {
		if t.IsOp("(") { // (SELECT ...) UNION ...
			return queryInfo(c.toks, CmdSelect), nil
		}
		return Info{Command: CmdOther, Tag: strings.ToUpper(t.Text), Writes: true}, nil
	}
	switch verb {
	case "select", "table":
		return queryInfo(c.toks, CmdSelect), nil
	case "values":
		return queryInfo(c.toks, CmdValues), nil
	case "with":
		return withInfo(c), nil
	case "insert", "update", "delete", "merge":
		return dmlInfo(c.toks, verb), nil
	case "create", "alter", "drop":
		return ddlInfo(c), nil
	case "truncate":
		c.next()
		c.accept("table")
		return Info{Command: CmdTruncate, Tag: "TRUNCATE TABLE", Writes: true, Names: nameList(c)}, nil
	case "comment":
		c.next()
		c.accept("on")
		return Info{Command: CmdComment, Tag: "COMMENT", Writes: true, Object: objectWords(c)}, nil
	case "grant", "revoke":
		cmd := CmdGrant
		if verb == "revoke" {
			cmd = CmdRevoke
		}
		return Info{Command: cmd, Tag: strings.ToUpper(verb), Writes: true}, nil
	case "begin", "start", "commit", "end", "abort", "rollback", "savepoint", "release":
		return txnInfo(c)
	case "set", "reset", "show":
		return settingInfo(c)
	case "discard":
		c.next()
		w := strings.ToLower(c.next().Text)
		if w == "temporary" {
			w = "temp"
		}
		switch w {
		case "all", "plans", "sequences", "temp":
		default:
			return Info{Command: CmdDiscard}, syntaxError(c.peekAt(-1))
		}
		return Info{Command: CmdDiscard, Tag: "DISCARD " + strings.ToUpper(w), Name: w, All: w == "all"}, nil
	case "deallocate":
		c.next()
		c.accept("prepare")
		if c.accept("all") {
			return Info{Command: CmdDeallocate, Tag: "DEALLOCATE ALL", All: true}, nil
		}
		n, ok := c.name()
		if !ok {
			return Info{Command: CmdDeallocate, Tag: "DEALLOCATE"}, syntaxError(c.peek())
		}
		return Info{Command: CmdDeallocate, Tag: "DEALLOCATE", Name: n}, nil
	case "prepare":
		return prepareInfo(c)
	case "execute":
		return executeInfo(c)
	case "copy":
		return copyInfo(c)
	case "listen", "unlisten", "notify":
		return channelInfo(c, verb)
	case "explain":
		return explainInfo(c)
	case "analyze", "analyse":
		return Info{Command: CmdAnalyze, Tag: "ANALYZE"}, nil
	case "vacuum":
		return Info{Command: CmdVacuum, Tag: "VACUUM"}, nil
	case "lock":
		c.next()
		c.accept("table")
		return Info{Command: CmdLock, Tag: "LOCK TABLE", Locking: true, Names: nameList(c)}, nil
	case "checkpoint":
		return Info{Command: CmdCheckpoint, Tag: "CHECKPOINT"}, nil
	case "do":
		return Info{Command: CmdDo, Tag: "DO", Writes: true}, nil
	case "call":
		return Info{Command: CmdCall, Tag: "CALL", Writes: true}, nil
	}
	return Info{Command: CmdOther, Tag: strings.ToUpper(verb), Writes: true}, nil
}

// queryInfo classifies SELECT, VALUES and TABLE, which read unless they
// carry SELECT INTO.
func queryInfo(toks []Token, cmd Command) Info {
	info := Info{Command: cmd, Tag: "SELECT", ReturnsRows: true}
	depth := 0
	for i, t := range toks {
		switch {
		case t.IsOp("(") || t.IsOp("["):
			depth++
		case t.IsOp(")") || t.IsOp("]"):
			depth--
		case t.Is("into") && depth == 0 && cmd == CmdSelect:
			info.Writes, info.ReturnsRows, info.Object = true, false, "TABLE"
		case t.Is("for") && i+1 < len(toks) && isLockStrength(toks[i+1:]):
			info.Locking = true
		}
	}
	return info
}

func isLockStrength(rest []Token) bool {
	return rest[0].Is("update") || rest[0].Is("share") ||
		len(rest) > 1 && (rest[0].Is("no") && rest[1].Is("key") || rest[0].Is("key") && rest[1].Is("share"))
}

func dmlInfo(toks []Token, verb string) Info {
	cmd := map[string]Command{"insert": CmdInsert, "update": CmdUpdate, "delete": CmdDelete, "merge": CmdMerge}[verb]
	info := Info{Command: cmd, Tag: strings.ToUpper(verb), Writes: true}
	depth := 0
	for _, t := range toks {
		switch {
		case t.IsOp("("):
			depth++
		case t.IsOp(")"):
			depth--
		case depth == 0 && t.Is("returning"):
			info.Returning, info.ReturnsRows = true, true
		}
	}
	return info
}

// withInfo looks through the common table expressions for the main verb.
// A CTE that inserts, updates, deletes or merges makes the whole statement
// a write, as in PostgreSQL.
func withInfo(c *cursor) Info {
	toks := c.toks
	c.next() // WITH
	c.accept("recursive")
	writes := false
	for !c.done() {
		if _, ok := c.name(); !ok {
			break
		}
		if c.is("(") {
			c.skipGroup()
		}
		if !c.accept("as") {
			break
		}
		c.accept("not")
		c.accept("materialized")
		if !c.is("(") {
			break
		}
		open := c.i
		if !c.skipGroup() {
			break
		}
		end := c.i - 1
		if end > open+1 {
			inner, _ := c.sub(toks[open+1 : end])
			writes = writes || inner.Writes
		}
		// SEARCH ... SET col / CYCLE ... SET col USING col clauses.
		for !c.done() && !c.is(",") && !isMainVerb(c.peek()) {
			c.next()
		}
		if !c.accept(",") {
			break
		}
	}
	info, _ := c.sub(toks[c.i:])
	if info.Command == CmdEmpty || info.Command == CmdOther {
		info = Info{Command: CmdOther, Tag: "WITH", Writes: true}
	}
	if writes {
		info.Writes = true
	}
	return info
}

func isMainVerb(t Token) bool {
	for _, v := range []string{"select", "insert", "update", "delete", "merge", "values", "table"} {
		if t.Is(v) {
			return true
		}
	}
	return false
}

// ddlInfo classifies CREATE, ALTER and DROP and names the object kind.
func ddlInfo(c *cursor) Info {
	verb := strings.ToLower(c.next().Text)
	info := Info{Writes: true}
	switch verb {
	case "create":
		info.Command = CmdCreate
		c.accept("or", "replace")
		for c.accept("temp") || c.accept("temporary") || c.accept("unlogged") || c.accept("global") ||
			c.accept("local") || c.accept("unique") || c.accept("recursive") || c.accept("trusted") ||
			c.accept("procedural") || c.accept("constraint") || c.accept("default") {
		}
	case "alter":
		info.Command = CmdAlter
	default:
		info.Command = CmdDrop
	}
	info.Object = objectWords(c)
	info.Tag = strings.ToUpper(verb) + " " + info.Object
	switch info.Object {
	case "ROLE":
		info.Role, info.Name = roleSpec(c, info.Command)
		if info.Command == CmdDrop {
			info.Names = nameList(c)
		}
	case "SCHEMA", "DATABASE":
		c.accept("if", "not", "exists")
		c.accept("if", "exists")
		if info.Command == CmdDrop {
			info.Names = nameList(c)
			if len(info.Names) > 0 {
				info.Name = info.Names[0]
			}
		} else if n, ok := c.name(); ok {
			info.Name = n
		} else if c.accept("authorization") { // CREATE SCHEMA AUTHORIZATION role
			info.Name, _ = c.name()
		}
	default:
		if info.Command == CmdDrop {
			c.accept("concurrently")
			c.accept("if", "exists")
			info.Names = nameList(c)
		}
	}
	if info.Command == CmdCreate && (info.Object == "TABLE" || info.Object == "MATERIALIZED VIEW") {
		// CREATE TABLE ... AS and CREATE MATERIALIZED VIEW report "SELECT n".
		depth := 0
		for _, t := range c.toks[c.i:] {
			switch {
			case t.IsOp("("):
				depth++
			case t.IsOp(")"):
				depth--
			case depth == 0 && t.Is("as"):
				info.Tag = "SELECT"
			}
		}
	}
	return info
}

// objectWords reads the object kind after CREATE/ALTER/DROP/COMMENT ON.
func objectWords(c *cursor) string {
	w := strings.ToLower(c.next().Text)
	switch w {
	case "user", "group":
		if c.is("mapping") {
			c.next()
			return "USER MAPPING"
		}
		return "ROLE"
	case "materialized", "foreign", "event", "access", "text", "operator", "default":
		second := strings.ToLower(c.peek().Text)
		if c.peek().Kind == Ident && (second != "" && !c.is("(")) {
			c.next()
			if w == "foreign" && second == "data" || w == "text" && second == "search" {
				third := c.next().Text
				return upperWords(w, second, third)
			}
			return upperWords(w, second)
		}
	}
	return strings.ToUpper(w)
}

// nameList reads comma-separated, possibly qualified names, skipping ONLY
// and trailing *; it stops at anything else.
func nameList(c *cursor) []string {
	var names []string
	for {
		c.accept("only")
		n, ok := c.qualifiedName()
		if !ok {
			return names
		}
		names = append(names, n)
		c.accept("*")
		if !c.accept(",") {
			return names
		}
	}
}

func explainInfo(c *cursor) (Info, error) {
	c.next()
	info := Info{Command: CmdExplain, Tag: "EXPLAIN", ReturnsRows: true}
	if c.is("(") {
		open := c.i
		if !c.skipGroup() {
			return info, syntaxError(c.toks[open])
		}
		opts := c.toks[open+1 : c.i-1]
		for k, t := range opts {
			if t.Is("analyze") || t.Is("analyse") {
				on := k+1 >= len(opts) || !(opts[k+1].Is("false") || opts[k+1].Is("off") ||
					opts[k+1].Kind == Number && opts[k+1].Text == "0")
				info.Analyze = info.Analyze || on
			}
		}
	} else {
		if c.accept("analyze") || c.accept("analyse") {
			info.Analyze = true
		}
		c.accept("verbose")
	}
	inner, err := c.sub(c.toks[c.i:])
	info.Inner = &inner
	info.Writes = info.Analyze && inner.Writes
	return info, err
}

// functionsCalled lists names followed by "(" that are function calls.
func functionsCalled(toks []Token) []string {
	var out []string
	seen := map[string]bool{}
	for i := 0; i+1 < len(toks); i++ {
		t := toks[i]
		if t.Kind != Ident && t.Kind != QuotedIdent || !toks[i+1].IsOp("(") {
			continue
		}
		name, _ := t.Value()
		if t.Kind == Ident && notFunction[name] {
			continue
		}
		j := i // start of a qualified name
		for j >= 2 && toks[j-1].IsOp(".") && (toks[j-2].Kind == Ident || toks[j-2].Kind == QuotedIdent) {
			j -= 2
		}
		if j > 0 {
			p := toks[j-1]
			if p.Kind == Ident && tableBefore[strings.ToLower(p.Text)] || p.Is("on") && toks[0].Is("create") {
				continue
			}
		}
		if end := matchClose(toks, i+1); end > 0 && end+1 < len(toks) && toks[end+1].Is("as") &&
			end+2 < len(toks) && toks[end+2].IsOp("(") {
			continue // WITH name (columns) AS (...)
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}

// Words followed by a parenthesis that are syntax, not function calls.
var notFunction = setOf("in", "values", "as", "over", "filter", "using", "any", "all", "some", "exists",
	"cast", "on", "and", "or", "not", "select", "from", "where", "by", "into", "table", "check",
	"key", "unique", "references", "with", "when", "then", "else", "returning", "set", "conflict",
	"between", "like", "ilike", "is", "array", "row", "within", "group", "window", "partition",
	"distinct", "lateral", "join", "default", "constraint", "index", "view", "case", "limit", "offset",
	"having", "do", "update", "options", "include", "exclude", "materialized", "recursive", "only",
	"function", "procedure", "trigger", "type", "execute", "call", "explain", "copy", "prepare",
	"nulls", "to", "grouping", "sets", "cube", "rollup", "tablesample", "analyze", "vacuum", "domain",
	"operator", "generated", "identity", "stored", "escape", "similar", "union", "intersect", "except")

// Words after which a name followed by "(" is a table or type, not a call.
var tableBefore = setOf("into", "table", "references", "exists", "view", "index", "type", "function",
	"procedure", "trigger", "only", "execute", "prepare", "sequence", "aggregate", "copy")

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
