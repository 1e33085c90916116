/*
 * Load packages: the unit of exactly-once loading.
 *
 * A package is a directory under <pipeline>/load/<state>/<load_id>/ holding
 * manifest.json (what the load is: dataset, root table, disposition, source
 * fingerprint, its job files), schema.json (the schema the files were written
 * with) and jobs/ (the Parquet files). A package moves between states only by
 * renaming its directory, which is atomic:
 *
 *   extracting/  being written; incomplete, so a crash here discards it
 *   normalized/  complete and durable; the next run loads it
 *   loaded/      committed to the catalog
 *
 * Everything inside a package is written and fsynced before the rename that
 * publishes it, so a package seen in normalized/ is always whole.
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
} ll_package_state;

const char *ll_package_state_name(ll_package_state state);

typedef struct ll_package_job {
	char *table;
	char *file_id;
	uint64_t rows;
	uint64_t bytes;
} ll_package_job;

typedef struct ll_package_manifest {
	char *load_id;
	char *pipeline;
	char *dataset;
	char *root_table;
	ll_write_disposition disposition;
	char *source;      /* input name, for people */
	char *fingerprint; /* identity of the input; empty when unknown (stdin) */
	uint64_t root_rows;
	char **tables;     /* every table in the root's tree, for replace */
	size_t ntables;
	ll_package_job *jobs;
	size_t njobs;
} ll_package_manifest;

void ll_package_manifest_free(ll_package_manifest *m);

/** Appends <pipeline_dir>/load/<state>/<load_id> to out. */
void ll_package_path(ll_buf *out, const char *pipeline_dir, ll_package_state state,
		     const char *load_id);

/** Appends the path of a job's file inside the package directory. */
void ll_package_job_path(ll_buf *out, const char *package_dir, const ll_package_job *job);

/** Creates an empty package (with jobs/) in extracting/. */
ll_status ll_package_create(const char *pipeline_dir, const char *load_id, ll_buf *dir,
			    ll_error *err);

/** Writes manifest.json atomically. */
ll_status ll_package_write_manifest(const char *package_dir, const ll_package_manifest *m,
				    ll_error *err);
ll_status ll_package_read_manifest(const char *package_dir, ll_package_manifest *m, ll_error *err);

/** Moves a package to another state (directory rename, fsynced). */
ll_status ll_package_move(const char *pipeline_dir, const char *load_id, ll_package_state from,
			  ll_package_state to, ll_error *err);

/** Lists the load ids in a state, oldest first. */
ll_status ll_package_list(const char *pipeline_dir, ll_package_state state, char ***ids,
			  size_t *n, ll_error *err);

/** Discards packages left in extracting/ by an interrupted run. */
ll_status ll_package_discard_incomplete(const char *pipeline_dir, size_t *discarded,
					ll_error *err);

#endif
