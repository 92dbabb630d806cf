package raft

import (
	"errors"
	"fmt"

	pb "sqlraft/raft/raftpb"
)

// BootstrapStorage is the write access Bootstrap needs.
type BootstrapStorage interface {
	Storage
	ApplySnapshot(pb.Snapshot) error
	SetHardState(pb.HardState) error
}

// ErrAlreadyBootstrapped is returned when Bootstrap finds existing state.
var ErrAlreadyBootstrapped = errors.New("raft: storage already holds state")

// Bootstrap writes the initial membership of a new cluster into an empty
// storage, as a snapshot at index 1, term 1 whose state machine image is
// empty. Every founding member must be bootstrapped with the same
// configuration; nodes added later start empty and receive a snapshot.
func Bootstrap(s BootstrapStorage, cs pb.ConfState) error {
	if len(cs.Voters) == 0 {
		return fmt.Errorf("raft: bootstrap needs at least one voter")
	}
	if len(cs.VotersOutgoing) > 0 || len(cs.LearnersNext) > 0 || cs.AutoLeave {
		return fmt.Errorf("raft: bootstrap cannot start in a joint configuration")
	}
	last, err := s.LastIndex()
	if err != nil {
		return fmt.Errorf("raft: bootstrap: %w", err)
	}
	hs, _, err := s.InitialState()
	if err != nil {
		return fmt.Errorf("raft: bootstrap: %w", err)
	}
	if last != 0 || !hs.IsEmpty() {
		return ErrAlreadyBootstrapped
	}
	snap := pb.Snapshot{Metadata: pb.SnapshotMetadata{Index: 1, Term: 1, ConfState: cs}}
	if err := s.ApplySnapshot(snap); err != nil {
		return fmt.Errorf("raft: bootstrap snapshot: %w", err)
	}
	if err := s.SetHardState(pb.HardState{Term: 1, Commit: 1}); err != nil {
		return fmt.Errorf("raft: bootstrap hard state: %w", err)
	}
	return nil
}
