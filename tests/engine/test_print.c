/*
 * Result printers (exact output of each format) and the SQL name scan that
 * decides what a query gets declared.
 */
#include <math.h>

#include "engine/result_print.h"
#include "engine/sql_names.h"
#include "test.h"

static ll_cell c_int(int64_t v)
{
	return (ll_cell){ .kind = LL_CELL_INT, .i = v };
}

static ll_cell c_real(double v)
{
	return (ll_cell){ .kind = LL_CELL_REAL, .d = v };
}

static ll_cell c_text(const char *s)
{
	return (ll_cell){ .kind = LL_CELL_TEXT, .s = s, .len = strlen(s) };
}

static ll_cell c_blob(const char *s, size_t len)
{
	return (ll_cell){ .kind = LL_CELL_BLOB, .s = s, .len = len };
}

static ll_cell c_null(void)
{
	return (ll_cell){ .kind = LL_CELL_NULL };
}

static const char *const names4[] = { "id", "name", "price", "data" };

/* Prints rows (ncols cells each) in a format; returns the output (caller frees). */
static char *print_rows(ll_result_format fmt, size_t ncols, const char *const *names,
			const ll_cell *cells, size_t nrows, bool announce_columns)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	ll_result_printer *p;
	ll_error err = { 0 };
	CHECK_OK(ll_result_printer_new(&p, fmt, out, &err), &err);
	if (announce_columns)
		ll_result_printer_columns(p, ncols, names);
	for (size_t r = 0; r < nrows; r++)
		CHECK_INT(ll_result_printer_row(p, ncols, names, &cells[r * ncols]), 0);
	CHECK_OK(ll_result_printer_finish(p, &err), &err);
	ll_result_printer_free(p);
	fclose(out);
	return text;
}

static void sample_rows(ll_cell cells[8])
{
	cells[0] = c_int(1);
	cells[1] = c_text("alice");
	cells[2] = c_real(1.5);
	cells[3] = c_null();
	cells[4] = c_int(-3);
	cells[5] = c_text("żółw 😀");
	cells[6] = c_real(2.0);
	cells[7] = c_blob("\x00\xff", 2);
}

static void test_table_format(void)
{
	ll_cell cells[8];
	sample_rows(cells);
	char *out = print_rows(LL_RESULT_TABLE, 4, names4, cells, 2, true);
	CHECK_STR(out, " id |  name   | price | data\n"
		       "----+---------+-------+------\n"
		       "  1 | alice   |   1.5 | NULL\n"
		       " -3 | żółw 😀 |   2.0 | 00FF\n"
		       "(2 rows)\n");
	free(out);
	/* names from the first row when the columns were not announced; one row */
	out = print_rows(LL_RESULT_TABLE, 4, names4, cells, 1, false);
	CHECK_STR(out, " id | name  | price | data\n"
		       "----+-------+-------+------\n"
		       "  1 | alice |   1.5 | NULL\n"
		       "(1 row)\n");
	free(out);
}

static void test_table_escapes(void)
{
	static const char *const names[] = { "v", "w" };
	ll_cell cells[] = { c_text("a\nb\tc"), c_text("bad \xff byte"), c_text("漢字"),
			    c_text("e\xcc\x81") };
	char *out = print_rows(LL_RESULT_TABLE, 2, names, cells, 2, true);
	CHECK_STR(out, "    v    |       w\n"
		       "---------+---------------\n"
		       " a\\nb\\tc | bad \\xFF byte\n"
		       " 漢字    | e\xcc\x81\n"
		       "(2 rows)\n");
	free(out);
}

/* A cell wider than 60 terminal cells is cut to 59 and "…" in TABLE, whole in TABLE_WIDE, CSV and JSON. */
static void test_table_caps_wide_cells(void)
{
	static const char *const names[] = { "v" };
	char long_text[71], cut[72], wide_chars[40 * 3 + 1], wide_cut[29 * 3 + 4];
	memset(long_text, 'a', 70);
	long_text[70] = '\0';
	snprintf(cut, sizeof(cut), " %.59s…\n", long_text);
	wide_chars[0] = wide_cut[0] = '\0';
	for (int i = 0; i < 40; i++)
		strcat(wide_chars, "漢");
	/* 29 double-width characters fill 58 cells: a 30th would leave no room for "…" */
	for (int i = 0; i < 29; i++)
		strcat(wide_cut, "漢");
	strcat(wide_cut, "…");
	ll_cell cells[] = { c_text(long_text), c_text(wide_chars) };
	char *out = print_rows(LL_RESULT_TABLE, 1, names, cells, 2, true);
	CHECK(strstr(out, cut) != NULL);
	CHECK(strstr(out, wide_cut) != NULL);
	CHECK(strstr(out, long_text) == NULL);
	/* the column is 60 cells wide: the rule is 62 dashes */
	CHECK(strncmp(strchr(out, '\n') + 1, "----------------------------------------------------"
					   "----------\n", 63) == 0);
	free(out);
	out = print_rows(LL_RESULT_TABLE_WIDE, 1, names, cells, 2, true);
	CHECK(strstr(out, long_text) != NULL);
	CHECK(strstr(out, wide_chars) != NULL);
	CHECK(strstr(out, "…") == NULL);
	free(out);
	for (int fmt = LL_RESULT_CSV; fmt <= LL_RESULT_JSON; fmt++) {
		out = print_rows((ll_result_format)fmt, 1, names, cells, 2, true);
		CHECK(strstr(out, long_text) != NULL);
		CHECK(strstr(out, wide_chars) != NULL);
		free(out);
	}
}

static void test_table_empty(void)
{
	char *out = print_rows(LL_RESULT_TABLE, 4, names4, NULL, 0, true);
	CHECK_STR(out, " id | name | price | data\n"
		       "----+------+-------+------\n"
		       "(0 rows)\n");
	free(out);
	out = print_rows(LL_RESULT_TABLE, 0, NULL, NULL, 0, false);
	CHECK_STR(out, "(0 rows)\n");
	free(out);
}

static void test_table_streams_after_sample(void)
{
	static const char *const names[] = { "n" };
	enum { N = 1003 };
	ll_cell *cells = calloc(N, sizeof(*cells));
	for (size_t i = 0; i < N; i++)
		cells[i] = c_int((int64_t)i);
	char *out = print_rows(LL_RESULT_TABLE, 1, names, cells, N, true);
	/* widths come from the first 1000 rows: "1000" is wider than the column */
	CHECK(strstr(out, "\n 999\n 1000\n 1001\n 1002\n(1003 rows)\n") != NULL);
	CHECK(strncmp(out, "  n\n-----\n   0\n", 15) == 0);
	free(out);
	free(cells);
}

static void test_csv_format(void)
{
	ll_cell cells[8];
	sample_rows(cells);
	char *out = print_rows(LL_RESULT_CSV, 4, names4, cells, 2, true);
	CHECK_STR(out, "id,name,price,data\r\n"
		       "1,alice,1.5,\r\n"
		       "-3,żółw 😀,2.0,00FF\r\n");
	free(out);
	static const char *const names[] = { "a,b", "q", "nl", "empty", "null" };
	ll_cell quoted[] = { c_text("x,y"), c_text("say \"hi\""), c_text("line\r\nbreak"),
			     c_text(""), c_null() };
	out = print_rows(LL_RESULT_CSV, 5, names, quoted, 1, true);
	CHECK_STR(out, "\"a,b\",q,nl,empty,null\r\n"
		       "\"x,y\",\"say \"\"hi\"\"\",\"line\r\nbreak\",\"\",\r\n");
	free(out);
	out = print_rows(LL_RESULT_CSV, 4, names4, NULL, 0, true);
	CHECK_STR(out, "id,name,price,data\r\n");
	free(out);
}

static void test_json_format(void)
{
	ll_cell cells[8];
	sample_rows(cells);
	char *out = print_rows(LL_RESULT_JSON, 4, names4, cells, 2, true);
	CHECK_STR(out, "[\n"
		       "{\"id\":1,\"name\":\"alice\",\"price\":1.5,\"data\":null},\n"
		       "{\"id\":-3,\"name\":\"żółw 😀\",\"price\":2.0,\"data\":\"00FF\"}\n"
		       "]\n");
	free(out);
	out = print_rows(LL_RESULT_JSON, 4, names4, NULL, 0, true);
	CHECK_STR(out, "[]\n");
	free(out);
	static const char *const names[] = { "q\"k", "inf", "third", "bad", "ctl" };
	ll_cell odd[] = { c_real(1e20), c_real(INFINITY), c_real(1.0 / 3.0), c_text("a\xff"),
			  c_text("t\x01\n") };
	out = print_rows(LL_RESULT_JSON, 5, names, odd, 1, true);
	CHECK_STR(out, "[\n{\"q\\\"k\":1e+20,\"inf\":\"Infinity\",\"third\":0.3333333333333333,"
		       "\"bad\":\"a\\ufffd\",\"ctl\":\"t\\u0001\\n\"}\n]\n");
	free(out);
}

static void test_write_error(void)
{
	FILE *out = fopen("/dev/full", "w");
	if (!out)
		return;
	ll_result_printer *p;
	ll_error err = { 0 };
	CHECK_OK(ll_result_printer_new(&p, LL_RESULT_CSV, out, &err), &err);
	ll_cell cells[8];
	sample_rows(cells);
	ll_result_printer_columns(p, 4, names4);
	ll_result_printer_row(p, 4, names4, cells);
	CHECK_INT(ll_result_printer_finish(p, &err), LL_EIO);
	CHECK(strstr(err.message, "writing the query result failed") != NULL);
	ll_result_printer_free(p);
	fclose(out);
}

static void test_bad_format(void)
{
	ll_result_printer *p;
	ll_error err = { 0 };
	CHECK_INT(ll_result_printer_new(&p, (ll_result_format)7, stdout, &err), LL_EINVAL);
	CHECK(p == NULL);
}

static void test_names_scan(void)
{
	ll_sql_names n;
	ll_error err = { 0 };
	CHECK_OK(ll_sql_names_scan("SELECT \"User__Name\", count(*) FROM shop.events -- x_comment\n"
				   " WHERE a = 'lit''eral' /* c_comment */ AND [br ack] > `bq`"
				   " AND b = ?1 AND c = :param AND 1e+5 > .5",
				   &n, &err),
		 &err);
	CHECK(ll_sql_names_has(&n, "user__name"));
	CHECK(ll_sql_names_has(&n, "USER__NAME"));
	CHECK(ll_sql_names_has(&n, "shop"));
	CHECK(ll_sql_names_has(&n, "events"));
	CHECK(ll_sql_names_has(&n, "br ack"));
	CHECK(ll_sql_names_has(&n, "bq"));
	CHECK(ll_sql_names_has(&n, "count"));
	CHECK(!ll_sql_names_has(&n, "x_comment"));
	CHECK(!ll_sql_names_has(&n, "c_comment"));
	CHECK(!ll_sql_names_has(&n, "lit'eral"));
	CHECK(!ll_sql_names_has(&n, "literal"));
	CHECK(!ll_sql_names_has(&n, "param"));
	CHECK(!ll_sql_names_has(&n, "e"));
	CHECK(!n.star);
	ll_sql_names_free(&n);

	/* qualified names: a table written as one schema's is not taken for another's */
	CHECK_OK(ll_sql_names_scan("SELECT e.id FROM \"A\" . /* c */ events e JOIN b.\"Users\" u"
				   " ON u.id = e.id JOIN items USING (id)",
				   &n, &err),
		 &err);
	CHECK(ll_sql_names_may_refer(&n, "a", "events"));
	CHECK(ll_sql_names_may_refer(&n, "A", "EVENTS"));
	CHECK(!ll_sql_names_may_refer(&n, "b", "events"));
	CHECK(ll_sql_names_may_refer(&n, "b", "users"));
	CHECK(!ll_sql_names_may_refer(&n, "a", "users"));
	/* unqualified, it may be any schema's; a column qualified by an alias is no table */
	CHECK(ll_sql_names_may_refer(&n, "a", "items"));
	CHECK(ll_sql_names_may_refer(&n, "b", "items"));
	CHECK(ll_sql_names_may_refer(&n, "b", "id")); /* USING (id) names it bare */
	CHECK(ll_sql_names_has(&n, "events"));
	ll_sql_names_free(&n);
	CHECK_OK(ll_sql_names_scan("SELECT x.y FROM s.t x", &n, &err), &err);
	CHECK(!ll_sql_names_may_refer(&n, "s", "y"));
	CHECK(!ll_sql_names_may_refer(&n, "x", "t"));
	CHECK(ll_sql_names_may_refer(&n, "s", "t"));
	CHECK(ll_sql_names_may_refer(&n, "x", "y"));
	ll_sql_names_free(&n);

	CHECK_OK(ll_sql_names_scan("select \"a\"\"b\", x * y, (z)*2 from t", &n, &err), &err);
	CHECK(ll_sql_names_has(&n, "a\"b"));
	CHECK(!n.star);
	ll_sql_names_free(&n);

	static const char *const stars[] = { "SELECT * FROM t", "select t.* from t",
					     "SELECT DISTINCT * FROM t", "SELECT a, * FROM t",
					     "SELECT a FROM t NATURAL JOIN u" };
	for (size_t i = 0; i < sizeof(stars) / sizeof(stars[0]); i++) {
		CHECK_OK(ll_sql_names_scan(stars[i], &n, &err), &err);
		CHECK(n.star);
		ll_sql_names_free(&n);
	}
	/* unterminated quotes end the scan without reading past the text */
	CHECK_OK(ll_sql_names_scan("SELECT \"unterminated", &n, &err), &err);
	CHECK(ll_sql_names_has(&n, "unterminated"));
	ll_sql_names_free(&n);
	CHECK_OK(ll_sql_names_scan("SELECT 'x", &n, &err), &err);
	ll_sql_names_free(&n);
	CHECK_OK(ll_sql_names_scan("/* open", &n, &err), &err);
	CHECK_INT(n.n, 0);
	ll_sql_names_free(&n);
}

LL_TEST_MAIN(LL_TEST(test_table_format), LL_TEST(test_table_escapes), LL_TEST(test_table_empty),
	     LL_TEST(test_table_caps_wide_cells),
	     LL_TEST(test_table_streams_after_sample), LL_TEST(test_csv_format),
	     LL_TEST(test_json_format), LL_TEST(test_write_error), LL_TEST(test_bad_format),
	     LL_TEST(test_names_scan))
