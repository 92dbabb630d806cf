package dialect

import (
	"fmt"
	"strings"
)

// Kind is the lexical class of a Token.
type Kind uint8

// Token kinds. Every byte of the input belongs to exactly one token, so the
// texts of the tokens concatenate back to the input.
const (
	Whitespace     Kind = iota + 1 // spaces, tabs, newlines, form feeds, vertical tabs
	LineComment                    // -- to the end of the line (the newline is not included)
	BlockComment                   // /* ... */, nested as PostgreSQL nests them
	Ident                          // unquoted identifier or keyword; Value folds it to lower case
	QuotedIdent                    // "a""b"
	UnicodeIdent                   // U&"d\0061t"
	String                         // 'it''s', including PostgreSQL's newline continuation 'a'\n'b'
	EscapeString                   // E'\n' with backslash escapes
	UnicodeString                  // U&'d\0061t'
	NationalString                 // N'abc'
	DollarString                   // $$...$$ and $tag$...$tag$
	BitString                      // B'0101'
	HexString                      // X'ff'
	Number                         // 42, 1_000, 3.14, .5, 1e-3, 0x1F, 0o17, 0b101
	Param                          // $1
	Operator                       // + - * / < > = ~ ! @ # % ^ & | ` ? and runs of them, ::, :=, ..
	Punct                          // ( ) [ ] , ; . :
	Other                          // a byte PostgreSQL does not accept outside a string (\, {, a lone $, NUL)
)

var kindNames = [...]string{
	Whitespace: "Whitespace", LineComment: "LineComment", BlockComment: "BlockComment",
	Ident: "Ident", QuotedIdent: "QuotedIdent", UnicodeIdent: "UnicodeIdent",
	String: "String", EscapeString: "EscapeString", UnicodeString: "UnicodeString",
	NationalString: "NationalString", DollarString: "DollarString", BitString: "BitString",
	HexString: "HexString", Number: "Number", Param: "Param", Operator: "Operator",
	Punct: "Punct", Other: "Other",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// IsString reports whether tokens of kind k are character string constants.
func (k Kind) IsString() bool {
	switch k {
	case String, EscapeString, UnicodeString, NationalString, DollarString:
		return true
	}
	return false
}

// Token is one lexeme of PostgreSQL SQL: its kind, its exact source text and
// the byte offset of that text in the input.
type Token struct {
	Kind Kind
	Text string
	Pos  int
}

// Significant reports whether the token matters to the grammar, that is, it
// is neither whitespace nor a comment.
func (t Token) Significant() bool {
	return t.Kind != Whitespace && t.Kind != LineComment && t.Kind != BlockComment
}

// Is reports whether t is the unquoted keyword or identifier kw (compared
// case-insensitively, as PostgreSQL folds unquoted names).
func (t Token) Is(kw string) bool {
	return t.Kind == Ident && strings.EqualFold(t.Text, kw)
}

// IsOp reports whether t is the operator or punctuation op.
func (t Token) IsOp(op string) bool {
	return (t.Kind == Operator || t.Kind == Punct) && t.Text == op
}

// Value returns what the token stands for: the folded name of an unquoted
// identifier, the name inside a quoted identifier, the decoded contents of a
// string constant (escapes and Unicode escapes resolved with the default
// escape character), the bits or hex digits of a bit string, the digits of
// a number without underscores and the number of a parameter. Other kinds
// return their text. An error means the constant is invalid in PostgreSQL
// (for example an E” escape that is not valid UTF-8).
func (t Token) Value() (string, error) {
	if !wellFormed(t) {
		return t.Text, nil // a Token not made by Lex
	}
	switch t.Kind {
	case Ident:
		return foldIdent(t.Text), nil
	case QuotedIdent:
		return unquoteIdent(t.Text[1 : len(t.Text)-1]), nil
	case UnicodeIdent:
		return decodeUnicodeEscapes(unquoteIdent(t.Text[3:len(t.Text)-1]), '\\', t.Pos)
	case String:
		return joinSegments(t.Text, 0), nil
	case NationalString:
		return joinSegments(t.Text, 1), nil
	case EscapeString:
		return decodeEscapeString(t.Text, t.Pos)
	case UnicodeString:
		return decodeUnicodeEscapes(joinSegments(t.Text, 2), '\\', t.Pos)
	case DollarString:
		return dollarBody(t.Text), nil
	case BitString, HexString:
		return joinSegments(t.Text, 1), nil
	case Number:
		return strings.ReplaceAll(t.Text, "_", ""), nil
	case Param:
		return t.Text[1:], nil
	}
	return t.Text, nil
}

// wellFormed checks the framing Value relies on, for Tokens built by hand.
func wellFormed(t Token) bool {
	n := len(t.Text)
	switch t.Kind {
	case QuotedIdent:
		return n >= 2 && t.Text[0] == '"' && t.Text[n-1] == '"'
	case UnicodeIdent:
		return n >= 4 && t.Text[2] == '"' && t.Text[n-1] == '"'
	case String, EscapeString, NationalString, BitString, HexString, UnicodeString:
		return n >= 2 && t.Text[n-1] == '\''
	case DollarString:
		tag := strings.IndexByte(t.Text[min(n, 1):], '$') + 2
		return n >= 2 && t.Text[0] == '$' && tag >= 2 && 2*tag <= n
	case Param:
		return n >= 2 && t.Text[0] == '$'
	}
	return true
}

// foldIdent lower-cases ASCII letters only, as PostgreSQL does for unquoted
// identifiers in a UTF-8 database.
func foldIdent(s string) string {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 'A' && c <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if b[j] >= 'A' && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func unquoteIdent(s string) string { return strings.ReplaceAll(s, `""`, `"`) }

// Error is a problem found in client SQL, with the SQLSTATE PostgreSQL would
// report and the byte offset it concerns (-1 when it has none). The pgwire
// front end turns it into an ErrorResponse (Pos+1 is the Position field).
type Error struct {
	Code    string
	Message string
	Pos     int
}

// SQLSTATE codes used by this package.
const (
	CodeSyntax           = "42601" // syntax_error
	CodeUnsupported      = "0A000" // feature_not_supported
	CodeInvalidText      = "22P02" // invalid_text_representation
	CodeOutOfRange       = "22003" // numeric_value_out_of_range
	CodeBadEncoding      = "22021" // character_not_in_repertoire (invalid byte sequence)
	CodeUndefinedParam   = "42P02" // undefined_parameter
	CodeUndefinedObject  = "42704" // undefined_object (unknown configuration parameter)
	CodeUndefinedColumn  = "42703" // undefined_column
	CodeInvalidEscape    = "22025" // invalid_escape_sequence
	CodeMultipleCommands = "42601" // PostgreSQL reports multiple commands in one Parse as a syntax error
)

func (e *Error) Error() string {
	if e.Pos >= 0 {
		return fmt.Sprintf("%s (SQLSTATE %s, at byte %d)", e.Message, e.Code, e.Pos)
	}
	return fmt.Sprintf("%s (SQLSTATE %s)", e.Message, e.Code)
}

func errorf(code string, pos int, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Pos: pos}
}

func syntaxError(t Token) *Error {
	if t.Kind == 0 {
		return errorf(CodeSyntax, t.Pos, "syntax error at end of input")
	}
	return errorf(CodeSyntax, t.Pos, "syntax error at or near %q", t.Text)
}

func unsupported(pos int, format string, args ...any) *Error {
	return errorf(CodeUnsupported, pos, format, args...)
}
