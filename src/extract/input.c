/*
 * ll_input: files, stdin and memory as one sequential byte source, with gzip
 * detected by its magic bytes and inflated on the fly.
 *
 * The raw side reads in fixed chunks into an owned buffer; when the stream is
 * gzip, zlib inflates from that buffer straight into the caller's buffer, so
 * no decompressed copy is ever held. Concatenated gzip members (what `cat
 * a.gz b.gz` produces) are read as one stream, as gzip(1) does.
 *
 * Inflating costs about as much as parsing what it produces, so a gzip
 * stream is inflated on a thread of its own (started at the first read)
 * into two blocks the reader takes in turn: the caller parses one block while
 * the next is inflated. A failure is reported after the bytes inflated before
 * it, as the synchronous path does; without a thread (pthread_create failed)
 * the caller inflates itself.
 */
#include "extract/input.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "util/error.h"

#define LL_INPUT_CHUNK (256 * 1024)
#define INFLATE_BLOCK (1024 * 1024)

/*
 * The inflating thread and its two blocks. Under mu: full, len, consumed_at,
 * done, status, err and stop. A block is the thread's while !full and the
 * reader's while full; the reader takes them in order, from `take`.
 */
typedef struct inflater {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv; /* a block filled or emptied, or stop */
	unsigned char *block[2];
	size_t len[2];
	uint64_t consumed_at[2]; /* compressed bytes read when block was filled */
	bool full[2];
	bool done; /* the thread filled its last block (end of data or failure) */
	bool stop; /* the reader is going away */
	ll_status status;
	ll_error err;
	int take;        /* the reader's next block */
	size_t take_pos; /* bytes of it already returned */
	uint64_t consumed; /* the reader's view of consumed, for ll_input_bytes_read */
} inflater;

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
	inflater *bg;       /* the inflating thread, once started */
	bool bg_failed;     /* it could not start: inflate on the caller's thread */
	unsigned char *back; /* bytes given back by ll_input_unread, read first */
	size_t back_len, back_pos;
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

/* Fills one block by as many inflating reads as it takes; *got < size only
 * at the end of the data or on failure. */
static ll_status fill_block(ll_input *in, unsigned char *block, size_t *got, ll_error *err)
{
	*got = 0;
	while (*got < INFLATE_BLOCK) {
		size_t n;
		ll_status st = read_gzip(in, block + *got, INFLATE_BLOCK - *got, &n, err);
		if (st)
			return st;
		if (n == 0)
			break;
		*got += n;
	}
	return LL_OK;
}

static void *inflate_main(void *arg)
{
	ll_input *in = arg;
	inflater *k = in->bg;
	for (int i = 0;; i ^= 1) {
		pthread_mutex_lock(&k->mu);
		while (k->full[i] && !k->stop)
			pthread_cond_wait(&k->cv, &k->mu);
		bool stop = k->stop;
		pthread_mutex_unlock(&k->mu);
		if (stop)
			return NULL;
		ll_error err;
		ll_error_clear(&err);
		size_t got;
		ll_status st = fill_block(in, k->block[i], &got, &err);
		pthread_mutex_lock(&k->mu);
		k->len[i] = got;
		k->consumed_at[i] = in->consumed;
		k->full[i] = got > 0;
		if (st || got < INFLATE_BLOCK) {
			k->done = true;
			k->status = st;
			k->err = err;
		}
		pthread_cond_broadcast(&k->cv);
		pthread_mutex_unlock(&k->mu);
		if (st || got < INFLATE_BLOCK)
			return NULL;
	}
}

static void inflater_free(inflater *k)
{
	free(k->block[0]);
	free(k->block[1]);
	free(k);
}

/* Starts the inflating thread; false (and nothing started) if it cannot. */
static bool inflater_start(ll_input *in)
{
	inflater *k = calloc(1, sizeof(*k));
	if (!k)
		return false;
	k->block[0] = malloc(INFLATE_BLOCK);
	k->block[1] = malloc(INFLATE_BLOCK);
	k->consumed = in->consumed;
	if (!k->block[0] || !k->block[1]) {
		inflater_free(k);
		return false;
	}
	pthread_mutex_init(&k->mu, NULL);
	pthread_cond_init(&k->cv, NULL);
	in->bg = k;
	if (pthread_create(&k->thread, NULL, inflate_main, in) != 0) {
		in->bg = NULL;
		pthread_mutex_destroy(&k->mu);
		pthread_cond_destroy(&k->cv);
		inflater_free(k);
		return false;
	}
	return true;
}

static void inflater_stop(ll_input *in)
{
	inflater *k = in->bg;
	pthread_mutex_lock(&k->mu);
	k->stop = true;
	pthread_cond_broadcast(&k->cv);
	pthread_mutex_unlock(&k->mu);
	pthread_join(k->thread, NULL);
	pthread_mutex_destroy(&k->mu);
	pthread_cond_destroy(&k->cv);
	inflater_free(k);
	in->bg = NULL;
}

/* The reader's side: bytes of the next full block, else the thread's end. */
static ll_status read_inflated(inflater *k, void *buf, size_t cap, size_t *got, ll_error *err)
{
	pthread_mutex_lock(&k->mu);
	int i = k->take;
	while (!k->full[i] && !k->done)
		pthread_cond_wait(&k->cv, &k->mu);
	ll_status st = LL_OK;
	if (k->full[i]) {
		size_t n = k->len[i] - k->take_pos;
		n = n < cap ? n : cap;
		memcpy(buf, k->block[i] + k->take_pos, n);
		*got = n;
		k->take_pos += n;
		k->consumed = k->consumed_at[i];
		if (k->take_pos == k->len[i]) {
			k->full[i] = false;
			k->take_pos = 0;
			k->take = i ^ 1;
			pthread_cond_broadcast(&k->cv);
		}
	} else if (k->status) {
		st = k->status;
		*err = k->err;
	}
	pthread_mutex_unlock(&k->mu);
	return st;
}

ll_status ll_input_read(ll_input *in, void *buf, size_t cap, size_t *got, ll_error *err)
{
	*got = 0;
	if (cap == 0)
		return LL_OK;
	if (in->back_pos < in->back_len) {
		size_t n = in->back_len - in->back_pos < cap ? in->back_len - in->back_pos : cap;
		memcpy(buf, in->back + in->back_pos, n);
		in->back_pos += n;
		*got = n;
		return LL_OK;
	}
	if (!in->gzip)
		return read_plain(in, buf, cap, got, err);
	if (!in->bg && !in->bg_failed)
		in->bg_failed = !inflater_start(in);
	if (in->bg)
		return read_inflated(in->bg, buf, cap, got, err);
	return read_gzip(in, buf, cap, got, err);
}

ll_status ll_input_unread(ll_input *in, const void *data, size_t len, ll_error *err)
{
	size_t left = in->back_len - in->back_pos;
	unsigned char *back = malloc(len + left ? len + left : 1);
	if (!back)
		return ll_error_oom(err);
	memcpy(back, data, len);
	if (left)
		memcpy(back + len, in->back + in->back_pos, left);
	free(in->back);
	in->back = back;
	in->back_len = len + left;
	in->back_pos = 0;
	return LL_OK;
}

const char *ll_input_name(const ll_input *in)
{
	return in->name;
}

uint64_t ll_input_bytes_read(const ll_input *in)
{
	if (in->bg) {
		pthread_mutex_lock(&in->bg->mu);
		uint64_t n = in->bg->consumed;
		pthread_mutex_unlock(&in->bg->mu);
		return n;
	}
	return in->consumed;
}

void ll_input_free(ll_input *in)
{
	if (!in)
		return;
	if (in->bg)
		inflater_stop(in);
	if (in->inflate_ready)
		inflateEnd(&in->zs);
	if (in->owns_fd)
		close(in->fd);
	free(in->back);
	free(in->raw);
	free(in->name);
	free(in);
}
