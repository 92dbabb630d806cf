package pgerror

import (
	"slices"
	"testing"
)

// fakeSchema knows the unique indexes of a catalog.
type fakeSchema map[string]struct {
	name    string
	primary bool
}

func (s fakeSchema) UniqueIndex(table string, columns []string) (string, bool, bool) {
	ix, ok := s[table+"("+join(columns)+")"]
	return ix.name, ix.primary, ok
}

func join(cols []string) string {
	out := ""
	for i, c := range cols {
		if i > 0 {
			out += ","
		}
		out += c
	}
	return out
}

func TestUniqueConstraintName(t *testing.T) {
	schema := fakeSchema{
		"users(email)": {"users_email_idx", false},
		"users(id)":    {"sqlite_autoindex_users_1", true},
		"orders(code)": {"sqlite_autoindex_orders_2", false},
		"accounts(id)": {"accounts_pk", true}, // CONSTRAINT accounts_pk PRIMARY KEY (id)
		"items(a,b)":   {"sqlite_autoindex_items_1", false},
		"nopk(rowid)":  {"", true},
	}
	tests := []struct {
		code   int
		detail string
		want   string
	}{
		{2067, "users.email", "users_email_idx"},                 // the catalog's own name
		{1555, "users.id", "users_pkey"},                         // an automatic index: PostgreSQL's name
		{2067, "orders.code", "orders_code_key"},                 // UNIQUE clause: PostgreSQL's name
		{1555, "accounts.id", "accounts_pk"},                     // a named primary key
		{2067, "items.a, items.b", "items_a_b_key"},              // several columns
		{1555, "nopk.rowid", "nopk_pkey"},                        // a rowid with no index
		{2067, "unknown.x", "unknown_x_key"},                     // not in the catalog
		{2067, "my.table.c1, my.table.c2", "my.table_c1_c2_key"}, // a dot in the table name
	}
	for _, tt := range tests {
		e := FromSQLite(tt.code, "UNIQUE constraint failed: "+tt.detail, schema)
		if e.Code != UniqueViolation || e.Constraint != tt.want || e.Message != `duplicate key value violates unique constraint "`+tt.want+`"` {
			t.Errorf("%d %s: got %+v, want constraint %s", tt.code, tt.detail, e, tt.want)
		}
	}
}

// PostgreSQL's names are at most 63 bytes: the longer of table and
// columns is cut first, never inside a UTF-8 character. Checked against
// PostgreSQL 15.
func TestMakeObjectName(t *testing.T) {
	long := "aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd"
	tests := []struct {
		table string
		cols  []string
		label string
		want  string
	}{
		{"users", []string{"email"}, "key", "users_email_key"},
		{long, []string{"eeeeeeeeeeffffffffffgggggggggghhhhhhhhhh"}, "key", "aaaaaaaaaabbbbbbbbbbccccccccc_eeeeeeeeeeffffffffffggggggggg_key"},
		{long, nil, "pkey", long + "_pkey"},
		{long, []string{"x", "y"}, "key", long + "_x_y_key"},
		{"ÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄÄ", []string{"ÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖÖ"}, "key", "ÄÄÄÄÄÄÄÄÄÄÄÄÄÄ_ÖÖÖÖÖÖÖÖÖÖÖÖÖÖ_key"},
	}
	for _, tt := range tests {
		got := makeObjectName(tt.table, indexNameAddition(tt.cols), tt.label)
		if got != tt.want || len(got) > 63 {
			t.Errorf("makeObjectName(%q, %q, %q) = %q, want %q", tt.table, tt.cols, tt.label, got, tt.want)
		}
	}
}

func TestSplitColumns(t *testing.T) {
	tests := []struct {
		detail string
		table  string
		cols   []string
	}{
		{"users.email", "users", []string{"email"}},
		{"t.a, t.b", "t", []string{"a", "b"}},
		{"t.a.b", "t", []string{"a.b"}},
		{"odd", "", nil},
	}
	for _, tt := range tests {
		table, cols := splitColumns(tt.detail)
		if table != tt.table || !slices.Equal(cols, tt.cols) {
			t.Errorf("splitColumns(%q) = %q, %q; want %q, %q", tt.detail, table, cols, tt.table, tt.cols)
		}
	}
}
