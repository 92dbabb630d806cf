package pgwire

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"sqlraft/pgwire/pgerror"
)

// reportedParams are the parameters PostgreSQL 15 reports at startup and
// again whenever a SET changes them (GUC_REPORT), in its spelling.
var reportedParams = []string{
	"application_name",
	"client_encoding",
	"DateStyle",
	"default_transaction_read_only",
	"in_hot_standby",
	"integer_datetimes",
	"IntervalStyle",
	"is_superuser",
	"server_encoding",
	"server_version",
	"session_authorization",
	"standard_conforming_strings",
	"TimeZone",
}

// paramSpec describes one run-time parameter the session knows.
type paramSpec struct {
	name     string // PostgreSQL's spelling
	def      string
	readOnly bool // SET refuses it (55P02 / 0A000)
	// check validates and normalizes a new value.
	check func(v string) (string, error)
}

var paramSpecs = map[string]paramSpec{}

func init() {
	for _, p := range []paramSpec{
		{name: "application_name", def: ""},
		{name: "client_encoding", def: "UTF8", check: checkEncoding},
		{name: "DateStyle", def: "ISO, MDY", check: checkDateStyle},
		{name: "default_transaction_read_only", def: "off", check: checkBool},
		{name: "default_transaction_isolation", def: "serializable", check: checkIsolation},
		{name: "default_transaction_deferrable", def: "off", check: checkBool},
		{name: "in_hot_standby", def: "off", readOnly: true},
		{name: "integer_datetimes", def: "on", readOnly: true},
		{name: "IntervalStyle", def: "postgres"},
		{name: "is_superuser", def: "on", readOnly: true},
		{name: "server_encoding", def: "UTF8", readOnly: true},
		{name: "server_version", def: "", readOnly: true},
		{name: "server_version_num", def: "150000", readOnly: true},
		{name: "session_authorization", def: ""},
		{name: "standard_conforming_strings", def: "on", check: checkOn},
		{name: "TimeZone", def: "UTC"},
		{name: "search_path", def: `"$user", public`},
		{name: "statement_timeout", def: "0", check: checkDuration},
		{name: "idle_in_transaction_session_timeout", def: "0", check: checkDuration},
		{name: "lock_timeout", def: "0", check: checkDuration},
		{name: "extra_float_digits", def: "1"},
		{name: "client_min_messages", def: "notice"},
		{name: "max_identifier_length", def: "63", readOnly: true},
		{name: "transaction_isolation", def: "serializable"},
		{name: "transaction_read_only", def: "off"},
		{name: "synchronous_commit", def: "on"},
		{name: "bytea_output", def: "hex"},
		{name: "row_security", def: "on"},
		{name: "jit", def: "off"},
		{name: "work_mem", def: "4MB"},
		{name: "maintenance_work_mem", def: "64MB"},
		{name: "timezone_abbreviations", def: "Default"},
		{name: "lc_messages", def: "C"},
		{name: "lc_monetary", def: "C"},
		{name: "lc_numeric", def: "C"},
		{name: "lc_time", def: "C"},
		{name: "lc_collate", def: "C", readOnly: true},
		{name: "lc_ctype", def: "C", readOnly: true},
		{name: "sqlraft.read_consistency", def: "linearizable", check: checkConsistency},
	} {
		paramSpecs[strings.ToLower(p.name)] = p
	}
}

// settings are a session's parameters, keyed by lower-case name.
type settings struct {
	values map[string]string
	// changed lists reported parameters whose value changed since the
	// last ParameterStatus flush.
	changed map[string]bool
	// followerReadOnly is set while default_transaction_read_only is "on"
	// only because the session started on a follower: reported, so that
	// clients looking for the leader skip this node, but not enforced as a
	// transaction mode (a write still gets 25006 naming the leader).
	followerReadOnly bool
}

// readOnlyByDefault reports whether transactions are read-only unless
// they say otherwise (the client set default_transaction_read_only).
func (st *settings) readOnlyByDefault() bool {
	return st.values["default_transaction_read_only"] == "on" && !st.followerReadOnly
}

func newSettings(startup map[string]string, serverVersion, user string, follower bool) *settings {
	st := &settings{values: map[string]string{}, changed: map[string]bool{}}
	for k, p := range paramSpecs {
		st.values[k] = p.def
	}
	st.values["server_version"] = serverVersion
	st.values["session_authorization"] = user
	if follower {
		st.values["in_hot_standby"] = "on"
		st.values["default_transaction_read_only"] = "on"
		st.followerReadOnly = true
	}
	for k, v := range startup {
		key := strings.ToLower(k)
		switch key {
		case "user", "database", "replication", "options":
			continue
		}
		p, known := paramSpecs[key]
		if known && p.readOnly {
			continue
		}
		if known && p.check != nil {
			nv, err := p.check(v)
			if err != nil {
				continue // PostgreSQL would refuse the connection; be lenient
			}
			v = nv
		}
		st.values[key] = v
	}
	st.changed = map[string]bool{}
	return st
}

// get returns a parameter's value and whether it exists.
func (st *settings) get(name string) (string, bool) {
	v, ok := st.values[strings.ToLower(name)]
	return v, ok
}

// set changes a parameter, validating it; unknown names with a dot are
// custom parameters (PostgreSQL allows them), others are 42704.
func (st *settings) set(name, value string, def bool) *pgerror.Error {
	key := strings.ToLower(name)
	p, known := paramSpecs[key]
	if !known && !strings.Contains(key, ".") {
		return pgerror.New("42704", "unrecognized configuration parameter %q", name)
	}
	if known && p.readOnly {
		return pgerror.New("55P02", "parameter %q cannot be changed", p.name)
	}
	if def {
		value = p.def
	} else if known && p.check != nil {
		v, err := p.check(value)
		if err != nil {
			return pgerror.New("22023", "invalid value for parameter %q: %q", p.name, value)
		}
		value = v
	}
	if key == "default_transaction_read_only" {
		st.followerReadOnly = false
	}
	if st.values[key] != value {
		st.values[key] = value
		st.changed[key] = true
	}
	return nil
}

// reportChanges returns ParameterStatus pairs for reported parameters
// that changed, in PostgreSQL's spelling, and clears the change set.
func (st *settings) reportChanges() [][2]string {
	if len(st.changed) == 0 {
		return nil
	}
	var out [][2]string
	for _, name := range reportedParams {
		if st.changed[strings.ToLower(name)] {
			out = append(out, [2]string{name, st.values[strings.ToLower(name)]})
		}
	}
	st.changed = map[string]bool{}
	return out
}

// all lists every parameter for SHOW ALL.
func (st *settings) all() [][2]string {
	var out [][2]string
	for k, v := range st.values {
		name := k
		if p, ok := paramSpecs[k]; ok {
			name = p.name
		}
		out = append(out, [2]string{name, v})
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i][0]) < strings.ToLower(out[j][0]) })
	return out
}

// statementTimeout is statement_timeout as a duration (0: none).
func (st *settings) duration(name string) time.Duration {
	d, _ := parseDuration(st.values[name])
	return d
}

func checkBool(v string) (string, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "on", "true", "yes", "1", "t", "y":
		return "on", nil
	case "off", "false", "no", "0", "f", "n":
		return "off", nil
	}
	return "", fmt.Errorf("not a boolean")
}

func checkOn(v string) (string, error) {
	b, err := checkBool(v)
	if err != nil || b != "on" {
		return "", fmt.Errorf("only on is supported")
	}
	return b, nil
}

func checkEncoding(v string) (string, error) {
	switch strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(v), "-", "")) {
	case "UTF8", "UNICODE":
		return "UTF8", nil
	case "SQL_ASCII":
		return "SQL_ASCII", nil
	}
	return "", fmt.Errorf("only UTF8 is supported")
}

func checkDateStyle(v string) (string, error) {
	// Output is always ISO; keep the client's order word for display.
	s := strings.ToUpper(v)
	order := "MDY"
	switch {
	case strings.Contains(s, "DMY"), strings.Contains(s, "EURO"):
		order = "DMY"
	case strings.Contains(s, "YMD"):
		order = "YMD"
	}
	if strings.Contains(s, "SQL") || strings.Contains(s, "GERMAN") || strings.Contains(s, "POSTGRES") {
		return "", fmt.Errorf("only the ISO date style is supported")
	}
	return "ISO, " + order, nil
}

func checkIsolation(v string) (string, error) {
	s := strings.ToLower(strings.Join(strings.Fields(v), " "))
	switch s {
	case "serializable", "repeatable read", "read committed", "read uncommitted":
		return s, nil
	}
	return "", fmt.Errorf("unknown isolation level")
}

func checkConsistency(v string) (string, error) {
	s := strings.ToLower(strings.TrimSpace(v))
	switch s {
	case "linearizable", "lease", "stale":
		return s, nil
	}
	return "", fmt.Errorf("want linearizable, lease or stale")
}

func checkDuration(v string) (string, error) {
	d, err := parseDuration(v)
	if err != nil {
		return "", err
	}
	if d == 0 {
		return "0", nil
	}
	if d%time.Second == 0 {
		return strconv.FormatInt(int64(d/time.Second), 10) + "s", nil
	}
	return strconv.FormatInt(d.Milliseconds(), 10) + "ms", nil
}

// parseDuration reads PostgreSQL's time units: a bare number is
// milliseconds; units us, ms, s, min, h, d.
func parseDuration(v string) (time.Duration, error) {
	s := strings.TrimSpace(strings.ToLower(v))
	if s == "" {
		return 0, fmt.Errorf("empty duration")
	}
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || s[i] == '.') {
		i++
	}
	num, err := strconv.ParseFloat(s[:i], 64)
	if err != nil || num < 0 {
		return 0, fmt.Errorf("invalid duration %q", v)
	}
	unit := time.Millisecond
	switch strings.TrimSpace(s[i:]) {
	case "", "ms":
	case "us":
		unit = time.Microsecond
	case "s":
		unit = time.Second
	case "min":
		unit = time.Minute
	case "h":
		unit = time.Hour
	case "d":
		unit = 24 * time.Hour
	default:
		return 0, fmt.Errorf("invalid unit in %q", v)
	}
	return time.Duration(num * float64(unit)), nil
}
