/*
 * Iceberg tables for the query engine: the table's current snapshot is
 * planned (data files, position deletes read, equality deletes resolved to
 * row positions as each file is read) and handed over with the snapshot
 * schema's columns and field ids, so renamed columns read by id and deleted
 * rows never appear. The manifests' bounds, counts and identity partitions
 * answer the engine's file statistics, so files a query's constraints rule
 * out are never opened; a column a data file does not store reads as its
 * identity partition value, as the spec says.
 */
#include <stdlib.h>
#include <string.h>

#include "iceberg/plan.h"
#include "iceberg/scan.h"
#include "pipeline/pipeline_internal.h"

struct ll_iceberg_engine_table {
	ll_iceberg_plan plan;
	ll_engine_column *columns;
	int32_t *field_ids;
	const char **files;
	ll_engine_table_format format;
};

void ll_iceberg_engine_table_free(ll_iceberg_engine_table *t)
{
	if (!t)
		return;
	ll_iceberg_plan_free(&t->plan);
	free(t->columns);
	free(t->field_ids);
	free(t->files);
	free(t);
}

static ll_status fill_columns(ll_iceberg_engine_table *t, ll_error *err)
{
	const ll_iceberg_type *row = &t->plan.schema->type;
	t->columns = calloc(row->nfields + 1, sizeof(*t->columns));
	t->field_ids = calloc(row->nfields + 1, sizeof(*t->field_ids));
	if (!t->columns || !t->field_ids)
		return ll_error_oom(err);
	for (size_t i = 0; i < row->nfields; i++) {
		const ll_iceberg_field *f = &row->fields[i];
		t->columns[i] = (ll_engine_column){ f->name, ll_iceberg_type_data_type(f->type),
						    f->type->precision, f->type->scale, LL_TS_MICROS };
		t->field_ids[i] = f->id;
	}
	return LL_OK;
}

static bool file_stats(void *ctx, size_t file, size_t column, ll_engine_file_stats *out)
{
	const ll_iceberg_engine_table *t = ctx;
	const ll_iceberg_scan_file *f = &t->plan.files[file];
	const ll_iceberg_partition_spec *spec = ll_iceberg_metadata_spec(t->plan.table.md, f->spec_id);
	ll_iceberg_column_range r;
	if (!ll_iceberg_scan_file_range(f->file, spec, &t->plan.schema->type.fields[column], &r))
		return false;
	*out = (ll_engine_file_stats){ r.has_bounds, r.min, r.max, r.null_count, r.value_count };
	return true;
}

/* The identity partition value of a column a data file does not store. */
static bool file_constant(void *ctx, size_t file, size_t column, ll_value *out)
{
	ll_iceberg_engine_table *t = ctx;
	const ll_iceberg_scan_file *f = &t->plan.files[file];
	const ll_iceberg_partition_spec *spec = ll_iceberg_metadata_spec(t->plan.table.md, f->spec_id);
	return ll_iceberg_scan_file_identity(f->file, spec, &t->plan.schema->type.fields[column],
					     &t->plan.arena, out);
}

/* A file's deletes, its equality deletes resolved the first time it is read. */
static ll_status file_deletes(void *ctx, size_t file, ll_engine_deletes *out, ll_error *err)
{
	ll_iceberg_engine_table *t = ctx;
	return ll_iceberg_plan_file_deletes(&t->plan, file, &out->positions, &out->n, err);
}

static ll_status fill_files(ll_iceberg_engine_table *t, ll_error *err)
{
	size_t n = t->plan.nfiles;
	t->files = calloc(n + 1, sizeof(*t->files));
	if (!t->files)
		return ll_error_oom(err);
	for (size_t i = 0; i < n; i++)
		t->files[i] = t->plan.files[i].location;
	t->format = (ll_engine_table_format){ file_deletes, file_stats, file_constant, t };
	return LL_OK;
}

ll_status ll_iceberg_engine_table_open(ll_storage *storage, const ll_catalog_table *ct,
				       ll_iceberg_engine_table **out, ll_engine_table *et,
				       ll_error *err)
{
	*out = NULL;
	ll_iceberg_engine_table *t = calloc(1, sizeof(*t));
	if (!t)
		return ll_error_oom(err);
	ll_status st = ll_iceberg_plan_scan(storage, ct->metadata_location, LL_ICEBERG_NO_SNAPSHOT,
					    &t->plan, err);
	if (st == LL_OK)
		st = fill_columns(t, err);
	if (st == LL_OK)
		st = fill_files(t, err);
	if (st != LL_OK) {
		ll_error_prefix(err, "Iceberg table %s.%s", ct->dataset, ct->name);
		ll_iceberg_engine_table_free(t);
		return st;
	}
	*et = (ll_engine_table){ ct->dataset, ct->name, t->columns, t->plan.schema->type.nfields,
				 t->files, t->plan.nfiles, t->plan.rows, t->field_ids, &t->format };
	*out = t;
	return LL_OK;
}
