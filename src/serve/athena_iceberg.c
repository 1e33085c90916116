/*
 * The Iceberg statements of lakeload serve's Athena side, on the lake's own
 * catalog (where lakeload's Iceberg commits are compare-and-swapped):
 *
 *   CREATE TABLE ... TBLPROPERTIES ('table_type'='ICEBERG')
 *       commits a first, empty snapshot of a new table at the location
 *       lakeload gives tables (<lake>/<database>/<table>) through the same
 *       commit code loads use; a different LOCATION is refused, naming the
 *       one serve would use. The table then shows in Glue with its
 *       metadata_location and takes loads, merges and deletes.
 *   DELETE FROM <iceberg table> [WHERE ...]
 *       what `lakeload delete` does (ll_lake_delete): position deletes in
 *       one snapshot per table, child tables following their root rows.
 *       The number of rows removed is the execution's UpdateCount.
 *
 * Tables whose documents were stored through Glue are not committed to here
 * (their writer commits them); DELETE on one, or on a hive table, fails
 * naming why.
 */
#include <stdlib.h>
#include <string.h>

#include "iceberg/commit.h"
#include "serve/serve_internal.h"

static ll_status empty_append(void *ctx, const ll_iceberg_base *base, ll_arena *arena,
			      ll_iceberg_change *out, ll_error *err)
{
	(void)ctx;
	(void)base;
	(void)arena;
	(void)err;
	*out = (ll_iceberg_change){ .operation = "append" };
	return LL_OK;
}

/* A location without "file://" and trailing slashes, for comparing. */
static void plain_location(const char *location, ll_buf *out)
{
	if (strncmp(location, "file://", 7) == 0)
		location += 7;
	size_t len = strlen(location);
	while (len > 1 && location[len - 1] == '/')
		len--;
	ll_buf_append(out, location, len);
	ll_buf_putc(out, '\0');
}

static ll_status check_location(ll_serve *s, const ll_sql_statement *stmt, ll_error *err)
{
	if (!stmt->location)
		return LL_OK;
	ll_buf want = LL_BUF_INIT, mine = LL_BUF_INIT, given = LL_BUF_INIT;
	ll_iceberg_table_location(s->storage, stmt->database, stmt->table, &want);
	plain_location(ll_buf_cstr(&want), &mine);
	plain_location(stmt->location, &given);
	ll_status st = strcmp(ll_buf_cstr(&mine), ll_buf_cstr(&given)) == 0
		? LL_OK
		: ll_error_set(err, LL_EUNSUPPORTED,
			       "NOT_SUPPORTED: lakeload serve creates Iceberg table %s.%s at %s, "
			       "not at LOCATION %s", stmt->database, stmt->table,
			       ll_buf_cstr(&want), stmt->location);
	ll_buf_free(&want);
	ll_buf_free(&mine);
	ll_buf_free(&given);
	return st;
}

/* The lakeload table of the statement: its columns and partition expressions. */
static ll_status statement_table(const ll_sql_statement *stmt, ll_schema *schema, ll_table **t,
				 ll_error *err)
{
	ll_status st = ll_schema_add_table(schema, stmt->table, NULL, t, err);
	if (st != LL_OK)
		return st;
	(*t)->table_format = LL_FORMAT_ICEBERG;
	for (size_t i = 0; st == LL_OK && i < stmt->ncolumns; i++) {
		const ll_sql_column *c = &stmt->columns[i];
		/* a new Iceberg table numbers its fields from 1, as Iceberg does */
		ll_column col = { .name = (char *)c->name, .type = c->data_type,
				  .precision = c->precision, .scale = c->scale, .nullable = true,
				  .field_id = (int32_t)i + 1 };
		st = ll_table_add_column(*t, &col, NULL, err);
	}
	(*t)->partition = calloc(stmt->npartition + 1, sizeof(char *));
	if (st == LL_OK && !(*t)->partition)
		return ll_error_oom(err);
	for (size_t i = 0; st == LL_OK && i < stmt->npartition; i++) {
		if (!((*t)->partition[i] = strdup(stmt->partition[i])))
			return ll_error_oom(err);
		(*t)->npartition++;
	}
	return st;
}

ll_status serve_create_iceberg_table(ll_serve *s, ll_catalog *catalog,
				     const ll_sql_statement *stmt, ll_error *err)
{
	ll_status st = check_location(s, stmt, err);
	ll_schema *schema = NULL;
	ll_table *t = NULL;
	if (st == LL_OK)
		st = ll_schema_new(stmt->database, &schema, err);
	if (st == LL_OK)
		st = statement_table(stmt, schema, &t, err);
	ll_iceberg_commit_target target = { .catalog = catalog, .storage = s->storage,
					    .dataset = stmt->database, .table = t };
	ll_iceberg_commit_result res;
	if (st == LL_OK)
		st = ll_iceberg_commit(&target, empty_append, NULL, &res, err);
	ll_schema_free(schema);
	return st;
}

ll_status serve_delete_rows(ll_serve *s, sqlite3 *db, ll_catalog *catalog,
			    const ll_sql_statement *stmt, int64_t *rows, ll_error *err)
{
	int64_t version;
	json_t *stored = serve_store_get_table(db, stmt->database, stmt->table, &version);
	json_decref(stored);
	if (stored)
		return ll_error_set(err, LL_EUNSUPPORTED,
				    "NOT_SUPPORTED: DELETE FROM %s.%s: the table was registered through "
				    "Glue; lakeload serve deletes rows only from the lake's own Iceberg "
				    "tables", stmt->database, stmt->table);
	char *location = NULL;
	ll_status st = ll_catalog_iceberg_location(catalog, stmt->database, stmt->table, &location,
						   err);
	if (st == LL_OK && !location)
		st = ll_error_set(err, LL_EUNSUPPORTED,
				  "NOT_SUPPORTED: DELETE FROM %s.%s is not supported: only Iceberg "
				  "tables have row deletes (it is a hive table, or missing)", stmt->database,
				  stmt->table);
	free(location);
	ll_buf ref = LL_BUF_INIT;
	ll_buf_printf(&ref, "%s.%s", stmt->database, stmt->table);
	ll_delete_info info;
	if (st == LL_OK)
		st = ll_lake_delete(&s->lake_options, ll_buf_cstr(&ref), stmt->sql ? stmt->sql : "1",
				    &info, err);
	if (st == LL_OK)
		*rows = (int64_t)info.rows;
	ll_buf_free(&ref);
	return st;
}
