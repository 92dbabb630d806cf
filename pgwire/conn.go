package pgwire

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"

	"sqlraft/pgwire/pgerror"
)

// conn is one client connection: the protocol loop and its session.
type conn struct {
	srv *Server
	nc  net.Conn
	be  *pgproto3.Backend
	tls bool

	user, database string
	pid            uint32
	secret         [4]byte
	sess           *session

	// ignoreTillSync is set after an error in the extended protocol: every
	// message up to the next Sync is discarded, as PostgreSQL does.
	ignoreTillSync bool

	mu sync.Mutex
	// stmtCancel interrupts the statement running now (nil between
	// statements); a CancelRequest or terminate calls it.
	stmtCancel context.CancelCauseFunc
	// killed, once set, ends the session with this FATAL error at the next
	// opportunity (server shutdown, leadership change).
	killed *pgerror.Error
}

func newConn(s *Server, nc net.Conn) *conn {
	c := &conn{srv: s}
	c.setTransport(nc)
	return c
}

func (c *conn) setTransport(nc net.Conn) {
	c.nc = nc
	c.be = pgproto3.NewBackend(nc, nc)
	c.be.SetMaxBodyLen(c.srv.cfg.MaxMessageSize)
}

// errCanceled is the cause of a statement canceled by a CancelRequest.
var errCanceled = errors.New("canceling statement due to user request")

// cancelStatement interrupts the running statement, if any.
func (c *conn) cancelStatement() {
	c.mu.Lock()
	f := c.stmtCancel
	c.mu.Unlock()
	if f != nil {
		f(errCanceled)
	}
}

// terminate ends the session from another goroutine: the statement in
// progress is interrupted and the protocol loop, woken from its read,
// sends the FATAL error and closes.
func (c *conn) terminate(code, message string) {
	c.mu.Lock()
	if c.killed == nil {
		c.killed = pgerror.New(code, "%s", message)
	}
	f := c.stmtCancel
	c.mu.Unlock()
	if f != nil {
		f(errors.New(message))
	}
	_ = c.nc.SetReadDeadline(time.Unix(1, 0))
}

func (c *conn) killedErr() *pgerror.Error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.killed
}

// close releases what the session holds (its transaction, the write gate).
func (c *conn) close() {
	if c.sess != nil {
		c.sess.end()
	}
}

// loop reads and answers messages until the client leaves or the
// connection must end.
func (c *conn) loop(ctx context.Context) {
	for {
		idleLimit := c.idleInTransactionLimit()
		if idleLimit > 0 {
			_ = c.nc.SetReadDeadline(time.Now().Add(idleLimit))
		}
		msg, err := c.be.Receive()
		if idleLimit > 0 && c.killedErr() == nil {
			_ = c.nc.SetReadDeadline(time.Time{})
		}
		if err != nil {
			var ne net.Error
			if idleLimit > 0 && errors.As(err, &ne) && ne.Timeout() && c.killedErr() == nil {
				c.fatal(pgerror.New("25P03", "terminating connection due to idle-in-transaction timeout"))
				return
			}
			c.receiveFailed(err)
			return
		}
		if k := c.killedErr(); k != nil {
			c.fatal(k)
			return
		}
		if _, ok := msg.(*pgproto3.Terminate); ok {
			return
		}
		if c.ignoreTillSync {
			if _, ok := msg.(*pgproto3.Sync); !ok {
				continue
			}
		}
		switch m := msg.(type) {
		case *pgproto3.Query:
			c.simpleQuery(ctx, m.String)
		case *pgproto3.Parse:
			c.parse(ctx, m)
		case *pgproto3.Bind:
			c.bind(ctx, m)
		case *pgproto3.Describe:
			c.describe(ctx, m)
		case *pgproto3.Execute:
			c.execute(ctx, m)
		case *pgproto3.Close:
			c.closeObject(m)
		case *pgproto3.Sync:
			c.sync()
		case *pgproto3.Flush:
			// fall through to the flush below
		case *pgproto3.CopyData, *pgproto3.CopyDone, *pgproto3.CopyFail:
			// PostgreSQL ignores these outside COPY (a client may still be
			// streaming when its COPY failed).
			continue
		case *pgproto3.FunctionCall:
			c.extendedError(pgerror.New("0A000", "the fastpath function call protocol is not supported"))
		default:
			c.fatal(pgerror.New("08P01", "invalid frontend message type %T", msg))
			return
		}
		if err := c.be.Flush(); err != nil {
			return
		}
		if k := c.killedErr(); k != nil {
			c.fatal(k)
			return
		}
	}
}

// idleInTransactionLimit is idle_in_transaction_session_timeout while a
// transaction block is open, else 0. A client that leaves a write
// transaction open holds the leader's write gate; this bounds it.
func (c *conn) idleInTransactionLimit() time.Duration {
	if c.sess.tx == nil || c.sess.tx.implicit {
		return 0
	}
	return c.sess.settings.duration("idle_in_transaction_session_timeout")
}

// receiveFailed ends the session after a failed read: a client that left,
// a server-side termination, or a malformed message (08P01).
func (c *conn) receiveFailed(err error) {
	if k := c.killedErr(); k != nil {
		c.fatal(k)
		return
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) {
		return
	}
	var tooBig *pgproto3.ExceededMaxBodyLenErr
	if errors.As(err, &tooBig) {
		c.fatal(pgerror.New("08P01", "message of %d bytes is larger than the limit of %d bytes", tooBig.ActualBodyLen, tooBig.MaxExpectedBodyLen))
		return
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return
	}
	c.fatal(pgerror.New("08P01", "invalid message: %v", err))
}

// sendError sends an ErrorResponse for an error of a statement.
func (c *conn) sendError(e *pgerror.Error) {
	if e.Severity == "" {
		e.Severity = "ERROR"
	}
	c.be.Send(e.Response())
}

// extendedError reports an error in the extended protocol and discards
// messages until Sync.
func (c *conn) extendedError(e *pgerror.Error) {
	c.sendError(e)
	c.sess.failed(e)
	c.ignoreTillSync = true
}
