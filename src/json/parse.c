/*
 * Recursive-descent JSON value parser (RFC 8259, strict).
 *
 * Values are built in the caller's arena, nothing is freed piecemeal. A
 * container's children are written once, into a run that the containers at
 * its depth share one after the other (ll_json_run): when it closes, its
 * entries there are its children array. A reader's runs are its own, kept
 * from record to record (its records live until its next call, or, kept,
 * until the caller releases them: ll_json_parser_release), so they
 * stop growing after the first records; ll_json_parse's are in the arena.
 *
 * The member and item loops (parse_object, parse_array) dispatch each value
 * on its first byte and parse the common ones inline: plain strings, short
 * non-negative numbers, literals, and the spelling ", " / ": " between
 * tokens. Whatever a fast path does not take, it leaves untouched for the
 * general path, which alone reports errors, so every message and position
 * is the general path's.
 */
#include <math.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json/json_internal.h"
#include "util/error.h"
#include "util/number.h"
#include "util/utf8.h"

/*
 * The per-value steps of the member and item loops are inlined into them
 * whatever the compiler's size estimates say: a call and its register saves
 * cost as much as a short string or number takes to parse.
 */
#if defined(__GNUC__)
#define ALWAYS_INLINE static inline __attribute__((always_inline))
#else
#define ALWAYS_INLINE static inline
#endif

static int more_or_fail(ll_json_parser *ps, const char *expected)
{
	if (!ps->eof)
		return LL_JSON_MORE;
	return ll_json_fail(ps, ps->end, "invalid JSON: unexpected end of input, expected %s",
			    expected);
}

const char *ll_json_describe(const ll_json_parser *ps, const char *at, char tmp[32])
{
	unsigned char c = (unsigned char)*at;
	if (at >= ps->end)
		return "end of input";
	if (c > 0x20 && c < 0x7f)
		snprintf(tmp, 32, "'%c'", c);
	else
		snprintf(tmp, 32, "byte 0x%02X", c);
	return tmp;
}

ll_status ll_json_fail(ll_json_parser *ps, const char *at, const char *fmt, ...)
{
	if (!ps->err)
		return LL_EFORMAT;
	char msg[sizeof(ps->err->message)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	uint64_t offset = ps->base + (uint64_t)(at - ps->buf);
	ll_error_set(ps->err, LL_EFORMAT, "%s", msg);
	ll_error_set_location(ps->err, ps->name, ps->line, offset - ps->line_start + 1);
	return LL_EFORMAT;
}

int ll_json_skip_ws_slow(ll_json_parser *ps)
{
	const char *p = ps->p;
	for (;;) {
		char c = *p;
		if (c == ' ' || c == '\t' || c == '\r') {
			p++;
		} else if (c == '\n') {
			p++;
			ps->line++;
			ps->line_start = ps->base + (uint64_t)(p - ps->buf);
		} else {
			break;
		}
	}
	ps->p = p;
	return p == ps->end && !ps->eof ? LL_JSON_MORE : LL_OK;
}

static ll_json_value *new_value(ll_json_parser *ps, ll_json_kind kind)
{
	ll_json_value *v = ll_arena_alloc(ps->arena, sizeof(*v));
	if (v)
		v->kind = kind;
	else
		ll_error_oom(ps->err);
	return v;
}

/* ---- strings ------------------------------------------------------------- */

/*
 * Strings are scanned 16 bytes at a time (SSE2, part of every x86-64), else
 * 8 (SWAR on a little-endian 64-bit word), else byte by byte. A load starts
 * at most at end, whose NUL stops every scan, so it never reads past the
 * LL_JSON_PAD bytes the window guarantees.
 */
#if defined(__SSE2__) && !defined(LL_JSON_NO_SSE2)
#include <emmintrin.h>
#define LL_JSON_SSE2 1
#elif defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LL_JSON_SWAR 1
#endif

_Static_assert(LL_JSON_PAD >= 16, "the string scanner and copier read 16 bytes at a time");

/* Advances p to the first byte that ends a plain run: '"', '\\', a control
 * byte (the NUL at end among them) or a non-ASCII byte. */
ALWAYS_INLINE const char *scan_plain(const char *p)
{
#if defined(LL_JSON_SSE2)
	const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\');
	const __m128i space = _mm_set1_epi8(' ');
	for (;;) {
		__m128i w = _mm_loadu_si128((const __m128i *)(const void *)p);
		/* Only each byte's top bit counts. w - ' ', saturated and signed,
		 * is negative for a control byte and for 0x80-0xFF, negative
		 * already: "below ' '" flags them all in one instruction. */
		__m128i stop = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(w, quote), _mm_cmpeq_epi8(w, backslash)),
					    _mm_subs_epi8(w, space));
		unsigned m = (unsigned)_mm_movemask_epi8(stop);
		if (m)
			return p + __builtin_ctz(m);
		p += 16;
	}
#elif defined(LL_JSON_SWAR)
	const uint64_t ones = 0x0101010101010101ull, highs = 0x8080808080808080ull;
	for (;;) {
		uint64_t w;
		memcpy(&w, p, 8);
		uint64_t q = w ^ (ones * '"'), b = w ^ (ones * '\\');
		/* A byte is flagged when it is zero in q or b, below 0x20, or has
		 * its high bit set; false flags only follow a true one. */
		uint64_t m = ((q - ones) & ~q) | ((b - ones) & ~b) | ((w - ones * 0x20) & ~w) | w;
		m &= highs;
		if (m)
			return p + (__builtin_ctzll(m) >> 3);
		p += 8;
	}
#else
	for (;;) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80)
			return p;
		p++;
	}
#endif
}

/* copy_plain's bodies of 16 bytes or more: the first 16 are copied. */
static void copy_plain_long(char *o, const char *p, size_t len)
{
	if (len > 64) {
		memcpy(o + 16, p + 16, len - 16);
		return;
	}
	for (size_t i = 16; i < len; i += 16)
		memcpy(o + i, p + i, 16);
}

/*
 * Copies the plain body [p, p + len) into o, which has room for len + 1
 * bytes rounded up to 16 (an arena allocation), in 16-byte pieces: the
 * source may be read up to 15 bytes past the body, which ends at its closing
 * quote before end, so within the window's padding. Most keys and values
 * are one piece.
 */
ALWAYS_INLINE void copy_plain(char *o, const char *p, size_t len)
{
	memcpy(o, p, 16); /* room for at least 16 even when len is 0 */
	if (len >= 16)
		copy_plain_long(o, p, len);
}

static int hex4(const char *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9' ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

/* Checks the escape at p (the backslash); returns its length in bytes. */
static int check_escape(ll_json_parser *ps, const char *p, int *len)
{
	if (ps->end - p < 2)
		return more_or_fail(ps, "an escape sequence");
	switch (p[1]) {
	case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
		*len = 2;
		return LL_OK;
	case 'u':
		break;
	default: {
		char tmp[32];
		return ll_json_fail(ps, p, "invalid JSON: bad escape \\%s in string; only \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX are allowed",
				    ll_json_describe(ps, p + 1, tmp));
	}
	}
	if (ps->end - p < 6)
		return more_or_fail(ps, "four hex digits after \\u");
	int u = hex4(p + 2);
	if (u < 0)
		return ll_json_fail(ps, p, "invalid JSON: \\u must be followed by four hex digits");
	if (u >= 0xDC00 && u <= 0xDFFF)
		return ll_json_fail(ps, p, "invalid JSON: \\u%04X is a lone low surrogate", (unsigned)u);
	if (u < 0xD800 || u > 0xDBFF) {
		*len = 6;
		return LL_OK;
	}
	/* Fail as soon as the bytes seen rule out "\\uDC00".."\\uDFFF". */
	ptrdiff_t have = ps->end - p;
	bool prefix_ok = (have <= 6 || p[6] == '\\') && (have <= 7 || p[7] == 'u');
	if (prefix_ok && have < 12)
		return more_or_fail(ps, "a low surrogate \\uDC00-\\uDFFF");
	int lo = prefix_ok ? hex4(p + 8) : -1;
	if (lo < 0xDC00 || lo > 0xDFFF)
		return ll_json_fail(ps, p, "invalid JSON: high surrogate \\u%04X is not followed by a low surrogate",
				    (unsigned)u);
	*len = 12;
	return LL_OK;
}

/* Decodes the already-validated body [p, end) into o; returns the length. */
static size_t unescape(const char *p, const char *end, char *o)
{
	char *start = o;
	while (p < end) {
		if (*p != '\\') {
			*o++ = *p++;
			continue;
		}
		char c = p[1];
		if (c != 'u') {
			static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
			*o++ = to[strchr(from, c) - from];
			p += 2;
			continue;
		}
		unsigned cp = (unsigned)hex4(p + 2);
		p += 6;
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			cp = 0x10000 + ((cp - 0xD800) << 10) + ((unsigned)hex4(p + 2) - 0xDC00);
			p += 6;
		}
		o += ll_utf8_encode(cp, o);
	}
	return (size_t)(o - start);
}

/*
 * A parsed string lives in one arena allocation, block: `head` bytes for
 * the caller (a string value puts its node there), then the unescaped,
 * NUL-terminated bytes s. head is a multiple of 16, so s keeps the 16-byte
 * rounded room copy_plain writes in. A key (borrow) without escapes is not
 * copied at all: s points at its body in the input, unterminated, and block
 * is NULL.
 */
typedef struct parsed_string {
	void *block;
	const char *s;
	size_t len;
} parsed_string;

/* Puts the string body [body, p) into the arena, unescaped, unless it can be
 * borrowed where it is; p is its closing quote. */
ALWAYS_INLINE int store_string(ll_json_parser *ps, size_t head, bool borrow, const char *body,
			       const char *p, bool escaped, parsed_string *out)
{
	size_t raw = (size_t)(p - body);
	if (borrow && !escaped) {
		*out = (parsed_string){ NULL, body, raw };
		ps->p = p + 1;
		return LL_OK;
	}
	unsigned char *block = ll_arena_alloc(ps->arena, head + raw + 1);
	if (!block)
		return ll_error_oom(ps->err);
	char *s = (char *)block + head;
	size_t len = raw;
	if (escaped)
		len = unescape(body, p, s);
	else
		copy_plain(s, body, raw);
	s[len] = '\0';
	*out = (parsed_string){ block, s, len };
	ps->p = p + 1;
	return LL_OK;
}

/* The rest of a string whose plain run stopped at p, short of its closing quote. */
static int parse_string_rest(ll_json_parser *ps, size_t head, bool borrow, const char *body,
			     const char *p, parsed_string *out)
{
	bool escaped = false;
	for (;;) {
		unsigned char c = (unsigned char)*p;
		if (c == '"')
			break;
		if (c == '\\') {
			int len = 0, st = check_escape(ps, p, &len);
			if (st)
				return st;
			escaped = true;
			p += len;
		} else if (c >= 0x80) {
			int n = ll_utf8_sequence((const unsigned char *)p, (size_t)(ps->end - p));
			if (n < 0 && !ps->eof)
				return LL_JSON_MORE;
			if (n < 0)
				return ll_json_fail(ps, p, "invalid UTF-8: the input ends inside a multi-byte character");
			if (n == 0)
				return ll_json_fail(ps, p, "invalid UTF-8: byte 0x%02X cannot appear here; the input must be UTF-8 encoded",
						    c);
			p += n;
		} else if (p == ps->end) {
			return more_or_fail(ps, "a closing '\"'");
		} else {
			return ll_json_fail(ps, p, "invalid JSON: control character 0x%02X in a string must be escaped",
					    c);
		}
		p = scan_plain(p);
	}
	return store_string(ps, head, borrow, body, p, escaped, out);
}

/*
 * Scans the string at p (the opening quote) and copies it into the arena
 * after head bytes, or borrows it (see parsed_string). Inlined for the
 * common string, plain ASCII: escapes, other UTF-8 and errors take
 * parse_string_rest.
 */
ALWAYS_INLINE int parse_string(ll_json_parser *ps, size_t head, bool borrow, parsed_string *out)
{
	const char *body = ps->p + 1, *p = scan_plain(body);
	if (*p != '"')
		return parse_string_rest(ps, head, borrow, body, p, out);
	return store_string(ps, head, borrow, body, p, false, out);
}

/* The head a string value keeps for its node, in front of its bytes. */
#define STRING_NODE ((sizeof(ll_json_value) + 15) & ~(size_t)15)

ALWAYS_INLINE int parse_string_value(ll_json_parser *ps, ll_json_value **out)
{
	parsed_string str;
	int st = parse_string(ps, STRING_NODE, false, &str);
	if (st)
		return st;
	ll_json_value *v = str.block;
	v->kind = LL_JSON_STRING;
	v->u.s.ptr = str.s;
	v->u.s.len = str.len;
	*out = v;
	return LL_OK;
}

/* ---- numbers and literals ------------------------------------------------ */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const char *skip_digits(const char *p)
{
	while (is_digit(*p))
		p++;
	return p;
}

/* The digits of an integer too large for int64, kept as text. */
static int big_integer(ll_json_parser *ps, const char *start, const char *p, ll_json_value *v)
{
	size_t len = (size_t)(p - start);
	char *s = ll_arena_strndup(ps->arena, start, len);
	if (!s)
		return ll_error_oom(ps->err);
	v->kind = LL_JSON_BIGINT;
	v->u.s.ptr = s;
	v->u.s.len = len;
	return LL_OK;
}

/* An integer of 19 digits or more: int64 if it fits, else its text. */
static int long_integer(ll_json_parser *ps, const char *start, const char *digits, const char *p,
			ll_json_value *v)
{
	bool neg = *start == '-';
	uint64_t mag = 0;
	for (const char *d = digits; d < p; d++) {
		unsigned dv = (unsigned)(*d - '0');
		if (mag > (UINT64_MAX - dv) / 10)
			return big_integer(ps, start, p, v);
		mag = mag * 10 + dv;
	}
	if (mag > (neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX))
		return big_integer(ps, start, p, v);
	v->kind = LL_JSON_INT;
	v->u.i = neg ? (int64_t)(0 - mag) : (int64_t)mag;
	return LL_OK;
}

/* A number with a fraction or exponent that the caller's fast path did not take. */
static int double_value(ll_json_parser *ps, const char *start, const char *p, ll_json_value *v)
{
	double d;
	if (ll_double_parse_exact(start, (size_t)(p - start), &d)) {
		v->kind = LL_JSON_DOUBLE;
		v->u.d = d;
		return LL_OK;
	}
	char *endp;
	d = strtod(start, &endp);
	if (endp != p || isinf(d) || isnan(d))
		return ll_json_fail(ps, start, "invalid JSON: number %.*s is out of range for a double; quote it to load it as text",
				    (int)(p - start > 60 ? 60 : p - start), start);
	v->kind = LL_JSON_DOUBLE;
	v->u.d = d;
	return LL_OK;
}

/* Appends the digits at *p to *mag, wrapping past 19 of them (the callers
 * count digits and refuse such a value); returns where they end. */
static const char *take_digits(const char *p, uint64_t *mag)
{
	uint64_t m = *mag;
	for (unsigned d; (d = (unsigned)(unsigned char)*p - '0') <= 9; p++)
		m = m * 10 + d;
	*mag = m;
	return p;
}

/*
 * The digits are read once, into a mantissa, as they are checked: an
 * integer below 10^18 is done with them, and so is a fraction without
 * exponent whose digits fit ll_double_from_decimal's exact case ("21.64").
 * Longer integers and other doubles read their text again.
 */
static int parse_number(ll_json_parser *ps, ll_json_value **out)
{
	const char *start = ps->p, *p = start;
	bool neg = *p == '-';
	p += neg;
	const char *digits = p;
	uint64_t mag = 0;
	if (*p == '0') {
		p++;
		if (is_digit(*p))
			return ll_json_fail(ps, start, "invalid JSON: numbers cannot have leading zeros");
	} else if (is_digit(*p)) {
		p = take_digits(p, &mag);
	} else if (p == ps->end) {
		return more_or_fail(ps, "a digit");
	} else if (*p == 'I') {
		return ll_json_fail(ps, start, "invalid JSON: -Infinity is not a JSON number; use null or a string");
	} else {
		return ll_json_fail(ps, p, "invalid JSON: expected a digit after '-'");
	}
	const char *int_end = p, *fraction = p;
	bool real = false, exponent = false;
	if (*p == '.') {
		real = true;
		fraction = ++p;
		if (!is_digit(*p))
			return p == ps->end ? more_or_fail(ps, "a digit")
					    : ll_json_fail(ps, p, "invalid JSON: expected a digit after '.'");
		p = take_digits(p, &mag);
	}
	if (*p == 'e' || *p == 'E') {
		real = exponent = true;
		p++;
		if (*p == '+' || *p == '-')
			p++;
		if (!is_digit(*p))
			return p == ps->end ? more_or_fail(ps, "a digit")
					    : ll_json_fail(ps, p, "invalid JSON: expected a digit in the exponent");
		p = skip_digits(p);
	}
	if (p == ps->end && !ps->eof)
		return LL_JSON_MORE; /* the next window may hold more digits */
	ll_json_value *v = new_value(ps, LL_JSON_INT);
	if (!v)
		return LL_ENOMEM;
	int st = LL_OK;
	size_t int_digits = (size_t)(int_end - digits), frac_digits = (size_t)(p - fraction);
	if (!real && int_digits <= 18) /* below 10^18: fits int64 whatever the digits */
		v->u.i = neg ? -(int64_t)mag : (int64_t)mag;
	else if (!real)
		st = long_integer(ps, start, digits, int_end, v);
	else if (exponent || int_digits + frac_digits > LL_DOUBLE_FAST_DIGITS ||
		 !ll_decimal_is_exact(mag, (int)frac_digits))
		st = double_value(ps, start, p, v);
	else {
		double d = ll_double_from_decimal(mag, (int)frac_digits);
		v->kind = LL_JSON_DOUBLE;
		v->u.d = neg ? -d : d;
	}
	if (st)
		return st;
	ps->p = p;
	*out = v;
	return LL_OK;
}

/*
 * The run of ASCII digits at p, if it is 1 to 7 digits long: its length,
 * with its value in *value; 0 for any other run. p may be end: the 8 bytes
 * read stay within the window's padding.
 */
static inline unsigned short_digit_run(const char *p, uint64_t *value)
{
#if defined(__GNUC__) && defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/* The 8 bytes as one word, converted without a loop. A digit's byte
	 * becomes 0-9; the first other byte has a high nibble set, as it is or
	 * after adding 6, and the digits before it borrow and carry nothing. */
	uint64_t x;
	memcpy(&x, p, 8);
	x -= UINT64_C(0x3030303030303030);
	uint64_t other = (x | (x + UINT64_C(0x0606060606060606))) & UINT64_C(0xF0F0F0F0F0F0F0F0);
	if (!other || (other & 0xF0))
		return 0;
	unsigned n = (unsigned)__builtin_ctzll(other) >> 3;
	/* The digits to the top bytes, the first one highest, then pairs of
	 * bytes, of 16-bit lanes and of 32-bit lanes merged into one number. */
	x <<= 64 - 8 * n;
	x = (x * 10 + (x >> 8)) & UINT64_C(0x00FF00FF00FF00FF);
	x = (x * 100 + (x >> 16)) & UINT64_C(0x0000FFFF0000FFFF);
	*value = (x * 10000 + (x >> 32)) & UINT64_C(0xFFFFFFFF);
	return n;
#else
	uint64_t v = 0;
	unsigned n = 0;
	for (; n < 8 && is_digit(p[n]); n++)
		v = v * 10 + (unsigned)(p[n] - '0');
	*value = v;
	return n < 8 ? n : 0;
#endif
}

/*
 * The common numbers, inlined where values are parsed: a non-negative
 * integer of up to 7 digits ("190824"), maybe with a fraction of up to 7
 * ("21.64"). Anything else, a sign, a leading zero, an exponent, more
 * digits, the end of the window and every error, is parse_number's.
 */
ALWAYS_INLINE int parse_common_number(ll_json_parser *ps, ll_json_value **out)
{
	static const uint32_t pow10[8] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000 };
	const char *p = ps->p;
	uint64_t mag, frac;
	unsigned int_digits = short_digit_run(p, &mag), frac_digits = 0;
	if (int_digits == 0 || (*p == '0' && int_digits > 1))
		return parse_number(ps, out);
	p += int_digits;
	if (*p == '.') {
		frac_digits = short_digit_run(p + 1, &frac);
		if (frac_digits == 0)
			return parse_number(ps, out);
		/* at most 14 digits: below 2^53, so ll_decimal_is_exact holds */
		mag = mag * pow10[frac_digits] + frac;
		p += 1 + frac_digits;
	}
	if (*p == 'e' || *p == 'E' || p == ps->end)
		return parse_number(ps, out);
	ll_json_value *v = new_value(ps, frac_digits ? LL_JSON_DOUBLE : LL_JSON_INT);
	if (!v)
		return LL_ENOMEM;
	if (frac_digits)
		v->u.d = ll_double_from_decimal(mag, (int)frac_digits);
	else
		v->u.i = (int64_t)mag;
	ps->p = p;
	*out = v;
	return LL_OK;
}

/* A literal that is not word: the error, or more input when a prefix of word ends the window. */
static int bad_literal(ll_json_parser *ps, const char *word)
{
	size_t n = strlen(word);
	size_t have = (size_t)(ps->end - ps->p);
	if (memcmp(ps->p, word, have < n ? have : n) != 0) {
		char tmp[32];
		return ll_json_fail(ps, ps->p, "invalid JSON: unexpected %s (expected a value)",
				    ll_json_describe(ps, ps->p, tmp));
	}
	return more_or_fail(ps, word);
}

/* Inlined, so word's length and the comparison are constants. */
static inline int parse_literal(ll_json_parser *ps, const char *word, ll_json_kind kind,
				ll_json_value **out)
{
	/* No length check: a word running past end would meet its NUL. */
	size_t n = strlen(word);
	if (memcmp(ps->p, word, n) != 0)
		return bad_literal(ps, word);
	ll_json_value *v = new_value(ps, kind);
	if (!v)
		return LL_ENOMEM;
	ps->p += n;
	*out = v;
	return LL_OK;
}

/* ---- containers ---------------------------------------------------------- */

static int parse_object(ll_json_parser *ps, ll_json_value **out);
static int parse_array(ll_json_parser *ps, ll_json_value **out);

/* A member's value or an array's item, dispatched here on its first byte
 * so that the common kinds skip ll_json_parse_value and its call. */
ALWAYS_INLINE int parse_child(ll_json_parser *ps, ll_json_value **out)
{
	char c = *ps->p;
	if (c == '"')
		return parse_string_value(ps, out);
	if (is_digit(c) || c == '-')
		return parse_common_number(ps, out);
	if (c == '{')
		return parse_object(ps, out);
	if (c == '[')
		return parse_array(ps, out);
	if (c == 't')
		return parse_literal(ps, "true", LL_JSON_TRUE, out);
	if (c == 'f')
		return parse_literal(ps, "false", LL_JSON_FALSE, out);
	if (c == 'n')
		return parse_literal(ps, "null", LL_JSON_NULL, out);
	return ll_json_parse_value(ps, out);
}

/* Keeps a reader's run that filled up until the runs are emptied: its entries are children. */
static bool retire(ll_json_parser *ps, char *base)
{
	if (ps->nretired == ps->retired_cap) {
		size_t cap = ps->retired_cap ? ps->retired_cap * 2 : 16;
		char **r = realloc(ps->retired, cap * sizeof(*r));
		if (!r)
			return false;
		ps->retired = r;
		ps->retired_cap = cap;
	}
	ps->retired[ps->nretired++] = base;
	return true;
}

/*
 * A run twice as large for a full one: the open container's entries move
 * to it, those of its closed siblings stay where their containers point.
 */
static int run_grow(ll_json_parser *ps, ll_json_run *run, size_t size)
{
	size_t n = run->used - run->first;
	size_t cap = run->cap ? run->cap * 2 : 16;
	char *base = ps->own_runs ? malloc(cap * size) : ll_arena_alloc(ps->arena, cap * size);
	if (!base)
		return ll_error_oom(ps->err);
	if (ps->own_runs && run->base && !retire(ps, run->base)) {
		free(base);
		return ll_error_oom(ps->err);
	}
	if (n)
		memcpy(base, run->base + run->first * size, n * size);
	run->base = base;
	run->used = n;
	run->first = 0;
	run->cap = cap;
	return LL_OK;
}

ALWAYS_INLINE int push_item(ll_json_parser *ps, int depth, ll_json_value *v)
{
	ll_json_run *run = &ps->levels[depth].items;
	if (run->used == run->cap) {
		int st = run_grow(ps, run, sizeof(ll_json_value *));
		if (st)
			return st;
	}
	((ll_json_value **)(void *)run->base)[run->used++] = v;
	return LL_OK;
}

ALWAYS_INLINE int push_member(ll_json_parser *ps, int depth, const char *key, size_t key_len,
			      ll_json_value *v)
{
	ll_json_run *run = &ps->levels[depth].members;
	if (run->used == run->cap) {
		int st = run_grow(ps, run, sizeof(ll_json_member));
		if (st)
			return st;
	}
	((ll_json_member *)(void *)run->base)[run->used++] = (ll_json_member){ key, key_len, v };
	return LL_OK;
}

void ll_json_parser_start_record(ll_json_parser *ps)
{
	if (!ps->keep)
		ll_json_parser_release(ps);
}

void ll_json_parser_release(ll_json_parser *ps)
{
	for (int d = 1; d <= ps->deepest; d++) {
		ps->levels[d].members.used = 0;
		ps->levels[d].items.used = 0;
	}
	ps->deepest = 0;
	for (size_t i = 0; i < ps->nretired; i++)
		free(ps->retired[i]);
	ps->nretired = 0;
}

/* Room for the levels down to depth, the new ones with empty runs. */
static int levels_grow(ll_json_parser *ps, int depth)
{
	size_t cap = ps->levels_cap ? ps->levels_cap * 2 : 8;
	while (cap <= (size_t)depth)
		cap *= 2;
	ll_json_level *levels = realloc(ps->levels, cap * sizeof(*levels));
	if (!levels)
		return ll_error_oom(ps->err);
	memset(levels + ps->levels_cap, 0, (cap - ps->levels_cap) * sizeof(*levels));
	ps->levels = levels;
	ps->levels_cap = cap;
	return LL_OK;
}

ALWAYS_INLINE int enter(ll_json_parser *ps)
{
	if (++ps->depth > LL_JSON_MAX_DEPTH)
		return ll_json_fail(ps, ps->p, "JSON nested deeper than %d levels is not supported",
				    LL_JSON_MAX_DEPTH);
	if (ps->depth > ps->deepest) { /* the record's first container at this depth */
		if ((size_t)ps->depth >= ps->levels_cap) {
			int st = levels_grow(ps, ps->depth);
			if (st)
				return st;
		}
		ps->deepest = ps->depth;
	}
	ps->p++;
	return ll_json_skip_ws(ps);
}

static int expected(ll_json_parser *ps, const char *what)
{
	char tmp[32];
	if (ps->p == ps->end)
		return more_or_fail(ps, what);
	return ll_json_fail(ps, ps->p, "invalid JSON: expected %s, found %s", what,
			    ll_json_describe(ps, ps->p, tmp));
}

/*
 * Whether p holds sep, one space and then a byte that starts a token: the
 * common spelling between tokens (", " and ": "), taken in one step instead
 * of a whitespace skip on either side of sep. Reads at most three bytes
 * from p <= end, within the window's padding.
 */
static inline bool at_spaced(const char *p, char sep)
{
	/* the first two bytes in one comparison */
	const char want_bytes[2] = { sep, ' ' };
	uint16_t have, want;
	memcpy(&have, p, 2);
	memcpy(&want, want_bytes, 2);
	return have == want && (unsigned char)p[2] > ' ';
}

/* A closed container's node; its children are the run's entries from first, NULL when none. */
ALWAYS_INLINE ll_json_value *close_container(ll_json_parser *ps, ll_json_kind kind,
					     const ll_json_run *run, size_t size, void **children)
{
	ll_json_value *v = new_value(ps, kind);
	if (!v)
		return NULL;
	*children = run->used > run->first ? run->base + run->first * size : NULL;
	ps->depth--;
	ps->p++;
	return v;
}

ALWAYS_INLINE int close_array(ll_json_parser *ps, int depth, ll_json_value **out)
{
	const ll_json_run *run = &ps->levels[depth].items;
	void *items;
	ll_json_value *v = close_container(ps, LL_JSON_ARRAY, run, sizeof(ll_json_value *), &items);
	if (!v)
		return LL_ENOMEM;
	v->u.arr.items = items;
	v->u.arr.count = run->used - run->first;
	*out = v;
	return LL_OK;
}

static int parse_array(ll_json_parser *ps, ll_json_value **out)
{
	int st = enter(ps);
	if (st)
		return st;
	int depth = ps->depth;
	ps->levels[depth].items.first = ps->levels[depth].items.used;
	if (*ps->p == ']')
		return close_array(ps, depth, out);
	for (;;) {
		ll_json_value *item;
		if ((st = parse_child(ps, &item)) || (st = push_item(ps, depth, item)))
			return st;
		if (at_spaced(ps->p, ',') && ps->p[2] != ']') {
			ps->p += 2;
			continue;
		}
		if ((st = ll_json_skip_ws(ps)))
			return st;
		if (*ps->p == ']')
			return close_array(ps, depth, out);
		if (*ps->p != ',')
			return expected(ps, "',' or ']' in an array");
		ps->p++;
		if ((st = ll_json_skip_ws(ps)))
			return st;
		if (*ps->p == ']')
			return ll_json_fail(ps, ps->p, "invalid JSON: trailing comma before ']'");
	}
}

ALWAYS_INLINE int close_object(ll_json_parser *ps, int depth, ll_json_value **out)
{
	const ll_json_run *run = &ps->levels[depth].members;
	void *members;
	ll_json_value *v = close_container(ps, LL_JSON_OBJECT, run, sizeof(ll_json_member), &members);
	if (!v)
		return LL_ENOMEM;
	v->u.obj.members = members;
	v->u.obj.count = run->used - run->first;
	*out = v;
	return LL_OK;
}

static int parse_member(ll_json_parser *ps, int depth)
{
	if (*ps->p != '"')
		return expected(ps, "a member name in double quotes");
	parsed_string key;
	ll_json_value *value;
	int st;
	/* Keys are borrowed: the input outlives the record (see ll_json_member). */
	if ((st = parse_string(ps, 0, true, &key)))
		return st;
	if (at_spaced(ps->p, ':')) {
		ps->p += 2;
	} else {
		if ((st = ll_json_skip_ws(ps)))
			return st;
		if (*ps->p != ':')
			return expected(ps, "':' after a member name");
		ps->p++;
		if ((st = ll_json_skip_ws(ps)))
			return st;
	}
	if ((st = parse_child(ps, &value)))
		return st;
	return push_member(ps, depth, key.s, key.len, value);
}

static int parse_object(ll_json_parser *ps, ll_json_value **out)
{
	int st = enter(ps);
	if (st)
		return st;
	int depth = ps->depth;
	ps->levels[depth].members.first = ps->levels[depth].members.used;
	if (*ps->p == '}')
		return close_object(ps, depth, out);
	for (;;) {
		if ((st = parse_member(ps, depth)))
			return st;
		if (at_spaced(ps->p, ',') && ps->p[2] == '"') {
			ps->p += 2;
			continue;
		}
		if ((st = ll_json_skip_ws(ps)))
			return st;
		if (*ps->p == '}')
			return close_object(ps, depth, out);
		if (*ps->p != ',')
			return expected(ps, "',' or '}' after an object member");
		ps->p++;
		if ((st = ll_json_skip_ws(ps)))
			return st;
		if (*ps->p == '}')
			return ll_json_fail(ps, ps->p, "invalid JSON: trailing comma before '}'");
	}
}

int ll_json_parse_value(ll_json_parser *ps, ll_json_value **out)
{
	char tmp[32];
	switch (*ps->p) {
	case '{': return parse_object(ps, out);
	case '[': return parse_array(ps, out);
	case '"': return parse_string_value(ps, out);
	case '-': case '0': case '1': case '2': case '3': case '4':
	case '5': case '6': case '7': case '8': case '9':
		return parse_number(ps, out);
	case 't': return parse_literal(ps, "true", LL_JSON_TRUE, out);
	case 'f': return parse_literal(ps, "false", LL_JSON_FALSE, out);
	case 'n': return parse_literal(ps, "null", LL_JSON_NULL, out);
	case 'N':
	case 'I':
		return ll_json_fail(ps, ps->p, "invalid JSON: NaN and Infinity are not JSON numbers; use null or a string");
	default:
		if (ps->p == ps->end)
			return more_or_fail(ps, "a value");
		if ((unsigned char)*ps->p >= 0x80 && ll_utf8_sequence((const unsigned char *)ps->p, (size_t)(ps->end - ps->p)) == 0)
			return ll_json_fail(ps, ps->p, "invalid UTF-8: byte 0x%02X cannot appear here; the input must be UTF-8 encoded",
					    (unsigned char)*ps->p);
		return ll_json_fail(ps, ps->p, "invalid JSON: unexpected %s, expected a value",
				    ll_json_describe(ps, ps->p, tmp));
	}
}

void ll_json_parser_free_levels(ll_json_parser *ps)
{
	ll_json_parser_release(ps); /* frees the retired runs, kept ones too */
	for (size_t d = 0; ps->own_runs && d < ps->levels_cap; d++) {
		free(ps->levels[d].members.base);
		free(ps->levels[d].items.base);
	}
	free(ps->levels);
	free(ps->retired);
	ps->levels = NULL;
	ps->retired = NULL;
	ps->levels_cap = ps->retired_cap = 0;
}
