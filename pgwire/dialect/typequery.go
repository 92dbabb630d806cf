package dialect

// Result and parameter types. The session must describe a statement
// (RowDescription, ParameterDescription) before running it, and SQLite
// reports a declared type only for result columns that are plain column
// references. So the translator types the rest the way PostgreSQL's
// parser would, in a simplified form: literals, casts, operators,
// functions and column references resolved through Options.ColumnType.
// Typing is best effort and never fails a translation: a type that cannot
// be told is "", which the session reports as unknown (parameters) or
// takes from SQLite (plain column references).
//
// The walk reads the PostgreSQL tokens, not the translation. This file
// handles statements and query levels: WITH, SELECT lists, VALUES rows,
// INSERT, UPDATE and DELETE, RETURNING, LIMIT and OFFSET. typescope.go
// resolves column references through FROM items, typeof.go parses
// expressions, typerules.go holds the rules of operators and common types,
// typefuncs.go the functions and typewords.go the keywords.

// operand is what the typer knows about an expression.
type operand struct {
	typ   string // canonical PostgreSQL type; "" when it cannot be told
	param int    // > 0: the expression is the bare parameter $param
	lit   bool   // an untyped constant: a string literal (typ "text") or NULL (typ "")
	ref   bool   // a plain column reference
	star  bool   // * or t.*
	quant bool   // ANY/ALL/SOME (...)
	str   int    // > 0: the expression is the string constant at token str-1
}

type typer struct {
	toks   []Token
	opts   Options
	hints  map[int]string // ParamHints: explicit casts, which win
	params map[int]string // inferred parameter types
	info   []tokenInfo
	sc     *scope
	ctes   map[string][]outputColumn // nil: columns unknown
	// derived holds the opening parentheses of the derived tables typed
	// with their FROM item, which the walk skips.
	derived map[int]bool
	// listed is where the level clauses last returned from listed its
	// result columns, which name them.
	listed listRange
	stack  []operand // the elements of lists being typed (see list)
	depth  int
	// lits maps the string constants (token indexes) that meet a column
	// of a type in literalTargets to that type (coerce.go); assigned
	// lists those that INSERT's target columns gave, in order.
	lits     map[int]string
	assigned []int
	// dateOps lists the arithmetic on date and time values (datearith.go).
	dateOps []dateOp
	// typeofs lists the pg_typeof calls with their argument's type.
	typeofs []typeofCall
}

// typeofCall is pg_typeof(x) spanning toks[name:close+1]: PostgreSQL's
// name for x's type, which the translator writes as a constant.
type typeofCall struct {
	name, close int
	typ         string
}

// listRange is where a query level's result columns are listed: the
// select list of its first branch or RETURNING, toks[lo:hi] (lo == hi when
// not known), or VALUES rows. setOp: the level has UNION, INTERSECT or
// EXCEPT.
type listRange struct {
	lo, hi        int
	values, setOp bool
}

// tokenInfo is what the typer notes about each token before the walk.
type tokenInfo struct {
	// close is, for ( and [, the index of the token closing it; for the
	// first token of a FROM item's name or alias, where the walk resumes
	// after it (they are not column references); otherwise -1.
	close int32
	word  uint16 // the word in wordTable, or 0
}

// maxTypingDepth bounds the typer's recursion (nested parentheses,
// subqueries); deeper parts stay untyped.
const maxTypingDepth = 100

// recoverTyping turns a panic in the typer into "no types" in production;
// tests turn it off so that bugs surface.
var recoverTyping = true

// types fills Result.ColumnTypes and Result.ParamTypes.
func (tr *translator) types() {
	info := tr.res.Info
	switch info.Command {
	case CmdSelect, CmdValues, CmdInsert, CmdUpdate, CmdDelete:
	default:
		return
	}
	if recoverTyping {
		defer func() {
			if recover() != nil {
				tr.res.ColumnTypes, tr.res.ParamTypes, tr.targets = nil, nil, nil
			}
		}()
	}
	cols, params, lits, ty := typeStatement(tr.toks, tr.opts, tr.res.ParamHints)
	tr.dateOps, tr.typeofs = ty.dateOps, ty.typeofs
	if info.ReturnsRows {
		tr.res.ColumnTypes = cols
	}
	tr.res.ParamTypes = params
	for i, typ := range lits {
		tr.literalTarget(i, typ)
	}
}

// typeStatement types the result columns and the parameters of the
// statement made of the significant tokens toks, and finds the string
// constants that meet typed columns.
func typeStatement(toks []Token, opts Options, hints map[int]string) ([]string, map[int]string, map[int]string, *typer) {
	ty := &typer{toks: toks, opts: opts, hints: hints, info: scan(toks)}
	items, ok := ty.clauses(0, len(toks))
	var cols []string
	if ok && len(items) > 0 {
		cols = make([]string, len(items))
		for i, it := range items {
			if it.star {
				cols = nil
				break
			}
			cols[i] = ty.resultType(it)
		}
	}
	if len(ty.params) == 0 {
		return cols, nil, ty.lits, ty
	}
	return cols, ty.params, ty.lits, ty
}

// scan matches every ( and [ with the token that closes it and looks up
// the words.
func scan(toks []Token) []tokenInfo {
	info := make([]tokenInfo, len(toks))
	var stack [16]int32
	open := stack[:0]
	for i, t := range toks {
		info[i] = tokenInfo{close: -1, word: lookupWord(t)}
		if t.Kind != Punct {
			continue
		}
		switch t.Text {
		case "(", "[":
			open = append(open, int32(i))
		case ")", "]":
			if len(open) > 0 {
				info[open[len(open)-1]].close = int32(i)
				open = open[:len(open)-1]
			}
		}
	}
	return info
}

// closeOf returns the index of the token closing the group at k, or -1
// when k is not an opening token or the group does not end before hi.
func (ty *typer) closeOf(k, hi int) int {
	if k >= hi || !(ty.toks[k].IsOp("(") || ty.toks[k].IsOp("[")) {
		return -1
	}
	if c := int(ty.info[k].close); c > k && c < hi {
		return c
	}
	return -1
}

// resultType is the ColumnTypes entry of a result column.
func (ty *typer) resultType(op operand) string {
	switch {
	case op.ref:
		return "" // SQLite reports the declared type
	case op.param > 0:
		return ty.paramType(op.param)
	}
	return op.typ
}

func (ty *typer) paramType(n int) string {
	if t, ok := ty.hints[n]; ok {
		return t
	}
	return ty.params[n]
}

// record notes that parameter n has type typ. The first inference wins,
// as in PostgreSQL, except that an integer type widens, so that a value
// fits every place the parameter is used.
func (ty *typer) record(n int, typ string) {
	if n <= 0 || typ == "" {
		return
	}
	if _, ok := ty.hints[n]; ok {
		return
	}
	if old, ok := ty.params[n]; ok {
		if intRank(old) > 0 && intRank(typ) > intRank(old) {
			ty.params[n] = typ
		}
		return
	}
	if ty.params == nil {
		ty.params = map[int]string{}
	}
	ty.params[n] = typ
}

// clauses walks one query level, toks[lo:hi] (a whole statement or the
// inside of parentheses), and returns its result columns: the SELECT list
// (unified over UNION branches), the VALUES rows, or RETURNING. ok is
// false when the level has none.
func (ty *typer) clauses(lo, hi int) ([]operand, bool) {
	if ty.depth >= maxTypingDepth {
		return nil, false
	}
	ty.depth++
	outer := ty.sc
	defer func() { ty.sc, ty.depth = outer, ty.depth-1 }()
	toks := ty.toks
	var result []operand
	have, setOp, unsure := false, false, false
	first := ""         // the statement at this level: select, values, insert, update, delete
	var stmt *scope     // the scope of INSERT, UPDATE or DELETE
	var target []string // types of INSERT's target columns, for VALUES or SELECT
	assignedAt := -1    // where this level's INSERT constants start in ty.assigned
	var listed listRange
	take := func(items []operand) {
		switch {
		case !have:
			result, have = items, true
		case setOp:
			result = unify(result, items)
		}
		setOp = false
	}
	for k := lo; k < hi; {
		t := toks[k]
		if e := int(ty.info[k].close); e > k && t.Kind != Punct {
			k = e // a FROM item's name
			continue
		} else if e > k && ty.derived[k] {
			k = e + 1 // a derived table, typed with its FROM item
			continue
		}
		w := ty.wordAt(k).name
		switch {
		case w == "with" && ty.isWith(k, hi):
			k = ty.with(k, hi)
		case w == "select":
			if first == "" {
				first = "select"
			}
			ty.sc = ty.fromList(k+1, hi, &scope{parent: outer}, false)
			ls, le := selectList(toks[:hi], k)
			items := ty.itemList(ls, le)
			if target != nil {
				assignedAt = len(ty.assigned)
				ty.assign(items, target)
				target = nil
			} else if first == "select" || first == "values" {
				if !have && !setOp {
					listed = listRange{lo: ls, hi: le}
				}
				take(items)
			}
			k = max(le, k+1)
		case w == "values" && k+1 < hi && toks[k+1].IsOp("("):
			if first == "" {
				first = "values"
			}
			if target != nil {
				assignedAt = len(ty.assigned)
			}
			rows, n := ty.values(k, hi, target, target == nil && (first == "select" || first == "values"))
			if target != nil {
				target = nil
			} else if first == "select" || first == "values" {
				if !have && !setOp {
					listed = listRange{values: true}
				}
				take(rows)
			}
			k = max(n, k+1)
		case (w == "insert" || w == "update" || w == "delete") && (k == lo || toks[k-1].IsOp("(") || toks[k-1].IsOp(")")) &&
			!keywordColumn(toks, lo, k, hi):
			if first == "" {
				first = w
			}
			stmt = &scope{parent: outer}
			k, target = ty.target(w, k, hi, stmt)
			ty.sc = stmt
		case w == "returning" && stmt != nil:
			ty.sc = stmt
			items := ty.itemList(k+1, hi)
			if !have {
				result, have = items, true
				listed = listRange{lo: k + 1, hi: hi}
			}
			k = hi
		case w == "on" && stmt != nil && k+1 < hi && toks[k+1].Is("conflict"):
			ty.sc = stmt
			k += 2
		case w == "union" || w == "intersect" || w == "except":
			setOp, listed.setOp = true, true
			if assignedAt >= 0 {
				// PostgreSQL resolves the branches' constants to text
				// before they meet INSERT's columns: leave them.
				for _, i := range ty.assigned[assignedAt:] {
					delete(ty.lits, i)
				}
				ty.assigned, assignedAt = ty.assigned[:assignedAt], -1
			}
			k++
			if k < hi && (toks[k].Is("all") || toks[k].Is("distinct")) {
				k++
			}
			if k < hi && toks[k].IsOp("(") {
				unsure = true // a parenthesised branch: its types are not unified
			}
		case w == "limit" || w == "offset":
			k = ty.bigint(k+1, hi)
		case w == "fetch" && k+1 < hi && (toks[k+1].Is("first") || toks[k+1].Is("next")):
			k = ty.bigint(k+2, hi)
		default:
			_, n := ty.expr(k, hi, 0)
			k = max(n, k+1)
		}
	}
	if unsure {
		for i := range result {
			result[i] = operand{star: result[i].star}
		}
	}
	ty.listed = listed
	return result, have
}

// bigint types the LIMIT, OFFSET or FETCH count at j: a parameter there is
// a bigint.
func (ty *typer) bigint(j, hi int) int {
	op, n := ty.expr(j, hi, 0)
	ty.typeParam(op, "bigint")
	return max(n, j)
}

// itemList types a SELECT list or RETURNING list: expressions with
// optional aliases, separated by commas.
func (ty *typer) itemList(lo, hi int) []operand {
	toks := ty.toks
	var items []operand
	for j := lo; j < hi; {
		var op operand
		n := j
		if toks[j].IsOp("*") {
			op, n = operand{star: true}, j+1
		} else {
			op, n = ty.expr(j, hi, 0)
		}
		switch {
		case n+1 < hi && toks[n].Is("as"):
			n += 2
		case n < hi && n > j && isName(toks[n]) && ty.atom(n):
			n++ // a bare alias
		}
		if n < hi && !toks[n].IsOp(",") {
			op = operand{star: op.star} // something the typer does not follow
			n = ty.rest(n, hi)
		}
		items = append(items, op)
		j = n + 1
	}
	return items
}

// list types the comma-separated expressions in toks[lo:hi] (function
// arguments, a VALUES row, an IN list). An element the typer does not
// follow to its end is unknown, except that the keyword forms of function
// arguments (substring(x FROM 2), position(a IN b)) keep their first
// operand. The elements are pushed on ty.stack, so that typing a large
// statement allocates little: the caller notes len(ty.stack) before and
// truncates the stack back to it when done with them.
func (ty *typer) list(lo, hi int) []operand {
	base := len(ty.stack)
	if lo >= hi {
		return nil
	}
	toks := ty.toks
	for j := lo; ; {
		op, n := ty.expr(j, hi, 0)
		if n < hi && !toks[n].IsOp(",") {
			if !(n > j && (toks[n].Is("from") || toks[n].Is("for") || toks[n].Is("in") || toks[n].Is("placing"))) {
				op = operand{}
			}
			n = ty.rest(n, hi)
		}
		ty.stack = append(ty.stack, op)
		if n >= hi {
			return ty.stack[base:]
		}
		j = n + 1
	}
}

// rest walks the tokens from j to the next comma at this level (or hi),
// typing the expressions in them for their parameters.
func (ty *typer) rest(j, hi int) int {
	for j < hi && !ty.toks[j].IsOp(",") {
		_, n := ty.expr(j, hi, 0)
		j = max(n, j+1)
	}
	return j
}

// values types VALUES (...), (...) at k. target holds the types of
// INSERT's columns, which the parameters of each row take; when want is
// set the rows' types are unified as the result columns.
func (ty *typer) values(k, hi int, target []string, want bool) ([]operand, int) {
	toks := ty.toks
	var result []operand
	rows := 0
	j := k + 1
	for j < hi && toks[j].IsOp("(") {
		c := ty.closeOf(j, hi)
		if c < 0 {
			break
		}
		base := len(ty.stack)
		row := ty.list(j+1, c)
		ty.assign(row, target)
		if want {
			if rows == 0 {
				result = append([]operand(nil), row...)
			} else {
				result = unify(result, row)
			}
		}
		ty.stack = ty.stack[:base]
		rows++
		j = c + 1
		if j < hi && toks[j].IsOp(",") {
			j++
		} else {
			break
		}
	}
	return result, j
}

// assign gives the bare parameters and string constants among items the
// types of the target columns in the same positions (INSERT ... VALUES,
// INSERT ... SELECT).
func (ty *typer) assign(items []operand, target []string) {
	for i, op := range items {
		if i < len(target) {
			ty.typeParam(op, target[i])
			if ty.noteLiteral(target[i], op) {
				ty.assigned = append(ty.assigned, op.str-1)
			}
		}
	}
}

// unify combines the result columns of two UNION branches or VALUES rows
// into a's slice: the common type of each position, as PostgreSQL
// resolves UNION and VALUES (integer and bigint give bigint). A plain
// column reference in the first branch stays one (SQLite reports the
// first branch's declared type) unless the types widen.
func unify(a, b []operand) []operand {
	for i := range a {
		if i >= len(b) {
			a[i] = operand{star: a[i].star}
			continue
		}
		c := commonOf([]operand{a[i], b[i]})
		a[i] = operand{typ: c.typ, lit: c.lit, ref: a[i].ref && c.typ == a[i].typ,
			star: a[i].star || b[i].star}
	}
	return a
}

// isWith reports a WITH that starts common table expressions (and not
// WITH TIME ZONE, WITH ORDINALITY, ...).
func (ty *typer) isWith(k, hi int) bool {
	j := k + 1
	if j < hi && ty.toks[j].Is("recursive") {
		j++
	}
	return j+1 < hi && isName(ty.toks[j]) && (ty.toks[j+1].Is("as") || ty.toks[j+1].IsOp("("))
}

// with walks WITH [RECURSIVE] name [(cols)] AS [NOT] [MATERIALIZED] (...),
// ... and notes the names with their columns, which hide the tables'. A
// recursive CTE's columns are unknown within its own body.
func (ty *typer) with(k, hi int) int {
	toks := ty.toks
	j := k + 1
	if j < hi && toks[j].Is("recursive") {
		j++
	}
	for j < hi && isName(toks[j]) {
		name, _ := toks[j].Value()
		j++
		var aliases []string
		if c := ty.closeOf(j, hi); c > 0 {
			aliases = ty.nameList(j, c)
			j = c + 1
		}
		if j >= hi || !toks[j].Is("as") {
			return j
		}
		j++
		if j < hi && toks[j].Is("not") {
			j++
		}
		if j < hi && toks[j].Is("materialized") {
			j++
		}
		c := ty.closeOf(j, hi)
		if c < 0 {
			return j
		}
		if ty.ctes == nil {
			ty.ctes = map[string][]outputColumn{}
		}
		ty.ctes[name] = nil
		cols := ty.relation(j+1, c)
		if aliases != nil {
			cols = renamed(cols, aliases)
		}
		ty.ctes[name] = cols
		j = c + 1
		if j >= hi || !toks[j].IsOp(",") {
			return j
		}
		j++
	}
	return j
}
