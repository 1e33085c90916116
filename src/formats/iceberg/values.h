/*
 * Single Iceberg values: the in-memory form transforms work on, and the
 * binary single-value serialization (table spec Appendix D) that manifests
 * use for lower and upper bounds and manifest lists for partition bounds.
 *
 * An ll_iceberg_value means nothing without its ll_iceberg_type, which says
 * which member holds the value:
 *
 *   boolean                          b
 *   int, long, date, time,           i   (date: days since 1970-01-01; time:
 *     timestamp, timestamptz               microseconds since midnight;
 *                                          timestamps: microseconds since the epoch)
 *   float                            f
 *   double                           d
 *   decimal(P, S)                    decimal: the unscaled value as 16 bytes
 *                                    of big-endian two's complement, as the
 *                                    Parquet writer takes it
 *   string, binary, fixed[L], uuid   bytes: UTF-8 text, raw bytes, the 16
 *                                    bytes of a uuid in big-endian order
 *
 * Byte members are borrowed: from the caller's data when it builds a value,
 * from the input when ll_iceberg_value_decode reads one.
 *
 * Encoding writes exactly what the spec lists: 0x00/0x01 for booleans,
 * 4-byte little-endian int, float and date, 8-byte little-endian long,
 * double, time and timestamps, raw bytes for strings, binary and fixed, the
 * minimal big-endian two's complement for decimals. Decoding also accepts
 * what promoted columns carry (Appendix D's "type promotion" table): 4-byte
 * bounds of a long (an int), a double (a float) or a timestamp (a date).
 * A value that does not fit its type is LL_EINVAL when encoding; bytes that
 * cannot be a value of the type are LL_EFORMAT when decoding.
 */
#ifndef LL_FORMATS_ICEBERG_VALUES_H
#define LL_FORMATS_ICEBERG_VALUES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "formats/iceberg/type.h"
#include "util/buf.h"

typedef struct ll_iceberg_value {
	bool is_null;
	union {
		bool b;
		int64_t i;
		float f;
		double d;
		uint8_t decimal[16];
		struct {
			const uint8_t *data;
			size_t len;
		} bytes;
	};
} ll_iceberg_value;

static inline ll_iceberg_value ll_iceberg_null(void)
{
	return (ll_iceberg_value){ .is_null = true };
}

static inline ll_iceberg_value ll_iceberg_int(int64_t i)
{
	return (ll_iceberg_value){ .i = i };
}

static inline ll_iceberg_value ll_iceberg_bytes(const void *data, size_t len)
{
	return (ll_iceberg_value){ .bytes = { (const uint8_t *)data, len } };
}

/** A decimal value from an unscaled integer (the scale belongs to the type). */
ll_iceberg_value ll_iceberg_decimal_from_int64(int64_t unscaled);

/**
 * The minimal big-endian two's complement form of a 16-byte unscaled
 * decimal, as Java's BigInteger.toByteArray gives it (zero is one 0x00
 * byte): *start points into unscaled; returns the length.
 */
size_t ll_iceberg_decimal_min_bytes(const uint8_t unscaled[16], const uint8_t **start);

/**
 * Writes a decimal as Java's BigDecimal.toString does: "14.20", "-0.05",
 * "1E-8" once the exponent falls below -6. buf needs LL_ICEBERG_DECIMAL_TEXT_MAX
 * bytes. Returns buf.
 */
#define LL_ICEBERG_DECIMAL_TEXT_MAX 64
const char *ll_iceberg_decimal_format(const uint8_t unscaled[16], int scale, char *buf);

/** Appends the single-value serialization of v (not null) to out. */
ll_status ll_iceberg_value_encode(const ll_iceberg_type *t, const ll_iceberg_value *v,
				  ll_buf *out, ll_error *err);

/** Reads a single-value serialization of type t; bytes members point into data. */
ll_status ll_iceberg_value_decode(const ll_iceberg_type *t, const uint8_t *data, size_t len,
				  ll_iceberg_value *out, ll_error *err);

/** Parses "f79c3e09-677c-4bbd-a479-3f349cb785e7" (either case) into 16 bytes. */
bool ll_iceberg_uuid_parse(const char *text, uint8_t out[16]);

/** Writes a uuid in lowercase canonical form; out needs 37 bytes. Returns out. */
const char *ll_iceberg_uuid_format(const uint8_t uuid[16], char out[37]);

#endif
