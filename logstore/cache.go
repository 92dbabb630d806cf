package logstore

import (
	"slices"
	"sort"

	pb "sqlraft/raft/raftpb"
)

// termIndex knows the term of every index in [compaction point, last] as
// runs of equal terms: raft's terms change rarely, so a log of millions of
// entries needs a handful of runs. runs[0] starts at the compaction point,
// whose term stays known after compaction. Runs are sorted by first index;
// terms are not assumed to be monotonic.
type termIndex struct {
	runs []termRun
	last uint64
}

type termRun struct {
	first uint64 // the run covers [first, next run's first)
	term  uint64
}

// reset makes the log empty after the compaction point (index, term).
func (t *termIndex) reset(index, term uint64) {
	t.runs = []termRun{{first: index, term: term}}
	t.last = index
}

// compactIndex is the index of the dummy entry.
func (t *termIndex) compactIndex() uint64 { return t.runs[0].first }

// term returns the term at i, which must lie in [compactIndex, last].
func (t *termIndex) term(i uint64) uint64 {
	k := sort.Search(len(t.runs), func(k int) bool { return t.runs[k].first > i })
	return t.runs[k-1].term
}

// append records an entry at last+1.
func (t *termIndex) append(term uint64) {
	t.last++
	if t.runs[len(t.runs)-1].term != term {
		t.runs = append(t.runs, termRun{first: t.last, term: term})
	}
}

// truncate forgets the entries after i (compactIndex <= i <= last).
func (t *termIndex) truncate(i uint64) {
	k := sort.Search(len(t.runs), func(k int) bool { return t.runs[k].first > i })
	t.runs = t.runs[:k]
	t.last = i
}

// compact makes i (compactIndex < i <= last) the new compaction point.
func (t *termIndex) compact(i uint64) {
	k := sort.Search(len(t.runs), func(k int) bool { return t.runs[k].first > i })
	runs := make([]termRun, 0, len(t.runs)-k+1)
	runs = append(runs, termRun{first: i, term: t.runs[k-1].term})
	t.runs = append(runs, t.runs[k:]...)
}

// tailCache holds the bodies of the most recent entries, a suffix of the
// log ending at its last index, within a byte budget counted in
// Entry.Size(). Slices handed out by view are never written to afterwards:
// truncation caps the slice so the next append copies instead of
// overwriting entries a caller may still hold (as MemoryStorage does).
type tailCache struct {
	ents  []pb.Entry
	bytes uint64
	limit uint64
	// dropped counts entries evicted from the front since ents was last
	// reallocated; their slots still pin the array (and their Data), so
	// the live entries are copied out once the dropped ones outnumber them.
	dropped int
}

// first returns the index of the oldest cached entry, or last+1 if the
// cache is empty.
func (c *tailCache) first(last uint64) uint64 {
	if len(c.ents) == 0 {
		return last + 1
	}
	return c.ents[0].Index
}

func (c *tailCache) reset() {
	c.ents, c.bytes, c.dropped = nil, 0, 0
}

// truncate drops the cached entries after i.
func (c *tailCache) truncate(i uint64) {
	n := len(c.ents)
	for n > 0 && c.ents[n-1].Index > i {
		n--
		c.bytes -= uint64(c.ents[n].Size())
	}
	if n < len(c.ents) {
		c.ents = c.ents[:n:n]
	}
}

// append adds entries that continue the log and evicts the oldest entries
// beyond the budget.
func (c *tailCache) append(ents []pb.Entry) {
	c.ents = append(c.ents, ents...)
	for i := range ents {
		c.bytes += uint64(ents[i].Size())
	}
	n := 0
	for n < len(c.ents) && c.bytes > c.limit {
		c.bytes -= uint64(c.ents[n].Size())
		n++
	}
	c.dropFront(n)
}

// compact drops the cached entries at or before i.
func (c *tailCache) compact(i uint64) {
	n := 0
	for n < len(c.ents) && c.ents[n].Index <= i {
		c.bytes -= uint64(c.ents[n].Size())
		n++
	}
	c.dropFront(n)
}

func (c *tailCache) dropFront(n int) {
	if n == 0 {
		return
	}
	c.ents = c.ents[n:]
	c.dropped += n
	if c.dropped > len(c.ents) {
		c.ents = slices.Clone(c.ents)
		c.dropped = 0
	}
}

// view returns the cached entries [lo, hi), which must be cached, capped
// so that a caller's append cannot write into the cache.
func (c *tailCache) view(lo, hi uint64) []pb.Entry {
	off := c.ents[0].Index
	return c.ents[lo-off : hi-off : hi-off]
}
