/*
 * One Athena query execution, on its own worker thread: the statement is
 * read with the Athena dialect reader (src/sql), then
 *
 *   SELECT / WITH / VALUES  run on the embedded engine over the serve
 *                           provider (the query's database is the default
 *                           one for bare table names); one naming
 *                           information_schema runs on info_schema.c
 *   SHOW TABLES / SHOW DATABASES / DESCRIBE   answered from the Glue store
 *                           and the catalog
 *   CREATE DATABASE, CREATE EXTERNAL TABLE ... STORED AS PARQUET LOCATION,
 *   ALTER TABLE ... ADD COLUMNS, DROP TABLE   change the Glue store
 *   CREATE TABLE ... ICEBERG, DELETE          on the catalog (athena_iceberg.c)
 *
 * and anything else fails the execution (FAILED, StateChangeReason naming
 * the statement) with NOT_SUPPORTED. A result is kept for GetQueryResults
 * and written as Athena's CSV (every value quoted, NULL an empty field,
 * header first) to <output>/<id>.csv through the lake's storage.
 *
 * Result types (ColumnInfo): a table's column selected as it is has its
 * table type (a decimal its precision and scale; json is varchar), and its
 * booleans read true and false as Athena's do. A computed column's type
 * comes from its values: integers bigint, reals double, text varchar
 * unless every value is a timestamp or a date, BLOBs varbinary (the engine
 * has no boolean storage class, so a computed boolean is bigint 0/1).
 *
 * The thread opens its own catalog and Glue store connections; it touches
 * the shared execution only under the server's mutex, except for filling
 * the result before it publishes SUCCEEDED.
 */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "aws/glue.h"
#include "serve/serve_internal.h"
#include "sql/sql.h"
#include "util/number.h"
#include "util/time.h"

typedef struct run_ctx {
	serve_query *q;
	ll_serve *s;
	sqlite3 *db;
	ll_catalog *catalog;
	ll_error *err;
} run_ctx;

/* ---- the result */

static ll_status set_columns(serve_query *q, size_t n, const char *const *names, ll_error *err)
{
	q->ncols = n;
	q->names = calloc(n + 1, sizeof(*q->names));
	q->types = calloc(n + 1, sizeof(*q->types));
	q->precision = calloc(n + 1, sizeof(*q->precision));
	q->scale = calloc(n + 1, sizeof(*q->scale));
	if (!q->names || !q->types || !q->precision || !q->scale)
		return ll_error_oom(err);
	for (size_t i = 0; i < n; i++) {
		if (!(q->names[i] = strdup(names[i])))
			return ll_error_oom(err);
		q->types[i] = "varchar";
	}
	return LL_OK;
}

static bool add_row(serve_query *q, char **cells)
{
	if (q->nrows == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 64;
		char **more = realloc(q->cells, cap * (q->ncols ? q->ncols : 1) * sizeof(*more));
		if (!more)
			return false;
		q->cells = more;
		q->cap = cap;
	}
	memcpy(q->cells + q->nrows * q->ncols, cells, q->ncols * sizeof(*cells));
	q->nrows++;
	return true;
}

static char *cell_text(const ll_cell *c)
{
	ll_buf b = LL_BUF_INIT;
	switch (c->kind) {
	case LL_CELL_NULL:
		return NULL;
	case LL_CELL_INT:
		ll_buf_printf(&b, "%lld", (long long)c->i);
		break;
	case LL_CELL_REAL: {
		char tmp[LL_DOUBLE_TEXT_MAX];
		ll_buf_append(&b, tmp, ll_double_repr(c->d, tmp, sizeof(tmp)));
		break;
	}
	case LL_CELL_TEXT:
		ll_buf_append(&b, c->s, c->len);
		break;
	case LL_CELL_BLOB:
		for (size_t i = 0; i < c->len; i++)
			ll_buf_printf(&b, "%s%02x", i ? " " : "", (unsigned char)c->s[i]);
		break;
	}
	ll_buf_putc(&b, '\0');
	return ll_buf_oom(&b) ? NULL : b.data;
}

typedef struct query_sink {
	serve_query *q;
	ll_data_type *declared; /* per column: its table's type, LL_TYPE_COUNT_ when computed */
	ll_cell_kind *kinds;  /* per column: the kind of its non-null values, NULL when mixed */
	bool *all_timestamp, *all_date;
	bool oom;
} query_sink;

static void sink_columns(void *user, size_t n, const char *const *names)
{
	query_sink *k = user;
	ll_error err;
	k->kinds = calloc(n + 1, sizeof(*k->kinds));
	k->all_timestamp = calloc(n + 1, sizeof(bool));
	k->all_date = calloc(n + 1, sizeof(bool));
	if (!k->kinds || !k->all_timestamp || !k->all_date || set_columns(k->q, n, names, &err) != LL_OK)
		k->oom = true;
	for (size_t i = 0; !k->oom && i < n; i++)
		k->all_timestamp[i] = k->all_date[i] = true;
}

/* A table column selected as it is keeps its type (a decimal its precision and scale). */
static void sink_column_types(void *user, size_t n, const ll_engine_column *types)
{
	query_sink *k = user;
	if (k->oom || n != k->q->ncols || !(k->declared = calloc(n + 1, sizeof(*k->declared)))) {
		k->oom = true;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		k->declared[i] = types[i].type;
		/* an unsized decimal is registered in Glue as decimal(38,9) */
		k->q->precision[i] = types[i].precision ? types[i].precision : 38;
		k->q->scale[i] = types[i].precision ? types[i].scale : 9;
	}
}

/* A cell as Athena's text gives it: booleans as true and false. */
static char *result_text(const query_sink *k, size_t i, const ll_cell *c)
{
	if (k->declared && k->declared[i] == LL_TYPE_BOOL && c->kind == LL_CELL_INT)
		return strdup(c->i ? "true" : "false");
	return cell_text(c);
}

/* Tracks what a column's values look like, for its Athena type. */
static void note_kind(query_sink *k, size_t i, const ll_cell *c)
{
	if (c->kind == LL_CELL_NULL)
		return;
	if (k->kinds[i] == LL_CELL_NULL)
		k->kinds[i] = c->kind;
	else if (k->kinds[i] != c->kind)
		k->kinds[i] = LL_CELL_BLOB + 1;
	if (c->kind == LL_CELL_TEXT) {
		int64_t v;
		ll_time_kind t = ll_time_parse(c->s, c->len, &v);
		k->all_timestamp[i] = k->all_timestamp[i] && t == LL_TIME_TIMESTAMP;
		k->all_date[i] = k->all_date[i] && t == LL_TIME_DATE;
	}
}

static int sink_row(void *user, size_t n, const char *const *names, const ll_cell *cells)
{
	(void)names;
	query_sink *k = user;
	if (k->oom || __atomic_load_n(&k->q->cancel, __ATOMIC_RELAXED))
		return 1;
	char **row = calloc(n + 1, sizeof(*row));
	if (!row) {
		k->oom = true;
		return 1;
	}
	for (size_t i = 0; i < n; i++) {
		row[i] = result_text(k, i, &cells[i]);
		note_kind(k, i, &cells[i]);
	}
	if (!add_row(k->q, row))
		k->oom = true;
	free(row);
	return k->oom;
}

static void settle_types(query_sink *k)
{
	for (size_t i = 0; i < k->q->ncols; i++) {
		if (k->declared && k->declared[i] != LL_TYPE_COUNT_) {
			k->q->types[i] = serve_athena_type(k->declared[i]);
			continue;
		}
		switch ((int)k->kinds[i]) {
		case LL_CELL_INT: k->q->types[i] = "bigint"; break;
		case LL_CELL_REAL: k->q->types[i] = "double"; break;
		case LL_CELL_BLOB: k->q->types[i] = "varbinary"; break;
		case LL_CELL_TEXT:
			k->q->types[i] = k->all_timestamp[i] ? "timestamp"
					 : k->all_date[i]    ? "date"
							     : "varchar";
			break;
		default: k->q->types[i] = "varchar"; break;
		}
	}
}

static ll_status run_select(run_ctx *c, const char *sql)
{
	ll_engine_provider provider;
	ll_engine *engine = NULL;
	query_sink k = { .q = c->q };
	serve_provider *p = NULL;
	ll_engine_sink sink = { sink_columns, sink_row, &k, sink_column_types };
	ll_status st;
	if (serve_names_info_schema(sql)) {
		st = serve_info_schema_query(c->s, c->db, c->catalog, sql, &sink, c->err);
	} else {
		st = serve_provider_new(&p, c->s, c->db, c->catalog, &provider, c->err);
		if (st == LL_OK)
			st = ll_engine_open(&engine, &provider, c->err);
		if (st == LL_OK && c->q->database)
			st = ll_engine_set_dataset(engine, c->q->database, c->err);
		if (st == LL_OK)
			st = ll_engine_run(engine, sql, &sink, c->err);
	}
	if (st == LL_OK && k.oom)
		st = ll_error_oom(c->err);
	if (st == LL_OK)
		settle_types(&k);
	free(k.declared);
	free(k.kinds);
	free(k.all_timestamp);
	free(k.all_date);
	ll_engine_free(engine);
	serve_provider_free(p);
	return st;
}

/* ---- listings */

static bool like_matches(const char *like, const char *name)
{
	if (!like)
		return true;
	/* Athena's SHOW patterns: '*' any characters, '|' between alternatives */
	char *alts = strdup(like);
	bool match = false;
	for (char *save = NULL, *a = strtok_r(alts, "|", &save); a && !match;
	     a = strtok_r(NULL, "|", &save))
		match = fnmatch(a, name, FNM_CASEFOLD) == 0;
	free(alts);
	return match;
}

static ll_status one_column_rows(run_ctx *c, const char *column, json_t *names, const char *like)
{
	const char *header[] = { column };
	ll_status st = set_columns(c->q, 1, header, c->err);
	size_t i;
	json_t *v;
	json_array_foreach(names, i, v) {
		const char *name = json_string_value(v);
		char *cell = name && like_matches(like, name) ? strdup(name) : NULL;
		if (st == LL_OK && cell && !add_row(c->q, &cell)) {
			free(cell);
			st = ll_error_oom(c->err);
		}
	}
	return st;
}

static int compare_json_strings(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

static ll_status show_tables(run_ctx *c, const ll_sql_statement *stmt)
{
	if (!stmt->database)
		return ll_error_set(c->err, LL_EINVAL, "SHOW TABLES needs a database: name one or set "
						       "QueryExecutionContext.Database");
	ll_engine_provider provider;
	serve_provider *p;
	ll_engine_table *tables = NULL;
	size_t n = 0;
	ll_status st = serve_provider_new(&p, c->s, c->db, c->catalog, &provider, c->err);
	if (st == LL_OK)
		st = provider.list_tables(provider.ctx, &tables, &n, c->err);
	json_t *names = json_array();
	for (size_t i = 0; st == LL_OK && i < n; i++)
		if (strcmp(tables[i].dataset, stmt->database) == 0)
			json_array_append_new(names, json_string(tables[i].name));
	if (st == LL_OK)
		provider.free_tables(provider.ctx, tables, n);
	serve_provider_free(p);
	size_t count = json_array_size(names);
	json_t **sorted = calloc(count + 1, sizeof(*sorted));
	for (size_t i = 0; sorted && i < count; i++)
		sorted[i] = json_array_get(names, i);
	if (sorted)
		qsort(sorted, count, sizeof(*sorted), compare_json_strings);
	json_t *ordered = json_array();
	for (size_t i = 0; sorted && i < count; i++)
		json_array_append(ordered, sorted[i]);
	free(sorted);
	if (st == LL_OK)
		st = one_column_rows(c, "tab_name", ordered, stmt->like);
	json_decref(ordered);
	json_decref(names);
	return st;
}

static ll_status show_databases(run_ctx *c, const ll_sql_statement *stmt)
{
	json_t *names = serve_store_database_names(c->db, c->catalog);
	ll_status st = one_column_rows(c, "database_name", names, stmt->like);
	json_decref(names);
	return st;
}

static ll_status add_describe_rows(run_ctx *c, const json_t *columns)
{
	size_t i;
	json_t *col;
	json_array_foreach(columns, i, col) {
		const char *comment = serve_str(col, "Comment");
		char *row[3] = { strdup(serve_str(col, "Name") ? serve_str(col, "Name") : ""),
				 strdup(serve_str(col, "Type") ? serve_str(col, "Type") : ""),
				 strdup(comment ? comment : "") };
		if (!add_row(c->q, row)) {
			for (size_t k = 0; k < 3; k++)
				free(row[k]);
			return ll_error_oom(c->err);
		}
	}
	return LL_OK;
}

static ll_status describe(run_ctx *c, const ll_sql_statement *stmt)
{
	json_t *doc = serve_glue_table_doc(c->s, c->db, c->catalog, stmt->database, stmt->table);
	if (!doc)
		return ll_error_set(c->err, LL_ENOTFOUND, "Table %s.%s does not exist", stmt->database,
				    stmt->table);
	const char *header[] = { "col_name", "data_type", "comment" };
	ll_status st = set_columns(c->q, 3, header, c->err);
	if (st == LL_OK)
		st = add_describe_rows(c, json_object_get(json_object_get(doc, "StorageDescriptor"),
							  "Columns"));
	if (st == LL_OK)
		st = add_describe_rows(c, json_object_get(doc, "PartitionKeys"));
	json_decref(doc);
	return st;
}

/* ---- DDL */

static ll_status need_database(run_ctx *c, const char *database)
{
	if (database && serve_store_has_database(c->db, c->catalog, database))
		return LL_OK;
	return ll_error_set(c->err, LL_ENOTFOUND, "SCHEMA_NOT_FOUND: Schema %s does not exist",
			    database ? database : "(none)");
}

static ll_status create_database(run_ctx *c, const ll_sql_statement *stmt)
{
	json_t *input = json_pack("{s:s}", "Name", stmt->database);
	if (stmt->location)
		json_object_set_new(input, "LocationUri", json_string(stmt->location));
	ll_status st = serve_store_create_database(c->db, c->catalog, input, c->err);
	if (st == LL_ECONFLICT && stmt->if_not_exists)
		st = LL_OK;
	json_decref(input);
	return st;
}

static ll_status add_glue_columns(ll_glue_table *t, ll_glue_columns *cols,
				  const ll_sql_column *src, size_t n, ll_error *err)
{
	ll_status st = LL_OK;
	for (size_t i = 0; st == LL_OK && i < n; i++)
		st = ll_glue_columns_add(t, cols, src[i].name, src[i].type, src[i].comment, NULL, err);
	return st;
}

/*
 * Whether a CREATE TABLE has a table to create: its database must exist;
 * an existing table is an error, or with IF NOT EXISTS nothing to do.
 */
static ll_status table_to_create(run_ctx *c, const ll_sql_statement *stmt, bool *create)
{
	*create = false;
	ll_status st = need_database(c, stmt->database);
	if (st != LL_OK)
		return st;
	json_t *existing = serve_glue_table_doc(c->s, c->db, c->catalog, stmt->database, stmt->table);
	json_decref(existing);
	if (existing)
		return stmt->if_not_exists ? LL_OK
			: ll_error_set(c->err, LL_ECONFLICT, "Table %s.%s already exists",
				       stmt->database, stmt->table);
	*create = true;
	return LL_OK;
}

/* CREATE EXTERNAL TABLE ... STORED AS PARQUET: the table Athena registers in Glue. */
static ll_status create_external_table(run_ctx *c, const ll_sql_statement *stmt)
{
	bool create;
	ll_status st = table_to_create(c, stmt, &create);
	if (st != LL_OK || !create)
		return st;
	ll_glue_table t;
	ll_glue_table_init(&t);
	t.database = ll_glue_table_str(&t, stmt->database);
	t.name = ll_glue_table_str(&t, stmt->table);
	t.table_type = LL_GLUE_EXTERNAL_TABLE;
	t.storage.location = ll_glue_table_str(&t, stmt->location);
	t.storage.input_format = LL_GLUE_PARQUET_INPUT;
	t.storage.output_format = LL_GLUE_PARQUET_OUTPUT;
	t.storage.serde_library = LL_GLUE_PARQUET_SERDE;
	st = ll_glue_params_set(&t, &t.parameters, "EXTERNAL", "TRUE", c->err);
	if (st == LL_OK)
		st = ll_glue_params_set(&t, &t.parameters, "classification", "parquet", c->err);
	for (size_t i = 0; st == LL_OK && i < stmt->nproperties; i++)
		st = ll_glue_params_set(&t, &t.parameters, stmt->properties[i].key,
					stmt->properties[i].value, c->err);
	if (st == LL_OK)
		st = add_glue_columns(&t, &t.storage.columns, stmt->columns, stmt->ncolumns, c->err);
	if (st == LL_OK)
		st = add_glue_columns(&t, &t.partition_keys, stmt->partition_columns,
				      stmt->npartition_columns, c->err);
	json_t *input = st == LL_OK ? ll_glue_table_input(&t) : NULL;
	if (st == LL_OK)
		st = input ? serve_store_put_table(c->db, stmt->database, stmt->table, input, 0, c->err)
			   : ll_error_oom(c->err);
	json_decref(input);
	ll_glue_table_free(&t);
	return st;
}

static bool has_column(const json_t *columns, const char *name)
{
	size_t i;
	json_t *col;
	json_array_foreach(columns, i, col)
		if (strcasecmp(serve_str(col, "Name"), name) == 0)
			return true;
	return false;
}

/* ALTER TABLE ... ADD COLUMNS: a new version of the table's document. */
static ll_status add_columns(run_ctx *c, const ll_sql_statement *stmt)
{
	json_t *doc = serve_glue_table_doc(c->s, c->db, c->catalog, stmt->database, stmt->table);
	if (!doc)
		return ll_error_set(c->err, LL_ENOTFOUND, "Table %s.%s does not exist", stmt->database,
				    stmt->table);
	int64_t version = strtoll(serve_str(doc, "VersionId"), NULL, 10);
	json_t *sd = json_object_get(doc, "StorageDescriptor");
	json_t *columns = json_object_get(sd, "Columns");
	ll_status st = LL_OK;
	for (size_t i = 0; st == LL_OK && i < stmt->ncolumns; i++) {
		if (has_column(columns, stmt->columns[i].name)) {
			st = ll_error_set(c->err, LL_ECONFLICT, "Column %s already exists in %s.%s",
					  stmt->columns[i].name, stmt->database, stmt->table);
			break;
		}
		json_t *col = json_pack("{s:s,s:s}", "Name", stmt->columns[i].name, "Type",
					stmt->columns[i].type);
		if (stmt->columns[i].comment)
			json_object_set_new(col, "Comment", json_string(stmt->columns[i].comment));
		json_array_append_new(columns, col);
	}
	static const char *const reply_only[] = { "DatabaseName", "CatalogId", "VersionId",
						   "IsRegisteredWithLakeFormation" };
	for (size_t i = 0; i < sizeof(reply_only) / sizeof(reply_only[0]); i++)
		json_object_del(doc, reply_only[i]);
	if (st == LL_OK)
		st = serve_store_put_table(c->db, stmt->database, stmt->table, doc, version, c->err);
	json_decref(doc);
	return st;
}

static ll_status drop_table(run_ctx *c, const ll_sql_statement *stmt)
{
	bool found = false;
	ll_status st = serve_store_drop_table(c->db, c->catalog, stmt->database, stmt->table, &found,
					      c->err);
	if (st == LL_OK && !found && !stmt->if_exists)
		st = ll_error_set(c->err, LL_ENOTFOUND, "Table %s.%s does not exist", stmt->database,
				  stmt->table);
	return st;
}

static ll_status create_iceberg_table(run_ctx *c, const ll_sql_statement *stmt)
{
	bool create;
	ll_status st = table_to_create(c, stmt, &create);
	if (st != LL_OK || !create)
		return st;
	return serve_create_iceberg_table(c->s, c->catalog, stmt, c->err);
}

/* ---- running */

static ll_status run_statement(run_ctx *c, const ll_sql_statement *stmt)
{
	switch (stmt->kind) {
	case LL_SQL_QUERY: return run_select(c, stmt->sql);
	case LL_SQL_SHOW_TABLES: return show_tables(c, stmt);
	case LL_SQL_SHOW_DATABASES: return show_databases(c, stmt);
	case LL_SQL_DESCRIBE: return describe(c, stmt);
	case LL_SQL_CREATE_DATABASE: return create_database(c, stmt);
	case LL_SQL_CREATE_EXTERNAL_TABLE: return create_external_table(c, stmt);
	case LL_SQL_ALTER_ADD_COLUMNS: return add_columns(c, stmt);
	case LL_SQL_DROP_TABLE: return drop_table(c, stmt);
	case LL_SQL_CREATE_ICEBERG_TABLE: return create_iceberg_table(c, stmt);
	case LL_SQL_DELETE:
		return serve_delete_rows(c->s, c->db, c->catalog, stmt, &c->q->update_count, c->err);
	default:
		return ll_error_set(c->err, LL_EUNSUPPORTED,
				    "NOT_SUPPORTED: %s is not supported by lakeload serve (it runs "
				    "SELECT, SHOW, DESCRIBE, CREATE DATABASE, CREATE EXTERNAL TABLE, "
				    "CREATE TABLE ... ICEBERG, ALTER TABLE ADD COLUMNS, DROP TABLE and "
				    "DELETE on Iceberg tables)",
				    ll_sql_kind_name(stmt->kind));
	}
}

static const char *statement_type(ll_sql_kind kind)
{
	switch (kind) {
	case LL_SQL_QUERY: return "DML";
	case LL_SQL_SHOW_TABLES:
	case LL_SQL_SHOW_DATABASES:
	case LL_SQL_DESCRIBE: return "UTILITY";
	case LL_SQL_DELETE:
	case LL_SQL_INSERT: return "DML";
	default: return "DDL";
	}
}

/* Athena's CSV: header, then rows; every value quoted (quotes doubled), NULL empty. */
static void render_csv(const serve_query *q, ll_buf *out)
{
	for (size_t r = 0; r <= q->nrows; r++) {
		char *const *row = r == 0 ? q->names : q->cells + (r - 1) * q->ncols;
		for (size_t i = 0; i < q->ncols; i++) {
			if (i)
				ll_buf_putc(out, ',');
			if (!row[i])
				continue;
			ll_buf_putc(out, '"');
			for (const char *p = row[i]; *p; p++) {
				if (*p == '"')
					ll_buf_putc(out, '"');
				ll_buf_putc(out, *p);
			}
			ll_buf_putc(out, '"');
		}
		ll_buf_putc(out, '\n');
	}
}

static ll_status write_result(run_ctx *c)
{
	serve_query *q = c->q;
	ll_buf csv = LL_BUF_INIT, location = LL_BUF_INIT;
	render_csv(q, &csv);
	size_t len = strlen(q->output);
	while (len > 0 && q->output[len - 1] == '/')
		len--;
	ll_buf_append(&location, q->output, len);
	ll_buf_printf(&location, "/%s.csv", q->id);
	ll_status st = ll_buf_oom(&csv) || ll_buf_oom(&location)
		? ll_error_oom(c->err)
		: ll_storage_put(c->s->storage, location.data, csv.data, csv.len, c->err);
	if (st != LL_OK)
		ll_error_prefix(c->err, "writing the result to %s", ll_buf_cstr(&location));
	ll_buf_free(&csv);
	ll_buf_free(&location);
	return st;
}

static ll_status open_connections(run_ctx *c)
{
	ll_status st = ll_catalog_open_file(&c->catalog, c->s->catalog_path, c->s->lake, c->s->storage,
					    c->err);
	return st == LL_OK ? serve_store_open(c->s->catalog_path, &c->db, c->err) : st;
}

static ll_status execute(run_ctx *c)
{
	ll_sql_context ctx = { c->q->database, c->q->catalog };
	ll_sql_statement stmt;
	ll_status st = ll_sql_read(c->q->sql, &ctx, &stmt, c->err);
	if (st == LL_OK) {
		pthread_mutex_lock(&c->s->mu);
		c->q->statement_type = statement_type(stmt.kind);
		pthread_mutex_unlock(&c->s->mu);
		st = open_connections(c);
	}
	if (st == LL_OK)
		st = run_statement(c, &stmt);
	if (st == LL_OK && __atomic_load_n(&c->q->cancel, __ATOMIC_RELAXED))
		st = ll_error_set(c->err, LL_EIO, "Query was cancelled by user");
	if (st == LL_OK && c->q->names)
		st = write_result(c);
	ll_sql_statement_free(&stmt);
	return st;
}

void *serve_query_run(void *arg)
{
	serve_query *q = arg;
	ll_serve *s = q->server;
	pthread_mutex_lock(&s->mu);
	bool cancelled = q->state == SQ_CANCELLED;
	if (!cancelled) {
		q->state = SQ_RUNNING;
		q->started = ll_time_now_micros();
	}
	pthread_mutex_unlock(&s->mu);
	if (cancelled)
		return NULL;
	ll_error err;
	ll_error_clear(&err);
	run_ctx c = { q, s, NULL, NULL, &err };
	ll_status st = execute(&c);
	sqlite3_close(c.db);
	ll_catalog_free(c.catalog);
	pthread_mutex_lock(&s->mu);
	if (q->state == SQ_RUNNING) {
		q->state = st == LL_OK ? SQ_SUCCEEDED : SQ_FAILED;
		q->completed = ll_time_now_micros();
		if (st != LL_OK) {
			char msg[2048];
			q->reason = strdup(ll_error_format(&err, msg, sizeof(msg)));
		}
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}
