package dialect

import (
	"strings"
	"testing"
)

// containsCase is a statement and a part its translation must contain.
type containsCase struct{ in, want string }

// expectContains translates each statement with opts and checks that the
// result contains the wanted part.
func expectContains(t *testing.T, opts Options, cases []containsCase) {
	t.Helper()
	for _, c := range cases {
		tr, err := Translate(c.in, opts)
		if err != nil {
			t.Errorf("%s: %v", c.in, err)
			continue
		}
		if !strings.Contains(tr.SQL, c.want) {
			t.Errorf("%s:\n got %s\nwant it to contain %s", c.in, tr.SQL, c.want)
		}
	}
}
