/*
 * A column's range in a planned data file, in the Parquet reader's value
 * form, for the engine's file pruning; see scan.h.
 */
#include <string.h>

#include "formats/iceberg/values.h"
#include "iceberg/scan.h"

/* Converts a decoded Iceberg value to the reader's form; false for kinds whose forms differ. */
static bool reader_value(ll_iceberg_kind kind, const ll_iceberg_value *v, ll_value *out)
{
	memset(out, 0, sizeof(*out));
	switch (kind) {
	case LL_ICEBERG_BOOLEAN:
		out->i = v->b;
		return true;
	case LL_ICEBERG_INT:
	case LL_ICEBERG_LONG:
	case LL_ICEBERG_DATE:
	case LL_ICEBERG_TIME:
	case LL_ICEBERG_TIMESTAMP:
	case LL_ICEBERG_TIMESTAMPTZ:
		out->i = v->i;
		return true;
	case LL_ICEBERG_FLOAT:
		out->d = v->f;
		return v->f == v->f;
	case LL_ICEBERG_DOUBLE:
		out->d = v->d;
		return v->d == v->d;
	case LL_ICEBERG_STRING:
	case LL_ICEBERG_FIXED:
	case LL_ICEBERG_BINARY:
		out->s = (const char *)v->bytes.data;
		out->len = v->bytes.len;
		return true;
	default:
		/* decimals read as text and uuids as formatted text: bounds in bytes do not sort so */
		return false;
	}
}

static bool decode_bound(const ll_iceberg_type *t, const uint8_t *data, size_t len, ll_value *out)
{
	ll_iceberg_value v;
	ll_error err;
	ll_error_clear(&err);
	if (!data || ll_iceberg_value_decode(t, data, len, &v, &err) != LL_OK)
		return false;
	return reader_value(t->kind, &v, out);
}

static const ll_iceberg_column_stats *find_stats(const ll_iceberg_data_file *f, int32_t id)
{
	for (size_t i = 0; i < f->nstats; i++)
		if (f->stats[i].field_id == id)
			return &f->stats[i];
	return NULL;
}

/* The range an identity partition on the field gives: the one value all its rows share. */
static bool identity_range(const ll_iceberg_data_file *f, const ll_iceberg_partition_spec *spec,
			   const ll_iceberg_field *field, ll_iceberg_column_range *out)
{
	for (size_t i = 0; spec && i < spec->nfields && i < f->npartition; i++) {
		const ll_iceberg_partition_field *pf = &spec->fields[i];
		if (pf->source_id != field->id || pf->transform.kind != LL_ICEBERG_TRANSFORM_IDENTITY)
			continue;
		out->value_count = f->record_count;
		if (f->partition[i].is_null) {
			out->null_count = f->record_count;
			return true;
		}
		out->null_count = 0;
		out->has_bounds = reader_value(field->type->kind, &f->partition[i], &out->min);
		out->max = out->min;
		return out->has_bounds;
	}
	return false;
}

bool ll_iceberg_scan_file_range(const ll_iceberg_data_file *f,
				const ll_iceberg_partition_spec *spec,
				const ll_iceberg_field *field, ll_iceberg_column_range *out)
{
	memset(out, 0, sizeof(*out));
	out->null_count = -1;
	out->value_count = -1;
	if (!ll_iceberg_type_is_primitive(field->type))
		return false;
	const ll_iceberg_column_stats *st = find_stats(f, field->id);
	if (st) {
		out->null_count = st->null_count;
		out->value_count = st->value_count;
		out->has_bounds = decode_bound(field->type, st->lower, st->lower_len, &out->min) &&
				  decode_bound(field->type, st->upper, st->upper_len, &out->max);
	}
	if (out->has_bounds || (out->null_count >= 0 && out->null_count == out->value_count))
		return true;
	ll_iceberg_column_range part;
	memset(&part, 0, sizeof(part));
	if (identity_range(f, spec, field, &part)) {
		*out = part;
		return true;
	}
	return st != NULL && out->null_count >= 0 && out->value_count >= 0;
}

/*
 * A decimal as the Parquet reader gives it: plain digits with the full
 * scale ("-0.050"), never Java's exponent form. The unscaled integer is
 * formatted at scale 0 (always plain) and the point placed here.
 */
static size_t plain_decimal(const uint8_t unscaled[16], int scale, char *out)
{
	char digits[LL_ICEBERG_DECIMAL_TEXT_MAX];
	const char *d = ll_iceberg_decimal_format(unscaled, 0, digits);
	size_t n = 0;
	if (*d == '-')
		out[n++] = *d++;
	size_t nd = strlen(d), total = nd > (size_t)scale ? nd : (size_t)scale + 1;
	for (size_t i = 0; i < total; i++) {
		if (scale > 0 && i == total - (size_t)scale)
			out[n++] = '.';
		out[n++] = i < total - nd ? '0' : d[i - (total - nd)];
	}
	out[n] = '\0';
	return n;
}

/* Text of a decimal or uuid partition value, as the reader gives such columns. */
static bool text_value(const ll_iceberg_type *t, const ll_iceberg_value *v, ll_arena *arena,
		       ll_value *out)
{
	/* 38 digits, a sign, a point and up to 38 leading zeros */
	char buf[2 * LL_ICEBERG_DECIMAL_TEXT_MAX];
	size_t len;
	if (t->kind == LL_ICEBERG_DECIMAL && t->scale >= 0 && t->scale <= 38)
		len = plain_decimal(v->decimal, t->scale, buf);
	else if (t->kind == LL_ICEBERG_UUID && v->bytes.len == 16)
		len = strlen(ll_iceberg_uuid_format(v->bytes.data, buf));
	else
		return false;
	char *copy = ll_arena_alloc(arena, len + 1);
	if (!copy)
		return false;
	memcpy(copy, buf, len + 1);
	memset(out, 0, sizeof(*out));
	out->s = copy;
	out->len = len;
	return true;
}

bool ll_iceberg_scan_file_identity(const ll_iceberg_data_file *f,
				   const ll_iceberg_partition_spec *spec,
				   const ll_iceberg_field *field, ll_arena *arena, ll_value *out)
{
	for (size_t i = 0; spec && i < spec->nfields && i < f->npartition; i++) {
		const ll_iceberg_partition_field *pf = &spec->fields[i];
		if (pf->source_id != field->id || pf->transform.kind != LL_ICEBERG_TRANSFORM_IDENTITY)
			continue;
		if (f->partition[i].is_null) {
			memset(out, 0, sizeof(*out));
			out->is_null = true;
			return true;
		}
		return reader_value(field->type->kind, &f->partition[i], out) ||
		       text_value(field->type, &f->partition[i], arena, out);
	}
	return false;
}
