/*
 * Grouped fsyncs; see fs_batch.h. The noted paths live in a per-thread list;
 * ll_fs_batch_end syncs them from up to SYNC_THREADS threads at once, since
 * concurrent fsyncs on one file system share their journal commit and device
 * flush, where one after another each pays for its own. The helper threads
 * are started by the first batch that needs them and then wait for the next
 * one: a load ends a handful of batches, and starting and joining threads for
 * each cost more than the syncs of its few small files.
 */
#include "util/fs_batch.h"
#include "util/thread.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
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
 * The work of one ll_fs_batch_end: every thread serving it takes the next
 * path until none is left.
 */
typedef struct sync_job {
	char **paths;
	size_t n;
	atomic_size_t next;
	int *errnos; /* per path: 0 or the errno of its open or fsync */
} sync_job;

/*
 * The helper threads, shared by the process. One job at a time: a batch
 * that ends while another is being served syncs its paths on its own thread.
 */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t work; /* a new job, or none: generation changed */
	pthread_cond_t idle; /* busy dropped to 0 */
	sync_job *job;       /* being served, NULL when none is */
	unsigned long generation;
	size_t started;      /* helpers running */
	size_t busy;         /* helpers working on job */
} helpers = { .lock = PTHREAD_MUTEX_INITIALIZER, .work = PTHREAD_COND_INITIALIZER,
	      .idle = PTHREAD_COND_INITIALIZER };

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

static void take_paths(sync_job *job)
{
	for (size_t i; (i = atomic_fetch_add(&job->next, 1)) < job->n;)
		job->errnos[i] = sync_one(job->paths[i]);
}

static void *helper_main(void *arg)
{
	(void)arg;
	unsigned long seen = 0;
	pthread_mutex_lock(&helpers.lock);
	for (;;) {
		while (helpers.generation == seen)
			pthread_cond_wait(&helpers.work, &helpers.lock);
		seen = helpers.generation;
		sync_job *job = helpers.job;
		if (!job)
			continue;
		helpers.busy++;
		pthread_mutex_unlock(&helpers.lock);
		take_paths(job);
		pthread_mutex_lock(&helpers.lock);
		if (--helpers.busy == 0)
			pthread_cond_broadcast(&helpers.idle);
	}
	return NULL;
}

/*
 * Syncs every path of job with the helpers and the calling thread. Returns
 * once every path is done: the helpers that took part have left the job
 * (one that wakes later finds it withdrawn).
 */
static void run_sync_job(sync_job *job)
{
	size_t wanted = (job->n < SYNC_THREADS ? job->n : SYNC_THREADS) - 1;
	pthread_mutex_lock(&helpers.lock);
	if (wanted == 0 || helpers.job) {
		pthread_mutex_unlock(&helpers.lock);
		take_paths(job);
		return;
	}
	while (helpers.started < wanted) {
		pthread_t thread;
		if (!ll_thread_start(&thread, helper_main, NULL, "lakeload-sync"))
			break;
		pthread_detach(thread);
		helpers.started++;
	}
	helpers.job = job;
	helpers.generation++;
	pthread_cond_broadcast(&helpers.work);
	pthread_mutex_unlock(&helpers.lock);
	take_paths(job);
	pthread_mutex_lock(&helpers.lock);
	helpers.job = NULL;
	while (helpers.busy > 0)
		pthread_cond_wait(&helpers.idle, &helpers.lock);
	pthread_mutex_unlock(&helpers.lock);
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
		sync_job job = { current.paths, current.n, 0, calloc(current.n, sizeof(int)) };
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
