package pgvalue

import (
	"math"
	"math/big"
	mathbits "math/bits"
	"strconv"
	"strings"

	"sqlraft/fsm"
)

// appendFloat writes f as PostgreSQL 12+ does with the default
// extra_float_digits=1: the shortest text that reads back to the same
// value, in fixed notation when the decimal exponent is at least -4 and
// below 15 (6 for real, bits=32), otherwise as d.ddde+XX; and Infinity,
// -Infinity, NaN. Go's 'g' format switches to exponents at other
// thresholds (1e+06), so the digits come from the 'e' format and are laid
// out here, in dst, without allocating.
func appendFloat(dst []byte, f float64, bits int) []byte {
	switch {
	case math.IsNaN(f):
		return append(dst, "NaN"...)
	case math.IsInf(f, 1):
		return append(dst, "Infinity"...)
	case math.IsInf(f, -1):
		return append(dst, "-Infinity"...)
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'e', -1, bits)
	var digits [24]byte
	n, e := splitE(dst[start:], &digits)
	if isTie(f, bits, digits[:n], e) {
		// Go may pick a decimal exactly halfway to the next float, which
		// reads back right only by round-half-even; PostgreSQL's Ryu never
		// does, and uses the shortest longer decimal that is strictly
		// closer (6.4081609915437216e+16, not 6.408160991543722e+16).
		for prec := n; prec < 17; prec++ {
			dst = strconv.AppendFloat(dst[:start], f, 'e', prec, bits)
			n, e = splitE(dst[start:], &digits)
			if back, _ := strconv.ParseFloat(string(dst[start:]), bits); back == f && !isTie(f, bits, digits[:n], e) {
				break
			}
		}
	}
	limit := 15
	if bits == 32 {
		limit = 6
	}
	if e < -4 || e >= limit {
		return dst // PostgreSQL's exponent format is Go's
	}
	neg := dst[start] == '-'
	dst = dst[:start]
	if neg {
		dst = append(dst, '-')
	}
	switch {
	case e < 0:
		dst = append(dst, "0."...)
		for i := 0; i < -e-1; i++ {
			dst = append(dst, '0')
		}
		dst = append(dst, digits[:n]...)
	case n <= e+1:
		dst = append(dst, digits[:n]...)
		for i := n; i < e+1; i++ {
			dst = append(dst, '0')
		}
	default:
		dst = append(dst, digits[:e+1]...)
		dst = append(dst, '.')
		dst = append(dst, digits[e+1:n]...)
	}
	return dst
}

// splitE reads strconv's [-]d[.ddd]e±XX into its digits (trailing zeros
// dropped) and the decimal exponent of the first digit.
func splitE(s []byte, digits *[24]byte) (n, exp int) {
	if s[0] == '-' {
		s = s[1:]
	}
	for i, c := range s {
		if c == 'e' {
			exp = atoiExp(s[i+1:])
			break
		}
		if c != '.' {
			digits[n] = c
			n++
		}
	}
	for n > 1 && digits[n-1] == '0' {
		n--
	}
	return n, exp
}

// pow5 holds 5^k for the k whose powers fit in a uint64.
var pow5 = func() (p [28]uint64) {
	p[0] = 1
	for k := 1; k < len(p); k++ {
		p[k] = p[k-1] * 5
	}
	return p
}()

// isTie reports whether the decimal 0.digits × 10^(exp+1) lies exactly
// halfway between f and a neighbouring float of the given size. Only a
// dyadic decimal (a finite binary fraction) can; the cheap tests rule out
// everything else without allocating.
func isTie(f float64, bits int, digits []byte, exp int) bool {
	var d uint64
	for _, c := range digits {
		d = d*10 + uint64(c-'0')
	}
	if d == 0 {
		return false
	}
	k := exp - (len(digits) - 1) // the value is d × 10^k
	abs := math.Abs(f)
	switch {
	case k < 0 && (-k >= len(pow5) || d%pow5[-k] != 0):
		return false // not dyadic
	case k < 0:
		// d × 10^k = (d / 5^-k) × 2^k; q below 2^53 converts exactly.
		if q := d / pow5[-k]; q < 1<<53 && math.Ldexp(float64(q), k) == abs {
			return false // exactly f
		}
	case k < len(pow5):
		// d × 10^k = (d × 5^k) × 2^k.
		if hi, m := mathbits.Mul64(d, pow5[k]); hi == 0 && m < 1<<53 && math.Ldexp(float64(m), k) == abs {
			return false // exactly f
		}
	}
	c := new(big.Rat).SetFrac(new(big.Int).SetUint64(d), big.NewInt(1))
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(k, -k))), nil)
	if k < 0 {
		c.Quo(c, new(big.Rat).SetInt(scale))
	} else {
		c.Mul(c, new(big.Rat).SetInt(scale))
	}
	v := new(big.Rat).SetFloat64(abs)
	cmp := c.Cmp(v)
	if cmp == 0 {
		return false
	}
	var next float64
	if bits == 32 {
		next = float64(math.Nextafter32(float32(abs), float32(math.Inf(cmp))))
	} else {
		next = math.Nextafter(abs, math.Inf(cmp))
	}
	if math.IsInf(next, 0) {
		return false
	}
	mid := new(big.Rat).Add(v, new(big.Rat).SetFloat64(next))
	mid.Quo(mid, big.NewRat(2, 1))
	return c.Cmp(mid) == 0
}

// parseFloat is PostgreSQL's float4in/float8in: surrounding whitespace,
// a decimal number with an optional exponent, or (ignoring case) NaN,
// Infinity and inf with an optional sign. overflow reports a number
// beyond the type's range, which PostgreSQL rejects rather than rounding
// to infinity.
func parseFloat(s string, bits int) (f float64, ok, overflow bool) {
	s = trimSpace(s)
	body := strings.TrimLeft(s, "+-")
	if len(s)-len(body) > 1 {
		return 0, false, false
	}
	switch strings.ToLower(body) {
	case "nan":
		return math.NaN(), len(body) == len(s), false
	case "infinity", "inf":
		if s[0] == '-' {
			return math.Inf(-1), true, false
		}
		return math.Inf(1), true, false
	}
	digits := false
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c >= '0' && c <= '9':
			digits = true
		case c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-':
		default:
			return 0, false, false // hex floats, underscores, "inf" spelled otherwise
		}
	}
	if !digits {
		return 0, false, false
	}
	f, err := strconv.ParseFloat(s, bits)
	if err != nil {
		if ne, isNum := err.(*strconv.NumError); isNum && ne.Err == strconv.ErrRange {
			return 0, false, true
		}
		return 0, false, false
	}
	return f, true, false
}

// asFloat reads a stored number as a float: a REAL, an INTEGER, or text
// that parses as a float.
func asFloat(v fsm.Value) (float64, bool) {
	switch v.Kind() {
	case fsm.KindFloat:
		return v.Float(), true
	case fsm.KindInt:
		return float64(v.Int()), true
	case fsm.KindText:
		f, ok, _ := parseFloat(v.Text(), 64)
		return f, ok
	}
	return 0, false
}

// float4Value is the float64 a client meant by a float4: the shortest
// decimal of the float32 read back as a float64, so 0.1f is stored as
// 0.1 rather than 0.10000000149011612.
func float4Value(f float32) float64 {
	if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		return float64(f)
	}
	var buf [32]byte
	d, _ := strconv.ParseFloat(string(strconv.AppendFloat(buf[:0], float64(f), 'g', -1, 32)), 64)
	return d
}

// atoiExp reads the exponent strconv writes: a sign and two or three
// digits.
func atoiExp(b []byte) int {
	n := 0
	for _, c := range b[1:] {
		n = n*10 + int(c-'0')
	}
	if b[0] == '-' {
		return -n
	}
	return n
}
