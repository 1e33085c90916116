/*
 * Fuzz target: the Parquet reader on a whole file held in memory: the
 * Thrift footer and schema, statistics, and every page of every field
 * decoded through a cursor. The fields are decoded twice, in batches of 100
 * rows and of 3, and both scans must deliver the same values: how many rows
 * a caller asks for never changes what it gets. A scan that fails may fail
 * sooner in larger batches, so then both must fail, one's values a prefix
 * of the other's.
 */
#include <stdlib.h>
#include <string.h>

#include "formats/parquet/parquet_reader.h"
#include "fuzz.h"
#include "util/buf.h"
#include "util/error.h"

typedef struct memory_file {
	const uint8_t *data;
	size_t size;
} memory_file;

static ll_status read_memory(void *ctx, uint64_t offset, void *buf, size_t len, ll_error *err)
{
	const memory_file *f = ctx;
	if (offset > f->size || len > f->size - offset)
		return ll_error_set(err, LL_EFORMAT, "read past the end of the file");
	memcpy(buf, f->data + offset, len);
	return LL_OK;
}

static void close_memory(void *ctx)
{
	(void)ctx;
}

/* Appends the bytes that say what v, a value of field f, is. */
static void digest_value(const ll_parquet_field *f, const ll_value *v, ll_buf *out)
{
	ll_buf_putc(out, v->is_null ? 'N' : 'V');
	if (v->is_null)
		return;
	if (f->nested || f->type == LL_TYPE_TEXT || f->type == LL_TYPE_JSON ||
	    f->type == LL_TYPE_BINARY || f->type == LL_TYPE_DECIMAL) {
		ll_buf_append(out, &v->len, sizeof(v->len));
		ll_buf_append(out, v->s, v->len);
	} else if (f->type == LL_TYPE_DOUBLE) {
		ll_buf_append(out, &v->d, sizeof(v->d));
	} else {
		ll_buf_append(out, &v->i, sizeof(v->i));
	}
}

/* Scans the fields in batches of batch_rows, digesting every value; the scan's status. */
static ll_status scan(ll_parquet_reader *r, const size_t *fields, size_t nfields,
		      size_t batch_rows, ll_buf *out)
{
	ll_error err = { 0 };
	ll_parquet_cursor *c = NULL;
	ll_status st = ll_parquet_cursor_open(r, fields, nfields, NULL, &c, &err);
	const ll_parquet_batch *batch = NULL;
	while (st == LL_OK && (st = ll_parquet_cursor_next(c, batch_rows, &batch, &err)) == LL_OK &&
	       batch->rows > 0)
		for (size_t row = 0; row < batch->rows; row++)
			for (size_t k = 0; k < nfields; k++)
				digest_value(ll_parquet_reader_field(r, fields[k]), &batch->columns[k][row],
					     out);
	ll_parquet_cursor_free(c);
	return st;
}

static bool is_prefix(const ll_buf *a, const ll_buf *b)
{
	return a->len <= b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static void read_every_field(ll_parquet_reader *r)
{
	size_t nfields = ll_parquet_reader_field_count(r);
	size_t fields[64];
	if (nfields > 64)
		nfields = 64;
	for (size_t i = 0; i < nfields; i++)
		fields[i] = i;
	for (size_t rg = 0; rg < ll_parquet_reader_row_group_count(r); rg++)
		for (size_t i = 0; i < nfields; i++) {
			ll_value min, max;
			uint64_t nulls;
			ll_parquet_reader_stats(r, rg, i, &min, &max, &nulls);
		}
	ll_buf large = LL_BUF_INIT, small = LL_BUF_INIT;
	ll_status large_st = scan(r, fields, nfields, 100, &large);
	ll_status small_st = scan(r, fields, nfields, 3, &small);
	bool agree = large_st == small_st && large.len == small.len && is_prefix(&large, &small);
	bool failed_alike = large_st != LL_OK && small_st != LL_OK &&
			    (is_prefix(&large, &small) || is_prefix(&small, &large));
	if (!ll_buf_oom(&large) && !ll_buf_oom(&small) && !agree && !failed_alike)
		abort(); /* the batch size changed what was read */
	ll_buf_free(&large);
	ll_buf_free(&small);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	memory_file file = { data, size };
	ll_parquet_source src = { &file, size, read_memory, close_memory };
	ll_error err = { 0 };
	ll_parquet_reader *r = NULL;
	if (ll_parquet_reader_open_source(&r, src, "fuzz.parquet", &err) != LL_OK)
		return 0;
	read_every_field(r);
	ll_parquet_reader_free(r);
	return 0;
}
