/*
 * Iceberg partition transforms and the bucket hash. See transform.h.
 *
 * Arithmetic that can leave its type's range (truncating values near the
 * minimum, hours of timestamps beyond year 240,000) wraps the way Java's
 * int and long arithmetic does, so partition values match what the Java
 * library computes for the same input; it is done on unsigned types, where
 * wrapping is defined.
 */
#include "formats/iceberg/transform.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/error.h"
#include "util/time.h"

static const char *const transform_names[] = {
	[LL_ICEBERG_TRANSFORM_IDENTITY] = "identity", [LL_ICEBERG_TRANSFORM_BUCKET] = "bucket",
	[LL_ICEBERG_TRANSFORM_TRUNCATE] = "truncate", [LL_ICEBERG_TRANSFORM_YEAR] = "year",
	[LL_ICEBERG_TRANSFORM_MONTH] = "month",       [LL_ICEBERG_TRANSFORM_DAY] = "day",
	[LL_ICEBERG_TRANSFORM_HOUR] = "hour",         [LL_ICEBERG_TRANSFORM_VOID] = "void",
};

#define MICROS_PER_HOUR (3600LL * 1000000LL)
#define MICROS_PER_DAY (24LL * MICROS_PER_HOUR)

/* ------------------------------------------------------------------ parse */

static bool parse_param(const char *s, int32_t *out)
{
	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (errno || v < 1 || v > INT32_MAX || strcmp(end, "]") != 0)
		return false;
	*out = (int32_t)v;
	return true;
}

ll_status ll_iceberg_transform_parse(const char *text, ll_iceberg_transform *out, ll_error *err)
{
	memset(out, 0, sizeof(*out));
	for (size_t k = 0; k < sizeof(transform_names) / sizeof(transform_names[0]); k++) {
		const char *name = transform_names[k];
		size_t n = strlen(name);
		bool param = k == LL_ICEBERG_TRANSFORM_BUCKET || k == LL_ICEBERG_TRANSFORM_TRUNCATE;
		if (strncmp(text, name, n) != 0)
			continue;
		out->kind = (ll_iceberg_transform_kind)k;
		if (!param && text[n] == '\0')
			return LL_OK;
		if (param && text[n] == '[') {
			if (parse_param(text + n + 1, &out->param))
				return LL_OK;
			return ll_error_set(err, LL_EFORMAT,
					    "transform \"%s\" needs a positive 32-bit %s in brackets",
					    text, k == LL_ICEBERG_TRANSFORM_BUCKET ? "count" : "width");
		}
	}
	out->kind = LL_ICEBERG_TRANSFORM_UNKNOWN;
	out->param = 0;
	out->text = text;
	return LL_OK;
}

const char *ll_iceberg_transform_format(const ll_iceberg_transform *t, char *buf, size_t size)
{
	if (t->kind == LL_ICEBERG_TRANSFORM_UNKNOWN)
		snprintf(buf, size, "%s", t->text ? t->text : "");
	else if (t->kind == LL_ICEBERG_TRANSFORM_BUCKET || t->kind == LL_ICEBERG_TRANSFORM_TRUNCATE)
		snprintf(buf, size, "%s[%d]", transform_names[t->kind], (int)t->param);
	else
		snprintf(buf, size, "%s", transform_names[t->kind]);
	return buf;
}

/* ------------------------------------------------------------------ result types */

static bool is_temporal(ll_iceberg_kind k)
{
	return k == LL_ICEBERG_DATE || k == LL_ICEBERG_TIMESTAMP || k == LL_ICEBERG_TIMESTAMPTZ;
}

static bool can_bucket(ll_iceberg_kind k)
{
	switch (k) {
	case LL_ICEBERG_BOOLEAN:
	case LL_ICEBERG_FLOAT:
	case LL_ICEBERG_DOUBLE:
	case LL_ICEBERG_STRUCT:
	case LL_ICEBERG_LIST:
	case LL_ICEBERG_MAP: return false;
	default: return true;
	}
}

static bool can_truncate(ll_iceberg_kind k)
{
	return k == LL_ICEBERG_INT || k == LL_ICEBERG_LONG || k == LL_ICEBERG_DECIMAL ||
	       k == LL_ICEBERG_STRING || k == LL_ICEBERG_BINARY;
}

static bool applies(const ll_iceberg_transform *t, ll_iceberg_kind k)
{
	switch (t->kind) {
	case LL_ICEBERG_TRANSFORM_IDENTITY:
	case LL_ICEBERG_TRANSFORM_VOID: return k < LL_ICEBERG_STRUCT;
	case LL_ICEBERG_TRANSFORM_BUCKET: return can_bucket(k);
	case LL_ICEBERG_TRANSFORM_TRUNCATE: return can_truncate(k);
	case LL_ICEBERG_TRANSFORM_YEAR:
	case LL_ICEBERG_TRANSFORM_MONTH:
	case LL_ICEBERG_TRANSFORM_DAY: return is_temporal(k);
	case LL_ICEBERG_TRANSFORM_HOUR: return is_temporal(k) && k != LL_ICEBERG_DATE;
	case LL_ICEBERG_TRANSFORM_UNKNOWN: break;
	}
	return false;
}

ll_status ll_iceberg_transform_result_type(const ll_iceberg_transform *t,
					   const ll_iceberg_type *source,
					   const ll_iceberg_type **result, ll_error *err)
{
	char tname[64], sname[48];
	if (t->kind == LL_ICEBERG_TRANSFORM_UNKNOWN)
		return ll_error_set(err, LL_EUNSUPPORTED, "unknown partition transform \"%s\"",
				    ll_iceberg_transform_format(t, tname, sizeof(tname)));
	if (!applies(t, source->kind))
		return ll_error_set(err, LL_ESCHEMA, "transform %s does not apply to a %s column",
				    ll_iceberg_transform_format(t, tname, sizeof(tname)),
				    ll_iceberg_type_name(source, sname, sizeof(sname)));
	switch (t->kind) {
	case LL_ICEBERG_TRANSFORM_BUCKET:
	case LL_ICEBERG_TRANSFORM_YEAR:
	case LL_ICEBERG_TRANSFORM_MONTH:
	case LL_ICEBERG_TRANSFORM_HOUR: *result = ll_iceberg_primitive(LL_ICEBERG_INT); break;
	case LL_ICEBERG_TRANSFORM_DAY: *result = ll_iceberg_primitive(LL_ICEBERG_DATE); break;
	default: *result = source; break;
	}
	return LL_OK;
}

/* ------------------------------------------------------------------ murmur3 */

static uint32_t rotl32(uint32_t x, int r)
{
	return (x << r) | (x >> (32 - r));
}

static uint32_t mix_k1(uint32_t k)
{
	k *= 0xcc9e2d51u;
	k = rotl32(k, 15);
	return k * 0x1b873593u;
}

int32_t ll_iceberg_murmur3_32(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t h = 0;
	size_t blocks = len / 4;
	for (size_t i = 0; i < blocks; i++, p += 4) {
		uint32_t k = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			     (uint32_t)p[3] << 24;
		h ^= mix_k1(k);
		h = rotl32(h, 13) * 5 + 0xe6546b64u;
	}
	uint32_t tail = 0;
	switch (len & 3) {
	case 3: tail ^= (uint32_t)p[2] << 16; /* fall through */
	case 2: tail ^= (uint32_t)p[1] << 8;  /* fall through */
	case 1:
		tail ^= p[0];
		h ^= mix_k1(tail);
	}
	h ^= (uint32_t)len;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return (int32_t)h;
}

static int32_t hash_long(int64_t v)
{
	uint8_t b[8];
	for (int k = 0; k < 8; k++)
		b[k] = (uint8_t)((uint64_t)v >> (8 * k));
	return ll_iceberg_murmur3_32(b, 8);
}

/* Java's doubleToLongBits with the spec's canonical NaN and -0.0 as 0.0. */
static int64_t canonical_double_bits(double d)
{
	if (d != d)
		return 0x7ff8000000000000LL;
	if (d == 0)
		return 0;
	int64_t bits;
	memcpy(&bits, &d, sizeof(bits));
	return bits;
}

ll_status ll_iceberg_hash_value(const ll_iceberg_type *t, const ll_iceberg_value *v,
				int32_t *hash, ll_error *err)
{
	const uint8_t *dec;
	size_t declen;
	switch (t->kind) {
	case LL_ICEBERG_BOOLEAN: *hash = hash_long(v->b ? 1 : 0); break;
	case LL_ICEBERG_INT:
	case LL_ICEBERG_LONG:
	case LL_ICEBERG_DATE:
	case LL_ICEBERG_TIME:
	case LL_ICEBERG_TIMESTAMP:
	case LL_ICEBERG_TIMESTAMPTZ: *hash = hash_long(v->i); break;
	case LL_ICEBERG_FLOAT: *hash = hash_long(canonical_double_bits(v->f)); break;
	case LL_ICEBERG_DOUBLE: *hash = hash_long(canonical_double_bits(v->d)); break;
	case LL_ICEBERG_DECIMAL:
		declen = ll_iceberg_decimal_min_bytes(v->decimal, &dec);
		*hash = ll_iceberg_murmur3_32(dec, declen);
		break;
	case LL_ICEBERG_STRING:
	case LL_ICEBERG_UUID:
	case LL_ICEBERG_FIXED:
	case LL_ICEBERG_BINARY: *hash = ll_iceberg_murmur3_32(v->bytes.data, v->bytes.len); break;
	case LL_ICEBERG_STRUCT:
	case LL_ICEBERG_LIST:
	case LL_ICEBERG_MAP:
		return ll_error_set(err, LL_ESCHEMA, "a %s value has no Iceberg hash",
				    ll_iceberg_kind_name(t->kind));
	}
	return LL_OK;
}

/* ------------------------------------------------------------------ truncate */

static int64_t floor_mod(int64_t v, int64_t w)
{
	int64_t m = v % w;
	return m < 0 ? m + w : m;
}

static int64_t floor_div(int64_t v, int64_t w)
{
	int64_t q = v / w;
	return (v % w != 0 && v < 0) ? q - 1 : q;
}

static __int128 decimal_to_i128(const uint8_t be[16])
{
	unsigned __int128 u = 0;
	for (int k = 0; k < 16; k++)
		u = u << 8 | be[k];
	return (__int128)u;
}

static void decimal_from_i128(__int128 v, uint8_t be[16])
{
	unsigned __int128 u = (unsigned __int128)v;
	for (int k = 15; k >= 0; k--, u >>= 8)
		be[k] = (uint8_t)u;
}

/* The length of the first `points` UTF-8 code points of s. */
static size_t utf8_prefix(const uint8_t *s, size_t len, int32_t points)
{
	size_t i = 0;
	for (int32_t n = 0; n < points && i < len; n++) {
		i++;
		while (i < len && (s[i] & 0xc0) == 0x80)
			i++;
	}
	return i;
}

static void truncate_decimal(int32_t w, const uint8_t in[16], uint8_t out[16])
{
	__int128 d = decimal_to_i128(in);
	__int128 m = d % w;
	if (m < 0)
		m += w;
	decimal_from_i128((__int128)((unsigned __int128)d - (unsigned __int128)m), out);
}

static void apply_truncate(int32_t w, const ll_iceberg_type *source, const ll_iceberg_value *in,
			   ll_iceberg_value *out)
{
	switch (source->kind) {
	case LL_ICEBERG_INT:
		out->i = (int32_t)(uint32_t)((uint64_t)in->i - (uint64_t)floor_mod(in->i, w));
		break;
	case LL_ICEBERG_LONG:
		out->i = (int64_t)((uint64_t)in->i - (uint64_t)floor_mod(in->i, w));
		break;
	case LL_ICEBERG_DECIMAL: truncate_decimal(w, in->decimal, out->decimal); break;
	case LL_ICEBERG_STRING:
		out->bytes.data = in->bytes.data;
		out->bytes.len = utf8_prefix(in->bytes.data, in->bytes.len, w);
		break;
	default:
		out->bytes.data = in->bytes.data;
		out->bytes.len = in->bytes.len < (size_t)w ? in->bytes.len : (size_t)w;
		break;
	}
}

/* ------------------------------------------------------------------ dates */

/* Days since the epoch of a date or timestamp value, rounded down. */
static int64_t days_of(ll_iceberg_kind k, int64_t v)
{
	return k == LL_ICEBERG_DATE ? v : floor_div(v, MICROS_PER_DAY);
}

static int64_t months_of(ll_iceberg_kind k, int64_t v)
{
	int64_t y;
	unsigned m, d;
	ll_civil_from_days(days_of(k, v), &y, &m, &d);
	return (y - 1970) * 12 + (int64_t)m - 1;
}

static int64_t temporal_ordinal(ll_iceberg_transform_kind t, ll_iceberg_kind k, int64_t v)
{
	int64_t months;
	switch (t) {
	case LL_ICEBERG_TRANSFORM_YEAR:
		months = months_of(k, v);
		return floor_div(months, 12);
	case LL_ICEBERG_TRANSFORM_MONTH: return months_of(k, v);
	case LL_ICEBERG_TRANSFORM_DAY: return days_of(k, v);
	default: return floor_div(v, MICROS_PER_HOUR);
	}
}

/* ------------------------------------------------------------------ apply */

ll_status ll_iceberg_transform_apply(const ll_iceberg_transform *t, const ll_iceberg_type *source,
				     const ll_iceberg_value *in, ll_iceberg_value *out,
				     ll_error *err)
{
	const ll_iceberg_type *result;
	ll_status st = ll_iceberg_transform_result_type(t, source, &result, err);
	if (st)
		return st;
	if (in->is_null || t->kind == LL_ICEBERG_TRANSFORM_VOID) {
		*out = ll_iceberg_null();
		return LL_OK;
	}
	*out = *in;
	int32_t hash;
	switch (t->kind) {
	case LL_ICEBERG_TRANSFORM_BUCKET:
		if ((st = ll_iceberg_hash_value(source, in, &hash, err)))
			return st;
		*out = ll_iceberg_int((hash & INT32_MAX) % t->param);
		break;
	case LL_ICEBERG_TRANSFORM_TRUNCATE: apply_truncate(t->param, source, in, out); break;
	case LL_ICEBERG_TRANSFORM_YEAR:
	case LL_ICEBERG_TRANSFORM_MONTH:
	case LL_ICEBERG_TRANSFORM_DAY:
	case LL_ICEBERG_TRANSFORM_HOUR:
		/* Java narrows the ordinal to an int */
		*out = ll_iceberg_int(
			(int32_t)(uint32_t)(uint64_t)temporal_ordinal(t->kind, source->kind, in->i));
		break;
	default: break;
	}
	return LL_OK;
}
