/*
 * HTTP GET for the REST source: one request with its headers, redirects
 * followed (at most 10, then an error), a whole-request timeout, the
 * response body in memory (at most 64 MiB) and the two response headers
 * the source needs, Link and Retry-After.
 *
 * Secrets: header values (tokens) are sent, never logged; callers name a
 * request in messages by ll_rest_redact_url, which hides the values of
 * query parameters that hold secrets and any user:password in the URL.
 */
#ifndef LL_EXTRACT_REST_HTTP_H
#define LL_EXTRACT_REST_HTTP_H

#include <stdbool.h>

#include "util/buf.h"
#include "util/error.h"

typedef struct ll_rest_response {
	long status;        /* the final status, after redirects */
	ll_buf body;
	ll_buf link;        /* the Link header, "" when absent */
	long retry_after;   /* seconds from Retry-After; -1 when absent */
} ll_rest_response;

void ll_rest_response_free(ll_rest_response *r);

/**
 * GETs url with headers ("Name: value" lines, NULL-terminated, may be NULL).
 * LL_EIO (naming redacted_url, never url) when no HTTP answer came: no
 * connection, a timeout, a redirect loop, a body over 64 MiB.
 */
ll_status ll_rest_get(const char *url, const char *const *headers, long timeout_ms,
		      const char *redacted_url, ll_rest_response *resp, ll_error *err);

/**
 * url with the values of secret query parameters (the names in secret_params,
 * NULL-terminated, and any name containing key, token, secret, password or
 * signature) replaced by "***", and any user:password removed.
 */
void ll_rest_redact_url(const char *url, const char *const *secret_params, ll_buf *out);

/** Appends s percent-encoded for a URL query or path segment. */
void ll_rest_url_encode(ll_buf *out, const char *s);

#endif
