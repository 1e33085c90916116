/*
 * Athena queries over the JSON protocol client: start, poll, page results
 * into ll_row_fn rows (see athena.h).
 */
#include "aws/athena.h"

#include <errno.h>
#include <math.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "aws/glue.h"
#include "util/error.h"
#include "util/number.h"
#include "util/retry.h"

struct ll_athena {
	ll_aws_json_client *aws;
	char *work_group;
	char *output_location; /* NULL: the work group's */
	char *catalog;
	long poll_initial_ms, poll_max_ms;
	int page_size;
	const volatile sig_atomic_t *cancel;
	bool output_checked;
};

void ll_athena_config_init(ll_athena_config *cfg)
{
	*cfg = (ll_athena_config){ .poll_initial_ms = 200, .poll_max_ms = 5000, .page_size = 1000 };
	ll_aws_json_config_init(&cfg->aws, LL_AWS_ATHENA);
}

static char *dup_or_null(const char *s)
{
	return s && *s ? strdup(s) : NULL;
}

ll_status ll_athena_open(ll_athena **out, const ll_athena_config *cfg, ll_error *err)
{
	*out = NULL;
	if (cfg->poll_initial_ms <= 0 || cfg->poll_max_ms < cfg->poll_initial_ms)
		return ll_error_set(err, LL_EINVAL,
				    "Athena poll delays must be positive, the maximum at least the "
				    "first");
	if (cfg->page_size < 1 || cfg->page_size > 1000)
		return ll_error_set(err, LL_EINVAL, "Athena page_size must be between 1 and 1000");
	ll_athena *a = calloc(1, sizeof(*a));
	if (!a)
		return ll_error_oom(err);
	ll_aws_json_config c = cfg->aws;
	c.service = LL_AWS_ATHENA;
	ll_status s = ll_aws_json_open(&a->aws, &c, err);
	a->work_group = strdup(cfg->work_group && *cfg->work_group ? cfg->work_group : "primary");
	a->output_location = dup_or_null(cfg->output_location);
	a->catalog = dup_or_null(cfg->catalog);
	a->poll_initial_ms = cfg->poll_initial_ms;
	a->poll_max_ms = cfg->poll_max_ms;
	a->page_size = cfg->page_size;
	a->cancel = cfg->cancel;
	if (s == LL_OK && (!a->work_group || (cfg->output_location && *cfg->output_location &&
					      !a->output_location) ||
			   (cfg->catalog && *cfg->catalog && !a->catalog)))
		s = ll_error_oom(err);
	if (s != LL_OK) {
		ll_athena_free(a);
		return s;
	}
	*out = a;
	return LL_OK;
}

void ll_athena_free(ll_athena *a)
{
	if (!a)
		return;
	ll_aws_json_free(a->aws);
	free(a->work_group);
	free(a->output_location);
	free(a->catalog);
	free(a);
}

ll_aws_json_client *ll_athena_client(ll_athena *a)
{
	return a->aws;
}

static const char *path_str(const json_t *doc, const char *const *path)
{
	for (; *path && doc; path++)
		doc = json_object_get(doc, *path);
	return json_string_value(doc);
}

ll_status ll_athena_check_output(ll_athena *a, ll_error *err)
{
	if (a->output_location || a->output_checked)
		return LL_OK;
	char res[300];
	snprintf(res, sizeof(res), "work group %s", a->work_group);
	json_t *req = json_object(), *reply = NULL;
	json_object_set_new(req, "WorkGroup", json_string(a->work_group));
	ll_status s = ll_aws_json_send(a->aws, "GetWorkGroup", res, req, &reply, err);
	static const char *const path[] = { "WorkGroup", "Configuration", "ResultConfiguration",
					    "OutputLocation", NULL };
	const char *loc = s == LL_OK ? path_str(reply, path) : NULL;
	if (s == LL_OK && (!loc || !*loc))
		s = ll_error_set(err, LL_EINVAL,
				 "Athena needs somewhere to write query results: set "
				 "destination.athena.query_result_bucket (e.g. "
				 "s3://my-bucket/athena-results/), or give work group %s an output "
				 "location",
				 a->work_group);
	json_decref(reply);
	a->output_checked = s == LL_OK;
	return s;
}

/* A random ClientRequestToken: 32 hex digits. */
static ll_status random_token(char out[33], ll_error *err)
{
	unsigned char b[16];
	if (RAND_bytes(b, sizeof(b)) != 1)
		return ll_error_set(err, LL_EIO, "no random bytes for an Athena request token");
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return LL_OK;
}

ll_status ll_athena_start(ll_athena *a, const char *sql, const char *database, const char *token,
			  ll_buf *query_id, ll_error *err)
{
	char tok[33];
	ll_status s = LL_OK;
	if (!token) {
		if ((s = random_token(tok, err)) != LL_OK)
			return s;
		token = tok;
	}
	size_t tlen = strlen(token);
	if (tlen < 32 || tlen > 128)
		return ll_error_set(err, LL_EINVAL,
				    "an Athena ClientRequestToken must be 32 to 128 characters long");
	json_t *req = json_object(), *ctx = json_object(), *reply = NULL;
	json_object_set_new(req, "QueryString", json_string(sql));
	json_object_set_new(req, "ClientRequestToken", json_string(token));
	json_object_set_new(req, "WorkGroup", json_string(a->work_group));
	if (database)
		json_object_set_new(ctx, "Database", json_string(database));
	if (a->catalog)
		json_object_set_new(ctx, "Catalog", json_string(a->catalog));
	json_object_set_new(req, "QueryExecutionContext", ctx);
	if (a->output_location) {
		json_t *rc = json_object();
		json_object_set_new(rc, "OutputLocation", json_string(a->output_location));
		json_object_set_new(req, "ResultConfiguration", rc);
	}
	char res[300];
	snprintf(res, sizeof(res), "work group %s%s%s", a->work_group,
		 database ? ", database " : "", database ? database : "");
	s = ll_aws_json_send(a->aws, "StartQueryExecution", res, req, &reply, err);
	const char *id = json_string_value(json_object_get(reply, "QueryExecutionId"));
	if (s == LL_OK && (!id || !*id))
		s = ll_error_set(err, LL_EFORMAT,
				 "athena StartQueryExecution: the reply has no QueryExecutionId");
	if (s == LL_OK) {
		ll_buf_clear(query_id);
		ll_buf_puts(query_id, id);
		if (ll_buf_oom(query_id))
			s = ll_error_oom(err);
	}
	json_decref(reply);
	return s;
}

static void copy_member(char *dst, size_t size, const json_t *doc, const char *const *path)
{
	const char *v = path_str(doc, path);
	snprintf(dst, size, "%s", v ? v : "");
}

ll_status ll_athena_get_execution(ll_athena *a, const char *query_id, ll_athena_execution *out,
				  ll_error *err)
{
	memset(out, 0, sizeof(*out));
	char res[200];
	snprintf(res, sizeof(res), "query %s", query_id);
	json_t *req = json_object(), *reply = NULL;
	json_object_set_new(req, "QueryExecutionId", json_string(query_id));
	ll_status s = ll_aws_json_send(a->aws, "GetQueryExecution", res, req, &reply, err);
	static const char *const state[] = { "QueryExecution", "Status", "State", NULL };
	static const char *const reason[] = { "QueryExecution", "Status", "StateChangeReason",
					      NULL };
	static const char *const type[] = { "QueryExecution", "StatementType", NULL };
	static const char *const loc[] = { "QueryExecution", "ResultConfiguration",
					   "OutputLocation", NULL };
	if (s == LL_OK) {
		copy_member(out->state, sizeof(out->state), reply, state);
		copy_member(out->reason, sizeof(out->reason), reply, reason);
		copy_member(out->statement_type, sizeof(out->statement_type), reply, type);
		copy_member(out->output_location, sizeof(out->output_location), reply, loc);
		if (!out->state[0])
			s = ll_error_set(err, LL_EFORMAT,
					 "athena GetQueryExecution on %s: the reply has no "
					 "QueryExecution.Status.State",
					 res);
	}
	json_decref(reply);
	return s;
}

static bool cancelled(const ll_athena *a)
{
	return a->cancel && *a->cancel;
}

/* Stops the query whose wait was cancelled. */
static ll_status stop_cancelled(ll_athena *a, const char *query_id, ll_error *err)
{
	ll_error stop_err;
	ll_status st = ll_athena_stop(a, query_id, &stop_err);
	return ll_error_set(err, LL_ESQL, "Athena query %s was cancelled%s%s", query_id,
			    st == LL_OK ? "" : "; stopping it failed: ",
			    st == LL_OK ? "" : stop_err.message);
}

ll_status ll_athena_wait(ll_athena *a, const char *query_id, ll_athena_execution *out,
			 ll_error *err)
{
	long delay = a->poll_initial_ms;
	for (;;) {
		if (cancelled(a))
			return stop_cancelled(a, query_id, err);
		ll_status s = ll_athena_get_execution(a, query_id, out, err);
		if (s != LL_OK)
			return s;
		if (strcmp(out->state, "SUCCEEDED") == 0)
			return LL_OK;
		if (strcmp(out->state, "FAILED") == 0 || strcmp(out->state, "CANCELLED") == 0)
			return ll_error_set(err, LL_ESQL, "Athena query %s %s: %s", query_id,
					    strcmp(out->state, "FAILED") == 0 ? "failed"
									      : "was cancelled",
					    out->reason[0] ? out->reason : "no reason given");
		for (long slept = 0; slept < delay && !cancelled(a); slept += 50)
			ll_sleep_ms(delay - slept < 50 ? delay - slept : 50);
		delay = delay * 2 > a->poll_max_ms ? a->poll_max_ms : delay * 2;
	}
}

/* ---- Result pages into rows ---- */

ll_cell_kind ll_athena_cell_kind(const char *type)
{
	static const char *const ints[] = { "tinyint", "smallint", "integer", "int",
					    "bigint",  "boolean",  NULL };
	static const char *const reals[] = { "double", "float", "real", NULL };
	for (size_t i = 0; type && ints[i]; i++) {
		if (strcasecmp(type, ints[i]) == 0)
			return LL_CELL_INT;
	}
	for (size_t i = 0; type && reals[i]; i++) {
		if (strcasecmp(type, reals[i]) == 0)
			return LL_CELL_REAL;
	}
	if (type && strcasecmp(type, "varbinary") == 0)
		return LL_CELL_BLOB;
	return LL_CELL_TEXT;
}

void ll_athena_rows_init(ll_athena_rows *r, bool skip_header)
{
	memset(r, 0, sizeof(*r));
	r->skip_header = skip_header;
}

static void free_columns(ll_athena_rows *r)
{
	for (size_t i = 0; i < r->ncols; i++)
		free(r->names[i]);
	free(r->names);
	free(r->kinds);
	r->names = NULL;
	r->kinds = NULL;
	r->ncols = 0;
}

void ll_athena_rows_free(ll_athena_rows *r)
{
	free_columns(r);
	ll_buf_free(&r->scratch);
}

/* Reads ResultSetMetadata.ColumnInfo of the first page. */
static ll_status read_columns(ll_athena_rows *r, const json_t *rs, ll_error *err)
{
	const json_t *info = json_object_get(json_object_get(rs, "ResultSetMetadata"), "ColumnInfo");
	if (!json_is_array(info))
		return ll_error_set(err, LL_EFORMAT,
				    "Athena results: ResultSetMetadata.ColumnInfo is not a list");
	size_t n = json_array_size(info);
	if (n > LL_ATHENA_MAX_COLUMNS)
		return ll_error_set(err, LL_EFORMAT, "Athena results: %zu columns is too many", n);
	r->names = calloc(n ? n : 1, sizeof(*r->names));
	r->kinds = calloc(n ? n : 1, sizeof(*r->kinds));
	if (!r->names || !r->kinds)
		return ll_error_oom(err);
	for (size_t i = 0; i < n; i++) {
		const json_t *c = json_array_get(info, i);
		const char *name = json_string_value(json_object_get(c, "Label"));
		if (!name)
			name = json_string_value(json_object_get(c, "Name"));
		if (!name)
			return ll_error_set(err, LL_EFORMAT,
					    "Athena results: column %zu has no Name or Label", i + 1);
		r->names[i] = strdup(name);
		r->ncols = i + 1;
		if (!r->names[i])
			return ll_error_oom(err);
		r->kinds[i] = ll_athena_cell_kind(json_string_value(json_object_get(c, "Type")));
	}
	return LL_OK;
}

/* The Data of a row as a list of {VarCharValue}; NULL when it is not one. */
static const json_t *row_data(const json_t *row, size_t ncols)
{
	const json_t *data = json_object_get(row, "Data");
	return json_is_array(data) && json_array_size(data) == ncols ? data : NULL;
}

/* Whether a row repeats the column labels (Athena's header row). */
static bool is_header(const ll_athena_rows *r, const json_t *data)
{
	for (size_t i = 0; i < r->ncols; i++) {
		const char *v = json_string_value(
			json_object_get(json_array_get(data, i), "VarCharValue"));
		if (!v || strcmp(v, r->names[i]) != 0)
			return false;
	}
	return true;
}

/* Athena's varbinary text: hex byte pairs separated by spaces. */
static bool decode_hex(const char *s, ll_buf *out)
{
	while (*s) {
		if (*s == ' ') {
			s++;
			continue;
		}
		int hi = ll_hex_digit(s[0]), lo = hi < 0 ? -1 : ll_hex_digit(s[1]);
		if (lo < 0)
			return false;
		ll_buf_putc(out, (char)(hi << 4 | lo));
		s += 2;
	}
	return !ll_buf_oom(out);
}

/* One cell from its text; falls back to text when it does not parse as its kind. */
static void make_cell(ll_athena_rows *r, ll_cell_kind kind, const char *v, size_t len,
		      size_t blob_at, ll_cell *c)
{
	*c = (ll_cell){ LL_CELL_TEXT, 0, 0, v, len };
	char *end = NULL;
	errno = 0;
	if (kind == LL_CELL_INT) {
		if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0) {
			*c = (ll_cell){ LL_CELL_INT, v[0] == 't', 0, NULL, 0 };
			return;
		}
		long long i = strtoll(v, &end, 10);
		if (len && end == v + len && errno == 0)
			*c = (ll_cell){ LL_CELL_INT, i, 0, NULL, 0 };
	} else if (kind == LL_CELL_REAL) {
		double d = strcmp(v, "NaN") == 0 ? NAN
			   : strcmp(v, "Infinity") == 0 ? INFINITY
			   : strcmp(v, "-Infinity") == 0 ? -INFINITY
							 : strtod(v, &end);
		if (!end || (len && end == v + len))
			*c = (ll_cell){ LL_CELL_REAL, 0, d, NULL, 0 };
	} else if (kind == LL_CELL_BLOB) {
		size_t before = r->scratch.len;
		if (decode_hex(v, &r->scratch))
			*c = (ll_cell){ LL_CELL_BLOB, 0, 0, NULL, blob_at };
		else
			r->scratch.len = before;
	}
}

static ll_status deliver_row(ll_athena_rows *r, const json_t *data, ll_row_fn fn, void *user,
			     bool *stop, ll_error *err)
{
	ll_cell *cells = calloc(r->ncols ? r->ncols : 1, sizeof(*cells));
	size_t *blob_end = calloc(r->ncols ? r->ncols : 1, sizeof(*blob_end));
	if (!cells || !blob_end) {
		free(cells);
		free(blob_end);
		return ll_error_oom(err);
	}
	ll_buf_clear(&r->scratch);
	for (size_t i = 0; i < r->ncols; i++) {
		const json_t *v = json_object_get(json_array_get(data, i), "VarCharValue");
		if (!json_is_string(v))
			continue; /* no VarCharValue: NULL */
		size_t at = r->scratch.len;
		make_cell(r, r->kinds[i], json_string_value(v), json_string_length(v), at,
			  &cells[i]);
		blob_end[i] = r->scratch.len;
	}
	/* Blob bytes share one buffer that may have moved while it grew. */
	for (size_t i = 0; i < r->ncols; i++) {
		if (cells[i].kind == LL_CELL_BLOB) {
			size_t at = cells[i].len;
			cells[i].s = r->scratch.data ? r->scratch.data + at : "";
			cells[i].len = blob_end[i] - at;
		}
	}
	*stop = fn(user, r->ncols, (const char *const *)r->names, cells) != 0;
	r->delivered++;
	free(cells);
	free(blob_end);
	return LL_OK;
}

ll_status ll_athena_rows_page(ll_athena_rows *r, const json_t *page, ll_row_fn fn, void *user,
			      bool *stop, ll_error *err)
{
	*stop = false;
	const json_t *rs = json_object_get(page, "ResultSet");
	if (!json_is_object(rs))
		return ll_error_set(err, LL_EFORMAT, "Athena results: no ResultSet");
	bool first = !r->first_page_done;
	r->first_page_done = true;
	if (first) {
		free_columns(r);
		ll_status s = read_columns(r, rs, err);
		if (s != LL_OK)
			return s;
	}
	const json_t *rows = json_object_get(rs, "Rows");
	if (!json_is_array(rows))
		return ll_error_set(err, LL_EFORMAT, "Athena results: ResultSet.Rows is not a list");
	size_t i;
	const json_t *row;
	json_array_foreach(rows, i, row)
	{
		const json_t *data = row_data(row, r->ncols);
		if (!data)
			return ll_error_set(err, LL_EFORMAT,
					    "Athena results: row %zu does not have the %zu values "
					    "ColumnInfo lists",
					    i + 1, r->ncols);
		if (first && i == 0 && r->skip_header && is_header(r, data))
			continue;
		ll_status s = deliver_row(r, data, fn, user, stop, err);
		if (s != LL_OK || *stop)
			return s;
	}
	return LL_OK;
}

typedef struct result_pages {
	ll_athena_rows rows;
	const char *resource;
	ll_row_fn fn;
	void *user;
} result_pages;

static ll_status result_page(void *user, const json_t *page, bool *stop, ll_error *err)
{
	result_pages *p = user;
	ll_status s = ll_athena_rows_page(&p->rows, page, p->fn, p->user, stop, err);
	return s ? ll_error_prefix(err, "athena GetQueryResults on %s", p->resource) : LL_OK;
}

ll_status ll_athena_results(ll_athena *a, const char *query_id, bool skip_header, ll_row_fn fn,
			    void *user, ll_error *err)
{
	char res[200];
	snprintf(res, sizeof(res), "query %s", query_id);
	result_pages p = { .resource = res, .fn = fn, .user = user };
	ll_athena_rows_init(&p.rows, skip_header);
	json_t *req = json_object();
	json_object_set_new(req, "QueryExecutionId", json_string(query_id));
	json_object_set_new(req, "MaxResults", json_integer(a->page_size));
	ll_status s = req ? ll_aws_json_paginate(a->aws, "GetQueryResults", res, req, result_page,
						 &p, err)
			  : ll_error_oom(err);
	json_decref(req);
	ll_athena_rows_free(&p.rows);
	return s;
}

ll_status ll_athena_query(ll_athena *a, const char *sql, const char *database, ll_row_fn fn,
			  void *user, ll_error *err)
{
	ll_status s = ll_athena_check_output(a, err);
	ll_buf id = LL_BUF_INIT;
	ll_athena_execution ex;
	if (s == LL_OK)
		s = ll_athena_start(a, sql, database, NULL, &id, err);
	if (s == LL_OK)
		s = ll_athena_wait(a, ll_buf_cstr(&id), &ex, err);
	if (s == LL_OK)
		s = ll_athena_results(a, ll_buf_cstr(&id), strcmp(ex.statement_type, "DML") == 0,
				      fn, user, err);
	ll_buf_free(&id);
	return s;
}

ll_status ll_athena_stop(ll_athena *a, const char *query_id, ll_error *err)
{
	char res[200];
	snprintf(res, sizeof(res), "query %s", query_id);
	json_t *req = json_object();
	json_object_set_new(req, "QueryExecutionId", json_string(query_id));
	return ll_aws_json_send(a->aws, "StopQueryExecution", res, req, NULL, err);
}

ll_status ll_athena_glue_catalog_id(ll_athena *a, const char *catalog, ll_buf *out,
				    ll_error *err)
{
	ll_buf_clear(out);
	const char *id;
	if (ll_glue_catalog_id_for(catalog, &id)) {
		if (id)
			ll_buf_puts(out, id);
		return ll_buf_oom(out) ? ll_error_oom(err) : LL_OK;
	}
	char res[300];
	snprintf(res, sizeof(res), "data catalog %s", catalog);
	json_t *req = json_object(), *reply = NULL;
	json_object_set_new(req, "Name", json_string(catalog));
	ll_status s = ll_aws_json_send(a->aws, "GetDataCatalog", res, req, &reply, err);
	static const char *const type[] = { "DataCatalog", "Type", NULL };
	static const char *const cid[] = { "DataCatalog", "Parameters", "catalog-id", NULL };
	const char *t = s == LL_OK ? path_str(reply, type) : NULL;
	const char *v = s == LL_OK ? path_str(reply, cid) : NULL;
	if (s == LL_OK && (!t || strcmp(t, "GLUE") != 0 || !v || !*v))
		s = ll_error_set(err, LL_EUNSUPPORTED,
				 "aws_data_catalog %s is an Athena data catalog of type %s, not a "
				 "Glue catalog with a catalog-id; lakeload registers tables in Glue",
				 catalog, t ? t : "(none)");
	if (s == LL_OK) {
		ll_buf_puts(out, v);
		if (ll_buf_oom(out))
			s = ll_error_oom(err);
	}
	json_decref(reply);
	return s;
}
