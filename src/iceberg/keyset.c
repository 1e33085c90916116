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
	ll_arena_free(&s->arena);
	memset(s, 0, sizeof(*s));
}

static ll_keyset_slot *probe(ll_keyset_slot *slots, size_t cap, uint64_t hash, const void *key,
			     size_t len)
{
	for (size_t i = hash & (cap - 1);; i = (i + 1) & (cap - 1)) {
		ll_keyset_slot *sl = &slots[i];
		if (!sl->key || (sl->hash == hash && sl->len == len && memcmp(sl->key, key, len) == 0))
			return sl;
	}
}

static bool grow(ll_keyset *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1024;
	ll_keyset_slot *slots = calloc(cap, sizeof(*slots));
	if (!slots)
		return false;
	for (size_t i = 0; i < s->cap; i++) {
		if (s->slots[i].key)
			*probe(slots, cap, s->slots[i].hash, s->slots[i].key, s->slots[i].len) = s->slots[i];
	}
	free(s->slots);
	s->slots = slots;
	s->cap = cap;
	return true;
}

bool ll_keyset_put(ll_keyset *s, const void *key, size_t len, uint64_t value,
		   ll_keyset_slot **slot, bool *added)
{
	if ((s->count + 1) * 4 > s->cap * 3 && !grow(s))
		return false;
	uint64_t hash = ll_hash64(key, len, 0x6b657973);
	ll_keyset_slot *sl = probe(s->slots, s->cap, hash, key, len);
	*added = sl->key == NULL;
	if (*added) {
		uint8_t *copy = ll_arena_alloc(&s->arena, len ? len : 1);
		if (!copy)
			return false;
		memcpy(copy, key, len);
		*sl = (ll_keyset_slot){ hash, copy, len, value };
		s->count++;
	}
	*slot = sl;
	return true;
}

ll_keyset_slot *ll_keyset_find(const ll_keyset *s, const void *key, size_t len)
{
	if (!s->cap)
		return NULL;
	ll_keyset_slot *sl = probe(s->slots, s->cap, ll_hash64(key, len, 0x6b657973), key, len);
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
	ll_buf_putc(out, 'V');
	ll_buf_append(out, &v->i, sizeof(v->i));
	ll_buf_append(out, &v->d, sizeof(v->d));
}
