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
	f.Add([]byte{})
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := UnmarshalCommand(b)
		if err != nil {
			if !errors.Is(err, ErrMalformedCommand) {
				t.Fatalf("error %v does not wrap ErrMalformedCommand", err)
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
