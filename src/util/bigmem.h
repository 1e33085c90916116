/*
 * Large, short-lived buffers straight from the kernel.
 *
 * A loader fills buffers of tens of megabytes (a row group's column values),
 * writes them out and frees them, over and over. Through malloc, glibc's
 * adaptive mmap threshold soon serves such sizes from its heap instead,
 * where freed blocks stay mapped and interleaved live ones fragment it: the
 * process's resident memory then grows with the amount of input although the
 * live data does not. Here a block of LL_BIG_MIN bytes or more is its own
 * anonymous mapping; smaller ones stay with malloc.
 *
 * A freed mapping is kept, in a cache of at most LL_BIG_CACHE_BYTES, for the
 * next block that fits in it; the oldest ones past that bound go back to the
 * kernel. A mapping unmapped and its successor mapped cost a page fault and
 * a zeroed page for every 4 KiB the successor touches, and the unmap a TLB
 * shootdown on every core the process runs on: most of a long load's time
 * in the kernel, since a load frees and refills its row groups' arrays all
 * along. The bound is what the cache adds to resident memory, whatever the
 * size of the input.
 *
 * A mapping is a whole size class long (four classes per doubling), so a
 * block grows within its class without a system call; a cached mapping
 * longer than the class asked for is cut to it. Pages past a block's size
 * are never touched by its user, so a reused mapping carries at most the
 * rest of its class resident, never pages of a much larger predecessor, and
 * LL_BIG_MIN is small for the same reason: a caller that rounds a small
 * array up to a larger mapping would keep, in every reuse, pages the array
 * never needs. The bytes of a block past `keep` are undefined (not zeroed).
 */
#ifndef LL_UTIL_BIGMEM_H
#define LL_UTIL_BIGMEM_H

#include <stddef.h>

/** Blocks of at least this many bytes are mappings of their own. */
#define LL_BIG_MIN ((size_t)16 << 10)

/**
 * The most bytes of freed mappings kept for reuse: a load at two threads
 * frees and refills this order of memory per row group.
 */
#define LL_BIG_CACHE_BYTES ((size_t)16 << 20)

/**
 * Resizes block p of old_size bytes (NULL and 0 for a new one) to new_size
 * bytes, keeping its first `keep` bytes. Returns the block, or NULL when
 * memory runs out (p is then unchanged and still valid). Blocks are freed
 * with ll_big_free and the size last given. Safe from any thread.
 */
void *ll_big_resize(void *p, size_t old_size, size_t new_size, size_t keep);

/** Frees block p of `size` bytes (the size last given to ll_big_resize); NULL is fine. */
void ll_big_free(void *p, size_t size);

/**
 * Gives the pages of block p (of `size` bytes) past its first `keep` bytes
 * back to the kernel, keeping the block and its size: a block reused for
 * less than it once held does not keep the rest resident. Those bytes are
 * undefined after. Blocks under LL_BIG_MIN are left as they are.
 */
void ll_big_release_after(void *p, size_t size, size_t keep);

/** Bytes of freed mappings in the cache now (at most LL_BIG_CACHE_BYTES). */
size_t ll_big_cached_bytes(void);

/** Returns the cached mappings to the kernel, for a process done with big blocks for now. */
void ll_big_trim(void);

#endif
