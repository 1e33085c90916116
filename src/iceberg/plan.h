/*
 * Planning a read of an Iceberg table: the data files of a snapshot, each
 * with the row positions its delete files remove.
 *
 * The manifest list and manifests give the live data and delete files;
 * from remote storage a snapshot's manifests are fetched several at a
 * time, since each is a round trip.
 * Deletes apply as the spec says: a position delete file to the data file
 * it names when the data file's sequence number is not greater than the
 * delete's; an equality delete file to data files with a smaller sequence
 * number, in the same partition unless the delete file is unpartitioned
 * (deletes.h).
 *
 * Position delete files are read while planning, keeping only the
 * positions of planned data files; one whose file_path bounds or sequence
 * number show it touches none of them is not read. Equality deletes are
 * turned into positions per data file when a reader asks for that file's
 * deletes (ll_iceberg_plan_file_deletes), by reading the file's equality
 * columns, so a file a query never reads is never read for them either.
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
	/**
	 * Sorted, distinct row positions removed: the position deletes', and
	 * the equality deletes' too once ll_iceberg_plan_file_deletes resolved
	 * them (equality_pending is then false).
	 */
	uint64_t *deleted;
	size_t ndeleted;
	bool equality_pending;
} ll_iceberg_scan_file;

/** A live delete file of the planned snapshot. */
typedef struct ll_iceberg_plan_delete {
	const ll_iceberg_data_file *file;  /**< its manifest description */
	int64_t sequence_number;
	int32_t spec_id;
} ll_iceberg_plan_delete;

typedef struct ll_iceberg_plan {
	ll_iceberg_table table;
	const ll_iceberg_schema *schema;   /**< the snapshot's schema */
	ll_iceberg_scan_file *files;
	size_t nfiles;
	uint64_t rows;                     /**< records minus position-deleted rows */
	size_t manifests_skipped;          /**< data manifests filters ruled out, never read */
	size_t files_skipped;              /**< live data files filters ruled out */
	size_t deletes_skipped;            /**< position delete files touching no planned data file */
	ll_iceberg_plan_delete *deletes;   /**< every live delete file, whatever the filters */
	size_t ndeletes;
	struct ll_iceberg_equality_deletes *equality; /**< owned; NULL without delete files */
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

/**
 * All the row positions deletes remove from planned file i (sorted,
 * distinct; borrowed from the plan), resolving its equality deletes the
 * first time. Fails naming a delete or data file that cannot be read.
 */
ll_status ll_iceberg_plan_file_deletes(ll_iceberg_plan *p, size_t i, const uint64_t **positions,
				       size_t *n, ll_error *err);

/**
 * Whether delete file d of the plan may remove rows of data file f, judged
 * from the manifests alone: a position delete file by sequence numbers and
 * its file_path bounds, an equality delete file by sequence numbers only
 * (whatever the partitions), so a false answer is certain.
 */
bool ll_iceberg_plan_delete_may_apply(const ll_iceberg_plan_delete *d, const ll_iceberg_scan_file *f);

void ll_iceberg_plan_free(ll_iceberg_plan *p);

#endif
