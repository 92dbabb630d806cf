package dialect

import "strings"

// significant returns the tokens that matter to the grammar.
func significant(toks []Token) []Token {
	out := make([]Token, 0, len(toks))
	for _, t := range toks {
		if t.Significant() {
			out = append(out, t)
		}
	}
	return out
}

// cursor walks significant tokens. Reading past the end yields the zero
// Token, whose Kind is 0 and which matches nothing.
type cursor struct {
	toks []Token
	i    int
	end  int    // position reported for the end of input
	src  string // the source text the tokens come from, starting at offset base
	base int
}

// sub classifies a run of the cursor's tokens as a statement of its own.
func (c *cursor) sub(toks []Token) (Info, error) {
	return classify(toks, c.src, c.base)
}

func (c *cursor) peekAt(k int) Token {
	if j := c.i + k; j >= 0 && j < len(c.toks) {
		return c.toks[j]
	}
	return Token{Pos: c.end}
}

func (c *cursor) peek() Token { return c.peekAt(0) }

func (c *cursor) next() Token {
	t := c.peek()
	if c.i < len(c.toks) {
		c.i++
	}
	return t
}

func (c *cursor) done() bool { return c.i >= len(c.toks) }

// is reports whether the next tokens are the given keywords (or, for words
// that are not letters, operators or punctuation), in order.
func (c *cursor) is(words ...string) bool {
	for k, w := range words {
		if !matchWord(c.peekAt(k), w) {
			return false
		}
	}
	return true
}

// accept advances past words if they come next.
func (c *cursor) accept(words ...string) bool {
	if c.is(words...) {
		c.i += len(words)
		return true
	}
	return false
}

func matchWord(t Token, w string) bool {
	if w != "" && isIdentStart(w[0]) {
		return t.Is(w)
	}
	return t.IsOp(w)
}

// name reads an identifier (unquoted, quoted or Unicode-quoted) and returns
// its value.
func (c *cursor) name() (string, bool) {
	t := c.peek()
	switch t.Kind {
	case Ident, QuotedIdent, UnicodeIdent:
		v, err := t.Value()
		if err != nil {
			return "", false
		}
		c.i++
		return v, true
	}
	return "", false
}

// qualifiedName reads a.b.c and returns the parts joined with dots.
func (c *cursor) qualifiedName() (string, bool) {
	n, ok := c.name()
	if !ok {
		return "", false
	}
	for c.is(".") {
		save := c.i
		c.i++
		m, ok := c.name()
		if !ok {
			c.i = save
			break
		}
		n += "." + m
	}
	return n, true
}

// skipGroup advances past a parenthesised (or bracketed) group starting at
// the cursor and reports whether it was closed.
func (c *cursor) skipGroup() bool {
	end := matchClose(c.toks, c.i)
	if end < 0 {
		c.i = len(c.toks)
		return false
	}
	c.i = end + 1
	return true
}

// matchClose returns the index of the token closing the ( or [ at open, or
// -1 when it is not closed.
func matchClose(toks []Token, open int) int {
	depth := 0
	for j := open; j < len(toks); j++ {
		if toks[j].Kind != Punct {
			continue
		}
		switch toks[j].Text {
		case "(", "[":
			depth++
		case ")", "]":
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// matchOpen returns the index of the ( or [ that the token at close closes,
// or -1.
func matchOpen(toks []Token, close int) int {
	depth := 0
	for j := close; j >= 0; j-- {
		if toks[j].Kind != Punct {
			continue
		}
		switch toks[j].Text {
		case ")", "]":
			depth++
		case "(", "[":
			depth--
			if depth == 0 {
				return j
			}
		}
	}
	return -1
}

// upperWords renders tokens as upper-case words joined by spaces (for
// object kinds such as "MATERIALIZED VIEW").
func upperWords(ws ...string) string { return strings.ToUpper(strings.Join(ws, " ")) }
