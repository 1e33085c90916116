/*
 * SHAKE-128 (FIPS 202), the hash dlt derives nested rows' ids from. Its own
 * small Keccak rather than libcrypto's EVP interface because the normalizer
 * hashes one short message per child row: EVP's per-message set-up (a
 * provider lookup under a lock, a context reset) costs several times the
 * one Keccak permutation such a message needs. The output is the standard
 * one, checked against libcrypto's in tests/util.
 */
#ifndef LL_UTIL_SHAKE128_H
#define LL_UTIL_SHAKE128_H

#include <stddef.h>
#include <stdint.h>

typedef struct ll_shake128 {
	uint64_t state[25];
	size_t pos; /* bytes absorbed into the current block */
} ll_shake128;

/** Starts a message. */
void ll_shake128_init(ll_shake128 *s);
/** Absorbs len more bytes of the message. */
void ll_shake128_update(ll_shake128 *s, const void *data, size_t len);
/** Ends the message and writes the first len bytes of its digest; s must be initialized again for another. */
void ll_shake128_final(ll_shake128 *s, unsigned char *out, size_t len);

#endif
