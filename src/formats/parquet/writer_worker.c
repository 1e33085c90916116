/*
 * The Parquet writer's background thread: one per writer, started at the
 * first row group flushed in the background, it encodes, compresses and
 * writes the sealed row group (writer_internal.h) while the caller fills the
 * next one, so a load keeps a second core busy.
 *
 * Handover: the caller posts a sealed group only after ll_pqw_worker_wait
 * found the thread idle, so at most one group is in flight. busy is set by
 * the post and cleared by the thread when the group is written, both under
 * mu; taking mu is also what makes each side see the other's writes to the
 * sealed set and the file state.
 *
 * Failures: the thread keeps the first failure in err, and the caller's
 * next call that returns a status reports it (writer_usable in
 * parquet_writer.c) and breaks the writer, so nothing is posted after a
 * failure and err is never overwritten. `failed` lets the caller look for a
 * failure on every row without taking the lock.
 *
 * Stopping (close, abort): a group being written is finished, a group
 * posted but not started is dropped; the writer frees its arrays.
 */
#include "formats/parquet/writer_internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "util/thread.h"

struct ll_pqw_worker {
	ll_parquet_writer *w;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t posted; /* busy or stop was set */
	pthread_cond_t done;   /* busy was cleared */
	bool busy;             /* a sealed row group is posted and not yet written */
	bool stop;
	atomic_bool failed;    /* err holds a failure; set under mu */
	/* the posted group is written: released by the thread, acquired by ll_pqw_worker_idle */
	atomic_bool idle;
	ll_error err;
};

static void *worker_main(void *arg)
{
	ll_pqw_worker *k = arg;
	pthread_mutex_lock(&k->mu);
	for (;;) {
		while (!k->busy && !k->stop)
			pthread_cond_wait(&k->posted, &k->mu);
		if (k->stop)
			break;
		pthread_mutex_unlock(&k->mu);
		ll_error err;
		ll_error_clear(&err);
		ll_status st = ll_pqw_row_group_write(k->w, &err);
		pthread_mutex_lock(&k->mu);
		if (st != LL_OK) {
			k->err = err;
			atomic_store_explicit(&k->failed, true, memory_order_relaxed);
		}
		k->busy = false;
		atomic_store_explicit(&k->idle, true, memory_order_release);
		pthread_cond_signal(&k->done);
	}
	pthread_mutex_unlock(&k->mu);
	return NULL;
}

static ll_pqw_worker *worker_new(ll_parquet_writer *w)
{
	ll_pqw_worker *k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	k->w = w;
	atomic_init(&k->failed, false);
	atomic_init(&k->idle, true);
	if (pthread_mutex_init(&k->mu, NULL) == 0) {
		if (pthread_cond_init(&k->posted, NULL) == 0) {
			if (pthread_cond_init(&k->done, NULL) == 0)
				return k;
			pthread_cond_destroy(&k->posted);
		}
		pthread_mutex_destroy(&k->mu);
	}
	free(k);
	return NULL;
}

static void worker_free(ll_pqw_worker *k)
{
	pthread_cond_destroy(&k->done);
	pthread_cond_destroy(&k->posted);
	pthread_mutex_destroy(&k->mu);
	free(k);
}

bool ll_pqw_worker_start(ll_parquet_writer *w)
{
	if (w->worker)
		return true;
	ll_pqw_worker *k = worker_new(w);
	if (!k)
		return false;
	if (!ll_thread_start(&k->thread, worker_main, k, "lakeload-pqw")) {
		worker_free(k);
		return false;
	}
	w->worker = k;
	return true;
}

void ll_pqw_worker_post(ll_parquet_writer *w)
{
	ll_pqw_worker *k = w->worker;
	pthread_mutex_lock(&k->mu);
	k->busy = true;
	atomic_store_explicit(&k->idle, false, memory_order_relaxed);
	pthread_cond_signal(&k->posted);
	pthread_mutex_unlock(&k->mu);
}

/* The failure kept by the thread, copied to err; k->mu is held. */
static ll_status worker_failure(ll_pqw_worker *k, ll_error *err)
{
	if (!atomic_load_explicit(&k->failed, memory_order_relaxed))
		return LL_OK;
	if (err)
		*err = k->err;
	return k->err.code;
}

ll_status ll_pqw_worker_wait(ll_parquet_writer *w, ll_error *err)
{
	ll_pqw_worker *k = w->worker;
	if (!k)
		return LL_OK;
	pthread_mutex_lock(&k->mu);
	while (k->busy)
		pthread_cond_wait(&k->done, &k->mu);
	ll_status st = worker_failure(k, err);
	pthread_mutex_unlock(&k->mu);
	return st;
}

bool ll_pqw_worker_idle(ll_parquet_writer *w)
{
	ll_pqw_worker *k = w->worker;
	return !k || atomic_load_explicit(&k->idle, memory_order_acquire);
}

ll_status ll_pqw_worker_check(ll_parquet_writer *w, ll_error *err)
{
	ll_pqw_worker *k = w->worker;
	if (!k || !atomic_load_explicit(&k->failed, memory_order_relaxed))
		return LL_OK;
	pthread_mutex_lock(&k->mu);
	ll_status st = worker_failure(k, err);
	pthread_mutex_unlock(&k->mu);
	return st;
}

void ll_pqw_worker_stop(ll_parquet_writer *w)
{
	ll_pqw_worker *k = w->worker;
	if (!k)
		return;
	pthread_mutex_lock(&k->mu);
	k->stop = true;
	pthread_cond_signal(&k->posted);
	pthread_mutex_unlock(&k->mu);
	pthread_join(k->thread, NULL);
	worker_free(k);
	w->worker = NULL;
}
