package sqlfunc

import (
	"database/sql/driver"
	"fmt"
	"slices"
	"sort"
)

// Func is one scalar SQL function.
type Func struct {
	Name string
	// NArgs lists the argument counts it accepts; nil means any number (variadic, at least 1).
	NArgs []int
	// Impl computes the result. Arguments arrive as SQLite gives them to Go: nil (NULL), int64,
	// float64, string, []byte. Results must be one of those too (booleans as int64 1/0).
	Impl func(args []driver.Value) (driver.Value, error)
}

// All returns every function of the package, sorted by name (a fresh slice each call).
func All() []Func {
	funcs := []Func{
		define("ascii", []int{1}, strict(asciiFunc)),
		define("cbrt", []int{1}, strict(cbrtFunc)),
		define("chr", []int{1}, strict(chrFunc)),
		define("date_part", []int{2}, strict(datePartFunc)),
		define("date_trunc", []int{2, 3}, strict(dateTruncFunc)),
		define("decode", []int{2}, strict(decodeFunc)),
		define("div", []int{2}, strict(divFunc)),
		define("encode", []int{2}, strict(encodeFunc)),
		define("format", nil, formatFunc),
		define("gcd", []int{2}, strict(gcdFunc)),
		define("greatest", nil, greatestFunc),
		define("initcap", []int{1}, strict(initcapFunc)),
		define("lcm", []int{2}, strict(lcmFunc)),
		define("least", nil, leastFunc),
		define("left", []int{2}, strict(leftFunc)),
		define("lpad", []int{2, 3}, strict(lpadFunc)),
		define("make_date", []int{3}, strict(makeDateFunc)),
		define("md5", []int{1}, strict(md5Func)),
		define("pg_date_mi", []int{2}, strict(dateMinusFunc)),
		define("pg_date_pl", []int{2}, strict(datePlusFunc)),
		define("pg_like_regex", []int{1, 2}, strict(likeRegexFunc)),
		define("position", []int{2}, strict(positionFunc)),
		define("quote_literal", []int{1}, strict(quoteLiteralFunc)),
		define("quote_nullable", []int{1}, quoteNullableFunc),
		define("regexp_count", []int{2, 3, 4}, strict(regexpCountFunc)),
		define("regexp_replace", []int{3, 4}, strict(regexpReplaceFunc)),
		define("repeat", []int{2}, strict(repeatFunc)),
		define("reverse", []int{1}, strict(reverseFunc)),
		define("right", []int{2}, strict(rightFunc)),
		define("rpad", []int{2, 3}, strict(rpadFunc)),
		define("sha224", []int{1}, strict(sha224Func)),
		define("sha256", []int{1}, strict(sha256Func)),
		define("sha384", []int{1}, strict(sha384Func)),
		define("sha512", []int{1}, strict(sha512Func)),
		define("split_part", []int{3}, strict(splitPartFunc)),
		define("starts_with", []int{2}, strict(startsWithFunc)),
		define("to_char", []int{2}, strict(toCharFunc)),
		define("to_hex", []int{1}, strict(toHexFunc)),
		define("to_timestamp", []int{1}, strict(toTimestampFunc)),
		define("translate", []int{3}, strict(translateFunc)),
		define("uuid_v4", []int{1}, strict(uuidV4Func)),
	}
	sort.Slice(funcs, func(i, j int) bool { return funcs[i].Name < funcs[j].Name })
	return funcs
}

type impl = func(args []driver.Value) (driver.Value, error)

// define checks the argument count before calling f, so that every
// function body may index its arguments freely even when called directly
// with a count SQLite would never register.
func define(name string, nargs []int, f impl) Func {
	checked := func(args []driver.Value) (driver.Value, error) {
		if nargs == nil && len(args) == 0 || nargs != nil && !slices.Contains(nargs, len(args)) {
			return nil, fmt.Errorf("function %s does not accept %d arguments", name, len(args))
		}
		return f(args)
	}
	return Func{Name: name, NArgs: slices.Clone(nargs), Impl: checked}
}

// strict gives PostgreSQL's STRICT behaviour: a NULL argument makes the
// result NULL without calling f.
func strict(f impl) impl {
	return func(args []driver.Value) (driver.Value, error) {
		for _, a := range args {
			if a == nil {
				return nil, nil
			}
		}
		return f(args)
	}
}

// boolValue is how SQLite represents a boolean.
func boolValue(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
