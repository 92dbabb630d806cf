package sqlfunc

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// pgNumeric is a number as PostgreSQL's numeric type holds it: exact
// decimal digits. Integers convert exactly; a real is taken as the decimal
// it prints as (0.1, not 0.1000000000000000055511151231257827), the way
// div does, so that to_char rounds what the user sees, half away from
// zero, as PostgreSQL does for a numeric literal.
type pgNumeric struct {
	nan, inf bool
	neg      bool
	digits   string // significant digits without leading or trailing zeros; "" is zero
	exp      int    // the value is digits × 10^exp
}

func numericFromInt(n int64) pgNumeric {
	var u uint64
	neg := n < 0
	if neg {
		u = uint64(-(n + 1)) + 1 // math.MinInt64 has no positive counterpart
	} else {
		u = uint64(n)
	}
	return normalizeNumeric(pgNumeric{neg: neg, digits: strconv.FormatUint(u, 10)})
}

func numericFromFloat(f float64) pgNumeric {
	switch {
	case math.IsNaN(f):
		return pgNumeric{nan: true}
	case math.IsInf(f, 0):
		return pgNumeric{inf: true, neg: f < 0}
	}
	// Shortest round-trip form: d.ddde±x.
	s := strconv.FormatFloat(math.Abs(f), 'e', -1, 64)
	mantissa, exponent, _ := strings.Cut(s, "e")
	e, _ := strconv.Atoi(exponent)
	digits := strings.Replace(mantissa, ".", "", 1)
	return normalizeNumeric(pgNumeric{neg: f < 0, digits: digits, exp: e - (len(digits) - 1)})
}

// normalizeNumeric strips leading and trailing zeros; zero is never negative.
func normalizeNumeric(x pgNumeric) pgNumeric {
	x.digits = strings.TrimLeft(x.digits, "0")
	trimmed := strings.TrimRight(x.digits, "0")
	x.exp += len(x.digits) - len(trimmed)
	x.digits = trimmed
	if x.digits == "" {
		x.neg, x.exp = false, 0
	}
	return x
}

// PostgreSQL's numeric storage limits: 16383 digits after the decimal
// point, and a weight (in base-10000 digits) of at most 32767.
const (
	numericMaxScale  = 16383
	numericMaxWeight = 32767
)

var errNumericOverflow = errors.New("value overflows numeric format")

// parseNumeric reads text as PostgreSQL's numeric_in does: surrounding
// whitespace, a sign, digits with at most one decimal point, an exponent;
// or NaN, Infinity, inf, with a sign for the infinities, in any case.
func parseNumeric(input string) (pgNumeric, error) {
	syntax := fmt.Errorf("invalid input syntax for type numeric: %s", quoted(input))
	s := strings.TrimLeft(input, pgSpace)
	var x pgNumeric
	lower := strings.ToLower(s)
	special := true
	switch {
	case strings.HasPrefix(lower, "nan"):
		x, s = pgNumeric{nan: true}, s[3:]
	case strings.HasPrefix(lower, "infinity"):
		x, s = pgNumeric{inf: true}, s[8:]
	case strings.HasPrefix(lower, "+infinity"):
		x, s = pgNumeric{inf: true}, s[9:]
	case strings.HasPrefix(lower, "-infinity"):
		x, s = pgNumeric{inf: true, neg: true}, s[9:]
	case strings.HasPrefix(lower, "inf"):
		x, s = pgNumeric{inf: true}, s[3:]
	case strings.HasPrefix(lower, "+inf"):
		x, s = pgNumeric{inf: true}, s[4:]
	case strings.HasPrefix(lower, "-inf"):
		x, s = pgNumeric{inf: true, neg: true}, s[4:]
	default:
		special = false
	}
	if special {
		if strings.Trim(s, pgSpace) != "" {
			return pgNumeric{}, syntax
		}
		return x, nil
	}
	p := &scanner{s: s}
	if p.skip('-') {
		x.neg = true
	} else {
		p.skip('+')
	}
	intDigits := p.digits()
	var fracDigits string
	if p.skip('.') {
		fracDigits = p.digits()
	}
	if intDigits == "" && fracDigits == "" {
		return pgNumeric{}, syntax
	}
	scale := int64(len(fracDigits))
	var exponent int64
	if p.skip('e') || p.skip('E') {
		// strtol: leading whitespace, a sign, then digits.
		p.spaces()
		sign := int64(1)
		if p.skip('-') {
			sign = -1
		} else {
			p.skip('+')
		}
		d := p.digits()
		if d == "" {
			return pgNumeric{}, syntax
		}
		if d = strings.TrimLeft(d, "0"); len(d) > 10 {
			return pgNumeric{}, errNumericOverflow
		}
		exponent, _ = strconv.ParseInt(d, 10, 64)
		exponent *= sign
		if exponent >= math.MaxInt32/2 || exponent <= -(math.MaxInt32/2) {
			return pgNumeric{}, errNumericOverflow
		}
	}
	if strings.Trim(p.s[p.i:], pgSpace) != "" {
		return pgNumeric{}, syntax
	}
	if scale -= exponent; scale > numericMaxScale {
		return pgNumeric{}, errNumericOverflow
	}
	x.digits = intDigits + fracDigits
	x.exp = int(exponent) - len(fracDigits)
	x = normalizeNumeric(x)
	if x.digits != "" && floorDiv(int64(len(x.digits)+x.exp-1), 4) > numericMaxWeight {
		return pgNumeric{}, errNumericOverflow
	}
	return x, nil
}

// fixed is numeric_out(round(x, scale)): the digits before the point, and
// scale digits after it, rounded half away from zero. It gives up (ok
// false) when more than maxInt digits come before the point, which also
// bounds the work a huge exponent could ask for.
func (x pgNumeric) fixed(scale, maxInt int) (intPart, fracPart string, neg, ok bool) {
	n := len(x.digits)
	if x.digits != "" && n+x.exp > maxInt {
		return "", "", x.neg, false
	}
	var r string // round(x × 10^scale), without sign
	if shift := x.exp + scale; shift >= 0 {
		r = x.digits + strings.Repeat("0", shift)
	} else if keep := n + shift; keep >= 0 {
		r = x.digits[:keep]
		if x.digits[keep] >= '5' {
			r = incrementDigits(r)
		}
	}
	r = strings.TrimLeft(r, "0")
	neg = x.neg && r != ""
	if len(r) <= scale {
		r = strings.Repeat("0", scale+1-len(r)) + r
	}
	intPart, fracPart = r[:len(r)-scale], r[len(r)-scale:]
	return intPart, fracPart, neg, len(intPart) <= maxInt
}

// incrementDigits adds one to a string of decimal digits.
func incrementDigits(d string) string {
	b := []byte(d)
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] < '9' {
			b[i]++
			return string(b)
		}
		b[i] = '0'
	}
	return "1" + string(b)
}

// scientific is numeric_out_sci(x, scale): the significand rounded to
// scale decimals, then e and the exponent with a sign and at least two
// digits. As in PostgreSQL the exponent is chosen before rounding, so
// 9.99 with one decimal is "10.0e+00".
func (x pgNumeric) scientific(scale int) string {
	exponent := 0
	if x.digits != "" {
		exponent = len(x.digits) + x.exp - 1
	}
	significand := pgNumeric{digits: x.digits, exp: x.exp - exponent}
	intPart, fracPart, _, _ := significand.fixed(scale, 2)
	s := intPart
	if scale > 0 {
		s += "." + fracPart
	}
	if x.neg {
		s = "-" + s
	}
	return fmt.Sprintf("%se%+03d", s, exponent)
}

// out is numeric_out for the special values.
func (x pgNumeric) out() string {
	switch {
	case x.nan:
		return "NaN"
	case x.inf && x.neg:
		return "-Infinity"
	case x.inf:
		return "Infinity"
	}
	return ""
}

// Keywords of number templates, PostgreSQL's NUM_keywords in its order.
const (
	numComma = iota + 1
	numDec
	num0
	num9
	numB
	numC
	numD
	numE
	numFM
	numG
	numL
	numMI
	numPL
	numPR
	numRN
	numSG
	numSP
	numS
	numTH
	numV
	numrn
	numth
)

var numKeywords = keywordIndex([]keyword{
	{",", numComma}, {".", numDec}, {"0", num0}, {"9", num9},
	{"B", numB}, {"C", numC}, {"D", numD}, {"EEEE", numE}, {"FM", numFM}, {"G", numG}, {"L", numL},
	{"MI", numMI}, {"PL", numPL}, {"PR", numPR}, {"RN", numRN}, {"SG", numSG}, {"SP", numSP}, {"S", numS},
	{"TH", numTH}, {"V", numV},
	{"b", numB}, {"c", numC}, {"d", numD}, {"eeee", numE}, {"fm", numFM}, {"g", numG}, {"l", numL},
	{"mi", numMI}, {"pl", numPL}, {"pr", numPR}, {"rn", numrn}, {"sg", numSG}, {"sp", numSP}, {"s", numS},
	{"th", numth}, {"v", numV},
})

// Flags of a number template (PostgreSQL's NUM_F_*).
const (
	numFlagDecimal = 1 << iota
	numFlagLDecimal
	numFlagZero
	numFlagBlank
	numFlagFillMode
	numFlagLSign
	numFlagBracket
	numFlagMinus
	numFlagPlus
	numFlagRoman
	numFlagMulti
	numFlagPlusPost
	numFlagMinusPost
	numFlagEEEE
)

const (
	lsignPre  = -1
	lsignNone = 0
	lsignPost = 1
)

// numDesc is PostgreSQL's NUMDesc: what a number template asks for.
type numDesc struct {
	pre, post   int // digit positions before and after the decimal point
	lsign       int // where S puts the sign
	flag        int
	preLsignNum int // pre when S was seen
	multi       int // digits after V
	zeroStart   int // position of the first 0 (1-based until processing)
	zeroEnd     int // position of the last 0
}

func (d *numDesc) is(flag int) bool { return d.flag&flag != 0 }

// prepare is NUMDesc_prepare: it records one keyword and rejects the
// combinations PostgreSQL rejects, with its messages.
func (d *numDesc) prepare(k keyword) error {
	if d.is(numFlagEEEE) && k.id != numE {
		return errors.New(`"EEEE" must be the last pattern used`)
	}
	switch k.id {
	case num9:
		if d.is(numFlagBracket) {
			return errors.New(`"9" must be ahead of "PR"`)
		}
		switch {
		case d.is(numFlagMulti):
			d.multi++
		case d.is(numFlagDecimal):
			d.post++
		default:
			d.pre++
		}
	case num0:
		if d.is(numFlagBracket) {
			return errors.New(`"0" must be ahead of "PR"`)
		}
		if !d.is(numFlagZero) && !d.is(numFlagDecimal) {
			d.flag |= numFlagZero
			d.zeroStart = d.pre + 1
		}
		if !d.is(numFlagDecimal) {
			d.pre++
		} else {
			d.post++
		}
		d.zeroEnd = d.pre + d.post
	case numB:
		if d.pre == 0 && d.post == 0 && !d.is(numFlagZero) {
			d.flag |= numFlagBlank
		}
	case numD, numDec:
		if k.id == numD {
			d.flag |= numFlagLDecimal
		}
		if d.is(numFlagDecimal) {
			return errors.New("multiple decimal points")
		}
		if d.is(numFlagMulti) {
			return errors.New(`cannot use "V" and decimal point together`)
		}
		d.flag |= numFlagDecimal
	case numFM:
		d.flag |= numFlagFillMode
	case numS:
		if d.is(numFlagLSign) {
			return errors.New(`cannot use "S" twice`)
		}
		if d.is(numFlagPlus) || d.is(numFlagMinus) || d.is(numFlagBracket) {
			return errors.New(`cannot use "S" and "PL"/"MI"/"SG"/"PR" together`)
		}
		if !d.is(numFlagDecimal) {
			d.lsign = lsignPre
			d.preLsignNum = d.pre
			d.flag |= numFlagLSign
		} else if d.lsign == lsignNone {
			d.lsign = lsignPost
			d.flag |= numFlagLSign
		}
	case numMI:
		if d.is(numFlagLSign) {
			return errors.New(`cannot use "S" and "MI" together`)
		}
		d.flag |= numFlagMinus
		if d.is(numFlagDecimal) {
			d.flag |= numFlagMinusPost
		}
	case numPL:
		if d.is(numFlagLSign) {
			return errors.New(`cannot use "S" and "PL" together`)
		}
		d.flag |= numFlagPlus
		if d.is(numFlagDecimal) {
			d.flag |= numFlagPlusPost
		}
	case numSG:
		if d.is(numFlagLSign) {
			return errors.New(`cannot use "S" and "SG" together`)
		}
		d.flag |= numFlagMinus | numFlagPlus
	case numPR:
		if d.is(numFlagLSign) || d.is(numFlagPlus) || d.is(numFlagMinus) {
			return errors.New(`cannot use "PR" and "S"/"PL"/"MI"/"SG" together`)
		}
		d.flag |= numFlagBracket
	case numRN, numrn:
		d.flag |= numFlagRoman
	case numV:
		if d.is(numFlagDecimal) {
			return errors.New(`cannot use "V" and decimal point together`)
		}
		d.flag |= numFlagMulti
	case numE:
		if d.is(numFlagEEEE) {
			return errors.New(`cannot use "EEEE" twice`)
		}
		if d.is(numFlagBlank) || d.is(numFlagFillMode) || d.is(numFlagLSign) || d.is(numFlagBracket) ||
			d.is(numFlagMinus) || d.is(numFlagPlus) || d.is(numFlagRoman) || d.is(numFlagMulti) {
			return errors.New(`"EEEE" is incompatible with other formats`)
		}
		d.flag |= numFlagEEEE
	}
	return nil
}

// numMaxItemSize is PostgreSQL's NUM_MAX_ITEM_SIZ, its bound on the
// output of one template byte.
const numMaxItemSize = 8

// formatNumber is PostgreSQL's numeric_to_char in the C locale: 9 and 0
// digit positions (0 keeps leading zeros), . or D the decimal point, , or
// G the group separator, S MI PL SG PR signs, FM fill mode, EEEE
// scientific notation, V shifting by powers of ten, RN Roman numerals,
// TH ordinal suffixes, L a (blank) currency symbol, text in double
// quotes. A number with more integer digits than the template allows is
// written as #.
func formatNumber(x pgNumeric, template string) (string, error) {
	if template == "" {
		return "", nil
	}
	if int64(len(template)) > (maxAllocSize-varHeaderSize-1)/numMaxItemSize {
		return "", errTooLarge
	}
	// A first pass learns what the template asks for; numProcess reads
	// it again to write the number.
	var d numDesc
	err := scanTemplate(template, numKeywords, false, func(n templateNode) error {
		if n.kind != nodeAction {
			return nil
		}
		return d.prepare(n.key)
	})
	if err != nil {
		return "", err
	}
	var number string
	var sign byte
	outPreSpaces := 0
	switch {
	case d.is(numFlagRoman):
		n, err := roundToInt32(x)
		if err != nil {
			return "", err
		}
		number = intToRoman(n)
	case d.is(numFlagEEEE):
		if x.nan || x.inf {
			// A blank for the sign, then the shape of the template in #.
			b := []byte(strings.Repeat("#", d.pre+d.post+6))
			b[0] = ' '
			b[d.pre+1] = '.'
			number = string(b)
		} else {
			number = x.scientific(d.post)
			if !x.neg {
				number = " " + number
			}
		}
	default:
		if d.is(numFlagMulti) {
			if x.digits != "" {
				x.exp += d.multi
			}
			d.pre += d.multi
		}
		var intPart, fracPart string
		ok := true
		sign = '+'
		if x.nan || x.inf {
			intPart = x.out()
			if x.neg {
				sign, intPart = '-', intPart[1:]
			}
			ok = len(intPart) <= d.pre
		} else {
			var neg bool
			intPart, fracPart, neg, ok = x.fixed(min(d.post, numericMaxScale), d.pre)
			if neg {
				sign = '-'
			}
		}
		switch {
		case !ok:
			// Too many digits for the template: # in their place.
			b := []byte(strings.Repeat("#", d.pre+d.post+1))
			b[d.pre] = '.'
			number = string(b)
		case len(intPart) < d.pre:
			outPreSpaces = d.pre - len(intPart)
			fallthrough
		default:
			number = intPart
			if fracPart != "" {
				number += "." + fracPart
			}
		}
	}
	return numProcess(template, d, number, outPreSpaces, sign)
}

// roundToInt32 is numeric_int4, which RN applies to its argument.
func roundToInt32(x pgNumeric) (int, error) {
	switch {
	case x.nan:
		return 0, errors.New("cannot convert NaN to integer")
	case x.inf:
		return 0, errors.New("cannot convert infinity to integer")
	}
	intPart, _, neg, ok := x.fixed(0, 10)
	n, err := strconv.ParseInt(intPart, 10, 64)
	if neg {
		n = -n
	}
	if !ok || err != nil || n < math.MinInt32 || n > math.MaxInt32 {
		return 0, errors.New("integer out of range")
	}
	return int(n), nil
}

// intToRoman writes 1 to 3999 in Roman numerals; anything else is 15 #.
func intToRoman(n int) string {
	if n < 1 || n > 3999 {
		return strings.Repeat("#", 15)
	}
	ones := [...]string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"}
	tens := [...]string{"", "X", "XX", "XXX", "XL", "L", "LX", "LXX", "LXXX", "XC"}
	hundreds := [...]string{"", "C", "CC", "CCC", "CD", "D", "DC", "DCC", "DCCC", "CM"}
	return strings.Repeat("M", n/1000) + hundreds[n/100%10] + tens[n/10%10] + ones[n%10]
}

// numProc is the state of PostgreSQL's NUM_processor writing a number
// (the to_char half of it), ported closely: the rules for where blanks,
// signs, zeros and digits go are subtle, and only the original's
// structure reproduces all of them.
type numProc struct {
	d            numDesc
	sign         byte // '+', '-', or 0 for Roman numerals
	signWrote    bool
	numCount     int
	numIn        bool // a digit has been written
	numCurr      int  // the digit position being written
	outPreSpaces int
	number       string // the digits to write, with '.', or # when they do not fit
	numberP      int    // the next character of number
	lastRelevant int    // FM: the last fraction digit worth writing, -1 if none
	out          []byte
	cut          int // where C's string ended: a NUL was written there; -1 if none
}

// at returns number[i], or NUL past its end, as C would read it.
func (np *numProc) at(i int) byte {
	if i < len(np.number) {
		return np.number[i]
	}
	return 0
}

func (np *numProc) write(s string) { np.out = append(np.out, s...) }

func (np *numProc) writeByte(c byte) {
	if c == 0 && np.cut < 0 {
		np.cut = len(np.out)
	}
	np.out = append(np.out, c)
}

func numProcess(template string, d numDesc, number string, outPreSpaces int, sign byte) (string, error) {
	np := &numProc{d: d, number: number, lastRelevant: -1, cut: -1}
	if np.d.zeroStart != 0 {
		np.d.zeroStart--
	}
	if np.d.is(numFlagEEEE) {
		return number, nil
	}
	if np.d.is(numFlagRoman) {
		np.d.lsign, np.d.preLsignNum, np.d.post, np.d.pre = 0, 0, 0, 0
		outPreSpaces, sign = 0, 0
		np.d.flag = numFlagRoman | np.d.flag&numFlagFillMode
	}
	fm := np.d.is(numFlagFillMode)
	np.sign = sign
	if np.d.is(numFlagPlus) || np.d.is(numFlagMinus) {
		// MI, PL, SG write the sign themselves: a sign is wanted in the
		// number only for PL alone.
		np.signWrote = !(np.d.is(numFlagPlus) && !np.d.is(numFlagMinus))
	} else {
		if np.sign != '-' && fm {
			np.d.flag &^= numFlagBracket
		}
		np.signWrote = np.sign == '+' && fm && !np.d.is(numFlagLSign)
		if np.d.lsign == lsignPre && np.d.pre == np.d.preLsignNum {
			np.d.lsign = lsignPost
		}
	}
	np.numCount = np.d.post + np.d.pre - 1
	np.outPreSpaces = outPreSpaces
	if fm && np.d.is(numFlagDecimal) {
		np.lastRelevant = lastRelevantDecimal(number)
		// Digits a 0 asks for are relevant, up to the end of the number.
		if np.lastRelevant >= 0 && np.d.zeroEnd > np.outPreSpaces {
			lastZero := min(len(number)-1, np.d.zeroEnd-np.outPreSpaces)
			if np.lastRelevant < lastZero {
				np.lastRelevant = lastZero
			}
		}
	}
	if !np.signWrote && np.outPreSpaces == 0 {
		np.numCount++
	}

	err := scanTemplate(template, numKeywords, false, func(n templateNode) error {
		if n.kind != nodeAction {
			np.write(n.text)
			return nil
		}
		switch n.key.id {
		case num9, num0, numDec, numD:
			np.digit(n.key.id)
		case numComma, numG:
			switch {
			case np.numIn:
				np.write(",")
			case !fm:
				np.write(" ")
			}
		case numL:
			np.write(" ") // the C locale has no currency symbol
		case numRN, numrn:
			roman := number[min(np.numberP, len(number)):]
			if n.key.id == numrn {
				roman = strings.ToLower(roman)
			}
			if !fm {
				roman = fmt.Sprintf("%15s", roman)
			}
			np.write(roman)
		case numTH, numth:
			if np.d.is(numFlagRoman) || np.at(0) == '#' || np.sign == '-' || np.d.is(numFlagDecimal) {
				return nil
			}
			th, err := ordinalSuffix(number, n.key.id == numTH)
			if err != nil {
				return err
			}
			np.write(th)
		case numMI:
			switch {
			case np.sign == '-':
				np.write("-")
			case !fm:
				np.write(" ")
			}
		case numPL:
			switch {
			case np.sign == '+':
				np.write("+")
			case !fm:
				np.write(" ")
			}
		case numSG:
			np.writeByte(np.sign)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	if np.cut >= 0 {
		np.out = np.out[:np.cut]
	}
	return string(np.out), nil
}

// lastRelevantDecimal is get_last_relevant_decnum: the index of the last
// non-zero digit after the decimal point, or of the point itself; -1
// without a point.
func lastRelevantDecimal(num string) int {
	p := strings.IndexByte(num, '.')
	if p < 0 {
		return -1
	}
	result := p
	for i := p + 1; i < len(num); i++ {
		if num[i] != '0' {
			result = i
		}
	}
	return result
}

// digit is NUM_numpart_to_char: one 9, 0, D or . of the template.
func (np *numProc) digit(id int) {
	if np.d.is(numFlagRoman) {
		return
	}
	fm := np.d.is(numFlagFillMode)
	zero := np.d.is(numFlagZero)
	np.numIn = false
	// The number is below one and this is its leading zero: "9.9" writes
	// 0.1 as " .1".
	predecSpace := func() bool {
		return !zero && np.numberP == 0 && np.at(0) == '0' && np.d.post != 0
	}
	lastIsPoint := np.lastRelevant >= 0 && np.at(np.lastRelevant) == '.'

	// The sign goes just before the first digit written.
	if !np.signWrote &&
		(np.numCurr >= np.outPreSpaces || zero && np.d.zeroStart == np.numCurr) &&
		(!predecSpace() || lastIsPoint) {
		switch {
		case np.d.is(numFlagLSign):
			if np.d.lsign == lsignPre {
				np.write(choose(np.sign == '-', "-", "+"))
				np.signWrote = true
			}
		case np.d.is(numFlagBracket):
			np.write(choose(np.sign == '+', " ", "<"))
			np.signWrote = true
		case np.sign == '+':
			if !fm {
				np.write(" ")
			}
			np.signWrote = true
		case np.sign == '-':
			np.write("-")
			np.signWrote = true
		}
	}

	switch {
	case np.numCurr < np.outPreSpaces && (np.d.zeroStart > np.numCurr || !zero):
		if !fm {
			np.write(" ")
		}
	case zero && np.numCurr < np.outPreSpaces && np.d.zeroStart <= np.numCurr:
		np.write("0")
		np.numIn = true
	default:
		if np.at(np.numberP) == '.' {
			if !lastIsPoint || fm {
				np.write(".")
			}
		} else {
			switch {
			case np.lastRelevant >= 0 && np.numberP > np.lastRelevant && id != num0:
				// FM drops trailing zeros of the fraction.
			case predecSpace():
				if !fm {
					np.write(" ")
				} else if lastIsPoint {
					np.write("0")
				}
			default:
				np.writeByte(np.at(np.numberP))
				np.numIn = true
			}
		}
		if np.at(np.numberP) != 0 {
			np.numberP++
		}
	}

	end := np.numCount + choose(np.outPreSpaces != 0, 1, 0) + choose(np.d.is(numFlagDecimal), 1, 0)
	if np.lastRelevant >= 0 && np.lastRelevant == np.numberP {
		end = np.numCurr
	}
	if np.numCurr+1 == end {
		switch {
		case np.signWrote && np.d.is(numFlagBracket):
			np.write(choose(np.sign == '+', " ", ">"))
		case np.d.is(numFlagLSign) && np.d.lsign == lsignPost:
			np.write(choose(np.sign == '-', "-", "+"))
		}
	}
	np.numCurr++
}
