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
 *
 * Child ids are hashed in batches (util/keccak hashes several messages per
 * permutation): the record walk adds every row of every list a row holds
 * (for root rows, of all the rows of a batch of records), hashes them at
 * once, and then walks the lists. The ids wait on a stack
 * beside the pending lists; a message too long for one SHAKE block (a very
 * long table name or record-given parent id) goes through libcrypto.
 */
#include "normalize/normalize_internal.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "util/hash.h"
#include "util/keccak.h"

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

/* "<parent id>_<table>_<digits>" through libcrypto: a message longer than one block. */
static ll_status hash_long_message(ll_normalizer *n, const char *parent_id, size_t parent_len,
				   const char *table, const char *digits, size_t ndigits,
				   unsigned char bytes[ID_BYTES], ll_error *err)
{
	ll_status st = shake_ready(n, err);
	if (st != LL_OK)
		return st;
	if (EVP_DigestInit_ex2(n->shake, n->shake_md, NULL) != 1 ||
	    EVP_DigestUpdate(n->shake, parent_id, parent_len) != 1 ||
	    EVP_DigestUpdate(n->shake, "_", 1) != 1 ||
	    EVP_DigestUpdate(n->shake, table, strlen(table)) != 1 ||
	    EVP_DigestUpdate(n->shake, "_", 1) != 1 ||
	    EVP_DigestUpdate(n->shake, digits, ndigits) != 1 ||
	    EVP_DigestFinalXOF(n->shake, bytes, ID_BYTES) != 1)
		return ll_error_set(err, LL_EIO, "SHAKE-128 failed for a row id of table %s", table);
	return LL_OK;
}

/* Room on the id stack for count more ids. */
static bool ids_reserve(ll_norm_child_ids *c, size_t count)
{
	if (count <= c->cap - c->count)
		return true;
	size_t cap = c->cap ? c->cap : 64;
	while (cap - c->count < count)
		cap *= 2;
	char(*ids)[15] = realloc(c->ids, cap * sizeof(*ids));
	if (!ids)
		return false;
	c->ids = ids;
	c->cap = cap;
	return true;
}

/* Hashes the messages waiting in the queue into their ids. */
static void hash_queued(ll_norm_child_ids *c)
{
	unsigned char bytes[LL_NORM_ID_QUEUE * ID_BYTES];
	ll_shake128_short_batch(c->queued, c->nqueued, bytes, ID_BYTES);
	for (size_t i = 0; i < c->nqueued; i++)
		ll_dlt_id_encode(bytes + i * ID_BYTES, c->ids[c->slot[i]]);
	c->nqueued = 0;
}

/*
 * One row's id: its message "<parent id>_<table>_<index>" queued when it fits
 * one SHAKE block, else hashed now. The message is written from the parent
 * id and the name where they lie, not from a prefix built just before: a
 * copy would load it over several fresh stores, which the CPU cannot
 * forward, and wait for them to retire.
 */
static ll_status add_row(ll_normalizer *n, const char *parent_id, size_t parent_len,
			 const char *table, size_t table_len, int64_t idx, size_t slot,
			 ll_error *err)
{
	ll_norm_child_ids *c = &n->child_ids;
	char digits[24];
	size_t ndigits = format_index(idx, digits);
	size_t prefix_len = parent_len + table_len + 2;
	if (prefix_len + ndigits > LL_SHAKE128_SHORT_MAX) {
		unsigned char bytes[ID_BYTES];
		ll_status st = hash_long_message(n, parent_id, parent_len, table, digits, ndigits,
						 bytes, err);
		if (st == LL_OK)
			ll_dlt_id_encode(bytes, c->ids[slot]);
		return st;
	}
	unsigned char *msg = c->msg[c->nqueued];
	memcpy(msg, parent_id, parent_len);
	msg[parent_len] = '_';
	memcpy(msg + parent_len + 1, table, table_len);
	msg[prefix_len - 1] = '_';
	for (size_t i = 0; i < ndigits; i++)
		msg[prefix_len + i] = (unsigned char)digits[i];
	c->queued[c->nqueued] = (ll_shake128_msg){ msg, prefix_len + ndigits };
	c->slot[c->nqueued++] = slot;
	if (c->nqueued == LL_NORM_ID_QUEUE)
		hash_queued(c);
	return LL_OK;
}

ll_status ll_norm_child_ids_add(ll_normalizer *n, const char *parent_id, size_t parent_len,
				uint32_t table, size_t count, size_t *first, ll_error *err)
{
	ll_norm_child_ids *c = &n->child_ids;
	if (!ids_reserve(c, count))
		return ll_error_oom(err);
	*first = c->count;
	c->count += count;
	const char *name = n->tables[table].t->name;
	size_t name_len = n->tables[table].name_len;
	for (size_t i = 0; i < count; i++) {
		ll_status st = add_row(n, parent_id, parent_len, name, name_len, (int64_t)i,
				       *first + i, err);
		if (st != LL_OK)
			return st;
	}
	return LL_OK;
}

void ll_norm_child_ids_hash(ll_normalizer *n)
{
	if (n->child_ids.nqueued)
		hash_queued(&n->child_ids);
}

void ll_norm_child_ids_free(ll_normalizer *n)
{
	free(n->child_ids.ids);
	EVP_MD_CTX_free(n->shake);
	EVP_MD_free(n->shake_md);
}
