/*
 * SHAKE-128: the Keccak-f[1600] sponge with a 168-byte rate and the domain
 * bits 1111 (0x1F), as FIPS 202 defines it. Lanes are little-endian 64-bit
 * words; bytes are XORed into them one by one, so the code does not depend
 * on the host's byte order.
 */
#include "util/shake128.h"

#include <string.h>

#define RATE 168 /* bytes: 1600 - 2 * 128 bits of capacity */
#define ROUNDS 24

static const uint64_t round_constants[ROUNDS] = {
	0x0000000000000001ULL, 0x0000000000008082ULL, 0x800000000000808aULL, 0x8000000080008000ULL,
	0x000000000000808bULL, 0x0000000080000001ULL, 0x8000000080008081ULL, 0x8000000000008009ULL,
	0x000000000000008aULL, 0x0000000000000088ULL, 0x0000000080008009ULL, 0x000000008000000aULL,
	0x000000008000808bULL, 0x800000000000008bULL, 0x8000000000008089ULL, 0x8000000000008003ULL,
	0x8000000000008002ULL, 0x8000000000000080ULL, 0x000000000000800aULL, 0x800000008000000aULL,
	0x8000000080008081ULL, 0x8000000000008080ULL, 0x0000000080000001ULL, 0x8000000080008008ULL,
};

static inline uint64_t rotl64(uint64_t x, unsigned n)
{
	return (x << n) | (x >> (64 - n));
}

/* One round per loop pass with every lane a local variable and every step
 * written out (the rotation offsets of FIPS 202 table 2 as constants), so
 * compilers keep the state in registers; loops over lane tables and state
 * arrays run several times slower. */
static void keccak_f1600(uint64_t st[25])
{
	uint64_t a0 = st[0], a1 = st[1], a2 = st[2], a3 = st[3], a4 = st[4];
	uint64_t a5 = st[5], a6 = st[6], a7 = st[7], a8 = st[8], a9 = st[9];
	uint64_t a10 = st[10], a11 = st[11], a12 = st[12], a13 = st[13], a14 = st[14];
	uint64_t a15 = st[15], a16 = st[16], a17 = st[17], a18 = st[18], a19 = st[19];
	uint64_t a20 = st[20], a21 = st[21], a22 = st[22], a23 = st[23], a24 = st[24];
	uint64_t b0, b1, b2, b3, b4, b5, b6, b7, b8, b9, b10, b11, b12;
	uint64_t b13, b14, b15, b16, b17, b18, b19, b20, b21, b22, b23, b24;
	uint64_t c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;
	for (int round = 0; round < ROUNDS; round++) {
		/* theta */
		c0 = a0 ^ a5 ^ a10 ^ a15 ^ a20;
		c1 = a1 ^ a6 ^ a11 ^ a16 ^ a21;
		c2 = a2 ^ a7 ^ a12 ^ a17 ^ a22;
		c3 = a3 ^ a8 ^ a13 ^ a18 ^ a23;
		c4 = a4 ^ a9 ^ a14 ^ a19 ^ a24;
		d0 = c4 ^ rotl64(c1, 1);
		d1 = c0 ^ rotl64(c2, 1);
		d2 = c1 ^ rotl64(c3, 1);
		d3 = c2 ^ rotl64(c4, 1);
		d4 = c3 ^ rotl64(c0, 1);
		/* rho and pi: B[y, 2x + 3y] = rot(A[x, y] ^ D[x], r[x, y]) */
		b0 = a0 ^ d0;
		b10 = rotl64(a1 ^ d1, 1);
		b20 = rotl64(a2 ^ d2, 62);
		b5 = rotl64(a3 ^ d3, 28);
		b15 = rotl64(a4 ^ d4, 27);
		b16 = rotl64(a5 ^ d0, 36);
		b1 = rotl64(a6 ^ d1, 44);
		b11 = rotl64(a7 ^ d2, 6);
		b21 = rotl64(a8 ^ d3, 55);
		b6 = rotl64(a9 ^ d4, 20);
		b7 = rotl64(a10 ^ d0, 3);
		b17 = rotl64(a11 ^ d1, 10);
		b2 = rotl64(a12 ^ d2, 43);
		b12 = rotl64(a13 ^ d3, 25);
		b22 = rotl64(a14 ^ d4, 39);
		b23 = rotl64(a15 ^ d0, 41);
		b8 = rotl64(a16 ^ d1, 45);
		b18 = rotl64(a17 ^ d2, 15);
		b3 = rotl64(a18 ^ d3, 21);
		b13 = rotl64(a19 ^ d4, 8);
		b14 = rotl64(a20 ^ d0, 18);
		b24 = rotl64(a21 ^ d1, 2);
		b9 = rotl64(a22 ^ d2, 61);
		b19 = rotl64(a23 ^ d3, 56);
		b4 = rotl64(a24 ^ d4, 14);
		/* chi */
		a0 = b0 ^ (~b1 & b2);
		a1 = b1 ^ (~b2 & b3);
		a2 = b2 ^ (~b3 & b4);
		a3 = b3 ^ (~b4 & b0);
		a4 = b4 ^ (~b0 & b1);
		a5 = b5 ^ (~b6 & b7);
		a6 = b6 ^ (~b7 & b8);
		a7 = b7 ^ (~b8 & b9);
		a8 = b8 ^ (~b9 & b5);
		a9 = b9 ^ (~b5 & b6);
		a10 = b10 ^ (~b11 & b12);
		a11 = b11 ^ (~b12 & b13);
		a12 = b12 ^ (~b13 & b14);
		a13 = b13 ^ (~b14 & b10);
		a14 = b14 ^ (~b10 & b11);
		a15 = b15 ^ (~b16 & b17);
		a16 = b16 ^ (~b17 & b18);
		a17 = b17 ^ (~b18 & b19);
		a18 = b18 ^ (~b19 & b15);
		a19 = b19 ^ (~b15 & b16);
		a20 = b20 ^ (~b21 & b22);
		a21 = b21 ^ (~b22 & b23);
		a22 = b22 ^ (~b23 & b24);
		a23 = b23 ^ (~b24 & b20);
		a24 = b24 ^ (~b20 & b21);
		/* iota */
		a0 ^= round_constants[round];
	}
	st[0] = a0; st[1] = a1; st[2] = a2; st[3] = a3; st[4] = a4;
	st[5] = a5; st[6] = a6; st[7] = a7; st[8] = a8; st[9] = a9;
	st[10] = a10; st[11] = a11; st[12] = a12; st[13] = a13; st[14] = a14;
	st[15] = a15; st[16] = a16; st[17] = a17; st[18] = a18; st[19] = a19;
	st[20] = a20; st[21] = a21; st[22] = a22; st[23] = a23; st[24] = a24;
}

static inline void xor_byte(ll_shake128 *s, size_t pos, unsigned char b)
{
	s->state[pos / 8] ^= (uint64_t)b << (8 * (pos % 8));
}

void ll_shake128_init(ll_shake128 *s)
{
	memset(s, 0, sizeof(*s));
}

void ll_shake128_update(ll_shake128 *s, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		xor_byte(s, s->pos, p[i]);
		if (++s->pos == RATE) {
			keccak_f1600(s->state);
			s->pos = 0;
		}
	}
}

void ll_shake128_final(ll_shake128 *s, unsigned char *out, size_t len)
{
	xor_byte(s, s->pos, 0x1F);
	xor_byte(s, RATE - 1, 0x80);
	keccak_f1600(s->state);
	for (size_t i = 0, pos = 0; i < len; i++, pos++) {
		if (pos == RATE) {
			keccak_f1600(s->state);
			pos = 0;
		}
		out[i] = (unsigned char)(s->state[pos / 8] >> (8 * (pos % 8)));
	}
}
