/*
 * ll_input: files, stdin and memory as one sequential byte source, with gzip
 * detected by its magic bytes and inflated on the fly.
 *
 * The raw side reads in fixed chunks into an owned buffer; when the stream is
 * gzip, zlib inflates from that buffer straight into the caller's buffer, so
 * no decompressed copy is ever held. Concatenated gzip members (what `cat
 * a.gz b.gz` produces) are read as one stream, as gzip(1) does.
 */
#include "extract/input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "util/error.h"

#define LL_INPUT_CHUNK (256 * 1024)

struct ll_input {
	char *name;
	int fd;          /* -1 for memory inputs */
	bool owns_fd;
	const unsigned char *mem;
	size_t mem_len, mem_pos;
	unsigned char *raw; /* file chunk buffer */
	size_t raw_len, raw_pos;
	bool raw_eof;
	uint64_t consumed;
	bool gzip;
	bool inflate_ready;
	bool member_done; /* a gzip member ended; another may follow */
	z_stream zs;
};

static ll_status input_alloc(ll_input **out, const char *name, ll_error *err)
{
	ll_input *in = calloc(1, sizeof(*in));
	if (!in)
		return ll_error_oom(err);
	in->name = strdup(name);
	if (!in->name) {
		free(in);
		return ll_error_oom(err);
	}
	in->fd = -1;
	*out = in;
	return LL_OK;
}

/* Refills the raw buffer from the file; memory inputs need no refill. */
static ll_status raw_fill(ll_input *in, ll_error *err)
{
	if (in->fd < 0 || in->raw_eof || in->raw_pos < in->raw_len)
		return LL_OK;
	for (;;) {
		ssize_t n = read(in->fd, in->raw, LL_INPUT_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return ll_error_set(err, LL_EIO, "cannot read %s: %s", in->name, strerror(errno));
		in->raw_len = (size_t)n;
		in->raw_pos = 0;
		in->raw_eof = n == 0;
		return LL_OK;
	}
}

/* The unread raw bytes, wherever they live. */
static const unsigned char *raw_avail(ll_input *in, size_t *len)
{
	if (in->fd < 0) {
		*len = in->mem_len - in->mem_pos;
		return in->mem + in->mem_pos;
	}
	*len = in->raw_len - in->raw_pos;
	return in->raw + in->raw_pos;
}

static void raw_consume(ll_input *in, size_t n)
{
	if (in->fd < 0)
		in->mem_pos += n;
	else
		in->raw_pos += n;
	in->consumed += n;
}

/* gzip's magic is 1f 8b; with the method byte 08 (deflate) it is unambiguous
 * for JSON, whose first byte is never 0x1f. */
static ll_status detect_gzip(ll_input *in, ll_error *err)
{
	ll_status st = raw_fill(in, err);
	if (st)
		return st;
	size_t len;
	const unsigned char *p = raw_avail(in, &len);
	in->gzip = len >= 2 && p[0] == 0x1f && p[1] == 0x8b;
	if (!in->gzip)
		return LL_OK;
	/* 15 + 16: a gzip wrapper, no zlib or raw deflate. */
	if (inflateInit2(&in->zs, 15 + 16) != Z_OK)
		return ll_error_oom(err);
	in->inflate_ready = true;
	return LL_OK;
}

static ll_status finish_open(ll_input *in, ll_input **out, ll_error *err)
{
	ll_status st = detect_gzip(in, err);
	if (st) {
		ll_input_free(in);
		return st;
	}
	*out = in;
	return LL_OK;
}

ll_status ll_input_open(ll_input **out, const char *path, ll_error *err)
{
	bool is_stdin = strcmp(path, "-") == 0;
	ll_input *in = NULL;
	ll_status st = input_alloc(&in, is_stdin ? "<stdin>" : path, err);
	if (st)
		return st;
	in->raw = malloc(LL_INPUT_CHUNK);
	if (!in->raw) {
		ll_input_free(in);
		return ll_error_oom(err);
	}
	if (is_stdin) {
		in->fd = STDIN_FILENO;
	} else {
		in->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (in->fd < 0) {
			st = ll_error_set(err, errno == ENOENT ? LL_ENOTFOUND : LL_EIO,
					  "cannot open %s: %s", path, strerror(errno));
			ll_input_free(in);
			return st;
		}
		in->owns_fd = true;
#ifdef POSIX_FADV_SEQUENTIAL
		(void)posix_fadvise(in->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
	}
	return finish_open(in, out, err);
}

ll_status ll_input_open_memory(ll_input **out, const void *data, size_t len, const char *name,
			       ll_error *err)
{
	ll_input *in = NULL;
	ll_status st = input_alloc(&in, name, err);
	if (st)
		return st;
	in->mem = data;
	in->mem_len = len;
	return finish_open(in, out, err);
}

static ll_status read_plain(ll_input *in, void *buf, size_t cap, size_t *got, ll_error *err)
{
	size_t len;
	const unsigned char *p = raw_avail(in, &len);
	if (len == 0 && in->fd >= 0) {
		/* Large reads skip the chunk buffer entirely. */
		for (;;) {
			ssize_t n = read(in->fd, buf, cap);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return ll_error_set(err, LL_EIO, "cannot read %s: %s", in->name,
						    strerror(errno));
			*got = (size_t)n;
			in->consumed += (size_t)n;
			return LL_OK;
		}
	}
	size_t n = len < cap ? len : cap;
	memcpy(buf, p, n);
	raw_consume(in, n);
	*got = n;
	return LL_OK;
}

static ll_status gzip_error(ll_input *in, const char *what, ll_error *err)
{
	return ll_error_set(err, LL_EFORMAT,
			    "%s: %s (after %llu compressed bytes); the gzip stream is damaged", in->name,
			    what, (unsigned long long)in->consumed);
}

/* After a member ends: start another if more bytes follow. */
static ll_status next_member(ll_input *in, bool *more, ll_error *err)
{
	*more = false;
	ll_status st = raw_fill(in, err);
	if (st)
		return st;
	size_t len;
	const unsigned char *p = raw_avail(in, &len);
	if (len == 0)
		return LL_OK;
	if (p[0] != 0x1f)
		return gzip_error(in, "unexpected bytes after the end of the gzip data", err);
	if (inflateReset(&in->zs) != Z_OK)
		return gzip_error(in, "cannot restart decompression", err);
	in->member_done = false;
	*more = true;
	return LL_OK;
}

static ll_status read_gzip(ll_input *in, void *buf, size_t cap, size_t *got, ll_error *err)
{
	*got = 0;
	in->zs.next_out = buf;
	in->zs.avail_out = (uInt)(cap > UINT32_MAX ? UINT32_MAX : cap);
	while (in->zs.avail_out > 0) {
		if (in->member_done) {
			bool more;
			ll_status st = next_member(in, &more, err);
			if (st)
				return st;
			if (!more)
				break;
		}
		ll_status st = raw_fill(in, err);
		if (st)
			return st;
		size_t len;
		const unsigned char *p = raw_avail(in, &len);
		if (len == 0)
			return gzip_error(in, "unexpected end of compressed input", err);
		in->zs.next_in = (unsigned char *)p;
		in->zs.avail_in = (uInt)(len > UINT32_MAX ? UINT32_MAX : len);
		int zr = inflate(&in->zs, Z_NO_FLUSH);
		raw_consume(in, len - in->zs.avail_in);
		if (zr == Z_STREAM_END)
			in->member_done = true;
		else if (zr != Z_OK && zr != Z_BUF_ERROR)
			return gzip_error(in, in->zs.msg ? in->zs.msg : "corrupt data", err);
		if (zr == Z_BUF_ERROR && in->zs.avail_in > 0)
			return gzip_error(in, "corrupt data", err);
		/* Return what we have rather than block on more input. */
		if (in->zs.avail_out < cap && !in->member_done)
			break;
	}
	*got = cap - in->zs.avail_out;
	return LL_OK;
}

ll_status ll_input_read(ll_input *in, void *buf, size_t cap, size_t *got, ll_error *err)
{
	*got = 0;
	if (cap == 0)
		return LL_OK;
	if (in->gzip)
		return read_gzip(in, buf, cap, got, err);
	return read_plain(in, buf, cap, got, err);
}

const char *ll_input_name(const ll_input *in)
{
	return in->name;
}

uint64_t ll_input_bytes_read(const ll_input *in)
{
	return in->consumed;
}

void ll_input_free(ll_input *in)
{
	if (!in)
		return;
	if (in->inflate_ready)
		inflateEnd(&in->zs);
	if (in->owns_fd)
		close(in->fd);
	free(in->raw);
	free(in->name);
	free(in);
}
