/*
 * Column chunk statistics: null_count, nan_count (doubles) and min/max in
 * the order Parquet defines for the column's type (ColumnOrder TYPE_ORDER):
 * signed for INT32/INT64 (bigint, date, timestamp), signed by value for
 * decimals (big-endian two's complement), unsigned byte-wise for text, json
 * and binary, false < true for booleans, and for doubles numeric order
 * without NaN, with a zero minimum written as -0.0 and a zero maximum as
 * +0.0 so a reader that distinguishes the two never skips a matching chunk.
 *
 * Bounds come from the dictionary entries when the chunk is dictionary
 * encoded (each entry is used at least once, so this is exact and touches
 * every distinct value once), else from the values. A chunk whose text
 * bounds are longer than LL_PQW_STAT_MAX bytes gets no min/max at all, and a
 * chunk with no non-null, non-NaN value gets none either.
 */
#include "formats/parquet/writer_internal.h"

#include <math.h>

/* Fixed-width values, either in order or through dictionary indices. */
typedef struct stat_source {
	const uint8_t *base;
	const uint32_t *idx; /* NULL: value i is at base + i * width */
	size_t n;
	size_t width;
} stat_source;

static inline const uint8_t *source_at(const stat_source *s, size_t i)
{
	return s->base + (s->idx ? s->idx[i] : i) * s->width;
}

static void set_bounds(ll_pqw_chunk_meta *m, const void *min, size_t min_len, const void *max,
		       size_t max_len)
{
	if (min_len > LL_PQW_STAT_MAX || max_len > LL_PQW_STAT_MAX)
		return;
	memcpy(m->min, min, min_len);
	memcpy(m->max, max, max_len);
	m->min_len = (uint8_t)min_len;
	m->max_len = (uint8_t)max_len;
	m->has_minmax = true;
}

static void stats_int64(const stat_source *s, ll_pqw_chunk_meta *m)
{
	int64_t mn = INT64_MAX, mx = INT64_MIN;
	for (size_t i = 0; i < s->n; i++) {
		int64_t v;
		memcpy(&v, source_at(s, i), 8);
		mn = v < mn ? v : mn;
		mx = v > mx ? v : mx;
	}
	if (s->n)
		set_bounds(m, &mn, 8, &mx, 8);
}

static void stats_int32(const stat_source *s, ll_pqw_chunk_meta *m)
{
	int32_t mn = INT32_MAX, mx = INT32_MIN;
	for (size_t i = 0; i < s->n; i++) {
		int32_t v;
		memcpy(&v, source_at(s, i), 4);
		mn = v < mn ? v : mn;
		mx = v > mx ? v : mx;
	}
	if (s->n)
		set_bounds(m, &mn, 4, &mx, 4);
}

static void stats_double(const stat_source *s, ll_pqw_chunk_meta *m)
{
	double mn = INFINITY, mx = -INFINITY;
	size_t seen = 0;
	for (size_t i = 0; i < s->n; i++) {
		double v;
		memcpy(&v, source_at(s, i), 8);
		if (isnan(v)) {
			m->nan_count++;
			continue;
		}
		seen++;
		mn = v < mn ? v : mn;
		mx = v > mx ? v : mx;
	}
	if (!seen)
		return;
	if (mn == 0.0)
		mn = -0.0;
	if (mx == 0.0)
		mx = 0.0;
	set_bounds(m, &mn, 8, &mx, 8);
}

static void stats_bool(const stat_source *s, ll_pqw_chunk_meta *m)
{
	bool any_true = false, any_false = false;
	for (size_t i = 0; i < s->n && !(any_true && any_false); i++) {
		if (*source_at(s, i))
			any_true = true;
		else
			any_false = true;
	}
	uint8_t mn = any_false ? 0 : 1, mx = any_true ? 1 : 0;
	if (s->n)
		set_bounds(m, &mn, 1, &mx, 1);
}

/* Orders big-endian two's complement numbers of the same width. */
static int cmp_decimal(const uint8_t *a, const uint8_t *b, size_t width)
{
	uint8_t a0 = a[0] ^ 0x80, b0 = b[0] ^ 0x80;
	if (a0 != b0)
		return a0 < b0 ? -1 : 1;
	return memcmp(a + 1, b + 1, width - 1);
}

static void stats_decimal(const stat_source *s, ll_pqw_chunk_meta *m)
{
	if (!s->n)
		return;
	const uint8_t *mn = source_at(s, 0), *mx = mn;
	for (size_t i = 1; i < s->n; i++) {
		const uint8_t *v = source_at(s, i);
		if (cmp_decimal(v, mn, s->width) < 0)
			mn = v;
		if (cmp_decimal(v, mx, s->width) > 0)
			mx = v;
	}
	set_bounds(m, mn, s->width, mx, s->width);
}

/* Unsigned byte-wise order; a prefix sorts first. */
static int cmp_bytes(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	int c = memcmp(a, b, alen < blen ? alen : blen);
	if (c)
		return c;
	return alen < blen ? -1 : alen > blen;
}

/*
 * The bounds so far, with the first 8 bytes of each as a big-endian number
 * (zero past the value's end): a key strictly between the bounds' keys is a
 * value strictly between them, which settles most values without a memcmp.
 */
typedef struct byte_bounds {
	const uint8_t *min, *max;
	size_t min_len, max_len;
	uint64_t min_key, max_key;
	bool any;
} byte_bounds;

/* v's key; end is the end of the array v lies in, which may stop short of 8 bytes. */
static inline uint64_t bytes_key(const uint8_t *v, size_t len, const uint8_t *end)
{
	uint64_t x = 0;
	/* one load for nearly every value; only the array's last bytes need the short copy */
	if (end - v >= 8)
		memcpy(&x, v, 8);
	else
		memcpy(&x, v, (size_t)(end - v));
	x = __builtin_bswap64(x);
	if (len < 8)
		x &= len ? ~0ULL << (8 * (8 - len)) : 0;
	return x;
}

static inline void bounds_add(byte_bounds *b, const uint8_t *v, size_t len, const uint8_t *end)
{
	uint64_t key = bytes_key(v, len, end);
	if (b->any && key > b->min_key && key < b->max_key)
		return;
	if (!b->any) {
		b->min = b->max = v;
		b->min_len = b->max_len = len;
		b->min_key = b->max_key = key;
		b->any = true;
		return;
	}
	if (cmp_bytes(v, len, b->min, b->min_len) < 0) {
		b->min = v;
		b->min_len = len;
		b->min_key = key;
	}
	if (cmp_bytes(v, len, b->max, b->max_len) > 0) {
		b->max = v;
		b->max_len = len;
		b->max_key = key;
	}
}

static uint32_t read_len(const uint8_t *p)
{
	uint32_t len;
	memcpy(&len, p, 4);
	return len;
}

static void stats_bytes(const ll_pqw_column *c, ll_pqw_chunk_meta *m)
{
	byte_bounds b = { 0 };
	const ll_pqw_dict *d = &c->dict;
	const ll_pqw_dict_entry *entries = (const ll_pqw_dict_entry *)d->entries.data;
	const uint8_t *dict_end = d->values.data + d->values.len;
	if (c->use_dict && !c->dict_stale) {
		for (size_t i = 0; i < d->count; i++)
			bounds_add(&b, d->values.data + entries[i].offset, entries[i].len, dict_end);
	} else if (c->use_dict) {
		const uint32_t *idx = (const uint32_t *)c->values.data;
		for (size_t i = 0; i < c->values.len / 4; i++) {
			const ll_pqw_dict_entry *e = &entries[idx[i]];
			bounds_add(&b, d->values.data + e->offset, e->len, dict_end);
		}
	} else {
		const uint8_t *end = c->values.data + c->values.len;
		for (size_t off = 0; off < c->values.len;) {
			uint32_t len = read_len(c->values.data + off);
			bounds_add(&b, c->values.data + off + 4, len, end);
			off += 4 + (size_t)len;
		}
	}
	if (b.any)
		set_bounds(m, b.min, b.min_len, b.max, b.max_len);
}

void ll_pqw_stats_compute(const ll_pqw_column *c, ll_pqw_chunk_meta *m)
{
	m->null_count = (int64_t)c->nnulls;
	m->nan_count = 0;
	m->has_minmax = false;
	if (c->kind == LL_PQW_BYTES) {
		stats_bytes(c, m);
		return;
	}
	stat_source s = { c->values.data, NULL, c->values.len / c->width, c->width };
	if (c->use_dict) {
		s.base = c->dict.values.data;
		s.n = c->dict.count;
		/* NaN counts are per value, not per distinct value */
		if (c->dict_stale || c->kind == LL_PQW_DOUBLE) {
			s.idx = (const uint32_t *)c->values.data;
			s.n = c->values.len / 4;
		}
	}
	switch (c->kind) {
	case LL_PQW_I64: stats_int64(&s, m); break;
	case LL_PQW_I32: stats_int32(&s, m); break;
	case LL_PQW_DOUBLE: stats_double(&s, m); break;
	case LL_PQW_BOOL: stats_bool(&s, m); break;
	case LL_PQW_FIXED: stats_decimal(&s, m); break;
	case LL_PQW_BYTES: break;
	}
}
