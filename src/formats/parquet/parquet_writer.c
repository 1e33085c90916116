/*
 * ll_parquet_writer: the public API, row buffering and the file itself; see
 * parquet_writer.h for the contract and writer_internal.h for the buffering
 * invariants.
 *
 * The hot path is a put: check the column and its kind, append the value to
 * the column's array (or intern it in the dictionary and append its index),
 * add its size to w->buffered, and give a column with definition levels its
 * level. No put allocates except when an array grows. end_row then counts
 * the row and flushes a row group once the buffered bytes reach
 * options.row_group_bytes; it visits the columns only when one without
 * levels got no value (writer_internal.h says how levels are settled).
 *
 * A put cannot report failure, so its first failure in a row (wrong setter,
 * unknown column, oversized value, memory) is kept and end_row reports it;
 * a failed row is taken back out of every column, leaving the writer as it
 * was before the row began. An I/O or encoding failure while flushing breaks
 * the writer: the file can no longer be finished, and every later call says
 * so until close or abort removes the temporary file.
 *
 * A flush seals the open row group (writer_internal.h) and posts it to the
 * background thread, or writes it when there is none; close writes the
 * last one inline, since it waits for it anyway. A failure of the thread
 * reaches the caller through writer_usable, which every call that returns
 * a status passes first.
 */
#include "formats/parquet/writer_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/fs.h"

#define LL_PQW_DEFAULT_ROW_GROUP ((size_t)64 << 20)
#define LL_PQW_DEFAULT_PAGE ((size_t)1 << 20)
/* A dictionary page larger than this falls back to PLAIN, as parquet-mr does at 1 MiB. */
#define LL_PQW_DICT_LIMIT ((size_t)1 << 20)
/* Every insert is judged, so a byte array's bytes start at most 4 past the limit: within a slot's reach. */
_Static_assert(LL_PQW_DICT_LIMIT + 4 <= LL_PQW_DICT_MAX_OFFSET,
	       "a dictionary's byte arrays must start where its slots can point");
/* Value counts at which a dictionary must show it saves a quarter of the PLAIN size. */
#define LL_PQW_DICT_FIRST_CHECK 4096
/*
 * An earlier check for a column whose previous chunk gave up its dictionary
 * for fresh runs (ids, emails, timestamps, a child table's parent ids),
 * which would otherwise hash and store 4096 values of every chunk only to
 * drop them: if its first 1024 values are fresh runs again, it drops the
 * dictionary there, and else it goes on to the usual checks. So a column is
 * still judged in every chunk, and one whose values start to come back
 * keeps its dictionary (unless they come back only past 1024 values, right
 * after a chunk of fresh ones).
 */
#define LL_PQW_DICT_FRESH_CHECK 1024
/* Small output is gathered and written to the file in pieces of about this size. */
#define LL_PQW_DRAIN_BYTES ((size_t)256 << 10)
/* Parquet stores byte array lengths in 4 bytes and pages up to 2 GiB; leave room for the page. */
#define LL_PQW_MAX_VALUE ((size_t)INT32_MAX - ((size_t)1 << 20))

void ll_parquet_writer_options_init(ll_parquet_writer_options *o)
{
	memset(o, 0, sizeof(*o));
	o->codec = LL_CODEC_SNAPPY;
	o->timestamp_unit = LL_TS_MILLIS;
	o->row_group_bytes = LL_PQW_DEFAULT_ROW_GROUP;
	o->page_bytes = LL_PQW_DEFAULT_PAGE;
}

/* ---- row failures ---- */

static void row_fail(ll_parquet_writer *w, ll_status code, const char *column, const char *fmt, ...)
	LL_PRINTF(4, 5);

static void row_fail(ll_parquet_writer *w, ll_status code, const char *column, const char *fmt, ...)
{
	if (w->row_status != LL_OK)
		return;
	ll_error_clear(&w->row_err);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(w->row_err.message, sizeof(w->row_err.message), fmt, ap);
	va_end(ap);
	w->row_err.code = code;
	if (column)
		ll_error_set_table(&w->row_err, NULL, column);
	w->row_status = code;
}

static void row_oom(ll_parquet_writer *w, const ll_pqw_column *c)
{
	row_fail(w, LL_ENOMEM, c->name, "out of memory buffering a value of column %s", c->name);
}

static ll_status broken_error(const ll_parquet_writer *w, ll_error *err)
{
	return ll_error_set(err, LL_EIO,
			    "the Parquet file %s could not be finished after an earlier failure; "
			    "abort it and write the rows to a new file",
			    w->path);
}

/*
 * Whether the file can still be finished. A failure of the background thread
 * is reported here, by the caller's next call that returns a status, and
 * breaks the writer like any I/O failure.
 */
static ll_status writer_usable(ll_parquet_writer *w, ll_error *err)
{
	if (w->broken)
		return broken_error(w, err);
	ll_status st = ll_pqw_worker_check(w, err);
	if (st != LL_OK)
		w->broken = true;
	return st;
}

/* ---- columns ---- */

/* Largest decimal precision each FIXED_LEN_BYTE_ARRAY length holds: digits of 2^(8n-1)-1. */
static const int decimal_max_precision[17] = { 0,  2,  4,  6,  9,  11, 14, 16, 18,
					      21, 23, 26, 28, 31, 33, 35, 38 };

static uint32_t decimal_width(int precision)
{
	uint32_t n = 1;
	while (decimal_max_precision[n] < precision)
		n++;
	return n;
}

/* 10^p as a 128-bit number, for the range check of decimal values. */
static void pow10_128(int p, uint64_t *hi, uint64_t *lo)
{
	uint64_t h = 0, l = 1;
	for (int i = 0; i < p; i++) {
		/* x * 10 = (x << 3) + (x << 1) */
		uint64_t h8 = h << 3 | l >> 61, l8 = l << 3;
		uint64_t h2 = h << 1 | l >> 63, l2 = l << 1;
		l = l8 + l2;
		h = h8 + h2 + (l < l8);
	}
	*hi = h;
	*lo = l;
}

static ll_status column_kind(ll_pqw_column *c, const ll_parquet_column_spec *spec, ll_error *err)
{
	switch (spec->type) {
	case LL_TYPE_TEXT:
	case LL_TYPE_JSON:
	case LL_TYPE_BINARY:
		c->kind = LL_PQW_BYTES, c->physical = LL_PQW_TYPE_BYTE_ARRAY, c->width = 0;
		return LL_OK;
	case LL_TYPE_BIGINT:
	case LL_TYPE_TIMESTAMP:
		c->kind = LL_PQW_I64, c->physical = LL_PQW_TYPE_INT64, c->width = 8;
		return LL_OK;
	case LL_TYPE_DATE:
		c->kind = LL_PQW_I32, c->physical = LL_PQW_TYPE_INT32, c->width = 4;
		return LL_OK;
	case LL_TYPE_DOUBLE:
		c->kind = LL_PQW_DOUBLE, c->physical = LL_PQW_TYPE_DOUBLE, c->width = 8;
		return LL_OK;
	case LL_TYPE_BOOL:
		c->kind = LL_PQW_BOOL, c->physical = LL_PQW_TYPE_BOOLEAN, c->width = 1;
		return LL_OK;
	case LL_TYPE_DECIMAL:
		if (spec->precision < 1 || spec->precision > 38 || spec->scale < 0 ||
		    spec->scale > spec->precision)
			return ll_error_set(err, LL_EINVAL,
					    "column %s is decimal(%d,%d); precision must be 1..38 "
					    "and scale 0..precision",
					    spec->name, spec->precision, spec->scale);
		c->kind = LL_PQW_FIXED, c->physical = LL_PQW_TYPE_FIXED;
		c->width = decimal_width(spec->precision);
		c->precision = spec->precision;
		c->scale = spec->scale;
		pow10_128(spec->precision, &c->dec_limit_hi, &c->dec_limit_lo);
		return LL_OK;
	case LL_TYPE_TIME:
		return ll_error_set(err, LL_ETERMINAL,
				    "column %s has type time, which Athena cannot read from Parquet; "
				    "convert it to text or timestamp",
				    spec->name);
	default:
		return ll_error_set(err, LL_EINVAL, "column %s has an unknown type (%d)", spec->name,
				    (int)spec->type);
	}
}

static bool dict_enabled(const ll_parquet_writer *w, const ll_pqw_column *c)
{
	return !w->opt.disable_dictionary && c->kind != LL_PQW_BOOL;
}

/* Starts the column's next chunk, on empty arrays and an empty dictionary. */
static void column_start_chunk(ll_parquet_writer *w, ll_pqw_column *c)
{
	c->has_def = false;
	c->nnulls = 0;
	c->use_dict = dict_enabled(w, c);
	c->dict_stale = false;
	c->plain_bytes = 0;
	c->next_check = c->dict_fresh ? LL_PQW_DICT_FRESH_CHECK : LL_PQW_DICT_FIRST_CHECK;
}

static void chunk_free(ll_pqw_column *c)
{
	ll_pqw_vec_free(&c->values);
	ll_pqw_vec_free(&c->def);
	ll_pqw_dict_free(&c->dict);
}

static void column_free(ll_pqw_column *c)
{
	free(c->name);
	chunk_free(c);
}

/* An array of n columns, aligned to their cache lines (see ll_pqw_column); NULL when memory runs out. */
static ll_pqw_column *columns_alloc(size_t n)
{
	return aligned_alloc(_Alignof(ll_pqw_column), n * sizeof(ll_pqw_column));
}

static ll_status column_add(ll_parquet_writer *w, const ll_parquet_column_spec *spec, ll_error *err)
{
	if (!spec || !spec->name || !spec->name[0])
		return ll_error_set(err, LL_EINVAL, "a Parquet column needs a non-empty name");
	for (size_t i = 0; i < w->ncols; i++) {
		if (strcmp(w->cols[i].name, spec->name) == 0)
			return ll_error_set(err, LL_EINVAL,
					    "column %s is already in %s; column names must be unique",
					    spec->name, w->path);
	}
	ll_pqw_column c;
	memset(&c, 0, sizeof(c));
	ll_status st = column_kind(&c, spec, err);
	if (st != LL_OK)
		return st;
	if (!spec->nullable && w->rg_rows > 0)
		return ll_error_set(err, LL_ESCHEMA,
				    "column %s is required but %zu rows are already buffered without "
				    "it; add it as nullable or before the first row",
				    spec->name, w->rg_rows);
	if (w->ncols == w->cols_cap) {
		size_t cap = w->cols_cap ? w->cols_cap * 2 : 16;
		ll_pqw_column *cols = columns_alloc(cap);
		if (!cols)
			return ll_error_oom(err);
		if (w->ncols)
			memcpy(cols, w->cols, w->ncols * sizeof(*cols));
		free(w->cols);
		w->cols = cols;
		w->cols_cap = cap;
	}
	c.name = strdup(spec->name);
	if (!c.name)
		return ll_error_oom(err);
	c.type = spec->type;
	c.to_millis = spec->type == LL_TYPE_TIMESTAMP && w->opt.timestamp_unit == LL_TS_MILLIS;
	c.nullable = spec->nullable;
	c.field_id = spec->field_id;
	column_start_chunk(w, &c);
	if (w->rg_rows > 0) {
		/* the rows already buffered read as null in the new column; its levels
		 * have room for the row being built too */
		if (!ll_pqw_vec_reserve(&c.def, w->rg_rows + 1)) {
			column_free(&c);
			return ll_error_oom(err);
		}
		memset(c.def.data, 0, w->rg_rows);
		c.def.len = w->rg_rows;
		c.has_def = true;
		c.nnulls = w->rg_rows;
		w->ndef++;
		if (c.def.cap < w->def_room)
			w->def_room = c.def.cap;
	}
	w->cols[w->ncols++] = c;
	return LL_OK;
}

/* ---- the file ---- */

ll_status ll_pqw_write(ll_parquet_writer *w, const void *data, size_t len, ll_error *err)
{
	const char *p = data;
	size_t left = len;
	while (left) {
		ssize_t n = write(w->fd, p, left);
		if (n < 0) {
			int e = errno;
			if (e == EINTR)
				continue;
			return ll_error_set(err, LL_EIO, "cannot write %s: %s", w->tmp_path,
					    strerror(e));
		}
		p += n;
		left -= (size_t)n;
	}
	w->written += len;
	return LL_OK;
}

ll_status ll_pqw_drain(ll_parquet_writer *w, bool force, ll_error *err)
{
	if (ll_buf_oom(&w->out))
		return ll_error_oom(err);
	if (!force && w->out.len < LL_PQW_DRAIN_BYTES)
		return LL_OK;
	ll_status st = ll_pqw_write(w, w->out.data, w->out.len, err);
	ll_buf_clear(&w->out);
	return st;
}

static char *path_with_suffix(const char *path, const char *suffix)
{
	ll_buf b = LL_BUF_INIT;
	ll_buf_puts(&b, path);
	ll_buf_puts(&b, suffix);
	return ll_buf_detach(&b);
}

static void writer_free(ll_parquet_writer *w)
{
	/* the thread may be writing the sealed row group: nothing goes before it ends */
	ll_pqw_worker_stop(w);
	if (w->fd >= 0)
		close(w->fd);
	for (size_t i = 0; i < w->ncols; i++)
		column_free(&w->cols[i]);
	free(w->cols);
	for (size_t i = 0; w->sealed && i < w->ncols; i++)
		chunk_free(&w->sealed[i]);
	free(w->sealed);
	for (size_t g = 0; g < w->ngroups; g++)
		free(w->groups[g].chunks);
	free(w->groups);
	ll_buf_free(&w->out);
	ll_pqw_scratch_release();
	free(w->created_by);
	free(w->tmp_path);
	free(w->path);
	free(w);
}

static ll_status options_check(ll_parquet_writer *w, const ll_parquet_writer_options *opt,
			       ll_error *err)
{
	if (opt)
		w->opt = *opt;
	else
		ll_parquet_writer_options_init(&w->opt);
	if ((unsigned)w->opt.codec > LL_CODEC_ZSTD)
		return ll_error_set(err, LL_EINVAL, "unknown Parquet codec %d for %s",
				    (int)w->opt.codec, w->path);
	if ((unsigned)w->opt.timestamp_unit > LL_TS_MICROS)
		return ll_error_set(err, LL_EINVAL, "unknown timestamp unit %d for %s",
				    (int)w->opt.timestamp_unit, w->path);
	if (!w->opt.row_group_bytes)
		w->opt.row_group_bytes = LL_PQW_DEFAULT_ROW_GROUP;
	if (!w->opt.page_bytes)
		w->opt.page_bytes = LL_PQW_DEFAULT_PAGE;
	if (w->opt.created_by) {
		w->created_by = strdup(w->opt.created_by);
	} else {
		w->created_by = strdup("lakeload version " LL_VERSION);
	}
	w->opt.created_by = NULL;
	if (!w->created_by)
		return ll_error_oom(err);
	return LL_OK;
}

ll_status ll_parquet_writer_open(ll_parquet_writer **out, const char *path,
				 const ll_parquet_column_spec *cols, size_t ncols,
				 const ll_parquet_writer_options *opt, ll_error *err)
{
	*out = NULL;
	if (!path || !path[0])
		return ll_error_set(err, LL_EINVAL, "a Parquet file needs a path");
	if (ncols && !cols)
		return ll_error_set(err, LL_EINVAL, "%zu columns given for %s but no specs", ncols,
				    path);
	ll_parquet_writer *w = calloc(1, sizeof(*w));
	if (!w)
		return ll_error_oom(err);
	ll_pqw_scratch_hold();
	w->fd = -1;
	w->def_room = SIZE_MAX;
	w->path = strdup(path);
	w->tmp_path = path_with_suffix(path, ".tmp");
	if (!w->path || !w->tmp_path) {
		writer_free(w);
		return ll_error_oom(err);
	}
	ll_status st = options_check(w, opt, err);
	for (size_t i = 0; i < ncols && st == LL_OK; i++)
		st = column_add(w, &cols[i], err);
	if (st != LL_OK) {
		writer_free(w);
		return st;
	}
	w->fd = open(w->tmp_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (w->fd < 0) {
		st = ll_error_set(err, LL_EIO, "cannot create %s: %s", w->tmp_path, strerror(errno));
		writer_free(w);
		return st;
	}
	ll_buf_append(&w->out, "PAR1", 4);
	*out = w;
	return LL_OK;
}

ll_status ll_parquet_writer_add_column(ll_parquet_writer *w, const ll_parquet_column_spec *col,
				       size_t *index, ll_error *err)
{
	ll_status st = writer_usable(w, err);
	if (st != LL_OK)
		return st;
	if (w->sealed)
		return ll_error_set(err, LL_ECONFLICT,
				    "cannot add column %s to %s: a row group is already flushed and "
				    "fixes the schema; start a new file for rows with this column",
				    col && col->name ? col->name : "?", w->path);
	st = column_add(w, col, err);
	if (st == LL_OK && index)
		*index = w->ncols - 1;
	return st;
}

size_t ll_parquet_writer_column_count(const ll_parquet_writer *w)
{
	return w->ncols;
}

/* Every column with levels has one per ended row, settled or not (see writer_internal.h). */
static size_t buffered_bytes(const ll_parquet_writer *w)
{
	return w->buffered + w->ndef * w->rg_rows;
}

size_t ll_parquet_writer_buffered_bytes(const ll_parquet_writer *w)
{
	return buffered_bytes(w);
}

uint64_t ll_parquet_writer_row_count(const ll_parquet_writer *w)
{
	return w->rows;
}

/* ---- values ---- */

static void put_mismatch(ll_parquet_writer *w, size_t col, const char *setter)
{
	if (col >= w->ncols) {
		row_fail(w, LL_EINVAL, NULL,
			 "%s for column index %zu, but %s has %zu columns; add the column first",
			 setter, col, w->path, w->ncols);
		return;
	}
	const ll_pqw_column *c = &w->cols[col];
	row_fail(w, LL_EINVAL, c->name, "column %s is %s; %s cannot set it", c->name,
		 ll_data_type_name(c->type), setter);
}

/* Takes the value already put in this row back out (a second put replaces it). */
static void pop_value(ll_parquet_writer *w, ll_pqw_column *c)
{
	size_t before = c->values.len;
	if (c->use_dict) {
		c->values.len -= 4;
		c->dict_stale = true;
		if (c->kind == LL_PQW_BYTES) {
			uint32_t idx;
			memcpy(&idx, c->values.data + c->values.len, 4);
			c->plain_bytes -= 4 + ((const ll_pqw_dict_entry *)c->dict.entries.data)[idx].len;
		}
	} else if (c->kind == LL_PQW_BYTES) {
		c->values.len = c->last_start;
	} else {
		c->values.len -= c->width;
	}
	w->buffered -= before - c->values.len;
	if (c->has_def)
		c->def.len--;
	else
		w->row_dense--;
	c->mark = 0;
}

static inline void begin_put(ll_parquet_writer *w, ll_pqw_column *c)
{
	if (c->mark == w->rows + 1)
		pop_value(w, c);
	w->row_open = true;
}

/* Settles the levels of column c up to row rows of the chunk: the rows since its last value are null. */
static inline void levels_fill(ll_pqw_column *c, size_t rows)
{
	size_t gap = rows - c->def.len;
	memset(c->def.data + c->def.len, 0, gap);
	c->def.len = rows;
	c->nnulls += gap;
}

/* Records that column c holds a value in the row being built. */
static inline void value_put(ll_parquet_writer *w, ll_pqw_column *c)
{
	c->mark = w->rows + 1;
	if (!c->has_def) {
		w->row_dense++;
		return;
	}
	/* the levels have room for this row (w->def_room) */
	if (c->def.len < w->rg_rows)
		levels_fill(c, w->rg_rows);
	c->def.data[c->def.len++] = 1;
}

/* The column a put addresses, ready for a value; NULL (the row fails) when it does not fit. */
static inline ll_pqw_column *put_target(ll_parquet_writer *w, size_t col, ll_pqw_kind kind,
					const char *setter)
{
	if (col >= w->ncols || w->cols[col].kind != kind) {
		put_mismatch(w, col, setter);
		return NULL;
	}
	ll_pqw_column *c = &w->cols[col];
	begin_put(w, c);
	return c;
}

/*
 * The PLAIN form of a dictionary chunk's values, written over its indices in
 * their own array (grown in place to the PLAIN size, so only the growth is
 * new memory). Each value's PLAIN bytes start at or after 4 bytes per value
 * before it (no PLAIN value is shorter than its index) unless the width is
 * under 4, so the copy runs from the last value back, reading every index
 * before anything overwrites it; values under 4 bytes run forwards.
 */
static void plain_from_indices(ll_pqw_column *c, size_t n)
{
	uint8_t *out = c->values.data;
	const uint8_t *dv = c->dict.values.data;
	uint32_t idx;
	if (c->kind == LL_PQW_BYTES) {
		const ll_pqw_dict_entry *entries = (const ll_pqw_dict_entry *)c->dict.entries.data;
		size_t end = c->plain_bytes;
		for (size_t i = n; i-- > 0;) {
			memcpy(&idx, out + i * 4, 4);
			const ll_pqw_dict_entry *e = &entries[idx];
			/* the entry's PLAIN form, length included, starts 4 bytes before its bytes */
			end -= 4 + (size_t)e->len;
			memcpy(out + end, dv + e->offset - 4, 4 + (size_t)e->len);
			if (i == n - 1)
				c->last_start = end;
		}
		return;
	}
	size_t width = c->width;
	for (size_t k = 0; k < n; k++) {
		size_t i = width < 4 ? k : n - 1 - k;
		memcpy(&idx, out + i * 4, 4);
		memcpy(out + i * width, dv + (size_t)idx * width, width);
	}
}

/* The PLAIN size of a dictionary-encoded chunk's n values. */
static size_t plain_size(const ll_pqw_column *c, size_t n)
{
	return c->kind == LL_PQW_BYTES ? c->plain_bytes : n * c->width;
}

/* Turns a dictionary-encoded chunk into PLAIN values; false when memory ran out. */
static bool chunk_drop_dict(ll_pqw_column *c)
{
	size_t n = c->values.len / 4;
	size_t plain = plain_size(c, n);
	size_t extra = plain > c->values.len ? plain - c->values.len : 0;
	if (!ll_pqw_vec_reserve(&c->values, extra ? extra : 1))
		return false;
	plain_from_indices(c, n);
	c->values.len = plain;
	/* the column's later chunks start without a table, as a column that drops often does */
	ll_pqw_dict_free(&c->dict);
	c->use_dict = false;
	c->dict_stale = false;
	return true;
}

/* The same for a column of the open row group, whose size the budget counts. */
static bool column_drop_dict(ll_parquet_writer *w, ll_pqw_column *c)
{
	size_t before = c->values.len + ll_pqw_dict_bytes(&c->dict);
	if (!chunk_drop_dict(c))
		return false;
	w->buffered = w->buffered - before + c->values.len;
	return true;
}

/* Whether dictionary encoding saves at least a quarter of the PLAIN size so far. */
static bool dict_pays(const ll_pqw_column *c)
{
	size_t n = c->values.len / 4;
	size_t plain = plain_size(c, n);
	size_t bits = (size_t)ll_pqw_bit_width(c->dict.count);
	size_t encoded = c->dict.values.len + n * bits / 8;
	return encoded <= plain / 4 * 3;
}

/*
 * Whether the n values so far are fresh runs: every value distinct, or, when
 * pages are compressed, runs shorter than 4 on average of values that (but
 * for one in 16) never come back after another value, as a child table's
 * parent ids do down each parent's list. A dictionary then holds nearly
 * every value once more and its indices cost more than the compressor's
 * match of a value that repeats the one just before; without one a put is a
 * copy, where with one it was a hash and a probe, a cache miss once the
 * table outgrows the cache.
 */
static bool fresh_runs(const ll_parquet_writer *w, const ll_pqw_column *c, size_t n)
{
	const ll_pqw_dict *d = &c->dict;
	if (d->count >= n)
		return true;
	return w->opt.codec != LL_CODEC_UNCOMPRESSED && d->count * 4 >= n &&
	       d->returns * 16 < d->count;
}

/* After an insertion: gives up the dictionary when it grew too big or does not pay. */
static void judge_dict(ll_parquet_writer *w, ll_pqw_column *c)
{
	size_t n = c->values.len / 4;
	bool drop = c->dict.values.len > LL_PQW_DICT_LIMIT;
	if (!drop && n >= c->next_check) {
		bool early = n < LL_PQW_DICT_FIRST_CHECK;
		bool fresh = fresh_runs(w, c, n);
		c->next_check = early ? LL_PQW_DICT_FIRST_CHECK : n * 2;
		drop = fresh || (!early && !dict_pays(c));
		c->dict_fresh = drop && fresh;
	}
	if (drop && !column_drop_dict(w, c))
		row_oom(w, c);
}

/* Appends dictionary index idx for a value of len bytes. */
static inline void append_index(ll_parquet_writer *w, ll_pqw_column *c, uint32_t idx, size_t len)
{
	memcpy(c->values.data + c->values.len, &idx, 4);
	c->values.len += 4;
	w->buffered += 4;
	if (c->kind == LL_PQW_BYTES)
		c->plain_bytes += 4 + len;
	value_put(w, c);
}

/*
 * Appends the index of v, which the dictionary does not hold yet: inserts
 * it, counts the dictionary's growth and judges the dictionary. Out of line,
 * since most puts find their value.
 */
static __attribute__((noinline)) void append_new(ll_parquet_writer *w, ll_pqw_column *c,
						 const void *v, size_t width, size_t len,
						 uint32_t tag)
{
	size_t before = ll_pqw_dict_bytes(&c->dict);
	int64_t idx = ll_pqw_dict_insert(&c->dict, v, width, len, tag);
	bool ok = idx >= 0 && ll_pqw_vec_reserve(&c->values, 4);
	/* the table may have grown even when the insert failed */
	w->buffered += ll_pqw_dict_bytes(&c->dict) - before;
	if (!ok) {
		/* an entry no index refers to must not reach the statistics */
		c->dict_stale = true;
		row_oom(w, c);
		return;
	}
	append_index(w, c, (uint32_t)idx, len);
	judge_dict(w, c);
}

/* Appends v's dictionary index; width is c->width, a constant where this is inlined. */
static inline __attribute__((always_inline)) void
append_dict(ll_parquet_writer *w, ll_pqw_column *c, const void *v, size_t width, size_t len)
{
	uint32_t tag;
	int64_t idx = ll_pqw_dict_find(&c->dict, v, width, len, &tag);
	if (idx < 0) {
		append_new(w, c, v, width, len, tag);
		return;
	}
	if (!ll_pqw_vec_reserve(&c->values, 4)) {
		row_oom(w, c);
		return;
	}
	append_index(w, c, (uint32_t)idx, len);
}

/* Appends a value of width bytes: inline in every setter, where width is a constant. */
static inline __attribute__((always_inline)) void
append_fixed(ll_parquet_writer *w, ll_pqw_column *c, const void *v, size_t width)
{
	if (c->use_dict) {
		append_dict(w, c, v, width, width);
		return;
	}
	if (!ll_pqw_vec_reserve(&c->values, width)) {
		row_oom(w, c);
		return;
	}
	memcpy(c->values.data + c->values.len, v, width);
	c->values.len += width;
	w->buffered += width;
	value_put(w, c);
}

void ll_parquet_writer_put_null(ll_parquet_writer *w, size_t col)
{
	if (col >= w->ncols) {
		put_mismatch(w, col, "put_null");
		return;
	}
	begin_put(w, &w->cols[col]);
}

/*
 * The setters' bodies, inline in their public functions and in
 * ll_parquet_writer_write_row, whose loop then makes no call per value.
 */
static inline __attribute__((always_inline)) void put_int64(ll_parquet_writer *w, size_t col,
							     int64_t v)
{
	ll_pqw_column *c = put_target(w, col, LL_PQW_I64, "put_int64");
	if (!c)
		return;
	if (c->to_millis)
		v = v / 1000 - (v % 1000 < 0); /* floor, so 1969-12-31T23:59:59.9995 stays in 1969 */
	append_fixed(w, c, &v, 8);
}

static inline __attribute__((always_inline)) void put_int32(ll_parquet_writer *w, size_t col,
							     int32_t v)
{
	ll_pqw_column *c = put_target(w, col, LL_PQW_I32, "put_int32");
	if (c)
		append_fixed(w, c, &v, 4);
}

static inline __attribute__((always_inline)) void put_double(ll_parquet_writer *w, size_t col,
							      double v)
{
	ll_pqw_column *c = put_target(w, col, LL_PQW_DOUBLE, "put_double");
	if (c)
		append_fixed(w, c, &v, 8);
}

static inline __attribute__((always_inline)) void put_bool(ll_parquet_writer *w, size_t col,
							    bool v)
{
	ll_pqw_column *c = put_target(w, col, LL_PQW_BOOL, "put_bool");
	uint8_t b = v ? 1 : 0;
	if (c)
		append_fixed(w, c, &b, 1);
}

static inline __attribute__((always_inline)) void put_bytes(ll_parquet_writer *w, size_t col,
							     const void *data, size_t len)
{
	ll_pqw_column *c = put_target(w, col, LL_PQW_BYTES, "put_bytes");
	if (!c)
		return;
	if (len > LL_PQW_MAX_VALUE || (len && !data)) {
		row_fail(w, len && !data ? LL_EINVAL : LL_EUNSUPPORTED, c->name,
			 "a value of %zu bytes for column %s %s", len, c->name,
			 len && !data ? "has no data" : "is larger than a Parquet page can hold");
		return;
	}
	if (c->use_dict && len > LL_PQW_DICT_LIMIT && !column_drop_dict(w, c)) {
		row_oom(w, c);
		return;
	}
	if (c->use_dict) {
		append_dict(w, c, data, 0, len);
		return;
	}
	if (!ll_pqw_vec_reserve(&c->values, 4 + len)) {
		row_oom(w, c);
		return;
	}
	uint32_t len32 = (uint32_t)len;
	c->last_start = c->values.len;
	memcpy(c->values.data + c->values.len, &len32, 4);
	if (len)
		memcpy(c->values.data + c->values.len + 4, data, len);
	c->values.len += 4 + len;
	w->buffered += 4 + len;
	value_put(w, c);
}

void ll_parquet_writer_put_int64(ll_parquet_writer *w, size_t col, int64_t v)
{
	put_int64(w, col, v);
}

void ll_parquet_writer_put_int32(ll_parquet_writer *w, size_t col, int32_t v)
{
	put_int32(w, col, v);
}

void ll_parquet_writer_put_double(ll_parquet_writer *w, size_t col, double v)
{
	put_double(w, col, v);
}

void ll_parquet_writer_put_bool(ll_parquet_writer *w, size_t col, bool v)
{
	put_bool(w, col, v);
}

void ll_parquet_writer_put_bytes(ll_parquet_writer *w, size_t col, const void *data, size_t len)
{
	put_bytes(w, col, data, len);
}

static uint64_t load_be64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

/* Whether a 128-bit two's complement value has fewer digits than the column's precision. */
static bool decimal_fits(const ll_pqw_column *c, const uint8_t be[16])
{
	uint64_t hi = load_be64(be), lo = load_be64(be + 8);
	if (hi >> 63) {
		lo = ~lo + 1;
		hi = ~hi + (lo == 0);
	}
	return hi < c->dec_limit_hi || (hi == c->dec_limit_hi && lo < c->dec_limit_lo);
}

void ll_parquet_writer_put_decimal(ll_parquet_writer *w, size_t col, const uint8_t unscaled_be[16])
{
	ll_pqw_column *c = put_target(w, col, LL_PQW_FIXED, "put_decimal");
	if (!c)
		return;
	if (!unscaled_be || !decimal_fits(c, unscaled_be)) {
		row_fail(w, LL_ESCHEMA, c->name,
			 "a value of column %s has more digits than its type decimal(%d,%d) holds; "
			 "widen the column's precision",
			 c->name, c->precision, c->scale);
		return;
	}
	append_fixed(w, c, unscaled_be + 16 - c->width, c->width);
}

/* ---- rows ---- */

static ll_status missing_required(const ll_parquet_writer *w, const ll_pqw_column *c,
				  uint64_t mark, ll_error *err)
{
	ll_error_set(err, LL_ESCHEMA,
		     "column %s is not nullable but row %" PRIu64 " of %s has no value for it",
		     c->name, mark, w->path);
	ll_error_set_table(err, NULL, c->name);
	return LL_ESCHEMA;
}

/*
 * Gives every column with levels room for rows levels (the row being ended
 * and the next one), so that puts and sealing never grow them; a column
 * keeps what it got when another fails.
 */
static ll_status levels_reserve(ll_parquet_writer *w, size_t rows, ll_error *err)
{
	size_t room = SIZE_MAX;
	for (size_t i = 0; i < w->ncols; i++) {
		ll_pqw_column *c = &w->cols[i];
		if (!c->has_def)
			continue;
		if (!ll_pqw_vec_reserve(&c->def, rows - c->def.len))
			return ll_error_oom(err);
		if (c->def.cap < room)
			room = c->def.cap;
	}
	w->def_room = room;
	return LL_OK;
}

/* Gives column c, which had a value in every row before row rr of the chunk but not in it, levels. */
static bool levels_start(ll_parquet_writer *w, ll_pqw_column *c, size_t rr)
{
	if (!ll_pqw_vec_reserve(&c->def, rr + 2))
		return false;
	memset(c->def.data, 1, rr);
	c->def.data[rr] = 0;
	c->def.len = rr + 1;
	c->has_def = true;
	c->nnulls = 1;
	w->ndef++;
	if (c->def.cap < w->def_room)
		w->def_room = c->def.cap;
	return true;
}

/*
 * The row being ended lacks a value in a column without levels: fails it
 * when that column is required, else gives every such column levels (all
 * or none, when memory runs out).
 */
static ll_status levels_start_row(ll_parquet_writer *w, uint64_t mark, ll_error *err)
{
	for (size_t i = 0; i < w->ncols; i++) {
		const ll_pqw_column *c = &w->cols[i];
		if (!c->has_def && c->mark != mark && !c->nullable)
			return missing_required(w, c, mark, err);
	}
	for (size_t i = 0; i < w->ncols; i++) {
		ll_pqw_column *c = &w->cols[i];
		if (c->has_def || c->mark == mark)
			continue;
		if (levels_start(w, c, w->rg_rows))
			continue;
		/* the columns before that just got levels give them back: they have a
		 * level for this row without a value in it, which no other column has */
		while (i--) {
			c = &w->cols[i];
			if (c->has_def && c->mark != mark && c->def.len == w->rg_rows + 1) {
				c->has_def = false;
				c->def.len = 0;
				c->nnulls = 0;
				w->ndef--;
			}
		}
		return ll_error_oom(err);
	}
	return LL_OK;
}

/* Takes the values of the row being built back out of every column. */
static void row_discard(ll_parquet_writer *w, uint64_t mark)
{
	for (size_t i = 0; i < w->ncols; i++) {
		ll_pqw_column *c = &w->cols[i];
		if (c->mark == mark)
			pop_value(w, c);
	}
	w->row_dense = 0;
	w->row_status = LL_OK;
	w->row_open = false;
}

/*
 * Gives open the memory of back, an emptied array of the chunk before, when
 * it is the larger (open's values so far are copied over); frees the other.
 */
static void vec_take_back(ll_pqw_vec *open, ll_pqw_vec *back)
{
	if (back->cap > open->cap) {
		if (open->len)
			memcpy(back->data, open->data, open->len);
		uint8_t *data = open->data;
		size_t cap = open->cap;
		open->data = back->data;
		open->cap = back->cap;
		back->data = data;
		back->cap = cap;
	}
	ll_pqw_vec_free(back);
}

/* Once the sealed group is written: its emptied arrays come back to their columns. */
static void columns_take_back(ll_parquet_writer *w)
{
	for (size_t i = 0; i < w->ncols; i++) {
		vec_take_back(&w->cols[i].values, &w->sealed[i].values);
		vec_take_back(&w->cols[i].def, &w->sealed[i].def);
	}
	w->returns_due = false;
}

ll_status ll_parquet_writer_end_row(ll_parquet_writer *w, ll_error *err)
{
	ll_status st = writer_usable(w, err);
	if (st != LL_OK)
		return st;
	uint64_t mark = w->rows + 1;
	st = w->row_status;
	if (st != LL_OK) {
		ll_error_set(err, st, "%s", w->row_err.message);
		ll_error_set_table(err, NULL, w->row_err.column_name);
	}
	/* the levels must have room for this row and the next before any column starts levels */
	if (st == LL_OK && w->rg_rows + 2 > w->def_room)
		st = levels_reserve(w, w->rg_rows + 2, err);
	/* a column without levels and without a value here: a null, or a missing required value */
	if (st == LL_OK && w->row_dense != w->ncols - w->ndef)
		st = levels_start_row(w, mark, err);
	if (st != LL_OK) {
		row_discard(w, mark);
		return st;
	}
	w->row_dense = 0;
	w->row_open = false;
	w->rows++;
	w->rg_rows++;
	if (w->returns_due && ll_pqw_worker_idle(w))
		columns_take_back(w);
	if (buffered_bytes(w) >= w->opt.row_group_bytes)
		return ll_parquet_writer_flush_row_group(w, err);
	return LL_OK;
}

/* Fails the row for a value whose type names no setter. */
static void put_unknown(ll_parquet_writer *w, const ll_parquet_value *v)
{
	const char *name = v->column < w->ncols ? w->cols[v->column].name : NULL;
	row_fail(w, LL_EINVAL, name, "a value of unknown type %d for column index %zu of %s",
		 (int)v->type, v->column, w->path);
}

ll_status ll_parquet_writer_write_row(ll_parquet_writer *w, const ll_parquet_value *values,
				      size_t n, ll_error *err)
{
	for (size_t i = 0; i < n; i++) {
		const ll_parquet_value *v = &values[i];
		switch (v->type) {
		case LL_TYPE_BIGINT:
		case LL_TYPE_TIMESTAMP: put_int64(w, v->column, v->u.i); break;
		case LL_TYPE_DATE: put_int32(w, v->column, (int32_t)v->u.i); break;
		case LL_TYPE_DOUBLE: put_double(w, v->column, v->u.d); break;
		case LL_TYPE_BOOL: put_bool(w, v->column, v->u.b); break;
		case LL_TYPE_TEXT:
		case LL_TYPE_JSON:
		case LL_TYPE_BINARY: put_bytes(w, v->column, v->u.s.ptr, v->u.s.len); break;
		case LL_TYPE_DECIMAL: ll_parquet_writer_put_decimal(w, v->column, v->u.dec); break;
		default: put_unknown(w, v); break;
		}
	}
	return ll_parquet_writer_end_row(w, err);
}

/* ---- row groups and the footer ---- */

/*
 * Moves column c's chunk into s, its slot of the sealed set. c continues on
 * the emptied arrays s still holds, when the chunk before has not come back
 * to c yet (see columns_take_back), else on empty ones; and with the
 * dictionary's slot table, emptied.
 */
static void column_seal(ll_parquet_writer *w, ll_pqw_column *c, ll_pqw_column *s)
{
	ll_pqw_vec values = s->values, def = s->def;
	*s = *c;
	c->values = values;
	c->def = def;
	ll_pqw_dict_hand_on(&c->dict, &s->dict);
	column_start_chunk(w, c);
}

/* Seals the open row group; the previous sealed one must be written. */
static ll_status row_group_seal(ll_parquet_writer *w, ll_error *err)
{
	if (!w->sealed) {
		w->sealed = columns_alloc(w->ncols ? w->ncols : 1);
		if (!w->sealed)
			return ll_error_oom(err);
		memset(w->sealed, 0, (w->ncols ? w->ncols : 1) * sizeof(*w->sealed));
	}
	for (size_t i = 0; i < w->ncols; i++) {
		ll_pqw_column *c = &w->cols[i];
		if (c->has_def)
			levels_fill(c, w->rg_rows);
		column_seal(w, c, &w->sealed[i]);
	}
	w->sealed_rows = w->rg_rows;
	w->buffered = 0;
	w->rg_rows = 0;
	w->ndef = 0;
	w->def_room = SIZE_MAX;
	return LL_OK;
}

ll_status ll_pqw_row_group_write(ll_parquet_writer *w, ll_error *err)
{
	if (w->ngroups == w->groups_cap) {
		size_t cap = w->groups_cap ? w->groups_cap * 2 : 8;
		ll_pqw_row_group *g = realloc(w->groups, cap * sizeof(*g));
		if (!g)
			return ll_error_oom(err);
		w->groups = g;
		w->groups_cap = cap;
	}
	ll_pqw_row_group *rg = &w->groups[w->ngroups];
	memset(rg, 0, sizeof(*rg));
	rg->chunks = calloc(w->ncols ? w->ncols : 1, sizeof(*rg->chunks));
	if (!rg->chunks)
		return ll_error_oom(err);
	ll_pqw_scratch *scratch = ll_pqw_scratch_take();
	if (!scratch) {
		free(rg->chunks);
		rg->chunks = NULL;
		return ll_error_oom(err);
	}
	rg->num_rows = (int64_t)w->sealed_rows;
	rg->file_offset = (int64_t)ll_pqw_offset(w);
	for (size_t i = 0; i < w->ncols; i++) {
		ll_pqw_column *c = &w->sealed[i];
		/* a chunk too small to reach a check may still be better off PLAIN, and an
		 * all-null chunk has no dictionary to write; if memory for the conversion is
		 * short, the dictionary is a valid encoding all the same */
		if (c->use_dict && (c->dict.count == 0 || !dict_pays(c)))
			chunk_drop_dict(c);
		ll_status st = ll_pqw_chunk_write(w, scratch, c, w->sealed_rows, &rg->chunks[i], err);
		if (st != LL_OK) {
			ll_pqw_scratch_give(scratch);
			free(rg->chunks);
			rg->chunks = NULL;
			ll_error_set_table(err, NULL, c->name);
			return st;
		}
		rg->total_byte_size += rg->chunks[i].total_uncompressed;
		rg->total_compressed += rg->chunks[i].total_compressed;
		/* the dictionary's memory goes back at once; the values and levels go back to
		 * the column (columns_take_back) */
		ll_pqw_dict_free(&c->dict);
		ll_pqw_vec_empty(&c->values);
		ll_pqw_vec_empty(&c->def);
	}
	ll_pqw_scratch_give(scratch);
	w->ngroups++;
	ll_status st = ll_pqw_drain(w, false, err);
	if (st == LL_OK && w->opt.defer_sync)
		ll_fs_start_writeback(w->fd, (uint64_t)rg->file_offset,
				      w->written - (uint64_t)rg->file_offset);
	return st;
}

/*
 * Waits for the previous sealed row group, then seals the open one and
 * writes it: on the background thread when background is asked for and the
 * options allow it (starting the thread at the first such flush), else now.
 * A thread that cannot start leaves the writing inline.
 */
static ll_status row_group_flush(ll_parquet_writer *w, bool background, ll_error *err)
{
	ll_status st = ll_pqw_worker_wait(w, err);
	if (st != LL_OK || w->rg_rows == 0)
		return st;
	st = row_group_seal(w, err);
	if (st != LL_OK)
		return st;
	w->returns_due = true;
	if (background && !w->opt.disable_background && ll_pqw_worker_start(w)) {
		ll_pqw_worker_post(w);
		return LL_OK;
	}
	st = ll_pqw_row_group_write(w, err);
	if (st == LL_OK)
		columns_take_back(w);
	return st;
}

ll_status ll_parquet_writer_flush_row_group(ll_parquet_writer *w, ll_error *err)
{
	ll_status st = writer_usable(w, err);
	if (st != LL_OK)
		return st;
	if (w->row_open)
		return ll_error_set(err, LL_EINVAL,
				    "cannot flush %s while a row is being built; end the row first",
				    w->path);
	if (w->rg_rows == 0)
		return LL_OK;
	st = row_group_flush(w, true, err);
	if (st != LL_OK)
		w->broken = true;
	return st;
}

static ll_status file_finish(ll_parquet_writer *w, ll_parquet_file_info *info, ll_error *err)
{
	size_t start = w->out.len;
	ll_pqw_encode_footer(w, &w->out);
	size_t footer = w->out.len - start;
	if (ll_buf_oom(&w->out))
		return ll_error_oom(err);
	if (footer > UINT32_MAX)
		return ll_error_set(err, LL_EUNSUPPORTED,
				    "the footer of %s needs %zu bytes, more than Parquet allows; "
				    "write fewer row groups per file",
				    w->path, footer);
	uint8_t tail[8] = { (uint8_t)footer, (uint8_t)(footer >> 8), (uint8_t)(footer >> 16),
			    (uint8_t)(footer >> 24), 'P', 'A', 'R', '1' };
	ll_buf_append(&w->out, tail, sizeof(tail));
	ll_status st = ll_pqw_drain(w, true, err);
	if (st != LL_OK)
		return st;
	int fd = w->fd;
	w->fd = -1;
	if (w->opt.defer_sync)
		ll_fs_start_writeback(fd, 0, 0);
	/* the data is durable before the name says the file is complete, unless
	 * the caller syncs it later, before anything refers to the name */
	int rc = w->opt.defer_sync ? 0 : fsync(fd), e = errno;
	if (close(fd) != 0 && rc == 0) {
		rc = -1;
		e = errno;
	}
	if (rc != 0)
		return ll_error_set(err, LL_EIO, "cannot write %s: %s", w->tmp_path, strerror(e));
	if (!w->opt.defer_sync)
		st = ll_fs_rename(w->tmp_path, w->path, err);
	else if (rename(w->tmp_path, w->path) != 0)
		st = ll_error_set(err, LL_EIO, "cannot rename %s to %s: %s", w->tmp_path, w->path,
				  strerror(errno));
	if (st == LL_OK && info) {
		info->rows = w->rows;
		info->file_size = w->written;
		info->row_groups = (uint32_t)w->ngroups;
	}
	return st;
}

ll_status ll_parquet_writer_close(ll_parquet_writer *w, ll_parquet_file_info *info, ll_error *err)
{
	if (!w)
		return ll_error_set(err, LL_EINVAL, "no Parquet writer to close");
	/* a row that was begun but never ended is not part of the file */
	if (w->row_open)
		row_discard(w, w->rows + 1);
	ll_status st = writer_usable(w, err);
	if (st == LL_OK)
		st = row_group_flush(w, false, err);
	if (st == LL_OK)
		st = file_finish(w, info, err);
	if (st != LL_OK)
		unlink(w->tmp_path);
	writer_free(w);
	return st;
}

void ll_parquet_writer_abort(ll_parquet_writer *w)
{
	if (!w)
		return;
	/* the thread may be writing to the file: it ends first */
	ll_pqw_worker_stop(w);
	unlink(w->tmp_path);
	writer_free(w);
}
