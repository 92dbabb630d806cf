package dialect

import "strings"

// createCommon drops what SQLite does not know in CREATE TABLE and CREATE
// INDEX but that does not change the result: UNLOGGED, CONCURRENTLY and
// USING btree|hash.
func (tr *translator) createCommon() error {
	for j := 1; j < len(tr.toks) && j < 8; j++ {
		t := tr.toks[j]
		if t.Is("unlogged") || t.Is("concurrently") && j > 0 && tr.toks[j-1].Is("index") {
			tr.replace(j, j, "")
		}
	}
	if tr.res.Info.Object != "INDEX" {
		return nil
	}
	for j := 1; j+1 < len(tr.toks); j++ {
		if tr.toks[j].IsOp("(") {
			break
		}
		if tr.toks[j].Is("using") {
			m := foldIdent(tr.toks[j+1].Text)
			if m != "btree" && m != "hash" {
				return unsupported(tr.toks[j].Pos, "index method %s is not supported", m)
			}
			tr.replace(j, j+1, "")
		}
	}
	return nil
}

// tableName reads the table name at the cursor (after IF [NOT] EXISTS and
// ONLY), returning its unqualified value.
func tableName(c *cursor) string {
	c.accept("if", "not", "exists")
	c.accept("if", "exists")
	c.accept("only")
	n, _ := c.qualifiedName()
	return n[strings.LastIndexByte(n, '.')+1:]
}

// createTable rewrites the column list of CREATE TABLE t (...): declared
// types in a form SQLite accepts, serial and identity primary keys as
// INTEGER /*pg:...*/ PRIMARY KEY AUTOINCREMENT (marker.go), DEFAULT expressions in parentheses,
// and NOT NULL on primary-key columns (SQLite allows NULL in them).
func (tr *translator) createTable() error {
	c := &cursor{toks: tr.toks}
	for !c.done() && !c.is("table") {
		c.next()
	}
	c.next()
	table := tableName(c)
	if !c.is("(") {
		return nil // CREATE TABLE ... AS, PARTITION OF, ...
	}
	open := c.i
	close := matchClose(tr.toks, open)
	if close < 0 {
		return syntaxError(tr.toks[open])
	}
	elems := splitRanges(tr.toks, open+1, close)
	// Table-level PRIMARY KEY (a, b).
	var pk []string
	pkElem := -1
	for e, r := range elems {
		ec := &cursor{toks: tr.toks[:r[1]], i: r[0]}
		if ec.accept("constraint") {
			ec.name()
		}
		if ec.accept("primary", "key") && ec.is("(") {
			pkElem = e
			for ec.accept("(") || ec.accept(",") {
				if n, ok := ec.name(); ok {
					pk = append(pk, n)
				}
			}
		}
	}
	for _, r := range elems {
		if isTableConstraint(tr.toks[r[0]]) {
			continue
		}
		moved, err := tr.columnDef(table, r[0], r[1], pk)
		if err != nil {
			return err
		}
		if moved && pkElem >= 0 {
			pr := elems[pkElem]
			if pkElem > 0 {
				tr.replace(pr[0]-1, pr[1]-1, "") // with the comma before it
			} else {
				tr.replace(pr[0], pr[1], "") // with the comma after it
			}
		}
	}
	return nil
}

func isTableConstraint(t Token) bool {
	for _, w := range []string{"constraint", "primary", "unique", "check", "foreign", "exclude", "like"} {
		if t.Is(w) {
			return true
		}
	}
	return false
}

// splitRanges returns the [start, end) ranges of the comma-separated
// elements between lo and hi.
func splitRanges(toks []Token, lo, hi int) [][2]int {
	var out [][2]int
	depth, start := 0, lo
	for j := lo; j < hi; j++ {
		switch t := toks[j]; {
		case t.IsOp("(") || t.IsOp("["):
			depth++
		case t.IsOp(")") || t.IsOp("]"):
			depth--
		case t.IsOp(",") && depth == 0:
			out = append(out, [2]int{start, j})
			start = j + 1
		}
	}
	if start < hi {
		out = append(out, [2]int{start, hi})
	}
	return out
}

// Words that start a column constraint (and so end a DEFAULT expression).
var constraintWords = setOf("not", "null", "constraint", "primary", "unique", "check", "references",
	"default", "generated", "collate", "deferrable", "initially")

// columnDef rewrites one column definition at toks[s:e]. pk lists the
// columns of a table-level primary key. It reports whether it moved a
// single-column table-level primary key into the column (serial).
func (tr *translator) columnDef(table string, s, e int, pk []string) (bool, error) {
	c := &cursor{toks: tr.toks[:e], i: s}
	name, ok := c.name()
	if !ok {
		return false, nil
	}
	typ, ok := parseType(c)
	if !ok {
		return false, nil // no type: let SQLite decide
	}
	var pkKey, identity = -1, -1
	identityEnd, notNull := -1, false
	for j := typ.end; j < e; j++ {
		t := tr.toks[j]
		switch {
		case t.IsOp("("):
			if k := matchClose(tr.toks[:e], j); k > 0 {
				j = k
			}
		case t.Is("primary") && j+1 < e && tr.toks[j+1].Is("key"):
			pkKey = j + 1
		case t.Is("not") && j+1 < e && tr.toks[j+1].Is("null"):
			notNull = true
		case t.Is("default"):
			// DEFAULT 'f' or ('f') of a boolean column.
			switch end := tr.wrapDefault(j+1, e); {
			case typ.isSerial():
			case end == j+2 && tr.toks[j+1].Kind.IsString():
				tr.defaultTarget(j+1, typ)
			case end == j+4 && tr.toks[j+1].IsOp("(") && tr.toks[j+2].Kind.IsString() && tr.toks[j+3].IsOp(")"):
				tr.defaultTarget(j+2, typ)
			}
		case t.Is("generated"):
			gc := &cursor{toks: tr.toks[:e], i: j + 1}
			if (gc.accept("always") || gc.accept("by", "default")) && gc.accept("as", "identity") {
				identity = j
				if gc.is("(") {
					return false, unsupported(gc.peek().Pos, "identity sequence options are not supported")
				}
				identityEnd = gc.i - 1
				j = identityEnd
			}
		}
	}
	inPK := pkKey >= 0 || len(pk) == 1 && pk[0] == name
	col := Column{Table: table, Name: name, Type: typ.canonical(), Decl: typ.decl()}
	if identity >= 0 && !typ.isInteger() {
		return false, errorf(CodeSyntax, tr.toks[identity].Pos, "identity column type must be smallint, integer, or bigint")
	}
	moved := false
	if typ.isSerial() || identity >= 0 {
		if !inPK {
			return false, unsupported(tr.toks[s].Pos,
				"column %q: serial and identity columns must be the primary key (SQLite generates values only for INTEGER PRIMARY KEY)", name)
		}
		col.Decl = "INTEGER"
		var gen byte
		if identity >= 0 {
			gen = 'd'
			if tr.toks[identity+1].Is("always") {
				gen = 'a'
			}
			tr.replace(identity, identityEnd, "")
		}
		// The marker keeps PostgreSQL's type and default (marker.go).
		decl := col.Decl + " " + serialMarker(typ, gen).String()
		if pkKey >= 0 {
			tr.replace(typ.start, typ.end-1, decl)
			tr.wrap(pkKey, pkKey, "", " AUTOINCREMENT")
		} else {
			tr.replace(typ.start, typ.end-1, decl+" PRIMARY KEY AUTOINCREMENT")
			moved = true
		}
	} else {
		// Only serial and identity keys are rowid aliases: decl never
		// writes INTEGER, so an integer primary key gets NOT NULL, as in
		// PostgreSQL, instead of SQLite numbering a NULL.
		text := col.Decl
		if (pkKey >= 0 || inPK || containsName(pk, name)) && !notNull {
			text += " NOT NULL"
		}
		tr.replace(typ.start, typ.end-1, text)
	}
	tr.res.Columns = append(tr.res.Columns, col)
	return moved, nil
}

// defaultTarget notes the string constant at i, the DEFAULT of a column
// of type typ, for coerceLiterals; except 'now', which PostgreSQL would
// fix to the time of CREATE TABLE and SQLite cannot take as an expression
// there: it stays the text.
func (tr *translator) defaultTarget(i int, typ pgType) {
	if v, err := tr.toks[i].Value(); err == nil && strings.EqualFold(trimSpace(v), "now") {
		return
	}
	tr.literalTarget(i, typ.canonical())
}

func containsName(names []string, n string) bool {
	for _, m := range names {
		if m == n {
			return true
		}
	}
	return false
}

// wrapDefault puts a DEFAULT expression starting at s in parentheses:
// SQLite accepts only constants and parenthesised expressions there
// (DEFAULT now() is a syntax error). It returns the end of the expression.
func (tr *translator) wrapDefault(s, e int) int {
	end := s
	for depth := 0; end < e; end++ {
		t := tr.toks[end]
		if t.IsOp("(") {
			depth++
		} else if t.IsOp(")") {
			depth--
		} else if depth == 0 && end > s && t.Kind == Ident && constraintWords[foldIdent(t.Text)] {
			break
		}
	}
	if end <= s {
		return end
	}
	if end == s+1 {
		switch t := tr.toks[s]; t.Kind {
		case Number, String, BitString, HexString:
			return end
		}
	}
	if tr.toks[s].IsOp("(") && matchClose(tr.toks[:end], s) == end-1 {
		return end
	}
	tr.wrap(s, end-1, "(", ")")
	return end
}

// alterTable splits ALTER TABLE t action, action into one statement per
// action (SQLite takes one), rewriting ADD COLUMN definitions and dropping
// CASCADE/RESTRICT from DROP COLUMN.
func (tr *translator) alterTable() ([]string, error) {
	c := &cursor{toks: tr.toks}
	c.next() // ALTER
	c.next() // TABLE
	table := tableName(c)
	head := c.i
	if head >= len(tr.toks) {
		return nil, syntaxError(Token{Pos: len(tr.src)})
	}
	actions := splitRanges(tr.toks, head, len(tr.toks))
	for _, r := range actions {
		ac := &cursor{toks: tr.toks[:r[1]], i: r[0]}
		switch {
		case ac.accept("add"):
			if ac.is("constraint") || ac.is("primary") || ac.is("unique") || ac.is("check") ||
				ac.is("foreign") || ac.is("exclude") {
				continue
			}
			ac.accept("column")
			ac.accept("if", "not", "exists")
			if _, err := tr.columnDef(table, ac.i, r[1], nil); err != nil {
				return nil, err
			}
		case ac.accept("drop"):
			if last := r[1] - 1; tr.toks[last].Is("cascade") || tr.toks[last].Is("restrict") {
				tr.replace(last, last, "")
			}
		}
	}
	if err := tr.exprs(0, len(tr.toks)); err != nil {
		return nil, err
	}
	if err := tr.coerceLiterals(); err != nil {
		return nil, err
	}
	prefix := trimSpace(tr.render(0, head, 0))
	var out []string
	for _, r := range actions {
		out = append(out, prefix+" "+trimSpace(tr.render(r[0], r[1], 0)))
	}
	return out, nil
}

// drop splits DROP TABLE|VIEW|INDEX a, b into one statement per name and
// drops CONCURRENTLY and CASCADE/RESTRICT (SQLite has no dependency
// tracking: a view over a dropped table stays, broken). Other DROPs pass
// through.
func (tr *translator) drop() ([]string, error) {
	obj := tr.res.Info.Object
	if obj != "TABLE" && obj != "VIEW" && obj != "INDEX" {
		if err := tr.exprs(0, len(tr.toks)); err != nil {
			return nil, err
		}
		return []string{trimSpace(tr.render(0, len(tr.toks), 0))}, nil
	}
	c := &cursor{toks: tr.toks}
	c.next()
	c.next()
	c.accept("concurrently")
	ifExists := c.accept("if", "exists")
	var names [][2]int
	for !c.done() {
		start := c.i
		if _, ok := c.qualifiedName(); !ok {
			return nil, syntaxError(c.peek())
		}
		names = append(names, [2]int{start, c.i})
		if !c.accept(",") {
			break
		}
	}
	c.accept("cascade")
	c.accept("restrict")
	if !c.done() || len(names) == 0 {
		return nil, syntaxError(c.peek())
	}
	if err := tr.exprs(0, len(tr.toks)); err != nil {
		return nil, err
	}
	prefix := "DROP " + obj + " "
	if ifExists {
		prefix += "IF EXISTS "
	}
	var out []string
	for _, n := range names {
		out = append(out, prefix+trimSpace(tr.render(n[0], n[1], 0)))
	}
	return out, nil
}

// truncate turns TRUNCATE [TABLE] a, b into DELETE FROM a; DELETE FROM b.
// RESTART IDENTITY and CASCADE are rejected: SQLite can reset only
// AUTOINCREMENT counters and does not know the referencing tables.
func (tr *translator) truncate() ([]string, error) {
	c := &cursor{toks: tr.toks}
	c.next()
	c.accept("table")
	var names [][2]int
	for !c.done() {
		c.accept("only")
		start := c.i
		if _, ok := c.qualifiedName(); !ok {
			return nil, syntaxError(c.peek())
		}
		names = append(names, [2]int{start, c.i})
		c.accept("*")
		if !c.accept(",") {
			break
		}
	}
	if c.accept("restart", "identity") {
		return nil, unsupported(c.toks[c.i-2].Pos, "TRUNCATE ... RESTART IDENTITY is not supported")
	}
	c.accept("continue", "identity")
	if c.is("cascade") {
		return nil, unsupported(c.peek().Pos, "TRUNCATE ... CASCADE is not supported")
	}
	c.accept("restrict")
	if !c.done() || len(names) == 0 {
		return nil, syntaxError(c.peek())
	}
	if err := tr.exprs(0, len(tr.toks)); err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		out = append(out, "DELETE FROM "+trimSpace(tr.render(n[0], n[1], 0)))
	}
	return out, nil
}

// replaceView turns CREATE OR REPLACE VIEW v AS ... into DROP VIEW IF
// EXISTS v; CREATE VIEW v AS ..., which SQLite knows. Like every
// multi-statement translation, the session runs the pair as one unit.
func (tr *translator) replaceView() ([]string, error) {
	c := &cursor{toks: tr.toks, i: 4}
	start := c.i
	if _, ok := c.qualifiedName(); !ok {
		return nil, syntaxError(c.peek())
	}
	end := c.i
	tr.replace(1, 2, "")
	if err := tr.exprs(0, len(tr.toks)); err != nil {
		return nil, err
	}
	return []string{
		"DROP VIEW IF EXISTS " + trimSpace(tr.render(start, end, 0)),
		trimSpace(tr.render(0, len(tr.toks), 0)),
	}, nil
}
