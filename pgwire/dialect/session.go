package dialect

import "strings"

// TxnMode holds the transaction modes of BEGIN, START TRANSACTION, SET
// TRANSACTION and SET SESSION CHARACTERISTICS AS TRANSACTION. Nil pointers
// and an empty Isolation mean "not given".
type TxnMode struct {
	// Isolation is "serializable", "repeatable read", "read committed" or
	// "read uncommitted".
	Isolation  string
	ReadOnly   *bool // READ ONLY (true) or READ WRITE (false)
	Deferrable *bool // DEFERRABLE (true) or NOT DEFERRABLE (false)
}

// Setting is the parameter of SET, RESET and SHOW.
type Setting struct {
	// Name is the parameter, lower case ("timezone" for TIME ZONE,
	// "client_encoding" for NAMES, "search_path" for SCHEMA,
	// "transaction_isolation" for SHOW TRANSACTION ISOLATION LEVEL,
	// "transaction" for SET TRANSACTION and "session_characteristics" for
	// SET SESSION CHARACTERISTICS). Qualified names keep their dots.
	Name string
	// Value is the new value as SHOW would print it: strings decoded,
	// names folded, list items joined with ", ".
	Value   string
	Default bool // SET ... TO DEFAULT, SET TIME ZONE LOCAL, RESET
	Local   bool // SET LOCAL
}

// RoleSpec is what CREATE/ALTER ROLE (or USER) says about a role.
type RoleSpec struct {
	Name     string
	Password *string // PASSWORD 'x' (nil: not given; PASSWORD NULL gives "" and NullPassword)
	// NullPassword is set by PASSWORD NULL.
	NullPassword bool
	// Options are the other options, upper case, with their values:
	// "LOGIN", "NOSUPERUSER", "CONNECTION LIMIT 5", "VALID UNTIL 2030-01-01".
	Options []string
	NewName string // ALTER ROLE ... RENAME TO
}

// CopySpec describes a COPY statement.
type CopySpec struct {
	Table   string   // qualified as written; empty for COPY (query) TO
	Columns []string // the column list, if any
	Query   string   // COPY (query) TO: the query text
	From    bool     // COPY ... FROM (a write) rather than TO
	Stdio   bool     // FROM STDIN or TO STDOUT
	File    string   // the file name, or the command for PROGRAM
	Program bool
	// Options are lower-case option names with their values ("true" for
	// flags): format, header, delimiter, null, quote, escape, encoding, ...
	Options map[string]string
}

func boolPtr(b bool) *bool { return &b }

func txnInfo(c *cursor) (Info, error) {
	verb := strings.ToLower(c.next().Text)
	switch verb {
	case "begin", "start":
		info := Info{Command: CmdBegin, Tag: "BEGIN"}
		if verb == "start" {
			if !c.accept("transaction") {
				return info, syntaxError(c.peek())
			}
			info.Tag = "START TRANSACTION"
		} else if !c.accept("work") {
			c.accept("transaction")
		}
		var err error
		info.Txn, err = txnModes(c)
		return info, err
	case "savepoint":
		n, ok := c.name()
		if !ok || !c.done() {
			return Info{Command: CmdSavepoint, Tag: "SAVEPOINT"}, syntaxError(c.peek())
		}
		return Info{Command: CmdSavepoint, Tag: "SAVEPOINT", Name: n}, nil
	case "release":
		c.accept("savepoint")
		n, ok := c.name()
		if !ok || !c.done() {
			return Info{Command: CmdRelease, Tag: "RELEASE"}, syntaxError(c.peek())
		}
		return Info{Command: CmdRelease, Tag: "RELEASE", Name: n}, nil
	}
	// COMMIT, END, ROLLBACK, ABORT [WORK|TRANSACTION] [AND [NO] CHAIN], ROLLBACK TO.
	info := Info{Command: CmdCommit, Tag: "COMMIT"}
	if verb == "rollback" || verb == "abort" {
		info = Info{Command: CmdRollback, Tag: "ROLLBACK"}
	}
	if (verb == "commit" || verb == "rollback") && c.is("prepared") {
		return Info{Command: CmdOther, Tag: strings.ToUpper(verb) + " PREPARED", Writes: true}, nil
	}
	if !c.accept("work") {
		c.accept("transaction")
	}
	if verb == "rollback" && c.accept("to") {
		c.accept("savepoint")
		n, ok := c.name()
		if !ok || !c.done() {
			return Info{Command: CmdRollbackTo, Tag: "ROLLBACK"}, syntaxError(c.peek())
		}
		return Info{Command: CmdRollbackTo, Tag: "ROLLBACK", Name: n}, nil
	}
	if c.accept("and", "chain") {
		info.Chain = true
	} else {
		c.accept("and", "no", "chain")
	}
	if !c.done() {
		return info, syntaxError(c.peek())
	}
	return info, nil
}

// txnModes parses transaction modes separated by optional commas up to the
// end of the statement.
func txnModes(c *cursor) (TxnMode, error) {
	var m TxnMode
	for !c.done() {
		switch {
		case c.accept("isolation", "level"):
			switch {
			case c.accept("serializable"):
				m.Isolation = "serializable"
			case c.accept("repeatable", "read"):
				m.Isolation = "repeatable read"
			case c.accept("read", "committed"):
				m.Isolation = "read committed"
			case c.accept("read", "uncommitted"):
				m.Isolation = "read uncommitted"
			default:
				return m, syntaxError(c.peek())
			}
		case c.accept("read", "only"):
			m.ReadOnly = boolPtr(true)
		case c.accept("read", "write"):
			m.ReadOnly = boolPtr(false)
		case c.accept("deferrable"):
			m.Deferrable = boolPtr(true)
		case c.accept("not", "deferrable"):
			m.Deferrable = boolPtr(false)
		default:
			return m, syntaxError(c.peek())
		}
		if c.accept(",") && c.done() {
			return m, syntaxError(c.peek())
		}
	}
	return m, nil
}

func settingInfo(c *cursor) (Info, error) {
	verb := strings.ToLower(c.next().Text)
	switch verb {
	case "show":
		info := Info{Command: CmdShow, Tag: "SHOW", ReturnsRows: true}
		err := c.settingTarget(&info, true)
		return info, err
	case "reset":
		info := Info{Command: CmdReset, Tag: "RESET", Setting: Setting{Default: true}}
		err := c.settingTarget(&info, false)
		return info, err
	}
	info := Info{Command: CmdSet, Tag: "SET"}
	if c.accept("session", "characteristics", "as", "transaction") {
		info.Command, info.Setting.Name = CmdSetTransaction, "session_characteristics"
		var err error
		info.Txn, err = txnModes(c)
		return info, err
	}
	if c.accept("local") {
		info.Setting.Local = true
	} else if !c.is("session", "authorization") {
		c.accept("session")
	}
	switch {
	case c.accept("transaction"):
		if c.is("snapshot") {
			return info, unsupported(c.peek().Pos, "SET TRANSACTION SNAPSHOT is not supported")
		}
		info.Command, info.Setting.Name = CmdSetTransaction, "transaction"
		var err error
		info.Txn, err = txnModes(c)
		return info, err
	case c.accept("time", "zone"):
		info.Setting.Name = "timezone"
		if c.accept("local") || c.accept("default") {
			info.Setting.Default = true
			return info, endOf(c)
		}
	case c.accept("names"):
		info.Setting.Name = "client_encoding"
	case c.accept("schema"):
		info.Setting.Name = "search_path"
	case c.accept("role"):
		info.Setting.Name = "role"
	case c.accept("session", "authorization"):
		info.Setting.Name = "session_authorization"
	default:
		n, ok := c.qualifiedName()
		if !ok {
			return info, syntaxError(c.peek())
		}
		info.Setting.Name = n
		if !c.accept("to") && !c.accept("=") {
			return info, syntaxError(c.peek())
		}
	}
	if c.accept("default") {
		info.Setting.Default = true
		return info, endOf(c)
	}
	v, err := settingValue(c, info.Setting.Name)
	info.Setting.Value = v
	return info, err
}

func endOf(c *cursor) error {
	if !c.done() {
		return syntaxError(c.peek())
	}
	return nil
}

// settingValue renders SET's value list as PostgreSQL's SHOW would.
func settingValue(c *cursor, name string) (string, error) {
	var items []string
	for {
		t := c.next()
		var item string
		switch {
		case t.IsOp("-") || t.IsOp("+"):
			n := c.next()
			if n.Kind != Number {
				return "", syntaxError(n)
			}
			item = t.Text + numberForSQLite(n.Text)
		case t.Kind == Number:
			item = numberForSQLite(t.Text)
		case t.Kind == QuotedIdent && name == "search_path":
			item = t.Text
		case t.Kind == Ident && (t.Is("interval") || t.Is("local")):
			return "", unsupported(t.Pos, "SET %s with an interval value is not supported", name)
		case t.Kind == Ident || t.Kind == QuotedIdent || t.Kind == UnicodeIdent || t.Kind.IsString():
			v, err := t.Value()
			if err != nil {
				return "", err
			}
			item = v
		default:
			return "", syntaxError(t)
		}
		items = append(items, item)
		if !c.accept(",") {
			break
		}
	}
	return strings.Join(items, ", "), endOf(c)
}

// roleSpec reads the rest of CREATE/ALTER ROLE|USER|GROUP.
func roleSpec(c *cursor, cmd Command) (*RoleSpec, string) {
	if cmd == CmdDrop {
		c.accept("if", "exists")
		return nil, ""
	}
	r := &RoleSpec{}
	r.Name, _ = c.name()
	if cmd == CmdAlter && c.accept("rename", "to") {
		r.NewName, _ = c.name()
		return r, r.Name
	}
	c.accept("with")
	for !c.done() {
		t := c.next()
		w := strings.ToUpper(t.Text)
		switch {
		case t.Is("encrypted") || t.Is("unencrypted"):
			continue
		case t.Is("password"):
			p := c.next()
			if p.Is("null") {
				r.NullPassword = true
				r.Password = new(string)
				continue
			}
			v, _ := p.Value()
			r.Password = &v
			continue
		case t.Is("connection") && c.is("limit"):
			c.next()
			w = "CONNECTION LIMIT " + c.next().Text
		case t.Is("valid") && c.is("until"):
			c.next()
			v, _ := c.next().Value()
			w = "VALID UNTIL " + v
		case t.Is("sysid"):
			c.next()
			continue
		case t.Is("in") || t.Is("role") || t.Is("admin") || t.Is("user"):
			if t.Is("in") {
				w = "IN " + strings.ToUpper(c.next().Text)
			}
			names := nameList(c)
			w += " " + strings.Join(names, ", ")
		}
		r.Options = append(r.Options, w)
	}
	return r, r.Name
}

func prepareInfo(c *cursor) (Info, error) {
	c.next()
	info := Info{Command: CmdPrepare, Tag: "PREPARE"}
	n, ok := c.name()
	if !ok {
		return info, syntaxError(c.peek())
	}
	info.Name = n
	if c.is("(") {
		open := c.i
		if !c.skipGroup() {
			return info, syntaxError(c.peek())
		}
		for _, seg := range splitTopLevel(c.toks[open+1 : c.i-1]) {
			tc := &cursor{toks: seg}
			ty, ok := parseType(tc)
			if !ok || !tc.done() {
				return info, syntaxError(c.toks[open])
			}
			info.ParamTypes = append(info.ParamTypes, ty.canonical())
		}
	}
	if !c.accept("as") || c.done() {
		return info, syntaxError(c.peek())
	}
	body := c.toks[c.i:]
	inner, err := c.sub(body)
	info.Inner = &inner
	info.Body = c.span(body)
	return info, err
}

func executeInfo(c *cursor) (Info, error) {
	c.next()
	info := Info{Command: CmdExecute, Writes: true}
	n, ok := c.name()
	if !ok {
		return info, syntaxError(c.peek())
	}
	info.Name = n
	if c.is("(") {
		open := c.i
		if !c.skipGroup() {
			return info, syntaxError(c.peek())
		}
		for _, seg := range splitTopLevel(c.toks[open+1 : c.i-1]) {
			if len(seg) > 0 {
				info.Args = append(info.Args, c.span(seg))
			}
		}
	}
	return info, endOf(c)
}

// span returns the source text of a run of significant tokens, or their
// texts joined by spaces when the cursor has no source for them.
func (c *cursor) span(toks []Token) string {
	if len(toks) == 0 {
		return ""
	}
	a, b := toks[0], toks[len(toks)-1]
	start, end := a.Pos-c.base, b.Pos+len(b.Text)-c.base
	if c.src != "" && 0 <= start && start <= end && end <= len(c.src) {
		return c.src[start:end]
	}
	parts := make([]string, len(toks))
	for i, t := range toks {
		parts[i] = t.Text
	}
	return strings.Join(parts, " ")
}

func channelInfo(c *cursor, verb string) (Info, error) {
	c.next()
	info := Info{Command: CmdListen, Tag: strings.ToUpper(verb)}
	switch verb {
	case "unlisten":
		info.Command = CmdUnlisten
		if c.accept("*") {
			info.All = true
			return info, endOf(c)
		}
	case "notify":
		info.Command = CmdNotify
	}
	n, ok := c.name()
	if !ok {
		return info, syntaxError(c.peek())
	}
	info.Name = n
	if verb == "notify" && c.accept(",") {
		p := c.next()
		if !p.Kind.IsString() {
			return info, syntaxError(p)
		}
		v, err := p.Value()
		if err != nil {
			return info, err
		}
		info.Payload = v
	}
	return info, endOf(c)
}

// settingTarget parses what SHOW or RESET names, up to the end of the
// statement: ALL, TIME ZONE, SESSION AUTHORIZATION, TRANSACTION ISOLATION
// LEVEL (SHOW only) or a possibly qualified setting name.
func (c *cursor) settingTarget(info *Info, isolation bool) error {
	switch {
	case c.accept("all"):
		info.All = true
	case c.accept("time", "zone"):
		info.Setting.Name = "timezone"
	case isolation && c.accept("transaction", "isolation", "level"):
		info.Setting.Name = "transaction_isolation"
	case c.accept("session", "authorization"):
		info.Setting.Name = "session_authorization"
	default:
		n, ok := c.qualifiedName()
		if !ok {
			return syntaxError(c.peek())
		}
		info.Setting.Name = n
	}
	if !c.done() {
		return syntaxError(c.peek())
	}
	return nil
}
