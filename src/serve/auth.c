/*
 * SigV4 verification: the signature a request carries is recomputed with
 * the same canonical request code the clients sign with (storage/sigv4.h),
 * over the headers the request says it signed and its body, with the secret
 * of the access key it names. Unknown key -> UnrecognizedClientException,
 * anything that does not match -> InvalidSignatureException; both HTTP 400
 * as Glue and Athena answer them. As AWS does, a request signed more than
 * 15 minutes from the server's clock is refused, so a captured request
 * cannot be replayed later. Messages never hold a secret.
 */
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "serve/serve_internal.h"
#include "storage/sigv4.h"
#include "util/time.h"

#define MAX_SIGNED 32
/* How far a request's X-Amz-Date may be from the server's clock, as AWS allows. */
#define MAX_SKEW_SECONDS (15 * 60)

typedef struct authorization {
	char key_id[128], date[16], region[64], service[32];
	char signed_headers[1024];
	char signature[72];
} authorization;

/* Copies the value of "name=" up to a ',' or the end from auth into out. */
static bool auth_field(const char *auth, const char *name, char *out, size_t size)
{
	const char *p = strstr(auth, name);
	if (!p)
		return false;
	p += strlen(name);
	size_t len = strcspn(p, ", ");
	if (len == 0 || len >= size)
		return false;
	memcpy(out, p, len);
	out[len] = '\0';
	return true;
}

/* "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/glue/aws4_request, SignedHeaders=..., Signature=..." */
static bool parse_authorization(const char *header, authorization *a)
{
	static const char algo[] = "AWS4-HMAC-SHA256 ";
	if (!header || strncmp(header, algo, sizeof(algo) - 1) != 0)
		return false;
	char credential[512];
	if (!auth_field(header, "Credential=", credential, sizeof(credential)) ||
	    !auth_field(header, "SignedHeaders=", a->signed_headers, sizeof(a->signed_headers)) ||
	    !auth_field(header, "Signature=", a->signature, sizeof(a->signature)))
		return false;
	char *parts[5];
	size_t n = 0;
	for (char *save = NULL, *t = strtok_r(credential, "/", &save); t && n < 5;
	     t = strtok_r(NULL, "/", &save))
		parts[n++] = t;
	if (n != 5 || strcmp(parts[4], "aws4_request") != 0 || strlen(parts[0]) >= sizeof(a->key_id) ||
	    strlen(parts[1]) != 8 || strlen(parts[2]) >= sizeof(a->region) ||
	    strlen(parts[3]) >= sizeof(a->service))
		return false;
	strcpy(a->key_id, parts[0]);
	strcpy(a->date, parts[1]);
	strcpy(a->region, parts[2]);
	strcpy(a->service, parts[3]);
	return true;
}

/* "20150830T123600Z" -> seconds since the epoch; false when malformed. */
static bool parse_amz_date(const char *s, int64_t *out)
{
	unsigned y, mo, d, h, mi, se;
	if (!s || strlen(s) != 16 || s[8] != 'T' || s[15] != 'Z' ||
	    sscanf(s, "%4u%2u%2uT%2u%2u%2uZ", &y, &mo, &d, &h, &mi, &se) != 6 || mo < 1 || mo > 12 ||
	    d < 1 || d > 31 || h > 23 || mi > 59 || se > 60)
		return false;
	*out = ll_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return true;
}

static const serve_key *find_key(const ll_serve *s, const char *id)
{
	for (size_t i = 0; i < s->nkeys; i++)
		if (strcmp(s->keys[i].access_key_id, id) == 0)
			return &s->keys[i];
	return NULL;
}

/* The signed headers with the values the request carries; x-amz-date is the signer's own. */
static bool collect_headers(const serve_request *req, char *names, ll_sigv4_pair *h, size_t *n)
{
	*n = 0;
	bool host = false;
	for (char *save = NULL, *t = strtok_r(names, ";", &save); t; t = strtok_r(NULL, ";", &save)) {
		if (strcasecmp(t, "x-amz-date") == 0)
			continue;
		const char *v = req->get_header(req->ctx, t);
		if (!v || *n >= MAX_SIGNED)
			return false;
		host = host || strcasecmp(t, "host") == 0;
		h[(*n)++] = (ll_sigv4_pair){ t, v };
	}
	return host;
}

static bool signature_matches(const serve_request *req, const authorization *a,
			      const serve_key *key, int64_t time)
{
	char names[sizeof(a->signed_headers)];
	memcpy(names, a->signed_headers, sizeof(names));
	ll_sigv4_pair headers[MAX_SIGNED];
	size_t nheaders;
	if (!collect_headers(req, names, headers, &nheaders))
		return false;
	ll_sigv4_request sr = { .method = req->method, .path = req->path, .headers = headers,
				.nheaders = nheaders, .payload = req->body,
				.payload_len = req->body_len };
	ll_sigv4_config cfg = { .credentials = { key->access_key_id, key->secret_access_key, NULL },
				.region = a->region, .service = a->service, .time = time,
				.normalize_path = true, .double_encode_path = true };
	ll_sigv4_result res = LL_SIGV4_RESULT_INIT;
	ll_error err;
	bool ok = ll_sigv4_sign_headers(&sr, &cfg, &res, &err) == LL_OK &&
		  strlen(a->signature) == 64 && CRYPTO_memcmp(res.signature, a->signature, 64) == 0;
	ll_sigv4_result_free(&res);
	return ok;
}

bool serve_verify_signature(const ll_serve *s, const serve_request *req, serve_reply *r)
{
	authorization a;
	const char *header = req->get_header(req->ctx, "Authorization");
	if (!header) {
		serve_error(r, 400, "MissingAuthenticationTokenException",
			    "Missing Authentication Token: sign the request with SigV4");
		return false;
	}
	if (!parse_authorization(header, &a)) {
		serve_error(r, 400, "IncompleteSignatureException",
			    "Authorization header is not a SigV4 header (AWS4-HMAC-SHA256 "
			    "Credential=..., SignedHeaders=..., Signature=...)");
		return false;
	}
	const serve_key *key = find_key(s, a.key_id);
	if (!key) {
		serve_error(r, 400, "UnrecognizedClientException",
			    "The security token included in the request is invalid.");
		return false;
	}
	const char *amz_date = req->get_header(req->ctx, "X-Amz-Date");
	int64_t time;
	int64_t now = ll_time_now_micros() / 1000000;
	if (parse_amz_date(amz_date, &time) && (time > now + MAX_SKEW_SECONDS ||
						 time < now - MAX_SKEW_SECONDS)) {
		serve_error(r, 400, "InvalidSignatureException",
			    "Signature expired: %s is more than 15 minutes from the server's time",
			    amz_date);
		return false;
	}
	if (!parse_amz_date(amz_date, &time) || strncmp(amz_date, a.date, 8) != 0 ||
	    !signature_matches(req, &a, key, time)) {
		serve_error(r, 400, "InvalidSignatureException",
			    "The request signature we calculated does not match the signature you "
			    "provided. Check your AWS Secret Access Key and signing method.");
		return false;
	}
	return true;
}
