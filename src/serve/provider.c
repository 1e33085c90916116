/*
 * The engine's tables for Athena queries on lakeload serve: every table of
 * the Glue store, and every table of the lake's catalog that no stored
 * table of the same database and name shadows. Tables are listed by name;
 * a query's tables are described when it names them (open_table):
 *
 *   Glue hive table     its StorageDescriptor columns, and as its contents
 *                       every file under its LOCATION (as Athena reads it:
 *                       names starting with '_' or '.' are skipped), listed
 *                       through the lake's storage
 *   Glue Iceberg table  planned from Parameters.metadata_location
 *   catalog table       as `lakeload query` sees it
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "pipeline/pipeline_internal.h"
#include "serve/serve_internal.h"

typedef struct served_table {
	char *dataset, *name;
	json_t *input;               /* a stored TableInput, or NULL */
	const ll_catalog_table *ct;  /* else the catalog's table */
	ll_engine_column *columns;
	char **files;
	size_t nfiles;
	char *metadata_location;
	ll_iceberg_engine_table *iceberg;
} served_table;

struct serve_provider {
	ll_serve *server;
	sqlite3 *db;
	ll_catalog *catalog;
	ll_catalog_table *ctables;
	size_t nctables;
	served_table *tables;
	size_t n, cap;
};

const char *serve_athena_type(ll_data_type type)
{
	switch (type) {
	case LL_TYPE_BIGINT: return "bigint";
	case LL_TYPE_DOUBLE: return "double";
	case LL_TYPE_BOOL: return "boolean";
	case LL_TYPE_TIMESTAMP: return "timestamp";
	case LL_TYPE_DATE: return "date";
	case LL_TYPE_DECIMAL: return "decimal";
	case LL_TYPE_BINARY: return "varbinary";
	default: return "varchar";
	}
}

bool serve_type_from_athena(const char *type, ll_data_type *out, int *precision, int *scale)
{
	static const struct { const char *name; ll_data_type type; } names[] = {
		{ "string", LL_TYPE_TEXT },      { "varchar", LL_TYPE_TEXT },  { "char", LL_TYPE_TEXT },
		{ "bigint", LL_TYPE_BIGINT },    { "int", LL_TYPE_BIGINT },    { "integer", LL_TYPE_BIGINT },
		{ "smallint", LL_TYPE_BIGINT },  { "tinyint", LL_TYPE_BIGINT },
		{ "double", LL_TYPE_DOUBLE },    { "float", LL_TYPE_DOUBLE },  { "real", LL_TYPE_DOUBLE },
		{ "boolean", LL_TYPE_BOOL },     { "timestamp", LL_TYPE_TIMESTAMP },
		{ "date", LL_TYPE_DATE },        { "binary", LL_TYPE_BINARY }, { "varbinary", LL_TYPE_BINARY },
	};
	*precision = *scale = 0;
	if (sscanf(type, "decimal(%d,%d)", precision, scale) == 2 || strcmp(type, "decimal") == 0) {
		*out = LL_TYPE_DECIMAL;
		return true;
	}
	size_t len = strcspn(type, "(");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i].name) == len && strncmp(type, names[i].name, len) == 0) {
			*out = names[i].type;
			return true;
		}
	}
	return false;
}

static served_table *push_table(serve_provider *p, const char *dataset, const char *name)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		served_table *more = realloc(p->tables, cap * sizeof(*more));
		if (!more)
			return NULL;
		p->tables = more;
		p->cap = cap;
	}
	served_table *t = &p->tables[p->n++];
	memset(t, 0, sizeof(*t));
	t->dataset = strdup(dataset);
	t->name = strdup(name);
	return t;
}

static int add_stored(void *user, const char *database, const char *name, const json_t *input,
		      int64_t version)
{
	(void)version;
	served_table *t = push_table(user, database, name);
	if (t)
		t->input = json_incref((json_t *)input);
	return t ? 0 : 1;
}

static bool is_stored(const serve_provider *p, size_t nstored, const ll_catalog_table *ct)
{
	for (size_t i = 0; i < nstored; i++)
		if (strcmp(p->tables[i].dataset, ct->dataset) == 0 &&
		    strcmp(p->tables[i].name, ct->name) == 0)
			return true;
	return false;
}

static void clear_tables(serve_provider *p)
{
	for (size_t i = 0; i < p->n; i++) {
		served_table *t = &p->tables[i];
		free(t->dataset);
		free(t->name);
		json_decref(t->input);
		free(t->columns);
		ll_storage_free_list(t->files, t->nfiles);
		free(t->metadata_location);
		ll_iceberg_engine_table_free(t->iceberg);
	}
	p->n = 0;
	ll_catalog_tables_free(p->ctables, p->nctables);
	p->ctables = NULL;
	p->nctables = 0;
}

static void free_tables(void *ctx, ll_engine_table *tables, size_t n)
{
	(void)n;
	clear_tables(ctx);
	free(tables);
}

static ll_status list_tables(void *ctx, ll_engine_table **out, size_t *n, ll_error *err)
{
	serve_provider *p = ctx;
	ll_status st = serve_store_each_table(p->db, NULL, add_stored, p, err);
	size_t nstored = p->n;
	if (st == LL_OK && p->catalog)
		st = ll_catalog_list_tables(p->catalog, NULL, &p->ctables, &p->nctables, err);
	for (size_t i = 0; st == LL_OK && i < p->nctables; i++) {
		if (is_stored(p, nstored, &p->ctables[i]))
			continue;
		served_table *t = push_table(p, p->ctables[i].dataset, p->ctables[i].name);
		if (!t)
			st = ll_error_oom(err);
		else
			t->ct = &p->ctables[i];
	}
	ll_engine_table *tables = st == LL_OK ? calloc(p->n + 1, sizeof(*tables)) : NULL;
	if (st == LL_OK && !tables)
		st = ll_error_oom(err);
	if (st != LL_OK) {
		clear_tables(p);
		return st;
	}
	for (size_t i = 0; i < p->n; i++)
		tables[i] = (ll_engine_table){ .dataset = p->tables[i].dataset, .name = p->tables[i].name };
	*out = tables;
	*n = p->n;
	return LL_OK;
}

static ll_status open_iceberg(serve_provider *p, served_table *t, ll_catalog_table *ct,
			      ll_engine_table *et, ll_error *err)
{
	return ll_iceberg_engine_table_open(p->server->storage, ct, &t->iceberg, et, err);
}

/* A catalog table described by the catalog itself: hive tables hold millisecond timestamps. */
static ll_status open_catalog_table(served_table *t, ll_engine_table *et, ll_error *err)
{
	const ll_catalog_table *ct = t->ct;
	t->columns = calloc(ct->ncolumns + 1, sizeof(*t->columns));
	if (!t->columns)
		return ll_error_oom(err);
	for (size_t k = 0; k < ct->ncolumns; k++)
		t->columns[k] = (ll_engine_column){ ct->columns[k].name, ct->columns[k].type,
						    ct->columns[k].precision, ct->columns[k].scale,
						    ct->format == LL_FORMAT_ICEBERG ? LL_TS_MICROS : LL_TS_MILLIS };
	*et = (ll_engine_table){ t->dataset, t->name, t->columns, ct->ncolumns,
				 (const char *const *)ct->files, ct->nfiles, ct->rows, NULL, NULL };
	return LL_OK;
}

/* Keeps the data files of a listing: Athena skips names starting with '_' or '.'. */
static void keep_data_files(served_table *t)
{
	size_t kept = 0;
	for (size_t i = 0; i < t->nfiles; i++) {
		const char *base = strrchr(t->files[i], '/');
		base = base ? base + 1 : t->files[i];
		if (*base != '_' && *base != '.')
			t->files[kept++] = t->files[i];
		else
			free(t->files[i]);
	}
	t->nfiles = kept;
}

static ll_status open_glue_hive(serve_provider *p, served_table *t, ll_engine_table *et,
				ll_error *err)
{
	const json_t *sd = json_object_get(t->input, "StorageDescriptor");
	const json_t *cols = json_object_get(sd, "Columns");
	const char *location = serve_str(sd, "Location");
	size_t ncols = json_array_size(cols);
	t->columns = calloc(ncols + 1, sizeof(*t->columns));
	if (!t->columns)
		return ll_error_oom(err);
	for (size_t i = 0; i < ncols; i++) {
		const json_t *c = json_array_get(cols, i);
		ll_engine_column *ec = &t->columns[i];
		ec->name = serve_str(c, "Name");
		ec->unit = LL_TS_MILLIS;
		const char *type = serve_str(c, "Type");
		if (!ec->name || !type ||
		    !serve_type_from_athena(type, &ec->type, &ec->precision, &ec->scale))
			return ll_error_set(err, LL_EUNSUPPORTED,
					    "table %s.%s: column %s has type %s, which lakeload serve "
					    "cannot read", t->dataset, t->name,
					    ec->name ? ec->name : "?", type ? type : "(none)");
	}
	ll_buf key = LL_BUF_INIT;
	ll_status st = LL_OK;
	if (location && *location && !ll_storage_location_key(p->server->storage, location, &key))
		st = ll_error_set(err, LL_EUNSUPPORTED,
				  "table %s.%s: LOCATION %s is outside the served lake %s",
				  t->dataset, t->name, location, ll_storage_root(p->server->storage));
	else if (location && *location)
		st = ll_storage_list(p->server->storage, ll_buf_cstr(&key), &t->files, &t->nfiles, err);
	ll_buf_free(&key);
	if (st != LL_OK)
		return st;
	keep_data_files(t);
	*et = (ll_engine_table){ t->dataset, t->name, t->columns, ncols,
				 (const char *const *)t->files, t->nfiles, 0, NULL, NULL };
	return LL_OK;
}

static ll_status open_table(void *ctx, size_t index, ll_engine_table *et, ll_error *err)
{
	serve_provider *p = ctx;
	served_table *t = &p->tables[index];
	if (t->ct && t->ct->format == LL_FORMAT_ICEBERG && t->ct->metadata_location)
		return open_iceberg(p, t, (ll_catalog_table *)t->ct, et, err);
	if (t->ct)
		return open_catalog_table(t, et, err);
	const json_t *params = json_object_get(t->input, "Parameters");
	const char *type = serve_str(params, "table_type");
	if (type && strcasecmp(type, "ICEBERG") == 0) {
		const char *md = serve_str(params, "metadata_location");
		if (!md)
			return ll_error_set(err, LL_EFORMAT, "Iceberg table %s.%s has no metadata_location",
					    t->dataset, t->name);
		t->metadata_location = strdup(md);
		ll_catalog_table ct = { .dataset = t->dataset, .name = t->name,
					.format = LL_FORMAT_ICEBERG,
					.metadata_location = t->metadata_location };
		return open_iceberg(p, t, &ct, et, err);
	}
	return open_glue_hive(p, t, et, err);
}

static ll_status open_source(void *ctx, const char *path, ll_parquet_source *out, ll_error *err)
{
	serve_provider *p = ctx;
	return ll_storage_open_source(p->server->storage, path, out, err);
}

ll_status serve_provider_new(serve_provider **out, ll_serve *s, sqlite3 *db, ll_catalog *catalog,
			     ll_engine_provider *provider, ll_error *err)
{
	serve_provider *p = calloc(1, sizeof(*p));
	if (!p)
		return ll_error_oom(err);
	p->server = s;
	p->db = db;
	p->catalog = catalog;
	*provider = (ll_engine_provider){ p, list_tables, free_tables, open_source, open_table };
	*out = p;
	return LL_OK;
}

void serve_provider_free(serve_provider *p)
{
	if (!p)
		return;
	clear_tables(p);
	free(p->tables);
	free(p);
}
