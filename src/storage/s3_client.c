/*
 * The S3 client object: its configuration, checked once at open, and the
 * addressing rules that turn a bucket and a key into a Host header and an
 * encoded path. The client owns copies of the credentials and wipes them
 * when it is freed; it owns the curl handles whose connections every
 * request reuses (see s3_transfer.c).
 */
#include "storage/s3_internal.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/hash.h"
#include "util/retry.h"
#include "util/time.h"

void ll_s3_config_init(ll_s3_config *cfg)
{
	*cfg = (ll_s3_config){
		.region = "us-east-1",
		.path_style = LL_S3_PATH_STYLE_AUTO,
		.max_retries = 5,
		.retry_base_delay_ms = 200,
		.retry_max_delay_ms = 20000,
		.connect_timeout_ms = 10000,
		.idle_timeout_ms = 30000,
		.multipart_threshold = UINT64_C(64) << 20,
		.part_size = UINT64_C(16) << 20,
		.max_parallel = 4,
	};
}

static bool blank(const char *s)
{
	return !s || !*s;
}

static ll_status check_limits(const ll_s3_config *cfg, ll_error *err)
{
	ll_status st = ll_retry_check_limits("S3", cfg->max_retries, cfg->retry_base_delay_ms,
					     cfg->retry_max_delay_ms, err);
	if (st != LL_OK)
		return st;
	if (cfg->connect_timeout_ms <= 0 || cfg->idle_timeout_ms <= 0)
		return ll_error_set(err, LL_EINVAL, "S3 timeouts must be positive");
	if (cfg->part_size < LL_S3_MIN_PART_SIZE || cfg->part_size > LL_S3_MAX_PUT_SIZE)
		return ll_error_set(err, LL_EINVAL, "S3 part_size must be between 5 MiB and 5 GiB");
	if (cfg->multipart_threshold > LL_S3_MAX_PUT_SIZE)
		return ll_error_set(err, LL_EINVAL, "S3 multipart_threshold must be at most 5 GiB, "
						    "the largest single PUT");
	if (cfg->max_parallel < 1 || cfg->max_parallel > 64)
		return ll_error_set(err, LL_EINVAL, "S3 max_parallel must be between 1 and 64");
	return LL_OK;
}

static ll_status check_region(const char *region, ll_error *err)
{
	size_t n = strlen(region);
	if (n == 0 || n > 64 || strspn(region, "abcdefghijklmnopqrstuvwxyz0123456789-") != n)
		return ll_error_set(err, LL_EINVAL,
				    "S3 region '%s' is not a region name like 'eu-central-1'", region);
	return LL_OK;
}

static char *dup_range(const char *s, size_t n)
{
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* Splits "scheme://host[:port][/base]" into the client's fields. */
static ll_status parse_endpoint(ll_s3_client *c, const char *url, ll_error *err)
{
	/* A URL with a user part may hold a password: never repeat it. */
	if (strchr(url, '@'))
		return ll_error_set(err, LL_EINVAL,
				    "S3 endpoint_url must not contain a user name or password; "
				    "credentials belong in aws_access_key_id and "
				    "aws_secret_access_key");
	const char *sep = strstr(url, "://");
	size_t slen = sep ? (size_t)(sep - url) : 0;
	bool http = slen == 4 && strncasecmp(url, "http", 4) == 0;
	bool https = slen == 5 && strncasecmp(url, "https", 5) == 0;
	if (!http && !https)
		return ll_error_set(err, LL_EINVAL,
				    "S3 endpoint_url '%s' must start with http:// or https://", url);
	const char *auth = sep + 3;
	size_t alen = strcspn(auth, "/");
	const char *base = auth + alen;
	size_t blen = strlen(base);
	while (blen > 0 && base[blen - 1] == '/')
		blen--;
	bool bad = alen == 0 || strspn(auth, "abcdefghijklmnopqrstuvwxyz"
					     "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_:[]") != alen ||
		   strpbrk(base, "?#@ \t\r\n") != NULL;
	if (bad)
		return ll_error_set(err, LL_EINVAL,
				    "S3 endpoint_url '%s' is not of the form "
				    "http[s]://host[:port][/path] (no user, query or fragment)",
				    url);
	c->scheme = strdup(http ? "http" : "https");
	c->host = dup_range(auth, alen);
	c->base = dup_range(base, blen);
	return c->scheme && c->host && c->base ? LL_OK : ll_error_oom(err);
}

static ll_status set_endpoint(ll_s3_client *c, const ll_s3_config *cfg, ll_error *err)
{
	if (!blank(cfg->endpoint_url))
		return parse_endpoint(c, cfg->endpoint_url, err);
	c->aws = true;
	c->scheme = strdup("https");
	c->base = strdup("");
	size_t n = strlen(c->region) + 32;
	c->host = malloc(n);
	if (c->host)
		snprintf(c->host, n, "s3.%s.amazonaws.com", c->region);
	return c->scheme && c->base && c->host ? LL_OK : ll_error_oom(err);
}

static ll_status copy_settings(ll_s3_client *c, const ll_s3_config *cfg, ll_error *err)
{
	c->region = strdup(blank(cfg->region) ? "us-east-1" : cfg->region);
	c->credentials = cfg->credentials;
	c->credentials_user = cfg->credentials_user;
	if (!c->region)
		return ll_error_oom(err);
	if (!c->credentials) {
		c->access_key_id = strdup(cfg->access_key_id);
		c->secret_access_key = strdup(cfg->secret_access_key);
		c->session_token = blank(cfg->session_token) ? NULL : strdup(cfg->session_token);
		if (!c->access_key_id || !c->secret_access_key ||
		    (!blank(cfg->session_token) && !c->session_token))
			return ll_error_oom(err);
	}
	c->path_style = cfg->path_style;
	c->max_retries = cfg->max_retries;
	c->retry_base_delay_ms = cfg->retry_base_delay_ms;
	c->retry_max_delay_ms = cfg->retry_max_delay_ms;
	c->connect_timeout_ms = cfg->connect_timeout_ms;
	c->idle_timeout_ms = cfg->idle_timeout_ms;
	c->multipart_threshold = cfg->multipart_threshold;
	c->part_size = cfg->part_size;
	c->max_parallel = (size_t)cfg->max_parallel;
	c->logger = cfg->logger;
	c->random = ll_mix64((uint64_t)ll_time_now_micros() ^ (uint64_t)(uintptr_t)c);
	return check_region(c->region, err);
}

static ll_status create_handles(ll_s3_client *c, ll_error *err)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return ll_error_set(err, LL_ENOMEM, "libcurl could not be initialized");
	c->curl_ready = true;
	c->multi = curl_multi_init();
	c->easy = calloc(c->max_parallel, sizeof(*c->easy));
	if (!c->multi || !c->easy)
		return ll_error_oom(err);
	for (size_t i = 0; i < c->max_parallel; i++) {
		c->easy[i] = curl_easy_init();
		if (!c->easy[i])
			return ll_error_oom(err);
	}
	return LL_OK;
}

ll_status ll_s3_client_open(ll_s3_client **out, const ll_s3_config *cfg, ll_error *err)
{
	*out = NULL;
	if (!cfg->credentials && (blank(cfg->access_key_id) || blank(cfg->secret_access_key)))
		return ll_error_set(err, LL_EAUTH,
				    "no S3 credentials: set aws_access_key_id and "
				    "aws_secret_access_key (or AWS_ACCESS_KEY_ID and "
				    "AWS_SECRET_ACCESS_KEY)");
	ll_status st = check_limits(cfg, err);
	if (st != LL_OK)
		return st;
	ll_s3_client *c = calloc(1, sizeof(*c));
	if (!c)
		return ll_error_oom(err);
	st = copy_settings(c, cfg, err);
	if (st == LL_OK)
		st = set_endpoint(c, cfg, err);
	if (st == LL_OK)
		st = create_handles(c, err);
	if (st != LL_OK) {
		ll_s3_client_free(c);
		return st;
	}
	*out = c;
	return LL_OK;
}

static void free_secret(char *s)
{
	if (s) {
		OPENSSL_cleanse(s, strlen(s));
		free(s);
	}
}

void ll_s3_client_free(ll_s3_client *c)
{
	if (!c)
		return;
	for (size_t i = 0; c->easy && i < c->max_parallel; i++)
		curl_easy_cleanup(c->easy[i]);
	free(c->easy);
	if (c->multi)
		curl_multi_cleanup(c->multi);
	if (c->curl_ready)
		curl_global_cleanup();
	free(c->scheme);
	free(c->host);
	free(c->base);
	free(c->region);
	free(c->access_key_id);
	free_secret(c->secret_access_key);
	free_secret(c->session_token);
	free(c);
}

/* A bucket name that can be the first label of a host name. */
static bool dns_compatible(const char *bucket)
{
	size_t n = strlen(bucket);
	if (n < 3 || n > 63 || strspn(bucket, "abcdefghijklmnopqrstuvwxyz0123456789-") != n)
		return false;
	return bucket[0] != '-' && bucket[n - 1] != '-';
}

bool ll_s3_use_path_style(const ll_s3_client *c, const char *bucket)
{
	switch (c->path_style) {
	case LL_S3_PATH_STYLE_ON:
		return true;
	case LL_S3_PATH_STYLE_OFF:
		return false;
	default:
		return !c->aws || !dns_compatible(bucket);
	}
}

void ll_s3_request_target(const ll_s3_client *c, const char *bucket, const char *key,
			  ll_buf *host, ll_buf *path)
{
	bool path_style = ll_s3_use_path_style(c, bucket);
	if (!path_style) {
		ll_buf_puts(host, bucket);
		ll_buf_putc(host, '.');
	}
	ll_buf_puts(host, c->host);
	ll_buf_puts(path, c->base);
	if (path_style) {
		ll_buf_putc(path, '/');
		ll_sigv4_uri_encode(path, bucket, strlen(bucket), false);
	}
	if (key) {
		ll_buf_putc(path, '/');
		ll_sigv4_uri_encode(path, key, strlen(key), true);
	} else if (!path_style) {
		ll_buf_putc(path, '/');
	}
}

ll_status ll_s3_check_names(const char *op, const char *bucket, const char *key, ll_error *err)
{
	size_t n = bucket ? strlen(bucket) : 0;
	if (n < 3 || n > 255 ||
	    strspn(bucket, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") != n)
		return ll_error_set(err, LL_EINVAL,
				    "S3 %s: '%s' is not a bucket name (3 to 63 lowercase letters, "
				    "digits, dots and hyphens; older buckets may also have capitals "
				    "and underscores)",
				    op, bucket ? bucket : "");
	if (key && (key[0] == '\0' || strlen(key) > 1024))
		return ll_error_set(err, LL_EINVAL,
				    "S3 %s s3://%s/: an object key must be 1 to 1024 bytes long", op,
				    bucket);
	return LL_OK;
}
