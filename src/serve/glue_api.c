/*
 * The Glue actions of lakeload serve: CreateDatabase, GetDatabase,
 * GetDatabases, CreateTable, GetTable, GetTables, UpdateTable, DeleteTable.
 *
 * A table is either a document in the Glue store (created through Glue or
 * Athena DDL; VersionId from its counter) or a table of the lake's own
 * catalog, shown as the Glue table lakeload's Glue destination would
 * register (ll_glue_table_hive / ll_glue_table_iceberg) with VersionId "0".
 * A stored table of the same name shadows the catalog's. Updating a
 * catalog table through Glue stores its new document (version 1), which
 * then shadows it; deleting one drops it from the catalog (its files stay).
 *
 * GetTables' Expression is a regular expression in which a bare * is a
 * wildcard, as in Glue.
 *
 * Errors carry Glue's exception names: EntityNotFoundException,
 * AlreadyExistsException, InvalidInputException,
 * ConcurrentModificationException (a stale VersionId), all HTTP 400.
 */
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/glue.h"
#include "formats/iceberg/metadata.h"
#include "iceberg/table.h"
#include "serve/serve_internal.h"

#define GLUE_CATALOG_ID "000000000000"

static bool need(serve_reply *r, const char *value, const char *member)
{
	if (value && *value)
		return true;
	serve_error(r, 400, "InvalidInputException", "%s is required", member);
	return false;
}

/* The folder of a catalog table: where its first file is, else <lake>/<dataset>/<table>. */
static void catalog_table_location(ll_serve *s, const ll_catalog_table *ct, ll_buf *out)
{
	if (ct->nfiles > 0) {
		const char *slash = strrchr(ct->files[0], '/');
		ll_buf_append(out, ct->files[0], slash ? (size_t)(slash - ct->files[0]) : 0);
		return;
	}
	ll_buf_printf(out, "%s/%s/%s", ll_storage_root(s->storage), ct->dataset, ct->name);
}

/*
 * Gives a catalog Iceberg table's columns (a copy, cols) the field ids of
 * its current metadata, which the Glue document carries; a column the
 * metadata cannot be read for keeps none.
 */
static void set_field_ids(ll_serve *s, const ll_catalog_table *ct, ll_column *cols)
{
	ll_iceberg_table it = { 0 };
	ll_error err;
	if (ll_iceberg_table_load(&it, s->storage, ct->metadata_location, &err) != LL_OK)
		return;
	const ll_iceberg_type *row = &ll_iceberg_metadata_current_schema(it.md)->type;
	for (size_t i = 0; i < ct->ncolumns; i++)
		for (size_t k = 0; k < row->nfields; k++)
			if (strcmp(row->fields[k].name, cols[i].name) == 0)
				cols[i].field_id = row->fields[k].id;
	ll_iceberg_table_release(&it);
}

/* A catalog table as the TableInput lakeload's Glue destination registers. */
static json_t *catalog_table_input(ll_serve *s, const ll_catalog_table *ct)
{
	ll_column *cols = calloc(ct->ncolumns + 1, sizeof(*cols));
	if (!cols)
		return NULL;
	memcpy(cols, ct->columns, ct->ncolumns * sizeof(*cols));
	bool iceberg = ct->format == LL_FORMAT_ICEBERG && ct->metadata_location;
	if (iceberg)
		set_field_ids(s, ct, cols);
	ll_table schema_table = { .name = ct->name, .table_format = ct->format, .columns = cols,
				  .ncolumns = ct->ncolumns };
	ll_buf location = LL_BUF_INIT;
	catalog_table_location(s, ct, &location);
	ll_glue_table t;
	ll_glue_table_init(&t);
	ll_error err;
	ll_status st = iceberg
		? ll_glue_table_iceberg(&t, ct->dataset, &schema_table, ll_buf_cstr(&location),
					ct->metadata_location, NULL, &err)
		: ll_glue_table_hive(&t, ct->dataset, &schema_table, ll_buf_cstr(&location), &err);
	json_t *input = st == LL_OK ? ll_glue_table_input(&t) : NULL;
	ll_glue_table_free(&t);
	ll_buf_free(&location);
	free(cols);
	return input;
}

/* A TableInput as GetTable shows it: with its database, catalog id and version. */
static json_t *table_doc(const char *database, const json_t *input, int64_t version)
{
	json_t *doc = json_deep_copy(input);
	char v[32];
	snprintf(v, sizeof(v), "%lld", (long long)version);
	json_object_set_new(doc, "DatabaseName", json_string(database));
	json_object_set_new(doc, "CatalogId", json_string(GLUE_CATALOG_ID));
	json_object_set_new(doc, "VersionId", json_string(v));
	json_object_set_new(doc, "IsRegisteredWithLakeFormation", json_false());
	return doc;
}

static ll_catalog_table *find_catalog_table(ll_catalog *catalog, const char *database,
					    const char *name, ll_catalog_table **all, size_t *n)
{
	*all = NULL;
	*n = 0;
	ll_error err;
	if (!catalog || ll_catalog_list_tables(catalog, database, all, n, &err) != LL_OK)
		return NULL;
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*all)[i].name, name) == 0)
			return &(*all)[i];
	return NULL;
}

json_t *serve_glue_table_doc(ll_serve *s, sqlite3 *db, ll_catalog *catalog, const char *database,
			     const char *name)
{
	int64_t version;
	json_t *input = serve_store_get_table(db, database, name, &version);
	if (input) {
		json_t *doc = table_doc(database, input, version);
		json_decref(input);
		return doc;
	}
	ll_catalog_table *all;
	size_t n;
	ll_catalog_table *ct = find_catalog_table(catalog, database, name, &all, &n);
	json_t *doc = NULL;
	if (ct && (input = catalog_table_input(s, ct)) != NULL) {
		doc = table_doc(database, input, 0);
		json_decref(input);
	}
	ll_catalog_tables_free(all, n);
	return doc;
}

static json_t *database_doc(sqlite3 *db, const char *name)
{
	json_t *doc = serve_store_get_database(db, name);
	if (!doc)
		doc = json_pack("{s:s}", "Name", name);
	json_object_set_new(doc, "CatalogId", json_string(GLUE_CATALOG_ID));
	if (!json_object_get(doc, "Parameters"))
		json_object_set_new(doc, "Parameters", json_object());
	return doc;
}

/* NextToken and MaxResults of a paged call: where to start and how many to give. */
static bool page_bounds(const json_t *req, size_t *start, size_t *max, serve_reply *r)
{
	const char *token = serve_str(req, "NextToken");
	char *end = NULL;
	*start = token && *token ? strtoull(token, &end, 10) : 0;
	if (token && *token && (!end || *end)) {
		serve_error(r, 400, "InvalidInputException", "NextToken %s is not one this server gave",
			    token);
		return false;
	}
	json_int_t m = json_integer_value(json_object_get(req, "MaxResults"));
	*max = m > 0 && m < LL_GLUE_MAX_PAGE ? (size_t)m : LL_GLUE_MAX_PAGE;
	return true;
}

/* Moves items [start, start+max) of all into a reply member, with NextToken when more remain. */
static json_t *page_of(json_t *all, size_t start, size_t max, const char *member)
{
	json_t *page = json_array();
	size_t total = json_array_size(all);
	for (size_t i = start; i < total && i < start + max; i++)
		json_array_append(page, json_array_get(all, i));
	json_t *reply = json_object();
	json_object_set_new(reply, member, page);
	if (start + max < total) {
		char next[32];
		snprintf(next, sizeof(next), "%zu", start + max);
		json_object_set_new(reply, "NextToken", json_string(next));
	}
	json_decref(all);
	return reply;
}

static void create_database(ll_serve *s, const json_t *req, serve_reply *r)
{
	const json_t *input = json_object_get(req, "DatabaseInput");
	char *name = serve_lower(serve_str(input, "Name"));
	if (need(r, name, "DatabaseInput.Name")) {
		json_t *doc = json_deep_copy(input);
		json_object_set_new(doc, "Name", json_string(name));
		ll_error err;
		ll_status st = serve_store_create_database(s->store, s->catalog, doc, &err);
		if (st == LL_ECONFLICT)
			serve_error(r, 400, "AlreadyExistsException", "Database %s already exists.", name);
		else if (st != LL_OK)
			serve_error(r, 500, "InternalServiceException", "%s", err.message);
		else
			serve_ok(r, json_object());
		json_decref(doc);
	}
	free(name);
}

static bool database_exists(ll_serve *s, const char *name, serve_reply *r)
{
	if (serve_store_has_database(s->store, s->catalog, name))
		return true;
	serve_error(r, 400, "EntityNotFoundException", "Database %s not found.", name);
	return false;
}

static void get_database(ll_serve *s, const json_t *req, serve_reply *r)
{
	char *name = serve_lower(serve_str(req, "Name"));
	if (need(r, name, "Name") && database_exists(s, name, r))
		serve_ok(r, json_pack("{s:o}", "Database", database_doc(s->store, name)));
	free(name);
}

static void get_databases(ll_serve *s, const json_t *req, serve_reply *r)
{
	size_t start, max;
	if (!page_bounds(req, &start, &max, r))
		return;
	json_t *names = serve_store_database_names(s->store, s->catalog);
	json_t *all = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(names, i, v)
		json_array_append_new(all, database_doc(s->store, json_string_value(v)));
	json_decref(names);
	serve_ok(r, page_of(all, start, max, "DatabaseList"));
}

/* Whether a table of that name is stored or in the catalog. */
static bool table_exists(ll_serve *s, const char *database, const char *name)
{
	json_t *doc = serve_glue_table_doc(s, s->store, s->catalog, database, name);
	json_decref(doc);
	return doc != NULL;
}

/* The TableInput of a request with its name lowercased, or NULL after an error reply. */
static json_t *table_input(const json_t *req, char **database, char **name, serve_reply *r)
{
	const json_t *input = json_object_get(req, "TableInput");
	*database = serve_lower(serve_str(req, "DatabaseName"));
	*name = serve_lower(serve_str(input, "Name"));
	if (!need(r, *database, "DatabaseName") || !need(r, *name, "TableInput.Name"))
		return NULL;
	json_t *doc = json_deep_copy(input);
	json_object_set_new(doc, "Name", json_string(*name));
	return doc;
}

static void create_table(ll_serve *s, const json_t *req, serve_reply *r)
{
	char *database, *name;
	json_t *input = table_input(req, &database, &name, r);
	ll_error err;
	if (!input || !database_exists(s, database, r)) {
		/* the reply says why */
	} else if (table_exists(s, database, name)) {
		serve_error(r, 400, "AlreadyExistsException", "Table %s already exists.", name);
	} else if (serve_store_put_table(s->store, database, name, input, 0, &err) != LL_OK) {
		serve_error(r, 400, "AlreadyExistsException", "%s", err.message);
	} else {
		serve_ok(r, json_object());
	}
	json_decref(input);
	free(database);
	free(name);
}

static void get_table(ll_serve *s, const json_t *req, serve_reply *r)
{
	char *database = serve_lower(serve_str(req, "DatabaseName"));
	char *name = serve_lower(serve_str(req, "Name"));
	if (need(r, database, "DatabaseName") && need(r, name, "Name") &&
	    database_exists(s, database, r)) {
		json_t *doc = serve_glue_table_doc(s, s->store, s->catalog, database, name);
		if (doc)
			serve_ok(r, json_pack("{s:o}", "Table", doc));
		else
			serve_error(r, 400, "EntityNotFoundException", "Table %s not found.", name);
	}
	free(database);
	free(name);
}

typedef struct table_list {
	json_t *docs;
	const char *database;
	regex_t *pattern;
} table_list;

static bool name_matches(const table_list *l, const char *name)
{
	return !l->pattern || regexec(l->pattern, name, 0, NULL, 0) == 0;
}

static int add_stored(void *user, const char *database, const char *name, const json_t *input,
		      int64_t version)
{
	table_list *l = user;
	if (name_matches(l, name))
		json_array_append_new(l->docs, table_doc(database, input, version));
	return 0;
}

static int compare_docs(const void *a, const void *b)
{
	return strcmp(json_string_value(json_object_get(*(json_t *const *)a, "Name")),
		      json_string_value(json_object_get(*(json_t *const *)b, "Name")));
}

/* The stored tables and the unshadowed catalog tables of a database, by name. */
static void collect_tables(ll_serve *s, table_list *l)
{
	ll_error err;
	serve_store_each_table(s->store, l->database, add_stored, l, &err);
	ll_catalog_table *all = NULL;
	size_t n = 0;
	if (s->catalog && ll_catalog_list_tables(s->catalog, l->database, &all, &n, &err) == LL_OK) {
		for (size_t i = 0; i < n; i++) {
			int64_t version;
			json_t *stored = serve_store_get_table(s->store, l->database, all[i].name, &version);
			json_t *input = stored || !name_matches(l, all[i].name) ? NULL
				: catalog_table_input(s, &all[i]);
			if (input)
				json_array_append_new(l->docs, table_doc(l->database, input, 0));
			json_decref(input);
			json_decref(stored);
		}
		ll_catalog_tables_free(all, n);
	}
	size_t count = json_array_size(l->docs);
	json_t **items = calloc(count + 1, sizeof(*items));
	for (size_t i = 0; items && i < count; i++)
		items[i] = json_incref(json_array_get(l->docs, i));
	if (items)
		qsort(items, count, sizeof(*items), compare_docs);
	json_array_clear(l->docs);
	for (size_t i = 0; items && i < count; i++)
		json_array_append_new(l->docs, items[i]);
	free(items);
}

/*
 * GetTables' Expression as a regular expression: Glue reads a * that does
 * not follow a '.' as a wildcard, as Hive's table patterns do ("orders*"
 * is every table whose name starts with orders), and the rest as a regex.
 */
static void table_pattern(const char *expression, ll_buf *out)
{
	for (const char *p = expression; *p; p++) {
		if (*p == '*' && (p == expression || p[-1] != '.'))
			ll_buf_putc(out, '.');
		ll_buf_putc(out, *p);
	}
}

static void get_tables(ll_serve *s, const json_t *req, serve_reply *r)
{
	char *database = serve_lower(serve_str(req, "DatabaseName"));
	const char *expression = serve_str(req, "Expression");
	size_t start, max;
	regex_t re;
	table_list l = { json_array(), database, NULL };
	if (!need(r, database, "DatabaseName") || !database_exists(s, database, r) ||
	    !page_bounds(req, &start, &max, r)) {
		json_decref(l.docs);
		free(database);
		return;
	}
	if (expression && *expression) {
		ll_buf anchored = LL_BUF_INIT;
		ll_buf_puts(&anchored, "^(");
		table_pattern(expression, &anchored);
		ll_buf_puts(&anchored, ")$");
		if (regcomp(&re, ll_buf_cstr(&anchored), REG_EXTENDED | REG_NOSUB | REG_ICASE) == 0)
			l.pattern = &re;
		ll_buf_free(&anchored);
		if (!l.pattern) {
			serve_error(r, 400, "InvalidInputException", "Expression %s is not a valid pattern",
				    expression);
			json_decref(l.docs);
			free(database);
			return;
		}
	}
	collect_tables(s, &l);
	if (l.pattern)
		regfree(l.pattern);
	serve_ok(r, page_of(l.docs, start, max, "TableList"));
	free(database);
}

static void update_table(ll_serve *s, const json_t *req, serve_reply *r)
{
	char *database, *name;
	json_t *input = table_input(req, &database, &name, r);
	const char *version_id = serve_str(req, "VersionId");
	int64_t current = 0;
	json_t *stored = input ? serve_store_get_table(s->store, database, name, &current) : NULL;
	ll_error err;
	if (!input || !database_exists(s, database, r)) {
		/* the reply says why */
	} else if (!stored && !table_exists(s, database, name)) {
		serve_error(r, 400, "EntityNotFoundException", "Table %s not found.", name);
	} else if (version_id && strtoll(version_id, NULL, 10) != current) {
		serve_error(r, 400, "ConcurrentModificationException",
			    "Update table failed due to concurrent modifications: table %s.%s is at "
			    "version %lld, not %s", database, name, (long long)current, version_id);
	} else if (serve_store_put_table(s->store, database, name, input, current, &err) != LL_OK) {
		serve_error(r, 400, "ConcurrentModificationException", "%s", err.message);
	} else {
		serve_ok(r, json_object());
	}
	json_decref(stored);
	json_decref(input);
	free(database);
	free(name);
}

static void delete_table(ll_serve *s, const json_t *req, serve_reply *r)
{
	char *database = serve_lower(serve_str(req, "DatabaseName"));
	char *name = serve_lower(serve_str(req, "Name"));
	bool found = false;
	ll_error err;
	if (need(r, database, "DatabaseName") && need(r, name, "Name") &&
	    database_exists(s, database, r)) {
		ll_status st = serve_store_drop_table(s->store, s->catalog, database, name, &found, &err);
		if (st != LL_OK)
			serve_error(r, 500, "InternalServiceException", "%s", err.message);
		else if (!found)
			serve_error(r, 400, "EntityNotFoundException", "Table %s not found.", name);
		else
			serve_ok(r, json_object());
	}
	free(database);
	free(name);
}

void serve_glue_dispatch(ll_serve *s, const char *action, const json_t *req, serve_reply *r)
{
	static const struct {
		const char *name;
		void (*run)(ll_serve *, const json_t *, serve_reply *);
	} actions[] = {
		{ "CreateDatabase", create_database }, { "GetDatabase", get_database },
		{ "GetDatabases", get_databases },     { "CreateTable", create_table },
		{ "GetTable", get_table },             { "GetTables", get_tables },
		{ "UpdateTable", update_table },       { "DeleteTable", delete_table },
	};
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		if (strcmp(action, actions[i].name) == 0) {
			actions[i].run(s, req, r);
			return;
		}
	}
	serve_error(r, 400, "UnknownOperationException",
		    "AWSGlue.%s is not an action lakeload serve implements", action);
}
