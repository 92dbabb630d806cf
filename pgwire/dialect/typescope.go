package dialect

import "strconv"

// Scopes: the tables a query level's column references are resolved
// against. Each SELECT, and the target of INSERT, UPDATE and DELETE with
// UPDATE's FROM and DELETE's USING, opens a scope holding its FROM items
// by alias; a subquery's scope has the enclosing one as parent. A derived
// table (a subquery in FROM) or a CTE is typed where it is defined, and
// its result columns, named as PostgreSQL names them, are what references
// to it resolve to. Items whose columns the typer cannot know (functions,
// renamed columns of a table, a subquery with *) are opaque.

// fromItem is a table in a FROM list (or the target of INSERT, UPDATE,
// DELETE), known by its alias.
type fromItem struct {
	table, alias string
	cols         []outputColumn // a derived table's or CTE's columns, when known
	opaque       bool           // a function, renamed columns or a subquery of unknown columns
	pseudo       bool           // ON CONFLICT's "excluded": only for qualified references
}

// outputColumn is a result column of a derived table or CTE as the query
// reading it sees it.
type outputColumn struct {
	name, typ string
	// ref: the column is a plain column reference, whose declared type
	// SQLite carries through the subquery; otherwise an expression, which
	// SQLite reports without one.
	ref bool
}

// scope is one query level's FROM items; parent is the enclosing level,
// whose columns a correlated subquery sees.
type scope struct {
	parent *scope
	items  []fromItem
}

func isName(t Token) bool {
	return t.Kind == Ident || t.Kind == QuotedIdent || t.Kind == UnicodeIdent
}

// target reads the table of INSERT INTO, UPDATE or DELETE FROM at k into
// sc (with UPDATE's FROM and DELETE's USING items) and returns where the
// walk goes on. For INSERT it also returns the types of the target
// columns, by position.
func (ty *typer) target(verb string, k, hi int, sc *scope) (int, []string) {
	toks := ty.toks
	j := k + 1
	switch verb {
	case "update":
		j = ty.fromItem(j, hi, sc)
		ty.fromList(j, hi, sc, false)
		return j, nil
	case "delete":
		if j < hi && toks[j].Is("from") {
			j++
		}
		j = ty.fromItem(j, hi, sc)
		ty.fromList(j, hi, sc, true)
		return j, nil
	}
	if j >= hi || !toks[j].Is("into") {
		return j, nil
	}
	j++
	start := j
	table := ""
	for j < hi && isName(toks[j]) {
		table, _ = toks[j].Value()
		j++
		if j+1 < hi && toks[j].IsOp(".") && isName(toks[j+1]) {
			j++
			continue
		}
		break
	}
	if table == "" {
		return j, nil
	}
	alias := table
	if j+1 < hi && toks[j].Is("as") && isName(toks[j+1]) {
		alias, _ = toks[j+1].Value()
		j += 2
	}
	sc.items = append(sc.items, fromItem{table: table, alias: alias},
		fromItem{table: table, alias: "excluded", pseudo: true})
	var cols []string
	if c := ty.closeOf(j, hi); c > 0 {
		for _, r := range splitRanges(toks, j+1, c) {
			name := ""
			if r[1] > r[0] && isName(toks[r[0]]) {
				name, _ = toks[r[0]].Value()
			}
			cols = append(cols, name)
		}
		j = c + 1
	} else if ty.opts.TableColumns != nil {
		cols = ty.opts.TableColumns(table)
	}
	ty.skipRange(start, j)
	if ty.opts.ColumnType == nil || len(cols) == 0 {
		return j, nil
	}
	types := make([]string, len(cols))
	for i, c := range cols {
		if c != "" {
			types[i] = ty.opts.ColumnType(table, c)
		}
	}
	return j, types
}

func (ty *typer) skipRange(from, to int) {
	if to > from && ty.toks[from].Kind != Punct {
		ty.info[from].close = int32(to)
	}
}

// fromList reads the FROM items of the query level that goes on at j
// (the tokens after SELECT, or after UPDATE's or DELETE's target) into
// sc: the tables after FROM, JOIN and commas in the FROM list, and for
// DELETE after USING. It stops where the level's FROM list ends.
func (ty *typer) fromList(j, hi int, sc *scope, using bool) *scope {
	toks := ty.toks
	inFrom := false
	for j < hi {
		t := toks[j]
		if c := ty.closeOf(j, hi); c > 0 {
			j = c + 1
			continue
		}
		switch {
		case t.IsOp(",") && inFrom, t.Is("join"):
			j = ty.fromItem(j+1, hi, sc)
			continue
		case t.Is("from") && !(j > 0 && toks[j-1].Is("distinct")),
			t.Is("using") && using && !(j+1 < hi && toks[j+1].IsOp("(")):
			inFrom = true
			j = ty.fromItem(j+1, hi, sc)
			continue
		}
		if ty.wordAt(j).fromEnd {
			return sc
		}
		j++
	}
	return sc
}

var fromListEnd = setOf("where", "group", "having", "window", "order", "limit", "offset", "fetch",
	"for", "union", "intersect", "except", "returning")

// fromItem reads one FROM item at j: [LATERAL] [ONLY] name [*], a
// subquery or a function call, with an optional alias and column aliases.
// The name and alias of a table are skipped by the walk (they are not
// column references); subqueries and function arguments are walked.
func (ty *typer) fromItem(j, hi int, sc *scope) int {
	toks := ty.toks
	lateral := false
	for j < hi && (toks[j].Is("lateral") || toks[j].Is("only")) {
		lateral = lateral || toks[j].Is("lateral")
		j++
	}
	if j >= hi {
		return j
	}
	start := j
	var it fromItem
	plain := false
	switch {
	case toks[j].IsOp("("):
		c := ty.closeOf(j, hi)
		if c < 0 {
			return j
		}
		if isQueryStart(toks[j+1]) {
			it.cols = ty.derivedTable(j, c, sc, lateral)
		}
		it.opaque = it.cols == nil
		j = c + 1
	case isName(toks[j]) && ty.atom(j):
		for j < hi && isName(toks[j]) {
			it.table, _ = toks[j].Value()
			j++
			if j+1 < hi && toks[j].IsOp(".") && isName(toks[j+1]) {
				j++
				continue
			}
			break
		}
		if c := ty.closeOf(j, hi); c > 0 {
			it.opaque = true // a function in FROM
			j = c + 1
		} else {
			plain = true
			if cols, ok := ty.ctes[it.table]; ok && j == start+1 {
				it.cols, it.opaque = cols, cols == nil
			}
			if j < hi && toks[j].IsOp("*") {
				j++
			}
		}
	default:
		return j
	}
	nameEnd := j
	if j < hi && toks[j].Is("as") {
		j++
	}
	if j < hi && isName(toks[j]) && ty.atom(j) {
		it.alias, _ = toks[j].Value()
		j++
		if c := ty.closeOf(j, hi); c > 0 {
			it.cols = renamed(it.cols, ty.nameList(j, c)) // columns renamed
			it.opaque = it.cols == nil
			j = c + 1
		}
	} else if j > nameEnd {
		j = nameEnd // AS not followed by a name: leave it
	}
	if it.alias == "" {
		it.alias = it.table
	}
	sc.items = append(sc.items, it)
	if plain {
		ty.skipRange(start, j)
	} else {
		ty.skipRange(nameEnd, j)
	}
	return j
}

// derivedTable types the subquery in FROM between the parentheses at
// open and c, with the enclosing levels in scope (and, for LATERAL, the
// FROM items before it), and returns its columns. The walk then skips it.
func (ty *typer) derivedTable(open, c int, sc *scope, lateral bool) []outputColumn {
	if ty.derived == nil {
		ty.derived = map[int]bool{}
	}
	ty.derived[open] = true
	saved := ty.sc
	ty.sc = sc.parent
	if lateral {
		ty.sc = sc
	}
	cols := ty.relation(open+1, c)
	ty.sc = saved
	return cols
}

// relation types the query toks[lo:hi] of a derived table or CTE and
// returns its result columns, named as PostgreSQL names them (an alias,
// else FigureColname's name; columnN for VALUES). It returns nil when
// they cannot be told (*, a leading parenthesised branch).
func (ty *typer) relation(lo, hi int) []outputColumn {
	items, ok := ty.clauses(lo, hi)
	at := ty.listed
	if !ok || len(items) == 0 {
		return nil
	}
	var names []string
	switch {
	case at.values:
		names = make([]string, len(items))
		for i := range names {
			names[i] = "column" + strconv.Itoa(i+1)
		}
	case at.lo < at.hi:
		names = outputNames(ty.toks, at.lo, at.hi)
	}
	if len(names) != len(items) {
		return nil
	}
	cols := make([]outputColumn, len(items))
	for i, it := range items {
		if it.star {
			return nil
		}
		typ := it.typ
		if it.param > 0 {
			typ = ty.paramType(it.param)
		}
		// SQLite types a compound subquery's column by one branch
		// only: give the unified type.
		cols[i] = outputColumn{name: names[i], typ: typ, ref: it.ref && !at.setOp}
	}
	return cols
}

// nameList reads the names in the parenthesised list at open (column
// aliases); a name it cannot read is "".
func (ty *typer) nameList(open, c int) []string {
	var names []string
	for _, r := range splitRanges(ty.toks, open+1, c) {
		name := ""
		if r[1] == r[0]+1 && isName(ty.toks[r[0]]) {
			name, _ = ty.toks[r[0]].Value()
		}
		names = append(names, name)
	}
	return names
}

// renamed returns cols with the first len(names) columns renamed, or nil
// when cols is unknown or has fewer columns than names.
func renamed(cols []outputColumn, names []string) []outputColumn {
	if cols == nil || len(names) > len(cols) {
		return nil
	}
	out := append([]outputColumn(nil), cols...)
	for i, n := range names {
		out[i].name = n
	}
	return out
}

// column returns what the typer knows of the column reference qual.col
// (qual may be ""), resolved against the FROM items of the current level
// and then of the enclosing ones. An unqualified name is the column of the
// one item that has it; when no item of a level has it, the enclosing
// level is tried only if the level's items show that none has it.
func (ty *typer) column(qual, col string) operand {
	ct := ty.opts.ColumnType
	unknown := operand{ref: true}
	for sc := ty.sc; sc != nil; sc = sc.parent {
		if qual != "" {
			for i := range sc.items {
				it := &sc.items[i]
				if it.alias != qual {
					continue
				}
				switch {
				case it.cols != nil:
					if op, ok := it.column(col); ok {
						return op
					}
					return unknown
				case it.opaque || ct == nil:
					return unknown
				}
				return operand{typ: ct(it.table, col), ref: true}
			}
			continue
		}
		found, hits := unknown, 0
		for i := range sc.items {
			it := &sc.items[i]
			switch {
			case it.cols != nil:
				if op, ok := it.column(col); ok {
					found, hits = op, hits+1
				}
			case it.opaque || it.pseudo || ct == nil:
			default:
				if t := ct(it.table, col); t != "" {
					found, hits = operand{typ: t, ref: true}, hits+1
				}
			}
		}
		if hits > 0 {
			if hits == 1 {
				return found
			}
			return unknown
		}
		if !ty.lacks(sc, col) {
			return unknown
		}
	}
	return unknown
}

// column returns the derived table's column col: its type, and whether
// SQLite reports a declared type for it. A name two columns share is
// ambiguous, so unknown.
func (it *fromItem) column(col string) (operand, bool) {
	var op operand
	n := 0
	for _, c := range it.cols {
		if c.name == col {
			op, n = operand{typ: c.typ, ref: c.ref}, n+1
		}
	}
	if n > 1 {
		return operand{}, true
	}
	return op, n == 1
}

// lacks reports whether sc's items show that none of them has col: the
// columns of derived tables and CTEs, and TableColumns for tables.
func (ty *typer) lacks(sc *scope, col string) bool {
	for i := range sc.items {
		it := &sc.items[i]
		if it.pseudo {
			continue
		}
		if it.cols != nil {
			if _, ok := it.column(col); ok {
				return false
			}
			continue
		}
		if it.opaque || ty.opts.TableColumns == nil {
			return false
		}
		cols := ty.opts.TableColumns(it.table)
		if len(cols) == 0 {
			return false
		}
		for _, c := range cols {
			if c == col {
				return false
			}
		}
	}
	return true
}
