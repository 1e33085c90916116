/*
 * The S3 half of ll_storage: a pool of S3 clients over one configuration.
 *
 * An ll_s3_client serves one thread at a time, but a storage is shared by
 * the loader, the engine's scans and the Iceberg writer. Each call takes a
 * client from the pool (opening one when none is idle) and gives it back,
 * so clients and their warm connections are reused without two threads
 * ever sharing one. A Parquet source keeps its client until it is closed,
 * because the reader issues many ranged reads in a row.
 */
#include "storage/storage_internal.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct ll_s3_pool {
	pthread_mutex_t mu;
	ll_s3_config cfg; /* strings below are owned copies */
	ll_s3_client **idle;
	size_t nidle, cap;
};

static char *dup_or_null(const char *s, bool *oom)
{
	if (!s)
		return NULL;
	char *d = strdup(s);
	*oom |= !d;
	return d;
}

static void wipe_free(const char *s)
{
	if (s)
		OPENSSL_cleanse((char *)s, strlen(s));
	free((char *)s);
}

static void free_config_strings(ll_s3_config *cfg)
{
	free((char *)cfg->endpoint_url);
	free((char *)cfg->region);
	free((char *)cfg->access_key_id);
	wipe_free(cfg->secret_access_key);
	wipe_free(cfg->session_token);
}

void ll_s3_pool_free(ll_s3_pool *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->nidle; i++)
		ll_s3_client_free(p->idle[i]);
	free(p->idle);
	free_config_strings(&p->cfg);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

ll_status ll_s3_pool_open(ll_s3_pool **out, const ll_s3_config *cfg, ll_error *err)
{
	*out = NULL;
	ll_s3_pool *p = calloc(1, sizeof(*p));
	if (!p)
		return ll_error_oom(err);
	pthread_mutex_init(&p->mu, NULL);
	bool oom = false;
	p->cfg = *cfg;
	p->cfg.endpoint_url = dup_or_null(cfg->endpoint_url, &oom);
	p->cfg.region = dup_or_null(cfg->region, &oom);
	p->cfg.access_key_id = dup_or_null(cfg->access_key_id, &oom);
	p->cfg.secret_access_key = dup_or_null(cfg->secret_access_key, &oom);
	p->cfg.session_token = dup_or_null(cfg->session_token, &oom);
	if (oom) {
		ll_s3_pool_free(p);
		return ll_error_oom(err);
	}
	ll_s3_client *first;
	ll_status st = ll_s3_pool_acquire(p, &first, err);
	if (st != LL_OK) {
		ll_s3_pool_free(p);
		return st;
	}
	ll_s3_pool_release(p, first);
	*out = p;
	return LL_OK;
}

ll_status ll_s3_pool_acquire(ll_s3_pool *p, ll_s3_client **out, ll_error *err)
{
	pthread_mutex_lock(&p->mu);
	*out = p->nidle ? p->idle[--p->nidle] : NULL;
	pthread_mutex_unlock(&p->mu);
	return *out ? LL_OK : ll_s3_client_open(out, &p->cfg, err);
}

void ll_s3_pool_release(ll_s3_pool *p, ll_s3_client *c)
{
	pthread_mutex_lock(&p->mu);
	if (p->nidle == p->cap) {
		size_t grown = p->cap ? p->cap * 2 : 4;
		ll_s3_client **more = realloc(p->idle, grown * sizeof(*more));
		if (!more) {
			pthread_mutex_unlock(&p->mu);
			ll_s3_client_free(c);
			return;
		}
		p->idle = more;
		p->cap = grown;
	}
	p->idle[p->nidle++] = c;
	pthread_mutex_unlock(&p->mu);
}

/* A pooled source: the S3 source plus the client it borrows. */
typedef struct pooled_source {
	ll_s3_pool *pool;
	ll_s3_client *client;
	ll_parquet_source inner;
} pooled_source;

static ll_status pooled_read_at(void *ctx, uint64_t offset, void *buf, size_t len, ll_error *err)
{
	pooled_source *ps = ctx;
	return ps->inner.read_at(ps->inner.ctx, offset, buf, len, err);
}

static void pooled_close(void *ctx)
{
	pooled_source *ps = ctx;
	ps->inner.close(ps->inner.ctx);
	ll_s3_pool_release(ps->pool, ps->client);
	free(ps);
}

ll_status ll_s3_pool_source(ll_s3_pool *p, const char *bucket, const char *key,
			    ll_parquet_source *out, ll_error *err)
{
	pooled_source *ps = calloc(1, sizeof(*ps));
	if (!ps)
		return ll_error_oom(err);
	ps->pool = p;
	ll_status st = ll_s3_pool_acquire(p, &ps->client, err);
	if (st == LL_OK) {
		st = ll_s3_parquet_source(ps->client, bucket, key, &ps->inner, err);
		if (st != LL_OK)
			ll_s3_pool_release(p, ps->client);
	}
	if (st != LL_OK) {
		free(ps);
		return st;
	}
	out->ctx = ps;
	out->size = ps->inner.size;
	out->read_at = pooled_read_at;
	out->close = pooled_close;
	return LL_OK;
}
