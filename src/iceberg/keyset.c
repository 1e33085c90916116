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

/* ---------------------------------------------------------------- integers */

void ll_intset_init(ll_intset *s)
{
	memset(s, 0, sizeof(*s));
}

void ll_intset_free(ll_intset *s)
{
	free(s->sorted);
	free(s->slots);
	free(s->filter);
	memset(s, 0, sizeof(*s));
}

bool ll_intset_add(ll_intset *s, int64_t v)
{
	if (s->count == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 1024;
		int64_t *grown = realloc(s->sorted, cap * sizeof(*grown));
		if (!grown)
			return false;
		s->sorted = grown;
		s->cap = cap;
	}
	s->sorted[s->count++] = v;
	return true;
}

/* The set's slots are at most half full: 8 or more filter bits per member, as in ll_keyset. */
#define INT_FILTER_BITS_PER_SLOT (FILTER_BITS_PER_SLOT / 2)

static int compare_int64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

bool ll_intset_seal(ll_intset *s)
{
	if (s->count)
		qsort(s->sorted, s->count, sizeof(*s->sorted), compare_int64);
	size_t n = 0;
	for (size_t i = 0; i < s->count; i++)
		if (n == 0 || s->sorted[i] != s->sorted[n - 1])
			s->sorted[n++] = s->sorted[i];
	s->count = n;
	/* at most half full, so a miss that passes the filter probes a slot or two */
	size_t cap = 64;
	while (cap < 2 * n)
		cap *= 2;
	free(s->slots);
	free(s->filter);
	s->slots = malloc(cap * sizeof(*s->slots));
	s->filter = calloc(cap * INT_FILTER_BITS_PER_SLOT / 64, sizeof(*s->filter));
	if (!s->slots || !s->filter)
		return false;
	s->mask = cap - 1;
	s->filter_mask = cap * INT_FILTER_BITS_PER_SLOT - 1;
	s->has_min = false;
	for (size_t i = 0; i < cap; i++)
		s->slots[i] = INT64_MIN;
	for (size_t i = 0; i < n; i++) {
		int64_t v = s->sorted[i];
		if (v == INT64_MIN) {
			s->has_min = true;
			continue;
		}
		uint64_t h = ll_mix64((uint64_t)v);
		size_t at = h & s->mask;
		while (s->slots[at] != INT64_MIN)
			at = (at + 1) & s->mask;
		s->slots[at] = v;
		size_t bit = (size_t)(h >> 32) & s->filter_mask;
		s->filter[bit / 64] |= UINT64_C(1) << (bit % 64);
	}
	return true;
}

bool ll_intset_any_between(const ll_intset *s, int64_t lo, int64_t hi)
{
	/* the first member >= lo */
	size_t a = 0, b = s->count;
	while (a < b) {
		size_t mid = a + (b - a) / 2;
		if (s->sorted[mid] < lo)
			a = mid + 1;
		else
			b = mid;
	}
	return a < s->count && s->sorted[a] <= hi;
}
