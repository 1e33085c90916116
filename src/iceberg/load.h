/*
 * Loading a table of a load package into an Iceberg table, as one snapshot
 * per table, with dlt's write dispositions:
 *
 *   append   the package's files are added (a fast append);
 *   replace  they become the table's only files (an overwrite snapshot);
 *   merge    dlt's delete-insert: incoming rows are deduplicated by primary
 *            key (the last one wins), rows already in the table with an
 *            incoming primary key or merge key are removed, and the incoming
 *            rows are added. Removal writes position delete files (Iceberg
 *            merge-on-read), so a merge touches no existing data file and
 *            commits data and deletes in one snapshot. A child table of a
 *            merged root loses the rows whose _dlt_root_id belongs to a
 *            removed root row and gains the incoming child rows; children
 *            are committed before their root, so an interrupted merge that
 *            is run again recomputes the removals, and the root checks
 *            that it removes no root row whose children are still there.
 *            A merge that adds nothing and removes nothing (a child table
 *            none of whose rows go) commits no snapshot.
 *
 * The package's job files already are Iceberg data files (microsecond
 * timestamps, field ids; see the normalizer), so they are placed in the
 * table's data/ folder as they are.
 */
#ifndef LL_ICEBERG_LOAD_H
#define LL_ICEBERG_LOAD_H

#include "iceberg/commit.h"
#include "iceberg/keyset.h"

typedef struct ll_iceberg_load_request {
	ll_catalog *catalog;
	ll_storage *storage;
	const char *dataset;
	const char *load_id;
	const char *load_nonce;            /**< the package's nonce (iceberg/commit.h) */
	const ll_schema *schema;           /**< the package schema */
	const ll_table *table;             /**< the table being loaded, from schema */
	ll_write_disposition disposition;
	const char *const *jobs;           /**< local paths of the package's files for the table */
	const char *const *file_ids;       /**< their file ids (unique per load) */
	size_t njobs;
	const char *scratch_dir;           /**< local directory for delete files being written */
	/**
	 * Rows to remove regardless of keys: those whose match_column value
	 * (NULL: "_dlt_root_id", for the child tables of a merge) is in this
	 * set of ll_keyset_encode_value encodings. NULL: none.
	 */
	const ll_keyset *removed_roots;
	const char *match_column;
	/**
	 * A merged root whose children were merged first: the _dlt_id
	 * encodings of the root rows their child rows were removed for. When
	 * the merge would remove another root row (rows with its keys were
	 * committed since), nothing is committed, *replan is set and the
	 * status is LL_ECONFLICT: the caller plans the roots again and removes
	 * their children first. NULL: no such check.
	 */
	const ll_keyset *planned_roots;
	bool *replan;
} ll_iceberg_load_request;

/**
 * Commits the table's files. For a merged root, removed_roots (may be NULL)
 * receives the _dlt_id of every root row the merge removes; call
 * ll_iceberg_merge_plan_roots first to learn them before the children.
 */
ll_status ll_iceberg_load_table(const ll_iceberg_load_request *req, ll_iceberg_commit_result *res,
				ll_error *err);

/**
 * The _dlt_id values of the root rows a merge of req's jobs would remove
 * from the root table as it is now, into roots (initialized by the caller).
 */
ll_status ll_iceberg_merge_plan_roots(const ll_iceberg_load_request *req, ll_keyset *roots,
				      ll_error *err);

#endif
