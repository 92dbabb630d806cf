package pgwire

import (
	"context"

	"github.com/jackc/pgx/v5/pgproto3"

	"sqlraft/fsm"
	"sqlraft/pgwire/pgerror"
	"sqlraft/pgwire/pgvalue"
)

// The extended query protocol: Parse, Bind, Describe, Execute, Close,
// Sync. Any error sends an ErrorResponse and discards messages up to the
// next Sync (conn.ignoreTillSync).

func (c *conn) parse(_ context.Context, m *pgproto3.Parse) {
	s := c.sess
	if m.Name != "" {
		if _, exists := s.stmts[m.Name]; exists {
			c.extendedError(pgerror.New("42P05", "prepared statement %q already exists", m.Name))
			return
		}
	}
	p, err := s.prepare(m.Query, m.ParameterOIDs)
	if err != nil {
		c.extendedError(err)
		return
	}
	s.stmts[m.Name] = p
	c.be.Send(&pgproto3.ParseComplete{})
}

func (c *conn) bind(_ context.Context, m *pgproto3.Bind) {
	s := c.sess
	p, ok := s.stmts[m.PreparedStatement]
	if !ok {
		c.extendedError(pgerror.New("26000", "prepared statement %q does not exist", m.PreparedStatement))
		return
	}
	if m.DestinationPortal != "" {
		if _, exists := s.portals[m.DestinationPortal]; exists {
			c.extendedError(pgerror.New("42P03", "cursor %q already exists", m.DestinationPortal))
			return
		}
	}
	if len(m.Parameters) != len(p.params) {
		c.extendedError(pgerror.New("08P01", "bind message supplies %d parameters, but prepared statement %q requires %d", len(m.Parameters), m.PreparedStatement, len(p.params)))
		return
	}
	if n := len(m.ParameterFormatCodes); n > 1 && n != len(m.Parameters) {
		c.extendedError(pgerror.New("08P01", "bind message has %d parameter formats but %d parameters", n, len(m.Parameters)))
		return
	}
	params := make([]fsm.Value, len(m.Parameters))
	for i, raw := range m.Parameters {
		format := formatFor(m.ParameterFormatCodes, i)
		if format != 0 && format != 1 {
			c.extendedError(pgerror.New("08P01", "unsupported format code: %d", format))
			return
		}
		if raw != nil {
			// The message buffer is reused by the next Receive.
			raw = append(make([]byte, 0, len(raw)), raw...)
		}
		v, err := pgvalue.DecodeParam(p.params[i], format, raw)
		if err != nil {
			e := pgerror.Convert(err, nil)
			if e.Code == "XX000" {
				e.Code = "22P02"
			}
			e.Message += " (parameter $" + itoa(i+1) + ")"
			c.extendedError(e)
			return
		}
		params[i] = v
	}
	for _, f := range m.ResultFormatCodes {
		if f != 0 && f != 1 {
			c.extendedError(pgerror.New("08P01", "unsupported format code: %d", f))
			return
		}
	}
	s.portals[m.DestinationPortal] = &portal{
		stmt:    p,
		params:  params,
		formats: append([]int16(nil), m.ResultFormatCodes...),
	}
	c.be.Send(&pgproto3.BindComplete{})
}

func (c *conn) describe(ctx context.Context, m *pgproto3.Describe) {
	s := c.sess
	switch m.ObjectType {
	case 'S':
		p, ok := s.stmts[m.Name]
		if !ok {
			c.extendedError(pgerror.New("26000", "prepared statement %q does not exist", m.Name))
			return
		}
		sctx, done := s.statementContext(ctx)
		err := s.describeFields(sctx, p)
		done()
		if err != nil {
			c.extendedError(err)
			return
		}
		c.be.Send(&pgproto3.ParameterDescription{ParameterOIDs: p.params})
		if p.tr.Info.ReturnsRows && p.fields != nil {
			c.be.Send(rowDescription(p.fields, nil))
		} else {
			c.be.Send(&pgproto3.NoData{})
		}
	case 'P':
		pt, ok := s.portals[m.Name]
		if !ok {
			c.extendedError(pgerror.New("34000", "portal %q does not exist", m.Name))
			return
		}
		p := pt.stmt
		sctx, done := s.statementContext(ctx)
		err := s.describeFields(sctx, p)
		done()
		if err != nil {
			c.extendedError(err)
			return
		}
		if !p.tr.Info.ReturnsRows || p.fields == nil {
			c.be.Send(&pgproto3.NoData{})
			return
		}
		if n := len(pt.formats); n > 1 && n != len(p.fields) {
			c.extendedError(pgerror.New("08P01", "bind message has %d result formats but query has %d columns", n, len(p.fields)))
			return
		}
		c.be.Send(rowDescription(p.fields, pt.formats))
	default:
		c.extendedError(pgerror.New("08P01", "invalid DESCRIBE message subtype %d", m.ObjectType))
	}
}

func (c *conn) execute(ctx context.Context, m *pgproto3.Execute) {
	s := c.sess
	pt, ok := s.portals[m.Portal]
	if !ok {
		c.extendedError(pgerror.New("34000", "portal %q does not exist", m.Portal))
		return
	}
	p := pt.stmt
	if pt.res == nil {
		sctx, done := s.statementContext(ctx)
		res, err := s.run(sctx, p, pt.params)
		done()
		if err != nil {
			c.extendedError(err)
			return
		}
		pt.res = res
		c.sendNotices(res)
	}
	r := pt.res
	if r.hasRows && pt.pos == 0 {
		s.nameRegColumns(ctx, resultFields(s.schema, p, r), r.rows)
	}
	if r.empty {
		c.be.Send(&pgproto3.EmptyQueryResponse{})
		return
	}
	if r.hasRows {
		fields := resultFields(s.schema, p, r)
		if n := len(pt.formats); n > 1 && n != len(fields) {
			c.extendedError(pgerror.New("08P01", "bind message has %d result formats but query has %d columns", n, len(fields)))
			return
		}
		rows := r.rows[pt.pos:]
		// As in PostgreSQL, reaching the limit suspends the portal even
		// when no row is left: the next Execute completes it.
		if m.MaxRows > 0 && uint32(len(rows)) >= m.MaxRows {
			rows = rows[:m.MaxRows]
			if err := c.sendRows(fields, pt.formats, rows); err != nil {
				c.extendedError(err)
				return
			}
			pt.pos += len(rows)
			pt.suspended = true
			c.be.Send(&pgproto3.PortalSuspended{})
			return
		}
		if err := c.sendRows(fields, pt.formats, rows); err != nil {
			c.extendedError(err)
			return
		}
		pt.pos += len(rows)
		if pt.suspended && !p.tr.Info.Returning {
			// A resumed query reports the rows of its last fetch.
			c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(p.tr.Info.CompleteTag(int64(len(rows))))})
			return
		}
	}
	c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(r.tag)})
}

func (c *conn) closeObject(m *pgproto3.Close) {
	s := c.sess
	switch m.ObjectType {
	case 'S':
		delete(s.stmts, m.Name)
	case 'P':
		delete(s.portals, m.Name)
	default:
		c.extendedError(pgerror.New("08P01", "invalid CLOSE message subtype %d", m.ObjectType))
		return
	}
	c.be.Send(&pgproto3.CloseComplete{})
}

func (c *conn) sync() {
	c.ignoreTillSync = false
	s := c.sess
	if s.tx == nil {
		// Portals live until the end of their transaction; outside a
		// block every Sync ends one.
		clear(s.portals)
	}
	c.readyForQuery()
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}
