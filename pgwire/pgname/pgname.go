// Package pgname derives the names PostgreSQL gives objects created
// without one: users_pkey, users_email_key, posts_user_id_fkey,
// users_age_check. The catalog reports them and constraint errors name
// them, so both take them from here.
package pgname

import (
	"strings"
	"unicode/utf8"
)

// namedatalen is PostgreSQL's NAMEDATALEN: identifiers are at most 63 bytes.
const namedatalen = 64

// Columns is PostgreSQL's ChooseIndexNameAddition (and
// ChooseForeignKeyConstraintNameAddition): the column names joined with
// underscores, stopping once the result is long enough to be truncated
// anyway.
func Columns(cols []string) string {
	var b strings.Builder
	for _, c := range cols {
		if b.Len() > 0 {
			b.WriteByte('_')
		}
		if len(c) > namedatalen-1 {
			c = Clip(c, namedatalen-1)
		}
		b.WriteString(c)
		if b.Len() >= namedatalen {
			break
		}
	}
	return b.String()
}

// Object is PostgreSQL's makeObjectName: name1_name2_label (name2 may be
// empty), with the longer of the two names truncated first so the whole
// fits in 63 bytes. That is how PostgreSQL names users_email_key and
// users_pkey.
func Object(name1, name2, label string) string {
	overhead := len(label) + 1
	if name2 != "" {
		overhead++
	}
	avail := namedatalen - 1 - overhead
	n1, n2 := len(name1), len(name2)
	for n1+n2 > avail {
		if n1 > n2 {
			n1--
		} else {
			n2--
		}
	}
	name := Clip(name1, n1)
	if name2 != "" {
		name += "_" + Clip(name2, n2)
	}
	return name + "_" + label
}

// Clip cuts s to at most n bytes without splitting a UTF-8 sequence
// (pg_mbcliplen).
func Clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
