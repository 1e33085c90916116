/*
 * Load package directories and their manifests; see package.h for the
 * state machine. Manifests are JSON so a person can read a stuck package.
 */
#include "load/package.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/fs.h"
#include "util/hash.h"
#include "util/random.h"

static const char *const state_dirs[LL_PACKAGE_STATES] = { "extracting", "normalized", "loaded",
							  "failed" };

const char *ll_package_state_name(ll_package_state state)
{
	return (unsigned)state < LL_PACKAGE_STATES ? state_dirs[state] : "unknown";
}

uint64_t ll_package_new_nonce(void)
{
	/* a random UUID, which has a fallback when the kernel gives no random bytes */
	char uuid[37];
	ll_random_uuid(uuid);
	uint64_t nonce = ll_hash64(uuid, 36, 0);
	return nonce ? nonce : 1;
}

void ll_package_nonce_text(uint64_t nonce, char out[LL_PACKAGE_NONCE_LEN + 1])
{
	snprintf(out, LL_PACKAGE_NONCE_LEN + 1, "%016llx", (unsigned long long)nonce);
}

uint64_t ll_package_nonce_value(const char *text)
{
	return text && text[0] ? strtoull(text, NULL, 16) : 0;
}

void ll_package_path(ll_buf *out, const char *pipeline_dir, ll_package_state state,
		     const char *load_id)
{
	ll_buf_printf(out, "%s/load/%s", pipeline_dir, state_dirs[state]);
	if (load_id)
		ll_buf_printf(out, "/%s", load_id);
}

void ll_package_job_file_name(ll_buf *out, const char *stem, size_t len)
{
	ll_buf_printf(out, "%016llx.parquet", (unsigned long long)ll_hash64(stem, len, 0));
}

void ll_package_job_path(ll_buf *out, const char *package_dir, const ll_package_job *job)
{
	if (job->legacy_name) {
		ll_buf_printf(out, "%s/jobs/%s.%s.parquet", package_dir, job->table, job->file_id);
		return;
	}
	ll_buf stem = LL_BUF_INIT;
	ll_buf_printf(&stem, "%s.%s", job->table, job->file_id);
	ll_buf_printf(out, "%s/jobs/", package_dir);
	if (ll_buf_oom(&stem))
		out->oom = true;
	else
		ll_package_job_file_name(out, stem.data, stem.len);
	ll_buf_free(&stem);
}

ll_status ll_package_create(const char *pipeline_dir, const char *load_id, ll_buf *dir,
			    ll_error *err)
{
	ll_buf_clear(dir);
	ll_package_path(dir, pipeline_dir, LL_PACKAGE_EXTRACTING, load_id);
	ll_buf jobs = LL_BUF_INIT;
	ll_path_join(&jobs, ll_buf_cstr(dir), "jobs");
	if (ll_buf_oom(dir) || ll_buf_oom(&jobs)) {
		ll_buf_free(&jobs);
		return ll_error_oom(err);
	}
	ll_status st = ll_fs_mkdirs(jobs.data, err);
	ll_buf_free(&jobs);
	return st;
}

void ll_package_manifest_free(ll_package_manifest *m)
{
	free(m->load_id);
	free(m->nonce);
	free(m->pipeline);
	free(m->dataset);
	free(m->root_table);
	free(m->layout);
	free(m->source);
	free(m->fingerprint);
	for (size_t i = 0; i < m->ntables; i++)
		free(m->tables[i]);
	free(m->tables);
	for (size_t i = 0; i < m->njobs; i++) {
		free(m->jobs[i].table);
		free(m->jobs[i].file_id);
	}
	free(m->jobs);
	memset(m, 0, sizeof(*m));
}

/* manifest.json's "job_names" since job files are named by a hash; absent before. */
#define JOB_NAMES_HASHED 2

static json_t *manifest_to_json(const ll_package_manifest *m)
{
	json_t *tables = json_array();
	for (size_t i = 0; i < m->ntables; i++)
		json_array_append_new(tables, json_string(m->tables[i]));
	json_t *jobs = json_array();
	for (size_t i = 0; i < m->njobs; i++) {
		const ll_package_job *j = &m->jobs[i];
		json_array_append_new(jobs, json_pack("{s:s, s:s, s:I, s:I}", "table", j->table, "file_id",
						      j->file_id, "rows", (json_int_t)j->rows, "bytes",
						      (json_int_t)j->bytes));
	}
	json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:o, s:o, s:i}", "load_id",
				m->load_id, "pipeline", m->pipeline, "dataset", m->dataset, "root_table",
				m->root_table, "write_disposition",
				ll_write_disposition_name(m->disposition), "source",
				m->source ? m->source : "", "fingerprint",
				m->fingerprint ? m->fingerprint : "", "root_rows", (json_int_t)m->root_rows,
				"tables", tables, "jobs", jobs, "job_names", JOB_NAMES_HASHED);
	if (doc && m->layout)
		json_object_set_new(doc, "layout", json_string(m->layout));
	if (doc && m->nonce && m->nonce[0])
		json_object_set_new(doc, "nonce", json_string(m->nonce));
	return doc;
}

ll_status ll_package_write_manifest(const char *package_dir, const ll_package_manifest *m,
				    ll_error *err)
{
	json_t *doc = manifest_to_json(m);
	char *text = doc ? json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
	json_decref(doc);
	if (!text)
		return ll_error_oom(err);
	ll_buf path = LL_BUF_INIT;
	ll_path_join(&path, package_dir, "manifest.json");
	ll_status st = ll_buf_oom(&path) ? ll_error_oom(err)
					 : ll_fs_write_atomic(path.data, text, strlen(text), err);
	free(text);
	ll_buf_free(&path);
	return st;
}

static char *dup_field(json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return strdup(s ? s : "");
}

static ll_status manifest_from_json(json_t *doc, ll_package_manifest *m, const char *name,
				    ll_error *err)
{
	json_t *tables = json_object_get(doc, "tables");
	json_t *jobs = json_object_get(doc, "jobs");
	const char *disp = json_string_value(json_object_get(doc, "write_disposition"));
	if (!json_is_array(tables) || !json_is_array(jobs) || !disp ||
	    !ll_write_disposition_parse(disp, &m->disposition))
		return ll_error_set(err, LL_EFORMAT, "%s is not a valid package manifest", name);
	m->load_id = dup_field(doc, "load_id");
	m->nonce = dup_field(doc, "nonce");
	m->pipeline = dup_field(doc, "pipeline");
	m->dataset = dup_field(doc, "dataset");
	m->root_table = dup_field(doc, "root_table");
	m->source = dup_field(doc, "source");
	const char *layout = json_string_value(json_object_get(doc, "layout"));
	if (layout && !(m->layout = strdup(layout)))
		return ll_error_oom(err);
	bool legacy = json_integer_value(json_object_get(doc, "job_names")) != JOB_NAMES_HASHED;
	m->fingerprint = dup_field(doc, "fingerprint");
	m->root_rows = (uint64_t)json_integer_value(json_object_get(doc, "root_rows"));
	m->tables = calloc(json_array_size(tables) + 1, sizeof(char *));
	m->jobs = calloc(json_array_size(jobs) + 1, sizeof(ll_package_job));
	if (!m->tables || !m->jobs)
		return ll_error_oom(err);
	for (size_t i = 0; i < json_array_size(tables); i++) {
		const char *t = json_string_value(json_array_get(tables, i));
		if (t && !(m->tables[m->ntables++] = strdup(t)))
			return ll_error_oom(err);
	}
	for (size_t i = 0; i < json_array_size(jobs); i++) {
		json_t *j = json_array_get(jobs, i);
		ll_package_job *job = &m->jobs[m->njobs++];
		job->table = dup_field(j, "table");
		job->file_id = dup_field(j, "file_id");
		job->rows = (uint64_t)json_integer_value(json_object_get(j, "rows"));
		job->bytes = (uint64_t)json_integer_value(json_object_get(j, "bytes"));
		job->legacy_name = legacy;
		if (!job->table || !job->file_id || !job->table[0] || !job->file_id[0])
			return ll_error_set(err, LL_EFORMAT, "%s has a job without table or file id", name);
	}
	return LL_OK;
}

ll_status ll_package_read_manifest(const char *package_dir, ll_package_manifest *m, ll_error *err)
{
	memset(m, 0, sizeof(*m));
	ll_buf path = LL_BUF_INIT, text = LL_BUF_INIT;
	ll_path_join(&path, package_dir, "manifest.json");
	ll_status st = ll_buf_oom(&path) ? ll_error_oom(err) : ll_fs_read_all(path.data, &text, err);
	if (st == LL_OK) {
		json_error_t jerr;
		json_t *doc = json_loadb(text.data ? text.data : "", text.len, 0, &jerr);
		if (!doc) {
			st = ll_error_set(err, LL_EFORMAT, "%s: %s", path.data, jerr.text);
			ll_error_set_location(err, path.data, (uint64_t)jerr.line, (uint64_t)jerr.column);
		} else {
			st = manifest_from_json(doc, m, path.data, err);
			json_decref(doc);
		}
	}
	if (st != LL_OK)
		ll_package_manifest_free(m);
	ll_buf_free(&path);
	ll_buf_free(&text);
	return st;
}

ll_status ll_package_sync_jobs(const char *package_dir, const ll_package_manifest *m,
			       ll_error *err)
{
	ll_buf path = LL_BUF_INIT;
	ll_status st = LL_OK;
	for (size_t i = 0; i < m->njobs && st == LL_OK; i++) {
		ll_buf_clear(&path);
		ll_package_job_path(&path, package_dir, &m->jobs[i]);
		st = ll_buf_oom(&path) ? ll_error_oom(err) : ll_fs_sync_path(path.data, err);
	}
	ll_buf_clear(&path);
	ll_path_join(&path, package_dir, "jobs");
	if (st == LL_OK)
		st = ll_buf_oom(&path) ? ll_error_oom(err) : ll_fs_sync_path(path.data, err);
	if (st == LL_OK)
		st = ll_fs_sync_path(package_dir, err);
	ll_buf_free(&path);
	return st;
}

/*
 * Creates a state directory (load/normalized, ...) the first time a package
 * moves there, and makes its entry in load/ durable: the rename into it and
 * the fsync of the new directory that follows would otherwise keep a package
 * whose directory a crash can still lose.
 */
static ll_status make_state_dir(const char *pipeline_dir, const char *dir, ll_error *err)
{
	if (ll_fs_is_dir(dir))
		return LL_OK;
	ll_status st = ll_fs_mkdirs(dir, err);
	ll_buf load = LL_BUF_INIT;
	ll_path_join(&load, pipeline_dir, "load");
	if (st == LL_OK)
		st = ll_buf_oom(&load) ? ll_error_oom(err) : ll_fs_sync_path(load.data, err);
	ll_buf_free(&load);
	return st;
}

ll_status ll_package_move(const char *pipeline_dir, const char *load_id, ll_package_state from,
			  ll_package_state to, ll_error *err)
{
	ll_buf src = LL_BUF_INIT, dst = LL_BUF_INIT, parent = LL_BUF_INIT;
	ll_package_path(&src, pipeline_dir, from, load_id);
	ll_package_path(&dst, pipeline_dir, to, load_id);
	ll_package_path(&parent, pipeline_dir, to, NULL);
	ll_status st = LL_OK;
	if (ll_buf_oom(&src) || ll_buf_oom(&dst) || ll_buf_oom(&parent))
		st = ll_error_oom(err);
	if (st == LL_OK)
		st = make_state_dir(pipeline_dir, parent.data, err);
	if (st == LL_OK)
		st = ll_fs_rename(src.data, dst.data, err);
	ll_buf_free(&src);
	ll_buf_free(&dst);
	ll_buf_free(&parent);
	return st;
}

ll_status ll_package_fail(const char *pipeline_dir, const char *load_id, ll_package_state from,
			  const char *reason, ll_error *err)
{
	ll_buf path = LL_BUF_INIT;
	ll_package_path(&path, pipeline_dir, from, load_id);
	ll_buf_puts(&path, "/reason.txt");
	ll_status st = ll_buf_oom(&path) ? ll_error_oom(err)
					 : ll_fs_write_atomic(path.data, reason, strlen(reason), err);
	if (st == LL_OK)
		st = ll_package_move(pipeline_dir, load_id, from, LL_PACKAGE_FAILED, err);
	ll_buf_free(&path);
	return st;
}

void ll_package_failure_reason(const char *package_dir, ll_buf *out)
{
	ll_buf path = LL_BUF_INIT;
	ll_error err;
	ll_path_join(&path, package_dir, "reason.txt");
	if (ll_buf_oom(&path) || ll_fs_read_all(path.data, out, &err) != LL_OK)
		ll_buf_clear(out);
	ll_buf_free(&path);
}

ll_status ll_package_list(const char *pipeline_dir, ll_package_state state, char ***ids,
			  size_t *n, ll_error *err)
{
	ll_buf dir = LL_BUF_INIT;
	ll_package_path(&dir, pipeline_dir, state, NULL);
	ll_status st = ll_buf_oom(&dir) ? ll_error_oom(err) : ll_fs_list(dir.data, ids, n, err);
	ll_buf_free(&dir);
	return st;
}

ll_status ll_package_discard_incomplete(const char *pipeline_dir, size_t *discarded, ll_error *err)
{
	*discarded = 0;
	ll_buf dir = LL_BUF_INIT;
	ll_package_path(&dir, pipeline_dir, LL_PACKAGE_EXTRACTING, NULL);
	if (ll_buf_oom(&dir))
		return ll_error_oom(err);
	char **names;
	size_t n;
	ll_status st = ll_fs_list(dir.data, &names, &n, err);
	if (st == LL_OK) {
		st = ll_fs_remove_tree(dir.data, err);
		*discarded = n;
		ll_fs_free_list(names, n);
	}
	ll_buf_free(&dir);
	return st;
}
