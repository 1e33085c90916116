/*
 * What the pipeline module's files share: the pipeline object, its working
 * directory and how its state is saved.
 */
#ifndef LL_PIPELINE_INTERNAL_H
#define LL_PIPELINE_INTERNAL_H

#include <jansson.h>

#include "catalog/catalog.h"
#include "extract/input.h"
#include "json/json.h"
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
	int64_t compact_after_delete_files; /* > 0: merges compact past this many delete files */
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
	/*
	 * The "sources" object of dlt's pipeline state: what sources remember
	 * between runs (incremental cursors). Never NULL once open. It changes
	 * only when a package carrying a newer one is loaded.
	 */
	json_t *sources;
	ll_progress_fn progress;
	void *progress_user;
	unsigned threads;   /* normalizing threads of a load, >= 1 */
	size_t piece_bytes; /* what they take at a time */
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
 * {dataset: {table: saved schema table}} from the saved schemas of the
 * pipelines in home that load into the catalog at catalog_path (the hints
 * the catalog does not keep: keys, write disposition, partition).
 */
json_t *ll_pipeline_schema_hints(const char *home, const char *catalog_path);

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

/**
 * The pipeline state document stored in _dlt_pipeline_state, at state
 * version; sources is its "sources" object (NULL: the pipeline's own).
 */
void ll_pipeline_state_json(const ll_pipeline *p, int64_t version, const json_t *sources,
			    ll_buf *out);

/** Takes the "sources" object of a state document, if it has one, as the pipeline's. */
ll_status ll_pipeline_adopt_state(ll_pipeline *p, const char *state_json, size_t len, ll_error *err);

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

/**
 * Where the records of a load come from, one at a time: next() parses the
 * next record into arena (reset by the caller between records) and sets
 * *record, NULL at the end, with the line and column it starts at (0 when
 * the source has no positions). name is what errors call the source.
 */
typedef struct ll_record_source {
	ll_status (*next)(void *user, ll_arena *arena, const ll_json_value **record, uint64_t *line,
			  uint64_t *column, ll_error *err);
	void *user;
	const char *name;
} ll_record_source;

/** The value at a dotted path of object keys ("meta.updated_at"); NULL when a step is missing. */
const ll_json_value *ll_json_at_path(const ll_json_value *v, const char *path);

/** Normalizes every record of src into the load. */
ll_status ll_load_push_source(ll_load *l, const ll_record_source *src, ll_error *err);

/** A record source over the JSON values of in (NDJSON, an array, one object); borrows in. */
ll_status ll_json_record_source_open(ll_record_source *src, ll_input *in, ll_error *err);
void ll_json_record_source_close(ll_record_source *src);

/**
 * Makes sources (a copy) the "sources" object of the pipeline state this
 * load commits: the pipeline adopts it when the load's package is loaded,
 * so a cursor moves exactly when the records it covers land.
 */
ll_status ll_load_set_sources_state(ll_load *l, const json_t *sources, ll_error *err);

/** The sources' state the load makes current: the one set on it, else the pipeline's. */
const json_t *ll_load_sources_state(const ll_load *l);

/**
 * Begins a load that builds on prev (NULL: on the pipeline as it is), a
 * sealed load not loaded yet: the new load's schema, sources' state and
 * state version start from prev's, so loading prev and then it is the same
 * as making and loading them one after the other.
 */
ll_status ll_pipeline_begin_load_after(ll_pipeline *p, const ll_load *prev, const ll_resource *res,
				       ll_load **out, ll_error *err);

/**
 * Seals a load: finishes normalizing and writes its package whole, but
 * leaves it unpublished in extracting/, where ll_load_abort, or the next
 * run after a crash, discards it. info (may be NULL) gets what the package
 * holds. On failure, abort the load.
 */
ll_status ll_load_seal(ll_load *l, ll_load_info *info, ll_error *err);

/**
 * Publishes a sealed load's package to normalized/: from here it is loaded
 * exactly once, by ll_load_finish or by the next run, and ll_load_abort
 * only frees the load. On failure the package stays unpublished.
 */
ll_status ll_load_publish(ll_load *l, ll_error *err);

/**
 * Loads a published load's package, fills info (may be NULL) and frees the
 * load. A failure leaves the package to the next run, or moves it to
 * failed/ when it fails for good (the error says which).
 */
ll_status ll_load_finish(ll_load *l, ll_load_info *info, ll_error *err);

/**
 * Names what a load reads: source for messages and the package manifest;
 * fingerprint (NULL: none) identifies the input, so that a rerun after an
 * interrupted load of it does not load it again (ll_pipeline_loaded_before).
 */
ll_status ll_load_set_input(ll_load *l, const char *source, const char *fingerprint, ll_error *err);

/**
 * The input the load reads now, for progress: bytes read so far come from
 * in, total is its size (0: unknown). in is borrowed until the next call.
 */
void ll_load_set_progress_input(ll_load *l, const ll_input *in, uint64_t total);

/** Records pushed into the load so far. */
uint64_t ll_load_records(const ll_load *l);

/** Whether an interrupted load of the input with this fingerprint was finished by this process. */
bool ll_pipeline_loaded_before(const ll_pipeline *p, const char *fingerprint);

/** An Iceberg table as the query engine sees it: planned at its current snapshot. */
typedef struct ll_iceberg_engine_table ll_iceberg_engine_table;

/** Plans ct (an Iceberg table of the catalog) and fills et; free *out after the query. */
ll_status ll_iceberg_engine_table_open(ll_storage *storage, const ll_catalog_table *ct,
				       ll_iceberg_engine_table **out, ll_engine_table *et,
				       ll_error *err);
void ll_iceberg_engine_table_free(ll_iceberg_engine_table *t);

#endif
