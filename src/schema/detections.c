/*
 * dlt's type detections for strings (dlt/common/schema/detections.py), which
 * rest on dlt's parse_iso_like_datetime: pendulum's ISO 8601 parser first,
 * and when that raises ValueError, pendulum's "common" pattern.
 *
 * Both are reproduced rule by rule so that exactly the strings dlt types as
 * timestamp (or date) are typed so here:
 *  - the ISO parser (pendulum's Rust parse_iso8601): dates YYYY-MM-DD,
 *    YYYY-MM, YYYYMMDD, ordinal YYYY-DDD / YYYYDDD, week YYYY-Www[-D] /
 *    YYYYWww[D]; a time after "T" or " ": hh, hh:mm, hh:mm:ss[.f], or
 *    hhmm[ss[.f]] after a basic date (the two formats may not mix once
 *    seconds are given); "Z" or ±hh[:][mm]; a value Python's date or
 *    datetime refuses (month 13, hour 24) counts as a parse failure;
 *  - durations ("P...") are neither dates nor timestamps;
 *  - the common pattern (COMMON in pendulum/parsing/__init__.py), with its
 *    regular expression's backtracking: YYYY[[/:]MM[/:]DD] then an optional
 *    [ ]h[h]:[m[m]][:s[s]][(.|,)f{1,9}], or a time alone; "$" allows one
 *    trailing newline. A time without minutes fails, as int(None) does.
 * Only ASCII digits count (Python's \d also takes other Unicode digits in
 * the common pattern; no data we know of writes dates that way).
 */
#include "schema/schema.h"

#include <string.h>

#include "util/time.h"

typedef struct iso_parts {
	int year, month, day;
	int hour, minute, second, micro;
	int offset; /* seconds east of UTC */
	bool has_date, has_time;
} iso_parts;

/* The parser's cursor: pendulum's Rust parser reads one character at a time, '\0' past the end. */
typedef struct cursor {
	const char *s;
	size_t len, i;
} cursor;

static char cur(const cursor *c)
{
	return c->i < c->len ? c->s[c->i] : '\0';
}

static bool at_end(const cursor *c)
{
	return c->i >= c->len;
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static bool take_int(cursor *c, int n, int *out)
{
	int v = 0;
	for (int k = 0; k < n; k++) {
		if (at_end(c) || !is_digit(cur(c)))
			return false;
		v = v * 10 + (cur(c) - '0');
		c->i++;
	}
	*out = v;
	return true;
}

static bool is_leap(int y)
{
	return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

static int days_in_month(int y, int m)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return days[m - 1] + (m == 2 && is_leap(y));
}

/* pendulum's ordinal_to_ymd; out-of-bounds ordinals roll into the next or previous year for week dates. */
static bool ordinal_to_ymd(int year, int ordinal, bool allow_out_of_bounds, iso_parts *p)
{
	if (ordinal < 1) {
		if (!allow_out_of_bounds)
			return false;
		year--;
		ordinal += is_leap(year) ? 366 : 365;
	}
	int in_year = is_leap(year) ? 366 : 365;
	if (ordinal > in_year) {
		if (!allow_out_of_bounds)
			return false;
		ordinal -= in_year;
		year++;
	}
	int month = 1;
	while (month < 12 && ordinal > days_in_month(year, month)) {
		ordinal -= days_in_month(year, month);
		month++;
	}
	p->year = year;
	p->month = month;
	p->day = ordinal;
	return true;
}

static int p_of(int year)
{
	return year + year / 4 - year / 100 + year / 400;
}

/* pendulum's iso_to_ymd: week 53 only in long years, weekday up to 7. */
static bool iso_week_to_ymd(int year, int week, int weekday, iso_parts *p)
{
	bool long_year = p_of(year) % 7 == 4 || p_of(year - 1) % 7 == 3;
	if (week > 53 || (week > 52 && !long_year) || weekday > 7)
		return false;
	int64_t days = ll_days_from_civil(year, 1, 4);
	int jan4 = (int)(((days % 7) + 7 + 3) % 7) + 1; /* Monday 1 .. Sunday 7 */
	return ordinal_to_ymd(year, week * 7 + weekday - (jan4 + 3), true, p);
}

/* Up to six fraction digits after '.' or ',', more are dropped; at least one. */
static bool take_fraction(cursor *c, iso_parts *p)
{
	if (cur(c) != '.' && cur(c) != ',')
		return true;
	c->i++;
	int digits = 0, v = 0;
	while (digits < 6 && is_digit(cur(c))) {
		v = v * 10 + (cur(c) - '0');
		c->i++;
		digits++;
	}
	if (digits == 0)
		return false;
	while (is_digit(cur(c)))
		c->i++;
	for (; digits < 6; digits++)
		v *= 10;
	p->micro = v;
	return true;
}

static bool is_offset_start(char ch)
{
	return ch == 'Z' || ch == '+' || ch == '-';
}

static bool take_offset(cursor *c, iso_parts *p)
{
	if (cur(c) == 'Z') {
		c->i++;
		return true;
	}
	if (cur(c) != '+' && cur(c) != '-')
		return true;
	int sign = cur(c) == '+' ? 1 : -1, hours, minutes = 0;
	c->i++;
	if (!take_int(c, 2, &hours))
		return false;
	if (cur(c) == ':')
		c->i++;
	if (!at_end(c) && !take_int(c, 2, &minutes))
		return false;
	int total = sign * (hours * 60 + minutes);
	/* pendulum compares after applying the sign, so only positive offsets are bounded */
	if (total > 24 * 60)
		return false;
	p->offset = total * 60;
	return true;
}

/* pendulum's parse_time; extended says the date used "-" (or the time starts with "hh:"). */
static bool parse_time(cursor *c, iso_parts *p, bool skip_hour, bool extended)
{
	if (!skip_hour && cur(c) != 'T' && cur(c) != ' ')
		return false;
	p->has_time = true;
	if (!skip_hour) {
		c->i++;
		if (!take_int(c, 2, &p->hour))
			return false;
	}
	if (!at_end(c) && !is_offset_start(cur(c))) {
		if (cur(c) == ':') {
			c->i++;
			if (!take_int(c, 2, &p->minute))
				return false;
			if (!at_end(c) && !is_offset_start(cur(c))) {
				if (cur(c) != ':')
					return false;
				c->i++;
				if (!take_int(c, 2, &p->second) || !take_fraction(c, p) || !extended)
					return false;
			}
		} else {
			if (!take_int(c, 2, &p->minute))
				return false;
			if (!at_end(c) && !is_offset_start(cur(c)) &&
			    (!take_int(c, 2, &p->second) || !take_fraction(c, p)))
				return false;
			if (extended)
				return false;
		}
	}
	return take_offset(c, p);
}

static bool date_ends(const cursor *c)
{
	return at_end(c) || cur(c) == ' ' || cur(c) == 'T';
}

/* The date part after the four year digits; sets *extended when it used "-". */
static bool parse_date_rest(cursor *c, iso_parts *p, bool *extended)
{
	int week, weekday = 1, first;
	if (cur(c) == '-') {
		c->i++;
		*extended = true;
		if (cur(c) == 'W') {
			c->i++;
			if (!take_int(c, 2, &week))
				return false;
			if (!date_ends(c)) {
				if (cur(c) != '-')
					return false;
				c->i++;
				if (!take_int(c, 1, &weekday))
					return false;
			}
			return iso_week_to_ymd(p->year, week, weekday, p);
		}
		if (!take_int(c, 2, &p->month))
			return false;
		if (date_ends(c)) {
			p->day = 1;
			return true;
		}
		if (cur(c) == '-') {
			c->i++;
			return take_int(c, 2, &p->day);
		}
		return take_int(c, 1, &first) && ordinal_to_ymd(p->year, p->month * 10 + first, false, p);
	}
	if (cur(c) == 'W') {
		c->i++;
		if (!take_int(c, 2, &week))
			return false;
		if (!date_ends(c) && !take_int(c, 1, &weekday))
			return false;
		return iso_week_to_ymd(p->year, week, weekday, p);
	}
	if (!take_int(c, 2, &p->month) || !take_int(c, 1, &first))
		return false;
	if (date_ends(c))
		return ordinal_to_ymd(p->year, p->month * 10 + first, false, p);
	int second;
	if (!take_int(c, 1, &second))
		return false;
	p->day = first * 10 + second;
	return true;
}

/* pendulum's parse_iso8601 without durations and intervals (which dlt never types). */
static bool parse_iso8601(const char *s, size_t len, iso_parts *p)
{
	cursor c = { s, len, 0 };
	memset(p, 0, sizeof(*p));
	p->month = p->day = 1;
	if (cur(&c) == 'T')
		return parse_time(&c, p, false, false) && at_end(&c);
	int first;
	if (!take_int(&c, 2, &first))
		return false;
	if (cur(&c) == ':') {
		p->hour = first;
		return parse_time(&c, p, true, true) && at_end(&c);
	}
	int second;
	if (!take_int(&c, 2, &second))
		return false;
	p->has_date = true;
	p->year = first * 100 + second;
	bool extended = false;
	if (!parse_date_rest(&c, p, &extended))
		return false;
	if (!at_end(&c) && !parse_time(&c, p, false, extended))
		return false;
	/* anything left, an interval's "/" included, is not one date-time */
	return at_end(&c);
}

/* What Python's date(), time() and datetime() accept. */
static bool valid_parts(const iso_parts *p)
{
	if (p->has_date && (p->year < 1 || p->year > 9999 || p->month < 1 || p->month > 12 ||
			    p->day < 1 || p->day > days_in_month(p->year, p->month)))
		return false;
	return !p->has_time || (p->hour < 24 && p->minute < 60 && p->second < 60);
}

/* ---- pendulum's COMMON pattern, matched as Python's re would ---- */

static size_t digits_at(const char *s, size_t len, size_t i, size_t max)
{
	size_t n = 0;
	while (n < max && i + n < len && is_digit(s[i + n]))
		n++;
	return n;
}

static int number(const char *s, size_t n)
{
	int v = 0;
	for (size_t k = 0; k < n; k++)
		v = v * 10 + (s[k] - '0');
	return v;
}

/* "$": the end, or a newline that ends the string. */
static bool at_dollar(const char *s, size_t len, size_t i)
{
	return i == len || (i + 1 == len && s[i] == '\n');
}

typedef struct common_time {
	bool present, has_minute;
	int hour, minute, second, micro;
} common_time;

/* The optional time group from i, then "$", trying choices in the regex's order. */
static bool match_common_time(const char *s, size_t len, size_t i, common_time *t)
{
	memset(t, 0, sizeof(*t));
	for (int sep = 1; sep >= 0; sep--) {
		size_t h0 = i + (size_t)sep;
		if (sep && (i >= len || s[i] != ' '))
			continue;
		size_t hmax = digits_at(s, len, h0, 2);
		for (size_t hn = hmax; hn >= 1; hn--) {
			size_t colon = h0 + hn;
			if (colon >= len || s[colon] != ':')
				continue;
			size_t mmax = digits_at(s, len, colon + 1, 2);
			for (size_t mn = mmax + 1; mn-- > 0;) {
				size_t after_m = colon + 1 + mn;
				/* optional ":ss", seconds 2 then 1 digits, then absent */
				size_t smax = after_m < len && s[after_m] == ':' ? digits_at(s, len, after_m + 1, 2) : 0;
				for (size_t sn = smax + 1; sn-- > 0;) {
					size_t after_s = sn ? after_m + 1 + sn : after_m;
					/* optional subsecond: [.|,] then 9..1 digits, then absent */
					bool frac_sep = after_s < len && (s[after_s] == '.' || s[after_s] == '|' ||
									  s[after_s] == ',');
					size_t fmax = frac_sep ? digits_at(s, len, after_s + 1, 9) : 0;
					for (size_t fn = fmax + 1; fn-- > 0;) {
						size_t end = fn ? after_s + 1 + fn : after_s;
						if (!at_dollar(s, len, end))
							continue;
						t->present = true;
						t->hour = number(s + h0, hn);
						t->has_minute = mn > 0;
						t->minute = number(s + colon + 1, mn);
						t->second = sn ? number(s + after_m + 1, sn) : 0;
						size_t keep = fn < 6 ? fn : 6;
						t->micro = number(s + after_s + 1, keep);
						for (size_t k = keep; k < 6; k++)
							t->micro *= 10;
						if (!fn)
							t->micro = 0;
						return true;
					}
				}
			}
		}
	}
	return at_dollar(s, len, i);
}

static bool is_common_sep(char ch)
{
	return ch == '/' || ch == ':';
}

/* pendulum's _parse_common: the first match of COMMON decides, then Python's constructors judge. */
static bool parse_common(const char *s, size_t len, iso_parts *p)
{
	memset(p, 0, sizeof(*p));
	p->month = p->day = 1;
	common_time t;
	bool matched = false;
	if (digits_at(s, len, 0, 4) == 4) {
		/* monthday present: monthsep present then absent, daysep likewise */
		for (int ms = 1; ms >= 0 && !matched; ms--) {
			size_t m0 = 4 + (size_t)ms;
			if (ms && (len <= 4 || !is_common_sep(s[4])))
				continue;
			if (digits_at(s, len, m0, 2) != 2)
				continue;
			for (int ds = 1; ds >= 0 && !matched; ds--) {
				size_t d0 = m0 + 2 + (size_t)ds;
				if (ds && (m0 + 2 >= len || !is_common_sep(s[m0 + 2])))
					continue;
				if (digits_at(s, len, d0, 2) != 2 || !match_common_time(s, len, d0 + 2, &t))
					continue;
				p->month = number(s + m0, 2);
				p->day = number(s + d0, 2);
				matched = true;
			}
		}
		if (!matched && match_common_time(s, len, 4, &t))
			matched = true;
		if (matched) {
			p->has_date = true;
			p->year = number(s, 4);
		}
	}
	if (!matched && !match_common_time(s, len, 0, &t))
		return false;
	if (t.present && !t.has_minute)
		return false; /* int(None) raises */
	p->has_time = t.present;
	p->hour = t.hour;
	p->minute = t.minute;
	p->second = t.second;
	p->micro = t.micro;
	return p->has_date || p->has_time;
}

/* ---- the shape nearly every timestamp in data has, read straight ---- */

/* Eight characters as one word, the first in the low byte on any host. */
static uint64_t load_le64(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	return (uint64_t)u[0] | (uint64_t)u[1] << 8 | (uint64_t)u[2] << 16 | (uint64_t)u[3] << 24 |
	       (uint64_t)u[4] << 32 | (uint64_t)u[5] << 40 | (uint64_t)u[6] << 48 |
	       (uint64_t)u[7] << 56;
}

/*
 * Whether the eight characters in w are digits where digit_bytes has 0xff
 * and equal to those of pattern elsewhere: a digit has the high nibble 3
 * and a low one that does not carry when 6 is added.
 */
static bool word_matches(uint64_t w, uint64_t pattern, uint64_t digit_bytes)
{
	uint64_t high = UINT64_C(0xf0f0f0f0f0f0f0f0) & digit_bytes;
	uint64_t exact = ~digit_bytes | high;
	uint64_t threes = UINT64_C(0x3030303030303030) & digit_bytes;
	return (w & exact) == ((pattern & ~digit_bytes) | threes) &&
	       ((w + (UINT64_C(0x0606060606060606) & digit_bytes)) & high) == threes;
}

/* Byte k of the result is the two-digit number in bytes k and k + 1 of w (digits there). */
static uint64_t digit_pairs(uint64_t w)
{
	uint64_t x = w & UINT64_C(0x0f0f0f0f0f0f0f0f);
	return x * 10 + (x >> 8);
}

/*
 * YYYY-MM-DD(T| )hh:mm:ss[(.|,)f+][offset] with valid values: the instant
 * parse_iso8601 gives such a string, without its character-at-a-time walk
 * (the date and the time are checked and read eight characters at once).
 * False for any other shape or an invalid value, which the full parsers
 * then judge.
 */
static bool parse_timestamp_shape(const char *s, size_t len, int64_t *value)
{
	if (len < 19 || (s[10] != 'T' && s[10] != ' '))
		return false;
	uint64_t date = load_le64(s), clock = load_le64(s + 11); /* "YYYY-MM-", "hh:mm:ss" */
	cursor at_day = { s, len, 8 };
	int day;
	if (!take_int(&at_day, 2, &day) || !word_matches(date, UINT64_C(0x2d00002d00000000), UINT64_C(0x00ffff00ffffffff)) ||
	    !word_matches(clock, UINT64_C(0x00003a00003a0000), UINT64_C(0xffff00ffff00ffff)))
		return false;
	uint64_t d = digit_pairs(date), c = digit_pairs(clock);
	unsigned year = (unsigned)(d & 0xff) * 100 + (unsigned)(d >> 16 & 0xff);
	unsigned month = (unsigned)(d >> 40 & 0xff);
	unsigned hour = (unsigned)(c & 0xff), minute = (unsigned)(c >> 24 & 0xff);
	unsigned second = (unsigned)(c >> 48 & 0xff);
	if (year < 1 || month < 1 || month > 12 || day < 1 ||
	    day > days_in_month((int)year, (int)month) || hour > 23 || minute > 59 ||
	    second > 59)
		return false;
	/* the rest, a fraction and an offset, as the full parser reads them, and nothing after */
	cursor rest = { s, len, 19 };
	iso_parts p = { 0 };
	if (!take_fraction(&rest, &p) || !take_offset(&rest, &p) || !at_end(&rest))
		return false;
	int64_t seconds = ll_days_from_civil(year, month, (unsigned)day) * 86400 +
			  (int64_t)(hour * 3600 + minute * 60 + second) - p.offset;
	*value = seconds * 1000000 + p.micro;
	return true;
}

/* parse_iso8601, then the common pattern when that fails, as dlt tries them. */
static bool parse_general(const char *s, size_t len, iso_parts *p)
{
	bool ok = len > 0 && s[0] != 'P' && parse_iso8601(s, len, p) && valid_parts(p);
	if (!ok && (len == 0 || s[0] != 'P'))
		ok = parse_common(s, len, p) && valid_parts(p);
	return ok;
}

static ll_iso_kind iso_value(const iso_parts *p, int64_t *value)
{
	if (!p->has_date)
		return LL_ISO_TIME;
	int64_t days = ll_days_from_civil(p->year, (unsigned)p->month, (unsigned)p->day);
	if (!p->has_time) {
		*value = days;
		return LL_ISO_DATE;
	}
	int64_t seconds = days * 86400 + p->hour * 3600 + p->minute * 60 + p->second - p->offset;
	*value = seconds * 1000000 + p->micro;
	return LL_ISO_DATETIME;
}

ll_iso_kind ll_parse_iso_like(const char *s, size_t len, int64_t *value)
{
	if (parse_timestamp_shape(s, len, value))
		return LL_ISO_DATETIME;
	return ll_parse_iso_like_general(s, len, value);
}

ll_iso_kind ll_parse_iso_like_general(const char *s, size_t len, int64_t *value)
{
	iso_parts p;
	return parse_general(s, len, &p) ? iso_value(&p, value) : LL_ISO_NONE;
}

ll_data_type ll_detect_text_type(const char *s, size_t len, unsigned detections)
{
	int64_t ignored;
	ll_iso_kind k = detections & (LL_DETECT_ISO_TIMESTAMP | LL_DETECT_ISO_DATE)
				? ll_parse_iso_like(s, len, &ignored)
				: LL_ISO_NONE;
	if (k == LL_ISO_DATETIME && (detections & LL_DETECT_ISO_TIMESTAMP))
		return LL_TYPE_TIMESTAMP;
	if (k == LL_ISO_DATE && (detections & LL_DETECT_ISO_DATE))
		return LL_TYPE_DATE;
	return LL_TYPE_TEXT;
}

bool ll_detection_parse(const char *name, ll_detection *out)
{
	if (strcmp(name, "iso_timestamp") == 0 || strcmp(name, "timestamp") == 0)
		*out = LL_DETECT_ISO_TIMESTAMP;
	else if (strcmp(name, "iso_date") == 0 || strcmp(name, "date") == 0)
		*out = LL_DETECT_ISO_DATE;
	else
		return false;
	return true;
}
