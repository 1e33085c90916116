/*
 * Open-addressing set of byte strings; see keyset.h.
 */
#include "iceberg/keyset.h"

#include <stdlib.h>
#include <string.h>

#include "util/hash.h"

void ll_keyset_init(ll_keyset *s)
{
	memset(s, 0, sizeof(*s));
	ll_arena_init(&s->arena, 0);
}

void ll_keyset_free(ll_keyset *s)
{
	free(s->slots);
	free(s->filter);
	ll_arena_free(&s->arena);
	memset(s, 0, sizeof(*s));
}

/*
 * The set's own hash, not ll_hash64: the keys live only in memory, so it
 * matches no stored format, and a merge hashes the key of every existing row
 * of the table. Whole words are mixed with one multiply each; a key of 8
 * bytes or more ends with its last 8 bytes read as a word (overlapping the
 * one before), so no byte loop and no copy of variable length.
 */
static uint64_t key_hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 0x6b657973 ^ (len * 0x9e3779b97f4a7c15ULL), w = 0;
	if (len < 8) {
		for (size_t i = 0; i < len; i++)
			w |= (uint64_t)p[i] << (8 * i);
		return ll_mix64(h ^ w);
	}
	for (size_t at = 0; at + 8 < len; at += 8) {
		memcpy(&w, p + at, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
	}
	memcpy(&w, p + len - 8, 8);
	return ll_mix64(h ^ w);
}

/*
 * Bits of the filter per slot: a merge looks up every existing row's key,
 * and most are not in the set. The filter (one bit per key, 8 per slot, so
 * 16 KiB for 10,000 keys) stays in the cache, where the slots do not, and
 * answers most of those misses without touching a slot.
 */
#define FILTER_BITS_PER_SLOT 8

static ll_keyset_slot *probe(ll_keyset_slot *slots, size_t cap, uint64_t hash, const void *key,
			     size_t len)
{
	for (size_t i = hash & (cap - 1);; i = (i + 1) & (cap - 1)) {
		ll_keyset_slot *sl = &slots[i];
		if (!sl->key || (sl->hash == hash && sl->len == len && memcmp(sl->key, key, len) == 0))
			return sl;
	}
}

/* The filter's bit for a hash: high bits, since the low ones pick the slot. */
static size_t filter_bit(const ll_keyset *s, uint64_t hash)
{
	return (size_t)(hash >> 32) & (s->cap * FILTER_BITS_PER_SLOT - 1);
}

static void filter_add(ll_keyset *s, uint64_t hash)
{
	size_t bit = filter_bit(s, hash);
	s->filter[bit / 64] |= UINT64_C(1) << (bit % 64);
}

static bool grow(ll_keyset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024;
	ll_keyset_slot *slots = calloc(cap, sizeof(*slots));
	uint64_t *filter = calloc(cap * FILTER_BITS_PER_SLOT / 64, sizeof(*filter));
	if (!slots || !filter) {
		free(slots);
		free(filter);
		return false;
	}
	for (size_t i = 0; i < s->cap; i++) {
		if (s->slots[i].key)
			*probe(slots, cap, s->slots[i].hash, s->slots[i].key, s->slots[i].len) = s->slots[i];
	}
	free(s->slots);
	free(s->filter);
	s->slots = slots;
	s->filter = filter;
	s->cap = cap;
	for (size_t i = 0; i < cap; i++) {
		if (slots[i].key)
			filter_add(s, slots[i].hash);
	}
	return true;
}

bool ll_keyset_put(ll_keyset *s, const void *key, size_t len, uint64_t value,
		   ll_keyset_slot **slot, bool *added)
{
	if ((s->count + 1) * 4 > s->cap * 3 && !grow(s))
		return false;
	uint64_t hash = key_hash(key, len);
	ll_keyset_slot *sl = probe(s->slots, s->cap, hash, key, len);
	*added = sl->key == NULL;
	if (*added) {
		uint8_t *copy = ll_arena_alloc(&s->arena, len ? len : 1);
		if (!copy)
			return false;
		memcpy(copy, key, len);
		*sl = (ll_keyset_slot){ hash, copy, len, value };
		s->count++;
		filter_add(s, hash);
	}
	*slot = sl;
	return true;
}

ll_keyset_slot *ll_keyset_find(const ll_keyset *s, const void *key, size_t len)
{
	if (!s->cap)
		return NULL;
	uint64_t hash = key_hash(key, len);
	size_t bit = filter_bit(s, hash);
	if (!(s->filter[bit / 64] >> (bit % 64) & 1))
		return NULL;
	ll_keyset_slot *sl = probe(s->slots, s->cap, hash, key, len);
	return sl->key ? sl : NULL;
}

void ll_keyset_encode_value(const ll_value *v, ll_buf *out)
{
	if (v->is_null) {
		ll_buf_putc(out, 'N');
		return;
	}
	if (v->s) {
		uint64_t len = v->len;
		ll_buf_putc(out, 'S');
		ll_buf_append(out, &len, sizeof(len));
		ll_buf_append(out, v->s, v->len);
		return;
	}
	/* one reservation for the three parts: this runs once per row a merge reads */
	if (!ll_buf_reserve(out, 1 + sizeof(v->i) + sizeof(v->d)))
		return;
	char *at = out->data + out->len;
	at[0] = 'V';
	memcpy(at + 1, &v->i, sizeof(v->i));
	memcpy(at + 1 + sizeof(v->i), &v->d, sizeof(v->d));
	out->len += 1 + sizeof(v->i) + sizeof(v->d);
	out->data[out->len] = '\0';
}
