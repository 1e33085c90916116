/*
 * The streaming JSON reader: record shapes, number kinds, strings, strict
 * rejection of invalid input with its exact position, records that straddle
 * the reader's window, and gzip input.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "extract/input.h"
#include "json/json.h"
#include "read_records.h"
#include "test.h"
#include "util/buf.h"

static void check_records(const char *text, const char *expected)
{
	ll_buf out = LL_BUF_INIT;
	ll_error err = { 0 };
	CHECK_OK(read_records(text, strlen(text), 0, false, &out, &err), &err);
	if (strcmp(ll_buf_cstr(&out), expected) != 0)
		fprintf(stderr, "input: %s\n", text);
	CHECK_STR(ll_buf_cstr(&out), expected);
	ll_buf_free(&out);
}

static void check_rejected(const char *text, uint64_t line, uint64_t column, const char *words)
{
	ll_buf out = LL_BUF_INIT;
	ll_error err = { 0 };
	ll_status st = read_records(text, strlen(text), 0, false, &out, &err);
	if (st != LL_EFORMAT || err.line != line || err.column != column ||
	    !strstr(err.message, words)) {
		fprintf(stderr, "input %s: status %d at %llu:%llu \"%s\", expected %llu:%llu \"%s\"\n",
			text, st, (unsigned long long)err.line, (unsigned long long)err.column,
			err.message, (unsigned long long)line, (unsigned long long)column, words);
		ll_test_failures++;
	}
	CHECK_STR(err.file, "t.json");
	ll_buf_free(&out);
}

static void test_shapes(void)
{
	check_records("{\"a\":1}\n{\"a\":2}\n", "{\"a\":1}\n{\"a\":2}\n");
	check_records("{\"a\":1}\r\n{\"a\":2}", "{\"a\":1}\n{\"a\":2}\n");
	check_records("[{\"a\":1},\n {\"a\":2}]\n", "{\"a\":1}\n{\"a\":2}\n");
	check_records("  {\"a\": {\"b\": [1, 2, {\"c\": null}]}}  ", "{\"a\":{\"b\":[1,2,{\"c\":null}]}}\n");
	check_records("{\"a\":1}{\"a\":2} {\"a\":3}", "{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n");
	check_records("", "");
	check_records(" \n\n ", "");
	check_records("[]", "");
	check_records("[ ]\n", "");
	check_records("\xEF\xBB\xBF{\"bom\":true}", "{\"bom\":true}\n");
	check_records("{}\n[]\n", "{}\n[]\n");
	check_records("{\"k\":1,\"k\":2}", "{\"k\":1,\"k\":2}\n");
	check_records("{\"t\":true,\"f\":false,\"n\":null}", "{\"t\":true,\"f\":false,\"n\":null}\n");
	check_records("[[1,[2,[3]]],[]]", "[1,[2,[3]]]\n[]\n");
}

static void test_numbers(void)
{
	ll_arena arena;
	ll_arena_init(&arena, 0);
	ll_error err = { 0 };
	const ll_json_value *v;
	static const char doc[] = "[0, -0, 9223372036854775807, -9223372036854775808, "
				  "9223372036854775808, -9223372036854775809, "
				  "123456789012345678901234567890, 1.5, -2.5e-3, 1E2, 1e-400, 0.1]";
	CHECK_OK(ll_json_parse(doc, strlen(doc), "doc", &arena, &v, &err), &err);
	CHECK(v && v->kind == LL_JSON_ARRAY && v->u.arr.count == 12);
	if (!v || v->u.arr.count != 12) {
		ll_arena_free(&arena);
		return;
	}
	ll_json_value **it = v->u.arr.items;
	CHECK(it[0]->kind == LL_JSON_INT && it[0]->u.i == 0);
	CHECK(it[1]->kind == LL_JSON_INT && it[1]->u.i == 0);
	CHECK(it[2]->kind == LL_JSON_INT && it[2]->u.i == INT64_MAX);
	CHECK(it[3]->kind == LL_JSON_INT && it[3]->u.i == INT64_MIN);
	CHECK(it[4]->kind == LL_JSON_BIGINT);
	CHECK_STR(it[4]->u.s.ptr, "9223372036854775808");
	CHECK(it[5]->kind == LL_JSON_BIGINT);
	CHECK_STR(it[5]->u.s.ptr, "-9223372036854775809");
	CHECK_STR(it[6]->u.s.ptr, "123456789012345678901234567890");
	CHECK(it[7]->kind == LL_JSON_DOUBLE && it[7]->u.d == 1.5);
	CHECK(it[8]->kind == LL_JSON_DOUBLE && it[8]->u.d == -2.5e-3);
	CHECK(it[9]->kind == LL_JSON_DOUBLE && it[9]->u.d == 100.0);
	CHECK(it[10]->kind == LL_JSON_DOUBLE && it[10]->u.d == 0.0); /* underflow is zero, not an error */
	ll_buf out = LL_BUF_INIT;
	ll_json_write(it[11], &out);
	CHECK_STR(ll_buf_cstr(&out), "0.1");
	ll_buf_free(&out);
	ll_arena_free(&arena);
}

/* Integers of 1 to 21 digits, across the 18-digit fast path and int64's
 * range, against strtoll: an int64 exactly, a BIGINT with its text beyond. */
static void test_integer_digits(void)
{
	static const char *const leads[] = { "1", "9", "92233720368547758", "12345678901234567890" };
	ll_arena arena;
	ll_arena_init(&arena, 0);
	for (size_t l = 0; l < sizeof(leads) / sizeof(leads[0]); l++) {
		for (size_t digits = strlen(leads[l]); digits <= 21; digits++) {
			for (int neg = 0; neg < 2; neg++) {
				char text[32];
				size_t n = 0;
				if (neg)
					text[n++] = '-';
				for (size_t i = 0; i < digits; i++)
					text[n++] = i < strlen(leads[l]) ? leads[l][i] : (char)('0' + (i * 7) % 10);
				text[n] = '\0';
				errno = 0;
				long long want = strtoll(text, NULL, 10);
				bool fits = errno != ERANGE;
				ll_error err = { 0 };
				const ll_json_value *v = NULL;
				CHECK_OK(ll_json_parse(text, n, "doc", &arena, &v, &err), &err);
				if (!v)
					continue;
				if (fits ? v->kind != LL_JSON_INT || v->u.i != want
					 : v->kind != LL_JSON_BIGINT || strcmp(v->u.s.ptr, text) != 0) {
					fprintf(stderr, "integer %s read wrong\n", text);
					ll_test_failures++;
				}
				ll_arena_reset(&arena);
			}
		}
	}
	ll_arena_free(&arena);
}

/* Parses "{\"a\": <text>, \"b\": [<text>, <text>]}" with the reader and
 * checks all three values are the double strtod reads from text. */
static void check_decimal(const char *text)
{
	char doc[128];
	snprintf(doc, sizeof(doc), "{\"a\": %s, \"b\": [%s, %s]}", text, text, text);
	double want = strtod(text, NULL);
	ll_arena arena;
	ll_arena_init(&arena, 0);
	ll_error err = { 0 };
	const ll_json_value *v = NULL;
	CHECK_OK(ll_json_parse(doc, strlen(doc), "doc", &arena, &v, &err), &err);
	const ll_json_value *a = ll_json_get(v, "a"), *b = ll_json_get(v, "b");
	bool right = a && a->kind == LL_JSON_DOUBLE && memcmp(&a->u.d, &want, sizeof(want)) == 0 &&
		     b && b->kind == LL_JSON_ARRAY && b->u.arr.count == 2;
	for (size_t i = 0; right && i < 2; i++)
		right = b->u.arr.items[i]->kind == LL_JSON_DOUBLE &&
			memcmp(&b->u.arr.items[i]->u.d, &want, sizeof(want)) == 0;
	if (!right) {
		fprintf(stderr, "decimal %s read wrong in %s\n", text, doc);
		ll_test_failures++;
	}
	ll_arena_free(&arena);
}

/* Decimals of 1 to 10 integer digits and 1 to 10 fraction digits, either
 * sign, with and without leading and trailing zeros: across the short
 * digit runs read a word at a time and the general path, each must be the
 * double strtod gives, to the bit. */
static void test_decimal_digits(void)
{
	static const char digits[] = "9071342685";
	for (size_t whole = 1; whole <= 10; whole++) {
		for (size_t frac = 1; frac <= 10; frac++) {
			for (int form = 0; form < 4; form++) {
				char text[32];
				size_t n = 0;
				if (form & 1)
					text[n++] = '-';
				for (size_t i = 0; i < whole; i++)
					text[n++] = form & 2 && whole == 1 ? '0' : digits[(i + frac) % 10];
				if (text[form & 1] == '0' && whole > 1)
					text[form & 1] = '1'; /* no leading zeros */
				text[n++] = '.';
				for (size_t i = 0; i < frac; i++)
					text[n++] = form & 2 && i == 0 ? '0' : digits[(i * 3 + whole) % 10];
				text[n] = '\0';
				check_decimal(text);
			}
		}
	}
	static const char *const edges[] = {
		"0.1", "0.5", "-0.0", "0.0000001", "9999999.9999999", "1234567.1234567",
		"12345678.1", "1.12345678", "9007199254740993.0", "900719925474099.3", "21.64",
		"0.30000000000000004", "7.0e0", "1.5E+2",
	};
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		check_decimal(edges[i]);
}

/* Numbers cut by the reader's window at every byte read the same as whole. */
static void test_numbers_across_windows(void)
{
	static const char text[] = "{\"id\": 1234567, \"p\": 21.64, \"q\": [3, 0, 0.5, 12345678, -7]}\n"
				   "{\"id\": 7, \"p\": 1234567.1234567, \"q\": []}\n7\n21.5\n";
	ll_buf whole = LL_BUF_INIT;
	ll_error err = { 0 };
	CHECK_OK(read_records(text, strlen(text), 0, true, &whole, &err), &err);
	CHECK_STR(ll_buf_cstr(&whole), "1:1 {\"id\":1234567,\"p\":21.64,\"q\":[3,0,0.5,12345678,-7]}\n"
				      "2:1 {\"id\":7,\"p\":1234567.1234567,\"q\":[]}\n3:1 7\n4:1 21.5\n");
	for (size_t window = 1; window < sizeof(text); window++) {
		ll_buf cut = LL_BUF_INIT;
		CHECK_OK(read_records(text, strlen(text), window, true, &cut, &err), &err);
		CHECK_STR(ll_buf_cstr(&cut), ll_buf_cstr(&whole));
		ll_buf_free(&cut);
	}
	ll_buf_free(&whole);
}

/* ", " and ": " are read in one step; any other spacing around them reads
 * the same, and a mistake after them is reported where it is. */
static void test_separators(void)
{
	static const char want[] = "{\"a\":1,\"b\":[1,\"x\",true,{}],\"c\":\"d\"}\n";
	check_records("{\"a\": 1, \"b\": [1, \"x\", true, {}], \"c\": \"d\"}", want);
	check_records("{\"a\":1,\"b\":[1,\"x\",true,{}],\"c\":\"d\"}", want);
	check_records("{\"a\" : 1 , \"b\" :  [1 ,  \"x\",\ttrue,\n{}] ,\"c\":\r\n\"d\"}", want);
	check_records("{\"a\":\n1,\n\"b\": [1,\n \"x\", true, {}],\n \"c\":  \"d\" }", want);
	check_rejected("{\"a\": 1, }", 1, 10, "trailing comma");
	check_rejected("{\"a\": 1,  }", 1, 11, "trailing comma");
	check_rejected("[1, ]", 1, 5, "trailing comma");
	check_rejected("{\"a\": 1, 2}", 1, 10, "member name");
	check_rejected("{\"a\": 1, \n\"b\": }", 2, 6, "expected a value");
	check_rejected("{\"a\": }", 1, 7, "expected a value");
	check_rejected("{\"a\": ,}", 1, 7, "expected a value");
	check_rejected("{\"a\":: 1}", 1, 6, "expected a value");
	check_rejected("{\"a\": 1,, \"b\": 2}", 1, 9, "member name");
	check_rejected("[1, , 2]", 1, 5, "expected a value");
	check_rejected("{\"a\": tru, \"b\": 1}", 1, 7, "unexpected 't'");
	check_rejected("{\"a\": 1.5e, \"b\": 1}", 1, 11, "exponent");
}

static void test_strings(void)
{
	check_records("{\"s\":\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"}", "{\"s\":\"a\\\"b\\\\c/d\\b\\f\\n\\r\\t\"}\n");
	check_records("{\"s\":\"\\u00e9\\u4e2d\\ud83d\\ude00\"}", "{\"s\":\"\xC3\xA9\xE4\xB8\xAD\xF0\x9F\x98\x80\"}\n");
	check_records("{\"na\xC3\xAFve\":\"\xF0\x9F\x98\x80\"}", "{\"na\xC3\xAFve\":\"\xF0\x9F\x98\x80\"}\n");
	check_records("{\"nul\":\"a\\u0000b\"}", "{\"nul\":\"a\\u0000b\"}\n");

	ll_arena arena;
	ll_arena_init(&arena, 0);
	ll_error err = { 0 };
	const ll_json_value *v;
	CHECK_OK(ll_json_parse("\"x\\u0000y\"", 10, "doc", &arena, &v, &err), &err);
	CHECK(v && v->kind == LL_JSON_STRING && v->u.s.len == 3 && memcmp(v->u.s.ptr, "x\0y", 3) == 0);
	ll_arena_free(&arena);
}

/* A document's tree, keys too, needs only the arena: the caller's text may go at once. */
static void test_parse_outlives_text(void)
{
	static const char doc[] = "{\"plain\": 1, \"a\\u0062c\": 2, \"na\xC3\xAFve\": 3}";
	char *text = strdup(doc);
	ll_arena arena;
	ll_arena_init(&arena, 0);
	ll_error err = { 0 };
	const ll_json_value *v;
	CHECK_OK(ll_json_parse(text, strlen(text), "doc", &arena, &v, &err), &err);
	memset(text, 'x', strlen(text));
	free(text);
	CHECK(v && v->kind == LL_JSON_OBJECT && v->u.obj.count == 3);
	ll_buf out = LL_BUF_INIT;
	ll_json_write(v, &out);
	CHECK_STR(ll_buf_cstr(&out), "{\"plain\":1,\"abc\":2,\"na\xC3\xAFve\":3}");
	const ll_json_value *abc = ll_json_get(v, "abc");
	CHECK(abc && abc->kind == LL_JSON_INT && abc->u.i == 2);
	ll_buf_free(&out);
	ll_arena_free(&arena);
}

static void test_rejections(void)
{
	check_rejected("{\"a\":1}\n{\"a\":", 2, 6, "unexpected end of input");
	check_rejected("{\"a\":1}\n{\"a\":2", 2, 7, "unexpected end of input");
	check_rejected("{\"a\":\"abc", 1, 10, "unexpected end of input");
	check_rejected("{\"a\":NaN}", 1, 6, "NaN");
	check_rejected("{\"a\":Infinity}", 1, 6, "Infinity");
	check_rejected("{\"a\":-Infinity}", 1, 6, "Infinity");
	check_rejected("\n\n  {\"a\":1e400}", 3, 8, "out of range");
	check_rejected("{\"a\":-1e400}", 1, 6, "out of range");
	check_rejected("{\"a\":\"x\\q\"}", 1, 8, "bad escape");
	check_rejected("{\"a\":\"\\u12G4\"}", 1, 7, "four hex digits");
	check_rejected("{\"a\":\"\\ud800\"}", 1, 7, "low surrogate");
	check_rejected("{\"a\":\"\\udc00\"}", 1, 7, "lone low surrogate");
	check_rejected("{\"a\":\"\xFF\"}", 1, 7, "invalid UTF-8");
	check_rejected("{\"a\":\"\xC0\xAF\"}", 1, 7, "invalid UTF-8");          /* overlong '/' */
	check_rejected("{\"a\":\"\xE0\x80\xAF\"}", 1, 7, "invalid UTF-8");      /* overlong */
	check_rejected("{\"a\":\"\xED\xA0\x80\"}", 1, 7, "invalid UTF-8");      /* UTF-16 surrogate */
	check_rejected("{\"a\":\"\xF4\x90\x80\x80\"}", 1, 7, "invalid UTF-8");  /* above U+10FFFF */
	check_rejected("{\"a\":\"\xC3\"}", 1, 7, "invalid UTF-8");              /* cut sequence */
	check_rejected("{\"a\":\"\xC3", 1, 7, "ends inside a multi-byte character");
	check_rejected("{\"\xFF\":1}", 1, 3, "invalid UTF-8");
	check_rejected("{\"a\":\"tab\there\"}", 1, 10, "control character");
	check_rejected("{\"a\":01}", 1, 6, "leading zeros");
	check_rejected("{\"a\":1.}", 1, 8, "digit after '.'");
	check_rejected("{\"a\":1e}", 1, 8, "exponent");
	check_rejected("{\"a\":-}", 1, 7, "digit after '-'");
	check_rejected("{\"a\":+1}", 1, 6, "unexpected '+'");
	check_rejected("{\"a\":1,}", 1, 8, "trailing comma");
	check_rejected("{\"a\":[1,]}", 1, 9, "trailing comma");
	check_rejected("{\"a\" 1}", 1, 6, "':'");
	check_rejected("{a:1}", 1, 2, "member name");
	check_rejected("{'a':1}", 1, 2, "member name");
	check_rejected("{\"a\":1 \"b\":2}", 1, 8, "',' or '}'");
	check_rejected("{\"a\":tru}", 1, 6, "unexpected 't'");
	check_rejected("{\"a\":nul", 1, 9, "unexpected end of input");
	check_rejected("[{\"a\":1},]", 1, 10, "trailing comma");
	check_rejected("[{\"a\":1} {\"a\":2}]", 1, 10, "',' or ']'");
	check_rejected("[{\"a\":1}", 1, 9, "expected ']'");
	check_rejected("[{\"a\":1}] {\"b\":2}", 1, 11, "after the top-level array");
	check_rejected("{\"a\":1}\n}", 2, 1, "unexpected '}'");
	check_rejected("\xC3\xA9", 1, 1, "unexpected byte 0xC3");
	check_rejected("\x80", 1, 1, "invalid UTF-8");
}

static void test_depth_limit(void)
{
	size_t depth = 1002; /* the top-level array's own level is not counted */
	char *text = malloc(depth * 2 + 1);
	memset(text, '[', depth);
	memset(text + depth, ']', depth);
	text[depth * 2] = '\0';
	ll_buf out = LL_BUF_INIT;
	ll_error err = { 0 };
	CHECK_INT(read_records(text, depth * 2, 0, false, &out, &err), LL_EFORMAT);
	CHECK(strstr(err.message, "deeper than 1000") != NULL);
	/* 1000 levels inside the top-level array are fine. */
	CHECK_OK(read_records(text + 1, (depth - 1) * 2, 0, false, &out, &err), &err);
	ll_buf_free(&out);
	free(text);
}

/*
 * Record i, in text (spaced) and compact: containers whose sizes vary from
 * record to record, siblings at one depth before and after a large one, so
 * a parser that keeps each depth's children together must keep every
 * sibling's right while room for them grows.
 */
static void sized_record(size_t i, ll_buf *text, ll_buf *compact)
{
	ll_buf *both[2] = { text, compact };
	for (int w = 0; w < 2; w++) {
		ll_buf *b = both[w];
		const char *sep = w ? "," : ", ", *colon = w ? ":" : ": ";
		ll_buf_printf(b, "{\"i\"%s%zu%s\"a\"%s{", colon, i, sep, colon);
		for (size_t k = 0; k < i % 5; k++)
			ll_buf_printf(b, "%s\"a%zu\"%s%zu", k ? sep : "", k, colon, k);
		ll_buf_printf(b, "}%s\"b\"%s{", sep, colon);
		for (size_t k = 0; k < i * 7 % 41; k++)
			ll_buf_printf(b, "%s\"b%zu\"%s[%zu]", k ? sep : "", k, colon, k);
		ll_buf_printf(b, "}%s\"c\"%s[", sep, colon);
		for (size_t k = 0; k < i * 13 % 53; k++) {
			ll_buf_printf(b, "%s{", k ? sep : "");
			for (size_t m = 0; m < (i + k) % 4; m++)
				ll_buf_printf(b, "%s\"m%zu\"%s[%zu%s%zu]", m ? sep : "", m, colon, i, sep, m);
			ll_buf_putc(b, '}');
		}
		ll_buf_printf(b, "]%s\"d\"%s[[%zu]%s[]]}\n", sep, colon, i, sep);
	}
}

static void test_container_sizes(void)
{
	ll_buf text = LL_BUF_INIT, compact = LL_BUF_INIT, out = LL_BUF_INIT;
	for (size_t i = 0; i < 200; i++)
		sized_record(i * 37 % 200, &text, &compact);
	ll_error err = { 0 };
	/* the usual window, and a tiny one whose records are parsed again and again */
	CHECK_OK(read_records(text.data, text.len, 0, false, &out, &err), &err);
	CHECK_STR(ll_buf_cstr(&out), ll_buf_cstr(&compact));
	ll_buf_clear(&out);
	CHECK_OK(read_records(text.data, text.len, 7, false, &out, &err), &err);
	CHECK_STR(ll_buf_cstr(&out), ll_buf_cstr(&compact));
	/* one document holding all of them */
	ll_buf doc = LL_BUF_INIT, want = LL_BUF_INIT;
	ll_buf_putc(&doc, '[');
	ll_buf_putc(&want, '[');
	for (size_t i = 0, t = 0, c = 0; i < 200; i++) {
		size_t te = (size_t)((const char *)memchr(text.data + t, '\n', text.len - t) - text.data);
		size_t ce = (size_t)((const char *)memchr(compact.data + c, '\n', compact.len - c) - compact.data);
		ll_buf_append(&doc, text.data + t, te - t);
		ll_buf_append(&want, compact.data + c, ce - c);
		ll_buf_putc(&doc, i < 199 ? ',' : ']');
		ll_buf_putc(&want, i < 199 ? ',' : ']');
		t = te + 1;
		c = ce + 1;
	}
	ll_arena arena;
	ll_arena_init(&arena, 0);
	const ll_json_value *v;
	CHECK_OK(ll_json_parse(doc.data, doc.len, "doc", &arena, &v, &err), &err);
	ll_buf_clear(&out);
	ll_json_write(v, &out);
	CHECK_STR(ll_buf_cstr(&out), ll_buf_cstr(&want));
	ll_arena_free(&arena);
	ll_buf_free(&doc);
	ll_buf_free(&want);
	ll_buf_free(&text);
	ll_buf_free(&compact);
	ll_buf_free(&out);
}

/*
 * A memory reader told to keep its records: groups of records read one after
 * another all stay whole until released, however their containers grow.
 */
static void test_kept_records(void)
{
	ll_buf text = LL_BUF_INIT, compact = LL_BUF_INIT, out = LL_BUF_INIT;
	for (size_t i = 0; i < 200; i++)
		sized_record(i * 37 % 200, &text, &compact);
	ll_buf_reserve(&text, LL_JSON_READER_PAD);
	memset(text.data + text.len, 0, LL_JSON_READER_PAD);
	ll_error err = { 0 };
	ll_json_reader *r = NULL;
	CHECK_OK(ll_json_reader_open_memory(&r, &err), &err);
	ll_json_reader_keep(r);
	ll_json_reader_restart(r, text.data, text.len, "kept.ndjson", 1);
	ll_arena arena;
	ll_arena_init(&arena, 0);
	for (bool more = true; more;) {
		const ll_json_value *group[9];
		size_t n = 0;
		ll_json_reader_release(r);
		ll_arena_reset(&arena);
		while (n < 9) {
			CHECK_OK(ll_json_reader_next(r, &arena, &group[n], &err), &err);
			if (!group[n])
				break;
			n++;
		}
		more = n == 9;
		for (size_t i = 0; i < n; i++) {
			ll_json_write(group[i], &out);
			ll_buf_putc(&out, '\n');
		}
	}
	CHECK_STR(ll_buf_cstr(&out), ll_buf_cstr(&compact));
	/* records still kept when the reader is freed: their arrays go with it */
	ll_json_reader_release(r);
	ll_json_reader_restart(r, text.data, text.len, "kept.ndjson", 1);
	for (size_t i = 0; i < 40; i++) {
		const ll_json_value *v = NULL;
		CHECK_OK(ll_json_reader_next(r, &arena, &v, &err), &err);
	}
	ll_arena_free(&arena);
	ll_json_reader_free(r);
	ll_buf_free(&text);
	ll_buf_free(&compact);
	ll_buf_free(&out);
}

/* Records of every size around the 1 MiB window, one larger than the window,
 * and positions that stay right across refills. */
static void build_big_input(ll_buf *text, ll_buf *expected, size_t *nrecords)
{
	size_t n = 0;
	for (size_t i = 0; text->len < 5u << 20; i++, n++) {
		size_t pad = (i * 7919) % 3000;
		if (i == 700)
			pad = 2u << 20; /* one record bigger than the window */
		ll_buf rec = LL_BUF_INIT;
		ll_buf_printf(&rec, "{\"i\":%zu,\"d\":%zu.25,\"s\":\"", i, i);
		for (size_t k = 0; k < pad; k++)
			ll_buf_putc(&rec, (char)('a' + k % 26));
		ll_buf_puts(&rec, "\\u00e9\"}");
		ll_buf_append(text, rec.data, rec.len);
		ll_buf_puts(text, i % 3 ? "\n" : "\r\n\n");
		ll_buf_free(&rec);
		ll_buf_printf(expected, "%zu", i);
	}
	*nrecords = n;
}

static void test_window_boundaries(void)
{
	ll_buf text = LL_BUF_INIT, ids = LL_BUF_INIT;
	size_t n;
	build_big_input(&text, &ids, &n);
	ll_input *in;
	ll_json_reader *r;
	ll_error err = { 0 };
	CHECK_OK(ll_input_open_memory(&in, text.data, text.len, "big.ndjson", &err), &err);
	CHECK_OK(ll_json_reader_open(&r, in, &err), &err);
	ll_arena arena;
	ll_arena_init(&arena, 0);
	uint64_t expected_line = 1;
	size_t i = 0;
	for (;; i++) {
		const ll_json_value *rec;
		CHECK_OK(ll_json_reader_next(r, &arena, &rec, &err), &err);
		if (!rec)
			break;
		const ll_json_value *id = ll_json_get(rec, "i"), *d = ll_json_get(rec, "d");
		const ll_json_value *s = ll_json_get(rec, "s");
		CHECK(id && id->kind == LL_JSON_INT && (size_t)id->u.i == i);
		CHECK(d && d->kind == LL_JSON_DOUBLE && d->u.d == (double)i + 0.25);
		CHECK(s && s->kind == LL_JSON_STRING && s->u.s.len >= 2 &&
		      memcmp(s->u.s.ptr + s->u.s.len - 2, "\xC3\xA9", 2) == 0);
		uint64_t line, col;
		ll_json_reader_record_position(r, &line, &col);
		if (line != expected_line || col != 1) {
			fprintf(stderr, "record %zu at %llu:%llu, expected line %llu\n", i,
				(unsigned long long)line, (unsigned long long)col,
				(unsigned long long)expected_line);
			ll_test_failures++;
			break;
		}
		expected_line += i % 3 ? 1 : 2;
		ll_arena_reset(&arena);
	}
	CHECK_INT(i, n);
	ll_arena_free(&arena);
	ll_json_reader_free(r);
	ll_input_free(in);
	ll_buf_free(&text);
	ll_buf_free(&ids);
}

/* An error deep in a large input still names the right line. */
static void test_error_position_after_refills(void)
{
	ll_buf text = LL_BUF_INIT;
	for (int i = 0; i < 40000; i++)
		ll_buf_printf(&text, "{\"id\":%d,\"name\":\"user number %d\"}\n", i, i);
	ll_buf_puts(&text, "{\"id\":1,\"name\":\"bad \\x escape\"}\n");
	ll_buf out = LL_BUF_INIT;
	ll_error err = { 0 };
	CHECK_INT(read_records(text.data, text.len, 0, false, &out, &err), LL_EFORMAT);
	CHECK_INT(err.line, 40001);
	CHECK_INT(err.column, 21);
	ll_buf_free(&text);
	ll_buf_free(&out);
}

static void gzip_into(const char *text, size_t len, ll_buf *out)
{
	z_stream zs = { 0 };
	CHECK(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
	size_t bound = deflateBound(&zs, len) + 64;
	ll_buf_reserve(out, bound);
	zs.next_in = (unsigned char *)text;
	zs.avail_in = (uInt)len;
	zs.next_out = (unsigned char *)out->data + out->len;
	zs.avail_out = (uInt)bound;
	CHECK(deflate(&zs, Z_FINISH) == Z_STREAM_END);
	out->len += bound - zs.avail_out;
	deflateEnd(&zs);
}

static void test_gzip(void)
{
	ll_buf text = LL_BUF_INIT, gz = LL_BUF_INIT, expected = LL_BUF_INIT, got = LL_BUF_INIT;
	for (int i = 0; i < 100000; i++) {
		ll_buf_printf(&text, "{\"id\":%d,\"tags\":[\"a\",\"b\"]}\n", i);
		ll_buf_printf(&expected, "{\"id\":%d,\"tags\":[\"a\",\"b\"]}\n", i);
	}
	gzip_into(text.data, text.len, &gz);
	ll_error err = { 0 };
	CHECK_OK(read_records(gz.data, gz.len, 0, false, &got, &err), &err);
	CHECK(got.len == expected.len && memcmp(got.data, expected.data, got.len) == 0);

	/* Two members, as `cat a.gz b.gz` makes. */
	size_t one = gz.len;
	gzip_into("{\"id\":-1}\n", 10, &gz);
	ll_buf_clear(&got);
	ll_buf_puts(&expected, "{\"id\":-1}\n");
	CHECK_OK(read_records(gz.data, gz.len, 0, false, &got, &err), &err);
	CHECK(got.len == expected.len && memcmp(got.data, expected.data, got.len) == 0);

	/* Truncated: an error, never a silent short read. */
	ll_buf_clear(&got);
	CHECK_INT(read_records(gz.data, one / 2, 0, false, &got, &err), LL_EFORMAT);
	CHECK(strstr(err.message, "gzip") != NULL);
	ll_buf_free(&text);
	ll_buf_free(&gz);
	ll_buf_free(&expected);
	ll_buf_free(&got);
}

/* Reads in through ll_input_read with reads of `cap` bytes. */
static ll_status read_raw(ll_input *in, size_t cap, ll_buf *out, ll_error *err)
{
	char buf[8192];
	for (;;) {
		size_t got;
		ll_status st = ll_input_read(in, buf, cap, &got, err);
		if (st || got == 0)
			return st;
		ll_buf_append(out, buf, got);
	}
}

/* gzip is inflated on a thread of its own in blocks: bytes arrive whole and
 * in order whatever the read size, a failure comes after the bytes before
 * it, the compressed count reaches the stream's size, and freeing an input
 * in the middle stops the thread. */
static void test_gzip_blocks(void)
{
	ll_buf text = LL_BUF_INIT, gz = LL_BUF_INIT, got = LL_BUF_INIT;
	for (int i = 0; i < 300000; i++)
		ll_buf_printf(&text, "{\"id\":%d,\"v\":%d}\n", i, i % 997);
	gzip_into(text.data, text.len, &gz);
	ll_error err = { 0 };
	static const size_t caps[] = { 1, 777, 8192 };
	for (size_t c = 0; c < sizeof(caps) / sizeof(caps[0]); c++) {
		ll_input *in;
		CHECK_OK(ll_input_open_memory(&in, gz.data, gz.len, "t.json.gz", &err), &err);
		ll_buf_clear(&got);
		/* one byte at a time only through the first megabytes, to keep the test short */
		if (caps[c] == 1) {
			char b;
			for (size_t k = 0; k < 3 * 1024 * 1024; k++) {
				size_t n;
				CHECK_OK(ll_input_read(in, &b, 1, &n, &err), &err);
				CHECK_INT(n, 1);
				ll_buf_putc(&got, b);
			}
		}
		CHECK_OK(read_raw(in, caps[c] == 1 ? 8192 : caps[c], &got, &err), &err);
		CHECK(got.len == text.len && memcmp(got.data, text.data, got.len) == 0);
		CHECK_INT(ll_input_bytes_read(in), gz.len);
		ll_input_free(in);
	}

	ll_input *in;
	CHECK_OK(ll_input_open_memory(&in, gz.data, gz.len / 2, "cut.json.gz", &err), &err);
	ll_buf_clear(&got);
	CHECK_INT(read_raw(in, 8192, &got, &err), LL_EFORMAT);
	CHECK(strstr(err.message, "cut.json.gz") != NULL);
	CHECK(got.len > 0 && memcmp(got.data, text.data, got.len) == 0);
	ll_input_free(in);

	CHECK_OK(ll_input_open_memory(&in, gz.data, gz.len, "t.json.gz", &err), &err);
	char buf[100];
	size_t n;
	CHECK_OK(ll_input_read(in, buf, sizeof(buf), &n, &err), &err);
	CHECK(n > 0 && memcmp(buf, text.data, n) == 0);
	ll_input_free(in);
	ll_buf_free(&text);
	ll_buf_free(&gz);
	ll_buf_free(&got);
}

static void test_files(void)
{
	char dir[4096], path[4200];
	ll_test_tmpdir("json_files", dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/in.json", dir);
	FILE *f = fopen(path, "w");
	fputs("[{\"a\":1},{\"a\":2}]", f);
	fclose(f);
	ll_input *in;
	ll_error err = { 0 };
	CHECK_OK(ll_input_open(&in, path, &err), &err);
	char buf[64];
	size_t got;
	CHECK_OK(ll_input_read(in, buf, sizeof(buf), &got, &err), &err);
	CHECK_INT(got, 17);
	CHECK_STR(ll_input_name(in), path);
	ll_input_free(in);
	snprintf(path, sizeof(path), "%s/missing.json", dir);
	CHECK_INT(ll_input_open(&in, path, &err), LL_ENOTFOUND);
	CHECK(strstr(err.message, "missing.json") != NULL);
}

LL_TEST_MAIN(LL_TEST(test_shapes), LL_TEST(test_numbers), LL_TEST(test_integer_digits),
	     LL_TEST(test_decimal_digits), LL_TEST(test_numbers_across_windows),
	     LL_TEST(test_separators), LL_TEST(test_strings),
	     LL_TEST(test_parse_outlives_text),
	     LL_TEST(test_rejections), LL_TEST(test_depth_limit),
	     LL_TEST(test_container_sizes), LL_TEST(test_kept_records), LL_TEST(test_window_boundaries),
	     LL_TEST(test_error_position_after_refills), LL_TEST(test_gzip), LL_TEST(test_gzip_blocks),
	     LL_TEST(test_files))
