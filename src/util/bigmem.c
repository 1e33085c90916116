#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* MAP_ANONYMOUS and mremap under a strict -std=c17 */
#endif
#include "util/bigmem.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Enough entries for a full cache of the smallest blocks, and one being added. */
#define CACHE_SLOTS (LL_BIG_CACHE_BYTES / LL_BIG_MIN + 1)

typedef struct cached {
	void *p;
	size_t size; /* the mapping's length, a size class */
} cached;

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
/* under cache_mu: oldest first */
static cached cache[CACHE_SLOTS];
static size_t ncached, cached_bytes;

static bool is_big(size_t size)
{
	return size >= LL_BIG_MIN;
}

/* The length of a big block's mapping: size rounded up to a quarter of its power of two. */
static size_t size_class(size_t size)
{
	size_t top = size;
	while (top & (top - 1))
		top &= top - 1;
	size_t step = top / 4;
	return size > SIZE_MAX - step ? SIZE_MAX : (size + step - 1) & ~(step - 1);
}

/* Under cache_mu: removes entry i. */
static cached cache_remove(size_t i)
{
	cached c = cache[i];
	memmove(&cache[i], &cache[i + 1], (ncached - i - 1) * sizeof(*cache));
	ncached--;
	cached_bytes -= c.size;
	return c;
}

/*
 * A cached mapping of length size: the smallest one at least that long, and
 * of those the newest (its pages are the likeliest still in the CPU's
 * caches), cut to size (its tail goes back to the kernel); NULL when there is
 * none.
 */
static void *cache_take(size_t size)
{
	size_t best = SIZE_MAX;
	cached c = { NULL, 0 };
	pthread_mutex_lock(&cache_mu);
	for (size_t i = ncached; i-- > 0;) {
		if (cache[i].size >= size && (best == SIZE_MAX || cache[i].size < cache[best].size))
			best = i;
	}
	if (best != SIZE_MAX)
		c = cache_remove(best);
	pthread_mutex_unlock(&cache_mu);
	if (c.p && c.size > size)
		munmap((char *)c.p + size, c.size - size);
	return c.p;
}

/*
 * Under cache_mu, which it drops and takes again: unmaps the oldest cached
 * mappings until at most keep bytes are cached, one at a time so that no
 * system call (nor its TLB shootdown) holds the lock.
 */
static void cache_evict_locked(size_t keep)
{
	while (cached_bytes > keep) {
		cached old = cache_remove(0);
		pthread_mutex_unlock(&cache_mu);
		munmap(old.p, old.size);
		pthread_mutex_lock(&cache_mu);
	}
}

/* Keeps mapping p of length size; the oldest ones past the bound go back to the kernel. */
static void cache_put(void *p, size_t size)
{
	if (size > LL_BIG_CACHE_BYTES) {
		munmap(p, size);
		return;
	}
	pthread_mutex_lock(&cache_mu);
	cache[ncached++] = (cached){ p, size };
	cached_bytes += size;
	cache_evict_locked(LL_BIG_CACHE_BYTES);
	pthread_mutex_unlock(&cache_mu);
}

static void *map_block(size_t size)
{
	size_t len = size_class(size);
	void *q = cache_take(len);
	if (q)
		return q;
	q = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return q == MAP_FAILED ? NULL : q;
}

/*
 * A big block resized to another big size: in place within its class, else
 * into a cached mapping of the new class, else moved by the kernel (its
 * pages are remapped, not copied). NULL with *done false: copy by hand.
 */
static void *remap_block(void *p, size_t old_size, size_t new_size, size_t keep, bool *done)
{
	size_t from = size_class(old_size), to = size_class(new_size);
	*done = true;
	if (from == to)
		return p;
	void *q = cache_take(to);
	if (q) {
		memcpy(q, p, keep);
		cache_put(p, from);
		return q;
	}
#ifdef __linux__
	q = mremap(p, from, to, MREMAP_MAYMOVE);
	return q == MAP_FAILED ? NULL : q;
#else
	*done = false;
	return NULL;
#endif
}

void *ll_big_resize(void *p, size_t old_size, size_t new_size, size_t keep)
{
	if (!p)
		old_size = 0;
	if (keep > new_size)
		keep = new_size;
	if (!is_big(old_size) && !is_big(new_size))
		return realloc(p, new_size ? new_size : 1);
	if (is_big(old_size) && is_big(new_size)) {
		bool done;
		void *q = remap_block(p, old_size, new_size, keep, &done);
		if (done)
			return q;
	}
	void *q = is_big(new_size) ? map_block(new_size) : malloc(new_size ? new_size : 1);
	if (!q)
		return NULL;
	if (keep)
		memcpy(q, p, keep);
	ll_big_free(p, old_size);
	return q;
}

void ll_big_release_after(void *p, size_t size, size_t keep)
{
	if (!p || !is_big(size))
		return;
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	size_t used = (keep + page - 1) & ~(page - 1);
	if (used < size)
		madvise((char *)p + used, size - used, MADV_DONTNEED);
}

void ll_big_free(void *p, size_t size)
{
	if (!p)
		return;
	if (is_big(size))
		cache_put(p, size_class(size));
	else
		free(p);
}

size_t ll_big_cached_bytes(void)
{
	pthread_mutex_lock(&cache_mu);
	size_t n = cached_bytes;
	pthread_mutex_unlock(&cache_mu);
	return n;
}

void ll_big_trim(void)
{
	pthread_mutex_lock(&cache_mu);
	cache_evict_locked(0);
	pthread_mutex_unlock(&cache_mu);
}
