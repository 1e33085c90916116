/*
 * Request bodies: bytes in memory or a range of an open file, read by
 * position so parts of one file can be sent in parallel and resent from
 * the start on a retry. A file body is hashed by reading it once before it
 * is sent; the hash goes into the signature, so if the file changes in
 * between, S3 refuses the upload instead of storing bytes nobody hashed.
 */
#include "storage/s3_internal.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/base64.h"

/* How much of a file is hashed per read. */
#define BODY_HASH_CHUNK (256 * 1024)

ll_s3_body ll_s3_body_memory(const void *data, uint64_t len)
{
	ll_s3_body b = LL_S3_NO_BODY;
	b.data = data ? data : "";
	b.size = len;
	return b;
}

ll_s3_body ll_s3_body_slice(const ll_s3_body *body, uint64_t offset, uint64_t len)
{
	ll_s3_body b = *body;
	b.offset = body->offset + offset;
	b.size = len;
	b.sha256[0] = '\0';
	return b;
}

long ll_s3_body_read(const ll_s3_body *body, uint64_t pos, void *buf, size_t len, char *msg,
		     size_t msgsize)
{
	if (pos >= body->size)
		return 0;
	if (len > body->size - pos)
		len = (size_t)(body->size - pos);
	if (body->data) {
		memcpy(buf, body->data + body->offset + pos, len);
		return (long)len;
	}
	for (;;) {
		ssize_t n = pread(body->fd, buf, len, (off_t)(body->offset + pos));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			snprintf(msg, msgsize, "cannot read %s: %s", body->path, strerror(errno));
		else if (n == 0)
			snprintf(msg, msgsize, "%s became shorter while it was being uploaded",
				 body->path);
		return n > 0 ? (long)n : -1;
	}
}

static ll_status hash_file(ll_s3_body *body, EVP_MD_CTX *md, ll_error *err)
{
	unsigned char *chunk = malloc(BODY_HASH_CHUNK);
	if (!chunk)
		return ll_error_oom(err);
	char msg[256];
	ll_status st = LL_OK;
	for (uint64_t pos = 0; st == LL_OK && pos < body->size;) {
		long n = ll_s3_body_read(body, pos, chunk, BODY_HASH_CHUNK, msg, sizeof(msg));
		if (n < 0)
			st = ll_error_set(err, LL_EIO, "%s", msg);
		else if (!EVP_DigestUpdate(md, chunk, (size_t)n))
			st = ll_error_set(err, LL_ENOMEM, "libcrypto could not compute SHA-256");
		else
			pos += (uint64_t)n;
	}
	free(chunk);
	return st;
}

static void hex_encode(const unsigned char *b, size_t n, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		hex[2 * i] = digits[b[i] >> 4];
		hex[2 * i + 1] = digits[b[i] & 15];
	}
	hex[2 * n] = '\0';
}

ll_status ll_s3_body_hash(ll_s3_body *body, ll_error *err)
{
	if (body->data || body->fd < 0) {
		const char *data = body->data ? body->data + body->offset : "";
		return ll_sigv4_sha256_hex(data, (size_t)body->size, body->sha256, err);
	}
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(md);
		return ll_error_set(err, LL_ENOMEM, "libcrypto could not compute SHA-256");
	}
	ll_status st = hash_file(body, md, err);
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (st == LL_OK && (!EVP_DigestFinal_ex(md, digest, &n) || n != 32))
		st = ll_error_set(err, LL_ENOMEM, "libcrypto could not compute SHA-256");
	EVP_MD_CTX_free(md);
	if (st == LL_OK)
		hex_encode(digest, 32, body->sha256);
	return st;
}

ll_status ll_s3_content_md5(const void *data, size_t len, char out[32], ll_error *err)
{
	unsigned char digest[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	if (!EVP_Digest(data, len, digest, &n, EVP_md5(), NULL) || n != 16)
		return ll_error_set(err, LL_ENOMEM, "libcrypto could not compute MD5");
	ll_buf b64 = LL_BUF_INIT;
	ll_base64_encode(digest, 16, &b64);
	ll_status st = ll_buf_oom(&b64) ? ll_error_oom(err) : LL_OK;
	if (st == LL_OK)
		snprintf(out, 32, "%s", ll_buf_cstr(&b64));
	ll_buf_free(&b64);
	return st;
}
