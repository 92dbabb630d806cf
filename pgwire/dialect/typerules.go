package dialect

import (
	"strconv"
	"strings"
)

// Type rules: what operators give, the common type of alternatives (CASE,
// coalesce, UNION), numeric promotion, and how parameters take the types
// of the operands they meet.

var boolean = operand{typ: "boolean"}

// flipZone is the type of x AT TIME ZONE z.
func flipZone(t string) string {
	switch t {
	case "timestamp with time zone":
		return "timestamp without time zone"
	case "timestamp without time zone":
		return "timestamp with time zone"
	case "time with time zone", "time without time zone":
		return "time with time zone"
	}
	return ""
}

// binary types l op r for an operator written as symbols.
func (ty *typer) binary(op string, l, r operand) operand {
	switch op {
	case "=", "<>", "!=", "<", ">", "<=", ">=":
		ty.inferPair(l, r, false)
		ty.literal(l, r)
		ty.literal(r, l)
		return boolean
	case "+", "-", "*", "/", "%":
		ty.inferPair(l, r, true)
		return operand{typ: arith(op, ty.typed(l), ty.typed(r))}
	case "&", "|", "#", "<<", ">>":
		ty.inferPair(l, r, true)
		l, r = ty.typed(l), ty.typed(r)
		if intRank(l.typ) > 0 && intRank(r.typ) > 0 {
			if op == "<<" || op == ">>" {
				return operand{typ: l.typ}
			}
			return operand{typ: widen(l.typ, r.typ)}
		}
		return operand{}
	case "||":
		return ty.concat(l, r)
	case "->":
		if l.typ == "json" || l.typ == "jsonb" {
			return operand{typ: l.typ}
		}
		return operand{}
	case "->>":
		return operand{typ: "text"}
	case "~", "!~", "~*", "!~*", "~~", "!~~", "~~*", "!~~*":
		ty.typeParam(l, "text")
		ty.typeParam(r, "text")
		return boolean
	}
	return operand{}
}

// typed gives a parameter operand the type inferred for it so far.
func (ty *typer) typed(op operand) operand {
	if op.param > 0 && op.typ == "" {
		op.typ = ty.paramType(op.param)
	}
	return op
}

// concat types l || r: text, unless json(b), bytea or arrays meet.
func (ty *typer) concat(l, r operand) operand {
	l, r = ty.typed(l), ty.typed(r)
	open := func(o operand) bool { return o.lit || o.param > 0 && o.typ == "" }
	switch {
	case l.typ == "jsonb" || r.typ == "jsonb":
		if (l.typ == "jsonb" || open(l)) && (r.typ == "jsonb" || open(r)) {
			ty.typeParam(l, "jsonb")
			ty.typeParam(r, "jsonb")
			return operand{typ: "jsonb"}
		}
		return operand{}
	case l.typ == "bytea" && r.typ == "bytea":
		return operand{typ: "bytea"}
	}
	plain := func(o operand) bool {
		return open(o) || o.typ != "" && o.typ != "json" && o.typ != "bytea" && !strings.HasSuffix(o.typ, "[]")
	}
	if !plain(l) || !plain(r) {
		return operand{}
	}
	ty.typeParam(l, "text")
	ty.typeParam(r, "text")
	return operand{typ: "text"}
}

// open reports a parameter without a cast, whose type is inferred.
func (ty *typer) open(op operand) bool {
	if op.param <= 0 {
		return false
	}
	_, cast := ty.hints[op.param]
	return !cast
}

// typeParam gives op, when it is a parameter without a cast, type typ.
func (ty *typer) typeParam(op operand, typ string) {
	if ty.open(op) {
		ty.record(op.param, typ)
	}
}

// inferPair gives a parameter of unknown type the type of the operand it
// is compared with (or, with numeric, added to: only numeric types).
func (ty *typer) inferPair(a, b operand, numeric bool) {
	for range 2 {
		if ty.open(a) && !b.quant {
			t := ty.typed(b).typ
			if b.lit && (numeric || b.typ == "") {
				t = ""
			}
			if numeric && !isNumber(t) {
				t = ""
			}
			ty.record(a.param, t)
		}
		a, b = b, a
	}
}

// literal notes a string constant lit compared with (or, in UPDATE's SET,
// assigned to) the column reference col, for coerce.go.
func (ty *typer) literal(col, lit operand) {
	if col.ref {
		ty.noteLiteral(col.typ, lit)
	}
}

// noteLiteral notes that lit, if a string constant, meets a column of type
// typ, and reports whether it did.
func (ty *typer) noteLiteral(typ string, lit operand) bool {
	if lit.str <= 0 || !literalTargets[typ] {
		return false
	}
	if ty.lits == nil {
		ty.lits = map[int]string{}
	}
	if _, ok := ty.lits[lit.str-1]; ok {
		return false
	}
	ty.lits[lit.str-1] = typ
	return true
}

// common types a list of alternatives (CASE results, coalesce, greatest):
// their common type, which the parameters among them take.
func (ty *typer) common(ops []operand) operand {
	for i := range ops {
		ops[i] = ty.typed(ops[i])
	}
	c := commonOf(ops)
	if c.typ != "" {
		for _, op := range ops {
			ty.typeParam(op, c.typ)
		}
	}
	return c
}

// commonOf is PostgreSQL's common type of alternatives (select_common_type),
// simplified: NULL, string literals and parameters of unknown type adapt
// to the others; numbers promote (integer < bigint < numeric < double
// precision); text types give text; any other mix, or an alternative of
// unknown type, gives "".
func commonOf(ops []operand) operand {
	t, lit := "", false
	for _, op := range ops {
		switch {
		case op.star || op.quant:
			return operand{}
		case op.lit || op.param > 0 && op.typ == "":
			lit = lit || op.typ == "text"
		case op.typ == "":
			return operand{}
		case t == "":
			t = op.typ
		default:
			if t = widen(t, op.typ); t == "" {
				return operand{}
			}
		}
	}
	if t == "" && lit {
		return operand{typ: "text", lit: true}
	}
	if t == "" {
		return operand{lit: true}
	}
	return operand{typ: t}
}

// widen is the common type of two known types, or "".
func widen(a, b string) string {
	if a == b {
		return a
	}
	ra, rb := intRank(a), intRank(b)
	switch {
	case ra > 0 && rb > 0:
		if ra > rb {
			return a
		}
		return b
	case isNumber(a) && isNumber(b):
		if isFloat(a) || isFloat(b) {
			return "double precision"
		}
		return "numeric"
	case isText(a) && isText(b):
		return "text"
	case isTimestamp(a) && isTimestamp(b):
		if a == "timestamp with time zone" || b == "timestamp with time zone" {
			return "timestamp with time zone"
		}
		return "timestamp without time zone"
	}
	return ""
}

// arith types l op r for + - * / %: numbers promote as in widen (real op
// real stays real), date ± integer is a date and date - date an integer.
func arith(op string, l, r operand) string {
	lt, rt := l.typ, r.typ
	if l.lit {
		lt = rt
	}
	if r.lit {
		rt = lt
	}
	switch {
	case lt == "" || rt == "":
		return ""
	case lt == "date" && intRank(rt) > 0 && (op == "+" || op == "-"),
		intRank(lt) > 0 && rt == "date" && op == "+":
		return "date"
	case lt == "date" && rt == "date" && op == "-":
		return "integer"
	case !isNumber(lt) || !isNumber(rt):
		return ""
	}
	return widen(lt, rt)
}

func intRank(t string) int {
	switch t {
	case "smallint":
		return 1
	case "integer":
		return 2
	case "bigint":
		return 3
	}
	return 0
}

func isFloat(t string) bool { return t == "real" || t == "double precision" }

func isNumber(t string) bool { return intRank(t) > 0 || t == "numeric" || isFloat(t) }

func isText(t string) bool {
	return t == "text" || t == "character varying" || t == "character" || t == "name"
}

func isTimestamp(t string) bool {
	return t == "date" || t == "timestamp without time zone" || t == "timestamp with time zone"
}

// numberType is the type of a numeric constant: integer if it fits in 32
// bits, bigint in 64, numeric otherwise or with a fraction or exponent.
func numberType(text string, negative bool) string {
	s, base := numberDigits(text)
	if base == 10 && strings.ContainsAny(s, ".eE") {
		return "numeric"
	}
	if negative {
		s = "-" + s
	}
	n, err := strconv.ParseInt(s, base, 64)
	switch {
	case err != nil:
		return "numeric"
	case n >= -1<<31 && n < 1<<31:
		return "integer"
	}
	return "bigint"
}
