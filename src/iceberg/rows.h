/*
 * Reading chosen columns of a Parquet file by Iceberg field id, row by row:
 * what merges (key columns), deletes (_dlt_id) and scan planning (delete
 * files, equality columns) need. A field the file lacks reads as null, as
 * Iceberg reads a column added after the file was written.
 */
#ifndef LL_ICEBERG_ROWS_H
#define LL_ICEBERG_ROWS_H

#include "formats/parquet/parquet_reader.h"
#include "storage/storage.h"

/** At most this many fields per read. */
#define LL_ICEBERG_READ_FIELDS 64

/** Receives a row: values[k] is the field of ids[k]; pos is the row's position in the file. */
typedef ll_status (*ll_iceberg_row_fn)(void *user, uint64_t pos, const ll_value *const *values,
				       ll_error *err);

/**
 * Finds the fields of ids[0..nids) in r: slot[k] is the index into fields of
 * ids[k]'s field, or -1 when the file lacks it. Returns how many fields.
 */
size_t ll_iceberg_find_fields(const ll_parquet_reader *r, const int32_t *ids, size_t nids,
			      size_t *fields, long *slot);

/** Calls fn for every row of the file at location, in order. */
ll_status ll_iceberg_read_rows(ll_storage *s, const char *location, const int32_t *ids,
			       size_t nids, ll_iceberg_row_fn fn, void *user, ll_error *err);

#endif
