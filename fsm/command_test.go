package fsm

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"testing"
)

func sampleCommand() Command {
	return Command{
		Mode:      EachOwn,
		UnixMicro: -1234567, // before 1970
		Seed:      math.MaxUint64,
		Statements: []Statement{
			{SQL: "CREATE TABLE t(a, b, c, d, e)"},
			{SQL: "INSERT INTO t VALUES (?1, ?2, ?3, ?4, ?5)", Params: []Value{
				{}, IntValue(math.MinInt64), FloatValue(-0.5), TextValue("héllo\x00'"), BlobValue([]byte{0, 1, 255}),
			}},
			{SQL: "", Params: []Value{BlobValue(nil), TextValue(""), BoolValue(true), FloatValue(math.Inf(1))}},
		},
	}
}

func TestCommandRoundTrip(t *testing.T) {
	c := sampleCommand()
	b := c.Marshal()
	got, err := UnmarshalCommand(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, c) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, c)
	}
	t.Logf("%d statements, %d parameters: %d bytes", len(c.Statements), 9, len(b))

	// Every truncation and every single-byte change is either an error or
	// some command, never a panic; truncations are always errors.
	for i := range b {
		if _, err := UnmarshalCommand(b[:i]); !errors.Is(err, ErrMalformedCommand) {
			t.Errorf("truncated to %d bytes: err = %v", i, err)
		}
		bad := append([]byte{}, b...)
		bad[i] ^= 0xff
		UnmarshalCommand(bad)
	}
	if _, err := UnmarshalCommand(append(b, 0)); err == nil {
		t.Error("trailing byte accepted")
	}
}

func TestNewCommandFillsClockAndSeed(t *testing.T) {
	a, b := NewCommand(Atomic), NewCommand(Atomic)
	if a.UnixMicro == 0 || a.Seed == b.Seed {
		t.Errorf("NewCommand: UnixMicro %d, seeds %d and %d", a.UnixMicro, a.Seed, b.Seed)
	}
}

func FuzzUnmarshalCommand(f *testing.F) {
	f.Add(sampleCommand().Marshal())
	f.Add(cmd(1, "SELECT 1").Marshal())
	f.Add(systemCmd(1, "SELECT 1").Marshal())
	f.Add(NewCommand(Atomic, Statement{SQL: "SELECT 1"}).Marshal())
	f.Add([]byte{})
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := UnmarshalCommand(b)
		if err != nil {
			if !errors.Is(err, ErrMalformedCommand) && !errors.Is(err, ErrNewerCommand) {
				t.Fatalf("error %v wraps neither ErrMalformedCommand nor ErrNewerCommand", err)
			}
			return
		}
		// Whatever decodes re-encodes to a command that decodes to the same
		// bytes (compared as bytes: a NaN parameter is not equal to itself).
		enc := c.Marshal()
		again, err := UnmarshalCommand(enc)
		if err != nil || !bytes.Equal(again.Marshal(), enc) {
			t.Fatalf("re-encoding changed the command: %v", err)
		}
	})
}

// System is a flag of the version 2 layout. A command without flags is
// still written in version 1, byte for byte as before flags existed, so
// binaries from before them read it; every version 1 encoding decodes as a
// user command.
func TestCommandSystemFlag(t *testing.T) {
	user := Command{Mode: Atomic, UnixMicro: 1, Seed: 2, Statements: []Statement{{SQL: "SELECT ?1", Params: []Value{IntValue(3)}}}}
	v1 := []byte{1, 0, 2, 2, 0, 0, 0, 0, 0, 0, 0, 1, 9, 'S', 'E', 'L', 'E', 'C', 'T', ' ', '?', '1', 1, 1, 6}
	if got := user.Marshal(); !bytes.Equal(got, v1) {
		t.Fatalf("user command encodes as % x, want % x", got, v1)
	}
	if got, err := UnmarshalCommand(v1); err != nil || got.System || !reflect.DeepEqual(got, user) {
		t.Fatalf("version 1 decodes as %+v, %v", got, err)
	}

	sys := user
	sys.System = true
	v2 := sys.Marshal()
	if want := append([]byte{2, 0, 1}, v1[2:]...); !bytes.Equal(v2, want) {
		t.Fatalf("system command encodes as % x, want % x", v2, want)
	}
	if got, err := UnmarshalCommand(v2); err != nil || !reflect.DeepEqual(got, sys) {
		t.Fatalf("system command decodes as %+v, %v", got, err)
	}
	// Version 2 without flags is a user command; unknown flags are refused
	// rather than ignored (they could change what a statement may do): a
	// newer binary wrote them.
	noFlags := append([]byte{2, 0, 0}, v1[2:]...)
	if got, err := UnmarshalCommand(noFlags); err != nil || got.System {
		t.Errorf("version 2 without flags: %+v, %v", got, err)
	}
	unknown := append([]byte{2, 0, 0x81}, v1[2:]...)
	if _, err := UnmarshalCommand(unknown); !errors.Is(err, ErrNewerCommand) {
		t.Errorf("unknown flags: %v", err)
	}
	for i := range v2 {
		if _, err := UnmarshalCommand(v2[:i]); !errors.Is(err, ErrMalformedCommand) {
			t.Errorf("truncated to %d bytes: err = %v", i, err)
		}
	}
}

// NewCommand records this binary's apply semantics, in layout version 3,
// and it survives the round trip with the other fields.
func TestCommandCarriesApplySemantics(t *testing.T) {
	c := NewCommand(Atomic, Statement{SQL: "INSERT INTO t VALUES (?)", Params: []Value{IntValue(7)}})
	c.Conditional, c.ExpectIndex = true, 42
	b := c.Marshal()
	if b[0] != commandV3 {
		t.Fatalf("layout version %d, want %d", b[0], commandV3)
	}
	got, err := UnmarshalCommand(b)
	if err != nil || !reflect.DeepEqual(got, c) || got.Semantics != ApplySemantics {
		t.Fatalf("round trip: %+v, %v; want %+v", got, err, c)
	}
	for i := range b {
		if _, err := UnmarshalCommand(b[:i]); !errors.Is(err, ErrMalformedCommand) {
			t.Errorf("truncated to %d bytes: err = %v", i, err)
		}
	}
}
