package dialect

import "testing"

// EXTRACT and POSITION separate their arguments with a keyword; they
// become calls of functions the state machine provides.
func TestKeywordCalls(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"SELECT extract(year FROM ts) FROM t", `select date_part('year' , ts) AS "extract" from t`},
		{"SELECT EXTRACT(EPOCH FROM now())", `select date_part('epoch' , strftime('%Y-%m-%d %H:%M:%f','now')) AS "extract"`},
		{"SELECT extract('dow' from d) FROM t", `select date_part('dow' , d) AS "extract" from t`},
		{"SELECT position('b' IN 'abc')", `select position('b' , 'abc') AS "position"`},
		{"SELECT position(lower(x) in upper(y)) FROM t", `select position(lower(x) , upper(y)) AS "position" from t`},
		{"SELECT gen_random_uuid()", `select uuid_v4(randomblob(16)) AS "gen_random_uuid"`},
		{"SELECT substring('abcdef' FROM 2 FOR 3)", `select substr('abcdef' , 2 , 3) AS "substring"`},
		{"SELECT substring(name from 2) FROM t", `select substr(name , 2) AS "substring" from t`},
		{"SELECT substring(name for 2) FROM t", `select substr(name , 1, 2) AS "substring" from t`},
		{"SELECT substring(name, 2, 3) FROM t", `select substring(name, 2, 3) AS "substring" from t`},
	} {
		tr, err := Translate(c.in, Options{})
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if tr.SQL != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.in, tr.SQL, c.want)
		}
	}
	for _, bad := range []string{"SELECT extract(FROM ts)", "SELECT position('a' IN )", "SELECT substring(x FROM 'a.c')",
		"SELECT substring(FROM 2)", "SELECT substring(x FROM)", "SELECT substring(x FROM 1 FOR)"} {
		if _, err := Translate(bad, Options{}); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}
