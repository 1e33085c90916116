#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* MAP_ANONYMOUS and mremap under a strict -std=c17 */
#endif
#include "util/bigmem.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static bool is_big(size_t size)
{
	return size >= LL_BIG_MIN;
}

static void *map_block(size_t size)
{
	void *q = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return q == MAP_FAILED ? NULL : q;
}

void *ll_big_resize(void *p, size_t old_size, size_t new_size, size_t keep)
{
	if (!p)
		old_size = 0;
	if (keep > new_size)
		keep = new_size;
	if (!is_big(old_size) && !is_big(new_size))
		return realloc(p, new_size ? new_size : 1);
#ifdef __linux__
	if (is_big(old_size) && is_big(new_size)) {
		void *q = mremap(p, old_size, new_size, MREMAP_MAYMOVE);
		return q == MAP_FAILED ? NULL : q;
	}
#endif
	void *q = is_big(new_size) ? map_block(new_size) : malloc(new_size ? new_size : 1);
	if (!q)
		return NULL;
	if (keep)
		memcpy(q, p, keep);
	ll_big_free(p, old_size);
	return q;
}

void ll_big_free(void *p, size_t size)
{
	if (!p)
		return;
	if (is_big(size))
		munmap(p, size);
	else
		free(p);
}
