package catalog

import (
	"strings"

	"sqlraft/pgwire/dialect"
)

// The schema text SQLite keeps (sqlite_schema.sql) is the only place some
// facts live: constraint names, CHECK expressions, generation expressions,
// the columns of a partial or expression index. This file reads them from
// it with the dialect's lexer (the translator writes that text; PostgreSQL's
// lexical rules cover it). It is not a parser: it splits the definition into
// its items and recognises the clauses it needs.

// tableDDL is what the CREATE TABLE text tells beyond the pragmas.
type tableDDL struct {
	checks []checkDDL
	// named are table or column constraints with a CONSTRAINT name.
	named []namedDDL
	// generated maps a lower-case column name to its generation expression.
	generated map[string]string
}

type checkDDL struct{ name, expr string }

type namedDDL struct {
	name string
	kind byte // 'p', 'u', 'f'
	cols []string
}

// words are the significant tokens of sql.
func words(sql string) []dialect.Token {
	all, err := dialect.Lex(sql)
	if err != nil {
		return nil
	}
	var out []dialect.Token
	for _, t := range all {
		if t.Significant() {
			out = append(out, t)
		}
	}
	return out
}

func name(t dialect.Token) string {
	v, err := t.Value()
	if err != nil {
		return t.Text
	}
	if t.Kind == dialect.Ident {
		// SQLite keeps names as written; PostgreSQL would have folded them,
		// and the translator passes them through as written.
		return t.Text
	}
	return v
}

// group returns the index just past the parenthesised group opening at i.
func group(toks []dialect.Token, i int) int {
	depth := 0
	for ; i < len(toks); i++ {
		switch {
		case toks[i].IsOp("("):
			depth++
		case toks[i].IsOp(")"):
			depth--
			if depth == 0 {
				return i + 1
			}
		}
	}
	return i
}

// items splits the tokens between the parentheses opening at open at the
// top-level commas.
func items(toks []dialect.Token, open int) (out [][]dialect.Token, end int) {
	end = group(toks, open)
	start := open + 1
	for i := open + 1; i < end-1; {
		if toks[i].IsOp("(") {
			i = group(toks, i)
			continue
		}
		if toks[i].IsOp(",") {
			out = append(out, toks[start:i])
			start = i + 1
		}
		i++
	}
	if start < end-1 {
		out = append(out, toks[start:end-1])
	}
	return out, end
}

// text is the source text from token a to token b inclusive.
func text(sql string, a, b dialect.Token) string {
	return sql[a.Pos : b.Pos+len(b.Text)]
}

// parenText is the text inside the group opening at toks[i], and the index
// past it.
func parenText(sql string, toks []dialect.Token, i int) (string, int) {
	end := group(toks, i)
	if end-1 <= i+1 || end > len(toks) {
		return "", end
	}
	return strings.TrimSpace(text(sql, toks[i+1], toks[end-2])), end
}

func nameList(toks []dialect.Token, i int) ([]string, int) {
	its, end := items(toks, i)
	var out []string
	for _, it := range its {
		if len(it) > 0 {
			out = append(out, name(it[0]))
		}
	}
	return out, end
}

// parseTable reads a CREATE TABLE statement's text.
func parseTable(sql string) tableDDL {
	d := tableDDL{generated: map[string]string{}}
	toks := words(sql)
	open := -1
	for i, t := range toks {
		if t.IsOp("(") {
			open = i
			break
		}
	}
	if open < 0 {
		return d
	}
	its, _ := items(toks, open)
	for _, it := range its {
		if len(it) == 0 {
			continue
		}
		if isConstraintWord(it[0]) {
			d.tableConstraint(sql, it)
		} else {
			d.column(sql, it)
		}
	}
	return d
}

func isConstraintWord(t dialect.Token) bool {
	if t.Kind != dialect.Ident {
		return false
	}
	for _, w := range []string{"constraint", "primary", "unique", "check", "foreign"} {
		if t.Is(w) {
			return true
		}
	}
	return false
}

func (d *tableDDL) tableConstraint(sql string, it []dialect.Token) {
	var cname string
	i := 0
	if it[0].Is("constraint") && len(it) > 1 {
		cname, i = name(it[1]), 2
	}
	if i >= len(it) {
		return
	}
	next := func(w string) int { // index of the next "(" after word w
		for j := i; j < len(it); j++ {
			if it[j].IsOp("(") {
				return j
			}
		}
		return len(it)
	}
	switch {
	case it[i].Is("check"):
		if j := next("check"); j < len(it) {
			expr, _ := parenText(sql, it, j)
			d.checks = append(d.checks, checkDDL{cname, expr})
		}
	case cname == "":
	case it[i].Is("primary"), it[i].Is("unique"), it[i].Is("foreign"):
		kind := map[string]byte{"primary": 'p', "unique": 'u', "foreign": 'f'}[strings.ToLower(it[i].Text)]
		if j := next(""); j < len(it) {
			cols, _ := nameList(it, j)
			d.named = append(d.named, namedDDL{cname, kind, cols})
		}
	}
}

func (d *tableDDL) column(sql string, it []dialect.Token) {
	col := name(it[0])
	var cname string
	for i := 1; i < len(it); {
		t := it[i]
		switch {
		case t.IsOp("("):
			i = group(it, i)
			continue
		case t.Is("constraint") && i+1 < len(it):
			cname = name(it[i+1])
			i += 2
			continue
		case t.Is("check") && i+1 < len(it) && it[i+1].IsOp("("):
			expr, end := parenText(sql, it, i+1)
			d.checks = append(d.checks, checkDDL{cname, expr})
			cname, i = "", end
			continue
		case t.Is("as") && i+1 < len(it) && it[i+1].IsOp("("):
			expr, end := parenText(sql, it, i+1)
			d.generated[strings.ToLower(col)] = expr
			i = end
			continue
		case t.Is("primary") || t.Is("unique") || t.Is("references"):
			if cname != "" {
				kind := map[string]byte{"primary": 'p', "unique": 'u', "references": 'f'}[strings.ToLower(t.Text)]
				d.named = append(d.named, namedDDL{cname, kind, []string{col}})
			}
			cname = ""
		case t.Is("not"), t.Is("null"), t.Is("default"), t.Is("collate"), t.Is("generated"):
			cname = ""
		}
		i++
	}
}

// indexDDL is what a CREATE INDEX text tells: its key items as written
// and its WHERE clause.
type indexDDL struct {
	keys  []string
	where string
}

func parseIndex(sql string) indexDDL {
	var d indexDDL
	toks := words(sql)
	for i, t := range toks {
		if !t.IsOp("(") {
			continue
		}
		its, end := items(toks, i)
		for _, it := range its {
			if len(it) == 0 {
				continue
			}
			last := len(it) - 1
			if it[last].Is("asc") && last > 0 {
				last--
			}
			d.keys = append(d.keys, text(sql, it[0], it[last]))
		}
		if end < len(toks) && toks[end].Is("where") && end+1 < len(toks) {
			d.where = strings.TrimSpace(sql[toks[end+1].Pos:])
		}
		break
	}
	return d
}

// identifiers are the distinct lower-case names an expression mentions.
func identifiers(expr string) map[string]bool {
	out := map[string]bool{}
	toks := words(expr)
	for i, t := range toks {
		if t.Kind != dialect.Ident && t.Kind != dialect.QuotedIdent {
			continue
		}
		if i+1 < len(toks) && toks[i+1].IsOp("(") {
			continue // a function
		}
		out[strings.ToLower(name(t))] = true
	}
	return out
}
