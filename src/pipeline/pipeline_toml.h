/*
 * pipeline.toml: the pipeline `lakeload run` runs, read into a plan.
 *
 * Layout (names follow dlt's rest_api and filesystem sources where they
 * have an equivalent):
 *
 *   [pipeline]   name, dataset_name (required), destination (athena | local)
 *   [source]     kind (filesystem, the default, rest_api or chess) and, for
 *                REST, how requests are made
 *   [[resources]] name (required), table_name, write_disposition,
 *                primary_key, merge_key, table_format, partition, columns
 *                (NAME = "TYPE" or NAME = { data_type, precision, scale,
 *                nullable }), files = { bucket_url, file_glob, format },
 *                incremental = { cursor_path, initial_value }
 *
 * Every key is checked: an unknown key, a key of the wrong type or a missing
 * required one is LL_EINVAL with the file and the line of the key (or of its
 * table) in the error. The plan keeps the parsed document in its arena;
 * strings point into it.
 */
#ifndef LL_PIPELINE_PIPELINE_TOML_H
#define LL_PIPELINE_PIPELINE_TOML_H

#include "config/toml.h"
#include "lakeload.h"
#include "util/arena.h"

typedef enum ll_file_format {
	LL_FILE_AUTO = 0, /* by extension: .csv (also .csv.gz) is CSV, anything else JSON */
	LL_FILE_JSON,     /* NDJSON, a JSON array or one object; gzip detected */
	LL_FILE_CSV,      /* a header row, then one record per row */
} ll_file_format;

typedef struct ll_plan_files {
	const char *bucket_url; /* a folder; relative to pipeline.toml's folder */
	const char **globs;
	size_t nglobs;
	ll_file_format format;
} ll_plan_files;

typedef struct ll_plan_incremental {
	const char *cursor_path;           /* a dotted path into a record */
	const ll_toml_value *initial_value; /* NULL: every record is new on the first run */
} ll_plan_incremental;

typedef struct ll_plan_resource {
	const char *name;
	ll_resource hints; /* table, disposition, keys, format, partition, columns */
	bool has_files;
	ll_plan_files files;
	bool incremental;
	ll_plan_incremental incr;
	uint64_t line; /* where the resource is declared */
} ll_plan_resource;

struct ll_pipeline_file {
	ll_arena arena;
	const char *path;
	const char *dir; /* the folder of pipeline.toml */
	const char *name;
	const char *dataset;
	const char *destination;
	const char *source_kind;
	ll_plan_resource *resources;
	size_t nresources;
};

#endif
