package pgvalue

import "sqlraft/fsm"

// parseUUID is PostgreSQL's uuid_in: 32 hex digits in either case, a
// hyphen allowed after any group of four, the whole optionally in braces.
func parseUUID(s string) (u [16]byte, ok bool) {
	braces := len(s) > 0 && s[0] == '{'
	if braces {
		s = s[1:]
	}
	i := 0
	for n := 0; n < 16; n++ {
		if i+1 >= len(s) {
			return u, false
		}
		hi, ok1 := unhex(s[i])
		lo, ok2 := unhex(s[i+1])
		if !ok1 || !ok2 {
			return u, false
		}
		u[n] = hi<<4 | lo
		i += 2
		if i < len(s) && s[i] == '-' && n%2 == 1 && n < 15 {
			i++
		}
	}
	if braces {
		if i >= len(s) || s[i] != '}' {
			return u, false
		}
		i++
	}
	return u, i == len(s)
}

// appendUUID writes the canonical form PostgreSQL prints: lower case,
// 8-4-4-4-12.
func appendUUID(dst []byte, u [16]byte) []byte {
	for i, c := range u {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			dst = append(dst, '-')
		}
		dst = append(dst, hexDigits[c>>4], hexDigits[c&15])
	}
	return dst
}

// uuidOf reads a stored uuid: text in any form uuid_in accepts, or a
// 16-byte blob (how SQLite applications often keep them).
func uuidOf(v fsm.Value) ([16]byte, bool) {
	switch v.Kind() {
	case fsm.KindText:
		return parseUUID(v.Text())
	case fsm.KindBlob:
		var u [16]byte
		if len(v.Blob()) != 16 {
			return u, false
		}
		copy(u[:], v.Blob())
		return u, true
	}
	return [16]byte{}, false
}
