/*
 * ll_aws_http_send over libcurl; see aws_http.h.
 */
#include "config/aws_http.h"

#include <curl/curl.h>
#include <pthread.h>
#include <string.h>

#define MAX_BODY (1u << 20)

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result;

static void init_curl(void)
{
	curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
	ll_buf *b = user;
	if (b->len + size * n > MAX_BODY)
		return 0;
	ll_buf_append(b, data, size * n);
	return ll_buf_oom(b) ? 0 : size * n;
}

static ll_status perform(CURL *h, const ll_aws_http_request *req, struct curl_slist *hdrs,
			 long *status, ll_buf *body, ll_error *err)
{
	curl_easy_setopt(h, CURLOPT_URL, req->url);
	curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, req->method);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, req->timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, req->timeout_ms);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
	/* Plain-http endpoints are the metadata services on this machine: never via a proxy. */
	if (strncmp(req->url, "http://", 7) == 0)
		curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(h, CURLOPT_POSTFIELDS, req->body ? req->body : "");
	curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)(req->body ? req->body_len : 0));
	if (strcmp(req->method, "GET") == 0)
		curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	CURLcode rc = curl_easy_perform(h);
	if (rc != CURLE_OK)
		return ll_error_set(err, LL_EIO, "%s %s: %s", req->method, req->url,
				    ll_buf_oom(body) ? "out of memory" : curl_easy_strerror(rc));
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, status);
	return LL_OK;
}

static bool add_header(struct curl_slist **list, const char *line)
{
	struct curl_slist *n = curl_slist_append(*list, line);
	if (n)
		*list = n;
	return n != NULL;
}

ll_status ll_aws_http_send(const ll_aws_http_request *req, long *status, ll_buf *body,
			   ll_error *err)
{
	ll_buf_clear(body);
	*status = 0;
	pthread_once(&curl_once, init_curl);
	if (curl_init_result != CURLE_OK)
		return ll_error_set(err, LL_EIO, "cannot initialise libcurl");
	CURL *h = curl_easy_init();
	struct curl_slist *hdrs = NULL;
	/* No "Expect: 100-continue" round trip, and no form Content-Type unless the caller says so. */
	bool ok = h && add_header(&hdrs, "Expect:") && (req->body || add_header(&hdrs, "Content-Type:"));
	for (size_t i = 0; ok && req->headers && req->headers[i]; i++)
		ok = add_header(&hdrs, req->headers[i]);
	ll_status st = ok ? perform(h, req, hdrs, status, body, err) : ll_error_oom(err);
	curl_slist_free_all(hdrs);
	if (h)
		curl_easy_cleanup(h);
	return st;
}
