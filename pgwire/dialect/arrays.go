package dialect

import (
	"fmt"
	"strings"
)

// Arrays. SQLite has none; sqlraft stores and returns an array as
// PostgreSQL's text form ({a,"b c",NULL}), and int2vector and oidvector as
// their space-separated output ('1 2'). The array constructs PostgreSQL
// clients send (psql's \d and \du, pgjdbc, dbmate) become calls of
// functions that read and build that text, which the catalog registers on
// read connections (pgwire/catalog, arrays.go):
//
//	x = ANY (arr)                 pg_in_array(x, arr)
//	x <> ALL (arr)                (NOT pg_in_array(x, arr))
//	x = ANY (SELECT ...)          x IN (SELECT ...)
//	x = ANY (ARRAY[a, b])         x IN (a, b)
//	ARRAY[a, b]                   pg_array(a, b)
//	ARRAY(SELECT ...)             (WITH "pg array"(v) AS (SELECT ...) SELECT pg_array_agg(v) FROM "pg array")
//	arr[i]                        pg_array_get(arr, i)
//	f(...) [WITH ORDINALITY] [AS] a[(c1[, c2])] in FROM, f a set-returning
//	function:                     (SELECT f AS c1[, ordinality AS c2] FROM f(...)) AS a
//	pg_partition_ancestors(x) ... (SELECT x AS c1[, 1 AS c2]) AS a
//	SELECT f(unnest(arr))         SELECT f(unnest) FROM unnest(arr)
//
// Slices (arr[1:2]), multidimensional arrays and subscripts, and other
// quantified comparisons (x < ANY (...), x = ALL (...)) are rejected.

// Set-returning functions the catalog provides as table-valued functions
// (virtual tables whose first column has the function's name and whose
// hidden ordinality column numbers the rows), and the ones rewritten here.
var tableFunctions = setOf("generate_series", "unnest", "pg_partition_ancestors")

// arrayCTE names the common table expression ARRAY(subquery) reads from,
// a name no table is likely to have (the state machine reserves _sqlraft
// names, and refuses them in statements).
const arrayCTE = `"pg array"`

// quantified reports whether the comparison operator at s..e is followed
// by ANY, SOME or ALL and a parenthesis.
func (tr *translator) quantified(e, hi int) bool {
	if e+2 >= hi || !tr.toks[e+2].IsOp("(") {
		return false
	}
	q := tr.toks[e+1]
	return q.Is("any") || q.Is("some") || q.Is("all")
}

// anyAll rewrites x op ANY|SOME|ALL (...), the operator being tokens s..e
// (one token, or OPERATOR(pg_catalog.=)). Only = ANY and <> ALL are
// translated. PostgreSQL's NULL semantics carry over: pg_in_array is NULL
// when x is NULL or nothing matches and the array holds a NULL, false for
// an empty array, so NOT of it is <> ALL; NOT IN (subquery) is <> ALL
// (subquery).
func (tr *translator) anyAll(op string, s, e, lo, hi int) (int, error) {
	q := e + 1
	word := strings.ToUpper(foldIdent(tr.toks[q].Text))
	open := q + 1
	close := matchClose(tr.toks[:hi], open)
	if close < 0 {
		return 0, syntaxError(tr.toks[open])
	}
	neg := op == "<>" || op == "!="
	if !(word != "ALL" && op == "=" || word == "ALL" && neg) {
		return 0, unsupported(tr.toks[q].Pos, "%s %s (...) is not supported", op, word)
	}
	if s == lo || !endsOperandAt(tr.toks, lo, s-1) {
		return 0, syntaxError(tr.toks[s])
	}
	ls := exprStart(tr.toks, lo, s-1, precCompare+1)
	if ls < 0 || close == open+1 {
		return 0, syntaxError(tr.toks[s])
	}
	in := " IN "
	if neg {
		in = " NOT IN "
	}
	if isQueryStart(tr.toks[open+1]) {
		tr.replace(s, q, in)
		return open, nil
	}
	if tr.toks[open+1].Is("array") && tr.toks[open+2].IsOp("[") && matchClose(tr.toks[:hi], open+2) == close-1 {
		if err := tr.flatArray(open+2, close-1); err != nil {
			return 0, err
		}
		tr.replace(s, q, in)
		tr.replace(open+1, open+2, "")
		tr.replace(close-1, close-1, "")
		return open + 3, nil
	}
	if neg {
		tr.wrap(ls, close, "(NOT pg_in_array(", ")")
	} else {
		tr.wrap(ls, close, "pg_in_array(", "")
	}
	tr.replace(s, open, ", ")
	tr.gaps[s] = ""
	return open + 1, nil
}

// flatArray rejects ARRAY[[1, 2], [3, 4]] and ARRAY[ARRAY[...]]: the text
// functions handle one dimension.
func (tr *translator) flatArray(open, close int) error {
	if close == open+1 {
		return nil
	}
	for _, el := range splitTopLevel(tr.toks[open+1 : close]) {
		if len(el) == 0 {
			return syntaxError(tr.toks[close])
		}
		if el[0].IsOp("[") || len(el) > 1 && el[0].Is("array") && el[1].IsOp("[") {
			return unsupported(el[0].Pos, "multidimensional arrays are not supported")
		}
	}
	return nil
}

// arrayConstructor rewrites ARRAY[...] and ARRAY(subquery) at i.
func (tr *translator) arrayConstructor(i, hi int) (int, error) {
	close := matchClose(tr.toks[:hi], i+1)
	if close < 0 {
		return 0, syntaxError(tr.toks[i+1])
	}
	if tr.toks[i+1].IsOp("[") {
		if err := tr.flatArray(i+1, close); err != nil {
			return 0, err
		}
		tr.replace(i, i+1, "pg_array(")
		tr.replace(close, close, ")")
		return i + 2, nil
	}
	if close == i+2 || !isQueryStart(tr.toks[i+2]) && !tr.toks[i+2].IsOp("(") {
		return 0, syntaxError(tr.toks[i+2])
	}
	tr.replace(i, i+1, "(WITH "+arrayCTE+"(v) AS (")
	tr.replace(close, close, ") SELECT pg_array_agg(v) FROM "+arrayCTE+")")
	return i + 2, nil
}

// subscript rewrites arr[i] at the [ at i. PostgreSQL accepts subscripts
// after a column, a parameter or a parenthesised expression.
func (tr *translator) subscript(i, lo, hi int) (int, error) {
	t := tr.toks[i]
	if i == lo {
		return 0, unsupported(t.Pos, "arrays are not supported (SQLite reads [ as the start of a name)")
	}
	switch p := tr.toks[i-1]; {
	case p.Kind == Ident && isAtom(p), p.Kind == QuotedIdent, p.Kind == UnicodeIdent, p.Kind == Param, p.IsOp(")"):
	default:
		return 0, unsupported(t.Pos, "arrays are not supported (SQLite reads [ as the start of a name)")
	}
	close := matchClose(tr.toks[:hi], i)
	if close < 0 {
		return 0, syntaxError(t)
	}
	if close == i+1 {
		return 0, syntaxError(tr.toks[close])
	}
	for j, depth := i+1, 0; j < close; j++ {
		switch u := tr.toks[j]; {
		case u.IsOp("(") || u.IsOp("["):
			depth++
		case u.IsOp(")") || u.IsOp("]"):
			depth--
		case depth == 0 && u.IsOp(":"):
			return 0, unsupported(u.Pos, "array slices are not supported")
		}
	}
	if close+1 < hi && tr.toks[close+1].IsOp("[") {
		return 0, unsupported(tr.toks[close+1].Pos, "multidimensional subscripts are not supported")
	}
	os := exprStart(tr.toks, lo, i-1, precCast+1)
	if os < 0 {
		return 0, syntaxError(t)
	}
	tr.wrap(os, close, "pg_array_get(", "")
	tr.replace(i, i, ", ")
	tr.replace(close, close, ")")
	return i + 1, nil
}

// fromItem reports whether the function name at i (after an optional
// pg_catalog. prefix) starts an item of a FROM list.
func (tr *translator) fromItem(i, lo int) bool {
	p := i - 1
	if p-1 >= lo && tr.toks[p].IsOp(".") {
		if v, _ := tr.toks[p-1].Value(); v != "pg_catalog" {
			return false
		}
		p -= 2
	}
	if p < lo {
		return false
	}
	switch prev := tr.toks[p]; {
	case prev.Is("from"), prev.Is("join"), prev.Is("lateral"):
		return p == lo || !tr.toks[p-1].Is("distinct")
	case !prev.IsOp(","):
		return false
	}
	for k := p - 1; k >= lo; k-- {
		t := tr.toks[k]
		switch {
		case t.IsOp(")") || t.IsOp("]"):
			k = matchOpen(tr.toks[:k+1], k)
			if k < lo {
				return false
			}
		case t.IsOp("(") || t.IsOp("["):
			return false
		case t.Is("from"):
			return k == lo || !tr.toks[k-1].Is("distinct")
		case t.Kind == Ident && fromListStop[foldIdent(t.Text)]:
			return false
		}
	}
	return false
}

// Words that cannot stand between FROM and a later item of its list.
var fromListStop = setOf("select", "where", "group", "having", "window", "order", "limit", "offset",
	"fetch", "returning", "set", "values", "union", "intersect", "except", "into", "update", "insert",
	"delete")

// derivedColumnList rewrites a derived table with a column list, (query)
// [AS] alias(a, b), which SQLite cannot parse: the query goes under a
// compound whose first, empty arm names the columns,
//
//	(SELECT NULL AS a, NULL AS b WHERE 0 UNION ALL SELECT * FROM (query)) AS alias
//
// (a compound takes its column names from its first arm). It reports
// false when the parenthesis at i is not such a FROM item.
func (tr *translator) derivedColumnList(i, lo, hi int) (int, bool) {
	if !tr.fromItem(i, lo) {
		return 0, false
	}
	close := matchClose(tr.toks[:hi], i)
	if close < 0 || close == i+1 {
		return 0, false
	}
	k := close + 1
	if k < hi && tr.toks[k].Is("as") {
		k++
	}
	if k+1 >= hi || !(tr.toks[k].Kind == Ident && !boundaryWords[foldIdent(tr.toks[k].Text)] || tr.toks[k].Kind == QuotedIdent) ||
		!tr.toks[k+1].IsOp("(") {
		return 0, false
	}
	open := k + 1
	end := matchClose(tr.toks[:hi], open)
	if end < 0 || end == open+1 {
		return 0, false
	}
	var names []string
	for j := open + 1; j < end; j += 2 {
		t := tr.toks[j]
		if t.Kind != Ident && t.Kind != QuotedIdent || j+1 < end && !tr.toks[j+1].IsOp(",") {
			return 0, false
		}
		v, err := t.Value()
		if err != nil {
			return 0, false
		}
		if t.Kind == Ident {
			v = foldIdent(t.Text)
		}
		names = append(names, "NULL AS "+quoteIdent(v))
	}
	tr.out[i] = "(SELECT " + strings.Join(names, ", ") + " WHERE 0 UNION ALL SELECT * FROM ("
	tr.out[close] = "))"
	tr.replace(open, end, "")
	return i + 1, true
}

// tableFunction rewrites a set-returning function in a FROM list, at i,
// with its optional WITH ORDINALITY and alias. PostgreSQL names the
// function's column after the alias (or the function) unless a column
// list renames it, so the call is wrapped in a subquery that names the
// columns. A subquery in FROM cannot see the other items of its FROM list
// (SQLite has no LATERAL), so an argument may refer to enclosing queries
// but not to a table beside the function.
func (tr *translator) tableFunction(i, hi int) (int, error) {
	name := foldIdent(tr.toks[i].Text)
	open := i + 1
	close := matchClose(tr.toks[:hi], open)
	if close < 0 {
		return 0, syntaxError(tr.toks[open])
	}
	var args [][]Token
	if close > open+1 {
		args = splitTopLevel(tr.toks[open+1 : close])
	}
	k := close + 1
	ord := false
	if k+1 < hi && tr.toks[k].Is("with") && tr.toks[k+1].Is("ordinality") {
		ord, k = true, k+2
	}
	as := k < hi && tr.toks[k].Is("as")
	if as {
		k++
	}
	alias := ""
	var cols []string
	if k < hi && (tr.toks[k].Kind == Ident && !boundaryWords[foldIdent(tr.toks[k].Text)] ||
		tr.toks[k].Kind == QuotedIdent) {
		alias, _ = tr.toks[k].Value()
		k++
		if k < hi && tr.toks[k].IsOp("(") {
			cc := matchClose(tr.toks[:hi], k)
			if cc < 0 || cc == k+1 {
				return 0, syntaxError(tr.toks[k])
			}
			for _, c := range splitTopLevel(tr.toks[k+1 : cc]) {
				if len(c) != 1 || !(c[0].Kind == Ident || c[0].Kind == QuotedIdent) {
					return 0, syntaxError(tr.toks[k])
				}
				v, _ := c[0].Value()
				cols = append(cols, v)
			}
			k = cc + 1
		}
	} else if as {
		return 0, syntaxError(tr.toks[min(k, hi-1)])
	}
	if n := map[bool]int{false: 1, true: 2}[ord]; len(cols) > n {
		return 0, errorf(CodeSyntax, tr.toks[i].Pos, "too many column aliases specified for function %s", name)
	}
	switch name {
	case "unnest":
		if len(args) != 1 {
			return 0, unsupported(tr.toks[i].Pos, "unnest of several arrays is not supported")
		}
	case "pg_partition_ancestors":
		if len(args) != 1 {
			return 0, syntaxError(tr.toks[open])
		}
	}
	if alias == "" && !ord && name != "pg_partition_ancestors" {
		tr.out[i] = name // the table-valued function's column has its name
		return i + 1, nil
	}
	c1, c2 := name, "ordinality"
	if alias != "" {
		c1 = alias
	} else {
		alias = name
	}
	if len(cols) > 0 {
		c1 = cols[0]
	}
	if len(cols) > 1 {
		c2 = cols[1]
	}
	tail := ""
	if k > close+1 {
		tr.replace(close+1, k-1, "")
	}
	if name == "pg_partition_ancestors" {
		// sqlraft has no partitions: a relation's only ancestor is itself.
		if ord {
			tail = ", 1 AS " + quoteIdent(c2)
		}
		tr.replace(i, open, "(SELECT ")
		tr.replace(close, close, fmt.Sprintf(" AS %s%s) AS %s", quoteIdent(c1), tail, quoteIdent(alias)))
		return open + 1, nil
	}
	if ord {
		tail = ", ordinality AS " + quoteIdent(c2)
	}
	tr.out[i] = name
	tr.wrap(i, close, fmt.Sprintf("(SELECT %s AS %s%s FROM ", name, quoteIdent(c1), tail), ") AS "+quoteIdent(alias))
	return i + 1, nil
}

// Clauses after a select list.
var selectClauses = setOf("from", "where", "group", "having", "window", "order", "limit", "offset",
	"fetch", "union", "intersect", "except", "into", "for")

// selectUnnest rewrites a scalar unnest(arr) in the select list of a
// statement that is only SELECT list: PostgreSQL returns one row per
// element (dbmate sends select quote_ident(unnest($1::text[]))). The call
// becomes the column of the unnest table-valued function, read in a FROM
// clause added at the end. It reports false for any other statement,
// leaving unnest(...) for SQLite to reject (no such function).
func (tr *translator) selectUnnest(i, hi int) (int, bool) {
	toks := tr.toks
	if tr.unnestTail || !toks[0].Is("select") || hi != len(toks) {
		return 0, false
	}
	close := matchClose(toks, i+1)
	if close < 0 || close == i+2 {
		return 0, false
	}
	depth, unnests := 0, 0
	for k := 1; k < len(toks); k++ {
		t := toks[k]
		switch {
		case t.IsOp("(") || t.IsOp("["):
			depth++
		case t.IsOp(")") || t.IsOp("]"):
			depth--
		case t.Kind != Ident:
		case t.Is("unnest") && k+1 < len(toks) && toks[k+1].IsOp("("):
			unnests++
		case isQueryStart(t) || depth == 0 && selectClauses[foldIdent(t.Text)]:
			return 0, false // a subquery, FROM or another clause
		}
	}
	if unnests != 1 || len(splitTopLevel(toks[i+2:close])) != 1 {
		return 0, false
	}
	tr.unnestTail = true
	tr.nextID++
	id := tr.nextID
	for j := i + 1; j <= close; j++ {
		tr.hidden[j] = id
	}
	tr.out[i] = "unnest"
	tr.tail = append(tr.tail, func() string {
		return " FROM unnest(" + tr.render(i+2, close, id) + ")"
	})
	return i + 1, true
}
