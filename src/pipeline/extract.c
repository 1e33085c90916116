/*
 * Loading new records: extract and normalize fused into one pass.
 *
 * A load reads records (from a file or from memory), normalizes each one
 * straight into Parquet job files inside a package in extracting/, and on
 * commit does three steps, which a caller may also take one at a time:
 * seal (write the dlt tables, the schema and the manifest into the package,
 * still in extracting/, so a crash or an abort discards it), publish (move
 * it to normalized/: from here it is loaded exactly once, by this process
 * or the next run) and finish (load it). The working schema is a copy of
 * the live one, so a load that fails changes nothing: its package is removed
 * and the live schema is untouched.
 *
 * A load may build on another that is sealed but not loaded yet (`lakeload
 * run` seals every resource before it publishes any): its schema, pipeline
 * state and state version start from that load's, so loading the two in
 * order is the same as making and loading them one after the other.
 */
#include "pipeline/pipeline_internal.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "extract/input.h"
#include "json/json.h"
#include "formats/iceberg/partition.h"
#include "load/dlt_tables.h"
#include "load/layout.h"
#include "load/loader_iceberg.h"
#include "load/package.h"
#include "normalize/normalize.h"
#include "normalize/pool.h"
#include "util/arena.h"
#include "util/failpoint.h"
#include "util/fs.h"
#include "util/fs_batch.h"
#include "util/time.h"

struct ll_load {
	ll_pipeline *p;
	char load_id[32];
	uint64_t nonce; /* the package's (load/package.h) */
	ll_buf dir; /* the package directory in extracting/ */
	ll_schema *schema;
	char *root;
	ll_write_disposition disposition;
	ll_normalizer *norm; /* the load's normalizer; in a parallel load, its first thread's */
	ll_normalize_pool *pool; /* norm and the other threads of parallel loads; NULL: none yet */
	unsigned detections;
	int max_nesting;
	ll_arena arena;
	char *source;
	char *fingerprint;
	uint64_t records;
	char **primary_key;
	size_t nprimary_key;
	char **merge_key;
	size_t nmerge_key;
	/* both keys' columns, normalized: dlt makes them not nullable */
	char **key_columns;
	size_t nkey_columns;
	json_t *sources_state; /* the sources' state this load makes current; NULL: unchanged */
	int64_t built_on;      /* how many sealed, unloaded loads this one builds on */
	ll_load_info info;     /* what the load holds, once sealed */
	/* progress */
	const ll_input *input;
	uint64_t input_total;
	uint64_t bytes_done, total_done; /* of the inputs read before the current one */
	double started, last_progress;
};

static ll_status apply_column_hint(ll_table *t, const ll_column_hint *h, ll_error *err)
{
	ll_buf name = LL_BUF_INIT;
	ll_naming_normalize_path(h->name, strlen(h->name), &name);
	if (ll_buf_oom(&name))
		return ll_error_oom(err);
	long idx = ll_table_find_column(t, name.data, name.len);
	ll_status st = LL_OK;
	if (idx < 0) {
		ll_column col = { .name = name.data, .type = h->type, .precision = h->precision,
				  .scale = h->scale, .nullable = h->nullable, .field_id = -1 };
		st = ll_table_add_column(t, &col, NULL, err);
	} else if (h->type != t->columns[idx].type) {
		ll_error_set_table(err, t->name, name.data);
		st = ll_error_set(err, LL_ESCHEMA,
				  "column %s of table %s already has type %s; a hint cannot change it to %s",
				  name.data, t->name, ll_data_type_name(t->columns[idx].type),
				  ll_data_type_name(h->type));
	}
	ll_buf_free(&name);
	return st;
}

/* Key i of the load as given: its primary keys, then its merge keys. */
static const char *given_key(const ll_load *l, size_t i)
{
	return i < l->nprimary_key ? l->primary_key[i] : l->merge_key[i - l->nprimary_key];
}

/*
 * Marks the key columns, not nullable as dlt makes them (the normalizer made
 * every record give them a value). Runs after normalization, when every
 * column the data brought exists, so a key may name a column first seen in
 * this load.
 */
static ll_status apply_keys(const ll_load *l, ll_table *t, ll_error *err)
{
	for (size_t i = 0; i < l->nkey_columns; i++) {
		bool merge = i >= l->nprimary_key;
		long idx = ll_table_find_column(t, l->key_columns[i], strlen(l->key_columns[i]));
		if (idx < 0) {
			ll_error_set_table(err, t->name, l->key_columns[i]);
			return ll_error_set(err, LL_ESCHEMA, "%s key column %s does not occur in the data of table %s",
					    merge ? "merge" : "primary", given_key(l, i), t->name);
		}
		if (merge)
			t->columns[idx].merge_key = true;
		else
			t->columns[idx].primary_key = true;
		t->columns[idx].nullable = false;
	}
	return LL_OK;
}

/*
 * The columns of the primary and merge keys, normalized, for the normalizer;
 * those the root table has already are made not nullable before the load's
 * files are written, as dlt merges the keys' nullable=False into them.
 */
static ll_status collect_key_columns(ll_load *l, ll_table *root, ll_error *err)
{
	size_t n = l->nprimary_key + l->nmerge_key;
	/* not in l->arena: extraction resets it for every record */
	l->key_columns = calloc(n + 1, sizeof(*l->key_columns));
	if (!l->key_columns)
		return ll_error_oom(err);
	ll_buf name = LL_BUF_INIT;
	ll_status st = LL_OK;
	for (size_t i = 0; i < n && st == LL_OK; i++) {
		ll_naming_normalize_path(given_key(l, i), strlen(given_key(l, i)), &name);
		char *copy = ll_buf_oom(&name) ? NULL : strdup(ll_buf_cstr(&name));
		if (!copy) {
			st = ll_error_oom(err);
			break;
		}
		l->key_columns[l->nkey_columns++] = copy;
		long idx = ll_table_find_column(root, copy, name.len);
		if (idx >= 0)
			root->columns[idx].nullable = false;
	}
	ll_buf_free(&name);
	return st;
}

static ll_status copy_keys(const char *const *keys, size_t n, char ***out, ll_error *err)
{
	*out = calloc(n + 1, sizeof(char *));
	if (!*out)
		return ll_error_oom(err);
	for (size_t i = 0; i < n; i++) {
		if (!((*out)[i] = strdup(keys[i])))
			return ll_error_oom(err);
	}
	return LL_OK;
}

static void free_keys(char **keys, size_t n)
{
	for (size_t i = 0; keys && i < n; i++)
		free(keys[i]);
	free(keys);
}

/* Checks and records the partition expressions of a table that has none yet. */
static ll_status apply_partition(ll_table *t, const ll_resource *res, ll_error *err)
{
	if (res->npartition && t->table_format != LL_FORMAT_ICEBERG) {
		ll_error_set_table(err, t->name, NULL);
		return ll_error_set(err, LL_EINVAL,
				    "table %s: partitions need an Iceberg table (--table-format iceberg)",
				    t->name);
	}
	char **parts = calloc(res->npartition + 1, sizeof(*parts));
	if (!parts)
		return ll_error_oom(err);
	for (size_t i = 0; i < res->npartition; i++) {
		ll_iceberg_partition_expr e;
		ll_status st = ll_iceberg_partition_expr_parse(res->partition[i], &e, err);
		if (st == LL_OK && !(parts[i] = strdup(res->partition[i])))
			st = ll_error_oom(err);
		if (st != LL_OK) {
			free_keys(parts, i);
			return st;
		}
	}
	free(t->partition);
	t->partition = parts;
	t->npartition = res->npartition;
	return LL_OK;
}

static ll_status apply_resource(ll_load *l, const ll_resource *given, ll_error *err)
{
	ll_resource forced = *given;
	forced.table_format = l->p->force_iceberg ? LL_FORMAT_ICEBERG : given->table_format;
	const ll_resource *res = &forced;
	ll_buf name = LL_BUF_INIT;
	ll_naming_normalize_path(res->table, strlen(res->table), &name);
	l->root = ll_buf_detach(&name);
	if (!l->root)
		return ll_error_oom(err);
	ll_table *t = ll_schema_find_table(l->schema, l->root);
	if (t && t->table_format != res->table_format) {
		ll_error_set_table(err, l->root, NULL);
		return ll_error_set(err, LL_ESCHEMA,
				    "table %s is a %s table; switching it to %s is not supported (load into "
				    "a new table instead)",
				    l->root, ll_table_format_name(t->table_format),
				    ll_table_format_name(res->table_format));
	}
	ll_status st = ll_schema_add_table(l->schema, l->root, NULL, &t, err);
	if (st != LL_OK)
		return st;
	t->write_disposition = res->write_disposition;
	t->table_format = res->table_format;
	/* dlt keeps the hint in the table's schema: a load without one nests as the last did */
	if (res->max_table_nesting != 0)
		t->max_nesting = res->max_table_nesting;
	if (st == LL_OK && t->npartition == 0)
		st = apply_partition(t, res, err);
	for (size_t i = 0; i < res->ncolumns && st == LL_OK; i++)
		st = apply_column_hint(t, &res->columns[i], err);
	l->nprimary_key = res->nprimary_key;
	l->nmerge_key = res->nmerge_key;
	if (st == LL_OK)
		st = copy_keys(res->primary_key, res->nprimary_key, &l->primary_key, err);
	if (st == LL_OK)
		st = copy_keys(res->merge_key, res->nmerge_key, &l->merge_key, err);
	if (st == LL_OK)
		st = collect_key_columns(l, t, err);
	return st;
}

/*
 * The normalizer's Parquet sink, but each file is named as its package job
 * (a hash of "<table>.<file_id>"): the normalizer's own name holds the
 * table's name, which may be longer than a file name can be.
 */
static ll_status open_job_file(void *user, const char *path, const ll_parquet_column_spec *cols,
			       size_t ncols, const ll_parquet_writer_options *opt, void **file,
			       ll_error *err)
{
	(void)user;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t stem = strlen(base);
	if (stem > 8 && strcmp(base + stem - 8, ".parquet") == 0)
		stem -= 8;
	ll_buf job = LL_BUF_INIT;
	ll_buf_append(&job, path, (size_t)(base - path));
	ll_package_job_file_name(&job, base, stem);
	ll_status st = ll_buf_oom(&job) ? ll_error_oom(err)
					: ll_normalizer_parquet_sink()->open(NULL, job.data, cols, ncols,
									     opt, file, err);
	ll_buf_free(&job);
	return st;
}

/*
 * The normalizers of a load share the memory budget: 24 MiB, at least 8 MiB
 * each. Two threads with 12 MiB each run as fast as with 16 (a row group's
 * columns fit the caches better, making up for the dictionaries relearnt
 * per row group) in about 12 MiB less memory (bench/RESULTS.md).
 */
static size_t normalizer_budget(const ll_pipeline *p)
{
	size_t each = ((size_t)24 << 20) / p->threads;
	return each > ((size_t)8 << 20) ? each : (size_t)8 << 20;
}

/* Opens a normalizer for the load over schema; salt tells its job files apart. */
static ll_status open_normalizer(void *user, ll_schema *schema, uint32_t salt, ll_normalizer **out,
				 ll_error *err)
{
	ll_load *l = user;
	ll_normalize_options nopt = { 0 };
	ll_buf jobs = LL_BUF_INIT;
	ll_path_join(&jobs, ll_buf_cstr(&l->dir), "jobs");
	nopt.load_id = l->load_id;
	nopt.nonce = l->nonce;
	nopt.out_dir = ll_buf_cstr(&jobs);
	ll_parquet_writer_options_init(&nopt.parquet);
	nopt.parquet.codec = l->p->codec;
	/* write_package_files syncs the job files together, before the package
	 * is committed */
	nopt.parquet.defer_sync = true;
	nopt.logger = &l->p->logger;
	nopt.detections = l->detections;
	nopt.max_nesting = l->max_nesting;
	nopt.memory_budget = normalizer_budget(l->p);
	nopt.file_salt = salt;
	nopt.key_columns = (const char *const *)l->key_columns;
	nopt.nkey_columns = l->nkey_columns;
	ll_row_sink sink = *ll_normalizer_parquet_sink();
	sink.open = open_job_file;
	ll_status st = ll_buf_oom(&jobs)
			       ? ll_error_oom(err)
			       : ll_normalizer_open_sink(out, schema, l->root, &nopt, &sink, err);
	ll_buf_free(&jobs);
	return st;
}

static void warn_merge_fallback(ll_load *l)
{
	const ll_table *t = ll_schema_find_table(l->schema, l->root);
	if (l->disposition == LL_WRITE_MERGE && t && t->table_format == LL_FORMAT_HIVE)
		ll_log(&l->p->logger, LL_LOG_WARN,
		       "table %s is not an Iceberg table, so merge falls back to append (as in dlt's "
		       "Athena destination); use --table-format iceberg to merge",
		       l->root);
}

ll_status ll_pipeline_begin_load(ll_pipeline *p, const ll_resource *res, ll_load **out, ll_error *err)
{
	return ll_pipeline_begin_load_after(p, NULL, res, out, err);
}

ll_status ll_pipeline_begin_load_after(ll_pipeline *p, const ll_load *prev, const ll_resource *res,
				       ll_load **out, ll_error *err)
{
	*out = NULL;
	if (!res || !res->table || !res->table[0])
		return ll_error_set(err, LL_EINVAL, "a table name is required (--table NAME)");
	ll_load *l = calloc(1, sizeof(*l));
	if (!l)
		return ll_error_oom(err);
	l->p = p;
	l->disposition = res->write_disposition;
	l->started = l->last_progress = ll_time_monotonic();
	ll_arena_init(&l->arena, 0);
	ll_pipeline_new_load_id(p, l->load_id);
	l->nonce = ll_package_new_nonce();
	l->built_on = prev ? prev->built_on + 1 : 0;
	ll_status st = ll_schema_clone(prev ? prev->schema : p->schema, &l->schema, err);
	if (st == LL_OK && prev && prev->sources_state)
		st = ll_load_set_sources_state(l, prev->sources_state, err);
	if (st == LL_OK)
		st = apply_resource(l, res, err);
	if (st == LL_OK)
		st = ll_package_create(p->dir, l->load_id, &l->dir, err);
	if (st == LL_OK) {
		warn_merge_fallback(l);
		l->detections = res->detections;
		l->max_nesting = ll_schema_find_table(l->schema, l->root)->max_nesting;
		st = open_normalizer(l, l->schema, 0, &l->norm, err);
	}
	if (st != LL_OK) {
		ll_load_abort(l);
		return st;
	}
	*out = l;
	return LL_OK;
}

void ll_load_set_progress_input(ll_load *l, const ll_input *in, uint64_t total)
{
	if (l->input) {
		l->bytes_done += ll_input_bytes_read(l->input);
		l->total_done += l->input_total;
	}
	l->input = in;
	l->input_total = total;
}

/* Tells the pipeline's progress callback, at most ten times a second unless done. */
static void report_progress(ll_load *l, const char *source, bool done)
{
	if (!l->p->progress)
		return;
	double now = ll_time_monotonic();
	if (!done && now - l->last_progress < 0.1)
		return;
	l->last_progress = now;
	/* the inputs read so far, and the current one in full when its size is known */
	uint64_t bytes = l->bytes_done + (l->input ? ll_input_bytes_read(l->input) : 0);
	uint64_t total = l->input_total ? l->total_done + l->input_total
			 : l->input	? 0
					: l->total_done;
	ll_progress pr = { source, l->records, bytes, total, now - l->started, done };
	l->p->progress(l->p->progress_user, &pr);
}

ll_status ll_load_push_source(ll_load *l, const ll_record_source *src, ll_error *err)
{
	ll_status st;
	for (;;) {
		if ((l->records & 255) == 0)
			report_progress(l, src->name, false);
		const ll_json_value *record;
		uint64_t line = 0, column = 0;
		ll_arena_reset(&l->arena);
		st = src->next(src->user, &l->arena, &record, &line, &column, err);
		if (st != LL_OK || !record)
			break;
		st = ll_normalizer_push(l->norm, record, src->name, line, column, err);
		if (st != LL_OK)
			break;
		l->records++;
	}
	return st;
}

static ll_status next_json_record(void *user, ll_arena *arena, const ll_json_value **record,
				  uint64_t *line, uint64_t *column, ll_error *err)
{
	ll_json_reader *reader = user;
	ll_status st = ll_json_reader_next(reader, arena, record, err);
	if (st == LL_OK && *record)
		ll_json_reader_record_position(reader, line, column);
	return st;
}

ll_status ll_json_record_source_open(ll_record_source *src, ll_input *in, ll_error *err)
{
	ll_json_reader *reader;
	ll_status st = ll_json_reader_open(&reader, in, err);
	if (st == LL_OK)
		*src = (ll_record_source){ next_json_record, reader, ll_input_name(in) };
	return st;
}

void ll_json_record_source_close(ll_record_source *src)
{
	ll_json_reader_free(src->user);
	src->user = NULL;
}

static void pool_progress(void *user, uint64_t records)
{
	ll_load *l = user;
	l->records = records;
	report_progress(l, l->input ? ll_input_name(l->input) : "<records>", false);
}

/*
 * Pushes every record of a JSON input through the normalizers: in pieces
 * when it can be cut. last: the load gets no record after these.
 */
static ll_status push_input(ll_load *l, ll_input *in, bool last, ll_error *err)
{
	ll_status st = LL_OK;
	if (!l->pool) {
		ll_normalize_pool_options opt = { .threads = l->p->threads,
						  .piece_bytes = l->p->piece_bytes,
						  .open = open_normalizer, .open_user = l,
						  .progress = pool_progress, .progress_user = l };
		st = ll_normalize_pool_open(&l->pool, l->norm, &opt, err);
	}
	bool done = false;
	if (st == LL_OK)
		st = ll_normalize_pool_push(l->pool, in, last, &l->records, &done, err);
	if (st != LL_OK || done)
		return st;
	ll_record_source src;
	st = ll_json_record_source_open(&src, in, err);
	if (st != LL_OK)
		return st;
	st = ll_load_push_source(l, &src, err);
	ll_json_record_source_close(&src);
	return st;
}

ll_status ll_load_push_json(ll_load *l, const char *json, size_t len, ll_error *err)
{
	ll_input *in;
	ll_status st = ll_input_open_memory(&in, json, len, "<records>", err);
	if (st != LL_OK)
		return st;
	st = push_input(l, in, false, err);
	ll_input_free(in);
	return st;
}

ll_status ll_load_set_sources_state(ll_load *l, const json_t *sources, ll_error *err)
{
	json_t *copy = json_deep_copy(sources);
	if (!copy)
		return ll_error_oom(err);
	json_decref(l->sources_state);
	l->sources_state = copy;
	return LL_OK;
}

const json_t *ll_load_sources_state(const ll_load *l)
{
	return l->sources_state ? l->sources_state : l->p->sources;
}

void ll_load_abort(ll_load *l)
{
	if (!l)
		return;
	ll_normalizer_free(l->norm);
	ll_normalize_pool_free(l->pool);
	if (l->dir.len)
		ll_fs_remove_tree(l->dir.data, NULL);
	ll_buf_free(&l->dir);
	ll_schema_free(l->schema);
	ll_arena_free(&l->arena);
	free(l->root);
	free(l->source);
	free(l->fingerprint);
	free_keys(l->primary_key, l->nprimary_key);
	free_keys(l->merge_key, l->nmerge_key);
	free_keys(l->key_columns, l->nkey_columns);
	json_decref(l->sources_state);
	free(l);
}

static ll_status manifest_add_jobs(ll_package_manifest *m, const ll_job_file *files, size_t n,
				   ll_error *err)
{
	m->jobs = calloc(n + 1, sizeof(*m->jobs));
	if (!m->jobs)
		return ll_error_oom(err);
	for (size_t i = 0; i < n; i++) {
		ll_package_job *j = &m->jobs[m->njobs++];
		j->table = strdup(files[i].table);
		j->file_id = strdup(files[i].file_id);
		j->rows = files[i].rows;
		j->bytes = files[i].bytes;
		if (!j->table || !j->file_id)
			return ll_error_oom(err);
	}
	return LL_OK;
}

/* Every table in the root's tree: what a replace empties. */
static ll_status manifest_add_tree(ll_package_manifest *m, const ll_schema *s, const char *root,
				   ll_error *err)
{
	const ll_table *r = ll_schema_find_table(s, root);
	m->tables = calloc(s->ntables + 1, sizeof(char *));
	if (!m->tables)
		return ll_error_oom(err);
	for (size_t i = 0; i < s->ntables; i++) {
		if (r && ll_schema_in_tree(s, s->tables[i], r) &&
		    !(m->tables[m->ntables++] = strdup(s->tables[i]->name)))
			return ll_error_oom(err);
	}
	return LL_OK;
}

static ll_status fill_manifest(ll_load *l, const ll_job_file *files, size_t n,
			       ll_package_manifest *m, ll_error *err)
{
	ll_pipeline *p = l->p;
	memset(m, 0, sizeof(*m));
	char nonce[LL_PACKAGE_NONCE_LEN + 1];
	ll_package_nonce_text(l->nonce, nonce);
	m->load_id = strdup(l->load_id);
	m->nonce = strdup(nonce);
	m->pipeline = strdup(p->name);
	m->dataset = strdup(p->dataset);
	m->root_table = strdup(l->root);
	m->source = strdup(l->source ? l->source : "<records>");
	m->fingerprint = strdup(l->fingerprint ? l->fingerprint : "");
	m->disposition = l->disposition;
	m->layout = strdup(p->layout ? p->layout : LL_LAYOUT_DEFAULT);
	m->root_rows = l->records;
	if (!m->load_id || !m->nonce || !m->pipeline || !m->dataset || !m->root_table || !m->source ||
	    !m->fingerprint || !m->layout)
		return ll_error_oom(err);
	ll_status st = manifest_add_jobs(m, files, n, err);
	if (st == LL_OK)
		st = manifest_add_tree(m, l->schema, l->root, err);
	return st;
}

/*
 * Writes the package's remaining files and makes the whole package durable.
 *
 * The commit point is ll_load_publish's rename of the package directory
 * from extracting/ to normalized/ (and the fsync of normalized/): from then
 * on the next run loads it. That rename makes reachable the package
 * directory's entries (manifest.json, schema.json, state.json, jobs/) and
 * every job file the manifest names, so all of them, file contents and
 * directory entries, must be durable before it. None of them is read by
 * anything while the package is in extracting/ (a crash there discards the
 * package whole), so their syncs need no order among themselves: the job
 * files are closed unsynced (defer_sync), the files written here are created
 * in place, and one batch (util/fs_batch.h) fsyncs them all and the two
 * directories together, at its end, before this returns. Only then may the
 * package be published; a failed sync fails the seal and the package is
 * discarded.
 */
static ll_status write_package_files(ll_load *l, ll_package_manifest *m, bool schema_changed,
				     ll_error *err)
{
	ll_pipeline *p = l->p;
	ll_fs_batch_begin();
	ll_buf state = LL_BUF_INIT, schema = LL_BUF_INIT, path = LL_BUF_INIT;
	/* the loads this one builds on each move the pipeline's state version by one when they load */
	int64_t version = p->state_version + l->built_on;
	ll_pipeline_state_json(p, version, l->sources_state, &state);
	ll_dlt_rows rows = { .load_id = l->load_id, .pipeline_name = p->name, .schema = l->schema,
			     .schema_changed = schema_changed, .state_json = ll_buf_cstr(&state),
			     .state_version = version + 1, .codec = p->codec,
			     .timestamp_unit = LL_TS_MILLIS };
	ll_status st = ll_buf_oom(&state) ? ll_error_oom(err) : ll_dlt_write_rows(l->dir.data, &rows, m, err);
	ll_schema_to_json(l->schema, &schema);
	ll_path_join(&path, l->dir.data, "schema.json");
	if (st == LL_OK && (ll_buf_oom(&schema) || ll_buf_oom(&path)))
		st = ll_error_oom(err);
	if (st == LL_OK)
		st = ll_fs_write_atomic(path.data, schema.data, schema.len, err);
	ll_buf_clear(&path);
	ll_path_join(&path, l->dir.data, "state.json");
	/* the state is adopted when the package loads, so a cursor moves exactly when its data lands */
	if (st == LL_OK && l->sources_state)
		st = ll_buf_oom(&path) ? ll_error_oom(err)
				       : ll_fs_write_atomic(path.data, state.data, state.len, err);
	if (st == LL_OK)
		st = ll_package_write_manifest(l->dir.data, m, err);
	if (st == LL_OK)
		st = ll_package_sync_jobs(l->dir.data, m, err);
	st = ll_fs_batch_end_after(st, err);
	ll_buf_free(&state);
	ll_buf_free(&schema);
	ll_buf_free(&path);
	return st;
}

static void summarize(const ll_package_manifest *m, ll_load_info *info)
{
	for (size_t i = 0; i < m->njobs; i++) {
		if (ll_schema_is_dlt_name(m->jobs[i].table))
			continue;
		info->rows += m->jobs[i].rows;
		info->files++;
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = strcmp(m->jobs[k].table, m->jobs[i].table) == 0;
		info->tables += !seen;
	}
}

/* Finishes normalization and writes the package; it stays in extracting/. */
static ll_status seal_package(ll_load *l, ll_package_manifest *m, ll_error *err)
{
	ll_job_file *files = NULL;
	size_t nfiles = 0;
	ll_status st = l->pool ? ll_normalize_pool_finish(l->pool, &files, &nfiles, err)
			       : ll_normalizer_finish(l->norm, &files, &nfiles, err);
	ll_table *root = ll_schema_find_table(l->schema, l->root);
	if (st == LL_OK)
		st = apply_keys(l, root, err);
	/* the last check against the data's columns: a failure discards the package */
	if (st == LL_OK && root->table_format == LL_FORMAT_ICEBERG)
		st = ll_loader_check_partitions(root, err);
	bool changed = ll_schema_update_version(l->schema);
	if (st == LL_OK)
		st = fill_manifest(l, files, nfiles, m, err);
	if (st == LL_OK)
		st = write_package_files(l, m, changed, err);
	ll_job_files_free(files, nfiles);
	return st;
}

ll_status ll_load_seal(ll_load *l, ll_load_info *info, ll_error *err)
{
	report_progress(l, l->source ? l->source : "<records>", true);
	ll_package_manifest m;
	memset(&m, 0, sizeof(m));
	ll_status st = seal_package(l, &m, err);
	if (st == LL_OK) {
		snprintf(l->info.load_id, sizeof(l->info.load_id), "%s", l->load_id);
		l->info.records = l->records;
		summarize(&m, &l->info);
		if (info)
			*info = l->info;
	}
	ll_package_manifest_free(&m);
	return st;
}

ll_status ll_load_publish(ll_load *l, ll_error *err)
{
	ll_status st = ll_package_move(l->p->dir, l->load_id, LL_PACKAGE_EXTRACTING,
				       LL_PACKAGE_NORMALIZED, err);
	if (st != LL_OK)
		return st;
	/* The package is durable in normalized/ now: from here a failure leaves it for the next run. */
	ll_buf_clear(&l->dir);
	ll_failpoint("after_normalize");
	return LL_OK;
}

ll_status ll_load_finish(ll_load *l, ll_load_info *info, ll_error *err)
{
	ll_load_info local;
	if (!info)
		info = &local;
	*info = l->info;
	ll_load_info loaded = { 0 };
	ll_status st = ll_pipeline_load_package(l->p, l->load_id, &loaded, err);
	if (st == LL_OK)
		info->files = loaded.files;
	if (st != LL_OK && !ll_pipeline_failed_for_good(st))
		ll_error_prefix(err, "load %s is saved and the next run will finish it", l->load_id);
	ll_load_abort(l);
	return st;
}

ll_status ll_load_commit(ll_load *l, ll_load_info *info, ll_error *err)
{
	ll_status st = ll_load_seal(l, NULL, err);
	if (st == LL_OK)
		st = ll_load_publish(l, err);
	if (st != LL_OK) {
		if (info)
			memset(info, 0, sizeof(*info));
		ll_load_abort(l);
		return st;
	}
	return ll_load_finish(l, info, err);
}

static ll_status input_fingerprint(const ll_pipeline *p, const char *path, const char *table,
				   ll_write_disposition d, char **out, ll_error *err)
{
	*out = NULL;
	if (strcmp(path, "-") == 0)
		return LL_OK;
	char resolved[PATH_MAX];
	uint64_t size;
	int64_t mtime;
	ll_status st = ll_fs_stat(path, &size, &mtime, err);
	if (st != LL_OK)
		return st;
	if (!realpath(path, resolved))
		return ll_error_set(err, LL_EIO, "cannot resolve %s", path);
	ll_buf fp = LL_BUF_INIT;
	ll_buf_printf(&fp, "%s|%llu|%lld|%s|%s|%s", resolved, (unsigned long long)size, (long long)mtime,
		      p->dataset, table, ll_write_disposition_name(d));
	if (ll_buf_oom(&fp))
		return ll_error_oom(err);
	*out = ll_buf_detach(&fp);
	return LL_OK;
}

bool ll_pipeline_loaded_before(const ll_pipeline *p, const char *fingerprint)
{
	for (size_t i = 0; fingerprint && i < p->nfinished; i++) {
		if (strcmp(p->finished_fingerprints[i], fingerprint) == 0)
			return true;
	}
	return false;
}

ll_status ll_load_set_input(ll_load *l, const char *source, const char *fingerprint, ll_error *err)
{
	free(l->source);
	free(l->fingerprint);
	l->source = strdup(source);
	l->fingerprint = fingerprint ? strdup(fingerprint) : NULL;
	return !l->source || (fingerprint && !l->fingerprint) ? ll_error_oom(err) : LL_OK;
}

uint64_t ll_load_records(const ll_load *l)
{
	return l->records;
}

ll_status ll_pipeline_load_file(ll_pipeline *p, const char *path, const ll_resource *res,
				ll_load_info *info, ll_error *err)
{
	ll_load_info local;
	if (!info)
		info = &local;
	memset(info, 0, sizeof(*info));
	ll_status st = ll_pipeline_resume(p, &info->resumed, err);
	char *fingerprint = NULL;
	if (st == LL_OK && res && res->table)
		st = input_fingerprint(p, path, res->table, res->write_disposition, &fingerprint, err);
	if (st == LL_OK && ll_pipeline_loaded_before(p, fingerprint)) {
		ll_log(&p->logger, LL_LOG_INFO,
		       "%s was already loaded by an interrupted run, finished now; not loading it again", path);
		info->already_loaded = true;
		free(fingerprint);
		return LL_OK;
	}
	ll_load *l = NULL;
	if (st == LL_OK)
		st = ll_pipeline_begin_load(p, res, &l, err);
	if (st == LL_OK)
		st = ll_load_set_input(l, path, fingerprint, err);
	free(fingerprint);
	ll_input *in = NULL;
	uint64_t size = 0;
	int64_t mtime;
	if (st == LL_OK)
		st = ll_input_open(&in, path, err);
	if (st == LL_OK && strcmp(path, "-") != 0 && ll_fs_stat(path, &size, &mtime, NULL) != LL_OK)
		size = 0;
	if (st == LL_OK)
		ll_load_set_progress_input(l, in, size);
	if (st == LL_OK) {
		st = push_input(l, in, true, err);
		ll_load_set_progress_input(l, NULL, 0);
	}
	ll_input_free(in);
	if (st != LL_OK) {
		ll_load_abort(l);
		return st;
	}
	size_t resumed = info->resumed;
	st = ll_load_commit(l, info, err);
	info->resumed = resumed;
	return st;
}
