/*
 * ll_normalizer: dlt's relational normalizer, streaming.
 *
 * Records (JSON trees) go in one at a time; rows come out, one Parquet job
 * file per table (more when a table's file has to be split, see below), and
 * the schema evolves in place as new columns and tables appear. Nothing is
 * kept per record: the tree is read while it is walked, values are coerced
 * into a row buffer per table and handed to that table's writer, so memory
 * is bounded by the writers' buffers (the memory budget), the key cache and
 * the schema, never by the input.
 *
 * What a record becomes (dlt/common/normalizers/json/relational.py and the
 * jsonl item normalizer, matched rule by rule):
 *  - a record that is not an object is wrapped as {"value": x};
 *  - keys are normalized with dlt's snake_case as paths (ll_naming_
 *    normalize_path: "a__b" stays a path); an empty or blank key is "_empty";
 *  - nested objects flatten into the row with "__" (user__address__city); an
 *    empty object adds nothing. Columns (and lists) come in the order of
 *    dlt's _flatten stack: an object's scalars and lists in document order,
 *    then its nested objects, the last one first;
 *  - a list becomes rows of the child table <table>__<key>; objects in it
 *    are flattened, scalars go to column `value`, a list inside a list
 *    becomes a row of only link columns whose items go to <child>__list;
 *    empty lists add nothing, but an empty object or a null inside a list
 *    is still a row (of only link columns), as in dlt;
 *  - every row gets `_dlt_id` (ids.c), 14 characters of standard base64: a
 *    root row's is derived from load_id, the table name and the table's row
 *    counter, so a rerun of the same input gives the same ids; a child row's
 *    is dlt's digest of parent id, child table and list index. A record
 *    that brings its own non-empty `_dlt_id` keeps it, as in dlt. Root rows
 *    get `_dlt_load_id`; child rows get `_dlt_parent_id` and
 *    `_dlt_list_idx`, and `_dlt_root_id` where dlt propagates the root key:
 *    merge tables, and table trees that have a `_dlt_root_id` column
 *    already. Link columns are not nullable;
 *  - a null for a column that does not exist yet creates nothing; a null
 *    for an existing non-nullable column is LL_ESCHEMA;
 *  - a new column takes its type from the first non-null value: bool,
 *    bigint (integers that fit int64), decimal(38,0) for longer integers of
 *    up to 38 digits and text beyond, double, timestamp or date for strings
 *    the detections in the options accept (ll_detect_text_type; dlt's
 *    default types ISO timestamps only), text otherwise, json for nested
 *    values kept whole;
 *  - a value for an existing column is coerced the way dlt's coerce_value
 *    does (int -> double, "42" -> bigint, ISO string -> timestamp, number ->
 *    text as Python's str() writes it, so true -> "True", 1e16 -> "1e+16",
 *    ...); a value that cannot be coerced goes to the variant column
 *    <name>__v_<type of the value> (variant_of set), typed by inference; a
 *    value that fits neither is LL_ESCHEMA naming table and column;
 *  - a column of type json (a hint) receives nested values as compact JSON
 *    text instead of being flattened or made a child table; past dlt's
 *    max_nesting (1000 levels) nested values are kept as json too.
 *
 * Rules lakeload adds to dlt's:
 *  - two different source keys that normalize to the same column of a table
 *    ("userName" and "user_name", or "A" and "a", in one record or in
 *    different ones) are LL_ESCHEMA naming both keys and the table, at the
 *    record's file:line:column; two lists that normalize to the same child
 *    table likewise. dlt silently merges them;
 *  - a column of type time anywhere in the root's table tree fails at open
 *    with LL_ETERMINAL: Athena cannot read TIME from Parquet;
 *  - values into decimal columns must fit the column's precision and scale
 *    exactly (else the variant column), where dlt lets the writer fail; a
 *    double goes to decimal by its shortest round-trip text (0.1 is 0.1),
 *    not by its binary expansion;
 *  - integers that do not fit int64 never go into bigint columns, and
 *    timestamps must fall in years 1..9999 (else the variant column);
 *  - a child row that brings its own `_dlt_id` still gets `_dlt_parent_id`
 *    and `_dlt_list_idx` (dlt leaves them out, which breaks their not-null
 *    rule);
 *  - a string coerced into a date column takes the UTC date of a timestamp.
 *
 * Files: a table's file is opened at its first row with every column the
 * table has, and the column set grows with the schema through
 * ll_parquet_writer_add_column. Once a row group of the file is flushed the
 * writer refuses new columns (LL_ECONFLICT); the file is then closed and
 * the table continues in a new file with all columns. When the bytes
 * buffered across all open files exceed the memory budget, the largest
 * buffer is flushed as a row group. At most max_open_files files are open
 * at once, so records with very many lists cannot run out of file
 * descriptors: opening one more closes the file written to least recently
 * (its table continues in a new file when it gets rows again). Timestamps
 * are written in milliseconds for hive tables and microseconds for Iceberg
 * tables (the root table's format, which child tables inherit). Columns of Iceberg tables that have
 * no field id get the next free one, so data files carry field ids.
 *
 * Rows reach the files through an ll_row_sink: the Parquet writer normally
 * (ll_normalizer_open), any other implementation through
 * ll_normalizer_open_sink. The sink is the seam tests use to see rows
 * exactly as the writer would receive them, without depending on a Parquet
 * reader; it mirrors the writer's contract (add_column may refuse with
 * LL_ECONFLICT once a row group is out).
 *
 * Hot path: per record no allocation once the keys, tables and buffers
 * have been seen (per-record scratch lives in an arena that is reset). A
 * key resolves through a cache of (object position, raw key) -> column:
 * first by comparing it with the key that followed the same predecessor
 * last time (records of one source repeat their key order), else by hash.
 * snake_case runs once per distinct key, no path string is built for a
 * known key, and values whose JSON type matches the column's go into the
 * row without a conversion call.
 *
 * Errors: a failure about the data fills ll_error with the record's source,
 * line and column and the table and column it concerns; a failure of the
 * sink (I/O) keeps the sink's message and names the table. After a failure
 * the normalizer accepts nothing more; free it (which removes the files it
 * wrote).
 */
#ifndef LL_NORMALIZE_NORMALIZE_H
#define LL_NORMALIZE_NORMALIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/parquet/parquet_writer.h"
#include "json/json.h"
#include "lakeload.h"
#include "schema/schema.h"
#include "util/log.h"

typedef struct ll_normalize_options {
	const char *load_id; /* required: stamped into _dlt_load_id, seeds _dlt_id */
	/* the package's nonce (load/package.h); with load_id, seeds _dlt_id and file ids */
	uint64_t nonce;
	const char *out_dir; /* required: job files are written here (it must exist) */
	/* Codec, row group size, ...; timestamp_unit is chosen per table (see above). */
	ll_parquet_writer_options parquet;
	size_t memory_budget; /* bytes buffered across all open files; 0: 32 MiB */
	size_t max_open_files; /* files open at once; 0: 256 */
	int max_nesting;      /* levels flattened before values are kept as json; 0: 1000;
				 negative: none (everything nested is json) */
	unsigned detections;  /* ll_detection flags for strings of new columns; 0: LL_DETECT_DEFAULT */
	const ll_logger *logger; /* NULL: no log */
	/* Normalizers writing into one out_dir need different salts: it seeds the file ids. */
	uint32_t file_salt;
	/* The root table's primary and merge key columns, normalized names. dlt
	 * makes key columns not nullable: a root row without a value for one
	 * fails (LL_ESCHEMA), and a key column the data creates is not nullable. */
	const char *const *key_columns;
	size_t nkey_columns;
} ll_normalize_options;

/**
 * One value of a row as a sink receives it: the Parquet writer's value, so
 * the Parquet sink hands a row to ll_parquet_writer_write_row as it is.
 * `type` is the column's type and says which member is set: i for bigint,
 * timestamp (microseconds) and date (days); d for double; b for bool; s for
 * text, json and binary (borrowed until write_row returns); dec for decimal
 * (16-byte big-endian two's complement unscaled value, the column's scale
 * applies).
 */
typedef ll_parquet_value ll_row_value;

/**
 * Where rows go. A file is one output file of one table; every function but
 * open receives the file that open returned. write_row gets the non-null
 * values of one row (any order, each column at most once); columns not in
 * it are null. close finishes the file and reports its rows and size;
 * abort discards it. add_column returns LL_ECONFLICT when the file cannot
 * take a new column any more.
 */
typedef struct ll_row_sink {
	void *user;
	ll_status (*open)(void *user, const char *path, const ll_parquet_column_spec *cols,
			  size_t ncols, const ll_parquet_writer_options *opt, void **file,
			  ll_error *err);
	ll_status (*add_column)(void *file, const ll_parquet_column_spec *col, ll_error *err);
	ll_status (*write_row)(void *file, const ll_row_value *values, size_t n, ll_error *err);
	size_t (*buffered_bytes)(void *file);
	ll_status (*flush)(void *file, ll_error *err);
	ll_status (*close)(void *file, uint64_t *rows, uint64_t *bytes, ll_error *err);
	void (*abort)(void *file);
} ll_row_sink;

typedef struct ll_normalizer ll_normalizer;

/**
 * Opens a normalizer writing Parquet job files. schema is borrowed and
 * evolved in place; root_table must exist in it (with its hints, format and
 * disposition). Fails with LL_ETERMINAL if a table of the root's tree has a
 * time column.
 */
ll_status ll_normalizer_open(ll_normalizer **out, ll_schema *schema, const char *root_table,
			     const ll_normalize_options *opt, ll_error *err);

/** The sink ll_normalizer_open uses: Parquet files at the paths it is given. */
const ll_row_sink *ll_normalizer_parquet_sink(void);

/** The same, with rows going to sink (copied; sink->user is borrowed). */
ll_status ll_normalizer_open_sink(ll_normalizer **out, ll_schema *schema, const char *root_table,
				  const ll_normalize_options *opt, const ll_row_sink *sink,
				  ll_error *err);

/**
 * Normalizes one record. source, line and column say where it starts, for
 * messages. record is only read during the call.
 */
ll_status ll_normalizer_push(ll_normalizer *n, const ll_json_value *record, const char *source,
			     uint64_t line, uint64_t column, ll_error *err);

/* A record of a batch: where it starts in its source, and its ordinal. */
typedef struct ll_norm_record {
	const ll_json_value *value;
	uint64_t line, column;
	/* a number unique to the record within the load, such as its byte offset
	 * in the load's input: the root row's _dlt_id derives from it */
	uint64_t ordinal;
} ll_norm_record;

/* Most records ll_normalizer_push_batch takes at once. */
#define LL_NORM_BATCH 8

/**
 * Normalizes up to LL_NORM_BATCH records of source, with the rows, ids and
 * schema that pushing them one by one gives, except that a root row's
 * _dlt_id derives from its record's ordinal rather than from the count of
 * records pushed before, so a record gets the same id whichever normalizer
 * of a parallel load takes it. The records' nested rows are made after all
 * their root rows, which lets their ids be hashed together. The records are
 * only read during the call.
 */
ll_status ll_normalizer_push_batch(ll_normalizer *n, const ll_norm_record *records, size_t count,
				   const char *source, ll_error *err);

/*
 * Parallel loads. Several normalizers, each with its own copy of the schema,
 * take consecutive pieces of one input. Rows never depend on the schema
 * except through the events that change it: a new table or column, a field
 * id, or a key taking a column or child table as its own. Before the first
 * such event of a piece a normalizer calls acquire, which returns once every
 * earlier piece is done and has brought the normalizer's schema up to the
 * load's (ll_normalizer_adopt); from then on the normalizer changes the
 * schema exactly as a single normalizer reading the whole input would, and
 * the driver publishes its schema when the piece ends. A key taking a column
 * or table calls claim with its raw path, which answers the path of the key
 * that took it first in the load (*owner) so two keys normalizing to one name
 * fail as they do in one normalizer; a null for a column nobody in the
 * normalizer owns is told through null_use, without waiting, since a null
 * collides only with a key that took the column before it in the input. The result is the single normalizer's:
 * the same schema, and the same rows spread over more files.
 */
typedef struct ll_normalize_sync {
	void *user;
	ll_status (*acquire)(void *user, ll_normalizer *n, ll_error *err);
	/* A key takes a column (column NULL: a child table) for the load; *owner:
	 * the path of the key that took it first, NULL when path takes it now. */
	ll_status (*claim)(void *user, const char *table, const char *column, const char *path,
			   const char **owner, ll_error *err);
	/* A null of a key for a column no key of this normalizer owns, at
	 * source:line:column; *owner: the key that took the column earlier in the
	 * input, NULL: none did (a key taking it later collides with this null). */
	ll_status (*null_use)(void *user, const char *table, const char *column, const char *path,
			      const char *source, uint64_t line, uint64_t col, const char **owner,
			      ll_error *err);
} ll_normalize_sync;

/** Makes n take part in a parallel load (sync borrowed); NULL: alone again. */
void ll_normalizer_set_sync(ll_normalizer *n, const ll_normalize_sync *sync);

/** A new piece starts: the next event calls acquire again. */
void ll_normalizer_begin_piece(ll_normalizer *n);

/**
 * Appends to n's schema the tables and columns of from that it lacks, and
 * the field ids from has assigned (n's schema must be a prefix of from).
 */
ll_status ll_normalizer_adopt(ll_normalizer *n, const ll_schema *from, ll_error *err);

/** A finished job file: <out_dir>/<table>.<file_id>.parquet. */
typedef struct ll_job_file {
	char *table;
	char *file_id; /* 14 URL-safe characters, unique within the load */
	char *path;
	uint64_t rows;
	uint64_t bytes;
} ll_job_file;

/**
 * Starts writing what the open files hold: each table's buffered rows go to
 * its writer's thread as a row group, so that ll_normalizer_finish has less
 * left to do. For a normalizer that gets no more records (a later one makes
 * more, smaller row groups, not wrong ones).
 */
ll_status ll_normalizer_flush(ll_normalizer *n, ll_error *err);

/**
 * Closes every open file and returns the job files written, in the order
 * they were finished (free with ll_job_files_free). Tables without rows
 * have no file. After this only ll_normalizer_free may be called.
 */
ll_status ll_normalizer_finish(ll_normalizer *n, ll_job_file **files, size_t *nfiles,
			       ll_error *err);

/**
 * Frees the normalizer. Unless finish succeeded, files it wrote (open or
 * already closed) are removed. NULL is fine.
 */
void ll_normalizer_free(ll_normalizer *n);

void ll_job_files_free(ll_job_file *files, size_t n);

#endif
