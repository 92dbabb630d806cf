package dialect_test

import (
	"encoding/hex"
	"strings"
	"testing"

	"sqlraft/fsm"
	"sqlraft/pgwire/dialect"
	"sqlraft/pgwire/pgvalue"
)

// A string constant stored into a typed column must become what the
// session stores for the same text sent as a parameter of that type
// (pgvalue.DecodeParam), so that rows written either way compare equal.
// pgvalue imports dialect, so the two readings are separate code; these
// tests hold them together.

var literalOpts = dialect.Options{ColumnType: func(table, column string) string {
	return map[string]string{"tz": "timestamp with time zone", "b": "boolean", "by": "bytea", "u": "uuid",
		"i": "integer", "s": "smallint", "l": "bigint"}[column]
}}

// storedLiteral translates INSERT INTO t (col) VALUES (lit) and returns
// the constant SQLite receives.
func storedLiteral(t *testing.T, col, lit string) (string, error) {
	t.Helper()
	r, err := dialect.Translate("insert into t ("+col+") values ("+lit+")", literalOpts)
	if err != nil {
		return "", err
	}
	s := strings.TrimSuffix(r.SQL, ")")
	return s[strings.LastIndex(s, "values (")+len("values ("):], nil
}

func decodeParam(t *testing.T, oid uint32, s string) (fsm.Value, bool) {
	t.Helper()
	v, err := pgvalue.DecodeParam(oid, 0, []byte(s))
	return v, err == nil
}

func quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

func TestTimestamptzLiteralsMatchParams(t *testing.T) {
	for _, in := range []string{
		"2024-02-29 13:14:15.5+02", "2024-02-29 13:14:15+02:30", "2024-02-29T13:14:15Z", "2024-02-29 13:14:15 z",
		"2024-02-29 13:14:15.123456789-0530", "2024-02-29 13:14:15.9999999+00", "2024-01-01 00:00:00-01:02:03",
		"2024-01-01 23:59:60-01", "2024-01-01 24:00:00+14", "2024-01-01 +02", "2024-01-01T+02", "2024-01-01 utc",
		"2024-1-2 3:04+05", "0001-01-01 00:30:00+01", "0044-03-15 12:00:00+01 BC", "2000-01-01 00:00:00.000001 GMT",
		"294276-12-31 23:59:59.999999+00", "4714-11-24 00:00:00+00 BC", " 2024-06-01 12:00:00.5-07 ",
		"2024-02-29 13:14:15.25 +0200",
	} {
		want, ok := decodeParam(t, pgvalue.Timestamptz, in)
		if !ok {
			t.Errorf("DecodeParam(timestamptz, %q) failed; pick another input", in)
			continue
		}
		got, err := storedLiteral(t, "tz", quote(in))
		if err != nil || got != quote(want.Text()) {
			t.Errorf("%q: literal stored as %s (%v), parameter as %q", in, got, err, want.Text())
		}
	}
	// Text DecodeParam rejects, or that has no offset, is kept (a T
	// separator becomes a space): the literal may be a form this reading
	// does not follow, and PostgreSQL's error stays SQLite's problem.
	for in, want := range map[string]string{
		"2024-02-30 10:00+02": "2024-02-30 10:00+02", "2024-01-01 25:00+02": "2024-01-01 25:00+02",
		"2024-01-01 10:00+16": "2024-01-01 10:00+16", "Feb 29 2024 10:00 PST": "Feb 29 2024 10:00 PST",
		"2024-02-29T10:00:00": "2024-02-29 10:00:00", "2024-02-29 10:00": "2024-02-29 10:00",
		"infinity": "infinity", "294277-01-01 00:00:00+00": "294277-01-01 00:00:00+00",
		"4714-11-23 23:59:59+00 BC": "4714-11-23 23:59:59+00 BC",
	} {
		if got, err := storedLiteral(t, "tz", quote(in)); err != nil || got != quote(want) {
			t.Errorf("%q: literal stored as %s (%v), want %s", in, got, err, quote(want))
		}
	}
}

func TestBoolByteaUUIDIntLiteralsMatchParams(t *testing.T) {
	for _, in := range []string{"t", "true", "TRUE", " yes ", "y", "on", "1", "f", "fa", "no", "n", "off", "of",
		"0", "", "o", "maybe", "tr ue", "2", "yess"} {
		want, ok := decodeParam(t, pgvalue.Bool, in)
		got, err := storedLiteral(t, "b", quote(in))
		switch {
		case !ok && err == nil, ok && err != nil:
			t.Errorf("boolean %q: literal %s (%v), parameter ok %v", in, got, err, ok)
		case ok && got != map[bool]string{true: "1", false: "0"}[want.Int() == 1]:
			t.Errorf("boolean %q: literal %s, parameter %v", in, got, want)
		}
	}
	for _, in := range []string{`\x`, `\xDEADbeef`, `\x de ad `, `\x0`, `\xzz`, `\x d e`, `abc`, `a\\b`, `\001\377`,
		`\400`, `\01`, `\`, `a\b`, "tab\there"} {
		want, ok := decodeParam(t, pgvalue.Bytea, in)
		got, err := storedLiteral(t, "by", quote(in))
		switch {
		case !ok && err == nil, ok && err != nil:
			t.Errorf("bytea %q: literal %s (%v), parameter ok %v", in, got, err, ok)
		case ok && got != "X'"+strings.ToUpper(hex.EncodeToString(want.Blob()))+"'":
			t.Errorf("bytea %q: literal %s, parameter %x", in, got, want.Blob())
		}
	}
	for _, in := range []string{"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
		"{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", "a0eebc999c0b4ef8bb6d6bb9bd380a11", "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11",
		"{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1",
		"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111", "a0eebc9-99c0b-4ef8-bb6d-6bb9bd380a11", "-a0eebc999c0b4ef8bb6d6bb9bd380a11",
		"a0eebc999c0b4ef8bb6d6bb9bd380a11-", "{}", "", "g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", " a0eebc999c0b4ef8bb6d6bb9bd380a11"} {
		want, ok := decodeParam(t, pgvalue.UUID, in)
		got, err := storedLiteral(t, "u", quote(in))
		switch {
		case !ok && err == nil, ok && err != nil:
			t.Errorf("uuid %q: literal %s (%v), parameter ok %v", in, got, err, ok)
		case ok && got != quote(want.Text()):
			t.Errorf("uuid %q: literal %s, parameter %v", in, got, want)
		}
	}
	// Integers (without PostgreSQL 16's underscores, which pgvalue reads
	// as PostgreSQL 15 does).
	for _, c := range []struct {
		col string
		oid uint32
	}{{"i", pgvalue.Int4}, {"s", pgvalue.Int2}, {"l", pgvalue.Int8}} {
		for _, in := range []string{"42", " -7 ", "+3", "32767", "32768", "-32769", "2147483648", "-2147483648",
			"9223372036854775808", "99999999999999999999", "abc", "1.5", "", "0x10", "- 1"} {
			_, ok := decodeParam(t, c.oid, in)
			_, err := storedLiteral(t, c.col, quote(in))
			if ok != (err == nil) {
				t.Errorf("%s %q: literal error %v, parameter ok %v", c.col, in, err, ok)
			}
		}
	}
}
