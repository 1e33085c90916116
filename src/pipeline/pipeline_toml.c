/*
 * Reading pipeline.toml into a plan; see pipeline_toml.h for the layout.
 *
 * Each table is checked against the keys it may hold before any value is
 * taken, so a misspelt key is reported as such, at its line, instead of as
 * a missing one.
 */
#include "pipeline/pipeline_toml.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pipeline/source_config.h"
#include "schema/schema.h"
#include "util/buf.h"
#include "util/fs.h"

typedef struct reader {
	ll_pipeline_file *f;
	ll_error *err;
} reader;

static ll_status fail_at(reader *r, uint64_t line, uint64_t column, const char *fmt, const char *a,
			 const char *b)
{
	ll_error_set(r->err, LL_EINVAL, fmt, a, b);
	ll_error_set_location(r->err, r->f->path, line, column);
	return LL_EINVAL;
}

/* LL_EINVAL at the first key of table not in allowed (NULL-terminated). */
static ll_status check_keys(reader *r, const ll_toml_value *table, const char *where,
			    const char *const *allowed)
{
	for (size_t i = 0; i < table->u.table.count; i++) {
		const ll_toml_member *m = &table->u.table.members[i];
		bool known = false;
		for (size_t k = 0; allowed[k] && !known; k++)
			known = strcmp(allowed[k], m->key) == 0;
		if (known)
			continue;
		char list[512] = "";
		for (size_t k = 0; allowed[k]; k++) {
			size_t len = strlen(list);
			snprintf(list + len, sizeof(list) - len, "%s%s", k ? ", " : "", allowed[k]);
		}
		ll_error_set(r->err, LL_EINVAL, "unknown key \"%s\" in %s; known keys: %s", m->key, where,
			     list);
		ll_error_set_location(r->err, r->f->path, m->line, m->column);
		return LL_EINVAL;
	}
	return LL_OK;
}

static ll_status wrong_type(reader *r, const ll_toml_member *m, const char *want)
{
	char what[256];
	snprintf(what, sizeof(what), "%s, not %s", want, ll_toml_kind_name(m->value->kind));
	return fail_at(r, m->line, m->column, "key \"%s\" must be %s", m->key, what);
}

/* A string member; *out stays NULL when absent and not required. */
static ll_status get_string(reader *r, const ll_toml_value *table, const char *key, bool required,
			    const char *where, const char **out)
{
	const ll_toml_member *m = ll_toml_find(table, key);
	*out = NULL;
	if (!m)
		return required ? fail_at(r, table->line, table->column, "missing required key \"%s\" in %s",
					  key, where)
				: LL_OK;
	if (m->value->kind != LL_TOML_STRING)
		return wrong_type(r, m, "a string");
	*out = m->value->u.s.ptr;
	return LL_OK;
}

/* A string or an array of strings, as a list in the arena. */
static ll_status get_strings(reader *r, const ll_toml_value *table, const char *key,
			     const char ***out, size_t *n)
{
	const ll_toml_member *m = ll_toml_find(table, key);
	*out = NULL;
	*n = 0;
	if (!m)
		return LL_OK;
	const ll_toml_value *v = m->value;
	size_t count = v->kind == LL_TOML_ARRAY ? v->u.arr.count : 1;
	if (v->kind != LL_TOML_STRING && v->kind != LL_TOML_ARRAY)
		return wrong_type(r, m, "a string or an array of strings");
	const char **list = ll_arena_alloc(&r->f->arena, (count + 1) * sizeof(*list));
	if (!list)
		return ll_error_oom(r->err);
	for (size_t i = 0; i < count; i++) {
		const ll_toml_value *item = v->kind == LL_TOML_ARRAY ? v->u.arr.items[i] : v;
		if (item->kind != LL_TOML_STRING)
			return wrong_type(r, m, "a string or an array of strings");
		list[i] = item->u.s.ptr;
	}
	*out = list;
	*n = count;
	return LL_OK;
}

/* A table member; NULL when absent. */
static ll_status get_table(reader *r, const ll_toml_value *table, const char *key,
			   const ll_toml_value **out)
{
	const ll_toml_member *m = ll_toml_find(table, key);
	*out = NULL;
	if (!m)
		return LL_OK;
	if (m->value->kind != LL_TOML_TABLE)
		return wrong_type(r, m, "a table");
	*out = m->value;
	return LL_OK;
}

static ll_status read_pipeline(reader *r, const ll_toml_value *root)
{
	static const char *const keys[] = { "name", "dataset_name", "destination", NULL };
	const ll_toml_value *t;
	ll_status st = get_table(r, root, "pipeline", &t);
	if (st == LL_OK && !t)
		return fail_at(r, 1, 1, "missing required table [%s]%s", "pipeline",
			       " (with dataset_name = \"...\")");
	if (st == LL_OK)
		st = check_keys(r, t, "[pipeline]", keys);
	if (st == LL_OK)
		st = get_string(r, t, "name", false, "[pipeline]", &r->f->name);
	if (st == LL_OK)
		st = get_string(r, t, "dataset_name", true, "[pipeline]", &r->f->dataset);
	if (st == LL_OK)
		st = get_string(r, t, "destination", false, "[pipeline]", &r->f->destination);
	ll_buf normalized = LL_BUF_INIT;
	if (st == LL_OK) {
		ll_naming_normalize(r->f->dataset, strlen(r->f->dataset), &normalized);
		r->f->dataset_normalized = ll_buf_oom(&normalized) ? NULL
					   : ll_arena_strndup(&r->f->arena, normalized.data, normalized.len);
		if (!r->f->dataset_normalized)
			st = ll_error_oom(r->err);
	}
	ll_buf_free(&normalized);
	const char *d = r->f->destination;
	if (st == LL_OK && d && strcmp(d, "athena") != 0 && strcmp(d, "local") != 0)
		return fail_at(r, ll_toml_find(t, "destination")->line, 1,
			       "unknown destination \"%s\"%s", d, "; use athena or local");
	return st;
}

static ll_status get_integer(reader *r, const ll_toml_value *table, const char *key, int64_t *out)
{
	const ll_toml_member *m = ll_toml_find(table, key);
	if (!m)
		return LL_OK;
	if (m->value->kind != LL_TOML_INTEGER || m->value->u.i < 0)
		return wrong_type(r, m, "a whole number, 0 or more");
	*out = m->value->u.i;
	return LL_OK;
}

static ll_status read_paginator(reader *r, const ll_toml_value *t, ll_plan_paginator *pg)
{
	static const char *const keys[] = { "type", "next_url_path", "offset_param", "limit_param",
					    "limit", "page_param", "base_page", "total_path",
					    "cursor_path", "cursor_param", NULL };
	static const struct { const char *name; ll_page_kind kind; } kinds[] = {
		{ "single_page", LL_PAGE_SINGLE }, { "json_link", LL_PAGE_JSON_LINK },
		{ "header_link", LL_PAGE_HEADER_LINK }, { "offset", LL_PAGE_OFFSET },
		{ "page_number", LL_PAGE_NUMBER }, { "cursor", LL_PAGE_CURSOR },
	};
	*pg = (ll_plan_paginator){ .next_url_path = "next", .offset_param = "offset",
				   .limit_param = "limit", .limit = 100, .page_param = "page",
				   .cursor_path = "cursors.next", .cursor_param = "cursor" };
	const char *type = NULL;
	ll_status st = check_keys(r, t, "paginator", keys);
	if (st == LL_OK)
		st = get_string(r, t, "type", true, "paginator", &type);
	if (st != LL_OK)
		return st;
	size_t k = 0;
	while (k < sizeof(kinds) / sizeof(kinds[0]) && strcmp(kinds[k].name, type) != 0)
		k++;
	if (k == sizeof(kinds) / sizeof(kinds[0]))
		return fail_at(r, ll_toml_find(t, "type")->line, 1, "unknown paginator \"%s\"%s", type,
			       "; use json_link, header_link, offset, page_number, cursor or single_page");
	pg->kind = kinds[k].kind;
	const char **strings[] = { &pg->next_url_path, &pg->offset_param, &pg->limit_param,
				   &pg->page_param, &pg->total_path, &pg->cursor_path,
				   &pg->cursor_param };
	const char *names[] = { "next_url_path", "offset_param", "limit_param", "page_param",
				"total_path", "cursor_path", "cursor_param" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && st == LL_OK; i++) {
		const char *v = NULL;
		st = get_string(r, t, names[i], false, "paginator", &v);
		if (v)
			*strings[i] = v;
	}
	if (st == LL_OK)
		st = get_integer(r, t, "limit", &pg->limit);
	if (st == LL_OK)
		st = get_integer(r, t, "base_page", &pg->base_page);
	if (st == LL_OK && pg->kind == LL_PAGE_OFFSET && pg->limit == 0)
		return fail_at(r, t->line, t->column, "paginator %s: limit must be 1 or more%s", type, "");
	return st;
}

/* A table whose values are strings, numbers or booleans (query parameters, headers). */
static ll_status check_scalars(reader *r, const ll_toml_value *t, bool strings_only)
{
	for (size_t i = 0; t && i < t->u.table.count; i++) {
		const ll_toml_member *m = &t->u.table.members[i];
		ll_toml_kind k = m->value->kind;
		if (k != LL_TOML_STRING && (strings_only || (k != LL_TOML_INTEGER &&
							     k != LL_TOML_FLOAT && k != LL_TOML_BOOL)))
			return wrong_type(r, m, strings_only ? "a string" : "a string, number or boolean");
	}
	return LL_OK;
}

static ll_status read_auth(reader *r, const ll_toml_value *source)
{
	static const char *const keys[] = { "type", "name", "location", NULL };
	const ll_toml_value *t;
	ll_status st = get_table(r, source, "auth", &t);
	if (st != LL_OK || !t)
		return st;
	ll_plan_rest *rest = &r->f->rest;
	const char *location = NULL;
	st = check_keys(r, t, "auth", keys);
	if (st == LL_OK)
		st = get_string(r, t, "type", true, "auth", &rest->auth_type);
	if (st == LL_OK)
		st = get_string(r, t, "name", false, "auth", &rest->auth_name);
	if (st == LL_OK)
		st = get_string(r, t, "location", false, "auth", &location);
	if (st != LL_OK)
		return st;
	const char *type = rest->auth_type;
	if (strcmp(type, "bearer") != 0 && strcmp(type, "api_key") != 0 &&
	    strcmp(type, "http_basic") != 0)
		return fail_at(r, ll_toml_find(t, "type")->line, 1, "unknown auth type \"%s\"%s", type,
			       "; use bearer, api_key or http_basic");
	if (location && strcmp(location, "query") != 0 && strcmp(location, "header") != 0)
		return fail_at(r, ll_toml_find(t, "location")->line, 1, "unknown auth location \"%s\"%s",
			       location, "; use header or query");
	rest->auth_in_query = location && strcmp(location, "query") == 0;
	if (!rest->auth_name)
		rest->auth_name = "X-API-Key";
	return LL_OK;
}

static ll_status read_rest(reader *r, const ll_toml_value *t)
{
	ll_plan_rest *rest = &r->f->rest;
	int64_t timeout = 60;
	const ll_toml_value *paginator;
	ll_status st = get_string(r, t, "base_url", false, "[source]", &rest->base_url);
	if (st == LL_OK)
		st = get_integer(r, t, "timeout", &timeout);
	rest->timeout_s = timeout > 0 ? (long)timeout : 60;
	if (st == LL_OK)
		st = get_table(r, t, "headers", &rest->headers);
	if (st == LL_OK)
		st = check_scalars(r, rest->headers, true);
	if (st == LL_OK)
		st = read_auth(r, t);
	if (st == LL_OK)
		st = get_table(r, t, "paginator", &paginator);
	if (st == LL_OK && paginator)
		st = read_paginator(r, paginator, &rest->paginator);
	return st;
}

static ll_status read_source(reader *r, const ll_toml_value *root)
{
	static const char *const file_keys[] = { "kind", "name", NULL };
	static const char *const rest_keys[] = { "kind", "name", "base_url", "timeout", "headers",
						 "auth", "paginator", NULL };
	const ll_toml_value *t;
	ll_status st = get_table(r, root, "source", &t);
	r->f->source_kind = r->f->source_name = "filesystem";
	if (st != LL_OK || !t)
		return st;
	const char *kind = NULL;
	st = get_string(r, t, "kind", false, "[source]", &kind);
	if (st != LL_OK)
		return st;
	if (kind && strcmp(kind, "filesystem") != 0 && strcmp(kind, "rest_api") != 0 &&
	    strcmp(kind, "chess") != 0)
		return fail_at(r, ll_toml_find(t, "kind")->line, 1,
			       "unknown source kind \"%s\"%s", kind, "; use filesystem, rest_api or chess");
	bool chess = kind && strcmp(kind, "chess") == 0;
	bool rest = chess || (kind && strcmp(kind, "rest_api") == 0);
	if (chess) {
		r->f->rest.base_url = "https://api.chess.com/pub/";
		r->f->rest.timeout_s = 60;
	}
	if (kind)
		r->f->source_kind = r->f->source_name = kind;
	st = check_keys(r, t, "[source]", chess ? file_keys : rest ? rest_keys : file_keys);
	const char *name = NULL;
	if (st == LL_OK)
		st = get_string(r, t, "name", false, "[source]", &name);
	if (name)
		r->f->source_name = name;
	if (st == LL_OK && rest)
		st = read_rest(r, t);
	return st;
}

/* {resources.<parent>.<field>} in a path: the resource depends on parent's records. */
static ll_status read_parent(reader *r, const ll_toml_value *endpoint, ll_plan_endpoint *e)
{
	const char *open = strstr(e->path, "{resources.");
	if (!open)
		return LL_OK;
	const char *name = open + strlen("{resources."), *dot = strchr(name, '.');
	const char *close = strchr(name, '}');
	const ll_toml_member *m = ll_toml_find(endpoint, "path");
	if (!dot || !close || dot > close || dot == name || close == dot + 1 ||
	    strstr(close, "{resources."))
		return fail_at(r, m->line, m->column, "path \"%s\": write one %s", e->path,
			       "{resources.PARENT.FIELD} to fill from a parent resource");
	e->parent = ll_arena_strndup(&r->f->arena, name, (size_t)(dot - name));
	e->parent_field = ll_arena_strndup(&r->f->arena, dot + 1, (size_t)(close - dot - 1));
	return e->parent && e->parent_field ? LL_OK : ll_error_oom(r->err);
}

/* A dependent resource's parent must be an endpoint of this file that is not dependent itself. */
static ll_status check_parents(reader *r)
{
	for (size_t i = 0; i < r->f->nresources; i++) {
		const ll_plan_resource *res = &r->f->resources[i];
		if (!res->has_endpoint || !res->endpoint.parent)
			continue;
		const ll_plan_resource *parent = NULL;
		for (size_t k = 0; k < r->f->nresources; k++)
			if (k != i && strcmp(r->f->resources[k].name, res->endpoint.parent) == 0)
				parent = &r->f->resources[k];
		if (!parent || parent->endpoint.parent)
			return fail_at(r, res->line, 1, "resource \"%s\" depends on \"%s\", which is not "
				       "a resource of this file with an endpoint of its own", res->name,
				       res->endpoint.parent);
	}
	return LL_OK;
}

static ll_status read_endpoint(reader *r, const ll_toml_value *res, ll_plan_resource *pr)
{
	static const char *const keys[] = { "path", "params", "data_selector", "paginator", NULL };
	const ll_toml_value *t, *paginator = NULL;
	ll_status st = get_table(r, res, "endpoint", &t);
	if (st != LL_OK || !t)
		return st;
	pr->has_endpoint = true;
	ll_plan_endpoint *e = &pr->endpoint;
	st = check_keys(r, t, "endpoint", keys);
	if (st == LL_OK)
		st = get_string(r, t, "path", true, "endpoint", &e->path);
	if (st == LL_OK)
		st = read_parent(r, t, e);
	if (st == LL_OK)
		st = get_table(r, t, "params", &e->params);
	if (st == LL_OK)
		st = check_scalars(r, e->params, false);
	if (st == LL_OK)
		st = get_string(r, t, "data_selector", false, "endpoint", &e->data_selector);
	if (st == LL_OK)
		st = get_table(r, t, "paginator", &paginator);
	if (st == LL_OK && paginator) {
		e->has_paginator = true;
		st = read_paginator(r, paginator, &e->paginator);
	}
	return st;
}

/* One column hint: "TYPE" or { data_type, precision, scale, nullable }. */
static ll_status read_column(reader *r, const ll_toml_member *m, ll_column_hint *h)
{
	static const char *const keys[] = { "data_type", "precision", "scale", "nullable", NULL };
	memset(h, 0, sizeof(*h));
	h->name = m->key;
	h->nullable = true;
	const char *type = NULL;
	ll_status st = LL_OK;
	const ll_toml_value *v = m->value;
	if (v->kind == LL_TOML_STRING) {
		type = v->u.s.ptr;
	} else if (v->kind == LL_TOML_TABLE) {
		st = check_keys(r, v, "a column hint", keys);
		if (st == LL_OK)
			st = get_string(r, v, "data_type", true, "a column hint", &type);
		const ll_toml_value *p = ll_toml_get(v, "precision"), *s = ll_toml_get(v, "scale");
		const ll_toml_value *nullable = ll_toml_get(v, "nullable");
		if (st == LL_OK && ((p && p->kind != LL_TOML_INTEGER) || (s && s->kind != LL_TOML_INTEGER) ||
				    (nullable && nullable->kind != LL_TOML_BOOL)))
			return fail_at(r, m->line, m->column, "column hint \"%s\": %s", m->key,
				       "precision and scale are integers, nullable true or false");
		h->precision = p ? (int)p->u.i : 0;
		h->scale = s ? (int)s->u.i : 0;
		h->nullable = nullable ? nullable->u.b : true;
	} else {
		return wrong_type(r, m, "a type name or a table with data_type");
	}
	if (st != LL_OK)
		return st;
	int p, s;
	if (sscanf(type, "decimal(%d,%d)", &p, &s) == 2 && p >= 1 && p <= 38 && s >= 0 && s <= p) {
		h->type = LL_TYPE_DECIMAL;
		h->precision = p;
		h->scale = s;
		return LL_OK;
	}
	if (!ll_data_type_parse(type, &h->type))
		return fail_at(r, m->line, m->column, "column \"%s\": unknown type \"%s\"; use text, bigint, "
			       "double, bool, timestamp, date, time, decimal(P,S), binary or json", m->key,
			       type);
	return LL_OK;
}

static ll_status read_columns(reader *r, const ll_toml_value *res, ll_plan_resource *pr)
{
	const ll_toml_value *t;
	ll_status st = get_table(r, res, "columns", &t);
	if (st != LL_OK || !t)
		return st;
	ll_column_hint *hints = ll_arena_alloc(&r->f->arena, (t->u.table.count + 1) * sizeof(*hints));
	if (!hints)
		return ll_error_oom(r->err);
	for (size_t i = 0; i < t->u.table.count && st == LL_OK; i++)
		st = read_column(r, &t->u.table.members[i], &hints[i]);
	pr->hints.columns = hints;
	pr->hints.ncolumns = t->u.table.count;
	return st;
}

static ll_status read_files(reader *r, const ll_toml_value *res, ll_plan_resource *pr)
{
	static const char *const keys[] = { "bucket_url", "file_glob", "format", NULL };
	const ll_toml_value *t;
	ll_status st = get_table(r, res, "files", &t);
	if (st != LL_OK || !t)
		return st;
	pr->has_files = true;
	const char *format = NULL;
	st = check_keys(r, t, "files", keys);
	if (st == LL_OK)
		st = get_string(r, t, "bucket_url", false, "files", &pr->files.bucket_url);
	if (st == LL_OK)
		st = get_strings(r, t, "file_glob", &pr->files.globs, &pr->files.nglobs);
	if (st == LL_OK && pr->files.nglobs == 0)
		return fail_at(r, t->line, t->column, "missing required key \"%s\" in %s", "file_glob",
			       "files");
	if (st == LL_OK)
		st = get_string(r, t, "format", false, "files", &format);
	if (st != LL_OK || !format)
		return st;
	if (strcmp(format, "json") == 0 || strcmp(format, "jsonl") == 0)
		pr->files.format = LL_FILE_JSON;
	else if (strcmp(format, "csv") == 0)
		pr->files.format = LL_FILE_CSV;
	else if (strcmp(format, "auto") != 0)
		return fail_at(r, ll_toml_find(t, "format")->line, 1, "unknown file format \"%s\"%s",
			       format, "; use auto, json, jsonl or csv");
	return LL_OK;
}

static ll_status read_incremental(reader *r, const ll_toml_value *res, ll_plan_resource *pr)
{
	static const char *const keys[] = { "cursor_path", "initial_value", "start_param", NULL };
	const ll_toml_value *t;
	ll_status st = get_table(r, res, "incremental", &t);
	if (st != LL_OK || !t)
		return st;
	pr->incremental = true;
	st = check_keys(r, t, "incremental", keys);
	if (st == LL_OK)
		st = get_string(r, t, "cursor_path", true, "incremental", &pr->incr.cursor_path);
	if (st == LL_OK)
		st = get_string(r, t, "start_param", false, "incremental", &pr->incr.start_param);
	pr->incr.initial_value = ll_toml_get(t, "initial_value");
	const ll_toml_value *iv = pr->incr.initial_value;
	if (st == LL_OK && iv && iv->kind != LL_TOML_STRING && iv->kind != LL_TOML_INTEGER &&
	    iv->kind != LL_TOML_FLOAT)
		return wrong_type(r, ll_toml_find(t, "initial_value"), "a string or a number");
	return st;
}

/* The hints that are plain names or numbers: disposition, format, keys, partition, nesting. */
static ll_status read_hints(reader *r, const ll_toml_value *res, ll_plan_resource *pr)
{
	ll_resource *h = &pr->hints;
	const char *disposition = NULL, *format = NULL;
	ll_status st = get_string(r, res, "table_name", false, "[[resources]]", &h->table);
	if (st == LL_OK && !h->table)
		h->table = pr->name;
	if (st == LL_OK)
		st = get_string(r, res, "write_disposition", false, "[[resources]]", &disposition);
	if (st == LL_OK && disposition && !ll_write_disposition_parse(disposition, &h->write_disposition))
		return fail_at(r, ll_toml_find(res, "write_disposition")->line, 1,
			       "unknown write_disposition \"%s\"%s", disposition,
			       "; use append, replace or merge");
	if (st == LL_OK)
		st = get_string(r, res, "table_format", false, "[[resources]]", &format);
	if (st == LL_OK && format && !ll_table_format_parse(format, &h->table_format))
		return fail_at(r, ll_toml_find(res, "table_format")->line, 1,
			       "unknown table_format \"%s\"%s", format, "; use hive or iceberg");
	if (st == LL_OK)
		st = get_strings(r, res, "primary_key", (const char ***)&h->primary_key, &h->nprimary_key);
	if (st == LL_OK)
		st = get_strings(r, res, "merge_key", (const char ***)&h->merge_key, &h->nmerge_key);
	if (st == LL_OK)
		st = get_strings(r, res, "partition", (const char ***)&h->partition, &h->npartition);
	int64_t nesting = -1;
	if (st == LL_OK)
		st = get_integer(r, res, "max_table_nesting", &nesting);
	if (st == LL_OK && nesting >= 0)
		h->max_table_nesting = nesting == 0 ? LL_TABLE_NESTING_NONE
				       : nesting > INT_MAX ? INT_MAX : (int)nesting;
	return st;
}

/* The chess source's resources are built in: named, with hints only. */
static ll_status check_chess_resource(reader *r, const ll_toml_value *res, ll_plan_resource *pr)
{
	static const char *const names[] = { "players_profiles", "players_archives", "players_games" };
	bool known = false;
	for (size_t i = 0; i < 3 && !known; i++)
		known = strcmp(names[i], pr->name) == 0;
	if (!known)
		return fail_at(r, res->line, res->column, "the chess source has no resource \"%s\"%s",
			       pr->name, "; use players_profiles, players_archives or players_games");
	if (pr->has_files || pr->has_endpoint || pr->incremental)
		return fail_at(r, res->line, res->column, "resource \"%s\" of the chess source is built "
			       "in: give it hints only, no %s", pr->name, "files, endpoint or incremental");
	return LL_OK;
}

static ll_status read_resource(reader *r, const ll_toml_value *res, ll_plan_resource *pr)
{
	static const char *const keys[] = { "name", "table_name", "write_disposition", "primary_key",
					    "merge_key", "table_format", "partition", "columns",
					    "max_table_nesting",
					    "files", "incremental", "endpoint", NULL };
	memset(pr, 0, sizeof(*pr));
	pr->line = res->line;
	ll_status st = check_keys(r, res, "[[resources]]", keys);
	if (st == LL_OK)
		st = get_string(r, res, "name", true, "[[resources]]", &pr->name);
	if (st == LL_OK)
		st = read_hints(r, res, pr);
	if (st == LL_OK)
		st = read_columns(r, res, pr);
	if (st == LL_OK)
		st = read_files(r, res, pr);
	if (st == LL_OK)
		st = read_incremental(r, res, pr);
	if (st == LL_OK)
		st = read_endpoint(r, res, pr);
	if (st != LL_OK)
		return st;
	if (strcmp(r->f->source_kind, "chess") == 0)
		return check_chess_resource(r, res, pr);
	bool rest = strcmp(r->f->source_kind, "rest_api") == 0;
	if (rest && !pr->has_endpoint)
		return fail_at(r, res->line, res->column,
			       "resource \"%s\" of a rest_api source needs %s", pr->name,
			       "endpoint = { path = \"...\" }");
	if (!rest && !pr->has_files)
		return fail_at(r, res->line, res->column,
			       "resource \"%s\" of a filesystem source needs %s", pr->name,
			       "files = { bucket_url, file_glob }");
	if ((rest && pr->has_files) || (!rest && pr->has_endpoint))
		return fail_at(r, res->line, res->column, "resource \"%s\" of a %s source takes "
			       "endpoint (rest_api) or files (filesystem), as its source's kind says",
			       pr->name, r->f->source_kind);
	return st;
}

static ll_status read_resources(reader *r, const ll_toml_value *root)
{
	const ll_toml_member *m = ll_toml_find(root, "resources");
	if (!m)
		return fail_at(r, 1, 1, "no [[%s]] declared; a pipeline needs at least one%s", "resources",
			       "");
	if (m->value->kind != LL_TOML_ARRAY || m->value->u.arr.count == 0)
		return wrong_type(r, m, "an array of tables ([[resources]])");
	size_t n = m->value->u.arr.count;
	r->f->resources = ll_arena_alloc(&r->f->arena, n * sizeof(*r->f->resources));
	if (!r->f->resources)
		return ll_error_oom(r->err);
	for (size_t i = 0; i < n; i++) {
		const ll_toml_value *res = m->value->u.arr.items[i];
		if (res->kind != LL_TOML_TABLE)
			return wrong_type(r, m, "an array of tables ([[resources]])");
		ll_status st = read_resource(r, res, &r->f->resources[i]);
		if (st != LL_OK)
			return st;
		for (size_t k = 0; k < i; k++) {
			if (strcmp(r->f->resources[k].name, r->f->resources[i].name) == 0)
				return fail_at(r, res->line, res->column, "resource \"%s\" is declared twice%s",
					       r->f->resources[i].name, "");
		}
		r->f->nresources++;
	}
	return LL_OK;
}

static ll_status read_document(reader *r, const char *text, size_t len)
{
	static const char *const keys[] = { "pipeline", "source", "resources", NULL };
	const ll_toml_value *root;
	ll_status st = ll_toml_parse(text, len, r->f->path, &r->f->arena, &root, r->err);
	if (st == LL_EFORMAT)
		st = LL_EINVAL; /* a pipeline.toml that is not TOML is a usage error too */
	if (st == LL_OK)
		st = check_keys(r, root, "pipeline.toml", keys);
	if (st == LL_OK)
		st = read_pipeline(r, root);
	if (st == LL_OK)
		st = read_source(r, root);
	if (st == LL_OK)
		st = read_resources(r, root);
	if (st == LL_OK)
		st = check_parents(r);
	return st;
}

ll_status ll_pipeline_file_read(const char *path, ll_pipeline_file **out, ll_error *err)
{
	*out = NULL;
	ll_pipeline_file *f = calloc(1, sizeof(*f));
	if (!f)
		return ll_error_oom(err);
	ll_arena_init(&f->arena, 0);
	const char *slash = strrchr(path, '/');
	f->path = ll_arena_strndup(&f->arena, path, strlen(path));
	f->dir = slash ? ll_arena_strndup(&f->arena, path, (size_t)(slash - path + (slash == path)))
		       : ".";
	ll_buf text = LL_BUF_INIT;
	ll_status st = f->path && f->dir ? ll_fs_read_all(path, &text, err) : ll_error_oom(err);
	if (st == LL_ENOTFOUND)
		ll_error_prefix(err, "no pipeline file (lakeload init writes one)");
	reader r = { f, err };
	if (st == LL_OK)
		st = read_document(&r, text.data ? text.data : "", text.len);
	ll_buf_free(&text);
	if (st != LL_OK) {
		ll_pipeline_file_free(f);
		return st;
	}
	*out = f;
	return LL_OK;
}

void ll_pipeline_file_free(ll_pipeline_file *f)
{
	if (!f)
		return;
	ll_arena_free(&f->arena);
	free(f);
}

void ll_pipeline_file_describe(const ll_pipeline_file *f, const char **name, const char **dataset,
			       const char **destination)
{
	*name = f->name;
	*dataset = f->dataset_normalized;
	*destination = f->destination;
}

ll_status ll_pipeline_file_show_config(const ll_pipeline_file *f, const char *config_dir,
				       FILE *out, ll_error *err)
{
	/* the keys each source reads from [sources.<name>] (run_chess.c, run_rest.c) */
	static const char *const chess[] = { "players", "start_month", "end_month", "base_url", NULL };
	static const char *const rest[] = { "base_url", "token", "api_key", "username", "password",
					    NULL };
	const char *const *keys = strcmp(f->source_kind, "chess") == 0      ? chess
				  : strcmp(f->source_kind, "rest_api") == 0 ? rest
									    : NULL;
	if (!keys)
		return LL_OK;
	ll_source_config sc;
	ll_status st = ll_source_config_open(&sc, config_dir, f->source_name, err);
	if (st == LL_OK)
		st = ll_source_config_show(&sc, keys, out, err);
	ll_source_config_close(&sc);
	return st;
}
