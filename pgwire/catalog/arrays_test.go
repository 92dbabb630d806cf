package catalog

import "testing"

// TestArrayText: reading PostgreSQL's array text and writing it back as
// array_out does.
func TestArrayText(t *testing.T) {
	for _, bad := range []string{"{", "{a", "{{1,2},{3,4}}", `{"a}`, "{a,,b}", `{"a"b}`, "[1:2={a}", "[x:2]={a}"} {
		if _, err := readArray(bad); err == nil {
			t.Errorf("readArray(%q): no error", bad)
		}
	}
	for in, want := range map[string]string{
		"{}": "{}", "{ a , b }": "{a,b}", `{"a b",NULL,"NULL",""}`: `{"a b",NULL,"NULL",""}`,
		`{"x\"y","a\\b",c\,d}`: `{"x\"y","a\\b","c,d"}`, "[0:1]={1,2}": "{1,2}", "1 2 3": "{1,2,3}", "": "{}",
	} {
		a, err := readArray(in)
		if err != nil {
			t.Errorf("readArray(%q): %v", in, err)
			continue
		}
		elems := make([]string, len(a.elems))
		for i, e := range a.elems {
			if e == nil {
				elems[i] = arrayElement(nil)
			} else {
				elems[i] = arrayElement(*e)
			}
		}
		if got := arrayText(elems); got != want {
			t.Errorf("readArray(%q) written back: %s, want %s", in, got, want)
		}
	}
}
