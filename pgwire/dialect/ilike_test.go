package dialect

import "testing"

// ILIKE becomes a case-insensitive regular expression built from the
// pattern, since LIKE is case-sensitive on the state machine's
// connections.
func TestILike(t *testing.T) {
	expectContains(t, Options{}, []containsCase{
		{"SELECT name FROM t WHERE name ILIKE 'al%'", "name REGEXP pg_like_regex('al%')"},
		{"SELECT name FROM t WHERE name NOT ILIKE $1", "name not REGEXP pg_like_regex(?1)"},
		{"SELECT name FROM t WHERE name ILIKE 'a!_%' ESCAPE '!' AND id > 1", "name REGEXP pg_like_regex('a!_%' , '!') and id > 1"},
		{"SELECT name FROM t WHERE lower(name) ILIKE 'a' || 'b'", "REGEXP pg_like_regex('a' || 'b')"},
		{"SELECT name FROM t WHERE name LIKE 'a%'", "name LIKE 'a%'"},
	})
}
