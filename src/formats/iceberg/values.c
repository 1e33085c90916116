/*
 * Iceberg's binary single-value serialization. See values.h.
 *
 * Byte order is spelled out with shifts rather than memcpy of native
 * integers, so the encoding does not depend on the host.
 */
#include "formats/iceberg/values.h"

#include <stdio.h>
#include <string.h>

#include "util/error.h"
#include "util/number.h"

ll_iceberg_value ll_iceberg_decimal_from_int64(int64_t unscaled)
{
	ll_iceberg_value v = { 0 };
	uint64_t u = (uint64_t)unscaled;
	memset(v.decimal, unscaled < 0 ? 0xff : 0x00, 8);
	for (int k = 0; k < 8; k++)
		v.decimal[15 - k] = (uint8_t)(u >> (8 * k));
	return v;
}

size_t ll_iceberg_decimal_min_bytes(const uint8_t unscaled[16], const uint8_t **start)
{
	size_t i = 0;
	/* a leading byte is redundant when it only repeats the sign of the next one */
	while (i < 15 && ((unscaled[i] == 0x00 && !(unscaled[i + 1] & 0x80)) ||
			  (unscaled[i] == 0xff && (unscaled[i + 1] & 0x80))))
		i++;
	*start = unscaled + i;
	return 16 - i;
}

/* The digits of the unscaled value, most significant first, and its sign. */
static size_t decimal_digits(const uint8_t unscaled[16], char digits[48], bool *negative)
{
	unsigned __int128 u = 0;
	for (int k = 0; k < 16; k++)
		u = u << 8 | unscaled[k];
	*negative = unscaled[0] & 0x80;
	if (*negative)
		u = ~u + 1;
	char rev[48];
	size_t n = 0;
	do {
		rev[n++] = (char)('0' + (int)(u % 10));
		u /= 10;
	} while (u);
	for (size_t i = 0; i < n; i++)
		digits[i] = rev[n - 1 - i];
	digits[n] = '\0';
	return n;
}

const char *ll_iceberg_decimal_format(const uint8_t unscaled[16], int scale, char *buf)
{
	char digits[48];
	bool negative;
	size_t n = decimal_digits(unscaled, digits, &negative);
	long adjusted = (long)n - 1 - scale;
	const char *sign = negative ? "-" : "";
	if (scale == 0) {
		snprintf(buf, LL_ICEBERG_DECIMAL_TEXT_MAX, "%s%s", sign, digits);
	} else if (scale > 0 && adjusted >= -6) {
		/* plain notation: the point goes `scale` digits from the right */
		if ((long)n > scale)
			snprintf(buf, LL_ICEBERG_DECIMAL_TEXT_MAX, "%s%.*s.%s", sign,
				 (int)(n - (size_t)scale), digits, digits + n - (size_t)scale);
		else
			snprintf(buf, LL_ICEBERG_DECIMAL_TEXT_MAX, "%s0.%.*s%s", sign,
				 scale - (int)n, "00000", digits);
	} else {
		snprintf(buf, LL_ICEBERG_DECIMAL_TEXT_MAX, "%s%c%s%sE%s%ld", sign, digits[0],
			 n > 1 ? "." : "", digits + 1, adjusted > 0 ? "+" : "", adjusted);
	}
	return buf;
}

static void put_le(ll_buf *out, uint64_t v, int bytes)
{
	char b[8];
	for (int k = 0; k < bytes; k++)
		b[k] = (char)(uint8_t)(v >> (8 * k));
	ll_buf_append(out, b, (size_t)bytes);
}

static uint64_t get_le(const uint8_t *p, size_t bytes)
{
	uint64_t v = 0;
	for (size_t k = 0; k < bytes; k++)
		v |= (uint64_t)p[k] << (8 * k);
	return v;
}

static ll_status encode_bytes(const ll_iceberg_type *t, const ll_iceberg_value *v, ll_buf *out,
			      ll_error *err)
{
	if (t->kind == LL_ICEBERG_UUID && v->bytes.len != 16)
		return ll_error_set(err, LL_EINVAL, "a uuid is 16 bytes, not %zu", v->bytes.len);
	if (t->kind == LL_ICEBERG_FIXED && v->bytes.len > (size_t)t->length)
		return ll_error_set(err, LL_EINVAL, "%zu bytes do not fit fixed[%d]",
				    v->bytes.len, (int)t->length);
	if (v->bytes.len && !v->bytes.data)
		return ll_error_set(err, LL_EINVAL, "a %s value has a length but no bytes",
				    ll_iceberg_kind_name(t->kind));
	ll_buf_append(out, v->bytes.data, v->bytes.len);
	return LL_OK;
}

ll_status ll_iceberg_value_encode(const ll_iceberg_type *t, const ll_iceberg_value *v,
				  ll_buf *out, ll_error *err)
{
	if (v->is_null)
		return ll_error_set(err, LL_EINVAL, "a null %s has no single-value serialization",
				    ll_iceberg_kind_name(t->kind));
	uint32_t f32;
	uint64_t f64;
	const uint8_t *dec;
	size_t declen;
	switch (t->kind) {
	case LL_ICEBERG_BOOLEAN: ll_buf_putc(out, v->b ? 1 : 0); break;
	case LL_ICEBERG_INT:
	case LL_ICEBERG_DATE:
		if (v->i < INT32_MIN || v->i > INT32_MAX)
			return ll_error_set(err, LL_EINVAL, "%lld does not fit a 4-byte %s",
					    (long long)v->i, ll_iceberg_kind_name(t->kind));
		put_le(out, (uint64_t)v->i, 4);
		break;
	case LL_ICEBERG_LONG:
	case LL_ICEBERG_TIME:
	case LL_ICEBERG_TIMESTAMP:
	case LL_ICEBERG_TIMESTAMPTZ: put_le(out, (uint64_t)v->i, 8); break;
	case LL_ICEBERG_FLOAT:
		memcpy(&f32, &v->f, 4);
		put_le(out, f32, 4);
		break;
	case LL_ICEBERG_DOUBLE:
		memcpy(&f64, &v->d, 8);
		put_le(out, f64, 8);
		break;
	case LL_ICEBERG_DECIMAL:
		declen = ll_iceberg_decimal_min_bytes(v->decimal, &dec);
		ll_buf_append(out, dec, declen);
		break;
	case LL_ICEBERG_STRING:
	case LL_ICEBERG_UUID:
	case LL_ICEBERG_FIXED:
	case LL_ICEBERG_BINARY: return encode_bytes(t, v, out, err);
	case LL_ICEBERG_STRUCT:
	case LL_ICEBERG_LIST:
	case LL_ICEBERG_MAP:
		return ll_error_set(err, LL_EINVAL, "a %s has no single-value serialization",
				    ll_iceberg_kind_name(t->kind));
	}
	return ll_buf_oom(out) ? ll_error_oom(err) : LL_OK;
}

static ll_status bad_length(const ll_iceberg_type *t, size_t len, const char *expected,
			    ll_error *err)
{
	char name[48];
	return ll_error_set(err, LL_EFORMAT, "a %s bound is %s, not %zu bytes",
			    ll_iceberg_type_name(t, name, sizeof(name)), expected, len);
}

static ll_status decode_int(const ll_iceberg_type *t, const uint8_t *data, size_t len,
			    ll_iceberg_value *out, ll_error *err)
{
	if (len != 4)
		return bad_length(t, len, "4", err);
	out->i = (int32_t)(uint32_t)get_le(data, 4);
	return LL_OK;
}

/* A long, time or timestamp: 8 bytes, or 4 written before a promotion (int, date). */
static ll_status decode_long(const ll_iceberg_type *t, const uint8_t *data, size_t len,
			     ll_iceberg_value *out, ll_error *err)
{
	bool promoted = len == 4 && t->kind != LL_ICEBERG_TIME;
	if (len != 8 && !promoted)
		return bad_length(t, len, t->kind == LL_ICEBERG_TIME ? "8" : "8 (or 4)", err);
	if (len == 8) {
		out->i = (int64_t)get_le(data, 8);
		return LL_OK;
	}
	int64_t narrow = (int32_t)(uint32_t)get_le(data, 4);
	if (t->kind == LL_ICEBERG_LONG) {
		out->i = narrow;
		return LL_OK;
	}
	/* a 4-byte timestamp bound was a date before the column was promoted */
	const int64_t micros_per_day = 86400LL * 1000000LL;
	if (narrow > INT64_MAX / micros_per_day || narrow < INT64_MIN / micros_per_day)
		return ll_error_set(err, LL_EFORMAT, "date bound %lld is beyond the timestamp range",
				    (long long)narrow);
	out->i = narrow * micros_per_day;
	return LL_OK;
}

static ll_status decode_double(const ll_iceberg_type *t, const uint8_t *data, size_t len,
			       ll_iceberg_value *out, ll_error *err)
{
	if (len == 8) {
		uint64_t bits = get_le(data, 8);
		memcpy(&out->d, &bits, 8);
		return LL_OK;
	}
	if (len != 4)
		return bad_length(t, len, "8 (or 4)", err);
	uint32_t bits = (uint32_t)get_le(data, 4);
	float f;
	memcpy(&f, &bits, 4);
	out->d = f;
	return LL_OK;
}

static ll_status decode_decimal(const ll_iceberg_type *t, const uint8_t *data, size_t len,
				ll_iceberg_value *out, ll_error *err)
{
	if (len < 1 || len > 16)
		return bad_length(t, len, "1 to 16", err);
	memset(out->decimal, (data[0] & 0x80) ? 0xff : 0x00, 16);
	memcpy(out->decimal + 16 - len, data, len);
	return LL_OK;
}

static ll_status decode_bytes(const ll_iceberg_type *t, const uint8_t *data, size_t len,
			      ll_iceberg_value *out, ll_error *err)
{
	if (t->kind == LL_ICEBERG_UUID && len != 16)
		return bad_length(t, len, "16", err);
	/* fixed bounds may be cut short, as Java's metrics truncate them */
	if (t->kind == LL_ICEBERG_FIXED && len > (size_t)t->length)
		return bad_length(t, len, "at most its length", err);
	out->bytes.data = data;
	out->bytes.len = len;
	return LL_OK;
}

ll_status ll_iceberg_value_decode(const ll_iceberg_type *t, const uint8_t *data, size_t len,
				  ll_iceberg_value *out, ll_error *err)
{
	memset(out, 0, sizeof(*out));
	float f;
	uint32_t bits;
	switch (t->kind) {
	case LL_ICEBERG_BOOLEAN:
		if (len != 1)
			return bad_length(t, len, "1", err);
		out->b = data[0] != 0;
		return LL_OK;
	case LL_ICEBERG_INT:
	case LL_ICEBERG_DATE: return decode_int(t, data, len, out, err);
	case LL_ICEBERG_LONG:
	case LL_ICEBERG_TIME:
	case LL_ICEBERG_TIMESTAMP:
	case LL_ICEBERG_TIMESTAMPTZ: return decode_long(t, data, len, out, err);
	case LL_ICEBERG_FLOAT:
		if (len != 4)
			return bad_length(t, len, "4", err);
		bits = (uint32_t)get_le(data, 4);
		memcpy(&f, &bits, 4);
		out->f = f;
		return LL_OK;
	case LL_ICEBERG_DOUBLE: return decode_double(t, data, len, out, err);
	case LL_ICEBERG_DECIMAL: return decode_decimal(t, data, len, out, err);
	case LL_ICEBERG_STRING:
	case LL_ICEBERG_UUID:
	case LL_ICEBERG_FIXED:
	case LL_ICEBERG_BINARY: return decode_bytes(t, data, len, out, err);
	case LL_ICEBERG_STRUCT:
	case LL_ICEBERG_LIST:
	case LL_ICEBERG_MAP: break;
	}
	return ll_error_set(err, LL_EFORMAT, "a %s has no single-value serialization",
			    ll_iceberg_kind_name(t->kind));
}

bool ll_iceberg_uuid_parse(const char *text, uint8_t out[16])
{
	size_t n = 0;
	for (size_t i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash) {
			if (text[i] != '-')
				return false;
			continue;
		}
		int hi = ll_hex_digit(text[i]);
		int lo = hi < 0 ? -1 : ll_hex_digit(text[++i]);
		if (lo < 0)
			return false;
		out[n++] = (uint8_t)(hi << 4 | lo);
	}
	return text[36] == '\0';
}

const char *ll_iceberg_uuid_format(const uint8_t uuid[16], char out[37])
{
	static const char digits[] = "0123456789abcdef";
	size_t o = 0;
	for (size_t i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = digits[uuid[i] >> 4];
		out[o++] = digits[uuid[i] & 15];
	}
	out[o] = '\0';
	return out;
}
