package dialect

import (
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

type tok struct {
	k    Kind
	text string
}

func lexSig(t *testing.T, sql string) []tok {
	t.Helper()
	toks, err := Lex(sql)
	if err != nil {
		t.Fatalf("Lex(%q): %v", sql, err)
	}
	var out []tok
	for _, x := range toks {
		if x.Significant() {
			out = append(out, tok{x.Kind, x.Text})
		}
	}
	return out
}

func TestLexKinds(t *testing.T) {
	cases := []struct {
		in   string
		want []tok
	}{
		{"SELECT a1_$x, _b", []tok{{Ident, "SELECT"}, {Ident, "a1_$x"}, {Punct, ","}, {Ident, "_b"}}},
		{`"a""b" "Ünï"`, []tok{{QuotedIdent, `"a""b"`}, {QuotedIdent, `"Ünï"`}}},
		{`U&"d\0061t" u&'x'`, []tok{{UnicodeIdent, `U&"d\0061t"`}, {UnicodeString, `u&'x'`}}},
		{`'it''s' ''`, []tok{{String, `'it''s'`}, {String, `''`}}},
		{"'a'\n  'b' 'c'", []tok{{String, "'a'\n  'b'"}, {String, "'c'"}}},
		{"'a' -- c\n'b'", []tok{{String, "'a' -- c\n'b'"}}},
		{`E'\n\'x' e'\\'`, []tok{{EscapeString, `E'\n\'x'`}, {EscapeString, `e'\\'`}}},
		{`N'x' B'0101' x'fF'`, []tok{{NationalString, "N'x'"}, {BitString, "B'0101'"}, {HexString, "x'fF'"}}},
		{"$$a;'b$$ $tag$x$$y$tag$", []tok{{DollarString, "$$a;'b$$"}, {DollarString, "$tag$x$$y$tag$"}}},
		{"$1 $23", []tok{{Param, "$1"}, {Param, "$23"}}},
		{"a$1", []tok{{Ident, "a$1"}}},
		{"42 1_000 3.14 .5 5. 1e-3 2E+10 0x1F 0o17 0b1_01", []tok{{Number, "42"}, {Number, "1_000"},
			{Number, "3.14"}, {Number, ".5"}, {Number, "5."}, {Number, "1e-3"}, {Number, "2E+10"},
			{Number, "0x1F"}, {Number, "0o17"}, {Number, "0b1_01"}}},
		{"1..10", []tok{{Number, "1"}, {Operator, ".."}, {Number, "10"}}},
		{"a::int", []tok{{Ident, "a"}, {Operator, "::"}, {Ident, "int"}}},
		{"j->>'k' j->'k' a||b", []tok{{Ident, "j"}, {Operator, "->>"}, {String, "'k'"}, {Ident, "j"},
			{Operator, "->"}, {String, "'k'"}, {Ident, "a"}, {Operator, "||"}, {Ident, "b"}}},
		{"~ !~ ~* !~* <> != <= >= @> <@", []tok{{Operator, "~"}, {Operator, "!~"}, {Operator, "~*"},
			{Operator, "!~*"}, {Operator, "<>"}, {Operator, "!="}, {Operator, "<="}, {Operator, ">="},
			{Operator, "@>"}, {Operator, "<@"}}},
		// PostgreSQL's rule: a multi-character operator ends in + or - only
		// if it contains ~ ! @ # % ^ & | ` ?.
		{"a=-1", []tok{{Ident, "a"}, {Operator, "="}, {Operator, "-"}, {Number, "1"}}},
		{"a<-b", []tok{{Ident, "a"}, {Operator, "<"}, {Operator, "-"}, {Ident, "b"}}},
		{"a@-b", []tok{{Ident, "a"}, {Operator, "@-"}, {Ident, "b"}}},
		{"a+--c\nb", []tok{{Ident, "a"}, {Operator, "+"}, {Ident, "b"}}},
		{"a*/*c*/b", []tok{{Ident, "a"}, {Operator, "*"}, {Ident, "b"}}},
		{"/* a /* nested */ b */x", []tok{{Ident, "x"}}},
		{"( ) [ ] , ; . :", []tok{{Punct, "("}, {Punct, ")"}, {Punct, "["}, {Punct, "]"}, {Punct, ","},
			{Punct, ";"}, {Punct, "."}, {Punct, ":"}}},
		{"a := 1", []tok{{Ident, "a"}, {Operator, ":="}, {Number, "1"}}},
		{`\x {`, []tok{{Other, `\`}, {Ident, "x"}, {Other, "{"}}},
		{"$ $a", []tok{{Other, "$"}, {Other, "$"}, {Ident, "a"}}},
		{"t.5", []tok{{Ident, "t"}, {Number, ".5"}}},
	}
	for _, c := range cases {
		got := lexSig(t, c.in)
		if len(got) != len(c.want) {
			t.Errorf("Lex(%q) = %v, want %v", c.in, got, c.want)
			continue
		}
		for i := range got {
			if got[i] != c.want[i] {
				t.Errorf("Lex(%q)[%d] = %v, want %v", c.in, i, got[i], c.want[i])
			}
		}
	}
}

func TestLexErrors(t *testing.T) {
	cases := []struct {
		in  string
		pos int
		msg string
	}{
		{"select 'abc", 7, "unterminated quoted string"},
		{`select E'ab\'`, 7, "unterminated quoted string"},
		{`select "ab`, 7, "unterminated quoted identifier"},
		{`select ""`, 7, "zero-length delimited identifier"},
		{"select $$abc", 7, "unterminated dollar-quoted string"},
		{"select $a$abc$b$", 7, "unterminated dollar-quoted string"},
		{"select /* a /* b */", 7, "unterminated /* comment"},
		{"select 123abc", 7, "trailing junk after numeric literal"},
		{"select 1e", 7, "trailing junk after numeric literal"},
		{"select 0x", 7, "trailing junk after numeric literal"},
		{"select 1_", 7, "trailing junk after numeric literal"},
		{"select $1a", 7, "trailing junk after parameter"},
	}
	for _, c := range cases {
		_, err := Lex(c.in)
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Lex(%q) error = %v, want *Error", c.in, err)
			continue
		}
		if e.Code != CodeSyntax || e.Pos != c.pos || !strings.Contains(e.Message, c.msg) {
			t.Errorf("Lex(%q) = %+v, want 42601 at %d containing %q", c.in, e, c.pos, c.msg)
		}
	}
}

func TestTokenValue(t *testing.T) {
	cases := []struct {
		in, want string
	}{
		{"FooBar", "foobar"},
		{"ÉtÉ", "Ét\u00c9"[0:0] + "ÉtÉ"}, // only ASCII letters fold
		{`"Foo""Bar"`, `Foo"Bar`},
		{`'it''s'`, "it's"},
		{"'a'\n'b'", "ab"},
		{`E'\n\t\\\'\x41\101\u00e9\U0001F600'`, "\n\t\\'AA\u00e9\U0001F600"},
		{`E'\uD83D\uDE00'`, "\U0001F600"},
		{`E'\q'`, "q"},
		{`U&'d\0061t\+000061'`, "data"},
		{`U&"\\x"`, `\x`},
		{`N'nat'`, "nat"},
		{"$t$a'b$t$", "a'b"},
		{"B'0101'", "0101"},
		{"1_000", "1000"},
		{"$7", "7"},
	}
	for _, c := range cases {
		toks, err := Lex(c.in)
		if err != nil || len(toks) != 1 {
			t.Fatalf("Lex(%q) = %v, %v", c.in, toks, err)
		}
		got, err := toks[0].Value()
		if err != nil || got != c.want {
			t.Errorf("Value(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{`E'\000'`, `E'\xff'`, `E'\uD800'`, `U&'\D800'`, `U&'\00'`, `E'\u12'`} {
		toks, err := Lex(bad)
		if err != nil {
			t.Fatalf("Lex(%q): %v", bad, err)
		}
		if v, err := toks[0].Value(); err == nil {
			t.Errorf("Value(%q) = %q, want an error", bad, v)
		}
	}
}

// TestLexRoundTrip generates statements from PostgreSQL's lexical pieces,
// separated by random whitespace or nothing where that is safe, and checks
// that the tokens concatenate to the input and that every piece is lexed
// as one token of the expected kind.
func TestLexRoundTrip(t *testing.T) {
	pieces := []tok{
		{Ident, "select"}, {Ident, "Foo_1$"}, {Ident, "été"}, {QuotedIdent, `"a ""q"" b"`},
		{String, `'it''s; -- not a comment'`}, {EscapeString, `E'a\'b\\'`}, {BitString, "B'01'"},
		{HexString, "X'AF'"}, {NationalString, "N'n'"}, {UnicodeString, `U&'\0041'`},
		{DollarString, "$$x';$$"}, {DollarString, "$fn$ select $$ $fn$"}, {Number, "12"},
		{Number, "1.5e-3"}, {Number, "1_000"}, {Param, "$3"}, {Operator, "::"}, {Operator, "->>"},
		{Operator, "<>"}, {Operator, "~*"}, {Operator, "||"}, {Punct, "("}, {Punct, ")"},
		{Punct, ","}, {Punct, ";"}, {Punct, "."}, {LineComment, "-- note ; 'x"},
		{BlockComment, "/* a /* b */ ; */"}, {Whitespace, " \t\n"},
	}
	seps := []string{" ", "\n", "\t", "  "}
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 3000; n++ {
		var want []tok
		var b strings.Builder
		lastSig := ""
		for k := rng.IntN(12) + 1; k > 0; k-- {
			p := pieces[rng.IntN(len(pieces))]
			if strings.HasPrefix(p.text, "'") && strings.HasSuffix(lastSig, "'") {
				continue // the two constants would be one (PostgreSQL's newline continuation)
			}
			if p.k != Whitespace && p.k != LineComment && p.k != BlockComment {
				lastSig = p.text
			}
			if len(want) > 0 && p.k != Whitespace && want[len(want)-1].k != Whitespace {
				sep := seps[rng.IntN(len(seps))]
				b.WriteString(sep)
				want = append(want, tok{Whitespace, sep})
			}
			if p.k == LineComment {
				p.text += "\n"
			}
			b.WriteString(p.text)
			want = append(want, p)
			if p.k == LineComment {
				want[len(want)-1].text = strings.TrimSuffix(p.text, "\n")
				want = append(want, tok{Whitespace, "\n"})
			}
		}
		in := b.String()
		toks, err := Lex(in)
		if err != nil {
			t.Fatalf("Lex(%q): %v", in, err)
		}
		var got strings.Builder
		var kinds []Kind
		for _, x := range toks {
			got.WriteString(x.Text)
			if x.Kind != Whitespace {
				kinds = append(kinds, x.Kind)
			}
		}
		if got.String() != in {
			t.Fatalf("round trip of %q gave %q", in, got.String())
		}
		var wantKinds []Kind
		for _, w := range want {
			if w.k != Whitespace {
				wantKinds = append(wantKinds, w.k)
			}
		}
		if len(kinds) != len(wantKinds) {
			t.Fatalf("Lex(%q) kinds %v, want %v", in, kinds, wantKinds)
		}
		for i := range kinds {
			if kinds[i] != wantKinds[i] {
				t.Fatalf("Lex(%q) kinds %v, want %v", in, kinds, wantKinds)
			}
		}
	}
}

// TestLexRandomBytes: on any input, Lex either fails with an *Error or
// returns tokens that concatenate to the input, with correct positions.
func TestLexRandomBytes(t *testing.T) {
	alphabet := []byte("ab$1_'\"E&U\\-/*;.:()[]~!@#%^|`?<>=+ \n\t\v\x00\xc3\xa9xX09eB")
	rng := rand.New(rand.NewPCG(3, 4))
	for n := 0; n < 20000; n++ {
		b := make([]byte, rng.IntN(24))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		checkLex(t, string(b))
	}
}

func checkLex(t *testing.T, in string) {
	t.Helper()
	toks, err := Lex(in)
	if err != nil {
		var e *Error
		if !errors.As(err, &e) || e.Pos < 0 || e.Pos > len(in) {
			t.Fatalf("Lex(%q) error %v", in, err)
		}
		return
	}
	pos := 0
	for _, x := range toks {
		if x.Pos != pos || x.Text == "" || in[pos:pos+len(x.Text)] != x.Text {
			t.Fatalf("Lex(%q): token %+v at wrong position (expected %d)", in, x, pos)
		}
		pos += len(x.Text)
		x.Value() // must not panic
	}
	if pos != len(in) {
		t.Fatalf("Lex(%q) covered %d of %d bytes", in, pos, len(in))
	}
}
