/*
 * Equality deletes resolved per data file; see deletes.h.
 */
#include "iceberg/deletes.h"

#include <stdlib.h>
#include <string.h>

#include "iceberg/keyset.h"
#include "iceberg/rows.h"
#include "iceberg/scan.h"

bool ll_iceberg_positions_push(ll_iceberg_positions *p, uint64_t pos)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		uint64_t *grown = realloc(p->v, cap * sizeof(*grown));
		if (!grown)
			return false;
		p->v = grown;
		p->cap = cap;
	}
	p->v[p->n++] = pos;
	return true;
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

void ll_iceberg_positions_sort_unique(ll_iceberg_positions *p)
{
	if (p->n < 2)
		return;
	qsort(p->v, p->n, sizeof(*p->v), compare_u64);
	size_t kept = 1;
	for (size_t k = 1; k < p->n; k++)
		if (p->v[k] != p->v[kept - 1])
			p->v[kept++] = p->v[k];
	p->n = kept;
}

void ll_iceberg_positions_free(ll_iceberg_positions *p)
{
	free(p->v);
	memset(p, 0, sizeof(*p));
}

typedef struct equality_file {
	const ll_iceberg_data_file *file;
	int64_t sequence_number;
	int32_t spec_id;
	bool loaded;
	ll_keyset keys;
} equality_file;

struct ll_iceberg_equality_deletes {
	ll_storage *storage;
	const ll_iceberg_metadata *md;
	equality_file *files;
	size_t n, cap, loaded;
	ll_buf key; /* scratch for one encoded row */
};

ll_iceberg_equality_deletes *ll_iceberg_equality_deletes_new(ll_storage *storage,
							     const ll_iceberg_metadata *md)
{
	ll_iceberg_equality_deletes *d = calloc(1, sizeof(*d));
	if (d) {
		d->storage = storage;
		d->md = md;
	}
	return d;
}

ll_status ll_iceberg_equality_deletes_add(ll_iceberg_equality_deletes *d,
					  const ll_iceberg_data_file *file, int64_t sequence_number,
					  int32_t spec_id, ll_error *err)
{
	if (file->nequality_ids == 0 || file->nequality_ids > LL_ICEBERG_READ_FIELDS)
		return ll_error_set(err, LL_EFORMAT, "equality delete file %s has %zu equality ids "
				    "(1 to %d are readable)", file->file_path, file->nequality_ids,
				    LL_ICEBERG_READ_FIELDS);
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 8;
		equality_file *grown = realloc(d->files, cap * sizeof(*grown));
		if (!grown)
			return ll_error_oom(err);
		d->files = grown;
		d->cap = cap;
	}
	d->files[d->n++] = (equality_file){ .file = file, .sequence_number = sequence_number,
					    .spec_id = spec_id };
	return LL_OK;
}

/* Whether delete file e covers a data file of this sequence number and partition. */
static bool applies(const ll_iceberg_equality_deletes *d, const equality_file *e,
		    const ll_iceberg_data_file *data, int64_t sequence_number, int32_t spec_id)
{
	const ll_iceberg_data_file *del = e->file;
	if (sequence_number >= e->sequence_number)
		return false;
	if (del->npartition == 0)
		return true;
	if (spec_id != e->spec_id || data->npartition != del->npartition)
		return false;
	return ll_iceberg_partitions_equal(ll_iceberg_metadata_spec(d->md, spec_id),
					   ll_iceberg_metadata_current_schema(d->md), data->partition,
					   del->partition, data->npartition);
}

bool ll_iceberg_equality_deletes_touch(const ll_iceberg_equality_deletes *d,
				       const ll_iceberg_data_file *data, int64_t sequence_number,
				       int32_t spec_id)
{
	for (size_t i = 0; d && i < d->n; i++)
		if (applies(d, &d->files[i], data, sequence_number, spec_id))
			return true;
	return false;
}

static void encode_row(const ll_value *const *v, size_t n, ll_buf *out)
{
	ll_buf_clear(out);
	for (size_t k = 0; k < n; k++)
		ll_keyset_encode_value(v[k], out);
}

typedef struct key_ctx {
	ll_iceberg_equality_deletes *d;
	equality_file *e;
	ll_iceberg_positions *out;
} key_ctx;

static ll_status key_row(void *user, uint64_t pos, const ll_value *const *v, ll_error *err)
{
	(void)pos;
	key_ctx *c = user;
	encode_row(v, c->e->file->nequality_ids, &c->d->key);
	ll_keyset_slot *slot;
	bool added;
	return ll_keyset_put(&c->e->keys, c->d->key.data, c->d->key.len, 0, &slot, &added)
		       ? LL_OK
		       : ll_error_oom(err);
}

static ll_status match_row(void *user, uint64_t pos, const ll_value *const *v, ll_error *err)
{
	key_ctx *c = user;
	encode_row(v, c->e->file->nequality_ids, &c->d->key);
	if (!ll_keyset_find(&c->e->keys, c->d->key.data, c->d->key.len))
		return LL_OK;
	return ll_iceberg_positions_push(c->out, pos) ? LL_OK : ll_error_oom(err);
}

/* Reads a delete file's key set the first time it is needed. */
static ll_status load_keys(ll_iceberg_equality_deletes *d, equality_file *e, ll_error *err)
{
	if (e->loaded)
		return LL_OK;
	ll_keyset_init(&e->keys);
	e->loaded = true;
	d->loaded++;
	key_ctx c = { d, e, NULL };
	return ll_iceberg_read_rows(d->storage, e->file->file_path, e->file->equality_ids,
				    e->file->nequality_ids, key_row, &c, err);
}

ll_status ll_iceberg_equality_deletes_resolve(ll_iceberg_equality_deletes *d,
					      const ll_iceberg_data_file *data,
					      int64_t sequence_number, int32_t spec_id,
					      ll_iceberg_positions *out, ll_error *err)
{
	ll_status st = LL_OK;
	for (size_t i = 0; d && i < d->n && st == LL_OK; i++) {
		equality_file *e = &d->files[i];
		if (!applies(d, e, data, sequence_number, spec_id))
			continue;
		st = load_keys(d, e, err);
		key_ctx c = { d, e, out };
		if (st == LL_OK)
			st = ll_iceberg_read_rows(d->storage, data->file_path, e->file->equality_ids,
						  e->file->nequality_ids, match_row, &c, err);
	}
	return st;
}

size_t ll_iceberg_equality_deletes_loaded(const ll_iceberg_equality_deletes *d)
{
	return d ? d->loaded : 0;
}

void ll_iceberg_equality_deletes_free(ll_iceberg_equality_deletes *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++)
		if (d->files[i].loaded)
			ll_keyset_free(&d->files[i].keys);
	free(d->files);
	ll_buf_free(&d->key);
	free(d);
}
