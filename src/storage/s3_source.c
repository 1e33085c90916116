/*
 * An ll_parquet_source over an S3 object, so the Parquet reader fetches
 * the footer and then only the column chunks it needs, each with one
 * ranged GET. The ETag seen at open pins every read to that version of
 * the object.
 */
#include "storage/s3_internal.h"

#include <stdlib.h>
#include <string.h>

typedef struct s3_source {
	ll_s3_client *c;
	char *bucket;
	char *key;
	char etag[80];
} s3_source;

static ll_status source_read_at(void *ctx, uint64_t offset, void *buf, size_t len, ll_error *err)
{
	s3_source *s = ctx;
	return ll_s3_get_range_if(s->c, s->bucket, s->key, offset, len, buf, s->etag, err);
}

static void source_close(void *ctx)
{
	s3_source *s = ctx;
	free(s->bucket);
	free(s->key);
	free(s);
}

ll_status ll_s3_parquet_source(ll_s3_client *c, const char *bucket, const char *key,
			       ll_parquet_source *out, ll_error *err)
{
	ll_s3_object_info info;
	ll_status st = ll_s3_head_object(c, bucket, key, &info, err);
	if (st != LL_OK)
		return st;
	s3_source *s = calloc(1, sizeof(*s));
	if (s) {
		s->bucket = strdup(bucket);
		s->key = strdup(key);
	}
	if (!s || !s->bucket || !s->key) {
		if (s)
			source_close(s);
		return ll_error_oom(err);
	}
	s->c = c;
	memcpy(s->etag, info.etag, sizeof(s->etag));
	*out = (ll_parquet_source){ s, info.size, source_read_at, source_close };
	return LL_OK;
}
