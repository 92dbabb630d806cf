package node

import "io"

// StateMachine is what the node replicates. The node calls Apply for every
// committed command, in log order, on every node; identical logs must
// produce identical states, whatever the machine.
type StateMachine interface {
	// Apply applies the command committed at index (in term) and returns
	// its result, which is handed to the proposer if it waits on this
	// node. A command that fails deterministically returns its error as the
	// result; an error that means the machine itself is broken should panic
	// or stop the process (fail-stop).
	Apply(index, term uint64, cmd []byte) any
	// AppliedIndex is the index of the last command applied durably. After
	// a restart the node replays the log from it.
	AppliedIndex() uint64
	// Snapshot writes a consistent image of the state and returns the
	// index it reflects (at least AppliedIndex when called). It runs on its
	// own goroutine while Apply goes on, so the node never stalls writes
	// for the length of a copy.
	Snapshot(w io.Writer) (index uint64, err error)
	// Restore replaces the whole state with an image written by Snapshot
	// on some node at index.
	Restore(r io.Reader, index uint64) error
}
