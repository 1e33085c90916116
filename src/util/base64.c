/*
 * Base64 encoding and strict decoding.
 *
 * The 10-byte encoder of every row id has two versions with the same
 * output: one in portable C with a table of character pairs, and one with
 * AVX-512 VBMI (vpmultishiftqb cuts the 6-bit groups, vpermb looks them up
 * in the alphabet held in a register), chosen at run time: the pair table
 * is 8 KiB that other work keeps evicting between ids.
 */
#include "util/base64.h"

#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define BASE64_X86 1
#include <immintrin.h>
#else
#define BASE64_X86 0
#endif

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void ll_base64_encode_to(const void *data, size_t len, char *out)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i += 3, out += 4) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < len)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		out[0] = alphabet[v >> 18];
		out[1] = alphabet[(v >> 12) & 63];
		out[2] = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
		out[3] = i + 2 < len ? alphabet[v & 63] : '=';
	}
}

/* Every two characters of the alphabet, at twice the 12 bits they encode:
 * the 10-byte encoder writes two characters per lookup. */
#define PAIR_ROW(c) \
	c "A" c "B" c "C" c "D" c "E" c "F" c "G" c "H" c "I" c "J" c "K" c "L" c "M" c "N" c "O" c "P" \
	c "Q" c "R" c "S" c "T" c "U" c "V" c "W" c "X" c "Y" c "Z" c "a" c "b" c "c" c "d" c "e" c "f" \
	c "g" c "h" c "i" c "j" c "k" c "l" c "m" c "n" c "o" c "p" c "q" c "r" c "s" c "t" c "u" c "v" \
	c "w" c "x" c "y" c "z" c "0" c "1" c "2" c "3" c "4" c "5" c "6" c "7" c "8" c "9" c "+" c "/"
static const char pairs[64 * 64 * 2 + 1] =
	PAIR_ROW("A") PAIR_ROW("B") PAIR_ROW("C") PAIR_ROW("D") PAIR_ROW("E") PAIR_ROW("F")
	PAIR_ROW("G") PAIR_ROW("H") PAIR_ROW("I") PAIR_ROW("J") PAIR_ROW("K") PAIR_ROW("L")
	PAIR_ROW("M") PAIR_ROW("N") PAIR_ROW("O") PAIR_ROW("P") PAIR_ROW("Q") PAIR_ROW("R")
	PAIR_ROW("S") PAIR_ROW("T") PAIR_ROW("U") PAIR_ROW("V") PAIR_ROW("W") PAIR_ROW("X")
	PAIR_ROW("Y") PAIR_ROW("Z") PAIR_ROW("a") PAIR_ROW("b") PAIR_ROW("c") PAIR_ROW("d")
	PAIR_ROW("e") PAIR_ROW("f") PAIR_ROW("g") PAIR_ROW("h") PAIR_ROW("i") PAIR_ROW("j")
	PAIR_ROW("k") PAIR_ROW("l") PAIR_ROW("m") PAIR_ROW("n") PAIR_ROW("o") PAIR_ROW("p")
	PAIR_ROW("q") PAIR_ROW("r") PAIR_ROW("s") PAIR_ROW("t") PAIR_ROW("u") PAIR_ROW("v")
	PAIR_ROW("w") PAIR_ROW("x") PAIR_ROW("y") PAIR_ROW("z") PAIR_ROW("0") PAIR_ROW("1")
	PAIR_ROW("2") PAIR_ROW("3") PAIR_ROW("4") PAIR_ROW("5") PAIR_ROW("6") PAIR_ROW("7")
	PAIR_ROW("8") PAIR_ROW("9") PAIR_ROW("+") PAIR_ROW("/");
#undef PAIR_ROW

static void put_pair(char *out, unsigned bits)
{
	memcpy(out, pairs + 2 * (bits & 0xfff), 2);
}

void ll_base64_encode_10_unpadded_portable(const unsigned char in[10], char out[14])
{
	/* the 84 bits of 14 characters: bytes 0-7 in one word (one load and a
	 * byte swap), then bytes 8-9 and four zero bits */
	uint64_t hi = (uint64_t)in[0] << 56 | (uint64_t)in[1] << 48 | (uint64_t)in[2] << 40 |
		      (uint64_t)in[3] << 32 | (uint64_t)in[4] << 24 | (uint64_t)in[5] << 16 |
		      (uint64_t)in[6] << 8 | in[7];
	put_pair(out, (unsigned)(hi >> 52));
	put_pair(out + 2, (unsigned)(hi >> 40));
	put_pair(out + 4, (unsigned)(hi >> 28));
	put_pair(out + 6, (unsigned)(hi >> 16));
	put_pair(out + 8, (unsigned)(hi >> 4));
	put_pair(out + 10, (unsigned)(hi & 15) << 8 | in[8]);
	put_pair(out + 12, (unsigned)in[9] << 4);
}

#if BASE64_X86

#define VBMI_TARGET "avx512f,avx512bw,avx512vl,avx512vbmi"

__attribute__((target(VBMI_TARGET))) static void encode_10_vbmi(const unsigned char in[10],
								char out[14])
{
	/* the 10 bytes and two zero ones: four groups of three. Two plain loads, not
	 * one masked: the caller has just stored the bytes, and only loads no
	 * wider than a store take their data from the store buffer (a masked
	 * load waits for the stores to retire, which triples the cost) */
	uint64_t head;
	uint16_t tail;
	memcpy(&head, in, 8);
	memcpy(&tail, in + 8, 2);
	__m128i bytes = _mm_insert_epi16(_mm_cvtsi64_si128((long long)head), tail, 4);
	/* each 32-bit lane gets its group's bytes b0 b1 b2 as b1 b0 b2 b1, so that
	 * every 6-bit character lies in 8 contiguous bits of the lane */
	__m128i lanes = _mm_permutexvar_epi8(
		_mm_setr_epi8(1, 0, 2, 1, 4, 3, 5, 4, 7, 6, 8, 7, 10, 9, 11, 10), bytes);
	/* those bits: at 10, 4, 22 and 16 in a lane (the top two are dropped by the lookup) */
	__m128i sextets = _mm_multishift_epi64_epi8(_mm_set1_epi64x(0x3036242a1016040aLL), lanes);
	__m512i chars = _mm512_permutexvar_epi8(_mm512_castsi128_si512(sextets),
						_mm512_loadu_si512(alphabet));
	/* 14 characters: the last two stand for the zero bytes */
	_mm_mask_storeu_epi8(out, 0x3fff, _mm512_castsi512_si128(chars));
}

static bool has_vbmi(void)
{
	static _Atomic int known = -1; /* asked once: a row id takes a few ns */
	int has = atomic_load_explicit(&known, memory_order_relaxed);
	if (has < 0) {
		has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
		      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512vbmi");
		atomic_store_explicit(&known, has, memory_order_relaxed);
	}
	return has;
}

#endif

void ll_base64_encode_10_unpadded(const unsigned char in[10], char out[14])
{
#if BASE64_X86
	if (has_vbmi()) {
		encode_10_vbmi(in, out);
		return;
	}
#endif
	ll_base64_encode_10_unpadded_portable(in, out);
}

void ll_base64_encode(const void *data, size_t len, ll_buf *out)
{
	size_t n = (len + 2) / 3 * 4;
	if (!ll_buf_reserve(out, n))
		return;
	ll_base64_encode_to(data, len, out->data + out->len);
	out->len += n;
	out->data[out->len] = '\0'; /* reserve keeps room for it, as every ll_buf is a C string */
}

static int decode_char(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

bool ll_base64_decode(const char *text, size_t len, ll_buf *out)
{
	if (len % 4)
		return false;
	for (size_t i = 0; i < len; i += 4) {
		int v[4];
		int pad = 0;
		for (int k = 0; k < 4; k++) {
			if (text[i + k] == '=' && i + 4 == len && k >= 2) {
				v[k] = 0;
				pad++;
			} else if (pad || (v[k] = decode_char(text[i + k])) < 0) {
				return false;
			}
		}
		unsigned w = (unsigned)v[0] << 18 | (unsigned)v[1] << 12 | (unsigned)v[2] << 6 | (unsigned)v[3];
		char b[3] = { (char)(w >> 16), (char)(w >> 8), (char)w };
		ll_buf_append(out, b, (size_t)(3 - pad));
	}
	return !ll_buf_oom(out);
}
