/*
 * Pieces of work on several threads; see parallel.h. A shared counter hands
 * out the pieces, so a thread that starts late simply takes fewer.
 */
#include "util/parallel.h"

#include <pthread.h>
#include <stdatomic.h>

#include "util/thread.h"

/* Threads of one call at most, the calling one included. */
#define MAX_THREADS 16

typedef struct run {
	ll_piece_fn fn;
	void *ctx;
	size_t n;
	atomic_size_t next;
} run;

typedef struct runner {
	run *r;
	size_t t;
} runner;

static void *runner_main(void *arg)
{
	const runner *w = arg;
	for (size_t i; (i = atomic_fetch_add(&w->r->next, 1)) < w->r->n;)
		w->r->fn(w->r->ctx, i, w->t);
	return NULL;
}

void ll_parallel(size_t n, size_t max_threads, const char *name, ll_piece_fn fn, void *ctx)
{
	run r = { .fn = fn, .ctx = ctx, .n = n };
	atomic_init(&r.next, 0);
	size_t wanted = max_threads < n ? max_threads : n;
	wanted = wanted < MAX_THREADS ? wanted : MAX_THREADS;
	pthread_t threads[MAX_THREADS];
	runner runners[MAX_THREADS];
	size_t started = 1;
	for (size_t t = 1; t < wanted; t++) {
		runners[t] = (runner){ &r, t };
		if (!ll_thread_start(&threads[t], runner_main, &runners[t], name))
			break;
		started++;
	}
	runners[0] = (runner){ &r, 0 };
	runner_main(&runners[0]);
	for (size_t t = 1; t < started; t++)
		pthread_join(threads[t], NULL);
}
