package fsm

import (
	"database/sql/driver"
	"fmt"
	"regexp"
	"sync"

	"modernc.org/sqlite"
)

// regexp(pattern, text) backs SQLite's REGEXP operator, which the PostgreSQL
// translator uses for ~, !~, ~* and !~* ((?i) prefixes the case-insensitive
// forms). Go's RE2 engine gives the same answer on every node; NULL in
// either argument gives NULL, as in PostgreSQL.

const maxCachedPatterns = 256

var patterns struct {
	sync.Mutex
	m map[string]*regexp.Regexp
}

func compilePattern(p string) (*regexp.Regexp, error) {
	patterns.Lock()
	defer patterns.Unlock()
	if re, ok := patterns.m[p]; ok {
		return re, nil
	}
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, fmt.Errorf("invalid regular expression: %w", err)
	}
	if patterns.m == nil || len(patterns.m) >= maxCachedPatterns {
		patterns.m = make(map[string]*regexp.Regexp)
	}
	patterns.m[p] = re
	return re, nil
}

func regexpFunc(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
	if args[0] == nil || args[1] == nil {
		return nil, nil
	}
	re, err := compilePattern(fmt.Sprint(textOf(args[0])))
	if err != nil {
		return nil, err
	}
	if re.MatchString(textOf(args[1])) {
		return int64(1), nil
	}
	return int64(0), nil
}

// textOf renders a SQLite value as text the way SQLite would for a
// comparison with a string.
func textOf(v driver.Value) string {
	switch x := v.(type) {
	case string:
		return x
	case []byte:
		return string(x)
	default:
		return fmt.Sprint(x)
	}
}
