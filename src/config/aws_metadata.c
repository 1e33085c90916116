/*
 * Credentials from the machine the process runs on, as botocore fetches them.
 *
 * Container (ECS, EKS Pod Identity): AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
 * is a path on http://169.254.170.2; AWS_CONTAINER_CREDENTIALS_FULL_URI a
 * whole URL, https to any host, http only to a loopback address or the
 * ECS/EKS agent addresses (a plain-http token must not leave the machine).
 * AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read at every fetch, as EKS
 * rotates it), else AWS_CONTAINER_AUTHORIZATION_TOKEN, goes in the
 * Authorization header. The answer is JSON with AccessKeyId,
 * SecretAccessKey, Token, Expiration. One attempt, 2 s.
 *
 * EC2 instance metadata (IMDSv2): PUT /latest/api/token for a session
 * token, then GET /latest/meta-data/iam/security-credentials/ for the role
 * name and GET .../<role> for its JSON credentials, each with the token.
 * A PUT answered 403/404/405 means IMDSv1 only: the GETs go without a token.
 * The endpoint is AWS_EC2_METADATA_SERVICE_ENDPOINT, else
 * http://169.254.169.254; AWS_EC2_METADATA_DISABLED=true turns this source
 * off. One attempt, 1 s each, so a machine without IMDS is not held up.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/aws_http.h"
#include "config/aws_sources.h"
#include "util/fs.h"

#define CONTAINER_HOST "http://169.254.170.2"
#define CONTAINER_TIMEOUT_MS 2000
#define IMDS_DEFAULT "http://169.254.169.254"
#define IMDS_TIMEOUT_MS 1000
#define IMDS_TOKEN_TTL "21600"

static const char *env(const char *name)
{
	const char *v = getenv(name);
	return v && *v ? v : NULL;
}

/* The host of an http:// URL is one a token may be sent to in the clear. */
static bool http_host_allowed(const char *url)
{
	const char *h = url + strlen("http://");
	size_t n = h[0] == '[' ? strcspn(h, "]") + 1 : strcspn(h, ":/?#");
	static const char *const fixed[] = { "localhost", "[::1]", "169.254.170.2",
					     "169.254.170.23", "[fd00:ec2::23]", NULL };
	for (size_t i = 0; fixed[i]; i++) {
		if (strlen(fixed[i]) == n && strncasecmp(h, fixed[i], n) == 0)
			return true;
	}
	unsigned a, b, c, d;
	char tail;
	char host[64];
	if (n >= sizeof(host))
		return false;
	memcpy(host, h, n);
	host[n] = '\0';
	return sscanf(host, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) == 4 && a == 127 && b < 256 &&
	       c < 256 && d < 256;
}

static ll_status container_url(ll_buf *url, ll_error *err)
{
	const char *rel = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	if (rel) {
		ll_buf_printf(url, "%s%s", CONTAINER_HOST, rel);
		return LL_OK;
	}
	const char *full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	ll_buf_puts(url, full);
	if (strncasecmp(full, "https://", 8) == 0 ||
	    (strncasecmp(full, "http://", 7) == 0 && http_host_allowed(full)))
		return LL_OK;
	return ll_error_set(err, LL_EINVAL,
			    "AWS_CONTAINER_CREDENTIALS_FULL_URI %s is not allowed: it must be https, "
			    "or http to a loopback address or the ECS/EKS agent (169.254.170.2, "
			    "169.254.170.23)",
			    full);
}

/* "Authorization: <token>" from the token file or variable; empty when neither is set. */
static ll_status container_auth(ll_buf *line, ll_error *err)
{
	const char *file = env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	const char *value = env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
	if (!file && !value)
		return LL_OK;
	ll_buf token = LL_BUF_INIT;
	ll_error ignored;
	if (file && ll_fs_read_all(file, &token, &ignored) != LL_OK) {
		ll_buf_wipe(&token);
		return ll_error_set(err, LL_EAUTH,
				    "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE %s", file);
	}
	if (!file)
		ll_buf_puts(&token, value);
	while (token.len && (token.data[token.len - 1] == '\n' || token.data[token.len - 1] == '\r'))
		token.data[--token.len] = '\0';
	bool bad = strpbrk(ll_buf_cstr(&token), "\r\n") != NULL;
	if (!bad)
		ll_buf_printf(line, "Authorization: %s", ll_buf_cstr(&token));
	ll_buf_wipe(&token);
	if (bad)
		return ll_error_set(err, LL_EINVAL,
				    "the container authorization token has a line break inside");
	return LL_OK;
}

static ll_status creds_from_answer(const char *what, const char *url, long status,
				   const ll_buf *body, ll_aws_creds *out, ll_error *err)
{
	if (status != 200)
		return ll_error_set(err, LL_EAUTH, "%s credentials from %s: HTTP %ld", what, url,
				    status);
	const char *why = ll_aws_creds_from_json(ll_buf_cstr(body), body->len, "Token", false, out);
	if (why)
		return ll_error_set(err, LL_EAUTH, "%s credentials from %s: %s", what, url, why);
	snprintf(out->source, sizeof(out->source), "%s credentials %s", what, url);
	return LL_OK;
}

ll_status ll_aws_container_credentials(bool *configured, ll_aws_creds *out, ll_error *err)
{
	*configured = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") ||
		      env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
	if (!*configured)
		return LL_OK;
	ll_buf url = LL_BUF_INIT, auth = LL_BUF_INIT, body = LL_BUF_INIT;
	ll_status st = container_url(&url, err);
	if (st == LL_OK)
		st = container_auth(&auth, err);
	const char *headers[] = { auth.len ? ll_buf_cstr(&auth) : NULL, NULL };
	long status = 0;
	if (st == LL_OK) {
		ll_aws_http_request req = { "GET", ll_buf_cstr(&url), headers, NULL, 0,
					    CONTAINER_TIMEOUT_MS };
		st = ll_aws_http_send(&req, &status, &body, err);
	}
	if (st == LL_OK)
		st = creds_from_answer("container", ll_buf_cstr(&url), status, &body, out, err);
	ll_buf_wipe(&auth);
	ll_buf_wipe(&body);
	ll_buf_free(&url);
	return st;
}

/* ------------------------------------------------------------------ IMDS */

typedef struct imds {
	ll_buf base;  /* endpoint without a trailing slash */
	ll_buf token; /* "X-aws-ec2-metadata-token: ..." or empty (IMDSv1) */
} imds;

static ll_status imds_send(imds *m, const char *method, const char *path, const char *header,
			   long *status, ll_buf *body, ll_error *err)
{
	ll_buf url = LL_BUF_INIT;
	ll_buf_printf(&url, "%s%s", ll_buf_cstr(&m->base), path);
	const char *headers[] = { header, NULL };
	ll_aws_http_request req = { method, ll_buf_cstr(&url), headers, NULL, 0, IMDS_TIMEOUT_MS };
	ll_status st = ll_aws_http_send(&req, status, body, err);
	ll_buf_free(&url);
	return st;
}

static ll_status imds_session(imds *m, ll_error *err)
{
	ll_buf body = LL_BUF_INIT;
	long status;
	ll_status st = imds_send(m, "PUT", "/latest/api/token",
				 "X-aws-ec2-metadata-token-ttl-seconds: " IMDS_TOKEN_TTL, &status,
				 &body, err);
	if (st == LL_OK && status == 200)
		ll_buf_printf(&m->token, "X-aws-ec2-metadata-token: %s", ll_buf_cstr(&body));
	else if (st == LL_OK && status != 403 && status != 404 && status != 405)
		st = ll_error_set(err, LL_EAUTH, "instance metadata %s refused a session token: HTTP %ld",
				  ll_buf_cstr(&m->base), status);
	ll_buf_wipe(&body);
	return st;
}

static ll_status imds_role(imds *m, ll_buf *role, ll_error *err)
{
	long status;
	ll_status st = imds_send(m, "GET", "/latest/meta-data/iam/security-credentials/",
				 m->token.len ? ll_buf_cstr(&m->token) : NULL, &status, role, err);
	if (st != LL_OK)
		return st;
	role->len = strcspn(ll_buf_cstr(role), "\r\n");
	if (role->data)
		role->data[role->len] = '\0';
	if (status != 200 || role->len == 0 || strchr(ll_buf_cstr(role), '/'))
		return ll_error_set(err, LL_EAUTH, "instance metadata %s names no IAM role (HTTP %ld)",
				    ll_buf_cstr(&m->base), status);
	return LL_OK;
}

static ll_status imds_fetch(imds *m, ll_aws_creds *out, ll_error *err)
{
	ll_buf role = LL_BUF_INIT, path = LL_BUF_INIT, body = LL_BUF_INIT;
	ll_status st = imds_session(m, err);
	if (st == LL_OK)
		st = imds_role(m, &role, err);
	long status = 0;
	if (st == LL_OK) {
		ll_buf_printf(&path, "/latest/meta-data/iam/security-credentials/%s", ll_buf_cstr(&role));
		st = imds_send(m, "GET", ll_buf_cstr(&path), m->token.len ? ll_buf_cstr(&m->token) : NULL,
			       &status, &body, err);
	}
	if (st == LL_OK) {
		ll_buf url = LL_BUF_INIT;
		ll_buf_printf(&url, "%s%s", ll_buf_cstr(&m->base), ll_buf_cstr(&path));
		st = creds_from_answer("instance metadata", ll_buf_cstr(&url), status, &body, out, err);
		ll_buf_free(&url);
	}
	ll_buf_free(&role);
	ll_buf_free(&path);
	ll_buf_wipe(&body);
	return st;
}

ll_status ll_aws_imds_credentials(bool *configured, ll_aws_creds *out, ll_error *err)
{
	const char *disabled = env("AWS_EC2_METADATA_DISABLED");
	*configured = !(disabled && strcasecmp(disabled, "true") == 0);
	if (!*configured)
		return LL_OK;
	imds m = { LL_BUF_INIT, LL_BUF_INIT };
	const char *endpoint = env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
	ll_buf_puts(&m.base, endpoint ? endpoint : IMDS_DEFAULT);
	while (m.base.len && m.base.data[m.base.len - 1] == '/')
		m.base.data[--m.base.len] = '\0';
	ll_status st = imds_fetch(&m, out, err);
	ll_buf_free(&m.base);
	ll_buf_wipe(&m.token);
	return st;
}
