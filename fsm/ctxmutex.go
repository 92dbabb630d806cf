package fsm

import "context"

// ctxMutex is a mutex whose Lock can give up when a context ends: a write
// transaction waits for the apply connection as long as its client is
// willing to, not forever. The zero value is not usable; see newCtxMutex.
type ctxMutex chan struct{}

func newCtxMutex() ctxMutex { return make(ctxMutex, 1) }

func (m ctxMutex) Lock() { m <- struct{}{} }

func (m ctxMutex) Unlock() { <-m }

// LockContext locks m, or returns ctx's error if ctx ends first.
func (m ctxMutex) LockContext(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case m <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
