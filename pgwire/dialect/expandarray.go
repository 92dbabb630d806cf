package dialect

import (
	"fmt"
	"strings"
)

// information_schema._pg_expandarray(arr) in a select list. PostgreSQL's
// function returns a set of records (x, n): each element and its position
// from 1. A set-returning function in a select list repeats the row once
// per element (no row for an empty or NULL array), and several calls with
// the same argument advance in lockstep. pgjdbc's getPrimaryKeys and
// getIndexInfo rely on both:
//
//	SELECT ..., (information_schema._pg_expandarray(i.indkey)).n AS KEY_SEQ,
//	       information_schema._pg_expandarray(i.indkey) AS KEYS
//	FROM pg_class ct JOIN ... pg_index i ...
//
// SQLite has no set-returning functions in a select list, but a
// table-valued function in FROM may take its arguments from the tables to
// its left. So the calls become one such function, joined at the end of
// the query's FROM list (the catalog's pg_expandarray: hidden argument,
// columns x and n):
//
//	(f(E)).n    "pg expandarray".n      (and .x)
//	f(E)        pg_record("pg expandarray".x, "pg expandarray".n)
//	FROM ...    FROM ..., pg_expandarray(E) AS "pg expandarray"
//
// The whole record is PostgreSQL's text output of it ((1,1)), and a field
// of a record elsewhere, (rec).x, reads it: pg_record_field(rec, 1). x and
// n are the only field names, since _pg_expandarray makes the only
// records. Calls with different arguments (PostgreSQL runs them in
// lockstep to the longest, padding with NULLs) are rejected, as are calls
// outside a select list (PostgreSQL rejects those in WHERE, and a FROM
// item information_schema._pg_expandarray(...) is left to SQLite).

// expandAlias is the FROM item the calls read, a name no table is likely
// to have.
const expandAlias = `"pg expandarray"`

// expandFields maps a field of _pg_expandarray's record to its position.
var expandFields = map[string]int{"x": 1, "n": 2}

// Clauses that end a FROM list.
var fromClauseEnd = setOf("where", "group", "having", "window", "order", "limit", "offset",
	"fetch", "union", "intersect", "except", "for", "returning")

// expandCall reports whether an information_schema._pg_expandarray( call
// starts at k: the index of its opening parenthesis, or -1.
func expandCall(toks []Token, k, hi int) int {
	if k+3 >= hi || !toks[k+1].IsOp(".") || !toks[k+3].IsOp("(") {
		return -1
	}
	if s, _ := toks[k].Value(); s != "information_schema" || !isName(toks[k]) {
		return -1
	}
	if f, _ := toks[k+2].Value(); f != "_pg_expandarray" || !isName(toks[k+2]) {
		return -1
	}
	return k + 3
}

// selectExpand rewrites the _pg_expandarray calls in the select list of the
// SELECT at i (see above); it does nothing when there are none.
func (tr *translator) selectExpand(i, hi int) error {
	toks := tr.toks
	// The select list: up to FROM or another clause, or the parenthesis
	// closing a subquery.
	end := hi
	type call struct{ s, open, close, e int } // s..e replaced; argument in open+1..close-1
	var calls []call
	for k, depth := i+1, 0; k < hi; k++ {
		t := toks[k]
		switch {
		case t.IsOp("(") || t.IsOp("["):
			if t.IsOp("(") && k+1 < hi && isQueryStart(toks[k+1]) {
				if c := matchClose(toks[:hi], k); c > 0 {
					k = c // a subquery's calls are its own
					continue
				}
			}
			depth++
			continue
		case t.IsOp(")") || t.IsOp("]"):
			depth--
			if depth < 0 {
				end = k
			}
		case depth == 0 && t.Kind == Ident && selectClauses[foldIdent(t.Text)]:
			end = k
		}
		if end < hi {
			break
		}
		if open := expandCall(toks, k, hi); open > 0 {
			close := matchClose(toks[:hi], open)
			if close < 0 {
				return syntaxError(toks[open])
			}
			calls = append(calls, call{k, open, close, close})
			k = close
		}
	}
	if len(calls) == 0 {
		return nil
	}
	arg := func(c call) string {
		var b strings.Builder
		for _, t := range toks[c.open+1 : c.close] {
			b.WriteString(t.Text)
			b.WriteByte(' ')
		}
		return b.String()
	}
	first := calls[0]
	if first.close == first.open+1 || len(splitTopLevel(toks[first.open+1:first.close])) != 1 {
		return errorf(CodeSyntax, toks[first.s].Pos, "function information_schema._pg_expandarray takes one argument")
	}
	for _, c := range calls[1:] {
		if arg(c) != arg(first) {
			return unsupported(toks[c.s].Pos, "set-returning functions with different arguments in one select list are not supported")
		}
	}
	// The argument is translated in place and rendered in FROM.
	tr.nextID++
	id := tr.nextID
	for j := first.open + 1; j < first.close; j++ {
		tr.hidden[j] = id
	}
	for n, c := range calls {
		text := "pg_record(" + expandAlias + ".x, " + expandAlias + ".n)"
		if c.s > i+1 && toks[c.s-1].IsOp("(") && c.close+3 < end && toks[c.close+1].IsOp(")") &&
			toks[c.close+2].IsOp(".") && isName(toks[c.close+3]) {
			f, _ := toks[c.close+3].Value()
			if expandFields[f] == 0 {
				return errorf(CodeUndefinedColumn, toks[c.close+3].Pos, "column %q not found in data type record", f)
			}
			text = expandAlias + "." + f
			c.s, c.e = c.s-1, c.close+3
		}
		if n == 0 {
			tr.replace(c.s, c.open, text)
			tr.replace(first.close, c.e, "")
		} else {
			tr.replace(c.s, c.e, text)
		}
	}
	item := func() string {
		return "pg_expandarray(" + tr.render(first.open+1, first.close, id) + ") AS " + expandAlias
	}
	if end >= hi || !toks[end].Is("from") {
		tr.insertAfter(end-1, func() string { return " FROM " + item() })
		return nil
	}
	last := hi - 1
	for k, depth := end+1, 0; k < hi; k++ {
		t := toks[k]
		switch {
		case t.IsOp("(") || t.IsOp("["):
			depth++
		case t.IsOp(")") || t.IsOp("]"):
			depth--
		}
		if depth < 0 || depth == 0 && t.Kind == Ident && fromClauseEnd[foldIdent(t.Text)] {
			last = k - 1
			break
		}
	}
	tr.insertAfter(last, func() string { return ", " + item() })
	return nil
}

// recordField rewrites (rec).f at the dot at i, the field of a record:
// pg_record_field(rec, k). It reports false for anything else.
func (tr *translator) recordField(i, lo, hi int) (int, bool, error) {
	toks := tr.toks
	if i == lo || i+1 >= hi || !toks[i-1].IsOp(")") || !isName(toks[i+1]) ||
		i+2 < hi && (toks[i+2].IsOp("(") || toks[i+2].IsOp(".")) {
		return 0, false, nil
	}
	open := matchOpen(toks[:i], i-1)
	if open < lo {
		return 0, false, nil
	}
	if p := open - 1; p >= lo && isName(toks[p]) && !recordFieldAfter[foldIdent(toks[p].Text)] {
		return 0, false, nil // f(...).x: not PostgreSQL
	}
	f, _ := toks[i+1].Value()
	k := expandFields[f]
	if k == 0 {
		return 0, false, unsupported(toks[i+1].Pos, "field %s of a record is not supported (only _pg_expandarray's x and n)", f)
	}
	tr.wrap(open, i-1, "pg_record_field(", fmt.Sprintf(", %d)", k))
	tr.replace(i, i+1, "")
	return i + 2, true, nil
}

// Words after which a parenthesis opens an expression, not a call.
var recordFieldAfter = setOf("select", "and", "or", "not", "when", "then", "else", "where", "on",
	"having", "by", "distinct", "all", "in", "is", "like", "between", "case", "return", "returning",
	"set", "values", "using")
