package pgwire

import (
	"context"

	"sqlraft/fsm"
	"sqlraft/pgwire/pgvalue"
)

// The catalog answers regclass, regtype and regnamespace columns with
// OIDs (joins and comparisons need the numbers); PostgreSQL prints such a
// value as the object's name, and psql shows what it receives (\d's
// "Foreign-key constraints", "Referenced by"). So a result column of one
// of these types is turned into names just before it is sent.

var regLookups = map[uint32]string{
	pgvalue.RegClass:     `SELECT relname FROM pg_class WHERE oid = ?1`,
	pgvalue.RegType:      `SELECT typname FROM pg_type WHERE oid = ?1`,
	pgvalue.RegNamespace: `SELECT nspname FROM pg_namespace WHERE oid = ?1`,
}

// nameRegColumns replaces OIDs by names in regclass/regtype/regnamespace
// columns. Unknown OIDs stay numbers, as PostgreSQL prints them.
func (s *session) nameRegColumns(ctx context.Context, fields []field, rows [][]fsm.Value) {
	var cols []int
	for i, f := range fields {
		if _, ok := regLookups[f.typ.OID]; ok {
			cols = append(cols, i)
		}
	}
	if len(cols) == 0 {
		return
	}
	names := map[[2]int64]fsm.Value{}
	for _, row := range rows {
		for _, i := range cols {
			if i >= len(row) || row[i].Kind() != fsm.KindInt {
				continue
			}
			oid := fields[i].typ.OID
			key := [2]int64{int64(oid), row[i].Int()}
			name, ok := names[key]
			if !ok {
				name = row[i]
				if r, err := s.srv.cfg.FSM.Query(ctx, regLookups[oid], row[i]); err == nil && len(r.Values) > 0 && !r.Values[0][0].IsNull() {
					name = fsm.TextValue(r.Values[0][0].Text())
				}
				names[key] = name
			}
			row[i] = name
		}
	}
}
