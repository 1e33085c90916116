/*
 * Object operations: each builds one request (or one per page or batch),
 * runs it through s3_transfer.c and reads what came back. Names are checked
 * before anything is sent, so a bad bucket name fails here, not as a
 * confusing signature error from S3.
 */
#include "storage/s3_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static ll_status check_object(const char *op, const char *bucket, const char *key, ll_error *err)
{
	if (!key)
		return ll_error_set(err, LL_EINVAL, "S3 %s: no object key given", op);
	return ll_s3_check_names(op, bucket, key, err);
}

/* Sends a body as one PUT, or in parts above the multipart threshold. */
static ll_status put_body(ll_s3_client *c, const char *bucket, const char *key, ll_s3_body *body,
			  ll_error *err)
{
	if (body->size > c->multipart_threshold)
		return ll_s3_multipart_upload(c, bucket, key, body, err);
	ll_s3_request r;
	ll_s3_request_init(&r);
	r.method = "PUT";
	r.bucket = bucket;
	r.key = key;
	r.body = *body;
	ll_status st = ll_s3_perform(c, &r, err);
	ll_s3_request_free(&r);
	return st;
}

ll_status ll_s3_put_object(ll_s3_client *c, const char *bucket, const char *key, const void *data,
			   size_t len, ll_error *err)
{
	ll_status st = check_object("PUT", bucket, key, err);
	if (st != LL_OK)
		return st;
	ll_s3_body body = ll_s3_body_memory(data, len);
	return put_body(c, bucket, key, &body, err);
}

ll_status ll_s3_put_file(ll_s3_client *c, const char *bucket, const char *key, const char *path,
			 ll_error *err)
{
	ll_status st = check_object("PUT", bucket, key, err);
	if (st != LL_OK)
		return st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat sb;
	if (fd < 0 || fstat(fd, &sb) != 0) {
		int e = errno;
		if (fd >= 0)
			close(fd);
		return ll_error_set(err, e == ENOENT ? LL_ENOTFOUND : LL_EIO, "cannot open %s: %s",
				    path, strerror(e));
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return ll_error_set(err, LL_EINVAL, "cannot upload %s: not a regular file", path);
	}
	ll_s3_body body = LL_S3_NO_BODY;
	body.fd = fd;
	body.path = path;
	body.size = (uint64_t)sb.st_size;
	st = put_body(c, bucket, key, &body, err);
	close(fd);
	return st;
}

ll_status ll_s3_get_object(ll_s3_client *c, const char *bucket, const char *key, ll_buf *out,
			   ll_error *err)
{
	ll_status st = check_object("GET", bucket, key, err);
	if (st != LL_OK)
		return st;
	ll_s3_request r;
	ll_s3_request_init(&r);
	r.method = "GET";
	r.bucket = bucket;
	r.key = key;
	r.out = out;
	st = ll_s3_perform(c, &r, err);
	ll_s3_request_free(&r);
	return st;
}

/* Checks that a ranged GET returned exactly the bytes asked for. */
static ll_status check_range_reply(const ll_s3_request *r, uint64_t offset, size_t len,
				   ll_error *err)
{
	char loc[1200];
	ll_s3_location(r->bucket, r->key, loc, sizeof(loc));
	char want[48];
	snprintf(want, sizeof(want), "bytes %" PRIu64 "-", offset);
	if (r->status == 206 && strncmp(r->hdr.content_range, want, strlen(want)) != 0)
		return ll_error_set(err, LL_EIO,
				    "S3 GET %s: asked for bytes at %" PRIu64 ", got range '%s'", loc,
				    offset, r->hdr.content_range);
	if (r->status != 206 && offset != 0)
		return ll_error_set(err, LL_EIO,
				    "S3 GET %s: the server ignored the Range header (HTTP %ld)", loc,
				    r->status);
	if (r->dest_len != len)
		return ll_error_set(err, LL_EIO,
				    "S3 GET %s: asked for %zu bytes at %" PRIu64
				    ", got %zu (the object is shorter)",
				    loc, len, offset, r->dest_len);
	return LL_OK;
}

ll_status ll_s3_get_range_if(ll_s3_client *c, const char *bucket, const char *key,
			     uint64_t offset, size_t len, void *buf, const char *etag, ll_error *err)
{
	ll_status st = check_object("GET", bucket, key, err);
	if (st != LL_OK || len == 0)
		return st;
	char range[64];
	snprintf(range, sizeof(range), "bytes=%" PRIu64 "-%" PRIu64, offset, offset + len - 1);
	ll_s3_request r;
	ll_s3_request_init(&r);
	r.method = "GET";
	r.bucket = bucket;
	r.key = key;
	r.dest = buf;
	r.dest_cap = len;
	ll_s3_request_add_header(&r, "Range", range);
	if (etag && *etag)
		ll_s3_request_add_header(&r, "If-Match", etag);
	st = ll_s3_perform(c, &r, err);
	if (st == LL_OK)
		st = check_range_reply(&r, offset, len, err);
	else if (etag && *etag && r.status == 412)
		ll_error_prefix(err, "s3://%s/%s changed while it was being read", bucket, key);
	ll_s3_request_free(&r);
	return st;
}

ll_status ll_s3_get_range(ll_s3_client *c, const char *bucket, const char *key, uint64_t offset,
			  size_t len, void *buf, ll_error *err)
{
	return ll_s3_get_range_if(c, bucket, key, offset, len, buf, NULL, err);
}

ll_status ll_s3_head_object(ll_s3_client *c, const char *bucket, const char *key,
			    ll_s3_object_info *info, ll_error *err)
{
	ll_status st = check_object("HEAD", bucket, key, err);
	if (st != LL_OK)
		return st;
	ll_s3_request r;
	ll_s3_request_init(&r);
	r.method = "HEAD";
	r.bucket = bucket;
	r.key = key;
	st = ll_s3_perform(c, &r, err);
	if (st == LL_OK && !r.hdr.has_content_length)
		st = ll_error_set(err, LL_EFORMAT,
				  "S3 HEAD s3://%s/%s: the reply has no Content-Length", bucket, key);
	if (st == LL_OK) {
		*info = (ll_s3_object_info){ .size = r.hdr.content_length };
		snprintf(info->etag, sizeof(info->etag), "%s", r.hdr.etag);
		snprintf(info->last_modified, sizeof(info->last_modified), "%s",
			 r.hdr.last_modified);
	}
	ll_s3_request_free(&r);
	return st;
}

ll_status ll_s3_copy_object(ll_s3_client *c, const char *src_bucket, const char *src_key,
			    const char *dst_bucket, const char *dst_key, ll_error *err)
{
	ll_status st = check_object("copy", src_bucket, src_key, err);
	if (st == LL_OK)
		st = check_object("copy", dst_bucket, dst_key, err);
	if (st != LL_OK)
		return st;
	ll_buf source = LL_BUF_INIT, what = LL_BUF_INIT;
	ll_buf_putc(&source, '/');
	ll_buf_puts(&source, src_bucket);
	ll_buf_putc(&source, '/');
	ll_sigv4_uri_encode(&source, src_key, strlen(src_key), true);
	ll_buf_printf(&what, "copy from s3://%s/%s to", src_bucket, src_key);
	ll_s3_request r;
	ll_s3_request_init(&r);
	r.what = ll_buf_cstr(&what);
	r.method = "PUT";
	r.bucket = dst_bucket;
	r.key = dst_key;
	r.xml_reply = true; /* S3 may fail a copy after it answered 200 */
	ll_s3_request_add_header(&r, "x-amz-copy-source", ll_buf_cstr(&source));
	st = ll_buf_oom(&source) || ll_buf_oom(&what) ? ll_error_oom(err) : ll_s3_perform(c, &r, err);
	ll_s3_request_free(&r);
	ll_buf_free(&source);
	ll_buf_free(&what);
	return st;
}
