/*
 * The buffers a row group is encoded in (one uncompressed page, its
 * compressed copy, its header, its byte arrays' lengths), shared by every Parquet writer of the
 * process.
 *
 * A writer needs them only while it encodes a row group, a short part of
 * its life, but a load has many writers at once (one per table and
 * normalizer thread): buffers of their own would each hold about a page and
 * a compressed page (2-3 MiB) for the writer's whole life, and together
 * tens of MiB more the longer a load runs. A writer takes a set for one row
 * group and gives it back, so there are only as many sets as row groups
 * encoded at the same time, and that number is capped at the number of
 * cores: encoding more row groups at once than there are cores to run them
 * gains no speed, and without a cap the rare moments when many writers
 * flush together (which a longer load meets more of) would leave more sets
 * behind. A taker past the cap waits for a set to be given back; a holder
 * waits for nothing but its own writes, so the wait always ends. Sets given
 * back are kept for the next taker, not freed: buffers of this size freed
 * to malloc stay in its heaps anyway, fragmented. They are freed once no
 * writer is open.
 */
#include "formats/parquet/writer_internal.h"

#include <pthread.h>
#include <stdlib.h>

#include "util/thread.h"

static pthread_mutex_t scratch_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t scratch_given = PTHREAD_COND_INITIALIZER;
/* under scratch_mu: */
static ll_pqw_scratch *idle; /* sets given back */
static size_t sets;          /* sets in existence, idle or taken */
static size_t holders;       /* open writers */

static void scratch_free(ll_pqw_scratch *s)
{
	ll_buf_free(&s->page);
	ll_buf_free(&s->zpage);
	ll_buf_free(&s->header);
	ll_buf_free(&s->lens);
	free(s);
}

void ll_pqw_scratch_hold(void)
{
	pthread_mutex_lock(&scratch_mu);
	holders++;
	pthread_mutex_unlock(&scratch_mu);
}

void ll_pqw_scratch_release(void)
{
	pthread_mutex_lock(&scratch_mu);
	ll_pqw_scratch *freed = --holders == 0 ? idle : NULL;
	if (freed)
		idle = NULL;
	while (freed) {
		ll_pqw_scratch *next = freed->next;
		scratch_free(freed);
		sets--;
		freed = next;
	}
	pthread_mutex_unlock(&scratch_mu);
}

ll_pqw_scratch *ll_pqw_scratch_take(void)
{
	size_t cap = ll_cpu_count();
	pthread_mutex_lock(&scratch_mu);
	while (!idle && sets >= cap)
		pthread_cond_wait(&scratch_given, &scratch_mu);
	ll_pqw_scratch *s = idle;
	if (s)
		idle = s->next;
	else if ((s = calloc(1, sizeof(*s))) != NULL)
		sets++;
	pthread_mutex_unlock(&scratch_mu);
	return s;
}

void ll_pqw_scratch_give(ll_pqw_scratch *s)
{
	/* a set whose allocation failed once is not worth keeping */
	bool failed = ll_buf_oom(&s->page) || ll_buf_oom(&s->zpage) || ll_buf_oom(&s->header) ||
		      ll_buf_oom(&s->lens);
	pthread_mutex_lock(&scratch_mu);
	if (failed) {
		scratch_free(s);
		sets--;
	} else {
		s->next = idle;
		idle = s;
	}
	pthread_cond_signal(&scratch_given);
	pthread_mutex_unlock(&scratch_mu);
}
