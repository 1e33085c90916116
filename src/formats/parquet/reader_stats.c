/*
 * Row group statistics as ll_value bounds, converted once when the file is
 * opened so that ll_parquet_reader_stats is a lookup.
 *
 * Which bounds may be trusted is the format's rule, not the writer's word:
 * min_value/max_value follow the column's sort order, and may be used when
 * the footer's column_orders says TYPE_ORDER for the column (or has no
 * column_orders at all, from writers that predate it). The deprecated
 * min/max were compared as signed values, which is only the right order
 * for signed numbers, booleans and floating point, so they are never used
 * for byte arrays, unsigned integers or INT96. NaN bounds say nothing. A
 * chunk without a null count gives no statistics at all: a caller could not
 * tell "no nulls" from "unknown".
 */
#include "formats/parquet/reader_internal.h"

#include <math.h>
#include <stdlib.h>

static bool old_bounds_apply(const ll_pqr_leaf *l)
{
	switch (l->physical) {
	case LL_PQR_BOOLEAN:
	case LL_PQR_INT32:
	case LL_PQR_INT64:
	case LL_PQR_FLOAT:
	case LL_PQR_DOUBLE: return !l->unsigned_order;
	default: return false;
	}
}

/* Converts one bound; a bound that does not decode becomes null (unknown). */
static ll_status bound(ll_parquet_reader *r, const ll_pqr_leaf *l, const uint8_t *p, size_t len,
		       ll_value *out)
{
	ll_pqr_value v;
	memset(out, 0, sizeof(*out));
	out->is_null = true;
	if (!ll_pqr_plain_single(l, p, len, &v))
		return LL_OK;
	if ((l->physical == LL_PQR_FLOAT || l->physical == LL_PQR_DOUBLE) && isnan(v.u.d))
		return LL_OK;
	ll_status st = ll_pqr_convert(l, &v, &r->arena, out);
	if (st == LL_EFORMAT) {
		memset(out, 0, sizeof(*out));
		out->is_null = true;
		return LL_OK;
	}
	return st;
}

static ll_status field_stats(ll_parquet_reader *r, size_t leaf, const ll_pqr_chunk *k,
			     ll_pqr_field_stats *out)
{
	const ll_pqr_leaf *l = &r->leaves[leaf];
	const ll_pqr_raw_stats *s = &k->stats;
	bool type_order = !r->has_column_orders || (leaf < r->norders && r->type_order[leaf]);
	const uint8_t *min = NULL, *max = NULL;
	size_t min_len = 0, max_len = 0;
	out->usable = false;
	if (!k->has_stats || !s->has_null_count || s->null_count < 0)
		return LL_OK;
	if (s->min && s->max && type_order && l->physical != LL_PQR_INT96) {
		min = s->min, max = s->max, min_len = s->min_len, max_len = s->max_len;
	} else if (s->old_min && s->old_max && old_bounds_apply(l)) {
		min = s->old_min, max = s->old_max, min_len = s->old_min_len, max_len = s->old_max_len;
	}
	out->null_count = (uint64_t)s->null_count;
	out->min.is_null = out->max.is_null = true;
	ll_status st = LL_OK;
	if (min && (st = bound(r, l, min, min_len, &out->min)) == LL_OK)
		st = bound(r, l, max, max_len, &out->max);
	if (st != LL_OK)
		return st;
	out->usable = true;
	return LL_OK;
}

ll_status ll_pqr_build_stats(ll_parquet_reader *r, ll_error *err)
{
	for (size_t g = 0; g < r->ngroups; g++) {
		ll_pqr_row_group *rg = &r->groups[g];
		rg->stats = calloc(r->nfields + 1, sizeof(*rg->stats));
		if (!rg->stats)
			return ll_error_oom(err);
		for (size_t f = 0; f < r->nfields; f++) {
			if (r->fields[f].nested)
				continue;
			size_t leaf = r->finfo[f].leaf_begin;
			if (field_stats(r, leaf, &rg->chunks[leaf], &rg->stats[f]) != LL_OK)
				return ll_error_oom(err);
		}
	}
	return LL_OK;
}
