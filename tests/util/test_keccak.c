/*
 * util/keccak: every implementation this CPU runs gives libcrypto's
 * SHAKE-128 bytes, for every message length that fits one block, batches
 * that fill their vectors or leave lanes empty, and any output length.
 */
#include "test.h"

#include <openssl/evp.h>
#include <stdint.h>

#include "util/keccak.h"

#define MAX_BATCH 19 /* two full AVX-512 groups and a partial one */

static const size_t out_lens[] = { 1, 10, 16, 32, 100, LL_SHAKE128_RATE };

static uint64_t next_random(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void evp_shake128(const void *msg, size_t len, unsigned char *out, size_t out_len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	CHECK(ctx != NULL);
	if (!ctx)
		return;
	CHECK(EVP_DigestInit_ex2(ctx, EVP_shake128(), NULL) == 1);
	CHECK(EVP_DigestUpdate(ctx, msg, len) == 1);
	CHECK(EVP_DigestFinalXOF(ctx, out, out_len) == 1);
	EVP_MD_CTX_free(ctx);
}

static const char *impl_name(ll_keccak_impl impl)
{
	static const char *const names[] = { "portable", "avx2", "avx512" };
	return names[impl];
}

/*
 * A batch of `count` random messages, the first of length `len` and the
 * others of other lengths, against EVP one by one; returns mismatches.
 */
static int compare_batch(ll_keccak_impl impl, size_t len, size_t count, size_t out_len,
			 uint64_t *seed)
{
	static unsigned char data[MAX_BATCH][LL_SHAKE128_SHORT_MAX];
	ll_shake128_msg msgs[MAX_BATCH];
	unsigned char got[MAX_BATCH * LL_SHAKE128_RATE], want[LL_SHAKE128_RATE];
	for (size_t k = 0; k < count; k++) {
		msgs[k].len = (len + k * 37) % (LL_SHAKE128_SHORT_MAX + 1);
		for (size_t b = 0; b < msgs[k].len; b++)
			data[k][b] = (unsigned char)next_random(seed);
		msgs[k].data = data[k];
	}
	ll_shake128_short_batch_with(impl, msgs, count, got, out_len);
	int mismatches = 0;
	for (size_t k = 0; k < count; k++) {
		evp_shake128(msgs[k].data, msgs[k].len, want, out_len);
		if (memcmp(got + k * out_len, want, out_len) != 0) {
			if (mismatches++ == 0)
				fprintf(stderr, "%s: message %zu of %zu (%zu bytes), %zu output bytes differ\n",
					impl_name(impl), k, count, msgs[k].len, out_len);
		}
	}
	return mismatches;
}

static void check_impl_matches_evp(ll_keccak_impl impl)
{
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	int mismatches = 0;
	for (size_t o = 0; o < sizeof(out_lens) / sizeof(out_lens[0]); o++) {
		for (size_t len = 0; len <= LL_SHAKE128_SHORT_MAX; len++) {
			for (size_t count = 1; count <= MAX_BATCH; count++)
				mismatches += compare_batch(impl, len, count, out_lens[o], &seed);
		}
	}
	CHECK_INT(mismatches, 0);
	printf("     %s: every length 0..%d, batches 1..%d\n", impl_name(impl),
	       LL_SHAKE128_SHORT_MAX, MAX_BATCH);
}

static void test_every_supported_impl_matches_evp(void)
{
	CHECK(ll_keccak_impl_supported(LL_KECCAK_PORTABLE));
	CHECK(ll_keccak_impl_supported(ll_keccak_best_impl()));
	for (int i = 0; i < LL_KECCAK_IMPL_COUNT_; i++) {
		if (ll_keccak_impl_supported((ll_keccak_impl)i))
			check_impl_matches_evp((ll_keccak_impl)i);
		else
			printf("     %s: not on this CPU, skipped\n", impl_name((ll_keccak_impl)i));
	}
}

/* FIPS 202's value for the empty message, independent of libcrypto. */
static void test_empty_message_known_answer(void)
{
	static const unsigned char want[16] = { 0x7f, 0x9c, 0x2b, 0xa4, 0xe8, 0x8f, 0x82, 0x7d,
						0x61, 0x60, 0x45, 0x50, 0x76, 0x05, 0x85, 0x3e };
	ll_shake128_msg empty = { NULL, 0 };
	for (int i = 0; i < LL_KECCAK_IMPL_COUNT_; i++) {
		unsigned char got[16];
		ll_shake128_short_batch_with((ll_keccak_impl)i, &empty, 1, got, sizeof(got));
		CHECK(memcmp(got, want, sizeof(want)) == 0);
	}
}

/* The default entry point: a child row id of dlt's form, as EVP gives it. */
static void test_default_batch_of_row_id_messages(void)
{
	static const char *const msgs_text[] = { "sWpg1yB9WquRnA_events__items_0",
						 "sWpg1yB9WquRnA_events__items_1",
						 "sWpg1yB9WquRnA_events__tags_0" };
	ll_shake128_msg msgs[3];
	unsigned char got[3 * 10], want[10];
	for (size_t i = 0; i < 3; i++)
		msgs[i] = (ll_shake128_msg){ msgs_text[i], strlen(msgs_text[i]) };
	ll_shake128_short_batch(msgs, 3, got, 10);
	for (size_t i = 0; i < 3; i++) {
		evp_shake128(msgs_text[i], strlen(msgs_text[i]), want, 10);
		CHECK(memcmp(got + 10 * i, want, 10) == 0);
	}
}

LL_TEST_MAIN(LL_TEST(test_every_supported_impl_matches_evp),
	     LL_TEST(test_empty_message_known_answer),
	     LL_TEST(test_default_batch_of_row_id_messages))
