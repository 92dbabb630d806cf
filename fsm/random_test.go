package fsm

import (
	"math/rand/v2"
	"testing"
)

// The streams behind random() are part of the log format: these values
// must never change, or replicas replaying old entries would diverge from
// the ones that applied them before an upgrade.
func TestStatementStreamsArePinned(t *testing.T) {
	want := []uint64{0x428bc8263c4f5c6a, 0x092ad58e3c0927d2, 0x236cafe632467e9f}
	for k, w := range want {
		if got := statementStream(42, k).Uint64(); got != w {
			t.Errorf("seed 42, statement %d: first value %#x, want %#x", k, got, w)
		}
	}
	// Statement 0 draws what a whole entry drew before per-statement
	// streams existed.
	old := rand.NewPCG(42, 0x73716c7261667421)
	if statementStream(42, 0).Uint64() != old.Uint64() {
		t.Error("statement 0's stream is not the former per-entry stream")
	}
}

// A statement's random values depend on the seed and its own position
// only: not on what the statements before it drew, nor on whether they
// failed. Within a statement every call gets a new value.
func TestRandomDependsOnThePositionOnly(t *testing.T) {
	f := openFSM(t)
	c := Command{Mode: EachOwn, UnixMicro: baseMicro, Seed: 99, Statements: []Statement{
		{SQL: "SELECT random(), random(), randomblob(4)"},
		{SQL: "SELECT random(), random(), randomblob(4)"},
	}}
	a := mustApply(t, f, 1, c)
	c.Statements[0] = Statement{SQL: "SELECT nosuch()"} // fails, draws nothing
	b := apply(t, f, 2, c)
	if b.Statements[0].Err == nil {
		t.Fatal("the first statement did not fail")
	}
	first, second := a.Statements[0].Rows[0], a.Statements[1].Rows[0]
	if got := b.Statements[1].Rows[0]; !rowEqual(got, second) {
		t.Errorf("statement 1 drew %v after a failed statement 0, %v after a successful one", got, second)
	}
	if rowEqual(first, second) || first[0].Equal(first[1]) {
		t.Errorf("statements 0 and 1 draw the same values: %v %v", first, second)
	}
	c.Seed++
	if got := apply(t, f, 3, c).Statements[1].Rows[0]; rowEqual(got, second) {
		t.Error("another seed gives the same values")
	}
}

func rowEqual(a, b []Value) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}
