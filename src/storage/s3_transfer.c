/*
 * Running S3 requests on libcurl.
 *
 * Every request, alone or one of many, runs on the client's multi handle,
 * so all of them draw on one connection pool and a connection opened for
 * one request serves the next. Parallel requests (the parts of a multipart
 * upload) occupy "slots", one per easy handle; a slot whose attempt failed
 * in a retryable way waits out its backoff while the other slots keep
 * transferring.
 *
 * Each attempt is signed anew (its X-Amz-Date must be current, and a
 * retry may come minutes later) and starts from a clean slate: the body is
 * read again from its start, and whatever the failed attempt received is
 * dropped.
 *
 * A failure is retried when trying again can help: 5xx except 501, 429,
 * the throttling and timeout error codes, and curl errors that mean the
 * connection broke or stalled. A failure of our own (a file that cannot be
 * read, a response larger than its buffer) is not.
 */
#include "storage/s3_internal.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "util/hash.h"
#include "util/retry.h"
#include "util/time.h"

/* Error bodies and XML replies larger than this are not from S3. */
#define REPLY_MAX (64u << 20)
/* Longest wait in curl_multi_poll while transfers run (curl wakes earlier). */
#define POLL_MAX_MS 1000

void ll_s3_request_init(ll_s3_request *req)
{
	memset(req, 0, sizeof(*req));
	req->body = LL_S3_NO_BODY;
	req->sig = (ll_sigv4_result)LL_SIGV4_RESULT_INIT;
}

void ll_s3_request_reset(ll_s3_request *req)
{
	ll_buf reply = req->reply, url = req->url, path = req->path, host = req->host;
	ll_sigv4_result sig = req->sig;
	struct curl_slist *headers = req->curl_headers;
	ll_s3_request_init(req);
	req->reply = reply;
	req->url = url;
	req->path = path;
	req->host = host;
	req->sig = sig;
	req->curl_headers = headers;
	ll_buf_clear(&req->reply);
}

void ll_s3_request_free(ll_s3_request *req)
{
	ll_buf_free(&req->reply);
	ll_buf_free(&req->url);
	ll_buf_free(&req->path);
	ll_buf_free(&req->host);
	ll_sigv4_result_free(&req->sig);
	curl_slist_free_all(req->curl_headers);
	req->curl_headers = NULL;
}

void ll_s3_request_add_query(ll_s3_request *req, const char *name, const char *value)
{
	assert(req->nquery < LL_S3_MAX_PAIRS);
	req->query[req->nquery++] = (ll_sigv4_pair){ name, value };
}

void ll_s3_request_add_header(ll_s3_request *req, const char *name, const char *value)
{
	assert(req->nheaders < LL_S3_MAX_PAIRS);
	req->headers[req->nheaders++] = (ll_sigv4_pair){ name, value };
}

const char *ll_s3_location(const char *bucket, const char *key, char *buf, size_t size)
{
	snprintf(buf, size, "s3://%s%s%s", bucket ? bucket : "", key ? "/" : "", key ? key : "");
	return buf;
}

bool ll_s3_retryable_status(long status, const char *error_code)
{
	static const char *const codes[] = {
		"SlowDown",   "RequestTimeout",	     "InternalError",	 "ServiceUnavailable",
		"Throttling", "ThrottlingException", "RequestThrottled", "TooManyRequests",
		"RequestLimitExceeded",
	};
	if ((status >= 500 && status != 501) || status == 429 || status == 408)
		return true;
	for (size_t i = 0; error_code && i < sizeof(codes) / sizeof(codes[0]); i++) {
		if (strcmp(error_code, codes[i]) == 0)
			return true;
	}
	return false;
}

bool ll_s3_retryable_curl(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_WEIRD_SERVER_REPLY:
	case CURLE_SEND_FAIL_REWIND:
		return true;
	default:
		return false;
	}
}

ll_status ll_s3_status_code(long status)
{
	switch (status) {
	case 301:
		return LL_EINVAL; /* the bucket is in another region */
	case 401:
	case 403:
		return LL_EAUTH;
	case 404:
		return LL_ENOTFOUND;
	case 400:
	case 416:
		return LL_EINVAL;
	case 409:
	case 412:
		return LL_ECONFLICT;
	case 405:
	case 501:
		return LL_EUNSUPPORTED;
	default:
		return LL_EIO;
	}
}

/* The cause of a failed attempt, for messages and retry logs. */
static void failure_reason(const ll_s3_request *r, char *buf, size_t size)
{
	if (r->local_failure) {
		snprintf(buf, size, "%s", r->local_error);
	} else if (r->curl_result != CURLE_OK) {
		snprintf(buf, size, "%s%s%s%s", curl_easy_strerror(r->curl_result),
			 r->curl_error[0] ? " (" : "", r->curl_error, r->curl_error[0] ? ")" : "");
	} else {
		snprintf(buf, size, "HTTP %ld%s%s%s%s%s%s%s", r->status, r->error_code[0] ? " " : "",
			 r->error_code, r->error_message[0] ? ": " : "", r->error_message,
			 r->hdr.request_id[0] ? " (request id " : "", r->hdr.request_id,
			 r->hdr.request_id[0] ? ")" : "");
	}
}

static ll_status failure_status(const ll_s3_request *r)
{
	if (r->local_failure || r->curl_result != CURLE_OK)
		return LL_EIO;
	if (r->status >= 200 && r->status < 300)
		return LL_EIO; /* an <Error> inside a 200 reply */
	return ll_s3_status_code(r->status);
}

ll_status ll_s3_request_error(const ll_s3_request *r, ll_error *err)
{
	char loc[1200], reason[700], tries[64] = "";
	ll_s3_location(r->bucket, r->key, loc, sizeof(loc));
	failure_reason(r, reason, sizeof(reason));
	if (r->attempts > 1)
		snprintf(tries, sizeof(tries), "; gave up after %d attempts", r->attempts);
	ll_status code = failure_status(r);
	char hint[128] = "";
	if (r->hdr.bucket_region[0])
		snprintf(hint, sizeof(hint), "; the bucket is in region %s, set the region to it",
			 r->hdr.bucket_region);
	else if (code == LL_EAUTH && strcmp(r->error_code, "RequestTimeTooSkewed") == 0)
		snprintf(hint, sizeof(hint), "; the system clock is off, correct it");
	else if (code == LL_EAUTH)
		snprintf(hint, sizeof(hint),
			 "; check the access key id, secret access key, session token and region");
	return ll_error_set(err, code, "S3 %s %s: %s%s%s", r->what ? r->what : r->method, loc,
			    reason, hint, tries);
}

/* Copies a header value, trimmed, into a fixed field. */
static void header_value(char *dst, size_t size, const char *v, size_t n)
{
	while (n > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		n--;
	}
	while (n > 0 && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

static bool header_is(const char *line, size_t n, const char *name, const char **value,
		      size_t *vlen)
{
	size_t k = strlen(name);
	if (n <= k || line[k] != ':' || strncasecmp(line, name, k) != 0)
		return false;
	*value = line + k + 1;
	*vlen = n - k - 1;
	return true;
}

static size_t on_header(char *line, size_t size, size_t nitems, void *user)
{
	ll_s3_request *r = user;
	size_t n = size * nitems;
	ll_s3_reply_headers *h = &r->hdr;
	const char *v;
	size_t vn;
	char num[32];
	if (n >= 5 && memcmp(line, "HTTP/", 5) == 0) {
		/* A new response (the one after "100 Continue" too). */
		memset(h, 0, sizeof(*h));
	} else if (header_is(line, n, "etag", &v, &vn)) {
		header_value(h->etag, sizeof(h->etag), v, vn);
	} else if (header_is(line, n, "last-modified", &v, &vn)) {
		header_value(h->last_modified, sizeof(h->last_modified), v, vn);
	} else if (header_is(line, n, "x-amz-request-id", &v, &vn)) {
		header_value(h->request_id, sizeof(h->request_id), v, vn);
	} else if (header_is(line, n, "x-amz-bucket-region", &v, &vn)) {
		header_value(h->bucket_region, sizeof(h->bucket_region), v, vn);
	} else if (header_is(line, n, "content-range", &v, &vn)) {
		header_value(h->content_range, sizeof(h->content_range), v, vn);
	} else if (header_is(line, n, "content-length", &v, &vn)) {
		header_value(num, sizeof(num), v, vn);
		char *end;
		unsigned long long len = strtoull(num, &end, 10);
		h->has_content_length = end != num && *end == '\0';
		h->content_length = len;
	}
	return n;
}

static size_t local_failure(ll_s3_request *r, const char *msg)
{
	r->local_failure = true;
	snprintf(r->local_error, sizeof(r->local_error), "%s", msg);
	return 0; /* makes curl stop with CURLE_WRITE_ERROR */
}

static size_t on_body(char *data, size_t size, size_t nitems, void *user)
{
	ll_s3_request *r = user;
	size_t n = size * nitems;
	long status = 0;
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	bool ok = status >= 200 && status < 300;
	if (ok && r->dest) {
		if (n > r->dest_cap - r->dest_len)
			return local_failure(r, "the server sent more bytes than were asked for");
		memcpy(r->dest + r->dest_len, data, n);
		r->dest_len += n;
		return n;
	}
	ll_buf *b = ok && r->out ? r->out : &r->reply;
	if (b == &r->reply && b->len + n > REPLY_MAX)
		return local_failure(r, "the reply is larger than any S3 reply should be");
	ll_buf_append(b, data, n);
	return ll_buf_oom(b) ? local_failure(r, "out of memory for the reply") : n;
}

static size_t on_read(char *buf, size_t size, size_t nitems, void *user)
{
	ll_s3_request *r = user;
	long n = ll_s3_body_read(&r->body, r->body_pos, buf, size * nitems, r->local_error,
				 sizeof(r->local_error));
	if (n < 0) {
		r->local_failure = true;
		return CURL_READFUNC_ABORT;
	}
	r->body_pos += (uint64_t)n;
	return (size_t)n;
}

static int on_seek(void *user, curl_off_t offset, int origin)
{
	ll_s3_request *r = user;
	if (origin != SEEK_SET || offset < 0 || (uint64_t)offset > r->body.size)
		return CURL_SEEKFUNC_FAIL;
	r->body_pos = (uint64_t)offset;
	return CURL_SEEKFUNC_OK;
}

static bool add_curl_header(ll_s3_request *r, const char *name, const char *value)
{
	char line[4096];
	/* "Name:" alone tells curl to leave out a header it would add itself. */
	int n = value ? snprintf(line, sizeof(line), "%s: %s", name, value)
		      : snprintf(line, sizeof(line), "%s:", name);
	if (n < 0 || (size_t)n >= sizeof(line))
		return false;
	struct curl_slist *l = curl_slist_append(r->curl_headers, line);
	if (l)
		r->curl_headers = l;
	return l != NULL;
}

static bool has_header(const ll_s3_request *r, const char *name)
{
	for (size_t i = 0; i < r->nheaders; i++) {
		if (strcasecmp(r->headers[i].name, name) == 0)
			return true;
	}
	return false;
}

static ll_status build_headers(ll_s3_request *r, ll_error *err)
{
	curl_slist_free_all(r->curl_headers);
	r->curl_headers = NULL;
	bool ok = add_curl_header(r, "Host", ll_buf_cstr(&r->host));
	for (size_t i = 0; ok && i < r->nheaders; i++)
		ok = add_curl_header(r, r->headers[i].name, r->headers[i].value);
	for (size_t i = 0; ok && i < r->sig.nheaders; i++)
		ok = add_curl_header(r, r->sig.headers[i].name, r->sig.headers[i].value);
	/* curl labels every POST as a form; S3 would store that type. */
	if (ok && !has_header(r, "Content-Type"))
		ok = add_curl_header(r, "Content-Type", NULL);
	return ok ? LL_OK : ll_error_oom(err);
}

static ll_status sign_with(ll_s3_client *c, ll_s3_request *r, const ll_sigv4_credentials *creds,
			   ll_error *err)
{
	ll_buf_clear(&r->host);
	ll_buf_clear(&r->path);
	ll_s3_request_target(c, r->bucket, r->key, &r->host, &r->path);
	ll_sigv4_pair headers[LL_S3_MAX_PAIRS + 1];
	headers[0] = (ll_sigv4_pair){ "Host", ll_buf_cstr(&r->host) };
	memcpy(headers + 1, r->headers, r->nheaders * sizeof(headers[0]));
	ll_sigv4_request sr = { r->method, ll_buf_cstr(&r->path), r->query, r->nquery,
				headers, r->nheaders + 1, r->body.sha256, NULL, 0 };
	ll_sigv4_config cfg = {
		.credentials = *creds,
		.region = c->region,
		.service = "s3",
		.time = (int64_t)time(NULL),
		.sign_body = true,
	};
	ll_status st = ll_sigv4_sign_headers(&sr, &cfg, &r->sig, err);
	if (st != LL_OK)
		return st;
	ll_buf_clear(&r->url);
	ll_buf_printf(&r->url, "%s://%s%s", c->scheme, ll_buf_cstr(&r->host), ll_buf_cstr(&r->path));
	if (r->sig.query.len > 0)
		ll_buf_printf(&r->url, "?%s", ll_buf_cstr(&r->sig.query));
	if (ll_buf_oom(&r->host) || ll_buf_oom(&r->path) || ll_buf_oom(&r->url))
		return ll_error_oom(err);
	return build_headers(r, err);
}

/* Signs with the client's credentials, or those its credentials function gives now. */
static ll_status sign_request(ll_s3_client *c, ll_s3_request *r, ll_error *err)
{
	if (!c->credentials) {
		ll_sigv4_credentials fixed = { c->access_key_id, c->secret_access_key,
					       c->session_token };
		return sign_with(c, r, &fixed, err);
	}
	ll_buf id = LL_BUF_INIT, secret = LL_BUF_INIT, token = LL_BUF_INIT;
	ll_status st = c->credentials(c->credentials_user, &id, &secret, &token, err);
	if (st == LL_OK && (ll_buf_oom(&id) || ll_buf_oom(&secret) || ll_buf_oom(&token)))
		st = ll_error_oom(err);
	if (st == LL_OK) {
		ll_sigv4_credentials now = { ll_buf_cstr(&id), ll_buf_cstr(&secret),
					     token.len ? ll_buf_cstr(&token) : NULL };
		st = sign_with(c, r, &now, err);
	}
	ll_buf_free(&id);
	ll_buf_wipe(&secret);
	ll_buf_wipe(&token);
	return st;
}

static void set_method(ll_s3_request *r)
{
	CURL *e = r->easy;
	bool upload = strcmp(r->method, "PUT") == 0, post = strcmp(r->method, "POST") == 0;
	if (strcmp(r->method, "HEAD") == 0)
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	else if (upload)
		curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
	else if (post)
		curl_easy_setopt(e, CURLOPT_POST, 1L);
	else if (strcmp(r->method, "GET") != 0)
		curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r->method);
	if (upload || post) {
		curl_easy_setopt(e, upload ? CURLOPT_INFILESIZE_LARGE : CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)r->body.size);
		curl_easy_setopt(e, CURLOPT_READFUNCTION, on_read);
		curl_easy_setopt(e, CURLOPT_READDATA, r);
		curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, on_seek);
		curl_easy_setopt(e, CURLOPT_SEEKDATA, r);
	}
}

static void configure(ll_s3_client *c, ll_s3_request *r, void *slot)
{
	CURL *e = r->easy;
	curl_easy_reset(e);
	curl_easy_setopt(e, CURLOPT_URL, ll_buf_cstr(&r->url));
	curl_easy_setopt(e, CURLOPT_PRIVATE, slot);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->curl_headers);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->curl_error);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "lakeload/" LL_VERSION);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
	/* Below one byte a second for the idle time counts as stalled. */
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (c->idle_timeout_ms + 999) / 1000);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	set_method(r);
}

/* Forgets what the previous attempt received. */
static void clear_response(ll_s3_request *r)
{
	r->status = 0;
	ll_buf_clear(&r->reply);
	if (r->out)
		ll_buf_clear(r->out);
	r->dest_len = 0;
	memset(&r->hdr, 0, sizeof(r->hdr));
	r->error_code[0] = r->error_message[0] = '\0';
	r->curl_result = CURLE_OK;
	r->local_failure = false;
	r->local_error[0] = r->curl_error[0] = '\0';
	r->body_pos = 0;
}

static ll_status start_attempt(ll_s3_client *c, ll_s3_request *r, void *slot, ll_error *err)
{
	ll_status st = r->body.sha256[0] ? LL_OK : ll_s3_body_hash(&r->body, err);
	if (st == LL_OK)
		st = sign_request(c, r, err);
	if (st != LL_OK) {
		char loc[1200];
		ll_error_prefix(err, "S3 %s %s", r->what ? r->what : r->method,
				ll_s3_location(r->bucket, r->key, loc, sizeof(loc)));
		return st;
	}
	clear_response(r);
	r->attempts++;
	configure(c, r, slot);
	if (curl_multi_add_handle(c->multi, r->easy) != CURLM_OK)
		return ll_error_set(err, LL_ENOMEM, "libcurl could not start a transfer");
	return LL_OK;
}

typedef enum attempt_outcome { ATTEMPT_DONE, ATTEMPT_RETRY, ATTEMPT_FAILED } attempt_outcome;

static attempt_outcome judge_attempt(ll_s3_client *c, ll_s3_request *r, CURLcode rc)
{
	long connects = 0;
	curl_easy_getinfo(r->easy, CURLINFO_NUM_CONNECTS, &connects);
	c->connections += (uint64_t)(connects > 0 ? connects : 0);
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &r->status);
	r->curl_result = rc;
	if (rc != CURLE_OK) {
		if (r->local_failure)
			return ATTEMPT_FAILED;
		return ll_s3_retryable_curl(rc) ? ATTEMPT_RETRY : ATTEMPT_FAILED;
	}
	bool ok = r->status >= 200 && r->status < 300;
	if (ok && !r->xml_reply)
		return ATTEMPT_DONE;
	bool is_error = ll_s3_xml_error(r->reply.data, r->reply.len, r->error_code,
					sizeof(r->error_code), r->error_message,
					sizeof(r->error_message));
	if (ok && !is_error)
		return ATTEMPT_DONE;
	/* Inside a 200 reply only the error code tells whether to retry. */
	bool retry = ll_s3_retryable_status(ok ? 0 : r->status, r->error_code);
	return retry ? ATTEMPT_RETRY : ATTEMPT_FAILED;
}

/* One easy handle's worth of work in ll_s3_run_jobs. */
typedef struct slot {
	ll_s3_request *req;
	size_t job;
	bool busy;    /* holds a job not yet done */
	bool running; /* its attempt is on the multi handle */
} slot;

typedef struct runner {
	ll_s3_client *c;
	const ll_s3_jobs *jobs;
	slot *slots;
	size_t nslots;
	size_t next_job;
} runner;

static ll_status fill_slots(runner *run, ll_error *err)
{
	for (size_t i = 0; i < run->nslots && run->next_job < run->jobs->count; i++) {
		slot *s = &run->slots[i];
		if (s->busy)
			continue;
		ll_s3_request_reset(s->req);
		s->req->easy = run->c->easy[i];
		s->job = run->next_job++;
		s->busy = true;
		ll_status st = run->jobs->prepare(run->jobs->user, s->job, s->req, err);
		if (st != LL_OK)
			return st;
	}
	return LL_OK;
}

static ll_status start_ready(runner *run, double now, ll_error *err)
{
	for (size_t i = 0; i < run->nslots; i++) {
		slot *s = &run->slots[i];
		if (!s->busy || s->running || s->req->not_before > now)
			continue;
		ll_status st = start_attempt(run->c, s->req, s, err);
		if (st != LL_OK)
			return st;
		s->running = true;
	}
	return LL_OK;
}

static void log_retry(ll_s3_client *c, const ll_s3_request *r, long delay_ms)
{
	char loc[1200], reason[700];
	failure_reason(r, reason, sizeof(reason));
	ll_log(c->logger, LL_LOG_WARN, "S3 %s %s: %s; retrying in %.1f s (attempt %d of %d)",
	       r->what ? r->what : r->method, ll_s3_location(r->bucket, r->key, loc, sizeof(loc)),
	       reason, (double)delay_ms / 1000.0, r->attempts + 1, c->max_retries + 1);
}

static ll_status end_attempt(runner *run, slot *s, CURLcode rc, ll_error *err)
{
	ll_s3_client *c = run->c;
	ll_s3_request *r = s->req;
	s->running = false;
	attempt_outcome o = judge_attempt(c, r, rc);
	if (o == ATTEMPT_RETRY && r->attempts <= c->max_retries) {
		long delay = ll_retry_backoff_ms(c->retry_base_delay_ms, c->retry_max_delay_ms,
						 r->attempts, &c->random);
		log_retry(c, r, delay);
		r->not_before = ll_time_monotonic() + (double)delay / 1000.0;
		return LL_OK;
	}
	if (o != ATTEMPT_DONE)
		return ll_s3_request_error(r, err);
	s->busy = false;
	return run->jobs->finish ? run->jobs->finish(run->jobs->user, s->job, r, err) : LL_OK;
}

static ll_status collect(runner *run, ll_error *err)
{
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(run->c->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		CURL *e = m->easy_handle;
		CURLcode rc = m->data.result;
		char *priv = NULL;
		curl_easy_getinfo(e, CURLINFO_PRIVATE, &priv);
		curl_multi_remove_handle(run->c->multi, e);
		ll_status st = end_attempt(run, (slot *)(void *)priv, rc, err);
		if (st != LL_OK)
			return st;
	}
	return LL_OK;
}

/* How long to sleep: until a transfer needs curl, or a backoff ends. */
static int wait_ms(const runner *run, double now)
{
	double wait = -1;
	for (size_t i = 0; i < run->nslots; i++) {
		const slot *s = &run->slots[i];
		if (!s->busy)
			continue;
		double w = s->running ? POLL_MAX_MS / 1000.0 : s->req->not_before - now;
		if (wait < 0 || w < wait)
			wait = w;
	}
	return wait <= 0 ? 0 : (int)(wait * 1000.0) + 1;
}

static bool any_busy(const runner *run)
{
	for (size_t i = 0; i < run->nslots; i++) {
		if (run->slots[i].busy)
			return true;
	}
	return false;
}

static ll_status run_loop(runner *run, ll_error *err)
{
	ll_status st = LL_OK;
	for (;;) {
		if (run->jobs->prepare)
			st = fill_slots(run, err);
		if (st != LL_OK || !any_busy(run))
			break;
		st = start_ready(run, ll_time_monotonic(), err);
		int still = 0;
		if (st == LL_OK && curl_multi_perform(run->c->multi, &still) != CURLM_OK)
			st = ll_error_set(err, LL_EIO, "libcurl failed to run the transfers");
		if (st == LL_OK)
			st = collect(run, err);
		if (st != LL_OK || !any_busy(run))
			break;
		int ms = wait_ms(run, ll_time_monotonic());
		if (ms > 0 && curl_multi_poll(run->c->multi, NULL, 0, ms, NULL) != CURLM_OK)
			st = ll_error_set(err, LL_EIO, "libcurl failed to wait for the transfers");
		if (st != LL_OK)
			break;
	}
	/* After a failure the other transfers are abandoned mid-flight. */
	for (size_t i = 0; i < run->nslots; i++) {
		if (run->slots[i].running)
			curl_multi_remove_handle(run->c->multi, run->slots[i].req->easy);
		run->slots[i].running = false;
	}
	return st;
}

ll_status ll_s3_perform(ll_s3_client *c, ll_s3_request *req, ll_error *err)
{
	ll_s3_jobs jobs = { 1, 1, NULL, NULL, NULL };
	slot s = { req, 0, true, false };
	runner run = { c, &jobs, &s, 1, 1 };
	req->easy = c->easy[0];
	req->attempts = 0;
	req->not_before = 0;
	return run_loop(&run, err);
}

ll_status ll_s3_run_jobs(ll_s3_client *c, const ll_s3_jobs *jobs, ll_error *err)
{
	size_t n = jobs->parallel < c->max_parallel ? jobs->parallel : c->max_parallel;
	if (n == 0)
		n = 1;
	slot *slots = calloc(n, sizeof(*slots));
	ll_s3_request *reqs = calloc(n, sizeof(*reqs));
	if (!slots || !reqs) {
		free(slots);
		free(reqs);
		return ll_error_oom(err);
	}
	for (size_t i = 0; i < n; i++) {
		ll_s3_request_init(&reqs[i]);
		slots[i].req = &reqs[i];
	}
	runner run = { c, jobs, slots, n, 0 };
	ll_status st = run_loop(&run, err);
	for (size_t i = 0; i < n; i++)
		ll_s3_request_free(&reqs[i]);
	free(reqs);
	free(slots);
	return st;
}
