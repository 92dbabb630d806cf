package dialect

// Statement is one statement of a simple-query string.
type Statement struct {
	SQL    string  // the statement's text, without its terminating semicolon
	Pos    int     // byte offset of SQL in the query string
	Tokens []Token // the tokens of SQL; their Pos are offsets in the query string
	Empty  bool    // only whitespace and comments (or nothing)
}

// Split cuts a simple-query string into statements at top-level semicolons:
// semicolons inside strings, quoted identifiers, dollar quotes and comments
// do not count, and parentheses do not matter (PostgreSQL's grammar never
// puts a semicolon inside them). Every piece is returned, empty ones marked
// Empty, except a zero-length remainder after the last semicolon. So ""
// gives one empty statement, "select 1;" one statement and
// "select 1; -- done" two, the second empty. PostgreSQL answers a query
// string with EmptyQueryResponse only when all of its statements are empty,
// and otherwise skips the empty ones.
//
// Lexical errors fail the whole string, as PostgreSQL parses the whole
// string before running any of it. Statement bodies written with BEGIN
// ATOMIC ... END (SQL-standard function bodies) are split at their inner
// semicolons; SQLite could not run them anyway.
func Split(sql string) ([]Statement, error) {
	toks, err := Lex(sql)
	if err != nil {
		return nil, err
	}
	var out []Statement
	start, first := 0, 0
	flush := func(end, next int) {
		s := Statement{SQL: sql[start:end], Pos: start, Tokens: toks[first:next], Empty: true}
		for _, t := range s.Tokens {
			if t.Significant() {
				s.Empty = false
				break
			}
		}
		out = append(out, s)
	}
	for i, t := range toks {
		if t.Kind == Punct && t.Text == ";" {
			flush(t.Pos, i)
			start, first = t.Pos+1, i+1
		}
	}
	if start < len(sql) || len(out) == 0 {
		flush(len(sql), len(toks))
	}
	return out, nil
}
