package dialect

import (
	"strconv"
	"strings"
)

// Casts. SQLite mis-parses $1::int (it reads "1::int" as the parameter's
// name) and its CAST takes a type name's affinity, not its meaning:
// CAST('2024-01-01' AS TIMESTAMP) is 2024 and CAST('t' AS BOOLEAN) is 0.
// So every cast, written x::t, CAST(x AS t) or t 'literal', is rewritten
// by the class of its target type (typeClass):
//
//   - a parameter: the cast is dropped and the type becomes a ParamHint,
//     so the session binds a value of the right kind;
//   - integer, floating point and numeric, text: CAST(x AS INTEGER|REAL|TEXT),
//     so 3/2::numeric still divides as reals; constants are folded;
//   - boolean: constants become 1/0 ('yes'::bool too), other values are
//     left as they are (SQLite booleans are already 1/0);
//   - date: date(x); timestamp and time: the cast is dropped ('now' becomes
//     the current time);
//   - bytea: '\x..' constants become blobs, others CAST(x AS BLOB);
//   - interval: rejected, SQLite has no interval arithmetic;
//   - regclass: a string constant becomes pg_regclass_in('name'), its OID;
//     x::regclass::text (also regnamespace, regtype) pg_regclass_out(x);
//   - anything else (json, uuid, regclass, arrays, user types): dropped.

// castOp handles x::type at i.
func (tr *translator) castOp(i, lo, hi int) (int, error) {
	if i == lo {
		return 0, syntaxError(tr.toks[i])
	}
	os := exprStart(tr.toks, lo, i-1, precCast)
	if os < 0 {
		return 0, syntaxError(tr.toks[i])
	}
	c := &cursor{toks: tr.toks[:hi], i: i + 1, end: len(tr.src)}
	typ, ok := parseType(c)
	if !ok {
		return 0, syntaxError(c.peek())
	}
	// x::regclass::text is the relation's name, not its number.
	if out := regOutput[typ.canonical()]; out != "" && c.peek().IsOp("::") {
		c2 := &cursor{toks: tr.toks[:hi], i: c.i + 1, end: len(tr.src)}
		if typ2, ok := parseType(c2); ok && typ2.class() == classText {
			second := c.i
			tr.replace(i, c2.i-1, "")
			if err := tr.applyCast(os, i-1, typ, i); err != nil {
				return 0, err
			}
			tr.wrap(os, i-1, out+"(", ")")
			tr.res.Casts = append(tr.res.Casts, Cast{Pos: tr.toks[second].Pos, Type: typ2.canonical(), Kept: true})
			return c2.i, nil
		}
	}
	tr.replace(i, c.i-1, "")
	return c.i, tr.applyCast(os, i-1, typ, i)
}

// regOutput names the functions (registered by the catalog on read
// connections) that print an OID as its object's name, as PostgreSQL's
// regclass, regnamespace and regtype output functions do.
var regOutput = map[string]string{
	"regclass": "pg_regclass_out", "regnamespace": "pg_regnamespace_out", "regtype": "pg_regtype_out",
}

// castCall handles CAST(x AS type) with CAST at i. The result keeps the
// parentheses: CAST($1 AS int) becomes (?1).
func (tr *translator) castCall(i, hi int) (int, error) {
	close := matchClose(tr.toks[:hi], i+1)
	if close < 0 {
		return 0, syntaxError(tr.toks[i])
	}
	as := -1
	for j, depth := i+2, 0; j < close; j++ {
		switch t := tr.toks[j]; {
		case t.IsOp("(") || t.IsOp("["):
			depth++
		case t.IsOp(")") || t.IsOp("]"):
			depth--
		case depth == 0 && t.Is("as"):
			as = j
		}
		if as >= 0 {
			break
		}
	}
	if as <= i+2 {
		return 0, syntaxError(tr.toks[i])
	}
	c := &cursor{toks: tr.toks[:close], i: as + 1, end: tr.toks[close].Pos}
	typ, ok := parseType(c)
	if !ok || !c.done() {
		return 0, syntaxError(c.peek())
	}
	tr.replace(i, i, "")
	tr.replace(as, close-1, "")
	return i + 1, tr.applyCast(i+2, as-1, typ, i)
}

// typedLiteral handles type 'constant' (date '2024-01-01'), which PostgreSQL
// reads as a cast of the constant; SQLite would read the type name as a
// column and the constant as its alias.
func (tr *translator) typedLiteral(i, hi int) (int, bool, error) {
	if !literalTypes[foldIdent(tr.toks[i].Text)] {
		return 0, false, nil
	}
	c := &cursor{toks: tr.toks[:hi], i: i}
	typ, ok := parseType(c)
	if !ok || typ.array || c.done() || !c.peek().Kind.IsString() {
		return 0, false, nil
	}
	tr.replace(i, c.i-1, "")
	return c.i, true, tr.applyCast(c.i, c.i, typ, i)
}

// Type names that can start a typed literal.
var literalTypes = setOf("int2", "int4", "int8", "int", "integer", "smallint", "bigint", "float4",
	"float8", "real", "double", "float", "numeric", "decimal", "dec", "bool", "boolean", "text",
	"varchar", "char", "character", "bpchar", "date", "time", "timestamp", "timestamptz", "timetz",
	"interval", "json", "jsonb", "uuid", "bytea", "name", "oid", "regclass", "regtype", "inet",
	"cidr", "macaddr", "money", "xml")

// applyCast rewrites the cast of the operand os..oe to typ; at is the token
// the cast is reported at.
func (tr *translator) applyCast(os, oe int, typ pgType, at int) error {
	canon := typ.canonical()
	cast := Cast{Pos: tr.toks[at].Pos, Type: canon}
	op := tr.toks[os]
	single := os == oe
	record := func(kept bool) error {
		cast.Kept = kept
		tr.res.Casts = append(tr.res.Casts, cast)
		return nil
	}
	fold := func(text string) error {
		tr.replace(os, os, text)
		return record(true)
	}
	if single && op.Kind == Param {
		n, err := strconv.Atoi(op.Text[1:])
		if err != nil || n < 1 {
			return errorf(CodeUndefinedParam, op.Pos, "there is no parameter %s", op.Text)
		}
		cast.Param = n
		tr.hint(n, canon)
		return record(false)
	}
	if single && op.Is("null") {
		return record(false)
	}
	var str string
	isStr := false
	if single && op.Kind.IsString() {
		v, err := op.Value()
		if err != nil {
			return err
		}
		str, isStr = v, true
	}
	isNum := single && op.Kind == Number
	bad := func() error {
		return errorf(CodeInvalidText, op.Pos, "invalid input syntax for type %s: %q", canon, str)
	}
	switch typ.class() {
	case classInterval:
		return unsupported(cast.Pos, "interval values are not supported (SQLite has no interval type)")
	case classInt:
		switch {
		case isStr:
			n, ok := parseInt(str)
			if !ok {
				return bad()
			}
			return fold(n)
		case isNum && !strings.ContainsAny(op.Text, ".eE"):
			return record(true)
		}
		tr.wrap(os, oe, "CAST(", " AS INTEGER)")
	case classFloat:
		switch {
		case isStr:
			s := trimSpace(str)
			if _, err := strconv.ParseFloat(s, 64); err != nil || strings.ContainsAny(s, "xXpP_") ||
				strings.EqualFold(s, "nan") || strings.Contains(strings.ToLower(s), "inf") {
				return bad()
			}
			return fold(realLiteral(s))
		case isNum:
			return fold(realLiteral(numberForSQLite(op.Text)))
		}
		tr.wrap(os, oe, "CAST(", " AS REAL)")
	case classText:
		switch {
		case isStr:
			return fold(quoteString(str))
		case isNum:
			return fold(quoteString(numberForSQLite(op.Text)))
		}
		tr.wrap(os, oe, "CAST(", " AS TEXT)")
	case classBool:
		switch {
		case isStr:
			b, ok := parseBool(str)
			if !ok {
				return bad()
			}
			return fold(b)
		case isNum:
			if strings.Trim(numberForSQLite(op.Text), "0.") == "" {
				return fold("0")
			}
			return fold("1")
		}
		return record(false)
	case classDate:
		if isStr {
			switch strings.ToLower(trimSpace(str)) {
			case "now", "today":
				return fold("date('now')")
			}
			return fold(quoteString(str))
		}
		tr.wrap(os, oe, "date(", ")")
	case classTimestamp, classTime:
		if isStr && strings.EqualFold(trimSpace(str), "now") {
			if typ.class() == classTime {
				return fold(timeNow)
			}
			return fold(timestampNow)
		}
		if isStr {
			return fold(quoteString(str))
		}
		return record(false)
	case classBytea:
		if isStr {
			b, ok := decodeBytea(str)
			if !ok {
				return bad()
			}
			return fold(hexBlob(b))
		}
		tr.wrap(os, oe, "CAST(", " AS BLOB)")
	default:
		if isStr && canon == "regclass" {
			// The relation's OID, or 42P01 as PostgreSQL's regclassin.
			return fold("pg_regclass_in(" + quoteString(str) + ")")
		}
		if isStr {
			return fold(quoteString(str))
		}
		return record(false)
	}
	return record(true)
}

// parseInt accepts PostgreSQL's integer input: optional spaces and sign,
// digits (with single underscores between them) and no fraction.
func parseInt(s string) (string, bool) {
	s = trimSpace(s)
	sign := ""
	if s != "" && (s[0] == '-' || s[0] == '+') {
		if s[0] == '-' {
			sign = "-"
		}
		s = s[1:]
	}
	if s == "" || s[0] == '_' || s[len(s)-1] == '_' || strings.Contains(s, "__") {
		return "", false
	}
	s = strings.ReplaceAll(s, "_", "")
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return "", false
		}
	}
	if _, err := strconv.ParseInt(sign+s, 10, 64); err != nil {
		return "", false
	}
	return strings.TrimLeft(sign+s, "+"), true
}

// realLiteral makes a numeric constant read as a REAL in SQLite.
func realLiteral(s string) string {
	if strings.ContainsAny(s, ".eE") {
		if strings.HasPrefix(s, ".") {
			return "0" + s
		}
		if strings.HasPrefix(s, "-.") {
			return "-0" + s[1:]
		}
		return s
	}
	return s + ".0"
}

// parseBool accepts PostgreSQL's boolean input: true/false, yes/no, on/off,
// 1/0 and unique prefixes, any case, surrounding spaces allowed.
func parseBool(s string) (string, bool) {
	s = strings.ToLower(trimSpace(s))
	if s == "" {
		return "", false
	}
	for _, w := range []struct{ word, val string }{{"true", "1"}, {"false", "0"}, {"yes", "1"}, {"no", "0"}} {
		if strings.HasPrefix(w.word, s) {
			return w.val, true
		}
	}
	switch s {
	case "on":
		return "1", true
	case "off", "of":
		return "0", true
	case "1":
		return "1", true
	case "0":
		return "0", true
	}
	return "", false
}
