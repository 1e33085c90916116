/*
 * dlt's snake_case naming convention, reproduced step by step so that a
 * lakeload table or column has the name dlt would give it.
 *
 * dlt runs Python regular expressions over str values, so "a character" is
 * a code point and `\d` is any Unicode decimal digit (category Nd), while
 * [a-zA-Z] is ASCII only. The steps here work on UTF-8 bytes wherever that
 * gives the same result (every pattern but `\d` is ASCII) and decode code
 * points where Python would see them: trimming whitespace, keeping Unicode
 * digits, the leading-digit rule and the length limit.
 *
 * Invariant of every result: only ASCII lowercase letters, ASCII digits,
 * "_" and Unicode decimal digits; no "__" inside one identifier (paths use
 * "__" between identifiers); no trailing "_"; at most LL_NAME_MAX code points.
 */
#include "schema/schema.h"

#include <openssl/evp.h>
#include <string.h>

#include "util/base64.h"

/* First code points of the runs of ten Unicode decimal digits (Unicode 14, as Python 3.11). */
static const uint32_t digit_runs[] = {
	0x30,    0x660,   0x6f0,   0x7c0,   0x966,   0x9e6,   0xa66,   0xae6,   0xb66,
	0xbe6,   0xc66,   0xce6,   0xd66,   0xde6,   0xe50,   0xed0,   0xf20,   0x1040,
	0x1090,  0x17e0,  0x1810,  0x1946,  0x19d0,  0x1a80,  0x1a90,  0x1b50,  0x1bb0,
	0x1c40,  0x1c50,  0xa620,  0xa8d0,  0xa900,  0xa9d0,  0xa9f0,  0xaa50,  0xabf0,
	0xff10,  0x104a0, 0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450,
	0x114d0, 0x11650, 0x116c0, 0x11730, 0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0,
	0x16a60, 0x16ac0, 0x16b50, 0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140,
	0x1e2f0, 0x1e950, 0x1fbf0,
};

static bool is_digit_cp(uint32_t cp)
{
	for (size_t i = 0; i < sizeof(digit_runs) / sizeof(digit_runs[0]); i++) {
		if (cp >= digit_runs[i] && cp < digit_runs[i] + 10)
			return true;
	}
	return false;
}

/* Python's str.isspace(), which is what str.strip() removes. */
static bool is_space_cp(uint32_t cp)
{
	return (cp >= 0x09 && cp <= 0x0d) || (cp >= 0x1c && cp <= 0x20) || cp == 0x85 ||
	       cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) || cp == 0x2028 ||
	       cp == 0x2029 || cp == 0x202f || cp == 0x205f || cp == 0x3000;
}

/*
 * Decodes the code point at s; returns its length in bytes (at least 1). A
 * byte that does not start a valid sequence decodes as itself, which makes
 * it a non-alphanumeric character like any other.
 */
static size_t utf8_next(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
	if (n == 0 || n > len) {
		*cp = 0xfffd;
		return 1;
	}
	uint32_t v = n == 1 ? c : n == 2 ? (c & 0x1fu) : n == 3 ? (c & 0x0fu) : (c & 0x07u);
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*cp = 0xfffd;
			return 1;
		}
		v = (v << 6) | (s[i] & 0x3fu);
	}
	*cp = v;
	return n;
}

/* Start of the code point that ends at s[end - 1]. */
static size_t utf8_prev(const unsigned char *s, size_t end)
{
	size_t i = end - 1;
	while (i > 0 && end - i < 4 && (s[i] & 0xc0) == 0x80)
		i--;
	return i;
}

static void strip_spaces(const char *in, size_t len, size_t *start, size_t *end)
{
	const unsigned char *s = (const unsigned char *)in;
	size_t b = 0, e = len;
	uint32_t cp;
	while (b < e) {
		size_t n = utf8_next(s + b, e - b, &cp);
		if (!is_space_cp(cp))
			break;
		b += n;
	}
	while (e > b) {
		size_t p = utf8_prev(s, e);
		if (p < b)
			p = b;
		utf8_next(s + p, e - p, &cp);
		if (!is_space_cp(cp))
			break;
		e = p;
	}
	*start = b;
	*end = e;
}

static bool is_word_ascii(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* translate("+-*@|" -> "x_xal"), then every run of other characters -> "_". */
static void reduce_alphabet(const unsigned char *s, size_t len, ll_buf *out)
{
	bool in_run = false;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t n = utf8_next(s + i, len - i, &cp);
		const char *tr = memchr("+-*@|", (int)s[i], 5);
		char c = tr ? "x_xal"[tr - "+-*@|"] : (char)s[i];
		bool keep = n == 1 && cp < 0x80 ? is_word_ascii((unsigned char)c) : is_digit_cp(cp);
		if (keep) {
			if (n == 1)
				ll_buf_putc(out, c);
			else
				ll_buf_append(out, s + i, n);
			in_run = false;
		} else if (!in_run) {
			ll_buf_putc(out, '_');
			in_run = true;
		}
		i += n;
	}
}

static bool is_upper(char c)
{
	return c >= 'A' && c <= 'Z';
}

static bool is_lower(char c)
{
	return c >= 'a' && c <= 'z';
}

/* re.sub("([^_])([A-Z][a-z]+)", r"\1_\2"): non-overlapping, left to right. */
static void break_words(const char *s, size_t len, ll_buf *out)
{
	size_t i = 0;
	while (i < len) {
		if (s[i] != '_' && i + 2 < len && is_upper(s[i + 1]) && is_lower(s[i + 2])) {
			size_t j = i + 3;
			while (j < len && is_lower(s[j]))
				j++;
			ll_buf_putc(out, s[i]);
			ll_buf_putc(out, '_');
			ll_buf_append(out, s + i + 1, j - i - 1);
			i = j;
		} else {
			ll_buf_putc(out, s[i++]);
		}
	}
}

/* re.sub("([a-z0-9])([A-Z])", r"\1_\2") followed by lower(). */
static void break_case_lower(const char *s, size_t len, ll_buf *out)
{
	size_t i = 0;
	while (i < len) {
		char c = s[i];
		if ((is_lower(c) || (c >= '0' && c <= '9')) && i + 1 < len && is_upper(s[i + 1])) {
			ll_buf_putc(out, c);
			ll_buf_putc(out, '_');
			ll_buf_putc(out, (char)(s[i + 1] - 'A' + 'a'));
			i += 2;
		} else {
			ll_buf_putc(out, is_upper(c) ? (char)(c - 'A' + 'a') : c);
			i++;
		}
	}
}

/* Leading digit -> "_" prefix; trailing "_" -> "x" each; "__+" -> "_". */
static void finish_identifier(const char *s, size_t len, ll_buf *out)
{
	uint32_t cp = 0;
	if (len)
		utf8_next((const unsigned char *)s, len, &cp);
	if (len && is_digit_cp(cp))
		ll_buf_putc(out, '_');
	size_t end = len;
	while (end > 0 && s[end - 1] == '_')
		end--;
	for (size_t i = 0; i < end; i++) {
		if (s[i] == '_' && out->len && out->data[out->len - 1] == '_')
			continue;
		ll_buf_putc(out, s[i]);
	}
	for (size_t i = end; i < len; i++)
		ll_buf_putc(out, 'x');
}

/* dlt's _compute_tag: 4 bytes of SHAKE-128, base64 without padding, "/+" -> "ab", lowercase. */
static void compute_tag(const char *source, size_t len, char tag[7])
{
	unsigned char digest[4] = { 0 };
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (ctx) {
		if (EVP_DigestInit_ex(ctx, EVP_shake128(), NULL) != 1 ||
		    EVP_DigestUpdate(ctx, source, len) != 1 ||
		    EVP_DigestFinalXOF(ctx, digest, sizeof(digest)) != 1)
			memset(digest, 0, sizeof(digest));
		EVP_MD_CTX_free(ctx);
	}
	ll_buf b64 = LL_BUF_INIT;
	ll_base64_encode(digest, sizeof(digest), &b64);
	for (size_t i = 0; i < 6; i++) {
		char c = i < b64.len ? b64.data[i] : 'a';
		c = c == '/' ? 'a' : c == '+' ? 'b' : c;
		tag[i] = is_upper(c) ? (char)(c - 'A' + 'a') : c;
	}
	tag[6] = '\0';
	ll_buf_free(&b64);
}

static size_t count_code_points(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += ((unsigned char)s[i] & 0xc0) != 0x80;
	return n;
}

/* Byte offset of code point number k. */
static size_t code_point_offset(const char *s, size_t len, size_t k)
{
	size_t i = 0;
	while (i < len && k > 0) {
		i++;
		while (i < len && ((unsigned char)s[i] & 0xc0) == 0x80)
			i++;
		k--;
	}
	return i;
}

/* dlt's shorten_identifier: keep head and tail around the tag of the original. */
static void shorten_into(const char *name, size_t len, const char *tag_source, size_t tag_len,
			 ll_buf *out)
{
	size_t cps = count_code_points(name, len);
	if (cps <= LL_NAME_MAX) {
		ll_buf_append(out, name, len);
		return;
	}
	char tag[7];
	compute_tag(tag_source, tag_len, tag);
	size_t remaining = LL_NAME_MAX - 6;
	size_t head = code_point_offset(name, len, remaining / 2 + remaining % 2);
	size_t tail = code_point_offset(name, len, cps - remaining / 2);
	ll_buf_append(out, name, head);
	ll_buf_append(out, tag, 6);
	ll_buf_append(out, name + tail, len - tail);
}

void ll_naming_normalize(const char *in, size_t len, ll_buf *out)
{
	ll_buf_clear(out);
	size_t b, e;
	strip_spaces(in, len, &b, &e);
	if (b == e)
		return;
	ll_buf reduced = LL_BUF_INIT, words = LL_BUF_INIT, lower = LL_BUF_INIT, done = LL_BUF_INIT;
	reduce_alphabet((const unsigned char *)in + b, e - b, &reduced);
	break_words(ll_buf_cstr(&reduced), reduced.len, &words);
	break_case_lower(ll_buf_cstr(&words), words.len, &lower);
	finish_identifier(ll_buf_cstr(&lower), lower.len, &done);
	if (ll_buf_oom(&reduced) || ll_buf_oom(&words) || ll_buf_oom(&lower) || ll_buf_oom(&done))
		out->oom = true;
	else
		shorten_into(done.data, done.len, in + b, e - b, out);
	ll_buf_free(&reduced);
	ll_buf_free(&words);
	ll_buf_free(&lower);
	ll_buf_free(&done);
}

/* True when s[0, len) is empty or only whitespace (Python's `not s.strip()`). */
static bool is_blank(const char *s, size_t len)
{
	size_t b, e;
	strip_spaces(s, len, &b, &e);
	return b == e;
}

void ll_naming_normalize_path(const char *in, size_t len, ll_buf *out)
{
	ll_buf_clear(out);
	ll_buf joined = LL_BUF_INIT, part = LL_BUF_INIT;
	size_t start = 0;
	while (start <= len) {
		const char *sep = NULL;
		for (size_t i = start; i + 1 < len; i++) {
			if (in[i] == '_' && in[i + 1] == '_') {
				sep = in + i;
				break;
			}
		}
		size_t end = sep ? (size_t)(sep - in) : len;
		if (!is_blank(in + start, end - start)) {
			ll_naming_normalize(in + start, end - start, &part);
			if (joined.len)
				ll_buf_append(&joined, "__", 2);
			ll_buf_append(&joined, ll_buf_cstr(&part), part.len);
			if (ll_buf_oom(&part))
				joined.oom = true;
		}
		start = end + 2;
	}
	if (ll_buf_oom(&joined))
		out->oom = true;
	else
		shorten_into(ll_buf_cstr(&joined), joined.len, in, len, out);
	ll_buf_free(&joined);
	ll_buf_free(&part);
}

void ll_naming_shorten(const char *name, size_t len, ll_buf *out)
{
	shorten_into(name, len, name, len, out);
}

void ll_naming_join(const char *prefix, const char *name, ll_buf *out)
{
	ll_buf joined = LL_BUF_INIT;
	ll_buf_puts(&joined, prefix);
	if (prefix[0] && name[0])
		ll_buf_append(&joined, "__", 2);
	ll_buf_puts(&joined, name);
	if (ll_buf_oom(&joined))
		out->oom = true;
	else
		ll_naming_shorten(ll_buf_cstr(&joined), joined.len, out);
	ll_buf_free(&joined);
}
