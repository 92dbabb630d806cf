package fsm

import "fmt"

// validator compiles statements, without running them, on a read-only
// connection with the apply connection's authorizer, driver and settings.
type validator struct {
	c   rawConn
	pol policy
}

func openValidator(path string) (*validator, error) {
	c, err := openRaw(validateDSN(path))
	if err != nil {
		return nil, err
	}
	v := &validator{c: c}
	for _, q := range tableFunctionSetup {
		if _, err := c.ExecContext(background, q, nil); err != nil {
			c.Close()
			return nil, fmt.Errorf("validator: %w", err)
		}
	}
	if err := c.RegisterAuthorizer(v.pol.authorize); err != nil {
		c.Close()
		return nil, err
	}
	return v, nil
}

func (v *validator) close() error { return v.c.Close() }

// refusal compiles q and returns why the policy refused it, or "".
func (v *validator) refusal(q string) string {
	v.pol.denied = ""
	st, err := v.c.PrepareContext(background, q)
	if err == nil {
		st.Close()
		return ""
	}
	return v.pol.denied
}

// Validate vets statements on the proposer before they are proposed, so a
// client learns at once that a statement cannot be replicated instead of
// after a round of consensus. It returns a *NotReplicableError for the
// first statement that Apply would refuse on policy grounds, and nil
// otherwise. Other errors (syntax, a table that an earlier statement of the
// same batch creates) are left to Apply, which reports them as results; so
// is anything Validate cannot see before execution. Apply enforces the same
// policy whatever Validate said.
func (f *FSM) Validate(stmts []Statement) error {
	f.swap.RLock()
	defer f.swap.RUnlock()
	if f.closed {
		return ErrClosed
	}
	for i, s := range stmts {
		info := analyze(s.SQL)
		if info.refuse != "" {
			return &NotReplicableError{Statement: i, SQL: s.SQL, Reason: info.refuse}
		}
		if name := info.closedName(false); name != "" {
			return &NotReplicableError{Statement: i, SQL: s.SQL, Reason: fmt.Sprintf("name %q belongs to sqlraft", name)}
		}
	}
	f.validMu.Lock()
	defer f.validMu.Unlock()
	for i, s := range stmts {
		if reason := f.valid.refusal(s.SQL); reason != "" {
			return &NotReplicableError{Statement: i, SQL: s.SQL, Reason: reason}
		}
	}
	return nil
}
