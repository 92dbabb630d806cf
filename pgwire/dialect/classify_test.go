package dialect

import (
	"reflect"
	"testing"
)

func classifyString(t *testing.T, sql string) Info {
	t.Helper()
	toks, err := Lex(sql)
	if err != nil {
		t.Fatalf("Lex(%q): %v", sql, err)
	}
	return Classify(toks)
}

func TestClassifyCommands(t *testing.T) {
	cases := []struct {
		in     string
		cmd    Command
		tag    string
		object string
		writes bool
		rows   bool
	}{
		{"select 1", CmdSelect, "SELECT", "", false, true},
		{"(select 1) union (select 2)", CmdSelect, "SELECT", "", false, true},
		{"table t", CmdSelect, "SELECT", "", false, true},
		{"values (1), (2)", CmdValues, "SELECT", "", false, true},
		{"select * into t2 from t", CmdSelect, "SELECT", "TABLE", true, false},
		{"insert into t values (1)", CmdInsert, "INSERT", "", true, false},
		{"insert into t values (1) returning id", CmdInsert, "INSERT", "", true, true},
		{"update t set a = 1", CmdUpdate, "UPDATE", "", true, false},
		{"delete from t", CmdDelete, "DELETE", "", true, false},
		{"merge into t using s on true when matched then delete", CmdMerge, "MERGE", "", true, false},
		{"with x as (select 1) select * from x", CmdSelect, "SELECT", "", false, true},
		{"with recursive x(n) as (select 1 union all select n+1 from x) select * from x", CmdSelect, "SELECT", "", false, true},
		{"with x as (delete from t returning *) select * from x", CmdSelect, "SELECT", "", true, true},
		{"with x as materialized (select 1), y as (update t set a = 1 returning a) select 1", CmdSelect, "SELECT", "", true, true},
		{"with x as (select 1) insert into t select * from x", CmdInsert, "INSERT", "", true, false},
		{"create table t (a int)", CmdCreate, "CREATE TABLE", "TABLE", true, false},
		{"create temp table t as select 1", CmdCreate, "SELECT", "TABLE", true, false},
		{"create unique index i on t (a)", CmdCreate, "CREATE INDEX", "INDEX", true, false},
		{"create or replace view v as select 1", CmdCreate, "CREATE VIEW", "VIEW", true, false},
		{"create materialized view v as select 1", CmdCreate, "SELECT", "MATERIALIZED VIEW", true, false},
		{"create extension if not exists pgcrypto", CmdCreate, "CREATE EXTENSION", "EXTENSION", true, false},
		{"create schema s", CmdCreate, "CREATE SCHEMA", "SCHEMA", true, false},
		{"create user bob", CmdCreate, "CREATE ROLE", "ROLE", true, false},
		{"alter table t add column b int", CmdAlter, "ALTER TABLE", "TABLE", true, false},
		{"alter user bob with password 'x'", CmdAlter, "ALTER ROLE", "ROLE", true, false},
		{"drop table if exists a, b cascade", CmdDrop, "DROP TABLE", "TABLE", true, false},
		{"drop materialized view v", CmdDrop, "DROP MATERIALIZED VIEW", "MATERIALIZED VIEW", true, false},
		{"drop role bob", CmdDrop, "DROP ROLE", "ROLE", true, false},
		{"truncate table a", CmdTruncate, "TRUNCATE TABLE", "", true, false},
		{"comment on column t.a is 'x'", CmdComment, "COMMENT", "COLUMN", true, false},
		{"grant all on t to bob", CmdGrant, "GRANT", "", true, false},
		{"revoke all on t from bob", CmdRevoke, "REVOKE", "", true, false},
		{"begin", CmdBegin, "BEGIN", "", false, false},
		{"start transaction read only", CmdBegin, "START TRANSACTION", "", false, false},
		{"commit", CmdCommit, "COMMIT", "", false, false},
		{"end work", CmdCommit, "COMMIT", "", false, false},
		{"rollback", CmdRollback, "ROLLBACK", "", false, false},
		{"abort", CmdRollback, "ROLLBACK", "", false, false},
		{"savepoint s", CmdSavepoint, "SAVEPOINT", "", false, false},
		{"release s", CmdRelease, "RELEASE", "", false, false},
		{"rollback to savepoint s", CmdRollbackTo, "ROLLBACK", "", false, false},
		{"set x = 1", CmdSet, "SET", "", false, false},
		{"set transaction isolation level serializable", CmdSetTransaction, "SET", "", false, false},
		{"reset x", CmdReset, "RESET", "", false, false},
		{"show x", CmdShow, "SHOW", "", false, true},
		{"discard all", CmdDiscard, "DISCARD ALL", "", false, false},
		{"deallocate all", CmdDeallocate, "DEALLOCATE ALL", "", false, false},
		{"deallocate prepare p", CmdDeallocate, "DEALLOCATE", "", false, false},
		{"prepare p as select 1", CmdPrepare, "PREPARE", "", false, false},
		{"execute p", CmdExecute, "", "", true, false},
		{"copy t from stdin", CmdCopy, "COPY", "", true, false},
		{"copy t to stdout", CmdCopy, "COPY", "", false, false},
		{"listen ch", CmdListen, "LISTEN", "", false, false},
		{"unlisten *", CmdUnlisten, "UNLISTEN", "", false, false},
		{"notify ch", CmdNotify, "NOTIFY", "", false, false},
		{"explain select 1", CmdExplain, "EXPLAIN", "", false, true},
		{"explain analyze delete from t", CmdExplain, "EXPLAIN", "", true, true},
		{"analyze t", CmdAnalyze, "ANALYZE", "", false, false},
		{"vacuum full t", CmdVacuum, "VACUUM", "", false, false},
		{"lock table t in exclusive mode", CmdLock, "LOCK TABLE", "", false, false},
		{"checkpoint", CmdCheckpoint, "CHECKPOINT", "", false, false},
		{"do $$ begin end $$", CmdDo, "DO", "", true, false},
		{"call p()", CmdCall, "CALL", "", true, false},
		{"refresh materialized view v", CmdOther, "REFRESH", "", true, false},
		{"-- nothing", CmdEmpty, "", "", false, false},
	}
	for _, c := range cases {
		got := classifyString(t, c.in)
		if got.Command != c.cmd || got.Tag != c.tag || got.Object != c.object || got.Writes != c.writes || got.ReturnsRows != c.rows {
			t.Errorf("Classify(%q) = {%v %q %q writes=%v rows=%v}, want {%v %q %q writes=%v rows=%v}", c.in,
				got.Command, got.Tag, got.Object, got.Writes, got.ReturnsRows, c.cmd, c.tag, c.object, c.writes, c.rows)
		}
	}
}

func TestClassifyDetails(t *testing.T) {
	yes, no := boolPtr(true), boolPtr(false)
	info := classifyString(t, "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY, NOT DEFERRABLE")
	if !reflect.DeepEqual(info.Txn, TxnMode{Isolation: "repeatable read", ReadOnly: yes, Deferrable: no}) {
		t.Errorf("BEGIN modes = %+v", info.Txn)
	}
	info = classifyString(t, "begin read write")
	if !reflect.DeepEqual(info.Txn, TxnMode{ReadOnly: no}) {
		t.Errorf("BEGIN READ WRITE modes = %+v", info.Txn)
	}
	info = classifyString(t, "set session characteristics as transaction isolation level read committed")
	if info.Command != CmdSetTransaction || info.Setting.Name != "session_characteristics" || info.Txn.Isolation != "read committed" {
		t.Errorf("SET SESSION CHARACTERISTICS = %+v", info)
	}
	if info := classifyString(t, "commit and chain"); !info.Chain {
		t.Error("COMMIT AND CHAIN: Chain not set")
	}
	if info := classifyString(t, "select * from t where a in (select b from u for share) "); !info.Locking {
		t.Error("FOR SHARE: Locking not set")
	}

	settings := []struct {
		in   string
		want Setting
	}{
		{"SET application_name = 'PostgreSQL JDBC Driver'", Setting{Name: "application_name", Value: "PostgreSQL JDBC Driver"}},
		{"SET extra_float_digits = 3", Setting{Name: "extra_float_digits", Value: "3"}},
		{"set local statement_timeout to -1", Setting{Name: "statement_timeout", Value: "-1", Local: true}},
		{"SET datestyle TO 'ISO'", Setting{Name: "datestyle", Value: "ISO"}},
		{"set DateStyle = ISO, MDY", Setting{Name: "datestyle", Value: "iso, mdy"}},
		{`SET search_path TO "$user", public`, Setting{Name: "search_path", Value: `"$user", public`}},
		{"set sqlraft.read_consistency = 'lease'", Setting{Name: "sqlraft.read_consistency", Value: "lease"}},
		{"set time zone 'UTC'", Setting{Name: "timezone", Value: "UTC"}},
		{"set time zone local", Setting{Name: "timezone", Default: true}},
		{"set names 'UTF8'", Setting{Name: "client_encoding", Value: "UTF8"}},
		{"set schema 'app'", Setting{Name: "search_path", Value: "app"}},
		{"SET ROLE 'flyway'", Setting{Name: "role", Value: "flyway"}},
		{"set session authorization default", Setting{Name: "session_authorization", Default: true}},
		{"set x to default", Setting{Name: "x", Default: true}},
		{"reset timezone", Setting{Name: "timezone", Default: true}},
		{"show transaction_read_only", Setting{Name: "transaction_read_only"}},
		{"SHOW TRANSACTION ISOLATION LEVEL", Setting{Name: "transaction_isolation"}},
	}
	for _, c := range settings {
		if got := classifyString(t, c.in).Setting; got != c.want {
			t.Errorf("Classify(%q).Setting = %+v, want %+v", c.in, got, c.want)
		}
	}

	info = classifyString(t, "CREATE ROLE bob WITH LOGIN ENCRYPTED PASSWORD 'se''cret' CONNECTION LIMIT 5 VALID UNTIL '2030-01-01' IN ROLE admins")
	if info.Role == nil || info.Role.Name != "bob" || info.Role.Password == nil || *info.Role.Password != "se'cret" ||
		!reflect.DeepEqual(info.Role.Options, []string{"LOGIN", "CONNECTION LIMIT 5", "VALID UNTIL 2030-01-01", "IN ROLE admins"}) {
		t.Errorf("CREATE ROLE = %+v %+v", info, info.Role)
	}
	info = classifyString(t, "alter role bob password null")
	if info.Role == nil || !info.Role.NullPassword {
		t.Errorf("ALTER ROLE PASSWORD NULL = %+v", info.Role)
	}
	info = classifyString(t, "alter user bob rename to carol")
	if info.Role == nil || info.Role.NewName != "carol" {
		t.Errorf("ALTER USER RENAME = %+v", info.Role)
	}

	info = classifyString(t, `COPY "public".t (a, "B") FROM STDIN WITH (FORMAT csv, HEADER true, DELIMITER ';')`)
	want := &CopySpec{Table: "public.t", Columns: []string{"a", "B"}, From: true, Stdio: true,
		Options: map[string]string{"format": "csv", "header": "true", "delimiter": ";"}}
	if !reflect.DeepEqual(info.Copy, want) || !info.Writes {
		t.Errorf("COPY = %+v, want %+v", info.Copy, want)
	}
	info = classifyString(t, `copy t to stdout with csv header delimiter as '|' null 'NULL'`)
	if info.Copy == nil || !reflect.DeepEqual(info.Copy.Options, map[string]string{"format": "csv", "header": "true", "delimiter": "|", "null": "NULL"}) {
		t.Errorf("COPY (legacy options) = %+v", info.Copy)
	}
	info = classifyString(t, `copy (select 1) to stdout`)
	if info.Copy == nil || info.Copy.Query != "select 1" || info.Copy.From {
		t.Errorf("COPY (query) = %+v", info.Copy)
	}

	info = classifyString(t, "PREPARE q (int, text) AS SELECT $1, $2")
	if info.Name != "q" || !reflect.DeepEqual(info.ParamTypes, []string{"integer", "text"}) ||
		info.Body != "SELECT $1, $2" || info.Inner == nil || info.Inner.Command != CmdSelect {
		t.Errorf("PREPARE = %+v", info)
	}
	info = classifyString(t, "EXECUTE q (1, 'a b')")
	if info.Name != "q" || !reflect.DeepEqual(info.Args, []string{"1", "'a b'"}) {
		t.Errorf("EXECUTE = %+v", info)
	}
	info = classifyString(t, "NOTIFY ch, 'hello'")
	if info.Name != "ch" || info.Payload != "hello" {
		t.Errorf("NOTIFY = %+v", info)
	}
	info = classifyString(t, "drop table if exists public.a, b")
	if !reflect.DeepEqual(info.Names, []string{"public.a", "b"}) {
		t.Errorf("DROP names = %v", info.Names)
	}
	info = classifyString(t, "truncate only a, b *")
	if !reflect.DeepEqual(info.Names, []string{"a", "b"}) {
		t.Errorf("TRUNCATE names = %v", info.Names)
	}
	info = classifyString(t, "create schema if not exists app")
	if info.Name != "app" {
		t.Errorf("CREATE SCHEMA name = %q", info.Name)
	}
	info = classifyString(t, "explain (analyze, buffers) update t set a = 1")
	if !info.Analyze || !info.Writes || info.Inner == nil || info.Inner.Command != CmdUpdate {
		t.Errorf("EXPLAIN ANALYZE = %+v", info)
	}
}

func TestClassifyFunctions(t *testing.T) {
	cases := []struct {
		in   string
		want []string
	}{
		{"select pg_advisory_lock($1)", []string{"pg_advisory_lock"}},
		{"SELECT pg_catalog.set_config('search_path', $1, false), now(), NOW()", []string{"set_config", "now"}},
		{"insert into t (a, b) values (nextval('s'), coalesce($1, 0))", []string{"nextval", "coalesce"}},
		{"create table public.t (a int check (a > 0), b int references u (id))", nil},
		{"create index i on t (lower(a))", []string{"lower"}},
		{"with x (a) as (select 1) select count(*) from x where exists (select 1) and a in (1)", []string{"count"}},
		{"select * from generate_series(1, 3) g join t on f(g) = t.a", []string{"generate_series", "f"}},
	}
	for _, c := range cases {
		if got := classifyString(t, c.in).Functions; !reflect.DeepEqual(got, c.want) {
			t.Errorf("Functions(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestCompleteTag(t *testing.T) {
	cases := []struct {
		in   string
		rows int64
		want string
	}{
		{"insert into t values (1)", 3, "INSERT 0 3"},
		{"select 1", 1, "SELECT 1"},
		{"update t set a = 1", 0, "UPDATE 0"},
		{"delete from t", 2, "DELETE 2"},
		{"create table t (a int)", 0, "CREATE TABLE"},
		{"create table t as select 1", 1, "SELECT 1"},
		{"start transaction", 0, "START TRANSACTION"},
		{"copy t from stdin", 7, "COPY 7"},
	}
	for _, c := range cases {
		if got := classifyString(t, c.in).CompleteTag(c.rows); got != c.want {
			t.Errorf("CompleteTag(%q, %d) = %q, want %q", c.in, c.rows, got, c.want)
		}
	}
}

func TestCanonicalType(t *testing.T) {
	cases := map[string]string{
		"INTEGER": "integer", "int4": "integer", "INT8": "bigint", "VARCHAR(20)": "character varying",
		"character varying": "character varying", "timestamptz": "timestamp with time zone",
		"TIMESTAMP WITH TIME ZONE(3)": "timestamp with time zone", "timestamp": "timestamp without time zone",
		"text array": "text[]", "int[]": "integer[]", "double precision": "double precision",
		"float(10)": "real", "float": "double precision", "bool": "boolean", "numeric(10,2)": "numeric",
		`"char"`: `"char"`, "pg_catalog.regclass": "regclass", "MyEnum": "myenum", "": "", "1": "",
		"serial": "integer", "bigserial": "bigint",
		// What decl writes: a modifier after ARRAY, int4 and float4.
		"character varying array(20)": "character varying[]", "float array(24)": "real[]",
		"timestamp with time zone array(3)": "timestamp with time zone[]", "character varying array(": "",
		"FLOAT4": "real", "float8": "double precision", "REAL": "real", "TEXT": "text",
	}
	for in, want := range cases {
		if got := CanonicalType(in); got != want {
			t.Errorf("CanonicalType(%q) = %q, want %q", in, got, want)
		}
	}
}
