/*
 * The Glue catalog, one implementation of catalog.h over the Glue client
 * (aws/glue.h): a dataset is a Glue database, a table a Glue table whose
 * Location is <lake>/<dataset>/<table>. What each operation does there is
 * told at ll_catalog_open_glue.
 */
#include "catalog/catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/glue.h"
#include "util/buf.h"

/* The parameter a hive column keeps lakeload's own type in (json and text are both string). */
#define LAKELOAD_TYPE_PARAM "lakeload.type"
/* A hive table's columns are re-sent this many times when another writer updates it meanwhile. */
#define HIVE_UPDATE_ATTEMPTS 8

typedef struct glue_catalog {
	ll_glue *glue;
	ll_storage *storage;
	char *known_database; /* the last database made sure of */
} glue_catalog;

static void glue_free(void *ctx)
{
	glue_catalog *c = ctx;
	if (!c)
		return;
	ll_glue_free(c->glue);
	free(c->known_database);
	free(c);
}

/* The table's folder: its key, and its location in the lake. */
static void table_key(const char *dataset, const char *table, ll_buf *out)
{
	ll_buf_printf(out, "%s/%s", dataset, table);
}

static void table_location(glue_catalog *c, const char *dataset, const char *table, ll_buf *out)
{
	ll_buf key = LL_BUF_INIT;
	table_key(dataset, table, &key);
	ll_storage_location(c->storage, ll_buf_cstr(&key), out);
	ll_buf_free(&key);
}

/* Creates the dataset's database unless this catalog already made sure it exists. */
static ll_status ensure_database(glue_catalog *c, const char *dataset, ll_error *err)
{
	if (c->known_database && strcmp(c->known_database, dataset) == 0)
		return LL_OK;
	ll_buf where = LL_BUF_INIT;
	ll_storage_location(c->storage, dataset, &where);
	ll_status st = ll_buf_oom(&where) ? ll_error_oom(err)
					  : ll_glue_create_database(c->glue, dataset, NULL,
								    where.data, NULL, err);
	ll_buf_free(&where);
	if (st == LL_OK) {
		free(c->known_database);
		c->known_database = strdup(dataset);
	}
	return st;
}

static ll_status format_switch(const char *dataset, const char *table, const char *have,
			       const char *want, ll_error *err)
{
	ll_error_set_table(err, table, NULL);
	return ll_error_set(err, LL_ESCHEMA,
			    "table %s.%s is a %s table in Glue; switching it to %s is not supported "
			    "(load into a new table, or drop the old one first)",
			    dataset, table, have, want);
}

/* Marks every column of a hive table with lakeload's type of it. */
static ll_status mark_types(ll_glue_table *gt, const ll_table *t, ll_error *err)
{
	ll_status st = LL_OK;
	for (size_t i = 0; i < gt->storage.columns.count && i < t->ncolumns && st == LL_OK; i++)
		st = ll_glue_params_set(gt, &gt->storage.columns.items[i].parameters,
					LAKELOAD_TYPE_PARAM, ll_data_type_name(t->columns[i].type),
					err);
	return st;
}

static const ll_glue_column *find_column(const ll_glue_columns *cols, const char *name)
{
	for (size_t i = 0; i < cols->count; i++)
		if (strcmp(cols->items[i].name, name) == 0)
			return &cols->items[i];
	return NULL;
}

/* Appends a copy of column c (its comment and parameters too) to t's columns. */
static ll_status copy_column(ll_glue_table *t, const ll_glue_column *c, ll_error *err)
{
	ll_glue_column *added;
	ll_status st = ll_glue_columns_add(t, &t->storage.columns, c->name, c->type, c->comment,
					   &added, err);
	for (size_t k = 0; st == LL_OK && k < c->parameters.count; k++)
		st = ll_glue_params_set(t, &added->parameters, c->parameters.items[k].key,
					c->parameters.items[k].value, err);
	return st;
}

/*
 * have (the table Glue holds) gains, at the end, the columns of want (built
 * from the load's schema) it lacks, as ALTER TABLE ... ADD COLUMNS would add
 * them: everything else Glue has on the table stays. No column may change
 * its type. *added says whether have gained any.
 */
static ll_status add_columns(ll_glue_table *have, const ll_glue_table *want, bool *added,
			     ll_error *err)
{
	*added = false;
	size_t had = have->storage.columns.count;
	for (size_t i = 0; i < want->storage.columns.count; i++) {
		const ll_glue_column *w = &want->storage.columns.items[i];
		const ll_glue_column *h = find_column(&have->storage.columns, w->name);
		if (h && strcmp(h->type, w->type) != 0) {
			ll_error_set_table(err, want->name, w->name);
			return ll_error_set(err, LL_ESCHEMA,
					    "column %s of %s.%s is registered in Glue as %s but the "
					    "load writes %s; columns are never retyped",
					    w->name, want->database, want->name, h->type, w->type);
		}
		ll_status st = h ? LL_OK : copy_column(have, w, err);
		if (st != LL_OK)
			return st;
	}
	*added = have->storage.columns.count > had;
	return LL_OK;
}

/* Whether two folder locations are the same folder (trailing slashes aside). */
static bool same_folder(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	while (la > 0 && a[la - 1] == '/')
		la--;
	while (lb > 0 && b[lb - 1] == '/')
		lb--;
	return la == lb && strncmp(a, b, la) == 0;
}

/*
 * A load writes a hive table's files to its folder in the lake; a table Glue
 * has at another folder would not see them (and moving its Location would
 * hide the rows it has), so such a load is refused.
 */
static ll_status check_hive_folder(const ll_glue_table *want, const ll_glue_table *have,
				   ll_error *err)
{
	const char *at = have->storage.location;
	if (!at || !*at || same_folder(at, want->storage.location))
		return LL_OK;
	ll_error_set_table(err, want->name, NULL);
	return ll_error_set(err, LL_ESCHEMA,
			    "table %s.%s is registered in Glue at %s, but lakeload writes its files "
			    "to %s, where Athena would not read them; load into another table, or "
			    "drop this one from Glue first",
			    want->database, want->name, at, want->storage.location);
}

/* One attempt at registering a hive table: create it, or update its columns. */
static ll_status register_hive_once(glue_catalog *c, const char *dataset, const ll_table *t,
				    ll_error *err)
{
	ll_buf where = LL_BUF_INIT;
	table_location(c, dataset, t->name, &where);
	ll_glue_table want, have;
	ll_glue_table_init(&want);
	ll_glue_table_init(&have);
	ll_status st = ll_buf_oom(&where) ? ll_error_oom(err)
					  : ll_glue_table_hive(&want, dataset, t, where.data, err);
	if (st == LL_OK)
		st = mark_types(&want, t, err);
	if (st == LL_OK)
		st = ll_glue_get_table(c->glue, dataset, t->name, &have, err);
	if (st == LL_ENOTFOUND) {
		ll_error_clear(err);
		st = ll_glue_create_table(c->glue, &want, err);
	} else if (st == LL_OK && ll_glue_table_is_iceberg(&have)) {
		st = format_switch(dataset, t->name, "iceberg", "hive", err);
	} else if (st == LL_OK && (st = check_hive_folder(&want, &have, err)) == LL_OK) {
		bool added;
		st = add_columns(&have, &want, &added, err);
		/* the same folder, in the form dlt registers it */
		have.storage.location = want.storage.location;
		if (st == LL_OK && added)
			st = ll_glue_update_table(c->glue, &have, have.version_id, err);
	}
	ll_glue_table_free(&want);
	ll_glue_table_free(&have);
	ll_buf_free(&where);
	return st;
}

/* Registers a hive table, retrying when another writer changed it in between. */
static ll_status register_hive(glue_catalog *c, const char *dataset, const ll_table *t,
			       ll_error *err)
{
	ll_status st = LL_ECONFLICT;
	for (int i = 0; i < HIVE_UPDATE_ATTEMPTS && st == LL_ECONFLICT; i++) {
		ll_error_clear(err);
		st = register_hive_once(c, dataset, t, err);
	}
	return st;
}

/* Deletes the files under the table's folder that the load did not write. */
static ll_status replace_files(glue_catalog *c, const ll_catalog_load *load, const char *table,
			       ll_error *err)
{
	ll_buf prefix = LL_BUF_INIT;
	table_key(load->dataset, table, &prefix);
	ll_buf_putc(&prefix, '/');
	char **keys = NULL;
	size_t n = 0;
	ll_status st = ll_buf_oom(&prefix) ? ll_error_oom(err)
					   : ll_storage_list(c->storage, prefix.data, &keys, &n, err);
	size_t stale = 0;
	for (size_t i = 0; st == LL_OK && i < n; i++) {
		if (ll_catalog_load_has_file(load, table, keys[i])) {
			free(keys[i]);
			continue;
		}
		keys[stale++] = keys[i];
	}
	if (st == LL_OK && stale)
		st = ll_storage_delete(c->storage, (const char *const *)keys, stale, err);
	if (st != LL_OK)
		ll_error_prefix(err, "replacing the files of %s.%s", load->dataset, table);
	ll_storage_free_list(keys, st == LL_OK ? stale : n);
	ll_buf_free(&prefix);
	return st;
}

static ll_status glue_commit_load(void *ctx, const ll_catalog_load *load, bool *already,
				  ll_error *err)
{
	glue_catalog *c = ctx;
	*already = false;
	ll_status st = load->ntables ? ensure_database(c, load->dataset, err) : LL_OK;
	for (size_t i = 0; i < load->ntables && st == LL_OK; i++) {
		const ll_table *t = ll_schema_find_table(load->schema, load->tables[i]);
		st = t ? register_hive(c, load->dataset, t, err)
		       : ll_error_set(err, LL_EINVAL, "load %s writes table %s which is not in its schema",
				      load->load_id, load->tables[i]);
	}
	for (size_t i = 0; i < load->nreplace && st == LL_OK; i++)
		st = replace_files(c, load, load->replace[i], err);
	return st;
}

/* A replace deletes what it supersedes when it commits: nothing is left to collect. */
static ll_status glue_collect_garbage(void *ctx, ll_error *err)
{
	(void)ctx;
	(void)err;
	return LL_OK;
}

/* lakeload's type of a Glue column: its mark, else read from the Athena type. */
static void column_type(const ll_glue_column *gc, ll_column *col)
{
	static const struct { const char *athena; ll_data_type type; } types[] = {
		{ "string", LL_TYPE_TEXT },	  { "varchar", LL_TYPE_TEXT },
		{ "bigint", LL_TYPE_BIGINT },	  { "int", LL_TYPE_BIGINT },
		{ "integer", LL_TYPE_BIGINT },	  { "smallint", LL_TYPE_BIGINT },
		{ "tinyint", LL_TYPE_BIGINT },	  { "double", LL_TYPE_DOUBLE },
		{ "float", LL_TYPE_DOUBLE },	  { "boolean", LL_TYPE_BOOL },
		{ "timestamp", LL_TYPE_TIMESTAMP }, { "date", LL_TYPE_DATE },
		{ "binary", LL_TYPE_BINARY },
	};
	col->type = LL_TYPE_TEXT;
	int p, s;
	if (sscanf(gc->type, "decimal(%d,%d)", &p, &s) == 2) {
		col->type = LL_TYPE_DECIMAL;
		col->precision = p;
		col->scale = s;
	}
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strcmp(gc->type, types[i].athena) == 0)
			col->type = types[i].type;
	const char *mark = ll_glue_params_get(&gc->parameters, LAKELOAD_TYPE_PARAM);
	ll_data_type marked;
	if (mark && ll_data_type_parse(mark, &marked) && marked != LL_TYPE_DECIMAL)
		col->type = marked;
}

static ll_status read_columns(const ll_glue_table *gt, ll_catalog_table *t, ll_error *err)
{
	const ll_glue_columns *cols = &gt->storage.columns;
	t->columns = calloc(cols->count + 1, sizeof(*t->columns));
	if (!t->columns)
		return ll_error_oom(err);
	for (size_t i = 0; i < cols->count; i++) {
		ll_column *col = &t->columns[i];
		if (!(col->name = strdup(cols->items[i].name)))
			return ll_error_oom(err);
		t->ncolumns++;
		column_type(&cols->items[i], col);
		col->nullable = true;
		col->field_id = -1;
	}
	return LL_OK;
}

/*
 * The key prefix of a hive table's folder: its Glue Location's (Athena reads
 * the files there, whatever the table's name), else the table's folder in
 * the lake. False when the Location is outside the lake.
 */
static bool hive_folder(glue_catalog *c, const ll_catalog_table *t, ll_buf *prefix)
{
	if (!*t->location) {
		table_key(t->dataset, t->name, prefix);
		ll_buf_putc(prefix, '/');
		return true;
	}
	return ll_storage_location_key(c->storage, t->location, prefix);
}

/* Records why a hive table's files cannot be listed, for a query of it to fail with. */
static ll_status mark_unreadable(glue_catalog *c, ll_catalog_table *t, ll_error *err)
{
	ll_buf why = LL_BUF_INIT;
	ll_buf_printf(&why, "table %s.%s has its Glue Location at %s, outside the lake %s; "
			    "lakeload reads hive tables inside the lake only (query it on Athena, "
			    "or name its bucket with --lake)",
		      t->dataset, t->name, t->location, ll_storage_root(c->storage));
	ll_status st = ll_buf_oom(&why) ? ll_error_oom(err) : LL_OK;
	if (st == LL_OK && !(t->unreadable = strdup(why.data)))
		st = ll_error_oom(err);
	ll_buf_free(&why);
	return st;
}

/* A hive table's files: the Parquet files under its folder. */
static ll_status read_files(glue_catalog *c, ll_catalog_table *t, ll_error *err)
{
	ll_buf prefix = LL_BUF_INIT, where = LL_BUF_INIT;
	char **keys = NULL;
	size_t n = 0;
	ll_status st;
	if (!hive_folder(c, t, &prefix))
		st = mark_unreadable(c, t, err);
	else
		st = ll_buf_oom(&prefix) ? ll_error_oom(err)
					 : ll_storage_list(c->storage, prefix.data, &keys, &n, err);
	t->files = st == LL_OK ? calloc(n + 1, sizeof(*t->files)) : NULL;
	if (st == LL_OK && !t->files)
		st = ll_error_oom(err);
	static const char parquet[] = ".parquet";
	for (size_t i = 0; st == LL_OK && i < n; i++) {
		size_t len = strlen(keys[i]);
		if (len < strlen(parquet) || strcmp(keys[i] + len - strlen(parquet), parquet) != 0)
			continue;
		ll_buf_clear(&where);
		ll_storage_location(c->storage, keys[i], &where);
		const char *loc = ll_buf_cstr(&where);
		if (strncmp(loc, "file://", 7) == 0)
			loc += 7;
		if (!(t->files[t->nfiles] = strdup(loc)))
			st = ll_error_oom(err);
		else
			t->nfiles++;
	}
	ll_storage_free_list(keys, n);
	ll_buf_free(&prefix);
	ll_buf_free(&where);
	return st;
}

typedef struct table_list {
	glue_catalog *c;
	ll_catalog_table *items;
	size_t count, cap;
	ll_status st;
	ll_error *err;
} table_list;

static ll_status add_table(table_list *l, const ll_glue_table *gt)
{
	if (l->count == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		ll_catalog_table *grown = realloc(l->items, cap * sizeof(*grown));
		if (!grown)
			return ll_error_oom(l->err);
		l->items = grown;
		l->cap = cap;
	}
	ll_catalog_table *t = &l->items[l->count++];
	memset(t, 0, sizeof(*t));
	bool iceberg = ll_glue_table_is_iceberg(gt);
	const char *md = iceberg ? ll_glue_params_get(&gt->parameters, "metadata_location") : NULL;
	t->dataset = strdup(gt->database);
	t->name = strdup(gt->name);
	t->location = strdup(gt->storage.location ? gt->storage.location : "");
	t->format = iceberg ? LL_FORMAT_ICEBERG : LL_FORMAT_HIVE;
	t->counts_unknown = !iceberg; /* Glue keeps no row counts; the files are listed */
	if (md && !(t->metadata_location = strdup(md)))
		return ll_error_oom(l->err);
	if (!t->dataset || !t->name || !t->location)
		return ll_error_oom(l->err);
	ll_status st = read_columns(gt, t, l->err);
	if (st == LL_OK && !iceberg)
		st = read_files(l->c, t, l->err);
	return st;
}

static int on_table(void *user, const ll_glue_table *gt)
{
	table_list *l = user;
	l->st = add_table(l, gt);
	return l->st != LL_OK;
}

static ll_status list_database(table_list *l, const char *dataset)
{
	ll_status st = ll_glue_get_tables(l->c->glue, dataset, NULL, on_table, l, l->err);
	return l->st != LL_OK ? l->st : st;
}

typedef struct database_names {
	char **items;
	size_t count, cap;
	bool oom;
} database_names;

static int on_database(void *user, const ll_glue_database *db)
{
	database_names *names = user;
	if (names->count == names->cap) {
		size_t cap = names->cap ? names->cap * 2 : 8;
		char **grown = realloc(names->items, cap * sizeof(*grown));
		if (!grown)
			return names->oom = true;
		names->items = grown;
		names->cap = cap;
	}
	if (!(names->items[names->count] = strdup(db->name)))
		return names->oom = true;
	names->count++;
	return 0;
}

static ll_status list_all(table_list *l)
{
	database_names names = { 0 };
	ll_status st = ll_glue_get_databases(l->c->glue, on_database, &names, l->err);
	if (st == LL_OK && names.oom)
		st = ll_error_oom(l->err);
	for (size_t i = 0; i < names.count && st == LL_OK; i++)
		st = list_database(l, names.items[i]);
	ll_storage_free_list(names.items, names.count);
	return st;
}

static ll_status glue_list_tables(void *ctx, const char *dataset, ll_catalog_table **tables,
				  size_t *n, ll_error *err)
{
	table_list l = { .c = ctx, .st = LL_OK, .err = err };
	*tables = NULL;
	*n = 0;
	ll_status st = dataset ? list_database(&l, dataset) : list_all(&l);
	if (st == LL_ENOTFOUND && dataset) {
		ll_error_clear(err);
		st = LL_OK; /* a dataset never loaded has no tables */
	}
	if (st != LL_OK) {
		ll_catalog_tables_free(l.items, l.count);
		return st;
	}
	*tables = l.items;
	*n = l.count;
	return LL_OK;
}

static ll_status glue_drop_table(void *ctx, const char *dataset, const char *table, bool *found,
				 ll_error *err)
{
	glue_catalog *c = ctx;
	ll_status st = ll_glue_delete_table(c->glue, dataset, table, err);
	*found = st == LL_OK;
	if (st == LL_ENOTFOUND) {
		ll_error_clear(err);
		st = LL_OK;
	}
	return st;
}

/* Reads the table into gt; *exists false (and LL_OK) when Glue has no such table. */
static ll_status read_table(glue_catalog *c, const char *dataset, const char *table,
			    ll_glue_table *gt, bool *exists, ll_error *err)
{
	ll_status st = ll_glue_get_table(c->glue, dataset, table, gt, err);
	*exists = st == LL_OK;
	if (st == LL_ENOTFOUND) {
		ll_error_clear(err);
		st = LL_OK;
	}
	return st;
}

static ll_status glue_iceberg_location(void *ctx, const char *dataset, const char *table,
				       char **location, ll_error *err)
{
	*location = NULL;
	ll_glue_table gt;
	ll_glue_table_init(&gt);
	bool exists;
	ll_status st = read_table(ctx, dataset, table, &gt, &exists, err);
	const char *md = exists && ll_glue_table_is_iceberg(&gt)
				 ? ll_glue_params_get(&gt.parameters, "metadata_location")
				 : NULL;
	if (st == LL_OK && md && !(*location = strdup(md)))
		st = ll_error_oom(err);
	ll_glue_table_free(&gt);
	return st;
}

static ll_status conflict(const char *dataset, const char *table, const char *now,
			  const char *expected, ll_error *err)
{
	return ll_error_set(err, LL_ECONFLICT,
			    "Iceberg table %s.%s was changed by another writer (its metadata in Glue "
			    "is now %s, this commit started from %s)",
			    dataset, table, now ? now : "(none)", expected ? expected : "(none)");
}

/*
 * An Iceberg table's root: where its metadata folder is (a table adopted
 * from elsewhere keeps its own), else the table's folder in the lake.
 */
static void iceberg_root(glue_catalog *c, const char *dataset, const char *table,
			 const char *metadata_location, ll_buf *out)
{
	const char *md = strstr(metadata_location, "/metadata/");
	if (md)
		ll_buf_append(out, metadata_location, (size_t)(md - metadata_location));
	else
		table_location(c, dataset, table, out);
}

/* A new Iceberg table: CreateTable; one created meanwhile is a conflict. */
static ll_status create_iceberg(glue_catalog *c, const char *dataset, const ll_table *shape,
				const char *new_location, ll_error *err)
{
	ll_buf where = LL_BUF_INIT;
	iceberg_root(c, dataset, shape->name, new_location, &where);
	ll_glue_table gt;
	ll_glue_table_init(&gt);
	ll_status st = ll_buf_oom(&where) ? ll_error_oom(err)
					  : ll_glue_table_iceberg(&gt, dataset, shape, where.data,
								  new_location, NULL, err);
	if (st == LL_OK)
		st = ll_glue_create_table(c->glue, &gt, err);
	ll_glue_table_free(&gt);
	ll_buf_free(&where);
	if (st != LL_ECONFLICT)
		return st;
	char *now = NULL;
	ll_error_clear(err);
	st = glue_iceberg_location(c, dataset, shape->name, &now, err);
	if (st == LL_OK && !now)
		st = format_switch(dataset, shape->name, "hive", "iceberg", err);
	else if (st == LL_OK)
		st = conflict(dataset, shape->name, now, NULL, err);
	free(now);
	return st;
}

/*
 * An existing Iceberg table: read with its VersionId, the base re-checked,
 * pointed at the new metadata (and columns) and updated with that VersionId.
 */
static ll_status update_iceberg(glue_catalog *c, const char *dataset, const ll_table *t,
				const char *table, const char *expected, const char *new_location,
				ll_error *err)
{
	ll_glue_table have, cols;
	ll_glue_table_init(&have);
	ll_glue_table_init(&cols);
	bool exists;
	ll_status st = read_table(c, dataset, table, &have, &exists, err);
	const char *now = exists ? ll_glue_params_get(&have.parameters, "metadata_location") : NULL;
	if (st == LL_OK && exists && !ll_glue_table_is_iceberg(&have))
		st = format_switch(dataset, table, "hive", "iceberg", err);
	else if (st == LL_OK && (!now || strcmp(now, expected) != 0))
		st = conflict(dataset, table, now, expected, err);
	if (st == LL_OK)
		st = ll_glue_table_set_metadata_location(&have, new_location, err);
	if (st == LL_OK && t)
		st = ll_glue_table_iceberg(&cols, dataset, t, have.storage.location, new_location,
					   expected, err);
	if (st == LL_OK && t)
		have.storage.columns = cols.storage.columns; /* cols outlives the update */
	if (st == LL_OK)
		st = ll_glue_update_table(c->glue, &have, have.version_id, err);
	if (t)
		have.storage.columns = (ll_glue_columns){ 0 };
	ll_glue_table_free(&have);
	ll_glue_table_free(&cols);
	return st;
}

static ll_status glue_iceberg_commit(void *ctx, const char *dataset, const ll_table *t,
				     const char *table, const char *expected,
				     const char *new_location, ll_error *err)
{
	glue_catalog *c = ctx;
	ll_table shape = { .name = (char *)table, .table_format = LL_FORMAT_ICEBERG };
	if (t) {
		shape = *t;
		shape.name = (char *)table;
	}
	ll_status st = ensure_database(c, dataset, err);
	if (st != LL_OK)
		return st;
	if (!expected)
		return create_iceberg(c, dataset, &shape, new_location, err);
	return update_iceberg(c, dataset, t ? &shape : NULL, table, expected, new_location, err);
}

static const ll_catalog_ops glue_ops = {
	.commit_load = glue_commit_load,
	.collect_garbage = glue_collect_garbage,
	.list_tables = glue_list_tables,
	.drop_table = glue_drop_table,
	.iceberg_location = glue_iceberg_location,
	.iceberg_commit = glue_iceberg_commit,
	.free = glue_free,
};

ll_status ll_catalog_open_glue(ll_catalog **out, const ll_catalog_glue_options *opt,
			       ll_storage *storage, ll_error *err)
{
	*out = NULL;
	glue_catalog *c = calloc(1, sizeof(*c));
	if (!c)
		return ll_error_oom(err);
	c->storage = storage;
	ll_status st = ll_glue_open(&c->glue, opt->aws, opt->catalog_id, err);
	char *lake = st == LL_OK ? ll_catalog_lake_name(ll_storage_root(storage)) : NULL;
	ll_buf path = LL_BUF_INIT;
	if (st == LL_OK)
		ll_buf_printf(&path, "AWS Glue at %s", ll_aws_json_endpoint(ll_glue_client(c->glue)));
	if (st == LL_OK && (!lake || ll_buf_oom(&path)))
		st = ll_error_oom(err);
	if (st == LL_OK)
		st = ll_catalog_wrap(out, &glue_ops, c, lake, path.data, false, storage, err);
	else
		glue_free(c);
	free(lake);
	ll_buf_free(&path);
	return st;
}
