/*
 * REST endpoints as record sources; see run_rest.h.
 *
 * One page is held at a time: its body parsed into the source's own arena,
 * its records handed out one by one, then the paginator says where the next
 * page is (or that there is none) from the page's body, its Link header or
 * its record count.
 */
#include "pipeline/run_rest.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extract/rest_http.h"
#include "util/base64.h"

#define MAX_ATTEMPTS 5

struct ll_rest_source {
	const ll_plan_resource *res;
	const ll_plan_rest *rest;
	const ll_plan_paginator *pg;
	const ll_logger *logger;
	ll_record_source src;
	ll_buf base;           /* base_url + path */
	ll_buf start;          /* the incremental start value as text; "" none */
	ll_buf auth_header;    /* "Authorization: ..." or "<name>: <key>"; "" none */
	const char *query_key; /* an api_key sent in the query */
	ll_buf redacted_first;
	/* where the next page is */
	ll_buf next_url;       /* json_link, header_link: "" = stop */
	int64_t offset, page;
	ll_buf cursor;
	bool started, done;
	/* the current page */
	ll_arena arena;
	ll_rest_response resp;
	const ll_json_value *const *records;
	const ll_json_value *single; /* a page that is one object */
	size_t nrecords, next;
};

static void append_param(ll_buf *url, const char *name, const char *value)
{
	ll_buf_putc(url, strchr(url->data ? url->data : "", '?') ? '&' : '?');
	ll_rest_url_encode(url, name);
	ll_buf_putc(url, '=');
	ll_rest_url_encode(url, value);
}

static const char *param_text(const ll_toml_value *v, char *buf, size_t size)
{
	if (v->kind == LL_TOML_STRING)
		return v->u.s.ptr;
	if (v->kind == LL_TOML_BOOL)
		return v->u.b ? "true" : "false";
	if (v->kind == LL_TOML_INTEGER)
		snprintf(buf, size, "%lld", (long long)v->u.i);
	else
		snprintf(buf, size, "%.17g", v->u.d);
	return buf;
}

/* The URL of the first page, or of the next one for the counting paginators. */
static void build_url(ll_rest_source *s, ll_buf *url)
{
	ll_buf_clear(url);
	ll_buf_append(url, s->base.data, s->base.len);
	const ll_toml_value *params = s->res->endpoint.params;
	char num[64];
	for (size_t i = 0; params && i < params->u.table.count; i++)
		append_param(url, params->u.table.members[i].key,
			     param_text(params->u.table.members[i].value, num, sizeof(num)));
	if (s->start.len && s->res->incr.start_param)
		append_param(url, s->res->incr.start_param, s->start.data);
	if (s->pg->kind == LL_PAGE_OFFSET) {
		snprintf(num, sizeof(num), "%lld", (long long)s->offset);
		append_param(url, s->pg->offset_param, num);
		snprintf(num, sizeof(num), "%lld", (long long)s->pg->limit);
		append_param(url, s->pg->limit_param, num);
	} else if (s->pg->kind == LL_PAGE_NUMBER) {
		snprintf(num, sizeof(num), "%lld", (long long)s->page);
		append_param(url, s->pg->page_param, num);
	} else if (s->pg->kind == LL_PAGE_CURSOR && s->cursor.len) {
		append_param(url, s->pg->cursor_param, s->cursor.data);
	}
}

/* A followed link keeps its own query; only a query-string api_key is added to it. */
static void add_query_key(ll_rest_source *s, ll_buf *url)
{
	if (s->query_key)
		append_param(url, s->rest->auth_name, s->query_key);
}

static void redact(const ll_rest_source *s, const char *url, ll_buf *out)
{
	const char *secret[] = { s->query_key ? s->rest->auth_name : NULL, NULL };
	ll_buf_clear(out);
	ll_rest_redact_url(url, secret, out);
}

static void wait_seconds(long secs)
{
	struct timespec ts = { secs, 0 };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static bool retryable(long status)
{
	return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

static ll_status http_failure(const ll_rest_source *s, const char *shown, long status,
			      ll_error *err)
{
	ll_status code = status == 401 || status == 403 ? LL_EAUTH
			 : status == 404		 ? LL_ENOTFOUND
							 : LL_EIO;
	ll_error_set(err, code, "GET %s: HTTP %ld%s", shown, status,
		     code == LL_EAUTH ? " (the credentials were refused; check the auth secrets of the "
					"source in .dlt/secrets.toml)"
		     : code == LL_ENOTFOUND ? " (no such endpoint; check base_url and the path)"
					    : "");
	(void)s;
	return code;
}

/* GETs url, retrying what a server says to retry; the answer is 2xx on LL_OK. */
static ll_status fetch(ll_rest_source *s, const char *url, ll_error *err)
{
	ll_buf shown = LL_BUF_INIT;
	redact(s, url, &shown);
	const char *headers[64];
	size_t n = 0;
	const ll_toml_value *h = s->rest->headers;
	ll_buf lines = LL_BUF_INIT;
	for (size_t i = 0; h && i < h->u.table.count && i < 60; i++)
		ll_buf_printf(&lines, "%s: %s%c", h->u.table.members[i].key,
			      h->u.table.members[i].value->u.s.ptr, '\0');
	for (size_t off = 0; off < lines.len && n < 60; off += strlen(lines.data + off) + 1)
		headers[n++] = lines.data + off;
	headers[n++] = "Accept: application/json";
	if (s->auth_header.len)
		headers[n++] = s->auth_header.data;
	headers[n] = NULL;
	ll_status st = ll_buf_oom(&shown) || ll_buf_oom(&lines) ? ll_error_oom(err) : LL_OK;
	for (int attempt = 1; st == LL_OK; attempt++) {
		st = ll_rest_get(url, headers, s->rest->timeout_s * 1000, shown.data, &s->resp, err);
		if (st != LL_OK || (s->resp.status >= 200 && s->resp.status < 300))
			break;
		if (!retryable(s->resp.status) || attempt == MAX_ATTEMPTS) {
			st = http_failure(s, shown.data, s->resp.status, err);
			if (retryable(s->resp.status))
				ll_error_prefix(err, "gave up after %d attempts", MAX_ATTEMPTS);
			break;
		}
		long wait = s->resp.retry_after >= 0 ? s->resp.retry_after : 1L << (attempt - 1);
		if (wait > 60)
			wait = 60;
		ll_log(s->logger, LL_LOG_WARN, "GET %s: HTTP %ld; trying again in %ld s (attempt %d of %d)",
		       shown.data, s->resp.status, wait, attempt + 1, MAX_ATTEMPTS);
		wait_seconds(wait);
	}
	ll_buf_free(&lines);
	ll_buf_free(&shown);
	return st;
}

/* The records of a page: what data_selector points at, else the body or its only list. */
static ll_status select_records(ll_rest_source *s, const ll_json_value *body, const char *shown,
				ll_error *err)
{
	const ll_json_value *data = body;
	if (s->res->endpoint.data_selector) {
		data = ll_json_at_path(body, s->res->endpoint.data_selector);
		if (!data)
			return ll_error_set(err, LL_EFORMAT, "GET %s: the answer has no %s (data_selector)",
					    shown, s->res->endpoint.data_selector);
	} else if (body->kind == LL_JSON_OBJECT) {
		const ll_json_value *list = NULL;
		size_t lists = 0;
		for (size_t i = 0; i < body->u.obj.count; i++) {
			if (body->u.obj.members[i].value->kind == LL_JSON_ARRAY) {
				list = body->u.obj.members[i].value;
				lists++;
			}
		}
		if (lists == 1)
			data = list;
	}
	s->single = NULL;
	s->records = NULL;
	s->nrecords = 0;
	if (data->kind == LL_JSON_ARRAY) {
		s->records = (const ll_json_value *const *)data->u.arr.items;
		s->nrecords = data->u.arr.count;
	} else if (data->kind == LL_JSON_OBJECT) {
		s->single = data;
		s->nrecords = 1;
	} else if (data->kind != LL_JSON_NULL) {
		return ll_error_set(err, LL_EFORMAT, "GET %s: the records are neither a list nor an object",
				    shown);
	}
	return LL_OK;
}

/* The rel="next" target of a Link header into out ("" when none). */
static void link_next(const char *link, ll_buf *out)
{
	ll_buf_clear(out);
	for (const char *p = link; p && *p;) {
		const char *lt = strchr(p, '<'), *gt = lt ? strchr(lt, '>') : NULL;
		if (!gt)
			return;
		const char *end = strchr(gt, ',');
		size_t params = end ? (size_t)(end - gt) : strlen(gt);
		char buf[256];
		snprintf(buf, sizeof(buf), "%.*s", (int)(params < sizeof(buf) ? params : sizeof(buf) - 1), gt);
		if (strstr(buf, "rel=\"next\"") || strstr(buf, "rel=next")) {
			ll_buf_append(out, lt + 1, (size_t)(gt - lt - 1));
			return;
		}
		p = end ? end + 1 : NULL;
	}
}

static bool integer_at(const ll_json_value *body, const char *path, int64_t *out)
{
	const ll_json_value *v = path ? ll_json_at_path(body, path) : NULL;
	if (v && v->kind == LL_JSON_INT)
		*out = v->u.i;
	return v && v->kind == LL_JSON_INT;
}

/* Where the page after this one is; s->done when there is none. */
static void advance(ll_rest_source *s, const ll_json_value *body)
{
	const ll_plan_paginator *pg = s->pg;
	const ll_json_value *v;
	int64_t total;
	switch (pg->kind) {
	case LL_PAGE_SINGLE:
		s->done = true;
		break;
	case LL_PAGE_JSON_LINK:
		v = ll_json_at_path(body, pg->next_url_path);
		ll_buf_clear(&s->next_url);
		if (v && v->kind == LL_JSON_STRING && v->u.s.len)
			ll_buf_append(&s->next_url, v->u.s.ptr, v->u.s.len);
		s->done = s->next_url.len == 0;
		break;
	case LL_PAGE_HEADER_LINK:
		link_next(ll_buf_cstr(&s->resp.link), &s->next_url);
		s->done = s->next_url.len == 0;
		break;
	case LL_PAGE_OFFSET:
		s->offset += pg->limit;
		s->done = s->nrecords < (size_t)pg->limit ||
			  (integer_at(body, pg->total_path, &total) && s->offset >= total);
		break;
	case LL_PAGE_NUMBER:
		s->page++;
		s->done = s->nrecords == 0 ||
			  (integer_at(body, pg->total_path, &total) && s->page - pg->base_page >= total);
		break;
	case LL_PAGE_CURSOR:
		v = ll_json_at_path(body, pg->cursor_path);
		ll_buf_clear(&s->cursor);
		if (v && v->kind == LL_JSON_STRING)
			ll_buf_append(&s->cursor, v->u.s.ptr, v->u.s.len);
		else if (v && v->kind == LL_JSON_INT)
			ll_buf_printf(&s->cursor, "%lld", (long long)v->u.i);
		s->done = s->cursor.len == 0;
		break;
	}
}

static ll_status next_page(ll_rest_source *s, ll_error *err)
{
	ll_buf url = LL_BUF_INIT, shown = LL_BUF_INIT;
	bool link = s->started && (s->pg->kind == LL_PAGE_JSON_LINK || s->pg->kind == LL_PAGE_HEADER_LINK);
	if (link) {
		ll_buf_append(&url, s->next_url.data, s->next_url.len);
		add_query_key(s, &url);
	} else {
		build_url(s, &url);
		add_query_key(s, &url);
	}
	s->started = true;
	redact(s, ll_buf_cstr(&url), &shown);
	ll_status st = ll_buf_oom(&url) || ll_buf_oom(&shown) ? ll_error_oom(err) : fetch(s, url.data, err);
	ll_arena_reset(&s->arena);
	const ll_json_value *body = NULL;
	if (st == LL_OK) {
		ll_error perr;
		ll_error_clear(&perr);
		if (ll_json_parse(ll_buf_cstr(&s->resp.body), s->resp.body.len, shown.data, &s->arena,
				  &body, &perr) != LL_OK)
			st = ll_error_set(err, LL_EFORMAT, "GET %s: HTTP %ld, but the body is not JSON (%s)",
					  shown.data, s->resp.status, perr.message);
	}
	if (st == LL_OK)
		st = select_records(s, body, shown.data, err);
	if (st == LL_OK) {
		s->next = 0;
		advance(s, body);
	}
	ll_buf_free(&url);
	ll_buf_free(&shown);
	return st;
}

static ll_status next_record(void *user, ll_arena *arena, const ll_json_value **record,
			     uint64_t *line, uint64_t *column, ll_error *err)
{
	ll_rest_source *s = user;
	(void)arena;
	*line = *column = 0;
	*record = NULL;
	while (s->next >= s->nrecords) {
		if (s->done && s->started)
			return LL_OK;
		ll_status st = next_page(s, err);
		if (st != LL_OK)
			return st;
		if (s->nrecords == 0 && s->done)
			return LL_OK;
	}
	*record = s->single ? s->single : s->records[s->next];
	s->next++;
	return LL_OK;
}

static ll_status auth_setup(ll_rest_source *s, ll_source_config *cfg, ll_error *err)
{
	const char *type = s->rest->auth_type;
	if (!type)
		return LL_OK;
	const char *name = cfg->name;
	if (strcmp(type, "bearer") == 0) {
		const char *token = ll_source_config_get(cfg, "token");
		if (!token)
			return ll_error_set(err, LL_EAUTH, "source %s uses bearer auth: set token in "
					    "[sources.%s] of .dlt/secrets.toml", name, name);
		ll_buf_printf(&s->auth_header, "Authorization: Bearer %s", token);
	} else if (strcmp(type, "api_key") == 0) {
		const char *key = ll_source_config_get(cfg, "api_key");
		if (!key)
			return ll_error_set(err, LL_EAUTH, "source %s uses api_key auth: set api_key in "
					    "[sources.%s] of .dlt/secrets.toml", name, name);
		if (s->rest->auth_in_query)
			s->query_key = key;
		else
			ll_buf_printf(&s->auth_header, "%s: %s", s->rest->auth_name, key);
	} else {
		const char *user = ll_source_config_get(cfg, "username");
		ll_buf pair = LL_BUF_INIT;
		ll_buf_puts(&pair, user ? user : "");
		const char *password = ll_source_config_get(cfg, "password");
		if (!user || !password) {
			ll_buf_wipe(&pair);
			return ll_error_set(err, LL_EAUTH, "source %s uses http_basic auth: set username "
					    "and password in [sources.%s] of .dlt/secrets.toml", name, name);
		}
		ll_buf_printf(&pair, ":%s", password);
		ll_buf_puts(&s->auth_header, "Authorization: Basic ");
		ll_base64_encode(pair.data, pair.len, &s->auth_header);
		ll_buf_wipe(&pair);
	}
	return ll_buf_oom(&s->auth_header) ? ll_error_oom(err) : LL_OK;
}

static ll_status set_base(ll_rest_source *s, const ll_pipeline_file *f, ll_source_config *cfg,
			  ll_error *err)
{
	const char *base = ll_source_config_get(cfg, "base_url");
	if (!base)
		base = f->rest.base_url;
	const char *path = s->res->endpoint.path;
	if (strncmp(path, "http://", 7) == 0 || strncmp(path, "https://", 8) == 0) {
		ll_buf_puts(&s->base, path);
	} else if (!base) {
		return ll_error_set(err, LL_EINVAL, "source %s has no base_url: set it in [source] of %s, "
				    "in [sources.%s] of .dlt/config.toml or as SOURCES__%s__BASE_URL",
				    cfg->name, f->path, cfg->name, cfg->name);
	} else {
		size_t len = strlen(base);
		while (len && base[len - 1] == '/')
			len--;
		ll_buf_append(&s->base, base, len);
		ll_buf_putc(&s->base, '/');
		while (*path == '/')
			path++;
		ll_buf_puts(&s->base, path);
	}
	return ll_buf_oom(&s->base) ? ll_error_oom(err) : LL_OK;
}

ll_status ll_rest_source_open(const ll_pipeline_file *f, const ll_plan_resource *res,
			      ll_source_config *cfg, const ll_logger *logger, const json_t *start,
			      ll_rest_source **out, ll_record_source **src, ll_error *err)
{
	*out = NULL;
	ll_rest_source *s = calloc(1, sizeof(*s));
	if (!s)
		return ll_error_oom(err);
	s->res = res;
	s->rest = &f->rest;
	s->pg = res->endpoint.has_paginator ? &res->endpoint.paginator : &f->rest.paginator;
	s->logger = logger;
	s->page = s->pg->base_page;
	ll_arena_init(&s->arena, 0);
	if (json_is_string(start))
		ll_buf_puts(&s->start, json_string_value(start));
	else if (json_is_integer(start))
		ll_buf_printf(&s->start, "%lld", (long long)json_integer_value(start));
	else if (json_is_real(start))
		ll_buf_printf(&s->start, "%.17g", json_real_value(start));
	ll_status st = set_base(s, f, cfg, err);
	if (st == LL_OK)
		st = auth_setup(s, cfg, err);
	if (st == LL_OK) {
		ll_buf first = LL_BUF_INIT;
		build_url(s, &first);
		redact(s, ll_buf_cstr(&first), &s->redacted_first);
		ll_buf_free(&first);
		if (ll_buf_oom(&s->redacted_first))
			st = ll_error_oom(err);
	}
	if (st != LL_OK) {
		ll_rest_source_close(s);
		return st;
	}
	s->src = (ll_record_source){ next_record, s, s->redacted_first.data };
	*out = s;
	*src = &s->src;
	return LL_OK;
}

const char *ll_rest_source_name(const ll_rest_source *s)
{
	return s->redacted_first.data;
}

void ll_rest_source_close(ll_rest_source *s)
{
	if (!s)
		return;
	ll_buf_free(&s->base);
	ll_buf_free(&s->start);
	ll_buf_wipe(&s->auth_header);
	ll_buf_free(&s->redacted_first);
	ll_buf_free(&s->next_url);
	ll_buf_free(&s->cursor);
	ll_rest_response_free(&s->resp);
	ll_arena_free(&s->arena);
	free(s);
}

struct ll_rest_chain {
	const ll_pipeline_file *f;
	ll_plan_resource sub; /* res with the current path */
	ll_source_config *cfg;
	const ll_logger *logger;
	ll_rest_path_fn next_path;
	void *user;
	ll_buf path;
	ll_rest_source *cur;
	ll_record_source *cur_src;
	ll_record_source src;
	bool done;
};

/* dlt makes a record that is not an object a row with one column, value. */
static ll_status wrap_scalar(ll_arena *arena, const ll_json_value **record, ll_error *err)
{
	if ((*record)->kind == LL_JSON_OBJECT)
		return LL_OK;
	ll_json_value *obj = ll_arena_alloc(arena, sizeof(*obj));
	ll_json_member *m = ll_arena_alloc(arena, sizeof(*m));
	if (!obj || !m)
		return ll_error_oom(err);
	*m = (ll_json_member){ "value", 5, (ll_json_value *)*record };
	obj->kind = LL_JSON_OBJECT;
	obj->u.obj.members = m;
	obj->u.obj.count = 1;
	*record = obj;
	return LL_OK;
}

static ll_status next_chain_record(void *user, ll_arena *arena, const ll_json_value **record,
				   uint64_t *line, uint64_t *column, ll_error *err)
{
	ll_rest_chain *c = user;
	*record = NULL;
	while (!c->done) {
		if (c->cur) {
			ll_status st = c->cur_src->next(c->cur_src->user, arena, record, line, column, err);
			if (st != LL_OK || *record)
				return st == LL_OK ? wrap_scalar(arena, record, err) : st;
			ll_rest_source_close(c->cur);
			c->cur = NULL;
		}
		ll_buf_clear(&c->path);
		ll_status st = c->next_path(c->user, &c->path, err);
		if (st != LL_OK)
			return st;
		if (c->path.len == 0) {
			c->done = true;
			break;
		}
		c->sub.endpoint.path = c->path.data;
		st = ll_rest_source_open(c->f, &c->sub, c->cfg, c->logger, NULL, &c->cur, &c->cur_src, err);
		if (st != LL_OK)
			return st;
	}
	return LL_OK;
}

ll_status ll_rest_chain_open(const ll_pipeline_file *f, const ll_plan_resource *res,
			     ll_source_config *cfg, const ll_logger *logger, ll_rest_path_fn next_path,
			     void *user, ll_rest_chain **out, ll_record_source **src, ll_error *err)
{
	ll_rest_chain *c = calloc(1, sizeof(*c));
	if (!c)
		return ll_error_oom(err);
	*c = (ll_rest_chain){ .f = f, .sub = *res, .cfg = cfg, .logger = logger,
			      .next_path = next_path, .user = user, .path = LL_BUF_INIT };
	c->src = (ll_record_source){ next_chain_record, c, res->name };
	*out = c;
	*src = &c->src;
	return LL_OK;
}

void ll_rest_chain_close(ll_rest_chain *c)
{
	if (!c)
		return;
	ll_rest_source_close(c->cur);
	ll_buf_free(&c->path);
	free(c);
}
