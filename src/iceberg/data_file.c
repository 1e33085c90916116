/*
 * Iceberg schemas of lakeload tables and manifest descriptions of Parquet
 * files; see data_file.h.
 */
#include "iceberg/data_file.h"

#include <string.h>

#include "util/utf8.h"

/* Iceberg's default metrics mode keeps this many code points of a string bound. */
#define LL_ICEBERG_BOUND_CHARS 16

ll_status ll_iceberg_schema_from_table(const ll_table *t, int32_t schema_id, ll_arena *arena,
				       ll_iceberg_schema *out, ll_error *err)
{
	memset(out, 0, sizeof(*out));
	ll_iceberg_field *fields = ll_arena_alloc(arena, (t->ncolumns + 1) * sizeof(*fields));
	if (!fields)
		return ll_error_oom(err);
	for (size_t i = 0; i < t->ncolumns; i++) {
		const ll_column *c = &t->columns[i];
		if (c->field_id < 0) {
			ll_error_set_table(err, t->name, c->name);
			return ll_error_set(err, LL_ESCHEMA,
					    "column %s of Iceberg table %s has no field id; its schema "
					    "was not written for an Iceberg table", c->name, t->name);
		}
		const ll_iceberg_type *type = ll_iceberg_type_for_data_type(c->type, c->precision,
									    c->scale, arena);
		if (!type)
			return ll_error_oom(err);
		fields[i] = (ll_iceberg_field){ .id = c->field_id, .name = c->name,
						.required = !c->nullable, .type = type };
	}
	out->schema_id = schema_id;
	out->type = (ll_iceberg_type){ .kind = LL_ICEBERG_STRUCT, .fields = fields,
				       .nfields = t->ncolumns };
	return LL_OK;
}

/* Orders two statistics values of one column; the kind says which member holds them. */
static int compare_values(ll_iceberg_kind kind, const ll_value *a, const ll_value *b)
{
	switch (kind) {
	case LL_ICEBERG_FLOAT:
	case LL_ICEBERG_DOUBLE:
		return (a->d > b->d) - (a->d < b->d);
	case LL_ICEBERG_STRING:
	case LL_ICEBERG_BINARY:
	case LL_ICEBERG_FIXED:
	case LL_ICEBERG_UUID: {
		size_t n = a->len < b->len ? a->len : b->len;
		int c = memcmp(a->s, b->s, n);
		return c ? c : (a->len > b->len) - (a->len < b->len);
	}
	default:
		return (a->i > b->i) - (a->i < b->i);
	}
}

static bool bounds_supported(ll_iceberg_kind kind)
{
	return kind != LL_ICEBERG_DECIMAL && kind < LL_ICEBERG_STRUCT;
}

/* Length of the first LL_ICEBERG_BOUND_CHARS code points of a UTF-8 string. */
static size_t truncated_length(const char *s, size_t len)
{
	size_t at = 0;
	for (int chars = 0; at < len && chars < LL_ICEBERG_BOUND_CHARS; chars++) {
		int n = ll_utf8_sequence((const unsigned char *)s + at, len - at);
		at += n > 0 ? (size_t)n : 1;
	}
	return at;
}

/* Encodes one bound into arena memory; *len 0 and NULL when it is left out. */
static ll_status encode_bound(const ll_iceberg_type *type, const ll_value *v, bool upper,
			      ll_arena *arena, const uint8_t **data, size_t *len, ll_error *err)
{
	*data = NULL;
	*len = 0;
	ll_iceberg_value iv = { 0 };
	switch (type->kind) {
	case LL_ICEBERG_BOOLEAN: iv.b = v->i != 0; break;
	case LL_ICEBERG_FLOAT: iv.f = (float)v->d; break;
	case LL_ICEBERG_DOUBLE: iv.d = v->d; break;
	case LL_ICEBERG_STRING:
	case LL_ICEBERG_BINARY:
	case LL_ICEBERG_FIXED:
	case LL_ICEBERG_UUID: {
		size_t keep = type->kind == LL_ICEBERG_STRING ? truncated_length(v->s, v->len) : v->len;
		if (keep < v->len && upper)
			return LL_OK;
		iv = ll_iceberg_bytes(v->s, keep);
		break;
	}
	default: iv.i = v->i; break;
	}
	ll_buf out = LL_BUF_INIT;
	ll_status st = ll_iceberg_value_encode(type, &iv, &out, err);
	if (st == LL_OK) {
		uint8_t *copy = ll_arena_alloc(arena, out.len ? out.len : 1);
		if (!copy)
			st = ll_error_oom(err);
		else {
			memcpy(copy, out.data, out.len);
			*data = copy;
			*len = out.len;
		}
	}
	ll_buf_free(&out);
	return st;
}

/* Stats of one Parquet field over all row groups; bounds only when every group has them. */
static ll_status describe_field(ll_parquet_reader *r, size_t field, const ll_iceberg_field *col,
				ll_arena *arena, ll_iceberg_column_stats *out, ll_error *err)
{
	*out = (ll_iceberg_column_stats){ .field_id = col->id, .column_size = -1, .nan_count = -1,
					  .value_count = (int64_t)ll_parquet_reader_row_count(r),
					  .null_count = -1 };
	ll_value min = { 0 }, max = { 0 };
	bool have_bounds = bounds_supported(col->type->kind), have_nulls = true, seen = false;
	uint64_t nulls = 0;
	for (size_t rg = 0; rg < ll_parquet_reader_row_group_count(r); rg++) {
		ll_value lo, hi;
		uint64_t n = 0;
		if (!ll_parquet_reader_stats(r, rg, field, &lo, &hi, &n)) {
			have_bounds = have_nulls = false;
			break;
		}
		nulls += n;
		if (lo.is_null || hi.is_null)
			continue;
		if (!seen || compare_values(col->type->kind, &lo, &min) < 0)
			min = lo;
		if (!seen || compare_values(col->type->kind, &hi, &max) > 0)
			max = hi;
		seen = true;
	}
	if (have_nulls)
		out->null_count = (int64_t)nulls;
	if (!have_bounds || !seen)
		return LL_OK;
	ll_status st = encode_bound(col->type, &min, false, arena, &out->lower, &out->lower_len, err);
	if (st == LL_OK)
		st = encode_bound(col->type, &max, true, arena, &out->upper, &out->upper_len, err);
	return st;
}

ll_status ll_iceberg_describe_parquet(ll_parquet_reader *r, const char *location,
				      uint64_t file_size, const ll_iceberg_schema *schema,
				      ll_arena *arena, ll_iceberg_data_file *out, ll_error *err)
{
	memset(out, 0, sizeof(*out));
	out->content = LL_ICEBERG_CONTENT_DATA;
	out->file_path = ll_arena_strndup(arena, location, strlen(location));
	out->file_format = "PARQUET";
	out->record_count = (int64_t)ll_parquet_reader_row_count(r);
	out->file_size_in_bytes = (int64_t)file_size;
	size_t nfields = ll_parquet_reader_field_count(r);
	ll_iceberg_column_stats *stats = ll_arena_alloc(arena, (nfields + 1) * sizeof(*stats));
	if (!stats || !out->file_path)
		return ll_error_oom(err);
	size_t n = 0;
	ll_status st = LL_OK;
	for (size_t i = 0; i < nfields && st == LL_OK; i++) {
		const ll_parquet_field *f = ll_parquet_reader_field(r, i);
		const ll_iceberg_field *col =
			f->field_id >= 0 ? ll_iceberg_schema_find_field(schema, f->field_id) : NULL;
		if (!col || f->nested || !ll_iceberg_type_is_primitive(col->type))
			continue;
		st = describe_field(r, i, col, arena, &stats[n], err);
		n += st == LL_OK;
	}
	out->stats = stats;
	out->nstats = n;
	return st;
}
