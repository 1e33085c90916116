/*
 * The row sink that writes Parquet files with ll_parquet_writer, and the
 * ll_normalizer_open that uses it. Kept apart from the normalizer proper so
 * that a program using another sink (the tests) does not link the writer.
 */
#include "normalize/normalize.h"

static ll_status pq_open(void *user, const char *path, const ll_parquet_column_spec *cols,
			 size_t ncols, const ll_parquet_writer_options *opt, void **file,
			 ll_error *err)
{
	(void)user;
	ll_parquet_writer *w = NULL;
	ll_status st = ll_parquet_writer_open(&w, path, cols, ncols, opt, err);
	*file = w;
	return st;
}

static ll_status pq_add_column(void *file, const ll_parquet_column_spec *col, ll_error *err)
{
	size_t index;
	return ll_parquet_writer_add_column(file, col, &index, err);
}

static ll_status pq_write_row(void *file, const ll_row_value *values, size_t n, ll_error *err)
{
	return ll_parquet_writer_write_row(file, values, n, err);
}

static size_t pq_buffered_bytes(void *file)
{
	return ll_parquet_writer_buffered_bytes(file);
}

static ll_status pq_flush(void *file, ll_error *err)
{
	return ll_parquet_writer_flush_row_group(file, err);
}

static ll_status pq_close(void *file, uint64_t *rows, uint64_t *bytes, ll_error *err)
{
	ll_parquet_file_info info = { 0 };
	ll_status st = ll_parquet_writer_close(file, &info, err);
	*rows = info.rows;
	*bytes = info.file_size;
	return st;
}

static void pq_abort(void *file)
{
	ll_parquet_writer_abort(file);
}

const ll_row_sink *ll_normalizer_parquet_sink(void)
{
	static const ll_row_sink parquet = { NULL, pq_open, pq_add_column, pq_write_row,
					     pq_buffered_bytes, pq_flush, pq_close, pq_abort };
	return &parquet;
}

ll_status ll_normalizer_open(ll_normalizer **out, ll_schema *schema, const char *root_table,
			     const ll_normalize_options *opt, ll_error *err)
{
	return ll_normalizer_open_sink(out, schema, root_table, opt, ll_normalizer_parquet_sink(), err);
}
