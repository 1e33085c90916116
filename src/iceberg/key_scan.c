/*
 * Key lookups over data files' row groups on several threads; see
 * key_scan.h.
 *
 * Files are taken in rounds of up to FILES_PER_ROUND: the calling thread
 * opens their footers, makes a job of every row group worth reading, and
 * then it and up to ll_cpu_count() - 1 more threads take jobs in turn until
 * none is left (util/parallel). A job keeps its hits (and extra values)
 * to itself; once the round is done the calling thread hands them on in job
 * order, so the callback and the extra set are only ever touched by it. The
 * readers are shared by the jobs of a round: after open a reader is only
 * read, and its source reads by range (pread, or a ranged GET on a storage
 * that may be used from several threads).
 */
#include "iceberg/key_scan.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "iceberg/deletes.h"
#include "iceberg/rows.h"
#include "util/parallel.h"
#include "util/thread.h"

/* Footers held at once: bounds memory on tables of many files. */
#define FILES_PER_ROUND 64
/* Threads of a round at most, the calling one included. */
#define MAX_THREADS 8
#define BATCH_ROWS 4096

/* One file of a round: its reader and which of its fields the key columns are. */
typedef struct scan_file {
	const ll_iceberg_data_file *file;
	ll_parquet_reader *r;
	size_t fields[LL_ICEBERG_READ_FIELDS]; /* cursor fields */
	size_t nfields;
	long slot[LL_ICEBERG_READ_FIELDS];     /* per key column: its cursor field, or -1 */
	bool ints;                             /* the one key column is read as integers */
} scan_file;

/* One row group to read, and what it found. */
typedef struct scan_job {
	scan_file *sf;
	size_t rg;
	int64_t first;   /* position of the row group's first row in its file */
	ll_iceberg_positions hits;
	ll_buf extra;    /* per hit: the encoded value's length (size_t), then its bytes */
	ll_status st;
	ll_error err;
} scan_job;

typedef struct scan_round scan_round;

/* A thread's own buffers, reused across its jobs. */
typedef struct scan_worker {
	scan_round *round;
	bool *groups;    /* the cursor's row group selection */
	size_t ngroups;
	int64_t values[BATCH_ROWS];
	bool nulls[BATCH_ROWS];
	ll_buf key;
} scan_worker;

struct scan_round {
	const ll_key_scan *ks;
	scan_job *jobs;
	size_t njobs;
	scan_worker *workers; /* one per thread */
	size_t nworkers;
	atomic_bool failed;
};

static ll_status scan_ints(scan_worker *w, scan_job *j, ll_parquet_cursor *cur)
{
	const ll_intset *set = w->round->ks->ints;
	int64_t pos = j->first;
	for (;;) {
		size_t n;
		ll_status st = ll_parquet_cursor_next_ints(cur, BATCH_ROWS, w->values, w->nulls, &n,
							   &j->err);
		if (st != LL_OK || n == 0)
			return st;
		for (size_t i = 0; i < n; i++, pos++) {
			if (!w->nulls[i] && ll_intset_has(set, w->values[i]) &&
			    !ll_iceberg_positions_push(&j->hits, (uint64_t)pos))
				return ll_error_oom(&j->err);
		}
	}
}

/* Whether the row's tuple of n values from v is in set. */
static bool tuple_in(scan_worker *w, const ll_keyset *set, const ll_value *const *v, size_t n)
{
	if (!set || n == 0)
		return false;
	ll_buf_clear(&w->key);
	for (size_t k = 0; k < n; k++)
		ll_keyset_encode_value(v[k], &w->key);
	return ll_keyset_find(set, w->key.data, w->key.len) != NULL;
}

static ll_status keep_extra(scan_worker *w, scan_job *j, const ll_value *v)
{
	ll_buf_clear(&w->key);
	ll_keyset_encode_value(v, &w->key);
	size_t len = w->key.len;
	ll_buf_append(&j->extra, &len, sizeof(len));
	ll_buf_append(&j->extra, w->key.data, len);
	return ll_buf_oom(&w->key) || ll_buf_oom(&j->extra) ? ll_error_oom(&j->err) : LL_OK;
}

static ll_status scan_tuples(scan_worker *w, scan_job *j, ll_parquet_cursor *cur)
{
	const ll_key_scan *ks = w->round->ks;
	const scan_file *sf = j->sf;
	static const ll_value null_value = { .is_null = true };
	const ll_value *row[LL_ICEBERG_READ_FIELDS];
	size_t nkeys = ks->npk + ks->nmk, ncols = nkeys + (ks->extra != NULL);
	int64_t pos = j->first;
	for (;;) {
		const ll_parquet_batch *b;
		ll_status st = ll_parquet_cursor_next(cur, BATCH_ROWS, &b, &j->err);
		if (st != LL_OK || b->rows == 0)
			return st;
		for (size_t i = 0; i < b->rows; i++, pos++) {
			for (size_t k = 0; k < ncols; k++)
				row[k] = sf->slot[k] >= 0 ? &b->columns[sf->slot[k]][i] : &null_value;
			if (!tuple_in(w, ks->pk, row, ks->npk) &&
			    !tuple_in(w, ks->mk, row + ks->npk, ks->nmk))
				continue;
			if (!ll_iceberg_positions_push(&j->hits, (uint64_t)pos))
				return ll_error_oom(&j->err);
			if (ks->extra && (st = keep_extra(w, j, row[nkeys])) != LL_OK)
				return st;
		}
	}
}

/*
 * The extra values of an integer scan's hits: a second pass over the row
 * group reading the extra column alone (the lookups did not need it).
 */
static ll_status extra_of_hits(scan_worker *w, scan_job *j)
{
	const scan_file *sf = j->sf;
	static const ll_value null_value = { .is_null = true };
	long slot = sf->slot[1];
	if (slot < 0) {
		for (size_t h = 0; h < j->hits.n; h++) {
			ll_status st = keep_extra(w, j, &null_value);
			if (st != LL_OK)
				return st;
		}
		return LL_OK;
	}
	ll_parquet_cursor *cur = NULL;
	ll_status st = ll_parquet_cursor_open(sf->r, &sf->fields[slot], 1, w->groups, &cur, &j->err);
	int64_t pos = j->first;
	size_t h = 0;
	while (st == LL_OK && h < j->hits.n) {
		const ll_parquet_batch *b;
		st = ll_parquet_cursor_next(cur, BATCH_ROWS, &b, &j->err);
		if (st == LL_OK && b->rows == 0)
			break;
		for (size_t i = 0; st == LL_OK && i < b->rows; i++, pos++) {
			if (h < j->hits.n && j->hits.v[h] == (uint64_t)pos) {
				st = keep_extra(w, j, &b->columns[0][i]);
				h++;
			}
		}
	}
	ll_parquet_cursor_free(cur);
	return st;
}

static ll_status run_job(scan_worker *w, scan_job *j)
{
	const scan_file *sf = j->sf;
	size_t ngroups = ll_parquet_reader_row_group_count(sf->r);
	if (ngroups > w->ngroups) {
		bool *grown = realloc(w->groups, ngroups * sizeof(*grown));
		if (!grown)
			return ll_error_oom(&j->err);
		w->groups = grown;
		w->ngroups = ngroups;
	}
	memset(w->groups, 0, ngroups * sizeof(*w->groups));
	w->groups[j->rg] = true;
	ll_parquet_cursor *cur = NULL;
	/* integers: the key column alone (its field is the first); the extra one afterwards */
	ll_status st = ll_parquet_cursor_open(sf->r, sf->fields, sf->ints ? 1 : sf->nfields,
					      w->groups, &cur, &j->err);
	if (st == LL_OK)
		st = sf->ints ? scan_ints(w, j, cur) : scan_tuples(w, j, cur);
	ll_parquet_cursor_free(cur);
	if (st == LL_OK && sf->ints && w->round->ks->extra && j->hits.n)
		st = extra_of_hits(w, j);
	return st;
}

static void scan_piece(void *ctx, size_t i, size_t t)
{
	scan_round *round = ctx;
	if (atomic_load(&round->failed))
		return;
	scan_job *j = &round->jobs[i];
	j->st = run_job(&round->workers[t], j);
	if (j->st != LL_OK)
		atomic_store(&round->failed, true);
}

/* Runs the round's jobs on the calling thread and as many more as help. */
static ll_status run_jobs(scan_round *round, ll_error *err)
{
	unsigned cpus = ll_cpu_count();
	round->nworkers = cpus < MAX_THREADS ? cpus : MAX_THREADS;
	round->workers = calloc(round->nworkers, sizeof(*round->workers));
	if (!round->workers)
		return ll_error_oom(err);
	for (size_t t = 0; t < round->nworkers; t++)
		round->workers[t].round = round;
	atomic_init(&round->failed, false);
	ll_parallel(round->njobs, round->nworkers, "lakeload-merge", scan_piece, round);
	for (size_t t = 0; t < round->nworkers; t++) {
		free(round->workers[t].groups);
		ll_buf_free(&round->workers[t].key);
	}
	free(round->workers);
	return LL_OK;
}

/* Which of the file's fields the key columns (and the extra one) are. */
static void resolve_fields(const ll_key_scan *ks, scan_file *sf)
{
	int32_t ids[LL_ICEBERG_READ_FIELDS];
	size_t nids = ks->npk + ks->nmk;
	memcpy(ids, ks->ids, nids * sizeof(*ids));
	if (ks->extra)
		ids[nids++] = ks->extra_id;
	sf->nfields = ll_iceberg_find_fields(sf->r, ids, nids, sf->fields, sf->slot);
	sf->ints = ks->ints && ks->npk == 1 && ks->nmk == 0 && sf->slot[0] >= 0 &&
		   ll_parquet_field_is_integer(ll_parquet_reader_field(sf->r, sf->fields[0]));
}

/* Whether a row group's statistics leave out every key: then no row of it can be hit. */
static bool row_group_misses(const ll_key_scan *ks, const scan_file *sf, size_t rg)
{
	ll_value min, max;
	uint64_t nulls;
	if (!sf->ints || !ll_parquet_reader_stats(sf->r, rg, sf->fields[0], &min, &max, &nulls))
		return false;
	return !min.is_null && !max.is_null && !ll_intset_any_between(ks->ints, min.i, max.i);
}

static ll_status add_job(scan_round *round, size_t *cap, scan_file *sf, size_t rg, int64_t first,
			 ll_error *err)
{
	if (round->njobs == *cap) {
		size_t grown_cap = *cap ? *cap * 2 : 16;
		scan_job *grown = realloc(round->jobs, grown_cap * sizeof(*grown));
		if (!grown)
			return ll_error_oom(err);
		round->jobs = grown;
		*cap = grown_cap;
	}
	round->jobs[round->njobs++] = (scan_job){ .sf = sf, .rg = rg, .first = first,
						  .extra = LL_BUF_INIT, .st = LL_OK };
	return LL_OK;
}

/* Opens a file of the round and makes a job of each of its row groups that may hold a key. */
static ll_status plan_file(scan_round *round, size_t *cap, scan_file *sf, ll_error *err)
{
	const ll_key_scan *ks = round->ks;
	ll_parquet_source src;
	ll_status st = ll_storage_open_source(ks->storage, sf->file->file_path, &src, err);
	if (st == LL_OK)
		st = ll_parquet_reader_open_source(&sf->r, src, sf->file->file_path, err);
	if (st != LL_OK)
		return st;
	resolve_fields(ks, sf);
	if (sf->nfields == 0)
		return LL_OK;
	int64_t first = 0;
	size_t ngroups = ll_parquet_reader_row_group_count(sf->r);
	for (size_t rg = 0; rg < ngroups && st == LL_OK; rg++) {
		uint64_t rows = ll_parquet_reader_row_group_rows(sf->r, rg);
		if (rows > 0 && !row_group_misses(ks, sf, rg))
			st = add_job(round, cap, sf, rg, first, err);
		first += (int64_t)rows;
	}
	return st;
}

/* Hands the round's hits on in job order, or reports its first failure. */
static ll_status deliver(const scan_round *round, ll_key_scan_hit_fn fn, void *user, ll_error *err)
{
	for (size_t i = 0; i < round->njobs; i++) {
		const scan_job *j = &round->jobs[i];
		if (j->st != LL_OK) {
			if (err)
				*err = j->err;
			return j->st;
		}
	}
	ll_status st = LL_OK;
	for (size_t i = 0; i < round->njobs && st == LL_OK; i++) {
		const scan_job *j = &round->jobs[i];
		for (size_t h = 0; h < j->hits.n && st == LL_OK; h++)
			st = fn(user, j->sf->file, (int64_t)j->hits.v[h], err);
		for (size_t at = 0; at < j->extra.len && st == LL_OK;) {
			size_t len;
			memcpy(&len, j->extra.data + at, sizeof(len));
			at += sizeof(len);
			ll_keyset_slot *slot;
			bool added;
			if (!ll_keyset_put(round->ks->extra, j->extra.data + at, len, 0, &slot, &added))
				st = ll_error_oom(err);
			at += len;
		}
	}
	return st;
}

static ll_status scan_round_of(const ll_key_scan *ks, const ll_iceberg_data_file *const *files,
			       size_t nfiles, ll_key_scan_hit_fn fn, void *user, ll_error *err)
{
	scan_file sfs[FILES_PER_ROUND];
	scan_round round = { .ks = ks };
	size_t cap = 0, opened = 0;
	ll_status st = LL_OK;
	for (; opened < nfiles && st == LL_OK; opened++) {
		sfs[opened] = (scan_file){ .file = files[opened] };
		st = plan_file(&round, &cap, &sfs[opened], err);
	}
	if (st == LL_OK)
		st = run_jobs(&round, err);
	if (st == LL_OK)
		st = deliver(&round, fn, user, err);
	for (size_t i = 0; i < round.njobs; i++) {
		ll_iceberg_positions_free(&round.jobs[i].hits);
		ll_buf_free(&round.jobs[i].extra);
	}
	free(round.jobs);
	for (size_t i = 0; i < opened; i++)
		ll_parquet_reader_free(sfs[i].r);
	return st;
}

ll_status ll_key_scan_files(const ll_key_scan *ks, const ll_iceberg_data_file *const *files,
			    size_t nfiles, ll_key_scan_hit_fn fn, void *user, ll_error *err)
{
	if (ks->npk + ks->nmk + 1 > LL_ICEBERG_READ_FIELDS)
		return ll_error_set(err, LL_EUNSUPPORTED, "a merge on %zu key columns; at most %d",
				    ks->npk + ks->nmk, LL_ICEBERG_READ_FIELDS - 1);
	ll_status st = LL_OK;
	for (size_t at = 0; at < nfiles && st == LL_OK; at += FILES_PER_ROUND) {
		size_t n = nfiles - at < FILES_PER_ROUND ? nfiles - at : FILES_PER_ROUND;
		st = scan_round_of(ks, files + at, n, fn, user, err);
	}
	return st;
}
