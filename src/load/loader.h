/*
 * ll_loader: commits a normalized load package to the lake of a catalog,
 * through the catalog's storage (a directory or an S3 prefix).
 *
 * Loading is idempotent and resumable: job files are moved into the lake
 * under their final keys (a job file gone from the package but present in
 * the lake is a move that completed before a crash), then one catalog
 * transaction publishes them, then the
 * package moves to loaded/. If the catalog already has the load id, the
 * earlier run committed it and only the package move is left to do. Files
 * that a replace supersedes are deleted only after the commit.
 */
#ifndef LL_LOAD_LOADER_H
#define LL_LOAD_LOADER_H

#include "catalog/catalog.h"
#include "load/package.h"
#include "util/log.h"

/* The file layout and everything else of a load come from its package. */
typedef struct ll_loader_options {
	const ll_logger *logger;
	/** A merge compacts Iceberg tables with more live delete files than this; <= 0: never. */
	int64_t compact_after_delete_files;
} ll_loader_options;

typedef struct ll_load_result {
	bool already_committed; /* an earlier, interrupted run had committed it */
	uint64_t files; /* data files in the lake's data tables (dlt's own left out) */
	uint64_t rows;  /* rows written into those tables */
} ll_load_result;

/** Loads <pipeline_dir>/load/normalized/<load_id> and moves it to loaded/. */
ll_status ll_loader_load_package(ll_catalog *catalog, const char *pipeline_dir,
				 const char *load_id, const ll_loader_options *opt,
				 ll_load_result *result, ll_error *err);

#endif
