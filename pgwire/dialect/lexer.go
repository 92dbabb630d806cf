package dialect

import "strings"

// Lex splits sql into tokens following PostgreSQL's scanner (scan.l, with
// standard_conforming_strings on). The texts of the returned tokens
// concatenate to exactly sql. Unterminated strings, quoted identifiers,
// dollar quotes and block comments, zero-length quoted identifiers and
// numbers or parameters followed directly by letters are errors (SQLSTATE
// 42601) carrying the byte offset where the bad token starts; the tokens
// before it are returned with the error.
func Lex(sql string) ([]Token, error) {
	l := lexer{src: sql}
	toks := make([]Token, 0, len(sql)/3+1)
	for l.pos < len(sql) {
		t, err := l.next()
		if err != nil {
			return toks, err
		}
		toks = append(toks, t)
	}
	return toks, nil
}

type lexer struct {
	src string
	pos int
	// plusMinus is the end of a run of + and - that operator has cut
	// from a longer operator: every operator starting before it is one
	// character, so the run is not scanned again for each of them.
	plusMinus int
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || c >= 0x80
}

func isIdentCont(c byte) bool { return isIdentStart(c) || isDigit(c) || c == '$' }

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isHexDigit(c byte) bool {
	return isDigit(c) || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// isOpChar reports PostgreSQL's op_chars.
func isOpChar(c byte) bool { return strings.IndexByte("~!@#^&|`?+-*/%<>=", c) >= 0 }

func (l *lexer) peek(off int) byte {
	if l.pos+off < len(l.src) {
		return l.src[l.pos+off]
	}
	return 0
}

func (l *lexer) emit(k Kind, start int) Token {
	return Token{Kind: k, Text: l.src[start:l.pos], Pos: start}
}

func (l *lexer) next() (Token, error) {
	start := l.pos
	c := l.src[l.pos]
	switch {
	case isSpace(c):
		for l.pos < len(l.src) && isSpace(l.src[l.pos]) {
			l.pos++
		}
		return l.emit(Whitespace, start), nil
	case c == '-' && l.peek(1) == '-':
		for l.pos < len(l.src) && l.src[l.pos] != '\n' && l.src[l.pos] != '\r' {
			l.pos++
		}
		return l.emit(LineComment, start), nil
	case c == '/' && l.peek(1) == '*':
		return l.blockComment()
	case c == '\'':
		return l.quoted(String, start, false)
	case c == '"':
		return l.quotedIdent(QuotedIdent, start)
	case c == '$':
		return l.dollar()
	case isDigit(c) || c == '.' && isDigit(l.peek(1)):
		return l.number()
	case isIdentStart(c):
		return l.identOrPrefixed()
	case c == ':':
		switch l.peek(1) {
		case ':', '=':
			l.pos += 2
			return l.emit(Operator, start), nil
		}
		l.pos++
		return l.emit(Punct, start), nil
	case c == '.':
		if l.peek(1) == '.' {
			l.pos += 2
			return l.emit(Operator, start), nil
		}
		l.pos++
		return l.emit(Punct, start), nil
	case strings.IndexByte("()[],;", c) >= 0:
		l.pos++
		return l.emit(Punct, start), nil
	case isOpChar(c):
		return l.operator(), nil
	}
	l.pos++
	return l.emit(Other, start), nil
}

func (l *lexer) blockComment() (Token, error) {
	start := l.pos
	l.pos += 2
	depth := 1
	for l.pos < len(l.src) {
		switch {
		case l.src[l.pos] == '/' && l.peek(1) == '*':
			depth++
			l.pos += 2
		case l.src[l.pos] == '*' && l.peek(1) == '/':
			depth--
			l.pos += 2
			if depth == 0 {
				return l.emit(BlockComment, start), nil
			}
		default:
			l.pos++
		}
	}
	return Token{}, errorf(CodeSyntax, start, "unterminated /* comment")
}

// quoted scans a '...' constant whose opening quote is at l.pos; start is
// where the token began (before any E, B, X, N or U& prefix). backslash
// makes \' an escaped quote (E” strings). PostgreSQL joins constants
// separated only by whitespace that contains a newline; the continuation is
// part of the token.
func (l *lexer) quoted(k Kind, start int, backslash bool) (Token, error) {
	for {
		l.pos++ // opening quote
		closed := false
		for l.pos < len(l.src) {
			c := l.src[l.pos]
			if backslash && c == '\\' {
				l.pos += 2
				continue
			}
			l.pos++
			if c == '\'' {
				if l.peek(0) == '\'' {
					l.pos++
					continue
				}
				closed = true
				break
			}
		}
		if !closed || l.pos > len(l.src) {
			l.pos = len(l.src)
			return Token{}, errorf(CodeSyntax, start, "unterminated quoted string")
		}
		next, ok := l.continuation()
		if !ok {
			return l.emit(k, start), nil
		}
		l.pos = next
	}
}

// continuation reports whether a quote continues the string that ended at
// l.pos, and where that quote is: whitespace with at least one newline,
// possibly with -- comments (scan.l's quotecontinue).
func (l *lexer) continuation() (int, bool) {
	i := l.pos
	for i < len(l.src) {
		if c := l.src[i]; c == ' ' || c == '\t' || c == '\f' || c == '\v' {
			i++
		} else if c == '-' && i+1 < len(l.src) && l.src[i+1] == '-' {
			for i < len(l.src) && l.src[i] != '\n' && l.src[i] != '\r' {
				i++
			}
		} else {
			break
		}
	}
	if i >= len(l.src) || l.src[i] != '\n' && l.src[i] != '\r' {
		return 0, false
	}
	for i < len(l.src) {
		switch c := l.src[i]; {
		case isSpace(c):
			i++
		case c == '-' && i+1 < len(l.src) && l.src[i+1] == '-':
			for i < len(l.src) && l.src[i] != '\n' && l.src[i] != '\r' {
				i++
			}
			if i >= len(l.src) {
				return 0, false
			}
		case c == '\'':
			return i, true
		default:
			return 0, false
		}
	}
	return 0, false
}

func (l *lexer) quotedIdent(k Kind, start int) (Token, error) {
	open := l.pos
	l.pos++
	for l.pos < len(l.src) {
		c := l.src[l.pos]
		l.pos++
		if c == '"' {
			if l.peek(0) == '"' {
				l.pos++
				continue
			}
			if l.pos-open == 2 {
				return Token{}, errorf(CodeSyntax, start, "zero-length delimited identifier")
			}
			return l.emit(k, start), nil
		}
	}
	return Token{}, errorf(CodeSyntax, start, "unterminated quoted identifier")
}

func (l *lexer) dollar() (Token, error) {
	start := l.pos
	if isDigit(l.peek(1)) {
		l.pos++
		for l.pos < len(l.src) && isDigit(l.src[l.pos]) {
			l.pos++
		}
		if l.pos < len(l.src) && isIdentCont(l.src[l.pos]) {
			return Token{}, errorf(CodeSyntax, start, "trailing junk after parameter")
		}
		return l.emit(Param, start), nil
	}
	// $tag$ where tag is empty or an identifier without $.
	i := l.pos + 1
	if i < len(l.src) && isIdentStart(l.src[i]) {
		for i < len(l.src) && (isIdentStart(l.src[i]) || isDigit(l.src[i])) {
			i++
		}
	}
	if i >= len(l.src) || l.src[i] != '$' {
		l.pos++
		return l.emit(Other, start), nil
	}
	tag := l.src[l.pos : i+1]
	end := strings.Index(l.src[i+1:], tag)
	if end < 0 {
		l.pos = len(l.src)
		return Token{}, errorf(CodeSyntax, start, "unterminated dollar-quoted string at or near %q", tag)
	}
	l.pos = i + 1 + end + len(tag)
	return l.emit(DollarString, start), nil
}

// digits consumes digits accepted by ok with single underscores between
// them (PostgreSQL 16 syntax) and reports whether any digit was consumed.
func (l *lexer) digits(ok func(byte) bool) bool {
	if l.pos >= len(l.src) || !ok(l.src[l.pos]) {
		return false
	}
	for l.pos < len(l.src) {
		if ok(l.src[l.pos]) {
			l.pos++
		} else if l.src[l.pos] == '_' && l.pos+1 < len(l.src) && ok(l.src[l.pos+1]) {
			l.pos += 2
		} else {
			break
		}
	}
	return true
}

func (l *lexer) number() (Token, error) {
	start := l.pos
	junk := func() (Token, error) {
		return Token{}, errorf(CodeSyntax, start, "trailing junk after numeric literal at or near %q",
			l.src[start:min(len(l.src), l.pos+1)])
	}
	if l.src[l.pos] == '0' {
		var ok func(byte) bool
		switch l.peek(1) {
		case 'x', 'X':
			ok = isHexDigit
		case 'o', 'O':
			ok = func(c byte) bool { return c >= '0' && c <= '7' }
		case 'b', 'B':
			ok = func(c byte) bool { return c == '0' || c == '1' }
		}
		if ok != nil {
			l.pos += 2
			if l.peek(0) == '_' {
				l.pos++
			}
			if !l.digits(ok) || l.pos < len(l.src) && isIdentCont(l.src[l.pos]) {
				return junk()
			}
			return l.emit(Number, start), nil
		}
	}
	l.digits(isDigit)
	if l.peek(0) == '.' && l.peek(1) != '.' {
		l.pos++
		l.digits(isDigit)
	}
	if c := l.peek(0); c == 'e' || c == 'E' {
		save := l.pos
		l.pos++
		if c := l.peek(0); c == '+' || c == '-' {
			l.pos++
		}
		if !l.digits(isDigit) {
			l.pos = save
			return junk()
		}
	}
	if l.pos < len(l.src) && isIdentCont(l.src[l.pos]) {
		return junk()
	}
	return l.emit(Number, start), nil
}

func (l *lexer) identOrPrefixed() (Token, error) {
	start := l.pos
	c, n := l.src[l.pos], l.peek(1)
	switch {
	case n == '\'' && (c == 'e' || c == 'E'):
		l.pos++
		return l.quoted(EscapeString, start, true)
	case n == '\'' && (c == 'b' || c == 'B'):
		l.pos++
		return l.quoted(BitString, start, false)
	case n == '\'' && (c == 'x' || c == 'X'):
		l.pos++
		return l.quoted(HexString, start, false)
	case n == '\'' && (c == 'n' || c == 'N'):
		l.pos++
		return l.quoted(NationalString, start, false)
	case (c == 'u' || c == 'U') && n == '&' && l.peek(2) == '\'':
		l.pos += 2
		return l.quoted(UnicodeString, start, false)
	case (c == 'u' || c == 'U') && n == '&' && l.peek(2) == '"':
		l.pos += 2
		return l.quotedIdent(UnicodeIdent, start)
	}
	for l.pos < len(l.src) && isIdentCont(l.src[l.pos]) {
		l.pos++
	}
	return l.emit(Ident, start), nil
}

// operator applies PostgreSQL's rules for operator tokens: the longest run
// of operator characters, cut before any -- or /* inside it, and a
// multi-character operator may end in + or - only if it contains one of
// ~ ! @ # % ^ & | ` ? (so "a=-1" is "=" then "-1").
func (l *lexer) operator() Token {
	start := l.pos
	if start < l.plusMinus {
		l.pos++
		return l.emit(Operator, start)
	}
	end := start
	for end < len(l.src) && isOpChar(l.src[end]) {
		if end > start && (l.src[end] == '-' && l.src[end-1] == '-' || l.src[end] == '*' && l.src[end-1] == '/') {
			end--
			break
		}
		end++
	}
	if end == start { // "-" followed by "-": only possible at start, handled by the caller
		end = start + 1
	}
	if end-start > 1 && !strings.ContainsAny(l.src[start:end], "~!@#%^&|`?") {
		run := end
		for end-start > 1 && (l.src[end-1] == '+' || l.src[end-1] == '-') {
			end--
		}
		l.plusMinus = run
	}
	l.pos = end
	return l.emit(Operator, start)
}
