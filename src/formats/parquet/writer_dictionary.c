/*
 * Growable arrays and the per-chunk dictionary of the Parquet writer.
 *
 * The dictionary maps a value to its entry index with an open-addressing
 * table (linear probing, at most half full) of entry index + 1. Entries are
 * kept in insertion order, already PLAIN-encoded, so the dictionary page is
 * the values array as it stands. Fixed-width values are hashed by ll_mix64
 * when they are one machine word (the mixer ll_hash64 itself finishes with)
 * and by ll_hash64 otherwise; byte arrays keep their 32-bit hash in the entry
 * so a probe rejects most mismatches without touching the bytes and growth
 * never rehashes a string.
 */
#include "formats/parquet/writer_internal.h"

#include <stdlib.h>

#include "util/bigmem.h"
#include "util/hash.h"

/*
 * Arrays from this size up get at least LL_BIG_MIN bytes, so they are
 * mappings of their own too. A load's normalizer threads fill arrays of
 * tens to hundreds of KiB (definition levels, the columns of child tables)
 * and the writers' threads free them in another order; from malloc, they
 * fragmented the normalizer threads' heaps into a resident size that kept
 * growing for the first several seconds of a load (by about 10 MiB at two
 * threads). Only the pages an array touches are resident, so the larger
 * capacity costs address space, not memory.
 */
#define VEC_MAPPED_MIN ((size_t)16 << 10)

bool ll_pqw_vec_grow(ll_pqw_vec *v, size_t extra)
{
	if (extra > SIZE_MAX / 2 - v->len)
		return false;
	size_t need = v->len + extra;
	if (need <= v->cap)
		return true;
	size_t cap = v->cap ? v->cap : (v->hint > 256 ? v->hint : 256);
	while (cap < need)
		cap *= 2;
	if (cap >= VEC_MAPPED_MIN && cap < LL_BIG_MIN)
		cap = LL_BIG_MIN;
	uint8_t *p = ll_big_resize(v->data, v->cap, cap, v->len);
	if (!p)
		return false;
	v->data = p;
	v->cap = cap;
	return true;
}

void ll_pqw_vec_free(ll_pqw_vec *v)
{
	ll_big_free(v->data, v->cap);
	v->data = NULL;
	v->len = v->cap = 0;
}

static uint64_t hash_fixed(const void *v, size_t width)
{
	if (width == 8) {
		uint64_t x;
		memcpy(&x, v, 8);
		return ll_mix64(x);
	}
	if (width == 4) {
		uint32_t x;
		memcpy(&x, v, 4);
		return ll_mix64(x);
	}
	return ll_hash64(v, width, 0);
}

static bool equal_fixed(const uint8_t *a, const void *b, size_t width)
{
	if (width == 8) {
		uint64_t x, y;
		memcpy(&x, a, 8);
		memcpy(&y, b, 8);
		return x == y;
	}
	if (width == 4) {
		uint32_t x, y;
		memcpy(&x, a, 4);
		memcpy(&y, b, 4);
		return x == y;
	}
	return memcmp(a, b, width) == 0;
}

static uint64_t entry_hash(const ll_pqw_dict *d, size_t i, size_t width)
{
	if (width)
		return hash_fixed(d->values.data + i * width, width);
	const ll_pqw_dict_entry *e = (const ll_pqw_dict_entry *)d->entries.data + i;
	return e->hash;
}

/* Doubles the table (or creates it) and reinserts every entry. */
static bool dict_grow(ll_pqw_dict *d, size_t width)
{
	size_t nslots = d->nslots ? d->nslots * 2 : 1024;
	uint32_t *slots = calloc(nslots, sizeof(*slots));
	if (!slots)
		return false;
	size_t mask = nslots - 1;
	for (size_t i = 0; i < d->count; i++) {
		size_t s = (size_t)entry_hash(d, i, width) & mask;
		while (slots[s])
			s = (s + 1) & mask;
		slots[s] = (uint32_t)(i + 1);
	}
	free(d->slots);
	d->slots = slots;
	d->nslots = nslots;
	return true;
}

static bool append_entry(ll_pqw_dict *d, const void *v, size_t width, size_t len, uint32_t hash)
{
	if (width) {
		if (!ll_pqw_vec_reserve(&d->values, width))
			return false;
		memcpy(d->values.data + d->values.len, v, width);
		d->values.len += width;
		return true;
	}
	if (!ll_pqw_vec_reserve(&d->values, 4 + len) ||
	    !ll_pqw_vec_reserve(&d->entries, sizeof(ll_pqw_dict_entry)))
		return false;
	uint32_t len32 = (uint32_t)len;
	ll_pqw_dict_entry e = { (uint32_t)(d->values.len + 4), len32, hash };
	memcpy(d->values.data + d->values.len, &len32, 4);
	if (len)
		memcpy(d->values.data + d->values.len + 4, v, len);
	d->values.len += 4 + len;
	memcpy(d->entries.data + d->entries.len, &e, sizeof(e));
	d->entries.len += sizeof(e);
	return true;
}

int64_t ll_pqw_dict_intern(ll_pqw_dict *d, const void *v, size_t width, size_t len)
{
	if (d->count * 2 >= d->nslots && !dict_grow(d, width))
		return -1;
	uint64_t h = width ? hash_fixed(v, width) : (uint32_t)ll_hash64(v, len, 0);
	size_t mask = d->nslots - 1;
	size_t s = (size_t)h & mask;
	for (uint32_t e; (e = d->slots[s]) != 0; s = (s + 1) & mask) {
		size_t i = e - 1;
		if (width) {
			if (equal_fixed(d->values.data + i * width, v, width))
				return (int64_t)i;
			continue;
		}
		const ll_pqw_dict_entry *en = (const ll_pqw_dict_entry *)d->entries.data + i;
		if (en->hash == (uint32_t)h && en->len == len &&
		    (len == 0 || memcmp(d->values.data + en->offset, v, len) == 0))
			return (int64_t)i;
	}
	if (!append_entry(d, v, width, len, (uint32_t)h))
		return -1;
	d->slots[s] = (uint32_t)(d->count + 1);
	return (int64_t)d->count++;
}

void ll_pqw_dict_clear(ll_pqw_dict *d)
{
	if (d->count && d->slots)
		memset(d->slots, 0, d->nslots * sizeof(*d->slots));
	d->count = 0;
	d->values.len = 0;
	d->entries.len = 0;
}

void ll_pqw_dict_free(ll_pqw_dict *d)
{
	free(d->slots);
	d->slots = NULL;
	d->nslots = 0;
	d->count = 0;
	ll_pqw_vec_free(&d->values);
	ll_pqw_vec_free(&d->entries);
}
