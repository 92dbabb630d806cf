package node

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"sqlraft/raft"
	pb "sqlraft/raft/raftpb"
	"sqlraft/snapshots"
)

// maybeSnapshot starts taking a snapshot once enough entries were applied
// since the last one. The image is written on its own goroutine while the
// node goes on applying; finishSnapshot records it.
func (n *Node) maybeSnapshot() error {
	due := n.applied.Load() >= n.lastSnapshot+n.cfg.SnapshotEntries || n.bytesSinceSnapshot >= n.cfg.SnapshotBytes
	if n.snapshotting || !due {
		return nil
	}
	n.snapshotting = true
	n.bytesSinceSnapshot = 0
	n.snapWG.Add(1)
	go func() {
		defer n.snapWG.Done()
		f, err := n.snaps.Create(func(w io.Writer) (snapshots.Position, error) {
			index, err := n.cfg.Machine.Snapshot(w)
			if err != nil {
				return snapshots.Position{}, err
			}
			term, err := n.cfg.Store.Term(index)
			return snapshots.Position{Term: term, Index: index}, err
		})
		select {
		case n.reportc <- func() { n.finishSnapshot(f, err) }:
		case <-n.stopc:
		}
	}()
	return nil
}

// finishSnapshot records a snapshot written in the background, compacts the
// log behind it and prunes old files. It runs on the node goroutine.
func (n *Node) finishSnapshot(f snapshots.File, err error) {
	n.snapshotting = false
	if err != nil {
		n.log.Error("taking a snapshot failed; will retry", "err", err)
		return
	}
	if f.Index <= n.lastSnapshot {
		// Nothing new was applied, or a snapshot was installed meanwhile.
		return
	}
	desc := snapshotDescriptor{File: f.Name, Size: f.Size, SHA256: f.SHA256, Peers: n.peers}
	snap := pb.Snapshot{Data: desc.encode(), Metadata: pb.SnapshotMetadata{Index: f.Index, Term: f.Term, ConfState: n.confAt(f.Index)}}
	if err := n.cfg.Store.SetSnapshot(snap); err != nil {
		if !errors.Is(err, raft.ErrSnapOutOfDate) {
			n.err = fmt.Errorf("snapshot: record: %w", err)
		}
		return
	}
	n.lastSnapshot = f.Index
	n.trimConfHistory(f.Index)
	if f.Index > n.cfg.SnapshotKeep {
		first, err := n.cfg.Store.FirstIndex()
		if err != nil {
			n.err = fmt.Errorf("snapshot: %w", err)
			return
		}
		if to := f.Index - n.cfg.SnapshotKeep; to > first {
			if err := n.cfg.Store.Compact(to); err != nil {
				n.err = fmt.Errorf("snapshot: compact to %d: %w", to, err)
				return
			}
		}
	}
	n.log.Info("snapshot taken", "index", f.Index, "term", f.Term, "bytes", f.Size)
	if err := n.snaps.Prune(); err != nil {
		n.log.Warn("pruning old snapshots", "err", err)
	}
}

// confAt is the configuration as of index: the latest recorded change at or
// before it. The history holds the configuration at the last snapshot and
// every change applied since.
func (n *Node) confAt(index uint64) pb.ConfState {
	cs := n.confState
	for i := len(n.confHistory) - 1; i >= 0; i-- {
		if n.confHistory[i].index <= index {
			return n.confHistory[i].cs
		}
	}
	return cs
}

// recordConf remembers the configuration that took effect at index.
func (n *Node) recordConf(index uint64, cs pb.ConfState) {
	n.confState = cs
	n.confHistory = append(n.confHistory, confAtIndex{index: index, cs: cs})
}

// trimConfHistory drops changes no snapshot after index can need, keeping
// the one in force at index.
func (n *Node) trimConfHistory(index uint64) {
	keep := 0
	for i, c := range n.confHistory {
		if c.index <= index {
			keep = i
		}
	}
	n.confHistory = append(n.confHistory[:0], n.confHistory[keep:]...)
}

type confAtIndex struct {
	index uint64
	cs    pb.ConfState
}

// sendSnapshot streams the snapshot file a MsgSnap refers to.
func (n *Node) sendSnapshot(m pb.Message) {
	desc, err := decodeDescriptor(m.Snapshot.Data)
	if err == nil && desc.File == "" {
		// The bootstrap snapshot: an empty state machine, no file. A node
		// added before any snapshot was taken needs it to start its log.
		n.tr.SendSnapshot(m, io.NopCloser(strings.NewReader("")))
		return
	}
	var f *os.File
	if err == nil {
		f, err = n.snaps.Open(desc.file(m.Snapshot.Metadata.Term, m.Snapshot.Metadata.Index))
	}
	if err != nil {
		n.log.Warn("cannot send snapshot", "to", m.To, "index", m.Snapshot.Metadata.Index, "err", err)
		n.rn.ReportSnapshot(m.To, raft.SnapshotFailure)
		return
	}
	n.tr.SendSnapshot(m, f)
}

// installSnapshot restores the state machine from a snapshot raft accepted.
func (n *Node) installSnapshot(snap pb.Snapshot) error {
	desc, err := decodeDescriptor(snap.Data)
	if err != nil {
		return fmt.Errorf("install snapshot at %d: %w", snap.Metadata.Index, err)
	}
	if desc.File != "" {
		if err := n.restoreMachine(desc, snap.Metadata.Term, snap.Metadata.Index); err != nil {
			return err
		}
	}
	n.smApplied = snap.Metadata.Index
	n.lastSnapshot = snap.Metadata.Index
	n.confHistory = nil
	n.recordConf(snap.Metadata.Index, snap.Metadata.ConfState)
	for id, addr := range desc.Peers {
		n.peers[id] = addr
		if id != n.cfg.ID {
			n.tr.AddPeer(id, addr)
		}
	}
	n.applied.Store(snap.Metadata.Index)
	n.settleSnapshot(snap.Metadata.Index)
	n.log.Info("installed snapshot", "index", snap.Metadata.Index, "term", snap.Metadata.Term)
	return nil
}

// HandleSnapshot receives a streamed snapshot: the image is written to a
// file and verified before raft sees the message, so raft only ever
// accepts snapshots that are safely on disk.
func (n *Node) HandleSnapshot(m pb.Message, body io.Reader) error {
	if m.Snapshot == nil {
		return errors.New("node: snapshot message without snapshot")
	}
	sent, err := decodeDescriptor(m.Snapshot.Data)
	if err != nil {
		return fmt.Errorf("node: snapshot from %d: %w", m.From, err)
	}
	md := m.Snapshot.Metadata
	if sent.File != "" {
		f, err := n.snaps.Receive(sent.file(md.Term, md.Index), body)
		if err != nil {
			return fmt.Errorf("node: receive snapshot %d from %d: %w", md.Index, m.From, err)
		}
		local := *m.Snapshot
		local.Data = snapshotDescriptor{File: f.Name, Size: f.Size, SHA256: f.SHA256, Peers: sent.Peers}.encode()
		m.Snapshot = &local
	} else if n, err := io.Copy(io.Discard, body); err != nil || n != 0 {
		return fmt.Errorf("node: the bootstrap snapshot from %d must have an empty body (%d bytes, %v)", m.From, n, err)
	}
	select {
	case n.recvc <- m:
		return nil
	case <-n.stopc:
		return ErrStopped
	}
}

// HandleMessage queues a raft message from a peer.
func (n *Node) HandleMessage(m pb.Message) {
	select {
	case n.recvc <- m:
	case <-n.stopc:
	}
}

// ReportUnreachable tells raft a peer could not be reached.
func (n *Node) ReportUnreachable(id uint64) {
	select {
	case n.reportc <- func() { n.rn.ReportUnreachable(id) }:
	default:
		// Raft will find out through missing acknowledgements.
	}
}

// ReportSnapshot tells raft how sending a snapshot ended.
func (n *Node) ReportSnapshot(id uint64, ok bool) {
	status := raft.SnapshotFinish
	if !ok {
		status = raft.SnapshotFailure
	}
	select {
	case n.reportc <- func() { n.rn.ReportSnapshot(id, status) }:
	case <-n.stopc:
	}
}
