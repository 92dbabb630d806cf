package tracker

import "fmt"

// inflight is one append message in flight: the index of its last entry and
// the total size of its entries.
type inflight struct {
	index uint64
	bytes uint64
}

// Inflights is the window of append messages sent to one follower and not
// yet acknowledged. The leader records each message with Add and releases
// them with FreeLE as acknowledgements arrive; while Full, it stops sending
// new entries, which bounds both the number of messages and the bytes a slow
// follower can make the leader buffer.
//
// The window is a ring over a slice that grows on demand up to size slots: a
// process may host thousands of raft groups, most of them idle, and a
// preallocated ring per follower would waste memory for all of them.
type Inflights struct {
	start int // ring position of the oldest inflight
	count int // number of inflights
	bytes uint64

	size     int    // maximum count
	maxBytes uint64 // maximum bytes; 0 means no limit

	// buffer[(start+i)%size] is the i-th oldest inflight. len(buffer) is at
	// most size, and grows only when the next slot lies beyond it.
	buffer []inflight
}

// NewInflights returns an empty window admitting up to size messages and,
// unless maxBytes is 0, up to maxBytes bytes.
func NewInflights(size int, maxBytes uint64) *Inflights {
	return &Inflights{size: size, maxBytes: maxBytes}
}

// Clone returns a copy that shares no memory with in.
func (in *Inflights) Clone() *Inflights {
	c := *in
	c.buffer = append([]inflight(nil), in.buffer...)
	return &c
}

// Add records a message whose entries end at index and weigh bytes. Indexes
// must increase from one call to the next, and the caller must have checked
// Full; breaking either rule is a bug in the leader, hence the panics.
func (in *Inflights) Add(index, bytes uint64) {
	if in.Full() {
		panic("tracker: Add on a full Inflights")
	}
	if in.count > 0 {
		if last := in.buffer[in.slot(in.count-1)].index; index <= last {
			panic(fmt.Sprintf("tracker: Inflights index %d added after %d", index, last))
		}
	}
	next := in.slot(in.count)
	if next >= len(in.buffer) {
		in.grow()
	}
	in.buffer[next] = inflight{index: index, bytes: bytes}
	in.count++
	in.bytes += bytes
}

// Last returns the index of the newest message in flight, if any.
func (in *Inflights) Last() (uint64, bool) {
	if in.count == 0 {
		return 0, false
	}
	return in.buffer[in.slot(in.count-1)].index, true
}

// ExtendLast grows the newest in-flight message to end at index and weigh
// bytes more: the leader merged more entries into a message it had not sent
// yet, so the window holds one message, not two.
func (in *Inflights) ExtendLast(index, bytes uint64) {
	if in.count == 0 {
		panic("tracker: ExtendLast on an empty Inflights")
	}
	last := &in.buffer[in.slot(in.count-1)]
	if index <= last.index {
		panic(fmt.Sprintf("tracker: Inflights extended to %d from %d", index, last.index))
	}
	last.index = index
	last.bytes += bytes
	in.bytes += bytes
}

// slot returns the ring position of the i-th oldest inflight.
func (in *Inflights) slot(i int) int {
	p := in.start + i
	if p >= in.size {
		p -= in.size
	}
	return p
}

// grow doubles the buffer, capped at size. Positions are taken modulo size,
// not len(buffer), so existing entries keep their positions.
func (in *Inflights) grow() {
	n := max(1, 2*len(in.buffer))
	n = min(n, in.size)
	buf := make([]inflight, n)
	copy(buf, in.buffer)
	in.buffer = buf
}

// FreeLE releases every inflight whose index is at most to: the follower
// has acknowledged its log up to to. Acknowledgements below the window are
// stale and change nothing.
func (in *Inflights) FreeLE(to uint64) {
	var freed int
	var bytes uint64
	for freed < in.count {
		f := in.buffer[in.slot(freed)]
		if f.index > to {
			break
		}
		bytes += f.bytes
		freed++
	}
	in.start = in.slot(freed)
	in.count -= freed
	in.bytes -= bytes
	if in.count == 0 {
		// Restart at the front so that a window that keeps emptying reuses
		// the slots already allocated instead of growing the buffer.
		in.start = 0
	}
}

// Full reports whether no further message may be sent: either size
// messages are in flight, or the bytes in flight reached maxBytes. The byte
// limit is checked after the fact, so one message may overshoot it; that
// keeps a single entry larger than maxBytes from blocking replication.
func (in *Inflights) Full() bool {
	return in.count == in.size || (in.maxBytes != 0 && in.bytes >= in.maxBytes)
}

// Count returns the number of messages in flight.
func (in *Inflights) Count() int { return in.count }

// reset forgets every inflight, including their bytes, and releases the
// buffer. It runs on state transitions, which are rare and usually mean the
// follower is lagging, so keeping its memory would serve no purpose.
func (in *Inflights) reset() {
	in.start = 0
	in.count = 0
	in.bytes = 0
	in.buffer = nil
}
