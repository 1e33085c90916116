/*
 * Partition specs, partition expressions and partition directory names.
 * See partition.h.
 *
 * The human strings copy java.time's and java.lang's toString layouts
 * (LocalDate, LocalTime, Double, BigDecimal), because a directory name that
 * differs from Spark's by one character puts the same partition in two
 * places.
 */
#include "formats/iceberg/partition.h"

#include <ctype.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/iceberg/json_util.h"
#include "util/base64.h"
#include "util/error.h"
#include "util/time.h"

/* ------------------------------------------------------------------ JSON */

static const char *const field_keys[] = { "name", "transform", "source-id", "field-id", NULL };
static const char *const spec_keys[] = { "spec-id", "fields", NULL };

static ll_status parse_field(const json_t *fj, const char *where, bool require_id, size_t index,
			     ll_iceberg_partition_field *f, ll_error *err)
{
	if (!json_is_object(fj))
		return ll_error_set(err, LL_EFORMAT, "%s must be an object", where);
	const char *transform;
	bool has_id;
	ll_status st;
	if ((st = ll_iceberg_json_str(fj, where, "name", true, &f->name, err)) ||
	    (st = ll_iceberg_json_str(fj, where, "transform", true, &transform, err)) ||
	    (st = ll_iceberg_json_i32(fj, where, "source-id", true, &f->source_id, NULL, err)) ||
	    (st = ll_iceberg_json_i32(fj, where, "field-id", require_id, &f->field_id, &has_id,
				      err)))
		return st;
	if (!has_id)
		f->field_id = LL_ICEBERG_FIRST_PARTITION_FIELD_ID + (int32_t)index;
	f->json = fj;
	if ((st = ll_iceberg_transform_parse(transform, &f->transform, err)))
		return ll_error_prefix(err, "%s.transform", where);
	return LL_OK;
}

ll_status ll_iceberg_partition_spec_parse(const json_t *json, ll_arena *arena,
					  const char *where, bool fields_only,
					  bool require_field_ids, ll_iceberg_partition_spec *out,
					  ll_error *err)
{
	memset(out, 0, sizeof(*out));
	const json_t *fields = json;
	const char *fields_where = where;
	char path[LL_ICEBERG_PATH_MAX];
	ll_status st;
	if (!fields_only) {
		if (!json_is_object(json))
			return ll_error_set(err, LL_EFORMAT, "%s must be an object", where);
		if ((st = ll_iceberg_json_i32(json, where, "spec-id", true, &out->spec_id, NULL,
					      err)) ||
		    (st = ll_iceberg_json_array(json, where, "fields", true, &fields, err)))
			return st;
		out->json = json;
		fields_where = ll_iceberg_path(path, where, "fields");
	} else if (!json_is_array(json)) {
		return ll_error_set(err, LL_EFORMAT, "%s must be an array of partition fields",
				    where);
	}
	size_t n = json_array_size(fields);
	ll_iceberg_partition_field *fs = NULL;
	if (n && !(fs = ll_arena_alloc(arena, n * sizeof(*fs))))
		return ll_error_oom(err);
	for (size_t i = 0; i < n; i++) {
		char sub[LL_ICEBERG_PATH_MAX];
		snprintf(sub, sizeof(sub), "%s[%zu]", fields_where, i);
		memset(&fs[i], 0, sizeof(fs[i]));
		if ((st = parse_field(json_array_get(fields, i), sub, require_field_ids, i, &fs[i],
				      err)))
			return st;
	}
	out->fields = fs;
	out->nfields = n;
	return LL_OK;
}

static json_t *field_to_json(const ll_iceberg_partition_field *f)
{
	char transform[64];
	json_t *o = json_object();
	bool ok = ll_iceberg_json_put(o, "name", json_string(f->name)) &&
		  ll_iceberg_json_put(o, "transform",
				      json_string(ll_iceberg_transform_format(
					      &f->transform, transform, sizeof(transform)))) &&
		  ll_iceberg_json_put(o, "source-id", json_integer(f->source_id)) &&
		  ll_iceberg_json_put(o, "field-id", json_integer(f->field_id)) &&
		  ll_iceberg_json_copy_unknown(o, f->json, field_keys);
	if (!ok)
		json_decref(o);
	return ok ? o : NULL;
}

json_t *ll_iceberg_partition_fields_to_json(const ll_iceberg_partition_spec *spec)
{
	json_t *arr = json_array();
	for (size_t i = 0; arr && i < spec->nfields; i++) {
		json_t *f = field_to_json(&spec->fields[i]);
		if (!f || json_array_append_new(arr, f) != 0) {
			json_decref(arr);
			return NULL;
		}
	}
	return arr;
}

json_t *ll_iceberg_partition_spec_to_json(const ll_iceberg_partition_spec *spec)
{
	json_t *o = json_object();
	bool ok = ll_iceberg_json_put(o, "spec-id", json_integer(spec->spec_id)) &&
		  ll_iceberg_json_put(o, "fields", ll_iceberg_partition_fields_to_json(spec)) &&
		  ll_iceberg_json_copy_unknown(o, spec->json, spec_keys);
	if (!ok)
		json_decref(o);
	return ok ? o : NULL;
}

/* ------------------------------------------------------------------ expressions */

typedef struct expr_scanner {
	const char *p;
} expr_scanner;

static void skip_blanks(expr_scanner *s)
{
	while (isspace((unsigned char)*s->p))
		s->p++;
}

/* A run of characters up to a blank, parenthesis, comma or the end. */
static size_t scan_word(expr_scanner *s, const char **start)
{
	skip_blanks(s);
	*start = s->p;
	while (*s->p && !isspace((unsigned char)*s->p) && !strchr("(),", *s->p))
		s->p++;
	return (size_t)(s->p - *start);
}

static bool accept(expr_scanner *s, char c)
{
	skip_blanks(s);
	if (*s->p != c)
		return false;
	s->p++;
	return true;
}

static bool word_is_number(const char *w, size_t n, int32_t *out)
{
	long long v = 0;
	for (size_t i = 0; i < n; i++) {
		if (w[i] < '0' || w[i] > '9')
			return false;
		v = v * 10 + (w[i] - '0');
		if (v > INT32_MAX)
			return false;
	}
	*out = (int32_t)v;
	return n > 0 && v > 0;
}

static const struct {
	const char *name;
	ll_iceberg_transform_kind kind;
} expr_names[] = {
	{ "identity", LL_ICEBERG_TRANSFORM_IDENTITY }, { "bucket", LL_ICEBERG_TRANSFORM_BUCKET },
	{ "truncate", LL_ICEBERG_TRANSFORM_TRUNCATE }, { "year", LL_ICEBERG_TRANSFORM_YEAR },
	{ "years", LL_ICEBERG_TRANSFORM_YEAR },        { "month", LL_ICEBERG_TRANSFORM_MONTH },
	{ "months", LL_ICEBERG_TRANSFORM_MONTH },      { "day", LL_ICEBERG_TRANSFORM_DAY },
	{ "days", LL_ICEBERG_TRANSFORM_DAY },          { "hour", LL_ICEBERG_TRANSFORM_HOUR },
	{ "hours", LL_ICEBERG_TRANSFORM_HOUR },        { "void", LL_ICEBERG_TRANSFORM_VOID },
};

static bool expr_kind(const char *w, size_t n, ll_iceberg_transform_kind *out)
{
	for (size_t i = 0; i < sizeof(expr_names) / sizeof(expr_names[0]); i++) {
		if (strlen(expr_names[i].name) == n && strncmp(expr_names[i].name, w, n) == 0) {
			*out = expr_names[i].kind;
			return true;
		}
	}
	return false;
}

static ll_status expr_error(const char *text, const char *why, ll_error *err)
{
	return ll_error_set(err, LL_EINVAL,
			    "partition expression \"%s\": %s; write a column name, "
			    "year(col), month(col), day(col), hour(col), bucket(N, col) or "
			    "truncate(W, col)", text, why);
}

/* Reads "N, col" or "col, N" for bucket and truncate. */
static ll_status parse_two_args(expr_scanner *s, const char *text, ll_iceberg_partition_expr *out,
				ll_error *err)
{
	const char *a, *b;
	size_t alen = scan_word(s, &a);
	if (!accept(s, ','))
		return expr_error(text, "bucket and truncate take a number and a column", err);
	size_t blen = scan_word(s, &b);
	int32_t na, nb;
	bool a_num = word_is_number(a, alen, &na), b_num = word_is_number(b, blen, &nb);
	if (a_num && blen && !b_num) {
		out->transform.param = na;
		out->column = b;
		out->column_len = blen;
	} else if (b_num && alen && !a_num) {
		out->transform.param = nb;
		out->column = a;
		out->column_len = alen;
	} else {
		return expr_error(text, "bucket and truncate take a positive number and a column",
				  err);
	}
	return LL_OK;
}

ll_status ll_iceberg_partition_expr_parse(const char *text, ll_iceberg_partition_expr *out,
					  ll_error *err)
{
	memset(out, 0, sizeof(*out));
	expr_scanner s = { text };
	const char *w;
	size_t n = scan_word(&s, &w);
	if (n == 0)
		return expr_error(text, "no column", err);
	if (!accept(&s, '(')) {
		out->column = w;
		out->column_len = n;
	} else {
		if (!expr_kind(w, n, &out->transform.kind))
			return expr_error(text, "unknown transform", err);
		bool two = out->transform.kind == LL_ICEBERG_TRANSFORM_BUCKET ||
			   out->transform.kind == LL_ICEBERG_TRANSFORM_TRUNCATE;
		ll_status st;
		if (two && (st = parse_two_args(&s, text, out, err)))
			return st;
		if (!two && (out->column_len = scan_word(&s, &out->column)) == 0)
			return expr_error(text, "no column", err);
		if (!accept(&s, ')'))
			return expr_error(text, "expected \")\"", err);
	}
	skip_blanks(&s);
	return *s.p ? expr_error(text, "unexpected text after the expression", err) : LL_OK;
}

void ll_iceberg_partition_field_name(const ll_iceberg_transform *t, const char *column,
				     ll_buf *out)
{
	static const char *const suffixes[] = {
		[LL_ICEBERG_TRANSFORM_IDENTITY] = "",     [LL_ICEBERG_TRANSFORM_BUCKET] = "_bucket",
		[LL_ICEBERG_TRANSFORM_TRUNCATE] = "_trunc", [LL_ICEBERG_TRANSFORM_YEAR] = "_year",
		[LL_ICEBERG_TRANSFORM_MONTH] = "_month",  [LL_ICEBERG_TRANSFORM_DAY] = "_day",
		[LL_ICEBERG_TRANSFORM_HOUR] = "_hour",    [LL_ICEBERG_TRANSFORM_VOID] = "_null",
		[LL_ICEBERG_TRANSFORM_UNKNOWN] = "",
	};
	ll_buf_puts(out, column);
	ll_buf_puts(out, suffixes[t->kind]);
}

/* ------------------------------------------------------------------ human strings */

static int64_t floor_div(int64_t v, int64_t w)
{
	int64_t q = v / w;
	return (v % w != 0 && v < 0) ? q - 1 : q;
}

/* TransformUtil's "%04d-%02d-%02d" for day ordinals. */
static void put_human_day(ll_buf *out, int64_t days)
{
	int64_t y;
	unsigned m, d;
	ll_civil_from_days(days, &y, &m, &d);
	ll_buf_printf(out, "%04lld-%02u-%02u", (long long)y, m, d);
}

/* java.time.LocalDate.toString: four-digit years, a sign beyond 9999. */
static void put_local_date(ll_buf *out, int64_t days)
{
	int64_t y;
	unsigned m, d;
	ll_civil_from_days(days, &y, &m, &d);
	if (y > -1000 && y < 1000)
		ll_buf_printf(out, "%s%04lld", y < 0 ? "-" : "", (long long)(y < 0 ? -y : y));
	else
		ll_buf_printf(out, "%s%lld", y > 9999 ? "+" : "", (long long)y);
	ll_buf_printf(out, "-%02u-%02u", m, d);
}

/* java.time.LocalTime.toString: seconds only when not zero, fractions in groups of 3. */
static void put_local_time(ll_buf *out, int64_t micros)
{
	int64_t secs = micros / 1000000, frac = micros % 1000000;
	ll_buf_printf(out, "%02d:%02d", (int)(secs / 3600), (int)(secs / 60 % 60));
	if (secs % 60 || frac)
		ll_buf_printf(out, ":%02d", (int)(secs % 60));
	if (frac && frac % 1000 == 0)
		ll_buf_printf(out, ".%03d", (int)(frac / 1000));
	else if (frac)
		ll_buf_printf(out, ".%06d", (int)frac);
}

static void put_local_date_time(ll_buf *out, int64_t micros)
{
	int64_t days = floor_div(micros, 86400LL * 1000000LL);
	put_local_date(out, days);
	ll_buf_putc(out, 'T');
	put_local_time(out, micros - days * 86400LL * 1000000LL);
}

/*
 * The shortest digits that read back as v, as "%.Ne" text: Java's
 * Double.toString and Float.toString choose them the same way.
 */
static void shortest_digits(double v, bool single, char *buf, size_t size)
{
	for (int prec = 0; prec < 17; prec++) {
		snprintf(buf, size, "%.*e", prec, v);
		if (single ? strtof(buf, NULL) == (float)v : strtod(buf, NULL) == v)
			return;
	}
	snprintf(buf, size, "%.16e", v);
}

/* Double.toString's layout: plain from 1e-3 up to 1e7, else d.dddE±n. */
static void put_java_double(ll_buf *out, double v, bool single)
{
	if (isnan(v) || isinf(v)) {
		ll_buf_puts(out, isnan(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
		return;
	}
	char sci[40], digits[24];
	shortest_digits(v, single, sci, sizeof(sci));
	const char *p = sci;
	if (*p == '-')
		ll_buf_putc(out, *p++);
	size_t n = 0;
	for (; *p != 'e'; p++)
		if (*p != '.')
			digits[n++] = *p;
	int exp = atoi(p + 1);
	while (n > 1 && digits[n - 1] == '0')
		n--;
	digits[n] = '\0';
	if (v == 0 || exp < -3 || exp >= 7) {
		ll_buf_printf(out, "%c.%s", digits[0], n > 1 ? digits + 1 : "0");
		if (v != 0)
			ll_buf_printf(out, "E%d", exp);
	} else if (exp < 0) {
		ll_buf_printf(out, "0.%.*s%s", -exp - 1, "00", digits);
	} else {
		size_t whole = (size_t)exp + 1;
		for (size_t i = 0; i < whole; i++)
			ll_buf_putc(out, i < n ? digits[i] : '0');
		ll_buf_printf(out, ".%s", n > whole ? digits + whole : "0");
	}
}

/* Identity.toHumanString: the value's own text, dates and times in ISO form. */
static void put_human_value(ll_buf *out, const ll_iceberg_type *t, const ll_iceberg_value *v)
{
	char text[LL_ICEBERG_DECIMAL_TEXT_MAX];
	switch (t->kind) {
	case LL_ICEBERG_BOOLEAN: ll_buf_puts(out, v->b ? "true" : "false"); break;
	case LL_ICEBERG_INT:
	case LL_ICEBERG_LONG: ll_buf_printf(out, "%lld", (long long)v->i); break;
	case LL_ICEBERG_FLOAT: put_java_double(out, v->f, true); break;
	case LL_ICEBERG_DOUBLE: put_java_double(out, v->d, false); break;
	case LL_ICEBERG_DECIMAL:
		ll_buf_puts(out, ll_iceberg_decimal_format(v->decimal, t->scale, text));
		break;
	case LL_ICEBERG_DATE: put_human_day(out, v->i); break;
	case LL_ICEBERG_TIME: put_local_time(out, v->i); break;
	case LL_ICEBERG_TIMESTAMP: put_local_date_time(out, v->i); break;
	case LL_ICEBERG_TIMESTAMPTZ:
		put_local_date_time(out, v->i);
		ll_buf_putc(out, 'Z');
		break;
	case LL_ICEBERG_STRING: ll_buf_append(out, v->bytes.data, v->bytes.len); break;
	case LL_ICEBERG_UUID: ll_buf_puts(out, ll_iceberg_uuid_format(v->bytes.data, text)); break;
	case LL_ICEBERG_FIXED:
	case LL_ICEBERG_BINARY: ll_base64_encode(v->bytes.data, v->bytes.len, out); break;
	case LL_ICEBERG_STRUCT:
	case LL_ICEBERG_LIST:
	case LL_ICEBERG_MAP: break;
	}
}

ll_status ll_iceberg_partition_value_human(const ll_iceberg_transform *t,
					   const ll_iceberg_type *source,
					   const ll_iceberg_value *v, ll_buf *out, ll_error *err)
{
	const ll_iceberg_type *result;
	ll_status st = ll_iceberg_transform_result_type(t, source, &result, err);
	if (st)
		return st;
	if (v->is_null) {
		ll_buf_puts(out, "null");
		return ll_buf_oom(out) ? ll_error_oom(err) : LL_OK;
	}
	if (result->kind == LL_ICEBERG_UUID && v->bytes.len != 16)
		return ll_error_set(err, LL_EINVAL, "a uuid is 16 bytes, not %zu", v->bytes.len);
	switch (t->kind) {
	case LL_ICEBERG_TRANSFORM_YEAR: ll_buf_printf(out, "%04lld", 1970 + (long long)v->i); break;
	case LL_ICEBERG_TRANSFORM_MONTH:
		ll_buf_printf(out, "%04lld-%02lld", 1970 + (long long)floor_div(v->i, 12),
			      (long long)(v->i - 12 * floor_div(v->i, 12) + 1));
		break;
	case LL_ICEBERG_TRANSFORM_HOUR:
		put_human_day(out, floor_div(v->i, 24));
		ll_buf_printf(out, "-%02lld", (long long)(v->i - 24 * floor_div(v->i, 24)));
		break;
	default: put_human_value(out, result, v); break;
	}
	return ll_buf_oom(out) ? ll_error_oom(err) : LL_OK;
}

/* ------------------------------------------------------------------ paths */

/* java.net.URLEncoder.encode(s, "UTF-8"). */
static void put_escaped(ll_buf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '*' || c == '_';
		if (plain) {
			ll_buf_putc(out, (char)c);
		} else if (c == ' ') {
			ll_buf_putc(out, '+');
		} else {
			char esc[3] = { '%', hex[c >> 4], hex[c & 15] };
			ll_buf_append(out, esc, 3);
		}
	}
}

ll_status ll_iceberg_partition_path(const ll_iceberg_partition_spec *spec,
				    const ll_iceberg_schema *schema, const ll_iceberg_value *values,
				    ll_buf *out, ll_error *err)
{
	ll_buf human = LL_BUF_INIT;
	ll_status st = LL_OK;
	for (size_t i = 0; i < spec->nfields && !st; i++) {
		const ll_iceberg_partition_field *f = &spec->fields[i];
		const ll_iceberg_field *source = ll_iceberg_schema_find_field(schema, f->source_id);
		if (!source) {
			st = ll_error_set(err, LL_ESCHEMA,
					  "partition field \"%s\" reads column id %d, which schema "
					  "%d does not have", f->name, (int)f->source_id,
					  (int)schema->schema_id);
			break;
		}
		ll_buf_clear(&human);
		st = ll_iceberg_partition_value_human(&f->transform, source->type, &values[i],
						      &human, err);
		if (st)
			break;
		if (i > 0)
			ll_buf_putc(out, '/');
		put_escaped(out, f->name, strlen(f->name));
		ll_buf_putc(out, '=');
		put_escaped(out, human.data, human.len);
	}
	ll_buf_free(&human);
	if (!st && ll_buf_oom(out))
		st = ll_error_oom(err);
	return st;
}
