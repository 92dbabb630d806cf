package pgerror

import (
	"regexp"
	"strings"
)

// messageRule turns one of SQLite's SQLITE_ERROR messages into
// PostgreSQL's. SQLite uses the one code for every error in a statement,
// so its message text is all that tells a missing table from a syntax
// error.
type messageRule struct {
	re   *regexp.Regexp
	code string
	// build makes the error from the submatches; nil keeps SQLite's
	// message under code.
	build func(m []string) *Error
}

// hintFunction is PostgreSQL's hint for an unknown function.
const hintFunction = "No function matches the given name and argument types. You might need to add explicit type casts."

func rule(pattern, code string, build func(m []string) *Error) messageRule {
	return messageRule{re: regexp.MustCompile(pattern), code: code, build: build}
}

// msg builds an error with PostgreSQL's message made from the submatches.
func msg(code, format string, groups ...int) func(m []string) *Error {
	return func(m []string) *Error {
		args := make([]any, len(groups))
		for i, g := range groups {
			args[i] = m[g]
		}
		return New(code, format, args...)
	}
}

var messageRules = []messageRule{
	rule(`^no such table: (?:main\.)?(.+)$`, UndefinedTable, msg(UndefinedTable, `relation "%s" does not exist`, 1)),
	rule(`^no such view: (?:main\.)?(.+)$`, UndefinedTable, msg(UndefinedTable, `view "%s" does not exist`, 1)),
	rule(`^no such column: (.+)$`, UndefinedColumn, func(m []string) *Error {
		// PostgreSQL quotes an unqualified name but not a qualified one.
		if strings.Contains(m[1], ".") {
			return New(UndefinedColumn, "column %s does not exist", m[1])
		}
		return New(UndefinedColumn, `column "%s" does not exist`, m[1])
	}),
	rule(`^table (.+) has no column named (.+)$`, UndefinedColumn, msg(UndefinedColumn, `column "%s" of relation "%s" does not exist`, 2, 1)),
	rule(`^near "(.*)": syntax error$`, SyntaxError, msg(SyntaxError, `syntax error at or near "%s"`, 1)),
	rule(`^incomplete input$`, SyntaxError, msg(SyntaxError, "syntax error at end of input")),
	rule(`^unrecognized token: "(.*)"$`, SyntaxError, func(m []string) *Error {
		switch {
		case strings.HasPrefix(m[1], "'"):
			return New(SyntaxError, `unterminated quoted string at or near "%s"`, m[1])
		case strings.HasPrefix(m[1], `"`):
			return New(SyntaxError, `unterminated quoted identifier at or near "%s"`, m[1])
		}
		return New(SyntaxError, `syntax error at or near "%s"`, m[1])
	}),
	rule(`^no such function: (.+)$`, UndefinedFunction, func(m []string) *Error {
		e := New(UndefinedFunction, "function %s does not exist", m[1])
		e.Hint = hintFunction
		return e
	}),
	rule(`^wrong number of arguments to function (.+)\(\)$`, UndefinedFunction, func(m []string) *Error {
		e := New(UndefinedFunction, "function %s does not exist", m[1])
		e.Detail = m[0]
		e.Hint = hintFunction
		return e
	}),
	rule(`^(?:table|index|view) (.+) already exists$`, DuplicateTable, msg(DuplicateTable, `relation "%s" already exists`, 1)),
	rule(`^trigger (.+) already exists$`, DuplicateObject, msg(DuplicateObject, `trigger "%s" already exists`, 1)),
	rule(`^ambiguous column name: (.+)$`, AmbiguousColumn, msg(AmbiguousColumn, `column reference "%s" is ambiguous`, 1)),
	rule(`^no such index: (?:main\.)?(.+)$`, UndefinedObject, msg(UndefinedObject, `index "%s" does not exist`, 1)),
	rule(`^no such trigger: (?:main\.)?(.+)$`, UndefinedObject, msg(UndefinedObject, `trigger "%s" does not exist`, 1)),
	rule(`^no such collation sequence: (.+)$`, UndefinedObject, msg(UndefinedObject, `collation "%s" does not exist`, 1)),
	rule(`^no such savepoint: (.+)$`, InvalidSavepointSpecification, msg(InvalidSavepointSpecification, `savepoint "%s" does not exist`, 1)),
	rule(`^unknown database (.+)$`, InvalidSchemaName, msg(InvalidSchemaName, `schema "%s" does not exist`, 1)),
	rule(`^cannot start a transaction within a transaction$`, ActiveSQLTransaction,
		msg(ActiveSQLTransaction, "there is already a transaction in progress")),
	rule(`^cannot (?:commit|rollback) - no transaction is active$`, NoActiveSQLTransaction,
		msg(NoActiveSQLTransaction, "there is no transaction in progress")),
	rule(`^table .+ has (\d+) columns but (\d+) values were supplied$`, SyntaxError, insertArity(1, 2)),
	rule(`^(\d+) values for (\d+) columns$`, SyntaxError, insertArity(2, 1)),
	rule(`^SELECTs to the left and right of (UNION ALL|UNION|INTERSECT|EXCEPT) do not have the same number of result columns$`, SyntaxError,
		func(m []string) *Error {
			op, _, _ := strings.Cut(m[1], " ")
			return New(SyntaxError, "each %s query must have the same number of columns", op)
		}),
	rule(`^sub-select returns \d+ columns - expected 1$`, SyntaxError, msg(SyntaxError, "subquery must return only one column")),
	rule(`^foreign key mismatch - ".+" referencing "(.+)"$`, InvalidForeignKey, func(m []string) *Error {
		e := New(InvalidForeignKey, `there is no unique constraint matching given keys for referenced table "%s"`, m[1])
		e.Detail = m[0]
		return e
	}),
	rule(`^cannot modify (.+) because it is a view$`, ObjectNotInPrerequisiteState, msg(ObjectNotInPrerequisiteState, `cannot modify view "%s"`, 1)),
	rule(`^integer overflow$`, NumericValueOutOfRange, msg(NumericValueOutOfRange, "bigint out of range")),
	rule(`^(?:misuse of aggregate|misuse of window function|a GROUP BY clause is required|HAVING clause on a non-aggregate)`, GroupingError, nil),
	rule(`ORDER BY term out of range|GROUP BY term out of range`, InvalidColumnReference, nil),
	rule(`^(?:too many terms in compound SELECT|Expression tree is too large|parser stack overflow|too many FROM clause terms|too many levels of trigger recursion)`, StatementTooComplex, nil),
	rule(`^too many columns`, TooManyColumns, nil),
	rule(`^(?:too many SQL variables|too many arguments on function)`, TooManyArguments, nil),
	rule(`^(?:row value misused|no tables specified|.* syntax error.*)$`, SyntaxError, nil),
	rule(`^PRIMARY KEY missing on table`, InvalidTableDefinition, nil),
}

// insertArity is PostgreSQL's message for an INSERT whose VALUES and
// column list differ in length.
func insertArity(columnsGroup, valuesGroup int) func(m []string) *Error {
	return func(m []string) *Error {
		if len(m[valuesGroup]) > len(m[columnsGroup]) ||
			len(m[valuesGroup]) == len(m[columnsGroup]) && m[valuesGroup] > m[columnsGroup] {
			return New(SyntaxError, "INSERT has more expressions than target columns")
		}
		return New(SyntaxError, "INSERT has more target columns than expressions")
	}
}

// fromMessage translates an SQLITE_ERROR by its message. Messages nothing
// matches stay as SQLite wrote them, under XX000.
func fromMessage(message string) *Error {
	for _, r := range messageRules {
		m := r.re.FindStringSubmatch(message)
		if m == nil {
			continue
		}
		if r.build == nil {
			return keep(r.code, message)
		}
		return r.build(m)
	}
	return keep(InternalError, message)
}
