package dialect

// The words the typer knows: SQL value keywords and their types, reserved
// words that end an expression, type names that start typed literals and
// the functions of typefuncs.go. Every identifier is looked up once per
// statement (scan), so the walk compares numbers, not strings.

// Types of the SQL value keywords (current_user is a name, as in
// PostgreSQL).
var keywordTypes = map[string]string{
	"current_date": "date", "current_time": "time with time zone",
	"current_timestamp": "timestamp with time zone", "localtime": "time without time zone",
	"localtimestamp": "timestamp without time zone", "current_role": "name",
	"current_user": "name", "user": "name", "session_user": "name", "current_catalog": "name",
	"current_schema": "name",
}

// wordInfo is what the typer knows about a keyword or function name.
type wordInfo struct {
	name     string // the word in lower case
	typ      string // the type of an SQL value keyword (current_date), or ""
	literal  bool   // a type name that can start a typed literal (date '...')
	boundary bool   // a reserved word that ends an expression (boundaryWords)
	fromEnd  bool   // a word that ends a FROM list (fromListEnd)
}

// typerWords are the words the typer looks at: keywords, type names and
// the functions it knows, numbered by their index in wordTable (0 is no
// word). typeStatement looks every identifier up once (lookupWord), folding
// its case without allocating: clients write keywords in capitals.
var typerWords, wordTable = func() (map[string]uint16, []wordInfo) {
	m := map[string]wordInfo{}
	add := func(w string) wordInfo {
		i, ok := m[w]
		if !ok {
			i = wordInfo{name: w, boundary: boundaryWords[w], fromEnd: fromListEnd[w]}
		}
		return i
	}
	for _, set := range []map[string]bool{boundaryWords, fromListEnd, setOf("null", "true", "false",
		"cast", "exists", "array", "row", "isnull", "notnull", "ilike", "escape", "overlaps", "over",
		"filter", "within", "operator", "recursive", "materialized", "conflict", "symmetric",
		"asymmetric", "time", "zone", "local", "unknown", "document", "normalized", "first", "next",
		"uescape")} {
		for w := range set {
			m[w] = add(w)
		}
	}
	for w := range funcResults {
		m[w] = add(w)
	}
	for w := range funcParams {
		m[w] = add(w)
	}
	for w, typ := range keywordTypes {
		i := add(w)
		i.typ = typ
		m[w] = i
	}
	for w := range literalTypes {
		i := add(w)
		i.literal = true
		m[w] = i
	}
	index := make(map[string]uint16, len(m))
	table := []wordInfo{{}}
	for w, i := range m {
		index[w] = uint16(len(table))
		table = append(table, i)
	}
	return index, table
}()

// lookupWord returns the number of an unquoted identifier in wordTable,
// or 0.
func lookupWord(t Token) uint16 {
	const longest = 40
	if t.Kind != Ident || len(t.Text) > longest {
		return 0
	}
	var buf [longest]byte
	for i := 0; i < len(t.Text); i++ {
		c := t.Text[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return typerWords[string(buf[:len(t.Text)])]
}

// wordAt returns what the typer knows of token k as a word (name "" when
// it is none).
func (ty *typer) wordAt(k int) wordInfo { return wordTable[ty.info[k].word] }

// atom is isAtom for token k, without folding its text again.
func (ty *typer) atom(k int) bool {
	if ty.toks[k].Kind == Ident {
		return !ty.wordAt(k).boundary
	}
	return isAtom(ty.toks[k])
}

// identName is the value of the name token k.
func (ty *typer) identName(k int) (string, error) {
	if w := ty.wordAt(k); w.name != "" {
		return w.name, nil
	}
	return ty.toks[k].Value()
}
