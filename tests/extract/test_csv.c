/*
 * The CSV reader: quoting as RFC 4180 has it (commas, quotes and line
 * breaks in quoted fields), CRLF and LF rows, blank lines, quoted fields
 * that straddle the reader's 64 KiB chunks, and malformed input rejected
 * with its line.
 */
#include <stdlib.h>
#include <string.h>

#include "extract/csv.h"
#include "test.h"
#include "util/buf.h"

/* Every row of text as "field|field" lines, quoted fields marked with a leading '"'. */
static ll_status read_rows(const char *text, size_t len, ll_buf *out, ll_error *err)
{
	ll_input *in;
	ll_csv_reader *r;
	ll_status st = ll_input_open_memory(&in, text, len, "t.csv", err);
	if (st)
		return st;
	if ((st = ll_csv_reader_open(&r, in, err))) {
		ll_input_free(in);
		return st;
	}
	for (;;) {
		const ll_csv_field *f;
		size_t n;
		uint64_t line;
		if ((st = ll_csv_reader_next(r, &f, &n, &line, err)) || !f)
			break;
		ll_buf_printf(out, "%llu:", (unsigned long long)line);
		for (size_t i = 0; i < n; i++)
			ll_buf_printf(out, "%s%s%s", i ? "|" : "", f[i].quoted ? "\"" : "", f[i].ptr);
		ll_buf_putc(out, '\n');
	}
	ll_csv_reader_free(r);
	ll_input_free(in);
	return st;
}

static void check_rows(const char *text, const char *want)
{
	ll_buf out = LL_BUF_INIT;
	ll_error err = { 0 };
	CHECK_OK(read_rows(text, strlen(text), &out, &err), &err);
	CHECK_STR(ll_buf_cstr(&out), want);
	ll_buf_free(&out);
}

static void test_quoting(void)
{
	check_rows("a,b,c\n1,,x\n", "1:a|b|c\n2:1||x\n");
	check_rows("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n", "1:a|b\n2:\"x, y|\"say \"hi\"\n");
	check_rows("a,b\n\"two\nlines\",z\nnext,row\n", "1:a|b\n2:\"two\nlines|z\n4:next|row\n");
	check_rows("a,b\r\n1,2\r\n\r\n3,4", "1:a|b\n2:1|2\n4:3|4\n");
	check_rows("\"\",x\n", "1:\"|x\n");
	check_rows("", "");
	check_rows("\n\n", "");
	check_rows("a,\n", "1:a|\n");
}

/* A quoted field whose doubled quote falls on the 64 KiB chunk border. */
static void test_chunk_border(void)
{
	size_t chunk = 64 * 1024;
	ll_buf text = LL_BUF_INIT, want = LL_BUF_INIT, got = LL_BUF_INIT;
	ll_buf_puts(&text, "h\n\"");
	while (text.len < chunk - 1)
		ll_buf_putc(&text, 'x');
	ll_buf_puts(&text, "\"\"y\"\nlast\n");
	ll_buf_puts(&want, "1:h\n2:\"");
	ll_buf_append(&want, text.data + 3, chunk - 1 - 3);
	ll_buf_puts(&want, "\"y\n3:last\n");
	ll_error err = { 0 };
	CHECK_OK(read_rows(text.data, text.len, &got, &err), &err);
	CHECK(strcmp(ll_buf_cstr(&got), ll_buf_cstr(&want)) == 0);
	ll_buf_free(&text);
	ll_buf_free(&want);
	ll_buf_free(&got);
}

static void check_rejected(const char *text, uint64_t line, const char *what)
{
	ll_buf out = LL_BUF_INIT;
	ll_error err = { 0 };
	CHECK_INT(read_rows(text, strlen(text), &out, &err), LL_EFORMAT);
	CHECK_INT(err.line, line);
	CHECK_STR(err.file, "t.csv");
	CHECK(strstr(err.message, what) != NULL);
	ll_buf_free(&out);
}

static void test_rejections(void)
{
	check_rejected("a,b\n1,x\"y\n", 2, "a quote inside an unquoted field");
	check_rejected("a,b\n\"x\"y,1\n", 2, "text after the closing quote");
	check_rejected("a,b\n\"never closed\n", 3, "ends inside a quoted field");
}

LL_TEST_MAIN(LL_TEST(test_quoting), LL_TEST(test_chunk_border), LL_TEST(test_rejections))
