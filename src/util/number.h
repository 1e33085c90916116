/*
 * Doubles as text, written the way Python's repr() writes them, because
 * that is the text a dlt user sees for the same value in text columns,
 * decimals loaded from floats and query results (JSON values are written as
 * orjson writes them, which dlt uses for those): the shortest digits that
 * read back exactly, "0.1" not "0.10000000000000001", "100.0" for integral
 * values and exponents beyond 1e16. The other way, an exact fast path for
 * the decimal text most data holds ("21.64", "-0.5", "3e-7"), for parsers
 * that read many numbers. Also the value of a hexadecimal digit, which every
 * parser of escapes and encodings here needs, and the zigzag mapping the
 * Thrift, Avro and Parquet encoders store signed integers with.
 */
#ifndef LL_UTIL_NUMBER_H
#define LL_UTIL_NUMBER_H

#include <float.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Room ll_double_repr needs, NUL included. */
#define LL_DOUBLE_TEXT_MAX 40

/** Writes v as Python's repr would ("nan", "inf" included); returns the length. */
size_t ll_double_repr(double v, char *buf, size_t size);

/**
 * Writes finite v as orjson, dlt's JSON serializer, does: the same shortest
 * digits, positional from 1e-5 (not 1e-4) up, the exponent not zero-padded
 * ("1e-7", "1e+16"); returns the length.
 */
size_t ll_double_json(double v, char *buf, size_t size);

/**
 * Reads s[0..len), a number in JSON's syntax (already checked: an optional
 * '-', digits, an optional fraction and exponent), into *out when that is
 * exact and cheap: at most 19 significant digits whose value is at most 2^53,
 * scaled by a power of ten at most 22 (Clinger's fast path), where one IEEE
 * multiplication or division rounds correctly. Returns false, *out untouched,
 * for any other text; the caller then uses strtod, which gives the same
 * double for the text this accepts.
 */
bool ll_double_parse_exact(const char *s, size_t len, double *out);

/** Powers of ten a double holds exactly: 1e0 to 1e22. */
extern const double ll_exact_pow10[23];

/** Significant digits any uint64_t mantissa holds (the parsers count them). */
#define LL_DOUBLE_FAST_DIGITS 19

/**
 * Whether mant / 10^frac_digits is exact enough for ll_double_from_decimal:
 * one IEEE division rounds it correctly (mant at most 2^53, frac_digits at
 * most 22), giving the double strtod gives for that decimal text.
 */
static inline bool ll_decimal_is_exact(uint64_t mant, int frac_digits)
{
	/* Extended-precision evaluation (x87) would round twice. */
	return FLT_EVAL_METHOD == 0 && mant <= (UINT64_C(1) << 53) && frac_digits <= 22;
}

/**
 * mant / 10^frac_digits, for a parser that has read "21.64" on its own as
 * 2164 and 2 fraction digits; only when ll_decimal_is_exact says so.
 */
static inline double ll_double_from_decimal(uint64_t mant, int frac_digits)
{
	return (double)mant / ll_exact_pow10[frac_digits];
}

/** v zigzag-mapped (0, -1, 1, -2, ... to 0, 1, 2, 3, ...), so small magnitudes stay small. */
static inline uint64_t ll_zigzag64(int64_t v)
{
	return (uint64_t)v << 1 ^ (0 - ((uint64_t)v >> 63));
}

/** The value of a hexadecimal digit (either case), or -1 for any other character. */
static inline int ll_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

#endif
