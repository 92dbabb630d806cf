package pgwire

import (
	"context"
	"sync"
)

// writeGate orders the writers of one leader, the way SQLite orders its
// own: any number of autocommit proposals may be in flight together
// (shared), but an interactive write transaction runs alone (exclusive),
// from its first write until its commit entry is applied. The exclusive
// holder thus sees the state its commit entry will be applied to; the
// state machine checks that too (Command.ExpectIndex), so the gate is what
// keeps transactions from failing, not what keeps them correct.
//
// A waiting exclusive holder blocks new shared holders, so a stream of
// autocommit writes cannot starve a transaction.
type writeGate struct {
	mu             sync.Mutex
	shared         int
	exclusive      bool
	waitingWriters int
	// changed is closed and replaced whenever the gate is released, to
	// wake waiters.
	changed chan struct{}
}

func newWriteGate() *writeGate {
	return &writeGate{changed: make(chan struct{})}
}

// acquireShared waits until no transaction holds or awaits the gate.
func (g *writeGate) acquireShared(ctx context.Context) (release func(), err error) {
	g.mu.Lock()
	for g.exclusive || g.waitingWriters > 0 {
		ch := g.changed
		g.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		g.mu.Lock()
	}
	g.shared++
	g.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			g.mu.Lock()
			g.shared--
			g.wake()
			g.mu.Unlock()
		})
	}, nil
}

// acquireExclusive waits until the gate is free.
func (g *writeGate) acquireExclusive(ctx context.Context) (release func(), err error) {
	g.mu.Lock()
	g.waitingWriters++
	for g.exclusive || g.shared > 0 {
		ch := g.changed
		g.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			g.mu.Lock()
			g.waitingWriters--
			g.wake()
			g.mu.Unlock()
			return nil, ctx.Err()
		}
		g.mu.Lock()
	}
	g.waitingWriters--
	g.exclusive = true
	g.mu.Unlock()
	var once sync.Once
	return func() {
		once.Do(func() {
			g.mu.Lock()
			g.exclusive = false
			g.wake()
			g.mu.Unlock()
		})
	}, nil
}

func (g *writeGate) wake() {
	close(g.changed)
	g.changed = make(chan struct{})
}
