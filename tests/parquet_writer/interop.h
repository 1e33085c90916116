/*
 * Checking Parquet files with readers nobody here wrote: runs
 * tests/interop/parquet_rows.mjs (DuckDB or hyparquet) and parquet_meta.mjs
 * under node and compares what they print with what a test expects.
 *
 * A missing LL_INTEROP_DIR, node, or npm module is a test failure, never a
 * skip: a writer that nobody checked is not tested. Every helper prints why
 * it failed on stderr and counts a failure in ll_test_failures.
 */
#ifndef LL_TEST_PARQUET_INTEROP_H
#define LL_TEST_PARQUET_INTEROP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* The two independent readers every file is checked with. */
extern const char *const interop_readers[2];

/*
 * Equality of JSON values as the scripts print them: numbers compare by
 * value whether printed as integers or reals (JSON.stringify writes 1.0 as
 * 1), everything else exactly.
 */
bool interop_same(const json_t *a, const json_t *b);

/* Runs `node <interop>/<script> <args>` and parses its whole output. NULL on failure. */
json_t *interop_run_json(const char *script, const char *args);

/* Column chunk metadata rows and the schema, from parquet_meta.mjs (with --pages). */
json_t *interop_meta(const char *path);

/*
 * Streams the rows a reader returns; fn gets each row (borrowed) with its
 * index and returns false to fail the check. Returns the row count, or -1
 * when the reader failed or printed something that is not the rows format.
 */
long interop_each_row(const char *reader, const char *path,
		      bool (*fn)(void *user, size_t index, const json_t *row), void *user);

/* Checks that both readers return exactly these rows (a JSON array of objects). */
void interop_check_rows(const char *path, const json_t *expected);

/* The "columns" row of a column chunk (row group rg, column name) in meta, or NULL. */
const json_t *interop_chunk(const json_t *meta, size_t rg, const char *column);
/* The parquet_schema() row of a column in meta, or NULL. */
const json_t *interop_schema(const json_t *meta, const char *column);
/* A string field of a metadata row, "" when absent, "(null)" when null. */
const char *interop_str(const json_t *row, const char *key);

/* Checks a metadata field against a string (test.h's CHECK_STR). */
#define CHECK_META(row, key, want) CHECK_STR(interop_str((row), (key)), (want))

#endif
