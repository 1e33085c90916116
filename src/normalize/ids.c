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
#include <stdio.h>
#include <string.h>

#include "util/hash.h"

#define ID_BYTES 10

ll_status ll_norm_child_id(ll_normalizer *n, const char *parent_id, size_t parent_len,
			   const char *table, int64_t idx, char out[15], ll_error *err)
{
	if (!n->shake) {
		n->shake = EVP_MD_CTX_new();
		if (!n->shake)
			return ll_error_oom(err);
	}
	char tail[32];
	int tail_len = snprintf(tail, sizeof(tail), "_%lld", (long long)idx);
	unsigned char bytes[ID_BYTES];
	if (EVP_DigestInit_ex(n->shake, EVP_shake128(), NULL) != 1 ||
	    EVP_DigestUpdate(n->shake, parent_id, parent_len) != 1 ||
	    EVP_DigestUpdate(n->shake, "_", 1) != 1 ||
	    EVP_DigestUpdate(n->shake, table, strlen(table)) != 1 ||
	    EVP_DigestUpdate(n->shake, tail, (size_t)tail_len) != 1 ||
	    EVP_DigestFinalXOF(n->shake, bytes, ID_BYTES) != 1)
		return ll_error_set(err, LL_EIO, "SHAKE-128 failed for a row id of table %s", table);
	ll_dlt_id_encode(bytes, out);
	return LL_OK;
}
