package fsm

import (
	"fmt"
	"strings"

	"modernc.org/sqlite"
)

// policy is the authorizer of a connection that runs or vets replicated SQL.
// SQLite consults it while it compiles a statement (and again when it
// recompiles one after a schema change), including the bodies of triggers
// and views and the DEFAULT and CHECK expressions the statement uses.
//
// A policy starts closed: user SQL is vetted. The apply connection opens it
// (internal) around the statements the FSM itself runs: BEGIN, savepoints,
// the _sqlraft_meta update. Only the goroutine that runs statements on the
// connection touches it, so it needs no lock.
type policy struct {
	internal bool
	// system is set while a System command is applied: its statements may
	// also use the _sqlraft_sys_* tables (see systemPrefix).
	system bool
	// denied is the reason of the first refusal since it was cleared. A
	// refusal always fails the statement (SQLite says only "not
	// authorized", with SQLITE_AUTH or, for functions, SQLITE_ERROR).
	denied string
}

// deniedFunctions depend on the connection or on the physical file, not on
// the log: last_insert_rowid() is 0 after a restart, sqlite_version()
// changes in a rolling upgrade, sqlite_offset() moves when a snapshot
// compacts the file. RowsAffected and LastInsertID in Result and RETURNING
// replace the first three.
var deniedFunctions = map[string]string{
	"last_insert_rowid":         "is per-connection state; use RETURNING",
	"changes":                   "is per-connection state; use RETURNING or the statement's RowsAffected",
	"total_changes":             "is per-connection state",
	"sqlite_offset":             "exposes the physical layout of the file",
	"sqlite_version":            "differs between binaries",
	"sqlite_source_id":          "differs between binaries",
	"sqlite_compileoption_used": "differs between binaries",
	"sqlite_compileoption_get":  "differs between binaries",
	"fts5_source_id":            "differs between binaries",
	"load_extension":            "would run code that is not replicated",
}

// infoPragmas may be used by replicated SQL, with their argument (a table
// or index name): they read the logical schema, identical on every node.
var infoPragmas = map[string]bool{
	"table_info": true, "table_xinfo": true, "table_list": true,
	"index_list": true, "index_info": true, "index_xinfo": true,
	"foreign_key_list": true, "foreign_key_check": true, "collation_list": true,
}

// readPragmas may be read, never set, by replicated SQL: logical header
// fields and the settings every node pins identically.
var readPragmas = map[string]bool{
	"user_version": true, "application_id": true, "encoding": true,
	"foreign_keys": true, "recursive_triggers": true,
}

// virtualModules may back a CREATE VIRTUAL TABLE: their content lives in
// ordinary shadow tables and depends only on the statements applied.
var virtualModules = map[string]bool{"fts5": true, "rtree": true, "rtree_i32": true, "geopoly": true}

// physicalTables are eponymous virtual tables that read the file's layout.
var physicalTables = map[string]bool{"dbstat": true, "sqlite_dbpage": true}

const tempRefusal = "temporary objects (the temp schema) live in one connection of one node and are lost on restart"

// reserved reports names of this package's own objects.
func reserved(name string) bool {
	return strings.HasPrefix(strings.ToLower(name), "_sqlraft")
}

// systemPrefix starts the names of the tables the SQL front end keeps for
// itself (roles and their SCRAM verifiers, ...): replicated like any table,
// but only System commands and QuerySystem may touch them, so that no SQL
// user can read or forge them.
const systemPrefix = "_sqlraft_sys_"

// closed reports whether SQL may not use the name: every reserved name for
// user SQL; for system SQL, every reserved name but the system tables'.
func closed(name string, system bool) bool {
	return reserved(name) && !(system && strings.HasPrefix(strings.ToLower(name), systemPrefix))
}

func (p *policy) authorize(action sqlite.AuthorizerActionCode, arg1, arg2, db, _ string) sqlite.AuthorizerReturnCode {
	if p.internal {
		return sqlite.AuthorizerOK
	}
	if reason := refusal(action, arg1, arg2, db, p.system); reason != "" {
		if p.denied == "" {
			p.denied = reason
		}
		return sqlite.AuthorizerDeny
	}
	return sqlite.AuthorizerOK
}

// refusal is the replication policy: the reason an operation cannot be
// replicated, or "". system opens the system tables (closed).
func refusal(action sqlite.AuthorizerActionCode, arg1, arg2, db string, system bool) string {
	isClosed := func(name string) bool { return closed(name, system) }
	switch action {
	case sqlite.AuthAttach, sqlite.AuthDetach:
		return "ATTACH and DETACH (also used by VACUUM) reach files outside the replicated database"
	case sqlite.AuthPragma:
		name := strings.ToLower(arg1)
		if infoPragmas[name] || readPragmas[name] && arg2 == "" {
			return ""
		}
		if arg2 != "" {
			return fmt.Sprintf("PRAGMA %s=%s: connection settings are fixed identically on every node", arg1, arg2)
		}
		return fmt.Sprintf("PRAGMA %s is not on the list of read-only pragmas replicated SQL may use", arg1)
	case sqlite.AuthFunction:
		if why, ok := deniedFunctions[strings.ToLower(arg2)]; ok {
			return fmt.Sprintf("%s() %s", strings.ToLower(arg2), why)
		}
	case sqlite.AuthTransaction:
		return fmt.Sprintf("%s: each command is already one transaction (or one per statement); send the statements in one command", arg1)
	case sqlite.AuthSavepoint:
		if reserved(arg2) {
			return fmt.Sprintf("savepoint name %q is reserved", arg2)
		}
	case sqlite.AuthCreateTempTable, sqlite.AuthCreateTempIndex, sqlite.AuthCreateTempTrigger,
		sqlite.AuthCreateTempView, sqlite.AuthDropTempTable, sqlite.AuthDropTempIndex,
		sqlite.AuthDropTempTrigger, sqlite.AuthDropTempView:
		return tempRefusal
	case sqlite.AuthCreateVTable, sqlite.AuthDropVTable:
		if !virtualModules[strings.ToLower(arg2)] {
			return fmt.Sprintf("virtual table module %q is not replicable (allowed: fts5, rtree, rtree_i32, geopoly)", arg2)
		}
		if isClosed(arg1) {
			return fmt.Sprintf("name %q is reserved", arg1)
		}
	case sqlite.AuthRead:
		if physicalTables[strings.ToLower(arg1)] {
			return fmt.Sprintf("%s exposes the physical layout of the file", arg1)
		}
		if isClosed(arg1) {
			return fmt.Sprintf("table %q belongs to sqlraft", arg1)
		}
	case sqlite.AuthInsert, sqlite.AuthUpdate, sqlite.AuthDelete,
		sqlite.AuthCreateTable, sqlite.AuthDropTable, sqlite.AuthCreateView, sqlite.AuthDropView:
		if isClosed(arg1) {
			return fmt.Sprintf("table %q belongs to sqlraft", arg1)
		}
	case sqlite.AuthCreateIndex, sqlite.AuthDropIndex, sqlite.AuthCreateTrigger, sqlite.AuthDropTrigger:
		if isClosed(arg1) || isClosed(arg2) {
			return fmt.Sprintf("%q on %q: sqlraft's tables and names are reserved", arg1, arg2)
		}
	case sqlite.AuthAlterTable:
		if isClosed(arg2) {
			return fmt.Sprintf("table %q belongs to sqlraft", arg2)
		}
	}
	if db == "temp" {
		// ALTER TABLE ... RENAME rewrites the temp schema's own table
		// (triggers and views there may name the renamed table). No user
		// object can live there (creating one is refused above), so
		// reading and updating that table is the same on every node.
		if isTempSchemaTable(arg1) && (action == sqlite.AuthRead || action == sqlite.AuthUpdate) {
			return ""
		}
		// The table-valued functions the FSM creates there are pure.
		if action == sqlite.AuthRead && strings.EqualFold(arg1, "generate_series") {
			return ""
		}
		return tempRefusal
	}
	return ""
}

func isTempSchemaTable(name string) bool {
	switch strings.ToLower(name) {
	case "sqlite_temp_master", "sqlite_temp_schema", "sqlite_master", "sqlite_schema":
		return true
	}
	return false
}
