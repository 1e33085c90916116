/*
 * ll_engine: the embedded SQL engine. SQLite runs the query; the lake's
 * tables appear in it as virtual tables over their Parquet files.
 *
 * The engine does not know where tables come from. A provider (the local
 * catalog, a Glue client, a test) lists them: dataset, name, columns and the
 * Parquet files that make up the table's current contents. The engine asks
 * for that list at the start of every query and gives it back when the query
 * ends, so one query sees one consistent set of files and the next query
 * sees whatever was committed in between. A provider whose tables are
 * costly to describe (Iceberg: metadata, manifest lists, manifests) lists
 * only their names and describes a table when a query declares it
 * (ll_engine_provider.open_table), so a query reads only the tables it
 * names and a table that cannot be read fails only the queries naming it.
 *
 * A dataset is a SQL schema: `shop.events` (or "shop"."events") is table
 * events of dataset shop. Each query runs on a fresh in-memory SQLite
 * connection holding only the datasets and tables whose names occur in the
 * SQL text, because SQLite attaches at most 10 schemas and declares at most
 * 2000 columns per table. Consequences a caller can see:
 *   - a query may name at most 10 datasets;
 *   - a table with more than 1999 columns exposes only the columns the
 *     query names, up to 1999 of them (SELECT * on it fails, asking for
 *     the column names; SELECT count(*) naming none works);
 *   - state does not survive between queries (no temp tables, no ATTACH).
 * Only read-only statements run; one statement per call.
 *
 * Values as SQLite sees them: bigint -> INTEGER; double -> REAL; bool ->
 * INTEGER 0/1; text and json -> TEXT; timestamp -> TEXT
 * 'YYYY-MM-DD HH:MM:SS.fff' (millisecond columns) or '.ffffff' (microsecond
 * columns), so date functions and string comparisons work; date -> TEXT
 * 'YYYY-MM-DD'; time -> TEXT 'HH:MM:SS.ffffff'; decimal -> TEXT with its
 * full scale ('12.340'; compare it numerically with CAST(x AS REAL));
 * binary -> BLOB. A column a file lacks (added to the table later) reads as
 * NULL in that file's rows.
 *
 * Scans skip the files a table format's statistics rule out without opening
 * them (ll_engine_table_format), read a remaining file's footer first, skip
 * the row groups (and so whole files) whose statistics rule out a
 * comparison of a column with a constant (=, <, <=, >, >=, IS NULL,
 * IS NOT NULL), and decode only the columns the query uses, one batch at a
 * time, one file at a time. The one exception to that streaming is the
 * inner side of a join, held in memory within a budget
 * (ll_engine_set_join_memory).
 *
 * An ll_engine runs one query at a time; it is not thread-safe.
 */
#ifndef LL_ENGINE_ENGINE_H
#define LL_ENGINE_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "formats/parquet/parquet_reader.h"
#include "formats/parquet/parquet_writer.h"
#include "lakeload.h"
#include "util/error.h"

/** A column of a lake table, as the catalog records it. */
typedef struct ll_engine_column {
	const char *name;
	ll_data_type type;
	int precision, scale;   /**< decimal; informational (values carry their scale) */
	ll_timestamp_unit unit; /**< timestamp: LL_TS_MILLIS shows .fff, LL_TS_MICROS .ffffff */
} ll_engine_column;

/** Rows of one file that are not part of the table (sorted row positions in the file). */
typedef struct ll_engine_deletes {
	const uint64_t *positions;
	size_t n;
} ll_engine_deletes;

/**
 * What a table format's metadata says of one column over a whole file,
 * before the file is opened. Bounds are in the Parquet reader's form for
 * the column's type (ll_value: i for bigint, bool, date days, timestamp and
 * time micros; d for double; s/len for text and binary) and need not be
 * tight, only true: every non-null value lies within [min, max].
 */
typedef struct ll_engine_file_stats {
	bool has_bounds;
	ll_value min, max;
	int64_t null_count;  /**< -1: unknown */
	int64_t value_count; /**< values including nulls (the file's rows); -1: unknown */
} ll_engine_file_stats;

/**
 * What a table format (Iceberg) adds to a list of Parquet files; the
 * engine calls back with the index of a listed file, on the query's thread.
 *
 * file_deletes, when not NULL, gives the rows of a file the format removed
 * (Iceberg position deletes, and equality deletes the provider resolves to
 * positions): sorted positions counted from the file's start across its row
 * groups, valid until the query ends. The engine asks once per scan of a
 * file it reads, just before reading it, so a provider may resolve deletes
 * lazily and a file the query skips costs nothing; those rows never reach
 * SQLite. A failure fails the query with the provider's error.
 *
 * file_stats, when not NULL, gives a column's statistics in a file from
 * the format's metadata: the engine calls it for the constrained columns
 * before opening each file and does not open a file they rule out (counted
 * in files_pruned). It returns false when it knows nothing of that column
 * in that file. Any pointers in *out stay valid until the query ends.
 */
typedef struct ll_engine_table_format {
	ll_status (*file_deletes)(void *ctx, size_t file, ll_engine_deletes *out, ll_error *err);
	bool (*file_stats)(void *ctx, size_t file, size_t column, ll_engine_file_stats *out);
	/**
	 * When not NULL: the value a column has in every row of a file that
	 * does not store it (an Iceberg identity partition's value, which a
	 * table imported from Hive keeps out of its files); false: the column
	 * reads as NULL there. *out is in the Parquet reader's form for the
	 * column's type (decimals and other text as text), valid until the
	 * query ends.
	 */
	bool (*file_constant)(void *ctx, size_t file, size_t column, ll_value *out);
	void *ctx;
} ll_engine_table_format;

/**
 * A lake table: its columns in order and the Parquet files holding its
 * current rows. Files are matched to columns by field name, or by Parquet
 * field id when field_ids gives one (> 0) for the column and the file has
 * field ids (an Iceberg table, whose columns may be renamed); a column a
 * file does not have reads as NULL, a field no column names is ignored.
 */
typedef struct ll_engine_table {
	const char *dataset;
	const char *name;
	const ll_engine_column *columns;
	size_t ncolumns;
	const char *const *files; /**< paths the engine opens as given */
	size_t nfiles;
	uint64_t rows; /**< total rows if known, for query planning; 0: unknown */
	const int32_t *field_ids;             /**< per column, or NULL: match by name */
	const ll_engine_table_format *format; /**< deletes and file stats, or NULL: plain files */
} ll_engine_table;

/**
 * Where the engine gets its tables. list_tables fills *tables with an array
 * of *n tables (every string and array in it owned by the provider) and
 * returns LL_OK, or fails and fills err. The engine calls it once per query
 * and hands the array back to free_tables (which may be NULL when the
 * provider owns the array anyway) once the query is done.
 *
 * With open_table, list_tables need give only each table's dataset and
 * name; the rest is filled in by open_table (see there).
 */
typedef struct ll_engine_provider {
	void *ctx;
	ll_status (*list_tables)(void *ctx, ll_engine_table **tables, size_t *n, ll_error *err);
	void (*free_tables)(void *ctx, ll_engine_table *tables, size_t n);
	/**
	 * Opens a listed file for ranged reads (an object store, say); NULL:
	 * files are local paths.
	 */
	ll_status (*open_source)(void *ctx, const char *path, ll_parquet_source *out, ll_error *err);
	/**
	 * When not NULL: completes listed table `index` of this query's list
	 * (columns, files, rows, field ids, format; dataset and name stay as
	 * listed) before the query declares it. The engine calls it at most
	 * once per table and query, only for tables the text may refer to
	 * (dataset.table, or the table's name unqualified when the text names
	 * its dataset or it is the default one), so `SELECT 1` opens none.
	 * What it fills stays the provider's until free_tables. A failure
	 * fails the query with the provider's error.
	 */
	ll_status (*open_table)(void *ctx, size_t index, ll_engine_table *table, ll_error *err);
} ll_engine_provider;

/** What the scans of the last query did, for tests and diagnostics. */
typedef struct ll_engine_stats {
	uint64_t files_opened;       /**< Parquet footers read */
	uint64_t files_skipped;      /**< opened files none of whose row groups was read */
	uint64_t files_pruned;       /**< files never opened: the table format's stats ruled them out */
	uint64_t row_groups_scanned; /**< row groups whose columns were read (or counted) */
	uint64_t row_groups_skipped; /**< row groups ruled out by statistics */
	uint64_t fields_decoded;     /**< sum over scanned files of the fields decoded */
	uint64_t rows_scanned;       /**< rows the table scans produced */
	uint64_t join_lookups;       /**< tables held in memory to answer the inner side of a join */
} ll_engine_stats;

typedef struct ll_engine ll_engine;

/**
 * Creates an engine over a provider (copied; its ctx must outlive the
 * engine). Free with ll_engine_free.
 */
ll_status ll_engine_open(ll_engine **out, const ll_engine_provider *provider, ll_error *err);
void ll_engine_free(ll_engine *e);

/**
 * Names a dataset whose tables also resolve without a schema prefix (like
 * Athena's query context database): `SELECT * FROM events`. NULL clears it.
 */
ll_status ll_engine_set_dataset(ll_engine *e, const char *dataset, ll_error *err);

/**
 * Bytes a query may hold per table to answer the inner side of a join from
 * memory (default 256 MiB). SQLite joins lake tables by nested loops; a
 * table that fits is read once and probed through a hash on the join
 * column, one that does not is read again for every outer row. 0 turns
 * this off.
 */
void ll_engine_set_join_memory(ll_engine *e, size_t bytes);

/**
 * Receives a query's result. columns, when not NULL, is called once with the
 * result's column names before the first row (also when there are no rows);
 * names are borrowed for the call. row is called per row (see ll_row_fn).
 * column_types, when not NULL, is called after columns with each result
 * column's lake type (type, precision, scale) when it is a table's column
 * selected as it is, else type LL_TYPE_COUNT_ (a computed value).
 */
typedef struct ll_engine_sink {
	void (*columns)(void *user, size_t ncols, const char *const *names);
	ll_row_fn row;
	void *user;
	void (*column_types)(void *user, size_t ncols, const ll_engine_column *types);
} ll_engine_sink;

/**
 * Runs one read-only SQL statement and delivers its rows to the sink. A row
 * callback returning non-zero stops the query early; that is not an error.
 * Failures: LL_ESQL for SQL the engine refuses or SQLite rejects (including
 * "no such table", which then names the tables the dataset has),
 * LL_EUNSUPPORTED for queries beyond SQLite's limits, LL_EFORMAT/LL_EIO for
 * unreadable files (naming the file), or whatever the provider reported.
 */
ll_status ll_engine_run(ll_engine *e, const char *sql, const ll_engine_sink *sink, ll_error *err);

/** ll_engine_run with only a row callback. */
ll_status ll_engine_query(ll_engine *e, const char *sql, ll_row_fn fn, void *user, ll_error *err);

/** Runs a query and prints its result to out (see result_print.h). */
ll_status ll_engine_query_print(ll_engine *e, const char *sql, ll_result_format format, FILE *out,
				ll_error *err);

/**
 * The value of column i of SQLite's current row as a cell, as the engine
 * hands rows to sinks (text and blobs point into the statement until its
 * next step); for other SQLite queries whose rows go to the same sinks.
 */
struct sqlite3_stmt;
void ll_engine_cell_from_sqlite(struct sqlite3_stmt *stmt, int i, ll_cell *c);

/** Scan statistics of the last query run (zero before the first). */
const ll_engine_stats *ll_engine_last_stats(const ll_engine *e);

#endif
