/*
 * Glue tables and databases: the typed structs, their JSON shapes (Table
 * documents read, TableInput written), the two table shapes lakeload
 * registers, and the catalog actions (see glue.h).
 */
#include "aws/glue.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/error.h"

struct ll_glue {
	ll_aws_json_client *aws;
	char *catalog_id;
};

void ll_glue_table_init(ll_glue_table *t)
{
	memset(t, 0, sizeof(*t));
	ll_arena_init(&t->arena, 4096);
}

void ll_glue_table_free(ll_glue_table *t)
{
	ll_arena_free(&t->arena);
	memset(t, 0, sizeof(*t));
}

const char *ll_glue_table_str(ll_glue_table *t, const char *s)
{
	return s ? ll_arena_strndup(&t->arena, s, strlen(s)) : NULL;
}

/* Makes room for one more element of size bytes in an arena-backed array. */
static bool grow(ll_glue_table *t, void **items, size_t count, size_t *cap, size_t size)
{
	if (count < *cap)
		return true;
	size_t ncap = *cap ? *cap * 2 : 8;
	void *n = ll_arena_alloc(&t->arena, ncap * size);
	if (!n)
		return false;
	if (count)
		memcpy(n, *items, count * size);
	*items = n;
	*cap = ncap;
	return true;
}

ll_status ll_glue_params_set(ll_glue_table *t, ll_glue_params *params, const char *key,
			     const char *value, ll_error *err)
{
	const char *v = ll_glue_table_str(t, value);
	if (!v)
		return ll_error_oom(err);
	for (size_t i = 0; i < params->count; i++) {
		if (strcmp(params->items[i].key, key) == 0) {
			params->items[i].value = v;
			return LL_OK;
		}
	}
	const char *k = ll_glue_table_str(t, key);
	if (!k || !grow(t, (void **)&params->items, params->count, &params->cap,
			sizeof(ll_glue_param)))
		return ll_error_oom(err);
	params->items[params->count++] = (ll_glue_param){ k, v };
	return LL_OK;
}

const char *ll_glue_params_get(const ll_glue_params *params, const char *key)
{
	for (size_t i = 0; i < params->count; i++) {
		if (strcmp(params->items[i].key, key) == 0)
			return params->items[i].value;
	}
	return NULL;
}

ll_status ll_glue_columns_add(ll_glue_table *t, ll_glue_columns *cols, const char *name,
			      const char *type, const char *comment, ll_glue_column **out,
			      ll_error *err)
{
	if (!grow(t, (void **)&cols->items, cols->count, &cols->cap, sizeof(ll_glue_column)))
		return ll_error_oom(err);
	ll_glue_column *c = &cols->items[cols->count];
	*c = (ll_glue_column){ ll_glue_table_str(t, name), ll_glue_table_str(t, type),
			       ll_glue_table_str(t, comment), { 0 } };
	if (!c->name || (type && !c->type) || (comment && !c->comment))
		return ll_error_oom(err);
	cols->count++;
	if (out)
		*out = c;
	return LL_OK;
}

ll_status ll_glue_athena_type(const ll_column *col, char *buf, size_t size, ll_error *err)
{
	static const char *const names[LL_TYPE_COUNT_] = {
		[LL_TYPE_TEXT] = "string",	   [LL_TYPE_BIGINT] = "bigint",
		[LL_TYPE_DOUBLE] = "double",	   [LL_TYPE_BOOL] = "boolean",
		[LL_TYPE_TIMESTAMP] = "timestamp", [LL_TYPE_DATE] = "date",
		[LL_TYPE_BINARY] = "binary",	   [LL_TYPE_JSON] = "string",
	};
	if (col->type == LL_TYPE_DECIMAL) {
		snprintf(buf, size, "decimal(%d,%d)", col->precision ? col->precision : 38,
			 col->precision ? col->scale : 9);
		return LL_OK;
	}
	if ((unsigned)col->type >= LL_TYPE_COUNT_ || !names[col->type])
		return ll_error_set(err, LL_EUNSUPPORTED,
				    "column %s is of type %s, which Athena tables cannot hold; "
				    "convert it to text or timestamp",
				    col->name, ll_data_type_name(col->type));
	snprintf(buf, size, "%s", names[col->type]);
	return LL_OK;
}

static ll_status add_schema_columns(ll_glue_table *t, const ll_table *st, bool iceberg,
				    ll_error *err)
{
	for (size_t i = 0; i < st->ncolumns; i++) {
		const ll_column *col = &st->columns[i];
		char type[64];
		ll_status s = ll_glue_athena_type(col, type, sizeof(type), err);
		ll_glue_column *gc = NULL;
		if (s == LL_OK)
			s = ll_glue_columns_add(t, &t->storage.columns, col->name, type, NULL, &gc,
						err);
		if (s != LL_OK) {
			ll_error_set_table(err, st->name, col->name);
			return s;
		}
		if (!iceberg)
			continue;
		/* IcebergToGlueConverter's column parameters. */
		char id[16];
		snprintf(id, sizeof(id), "%d", (int)col->field_id);
		if ((s = ll_glue_params_set(t, &gc->parameters, "iceberg.field.id", id, err)) ||
		    (s = ll_glue_params_set(t, &gc->parameters, "iceberg.field.optional",
					    col->nullable ? "true" : "false", err)) ||
		    (s = ll_glue_params_set(t, &gc->parameters, "iceberg.field.current", "true",
					    err)))
			return s;
	}
	return LL_OK;
}

static ll_status table_names(ll_glue_table *t, const char *database, const ll_table *st,
			     const char *location, ll_error *err)
{
	t->database = ll_glue_table_str(t, database);
	t->name = ll_glue_table_str(t, st->name);
	t->table_type = LL_GLUE_EXTERNAL_TABLE;
	t->storage.location = ll_glue_table_str(t, location);
	return t->database && t->name && t->storage.location ? LL_OK : ll_error_oom(err);
}

/* A folder's location with one trailing '/', as Athena asks of a hive table's LOCATION. */
static const char *folder_location(ll_glue_table *t, const char *location)
{
	size_t len = strlen(location);
	while (len > 0 && location[len - 1] == '/')
		len--;
	char *folder = ll_arena_alloc(&t->arena, len + 2);
	if (folder) {
		memcpy(folder, location, len);
		memcpy(folder + len, "/", 2);
	}
	return folder;
}

ll_status ll_glue_table_hive(ll_glue_table *t, const char *database, const ll_table *schema_table,
			     const char *location, ll_error *err)
{
	const char *folder = folder_location(t, location);
	ll_status s = folder ? table_names(t, database, schema_table, folder, err)
			     : ll_error_oom(err);
	t->storage.input_format = LL_GLUE_PARQUET_INPUT;
	t->storage.output_format = LL_GLUE_PARQUET_OUTPUT;
	t->storage.serde_library = LL_GLUE_PARQUET_SERDE;
	/* What Athena's CREATE EXTERNAL TABLE ... STORED AS PARQUET records. */
	if (s == LL_OK)
		s = ll_glue_params_set(t, &t->parameters, "EXTERNAL", "TRUE", err);
	if (s == LL_OK)
		s = ll_glue_params_set(t, &t->parameters, "classification", "parquet", err);
	if (s == LL_OK)
		s = ll_glue_params_set(t, &t->storage.serde_parameters, "serialization.format", "1",
				       err);
	return s == LL_OK ? add_schema_columns(t, schema_table, false, err) : s;
}

ll_status ll_glue_table_iceberg(ll_glue_table *t, const char *database,
				const ll_table *schema_table, const char *location,
				const char *metadata_location, const char *previous,
				ll_error *err)
{
	ll_status s = table_names(t, database, schema_table, location, err);
	if (s == LL_OK)
		s = ll_glue_params_set(t, &t->parameters, "table_type", "ICEBERG", err);
	if (s == LL_OK)
		s = ll_glue_params_set(t, &t->parameters, "metadata_location", metadata_location,
				       err);
	if (s == LL_OK && previous)
		s = ll_glue_params_set(t, &t->parameters, "previous_metadata_location", previous,
				       err);
	return s == LL_OK ? add_schema_columns(t, schema_table, true, err) : s;
}

ll_status ll_glue_table_set_metadata_location(ll_glue_table *t, const char *metadata_location,
					      ll_error *err)
{
	if (!ll_glue_table_is_iceberg(t))
		return ll_error_set(err, LL_EINVAL,
				    "Glue table %s.%s is not an Iceberg table (its table_type "
				    "parameter is not ICEBERG)",
				    t->database ? t->database : "", t->name ? t->name : "");
	const char *current = ll_glue_params_get(&t->parameters, "metadata_location");
	ll_status s = LL_OK;
	if (current)
		s = ll_glue_params_set(t, &t->parameters, "previous_metadata_location", current,
				       err);
	return s ? s
		 : ll_glue_params_set(t, &t->parameters, "metadata_location", metadata_location,
				      err);
}

bool ll_glue_table_is_iceberg(const ll_glue_table *t)
{
	const char *v = ll_glue_params_get(&t->parameters, "table_type");
	return v && strcasecmp(v, "ICEBERG") == 0;
}

/* ---- TableInput ---- */

static void set_str(json_t *obj, const char *key, const char *value)
{
	if (value)
		json_object_set_new(obj, key, json_string(value));
}

static json_t *params_json(const ll_glue_params *p)
{
	json_t *o = json_object();
	for (size_t i = 0; o && i < p->count; i++)
		json_object_set_new(o, p->items[i].key, json_string(p->items[i].value));
	return o;
}

static json_t *columns_json(const ll_glue_columns *cols)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < cols->count; i++) {
		const ll_glue_column *c = &cols->items[i];
		json_t *o = json_object();
		set_str(o, "Name", c->name);
		set_str(o, "Type", c->type);
		set_str(o, "Comment", c->comment);
		if (c->parameters.count)
			json_object_set_new(o, "Parameters", params_json(&c->parameters));
		json_array_append_new(a, o);
	}
	return a;
}

json_t *ll_glue_table_input(const ll_glue_table *t)
{
	json_t *in = json_object(), *sd = json_object();
	if (!in || !sd) {
		json_decref(in);
		json_decref(sd);
		return NULL;
	}
	set_str(in, "Name", t->name);
	set_str(in, "Description", t->description);
	set_str(in, "TableType", t->table_type);
	json_object_set_new(in, "Parameters", params_json(&t->parameters));
	set_str(sd, "Location", t->storage.location);
	set_str(sd, "InputFormat", t->storage.input_format);
	set_str(sd, "OutputFormat", t->storage.output_format);
	json_object_set_new(sd, "Columns", columns_json(&t->storage.columns));
	if (t->storage.serde_library) {
		json_t *serde = json_object();
		set_str(serde, "SerializationLibrary", t->storage.serde_library);
		json_object_set_new(serde, "Parameters", params_json(&t->storage.serde_parameters));
		json_object_set_new(sd, "SerdeInfo", serde);
	}
	json_object_set_new(in, "StorageDescriptor", sd);
	json_object_set_new(in, "PartitionKeys", columns_json(&t->partition_keys));
	return in;
}

/* ---- Table documents ---- */

/* An optional member: *out is NULL when absent or null; LL_EFORMAT when not of type. */
static ll_status member(const json_t *obj, const char *key, json_type type, const json_t **out,
			ll_error *err)
{
	*out = json_object_get(obj, key);
	if (!*out || json_is_null(*out)) {
		*out = NULL;
		return LL_OK;
	}
	if (json_typeof(*out) == type)
		return LL_OK;
	return ll_error_set(err, LL_EFORMAT, "Glue table: %s is not %s", key,
			    type == JSON_OBJECT ? "an object"
			    : type == JSON_ARRAY ? "an array"
						 : "a string");
}

static ll_status get_str(ll_glue_table *t, const json_t *obj, const char *key, const char **out,
			 ll_error *err)
{
	const json_t *v;
	*out = NULL;
	ll_status s = member(obj, key, JSON_STRING, &v, err);
	if (s != LL_OK || !v)
		return s;
	*out = ll_arena_strndup(&t->arena, json_string_value(v), json_string_length(v));
	return *out ? LL_OK : ll_error_oom(err);
}

static ll_status parse_params(ll_glue_table *t, const json_t *obj, const char *key,
			      ll_glue_params *out, ll_error *err)
{
	const json_t *p, *v;
	ll_status s = member(obj, key, JSON_OBJECT, &p, err);
	const char *k;
	json_object_foreach((json_t *)p, k, v)
	{
		if (s != LL_OK)
			break;
		s = json_is_string(v) ? ll_glue_params_set(t, out, k, json_string_value(v), err)
				      : ll_error_set(err, LL_EFORMAT,
						     "Glue table: %s.%s is not a string", key, k);
	}
	return s;
}

static ll_status parse_column(ll_glue_table *t, const json_t *c, ll_glue_columns *out,
			      ll_error *err)
{
	const char *name, *type, *comment;
	ll_glue_column *gc;
	ll_status s = get_str(t, c, "Name", &name, err);
	if (s == LL_OK && !name)
		s = ll_error_set(err, LL_EFORMAT, "Glue table: a column has no Name");
	if (s == LL_OK)
		s = get_str(t, c, "Type", &type, err);
	if (s == LL_OK)
		s = get_str(t, c, "Comment", &comment, err);
	if (s == LL_OK)
		s = ll_glue_columns_add(t, out, name, type, comment, &gc, err);
	if (s == LL_OK)
		s = parse_params(t, c, "Parameters", &gc->parameters, err);
	return s;
}

static ll_status parse_columns(ll_glue_table *t, const json_t *obj, const char *key,
			       ll_glue_columns *out, ll_error *err)
{
	const json_t *a, *c;
	ll_status s = member(obj, key, JSON_ARRAY, &a, err);
	size_t i;
	json_array_foreach(a, i, c)
	{
		if (s != LL_OK)
			break;
		s = json_is_object(c) ? parse_column(t, c, out, err)
				      : ll_error_set(err, LL_EFORMAT,
						     "Glue table: %s[%zu] is not an object", key, i);
	}
	return s;
}

static ll_status parse_storage(ll_glue_table *t, const json_t *doc, ll_error *err)
{
	const json_t *sd, *serde = NULL;
	ll_glue_storage *s = &t->storage;
	ll_status st = member(doc, "StorageDescriptor", JSON_OBJECT, &sd, err);
	if (st != LL_OK || !sd)
		return st;
	if ((st = get_str(t, sd, "Location", &s->location, err)) ||
	    (st = get_str(t, sd, "InputFormat", &s->input_format, err)) ||
	    (st = get_str(t, sd, "OutputFormat", &s->output_format, err)) ||
	    (st = parse_columns(t, sd, "Columns", &s->columns, err)) ||
	    (st = member(sd, "SerdeInfo", JSON_OBJECT, &serde, err)) || !serde)
		return st;
	st = get_str(t, serde, "SerializationLibrary", &s->serde_library, err);
	return st ? st : parse_params(t, serde, "Parameters", &s->serde_parameters, err);
}

ll_status ll_glue_table_parse(ll_glue_table *t, const json_t *doc, ll_error *err)
{
	if (!json_is_object(doc))
		return ll_error_set(err, LL_EFORMAT, "Glue table: not a JSON object");
	static const struct {
		const char *key;
		size_t offset;
	} strings[] = {
		{ "Name", offsetof(ll_glue_table, name) },
		{ "DatabaseName", offsetof(ll_glue_table, database) },
		{ "TableType", offsetof(ll_glue_table, table_type) },
		{ "Description", offsetof(ll_glue_table, description) },
		{ "CatalogId", offsetof(ll_glue_table, catalog_id) },
		{ "VersionId", offsetof(ll_glue_table, version_id) },
	};
	ll_status s = LL_OK;
	for (size_t i = 0; s == LL_OK && i < sizeof(strings) / sizeof(strings[0]); i++)
		s = get_str(t, doc, strings[i].key,
			    (const char **)(void *)((char *)t + strings[i].offset), err);
	if (s == LL_OK && !t->name)
		s = ll_error_set(err, LL_EFORMAT, "Glue table: no Name");
	if (s == LL_OK)
		s = parse_params(t, doc, "Parameters", &t->parameters, err);
	if (s == LL_OK)
		s = parse_storage(t, doc, err);
	if (s == LL_OK)
		s = parse_columns(t, doc, "PartitionKeys", &t->partition_keys, err);
	return s;
}

void ll_glue_database_free(ll_glue_database *db)
{
	free(db->name);
	free(db->description);
	free(db->location_uri);
	free(db->catalog_id);
	memset(db, 0, sizeof(*db));
}

static char *dup_member(const json_t *obj, const char *key)
{
	const char *v = json_string_value(json_object_get(obj, key));
	return v ? strdup(v) : NULL;
}

ll_status ll_glue_database_parse(ll_glue_database *db, const json_t *doc, ll_error *err)
{
	memset(db, 0, sizeof(*db));
	if (!json_is_object(doc) || !json_is_string(json_object_get(doc, "Name")))
		return ll_error_set(err, LL_EFORMAT, "Glue database: not an object with a Name");
	db->name = dup_member(doc, "Name");
	db->description = dup_member(doc, "Description");
	db->location_uri = dup_member(doc, "LocationUri");
	db->catalog_id = dup_member(doc, "CatalogId");
	return db->name ? LL_OK : ll_error_oom(err);
}

bool ll_glue_catalog_id_for(const char *aws_data_catalog, const char **id)
{
	*id = NULL;
	if (!aws_data_catalog || !*aws_data_catalog ||
	    strcasecmp(aws_data_catalog, "awsdatacatalog") == 0)
		return true;
	if (strlen(aws_data_catalog) == 12 && strspn(aws_data_catalog, "0123456789") == 12) {
		*id = aws_data_catalog;
		return true;
	}
	return false;
}

/* ---- The client ---- */

ll_status ll_glue_open(ll_glue **out, const ll_aws_json_config *cfg, const char *catalog_id,
		       ll_error *err)
{
	*out = NULL;
	ll_aws_json_config c = *cfg;
	c.service = LL_AWS_GLUE;
	ll_glue *g = calloc(1, sizeof(*g));
	if (!g)
		return ll_error_oom(err);
	ll_status s = ll_aws_json_open(&g->aws, &c, err);
	if (s == LL_OK && catalog_id && *catalog_id && !(g->catalog_id = strdup(catalog_id)))
		s = ll_error_oom(err);
	if (s != LL_OK) {
		ll_glue_free(g);
		return s;
	}
	*out = g;
	return LL_OK;
}

void ll_glue_free(ll_glue *g)
{
	if (!g)
		return;
	ll_aws_json_free(g->aws);
	free(g->catalog_id);
	free(g);
}

ll_aws_json_client *ll_glue_client(ll_glue *g)
{
	return g->aws;
}

bool ll_glue_already_exists(const ll_glue *g)
{
	return ll_aws_json_failed_with(g->aws, "AlreadyExistsException");
}

/* A request object with CatalogId when one is configured. */
static json_t *request(const char *catalog_id)
{
	json_t *r = json_object();
	if (r && catalog_id)
		json_object_set_new(r, "CatalogId", json_string(catalog_id));
	return r;
}

static void table_resource(const char *database, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "database %s, table %s", database, name);
}

ll_status ll_glue_create_database(ll_glue *g, const char *name, const char *description,
				  const char *location_uri, bool *created, ll_error *err)
{
	json_t *req = request(g->catalog_id), *in = json_object();
	set_str(in, "Name", name);
	set_str(in, "Description", description);
	set_str(in, "LocationUri", location_uri);
	json_object_set_new(req, "DatabaseInput", in);
	char res[600];
	snprintf(res, sizeof(res), "database %s", name);
	ll_status s = ll_aws_json_send(g->aws, "CreateDatabase", res, req, NULL, err);
	if (created)
		*created = s == LL_OK;
	if (s == LL_ECONFLICT && ll_glue_already_exists(g)) {
		ll_error_clear(err);
		return LL_OK;
	}
	return s;
}

ll_status ll_glue_get_database(ll_glue *g, const char *name, ll_glue_database *out,
			       ll_error *err)
{
	memset(out, 0, sizeof(*out));
	json_t *req = request(g->catalog_id), *reply;
	json_object_set_new(req, "Name", json_string(name));
	char res[600];
	snprintf(res, sizeof(res), "database %s", name);
	ll_status s = ll_aws_json_send(g->aws, "GetDatabase", res, req, &reply, err);
	if (s == LL_OK)
		s = ll_glue_database_parse(out, json_object_get(reply, "Database"), err);
	json_decref(reply);
	return s;
}

typedef struct database_pages {
	ll_glue_database_fn fn;
	void *user;
} database_pages;

static ll_status database_page(void *user, const json_t *page, bool *stop, ll_error *err)
{
	database_pages *p = user;
	const json_t *list = json_object_get(page, "DatabaseList"), *d;
	if (!json_is_array(list))
		return ll_error_set(err, LL_EFORMAT, "glue GetDatabases: no DatabaseList");
	size_t i;
	json_array_foreach(list, i, d)
	{
		ll_glue_database db;
		ll_status s = ll_glue_database_parse(&db, d, err);
		if (s == LL_OK)
			*stop = p->fn(p->user, &db) != 0;
		ll_glue_database_free(&db);
		if (s != LL_OK || *stop)
			return s;
	}
	return LL_OK;
}

ll_status ll_glue_get_databases(ll_glue *g, ll_glue_database_fn fn, void *user, ll_error *err)
{
	json_t *req = request(g->catalog_id);
	json_object_set_new(req, "MaxResults", json_integer(LL_GLUE_MAX_PAGE));
	database_pages p = { fn, user };
	ll_status s = req ? ll_aws_json_paginate(g->aws, "GetDatabases", NULL, req, database_page,
						 &p, err)
			  : ll_error_oom(err);
	json_decref(req);
	return s;
}

ll_status ll_glue_create_table(ll_glue *g, const ll_glue_table *t, ll_error *err)
{
	json_t *req = request(g->catalog_id);
	json_object_set_new(req, "DatabaseName", json_string(t->database));
	json_object_set_new(req, "TableInput", ll_glue_table_input(t));
	char res[600];
	table_resource(t->database, t->name, res, sizeof(res));
	return ll_aws_json_send(g->aws, "CreateTable", res, req, NULL, err);
}

json_t *ll_glue_get_table_request(const char *catalog_id, const char *database, const char *name)
{
	json_t *req = request(catalog_id);
	json_object_set_new(req, "DatabaseName", json_string(database));
	json_object_set_new(req, "Name", json_string(name));
	return req;
}

ll_status ll_glue_get_table(ll_glue *g, const char *database, const char *name,
			    ll_glue_table *out, ll_error *err)
{
	char res[600];
	json_t *reply = NULL;
	table_resource(database, name, res, sizeof(res));
	ll_status s = ll_aws_json_send(g->aws, "GetTable", res,
				       ll_glue_get_table_request(g->catalog_id, database, name),
				       &reply, err);
	if (s == LL_OK)
		s = ll_glue_table_parse(out, json_object_get(reply, "Table"), err);
	if (s == LL_EFORMAT)
		ll_error_prefix(err, "glue GetTable on %s", res);
	json_decref(reply);
	return s;
}

typedef struct table_pages {
	const char *database;
	ll_glue_table_fn fn;
	void *user;
} table_pages;

static ll_status table_page(void *user, const json_t *page, bool *stop, ll_error *err)
{
	table_pages *p = user;
	const json_t *list = json_object_get(page, "TableList"), *doc;
	if (!json_is_array(list))
		return ll_error_set(err, LL_EFORMAT, "glue GetTables on database %s: no TableList",
				    p->database);
	size_t i;
	json_array_foreach(list, i, doc)
	{
		ll_glue_table t;
		ll_glue_table_init(&t);
		ll_status s = ll_glue_table_parse(&t, doc, err);
		if (s == LL_OK)
			*stop = p->fn(p->user, &t) != 0;
		ll_glue_table_free(&t);
		if (s != LL_OK)
			return ll_error_prefix(err, "glue GetTables on database %s", p->database);
		if (*stop)
			break;
	}
	return LL_OK;
}

ll_status ll_glue_get_tables(ll_glue *g, const char *database, const char *expression,
			     ll_glue_table_fn fn, void *user, ll_error *err)
{
	char res[600];
	snprintf(res, sizeof(res), "database %s", database);
	json_t *req = request(g->catalog_id);
	json_object_set_new(req, "DatabaseName", json_string(database));
	set_str(req, "Expression", expression);
	json_object_set_new(req, "MaxResults", json_integer(LL_GLUE_MAX_PAGE));
	table_pages p = { database, fn, user };
	ll_status s = req ? ll_aws_json_paginate(g->aws, "GetTables", res, req, table_page, &p, err)
			  : ll_error_oom(err);
	json_decref(req);
	return s;
}

json_t *ll_glue_update_table_request(const char *catalog_id, const ll_glue_table *t,
				     const char *version_id)
{
	json_t *req = request(catalog_id);
	json_object_set_new(req, "DatabaseName", json_string(t->database));
	json_object_set_new(req, "TableInput", ll_glue_table_input(t));
	set_str(req, "VersionId", version_id);
	return req;
}

ll_status ll_glue_update_table(ll_glue *g, const ll_glue_table *t, const char *version_id,
			       ll_error *err)
{
	char res[600];
	table_resource(t->database, t->name, res, sizeof(res));
	ll_status s = ll_aws_json_send(g->aws, "UpdateTable", res,
				       ll_glue_update_table_request(g->catalog_id, t, version_id),
				       NULL, err);
	if (s == LL_ECONFLICT && version_id)
		ll_error_prefix(err, "table version %s is no longer current (another writer "
				     "committed first; read the table again and retry)",
				version_id);
	return s;
}

ll_status ll_glue_delete_table(ll_glue *g, const char *database, const char *name,
			       ll_error *err)
{
	json_t *req = request(g->catalog_id);
	json_object_set_new(req, "DatabaseName", json_string(database));
	json_object_set_new(req, "Name", json_string(name));
	char res[600];
	table_resource(database, name, res, sizeof(res));
	return ll_aws_json_send(g->aws, "DeleteTable", res, req, NULL, err);
}
