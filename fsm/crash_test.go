package fsm

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// crashEntry is entry i of a deterministic stream that exercises both modes,
// failing statements, now and random(), AUTOINCREMENT and triggers.
func crashEntry(i uint64) Command {
	c := Command{Mode: Atomic, UnixMicro: baseMicro + int64(i)*1_000_003, Seed: i * 7919}
	add := func(sql string, params ...Value) {
		c.Statements = append(c.Statements, Statement{SQL: sql, Params: params})
	}
	n := IntValue(int64(i))
	switch {
	case i == 1:
		add(`CREATE TABLE acc(id INTEGER PRIMARY KEY, owner TEXT UNIQUE NOT NULL, bal INTEGER NOT NULL CHECK (bal >= 0),
			opened TEXT DEFAULT CURRENT_TIMESTAMP, salt INTEGER DEFAULT (random()))`)
		add(`CREATE TABLE xfer(id INTEGER PRIMARY KEY AUTOINCREMENT, src INTEGER, dst INTEGER, amount INTEGER,
			at TEXT DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')))`)
		add(`CREATE TRIGGER xfer_apply AFTER INSERT ON xfer BEGIN
			UPDATE acc SET bal = bal - new.amount WHERE id = new.src;
			UPDATE acc SET bal = bal + new.amount WHERE id = new.dst; END`)
	case i%7 == 0: // fails on its second statement: leaves no trace
		add(`INSERT INTO acc(owner, bal) VALUES ('x' || ?1, 5)`, n)
		add(`INSERT INTO acc(owner, bal) VALUES ('o2', 1)`)
	case i%5 == 0: // each statement on its own; the middle one fails
		c.Mode = EachOwn
		add(`INSERT INTO acc(owner, bal) VALUES ('e' || ?1, abs(random() % 50))`, n)
		add(`UPDATE acc SET bal = bal - 1000000 WHERE id = 2`)
		add(`DELETE FROM acc WHERE id = (SELECT min(id) FROM acc WHERE owner GLOB 'e*') AND ?1 % 3 = 0`, n)
	default:
		add(`INSERT INTO acc(owner, bal) VALUES ('o' || ?1, 100 + ?1 % 17)`, n)
		add(`INSERT INTO xfer(src, dst, amount) SELECT a.id, b.id, 1 + abs(random()) % 5
			FROM acc a, acc b WHERE a.id = 1 + ?1 % 3 AND b.id = 2 + ?1 % 5 AND a.bal >= 5 ORDER BY a.id, b.id`, n)
		add(`UPDATE acc SET salt = salt # random() WHERE id = ?1 % 11`, n)
	}
	return c
}

// crashChild applies the stream from where the database stands, reporting
// every applied entry, until it is killed.
func crashChild(dir string) error {
	f, err := Open(dir, Options{})
	if err != nil {
		return err
	}
	deadline := time.Now().Add(30 * time.Second) // in case the parent dies
	for i := f.AppliedIndex() + 1; time.Now().Before(deadline); i++ {
		if r, ok := f.Apply(i, 1, crashEntry(i).Marshal()).(*Result); !ok || r == nil {
			return fmt.Errorf("entry %d not applied", i)
		}
		fmt.Printf("applied %d\n", i)
	}
	return f.Close()
}

// TestCrashRecovery kills a process that applies entries with SIGKILL at
// seeded random moments and checks, after each kill, that the database
// holds exactly the entries up to its AppliedIndex: never one reported
// applied and then lost, never half an entry, never one twice.
func TestCrashRecovery(t *testing.T) {
	rng := rand.New(rand.NewPCG(20240301, 42))
	dir := t.TempDir()
	ref := openFSM(t) // the reference: the same stream, never killed
	var refIndex uint64
	for round := range 8 {
		child := helperCmd("crash", "FSM_DIR="+dir)
		out, err := child.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := child.Start(); err != nil {
			t.Fatal(err)
		}
		reported := make(chan uint64, 1)
		go func() {
			var last uint64
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				if v, ok := strings.CutPrefix(sc.Text(), "applied "); ok {
					last, _ = strconv.ParseUint(v, 10, 64)
				}
			}
			reported <- last
		}()
		delay := time.Duration(60+rng.IntN(300)) * time.Millisecond
		time.Sleep(delay)
		child.Process.Signal(syscall.SIGKILL)
		child.Wait()
		last := max(<-reported, refIndex) // the child may die before it applies anything

		f, err := Open(dir, Options{})
		if err != nil {
			t.Fatalf("round %d: reopening after SIGKILL: %v", round, err)
		}
		k := f.AppliedIndex()
		// The child reports after Apply returns: the entry being applied
		// when it died may or may not have committed, nothing else may be
		// missing or extra.
		if k < last || k > last+1 {
			t.Fatalf("round %d: AppliedIndex %d after the child reported %d", round, k, last)
		}
		for ; refIndex < k; refIndex++ {
			ref.Apply(refIndex+1, 1, crashEntry(refIndex+1).Marshal())
		}
		if got, want := checksum(t, f), checksum(t, ref); got != want {
			t.Fatalf("round %d: after a kill at entry %d the content differs from a reference apply of %d entries:\n%s\nvs\n%s",
				round, k, k, dump(t, f), dump(t, ref))
		}
		// Entries at or below the applied index are no-ops.
		if r := f.Apply(k, 1, crashEntry(k).Marshal()); r != nil {
			t.Fatalf("re-applying entry %d returned %v", k, r)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		t.Logf("round %d: killed after %v; child reported %d, database at %d, content equals the reference", round, delay, last, k)
	}
}
