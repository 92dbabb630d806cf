package pgwire

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgproto3"

	"sqlraft/fsm"
	"sqlraft/pgwire/dialect"
	"sqlraft/pgwire/pgerror"
	"sqlraft/pgwire/pgvalue"
)

// COPY ... FROM STDIN and COPY ... TO STDOUT in PostgreSQL's text and CSV
// formats (psql's \copy, psycopg2's copy_from/copy_expert, bulk loads).
// COPY FROM runs as one write, like one INSERT of all the rows: one log
// entry outside a transaction block, or part of the block's entry. Files
// on the server and the binary format are refused.

// maxCopyBytes bounds the data of one COPY FROM: it becomes one log entry.
const maxCopyBytes = 64 << 20

// copyRowsPerStatement keeps each INSERT under SQLite's parameter limit.
const copyRowsPerStatement = 256

type copyFormat struct {
	csv       bool
	binary    bool
	delimiter byte
	null      string
	quote     byte
	escape    byte
	header    bool
}

func copyFormatOf(spec *dialect.CopySpec) (copyFormat, *pgerror.Error) {
	f := copyFormat{delimiter: '\t', null: `\N`, quote: '"', escape: '"'}
	switch strings.ToLower(spec.Options["format"]) {
	case "", "text":
	case "csv":
		f.csv, f.delimiter, f.null = true, ',', ""
	case "binary":
		f.binary = true
	default:
		return f, pgerror.New("22023", "COPY format %q not recognized", spec.Options["format"])
	}
	one := func(name string, dst *byte) *pgerror.Error {
		if v, ok := spec.Options[name]; ok {
			if len(v) != 1 {
				return pgerror.New("22023", "COPY %s must be a single one-byte character", name)
			}
			*dst = v[0]
		}
		return nil
	}
	if err := one("delimiter", &f.delimiter); err != nil {
		return f, err
	}
	if err := one("quote", &f.quote); err != nil {
		return f, err
	}
	f.escape = f.quote
	if err := one("escape", &f.escape); err != nil {
		return f, err
	}
	if v, ok := spec.Options["null"]; ok {
		f.null = v
	}
	if v := strings.ToLower(spec.Options["header"]); v == "true" || v == "on" || v == "1" {
		f.header = true
	}
	return f, nil
}

// copyStatement runs a COPY statement of a simple Query.
func (c *conn) copyStatement(ctx context.Context, p *prepared) (*result, *pgerror.Error) {
	spec := p.tr.Info.Copy
	if spec == nil {
		return nil, pgerror.New("42601", "malformed COPY statement")
	}
	if !spec.Stdio {
		e := pgerror.New("0A000", "COPY to or from a file or program on the server is not supported")
		e.Hint = "Use COPY ... FROM STDIN / TO STDOUT (psql's \\copy does)."
		return nil, e
	}
	format, err := copyFormatOf(spec)
	if err != nil {
		return nil, err
	}
	if spec.From {
		return c.copyFrom(ctx, p, spec, format)
	}
	if format.binary {
		return nil, pgerror.New("0A000", "COPY TO in binary format is not supported by sqlraft; use text or csv")
	}
	return c.copyTo(ctx, spec, format)
}

// copyColumns are the target columns and their types.
func (s *session) copyColumns(ctx context.Context, spec *dialect.CopySpec) (string, []string, []uint32, *pgerror.Error) {
	table := spec.Table
	if i := strings.LastIndexByte(table, '.'); i >= 0 {
		table = table[i+1:]
	}
	table = strings.Trim(table, `"`)
	rows, err := s.srv.cfg.FSM.Query(ctx, `SELECT p.name, p.type FROM sqlite_schema AS m, pragma_table_info(m.name) AS p
		WHERE m.name = ?1 AND m.type = 'table' ORDER BY p.cid`, fsm.TextValue(table))
	if err != nil {
		return "", nil, nil, s.convertErr(ctx, err)
	}
	if len(rows.Values) == 0 {
		return "", nil, nil, pgerror.New("42P01", "relation %q does not exist", table)
	}
	decl := map[string]string{}
	var all []string
	for _, r := range rows.Values {
		name := r[0].Text()
		decl[strings.ToLower(name)] = r[1].Text()
		all = append(all, name)
	}
	cols := spec.Columns
	if len(cols) == 0 {
		cols = all
	}
	oids := make([]uint32, len(cols))
	for i, col := range cols {
		d, ok := decl[strings.ToLower(col)]
		if !ok {
			return "", nil, nil, pgerror.New("42703", "column %q of relation %q does not exist", col, table)
		}
		if t, ok := pgvalue.FromCanonical(s.schema.columnType(table, col)); ok {
			oids[i] = t.OID
		} else if t, ok := pgvalue.FromDecl(d); ok {
			oids[i] = t.OID
		}
	}
	return table, cols, oids, nil
}

func (c *conn) copyFrom(ctx context.Context, p *prepared, spec *dialect.CopySpec, format copyFormat) (*result, *pgerror.Error) {
	s := c.sess
	if err := s.requireLeader(p); err != nil {
		return nil, err
	}
	table, cols, oids, perr := s.copyColumns(ctx, spec)
	if perr != nil {
		return nil, perr
	}
	overall, codes := byte(0), make([]uint16, len(cols))
	if format.binary {
		overall = 1
		for i := range codes {
			codes[i] = 1
		}
	}
	c.be.Send(&pgproto3.CopyInResponse{OverallFormat: overall, ColumnFormatCodes: codes})
	if err := c.be.Flush(); err != nil {
		return nil, pgerror.New("08006", "connection lost: %v", err)
	}
	var data bytes.Buffer
	var failed *pgerror.Error
	for done := false; !done; {
		msg, err := c.be.Receive()
		if err != nil {
			return nil, pgerror.New("08P01", "connection lost during COPY: %v", err)
		}
		switch m := msg.(type) {
		case *pgproto3.CopyData:
			if failed == nil && data.Len()+len(m.Data) > maxCopyBytes {
				failed = pgerror.New("54000", "COPY FROM of more than %d MiB in one statement is not supported; split the data", maxCopyBytes>>20)
			}
			if failed == nil {
				data.Write(m.Data)
			}
		case *pgproto3.CopyDone:
			done = true
		case *pgproto3.CopyFail:
			return nil, pgerror.New("57014", "COPY from stdin failed: %s", m.Message)
		case *pgproto3.Flush, *pgproto3.Sync:
			// PostgreSQL ignores these during COPY IN.
		default:
			return nil, pgerror.New("08P01", "unexpected message type %T during COPY from stdin", msg)
		}
	}
	if failed != nil {
		return nil, failed
	}
	var records [][]*string
	if format.binary {
		records, perr = parseBinaryCopy(data.Bytes(), len(cols))
	} else {
		records, perr = parseCopy(data.Bytes(), format, len(cols))
	}
	if perr != nil {
		return nil, perr
	}
	valueFormat := int16(0)
	if format.binary {
		valueFormat = 1
	}
	var stmts []fsm.Statement
	quoted := make([]string, len(cols))
	for i, col := range cols {
		quoted[i] = `"` + strings.ReplaceAll(col, `"`, `""`) + `"`
	}
	prefix := `INSERT INTO "` + strings.ReplaceAll(table, `"`, `""`) + `" (` + strings.Join(quoted, ", ") + `) VALUES `
	for start := 0; start < len(records); start += copyRowsPerStatement {
		end := min(start+copyRowsPerStatement, len(records))
		var sb strings.Builder
		sb.WriteString(prefix)
		var params []fsm.Value
		for r := start; r < end; r++ {
			if r > start {
				sb.WriteString(", ")
			}
			sb.WriteByte('(')
			for i, field := range records[r] {
				if i > 0 {
					sb.WriteString(", ")
				}
				var v fsm.Value
				if field != nil {
					dv, err := pgvalue.DecodeParam(oids[i], valueFormat, []byte(*field))
					if err != nil {
						e := pgerror.Convert(err, nil)
						e.Message += fmt.Sprintf(" (COPY %s, line %d, column %s)", table, r+1+boolInt(format.header), cols[i])
						return nil, e
					}
					v = dv
				}
				params = append(params, v)
				fmt.Fprintf(&sb, "?%d", len(params))
			}
			sb.WriteByte(')')
		}
		stmts = append(stmts, fsm.Statement{SQL: sb.String(), Params: params})
	}
	if len(stmts) == 0 {
		return &result{tag: "COPY 0"}, nil
	}
	affected, perr := s.writeStatements(ctx, p, stmts)
	if perr != nil {
		return nil, perr
	}
	return &result{tag: fmt.Sprintf("COPY %d", affected)}, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// writeStatements runs statements that write as one unit: in the
// transaction block, or as one log entry.
func (s *session) writeStatements(ctx context.Context, p *prepared, stmts []fsm.Statement) (int64, *pgerror.Error) {
	if t := s.tx; t != nil {
		if t.wtx == nil {
			if err := s.requireLeader(p); err != nil {
				return 0, err
			}
		}
		if t.readOnly {
			return 0, s.readOnlyError(p)
		}
		if t.wtx == nil {
			if err := t.startWrite(ctx, s); err != nil {
				return 0, err
			}
		}
		var affected int64
		for _, st := range stmts {
			r := t.wtx.Exec(ctx, st)
			if r.Err != nil {
				return 0, pgerror.FromFSM(r.Err, s.schema)
			}
			affected += r.RowsAffected
		}
		return affected, nil
	}
	if s.settings.readOnlyByDefault() {
		return 0, s.readOnlyError(p)
	}
	release, err := s.srv.gate.acquireShared(ctx)
	if err != nil {
		return 0, s.convertErr(ctx, err)
	}
	defer release()
	res, perr := s.propose(fsm.NewCommand(fsm.Atomic, stmts...))
	if perr != nil {
		return 0, perr
	}
	if res.Err != nil {
		return 0, pgerror.FromFSM(res.Err, s.schema)
	}
	var affected int64
	for _, st := range res.Statements {
		affected += st.RowsAffected
	}
	return affected, nil
}

// parseCopy splits COPY data into records of fields (nil is NULL).
func parseCopy(data []byte, f copyFormat, ncols int) ([][]*string, *pgerror.Error) {
	var out [][]*string
	line := 0
	for len(data) > 0 {
		line++
		var fields []*string
		var err *pgerror.Error
		if f.csv {
			fields, data, err = csvRecord(data, f)
		} else {
			var raw []byte
			if i := bytes.IndexByte(data, '\n'); i >= 0 {
				raw, data = data[:i], data[i+1:]
			} else {
				raw, data = data, nil
			}
			raw = bytes.TrimSuffix(raw, []byte{'\r'})
			if string(raw) == `\.` {
				break
			}
			fields, err = textRecord(raw, f)
		}
		if err != nil {
			err.Message += fmt.Sprintf(" (COPY data line %d)", line)
			return nil, err
		}
		if f.header && line == 1 {
			continue
		}
		if fields == nil {
			break // end-of-data marker
		}
		if len(fields) != ncols {
			return nil, pgerror.New("22P04", "COPY data line %d has %d columns, expected %d", line, len(fields), ncols)
		}
		out = append(out, fields)
	}
	return out, nil
}

// textRecord reads one line of PostgreSQL's text format.
func textRecord(raw []byte, f copyFormat) ([]*string, *pgerror.Error) {
	var fields []*string
	var cur []byte
	escaped := false // the field used an escape: never NULL
	flush := func() {
		if !escaped && string(cur) == f.null {
			fields = append(fields, nil)
		} else {
			s := string(cur)
			fields = append(fields, &s)
		}
		cur, escaped = cur[:0], false
	}
	for i := 0; i < len(raw); i++ {
		ch := raw[i]
		switch {
		case ch == f.delimiter:
			flush()
		case ch == '\\' && i+1 < len(raw):
			i++
			e := raw[i]
			switch e {
			case 'N':
				cur = append(cur, '\\', 'N') // compared with the NULL marker at the end of the field
				continue
			case 't':
				cur = append(cur, '\t')
			case 'n':
				cur = append(cur, '\n')
			case 'r':
				cur = append(cur, '\r')
			case 'b':
				cur = append(cur, '\b')
			case 'f':
				cur = append(cur, '\f')
			case 'v':
				cur = append(cur, '\v')
			case 'x':
				v, n := 0, 0
				for n < 2 && i+1 < len(raw) && isHex(raw[i+1]) {
					i++
					v = v*16 + hexVal(raw[i])
					n++
				}
				if n == 0 {
					cur = append(cur, 'x')
				} else {
					cur = append(cur, byte(v))
				}
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for n := 1; n < 3 && i+1 < len(raw) && raw[i+1] >= '0' && raw[i+1] <= '7'; n++ {
						i++
						v = v*8 + int(raw[i]-'0')
					}
					cur = append(cur, byte(v))
				} else {
					cur = append(cur, e)
				}
			}
			escaped = true
		default:
			cur = append(cur, ch)
		}
	}
	flush()
	return fields, nil
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func hexVal(c byte) int {
	switch {
	case c >= 'a':
		return int(c-'a') + 10
	case c >= 'A':
		return int(c-'A') + 10
	}
	return int(c - '0')
}

// csvRecord reads one CSV record (which may span lines inside quotes).
// An unquoted field equal to the NULL string is NULL; a quoted one never.
func csvRecord(data []byte, f copyFormat) ([]*string, []byte, *pgerror.Error) {
	if bytes.HasPrefix(data, []byte("\\.\n")) || string(data) == `\.` || bytes.HasPrefix(data, []byte("\\.\r\n")) {
		return nil, nil, nil
	}
	var fields []*string
	var cur []byte
	quoted := false
	i := 0
	for {
		if i >= len(data) || data[i] == '\n' || data[i] == '\r' || data[i] == f.delimiter {
			if !quoted && string(cur) == f.null {
				fields = append(fields, nil)
			} else {
				s := string(cur)
				fields = append(fields, &s)
			}
			cur, quoted = nil, false
			if i >= len(data) {
				return fields, nil, nil
			}
			if data[i] == f.delimiter {
				i++
				continue
			}
			if data[i] == '\r' && i+1 < len(data) && data[i+1] == '\n' {
				i++
			}
			return fields, data[i+1:], nil
		}
		if data[i] == f.quote {
			quoted = true
			i++
			for {
				if i >= len(data) {
					return nil, nil, pgerror.New("22P04", "unterminated CSV quoted field")
				}
				if data[i] == f.escape && i+1 < len(data) && data[i+1] == f.quote {
					cur = append(cur, f.quote)
					i += 2
					continue
				}
				if data[i] == f.quote {
					i++
					break
				}
				cur = append(cur, data[i])
				i++
			}
			continue
		}
		cur = append(cur, data[i])
		i++
	}
}

func (c *conn) copyTo(ctx context.Context, spec *dialect.CopySpec, format copyFormat) (*result, *pgerror.Error) {
	s := c.sess
	q := spec.Query
	if q == "" {
		table, cols, _, perr := s.copyColumns(ctx, spec)
		if perr != nil {
			return nil, perr
		}
		quoted := make([]string, len(cols))
		for i, col := range cols {
			quoted[i] = `"` + strings.ReplaceAll(col, `"`, `""`) + `"`
		}
		q = "SELECT " + strings.Join(quoted, ", ") + ` FROM "` + strings.ReplaceAll(table, `"`, `""`) + `"`
	}
	inner, perr := s.prepare(q, nil)
	if perr != nil {
		return nil, perr
	}
	if inner.tr.Info.Writes || !inner.tr.Info.ReturnsRows {
		return nil, pgerror.New("0A000", "COPY (query) TO supports only queries that return rows")
	}
	res, perr := s.run(ctx, inner, nil)
	if perr != nil {
		return nil, perr
	}
	fields := resultFields(s.schema, inner, res)
	s.nameRegColumns(ctx, fields, res.rows)
	c.be.Send(&pgproto3.CopyOutResponse{OverallFormat: 0, ColumnFormatCodes: make([]uint16, len(fields))})
	var line []byte
	if format.header && format.csv {
		for i, f := range fields {
			if i > 0 {
				line = append(line, format.delimiter)
			}
			line = csvField(line, []byte(f.name), format)
		}
		line = append(line, '\n')
		c.be.Send(&pgproto3.CopyData{Data: line})
	}
	for n, row := range res.rows {
		line = line[:0]
		for i, v := range row {
			if i > 0 {
				line = append(line, format.delimiter)
			}
			if v.IsNull() {
				line = append(line, format.null...)
				continue
			}
			text, err := pgvalue.EncodeTextType(nil, fields[i].typ, v)
			if err != nil {
				return nil, pgerror.Convert(err, nil)
			}
			if format.csv {
				line = csvField(line, text, format)
			} else {
				line = textField(line, text, format.delimiter)
			}
		}
		line = append(line, '\n')
		c.be.Send(&pgproto3.CopyData{Data: line})
		if (n+1)%flushEvery == 0 {
			if err := c.be.Flush(); err != nil {
				return nil, pgerror.New("08006", "connection lost during COPY: %v", err)
			}
		}
	}
	c.be.Send(&pgproto3.CopyDone{})
	return &result{tag: fmt.Sprintf("COPY %d", len(res.rows))}, nil
}

// textField escapes a value for the text format.
func textField(dst, v []byte, delim byte) []byte {
	for _, ch := range v {
		switch ch {
		case '\\':
			dst = append(dst, '\\', '\\')
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			if ch == delim {
				dst = append(dst, '\\', ch)
			} else {
				dst = append(dst, ch)
			}
		}
	}
	return dst
}

// csvField quotes a value for CSV when it must be.
func csvField(dst, v []byte, f copyFormat) []byte {
	need := len(v) == 0 || string(v) == f.null ||
		bytes.IndexByte(v, f.delimiter) >= 0 || bytes.IndexByte(v, f.quote) >= 0 ||
		bytes.IndexByte(v, '\n') >= 0 || bytes.IndexByte(v, '\r') >= 0
	if !need {
		return append(dst, v...)
	}
	dst = append(dst, f.quote)
	for _, ch := range v {
		if ch == f.quote || ch == f.escape {
			dst = append(dst, f.escape)
		}
		dst = append(dst, ch)
	}
	return append(dst, f.quote)
}

// binaryCopySignature starts PostgreSQL's binary COPY format.
var binaryCopySignature = []byte("PGCOPY\n\xff\r\n\x00")

// parseBinaryCopy reads the binary COPY format (pgx's CopyFrom): the
// header, then per tuple a field count and length-prefixed fields (-1 is
// NULL), ending with a count of -1. Fields stay in their binary form for
// DecodeParam.
func parseBinaryCopy(data []byte, ncols int) ([][]*string, *pgerror.Error) {
	bad := func(what string) *pgerror.Error {
		return pgerror.New("22P04", "invalid binary COPY data: %s", what)
	}
	if !bytes.HasPrefix(data, binaryCopySignature) || len(data) < len(binaryCopySignature)+8 {
		return nil, bad("missing the PGCOPY signature")
	}
	p := data[len(binaryCopySignature):]
	u32 := func() (uint32, bool) {
		if len(p) < 4 {
			return 0, false
		}
		v := uint32(p[0])<<24 | uint32(p[1])<<16 | uint32(p[2])<<8 | uint32(p[3])
		p = p[4:]
		return v, true
	}
	flags, _ := u32()
	if flags&(1<<16) != 0 {
		return nil, bad("OIDs are not supported")
	}
	ext, ok := u32()
	if !ok || uint64(ext) > uint64(len(p)) {
		return nil, bad("truncated header")
	}
	p = p[ext:]
	var out [][]*string
	for {
		if len(p) == 0 {
			return out, nil // CopyDone ends the data; the -1 trailer is optional (pgx omits it)
		}
		if len(p) < 2 {
			return nil, bad("truncated field count")
		}
		n := int16(uint16(p[0])<<8 | uint16(p[1]))
		p = p[2:]
		if n == -1 {
			return out, nil
		}
		if int(n) != ncols {
			return nil, pgerror.New("22P04", "binary COPY row %d has %d fields, expected %d", len(out)+1, n, ncols)
		}
		row := make([]*string, ncols)
		for i := range row {
			l, ok := u32()
			if !ok {
				return nil, bad("truncated field length")
			}
			if int32(l) == -1 {
				continue
			}
			if int32(l) < 0 || uint64(l) > uint64(len(p)) {
				return nil, bad("field length out of range")
			}
			s := string(p[:l])
			row[i] = &s
			p = p[l:]
		}
		out = append(out, row)
	}
}
