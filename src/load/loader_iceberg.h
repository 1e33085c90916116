/*
 * The Iceberg half of loading a package: every table of the package whose
 * root is an Iceberg table is committed as one snapshot of its own (see
 * iceberg/load.h). The _dlt_loads table is left out: its row is committed
 * by ll_loader_commit_loads_row once every other table of the load (Iceberg
 * and hive) has committed, so the load's _dlt_loads row never appears
 * before its data, and never for a load that failed.
 *
 * Order matters for a merge: the child tables of a merged root commit first
 * (removing the children of the root rows the merge will remove, in every
 * child table of the tree, also those the package has no rows for), then the
 * root. Each commit is tagged with the load id, so running an interrupted
 * package again skips the tables already committed and completes the rest.
 * Rows with the merge's keys committed by another writer in between (or
 * before an interrupted merge's rerun) would make the root remove root rows
 * whose children are still there: the root's commit refuses that, the roots
 * are planned again and the child tables, committed or not, lose the rows
 * of the new ones first.
 */
#ifndef LL_LOAD_LOADER_ICEBERG_H
#define LL_LOAD_LOADER_ICEBERG_H

#include "catalog/catalog.h"
#include "load/package.h"
#include "schema/schema.h"
#include "storage/storage.h"
#include "util/log.h"

/** True when the package's job table is written as Iceberg (its root is). */
bool ll_loader_is_iceberg(const ll_schema *schema, const char *table);

/**
 * Commits the package's Iceberg tables but _dlt_loads, holding the root's
 * table tree (ll_catalog_lock_tree) so that no other load's commits come
 * between its tables', and adds to *files the data files the load's
 * snapshots added to its data tables (dlt's own tables left out), those an
 * interrupted run committed included. A table
 * whose metadata is gone is LL_ENOTFOUND naming the table, the object and
 * the commands that get past it.
 */
ll_status ll_loader_load_iceberg(ll_catalog *catalog, ll_storage *storage,
				 const char *package_dir, const ll_package_manifest *m,
				 const ll_schema *schema, uint64_t *files, ll_error *err);

/**
 * After the package's commits, when it merged into an Iceberg root:
 * compacts each table of the merged tree (root and child tables) whose
 * current snapshot holds more than threshold live delete files, rewriting
 * the files deletes apply to (iceberg/rewrite.h) in a snapshot of its own.
 * threshold <= 0: never. Nothing here fails the load: a failure is logged
 * as a warning and the table stays as the load left it.
 */
void ll_loader_compact_iceberg(ll_catalog *catalog, ll_storage *storage, const char *package_dir,
			       const ll_package_manifest *m, const ll_schema *schema,
			       int64_t threshold, const ll_logger *logger);

/**
 * Whether the package's _dlt_loads row is committed (a snapshot of the
 * _dlt_loads table carries its load): then so is every other table of the
 * load, since that row commits last. False for a package whose _dlt_loads
 * is not an Iceberg table.
 */
ll_status ll_loader_loads_row_committed(ll_catalog *catalog, ll_storage *storage,
					const ll_package_manifest *m, const ll_schema *schema,
					bool *committed, ll_error *err);

/** Commits the package's _dlt_loads row: the last step of a load. */
ll_status ll_loader_commit_loads_row(ll_catalog *catalog, ll_storage *storage,
				     const char *package_dir, const ll_package_manifest *m,
				     const ll_schema *schema, ll_error *err);

/**
 * Checks a table's partition expressions against its columns (each names a
 * column it has, of a type its transform takes): LL_ESCHEMA naming the
 * expression otherwise. Run before a package is published, so a bad
 * partition never reaches the lake.
 */
ll_status ll_loader_check_partitions(const ll_table *t, ll_error *err);

#endif
