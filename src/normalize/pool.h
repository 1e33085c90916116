/*
 * ll_normalize_pool: normalizes inputs of JSON objects (NDJSON) on several
 * threads, with exactly the tables, columns, rows and `_dlt_id`s of one
 * normalizer (pool.c says how).
 *
 * The pool is built around the caller's normalizer, whose schema is the
 * load's: it becomes the first thread's, and after each input its schema is
 * what the whole input made of it. The other threads' normalizers are opened
 * through opt->open (over copies of the schema, with salts 1, 2, ... for their
 * file ids) at the first input that can be cut, and write their own job
 * files; ll_normalize_pool_finish hands those over. An input that is not a
 * stream of objects (a top-level array, scalars) cannot be cut: push says
 * so through *done and leaves the input unread, for the caller's normalizer.
 */
#ifndef LL_NORMALIZE_POOL_H
#define LL_NORMALIZE_POOL_H

#include "normalize/normalize.h"

typedef struct ll_normalize_pool ll_normalize_pool;

typedef struct ll_normalize_pool_options {
	unsigned threads;   /* >= 1 */
	size_t piece_bytes; /* input each thread takes at a time */
	ll_status (*open)(void *user, ll_schema *schema, uint32_t salt, ll_normalizer **out,
			  ll_error *err);
	void *open_user;
	/* records normalized so far; called on the pushing thread, NULL: none */
	void (*progress)(void *user, uint64_t records);
	void *progress_user;
} ll_normalize_pool_options;

/** first is borrowed for the pool's life. */
ll_status ll_normalize_pool_open(ll_normalize_pool **out, ll_normalizer *first,
				 const ll_normalize_pool_options *opt, ll_error *err);

/**
 * Normalizes every record of in; *records (records before) grows by its
 * records. *done false: in cannot be cut and nothing of it was consumed.
 * last: no input follows in this load, so each thread starts writing its
 * row groups as soon as it has no piece left (ll_normalizer_flush). After a
 * failure the pool's normalizers accept nothing more.
 */
ll_status ll_normalize_pool_push(ll_normalize_pool *pool, ll_input *in, bool last,
				 uint64_t *records, bool *done, ll_error *err);

/**
 * Finishes every normalizer of the pool, the caller's too, each on its own
 * thread (their last row groups are encoded, written and synced at once),
 * and returns all their job files as ll_normalizer_finish does.
 */
ll_status ll_normalize_pool_finish(ll_normalize_pool *pool, ll_job_file **files, size_t *nfiles,
				   ll_error *err);

/** Frees the other threads' normalizers (removing their files unless finished). NULL is fine. */
void ll_normalize_pool_free(ll_normalize_pool *pool);

#endif
