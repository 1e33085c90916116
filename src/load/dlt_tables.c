/*
 * Rows of _dlt_loads, _dlt_version and _dlt_pipeline_state; see
 * dlt_tables.h. Each row is one small Parquet file: these tables get one row
 * per load, and one file per row is what lets every load commit its rows
 * atomically with its data.
 */
#include "load/dlt_tables.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util/base64.h"
#include "util/hash.h"
#include "util/time.h"

/* A cell of a dlt row, matched to the table's columns by name. */
typedef struct dlt_cell {
	const char *column;
	const char *text; /* text columns */
	int64_t number;   /* bigint and timestamp columns */
} dlt_cell;

static const dlt_cell *find_cell(const dlt_cell *cells, size_t n, const char *column)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(cells[i].column, column) == 0)
			return &cells[i];
	}
	return NULL;
}

static void put_cells(ll_parquet_writer *w, const ll_table *t, const dlt_cell *cells, size_t n)
{
	for (size_t c = 0; c < t->ncolumns; c++) {
		const dlt_cell *cell = find_cell(cells, n, t->columns[c].name);
		if (!cell)
			ll_parquet_writer_put_null(w, c);
		else if (t->columns[c].type == LL_TYPE_TEXT)
			ll_parquet_writer_put_bytes(w, c, cell->text, strlen(cell->text));
		else
			ll_parquet_writer_put_int64(w, c, cell->number);
	}
}

static ll_status write_row(const char *package_dir, const ll_dlt_rows *rows, const char *table,
			   const dlt_cell *cells, size_t n, ll_package_manifest *m, ll_error *err)
{
	const ll_table *t = ll_schema_find_table(rows->schema, table);
	if (!t)
		return ll_error_set(err, LL_EINVAL, "schema %s has no %s table", rows->schema->name, table);
	ll_parquet_column_spec *specs = calloc(t->ncolumns ? t->ncolumns : 1, sizeof(*specs));
	ll_package_job *jobs = realloc(m->jobs, (m->njobs + 1) * sizeof(*jobs));
	if (!specs || !jobs) {
		free(specs);
		if (jobs)
			m->jobs = jobs;
		return ll_error_oom(err);
	}
	m->jobs = jobs;
	for (size_t c = 0; c < t->ncolumns; c++) {
		specs[c].name = t->columns[c].name;
		specs[c].type = t->columns[c].type;
		specs[c].nullable = true;
		specs[c].field_id = t->columns[c].field_id;
	}
	/* one file per table and package: the nonce keeps it apart from another
	 * package's with the same load id */
	const char *file_id = m->nonce && m->nonce[0] ? m->nonce : "0";
	ll_package_job job = { .table = strdup(table), .file_id = strdup(file_id), .rows = 1 };
	ll_buf path = LL_BUF_INIT;
	ll_package_job_path(&path, package_dir, &job);
	ll_parquet_writer_options opt;
	ll_parquet_writer_options_init(&opt);
	opt.codec = rows->codec;
	opt.timestamp_unit = t->table_format == LL_FORMAT_ICEBERG ? LL_TS_MICROS : rows->timestamp_unit;
	/* the caller syncs all of the package's files together before committing it */
	opt.defer_sync = true;
	ll_parquet_writer *w = NULL;
	ll_parquet_file_info info = { 0 };
	ll_status st = (!job.table || !job.file_id || ll_buf_oom(&path)) ? ll_error_oom(err) : LL_OK;
	if (st == LL_OK)
		st = ll_parquet_writer_open(&w, path.data, specs, t->ncolumns, &opt, err);
	if (st == LL_OK) {
		put_cells(w, t, cells, n);
		st = ll_parquet_writer_end_row(w, err);
		if (st == LL_OK)
			st = ll_parquet_writer_close(w, &info, err);
		else
			ll_parquet_writer_abort(w);
	}
	free(specs);
	ll_buf_free(&path);
	if (st != LL_OK) {
		free(job.table);
		free(job.file_id);
		return st;
	}
	job.bytes = info.file_size;
	m->jobs[m->njobs++] = job;
	return LL_OK;
}

ll_status ll_dlt_encode_state(const char *json, ll_buf *out, ll_error *err)
{
	size_t len = strlen(json);
	uLongf cap = compressBound((uLong)len);
	unsigned char *z = malloc(cap);
	if (!z)
		return ll_error_oom(err);
	if (compress2(z, &cap, (const Bytef *)json, (uLong)len, Z_BEST_COMPRESSION) != Z_OK) {
		free(z);
		return ll_error_set(err, LL_EIO, "cannot compress pipeline state");
	}
	ll_base64_encode(z, cap, out);
	free(z);
	return ll_buf_oom(out) ? ll_error_oom(err) : LL_OK;
}

ll_status ll_dlt_decode_state(const char *encoded, size_t len, ll_buf *json, ll_error *err)
{
	ll_buf raw = LL_BUF_INIT;
	if (!ll_base64_decode(encoded, len, &raw)) {
		ll_buf_free(&raw);
		return ll_error_set(err, LL_EFORMAT, "pipeline state is not valid base64");
	}
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	ll_status st = inflateInit(&zs) == Z_OK ? LL_OK : ll_error_oom(err);
	zs.next_in = (Bytef *)raw.data;
	zs.avail_in = (uInt)raw.len;
	int rc = Z_OK;
	while (st == LL_OK && rc != Z_STREAM_END) {
		if (!ll_buf_reserve(json, 4096)) {
			st = ll_error_oom(err);
			break;
		}
		zs.next_out = (Bytef *)json->data + json->len;
		zs.avail_out = (uInt)(json->cap - json->len - 1);
		size_t before = zs.avail_out;
		rc = inflate(&zs, Z_NO_FLUSH);
		json->len += before - zs.avail_out;
		json->data[json->len] = '\0';
		if (rc != Z_OK && rc != Z_STREAM_END)
			st = ll_error_set(err, LL_EFORMAT, "pipeline state is not a valid zlib stream");
	}
	inflateEnd(&zs);
	ll_buf_free(&raw);
	return st;
}

ll_status ll_dlt_write_rows(const char *package_dir, const ll_dlt_rows *rows,
			    ll_package_manifest *m, ll_error *err)
{
	int64_t now = ll_time_now_micros();
	const ll_schema *s = rows->schema;
	const dlt_cell loads[] = {
		{ "load_id", rows->load_id, 0 },     { "schema_name", s->name, 0 },
		{ "status", NULL, 0 },               { "inserted_at", NULL, now },
		{ "schema_version_hash", s->version_hash, 0 },
	};
	ll_status st = write_row(package_dir, rows, LL_DLT_LOADS_TABLE, loads, 5, m, err);
	if (st == LL_OK && rows->schema_changed) {
		ll_buf text = LL_BUF_INIT;
		ll_schema_to_json(s, &text);
		const dlt_cell version[] = {
			{ "version", NULL, s->version },
			{ "engine_version", NULL, LL_SCHEMA_ENGINE_VERSION },
			{ "inserted_at", NULL, now },
			{ "schema_name", s->name, 0 },
			{ "version_hash", s->version_hash, 0 },
			{ "schema", ll_buf_cstr(&text), 0 },
		};
		st = ll_buf_oom(&text) ? ll_error_oom(err)
				       : write_row(package_dir, rows, "_dlt_version", version, 6, m, err);
		ll_buf_free(&text);
	}
	if (st == LL_OK && rows->state_json) {
		ll_buf state = LL_BUF_INIT;
		char hash[24], id[15];
		snprintf(hash, sizeof(hash), "%016llx",
			 (unsigned long long)ll_hash64(rows->state_json, strlen(rows->state_json), 0));
		uint64_t seed = 1 ^ ll_package_nonce_value(m->nonce);
		ll_dlt_id(ll_hash64(rows->load_id, strlen(rows->load_id), seed), 0, id);
		st = ll_dlt_encode_state(rows->state_json, &state, err);
		const dlt_cell cells[] = {
			{ "version", NULL, rows->state_version },
			{ "engine_version", NULL, 4 },
			{ "pipeline_name", rows->pipeline_name, 0 },
			{ "state", ll_buf_cstr(&state), 0 },
			{ "created_at", NULL, now },
			{ "version_hash", hash, 0 },
			{ "_dlt_load_id", rows->load_id, 0 },
			{ "_dlt_id", id, 0 },
		};
		if (st == LL_OK)
			st = write_row(package_dir, rows, "_dlt_pipeline_state", cells, 8, m, err);
		ll_buf_free(&state);
	}
	return st;
}
