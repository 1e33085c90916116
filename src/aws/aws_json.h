/*
 * A client for AWS services that speak the JSON 1.1 protocol (Glue, Athena):
 * every action is a POST of a JSON document to "/" with the headers
 * X-Amz-Target: <TargetPrefix>.<Action> and
 * Content-Type: application/x-amz-json-1.1, signed with our SigV4
 * (storage/sigv4.h). The reply is a JSON document, or on failure an error
 * shape {"__type": "...#Code", "message": "..."}.
 *
 * Endpoint: AWS_ENDPOINT_URL_GLUE / AWS_ENDPOINT_URL_ATHENA, then
 * AWS_ENDPOINT_URL, then the endpoint_url the caller gives, else
 * https://<service>.<region>.amazonaws.com (ll_aws_resolve_endpoint). The
 * service variable comes first because lakeload's configured endpoint_url is
 * shared with S3 (dlt keeps one credentials section for both): a user who
 * points S3 at MinIO can still point Glue at AWS or at `lakeload serve`.
 *
 * Retries: throttling (ThrottlingException, TooManyRequestsException, HTTP
 * 429 and the S3 client's list), 5xx and broken or stalled connections are
 * retried up to max_retries times with jittered exponential backoff; every
 * attempt is signed anew and sends the same body, so an action that carries
 * an idempotency token (Athena's ClientRequestToken) stays idempotent.
 *
 * Errors name the action, the resource the caller says it is about
 * ("database shop, table events", "query 1234-...") and AWS's code and
 * message. Status by code: AccessDenied/unrecognized or expired credentials
 * -> LL_EAUTH, EntityNotFound/ResourceNotFound -> LL_ENOTFOUND,
 * ConcurrentModification and AlreadyExists -> LL_ECONFLICT (the code of the
 * last failure is kept, so a caller tells "exists" from "lost a race" with
 * ll_aws_json_failed_with), InvalidInput/InvalidRequest/Validation ->
 * LL_EINVAL, anything else (throttling that outlasted the retries, 5xx)
 * -> LL_EIO. The secret key and session token never appear in a message or
 * a log line.
 *
 * Threads: a client is used by one thread at a time; it keeps one curl
 * handle, so consecutive calls reuse the connection.
 */
#ifndef LL_AWS_AWS_JSON_H
#define LL_AWS_AWS_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "lakeload.h"
#include "storage/s3.h"
#include "util/buf.h"
#include "util/log.h"

typedef enum ll_aws_service {
	LL_AWS_GLUE = 0,
	LL_AWS_ATHENA,
} ll_aws_service;

/** How to reach one service. Strings are copied by ll_aws_json_open. */
typedef struct ll_aws_json_config {
	ll_aws_service service;
	/** The configured endpoint ("http://127.0.0.1:4566"); NULL: see above. */
	const char *endpoint_url;
	const char *region; /**< NULL or "": us-east-1 */
	const char *access_key_id;
	const char *secret_access_key;
	const char *session_token; /**< NULL: long-term credentials */
	/**
	 * Asked at every request instead of the three fields above, so temporary
	 * credentials renew during a long run (ll_aws_provider_s3_credentials);
	 * NULL: those fields.
	 */
	ll_s3_credentials_fn credentials;
	void *credentials_user; /**< for credentials; must outlive the client */
	/** Attempts after the first for a retryable failure. Default 5. */
	int max_retries;
	/** First backoff delay, doubled per retry, jittered. Default 200. */
	long retry_base_delay_ms;
	/** Ceiling of one backoff delay. Default 20000. */
	long retry_max_delay_ms;
	/** Connecting may take this long. Default 10000. */
	long connect_timeout_ms;
	/** One attempt may take this long in all; then it is retried. Default 60000. */
	long request_timeout_ms;
	/** Receives a line per retry (LL_LOG_WARN); borrowed; NULL: silent. */
	const ll_logger *logger;
} ll_aws_json_config;

typedef struct ll_aws_json_client ll_aws_json_client;

/** Fills cfg with the defaults for service, no endpoint and no credentials. */
void ll_aws_json_config_init(ll_aws_json_config *cfg, ll_aws_service service);

/**
 * Takes the region and credentials the configuration's AWS credential chain
 * resolved into s3 (ll_config_resolve_lake) and the configured endpoint_url
 * (destination.athena.credentials, else filesystem.credentials), not s3's
 * endpoint, which may have come from AWS_ENDPOINT_URL_S3. Strings stay
 * borrowed from conf and s3.
 */
void ll_aws_json_config_from_lake(ll_aws_json_config *cfg, const ll_config *conf,
				  const ll_s3_options *s3);

/** "glue" or "athena": the SigV4 service name and the endpoint's first label. */
const char *ll_aws_service_name(ll_aws_service service);

/**
 * The endpoint a client for service uses (see the resolution order above),
 * without a trailing "/", appended to out. *origin (may be NULL) says where
 * it came from ("env AWS_ENDPOINT_URL_GLUE", "endpoint_url", "default").
 */
void ll_aws_resolve_endpoint(ll_aws_service service, const char *endpoint_url, const char *region,
			     ll_buf *out, const char **origin);

/**
 * Checks cfg and prepares a client; nothing is sent. LL_EAUTH without an
 * access key id and secret, LL_EINVAL for a malformed endpoint or region.
 */
ll_status ll_aws_json_open(ll_aws_json_client **out, const ll_aws_json_config *cfg, ll_error *err);

/** Closes the connection and wipes the credentials. NULL is fine. */
void ll_aws_json_free(ll_aws_json_client *c);

/** The endpoint the client sends to, for messages. */
const char *ll_aws_json_endpoint(const ll_aws_json_client *c);

/** The region the client signs for. */
const char *ll_aws_json_region(const ll_aws_json_client *c);

/**
 * Runs action ("GetTable") with the request document (borrowed; NULL: {})
 * and stores the reply document in *reply (the caller owns it; NULL on
 * failure). resource names what the call is about, for messages ("database
 * shop, table events"); NULL: nothing.
 */
ll_status ll_aws_json_call(ll_aws_json_client *c, const char *action, const char *resource,
			   json_t *request, json_t **reply, ll_error *err);

/**
 * ll_aws_json_call that takes the request reference (NULL, as a failed
 * json_object() gives, is LL_ENOMEM) and, with reply NULL, drops the reply:
 * the form the service clients build their calls in.
 */
ll_status ll_aws_json_send(ll_aws_json_client *c, const char *action, const char *resource,
			   json_t *request, json_t **reply, ll_error *err);

/** Receives one page's reply, borrowed; set *stop to end the listing early. */
typedef ll_status (*ll_aws_json_page_fn)(void *user, const json_t *page, bool *stop,
					 ll_error *err);

/**
 * Runs a paged action: request (borrowed) is sent as it is, then again with
 * each NextToken a reply gives, until a reply has none (or an empty one) or
 * fn stops; fn gets every page in order.
 */
ll_status ll_aws_json_paginate(ll_aws_json_client *c, const char *action, const char *resource,
			       const json_t *request, ll_aws_json_page_fn fn, void *user,
			       ll_error *err);

/** Whether the last call failed with this AWS error code ("AlreadyExistsException"). */
bool ll_aws_json_failed_with(const ll_aws_json_client *c, const char *code);

/** The AWS error code of the last failed call, "" when it had none. */
const char *ll_aws_json_error_code(const ll_aws_json_client *c);

/**
 * Reads an AWS JSON error reply: the code from the __type member (the part
 * after '#' and before ':', as botocore reads it) or else the
 * x-amzn-ErrorType header value given (may be NULL), and the message from
 * "message" or "Message". Returns false when neither gives a code.
 */
bool ll_aws_json_parse_error(const char *body, size_t len, const char *error_type_header,
			     char *code, size_t code_size, char *message, size_t message_size);

/** The ll_status an AWS error code (or, without one, an HTTP status) stands for. */
ll_status ll_aws_json_status_for(const char *code, long http_status);

/** Whether a failure with this code or HTTP status may pass if tried again. */
bool ll_aws_json_retryable(const char *code, long http_status);

#endif
