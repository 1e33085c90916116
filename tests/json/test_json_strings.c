/*
 * JSON strings against the parser's block-wise scanner and copier: a string
 * of every length around the 16-byte steps, starting at every offset within
 * a step, with each kind of special byte (escape, quote, multi-byte UTF-8,
 * DEL, control byte, invalid UTF-8, end of input) at every position of its
 * body. The value, or the error with its line and column, must be what the
 * byte alone decides, and must not change when the streaming reader's window
 * cuts the record anywhere. The same file runs against the portable scanner
 * (test_json_strings_portable).
 */
#include <stdlib.h>
#include <string.h>

#include "read_records.h"
#include "test.h"

#define MAX_BODY 70 /* past four 16-byte steps and the copier's 64-byte switch */

typedef struct piece {
	const char *raw;     /* as written in the JSON text */
	const char *decoded; /* the bytes it stands for; NULL: the string is rejected */
	const char *error;   /* words of the error, which is at the piece's first byte */
} piece;

static const piece pieces[] = {
	{ "\\n", "\n", NULL },
	{ "\\\"", "\"", NULL },
	{ "\\\\", "\\", NULL },
	{ "\\u00e9", "\xC3\xA9", NULL },
	{ "\\ud83d\\ude00", "\xF0\x9F\x98\x80", NULL },
	{ "\\u0000", "\0", NULL },
	{ "\xC3\xA9", "\xC3\xA9", NULL },
	{ "\xF0\x9F\x98\x80", "\xF0\x9F\x98\x80", NULL },
	{ "\x7F", "\x7F", NULL }, /* DEL needs no escape */
	{ "\x01", NULL, "control character 0x01" },
	{ "\x1F", NULL, "control character 0x1F" },
	{ "\t", NULL, "control character 0x09" },
	{ "\x80", NULL, "invalid UTF-8" },
	{ "\xFF", NULL, "invalid UTF-8" },
	{ "\xC3x", NULL, "invalid UTF-8" },
	{ "\xED\xA0\x80", NULL, "invalid UTF-8" }, /* a UTF-16 surrogate */
	{ "\\q", NULL, "bad escape" },
	{ "\\u12G4", NULL, "four hex digits" },
	{ "\\ud800x", NULL, "low surrogate" },
};
#define NPIECES (sizeof(pieces) / sizeof(pieces[0]))

static size_t decoded_len(const piece *pc)
{
	/* "\\u0000" decodes to one NUL byte */
	return pc->decoded[0] ? strlen(pc->decoded) : 1;
}

/* A body of len bytes: letters, with pc (if any) replacing the byte at k. */
static void make_body(ll_buf *raw, ll_buf *value, size_t len, const piece *pc, size_t k)
{
	for (size_t i = 0; i < len; i++) {
		if (pc && i == k) {
			ll_buf_puts(raw, pc->raw);
			if (pc->decoded)
				ll_buf_append(value, pc->decoded, decoded_len(pc));
			continue;
		}
		char c = (char)('a' + (i * 7) % 26);
		ll_buf_putc(raw, c);
		ll_buf_putc(value, c);
	}
}

static int fails; /* a failing case prints once, not once per offset */

/* The three numbers say which case failed, as each caller names them. */
static void report(const char *what, size_t a, size_t b, size_t c, const char *detail)
{
	if (fails++ < 20)
		fprintf(stderr, "%s (%zu, %zu, %zu): %s\n", what, a, b, c, detail);
	ll_test_failures++;
}

/* ll_json_parse of lead spaces and the string: the document ends right after it. */
static void check_document(size_t lead, const ll_buf *raw, const ll_buf *value, const piece *pc,
			   size_t len, size_t k)
{
	ll_buf doc = LL_BUF_INIT;
	for (size_t i = 0; i < lead; i++)
		ll_buf_putc(&doc, ' ');
	ll_buf_putc(&doc, '"');
	ll_buf_append(&doc, ll_buf_cstr(raw), raw->len);
	ll_buf_putc(&doc, '"');
	ll_arena arena;
	ll_arena_init(&arena, 0);
	ll_error err = { 0 };
	const ll_json_value *v = NULL;
	ll_status st = ll_json_parse(doc.data, doc.len, "doc", &arena, &v, &err);
	if (!pc || pc->decoded) {
		if (st != LL_OK || !v || v->kind != LL_JSON_STRING || v->u.s.len != value->len ||
		    memcmp(v->u.s.ptr, ll_buf_cstr(value), value->len) != 0 || v->u.s.ptr[value->len] != '\0')
			report("wrong value (lead, body, piece at)", lead, len, k, st ? err.message : "");
	} else {
		uint64_t column = lead + 2 + k;
		if (st != LL_EFORMAT || err.line != 1 || err.column != column || !strstr(err.message, pc->error)) {
			char detail[1200];
			snprintf(detail, sizeof(detail), "status %d at 1:%llu \"%s\", expected 1:%llu \"%s\"",
				 st, (unsigned long long)err.column, err.message,
				 (unsigned long long)column, pc->error);
			report("wrong error (lead, body, piece at)", lead, len, k, detail);
		}
	}
	ll_arena_free(&arena);
	ll_buf_free(&doc);
}

static void test_every_offset(void)
{
	for (size_t len = 0; len <= MAX_BODY; len++) {
		for (size_t lead = 0; lead < 16; lead++) {
			ll_buf raw = LL_BUF_INIT, value = LL_BUF_INIT;
			make_body(&raw, &value, len, NULL, 0);
			check_document(lead, &raw, &value, NULL, len, 0);
			for (size_t p = 0; p < NPIECES; p++) {
				for (size_t k = 0; k < len; k++) {
					ll_buf_clear(&raw);
					ll_buf_clear(&value);
					make_body(&raw, &value, len, &pieces[p], k);
					check_document(lead, &raw, &value, &pieces[p], len, k);
				}
			}
			ll_buf_free(&raw);
			ll_buf_free(&value);
		}
	}
}

/* A document that ends inside a string, an escape or a character fails at its end. */
static void test_cut_strings(void)
{
	static const char *const tails[] = { "", "\\", "\\u00", "\\ud83d", "\\ud83d\\u", "\xE4\xB8" };
	static const char *const words[] = { "expected a closing '\"'", "escape sequence",
					     "four hex digits", "low surrogate", "low surrogate",
					     "ends inside a multi-byte character" };
	for (size_t len = 0; len <= MAX_BODY; len++) {
		for (size_t t = 0; t < sizeof(tails) / sizeof(tails[0]); t++) {
			ll_buf doc = LL_BUF_INIT;
			ll_buf_puts(&doc, "\n  \"");
			for (size_t i = 0; i < len; i++)
				ll_buf_putc(&doc, 'x');
			size_t piece_at = doc.len;
			ll_buf_puts(&doc, tails[t]);
			ll_arena arena;
			ll_arena_init(&arena, 0);
			ll_error err = { 0 };
			const ll_json_value *v;
			ll_status st = ll_json_parse(doc.data, doc.len, "doc", &arena, &v, &err);
			/* at the end, except a cut character, which is named at its first byte */
			uint64_t column = t == 5 ? piece_at : doc.len; /* line 2 starts at offset 1 */
			if (st != LL_EFORMAT || err.line != 2 || err.column != column ||
			    !strstr(err.message, words[t]))
				report("wrong error for a cut string (body, tail)", len, t, 0, err.message);
			ll_arena_free(&arena);
			ll_buf_free(&doc);
		}
	}
}

/*
 * NDJSON whose records hold strings of every length with every piece, read
 * with windows of 1 to 40 bytes: strings end at, before and after each
 * window's end, and every read must match the one with the usual window,
 * records, positions and the error alike.
 */
static void test_windows(void)
{
	ll_buf good = LL_BUF_INIT;
	for (size_t len = 0; len <= 40; len++) {
		for (size_t p = 0; p < NPIECES; p++) {
			if (!pieces[p].decoded)
				continue;
			ll_buf raw = LL_BUF_INIT, value = LL_BUF_INIT;
			make_body(&raw, &value, len, &pieces[p], len / 2);
			ll_buf_printf(&good, "{\"k%zu\":\"", len);
			ll_buf_append(&good, ll_buf_cstr(&raw), raw.len);
			ll_buf_puts(&good, len % 3 ? "\"}\n" : "\", \"n\": 1}\r\n");
			ll_buf_free(&raw);
			ll_buf_free(&value);
		}
	}
	for (size_t p = 0; p < NPIECES; p++) {
		ll_buf text = LL_BUF_INIT, expected = LL_BUF_INIT;
		ll_buf_append(&text, good.data, good.len);
		ll_buf_puts(&text, "{\"last\": \"0123456789abcdef");
		ll_buf_puts(&text, pieces[p].raw);
		ll_buf_puts(&text, "\"}\n");
		ll_error want = { 0 };
		ll_status want_st = read_records(text.data, text.len, 0, true, &expected, &want);
		CHECK_INT(want_st, pieces[p].decoded ? LL_OK : LL_EFORMAT);
		if (!pieces[p].decoded)
			CHECK(strstr(want.message, pieces[p].error) != NULL && want.column == 27);
		for (size_t window = 1; window <= 40; window++) {
			ll_buf got = LL_BUF_INIT;
			ll_error err = { 0 };
			ll_status st = read_records(text.data, text.len, window, true, &got, &err);
			if (st != want_st || got.len != expected.len ||
			    memcmp(got.data, expected.data, got.len) != 0 || err.line != want.line ||
			    err.column != want.column || strcmp(err.message, want.message) != 0)
				report("a window changes the read (window, piece)", window, p, 0, err.message);
			ll_buf_free(&got);
		}
		ll_buf_free(&text);
		ll_buf_free(&expected);
	}
	ll_buf_free(&good);
}

LL_TEST_MAIN(LL_TEST(test_every_offset), LL_TEST(test_cut_strings), LL_TEST(test_windows))
