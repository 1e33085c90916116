/*
 * pipeline.toml: the pipeline `lakeload run` runs, read into a plan.
 *
 * Layout (names follow dlt's rest_api and filesystem sources where they
 * have an equivalent):
 *
 *   [pipeline]   name, dataset_name (required), destination (athena | local)
 *   [source]     kind (filesystem, the default, or rest_api), name (its
 *                settings and secrets are [sources.<name>] in .dlt; default
 *                the kind) and, for REST, how requests are made: base_url,
 *                timeout (seconds), headers, auth = { type = bearer |
 *                api_key | http_basic, name, location = header | query }
 *                (the secrets token, api_key, username, password come from
 *                [sources.<name>] of .dlt/secrets.toml or the environment,
 *                never from this file), paginator (below)
 *   [[resources]] name (required), table_name, write_disposition,
 *                primary_key, merge_key, table_format, partition, columns
 *                (NAME = "TYPE" or NAME = { data_type, precision, scale,
 *                nullable }), files = { bucket_url, file_glob, format },
 *                incremental = { cursor_path, initial_value, start_param },
 *                endpoint = { path, params, data_selector, paginator }
 *                (REST; a path with {resources.<parent>.<field>} makes a
 *                dependent resource: one request per record of the parent)
 *
 * Paginators, as dlt's: { type = "json_link", next_url_path = "next" },
 * { type = "header_link" }, { type = "offset", limit, offset_param,
 * limit_param, total_path }, { type = "page_number", base_page, page_param,
 * total_path }, { type = "cursor", cursor_path, cursor_param },
 * { type = "single_page" }.
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
	const char *start_param;           /* REST: the query parameter given the start value */
} ll_plan_incremental;

typedef enum ll_page_kind {
	LL_PAGE_SINGLE = 0,
	LL_PAGE_JSON_LINK,
	LL_PAGE_HEADER_LINK,
	LL_PAGE_OFFSET,
	LL_PAGE_NUMBER,
	LL_PAGE_CURSOR,
} ll_page_kind;

typedef struct ll_plan_paginator {
	ll_page_kind kind;
	const char *next_url_path;  /* json_link */
	const char *offset_param, *limit_param;
	int64_t limit;              /* offset */
	const char *page_param;
	int64_t base_page;          /* page_number */
	const char *total_path;     /* offset, page_number; NULL: stop at an empty page */
	const char *cursor_path, *cursor_param; /* cursor */
} ll_plan_paginator;

typedef struct ll_plan_endpoint {
	const char *path;
	const ll_toml_value *params; /* a table of strings, numbers and booleans; may be NULL */
	const char *data_selector;   /* dotted path; NULL: the body, or its only list */
	bool has_paginator;
	ll_plan_paginator paginator; /* when has_paginator; else the source's */
	/* a dependent resource: path holds {resources.<parent>.<parent_field>}, filled from
	 * each record of the parent resource; NULL otherwise */
	const char *parent, *parent_field;
} ll_plan_endpoint;

typedef struct ll_plan_rest {
	const char *base_url;   /* may be overridden by sources.<name>.base_url */
	long timeout_s;
	const ll_toml_value *headers;
	const char *auth_type;  /* NULL, bearer, api_key or http_basic */
	const char *auth_name;  /* api_key: the header or parameter name */
	bool auth_in_query;     /* api_key location = "query" */
	ll_plan_paginator paginator;
} ll_plan_rest;

typedef struct ll_plan_resource {
	const char *name;
	ll_resource hints; /* table, disposition, keys, format, partition, columns */
	bool has_files;
	ll_plan_files files;
	bool incremental;
	ll_plan_incremental incr;
	bool has_endpoint;
	ll_plan_endpoint endpoint;
	uint64_t line; /* where the resource is declared */
} ll_plan_resource;

struct ll_pipeline_file {
	ll_arena arena;
	const char *path;
	const char *dir; /* the folder of pipeline.toml */
	const char *name;
	const char *dataset;
	const char *dataset_normalized;
	const char *destination;
	const char *source_kind;
	const char *source_name;
	ll_plan_rest rest;
	ll_plan_resource *resources;
	size_t nresources;
};

#endif
