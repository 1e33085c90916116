/*
 * Load packages: the unit of exactly-once loading.
 *
 * A package is a directory under <pipeline>/load/<state>/<load_id>/ holding
 * manifest.json (what the load is: dataset, root table, disposition, file
 * layout, source fingerprint, its job files with their tables), schema.json
 * (the schema the files were written with, with every hint of the load) and
 * jobs/ (the Parquet files, named by a hash of table and file id so that no
 * table name's length reaches the file system). A package moves between
 * states only by renaming its directory, which is atomic:
 *
 *   extracting/  being written; incomplete, so a crash here discards it
 *   normalized/  complete and durable; the next run loads it
 *   loaded/      committed to the catalog
 *   failed/      failed for good (a terminal or schema error); reason.txt
 *                says why; it blocks nothing and is kept for people
 *
 * Everything inside a package is written and fsynced before the rename that
 * publishes it, so a package seen in normalized/ is always whole. A package
 * is finished with what it holds (disposition, layout, schema and hints),
 * never with the options of the run that finishes it.
 */
#ifndef LL_LOAD_PACKAGE_H
#define LL_LOAD_PACKAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lakeload.h"
#include "util/buf.h"
#include "util/error.h"

typedef enum ll_package_state {
	LL_PACKAGE_EXTRACTING = 0,
	LL_PACKAGE_NORMALIZED,
	LL_PACKAGE_LOADED,
	LL_PACKAGE_FAILED,
} ll_package_state;

#define LL_PACKAGE_STATES 4

const char *ll_package_state_name(ll_package_state state);

typedef struct ll_package_job {
	char *table;
	char *file_id;
	uint64_t rows;
	uint64_t bytes;
	bool legacy_name; /* written before short names: jobs/<table>.<file_id>.parquet */
} ll_package_job;

typedef struct ll_package_manifest {
	char *load_id;
	char *nonce;       /* LL_PACKAGE_NONCE_LEN hex digits; "" in packages of older versions */
	char *pipeline;
	char *dataset;
	char *root_table;
	ll_write_disposition disposition;
	char *layout;      /* the file layout of hive tables; NULL: the default */
	char *source;      /* input name, for people */
	char *fingerprint; /* identity of the input; empty when unknown (stdin) */
	uint64_t root_rows;
	char **tables;     /* every table in the root's tree, for replace */
	size_t ntables;
	ll_package_job *jobs;
	size_t njobs;
} ll_package_manifest;

void ll_package_manifest_free(ll_package_manifest *m);

/*
 * A package's nonce: 64 random bits drawn when the package is made, never
 * 0, written as 16 hex digits. The load id is a timestamp, as dlt's are,
 * and another pipeline may draw the same one in the same microsecond; the
 * nonce tells their loads apart in the lake's exactly-once checks, and it
 * seeds the package's file ids and row ids so that neither load can take
 * the other's file names or _dlt_ids.
 */
#define LL_PACKAGE_NONCE_LEN 16
uint64_t ll_package_new_nonce(void);
void ll_package_nonce_text(uint64_t nonce, char out[LL_PACKAGE_NONCE_LEN + 1]);
/** The nonce a manifest's text holds; 0 for a package without one. */
uint64_t ll_package_nonce_value(const char *text);

/** Appends <pipeline_dir>/load/<state>/<load_id> to out. */
void ll_package_path(ll_buf *out, const char *pipeline_dir, ll_package_state state,
		     const char *load_id);

/** Appends the path of a job's file inside the package directory. */
void ll_package_job_path(ll_buf *out, const char *package_dir, const ll_package_job *job);

/**
 * Appends the file name (in jobs/) of the job whose table and file id are
 * "<table>.<file_id>" (stem, len bytes): a hash of it, so the name is short
 * and stable whatever the table's name.
 */
void ll_package_job_file_name(ll_buf *out, const char *stem, size_t len);

/** Creates an empty package (with jobs/) in extracting/. */
ll_status ll_package_create(const char *pipeline_dir, const char *load_id, ll_buf *dir,
			    ll_error *err);

/** Writes manifest.json atomically. */
ll_status ll_package_write_manifest(const char *package_dir, const ll_package_manifest *m,
				    ll_error *err);
ll_status ll_package_read_manifest(const char *package_dir, ll_package_manifest *m, ll_error *err);

/**
 * fsyncs every job file m names, jobs/ and the package directory: what the
 * package's move to normalized/ makes reachable besides the files written
 * with ll_fs_write_atomic. Inside a batch (util/fs_batch.h) the syncs are
 * only noted, to run together at the batch's end.
 */
ll_status ll_package_sync_jobs(const char *package_dir, const ll_package_manifest *m,
			       ll_error *err);

/** Moves a package to another state (directory rename, fsynced). */
ll_status ll_package_move(const char *pipeline_dir, const char *load_id, ll_package_state from,
			  ll_package_state to, ll_error *err);

/** Lists the load ids in a state, oldest first. */
ll_status ll_package_list(const char *pipeline_dir, ll_package_state state, char ***ids,
			  size_t *n, ll_error *err);

/**
 * Moves a package that failed for good from `from` to failed/, with
 * reason.txt holding reason.
 */
ll_status ll_package_fail(const char *pipeline_dir, const char *load_id, ll_package_state from,
			  const char *reason, ll_error *err);

/** Reads a failed package's reason into out (empty when it has none). */
void ll_package_failure_reason(const char *package_dir, ll_buf *out);

/** Discards packages left in extracting/ by an interrupted run. */
ll_status ll_package_discard_incomplete(const char *pipeline_dir, size_t *discarded,
					ll_error *err);

#endif
