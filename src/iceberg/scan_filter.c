/*
 * Filters while planning: whole manifests by the manifest list's partition
 * summaries, data files by partition values and column bounds; see scan.h.
 *
 * Partition values are transforms of the column. Identity keeps the value,
 * so every comparison decides on it. Year, month, day, hour and truncate
 * keep order without being one-to-one (a <= b gives T(a) <= T(b)), so
 * col < c holds in no file whose partition is above T(c), and col = c in
 * none whose partition is not T(c). Bucket keeps only equality. Transforms
 * map null to null and nothing else to null, so a null partition means
 * every value of the column is null there. Void and unknown transforms say
 * nothing.
 */
#include <string.h>

#include "formats/iceberg/transform.h"
#include "iceberg/scan.h"

/* Result of comparing two values: -1, 0, 1, or unknown. */
#define CMP_UNKNOWN 2

static int sign(int c)
{
	return (c > 0) - (c < 0);
}

static int compare_bytes(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int c = n ? memcmp(a, b, n) : 0;
	return c ? sign(c) : (alen > blen) - (alen < blen);
}

/* Decimals: 16-byte big-endian two's complement, compared with the sign bit flipped. */
static int compare_decimals(const uint8_t *a, const uint8_t *b)
{
	if ((a[0] ^ b[0]) & 0x80)
		return (a[0] & 0x80) ? -1 : 1;
	return sign(memcmp(a, b, 16));
}

/* Compares two non-null values of kind: -1, 0, 1, or CMP_UNKNOWN (NaN, nested kinds). */
static int compare_values(ll_iceberg_kind kind, const ll_iceberg_value *a, const ll_iceberg_value *b)
{
	switch (kind) {
	case LL_ICEBERG_BOOLEAN:
		return (a->b > b->b) - (a->b < b->b);
	case LL_ICEBERG_INT:
	case LL_ICEBERG_LONG:
	case LL_ICEBERG_DATE:
	case LL_ICEBERG_TIME:
	case LL_ICEBERG_TIMESTAMP:
	case LL_ICEBERG_TIMESTAMPTZ:
		return (a->i > b->i) - (a->i < b->i);
	case LL_ICEBERG_FLOAT:
		if (a->f != a->f || b->f != b->f)
			return CMP_UNKNOWN;
		return (a->f > b->f) - (a->f < b->f);
	case LL_ICEBERG_DOUBLE:
		if (a->d != a->d || b->d != b->d)
			return CMP_UNKNOWN;
		return (a->d > b->d) - (a->d < b->d);
	case LL_ICEBERG_DECIMAL:
		return compare_decimals(a->decimal, b->decimal);
	case LL_ICEBERG_STRING:
	case LL_ICEBERG_UUID:
	case LL_ICEBERG_FIXED:
	case LL_ICEBERG_BINARY:
		/* UTF-8 byte order is code point order, Iceberg's string order */
		return compare_bytes(a->bytes.data, a->bytes.len, b->bytes.data, b->bytes.len);
	default:
		return CMP_UNKNOWN;
	}
}

/*
 * Whether values within [lo, hi] (either may be NULL: unbounded) can
 * satisfy `value op v`; exact says the values are the column's own, not an
 * order-keeping image of it, which then decides strict comparisons only
 * loosely (col < c can hold where T(col) = T(c)).
 */
static bool range_may_match(ll_iceberg_kind kind, ll_iceberg_filter_op op, const ll_iceberg_value *lo,
			    const ll_iceberg_value *hi, const ll_iceberg_value *v, bool exact)
{
	int c_lo = lo ? compare_values(kind, lo, v) : CMP_UNKNOWN;
	int c_hi = hi ? compare_values(kind, hi, v) : CMP_UNKNOWN;
	bool lo_known = c_lo != CMP_UNKNOWN, hi_known = c_hi != CMP_UNKNOWN;
	switch (op) {
	case LL_ICEBERG_FILTER_EQ:
		return !(lo_known && c_lo > 0) && !(hi_known && c_hi < 0);
	case LL_ICEBERG_FILTER_LT:
		return !(lo_known && (exact ? c_lo >= 0 : c_lo > 0));
	case LL_ICEBERG_FILTER_LE:
		return !(lo_known && c_lo > 0);
	case LL_ICEBERG_FILTER_GT:
		return !(hi_known && (exact ? c_hi <= 0 : c_hi < 0));
	case LL_ICEBERG_FILTER_GE:
		return !(hi_known && c_hi < 0);
	default:
		return true;
	}
}

static const ll_iceberg_field *schema_field(const ll_iceberg_schema *schema, int32_t id)
{
	for (size_t i = 0; i < schema->type.nfields; i++)
		if (schema->type.fields[i].id == id)
			return &schema->type.fields[i];
	return NULL;
}

static bool is_comparison(ll_iceberg_filter_op op)
{
	return op != LL_ICEBERG_FILTER_IS_NULL && op != LL_ICEBERG_FILTER_NOT_NULL;
}

/*
 * The image of a filter through a partition field: the transform's result
 * type and T(value). False when the partition field says nothing of the
 * filter (another column, a transform that keeps no order the op needs).
 */
typedef struct image {
	const ll_iceberg_type *type;
	ll_iceberg_value value;
	bool exact; /* identity */
} image;

static bool filter_image(const ll_iceberg_partition_field *pf, const ll_iceberg_field *field,
			 const ll_iceberg_filter *flt, image *out)
{
	ll_iceberg_transform_kind k = pf->transform.kind;
	if (pf->source_id != flt->field_id || k == LL_ICEBERG_TRANSFORM_VOID ||
	    k == LL_ICEBERG_TRANSFORM_UNKNOWN)
		return false;
	ll_error err;
	ll_error_clear(&err);
	if (ll_iceberg_transform_result_type(&pf->transform, field->type, &out->type, &err) != LL_OK)
		return false;
	out->exact = k == LL_ICEBERG_TRANSFORM_IDENTITY;
	if (!is_comparison(flt->op))
		return true;
	if (k == LL_ICEBERG_TRANSFORM_BUCKET && flt->op != LL_ICEBERG_FILTER_EQ)
		return false;
	return ll_iceberg_transform_apply(&pf->transform, field->type, &flt->value, &out->value,
					  &err) == LL_OK && !out->value.is_null;
}

/* Whether a file whose partition value for pf is p can hold a row satisfying flt. */
static bool partition_may_match(const ll_iceberg_partition_field *pf, const ll_iceberg_field *field,
				const ll_iceberg_value *p, const ll_iceberg_filter *flt)
{
	image im;
	if (!filter_image(pf, field, flt, &im))
		return true;
	if (flt->op == LL_ICEBERG_FILTER_IS_NULL)
		return p->is_null;
	if (p->is_null)
		return false;
	if (flt->op == LL_ICEBERG_FILTER_NOT_NULL)
		return true;
	return range_may_match(im.type->kind, flt->op, p, p, &im.value, im.exact);
}

static const ll_iceberg_column_stats *column_stats(const ll_iceberg_data_file *f, int32_t id)
{
	for (size_t i = 0; i < f->nstats; i++)
		if (f->stats[i].field_id == id)
			return &f->stats[i];
	return NULL;
}

/* Decodes a bound into *v; NULL when there is none or it does not decode. */
static const ll_iceberg_value *bound(const ll_iceberg_type *t, const uint8_t *data, size_t len,
				     ll_iceberg_value *v)
{
	ll_error err;
	ll_error_clear(&err);
	if (!data || ll_iceberg_value_decode(t, data, len, v, &err) != LL_OK)
		return NULL;
	return v;
}

/* Whether a file with these column stats can hold a row satisfying flt. */
static bool stats_may_match(const ll_iceberg_column_stats *st, const ll_iceberg_field *field,
			    const ll_iceberg_filter *flt)
{
	bool counted = st->null_count >= 0 && st->value_count >= 0;
	if (flt->op == LL_ICEBERG_FILTER_IS_NULL)
		return !counted || st->null_count > 0;
	if (counted && st->null_count >= st->value_count)
		return false;
	if (flt->op == LL_ICEBERG_FILTER_NOT_NULL)
		return true;
	ll_iceberg_value lo_v, hi_v;
	const ll_iceberg_value *lo = bound(field->type, st->lower, st->lower_len, &lo_v);
	const ll_iceberg_value *hi = bound(field->type, st->upper, st->upper_len, &hi_v);
	return range_may_match(field->type->kind, flt->op, lo, hi, &flt->value, true);
}

bool ll_iceberg_data_file_may_match(const ll_iceberg_data_file *f,
				    const ll_iceberg_partition_spec *spec,
				    const ll_iceberg_schema *schema, const ll_iceberg_filter *filters,
				    size_t n)
{
	for (size_t k = 0; k < n; k++) {
		const ll_iceberg_filter *flt = &filters[k];
		const ll_iceberg_field *field = schema_field(schema, flt->field_id);
		if (!field || !ll_iceberg_type_is_primitive(field->type))
			continue;
		const ll_iceberg_column_stats *st = column_stats(f, flt->field_id);
		if (st && !stats_may_match(st, field, flt))
			return false;
		for (size_t i = 0; spec && i < spec->nfields && i < f->npartition; i++)
			if (!partition_may_match(&spec->fields[i], field, &f->partition[i], flt))
				return false;
	}
	return true;
}

/* Whether a manifest whose summary of partition field pf is s can hold a row satisfying flt. */
static bool summary_may_match(const ll_iceberg_partition_field *pf, const ll_iceberg_field *field,
			      const ll_iceberg_field_summary *s, const ll_iceberg_filter *flt)
{
	image im;
	if (!filter_image(pf, field, flt, &im))
		return true;
	bool all_null = s->contains_null && !s->lower && !s->upper;
	if (flt->op == LL_ICEBERG_FILTER_IS_NULL)
		return s->contains_null;
	if (all_null)
		return false;
	if (flt->op == LL_ICEBERG_FILTER_NOT_NULL)
		return true;
	ll_iceberg_value lo_v, hi_v;
	const ll_iceberg_value *lo = bound(im.type, s->lower, s->lower_len, &lo_v);
	const ll_iceberg_value *hi = bound(im.type, s->upper, s->upper_len, &hi_v);
	return range_may_match(im.type->kind, flt->op, lo, hi, &im.value, im.exact);
}

bool ll_iceberg_manifest_may_match(const ll_iceberg_manifest_file *m,
				   const ll_iceberg_partition_spec *spec,
				   const ll_iceberg_schema *schema, const ll_iceberg_filter *filters,
				   size_t n)
{
	if (!spec || m->npartitions != spec->nfields)
		return true;
	for (size_t k = 0; k < n; k++) {
		const ll_iceberg_field *field = schema_field(schema, filters[k].field_id);
		if (!field || !ll_iceberg_type_is_primitive(field->type))
			continue;
		for (size_t i = 0; i < spec->nfields; i++)
			if (!summary_may_match(&spec->fields[i], field, &m->partitions[i], &filters[k]))
				return false;
	}
	return true;
}

bool ll_iceberg_partitions_equal(const ll_iceberg_partition_spec *spec,
				 const ll_iceberg_schema *schema, const ll_iceberg_value *a,
				 const ll_iceberg_value *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i].is_null || b[i].is_null) {
			if (a[i].is_null != b[i].is_null)
				return false;
			continue;
		}
		const ll_iceberg_field *field =
			i < spec->nfields ? schema_field(schema, spec->fields[i].source_id) : NULL;
		const ll_iceberg_type *type = NULL;
		ll_error err;
		ll_error_clear(&err);
		if (!field || ll_iceberg_transform_result_type(&spec->fields[i].transform, field->type,
							       &type, &err) != LL_OK)
			return false;
		if (compare_values(type->kind, &a[i], &b[i]) != 0)
			return false;
	}
	return true;
}
