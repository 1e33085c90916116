/*
 * Base64 encoding and strict decoding.
 */
#include "util/base64.h"

#include <stdint.h>

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

void ll_base64_encode_10_unpadded(const unsigned char in[10], char out[14])
{
	/* the 84 bits of 14 characters: bytes 0-7 in one word (one load and a
	 * byte swap), then bytes 8-9 and four zero bits; written out straight
	 * because compilers at -O2 keep short loops rolled */
	uint64_t hi = (uint64_t)in[0] << 56 | (uint64_t)in[1] << 48 | (uint64_t)in[2] << 40 |
		      (uint64_t)in[3] << 32 | (uint64_t)in[4] << 24 | (uint64_t)in[5] << 16 |
		      (uint64_t)in[6] << 8 | in[7];
	unsigned lo = (unsigned)(hi & 15) << 20 | (unsigned)in[8] << 12 | (unsigned)in[9] << 4;
	out[0] = alphabet[hi >> 58];
	out[1] = alphabet[(hi >> 52) & 63];
	out[2] = alphabet[(hi >> 46) & 63];
	out[3] = alphabet[(hi >> 40) & 63];
	out[4] = alphabet[(hi >> 34) & 63];
	out[5] = alphabet[(hi >> 28) & 63];
	out[6] = alphabet[(hi >> 22) & 63];
	out[7] = alphabet[(hi >> 16) & 63];
	out[8] = alphabet[(hi >> 10) & 63];
	out[9] = alphabet[(hi >> 4) & 63];
	out[10] = alphabet[lo >> 18];
	out[11] = alphabet[(lo >> 12) & 63];
	out[12] = alphabet[(lo >> 6) & 63];
	out[13] = alphabet[lo & 63];
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
