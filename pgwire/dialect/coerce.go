package dialect

import (
	"sort"
	"strconv"
	"strings"
)

// Untyped string literals. PostgreSQL gives a string constant the type of
// the column it is stored into or compared with: 't' stored into a
// boolean column is true and '\xdead' compared with a bytea column is two
// bytes. SQLite keeps the constant TEXT, so a boolean column would hold
// the text 't' and the bytea comparison would never match. Clients that
// interpolate values into the SQL (psycopg2, pgx's simple protocol, psql
// scripts) send exactly such constants. So a plain string constant whose
// context is a column of one of the types below is converted the way
// PostgreSQL's input function reads it, and rejected where that function
// rejects it:
//
//   - bytea: X'...' (hex format \x..., or the escape format);
//   - boolean: 1 or 0;
//   - timestamp with time zone: the UTC text without offset that the
//     session stores for a parameter (storedTimestamptz), 'now' the
//     current time;
//   - uuid: the canonical lower-case text the session stores for a
//     parameter;
//   - smallint, integer, bigint: checked (22P02, 22003) and kept as text,
//     which the column's INTEGER affinity converts.
//
// The contexts are those where PostgreSQL resolves the constant against
// the column: INSERT ... VALUES and INSERT ... SELECT by position, UPDATE
// ... SET col = 'x' (and ON CONFLICT DO UPDATE SET), comparisons col op
// 'x' and 'x' op col, col [NOT] IN ('x', ...), col [NOT] BETWEEN 'x' AND
// 'y', col IS [NOT] DISTINCT FROM 'x', and DEFAULT 'x' of a column
// declared in the same CREATE TABLE or ALTER TABLE ADD COLUMN. The typer
// finds the DML contexts (resolving the column through the FROM items and
// their aliases), columnDef the defaults. A constant in any other place,
// or next to a column whose type is unknown, is left alone.

// literalTargets are the column types whose string constants are converted.
var literalTargets = setOf("bytea", "boolean", "timestamp with time zone", "uuid", "smallint", "integer", "bigint")

// literalTarget notes that the string constant at token i meets a column
// of canonical type typ; coerceLiterals converts it. The first context
// wins.
func (tr *translator) literalTarget(i int, typ string) {
	if !literalTargets[typ] {
		return
	}
	if tr.targets == nil {
		tr.targets = map[int]string{}
	}
	if _, ok := tr.targets[i]; !ok {
		tr.targets[i] = typ
	}
}

// coerceLiterals converts the constants noted by literalTarget, after the token
// rules have rendered them as standard strings ('...'), in statement
// order, so that the first invalid one is the error.
func (tr *translator) coerceLiterals() error {
	if len(tr.targets) == 0 {
		return nil
	}
	idx := make([]int, 0, len(tr.targets))
	for i := range tr.targets {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	for _, i := range idx {
		out := tr.out[i]
		if len(out) < 2 || out[0] != '\'' || out[len(out)-1] != '\'' || tr.lazy[i] != nil {
			continue // rewritten by another rule
		}
		v := strings.ReplaceAll(out[1:len(out)-1], "''", "'")
		text, err := coerceLiteral(v, tr.targets[i], tr.toks[i].Pos)
		if err != nil {
			return err
		}
		tr.out[i] = text
	}
	return nil
}

// coerceLiteral returns the SQLite text for the string constant v stored
// into or compared with a column of type typ (one of literalTargets), or
// PostgreSQL's error for input the type does not accept. pos is the
// constant's position.
func coerceLiteral(v, typ string, pos int) (string, error) {
	switch typ {
	case "bytea":
		b, ok := decodeBytea(v)
		if !ok {
			return "", errorf(CodeInvalidText, pos, "invalid input syntax for type bytea")
		}
		return hexBlob(b), nil
	case "boolean":
		b, ok := parseBool(v)
		if !ok {
			return "", errorf(CodeInvalidText, pos, "invalid input syntax for type boolean: %q", v)
		}
		return b, nil
	case "timestamp with time zone":
		if strings.EqualFold(trimSpace(v), "now") {
			return timestampNow, nil
		}
		if s, ok := storedTimestamptz(v); ok {
			return quoteString(s), nil
		}
		return quoteString(v), nil
	case "uuid":
		u, ok := canonicalUUID(v)
		if !ok {
			return "", errorf(CodeInvalidText, pos, "invalid input syntax for type uuid: %q", v)
		}
		return quoteString(u), nil
	case "smallint", "integer", "bigint":
		n, err := parseIntOf(v, typ, pos)
		if err != nil {
			return "", err
		}
		return quoteString(n), nil
	}
	return quoteString(v), nil
}

// canonicalUUID reads v as PostgreSQL's uuid_in does (32 hex digits in
// either case, a hyphen allowed after any group of four, the whole
// optionally in braces) and returns its canonical form: lower case,
// 8-4-4-4-12.
func canonicalUUID(v string) (string, bool) {
	s, braces := v, strings.HasPrefix(v, "{")
	if braces {
		if !strings.HasSuffix(s, "}") || len(s) < 2 {
			return "", false
		}
		s = s[1 : len(s)-1]
	}
	out := make([]byte, 0, 36)
	i := 0
	for n := 0; n < 16; n++ {
		if i+1 >= len(s) || !isHexDigit(s[i]) || !isHexDigit(s[i+1]) {
			return "", false
		}
		if n == 4 || n == 6 || n == 8 || n == 10 {
			out = append(out, '-')
		}
		out = append(out, s[i]|0x20, s[i+1]|0x20) // hex digits: |0x20 lowers A-F, keeps 0-9
		i += 2
		if i < len(s) && s[i] == '-' && n%2 == 1 && n < 15 {
			i++
		}
	}
	return string(out), i == len(s)
}

// parseIntOf reads v as PostgreSQL's input function for the integer type
// typ does (parseInt, then the type's range) and returns it in decimal.
func parseIntOf(v, typ string, pos int) (string, error) {
	n, ok := parseInt(v)
	if !ok {
		if s := strings.TrimLeft(trimSpace(v), "+-"); s != "" && strings.Trim(s, "0123456789_") == "" &&
			!strings.HasPrefix(s, "_") && !strings.HasSuffix(s, "_") && !strings.Contains(s, "__") {
			return "", errorf(CodeOutOfRange, pos, "value %q is out of range for type %s", v, typ)
		}
		return "", errorf(CodeInvalidText, pos, "invalid input syntax for type %s: %q", typ, v)
	}
	bits := 64
	switch typ {
	case "smallint":
		bits = 16
	case "integer":
		bits = 32
	}
	if _, err := strconv.ParseInt(n, 10, bits); err != nil {
		return "", errorf(CodeOutOfRange, pos, "value %q is out of range for type %s", v, typ)
	}
	return n, nil
}
