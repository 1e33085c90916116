/*
 * ll_normalize_pool: one input of JSON objects normalized on several
 * threads, with the result one normalizer would give (see normalize.h).
 *
 * The calling thread cuts the input into pieces at record boundaries
 * (extract/chunks.h) and queues them; each thread takes the next piece and
 * normalizes it with its own normalizer and its own copy of the schema, into
 * its own job files. A record's root `_dlt_id` derives from its byte offset
 * in the pool's input stream (all inputs pushed, one after another), so it
 * depends neither on the thread that takes it nor on where the input was
 * cut. The schema is kept exact by the protocol of ll_normalize_sync: a
 * thread that needs to change the schema (or give a key a column) waits
 * until every earlier piece is done, takes the schema as those pieces left
 * it, and changes it in input order; when its piece ends it publishes the
 * schema for the pieces after it. Pieces that change nothing, nearly all once
 * the first ones have seen the input's keys, never wait. Which key owns which
 * column is kept for the pool's life (the claims below), so two spellings
 * of one column collide as they do in one normalizer.
 *
 * The first failure in input order wins: pieces after a failed one are
 * dropped, pieces before it still finish, so the error reported is the one
 * a single normalizer would have met first, with its file, line and column.
 *
 * A piece does not know the line it starts on (the reading thread does not
 * count lines, extract/chunks.h): its thread numbers its lines from 1, and
 * counts them as it reads. Lines stay relative to their piece (in errors,
 * in the nulls below) until an error leaves the pool: by then every piece
 * before the failed one is done, and their counts make its lines absolute.
 */
#include "normalize/pool.h"

#include "normalize/normalize_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "extract/chunks.h"
#include "json/json.h"
#include "util/bigmem.h"
#include "util/hash.h"
#include "util/parallel.h"
#include "util/thread.h"

/* A null of a key for a column nobody owned yet, the first in its piece. */
typedef struct null_use {
	char *path;
	char *source;
	uint64_t piece, line, column; /* line: within the piece */
} null_use;

/*
 * What the load knows of a table or column ("table\x1fcolumn"): the key path
 * that took it and in which piece (path NULL: none yet), and the nulls of
 * other keys for it while nobody had taken it.
 */
typedef struct claim {
	char *name;
	char *path;
	uint64_t piece;
	null_use *nulls;
	size_t nnulls;
} claim;

struct ll_normalize_pool {
	ll_normalize_pool_options opt;
	ll_normalizer *first; /* the caller's: thread 0, over the load's schema */
	ll_normalizer **norms; /* threads 1..; norms[i] normalizes into schemas[i] */
	ll_schema **schemas;
	size_t n;
	uint64_t stream_bytes; /* of the inputs pushed so far */
	uint64_t pieces;       /* of the inputs pushed so far: claims number pieces across inputs */
	claim *claims; /* open addressing */
	size_t nclaims, claims_cap;
};

typedef struct run run;

/* What the pool keeps of a piece once its thread is through with it. */
typedef struct piece_end {
	bool done;         /* normalized, its schema published */
	uint64_t newlines; /* in the piece, once done */
} piece_end;

typedef struct worker {
	run *r;
	ll_normalizer *n;
	ll_schema *schema;
	ll_normalize_sync sync;
	pthread_t thread;
	uint64_t piece;  /* the piece being normalized */
	bool synced;     /* it took its turn in this piece */
	bool cancelled;  /* an earlier piece failed while it waited */
	uint64_t records;
	ll_arena arena;
	ll_json_reader *reader; /* restarted on each piece, read in place */
} worker;

struct run {
	ll_normalize_pool *pool;
	ll_chunker *chunker; /* takes the pieces back */
	const char *source;
	uint64_t base;       /* the input's offset in the load's stream */
	uint64_t piece_base; /* its first piece's number in the pool */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	ll_chunk *queue; /* ring of queued pieces */
	size_t qcap, qhead, qlen;
	bool input_done;
	bool last;           /* the load's last input: no record follows it */
	uint64_t committed;  /* pieces before this are done and published */
	piece_end *ends;     /* per piece */
	size_t ends_cap;
	uint64_t failed;     /* the first failed piece (failure's); UINT64_MAX: none */
	ll_error failure;
	uint64_t records;
	uint64_t pieces;     /* queued so far */
	ll_schema *global;   /* the schema as the committed pieces leave it */
};

/* ---- claims ---- */

static bool claims_grow(ll_normalize_pool *t)
{
	size_t cap = t->claims_cap ? t->claims_cap * 2 : 256;
	claim *c = calloc(cap, sizeof(*c));
	if (!c)
		return false;
	for (size_t i = 0; i < t->claims_cap; i++) {
		if (!t->claims[i].name)
			continue;
		size_t slot = ll_hash64(t->claims[i].name, strlen(t->claims[i].name), 0) & (cap - 1);
		while (c[slot].name)
			slot = (slot + 1) & (cap - 1);
		c[slot] = t->claims[i];
	}
	free(t->claims);
	t->claims = c;
	t->claims_cap = cap;
	return true;
}

/* The entry of a table or column, made when missing. */
static ll_status claim_entry(ll_normalize_pool *t, const char *table, const char *column,
			     claim **out, ll_error *err)
{
	char name[1024];
	int len = snprintf(name, sizeof(name), "%s\x1f%s", table, column ? column : "");
	if (len < 0 || (size_t)len >= sizeof(name))
		return ll_error_set(err, LL_ESCHEMA, "table %s: name too long", table);
	if ((t->nclaims + 1) * 2 > t->claims_cap && !claims_grow(t))
		return ll_error_oom(err);
	size_t slot = ll_hash64(name, (size_t)len, 0) & (t->claims_cap - 1);
	for (; t->claims[slot].name; slot = (slot + 1) & (t->claims_cap - 1)) {
		if (strcmp(t->claims[slot].name, name) == 0) {
			*out = &t->claims[slot];
			return LL_OK;
		}
	}
	if (!(t->claims[slot].name = strdup(name)))
		return ll_error_oom(err);
	t->nclaims++;
	*out = &t->claims[slot];
	return LL_OK;
}

static void claims_free(ll_normalize_pool *t)
{
	for (size_t i = 0; i < t->claims_cap; i++) {
		claim *c = &t->claims[i];
		for (size_t k = 0; k < c->nnulls; k++) {
			free(c->nulls[k].path);
			free(c->nulls[k].source);
		}
		free(c->nulls);
		free(c->name);
		free(c->path);
	}
	free(t->claims);
}

static void record_failure(run *r, uint64_t piece, const ll_error *err);

/* ---- the turn of a piece ---- */

static bool piece_waits(const run *r, uint64_t piece)
{
	return r->committed < piece && r->failed > piece;
}

static ll_status acquire(void *user, ll_normalizer *n, ll_error *err)
{
	worker *w = user;
	run *r = w->r;
	pthread_mutex_lock(&r->mu);
	while (piece_waits(r, w->piece))
		pthread_cond_wait(&r->cv, &r->mu);
	ll_status st;
	if (r->failed < w->piece) {
		w->cancelled = true;
		st = ll_error_set(err, LL_EINVAL, "an earlier piece of the input failed");
	} else {
		st = ll_normalizer_adopt(n, r->global, err);
		w->synced = st == LL_OK;
	}
	pthread_mutex_unlock(&r->mu);
	return st;
}

/* The nulls of other keys recorded after the piece that now takes c fail where they are. */
static void fail_later_nulls(run *r, const claim *c, const char *table, const char *column)
{
	for (size_t i = 0; i < c->nnulls; i++) {
		const null_use *u = &c->nulls[i];
		if (u->piece <= c->piece || u->piece < r->piece_base || strcmp(u->path, c->path) == 0)
			continue;
		ll_error e;
		ll_error_clear(&e);
		ll_norm_collision(&e, u->source, u->line, u->column, c->path, u->path, table, column);
		record_failure(r, u->piece - r->piece_base, &e);
	}
}

static ll_status claim_cb(void *user, const char *table, const char *column, const char *path,
			  const char **owner, ll_error *err)
{
	worker *w = user;
	run *r = w->r;
	*owner = NULL;
	pthread_mutex_lock(&r->mu);
	claim *c = NULL;
	ll_status st = claim_entry(r->pool, table, column, &c, err);
	if (st == LL_OK && c->path) {
		*owner = c->path;
	} else if (st == LL_OK) {
		c->path = strdup(path);
		c->piece = r->piece_base + w->piece;
		if (!c->path)
			st = ll_error_oom(err);
		else
			fail_later_nulls(r, c, table, column);
	}
	pthread_mutex_unlock(&r->mu);
	return st;
}

static ll_status null_use_cb(void *user, const char *table, const char *column, const char *path,
			     const char *source, uint64_t line, uint64_t col, const char **owner,
			     ll_error *err)
{
	worker *w = user;
	run *r = w->r;
	uint64_t piece = r->piece_base + w->piece;
	*owner = NULL;
	pthread_mutex_lock(&r->mu);
	claim *c = NULL;
	ll_status st = claim_entry(r->pool, table, column, &c, err);
	if (st == LL_OK && c->path && c->piece < piece) {
		*owner = c->path;
	} else if (st == LL_OK) {
		null_use *grown = realloc(c->nulls, (c->nnulls + 1) * sizeof(*grown));
		null_use u = { strdup(path), strdup(source ? source : ""), piece, line, col };
		if (grown)
			c->nulls = grown;
		if (!grown || !u.path || !u.source) {
			free(u.path);
			free(u.source);
			st = ll_error_oom(err);
		} else {
			c->nulls[c->nnulls++] = u;
		}
	}
	pthread_mutex_unlock(&r->mu);
	return st;
}

/* ---- the queue ---- */

static bool take_piece(run *r, ll_chunk *c)
{
	pthread_mutex_lock(&r->mu);
	while (r->qlen == 0 && !r->input_done)
		pthread_cond_wait(&r->cv, &r->mu);
	bool got = r->qlen > 0;
	if (got) {
		*c = r->queue[r->qhead];
		r->qhead = (r->qhead + 1) % r->qcap;
		r->qlen--;
		pthread_cond_broadcast(&r->cv);
	}
	pthread_mutex_unlock(&r->mu);
	return got;
}

/* Queues a piece, waiting for room; false (piece freed) once a piece failed. */
static bool put_piece(run *r, ll_chunk *c)
{
	pthread_mutex_lock(&r->mu);
	while (r->qlen == r->qcap && r->failed == UINT64_MAX)
		pthread_cond_wait(&r->cv, &r->mu);
	bool ok = r->failed == UINT64_MAX;
	if (ok) {
		r->queue[(r->qhead + r->qlen) % r->qcap] = *c;
		r->qlen++;
		pthread_cond_broadcast(&r->cv);
	}
	pthread_mutex_unlock(&r->mu);
	if (!ok)
		ll_chunker_recycle(r->chunker, c);
	return ok;
}

/* Under r->mu: the first failure in input order (piece, then line and column) is the one kept. */
static void record_failure(run *r, uint64_t piece, const ll_error *err)
{
	if (piece < r->failed ||
	    (piece == r->failed && (err->line < r->failure.line ||
				    (err->line == r->failure.line && err->column < r->failure.column)))) {
		r->failed = piece;
		r->failure = *err;
	}
	pthread_cond_broadcast(&r->cv);
}

static ll_status mark_done(run *r, uint64_t piece, uint64_t newlines, ll_error *err)
{
	if (piece >= r->ends_cap) {
		size_t cap = r->ends_cap ? r->ends_cap * 2 : 64;
		while (cap <= piece)
			cap *= 2;
		piece_end *e = realloc(r->ends, cap * sizeof(*e));
		if (!e)
			return ll_error_oom(err);
		memset(e + r->ends_cap, 0, (cap - r->ends_cap) * sizeof(*e));
		r->ends = e;
		r->ends_cap = cap;
	}
	r->ends[piece] = (piece_end){ true, newlines };
	while (r->committed < r->ends_cap && r->ends[r->committed].done)
		r->committed++;
	return LL_OK;
}

/*
 * Makes the line of a failure in a piece a line of the input, once the run
 * is over: every piece before a failed one is done (later pieces are the
 * only ones dropped or cancelled), so their newlines are all counted. A
 * failure with no line (I/O, memory) or of no piece (UINT64_MAX - 1) stays.
 */
static void locate_failure(run *r)
{
	if (r->failed >= r->pieces || r->failure.line == 0)
		return;
	for (uint64_t i = 0; i < r->failed; i++)
		r->failure.line += r->ends[i].newlines;
}

/* ---- the threads ---- */

/*
 * Reads up to LL_NORM_BATCH records of the piece into the batch, with their
 * places. Stops early at the piece's end (*count < LL_NORM_BATCH) or at a
 * malformed record (its error in err; the records before it are in the batch).
 */
static ll_status read_batch(worker *w, const ll_chunk *c, ll_norm_record *batch, size_t *count,
			    ll_error *err)
{
	run *r = w->r;
	*count = 0;
	ll_json_reader_release(w->reader);
	ll_arena_reset(&w->arena);
	while (*count < LL_NORM_BATCH) {
		const ll_json_value *record = NULL;
		ll_status st = ll_json_reader_next(w->reader, &w->arena, &record, err);
		if (st != LL_OK || !record)
			return st;
		ll_norm_record *b = &batch[(*count)++];
		b->value = record;
		ll_json_reader_record_position(w->reader, &b->line, &b->column);
		b->ordinal = r->base + c->offset + ll_json_reader_record_offset(w->reader);
	}
	return LL_OK;
}

static uint64_t count_newlines(const char *p, size_t len)
{
	uint64_t n = 0;
	for (const char *end = p + len; (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		n++;
	return n;
}

/*
 * A piece's records, pushed LL_NORM_BATCH at a time (the normalizer hashes
 * a batch's child ids together). The records before a malformed one are
 * pushed, and a failure among them is the one reported, as one by one.
 * Lines are numbered from the piece's first; once the piece is read to its
 * end, *newlines is how many it holds: the reader counted those before the
 * last record's start, and only the bytes from there on are searched.
 */
static ll_status normalize_piece(worker *w, const ll_chunk *c, uint64_t *newlines, ll_error *err)
{
	ll_json_reader_restart(w->reader, c->data, c->len, w->r->source, 1);
	uint64_t last_line = 1, last_start = 0; /* of the last record read, within the piece */
	for (;;) {
		ll_norm_record batch[LL_NORM_BATCH];
		size_t count;
		ll_status read = read_batch(w, c, batch, &count, err);
		ll_error read_err;
		if (read != LL_OK) {
			read_err = *err;
			ll_error_clear(err);
		}
		ll_status st = count ? ll_normalizer_push_batch(w->n, batch, count, w->r->source, err)
				     : LL_OK;
		w->records += count;
		if (st != LL_OK)
			return st;
		if (read != LL_OK) {
			*err = read_err;
			return read;
		}
		if (count) {
			last_line = batch[count - 1].line;
			last_start = batch[count - 1].ordinal - w->r->base - c->offset;
		}
		if (count < LL_NORM_BATCH) {
			*newlines = last_line - 1 + count_newlines(c->data + last_start, c->len - last_start);
			return LL_OK;
		}
	}
}

static void finish_piece(worker *w, uint64_t piece, uint64_t newlines, ll_status st, ll_error *err)
{
	run *r = w->r;
	pthread_mutex_lock(&r->mu);
	/* a thread that took its turn changed the schema in input order: the later pieces get it */
	if (st == LL_OK && w->synced)
		st = ll_schema_adopt(r->global, w->schema, err);
	if (st == LL_OK)
		st = mark_done(r, piece, newlines, err);
	if (st != LL_OK && !w->cancelled)
		record_failure(r, piece, err);
	r->records += w->records;
	w->records = 0;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

/*
 * A thread with no piece left of the load's last input hands its
 * normalizer's row groups to their writers while the other threads finish
 * their pieces, rather than after them all (ll_normalize_pool_finish). Its
 * failure ranks after every record's.
 */
static void flush_early(worker *w)
{
	run *r = w->r;
	pthread_mutex_lock(&r->mu);
	bool go = r->last && r->failed == UINT64_MAX;
	pthread_mutex_unlock(&r->mu);
	if (!go)
		return;
	ll_error err;
	ll_error_clear(&err);
	if (ll_normalizer_flush(w->n, &err) == LL_OK)
		return;
	pthread_mutex_lock(&r->mu);
	record_failure(r, UINT64_MAX - 1, &err);
	pthread_mutex_unlock(&r->mu);
}

static void *worker_main(void *arg)
{
	worker *w = arg;
	run *r = w->r;
	ll_chunk c;
	while (take_piece(r, &c)) {
		pthread_mutex_lock(&r->mu);
		bool dropped = c.index > r->failed;
		pthread_mutex_unlock(&r->mu);
		if (dropped) {
			ll_chunker_recycle(r->chunker, &c);
			continue;
		}
		ll_error err;
		ll_error_clear(&err);
		w->piece = c.index;
		w->synced = w->cancelled = false;
		ll_normalizer_begin_piece(w->n);
		uint64_t newlines = 0;
		ll_status st = normalize_piece(w, &c, &newlines, &err);
		ll_chunker_recycle(r->chunker, &c);
		finish_piece(w, c.index, newlines, st, &err);
	}
	flush_early(w);
	return NULL;
}

/* ---- setting up ---- */

ll_status ll_normalize_pool_open(ll_normalize_pool **out, ll_normalizer *first,
				 const ll_normalize_pool_options *opt, ll_error *err)
{
	*out = NULL;
	if (!first || !opt || !opt->open || opt->threads < 1)
		return ll_error_set(err, LL_EINVAL, "normalize pool: a normalizer, an open function and "
				    "at least one thread are required");
	ll_normalize_pool *t = calloc(1, sizeof(*t));
	size_t n = opt->threads - 1;
	if (!t || !(t->norms = calloc(n ? n : 1, sizeof(*t->norms))) ||
	    !(t->schemas = calloc(n ? n : 1, sizeof(*t->schemas)))) {
		ll_normalize_pool_free(t);
		return ll_error_oom(err);
	}
	t->opt = *opt;
	t->first = first;
	*out = t;
	return LL_OK;
}

/* The normalizers of threads 1.., opened at the first input that is cut. */
static ll_status pool_start(ll_normalize_pool *t, ll_error *err)
{
	ll_status st = LL_OK;
	for (; t->n < t->opt.threads - 1 && st == LL_OK; t->n++) {
		st = ll_schema_clone(t->first->schema, &t->schemas[t->n], err);
		if (st == LL_OK)
			st = t->opt.open(t->opt.open_user, t->schemas[t->n], (uint32_t)t->n + 1,
					 &t->norms[t->n], err);
	}
	return st;
}

static void run_free(run *r, worker *w, size_t nw)
{
	for (size_t i = 0; i < nw; i++) {
		ll_normalizer_set_sync(w[i].n, NULL);
		ll_arena_free(&w[i].arena);
		ll_json_reader_free(w[i].reader);
	}
	for (size_t i = 0; i < r->qlen; i++)
		ll_chunk_free(&r->queue[(r->qhead + i) % r->qcap]);
	free(r->queue);
	free(r->ends);
	ll_schema_free(r->global);
	pthread_mutex_destroy(&r->mu);
	pthread_cond_destroy(&r->cv);
}

static void workers_setup(run *r, worker *w, size_t nw)
{
	ll_normalize_pool *t = r->pool;
	for (size_t i = 0; i < nw; i++) {
		w[i].r = r;
		w[i].n = i == 0 ? t->first : t->norms[i - 1];
		w[i].schema = i == 0 ? t->first->schema : t->schemas[i - 1];
		w[i].sync = (ll_normalize_sync){ &w[i], acquire, claim_cb, null_use_cb };
		ll_arena_init(&w[i].arena, 0);
		ll_normalizer_set_sync(w[i].n, &w[i].sync);
	}
}

/* Each thread reads its pieces where the chunker left them, with one reader. */
static ll_status readers_open(worker *w, size_t nw, ll_error *err)
{
	_Static_assert(LL_CHUNK_PAD >= LL_JSON_READER_PAD, "pieces are parsed in place");
	ll_status st = LL_OK;
	for (size_t i = 0; i < nw && st == LL_OK; i++) {
		st = ll_json_reader_open_memory(&w[i].reader, err);
		/* a batch's records are read before they are normalized (read_batch) */
		if (st == LL_OK)
			ll_json_reader_keep(w[i].reader);
	}
	return st;
}

/* Cuts the input and queues its pieces until the end or a failure. */
static void feed(run *r, ll_chunker *ck)
{
	const ll_normalize_pool_options *opt = &r->pool->opt;
	for (;;) {
		ll_chunk c;
		ll_error err;
		ll_error_clear(&err);
		ll_status st = ll_chunker_next(ck, &c, &err);
		if (st != LL_OK) {
			pthread_mutex_lock(&r->mu);
			record_failure(r, UINT64_MAX - 1, &err);
			pthread_mutex_unlock(&r->mu);
			return;
		}
		if (!c.data)
			return;
		r->pieces = c.index + 1;
		if (!put_piece(r, &c))
			return;
		pthread_mutex_lock(&r->mu);
		uint64_t records = r->records;
		pthread_mutex_unlock(&r->mu);
		if (opt->progress)
			opt->progress(opt->progress_user, records);
	}
}

ll_status ll_normalize_pool_push(ll_normalize_pool *t, ll_input *in, bool last, uint64_t *records,
				 bool *done, ll_error *err)
{
	*done = false;
	ll_chunker *ck = NULL;
	ll_status st = ll_chunker_open(&ck, in, t->opt.piece_bytes, err);
	if (st != LL_OK || !ck)
		return st;
	*done = true;
	st = pool_start(t, err);
	size_t nw = t->opt.threads;
	worker *w = calloc(nw, sizeof(*w));
	run r = { .pool = t, .chunker = ck, .source = ll_input_name(in), .base = t->stream_bytes,
		  .piece_base = t->pieces, .failed = UINT64_MAX, .qcap = nw, .records = *records,
		  .last = last };
	pthread_mutex_init(&r.mu, NULL);
	pthread_cond_init(&r.cv, NULL);
	r.queue = calloc(r.qcap, sizeof(*r.queue));
	if (st == LL_OK && (!w || !r.queue))
		st = ll_error_oom(err);
	if (st == LL_OK)
		st = ll_schema_clone(t->first->schema, &r.global, err);
	size_t set_up = 0;
	if (st == LL_OK) {
		workers_setup(&r, w, nw);
		set_up = nw;
		st = readers_open(w, nw, err);
	}
	if (st != LL_OK) {
		run_free(&r, w, set_up);
		free(w);
		ll_chunker_free(ck);
		return st;
	}
	size_t started = 0;
	for (; started < nw; started++) {
		if (!ll_thread_start(&w[started].thread, worker_main, &w[started], "lakeload-norm"))
			break;
	}
	if (started == 0) {
		ll_error_set(&r.failure, LL_EIO, "cannot start a thread to normalize %s", r.source);
		r.failed = 0;
	} else {
		feed(&r, ck);
	}
	pthread_mutex_lock(&r.mu);
	r.input_done = true;
	pthread_cond_broadcast(&r.cv);
	pthread_mutex_unlock(&r.mu);
	for (size_t i = 0; i < started; i++)
		pthread_join(w[i].thread, NULL);
	t->stream_bytes += ll_chunker_offset(ck);
	t->pieces += r.pieces;
	*records = r.records;
	locate_failure(&r);
	st = r.failed != UINT64_MAX ? (*err = r.failure, err->code) : LL_OK;
	/* the first normalizer's schema, the load's, becomes what the whole input made of it */
	if (st == LL_OK)
		st = ll_normalizer_adopt(t->first, r.global, err);
	run_free(&r, w, nw);
	free(w);
	ll_chunker_free(ck);
	return st;
}

typedef struct finishing {
	ll_normalizer *n;
	ll_job_file *files;
	size_t nfiles;
	ll_status st;
	ll_error err;
} finishing;

static void finish_piece_fn(void *ctx, size_t i, size_t thread)
{
	(void)thread;
	finishing *f = (finishing *)ctx + i;
	ll_error_clear(&f->err);
	f->st = ll_normalizer_finish(f->n, &f->files, &f->nfiles, &f->err);
}

/* Appends f's files to *files; the first failure (in thread order) is the one reported. */
static ll_status collect(finishing *f, ll_status st, ll_job_file **files, size_t *nfiles,
			 ll_error *err)
{
	if (st == LL_OK && f->st != LL_OK) {
		*err = f->err;
		st = f->st;
	}
	ll_job_file *all = st == LL_OK ? realloc(*files, (*nfiles + f->nfiles + 1) * sizeof(*all)) : NULL;
	if (st == LL_OK && !all)
		st = ll_error_oom(err);
	if (st != LL_OK) {
		ll_job_files_free(f->files, f->nfiles);
		return st;
	}
	if (f->nfiles)
		memcpy(all + *nfiles, f->files, f->nfiles * sizeof(*all));
	free(f->files);
	*files = all;
	*nfiles += f->nfiles;
	return LL_OK;
}

ll_status ll_normalize_pool_finish(ll_normalize_pool *t, ll_job_file **files, size_t *nfiles,
				   ll_error *err)
{
	*files = NULL;
	*nfiles = 0;
	finishing *f = calloc(t->n + 1, sizeof(*f));
	if (!f)
		return ll_error_oom(err);
	f[0].n = t->first;
	for (size_t i = 0; i < t->n; i++)
		f[i + 1].n = t->norms[i];
	/* the last row groups are encoded, written and synced by every thread at once */
	ll_parallel(t->n + 1, t->n + 1, "lakeload-norm", finish_piece_fn, f);
	ll_status st = LL_OK;
	for (size_t i = 0; i <= t->n; i++)
		st = collect(&f[i], st, files, nfiles, err);
	free(f);
	/* the writers' arrays are all freed: the mappings kept for their reuse go back too */
	ll_big_trim();
	return st;
}

void ll_normalize_pool_free(ll_normalize_pool *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		ll_normalizer_free(t->norms[i]);
		ll_schema_free(t->schemas[i]);
	}
	claims_free(t);
	free(t->norms);
	free(t->schemas);
	free(t);
}
