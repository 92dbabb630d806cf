package sqlfunc

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Lengths and positions count characters, as PostgreSQL does in a UTF-8
// database. SQLite may hand us invalid UTF-8, which PostgreSQL never sees;
// each invalid byte counts as one character and is passed through
// untouched rather than replaced, so no function invents bytes.

// charCount is the number of characters in s.
func charCount(s string) int64 {
	return int64(utf8.RuneCountInString(s))
}

// charOffset is the byte offset of character n (0-based) of s, or len(s)
// if s has no more than n characters.
func charOffset(s string, n int64) int {
	i := 0
	for ; n > 0 && i < len(s); n-- {
		_, w := utf8.DecodeRuneInString(s[i:])
		i += w
	}
	return i
}

// textAndCount reads the (text, integer) argument pair most string
// functions take.
func textAndCount(args []driver.Value) (string, int64, error) {
	s, err := textArg(args[0])
	if err != nil {
		return "", 0, err
	}
	n, err := int32Arg(args[1])
	return s, n, err
}

// left(text, n): the first n characters; a negative n drops the last |n|.
func leftFunc(args []driver.Value) (driver.Value, error) {
	s, n, err := textAndCount(args)
	if err != nil {
		return nil, err
	}
	if n < 0 {
		n += charCount(s)
	}
	return s[:charOffset(s, n)], nil
}

// right(text, n): the last n characters; a negative n drops the first |n|.
func rightFunc(args []driver.Value) (driver.Value, error) {
	s, n, err := textAndCount(args)
	if err != nil {
		return nil, err
	}
	skip := -n
	if n >= 0 {
		skip = charCount(s) - n
	}
	return s[charOffset(s, skip):], nil
}

func lpadFunc(args []driver.Value) (driver.Value, error) { return pad(args, true) }
func rpadFunc(args []driver.Value) (driver.Value, error) { return pad(args, false) }

// pad implements lpad and rpad: the text is cut to length characters, or
// filled up to it by cycling through fill (default one space).
func pad(args []driver.Value, onLeft bool) (driver.Value, error) {
	s, length, err := textAndCount(args)
	if err != nil {
		return nil, err
	}
	fill := " "
	if len(args) == 3 {
		if fill, err = textArg(args[2]); err != nil {
			return nil, err
		}
	}
	length = max(length, 0)
	s = s[:charOffset(s, length)]
	have := charCount(s)
	if fill == "" {
		length = have
	}
	// PostgreSQL sizes the result for 4-byte characters before it looks
	// at the fill, so its limit is a quarter of a gigabyte of characters.
	if 4*length+varHeaderSize > maxAllocSize {
		return nil, errTooLarge
	}
	missing := length - have
	if missing == 0 {
		return s, nil
	}
	fillChars := charCount(fill)
	padding := strings.Repeat(fill, int(missing/fillChars)) + fill[:charOffset(fill, missing%fillChars)]
	if onLeft {
		return padding + s, nil
	}
	return s + padding, nil
}

// repeat(text, n): text n times; n <= 0 gives the empty string.
func repeatFunc(args []driver.Value) (driver.Value, error) {
	s, n, err := textAndCount(args)
	if err != nil {
		return nil, err
	}
	if n <= 0 {
		return "", nil
	}
	if int64(len(s))*n+varHeaderSize > maxAllocSize {
		return nil, errTooLarge
	}
	return strings.Repeat(s, int(n)), nil
}

// reverse(text) reverses the order of the characters, keeping each
// character's bytes in order.
func reverseFunc(args []driver.Value) (driver.Value, error) {
	s, err := textArg(args[0])
	if err != nil {
		return nil, err
	}
	out := make([]byte, len(s))
	end := len(s)
	for i := 0; i < len(s); {
		_, w := utf8.DecodeRuneInString(s[i:])
		end -= w
		copy(out[end:], s[i:i+w])
		i += w
	}
	return string(out), nil
}

// initcap(text) upper-cases the first letter of each word and lower-cases
// the rest; a word is a run of letters and digits.
func initcapFunc(args []driver.Value) (driver.Value, error) {
	s, err := textArg(args[0])
	if err != nil {
		return nil, err
	}
	var b strings.Builder
	b.Grow(len(s))
	inWord := false
	for i := 0; i < len(s); {
		r, w := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && w == 1:
			b.WriteByte(s[i])
		case inWord:
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(unicode.ToUpper(r))
		}
		inWord = (w > 1 || r != utf8.RuneError) && (unicode.IsLetter(r) || unicode.IsDigit(r))
		i += w
	}
	return b.String(), nil
}

// split_part(text, delimiter, n) returns field n, counting from the end
// when n is negative (PostgreSQL 14+). Fields are separated by
// non-overlapping occurrences of the delimiter, searched left to right.
func splitPartFunc(args []driver.Value) (driver.Value, error) {
	s, err := textArg(args[0])
	if err != nil {
		return nil, err
	}
	sep, err := textArg(args[1])
	if err != nil {
		return nil, err
	}
	n, err := int32Arg(args[2])
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, errors.New("field position must not be zero")
	}
	if s == "" {
		return "", nil
	}
	if sep == "" {
		if n == 1 || n == -1 {
			return s, nil
		}
		return "", nil
	}
	if n < 0 {
		n += int64(strings.Count(s, sep)) + 2
		if n <= 0 {
			return "", nil
		}
	}
	for ; n > 1; n-- {
		i := strings.Index(s, sep)
		if i < 0 {
			return "", nil
		}
		s = s[i+len(sep):]
	}
	if i := strings.Index(s, sep); i >= 0 {
		s = s[:i]
	}
	return s, nil
}

// starts_with(text, prefix) compares bytes, as a deterministic collation does.
func startsWithFunc(args []driver.Value) (driver.Value, error) {
	s, err := textArg(args[0])
	if err != nil {
		return nil, err
	}
	prefix, err := textArg(args[1])
	if err != nil {
		return nil, err
	}
	return boolValue(strings.HasPrefix(s, prefix)), nil
}

// translate(text, from, to) replaces each character found in from by the
// character at the same position in to, or deletes it when to is shorter.
// The first occurrence of a character in from wins.
func translateFunc(args []driver.Value) (driver.Value, error) {
	t, err := texts(args[0], args[1], args[2])
	if err != nil {
		return nil, err
	}
	s, from, to := t[0], t[1], t[2]
	// PostgreSQL reserves room for every byte becoming a 4-byte character.
	if 4*int64(len(s))+varHeaderSize > maxAllocSize {
		return nil, errTooLarge
	}
	var replacements []string
	for i := 0; i < len(to); {
		_, w := utf8.DecodeRuneInString(to[i:])
		replacements = append(replacements, to[i:i+w])
		i += w
	}
	position := make(map[string]int)
	for i, n := 0, 0; i < len(from); n++ {
		_, w := utf8.DecodeRuneInString(from[i:])
		if _, seen := position[from[i:i+w]]; !seen {
			position[from[i:i+w]] = n
		}
		i += w
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		_, w := utf8.DecodeRuneInString(s[i:])
		c := s[i : i+w]
		i += w
		n, found := position[c]
		switch {
		case !found:
			b.WriteString(c)
		case n < len(replacements):
			b.WriteString(replacements[n])
		}
	}
	return b.String(), nil
}

// chr(code) is the character with that Unicode code point.
func chrFunc(args []driver.Value) (driver.Value, error) {
	n, err := int32Arg(args[0])
	if err != nil {
		return nil, err
	}
	switch {
	case n < 0:
		return nil, errors.New("character number must be positive")
	case n == 0:
		return nil, errors.New("null character not permitted")
	case n > unicode.MaxRune:
		return nil, fmt.Errorf("requested character too large for encoding: %d", n)
	case !utf8.ValidRune(rune(n)):
		return nil, fmt.Errorf("requested character not valid for encoding: %d", n)
	}
	return string(rune(n)), nil
}

// ascii(text) is the code point of the first character, 0 for the empty
// string. An invalid UTF-8 byte reports its own value.
func asciiFunc(args []driver.Value) (driver.Value, error) {
	s, err := textArg(args[0])
	if err != nil {
		return nil, err
	}
	if s == "" {
		return int64(0), nil
	}
	r, w := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError && w == 1 {
		return int64(s[0]), nil
	}
	return int64(r), nil
}

// to_hex(bigint) prints the two's-complement 64-bit value in lower-case hex.
func toHexFunc(args []driver.Value) (driver.Value, error) {
	n, err := int64Arg(args[0])
	if err != nil {
		return nil, err
	}
	return strconv.FormatUint(uint64(n), 16), nil
}

// quote_literal(text) quotes text as a SQL string literal. A backslash
// makes it an escape string literal (E'...') with doubled backslashes, as
// PostgreSQL does, so that the result reads the same whatever
// standard_conforming_strings says.
func quoteLiteralFunc(args []driver.Value) (driver.Value, error) {
	s, err := textArg(args[0])
	if err != nil {
		return nil, err
	}
	literal, err := quoteLiteral(s)
	if err != nil {
		return nil, err
	}
	return literal, nil
}

// quote_nullable(any) is quote_literal, except that NULL gives the text NULL.
func quoteNullableFunc(args []driver.Value) (driver.Value, error) {
	if args[0] == nil {
		return "NULL", nil
	}
	return quoteLiteralFunc(args)
}

func quoteLiteral(s string) (string, error) {
	if 2*int64(len(s))+3+varHeaderSize > maxAllocSize {
		return "", errTooLarge
	}
	var b strings.Builder
	b.Grow(len(s) + 3)
	if strings.Contains(s, `\`) {
		b.WriteByte('E')
	}
	b.WriteByte('\'')
	for i := 0; i < len(s); i++ {
		if s[i] == '\'' || s[i] == '\\' {
			b.WriteByte(s[i])
		}
		b.WriteByte(s[i])
	}
	b.WriteByte('\'')
	return b.String(), nil
}

// position(substring, string) is POSITION(substring IN string), which the
// SQL front end rewrites to this call: the 1-based character index of the
// first occurrence, 0 if there is none.
func positionFunc(args []driver.Value) (driver.Value, error) {
	sub, err := textArg(args[0])
	if err != nil {
		return nil, err
	}
	s, err := textArg(args[1])
	if err != nil {
		return nil, err
	}
	i := strings.Index(s, sub)
	if i < 0 {
		return int64(0), nil
	}
	return charCount(s[:i]) + 1, nil
}
