// Package confchange computes membership changes. Given the current
// configuration and progress (a tracker.ProgressTracker), a Changer applies
// a list of single changes (add a voter, add or demote to a learner, remove)
// either as a simple change, which may alter at most one voter, or by
// entering and later leaving a joint configuration, in which the old and new
// voter sets must both agree. It returns a new configuration and progress
// map without touching its input, and checks the invariants that raft relies
// on after every change, so an invalid change is refused before it takes
// effect. Restore rebuilds a configuration from a ConfState, as found in a
// snapshot, by replaying such changes.
package confchange
