/*
 * Splitting a data file by partition: the rows of one Parquet job file are
 * routed, by the partition spec's transforms of their source columns, into
 * one new Parquet file per partition, each with the same columns and field
 * ids, and each described for a manifest with its partition tuple.
 *
 * Every output file is written to the scratch directory, then stored at
 * <location>/data/<partition path>/<name>.<n>.parquet, so the names are
 * the same when an interrupted load runs again. Writers for all partitions
 * of a file are open at the same time; each buffers small row groups (not
 * the default 64 MiB) so that many partitions stay within memory.
 *
 * A rewrite (table maintenance) routes the live rows of several of the
 * table's data files the same way: rows the deletes removed are left out,
 * the columns are the table's (a column a file lacks is written as null),
 * and a partition's file is closed once it holds about target_bytes (judged
 * by the input files' bytes per row) and the next one begun.
 */
#ifndef LL_ICEBERG_PARTITION_SPLIT_H
#define LL_ICEBERG_PARTITION_SPLIT_H

#include "formats/iceberg/manifest.h"
#include "schema/schema.h"
#include "storage/storage.h"

typedef struct ll_partition_split {
	ll_storage *storage;
	const ll_table *table;             /**< columns: types, nullability, field ids */
	const ll_iceberg_schema *schema;
	const ll_iceberg_partition_spec *spec;
	const char *location;              /**< the table location */
	const char *scratch_dir;
	const char *name;                  /**< output base name, e.g. "<load_id>.<file_id>" */
} ll_partition_split;

/**
 * Splits the local Parquet file at path. *files gets the described outputs
 * (n of them, with partition tuples), allocated in arena.
 */
ll_status ll_partition_split_file(const ll_partition_split *ps, const char *path, ll_arena *arena,
				  ll_iceberg_data_file **files, size_t *n, ll_error *err);

/** A data file of the table whose live rows a rewrite keeps. */
typedef struct ll_partition_input {
	const char *location;              /**< read through the split's storage */
	const uint64_t *deleted;           /**< sorted row positions to leave out */
	size_t ndeleted;
	int64_t record_count, file_size;   /**< from the manifest: sizes the outputs */
} ll_partition_input;

/**
 * Writes the live rows of in[0..n) into new files of about target_bytes
 * each (0: one per partition), with the columns of ps->table in its order.
 * *files gets the described outputs (with partition tuples), in arena.
 */
ll_status ll_partition_split_rewrite(const ll_partition_split *ps, const ll_partition_input *in,
				     size_t n, uint64_t target_bytes, ll_arena *arena,
				     ll_iceberg_data_file **files, size_t *nfiles, ll_error *err);

#endif
