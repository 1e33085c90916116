/*
 * Tests of the schema module: dlt's snake_case naming (expected values are
 * what dlt's own NamingConvention returns for the same input), tables and
 * columns with their indexes, dlt's tables, the JSON round trip and the
 * version hash.
 */
#include <string.h>

#include "schema/schema.h"
#include "test.h"

typedef struct naming_case {
	const char *in;
	const char *identifier; /* ll_naming_normalize */
	const char *path;       /* ll_naming_normalize_path */
} naming_case;

static const naming_case naming_cases[] = {
	{ "userName", "user_name", "user_name" },
	{ "UserName", "user_name", "user_name" },
	{ "HTTPResponse", "http_response", "http_response" },
	{ "getHTTPResponseCode", "get_http_response_code", "get_http_response_code" },
	{ "ABCDef", "abc_def", "abc_def" },
	{ "aBcDe", "a_bc_de", "a_bc_de" },
	{ "a1B2C", "a1_b2_c", "a1_b2_c" },
	{ "camelCase_with_Under", "camel_case_with_under", "camel_case_with_under" },
	{ "  spaced out  ", "spaced_out", "spaced_out" },
	{ "Hello World!", "hello_worldx", "hello_worldx" },
	{ "123abc", "_123abc", "_123abc" },
	{ "1", "_1", "_1" },
	{ "_", "x", "x" },
	{ "__a__b__", "_a_bxx", "a__b" },
	{ "a__", "axx", "a" },
	{ "trailing_", "trailingx", "trailingx" },
	{ "-", "x", "x" },
	{ "$", "x", "x" },
	{ "price$", "pricex", "pricex" },
	{ "e-mail", "e_mail", "e_mail" },
	{ "a+b", "axb", "axb" },
	{ "x*y", "xxy", "xxy" },
	{ "me@host", "meahost", "meahost" },
	{ "a|b", "alb", "alb" },
	{ "\xc3\x9cn\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9", "_n_c_dx", "_n_c_dx" },
	{ "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "x", "x" },
	{ "\xc3\x96l\xc3\xa7\xc3\xbc Birimi", "_l_birimi", "_l_birimi" },
	{ "\xd9\xa3\xd9\xa4" "abc", "_\xd9\xa3\xd9\xa4" "abc", "_\xd9\xa3\xd9\xa4" "abc" },
	{ "abc\xd9\xa3", "abc\xd9\xa3", "abc\xd9\xa3" },
	{ "\xc4\xb0stanbul", "_stanbul", "_stanbul" },
	{ "_dlt_id", "_dlt_id", "_dlt_id" },
	{ "value", "value", "value" },
	{ "CamelCaseXML2Json", "camel_case_xml2_json", "camel_case_xml2_json" },
	{ "MixedCASEWord", "mixed_case_word", "mixed_case_word" },
	{ "userID", "user_id", "user_id" },
	{ "iPhone", "i_phone", "i_phone" },
	{ "ThisIsA_Test", "this_is_a_test", "this_is_a_test" },
	{ "a\xc2\xa0" "b", "a_b", "a_b" },
	{ "\xe3\x80\x80x\xe3\x80\x80", "x", "x" },
	{ "tab\x09here", "tab_here", "tab_here" },
	{ "emoji\xf0\x9f\x98\x80key", "emoji_key", "emoji_key" },
	{ "a..b", "a_b", "a_b" },
	{ "a__b", "a_b", "a__b" },
	{ "a___b", "a_b", "a___b" },
	{ "  ", "", "" },
	{ "Price (USD)", "price_usdx", "price_usdx" },
	{ "5G network", "_5_g_network", "_5_g_network" },
};

static void test_naming_dlt_cases(void)
{
	ll_buf out = LL_BUF_INIT;
	for (size_t i = 0; i < sizeof(naming_cases) / sizeof(naming_cases[0]); i++) {
		const naming_case *c = &naming_cases[i];
		ll_naming_normalize(c->in, strlen(c->in), &out);
		CHECK_STR(ll_buf_cstr(&out), c->identifier);
		ll_naming_normalize_path(c->in, strlen(c->in), &out);
		CHECK_STR(ll_buf_cstr(&out), c->path);
	}
	ll_buf_free(&out);
}

/* Builds the shortened form dlt gives: 125 leading characters, the tag, 124 trailing. */
static void expect_shortened(const char *got, const char *head_unit, size_t head_units,
			     const char *tag, const char *tail_unit, size_t tail_units)
{
	ll_buf want = LL_BUF_INIT;
	for (size_t i = 0; i < head_units; i++)
		ll_buf_puts(&want, head_unit);
	ll_buf_puts(&want, tag);
	for (size_t i = 0; i < tail_units; i++)
		ll_buf_puts(&want, tail_unit);
	CHECK_STR(got, ll_buf_cstr(&want));
	ll_buf_free(&want);
}

static void test_naming_long_identifiers(void)
{
	ll_buf in = LL_BUF_INIT, out = LL_BUF_INIT;
	for (int i = 0; i < 300; i++)
		ll_buf_putc(&in, 'a');
	ll_naming_normalize(in.data, in.len, &out);
	CHECK_INT(out.len, LL_NAME_MAX);
	expect_shortened(out.data, "a", 125, "1ftuiw", "a", 124);

	/* the limit counts code points, as Python's len() does */
	ll_buf_clear(&in);
	for (int i = 0; i < 300; i++)
		ll_buf_puts(&in, "\xd9\xa3");
	ll_naming_normalize(in.data, in.len, &out);
	CHECK(out.len > 0 && out.data[0] == '_');
	expect_shortened(out.data + 1, "\xd9\xa3", 124, "hlujoq", "\xd9\xa3", 124);

	ll_buf_clear(&in);
	for (int i = 0; i < 30; i++)
		ll_buf_puts(&in, "LongCamelCase");
	ll_naming_normalize(in.data, in.len, &out);
	CHECK_INT(out.len, LL_NAME_MAX);
	CHECK(strncmp(out.data + 120, "el_cao5vrna", 11) == 0);

	/* a path is shortened as a whole, tagged with the raw path */
	ll_buf_clear(&in);
	for (int i = 0; i < 200; i++)
		ll_buf_putc(&in, 'a');
	ll_buf_puts(&in, "__");
	for (int i = 0; i < 200; i++)
		ll_buf_putc(&in, 'b');
	ll_naming_normalize_path(in.data, in.len, &out);
	expect_shortened(out.data, "a", 125, "4z6eva", "b", 124);

	/* the 255-character identifier is left alone */
	ll_buf_clear(&in);
	for (int i = 0; i < LL_NAME_MAX; i++)
		ll_buf_putc(&in, 'x');
	ll_naming_normalize(in.data, in.len, &out);
	CHECK_STR(out.data, in.data);
	ll_buf_free(&in);
	ll_buf_free(&out);
}

static void test_naming_join(void)
{
	ll_buf out = LL_BUF_INIT;
	ll_naming_join("user", "address", &out);
	CHECK_STR(ll_buf_cstr(&out), "user__address");
	ll_buf_clear(&out);
	ll_naming_join("", "address", &out);
	CHECK_STR(ll_buf_cstr(&out), "address");
	ll_buf_clear(&out);
	char x[201], y[101];
	memset(x, 'x', 200);
	x[200] = '\0';
	memset(y, 'y', 100);
	y[100] = '\0';
	ll_naming_join(x, y, &out);
	CHECK_INT(out.len, LL_NAME_MAX);
	CHECK(strncmp(out.data + 120, "xxxxxjoy9maxxxxxxxxx", 20) == 0);
	ll_buf_free(&out);
}

static ll_schema *sample_schema(void)
{
	ll_error err;
	ll_schema *s = NULL;
	ll_table *t = NULL, *child = NULL;
	CHECK_OK(ll_schema_new("shop", &s, &err), &err);
	CHECK_OK(ll_schema_add_table(s, "events", NULL, &t, &err), &err);
	t->table_format = LL_FORMAT_ICEBERG;
	t->write_disposition = LL_WRITE_MERGE;
	ll_column id = { .name = "id", .type = LL_TYPE_BIGINT, .primary_key = true, .field_id = 1 };
	ll_column price = { .name = "price", .type = LL_TYPE_DECIMAL, .precision = 12, .scale = 2,
			    .nullable = true, .field_id = -1 };
	ll_column variant = { .name = "price__v_text", .type = LL_TYPE_TEXT, .nullable = true,
			      .variant_of = "price", .field_id = -1 };
	CHECK_OK(ll_table_add_column(t, &id, NULL, &err), &err);
	CHECK_OK(ll_table_add_column(t, &price, NULL, &err), &err);
	CHECK_OK(ll_table_add_column(t, &variant, NULL, &err), &err);
	CHECK_OK(ll_schema_add_table(s, "events__tags", "events", &child, &err), &err);
	ll_column value = { .name = "value", .type = LL_TYPE_TEXT, .nullable = true, .field_id = -1 };
	CHECK_OK(ll_table_add_column(child, &value, NULL, &err), &err);
	return s;
}

static void test_tables_and_columns(void)
{
	ll_error err;
	ll_schema *s = sample_schema();
	ll_table *t = ll_schema_find_table(s, "events");
	CHECK(t != NULL);
	CHECK(ll_schema_find_table(s, "event") == NULL);
	CHECK_INT(ll_table_find_column(t, "price", 5), 1);
	CHECK_INT(ll_table_find_column(t, "price__v_text_and_more", 13), 2);
	CHECK_INT(ll_table_find_column(t, "pric", 4), -1);
	ll_column dup = { .name = "price", .type = LL_TYPE_TEXT, .field_id = -1 };
	ll_error_clear(&err);
	CHECK_INT(ll_table_add_column(t, &dup, NULL, &err), LL_ESCHEMA);
	CHECK(strstr(err.message, "price") != NULL);

	ll_table *same = NULL;
	CHECK_OK(ll_schema_add_table(s, "events", NULL, &same, &err), &err);
	CHECK(same == t);
	CHECK_INT(s->ntables, 2);
	CHECK_INT(ll_schema_add_table(s, "orphan", "missing", NULL, &err), LL_EINVAL);

	ll_table *grand = NULL;
	CHECK_OK(ll_schema_add_table(s, "events__tags__x", "events__tags", &grand, &err), &err);
	CHECK(ll_schema_root_of(s, grand) == t);
	CHECK(ll_schema_in_tree(s, grand, t));
	CHECK(!ll_schema_in_tree(s, t, grand));
	CHECK(ll_schema_is_dlt_name("_dlt_id"));
	CHECK(!ll_schema_is_dlt_name("dlt_id"));
	ll_schema_free(s);
}

static void test_many_columns_and_tables(void)
{
	ll_error err;
	ll_schema *s;
	ll_table *t;
	CHECK_OK(ll_schema_new("wide", &s, &err), &err);
	CHECK_OK(ll_schema_add_table(s, "w", NULL, &t, &err), &err);
	char name[32];
	for (int i = 0; i < 10000; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		ll_column c = { .name = name, .type = LL_TYPE_BIGINT, .nullable = true, .field_id = -1 };
		size_t idx = 0;
		CHECK_OK(ll_table_add_column(t, &c, &idx, &err), &err);
		CHECK_INT(idx, i);
	}
	int misses = 0;
	for (int i = 0; i < 10000; i++) {
		snprintf(name, sizeof(name), "c%d", i);
		misses += ll_table_find_column(t, name, strlen(name)) != i;
	}
	CHECK_INT(misses, 0);
	for (int i = 0; i < 2000; i++) {
		snprintf(name, sizeof(name), "w__t%d", i);
		CHECK_OK(ll_schema_add_table(s, name, "w", NULL, &err), &err);
	}
	CHECK(ll_schema_find_table(s, "w__t1999") != NULL);
	CHECK(ll_schema_find_table(s, "w") == t);
	ll_schema_free(s);
}

static void test_dlt_tables(void)
{
	ll_error err;
	ll_schema *s;
	CHECK_OK(ll_schema_new("p", &s, &err), &err);
	CHECK_OK(ll_schema_add_dlt_tables(s, &err), &err);
	CHECK_OK(ll_schema_add_dlt_tables(s, &err), &err);
	CHECK_INT(s->ntables, 3);
	const ll_table *loads = ll_schema_find_table(s, "_dlt_loads");
	const ll_table *version = ll_schema_find_table(s, "_dlt_version");
	const ll_table *state = ll_schema_find_table(s, "_dlt_pipeline_state");
	CHECK(loads && version && state);
	if (!loads || !version || !state) {
		ll_schema_free(s);
		return;
	}
	static const char *const loads_cols[] = { "load_id", "schema_name", "status", "inserted_at",
						  "schema_version_hash" };
	static const ll_data_type loads_types[] = { LL_TYPE_TEXT, LL_TYPE_TEXT, LL_TYPE_BIGINT,
						    LL_TYPE_TIMESTAMP, LL_TYPE_TEXT };
	CHECK_INT(loads->ncolumns, 5);
	for (size_t i = 0; i < 5 && i < loads->ncolumns; i++) {
		CHECK_STR(loads->columns[i].name, loads_cols[i]);
		CHECK_INT(loads->columns[i].type, loads_types[i]);
	}
	static const char *const version_cols[] = { "version", "engine_version", "inserted_at",
						    "schema_name", "version_hash", "schema" };
	CHECK_INT(version->ncolumns, 6);
	for (size_t i = 0; i < 6 && i < version->ncolumns; i++)
		CHECK_STR(version->columns[i].name, version_cols[i]);
	static const char *const state_cols[] = { "version", "engine_version", "pipeline_name", "state",
						  "created_at", "version_hash", "_dlt_load_id", "_dlt_id" };
	static const ll_data_type state_types[] = { LL_TYPE_BIGINT, LL_TYPE_BIGINT, LL_TYPE_TEXT,
						    LL_TYPE_TEXT, LL_TYPE_TIMESTAMP, LL_TYPE_TEXT,
						    LL_TYPE_TEXT, LL_TYPE_TEXT };
	CHECK_INT(state->ncolumns, 8);
	for (size_t i = 0; i < 8 && i < state->ncolumns; i++) {
		CHECK_STR(state->columns[i].name, state_cols[i]);
		CHECK_INT(state->columns[i].type, state_types[i]);
	}
	CHECK(!loads->columns[0].nullable && loads->columns[1].nullable);
	ll_schema_free(s);
}

static void check_same_schema(const ll_schema *a, const ll_schema *b)
{
	CHECK_STR(a->name, b->name);
	CHECK_INT(a->version, b->version);
	CHECK_STR(a->version_hash, b->version_hash);
	CHECK_INT(a->ntables, b->ntables);
	for (size_t i = 0; i < a->ntables && i < b->ntables; i++) {
		const ll_table *x = a->tables[i], *y = b->tables[i];
		CHECK_STR(x->name, y->name);
		CHECK((x->parent == NULL) == (y->parent == NULL));
		if (x->parent && y->parent)
			CHECK_STR(x->parent, y->parent);
		CHECK_INT(x->write_disposition, y->write_disposition);
		CHECK_INT(x->table_format, y->table_format);
		CHECK_INT(x->npartition, y->npartition);
		CHECK_INT(x->max_nesting, y->max_nesting);
		CHECK_INT(x->ncolumns, y->ncolumns);
		for (size_t c = 0; c < x->ncolumns && c < y->ncolumns; c++) {
			const ll_column *p = &x->columns[c], *q = &y->columns[c];
			CHECK_STR(p->name, q->name);
			CHECK_INT(p->type, q->type);
			CHECK_INT(p->precision, q->precision);
			CHECK_INT(p->scale, q->scale);
			CHECK_INT(p->nullable, q->nullable);
			CHECK_INT(p->primary_key, q->primary_key);
			CHECK_INT(p->merge_key, q->merge_key);
			CHECK_INT(p->field_id, q->field_id);
			CHECK((p->variant_of == NULL) == (q->variant_of == NULL));
			if (p->variant_of && q->variant_of)
				CHECK_STR(p->variant_of, q->variant_of);
		}
	}
}

static void test_json_round_trip_and_clone(void)
{
	ll_error err;
	ll_schema *s = sample_schema();
	ll_table *t = ll_schema_find_table(s, "events");
	t->partition = calloc(2, sizeof(char *));
	t->partition[0] = strdup("month(created_at)");
	t->npartition = 1;
	t->max_nesting = LL_TABLE_NESTING_NONE;
	CHECK(ll_schema_update_version(s));
	ll_buf text = LL_BUF_INIT;
	ll_schema_to_json(s, &text);
	/* dlt's table hint: max_table_nesting = 0 */
	CHECK(strstr(ll_buf_cstr(&text), "\"x-normalizer\": {") != NULL);
	CHECK(strstr(ll_buf_cstr(&text), "\"max_nesting\": 0") != NULL);
	ll_schema *back = NULL;
	CHECK_OK(ll_schema_from_json(text.data, text.len, "schema.json", &back, &err), &err);
	if (back)
		check_same_schema(s, back);
	ll_buf again = LL_BUF_INIT;
	if (back)
		ll_schema_to_json(back, &again);
	CHECK_STR(ll_buf_cstr(&again), ll_buf_cstr(&text));

	ll_schema *copy = NULL;
	CHECK_OK(ll_schema_clone(s, &copy, &err), &err);
	if (copy)
		check_same_schema(s, copy);
	/* the copy is deep: changing it leaves the original alone */
	ll_column extra = { .name = "extra", .type = LL_TYPE_BOOL, .field_id = -1 };
	CHECK_OK(ll_table_add_column(ll_schema_find_table(copy, "events"), &extra, NULL, &err), &err);
	CHECK_INT(t->ncolumns, 3);
	CHECK_INT(ll_table_find_column(ll_schema_find_table(copy, "events"), "price", 5), 1);
	ll_schema_free(copy);
	ll_schema_free(back);
	ll_schema_free(s);
	ll_buf_free(&text);
	ll_buf_free(&again);
}

static void test_version_hash(void)
{
	ll_error err;
	ll_schema *s = sample_schema();
	CHECK_INT(s->version, 0);
	CHECK(ll_schema_update_version(s));
	CHECK_INT(s->version, 1);
	CHECK_INT(strlen(s->version_hash), 44);
	char first[LL_SCHEMA_HASH_SIZE];
	memcpy(first, s->version_hash, sizeof(first));
	/* no change, no bump */
	CHECK(!ll_schema_update_version(s));
	CHECK_INT(s->version, 1);

	/* formatting of the file does not matter, only its content */
	const char *compact =
		"{\"tables\":{\"t\":{\"columns\":{\"a\":{\"data_type\":\"bigint\"},"
		"\"b\":{\"nullable\":true,\"data_type\":\"text\",\"name\":\"b\"}},\"name\":\"t\"}},"
		"\"name\":\"x\",\"version\":3}";
	const char *spaced =
		"{\n  \"name\": \"x\",\n  \"version\": 3,\n  \"tables\": {\n    \"t\": {\n"
		"      \"name\": \"t\", \"write_disposition\": \"append\",\n      \"columns\": {\n"
		"        \"a\": { \"name\": \"a\", \"data_type\": \"bigint\", \"nullable\": true },\n"
		"        \"b\": { \"data_type\": \"text\" }\n      }\n    }\n  }\n}\n";
	ll_schema *a = NULL, *b = NULL;
	CHECK_OK(ll_schema_from_json(compact, strlen(compact), "a.json", &a, &err), &err);
	CHECK_OK(ll_schema_from_json(spaced, strlen(spaced), "b.json", &b, &err), &err);
	char ha[LL_SCHEMA_HASH_SIZE], hb[LL_SCHEMA_HASH_SIZE];
	ll_schema_content_hash(a, ha);
	ll_schema_content_hash(b, hb);
	CHECK_STR(ha, hb);

	/* a new column is a change; so is a new column order */
	ll_column c = { .name = "c", .type = LL_TYPE_DOUBLE, .nullable = true, .field_id = -1 };
	CHECK_OK(ll_table_add_column(ll_schema_find_table(s, "events"), &c, NULL, &err), &err);
	CHECK(ll_schema_update_version(s));
	CHECK_INT(s->version, 2);
	CHECK(strcmp(first, s->version_hash) != 0);
	const char *swapped =
		"{\"name\":\"x\",\"tables\":{\"t\":{\"columns\":{\"b\":{\"data_type\":\"text\"},"
		"\"a\":{\"data_type\":\"bigint\"}}}}}";
	ll_schema *sw = NULL;
	CHECK_OK(ll_schema_from_json(swapped, strlen(swapped), "c.json", &sw, &err), &err);
	char hs[LL_SCHEMA_HASH_SIZE];
	ll_schema_content_hash(sw, hs);
	CHECK(strcmp(hs, ha) != 0);
	ll_schema_free(sw);
	ll_schema_free(a);
	ll_schema_free(b);
	ll_schema_free(s);
}

static void expect_bad_schema(const char *text, const char *needle)
{
	ll_error err;
	ll_error_clear(&err);
	ll_schema *s = NULL;
	CHECK_INT(ll_schema_from_json(text, strlen(text), "bad.json", &s, &err), LL_EFORMAT);
	CHECK(s == NULL);
	if (!strstr(err.message, needle))
		fprintf(stderr, "message \"%s\" lacks \"%s\"\n", err.message, needle);
	CHECK(strstr(err.message, needle) != NULL);
	CHECK_STR(err.file, "bad.json");
}

static void test_json_errors(void)
{
	expect_bad_schema("{\"name\": \"x\", ", "not valid JSON");
	expect_bad_schema("[1]", "\"name\"");
	expect_bad_schema("{\"name\":\"x\",\"tables\":{\"t\":{\"columns\":{\"a\":{\"data_type\":\"int\"}}}}}",
			  "column a of table t");
	expect_bad_schema("{\"name\":\"x\",\"tables\":{\"t\":{\"parent\":\"nope\"}}}", "parent");
	expect_bad_schema("{\"name\":\"x\",\"tables\":{\"t\":{\"parent\":\"u\"},\"u\":{\"parent\":\"t\"}}}",
			  "cycle");
	expect_bad_schema("{\"name\":\"x\",\"tables\":{\"t\":{\"write_disposition\":\"upsert\"}}}",
			  "write_disposition");
	expect_bad_schema("{\"name\":\"x\",\"tables\":{\"t\":{\"columns\":{\"a\":{\"data_type\":\"decimal\","
			  "\"precision\":40}}}}}",
			  "precision");
	expect_bad_schema("{\"name\":\"x\",\"tables\":{\"t\":{},\"t\":{}}}", "not valid JSON");
	expect_bad_schema("{\"name\":\"x\",\"tables\":{\"t\":{\"x-normalizer\":{\"max_nesting\":-1}}}}",
			  "max_nesting");
	expect_bad_schema("{\"name\":\"x\",\"tables\":{\"t\":{\"x-normalizer\":[]}}}", "x-normalizer");

	/* a parent listed after its child is fine */
	const char *late = "{\"name\":\"x\",\"tables\":{\"t__c\":{\"parent\":\"t\"},\"t\":{}}}";
	ll_error err;
	ll_schema *s = NULL;
	CHECK_OK(ll_schema_from_json(late, strlen(late), "late.json", &s, &err), &err);
	ll_schema_free(s);
}

LL_TEST_MAIN(LL_TEST(test_naming_dlt_cases), LL_TEST(test_naming_long_identifiers),
	     LL_TEST(test_naming_join), LL_TEST(test_tables_and_columns),
	     LL_TEST(test_many_columns_and_tables), LL_TEST(test_dlt_tables),
	     LL_TEST(test_json_round_trip_and_clone), LL_TEST(test_version_hash),
	     LL_TEST(test_json_errors))
