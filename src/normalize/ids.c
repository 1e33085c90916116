/*
 * Row ids (`_dlt_id`) as dlt makes them: 10 bytes in the standard base64
 * alphabet without padding, 14 characters.
 *
 * A root row's id (ll_dlt_id, util/hash.h) stands for dlt's
 * uniq_id_base64(10): random-looking, but derived from the load id, the
 * table and the row's ordinal, so a re-extracted load reproduces the same
 * ids. A child row's id is dlt's
 * get_nested_row_hash: SHAKE-128 of "<parent _dlt_id>_<child table>_<list
 * index>", the first 10 bytes, so it depends only on its parent and place.
 */
#include "normalize/normalize_internal.h"

#include <openssl/evp.h>
#include <string.h>

#include "util/hash.h"

#define ID_BYTES 10

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

/* The digest is fetched once: EVP_shake128() in a DigestInit looks it up in
 * the provider tables under a lock on every call, once per nested row. */
static ll_status shake_ready(ll_normalizer *n, ll_error *err)
{
	if (!n->shake_md)
		n->shake_md = EVP_MD_fetch(NULL, "SHAKE128", NULL);
	if (n->shake_md && !n->shake)
		n->shake = EVP_MD_CTX_new();
	if (!n->shake_md || !n->shake)
		return ll_error_set(err, LL_EIO, "libcrypto has no SHAKE-128 for row ids");
	return LL_OK;
}

/* The message "<parent id>_<table>_<index>" in one buffer, hashed in one
 * update; a table name too long for the buffer goes in pieces. */
static bool hash_child_message(ll_normalizer *n, const char *parent_id, size_t parent_len,
			       const char *table, int64_t idx, unsigned char bytes[ID_BYTES])
{
	char msg[256];
	size_t table_len = strlen(table), len = 0;
	bool whole = parent_len + table_len + 24 <= sizeof(msg);
	if (EVP_DigestInit_ex2(n->shake, n->shake_md, NULL) != 1)
		return false;
	if (whole) {
		memcpy(msg, parent_id, parent_len);
		msg[parent_len] = '_';
		memcpy(msg + parent_len + 1, table, table_len);
		len = parent_len + 1 + table_len;
	} else if (EVP_DigestUpdate(n->shake, parent_id, parent_len) != 1 ||
		   EVP_DigestUpdate(n->shake, "_", 1) != 1 ||
		   EVP_DigestUpdate(n->shake, table, table_len) != 1) {
		return false;
	}
	msg[len] = '_';
	len += 1 + format_index(idx, msg + len + 1);
	return EVP_DigestUpdate(n->shake, msg, len) == 1 &&
	       EVP_DigestFinalXOF(n->shake, bytes, ID_BYTES) == 1;
}

ll_status ll_norm_child_id(ll_normalizer *n, const char *parent_id, size_t parent_len,
			   const char *table, int64_t idx, char out[15], ll_error *err)
{
	ll_status st = shake_ready(n, err);
	if (st != LL_OK)
		return st;
	unsigned char bytes[ID_BYTES];
	if (!hash_child_message(n, parent_id, parent_len, table, idx, bytes))
		return ll_error_set(err, LL_EIO, "SHAKE-128 failed for a row id of table %s", table);
	ll_dlt_id_encode(bytes, out);
	return LL_OK;
}
