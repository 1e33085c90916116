/*
 * The web view of lakeload serve (--ui): the page at / (src/serve/ui/
 * index.html, embedded at build time) and the small JSON endpoints it reads,
 * all GET with their input in the query string:
 *
 *   /ui/api/pipelines      {"text"}: what `lakeload info` prints for the
 *                          pipelines of the home (loads, package states, reasons)
 *   /ui/api/tables         {"tables": [{dataset, name, format, rows, files,
 *                          columns: [{name, type, nullable, primary_key,
 *                          merge_key, variant_of}], write_disposition}]}: the
 *                          catalog's tables; the hints (keys, disposition) come
 *                          from the saved schemas of the pipelines that load
 *                          into this lake's catalog, as the catalog keeps none
 *   /ui/api/history?table=dataset.table   {"text"}: `lakeload history`
 *   /ui/api/query?sql=...  {"columns", "rows", "truncated"}: a query on the
 *                          embedded engine (ll_lake_query_opts), at most
 *                          UI_MAX_ROWS rows
 *
 * A failure is {"error": message} with a 4xx/5xx status. These endpoints take
 * no signature: serve only answers them when --ui is given, and refuses --ui
 * on an address other than loopback unless --ui-any-host says so (cli.c).
 * The page renders every value with textContent, never as markup.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <microhttpd.h>

#include "pipeline/pipeline_internal.h"
#include "serve/serve_internal.h"
#include "util/error.h"

#define UI_MAX_ROWS 1000

extern const unsigned char ll_serve_ui_html[];
extern const size_t ll_serve_ui_html_len;

/* A JSON string of text, with invalid UTF-8 said as such rather than dropped. */
static json_t *ui_string(const char *text, size_t len)
{
	json_t *v = json_stringn(text, len);
	return v ? v : json_string("(not valid UTF-8)");
}

static json_t *ui_error(unsigned *status, unsigned code, const ll_error *err)
{
	char msg[4096];
	const char *text = ll_error_format(err, msg, sizeof(msg));
	*status = code;
	return json_pack("{s:o}", "error", ui_string(text, strlen(text)));
}

typedef ll_status (*ui_print_fn)(ll_serve *s, const char *arg, FILE *out, ll_error *err);

/* {"text": what fn prints}, through a memory stream. */
static json_t *ui_printed(ll_serve *s, ui_print_fn fn, const char *arg, unsigned *status)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	if (!out)
		return NULL;
	ll_error err;
	ll_error_clear(&err);
	ll_status st = fn(s, arg, out, &err);
	fclose(out);
	json_t *body = st == LL_OK ? json_pack("{s:o}", "text", ui_string(text, len))
				   : ui_error(status, st == LL_ENOTFOUND ? 404 : 400, &err);
	free(text);
	return body;
}

static ll_status print_pipelines(ll_serve *s, const char *arg, FILE *out, ll_error *err)
{
	(void)arg;
	return ll_info_print(s->home, NULL, out, err);
}

static ll_status print_history(ll_serve *s, const char *table, FILE *out, ll_error *err)
{
	if (!table || !*table)
		return ll_error_set(err, LL_EINVAL, "history needs ?table=dataset.table");
	return ll_lake_history_print(&s->lake_options, table, out, err);
}

static json_t *ui_column(const ll_column *c, const json_t *saved)
{
	json_t *hint = json_object_get(saved, c->name);
	return json_pack("{s:s,s:s,s:b,s:b,s:b,s:s?}", "name", c->name, "type",
			 ll_data_type_name(c->type), "nullable", c->nullable, "primary_key",
			 json_is_true(json_object_get(hint, "primary_key")), "merge_key",
			 json_is_true(json_object_get(hint, "merge_key")), "variant_of",
			 c->variant_of);
}

static json_t *ui_tables(ll_serve *s, unsigned *status)
{
	ll_catalog_table *tables = NULL;
	size_t n = 0;
	ll_error err;
	ll_error_clear(&err);
	if (ll_catalog_list_tables(s->catalog, NULL, &tables, &n, &err) != LL_OK)
		return ui_error(status, 500, &err);
	json_t *hints = ll_pipeline_schema_hints(s->home, s->catalog_path);
	json_t *list = json_array();
	for (size_t i = 0; i < n; i++) {
		const ll_catalog_table *t = &tables[i];
		json_t *saved = json_object_get(json_object_get(hints, t->dataset), t->name);
		json_t *saved_cols = json_object_get(saved, "columns");
		json_t *cols = json_array();
		for (size_t c = 0; c < t->ncolumns; c++)
			json_array_append_new(cols, ui_column(&t->columns[c], saved_cols));
		json_array_append_new(list, json_pack("{s:s,s:s,s:s,s:I,s:I,s:o,s:s?}", "dataset",
						      t->dataset, "name", t->name, "format",
						      ll_table_format_name(t->format), "rows",
						      (json_int_t)t->rows, "files", (json_int_t)t->nfiles,
						      "columns", cols, "write_disposition",
						      serve_str(saved, "write_disposition")));
	}
	json_decref(hints);
	ll_catalog_tables_free(tables, n);
	return json_pack("{s:o}", "tables", list);
}

typedef struct ui_result {
	json_t *columns, *rows;
	bool truncated;
} ui_result;

static json_t *ui_cell(const ll_cell *c)
{
	char blob[64];
	switch (c->kind) {
	case LL_CELL_INT:
		return json_integer(c->i);
	case LL_CELL_REAL:
		return json_real(c->d);
	case LL_CELL_TEXT:
		return ui_string(c->s, c->len);
	case LL_CELL_BLOB:
		snprintf(blob, sizeof(blob), "(%zu bytes)", c->len);
		return json_string(blob);
	default:
		return json_null();
	}
}

static int ui_row(void *user, size_t ncols, const char *const *names, const ll_cell *cells)
{
	ui_result *r = user;
	if (!json_array_size(r->columns))
		for (size_t i = 0; i < ncols; i++)
			json_array_append_new(r->columns, ui_string(names[i], strlen(names[i])));
	if (json_array_size(r->rows) == UI_MAX_ROWS) {
		r->truncated = true;
		return 1;
	}
	json_t *row = json_array();
	for (size_t i = 0; i < ncols; i++)
		json_array_append_new(row, ui_cell(&cells[i]));
	json_array_append_new(r->rows, row);
	return 0;
}

static json_t *ui_query(ll_serve *s, const char *sql, unsigned *status)
{
	ll_error err;
	ll_error_clear(&err);
	if (!sql || !*sql) {
		ll_error_set(&err, LL_EINVAL, "query needs ?sql=SELECT ...");
		return ui_error(status, 400, &err);
	}
	ui_result r = { json_array(), json_array(), false };
	ll_status st = ll_lake_query_opts(&s->lake_options, sql, ui_row, &r, &err);
	/* a query stopped at UI_MAX_ROWS is a result, not a failure */
	if (st != LL_OK && !r.truncated) {
		json_decref(r.columns);
		json_decref(r.rows);
		return ui_error(status, 400, &err);
	}
	return json_pack("{s:o,s:o,s:b}", "columns", r.columns, "rows", r.rows, "truncated",
			 r.truncated);
}

static enum MHD_Result ui_send(struct MHD_Connection *conn, unsigned status, const char *type,
			       void *data, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, mode);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type", type);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	/* the page loads nothing from elsewhere and runs only its own script */
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'self'; script-src 'unsafe-inline'; "
				"style-src 'unsafe-inline'");
	enum MHD_Result ret = MHD_queue_response(conn, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static json_t *ui_api(ll_serve *s, struct MHD_Connection *conn, const char *what, unsigned *status)
{
	if (strcmp(what, "pipelines") == 0)
		return ui_printed(s, print_pipelines, NULL, status);
	if (strcmp(what, "tables") == 0)
		return ui_tables(s, status);
	if (strcmp(what, "history") == 0)
		return ui_printed(s, print_history,
				  MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "table"),
				  status);
	if (strcmp(what, "query") == 0)
		return ui_query(s, MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "sql"),
				status);
	*status = 404;
	return json_pack("{s:s}", "error", "unknown /ui/api endpoint");
}

bool serve_ui_wants(const char *url, const char *method)
{
	return (strcmp(url, "/") == 0 && strcmp(method, "GET") == 0) || strncmp(url, "/ui/", 4) == 0;
}

int serve_ui_handle(ll_serve *s, struct MHD_Connection *conn, const char *url, const char *method)
{
	if (strcmp(method, "GET") != 0) {
		static const char msg[] = "{\"error\":\"the web view takes GET requests\"}";
		return ui_send(conn, 405, "application/json", (void *)msg, strlen(msg),
			       MHD_RESPMEM_PERSISTENT);
	}
	if (strcmp(url, "/") == 0)
		return ui_send(conn, 200, "text/html; charset=utf-8", (void *)ll_serve_ui_html,
			       ll_serve_ui_html_len, MHD_RESPMEM_PERSISTENT);
	unsigned status = 200;
	json_t *body;
	if (strncmp(url, "/ui/api/", 8) == 0) {
		body = ui_api(s, conn, url + 8, &status);
	} else {
		status = 404;
		body = json_pack("{s:s}", "error", "not found");
	}
	char *text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!text) {
		static const char msg[] = "{\"error\":\"out of memory\"}";
		return ui_send(conn, 500, "application/json", (void *)msg, strlen(msg),
			       MHD_RESPMEM_PERSISTENT);
	}
	return ui_send(conn, status, "application/json", text, strlen(text),
		       MHD_RESPMEM_MUST_FREE);
}
