/*
 * The AWS JSON 1.1 protocol client (see aws_json.h): endpoint resolution,
 * one signed POST per attempt on a reused curl handle, retries with jittered
 * backoff, and AWS error shapes turned into ll_error.
 */
#include "aws/aws_json.h"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "config/config.h"
#include "storage/s3_internal.h"
#include "storage/sigv4.h"
#include "util/error.h"
#include "util/hash.h"
#include "util/retry.h"
#include "util/time.h"

/* A reply larger than this is not from Glue or Athena. */
#define REPLY_MAX (256u << 20)

struct ll_aws_json_client {
	ll_aws_service service;
	char *url;  /* endpoint URL the POST goes to, path included */
	char *host; /* Host header: host[:port] as in the URL */
	char *path; /* the endpoint's path, "/" when it has none */
	char *region;
	char *access_key_id;
	char *secret_access_key;
	char *session_token;
	ll_s3_credentials_fn credentials; /* NULL: the three above */
	void *credentials_user;
	int max_retries;
	long retry_base_delay_ms, retry_max_delay_ms;
	long connect_timeout_ms, request_timeout_ms;
	const ll_logger *logger;
	bool curl_ready;
	CURL *easy;
	uint64_t random;
	char error_code[128]; /* AWS's code of the last failed call */
};

/* The response of one attempt. */
typedef struct attempt {
	long status;
	ll_buf body;
	char error_type[128]; /* x-amzn-ErrorType */
	char request_id[80];  /* x-amzn-RequestId */
	CURLcode curl_result;
	char curl_error[CURL_ERROR_SIZE];
	bool too_large;
	char code[128];
	char message[512];
} attempt;

static bool blank(const char *s)
{
	return !s || !*s;
}

void ll_aws_json_config_init(ll_aws_json_config *cfg, ll_aws_service service)
{
	*cfg = (ll_aws_json_config){
		.service = service,
		.region = "us-east-1",
		.max_retries = 5,
		.retry_base_delay_ms = 200,
		.retry_max_delay_ms = 20000,
		.connect_timeout_ms = 10000,
		.request_timeout_ms = 60000,
	};
}

void ll_aws_json_config_from_lake(ll_aws_json_config *cfg, const ll_config *conf,
				  const ll_s3_options *s3)
{
	cfg->endpoint_url = ll_config_credential(conf, "endpoint_url", NULL);
	if (!blank(s3->region))
		cfg->region = s3->region;
	cfg->access_key_id = s3->access_key_id;
	cfg->secret_access_key = s3->secret_access_key;
	cfg->session_token = s3->session_token;
}

const char *ll_aws_service_name(ll_aws_service service)
{
	return service == LL_AWS_ATHENA ? "athena" : "glue";
}

void ll_aws_resolve_endpoint(ll_aws_service service, const char *endpoint_url, const char *region,
			     ll_buf *out, const char **origin)
{
	bool athena = service == LL_AWS_ATHENA;
	const char *v = getenv(athena ? "AWS_ENDPOINT_URL_ATHENA" : "AWS_ENDPOINT_URL_GLUE");
	const char *from = athena ? "env AWS_ENDPOINT_URL_ATHENA" : "env AWS_ENDPOINT_URL_GLUE";
	if (blank(v)) {
		v = getenv("AWS_ENDPOINT_URL");
		from = "env AWS_ENDPOINT_URL";
	}
	size_t start = out->len;
	if (!blank(v)) {
		ll_buf_puts(out, v);
		if (origin)
			*origin = from;
	} else if (!blank(endpoint_url)) {
		ll_buf_puts(out, endpoint_url);
		if (origin)
			*origin = "endpoint_url";
	} else {
		ll_buf_printf(out, "https://%s.%s.amazonaws.com", ll_aws_service_name(service),
			      blank(region) ? "us-east-1" : region);
		if (origin)
			*origin = "default";
	}
	while (out->len > start && out->data[out->len - 1] == '/')
		out->data[--out->len] = '\0';
}

/* Takes the URL apart with libcurl's parser, for the Host header and path. */
static ll_status set_endpoint(ll_aws_json_client *c, const char *url, ll_error *err)
{
	const char *service = ll_aws_service_name(c->service);
	/* A user part may hold a password: never repeat such a URL. */
	if (strchr(url, '@'))
		return ll_error_set(err, LL_EINVAL,
				    "the %s endpoint must not contain a user name or password; "
				    "credentials belong in aws_access_key_id and "
				    "aws_secret_access_key",
				    service);
	CURLU *u = curl_url();
	if (!u)
		return ll_error_oom(err);
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *query = NULL;
	bool ok = curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		  curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
		  curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
		  curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK &&
		  curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_NO_QUERY &&
		  (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0);
	ll_status st = LL_OK;
	if (!ok) {
		st = ll_error_set(err, LL_EINVAL,
				  "the %s endpoint '%s' is not of the form http[s]://host[:port][/path]",
				  service, url);
	} else {
		curl_url_get(u, CURLUPART_PORT, &port, 0);
		ll_buf b = LL_BUF_INIT;
		ll_buf_printf(&b, "%s%s%s", host, port ? ":" : "", port ? port : "");
		c->host = ll_buf_detach(&b);
		ll_buf_printf(&b, "%s://%s%s", scheme, c->host ? c->host : "", path);
		c->url = ll_buf_detach(&b);
		c->path = strdup(path);
		if (!c->host || !c->url || !c->path)
			st = ll_error_oom(err);
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_free(query);
	curl_url_cleanup(u);
	return st;
}

static ll_status copy_settings(ll_aws_json_client *c, const ll_aws_json_config *cfg, ll_error *err)
{
	c->service = cfg->service;
	c->region = strdup(blank(cfg->region) ? "us-east-1" : cfg->region);
	c->credentials = cfg->credentials;
	c->credentials_user = cfg->credentials_user;
	if (!c->credentials) {
		c->access_key_id = strdup(cfg->access_key_id);
		c->secret_access_key = strdup(cfg->secret_access_key);
		c->session_token = blank(cfg->session_token) ? NULL : strdup(cfg->session_token);
	}
	if (!c->region || (!c->credentials && (!c->access_key_id || !c->secret_access_key ||
					       (!blank(cfg->session_token) && !c->session_token))))
		return ll_error_oom(err);
	c->max_retries = cfg->max_retries;
	c->retry_base_delay_ms = cfg->retry_base_delay_ms;
	c->retry_max_delay_ms = cfg->retry_max_delay_ms;
	c->connect_timeout_ms = cfg->connect_timeout_ms;
	c->request_timeout_ms = cfg->request_timeout_ms;
	c->logger = cfg->logger;
	c->random = ll_mix64((uint64_t)ll_time_now_micros() ^ (uint64_t)(uintptr_t)c);
	return LL_OK; /* the signer checks the region */
}

static ll_status check_limits(const ll_aws_json_config *cfg, ll_error *err)
{
	ll_status st = ll_retry_check_limits("AWS", cfg->max_retries, cfg->retry_base_delay_ms,
					     cfg->retry_max_delay_ms, err);
	if (st != LL_OK)
		return st;
	if (cfg->connect_timeout_ms <= 0 || cfg->request_timeout_ms <= 0)
		return ll_error_set(err, LL_EINVAL, "AWS timeouts must be positive");
	return LL_OK;
}

ll_status ll_aws_json_open(ll_aws_json_client **out, const ll_aws_json_config *cfg, ll_error *err)
{
	*out = NULL;
	if (!cfg->credentials && (blank(cfg->access_key_id) || blank(cfg->secret_access_key)))
		return ll_error_set(err, LL_EAUTH,
				    "no AWS credentials for %s: set aws_access_key_id and "
				    "aws_secret_access_key (or AWS_ACCESS_KEY_ID and "
				    "AWS_SECRET_ACCESS_KEY, or a profile)",
				    ll_aws_service_name(cfg->service));
	ll_status st = check_limits(cfg, err);
	if (st != LL_OK)
		return st;
	ll_aws_json_client *c = calloc(1, sizeof(*c));
	if (!c)
		return ll_error_oom(err);
	st = copy_settings(c, cfg, err);
	ll_buf endpoint = LL_BUF_INIT;
	if (st == LL_OK) {
		ll_aws_resolve_endpoint(c->service, cfg->endpoint_url, c->region, &endpoint, NULL);
		st = ll_buf_oom(&endpoint) ? ll_error_oom(err)
					   : set_endpoint(c, ll_buf_cstr(&endpoint), err);
	}
	ll_buf_free(&endpoint);
	if (st == LL_OK) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			st = ll_error_set(err, LL_ENOMEM, "libcurl could not be initialized");
		else
			c->curl_ready = true;
	}
	if (st == LL_OK && !(c->easy = curl_easy_init()))
		st = ll_error_oom(err);
	if (st != LL_OK) {
		ll_aws_json_free(c);
		return st;
	}
	*out = c;
	return LL_OK;
}

void ll_aws_json_free(ll_aws_json_client *c)
{
	if (!c)
		return;
	if (c->easy)
		curl_easy_cleanup(c->easy);
	if (c->curl_ready)
		curl_global_cleanup();
	free(c->url);
	free(c->host);
	free(c->path);
	free(c->region);
	free(c->access_key_id);
	if (c->secret_access_key)
		OPENSSL_clear_free(c->secret_access_key, strlen(c->secret_access_key));
	if (c->session_token)
		OPENSSL_clear_free(c->session_token, strlen(c->session_token));
	free(c);
}

const char *ll_aws_json_endpoint(const ll_aws_json_client *c)
{
	return c->url;
}

const char *ll_aws_json_region(const ll_aws_json_client *c)
{
	return c->region;
}

bool ll_aws_json_failed_with(const ll_aws_json_client *c, const char *code)
{
	return strcmp(c->error_code, code) == 0;
}

const char *ll_aws_json_error_code(const ll_aws_json_client *c)
{
	return c->error_code;
}

/* Copies the code out of "aws.protocol#Code:extra" as botocore does. */
static void copy_code(char *code, size_t size, const char *s, size_t n)
{
	const char *hash = memchr(s, '#', n);
	if (hash) {
		n -= (size_t)(hash + 1 - s);
		s = hash + 1;
	}
	const char *colon = memchr(s, ':', n);
	if (colon)
		n = (size_t)(colon - s);
	snprintf(code, size, "%.*s", (int)n, s);
}

bool ll_aws_json_parse_error(const char *body, size_t len, const char *error_type_header,
			     char *code, size_t code_size, char *message, size_t message_size)
{
	code[0] = message[0] = '\0';
	json_t *doc = body && len ? json_loadb(body, len, 0, NULL) : NULL;
	const char *type = json_string_value(json_object_get(doc, "__type"));
	if (!type)
		type = json_string_value(json_object_get(doc, "code"));
	if (!type)
		type = error_type_header;
	if (type)
		copy_code(code, code_size, type, strlen(type));
	const char *msg = json_string_value(json_object_get(doc, "message"));
	if (!msg)
		msg = json_string_value(json_object_get(doc, "Message"));
	if (msg)
		snprintf(message, message_size, "%s", msg);
	json_decref(doc);
	return code[0] != '\0';
}

static bool code_in(const char *code, const char *const *list)
{
	for (size_t i = 0; code && list[i]; i++) {
		if (strcmp(code, list[i]) == 0)
			return true;
	}
	return false;
}

ll_status ll_aws_json_status_for(const char *code, long http_status)
{
	static const char *const auth[] = {
		"AccessDeniedException",      "AccessDenied",	      "UnrecognizedClientException",
		"InvalidSignatureException",  "SignatureDoesNotMatch", "ExpiredTokenException",
		"ExpiredToken",		      "MissingAuthenticationTokenException",
		"IncompleteSignature",	      "InvalidClientTokenId",  "MissingAuthenticationToken",
		NULL,
	};
	static const char *const notfound[] = { "EntityNotFoundException",
						"ResourceNotFoundException", NULL };
	static const char *const conflict[] = { "ConcurrentModificationException",
						"AlreadyExistsException",
						"ResourceInUseException", NULL };
	static const char *const invalid[] = { "InvalidInputException", "InvalidRequestException",
					       "ValidationException", "SerializationException",
					       NULL };
	if (!blank(code)) {
		if (code_in(code, auth))
			return LL_EAUTH;
		if (code_in(code, notfound))
			return LL_ENOTFOUND;
		if (code_in(code, conflict))
			return LL_ECONFLICT;
		if (code_in(code, invalid))
			return LL_EINVAL;
	}
	return ll_s3_status_code(http_status);
}

bool ll_aws_json_retryable(const char *code, long http_status)
{
	/* The S3 client's list has the generic throttling codes; these are the
	   others botocore's standard retry mode retries. */
	static const char *const more[] = { "TooManyRequestsException",
					    "ThrottledException",
					    "RequestThrottledException",
					    "ProvisionedThroughputExceededException",
					    "ServiceUnavailableException",
					    "InternalServiceException",
					    "InternalServerException",
					    "LimitExceededException",
					    NULL };
	return ll_s3_retryable_status(http_status, code) || code_in(code, more);
}

/* Copies a response header's value, trimmed, when line is that header. */
static void take_header(const char *line, size_t n, const char *name, char *dst, size_t size)
{
	size_t k = strlen(name);
	if (n <= k || line[k] != ':' || strncasecmp(line, name, k) != 0)
		return;
	const char *v = line + k + 1;
	n -= k + 1;
	while (n > 0 && (*v == ' ' || *v == '\t'))
		v++, n--;
	while (n > 0 && (v[n - 1] == '\r' || v[n - 1] == '\n' || v[n - 1] == ' '))
		n--;
	snprintf(dst, size, "%.*s", (int)n, v);
}

static size_t on_header(char *line, size_t size, size_t nitems, void *user)
{
	attempt *a = user;
	size_t n = size * nitems;
	take_header(line, n, "x-amzn-ErrorType", a->error_type, sizeof(a->error_type));
	take_header(line, n, "x-amzn-RequestId", a->request_id, sizeof(a->request_id));
	return n;
}

static size_t on_body(char *data, size_t size, size_t nitems, void *user)
{
	attempt *a = user;
	size_t n = size * nitems;
	if (a->body.len + n > REPLY_MAX) {
		a->too_large = true;
		return 0;
	}
	ll_buf_append(&a->body, data, n);
	return ll_buf_oom(&a->body) ? 0 : n;
}

/* Signs one attempt and lists the headers to send. */
static ll_status sign(ll_aws_json_client *c, const char *target, const char *body, size_t len,
		      ll_sigv4_result *sig, struct curl_slist **headers, ll_error *err)
{
	ll_sigv4_pair hdr[] = {
		{ "Host", c->host },
		{ "Content-Type", "application/x-amz-json-1.1" },
		{ "X-Amz-Target", target },
	};
	size_t nhdr = sizeof(hdr) / sizeof(hdr[0]);
	ll_sigv4_request req = { "POST", c->path, NULL, 0, hdr, nhdr, NULL, body, len };
	/* a provider's credentials are asked for now, so renewed ones sign this request */
	ll_buf key = LL_BUF_INIT, secret = LL_BUF_INIT, token = LL_BUF_INIT;
	if (c->credentials) {
		ll_status st = c->credentials(c->credentials_user, &key, &secret, &token, err);
		if (st != LL_OK) {
			ll_buf_wipe(&secret);
			ll_buf_wipe(&token);
			ll_buf_free(&key);
			return st;
		}
	}
	ll_sigv4_config cfg = {
		.credentials = { c->credentials ? ll_buf_cstr(&key) : c->access_key_id,
				 c->credentials ? ll_buf_cstr(&secret) : c->secret_access_key,
				 c->credentials ? (token.len ? ll_buf_cstr(&token) : NULL)
						: c->session_token },
		.region = c->region,
		.service = ll_aws_service_name(c->service),
		.time = (int64_t)time(NULL),
		.normalize_path = true,
		.double_encode_path = true,
	};
	ll_status st = ll_sigv4_sign_headers(&req, &cfg, sig, err);
	ll_buf_wipe(&secret);
	ll_buf_free(&key);
	if (st != LL_OK) {
		ll_buf_wipe(&token);
		return st;
	}
	/* the security token header borrows token until the header lines are made */
	ll_buf line = LL_BUF_INIT;
	bool ok = true;
	for (size_t i = 0; ok && i < nhdr + sig->nheaders; i++) {
		const ll_sigv4_pair *p = i < nhdr ? &hdr[i] : &sig->headers[i - nhdr];
		ll_buf_clear(&line);
		ll_buf_printf(&line, "%s: %s", p->name, p->value);
		struct curl_slist *l = ll_buf_oom(&line) ? NULL
							  : curl_slist_append(*headers, ll_buf_cstr(&line));
		ok = l != NULL;
		if (ok)
			*headers = l;
	}
	/* No "Expect: 100-continue" round trip for small JSON bodies. */
	struct curl_slist *l = ok ? curl_slist_append(*headers, "Expect:") : NULL;
	if (l)
		*headers = l;
	OPENSSL_cleanse(line.data, line.len);
	ll_buf_free(&line);
	ll_buf_wipe(&token);
	return l ? LL_OK : ll_error_oom(err);
}

static ll_status run_attempt(ll_aws_json_client *c, const char *target, const char *body,
			     size_t len, attempt *a, ll_error *err)
{
	ll_sigv4_result sig = LL_SIGV4_RESULT_INIT;
	struct curl_slist *headers = NULL;
	ll_status st = sign(c, target, body, len, &sig, &headers, err);
	if (st == LL_OK) {
		CURL *e = c->easy;
		curl_easy_reset(e);
		curl_easy_setopt(e, CURLOPT_URL, c->url);
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, headers);
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
		curl_easy_setopt(e, CURLOPT_ERRORBUFFER, a->curl_error);
		curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
		curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
		curl_easy_setopt(e, CURLOPT_USERAGENT, "lakeload/" LL_VERSION);
		curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, c->connect_timeout_ms);
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, c->request_timeout_ms);
		curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
		curl_easy_setopt(e, CURLOPT_HEADERDATA, a);
		curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(e, CURLOPT_WRITEDATA, a);
		a->curl_result = curl_easy_perform(e);
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &a->status);
		/* The handle keeps the list's address; nothing else may use it. */
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, NULL);
	}
	curl_slist_free_all(headers);
	ll_sigv4_result_free(&sig);
	return st;
}

static void attempt_reset(attempt *a)
{
	ll_buf body = a->body;
	ll_buf_clear(&body);
	memset(a, 0, sizeof(*a));
	a->body = body;
}

/* The cause of a failed attempt, for messages and retry logs. */
static void failure_reason(const attempt *a, char *buf, size_t size)
{
	if (a->too_large)
		snprintf(buf, size, "the reply is larger than any AWS reply should be");
	else if (a->curl_result != CURLE_OK)
		snprintf(buf, size, "%s%s%s%s", curl_easy_strerror(a->curl_result),
			 a->curl_error[0] ? " (" : "", a->curl_error, a->curl_error[0] ? ")" : "");
	else
		snprintf(buf, size, "HTTP %ld%s%s%s%s%s%s%s", a->status, a->code[0] ? " " : "",
			 a->code, a->message[0] ? ": " : "", a->message,
			 a->request_id[0] ? " (request id " : "", a->request_id,
			 a->request_id[0] ? ")" : "");
}

static bool attempt_retryable(const attempt *a)
{
	if (a->too_large)
		return false;
	if (a->curl_result != CURLE_OK)
		return ll_s3_retryable_curl(a->curl_result);
	return ll_aws_json_retryable(a->code, a->status);
}

static ll_status failure(ll_aws_json_client *c, const char *action, const char *resource,
			 const attempt *a, int attempts, ll_error *err)
{
	char reason[900], tries[64] = "";
	failure_reason(a, reason, sizeof(reason));
	if (attempts > 1)
		snprintf(tries, sizeof(tries), "; gave up after %d attempts", attempts);
	ll_status code = a->curl_result != CURLE_OK || a->too_large
				 ? LL_EIO
				 : ll_aws_json_status_for(a->code, a->status);
	const char *hint = "";
	if (code == LL_EAUTH)
		hint = "; check the credentials and that their IAM policy allows this action "
		       "on this resource";
	return ll_error_set(err, code, "%s %s%s%s at %s: %s%s%s", ll_aws_service_name(c->service),
			    action, resource ? " on " : "", resource ? resource : "", c->url, reason,
			    hint, tries);
}

/* Parses a 2xx reply; an empty one is {} (some actions answer nothing). */
static ll_status parse_reply(ll_aws_json_client *c, const char *action, const attempt *a,
			     json_t **reply, ll_error *err)
{
	if (a->body.len == 0) {
		*reply = json_object();
		return *reply ? LL_OK : ll_error_oom(err);
	}
	json_error_t je;
	*reply = json_loadb(a->body.data, a->body.len, 0, &je);
	if (*reply && json_is_object(*reply))
		return LL_OK;
	json_decref(*reply);
	*reply = NULL;
	return ll_error_set(err, LL_EFORMAT, "%s %s at %s: the reply is not a JSON object (%s)",
			    ll_aws_service_name(c->service), action, c->url, je.text);
}

ll_status ll_aws_json_call(ll_aws_json_client *c, const char *action, const char *resource,
			   json_t *request, json_t **reply, ll_error *err)
{
	*reply = NULL;
	c->error_code[0] = '\0';
	char *body = request ? json_dumps(request, JSON_COMPACT) : strdup("{}");
	ll_buf target = LL_BUF_INIT;
	ll_buf_printf(&target, "%s.%s",
		      c->service == LL_AWS_ATHENA ? "AmazonAthena" : "AWSGlue", action);
	if (!body || ll_buf_oom(&target)) {
		free(body);
		ll_buf_free(&target);
		return ll_error_oom(err);
	}
	attempt a = { 0 };
	ll_status st = LL_OK;
	for (int n = 1;; n++) {
		attempt_reset(&a);
		st = run_attempt(c, ll_buf_cstr(&target), body, strlen(body), &a, err);
		if (st != LL_OK)
			break;
		bool ok = a.curl_result == CURLE_OK && !a.too_large && a.status >= 200 &&
			  a.status < 300;
		if (ok) {
			st = parse_reply(c, action, &a, reply, err);
			break;
		}
		if (a.curl_result == CURLE_OK && !a.too_large)
			ll_aws_json_parse_error(a.body.data, a.body.len,
						a.error_type[0] ? a.error_type : NULL, a.code,
						sizeof(a.code), a.message, sizeof(a.message));
		if (!attempt_retryable(&a) || n > c->max_retries) {
			snprintf(c->error_code, sizeof(c->error_code), "%s", a.code);
			st = failure(c, action, resource, &a, n, err);
			break;
		}
		long delay = ll_retry_backoff_ms(c->retry_base_delay_ms, c->retry_max_delay_ms, n, &c->random);
		char reason[900];
		failure_reason(&a, reason, sizeof(reason));
		ll_log(c->logger, LL_LOG_WARN, "%s %s%s%s: %s; retrying in %.1f s (attempt %d of %d)",
		       ll_aws_service_name(c->service), action, resource ? " on " : "",
		       resource ? resource : "", reason, (double)delay / 1000.0, n + 1,
		       c->max_retries + 1);
		ll_sleep_ms(delay);
	}
	ll_buf_free(&a.body);
	ll_buf_free(&target);
	free(body);
	return st;
}

ll_status ll_aws_json_send(ll_aws_json_client *c, const char *action, const char *resource,
			   json_t *request, json_t **reply, ll_error *err)
{
	json_t *r = NULL;
	ll_status s = request ? ll_aws_json_call(c, action, resource, request, &r, err)
			      : ll_error_oom(err);
	json_decref(request);
	if (reply)
		*reply = r;
	else
		json_decref(r);
	return s;
}

ll_status ll_aws_json_paginate(ll_aws_json_client *c, const char *action, const char *resource,
			       const json_t *request, ll_aws_json_page_fn fn, void *user,
			       ll_error *err)
{
	json_t *req = json_deep_copy(request);
	ll_status s = req ? LL_OK : ll_error_oom(err);
	bool stop = false;
	while (s == LL_OK) {
		json_t *reply = NULL;
		s = ll_aws_json_call(c, action, resource, req, &reply, err);
		if (s == LL_OK)
			s = fn(user, reply, &stop, err);
		const json_t *next = json_object_get(reply, "NextToken");
		bool more = s == LL_OK && !stop && json_string_length(next) > 0;
		/* The token is copied before the reply that holds it goes. */
		if (more && json_object_set_new(req, "NextToken",
						json_stringn(json_string_value(next),
							     json_string_length(next))) != 0)
			s = ll_error_oom(err);
		json_decref(reply);
		if (!more)
			break;
	}
	json_decref(req);
	return s;
}
