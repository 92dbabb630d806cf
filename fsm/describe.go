package fsm

import (
	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"
)

// Description is what preparing a statement tells without running it.
type Description struct {
	// Columns are the result columns: Name, DeclType
	// (sqlite3_column_decltype, upper case, "" for expressions), Table and
	// Origin (see Column). Empty for statements that return no rows.
	Columns []Column
	// Params is sqlite3_bind_parameter_count: the largest parameter index
	// (?NNN, $NNN), counting each distinct ? or :name once.
	Params int
	// ReadOnly is sqlite3_stmt_readonly: the statement changes nothing in
	// the database file. BEGIN, COMMIT, SAVEPOINT, RELEASE and ROLLBACK TO
	// are read-only in this sense.
	ReadOnly bool
}

// describeStatement prepares q (one statement) on the connection and describes it,
// without stepping it. The connection's authorizer vets it as usual.
func describeStatement(cc cConn, q string) (*Description, error) {
	pstmt, err := cc.prepare(q)
	if err != nil {
		return nil, err
	}
	if pstmt == 0 {
		return &Description{}, nil
	}
	defer cc.finalize(pstmt)
	d := &Description{
		Params:   int(sqlite3.Xsqlite3_bind_parameter_count(cc.tls, pstmt)),
		ReadOnly: cc.readOnly(pstmt),
	}
	if n := int(sqlite3.Xsqlite3_column_count(cc.tls, pstmt)); n > 0 {
		d.Columns = make([]Column, n)
		for i := range d.Columns {
			d.Columns[i].Name = libc.GoString(sqlite3.Xsqlite3_column_name(cc.tls, pstmt, int32(i)))
		}
		columnSources(cc, pstmt, d.Columns)
	}
	return d, nil
}
