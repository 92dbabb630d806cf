package dialect

// Result column names. PostgreSQL names an unaliased result column after
// what it computes (FigureColname in parse_target.c): count(*) is "count",
// now() "now", x::int "x", '1'::int "int4", CASE "case", a constant or an
// operator "?column?". SQLite names it after the expression's text, which
// the translation has changed anyway (now() is strftime(...)). Clients read
// rows by column name (node-postgres row.count, pgx RowToStructByName), so
// the translator gives such columns PostgreSQL's name with AS "name". Plain
// column references keep no alias: SQLite already reports the column's
// name.

var sqlValueKeywords = setOf("current_date", "current_time", "current_timestamp", "localtime",
	"localtimestamp", "current_role", "current_user", "user", "session_user", "current_catalog",
	"current_schema")

// Names PostgreSQL's parser gives the built-in types (typname).
var internalTypeNames = map[string]string{
	"integer": "int4", "bigint": "int8", "smallint": "int2", "real": "float4",
	"double precision": "float8", "boolean": "bool", "character varying": "varchar",
	"character": "bpchar", "timestamp without time zone": "timestamp",
	"timestamp with time zone": "timestamptz", "time without time zone": "time",
	"time with time zone": "timetz", "bit varying": "varbit",
}

func (t pgType) typname() string {
	c := pgType{name: t.name, quoted: t.quoted, zone: t.zone, mods: t.mods}.canonical()
	if n, ok := internalTypeNames[c]; ok {
		return n
	}
	if t.quoted {
		return t.name
	}
	return c
}

// nameColumns adds AS "name" to the unaliased items of the statement's
// result list: the top-level SELECT list, or RETURNING.
func (tr *translator) nameColumns() {
	toks := tr.toks
	start, end := -1, len(toks)
	groupBy := false
	depth := 0
	for i, t := range toks {
		switch {
		case t.IsOp("(") || t.IsOp("["):
			depth++
		case t.IsOp(")") || t.IsOp("]"):
			depth--
		case depth != 0:
		case t.Is("group") && i+1 < len(toks) && toks[i+1].Is("by"):
			groupBy = true
		case start < 0 && (t.Is("returning") || t.Is("select") && tr.res.Info.Command == CmdSelect):
			start = i + 1
			if t.Is("select") {
				start, end = selectList(toks, i)
			}
		}
	}
	if start < 0 {
		return
	}
	for _, r := range splitRanges(toks, start, end) {
		s, e := r[0], r[1]
		if s >= e || toks[e-1].IsOp("*") || exprEnd(toks, s, e, 0) != e {
			continue // empty, t.*, or already aliased
		}
		name, strength, fromColumn := figureColname(toks, s, e)
		if name == "" || strength == 2 && fromColumn && isColumnRef(toks[s:e]) || groupBy && fromColumn {
			continue
		}
		// Outermost: after every other rewrite that ends at this token.
		tr.post[e-1] = append(tr.post[e-1], affix{text: " AS " + quoteIdent(name), start: -1})
	}
}

// selectList returns the range of the select list of the SELECT at i.
func selectList(toks []Token, i int) (int, int) {
	c := &cursor{toks: toks, i: i + 1}
	if c.accept("distinct") {
		if c.accept("on") && c.is("(") {
			c.skipGroup()
		}
	} else {
		c.accept("all")
	}
	start := c.i
	depth := 0
	for j := start; j < len(toks); j++ {
		t := toks[j]
		switch {
		case t.IsOp("(") || t.IsOp("["):
			depth++
		case t.IsOp(")") || t.IsOp("]"):
			if depth == 0 {
				return start, j
			}
			depth--
		case depth == 0 && t.Is("from") && j > 0 && toks[j-1].Is("distinct"):
			// IS [NOT] DISTINCT FROM
		case depth == 0 && t.Kind == Ident && listEnd[foldIdent(t.Text)]:
			return start, j
		}
	}
	return start, len(toks)
}

var listEnd = setOf("from", "into", "where", "group", "having", "window", "order", "limit",
	"offset", "fetch", "for", "union", "intersect", "except")

// outputNames returns PostgreSQL's names for the items of the select list
// (or RETURNING list) toks[lo:hi]: the alias, else FigureColname's.
func outputNames(toks []Token, lo, hi int) []string {
	var names []string
	for _, r := range splitRanges(toks, lo, hi) {
		name := ""
		switch {
		case r[0] >= r[1]:
		case exprEnd(toks, r[0], r[1], 0) < r[1]:
			name, _ = toks[r[1]-1].Value() // its alias
		default:
			name, _, _ = figureColname(toks, r[0], r[1])
		}
		names = append(names, name)
	}
	return names
}

func isColumnRef(toks []Token) bool {
	for k, t := range toks {
		if k%2 == 1 {
			if !t.IsOp(".") {
				return false
			}
		} else if !(t.Kind == Ident && isAtom(t) && !sqlValueKeywords[foldIdent(t.Text)] ||
			t.Kind == QuotedIdent || t.Kind == UnicodeIdent || keywordColumn(toks, k, k, len(toks))) {
			return false
		}
	}
	return len(toks)%2 == 1
}

// figureColname returns PostgreSQL's name for the expression toks[s:e],
// its strength (2: a name, 1: a fallback such as a type name, 0:
// "?column?") and whether the name comes from a column reference.
func figureColname(toks []Token, s, e int) (string, int, bool) {
	if e-s == 1 {
		t := toks[s]
		switch t.Kind {
		case Ident:
			v := foldIdent(t.Text)
			switch {
			case sqlValueKeywords[v]:
				return v, 2, false
			case v == "true" || v == "false":
				return "bool", 1, false
			case isAtom(t) && v != "null", keywordColumn(toks, s, s, e):
				return v, 2, true
			}
		case QuotedIdent, UnicodeIdent:
			v, _ := t.Value()
			return v, 2, true
		}
		return "?column?", 0, false
	}
	if isColumnRef(toks[s:e]) {
		v, _ := toks[e-1].Value()
		return v, 2, true
	}
	first := toks[s]
	if first.IsOp("(") && matchClose(toks[:e], s) == e-1 {
		if toks[s+1].Is("select") {
			ls, le := selectList(toks[:e-1], s+1)
			if items := splitRanges(toks, ls, le); len(items) > 0 && items[0][0] < items[0][1] {
				r := items[0]
				if end := exprEnd(toks, r[0], r[1], 0); end < r[1] {
					v, _ := toks[r[1]-1].Value() // its alias
					return v, 2, false
				}
				n, st, _ := figureColname(toks, r[0], r[1])
				return n, st, false
			}
			return "?column?", 0, false
		}
		return figureColname(toks, s+1, e-1)
	}
	// A trailing cast: x::type.
	for k := e - 2; k > s; k-- {
		if !toks[k].IsOp("::") {
			continue
		}
		c := &cursor{toks: toks[:e], i: k + 1}
		if typ, ok := parseType(c); ok && c.i == e && first.Kind != Operator && exprEnd(toks, s, k, precCast) == k {
			if n, st, col := figureColname(toks, s, k); st == 2 {
				return n, 2, col
			}
			return typ.typname(), 1, false
		}
		break
	}
	if first.Kind == Ident {
		switch v := foldIdent(first.Text); {
		case v == "cast" && toks[s+1].IsOp("(") && matchClose(toks[:e], s+1) == e-1:
			for k, depth := s+2, 0; k < e-1; k++ {
				if toks[k].IsOp("(") {
					depth++
				} else if toks[k].IsOp(")") {
					depth--
				} else if depth == 0 && toks[k].Is("as") {
					if n, st, col := figureColname(toks, s+2, k); st == 2 {
						return n, 2, col
					}
					c := &cursor{toks: toks[:e-1], i: k + 1}
					if typ, ok := parseType(c); ok {
						return typ.typname(), 1, false
					}
					break
				}
			}
			return "?column?", 0, false
		case v == "case" && matchEnd(toks[:e], s) == e-1:
			depth := 0
			for k := s; k < e-1; k++ {
				switch {
				case toks[k].Is("case"):
					depth++
				case toks[k].Is("end"):
					depth--
				case depth == 1 && toks[k].Is("else"):
					if n, st, col := figureColname(toks, k+1, e-1); st == 2 {
						return n, 2, col
					}
				}
			}
			return "case", 1, false
		case literalTypes[v] && toks[e-1].Kind.IsString():
			c := &cursor{toks: toks[:e], i: s}
			if typ, ok := parseType(c); ok && c.i == e-1 {
				return typ.typname(), 1, false
			}
		}
	}
	// ARRAY[...], ARRAY(subquery); a subscript names the column by its array.
	if first.Is("array") && (toks[s+1].IsOp("[") || toks[s+1].IsOp("(")) && matchClose(toks[:e], s+1) == e-1 {
		return "array", 2, false
	}
	if toks[e-1].IsOp("]") {
		if k := matchOpen(toks[:e], e-1); k > s {
			if n, st, col := figureColname(toks, s, k); st == 2 {
				return n, 2, col
			}
		}
		return "?column?", 0, false
	}
	// A function call, possibly qualified, with FILTER/OVER after it.
	if first.Kind == Ident || first.Kind == QuotedIdent {
		k := s
		for k+2 < e && toks[k+1].IsOp(".") {
			k += 2
		}
		if k+1 < e && toks[k+1].IsOp("(") && (toks[k].Kind != Ident || isAtom(toks[k]) || toks[k].Is("exists")) &&
			exprEnd(toks, s, e, precCast) == e {
			v, _ := toks[k].Value()
			if v == "trim" && k == s { // PostgreSQL 15 calls the functions behind it
				v = "btrim"
				if toks[k+2].Is("leading") || toks[k+2].Is("trailing") {
					v = map[string]string{"leading": "ltrim", "trailing": "rtrim"}[foldIdent(toks[k+2].Text)]
				}
			}
			return v, 2, false
		}
	}
	// (record).field
	if e-s >= 4 && isName(toks[e-1]) && toks[e-2].IsOp(".") && toks[e-3].IsOp(")") && matchOpen(toks[:e-2], e-3) == s {
		v, _ := toks[e-1].Value()
		return v, 2, false
	}
	// x COLLATE name
	for k := s + 1; k < e; k++ {
		if toks[k].Is("collate") && exprEnd(toks, s, k, precCollate+1) == k {
			return figureColname(toks, s, k)
		}
	}
	return "?column?", 0, false
}
