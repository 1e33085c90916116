/*
 * The few HTTP calls the AWS credential sources make (STS, the container
 * credentials endpoint, EC2 instance metadata): one request, one attempt,
 * a whole-request timeout, the response body kept in memory (capped, as
 * every answer these services give is small).
 *
 * Secrets: header values (tokens) are sent, never logged or put in errors;
 * an error names the method and URL only, and a URL never carries a secret.
 */
#ifndef LL_CONFIG_AWS_HTTP_H
#define LL_CONFIG_AWS_HTTP_H

#include <stddef.h>

#include "util/buf.h"

typedef struct ll_aws_http_request {
	const char *method;         /**< "GET", "PUT", "POST" */
	const char *url;
	const char *const *headers; /**< "Name: value" lines, NULL-terminated; may be NULL */
	const char *body;           /**< NULL: none */
	size_t body_len;
	long timeout_ms;            /**< connecting and the whole exchange */
} ll_aws_http_request;

/**
 * Sends req; *status gets the HTTP status and body the response. Fails
 * (LL_EIO) only when no HTTP answer came: no connection, a timeout, a body
 * over 1 MiB.
 */
ll_status ll_aws_http_send(const ll_aws_http_request *req, long *status, ll_buf *body,
			   ll_error *err);

#endif
