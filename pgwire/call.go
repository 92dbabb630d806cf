package pgwire

import "sqlraft/pgwire/dialect"

// callCursor walks the significant tokens of a statement the session
// answers itself when it is exactly one function call, SELECT
// [pg_catalog.]fn(...) (set_config, the advisory lock functions).
type callCursor struct {
	toks []dialect.Token
	i    int
}

// selectCall lexes sql and, if it starts SELECT [pg_catalog.]name (,
// returns the function's name (lower case) and a cursor just after the
// opening parenthesis.
func selectCall(sql string) (name string, c *callCursor, ok bool) {
	toks, err := dialect.Lex(sql)
	if err != nil {
		return "", nil, false
	}
	c = &callCursor{}
	for _, t := range toks {
		if t.Significant() {
			c.toks = append(c.toks, t)
		}
	}
	if n := len(c.toks); n > 0 && c.toks[n-1].Text == ";" {
		c.toks = c.toks[:n-1]
	}
	if !c.next().Is("select") {
		return "", nil, false
	}
	fn := c.next()
	if fn.Is("pg_catalog") {
		if c.next().Text != "." {
			return "", nil, false
		}
		fn = c.next()
	}
	if fn.Kind != dialect.Ident || c.next().Text != "(" {
		return "", nil, false
	}
	return lower(fn.Text), c, true
}

// next returns the next token, or the zero Token at the end.
func (c *callCursor) next() dialect.Token {
	if c.i < len(c.toks) {
		c.i++
		return c.toks[c.i-1]
	}
	return dialect.Token{}
}

// done reports whether every token was consumed.
func (c *callCursor) done() bool { return c.i == len(c.toks) }

func lower(s string) string {
	b := []byte(s)
	for i, ch := range b {
		if ch >= 'A' && ch <= 'Z' {
			b[i] = ch + 32
		}
	}
	return string(b)
}
