/*
 * Running n independent pieces of work on several threads: the calling
 * thread and up to max_threads - 1 more, started for the call and joined
 * before it returns, each taking the next piece until none is left. A merge
 * reads row groups for keys and writes delete files this way, a query plan
 * fetches an object store's manifests, a parallel load finishes its
 * normalizers.
 */
#ifndef LL_UTIL_PARALLEL_H
#define LL_UTIL_PARALLEL_H

#include <stddef.h>

/** Does piece i on thread t (0 is the calling thread; t < the max_threads given). */
typedef void (*ll_piece_fn)(void *ctx, size_t i, size_t t);

/**
 * Calls fn for every piece 0..n-1; the threads started carry `name` (as
 * ll_thread_start). Threads that cannot start leave their share to the
 * others; the calling thread alone always finishes the work. fn stops early
 * by doing nothing once it sees a failure of its own making.
 */
void ll_parallel(size_t n, size_t max_threads, const char *name, ll_piece_fn fn, void *ctx);

#endif
