// Package quorum answers the two questions raft asks of a membership
// configuration: which log index has a quorum acknowledged (the commit
// index), and has a quorum granted or denied an election. A MajorityConfig is
// one set of voters deciding by simple majority; a JointConfig is the pair of
// majority configs used during joint consensus, where every decision needs a
// majority in both halves. The package knows nothing about logs, messages or
// progress: callers supply acknowledged indexes through the AckedIndexer
// interface and votes as a map, which keeps the arithmetic small and easy to
// test exhaustively.
package quorum
