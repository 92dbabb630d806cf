package pgwire

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"sqlraft/fsm"
	"sqlraft/pgwire/dialect"
)

// schemaTTL bounds how stale the cached schema may be. It is only used to
// guess types of expressions and parameters and to name constraints in
// errors; a DDL statement run here invalidates it at once, one replicated
// from elsewhere within the TTL.
const schemaTTL = time.Second

// schemaCache answers questions about tables from the local database,
// cached for the whole server.
type schemaCache struct {
	fsm *fsm.FSM

	mu      sync.Mutex
	tables  map[string]*tableInfo
	fetched time.Time
}

type tableInfo struct {
	columns   map[string]string // name -> declared type
	canonical map[string]string // name -> canonical PostgreSQL type
	// markers are the serial and identity keys' PostgreSQL types, by
	// column name (dialect.ColumnMarkers): SQLite declares them INTEGER.
	markers map[string]dialect.ColumnMarker
	// unique lists the unique indexes: name, primary key?, columns.
	unique []uniqueIndex
	loaded bool // unique indexes loaded
}

type uniqueIndex struct {
	name    string
	primary bool
	columns []string
}

func newSchemaCache(f *fsm.FSM) *schemaCache {
	return &schemaCache{fsm: f, tables: map[string]*tableInfo{}}
}

func (c *schemaCache) invalidate() {
	c.mu.Lock()
	c.tables = map[string]*tableInfo{}
	c.mu.Unlock()
}

func (c *schemaCache) table(name string) *tableInfo {
	name = strings.ToLower(name)
	c.mu.Lock()
	if time.Since(c.fetched) > schemaTTL {
		c.tables = map[string]*tableInfo{}
		c.fetched = time.Now()
	}
	t, ok := c.tables[name]
	c.mu.Unlock()
	if ok {
		return t
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	t = &tableInfo{columns: map[string]string{}, canonical: map[string]string{}}
	// Reading sqlite_schema first makes the connection notice schema
	// changes; a pragma function alone reads its cached schema.
	rows, err := c.fsm.Query(ctx, `SELECT p.name, p.type, m.type = 'table' AND m.sql LIKE '%/*pg:%' AND p.type = 'INTEGER', m.sql
		FROM sqlite_schema AS m, pragma_table_info(m.name) AS p
		WHERE m.name = ?1 AND m.type IN ('table', 'view') ORDER BY p.cid`, fsm.TextValue(name))
	if err == nil {
		for _, r := range rows.Values {
			name, decl := strings.ToLower(r[0].Text()), r[1].Text()
			if r[2].Int() != 0 && t.markers == nil {
				t.markers = dialect.ColumnMarkers(r[3].Text())
			}
			t.columns[name] = decl
			t.canonical[name] = canonicalDecl(decl)
			if m, ok := t.markers[name]; ok && decl == "INTEGER" {
				t.canonical[name] = m.Type
			}
		}
	}
	c.mu.Lock()
	c.tables[name] = t
	c.mu.Unlock()
	return t
}

// columnType is the translator's Options.ColumnType: the canonical
// PostgreSQL type of table.column, or "".
func (c *schemaCache) columnType(table, column string) string {
	if c == nil || table == "" {
		return ""
	}
	return c.table(table).canonical[strings.ToLower(column)]
}

// integerType is the PostgreSQL type of a column SQLite declares INTEGER
// (the rowid alias): smallint, integer or bigint as the serial or
// identity key was declared, else "" (SQLite's own INTEGER, bigint).
func (c *schemaCache) integerType(table, column string) string {
	if c == nil || table == "" || column == "" {
		return ""
	}
	m, ok := c.table(table).markers[strings.ToLower(column)]
	if !ok {
		return ""
	}
	return m.Type
}

// UniqueIndex implements pgerror.Schema: the unique index of table over
// exactly columns, so errors name constraints as PostgreSQL would.
func (c *schemaCache) UniqueIndex(table string, columns []string) (string, bool, bool) {
	if c == nil {
		return "", false, false
	}
	t := c.table(table)
	c.mu.Lock()
	loaded := t.loaded
	c.mu.Unlock()
	if !loaded {
		c.loadUnique(table, t)
	}
	c.mu.Lock()
	unique := t.unique
	c.mu.Unlock()
	for _, u := range unique {
		if slices.EqualFunc(u.columns, columns, strings.EqualFold) {
			return u.name, u.primary, true
		}
	}
	return "", false, false
}

func (c *schemaCache) loadUnique(table string, t *tableInfo) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	var unique []uniqueIndex
	rows, err := c.fsm.Query(ctx, `SELECT il.name, il.origin = 'pk', group_concat(ii.name, ',')
		FROM sqlite_schema AS m, pragma_index_list(m.name) AS il, pragma_index_info(il.name) AS ii
		WHERE m.name = ?1 AND m.type = 'table' AND il."unique" GROUP BY il.name ORDER BY il.seq`, fsm.TextValue(table))
	if err == nil {
		for _, r := range rows.Values {
			unique = append(unique, uniqueIndex{name: r[0].Text(), primary: r[1].Int() == 1, columns: strings.Split(r[2].Text(), ",")})
		}
	}
	// A rowid-alias primary key (INTEGER PRIMARY KEY) has no index.
	pk, err := c.fsm.Query(ctx, `SELECT p.name FROM sqlite_schema AS m, pragma_table_info(m.name) AS p
		WHERE m.name = ?1 AND m.type = 'table' AND p.pk > 0 ORDER BY p.pk`, fsm.TextValue(table))
	if err == nil && len(pk.Values) > 0 {
		var cols []string
		for _, r := range pk.Values {
			cols = append(cols, r[0].Text())
		}
		found := false
		for _, u := range unique {
			if u.primary {
				found = true
			}
		}
		if !found {
			unique = append(unique, uniqueIndex{name: "sqlite_autoindex_" + table + "_pk", primary: true, columns: cols})
		}
	}
	c.mu.Lock()
	t.unique, t.loaded = unique, true
	c.mu.Unlock()
}

// canonicalDecl is the PostgreSQL type of a declared SQLite type. The
// rowid alias the translator declares for serial keys is spelled INTEGER
// (SQLite's own, 64-bit; the table's marker, read by table, may say
// otherwise) and REAL is SQLite's 8-byte float, while the
// translator declares int4 and float4 for PostgreSQL's integer and real.
func canonicalDecl(decl string) string {
	switch decl {
	case "INTEGER":
		return "bigint"
	case "REAL":
		return "double precision"
	}
	return dialect.CanonicalType(decl)
}
