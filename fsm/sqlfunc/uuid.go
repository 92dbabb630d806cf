package sqlfunc

import (
	"database/sql/driver"
	"encoding/hex"
	"fmt"
)

// uuid_v4(bytes) formats 16 random bytes as a version 4 UUID. The caller
// passes randomblob(16), whose bytes the replicated command fixes, so that
// every replica derives the same UUID; generating randomness here would
// break that.
func uuidV4Func(args []driver.Value) (driver.Value, error) {
	b, ok := args[0].([]byte)
	if !ok || len(b) != 16 {
		return nil, fmt.Errorf("uuid_v4 requires a 16-byte blob, got %s", describe(args[0]))
	}
	var u [16]byte
	copy(u[:], b)
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	h := hex.EncodeToString(u[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:], nil
}

func describe(v driver.Value) string {
	if b, ok := v.([]byte); ok {
		return fmt.Sprintf("a %d-byte blob", len(b))
	}
	return fmt.Sprintf("%T", v)
}
