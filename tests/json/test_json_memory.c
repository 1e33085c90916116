/*
 * The JSON reader over text in memory (ll_json_reader_open_memory and
 * ll_json_reader_restart): it reads what the streaming reader reads, with the
 * same positions and errors, and one reader restarted on text after text
 * starts each one afresh, after a failed text too.
 */
#include <stdlib.h>
#include <string.h>

#include "extract/input.h"
#include "json/json.h"
#include "test.h"
#include "util/buf.h"

/* text copied into a buffer followed by the reader's zero pad. */
static char *padded(const char *text, size_t len)
{
	char *p = calloc(1, len + LL_JSON_READER_PAD);
	if (p)
		memcpy(p, text, len);
	return p;
}

/* Every record of r, compact, with its line, column and offset; stops at the first error. */
static ll_status describe_all(ll_json_reader *r, ll_buf *out, ll_error *err)
{
	ll_arena arena;
	ll_arena_init(&arena, 0);
	ll_status st;
	for (;;) {
		const ll_json_value *rec;
		if ((st = ll_json_reader_next(r, &arena, &rec, err)) || !rec)
			break;
		uint64_t line, col;
		ll_json_reader_record_position(r, &line, &col);
		ll_buf_printf(out, "%llu:%llu@%llu ", (unsigned long long)line, (unsigned long long)col,
			      (unsigned long long)ll_json_reader_record_offset(r));
		ll_json_write(rec, out);
		ll_buf_putc(out, '\n');
		ll_arena_reset(&arena);
	}
	ll_arena_free(&arena);
	return st;
}

/* What the streaming reader makes of text, as a piece starting on line `line`. */
static ll_status describe_streamed(const char *text, size_t len, uint64_t line, ll_buf *out,
				   ll_error *err)
{
	ll_input *in;
	ll_json_reader *r;
	ll_status st = ll_input_open_memory(&in, text, len, "t.json", err);
	if (st)
		return st;
	if ((st = ll_json_reader_open(&r, in, err)) == LL_OK) {
		ll_json_reader_start_line(r, line);
		st = describe_all(r, out, err);
		ll_json_reader_free(r);
	}
	ll_input_free(in);
	return st;
}

/* Restarts r on text and checks it reads what the streaming reader reads. */
static void check_same_as_streamed(ll_json_reader *r, const char *text, uint64_t line)
{
	size_t len = strlen(text);
	char *p = padded(text, len);
	ll_buf got = LL_BUF_INIT, want = LL_BUF_INIT;
	ll_error gerr = { 0 }, werr = { 0 };
	ll_json_reader_restart(r, p, len, "t.json", line);
	ll_status gst = describe_all(r, &got, &gerr);
	ll_status wst = describe_streamed(text, len, line, &want, &werr);
	CHECK_INT(gst, wst);
	CHECK_STR(ll_buf_cstr(&got), ll_buf_cstr(&want));
	if (wst != LL_OK) {
		CHECK_STR(gerr.message, werr.message);
		CHECK_STR(gerr.file, "t.json");
		CHECK_INT(gerr.line, werr.line);
		CHECK_INT(gerr.column, werr.column);
	}
	ll_buf_free(&got);
	ll_buf_free(&want);
	free(p);
}

static void test_nothing_before_restart(void)
{
	ll_json_reader *r;
	ll_error err = { 0 };
	CHECK_OK(ll_json_reader_open_memory(&r, &err), &err);
	ll_buf out = LL_BUF_INIT;
	CHECK_OK(describe_all(r, &out, &err), &err);
	CHECK_INT(out.len, 0);
	ll_buf_free(&out);
	ll_json_reader_free(r);
}

static void test_restart_positions(void)
{
	ll_json_reader *r;
	ll_error err = { 0 };
	CHECK_OK(ll_json_reader_open_memory(&r, &err), &err);
	const char *a = "{\"a\":1}\n\n  {\"a\":2,\"s\":\"x\\u00e9\"}\n";
	char *p = padded(a, strlen(a));
	ll_json_reader_restart(r, p, strlen(a), "piece.ndjson", 10);
	ll_buf out = LL_BUF_INIT;
	CHECK_OK(describe_all(r, &out, &err), &err);
	CHECK_STR(ll_buf_cstr(&out), "10:1@0 {\"a\":1}\n12:3@11 {\"a\":2,\"s\":\"x\xC3\xA9\"}\n");
	free(p);
	/* the next text starts over: line, offset and the reader's state */
	const char *b = "\xEF\xBB\xBF{\"b\":[1,{\"c\":[]}]}";
	p = padded(b, strlen(b));
	ll_json_reader_restart(r, p, strlen(b), "next.ndjson", 1);
	ll_buf_clear(&out);
	CHECK_OK(describe_all(r, &out, &err), &err);
	CHECK_STR(ll_buf_cstr(&out), "1:4@3 {\"b\":[1,{\"c\":[]}]}\n");
	free(p);
	ll_buf_free(&out);
	ll_json_reader_free(r);
}

static void test_restart_after_failure(void)
{
	ll_json_reader *r;
	ll_error err = { 0 };
	CHECK_OK(ll_json_reader_open_memory(&r, &err), &err);
	/* fails deep inside a record, then at the end of a text cut inside one */
	const char *bad = "{\"a\":3}\n{\"a\":[{\"b\": tru}]}\n";
	char *p = padded(bad, strlen(bad));
	ll_json_reader_restart(r, p, strlen(bad), "bad.ndjson", 7);
	ll_buf out = LL_BUF_INIT;
	CHECK_INT(describe_all(r, &out, &err), LL_EFORMAT);
	CHECK_STR(err.file, "bad.ndjson");
	CHECK_INT(err.line, 8);
	CHECK_INT(err.column, 13);
	free(p);
	const char *cut = "{\"a\":4}\n{\"a\":[1,2";
	p = padded(cut, strlen(cut));
	ll_json_reader_restart(r, p, strlen(cut), "cut.ndjson", 1);
	ll_error_clear(&err);
	CHECK_INT(describe_all(r, &out, &err), LL_EFORMAT);
	CHECK_STR(err.file, "cut.ndjson");
	CHECK_INT(err.line, 2);
	free(p);
	/* and reads the next text whole */
	check_same_as_streamed(r, "{\"x\":{\"y\":{\"z\":[true,false,null]}}}\n{\"x\":1}", 3);
	ll_buf_free(&out);
	ll_json_reader_free(r);
}

static void test_same_as_streamed(void)
{
	ll_json_reader *r;
	ll_error err = { 0 };
	CHECK_OK(ll_json_reader_open_memory(&r, &err), &err);
	/* larger than the streaming reader's window, so it refills where this one does not */
	ll_buf big = LL_BUF_INIT;
	for (int i = 0; i < 30000; i++)
		ll_buf_printf(&big, "{\"id\":%d,\"tags\":[\"t%d\",\"u\"],\"n\":{\"d\":%d.5}}\n%s", i, i % 7,
			      i, i % 5 ? "" : "\n");
	check_same_as_streamed(r, ll_buf_cstr(&big), 1000);
	check_same_as_streamed(r, "[{\"a\":1},{\"a\":2}]", 1);
	check_same_as_streamed(r, "{\"a\":1} {\"a\":2}\n\"str\" 5", 1);
	check_same_as_streamed(r, "{\"a\":\"\\ud800\"}", 2);
	check_same_as_streamed(r, "", 1);
	ll_buf_free(&big);
	ll_json_reader_free(r);
}

LL_TEST_MAIN(LL_TEST(test_nothing_before_restart), LL_TEST(test_restart_positions),
	     LL_TEST(test_restart_after_failure), LL_TEST(test_same_as_streamed))
