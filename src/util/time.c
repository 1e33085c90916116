/*
 * Civil-calendar conversions use the proleptic Gregorian calendar via the
 * era-based day count (400-year cycles of 146097 days), which is exact for
 * every year a timestamp can hold.
 */
#include "util/time.h"

#include <stdio.h>
#include <time.h>

int64_t ll_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void ll_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static bool digits(const char *s, size_t n, int *out)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool parse_date(const char *s, size_t len, int64_t *days)
{
	static const unsigned char mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;
	if (len < 10 || s[4] != '-' || s[7] != '-')
		return false;
	if (!digits(s, 4, &y) || !digits(s + 5, 2, &m) || !digits(s + 8, 2, &d))
		return false;
	if (m < 1 || m > 12 || d < 1)
		return false;
	if (d > mdays[m - 1] + (m == 2 && is_leap(y)))
		return false;
	*days = ll_days_from_civil(y, (unsigned)m, (unsigned)d);
	return true;
}

/* "HH:MM[:SS[.f{1,9}]]" at s; returns bytes consumed or 0. */
static size_t parse_clock(const char *s, size_t len, int64_t *micros)
{
	int h, mi, sec = 0;
	size_t i = 5;
	if (len < 5 || s[2] != ':' || !digits(s, 2, &h) || !digits(s + 3, 2, &mi))
		return 0;
	if (h > 23 || mi > 59)
		return 0;
	int64_t frac = 0;
	if (len >= 8 && s[5] == ':') {
		if (!digits(s + 6, 2, &sec) || sec > 60)
			return 0;
		i = 8;
		if (i < len && (s[i] == '.' || s[i] == ',')) {
			size_t start = ++i;
			int64_t scale = 100000;
			while (i < len && s[i] >= '0' && s[i] <= '9') {
				if (i - start < 6) {
					frac += (s[i] - '0') * scale;
					scale /= 10;
				}
				i++;
			}
			if (i == start || i - start > 9)
				return 0;
		}
	}
	if (sec == 60)
		sec = 59; /* leap second: clamp, as most engines do */
	*micros = (((int64_t)h * 60 + mi) * 60 + sec) * 1000000 + frac;
	return i;
}

bool ll_time_parse_time_of_day(const char *s, size_t len, int64_t *micros)
{
	return parse_clock(s, len, micros) == len && len > 0;
}

ll_time_kind ll_time_parse(const char *s, size_t len, int64_t *value)
{
	int64_t days;
	if (len < 10 || len > 40 || !parse_date(s, len, &days))
		return LL_TIME_NONE;
	if (len == 10) {
		*value = days;
		return LL_TIME_DATE;
	}
	if (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
		return LL_TIME_NONE;
	int64_t clock;
	size_t used = parse_clock(s + 11, len - 11, &clock);
	if (!used)
		return LL_TIME_NONE;
	size_t i = 11 + used;
	int64_t offset = 0;
	if (i < len) {
		if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == len) {
			i++;
		} else if (s[i] == '+' || s[i] == '-') {
			int sign = s[i] == '-' ? -1 : 1;
			int oh, om = 0;
			size_t rest = len - i - 1;
			const char *o = s + i + 1;
			if (rest == 2 && digits(o, 2, &oh)) {
			} else if (rest == 4 && digits(o, 2, &oh) && digits(o + 2, 2, &om)) {
			} else if (rest == 5 && o[2] == ':' && digits(o, 2, &oh) && digits(o + 3, 2, &om)) {
			} else {
				return LL_TIME_NONE;
			}
			if (oh > 23 || om > 59)
				return LL_TIME_NONE;
			offset = sign * ((int64_t)oh * 3600 + om * 60) * 1000000;
			i = len;
		} else {
			return LL_TIME_NONE;
		}
	}
	if (i != len)
		return LL_TIME_NONE;
	*value = days * 86400000000LL + clock - offset;
	return LL_TIME_TIMESTAMP;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

size_t ll_time_format_timestamp(int64_t micros, int digits_, char sep, bool zulu, char *buf)
{
	int64_t days = floor_div(micros, 86400000000LL);
	int64_t rem = micros - days * 86400000000LL;
	int64_t y;
	unsigned m, d;
	ll_civil_from_days(days, &y, &m, &d);
	int64_t secs = rem / 1000000, frac = rem % 1000000;
	int n = snprintf(buf, 40, "%04lld-%02u-%02u%c%02d:%02d:%02d", (long long)y, m, d, sep,
			 (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
	if (digits_ == 3)
		n += snprintf(buf + n, 40 - (size_t)n, ".%03d", (int)(frac / 1000));
	else if (digits_ == 6)
		n += snprintf(buf + n, 40 - (size_t)n, ".%06d", (int)frac);
	if (zulu)
		n += snprintf(buf + n, 40 - (size_t)n, "Z");
	return (size_t)n;
}

size_t ll_time_format_date(int64_t days, char *buf)
{
	int64_t y;
	unsigned m, d;
	ll_civil_from_days(days, &y, &m, &d);
	return (size_t)snprintf(buf, 16, "%04lld-%02u-%02u", (long long)y, m, d);
}

int64_t ll_time_now_micros(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

double ll_time_monotonic(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

bool ll_time_parse_duration(const char *text, int64_t *ms)
{
	int64_t n = 0;
	const char *p = text;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (n > INT64_MAX / 10 / 86400000)
			return false;
		n = n * 10 + (*p - '0');
	}
	int64_t unit = p[0] == 'd' ? 86400000 : p[0] == 'h' ? 3600000 : p[0] == 'm' ? 60000
		     : p[0] == 's' ? 1000 : 0;
	if (p == text || !unit || p[1])
		return false;
	*ms = n * unit;
	return true;
}
