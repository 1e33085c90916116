/*
 * SHAKE-128 of short messages, several per permutation (see keccak.h).
 *
 * The permutation is written once, as a macro over the type of a state word
 * and its operations: uint64_t for the portable version, a vector of 4 or 8
 * words (word w of 4 or 8 independent states) for AVX2 and AVX-512, whose
 * vpternlogq does chi in one instruction and vprolq the rotations. The
 * vector versions are functions compiled for their instruction set alone
 * (target attributes), so the rest of the build stays generic and a CPU
 * without them never runs them: ll_keccak_impl_supported asks the CPU.
 * A group of messages is hashed by one function: each state word starts as
 * a vector of the lanes' block words, built from the messages in registers
 * (most are zero: the messages are short), and after the permutation the
 * state is stored word-interleaved (word w of lane j at state[w * lanes +
 * j]; the portable version is the case of one lane), from where the
 * digests' words are read, and no others.
 */
#include "util/keccak.h"

#include <stdatomic.h>
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
 * The state as 25 variables a0..a24 (word x + 5y), not an array: compilers
 * keep named vectors in registers more readily. LOAD(w) gives word w,
 * STORE(w, v) stores it.
 */
#define KECCAK_STATE_LOAD(T, LOAD)                                                        \
	T a0 = LOAD(0), a1 = LOAD(1), a2 = LOAD(2), a3 = LOAD(3), a4 = LOAD(4),           \
	  a5 = LOAD(5), a6 = LOAD(6), a7 = LOAD(7), a8 = LOAD(8), a9 = LOAD(9),           \
	  a10 = LOAD(10), a11 = LOAD(11), a12 = LOAD(12), a13 = LOAD(13), a14 = LOAD(14), \
	  a15 = LOAD(15), a16 = LOAD(16), a17 = LOAD(17), a18 = LOAD(18), a19 = LOAD(19), \
	  a20 = LOAD(20), a21 = LOAD(21), a22 = LOAD(22), a23 = LOAD(23), a24 = LOAD(24)

#define KECCAK_STATE_STORE(STORE)                                                         \
	STORE(0, a0); STORE(1, a1); STORE(2, a2); STORE(3, a3); STORE(4, a4);             \
	STORE(5, a5); STORE(6, a6); STORE(7, a7); STORE(8, a8); STORE(9, a9);             \
	STORE(10, a10); STORE(11, a11); STORE(12, a12); STORE(13, a13); STORE(14, a14);   \
	STORE(15, a15); STORE(16, a16); STORE(17, a17); STORE(18, a18); STORE(19, a19);   \
	STORE(20, a20); STORE(21, a21); STORE(22, a22); STORE(23, a23); STORE(24, a24)

/*
 * Rho, pi and chi of one output plane: its words e0..e4 from five words
 * w of the state, each XORed with its column's theta term d and rotated by
 * r (the temporaries are named after e0, so that planes do not clash).
 */
#define KECCAK_PLANE(T, XOR, ROL, CHI, e0, e1, e2, e3, e4, w0, d0, r0, w1, d1, r1, w2, d2, r2, \
		     w3, d3, r3, w4, d4, r4)                                                   \
	T b0##e0 = ROL(XOR(w0, d0), r0), b1##e0 = ROL(XOR(w1, d1), r1),                        \
	  b2##e0 = ROL(XOR(w2, d2), r2), b3##e0 = ROL(XOR(w3, d3), r3),                        \
	  b4##e0 = ROL(XOR(w4, d4), r4);                                                       \
	T e0 = CHI(b0##e0, b1##e0, b2##e0), e1 = CHI(b1##e0, b2##e0, b3##e0),                  \
	  e2 = CHI(b2##e0, b3##e0, b4##e0), e3 = CHI(b3##e0, b4##e0, b0##e0),                  \
	  e4 = CHI(b4##e0, b0##e0, b1##e0)

/*
 * Keccak-f[1600] on the state a0..a24: 24 rounds of theta, then rho, pi
 * and chi one output plane at a time (into e0..e24, so that few words are
 * live at once) and iota. CHI(x, y, z) is x ^ (~y & z); ROL rotates left by
 * 0..63.
 */
#define KECCAK_F1600(T, XOR, XOR5, ROL, CHI, IOTA)                                             \
	for (int round = 0; round < 24; round++) {                                             \
		T c0 = XOR5(a0, a5, a10, a15, a20);                                            \
		T c1 = XOR5(a1, a6, a11, a16, a21);                                            \
		T c2 = XOR5(a2, a7, a12, a17, a22);                                            \
		T c3 = XOR5(a3, a8, a13, a18, a23);                                            \
		T c4 = XOR5(a4, a9, a14, a19, a24);                                            \
		T d0 = XOR(c4, ROL(c1, 1));                                                    \
		T d1 = XOR(c0, ROL(c2, 1));                                                    \
		T d2 = XOR(c1, ROL(c3, 1));                                                    \
		T d3 = XOR(c2, ROL(c4, 1));                                                    \
		T d4 = XOR(c3, ROL(c0, 1));                                                    \
		KECCAK_PLANE(T, XOR, ROL, CHI, e0, e1, e2, e3, e4,                             \
			     a0, d0, 0, a6, d1, 44, a12, d2, 43, a18, d3, 21, a24, d4, 14);    \
		KECCAK_PLANE(T, XOR, ROL, CHI, e5, e6, e7, e8, e9,                             \
			     a3, d3, 28, a9, d4, 20, a10, d0, 3, a16, d1, 45, a22, d2, 61);    \
		KECCAK_PLANE(T, XOR, ROL, CHI, e10, e11, e12, e13, e14,                        \
			     a1, d1, 1, a7, d2, 6, a13, d3, 25, a19, d4, 8, a20, d0, 18);      \
		KECCAK_PLANE(T, XOR, ROL, CHI, e15, e16, e17, e18, e19,                        \
			     a4, d4, 27, a5, d0, 36, a11, d1, 10, a17, d2, 15, a23, d3, 56);   \
		KECCAK_PLANE(T, XOR, ROL, CHI, e20, e21, e22, e23, e24,                        \
			     a2, d2, 62, a8, d3, 55, a14, d4, 39, a15, d0, 41, a21, d1, 2);    \
		a0 = IOTA(e0, keccak_rc[round]); a1 = e1; a2 = e2; a3 = e3; a4 = e4;           \
		a5 = e5; a6 = e6; a7 = e7; a8 = e8; a9 = e9;                                   \
		a10 = e10; a11 = e11; a12 = e12; a13 = e13; a14 = e14;                         \
		a15 = e15; a16 = e16; a17 = e17; a18 = e18; a19 = e19;                         \
		a20 = e20; a21 = e21; a22 = e22; a23 = e23; a24 = e24;                         \
	}

/* ---- absorbing and squeezing ---- */

/* Keccak's words are little-endian whatever the CPU's order. */
static uint64_t load_le64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof(v));
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

/*
 * A message's one block, as the words a state is loaded with: the message's
 * whole words are read where they lie, the word holding its last bytes and
 * SHAKE's first padding byte is made once, the rest are zero (but for the
 * last padding bit). Nothing is copied or cleared in memory, and no vector
 * is loaded from narrower stores, which the CPU cannot forward.
 */
typedef struct block_words {
	const unsigned char *data;
	size_t full;   /* whole words of message */
	uint64_t tail; /* word `full`: the last len % 8 bytes and the padding byte */
} block_words;

static block_words block_words_of(const ll_shake128_msg *m)
{
	const unsigned char *p = m->data;
	size_t full = m->len / 8, rest = m->len % 8;
	uint64_t tail = 0;
	if (rest && m->len >= 8) {
		/* the 8 bytes that end the message, shifted down to its last `rest` */
		tail = load_le64(p + m->len - 8) >> (8 * (8 - rest));
	} else {
		for (size_t i = 0; i < rest; i++)
			tail |= (uint64_t)p[i] << (8 * i);
	}
	tail ^= (uint64_t)SHAKE_PAD_FIRST << (8 * rest);
	return (block_words){ p, full, tail };
}

/* Word w (0..BLOCK_WORDS - 1) of the block. */
static inline uint64_t block_word(const block_words *b, size_t w)
{
	uint64_t v = w < b->full ? load_le64(b->data + 8 * w) : w == b->full ? b->tail : 0;
	return w == BLOCK_WORDS - 1 ? v ^ (uint64_t)SHAKE_PAD_LAST << 56 : v;
}

/*
 * The blocks of n messages in `lanes` lanes (lanes past n hash an empty
 * block, to no one); returns how many leading words any of them fills: the
 * words from there up to the last are zero in every lane.
 */
static size_t blocks_of(const ll_shake128_msg *msgs, size_t n, block_words *b, size_t lanes)
{
	size_t words = 0;
	for (size_t j = 0; j < lanes; j++) {
		b[j] = j < n ? block_words_of(&msgs[j]) : (block_words){ NULL, 0, 0 };
		if (b[j].full + 1 > words)
			words = b[j].full + 1;
	}
	return words;
}

/* Whether state word w has message bytes in some lane (or the last padding bit). */
#define BLOCK_HAS_WORD(w) ((w) < words || (w) == BLOCK_WORDS - 1)

/*
 * The first len (1..8) bytes of word v, in Keccak's order: a whole word, or
 * pieces of 4, 2 and 1 bytes, so that a caller's loads of a digest (a row
 * id's 8 and 2 bytes) find each in one store and take it from the store
 * buffer, where loads over several byte stores wait for them to retire.
 */
static void store_le_bytes(unsigned char *out, uint64_t v, size_t len)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	for (size_t i = 0; i < len; i++)
		out[i] = (unsigned char)(v >> (8 * i));
#else
	if (len == 8) {
		memcpy(out, &v, 8);
		return;
	}
	size_t at = 0;
	if (len & 4) {
		uint32_t piece = (uint32_t)v;
		memcpy(out, &piece, 4);
		at = 4;
	}
	if (len & 2) {
		uint16_t piece = (uint16_t)(v >> (8 * at));
		memcpy(out + at, &piece, 2);
		at += 2;
	}
	if (len & 1)
		out[at] = (unsigned char)(v >> (8 * at));
#endif
}

/*
 * The first out_len bytes of the output of each of n lanes, from `lanes`
 * word-interleaved states (word w of lane j at state[w * lanes + j]): whole
 * words at once, and only the words asked for.
 */
static void squeeze(const uint64_t *state, size_t lanes, size_t n, unsigned char *out,
		    size_t out_len)
{
	for (size_t j = 0; j < n; j++, out += out_len) {
		for (size_t i = 0; i < out_len; i += 8) {
			size_t len = out_len - i < 8 ? out_len - i : 8;
			store_le_bytes(out + i, state[i / 8 * lanes + j], len);
		}
	}
}

/*
 * SHAKE-128 of the n (at most `lanes`) messages msgs in one permutation,
 * their digests to out: T is the state word's type, LOAD(w) word w of every
 * lane's block (from the variables `b` and `words` that blocks_of fills),
 * STORE(w, v) stores word w into `state`, the others as in KECCAK_F1600.
 */
#define SHAKE_GROUP(lanes, T, LOAD, XOR, XOR5, ROL, CHI, IOTA, STORE) \
	block_words b[lanes];                                          \
	size_t words = blocks_of(msgs, n, b, lanes);                   \
	KECCAK_STATE_LOAD(T, LOAD);                                    \
	KECCAK_F1600(T, XOR, XOR5, ROL, CHI, IOTA)                     \
	uint64_t state[STATE_WORDS * (lanes)];                         \
	KECCAK_STATE_STORE(STORE);                                     \
	squeeze(state, lanes, n, out, out_len)

/* Hashes `count` messages in groups of `lanes`, one call of `group` each. */
typedef void shake_group_fn(const ll_shake128_msg *msgs, size_t n, unsigned char *out,
			    size_t out_len);

static void shake_groups(size_t lanes, shake_group_fn *group, const ll_shake128_msg *msgs,
			 size_t count, unsigned char *out, size_t out_len)
{
	for (size_t first = 0; first < count; first += lanes) {
		size_t n = count - first < lanes ? count - first : lanes;
		group(msgs + first, n, out + first * out_len, out_len);
	}
}

/* ---- one state: portable C ---- */

#define U64_XOR(x, y) ((x) ^ (y))
#define U64_XOR5(v, w, x, y, z) ((v) ^ (w) ^ (x) ^ (y) ^ (z))
#define U64_ROL(x, n) (((x) << (n)) | ((x) >> ((64 - (n)) & 63)))
#define U64_CHI(x, y, z) ((x) ^ (~(y) & (z)))
#define U64_IOTA(x, rc) ((x) ^ (rc))
#define U64_LOAD(w) (BLOCK_HAS_WORD(w) ? block_word(&b[0], w) : 0)
#define U64_STORE(w, v) state[w] = (v)

static void shake_x1(const ll_shake128_msg *msgs, size_t n, unsigned char *out, size_t out_len)
{
	SHAKE_GROUP(1, uint64_t, U64_LOAD, U64_XOR, U64_XOR5, U64_ROL, U64_CHI, U64_IOTA, U64_STORE);
}

#if KECCAK_X86

/* ---- 4 states in 256-bit vectors: AVX2 ---- */

#define V4_XOR(x, y) _mm256_xor_si256((x), (y))
#define V4_XOR5(v, w, x, y, z) V4_XOR(V4_XOR(V4_XOR((v), (w)), V4_XOR((x), (y))), (z))
/* rho's rotation by 0 is no instruction at all, those by 8 and 56 one byte shuffle */
#define V4_ROL(x, n)                                                                             \
	((n) == 0    ? (x)                                                                       \
	 : (n) == 8  ? _mm256_shuffle_epi8((x), _mm256_setr_epi8(V4_ROL8_BYTES, V4_ROL8_BYTES))   \
	 : (n) == 56 ? _mm256_shuffle_epi8((x), _mm256_setr_epi8(V4_ROR8_BYTES, V4_ROR8_BYTES))   \
		     : _mm256_or_si256(_mm256_slli_epi64((x), (n)), _mm256_srli_epi64((x), 64 - (n))))
/* the bytes of two words rotated left, and right, by one byte (a 128-bit lane's shuffle) */
#define V4_ROL8_BYTES 7, 0, 1, 2, 3, 4, 5, 6, 15, 8, 9, 10, 11, 12, 13, 14
#define V4_ROR8_BYTES 1, 2, 3, 4, 5, 6, 7, 0, 9, 10, 11, 12, 13, 14, 15, 8
#define V4_CHI(x, y, z) V4_XOR((x), _mm256_andnot_si256((y), (z)))
#define V4_IOTA(x, rc) V4_XOR((x), _mm256_set1_epi64x((long long)(rc)))
#define V4_LOAD(w)                                                                            \
	(BLOCK_HAS_WORD(w) ? _mm256_set_epi64x((long long)block_word(&b[3], w),               \
					       (long long)block_word(&b[2], w),               \
					       (long long)block_word(&b[1], w),               \
					       (long long)block_word(&b[0], w))               \
			   : _mm256_setzero_si256())
#define V4_STORE(w, v) _mm256_storeu_si256((__m256i *)(state + 4 * (w)), (v))

__attribute__((target("avx2"))) static void shake_x4(const ll_shake128_msg *msgs, size_t n,
						     unsigned char *out, size_t out_len)
{
	SHAKE_GROUP(4, __m256i, V4_LOAD, V4_XOR, V4_XOR5, V4_ROL, V4_CHI, V4_IOTA, V4_STORE);
}

/* ---- AVX-512: 4 states in 256-bit vectors (VL), 8 in 512-bit ones ---- */

/*
 * vpternlogq (0xd2 is x ^ (~y & z)) and vprolq run on fewer ports than a
 * plain XOR (Zen 4), and the permutation is bound by them: theta's sums stay
 * plain XORs, and rho's rotation by 0 is left out, which makes a 4-lane
 * permutation 8% faster than with the sums as ternary XORs.
 */
#define VL4_ROL(x, n) ((n) ? _mm256_rol_epi64((x), (n)) : (x))
#define VL4_CHI(x, y, z) _mm256_ternarylogic_epi64((x), (y), (z), 0xd2)

__attribute__((target("avx512f,avx512vl"))) static void
shake_x4_vl(const ll_shake128_msg *msgs, size_t n, unsigned char *out, size_t out_len)
{
	SHAKE_GROUP(4, __m256i, V4_LOAD, V4_XOR, V4_XOR5, VL4_ROL, VL4_CHI, V4_IOTA, V4_STORE);
}

#define V8_XOR(x, y) _mm512_xor_si512((x), (y))
#define V8_XOR5(v, w, x, y, z) V8_XOR(V8_XOR(V8_XOR((v), (w)), V8_XOR((x), (y))), (z))
#define V8_ROL(x, n) ((n) ? _mm512_rol_epi64((x), (n)) : (x))
#define V8_CHI(x, y, z) _mm512_ternarylogic_epi64((x), (y), (z), 0xd2)
#define V8_IOTA(x, rc) V8_XOR((x), _mm512_set1_epi64((long long)(rc)))
#define V8_LOAD(w)                                                                           \
	(BLOCK_HAS_WORD(w)                                                                   \
		 ? _mm512_set_epi64((long long)block_word(&b[7], w), (long long)block_word(&b[6], w), \
				    (long long)block_word(&b[5], w), (long long)block_word(&b[4], w), \
				    (long long)block_word(&b[3], w), (long long)block_word(&b[2], w), \
				    (long long)block_word(&b[1], w), (long long)block_word(&b[0], w)) \
		 : _mm512_setzero_si512())
#define V8_STORE(w, v) _mm512_storeu_si512(state + 8 * (w), (v))

__attribute__((target("avx512f"))) static void shake_x8(const ll_shake128_msg *msgs, size_t n,
						       unsigned char *out, size_t out_len)
{
	SHAKE_GROUP(8, __m512i, V8_LOAD, V8_XOR, V8_XOR5, V8_ROL, V8_CHI, V8_IOTA, V8_STORE);
}

/*
 * Full groups of 8 in 512-bit vectors; a rest of up to 4 in 256-bit ones,
 * which cost 0.6 of a 512-bit permutation here (more ports take them).
 */
static void shake_avx512(const ll_shake128_msg *msgs, size_t count, unsigned char *out,
			 size_t out_len)
{
	size_t wide = count % 8 > 4 ? count : count - count % 8;
	shake_groups(8, shake_x8, msgs, wide, out, out_len);
	shake_groups(4, shake_x4_vl, msgs + wide, count - wide, out + wide * out_len, out_len);
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

/* Hashes with impl, which the CPU runs. */
static void shake_with(ll_keccak_impl impl, const ll_shake128_msg *msgs, size_t count,
		       unsigned char *out, size_t out_len)
{
	switch (impl) {
#if KECCAK_X86
	case LL_KECCAK_AVX512:
		shake_avx512(msgs, count, out, out_len);
		return;
	case LL_KECCAK_AVX2:
		shake_groups(4, shake_x4, msgs, count, out, out_len);
		return;
#endif
	default:
		shake_groups(1, shake_x1, msgs, count, out, out_len);
		return;
	}
}

void ll_shake128_short_batch_with(ll_keccak_impl impl, const ll_shake128_msg *msgs, size_t count,
				  unsigned char *out, size_t out_len)
{
	shake_with(ll_keccak_impl_supported(impl) ? impl : LL_KECCAK_PORTABLE, msgs, count, out,
		   out_len);
}

void ll_shake128_short_batch(const ll_shake128_msg *msgs, size_t count, unsigned char *out,
			     size_t out_len)
{
	/* asked once: the CPU's features do not change, and a batch is a few hundred ns */
	static _Atomic int best = -1;
	int impl = atomic_load_explicit(&best, memory_order_relaxed);
	if (impl < 0) {
		impl = (int)ll_keccak_best_impl();
		atomic_store_explicit(&best, impl, memory_order_relaxed);
	}
	shake_with((ll_keccak_impl)impl, msgs, count, out, out_len);
}
