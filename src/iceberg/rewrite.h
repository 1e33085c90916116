/*
 * Rewriting an Iceberg table's data files (table maintenance, as Athena's
 * OPTIMIZE ... REWRITE DATA USING BIN_PACK): many small files and files
 * that delete files apply to become fewer files of about a target size
 * holding only the live rows, in one "replace" snapshot.
 *
 * What is rewritten: of the current snapshot's data files written with the
 * table's current partition spec, those smaller than the target size or
 * with rows removed by deletes (only the latter for only_with_deletes), and
 * with a match set only files holding a live row whose match column is in
 * the set. A partition where that leaves one file without deletes keeps it:
 * rewriting it would change nothing. Rows of a partition go to files of
 * that partition only (the spec's transforms of each row decide, as for a
 * load), with the table's columns and field ids.
 *
 * The snapshot removes the rewritten data files and every delete file that
 * can no longer apply to a data file that stays (judged from the manifests,
 * conservatively: an equality delete file stays while any older data file
 * stays), and adds the new files. Nothing is deleted from storage: readers
 * of older snapshots go on reading them until vacuum expires the snapshots.
 *
 * Concurrency: the commit is optimistic (commit.h). When another writer
 * committed since the plan, the rewritten files are checked against the
 * table as it is now: each must still be live with exactly the deletes that
 * were applied, and each removed delete file still live. Then the rewrite
 * goes on top (a concurrent append or a merge touching other files is
 * kept). Otherwise the rewrite is planned and written again, up to three
 * times, then given up as LL_ECONFLICT; rows a concurrent commit added or
 * deleted are never lost or brought back.
 */
#ifndef LL_ICEBERG_REWRITE_H
#define LL_ICEBERG_REWRITE_H

#include "catalog/catalog.h"
#include "formats/iceberg/metadata.h"
#include "iceberg/keyset.h"
#include "schema/schema.h"

/** The file size a rewrite aims at when none is given: 128 MiB, as Athena's. */
#define LL_ICEBERG_TARGET_FILE_BYTES LL_OPTIMIZE_TARGET_FILE_BYTES

typedef struct ll_iceberg_rewrite_options {
	uint64_t target_file_bytes;        /**< 0: LL_ICEBERG_TARGET_FILE_BYTES */
	bool only_with_deletes;            /**< rewrite only files deletes apply to */
	/**
	 * NULL: every file qualifies. Else only files with a live row whose
	 * match_column value (ll_keyset_encode_value) is in the set.
	 */
	const ll_keyset *match;
	const char *match_column;
	const char *scratch_dir;           /**< local directory for the files being written */
} ll_iceberg_rewrite_options;

typedef struct ll_iceberg_rewrite_result {
	size_t data_files_rewritten;
	size_t delete_files_removed;
	size_t data_files_written;
	uint64_t rows;                     /**< live rows moved into the new files */
	int64_t snapshot_id;               /**< 0: nothing to rewrite, nothing committed */
} ll_iceberg_rewrite_result;

/**
 * Rewrites Iceberg table dataset.table of the catalog in one snapshot;
 * table gives its name and columns (the pipeline's, or
 * ll_iceberg_table_shape's).
 */
ll_status ll_iceberg_rewrite(ll_catalog *catalog, ll_storage *storage, const char *dataset,
			     const ll_table *table, const ll_iceberg_rewrite_options *opt,
			     ll_iceberg_rewrite_result *res, ll_error *err);

/**
 * The lakeload shape of an Iceberg table's current schema, for committing
 * to a table known only from its metadata: name and columns (borrowed from
 * md) with their field ids. Free with free(t->columns).
 */
ll_status ll_iceberg_table_shape(const ll_iceberg_metadata *md, const char *name, ll_table *t,
				 ll_error *err);

/** The live delete files of the current snapshot, from its summary (0 without one). */
int64_t ll_iceberg_live_delete_files(const ll_iceberg_metadata *md);

#endif
