/*
 * The TOML API: lookups, document order, the positions of values and keys,
 * the parsed fields of every kind, error messages with their line and
 * column, and the choices where TOML 1.0 leaves room and tomllib (which
 * check_corpus.py compares us with on the corpus) decides otherwise.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "config/toml.h"
#include "test.h"
#include "util/buf.h"

/* Each test parses into this arena, set up at its start and freed at its end. */
static ll_arena arena;

/* Parses text (a C string) into the shared arena; NULL and a message on failure. */
static const ll_toml_value *parse(const char *text)
{
	const ll_toml_value *root = NULL;
	ll_error err = { 0 };
	CHECK_OK(ll_toml_parse(text, strlen(text), "t.toml", &arena, &root, &err), &err);
	return root;
}

/* Expects text to fail at line:column with a message containing words. */
static void check_rejected(const char *text, uint64_t line, uint64_t column, const char *words)
{
	static const ll_toml_value untouched;
	const ll_toml_value *root = &untouched;
	ll_error err = { 0 };
	ll_status st = ll_toml_parse(text, strlen(text), "conf.toml", &arena, &root, &err);
	if (st != LL_EFORMAT || err.line != line || err.column != column ||
	    !strstr(err.message, words) || strcmp(err.file, "conf.toml") != 0) {
		fprintf(stderr, "input: %s\n  status %d at %llu:%llu: %s\n  expected %llu:%llu: ...%s...\n",
			text, st, (unsigned long long)err.line, (unsigned long long)err.column,
			err.message, (unsigned long long)line, (unsigned long long)column, words);
		ll_test_failures++;
	}
	CHECK(root == NULL);
}

static const char dlt_config[] =
	"[destination.filesystem]\n"
	"bucket_url = \"s3://bucket/lake\"\n"
	"\n"
	"[destination.athena]\n"
	"query_result_bucket = \"s3://bucket/results\"\n"
	"athena_work_group = 'primary'\n"
	"\n"
	"[destination.athena.credentials]\n"
	"region_name = \"eu-central-1\"\n"
	"aws_access_key_id = \"AKIA\"\n";

static void test_lookup(void)
{
	ll_arena_init(&arena, 0);
	const ll_toml_value *root = parse(dlt_config);
	const ll_toml_value *creds = ll_toml_get_path(root, "destination.athena.credentials");
	CHECK(creds && creds->kind == LL_TOML_TABLE);
	CHECK_STR(ll_toml_get(creds, "region_name")->u.s.ptr, "eu-central-1");
	CHECK_STR(ll_toml_get_path(root, "destination.athena.athena_work_group")->u.s.ptr, "primary");
	CHECK_INT(ll_toml_get_path(root, "destination.athena.athena_work_group")->u.s.len, 7);
	CHECK(ll_toml_get_path(root, "destination") == ll_toml_get(root, "destination"));
	CHECK(ll_toml_get_path(root, "destination.athena.region_name") == NULL);
	CHECK(ll_toml_get_path(root, "destination.filesystem.bucket_url.x") == NULL);
	CHECK(ll_toml_get_path(root, "nowhere.at.all") == NULL);
	CHECK(ll_toml_get(root, "bucket_url") == NULL);
	CHECK(ll_toml_get(ll_toml_get_path(root, "destination.filesystem.bucket_url"), "x") == NULL);
	CHECK(ll_toml_get(NULL, "x") == NULL);
	const ll_toml_member *m = ll_toml_find(creds, "aws_access_key_id");
	CHECK(m && m->key_len == 17 && m->line == 10 && m->column == 1);

	/* keys with dots, spaces or nothing at all are reached with ll_toml_get */
	root = parse("\"a.b\" = 1\n\"\" = 2\nsite.\"x y\" = 3\n");
	CHECK_INT(ll_toml_get(root, "a.b")->u.i, 1);
	CHECK(ll_toml_get_path(root, "a.b") == NULL);
	CHECK_INT(ll_toml_get(root, "")->u.i, 2);
	CHECK_INT(ll_toml_get_path(root, "site.x y")->u.i, 3);
	ll_arena_free(&arena);
}

static void test_document_order(void)
{
	ll_arena_init(&arena, 0);
	const ll_toml_value *root = parse("z = 1\n"
					  "[y.x]\n"
					  "b = 2\n"
					  "a = 3\n"
					  "[c]\n"
					  "[y]\n"
					  "q = 4\n"
					  "w.v = 5\n");
	static const char *top[] = { "z", "y", "c" };
	static const char *y[] = { "x", "q", "w" };
	CHECK_INT(root->u.table.count, 3);
	for (size_t i = 0; i < 3; i++)
		CHECK_STR(root->u.table.members[i].key, top[i]);
	const ll_toml_value *t = ll_toml_get(root, "y");
	CHECK_INT(t->u.table.count, 3);
	for (size_t i = 0; i < 3; i++)
		CHECK_STR(t->u.table.members[i].key, y[i]);
	t = ll_toml_get(t, "x");
	CHECK_STR(t->u.table.members[0].key, "b");
	CHECK_STR(t->u.table.members[1].key, "a");
	ll_arena_free(&arena);
}

static void check_at(const ll_toml_value *v, uint64_t line, uint64_t column)
{
	CHECK(v != NULL);
	if (v && (v->line != line || v->column != column)) {
		fprintf(stderr, "value at %llu:%llu, expected %llu:%llu\n", (unsigned long long)v->line,
			(unsigned long long)v->column, (unsigned long long)line,
			(unsigned long long)column);
		ll_test_failures++;
	}
}

static void test_positions(void)
{
	ll_arena_init(&arena, 0);
	const ll_toml_value *root;
	root = parse("# settings\n"
		     "name = \"x\"\n"
		     "  server . port = 8080\n"
		     "[a.b]\n"
		     "list = [\n"
		     "  1,\n"
		     "  { k = true },\n"
		     "]\n"
		     "  [a]\n"
		     "[[jobs]]\n"
		     "[[jobs]]\n"
		     "s = \"\"\"\n"
		     "two\n"
		     "lines\"\"\"\n"
		     "after = 1\n");
	check_at(ll_toml_get(root, "name"), 2, 8);
	check_at(ll_toml_get_path(root, "server.port"), 3, 19);
	/* a table made by a dotted key is where that key is */
	check_at(ll_toml_get(root, "server"), 3, 3);
	const ll_toml_member *m = ll_toml_find(ll_toml_get(root, "server"), "port");
	CHECK(m && m->line == 3 && m->column == 12);
	/* a: mentioned first on line 4, defined by its own header on line 9 */
	check_at(ll_toml_get(root, "a"), 9, 3);
	m = ll_toml_find(root, "a");
	CHECK(m && m->line == 4 && m->column == 2);
	check_at(ll_toml_get_path(root, "a.b"), 4, 1);
	const ll_toml_value *list = ll_toml_get_path(root, "a.b.list");
	check_at(list, 5, 8);
	check_at(list->u.arr.items[0], 6, 3);
	check_at(list->u.arr.items[1], 7, 3);
	check_at(ll_toml_get(list->u.arr.items[1], "k"), 7, 9);
	const ll_toml_value *jobs = ll_toml_get(root, "jobs");
	check_at(jobs, 10, 1);
	CHECK_INT(jobs->u.arr.count, 2);
	check_at(jobs->u.arr.items[0], 10, 1);
	check_at(jobs->u.arr.items[1], 11, 1);
	check_at(ll_toml_get(jobs->u.arr.items[1], "s"), 12, 5);
	CHECK_STR(ll_toml_get(jobs->u.arr.items[1], "s")->u.s.ptr, "two\nlines");
	check_at(ll_toml_get(jobs->u.arr.items[1], "after"), 15, 9);
	CHECK(root->line == 0 && root->column == 0);
	ll_arena_free(&arena);
}

static void test_scalars(void)
{
	ll_arena_init(&arena, 0);
	const ll_toml_value *root = parse("max = 9_223_372_036_854_775_807\n"
					  "min = -9223372036854775808\n"
					  "hex = 0xff\n"
					  "oct = 0o17\n"
					  "bin = -0\n"
					  "pi = 3.141_5\n"
					  "neg_zero = -0.0\n"
					  "big = 1e308\n"
					  "tiny = 1e-400\n"
					  "ninf = -inf\n"
					  "nan = +nan\n"
					  "yes = true\n"
					  "nul = \"a\\u0000b\"\n"
					  "emoji = \"\\U0001F600\"\n");
	CHECK(ll_toml_get(root, "max")->kind == LL_TOML_INTEGER);
	CHECK(ll_toml_get(root, "max")->u.i == INT64_MAX);
	CHECK(ll_toml_get(root, "min")->u.i == INT64_MIN);
	CHECK_INT(ll_toml_get(root, "hex")->u.i, 255);
	CHECK_INT(ll_toml_get(root, "oct")->u.i, 15);
	CHECK_INT(ll_toml_get(root, "bin")->u.i, 0);
	CHECK(ll_toml_get(root, "pi")->kind == LL_TOML_FLOAT);
	CHECK(ll_toml_get(root, "pi")->u.d == 3.1415);
	CHECK(signbit(ll_toml_get(root, "neg_zero")->u.d));
	CHECK(ll_toml_get(root, "big")->u.d == 1e308);
	CHECK(ll_toml_get(root, "tiny")->u.d == 0.0);
	CHECK(isinf(ll_toml_get(root, "ninf")->u.d) && ll_toml_get(root, "ninf")->u.d < 0);
	CHECK(isnan(ll_toml_get(root, "nan")->u.d));
	CHECK(ll_toml_get(root, "yes")->kind == LL_TOML_BOOL && ll_toml_get(root, "yes")->u.b);
	const ll_toml_value *nul = ll_toml_get(root, "nul");
	CHECK(nul->u.s.len == 3 && memcmp(nul->u.s.ptr, "a\0b", 4) == 0);
	CHECK_STR(ll_toml_get(root, "emoji")->u.s.ptr, "\xF0\x9F\x98\x80");
	ll_arena_free(&arena);
}

static void test_datetimes(void)
{
	ll_arena_init(&arena, 0);
	const ll_toml_value *root = parse("odt = 1979-05-27T00:32:00.123456789-07:30\n"
					  "z = 1979-05-27 07:32:00z\n"
					  "ldt = 2024-02-29t23:59:59\n"
					  "ld = 2000-01-01\n"
					  "lt = 07:32:00.5\n");
	const ll_toml_value *v = ll_toml_get(root, "odt");
	CHECK(v->kind == LL_TOML_OFFSET_DATETIME);
	CHECK(v->u.dt.year == 1979 && v->u.dt.month == 5 && v->u.dt.day == 27);
	CHECK(v->u.dt.hour == 0 && v->u.dt.minute == 32 && v->u.dt.second == 0);
	CHECK_INT(v->u.dt.nanosecond, 123456789);
	CHECK_INT(v->u.dt.offset_minutes, -450);
	CHECK_STR(v->u.dt.text, "1979-05-27T00:32:00.123456789-07:30");
	CHECK_INT(v->u.dt.len, 35);
	v = ll_toml_get(root, "z");
	CHECK(v->kind == LL_TOML_OFFSET_DATETIME && v->u.dt.offset_minutes == 0);
	CHECK_STR(v->u.dt.text, "1979-05-27 07:32:00z");
	v = ll_toml_get(root, "ldt");
	CHECK(v->kind == LL_TOML_LOCAL_DATETIME && v->u.dt.day == 29 && v->u.dt.second == 59);
	v = ll_toml_get(root, "ld");
	CHECK(v->kind == LL_TOML_LOCAL_DATE && v->u.dt.year == 2000 && v->u.dt.hour == 0);
	v = ll_toml_get(root, "lt");
	CHECK(v->kind == LL_TOML_LOCAL_TIME && v->u.dt.year == 0 && v->u.dt.hour == 7);
	CHECK_INT(v->u.dt.nanosecond, 500000000);
	CHECK_STR(ll_toml_kind_name(v->kind), "local time");
	CHECK_STR(ll_toml_kind_name(LL_TOML_OFFSET_DATETIME), "offset date-time");
	ll_arena_free(&arena);
}

static void test_errors(void)
{
	ll_arena_init(&arena, 0);
	check_rejected("a = 1\nb = 2\na = 3\n", 3, 1,
		       "duplicate key a: it is already defined at line 1, column 1");
	check_rejected("[t]\nx.y = 1\n[t.x]\n", 3, 4,
		       "t.x is already a table (line 2, column 1), defined by dotted keys");
	check_rejected("[a]\n[b]\n[a]\n", 3, 2, "a table can be defined only once");
	check_rejected("[a.b]\nc = 1\n[a]\nb.d = 1\n", 4, 1, "with its own [header]");
	check_rejected("p = { x = 1 }\np.y = 2\n", 2, 1,
		       "p is already an inline table (line 1, column 5)");
	check_rejected("a = \"\"\"\nnever\nclosed", 3, 7,
		       "the string that starts at line 1, column 5 has no closing quotes");
	check_rejected("x = 1979-02-29\n", 1, 5, "'1979-02-29': that day does not exist");
	check_rejected("n = 99999999999999999999\n", 1, 5, "does not fit in a 64-bit integer");
	check_rejected("s = \"bad \\q\"\n", 1, 10, "invalid escape");
	/* columns count bytes, and CRLF ends a line like LF */
	check_rejected("a = 1\r\nk = \"\xC3\xA9\" x\r\n", 2, 10,
		       "expected the end of the line after the value, found 'x'");
	check_rejected("k = [\r\n 1,\r\n 2\r\n 3]\r\n", 4, 2, "expected ',' or ']'");
	check_rejected("\xEF\xBB\xBF" "a = 1\n", 1, 1, "byte order mark");
	check_rejected("k = 'a\xE9" "b'\n", 1, 7, "invalid UTF-8 byte 0xE9");
	check_rejected("k = { a = 1,\n b = 2 }\n", 1, 13,
		       "an inline table must be written on one line");
	check_rejected("k = hello\n", 1, 5, "strings must be quoted");
	check_rejected("n\xC3\xA4me = 1\n", 1, 2, "quote other keys");

	/* the library reports through a NULL error too */
	const ll_toml_value *root;
	CHECK_INT(ll_toml_parse("a = ", 4, "x", &arena, &root, NULL), LL_EFORMAT);
	ll_arena_free(&arena);
}

/* Where TOML 1.0 leaves room, or Python's datetime cannot follow, tomllib differs. */
static void test_beyond_tomllib(void)
{
	ll_arena_init(&arena, 0);
	/* RFC 3339 allows a leap second; Python's datetime has no room for one */
	const ll_toml_value *root = parse("t = 23:59:60\nd = 0000-01-01\n");
	CHECK_INT(ll_toml_get(root, "t")->u.dt.second, 60);
	/* year 0 is a valid RFC 3339 year; Python's date starts at year 1 */
	CHECK_INT(ll_toml_get(root, "d")->u.dt.year, 0);
	/* tomllib reads 1e400 as inf; a configured value that large is a mistake */
	check_rejected("big = 1e400\n", 1, 7, "too large for a 64-bit float");
	check_rejected("big = -1_000e1000\n", 1, 7, "too large for a 64-bit float");

	char deep[2 * LL_TOML_MAX_DEPTH + 16];
	size_t n = 0;
	n += (size_t)snprintf(deep, sizeof(deep), "a = ");
	for (int i = 0; i < LL_TOML_MAX_DEPTH; i++)
		deep[n++] = '[';
	for (int i = 0; i < LL_TOML_MAX_DEPTH; i++)
		deep[n++] = ']';
	deep[n] = '\0';
	root = parse(deep);
	CHECK(root != NULL);
	memmove(deep + 5, deep + 4, n - 3);
	deep[4] = '[';
	strcat(deep, "]");
	check_rejected(deep, 1, 4 + LL_TOML_MAX_DEPTH + 1, "nested more than 128 deep");
	ll_arena_free(&arena);
}

static void test_input_bounds(void)
{
	ll_arena_init(&arena, 0);
	/* the text need not be NUL-terminated; nothing past len is read */
	char *text = malloc(7);
	memcpy(text, "a = 123", 7);
	const ll_toml_value *root = NULL;
	ll_error err = { 0 };
	CHECK_OK(ll_toml_parse(text, 6, "t.toml", &arena, &root, &err), &err);
	CHECK_INT(ll_toml_get(root, "a")->u.i, 12);
	memcpy(text, "s = \"ab", 7);
	CHECK_INT(ll_toml_parse(text, 7, "t.toml", &arena, &root, &err), LL_EFORMAT);
	free(text);

	CHECK_OK(ll_toml_parse(NULL, 0, "empty.toml", &arena, &root, &err), &err);
	CHECK(root && root->kind == LL_TOML_TABLE && root->u.table.count == 0);
	/* a NUL written in the input is a control character, not the end */
	CHECK_INT(ll_toml_parse("a = 1\0b = 2", 11, "t.toml", &arena, &root, &err), LL_EFORMAT);
	CHECK(err.line == 1 && err.column == 6 && strstr(err.message, "U+0000"));
	ll_arena_free(&arena);
}

static void test_large_tables(void)
{
	ll_arena_init(&arena, 0);
	/* many keys in one table and many elements in one array */
	ll_buf text = LL_BUF_INIT;
	for (int i = 0; i < 5000; i++)
		ll_buf_printf(&text, "k%d = %d\n", i, i);
	ll_buf_puts(&text, "list = [");
	for (int i = 0; i < 5000; i++)
		ll_buf_printf(&text, "%d,", i);
	ll_buf_puts(&text, "]\n");
	const ll_toml_value *root = parse(ll_buf_cstr(&text));
	CHECK_INT(root->u.table.count, 5001);
	CHECK_INT(ll_toml_get(root, "k4999")->u.i, 4999);
	CHECK_INT(ll_toml_get(root, "list")->u.arr.count, 5000);
	CHECK_INT(ll_toml_get(root, "list")->u.arr.items[4321]->u.i, 4321);
	ll_buf_free(&text);
	ll_arena_free(&arena);
}

LL_TEST_MAIN(LL_TEST(test_lookup), LL_TEST(test_document_order),
	     LL_TEST(test_positions), LL_TEST(test_scalars), LL_TEST(test_datetimes),
	     LL_TEST(test_errors), LL_TEST(test_beyond_tomllib), LL_TEST(test_input_bounds),
	     LL_TEST(test_large_tables))
