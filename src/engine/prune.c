/*
 * Row-group pruning: deciding from Parquet statistics that a row group holds
 * no row a constraint accepts.
 *
 * SQLite evaluates every constraint again on the rows we return, so pruning
 * never changes a result as long as it is conservative: a row group is
 * skipped only when SQLite would reject each of its rows. That means
 * comparing the way SQLite compares, not the way the data "means":
 *   - the constant is converted by the column's affinity first (a text
 *     '10' against a bigint column is the number 10; a number against a
 *     timestamp column is text), which is why xBestIndex only offers
 *     constraints whose right side is a literal (no affinity of its own);
 *   - text compares bytewise (BINARY collation; others are not offered);
 *   - timestamps, dates and times are TEXT in SQL, so their bounds are
 *     formatted exactly as the column's values are and compared as text.
 *     Within years 0000-9999 that order is the time order, so the bounds
 *     of the formatted values are the formatted bounds; outside it nothing
 *     is pruned. (Parsing the constant as a time instead would disagree
 *     with SQLite about constants such as '2024-03-10T05:00', where 'T'
 *     sorts after ' '.)
 *   - decimals are TEXT whose order is not numeric order: never pruned.
 *   - integers and reals compare exactly; a comparison that doubles cannot
 *     decide (integers beyond 2^53, NaN) rules nothing out.
 */
#include <math.h>
#include <string.h>

#include "engine/engine_internal.h"
#include "util/time.h"

/* Result of comparing a constant with a bound: -1, 0, 1, or unknown. */
#define LL_CMP_UNKNOWN 2

ll_engine_domain ll_engine_domain_of(ll_data_type type)
{
	switch (type) {
	case LL_TYPE_BIGINT:
	case LL_TYPE_BOOL:
		return LL_DOMAIN_INT;
	case LL_TYPE_DOUBLE:
		return LL_DOMAIN_REAL;
	case LL_TYPE_BINARY:
		return LL_DOMAIN_BLOB;
	case LL_TYPE_DECIMAL:
		return LL_DOMAIN_DECIMAL;
	default:
		return LL_DOMAIN_TEXT;
	}
}

int ll_engine_ts_digits(const ll_engine_column *col)
{
	return col->unit == LL_TS_MILLIS ? 3 : 6;
}

size_t ll_engine_format_time(int64_t micros, char *buf)
{
	/* the clock part of a timestamp on 1970-01-01 is exactly HH:MM:SS.ffffff */
	size_t n = ll_time_format_timestamp(micros, 6, ' ', false, buf);
	memmove(buf, buf + 11, n - 10);
	return n - 11;
}

void ll_pred_clear(ll_pred *p)
{
	sqlite3_free(p->s);
	p->s = NULL;
	p->len = 0;
}

static bool set_numeric(ll_pred *p, sqlite3_value *v)
{
	/* the comparison applies NUMERIC affinity to the constant; do the same on a copy */
	sqlite3_value *copy = sqlite3_value_dup(v);
	if (!copy)
		return false;
	int t = sqlite3_value_numeric_type(copy);
	if (t == SQLITE_INTEGER) {
		p->kind = LL_CELL_INT;
		p->i = sqlite3_value_int64(copy);
		p->usable = true;
	} else if (t == SQLITE_FLOAT) {
		p->kind = LL_CELL_REAL;
		p->d = sqlite3_value_double(copy);
		p->usable = !isnan(p->d);
	}
	sqlite3_value_free(copy);
	return true;
}

static bool set_bytes(ll_pred *p, ll_cell_kind kind, const void *data, int len)
{
	p->kind = kind;
	p->len = len > 0 ? (size_t)len : 0;
	p->s = sqlite3_malloc64(p->len + 1);
	if (!p->s)
		return false;
	if (p->len)
		memcpy(p->s, data, p->len);
	p->s[p->len] = '\0';
	p->usable = true;
	return true;
}

/* Returns false only when out of memory. */
bool ll_pred_set_value(ll_pred *p, ll_data_type type, sqlite3_value *v)
{
	p->usable = false;
	p->never = false;
	if (p->op == LL_PRED_ISNULL || p->op == LL_PRED_NOTNULL) {
		p->usable = true;
		return true;
	}
	int t = sqlite3_value_type(v);
	if (t == SQLITE_NULL) {
		p->never = true;
		return true;
	}
	switch (ll_engine_domain_of(type)) {
	case LL_DOMAIN_INT:
	case LL_DOMAIN_REAL:
		if (t == SQLITE_BLOB)
			return true;
		return set_numeric(p, v);
	case LL_DOMAIN_TEXT:
		if (t == SQLITE_BLOB)
			return true;
		/* TEXT affinity turns a numeric constant into its text rendering */
		{
			sqlite3_value *copy = sqlite3_value_dup(v);
			if (!copy)
				return false;
			const unsigned char *s = sqlite3_value_text(copy);
			bool ok = !s || set_bytes(p, LL_CELL_TEXT, s, sqlite3_value_bytes(copy));
			sqlite3_value_free(copy);
			return ok;
		}
	case LL_DOMAIN_BLOB:
		if (t != SQLITE_BLOB)
			return true;
		return set_bytes(p, LL_CELL_BLOB, sqlite3_value_blob(v), sqlite3_value_bytes(v));
	case LL_DOMAIN_DECIMAL:
		return true;
	}
	return true;
}

/* Exact comparison of an integer with a double (neither converted lossily). */
static int cmp_int_real(int64_t a, double b)
{
	if (isnan(b))
		return LL_CMP_UNKNOWN;
	if (b >= 9223372036854775808.0)
		return -1;
	if (b < -9223372036854775808.0)
		return 1;
	double fl = floor(b);
	int64_t fi = (int64_t)fl;
	if (a < fi)
		return -1;
	if (a > fi)
		return 1;
	return b == fl ? 0 : -1;
}

static int flip(int c)
{
	return c == LL_CMP_UNKNOWN ? c : -c;
}

static int cmp_bytes(const char *a, size_t alen, const char *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);
	if (c == 0)
		return alen < blen ? -1 : alen > blen;
	return c < 0 ? -1 : 1;
}

/* A statistics bound in the SQL domain of its column. */
typedef struct ll_bound {
	ll_cell_kind kind;
	int64_t i;
	double d;
	const char *s;
	size_t len;
	char buf[48];
} ll_bound;

/* Timestamps (micros) and dates (days) from 0000-01-01 up to, not including, 10000-01-01. */
#define LL_DAY_MIN (-719528LL)
#define LL_DAY_END 2932897LL
#define LL_DAY_MICROS 86400000000LL

/* Converts a bound to the column's SQL value; false when its text would not sort right. */
static bool make_bound(const ll_value *v, const ll_engine_column *col, ll_bound *b)
{
	switch (col->type) {
	case LL_TYPE_BIGINT:
	case LL_TYPE_BOOL:
		b->kind = LL_CELL_INT;
		b->i = v->i;
		return true;
	case LL_TYPE_DOUBLE:
		b->kind = LL_CELL_REAL;
		b->d = v->d;
		return !isnan(v->d);
	case LL_TYPE_TIMESTAMP:
		if (v->i < LL_DAY_MIN * LL_DAY_MICROS || v->i >= LL_DAY_END * LL_DAY_MICROS)
			return false;
		b->kind = LL_CELL_TEXT;
		b->len = ll_time_format_timestamp(v->i, ll_engine_ts_digits(col), ' ', false, b->buf);
		b->s = b->buf;
		return true;
	case LL_TYPE_DATE:
		if (v->i < LL_DAY_MIN || v->i >= LL_DAY_END)
			return false;
		b->kind = LL_CELL_TEXT;
		b->len = ll_time_format_date(v->i, b->buf);
		b->s = b->buf;
		return true;
	case LL_TYPE_TIME:
		if (v->i < 0 || v->i >= LL_DAY_MICROS)
			return false;
		b->kind = LL_CELL_TEXT;
		b->len = ll_engine_format_time(v->i, b->buf);
		b->s = b->buf;
		return true;
	case LL_TYPE_TEXT:
	case LL_TYPE_JSON:
	case LL_TYPE_BINARY:
		b->kind = col->type == LL_TYPE_BINARY ? LL_CELL_BLOB : LL_CELL_TEXT;
		b->s = v->s ? v->s : "";
		b->len = v->len;
		return true;
	default:
		return false;
	}
}

/* Compares the constant of p with a bound: -1 (constant smaller), 0, 1 or unknown. */
static int cmp_const(const ll_pred *p, const ll_bound *b)
{
	if (p->kind == LL_CELL_INT && b->kind == LL_CELL_INT)
		return p->i < b->i ? -1 : p->i > b->i;
	if (p->kind == LL_CELL_INT && b->kind == LL_CELL_REAL)
		return cmp_int_real(p->i, b->d);
	if (p->kind == LL_CELL_REAL && b->kind == LL_CELL_INT)
		return flip(cmp_int_real(b->i, p->d));
	if (p->kind == LL_CELL_REAL && b->kind == LL_CELL_REAL)
		return p->d < b->d ? -1 : p->d > b->d;
	if (p->kind == b->kind && (p->kind == LL_CELL_TEXT || p->kind == LL_CELL_BLOB))
		return cmp_bytes(p->s, p->len, b->s, b->len);
	return LL_CMP_UNKNOWN;
}

/* Given the constant compared with the smallest and largest value, can any row match? */
static bool bounds_rule_out(ll_pred_op op, int c_lo, int c_hi)
{
	switch (op) {
	case LL_PRED_EQ:
		return (c_lo != LL_CMP_UNKNOWN && c_lo < 0) || (c_hi != LL_CMP_UNKNOWN && c_hi > 0);
	case LL_PRED_LT: /* col < c: impossible when min >= c */
		return c_lo != LL_CMP_UNKNOWN && c_lo <= 0;
	case LL_PRED_LE:
		return c_lo != LL_CMP_UNKNOWN && c_lo < 0;
	case LL_PRED_GT: /* col > c: impossible when max <= c */
		return c_hi != LL_CMP_UNKNOWN && c_hi >= 0;
	case LL_PRED_GE:
		return c_hi != LL_CMP_UNKNOWN && c_hi > 0;
	default:
		return false;
	}
}

/* Whether the file stores the column as the catalog says, so its bounds mean the same. */
static bool same_type(const ll_parquet_field *f, const ll_engine_column *col)
{
	if (f->nested || f->type != col->type)
		return false;
	return true;
}

/*
 * The decision shared by row groups and whole files: nulls of rows values,
 * bounds min and max when have_bounds.
 */
static bool stats_rule_out(const ll_pred *p, const ll_engine_column *col, uint64_t rows,
			   uint64_t nulls, bool have_bounds, const ll_value *min, const ll_value *max)
{
	if (p->op == LL_PRED_ISNULL)
		return nulls == 0;
	if (nulls >= rows) /* IS NOT NULL and every comparison are false on NULL */
		return true;
	if (p->op == LL_PRED_NOTNULL || !p->usable || !have_bounds || min->is_null || max->is_null)
		return false;
	ll_bound lo, hi;
	if (!make_bound(min, col, &lo) || !make_bound(max, col, &hi))
		return false;
	return bounds_rule_out(p->op, cmp_const(p, &lo), cmp_const(p, &hi));
}

bool ll_pred_rules_out(const ll_pred *p, const ll_engine_column *col,
		       const ll_parquet_reader *r, size_t rg, long field)
{
	uint64_t rows = ll_parquet_reader_row_group_rows(r, rg);
	if (p->never)
		return true;
	if (field < 0) /* the file predates the column: every value is NULL */
		return p->op != LL_PRED_ISNULL;
	ll_value min, max;
	uint64_t nulls = 0;
	memset(&min, 0, sizeof(min));
	memset(&max, 0, sizeof(max));
	if (!ll_parquet_reader_stats(r, rg, (size_t)field, &min, &max, &nulls))
		return false;
	bool have_bounds = same_type(ll_parquet_reader_field(r, (size_t)field), col);
	return stats_rule_out(p, col, rows, nulls, have_bounds, &min, &max);
}

bool ll_pred_rules_out_file(const ll_pred *p, const ll_engine_column *col,
			    const ll_engine_file_stats *fs)
{
	if (p->never)
		return true;
	if (fs->null_count < 0 || fs->value_count < 0) {
		/* without counts only the bounds of a comparison can decide */
		if (p->op == LL_PRED_ISNULL || p->op == LL_PRED_NOTNULL)
			return false;
		return stats_rule_out(p, col, 1, 0, fs->has_bounds, &fs->min, &fs->max);
	}
	return stats_rule_out(p, col, (uint64_t)fs->value_count, (uint64_t)fs->null_count,
			      fs->has_bounds, &fs->min, &fs->max);
}
