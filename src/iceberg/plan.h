/*
 * Planning a read of an Iceberg table: the data files of a snapshot, each
 * with the row positions its delete files remove.
 *
 * The manifest list and manifests give the live data and delete files.
 * Deletes apply as the spec says: a position delete file to the data file
 * it names when the data file's sequence number is not greater than the
 * delete's; an equality delete file to data files with a smaller sequence
 * number, in the same partition unless the delete file is unpartitioned,
 * removing the rows whose equality columns (by field id) equal one of its
 * rows (nulls equal nulls). Equality deletes are turned into positions by
 * reading the equality columns of the data files they apply to, so a
 * reader needs to skip positions only. A delete file the manifests show
 * touching none of the planned data files (by sequence number, partition
 * and a position delete's file_path bounds) is not read.
 *
 * Everything planned lives in the plan until ll_iceberg_plan_free.
 */
#ifndef LL_ICEBERG_PLAN_H
#define LL_ICEBERG_PLAN_H

#include "formats/iceberg/manifest.h"
#include "iceberg/scan.h"
#include "iceberg/table.h"

typedef struct ll_iceberg_scan_file {
	const char *location;
	int64_t record_count;
	int64_t sequence_number;
	const ll_iceberg_data_file *file;  /**< its manifest description */
	int32_t spec_id;
	uint64_t *deleted;                 /**< sorted, distinct row positions */
	size_t ndeleted;
} ll_iceberg_scan_file;

typedef struct ll_iceberg_plan {
	ll_iceberg_table table;
	const ll_iceberg_schema *schema;   /**< the snapshot's schema */
	ll_iceberg_scan_file *files;
	size_t nfiles;
	uint64_t rows;                     /**< live rows: records minus deleted positions */
	size_t manifests_skipped;          /**< data manifests filters ruled out, never read */
	size_t files_skipped;              /**< live data files filters ruled out */
	size_t deletes_skipped;            /**< delete files that touch no planned data file, never read */
	ll_arena arena;
} ll_iceberg_plan;

/**
 * Plans a read of the table whose metadata is at location, at its current
 * snapshot (snapshot_id LL_ICEBERG_NO_SNAPSHOT) or at the given one.
 */
ll_status ll_iceberg_plan_scan(ll_storage *storage, const char *location, int64_t snapshot_id,
			       ll_iceberg_plan *out, ll_error *err);

/**
 * ll_iceberg_plan_scan keeping only what may hold rows satisfying every
 * filter (scan.h): data manifests are skipped by their partition summaries
 * and data files by their partition values and bounds. The rows of the
 * files kept still have to be checked against the filters.
 */
ll_status ll_iceberg_plan_scan_filtered(ll_storage *storage, const char *location,
					int64_t snapshot_id, const ll_iceberg_filter *filters,
					size_t nfilters, ll_iceberg_plan *out, ll_error *err);

void ll_iceberg_plan_free(ll_iceberg_plan *p);

#endif
