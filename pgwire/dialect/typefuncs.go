package dialect

import "strings"

// Function types: what PostgreSQL's built-in functions return, and the
// types their parameters take. Names are PostgreSQL's (the typer reads the
// statement before translation), without schema.

// funcResults are the functions whose result type does not depend on
// their arguments.
var funcResults = func() map[string]string {
	m := map[string]string{}
	add := func(typ string, names ...string) {
		for _, n := range names {
			m[n] = typ
		}
	}
	add("bigint", "count", "row_number", "rank", "dense_rank", "nextval", "currval", "setval",
		"lastval", "txid_current", "pg_relation_size", "pg_total_relation_size", "pg_table_size",
		"pg_indexes_size", "pg_database_size")
	add("integer", "length", "char_length", "character_length", "octet_length", "bit_length",
		"position", "strpos", "ascii", "ntile", "array_length", "array_ndims", "cardinality",
		"json_array_length", "jsonb_array_length", "width_bucket", "pg_backend_pid",
		"inet_server_port", "inet_client_port")
	add("text", "lower", "upper", "initcap", "btrim", "ltrim", "rtrim", "trim", "substr",
		"substring", "concat", "concat_ws", "replace", "left", "right", "lpad", "rpad", "md5",
		"to_char", "format", "quote_ident", "quote_literal", "quote_nullable", "repeat", "reverse",
		"translate", "split_part", "chr", "regexp_replace", "to_hex", "encode", "overlay",
		"version", "current_setting", "set_config", "array_to_string", "format_type",
		"pg_get_expr", "pg_get_indexdef", "pg_get_constraintdef", "pg_get_triggerdef",
		"pg_get_viewdef", "pg_get_functiondef", "obj_description", "col_description",
		"shobj_description", "pg_size_pretty", "json_typeof", "jsonb_typeof", "jsonb_pretty",
		"json_extract_path_text", "jsonb_extract_path_text", "timeofday", "string_agg")
	add("name", "current_database", "current_schema", "pg_get_userbyid", "pg_encoding_to_char")
	add("name[]", "current_schemas")
	add("boolean", "pg_is_in_recovery", "pg_try_advisory_lock", "pg_try_advisory_xact_lock",
		"pg_try_advisory_lock_shared", "pg_try_advisory_xact_lock_shared", "pg_advisory_unlock",
		"pg_advisory_unlock_shared", "pg_table_is_visible", "pg_type_is_visible",
		"pg_function_is_visible", "has_table_privilege", "has_schema_privilege",
		"has_database_privilege", "has_column_privilege", "has_function_privilege", "pg_has_role",
		"bool_and", "bool_or", "every", "starts_with")
	add("timestamp with time zone", "now", "transaction_timestamp", "statement_timestamp",
		"clock_timestamp", "to_timestamp", "pg_postmaster_start_time", "pg_conf_load_time")
	add("date", "to_date", "make_date")
	add("numeric", "to_number", "extract", "div")
	add("double precision", "random", "pi", "date_part", "percent_rank", "cume_dist", "cbrt",
		"degrees", "radians")
	add("uuid", "gen_random_uuid", "uuid_generate_v4")
	add("inet", "inet_server_addr", "inet_client_addr")
	add("json", "json_build_object", "json_build_array", "json_object", "json_agg",
		"json_object_agg", "to_json", "row_to_json", "array_to_json", "json_strip_nulls",
		"json_extract_path")
	add("jsonb", "jsonb_build_object", "jsonb_build_array", "jsonb_object", "jsonb_agg",
		"jsonb_object_agg", "to_jsonb", "jsonb_set", "jsonb_insert", "jsonb_strip_nulls",
		"jsonb_extract_path")
	add("regtype", "pg_typeof")
	add("regclass", "to_regclass")
	return m
}()

// funcParams are the types a bare parameter takes as each argument of a
// function; "" where PostgreSQL could not tell either.
var funcParams = map[string][]string{
	"lower": {"text"}, "upper": {"text"}, "initcap": {"text"}, "length": {"text"},
	"char_length": {"text"}, "character_length": {"text"}, "octet_length": {"text"},
	"md5": {"text"}, "quote_ident": {"text"}, "quote_literal": {"text"},
	"quote_nullable": {"text"}, "reverse": {"text"}, "ascii": {"text"},
	"btrim": {"text", "text"}, "ltrim": {"text", "text"}, "rtrim": {"text", "text"},
	"trim": {"text", "text"}, "strpos": {"text", "text"}, "starts_with": {"text", "text"},
	"position": {"text", "text"}, "replace": {"text", "text", "text"},
	"translate": {"text", "text", "text"}, "regexp_replace": {"text", "text", "text", "text"},
	"left": {"text", "integer"}, "right": {"text", "integer"}, "repeat": {"text", "integer"},
	"substr": {"text", "integer", "integer"}, "substring": {"text", "integer", "integer"},
	"lpad": {"text", "integer", "text"}, "rpad": {"text", "integer", "text"},
	"split_part": {"text", "text", "integer"}, "concat_ws": {"text"}, "format": {"text"},
	"to_char": {"", "text"}, "to_date": {"text", "text"}, "to_number": {"text", "text"},
	"chr": {"integer"}, "decode": {"text", "text"}, "encode": {"bytea", "text"},
	"date_trunc": {"text"}, "date_part": {"text"}, "string_agg": {"", "text"},
	"set_config": {"text", "text", "boolean"}, "current_setting": {"text", "boolean"},
	"pg_sleep":         {"double precision"},
	"pg_advisory_lock": {"bigint"}, "pg_advisory_xact_lock": {"bigint"},
	"pg_advisory_lock_shared": {"bigint"}, "pg_advisory_xact_lock_shared": {"bigint"},
	"pg_try_advisory_lock": {"bigint"}, "pg_try_advisory_xact_lock": {"bigint"},
	"pg_try_advisory_lock_shared": {"bigint"}, "pg_try_advisory_xact_lock_shared": {"bigint"},
	"pg_advisory_unlock": {"bigint"}, "pg_advisory_unlock_shared": {"bigint"},
}

// function types a call of name with args and types the parameters among
// the arguments.
func (ty *typer) function(name string, args []operand) operand {
	for i := range args {
		args[i] = ty.typed(args[i])
	}
	if ps, ok := funcParams[name]; ok {
		if len(args) == 2 && strings.Contains(name, "advisory") {
			ps = []string{"integer", "integer"} // the (int4, int4) key form
		}
		for i, a := range args {
			if i < len(ps) {
				ty.typeParam(a, ps[i])
			}
		}
	}
	if t, ok := funcResults[name]; ok {
		if name == "string_agg" && len(args) > 0 && args[0].typ == "bytea" {
			return operand{typ: "bytea"}
		}
		return operand{typ: t}
	}
	arg := ""
	if len(args) > 0 && !args[0].lit {
		arg = args[0].typ
	}
	switch name {
	case "sum":
		switch {
		case intRank(arg) == 3 || arg == "numeric":
			return operand{typ: "numeric"}
		case intRank(arg) > 0:
			return operand{typ: "bigint"}
		case isFloat(arg):
			return operand{typ: arg}
		}
	case "avg", "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop":
		switch {
		case intRank(arg) > 0 || arg == "numeric":
			return operand{typ: "numeric"}
		case isFloat(arg):
			return operand{typ: "double precision"}
		}
	case "min", "max", "coalesce", "greatest", "least", "bit_and", "bit_or", "any_value", "mode":
		c := ty.common(args)
		if c.lit && c.typ == "" {
			return operand{}
		}
		return operand{typ: c.typ}
	case "nullif":
		ty.common(args)
		if arg != "" {
			return operand{typ: arg}
		}
	case "lag", "lead", "first_value", "last_value", "nth_value":
		return operand{typ: arg}
	case "abs":
		if isNumber(arg) {
			return operand{typ: arg}
		}
	case "ceil", "ceiling", "floor", "sign", "round", "trunc", "sqrt", "exp", "ln", "log", "log10",
		"power", "pow":
		numeric := false
		for _, a := range args {
			if !isNumber(a.typ) {
				return operand{}
			}
			numeric = numeric || a.typ == "numeric"
		}
		switch {
		case len(args) == 0:
		case numeric || len(args) == 2 && (name == "round" || name == "trunc" || name == "log"):
			return operand{typ: "numeric"}
		default:
			return operand{typ: "double precision"}
		}
	case "mod", "gcd", "lcm", "generate_series":
		if c := ty.common(args); isNumber(c.typ) {
			return operand{typ: c.typ}
		}
	case "date_trunc":
		if len(args) == 2 {
			switch args[1].typ {
			case "timestamp without time zone":
				return operand{typ: args[1].typ}
			case "timestamp with time zone", "date":
				return operand{typ: "timestamp with time zone"}
			}
		}
	}
	return operand{}
}
