/*
 * Type inference and coercion of JSON values, after dlt's py_type_to_sc_type
 * and coerce_value (dlt/common/data_types/type_helpers.py).
 *
 * A JSON value has a dlt type of its own (ll_norm_value_type): string ->
 * text, integer -> bigint, integer literal too long for int64 -> decimal (up
 * to 38 digits) or text, number with a fraction -> double, true/false ->
 * bool, object/array -> json. Coercion converts it into the type of an
 * existing column along exactly the pairs dlt's _COERCE_DISPATCH has; every
 * other pair, and every conversion that would raise ValueError in dlt, is
 * LL_COERCE_NO, which sends the value to a variant column. Where dlt would
 * accept a value the Parquet file cannot hold (an integer beyond int64 in a
 * bigint column, a decimal with more digits than the column), the answer is
 * LL_COERCE_NO too, so the value lands in a variant column instead of
 * failing the load later.
 *
 * Strings produced by a coercion are allocated in the caller's arena and
 * live as long as it does; nothing else allocates.
 */
#include "normalize/normalize_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/base64.h"
#include "util/number.h"
#include "util/time.h"

#define MICROS_PER_DAY 86400000000LL
/* datetime's range, years 1..9999, in seconds since the epoch */
#define MIN_EPOCH_SECONDS (-62135596800LL)
#define MAX_EPOCH_SECONDS 253402300799LL

/* Number of digits of an integer literal, without its sign. */
static size_t literal_digits(const char *s, size_t len)
{
	return len && (s[0] == '-' || s[0] == '+') ? len - 1 : len;
}

ll_data_type ll_norm_value_type(const ll_json_value *v)
{
	switch (v->kind) {
	case LL_JSON_FALSE:
	case LL_JSON_TRUE: return LL_TYPE_BOOL;
	case LL_JSON_INT: return LL_TYPE_BIGINT;
	case LL_JSON_BIGINT:
		return literal_digits(v->u.s.ptr, v->u.s.len) <= 38 ? LL_TYPE_DECIMAL : LL_TYPE_TEXT;
	case LL_JSON_DOUBLE: return LL_TYPE_DOUBLE;
	case LL_JSON_ARRAY:
	case LL_JSON_OBJECT: return LL_TYPE_JSON;
	default: return LL_TYPE_TEXT;
	}
}

void ll_norm_infer_column(const ll_json_value *v, unsigned detections, ll_column *col)
{
	col->type = ll_norm_value_type(v);
	col->precision = col->scale = 0;
	if (col->type == LL_TYPE_DECIMAL) {
		col->precision = 38;
		col->scale = 0;
	} else if (v->kind == LL_JSON_STRING) {
		col->type = ll_detect_text_type(v->u.s.ptr, v->u.s.len, detections);
	}
}

/* ---- decimal numbers as digit strings ---- */

static bool is_py_space(char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

/* A decimal number: sign, significant digits (no leading zeros) and a power of ten. */
typedef struct dec_num {
	bool neg;
	bool inexact; /* non-zero digits were dropped for lack of room */
	char digits[48];
	size_t ndigits;
	long long exp;
} dec_num;

/*
 * Parses Python's Decimal/float syntax without the special values:
 * [sign] digits [. digits] [e [sign] digits], "_" allowed between digits.
 */
static bool dec_parse(const char *s, size_t len, dec_num *d)
{
	size_t i = 0;
	bool any = false, point = false;
	memset(d, 0, sizeof(*d));
	if (i < len && (s[i] == '+' || s[i] == '-'))
		d->neg = s[i++] == '-';
	for (; i < len; i++) {
		char c = s[i];
		if (c == '_' && any && s[i - 1] != '.' && i + 1 < len && s[i + 1] >= '0' && s[i + 1] <= '9')
			continue;
		if (c == '.' && !point) {
			point = true;
			continue;
		}
		if (c < '0' || c > '9')
			break;
		any = true;
		if (d->ndigits == 0 && c == '0') {
			d->exp -= point;
		} else if (d->ndigits < sizeof(d->digits) - 1) {
			d->digits[d->ndigits++] = c;
			d->exp -= point;
		} else {
			d->inexact |= c != '0';
			d->exp += !point;
		}
	}
	if (!any)
		return false;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		char *end;
		errno = 0;
		long long e = strtoll(s + i + 1, &end, 10);
		if (end == s + i + 1 || errno || (size_t)(end - s) != len || is_py_space(s[i + 1]))
			return false;
		/* beyond this no value fits any column; clamping keeps the sum from overflowing */
		d->exp += e > 100000 ? 100001 : e < -100000 ? -100001 : e;
		i = len;
	}
	return i == len;
}

/* Fits d to scale and precision as an unscaled big-endian two's-complement value. */
static bool dec_to_unscaled(const dec_num *d, int precision, int scale, uint8_t out[16])
{
	char digits[48];
	size_t n = d->ndigits;
	if (d->inexact)
		return false;
	memcpy(digits, d->digits, n);
	long long shift = d->exp + scale;
	while (shift < 0 && n > 0) {
		if (digits[--n] != '0')
			return false;
		shift++;
	}
	if (n == 0)
		shift = 0;
	if ((long long)n + shift > precision)
		return false;
	for (; shift > 0; shift--)
		digits[n++] = '0';
	uint32_t limb[4] = { 0 }; /* little-endian 32-bit limbs */
	for (size_t i = 0; i < n; i++) {
		uint64_t carry = (uint64_t)(digits[i] - '0');
		for (int k = 0; k < 4; k++) {
			uint64_t x = (uint64_t)limb[k] * 10 + carry;
			limb[k] = (uint32_t)x;
			carry = x >> 32;
		}
	}
	if (d->neg && n > 0) {
		uint64_t carry = 1;
		for (int k = 0; k < 4; k++) {
			uint64_t x = (uint64_t)(uint32_t)~limb[k] + carry;
			limb[k] = (uint32_t)x;
			carry = x >> 32;
		}
	}
	for (int k = 0; k < 4; k++) {
		for (int b = 0; b < 4; b++)
			out[15 - (k * 4 + b)] = (uint8_t)(limb[k] >> (8 * b));
	}
	return true;
}

static void column_precision(const ll_column *col, int *precision, int *scale)
{
	*precision = col->precision > 0 ? col->precision : 38;
	*scale = col->precision > 0 ? col->scale : 9;
}

/* ---- Python's repr(float) ---- */

/* ---- text parsing as Python's int(), float(), str2bool ---- */

static void trim(const char **s, size_t *len)
{
	while (*len && is_py_space(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && is_py_space((*s)[*len - 1]))
		(*len)--;
}

/* int(s, base) for base 10 or 16: [sign] digits with single "_" between digits. */
static bool parse_py_int(const char *s, size_t len, int base, int64_t *out)
{
	trim(&s, &len);
	size_t i = 0;
	bool neg = false;
	if (i < len && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	uint64_t v = 0, limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	bool any = false;
	for (; i < len; i++) {
		if (s[i] == '_' && any && i + 1 < len && s[i + 1] != '_')
			continue;
		int d = base == 16 ? ll_hex_digit(s[i]) : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);
		if (d < 0)
			return false;
		if (v > (limit - (uint64_t)d) / (uint64_t)base)
			return false;
		v = v * (uint64_t)base + (uint64_t)d;
		any = true;
	}
	if (!any)
		return false;
	*out = neg ? (int64_t)(0 - v) : (int64_t)v;
	return true;
}

/* dlt's _text_to_bigint: "0x" prefix means hex. */
static bool text_to_bigint(const char *s, size_t len, int64_t *out)
{
	trim(&s, &len);
	if (len > 2 && s[0] == '0' && s[1] == 'x')
		return parse_py_int(s + 2, len - 2, 16, out);
	return parse_py_int(s, len, 10, out);
}

static bool equals_nocase(const char *s, size_t len, const char *word)
{
	size_t n = strlen(word);
	if (len != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
		if (c != word[i])
			return false;
	}
	return true;
}

/* dlt's _text_to_double: Python float() syntax, "0x" prefix as hex integer. */
static bool text_to_double(const char *s, size_t len, double *out)
{
	trim(&s, &len);
	int64_t hex;
	if (len > 2 && s[0] == '0' && s[1] == 'x') {
		if (!parse_py_int(s + 2, len - 2, 16, &hex))
			return false;
		*out = (double)hex;
		return true;
	}
	size_t sign = len && (s[0] == '+' || s[0] == '-');
	const char *w = s + sign;
	size_t wl = len - sign;
	double special = 0;
	if (equals_nocase(w, wl, "inf") || equals_nocase(w, wl, "infinity"))
		special = INFINITY;
	else if (equals_nocase(w, wl, "nan"))
		special = NAN;
	if (special != 0) {
		*out = sign && s[0] == '-' ? -special : special;
		return true;
	}
	dec_num d;
	char clean[512];
	if (len == 0 || len >= sizeof(clean) || !dec_parse(s, len, &d))
		return false;
	size_t n = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '_')
			clean[n++] = s[i];
	}
	clean[n] = '\0';
	*out = strtod(clean, NULL);
	return true;
}

static bool text_to_bool(const char *s, size_t len, bool *out)
{
	static const char *const yes[] = { "yes", "true", "t", "y", "1" };
	static const char *const no[] = { "no", "false", "f", "n", "0" };
	for (size_t i = 0; i < 5; i++) {
		if (equals_nocase(s, len, yes[i]))
			return *out = true, true;
		if (equals_nocase(s, len, no[i]))
			return *out = false, true;
	}
	return false;
}

/* dlt's _text_to_binary: "0x" + hex (bytes.fromhex), else strict base64. */
static ll_coerce_result text_to_binary(const char *s, size_t len, ll_arena *arena, ll_buf *tmp,
				       ll_row_value *out)
{
	ll_buf_clear(tmp);
	if (len >= 2 && s[0] == '0' && s[1] == 'x') {
		for (size_t i = 2; i < len;) {
			if (is_py_space(s[i])) {
				i++;
				continue;
			}
			int hi = ll_hex_digit(s[i]), lo = i + 1 < len ? ll_hex_digit(s[i + 1]) : -1;
			if (hi < 0 || lo < 0)
				return LL_COERCE_NO;
			ll_buf_putc(tmp, (char)(hi * 16 + lo));
			i += 2;
		}
	} else if (!ll_base64_decode(s, len, tmp)) {
		return LL_COERCE_NO;
	}
	if (ll_buf_oom(tmp))
		return LL_COERCE_NOMEM;
	char *copy = ll_arena_strndup(arena, ll_buf_cstr(tmp), tmp->len);
	if (!copy)
		return LL_COERCE_NOMEM;
	out->u.s.ptr = copy;
	out->u.s.len = tmp->len;
	return LL_COERCE_OK;
}

/* ---- the dispatch ---- */

static ll_coerce_result set_text(const char *s, size_t len, ll_arena *arena, ll_row_value *out)
{
	char *copy = ll_arena_strndup(arena, s, len);
	if (!copy)
		return LL_COERCE_NOMEM;
	out->u.s.ptr = copy;
	out->u.s.len = len;
	return LL_COERCE_OK;
}

static ll_coerce_result json_text(const ll_json_value *v, ll_arena *arena, ll_buf *tmp,
				  ll_row_value *out)
{
	ll_buf_clear(tmp);
	ll_json_write(v, tmp);
	if (ll_buf_oom(tmp))
		return LL_COERCE_NOMEM;
	return set_text(ll_buf_cstr(tmp), tmp->len, arena, out);
}

/* _text_fallback: str() of the Python value. */
static ll_coerce_result to_text(const ll_json_value *v, ll_arena *arena, ll_buf *tmp,
				ll_row_value *out)
{
	char num[64];
	switch (v->kind) {
	case LL_JSON_STRING:
	case LL_JSON_BIGINT:
		out->u.s.ptr = v->u.s.ptr;
		out->u.s.len = v->u.s.len;
		return LL_COERCE_OK;
	case LL_JSON_INT:
		return set_text(num, (size_t)snprintf(num, sizeof(num), "%lld", (long long)v->u.i), arena, out);
	case LL_JSON_DOUBLE:
		return set_text(num, ll_double_repr(v->u.d, num, sizeof(num)), arena, out);
	case LL_JSON_TRUE:
		out->u.s.ptr = "True";
		out->u.s.len = 4;
		return LL_COERCE_OK;
	case LL_JSON_FALSE:
		out->u.s.ptr = "False";
		out->u.s.len = 5;
		return LL_COERCE_OK;
	default:
		return json_text(v, arena, tmp, out);
	}
}

static bool seconds_to_micros(double seconds, int64_t *out)
{
	if (!(seconds >= (double)MIN_EPOCH_SECONDS && seconds < (double)MAX_EPOCH_SECONDS + 1))
		return false;
	*out = (int64_t)nearbyint(seconds * 1e6);
	return true;
}

static int64_t floor_days(int64_t micros)
{
	int64_t q = micros / MICROS_PER_DAY;
	return (micros % MICROS_PER_DAY != 0 && micros < 0) ? q - 1 : q;
}

/* timestamp and date columns: ISO text, or seconds since the epoch. */
static ll_coerce_result to_time(const ll_json_value *v, ll_data_type type, ll_row_value *out)
{
	int64_t micros;
	if (v->kind == LL_JSON_STRING) {
		/* dlt reads the text with parse_iso_like_datetime; a date is its midnight */
		int64_t parsed;
		ll_iso_kind k = ll_parse_iso_like(v->u.s.ptr, v->u.s.len, &parsed);
		if (k != LL_ISO_DATE && k != LL_ISO_DATETIME)
			return LL_COERCE_NO;
		micros = k == LL_ISO_DATE ? parsed * MICROS_PER_DAY : parsed;
		/* an offset can move a time just past year 1 or 9999 */
		if (micros < MIN_EPOCH_SECONDS * 1000000 || micros >= (MAX_EPOCH_SECONDS + 1) * 1000000)
			return LL_COERCE_NO;
	} else if (v->kind == LL_JSON_INT) {
		if (v->u.i < MIN_EPOCH_SECONDS || v->u.i > MAX_EPOCH_SECONDS)
			return LL_COERCE_NO;
		micros = v->u.i * 1000000;
	} else if (v->kind != LL_JSON_DOUBLE || !seconds_to_micros(v->u.d, &micros)) {
		return LL_COERCE_NO;
	}
	out->u.i = type == LL_TYPE_DATE ? floor_days(micros) : micros;
	if (type == LL_TYPE_DATE && (out->u.i > INT32_MAX || out->u.i < INT32_MIN))
		return LL_COERCE_NO;
	return LL_COERCE_OK;
}

static ll_coerce_result to_decimal(const ll_json_value *v, const ll_column *col, ll_row_value *out)
{
	int precision, scale;
	column_precision(col, &precision, &scale);
	char text[64];
	const char *s;
	size_t len;
	dec_num d;
	int64_t hex;
	switch (v->kind) {
	case LL_JSON_INT:
		len = (size_t)snprintf(text, sizeof(text), "%lld", (long long)v->u.i);
		s = text;
		break;
	case LL_JSON_DOUBLE:
		if (!isfinite(v->u.d))
			return LL_COERCE_NO;
		len = ll_double_repr(v->u.d, text, sizeof(text));
		s = text;
		break;
	case LL_JSON_BIGINT:
	case LL_JSON_STRING:
		s = v->u.s.ptr;
		len = v->u.s.len;
		trim(&s, &len);
		if (v->kind == LL_JSON_STRING && len > 2 && s[0] == '0' && s[1] == 'x') {
			if (!parse_py_int(s + 2, len - 2, 16, &hex))
				return LL_COERCE_NO;
			len = (size_t)snprintf(text, sizeof(text), "%lld", (long long)hex);
			s = text;
		}
		break;
	default:
		return LL_COERCE_NO;
	}
	if (!dec_parse(s, len, &d) || !dec_to_unscaled(&d, precision, scale, out->u.dec))
		return LL_COERCE_NO;
	return LL_COERCE_OK;
}

static ll_coerce_result to_bigint(const ll_json_value *v, ll_row_value *out)
{
	switch (v->kind) {
	case LL_JSON_INT:
		out->u.i = v->u.i;
		return LL_COERCE_OK;
	case LL_JSON_STRING:
		return text_to_bigint(v->u.s.ptr, v->u.s.len, &out->u.i) ? LL_COERCE_OK : LL_COERCE_NO;
	case LL_JSON_DOUBLE:
		/* _numeric_to_bigint: only integral values, and only those int64 holds */
		if (v->u.d != floor(v->u.d) || !(v->u.d >= -9223372036854775808.0 && v->u.d < 9223372036854775808.0))
			return LL_COERCE_NO;
		out->u.i = (int64_t)v->u.d;
		return LL_COERCE_OK;
	default:
		return LL_COERCE_NO;
	}
}

static ll_coerce_result to_double(const ll_json_value *v, ll_row_value *out)
{
	switch (v->kind) {
	case LL_JSON_DOUBLE:
		out->u.d = v->u.d;
		return LL_COERCE_OK;
	case LL_JSON_INT:
		out->u.d = (double)v->u.i;
		return LL_COERCE_OK;
	case LL_JSON_BIGINT:
		out->u.d = strtod(v->u.s.ptr, NULL);
		return LL_COERCE_OK;
	case LL_JSON_STRING:
		return text_to_double(v->u.s.ptr, v->u.s.len, &out->u.d) ? LL_COERCE_OK : LL_COERCE_NO;
	default:
		return LL_COERCE_NO;
	}
}

static ll_coerce_result to_bool(const ll_json_value *v, ll_row_value *out)
{
	switch (v->kind) {
	case LL_JSON_TRUE:
	case LL_JSON_FALSE:
		out->u.b = v->kind == LL_JSON_TRUE;
		return LL_COERCE_OK;
	case LL_JSON_INT:
		out->u.b = v->u.i != 0;
		return LL_COERCE_OK;
	case LL_JSON_DOUBLE:
		out->u.b = v->u.d != 0;
		return LL_COERCE_OK;
	case LL_JSON_BIGINT:
		out->u.b = true; /* a literal too long for int64 is never zero */
		return LL_COERCE_OK;
	case LL_JSON_STRING:
		return text_to_bool(v->u.s.ptr, v->u.s.len, &out->u.b) ? LL_COERCE_OK : LL_COERCE_NO;
	default:
		return LL_COERCE_NO;
	}
}

/* int.to_bytes(little-endian, minimal length); negative integers cannot. */
static ll_coerce_result bigint_to_binary(int64_t i, ll_arena *arena, ll_row_value *out)
{
	if (i < 0)
		return LL_COERCE_NO;
	char bytes[8];
	size_t n = 0;
	for (uint64_t u = (uint64_t)i; u; u >>= 8)
		bytes[n++] = (char)(u & 0xff);
	return set_text(bytes, n, arena, out);
}

/* json.loads of a string: it must hold JSON, which is stored re-serialized. */
static ll_coerce_result text_to_json(const ll_json_value *v, ll_arena *arena, ll_buf *tmp,
				     ll_row_value *out)
{
	const ll_json_value *parsed;
	ll_error ignored;
	if (ll_json_parse(v->u.s.ptr, v->u.s.len, "<value>", arena, &parsed, &ignored) != LL_OK)
		return ignored.code == LL_ENOMEM ? LL_COERCE_NOMEM : LL_COERCE_NO;
	return json_text(parsed, arena, tmp, out);
}

ll_coerce_result ll_norm_coerce(const ll_json_value *v, const ll_column *col, ll_arena *arena,
				ll_buf *tmp, ll_row_value *out)
{
	out->type = col->type;
	switch (col->type) {
	case LL_TYPE_TEXT: return to_text(v, arena, tmp, out);
	case LL_TYPE_BIGINT: return to_bigint(v, out);
	case LL_TYPE_DOUBLE: return to_double(v, out);
	case LL_TYPE_BOOL: return to_bool(v, out);
	case LL_TYPE_DECIMAL: return to_decimal(v, col, out);
	case LL_TYPE_TIMESTAMP:
	case LL_TYPE_DATE: return to_time(v, col->type, out);
	case LL_TYPE_BINARY:
		if (v->kind == LL_JSON_STRING)
			return text_to_binary(v->u.s.ptr, v->u.s.len, arena, tmp, out);
		return v->kind == LL_JSON_INT ? bigint_to_binary(v->u.i, arena, out) : LL_COERCE_NO;
	case LL_TYPE_JSON:
		if (v->kind == LL_JSON_OBJECT || v->kind == LL_JSON_ARRAY)
			return json_text(v, arena, tmp, out);
		return v->kind == LL_JSON_STRING ? text_to_json(v, arena, tmp, out) : LL_COERCE_NO;
	default:
		return LL_COERCE_NO;
	}
}
