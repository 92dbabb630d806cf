package dialect

import "testing"

func TestSplit(t *testing.T) {
	type piece struct {
		sql   string
		empty bool
	}
	cases := []struct {
		in   string
		want []piece
	}{
		{"", []piece{{"", true}}},
		{"select 1", []piece{{"select 1", false}}},
		{"select 1;", []piece{{"select 1", false}}},
		{"-- ping", []piece{{"-- ping", true}}},
		{";", []piece{{"", true}}},
		{"select 1; -- done", []piece{{"select 1", false}, {" -- done", true}}},
		{"begin; select 1/0; commit", []piece{{"begin", false}, {" select 1/0", false}, {" commit", false}}},
		{"select ';'; select \";\"", []piece{{"select ';'", false}, {" select \";\"", false}}},
		{"select $$a;b$$;/* ; */select 2", []piece{{"select $$a;b$$", false}, {"/* ; */select 2", false}}},
		{"select E'\\';';x", []piece{{"select E'\\';'", false}, {"x", false}}},
		{"create function f() as $f$ begin; end $f$; select 1;;",
			[]piece{{"create function f() as $f$ begin; end $f$", false}, {" select 1", false}, {"", true}}},
		{"select (1;2)", []piece{{"select (1", false}, {"2)", false}}},
	}
	for _, c := range cases {
		got, err := Split(c.in)
		if err != nil {
			t.Fatalf("Split(%q): %v", c.in, err)
		}
		if len(got) != len(c.want) {
			t.Errorf("Split(%q) = %+v, want %+v", c.in, got, c.want)
			continue
		}
		for i, s := range got {
			if s.SQL != c.want[i].sql || s.Empty != c.want[i].empty || c.in[s.Pos:s.Pos+len(s.SQL)] != s.SQL {
				t.Errorf("Split(%q)[%d] = %+v, want %+v", c.in, i, s, c.want[i])
			}
		}
	}
	if _, err := Split("select 1; select 'x"); err == nil {
		t.Error("Split of an unterminated string: no error")
	}
}
