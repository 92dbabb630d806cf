package dialect

// Scopes: the tables a query level's column references are resolved
// against. Each SELECT, and the target of INSERT, UPDATE and DELETE with
// UPDATE's FROM and DELETE's USING, opens a scope holding its FROM items
// by alias; a subquery's scope has the enclosing one as parent. Items
// whose columns the typer cannot know (subqueries, functions, CTEs,
// renamed columns) are opaque.

// fromItem is a table in a FROM list (or the target of INSERT, UPDATE,
// DELETE), known by its alias.
type fromItem struct {
	table, alias string
	opaque       bool // a subquery, function, CTE or renamed columns: its columns are unknown
	pseudo       bool // ON CONFLICT's "excluded": only for qualified references
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
	for j < hi && (toks[j].Is("lateral") || toks[j].Is("only")) {
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
		it.opaque = true
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
			it.opaque = j == start+1 && ty.ctes[it.table]
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
			it.opaque = true // columns renamed
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

// column returns the type of the column reference qual.col (qual may be
// ""), resolved against the FROM items of the current level and then of
// the enclosing ones. An unqualified name is the column of the one table
// that has it; when no table of a level has it, the enclosing level is
// tried only if TableColumns shows that none of the level's tables has it.
func (ty *typer) column(qual, col string) string {
	ct := ty.opts.ColumnType
	if ct == nil {
		return ""
	}
	for sc := ty.sc; sc != nil; sc = sc.parent {
		if qual != "" {
			for _, it := range sc.items {
				if it.alias == qual {
					if it.opaque {
						return ""
					}
					return ct(it.table, col)
				}
			}
			continue
		}
		found, hits := "", 0
		for _, it := range sc.items {
			if it.opaque || it.pseudo {
				continue
			}
			if t := ct(it.table, col); t != "" {
				found, hits = t, hits+1
			}
		}
		if hits > 0 {
			if hits == 1 {
				return found
			}
			return ""
		}
		if !ty.lacks(sc, col) {
			return ""
		}
	}
	return ""
}

// lacks reports whether TableColumns shows that no table of sc has col.
func (ty *typer) lacks(sc *scope, col string) bool {
	if ty.opts.TableColumns == nil {
		return false
	}
	for _, it := range sc.items {
		if it.pseudo {
			continue
		}
		if it.opaque {
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
