package dialect

import (
	"strings"
	"testing"
)

func bigInsert(rows int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO t (id, name, at, ok) VALUES ")
	for i := 0; i < rows; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("($1::int, 'name''s', now(), true)")
	}
	return b.String()
}

func BenchmarkTranslateSimple(b *testing.B) {
	for b.Loop() {
		Translate("SELECT * FROM users WHERE id = $1 AND email = $2", Options{})
	}
}

// BenchmarkTranslateTyped: a join with parameters and computed columns,
// typed through Options.ColumnType (a map lookup, as in the session).
func BenchmarkTranslateTyped(b *testing.B) {
	sql := "SELECT u.id, u.email, count(o.id), sum(o.total) + $1, max(o.qty) > 0 FROM users u " +
		"LEFT JOIN orders o ON o.user_id = u.id WHERE u.age BETWEEN $2 AND $3 AND lower(u.email) LIKE $4 " +
		"GROUP BY u.id, u.email ORDER BY 3 DESC LIMIT $5"
	for b.Loop() {
		if _, err := Translate(sql, typedOpts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTranslateInsert1000(b *testing.B) {
	sql := bigInsert(1000)
	b.SetBytes(int64(len(sql)))
	for b.Loop() {
		if _, err := Translate(sql, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestTranslateLarge guards against super-linear behaviour on big
// statements (migration files, bulk inserts) and deep nesting.
func TestTranslateLarge(t *testing.T) {
	for _, sql := range []string{
		bigInsert(5000),
		strings.Repeat("select f(", 1000) + "1" + strings.Repeat(")", 1000),
		"select " + strings.Repeat("a ~ ", 1000) + "b",
		"select " + strings.Repeat("(", 1000) + "x::int" + strings.Repeat(")::text", 1000),
		"select x" + strings.Repeat("::int", 1000),
		"select 1 " + strings.Repeat("+", 100000) + " 1", // each + rescanning the run was quadratic
	} {
		if _, err := Translate(sql, Options{}); err != nil {
			t.Fatalf("Translate(%.40q...): %v", sql, err)
		}
	}
}

func BenchmarkTranslateInsert10000(b *testing.B) {
	sql := bigInsert(10000)
	b.SetBytes(int64(len(sql)))
	for b.Loop() {
		if _, err := Translate(sql, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
