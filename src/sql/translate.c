/*
 * Trino to SQLite, as a rewrite of the token stream.
 *
 * Tokens SQLite reads the same way are copied (a single space stands for
 * whatever separated two tokens in the source). A function call or literal
 * that Trino spells differently is parsed as far as its arguments, each
 * argument is translated on its own, and the call is replaced by a
 * template over the translated arguments. Table names after FROM and JOIN
 * (and after commas in a FROM list) lose their catalog and, when bare and
 * not a WITH name, gain the default database. Templates work over the
 * engine's text form of dates ('YYYY-MM-DD') and timestamps
 * ('YYYY-MM-DD HH:MM:SS.fff'); those that can take either keep the input's
 * length, so a date stays a date.
 */
#include "sql/translate.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 200
#define MAX_ARGS 64

enum scope { SC_EXPR, SC_QUERY, SC_FROM };

typedef struct tr {
	const ll_sql_tokens *ts;
	const ll_sql_context *ctx;
	ll_error *err;
	size_t prev_end; /* end of the last token emitted; SIZE_MAX: nothing yet */
	int depth;
	unsigned char scope[MAX_DEPTH];
	bool expect_table;
	size_t *with_names; /* token indexes of the names WITH defines */
	size_t nwith;
} tr;

typedef struct span {
	size_t begin, end;
} span;

const char *ll_sql_catalog(const ll_sql_context *ctx)
{
	return ctx && ctx->catalog ? ctx->catalog : "awsdatacatalog";
}

static ll_status fail_at(tr *t, size_t i, ll_status code, const char *fmt, const char *what)
{
	ll_status s = ll_error_set(t->err, code, fmt, what);
	ll_sql_error_at(t->err, t->ts->text, t->ts->tok[i].pos);
	return s;
}

static ll_status unsupported(tr *t, size_t i, const char *what)
{
	return fail_at(t, i, LL_EUNSUPPORTED, "%s is not supported", what);
}

static const ll_sql_token *tok(const tr *t, size_t i)
{
	return &t->ts->tok[i < t->ts->n ? i : t->ts->n];
}

/* A space where the source had anything between two emitted tokens. */
static void space(tr *t, size_t i, ll_buf *out)
{
	if (t->prev_end != SIZE_MAX && tok(t, i)->pos > t->prev_end)
		ll_buf_putc(out, ' ');
}

static void consumed(tr *t, size_t last)
{
	t->prev_end = tok(t, last)->pos + tok(t, last)->len;
}

static void emit_span(tr *t, size_t i, ll_buf *out)
{
	space(t, i, out);
	ll_buf_append(out, t->ts->text + tok(t, i)->pos, tok(t, i)->len);
	consumed(t, i);
}

/* The index of the ")" matching the "(" at open, or 0 when it is missing. */
static size_t matching_paren(const tr *t, size_t open, size_t end)
{
	int level = 0;
	for (size_t i = open; i < end; i++) {
		if (ll_sql_tok_punct(tok(t, i), "("))
			level++;
		else if (ll_sql_tok_punct(tok(t, i), ")") && --level == 0)
			return i;
	}
	return 0;
}

/* Splits (open, close) at top-level commas. */
static ll_status split_args(tr *t, size_t open, size_t close, span *args, size_t *nargs)
{
	*nargs = 0;
	if (close == open + 1)
		return LL_OK;
	int level = 0;
	size_t start = open + 1;
	for (size_t i = open + 1; i <= close; i++) {
		const ll_sql_token *k = tok(t, i);
		if (ll_sql_tok_punct(k, "(")) {
			level++;
		} else if (ll_sql_tok_punct(k, ")") && i < close) {
			level--;
		} else if (i == close || (level == 0 && ll_sql_tok_punct(k, ","))) {
			if (*nargs == MAX_ARGS)
				return unsupported(t, open, "a call with more than 64 arguments");
			if (start == i)
				return fail_at(t, i, LL_EINVAL, "expected an argument before '%s'",
					       tok(t, i)->value);
			args[(*nargs)++] = (span){ start, i };
			start = i + 1;
		}
	}
	return LL_OK;
}

static ll_status tr_range(tr *t, size_t i, size_t end, ll_buf *out);

/* Translates each argument into its own buffer. */
static ll_status tr_args(tr *t, const span *args, size_t nargs, ll_buf *bufs)
{
	size_t saved = t->prev_end;
	bool saved_expect = t->expect_table;
	if (nargs == 0)
		return LL_OK;
	if (t->depth + 1 >= MAX_DEPTH)
		return unsupported(t, args[0].begin, "nesting deeper than 200 calls");
	/* an argument is an expression, whatever clause the call is in */
	t->scope[++t->depth] = SC_EXPR;
	for (size_t k = 0; k < nargs; k++) {
		t->prev_end = SIZE_MAX;
		t->expect_table = false;
		ll_status s = tr_range(t, args[k].begin, args[k].end, &bufs[k]);
		if (s != LL_OK)
			return s;
	}
	t->depth--;
	t->prev_end = saved;
	t->expect_table = saved_expect;
	return LL_OK;
}

static void free_bufs(ll_buf *bufs, size_t n)
{
	for (size_t k = 0; k < n; k++)
		ll_buf_free(&bufs[k]);
}

/* Appends tpl with $1..$9 replaced by the arguments. */
static void put_template(ll_buf *out, const char *tpl, const ll_buf *args)
{
	for (const char *p = tpl; *p; p++) {
		if (*p == '$' && p[1] >= '1' && p[1] <= '9') {
			const ll_buf *a = &args[p[1] - '1'];
			ll_buf_append(out, ll_buf_cstr(a), a->len);
			p++;
		} else {
			ll_buf_putc(out, *p);
		}
	}
}

/* ---------------------------------------------------------------- literals */

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static bool is_date_text(const char *s)
{
	return strlen(s) >= 10 && digits(s, 4) && s[4] == '-' && digits(s + 5, 2) && s[7] == '-' &&
	       digits(s + 8, 2);
}

/* 'YYYY-MM-DD[ HH:MM[:SS[.f...]]]' in the engine's form: seconds and .fff (or .ffffff). */
static bool normalize_timestamp(const char *s, ll_buf *out)
{
	if (!is_date_text(s))
		return false;
	const char *p = s + 10;
	char hms[9] = "00:00:00";
	if (*p == ' ' || *p == 'T') {
		p++;
		if (!digits(p, 2) || p[2] != ':' || !digits(p + 3, 2))
			return false;
		memcpy(hms, p, 5);
		p += 5;
		if (*p == ':') {
			if (!digits(p + 1, 2))
				return false;
			memcpy(hms + 6, p + 1, 2);
			p += 3;
		}
	}
	char frac[7] = "000000";
	size_t nfrac = 0;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, nfrac++)
			if (nfrac < 6)
				frac[nfrac] = *p;
		if (!nfrac)
			return false;
	}
	if (*p)
		return false;
	ll_buf_printf(out, "'%.10s %s.%.*s'", s, hms, nfrac > 3 ? 6 : 3, frac);
	return true;
}

/* DATE '...' or TIMESTAMP '...' at i (i + 1 is the string). */
static ll_status tr_typed_literal(tr *t, size_t i, ll_buf *out)
{
	const char *v = tok(t, i + 1)->value;
	space(t, i, out);
	if (ll_sql_tok_is(tok(t, i), "date")) {
		if (!is_date_text(v) || v[10])
			return fail_at(t, i + 1, LL_EINVAL, "'%s' is not a date (YYYY-MM-DD)", v);
		ll_sql_string_literal(out, v);
	} else if (!normalize_timestamp(v, out)) {
		return fail_at(t, i + 1, LL_EINVAL,
			       "'%s' is not a timestamp (YYYY-MM-DD HH:MM:SS[.fff], no time zone)", v);
	}
	consumed(t, i + 1);
	return LL_OK;
}

/* --------------------------------------------------------------- functions */

/* The engine's timestamp text of any date/time text SQLite reads. */
#define TS_OF(x) "strftime('%Y-%m-%d %H:%M:%f', " x ")"

typedef struct fn_template {
	const char *name;
	int min_args, max_args; /* max -1: any number */
	const char *tpl;        /* NULL: handled by its own function */
} fn_template;

static const fn_template templates[] = {
	{ "year", 1, 1, "CAST(strftime('%Y', $1) AS INTEGER)" },
	{ "month", 1, 1, "CAST(strftime('%m', $1) AS INTEGER)" },
	{ "day", 1, 1, "CAST(strftime('%d', $1) AS INTEGER)" },
	{ "day_of_month", 1, 1, "CAST(strftime('%d', $1) AS INTEGER)" },
	{ "hour", 1, 1, "CAST(strftime('%H', $1) AS INTEGER)" },
	{ "minute", 1, 1, "CAST(strftime('%M', $1) AS INTEGER)" },
	{ "second", 1, 1, "CAST(strftime('%S', $1) AS INTEGER)" },
	{ "quarter", 1, 1, "((CAST(strftime('%m', $1) AS INTEGER) + 2) / 3)" },
	/* ISO: Monday 1 .. Sunday 7; SQLite's %w counts from Sunday 0 */
	{ "day_of_week", 1, 1, "((CAST(strftime('%w', $1) AS INTEGER) + 6) % 7 + 1)" },
	{ "dow", 1, 1, "((CAST(strftime('%w', $1) AS INTEGER) + 6) % 7 + 1)" },
	{ "day_of_year", 1, 1, "CAST(strftime('%j', $1) AS INTEGER)" },
	{ "doy", 1, 1, "CAST(strftime('%j', $1) AS INTEGER)" },
	{ "from_iso8601_timestamp", 1, 1, TS_OF("$1") },
	{ "from_iso8601_date", 1, 1, "date($1)" },
	{ "now", 0, 0, TS_OF("'now'") },
	{ "approx_distinct", 1, 2, "count(DISTINCT $1)" },
	{ "if", 2, 2, "CASE WHEN $1 THEN $2 END" },
	{ "if", 3, 3, "CASE WHEN $1 THEN $2 ELSE $3 END" },
	{ "from_unixtime", 1, 1, "strftime('%Y-%m-%d %H:%M:%f', $1, 'unixepoch')" },
	{ "to_unixtime", 1, 1, "((julianday($1) - 2440587.5) * 86400.0)" },
	{ "greatest", 2, -1, NULL },
	{ "least", 2, -1, NULL },
	{ "starts_with", 2, 2, "(substr($1, 1, length($2)) = $2)" },
	{ "strpos", 2, 2, "instr($1, $2)" },
	{ "substring", 2, 2, "substr($1, $2)" },
	{ "substring", 3, 3, "substr($1, $2, $3)" },
	{ "concat", 1, -1, NULL },
	{ "date_trunc", 2, 2, NULL },
	{ "date_add", 3, 3, NULL },
	{ "date_diff", 3, 3, NULL },
};

/* Functions over arrays, maps, JSON paths or regular expressions: SQLite has none. */
static const char *const unsupported_functions[] = {
	"regexp_like", "regexp_extract", "regexp_extract_all", "regexp_replace", "regexp_split",
	"regexp_count", "regexp_position", "cardinality", "element_at", "contains", "array_join",
	"array_agg", "map_agg", "split", "transform", "filter", "reduce", "sequence", "zip",
	"approx_percentile", "unnest", "array", "map", "row", "histogram", "split_part",
};

static ll_status wrong_arity(tr *t, size_t i, const char *name)
{
	return fail_at(t, i, LL_EINVAL, "wrong number of arguments to %s()", name);
}

/* The unit of date_trunc, date_add or date_diff: a string literal, since it picks the template. */
static ll_status unit_of(tr *t, const span *arg, const char *function, const char **unit)
{
	const ll_sql_token *k = tok(t, arg->begin);
	if (k->kind != LL_TOK_STRING || arg->end != arg->begin + 1)
		return fail_at(t, arg->begin, LL_EUNSUPPORTED,
			       "%s: the unit must be a string literal such as 'day'", function);
	*unit = k->value;
	return LL_OK;
}

/* The text a table of {unit, text} pairs gives a unit, or NULL. */
static const char *unit_lookup(const char *const (*table)[2], size_t n, const char *unit)
{
	for (size_t k = 0; k < n; k++)
		if (strcasecmp(unit, table[k][0]) == 0)
			return table[k][1];
	return NULL;
}

/* date_trunc('unit', x): the start of x's unit, a date for a date. */
static ll_status put_date_trunc(tr *t, const span *args, const ll_buf *a, ll_buf *out)
{
	static const char *const fmts[][2] = {
		{ "second", "%Y-%m-%d %H:%M:%S.000" }, { "minute", "%Y-%m-%d %H:%M:00.000" },
		{ "hour", "%Y-%m-%d %H:00:00.000" },   { "day", "%Y-%m-%d 00:00:00.000" },
		{ "month", "%Y-%m-01 00:00:00.000" },  { "year", "%Y-01-01 00:00:00.000" },
	};
	const char *unit;
	ll_status s = unit_of(t, &args[0], "date_trunc", &unit);
	if (s != LL_OK)
		return s;
	ll_buf_puts(out, "substr(");
	const char *fmt = unit_lookup(fmts, sizeof(fmts) / sizeof(fmts[0]), unit);
	if (fmt) {
		ll_buf_printf(out, "strftime('%s', ", fmt);
		put_template(out, "$2)", a);
	} else if (strcasecmp(unit, "week") == 0)
		put_template(out, "strftime('%Y-%m-%d 00:00:00.000', $2, '-6 days', 'weekday 1')", a);
	else if (strcasecmp(unit, "quarter") == 0)
		put_template(out,
			     "printf('%s-%02d-01 00:00:00.000', strftime('%Y', $2), "
			     "(CAST(strftime('%m', $2) AS INTEGER) - 1) / 3 * 3 + 1)",
			     a);
	else
		return fail_at(t, args[0].begin, LL_EINVAL, "date_trunc: unknown unit '%s'", unit);
	put_template(out, ", 1, length($2))", a);
	return LL_OK;
}

/* date_add('unit', n, x) through SQLite's date modifiers. */
static ll_status put_date_add(tr *t, const span *args, const ll_buf *a, ll_buf *out)
{
	static const char *const mods[][2] = {
		{ "millisecond", "($2) / 1000.0 || ' seconds'" },
		{ "second", "($2) || ' seconds'" }, { "minute", "($2) || ' minutes'" },
		{ "hour", "($2) || ' hours'" },     { "day", "($2) || ' days'" },
		{ "week", "($2) * 7 || ' days'" },  { "month", "($2) || ' months'" },
		{ "quarter", "($2) * 3 || ' months'" }, { "year", "($2) || ' years'" },
	};
	const char *unit;
	ll_status s = unit_of(t, &args[0], "date_add", &unit);
	if (s != LL_OK)
		return s;
	const char *mod = unit_lookup(mods, sizeof(mods) / sizeof(mods[0]), unit);
	if (mod) {
		put_template(out, "substr(strftime('%Y-%m-%d %H:%M:%f', $3, ", a);
		put_template(out, mod, a);
		put_template(out, "), 1, length($3))", a);
		return LL_OK;
	}
	return fail_at(t, args[0].begin, LL_EINVAL, "date_add: unknown unit '%s'", unit);
}

/* Whole months from $2 to $3, counted the way Trino does (only complete ones). */
#define MONTHS_BETWEEN \
	"((CAST(strftime('%Y', $3) AS INTEGER) - CAST(strftime('%Y', $2) AS INTEGER)) * 12 + " \
	"CAST(strftime('%m', $3) AS INTEGER) - CAST(strftime('%m', $2) AS INTEGER) - " \
	"(CASE WHEN julianday($3) >= julianday($2) AND strftime('%d %H:%M:%f', $3) < " \
	"strftime('%d %H:%M:%f', $2) THEN 1 WHEN julianday($3) < julianday($2) AND " \
	"strftime('%d %H:%M:%f', $3) > strftime('%d %H:%M:%f', $2) THEN -1 ELSE 0 END))"

/* date_diff('unit', a, b): whole units from a to b, truncated toward zero. */
static ll_status put_date_diff(tr *t, const span *args, const ll_buf *a, ll_buf *out)
{
	static const struct {
		const char *unit;
		long long ms;
	} fixed[] = { { "millisecond", 1 }, { "second", 1000 },    { "minute", 60000 },
		      { "hour", 3600000 },  { "day", 86400000 },   { "week", 604800000 } };
	const char *unit;
	ll_status s = unit_of(t, &args[0], "date_diff", &unit);
	if (s != LL_OK)
		return s;
	for (size_t k = 0; k < sizeof(fixed) / sizeof(fixed[0]); k++) {
		if (strcasecmp(unit, fixed[k].unit) == 0) {
			put_template(out,
				     "(CAST(round((julianday($3) - julianday($2)) * 86400000) AS "
				     "INTEGER) / ",
				     a);
			ll_buf_printf(out, "%lld)", fixed[k].ms);
			return LL_OK;
		}
	}
	int months = strcasecmp(unit, "month") == 0 ? 1 : strcasecmp(unit, "quarter") == 0 ? 3
			: strcasecmp(unit, "year") == 0 ? 12 : 0;
	if (!months)
		return fail_at(t, args[0].begin, LL_EINVAL, "date_diff: unknown unit '%s'", unit);
	put_template(out, "(" MONTHS_BETWEEN, a);
	ll_buf_printf(out, " / %d)", months);
	return LL_OK;
}

/* open, the arguments joined by sep, close. */
static void put_joined(const char *open, const char *sep, const char *close, size_t nargs,
		       const ll_buf *a, ll_buf *out)
{
	ll_buf_puts(out, open);
	for (size_t k = 0; k < nargs; k++) {
		if (k)
			ll_buf_puts(out, sep);
		ll_buf_append(out, ll_buf_cstr(&a[k]), a[k].len);
	}
	ll_buf_puts(out, close);
}

static const fn_template *find_template(const char *name, size_t nargs, bool *known)
{
	*known = false;
	for (size_t k = 0; k < sizeof(templates) / sizeof(templates[0]); k++) {
		const fn_template *f = &templates[k];
		if (strcasecmp(name, f->name) != 0)
			continue;
		*known = true;
		if ((int)nargs >= f->min_args && (f->max_args < 0 || (int)nargs <= f->max_args))
			return f;
	}
	return NULL;
}

/* A call of a Trino function with a template at i ("(" at i + 1); *next gets the index after it. */
static ll_status tr_call(tr *t, size_t i, size_t end, const fn_template *f, size_t *next,
			 ll_buf *out)
{
	size_t close = matching_paren(t, i + 1, end);
	span args[MAX_ARGS];
	size_t nargs;
	ll_status s = split_args(t, i + 1, close, args, &nargs);
	if (s != LL_OK)
		return s;
	ll_buf bufs[MAX_ARGS] = { 0 };
	if ((s = tr_args(t, args, nargs, bufs)) == LL_OK) {
		space(t, i, out);
		if (f->tpl)
			put_template(out, f->tpl, bufs);
		else if (strcmp(f->name, "concat") == 0)
			/* || is NULL when any part is, as Trino's concat is */
			put_joined("(", " || ", ")", nargs, bufs, out);
		else if (strcmp(f->name, "greatest") == 0)
			/* SQLite's many-argument max and min are NULL when any argument is, as Trino's are */
			put_joined("max(", ", ", ")", nargs, bufs, out);
		else if (strcmp(f->name, "least") == 0)
			put_joined("min(", ", ", ")", nargs, bufs, out);
		else if (strcmp(f->name, "date_trunc") == 0)
			s = put_date_trunc(t, args, bufs, out);
		else if (strcmp(f->name, "date_add") == 0)
			s = put_date_add(t, args, bufs, out);
		else
			s = put_date_diff(t, args, bufs, out);
	}
	free_bufs(bufs, nargs);
	consumed(t, close);
	*next = close + 1;
	return s;
}

/* ------------------------------------------------------------------ casts */

/* Text that is a JSON number of an accepted kind, else NULL (try_cast's failure). */
#define NUMERIC_TEXT(kinds, cast) \
	"(CASE WHEN json_valid(trim($1)) THEN (CASE WHEN json_type(trim($1)) IN " kinds \
	" THEN CAST(trim($1) AS " cast ") END) END)"

static const struct {
	const char *type;
	const char *cast, *try_cast; /* try_cast NULL: as cast */
} cast_templates[] = {
	{ "varchar", "CAST($1 AS TEXT)", NULL },
	{ "char", "CAST($1 AS TEXT)", NULL },
	{ "string", "CAST($1 AS TEXT)", NULL },
	/* Trino rounds a double to the nearest integer; SQLite would truncate */
	{ "bigint", "(CASE typeof($1) WHEN 'real' THEN CAST(round($1) AS INTEGER) ELSE CAST($1 AS INTEGER) END)",
	  "(CASE typeof($1) WHEN 'integer' THEN $1 WHEN 'real' THEN CAST(round($1) AS INTEGER) "
	  "WHEN 'text' THEN " NUMERIC_TEXT("('integer')", "INTEGER") " END)" },
	{ "double", "CAST($1 AS REAL)",
	  "(CASE typeof($1) WHEN 'integer' THEN CAST($1 AS REAL) WHEN 'real' THEN $1 "
	  "WHEN 'text' THEN " NUMERIC_TEXT("('integer', 'real')", "REAL") " END)" },
	{ "boolean",
	  "(CASE WHEN typeof($1) IN ('integer', 'real') THEN $1 <> 0 ELSE (CASE lower($1) "
	  "WHEN 'true' THEN 1 WHEN 'false' THEN 0 END) END)",
	  NULL },
	{ "date", "date($1)", NULL },
	{ "timestamp", TS_OF("$1"), NULL },
	{ "varbinary", "CAST($1 AS BLOB)", NULL },
};

static const char *cast_alias(const char *type)
{
	static const char *const aliases[][2] = {
		{ "integer", "bigint" }, { "int", "bigint" },     { "smallint", "bigint" },
		{ "tinyint", "bigint" }, { "real", "double" },    { "float", "double" },
	};
	for (size_t k = 0; k < sizeof(aliases) / sizeof(aliases[0]); k++)
		if (strcasecmp(type, aliases[k][0]) == 0)
			return aliases[k][1];
	return type;
}

/* CAST(x AS type) or TRY_CAST(x AS type) at i. */
static ll_status tr_cast(tr *t, size_t i, size_t end, size_t *next, ll_buf *out)
{
	bool try_cast = ll_sql_tok_is(tok(t, i), "try_cast");
	size_t close = matching_paren(t, i + 1, end);
	if (!close)
		return fail_at(t, i, LL_EINVAL, "%s: missing ')'", tok(t, i)->value);
	size_t as = 0;
	int level = 0;
	for (size_t k = i + 2; k < close; k++) {
		if (ll_sql_tok_punct(tok(t, k), "("))
			level++;
		else if (ll_sql_tok_punct(tok(t, k), ")"))
			level--;
		else if (level == 0 && ll_sql_tok_is(tok(t, k), "as"))
			as = k;
	}
	if (!as || as == i + 2 || as + 1 >= close || tok(t, as + 1)->kind != LL_TOK_WORD)
		return fail_at(t, i, LL_EINVAL, "expected %s(value AS type)", tok(t, i)->value);
	const char *type = cast_alias(tok(t, as + 1)->value);
	size_t after = as + 2; /* past the type name, at its (p, s) if any */
	int scale = 0;
	if (ll_sql_tok_punct(tok(t, after), "(")) {
		size_t tclose = matching_paren(t, after, close + 1);
		if (tclose + 1 != close)
			return unsupported(t, after, "this type");
		if (ll_sql_tok_punct(tok(t, after + 2), ","))
			scale = atoi(tok(t, after + 3)->value);
		after = tclose + 1;
	}
	if (after != close)
		return fail_at(t, after, LL_EUNSUPPORTED, "CAST to '%s ...' is not supported",
			       tok(t, as + 1)->value);
	span arg = { i + 2, as };
	ll_buf val[1] = { LL_BUF_INIT };
	ll_status s = tr_args(t, &arg, 1, val);
	if (s == LL_OK) {
		space(t, i, out);
		size_t k = 0, n = sizeof(cast_templates) / sizeof(cast_templates[0]);
		while (k < n && strcasecmp(type, cast_templates[k].type) != 0)
			k++;
		if (k < n)
			put_template(out, try_cast && cast_templates[k].try_cast
						  ? cast_templates[k].try_cast
						  : cast_templates[k].cast,
				     val);
		else if (strcasecmp(type, "decimal") == 0) {
			/* the engine's decimals are text at their full scale; printf of NULL is 0 */
			put_template(out, "(CASE WHEN $1 IS NOT NULL THEN printf('%.", val);
			ll_buf_printf(out, "%df', ", scale);
			put_template(out, "$1) END)", val);
		} else
			s = fail_at(t, as + 1, LL_EUNSUPPORTED, "CAST to %s is not supported",
				    tok(t, as + 1)->value);
	}
	ll_buf_free(val);
	consumed(t, close);
	*next = close + 1;
	return s;
}

/* EXTRACT(field FROM x), as the function of that field. */
static ll_status tr_extract(tr *t, size_t i, size_t end, size_t *next, ll_buf *out)
{
	size_t close = matching_paren(t, i + 1, end);
	if (!close || tok(t, i + 2)->kind != LL_TOK_WORD || !ll_sql_tok_is(tok(t, i + 3), "from") ||
	    close == i + 4)
		return fail_at(t, i, LL_EINVAL, "expected %s(field FROM value)", tok(t, i)->value);
	bool known;
	const fn_template *f = find_template(tok(t, i + 2)->value, 1, &known);
	if (!f || !f->tpl)
		return fail_at(t, i + 2, LL_EUNSUPPORTED, "EXTRACT(%s ...) is not supported",
			       tok(t, i + 2)->value);
	span arg = { i + 4, close };
	ll_buf val[1] = { LL_BUF_INIT };
	ll_status s = tr_args(t, &arg, 1, val);
	if (s == LL_OK) {
		space(t, i, out);
		put_template(out, f->tpl, val);
	}
	ll_buf_free(val);
	consumed(t, close);
	*next = close + 1;
	return s;
}

/* -------------------------------------------------------- LIMIT and friends */

static bool is_count(const ll_sql_token *k)
{
	return k->kind == LL_TOK_NUMBER || k->kind == LL_TOK_PARAM;
}

/* [OFFSET n [ROWS]] [LIMIT m | FETCH FIRST m ROWS ONLY], in either order, as LIMIT m OFFSET n. */
static ll_status tr_limit(tr *t, size_t i, size_t end, size_t *next, ll_buf *out)
{
	const char *limit = "-1", *offset = NULL;
	size_t first = i;
	while (i < end) {
		const ll_sql_token *k = tok(t, i);
		if (ll_sql_tok_is(k, "offset") && !offset && is_count(tok(t, i + 1))) {
			offset = tok(t, i + 1)->value;
			i += 2;
			if (ll_sql_tok_is(tok(t, i), "row") || ll_sql_tok_is(tok(t, i), "rows"))
				i++;
		} else if (ll_sql_tok_is(k, "limit") && is_count(tok(t, i + 1))) {
			limit = tok(t, i + 1)->value;
			i += 2;
		} else if (ll_sql_tok_is(k, "limit") && ll_sql_tok_is(tok(t, i + 1), "all")) {
			i += 2;
		} else if (ll_sql_tok_is(k, "fetch") &&
			   (ll_sql_tok_is(tok(t, i + 1), "first") || ll_sql_tok_is(tok(t, i + 1), "next"))) {
			i += 2;
			limit = "1";
			if (is_count(tok(t, i)))
				limit = tok(t, i++)->value;
			if (!ll_sql_tok_is(tok(t, i), "row") && !ll_sql_tok_is(tok(t, i), "rows"))
				return fail_at(t, i, LL_EINVAL, "expected ROWS ONLY, found '%s'",
					       tok(t, i)->value);
			if (!ll_sql_tok_is(tok(t, i + 1), "only"))
				return unsupported(t, i + 1, "FETCH ... WITH TIES");
			i += 2;
		} else if (i == first) {
			return fail_at(t, i, LL_EINVAL, "expected a row count after %s", k->value);
		} else {
			break;
		}
	}
	space(t, first, out);
	ll_buf_printf(out, "LIMIT %s", limit);
	if (offset)
		ll_buf_printf(out, " OFFSET %s", offset);
	consumed(t, i - 1);
	*next = i;
	return LL_OK;
}

/* ------------------------------------------------------------- table names */

static bool is_any(const ll_sql_token *k, const char *const *words)
{
	for (; *words; words++)
		if (ll_sql_tok_is(k, *words))
			return true;
	return false;
}

static bool is_name(const ll_sql_token *k)
{
	return k->kind == LL_TOK_WORD || k->kind == LL_TOK_QIDENT;
}

/* Collects the names WITH defines: a name followed by AS ( or by (columns) AS (. */
static ll_status find_with_names(tr *t)
{
	for (size_t i = 0; i + 2 < t->ts->n; i++) {
		if (!is_name(tok(t, i)))
			continue;
		size_t j = i + 1;
		if (ll_sql_tok_punct(tok(t, j), "(")) {
			size_t close = matching_paren(t, j, t->ts->n);
			if (!close)
				continue;
			j = close + 1;
		}
		if (!ll_sql_tok_is(tok(t, j), "as") || !ll_sql_tok_punct(tok(t, j + 1), "("))
			continue;
		size_t *grown = realloc(t->with_names, (t->nwith + 1) * sizeof(*grown));
		if (!grown)
			return ll_error_oom(t->err);
		t->with_names = grown;
		t->with_names[t->nwith++] = i;
	}
	return LL_OK;
}

static bool is_with_name(const tr *t, const char *name)
{
	for (size_t k = 0; k < t->nwith; k++)
		if (strcasecmp(tok(t, t->with_names[k])->value, name) == 0)
			return true;
	return false;
}

/*
 * Words SQLite reserves (they fail as a bare column, alias or table name)
 * that Trino's queries never use as keywords, so Athena reads them as names.
 */
static const char *const sqlite_only_keywords[] = {
	"add", "autoincrement", "check", "collate", "commit", "default", "deferrable", "foreign",
	"index", "isnull", "nothing", "notnull", "primary", "raise", "references", "returning",
	"to", "transaction", "unique", NULL
};

static void put_name(const ll_sql_token *k, ll_buf *out)
{
	if (k->kind == LL_TOK_QIDENT || is_any(k, sqlite_only_keywords))
		ll_sql_presto_ident(out, k->value);
	else
		ll_buf_puts(out, k->value);
}

/* a.b.c: the catalog dropped, a bare table qualified with the default database. */
static ll_status tr_name_chain(tr *t, size_t i, size_t end, size_t *next, ll_buf *out)
{
	size_t parts[8], n = 0, j = i;
	for (;;) {
		parts[n++] = j;
		if (n < 8 && j + 2 < end && ll_sql_tok_punct(tok(t, j + 1), ".") &&
		    is_name(tok(t, j + 2)))
			j += 2;
		else
			break;
	}
	size_t from = 0;
	if (n >= 3 && strcasecmp(tok(t, parts[0])->value, ll_sql_catalog(t->ctx)) == 0)
		from = 1;
	else if (n == 3 && t->expect_table)
		return fail_at(t, i, LL_EUNSUPPORTED, "catalog %s is not supported",
			       tok(t, i)->value);
	space(t, i, out);
	if (t->expect_table && n == 1 && t->ctx && t->ctx->database &&
	    !is_with_name(t, tok(t, i)->value)) {
		ll_sql_presto_ident(out, t->ctx->database);
		ll_buf_putc(out, '.');
	}
	for (size_t k = from; k < n; k++) {
		if (k > from)
			ll_buf_putc(out, '.');
		put_name(tok(t, parts[k]), out);
	}
	t->expect_table = false;
	consumed(t, j);
	*next = j + 1;
	return LL_OK;
}

/* ------------------------------------------------------------- the walk */

static const char *const from_enders[] = { "where", "group", "having", "order", "union",
					   "intersect", "except", "window", NULL };

static ll_status tr_punct(tr *t, size_t i, ll_buf *out)
{
	const ll_sql_token *k = tok(t, i);
	if (ll_sql_tok_punct(k, "(")) {
		if (t->depth + 1 >= MAX_DEPTH)
			return unsupported(t, i, "nesting deeper than 200 parentheses");
		const ll_sql_token *n = tok(t, i + 1);
		t->scope[++t->depth] = ll_sql_tok_is(n, "select") || ll_sql_tok_is(n, "with") ||
					       ll_sql_tok_is(n, "values")
				       ? SC_QUERY
				       : SC_EXPR;
		t->expect_table = false;
	} else if (ll_sql_tok_punct(k, ")")) {
		if (t->depth == 0)
			return fail_at(t, i, LL_EINVAL, "unbalanced '%s'", ")");
		t->depth--;
	} else if (ll_sql_tok_punct(k, ",")) {
		t->expect_table = t->scope[t->depth] == SC_FROM;
	} else if (ll_sql_tok_punct(k, "[")) {
		return unsupported(t, i, "array subscript '[...]'");
	} else if (ll_sql_tok_punct(k, "->")) {
		return unsupported(t, i, "a lambda expression '->'");
	} else if (ll_sql_tok_punct(k, ";")) {
		return fail_at(t, i, LL_EINVAL, "%s", "only one statement is allowed");
	} else if (strchr("{}:^&~", k->value[0]) || ll_sql_tok_punct(k, "=>")) {
		return fail_at(t, i, LL_EUNSUPPORTED, "operator '%s' is not supported", k->value);
	}
	emit_span(t, i, out);
	return LL_OK;
}

/* A word at i: keyword, function, literal prefix or name. */
static ll_status tr_word(tr *t, size_t i, size_t end, size_t *next, ll_buf *out)
{
	const ll_sql_token *k = tok(t, i);
	bool call = i + 1 < end && ll_sql_tok_punct(tok(t, i + 1), "(");
	*next = i + 1;
	if (call) {
		for (size_t u = 0; u < sizeof(unsupported_functions) / sizeof(*unsupported_functions); u++)
			if (strcasecmp(k->value, unsupported_functions[u]) == 0)
				return fail_at(t, i, LL_EUNSUPPORTED, "function %s() is not supported",
					       k->value);
		if (!matching_paren(t, i + 1, end))
			return fail_at(t, i + 1, LL_EINVAL, "%s", "missing ')'");
		if (ll_sql_tok_is(k, "cast") || ll_sql_tok_is(k, "try_cast"))
			return tr_cast(t, i, end, next, out);
		if (ll_sql_tok_is(k, "extract"))
			return tr_extract(t, i, end, next, out);
		bool known;
		find_template(k->value, 0, &known);
		if (known) {
			/* only calls with a template are split: IN (...) and VALUES (...) may be long */
			span args[MAX_ARGS];
			size_t nargs;
			ll_status s = split_args(t, i + 1, matching_paren(t, i + 1, end), args, &nargs);
			if (s != LL_OK)
				return s;
			const fn_template *f = find_template(k->value, nargs, &known);
			if (!f)
				return wrong_arity(t, i, k->value);
			return tr_call(t, i, end, f, next, out);
		}
	}
	if ((ll_sql_tok_is(k, "date") || ll_sql_tok_is(k, "timestamp")) &&
	    tok(t, i + 1)->kind == LL_TOK_STRING && i + 1 < end) {
		*next = i + 2;
		return tr_typed_literal(t, i, out);
	}
	if (ll_sql_tok_is(k, "current_date") || ll_sql_tok_is(k, "current_timestamp") ||
	    ll_sql_tok_is(k, "localtimestamp")) {
		space(t, i, out);
		ll_buf_puts(out, ll_sql_tok_is(k, "current_date") ? "date('now')" : TS_OF("'now'"));
		consumed(t, i);
		return LL_OK;
	}
	if (ll_sql_tok_is(k, "interval"))
		return unsupported(t, i, "INTERVAL (use date_add('unit', n, x))");
	static const char *const unsupported_words[] = { "unnest", "lateral", "tablesample",
							 "array", "map", NULL };
	if (is_any(k, unsupported_words))
		return fail_at(t, i, LL_EUNSUPPORTED, "%s is not supported", k->value);
	if (ll_sql_tok_is(k, "limit") || ll_sql_tok_is(k, "offset") || ll_sql_tok_is(k, "fetch")) {
		if (t->scope[t->depth] == SC_FROM)
			t->scope[t->depth] = SC_QUERY;
		return tr_limit(t, i, end, next, out);
	}
	if (ll_sql_tok_is(k, "from") || ll_sql_tok_is(k, "join")) {
		/* in x IS [NOT] DISTINCT FROM y, y is a value, not a table */
		bool distinct = i > 0 && ll_sql_tok_is(tok(t, i - 1), "distinct");
		if (t->scope[t->depth] != SC_EXPR && !distinct) {
			t->scope[t->depth] = SC_FROM;
			t->expect_table = true;
		}
		emit_span(t, i, out);
		return LL_OK;
	}
	if (is_any(k, from_enders) && t->scope[t->depth] == SC_FROM)
		t->scope[t->depth] = SC_QUERY;
	if (call) {
		emit_span(t, i, out);
		return LL_OK;
	}
	return tr_name_chain(t, i, end, next, out);
}

static ll_status tr_range(tr *t, size_t i, size_t end, ll_buf *out)
{
	while (i < end) {
		const ll_sql_token *k = tok(t, i);
		ll_status s = LL_OK;
		size_t next = i + 1;
		switch (k->kind) {
		case LL_TOK_WORD:
			s = tr_word(t, i, end, &next, out);
			break;
		case LL_TOK_QIDENT:
			s = tr_name_chain(t, i, end, &next, out);
			break;
		case LL_TOK_PUNCT:
			s = tr_punct(t, i, out);
			break;
		default:
			t->expect_table = false;
			emit_span(t, i, out);
			break;
		}
		if (s != LL_OK)
			return s;
		i = next;
	}
	return LL_OK;
}

ll_status ll_sql_translate_tokens(const ll_sql_tokens *ts, size_t begin, size_t end,
				  const ll_sql_context *ctx, ll_buf *out, ll_error *err)
{
	tr t = { .ts = ts, .ctx = ctx, .err = err, .prev_end = SIZE_MAX };
	t.scope[0] = SC_QUERY;
	ll_status s = find_with_names(&t);
	if (s == LL_OK)
		s = tr_range(&t, begin, end, out);
	if (s == LL_OK && t.depth != 0)
		s = fail_at(&t, end, LL_EINVAL, "%s", "missing ')'");
	if (s == LL_OK && ll_buf_oom(out))
		s = ll_error_oom(err);
	free(t.with_names);
	return s;
}
