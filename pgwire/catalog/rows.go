package catalog

import (
	"fmt"
	"strconv"
	"strings"

	"sqlraft/pgwire/pgvalue"
)

// row builds one row of t from named values; a column not given is what
// PostgreSQL holds for an object without that feature: false and 0 for
// booleans, numbers and OIDs, NULL otherwise.
func row(t *tableDef, vals map[string]any) []any {
	out := make([]any, len(t.cols))
	for i, c := range t.cols {
		if v, ok := vals[c.name]; ok {
			switch x := v.(type) {
			case bool:
				v = boolValue(x)
			case int:
				v = int64(x)
			case uint32:
				v = int64(x)
			case byte:
				v = string(rune(x))
			}
			out[i] = v
			delete(vals, c.name)
			continue
		}
		switch c.pgType {
		case "boolean", "oid", "integer", "smallint", "bigint", "real", "xid", "regproc":
			out[i] = int64(0)
			if c.pgType == "regproc" {
				out[i] = "-"
			}
		}
	}
	if len(vals) > 0 {
		panic(fmt.Sprintf("catalog: %s has no columns %v", t.name, vals))
	}
	return out
}

// rows returns the content of table t for the schema s.
func (c *Catalog) rows(t *tableDef, s *schema) [][]any {
	var out [][]any
	add := func(vals map[string]any) { out = append(out, row(t, vals)) }
	switch t.name {
	case "pg_type", "pg_am", "pg_collation", "pg_settings", "pg_namespace":
		// public belongs to pg_database_owner (6171), as in PostgreSQL 15.
		return fixedRows(t)
	case "pg_database":
		add(map[string]any{"oid": databaseOID, "datname": c.opts.Database, "datdba": ownerOID, "encoding": 6,
			"datlocprovider": "c", "datallowconn": true, "datconnlimit": -1, "dattablespace": 1663,
			"datcollate": "C.UTF-8", "datctype": "C.UTF-8"})
	case "pg_roles", "pg_authid", "pg_user":
		for _, r := range c.roles() {
			vals := map[string]any{"rolname": r.name, "rolsuper": r.super, "rolinherit": true, "rolcreaterole": r.createRole,
				"rolcreatedb": r.createDB, "rolcanlogin": r.login, "rolreplication": r.replication, "rolbypassrls": r.bypassRLS,
				"rolconnlimit": -1, "oid": r.oid}
			switch t.name {
			case "pg_roles":
				vals["rolpassword"] = "********"
			case "pg_user":
				if !r.login {
					continue
				}
				vals = map[string]any{"usename": r.name, "usesysid": r.oid, "usecreatedb": r.createDB, "usesuper": r.super,
					"userepl": r.replication, "usebypassrls": r.bypassRLS, "passwd": "********"}
			}
			add(vals)
		}
	case "pg_class":
		for _, r := range s.rels {
			add(classRow(r))
		}
	case "pg_attribute":
		for _, r := range s.rels {
			for _, col := range relColumns(r) {
				add(map[string]any{"attrelid": r.oid, "attname": col.name, "atttypid": col.typ.OID,
					"attlen": int(col.typ.Size), "attnum": col.num, "attcacheoff": -1, "atttypmod": int(col.typ.Modifier),
					"attndims": ndims(col.typ), "attbyval": byval(col.typ), "attalign": align(col.typ), "attstorage": storage(col.typ),
					"attcompression": "", "attnotnull": col.notNull, "atthasdef": col.def != "", "atthasmissing": false,
					"attidentity": identity(col), "attgenerated": generated(col), "attisdropped": false, "attislocal": true,
					"attinhcount": 0, "attstattarget": -1, "attcollation": collation(col.typ)})
			}
		}
	case "pg_attrdef":
		for _, r := range s.rels {
			for _, col := range r.cols {
				if col.def != "" && r.kind == 'r' {
					add(map[string]any{"oid": col.defOID, "adrelid": r.oid, "adnum": col.num, "adbin": col.def})
				}
			}
		}
	case "pg_index":
		for _, r := range s.rels {
			if ix := r.idx; ix != nil {
				add(map[string]any{"indexrelid": r.oid, "indrelid": ix.table.oid, "indnatts": len(ix.keys), "indnkeyatts": len(ix.keys),
					"indisunique": ix.unique, "indnullsnotdistinct": false, "indisprimary": ix.primary, "indisexclusion": false,
					"indimmediate": true, "indisclustered": false, "indisvalid": true, "indcheckxmin": false, "indisready": true,
					"indislive": true, "indisreplident": false, "indkey": intVector(ix.keys), "indcollation": collVector(ix),
					"indclass": oidVector(len(ix.keys), 1978), "indoption": intVector(make([]int, len(ix.keys))),
					"indexprs": exprsOf(ix), "indpred": nullIfEmpty(ix.where)})
			}
		}
	case "pg_constraint":
		for _, con := range s.cons {
			add(constraintRow(con))
		}
	case "pg_tables":
		for _, r := range s.rels {
			if r.kind == 'r' {
				add(map[string]any{"schemaname": "public", "tablename": r.name, "tableowner": c.opts.Owner, "hasindexes": len(r.indexes) > 0})
			}
		}
	case "pg_views":
		for _, r := range s.rels {
			if r.kind == 'v' {
				add(map[string]any{"schemaname": "public", "viewname": r.name, "viewowner": c.opts.Owner, "definition": viewBody(r.sql)})
			}
		}
	case "pg_indexes":
		for _, r := range s.rels {
			if r.idx != nil {
				add(map[string]any{"schemaname": "public", "tablename": r.idx.table.name, "indexname": r.name, "indexdef": indexDef(r.idx, false)})
			}
		}
	default:
		if strings.HasPrefix(t.name, "information_schema.") {
			return c.infoRows(t, s)
		}
	}
	return out
}

func classRow(r *relation) map[string]any {
	v := map[string]any{"oid": r.oid, "relname": r.name, "relnamespace": nsPublic, "relowner": ownerOID,
		"relkind": r.kind, "relpersistence": "p", "relreplident": "d", "reltuples": -1.0, "relpages": 0,
		"relnatts": len(relColumns(r)), "relisshared": false, "relispopulated": true, "relfilenode": r.oid,
		"relhasindex": len(r.indexes) > 0}
	switch r.kind {
	case 'r':
		v["relam"] = amHeap
		checks := 0
		for _, c := range r.cons {
			if c.kind == 'c' {
				checks++
			}
		}
		v["relchecks"] = checks
		v["relhastriggers"] = hasForeignKeys(r)
	case 'i':
		v["relam"] = amBtree
	case 'v':
		v["relfilenode"] = 0
		v["relhasrules"] = true
		v["relreplident"] = "n"
	}
	return v
}

// hasForeignKeys reports whether r references or is referenced by a
// table: PostgreSQL enforces foreign keys with triggers on both.
func hasForeignKeys(r *relation) bool {
	for _, c := range r.cons {
		if c.kind == 'f' {
			return true
		}
	}
	return r.referenced
}

// relColumns are the attributes of a relation; an index's are its keys.
func relColumns(r *relation) []*column {
	if r.idx == nil {
		return r.cols
	}
	var out []*column
	for i, k := range r.idx.keys {
		col := &column{num: i + 1, name: "expr", typ: columnType("")}
		if k > 0 && k <= len(r.idx.table.cols) {
			tc := r.idx.table.cols[k-1]
			col.name, col.typ = tc.name, tc.typ
		}
		out = append(out, col)
	}
	return out
}

func constraintRow(c *constraint) map[string]any {
	v := map[string]any{"oid": c.oid, "conname": c.name, "connamespace": nsPublic, "contype": c.kind,
		"condeferrable": false, "condeferred": false, "convalidated": true, "conrelid": c.table.oid,
		"conislocal": true, "coninhcount": 0, "connoinherit": false, "conkey": intArray(c.cols)}
	if c.idx != nil {
		v["conindid"] = c.idx.rel.oid
	}
	switch c.kind {
	case 'c':
		v["conbin"] = c.check
		v["conkey"] = intArray(checkCols(c))
	case 'f':
		v["confrelid"] = c.ref.oid
		v["confupdtype"], v["confdeltype"], v["confmatchtype"] = c.onUpdate, c.onDelete, "s"
		v["confkey"] = intArray(c.refCols)
		for _, ix := range c.ref.indexes {
			if ix.unique && sameInts(ix.keys, c.refCols) {
				v["conindid"] = ix.rel.oid
			}
		}
	default:
		v["confupdtype"], v["confdeltype"], v["confmatchtype"] = " ", " ", " "
	}
	if c.kind == 'c' {
		v["confupdtype"], v["confdeltype"], v["confmatchtype"] = " ", " ", " "
	}
	return v
}

func checkCols(c *constraint) []int {
	ids := identifiers(c.check)
	var out []int
	for _, col := range c.table.cols {
		if ids[strings.ToLower(col.name)] {
			out = append(out, col.num)
		}
	}
	return out
}

func sameInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// intArray is a PostgreSQL array's text ({1,2}), the form arrays take here.
func intArray(xs []int) any {
	if xs == nil {
		return nil
	}
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return "{" + strings.Join(s, ",") + "}"
}

// intVector is int2vector's text: space-separated.
func intVector(xs []int) string {
	s := make([]string, len(xs))
	for i, x := range xs {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, " ")
}

func oidVector(n int, oid int) string {
	s := make([]string, n)
	for i := range s {
		s[i] = strconv.Itoa(oid)
	}
	return strings.Join(s, " ")
}

func collVector(ix *index) string {
	var s []string
	for _, col := range relColumns(ix.rel) {
		s = append(s, strconv.Itoa(int(collation(col.typ))))
	}
	return strings.Join(s, " ")
}

func exprsOf(ix *index) any {
	var out []string
	for i, k := range ix.keys {
		if k == 0 {
			out = append(out, ix.exprs[i])
		}
	}
	if out == nil {
		return nil
	}
	return strings.Join(out, ", ")
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func identity(c *column) string {
	if c.identity != 0 {
		return string(rune(c.identity))
	}
	return ""
}

func generated(c *column) string {
	if c.gen != 0 {
		return string(rune(c.gen))
	}
	return ""
}

func ndims(t pgvalue.Type) int {
	if strings.HasSuffix(t.Name, "[]") {
		return 1
	}
	return 0
}

func byval(t pgvalue.Type) bool { return t.Size > 0 && t.Size <= 8 }

func align(t pgvalue.Type) string {
	switch {
	case t.Size == 8:
		return "d"
	case t.Size == 4:
		return "i"
	case t.Size == 2:
		return "s"
	case t.Size == 1 || t.OID == pgvalue.Name:
		return "c"
	}
	return "i"
}

func storage(t pgvalue.Type) string {
	if t.Size > 0 {
		return "p"
	}
	return "x"
}

// collation is attcollation: 100 (default) for the collatable types.
func collation(t pgvalue.Type) uint32 {
	switch t.OID {
	case pgvalue.Text, pgvalue.Varchar, pgvalue.BPChar, pgvalue.TextArray, pgvalue.VarcharArray, pgvalue.BPCharArray:
		return 100
	case pgvalue.Name:
		return 950
	}
	return 0
}

// viewBody is the SELECT of a CREATE VIEW text.
func viewBody(sql string) string {
	ws := words(sql)
	for i, w := range ws {
		if w.Is("as") && i > 0 {
			return " " + strings.TrimSpace(sql[ws[i+1].Pos:]) + ";"
		}
	}
	return sql
}
