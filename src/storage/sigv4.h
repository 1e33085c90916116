/*
 * AWS Signature Version 4: signing HTTP requests for S3, Glue and Athena.
 *
 * The signer is a pure function of its inputs: a request description, the
 * credentials, region, service and signing time. It reads no clock, no
 * environment and no global state, so the same inputs always give the same
 * signature; that is what lets the official AWS test suite check it byte for
 * byte. Two modes:
 *
 *   - ll_sigv4_sign_headers: the Authorization header. The result lists the
 *     headers the client must add (X-Amz-Date, X-Amz-Security-Token,
 *     X-Amz-Content-Sha256, Authorization).
 *   - ll_sigv4_presign: a presigned URL. The result's query string carries
 *     the X-Amz-* parameters and X-Amz-Signature.
 *
 * The canonical request follows the AWS documentation: header names
 * lowercased, values trimmed with inner runs of white space (including folded
 * continuation lines) collapsed to one space, repeated headers joined with ","
 * in the order given, signed headers sorted; query parameters URI-encoded
 * with the RFC 3986 unreserved set and sorted by encoded name, then encoded
 * value; an empty path signs as "/".
 *
 * Every header the caller passes is signed, so pass only headers that reach
 * the server unchanged (host, content-type, content-md5, x-amz-*), not ones a
 * proxy or libcurl may rewrite (user-agent, expect, transfer-encoding).
 *
 * Secrets: the secret access key, the session token and the derived signing
 * key never appear in an error message, and the signing key is wiped from
 * memory after use. The session token does appear, as it must, in the
 * headers or query string the client sends.
 */
#ifndef LL_STORAGE_SIGV4_H
#define LL_STORAGE_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/** The payload hash S3 accepts when the body is not hashed (HTTPS only). */
#define LL_SIGV4_UNSIGNED_PAYLOAD "UNSIGNED-PAYLOAD"

/** Longest X-Amz-Expires AWS accepts for a presigned URL: seven days. */
#define LL_SIGV4_MAX_EXPIRES 604800

/** A header or a query parameter. Both strings are borrowed. */
typedef struct ll_sigv4_pair {
	const char *name;
	const char *value;
} ll_sigv4_pair;

typedef struct ll_sigv4_credentials {
	const char *access_key_id;
	const char *secret_access_key;
	const char *session_token; /**< NULL or "": long-term credentials */
} ll_sigv4_credentials;

/** Everything a signature depends on besides the request. */
typedef struct ll_sigv4_config {
	ll_sigv4_credentials credentials;
	const char *region;  /**< "us-east-1" */
	const char *service; /**< "s3", "glue", "athena" */
	int64_t time;        /**< signing time, seconds since the epoch (UTC) */
	/**
	 * Remove "." and ".." segments and empty segments from the path before
	 * signing, as most services expect. S3 keys may legitimately contain
	 * "//" or "..", so S3 must leave this false.
	 */
	bool normalize_path;
	/**
	 * Encode the path as sent once more, so "%20" signs as "%2520", as
	 * services other than S3 expect. false (S3): the path as sent is
	 * already encoded and signs as it is, so an object key is encoded once,
	 * never twice: "%XX" escapes are kept (hex uppercased) and only bytes
	 * the client left unencoded are encoded.
	 */
	bool double_encode_path;
	/** Sign and send X-Amz-Content-Sha256 (S3 requires it). Header mode only. */
	bool sign_body;
	/**
	 * Leave the session token out of the signature and add it afterwards,
	 * for services that expect the token unsigned.
	 */
	bool omit_session_token;
} ll_sigv4_config;

/** The request to sign. Everything is borrowed for the call. */
typedef struct ll_sigv4_request {
	const char *method; /**< "GET", "PUT", ... */
	/**
	 * The path as the client sends it, starting with "/" ("" means "/"),
	 * without the query string. For S3 build it with ll_sigv4_uri_encode
	 * (keep_slash true) from the bucket and key.
	 */
	const char *path;
	/**
	 * Query parameters, decoded (not URI-encoded); the signer encodes them.
	 * A NULL value is an empty one ("?uploads" signs as "uploads=").
	 */
	const ll_sigv4_pair *query;
	size_t nquery;
	/**
	 * Headers as sent; names in any case, repeats allowed; a value may hold
	 * folded continuation lines (they sign as one space). Must include
	 * Host. In header mode must not include the headers the signer adds:
	 * Authorization, X-Amz-Date, and X-Amz-Security-Token or
	 * X-Amz-Content-Sha256 when the config makes the signer add them.
	 */
	const ll_sigv4_pair *headers;
	size_t nheaders;
	/**
	 * Hex SHA-256 of the body, or a literal such as
	 * LL_SIGV4_UNSIGNED_PAYLOAD. NULL: the signer hashes payload.
	 */
	const char *payload_hash;
	const void *payload;
	size_t payload_len;
} ll_sigv4_request;

/**
 * What signing produced. Start from LL_SIGV4_RESULT_INIT (or zeroed memory);
 * signing again into the same result replaces its contents. Release it with
 * ll_sigv4_result_free. Header values borrow from the result, except the
 * session token, which borrows from the config's credentials.
 */
typedef struct ll_sigv4_result {
	ll_buf canonical_request;
	ll_buf string_to_sign;
	char signature[65];     /**< lowercase hex */
	char amz_date[17];      /**< "20150830T123600Z" */
	char payload_hash[65];  /**< as signed */
	/** Header mode: the Authorization header value; empty when presigning. */
	ll_buf authorization;
	/**
	 * The query string to send, without "?": the request's parameters
	 * encoded and sorted, and when presigning the X-Amz-* parameters and
	 * X-Amz-Signature. Empty when there are none.
	 */
	ll_buf query;
	/** Headers the client adds to the request (header mode only). */
	ll_sigv4_pair headers[4];
	size_t nheaders;
} ll_sigv4_result;

#define LL_SIGV4_RESULT_INIT { LL_BUF_INIT, LL_BUF_INIT, "", "", "", LL_BUF_INIT, LL_BUF_INIT, { { 0 } }, 0 }

/**
 * Signs req for the Authorization header. Fails with LL_EINVAL (a malformed
 * request, missing credentials, a bad region or service), LL_ENOMEM.
 */
ll_status ll_sigv4_sign_headers(const ll_sigv4_request *req, const ll_sigv4_config *cfg,
				ll_sigv4_result *out, ll_error *err);

/**
 * Signs req as a presigned URL valid for expires seconds (1 to
 * LL_SIGV4_MAX_EXPIRES) from cfg->time. For S3, pass
 * LL_SIGV4_UNSIGNED_PAYLOAD as the payload hash.
 */
ll_status ll_sigv4_presign(const ll_sigv4_request *req, const ll_sigv4_config *cfg,
			   int64_t expires, ll_sigv4_result *out, ll_error *err);

void ll_sigv4_result_free(ll_sigv4_result *res);

/**
 * Appends s URI-encoded as SigV4 requires: every byte except the RFC 3986
 * unreserved characters (A-Z a-z 0-9 - . _ ~) becomes %XX with uppercase hex;
 * "/" is kept when keep_slash is true (paths) and encoded otherwise (query
 * names and values, S3 copy sources).
 */
void ll_sigv4_uri_encode(ll_buf *out, const char *s, size_t len, bool keep_slash);

/**
 * Writes the lowercase hex SHA-256 of data and a NUL into hex, e.g. for a
 * body the client hashes before signing. Fails (LL_ENOMEM) only when
 * libcrypto cannot compute a digest.
 */
ll_status ll_sigv4_sha256_hex(const void *data, size_t len, char hex[65], ll_error *err);

#endif
