/*
 * The reader against jansson, a JSON parser nobody here wrote: on generated
 * documents both must build the same values, and on mutated documents (a
 * byte flipped, dropped or doubled) both must agree on accepting or
 * rejecting. Documents use only what both support the same way: integers in
 * int64, unique keys, nesting below both depth limits.
 */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "json/json.h"
#include "test.h"
#include "util/buf.h"

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void ws(ll_buf *b)
{
	static const char *const blanks[] = { "", "", "", " ", "\n", "\t", "\r\n  " };
	ll_buf_puts(b, blanks[rnd() % 7]);
}

static void gen_string(ll_buf *b)
{
	static const char *const pieces[] = {
		"a", "Z", "0", " ", "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\u00e9", "\\u4E2D",
		"\\ud83d\\ude00", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "\\u0000", "\\b", "'",
	};
	ll_buf_putc(b, '"');
	for (int n = (int)(rnd() % 8); n > 0; n--)
		ll_buf_puts(b, pieces[rnd() % (sizeof(pieces) / sizeof(pieces[0]))]);
	ll_buf_putc(b, '"');
}

static void gen_number(ll_buf *b)
{
	switch (rnd() % 6) {
	case 0: ll_buf_printf(b, "%lld", (long long)(rnd() % 1000) - 500); break;
	case 1: ll_buf_printf(b, "%lld", (long long)rnd()); break;
	case 2: ll_buf_printf(b, "%.17g", (double)(int64_t)rnd() / 1e6); break;
	case 3: ll_buf_printf(b, "%de%d", (int)(rnd() % 90) + 1, (int)(rnd() % 600) - 300); break;
	case 4: ll_buf_printf(b, "-0.%03d", (int)(rnd() % 1000)); break;
	default: ll_buf_puts(b, rnd() % 2 ? "0" : "-0"); break;
	}
}

static void gen_value(ll_buf *b, int depth)
{
	unsigned kind = (unsigned)(rnd() % (depth > 6 ? 6 : 8));
	ws(b);
	switch (kind) {
	case 0: ll_buf_puts(b, "null"); break;
	case 1: ll_buf_puts(b, rnd() % 2 ? "true" : "false"); break;
	case 2: case 3: gen_number(b); break;
	case 4: case 5: gen_string(b); break;
	case 6: {
		ll_buf_putc(b, '[');
		int n = (int)(rnd() % 5);
		for (int i = 0; i < n; i++) {
			if (i)
				ll_buf_putc(b, ',');
			gen_value(b, depth + 1);
		}
		ws(b);
		ll_buf_putc(b, ']');
		break;
	}
	default: {
		ll_buf_putc(b, '{');
		int n = (int)(rnd() % 5);
		for (int i = 0; i < n; i++) {
			if (i)
				ll_buf_putc(b, ',');
			ws(b);
			ll_buf_printf(b, "\"k%d\\u00e9%d\"", i, (int)(rnd() % 10));
			ws(b);
			ll_buf_putc(b, ':');
			gen_value(b, depth + 1);
		}
		ws(b);
		ll_buf_putc(b, '}');
	}
	}
	ws(b);
}

static bool same(const ll_json_value *a, const json_t *j)
{
	switch (a->kind) {
	case LL_JSON_NULL: return json_is_null(j);
	case LL_JSON_TRUE: return json_is_true(j);
	case LL_JSON_FALSE: return json_is_false(j);
	case LL_JSON_INT: return json_is_integer(j) && json_integer_value(j) == a->u.i;
	case LL_JSON_BIGINT: return false; /* the generator stays within int64 */
	case LL_JSON_DOUBLE: return json_is_real(j) && json_real_value(j) == a->u.d;
	case LL_JSON_STRING:
		return json_is_string(j) && json_string_length(j) == a->u.s.len &&
		       memcmp(json_string_value(j), a->u.s.ptr, a->u.s.len) == 0;
	case LL_JSON_ARRAY:
		if (!json_is_array(j) || json_array_size(j) != a->u.arr.count)
			return false;
		for (size_t i = 0; i < a->u.arr.count; i++)
			if (!same(a->u.arr.items[i], json_array_get(j, i)))
				return false;
		return true;
	case LL_JSON_OBJECT:
		if (!json_is_object(j) || json_object_size(j) != a->u.obj.count)
			return false;
		for (size_t i = 0; i < a->u.obj.count; i++) {
			const ll_json_member *m = &a->u.obj.members[i];
			json_t *v = json_object_getn(j, m->key, m->key_len);
			if (!v || !same(m->value, v))
				return false;
		}
		return true;
	}
	return false;
}

static json_t *jansson_parse(const char *text, size_t len)
{
	json_error_t jerr;
	return json_loadb(text, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
}

static void test_same_values(void)
{
	ll_arena arena;
	ll_arena_init(&arena, 0);
	for (int i = 0; i < 20000; i++) {
		ll_buf doc = LL_BUF_INIT;
		gen_value(&doc, 0);
		const ll_json_value *ours;
		ll_error err = { 0 };
		json_t *theirs = jansson_parse(doc.data, doc.len);
		ll_status st = ll_json_parse(doc.data, doc.len, "doc", &arena, &ours, &err);
		if (!theirs || st != LL_OK || !same(ours, theirs)) {
			fprintf(stderr, "disagreement on %s (ours: %s)\n", doc.data, err.message);
			ll_test_failures++;
		}
		/* Our own serialization reads back as the same value. */
		if (st == LL_OK && theirs) {
			ll_buf out = LL_BUF_INIT;
			ll_json_write(ours, &out);
			json_t *again = jansson_parse(out.data, out.len);
			CHECK(again && json_equal(again, theirs));
			json_decref(again);
			ll_buf_free(&out);
		}
		json_decref(theirs);
		ll_buf_free(&doc);
		ll_arena_reset(&arena);
	}
	ll_arena_free(&arena);
}

/* jansson refuses integers beyond int64, which we keep as text. */
static bool has_bigint(const ll_json_value *v)
{
	if (v->kind == LL_JSON_BIGINT)
		return true;
	if (v->kind == LL_JSON_ARRAY)
		for (size_t i = 0; i < v->u.arr.count; i++)
			if (has_bigint(v->u.arr.items[i]))
				return true;
	if (v->kind == LL_JSON_OBJECT)
		for (size_t i = 0; i < v->u.obj.count; i++)
			if (has_bigint(v->u.obj.members[i].value))
				return true;
	return false;
}

static void mutate(ll_buf *doc)
{
	static const char bytes[] = "\"\\{}[],:0e.-+ \x80\xC3\xFF\x01tn";
	size_t at = (size_t)(rnd() % doc->len);
	switch (rnd() % 3) {
	case 0: doc->data[at] = bytes[rnd() % (sizeof(bytes) - 1)]; break;
	case 1: memmove(doc->data + at, doc->data + at + 1, doc->len - at - 1); doc->len--; break;
	default:
		ll_buf_putc(doc, 0);
		memmove(doc->data + at + 1, doc->data + at, doc->len - at - 1);
		break;
	}
}

static void test_same_verdicts(void)
{
	ll_arena arena;
	ll_arena_init(&arena, 0);
	int rejected = 0;
	for (int i = 0; i < 50000; i++) {
		ll_buf doc = LL_BUF_INIT;
		gen_value(&doc, 0);
		mutate(&doc);
		const ll_json_value *ours;
		ll_error err = { 0 };
		json_t *theirs = jansson_parse(doc.data, doc.len);
		ll_status st = ll_json_parse(doc.data, doc.len, "doc", &arena, &ours, &err);
		if ((theirs != NULL) != (st == LL_OK) && !(st == LL_OK && has_bigint(ours))) {
			fprintf(stderr, "verdicts differ (jansson %s, ours %s) on: %.*s\n",
				theirs ? "accepts" : "rejects", st == LL_OK ? "accepts" : err.message,
				(int)doc.len, doc.data);
			ll_test_failures++;
		}
		CHECK(st == LL_OK || st == LL_EFORMAT);
		CHECK(st != LL_EFORMAT || (err.line >= 1 && err.column >= 1));
		rejected += st != LL_OK;
		json_decref(theirs);
		ll_buf_free(&doc);
		ll_arena_reset(&arena);
	}
	CHECK(rejected > 10000);
	ll_arena_free(&arena);
}

LL_TEST_MAIN(LL_TEST(test_same_values), LL_TEST(test_same_verdicts))
