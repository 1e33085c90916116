/*
 * Shared pieces of the Parquet writer tests: building expected rows as JSON
 * in the normalized form the interop scripts print (see
 * tests/interop/parquet_rows.mjs), and short-hands for writer calls.
 */
#ifndef LL_TEST_PARQUET_WRITER_UTIL_H
#define LL_TEST_PARQUET_WRITER_UTIL_H

#include <jansson.h>
#include <stdint.h>

#include "formats/parquet/parquet_writer.h"

/* An integer as the scripts print it: a number within +-2^53, else a string. */
json_t *expect_int(int64_t v);
/* A timestamp of micros since the epoch at millisecond (3) or microsecond (6) precision. */
json_t *expect_timestamp(int64_t micros, int digits);
json_t *expect_date(int32_t days);
/* A decimal from its unscaled value, with the full scale ("-12.340"); out needs 80 bytes. */
void decimal_text(__int128 unscaled, int scale, char out[80]);
json_t *expect_decimal(__int128 unscaled, int scale);
json_t *expect_hex(const void *data, size_t len);
json_t *expect_text(const char *s);

/* The 16-byte big-endian two's complement form put_decimal takes. */
void decimal_bytes(__int128 v, uint8_t out[16]);

/* A column spec, for brevity. */
ll_parquet_column_spec spec(const char *name, ll_data_type type, bool nullable);
ll_parquet_column_spec decimal_spec(const char *name, int precision, int scale);

/* Whether two files hold the same bytes. */
bool same_file_bytes(const char *a, const char *b);

#endif
