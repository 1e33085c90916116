/*
 * Running n independent pieces of work on several threads: the calling
 * thread and up to max_threads - 1 more, started for the call and joined
 * before it returns, each taking the next piece until none is left. What a
 * merge does on every core: reading row groups for keys, writing delete
 * files (whose fsyncs then overlap).
 */
#ifndef LL_ICEBERG_PARALLEL_H
#define LL_ICEBERG_PARALLEL_H

#include <stddef.h>

/** Does piece i on thread t (0 is the calling thread; t < the max_threads given). */
typedef void (*ll_iceberg_piece_fn)(void *ctx, size_t i, size_t t);

/**
 * Calls fn for every piece 0..n-1. Threads that cannot start leave their
 * share to the others; the calling thread alone always finishes the work.
 * fn stops early by doing nothing once it sees a failure of its own making.
 */
void ll_iceberg_parallel(size_t n, size_t max_threads, ll_iceberg_piece_fn fn, void *ctx);

#endif
