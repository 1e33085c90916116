/*
 * STS, as botocore's assume-role providers call it: the Query API, a
 * form-encoded POST of Action=AssumeRole (SigV4-signed with the source
 * credentials, service "sts") or Action=AssumeRoleWithWebIdentity
 * (unsigned: the token is the proof), Version=2011-06-15, answered with
 * <...Result><Credentials> holding AccessKeyId, SecretAccessKey,
 * SessionToken and Expiration.
 *
 * The endpoint is the role's endpoint_url, else https://sts.<region>.amazonaws.com.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "config/aws_http.h"
#include "config/aws_sources.h"
#include "storage/s3_internal.h"
#include "storage/sigv4.h"
#include "util/fs.h"

#define STS_TIMEOUT_MS 30000

static void form_param(ll_buf *body, const char *name, const char *value)
{
	if (!value || !*value)
		return;
	if (body->len)
		ll_buf_putc(body, '&');
	ll_buf_printf(body, "%s=", name);
	ll_sigv4_uri_encode(body, value, strlen(value), false);
}

static void session_name(const ll_aws_role *role, char *out, size_t size)
{
	if (role->session_name && *role->session_name)
		snprintf(out, size, "%s", role->session_name);
	else
		snprintf(out, size, "botocore-session-%lld", (long long)time(NULL));
}

static void endpoint(const ll_aws_role *role, ll_buf *url)
{
	if (role->endpoint_url && *role->endpoint_url)
		ll_buf_puts(url, role->endpoint_url);
	else
		ll_buf_printf(url, "https://sts.%s.amazonaws.com", role->region);
	while (url->len && url->data[url->len - 1] == '/')
		url->data[--url->len] = '\0';
	ll_buf_putc(url, '/');
}

/* "host[:port]" of scheme://host[:port]/..., as the Host header carries it. */
static void url_host(const char *url, ll_buf *host)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	ll_buf_append(host, p, strcspn(p, "/?#"));
}

/* Where a failure happened, for every message: the call, the role, the profile. */
static ll_status sts_fail(ll_error *err, ll_status code, const char *action,
			  const ll_aws_role *role, const char *why)
{
	if (role->profile)
		return ll_error_set(err, code, "STS %s for role %s (profile %s) failed: %s", action,
				    role->role_arn, role->profile, why);
	return ll_error_set(err, code, "STS %s for role %s (from AWS_ROLE_ARN) failed: %s", action,
			    role->role_arn, why);
}

static ll_status read_credentials(const char *action, const ll_aws_role *role, long status,
				  const ll_buf *body, ll_aws_creds *out, ll_error *err)
{
	ll_s3_xml doc = { 0 };
	ll_error xml_err;
	char why[600];
	ll_status st = ll_s3_xml_parse(&doc, body->data ? body->data : "", body->len, &xml_err);
	if (status != 200) {
		int32_t e = st == LL_OK ? ll_s3_xml_child(&doc, 0, "Error") : -1;
		const char *code = e >= 0 ? ll_s3_xml_child_text(&doc, e, "Code") : NULL;
		const char *msg = e >= 0 ? ll_s3_xml_child_text(&doc, e, "Message") : NULL;
		snprintf(why, sizeof(why), "HTTP %ld %s%s%s", status, code ? code : "",
			 msg ? ": " : "", msg ? msg : "");
		ll_s3_xml_free(&doc);
		return sts_fail(err, status == 403 ? LL_EAUTH : LL_EIO, action, role, why);
	}
	char result[64];
	snprintf(result, sizeof(result), "%sResult", action);
	int32_t r = st == LL_OK ? ll_s3_xml_child(&doc, 0, result) : -1;
	int32_t c = ll_s3_xml_child(&doc, r, "Credentials");
	const char *id = ll_s3_xml_child_text(&doc, c, "AccessKeyId");
	const char *secret = ll_s3_xml_child_text(&doc, c, "SecretAccessKey");
	const char *token = ll_s3_xml_child_text(&doc, c, "SessionToken");
	const char *expiration = ll_s3_xml_child_text(&doc, c, "Expiration");
	ll_aws_creds_clear(out);
	if (id && secret && token && expiration && ll_aws_parse_expiration(expiration, &out->expires)) {
		ll_buf_puts(&out->access_key_id, id);
		ll_buf_puts(&out->secret_access_key, secret);
		ll_buf_puts(&out->session_token, token);
		snprintf(out->source, sizeof(out->source), "sts %s %s", action, role->role_arn);
		st = LL_OK;
	} else {
		st = sts_fail(err, LL_EFORMAT, action, role,
			      "the answer has no Credentials with AccessKeyId, SecretAccessKey, "
			      "SessionToken and Expiration");
	}
	ll_s3_xml_free(&doc);
	return st;
}

static ll_status sign(const ll_aws_role *role, const ll_aws_creds *source, const char *host,
		      const ll_buf *body, ll_sigv4_result *sig, ll_error *err)
{
	ll_sigv4_pair headers[] = {
		{ "Host", host },
		{ "Content-Type", "application/x-www-form-urlencoded; charset=utf-8" },
	};
	ll_sigv4_request req = { "POST", "/", NULL, 0, headers, 2, NULL, body->data, body->len };
	ll_sigv4_config cfg = {
		.credentials = { ll_buf_cstr(&source->access_key_id),
				 ll_buf_cstr(&source->secret_access_key),
				 ll_buf_cstr(&source->session_token) },
		.region = role->region,
		.service = "sts",
		.time = (int64_t)time(NULL),
		.normalize_path = true,
		.double_encode_path = true,
	};
	return ll_sigv4_sign_headers(&req, &cfg, sig, err);
}

/* Sends one STS call: its form body, signed with source when there is one. */
static ll_status call(const char *action, const ll_aws_role *role, const ll_buf *body,
		      const ll_aws_creds *source, ll_aws_creds *out, ll_error *err)
{
	ll_buf url = LL_BUF_INIT, host = LL_BUF_INIT, reply = LL_BUF_INIT;
	ll_buf lines[6] = { LL_BUF_INIT, LL_BUF_INIT, LL_BUF_INIT, LL_BUF_INIT, LL_BUF_INIT, LL_BUF_INIT };
	ll_sigv4_result sig = LL_SIGV4_RESULT_INIT;
	const char *hdrs[7] = { 0 };
	size_t n = 0;
	endpoint(role, &url);
	url_host(ll_buf_cstr(&url), &host);
	ll_buf_puts(&lines[n++], "Content-Type: application/x-www-form-urlencoded; charset=utf-8");
	ll_status st = source ? sign(role, source, ll_buf_cstr(&host), body, &sig, err) : LL_OK;
	for (size_t i = 0; st == LL_OK && i < sig.nheaders; i++)
		ll_buf_printf(&lines[n++], "%s: %s", sig.headers[i].name, sig.headers[i].value);
	for (size_t i = 0; i < n; i++)
		hdrs[i] = ll_buf_cstr(&lines[i]);
	long status = 0;
	if (st == LL_OK) {
		ll_aws_http_request req = { "POST", ll_buf_cstr(&url), hdrs, body->data, body->len,
					    STS_TIMEOUT_MS };
		ll_error http_err;
		ll_error_clear(&http_err);
		st = ll_aws_http_send(&req, &status, &reply, &http_err);
		if (st != LL_OK)
			st = sts_fail(err, st, action, role, http_err.message);
	}
	if (st == LL_OK)
		st = read_credentials(action, role, status, &reply, out, err);
	for (size_t i = 0; i < n; i++)
		ll_buf_free(&lines[i]);
	ll_sigv4_result_free(&sig);
	ll_buf_free(&url);
	ll_buf_free(&host);
	ll_buf_free(&reply);
	return st;
}

ll_status ll_aws_sts_assume_role(const ll_aws_role *role, const ll_aws_creds *source,
				 ll_aws_creds *out, ll_error *err)
{
	char name[128];
	session_name(role, name, sizeof(name));
	ll_buf body = LL_BUF_INIT;
	form_param(&body, "Action", "AssumeRole");
	form_param(&body, "Version", "2011-06-15");
	form_param(&body, "RoleArn", role->role_arn);
	form_param(&body, "RoleSessionName", name);
	form_param(&body, "ExternalId", role->external_id);
	form_param(&body, "DurationSeconds", role->duration_seconds);
	ll_status st = ll_buf_oom(&body) ? ll_error_oom(err)
					 : call("AssumeRole", role, &body, source, out, err);
	ll_buf_free(&body);
	return st;
}

ll_status ll_aws_sts_web_identity(const ll_aws_role *role, const char *token_file,
				  ll_aws_creds *out, ll_error *err)
{
	ll_buf token = LL_BUF_INIT, body = LL_BUF_INIT;
	ll_error read_err;
	if (ll_fs_read_all(token_file, &token, &read_err) != LL_OK) {
		ll_buf_free(&token);
		char why[600];
		snprintf(why, sizeof(why), "cannot read the web identity token file %s", token_file);
		return sts_fail(err, LL_EAUTH, "AssumeRoleWithWebIdentity", role, why);
	}
	char name[128];
	session_name(role, name, sizeof(name));
	form_param(&body, "Action", "AssumeRoleWithWebIdentity");
	form_param(&body, "Version", "2011-06-15");
	form_param(&body, "RoleArn", role->role_arn);
	form_param(&body, "RoleSessionName", name);
	form_param(&body, "WebIdentityToken", ll_buf_cstr(&token));
	form_param(&body, "DurationSeconds", role->duration_seconds);
	ll_status st = ll_buf_oom(&body) ? ll_error_oom(err)
					 : call("AssumeRoleWithWebIdentity", role, &body, NULL, out, err);
	ll_buf_wipe(&token);
	ll_buf_wipe(&body);
	return st;
}
