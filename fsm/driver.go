package fsm

import (
	"database/sql/driver"
	"errors"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"modernc.org/sqlite"

	"sqlraft/fsm/tablefunc"
)

// applyDriver is the private SQLite driver of the apply and validation
// connections. The functions registered on it override SQLite's builtins of
// the same name on those connections only; readers use the plain "sqlite"
// driver and keep the builtins. It is never registered with database/sql:
// the FSM opens its connections from it directly.
var applyDriver sqlite.Driver

// errOutsideEntry is returned by the overrides when something calls them on
// an apply connection between entries: everything random on that connection
// must come from an entry, so a call outside one is a bug, not a fallback.
var errOutsideEntry = errors.New("random() and randomblob() are only available while a replicated command is applied")

// maxRandomBlob mirrors SQLite's default SQLITE_MAX_LENGTH, so an oversized
// randomblob(N) fails the same way on every node instead of exhausting memory.
const maxRandomBlob = 1_000_000_000

// streamConstant is the second PCG word of statement 0. It predates the
// per-statement streams: statement 0 draws what a whole entry drew before.
const streamConstant = 0x73716c7261667421

// statementStream is the generator behind random() and randomblob() for
// statement k (its 0-based position in Command.Statements) of a command
// with the given seed:
//
//	PCG(seed, 0x73716c7261667421 XOR fmix64(k))
//
// where fmix64 is MurmurHash3's 64-bit finalizer, a bijection with
// fmix64(0) = 0 that spreads consecutive positions over the whole state
// space. A statement's values thus depend on the seed and its own position
// only, not on what the statements before it drew: a write transaction
// runs its statements on the leader, drops the failed ones, and the
// recorded ones, replayed at their recorded positions, draw the very values
// they drew in the transaction. This is part of the log format: replicas
// replay old entries with it, so it must never change.
func statementStream(seed uint64, k int) *rand.PCG {
	x := uint64(k)
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return rand.NewPCG(seed, streamConstant^x)
}

func registerApplyDriver() error {
	// random() and randomblob(N) draw from the statement's generator, seeded
	// by the proposer: same seed, same values, in statement order. They stay
	// non-deterministic in SQLite's sense (a new value per call), so SQLite
	// never folds or caches them, exactly like the builtins.
	if err := applyDriver.RegisterScalarFunction("random", 0, random); err != nil {
		return err
	}
	if err := applyDriver.RegisterScalarFunction("randomblob", 1, randomblob); err != nil {
		return err
	}
	if err := registerFunctions(&applyDriver); err != nil {
		return err
	}
	if err := applyDriver.RegisterModule(tableFunctionModule, tablefunc.NewModule(tablefunc.GenerateSeries)); err != nil {
		return err
	}
	return registerDefaultFunctions()
}

// random is SQLite's random(): a 64-bit signed integer, never the most
// negative one (the builtin folds it the same way).
func random(_ *sqlite.FunctionContext, _ []driver.Value) (driver.Value, error) {
	e := current.Load()
	if e == nil {
		return nil, errOutsideEntry
	}
	r := int64(e.rng.Uint64())
	if r < 0 {
		r = -(r & math.MaxInt64)
	}
	return r, nil
}

// randomblob is SQLite's randomblob(N): N random bytes, at least one.
func randomblob(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	e := current.Load()
	if e == nil {
		return nil, errOutsideEntry
	}
	n := sqliteInt64(args[0])
	if n < 1 {
		n = 1
	}
	if n > maxRandomBlob {
		return nil, errors.New("string or blob too big")
	}
	b := make([]byte, n)
	for i := 0; i < len(b); i += 8 {
		v := e.rng.Uint64()
		for j := i; j < len(b) && j < i+8; j++ {
			b[j] = byte(v)
			v >>= 8
		}
	}
	return b, nil
}

// sqliteInt64 converts a function argument to an integer the way
// sqlite3_value_int64 does: reals are truncated, text and blobs are read up
// to their longest numeric prefix, NULL is 0.
func sqliteInt64(v driver.Value) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case float64:
		return clampFloat(x)
	case string:
		return numericPrefix(x)
	case []byte:
		return numericPrefix(string(x))
	}
	return 0
}

func clampFloat(f float64) int64 {
	switch {
	case math.IsNaN(f):
		return 0
	case f >= math.MaxInt64:
		return math.MaxInt64
	case f <= math.MinInt64:
		return math.MinInt64
	}
	return int64(f)
}

func numericPrefix(s string) int64 {
	s = strings.TrimLeft(s, " \t\n\f\r\v")
	end := 0
	for end < len(s) && strings.IndexByte("+-0123456789.eE", s[end]) >= 0 {
		end++
	}
	for ; end > 0; end-- {
		if i, err := strconv.ParseInt(s[:end], 10, 64); err == nil {
			return i
		}
		if f, err := strconv.ParseFloat(s[:end], 64); err == nil {
			return clampFloat(f)
		}
	}
	return 0
}
