/*
 * Fuzz target: the Parquet reader on a whole file held in memory: the
 * Thrift footer and schema, statistics, and every page of every field
 * decoded through a cursor.
 */
#include <string.h>

#include "formats/parquet/parquet_reader.h"
#include "fuzz.h"
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
	ll_error err = { 0 };
	ll_parquet_cursor *c = NULL;
	if (ll_parquet_cursor_open(r, fields, nfields, NULL, &c, &err) != LL_OK)
		return;
	const ll_parquet_batch *batch = NULL;
	while (ll_parquet_cursor_next(c, 100, &batch, &err) == LL_OK && batch->rows > 0)
		;
	ll_parquet_cursor_free(c);
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
