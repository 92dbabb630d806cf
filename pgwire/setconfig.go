package pgwire

import (
	"slices"
	"strings"

	"sqlraft/fsm"
	"sqlraft/pgwire/pgerror"
)

// setConfig answers SELECT set_config('name', 'value', is_local), which
// drivers and migration tools send instead of SET (Flyway, pgjdbc's
// search_path handling). Only the form with constant arguments is
// understood; anything else goes to SQLite, which has no such function.
func (s *session) setConfig(p *prepared) (*result, *pgerror.Error, bool) {
	name, value, local, ok := parseSetConfig(p)
	if !ok {
		return nil, nil, false
	}
	if local && s.tx == nil {
		// PostgreSQL accepts it and the value lasts until the end of the
		// (single-statement) transaction: no effect.
		return setConfigResult(value), nil, true
	}
	if perr := s.settings.set(strings.ToLower(name), value, false); perr != nil {
		return nil, perr, true
	}
	v, _ := s.settings.get(name)
	return setConfigResult(v), nil, true
}

// parseSetConfig recognizes SELECT [pg_catalog.]set_config('name',
// 'value', true|false).
func parseSetConfig(p *prepared) (name, value string, local, ok bool) {
	if !slices.Contains(p.tr.Info.Functions, "set_config") {
		return
	}
	// SELECT [pg_catalog .] set_config ( 'name' , 'value' , bool )
	fn, c, found := selectCall(p.sql)
	if !found || fn != "set_config" {
		return
	}
	next := c.next
	str := func() (string, bool) {
		t := next()
		if !t.Kind.IsString() {
			return "", false
		}
		v, err := t.Value()
		return v, err == nil
	}
	name, ok1 := str()
	if next().Text != "," {
		return
	}
	value, ok2 := str()
	if next().Text != "," {
		return
	}
	lt := next()
	if !ok1 || !ok2 || next().Text != ")" || !c.done() {
		return
	}
	switch {
	case lt.Is("true"):
		local = true
	case lt.Is("false"):
	default:
		return
	}
	return name, value, local, true
}

func setConfigResult(v string) *result {
	return &result{
		hasRows: true,
		cols:    []fsm.Column{{Name: "set_config", DeclType: "text"}},
		rows:    [][]fsm.Value{{fsm.TextValue(v)}},
		tag:     "SELECT 1",
	}
}
