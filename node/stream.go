package node

import (
	"encoding/binary"
	"fmt"

	pb "sqlraft/raft/raftpb"
)

// A raft-messages frame carries a batch: for each message, its encoded
// length as a uint32 BE followed by EncodeMessage's bytes. The length is
// fixed-width so the encoder can reserve it and fill it in afterwards
// without copying the message.
const batchLengthSize = 4

// appendBatchMessage appends m, length-prefixed, to a batch payload.
func appendBatchMessage(dst []byte, m *pb.Message) []byte {
	mark := len(dst)
	dst = append(dst, 0, 0, 0, 0)
	dst = EncodeMessage(dst, m)
	binary.BigEndian.PutUint32(dst[mark:], uint32(len(dst)-mark-batchLengthSize))
	return dst
}

// serveRaftStream delivers the messages of an inbound raft stream from node
// from to the handler, in order, until the connection ends. A frame that
// does not parse ends the connection: its CRC was right, so the sender is
// broken, and nothing after it can be trusted.
func (t *Transport) serveRaftStream(c *conn, from uint64) error {
	for {
		f, err := c.r.ReadFrame()
		if err != nil {
			return err
		}
		if f.Type != FrameRaftMessages {
			return fmt.Errorf("%w: %s frame on a raft stream", ErrMalformedFrame, f.Type)
		}
		if err := t.deliverBatch(f.Payload, from); err != nil {
			return err
		}
	}
}

func (t *Transport) deliverBatch(b []byte, from uint64) error {
	for i := 0; len(b) > 0; i++ {
		if len(b) < batchLengthSize {
			return fmt.Errorf("%w: batch message %d: %d bytes left, too short for a length", ErrMalformedFrame, i, len(b))
		}
		n := binary.BigEndian.Uint32(b)
		b = b[batchLengthSize:]
		if uint64(n) > uint64(len(b)) {
			return fmt.Errorf("%w: batch message %d: length %d exceeds the %d bytes left", ErrMalformedFrame, i, n, len(b))
		}
		m, err := DecodeMessage(b[:n])
		if err != nil {
			return fmt.Errorf("batch message %d from node %d: %w", i, from, err)
		}
		b = b[n:]
		if reason := t.refuseMessage(&m, from); reason != "" {
			t.log.Warn("dropped raft message", "reason", reason, "type", m.Type.String(),
				"from", m.From, "to", m.To, "remote_node", from)
			continue
		}
		t.cfg.Handler.HandleMessage(m)
	}
	return nil
}

// refuseMessage says why a message that arrived on node from's raft stream
// must not reach raft, or "" if it may.
func (t *Transport) refuseMessage(m *pb.Message, from uint64) string {
	switch {
	case m.Type.IsLocal():
		return "local message type from the network"
	case m.Type == pb.MsgSnap:
		return "MsgSnap outside a snapshot stream"
	case m.From != from:
		return fmt.Sprintf("sender %d differs from the connection's node %d", m.From, from)
	case m.To != t.cfg.NodeID:
		return fmt.Sprintf("addressed to node %d", m.To)
	}
	return ""
}
