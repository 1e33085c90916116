/*
 * Internals shared by the S3 files (and their tests):
 *
 *   s3_client.c     the client: configuration, addressing, request URLs
 *   s3_transfer.c   running requests on libcurl: signing each attempt,
 *                   parallel transfers on one multi handle, retries
 *   s3_body.c       request bodies from memory or a file range, hashed
 *   s3_xml.c        the small XML subset S3 speaks, parsed and escaped
 *   s3_object.c     put, get, head, copy of one object
 *   s3_bucket.c     listing and deleting many keys
 *   s3_multipart.c  multipart uploads
 *   s3_source.c     the Parquet reader source
 *
 * A request (ll_s3_request) is described by its caller, run by
 * ll_s3_perform or, several at a time, by ll_s3_run_jobs, and afterwards
 * holds the response of its last attempt. Every failure that leaves
 * s3_transfer.c already names the operation and s3://bucket/key.
 */
#ifndef LL_STORAGE_S3_INTERNAL_H
#define LL_STORAGE_S3_INTERNAL_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "storage/s3.h"
#include "storage/sigv4.h"
#include "util/arena.h"

/* Query parameters or extra headers one S3 request needs at most. */
#define LL_S3_MAX_PAIRS 8

struct ll_s3_client {
	char *scheme;   /* "https" */
	char *host;     /* endpoint host[:port], as written in the URL */
	char *base;     /* endpoint path prefix without a trailing "/", often "" */
	bool aws;       /* no endpoint_url: bucket.s3.<region>.amazonaws.com */
	char *region;
	char *access_key_id;
	char *secret_access_key;
	char *session_token;
	ll_s3_credentials_fn credentials; /* when set, asked instead of the three above */
	void *credentials_user;
	ll_s3_path_style path_style;
	int max_retries;
	long retry_base_delay_ms, retry_max_delay_ms;
	long connect_timeout_ms, idle_timeout_ms;
	uint64_t multipart_threshold, part_size;
	size_t max_parallel;
	const ll_logger *logger;
	bool curl_ready; /* curl_global_init succeeded and needs its cleanup */
	CURLM *multi;   /* owns the connection pool every request uses */
	CURL **easy;    /* max_parallel handles, reused from request to request */
	uint64_t random;
	uint64_t connections; /* new connections opened so far */
};

/* A request body: bytes in memory, or a range of an open file. */
typedef struct ll_s3_body {
	const char *data; /* memory body, or NULL */
	int fd;           /* file body when data is NULL; -1: no body */
	const char *path; /* the file's name, for messages */
	uint64_t offset;  /* where the body starts in data or the file */
	uint64_t size;
	char sha256[65];  /* hex, set by ll_s3_body_hash */
} ll_s3_body;

#define LL_S3_NO_BODY ((ll_s3_body){ NULL, -1, NULL, 0, 0, "" })

/* Response headers the client uses; reset for every response. */
typedef struct ll_s3_reply_headers {
	char etag[80];
	char last_modified[40];
	char request_id[80];
	char content_range[80];
	char bucket_region[32]; /* where S3 says the bucket is, on a wrong-region reply */
	uint64_t content_length;
	bool has_content_length;
} ll_s3_reply_headers;

typedef struct ll_s3_request {
	/* What to send; strings are borrowed until the request is done. */
	const char *what;   /* "upload part 3", for messages; NULL: the method */
	const char *method; /* "GET", "HEAD", "PUT", "POST", "DELETE" */
	const char *bucket;
	const char *key;    /* NULL: a request on the bucket */
	ll_sigv4_pair query[LL_S3_MAX_PAIRS];
	size_t nquery;
	ll_sigv4_pair headers[LL_S3_MAX_PAIRS]; /* signed; Host is added */
	size_t nheaders;
	ll_s3_body body;
	/* A 2xx reply is XML that may still be an <Error> (copy, complete). */
	bool xml_reply;
	/* Where a 2xx body goes: dest (fixed size), out, or else reply. */
	char *dest;
	size_t dest_cap;
	ll_buf *out;

	/* The response of the last attempt. */
	long status;
	ll_buf reply; /* error bodies, and 2xx bodies that have no dest or out */
	size_t dest_len;
	ll_s3_reply_headers hdr;
	char error_code[64]; /* S3's <Code>, or "" */
	char error_message[256];
	int attempts;

	/* Transfer state, owned by s3_transfer.c. */
	CURL *easy;
	struct curl_slist *curl_headers;
	ll_sigv4_result sig;
	ll_buf url;
	ll_buf path;
	ll_buf host;
	uint64_t body_pos;
	CURLcode curl_result;
	bool local_failure; /* the failure is ours (read error, overflow): no retry */
	char local_error[256];
	char curl_error[CURL_ERROR_SIZE];
	double not_before;
} ll_s3_request;

/* Jobs for ll_s3_run_jobs: count requests, at most parallel at a time. */
typedef struct ll_s3_jobs {
	size_t count;
	size_t parallel;
	/* Describes job i in req, which is fresh (as after ll_s3_request_init). */
	ll_status (*prepare)(void *user, size_t i, ll_s3_request *req, ll_error *err);
	/* Job i succeeded; req holds its response. */
	ll_status (*finish)(void *user, size_t i, ll_s3_request *req, ll_error *err);
	void *user;
} ll_s3_jobs;

/* s3_client.c */

/* Appends the request's URL path (encoded) and Host header value. */
void ll_s3_request_target(const ll_s3_client *c, const char *bucket, const char *key,
			  ll_buf *host, ll_buf *path);
bool ll_s3_use_path_style(const ll_s3_client *c, const char *bucket);
/* Checks a bucket name and a key (key may be NULL) before any request. */
ll_status ll_s3_check_names(const char *op, const char *bucket, const char *key, ll_error *err);

/* s3_transfer.c */

void ll_s3_request_init(ll_s3_request *req);
/* Clears what describes and what answered the request, keeping memory. */
void ll_s3_request_reset(ll_s3_request *req);
void ll_s3_request_free(ll_s3_request *req);
void ll_s3_request_add_query(ll_s3_request *req, const char *name, const char *value);
void ll_s3_request_add_header(ll_s3_request *req, const char *name, const char *value);

/* Runs one request with retries; the request then holds the last response. */
ll_status ll_s3_perform(ll_s3_client *c, ll_s3_request *req, ll_error *err);

/* Runs jobs in parallel with retries; stops at the first job that fails. */
ll_status ll_s3_run_jobs(ll_s3_client *c, const ll_s3_jobs *jobs, ll_error *err);

/* Fills err for a request that failed, naming operation, object and cause. */
ll_status ll_s3_request_error(const ll_s3_request *req, ll_error *err);

/* "s3://bucket/key" (or "s3://bucket") into a fixed buffer, for messages. */
const char *ll_s3_location(const char *bucket, const char *key, char *buf, size_t size);


/* Whether a failed attempt may succeed if tried again. */
bool ll_s3_retryable_status(long status, const char *error_code);
bool ll_s3_retryable_curl(CURLcode rc);

/* The ll_status an HTTP status stands for. */
ll_status ll_s3_status_code(long status);

/* s3_body.c */

/* A body over len bytes of memory. */
ll_s3_body ll_s3_body_memory(const void *data, uint64_t len);
/* The part of body that starts offset bytes into it and runs len bytes. */
ll_s3_body ll_s3_body_slice(const ll_s3_body *body, uint64_t offset, uint64_t len);
/* Computes body->sha256, reading a file body once. */
ll_status ll_s3_body_hash(ll_s3_body *body, ll_error *err);
/* Copies up to len bytes of the body at pos into buf; -1 with a message on error. */
long ll_s3_body_read(const ll_s3_body *body, uint64_t pos, void *buf, size_t len, char *msg,
		     size_t msgsize);
/* Base64 of the MD5 of data, for Content-MD5. */
ll_status ll_s3_content_md5(const void *data, size_t len, char out[32], ll_error *err);

/* s3_xml.c */

typedef struct ll_s3_xml_node {
	const char *name; /* local name, namespace prefix removed */
	const char *text; /* the element's own character data, decoded */
	size_t text_len;
	int32_t parent, first_child, next_sibling; /* -1: none */
	int32_t last_child;
} ll_s3_xml_node;

/* A parsed document; node 0 is the root element. */
typedef struct ll_s3_xml {
	ll_s3_xml_node *nodes;
	size_t count, cap;
	ll_arena arena;
} ll_s3_xml;

/*
 * Parses an XML document: elements, character data, the five predefined
 * entities, numeric character references, CDATA, comments and processing
 * instructions. Attributes are skipped; a DOCTYPE is refused (S3 never
 * sends one, and it is how entity expansion attacks begin). Fails with
 * LL_EFORMAT; doc is then empty but must still be freed.
 */
ll_status ll_s3_xml_parse(ll_s3_xml *doc, const char *text, size_t len, ll_error *err);
void ll_s3_xml_free(ll_s3_xml *doc);

/* The first child of node named name, or -1. */
int32_t ll_s3_xml_child(const ll_s3_xml *doc, int32_t node, const char *name);
/* The next sibling of node with the same name, or -1. */
int32_t ll_s3_xml_next(const ll_s3_xml *doc, int32_t node);
/* Text of the first child of node named name, or NULL when there is none. */
const char *ll_s3_xml_child_text(const ll_s3_xml *doc, int32_t node, const char *name);

/*
 * The ISO 8601 date-time in the text of node's first child named name
 * ("2026-12-07T06:12:45.000Z", as S3's LastModified), in ms since the
 * epoch; fallback_ms when there is no such child or its text is not a
 * date-time with a time of day.
 */
int64_t ll_s3_xml_child_time_ms(const ll_s3_xml *doc, int32_t node, const char *name,
				int64_t fallback_ms);

/* Appends s escaped for XML character data. */
void ll_s3_xml_escape(ll_buf *out, const char *s, size_t len);

/*
 * Reads an S3 <Error> document: copies its Code and Message. Returns false
 * when text is not one (then code and message are empty).
 */
bool ll_s3_xml_error(const char *text, size_t len, char *code, size_t code_size, char *message,
		     size_t message_size);

/* s3_object.c */

/* ll_s3_get_range, failing with LL_ECONFLICT unless the ETag still is etag. */
ll_status ll_s3_get_range_if(ll_s3_client *c, const char *bucket, const char *key,
			     uint64_t offset, size_t len, void *buf, const char *etag, ll_error *err);

/* s3_multipart.c */

/* Uploads body as bucket/key in parts; aborts the upload if any step fails. */
ll_status ll_s3_multipart_upload(ll_s3_client *c, const char *bucket, const char *key,
				 const ll_s3_body *body, ll_error *err);

/* The part size for an object of size bytes: the configured one, grown so
   no more than 10,000 parts are needed. */
uint64_t ll_s3_part_size(const ll_s3_client *c, uint64_t size);

#endif
