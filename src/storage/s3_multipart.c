/*
 * Multipart uploads: start, send the parts in parallel (each retried on
 * its own), complete. Any failure after the start aborts the upload,
 * because S3 keeps (and bills) the parts of an upload that was neither
 * completed nor aborted, invisibly, until a lifecycle rule removes them.
 *
 * Parts are slices of one body, read by position, so parallel parts of a
 * file need no shared file offset and a retried part is read again from
 * its first byte.
 */
#include "storage/s3_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* S3 numbers parts 1 to 10,000. */
#define MAX_PARTS 10000

typedef struct part {
	char number[8];
	char what[64]; /* "upload part 3 of 7 to" */
	char etag[80];
} part;

typedef struct upload {
	ll_s3_client *c;
	const char *bucket;
	const char *key;
	const ll_s3_body *body;
	uint64_t part_size;
	size_t nparts;
	part *parts;
	char upload_id[512];
} upload;

uint64_t ll_s3_part_size(const ll_s3_client *c, uint64_t size)
{
	uint64_t ps = c->part_size;
	if (size / ps >= MAX_PARTS) {
		/* Grow to the next MiB that fits the object in 10,000 parts. */
		uint64_t need = size / MAX_PARTS + 1;
		ps = (need + (1u << 20) - 1) & ~((UINT64_C(1) << 20) - 1);
	}
	return ps;
}

static ll_status start_upload(upload *u, ll_error *err)
{
	ll_s3_request r;
	ll_s3_request_init(&r);
	r.what = "start a multipart upload to";
	r.method = "POST";
	r.bucket = u->bucket;
	r.key = u->key;
	r.xml_reply = true;
	ll_s3_request_add_query(&r, "uploads", NULL);
	ll_status st = ll_s3_perform(u->c, &r, err);
	ll_s3_xml doc = { 0 };
	if (st == LL_OK)
		st = ll_s3_xml_parse(&doc, r.reply.data, r.reply.len, err);
	const char *id = st == LL_OK ? ll_s3_xml_child_text(&doc, 0, "UploadId") : NULL;
	if (st == LL_OK && (!id || !*id || strlen(id) >= sizeof(u->upload_id)))
		st = ll_error_set(err, LL_EFORMAT,
				  "S3 start a multipart upload to s3://%s/%s: the reply has no usable "
				  "UploadId",
				  u->bucket, u->key);
	if (st == LL_OK)
		snprintf(u->upload_id, sizeof(u->upload_id), "%s", id);
	ll_s3_xml_free(&doc);
	ll_s3_request_free(&r);
	return st;
}

static ll_status prepare_part(void *user, size_t i, ll_s3_request *req, ll_error *err)
{
	(void)err;
	upload *u = user;
	part *p = &u->parts[i];
	uint64_t offset = (uint64_t)i * u->part_size;
	uint64_t len = u->body->size - offset < u->part_size ? u->body->size - offset : u->part_size;
	snprintf(p->number, sizeof(p->number), "%zu", i + 1);
	snprintf(p->what, sizeof(p->what), "upload part %zu of %zu to", i + 1, u->nparts);
	req->what = p->what;
	req->method = "PUT";
	req->bucket = u->bucket;
	req->key = u->key;
	req->body = ll_s3_body_slice(u->body, offset, len);
	ll_s3_request_add_query(req, "partNumber", p->number);
	ll_s3_request_add_query(req, "uploadId", u->upload_id);
	return LL_OK;
}

static ll_status finish_part(void *user, size_t i, ll_s3_request *req, ll_error *err)
{
	upload *u = user;
	if (!req->hdr.etag[0])
		return ll_error_set(err, LL_EFORMAT, "S3 %s s3://%s/%s: the reply has no ETag",
				    u->parts[i].what, u->bucket, u->key);
	snprintf(u->parts[i].etag, sizeof(u->parts[i].etag), "%s", req->hdr.etag);
	return LL_OK;
}

static ll_status send_parts(upload *u, ll_error *err)
{
	ll_s3_jobs jobs = { u->nparts, u->c->max_parallel, prepare_part, finish_part, u };
	return ll_s3_run_jobs(u->c, &jobs, err);
}

static void completion_document(const upload *u, ll_buf *xml)
{
	ll_buf_puts(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUpload "
			 "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">");
	for (size_t i = 0; i < u->nparts; i++) {
		ll_buf_printf(xml, "<Part><PartNumber>%zu</PartNumber><ETag>", i + 1);
		ll_s3_xml_escape(xml, u->parts[i].etag, strlen(u->parts[i].etag));
		ll_buf_puts(xml, "</ETag></Part>");
	}
	ll_buf_puts(xml, "</CompleteMultipartUpload>");
}

static ll_status complete_upload(upload *u, ll_error *err)
{
	ll_buf xml = LL_BUF_INIT;
	completion_document(u, &xml);
	if (ll_buf_oom(&xml))
		return ll_error_oom(err);
	ll_s3_request r;
	ll_s3_request_init(&r);
	r.what = "complete the multipart upload to";
	r.method = "POST";
	r.bucket = u->bucket;
	r.key = u->key;
	r.body = ll_s3_body_memory(xml.data, xml.len);
	r.xml_reply = true; /* S3 reports a failed completion inside a 200 reply */
	ll_s3_request_add_query(&r, "uploadId", u->upload_id);
	ll_s3_request_add_header(&r, "Content-Type", "application/xml");
	ll_status st = ll_s3_perform(u->c, &r, err);
	ll_s3_request_free(&r);
	ll_buf_free(&xml);
	return st;
}

/* Aborts the upload after a failure; says in err if even that failed. */
static void abort_upload(upload *u, ll_error *err)
{
	ll_s3_request r;
	ll_s3_request_init(&r);
	r.what = "abort the multipart upload to";
	r.method = "DELETE";
	r.bucket = u->bucket;
	r.key = u->key;
	ll_s3_request_add_query(&r, "uploadId", u->upload_id);
	ll_error abort_err;
	ll_error_clear(&abort_err);
	if (ll_s3_perform(u->c, &r, &abort_err) != LL_OK && err) {
		char first[sizeof(err->message)];
		snprintf(first, sizeof(first), "%s", err->message);
		ll_error_set(err, err->code,
			     "%s; the upload could not be aborted either, so its parts stay "
			     "stored until a lifecycle rule removes them (upload id %s): %s",
			     first, u->upload_id, abort_err.message);
	}
	ll_s3_request_free(&r);
}

ll_status ll_s3_multipart_upload(ll_s3_client *c, const char *bucket, const char *key,
				 const ll_s3_body *body, ll_error *err)
{
	upload u = { c, bucket, key, body, ll_s3_part_size(c, body->size), 0, NULL, "" };
	u.nparts = (size_t)((body->size + u.part_size - 1) / u.part_size);
	if (u.nparts == 0 || u.nparts > MAX_PARTS || u.part_size > LL_S3_MAX_PUT_SIZE)
		return ll_error_set(err, LL_EINVAL,
				    "S3 PUT s3://%s/%s: %" PRIu64
				    " bytes cannot be uploaded in 1 to 10,000 parts of at most 5 GiB",
				    bucket, key, body->size);
	u.parts = calloc(u.nparts, sizeof(*u.parts));
	if (!u.parts)
		return ll_error_oom(err);
	ll_status st = start_upload(&u, err);
	if (st == LL_OK) {
		st = send_parts(&u, err);
		if (st == LL_OK)
			st = complete_upload(&u, err);
		if (st != LL_OK)
			abort_upload(&u, err);
	}
	free(u.parts);
	return st;
}
