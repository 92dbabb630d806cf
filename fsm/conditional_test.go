package fsm

import (
	"context"
	"testing"

	sqlite3 "modernc.org/sqlite/lib"
)

// A transaction's commit entry applies only on the state the transaction
// ran on: if another command was applied in between (a new leader's
// entries, a proposal forwarded from elsewhere), it fails on every node
// alike and changes nothing.
func TestConditionalCommandAppliesOnlyOnTheStateItSaw(t *testing.T) {
	leader, replica := openFSM(t), openFSM(t)
	for _, f := range []*FSM{leader, replica} {
		mustApply(t, f, 2, cmd(2, "CREATE TABLE kv (k TEXT PRIMARY KEY, v INT)", "INSERT INTO kv VALUES ('x', 5)"))
	}
	ctx := context.Background()
	tx, err := leader.BeginWrite(ctx, 1_700_000_000_000_000, 42)
	if err != nil {
		t.Fatal(err)
	}
	if r := tx.Exec(ctx, Statement{SQL: "UPDATE kv SET v = 6 WHERE k = 'x'"}); r.Err != nil {
		t.Fatal(r.Err)
	}
	stale := tx.Command()
	if !stale.Conditional || stale.ExpectIndex != 2 {
		t.Fatalf("WriteTx.Command: conditional %v at %d, want at 2", stale.Conditional, stale.ExpectIndex)
	}
	tx.Rollback()
	decoded, err := UnmarshalCommand(stale.Marshal())
	if err != nil || !decoded.Conditional || decoded.ExpectIndex != 2 {
		t.Fatalf("round trip: %+v %v", decoded, err)
	}

	// Someone else's write lands first.
	for _, f := range []*FSM{leader, replica} {
		mustApply(t, f, 3, cmd(3, "UPDATE kv SET v = 10 WHERE k = 'x'"))
	}
	for _, f := range []*FSM{leader, replica} {
		res := apply(t, f, 4, stale)
		if res.Err == nil || res.Err.Code != sqlite3.SQLITE_BUSY_SNAPSHOT {
			t.Fatalf("stale transaction applied: %+v", res.Err)
		}
		rows, err := f.Query(ctx, "SELECT v FROM kv")
		if err != nil || rows.Values[0][0].Int() != 10 {
			t.Fatalf("lost update: %v %v", rows, err)
		}
	}
	// On the state it saw, the same kind of command applies.
	fresh := stale
	fresh.ExpectIndex = 4
	for _, f := range []*FSM{leader, replica} {
		if res := apply(t, f, 5, fresh); res.Err != nil {
			t.Fatalf("fresh conditional command: %v", res.Err)
		}
	}
	if checksum(t, leader) != checksum(t, replica) {
		t.Fatal("replicas differ")
	}
}
