/*
 * Pipelines: working directory, lock, live schema and state, and finishing
 * interrupted loads. Loading new records is in extract.c.
 *
 * The working directory holds state.json (dataset, lake, catalog file,
 * state version), schemas/<name>.json (the live schema: what the
 * destination has) and load/ (packages, see load/package.h). The live
 * schema changes only after a load commits, so a failed load never leaves
 * columns behind that the lake lacks.
 */
#include "pipeline/pipeline_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "load/layout.h"
#include "load/loader.h"
#include "load/package.h"
#include "util/fs.h"
#include "util/fs_batch.h"
#include "util/thread.h"
#include "util/time.h"

void ll_pipeline_home(const char *home, ll_buf *out)
{
	const char *env = getenv("LAKELOAD_HOME");
	if (home && home[0])
		ll_buf_puts(out, home);
	else if (env && env[0])
		ll_buf_puts(out, env);
	else
		ll_buf_printf(out, "%s/.lakeload", getenv("HOME") ? getenv("HOME") : ".");
}

static bool valid_name(const char *name)
{
	if (!name[0] || name[0] == '.')
		return false;
	for (const char *c = name; *c; c++) {
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		      *c == '_' || *c == '-' || *c == '.'))
			return false;
	}
	return strlen(name) < 128;
}

ll_status ll_pipeline_lock(const char *dir, const char *name, int *fd, ll_error *err)
{
	ll_buf path = LL_BUF_INIT;
	ll_path_join(&path, dir, ".lock");
	if (ll_buf_oom(&path))
		return ll_error_oom(err);
	*fd = open(path.data, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
	ll_status st = LL_OK;
	if (*fd < 0)
		st = ll_error_set(err, LL_EIO, "cannot open %s: %s", path.data, strerror(errno));
	else if (flock(*fd, LOCK_EX | LOCK_NB) != 0)
		st = ll_error_set(err, LL_ECONFLICT,
				  "pipeline %s is in use by another lakeload process; wait for it to "
				  "finish, or use another --pipeline",
				  name);
	ll_buf_free(&path);
	return st;
}

/*
 * Reads state.json if present: the lake (and its catalog) of earlier runs
 * and the state version. *fresh says there was none (a new or lost working
 * directory).
 */
static ll_status read_state(ll_pipeline *p, const char *lake_opt, bool *fresh, ll_error *err)
{
	ll_buf path = LL_BUF_INIT, text = LL_BUF_INIT;
	ll_path_join(&path, p->dir, "state.json");
	ll_status st = ll_fs_read_all(ll_buf_cstr(&path), &text, err);
	const char *lake = lake_opt, *catalog = NULL;
	json_t *doc = NULL;
	*fresh = st == LL_ENOTFOUND;
	if (st == LL_ENOTFOUND) {
		st = LL_OK;
	} else if (st == LL_OK) {
		json_error_t jerr;
		doc = json_loadb(text.data, text.len, 0, &jerr);
		if (!doc)
			st = ll_error_set(err, LL_EFORMAT, "%s is damaged: %s", path.data, jerr.text);
		else {
			p->state_version = json_integer_value(json_object_get(doc, "state_version"));
			json_t *sources = json_object_get(doc, "sources");
			if (json_is_object(sources))
				json_object_update(p->sources, sources);
			if (!lake) {
				lake = json_string_value(json_object_get(doc, "lake"));
				catalog = json_string_value(json_object_get(doc, "catalog"));
			}
		}
	}
	if (st == LL_OK && !(p->lake = strdup(lake ? lake : "lake")))
		st = ll_error_oom(err);
	if (st == LL_OK && catalog && !(p->catalog_file = strdup(catalog)))
		st = ll_error_oom(err);
	json_decref(doc);
	ll_buf_free(&path);
	ll_buf_free(&text);
	return st;
}

static void schema_path(const ll_pipeline *p, ll_buf *out)
{
	ll_buf_printf(out, "%s/schemas/%s.json", p->dir, p->schema ? p->schema->name : p->name);
}

static ll_status read_schema(ll_pipeline *p, ll_error *err)
{
	ll_buf path = LL_BUF_INIT, text = LL_BUF_INIT;
	schema_path(p, &path);
	ll_status st = ll_fs_read_all(ll_buf_cstr(&path), &text, err);
	if (st == LL_OK)
		st = ll_schema_from_json(ll_buf_cstr(&text), text.len, path.data, &p->schema, err);
	else if (st == LL_ENOTFOUND)
		st = ll_schema_new(p->name, &p->schema, err);
	if (st == LL_OK)
		st = ll_schema_add_dlt_tables(p->schema, err);
	ll_buf_free(&path);
	ll_buf_free(&text);
	return st;
}

static ll_status init_pipeline(ll_pipeline *p, const ll_pipeline_options *opt, ll_error *err)
{
	ll_buf dataset = LL_BUF_INIT, home = LL_BUF_INIT, dir = LL_BUF_INIT;
	ll_naming_normalize(opt->dataset, strlen(opt->dataset), &dataset);
	p->dataset = ll_buf_detach(&dataset);
	p->name = strdup(opt->name ? opt->name : p->dataset ? p->dataset : "");
	p->layout = opt->layout ? strdup(opt->layout) : NULL;
	ll_pipeline_home(opt->home, &home);
	ll_buf_printf(&dir, "%s/pipelines/%s", ll_buf_cstr(&home), p->name ? p->name : "");
	p->dir = ll_buf_detach(&dir);
	ll_buf_free(&home);
	if (!p->dataset || !p->name || !p->dir || (opt->layout && !p->layout))
		return ll_error_oom(err);
	if (!valid_name(p->name))
		return ll_error_set(err, LL_EINVAL,
				    "pipeline name \"%s\" is not usable; use letters, digits, '_', '-' and '.'",
				    p->name);
	if (opt->codec && !ll_parquet_codec_parse(opt->codec, &p->codec))
		return ll_error_set(err, LL_EINVAL,
				    "unknown codec \"%s\"; use snappy, zstd, gzip or none", opt->codec);
	/* a bad option fails before anything is saved, so it can never block the pipeline */
	ll_status st = opt->layout ? ll_layout_validate(opt->layout, err) : LL_OK;
	if (st == LL_OK)
		st = ll_fs_mkdirs(p->dir, err);
	if (st == LL_OK)
		st = ll_pipeline_lock(p->dir, p->name, &p->lock_fd, err);
	bool fresh = false;
	if (st == LL_OK)
		st = read_state(p, opt->lake, &fresh, err);
	if (st == LL_OK)
		st = read_schema(p, err);
	if (st == LL_OK) {
		ll_lake_options lake = { .lake = p->lake, .s3 = opt->s3,
					 .catalog = opt->catalog ? opt->catalog : p->catalog_file,
					 .home = opt->home, .athena = opt->athena };
		st = ll_lake_open(&lake, &p->logger, true, &p->storage, &p->catalog, err);
	}
	if (st == LL_OK && fresh)
		st = ll_pipeline_restore_from_lake(p, err);
	return st;
}

ll_status ll_pipeline_open(ll_pipeline **out, const ll_pipeline_options *opt, ll_error *err)
{
	*out = NULL;
	if (!opt || !opt->dataset || !opt->dataset[0])
		return ll_error_set(err, LL_EINVAL, "a dataset name is required (--dataset NAME)");
	ll_pipeline *p = calloc(1, sizeof(*p));
	if (!p)
		return ll_error_oom(err);
	p->lock_fd = -1;
	p->codec = LL_CODEC_SNAPPY;
	if (!(p->sources = json_object())) {
		free(p);
		return ll_error_oom(err);
	}
	p->force_iceberg = opt->force_iceberg;
	p->compact_after_delete_files = opt->compact_after_delete_files == 0
						? LL_COMPACT_AFTER_DELETE_FILES
						: opt->compact_after_delete_files;
	p->progress = opt->progress;
	p->progress_user = opt->progress_user;
	p->threads = opt->threads ? opt->threads : ll_cpu_count() < 8 ? ll_cpu_count() : 8;
	p->piece_bytes = opt->piece_bytes ? opt->piece_bytes : (size_t)4 << 20;
	p->logger = (ll_logger){ opt->log, opt->log_user, opt->log_level };
	ll_status st = init_pipeline(p, opt, err);
	if (st != LL_OK) {
		ll_pipeline_free(p);
		return st;
	}
	*out = p;
	return LL_OK;
}

void ll_pipeline_free(ll_pipeline *p)
{
	if (!p)
		return;
	if (p->lock_fd >= 0)
		close(p->lock_fd);
	ll_catalog_free(p->catalog);
	ll_storage_free(p->storage);
	ll_schema_free(p->schema);
	for (size_t i = 0; i < p->nfinished; i++)
		free(p->finished_fingerprints[i]);
	free(p->finished_fingerprints);
	free(p->name);
	free(p->dataset);
	free(p->dir);
	free(p->lake);
	free(p->catalog_file);
	free(p->layout);
	json_decref(p->sources);
	free(p);
}

void ll_pipeline_state_json(const ll_pipeline *p, int64_t version, const json_t *sources,
			    ll_buf *out)
{
	json_t *doc = json_pack("{s:I, s:i, s:s, s:s, s:s, s:[s], s:s, s:s, s:O}", "_state_version",
				(json_int_t)version, "_state_engine_version", 4, "pipeline_name",
				p->name, "dataset_name", p->dataset, "default_schema_name", p->schema->name,
				"schema_names", p->schema->name, "destination_name", "local",
				"destination_type", "lakeload.local", "sources",
				sources ? sources : p->sources);
	char *text = doc ? json_dumps(doc, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	if (text)
		ll_buf_puts(out, text);
	else
		out->oom = true;
	free(text);
	json_decref(doc);
}

/* Appends state.json's text: what later runs and `lakeload info` read of the pipeline. */
static ll_status state_file_text(const ll_pipeline *p, ll_buf *out, ll_error *err)
{
	/* a file catalog is named so later runs and info find it; Glue is found through the configuration */
	bool file = ll_catalog_is_file(p->catalog);
	json_t *doc = json_pack("{s:s, s:s, s:s, s:s, s:I, s:O}", "pipeline_name", p->name,
				"dataset_name", p->dataset, "lake", ll_catalog_lake(p->catalog),
				"destination", file ? "local" : "athena", "state_version",
				(json_int_t)p->state_version, "sources", p->sources);
	bool ok = doc && (!file || json_object_set_new(doc, "catalog",
							json_string(ll_catalog_path(p->catalog))) == 0);
	char *text = ok ? json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS) : NULL;
	json_decref(doc);
	if (!text)
		return ll_error_oom(err);
	ll_buf_puts(out, text);
	free(text);
	return ll_buf_oom(out) ? ll_error_oom(err) : LL_OK;
}

/* A file the save replaces: its path, its new text and the name that text is staged under. */
typedef struct saved_file {
	ll_buf path, text, next;
} saved_file;

static void saved_file_free(saved_file *f)
{
	ll_buf_free(&f->path);
	ll_buf_free(&f->text);
	ll_buf_free(&f->next);
}

/*
 * Writes f's text to "<path>.next", created in place (a stale one of an
 * interrupted save is removed first): its fsync waits for the open batch.
 */
static ll_status stage_file(saved_file *f, ll_error *err)
{
	ll_buf_printf(&f->next, "%s.next", f->path.data);
	if (ll_buf_oom(&f->next))
		return ll_error_oom(err);
	ll_status st = ll_fs_remove_tree(f->next.data, err);
	return st == LL_OK ? ll_fs_write_atomic(f->next.data, f->text.data, f->text.len, err) : st;
}

/* Whether f's file holds its new text already (a file that cannot be read does not). */
static bool file_unchanged(const saved_file *f)
{
	ll_buf old = LL_BUF_INIT;
	ll_error ignored;
	bool same = ll_fs_read_all(f->path.data, &old, &ignored) == LL_OK &&
		    old.len == f->text.len && strcmp(ll_buf_cstr(&old), ll_buf_cstr(&f->text)) == 0;
	ll_buf_free(&old);
	return same;
}

/*
 * Stages the new schema and state files and fsyncs them together: after
 * this only their renames are left. An unchanged schema is not staged
 * (*schema_staged false); its file and directory are fsynced in the same
 * batch instead, which costs nothing unless an interrupted save left its
 * last rename unsynced.
 */
static ll_status stage_save(saved_file *schema, const char *schema_dir, saved_file *state,
			    bool *schema_staged, ll_error *err)
{
	*schema_staged = !file_unchanged(schema);
	ll_fs_batch_begin();
	ll_status st = *schema_staged ? stage_file(schema, err) : ll_fs_sync_path(schema->path.data, err);
	if (st == LL_OK && !*schema_staged)
		st = ll_fs_sync_path(schema_dir, err);
	if (st == LL_OK)
		st = stage_file(state, err);
	return ll_fs_batch_end_after(st, err);
}

/*
 * Saving makes two commit points, in this order:
 *
 *   1. the rename of schemas/<name>.json.next over schemas/<name>.json and
 *      the fsync of schemas/;
 *   2. the rename of state.json.next over state.json and the fsync of the
 *      pipeline directory.
 *
 * Each rename makes its new file reachable, so that file's contents must be
 * durable before it. And the schema must be durable before state.json moves:
 * a state whose version counts a load must never come with a schema older
 * than that load's, or the next load would start from a schema lacking what
 * the lake has (a crash between the two leaves the new schema with the old
 * state, as an interrupted save always could). So: both new files are
 * written first and fsynced together (stage_save, one batch), then the
 * schema's rename and its directory's fsync, then the state's. A schema
 * that did not change (most loads into existing tables) keeps its file, and
 * only the state's rename is left after the batch.
 */
ll_status ll_pipeline_save(ll_pipeline *p, ll_error *err)
{
	saved_file schema = { LL_BUF_INIT, LL_BUF_INIT, LL_BUF_INIT };
	saved_file state = { LL_BUF_INIT, LL_BUF_INIT, LL_BUF_INIT };
	ll_buf dir = LL_BUF_INIT;
	ll_buf_printf(&dir, "%s/schemas", p->dir);
	schema_path(p, &schema.path);
	ll_schema_to_json(p->schema, &schema.text);
	ll_path_join(&state.path, p->dir, "state.json");
	ll_status st = ll_buf_oom(&dir) || ll_buf_oom(&schema.path) || ll_buf_oom(&schema.text) ||
				       ll_buf_oom(&state.path)
			       ? ll_error_oom(err)
			       : LL_OK;
	if (st == LL_OK)
		st = state_file_text(p, &state.text, err);
	if (st == LL_OK)
		st = ll_fs_mkdirs(dir.data, err);
	bool schema_staged = false;
	if (st == LL_OK)
		st = stage_save(&schema, dir.data, &state, &schema_staged, err);
	if (st == LL_OK && schema_staged)
		st = ll_fs_rename(schema.next.data, schema.path.data, err);
	if (st == LL_OK)
		st = ll_fs_rename(state.next.data, state.path.data, err);
	saved_file_free(&schema);
	saved_file_free(&state);
	ll_buf_free(&dir);
	return st;
}

void ll_pipeline_new_load_id(const ll_pipeline *p, char out[32])
{
	ll_buf probe = LL_BUF_INIT;
	int64_t now = ll_time_now_micros();
	for (;; now++) {
		snprintf(out, 32, "%lld.%06lld", (long long)(now / 1000000), (long long)(now % 1000000));
		bool used = false;
		for (int s = 0; s < LL_PACKAGE_STATES && !used; s++) {
			ll_buf_clear(&probe);
			ll_package_path(&probe, p->dir, (ll_package_state)s, out);
			used = ll_fs_exists(ll_buf_cstr(&probe));
		}
		if (!used)
			break;
	}
	ll_buf_free(&probe);
}

ll_status ll_pipeline_adopt_state(ll_pipeline *p, const char *state_json, size_t len, ll_error *err)
{
	json_error_t jerr;
	json_t *doc = json_loadb(state_json, len, 0, &jerr);
	if (!doc)
		return ll_error_set(err, LL_EFORMAT, "the pipeline state of %s is damaged: %s", p->name,
				    jerr.text);
	json_t *sources = json_object_get(doc, "sources");
	if (json_is_object(sources)) {
		json_decref(p->sources);
		p->sources = json_incref(sources);
	}
	json_decref(doc);
	return LL_OK;
}

/*
 * Adopts the schema a committed package was written with as the live schema,
 * and the sources' state it carries (state.json, absent in packages of older
 * versions).
 */
static ll_status adopt_package_schema(ll_pipeline *p, const char *load_id, ll_error *err)
{
	ll_buf path = LL_BUF_INIT, text = LL_BUF_INIT;
	ll_package_path(&path, p->dir, LL_PACKAGE_LOADED, load_id);
	size_t dir_len = path.len;
	ll_buf_puts(&path, "/state.json");
	ll_status st = LL_OK;
	if (ll_fs_exists(ll_buf_cstr(&path)))
		st = ll_fs_read_all(ll_buf_cstr(&path), &text, err);
	if (st == LL_OK && text.len)
		st = ll_pipeline_adopt_state(p, text.data, text.len, err);
	path.len = dir_len;
	ll_buf_puts(&path, "/schema.json");
	ll_buf_clear(&text);
	ll_schema *schema = NULL;
	if (st == LL_OK)
		st = ll_fs_read_all(ll_buf_cstr(&path), &text, err);
	if (st == LL_OK)
		st = ll_schema_from_json(ll_buf_cstr(&text), text.len, path.data, &schema, err);
	if (st == LL_OK) {
		ll_schema_free(p->schema);
		p->schema = schema;
		p->state_version++;
		st = ll_pipeline_save(p, err);
	}
	ll_buf_free(&path);
	ll_buf_free(&text);
	return st;
}

static ll_status remember_fingerprint(ll_pipeline *p, const char *load_id, ll_error *err)
{
	ll_buf dir = LL_BUF_INIT;
	ll_package_path(&dir, p->dir, LL_PACKAGE_LOADED, load_id);
	ll_package_manifest m;
	ll_status st = ll_package_read_manifest(ll_buf_cstr(&dir), &m, err);
	ll_buf_free(&dir);
	if (st != LL_OK || !m.fingerprint[0]) {
		if (st == LL_OK)
			ll_package_manifest_free(&m);
		return st;
	}
	char **grown = realloc(p->finished_fingerprints, (p->nfinished + 1) * sizeof(*grown));
	if (!grown) {
		ll_package_manifest_free(&m);
		return ll_error_oom(err);
	}
	p->finished_fingerprints = grown;
	p->finished_fingerprints[p->nfinished++] = m.fingerprint;
	m.fingerprint = NULL;
	ll_package_manifest_free(&m);
	return LL_OK;
}

bool ll_pipeline_failed_for_good(ll_status st)
{
	return st == LL_ETERMINAL || st == LL_ESCHEMA;
}

/*
 * Moves a package that failed for good out of the way, its reason with it.
 * Returns the load's status: st, or the move's failure (then the package
 * stays where it is and is tried again).
 */
static ll_status fail_package(ll_pipeline *p, const char *load_id, ll_status st, ll_error *err)
{
	ll_error move_err;
	ll_buf dir = LL_BUF_INIT;
	ll_package_path(&dir, p->dir, LL_PACKAGE_FAILED, load_id);
	if (ll_package_fail(p->dir, load_id, LL_PACKAGE_NORMALIZED, err->message, &move_err) == LL_OK) {
		ll_error_prefix(err, "load %s failed for good and was moved to %s (it blocks nothing; "
				"its reason is in reason.txt there)", load_id, ll_buf_cstr(&dir));
	} else {
		ll_log(&p->logger, LL_LOG_ERROR, "%s", err->message);
		*err = move_err;
		st = move_err.code;
	}
	ll_buf_free(&dir);
	return st;
}

ll_status ll_pipeline_load_package(ll_pipeline *p, const char *load_id, ll_load_info *info,
				   ll_error *err)
{
	ll_loader_options lopt = { &p->logger, p->compact_after_delete_files };
	ll_load_result result;
	ll_status st = ll_loader_load_package(p->catalog, p->dir, load_id, &lopt, &result, err);
	if (ll_pipeline_failed_for_good(st))
		st = fail_package(p, load_id, st, err);
	if (st == LL_OK)
		st = adopt_package_schema(p, load_id, err);
	if (st == LL_OK && info) {
		info->files = result.files;
		info->rows = result.rows;
	}
	return st;
}

ll_status ll_pipeline_resume(ll_pipeline *p, size_t *resumed, ll_error *err)
{
	*resumed = 0;
	size_t discarded;
	ll_status st = ll_package_discard_incomplete(p->dir, &discarded, err);
	if (st != LL_OK)
		return st;
	if (discarded)
		ll_log(&p->logger, LL_LOG_WARN,
		       "discarded %zu incomplete load(s) of pipeline %s interrupted while reading input; "
		       "nothing of them was visible",
		       discarded, p->name);
	char **ids;
	size_t n;
	st = ll_package_list(p->dir, LL_PACKAGE_NORMALIZED, &ids, &n, err);
	for (size_t i = 0; i < n && st == LL_OK; i++) {
		ll_log(&p->logger, LL_LOG_INFO, "finishing interrupted load %s", ids[i]);
		st = ll_pipeline_load_package(p, ids[i], NULL, err);
		if (ll_pipeline_failed_for_good(st)) {
			/* reported here, once; the package is in failed/ now */
			ll_log(&p->logger, LL_LOG_ERROR, "%s", err->message);
			st = LL_OK;
			continue;
		}
		if (st == LL_OK)
			st = remember_fingerprint(p, ids[i], err);
		if (st == LL_OK)
			(*resumed)++;
	}
	ll_fs_free_list(ids, n);
	return st;
}
