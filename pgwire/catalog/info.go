package catalog

import (
	"strconv"
	"strings"
)

// infoRows are the information_schema views' rows.
func (c *Catalog) infoRows(t *tableDef, s *schema) [][]any {
	var out [][]any
	add := func(vals map[string]any) { out = append(out, row(t, vals)) }
	db := c.opts.Database
	yes := func(b bool) string {
		if b {
			return "YES"
		}
		return "NO"
	}
	switch strings.TrimPrefix(t.name, "information_schema.") {
	case "schemata":
		for _, n := range []string{"information_schema", "pg_catalog", "public"} {
			add(map[string]any{"catalog_name": db, "schema_name": n, "schema_owner": c.opts.Owner})
		}
	case "tables":
		for _, r := range s.rels {
			if r.kind == 'i' {
				continue
			}
			typ := "BASE TABLE"
			if r.kind == 'v' {
				typ = "VIEW"
			}
			add(map[string]any{"table_catalog": db, "table_schema": "public", "table_name": r.name, "table_type": typ,
				"is_insertable_into": yes(r.kind == 'r'), "is_typed": "NO"})
		}
	case "views":
		for _, r := range s.rels {
			if r.kind == 'v' {
				add(map[string]any{"table_catalog": db, "table_schema": "public", "table_name": r.name,
					"view_definition": viewBody(r.sql), "check_option": "NONE", "is_updatable": "NO",
					"is_insertable_into": "NO", "is_trigger_updatable": "NO", "is_trigger_deletable": "NO", "is_trigger_insertable_into": "NO"})
			}
		}
	case "columns":
		for _, r := range s.rels {
			if r.kind == 'i' {
				continue
			}
			for _, col := range r.cols {
				v := map[string]any{"table_catalog": db, "table_schema": "public", "table_name": r.name, "column_name": col.name,
					"ordinal_position": col.num, "is_nullable": yes(!col.notNull), "data_type": dataType(col),
					"udt_catalog": db, "udt_schema": "pg_catalog", "udt_name": udtName(col.typ.OID), "dtd_identifier": itoa(col.num),
					"is_self_referencing": "NO", "is_identity": yes(col.identity != 0), "is_generated": "NEVER", "is_updatable": yes(r.kind == 'r')}
				if col.gen != 0 {
					v["is_generated"], v["generation_expression"] = "ALWAYS", col.def
				} else if col.def != "" {
					v["column_default"] = col.def
				}
				switch col.identity {
				case 'a':
					v["identity_generation"] = "ALWAYS"
				case 'd':
					v["identity_generation"] = "BY DEFAULT"
				}
				addTypeFacts(v, col)
				add(v)
			}
		}
	case "table_constraints":
		for _, con := range s.cons {
			add(map[string]any{"constraint_catalog": db, "constraint_schema": "public", "constraint_name": con.name,
				"table_catalog": db, "table_schema": "public", "table_name": con.table.name, "constraint_type": conType(con.kind),
				"is_deferrable": "NO", "initially_deferred": "NO", "enforced": "YES", "nulls_distinct": nullsDistinct(con)})
		}
	case "key_column_usage":
		for _, con := range s.cons {
			if con.kind == 'c' {
				continue
			}
			for i, k := range con.cols {
				v := map[string]any{"constraint_catalog": db, "constraint_schema": "public", "constraint_name": con.name,
					"table_catalog": db, "table_schema": "public", "table_name": con.table.name,
					"column_name": con.table.cols[k-1].name, "ordinal_position": i + 1}
				if con.kind == 'f' {
					pos := 0
					for _, ix := range con.ref.indexes {
						if ix.unique && sameInts(ix.keys, con.refCols) {
							for j, rk := range ix.keys {
								if rk == con.refCols[i] {
									pos = j + 1
								}
							}
						}
					}
					v["position_in_unique_constraint"] = pos
				}
				add(v)
			}
		}
	case "referential_constraints":
		for _, con := range s.cons {
			if con.kind != 'f' {
				continue
			}
			v := map[string]any{"constraint_catalog": db, "constraint_schema": "public", "constraint_name": con.name,
				"unique_constraint_catalog": db, "unique_constraint_schema": "public", "match_option": "NONE",
				"update_rule": ruleText(con.onUpdate), "delete_rule": ruleText(con.onDelete)}
			for _, ix := range con.ref.indexes {
				if ix.unique && ix.con != nil && sameInts(ix.keys, con.refCols) {
					v["unique_constraint_name"] = ix.con.name
				}
			}
			add(v)
		}
	case "check_constraints":
		for _, con := range s.cons {
			if con.kind == 'c' {
				add(map[string]any{"constraint_catalog": db, "constraint_schema": "public", "constraint_name": con.name,
					"check_clause": constraintDef(con, true)[len("CHECK "):]})
			}
		}
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

func conType(k byte) string {
	return map[byte]string{'p': "PRIMARY KEY", 'u': "UNIQUE", 'c': "CHECK", 'f': "FOREIGN KEY"}[k]
}

func nullsDistinct(c *constraint) any {
	if c.kind == 'u' {
		return "YES"
	}
	return nil
}

func ruleText(a byte) string {
	if s := actionText(a); s != "" {
		return s
	}
	return "NO ACTION"
}

// dataType is information_schema's data_type: the type without modifiers,
// ARRAY for arrays.
func dataType(col *column) string {
	if strings.HasSuffix(col.typ.Name, "[]") {
		return "ARRAY"
	}
	return col.typ.Name
}

func udtName(oid uint32) string {
	if n, ok := typeNames[int64(oid)]; ok {
		return n
	}
	return "text"
}

func addTypeFacts(v map[string]any, col *column) {
	mod := int64(col.typ.Modifier)
	switch col.typ.Name {
	case "character varying", "character":
		if mod > 0 {
			v["character_maximum_length"] = mod - 4
			v["character_octet_length"] = (mod - 4) * 4
		} else {
			v["character_octet_length"] = 1073741824
		}
	case "text":
		v["character_octet_length"] = 1073741824
	case "smallint", "integer", "bigint":
		v["numeric_precision"] = map[string]int{"smallint": 16, "integer": 32, "bigint": 64}[col.typ.Name]
		v["numeric_precision_radix"], v["numeric_scale"] = 2, 0
	case "real", "double precision":
		v["numeric_precision"] = map[string]int{"real": 24, "double precision": 53}[col.typ.Name]
		v["numeric_precision_radix"] = 2
	case "numeric":
		v["numeric_precision_radix"] = 10
		if mod > 0 {
			v["numeric_precision"], v["numeric_scale"] = (mod-4)>>16&0xffff, (mod-4)&0xffff
		}
	case "timestamp without time zone", "timestamp with time zone", "time without time zone", "time with time zone", "date":
		p := int64(6)
		if col.typ.Name == "date" {
			p = 0
		} else if mod >= 0 {
			p = mod
		}
		v["datetime_precision"] = p
	}
}
