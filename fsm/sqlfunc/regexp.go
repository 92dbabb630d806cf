package sqlfunc

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"unicode/utf8"
)

// PostgreSQL's regular expressions (Spencer's ARE engine) are emulated with
// Go's RE2 engine, which runs in linear time on every replica. The pattern
// syntax is RE2's, so it differs from ARE at the edges: \w, \d and \s are
// ASCII-only, \b is a word boundary (a backspace in ARE), ARE-only escapes
// such as \m, \M and \y are errors, back-references and lookahead are
// unsupported, and in newline-sensitive mode a negated bracket expression
// still matches a newline. The flags b, e and x (basic, extended and
// expanded syntax) are refused. What is emulated is how PostgreSQL finds
// matches:
//
//   - The search resumes where the previous match ended, or one character
//     further after an empty match, and an empty match right after a
//     non-empty one counts (Go's FindAll drops it): regexp_count('aaa',
//     'a*') is 2.
//   - A later search still sees the characters before its starting point,
//     so ^ and \b keep their meaning (Go has no API for this, hence the
//     helper patterns in compiledPattern).
//   - A pattern whose first quantifier is greedy, or which has no
//     quantifier, takes the longest match at the leftmost position, as the
//     ARE engine does ('a|ab' matches "ab" in "abc"). A pattern whose first
//     quantifier is non-greedy uses Go's leftmost-first preference, which
//     approximates the ARE engine's shortest match.
//   - Flags: without n/m/p the dot matches a newline and ^/$ match only at
//     the ends of the text, PostgreSQL's default.

// regexpOptions are the settings a PostgreSQL flags string selects.
type regexpOptions struct {
	global          bool
	caseInsensitive bool
	newlineStop     bool // '.' does not match a newline
	newlineAnchor   bool // '^' and '$' also match at line boundaries
	quote           bool // the pattern is a literal string
}

// parseRegexpFlags reads flags as PostgreSQL does: left to right, later
// flags overriding earlier ones.
func parseRegexpFlags(flags string) (regexpOptions, error) {
	var o regexpOptions
	for i := 0; i < len(flags); {
		_, w := utf8.DecodeRuneInString(flags[i:])
		flag := flags[i : i+w]
		i += w
		switch flag {
		case "g":
			o.global = true
		case "i":
			o.caseInsensitive = true
		case "c":
			o.caseInsensitive = false
		case "n", "m":
			o.newlineStop, o.newlineAnchor = true, true
		case "s":
			o.newlineStop, o.newlineAnchor = false, false
		case "p":
			o.newlineStop, o.newlineAnchor = true, false
		case "w":
			o.newlineStop, o.newlineAnchor = false, true
		case "q":
			o.quote = true
		case "t":
			// Tight syntax is the default and the only one RE2 has.
		case "b", "e", "x":
			return o, fmt.Errorf("regular expression option %s is not supported", quoted(flag))
		default:
			return o, fmt.Errorf("invalid regular expression option: %s", quoted(flag))
		}
	}
	return o, nil
}

// goPattern is the RE2 pattern equivalent to pattern under o: pattern
// preceded by flags.
func (o regexpOptions) goPattern(pattern string) (flags, body string) {
	if o.quote {
		pattern = regexp.QuoteMeta(pattern)
	}
	if o.caseInsensitive {
		flags += "i"
	}
	if !o.newlineStop {
		flags += "s"
	}
	if o.newlineAnchor {
		flags += "m"
	}
	if flags == "" {
		return "", pattern
	}
	return "(?" + flags + ")", pattern
}

// compiledPattern holds a pattern and the helpers that search from an
// arbitrary position while still seeing the character before it: each
// helper starts with \A(?s:.), which consumes that one character of
// context, and captures the real match as group 1.
type compiledPattern struct {
	first *regexp.Regexp // the pattern itself, for searches from the start
	// from finds the leftmost match after the first character of its
	// subject (leftmost-first, so the lazy prefix stops at the earliest start).
	from *regexp.Regexp
	// longestAt, when the pattern prefers the longest match, finds the
	// longest match starting right after the first character.
	longestAt *regexp.Regexp
}

// The cache bounds its memory: at most maxCachedPatterns patterns, none
// longer than maxCachedPatternLen bytes.
const (
	maxCachedPatterns   = 256
	maxCachedPatternLen = 4096
)

var patternCache struct {
	sync.Mutex
	m map[string]*compiledPattern
}

func compilePattern(flags, body string) (*compiledPattern, error) {
	pattern := flags + body
	patternCache.Lock()
	p, ok := patternCache.m[pattern]
	patternCache.Unlock()
	if ok {
		return p, nil
	}
	first, err := regexp.Compile(pattern)
	if err != nil {
		// Report the error against the pattern the user wrote.
		var syntaxErr *syntax.Error
		if errors.As(err, &syntaxErr) {
			return nil, fmt.Errorf("invalid regular expression: %s: `%s`", syntaxErr.Code, strings.TrimPrefix(syntaxErr.Expr, flags))
		}
		return nil, fmt.Errorf("invalid regular expression: %w", err)
	}
	tree, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression: %w", err)
	}
	// Wrapping the pattern in a group is safe once it compiled, except that
	// an unterminated \Q would quote the closing parenthesis; the parsed
	// form has no \Q.
	inner := pattern
	if strings.Contains(pattern, `\Q`) {
		inner = tree.String()
	}
	p = &compiledPattern{first: first}
	if p.from, err = regexp.Compile(`\A(?s:.)(?s:.*?)(` + inner + `)`); err != nil {
		return nil, fmt.Errorf("invalid regular expression: %w", err)
	}
	if greediness(tree) != nonGreedy {
		p.first.Longest()
		if p.longestAt, err = regexp.Compile(`\A(?s:.)(` + inner + `)`); err != nil {
			return nil, fmt.Errorf("invalid regular expression: %w", err)
		}
		p.longestAt.Longest()
	}
	if len(pattern) > maxCachedPatternLen {
		return p, nil
	}
	patternCache.Lock()
	if patternCache.m == nil || len(patternCache.m) >= maxCachedPatterns {
		patternCache.m = make(map[string]*compiledPattern)
	}
	patternCache.m[pattern] = p
	patternCache.Unlock()
	return p, nil
}

type greed int

const (
	noGreed greed = iota
	greedy
	nonGreedy
)

// greediness applies the ARE rules: an alternation is greedy, a quantified
// atom has its quantifier's greediness (a fixed count keeps the atom's),
// and a sequence takes the greediness of its first element that has one.
func greediness(re *syntax.Regexp) greed {
	switch re.Op {
	case syntax.OpAlternate:
		return greedy
	case syntax.OpRepeat:
		if re.Min == re.Max {
			return greediness(re.Sub[0])
		}
		fallthrough
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest:
		if re.Flags&syntax.NonGreedy != 0 {
			return nonGreedy
		}
		return greedy
	case syntax.OpCapture, syntax.OpConcat:
		for _, sub := range re.Sub {
			if g := greediness(sub); g != noGreed {
				return g
			}
		}
	}
	return noGreed
}

// matchFrom returns the submatch offsets of the first match of p in s
// that starts at or after byte pos, as FindStringSubmatchIndex would, or
// nil. pos must be a character boundary.
func (p *compiledPattern) matchFrom(s string, pos int) []int {
	if pos == 0 {
		return p.first.FindStringSubmatchIndex(s)
	}
	_, w := utf8.DecodeLastRuneInString(s[:pos])
	base := pos - w
	loc := p.from.FindStringSubmatchIndex(s[base:])
	if loc == nil {
		return nil
	}
	if p.longestAt != nil {
		start := base + loc[2]
		_, w = utf8.DecodeLastRuneInString(s[:start])
		base = start - w
		if loc = p.longestAt.FindStringSubmatchIndex(s[base:]); loc == nil {
			return nil
		}
	}
	match := loc[2:]
	for i := range match {
		if match[i] >= 0 {
			match[i] += base
		}
	}
	if match[0] < pos {
		// Cannot happen while Go decodes characters consistently; refusing
		// a match that starts too early keeps the callers' loops finite.
		return nil
	}
	return match
}

// forEachMatch calls f with every match PostgreSQL would find from byte
// pos, or only the first one unless global. It stops when f returns an error.
func (p *compiledPattern) forEachMatch(s string, pos int, global bool, f func(match []int) error) error {
	for pos <= len(s) {
		match := p.matchFrom(s, pos)
		if match == nil {
			return nil
		}
		if err := f(match); err != nil {
			return err
		}
		if !global {
			return nil
		}
		pos = match[1]
		if match[0] == match[1] {
			if pos == len(s) {
				return nil
			}
			_, w := utf8.DecodeRuneInString(s[pos:])
			pos += w
		}
	}
	return nil
}

// regexpOptionsArg reads the optional flags argument (nil when absent).
func regexpOptionsArg(flags driver.Value) (regexpOptions, error) {
	if flags == nil {
		return regexpOptions{}, nil
	}
	f, err := textArg(flags)
	if err != nil {
		return regexpOptions{}, err
	}
	return parseRegexpFlags(f)
}

// regexp_replace(source, pattern, replacement [, flags]) replaces the
// first match, or every match with flag g. In the replacement \1..\9 stand
// for captured groups, \& for the whole match and \\ for a backslash; any
// other character, $ included, is literal.
func regexpReplaceFunc(args []driver.Value) (driver.Value, error) {
	t, err := texts(args[0], args[1], args[2])
	if err != nil {
		return nil, err
	}
	s, pattern, replacement := t[0], t[1], t[2]
	var flags driver.Value
	if len(args) == 4 {
		flags = args[3]
	}
	opts, err := regexpOptionsArg(flags)
	if err != nil {
		return nil, err
	}
	p, err := compilePattern(opts.goPattern(pattern))
	if err != nil {
		return nil, err
	}
	out := &boundedBuilder{}
	copied := 0
	err = p.forEachMatch(s, 0, opts.global, func(match []int) error {
		out.write(s[copied:match[0]])
		appendReplacement(out, s, replacement, match)
		copied = match[1]
		return out.err
	})
	if err != nil {
		return nil, err
	}
	out.write(s[copied:])
	if out.err != nil {
		return nil, out.err
	}
	return out.String(), nil
}

// boundedBuilder refuses to grow past PostgreSQL's size limit, checking
// before each write, since one replacement can repeat a large match many
// times.
type boundedBuilder struct {
	strings.Builder
	err error
}

func (b *boundedBuilder) write(s string) {
	if b.err == nil && int64(b.Len())+int64(len(s))+varHeaderSize > maxAllocSize {
		b.err = errTooLarge
	}
	if b.err == nil {
		b.WriteString(s)
	}
}

func appendReplacement(b *boundedBuilder, s, replacement string, match []int) {
	group := func(n int) {
		if 2*n+1 < len(match) && match[2*n] >= 0 {
			b.write(s[match[2*n]:match[2*n+1]])
		}
	}
	literal := 0 // start of the pending run of literal replacement text
	for i := 0; i < len(replacement)-1; i++ {
		if replacement[i] != '\\' {
			continue
		}
		switch next := replacement[i+1]; {
		case next >= '1' && next <= '9':
			b.write(replacement[literal:i])
			group(int(next - '0'))
		case next == '&':
			b.write(replacement[literal:i])
			group(0)
		case next == '\\':
			b.write(replacement[literal : i+1])
		default:
			// An unknown escape is copied as is, backslash included.
			continue
		}
		i++
		literal = i + 1
	}
	b.write(replacement[literal:])
}

// regexp_count(source, pattern [, start [, flags]]) counts the matches
// from character position start (1-based); the text before start still
// serves as context for ^ and \b.
func regexpCountFunc(args []driver.Value) (driver.Value, error) {
	t, err := texts(args[0], args[1])
	if err != nil {
		return nil, err
	}
	s, pattern := t[0], t[1]
	start := int64(1)
	if len(args) >= 3 {
		if start, err = int32Arg(args[2]); err != nil {
			return nil, err
		}
		if start <= 0 {
			return nil, fmt.Errorf(`invalid value for parameter "start": %d`, start)
		}
	}
	var flags driver.Value
	if len(args) == 4 {
		flags = args[3]
	}
	opts, err := regexpOptionsArg(flags)
	if err != nil {
		return nil, err
	}
	if opts.global {
		return nil, errors.New(`regexp_count() does not support the "global" option`)
	}
	p, err := compilePattern(opts.goPattern(pattern))
	if err != nil {
		return nil, err
	}
	if start-1 > charCount(s) {
		return int64(0), nil
	}
	var n int64
	_ = p.forEachMatch(s, charOffset(s, start-1), true, func([]int) error {
		n++
		return nil
	})
	return n, nil
}
