/*
 * Row ids (`_dlt_id`) as dlt makes them: 10 bytes in the standard base64
 * alphabet without padding, 14 characters.
 *
 * A root row's id stands for dlt's uniq_id_base64(10): random-looking, but
 * derived from the load id, the table and the row's ordinal, so a
 * re-extracted load reproduces the same ids. A child row's id is dlt's
 * get_nested_row_hash: SHAKE-128 of "<parent _dlt_id>_<child table>_<list
 * index>", the first 10 bytes, so it depends only on its parent and place.
 */
#include "normalize/normalize_internal.h"

#include <string.h>

#include "util/base64.h"
#include "util/hash.h"
#include "util/shake128.h"

#define ID_BYTES 10

/* Base64 of 10 bytes without its "==" padding. */
static bool encode_id(ll_normalizer *n, const unsigned char bytes[ID_BYTES], char out[15])
{
	ll_buf_clear(&n->idtext);
	ll_base64_encode(bytes, ID_BYTES, &n->idtext);
	if (ll_buf_oom(&n->idtext) || n->idtext.len < 14)
		return false;
	memcpy(out, n->idtext.data, 14);
	out[14] = '\0';
	return true;
}

ll_status ll_norm_root_id(ll_normalizer *n, uint64_t seed, uint64_t ordinal, char out[15],
			  ll_error *err)
{
	uint64_t x = ll_mix64(seed ^ ll_mix64(ordinal));
	uint64_t y = ll_mix64(ordinal + 0x632be59bd9b4e019ULL * (seed | 1));
	unsigned char bytes[ID_BYTES];
	for (int i = 0; i < 8; i++)
		bytes[i] = (unsigned char)(x >> (8 * i));
	bytes[8] = (unsigned char)y;
	bytes[9] = (unsigned char)(y >> 8);
	return encode_id(n, bytes, out) ? LL_OK : ll_error_oom(err);
}

/* Decimal digits of v, as Python's str(int) writes them; returns the length. */
static size_t format_index(int64_t v, char *out)
{
	char tmp[24];
	size_t n = 0;
	uint64_t mag = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	do {
		tmp[n++] = (char)('0' + mag % 10);
		mag /= 10;
	} while (mag);
	size_t len = 0;
	if (v < 0)
		out[len++] = '-';
	while (n)
		out[len++] = tmp[--n];
	return len;
}

ll_status ll_norm_child_id(ll_normalizer *n, const char *parent_id, size_t parent_len,
			   const char *table, int64_t idx, char out[15], ll_error *err)
{
	char tail[32];
	tail[0] = '_';
	size_t tail_len = 1 + format_index(idx, tail + 1);
	ll_shake128 shake;
	ll_shake128_init(&shake);
	ll_shake128_update(&shake, parent_id, parent_len);
	ll_shake128_update(&shake, "_", 1);
	ll_shake128_update(&shake, table, strlen(table));
	ll_shake128_update(&shake, tail, tail_len);
	unsigned char bytes[ID_BYTES];
	ll_shake128_final(&shake, bytes, ID_BYTES);
	return encode_id(n, bytes, out) ? LL_OK : ll_error_oom(err);
}
