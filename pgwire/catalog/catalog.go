package catalog

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"sync"

	"modernc.org/sqlite"
	"modernc.org/sqlite/vtab"

	"sqlraft/fsm"
	"sqlraft/fsm/tablefunc"
)

// Options describe the database the catalog shows.
type Options struct {
	// Database is pg_database's one row and information_schema's catalog
	// name; "" means "sqlraft".
	Database string
	// Owner is the role owning everything (OID 10); "" means "sqlraft".
	Owner string
	// Roles lists the roles created with SQL, for pg_roles, pg_authid and
	// pg_user. It is called while a catalog query runs on a read
	// connection, so it must answer from memory, never by querying the
	// state machine. Nil means none.
	Roles func() []Role
}

// Role is a role created with CREATE ROLE/USER.
type Role struct {
	Name string
	// Options are the options as written, upper case ("LOGIN",
	// "SUPERUSER", "CREATEDB", "NOLOGIN", ...).
	Options []string
}

// Catalog installs PostgreSQL 15's catalogs on the state machine's read
// connections. It is stateless between connections; each connection caches
// the schema it last read, keyed by SQLite's schema_version.
type Catalog struct {
	opts Options
}

// New returns a catalog for opts.
func New(opts Options) *Catalog {
	if opts.Database == "" {
		opts.Database = "sqlraft"
	}
	if opts.Owner == "" {
		opts.Owner = "sqlraft"
	}
	return &Catalog{opts: opts}
}

// moduleName is the virtual-table module behind every catalog table.
const moduleName = "pg_catalog_table"

// ReadSetup is the fsm option that installs the catalog: pg_catalog's
// tables as virtual tables in each read connection's temp schema (found
// unqualified, before main's tables, as pg_catalog comes first on
// PostgreSQL's search path), information_schema's in an attached in-memory
// database of that name, and the functions psql and drivers call.
func (c *Catalog) ReadSetup() fsm.ReadSetup {
	stmts := []string{"ATTACH ':memory:' AS information_schema"}
	for _, t := range tableDefs {
		if rest, ok := strings.CutPrefix(t.name, "information_schema."); ok {
			stmts = append(stmts, fmt.Sprintf("CREATE VIRTUAL TABLE information_schema.%s USING %s(%s)", quoteIdent(rest), moduleName, t.name))
		} else {
			stmts = append(stmts, fmt.Sprintf("CREATE VIRTUAL TABLE temp.%s USING %s(%s)", quoteIdent(t.name), moduleName, t.name))
		}
	}
	for _, name := range []string{"generate_series", "unnest", "pg_expandarray"} {
		stmts = append(stmts, fmt.Sprintf("CREATE VIRTUAL TABLE temp.%s USING %s(%s)", name, funcModuleName, name))
	}
	return fsm.ReadSetup{Register: c.register, Statements: stmts}
}

// conn is the catalog's state on one read connection.
type conn struct {
	cat *Catalog
	r   fsm.Reader

	mu     sync.Mutex
	cached *schema
}

// schema returns the schema as the connection's current snapshot has it.
func (c *conn) schema() (*schema, error) {
	v, err := c.r.Query("PRAGMA schema_version")
	if err != nil {
		return nil, err
	}
	version := v.Values[0][0].Int()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cached != nil && c.cached.version == version {
		return c.cached, nil
	}
	s, err := load(c.r)
	if err != nil {
		return nil, fmt.Errorf("catalog: %w", err)
	}
	s.version = version
	c.cached = s
	return s, nil
}

func (c *Catalog) register(d *sqlite.Driver, r fsm.Reader) error {
	cn := &conn{cat: c, r: r}
	if err := d.RegisterModule(moduleName, &module{cn}); err != nil {
		return err
	}
	if err := d.RegisterModule(funcModuleName, tablefunc.NewModule(tableFuncs...)); err != nil {
		return err
	}
	return cn.registerFunctions(d)
}

type module struct{ c *conn }

func (m *module) Create(ctx vtab.Context, args []string) (vtab.Table, error) {
	return m.Connect(ctx, args)
}

func (m *module) Connect(ctx vtab.Context, args []string) (vtab.Table, error) {
	if len(args) < 4 {
		return nil, fmt.Errorf("catalog: %s needs the table's name", moduleName)
	}
	t := tableByID[strings.TrimSpace(args[3])]
	if t == nil {
		return nil, fmt.Errorf("catalog: no catalog table %q", args[3])
	}
	if err := ctx.Declare(t.createSQL()); err != nil {
		return nil, err
	}
	return &table{c: m.c, def: t}, nil
}

type table struct {
	c   *conn
	def *tableDef
}

func (t *table) BestIndex(info *vtab.IndexInfo) error {
	info.EstimatedCost = 1000
	info.EstimatedRows = 100
	return nil
}

func (t *table) Open() (vtab.Cursor, error) { return &cursor{t: t}, nil }
func (t *table) Disconnect() error          { return nil }
func (t *table) Destroy() error             { return nil }

type cursor struct {
	t    *table
	rows [][]any
	i    int
}

func (c *cursor) Filter(int, string, []vtab.Value) error {
	s, err := c.t.c.schema()
	if err != nil {
		return err
	}
	c.rows, c.i = c.t.c.cat.rows(c.t.def, s), 0
	return nil
}

func (c *cursor) Next() error                        { c.i++; return nil }
func (c *cursor) Eof() bool                          { return c.i >= len(c.rows) }
func (c *cursor) Column(col int) (vtab.Value, error) { return driver.Value(c.rows[c.i][col]), nil }
func (c *cursor) Rowid() (int64, error)              { return int64(c.i + 1), nil }
func (c *cursor) Close() error                       { return nil }
