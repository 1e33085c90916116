/*
 * `lakeload show` and `lakeload register`: one table of the lake's catalog,
 * whichever catalog the lake has.
 *
 * show prints the table's format, location, hints (write disposition, keys,
 * partition: from the saved schema of the pipeline that loaded it, see
 * schema_hints.c), columns (type, nullability, key and variant markers) and
 * contents: a hive table's files, an Iceberg table's metadata file,
 * partition fields and snapshots; or, asked for DDL, the Athena statement
 * that defines the table (src/sql renders it in Hive's quoting). register adopts an existing Iceberg table
 * written elsewhere: its metadata is read first (a file that does not parse
 * is refused), then the catalog points at it, the columns from its current
 * schema; registering a table again at the same metadata is a no-op.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/catalog.h"
#include "iceberg/table.h"
#include "pipeline/pipeline_internal.h"
#include "sql/sql.h"

/* The column's markers: its key hints from the saved schema, and what it is a variant of. */
static void print_column_hints(const ll_column *c, const json_t *saved, FILE *out)
{
	const json_t *hint = json_object_get(saved, c->name);
	if (json_is_true(json_object_get(hint, "primary_key")))
		fprintf(out, " primary_key");
	if (json_is_true(json_object_get(hint, "merge_key")))
		fprintf(out, " merge_key");
	const char *of = c->variant_of ? c->variant_of
				       : json_string_value(json_object_get(hint, "variant_of"));
	if (of)
		fprintf(out, " variant of %s", of);
}

static void print_columns(const ll_catalog_table *t, const json_t *saved, FILE *out)
{
	fprintf(out, "columns:\n");
	for (size_t i = 0; i < t->ncolumns; i++) {
		const ll_column *c = &t->columns[i];
		if (c->type == LL_TYPE_DECIMAL)
			fprintf(out, "  %-32s decimal(%d,%d)%s", c->name, c->precision, c->scale,
				c->nullable ? "" : " not null");
		else
			fprintf(out, "  %-32s %s%s", c->name, ll_data_type_name(c->type),
				c->nullable ? "" : " not null");
		print_column_hints(c, saved, out);
		fprintf(out, "\n");
	}
}

/* Prints the names of the saved columns whose hint key is true, comma separated; "none" without. */
static void print_key(const char *label, const json_t *columns, const char *key, FILE *out)
{
	const char *name;
	const json_t *c;
	const char *sep = " ";
	fprintf(out, "%s:", label);
	json_object_foreach((json_t *)columns, name, c)
		if (json_is_true(json_object_get(c, key))) {
			fprintf(out, "%s%s", sep, name);
			sep = ", ";
		}
	fprintf(out, "%s\n", *sep == ' ' ? " none" : "");
}

/*
 * The table's hints from the saved schema of the pipeline that loaded it
 * (saved NULL: no pipeline in the home loads into this catalog).
 */
static void print_hints(const json_t *saved, FILE *out)
{
	if (!saved) {
		fprintf(out, "hints: unknown (no pipeline in this home loads into this catalog)\n");
		return;
	}
	const char *wd = json_string_value(json_object_get(saved, "write_disposition"));
	fprintf(out, "write disposition: %s\n", wd ? wd : "append");
	const json_t *columns = json_object_get(saved, "columns");
	print_key("primary key", columns, "primary_key", out);
	print_key("merge key", columns, "merge_key", out);
	const json_t *partition = json_object_get(saved, "partition");
	fprintf(out, "partition hint:");
	size_t i;
	const json_t *p;
	json_array_foreach((json_t *)partition, i, p)
		fprintf(out, "%s %s", i ? "," : "", json_string_value(p));
	fprintf(out, "%s\n", json_array_size(partition) ? "" : " none");
}

static ll_status print_iceberg(ll_storage *storage, const ll_catalog_table *t, FILE *out,
			       ll_error *err)
{
	fprintf(out, "metadata: %s\n", t->metadata_location ? t->metadata_location : "(none yet)");
	if (!t->metadata_location)
		return LL_OK;
	ll_iceberg_table it;
	ll_status st = ll_iceberg_table_load(&it, storage, t->metadata_location, err);
	if (st != LL_OK)
		return st;
	const ll_iceberg_partition_spec *spec = ll_iceberg_metadata_default_spec(it.md);
	fprintf(out, "partition:");
	for (size_t i = 0; spec && i < spec->nfields; i++)
		fprintf(out, "%s %s", i ? "," : "", spec->fields[i].name);
	fprintf(out, "%s\n", spec && spec->nfields ? "" : " none");
	const ll_iceberg_snapshot *cur = ll_iceberg_metadata_current_snapshot(it.md);
	const char *rows = cur ? ll_iceberg_snapshot_summary(cur, "total-records") : NULL;
	const char *files = cur ? ll_iceberg_snapshot_summary(cur, "total-data-files") : NULL;
	fprintf(out, "snapshots: %zu", it.md->nsnapshots);
	if (cur)
		fprintf(out, ", current %" PRId64 " (%s records in %s data files)", cur->snapshot_id,
			rows ? rows : "?", files ? files : "?");
	fprintf(out, "\n");
	ll_iceberg_table_release(&it);
	return LL_OK;
}

static void print_hive(const ll_catalog_table *t, FILE *out)
{
	fprintf(out, "files: %zu\n", t->nfiles);
	for (size_t i = 0; i < t->nfiles; i++)
		fprintf(out, "  %s\n", t->files[i]);
}

/* Finds dataset.name among the catalog's tables of the dataset. */
static ll_status find_table(ll_catalog *cat, const char *dataset, const char *name,
			    ll_catalog_table **tables, size_t *n, const ll_catalog_table **found,
			    ll_error *err)
{
	*found = NULL;
	ll_status st = ll_catalog_list_tables(cat, dataset, tables, n, err);
	for (size_t i = 0; st == LL_OK && i < *n; i++)
		if (strcmp((*tables)[i].name, name) == 0)
			*found = &(*tables)[i];
	if (st == LL_OK && !*found)
		st = ll_error_set(err, LL_ENOTFOUND, "the catalog (%s) has no table %s.%s",
				  ll_catalog_path(cat), dataset, name);
	return st;
}

/* The partition hint ("month(created_at)") of an Iceberg partition field, as dlt writes them. */
static ll_status partition_hint(const ll_iceberg_schema *schema, const ll_iceberg_partition_field *f,
				ll_buf *out, ll_error *err)
{
	const ll_iceberg_field *src = ll_iceberg_schema_find_field(schema, f->source_id);
	if (!src)
		return ll_error_set(err, LL_EFORMAT, "partition field %s has no source column %d",
				    f->name, (int)f->source_id);
	const ll_iceberg_transform *t = &f->transform;
	switch (t->kind) {
	case LL_ICEBERG_TRANSFORM_IDENTITY:
		ll_buf_printf(out, "%s", src->name);
		break;
	case LL_ICEBERG_TRANSFORM_BUCKET:
		ll_buf_printf(out, "bucket(%d, %s)", (int)t->param, src->name);
		break;
	case LL_ICEBERG_TRANSFORM_TRUNCATE:
		ll_buf_printf(out, "truncate(%d, %s)", (int)t->param, src->name);
		break;
	case LL_ICEBERG_TRANSFORM_YEAR:
	case LL_ICEBERG_TRANSFORM_MONTH:
	case LL_ICEBERG_TRANSFORM_DAY:
	case LL_ICEBERG_TRANSFORM_HOUR: {
		char name[32];
		ll_buf_printf(out, "%s(%s)", ll_iceberg_transform_format(t, name, sizeof(name)),
			      src->name);
		break;
	}
	default:
		return ll_error_set(err, LL_EUNSUPPORTED,
				    "Athena has no DDL for partition field %s's transform", f->name);
	}
	return ll_buf_oom(out) ? ll_error_oom(err) : LL_OK;
}

/* The table's partition hints from its current metadata (nothing for a table without one). */
static ll_status iceberg_partition(ll_storage *storage, const ll_catalog_table *ct, ll_table *t,
				   ll_error *err)
{
	if (!ct->metadata_location)
		return LL_OK;
	ll_iceberg_table it;
	ll_status st = ll_iceberg_table_load(&it, storage, ct->metadata_location, err);
	if (st != LL_OK)
		return st;
	const ll_iceberg_partition_spec *spec = ll_iceberg_metadata_default_spec(it.md);
	const ll_iceberg_schema *schema = ll_iceberg_metadata_current_schema(it.md);
	size_t n = spec ? spec->nfields : 0;
	t->partition = calloc(n + 1, sizeof(*t->partition));
	if (!t->partition)
		st = ll_error_oom(err);
	for (size_t i = 0; st == LL_OK && i < n; i++) {
		ll_buf hint = LL_BUF_INIT;
		st = partition_hint(schema, &spec->fields[i], &hint, err);
		if (st == LL_OK && !(t->partition[t->npartition++] = ll_buf_detach(&hint)))
			st = ll_error_oom(err);
		ll_buf_free(&hint);
	}
	ll_iceberg_table_release(&it);
	return st;
}

/* The Athena DDL of a catalog table: CREATE EXTERNAL TABLE, or CREATE TABLE ... ICEBERG. */
static ll_status print_ddl(ll_storage *storage, const ll_catalog_table *ct, FILE *out,
			   ll_error *err)
{
	ll_table t = { .name = ct->name, .table_format = ct->format, .columns = ct->columns,
		       .ncolumns = ct->ncolumns };
	ll_buf ddl = LL_BUF_INIT;
	ll_status st = LL_OK;
	if (ct->format == LL_FORMAT_ICEBERG) {
		st = iceberg_partition(storage, ct, &t, err);
		if (st == LL_OK)
			st = ll_sql_render_create_iceberg(ct->dataset, &t, ct->location, &ddl, err);
	} else {
		st = ll_sql_render_create_external(ct->dataset, &t, ct->location, &ddl, err);
	}
	if (st == LL_OK)
		fprintf(out, "%s;\n", ll_buf_cstr(&ddl));
	for (size_t i = 0; i < t.npartition; i++)
		free(t.partition[i]);
	free(t.partition);
	ll_buf_free(&ddl);
	return st;
}

ll_status ll_lake_show_print(const ll_lake_options *opt, const char *table, bool ddl, FILE *out,
			     ll_error *err)
{
	ll_lake_ref r;
	ll_status st = ll_lake_ref_open(&r, opt, table, false, err);
	ll_catalog_table *tables = NULL;
	size_t n = 0;
	const ll_catalog_table *t = NULL;
	if (st == LL_OK)
		st = find_table(r.catalog, r.dataset, r.name, &tables, &n, &t, err);
	if (st == LL_OK && ddl) {
		st = print_ddl(r.storage, t, out, err);
	} else if (st == LL_OK) {
		fprintf(out, "table: %s.%s\nformat: %s\nlocation: %s\ncatalog: %s\n", t->dataset,
			t->name, ll_table_format_name(t->format), t->location,
			ll_catalog_path(r.catalog));
		json_t *hints = ll_pipeline_schema_hints(opt->home, ll_catalog_path(r.catalog));
		const json_t *saved = json_object_get(json_object_get(hints, t->dataset), t->name);
		print_hints(saved, out);
		print_columns(t, json_object_get(saved, "columns"), out);
		json_decref(hints);
		if (t->format == LL_FORMAT_ICEBERG)
			st = print_iceberg(r.storage, t, out, err);
		else
			print_hive(t, out);
	}
	ll_catalog_tables_free(tables, n);
	ll_lake_ref_close(&r);
	return st;
}

/* The lakeload table of an Iceberg schema: its top-level columns with their field ids. */
static ll_status table_of_schema(const ll_iceberg_schema *schema, char *name, ll_table *t,
				 ll_error *err)
{
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->table_format = LL_FORMAT_ICEBERG;
	t->columns = calloc(schema->type.nfields + 1, sizeof(*t->columns));
	if (!t->columns)
		return ll_error_oom(err);
	for (size_t i = 0; i < schema->type.nfields; i++) {
		const ll_iceberg_field *f = &schema->type.fields[i];
		ll_column *c = &t->columns[t->ncolumns++];
		c->name = (char *)f->name;
		c->type = ll_iceberg_type_data_type(f->type);
		c->precision = f->type->precision;
		c->scale = f->type->scale;
		c->nullable = !f->required;
		c->field_id = f->id;
	}
	return LL_OK;
}

/* Points the catalog at the metadata, unless it already does. */
static ll_status adopt(ll_catalog *cat, const char *dataset, char *name, const char *location,
		       const ll_iceberg_table *it, ll_error *err)
{
	char *current = NULL;
	ll_status st = ll_catalog_iceberg_location(cat, dataset, name, &current, err);
	if (st == LL_OK && current && strcmp(current, location) != 0)
		st = ll_error_set(err, LL_ECONFLICT,
				  "table %s.%s is registered already, at %s; to point it elsewhere, "
				  "remove it with 'lakeload drop-table %s.%s' first",
				  dataset, name, current, dataset, name);
	bool done = st == LL_OK && current;
	free(current);
	if (st != LL_OK || done)
		return st;
	ll_table t;
	st = table_of_schema(ll_iceberg_metadata_current_schema(it->md), name, &t, err);
	if (st == LL_OK)
		st = ll_catalog_iceberg_commit(cat, dataset, &t, name, NULL, location, err);
	free(t.columns);
	return st;
}

ll_status ll_lake_register(const ll_lake_options *opt, const char *table, const char *location,
			   ll_error *err)
{
	ll_lake_ref r;
	ll_status st = ll_lake_ref_open(&r, opt, table, true, err);
	ll_iceberg_table it = { 0 };
	if (st == LL_OK && (st = ll_iceberg_table_load(&it, r.storage, location, err)) != LL_OK)
		ll_error_prefix(err, "cannot register %s: its metadata %s does not read", table,
				location);
	if (st == LL_OK && !ll_iceberg_metadata_current_schema(it.md))
		st = ll_error_set(err, LL_EFORMAT, "cannot register %s: metadata %s has no current schema",
				  table, location);
	if (st == LL_OK)
		st = adopt(r.catalog, r.dataset, (char *)r.name, location, &it, err);
	ll_iceberg_table_release(&it);
	ll_lake_ref_close(&r);
	return st;
}
