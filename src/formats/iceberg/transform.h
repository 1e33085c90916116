/*
 * Iceberg partition transforms (table spec "Partition Transforms", bucket
 * hashing per Appendix B), applied to ll_iceberg_value.
 *
 *   identity      the value
 *   bucket[N]     (murmur3_x86_32(bytes of v) & INT32_MAX) % N, where the
 *                 bytes are: int, long, date, time and timestamps as an
 *                 8-byte little-endian long; decimals as the minimal
 *                 big-endian two's complement of the unscaled value; strings
 *                 as UTF-8; uuids as 16 big-endian bytes; fixed and binary
 *                 as they are
 *   truncate[W]   int, long: v - floorMod(v, W); decimal: the same on the
 *                 unscaled value; string: the first W code points; binary:
 *                 the first W bytes
 *   year, month,  whole years, months, days or hours between 1970-01-01
 *   day, hour     00:00 and the value, rounded down (so 1969-12-31 is year
 *                 -1); hour applies to timestamps only
 *   void          null
 *
 * Every transform of null is null. Result types follow the Java library
 * (and pyiceberg): bucket, year, month and hour give int, day gives date,
 * identity and truncate keep the source type.
 *
 * Transforms unknown to this code (a newer spec's, in a table another
 * engine wrote) parse as LL_ICEBERG_TRANSFORM_UNKNOWN keeping their text, so
 * metadata naming them can be read and rewritten; applying one is
 * LL_EUNSUPPORTED. A transform that does not apply to a source type is
 * LL_ESCHEMA. Truncated strings and binary values point into their input.
 */
#ifndef LL_FORMATS_ICEBERG_TRANSFORM_H
#define LL_FORMATS_ICEBERG_TRANSFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/iceberg/type.h"
#include "formats/iceberg/values.h"

typedef enum ll_iceberg_transform_kind {
	LL_ICEBERG_TRANSFORM_IDENTITY = 0,
	LL_ICEBERG_TRANSFORM_BUCKET,
	LL_ICEBERG_TRANSFORM_TRUNCATE,
	LL_ICEBERG_TRANSFORM_YEAR,
	LL_ICEBERG_TRANSFORM_MONTH,
	LL_ICEBERG_TRANSFORM_DAY,
	LL_ICEBERG_TRANSFORM_HOUR,
	LL_ICEBERG_TRANSFORM_VOID,
	LL_ICEBERG_TRANSFORM_UNKNOWN,
} ll_iceberg_transform_kind;

typedef struct ll_iceberg_transform {
	ll_iceberg_transform_kind kind;
	int32_t param;        /**< N of bucket[N], W of truncate[W]; else 0 */
	const char *text;     /**< an unknown transform as written (borrowed); else NULL */
} ll_iceberg_transform;

/**
 * Parses a transform as metadata spells it: "identity", "bucket[16]",
 * "truncate[4]", "year", "month", "day", "hour", "void". A known name with a
 * width or count that is not a positive 32-bit integer is LL_EFORMAT; any
 * other text is an unknown transform pointing at text.
 */
ll_status ll_iceberg_transform_parse(const char *text, ll_iceberg_transform *out, ll_error *err);

/** Writes the metadata spelling ("bucket[16]") into buf (32 bytes are enough). */
const char *ll_iceberg_transform_format(const ll_iceberg_transform *t, char *buf, size_t size);

/**
 * Checks that t applies to a source column of type source and sets
 * *result to the type of its output. LL_ESCHEMA names the transform and
 * the type when it does not apply (month of a string, hour of a date).
 */
ll_status ll_iceberg_transform_result_type(const ll_iceberg_transform *t,
					   const ll_iceberg_type *source,
					   const ll_iceberg_type **result, ll_error *err);

/** Applies t to in, a value of type source; *out has the result type. */
ll_status ll_iceberg_transform_apply(const ll_iceberg_transform *t, const ll_iceberg_type *source,
				     const ll_iceberg_value *in, ll_iceberg_value *out,
				     ll_error *err);

/** MurmurHash3, x86 32-bit variant, seed 0, as a signed int like Java's. */
int32_t ll_iceberg_murmur3_32(const void *data, size_t len);

/**
 * The spec's 32-bit hash of a non-null value of type t (Appendix B), the
 * input of bucket[N]. Booleans, floats and doubles hash as the appendix says
 * they would if they could be bucketed (bucket[N] refuses them); nested
 * types are LL_ESCHEMA.
 */
ll_status ll_iceberg_hash_value(const ll_iceberg_type *t, const ll_iceberg_value *v,
				int32_t *hash, ll_error *err);

#endif
