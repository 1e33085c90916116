/*
 * Hashing: word-at-a-time multiply-xorshift with a strong final mix.
 */
#include "util/hash.h"

#include <string.h>

#include "util/base64.h"

uint64_t ll_hash64(const void *data, size_t len, uint64_t seed)
{
	const unsigned char *p = data;
	uint64_t h = ll_mix64(seed ^ (len * 0x9e3779b97f4a7c15ULL));
	while (len >= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		h = (h ^ ll_mix64(w)) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
		p += 8;
		len -= 8;
	}
	uint64_t tail = 0;
	memcpy(&tail, p, len);
	h ^= ll_mix64(tail ^ ((uint64_t)len << 56));
	return ll_mix64(h);
}

void ll_row_id(uint64_t a, uint64_t b, char out[15])
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	uint64_t x = ll_mix64(a ^ ll_mix64(b));
	uint64_t y = ll_mix64(b + 0x632be59bd9b4e019ULL * (a | 1));
	for (int i = 0; i < 10; i++) {
		out[i] = alphabet[x & 63];
		x >>= 6;
	}
	for (int i = 10; i < 14; i++) {
		out[i] = alphabet[y & 63];
		y >>= 6;
	}
	out[14] = '\0';
}

void ll_dlt_id_encode(const unsigned char bytes[10], char out[15])
{
	ll_base64_encode_10_unpadded(bytes, out);
	out[14] = '\0';
}

void ll_dlt_id(uint64_t a, uint64_t b, char out[15])
{
	uint64_t x = ll_mix64(a ^ ll_mix64(b));
	uint64_t y = ll_mix64(b + 0x632be59bd9b4e019ULL * (a | 1));
	/* x's bytes least significant first, then y's low two (a little-endian host, as the
	 * Parquet writer requires): stored as whole words, which the encoder's wide loads
	 * right after can take from the store buffer, where byte stores make them wait */
	unsigned char bytes[10];
	uint16_t low = (uint16_t)y;
	memcpy(bytes, &x, 8);
	memcpy(bytes + 8, &low, 2);
	ll_dlt_id_encode(bytes, out);
}
