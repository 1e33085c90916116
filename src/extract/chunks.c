/*
 * Cutting JSON record streams into pieces (see chunks.h).
 *
 * The buffer holds the start of the next piece. It is filled to the target
 * plus some slack, then searched forward from the target for a cut; the
 * search resumes where it stopped when more bytes are needed, so a long
 * record costs one pass. The piece is handed out as the buffer itself and
 * the bytes after the cut start a new buffer; the piece's bytes after the
 * cut are then zeroed, LL_CHUNK_PAD of them (every buffer has that many
 * bytes past its capacity), so a parser reads the piece where it is. Buffers
 * are mappings of their own (util/bigmem.h): pieces are freed by other
 * threads, in another order, and through malloc they would fragment its
 * heap into a resident size that grows with the input. A piece given back
 * with ll_chunker_recycle becomes a later piece's buffer: a fresh mapping
 * costs a page fault and a zeroed page every 4 KiB, which was most of the
 * reading thread's time.
 */
#include "extract/chunks.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "util/bigmem.h"

#define LOOK_BYTES (64u << 10) /* read at open to see how the input starts */
#define SLACK (64u << 10)      /* read past the target so most cuts need no second read */
#define MAX_SPARES 32          /* more than the pieces a pool has in flight */
/*
 * The first piece's target; each next one doubles it up to the chunker's.
 * At the start of an input every key is new, and a thread that meets a key
 * waits until the pieces before its own are done (normalize/pool.c): with a
 * first piece of the full size, every other thread would idle while one
 * normalizes it. Not smaller: an input that fits one piece is normalized by
 * one thread into one file per table, and a small input split among threads
 * would only make more small files.
 */
#define RAMP_FIRST (1u << 20)

struct ll_chunker {
	ll_input *in;
	size_t target;
	char *buf; /* cap + LL_CHUNK_PAD bytes allocated */
	size_t len, cap;
	size_t scanned; /* the cut search resumes here */
	bool eof;
	uint64_t index, offset;
	pthread_mutex_t spare_mu; /* spares come back from the threads that used them */
	char *spares[MAX_SPARES]; /* buffers of piece_cap() bytes and the pad */
	size_t nspares;
};

/* The size of a buffer that holds a piece of the target size. */
static size_t piece_cap(const ll_chunker *c)
{
	return c->target + SLACK;
}

/* The target of the next piece: small for the first ones (RAMP_FIRST). */
static size_t piece_target(const ll_chunker *c)
{
	size_t t = RAMP_FIRST;
	for (uint64_t i = 0; i < c->index && t < c->target; i++)
		t *= 2;
	return t < c->target ? t : c->target;
}

/* A buffer of cap bytes (and the pad) for the next piece: a spare when one fits. */
static char *new_buffer(ll_chunker *c, size_t cap)
{
	char *b = NULL;
	if (cap == piece_cap(c)) {
		pthread_mutex_lock(&c->spare_mu);
		if (c->nspares)
			b = c->spares[--c->nspares];
		pthread_mutex_unlock(&c->spare_mu);
	}
	return b ? b : ll_big_resize(NULL, 0, cap + LL_CHUNK_PAD, 0);
}

typedef enum cut_result { CUT_FOUND, CUT_MORE, CUT_NONE } cut_result;

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Reads until the buffer holds want bytes or the input ends, and not much more:
 * what a piece leaves past its cut is copied into the next one's buffer. */
static ll_status fill(ll_chunker *c, size_t want, ll_error *err)
{
	if (want > c->cap) {
		size_t cap = c->cap * 2 > want ? c->cap * 2 : want;
		char *grown = ll_big_resize(c->buf, c->cap + LL_CHUNK_PAD, cap + LL_CHUNK_PAD, c->len);
		if (!grown)
			return ll_error_oom(err);
		c->buf = grown;
		c->cap = cap;
	}
	while (c->len < want && !c->eof) {
		size_t got = 0;
		ll_status st = ll_input_read(c->in, c->buf + c->len, want - c->len, &got, err);
		if (st != LL_OK)
			return st;
		c->len += got;
		c->eof = got == 0;
	}
	return LL_OK;
}

/* The first byte of the stream that is not blank or a byte order mark; -1: none yet. */
static int first_byte(const ll_chunker *c)
{
	size_t i = c->len >= 3 && memcmp(c->buf, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
	while (i < c->len && is_blank(c->buf[i]))
		i++;
	return i < c->len ? (unsigned char)c->buf[i] : -1;
}

ll_status ll_chunker_open(ll_chunker **out, ll_input *in, size_t target, ll_error *err)
{
	*out = NULL;
	ll_chunker *c = calloc(1, sizeof(*c));
	if (!c)
		return ll_error_oom(err);
	c->in = in;
	c->target = target ? target : 1;
	pthread_mutex_init(&c->spare_mu, NULL);
	ll_status st = fill(c, LOOK_BYTES, err);
	while (st == LL_OK && first_byte(c) < 0 && !c->eof)
		st = fill(c, c->len * 2, err);
	if (st == LL_OK && first_byte(c) == '{') {
		*out = c;
		return LL_OK;
	}
	if (st == LL_OK)
		st = ll_input_unread(in, c->buf, c->len, err);
	ll_chunker_free(c);
	return st;
}

/* Looks for a cut at or after target; *cut is the first byte after it. */
static cut_result find_cut(ll_chunker *c, size_t target, size_t *cut)
{
	size_t i = c->scanned > target - 1 ? c->scanned : target - 1;
	while (i < c->len) {
		const char *nl = memchr(c->buf + i, '\n', c->len - i);
		if (!nl)
			break;
		size_t p = (size_t)(nl - c->buf), f = p + 1, b = p;
		while (f < c->len && is_blank(c->buf[f]))
			f++;
		if (f == c->len) {
			/* what follows the newline is not read yet: look again from here */
			c->scanned = p;
			return c->eof ? CUT_NONE : CUT_MORE;
		}
		while (b > 0 && is_blank(c->buf[b - 1]))
			b--;
		if (c->buf[f] == '{' && b > 0 && c->buf[b - 1] == '}') {
			*cut = p + 1;
			return CUT_FOUND;
		}
		i = p + 1;
	}
	c->scanned = c->len;
	return c->eof ? CUT_NONE : CUT_MORE;
}

/* Hands out buf[0, cut) and keeps the rest in a new buffer. */
static ll_status emit(ll_chunker *c, size_t cut, ll_chunk *out, ll_error *err)
{
	size_t rest = c->len - cut;
	size_t cap = piece_cap(c) > rest ? piece_cap(c) : rest;
	char *next = new_buffer(c, cap);
	if (!next)
		return ll_error_oom(err);
	memcpy(next, c->buf + cut, rest);
	memset(c->buf + cut, 0, LL_CHUNK_PAD);
	*out = (ll_chunk){ c->buf, cut, c->cap + LL_CHUNK_PAD, c->index++, c->offset };
	c->offset += cut;
	c->buf = next;
	c->cap = cap;
	c->len = rest;
	c->scanned = 0;
	return LL_OK;
}

ll_status ll_chunker_next(ll_chunker *c, ll_chunk *out, ll_error *err)
{
	memset(out, 0, sizeof(*out));
	size_t target = piece_target(c);
	ll_status st = fill(c, target + SLACK, err);
	if (st != LL_OK || c->len == 0)
		return st;
	size_t cut = c->len;
	for (;;) {
		cut_result r = c->len >= target ? find_cut(c, target, &cut) : c->eof ? CUT_NONE : CUT_MORE;
		if (r == CUT_FOUND)
			break;
		if (r == CUT_NONE) {
			cut = c->len;
			break;
		}
		if ((st = fill(c, c->len + c->len / 2 + SLACK, err)) != LL_OK)
			return st;
	}
	return emit(c, cut, out, err);
}

uint64_t ll_chunker_offset(const ll_chunker *c)
{
	return c->offset;
}

void ll_chunk_free(ll_chunk *c)
{
	ll_big_free(c->data, c->cap);
	c->data = NULL;
}

void ll_chunker_recycle(ll_chunker *c, ll_chunk *piece)
{
	if (piece->data && piece->cap == piece_cap(c) + LL_CHUNK_PAD) {
		pthread_mutex_lock(&c->spare_mu);
		if (c->nspares < MAX_SPARES) {
			c->spares[c->nspares++] = piece->data;
			piece->data = NULL;
		}
		pthread_mutex_unlock(&c->spare_mu);
	}
	ll_chunk_free(piece);
}

void ll_chunker_free(ll_chunker *c)
{
	if (!c)
		return;
	ll_big_free(c->buf, c->cap + LL_CHUNK_PAD);
	for (size_t i = 0; i < c->nspares; i++)
		ll_big_free(c->spares[i], piece_cap(c) + LL_CHUNK_PAD);
	pthread_mutex_destroy(&c->spare_mu);
	free(c);
}
