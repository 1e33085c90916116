/*
 * Non-cryptographic hashing for hash tables, file fingerprints and row ids.
 * Not for anything an attacker chooses to collide; use libcrypto there.
 */
#ifndef LL_UTIL_HASH_H
#define LL_UTIL_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/** Mixes a 64-bit value into a well-distributed one (bijective). */
static inline uint64_t ll_mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/** Hashes len bytes with a seed. */
uint64_t ll_hash64(const void *data, size_t len, uint64_t seed);

/* The 128-bit product of a and b folded to 64 bits: one multiply that mixes every input bit. */
static inline uint64_t ll_mul_fold64(uint64_t a, uint64_t b)
{
	unsigned __int128 r = (unsigned __int128)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t ll_load64(const unsigned char *p)
{
	uint64_t x;
	memcpy(&x, p, 8);
	return x;
}

static inline uint64_t ll_load16(const unsigned char *p)
{
	uint16_t x;
	memcpy(&x, p, 2);
	return x;
}

static inline uint64_t ll_load32(const unsigned char *p)
{
	uint32_t x;
	memcpy(&x, p, 4);
	return x;
}

/**
 * Hashes len bytes for an in-memory table, in a few multiplies for the short
 * strings tables mostly hold (ll_hash64 spends two mixes per word). Its
 * values are not ll_hash64's and may change between versions: never store
 * them or derive ids from them.
 */
static inline uint64_t ll_hash_fast(const void *data, size_t len)
{
	const uint64_t k0 = 0xa0761d6478bd642fULL, k1 = 0xe7037ed1a0b428dbULL;
	const unsigned char *p = data;
	uint64_t seed = k0 ^ len, a, b;
	if (len <= 16) {
		if (len >= 8) {
			a = ll_load64(p);
			b = ll_load64(p + len - 8);
		} else if (len >= 4) {
			a = ll_load32(p);
			b = ll_load32(p + len - 4);
		} else if (len) {
			a = (uint64_t)p[0] << 16 | (uint64_t)p[len / 2] << 8 | p[len - 1];
			b = 0;
		} else {
			a = b = 0;
		}
	} else {
		size_t left = len;
		while (left > 16) {
			seed = ll_mul_fold64(ll_load64(p) ^ k1, ll_load64(p + 8) ^ seed);
			p += 16;
			left -= 16;
		}
		/* the last 16 bytes, overlapping what was hashed already */
		a = ll_load64(p + left - 16);
		b = ll_load64(p + left - 8);
	}
	return ll_mul_fold64(k1 ^ len, ll_mul_fold64(a ^ k1, b ^ seed));
}

/** Whether a and b hold the same len bytes, without a library call for short keys. */
static inline bool ll_bytes_equal(const void *a, const void *b, size_t len)
{
	const unsigned char *x = a, *y = b;
	if (len < 4) {
		/* first and last two bytes (keys such as id, os, w), overlapping when len is 2 or 3 */
		if (len < 2)
			return !len || x[0] == y[0];
		return ll_load16(x) == ll_load16(y) && ll_load16(x + len - 2) == ll_load16(y + len - 2);
	}
	if (len <= 8) {
		/* first and last four bytes, overlapping when len < 8 */
		return ll_load32(x) == ll_load32(y) && ll_load32(x + len - 4) == ll_load32(y + len - 4);
	}
	for (size_t i = 0; i + 8 < len; i += 8) {
		if (ll_load64(x + i) != ll_load64(y + i))
			return false;
	}
	/* the last 8 bytes, overlapping what was compared already */
	return ll_load64(x + len - 8) == ll_load64(y + len - 8);
}

/**
 * Writes a 14-character URL-safe base64 id (like dlt's uniq_id) derived from
 * the two 64-bit inputs, plus a NUL. Equal inputs give equal ids, so a rerun
 * of the same load produces the same row ids.
 */
void ll_row_id(uint64_t a, uint64_t b, char out[15]);

/**
 * Writes 10 bytes as dlt writes a `_dlt_id`: standard base64 ('+', '/')
 * without padding, 14 characters, plus a NUL.
 */
void ll_dlt_id_encode(const unsigned char bytes[10], char out[15]);

/**
 * A `_dlt_id` derived from the two inputs (like dlt's uniq_id_base64(10),
 * but reproducible: equal inputs give equal ids). Unlike ll_row_id it may
 * hold '/', so it never names a file.
 */
void ll_dlt_id(uint64_t a, uint64_t b, char out[15]);

#endif
