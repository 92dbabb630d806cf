package fsm

import (
	"fmt"
	"math/rand/v2"
	"os"
	"sync"
	"sync/atomic"
	"unsafe"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// clockVFS is the name of the shim VFS the apply connection opens its
// database with. It is the default unix VFS with its two clock methods
// replaced: while an entry is being applied they return the proposer's
// clock reading carried by the command, so that every 'now' SQLite
// evaluates (datetime('now'), CURRENT_TIMESTAMP, DEFAULT CURRENT_TIMESTAMP,
// unixepoch(), julianday(), strftime(..., 'now'), timediff('now', ...), the
// zero-argument forms, in triggers too) is the same on every node. Outside
// an entry they fall through to the real clock.
const clockVFS = "sqlraft-clock"

// unixEpochJulianMillis is 1970-01-01 00:00:00 UTC as a Julian day number in
// milliseconds, the unit of xCurrentTimeInt64.
const unixEpochJulianMillis = 210866760000000

// entryContext is what the proposer chose for one entry: its clock reading
// and random seed, with the generator of the statement being run (see
// statementStream). Only the goroutine that holds entryTurn reads or
// advances it.
type entryContext struct {
	unixMilli int64
	seed      uint64
	rng       *rand.Rand
}

var (
	// entryTurn is held while one entry, or one statement of a write
	// transaction, runs. The clock hook and the random() overrides are
	// process-wide (SQLite calls them without telling which connection
	// asked), so several FSMs in one process (tests, in-process clusters)
	// take turns.
	entryTurn sync.Mutex
	// current is the context of the entry being applied, nil between
	// entries.
	current atomic.Pointer[entryContext]
)

// beginEntry makes unixMicro and seed the source of time and randomness for
// the apply connection until the returned function is called. random()
// draws from the stream of statement 0 until statement moves it on.
func beginEntry(unixMicro int64, seed uint64) (ec *entryContext, end func()) {
	entryTurn.Lock()
	ms := unixMicro / 1000
	if unixMicro%1000 < 0 {
		ms-- // floor, so that times before 1970 round the same way as after
	}
	ec = &entryContext{unixMilli: ms, seed: seed}
	ec.statement(0)
	current.Store(ec)
	return ec, func() {
		current.Store(nil)
		entryTurn.Unlock()
	}
}

// statement switches random() to the stream of statement k of the command.
func (ec *entryContext) statement(k int) {
	ec.rng = rand.New(statementStream(ec.seed, k))
}

// pinTimeZone is turned off only by a test, in a child process, to show
// what 'localtime' does without the pin.
var pinTimeZone = true

var (
	setupOnce sync.Once
	setupErr  error
	// realCurrentTimeInt64 and realCurrentTime are the unix VFS's own clock
	// methods, called when no entry is being applied.
	realCurrentTimeInt64 uintptr
	realCurrentTime      uintptr
)

// setupProcess registers, once per process, the shim VFS and the private
// driver of the apply connection, and pins SQLite's local time zone.
func setupProcess() error {
	setupOnce.Do(func() {
		if setupErr = pinEngineTimeZone(); setupErr != nil {
			return
		}
		if setupErr = registerClockVFS(); setupErr != nil {
			return
		}
		if setupErr = registerApplyDriver(); setupErr != nil {
			return
		}
		setupErr = learnDriverLayout()
	})
	return setupErr
}

// pinEngineTimeZone makes UTC the local time zone of the SQLite engine, so
// that the 'localtime' and 'utc' modifiers are identity conversions on every
// node whatever its TZ. The SQLite library reads TZ from its own copy of the
// environment (modernc.org/libc), taken when the first connection is made:
// set it there. libc mirrors the change into the Go environment; that is put
// back, so Go's own time.Local (logs, ...) stays the node's.
func pinEngineTimeZone() error {
	if !pinTimeZone {
		return nil
	}
	tls := libc.NewTLS() // also makes libc copy the environment now
	defer tls.Close()
	old, had := os.LookupEnv("TZ")
	name, err := libc.CString("TZ")
	if err != nil {
		return err
	}
	defer libc.Xfree(tls, name)
	val, err := libc.CString("UTC")
	if err != nil {
		return err
	}
	defer libc.Xfree(tls, val)
	if rc := libc.Xsetenv(tls, name, val, 1); rc != 0 {
		return fmt.Errorf("fsm: pin SQLite time zone: setenv returned %d", rc)
	}
	libc.Xtzset(tls)
	if had {
		os.Setenv("TZ", old)
	} else {
		os.Unsetenv("TZ")
	}
	return nil
}

// registerClockVFS copies the default VFS into C memory that lives as long
// as the process, swaps in the clock methods and registers the copy under
// clockVFS. This relies on the layout of sqlite3_vfs and on ccgo's function
// pointer convention in modernc.org/sqlite/lib: re-run the determinism tests
// on every upgrade of modernc.org/sqlite.
func registerClockVFS() error {
	tls := libc.NewTLS()
	defer tls.Close()
	base := sqlite3.Xsqlite3_vfs_find(tls, 0)
	if base == 0 {
		return fmt.Errorf("fsm: no default SQLite VFS")
	}
	size := unsafe.Sizeof(sqlite3.Tsqlite3_vfs{})
	p := libc.Xmalloc(tls, libc.Tsize_t(size))
	if p == 0 {
		return fmt.Errorf("fsm: out of memory registering the clock VFS")
	}
	vfs := (*sqlite3.Tsqlite3_vfs)(cPtr(p))
	*vfs = *(*sqlite3.Tsqlite3_vfs)(cPtr(base))
	if vfs.FiVersion < 2 || vfs.FxCurrentTimeInt64 == 0 {
		return fmt.Errorf("fsm: default SQLite VFS %d has no xCurrentTimeInt64", vfs.FiVersion)
	}
	zName, err := libc.CString(clockVFS)
	if err != nil {
		return err
	}
	realCurrentTimeInt64 = vfs.FxCurrentTimeInt64
	realCurrentTime = vfs.FxCurrentTime
	vfs.FzName = zName
	vfs.FpNext = 0
	vfs.FxCurrentTimeInt64 = cFunc(clockCurrentTimeInt64)
	vfs.FxCurrentTime = cFunc(clockCurrentTime)
	if rc := sqlite3.Xsqlite3_vfs_register(tls, p, 0); rc != sqlite3.SQLITE_OK {
		return fmt.Errorf("fsm: register the clock VFS: SQLite result code %d", rc)
	}
	return nil
}

type vfsClockFunc = func(*libc.TLS, uintptr, uintptr) int32

// cFunc turns a top-level Go function into the uintptr the transpiled
// SQLite calls through (a pointer to the Go func value).
func cFunc(f vfsClockFunc) uintptr {
	return *(*uintptr)(unsafe.Pointer(&struct{ f vfsClockFunc }{f}))
}

func callC(fp uintptr, tls *libc.TLS, pVfs, pOut uintptr) int32 {
	return (*(*vfsClockFunc)(unsafe.Pointer(&struct{ uintptr }{fp})))(tls, pVfs, pOut)
}

// clockCurrentTimeInt64 is xCurrentTimeInt64: the time as a Julian day
// number in milliseconds.
func clockCurrentTimeInt64(tls *libc.TLS, pVfs, pOut uintptr) int32 {
	if e := current.Load(); e != nil {
		*(*int64)(cPtr(pOut)) = unixEpochJulianMillis + e.unixMilli
		return sqlite3.SQLITE_OK
	}
	return callC(realCurrentTimeInt64, tls, pVfs, pOut)
}

// clockCurrentTime is xCurrentTime, the older floating point form; SQLite
// uses xCurrentTimeInt64 when present, this only keeps the two consistent.
func clockCurrentTime(tls *libc.TLS, pVfs, pOut uintptr) int32 {
	if e := current.Load(); e != nil {
		*(*float64)(cPtr(pOut)) = float64(unixEpochJulianMillis+e.unixMilli) / 86400000.0
		return sqlite3.SQLITE_OK
	}
	return callC(realCurrentTime, tls, pVfs, pOut)
}

// cPtr turns the address of C memory (allocated by libc, never moved or
// collected by Go) into a pointer.
func cPtr(p uintptr) unsafe.Pointer { return *(*unsafe.Pointer)(unsafe.Pointer(&p)) }
