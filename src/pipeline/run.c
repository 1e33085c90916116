/*
 * `lakeload run`: runs the resources of a pipeline file (see lakeload.h).
 *
 * Each resource becomes one load of the pipeline, through the same load
 * packages as `lakeload load`: every file it matches is pushed into one
 * load, so replace and merge see the resource's whole data at once. The
 * load's fingerprint is the resource with the path, size and modification
 * time of each of its files; a run after an interrupted one finishes the
 * interrupted package and does not load the same files again.
 *
 * A run is all or nothing up to its loading, as in dlt (extract every
 * resource, then normalize, then load): every resource is extracted and
 * normalized into its own sealed package, each building on the one before
 * (ll_pipeline_begin_load_after), and none is published while another can
 * still fail. When one fails (a REST endpoint's 401, 404, non-JSON answer,
 * a bad record), every package of the run is removed: nothing becomes
 * visible, no cursor moves, and the error is the failing resource's. Only
 * when all are sealed are they published, then loaded, in resource order.
 * A crash before publishing leaves unpublished packages that the next run
 * discards; once publishing started, the next run finishes the published
 * ones exactly once.
 *
 * Incremental resources keep, in the pipeline state's "sources" object,
 * sources.<source>.resources.<resource>.incremental.<cursor_path> =
 * { initial_value, last_value } as dlt does. A record is new when its
 * cursor is at least initial_value on the first run, past last_value
 * after; the new last_value rides in the load's package and becomes the
 * pipeline's when the package is loaded. A run that finds nothing new
 * loads nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "pipeline/pipeline_internal.h"
#include "pipeline/pipeline_toml.h"
#include "pipeline/run_files.h"
#include "pipeline/run_chess.h"
#include "pipeline/run_rest.h"
#include "pipeline/source_config.h"
#include "extract/rest_http.h"
#include "util/fs.h"
#include "load/package.h"
#include "util/failpoint.h"
#include "util/hash.h"

/* The cursor of an incremental resource while its records are read. */
typedef struct cursor {
	const ll_plan_resource *res;
	const ll_record_source *inner;
	json_t *start;   /* records from here are new; borrowed */
	bool inclusive;  /* start itself is new (the initial value, first run) */
	json_t *last;    /* the greatest cursor kept; owned; NULL: none yet */
} cursor;

static json_t *cursor_json(const ll_json_value *v)
{
	switch (v->kind) {
	case LL_JSON_INT:
		return json_integer(v->u.i);
	case LL_JSON_DOUBLE:
		return json_real(v->u.d);
	case LL_JSON_STRING:
	case LL_JSON_BIGINT:
		return json_stringn(v->u.s.ptr, v->u.s.len);
	default:
		return NULL;
	}
}

/* <0, 0, >0 as a is before, equal to, past b; *comparable false when types differ. */
static int cursor_compare(const json_t *a, const json_t *b, bool *comparable)
{
	*comparable = true;
	if (json_is_number(a) && json_is_number(b)) {
		double x = json_number_value(a), y = json_number_value(b);
		return (x > y) - (x < y);
	}
	if (json_is_string(a) && json_is_string(b))
		return strcmp(json_string_value(a), json_string_value(b));
	*comparable = false;
	return 0;
}

const ll_json_value *ll_json_at_path(const ll_json_value *v, const char *path)
{
	char key[256];
	while (v && path && *path) {
		size_t len = strcspn(path, ".");
		if (len >= sizeof(key))
			return NULL;
		memcpy(key, path, len);
		key[len] = '\0';
		v = ll_json_get(v, key);
		path += len + (path[len] == '.');
	}
	return v;
}

static ll_status cursor_error(const cursor *c, uint64_t line, uint64_t column, const char *what,
			      ll_error *err)
{
	ll_error_set(err, LL_EFORMAT, "resource %s: the cursor %s of this record %s",
		     c->res->name, c->res->incr.cursor_path, what);
	ll_error_set_location(err, c->inner->name, line, column);
	return LL_EFORMAT;
}

/* Yields the inner source's records whose cursor is new, remembering the greatest. */
static ll_status next_new_record(void *user, ll_arena *arena, const ll_json_value **record,
				 uint64_t *line, uint64_t *column, ll_error *err)
{
	cursor *c = user;
	for (;;) {
		ll_status st = c->inner->next(c->inner->user, arena, record, line, column, err);
		if (st != LL_OK || !*record)
			return st;
		const ll_json_value *v = ll_json_at_path(*record, c->res->incr.cursor_path);
		if (!v)
			return cursor_error(c, *line, *column, "is missing", err);
		json_t *value = cursor_json(v);
		if (!value)
			return cursor_error(c, *line, *column, "is neither a number nor a string", err);
		bool comparable = true;
		int from_start = c->start ? cursor_compare(value, c->start, &comparable) : 1;
		bool is_new = comparable && (from_start > 0 || (from_start == 0 && c->inclusive));
		bool beyond = is_new && (!c->last || cursor_compare(value, c->last, &comparable) > 0);
		if (!comparable) {
			json_decref(value);
			return cursor_error(c, *line, *column,
					    "cannot be compared with the last value (a number and a string)",
					    err);
		}
		if (beyond) {
			json_decref(c->last);
			c->last = json_incref(value);
		}
		json_decref(value);
		if (is_new)
			return LL_OK;
	}
}

static json_t *toml_to_json(const ll_toml_value *v)
{
	if (!v)
		return NULL;
	if (v->kind == LL_TOML_INTEGER)
		return json_integer(v->u.i);
	if (v->kind == LL_TOML_FLOAT)
		return json_real(v->u.d);
	return json_stringn(v->u.s.ptr, v->u.s.len);
}

/* sources.<kind>.resources.<name>.incremental.<cursor_path> of the pipeline state, made if absent. */
static json_t *cursor_state(json_t *sources, const char *kind, const ll_plan_resource *res)
{
	const char *path[] = { kind, "resources", res->name, "incremental", res->incr.cursor_path };
	json_t *node = sources;
	for (size_t i = 0; node && i < sizeof(path) / sizeof(path[0]); i++) {
		json_t *child = json_object_get(node, path[i]);
		if (!json_is_object(child)) {
			child = json_object();
			if (!child || json_object_set_new(node, path[i], child) != 0)
				return NULL;
		}
		node = child;
	}
	return node;
}

/* Pushes src into the load, through the cursor when the resource is incremental. */
static ll_status push_records(ll_load *l, ll_record_source *src, cursor *c, ll_error *err)
{
	if (!c)
		return ll_load_push_source(l, src, err);
	c->inner = src;
	ll_record_source filtered = { next_new_record, c, src->name };
	return ll_load_push_source(l, &filtered, err);
}

static ll_status push_files(ll_load *l, const ll_plan_resource *res, char **files, size_t n,
			    cursor *c, ll_error *err)
{
	ll_status st = LL_OK;
	for (size_t i = 0; i < n && st == LL_OK; i++) {
		ll_run_file *f;
		ll_record_source *src;
		st = ll_run_file_open(files[i], res->files.format, &f, &src, err);
		if (st != LL_OK)
			break;
		uint64_t size = 0;
		if (ll_fs_stat(files[i], &size, NULL, NULL) != LL_OK)
			size = 0;
		ll_load_set_progress_input(l, ll_run_file_input(f), size);
		st = push_records(l, src, c, err);
		ll_load_set_progress_input(l, NULL, 0);
		ll_run_file_close(f);
	}
	return st;
}

/* The resource's files, each with its size and modification time, as one fingerprint. */
static ll_status files_fingerprint(const ll_pipeline *p, const ll_plan_resource *res, char **files,
				   size_t n, ll_buf *out, ll_error *err)
{
	ll_buf all = LL_BUF_INIT;
	ll_status st = LL_OK;
	for (size_t i = 0; i < n && st == LL_OK; i++) {
		uint64_t size;
		int64_t mtime;
		st = ll_fs_stat(files[i], &size, &mtime, err);
		ll_buf_printf(&all, "%s|%llu|%lld\n", files[i], (unsigned long long)size, (long long)mtime);
	}
	ll_buf_printf(out, "run|%s|%s|%s|%s|%016llx", p->dataset, res->name, res->hints.table,
		      ll_write_disposition_name(res->hints.write_disposition),
		      (unsigned long long)ll_hash64(all.data ? all.data : "", all.len, 0));
	if (st == LL_OK && (ll_buf_oom(&all) || ll_buf_oom(out)))
		st = ll_error_oom(err);
	ll_buf_free(&all);
	return st;
}

typedef struct resource_run {
	const ll_pipeline_file *f;
	const ll_run_options *opt;
	ll_pipeline *p;
	ll_source_config *cfg;
	const ll_plan_resource *res;
	ll_load *prev; /* the run's last sealed load, which this resource's builds on; NULL: none */
	char **files;
	size_t nfiles;
	ll_buf fingerprint;
	ll_load *load;      /* the resource's sealed load; NULL: it has nothing to load */
	bool reported;      /* something to report when the run succeeds */
	ll_load_info info;  /* what to report */
} resource_run;

/* Tells the caller what the resource's load did, naming the table as the lake does. */
static void report(const resource_run *r, const ll_load_info *info)
{
	if (!r->opt->report)
		return;
	ll_buf table = LL_BUF_INIT;
	ll_naming_normalize(r->res->hints.table, strlen(r->res->hints.table), &table);
	r->opt->report(r->opt->report_user, r->res->name, r->p->dataset,
		       ll_buf_oom(&table) ? r->res->hints.table : table.data, info);
	ll_buf_free(&table);
}

/* A dependent resource's requests: its path filled from each record of its parent. */
typedef struct dependent {
	const ll_plan_resource *child;
	ll_record_source *parent;
	ll_arena arena;
} dependent;

static ll_status next_dependent_path(void *user, ll_buf *path, ll_error *err)
{
	dependent *d = user;
	const ll_plan_endpoint *e = &d->child->endpoint;
	const ll_json_value *rec;
	uint64_t line, column;
	ll_arena_reset(&d->arena);
	ll_status st = d->parent->next(d->parent->user, &d->arena, &rec, &line, &column, err);
	if (st != LL_OK || !rec)
		return st;
	const ll_json_value *v = ll_json_at_path(rec, e->parent_field);
	char num[32];
	const char *text = NULL;
	if (v && v->kind == LL_JSON_STRING)
		text = v->u.s.ptr;
	else if (v && v->kind == LL_JSON_INT)
		text = (snprintf(num, sizeof(num), "%lld", (long long)v->u.i), num);
	if (!text)
		return ll_error_set(err, LL_EFORMAT, "resource %s: a record of %s (from %s) has no %s "
				    "(a string or an integer) to fill the path %s", d->child->name,
				    e->parent, d->parent->name, e->parent_field, e->path);
	const char *open = strstr(e->path, "{resources."), *close = strchr(open, '}');
	ll_buf_append(path, e->path, (size_t)(open - e->path));
	ll_rest_url_encode(path, text);
	ll_buf_puts(path, close + 1);
	return ll_buf_oom(path) ? ll_error_oom(err) : LL_OK;
}

static ll_status push_dependent(resource_run *r, ll_load *l, cursor *c, ll_error *err)
{
	const ll_plan_resource *parent = NULL;
	for (size_t i = 0; i < r->f->nresources; i++)
		if (strcmp(r->f->resources[i].name, r->res->endpoint.parent) == 0)
			parent = &r->f->resources[i];
	dependent d = { r->res, NULL, { 0 } };
	ll_arena_init(&d.arena, 0);
	ll_rest_source *ps = NULL;
	ll_rest_chain *chain = NULL;
	ll_record_source *src;
	ll_status st = ll_rest_source_open(r->f, parent, r->cfg, &r->p->logger, NULL, &ps, &d.parent, err);
	if (st == LL_OK)
		st = ll_load_set_input(l, ll_rest_source_name(ps), NULL, err);
	if (st == LL_OK)
		st = ll_rest_chain_open(r->f, r->res, r->cfg, &r->p->logger, next_dependent_path, &d,
					&chain, &src, err);
	if (st == LL_OK)
		st = push_records(l, src, c, err);
	ll_rest_chain_close(chain);
	ll_rest_source_close(ps);
	ll_arena_free(&d.arena);
	return st;
}

/* Pushes the records of the resource's endpoint; the load names its first URL. */
static ll_status push_endpoint(resource_run *r, ll_load *l, cursor *c, ll_error *err)
{
	if (r->res->endpoint.parent)
		return push_dependent(r, l, c, err);
	ll_rest_source *rest;
	ll_record_source *src;
	const json_t *start = c && r->res->incr.start_param ? c->start : NULL;
	ll_status st = ll_rest_source_open(r->f, r->res, r->cfg, &r->p->logger, start, &rest, &src, err);
	if (st == LL_OK)
		st = ll_load_set_input(l, ll_rest_source_name(rest), NULL, err);
	if (st == LL_OK)
		st = push_records(l, src, c, err);
	ll_rest_source_close(rest);
	return st;
}

/* Seals the load for the run to publish; a failure, or nothing new, discards it. */
static ll_status seal_load(resource_run *r, ll_load *l, ll_status st, bool nothing_new,
			   ll_error *err)
{
	if (st == LL_OK && !nothing_new)
		st = ll_load_seal(l, &r->info, err);
	if (st != LL_OK || nothing_new) {
		ll_load_abort(l);
		r->reported = st == LL_OK;
		return st;
	}
	r->load = l;
	return LL_OK;
}

/*
 * A chess resource into one load; players_games carries the grown list of
 * archives it read in the state, and makes no load when there is no new one.
 */
static ll_status load_chess(resource_run *r, ll_error *err)
{
	ll_load *l;
	ll_status st = ll_pipeline_begin_load_after(r->p, r->prev, &r->res->hints, &l, err);
	json_t *sources = st == LL_OK ? json_deep_copy(ll_load_sources_state(l)) : NULL;
	bool games = strcmp(r->res->name, "players_games") == 0;
	json_t *node = sources;
	const char *path[] = { "chess", "resources", "players_games" };
	for (size_t i = 0; games && node && i < 3; i++) {
		json_t *child = json_object_get(node, path[i]);
		if (!json_is_object(child))
			json_object_set_new(node, path[i], child = json_object());
		node = child;
	}
	json_t *archives = node ? json_object_get(node, "archives") : NULL;
	if (games && node && !json_is_array(archives))
		json_object_set_new(node, "archives", archives = json_array());
	size_t before = json_array_size(archives);
	if (st == LL_OK && (!sources || (games && !json_is_array(archives))))
		st = ll_error_oom(err);
	if (st == LL_OK)
		st = ll_chess_push(r->f, r->res, r->cfg, &r->p->logger, archives, l, err);
	bool nothing_new = st == LL_OK && games && json_array_size(archives) == before;
	if (st == LL_OK && games && !nothing_new)
		st = ll_load_set_sources_state(l, sources, err);
	json_decref(sources);
	return seal_load(r, l, st, nothing_new, err);
}

/* Extracts the resource into one sealed load; nothing new: no load. */
static ll_status load_resource(resource_run *r, ll_error *err)
{
	if (strcmp(r->f->source_kind, "chess") == 0)
		return load_chess(r, err);
	const ll_plan_resource *res = r->res;
	ll_load *l;
	ll_status st = ll_pipeline_begin_load_after(r->p, r->prev, &res->hints, &l, err);
	if (st == LL_OK && !res->has_endpoint)
		st = ll_load_set_input(l, r->f->path, ll_buf_cstr(&r->fingerprint), err);
	cursor c = { .res = res };
	json_t *sources = NULL, *state = NULL;
	if (st == LL_OK && res->incremental) {
		sources = json_deep_copy(ll_load_sources_state(l));
		state = sources ? cursor_state(sources, r->f->source_kind, res) : NULL;
		if (!state)
			st = ll_error_oom(err);
		json_t *last = json_object_get(state, "last_value");
		c.start = last ? last : json_object_get(state, "initial_value");
		if (!c.start && res->incr.initial_value && state) {
			json_object_set_new(state, "initial_value", toml_to_json(res->incr.initial_value));
			c.start = json_object_get(state, "initial_value");
		}
		c.inclusive = !last;
	}
	if (st == LL_OK && res->has_endpoint)
		st = push_endpoint(r, l, res->incremental ? &c : NULL, err);
	else if (st == LL_OK)
		st = push_files(l, res, r->files, r->nfiles, res->incremental ? &c : NULL, err);
	bool nothing_new = st == LL_OK && res->incremental && !c.last;
	if (st == LL_OK && c.last) {
		json_object_set(state, "last_value", c.last);
		st = ll_load_set_sources_state(l, sources, err);
	}
	json_decref(c.last);
	json_decref(sources);
	return seal_load(r, l, st, nothing_new, err);
}

static ll_status run_resource(resource_run *r, ll_error *err)
{
	if (!r->res->has_files) {
		ll_status st = load_resource(r, err);
		if (st != LL_OK)
			ll_error_prefix(err, "resource %s", r->res->name);
		return st;
	}
	ll_status st = ll_run_files_match(r->f->dir, &r->res->files, &r->files, &r->nfiles, err);
	if (st == LL_OK && r->nfiles == 0) {
		ll_log(&r->p->logger, LL_LOG_WARN, "resource %s: no file matches its file_glob under %s",
		       r->res->name, r->res->files.bucket_url ? r->res->files.bucket_url : r->f->dir);
		return LL_OK;
	}
	if (st == LL_OK)
		st = files_fingerprint(r->p, r->res, r->files, r->nfiles, &r->fingerprint, err);
	if (st == LL_OK && ll_pipeline_loaded_before(r->p, ll_buf_cstr(&r->fingerprint))) {
		r->info.already_loaded = true;
		r->reported = true;
		return LL_OK;
	}
	if (st == LL_OK)
		st = load_resource(r, err);
	if (st != LL_OK)
		ll_error_prefix(err, "resource %s", r->res->name);
	return st;
}

ll_status ll_pipeline_file_check_resource(const ll_pipeline_file *f, const char *name,
					  ll_error *err)
{
	ll_buf names = LL_BUF_INIT;
	for (size_t i = 0; i < f->nresources; i++) {
		if (strcmp(f->resources[i].name, name) == 0) {
			ll_buf_free(&names);
			return LL_OK;
		}
		ll_buf_printf(&names, "%s%s", i ? ", " : "", f->resources[i].name);
	}
	ll_error_set(err, LL_EINVAL, "%s declares no resource \"%s\"; it has: %s", f->path, name,
		     ll_buf_cstr(&names));
	ll_buf_free(&names);
	return LL_EINVAL;
}

/*
 * Publishes the run's sealed loads, in resource order. A failure leaves the
 * ones published before it for the next run, and the others unpublished.
 */
static ll_status publish_loads(resource_run *runs, size_t n, ll_error *err)
{
	ll_status st = LL_OK;
	for (size_t i = 0; i < n && st == LL_OK; i++) {
		if (runs[i].load)
			st = ll_load_publish(runs[i].load, err);
		if (st != LL_OK)
			ll_error_prefix(err, "resource %s", runs[i].res->name);
	}
	return st;
}

/*
 * After a published load of the run failed for good, the run's later ones,
 * built on its schema, must not load: they go to failed/ with it.
 */
static bool fail_later_loads(resource_run *runs, size_t from, size_t n, const char *failed_id)
{
	bool any = false;
	ll_buf reason = LL_BUF_INIT;
	ll_buf_printf(&reason, "not loaded: load %s of the same run failed for good before it",
		      failed_id);
	for (size_t i = from; i < n; i++) {
		ll_error ignored;
		if (runs[i].load && !ll_buf_oom(&reason))
			any |= ll_package_fail(runs[i].p->dir, runs[i].info.load_id,
					       LL_PACKAGE_NORMALIZED, reason.data, &ignored) == LL_OK;
	}
	ll_buf_free(&reason);
	return any;
}

/* Loads the run's published loads in resource order and reports every resource. */
static ll_status load_and_report(resource_run *runs, size_t n, ll_error *err)
{
	for (size_t i = 0; i < n; i++) {
		resource_run *r = &runs[i];
		if (r->load) {
			ll_status st = ll_load_finish(r->load, &r->info, err);
			r->load = NULL;
			bool later = ll_pipeline_failed_for_good(st) &&
				     fail_later_loads(runs, i + 1, n, r->info.load_id);
			if (st != LL_OK) {
				ll_error_prefix(err, later ? "resource %s (the resources after it were not "
							     "loaded either; their loads are in failed/ too)"
							   : "resource %s", r->res->name);
				return st;
			}
			r->reported = true;
		}
		if (r->reported)
			report(r, &r->info);
	}
	return LL_OK;
}

ll_status ll_pipeline_file_run(const ll_pipeline_file *f, const ll_run_options *opt, ll_error *err)
{
	if (opt->resource && ll_pipeline_file_check_resource(f, opt->resource, err) != LL_OK)
		return LL_EINVAL;
	ll_pipeline_options po = { .name = f->name, .dataset = f->dataset, .lake = opt->lake,
				   .home = opt->home, .log = opt->log, .log_user = opt->log_user,
				   .log_level = opt->log_level, .force_iceberg = opt->force_iceberg,
				   .compact_after_delete_files = opt->compact_after_delete_files,
				   .s3 = opt->s3, .progress = opt->progress,
				   .progress_user = opt->progress_user, .threads = opt->threads };
	ll_pipeline *p;
	ll_status st = ll_pipeline_open(&p, &po, err);
	if (st != LL_OK)
		return st;
	ll_source_config cfg;
	st = ll_source_config_open(&cfg, opt->config_dir, f->source_name, err);
	resource_run *runs = calloc(f->nresources + 1, sizeof(*runs));
	if (st == LL_OK && !runs)
		st = ll_error_oom(err);
	size_t resumed, n = 0;
	if (st == LL_OK)
		st = ll_pipeline_resume(p, &resumed, err);
	ll_load *prev = NULL;
	for (size_t i = 0; i < f->nresources && st == LL_OK; i++) {
		const ll_plan_resource *res = &f->resources[i];
		if (opt->resource && strcmp(res->name, opt->resource) != 0)
			continue;
		resource_run *r = &runs[n++];
		*r = (resource_run){ .f = f, .opt = opt, .p = p, .cfg = &cfg, .res = res, .prev = prev };
		st = run_resource(r, err);
		ll_fs_free_list(r->files, r->nfiles);
		ll_buf_free(&r->fingerprint);
		if (r->load) {
			prev = r->load;
			ll_failpoint("run_after_extract");
		}
	}
	if (st == LL_OK)
		st = publish_loads(runs, n, err);
	if (st == LL_OK)
		st = load_and_report(runs, n, err);
	/* a load not published yet is removed; a published one stays for the next run */
	for (size_t i = 0; i < n; i++)
		ll_load_abort(runs[i].load);
	free(runs);
	ll_source_config_close(&cfg);
	ll_pipeline_free(p);
	return st;
}
