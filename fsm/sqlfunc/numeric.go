package sqlfunc

import (
	"database/sql/driver"
	"errors"
	"math"
	"math/big"
	"strconv"
	"strings"
)

var (
	errBigintRange    = errors.New("bigint out of range")
	errDivisionByZero = errors.New("division by zero")
)

// gcd(a, b) is the greatest common divisor of two bigints, never negative.
func gcdFunc(args []driver.Value) (driver.Value, error) {
	a, b, err := twoBigints(args)
	if err != nil {
		return nil, err
	}
	g, err := gcd(a, b)
	if err != nil {
		return nil, err
	}
	return g, nil
}

// lcm(a, b) is the least common multiple of two bigints, never negative.
func lcmFunc(args []driver.Value) (driver.Value, error) {
	a, b, err := twoBigints(args)
	if err != nil {
		return nil, err
	}
	if a == 0 || b == 0 {
		return int64(0), nil
	}
	g, err := gcd(a, b)
	if err != nil {
		return nil, err
	}
	l, ok := mulInt64(a/g, b)
	if !ok || l == math.MinInt64 {
		return nil, errBigintRange
	}
	if l < 0 {
		l = -l
	}
	return l, nil
}

func twoBigints(args []driver.Value) (int64, int64, error) {
	a, err := int64Arg(args[0])
	if err != nil {
		return 0, 0, err
	}
	b, err := int64Arg(args[1])
	return a, b, err
}

// gcd is PostgreSQL's int8gcd_internal: Euclid's algorithm, with the one
// unrepresentable answer, 2^63, reported as an error.
func gcd(a, b int64) (int64, error) {
	// Work in negative space, where math.MinInt64 has a magnitude, and
	// put the larger magnitude first.
	if negAbs(a) > negAbs(b) {
		a, b = b, a
	}
	if a == math.MinInt64 {
		if b == 0 || b == math.MinInt64 {
			return 0, errBigintRange
		}
		if b == -1 {
			return 1, nil
		}
	}
	for b != 0 {
		a, b = b, a%b
	}
	if a < 0 {
		a = -a
	}
	return a, nil
}

func negAbs(n int64) int64 {
	if n > 0 {
		return -n
	}
	return n
}

// mulInt64 multiplies, reporting whether the product fits.
func mulInt64(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	p := a * b
	if p/b != a || a == -1 && b == math.MinInt64 || b == -1 && a == math.MinInt64 {
		return 0, false
	}
	return p, true
}

// number is an argument of div: SQLite has integers and reals where
// PostgreSQL would have bigint and numeric.
type number struct {
	isInt bool
	i     int64
	f     float64
}

func numberArg(v driver.Value) (number, error) {
	switch x := v.(type) {
	case int64:
		return number{isInt: true, i: x}, nil
	case float64:
		return number{f: x}, nil
	}
	s, err := textArg(v)
	if err != nil {
		return number{}, err
	}
	if i, err := strconv.ParseInt(strings.Trim(s, pgSpace), 10, 64); err == nil {
		return number{isInt: true, i: i}, nil
	}
	f, err := parseFloat(s, "numeric")
	return number{f: f}, err
}

// div(a, b) is the quotient truncated toward zero: a bigint when both
// arguments are integers, otherwise a real. Reals are taken as the decimal
// numbers they print as (0.3, not 0.299999999999999988898), the way a
// PostgreSQL numeric literal would be, and divided exactly, so that
// div(0.3, 0.1) is 3 as in PostgreSQL.
func divFunc(args []driver.Value) (driver.Value, error) {
	a, err := numberArg(args[0])
	if err != nil {
		return nil, err
	}
	b, err := numberArg(args[1])
	if err != nil {
		return nil, err
	}
	if a.isInt && b.isInt {
		switch {
		case b.i == 0:
			return nil, errDivisionByZero
		case a.i == math.MinInt64 && b.i == -1:
			return nil, errBigintRange
		}
		return a.i / b.i, nil
	}
	x, y := a.float(), b.float()
	// PostgreSQL's numeric rules for the special values.
	switch {
	case math.IsNaN(x) || math.IsNaN(y):
		return math.NaN(), nil
	case math.IsInf(x, 0):
		switch {
		case math.IsInf(y, 0):
			return math.NaN(), nil
		case y == 0:
			return nil, errDivisionByZero
		case y < 0:
			return -x, nil
		}
		return x, nil
	case math.IsInf(y, 0):
		return float64(0), nil
	case y == 0:
		return nil, errDivisionByZero
	}
	q := new(big.Rat).Quo(a.rat(), b.rat())
	truncated := new(big.Int).Quo(q.Num(), q.Denom())
	f, _ := new(big.Float).SetInt(truncated).Float64()
	return f, nil
}

func (n number) float() float64 {
	if n.isInt {
		return float64(n.i)
	}
	return n.f
}

// rat is the exact value of a finite number.
func (n number) rat() *big.Rat {
	if n.isInt {
		return new(big.Rat).SetInt64(n.i)
	}
	r, _ := new(big.Rat).SetString(strconv.FormatFloat(n.f, 'g', -1, 64))
	return r
}

// cbrt(x) is the cube root, correctly rounded.
func cbrtFunc(args []driver.Value) (driver.Value, error) {
	x, err := float64Arg(args[0])
	if err != nil {
		return nil, err
	}
	return cbrt(x), nil
}

// cbrt corrects math.Cbrt to the correctly rounded cube root. math.Cbrt
// is accurate to about an ulp, but which way it errs may depend on the
// platform (an assembly version on some, fused multiply-adds on others);
// the correctly rounded value is unique, so every replica agrees.
func cbrt(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	if x < 0 {
		return -cbrt(-x)
	}
	exact := new(big.Float).SetFloat64(x)
	y := math.Cbrt(x)
	for range 8 {
		below, above := math.Nextafter(y, 0), math.Nextafter(y, math.Inf(1))
		// y is right when x lies between the cubes of the midpoints to its
		// neighbours. A midpoint's cube has too many bits to be a float64,
		// so x never equals one and no tie can arise.
		switch {
		case cubeOfMidpoint(below, y).Cmp(exact) > 0:
			y = below
		case cubeOfMidpoint(y, above).Cmp(exact) < 0:
			y = above
		default:
			return y
		}
	}
	return y
}

func cubeOfMidpoint(a, b float64) *big.Float {
	const prec = 256 // enough for the cube of a 54-bit mantissa to be exact
	m := new(big.Float).SetPrec(prec).SetFloat64(a)
	m.Add(m, new(big.Float).SetFloat64(b))
	m.Quo(m, big.NewFloat(2))
	cube := new(big.Float).SetPrec(prec).Mul(m, m)
	return cube.Mul(cube, m)
}
