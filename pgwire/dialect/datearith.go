package dialect

// Date and time arithmetic. Dates and timestamps are text in SQLite, whose
// + and - read only a text's leading number: '2024-03-01' - '2024-02-01'
// would be 0 and current_date - 1 the year before, silently. The typer
// notes every +, -, *, / and % with a date or time operand; the translator
// turns date + integer, integer + date and date - integer into
// pg_date_pl / pg_date_mi (functions of the state machine, fsm/sqlfunc),
// date - date into pg_date_mi (the days between), and refuses the rest
// (timestamps, times, intervals) with 0A000 rather than compute nonsense.

// dateOp is arithmetic the typer found: the operator at op joins the
// operands toks[lo:op] and toks[op+1:hi]; fn is the function computing
// it, "" when there is none.
type dateOp struct {
	lo, op, hi int
	operator   string
	typ        string // the date or time type involved, for the error
	fn         string
}

func isDateTime(t string) bool {
	switch t {
	case "date", "timestamp without time zone", "timestamp with time zone",
		"time without time zone", "time with time zone", "interval":
		return true
	}
	return false
}

// noteDateArith records l op r spanning toks[lo:hi] if it involves a date
// or time value.
func (ty *typer) noteDateArith(op string, l, r operand, lo, at, hi int) {
	if op == "^" {
		// Not date arithmetic, but the same rewrite: SQLite has no ^.
		ty.dateOps = append(ty.dateOps, dateOp{lo: lo, op: at, hi: hi, operator: op, fn: "power"})
		return
	}
	switch op {
	case "+", "-", "*", "/", "%":
	default:
		return
	}
	lt, rt := ty.typed(l).typ, ty.typed(r).typ
	if l.lit {
		lt = ""
	}
	if r.lit {
		rt = ""
	}
	if !isDateTime(lt) && !isDateTime(rt) {
		return
	}
	d := dateOp{lo: lo, op: at, hi: hi, operator: op, typ: lt}
	if !isDateTime(lt) {
		d.typ = rt
	}
	// An operand of unknown type (a parameter, NULL, a string constant) is
	// left to the function, which reads a date or a number of days.
	intOrUnknown := func(t string) bool { return t == "" || intRank(t) > 0 }
	switch {
	case op == "+" && lt == "date" && intOrUnknown(rt), op == "+" && intOrUnknown(lt) && rt == "date":
		d.fn = "pg_date_pl"
	case op == "-" && lt == "date" && (intOrUnknown(rt) || rt == "date"):
		d.fn = "pg_date_mi"
	}
	ty.dateOps = append(ty.dateOps, d)
}

// rewriteDateArith applies the typer's notes: fn(left, right) in place of
// left op right, or an error for arithmetic sqlraft cannot compute.
func (tr *translator) rewriteDateArith() error {
	for _, d := range tr.dateOps {
		if d.fn == "" {
			return errorf(CodeUnsupported, tr.toks[d.op].Pos,
				"operator %s on %s values is not supported: sqlraft has no interval type (date + integer, date - integer and date - date work)", d.operator, d.typ)
		}
		if d.lo < 0 || d.hi > len(tr.out) || d.lo >= d.op || d.op+1 >= d.hi {
			continue
		}
		tr.out[d.lo] = d.fn + "(" + tr.out[d.lo]
		tr.out[d.op] = ","
		tr.out[d.hi-1] += ")"
		delete(tr.powers, d.op)
	}
	for i := range tr.powers {
		return unsupported(tr.toks[i].Pos, "operator ^ is not supported here (use power(a, b))")
	}
	return nil
}
