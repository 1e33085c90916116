/*
 * Non-cryptographic hashing for hash tables, file fingerprints and row ids.
 * Not for anything an attacker chooses to collide; use libcrypto there.
 */
#ifndef LL_UTIL_HASH_H
#define LL_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

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
