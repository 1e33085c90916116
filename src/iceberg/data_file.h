/*
 * From lakeload's tables and Parquet files to Iceberg's descriptions of
 * them: the Iceberg schema of a table (columns keep the field ids the
 * normalizer gave them, so data files and schema agree by id), and the
 * manifest entry of a written Parquet file (record count, size, and per
 * column value counts, null counts and lower/upper bounds from the file's
 * row-group statistics).
 *
 * Bounds follow Iceberg's default metrics mode, truncate(16): a string's
 * lower bound is its first 16 code points, and a string upper bound longer
 * than that is left out rather than made up. Decimal bounds are left out
 * (the Parquet reader gives decimals as text); a reader then simply cannot
 * skip the file by that column.
 */
#ifndef LL_ICEBERG_DATA_FILE_H
#define LL_ICEBERG_DATA_FILE_H

#include "formats/iceberg/manifest.h"
#include "formats/parquet/parquet_reader.h"
#include "schema/schema.h"

/**
 * Fills out with the Iceberg schema of t: every column with its field id
 * (LL_ESCHEMA naming the column when one has none), optional unless the
 * column is not nullable. Allocated in arena.
 */
ll_status ll_iceberg_schema_from_table(const ll_table *t, int32_t schema_id, ll_arena *arena,
				       ll_iceberg_schema *out, ll_error *err);

/**
 * Describes an open Parquet file for a manifest: content DATA, the given
 * location, format PARQUET, record count, file_size, and stats for the
 * fields whose field id names a primitive column of schema. The partition
 * tuple is left for the caller. Allocated in arena.
 */
ll_status ll_iceberg_describe_parquet(ll_parquet_reader *r, const char *location,
				      uint64_t file_size, const ll_iceberg_schema *schema,
				      ll_arena *arena, ll_iceberg_data_file *out, ll_error *err);

#endif
