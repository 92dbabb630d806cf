package sqlfunc

import (
	"bytes"
	"database/sql/driver"
	"encoding/hex"
	"fmt"
	"math"
	"testing"
)

func args(v ...driver.Value) []driver.Value { return v }

func mustHex(s string) []byte {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic(err)
	}
	return b
}

// lookup finds a function by name through All(), the way the fsm package
// sees them.
func lookup(t *testing.T, name string) Func {
	t.Helper()
	for _, f := range All() {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no function %s", name)
	return Func{}
}

// checkCall calls name with a and compares with the expected result or,
// when wantErr is set, the exact error message.
func checkCall(t *testing.T, name string, a []driver.Value, want driver.Value, wantErr string) {
	t.Helper()
	got, err := lookup(t, name).Impl(a)
	call := fmt.Sprintf("%s%s", name, formatArgs(a))
	switch {
	case wantErr != "" && err == nil:
		t.Errorf("%s = %#v, want error %q", call, got, wantErr)
	case wantErr != "" && err.Error() != wantErr:
		t.Errorf("%s: error %q, want %q", call, err, wantErr)
	case wantErr == "" && err != nil:
		t.Errorf("%s: unexpected error %q, want %#v", call, err, want)
	case wantErr == "" && !sameValue(got, want):
		t.Errorf("%s = %#v, want %#v", call, got, want)
	case err != nil && got != nil:
		t.Errorf("%s returned both %#v and error %q", call, got, err)
	}
}

func formatArgs(a []driver.Value) string {
	var b bytes.Buffer
	b.WriteByte('(')
	for i, v := range a {
		if i > 0 {
			b.WriteString(", ")
		}
		if blob, ok := v.([]byte); ok && len(blob) > 0 {
			fmt.Fprintf(&b, "[]byte(%q)", blob)
			continue
		}
		fmt.Fprintf(&b, "%#v", v)
	}
	b.WriteByte(')')
	return b.String()
}

// sameValue compares results exactly: same Go type, floats bit for bit
// (so -0 differs from 0) except that any NaN equals any NaN.
func sameValue(got, want driver.Value) bool {
	switch w := want.(type) {
	case nil:
		return got == nil
	case []byte:
		g, ok := got.([]byte)
		return ok && bytes.Equal(g, w)
	case float64:
		g, ok := got.(float64)
		if !ok {
			return false
		}
		if math.IsNaN(w) {
			return math.IsNaN(g)
		}
		return math.Float64bits(g) == math.Float64bits(w)
	default:
		return got == want
	}
}
