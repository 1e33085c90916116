/*
 * Shared pieces of the Parquet reader tests: reading a whole file through a
 * cursor into JSON rows in the normalized form tests/interop/parquet_rows.mjs
 * prints (and the reference data's expected files use), an in-memory
 * ll_parquet_source, and file helpers.
 */
#ifndef LL_TEST_PARQUET_READER_UTIL_H
#define LL_TEST_PARQUET_READER_UTIL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/parquet/parquet_reader.h"
#include "util/buf.h"

/*
 * One value as the interop scripts print it: integers within +-2^53 as
 * numbers (else strings), doubles as numbers ("NaN", "Infinity" as strings),
 * text and flat json as strings, binary as uppercase hex, decimals as text,
 * dates "YYYY-MM-DD", timestamps "...THH:MM:SS.fff[fff]Z" by the field's
 * unit, times "HH:MM:SS.ffffff", nested fields as their parsed JSON.
 */
json_t *test_value_json(const ll_parquet_field *f, const ll_value *v);

/*
 * Reads all rows of all fields, batch_rows at a time, as a JSON array of
 * objects. Returns NULL and fills err when the reader fails.
 */
json_t *test_read_rows(ll_parquet_reader *r, size_t batch_rows, ll_error *err);

/* Opens path and reads it with test_read_rows; NULL (a failed check) on error. */
json_t *test_read_file(const char *path, size_t batch_rows);

/* Checks that got and expected hold the same rows, printing the first differences. */
void test_check_rows(const char *what, const json_t *got, const json_t *expected);

/* A source over a copy of data[0..len). */
ll_parquet_source test_memory_source(const void *data, size_t len);

/* Opens a reader over data and decodes every field of every row; returns the status. */
ll_status test_read_everything(const void *data, size_t len, ll_error *err);

/* Reads a whole file; false (a failed check) when it cannot. */
bool test_load_file(const char *path, uint8_t **data, size_t *len);

/*
 * Appends values as DELTA_BINARY_PACKED (blocks of 128 in 4 miniblocks),
 * as the format specification describes; 32-bit streams wrap at 32 bits.
 */
void test_delta_encode(const int64_t *v, size_t n, bool is32, ll_buf *out);

/* Runs a shell command; false (a failed check) when it fails. */
bool test_run(const char *cmd);

#endif
