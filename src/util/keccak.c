/*
 * SHAKE-128 of short messages, several per permutation (see keccak.h).
 *
 * The permutation is written once, as a macro over the type of a state word
 * and its operations: uint64_t for the portable version, a vector of 4 or 8
 * words (word w of 4 or 8 independent states) for AVX2 and AVX-512, whose
 * vpternlogq does chi and theta's sums in one instruction each and vprolq
 * the rotations. The
 * vector versions are functions compiled for their instruction set alone
 * (target attributes), so the rest of the build stays generic and a CPU
 * without them never runs them: ll_keccak_impl_supported asks the CPU.
 * Between permutations, states are kept word-interleaved in memory (word w
 * of lane j at state[w * lanes + j]), so a vector loads one word of every
 * lane at once.
 */
#include "util/keccak.h"

#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define KECCAK_X86 1
#include <immintrin.h>
#else
#define KECCAK_X86 0
#endif

#define BLOCK_WORDS (LL_SHAKE128_RATE / 8)
#define STATE_WORDS 25
#define MAX_LANES 8
/* SHAKE's domain bits (1111) and the first bit of pad10*1, in the byte after the message */
#define SHAKE_PAD_FIRST 0x1f
/* the last bit of pad10*1, in the block's last byte */
#define SHAKE_PAD_LAST 0x80

static const uint64_t keccak_rc[24] = {
	0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
	0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
	0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
	0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
	0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
	0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

/*
 * Keccak-f[1600] on `T a[25]` (word x + 5y), 24 rounds of theta, rho and pi
 * (into b, written in pi's order), chi and iota. CHI(x, y, z) is
 * x ^ (~y & z); ROL rotates left by 1..63.
 */
#define KECCAK_F1600(T, XOR, XOR5, ROL, CHI, IOTA)                                  \
	for (int round = 0; round < 24; round++) {                                 \
		T c0 = XOR5(a[0], a[5], a[10], a[15], a[20]);                      \
		T c1 = XOR5(a[1], a[6], a[11], a[16], a[21]);                      \
		T c2 = XOR5(a[2], a[7], a[12], a[17], a[22]);                      \
		T c3 = XOR5(a[3], a[8], a[13], a[18], a[23]);                      \
		T c4 = XOR5(a[4], a[9], a[14], a[19], a[24]);                      \
		T d0 = XOR(c4, ROL(c1, 1));                                        \
		T d1 = XOR(c0, ROL(c2, 1));                                        \
		T d2 = XOR(c1, ROL(c3, 1));                                        \
		T d3 = XOR(c2, ROL(c4, 1));                                        \
		T d4 = XOR(c3, ROL(c0, 1));                                        \
		T b0 = XOR(a[0], d0);                                              \
		T b1 = ROL(XOR(a[6], d1), 44);                                     \
		T b2 = ROL(XOR(a[12], d2), 43);                                    \
		T b3 = ROL(XOR(a[18], d3), 21);                                    \
		T b4 = ROL(XOR(a[24], d4), 14);                                    \
		T b5 = ROL(XOR(a[3], d3), 28);                                     \
		T b6 = ROL(XOR(a[9], d4), 20);                                     \
		T b7 = ROL(XOR(a[10], d0), 3);                                     \
		T b8 = ROL(XOR(a[16], d1), 45);                                    \
		T b9 = ROL(XOR(a[22], d2), 61);                                    \
		T b10 = ROL(XOR(a[1], d1), 1);                                     \
		T b11 = ROL(XOR(a[7], d2), 6);                                     \
		T b12 = ROL(XOR(a[13], d3), 25);                                   \
		T b13 = ROL(XOR(a[19], d4), 8);                                    \
		T b14 = ROL(XOR(a[20], d0), 18);                                   \
		T b15 = ROL(XOR(a[4], d4), 27);                                    \
		T b16 = ROL(XOR(a[5], d0), 36);                                    \
		T b17 = ROL(XOR(a[11], d1), 10);                                   \
		T b18 = ROL(XOR(a[17], d2), 15);                                   \
		T b19 = ROL(XOR(a[23], d3), 56);                                   \
		T b20 = ROL(XOR(a[2], d2), 62);                                    \
		T b21 = ROL(XOR(a[8], d3), 55);                                    \
		T b22 = ROL(XOR(a[14], d4), 39);                                   \
		T b23 = ROL(XOR(a[15], d0), 41);                                   \
		T b24 = ROL(XOR(a[21], d1), 2);                                    \
		a[0] = IOTA(CHI(b0, b1, b2), keccak_rc[round]);                    \
		a[1] = CHI(b1, b2, b3);                                            \
		a[2] = CHI(b2, b3, b4);                                            \
		a[3] = CHI(b3, b4, b0);                                            \
		a[4] = CHI(b4, b0, b1);                                            \
		a[5] = CHI(b5, b6, b7);                                            \
		a[6] = CHI(b6, b7, b8);                                            \
		a[7] = CHI(b7, b8, b9);                                            \
		a[8] = CHI(b8, b9, b5);                                            \
		a[9] = CHI(b9, b5, b6);                                            \
		a[10] = CHI(b10, b11, b12);                                        \
		a[11] = CHI(b11, b12, b13);                                        \
		a[12] = CHI(b12, b13, b14);                                        \
		a[13] = CHI(b13, b14, b10);                                        \
		a[14] = CHI(b14, b10, b11);                                        \
		a[15] = CHI(b15, b16, b17);                                        \
		a[16] = CHI(b16, b17, b18);                                        \
		a[17] = CHI(b17, b18, b19);                                        \
		a[18] = CHI(b18, b19, b15);                                        \
		a[19] = CHI(b19, b15, b16);                                        \
		a[20] = CHI(b20, b21, b22);                                        \
		a[21] = CHI(b21, b22, b23);                                        \
		a[22] = CHI(b22, b23, b24);                                        \
		a[23] = CHI(b23, b24, b20);                                        \
		a[24] = CHI(b24, b20, b21);                                        \
	}

/* ---- one state: portable C ---- */

#define U64_XOR(x, y) ((x) ^ (y))
#define U64_XOR5(v, w, x, y, z) ((v) ^ (w) ^ (x) ^ (y) ^ (z))
#define U64_ROL(x, n) (((x) << (n)) | ((x) >> (64 - (n))))
#define U64_CHI(x, y, z) ((x) ^ (~(y) & (z)))
#define U64_IOTA(x, rc) ((x) ^ (rc))

static void keccak_f1600_x1(uint64_t state[STATE_WORDS])
{
	uint64_t a[STATE_WORDS];
	memcpy(a, state, sizeof(a));
	KECCAK_F1600(uint64_t, U64_XOR, U64_XOR5, U64_ROL, U64_CHI, U64_IOTA)
	memcpy(state, a, sizeof(a));
}

/* Keccak's words are little-endian whatever the CPU's order. */
static void words_from_le(uint64_t *words, size_t n)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	for (size_t w = 0; w < n; w++)
		words[w] = __builtin_bswap64(words[w]);
#else
	(void)words;
	(void)n;
#endif
}

/* The message's one block: its bytes, then SHAKE's padding, as words. */
static void pad_block(const ll_shake128_msg *m, uint64_t words[BLOCK_WORDS])
{
	memset(words, 0, BLOCK_WORDS * sizeof(*words));
	if (m->len)
		memcpy(words, m->data, m->len);
	words_from_le(words, BLOCK_WORDS);
	words[m->len / 8] ^= (uint64_t)SHAKE_PAD_FIRST << (8 * (m->len % 8));
	words[BLOCK_WORDS - 1] ^= (uint64_t)SHAKE_PAD_LAST << 56;
}

/* The first out_len bytes of the output, from the state's first words. */
static void squeeze(const uint64_t *words, unsigned char *out, size_t out_len)
{
	for (size_t i = 0; i < out_len; i++)
		out[i] = (unsigned char)(words[i / 8] >> (8 * (i % 8)));
}

static void shake_x1(const ll_shake128_msg *msgs, size_t count, unsigned char *out, size_t out_len)
{
	for (size_t i = 0; i < count; i++) {
		uint64_t state[STATE_WORDS] = { 0 };
		pad_block(&msgs[i], state);
		keccak_f1600_x1(state);
		squeeze(state, out + i * out_len, out_len);
	}
}

/* ---- several states at once ---- */

/* Keccak-f[1600] on `lanes` word-interleaved states. */
typedef void keccak_interleaved_fn(uint64_t *state);

/* Hashes the messages in groups of `lanes`, one permutation per group. */
static void shake_interleaved(size_t lanes, keccak_interleaved_fn *permute,
			      const ll_shake128_msg *msgs, size_t count, unsigned char *out,
			      size_t out_len)
{
	uint64_t state[STATE_WORDS * MAX_LANES];
	size_t out_words = (out_len + 7) / 8;
	for (size_t first = 0; first < count; first += lanes) {
		size_t n = count - first < lanes ? count - first : lanes;
		memset(state, 0, STATE_WORDS * lanes * sizeof(*state));
		for (size_t j = 0; j < n; j++) {
			uint64_t block[BLOCK_WORDS];
			pad_block(&msgs[first + j], block);
			for (size_t w = 0; w < BLOCK_WORDS; w++)
				state[w * lanes + j] = block[w];
		}
		permute(state);
		for (size_t j = 0; j < n; j++) {
			uint64_t words[BLOCK_WORDS];
			for (size_t w = 0; w < out_words; w++)
				words[w] = state[w * lanes + j];
			squeeze(words, out + (first + j) * out_len, out_len);
		}
	}
}

#if KECCAK_X86

#define V4_XOR(x, y) _mm256_xor_si256((x), (y))
#define V4_XOR5(v, w, x, y, z) V4_XOR(V4_XOR(V4_XOR((v), (w)), V4_XOR((x), (y))), (z))
#define V4_ROL(x, n) _mm256_or_si256(_mm256_slli_epi64((x), (n)), _mm256_srli_epi64((x), 64 - (n)))
#define V4_CHI(x, y, z) V4_XOR((x), _mm256_andnot_si256((y), (z)))
#define V4_IOTA(x, rc) V4_XOR((x), _mm256_set1_epi64x((long long)(rc)))

__attribute__((target("avx2"))) static void keccak_f1600_x4(uint64_t *state)
{
	__m256i a[STATE_WORDS];
	for (size_t w = 0; w < STATE_WORDS; w++)
		a[w] = _mm256_loadu_si256((const __m256i *)(state + 4 * w));
	KECCAK_F1600(__m256i, V4_XOR, V4_XOR5, V4_ROL, V4_CHI, V4_IOTA)
	for (size_t w = 0; w < STATE_WORDS; w++)
		_mm256_storeu_si256((__m256i *)(state + 4 * w), a[w]);
}

/* vpternlogq: 0x96 is x ^ y ^ z, 0xd2 is x ^ (~y & z) */
#define VL4_XOR3(x, y, z) _mm256_ternarylogic_epi64((x), (y), (z), 0x96)
#define VL4_XOR5(v, w, x, y, z) VL4_XOR3(VL4_XOR3((v), (w), (x)), (y), (z))
#define VL4_ROL(x, n) _mm256_rol_epi64((x), (n))
#define VL4_CHI(x, y, z) _mm256_ternarylogic_epi64((x), (y), (z), 0xd2)

__attribute__((target("avx512f,avx512vl"))) static void keccak_f1600_x4_vl(uint64_t *state)
{
	__m256i a[STATE_WORDS];
	for (size_t w = 0; w < STATE_WORDS; w++)
		a[w] = _mm256_loadu_si256((const __m256i *)(state + 4 * w));
	KECCAK_F1600(__m256i, V4_XOR, VL4_XOR5, VL4_ROL, VL4_CHI, V4_IOTA)
	for (size_t w = 0; w < STATE_WORDS; w++)
		_mm256_storeu_si256((__m256i *)(state + 4 * w), a[w]);
}


#define V8_XOR(x, y) _mm512_xor_si512((x), (y))
#define V8_XOR3(x, y, z) _mm512_ternarylogic_epi64((x), (y), (z), 0x96)
#define V8_XOR5(v, w, x, y, z) V8_XOR3(V8_XOR3((v), (w), (x)), (y), (z))
#define V8_ROL(x, n) _mm512_rol_epi64((x), (n))
#define V8_CHI(x, y, z) _mm512_ternarylogic_epi64((x), (y), (z), 0xd2)
#define V8_IOTA(x, rc) V8_XOR((x), _mm512_set1_epi64((long long)(rc)))

__attribute__((target("avx512f"))) static void keccak_f1600_x8(uint64_t *state)
{
	__m512i a[STATE_WORDS];
	for (size_t w = 0; w < STATE_WORDS; w++)
		a[w] = _mm512_loadu_si512(state + 8 * w);
	KECCAK_F1600(__m512i, V8_XOR, V8_XOR5, V8_ROL, V8_CHI, V8_IOTA)
	for (size_t w = 0; w < STATE_WORDS; w++)
		_mm512_storeu_si512(state + 8 * w, a[w]);
}

/*
 * Full groups of 8 in 512-bit vectors; a rest of up to 4 in 256-bit ones,
 * which cost 0.6 of a 512-bit permutation here (more ports take them).
 */
static void shake_avx512(const ll_shake128_msg *msgs, size_t count, unsigned char *out,
			 size_t out_len)
{
	size_t wide = count % 8 > 4 ? count : count - count % 8;
	shake_interleaved(8, keccak_f1600_x8, msgs, wide, out, out_len);
	shake_interleaved(4, keccak_f1600_x4_vl, msgs + wide, count - wide, out + wide * out_len,
			  out_len);
}

#endif

/* ---- choosing one ---- */

bool ll_keccak_impl_supported(ll_keccak_impl impl)
{
	switch (impl) {
	case LL_KECCAK_PORTABLE:
		return true;
#if KECCAK_X86
	case LL_KECCAK_AVX2:
		return __builtin_cpu_supports("avx2");
	case LL_KECCAK_AVX512:
		return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl");
#endif
	default:
		return false;
	}
}

ll_keccak_impl ll_keccak_best_impl(void)
{
	ll_keccak_impl best = LL_KECCAK_PORTABLE;
	for (int i = LL_KECCAK_PORTABLE + 1; i < LL_KECCAK_IMPL_COUNT_; i++) {
		if (ll_keccak_impl_supported((ll_keccak_impl)i))
			best = (ll_keccak_impl)i;
	}
	return best;
}

void ll_shake128_short_batch_with(ll_keccak_impl impl, const ll_shake128_msg *msgs, size_t count,
				  unsigned char *out, size_t out_len)
{
	if (!ll_keccak_impl_supported(impl))
		impl = LL_KECCAK_PORTABLE;
	switch (impl) {
#if KECCAK_X86
	case LL_KECCAK_AVX512:
		shake_avx512(msgs, count, out, out_len);
		return;
	case LL_KECCAK_AVX2:
		shake_interleaved(4, keccak_f1600_x4, msgs, count, out, out_len);
		return;
#endif
	default:
		shake_x1(msgs, count, out, out_len);
		return;
	}
}

void ll_shake128_short_batch(const ll_shake128_msg *msgs, size_t count, unsigned char *out,
			     size_t out_len)
{
	ll_shake128_short_batch_with(ll_keccak_best_impl(), msgs, count, out, out_len);
}
