/*
 * ll_arena: a list of blocks, newest first; see arena.h. The newest block's
 * free room lives in the arena itself (next, end) for the inlined fast path.
 * Requests larger than a quarter block get a block of their own, linked
 * behind the newest, so a huge string never wastes the remainder of a normal
 * block.
 */
#include "util/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct ll_arena_block {
	ll_arena_block *next;
	size_t size;
	_Alignas(16) unsigned char data[];
};

void ll_arena_init(ll_arena *a, size_t block_size)
{
	a->next = NULL;
	a->end = NULL;
	a->head = NULL;
	a->block_size = block_size ? block_size : 64 * 1024;
	a->total = 0;
}

static ll_arena_block *arena_new_block(ll_arena *a, size_t size)
{
	ll_arena_block *b = malloc(sizeof(*b) + size);
	if (!b)
		return NULL;
	b->size = size;
	a->total += size;
	return b;
}

void *ll_arena_alloc_slow(ll_arena *a, size_t size)
{
	if (a->next && size <= (size_t)(a->end - a->next)) { /* an exact fit, or size 0 */
		void *p = a->next;
		a->next += size;
		return p;
	}
	if (size > a->block_size / 4) {
		ll_arena_block *big = arena_new_block(a, size);
		if (!big)
			return NULL;
		if (a->head) {
			big->next = a->head->next;
			a->head->next = big;
		} else {
			/* no room to keep: the next request takes a new block */
			big->next = NULL;
			a->head = big;
		}
		return big->data;
	}
	ll_arena_block *nb = arena_new_block(a, a->block_size);
	if (!nb)
		return NULL;
	nb->next = a->head;
	a->head = nb;
	a->next = nb->data + size;
	a->end = nb->data + a->block_size;
	return nb->data;
}

char *ll_arena_strndup(ll_arena *a, const char *s, size_t len)
{
	char *p = ll_arena_alloc(a, len + 1);
	if (!p)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void ll_arena_reset(ll_arena *a)
{
	ll_arena_block *keep = NULL;
	ll_arena_block *b = a->head;
	while (b) {
		ll_arena_block *next = b->next;
		if (!keep && b->size == a->block_size) {
			keep = b;
		} else {
			a->total -= b->size;
			free(b);
		}
		b = next;
	}
	if (keep)
		keep->next = NULL;
	a->head = keep;
	a->next = keep ? keep->data : NULL;
	a->end = keep ? keep->data + keep->size : NULL;
}

void ll_arena_free(ll_arena *a)
{
	ll_arena_block *b = a->head;
	while (b) {
		ll_arena_block *next = b->next;
		free(b);
		b = next;
	}
	a->head = NULL;
	a->next = NULL;
	a->end = NULL;
	a->total = 0;
}
