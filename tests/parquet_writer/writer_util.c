/*
 * Expected values and small helpers for the Parquet writer tests; see
 * writer_util.h.
 */
#include "writer_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/time.h"

json_t *expect_int(int64_t v)
{
	const int64_t limit = (int64_t)1 << 53;
	if (v >= -limit && v <= limit)
		return json_integer(v);
	char buf[32];
	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	return json_string(buf);
}

json_t *expect_timestamp(int64_t micros, int digits)
{
	char buf[48];
	ll_time_format_timestamp(micros, digits, 'T', true, buf);
	return json_string(buf);
}

json_t *expect_date(int32_t days)
{
	char buf[16];
	ll_time_format_date(days, buf);
	return json_string(buf);
}

void decimal_text(__int128 unscaled, int scale, char out[80])
{
	char digits[64];
	int n = 0;
	unsigned __int128 mag = unscaled < 0 ? -(unsigned __int128)unscaled : (unsigned __int128)unscaled;
	do {
		digits[n++] = (char)('0' + (int)(mag % 10));
		mag /= 10;
	} while (mag);
	while (n <= scale)
		digits[n++] = '0';
	int o = 0;
	if (unscaled < 0)
		out[o++] = '-';
	for (int i = n - 1; i >= 0; i--) {
		out[o++] = digits[i];
		if (i == scale && scale > 0)
			out[o++] = '.';
	}
	out[o] = '\0';
}

json_t *expect_decimal(__int128 unscaled, int scale)
{
	char out[80];
	decimal_text(unscaled, scale, out);
	return json_string(out);
}

json_t *expect_hex(const void *data, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	const uint8_t *p = data;
	char *s = malloc(2 * len + 1);
	for (size_t i = 0; i < len; i++) {
		s[2 * i] = hex[p[i] >> 4];
		s[2 * i + 1] = hex[p[i] & 15];
	}
	s[2 * len] = '\0';
	json_t *j = json_string(s);
	free(s);
	return j;
}

json_t *expect_text(const char *s)
{
	return json_string(s);
}

void decimal_bytes(__int128 v, uint8_t out[16])
{
	unsigned __int128 u = (unsigned __int128)v;
	for (int i = 15; i >= 0; i--) {
		out[i] = (uint8_t)u;
		u >>= 8;
	}
}

ll_parquet_column_spec spec(const char *name, ll_data_type type, bool nullable)
{
	ll_parquet_column_spec s = { name, type, 0, 0, nullable, -1 };
	return s;
}

ll_parquet_column_spec decimal_spec(const char *name, int precision, int scale)
{
	ll_parquet_column_spec s = { name, LL_TYPE_DECIMAL, precision, scale, true, -1 };
	return s;
}

bool same_file_bytes(const char *a, const char *b)
{
	FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
	bool same = fa && fb;
	while (same) {
		int ca = getc(fa), cb = getc(fb);
		same = ca == cb;
		if (ca == EOF)
			break;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return same;
}
