package dialect

import "strings"

// Operators SQLite reads as PostgreSQL does (for the types SQLite has).
// Every other operator is rejected: SQLite lexes several of them as
// something else (? @ # : and backtick start parameters or identifiers), so
// passing them through could change a statement's meaning.
var sqliteOperators = setOf("+", "-", "*", "/", "%", "<", ">", "=", "<=", ">=", "<>", "!=", "||",
	"&", "|", "<<", ">>", "->", "->>")

// exprs applies the token rules to tokens lo..hi-1.
func (tr *translator) exprs(lo, hi int) error {
	for i := lo; i < hi; {
		if tr.done[i] {
			i++
			continue
		}
		next, err := tr.token(i, lo, hi)
		if err != nil {
			return err
		}
		i = max(next, i+1)
	}
	return nil
}

// token translates the token at i and returns where to continue.
func (tr *translator) token(i, lo, hi int) (int, error) {
	t := tr.toks[i]
	switch t.Kind {
	case Param:
		return i + 1, tr.param(i)
	case Number:
		tr.out[i] = numberForSQLite(t.Text)
	case String, EscapeString, NationalString, DollarString:
		v, err := t.Value()
		if err != nil {
			return 0, err
		}
		tr.out[i] = quoteString(v)
	case UnicodeString, UnicodeIdent:
		return tr.unicode(i, hi)
	case BitString:
		v, err := bitStringInt(t)
		if err != nil {
			return 0, err
		}
		tr.out[i] = v
	case HexString:
		v, _ := t.Value()
		for k := 0; k < len(v); k++ {
			if !isHexDigit(v[k]) {
				return 0, errorf(CodeSyntax, t.Pos, "%q is not a valid hexadecimal digit", v[k])
			}
		}
		tr.out[i] = "X'" + v + "'"
	case QuotedIdent:
		v, _ := t.Value()
		if v == "public" || v == "pg_catalog" {
			return tr.schemaPrefix(i, hi), nil
		}
	case Ident:
		return tr.ident(i, lo, hi)
	case Operator:
		return tr.operator(i, lo, hi)
	case Punct:
		switch t.Text {
		case "(":
			if k, ok := tr.derivedColumnList(i, lo, hi); ok {
				return k, nil
			}
		case "[":
			return tr.subscript(i, lo, hi)
		case "]":
			return 0, unsupported(t.Pos, "arrays are not supported (SQLite reads [ as the start of a name)")
		case ":", ";":
			return 0, syntaxError(t)
		case ".":
			if k, ok, err := tr.recordField(i, lo, hi); ok || err != nil {
				return k, err
			}
		}
	default:
		return 0, syntaxError(t)
	}
	return i + 1, nil
}

// prevDot reports whether the token at i follows a dot that is kept, that
// is, it is the second part of a qualified name.
func (tr *translator) prevDot(i, lo int) bool {
	return i > lo && tr.toks[i-1].IsOp(".") && tr.out[i-1] != ""
}

// schemaPrefix drops public. and pg_catalog. before a name: SQLite has no
// such schemas (our catalog tables are found without the prefix, and SQLite
// does not accept schema-qualified function names).
func (tr *translator) schemaPrefix(i, hi int) int {
	if i+2 < hi && tr.toks[i+1].IsOp(".") && !(i > 0 && tr.toks[i-1].IsOp(".")) {
		n := tr.toks[i+2]
		if n.Kind == Ident || n.Kind == QuotedIdent || n.Kind == UnicodeIdent || n.IsOp("*") {
			tr.replace(i, i+1, "")
			return i + 2
		}
	}
	if tr.toks[i].Kind == Ident {
		tr.out[i] = foldIdent(tr.toks[i].Text)
	}
	return i + 1
}

func (tr *translator) unicode(i, hi int) (int, error) {
	t := tr.toks[i]
	esc := byte('\\')
	end := i
	if i+2 < hi && tr.toks[i+1].Is("uescape") && tr.toks[i+2].Kind == String {
		v, _ := tr.toks[i+2].Value()
		if len(v) != 1 || isHexDigit(v[0]) || strings.ContainsAny(v, "+'\" \t\n\r\f") {
			return 0, errorf(CodeSyntax, tr.toks[i+2].Pos, "invalid Unicode escape character")
		}
		esc, end = v[0], i+2
	}
	var raw string
	if t.Kind == UnicodeString {
		raw = joinSegments(t.Text, 2)
	} else {
		raw = unquoteIdent(t.Text[3 : len(t.Text)-1])
	}
	v, err := decodeUnicodeEscapes(raw, esc, t.Pos)
	if err != nil {
		return 0, err
	}
	if t.Kind == UnicodeString {
		tr.replace(i, end, quoteString(v))
	} else {
		tr.replace(i, end, quoteIdent(v))
	}
	return end + 1, nil
}

func (tr *translator) ident(i, lo, hi int) (int, error) {
	t := tr.toks[i]
	name := foldIdent(t.Text)
	next := func(k int) Token {
		if i+k < hi {
			return tr.toks[i+k]
		}
		return Token{Pos: len(tr.src)}
	}
	afterIs := i > lo && tr.toks[i-1].Is("is") || i > lo+1 && tr.toks[i-1].Is("not") && tr.toks[i-2].Is("is")
	if !tr.prevDot(i, lo) {
		switch name {
		case "select":
			if tr.expands {
				if err := tr.selectExpand(i, hi); err != nil {
					return 0, err
				}
			}
		case "trim":
			if next(1).IsOp("(") {
				return tr.trimCall(i, hi)
			}
		case "extract", "position", "substring":
			if next(1).IsOp("(") {
				if k, ok, err := tr.keywordCall(i, hi, name); ok || err != nil {
					return k, err
				}
			}
		case "public", "pg_catalog":
			return tr.schemaPrefix(i, hi), nil
		case "cast":
			if next(1).IsOp("(") {
				return tr.castCall(i, hi)
			}
		case "true", "false":
			if !afterIs {
				tr.out[i] = map[string]string{"true": "1", "false": "0"}[name]
				return i + 1, nil
			}
		case "unknown":
			if afterIs {
				tr.out[i] = "NULL"
				return i + 1, nil
			}
		case "like":
			tr.out[i] = "LIKE"
			return tr.likeEscape(i, i, hi)
		case "ilike":
			return tr.ilike(i, hi)
		case "collate":
			return tr.collate(i, hi)
		case "operator":
			if next(1).IsOp("(") {
				return tr.operatorCall(i, lo, hi)
			}
		case "limit", "offset", "fetch":
			return tr.limitClause(i, hi)
		case "for":
			if i+1 < hi && isLockStrength(tr.toks[i+1:hi]) {
				return tr.lockClause(i, hi), nil
			}
		case "array":
			if next(1).IsOp("[") || next(1).IsOp("(") {
				return tr.arrayConstructor(i, hi)
			}
		}
		if tableFunctions[name] && next(1).IsOp("(") {
			if tr.fromItem(i, lo) {
				return tr.tableFunction(i, hi)
			}
			if name == "unnest" {
				if k, ok := tr.selectUnnest(i, hi); ok {
					return k, nil
				}
			}
		}
		if k, ok, err := tr.function(i, hi); ok || err != nil {
			return k, err
		}
		if k, ok, err := tr.typedLiteral(i, hi); ok || err != nil {
			return k, err
		}
	}
	tr.out[i] = name
	if strings.ContainsRune(name, '$') {
		tr.out[i] = quoteIdent(name)
	}
	return i + 1, nil
}

func (tr *translator) operator(i, lo, hi int) (int, error) {
	t := tr.toks[i]
	switch t.Text {
	case "::":
		return tr.castOp(i, lo, hi)
	case "~", "~*", "!~", "!~*", "~~", "~~*", "!~~", "!~~*":
		if t.Text == "~" && !(i > lo && endsOperandAt(tr.toks, lo, i-1)) {
			return i + 1, nil // prefix ~ is bitwise NOT in both
		}
		return tr.match(t.Text, i, i, lo, hi)
	case "^":
		// a ^ b becomes power(a, b) once the typer has found the operands
		// (rewriteDateArith); where it does not, the operator is refused.
		if tr.powers == nil {
			tr.powers = map[int]bool{}
		}
		tr.powers[i] = true
		return i + 1, nil
	}
	if !sqliteOperators[t.Text] {
		return 0, unsupported(t.Pos, "operator %s is not supported", t.Text)
	}
	if opPrec(t.Text) == precCompare && tr.quantified(i, hi) {
		return tr.anyAll(t.Text, i, i, lo, hi)
	}
	return i + 1, nil
}

// match rewrites the regular-expression and LIKE operators written as
// symbols (tokens s..e, which may be OPERATOR(pg_catalog.~)). The match is
// parenthesised because these operators bind more tightly in PostgreSQL
// than REGEXP and LIKE in SQLite. SQLite's REGEXP calls the application
// function regexp(pattern, text), which the state machine registers.
func (tr *translator) match(op string, s, e, lo, hi int) (int, error) {
	if s == lo || !endsOperandAt(tr.toks, lo, s-1) {
		return 0, syntaxError(tr.toks[s])
	}
	if e+1 < hi && (tr.toks[e+1].Is("any") || tr.toks[e+1].Is("all") || tr.toks[e+1].Is("some")) {
		return 0, unsupported(tr.toks[e+1].Pos, "%s %s (array) is not supported", op, strings.ToUpper(tr.toks[e+1].Text))
	}
	ls := exprStart(tr.toks, lo, s-1, precOp)
	re := exprEnd(tr.toks, e+1, hi, precOp+1)
	if ls < 0 || re <= e+1 {
		return 0, syntaxError(tr.toks[s])
	}
	not := strings.HasPrefix(op, "!")
	icase := strings.HasSuffix(op, "*")
	like := strings.Contains(op, "~~")
	var text string
	switch {
	case like && not:
		text = " NOT LIKE "
	case like:
		text = " LIKE "
	case not:
		text = " NOT REGEXP "
	default:
		text = " REGEXP "
	}
	tr.wrap(ls, re-1, "(", ")")
	if icase && !like {
		text += "'(?i)' || ("
		tr.wrap(e+1, re-1, "", ")")
	}
	if like && needsEscape(tr.toks[e+1:re]) {
		tr.wrap(e+1, re-1, "", ` ESCAPE '\'`)
	}
	tr.replace(s, e, text)
	return e + 1, nil
}

// needsEscape reports whether a LIKE pattern may contain a backslash:
// PostgreSQL's LIKE treats backslash as the escape character unless told
// otherwise, SQLite's has no escape character.
func needsEscape(pattern []Token) bool {
	if len(pattern) == 1 && pattern[0].Kind.IsString() {
		v, err := pattern[0].Value()
		return err != nil || strings.ContainsRune(v, '\\')
	}
	return true
}

// likeEscape handles the pattern after LIKE or ILIKE at i..e: ILIKE became
// LIKE (SQLite's LIKE ignores ASCII case), a missing ESCAPE becomes
// ESCAPE '\' and ESCAPE ” (no escape character) is dropped.
func (tr *translator) likeEscape(s, e, hi int) (int, error) {
	ps := e + 1
	if ps+1 < hi && (tr.toks[ps].Is("any") || tr.toks[ps].Is("some") || tr.toks[ps].Is("all")) && tr.toks[ps+1].IsOp("(") {
		return 0, unsupported(tr.toks[ps].Pos, "LIKE %s (array) is not supported", strings.ToUpper(tr.toks[ps].Text))
	}
	pe := exprEnd(tr.toks, ps, hi, precEscape+1)
	if pe <= ps {
		return s + 1, nil // LIKE ANY (...) and the like: SQLite will say
	}
	if pe < hi && tr.toks[pe].Is("escape") {
		if pe+1 < hi && tr.toks[pe+1].Kind.IsString() {
			if v, err := tr.toks[pe+1].Value(); err == nil && v == "" {
				tr.replace(pe, pe+1, "")
			}
		}
		return s + 1, nil
	}
	if needsEscape(tr.toks[ps:pe]) {
		tr.wrap(ps, pe-1, "", ` ESCAPE '\'`)
	}
	return s + 1, nil
}

// ilike rewrites x ILIKE p [ESCAPE e] at i as x REGEXP pg_like_regex(p
// [, e]): the state machine's LIKE is case-sensitive, as PostgreSQL's is,
// and pg_like_regex turns the pattern into a case-insensitive regular
// expression with LIKE's meaning (backslash escapes by default).
func (tr *translator) ilike(i, hi int) (int, error) {
	ps := i + 1
	if ps+1 < hi && (tr.toks[ps].Is("any") || tr.toks[ps].Is("some") || tr.toks[ps].Is("all")) && tr.toks[ps+1].IsOp("(") {
		return 0, unsupported(tr.toks[ps].Pos, "ILIKE %s (array) is not supported", strings.ToUpper(tr.toks[ps].Text))
	}
	pe := exprEnd(tr.toks, ps, hi, precEscape+1)
	if pe <= ps {
		return 0, syntaxError(tr.toks[min(ps, hi-1)])
	}
	tr.out[i] = "REGEXP"
	if pe+1 < hi && tr.toks[pe].Is("escape") {
		ee := exprEnd(tr.toks, pe+1, hi, precEscape+1)
		if ee <= pe+1 {
			return 0, syntaxError(tr.toks[pe])
		}
		tr.wrap(ps, pe-1, "pg_like_regex(", "")
		tr.replace(pe, pe, ",")
		tr.wrap(pe+1, ee-1, "", ")")
		return i + 1, nil
	}
	tr.wrap(ps, pe-1, "pg_like_regex(", ")")
	return i + 1, nil
}

// collate maps PostgreSQL collations: "default" is dropped, "C" and
// "POSIX" become BINARY (byte order), others keep their name without
// schema, for SQLite to reject.
func (tr *translator) collate(i, hi int) (int, error) {
	c := &cursor{toks: tr.toks[:hi], i: i + 1}
	n, ok := c.qualifiedName()
	if !ok {
		return 0, syntaxError(c.peek())
	}
	last := n[strings.LastIndexByte(n, '.')+1:]
	switch strings.ToLower(last) {
	case "default":
		tr.replace(i, c.i-1, "")
	case "c", "posix", "binary":
		tr.replace(i, c.i-1, "COLLATE BINARY")
	default:
		tr.replace(i, c.i-1, "COLLATE "+quoteIdent(last))
	}
	return c.i, nil
}

// operatorCall handles OPERATOR(schema.op), which psql's \d sends.
func (tr *translator) operatorCall(i, lo, hi int) (int, error) {
	close := matchClose(tr.toks[:hi], i+1)
	if close < 0 || close-1 <= i+1 || tr.toks[close-1].Kind != Operator {
		return 0, syntaxError(tr.toks[i])
	}
	op := tr.toks[close-1].Text
	switch op {
	case "~", "~*", "!~", "!~*", "~~", "~~*", "!~~", "!~~*":
		return tr.match(op, i, close, lo, hi)
	}
	if !sqliteOperators[op] {
		return 0, unsupported(tr.toks[i].Pos, "operator %s is not supported", op)
	}
	if opPrec(op) == precCompare && tr.quantified(close, hi) {
		return tr.anyAll(op, i, close, lo, hi)
	}
	tr.replace(i, close, " "+op+" ")
	return close + 1, nil
}

// limitClause normalises LIMIT/OFFSET/FETCH at one query level into
// SQLite's LIMIT n OFFSET m: LIMIT ALL and OFFSET without LIMIT use -1,
// FETCH FIRST n ROWS ONLY is LIMIT n, OFFSET n ROWS drops ROWS, and
// OFFSET before LIMIT is reordered.
func (tr *translator) limitClause(i, hi int) (int, error) {
	type span struct{ lo, hi int }
	var limit, offset *span
	limitAll, rewrite := false, false
	var keywords []int
	k := i
	for k < hi {
		switch {
		case tr.toks[k].Is("limit"):
			keywords = append(keywords, k)
			k++
			if k < hi && tr.toks[k].Is("all") {
				keywords = append(keywords, k)
				limitAll, rewrite = true, true
				k++
				continue
			}
			e := exprEnd(tr.toks, k, hi, 0)
			if e <= k {
				return 0, syntaxError(tr.toks[min(k, hi-1)])
			}
			limit = &span{k, e}
			k = e
		case tr.toks[k].Is("offset"):
			keywords = append(keywords, k)
			if limit == nil && !limitAll {
				rewrite = true
			}
			k++
			e := exprEnd(tr.toks, k, hi, 0)
			if e <= k {
				return 0, syntaxError(tr.toks[min(k, hi-1)])
			}
			offset = &span{k, e}
			k = e
			if k < hi && (tr.toks[k].Is("row") || tr.toks[k].Is("rows")) {
				keywords = append(keywords, k)
				rewrite = true
				k++
			}
		case tr.toks[k].Is("fetch"):
			rewrite = true
			keywords = append(keywords, k)
			k++
			if k >= hi || !(tr.toks[k].Is("first") || tr.toks[k].Is("next")) {
				return 0, syntaxError(tr.toks[min(k, hi-1)])
			}
			keywords = append(keywords, k)
			k++
			if k < hi && !(tr.toks[k].Is("row") || tr.toks[k].Is("rows")) {
				e := exprEnd(tr.toks, k, hi, 0)
				limit = &span{k, e}
				k = e
			} else {
				limit = nil // FETCH FIRST ROW ONLY: one row
			}
			if k >= hi || !(tr.toks[k].Is("row") || tr.toks[k].Is("rows")) {
				return 0, syntaxError(tr.toks[min(k, hi-1)])
			}
			keywords = append(keywords, k)
			k++
			if k < hi && tr.toks[k].Is("with") {
				return 0, unsupported(tr.toks[k].Pos, "FETCH ... WITH TIES is not supported")
			}
			if k >= hi || !tr.toks[k].Is("only") {
				return 0, syntaxError(tr.toks[min(k, hi-1)])
			}
			keywords = append(keywords, k)
			k++
			if limit == nil {
				limit = &span{-1, -1}
			}
		default:
			goto end
		}
	}
end:
	for _, kw := range keywords {
		tr.done[kw] = true
		tr.out[kw] = foldIdent(tr.toks[kw].Text)
	}
	if !rewrite {
		return i + 1, nil
	}
	tr.nextID++
	id := tr.nextID
	for j := i + 1; j < k; j++ {
		tr.hidden[j] = id
	}
	tr.lazy[i] = func() string {
		s := "LIMIT -1"
		switch {
		case limit != nil && limit.lo < 0:
			s = "LIMIT 1"
		case limit != nil:
			s = "LIMIT " + tr.render(limit.lo, limit.hi, id)
		}
		if offset != nil {
			s += " OFFSET " + tr.render(offset.lo, offset.hi, id)
		}
		return s
	}
	return i + 1, nil
}

// lockClause drops FOR UPDATE / FOR SHARE clauses: SQLite has one writer at
// a time, and Info.Locking tells the session to take the write lock.
func (tr *translator) lockClause(i, hi int) int {
	c := &cursor{toks: tr.toks[:hi], i: i}
	for c.accept("for") {
		switch {
		case c.accept("update"), c.accept("share"), c.accept("no", "key", "update"), c.accept("key", "share"):
		default:
			c.i--
			tr.replace(i, c.i-1, "")
			return c.i
		}
		if c.accept("of") {
			nameList(c)
		}
		if !c.accept("nowait") {
			c.accept("skip", "locked")
		}
	}
	tr.replace(i, c.i-1, "")
	return c.i
}
