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

/* One round per loop pass with every lane step written out (the rotation
 * offsets of FIPS 202 table 2 as constants), which compilers keep in
 * registers; a loop over lane tables runs several times slower. */
static void keccak_f1600(uint64_t st[25])
{
	uint64_t a[25], b[25], c[5], d[5];
	memcpy(a, st, sizeof(a));
	for (int round = 0; round < ROUNDS; round++) {
		/* theta */
		c[0] = a[0] ^ a[5] ^ a[10] ^ a[15] ^ a[20];
		c[1] = a[1] ^ a[6] ^ a[11] ^ a[16] ^ a[21];
		c[2] = a[2] ^ a[7] ^ a[12] ^ a[17] ^ a[22];
		c[3] = a[3] ^ a[8] ^ a[13] ^ a[18] ^ a[23];
		c[4] = a[4] ^ a[9] ^ a[14] ^ a[19] ^ a[24];
		d[0] = c[4] ^ rotl64(c[1], 1);
		d[1] = c[0] ^ rotl64(c[2], 1);
		d[2] = c[1] ^ rotl64(c[3], 1);
		d[3] = c[2] ^ rotl64(c[4], 1);
		d[4] = c[3] ^ rotl64(c[0], 1);
		/* rho and pi: B[y, 2x + 3y] = rot(A[x, y] ^ D[x], r[x, y]) */
		b[0] = a[0] ^ d[0];
		b[10] = rotl64(a[1] ^ d[1], 1);
		b[20] = rotl64(a[2] ^ d[2], 62);
		b[5] = rotl64(a[3] ^ d[3], 28);
		b[15] = rotl64(a[4] ^ d[4], 27);
		b[16] = rotl64(a[5] ^ d[0], 36);
		b[1] = rotl64(a[6] ^ d[1], 44);
		b[11] = rotl64(a[7] ^ d[2], 6);
		b[21] = rotl64(a[8] ^ d[3], 55);
		b[6] = rotl64(a[9] ^ d[4], 20);
		b[7] = rotl64(a[10] ^ d[0], 3);
		b[17] = rotl64(a[11] ^ d[1], 10);
		b[2] = rotl64(a[12] ^ d[2], 43);
		b[12] = rotl64(a[13] ^ d[3], 25);
		b[22] = rotl64(a[14] ^ d[4], 39);
		b[23] = rotl64(a[15] ^ d[0], 41);
		b[8] = rotl64(a[16] ^ d[1], 45);
		b[18] = rotl64(a[17] ^ d[2], 15);
		b[3] = rotl64(a[18] ^ d[3], 21);
		b[13] = rotl64(a[19] ^ d[4], 8);
		b[14] = rotl64(a[20] ^ d[0], 18);
		b[24] = rotl64(a[21] ^ d[1], 2);
		b[9] = rotl64(a[22] ^ d[2], 61);
		b[19] = rotl64(a[23] ^ d[3], 56);
		b[4] = rotl64(a[24] ^ d[4], 14);
		/* chi */
		a[0] = b[0] ^ (~b[1] & b[2]);
		a[1] = b[1] ^ (~b[2] & b[3]);
		a[2] = b[2] ^ (~b[3] & b[4]);
		a[3] = b[3] ^ (~b[4] & b[0]);
		a[4] = b[4] ^ (~b[0] & b[1]);
		a[5] = b[5] ^ (~b[6] & b[7]);
		a[6] = b[6] ^ (~b[7] & b[8]);
		a[7] = b[7] ^ (~b[8] & b[9]);
		a[8] = b[8] ^ (~b[9] & b[5]);
		a[9] = b[9] ^ (~b[5] & b[6]);
		a[10] = b[10] ^ (~b[11] & b[12]);
		a[11] = b[11] ^ (~b[12] & b[13]);
		a[12] = b[12] ^ (~b[13] & b[14]);
		a[13] = b[13] ^ (~b[14] & b[10]);
		a[14] = b[14] ^ (~b[10] & b[11]);
		a[15] = b[15] ^ (~b[16] & b[17]);
		a[16] = b[16] ^ (~b[17] & b[18]);
		a[17] = b[17] ^ (~b[18] & b[19]);
		a[18] = b[18] ^ (~b[19] & b[15]);
		a[19] = b[19] ^ (~b[15] & b[16]);
		a[20] = b[20] ^ (~b[21] & b[22]);
		a[21] = b[21] ^ (~b[22] & b[23]);
		a[22] = b[22] ^ (~b[23] & b[24]);
		a[23] = b[23] ^ (~b[24] & b[20]);
		a[24] = b[24] ^ (~b[20] & b[21]);
		/* iota */
		a[0] ^= round_constants[round];
	}
	memcpy(st, a, sizeof(a));
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
