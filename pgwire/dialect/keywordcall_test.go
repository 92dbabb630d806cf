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
	for _, bad := range []string{"SELECT extract(FROM ts)", "SELECT position('a' IN )"} {
		if _, err := Translate(bad, Options{}); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}
