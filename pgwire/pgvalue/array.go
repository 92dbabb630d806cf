package pgvalue

import (
	"encoding/binary"
	"strconv"
	"strings"

	"sqlraft/fsm"
	"sqlraft/pgwire/pgerror"
)

// Arrays are stored in SQLite as PostgreSQL's array literal text,
// {a,b,"c d",NULL}, normalized when a parameter is decoded.

// maxDims is PostgreSQL's MAXDIM.
const maxDims = 6

// array is a parsed array: its dimensions and its elements in row-major
// order, nil for NULL.
type array struct {
	dims    []int
	lbounds []int
	elems   []*string
}

// parseArray is PostgreSQL's array_in for the comma delimiter: optional
// dimension decoration ([1:2][0:1]=), nested braces whose sub-arrays must
// match in length, elements quoted with "" or bare (surrounding
// whitespace dropped, backslash escaping the next character, NULL for a
// null).
func parseArray(s string) (array, bool) {
	p := arrayParser{s: s}
	var a array
	p.skipSpace()
	if p.peek() == '[' {
		for p.peek() == '[' {
			p.i++
			lo, hi, ok := p.bounds()
			if !ok || len(a.lbounds) == maxDims {
				return a, false
			}
			a.lbounds = append(a.lbounds, lo)
			a.dims = append(a.dims, hi-lo+1)
		}
		p.skipSpace()
		if p.peek() != '=' {
			return a, false
		}
		p.i++
		p.skipSpace()
	}
	explicit := a.dims
	a.dims = nil
	if !p.level(&a, 0) {
		return a, false
	}
	a.dims = a.dims[:p.ndim]
	p.skipSpace()
	if p.i != len(s) {
		return a, false
	}
	if explicit != nil {
		if len(explicit) != len(a.dims) {
			return a, false
		}
		for i := range explicit {
			if explicit[i] != a.dims[i] {
				return a, false
			}
		}
	} else {
		a.lbounds = make([]int, len(a.dims))
		for i := range a.lbounds {
			a.lbounds[i] = 1
		}
	}
	return a, true
}

type arrayParser struct {
	s    string
	i    int
	ndim int // 0 until the first scalar is seen
}

func (p *arrayParser) peek() byte {
	if p.i >= len(p.s) {
		return 0
	}
	return p.s[p.i]
}

func (p *arrayParser) skipSpace() {
	for p.i < len(p.s) && isSpace(p.s[p.i]) {
		p.i++
	}
}

// bounds reads "n]" or "lo:hi]".
func (p *arrayParser) bounds() (lo, hi int, ok bool) {
	end := strings.IndexByte(p.s[p.i:], ']')
	if end < 0 {
		return 0, 0, false
	}
	spec := p.s[p.i : p.i+end]
	p.i += end + 1
	a, b, two := strings.Cut(spec, ":")
	x, err := strconv.Atoi(strings.TrimSpace(a))
	if err != nil {
		return 0, 0, false
	}
	if !two {
		return 1, x, x >= 0
	}
	y, err := strconv.Atoi(strings.TrimSpace(b))
	return x, y, err == nil && y >= x-1
}

// level reads one {...} at depth d: its length must match its siblings'
// and scalars must all sit at the same depth, which fixes the number of
// dimensions.
func (p *arrayParser) level(a *array, d int) bool {
	if p.peek() != '{' || d >= maxDims {
		return false
	}
	p.i++
	p.skipSpace()
	if p.peek() == '}' {
		p.i++
		return d == 0 // {} is the empty array, and only at the top
	}
	for len(a.dims) <= d {
		a.dims = append(a.dims, -1)
	}
	n := 0
	for {
		p.skipSpace()
		if p.peek() == '{' {
			if p.ndim != 0 && d+1 >= p.ndim {
				return false
			}
			if !p.level(a, d+1) {
				return false
			}
		} else {
			if p.ndim == 0 {
				p.ndim = d + 1
			} else if p.ndim != d+1 {
				return false
			}
			e, ok := p.element()
			if !ok {
				return false
			}
			a.elems = append(a.elems, e)
		}
		n++
		p.skipSpace()
		if p.peek() == ',' {
			p.i++
			continue
		}
		if p.peek() != '}' {
			return false
		}
		p.i++
		break
	}
	if a.dims[d] == -1 {
		a.dims[d] = n
	}
	return a.dims[d] == n
}

// element reads one scalar element, up to the next , or }.
func (p *arrayParser) element() (*string, bool) {
	var b strings.Builder
	if p.peek() == '"' {
		p.i++
		for {
			if p.i >= len(p.s) {
				return nil, false
			}
			c := p.s[p.i]
			p.i++
			switch c {
			case '"':
				s := b.String()
				return &s, true
			case '\\':
				if p.i >= len(p.s) {
					return nil, false
				}
				b.WriteByte(p.s[p.i])
				p.i++
			default:
				b.WriteByte(c)
			}
		}
	}
	escaped, keep := false, 0 // keep: length up to the last escaped byte
	for p.i < len(p.s) {
		c := p.s[p.i]
		switch {
		case c == ',' || c == '}':
			s := strings.TrimRight(b.String(), " \t\n\r\v\f")
			if len(s) < keep {
				s = b.String()[:keep]
			}
			if s == "" {
				return nil, false
			}
			if !escaped && strings.EqualFold(s, "NULL") {
				return nil, true
			}
			return &s, true
		case c == '{' || c == '"':
			return nil, false
		case c == '\\':
			if p.i+1 >= len(p.s) {
				return nil, false
			}
			b.WriteByte(p.s[p.i+1])
			p.i += 2
			escaped, keep = true, b.Len()
			continue
		}
		b.WriteByte(c)
		p.i++
	}
	return nil, false
}

// appendText writes the array as array_out does.
func (a array) appendText(dst []byte) []byte {
	if len(a.elems) == 0 {
		return append(dst, "{}"...)
	}
	decorate := false
	for _, lb := range a.lbounds {
		decorate = decorate || lb != 1
	}
	if decorate {
		for i, lb := range a.lbounds {
			dst = append(dst, '[')
			dst = strconv.AppendInt(dst, int64(lb), 10)
			dst = append(dst, ':')
			dst = strconv.AppendInt(dst, int64(lb+a.dims[i]-1), 10)
			dst = append(dst, ']')
		}
		dst = append(dst, '=')
	}
	next := 0
	var write func(d int)
	write = func(d int) {
		dst = append(dst, '{')
		for i := 0; i < a.dims[d]; i++ {
			if i > 0 {
				dst = append(dst, ',')
			}
			if d+1 < len(a.dims) {
				write(d + 1)
				continue
			}
			dst = appendArrayElem(dst, a.elems[next])
			next++
		}
		dst = append(dst, '}')
	}
	write(0)
	return dst
}

// appendArrayElem quotes an element when array_in would misread it bare.
func appendArrayElem(dst []byte, e *string) []byte {
	if e == nil {
		return append(dst, "NULL"...)
	}
	s := *e
	quote := s == "" || strings.EqualFold(s, "NULL")
	for i := 0; i < len(s) && !quote; i++ {
		switch c := s[i]; c {
		case '{', '}', ',', '"', '\\':
			quote = true
		default:
			quote = isSpace(c)
		}
	}
	if !quote {
		return append(dst, s...)
	}
	dst = append(dst, '"')
	for i := 0; i < len(s); i++ {
		if s[i] == '"' || s[i] == '\\' {
			dst = append(dst, '\\')
		}
		dst = append(dst, s[i])
	}
	return append(dst, '"')
}

// normalizeArray reads an array literal whose elements are of type elem
// and writes it back as PostgreSQL would print it, each element decoded
// and printed by its own type.
func normalizeArray(elem uint32, s string) (string, *pgerror.Error) {
	a, ok := parseArray(s)
	if !ok {
		return "", pgerror.New(pgerror.InvalidTextRepresentation, "malformed array literal: %s", quoted(s))
	}
	for i, e := range a.elems {
		if e == nil {
			continue
		}
		t, err := elemText(elem, *e)
		if err != nil {
			return "", err
		}
		a.elems[i] = &t
	}
	return string(a.appendText(nil)), nil
}

// elemText is an element as PostgreSQL prints it. Numeric elements keep
// their scale (1.50), which storing them as a number would lose.
func elemText(elem uint32, s string) (string, *pgerror.Error) {
	if elem == Numeric {
		d, ok := parseNumeric(s)
		if !ok {
			return "", errSyntax(elem, s)
		}
		return string(d.appendText(nil)), nil
	}
	v, err := decodeText(elem, s)
	if err != nil {
		return "", err
	}
	return string(encodeText(nil, elem, v)), nil
}

// appendArrayBinary writes array_send's format: ndim, a has-nulls flag,
// the element OID, each dimension's length and lower bound, then each
// element as a length (-1 for NULL) and its binary form.
func appendArrayBinary(dst []byte, oid, elem uint32, v fsm.Value) ([]byte, *pgerror.Error) {
	if v.Kind() != fsm.KindText {
		return dst, mismatch(errSyntax(oid, ownText(v)))
	}
	a, ok := parseArray(v.Text())
	if !ok {
		return dst, mismatch(pgerror.New(pgerror.InvalidTextRepresentation, "malformed array literal: %s", quoted(v.Text())))
	}
	hasNull := uint32(0)
	for _, e := range a.elems {
		if e == nil {
			hasNull = 1
		}
	}
	dims := a.dims
	if len(a.elems) == 0 {
		dims = nil
	}
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(dims)))
	dst = binary.BigEndian.AppendUint32(dst, hasNull)
	dst = binary.BigEndian.AppendUint32(dst, elem)
	for i := range dims {
		dst = binary.BigEndian.AppendUint32(dst, uint32(int32(dims[i])))
		dst = binary.BigEndian.AppendUint32(dst, uint32(int32(a.lbounds[i])))
	}
	for _, e := range a.elems {
		if e == nil {
			dst = binary.BigEndian.AppendUint32(dst, 0xFFFFFFFF)
			continue
		}
		ev, err := decodeText(elem, *e)
		if err != nil {
			return dst, mismatch(err)
		}
		at := len(dst)
		dst = append(dst, 0, 0, 0, 0)
		if dst, err = encodeBinary(dst, elem, ev); err != nil {
			return dst, err
		}
		binary.BigEndian.PutUint32(dst[at:], uint32(len(dst)-at-4))
	}
	return dst, nil
}

// decodeArrayBinary reads array_recv's format into the array literal
// that is stored.
func decodeArrayBinary(oid, elem uint32, b []byte) (string, *pgerror.Error) {
	bad := func(format string, args ...any) (string, *pgerror.Error) {
		return "", errBinary(oid, format, args...)
	}
	if len(b) < 12 {
		return bad("%d bytes is too short", len(b))
	}
	ndim := int32(binary.BigEndian.Uint32(b))
	flags := binary.BigEndian.Uint32(b[4:])
	et := binary.BigEndian.Uint32(b[8:])
	b = b[12:]
	switch {
	case ndim < 0 || ndim > maxDims:
		return bad("invalid number of dimensions: %d", ndim)
	case flags > 1:
		return bad("invalid array flags")
	case et != elem:
		return bad("wrong element type %d", et)
	case len(b) < 8*int(ndim):
		return bad("missing dimensions")
	}
	var a array
	total := 1
	for i := 0; i < int(ndim); i++ {
		n := int32(binary.BigEndian.Uint32(b[8*i:]))
		lb := int32(binary.BigEndian.Uint32(b[8*i+4:]))
		if n < 0 || int64(lb)+int64(n) > 1<<31-1 {
			return bad("invalid dimension")
		}
		a.dims = append(a.dims, int(n))
		a.lbounds = append(a.lbounds, int(lb))
		total *= int(n)
		if total > len(b) {
			return bad("array size exceeds the data")
		}
	}
	if ndim == 0 {
		total = 0
	}
	b = b[8*int(ndim):]
	for i := 0; i < total; i++ {
		if len(b) < 4 {
			return bad("insufficient data")
		}
		n := int32(binary.BigEndian.Uint32(b))
		b = b[4:]
		if n == -1 {
			a.elems = append(a.elems, nil)
			continue
		}
		if n < 0 || int(n) > len(b) {
			return bad("invalid element length %d", n)
		}
		var t string
		if elem == Numeric {
			d, err := decodeNumericBinary(b[:n])
			if err != nil {
				return "", err
			}
			t = string(d.appendText(nil))
		} else {
			v, err := decodeBinary(elem, b[:n])
			if err != nil {
				return "", err
			}
			t = string(encodeText(nil, elem, v))
		}
		a.elems = append(a.elems, &t)
		b = b[n:]
	}
	if len(b) != 0 {
		return bad("%d bytes left over", len(b))
	}
	if total == 0 {
		a = array{}
	}
	return string(a.appendText(nil)), nil
}
