/*
 * ll_arena: a list of blocks, newest first; see arena.h. Requests larger
 * than a block get a block of their own so a huge string never wastes the
 * remainder of a normal block.
 */
#include "util/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct ll_arena_block {
	ll_arena_block *next;
	size_t size;
	size_t used;
	_Alignas(16) unsigned char data[];
};

void ll_arena_init(ll_arena *a, size_t block_size)
{
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
	b->used = 0;
	a->total += size;
	return b;
}

void *ll_arena_alloc(ll_arena *a, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	ll_arena_block *b = a->head;
	if (b && b->size - b->used >= size) {
		void *p = b->data + b->used;
		b->used += size;
		return p;
	}
	if (size > a->block_size / 4) {
		/* big: own block, linked behind the current one so it stays usable */
		ll_arena_block *big = arena_new_block(a, size);
		if (!big)
			return NULL;
		big->used = size;
		if (b) {
			big->next = b->next;
			b->next = big;
		} else {
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
	nb->used = size;
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
	if (keep) {
		keep->next = NULL;
		keep->used = 0;
	}
	a->head = keep;
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
	a->total = 0;
}
