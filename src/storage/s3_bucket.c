/*
 * Operations over many keys of a bucket: ListObjectsV2, followed page by
 * page, and DeleteObjects, sent in batches of 1000.
 *
 * Listings ask for encoding-type=url, because XML 1.0 cannot carry every
 * byte a key may hold; keys are decoded only when the reply says it
 * applied that encoding (S3-compatible stores that ignore the parameter
 * send keys as they are). S3's URL encoding writes a space as "+".
 */
#include "storage/s3_internal.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/number.h"
#include "util/time.h"

/* Decodes S3's URL encoding ("%XX", "+" for a space); false if malformed. */
static bool url_decode(const char *s, ll_buf *out)
{
	ll_buf_clear(out);
	for (; *s; s++) {
		if (*s == '%') {
			int hi = ll_hex_digit(s[1]), lo = hi >= 0 ? ll_hex_digit(s[2]) : -1;
			if (lo < 0)
				return false;
			ll_buf_putc(out, (char)(hi * 16 + lo));
			s += 2;
		} else {
			ll_buf_putc(out, *s == '+' ? ' ' : *s);
		}
	}
	return !ll_buf_oom(out);
}

/* State of one listing across its pages. */
typedef struct listing {
	const char *bucket;
	ll_s3_list_fn fn;
	void *user;
	ll_buf token; /* continuation token of the next page; empty: none */
	ll_buf name;  /* a decoded key */
	int64_t began_ms; /* when the listing began: the age of objects S3 gives none for */
	bool more, stopped;
	ll_error *err;
} listing;

static ll_status list_fail(listing *l, const char *what)
{
	return ll_error_set(l->err, LL_EFORMAT, "S3 list s3://%s: the reply %s", l->bucket, what);
}

/* The key or prefix text of an entry, decoded when the reply is encoded. */
static const char *entry_name(listing *l, const char *text, bool encoded)
{
	if (!encoded)
		return text;
	return url_decode(text, &l->name) ? ll_buf_cstr(&l->name) : NULL;
}

static ll_status list_objects(listing *l, const ll_s3_xml *doc, bool encoded)
{
	for (int32_t n = ll_s3_xml_child(doc, 0, "Contents"); n >= 0 && !l->stopped;
	     n = ll_s3_xml_next(doc, n)) {
		const char *key = ll_s3_xml_child_text(doc, n, "Key");
		const char *size = ll_s3_xml_child_text(doc, n, "Size");
		const char *etag = ll_s3_xml_child_text(doc, n, "ETag");
		const char *modified = ll_s3_xml_child_text(doc, n, "LastModified");
		char *end = NULL;
		uint64_t bytes = size ? strtoull(size, &end, 10) : 0;
		if (!key || !size || end == size || *end != '\0')
			return list_fail(l, "has an object without a key or a size");
		ll_s3_list_entry e = { entry_name(l, key, encoded), false, bytes, etag ? etag : "",
				       modified ? modified : "",
				       ll_s3_xml_child_time_ms(doc, n, "LastModified", l->began_ms) };
		if (!e.key)
			return list_fail(l, "has a key that is not URL-encoded");
		l->stopped = l->fn(l->user, &e) != 0;
	}
	return LL_OK;
}

static ll_status list_prefixes(listing *l, const ll_s3_xml *doc, bool encoded)
{
	for (int32_t n = ll_s3_xml_child(doc, 0, "CommonPrefixes"); n >= 0 && !l->stopped;
	     n = ll_s3_xml_next(doc, n)) {
		const char *prefix = ll_s3_xml_child_text(doc, n, "Prefix");
		ll_s3_list_entry e = { prefix ? entry_name(l, prefix, encoded) : NULL, true, 0, "",
				       "", l->began_ms };
		if (!e.key)
			return list_fail(l, "has a common prefix that cannot be read");
		l->stopped = l->fn(l->user, &e) != 0;
	}
	return LL_OK;
}

static ll_status next_token(listing *l, const ll_s3_xml *doc)
{
	const char *truncated = ll_s3_xml_child_text(doc, 0, "IsTruncated");
	l->more = truncated && strcmp(truncated, "true") == 0;
	if (!l->more)
		return LL_OK;
	const char *token = ll_s3_xml_child_text(doc, 0, "NextContinuationToken");
	if (!token || !*token)
		return list_fail(l, "is truncated but has no NextContinuationToken");
	if (strcmp(token, ll_buf_cstr(&l->token)) == 0)
		return list_fail(l, "repeats the continuation token it was given");
	ll_buf_clear(&l->token);
	ll_buf_puts(&l->token, token);
	return ll_buf_oom(&l->token) ? ll_error_oom(l->err) : LL_OK;
}

static ll_status read_page(listing *l, const ll_buf *reply)
{
	ll_s3_xml doc;
	ll_status st = ll_s3_xml_parse(&doc, reply->data, reply->len, l->err);
	if (st == LL_OK && strcmp(doc.nodes[0].name, "ListBucketResult") != 0)
		st = list_fail(l, "is not a ListBucketResult");
	const char *enc = st == LL_OK ? ll_s3_xml_child_text(&doc, 0, "EncodingType") : NULL;
	bool encoded = enc && strcmp(enc, "url") == 0;
	if (st == LL_OK)
		st = list_objects(l, &doc, encoded);
	if (st == LL_OK)
		st = list_prefixes(l, &doc, encoded);
	if (st == LL_OK)
		st = next_token(l, &doc);
	ll_s3_xml_free(&doc);
	return st;
}

static ll_status list_page(ll_s3_client *c, listing *l, const char *prefix, const char *delimiter)
{
	ll_s3_request r;
	ll_s3_request_init(&r);
	r.what = "list";
	r.method = "GET";
	r.bucket = l->bucket;
	ll_s3_request_add_query(&r, "list-type", "2");
	ll_s3_request_add_query(&r, "encoding-type", "url");
	if (prefix && *prefix)
		ll_s3_request_add_query(&r, "prefix", prefix);
	if (delimiter && *delimiter)
		ll_s3_request_add_query(&r, "delimiter", delimiter);
	if (l->token.len > 0)
		ll_s3_request_add_query(&r, "continuation-token", ll_buf_cstr(&l->token));
	ll_status st = ll_s3_perform(c, &r, l->err);
	if (st == LL_OK)
		st = read_page(l, &r.reply);
	ll_s3_request_free(&r);
	return st;
}

ll_status ll_s3_list_objects_v2(ll_s3_client *c, const char *bucket, const char *prefix,
				const char *delimiter, ll_s3_list_fn fn, void *user, ll_error *err)
{
	ll_status st = ll_s3_check_names("list", bucket, NULL, err);
	listing l = { bucket, fn, user, LL_BUF_INIT, LL_BUF_INIT, ll_time_now_micros() / 1000, true,
		      false, err };
	while (st == LL_OK && l.more && !l.stopped)
		st = list_page(c, &l, prefix, delimiter);
	ll_buf_free(&l.token);
	ll_buf_free(&l.name);
	return st;
}

/* Keys S3 refused to delete, over all batches. */
typedef struct refusals {
	size_t count;
	char key[1100];
	char code[64];
	char message[256];
} refusals;

static void delete_document(ll_buf *xml, const char *const *keys, size_t n)
{
	ll_buf_puts(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
			 "<Delete xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
			 "<Quiet>true</Quiet>");
	for (size_t i = 0; i < n; i++) {
		ll_buf_puts(xml, "<Object><Key>");
		ll_s3_xml_escape(xml, keys[i], strlen(keys[i]));
		ll_buf_puts(xml, "</Key></Object>");
	}
	ll_buf_puts(xml, "</Delete>");
}

static ll_status read_delete_result(const char *bucket, const ll_buf *reply, refusals *ref,
				    ll_error *err)
{
	ll_s3_xml doc;
	ll_status st = ll_s3_xml_parse(&doc, reply->data, reply->len, err);
	if (st == LL_OK && strcmp(doc.nodes[0].name, "DeleteResult") != 0)
		st = ll_error_set(err, LL_EFORMAT,
				  "S3 delete in s3://%s: the reply is not a DeleteResult", bucket);
	for (int32_t n = st == LL_OK ? ll_s3_xml_child(&doc, 0, "Error") : -1; n >= 0;
	     n = ll_s3_xml_next(&doc, n)) {
		if (ref->count++ > 0)
			continue;
		const char *key = ll_s3_xml_child_text(&doc, n, "Key");
		const char *code = ll_s3_xml_child_text(&doc, n, "Code");
		const char *msg = ll_s3_xml_child_text(&doc, n, "Message");
		snprintf(ref->key, sizeof(ref->key), "%s", key ? key : "");
		snprintf(ref->code, sizeof(ref->code), "%s", code ? code : "");
		snprintf(ref->message, sizeof(ref->message), "%s", msg ? msg : "");
	}
	ll_s3_xml_free(&doc);
	return st;
}

static ll_status delete_batch(ll_s3_client *c, const char *bucket, const char *const *keys,
			      size_t n, refusals *ref, ll_error *err)
{
	ll_buf xml = LL_BUF_INIT;
	delete_document(&xml, keys, n);
	char md5[32] = "";
	ll_status st = ll_buf_oom(&xml) ? ll_error_oom(err)
					 : ll_s3_content_md5(xml.data, xml.len, md5, err);
	ll_s3_request r;
	ll_s3_request_init(&r);
	r.what = "delete in";
	r.method = "POST";
	r.bucket = bucket;
	r.body = ll_s3_body_memory(xml.data, xml.len);
	r.xml_reply = true;
	ll_s3_request_add_query(&r, "delete", NULL);
	ll_s3_request_add_header(&r, "Content-MD5", md5);
	ll_s3_request_add_header(&r, "Content-Type", "application/xml");
	if (st == LL_OK)
		st = ll_s3_perform(c, &r, err);
	if (st == LL_OK)
		st = read_delete_result(bucket, &r.reply, ref, err);
	ll_s3_request_free(&r);
	ll_buf_free(&xml);
	return st;
}

ll_status ll_s3_delete_objects(ll_s3_client *c, const char *bucket, const char *const *keys,
			       size_t nkeys, ll_error *err)
{
	ll_status st = ll_s3_check_names("delete", bucket, NULL, err);
	for (size_t i = 0; st == LL_OK && i < nkeys; i++) {
		st = keys[i] ? ll_s3_check_names("delete", bucket, keys[i], err)
			     : ll_error_set(err, LL_EINVAL, "S3 delete in s3://%s: key %zu is NULL",
					    bucket, i);
	}
	refusals ref = { 0 };
	for (size_t i = 0; st == LL_OK && i < nkeys; i += LL_S3_DELETE_BATCH) {
		size_t n = nkeys - i < LL_S3_DELETE_BATCH ? nkeys - i : LL_S3_DELETE_BATCH;
		st = delete_batch(c, bucket, keys + i, n, &ref, err);
	}
	if (st == LL_OK && ref.count > 0)
		st = ll_error_set(err, strcmp(ref.code, "AccessDenied") == 0 ? LL_EAUTH : LL_EIO,
				  "S3 delete in s3://%s: %zu of %zu keys were not deleted; "
				  "the first, s3://%s/%s: %s: %s",
				  bucket, ref.count, nkeys, bucket, ref.key, ref.code, ref.message);
	return st;
}
