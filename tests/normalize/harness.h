/*
 * Test harness for the normalizer: a row sink that records what it is
 * given (files, columns, rows) so tests can read rows back by table, row
 * and column name, and a builder of JSON record trees from text.
 *
 * The recording sink follows the Parquet writer's contract: once a file
 * has "flushed" a row group (a flush call, or every flush_every_rows rows
 * when set) add_column refuses with LL_ECONFLICT.
 */
#ifndef LL_TEST_NORMALIZE_HARNESS_H
#define LL_TEST_NORMALIZE_HARNESS_H

#include <stdbool.h>
#include <stddef.h>

#include "json/json.h"
#include "normalize/normalize.h"
#include "util/arena.h"

typedef struct rec_file {
	char *path;
	char *table;
	ll_timestamp_unit unit;
	size_t ncols;
	ll_parquet_column_spec *cols; /* names owned */
	size_t nrows;
	char ***rows;        /* rows[r][c]: the value rendered as text, NULL for null */
	size_t *row_width;   /* columns the file had when row r was written */
	bool flushed;
	size_t flushes;
	size_t buffered;
	size_t added_columns;
	struct rec_sink *sink;
} rec_file;

typedef struct rec_sink {
	rec_file **files;
	size_t nfiles;
	size_t open_files;
	size_t flush_every_rows; /* 0: only when asked */
	bool touch_files;        /* create the file on disk when it is closed */
	size_t closes, aborts;
} rec_sink;

ll_row_sink rec_sink_ops(rec_sink *s);
void rec_sink_free(rec_sink *s);

/* Rows of a table over all its files, in order. */
size_t rec_rows(const rec_sink *s, const char *table);
/* Files of a table. */
size_t rec_files(const rec_sink *s, const char *table);
/*
 * The value in column `column` of row `row` of table: rendered text, NULL
 * for null, "<none>" when the row or column does not exist.
 */
const char *rec_cell(const rec_sink *s, const char *table, size_t row, const char *column);
/* The file spec of a column of a table's first file, or NULL. */
const ll_parquet_column_spec *rec_column(const rec_sink *s, const char *table, const char *column);

/*
 * Parses JSON text into a record tree in arena. A string "#big:<digits>"
 * becomes an LL_JSON_BIGINT literal, since the test parser cannot read them.
 */
const ll_json_value *rec_json(ll_arena *arena, const char *text);

/* A schema with root table `table`, a recording sink and a normalizer over them. */
typedef struct fixture {
	ll_schema *schema;
	ll_table *root;
	ll_normalizer *n;
	rec_sink sink;
	ll_arena arena;
	ll_normalize_options opt;
	ll_job_file *files;
	size_t nfiles;
	ll_error err;
	uint64_t line;
	char dir[512];
} fixture;

/* Prepares f over an existing empty directory (the job files' out_dir). */
ll_status fx_init(fixture *f, const char *dir);
ll_status fx_open(fixture *f);
/* Pushes a record as JSON text (line numbers count up from 1). */
ll_status fx_push(fixture *f, const char *json);
ll_status fx_finish(fixture *f);
void fx_free(fixture *f);
/* Adds a column hint to the root table. */
ll_status fx_hint(fixture *f, const char *name, ll_data_type type, int precision, int scale);

#endif
