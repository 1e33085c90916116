/*
 * SigV4 signing: validation, key derivation and the two signing modes; see
 * sigv4.h for the contract and sigv4_canonical.c for the canonical forms.
 *
 * Invariants:
 *   - Input is validated before anything is built, so the canonical
 *     builders only fail for memory.
 *   - Error messages never quote a credential field, not even the access
 *     key id: a user who pastes the secret into the wrong field must not
 *     see it echoed into a log. Header values are never quoted either.
 *   - The secret and the keys derived from it live only in buffers this
 *     file wipes (OPENSSL_cleanse) before returning.
 */
#include "storage/sigv4_internal.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util/time.h"

#define SIGV4_ALGORITHM "AWS4-HMAC-SHA256"
/* 9999-12-31T23:59:59Z: the last instant an X-Amz-Date can spell. */
#define SIGV4_MAX_TIME INT64_C(253402300799)
/* Longer credentials than this are not AWS credentials, and HMAC takes an int length. */
#define SIGV4_MAX_SECRET 4096

/* Everything one signing call builds, released by signing_free. */
typedef struct ll_sigv4_signing {
	const ll_sigv4_request *req;
	const ll_sigv4_config *cfg;
	int64_t expires; /* 0: header mode */
	ll_sigv4_result *out;
	ll_arena arena;
	char date[9]; /* YYYYMMDD */
	ll_buf scope; /* date/region/service/aws4_request */
	ll_buf canon_headers;
	ll_buf signed_headers;
} ll_sigv4_signing;

static const char *const presign_params[] = {
	"X-Amz-Algorithm",     "X-Amz-Credential",     "X-Amz-Date",      "X-Amz-Expires",
	"X-Amz-SignedHeaders", "X-Amz-Security-Token", "X-Amz-Signature",
};

static void hex_encode(const unsigned char *b, size_t n, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		hex[2 * i] = digits[b[i] >> 4];
		hex[2 * i + 1] = digits[b[i] & 15];
	}
	hex[2 * n] = '\0';
}

ll_status ll_sigv4_sha256_hex(const void *data, size_t len, char hex[65], ll_error *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	if (!EVP_Digest(data ? data : "", len, md, &mdlen, EVP_sha256(), NULL) || mdlen != 32)
		return ll_error_set(err, LL_ENOMEM, "libcrypto could not compute SHA-256");
	hex_encode(md, 32, hex);
	return LL_OK;
}

static bool hmac_sha256(const void *key, size_t keylen, const void *msg, size_t len,
			unsigned char mac[32])
{
	unsigned int maclen = 0;
	return HMAC(EVP_sha256(), key, (int)keylen, msg, len, mac, &maclen) && maclen == 32;
}

static bool has_control(const char *s, bool allow_space)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		bool space = *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n';
		if ((*p < 0x20 || *p == 0x7f || *p == ' ') && !(allow_space && space))
			return true;
	}
	return false;
}

/* An RFC 7230 token: what a method and a header name may be. */
static bool is_token(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      strchr("!#$%&'*+-.^_`|~", c)))
			return false;
	}
	return true;
}

/* Region and service names go into the credential scope, separated by "/". */
static bool is_scope_name(const char *s)
{
	if (!s || !*s)
		return false;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      c == '-' || c == '_' || c == '.'))
			return false;
	}
	return true;
}

static ll_status check_config(const ll_sigv4_config *cfg, ll_error *err)
{
	const ll_sigv4_credentials *c = &cfg->credentials;
	if (!c->access_key_id || !*c->access_key_id || !c->secret_access_key ||
	    !*c->secret_access_key)
		return ll_error_set(err, LL_EAUTH,
				    "AWS credentials are missing: set an access key id and a "
				    "secret access key");
	if (has_control(c->access_key_id, false) || strpbrk(c->access_key_id, "/,=") ||
	    strlen(c->access_key_id) > SIGV4_MAX_SECRET)
		return ll_error_set(err, LL_EAUTH,
				    "the AWS access key id has white space, a control character or "
				    "one of '/', ',', '='; check that the credential fields are not "
				    "swapped");
	if (strlen(c->secret_access_key) > SIGV4_MAX_SECRET)
		return ll_error_set(err, LL_EAUTH, "the AWS secret access key is too long");
	if (c->session_token && has_control(c->session_token, false))
		return ll_error_set(err, LL_EAUTH,
				    "the AWS session token has white space or a control character");
	if (!is_scope_name(cfg->region))
		return ll_error_set(err, LL_EINVAL,
				    "the AWS region is empty or has characters other than letters, "
				    "digits, '-', '_' and '.'");
	if (!is_scope_name(cfg->service))
		return ll_error_set(err, LL_EINVAL,
				    "the service name to sign for is empty or has characters other "
				    "than letters, digits, '-', '_' and '.'");
	if (cfg->time < 0 || cfg->time > SIGV4_MAX_TIME)
		return ll_error_set(err, LL_EINVAL,
				    "signing time %lld is outside 1970-01-01 to 9999-12-31",
				    (long long)cfg->time);
	return LL_OK;
}

static bool has_token(const ll_sigv4_config *cfg)
{
	return cfg->credentials.session_token && *cfg->credentials.session_token;
}

/* Headers the signer adds itself in header mode must not come from the caller. */
static bool header_reserved(const char *name, const ll_sigv4_config *cfg)
{
	return strcasecmp(name, "authorization") == 0 || strcasecmp(name, "x-amz-date") == 0 ||
	       (has_token(cfg) && strcasecmp(name, "x-amz-security-token") == 0) ||
	       (cfg->sign_body && strcasecmp(name, "x-amz-content-sha256") == 0);
}

static ll_status check_headers(const ll_sigv4_request *req, const ll_sigv4_config *cfg,
			       bool presign, ll_error *err)
{
	bool host = false;
	for (size_t i = 0; i < req->nheaders; i++) {
		const ll_sigv4_pair *h = &req->headers[i];
		if (!is_token(h->name))
			return ll_error_set(err, LL_EINVAL,
					    "request header %zu has an empty or malformed name", i + 1);
		if (!h->value || has_control(h->value, true))
			return ll_error_set(err, LL_EINVAL,
					    "request header %s has no value or a control character in "
					    "it",
					    h->name);
		if (presign ? strcasecmp(h->name, "authorization") == 0 : header_reserved(h->name, cfg))
			return ll_error_set(err, LL_EINVAL,
					    "request header %s is added by the signer; leave it out",
					    h->name);
		host = host || strcasecmp(h->name, "host") == 0;
	}
	if (!host)
		return ll_error_set(err, LL_EINVAL, "the request to sign has no Host header");
	return LL_OK;
}

static ll_status check_query(const ll_sigv4_request *req, bool presign, ll_error *err)
{
	for (size_t i = 0; i < req->nquery; i++) {
		const char *name = req->query[i].name;
		if (!name)
			return ll_error_set(err, LL_EINVAL, "query parameter %zu has no name", i + 1);
		for (size_t k = 0; presign && k < sizeof(presign_params) / sizeof(*presign_params); k++)
			if (strcasecmp(name, presign_params[k]) == 0)
				return ll_error_set(err, LL_EINVAL,
						    "query parameter %s is added by the signer; leave "
						    "it out",
						    presign_params[k]);
	}
	return LL_OK;
}

static ll_status check_request(const ll_sigv4_request *req, const ll_sigv4_config *cfg,
			       bool presign, ll_error *err)
{
	if (!is_token(req->method))
		return ll_error_set(err, LL_EINVAL, "the request to sign has no valid HTTP method");
	const char *path = req->path ? req->path : "";
	if (*path && *path != '/')
		return ll_error_set(err, LL_EINVAL, "the request path must start with '/'");
	if (strpbrk(path, "?#"))
		return ll_error_set(err, LL_EINVAL,
				    "the request path contains '?' or '#'; pass query parameters "
				    "separately and encode such characters in object keys");
	if (req->nquery && !req->query)
		return ll_error_set(err, LL_EINVAL, "query parameter count without parameters");
	if (req->nheaders && !req->headers)
		return ll_error_set(err, LL_EINVAL, "header count without headers");
	ll_status s = check_headers(req, cfg, presign, err);
	return s ? s : check_query(req, presign, err);
}

static ll_status set_payload_hash(const ll_sigv4_request *req, char hash[65], ll_error *err)
{
	if (!req->payload_hash)
		return ll_sigv4_sha256_hex(req->payload, req->payload_len, hash, err);
	size_t n = strlen(req->payload_hash);
	bool ok = n > 0 && n <= 64;
	for (size_t i = 0; ok && i < n; i++) {
		char c = req->payload_hash[i];
		ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		     c == '-';
	}
	if (!ok)
		return ll_error_set(err, LL_EINVAL,
				    "the payload hash must be a hex SHA-256 or a literal such as "
				    "UNSIGNED-PAYLOAD");
	memcpy(hash, req->payload_hash, n + 1);
	return LL_OK;
}

static void format_dates(int64_t t, char amz_date[17], char date[9])
{
	int64_t days = t / 86400, secs = t % 86400, y;
	unsigned m, d;
	ll_civil_from_days(days, &y, &m, &d);
	snprintf(amz_date, 17, "%04u%02u%02uT%02u%02u%02uZ", (unsigned)y, m, d,
		 (unsigned)(secs / 3600), (unsigned)(secs / 60 % 60), (unsigned)(secs % 60));
	memcpy(date, amz_date, 8);
	date[8] = '\0';
}

/* The caller's headers plus the ones header mode adds, canonicalized. */
static ll_status build_headers(ll_sigv4_signing *s, ll_error *err)
{
	const ll_sigv4_request *req = s->req;
	ll_sigv4_pair *all = ll_arena_alloc(&s->arena, (req->nheaders + 3) * sizeof(*all));
	if (!all)
		return ll_error_oom(err);
	size_t n = 0;
	for (size_t i = 0; i < req->nheaders; i++)
		all[n++] = req->headers[i];
	if (!s->expires) {
		all[n++] = (ll_sigv4_pair){ "x-amz-date", s->out->amz_date };
		if (has_token(s->cfg) && !s->cfg->omit_session_token)
			all[n++] = (ll_sigv4_pair){ "x-amz-security-token",
						    s->cfg->credentials.session_token };
		if (s->cfg->sign_body)
			all[n++] = (ll_sigv4_pair){ "x-amz-content-sha256", s->out->payload_hash };
	}
	if (!ll_sigv4_canonical_headers(&s->canon_headers, &s->signed_headers, all, n, &s->arena))
		return ll_error_oom(err);
	return LL_OK;
}

/* The caller's query plus, when presigning, the X-Amz-* parameters that are signed. */
static ll_status build_query(ll_sigv4_signing *s, ll_error *err)
{
	const ll_sigv4_request *req = s->req;
	ll_sigv4_pair *all = ll_arena_alloc(&s->arena, (req->nquery + 6) * sizeof(*all));
	size_t credential_size = strlen(s->cfg->credentials.access_key_id) + s->scope.len + 2;
	char *credential = ll_arena_alloc(&s->arena, credential_size);
	char expires[24];
	if (!all || !credential)
		return ll_error_oom(err);
	size_t n = 0;
	for (size_t i = 0; i < req->nquery; i++)
		all[n++] = req->query[i];
	if (s->expires) {
		snprintf(credential, credential_size, "%s/%s", s->cfg->credentials.access_key_id,
			ll_buf_cstr(&s->scope));
		snprintf(expires, sizeof(expires), "%lld", (long long)s->expires);
		all[n++] = (ll_sigv4_pair){ "X-Amz-Algorithm", SIGV4_ALGORITHM };
		all[n++] = (ll_sigv4_pair){ "X-Amz-Credential", credential };
		all[n++] = (ll_sigv4_pair){ "X-Amz-Date", s->out->amz_date };
		all[n++] = (ll_sigv4_pair){ "X-Amz-Expires", expires };
		all[n++] = (ll_sigv4_pair){ "X-Amz-SignedHeaders", ll_buf_cstr(&s->signed_headers) };
		if (has_token(s->cfg) && !s->cfg->omit_session_token)
			all[n++] = (ll_sigv4_pair){ "X-Amz-Security-Token",
						    s->cfg->credentials.session_token };
	}
	if (!ll_sigv4_canonical_query(&s->out->query, all, n, &s->arena))
		return ll_error_oom(err);
	return LL_OK;
}

static ll_status build_string_to_sign(ll_sigv4_signing *s, ll_error *err)
{
	ll_sigv4_result *out = s->out;
	ll_buf *cr = &out->canonical_request;
	ll_buf_printf(cr, "%s\n", s->req->method);
	ll_sigv4_canonical_path(cr, s->req->path ? s->req->path : "", s->cfg->normalize_path,
				s->cfg->double_encode_path);
	ll_buf_printf(cr, "\n%s\n%s\n%s\n%s", ll_buf_cstr(&out->query),
		      ll_buf_cstr(&s->canon_headers), ll_buf_cstr(&s->signed_headers),
		      out->payload_hash);
	if (ll_buf_oom(cr))
		return ll_error_oom(err);
	char hash[65];
	ll_status st = ll_sigv4_sha256_hex(cr->data, cr->len, hash, err);
	if (st)
		return st;
	ll_buf_printf(&out->string_to_sign, SIGV4_ALGORITHM "\n%s\n%s\n%s", out->amz_date,
		      ll_buf_cstr(&s->scope), hash);
	return ll_buf_oom(&out->string_to_sign) ? ll_error_oom(err) : LL_OK;
}

/*
 * kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service),
 * "aws4_request"); the signature is HMAC(kSigning, string to sign). Each
 * step's key is wiped as soon as the next one exists.
 */
static ll_status compute_signature(ll_sigv4_signing *s, ll_error *err)
{
	const char *secret = s->cfg->credentials.secret_access_key;
	size_t slen = strlen(secret);
	unsigned char seed[SIGV4_MAX_SECRET + 4], k1[32], k2[32], mac[32];
	memcpy(seed, "AWS4", 4);
	memcpy(seed + 4, secret, slen);
	const ll_buf *sts = &s->out->string_to_sign;
	bool ok = hmac_sha256(seed, slen + 4, s->date, 8, k1);
	OPENSSL_cleanse(seed, slen + 4);
	ok = ok && hmac_sha256(k1, 32, s->cfg->region, strlen(s->cfg->region), k2);
	ok = ok && hmac_sha256(k2, 32, s->cfg->service, strlen(s->cfg->service), k1);
	ok = ok && hmac_sha256(k1, 32, "aws4_request", 12, k2);
	ok = ok && hmac_sha256(k2, 32, sts->data, sts->len, mac);
	OPENSSL_cleanse(k1, sizeof(k1));
	OPENSSL_cleanse(k2, sizeof(k2));
	if (!ok)
		return ll_error_set(err, LL_ENOMEM, "libcrypto could not compute HMAC-SHA256");
	hex_encode(mac, 32, s->out->signature);
	return LL_OK;
}

/* Fills what the client sends: the Authorization header or the signed query. */
static ll_status finish_result(ll_sigv4_signing *s, ll_error *err)
{
	ll_sigv4_result *out = s->out;
	const ll_sigv4_config *cfg = s->cfg;
	if (s->expires) {
		ll_buf_printf(&out->query, "&X-Amz-Signature=%s", out->signature);
		if (has_token(cfg) && cfg->omit_session_token) {
			ll_buf_puts(&out->query, "&X-Amz-Security-Token=");
			const char *tok = cfg->credentials.session_token;
			ll_sigv4_uri_encode(&out->query, tok, strlen(tok), false);
		}
		return ll_buf_oom(&out->query) ? ll_error_oom(err) : LL_OK;
	}
	ll_buf_printf(&out->authorization,
		      SIGV4_ALGORITHM " Credential=%s/%s, SignedHeaders=%s, Signature=%s",
		      cfg->credentials.access_key_id, ll_buf_cstr(&s->scope),
		      ll_buf_cstr(&s->signed_headers), out->signature);
	if (ll_buf_oom(&out->authorization))
		return ll_error_oom(err);
	out->headers[out->nheaders++] = (ll_sigv4_pair){ "X-Amz-Date", out->amz_date };
	if (has_token(cfg))
		out->headers[out->nheaders++] =
			(ll_sigv4_pair){ "X-Amz-Security-Token", cfg->credentials.session_token };
	if (cfg->sign_body)
		out->headers[out->nheaders++] =
			(ll_sigv4_pair){ "X-Amz-Content-Sha256", out->payload_hash };
	out->headers[out->nheaders++] =
		(ll_sigv4_pair){ "Authorization", ll_buf_cstr(&out->authorization) };
	return LL_OK;
}

static void reset_result(ll_sigv4_result *out)
{
	ll_buf_clear(&out->canonical_request);
	ll_buf_clear(&out->string_to_sign);
	ll_buf_clear(&out->authorization);
	ll_buf_clear(&out->query);
	out->signature[0] = out->amz_date[0] = out->payload_hash[0] = '\0';
	memset(out->headers, 0, sizeof(out->headers));
	out->nheaders = 0;
}

static ll_status sign_request(ll_sigv4_signing *s, ll_error *err)
{
	ll_status st = check_config(s->cfg, err);
	if (!st)
		st = check_request(s->req, s->cfg, s->expires > 0, err);
	if (!st)
		st = set_payload_hash(s->req, s->out->payload_hash, err);
	if (st)
		return st;
	format_dates(s->cfg->time, s->out->amz_date, s->date);
	ll_buf_printf(&s->scope, "%s/%s/%s/aws4_request", s->date, s->cfg->region,
		      s->cfg->service);
	if (ll_buf_oom(&s->scope))
		return ll_error_oom(err);
	st = build_headers(s, err);
	if (!st)
		st = build_query(s, err);
	if (!st)
		st = build_string_to_sign(s, err);
	if (!st)
		st = compute_signature(s, err);
	if (!st)
		st = finish_result(s, err);
	return st;
}

static ll_status sign(const ll_sigv4_request *req, const ll_sigv4_config *cfg, int64_t expires,
		      ll_sigv4_result *out, ll_error *err)
{
	ll_sigv4_signing s = { .req = req, .cfg = cfg, .expires = expires, .out = out };
	ll_arena_init(&s.arena, 4096);
	reset_result(out);
	ll_status st = sign_request(&s, err);
	ll_arena_free(&s.arena);
	ll_buf_free(&s.scope);
	ll_buf_free(&s.canon_headers);
	ll_buf_free(&s.signed_headers);
	if (st)
		reset_result(out);
	return st;
}

ll_status ll_sigv4_sign_headers(const ll_sigv4_request *req, const ll_sigv4_config *cfg,
				ll_sigv4_result *out, ll_error *err)
{
	return sign(req, cfg, 0, out, err);
}

ll_status ll_sigv4_presign(const ll_sigv4_request *req, const ll_sigv4_config *cfg,
			   int64_t expires, ll_sigv4_result *out, ll_error *err)
{
	if (expires < 1 || expires > LL_SIGV4_MAX_EXPIRES)
		return ll_error_set(err, LL_EINVAL,
				    "a presigned URL expires after 1 to %d seconds, not %lld",
				    LL_SIGV4_MAX_EXPIRES, (long long)expires);
	return sign(req, cfg, expires, out, err);
}

void ll_sigv4_result_free(ll_sigv4_result *res)
{
	if (!res)
		return;
	ll_buf_free(&res->canonical_request);
	ll_buf_free(&res->string_to_sign);
	ll_buf_free(&res->authorization);
	ll_buf_free(&res->query);
	res->nheaders = 0;
}
