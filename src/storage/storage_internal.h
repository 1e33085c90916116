/*
 * Inside ll_storage: every key or location is first resolved to a target,
 * either a local absolute path or an S3 bucket and key, and each operation
 * then goes to the local or the S3 half. Dispatching on the target rather
 * than on the root is what lets a local lake read a mapped S3 location and
 * an S3 lake read a local one.
 */
#ifndef LL_STORAGE_STORAGE_INTERNAL_H
#define LL_STORAGE_STORAGE_INTERNAL_H

#include "storage/storage.h"

typedef struct ll_storage_target {
	bool is_s3;
	ll_buf path;   /* local: absolute path; S3: the key in bucket */
	ll_buf bucket; /* S3 only */
	ll_buf location; /* for messages: the location as the caller would write it */
} ll_storage_target;

void ll_storage_target_free(ll_storage_target *t);

/* ---- local half ---- */

ll_status ll_stl_put_file(const char *path, const char *local_path, bool move, ll_error *err);
ll_status ll_stl_put(const char *path, const void *data, size_t len, ll_error *err);
ll_status ll_stl_exists(const char *path, bool *exists, uint64_t *size, ll_error *err);
/* A growing array of listed entries, shared by the two halves' listings. */
typedef struct ll_storage_entries {
	ll_storage_entry *items;
	size_t n, cap;
} ll_storage_entries;

/* Appends an entry with a copy of key. */
ll_status ll_storage_entries_push(ll_storage_entries *list, const char *key, uint64_t size,
				  int64_t modified_ms, ll_error *err);

/* Appends the files under dir, keyed by rel/name (name alone when rel is ""), recursively. */
ll_status ll_stl_walk(const char *dir, const char *rel, ll_storage_entries *out, ll_error *err);
ll_status ll_stl_delete(const char *path, ll_error *err);

/* ---- S3 half: a pool of clients, so several threads can share a storage ---- */

typedef struct ll_s3_pool ll_s3_pool;

/** Copies cfg (strings included) and opens one client to check it. */
ll_status ll_s3_pool_open(ll_s3_pool **out, const ll_s3_config *cfg, ll_error *err);
void ll_s3_pool_free(ll_s3_pool *p);

/** A client for the calling thread alone until ll_s3_pool_release. */
ll_status ll_s3_pool_acquire(ll_s3_pool *p, ll_s3_client **out, ll_error *err);
void ll_s3_pool_release(ll_s3_pool *p, ll_s3_client *c);

/** A Parquet source that keeps its own client from the pool until closed. */
ll_status ll_s3_pool_source(ll_s3_pool *p, const char *bucket, const char *key,
			    ll_parquet_source *out, ll_error *err);

#endif
