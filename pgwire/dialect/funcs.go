package dialect

import (
	"strconv"
	"strings"
)

// The current time. SQLite reads 'now' from the VFS clock, which the state
// machine sets to the leader's timestamp of the log entry, so every node
// computes the same value. PostgreSQL's now() is a timestamptz with
// microseconds; SQLite gives milliseconds, in UTC, without an offset
// ("2024-05-01 12:34:56.789"), the form CURRENT_TIMESTAMP uses, so the
// values sort together; the session adds "+00" when it prints a
// timestamptz. PostgreSQL's now() is fixed for a whole transaction, SQLite's
// 'now' for a statement (the state machine holds one time per entry).
const (
	timestampNow        = "strftime('%Y-%m-%d %H:%M:%f','now')"
	timestampNowSeconds = "strftime('%Y-%m-%d %H:%M:%S','now')"
	timeNow             = "strftime('%H:%M:%f','now')"
	timeNowSeconds      = "strftime('%H:%M:%S','now')"
	dateNow             = "date('now')"
	// random() is an integer in SQLite and a double in [0, 1) in
	// PostgreSQL; the state machine makes SQLite's random() deterministic.
	randomExpr = "(abs(random() % 9007199254740992) / 9007199254740992.0)"
)

// Functions renamed to SQLite's equivalent with the same behaviour (for
// booleans stored as 1/0).
var renamedFunctions = map[string]string{
	"char_length": "length", "character_length": "length", "strpos": "instr",
	"bool_and": "min", "every": "min", "bool_or": "max",
	"json_agg": "json_group_array", "jsonb_agg": "json_group_array",
	"json_object_agg": "json_group_object", "jsonb_object_agg": "json_group_object",
	"json_build_object": "json_object", "jsonb_build_object": "json_object",
	"json_build_array": "json_array", "jsonb_build_array": "json_array",
	"jsonb_array_length": "json_array_length", "string_agg": "group_concat",
	"btrim": "trim",
}

// Names function handles besides renamedFunctions.
var sessionFunctions = setOf("now", "transaction_timestamp", "statement_timestamp", "clock_timestamp",
	"current_timestamp", "localtimestamp", "current_time", "localtime", "current_date", "random",
	"version", "current_database", "current_catalog", "current_schema", "current_schemas",
	"current_user", "session_user", "user", "current_role", "pg_is_in_recovery", "pg_backend_pid",
	"inet_server_addr", "inet_client_addr", "inet_server_port", "inet_client_port", "current_setting",
	"gen_random_uuid", "uuid_generate_v4")

// function rewrites calls the session answers from Options (version(),
// current_user, ...), the current-time functions and keywords, random()
// and renamed functions. It reports false when the name at i is none of
// these.
func (tr *translator) function(i, hi int) (int, bool, error) {
	name := foldIdent(tr.toks[i].Text)
	if !sessionFunctions[name] && renamedFunctions[name] == "" || i+1 < hi && tr.toks[i+1].IsOp(".") {
		return 0, false, nil
	}
	paren := i+1 < hi && tr.toks[i+1].IsOp("(")
	close := -1
	var args [][]Token
	if paren {
		close = matchClose(tr.toks[:hi], i+1)
		if close < 0 {
			return 0, false, syntaxError(tr.toks[i+1])
		}
		if close > i+2 {
			args = splitTopLevel(tr.toks[i+2 : close])
		}
	}
	noArgs := paren && len(args) == 0
	o := tr.opts
	lit := func(text string) (int, bool, error) {
		end := i
		if paren {
			end = close
		}
		tr.replace(i, end, text)
		return end + 1, true, nil
	}
	// Keywords that take an optional precision: current_timestamp(3).
	precision := func(full, seconds string) (int, bool, error) {
		if !paren {
			return lit(full)
		}
		if len(args) == 1 && len(args[0]) == 1 && args[0][0].Kind == Number {
			if args[0][0].Text == "0" {
				return lit(seconds)
			}
			return lit(full)
		}
		return 0, false, nil
	}
	switch name {
	case "now", "transaction_timestamp", "statement_timestamp", "clock_timestamp":
		if noArgs {
			return lit(timestampNow)
		}
	case "current_timestamp", "localtimestamp":
		return precision(timestampNow, timestampNowSeconds)
	case "current_time", "localtime":
		return precision(timeNow, timeNowSeconds)
	case "current_date":
		if !paren {
			return lit(dateNow)
		}
	case "random":
		if noArgs {
			return lit(randomExpr)
		}
	case "version":
		if noArgs {
			return lit(quoteString(o.ServerVersion))
		}
	case "current_database":
		if noArgs {
			return lit(quoteString(o.Database))
		}
	case "current_catalog":
		if !paren {
			return lit(quoteString(o.Database))
		}
	case "current_schema":
		if noArgs || !paren {
			return lit(quoteString(tr.schema()))
		}
	case "current_schemas":
		if len(args) == 1 && len(args[0]) == 1 {
			a := args[0][0]
			switch {
			case a.Is("true") || a.Kind == Number && a.Text != "0":
				return lit(quoteString("{pg_catalog," + tr.schema() + "}"))
			case a.Is("false") || a.Kind == Number:
				return lit(quoteString("{" + tr.schema() + "}"))
			}
		}
	case "current_user", "session_user", "user", "current_role":
		if !paren {
			return lit(quoteString(o.User))
		}
	case "pg_is_in_recovery":
		if noArgs {
			return lit(map[bool]string{true: "1", false: "0"}[o.InRecovery])
		}
	case "pg_backend_pid":
		if noArgs {
			return lit(strconv.Itoa(o.BackendPID))
		}
	case "inet_server_addr", "inet_client_addr":
		if noArgs {
			addr := o.ServerAddr
			if name == "inet_client_addr" {
				addr = o.ClientAddr
			}
			if addr == "" {
				return lit("NULL")
			}
			return lit(quoteString(addr))
		}
	case "inet_server_port", "inet_client_port":
		if noArgs {
			port := o.ServerPort
			if name == "inet_client_port" {
				port = o.ClientPort
			}
			if port == 0 {
				return lit("NULL")
			}
			return lit(strconv.Itoa(port))
		}
	case "current_setting":
		return tr.currentSetting(i, close, args)
	case "gen_random_uuid", "uuid_generate_v4":
		// randomblob() is the state machine's seeded generator on the
		// replicated path, so every replica computes the same UUID.
		if noArgs {
			return lit("uuid_v4(randomblob(16))")
		}
	}
	if to, ok := renamedFunctions[name]; ok && paren {
		tr.out[i] = to
		tr.done[i] = true
		return i + 1, true, nil
	}
	return 0, false, nil
}

func (tr *translator) schema() string {
	if tr.opts.Schema == "" {
		return "public"
	}
	return tr.opts.Schema
}

// currentSetting answers current_setting('name' [, missing_ok]) through
// Options.Setting, raising PostgreSQL's error for an unknown name.
func (tr *translator) currentSetting(i, close int, args [][]Token) (int, bool, error) {
	if tr.opts.Setting == nil || close < 0 || len(args) < 1 || len(args) > 2 ||
		len(args[0]) != 1 || !args[0][0].Kind.IsString() {
		return 0, false, nil
	}
	missingOK := false
	if len(args) == 2 {
		if len(args[1]) != 1 || !(args[1][0].Is("true") || args[1][0].Is("false")) {
			return 0, false, nil
		}
		missingOK = args[1][0].Is("true")
	}
	name, err := args[0][0].Value()
	if err != nil {
		return 0, false, err
	}
	v, ok := tr.opts.Setting(strings.ToLower(name))
	switch {
	case ok:
		tr.replace(i, close, quoteString(v))
	case missingOK:
		tr.replace(i, close, "NULL")
	default:
		return 0, false, errorf(CodeUndefinedObject, tr.toks[i].Pos, "unrecognized configuration parameter %q", name)
	}
	return close + 1, true, nil
}

// keywordCall rewrites the calls whose arguments PostgreSQL separates
// with a keyword: EXTRACT(field FROM source) becomes date_part('field',
// source) and POSITION(substring IN string) becomes position(substring,
// string), both functions every connection of the state machine has. It
// reports false for a call of another shape (a plain function call of the
// same name).
func (tr *translator) keywordCall(i, hi int, name string) (int, bool, error) {
	toks := tr.toks
	open := i + 1
	close := matchClose(toks[:hi], open)
	if close < 0 {
		return 0, false, syntaxError(toks[open])
	}
	if name == "substring" {
		return tr.substringCall(i, close)
	}
	sep := "from"
	if name == "position" {
		sep = "in"
	}
	at := -1
	for j, depth := open+1, 0; j < close && at < 0; j++ {
		switch t := toks[j]; {
		case t.IsOp("(") || t.IsOp("["):
			depth++
		case t.IsOp(")") || t.IsOp("]"):
			depth--
		case depth == 0 && t.Is(sep):
			at = j
		}
	}
	if at < 0 {
		return 0, false, nil
	}
	if at == open+1 || at+1 == close {
		return 0, false, syntaxError(toks[at])
	}
	if name == "extract" {
		if at != open+2 || !(toks[open+1].Kind == Ident || toks[open+1].Kind.IsString()) {
			return 0, false, syntaxError(toks[open+1])
		}
		field := toks[open+1].Text
		if toks[open+1].Kind.IsString() {
			v, err := toks[open+1].Value()
			if err != nil {
				return 0, false, err
			}
			field = v
		}
		tr.out[i], tr.done[i] = "date_part", true
		tr.replace(open+1, open+1, quoteString(strings.ToLower(foldIdent(field))))
	} else {
		tr.out[i], tr.done[i] = "position", true
	}
	tr.replace(at, at, ",")
	return i + 2, true, nil
}

// substringCall rewrites SUBSTRING(s FROM start [FOR count]) and
// SUBSTRING(s FOR count) at i into SQLite's substr(s, start [, count]).
// The regular-expression forms (FROM 'pattern', SIMILAR) are refused. It
// reports false for a plain call, substring(s, start [, count]), which
// SQLite has.
func (tr *translator) substringCall(i, close int) (int, bool, error) {
	toks := tr.toks
	from, forAt := -1, -1
	for j, depth := i+2, 0; j < close; j++ {
		switch t := toks[j]; {
		case t.IsOp("(") || t.IsOp("["):
			depth++
		case t.IsOp(")") || t.IsOp("]"):
			depth--
		case depth == 0 && t.Is("from") && from < 0 && forAt < 0:
			from = j
		case depth == 0 && t.Is("for") && forAt < 0:
			forAt = j
		case depth == 0 && t.Is("similar"):
			return 0, false, unsupported(t.Pos, "SUBSTRING ... SIMILAR is not supported")
		}
	}
	if from < 0 && forAt < 0 {
		return 0, false, nil
	}
	first := from
	if first < 0 {
		first = forAt
	}
	if first == i+2 {
		return 0, false, syntaxError(toks[first])
	}
	for _, at := range []int{from, forAt} {
		if at >= 0 && (at+1 == close || at+1 == forAt) {
			return 0, false, syntaxError(toks[at])
		}
	}
	if from >= 0 && from+2 == max(forAt, close) && toks[from+1].Kind.IsString() {
		return 0, false, unsupported(toks[from+1].Pos, "SUBSTRING with a regular expression is not supported")
	}
	tr.out[i], tr.done[i] = "substr", true
	switch {
	case from >= 0 && forAt >= 0:
		tr.replace(from, from, ",")
		tr.replace(forAt, forAt, ",")
	case from >= 0:
		tr.replace(from, from, ",")
	default:
		tr.replace(forAt, forAt, ", 1,")
	}
	return i + 2, true, nil
}

// trimCall rewrites PostgreSQL's TRIM([BOTH | LEADING | TRAILING] [chars]
// FROM s) and TRIM([BOTH | LEADING | TRAILING] s [, chars]) at i as
// SQLite's trim, ltrim or rtrim(s [, chars]), which behave as PostgreSQL's
// btrim, ltrim and rtrim (spaces by default). The characters before FROM
// move after s.
func (tr *translator) trimCall(i, hi int) (int, error) {
	toks := tr.toks
	open := i + 1
	close := matchClose(toks[:hi], open)
	if close < 0 {
		return 0, syntaxError(toks[open])
	}
	fn, k := "trim", open+1
	if k < close {
		switch {
		case toks[k].Is("both"):
		case toks[k].Is("leading"):
			fn = "ltrim"
		case toks[k].Is("trailing"):
			fn = "rtrim"
		default:
			k--
		}
		if k > open {
			tr.replace(k, k, "")
		}
	}
	k++
	from := -1
	for j, depth := k, 0; j < close && from < 0; j++ {
		switch t := toks[j]; {
		case t.IsOp("(") || t.IsOp("["):
			depth++
		case t.IsOp(")") || t.IsOp("]"):
			depth--
		case depth == 0 && t.Is("from"):
			from = j
		}
	}
	if from+1 == close || from < 0 && k == close {
		return 0, syntaxError(toks[close])
	}
	tr.out[i], tr.done[i] = fn, true
	if from > k {
		tr.nextID++
		id := tr.nextID
		for j := k; j < from; j++ {
			tr.hidden[j] = id
		}
		tr.lazy[close] = func() string { return ", " + tr.render(k, from, id) + ")" }
	}
	if from >= 0 {
		tr.replace(from, from, "")
	}
	return i + 2, nil
}
