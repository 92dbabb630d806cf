package sqlfunc

// The template parser shared by to_char's date/time and number versions,
// PostgreSQL's parse_format (formatting.c). A template is read left to
// right; at each position the longest keyword wins because each keyword
// table lists longer keywords before their prefixes ("HH24" before "HH"),
// and the first entry that matches is taken. Matching is case-sensitive.

type nodeKind int

const (
	nodeAction nodeKind = iota + 1 // a keyword
	nodeChar                       // literal text, copied to the output
)

type keyword struct {
	name string
	id   int
}

// templateNode is one element of a template: a keyword or a character.
type templateNode struct {
	kind   nodeKind
	key    keyword
	suffix int    // dchSuffix* flags (date/time templates only)
	text   string // the literal of a nodeChar
}

// keywordIndex groups a keyword table by first byte, keeping table order,
// which is how PostgreSQL's index_seq_search walks it.
func keywordIndex(table []keyword) map[byte][]keyword {
	index := make(map[byte][]keyword)
	for _, k := range table {
		index[k.name[0]] = append(index[k.name[0]], k)
	}
	return index
}

func findKeyword(s string, index map[byte][]keyword) (keyword, bool) {
	if s == "" {
		return keyword{}, false
	}
	for _, k := range index[s[0]] {
		if len(s) >= len(k.name) && s[:len(k.name)] == k.name {
			return k, true
		}
	}
	return keyword{}, false
}

// Suffixes of date/time keywords: FM and TM before one, TH, th and SP
// after it.
const (
	dchSuffixFM = 1 << iota
	dchSuffixTH
	dchSuffixth
	dchSuffixSP
	dchSuffixTM
)

var (
	dchPrefixes  = []keyword{{"FM", dchSuffixFM}, {"fm", dchSuffixFM}, {"TM", dchSuffixTM}, {"tm", dchSuffixTM}}
	dchPostfixes = []keyword{{"TH", dchSuffixTH}, {"th", dchSuffixth}, {"SP", dchSuffixSP}}
)

func findSuffix(s string, list []keyword) (keyword, bool) {
	for _, k := range list {
		if len(s) >= len(k.name) && s[:len(k.name)] == k.name {
			return k, true
		}
	}
	return keyword{}, false
}

// mbLen is PostgreSQL's pg_mblen for UTF-8: the length a lead byte
// announces, without validating what follows.
func mbLen(c byte) int {
	switch {
	case c&0x80 == 0:
		return 1
	case c&0xe0 == 0xc0:
		return 2
	case c&0xf0 == 0xe0:
		return 3
	case c&0xf8 == 0xf0:
		return 4
	}
	return 1
}

// literalAt returns the character starting at s[i] (at most what is left).
func literalAt(s string, i int) string {
	return s[i:min(len(s), i+mbLen(s[i]))]
}

// scanTemplate splits a template into keywords and literal characters
// and hands them to yield in order, stopping at the first error yield
// returns; nothing is kept, so memory does not grow with the template.
// With suffixes (date/time templates), one prefix (FM, TM) may precede a
// keyword and one postfix (TH, th, SP) follow it; a prefix followed by no
// keyword is dropped, as PostgreSQL drops it. Text in double quotes is
// literal, a backslash in it quoting the next character; outside quotes a
// backslash is literal unless a double quote follows it.
func scanTemplate(s string, index map[byte][]keyword, suffixes bool, yield func(templateNode) error) error {
	for i := 0; i < len(s); {
		suffix := 0
		if suffixes {
			if p, ok := findSuffix(s[i:], dchPrefixes); ok {
				suffix |= p.id
				i += len(p.name)
			}
		}
		if i < len(s) {
			if k, ok := findKeyword(s[i:], index); ok {
				i += len(k.name)
				if suffixes && i < len(s) {
					if p, ok := findSuffix(s[i:], dchPostfixes); ok {
						suffix |= p.id
						i += len(p.name)
					}
				}
				if err := yield(templateNode{kind: nodeAction, key: k, suffix: suffix}); err != nil {
					return err
				}
				continue
			}
		}
		if i >= len(s) {
			break
		}
		if s[i] == '"' {
			for i++; i < len(s); {
				if s[i] == '"' {
					i++
					break
				}
				if s[i] == '\\' && i+1 < len(s) {
					i++
				}
				c := literalAt(s, i)
				if err := yield(templateNode{kind: nodeChar, text: c}); err != nil {
					return err
				}
				i += len(c)
			}
			continue
		}
		if s[i] == '\\' && i+1 < len(s) && s[i+1] == '"' {
			i++
		}
		c := literalAt(s, i)
		if err := yield(templateNode{kind: nodeChar, text: c}); err != nil {
			return err
		}
		i += len(c)
	}
	return nil
}
