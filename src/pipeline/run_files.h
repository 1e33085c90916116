/*
 * The files source of `lakeload run`: which files a resource reads, and
 * their records (JSON through the JSON reader, CSV through csv.h).
 */
#ifndef LL_PIPELINE_RUN_FILES_H
#define LL_PIPELINE_RUN_FILES_H

#include "pipeline/pipeline_internal.h"
#include "pipeline/pipeline_toml.h"

/**
 * The files a resource's globs match, under its bucket_url (relative to
 * dir, the folder of pipeline.toml), sorted, each once; folders skipped.
 * *n may be 0. Free with ll_fs_free_list.
 */
ll_status ll_run_files_match(const char *dir, const ll_plan_files *files, char ***out, size_t *n,
			     ll_error *err);

/** An open file of a resource and its record source. */
typedef struct ll_run_file ll_run_file;

/** Opens path as format says (auto: .csv / .csv.gz is CSV, the rest JSON). */
ll_status ll_run_file_open(const char *path, ll_file_format format, ll_run_file **out,
			   ll_record_source **src, ll_error *err);
void ll_run_file_close(ll_run_file *f);

/** The file's input, for progress (bytes read). */
const ll_input *ll_run_file_input(const ll_run_file *f);

#endif
