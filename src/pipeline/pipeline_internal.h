/*
 * What the pipeline module's files share: the pipeline object, its working
 * directory and how its state is saved.
 */
#ifndef LL_PIPELINE_INTERNAL_H
#define LL_PIPELINE_INTERNAL_H

#include "catalog/catalog.h"
#include "engine/engine.h"
#include "formats/parquet/parquet_writer.h"
#include "lakeload.h"
#include "schema/schema.h"
#include "storage/storage.h"
#include "util/buf.h"
#include "util/log.h"

struct ll_pipeline {
	char *name;
	char *dataset;
	char *dir;  /* <home>/pipelines/<name> */
	char *lake;
	char *layout;
	ll_parquet_codec codec;
	bool force_iceberg;
	ll_logger logger;
	int lock_fd;
	ll_schema *schema; /* the live schema: what the destination has */
	int64_t state_version;
	char *catalog_file; /* the catalog of earlier runs, from state.json; NULL: none */
	ll_storage *storage;
	ll_catalog *catalog;
	/* fingerprints of inputs whose interrupted loads were finished by this process */
	char **finished_fingerprints;
	size_t nfinished;
};

/**
 * Takes the lock of a pipeline's working directory dir (*fd holds it until
 * closed; close it even on failure when >= 0): LL_ECONFLICT while another
 * process has the pipeline open.
 */
ll_status ll_pipeline_lock(const char *dir, const char *name, int *fd, ll_error *err);

/** "dataset.table" -> its two parts, copied into buf. */
ll_status ll_split_table_ref(const char *ref, char *buf, size_t size, const char **dataset,
			     const char **table, ll_error *err);

/** Resolves the pipelines home: explicit, $LAKELOAD_HOME, or ~/.lakeload. */
void ll_pipeline_home(const char *home, ll_buf *out);

/**
 * Opens the lake opt names: its storage (S3 retries logged to logger) and
 * its catalog: Glue for the athena destination, else the SQLite file at
 * opt->catalog or where ll_lake_catalog_path says. Without
 * create, a lake never loaded is LL_ENOTFOUND instead of a new empty one.
 * The catalog borrows the storage; free the catalog first.
 */
ll_status ll_lake_open(const ll_lake_options *opt, const ll_logger *logger, bool create,
		       ll_storage **storage, ll_catalog **catalog, ll_error *err);

struct ll_athena_config;

/** The Athena client's settings for the athena destination a. */
void ll_lake_athena_config(const ll_athena_options *a, const ll_logger *logger,
			   struct ll_athena_config *cfg);

/** A table named "dataset.table" in an open lake. */
typedef struct ll_lake_ref {
	char buf[512];
	const char *dataset, *name;
	ll_storage *storage;
	ll_catalog *catalog;
} ll_lake_ref;

/** Splits table into r's names and opens the lake opt names (create: as ll_lake_open). */
ll_status ll_lake_ref_open(ll_lake_ref *r, const ll_lake_options *opt, const char *table,
			   bool create, ll_error *err);
void ll_lake_ref_close(ll_lake_ref *r);

/** Runs sql on Athena (opt->athena), its rows to fn. */
ll_status ll_lake_athena_query(const ll_lake_options *opt, const char *sql, ll_row_fn fn,
			       void *user, ll_error *err);

/** Where a lake's catalog is by default: <lake>/catalog.db, or under home for S3. */
void ll_lake_catalog_path(const ll_storage *storage, const char *home, ll_buf *out);

/** Runs SQL over the pipeline's open lake. */
ll_status ll_pipeline_query(ll_pipeline *p, const char *sql, ll_row_fn fn, void *user,
			    ll_error *err);

/**
 * Takes the pipeline's state version and schema from the newest rows of
 * _dlt_pipeline_state and _dlt_version in its dataset, if there are any
 * (for a pipeline whose working directory is gone).
 */
ll_status ll_pipeline_restore_from_lake(ll_pipeline *p, ll_error *err);

/** Writes state.json and the live schema of the pipeline. */
ll_status ll_pipeline_save(ll_pipeline *p, ll_error *err);

/** The pipeline state document stored in _dlt_pipeline_state. */
void ll_pipeline_state_json(const ll_pipeline *p, ll_buf *out);

/** Creates a load id (dlt's format: seconds.microseconds, UTC) not used yet. */
void ll_pipeline_new_load_id(const ll_pipeline *p, char out[32]);

/** Whether a load that failed with st can never succeed: its package moves to failed/. */
bool ll_pipeline_failed_for_good(ll_status st);

/**
 * Loads a normalized package and makes its schema the live one. info may be
 * NULL. A package that fails for good moves to failed/ (the error says so).
 */
ll_status ll_pipeline_load_package(ll_pipeline *p, const char *load_id, ll_load_info *info,
				   ll_error *err);

/** An Iceberg table as the query engine sees it: planned at its current snapshot. */
typedef struct ll_iceberg_engine_table ll_iceberg_engine_table;

/** Plans ct (an Iceberg table of the catalog) and fills et; free *out after the query. */
ll_status ll_iceberg_engine_table_open(ll_storage *storage, const ll_catalog_table *ct,
				       ll_iceberg_engine_table **out, ll_engine_table *et,
				       ll_error *err);
void ll_iceberg_engine_table_free(ll_iceberg_engine_table *t);

#endif
