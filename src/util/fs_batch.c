/*
 * Grouped fsyncs; see fs_batch.h. The noted paths live in a per-thread list;
 * ll_fs_batch_end syncs them from up to SYNC_THREADS threads at once, since
 * concurrent fsyncs on one file system share their journal commit and device
 * flush, where one after another each pays for its own.
 */
#include "util/fs_batch.h"
#include "util/thread.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Enough to keep a disk's queue busy; fsync is waiting, not computing. */
#define SYNC_THREADS 8

typedef struct batch {
	int depth;
	char **paths;
	size_t n, cap;
} batch;

static _Thread_local batch current;

/*
 * The work of one ll_fs_batch_end, shared by its threads: thread k syncs
 * paths k, k + nthreads, ... A fixed share, not a shared counter, because the
 * calling thread, already running, would otherwise take every path before the
 * others start.
 */
typedef struct sync_job {
	char **paths;
	size_t n;
	size_t nthreads;
	int *errnos; /* per path: 0 or the errno of its open or fsync */
} sync_job;

typedef struct sync_share {
	sync_job *job;
	size_t first;
} sync_share;

void ll_fs_batch_begin(void)
{
	current.depth++;
}

bool ll_fs_batch_open(void)
{
	return current.depth > 0;
}

ll_status ll_fs_batch_note(const char *path, ll_error *err)
{
	for (size_t i = 0; i < current.n; i++)
		if (strcmp(current.paths[i], path) == 0)
			return LL_OK;
	if (current.n == current.cap) {
		size_t cap = current.cap ? current.cap * 2 : 16;
		char **grown = realloc(current.paths, cap * sizeof(*grown));
		if (!grown)
			return ll_error_oom(err);
		current.paths = grown;
		current.cap = cap;
	}
	if (!(current.paths[current.n] = strdup(path)))
		return ll_error_oom(err);
	current.n++;
	return LL_OK;
}

/* 0 or errno; file systems that refuse fsync on directories are not failing. */
static int sync_one(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	int rc = fsync(fd) == 0 || errno == EINVAL || errno == EROFS ? 0 : errno;
	close(fd);
	return rc;
}

static void *sync_worker(void *arg)
{
	const sync_share *share = arg;
	sync_job *job = share->job;
	for (size_t i = share->first; i < job->n; i += job->nthreads)
		job->errnos[i] = sync_one(job->paths[i]);
	return NULL;
}

/* Syncs every path of job; the calling thread takes share 0, so no thread is needed. */
static void run_sync_job(sync_job *job)
{
	pthread_t threads[SYNC_THREADS];
	sync_share shares[SYNC_THREADS];
	size_t wanted = job->n < SYNC_THREADS ? job->n : SYNC_THREADS;
	size_t started = 1;
	job->nthreads = wanted;
	for (size_t k = 1; k < wanted; k++) {
		shares[k] = (sync_share){ job, k };
		if (!ll_thread_start(&threads[k], sync_worker, &shares[k], "lakeload-sync"))
			break;
		started++;
	}
	shares[0] = (sync_share){ job, 0 };
	sync_worker(&shares[0]);
	/* the shares of threads that did not start go to the calling thread too */
	for (size_t k = started; k < wanted; k++)
		sync_worker(&shares[k]);
	for (size_t k = 1; k < started; k++)
		pthread_join(threads[k], NULL);
}

static void drop_paths(void)
{
	for (size_t i = 0; i < current.n; i++)
		free(current.paths[i]);
	free(current.paths);
	current.paths = NULL;
	current.n = current.cap = 0;
}

ll_status ll_fs_batch_end(ll_error *err)
{
	if (current.depth > 0)
		current.depth--;
	ll_status st = LL_OK;
	if (current.n > 0) {
		sync_job job = { current.paths, current.n, 1, calloc(current.n, sizeof(int)) };
		if (!job.errnos)
			st = ll_error_oom(err);
		else
			run_sync_job(&job);
		for (size_t i = 0; job.errnos && i < job.n && st == LL_OK; i++)
			if (job.errnos[i])
				st = ll_error_set(err, job.errnos[i] == ENOMEM ? LL_ENOMEM : LL_EIO,
						  "cannot sync %s: %s", job.paths[i],
						  strerror(job.errnos[i]));
		free(job.errnos);
	}
	drop_paths();
	return st;
}

ll_status ll_fs_batch_end_after(ll_status st, ll_error *err)
{
	ll_error ignored;
	ll_status synced = ll_fs_batch_end(st == LL_OK ? err : &ignored);
	return st == LL_OK ? synced : st;
}
