/*
 * The query runner of engine.h: one fresh SQLite connection per query.
 *
 * A query goes through these steps, each undone by query_end:
 *   1. list the lake's tables through the provider (a snapshot for this
 *      query) and scan the SQL text for the names it mentions;
 *   2. open an in-memory connection, harden it, register the module;
 *   3. attach (':memory:' AS "<dataset>") the datasets the text names,
 *      then have the provider open the named tables of those datasets
 *      (when it describes tables lazily) and declare them as virtual tables;
 *   4. forbid ATTACH/DETACH, prepare the statement, insist on exactly one
 *      read-only statement, and step it into the sink.
 * Only names in the text are attached and declared because SQLite allows
 * 10 attached schemas and 2000 columns per table; anything not named cannot
 * be referenced by the query anyway (sql_names.h).
 *
 * Errors from a scan (a corrupt file) are kept by the virtual table in the
 * run with their own status and reported instead of SQLite's generic one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_internal.h"
#include "engine/result_print.h"
#include "util/buf.h"

/* Join lookups are per table and query; 256 MiB keeps a few of them well inside a laptop. */
#define LL_ENGINE_JOIN_MEMORY ((size_t)256 << 20)

struct ll_engine {
	ll_engine_provider provider;
	char *dataset;
	size_t join_memory;
	ll_engine_stats stats;
};

/* Everything one query holds, released by query_end. */
typedef struct ll_query {
	ll_engine *e;
	ll_engine_table *tables;
	size_t ntables;
	bool listed;
	ll_sql_names names;
	ll_engine_scan_ctx run;
	const char **datasets; /* attached (or main/temp) datasets */
	size_t ndatasets;
	sqlite3 *db;
	sqlite3_stmt *stmt;
	char **colnames;
	size_t ncols;
} ll_query;

ll_status ll_engine_open(ll_engine **out, const ll_engine_provider *provider, ll_error *err)
{
	*out = NULL;
	if (!provider || !provider->list_tables)
		return ll_error_set(err, LL_EINVAL,
				    "the engine needs a table provider with a list_tables callback");
	ll_engine *e = calloc(1, sizeof(*e));
	if (!e)
		return ll_error_oom(err);
	e->provider = *provider;
	e->join_memory = LL_ENGINE_JOIN_MEMORY;
	*out = e;
	return LL_OK;
}

void ll_engine_free(ll_engine *e)
{
	if (!e)
		return;
	free(e->dataset);
	free(e);
}

ll_status ll_engine_set_dataset(ll_engine *e, const char *dataset, ll_error *err)
{
	char *copy = NULL;
	if (dataset && !(copy = strdup(dataset)))
		return ll_error_oom(err);
	free(e->dataset);
	e->dataset = copy;
	return LL_OK;
}

void ll_engine_set_join_memory(ll_engine *e, size_t bytes)
{
	e->join_memory = bytes;
}

const ll_engine_stats *ll_engine_last_stats(const ll_engine *e)
{
	return &e->stats;
}

static void query_end(ll_query *q)
{
	sqlite3_finalize(q->stmt);
	sqlite3_close(q->db);
	for (size_t i = 0; i < q->ncols; i++)
		free(q->colnames[i]);
	free(q->colnames);
	for (size_t i = 0; i < q->run.ndecls; i++)
		free(q->run.decls[i].cols);
	free(q->run.decls);
	free(q->datasets);
	ll_sql_names_free(&q->names);
	if (q->listed && q->e->provider.free_tables)
		q->e->provider.free_tables(q->e->provider.ctx, q->tables, q->ntables);
}

/* ---- the connection ------------------------------------------------------- */

static ll_status db_error(ll_query *q, ll_status code, const char *what, ll_error *err)
{
	if (sqlite3_errcode(q->db) == SQLITE_NOMEM)
		return ll_error_oom(err);
	return ll_error_set(err, code, "%s: %s", what, sqlite3_errmsg(q->db));
}

static ll_status query_open_db(ll_query *q, ll_error *err)
{
	int rc = sqlite3_open_v2(":memory:", &q->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
				 NULL);
	if (rc != SQLITE_OK) {
		if (!q->db)
			return ll_error_oom(err);
		return db_error(q, LL_ESQL, "opening the in-memory SQLite database", err);
	}
	/*
	 * SQL may come from a client of `lakeload serve`: no schema tricks, no
	 * extension loading, no fts3_tokenizer() pointers (Debian builds it in).
	 */
	sqlite3_db_config(q->db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
	sqlite3_db_config(q->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, (int *)NULL);
	sqlite3_db_config(q->db, SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, (int *)NULL);
	sqlite3_db_config(q->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
	if (ll_engine_vtab_register(q->db, &q->run) != SQLITE_OK)
		return db_error(q, LL_ESQL, "registering the lakeload table module", err);
	return LL_OK;
}

/* main and temp always exist in a connection: their tables are declared there, not attached. */
static bool builtin_schema(const char *dataset)
{
	return sqlite3_stricmp(dataset, "main") == 0 || sqlite3_stricmp(dataset, "temp") == 0;
}

static bool dataset_listed(const ll_query *q, const char *dataset)
{
	for (size_t i = 0; i < q->ndatasets; i++)
		if (sqlite3_stricmp(q->datasets[i], dataset) == 0)
			return true;
	return false;
}

/* Collects the datasets to attach: the default one first, then those the text names. */
static ll_status query_choose_datasets(ll_query *q, ll_error *err)
{
	q->datasets = calloc(q->ntables + 1, sizeof(*q->datasets));
	if (!q->datasets)
		return ll_error_oom(err);
	for (size_t pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < q->ntables; i++) {
			const char *ds = q->tables[i].dataset;
			bool want = pass == 0 ? q->e->dataset && sqlite3_stricmp(ds, q->e->dataset) == 0
					      : ll_sql_names_has(&q->names, ds);
			if (want && !dataset_listed(q, ds))
				q->datasets[q->ndatasets++] = ds;
		}
	}
	return LL_OK;
}

static ll_status query_attach(ll_query *q, ll_error *err)
{
	ll_status st = query_choose_datasets(q, err);
	if (st != LL_OK)
		return st;
	size_t nattach = 0;
	for (size_t i = 0; i < q->ndatasets; i++)
		nattach += !builtin_schema(q->datasets[i]);
	int limit = sqlite3_limit(q->db, SQLITE_LIMIT_ATTACHED, -1);
	if (nattach > (size_t)limit) {
		ll_buf names = LL_BUF_INIT;
		for (size_t i = 0; i < q->ndatasets; i++)
			ll_buf_printf(&names, "%s%s", i ? ", " : "", q->datasets[i]);
		st = ll_error_set(err, LL_EUNSUPPORTED,
				  "the query names %zu datasets (%s) but SQLite can attach at most "
				  "%d at once; split the query or rename what collides with a "
				  "dataset name",
				  nattach, ll_buf_cstr(&names), limit);
		ll_buf_free(&names);
		return st;
	}
	for (size_t i = 0; i < q->ndatasets; i++) {
		if (builtin_schema(q->datasets[i]))
			continue;
		char *sql = sqlite3_mprintf("ATTACH ':memory:' AS \"%w\"", q->datasets[i]);
		if (!sql)
			return ll_error_oom(err);
		int rc = sqlite3_exec(q->db, sql, NULL, NULL, NULL);
		sqlite3_free(sql);
		if (rc != SQLITE_OK) {
			db_error(q, LL_ESQL, "attaching the dataset", err);
			return ll_error_prefix(err, "dataset %s", q->datasets[i]);
		}
	}
	return LL_OK;
}

/* ---- declaring tables ----------------------------------------------------- */

/* Chooses the columns to declare: all of them, or for a very wide table the named ones. */
static ll_status decl_columns(ll_query *q, const ll_engine_table *t, ll_engine_decl *d,
			      ll_error *err)
{
	size_t max = (size_t)sqlite3_limit(q->db, SQLITE_LIMIT_COLUMN, -1) - 1;
	d->table = t;
	if (t->ncolumns == 0)
		return ll_error_set(err, LL_ESCHEMA,
				    "table %s.%s has no columns in the catalog; load data into it "
				    "before querying it",
				    t->dataset, t->name);
	d->cols = malloc(t->ncolumns * sizeof(*d->cols));
	if (!d->cols)
		return ll_error_oom(err);
	bool wide = t->ncolumns > max;
	for (size_t i = 0; i < t->ncolumns; i++)
		if (!wide || ll_sql_names_has(&q->names, t->columns[i].name))
			d->cols[d->ncols++] = i;
	if (!wide)
		return LL_OK;
	if (q->names.star)
		return ll_error_set(err, LL_EUNSUPPORTED,
				    "table %s.%s has %zu columns, more than the %zu SQLite can show "
				    "in one query, and the query selects * (or joins NATURAL); "
				    "name the columns you need (SELECT a, b FROM ...)",
				    t->dataset, t->name, t->ncolumns, max);
	/*
	 * A query naming none of the columns uses none (count(*)), but SQLite
	 * declares no table without a column: the first one stands in, unread.
	 */
	if (d->ncols == 0)
		d->cols[d->ncols++] = 0;
	if (d->ncols > max)
		return ll_error_set(err, LL_EUNSUPPORTED,
				    "table %s.%s has %zu columns and the query names %zu of them, more "
				    "than the %zu SQLite can show in one query; split the query",
				    t->dataset, t->name, t->ncolumns, d->ncols, max);
	return LL_OK;
}

/* The provider's list is trusted for content, not for shape: a hole must not crash a query. */
static ll_status check_table_contents(const ll_engine_table *t, ll_error *err)
{
	bool ok = (t->columns || !t->ncolumns) && (t->files || !t->nfiles);
	for (size_t k = 0; ok && k < t->ncolumns; k++)
		ok = t->columns[k].name != NULL;
	for (size_t k = 0; ok && k < t->nfiles; k++)
		ok = t->files[k] != NULL;
	if (!ok)
		return ll_error_set(err, LL_EINVAL,
				    "the table provider described table %s.%s incompletely: "
				    "a column name or file path is missing",
				    t->dataset, t->name);
	return LL_OK;
}

/* Has the provider describe listed table i (when it does so lazily), then checks it. */
static ll_status query_open_table(ll_query *q, size_t i, ll_error *err)
{
	const ll_engine_provider *p = &q->e->provider;
	if (p->open_table) {
		ll_status st = p->open_table(p->ctx, i, &q->tables[i], err);
		if (st != LL_OK)
			return st;
	}
	return check_table_contents(&q->tables[i], err);
}

static ll_status query_declare_tables(ll_query *q, ll_error *err)
{
	q->run.decls = calloc(q->ntables ? q->ntables : 1, sizeof(*q->run.decls));
	if (!q->run.decls)
		return ll_error_oom(err);
	for (size_t i = 0; i < q->ntables; i++) {
		const ll_engine_table *t = &q->tables[i];
		if (!dataset_listed(q, t->dataset) ||
		    !ll_sql_names_may_refer(&q->names, t->dataset, t->name))
			continue;
		ll_status st = query_open_table(q, i, err);
		if (st != LL_OK)
			return st;
		size_t idx = q->run.ndecls++;
		st = decl_columns(q, t, &q->run.decls[idx], err);
		if (st != LL_OK)
			return st;
		/* SQLite's printf has no %zu: its %z means "string, then free it" */
		char *sql = sqlite3_mprintf("CREATE VIRTUAL TABLE \"%w\".\"%w\" USING " LL_ENGINE_MODULE
					    "(%llu)",
					    t->dataset, t->name, (unsigned long long)idx);
		if (!sql)
			return ll_error_oom(err);
		int rc = sqlite3_exec(q->db, sql, NULL, NULL, NULL);
		sqlite3_free(sql);
		if (rc != SQLITE_OK) {
			db_error(q, LL_ESQL, "declaring the table", err);
			return ll_error_prefix(err, "table %s.%s", t->dataset, t->name);
		}
	}
	return LL_OK;
}

/*
 * Once the lake is in place, the query may not reach for other databases,
 * nor set the two pragmas whose effect is process-wide.
 */
static int authorize(void *user, int action, const char *a, const char *b, const char *c,
		     const char *d)
{
	(void)user, (void)b, (void)c, (void)d;
	if (action == SQLITE_ATTACH || action == SQLITE_DETACH)
		return SQLITE_DENY;
	if (action == SQLITE_PRAGMA && a &&
	    (sqlite3_stricmp(a, "temp_store_directory") == 0 ||
	     sqlite3_stricmp(a, "data_store_directory") == 0))
		return SQLITE_DENY;
	return SQLITE_OK;
}

/* ---- running ---------------------------------------------------------------- */

static void put_dataset_list(const ll_query *q, ll_buf *b)
{
	size_t n = 0;
	for (size_t i = 0; i < q->ntables; i++) {
		const char *ds = q->tables[i].dataset;
		bool seen = false;
		for (size_t k = 0; k < i && !seen; k++)
			seen = strcmp(q->tables[k].dataset, ds) == 0;
		if (!seen)
			ll_buf_printf(b, "%s%s", n++ ? ", " : " (datasets: ", ds);
	}
	ll_buf_puts(b, n ? ")" : " (the lake has no tables yet)");
}

/* Appends the tables of dataset ds[0..len); returns how many there are. */
static size_t put_table_list(const ll_query *q, const char *ds, size_t len, ll_buf *b)
{
	size_t n = 0;
	for (size_t i = 0; i < q->ntables; i++) {
		const ll_engine_table *t = &q->tables[i];
		if (strlen(t->dataset) != len || sqlite3_strnicmp(t->dataset, ds, (int)len) != 0)
			continue;
		ll_buf_printf(b, "%s%s", n++ ? ", " : "", t->name);
	}
	return n;
}

/* SQLite's "no such table: x.y", completed with the tables that do exist. */
static ll_status missing_table_error(const ll_query *q, const char *msg, ll_error *err)
{
	const char *name = msg + strlen("no such table: ");
	const char *dot = strchr(name, '.');
	const char *ds = dot ? name : q->e->dataset;
	size_t len = dot ? (size_t)(dot - name) : ds ? strlen(ds) : 0;
	ll_buf b = LL_BUF_INIT, tables = LL_BUF_INIT;
	ll_buf_puts(&b, msg);
	if (ds && put_table_list(q, ds, len, &tables))
		ll_buf_printf(&b, "; dataset %.*s has tables: %s", (int)len, ds, tables.data);
	else if (ds)
		ll_buf_printf(&b, "; the lake has no dataset %.*s", (int)len, ds);
	else
		ll_buf_puts(&b, "; name tables as <dataset>.<table>");
	if (!ds || !tables.len)
		put_dataset_list(q, &b);
	ll_status st = ll_buf_oom(&b) ? ll_error_oom(err)
				      : ll_error_set(err, LL_ESQL, "%s", ll_buf_cstr(&b));
	ll_error_set_table(err, name, NULL);
	ll_buf_free(&b);
	ll_buf_free(&tables);
	return st;
}

static ll_status query_prepare(ll_query *q, const char *sql, ll_error *err)
{
	const char *tail = NULL;
	int rc = sqlite3_prepare_v2(q->db, sql, -1, &q->stmt, &tail);
	if (rc != SQLITE_OK) {
		const char *msg = sqlite3_errmsg(q->db);
		if (strncmp(msg, "no such table: ", 15) == 0)
			return missing_table_error(q, msg, err);
		if (rc == SQLITE_AUTH)
			return ll_error_set(err, LL_ESQL,
					    "%s: queries cannot attach databases or change "
					    "process-wide settings; name lake tables as "
					    "<dataset>.<table>",
					    msg);
		return db_error(q, LL_ESQL, "SQL error", err);
	}
	if (!q->stmt)
		return ll_error_set(err, LL_ESQL, "the query is empty; give one SELECT statement");
	sqlite3_stmt *next = NULL;
	rc = sqlite3_prepare_v2(q->db, tail, -1, &next, NULL);
	sqlite3_finalize(next);
	if (rc != SQLITE_OK || next)
		return ll_error_set(err, LL_ESQL,
				    "the query holds more than one statement; run them one at a time");
	if (!sqlite3_stmt_readonly(q->stmt))
		return ll_error_set(err, LL_ESQL,
				    "only read-only statements run here; the lake changes through "
				    "loads (lakeload load), not through SQL");
	return LL_OK;
}

/* Copies the result's column names: SQLite's own may move when the statement re-prepares. */
static ll_status query_column_names(ll_query *q, ll_error *err)
{
	int n = sqlite3_column_count(q->stmt);
	q->colnames = calloc(n > 0 ? (size_t)n : 1, sizeof(*q->colnames));
	if (!q->colnames)
		return ll_error_oom(err);
	for (int i = 0; i < n; i++) {
		const char *name = sqlite3_column_name(q->stmt, i);
		q->colnames[i] = strdup(name ? name : "");
		if (!q->colnames[i])
			return ll_error_oom(err);
		q->ncols++;
	}
	return LL_OK;
}

void ll_engine_cell_from_sqlite(sqlite3_stmt *stmt, int i, ll_cell *c)
{
	memset(c, 0, sizeof(*c));
	switch (sqlite3_column_type(stmt, i)) {
	case SQLITE_INTEGER:
		c->kind = LL_CELL_INT;
		c->i = sqlite3_column_int64(stmt, i);
		break;
	case SQLITE_FLOAT:
		c->kind = LL_CELL_REAL;
		c->d = sqlite3_column_double(stmt, i);
		break;
	case SQLITE_TEXT:
		c->kind = LL_CELL_TEXT;
		c->s = (const char *)sqlite3_column_text(stmt, i);
		c->len = (size_t)sqlite3_column_bytes(stmt, i);
		break;
	case SQLITE_BLOB:
		c->kind = LL_CELL_BLOB;
		c->s = sqlite3_column_blob(stmt, i);
		c->len = (size_t)sqlite3_column_bytes(stmt, i);
		break;
	default:
		c->kind = LL_CELL_NULL;
		break;
	}
	if ((c->kind == LL_CELL_TEXT || c->kind == LL_CELL_BLOB) && !c->s)
		c->s = "";
}

/* A result column's lake type, from the "<affinity> <type>[(p,s)]" its table declares. */
static void result_column_type(sqlite3_stmt *stmt, int i, ll_engine_column *c)
{
	c->type = LL_TYPE_COUNT_;
	const char *decl = sqlite3_column_decltype(stmt, i);
	const char *name = decl ? strchr(decl, ' ') : NULL;
	if (!name)
		return; /* an expression, or a table that is not the lake's */
	name++;
	char word[32];
	size_t len = strcspn(name, "(");
	ll_data_type type;
	if (len >= sizeof(word))
		return;
	memcpy(word, name, len);
	word[len] = '\0';
	if (!ll_data_type_parse(word, &type))
		return;
	c->type = type;
	if (name[len] == '(' && sscanf(name + len, "(%d,%d)", &c->precision, &c->scale) != 2)
		c->precision = c->scale = 0;
}

static ll_status send_column_types(ll_query *q, const ll_engine_sink *sink, ll_error *err)
{
	ll_engine_column *types = calloc(q->ncols ? q->ncols : 1, sizeof(*types));
	if (!types)
		return ll_error_oom(err);
	for (size_t i = 0; i < q->ncols; i++) {
		types[i].name = q->colnames[i];
		result_column_type(q->stmt, (int)i, &types[i]);
	}
	sink->column_types(sink->user, q->ncols, types);
	free(types);
	return LL_OK;
}

static ll_status query_step(ll_query *q, const ll_engine_sink *sink, ll_error *err)
{
	ll_status st = query_column_names(q, err);
	if (st != LL_OK)
		return st;
	const char *const *names = (const char *const *)q->colnames;
	if (sink->columns)
		sink->columns(sink->user, q->ncols, names);
	if (sink->column_types && (st = send_column_types(q, sink, err)) != LL_OK)
		return st;
	ll_cell *cells = calloc(q->ncols ? q->ncols : 1, sizeof(*cells));
	if (!cells)
		return ll_error_oom(err);
	int rc;
	while ((rc = sqlite3_step(q->stmt)) == SQLITE_ROW) {
		for (size_t i = 0; i < q->ncols; i++)
			ll_engine_cell_from_sqlite(q->stmt, (int)i, &cells[i]);
		if (sink->row && sink->row(sink->user, q->ncols, names, cells) != 0)
			break;
	}
	free(cells);
	if (rc == SQLITE_ROW || rc == SQLITE_DONE)
		return LL_OK;
	if (q->run.failed) {
		*err = q->run.err;
		return err->code;
	}
	return db_error(q, LL_ESQL, "query failed", err);
}

/* Every listed table needs a dataset and a name; the rest is checked when it is declared. */
static ll_status query_check_tables(const ll_query *q, ll_error *err)
{
	for (size_t i = 0; i < q->ntables; i++)
		if (!q->tables[i].dataset || !q->tables[i].name)
			return ll_error_set(err, LL_EINVAL,
					    "the table provider listed an incomplete table (entry %zu): "
					    "its dataset or name is missing",
					    i);
	return LL_OK;
}

ll_status ll_engine_run(ll_engine *e, const char *sql, const ll_engine_sink *sink, ll_error *err)
{
	memset(&e->stats, 0, sizeof(e->stats));
	if (!sql || !sink)
		return ll_error_set(err, LL_EINVAL, "a query needs SQL text and a result sink");
	ll_query q;
	memset(&q, 0, sizeof(q));
	q.e = e;
	q.run.provider = &e->provider;
	q.run.stats = &e->stats;
	q.run.join_memory = e->join_memory;
	q.run.names = &q.names;
	ll_status st = e->provider.list_tables(e->provider.ctx, &q.tables, &q.ntables, err);
	if (st != LL_OK) {
		ll_error_prefix(err, "listing the lake's tables");
		return st;
	}
	q.listed = true;
	st = query_check_tables(&q, err);
	if (st == LL_OK)
		st = ll_sql_names_scan(sql, &q.names, err);
	if (st == LL_OK)
		st = query_open_db(&q, err);
	if (st == LL_OK)
		st = query_attach(&q, err);
	if (st == LL_OK)
		st = query_declare_tables(&q, err);
	if (st == LL_OK) {
		sqlite3_set_authorizer(q.db, authorize, NULL);
		st = query_prepare(&q, sql, err);
	}
	if (st == LL_OK)
		st = query_step(&q, sink, err);
	query_end(&q);
	return st;
}

ll_status ll_engine_query(ll_engine *e, const char *sql, ll_row_fn fn, void *user, ll_error *err)
{
	ll_engine_sink sink = { NULL, fn, user, NULL };
	return ll_engine_run(e, sql, &sink, err);
}

ll_status ll_engine_query_print(ll_engine *e, const char *sql, ll_result_format format, FILE *out,
				ll_error *err)
{
	ll_result_printer *p;
	ll_status st = ll_result_printer_new(&p, format, out, err);
	if (st != LL_OK)
		return st;
	ll_engine_sink sink = { ll_result_printer_columns, ll_result_printer_row, p, NULL };
	st = ll_engine_run(e, sql, &sink, err);
	if (st == LL_OK)
		st = ll_result_printer_finish(p, err);
	ll_result_printer_free(p);
	return st;
}
