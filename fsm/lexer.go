package fsm

import (
	"strings"
)

// The apply connection must know a few things about a statement's text that
// SQLite's authorizer does not tell: whether it is one statement, what kind
// it is, whether it returns rows, and whether an INSERT ... SELECT fixes the
// order in which it inserts. A real tokenizer (strings, quoted identifiers,
// comments, parameters; never a regular expression over the raw text)
// answers them from tokens and parenthesis depth.

type tokenKind uint8

const (
	tkWord   tokenKind = iota // keyword or bare identifier
	tkQuoted                  // "identifier", [identifier], `identifier`
	tkString                  // 'text'
	tkBlob                    // x'hex'
	tkNumber                  // 12, 1.5e3, 0x1F
	tkParam                   // ?, ?1, :name, @name, $name
	tkLParen                  // (
	tkRParen                  // )
	tkSemi                    // ;
	tkOther                   // operators and other punctuation
)

type token struct {
	kind  tokenKind
	text  string // as written
	upper string // upper-cased text of a tkWord
	depth int    // parenthesis depth the token sits at
}

// is reports whether the token is the bare word w (given in upper case).
func (t token) is(w string) bool { return t.kind == tkWord && t.upper == w }

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= 0x80 ||
		'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// lex splits sql into tokens, dropping white space and comments. It accepts
// anything: what it cannot make sense of becomes tkOther, and SQLite reports
// the syntax error when the statement is prepared.
func lex(sql string) []token {
	var toks []token
	depth := 0
	for i := 0; i < len(sql); {
		c := sql[i]
		start := i
		kind := tkOther
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '-' && i+1 < len(sql) && sql[i+1] == '-':
			for i < len(sql) && sql[i] != '\n' {
				i++
			}
			continue
		case c == '/' && i+1 < len(sql) && sql[i+1] == '*':
			end := strings.Index(sql[i+2:], "*/")
			if end < 0 {
				i = len(sql) // SQLite too ends an open comment at the end
			} else {
				i += end + 4
			}
			continue
		case c == '\'':
			i = quoted(sql, i, '\'')
			kind = tkString
		case c == '"' || c == '`':
			i = quoted(sql, i, c)
			kind = tkQuoted
		case c == '[':
			if end := strings.IndexByte(sql[i:], ']'); end < 0 {
				i = len(sql)
			} else {
				i += end + 1
			}
			kind = tkQuoted
		case (c == 'x' || c == 'X') && i+1 < len(sql) && sql[i+1] == '\'':
			i = quoted(sql, i+1, '\'')
			kind = tkBlob
		case '0' <= c && c <= '9' || c == '.' && i+1 < len(sql) && '0' <= sql[i+1] && sql[i+1] <= '9':
			for i < len(sql) && (isIdentByte(sql[i]) || sql[i] == '.' ||
				(sql[i] == '+' || sql[i] == '-') && (sql[i-1] == 'e' || sql[i-1] == 'E')) {
				i++
			}
			kind = tkNumber
		case c == '?' || c == ':' || c == '@' || c == '$':
			i++
			for i < len(sql) && (isIdentByte(sql[i]) || c != '?' && sql[i] == ':' && i+1 < len(sql) && sql[i+1] == ':') {
				if sql[i] == ':' {
					i++
				}
				i++
			}
			kind = tkParam
		case isIdentByte(c):
			for i < len(sql) && isIdentByte(sql[i]) {
				i++
			}
			kind = tkWord
		case c == '(':
			i++
			kind = tkLParen
		case c == ')':
			i++
			kind = tkRParen
		case c == ';':
			i++
			kind = tkSemi
		default:
			i++
		}
		t := token{kind: kind, text: sql[start:i], depth: depth}
		switch kind {
		case tkWord:
			t.upper = strings.ToUpper(t.text)
		case tkLParen:
			depth++
		case tkRParen:
			if depth > 0 {
				depth--
			}
			t.depth = depth
		}
		toks = append(toks, t)
	}
	return toks
}

// quoted returns the index after the quoted token starting at sql[i] (a
// doubled quote character is an escaped one).
func quoted(sql string, i int, q byte) int {
	for i++; i < len(sql); i++ {
		if sql[i] == q {
			if i+1 < len(sql) && sql[i+1] == q {
				i++
				continue
			}
			return i + 1
		}
	}
	return len(sql)
}

// splitStatements splits tokens at top-level semicolons, keeping a CREATE
// TRIGGER body (BEGIN ... END, whose statements end in semicolons too) in
// one piece. Empty statements are dropped.
func splitStatements(toks []token) [][]token {
	var out [][]token
	start := 0
	inTrigger, inBody, cases := false, false, 0
	flush := func(end int) {
		if end > start {
			out = append(out, toks[start:end])
		}
		start = end + 1
		inTrigger, inBody, cases = false, false, 0
	}
	for i, t := range toks {
		if i == start || i == start+1 || i == start+2 {
			// CREATE [TEMP|TEMPORARY] TRIGGER
			if t.is("TRIGGER") && i > start && toks[start].is("CREATE") {
				inTrigger = true
			}
		}
		if inTrigger && t.depth == 0 {
			switch {
			case t.is("BEGIN"):
				inBody = true
			case t.is("CASE") && inBody:
				cases++
			case t.is("END") && inBody:
				if cases > 0 {
					cases--
				} else {
					inBody = false
				}
			}
		}
		if t.kind == tkSemi && t.depth == 0 && !inBody {
			flush(i)
		}
	}
	flush(len(toks))
	return out
}

// statementInfo is what the apply connection needs to know about a
// statement before running it.
type statementInfo struct {
	count       int    // statements in the text (must be 1, or 0 for an empty one)
	verb        string // SELECT, INSERT, UPDATE, DELETE, REPLACE, CREATE, ... ("" if empty)
	returnsRows bool   // SELECT, VALUES, PRAGMA, EXPLAIN, or DML with RETURNING
	refuse      string // why the statement cannot be replicated, "" if it can
	// unordered is set (with refuse) when the only problem is an INSERT ...
	// SELECT without ORDER BY; tests turn the check off to show the hazard.
	unordered bool
	// reserved lists the identifiers in the text that name sqlraft's own
	// objects. The authorizer sees most uses of a name, but not all: not the
	// new name of ALTER TABLE ... RENAME TO, not the parent table of a
	// FOREIGN KEY (whose checks would tell a user which rows a system table
	// holds).
	reserved []string
}

// closedName is the first identifier of the statement that SQL may not
// use (see closed), or "".
func (info statementInfo) closedName(system bool) string {
	for _, n := range info.reserved {
		if closed(n, system) {
			return n
		}
	}
	return ""
}

func analyze(sql string) statementInfo {
	stmts := splitStatements(lex(sql))
	info := statementInfo{count: len(stmts)}
	if len(stmts) == 0 {
		return info
	}
	if len(stmts) > 1 {
		info.refuse = "a Statement must hold exactly one SQL statement"
		return info
	}
	toks := stmts[0]
	for _, t := range toks {
		if n := identifier(t); reserved(n) {
			info.reserved = append(info.reserved, n)
		}
	}
	info.verb = verb(toks)
	switch info.verb {
	case "SELECT", "VALUES", "PRAGMA", "EXPLAIN":
		info.returnsRows = true
	case "INSERT", "REPLACE", "UPDATE", "DELETE":
		for _, t := range toks {
			if t.depth == 0 && t.is("RETURNING") {
				info.returnsRows = true
			}
		}
	case "VACUUM":
		info.refuse = "VACUUM only changes the physical file (and VACUUM INTO writes outside the database)"
		return info
	}
	info.refuse = unorderedInsert(toks)
	info.unordered = info.refuse != ""
	return info
}

// identifier is the name a word or quoted identifier token stands for, or
// "" for other tokens.
func identifier(t token) string {
	switch {
	case t.kind == tkWord:
		return t.text
	case t.kind == tkQuoted && len(t.text) >= 2:
		inner := t.text[1 : len(t.text)-1]
		switch q := t.text[0]; q {
		case '"', '`':
			return strings.ReplaceAll(inner, string(q)+string(q), string(q))
		}
		return inner // [name]
	}
	return ""
}

// verb is the statement's main keyword, looking past a leading WITH clause.
func verb(toks []token) string {
	if len(toks) == 0 || toks[0].kind != tkWord {
		return ""
	}
	if !toks[0].is("WITH") {
		return toks[0].upper
	}
	for _, t := range toks[1:] {
		if t.depth == 0 && (t.is("SELECT") || t.is("VALUES") || t.is("INSERT") ||
			t.is("REPLACE") || t.is("UPDATE") || t.is("DELETE")) {
			return t.upper
		}
	}
	return "WITH"
}

// unorderedInsert refuses INSERT ... SELECT and CREATE TABLE ... AS SELECT
// whose SELECT reads a table (has a FROM) but has no top-level ORDER BY,
// also inside a trigger body. Such a statement inserts rows in the order the
// query plan visits them, so rowids, AUTOINCREMENT values, per-row random()
// and trigger side effects would follow the plan, which an index, ANALYZE
// or a SQLite upgrade can change. Rows from VALUES or a SELECT without FROM
// have a fixed order.
func unorderedInsert(toks []token) string {
	const reason = "INSERT ... SELECT (or CREATE TABLE ... AS SELECT) without ORDER BY inserts rows in query-plan order; add an ORDER BY over a unique key"
	if len(toks) == 0 {
		return ""
	}
	// Statements of a trigger body: check each on its own.
	if toks[0].is("CREATE") {
		for i, t := range toks {
			if t.depth == 0 && t.is("BEGIN") && isTrigger(toks[:i]) {
				body := toks[i+1:]
				for _, s := range splitBody(body) {
					if r := unorderedInsert(s); r != "" {
						return r
					}
				}
				return ""
			}
		}
	}
	d := toks[0].depth
	start := -1 // index of the SELECT that feeds the insert
	switch v := verb(toks); {
	case v == "INSERT" || v == "REPLACE":
		into := false
		for i, t := range toks {
			if t.depth != d {
				continue
			}
			if t.is("INTO") {
				into = true
				continue
			}
			if into && (t.is("VALUES") || t.is("DEFAULT")) {
				return ""
			}
			if into && (t.is("SELECT") || t.is("WITH")) {
				start = i
				break
			}
		}
	case toks[0].is("CREATE"):
		for i, t := range toks {
			if t.depth == d && t.is("AS") && i+1 < len(toks) && isTable(toks[:i]) {
				start = i + 1
				break
			}
		}
	}
	if start < 0 {
		return ""
	}
	from, ordered := false, false
	for i, t := range toks[start:] {
		if t.depth != d {
			continue
		}
		switch {
		case t.is("FROM"):
			from = true
		case t.is("ORDER") && start+i+1 < len(toks) && toks[start+i+1].is("BY"):
			ordered = true
		}
	}
	if from && !ordered {
		return reason
	}
	return ""
}

func isTrigger(toks []token) bool {
	for _, t := range toks {
		if t.depth == 0 && t.is("TRIGGER") {
			return true
		}
		if t.depth == 0 && (t.is("TABLE") || t.is("VIEW") || t.is("INDEX")) {
			return false
		}
	}
	return false
}

func isTable(toks []token) bool {
	for _, t := range toks {
		if t.depth == 0 && t.is("TABLE") {
			return true
		}
	}
	return false
}

// splitBody splits a trigger body (the tokens after BEGIN) into its
// statements, dropping the final END.
func splitBody(toks []token) [][]token {
	var out [][]token
	start := 0
	for i, t := range toks {
		if t.kind == tkSemi && t.depth == 0 {
			if i > start {
				out = append(out, toks[start:i])
			}
			start = i + 1
		}
	}
	return out
}
