package catalog

import (
	"hash/fnv"
	"sort"
	"strings"
)

// roleRow is one row of pg_roles: the owner (OID 10, every privilege, as
// the bootstrap superuser of PostgreSQL) and the roles created with SQL.
type roleRow struct {
	name                                                       string
	oid                                                        int64
	super, createRole, createDB, login, replication, bypassRLS bool
}

func (c *Catalog) roles() []roleRow {
	out := []roleRow{{name: c.opts.Owner, oid: ownerOID, super: true, createRole: true, createDB: true,
		login: true, replication: true, bypassRLS: true}}
	if c.opts.Roles == nil {
		return out
	}
	created := c.opts.Roles()
	sort.Slice(created, func(i, j int) bool { return created[i].Name < created[j].Name })
	for _, r := range created {
		if r.Name == c.opts.Owner {
			continue
		}
		row := roleRow{name: r.Name, oid: roleOID(r.Name)}
		for _, o := range r.Options {
			switch strings.ToUpper(strings.Fields(o + " x")[0]) {
			case "SUPERUSER":
				row.super = true
			case "CREATEROLE":
				row.createRole = true
			case "CREATEDB":
				row.createDB = true
			case "LOGIN":
				row.login = true
			case "NOLOGIN":
				row.login = false
			case "REPLICATION":
				row.replication = true
			case "BYPASSRLS":
				row.bypassRLS = true
			}
		}
		out = append(out, row)
	}
	return out
}

// roleOID gives a created role a stable OID, hashed from its name like
// relations' (the same on every node), below the relations' range.
func roleOID(name string) int64 {
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(name)))
	return 1_000_000 + int64(h.Sum32()%8_000_000)
}
