package pgwire

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"

	"sqlraft/pgwire/pgerror"
)

// startupTimeout bounds the handshake: a client that connects and says
// nothing (or trickles bytes) is dropped, as PostgreSQL's
// authentication_timeout does.
const startupTimeout = 60 * time.Second

func (s *Server) serveConn(ctx context.Context, nc net.Conn) {
	defer nc.Close()
	defer func() {
		// Nothing a client sends may take the server down: a panic is a
		// bug, logged with its stack by the runtime's formatting, and the
		// connection is dropped.
		if r := recover(); r != nil {
			s.log.Error("session panicked; connection closed", "panic", r, "remote", nc.RemoteAddr().String())
		}
	}()
	c := newConn(s, nc)
	_ = nc.SetDeadline(time.Now().Add(startupTimeout))
	ok, err := c.startup(ctx)
	if err != nil || !ok {
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			s.log.Debug("startup failed", "remote", nc.RemoteAddr().String(), "err", err)
		}
		return
	}
	_ = c.nc.SetDeadline(time.Time{})
	defer s.unregister(c)
	defer c.close()
	c.loop(ctx)
}

// startup runs the startup phase: SSL/GSS negotiation, cancel requests,
// the startup message, authentication and the parameters every session
// reports. It returns false when the connection should just be closed.
func (c *conn) startup(ctx context.Context) (bool, error) {
	sslDone := false
	for {
		msg, err := c.be.ReceiveStartupMessage()
		if err != nil {
			c.fatalNoSession("08P01", "invalid startup packet: %v", err)
			return false, err
		}
		switch m := msg.(type) {
		case *pgproto3.SSLRequest:
			if sslDone {
				c.fatalNoSession("08P01", "SSL negotiation already done")
				return false, nil
			}
			sslDone = true
			if c.srv.cfg.TLS == nil {
				if _, err := c.nc.Write([]byte{'N'}); err != nil {
					return false, err
				}
				continue
			}
			if _, err := c.nc.Write([]byte{'S'}); err != nil {
				return false, err
			}
			tc := tls.Server(c.nc, c.srv.cfg.TLS)
			if err := tc.HandshakeContext(ctx); err != nil {
				return false, fmt.Errorf("TLS handshake: %w", err)
			}
			c.setTransport(tc)
			c.tls = true
		case *pgproto3.GSSEncRequest:
			if _, err := c.nc.Write([]byte{'N'}); err != nil {
				return false, err
			}
		case *pgproto3.CancelRequest:
			c.srv.cancel(m.ProcessID, m.SecretKey)
			return false, nil
		case *pgproto3.StartupMessage:
			return c.accept(ctx, m)
		default:
			c.fatalNoSession("08P01", "unexpected startup message %T", msg)
			return false, nil
		}
	}
}

// accept handles the StartupMessage: protocol version, user, database,
// authentication, then ParameterStatus, BackendKeyData and ReadyForQuery.
func (c *conn) accept(ctx context.Context, m *pgproto3.StartupMessage) (bool, error) {
	params := map[string]string{}
	var unknownOpts []string
	for k, v := range m.Parameters {
		if strings.HasPrefix(k, "_pq_.") {
			unknownOpts = append(unknownOpts, k)
			continue
		}
		params[k] = v
	}
	if m.ProtocolVersion != pgproto3.ProtocolVersion30 || len(unknownOpts) > 0 {
		// We speak 3.0 only; tell a 3.2 client (and one asking for
		// protocol options) so it can carry on with 3.0.
		c.be.Send(&pgproto3.NegotiateProtocolVersion{NewestMinorProtocol: 0, UnrecognizedOptions: unknownOpts})
	}
	user := params["user"]
	if user == "" {
		c.fatal(pgerror.New("28000", "no PostgreSQL user name specified in startup packet"))
		return false, nil
	}
	db := params["database"]
	if db == "" {
		db = user
	}
	if c.srv.cfg.Database != "" && db != c.srv.cfg.Database {
		c.fatal(pgerror.New("3D000", "database %q does not exist", db))
		return false, nil
	}
	c.user, c.database = user, db
	if ok, err := c.authenticate(ctx); !ok || err != nil {
		return false, err
	}
	if !c.srv.register(c) {
		c.fatal(pgerror.New("57P01", "the server is shutting down"))
		return false, nil
	}
	c.sess = newSession(c, params)
	c.be.Send(&pgproto3.AuthenticationOk{})
	for _, name := range reportedParams {
		c.be.Send(&pgproto3.ParameterStatus{Name: name, Value: c.sess.show(name)})
	}
	c.be.Send(&pgproto3.BackendKeyData{ProcessID: c.pid, SecretKey: c.secret[:]})
	c.be.Send(&pgproto3.ReadyForQuery{TxStatus: c.sess.txStatus()})
	if err := c.be.Flush(); err != nil {
		c.srv.unregister(c)
		return false, err
	}
	return true, nil
}

// fatalNoSession sends a FATAL error during startup, best effort.
func (c *conn) fatalNoSession(code, format string, args ...any) {
	c.fatal(pgerror.New(code, format, args...))
}

// fatal sends e as a FATAL error and flushes; the caller closes.
func (c *conn) fatal(e *pgerror.Error) {
	e.Severity = "FATAL"
	c.be.Send(e.Response())
	_ = c.be.Flush()
}
