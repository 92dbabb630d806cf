package dialect

import "strings"

// A serial or identity primary key must be declared exactly INTEGER to be
// SQLite's rowid alias, the only column SQLite numbers. The translator
// records what PostgreSQL would have declared in a block comment right
// after that type, which SQLite keeps verbatim in sqlite_schema.sql (and
// through ALTER TABLE ... RENAME):
//
//	id INTEGER /*pg:serial*/ PRIMARY KEY AUTOINCREMENT
//
// Version 1 of the syntax is the prefix "pg:" followed by one of
//
//	serial | bigserial | smallserial
//	<type> identity always | <type> identity by default
//
// where <type> is smallint, integer or bigint. A later incompatible
// syntax takes a new prefix ("pg2:"); readers ignore markers they do not
// know, and the column reads as SQLite's INTEGER (int8, no default).

// markerPrefix opens a version-1 marker.
const markerPrefix = "/*pg:"

// ColumnMarker is what a marker says about a rowid-alias column.
type ColumnMarker struct {
	// Type is the canonical PostgreSQL type: smallint, integer or bigint.
	Type string
	// Identity is attidentity: 'a' (ALWAYS), 'd' (BY DEFAULT) or 0 for a
	// serial column, whose default is nextval of its sequence.
	Identity byte
}

// Serial tells whether the column was declared serial, bigserial or
// smallserial (PostgreSQL gives it a nextval default).
func (m ColumnMarker) Serial() bool { return m.Identity == 0 }

// String is the marker's comment text, as the translator writes it.
func (m ColumnMarker) String() string {
	switch m.Identity {
	case 'a':
		return markerPrefix + m.Type + " identity always*/"
	case 'd':
		return markerPrefix + m.Type + " identity by default*/"
	}
	return markerPrefix + serialNames[m.Type] + "*/"
}

var serialNames = map[string]string{"smallint": "smallserial", "integer": "serial", "bigint": "bigserial"}

// parseMarker reads a block comment; ok is false for other comments and
// markers of an unknown version or content.
func parseMarker(comment string) (ColumnMarker, bool) {
	body, ok := strings.CutPrefix(comment, markerPrefix)
	if !ok {
		return ColumnMarker{}, false
	}
	body, ok = strings.CutSuffix(body, "*/")
	if !ok {
		return ColumnMarker{}, false
	}
	for typ, serial := range serialNames {
		if body == serial {
			return ColumnMarker{Type: typ}, true
		}
	}
	typ, gen, ok := strings.Cut(body, " identity ")
	if _, known := serialNames[typ]; !ok || !known {
		return ColumnMarker{}, false
	}
	switch gen {
	case "always":
		return ColumnMarker{Type: typ, Identity: 'a'}, true
	case "by default":
		return ColumnMarker{Type: typ, Identity: 'd'}, true
	}
	return ColumnMarker{}, false
}

// serialMarker is the marker of a serial or identity column of type typ
// (identity: 'a', 'd' or 0).
func serialMarker(typ pgType, identity byte) ColumnMarker {
	m := ColumnMarker{Type: typ.canonical(), Identity: identity}
	switch typ.name {
	case "serial", "serial4":
		m.Type = "integer"
	case "bigserial", "serial8":
		m.Type = "bigint"
	case "smallserial", "serial2":
		m.Type = "smallint"
	}
	return m
}

// ColumnMarkers reads the markers of a CREATE TABLE statement's text as
// SQLite keeps it in sqlite_schema.sql, by lower-case column name. A
// marker belongs to the column definition it sits in. It returns nil
// when there is none (or the text does not lex).
func ColumnMarkers(createSQL string) map[string]ColumnMarker {
	if !strings.Contains(createSQL, markerPrefix) {
		return nil
	}
	toks, err := Lex(createSQL)
	if err != nil {
		return nil
	}
	var out map[string]ColumnMarker
	depth := 0
	col := ""              // the column whose definition the cursor is in
	var mark *ColumnMarker // a marker seen in that definition
	first := false
	end := func() { // the end of a definition
		if col != "" && mark != nil {
			if out == nil {
				out = map[string]ColumnMarker{}
			}
			out[col] = *mark
		}
		col, mark, first = "", nil, true
	}
	for _, t := range toks {
		switch {
		case t.IsOp("("):
			depth++
			if depth == 1 {
				end()
			}
			continue
		case t.IsOp(")"):
			if depth == 1 {
				end()
			}
			depth--
			continue
		case depth != 1:
			continue
		case t.IsOp(","):
			end()
			continue
		case t.Kind == BlockComment:
			if m, ok := parseMarker(t.Text); ok {
				mark = &m
			}
			continue
		case !t.Significant():
			continue
		}
		if first {
			first = false
			switch {
			case t.Kind == Ident && isConstraintStart(t):
			case t.Kind == QuotedIdent:
				if v, err := t.Value(); err == nil {
					col = strings.ToLower(v)
				}
			case t.Kind == Ident:
				col = strings.ToLower(t.Text)
			}
		}
	}
	return out
}

func isConstraintStart(t Token) bool {
	for _, w := range []string{"constraint", "primary", "unique", "check", "foreign"} {
		if t.Is(w) {
			return true
		}
	}
	return false
}
