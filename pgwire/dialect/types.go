package dialect

import (
	"strconv"
	"strings"
)

// pgType is a PostgreSQL type name as written in a cast, a typed literal,
// a column definition or PREPARE.
type pgType struct {
	name   string   // folded base name, without schema ("double precision", "timestamp", "varchar")
	quoted bool     // written as a quoted identifier ("char")
	zone   string   // "with" or "without" for time and timestamp
	mods   []string // type modifiers: varchar(20) → ["20"]
	array  bool
	start  int // index of its first token in the cursor
	end    int // index after its last token
}

// parseType reads a type name at the cursor: optional schema, multi-word
// names (double precision, character varying, timestamp(3) with time zone,
// interval day to second), modifiers and array bounds ([], [3], ARRAY).
func parseType(c *cursor) (pgType, bool) {
	t := pgType{start: c.i}
	first := c.peek()
	if first.Kind != Ident && first.Kind != QuotedIdent {
		return t, false
	}
	for c.peekAt(1).IsOp(".") && (c.peekAt(2).Kind == Ident || c.peekAt(2).Kind == QuotedIdent) {
		c.i += 2 // schema qualification
	}
	tok := c.next()
	t.name, _ = tok.Value()
	t.quoted = tok.Kind == QuotedIdent
	if !t.quoted {
		switch t.name {
		case "double":
			if c.accept("precision") {
				t.name = "double precision"
			}
		case "national":
			if c.accept("character") || c.accept("char") {
				t.name = "character"
			}
			if c.accept("varying") {
				t.name = "character varying"
			}
		case "character", "char", "nchar":
			if c.accept("varying") {
				t.name = "character varying"
			}
		case "bit":
			if c.accept("varying") {
				t.name = "bit varying"
			}
		case "time", "timestamp":
			if c.is("(") {
				if !t.readMods(c) {
					return t, false
				}
			}
			if c.accept("with", "time", "zone") {
				t.zone = "with"
			} else if c.accept("without", "time", "zone") {
				t.zone = "without"
			}
		case "interval":
			for c.accept("year") || c.accept("month") || c.accept("day") || c.accept("hour") ||
				c.accept("minute") || c.accept("second") || c.accept("to") {
			}
		}
	}
	if c.is("(") && t.mods == nil && !t.readMods(c) {
		return t, false
	}
	for {
		if c.is("[") {
			if c.peekAt(1).IsOp("]") {
				c.i += 2
			} else if c.peekAt(1).Kind == Number && c.peekAt(2).IsOp("]") {
				c.i += 3
			} else {
				break
			}
			t.array = true
			continue
		}
		if c.is("array") {
			c.next()
			t.array = true
			if c.is("[") && c.peekAt(1).Kind == Number && c.peekAt(2).IsOp("]") {
				c.i += 3
			} else if c.is("(") && t.mods == nil && !t.readMods(c) {
				// decl writes varchar(20)[] as "character varying
				// array(20)": SQLite takes a modifier only at the end.
				return t, false
			}
			continue
		}
		break
	}
	t.end = c.i
	return t, true
}

// readMods reads (a, b, ...) of numbers or identifiers.
func (t *pgType) readMods(c *cursor) bool {
	c.next() // (
	for {
		m := c.next()
		if m.Kind != Number && m.Kind != Ident {
			return false
		}
		t.mods = append(t.mods, strings.ToLower(m.Text))
		if c.accept(")") {
			return true
		}
		if !c.accept(",") {
			return false
		}
	}
}

var canonicalNames = map[string]string{
	"int2": "smallint", "smallint": "smallint", "int": "integer", "int4": "integer", "integer": "integer",
	"int8": "bigint", "bigint": "bigint", "float4": "real", "real": "real", "float8": "double precision",
	"double precision": "double precision", "numeric": "numeric", "decimal": "numeric", "dec": "numeric",
	"bool": "boolean", "boolean": "boolean", "text": "text", "varchar": "character varying",
	"character varying": "character varying", "char": "character", "character": "character",
	"bpchar": "character", "nchar": "character", "timestamptz": "timestamp with time zone",
	"timetz": "time with time zone", "varbit": "bit varying", "serial": "integer", "serial4": "integer",
	"bigserial": "bigint", "serial8": "bigint", "smallserial": "smallint", "serial2": "smallint",
}

// canonical returns PostgreSQL's own name for the type (format_type style,
// without modifiers): "integer", "character varying", "timestamp with time
// zone", "text[]"; unknown types keep their folded name.
func (t pgType) canonical() string {
	n := t.name
	if t.quoted {
		if n == "char" {
			n = `"char"`
		}
	} else if c, ok := canonicalNames[n]; ok {
		n = c
	}
	switch n {
	case "float":
		n = "double precision"
		if len(t.mods) == 1 {
			if p, err := strconv.Atoi(t.mods[0]); err == nil && p <= 24 {
				n = "real"
			}
		}
	case "timestamp", "time":
		if t.zone == "with" {
			n += " with time zone"
		} else {
			n += " without time zone"
		}
	}
	if t.array {
		n += "[]"
	}
	return n
}

// typeClass is how a cast to the type is translated.
type typeClass uint8

const (
	classOther     typeClass = iota // strip the cast
	classInt                        // CAST(x AS INTEGER)
	classFloat                      // CAST(x AS REAL)
	classText                       // CAST(x AS TEXT)
	classBool                       // literals folded to 1/0, others stripped
	classDate                       // date(x)
	classTimestamp                  // stripped; 'now' becomes the current time
	classTime                       // stripped; 'now' becomes the current time of day
	classInterval                   // rejected
	classBytea                      // literals decoded to X'..', others CAST(x AS BLOB)
)

func (t pgType) class() typeClass {
	if t.array {
		return classOther
	}
	switch t.canonical() {
	case "smallint", "integer", "bigint", "oid":
		return classInt
	case "real", "double precision", "numeric":
		return classFloat
	case "text", "character varying", "character", "name", "citext":
		return classText
	case "boolean":
		return classBool
	case "date":
		return classDate
	case "timestamp without time zone", "timestamp with time zone":
		return classTimestamp
	case "time without time zone", "time with time zone":
		return classTime
	case "interval":
		return classInterval
	case "bytea":
		return classBytea
	}
	return classOther
}

// isSerial reports serial, bigserial and smallserial (and their aliases).
func (t pgType) isSerial() bool {
	switch t.name {
	case "serial", "serial4", "bigserial", "serial8", "smallserial", "serial2":
		return !t.quoted && !t.array
	}
	return false
}

func (t pgType) isInteger() bool {
	switch t.canonical() {
	case "smallint", "integer", "bigint":
		return true
	}
	return false
}

// sqliteSafeNames are the declared types written for PostgreSQL types
// whose names SQLite (3.37 and later) takes for its own standard types
// (INT, INTEGER, REAL, TEXT, BLOB, ANY, in any case) and stores upper
// case: the declared type would no longer tell PostgreSQL's integer (int4)
// from the rowid alias INTEGER written for serial keys, nor real (float4)
// from SQLite's REAL. SQLite keeps these spellings as written, and they
// have the same affinity (int4 has INT in it: INTEGER; float4 FLOA:
// REAL). text may become TEXT: it reads back the same.
var sqliteSafeNames = map[string]string{"integer": "int4", "int": "int4", "real": "float4"}

// decl renders the type as a declared column type that SQLite accepts and
// that keeps PostgreSQL's name: SQLite takes several words as one type name
// but modifiers only at the end and no brackets, so timestamp(3) with time
// zone becomes "timestamp with time zone(3)" and text[] "text array";
// integer and real are int4 and float4 (sqliteSafeNames). CanonicalType
// reads these back.
func (t pgType) decl() string {
	var b strings.Builder
	if t.quoted {
		b.WriteString(quoteIdent(t.name))
	} else if n, ok := sqliteSafeNames[t.name]; ok {
		b.WriteString(n)
	} else {
		b.WriteString(t.name)
	}
	if t.zone != "" {
		b.WriteString(" " + t.zone + " time zone")
	}
	if t.array {
		b.WriteString(" array")
	}
	if len(t.mods) > 0 {
		b.WriteString("(" + strings.Join(t.mods, ",") + ")")
	}
	return b.String()
}

// CanonicalType returns PostgreSQL's name for a declared type, as it comes
// from a cast, a parameter hint or SQLite's column declared type (which
// this package writes in PostgreSQL's words): "INT4" and "INTEGER" give
// "integer", "VARCHAR(20)" "character varying", "timestamptz" and
// "TIMESTAMP WITH TIME ZONE(3)" "timestamp with time zone", "text array"
// and "text[]" "text[]". Unknown names come back folded; a string that is
// not a type name gives "".
func CanonicalType(decl string) string {
	toks, err := Lex(decl)
	if err != nil {
		return ""
	}
	c := &cursor{toks: significant(toks)}
	t, ok := parseType(c)
	if !ok || !c.done() {
		return ""
	}
	return t.canonical()
}

// splitTopLevel splits tokens at commas outside parentheses and brackets.
func splitTopLevel(toks []Token) [][]Token {
	var out [][]Token
	depth, start := 0, 0
	for i, t := range toks {
		switch {
		case t.IsOp("(") || t.IsOp("["):
			depth++
		case t.IsOp(")") || t.IsOp("]"):
			depth--
		case t.IsOp(",") && depth == 0:
			out = append(out, toks[start:i])
			start = i + 1
		}
	}
	return append(out, toks[start:])
}
