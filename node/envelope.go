package node

import (
	"encoding/binary"
	"errors"
)

// Every command the node proposes is wrapped in an envelope naming the
// proposing node and its request id, so that when the entry is applied the
// proposer can hand the result to the caller waiting for it. The envelope is
// part of the replicated entry: every node decodes it the same way.

const envelopeVersion = 1

var errBadEnvelope = errors.New("node: malformed entry envelope")

func encodeEnvelope(proposer, reqID uint64, payload []byte) []byte {
	b := make([]byte, 0, 1+2*binary.MaxVarintLen64+len(payload))
	b = append(b, envelopeVersion)
	b = binary.AppendUvarint(b, proposer)
	b = binary.AppendUvarint(b, reqID)
	return append(b, payload...)
}

func decodeEnvelope(b []byte) (proposer, reqID uint64, payload []byte, err error) {
	if len(b) < 1 || b[0] != envelopeVersion {
		return 0, 0, nil, errBadEnvelope
	}
	b = b[1:]
	proposer, n := binary.Uvarint(b)
	if n <= 0 {
		return 0, 0, nil, errBadEnvelope
	}
	b = b[n:]
	reqID, n = binary.Uvarint(b)
	if n <= 0 {
		return 0, 0, nil, errBadEnvelope
	}
	return proposer, reqID, b[n:], nil
}
