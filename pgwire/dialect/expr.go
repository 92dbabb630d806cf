package dialect

// Expression extents. The translator rewrites a few operators whose
// operands it must find in the token stream (casts, regular-expression
// matches, LIKE patterns): it walks over operands and over operators that
// bind at least as tightly as the rewritten one, using PostgreSQL's
// precedence table (gram.y), and stops at anything else: a looser
// operator, a comma, an unmatched parenthesis or a clause keyword.

const (
	precOr      = 1
	precAnd     = 2
	precNot     = 3
	precIs      = 4
	precCompare = 5
	precLike    = 6 // BETWEEN IN LIKE ILIKE SIMILAR
	precEscape  = 7
	precOp      = 8 // any other operator, OPERATOR(...), ||
	precAdd     = 9
	precMul     = 10
	precExp     = 11
	precAt      = 12
	precCollate = 13
	precUnary   = 14
	precCast    = 17
)

// Reserved words that end an expression when walking over one (clause
// keywords). Reserved words that are values (NULL, TRUE, CURRENT_DATE, ...)
// are not in it, nor are operators spelled as words.
var boundaryWords = setOf("all", "analyse", "analyze", "any", "as", "asc", "asymmetric", "both",
	"check", "column", "constraint", "create", "default", "deferrable", "desc", "distinct", "do",
	"else", "except", "fetch", "for", "foreign", "from", "grant", "group", "having", "initially",
	"intersect", "into", "lateral", "leading", "limit", "offset", "on", "only", "order", "placing",
	"primary", "references", "returning", "select", "some", "symmetric", "table", "then", "to",
	"trailing", "union", "unique", "using", "variadic", "when", "where", "window", "with",
	"authorization", "binary", "collation", "concurrently", "cross", "freeze", "full", "inner",
	"join", "left", "natural", "outer", "right", "tablesample", "verbose", "by", "set", "values",
	"update", "delete", "insert", "merge", "rows", "range", "groups", "partition", "case", "end",
	"not", "and", "or", "is", "isnull", "notnull", "in", "like", "ilike", "similar", "between",
	"escape", "at", "collate", "overlaps", "operator", "generated", "nulls", "first", "last",
	"conflict", "nothing", "preceding", "following", "unbounded", "window", "ordinality")

// wordPrec gives the precedence of operators spelled as words when they
// follow an operand (0: not an infix operator).
var wordPrec = map[string]int{
	"or": precOr, "and": precAnd, "is": precIs, "isnull": precIs, "notnull": precIs,
	"between": precLike, "in": precLike, "like": precLike, "ilike": precLike, "similar": precLike,
	"escape": precEscape, "at": precAt, "collate": precCollate, "overlaps": precCompare,
}

func opPrec(text string) int {
	switch text {
	case "<", ">", "=", "<=", ">=", "<>", "!=":
		return precCompare
	case "+", "-":
		return precAdd
	case "*", "/", "%":
		return precMul
	case "^":
		return precExp
	case "::":
		return precCast
	}
	return precOp
}

// isAtom reports tokens that are a whole operand by themselves: constants,
// parameters, names and word-spelled values.
func isAtom(t Token) bool {
	switch t.Kind {
	case QuotedIdent, UnicodeIdent, String, EscapeString, UnicodeString, NationalString,
		DollarString, BitString, HexString, Number, Param:
		return true
	case Ident:
		return !boundaryWords[foldIdent(t.Text)]
	}
	return false
}

// columnKeywords are the words of boundaryWords that PostgreSQL also takes
// as column names (its unreserved and col_name keywords): a table may have
// a column "by", "set", "values" or "first".
var columnKeywords = setOf("by", "set", "values", "insert", "update", "delete", "merge", "rows",
	"range", "groups", "partition", "between", "escape", "at", "operator", "generated", "nulls",
	"first", "last", "conflict", "nothing", "preceding", "following", "unbounded", "ordinality")

// Keywords after which a word of columnKeywords is a keyword too: ORDER BY,
// NULLS FIRST, FETCH FIRST, DO NOTHING, FOR UPDATE, UNBOUNDED PRECEDING.
var keywordAfter = setOf("order", "group", "partition", "nulls", "fetch", "do", "for", "unbounded", "with")

// keywordColumn reports whether the word at k, one of columnKeywords, is
// a column reference here: it does not follow an operand or a keyword it
// belongs to (ORDER BY), and what follows it can only follow an operand:
// an operator, a cast, a comma, a closing parenthesis, a word operator
// (AND, IN, LIKE, IS, NOT), FROM or AS, or the end.
func keywordColumn(toks []Token, lo, k, hi int) bool {
	w := wordTable[lookupWord(toks[k])].name
	if !columnKeywords[w] {
		return false
	}
	if k > lo {
		p := toks[k-1]
		if isAtom(p) || p.IsOp(")") || p.IsOp("]") || keywordAfter[wordTable[lookupWord(p)].name] {
			return false
		}
	}
	if k+1 >= hi {
		return true
	}
	switch n := toks[k+1]; n.Kind {
	case Operator:
		return true
	case Punct:
		return n.Text == "," || n.Text == ")"
	case Ident:
		nw := wordTable[lookupWord(n)].name
		return wordPrec[nw] > 0 || nw == "not" || (nw == "from" || nw == "as") && w != "delete"
	}
	return false
}

// endsOperand reports whether an operand can end with t.
func endsOperand(t Token) bool {
	return isAtom(t) || t.IsOp(")") || t.IsOp("]") || t.Is("end") || t.IsOp("*")
}

// endsOperandAt is endsOperand for toks[k], which may also be a keyword
// that names a column there (keywordColumn).
func endsOperandAt(toks []Token, lo, k int) bool {
	return endsOperand(toks[k]) || keywordColumn(toks, lo, k, len(toks))
}

// exprStart returns the index of the first token of the operand that ends
// at j, extended to the left over operators of precedence >= minPrec, and
// never before lo. It returns -1 when no operand ends at j.
func exprStart(toks []Token, lo, j, minPrec int) int {
	k := j
	for {
		// An operand ends at k: find where it starts.
		t := toks[k]
		switch {
		case t.IsOp(")") || t.IsOp("]"):
			k = matchOpen(toks[:k+1], k)
			if k < lo {
				return -1
			}
		case t.Is("end"):
			k = matchCase(toks, lo, k)
			if k < 0 {
				return -1
			}
		case isAtom(t), keywordColumn(toks, lo, k, len(toks)):
		case t.IsOp("*") && k > lo && toks[k-1].IsOp("."): // t.*
		default:
			return -1
		}
		// What precedes the operand?
		for {
			p := k - 1
			if p < lo {
				return k
			}
			pt := toks[p]
			switch {
			case pt.IsOp(".") || pt.IsOp("::"):
				if p-1 < lo || !endsOperandAt(toks, lo, p-1) {
					return k
				}
				k = p - 1
			case isAtom(pt) || pt.IsOp(")") || pt.IsOp("]") || pt.Is("end"):
				k = p // adjacent: function call, typed literal, multi-word name
			case pt.Kind == Operator:
				prec := opPrec(pt.Text)
				binary := p-1 >= lo && endsOperandAt(toks, lo, p-1)
				if !binary {
					if (pt.Text == "-" || pt.Text == "+" || pt.Text == "~") && precUnary >= minPrec {
						k = p
						continue // a prefix operator; maybe another operator before it
					}
					return k
				}
				if prec < minPrec {
					return k
				}
				k = p - 1
			case pt.Kind == Ident && wordPrec[foldIdent(pt.Text)] >= minPrec && wordPrec[foldIdent(pt.Text)] > 0:
				if p-1 < lo || !endsOperandAt(toks, lo, p-1) {
					return k
				}
				k = p - 1
			default:
				return k
			}
			break
		}
	}
}

// matchCase finds the CASE that the END at j closes.
func matchCase(toks []Token, lo, j int) int {
	depth := 0
	for k := j; k >= lo; k-- {
		switch {
		case toks[k].Is("end"):
			depth++
		case toks[k].Is("case"):
			depth--
			if depth == 0 {
				return k
			}
		}
	}
	return -1
}

// matchEnd finds the END that closes the CASE at j, or -1.
func matchEnd(toks []Token, j int) int {
	depth := 0
	for k := j; k < len(toks); k++ {
		switch {
		case toks[k].Is("case"):
			depth++
		case toks[k].Is("end"):
			depth--
			if depth == 0 {
				return k
			}
		}
	}
	return -1
}

// exprEnd returns the index after the expression that starts at j and
// contains only operators of precedence >= minPrec (never beyond hi).
func exprEnd(toks []Token, j, hi, minPrec int) int {
	k := j
	for k < hi {
		// Expect an operand.
		t := toks[k]
		switch {
		case t.Kind == Operator && (t.Text == "-" || t.Text == "+" || t.Text == "~"):
			k++
			continue
		case t.Is("not") && minPrec <= precNot:
			k++
			continue
		case t.IsOp("(") || t.IsOp("["):
			e := matchClose(toks[:hi], k)
			if e < 0 {
				return hi
			}
			k = e + 1
		case t.Is("case"):
			e := matchEnd(toks[:hi], k)
			if e < 0 {
				return hi
			}
			k = e + 1
		case (t.Is("any") || t.Is("some") || t.Is("all")) && k > j && k+1 < hi && toks[k+1].IsOp("("):
			e := matchClose(toks[:hi], k+1) // x = ANY (...)
			if e < 0 {
				return hi
			}
			k = e + 1
		case keywordColumn(toks, 0, k, hi):
			k++
		case isAtom(t):
			k++
			if t.Kind == Ident && k < hi && toks[k].Kind.IsString() {
				k++ // typed literal: date '2024-01-01'
			} else if (t.Kind == UnicodeString || t.Kind == UnicodeIdent) && k+1 < hi && toks[k].Is("uescape") {
				k += 2
			} else if t.Kind == Ident && (t.Is("timestamp") || t.Is("time") || t.Is("double")) {
				c := &cursor{toks: toks[:hi], i: k - 1}
				if _, ok := parseType(c); ok && c.i < hi && toks[c.i].Kind.IsString() {
					k = c.i + 1 // timestamp with time zone '...'
				}
			}
		default:
			return k
		}
		// After an operand: postfix syntax, or an operator and another operand.
		for k < hi {
			t := toks[k]
			switch {
			case t.IsOp("."):
				k++
				if k < hi && toks[k].IsOp("*") {
					k++
					continue
				}
				if k < hi && isAtom(toks[k]) {
					k++
					continue
				}
				return k
			case t.IsOp("::"):
				c := &cursor{toks: toks[:hi], i: k + 1}
				if _, ok := parseType(c); !ok {
					return k
				}
				k = c.i
				continue
			case t.IsOp("(") || t.IsOp("["):
				e := matchClose(toks[:hi], k)
				if e < 0 {
					return hi
				}
				k = e + 1
				continue
			case t.Kind == Operator:
				if opPrec(t.Text) < minPrec {
					return k
				}
				k++
			case t.Is("not") && k+1 < hi && wordPrec[foldIdent(toks[k+1].Text)] == precLike:
				if precLike < minPrec {
					return k
				}
				k += 2
			case t.Is("at") && k+2 < hi && toks[k+1].Is("time") && toks[k+2].Is("zone"):
				if precAt < minPrec {
					return k
				}
				k += 3
			case t.Is("collate"):
				if precCollate < minPrec {
					return k
				}
				c := &cursor{toks: toks[:hi], i: k + 1}
				if _, ok := c.qualifiedName(); !ok {
					return k
				}
				k = c.i
				continue
			case (t.Is("over") || t.Is("filter")) && k+1 < hi && toks[k+1].IsOp("("),
				t.Is("within") && k+2 < hi && toks[k+1].Is("group") && toks[k+2].IsOp("("):
				for !toks[k].IsOp("(") {
					k++
				}
				e := matchClose(toks[:hi], k)
				if e < 0 {
					return hi
				}
				k = e + 1
				continue
			case t.Is("over") && k+1 < hi && toks[k+1].Kind == Ident:
				k += 2 // OVER window_name
				continue
			case t.Is("isnull") || t.Is("notnull"):
				if precIs < minPrec {
					return k
				}
				k++
				continue
			case t.Is("is"):
				if precIs < minPrec {
					return k
				}
				k++
				for k < hi && (toks[k].Is("not") || toks[k].Is("distinct") || toks[k].Is("from")) {
					k++
				}
			case t.Kind == Ident && wordPrec[foldIdent(t.Text)] > 0:
				if wordPrec[foldIdent(t.Text)] < minPrec {
					return k
				}
				k++
			default:
				return k
			}
			break
		}
	}
	return k
}
