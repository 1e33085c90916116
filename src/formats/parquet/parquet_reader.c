/*
 * ll_parquet_reader: opening a file, its fields and statistics, and the
 * cursor; see parquet_reader.h for the contract and reader_internal.h for
 * how the work is divided.
 *
 * Opening reads the last 8 bytes (footer length and magic number), checks
 * the leading magic number, reads the footer, and parses and checks it
 * entirely (schema, row counts, one column chunk per leaf in every row
 * group) before anything is returned, so a cursor only meets problems that
 * live in the column chunks themselves.
 *
 * A cursor loads, when it enters a row group, the column chunks of the
 * fields it was asked for and nothing else, then decodes batches from them.
 * Strings of a batch live in the cursor's arena, which the next call
 * resets. After a failure the cursor only reports that it failed.
 */
#include "formats/parquet/reader_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#define MAGIC "PAR1"
#define MAGIC_ENCRYPTED "PARE"

ll_status ll_pqr_fail(const ll_parquet_reader *r, ll_error *err, const char *fmt, ...)
{
	if (!err)
		return LL_EFORMAT;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof(err->message), fmt, ap);
	va_end(ap);
	err->code = LL_EFORMAT;
	ll_error_set_location(err, r->name, 0, 0);
	return LL_EFORMAT;
}

/* ---- opening ---- */

static ll_status read_footer(ll_parquet_reader *r, ll_error *err)
{
	uint8_t tail[8], head[4];
	uint64_t size = r->src.size;
	ll_status st;
	if (size < 12)
		return ll_pqr_fail(r, err, "%llu bytes are too few for a Parquet file",
				   (unsigned long long)size);
	if ((st = r->src.read_at(r->src.ctx, size - 8, tail, 8, err)) != LL_OK ||
	    (st = r->src.read_at(r->src.ctx, 0, head, 4, err)) != LL_OK)
		return st;
	if (memcmp(tail + 4, MAGIC_ENCRYPTED, 4) == 0)
		return ll_error_set(err, LL_EUNSUPPORTED,
				    "%s has an encrypted footer, which lakeload does not read", r->name);
	if (memcmp(tail + 4, MAGIC, 4) != 0 || memcmp(head, MAGIC, 4) != 0)
		return ll_pqr_fail(r, err, "not a Parquet file (no PAR1 magic number at %s)",
				   memcmp(head, MAGIC, 4) != 0 ? "its start" : "its end");
	uint64_t len = ll_pqr_le32(tail);
	if (len > size - 12 || len > LL_PQR_MAX_ALLOC)
		return ll_pqr_fail(r, err, "the footer length %llu does not fit in the file's %llu bytes",
				   (unsigned long long)len, (unsigned long long)size);
	r->footer = malloc(len ? (size_t)len : 1);
	if (!r->footer)
		return ll_error_oom(err);
	r->footer_len = (size_t)len;
	r->data_end = size - 8 - len;
	return r->src.read_at(r->src.ctx, r->data_end, r->footer, (size_t)len, err);
}

/* Every row group has one chunk per leaf, and the row counts add up. */
static ll_status check_row_groups(ll_parquet_reader *r, ll_error *err)
{
	uint64_t total = 0;
	for (size_t g = 0; g < r->ngroups; g++) {
		const ll_pqr_row_group *rg = &r->groups[g];
		if (rg->num_rows < 0)
			return ll_pqr_fail(r, err, "row group %zu has no valid row count", g);
		if (rg->nchunks != r->nleaves)
			return ll_pqr_fail(r, err, "row group %zu has %zu column chunks for %zu columns", g,
					   rg->nchunks, r->nleaves);
		if (__builtin_add_overflow(total, (uint64_t)rg->num_rows, &total))
			return ll_pqr_fail(r, err, "the row groups' row counts overflow");
	}
	if (total != (uint64_t)r->num_rows)
		return ll_pqr_fail(r, err, "the row groups hold %llu rows, the footer says %lld",
				   (unsigned long long)total, (long long)r->num_rows);
	return LL_OK;
}

ll_status ll_parquet_reader_open_source(ll_parquet_reader **out, ll_parquet_source src,
					const char *name, ll_error *err)
{
	*out = NULL;
	ll_parquet_reader *r = calloc(1, sizeof(*r));
	char *copy = strdup(name ? name : "Parquet file");
	if (!r || !copy) {
		free(r);
		free(copy);
		if (src.close)
			src.close(src.ctx);
		return ll_error_oom(err);
	}
	r->src = src;
	r->name = copy;
	ll_arena_init(&r->arena, 0);
	ll_status st = read_footer(r, err);
	if (st == LL_OK)
		st = ll_pqr_parse_footer(r, err);
	if (st == LL_OK)
		st = ll_pqr_build_schema(r, err);
	if (st == LL_OK)
		st = check_row_groups(r, err);
	if (st == LL_OK)
		st = ll_pqr_build_stats(r, err);
	if (st != LL_OK) {
		ll_parquet_reader_free(r);
		return st;
	}
	*out = r;
	return LL_OK;
}

ll_status ll_parquet_reader_open(ll_parquet_reader **out, const char *path, ll_error *err)
{
	ll_parquet_source src;
	*out = NULL;
	ll_status st = ll_parquet_file_source(path, &src, err);
	if (st != LL_OK)
		return st;
	return ll_parquet_reader_open_source(out, src, path, err);
}

void ll_parquet_reader_free(ll_parquet_reader *r)
{
	if (!r)
		return;
	if (r->src.close)
		r->src.close(r->src.ctx);
	for (size_t g = 0; r->groups && g < r->ngroups; g++) {
		free(r->groups[g].chunks);
		free(r->groups[g].stats);
	}
	free(r->groups);
	free(r->nodes);
	free(r->leaves);
	free(r->type_order);
	free(r->fields);
	free(r->finfo);
	free(r->footer);
	free(r->name);
	ll_arena_free(&r->arena);
	free(r);
}

/* ---- accessors ---- */

uint64_t ll_parquet_reader_row_count(const ll_parquet_reader *r)
{
	return (uint64_t)r->num_rows;
}

size_t ll_parquet_reader_row_group_count(const ll_parquet_reader *r)
{
	return r->ngroups;
}

uint64_t ll_parquet_reader_row_group_rows(const ll_parquet_reader *r, size_t rg)
{
	return rg < r->ngroups ? (uint64_t)r->groups[rg].num_rows : 0;
}

size_t ll_parquet_reader_field_count(const ll_parquet_reader *r)
{
	return r->nfields;
}

const ll_parquet_field *ll_parquet_reader_field(const ll_parquet_reader *r, size_t i)
{
	return i < r->nfields ? &r->fields[i] : NULL;
}

long ll_parquet_reader_find_field(const ll_parquet_reader *r, const char *name)
{
	for (size_t i = 0; i < r->nfields; i++) {
		if (strcmp(r->fields[i].name, name) == 0)
			return (long)i;
	}
	return -1;
}

bool ll_parquet_reader_stats(const ll_parquet_reader *r, size_t rg, size_t field, ll_value *min,
			     ll_value *max, uint64_t *null_count)
{
	if (rg >= r->ngroups || field >= r->nfields || !r->groups[rg].stats[field].usable)
		return false;
	const ll_pqr_field_stats *s = &r->groups[rg].stats[field];
	*min = s->min;
	*max = s->max;
	*null_count = s->null_count;
	return true;
}

/* ---- the cursor ---- */

typedef struct cursor_field {
	size_t field;
	ll_pqr_column *cols; /* one per leaf of the field */
	size_t ncols;
	bool nested;
	ll_pqr_nested scratch;
} cursor_field;

struct ll_parquet_cursor {
	ll_parquet_reader *r;
	cursor_field *f;
	size_t nf;
	bool *selected;
	size_t next_rg, rg;
	uint64_t rows_left; /* in row group rg */
	ll_status failed;
	ll_parquet_batch batch;
	ll_value **columns;
	size_t cap;
	ll_arena arena;
};

static ll_status cursor_field_init(ll_parquet_cursor *c, cursor_field *cf, size_t field,
				   ll_error *err)
{
	const ll_pqr_field *fi = &c->r->finfo[field];
	cf->field = field;
	cf->ncols = fi->leaf_end - fi->leaf_begin;
	cf->cols = calloc(cf->ncols ? cf->ncols : 1, sizeof(*cf->cols));
	if (!cf->cols)
		return ll_error_oom(err);
	for (size_t k = 0; k < cf->ncols; k++)
		ll_pqr_column_init(&cf->cols[k], c->r);
	cf->nested = c->r->fields[field].nested;
	return cf->nested ? ll_pqr_nested_init(&cf->scratch, fi, err) : LL_OK;
}

ll_status ll_parquet_cursor_open(ll_parquet_reader *r, const size_t *fields, size_t nfields,
				 const bool *row_groups, ll_parquet_cursor **out, ll_error *err)
{
	*out = NULL;
	for (size_t k = 0; k < nfields; k++) {
		if (fields[k] >= r->nfields)
			return ll_error_set(err, LL_EINVAL, "field %zu does not exist in %s (it has %zu)",
					    fields[k], r->name, r->nfields);
	}
	ll_parquet_cursor *c = calloc(1, sizeof(*c));
	if (!c)
		return ll_error_oom(err);
	c->r = r;
	ll_arena_init(&c->arena, 0);
	c->f = calloc(nfields + 1, sizeof(*c->f));
	c->selected = malloc((r->ngroups + 1) * sizeof(*c->selected));
	if (!c->f || !c->selected) {
		ll_parquet_cursor_free(c);
		return ll_error_oom(err);
	}
	for (size_t g = 0; g < r->ngroups; g++)
		c->selected[g] = row_groups ? row_groups[g] : true;
	for (size_t k = 0; k < nfields; k++, c->nf++) {
		ll_status st = cursor_field_init(c, &c->f[k], fields[k], err);
		if (st != LL_OK) {
			c->nf++;
			ll_parquet_cursor_free(c);
			return st;
		}
	}
	*out = c;
	return LL_OK;
}

void ll_parquet_cursor_free(ll_parquet_cursor *c)
{
	if (!c)
		return;
	for (size_t k = 0; k < c->nf; k++) {
		for (size_t j = 0; c->f[k].cols && j < c->f[k].ncols; j++)
			ll_pqr_column_free(&c->f[k].cols[j]);
		free(c->f[k].cols);
		if (c->f[k].nested)
			ll_pqr_nested_free(&c->f[k].scratch);
	}
	for (size_t k = 0; c->columns && k < c->nf; k++)
		free(c->columns[k]);
	free(c->columns);
	free(c->f);
	free(c->selected);
	ll_arena_free(&c->arena);
	free(c);
}

size_t ll_parquet_cursor_row_group(const ll_parquet_cursor *c)
{
	return c->rg;
}

/* Moves to the next selected row group with rows; false when there is none. */
static ll_status enter_row_group(ll_parquet_cursor *c, bool *found, ll_error *err)
{
	const ll_parquet_reader *r = c->r;
	while (c->next_rg < r->ngroups &&
	       (!c->selected[c->next_rg] || r->groups[c->next_rg].num_rows == 0))
		c->next_rg++;
	*found = c->next_rg < r->ngroups;
	if (!*found)
		return LL_OK;
	size_t rg = c->next_rg++;
	for (size_t k = 0; k < c->nf; k++) {
		const cursor_field *cf = &c->f[k];
		size_t leaf = r->finfo[cf->field].leaf_begin;
		for (size_t j = 0; j < cf->ncols; j++) {
			ll_status st = ll_pqr_column_load(&cf->cols[j], leaf + j, rg, err);
			if (st != LL_OK)
				return st;
		}
	}
	c->rg = rg;
	c->rows_left = (uint64_t)r->groups[rg].num_rows;
	return LL_OK;
}

static ll_status reserve_rows(ll_parquet_cursor *c, size_t n, ll_error *err)
{
	if (n <= c->cap && c->columns)
		return LL_OK;
	if (!c->columns && !(c->columns = calloc(c->nf + 1, sizeof(*c->columns))))
		return ll_error_oom(err);
	for (size_t k = 0; k < c->nf; k++) {
		ll_value *p = realloc(c->columns[k], n * sizeof(*p));
		if (!p)
			return ll_error_oom(err);
		c->columns[k] = p;
	}
	c->cap = n;
	return LL_OK;
}

/* Makes the column's window hold an entry: its chunk has one for every row of its row group. */
static ll_status fill_window(ll_pqr_column *col, ll_error *err)
{
	bool more;
	ll_status st = ll_pqr_column_fill(col, &more, err);
	if (st == LL_OK && !more)
		return ll_pqr_column_fail(col, err, "the column chunk holds fewer rows than its row group");
	return st;
}

static ll_status read_flat(ll_parquet_cursor *c, ll_pqr_column *col, ll_value *out, size_t n,
			   ll_error *err)
{
	const ll_pqr_leaf *l = col->leaf;
	for (size_t i = 0; i < n; i++) {
		ll_status st = fill_window(col, err);
		if (st != LL_OK)
			return st;
		if (col->wdef[col->at++] < l->max_def) {
			memset(&out[i], 0, sizeof(out[i]));
			out[i].is_null = true;
			continue;
		}
		st = ll_pqr_convert(l, &col->wval[col->vat++], &c->arena, &out[i]);
		if (st == LL_EFORMAT)
			return ll_pqr_column_fail(col, err, "a decimal value is too long");
		if (st != LL_OK)
			return ll_error_oom(err);
	}
	return LL_OK;
}

static ll_status read_nested(ll_parquet_cursor *c, cursor_field *cf, ll_value *out, size_t n,
			     ll_error *err)
{
	const ll_pqr_field *fi = &c->r->finfo[cf->field];
	for (size_t i = 0; i < n; i++) {
		ll_status st = ll_pqr_nested_row(&cf->scratch, fi, cf->cols, &c->arena, &out[i], err);
		if (st != LL_OK)
			return st;
	}
	return LL_OK;
}

static ll_status next_batch(ll_parquet_cursor *c, size_t max_rows, ll_error *err)
{
	ll_status st;
	while (c->rows_left == 0) {
		bool found;
		if ((st = enter_row_group(c, &found, err)) != LL_OK)
			return st;
		if (!found)
			return LL_OK;
	}
	size_t n = c->rows_left < max_rows ? (size_t)c->rows_left : max_rows;
	if ((st = reserve_rows(c, n, err)) != LL_OK)
		return st;
	for (size_t k = 0; k < c->nf; k++) {
		cursor_field *cf = &c->f[k];
		st = cf->nested ? read_nested(c, cf, c->columns[k], n, err)
				: read_flat(c, &cf->cols[0], c->columns[k], n, err);
		if (st != LL_OK)
			return st;
	}
	c->rows_left -= n;
	c->batch.rows = n;
	return LL_OK;
}

bool ll_parquet_field_is_integer(const ll_parquet_field *f)
{
	switch (f->type) {
	case LL_TYPE_BIGINT:
	case LL_TYPE_BOOL:
	case LL_TYPE_DATE:
	case LL_TYPE_TIMESTAMP:
	case LL_TYPE_TIME: return !f->nested;
	default: return false;
	}
}

/* read_flat for integers: whole windows at a time, straight from the decoded values. */
static ll_status read_ints(ll_pqr_column *col, int64_t *out, bool *nulls, size_t n, ll_error *err)
{
	const ll_pqr_leaf *l = col->leaf;
	bool as_is = l->conv == LL_PQR_TO_INT;
	for (size_t i = 0; i < n;) {
		ll_status st = fill_window(col, err);
		if (st != LL_OK)
			return st;
		size_t take = col->n - col->at < n - i ? col->n - col->at : n - i;
		for (size_t end = i + take; i < end; i++) {
			nulls[i] = col->wdef[col->at++] < l->max_def;
			if (nulls[i]) {
				out[i] = 0;
				continue;
			}
			const ll_pqr_value *v = &col->wval[col->vat++];
			out[i] = as_is ? v->u.i : ll_pqr_integer(l, v);
		}
	}
	return LL_OK;
}

ll_status ll_parquet_cursor_next_ints(ll_parquet_cursor *c, size_t max_rows, int64_t *values,
				      bool *nulls, size_t *rows, ll_error *err)
{
	*rows = 0;
	if (c->failed != LL_OK)
		return ll_error_set(err, c->failed, "an earlier error stopped this scan of %s",
				    c->r->name);
	if (c->nf != 1 || !ll_parquet_field_is_integer(&c->r->fields[c->f[0].field]))
		return ll_error_set(err, LL_EINVAL, "reading integers from %s needs a cursor of one "
				    "integer field", c->r->name);
	ll_status st = LL_OK;
	while (c->rows_left == 0 && st == LL_OK) {
		bool found;
		st = enter_row_group(c, &found, err);
		if (st == LL_OK && !found)
			return LL_OK;
	}
	size_t n = c->rows_left < max_rows ? (size_t)c->rows_left : max_rows;
	if (st == LL_OK)
		st = read_ints(&c->f[0].cols[0], values, nulls, n, err);
	if (st != LL_OK) {
		c->failed = st;
		return st;
	}
	c->rows_left -= n;
	*rows = n;
	return LL_OK;
}

ll_status ll_parquet_cursor_next(ll_parquet_cursor *c, size_t max_rows,
				 const ll_parquet_batch **batch, ll_error *err)
{
	*batch = &c->batch;
	c->batch.rows = 0;
	c->batch.ncolumns = c->nf;
	c->batch.columns = c->columns;
	if (c->failed != LL_OK)
		return ll_error_set(err, c->failed, "an earlier error stopped this scan of %s",
				    c->r->name);
	if (max_rows == 0)
		return ll_error_set(err, LL_EINVAL, "a batch needs room for at least one row");
	ll_arena_reset(&c->arena);
	ll_status st = next_batch(c, max_rows, err);
	c->batch.columns = c->columns;
	if (st != LL_OK) {
		c->failed = st;
		c->batch.rows = 0;
	}
	return st;
}
