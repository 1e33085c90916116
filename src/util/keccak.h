/*
 * SHAKE-128 (FIPS 202) of many short messages at once, for dlt's child row
 * ids: hundreds of thousands of 30-byte messages per load, each costing one
 * Keccak-f[1600] permutation, where libcrypto hashes one message per call
 * and spends more on the call than on the permutation.
 *
 * Contract: every message is at most LL_SHAKE128_SHORT_MAX bytes, so that
 * it and its padding fill one 168-byte block; longer ones are the caller's
 * to hash (libcrypto's EVP). Each digest is the first out_len bytes
 * (1..LL_SHAKE128_RATE) of the message's SHAKE-128 output, the same bytes
 * EVP_DigestFinalXOF gives. Messages are hashed 8 at a time with AVX-512
 * (a rest of up to 4 in 256-bit vectors), 4 at a time with AVX2, one at a
 * time in portable C: the best the CPU has, chosen at run time, with the
 * same results. No state, no allocation, safe
 * from any thread.
 */
#ifndef LL_UTIL_KECCAK_H
#define LL_UTIL_KECCAK_H

#include <stdbool.h>
#include <stddef.h>

/* SHAKE-128's rate: bytes absorbed, and squeezed, per permutation. */
#define LL_SHAKE128_RATE 168
/* The longest message that fits one block with its padding. */
#define LL_SHAKE128_SHORT_MAX (LL_SHAKE128_RATE - 1)

typedef struct ll_shake128_msg {
	const void *data; /* may be NULL when len is 0 */
	size_t len;       /* at most LL_SHAKE128_SHORT_MAX */
} ll_shake128_msg;

/* The implementations, slowest first. */
typedef enum ll_keccak_impl {
	LL_KECCAK_PORTABLE, /* plain C, one message at a time; every CPU */
	LL_KECCAK_AVX2,     /* 4 messages per permutation */
	LL_KECCAK_AVX512,   /* 8 (or 4) messages per permutation; AVX-512F and VL */
	LL_KECCAK_IMPL_COUNT_
} ll_keccak_impl;

/** Whether this CPU (and build) can run impl. */
bool ll_keccak_impl_supported(ll_keccak_impl impl);

/** The fastest implementation this CPU can run. */
ll_keccak_impl ll_keccak_best_impl(void);

/**
 * Hashes count short messages: digest i is written to out + i * out_len.
 * out_len is 1..LL_SHAKE128_RATE; out holds count * out_len bytes.
 */
void ll_shake128_short_batch(const ll_shake128_msg *msgs, size_t count, unsigned char *out,
			     size_t out_len);

/**
 * The same with a chosen implementation (tests compare them); one the CPU
 * cannot run falls back to the portable one.
 */
void ll_shake128_short_batch_with(ll_keccak_impl impl, const ll_shake128_msg *msgs, size_t count,
				  unsigned char *out, size_t out_len);

#endif
