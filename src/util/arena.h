/*
 * ll_arena: bump allocation for data that lives and dies together.
 *
 * Per-record and per-batch data (a parsed JSON record, the strings of one
 * row) is allocated here and released all at once with ll_arena_reset, which
 * keeps the first block so a steady stream of records stops calling malloc.
 * Allocations are 16-byte aligned and their size is rounded up to a multiple
 * of 16; the caller may use the whole rounded room (the JSON parser copies
 * strings 16 bytes at a time). NULL means out of memory.
 */
#ifndef LL_UTIL_ARENA_H
#define LL_UTIL_ARENA_H

#include <stddef.h>
#include <stdint.h>

typedef struct ll_arena_block ll_arena_block;

typedef struct ll_arena {
	/* The free room of the newest block, [next, end): kept here so an
	 * allocation that fits is a few inlined instructions. */
	unsigned char *next;
	unsigned char *end;
	ll_arena_block *head;
	size_t block_size;
	size_t total; /* bytes held in blocks, for memory accounting */
} ll_arena;

/** Prepares an empty arena whose blocks are block_size bytes (0: 64 KiB). */
void ll_arena_init(ll_arena *a, size_t block_size);
/** The part of ll_arena_alloc that takes a new block; size is already rounded to 16. */
void *ll_arena_alloc_slow(ll_arena *a, size_t size);

static inline void *ll_arena_alloc(ll_arena *a, size_t size)
{
	size = (size + 15) & ~(size_t)15;
	unsigned char *p = a->next;
	/* strictly less: an empty arena (next and end NULL, so compared as
	 * integers) never hands out its NULL next */
	if (size < (size_t)((uintptr_t)a->end - (uintptr_t)p)) {
		a->next = p + size;
		return p;
	}
	return ll_arena_alloc_slow(a, size);
}

/** Copies len bytes and adds a NUL terminator. */
char *ll_arena_strndup(ll_arena *a, const char *s, size_t len);
/** Frees everything allocated since init, keeping one block for reuse. */
void ll_arena_reset(ll_arena *a);
void ll_arena_free(ll_arena *a);

#endif
