package pgwire

import (
	"context"

	"github.com/jackc/pgx/v5/pgproto3"

	"sqlraft/pgwire/dialect"
	"sqlraft/pgwire/pgerror"
)

// simpleQuery answers a Query message: every statement in order, stopping
// at the first error. Several statements outside a transaction block run
// as one implicit transaction, as in PostgreSQL: a migration file sent
// whole applies entirely or not at all.
func (c *conn) simpleQuery(ctx context.Context, q string) {
	s := c.sess
	defer c.readyForQuery()
	parts, err := dialect.Split(q)
	if err != nil {
		c.statementError(pgerror.Convert(err, nil))
		return
	}
	if len(parts) == 0 {
		c.be.Send(&pgproto3.EmptyQueryResponse{})
		return
	}
	// PostgreSQL parses the whole string before running any of it: a
	// syntax error anywhere runs nothing.
	stmts := make([]*prepared, 0, len(parts))
	control := false
	for _, part := range parts {
		p, perr := s.prepare(part.SQL, nil)
		if perr != nil {
			if perr.Position > 0 {
				perr.Position += int32(part.Pos)
			}
			c.statementError(perr)
			return
		}
		switch p.tr.Info.Command {
		case dialect.CmdBegin, dialect.CmdCommit, dialect.CmdRollback,
			dialect.CmdSavepoint, dialect.CmdRelease, dialect.CmdRollbackTo:
			control = true
		}
		stmts = append(stmts, p)
	}
	implicit := len(stmts) > 1 && !control && s.tx == nil
	if implicit {
		s.tx = s.newTxn(true, dialect.TxnMode{})
	}
	for _, p := range stmts {
		sctx, done := s.statementContext(ctx)
		var res *result
		var perr *pgerror.Error
		if p.tr.Info.Command == dialect.CmdCopy && (s.tx == nil || s.tx.failed == nil) {
			res, perr = c.copyStatement(sctx, p)
		} else {
			res, perr = s.run(sctx, p, nil)
		}
		done()
		if perr != nil {
			c.statementError(perr)
			return
		}
		if err := c.sendResult(p, res, nil, true, 0); err != nil {
			c.statementError(err)
			return
		}
	}
	if implicit && s.tx != nil && s.tx.implicit {
		sctx, done := s.statementContext(ctx)
		perr := s.commitTxn(sctx)
		done()
		if perr != nil {
			c.statementError(perr)
		}
	}
}

// statementError reports a failed statement of a simple Query.
func (c *conn) statementError(e *pgerror.Error) {
	c.sendError(e)
	c.sess.failed(e)
}

// readyForQuery reports changed parameters and the transaction status.
func (c *conn) readyForQuery() {
	for _, kv := range c.sess.settings.reportChanges() {
		c.be.Send(&pgproto3.ParameterStatus{Name: kv[0], Value: kv[1]})
	}
	c.be.Send(&pgproto3.ReadyForQuery{TxStatus: c.sess.txStatus()})
}
