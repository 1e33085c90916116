/*
 * Physical values to lakeload values (parquet_reader.h's mapping), and to
 * the JSON text that nested fields are made of.
 *
 * Temporal values become microseconds: millis are multiplied (saturating at
 * the int64 range rather than wrapping), nanos divided rounding toward
 * negative infinity, so an instant before 1970 keeps its second. INT96 is
 * Impala's timestamp: nanoseconds of the day, then the Julian day number.
 * Decimals of any physical type become text with exactly their scale
 * ("-12.340"), computed from the two's complement bytes by long division,
 * so precision is never limited by a machine integer.
 */
#include "formats/parquet/reader_internal.h"

#include <math.h>

#include "util/number.h"
#include "util/time.h"

/* Julian day number of 1970-01-01. */
#define JULIAN_EPOCH 2440588
#define DAY_MICROS 86400000000LL
/* Longest decimal accepted, in bytes: 2^1023 has 308 digits. */
#define MAX_DECIMAL_BYTES 128

bool ll_pqr_plain_single(const ll_pqr_leaf *leaf, const uint8_t *p, size_t len, ll_pqr_value *out)
{
	float f;
	memset(out, 0, sizeof(*out));
	switch (leaf->physical) {
	case LL_PQR_BOOLEAN:
		out->u.i = len == 1 ? (p[0] & 1) : 0;
		return len == 1;
	case LL_PQR_INT32:
		out->u.i = len == 4 ? (int32_t)ll_pqr_le32(p) : 0;
		return len == 4;
	case LL_PQR_INT64:
		out->u.i = len == 8 ? (int64_t)ll_pqr_le64(p) : 0;
		return len == 8;
	case LL_PQR_FLOAT:
		if (len != 4)
			return false;
		memcpy(&f, p, 4);
		out->u.d = f;
		return true;
	case LL_PQR_DOUBLE:
		if (len != 8)
			return false;
		memcpy(&out->u.d, p, 8);
		return true;
	case LL_PQR_BYTE_ARRAY:
		break;
	default: /* INT96 and FIXED_LEN_BYTE_ARRAY */
		if (len != (size_t)leaf->type_length)
			return false;
		break;
	}
	out->s = p;
	out->len = len;
	return true;
}

/* ---- numbers ---- */

static int64_t mul_saturate(int64_t v, int64_t by)
{
	int64_t r;
	if (__builtin_mul_overflow(v, by, &r))
		return (v < 0) != (by < 0) ? INT64_MIN : INT64_MAX;
	return r;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static int64_t unit_to_micros(int64_t v, ll_pqr_unit unit)
{
	switch (unit) {
	case LL_PQR_MILLIS: return mul_saturate(v, 1000);
	case LL_PQR_NANOS: return floor_div(v, 1000);
	default: return v;
	}
}

static int64_t int96_micros(const uint8_t *s)
{
	int64_t nanos = (int64_t)ll_pqr_le64(s);
	int64_t days = (int64_t)(int32_t)ll_pqr_le32(s + 8) - JULIAN_EPOCH;
	int64_t r;
	if (__builtin_add_overflow(mul_saturate(days, DAY_MICROS), floor_div(nanos, 1000), &r))
		return days < 0 ? INT64_MIN : INT64_MAX;
	return r;
}

static double half_to_double(const uint8_t *s)
{
	unsigned h = (unsigned)s[0] | (unsigned)s[1] << 8;
	unsigned exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
	double v;
	if (exp == 0)
		v = ldexp(mant, -24);
	else if (exp == 31)
		v = mant ? NAN : INFINITY;
	else
		v = ldexp(mant + 1024, (int)exp - 25);
	return (h & 0x8000) ? -v : v;
}

int64_t ll_pqr_integer(const ll_pqr_leaf *leaf, const ll_pqr_value *v)
{
	switch (leaf->conv) {
	case LL_PQR_TO_UINT32: return (int64_t)(uint32_t)v->u.i;
	case LL_PQR_TO_BOOL: return v->u.i != 0;
	case LL_PQR_TO_TIMESTAMP:
	case LL_PQR_TO_TIME: return unit_to_micros(v->u.i, leaf->unit);
	case LL_PQR_TO_INT96: return int96_micros(v->s);
	default: return v->u.i;
	}
}

/* ---- decimals ---- */

/*
 * Writes the decimal text of the big-endian two's complement integer
 * be[0..len) scaled by 10^-scale into buf (which has room for 3 * len +
 * scale + 4 bytes). Returns the length.
 */
static size_t decimal_text(const uint8_t *be, size_t len, int scale, char *buf)
{
	uint8_t mag[MAX_DECIMAL_BYTES];
	bool neg = len > 0 && (be[0] & 0x80);
	unsigned carry = 1;
	for (size_t i = len; i-- > 0;) {
		unsigned b = neg ? (unsigned)(uint8_t)~be[i] + carry : be[i];
		carry = neg ? b >> 8 : 0;
		mag[i] = (uint8_t)b;
	}
	/* digits come out least significant first, nine at a time */
	char rev[3 * MAX_DECIMAL_BYTES + 16];
	size_t nd = 0, start = 0;
	while (start < len) {
		uint64_t rem = 0;
		for (size_t i = start; i < len; i++) {
			uint64_t cur = rem << 8 | mag[i];
			mag[i] = (uint8_t)(cur / 1000000000u);
			rem = cur % 1000000000u;
		}
		while (start < len && mag[start] == 0)
			start++;
		for (int k = 0; k < 9 && (start < len || rem); k++, rem /= 10)
			rev[nd++] = (char)('0' + rem % 10);
	}
	size_t n = 0;
	if (neg)
		buf[n++] = '-';
	size_t total = nd > (size_t)scale ? nd : (size_t)scale + 1;
	for (size_t i = total; i-- > 0;) {
		buf[n++] = i < nd ? rev[i] : '0';
		if (i == (size_t)scale && scale > 0)
			buf[n++] = '.';
	}
	buf[n] = '\0';
	return n;
}

/* The unscaled value's big-endian bytes: the value's own, or the integer's. */
static const uint8_t *decimal_bytes(const ll_pqr_leaf *leaf, const ll_pqr_value *v, uint8_t tmp[8],
				    size_t *len)
{
	if (leaf->conv == LL_PQR_TO_DECIMAL_BYTES) {
		*len = v->len;
		return v->s;
	}
	uint64_t u = (uint64_t)v->u.i;
	for (int i = 7; i >= 0; i--, u >>= 8)
		tmp[i] = (uint8_t)u;
	*len = 8;
	return tmp;
}

static ll_status decimal(const ll_pqr_leaf *leaf, const ll_pqr_value *v, ll_arena *a, ll_value *out)
{
	uint8_t tmp[8];
	size_t len;
	const uint8_t *be = decimal_bytes(leaf, v, tmp, &len);
	if (len > MAX_DECIMAL_BYTES)
		return LL_EFORMAT;
	char *buf = ll_arena_alloc(a, 3 * len + (size_t)leaf->scale + 4);
	if (!buf)
		return LL_ENOMEM;
	out->len = decimal_text(be, len, leaf->scale, buf);
	out->s = buf;
	return LL_OK;
}

/* ---- ll_value ---- */

static size_t uuid_text(const uint8_t *s, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;
	for (int i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			buf[n++] = '-';
		buf[n++] = hex[s[i] >> 4];
		buf[n++] = hex[s[i] & 15];
	}
	buf[n] = '\0';
	return n;
}

static ll_status copy_bytes(const uint8_t *s, size_t len, ll_arena *a, ll_value *out)
{
	char *p = ll_arena_strndup(a, (const char *)s, len);
	if (!p)
		return LL_ENOMEM;
	out->s = p;
	out->len = len;
	return LL_OK;
}

ll_status ll_pqr_convert(const ll_pqr_leaf *leaf, const ll_pqr_value *v, ll_arena *a,
			 ll_value *out)
{
	memset(out, 0, sizeof(*out));
	switch (leaf->conv) {
	case LL_PQR_TO_DOUBLE:
		out->d = v->u.d;
		return LL_OK;
	case LL_PQR_TO_FLOAT16:
		out->d = half_to_double(v->s);
		return LL_OK;
	case LL_PQR_TO_TEXT:
	case LL_PQR_TO_BINARY:
		return copy_bytes(v->s, v->len, a, out);
	case LL_PQR_TO_UUID: {
		char *buf = ll_arena_alloc(a, 40);
		if (!buf)
			return LL_ENOMEM;
		out->len = uuid_text(v->s, buf);
		out->s = buf;
		return LL_OK;
	}
	case LL_PQR_TO_DECIMAL_INT:
	case LL_PQR_TO_DECIMAL_BYTES:
		return decimal(leaf, v, a, out);
	case LL_PQR_TO_NULL:
		out->is_null = true;
		return LL_OK;
	default:
		out->i = ll_pqr_integer(leaf, v);
		return LL_OK;
	}
}

/* ---- JSON ---- */

static void json_double(double d, ll_buf *out)
{
	char buf[LL_DOUBLE_TEXT_MAX];
	if (isnan(d)) {
		ll_buf_puts(out, "\"NaN\"");
	} else if (isinf(d)) {
		ll_buf_puts(out, d < 0 ? "\"-Infinity\"" : "\"Infinity\"");
	} else {
		ll_double_repr(d, buf, sizeof(buf));
		ll_buf_puts(out, buf);
	}
}

static void json_hex(const uint8_t *s, size_t len, ll_buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	if (!ll_buf_reserve(out, 2 * len + 2))
		return;
	ll_buf_putc(out, '"');
	for (size_t i = 0; i < len; i++) {
		char pair[2] = { hex[s[i] >> 4], hex[s[i] & 15] };
		ll_buf_append(out, pair, 2);
	}
	ll_buf_putc(out, '"');
}

/* A decimal as a JSON string; its text never needs escaping. */
static ll_status json_decimal(const ll_pqr_leaf *leaf, const ll_pqr_value *v, ll_buf *out)
{
	uint8_t tmp[8];
	size_t len;
	const uint8_t *be = decimal_bytes(leaf, v, tmp, &len);
	if (len > MAX_DECIMAL_BYTES)
		return LL_EFORMAT;
	if (!ll_buf_reserve(out, 3 * len + (size_t)leaf->scale + 6))
		return LL_OK; /* the buffer remembers the failure */
	out->data[out->len++] = '"';
	out->len += decimal_text(be, len, leaf->scale, out->data + out->len);
	ll_buf_putc(out, '"');
	return LL_OK;
}

static void json_time_of_day(int64_t micros, int digits, ll_buf *out)
{
	int64_t secs = floor_div(micros, 1000000), frac = micros - secs * 1000000;
	ll_buf_printf(out, "\"%02lld:%02lld:%02lld", (long long)(secs / 3600),
		      (long long)(secs / 60 % 60), (long long)(secs % 60));
	if (digits == 3)
		ll_buf_printf(out, ".%03lld\"", (long long)(frac / 1000));
	else
		ll_buf_printf(out, ".%06lld\"", (long long)frac);
}

static void json_temporal(const ll_pqr_leaf *leaf, int64_t v, ll_buf *out)
{
	char buf[48];
	int digits = leaf->unit == LL_PQR_MILLIS ? 3 : 6;
	size_t n;
	if (leaf->conv == LL_PQR_TO_DATE) {
		n = ll_time_format_date(v, buf);
	} else if (leaf->conv == LL_PQR_TO_TIME) {
		json_time_of_day(v, digits, out);
		return;
	} else {
		n = ll_time_format_timestamp(v, digits, 'T', true, buf);
	}
	ll_buf_putc(out, '"');
	ll_buf_append(out, buf, n);
	ll_buf_putc(out, '"');
}

ll_status ll_pqr_value_json(const ll_pqr_leaf *leaf, const ll_pqr_value *v, ll_buf *out)
{
	switch (leaf->conv) {
	case LL_PQR_TO_BOOL:
		ll_buf_puts(out, v->u.i ? "true" : "false");
		return LL_OK;
	case LL_PQR_TO_DOUBLE:
		json_double(v->u.d, out);
		return LL_OK;
	case LL_PQR_TO_FLOAT16:
		json_double(half_to_double(v->s), out);
		return LL_OK;
	case LL_PQR_TO_TEXT:
		ll_buf_put_json_string(out, (const char *)v->s, v->len);
		return LL_OK;
	case LL_PQR_TO_BINARY:
		json_hex(v->s, v->len, out);
		return LL_OK;
	case LL_PQR_TO_UUID: {
		char buf[40];
		size_t n = uuid_text(v->s, buf);
		ll_buf_put_json_string(out, buf, n);
		return LL_OK;
	}
	case LL_PQR_TO_DECIMAL_INT:
	case LL_PQR_TO_DECIMAL_BYTES:
		return json_decimal(leaf, v, out);
	case LL_PQR_TO_DATE:
	case LL_PQR_TO_TIMESTAMP:
	case LL_PQR_TO_INT96:
	case LL_PQR_TO_TIME:
		json_temporal(leaf, ll_pqr_integer(leaf, v), out);
		return LL_OK;
	case LL_PQR_TO_NULL:
		ll_buf_puts(out, "null");
		return LL_OK;
	default:
		ll_buf_printf(out, "%lld", (long long)ll_pqr_integer(leaf, v));
		return LL_OK;
	}
}
