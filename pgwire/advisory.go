package pgwire

import (
	"context"
	"slices"
	"strconv"
	"sync"
	"time"

	"sqlraft/fsm"
	"sqlraft/pgwire/dialect"
	"sqlraft/pgwire/pgerror"
)

// Advisory locks (pg_advisory_lock and friends) are what migration tools
// take so that two of them never migrate at once (golang-migrate blocks on
// one, goose and Flyway try one). They must be cluster-wide: they are held
// at the leader, in memory, by sessions connected to the leader. A
// follower refuses them with 25006 naming the leader. When this node stops
// leading, every session holding one is ended (FATAL 57P01), so no client
// goes on believing it holds a lock the new leader does not know about.

// lockKey is a lock's key: one bigint, or two int4s (PostgreSQL keeps the
// two spaces apart).
type lockKey struct {
	a, b int64
	pair bool
}

type heldLock struct {
	owner   *session
	count   int  // session-level acquisitions (PostgreSQL counts them)
	xact    bool // held until the end of the owner's transaction
	release chan struct{}
}

// advisoryLocks is the leader's lock table.
type advisoryLocks struct {
	mu    sync.Mutex
	held  map[lockKey]*heldLock
	term  uint64
	owner map[*session][]lockKey
}

func newAdvisoryLocks() *advisoryLocks {
	return &advisoryLocks{held: map[lockKey]*heldLock{}, owner: map[*session][]lockKey{}}
}

// acquire takes key for s, waiting (wait) or not. It reports whether s
// holds it now.
func (l *advisoryLocks) acquire(ctx context.Context, s *session, key lockKey, xact, wait bool) (bool, error) {
	for {
		l.mu.Lock()
		h := l.held[key]
		switch {
		case h == nil:
			l.held[key] = &heldLock{owner: s, count: 1, xact: xact, release: make(chan struct{})}
			l.owner[s] = append(l.owner[s], key)
			l.mu.Unlock()
			return true, nil
		case h.owner == s:
			if !xact {
				h.count++
			}
			l.mu.Unlock()
			return true, nil
		}
		ch := h.release
		l.mu.Unlock()
		if !wait {
			return false, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
}

// unlock releases one session-level acquisition of key by s.
func (l *advisoryLocks) unlock(s *session, key lockKey) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	h := l.held[key]
	if h == nil || h.owner != s || h.xact {
		return false
	}
	if h.count--; h.count == 0 {
		l.drop(s, key, h)
	}
	return true
}

// releaseAll drops what s holds: all of it (session end, unlock_all with
// xactOnly false) or its transaction-level locks (transaction end).
func (l *advisoryLocks) releaseAll(s *session, xactOnly bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, key := range slices.Clone(l.owner[s]) {
		if h := l.held[key]; h != nil && h.owner == s && (!xactOnly || h.xact) {
			l.drop(s, key, h)
		}
	}
}

func (l *advisoryLocks) drop(s *session, key lockKey, h *heldLock) {
	delete(l.held, key)
	close(h.release)
	keys := l.owner[s]
	if i := slices.Index(keys, key); i >= 0 {
		l.owner[s] = slices.Delete(keys, i, i+1)
	}
	if len(l.owner[s]) == 0 {
		delete(l.owner, s)
	}
}

// holders returns the sessions that hold locks.
func (l *advisoryLocks) holders() []*session {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []*session
	for s := range l.owner {
		out = append(out, s)
	}
	return out
}

// watchLeadership ends the sessions holding locks when this node stops
// leading, or leads in a new term (a new leader may have granted the same
// locks meanwhile).
func (srv *Server) watchLeadership() {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-srv.stop:
			return
		case <-t.C:
		}
		leader, term, _ := srv.cfg.Cluster.Leadership()
		l := srv.locks
		l.mu.Lock()
		changed := !leader || (l.term != 0 && term != l.term)
		if leader {
			l.term = term
		}
		l.mu.Unlock()
		if !changed {
			continue
		}
		for _, s := range l.holders() {
			l.releaseAll(s, false)
			s.c.terminate("57P01", "terminating connection because this node stopped leading the cluster: its advisory locks are released")
		}
	}
}

// advisoryFunctions are the lock functions the session answers.
var advisoryFunctions = map[string]struct {
	try, unlock, xact, all bool
}{
	"pg_advisory_lock":            {},
	"pg_try_advisory_lock":        {try: true},
	"pg_advisory_xact_lock":       {xact: true},
	"pg_try_advisory_xact_lock":   {try: true, xact: true},
	"pg_advisory_unlock":          {unlock: true},
	"pg_advisory_unlock_all":      {unlock: true, all: true},
	"pg_advisory_lock_shared":     {},
	"pg_try_advisory_lock_shared": {try: true},
}

// parseAdvisory recognizes SELECT [pg_catalog.]fn(arg[, arg]) [AS name]
// for the lock functions, with integer constants or parameters as
// arguments.
func parseAdvisory(p *prepared) (fn string, args []dialect.Token, alias string, ok bool) {
	found := false
	for _, f := range p.tr.Info.Functions {
		if _, is := advisoryFunctions[f]; is {
			found = true
		}
	}
	if !found {
		return
	}
	var c *callCursor
	if fn, c, ok = selectCall(p.sql); !ok {
		return
	}
	ok = false
	if _, is := advisoryFunctions[fn]; !is {
		return
	}
	next := c.next
	for {
		t := next()
		if t.Text == ")" && len(args) == 0 {
			break
		}
		neg := false
		if t.Text == "-" {
			neg, t = true, next()
		}
		if t.Kind != dialect.Number && t.Kind != dialect.Param {
			return
		}
		if neg {
			t.Text = "-" + t.Text
		}
		args = append(args, t)
		if sep := next(); sep.Text == ")" {
			break
		} else if sep.Text != "," {
			return
		}
	}
	if !c.done() {
		if next().Is("as") {
			alias = lower(next().Text)
		}
		if !c.done() {
			return
		}
	}
	return fn, args, alias, true
}

// advisoryResultColumns are the result columns of a lock call.
func advisoryResultColumns(fn, alias string) []fsm.Column {
	name := fn
	if alias != "" {
		name = alias
	}
	if f := advisoryFunctions[fn]; f.try || (f.unlock && !f.all) {
		return []fsm.Column{{Name: name, DeclType: "boolean"}}
	}
	return []fsm.Column{{Name: name, DeclType: "void"}}
}

// advisory runs a lock function call, if p is one.
func (s *session) advisory(ctx context.Context, p *prepared, params []fsm.Value) (*result, *pgerror.Error, bool) {
	fn, args, alias, ok := parseAdvisory(p)
	if !ok {
		return nil, nil, false
	}
	f := advisoryFunctions[fn]
	if fn == "pg_advisory_lock_shared" || fn == "pg_try_advisory_lock_shared" {
		return nil, pgerror.New("0A000", "shared advisory locks are not supported by sqlraft; use the exclusive ones"), true
	}
	leader, _, who := s.srv.cfg.Cluster.Leadership()
	if !leader {
		e := pgerror.New("25006", "advisory locks are held by the leader: %s() cannot run on a follower", fn)
		if who != "" {
			e.Detail = "The leader is " + who + "."
		}
		return nil, e, true
	}
	var key lockKey
	switch {
	case f.all && len(args) == 0:
	case len(args) == 1 || len(args) == 2:
		var vals []int64
		for _, a := range args {
			v, err := advisoryArg(a, params)
			if err != nil {
				return nil, err, true
			}
			vals = append(vals, v)
		}
		key = lockKey{a: vals[0]}
		if len(vals) == 2 {
			key = lockKey{a: vals[0], b: vals[1], pair: true}
		}
	default:
		return nil, pgerror.New("42883", "function %s with %d arguments does not exist", fn, len(args)), true
	}
	cols := advisoryResultColumns(fn, alias)
	row := func(v fsm.Value) *result {
		return &result{hasRows: true, cols: cols, rows: [][]fsm.Value{{v}}, tag: "SELECT 1"}
	}
	switch {
	case f.all:
		s.srv.locks.releaseAll(s, false)
		return row(fsm.TextValue("")), nil, true
	case f.unlock:
		if s.srv.locks.unlock(s, key) {
			return row(fsm.IntValue(1)), nil, true
		}
		r := row(fsm.IntValue(0))
		r.notices = []*pgerror.Error{warning("01000", "you don't own a lock of type ExclusiveLock")}
		return r, nil, true
	}
	// A transaction-level lock outside a block lasts for this statement:
	// taken and released at once, as PostgreSQL's implicit transaction.
	got, err := s.srv.locks.acquire(ctx, s, key, f.xact, !f.try)
	if err != nil {
		return nil, s.convertErr(ctx, err), true
	}
	if f.xact && (s.tx == nil || s.tx.implicit) && got {
		s.srv.locks.releaseAll(s, true)
	}
	if f.try {
		return row(fsm.BoolValue(got)), nil, true
	}
	return row(fsm.TextValue("")), nil, true
}

// advisoryArg reads a lock key argument: a constant or a bound parameter.
func advisoryArg(t dialect.Token, params []fsm.Value) (int64, *pgerror.Error) {
	if t.Kind == dialect.Param {
		n, err := strconv.Atoi(t.Text[1:])
		if err != nil || n < 1 || n > len(params) {
			return 0, pgerror.New("42P02", "there is no parameter %s", t.Text)
		}
		v := params[n-1]
		switch v.Kind() {
		case fsm.KindInt:
			return v.Int(), nil
		case fsm.KindText:
			if i, err := strconv.ParseInt(v.Text(), 10, 64); err == nil {
				return i, nil
			}
		}
		return 0, pgerror.New("22P02", "invalid input syntax for type bigint: %q", v.String())
	}
	i, err := strconv.ParseInt(t.Text, 10, 64)
	if err != nil {
		return 0, pgerror.New("22003", "advisory lock key %s is out of range for type bigint", t.Text)
	}
	return i, nil
}
