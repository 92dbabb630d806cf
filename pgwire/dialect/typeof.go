package dialect

import "strconv"

// Expression types. The typer parses an expression with PostgreSQL's
// precedence table (expr.go) and computes its type bottom up, the way
// PostgreSQL's operator and function resolution would for the types this
// database has: integer op integer is the wider integer, numeric and
// floating point promote, comparisons are boolean, a string literal takes
// the type of what it meets. On the way it types the parameters it meets:
// $n compared with, added to, assigned to or listed with a typed operand
// takes that operand's type. Whatever it does not understand is "".

// expr types the expression at k that contains only operators of
// precedence >= minPrec and returns the index after it (k when there is
// no expression at k).
func (ty *typer) expr(k, hi, minPrec int) (operand, int) {
	if k >= hi || ty.depth >= maxTypingDepth {
		return operand{}, k
	}
	ty.depth++
	defer func() { ty.depth-- }()
	left, j := ty.primary(k, hi)
	if j <= k {
		return operand{}, k
	}
	return ty.infix(left, k, j, hi, minPrec)
}

// primary types one operand with its prefix operators.
func (ty *typer) primary(k, hi int) (operand, int) {
	toks := ty.toks
	t := toks[k]
	switch t.Kind {
	case Param:
		n, err := strconv.Atoi(t.Text[1:])
		if err != nil || n < 1 {
			return operand{}, k + 1
		}
		return operand{param: n, typ: ty.hints[n]}, k + 1 // inferred types: see typed
	case Number:
		return operand{typ: numberType(t.Text, false)}, k + 1
	case String, EscapeString, NationalString, DollarString:
		return operand{typ: "text", lit: true, str: k + 1}, k + 1
	case UnicodeString:
		if k+2 < hi && toks[k+1].Is("uescape") {
			return operand{typ: "text", lit: true, str: k + 1}, k + 3
		}
		return operand{typ: "text", lit: true, str: k + 1}, k + 1
	case BitString, HexString:
		return operand{}, k + 1
	case QuotedIdent, UnicodeIdent:
		return ty.name(k, hi)
	case Ident:
		return ty.word(k, hi)
	case Punct:
		if t.Text == "(" {
			return ty.paren(k, hi)
		}
	case Operator:
		// Prefix operators, walked as a run so that a long one costs
		// nothing more.
		j, bitwise := k, false
		for j < hi && toks[j].Kind == Operator && (toks[j].Text == "-" || toks[j].Text == "+" || toks[j].Text == "~") {
			bitwise = bitwise || toks[j].Text == "~"
			j++
		}
		if j == k {
			return operand{}, k
		}
		if j == k+1 && t.Text == "-" && j < hi && toks[j].Kind == Number &&
			(j+1 >= hi || toks[j+1].Kind != Operator || opPrec(toks[j+1].Text) < precUnary) {
			return operand{typ: numberType(toks[j].Text, true)}, j + 1 // -2147483648 is an integer
		}
		op, n := ty.expr(j, hi, precUnary)
		if n > j && isNumber(op.typ) && (!bitwise || intRank(op.typ) > 0) {
			return operand{typ: op.typ}, n
		}
		return operand{}, max(n, j)
	}
	return operand{}, k
}

// word types an operand that starts with a keyword or a name.
func (ty *typer) word(k, hi int) (operand, int) {
	toks := ty.toks
	info := ty.wordAt(k)
	w := info.name
	paren := k+1 < hi && toks[k+1].IsOp("(")
	switch w {
	case "null":
		return operand{lit: true}, k + 1
	case "true", "false":
		return operand{typ: "boolean"}, k + 1
	case "not":
		j := k + 1
		for j < hi && toks[j].Is("not") {
			j++
		}
		op, n := ty.expr(j, hi, precNot)
		ty.typeParam(op, "boolean")
		return boolean, max(n, j)
	case "case":
		return ty.caseExpr(k, hi)
	case "cast":
		if paren {
			return ty.castExpr(k, hi)
		}
	case "exists", "any", "all", "some", "array", "row":
		c := ty.closeOf(k+1, hi)
		if c < 0 {
			return operand{}, k
		}
		if isQueryStart(toks[k+2]) {
			ty.clauses(k+2, c)
		} else {
			base := len(ty.stack)
			ty.list(k+2, c)
			ty.stack = ty.stack[:base]
		}
		switch w {
		case "exists":
			return operand{typ: "boolean"}, c + 1
		case "any", "all", "some":
			return operand{quant: true}, c + 1
		}
		return operand{}, c + 1
	case "left", "right": // function names that are also keywords
		if paren {
			return ty.call(w, k+1, hi)
		}
	}
	if typ := info.typ; typ != "" {
		if paren {
			c := ty.closeOf(k+1, hi)
			if c < 0 {
				return operand{}, k
			}
			return operand{typ: typ}, c + 1 // current_timestamp(3), current_schema()
		}
		return operand{typ: typ}, k + 1
	}
	if info.literal && k+1 < hi && !paren {
		c := &cursor{toks: toks[:hi], i: k}
		if typ, ok := parseType(c); ok && c.i < hi && toks[c.i].Kind.IsString() {
			return operand{typ: typ.canonical()}, c.i + 1 // date '2024-01-01'
		}
	}
	if info.boundary && !keywordColumn(toks, 0, k, hi) {
		return operand{}, k
	}
	return ty.name(k, hi)
}

func isQueryStart(t Token) bool {
	return t.Is("select") || t.Is("with") || t.Is("values")
}

// name types a column reference (a, t.a, s.t.a, t.*) or a function call
// (f(...), pg_catalog.f(...)) at k.
func (ty *typer) name(k, hi int) (operand, int) {
	toks := ty.toks
	qual, col := "", ""
	j := k
	for j < hi && isName(toks[j]) {
		v, err := ty.identName(j)
		if err != nil {
			return operand{}, j + 1
		}
		qual, col = col, v
		j++
		if j+1 < hi && toks[j].IsOp(".") {
			if toks[j+1].IsOp("*") {
				return operand{star: true}, j + 2
			}
			if isName(toks[j+1]) {
				j++
				continue
			}
		}
		break
	}
	if j < hi && toks[j].IsOp("(") {
		return ty.call(col, j, hi)
	}
	return ty.column(qual, col), j
}

// call types the call of function name whose argument list opens at open,
// with what follows the arguments (FILTER, WITHIN GROUP, OVER), and types
// the parameters passed to it.
func (ty *typer) call(name string, open, hi int) (operand, int) {
	toks := ty.toks
	c := ty.closeOf(open, hi)
	if c < 0 {
		return operand{}, open
	}
	j := open + 1
	if j < c && (toks[j].Is("distinct") || toks[j].Is("all")) {
		j++
	}
	var args []operand
	base := len(ty.stack)
	if j+1 == c && toks[j].IsOp("*") { // count(*)
	} else if order := ty.orderBy(j, c); order < c {
		args = ty.list(j, order)
		ty.clauses(order, c) // string_agg(x, ',' ORDER BY y)
	} else {
		args = ty.list(j, c)
	}
	res := ty.function(name, args)
	if name == "pg_typeof" && len(args) == 1 && open > 0 {
		typ := ty.typed(args[0]).typ
		if args[0].lit || typ == "" {
			typ = "unknown"
		}
		ty.typeofs = append(ty.typeofs, typeofCall{name: open - 1, close: c, typ: typ})
	}
	ty.stack = ty.stack[:base]
	j = c + 1
	for j < hi {
		switch {
		case (toks[j].Is("filter") || toks[j].Is("over")) && j+1 < hi && toks[j+1].IsOp("("):
			j++
		case toks[j].Is("within") && j+2 < hi && toks[j+1].Is("group") && toks[j+2].IsOp("("):
			j += 2
		case toks[j].Is("over") && j+1 < hi && isName(toks[j+1]):
			j += 2
			continue
		default:
			return res, j
		}
		e := ty.closeOf(j, hi)
		if e < 0 {
			return res, j
		}
		ty.clauses(j+1, e)
		j = e + 1
	}
	return res, j
}

// orderBy returns the index of an aggregate's ORDER BY at this level of
// toks[lo:hi], or hi.
func (ty *typer) orderBy(lo, hi int) int {
	for j := lo; j+1 < hi; j++ {
		if c := ty.closeOf(j, hi); c > 0 {
			j = c
			continue
		}
		if ty.toks[j].Is("order") && ty.toks[j+1].Is("by") {
			return j
		}
	}
	return hi
}

// paren types a parenthesised expression, a scalar subquery (the type of
// its one column) or a row at k.
func (ty *typer) paren(k, hi int) (operand, int) {
	c := ty.closeOf(k, hi)
	if c < 0 {
		return operand{}, k
	}
	if ty.derived[k] {
		return operand{}, c + 1 // typed with its FROM item
	}
	if k+1 < c && isQueryStart(ty.toks[k+1]) {
		items, ok := ty.clauses(k+1, c)
		if ok && len(items) == 1 && !items[0].star {
			typ := items[0].typ
			if items[0].param > 0 {
				typ = ty.paramType(items[0].param)
			}
			return operand{typ: typ}, c + 1
		}
		return operand{}, c + 1
	}
	base := len(ty.stack)
	l := ty.list(k+1, c)
	ty.stack = ty.stack[:base]
	if len(l) == 1 {
		return l[0], c + 1
	}
	return operand{}, c + 1 // a row
}

// caseExpr types CASE ... END at k: the common type of its results.
func (ty *typer) caseExpr(k, hi int) (operand, int) {
	toks := ty.toks
	j := k + 1
	var subject operand
	simple := false
	if j < hi && !toks[j].Is("when") {
		s, n := ty.expr(j, hi, 0)
		if n > j {
			subject, simple, j = s, true, n
		}
	}
	var results []operand
	for j < hi {
		switch {
		case toks[j].Is("when"):
			cond, n := ty.expr(j+1, hi, 0)
			if n <= j+1 {
				return ty.skipCase(k, j, hi)
			}
			if simple {
				ty.inferPair(subject, cond, false)
			} else {
				ty.typeParam(cond, "boolean")
			}
			j = n
		case toks[j].Is("then") || toks[j].Is("else"):
			r, n := ty.expr(j+1, hi, 0)
			if n <= j+1 {
				return ty.skipCase(k, j, hi)
			}
			results = append(results, r)
			j = n
		case toks[j].Is("end"):
			return ty.common(results), j + 1
		default:
			return ty.skipCase(k, j, hi)
		}
	}
	return operand{}, j
}

// skipCase walks the rest (from j) of a CASE at k that the typer does not
// follow, for its parameters.
func (ty *typer) skipCase(k, j, hi int) (operand, int) {
	e := matchEnd(ty.toks[:hi], k)
	if e < 0 {
		return operand{}, hi
	}
	ty.clauses(j+1, e)
	return operand{}, e + 1
}

// castExpr types CAST(x AS type) at k.
func (ty *typer) castExpr(k, hi int) (operand, int) {
	c := ty.closeOf(k+1, hi)
	if c < 0 {
		return operand{}, k
	}
	_, n := ty.expr(k+2, c, 0)
	if n < c && ty.toks[n].Is("as") {
		cur := &cursor{toks: ty.toks[:c], i: n + 1}
		if typ, ok := parseType(cur); ok && cur.i == c {
			return operand{typ: typ.canonical()}, c + 1
		}
	}
	ty.rest(n, c)
	return operand{}, c + 1
}

// infix extends left over the postfix syntax and the binary operators of
// precedence >= minPrec that follow it.
func (ty *typer) infix(left operand, start, k, hi, minPrec int) (operand, int) {
	toks := ty.toks
	for k < hi {
		t := toks[k]
		switch {
		case t.IsOp("::"):
			c := &cursor{toks: toks[:hi], i: k + 1}
			typ, ok := parseType(c)
			if !ok {
				return left, k
			}
			left, k = operand{typ: typ.canonical()}, c.i
		case t.IsOp("["):
			c := ty.closeOf(k, hi)
			if c < 0 {
				return left, k
			}
			base := len(ty.stack)
			ty.list(k+1, c)
			ty.stack = ty.stack[:base]
			left, k = operand{}, c+1
		case t.IsOp("."): // (x).field, (x).*
			if k+1 < hi && toks[k+1].IsOp("*") {
				left, k = operand{star: true}, k+2
			} else if k+1 < hi && isName(toks[k+1]) {
				left, k = operand{}, k+2
			} else {
				return left, k
			}
		case t.Kind == Operator:
			prec := opPrec(t.Text)
			if prec < minPrec {
				return left, k
			}
			right, n := ty.expr(k+1, hi, prec+1)
			if n <= k+1 {
				return left, k
			}
			ty.noteDateArith(t.Text, left, right, start, k, n)
			left, k = ty.binary(t.Text, left, right), n
		case t.Is("operator") && k+1 < hi && toks[k+1].IsOp("("): // OPERATOR(pg_catalog.~)
			c := ty.closeOf(k+1, hi)
			if c < 0 || c-1 <= k+1 || precOp < minPrec {
				return left, k
			}
			right, n := ty.expr(c+1, hi, precOp+1)
			if n <= c+1 {
				return left, k
			}
			left, k = ty.binary(toks[c-1].Text, left, right), n
		case t.Kind == Ident:
			w := ty.wordAt(k).name
			if w == "" {
				return left, k
			}
			var ok bool
			if left, k, ok = ty.wordOp(w, left, k, hi, minPrec); !ok {
				return left, k
			}
		default:
			return left, k
		}
	}
	return left, k
}

// wordOp types the operator spelled as a word at k (AND, IS NULL, IN,
// BETWEEN, LIKE, AT TIME ZONE, COLLATE, ...) applied to left. It reports
// false, leaving left and k, when the word is not such an operator here.
func (ty *typer) wordOp(w string, left operand, k, hi, minPrec int) (operand, int, bool) {
	toks := ty.toks
	at := func(j int, word string) bool { return j < hi && toks[j].Is(word) }
	// right types the operand after the operator's words, which end at j.
	right := func(j, prec int) (operand, int, bool) {
		r, n := ty.expr(j, hi, prec+1)
		return r, n, n > j
	}
	switch w {
	case "and", "or":
		prec := precAnd
		if w == "or" {
			prec = precOr
		}
		if prec < minPrec {
			break
		}
		r, n, ok := right(k+1, prec)
		if !ok {
			break
		}
		ty.typeParam(left, "boolean")
		ty.typeParam(r, "boolean")
		return boolean, n, true
	case "is":
		if precIs < minPrec {
			break
		}
		j := k + 1
		if at(j, "not") {
			j++
		}
		switch {
		case at(j, "distinct") && at(j+1, "from"):
			r, n, ok := right(j+2, precIs)
			if !ok {
				break
			}
			ty.inferPair(left, r, false)
			ty.literal(left, r)
			return boolean, n, true
		case at(j, "true") || at(j, "false") || at(j, "unknown"):
			ty.typeParam(left, "boolean")
			return boolean, j + 1, true
		case at(j, "null") || at(j, "document") || at(j, "normalized"):
			return boolean, j + 1, true
		}
	case "isnull", "notnull":
		if precIs >= minPrec {
			return boolean, k + 1, true
		}
	case "not":
		if k+1 < hi {
			switch n := ty.wordAt(k + 1); n.name {
			case "like", "ilike", "similar", "in", "between":
				return ty.wordOp(n.name, left, k+1, hi, minPrec)
			}
		}
	case "like", "ilike", "similar":
		j := k + 1
		if w == "similar" {
			if !at(j, "to") {
				break
			}
			j++
		}
		if precLike < minPrec {
			break
		}
		r, n, ok := right(j, precLike)
		if !ok {
			break
		}
		ty.typeParam(left, "text")
		ty.typeParam(r, "text")
		return boolean, n, true
	case "escape":
		if precEscape < minPrec {
			break
		}
		r, n, ok := right(k+1, precEscape)
		if !ok {
			break
		}
		ty.typeParam(r, "text")
		return left, n, true
	case "in":
		c := ty.closeOf(k+1, hi)
		if precLike < minPrec || c < 0 {
			break
		}
		if isQueryStart(toks[k+2]) {
			if items, ok := ty.clauses(k+2, c); ok && len(items) == 1 {
				ty.inferPair(left, items[0], false)
			}
		} else {
			base := len(ty.stack)
			for _, it := range ty.list(k+2, c) {
				ty.inferPair(left, it, false)
				ty.literal(left, it)
			}
			ty.stack = ty.stack[:base]
		}
		return boolean, c + 1, true
	case "between":
		if precLike < minPrec {
			break
		}
		j := k + 1
		if at(j, "symmetric") || at(j, "asymmetric") {
			j++
		}
		low, n, ok := right(j, precLike)
		if !ok {
			break
		}
		ty.inferPair(left, low, false)
		ty.literal(left, low)
		if !at(n, "and") {
			return boolean, n, true
		}
		high, m, ok := right(n+1, precLike)
		if !ok {
			return boolean, n, true
		}
		ty.inferPair(left, high, false)
		ty.literal(left, high)
		return boolean, m, true
	case "at":
		if precAt < minPrec {
			break
		}
		if at(k+1, "local") {
			return operand{typ: flipZone(left.typ)}, k + 2, true
		}
		if !at(k+1, "time") || !at(k+2, "zone") {
			break
		}
		r, n, ok := right(k+3, precAt)
		if !ok {
			break
		}
		ty.typeParam(r, "text")
		return operand{typ: flipZone(left.typ)}, n, true
	case "collate":
		if precCollate < minPrec {
			break
		}
		c := &cursor{toks: toks[:hi], i: k + 1}
		if _, ok := c.qualifiedName(); ok {
			return operand{typ: left.typ, lit: left.lit, param: left.param}, c.i, true
		}
	case "overlaps":
		if precCompare < minPrec {
			break
		}
		if _, n, ok := right(k+1, precCompare); ok {
			return boolean, n, true
		}
	}
	return left, k, false
}
