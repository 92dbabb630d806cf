package pgwire

import (
	"context"

	"github.com/jackc/pgx/v5/pgproto3"

	"sqlraft/fsm"
	"sqlraft/pgwire/pgerror"
	"sqlraft/pgwire/pgvalue"
)

// flushEvery bounds how many rows are buffered before they are written, so
// a large result streams instead of piling up in memory twice.
const flushEvery = 256

// sendResult sends a statement's outcome: notices, then EmptyQueryResponse,
// or RowDescription (when describe is set) with DataRows, then
// CommandComplete. limit > 0 sends at most limit rows (extended protocol);
// the caller handles suspension.
func (c *conn) sendResult(p *prepared, r *result, formats []int16, describe bool, _ int) *pgerror.Error {
	c.sendNotices(r)
	if r.empty {
		c.be.Send(&pgproto3.EmptyQueryResponse{})
		return nil
	}
	if r.hasRows {
		fields := resultFields(c.sess.schema, p, r)
		c.sess.nameRegColumns(context.Background(), fields, r.rows)
		if describe {
			c.be.Send(rowDescription(fields, formats))
		}
		if err := c.sendRows(fields, formats, r.rows); err != nil {
			return err
		}
	}
	c.be.Send(&pgproto3.CommandComplete{CommandTag: []byte(r.tag)})
	return nil
}

func (c *conn) sendNotices(r *result) {
	for _, n := range r.notices {
		nr := pgproto3.NoticeResponse(*n.Response())
		c.be.Send(&nr)
	}
	r.notices = nil
}

// resultFields are the columns announced for a result: those described
// before execution when they line up with what SQLite returned, else
// typed from the result itself.
func resultFields(sc *schemaCache, p *prepared, r *result) []field {
	if p.described && len(p.fields) == len(r.cols) {
		return p.fields
	}
	p.fields = fieldsFor(sc, p, r.cols, r.rows)
	p.described = true
	return p.fields
}

func rowDescription(fields []field, formats []int16) *pgproto3.RowDescription {
	rd := &pgproto3.RowDescription{Fields: make([]pgproto3.FieldDescription, len(fields))}
	for i, f := range fields {
		rd.Fields[i] = pgproto3.FieldDescription{
			Name:                 []byte(f.name),
			TableOID:             f.tableOID,
			TableAttributeNumber: f.attnum,
			DataTypeOID:          f.typ.OID,
			DataTypeSize:         f.typ.Size,
			TypeModifier:         f.typ.Modifier,
			Format:               formatFor(formats, i),
		}
	}
	return rd
}

// formatFor reads a Bind result-format list: none means text, one applies
// to every column, otherwise one per column.
func formatFor(formats []int16, i int) int16 {
	switch {
	case len(formats) == 0:
		return 0
	case len(formats) == 1:
		return formats[0]
	case i < len(formats):
		return formats[i]
	}
	return 0
}

// sendRows encodes and sends rows.
func (c *conn) sendRows(fields []field, formats []int16, rows [][]fsm.Value) *pgerror.Error {
	buf := make([]byte, 0, 512) // never nil: an empty value must not read as NULL
	vals := make([][]byte, len(fields))
	offs := make([]int, len(fields)+1)
	for n, row := range rows {
		buf = buf[:0]
		for i := range fields {
			offs[i] = len(buf)
			if i >= len(row) || row[i].IsNull() {
				offs[i] = -1
				continue
			}
			var err error
			if formatFor(formats, i) == 1 {
				buf, err = pgvalue.EncodeBinaryType(buf, fields[i].typ, row[i])
			} else {
				buf, err = pgvalue.EncodeTextType(buf, fields[i].typ, row[i])
			}
			if err != nil {
				e := pgerror.Convert(err, nil)
				if e.Code == "XX000" {
					e.Code = "22P02"
				}
				e.Message = "column \"" + fields[i].name + "\": " + e.Message
				return e
			}
		}
		offs[len(fields)] = len(buf)
		for i := range fields {
			if offs[i] < 0 {
				vals[i] = nil
				continue
			}
			end := len(buf)
			for j := i + 1; j <= len(fields); j++ {
				if offs[j] >= 0 {
					end = offs[j]
					break
				}
			}
			vals[i] = buf[offs[i]:end:end]
		}
		c.be.Send(&pgproto3.DataRow{Values: vals})
		if (n+1)%flushEvery == 0 {
			if err := c.be.Flush(); err != nil {
				return pgerror.New("08006", "connection lost while sending rows: %v", err)
			}
		}
	}
	return nil
}
