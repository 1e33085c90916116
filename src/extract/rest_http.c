/*
 * ll_rest_get over libcurl; see rest_http.h.
 */
#include "extract/rest_http.h"

#include <ctype.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_BODY ((size_t)64 << 20)

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_result;

static void init_curl(void)
{
	curl_init_result = curl_global_init(CURL_GLOBAL_DEFAULT);
}

void ll_rest_response_free(ll_rest_response *r)
{
	ll_buf_free(&r->body);
	ll_buf_free(&r->link);
}

static size_t on_body(char *data, size_t size, size_t n, void *user)
{
	ll_buf *b = user;
	if (b->len + size * n > MAX_BODY)
		return 0;
	ll_buf_append(b, data, size * n);
	return ll_buf_oom(b) ? 0 : size * n;
}

/* Keeps Link and Retry-After; a new response (after a redirect) starts afresh. */
static size_t on_header(char *data, size_t size, size_t n, void *user)
{
	ll_rest_response *r = user;
	size_t len = size * n;
	if (len >= 5 && strncmp(data, "HTTP/", 5) == 0) {
		ll_buf_clear(&r->link);
		r->retry_after = -1;
	}
	const char *colon = memchr(data, ':', len);
	if (!colon)
		return len;
	size_t name_len = (size_t)(colon - data);
	const char *value = colon + 1;
	size_t value_len = len - name_len - 1;
	while (value_len && (*value == ' ' || *value == '\t'))
		value++, value_len--;
	while (value_len && isspace((unsigned char)value[value_len - 1]))
		value_len--;
	if (name_len == 4 && strncasecmp(data, "link", 4) == 0) {
		if (r->link.len)
			ll_buf_puts(&r->link, ", ");
		ll_buf_append(&r->link, value, value_len);
	} else if (name_len == 11 && strncasecmp(data, "retry-after", 11) == 0) {
		char digits[32];
		size_t k = value_len < sizeof(digits) - 1 ? value_len : sizeof(digits) - 1;
		memcpy(digits, value, k);
		digits[k] = '\0';
		char *end;
		long secs = strtol(digits, &end, 10);
		r->retry_after = end != digits && secs >= 0 ? secs : -1;
	}
	return len;
}

ll_status ll_rest_get(const char *url, const char *const *headers, long timeout_ms,
		      const char *redacted_url, ll_rest_response *resp, ll_error *err)
{
	ll_buf_clear(&resp->body);
	ll_buf_clear(&resp->link);
	resp->status = 0;
	resp->retry_after = -1;
	pthread_once(&curl_once, init_curl);
	if (curl_init_result != CURLE_OK)
		return ll_error_set(err, LL_EIO, "cannot initialise libcurl");
	CURL *h = curl_easy_init();
	struct curl_slist *list = NULL;
	bool ok = h != NULL;
	for (size_t i = 0; ok && headers && headers[i]; i++) {
		struct curl_slist *grown = curl_slist_append(list, headers[i]);
		ok = grown != NULL;
		list = grown ? grown : list;
	}
	if (!ok) {
		curl_slist_free_all(list);
		if (h)
			curl_easy_cleanup(h);
		return ll_error_oom(err);
	}
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 10L);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, list);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &resp->body);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, resp);
	CURLcode rc = curl_easy_perform(h);
	ll_status st = LL_OK;
	if (rc == CURLE_TOO_MANY_REDIRECTS) {
		long last = 0;
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &last);
		st = ll_error_set(err, LL_EIO,
				  "GET %s: HTTP %ld, more than 10 redirects (a redirect loop?)",
				  redacted_url, last);
	} else if (rc != CURLE_OK)
		st = ll_error_set(err, LL_EIO, "GET %s: %s", redacted_url,
				  ll_buf_oom(&resp->body) ? "out of memory or a body over 64 MiB"
							  : curl_easy_strerror(rc));
	else
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &resp->status);
	curl_slist_free_all(list);
	curl_easy_cleanup(h);
	return st;
}

static bool secret_name(const char *name, size_t len, const char *const *secret_params)
{
	static const char *const hints[] = { "key", "token", "secret", "password", "signature" };
	char lower[128];
	if (len >= sizeof(lower))
		return true;
	for (size_t i = 0; i < len; i++)
		lower[i] = (char)tolower((unsigned char)name[i]);
	lower[len] = '\0';
	for (size_t i = 0; secret_params && secret_params[i]; i++)
		if (strcasecmp(secret_params[i], lower) == 0)
			return true;
	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (strstr(lower, hints[i]))
			return true;
	return false;
}

void ll_rest_redact_url(const char *url, const char *const *secret_params, ll_buf *out)
{
	const char *scheme = strstr(url, "://");
	const char *host = scheme ? scheme + 3 : url;
	const char *at = strchr(host, '@');
	const char *slash = strchr(host, '/');
	ll_buf_append(out, url, (size_t)(host - url));
	if (at && (!slash || at < slash))
		host = at + 1; /* user:password@ dropped */
	const char *query = strchr(host, '?');
	if (!query) {
		ll_buf_puts(out, host);
		return;
	}
	ll_buf_append(out, host, (size_t)(query - host) + 1);
	for (const char *p = query + 1; *p;) {
		size_t len = strcspn(p, "&");
		const char *eq = memchr(p, '=', len);
		if (eq && secret_name(p, (size_t)(eq - p), secret_params)) {
			ll_buf_append(out, p, (size_t)(eq - p) + 1);
			ll_buf_puts(out, "***");
		} else {
			ll_buf_append(out, p, len);
		}
		p += len;
		if (*p == '&')
			ll_buf_putc(out, *p++);
	}
}

void ll_rest_url_encode(ll_buf *out, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
			ll_buf_putc(out, (char)c);
		} else {
			ll_buf_putc(out, '%');
			ll_buf_putc(out, hex[c >> 4]);
			ll_buf_putc(out, hex[c & 15]);
		}
	}
}
