/*
 * lakeload: load JSON records into a data lake of Parquet files and Iceberg
 * tables, registered in a catalog and queryable with SQL.
 *
 * This header is the whole public API. Every function that can fail returns
 * an ll_status (LL_OK is zero, failures are negative) and fills the ll_error
 * the caller passes, which says what happened, where in the input it happened
 * (file, line, column, table, column name) and what to do about it. The
 * library never prints and never exits; messages reach the caller through
 * ll_error and the optional log callback.
 *
 * Ownership: objects returned through an `out` parameter belong to the caller
 * and are released with the matching ll_<noun>_free. Strings a function
 * returns as `const char *` are borrowed from the object they came from.
 */
#ifndef LAKELOAD_H
#define LAKELOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LL_VERSION "0.1.0"

/** Result of every fallible call. */
typedef enum ll_status {
	LL_OK = 0,
	LL_EINVAL = -1,       /**< bad argument, option or configuration */
	LL_EIO = -2,          /**< reading or writing a file or object failed */
	LL_ENOMEM = -3,       /**< out of memory */
	LL_EFORMAT = -4,      /**< malformed input: JSON, Parquet, metadata */
	LL_ESCHEMA = -5,      /**< the data does not fit the schema rules */
	LL_ECONFLICT = -6,    /**< a concurrent change won; reload and retry */
	LL_ENOTFOUND = -7,    /**< a table, dataset, file or key does not exist */
	LL_EUNSUPPORTED = -8, /**< valid, but not something lakeload does */
	LL_ETERMINAL = -9,    /**< a job failed permanently; retrying won't help */
	LL_ESQL = -10,        /**< a query failed */
	LL_EAUTH = -11,       /**< credentials missing or rejected */
} ll_status;

/**
 * Details of the last failure. Callers own it (usually on the stack); the
 * library fills it. Location fields are empty or zero when they don't apply.
 */
typedef struct ll_error {
	ll_status code;
	char message[1024];
	char file[512];   /**< input file the failure is about */
	uint64_t line;    /**< 1-based line in that file, 0 if unknown */
	uint64_t column;  /**< 1-based column (byte) in that line, 0 if unknown */
	char table[256];  /**< table the failure is about */
	char column_name[256];
} ll_error;

/** Resets an error to LL_OK with no message. */
void ll_error_clear(ll_error *err);

/**
 * Writes "file:line:column: message (table T, column C)" into buf, leaving
 * out the parts that are empty. Returns buf.
 */
const char *ll_error_format(const ll_error *err, char *buf, size_t size);

/** A short name for a status ("invalid argument", "malformed input", ...). */
const char *ll_status_name(ll_status status);

/** Column data types, as dlt names them. */
typedef enum ll_data_type {
	LL_TYPE_TEXT = 0,
	LL_TYPE_BIGINT,
	LL_TYPE_DOUBLE,
	LL_TYPE_BOOL,
	LL_TYPE_TIMESTAMP, /**< UTC instant, microseconds since the epoch */
	LL_TYPE_DATE,      /**< days since 1970-01-01 */
	LL_TYPE_TIME,      /**< time of day; not loadable into Athena tables */
	LL_TYPE_DECIMAL,   /**< precision and scale kept with the column */
	LL_TYPE_BINARY,
	LL_TYPE_JSON,      /**< nested value kept as JSON text */
	LL_TYPE_COUNT_
} ll_data_type;

/** dlt's name of a type ("text", "bigint", ...). */
const char *ll_data_type_name(ll_data_type type);

/** Parses a dlt type name; returns false when the name is unknown. */
bool ll_data_type_parse(const char *name, ll_data_type *out);

typedef enum ll_write_disposition {
	LL_WRITE_APPEND = 0,
	LL_WRITE_REPLACE,
	LL_WRITE_MERGE,
} ll_write_disposition;

/**
 * dlt's type detections for strings that start a new column (dlt's schema
 * setting `detections`). dlt's default is ISO timestamps only: a date-only
 * string ("1975-05-21") stays text unless LL_DETECT_ISO_DATE is set.
 */
typedef enum ll_detection {
	LL_DETECT_ISO_TIMESTAMP = 1, /**< "iso_timestamp": date-times become timestamp */
	LL_DETECT_ISO_DATE = 2,      /**< "iso_date": dates without a time become date */
	LL_DETECT_NONE = 4,          /**< alone: no detection, every string is text */
} ll_detection;

#define LL_DETECT_DEFAULT LL_DETECT_ISO_TIMESTAMP

/** "iso_timestamp" or "timestamp", "iso_date" or "date" (dlt's names and short ones). */
bool ll_detection_parse(const char *name, ll_detection *out);

const char *ll_write_disposition_name(ll_write_disposition disposition);
bool ll_write_disposition_parse(const char *name, ll_write_disposition *out);

typedef enum ll_table_format {
	LL_FORMAT_HIVE = 0, /**< plain Parquet files listed in the catalog */
	LL_FORMAT_ICEBERG,
} ll_table_format;

const char *ll_table_format_name(ll_table_format format);
bool ll_table_format_parse(const char *name, ll_table_format *out);

typedef enum ll_log_level {
	LL_LOG_DEBUG = 0,
	LL_LOG_INFO,
	LL_LOG_WARN,
	LL_LOG_ERROR,
} ll_log_level;

/** Receives log lines; msg is borrowed for the duration of the call. */
typedef void (*ll_log_fn)(void *user, ll_log_level level, const char *msg);

/** Kind of a query result cell (SQLite's storage classes). */
typedef enum ll_cell_kind {
	LL_CELL_NULL = 0,
	LL_CELL_INT,
	LL_CELL_REAL,
	LL_CELL_TEXT,
	LL_CELL_BLOB,
} ll_cell_kind;

/** One value of a query result; s/len are borrowed for the callback. */
typedef struct ll_cell {
	ll_cell_kind kind;
	int64_t i;
	double d;
	const char *s;
	size_t len;
} ll_cell;

/**
 * Receives one result row. names and cells are borrowed for the call.
 * Return 0 to continue, non-zero to stop the query early.
 */
typedef int (*ll_row_fn)(void *user, size_t ncols, const char *const *names, const ll_cell *cells);

/** How query results are printed. */
typedef enum ll_result_format {
	LL_RESULT_TABLE = 0, /**< aligned columns with a header, for people */
	LL_RESULT_CSV,       /**< RFC 4180, header line first */
	LL_RESULT_JSON,      /**< a JSON array of objects */
	LL_RESULT_TABLE_WIDE, /**< TABLE without cutting cells wider than 60 terminal cells */
} ll_result_format;

/* ---------------------------------------------------------------------
 * Pipelines: load records into a lake
 * ------------------------------------------------------------------ */

/**
 * A pipeline loads records into one dataset of a lake and remembers, in its
 * working directory (<home>/pipelines/<name>/), its schema, its state and the
 * load packages in flight. Only one process uses a pipeline at a time; a
 * second one gets LL_ECONFLICT.
 */
typedef struct ll_pipeline ll_pipeline;

/**
 * How to reach S3 for a lake at s3://bucket/prefix. Strings are borrowed for
 * the call they are passed to. The library never logs or stores the secret
 * and the session token, and never puts them in an error message.
 */
typedef struct ll_s3_options {
	const char *endpoint_url;      /**< NULL: https://s3.<region>.amazonaws.com */
	const char *region;            /**< NULL: us-east-1 */
	const char *access_key_id;     /**< required for an s3:// lake */
	const char *secret_access_key; /**< required for an s3:// lake */
	const char *session_token;     /**< temporary credentials; NULL: none */
	/** Always endpoint/bucket/key; false: that only with endpoint_url, else bucket.endpoint/key. */
	bool path_style;
	/**
	 * Renews temporary credentials (a role, web identity, a credential
	 * process, container or instance metadata) before they expire, so a long
	 * load never signs with expired keys: set by ll_config_resolve_lake and
	 * owned by its configuration. NULL: the keys above.
	 */
	struct ll_aws_provider *credentials_provider;
} ll_s3_options;

/** How far a load has read, for a progress display. */
typedef struct ll_progress {
	const char *source;   /**< what is being read (a file, a URL) */
	uint64_t records;     /**< records read by this load so far */
	uint64_t bytes;       /**< bytes of the current input read (compressed, for gzip); 0: unknown */
	uint64_t total_bytes; /**< the current input's size; 0: unknown */
	double seconds;       /**< since the load began */
	bool done;            /**< the load has read everything: the last call for it */
} ll_progress;

/** Called about ten times a second while a load reads, and once when it has read everything. */
typedef void (*ll_progress_fn)(void *user, const ll_progress *progress);

/**
 * The athena destination: tables registered in the AWS Glue Data Catalog and
 * SQL run by Athena (dlt's athena destination). Strings are borrowed for the
 * call they are passed to. Glue's and Athena's endpoints: the environment's
 * AWS_ENDPOINT_URL_GLUE / AWS_ENDPOINT_URL_ATHENA, then AWS_ENDPOINT_URL,
 * then endpoint_url, else AWS's regional endpoints.
 */
typedef struct ll_athena_options {
	const char *endpoint_url;        /**< the configured endpoint_url; NULL: none */
	const char *region;              /**< NULL: us-east-1 */
	const char *access_key_id;       /**< required */
	const char *secret_access_key;   /**< required */
	const char *session_token;       /**< temporary credentials; NULL: none */
	/** dlt's aws_data_catalog: NULL or "awsdatacatalog" (the account's own), or an account id. */
	const char *data_catalog;
	const char *query_result_bucket; /**< where Athena writes results (s3://...); NULL: the work group's */
	const char *work_group;          /**< NULL: primary */
	/** Renews temporary credentials for every call (see ll_s3_options); NULL: the keys above. */
	struct ll_aws_provider *credentials_provider;
} ll_athena_options;

typedef struct ll_pipeline_options {
	const char *name;    /**< NULL: the dataset name */
	const char *dataset; /**< required; normalized to snake_case */
	/** A directory or s3://bucket/prefix; NULL: the pipeline's last lake, else "lake". */
	const char *lake;
	const char *home;    /**< NULL: $LAKELOAD_HOME, else ~/.lakeload */
	const char *codec;   /**< Parquet codec: snappy (default), zstd, gzip, none */
	const char *layout;  /**< filename layout; NULL: {table_name}/{load_id}.{file_id}.{ext} */
	ll_log_fn log;       /**< NULL: no log */
	void *log_user;
	ll_log_level log_level;
	/** Every table is Iceberg, whatever its resource says (dlt's force_iceberg). */
	bool force_iceberg;
	/** Credentials and endpoint for an s3:// lake; NULL for a local lake. */
	const ll_s3_options *s3;
	/**
	 * The catalog file; NULL: <lake>/catalog.db for a local lake, else
	 * <home>/catalogs/<bucket>/<prefix>/catalog.db (S3 has no atomic
	 * compare-and-swap for a catalog to live there). Every pipeline and query
	 * of a lake must use the same catalog. Unused with athena.
	 */
	const char *catalog;
	ll_progress_fn progress; /**< NULL: none */
	void *progress_user;
	/** The athena destination (the Glue catalog); NULL: local (the SQLite catalog). */
	const ll_athena_options *athena;
	/**
	 * Threads that parse and normalize an input of JSON objects (NDJSON),
	 * cut into pieces at record boundaries; 0: one per processor, at most 8.
	 * The tables, rows and `_dlt_id`s are the same for every count.
	 */
	unsigned threads;
	/** Size of those pieces in bytes; 0: 4 MiB. */
	size_t piece_bytes;
	/**
	 * After a merge into an Iceberg table, the table (and each child table)
	 * holding more live delete files than this is compacted in a snapshot of
	 * its own, as ll_lake_optimize does for files with deletes; a failure of
	 * that is logged as a warning and leaves the load as it is. 0:
	 * LL_COMPACT_AFTER_DELETE_FILES; LL_COMPACT_NEVER: never.
	 */
	int64_t compact_after_delete_files;
} ll_pipeline_options;

/** The default of ll_pipeline_options.compact_after_delete_files. */
#define LL_COMPACT_AFTER_DELETE_FILES 16
/** ll_pipeline_options.compact_after_delete_files: merges never compact. */
#define LL_COMPACT_NEVER (-1)

ll_status ll_pipeline_open(ll_pipeline **out, const ll_pipeline_options *opt, ll_error *err);
void ll_pipeline_free(ll_pipeline *p);

/** A column hint: the column gets this type instead of an inferred one. */
typedef struct ll_column_hint {
	const char *name;
	ll_data_type type;
	int precision, scale; /**< decimal; 0: (38, 9) */
	bool nullable;
} ll_column_hint;

/** What the records are and how they are written (dlt's resource hints). */
typedef struct ll_resource {
	const char *table; /**< root table name; normalized to snake_case */
	ll_write_disposition write_disposition;
	ll_table_format table_format;
	const char *const *primary_key;
	size_t nprimary_key;
	const char *const *merge_key;
	size_t nmerge_key;
	const ll_column_hint *columns;
	size_t ncolumns;
	/**
	 * Partition expressions of an Iceberg table, as in Athena's PARTITIONED
	 * BY: "category", "month(created_at)", "bucket(16, user_id)",
	 * "truncate(4, name)", year/day/hour(...). They shape a new table; an
	 * existing table keeps its partition spec.
	 */
	const char *const *partition;
	size_t npartition;
	/** ll_detection flags for new columns; 0: LL_DETECT_DEFAULT (timestamps only). */
	unsigned detections;
	/**
	 * dlt's max_table_nesting: how many levels of nested objects and lists
	 * become columns and child tables; deeper values stay whole in a json
	 * column. 0: unset (1000 levels, as dlt); LL_TABLE_NESTING_NONE: dlt's 0,
	 * every nested value stays json in the root table.
	 */
	int max_table_nesting;
} ll_resource;

/** ll_resource.max_table_nesting for dlt's max_table_nesting = 0. */
#define LL_TABLE_NESTING_NONE (-1)

/** What a load did. */
typedef struct ll_load_info {
	char load_id[32];
	uint64_t records;      /**< records read (rows of the root table) */
	uint64_t rows;         /**< rows written to all data tables */
	uint64_t files;        /**< data files written */
	size_t tables;         /**< data tables written */
	size_t resumed;        /**< interrupted loads this call finished first */
	bool already_loaded;   /**< the input was loaded by an interrupted run finished now */
} ll_load_info;

/**
 * Loads a file ("-": standard input; gzip detected) of NDJSON, a JSON array
 * or one JSON object. First finishes loads an earlier run left behind; if one
 * of them was this same file (same path, size and modification time, same
 * table), the file is not loaded again and info->already_loaded is set. On a
 * malformed record nothing of this load becomes visible.
 */
ll_status ll_pipeline_load_file(ll_pipeline *p, const char *path, const ll_resource *res,
				ll_load_info *info, ll_error *err);

/**
 * Finishes loads an interrupted run left behind, each with the options it
 * was made with. One that fails for good (a terminal or schema error) is
 * moved to the pipeline's load/failed/ with its reason, logged as an error
 * once, and does not stop the others.
 */
ll_status ll_pipeline_resume(ll_pipeline *p, size_t *resumed, ll_error *err);

/** A load fed with records from memory. */
typedef struct ll_load ll_load;

ll_status ll_pipeline_begin_load(ll_pipeline *p, const ll_resource *res, ll_load **out,
				 ll_error *err);

/** Adds records: JSON text holding one or more values (NDJSON or an array). */
ll_status ll_load_push_json(ll_load *load, const char *json, size_t len, ll_error *err);

/** Commits everything pushed as one load and frees the load. */
ll_status ll_load_commit(ll_load *load, ll_load_info *info, ll_error *err);

/** Discards everything pushed and frees the load. */
void ll_load_abort(ll_load *load);

/* ---------------------------------------------------------------------
 * Pipelines declared in a file: pipeline.toml, run by `lakeload run`
 * ------------------------------------------------------------------ */

/** A pipeline.toml read and checked: its pipeline, source and resources. */
typedef struct ll_pipeline_file ll_pipeline_file;

/**
 * Reads and checks a pipeline file. Anything the user must fix in it (not
 * TOML, an unknown key, a missing required one, a value of the wrong kind)
 * is LL_EINVAL with the file, line and column of the key in err; a missing
 * file is LL_ENOTFOUND.
 */
ll_status ll_pipeline_file_read(const char *path, ll_pipeline_file **out, ll_error *err);
void ll_pipeline_file_free(ll_pipeline_file *f);

/**
 * What a pipeline file declares: its pipeline name (NULL when not set), its
 * dataset (normalized, as tables are named) and destination ("athena",
 * "local", or NULL when not set). Strings live as long as f.
 */
void ll_pipeline_file_describe(const ll_pipeline_file *f, const char **name, const char **dataset,
			       const char **destination);

/**
 * Prints the settings its source reads from [sources.<name>] of .dlt
 * (config_dir, NULL: ./.dlt) or SOURCES__<NAME>__<KEY>, one
 * "sources.<name>.<key> = value  (origin)" line each, "(unset)" when
 * nothing sets it, secrets as "****"; nothing for a files source.
 */
ll_status ll_pipeline_file_show_config(const ll_pipeline_file *f, const char *config_dir,
				       FILE *out, ll_error *err);

/** LL_EINVAL listing the resources when the file declares none named name. */
ll_status ll_pipeline_file_check_resource(const ll_pipeline_file *f, const char *name,
					  ll_error *err);

/** What one resource's load did, for a caller to report. */
typedef void (*ll_run_report_fn)(void *user, const char *resource, const char *dataset,
				 const char *table, const ll_load_info *info);

typedef struct ll_run_options {
	const char *resource;  /**< run only this resource; NULL: every one */
	const char *lake;      /**< as in ll_pipeline_options */
	const ll_s3_options *s3;
	const char *home;
	/** Where the sources' settings and secrets are ([sources.<name>]); NULL: ./.dlt */
	const char *config_dir;
	bool force_iceberg;
	int64_t compact_after_delete_files; /**< as in ll_pipeline_options */
	ll_log_fn log;
	void *log_user;
	ll_log_level log_level;
	ll_run_report_fn report; /**< NULL: no report */
	void *report_user;
	ll_progress_fn progress; /**< NULL: none */
	void *progress_user;
	unsigned threads; /**< as ll_pipeline_options.threads */
} ll_run_options;

/**
 * Runs a pipeline file: finishes loads an interrupted run left, then
 * extracts each resource into one load, and loads them in resource order
 * once every resource was extracted: when one fails, nothing of the run
 * becomes visible and the error is that resource's. An incremental
 * resource loads only records whose cursor is past the last value the
 * pipeline state keeps, and moves that value when its load lands. A
 * resource whose input was loaded by the interrupted run just finished is
 * not loaded again. An unknown resource name is LL_EINVAL.
 */
ll_status ll_pipeline_file_run(const ll_pipeline_file *f, const ll_run_options *opt, ll_error *err);

/* ---------------------------------------------------------------------
 * Configuration (dlt's .dlt/config.toml, .dlt/secrets.toml, environment)
 * ------------------------------------------------------------------ */

typedef struct ll_config ll_config;

/**
 * Reads dir/config.toml and dir/secrets.toml (dir NULL: ./.dlt; missing
 * files are fine) and the environment, later sources winning. Unknown keys
 * under [destination...] are warned about through log, with the nearest
 * known one. A file that is not TOML is LL_EFORMAT naming file:line:column.
 */
ll_status ll_config_load(ll_config **out, const char *dir, ll_log_fn log, void *log_user,
			 ll_error *err);
void ll_config_free(ll_config *c);

/** Sets a known key from a command-line flag; origin says which ("flag --region"). */
ll_status ll_config_set(ll_config *c, const char *key, const char *value, const char *origin,
			ll_error *err);

/** A key's value ("destination.filesystem.bucket_url"), or NULL. *origin may be NULL. */
const char *ll_config_get(const ll_config *c, const char *key, const char **origin);

/**
 * The lake to use and how to reach it: lake is the --lake flag or NULL
 * (then destination.filesystem.bucket_url, else "lake"). For an s3:// lake
 * the AWS credential chain runs (explicit keys, AWS_* environment,
 * ~/.aws/credentials and ~/.aws/config with profile_name, AWS_PROFILE or
 * default) and *s3 is filled; without credentials it is LL_EAUTH listing
 * every place looked at. For a local lake *use_s3 is false. Strings stay
 * owned by the config.
 */
ll_status ll_config_resolve_lake(ll_config *c, const char *lake, const char **lake_out,
				 ll_s3_options *s3, bool *use_s3, ll_error *err);

/**
 * LL_EINVAL naming the first unknown key under a known [destination.*]
 * section of the files (a misspelt bucket_url, say) and the nearest known
 * key; LL_OK when there is none. ll_config_load only warns about such keys.
 */
ll_status ll_config_check_destination_keys(const ll_config *c, ll_error *err);

/**
 * Which destination to use: flag (--destination; NULL: none) wins, then
 * pipeline.destination (env PIPELINE__DESTINATION), else local. *athena is
 * set for "athena"; any other value than local or athena is LL_EINVAL.
 */
ll_status ll_config_destination(const ll_config *c, const char *flag, bool *athena, ll_error *err);

/**
 * The athena destination's settings: credentials and region from s3 (as
 * ll_config_resolve_lake resolved them for the lake), the configured
 * endpoint_url, aws_data_catalog, query_result_bucket and
 * athena_work_group. Without s3 (a local lake) LL_EINVAL: Athena reads
 * tables from S3. Strings stay owned by c and s3.
 */
ll_status ll_config_athena_options(const ll_config *c, const ll_s3_options *s3,
				   ll_athena_options *out, ll_error *err);

/** destination.athena.force_iceberg as a boolean (false when unset). */
bool ll_config_force_iceberg(const ll_config *c);

/**
 * load.compact_after_delete_files (env LOAD__COMPACT_AFTER_DELETE_FILES)
 * as ll_pipeline_options.compact_after_delete_files takes it: 0 when unset,
 * LL_COMPACT_NEVER when set to 0. Anything but a whole number >= 0 is
 * LL_EINVAL naming where it was set.
 */
ll_status ll_config_compact_after_delete_files(const ll_config *c, int64_t *out, ll_error *err);

/**
 * Prints every setting with where it came from, secrets masked, and what
 * the credential chain finds for an s3:// lake (lake as for resolve).
 */
ll_status ll_config_show(ll_config *c, const char *lake, FILE *out, ll_error *err);

/** ll_config_show listing every key lakeload reads, those nothing sets as "(unset)". */
ll_status ll_config_show_all(ll_config *c, const char *lake, FILE *out, ll_error *err);

/* ---------------------------------------------------------------------
 * Lakes: query and inspect
 * ------------------------------------------------------------------ */

/** Which lake a query reads, and how to reach it. */
typedef struct ll_lake_options {
	const char *lake;        /**< a directory or s3://bucket/prefix; required */
	const ll_s3_options *s3; /**< for an s3:// lake; NULL for a local lake */
	/** The catalog file; NULL: <lake>/catalog.db, or for an S3 lake under home. */
	const char *catalog;
	const char *home;        /**< NULL: $LAKELOAD_HOME, else ~/.lakeload */
	/**
	 * The athena destination: the Glue catalog, and Athena runs queries;
	 * NULL: local (the SQLite catalog and the embedded engine).
	 */
	const ll_athena_options *athena;
	/** With athena: the database queries run in (Athena's QueryExecutionContext); NULL: none. */
	const char *dataset;
	/** With athena: run queries on the embedded engine over the Glue tables instead. */
	bool embedded_engine;
} ll_lake_options;

/** Runs SQL over the lake; tables are named <dataset>.<table>. */
ll_status ll_lake_query(const char *lake, const char *sql, ll_row_fn fn, void *user,
			ll_error *err);

/** Runs SQL and prints the result to out in the given format. */
ll_status ll_lake_query_print(const char *lake, const char *sql, ll_result_format format,
			      FILE *out, ll_error *err);

/** ll_lake_query on a lake named by options (an S3 lake, a catalog elsewhere). */
ll_status ll_lake_query_opts(const ll_lake_options *opt, const char *sql, ll_row_fn fn,
			     void *user, ll_error *err);

/**
 * Stops the query running in this process (athena: StopQueryExecution);
 * safe to call from a signal handler, for Ctrl-C.
 */
void ll_lake_query_cancel(void);

/** ll_lake_query_print on a lake named by options. */
ll_status ll_lake_query_print_opts(const ll_lake_options *opt, const char *sql,
				   ll_result_format format, FILE *out, ll_error *err);

/** The SQL dialect a query is written in. */
typedef enum ll_sql_dialect {
	LL_DIALECT_SQLITE = 0, /**< what the lake query functions run */
	LL_DIALECT_ATHENA,     /**< Athena's (Trino's), as dbt and dlt users write it */
} ll_sql_dialect;

/** Parses "sqlite" or "athena"; returns false when the name is unknown. */
bool ll_sql_dialect_parse(const char *name, ll_sql_dialect *out);

/**
 * Translates a query (SELECT, WITH or VALUES) from a dialect into the
 * SQLite the lake query functions run; a bare table name belongs to
 * database (NULL: bare names are left alone). *out is the new text, for
 * the caller to free(). A construct SQLite cannot run (arrays, maps,
 * lambdas, INTERVAL, regexp functions) is LL_EUNSUPPORTED naming it and
 * its line:column.
 */
ll_status ll_sql_translate(ll_sql_dialect dialect, const char *sql, const char *database,
			   char **out, ll_error *err);

/**
 * Prints an Iceberg table's snapshots ("dataset.table"), oldest first: id,
 * time, operation, the rows it added and removed, the table's total rows
 * after it, and the load that made it.
 */
ll_status ll_lake_history_print(const ll_lake_options *opt, const char *table, FILE *out,
				ll_error *err);

/** What a delete removed. */
typedef struct ll_delete_info {
	uint64_t rows;       /**< rows removed from the table itself */
	uint64_t child_rows; /**< rows removed from its child tables */
	size_t tables;       /**< tables that got a new snapshot */
} ll_delete_info;

/**
 * Removes the rows of an Iceberg table ("dataset.table") matching a SQL
 * condition (as in WHERE, over the table's columns), and the rows of its
 * child tables that belong to them, as one snapshot per table (children
 * first). Rows are found by the embedded engine, so the condition may use
 * any SQL it takes. A hive table is LL_ENOTFOUND saying only Iceberg tables
 * delete rows.
 */
ll_status ll_lake_delete(const ll_lake_options *opt, const char *table, const char *where,
			 ll_delete_info *info, ll_error *err);

/** What a vacuum did. */
typedef struct ll_vacuum_info {
	size_t snapshots_expired;
	size_t files_removed;
	size_t kept_young;   /**< unreferenced files kept: younger than the cutoff */
} ll_vacuum_info;

/**
 * Expires an Iceberg table's snapshots older than older_than_ms (but the
 * last retain_last, at least 1, and the current one) in one commit, then
 * deletes the files under its metadata/ and data/ that neither a retained
 * snapshot nor the metadata log reaches, if older than the cutoff (a
 * concurrent writer may be about to commit a younger one): by the file's
 * mtime, or on S3 the object's LastModified (an object S3 gives no readable
 * LastModified for counts as new). A hive table is LL_ENOTFOUND.
 */
ll_status ll_lake_vacuum(const ll_lake_options *opt, const char *table, int64_t older_than_ms,
			 size_t retain_last, ll_vacuum_info *info, ll_error *err);

/** What an optimize did, over a table and its child tables. */
typedef struct ll_optimize_info {
	size_t tables;               /**< tables that got a new snapshot */
	size_t data_files_rewritten; /**< data files replaced */
	size_t delete_files_removed; /**< delete files that applied only to replaced files */
	size_t data_files_written;   /**< new data files */
	uint64_t rows;               /**< live rows moved into the new files */
} ll_optimize_info;

/** The file size ll_lake_optimize aims at when given 0: 128 MiB. */
#define LL_OPTIMIZE_TARGET_FILE_BYTES (128ull << 20)

/**
 * Compacts an Iceberg table ("dataset.table") and its child tables (the
 * Iceberg tables named "table__..."), children first, one "replace"
 * snapshot per table that changes: the data files written with the table's
 * partition spec that are smaller than target_file_bytes (0: 128 MiB) or
 * that delete files apply to are read with their deletes applied and
 * written again as files of about that size, each within its partition;
 * the delete files that no longer apply to anything go. A partition with
 * one such file and no deletes is left as it is. With where (a SQL
 * condition over the table's columns, as ll_lake_delete takes; NULL: all
 * files), only files holding a matching row are rewritten, and in child
 * tables with _dlt_root_id only files holding rows of those roots (others
 * are left alone). Nothing is deleted from storage: snapshots taken before
 * stay readable until ll_lake_vacuum expires them. A commit made
 * concurrently is kept; one that removed rows of the files being rewritten
 * makes the rewrite start over, and after three tries it is LL_ECONFLICT
 * with nothing of it committed. A hive table is LL_ENOTFOUND.
 */
ll_status ll_lake_optimize(const ll_lake_options *opt, const char *table, const char *where,
			   uint64_t target_file_bytes, ll_optimize_info *info, ll_error *err);

/**
 * Removes a table ("dataset.table") from the lake's catalog: its entry, and
 * for an Iceberg table its iceberg_tables row. The lake's files stay. For a
 * table whose files or metadata are gone: the next load creates it anew.
 * LL_ENOTFOUND when the catalog has no such table.
 */
ll_status ll_lake_drop_table(const ll_lake_options *opt, const char *table, ll_error *err);

/**
 * Prints one table of the lake's catalog ("dataset.table"): format,
 * location, columns, and a hive table's files or an Iceberg table's
 * metadata, partition fields and snapshots. With ddl, prints instead the
 * Athena DDL that defines the table (Hive's backtick quoting): CREATE
 * EXTERNAL TABLE ... STORED AS PARQUET LOCATION, or for an Iceberg table
 * CREATE TABLE ... PARTITIONED BY ... TBLPROPERTIES ('table_type'='ICEBERG').
 */
ll_status ll_lake_show_print(const ll_lake_options *opt, const char *table, bool ddl, FILE *out,
			     ll_error *err);

/**
 * Adopts an existing Iceberg table into the lake's catalog as "dataset.table":
 * the metadata file at location (any location the lake's storage reaches) is
 * read first, then the catalog points at it. A table registered at other
 * metadata is LL_ECONFLICT; at the same, nothing changes.
 */
ll_status ll_lake_register(const ll_lake_options *opt, const char *table, const char *location,
			   ll_error *err);

/**
 * Drops a pipeline's unfinished load packages (being extracted, or
 * normalized and not loaded), as dlt's drop-pending-packages, printing each
 * to out. Loaded and failed packages stay. pipeline NULL: the only pipeline
 * in home (LL_EINVAL when there are several). LL_ECONFLICT while a load of
 * the pipeline runs.
 */
ll_status ll_pipeline_drop_pending(const char *home, const char *pipeline, FILE *out,
				   ll_error *err);

/**
 * Prints what pipelines know: their dataset and lake, load packages and their
 * states (a failed one with its reason), tables with row counts. pipeline
 * NULL: every pipeline in home.
 */
ll_status ll_info_print(const char *home, const char *pipeline, FILE *out, ll_error *err);

/**
 * ll_info_print reading the Iceberg tables of an S3 lake with the
 * credentials config resolves for it (NULL: none; their counts show as ?).
 */
ll_status ll_info_print_config(const char *home, const char *pipeline, ll_config *config,
			       FILE *out, ll_error *err);

/**
 * What ll_info_print_config prints, as one JSON document: {"home",
 * "pipelines": [{"name", "working_dir", "dataset", "lake", "destination",
 * "loads": [{"load_id", "state", "source", "table", "write_disposition",
 * "records", "files", "reason"}], "tables": [{"dataset", "name", "rows",
 * "files", "columns", "format"}], "tables_error", "tables_note"}]}. Members
 * a pipeline does not know are left out; counts that are unknown are null.
 */
ll_status ll_info_print_json(const char *home, const char *pipeline, ll_config *config,
			     FILE *out, ll_error *err);

#ifdef __cplusplus
}
#endif

#endif
