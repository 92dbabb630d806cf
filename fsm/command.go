package fsm

import (
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
)

// Mode says how the statements of a command are grouped into transactions.
type Mode uint8

const (
	// Atomic runs all statements in one transaction: the first failing
	// statement rolls back the whole command.
	Atomic Mode = iota
	// EachOwn runs each statement in its own transaction: a failing
	// statement rolls back only itself, and the following ones still run.
	EachOwn
)

func (m Mode) String() string {
	switch m {
	case Atomic:
		return "atomic"
	case EachOwn:
		return "each-own"
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}

// Command is what the log replicates: statements plus everything a node
// would otherwise take from its own environment. The proposer fills
// UnixMicro and Seed once (NewCommand); every node applies the command with
// them, so 'now' and random() agree everywhere.
type Command struct {
	Mode Mode
	// UnixMicro is the proposer's clock when it proposed: the 'now' of
	// every statement of the command (SQLite resolves it to milliseconds).
	UnixMicro int64
	// Seed seeds the generators behind random() and randomblob(), one per
	// statement (see statementStream).
	Seed uint64
	// System marks a command of the SQL front end itself (roles, ...): its
	// statements may use the _sqlraft_sys_* tables, which user SQL can
	// neither read nor write. Only the front end may set it, never on a
	// client's behalf.
	System bool
	// Conditional makes the command apply only on top of the state at
	// ExpectIndex (the index of the last applied command, AppliedIndex);
	// otherwise it fails as a whole with SQLITE_BUSY_SNAPSHOT, the same on
	// every node. An interactive transaction commits with the index it
	// started from (WriteTx.Command sets both), so it never lands on a
	// state it did not see.
	Conditional bool
	ExpectIndex uint64
	// Semantics is the apply semantics the proposer's binary has (see
	// ApplySemantics); 0 for commands written before it existed.
	Semantics  uint64
	Statements []Statement
}

// ApplySemantics numbers what applying a command means in this binary:
// the SQL functions every connection has, LIKE's case sensitivity, and
// whatever else decides an entry's effect. It grows whenever that
// changes. A node that meets a command proposed with greater semantics
// stops rather than apply it with older meaning and diverge from the
// replicas that have the newer one; so does a node that meets a command
// layout or flag it does not know.
//
//   - 1: PostgreSQL's scalar functions (fsm/sqlfunc), generate_series on
//     the apply connection, case-sensitive LIKE.
const ApplySemantics = 1

// ErrNewerCommand is wrapped by the UnmarshalCommand error for a command
// a newer binary wrote (unknown layout version or flags, or greater
// Semantics): applying it here could diverge from the replicas that
// understand it, so Apply stops the node instead.
var ErrNewerCommand = errors.New("fsm: the command was written by a newer sqlraft; upgrade this node")

// Statement is one SQL statement with its positional parameters (?, ?NNN,
// $NNN; $N binds the N-th parameter).
type Statement struct {
	SQL    string
	Params []Value
}

// NewCommand makes a command on the proposer, reading the real clock and
// crypto/rand. Never call it while applying: Apply must only use what the
// command carries.
func NewCommand(mode Mode, stmts ...Statement) Command {
	var seed [8]byte
	rand.Read(seed[:]) // never fails (crypto/rand panics instead)
	return Command{
		Mode:       mode,
		UnixMicro:  time.Now().UnixMicro(),
		Seed:       binary.LittleEndian.Uint64(seed[:]),
		Semantics:  ApplySemantics,
		Statements: stmts,
	}
}

// The first byte of every encoded command is its layout version. A new
// layout gets a new version; decoders keep reading every old one, because
// logs written by old binaries are replayed by new ones.
const (
	// commandV1 has no flags: every command that sets none is still written
	// in it, byte for byte as before flags existed.
	commandV1 = 1
	// commandV2 adds a flags byte after the mode.
	commandV2 = 2
	// commandV3 is commandV2 with the proposer's apply semantics
	// (uvarint) after the flags and ExpectIndex.
	commandV3 = 3
)

// Command flags (commandV2).
const (
	flagSystem = 1 << iota
	flagExpect // ExpectIndex follows the flags byte (uvarint)
	knownFlags = flagSystem | flagExpect
)

// Marshal encodes the command:
//
//	version(1) mode(1) [flags(1) [expectIndex(uvarint), flag 1], versions 2 and 3]
//	[semantics(uvarint), version 3] unixMicro(varint)
//	seed(8, little endian)
//	count(uvarint) { len(uvarint) sql  nparams(uvarint) { kind(1) payload } }
//
// Version 1 when no flag is set, version 2 otherwise; version 3 (flags,
// then Semantics as a uvarint after ExpectIndex) when Semantics is set,
// as NewCommand sets it. flags: bit 0 System, bit 1 ExpectIndex present.
// payload: integer varint; real 8 bytes little endian (IEEE bits); text and
// blob uvarint length then bytes; null nothing.
func (c Command) Marshal() []byte {
	n := 20
	for _, s := range c.Statements {
		n += 4 + len(s.SQL) + 10*len(s.Params)
		for _, p := range s.Params {
			n += len(p.s) + len(p.b)
		}
	}
	b := make([]byte, 0, n)
	var flags byte
	if c.System {
		flags |= flagSystem
	}
	if c.Conditional {
		flags |= flagExpect
	}
	if c.Semantics != 0 {
		b = append(b, commandV3, byte(c.Mode), flags)
		if c.Conditional {
			b = binary.AppendUvarint(b, c.ExpectIndex)
		}
		b = binary.AppendUvarint(b, c.Semantics)
	} else if flags != 0 {
		b = append(b, commandV2, byte(c.Mode), flags)
		if c.Conditional {
			b = binary.AppendUvarint(b, c.ExpectIndex)
		}
	} else {
		b = append(b, commandV1, byte(c.Mode))
	}
	b = binary.AppendVarint(b, c.UnixMicro)
	b = binary.LittleEndian.AppendUint64(b, c.Seed)
	b = binary.AppendUvarint(b, uint64(len(c.Statements)))
	for _, s := range c.Statements {
		b = binary.AppendUvarint(b, uint64(len(s.SQL)))
		b = append(b, s.SQL...)
		b = binary.AppendUvarint(b, uint64(len(s.Params)))
		for _, p := range s.Params {
			b = append(b, byte(p.kind))
			switch p.kind {
			case KindInt:
				b = binary.AppendVarint(b, p.i)
			case KindFloat:
				b = binary.LittleEndian.AppendUint64(b, math.Float64bits(p.f))
			case KindText:
				b = binary.AppendUvarint(b, uint64(len(p.s)))
				b = append(b, p.s...)
			case KindBlob:
				b = binary.AppendUvarint(b, uint64(len(p.b)))
				b = append(b, p.b...)
			}
		}
	}
	return b
}

// ErrMalformedCommand is wrapped by every UnmarshalCommand error.
var ErrMalformedCommand = errors.New("fsm: malformed command")

// UnmarshalCommand decodes what Marshal encoded. Any input, however
// damaged, gives a Command or an error wrapping ErrMalformedCommand, never a
// panic, and never allocates more than the input's size suggests.
func UnmarshalCommand(b []byte) (Command, error) {
	d := decoder{b: b}
	var c Command
	v := d.byte()
	if d.err == nil && v > commandV3 {
		return c, fmt.Errorf("%w: layout version %d", ErrNewerCommand, v)
	}
	if d.err == nil && v < commandV1 {
		return c, fmt.Errorf("%w: unknown version %d", ErrMalformedCommand, v)
	}
	c.Mode = Mode(d.byte())
	if d.err == nil && c.Mode > EachOwn {
		return c, fmt.Errorf("%w: unknown mode %d", ErrMalformedCommand, c.Mode)
	}
	if v >= commandV2 {
		flags := d.byte()
		if d.err == nil && flags&^knownFlags != 0 {
			return Command{}, fmt.Errorf("%w: unknown flags %#x", ErrNewerCommand, flags)
		}
		c.System = flags&flagSystem != 0
		if flags&flagExpect != 0 {
			c.Conditional = true
			c.ExpectIndex = d.uvarint()
		}
	}
	if v == commandV3 {
		c.Semantics = d.uvarint()
		if d.err == nil && c.Semantics > ApplySemantics {
			return Command{}, fmt.Errorf("%w: apply semantics %d, this binary has %d", ErrNewerCommand, c.Semantics, ApplySemantics)
		}
	}
	c.UnixMicro = d.varint()
	c.Seed = d.uint64()
	// Every statement takes at least two bytes, every parameter one: a
	// count beyond that is garbage, whatever it claims.
	n := d.count(2)
	if n > 0 {
		c.Statements = make([]Statement, 0, n)
	}
	for i := 0; i < n && d.err == nil; i++ {
		var s Statement
		s.SQL = string(d.bytes())
		np := d.count(1)
		if np > 0 {
			s.Params = make([]Value, 0, np)
		}
		for j := 0; j < np && d.err == nil; j++ {
			s.Params = append(s.Params, d.value())
		}
		c.Statements = append(c.Statements, s)
	}
	if d.err == nil && len(d.b) > 0 {
		d.fail("%d trailing bytes", len(d.b))
	}
	if d.err != nil {
		return Command{}, d.err
	}
	return c, nil
}

// decoder reads from b; after the first error every read returns zero.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrMalformedCommand, fmt.Sprintf(format, args...))
	}
	d.b = nil
}

func (d *decoder) byte() byte {
	if d.err != nil {
		return 0
	}
	if len(d.b) < 1 {
		d.fail("truncated")
		return 0
	}
	v := d.b[0]
	d.b = d.b[1:]
	return v
}

func (d *decoder) varint() int64 {
	if d.err != nil {
		return 0
	}
	v, k := binary.Varint(d.b)
	if k <= 0 {
		d.fail("bad varint")
		return 0
	}
	d.b = d.b[k:]
	return v
}

func (d *decoder) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, k := binary.Uvarint(d.b)
	if k <= 0 {
		d.fail("bad uvarint")
		return 0
	}
	d.b = d.b[k:]
	return v
}

func (d *decoder) uint64() uint64 {
	if d.err != nil {
		return 0
	}
	if len(d.b) < 8 {
		d.fail("truncated")
		return 0
	}
	v := binary.LittleEndian.Uint64(d.b)
	d.b = d.b[8:]
	return v
}

// count reads a count of items that take at least min bytes each.
func (d *decoder) count(min int) int {
	n := d.uvarint()
	if d.err == nil && n > uint64(len(d.b)/min) {
		d.fail("count %d exceeds the remaining %d bytes", n, len(d.b))
		return 0
	}
	return int(n)
}

func (d *decoder) bytes() []byte {
	n := d.uvarint()
	if d.err != nil {
		return nil
	}
	if n > uint64(len(d.b)) {
		d.fail("length %d exceeds the remaining %d bytes", n, len(d.b))
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) value() Value {
	switch k := Kind(d.byte()); k {
	case KindNull:
		return Value{}
	case KindInt:
		return IntValue(d.varint())
	case KindFloat:
		return FloatValue(math.Float64frombits(d.uint64()))
	case KindText:
		return TextValue(string(d.bytes()))
	case KindBlob:
		return BlobValue(append([]byte{}, d.bytes()...))
	default:
		d.fail("unknown value kind %d", k)
		return Value{}
	}
}
