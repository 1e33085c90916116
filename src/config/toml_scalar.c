/*
 * TOML scalars: the four string forms, integers, floats, booleans and the
 * four date-time forms.
 *
 * Each reader starts at the scalar's first byte and leaves p just past it;
 * what may follow (a comma, a bracket, the end of the line) is the
 * structure's business. Strings are unescaped into the parser's scratch
 * buffer and copied into the arena once complete. A number is first
 * delimited as a run of the characters numbers are made of and then checked
 * against the grammar, so "1.2.3" is one bad number, not "1.2" followed by
 * garbage, and the message can quote it whole.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config/toml_internal.h"
#include "util/number.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* ---- strings ------------------------------------------------------------- */

/*
 * Copies one character of string content at p (a tab, printable ASCII or a
 * whole UTF-8 sequence) to the scratch buffer. Line breaks and the closing
 * delimiter are the caller's to handle before this.
 */
static ll_status string_char(ll_toml_parser *ps)
{
	unsigned char c = (unsigned char)*ps->p;
	char tmp[48];
	int n = 1;
	if (ps->p == ps->end)
		return ll_toml_fail(ps, ps->p, "unterminated string: the string that starts at line "
				    "%llu, column %llu has no closing quotes",
				    (unsigned long long)ps->string_line,
				    (unsigned long long)ps->string_column);
	if (c >= 0x80 && !(n = ll_toml_utf8_length(ps->p)))
		return ll_toml_fail(ps, ps->p, "%s in a string", ll_toml_describe(ps, ps->p, tmp));
	if ((c < 0x20 && c != '\t') || c == 0x7F)
		return ll_toml_fail(ps, ps->p, "%s is not allowed in a string; write it as \\u%04X "
				    "in a basic string", ll_toml_describe(ps, ps->p, tmp), c);
	ll_buf_append(&ps->scratch, ps->p, (size_t)n);
	ps->p += n;
	return LL_OK;
}

/* \uXXXX or \UXXXXXXXX with p at the first hex digit; esc is the backslash. */
static ll_status unicode_escape(ll_toml_parser *ps, const char *esc, int digits)
{
	uint32_t cp = 0;
	char tmp[48];
	for (int i = 0; i < digits; i++, ps->p++) {
		int h = ll_hex_digit(*ps->p);
		if (h < 0)
			return ll_toml_fail(ps, ps->p, "the escape \\%c needs %d hexadecimal digits, "
					    "found %s", esc[1], digits,
					    ll_toml_describe(ps, ps->p, tmp));
		cp = cp << 4 | (uint32_t)h;
	}
	if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return ll_toml_fail(ps, esc, "the escape %.*s is not a Unicode scalar value "
				    "(surrogates D800-DFFF and values above 10FFFF are not characters)",
				    digits + 2, esc);
	char u[4];
	ll_buf_append(&ps->scratch, u, ll_utf8_encode(cp, u));
	return LL_OK;
}

/*
 * A backslash at the end of a line in a multi-line basic string: it, the
 * line break and all whitespace up to the next other character vanish.
 */
static ll_status line_ending_backslash(ll_toml_parser *ps, const char *esc)
{
	ll_toml_skip_ws(ps);
	if (!ll_toml_at_newline(ps))
		return ll_toml_fail(ps, esc, "a backslash followed by whitespace must end the line "
				    "(a line-ending backslash); write \\\\ for a backslash");
	while (ll_toml_is_ws(*ps->p) || ll_toml_at_newline(ps)) {
		if (ll_toml_is_ws(*ps->p))
			ps->p++;
		else
			ll_toml_eat_newline(ps);
	}
	return LL_OK;
}

static ll_status escape(ll_toml_parser *ps, bool multiline)
{
	const char *esc = ps->p;
	char c = esc[1], tmp[48];
	static const char from[] = "btnfr\"\\", to[] = "\b\t\n\f\r\"\\";
	const char *known = c ? strchr(from, c) : NULL;
	if (known) {
		ll_buf_putc(&ps->scratch, to[known - from]);
		ps->p += 2;
		return LL_OK;
	}
	if (c == 'u' || c == 'U') {
		ps->p += 2;
		return unicode_escape(ps, esc, c == 'u' ? 4 : 8);
	}
	ps->p++;
	if (multiline && (ll_toml_is_ws(c) || ll_toml_at_newline(ps)))
		return line_ending_backslash(ps, esc);
	return ll_toml_fail(ps, esc, "invalid escape: '\\' followed by %s; TOML knows \\b \\t \\n "
			    "\\f \\r \\\" \\\\ \\uXXXX and \\UXXXXXXXX (write \\\\ for a backslash)",
			    ll_toml_describe(ps, ps->p, tmp));
}

/* Fails on a line break inside a single-line string. */
static ll_status single_line_end(ll_toml_parser *ps, char quote)
{
	return ll_toml_fail(ps, ps->p, "unterminated string: expected %c before the end of the "
			    "line (strings of several lines use %c%c%c)", quote, quote, quote, quote);
}

static ll_status basic_string(ll_toml_parser *ps)
{
	ps->p++;
	for (;;) {
		char c = *ps->p;
		ll_status st;
		if (c == '"') {
			ps->p++;
			return LL_OK;
		}
		if (c == '\n' || c == '\r')
			return single_line_end(ps, '"');
		if (c == '\\')
			st = escape(ps, false);
		else
			st = string_char(ps);
		if (st)
			return st;
	}
}

static ll_status literal_string(ll_toml_parser *ps)
{
	ps->p++;
	for (;;) {
		char c = *ps->p;
		ll_status st;
		if (c == '\'') {
			ps->p++;
			return LL_OK;
		}
		if (c == '\n' || c == '\r')
			return single_line_end(ps, '\'');
		if ((st = string_char(ps)))
			return st;
	}
}

/*
 * At a run of quote characters inside a multi-line string: three or more
 * end the string, and up to two more before them belong to its content,
 * so """a""""" is `a""`. Returns true when the string ended.
 */
static bool quote_run(ll_toml_parser *ps, char quote)
{
	size_t n = 0;
	while (ps->p[n] == quote && n < 5)
		n++;
	size_t content = n >= 3 ? n - 3 : n;
	ll_buf_append(&ps->scratch, ps->p, content);
	ps->p += n;
	return n >= 3;
}

static ll_status multiline_string(ll_toml_parser *ps, char quote)
{
	ps->p += 3;
	/* a line break right after the opening quotes is not content */
	if (ll_toml_at_newline(ps))
		ll_toml_eat_newline(ps);
	for (;;) {
		char c = *ps->p;
		ll_status st = LL_OK;
		if (c == quote) {
			if (quote_run(ps, quote))
				return LL_OK;
		} else if (ll_toml_at_newline(ps)) {
			ll_buf_putc(&ps->scratch, '\n');
			ll_toml_eat_newline(ps);
		} else if (c == '\\' && quote == '"') {
			st = escape(ps, true);
		} else {
			st = string_char(ps);
		}
		if (st)
			return st;
	}
}

ll_status ll_toml_parse_string(ll_toml_parser *ps, const char **out, size_t *len)
{
	char q = *ps->p;
	ll_status st;
	ll_buf_clear(&ps->scratch);
	ps->string_line = ps->line;
	ps->string_column = ll_toml_column(ps, ps->p);
	if (ps->p[1] == q && ps->p[2] == q)
		st = multiline_string(ps, q);
	else if (q == '"')
		st = basic_string(ps);
	else
		st = literal_string(ps);
	if (st)
		return st;
	if (ll_buf_oom(&ps->scratch))
		return ll_toml_oom(ps);
	*len = ps->scratch.len;
	*out = ll_arena_strndup(ps->arena, ll_buf_cstr(&ps->scratch), *len);
	return *out ? LL_OK : ll_toml_oom(ps);
}

/* ---- numbers ------------------------------------------------------------- */

static bool is_number_char(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c == '.' || c == '+' || c == '-';
}

static bool is_base_digit(char c, int base)
{
	int v = ll_hex_digit(c);
	return v >= 0 && v < base;
}

/*
 * Skips digits of `base` at p, where an underscore may stand only between
 * two digits. Returns the end of the run, or NULL with *bad at the first
 * misplaced character when the run is empty or an underscore is misplaced.
 */
static const char *digit_run(const char *p, int base, const char **bad)
{
	if (!is_base_digit(*p, base)) {
		*bad = p;
		return NULL;
	}
	for (p++;; p++) {
		if (*p == '_') {
			if (!is_base_digit(p[1], base)) {
				*bad = p;
				return NULL;
			}
			p++;
		} else if (!is_base_digit(*p, base)) {
			return p;
		}
	}
}

typedef struct number_token {
	const char *start, *end; /* the whole run, sign included */
	bool negative;
} number_token;

static ll_status bad_number(ll_toml_parser *ps, const number_token *t, const char *at,
			    const char *why)
{
	int len = (int)(t->end - t->start);
	return ll_toml_fail(ps, at, "invalid number '%.*s%s': %s", len > 40 ? 40 : len, t->start,
			    len > 40 ? "..." : "", why);
}

/* Accumulates the digits in [p, end), skipping underscores; false on overflow. */
static bool to_int64(const char *p, const char *end, int base, bool negative, int64_t *out)
{
	uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX, v = 0;
	for (; p < end; p++) {
		if (*p == '_')
			continue;
		uint64_t d = (uint64_t)ll_hex_digit(*p);
		if (v > (limit - d) / (uint64_t)base)
			return false;
		v = v * (uint64_t)base + d;
	}
	*out = negative && v ? -(int64_t)(v - 1) - 1 : (int64_t)v;
	return true;
}

static ll_status integer(ll_toml_parser *ps, const number_token *t, const char *digits, int base,
			 ll_toml_value *v)
{
	v->kind = LL_TOML_INTEGER;
	if (!to_int64(digits, t->end, base, t->negative, &v->u.i))
		return bad_number(ps, t, t->start, "it does not fit in a 64-bit integer "
				  "(-9223372036854775808 to 9223372036854775807); quote it to keep it as text");
	return LL_OK;
}

/* 0x, 0o and 0b integers, with p at the prefix's '0'. */
static ll_status prefixed_integer(ll_toml_parser *ps, const number_token *t, const char *p,
				  ll_toml_value *v)
{
	int base = p[1] == 'x' ? 16 : p[1] == 'o' ? 8 : 2;
	const char *bad, *end;
	if (p != t->start)
		return bad_number(ps, t, t->start, "hexadecimal, octal and binary integers take no sign");
	if (!(end = digit_run(p + 2, base, &bad)) || end != t->end)
		return bad_number(ps, t, end ? end : bad, base == 16 ? "expected hexadecimal digits after 0x"
				  : base == 8 ? "expected octal digits (0-7) after 0o"
				  : "expected binary digits (0 or 1) after 0b");
	return integer(ps, t, p + 2, base, v);
}

static ll_status float_value(ll_toml_parser *ps, const number_token *t, ll_toml_value *v)
{
	ll_buf_clear(&ps->scratch);
	for (const char *p = t->start; p < t->end; p++)
		if (*p != '_')
			ll_buf_putc(&ps->scratch, *p);
	if (ll_buf_oom(&ps->scratch))
		return ll_toml_oom(ps);
	v->kind = LL_TOML_FLOAT;
	v->u.d = strtod(ll_buf_cstr(&ps->scratch), NULL);
	if (isinf(v->u.d))
		return bad_number(ps, t, t->start, "it is too large for a 64-bit float");
	return LL_OK;
}

/* Decimal integers and floats: [sign] int [. digits] [e [sign] digits]. */
static ll_status decimal(ll_toml_parser *ps, const number_token *t, const char *p,
			 ll_toml_value *v)
{
	const char *digits = p, *bad = NULL;
	bool is_float = false;
	if (*p == '0' && (is_digit(p[1]) || p[1] == '_'))
		return bad_number(ps, t, p, "leading zeros are not allowed");
	if (!(p = digit_run(p, 10, &bad)))
		return bad_number(ps, t, bad, "digits and single underscores between them expected");
	if (*p == '.') {
		is_float = true;
		if (!(p = digit_run(p + 1, 10, &bad)))
			return bad_number(ps, t, bad, "a decimal point needs digits on both sides");
	}
	if (*p == 'e' || *p == 'E') {
		is_float = true;
		p += (p[1] == '+' || p[1] == '-') ? 2 : 1;
		if (!(p = digit_run(p, 10, &bad)))
			return bad_number(ps, t, bad, "the exponent needs digits");
	}
	if (p != t->end)
		return bad_number(ps, t, p, "unexpected characters after the number");
	return is_float ? float_value(ps, t, v) : integer(ps, t, digits, 10, v);
}

/* Numbers, with p at a digit, a sign, or the 'i' of inf or 'n' of nan. */
static ll_status number(ll_toml_parser *ps, ll_toml_value *v)
{
	number_token t = { .start = ps->p, .end = ps->p, .negative = *ps->p == '-' };
	while (is_number_char(*t.end))
		t.end++;
	ps->p = t.end;
	const char *p = t.start + (*t.start == '+' || *t.start == '-');
	size_t rest = (size_t)(t.end - p);
	if (rest == 3 && (memcmp(p, "inf", 3) == 0 || memcmp(p, "nan", 3) == 0)) {
		v->kind = LL_TOML_FLOAT;
		v->u.d = *p == 'i' ? INFINITY : NAN;
		if (t.negative)
			v->u.d = -v->u.d;
		return LL_OK;
	}
	if (*p == '0' && (p[1] == 'x' || p[1] == 'o' || p[1] == 'b'))
		return prefixed_integer(ps, &t, p, v);
	if (!is_digit(*p))
		return bad_number(ps, &t, p, "expected a digit, inf or nan");
	return decimal(ps, &t, p, v);
}

/* ---- date-times ---------------------------------------------------------- */

static int days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return month == 2 && leap ? 29 : days[month - 1];
}

/* Reads exactly n digits at p into *out. */
static bool fixed_digits(ll_toml_parser *ps, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (!is_digit(ps->p[i]))
			return false;
		v = v * 10 + (ps->p[i] - '0');
	}
	ps->p += n;
	*out = v;
	return true;
}

/* Reads the field of n digits at p and the separator after it (none if sep is 0). */
static ll_status field(ll_toml_parser *ps, int n, char sep, int *out, const char *form)
{
	char tmp[48];
	if (!fixed_digits(ps, n, out))
		return ll_toml_fail(ps, ps->p, "expected %d digits in the %s, found %s", n, form,
				    ll_toml_describe(ps, ps->p, tmp));
	if (!sep)
		return LL_OK;
	if (*ps->p != sep)
		return ll_toml_fail(ps, ps->p, "expected '%c' in the %s, found %s", sep, form,
				    ll_toml_describe(ps, ps->p, tmp));
	ps->p++;
	return LL_OK;
}

static ll_status out_of_range(ll_toml_parser *ps, const char *start, const char *what)
{
	return ll_toml_fail(ps, start, "invalid date-time '%.*s': %s", (int)(ps->p - start), start,
			    what);
}

/* YYYY-MM-DD */
static ll_status date(ll_toml_parser *ps, ll_toml_datetime *dt)
{
	const char *start = ps->p;
	ll_status st;
	if ((st = field(ps, 4, '-', &dt->year, "date (YYYY-MM-DD)")) ||
	    (st = field(ps, 2, '-', &dt->month, "date (YYYY-MM-DD)")) ||
	    (st = field(ps, 2, 0, &dt->day, "date (YYYY-MM-DD)")))
		return st;
	if (dt->month < 1 || dt->month > 12)
		return out_of_range(ps, start, "the month must be 01 to 12");
	if (dt->day < 1 || dt->day > days_in_month(dt->year, dt->month))
		return out_of_range(ps, start, "that day does not exist in that month");
	return LL_OK;
}

/* HH:MM:SS[.fraction] */
static ll_status time_of_day(ll_toml_parser *ps, ll_toml_datetime *dt)
{
	const char *start = ps->p;
	static const char form[] = "time (HH:MM:SS, seconds required)";
	ll_status st;
	if ((st = field(ps, 2, ':', &dt->hour, form)) || (st = field(ps, 2, ':', &dt->minute, form)) ||
	    (st = field(ps, 2, 0, &dt->second, form)))
		return st;
	if (*ps->p == '.') {
		char tmp[48];
		if (!is_digit(*++ps->p))
			return ll_toml_fail(ps, ps->p, "expected digits after the decimal point in "
					    "the time, found %s", ll_toml_describe(ps, ps->p, tmp));
		uint32_t scale = 100000000;
		for (; is_digit(*ps->p); ps->p++, scale /= 10)
			dt->nanosecond += (uint32_t)(*ps->p - '0') * scale;
	}
	if (dt->hour > 23 || dt->minute > 59 || dt->second > 60)
		return out_of_range(ps, start, "hours run to 23, minutes to 59 and seconds to 60");
	return LL_OK;
}

/* Z, z or +HH:MM / -HH:MM, if present; sets the kind accordingly. */
static ll_status offset(ll_toml_parser *ps, ll_toml_value *v)
{
	char sign = *ps->p;
	int hours, minutes;
	ll_status st;
	if (sign == 'Z' || sign == 'z') {
		ps->p++;
		v->kind = LL_TOML_OFFSET_DATETIME;
		return LL_OK;
	}
	if (sign != '+' && sign != '-')
		return LL_OK;
	const char *start = ps->p++;
	if ((st = field(ps, 2, ':', &hours, "offset (+HH:MM)")) ||
	    (st = field(ps, 2, 0, &minutes, "offset (+HH:MM)")))
		return st;
	if (hours > 23 || minutes > 59)
		return out_of_range(ps, start, "offsets run to 23:59");
	v->kind = LL_TOML_OFFSET_DATETIME;
	v->u.dt.offset_minutes = (sign == '-' ? -1 : 1) * (hours * 60 + minutes);
	return LL_OK;
}

static bool looks_like_date(const char *p)
{
	return is_digit(p[0]) && is_digit(p[1]) && is_digit(p[2]) && is_digit(p[3]) && p[4] == '-';
}

static bool looks_like_time(const char *p)
{
	return is_digit(p[0]) && is_digit(p[1]) && p[2] == ':';
}

static ll_status datetime(ll_toml_parser *ps, ll_toml_value *v)
{
	const char *start = ps->p;
	ll_status st;
	if (looks_like_time(start)) {
		v->kind = LL_TOML_LOCAL_TIME;
		st = time_of_day(ps, &v->u.dt);
	} else {
		v->kind = LL_TOML_LOCAL_DATE;
		st = date(ps, &v->u.dt);
		/* a space before a digit can only be the date-time separator */
		char c = *ps->p;
		if (!st && (c == 'T' || c == 't' || (c == ' ' && is_digit(ps->p[1])))) {
			ps->p++;
			v->kind = LL_TOML_LOCAL_DATETIME;
			if (!(st = time_of_day(ps, &v->u.dt)))
				st = offset(ps, v);
		}
	}
	if (st)
		return st;
	v->u.dt.len = (size_t)(ps->p - start);
	v->u.dt.text = ll_arena_strndup(ps->arena, start, v->u.dt.len);
	return v->u.dt.text ? LL_OK : ll_toml_oom(ps);
}

/* ---- dispatch ------------------------------------------------------------ */

/* true, false, or a word that is not a value. */
static ll_status word(ll_toml_parser *ps, ll_toml_value *v)
{
	const char *start = ps->p, *end = start;
	while (is_number_char(*end))
		end++;
	size_t len = (size_t)(end - start);
	if ((len == 4 && memcmp(start, "true", 4) == 0) || (len == 5 && memcmp(start, "false", 5) == 0)) {
		v->kind = LL_TOML_BOOL;
		v->u.b = len == 4;
		ps->p = end;
		return LL_OK;
	}
	if ((len == 3 && (memcmp(start, "inf", 3) == 0 || memcmp(start, "nan", 3) == 0)))
		return number(ps, v);
	return ll_toml_fail(ps, start, "invalid value '%.*s%s': strings must be quoted, booleans are "
			    "true or false (lower case)", len > 40 ? 40 : (int)len, start,
			    len > 40 ? "..." : "");
}

ll_status ll_toml_parse_scalar(ll_toml_parser *ps, ll_toml_value **out)
{
	char c = *ps->p, tmp[48];
	ll_toml_value *v = ll_toml_scalar_new(ps, LL_TOML_STRING, ps->line,
					      ll_toml_column(ps, ps->p));
	if (!v)
		return LL_ENOMEM;
	*out = v;
	if (c == '"' || c == '\'')
		return ll_toml_parse_string(ps, &v->u.s.ptr, &v->u.s.len);
	if (looks_like_date(ps->p) || looks_like_time(ps->p))
		return datetime(ps, v);
	if (is_digit(c) || c == '+' || c == '-')
		return number(ps, v);
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return word(ps, v);
	return ll_toml_fail(ps, ps->p, "expected a value (a string, number, boolean, date-time, "
			    "array or inline table), found %s", ll_toml_describe(ps, ps->p, tmp));
}
