/*
 * Row-by-row reads of Parquet columns by field id; see rows.h.
 */
#include "iceberg/rows.h"

size_t ll_iceberg_find_fields(const ll_parquet_reader *r, const int32_t *ids, size_t nids,
			      size_t *fields, long *slot)
{
	size_t nf = 0;
	for (size_t k = 0; k < nids; k++) {
		slot[k] = -1;
		for (size_t f = 0; f < ll_parquet_reader_field_count(r); f++) {
			if (ll_parquet_reader_field(r, f)->field_id == ids[k]) {
				slot[k] = (long)nf;
				fields[nf++] = f;
				break;
			}
		}
	}
	return nf;
}

ll_status ll_iceberg_read_rows(ll_storage *s, const char *location, const int32_t *ids,
			       size_t nids, ll_iceberg_row_fn fn, void *user, ll_error *err)
{
	if (nids > LL_ICEBERG_READ_FIELDS)
		return ll_error_set(err, LL_EUNSUPPORTED, "reading %zu key columns of %s; at most %d",
				    nids, location, LL_ICEBERG_READ_FIELDS);
	ll_parquet_source src;
	ll_parquet_reader *r = NULL;
	ll_status st = ll_storage_open_source(s, location, &src, err);
	if (st == LL_OK)
		st = ll_parquet_reader_open_source(&r, src, location, err);
	if (st != LL_OK)
		return st;
	size_t fields[LL_ICEBERG_READ_FIELDS];
	long slot[LL_ICEBERG_READ_FIELDS];
	size_t nf = ll_iceberg_find_fields(r, ids, nids, fields, slot);
	static const ll_value null_value = { .is_null = true };
	const ll_value *row[LL_ICEBERG_READ_FIELDS];
	ll_parquet_cursor *cur = NULL;
	if (nf)
		st = ll_parquet_cursor_open(r, fields, nf, NULL, &cur, err);
	uint64_t pos = 0;
	while (st == LL_OK && cur) {
		const ll_parquet_batch *b;
		st = ll_parquet_cursor_next(cur, 4096, &b, err);
		if (st != LL_OK || b->rows == 0)
			break;
		for (size_t i = 0; i < b->rows && st == LL_OK; i++, pos++) {
			for (size_t k = 0; k < nids; k++)
				row[k] = slot[k] >= 0 ? &b->columns[slot[k]][i] : &null_value;
			st = fn(user, pos, row, err);
		}
	}
	ll_parquet_cursor_free(cur);
	ll_parquet_reader_free(r);
	return st;
}

