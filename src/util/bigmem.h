/*
 * Large, short-lived buffers straight from the kernel.
 *
 * A loader fills buffers of tens of megabytes (a row group's column values),
 * writes them out and frees them, over and over. Through malloc, glibc's
 * adaptive mmap threshold soon serves such sizes from its heap instead,
 * where freed blocks stay mapped and interleaved live ones fragment it: the
 * process's resident memory then grows with the amount of input although the
 * live data does not. Here a block of LL_BIG_MIN bytes or more is its own
 * anonymous mapping, returned to the kernel when freed (and grown in place
 * with mremap on Linux); smaller ones stay with malloc.
 */
#ifndef LL_UTIL_BIGMEM_H
#define LL_UTIL_BIGMEM_H

#include <stddef.h>

/** Blocks of at least this many bytes are mappings of their own. */
#define LL_BIG_MIN ((size_t)256 << 10)

/**
 * Resizes block p of old_size bytes (NULL and 0 for a new one) to new_size
 * bytes, keeping its first `keep` bytes. Returns the block, or NULL when
 * memory runs out (p is then unchanged and still valid). Blocks are freed
 * with ll_big_free and the size last given.
 */
void *ll_big_resize(void *p, size_t old_size, size_t new_size, size_t keep);

/** Frees block p of `size` bytes (the size last given to ll_big_resize); NULL is fine. */
void ll_big_free(void *p, size_t size);

#endif
