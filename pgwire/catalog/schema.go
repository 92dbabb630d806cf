package catalog

import (
	"fmt"
	"hash/fnv"
	"slices"
	"sort"
	"strings"

	"sqlraft/fsm"
	"sqlraft/pgwire/dialect"
	"sqlraft/pgwire/pgname"
	"sqlraft/pgwire/pgvalue"
)

// Namespaces, roles and access methods with PostgreSQL 15's OIDs.
const (
	nsCatalog = 11
	nsPublic  = 2200
	// nsInfoSchema is information_schema's OID in the PostgreSQL 15.18
	// cluster the fixed data was read from (initdb assigns it).
	nsInfoSchema = 13207
	ownerOID     = 10
	// databaseOwnerOID is the pg_database_owner role, public's owner.
	databaseOwnerOID = 6171
	amHeap           = 2
	amBtree          = 403
	databaseOID      = 16384 // the first normal OID, as a first CREATE DATABASE gets
	// firstUserOID is FirstNormalObjectId: catalogs' own OIDs are below.
	firstUserOID = 16384
)

// schema is the database's schema as PostgreSQL's catalogs show it, read
// from one snapshot of sqlite_schema and the pragmas.
type schema struct {
	rels    []*relation // tables, views and indexes, by name
	byOID   map[uint32]*relation
	byName  map[string]*relation // lower-case name
	cons    []*constraint
	conOID  map[uint32]*constraint
	version int64
}

type relation struct {
	oid  uint32
	name string
	kind byte // 'r' table, 'v' view, 'i' index
	sql  string
	cols []*column
	// indexes and constraints of a table.
	indexes []*index
	cons    []*constraint
	// idx describes an index relation.
	idx *index
	// referenced is set when a foreign key references the table.
	referenced bool
	// ddl is what the CREATE TABLE text says beyond the pragmas.
	ddl tableDDL
}

type column struct {
	num      int
	name     string
	typ      pgvalue.Type
	notNull  bool
	def      string // pg_get_expr of the default or generation expression
	defOID   uint32
	gen      byte // attgenerated: 's' or 0
	identity byte // attidentity: 'a' or 'd' for an identity key (a rowid alias)
}

type index struct {
	rel             *relation
	table           *relation
	unique, primary bool
	keys            []int    // attnums, 0 for an expression
	exprs           []string // the key items as PostgreSQL prints them
	where           string
	con             *constraint
}

type constraint struct {
	oid     uint32
	name    string
	kind    byte // 'p', 'u', 'c', 'f'
	table   *relation
	cols    []int
	idx     *index
	check   string
	ref     *relation
	refCols []int
	// onUpdate and onDelete are PostgreSQL's action codes: a, r, c, n, d.
	onUpdate, onDelete byte
}

// load reads the schema through the connection.
func load(r fsm.Reader) (*schema, error) {
	rows, err := r.Query(`SELECT type, name, tbl_name, sql FROM main.sqlite_schema
		WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\_%' ESCAPE '\'
		AND name NOT LIKE '\_sqlraft%' ESCAPE '\' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	s := &schema{byOID: map[uint32]*relation{}, byName: map[string]*relation{}, conOID: map[uint32]*constraint{}}
	for _, row := range rows.Values {
		rel := &relation{name: row[1].Text(), kind: 'r', sql: row[3].Text()}
		if row[0].Text() == "view" {
			rel.kind = 'v'
		}
		if rel.kind == 'r' && strings.HasPrefix(strings.ToUpper(strings.TrimSpace(rel.sql)), "CREATE VIRTUAL") {
			continue // virtual tables (and FTS5's shadow tables, below) are not listed
		}
		s.add(rel)
	}
	for _, rel := range append([]*relation(nil), s.rels...) {
		if err := s.loadColumns(r, rel); err != nil {
			if rel.kind == 'v' {
				continue // a view over a dropped table
			}
			return nil, err
		}
		if rel.kind == 'r' {
			if err := s.loadTable(r, rel); err != nil {
				return nil, err
			}
		}
	}
	for _, rel := range s.rels {
		if rel.kind == 'r' {
			if err := s.loadForeignKeys(r, rel); err != nil {
				return nil, err
			}
		}
	}
	s.assignOIDs()
	return s, nil
}

func (s *schema) add(rel *relation) {
	s.rels = append(s.rels, rel)
	s.byName[strings.ToLower(rel.name)] = rel
}

func (s *schema) loadColumns(r fsm.Reader, rel *relation) error {
	rows, err := r.Query(`SELECT name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid`, fsm.TextValue(rel.name))
	if err != nil {
		return err
	}
	var ddl tableDDL
	var markers map[string]dialect.ColumnMarker
	if rel.kind == 'r' {
		ddl = parseTable(rel.sql)
		markers = dialect.ColumnMarkers(rel.sql)
	} else {
		markers = s.viewMarkers(r, rel, rows)
	}
	for _, row := range rows.Values {
		hidden := row[5].Int()
		if hidden == 1 { // a virtual table's hidden column
			continue
		}
		decl := row[1].Text()
		c := &column{num: len(rel.cols) + 1, name: row[0].Text(), notNull: row[2].Int() != 0}
		c.typ = columnType(decl)
		m, marked := markers[strings.ToLower(c.name)]
		switch {
		case decl == "INTEGER" && marked:
			// A serial or identity key (dialect/marker.go): PostgreSQL's
			// type, and its nextval default or attidentity.
			c.typ = columnType(m.Type)
			if rel.kind == 'r' {
				c.notNull = true
				if m.Serial() {
					c.def = nextvalDefault(rel.name, c.name)
				} else {
					c.identity = m.Identity
				}
			}
		case rel.kind == 'r' && decl == "INTEGER" && row[4].Int() == 1 && strings.Contains(strings.ToUpper(rel.sql), "AUTOINCREMENT"):
			// A key declared before markers: it numbers rows.
			c.identity, c.notNull = 'd', true
		}
		if !row[3].IsNull() {
			c.def = defaultText(row[3].Text(), c.typ)
		}
		if hidden == 2 || hidden == 3 {
			c.gen = 's'
			c.def = ddl.generated[strings.ToLower(c.name)]
		}
		rel.cols = append(rel.cols, c)
	}
	if rel.kind == 'r' {
		for _, ck := range ddl.checks {
			rel.cons = append(rel.cons, &constraint{name: ck.name, kind: 'c', table: rel, check: ck.expr})
		}
		rel.ddl = ddl
	}
	return nil
}

// nextvalDefault is a serial column's default as PostgreSQL prints it:
// nextval of the sequence PostgreSQL would have created,
// <table>_<column>_seq (truncated as PostgreSQL truncates names). No
// sequence exists here; SQLite's AUTOINCREMENT numbers the rows.
func nextvalDefault(table, column string) string {
	seq := quoteIdent(pgname.Object(table, column, "seq"))
	return "nextval('" + strings.ReplaceAll(seq, "'", "''") + "'::regclass)"
}

// viewMarkers are the markers of the serial and identity columns a
// view's columns come from, by the view's lower-case column name: SQLite
// declares them INTEGER in the view too. cols are the view's
// pragma_table_xinfo rows (name, type, ...).
func (s *schema) viewMarkers(r fsm.Reader, rel *relation, cols *fsm.Rows) map[string]dialect.ColumnMarker {
	found := false
	for _, row := range cols.Values {
		found = found || row[1].Text() == "INTEGER"
	}
	if !found {
		return nil
	}
	res, err := r.Query(`SELECT * FROM main.` + `"` + strings.ReplaceAll(rel.name, `"`, `""`) + `" LIMIT 0`)
	if err != nil {
		return nil
	}
	var out map[string]dialect.ColumnMarker
	for _, c := range res.Columns {
		if c.DeclType != "INTEGER" || c.Table == "" || c.Origin == "" {
			continue
		}
		t := s.byName[strings.ToLower(c.Table)]
		if t == nil || t.kind != 'r' {
			continue
		}
		if m, ok := dialect.ColumnMarkers(t.sql)[strings.ToLower(c.Origin)]; ok {
			if out == nil {
				out = map[string]dialect.ColumnMarker{}
			}
			out[strings.ToLower(c.Name)] = m
		}
	}
	return out
}

// columnType is the PostgreSQL type of a declared type; text when the
// declaration says nothing PostgreSQL knows.
func columnType(decl string) pgvalue.Type {
	if t, ok := pgvalue.FromDecl(decl); ok {
		return t
	}
	t, _ := pgvalue.ByOID(pgvalue.Text)
	return t
}

// defaultText is a default as pg_get_expr prints it: SQLite keeps the
// translator's text ('x', 42, (strftime(...)) for now()).
func defaultText(d string, t pgvalue.Type) string {
	d = strings.TrimSpace(d)
	for strings.HasPrefix(d, "(") && group(words(d), 0) == len(words(d)) {
		d = strings.TrimSpace(d[1 : len(d)-1])
	}
	switch d {
	case "strftime('%Y-%m-%d %H:%M:%f','now')", "strftime('%Y-%m-%d %H:%M:%S','now')", "CURRENT_TIMESTAMP":
		return "now()"
	case "date('now')", "CURRENT_DATE":
		return "CURRENT_DATE"
	}
	if ws := words(d); len(ws) == 1 && ws[0].Kind.IsString() && t.OID != pgvalue.Bytea {
		return d + "::" + strings.TrimSuffix(t.Name, "[]")
	}
	return d
}

func (s *schema) loadTable(r fsm.Reader, rel *relation) error {
	list, err := r.Query(`SELECT name, "unique", origin, partial FROM pragma_index_list(?) ORDER BY seq DESC`, fsm.TextValue(rel.name))
	if err != nil {
		return err
	}
	hasPK := false
	for _, row := range list.Values {
		iname, origin := row[0].Text(), row[2].Text()
		ix := &index{table: rel, unique: row[1].Int() != 0, primary: origin == "pk"}
		info, err := r.Query(`SELECT cid, name, "desc", coll FROM pragma_index_xinfo(?) WHERE key ORDER BY seqno`, fsm.TextValue(iname))
		if err != nil {
			return err
		}
		var names []string
		for _, k := range info.Values {
			num := int(k[0].Int()) + 1
			if k[0].Int() < 0 {
				num = 0
			}
			ix.keys = append(ix.keys, num)
			names = append(names, k[1].Text())
			item := quoteIdent(k[1].Text())
			if k[2].Int() != 0 {
				item += " DESC"
			}
			ix.exprs = append(ix.exprs, item)
		}
		irel := &relation{kind: 'i', idx: ix}
		ix.rel = irel
		switch origin {
		case "c":
			irel.name = iname
			sqlRow, err := r.Query(`SELECT sql FROM main.sqlite_schema WHERE type = 'index' AND name = ?`, fsm.TextValue(iname))
			if err != nil {
				return err
			}
			if len(sqlRow.Values) == 1 {
				d := parseIndex(sqlRow.Values[0][0].Text())
				if len(d.keys) == len(ix.exprs) {
					ix.exprs = d.keys
				}
				ix.where = d.where
			}
		case "pk":
			hasPK = true
			irel.name = s.constraintName(rel, 'p', names, func() string { return pgname.Object(rel.name, "", "pkey") })
		default:
			irel.name = s.constraintName(rel, 'u', names, func() string {
				return s.unique(pgname.Object(rel.name, pgname.Columns(names), "key"), rel.name, pgname.Columns(names), "key")
			})
		}
		if origin != "c" {
			kind := byte('u')
			if ix.primary {
				kind = 'p'
			}
			ix.con = &constraint{name: irel.name, kind: kind, table: rel, cols: ix.keys, idx: ix}
		}
		rel.indexes = append(rel.indexes, ix)
		s.add(irel)
	}
	if !hasPK { // a rowid alias (INTEGER PRIMARY KEY) has no index of its own
		pk, err := r.Query(`SELECT cid, name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, fsm.TextValue(rel.name))
		if err != nil {
			return err
		}
		if len(pk.Values) == 1 {
			n := pk.Values[0][1].Text()
			ix := &index{table: rel, unique: true, primary: true, keys: []int{int(pk.Values[0][0].Int()) + 1}, exprs: []string{quoteIdent(n)}}
			irel := &relation{kind: 'i', idx: ix, name: s.constraintName(rel, 'p', []string{n}, func() string { return pgname.Object(rel.name, "", "pkey") })}
			ix.rel = irel
			ix.con = &constraint{name: irel.name, kind: 'p', table: rel, cols: ix.keys, idx: ix}
			rel.indexes = append([]*index{ix}, rel.indexes...)
			s.add(irel)
		}
	}
	// Constraints in PostgreSQL's order of creation: the primary key, the
	// unique constraints, then CHECKs (already in rel.cons) get their names.
	var cons []*constraint
	for _, ix := range rel.indexes {
		if ix.con != nil {
			cons = append(cons, ix.con)
		}
	}
	used := map[string]bool{}
	for _, c := range cons {
		used[c.name] = true
	}
	for _, c := range rel.cons {
		if c.kind == 'c' && c.name == "" {
			col := ""
			ids := identifiers(c.check)
			var hit []string
			for _, cc := range rel.cols {
				if ids[strings.ToLower(cc.name)] {
					hit = append(hit, cc.name)
				}
			}
			if len(hit) == 1 {
				col = hit[0]
			}
			c.name = chooseName(rel.name, col, "check", used)
		}
		used[c.name] = true
	}
	rel.cons = append(cons, rel.cons...)
	return nil
}

// constraintName is the CONSTRAINT name written for the table constraint
// of this kind over these columns, else the default.
func (s *schema) constraintName(rel *relation, kind byte, cols []string, def func() string) string {
	for _, n := range rel.ddl.named {
		if n.kind == kind && slices.EqualFunc(n.cols, cols, strings.EqualFold) {
			return n.name
		}
	}
	return def()
}

// unique makes an index name unique among the relations as PostgreSQL's
// ChooseRelationName does: name, then name1, name2, ...
func (s *schema) unique(first, n1, n2, label string) string {
	name := first
	for i := 1; s.byName[strings.ToLower(name)] != nil; i++ {
		name = pgname.Object(n1, n2, fmt.Sprintf("%s%d", label, i))
	}
	return name
}

// chooseName is ChooseConstraintName: the first of name, name1, ... not
// used by the table's constraints.
func chooseName(table, col, label string, used map[string]bool) string {
	name := pgname.Object(table, col, label)
	for i := 1; used[name]; i++ {
		name = pgname.Object(table, col, fmt.Sprintf("%s%d", label, i))
	}
	return name
}

var fkActions = map[string]byte{"NO ACTION": 'a', "RESTRICT": 'r', "CASCADE": 'c', "SET NULL": 'n', "SET DEFAULT": 'd'}

func (s *schema) loadForeignKeys(r fsm.Reader, rel *relation) error {
	rows, err := r.Query(`SELECT id, "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id DESC, seq`, fsm.TextValue(rel.name))
	if err != nil {
		return err
	}
	var fks []*constraint
	var from, to [][]string
	last := int64(-1)
	for _, row := range rows.Values {
		if row[0].Int() != last || len(fks) == 0 {
			last = row[0].Int()
			c := &constraint{kind: 'f', table: rel, ref: s.byName[strings.ToLower(row[1].Text())],
				onUpdate: fkActions[row[4].Text()], onDelete: fkActions[row[5].Text()]}
			fks = append(fks, c)
			from, to = append(from, nil), append(to, nil)
		}
		k := len(fks) - 1
		from[k] = append(from[k], row[2].Text())
		to[k] = append(to[k], row[3].Text())
	}
	used := map[string]bool{}
	for _, c := range rel.cons {
		used[c.name] = true
	}
	for k, c := range fks {
		if c.ref == nil {
			continue // references a table that does not exist (SQLite allows it)
		}
		c.ref.referenced = true
		c.cols = attnums(rel, from[k])
		if to[k][0] == "" { // REFERENCES t without columns: t's primary key
			for _, ix := range c.ref.indexes {
				if ix.primary {
					c.refCols = ix.keys
				}
			}
		} else {
			c.refCols = attnums(c.ref, to[k])
		}
		c.name = s.constraintName(rel, 'f', from[k], func() string {
			return chooseName(rel.name, pgname.Columns(from[k]), "fkey", used)
		})
		used[c.name] = true
		rel.cons = append(rel.cons, c)
	}
	return nil
}

func attnums(rel *relation, names []string) []int {
	out := make([]int, len(names))
	for i, n := range names {
		for _, c := range rel.cols {
			if strings.EqualFold(c.name, n) {
				out[i] = c.num
			}
		}
	}
	return out
}

// oidOf hashes a key into the user OID range [16384, 2^31): FNV-1a, 32
// bits. Keys are lower-case names, so the same schema gives the same OIDs
// on every node, after every restart and VACUUM; a renamed object gets a
// new OID.
func oidOf(key string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(strings.ToLower(key)))
	return firstUserOID + h.Sum32()%(1<<31-firstUserOID)
}

// assignOIDs gives every relation, constraint and default its OID. A
// collision (two keys hashing alike) moves the later key, in name order,
// to the next free OID: deterministic, though then adding an object can
// move another's OID.
func (s *schema) assignOIDs() {
	used := map[uint32]bool{databaseOID: true}
	take := func(key string) uint32 {
		o := oidOf(key)
		for used[o] {
			o++
			if o >= 1<<31 {
				o = firstUserOID
			}
		}
		used[o] = true
		return o
	}
	sort.Slice(s.rels, func(i, j int) bool { return strings.ToLower(s.rels[i].name) < strings.ToLower(s.rels[j].name) })
	for _, rel := range s.rels {
		rel.oid = take("rel:" + rel.name)
		s.byOID[rel.oid] = rel
	}
	for _, rel := range s.rels {
		for _, c := range rel.cons {
			c.oid = take("con:" + rel.name + "." + c.name)
			s.conOID[c.oid] = c
			s.cons = append(s.cons, c)
		}
		for _, c := range rel.cols {
			if c.def != "" {
				c.defOID = take("def:" + rel.name + "." + c.name)
			}
		}
	}
}
