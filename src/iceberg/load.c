/*
 * Write dispositions on Iceberg tables; see load.h.
 */
#include "iceberg/load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/parquet/parquet_writer.h"
#include "iceberg/data_file.h"
#include "iceberg/key_scan.h"
#include "iceberg/partition_split.h"
#include "iceberg/rows.h"
#include "util/fs.h"
#include "util/parallel.h"
#include "util/random.h"

/* Field ids of a position delete file's columns (table spec "Position Delete Files"). */
#define FIELD_FILE_PATH 2147483546
#define FIELD_POS 2147483545

typedef struct position_delete {
	const ll_iceberg_data_file *file; /* the data file the row is in */
	int64_t pos;
} position_delete;

typedef struct load_ctx {
	const ll_iceberg_load_request *req;
	ll_arena arena;                 /* placed files: lives across attempts */
	ll_iceberg_data_file *files;
	size_t nfiles;
	bool placed;
	ll_keyset *roots_out;           /* merge of a root: removed _dlt_id values */
	bool plan_only;                 /* learn what a merge removes, write nothing */
	/* per attempt */
	position_delete *deletes;
	size_t ndeletes, deletes_cap;
} load_ctx;

/* ---------------------------------------------------------------- placing */

static ll_status describe_location(ll_storage *s, const char *location,
				   const ll_iceberg_schema *schema, ll_arena *arena,
				   ll_iceberg_data_file *out, ll_error *err)
{
	ll_parquet_source src;
	ll_status st = ll_storage_open_source(s, location, &src, err);
	if (st != LL_OK)
		return st;
	uint64_t size = src.size;
	ll_parquet_reader *r = NULL;
	st = ll_parquet_reader_open_source(&r, src, location, err);
	if (st == LL_OK)
		st = ll_iceberg_describe_parquet(r, location, size, schema, arena, out, err);
	ll_parquet_reader_free(r);
	return st;
}

/* Puts a job file into data/ unless an earlier, interrupted run already did. */
static ll_status place_job(load_ctx *c, const ll_iceberg_base *base, size_t i, ll_error *err)
{
	const ll_iceberg_load_request *req = c->req;
	ll_buf loc = LL_BUF_INIT;
	ll_buf_printf(&loc, "%s/data/%s.%s.parquet", base->location, req->load_id, req->file_ids[i]);
	ll_status st = ll_buf_oom(&loc) ? ll_error_oom(err) : LL_OK;
	if (st == LL_OK && ll_fs_exists(req->jobs[i])) {
		st = ll_storage_put_file(req->storage, ll_buf_cstr(&loc), req->jobs[i], true, err);
	} else if (st == LL_OK) {
		bool exists = false;
		st = ll_storage_exists(req->storage, ll_buf_cstr(&loc), &exists, NULL, err);
		if (st == LL_OK && !exists)
			st = ll_error_set(err, LL_EIO,
					  "load package of load %s is damaged: job file %s is missing and "
					  "was never placed in table %s", req->load_id, req->jobs[i],
					  base->location);
	}
	if (st == LL_OK)
		st = describe_location(req->storage, ll_buf_cstr(&loc), base->schema, &c->arena,
				       &c->files[i], err);
	ll_buf_free(&loc);
	return st;
}

/* Splits every job file of a partitioned table into files per partition. */
static ll_status split_jobs(load_ctx *c, const ll_iceberg_base *base, ll_error *err)
{
	const ll_iceberg_load_request *req = c->req;
	ll_iceberg_data_file **parts = ll_arena_alloc(&c->arena, (req->njobs + 1) * sizeof(*parts));
	size_t *nparts = ll_arena_alloc(&c->arena, (req->njobs + 1) * sizeof(*nparts));
	if (!parts || !nparts)
		return ll_error_oom(err);
	size_t total = 0;
	ll_buf name = LL_BUF_INIT;
	ll_status st = LL_OK;
	for (size_t i = 0; i < req->njobs && st == LL_OK; i++) {
		ll_buf_clear(&name);
		ll_buf_printf(&name, "%s.%s", req->load_id, req->file_ids[i]);
		ll_partition_split ps = { req->storage, req->table, base->schema, base->spec,
					  base->location, req->scratch_dir, ll_buf_cstr(&name) };
		st = ll_partition_split_file(&ps, req->jobs[i], &c->arena, &parts[i], &nparts[i], err);
		total += st == LL_OK ? nparts[i] : 0;
	}
	ll_buf_free(&name);
	c->files = st == LL_OK ? ll_arena_alloc(&c->arena, (total + 1) * sizeof(*c->files)) : NULL;
	if (st == LL_OK && !c->files)
		st = ll_error_oom(err);
	for (size_t i = 0; i < req->njobs && st == LL_OK; i++) {
		memcpy(c->files + c->nfiles, parts[i], nparts[i] * sizeof(*c->files));
		c->nfiles += nparts[i];
	}
	c->placed = st == LL_OK;
	return st;
}

static ll_status place_jobs(load_ctx *c, const ll_iceberg_base *base, ll_error *err)
{
	if (c->placed)
		return LL_OK;
	if (base->spec->nfields > 0)
		return split_jobs(c, base, err);
	c->files = ll_arena_alloc(&c->arena, (c->req->njobs + 1) * sizeof(*c->files));
	if (!c->files)
		return ll_error_oom(err);
	for (size_t i = 0; i < c->req->njobs; i++) {
		ll_status st = place_job(c, base, i, err);
		if (st != LL_OK)
			return st;
	}
	c->nfiles = c->req->njobs;
	c->placed = true;
	return LL_OK;
}

/* ---------------------------------------------------------------- reading keys */

/* Which columns make a row's key, by field id; -1 ends a list. */
typedef struct key_columns {
	int32_t pk[16], mk[16];
	size_t npk, nmk;
	int32_t dlt_id, root_id;
} key_columns;

static void find_key_columns(const ll_table *t, const char *match, key_columns *k)
{
	memset(k, 0, sizeof(*k));
	k->dlt_id = k->root_id = -1;
	match = match ? match : "_dlt_root_id";
	for (size_t i = 0; i < t->ncolumns; i++) {
		const ll_column *col = &t->columns[i];
		if (col->primary_key && k->npk < 16)
			k->pk[k->npk++] = col->field_id;
		if (col->merge_key && k->nmk < 16)
			k->mk[k->nmk++] = col->field_id;
		if (strcmp(col->name, "_dlt_id") == 0)
			k->dlt_id = col->field_id;
		if (strcmp(col->name, match) == 0)
			k->root_id = col->field_id;
	}
}

static void encode_key(const ll_value *const *values, size_t n, ll_buf *out)
{
	ll_buf_clear(out);
	for (size_t k = 0; k < n; k++)
		ll_keyset_encode_value(values[k], out);
}

static ll_status add_delete(load_ctx *c, const ll_iceberg_data_file *file, int64_t pos, ll_error *err)
{
	if (c->ndeletes == c->deletes_cap) {
		size_t cap = c->deletes_cap ? c->deletes_cap * 2 : 1024;
		position_delete *grown = realloc(c->deletes, cap * sizeof(*grown));
		if (!grown)
			return ll_error_oom(err);
		c->deletes = grown;
		c->deletes_cap = cap;
	}
	c->deletes[c->ndeletes++] = (position_delete){ file, pos };
	return LL_OK;
}

/* ---------------------------------------------------------------- merge */

typedef struct merge_state {
	load_ctx *c;
	key_columns k;
	ll_keyset pk, mk;
	ll_buf key;
	const ll_iceberg_data_file *file_scanned;
	size_t file;      /* index of an incoming file */
	/* with one primary key column and no merge key: the incoming keys' range */
	bool ranged, have_range, text;
	int64_t lo, hi;
	ll_buf lo_s, hi_s;
	/* with one integer primary key and no merge key: the incoming keys, unless one is null */
	bool int_key;
	ll_intset ints;
	/* the live data files a merge looks for existing keys in */
	const ll_iceberg_data_file **live;
	size_t nlive, live_cap;
} merge_state;

static int compare_bytes(const void *a, size_t alen, const void *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);
	return c ? c : (alen > blen) - (alen < blen);
}

/* Widens the incoming key range by one key. */
static void extend_range(merge_state *m, const ll_value *v)
{
	if (v->is_null)
		return;
	bool first = !m->have_range;
	m->have_range = true;
	if (!v->s) {
		m->lo = first || v->i < m->lo ? v->i : m->lo;
		m->hi = first || v->i > m->hi ? v->i : m->hi;
		return;
	}
	m->text = true;
	if (first || compare_bytes(v->s, v->len, m->lo_s.data, m->lo_s.len) < 0) {
		ll_buf_clear(&m->lo_s);
		ll_buf_append(&m->lo_s, v->s, v->len);
	}
	if (first || compare_bytes(v->s, v->len, m->hi_s.data, m->hi_s.len) > 0) {
		ll_buf_clear(&m->hi_s);
		ll_buf_append(&m->hi_s, v->s, v->len);
	}
}

static int64_t little_endian(const uint8_t *b, size_t n)
{
	uint64_t v = 0;
	for (size_t i = n; i-- > 0;)
		v = v << 8 | b[i];
	if (n == 4)
		return (int32_t)(uint32_t)v;
	return (int64_t)v;
}

/* Whether a data file's key bounds rule out every incoming key. */
static bool outside_range(const merge_state *m, const ll_iceberg_data_file *f)
{
	if (!m->ranged || !m->have_range)
		return false;
	for (size_t i = 0; i < f->nstats; i++) {
		const ll_iceberg_column_stats *st = &f->stats[i];
		if (st->field_id != m->k.pk[0] || !st->lower || !st->upper)
			continue;
		if (m->text)
			return compare_bytes(st->upper, st->upper_len, m->lo_s.data, m->lo_s.len) < 0 ||
			       compare_bytes(st->lower, st->lower_len, m->hi_s.data, m->hi_s.len) > 0;
		if ((st->lower_len != 8 && st->lower_len != 4) || st->upper_len != st->lower_len)
			return false;
		int64_t lower = little_endian(st->lower, st->lower_len);
		int64_t upper = little_endian(st->upper, st->upper_len);
		if (m->int_key)
			return !ll_intset_any_between(&m->ints, lower, upper);
		return upper < m->lo || lower > m->hi;
	}
	return false;
}

/* Incoming rows: the last of each primary key wins; earlier ones are deleted in the new files. */
static ll_status incoming_row(void *user, uint64_t pos, const ll_value *const *v, ll_error *err)
{
	merge_state *m = user;
	bool added;
	ll_keyset_slot *slot;
	if (m->k.npk) {
		if (m->ranged)
			extend_range(m, v[0]);
		if (m->int_key && (v[0]->is_null || v[0]->s))
			m->int_key = false;
		else if (m->int_key && !ll_intset_add(&m->ints, v[0]->i))
			return ll_error_oom(err);
		encode_key(v, m->k.npk, &m->key);
		uint64_t at = ((uint64_t)m->file << 40) | (uint64_t)pos;
		if (!ll_keyset_put(&m->pk, m->key.data, m->key.len, at, &slot, &added))
			return ll_error_oom(err);
		if (!added) {
			ll_status st = add_delete(m->c, &m->c->files[slot->value >> 40],
						  (int64_t)(slot->value & ((UINT64_C(1) << 40) - 1)), err);
			if (st != LL_OK)
				return st;
			slot->value = at;
		}
	}
	if (m->k.nmk) {
		encode_key(v + m->k.npk, m->k.nmk, &m->key);
		if (!ll_keyset_put(&m->mk, m->key.data, m->key.len, 0, &slot, &added))
			return ll_error_oom(err);
	}
	return LL_OK;
}

/* A row the key scan found: removed. */
static ll_status existing_hit(void *user, const ll_iceberg_data_file *file, int64_t pos,
			      ll_error *err)
{
	merge_state *m = user;
	return add_delete(m->c, file, pos, err);
}

/* Calls fn for every live data file of the base's current snapshot. */
typedef ll_status (*file_fn)(void *user, const ll_iceberg_data_file *file, ll_error *err);

static ll_status for_each_live_file(const ll_iceberg_base *base, ll_arena *arena, file_fn fn,
				    void *user, ll_error *err)
{
	const ll_iceberg_metadata *md = base->table->md;
	const ll_iceberg_snapshot *snap = md ? ll_iceberg_metadata_current_snapshot(md) : NULL;
	if (!snap)
		return LL_OK;
	ll_storage *s = base->table->storage;
	ll_buf bytes = LL_BUF_INIT;
	ll_iceberg_manifest_file *list = NULL;
	size_t n = 0;
	ll_status st = ll_storage_get(s, snap->manifest_list, &bytes, err);
	if (st == LL_OK)
		st = ll_iceberg_manifest_list_read(bytes.data, bytes.len, snap->manifest_list, arena,
						   &list, &n, err);
	for (size_t i = 0; i < n && st == LL_OK; i++) {
		if (list[i].content != LL_ICEBERG_CONTENT_DATA)
			continue;
		const ll_iceberg_partition_spec *spec = ll_iceberg_metadata_spec(md, list[i].partition_spec_id);
		ll_iceberg_manifest_entry *entries = NULL;
		size_t ne = 0;
		st = ll_storage_get(s, list[i].manifest_path, &bytes, err);
		if (st == LL_OK && !spec)
			st = ll_error_set(err, LL_EFORMAT, "manifest %s names partition spec %d, which "
					  "table %s does not have", list[i].manifest_path,
					  (int)list[i].partition_spec_id, base->location);
		if (st == LL_OK)
			st = ll_iceberg_manifest_read(bytes.data, bytes.len, list[i].manifest_path, &list[i],
						      spec, ll_iceberg_metadata_current_schema(md), arena,
						      &entries, &ne, err);
		for (size_t e = 0; e < ne && st == LL_OK; e++) {
			if (entries[e].status != LL_ICEBERG_ENTRY_DELETED)
				st = fn(user, &entries[e].file, err);
		}
	}
	ll_buf_free(&bytes);
	return st;
}

/* Notes a live data file to look for keys in, unless its key bounds rule every key out. */
static ll_status note_live_file(void *user, const ll_iceberg_data_file *file, ll_error *err)
{
	merge_state *m = user;
	if (outside_range(m, file))
		return LL_OK;
	if (m->nlive == m->live_cap) {
		size_t cap = m->live_cap ? m->live_cap * 2 : 64;
		const ll_iceberg_data_file **grown = realloc(m->live, cap * sizeof(*grown));
		if (!grown)
			return ll_error_oom(err);
		m->live = grown;
		m->live_cap = cap;
	}
	m->live[m->nlive++] = file;
	return LL_OK;
}

/*
 * Child rows, existing or incoming (children of incoming roots that lost to
 * a later duplicate): removed when their root row was.
 */
static ll_status plan_child_merge(merge_state *m, const ll_iceberg_base *base, ll_arena *arena,
				  ll_error *err)
{
	load_ctx *c = m->c;
	/* no root goes (the merge only adds, or a new plan found no new one): nothing to scan */
	if (c->req->removed_roots->count == 0)
		return LL_OK;
	ll_status st = for_each_live_file(base, arena, note_live_file, m, err);
	for (size_t i = 0; i < c->nfiles && st == LL_OK; i++)
		st = note_live_file(m, &c->files[i], err);
	ll_key_scan ks = { .storage = c->req->storage, .ids = &m->k.root_id, .npk = 1,
			   .pk = c->req->removed_roots };
	return st == LL_OK ? ll_key_scan_files(&ks, m->live, m->nlive, existing_hit, m, err) : st;
}

/* Existing root rows: removed when their primary key or merge key arrives. */
static ll_status plan_root_merge(merge_state *m, const ll_iceberg_base *base, ll_arena *arena,
				 ll_error *err)
{
	load_ctx *c = m->c;
	int32_t ids[32];
	memcpy(ids, m->k.pk, m->k.npk * sizeof(int32_t));
	memcpy(ids + m->k.npk, m->k.mk, m->k.nmk * sizeof(int32_t));
	ll_status st = LL_OK;
	for (size_t i = 0; i < c->nfiles && st == LL_OK; i++) {
		m->file = i;
		st = ll_iceberg_read_rows(c->req->storage, c->files[i].file_path, ids, m->k.npk + m->k.nmk,
					  incoming_row, m, err);
	}
	if (st == LL_OK && m->int_key && !ll_intset_seal(&m->ints))
		st = ll_error_oom(err);
	if (st == LL_OK)
		st = for_each_live_file(base, arena, note_live_file, m, err);
	/* _dlt_id of the removed rows, only when the removed roots are wanted */
	ll_key_scan ks = { .storage = c->req->storage, .ids = ids, .npk = m->k.npk, .nmk = m->k.nmk,
			   .pk = &m->pk, .mk = &m->mk, .ints = m->int_key ? &m->ints : NULL,
			   .extra = c->roots_out, .extra_id = m->k.dlt_id };
	return st == LL_OK ? ll_key_scan_files(&ks, m->live, m->nlive, existing_hit, m, err) : st;
}

/* The type of a column, by field id; LL_TYPE_COUNT_ when there is none. */
static ll_data_type column_type(const ll_table *t, int32_t field_id)
{
	for (size_t i = 0; i < t->ncolumns; i++) {
		if (t->columns[i].field_id == field_id)
			return t->columns[i].type;
	}
	return LL_TYPE_COUNT_;
}

/* Whether a key column's values are integers whose bounds compare as such. */
static bool integer_type(ll_data_type ty)
{
	return ty == LL_TYPE_BIGINT || ty == LL_TYPE_TIMESTAMP || ty == LL_TYPE_DATE;
}

/* Finds the rows a merge removes, into c->deletes. */
static ll_status plan_merge(load_ctx *c, const ll_iceberg_base *base, ll_arena *arena, ll_error *err)
{
	merge_state m = { .c = c };
	find_key_columns(c->req->table, c->req->match_column, &m.k);
	ll_keyset_init(&m.pk);
	ll_keyset_init(&m.mk);
	ll_intset_init(&m.ints);
	ll_status st = LL_OK;
	if (c->req->removed_roots) {
		if (m.k.root_id < 0 && c->req->match_column)
			st = ll_error_set(err, LL_ESCHEMA, "table %s has no column %s to match rows by",
					  c->req->table->name, c->req->match_column);
		else if (m.k.root_id >= 0)
			st = plan_child_merge(&m, base, arena, err);
	} else if (m.k.npk || m.k.nmk) {
		/* bounds of text compare like the reader's text; decimals and doubles do not */
		ll_data_type ty = m.k.npk == 1 && m.k.nmk == 0 ? column_type(c->req->table, m.k.pk[0])
							       : LL_TYPE_COUNT_;
		m.ranged = integer_type(ty) || ty == LL_TYPE_TEXT;
		m.int_key = integer_type(ty);
		st = plan_root_merge(&m, base, arena, err);
	}
	ll_keyset_free(&m.pk);
	ll_keyset_free(&m.mk);
	ll_buf_free(&m.key);
	ll_buf_free(&m.lo_s);
	ll_buf_free(&m.hi_s);
	ll_intset_free(&m.ints);
	free(m.live);
	return st;
}

static int compare_deletes(const void *a, const void *b)
{
	const position_delete *x = a, *y = b;
	/* most pairs are of one file: the key scan hands hits on file by file */
	int c = x->file == y->file ? 0 : strcmp(x->file->file_path, y->file->file_path);
	return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

/* Positions of one new file's removed duplicates, sorted, for the lookup below. */
typedef struct dup_scan {
	load_ctx *c;
	const int64_t *pos;
	size_t n, next;
	ll_buf key;
} dup_scan;

static ll_status dup_row(void *user, uint64_t pos, const ll_value *const *v, ll_error *err)
{
	dup_scan *d = user;
	if (d->next >= d->n || (uint64_t)d->pos[d->next] != pos)
		return LL_OK;
	d->next++;
	ll_buf_clear(&d->key);
	ll_keyset_encode_value(v[0], &d->key);
	ll_keyset_slot *slot;
	bool added;
	return ll_keyset_put(d->c->roots_out, d->key.data, d->key.len, 0, &slot, &added)
		       ? LL_OK : ll_error_oom(err);
}

/*
 * Adds the _dlt_id of incoming root rows removed as duplicates to the
 * removed roots, so their children go too. c->deletes must be sorted.
 */
static ll_status collect_duplicate_roots(load_ctx *c, ll_error *err)
{
	key_columns k;
	find_key_columns(c->req->table, NULL, &k);
	if (k.dlt_id < 0)
		return LL_OK;
	int64_t *pos = malloc((c->ndeletes + 1) * sizeof(*pos));
	if (!pos)
		return ll_error_oom(err);
	ll_status st = LL_OK;
	for (size_t i = 0, j; i < c->ndeletes && st == LL_OK; i = j) {
		const ll_iceberg_data_file *f = c->deletes[i].file;
		size_t n = 0;
		for (j = i; j < c->ndeletes && c->deletes[j].file == f; j++)
			pos[n++] = c->deletes[j].pos;
		if (f < c->files || f >= c->files + c->nfiles)
			continue;
		dup_scan d = { c, pos, n, 0, LL_BUF_INIT };
		st = ll_iceberg_read_rows(c->req->storage, f->file_path, &k.dlt_id, 1, dup_row, &d, err);
		ll_buf_free(&d.key);
	}
	free(pos);
	return st;
}

/* The stats of a delete file naming one data file: file_path bounds are that path. */
static ll_iceberg_column_stats *path_stats(ll_arena *arena, const char *path, int64_t rows)
{
	ll_iceberg_column_stats *st = ll_arena_alloc(arena, sizeof(*st));
	if (st)
		*st = (ll_iceberg_column_stats){ .field_id = FIELD_FILE_PATH, .column_size = -1,
						 .value_count = rows, .null_count = 0, .nan_count = -1,
						 .lower = (const uint8_t *)path, .lower_len = strlen(path),
						 .upper = (const uint8_t *)path, .upper_len = strlen(path) };
	return st;
}

/*
 * Delete files written at once, on up to this many threads: each file's
 * writer ends with an fsync, and concurrent fsyncs share the journal's
 * commit where one after another each waits for its own.
 */
#define DELETE_WRITERS 4

/* One position delete file: the deletes d[0..n) of one data file. */
typedef struct delete_file_job {
	const position_delete *d;
	size_t n;
	char uuid[37];
	ll_buf local; /* where it is written first, in the scratch directory */
	ll_parquet_file_info info;
	ll_status st;
	ll_error err;
} delete_file_job;

/* Writes job i's delete file into the scratch directory; runs on any thread. */
static void write_delete_piece(void *ctx, size_t i, size_t t)
{
	delete_file_job *j = (delete_file_job *)ctx + i;
	(void)t;
	ll_parquet_column_spec cols[] = {
		{ .name = "file_path", .type = LL_TYPE_TEXT, .field_id = FIELD_FILE_PATH },
		{ .name = "pos", .type = LL_TYPE_BIGINT, .field_id = FIELD_POS },
	};
	ll_parquet_writer_options opt;
	ll_parquet_writer_options_init(&opt);
	opt.disable_background = true;
	ll_parquet_writer *w = NULL;
	const char *path = j->d[0].file->file_path;
	j->st = ll_parquet_writer_open(&w, ll_buf_cstr(&j->local), cols, 2, &opt, &j->err);
	for (size_t k = 0; k < j->n && j->st == LL_OK; k++) {
		ll_parquet_writer_put_bytes(w, 0, path, strlen(path));
		ll_parquet_writer_put_int64(w, 1, j->d[k].pos);
		j->st = ll_parquet_writer_end_row(w, &j->err);
	}
	if (w && j->st == LL_OK)
		j->st = ll_parquet_writer_close(w, &j->info, &j->err);
	else if (w)
		ll_parquet_writer_abort(w);
}

/* Moves a written delete file into the table's data directory and describes it. */
static ll_status place_delete_file(load_ctx *c, const ll_iceberg_base *base, ll_arena *arena,
				   const delete_file_job *j, ll_iceberg_data_file *out, ll_error *err)
{
	ll_buf loc = LL_BUF_INIT;
	ll_buf_printf(&loc, "%s/data/%s.%s-deletes.parquet", base->location, c->req->load_id, j->uuid);
	const char *path = j->d[0].file->file_path;
	ll_status st = ll_buf_oom(&loc) ? ll_error_oom(err) : LL_OK;
	if (st == LL_OK)
		st = ll_storage_put_file(c->req->storage, ll_buf_cstr(&loc), ll_buf_cstr(&j->local), true, err);
	if (st == LL_OK) {
		*out = (ll_iceberg_data_file){ .content = LL_ICEBERG_CONTENT_POSITION_DELETES,
					       .file_path = ll_arena_strndup(arena, ll_buf_cstr(&loc), loc.len),
					       .file_format = "PARQUET",
					       .partition = j->d[0].file->partition,
					       .npartition = j->d[0].file->npartition,
					       .record_count = (int64_t)j->info.rows,
					       .file_size_in_bytes = (int64_t)j->info.file_size,
					       .stats = path_stats(arena, path, (int64_t)j->info.rows),
					       .nstats = 1 };
		if (!out->file_path || !out->stats)
			st = ll_error_oom(err);
	}
	ll_buf_free(&loc);
	return st;
}

/* One job per data file the sorted c->deletes remove rows from; NULL when out of memory. */
static delete_file_job *delete_file_jobs(load_ctx *c, size_t *n)
{
	*n = 0;
	for (size_t i = 0; i < c->ndeletes; i++)
		*n += i == 0 || c->deletes[i].file != c->deletes[i - 1].file;
	delete_file_job *jobs = calloc(*n + 1, sizeof(*jobs));
	if (!jobs)
		return NULL;
	size_t k = 0;
	for (size_t i = 0, j; i < c->ndeletes; i = j, k++) {
		for (j = i + 1; j < c->ndeletes && c->deletes[j].file == c->deletes[i].file; j++)
			continue;
		jobs[k].d = &c->deletes[i];
		jobs[k].n = j - i;
		ll_random_uuid(jobs[k].uuid);
		ll_buf_printf(&jobs[k].local, "%s/deletes-%s.parquet", c->req->scratch_dir, jobs[k].uuid);
		jobs[k].st = ll_buf_oom(&jobs[k].local) ? LL_ENOMEM : LL_OK;
	}
	return jobs;
}

/*
 * Writes c->deletes as one position delete file per data file they remove
 * rows from: the files written at once, then placed in order.
 */
static ll_status write_deletes(load_ctx *c, const ll_iceberg_base *base, ll_arena *arena,
			       ll_iceberg_data_file **out, size_t *n, ll_error *err)
{
	qsort(c->deletes, c->ndeletes, sizeof(*c->deletes), compare_deletes);
	size_t njobs = 0;
	delete_file_job *jobs = delete_file_jobs(c, &njobs);
	*out = jobs ? ll_arena_alloc(arena, (njobs + 1) * sizeof(**out)) : NULL;
	*n = 0;
	ll_status st = *out ? ll_fs_mkdirs(c->req->scratch_dir, err) : ll_error_oom(err);
	for (size_t i = 0; i < njobs && st == LL_OK; i++) {
		if (jobs[i].st != LL_OK)
			st = ll_error_oom(err);
	}
	if (st == LL_OK)
		ll_parallel(njobs, DELETE_WRITERS, "lakeload-merge", write_delete_piece, jobs);
	for (size_t i = 0; i < njobs && st == LL_OK; i++) {
		if (jobs[i].st != LL_OK) {
			st = jobs[i].st;
			if (err)
				*err = jobs[i].err;
		} else {
			st = place_delete_file(c, base, arena, &jobs[i], &(*out)[(*n)++], err);
		}
	}
	for (size_t i = 0; i < njobs; i++)
		ll_buf_free(&jobs[i].local);
	free(jobs);
	return st;
}

/* Whether every root row the merge removes had its children removed before. */
static ll_status check_planned_roots(load_ctx *c, ll_error *err)
{
	const ll_keyset *removed = c->roots_out;
	for (size_t i = 0; i < removed->cap; i++) {
		const ll_keyset_slot *s = &removed->slots[i];
		if (s->key && !ll_keyset_find(c->req->planned_roots, s->key, s->len)) {
			*c->req->replan = true;
			return ll_error_set(err, LL_ECONFLICT,
					    "Iceberg table %s.%s: rows with keys of this merge were "
					    "committed after its child tables were merged",
					    c->req->dataset, c->req->table->name);
		}
	}
	return LL_OK;
}

static ll_status prepare(void *user, const ll_iceberg_base *base, ll_arena *arena,
			 ll_iceberg_change *out, ll_error *err)
{
	load_ctx *c = user;
	c->ndeletes = 0;
	if (c->roots_out) {
		ll_keyset_free(c->roots_out);
		ll_keyset_init(c->roots_out);
	}
	/* committed before: its files are in, only what it removes is asked again */
	ll_status st = base->load_done ? LL_OK : place_jobs(c, base, err);
	if (st != LL_OK)
		return st;
	out->data = c->files;
	out->ndata = c->nfiles;
	switch (c->req->disposition) {
	case LL_WRITE_REPLACE:
		out->operation = "overwrite";
		out->remove_all = true;
		return LL_OK;
	case LL_WRITE_MERGE:
		st = plan_merge(c, base, arena, err);
		if (st == LL_OK && c->roots_out && c->ndeletes) {
			qsort(c->deletes, c->ndeletes, sizeof(*c->deletes), compare_deletes);
			st = collect_duplicate_roots(c, err);
		}
		if (st == LL_OK && c->req->planned_roots && !c->plan_only)
			st = check_planned_roots(c, err);
		out->nothing = c->nfiles == 0 && c->ndeletes == 0;
		break;
	default:
		break;
	}
	out->operation = !c->ndeletes ? "append" : c->nfiles ? "overwrite" : "delete";
	if (st != LL_OK || c->ndeletes == 0 || c->plan_only)
		return st;
	ll_iceberg_data_file *dels = NULL;
	st = write_deletes(c, base, arena, &dels, &out->ndeletes, err);
	out->deletes = dels;
	return st;
}

static ll_status run(const ll_iceberg_load_request *req, ll_keyset *roots,
		     ll_iceberg_commit_result *res, ll_error *err)
{
	/* a checked root collects the roots it removes as a plan does */
	ll_keyset removed;
	ll_keyset_init(&removed);
	load_ctx c = { .req = req, .roots_out = roots ? roots : req->planned_roots ? &removed : NULL,
		       .plan_only = res == NULL };
	ll_arena_init(&c.arena, 0);
	ll_iceberg_commit_target target = { .catalog = req->catalog, .storage = req->storage,
					    .dataset = req->dataset, .table = req->table,
					    .load_id = req->load_id, .load_nonce = req->load_nonce,
					    .again = req->removed_roots != NULL };
	ll_status st = res ? ll_iceberg_commit(&target, prepare, &c, res, err)
			   : ll_iceberg_plan(&target, prepare, &c, err);
	ll_keyset_free(&removed);
	free(c.deletes);
	ll_arena_free(&c.arena);
	if (st != LL_OK) {
		ll_error_set_table(err, req->table->name, NULL);
		ll_error_prefix(err, "Iceberg table %s.%s", req->dataset, req->table->name);
	}
	return st;
}

ll_status ll_iceberg_load_table(const ll_iceberg_load_request *req, ll_iceberg_commit_result *res,
				ll_error *err)
{
	return run(req, NULL, res, err);
}

ll_status ll_iceberg_merge_plan_roots(const ll_iceberg_load_request *req, ll_keyset *roots,
				      ll_error *err)
{
	return run(req, roots, NULL, err);
}
