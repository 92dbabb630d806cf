package fsm

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The determinism matrix applies the same entries, with the same clock
// readings and seeds, to three independent replicas, each in its own
// directory, and requires equal checksums, equal table dumps and equal
// results. The third replica differs from the other two in what the case
// is about: its query plans, its process time zone, or the way it got its
// state (a snapshot). Each case also shows that the test can fail: a
// different seed and clock change the content of the cases that depend on
// them, and the hazards this package removes (plan-ordered inserts, the
// node's time zone) are shown to diverge with the protection off.

type variant int

const (
	plain          variant = iota // like the other two
	reversePlan                   // PRAGMA reverse_unordered_selects=1 on its apply connection
	otherTimeZone                 // a child process with TZ=IST-5:30
	snapshotMidway                // the first half applied elsewhere, then Snapshot and Restore
)

func (v variant) String() string {
	return [...]string{"plain", "reverse_unordered_selects=1", "process TZ=IST-5:30", "restored from a snapshot"}[v]
}

type matrixCase struct {
	name    string
	entries [][]string // each entry one Atomic command
	third   variant
	// sensitive: another seed and clock must change the content.
	sensitive bool
	// want are substrings of the dump: the values the case documents.
	want []string
	// refused is how many statements must be refused as not replicable.
	refused int
}

func matrixCases() []matrixCase {
	return []matrixCase{
		{
			name: "random()",
			entries: [][]string{
				{"CREATE TABLE t(id INTEGER PRIMARY KEY, r INTEGER, note TEXT)"},
				{"INSERT INTO t(r) VALUES (random()), (random())", "UPDATE t SET note = 'n' || random() WHERE id = 1"},
				{"INSERT INTO t(r) SELECT random()", "UPDATE t SET r = r / 2 + random() / 2 WHERE id = 2"},
			},
			sensitive: true,
		},
		{
			name: "randomblob()",
			entries: [][]string{
				{"CREATE TABLE b(id INTEGER PRIMARY KEY, x BLOB, h TEXT)"},
				{"INSERT INTO b(x, h) VALUES (randomblob(16), hex(randomblob(4))), (randomblob(0), NULL), (randomblob('3'), NULL)"},
			},
			sensitive: true,
		},
		{
			name: "uuid_v4 and PostgreSQL functions",
			entries: [][]string{
				{"CREATE TABLE u(id TEXT PRIMARY KEY DEFAULT (uuid_v4(randomblob(16))), code TEXT, d TEXT)"},
				{`INSERT INTO u(code, d) VALUES (lpad(hex(randomblob(2)), 8, '0'), date_trunc('hour', datetime('now'))),
					(initcap(split_part('a b,c d', ',', 2)), date_part('epoch', datetime('now')))`},
				{"INSERT INTO u(id, code) VALUES (uuid_v4(randomblob(16)), md5(randomblob(8)))"},
			},
			sensitive: true,
			// Entry 2's clock: 2024-03-01 12:34:59.258 UTC.
			want: []string{"'C D' | '1709296499.0'", "'2024-03-01 12:00:00'"},
		},
		{
			name: "now forms",
			entries: [][]string{
				{"CREATE TABLE n(form TEXT PRIMARY KEY, v)"},
				{`INSERT INTO n VALUES
					('CURRENT_TIMESTAMP', CURRENT_TIMESTAMP), ('CURRENT_DATE', CURRENT_DATE), ('CURRENT_TIME', CURRENT_TIME),
					('datetime(now)', datetime('now')), ('date()', date()), ('time()', time()),
					('julianday(now)', julianday('now')), ('unixepoch()', unixepoch()),
					('unixepoch(now,subsec)', unixepoch('now', 'subsec')), ('strftime(%s,now)', strftime('%s', 'now')),
					('strftime(%f,now)', strftime('%f', 'now')),
					('timediff(now,x)', timediff('now', '2000-01-01 00:00:00'))`},
			},
			sensitive: true,
			// Entry 2's clock: baseMicro + 2*1.234567 s = 2024-03-01 12:34:59.258 UTC.
			want: []string{"'datetime(now)' | '2024-03-01 12:34:59'", "'unixepoch(now,subsec)' | 1709296499.258", "'CURRENT_DATE' | '2024-03-01'"},
		},
		{
			name: "DEFAULT clauses",
			entries: [][]string{
				{"CREATE TABLE d(id INTEGER PRIMARY KEY, at TEXT DEFAULT CURRENT_TIMESTAMP, day DEFAULT CURRENT_DATE, r INTEGER DEFAULT (random()), x)"},
				{"INSERT INTO d(x) VALUES (1), (2)"},
				{"INSERT INTO d(x) VALUES (3)"},
			},
			sensitive: true,
			// Entries 2 and 3 run at 12:34:59.258 and 12:35:00.492.
			want: []string{"1 | 1 | '2024-03-01 12:34:59' | '2024-03-01'", "3 | 3 | '2024-03-01 12:35:00'"},
		},
		{
			name: "trigger with now and random()",
			entries: [][]string{
				{"CREATE TABLE src(id INTEGER PRIMARY KEY, v)", "CREATE TABLE audit(id INTEGER PRIMARY KEY, src_id, at, r)",
					"CREATE TRIGGER src_audit AFTER INSERT ON src BEGIN INSERT INTO audit(src_id, at, r) VALUES (new.id, datetime('now'), random()); END"},
				{"INSERT INTO src(v) VALUES ('a'), ('b')"},
				{"UPDATE src SET v = v || v", "INSERT INTO src(v) VALUES ('c')"},
			},
			sensitive: true,
		},
		{
			name: "localtime",
			entries: [][]string{
				{"CREATE TABLE lt(k TEXT PRIMARY KEY, v)"},
				{`INSERT INTO lt VALUES ('now local', datetime('now', 'localtime')),
					('fixed local', datetime(1700000000, 'unixepoch', 'localtime')),
					('utc', datetime('2024-06-01 12:00', 'utc')), ('hour local', strftime('%H:%M', 'now', 'localtime'))`},
			},
			third:     otherTimeZone,
			sensitive: true,
			// 'localtime' is UTC on every node.
			want: []string{"'fixed local' | '2023-11-14 22:13:20'", "'utc' | '2024-06-01 12:00:00'"},
		},
		{
			name: "INSERT ... SELECT order",
			entries: [][]string{
				{"CREATE TABLE src(v TEXT)", "INSERT INTO src VALUES ('a'), ('b'), ('c')",
					"CREATE TABLE dst(v TEXT, r INTEGER DEFAULT (random()))"},
				{"INSERT INTO dst(v) SELECT v FROM src"}, // refused: no ORDER BY
				{"INSERT INTO dst(v) SELECT v FROM src ORDER BY v"},
				{"CREATE TABLE copy AS SELECT v FROM src ORDER BY rowid"},
				{"INSERT INTO dst(v) SELECT v FROM src WHERE v > 'a' ORDER BY v DESC"},
			},
			third:     reversePlan,
			sensitive: true,
			refused:   1,
		},
		{
			name: "rowid after deletes",
			entries: [][]string{
				{"CREATE TABLE r(v)", "INSERT INTO r VALUES ('a'), ('b'), ('c'), ('d'), ('e')"},
				{"DELETE FROM r WHERE rowid IN (3, 5)"},
				{"INSERT INTO r VALUES ('f'), ('g')"},
				{"DELETE FROM r WHERE v = 'g'"},
				{"INSERT INTO r VALUES ('h')"},
			},
			third: snapshotMidway,
			// The largest rowid is reused without AUTOINCREMENT: e took 5,
			// then f 5 again; g took 6 and h takes 6 again.
			want: []string{"5 | 'f'", "6 | 'h'"},
		},
		{
			name: "AUTOINCREMENT",
			entries: [][]string{
				{"CREATE TABLE a(id INTEGER PRIMARY KEY AUTOINCREMENT, v)", "INSERT INTO a(v) VALUES ('a'), ('b'), ('c')"},
				{"DELETE FROM a WHERE id = 3"},
				{"INSERT INTO a(v) VALUES ('d')"},
			},
			third: snapshotMidway,
			want:  []string{"4 | 4 | 'd'", "'a' | 4"},
		},
		{
			name: "reserved rowid",
			entries: [][]string{
				{"CREATE TABLE big(v)", "INSERT INTO big(rowid, v) VALUES (9223372036854775806, 'last')"},
				{"INSERT INTO big(v) VALUES ('refused: would take rowid 2^63-1')"},
				{"INSERT INTO big(rowid, v) VALUES (9223372036854775807, 'refused')"},
				{"INSERT INTO big(rowid, v) VALUES (1, 'ok')"},
			},
			third:   snapshotMidway,
			refused: 2,
			want:    []string{"9223372036854775806 | 'last'", "1 | 'ok'"},
		},
	}
}

// outcome is what a replica ends with.
type outcome struct {
	Sum     string
	Dump    string
	Results []string
}

func entryCommand(i int, sqls []string, shift bool) Command {
	c := cmd(uint64(i), sqls...)
	if shift {
		c.UnixMicro += 86_400_000_000 + 1_500_000 // a day and 1.5 s later
		c.Seed ^= 0x9e3779b97f4a7c15
	}
	return c
}

// replay applies entries [from, to) of the case (entry i at index i+1).
func replay(f *FSM, c matrixCase, from, to int, shift bool, out *outcome) error {
	for i := from; i < to; i++ {
		r, ok := f.Apply(uint64(i+1), 1, entryCommand(i+1, c.entries[i], shift).Marshal()).(*Result)
		if !ok {
			return fmt.Errorf("entry %d was not applied", i+1)
		}
		out.Results = append(out.Results, describe(r))
	}
	return nil
}

// runReplica applies the whole case to a new FSM in dir.
func runReplica(dir string, c matrixCase, v variant, shift, allowUnordered bool) (out outcome, err error) {
	f, err := Open(filepath.Join(dir, "replica"), Options{})
	if err != nil {
		return out, err
	}
	defer f.Close()
	f.apply.allowUnordered = allowUnordered
	from := 0
	switch v {
	case reversePlan:
		if err := f.setApplyPragma("PRAGMA reverse_unordered_selects = 1"); err != nil {
			return out, err
		}
	case snapshotMidway:
		from = len(c.entries) / 2
		src, err := Open(filepath.Join(dir, "source"), Options{})
		if err != nil {
			return out, err
		}
		defer src.Close()
		if err := replay(src, c, 0, from, shift, &out); err != nil {
			return out, err
		}
		var img bytes.Buffer
		if _, err := src.Snapshot(&img); err != nil {
			return out, err
		}
		if err := f.Restore(&img, uint64(from)); err != nil {
			return out, err
		}
	}
	if err := replay(f, c, from, len(c.entries), shift, &out); err != nil {
		return out, err
	}
	sum, _, err := f.Checksum(background)
	if err != nil {
		return out, err
	}
	out.Sum = hex.EncodeToString(sum[:])
	out.Dump, err = dumpTables(f)
	return out, err
}

// matrixChild is the otherTimeZone replica, run in a child process.
func matrixChild(name, dir string) error {
	for _, c := range matrixCases() {
		if c.name == name {
			out, err := runReplica(dir, c, plain, false, false)
			if err != nil {
				return err
			}
			return json.NewEncoder(os.Stdout).Encode(out)
		}
	}
	return fmt.Errorf("no matrix case %q", name)
}

func (c matrixCase) replica(t *testing.T, v variant, shift, allowUnordered bool, env ...string) outcome {
	t.Helper()
	if v == otherTimeZone {
		var out outcome
		runHelper(t, &out, "matrix", append(env, "FSM_CASE="+c.name, "FSM_DIR="+t.TempDir(), "TZ=IST-5:30")...)
		return out
	}
	out, err := runReplica(t.TempDir(), c, v, shift, allowUnordered)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestDeterminismMatrix(t *testing.T) {
	type row struct{ name, third, equal, shifted, hazard string }
	var summary []row
	for _, c := range matrixCases() {
		t.Run(strings.ReplaceAll(c.name, " ", "_"), func(t *testing.T) {
			reps := []outcome{c.replica(t, plain, false, false), c.replica(t, plain, false, false), c.replica(t, c.third, false, false)}
			for i := 1; i < 3; i++ {
				if reps[i].Sum != reps[0].Sum || reps[i].Dump != reps[0].Dump {
					t.Errorf("replica %d (%v) differs from replica 0:\n%s\nvs\n%s", i, []variant{plain, plain, c.third}[i], reps[i].Dump, reps[0].Dump)
				}
				if strings.Join(reps[i].Results, "\n") != strings.Join(reps[0].Results, "\n") {
					t.Errorf("replica %d results differ:\n%s\nvs\n%s", i, strings.Join(reps[i].Results, "\n"), strings.Join(reps[0].Results, "\n"))
				}
			}
			for _, w := range c.want {
				if !strings.Contains(reps[0].Dump, w) {
					t.Errorf("dump lacks %q:\n%s", w, reps[0].Dump)
				}
			}
			if got := strings.Count(strings.Join(reps[0].Results, "\n"), "notreplicable=true"); got != c.refused {
				t.Errorf("%d statements refused, want %d:\n%s", got, c.refused, strings.Join(reps[0].Results, "\n"))
			}
			t.Logf("dump:\n%s", reps[0].Dump)

			shifted := c.replica(t, plain, true, false)
			shiftNote := "same (independent of seed and clock)"
			if shifted.Sum != reps[0].Sum {
				shiftNote = "differs"
			}
			if c.sensitive && shifted.Sum == reps[0].Sum {
				t.Errorf("another seed and clock did not change the content: the case does not exercise them")
			}
			if !c.sensitive && shifted.Sum != reps[0].Sum {
				t.Errorf("another seed and clock changed content that should not depend on them")
			}

			hazard := "-"
			switch c.third {
			case reversePlan:
				// With the ORDER BY check off, the unordered INSERT ... SELECT
				// assigns rowids (and DEFAULT random() values) in plan order.
				a := c.replica(t, plain, false, true)
				b := c.replica(t, reversePlan, false, true)
				if a.Sum == b.Sum {
					t.Errorf("with the check off, plan order did not change the content: the test cannot show the hazard")
				}
				hazard = "diverges with the ORDER BY check off"
			case otherTimeZone:
				// Without the pin, 'localtime' follows the node's TZ.
				b := c.replica(t, otherTimeZone, false, false, "FSM_NO_TZ_PIN=1")
				if b.Sum == reps[0].Sum {
					t.Errorf("without the time zone pin the content did not change: the test cannot show the hazard")
				}
				hazard = "diverges without the TZ pin"
			}
			summary = append(summary, row{c.name, c.third.String(), "yes", shiftNote, hazard})
			if t.Failed() {
				summary[len(summary)-1].equal = "NO"
			}
		})
	}
	var b strings.Builder
	fmt.Fprintf(&b, "\n| %-30s | %-27s | %-5s | %-36s | %-38s |\n", "case", "third replica", "equal", "other seed and clock", "protection off")
	fmt.Fprintf(&b, "|%s|%s|%s|%s|%s|\n", strings.Repeat("-", 32), strings.Repeat("-", 29), strings.Repeat("-", 7), strings.Repeat("-", 38), strings.Repeat("-", 40))
	for _, r := range summary {
		fmt.Fprintf(&b, "| %-30s | %-27s | %-5s | %-36s | %-38s |\n", r.name, r.third, r.equal, r.shifted, r.hazard)
	}
	t.Log(b.String())
}
