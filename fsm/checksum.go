package fsm

import (
	"context"
	"crypto/sha256"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"strings"
)

// Checksum is a logical checksum of the user content, independent of the
// physical file (page layout, free pages, VACUUM, WAL state), so two
// replicas at the same applied index compare equal exactly when their
// content is the same. It covers, in a fixed order:
//
//   - the header fields user_version and application_id;
//   - every sqlite_schema entry (type, name, table, SQL) sorted by type and
//     name: tables, indexes (also automatic ones), views, triggers;
//   - the rows of every table (FTS5 and R-Tree content through their shadow
//     tables; sqlite_sequence included) in rowid order, rowid included, or
//     in primary key order for WITHOUT ROWID tables, each value with its
//     storage class and exact bits.
//
// It leaves out _sqlraft_meta (the log position, returned as appliedIndex)
// and the sqlite_stat* tables. Everything is read in one read transaction,
// so the sum is the content at appliedIndex exactly.
func (f *FSM) Checksum(ctx context.Context) (sum [32]byte, appliedIndex uint64, err error) {
	f.swap.RLock()
	defer f.swap.RUnlock()
	if f.closed {
		return sum, 0, ErrClosed
	}
	h := sha256.New()
	err = withReader(ctx, f.reads, readInternal, func(c *readerConn) error {
		if _, err := c.ExecContext(ctx, "BEGIN", nil); err != nil {
			return err
		}
		defer c.ExecContext(background, "ROLLBACK", nil)
		var err error
		appliedIndex, err = hashContent(ctx, c, h)
		return err
	})
	if err != nil {
		return sum, 0, fmt.Errorf("fsm: checksum: %w", err)
	}
	copy(sum[:], h.Sum(nil))
	return sum, appliedIndex, nil
}

func query(ctx context.Context, c rawConn, q string, params ...Value) ([][]Value, error) {
	rows, err := c.QueryContext(ctx, q, args(params))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", q, err)
	}
	_, vals, err := collect(rows)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", q, err)
	}
	return vals, nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// hashContent writes the content read in the connection's open transaction
// to h and returns the applied index of that content.
func hashContent(ctx context.Context, c rawConn, h hash.Hash) (uint64, error) {
	meta, err := query(ctx, c, `SELECT applied_index FROM _sqlraft_meta WHERE id = 1`)
	if err != nil {
		return 0, err
	}
	if len(meta) != 1 {
		return 0, fmt.Errorf("_sqlraft_meta has %d rows", len(meta))
	}
	for _, p := range []string{"user_version", "application_id"} {
		v, err := query(ctx, c, "PRAGMA "+p)
		if err != nil {
			return 0, err
		}
		writeValues(h, 'H', v[0])
	}
	schema, err := query(ctx, c, `SELECT type, name, tbl_name, sql FROM sqlite_schema
		WHERE name NOT GLOB 'sqlite_stat*' AND tbl_name <> '_sqlraft_meta'
		ORDER BY type, name`)
	if err != nil {
		return 0, err
	}
	for _, row := range schema {
		writeValues(h, 'S', row)
	}
	tables, err := query(ctx, c, `SELECT name, wr FROM pragma_table_list
		WHERE schema = 'main' AND type IN ('table', 'shadow')
		AND name NOT GLOB 'sqlite_stat*' AND name NOT IN ('_sqlraft_meta', 'sqlite_schema')
		ORDER BY name`)
	if err != nil {
		return 0, err
	}
	for _, t := range tables {
		if err := hashTable(ctx, c, h, t[0].Text(), t[1].Int() != 0); err != nil {
			return 0, err
		}
	}
	return uint64(meta[0][0].Int()), nil
}

// hashTable writes one table's rows. Columns are selected as +"col": the
// unary plus keeps the value and drops the declared type, so the driver
// hands DATE/DATETIME text over as stored instead of parsing it.
func hashTable(ctx context.Context, c rawConn, h hash.Hash, name string, withoutRowid bool) error {
	cols, err := query(ctx, c, `SELECT name, pk FROM pragma_table_xinfo(?1) WHERE hidden <> 1 ORDER BY cid`, TextValue(name))
	if err != nil {
		return err
	}
	var sel, order []string
	taken := map[string]bool{}
	pks := make([]string, 0)
	pkPos := map[int64]string{}
	for _, col := range cols {
		n := col[0].Text()
		taken[strings.ToLower(n)] = true
		sel = append(sel, "+"+quoteIdent(n))
		if pk := col[1].Int(); pk > 0 {
			pkPos[pk] = quoteIdent(n)
		}
	}
	for i := int64(1); i <= int64(len(pkPos)); i++ {
		pks = append(pks, pkPos[i])
	}
	if withoutRowid {
		order = pks
	} else {
		for _, alias := range []string{"rowid", "_rowid_", "oid"} {
			if !taken[alias] {
				sel = append([]string{alias}, sel...)
				order = []string{alias}
				break
			}
		}
		if order == nil { // every alias is a column name: order by all columns
			order = sel
		}
	}
	if len(sel) == 0 {
		return nil
	}
	writeValues(h, 'T', []Value{TextValue(name), IntValue(int64(len(sel)))})
	rows, err := c.QueryContext(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM main."+quoteIdent(name)+
		" ORDER BY "+strings.Join(order, ", "), nil)
	if err != nil {
		return fmt.Errorf("table %s: %w", name, err)
	}
	dest := make([]driver.Value, len(sel))
	row := make([]Value, len(sel))
	for {
		if err := rows.Next(dest); err != nil {
			rows.Close()
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("table %s: %w", name, err)
		}
		for i, v := range dest {
			row[i] = fromDriver(v)
		}
		writeValues(h, 'R', row)
	}
}

// writeValues writes a record: a tag, the count, then every value as its
// storage class and exact bits, lengths first.
func writeValues(h hash.Hash, tag byte, vals []Value) {
	var buf [binary.MaxVarintLen64 + 1]byte
	buf[0] = tag
	n := 1 + binary.PutUvarint(buf[1:], uint64(len(vals)))
	h.Write(buf[:n])
	for _, v := range vals {
		buf[0] = byte(v.kind)
		n = 1
		switch v.kind {
		case KindInt:
			n += binary.PutVarint(buf[1:], v.i)
		case KindFloat:
			binary.LittleEndian.PutUint64(buf[1:], math.Float64bits(v.f))
			n += 8
		case KindText:
			n += binary.PutUvarint(buf[1:], uint64(len(v.s)))
		case KindBlob:
			n += binary.PutUvarint(buf[1:], uint64(len(v.b)))
		}
		h.Write(buf[:n])
		switch v.kind {
		case KindText:
			h.Write([]byte(v.s))
		case KindBlob:
			h.Write(v.b)
		}
	}
}
