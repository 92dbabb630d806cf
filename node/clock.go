package node

import "time"

// Clock makes ticks. The node measures elections and heartbeats in ticks;
// tests drive a manual clock to control time exactly.
type Clock interface {
	NewTicker(d time.Duration) Ticker
}

// Ticker delivers ticks on C until stopped.
type Ticker interface {
	C() <-chan time.Time
	Stop()
}

// WallClock ticks with the monotonic system clock.
type WallClock struct{}

func (WallClock) NewTicker(d time.Duration) Ticker { return wallTicker{time.NewTicker(d)} }

type wallTicker struct{ t *time.Ticker }

func (w wallTicker) C() <-chan time.Time { return w.t.C }
func (w wallTicker) Stop()               { w.t.Stop() }
