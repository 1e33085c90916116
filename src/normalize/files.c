/*
 * Output files of the normalizer: one open file per table that has rows,
 * through the row sink.
 *
 * Invariants: an open file has the table's first file_columns columns, in
 * table order, so a row value's column index is also its index in the file;
 * a row is written only once the file has every column the table has.
 * n->buffered is the sum of the buffered bytes the sink last reported for
 * the open files, and is brought back under the budget after every row by
 * flushing the largest buffer. n->open_files never exceeds max_open_files:
 * the least recently written file is closed to make room. A file that is closed moves to n->done, and
 * until finish hands n->done to the caller those files are removed on
 * failure.
 */
#include "normalize/normalize_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/hash.h"
#include "util/log.h"

static void column_spec(ll_norm_table *nt, size_t i, ll_parquet_column_spec *spec)
{
	ll_column *c = &nt->t->columns[i];
	/* Iceberg readers map columns by field id, so every column of an Iceberg file needs one */
	if (nt->iceberg && c->field_id < 0)
		c->field_id = nt->next_field_id++;
	spec->name = c->name;
	spec->type = c->type;
	spec->precision = c->type == LL_TYPE_DECIMAL ? (c->precision > 0 ? c->precision : 38) : 0;
	spec->scale = c->type == LL_TYPE_DECIMAL ? (c->precision > 0 ? c->scale : 9) : 0;
	spec->nullable = c->nullable;
	spec->field_id = c->field_id;
}

static ll_status file_close(ll_normalizer *n, ll_norm_table *nt, ll_error *err);

/* Giving a column a field id changes the schema: a parallel load takes its turn first. */
static ll_status field_ids_ready(ll_normalizer *n, const ll_norm_table *nt, size_t from,
				ll_error *err)
{
	for (size_t i = from; nt->iceberg && i < nt->t->ncolumns; i++) {
		if (nt->t->columns[i].field_id < 0)
			return ll_norm_acquire(n, err);
	}
	return LL_OK;
}

/* Closes the file written to least recently, to stay within max_open_files. */
static ll_status close_least_recent(ll_normalizer *n, ll_error *err)
{
	ll_norm_table *oldest = NULL;
	for (size_t i = 0; i < n->ntables; i++) {
		ll_norm_table *nt = &n->tables[i];
		if (nt->file && (!oldest || nt->last_write < oldest->last_write))
			oldest = nt;
	}
	if (!oldest)
		return LL_OK;
	ll_log(n->logger, LL_LOG_DEBUG, "%zu files open: closing the file of table %s", n->open_files,
	       oldest->t->name);
	return file_close(n, oldest, err);
}

static ll_status file_open(ll_normalizer *n, ll_norm_table *nt, ll_error *err)
{
	if (n->open_files >= n->max_open_files) {
		ll_status st = close_least_recent(n, err);
		if (st != LL_OK)
			return st;
	}
	ll_status st = field_ids_ready(n, nt, 0, err);
	if (st != LL_OK)
		return st;
	const ll_table *t = nt->t;
	uint64_t seed = ll_hash64(t->name, strlen(t->name), n->load_seed ^ 0x66696c65ULL);
	ll_row_id(n->file_salt ? ll_mix64(seed ^ n->file_salt) : seed, nt->files++, nt->file_id);
	ll_buf path = LL_BUF_INIT;
	ll_buf_printf(&path, "%s/%s.%s.parquet", n->out_dir, t->name, nt->file_id);
	ll_parquet_column_spec *specs = calloc(t->ncolumns ? t->ncolumns : 1, sizeof(*specs));
	if (!specs || ll_buf_oom(&path)) {
		free(specs);
		ll_buf_free(&path);
		return ll_error_oom(err);
	}
	for (size_t i = 0; i < t->ncolumns; i++)
		column_spec(nt, i, &specs[i]);
	ll_parquet_writer_options opt = n->parquet;
	opt.timestamp_unit = nt->unit;
	st = n->sink.open(n->sink.user, path.data, specs, t->ncolumns, &opt, &nt->file, err);
	free(specs);
	if (st != LL_OK) {
		nt->file = NULL;
		ll_buf_free(&path);
		ll_error_set_table(err, t->name, NULL);
		return st;
	}
	nt->file_path = ll_buf_detach(&path);
	nt->file_columns = t->ncolumns;
	nt->buffered = 0;
	n->open_files++;
	return LL_OK;
}

static ll_status done_add(ll_normalizer *n, ll_norm_table *nt, uint64_t rows, uint64_t bytes,
			  ll_error *err)
{
	if (n->ndone == n->done_cap) {
		size_t cap = n->done_cap ? n->done_cap * 2 : 16;
		ll_job_file *d = realloc(n->done, cap * sizeof(*d));
		if (!d)
			return ll_error_oom(err);
		n->done = d;
		n->done_cap = cap;
	}
	ll_job_file *j = &n->done[n->ndone];
	j->table = strdup(nt->t->name);
	j->file_id = strdup(nt->file_id);
	j->path = nt->file_path;
	j->rows = rows;
	j->bytes = bytes;
	nt->file_path = NULL;
	n->ndone++;
	if (!j->table || !j->file_id)
		return ll_error_oom(err);
	return LL_OK;
}

static ll_status file_close(ll_normalizer *n, ll_norm_table *nt, ll_error *err)
{
	uint64_t rows = 0, bytes = 0;
	void *file = nt->file;
	nt->file = NULL;
	n->open_files--;
	n->buffered -= nt->buffered;
	nt->buffered = 0;
	ll_status st = n->sink.close(file, &rows, &bytes, err);
	if (st != LL_OK) {
		ll_error_set_table(err, nt->t->name, NULL);
		free(nt->file_path);
		nt->file_path = NULL;
		return st;
	}
	return done_add(n, nt, rows, bytes, err);
}

/* Brings the open file up to the table's columns, starting a new file if it refuses. */
static ll_status file_sync_columns(ll_normalizer *n, ll_norm_table *nt, ll_error *err)
{
	ll_status st = field_ids_ready(n, nt, nt->file_columns, err);
	while (st == LL_OK && nt->file_columns < nt->t->ncolumns) {
		ll_parquet_column_spec spec;
		column_spec(nt, nt->file_columns, &spec);
		st = n->sink.add_column(nt->file, &spec, err);
		if (st == LL_ECONFLICT) {
			ll_log(n->logger, LL_LOG_INFO,
			       "table %s: column %s appeared after a row group was written; continuing in a "
			       "new file",
			       nt->t->name, spec.name);
			st = file_close(n, nt, err);
			return st == LL_OK ? file_open(n, nt, err) : st;
		}
		if (st != LL_OK) {
			ll_error_set_table(err, nt->t->name, spec.name);
			return st;
		}
		nt->file_columns++;
	}
	return st;
}

/* Takes the bytes the table's file buffers now into the normalizer's total. */
static void recount(ll_normalizer *n, ll_norm_table *nt)
{
	size_t now = n->sink.buffered_bytes(nt->file);
	n->buffered = n->buffered - nt->buffered + now;
	nt->buffered = now;
}

/* Hands the table's buffered rows to its file as a row group. */
static ll_status flush_table(ll_normalizer *n, ll_norm_table *nt, ll_error *err)
{
	ll_status st = n->sink.flush(nt->file, err);
	if (st != LL_OK) {
		ll_error_set_table(err, nt->t->name, NULL);
		return st;
	}
	recount(n, nt);
	return LL_OK;
}

static ll_status flush_largest(ll_normalizer *n, ll_error *err)
{
	ll_norm_table *largest = NULL;
	for (size_t i = 0; i < n->ntables; i++) {
		ll_norm_table *nt = &n->tables[i];
		if (nt->file && (!largest || nt->buffered > largest->buffered))
			largest = nt;
	}
	if (!largest || largest->buffered == 0)
		return LL_OK;
	ll_log(n->logger, LL_LOG_DEBUG, "memory budget reached: flushing a row group of table %s",
	       largest->t->name);
	return flush_table(n, largest, err);
}

ll_status ll_norm_write_row(ll_normalizer *n, uint32_t table, ll_error *err)
{
	ll_norm_table *nt = &n->tables[table];
	ll_status st = nt->file ? file_sync_columns(n, nt, err) : file_open(n, nt, err);
	if (st != LL_OK)
		return st;
	st = n->sink.write_row(nt->file, nt->values, nt->nvalues, err);
	if (st != LL_OK) {
		ll_error_set_table(err, nt->t->name, NULL);
		return st;
	}
	recount(n, nt);
	nt->last_write = ++n->rows_written;
	/* a single flush can leave the total above budget when many tables buffer a little each */
	for (int i = 0; i < 4 && n->buffered > n->budget && st == LL_OK; i++)
		st = flush_largest(n, err);
	return st;
}

ll_status ll_norm_flush_files(ll_normalizer *n, ll_error *err)
{
	ll_status st = LL_OK;
	for (size_t i = 0; i < n->ntables && st == LL_OK; i++) {
		ll_norm_table *nt = &n->tables[i];
		if (nt->file && nt->buffered)
			st = flush_table(n, nt, err);
	}
	return st;
}

ll_status ll_norm_close_files(ll_normalizer *n, ll_error *err)
{
	/* every table's last row group is handed to its writer's thread first, so
	 * they are encoded at once rather than one after another as the files close */
	ll_status st = ll_norm_flush_files(n, err);
	for (size_t i = 0; i < n->ntables && st == LL_OK; i++) {
		if (n->tables[i].file)
			st = file_close(n, &n->tables[i], err);
	}
	return st;
}

void ll_norm_discard_files(ll_normalizer *n)
{
	for (size_t i = 0; i < n->ntables; i++) {
		ll_norm_table *nt = &n->tables[i];
		if (nt->file)
			n->sink.abort(nt->file);
		nt->file = NULL;
		free(nt->file_path);
		nt->file_path = NULL;
	}
	n->open_files = 0;
	for (size_t i = 0; i < n->ndone; i++)
		remove(n->done[i].path);
}
