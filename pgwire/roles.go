package pgwire

import (
	"context"
	"slices"
	"strings"
	"sync"

	"sqlraft/fsm"
	"sqlraft/pgwire/catalog"
	"sqlraft/pgwire/dialect"
	"sqlraft/pgwire/pgerror"
)

// Roles live in a replicated system table that user SQL cannot read or
// write (the state machine reserves _sqlraft names): the role name, its
// SCRAM verifier (never the password) and its options as written.
const rolesTable = "_sqlraft_sys_roles"

const rolesSchema = `CREATE TABLE IF NOT EXISTS ` + rolesTable + ` (
	name TEXT PRIMARY KEY,
	verifier TEXT,
	options TEXT NOT NULL DEFAULT ''
)`

type roleStore struct {
	fsm *fsm.FSM

	// cached is the role list as last read, for the catalog (which must
	// not query the state machine from inside a catalog query).
	mu     sync.Mutex
	cached []catalog.Role
}

func newRoleStore(f *fsm.FSM) *roleStore { return &roleStore{fsm: f} }

// Roles returns the roles as last read (catalog.Options.Roles).
func (r *roleStore) Roles() []catalog.Role {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.cached)
}

// refresh rereads the role list. Roles change through the log, on any
// node: the server calls this after a role command and periodically.
func (r *roleStore) refresh(ctx context.Context) {
	rows, err := r.fsm.QuerySystem(ctx, `SELECT name, options FROM `+rolesTable+` ORDER BY name`)
	var list []catalog.Role
	switch {
	case err == nil:
		for _, v := range rows.Values {
			list = append(list, catalog.Role{Name: v[0].Text(), Options: strings.Fields(v[1].Text())})
		}
	case !noSuchTable(err):
		return // keep the last list
	}
	r.mu.Lock()
	r.cached = list
	r.mu.Unlock()
}

// canLogin reports whether a created role may log in (it has LOGIN).
func (r *roleStore) canLogin(ctx context.Context, name string) (bool, error) {
	rows, err := r.fsm.QuerySystem(ctx, `SELECT options FROM `+rolesTable+` WHERE name = ?1`, fsm.TextValue(name))
	if err != nil {
		if noSuchTable(err) {
			return true, nil
		}
		return false, err
	}
	if len(rows.Values) == 0 {
		return true, nil // not a created role (trust)
	}
	return slices.Contains(strings.Fields(strings.ToUpper(rows.Values[0][0].Text())), "LOGIN"), nil
}

// anyPassword reports whether some role has a password.
func (r *roleStore) anyPassword(ctx context.Context) (bool, error) {
	rows, err := r.fsm.QuerySystem(ctx, `SELECT 1 FROM `+rolesTable+` WHERE verifier IS NOT NULL LIMIT 1`)
	if err != nil {
		if noSuchTable(err) {
			return false, nil
		}
		return false, err
	}
	return len(rows.Values) > 0, nil
}

// verifier returns a role's stored verifier ("" when it has no password).
func (r *roleStore) verifier(ctx context.Context, name string) (string, bool, error) {
	rows, err := r.fsm.QuerySystem(ctx, `SELECT coalesce(verifier, '') FROM `+rolesTable+` WHERE name = ?1`, fsm.TextValue(name))
	if err != nil {
		if noSuchTable(err) {
			return "", false, nil
		}
		return "", false, err
	}
	if len(rows.Values) == 0 {
		return "", false, nil
	}
	return rows.Values[0][0].Text(), true, nil
}

func noSuchTable(err error) bool {
	return strings.Contains(err.Error(), "no such table")
}

// roleCommand runs CREATE/ALTER/DROP ROLE (or USER) as a system entry of
// its own.
func (s *session) roleCommand(ctx context.Context, p *prepared) (*result, *pgerror.Error) {
	info := p.tr.Info
	if s.tx != nil && !s.tx.implicit {
		return nil, pgerror.New("25001", "%s cannot run inside a transaction block in sqlraft", info.Tag)
	}
	if err := s.requireLeader(p); err != nil {
		return nil, err
	}
	spec := info.Role
	name := info.Name
	if spec != nil && spec.Name != "" {
		name = spec.Name
	}
	// The verifier is computed here, on the proposer, with a fresh salt:
	// the log carries it, never the password.
	verifier := fsm.Value{}
	opts := ""
	if info.Command == dialect.CmdCreate && hasWords(p.sql, "create", "user") &&
		(spec == nil || !slices.Contains(spec.Options, "NOLOGIN")) {
		opts = "LOGIN" // CREATE USER is CREATE ROLE ... LOGIN
	}
	if spec != nil {
		opts = strings.TrimSpace(opts + " " + strings.Join(spec.Options, " "))
		if spec.Password != nil && !spec.NullPassword {
			v, err := makeVerifier(name, *spec.Password)
			if err != nil {
				return nil, pgerror.New("22023", "%v", err)
			}
			verifier = fsm.TextValue(v)
		}
	}
	stmts := []fsm.Statement{{SQL: rolesSchema}}
	var check func(res *fsm.Result) *pgerror.Error
	switch info.Command {
	case dialect.CmdCreate:
		stmts = append(stmts, fsm.Statement{
			SQL:    `INSERT INTO ` + rolesTable + `(name, verifier, options) VALUES (?1, ?2, ?3)`,
			Params: []fsm.Value{fsm.TextValue(name), verifier, fsm.TextValue(opts)},
		})
		check = func(res *fsm.Result) *pgerror.Error {
			if res.Err != nil && strings.Contains(res.Err.Message, "UNIQUE") {
				return pgerror.New("42710", "role %q already exists", name)
			}
			return nil
		}
	case dialect.CmdAlter:
		if spec != nil && spec.NewName != "" {
			stmts = append(stmts, fsm.Statement{
				// A SCRAM verifier does not depend on the role's name
				// (unlike PostgreSQL's old MD5 hashes): it stays valid.
				SQL:    `UPDATE ` + rolesTable + ` SET name = ?2 WHERE name = ?1`,
				Params: []fsm.Value{fsm.TextValue(name), fsm.TextValue(spec.NewName)},
			})
		} else {
			// A role that logged in by trust has no row yet: ALTER ROLE
			// creates it, so "ALTER USER me PASSWORD 'x'" works as users
			// expect from PostgreSQL, where their role exists.
			setVerifier := spec != nil && (spec.Password != nil || spec.NullPassword)
			q := `INSERT INTO ` + rolesTable + `(name, verifier, options) VALUES (?1, ?2, ?3)
				ON CONFLICT(name) DO UPDATE SET options = CASE WHEN ?3 = '' THEN options ELSE ?3 END`
			if setVerifier {
				q += `, verifier = ?2`
			}
			stmts = append(stmts, fsm.Statement{SQL: q, Params: []fsm.Value{fsm.TextValue(name), verifier, fsm.TextValue(opts)}})
		}
	case dialect.CmdDrop:
		names := info.Names
		if len(names) == 0 {
			names = []string{name}
		}
		for _, n := range names {
			stmts = append(stmts, fsm.Statement{SQL: `DELETE FROM ` + rolesTable + ` WHERE name = ?1`, Params: []fsm.Value{fsm.TextValue(n)}})
		}
		ifExists := hasWords(p.sql, "if", "exists")
		check = func(res *fsm.Result) *pgerror.Error {
			if ifExists || res.Err != nil {
				return nil
			}
			for i, st := range res.Statements[1:] {
				if st.RowsAffected == 0 {
					return pgerror.New("42704", "role %q does not exist", names[i])
				}
			}
			return nil
		}
	default:
		return nil, pgerror.New("0A000", "%s is not supported", info.Tag)
	}
	cmd := fsm.NewCommand(fsm.Atomic, stmts...)
	cmd.System = true
	release, err := s.srv.gate.acquireShared(ctx)
	if err != nil {
		return nil, s.convertErr(ctx, err)
	}
	defer release()
	res, perr := s.propose(cmd)
	if perr != nil {
		return nil, perr
	}
	s.srv.roles.refresh(ctx)
	if check != nil {
		if e := check(res); e != nil {
			return nil, e
		}
	}
	if res.Err != nil {
		return nil, pgerror.FromFSM(res.Err, nil)
	}
	return &result{tag: info.Tag}, nil
}
