package dialect

import "testing"

// Date arithmetic becomes calls of the state machine's date functions;
// arithmetic on timestamps, times and intervals is refused instead of
// computed on the texts' leading numbers.
func TestDateArithmetic(t *testing.T) {
	opts := Options{ColumnType: func(table, column string) string {
		switch column {
		case "d", "e":
			return "date"
		case "ts":
			return "timestamp with time zone"
		case "n":
			return "integer"
		}
		return ""
	}}
	expectContains(t, opts, []containsCase{
		{"SELECT d - e FROM t", "pg_date_mi(d , e)"},
		{"SELECT d + n FROM t", "pg_date_pl(d , n)"},
		{"SELECT n + d FROM t", "pg_date_pl(n , d)"},
		{"SELECT d - 1 FROM t", "pg_date_mi(d , 1)"},
		{"SELECT current_date - 1", "pg_date_mi(date('now') , 1)"},
		{"SELECT '2024-03-01'::date + 1", "pg_date_pl('2024-03-01' , 1)"},
		{"SELECT date '2024-03-01' - date '2024-02-01'", "pg_date_mi("},
		{"SELECT * FROM t WHERE d > current_date - 7", "d > pg_date_mi(date('now') , 7)"},
		{"SELECT d - $1 FROM t", "pg_date_mi(d , ?1)"},
		{"SELECT (d + 1) - e FROM t", "pg_date_mi((pg_date_pl(d , 1)) , e)"},
		{"SELECT n + 1 - 2 FROM t", "n + 1 - 2"},
		{"SELECT 2 ^ 10", "power(2 , 10)"},
		{"SELECT 2 ^ 3 ^ 2", "power(power(2 , 3) , 2)"},
		{"SELECT n * 2 ^ 2 FROM t", "n * power(2 , 2)"},
		{"SELECT d - n ^ 2 FROM t", "pg_date_mi(d , power(n , 2))"},
	})
	for _, bad := range []string{"SELECT ts - ts FROM t", "SELECT now() - ts FROM t", "SELECT d * 2 FROM t", "SELECT ts + 1 FROM t"} {
		_, err := Translate(bad, opts)
		if e, ok := err.(*Error); !ok || e.Code != CodeUnsupported {
			t.Errorf("%s: %v, want 0A000", bad, err)
		}
	}
}

// pg_typeof(x) is the type the typer found for x, as a constant.
func TestPgTypeof(t *testing.T) {
	opts := Options{ColumnType: func(table, column string) string {
		if column == "d" {
			return "date"
		}
		return ""
	}}
	expectContains(t, opts, []containsCase{
		{"SELECT pg_typeof(1)", `'integer'`},
		{"SELECT pg_typeof(d) FROM t", `'date'`},
		{"SELECT pg_typeof(1.5)", `'numeric'`},
		{"SELECT pg_typeof('x')", `'unknown'`},
		{"SELECT pg_typeof(now())", `'timestamp with time zone'`},
	})
}
