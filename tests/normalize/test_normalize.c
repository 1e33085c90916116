/*
 * Tests of the relational normalizer through a recording row sink: every
 * rule of normalize.h (flattening, child tables and their links, lists of
 * lists, wrapping, nulls, inference, coercion, variants, big integers,
 * times, json hints, the time and collision errors, evolution within and
 * across files, nesting limits, unicode and very wide records) is checked on
 * the rows exactly as the Parquet writer would receive them.
 */
#include <math.h>
#include <openssl/evp.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "normalize/normalize_internal.h"
#include "test.h"
#include "util/hash.h"
#include "util/number.h"
#include "util/time.h"

static void setup(fixture *f, const char *name)
{
	char dir[512];
	ll_test_tmpdir(name, dir, sizeof(dir));
	CHECK_OK(fx_init(f, dir), &f->err);
}

static void open_ok(fixture *f)
{
	CHECK_OK(fx_open(f), &f->err);
}

static void push_ok(fixture *f, const char *json)
{
	ll_status st = fx_push(f, json);
	if (st != LL_OK) {
		char m[2048];
		fprintf(stderr, "push %s failed: %s\n", json, ll_error_format(&f->err, m, sizeof(m)));
	}
	CHECK_INT(st, LL_OK);
}

static void finish_ok(fixture *f)
{
	CHECK_OK(fx_finish(f), &f->err);
}

#define CELL(f, table, row, col) rec_cell(&(f)->sink, table, row, col)

static const ll_column *column_of(const ll_schema *s, const char *table, const char *column)
{
	const ll_table *t = ll_schema_find_table(s, table);
	long c = t ? ll_table_find_column(t, column, strlen(column)) : -1;
	return c < 0 ? NULL : &t->columns[c];
}

static void check_type(const fixture *f, const char *table, const char *column, ll_data_type type)
{
	const ll_column *c = column_of(f->schema, table, column);
	if (!c)
		fprintf(stderr, "no column %s in table %s\n", column, table);
	CHECK(c != NULL);
	if (c)
		CHECK_STR(ll_data_type_name(c->type), ll_data_type_name(type));
}

static void check_column_order(const fixture *f, const char *table, const char *const *names, size_t n)
{
	const ll_table *t = ll_schema_find_table(f->schema, table);
	CHECK(t != NULL);
	if (!t)
		return;
	CHECK_INT(t->ncolumns, n);
	for (size_t i = 0; i < n && i < t->ncolumns; i++)
		CHECK_STR(t->columns[i].name, names[i]);
}

static void test_flatten_nested_objects(void)
{
	fixture f;
	setup(&f, "norm_flatten");
	open_ok(&f);
	push_ok(&f, "{\"id\": 1, \"user\": {\"name\": \"Ann\", \"address\": {\"city\": \"Oslo\", "
		    "\"zip\": \"0150\"}}, \"active\": true, \"empty\": {}}");
	finish_ok(&f);
	/* dlt's _flatten: scalars first, then nested objects (as dlt's tests and normalizer show) */
	static const char *const cols[] = { "id", "active", "user__name", "user__address__city",
					    "user__address__zip", "_dlt_load_id", "_dlt_id" };
	check_column_order(&f, "events", cols, 7);
	CHECK_STR(CELL(&f, "events", 0, "user__address__city"), "Oslo");
	CHECK_STR(CELL(&f, "events", 0, "user__address__zip"), "0150");
	CHECK_STR(CELL(&f, "events", 0, "active"), "true");
	CHECK_STR(CELL(&f, "events", 0, "_dlt_load_id"), "1700000000.123456");
	CHECK_INT(strlen(CELL(&f, "events", 0, "_dlt_id")), 14);
	CHECK(strspn(CELL(&f, "events", 0, "_dlt_id"), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") == 14);
	CHECK_INT(f.schema->ntables, 1);
	CHECK(!column_of(f.schema, "events", "_dlt_id")->nullable);
	CHECK_INT(f.nfiles, 1);
	if (f.nfiles == 1) {
		CHECK_STR(f.files[0].table, "events");
		CHECK_INT(f.files[0].rows, 1);
		char want[700];
		snprintf(want, sizeof(want), "%s/events.%s.parquet", f.dir, f.files[0].file_id);
		CHECK_STR(f.files[0].path, want);
	}
	fx_free(&f);
}

static void test_child_tables_and_links(void)
{
	fixture f;
	setup(&f, "norm_children");
	open_ok(&f);
	push_ok(&f, "{\"_dlt_id\": \"mine\", \"id\": 7, \"tags\": [\"a\", \"b\"], \"orders\": [{\"sku\": "
		    "\"x\", \"items\": [{\"q\": 1}, {\"q\": 2}]}, {\"sku\": \"y\"}], \"none\": []}");
	finish_ok(&f);
	const char *root_id = "mine";
	CHECK_STR(CELL(&f, "events", 0, "_dlt_id"), root_id);
	CHECK_STR(CELL(&f, "events", 0, "tags"), "<none>");
	CHECK_INT(rec_rows(&f.sink, "events__tags"), 2);
	CHECK_STR(CELL(&f, "events__tags", 0, "value"), "a");
	CHECK_STR(CELL(&f, "events__tags", 1, "value"), "b");
	CHECK_STR(CELL(&f, "events__tags", 1, "_dlt_list_idx"), "1");
	CHECK_STR(CELL(&f, "events__tags", 0, "_dlt_parent_id"), root_id);
	/* an append table's children have no root key, as in dlt */
	CHECK_STR(CELL(&f, "events__tags", 0, "_dlt_root_id"), "<none>");
	CHECK_STR(CELL(&f, "events__tags", 0, "_dlt_load_id"), "<none>");
	static const char *const tag_cols[] = { "value", "_dlt_parent_id", "_dlt_list_idx", "_dlt_id" };
	check_column_order(&f, "events__tags", tag_cols, 4);
	/* dlt's ids: digest128("<parent id>_<table>_<index>", 10), computed by dlt for these rows */
	CHECK_STR(CELL(&f, "events__tags", 0, "_dlt_id"), "tJ2Ww+lwJOmcnA");
	CHECK_STR(CELL(&f, "events__tags", 1, "_dlt_id"), "yVQkf2t2FxyXpw");

	CHECK_INT(rec_rows(&f.sink, "events__orders"), 2);
	CHECK_STR(CELL(&f, "events__orders", 1, "sku"), "y");
	const char *order0 = CELL(&f, "events__orders", 0, "_dlt_id");
	CHECK_STR(order0, "tjlu393XgRFYQw");
	CHECK_STR(CELL(&f, "events__orders", 1, "_dlt_id"), "Sr3LFelj3Gl1Mg");
	CHECK_STR(CELL(&f, "events__orders__items", 0, "_dlt_id"), "h1kqJKIMzaZt7A");
	CHECK_STR(CELL(&f, "events__orders__items", 1, "_dlt_id"), "u+xb9XWY5tQ/WA");
	CHECK_INT(rec_rows(&f.sink, "events__orders__items"), 2);
	CHECK_STR(CELL(&f, "events__orders__items", 1, "q"), "2");
	CHECK_STR(CELL(&f, "events__orders__items", 1, "_dlt_parent_id"), order0);
	CHECK_STR(CELL(&f, "events__orders__items", 1, "_dlt_root_id"), "<none>");
	CHECK_STR(CELL(&f, "events__orders__items", 1, "_dlt_list_idx"), "1");
	const ll_table *items = ll_schema_find_table(f.schema, "events__orders__items");
	CHECK(items && items->parent && strcmp(items->parent, "events__orders") == 0);
	CHECK(ll_schema_find_table(f.schema, "events__none") == NULL);
	CHECK_INT(f.nfiles, 4);
	fx_free(&f);
}

/* dlt's child row id computed one by one with libcrypto: the reference for the batched hashing */
static void evp_child_id(const char *parent, const char *table, size_t idx, char out[15])
{
	char msg[512];
	int len = snprintf(msg, sizeof(msg), "%s_%s_%zu", parent, table, idx);
	unsigned char bytes[10] = { 0 };
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	CHECK(ctx && EVP_DigestInit_ex2(ctx, EVP_shake128(), NULL) == 1 &&
	      EVP_DigestUpdate(ctx, msg, (size_t)len) == 1 && EVP_DigestFinalXOF(ctx, bytes, 10) == 1);
	EVP_MD_CTX_free(ctx);
	ll_dlt_id_encode(bytes, out);
}

/* Rows first..first+count-1 of table have the ids of children 0..count-1 of parent. */
static void check_child_ids(fixture *f, const char *table, size_t first, size_t count,
			    const char *parent)
{
	for (size_t i = 0; i < count; i++) {
		char want[15];
		evp_child_id(parent, table, i, want);
		CHECK_STR(CELL(f, table, first + i, "_dlt_id"), want);
		CHECK_STR(CELL(f, table, first + i, "_dlt_parent_id"), parent);
	}
}

/*
 * Child ids are hashed in batches: lists whose table is new and lists whose
 * table is known, batches larger than one hashing round, and messages on
 * both sides of one SHAKE block (a 152-byte parent id makes
 * "<parent>_events__tags_9" 167 bytes, "_10" 168) give dlt's ids.
 */
static void test_child_ids_batched(void)
{
	fixture f;
	setup(&f, "norm_child_ids");
	open_ok(&f);
	char parent[153];
	memset(parent, 'p', 152);
	parent[152] = '\0';
	static const char tags[] = "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]";
	char rec[4096];
	snprintf(rec, sizeof(rec), "{\"_dlt_id\": \"%s\", \"tags\": %s}", parent, tags);
	push_ok(&f, rec);
	int len = snprintf(rec, sizeof(rec), "{\"_dlt_id\": \"short\", \"tags\": %s, \"orders\": [", tags);
	for (int i = 0; i < 40; i++)
		len += snprintf(rec + len, sizeof(rec) - (size_t)len, "%s{\"items\": [{\"q\": 1}, {\"q\": 2}]}",
				i ? ", " : "");
	snprintf(rec + len, sizeof(rec) - (size_t)len, "]}");
	push_ok(&f, rec);
	finish_ok(&f);
	CHECK_INT(rec_rows(&f.sink, "events__tags"), 24);
	check_child_ids(&f, "events__tags", 0, 12, parent);
	check_child_ids(&f, "events__tags", 12, 12, "short");
	CHECK_INT(rec_rows(&f.sink, "events__orders"), 40);
	check_child_ids(&f, "events__orders", 0, 40, "short");
	CHECK_INT(rec_rows(&f.sink, "events__orders__items"), 80);
	for (size_t i = 0; i < 40; i++) {
		char order[15];
		snprintf(order, sizeof(order), "%s", CELL(&f, "events__orders", i, "_dlt_id"));
		check_child_ids(&f, "events__orders__items", 2 * i, 2, order);
	}
	fx_free(&f);
}

/*
 * Merge tables propagate the root key: every child row carries its root's
 * _dlt_id. Columns and child tables come in dlt's _flatten order (sibling
 * nested objects last one first). Expected rows are what dlt makes of the
 * same record with the same root id.
 */
static void test_merge_root_key_and_order(void)
{
	fixture f;
	setup(&f, "norm_merge_root_key");
	f.root->write_disposition = LL_WRITE_MERGE;
	open_ok(&f);
	push_ok(&f, "{\"_dlt_id\": \"r\", \"a\": {\"x\": 1, \"l1\": [{\"v\": 1}]}, \"b\": {\"y\": 2, "
		    "\"l2\": [2]}, \"c\": 3, \"l0\": [[0]]}");
	finish_ok(&f);
	static const char *const root_cols[] = { "_dlt_id", "c", "b__y", "a__x", "_dlt_load_id" };
	check_column_order(&f, "events", root_cols, 5);
	static const char *const l0_cols[] = { "_dlt_root_id", "_dlt_parent_id", "_dlt_list_idx", "_dlt_id" };
	check_column_order(&f, "events__l0", l0_cols, 4);
	static const char *const list_cols[] = { "value", "_dlt_root_id", "_dlt_parent_id", "_dlt_list_idx",
						 "_dlt_id" };
	check_column_order(&f, "events__l0__list", list_cols, 5);
	static const char *const l1_cols[] = { "v", "_dlt_root_id", "_dlt_parent_id", "_dlt_list_idx", "_dlt_id" };
	check_column_order(&f, "events__a__l1", l1_cols, 5);
	/* child tables appear in the order dlt yields their rows */
	static const char *const tables[] = { "events", "events__l0", "events__l0__list", "events__b__l2",
					      "events__a__l1" };
	CHECK_INT(f.schema->ntables, 5);
	for (size_t i = 0; i < 5 && i < f.schema->ntables; i++)
		CHECK_STR(f.schema->tables[i]->name, tables[i]);
	CHECK_STR(CELL(&f, "events__l0", 0, "_dlt_id"), "9mvbGduZxcG8hw");
	CHECK_STR(CELL(&f, "events__l0__list", 0, "_dlt_id"), "KCzNCG++UTy5zA");
	CHECK_STR(CELL(&f, "events__l0__list", 0, "_dlt_root_id"), "r");
	CHECK_STR(CELL(&f, "events__b__l2", 0, "_dlt_id"), "ckfXz61XBCC8LQ");
	CHECK_STR(CELL(&f, "events__a__l1", 0, "_dlt_id"), "JHhU0C4OJa5CdQ");
	CHECK_STR(CELL(&f, "events__a__l1", 0, "_dlt_root_id"), "r");
	fx_free(&f);

	/* a tree that has the root key already keeps it, whatever the disposition now */
	setup(&f, "norm_root_key_kept");
	ll_table *child = NULL;
	CHECK_OK(ll_schema_add_table(f.schema, "events__l", "events", &child, &f.err), &f.err);
	ll_column col = { .name = "_dlt_root_id", .type = LL_TYPE_TEXT, .field_id = -1 };
	CHECK_OK(ll_table_add_column(child, &col, NULL, &f.err), &f.err);
	open_ok(&f);
	push_ok(&f, "{\"_dlt_id\": \"r\", \"l\": [1], \"m\": [2]}");
	finish_ok(&f);
	CHECK_STR(CELL(&f, "events__l", 0, "_dlt_root_id"), "r");
	CHECK_STR(CELL(&f, "events__m", 0, "_dlt_root_id"), "r");
	fx_free(&f);
}

static void test_lists_of_lists(void)
{
	fixture f;
	setup(&f, "norm_list_of_lists");
	open_ok(&f);
	push_ok(&f, "{\"_dlt_id\": \"r1\", \"m\": [[1, 2], [3]]}");
	finish_ok(&f);
	CHECK_INT(rec_rows(&f.sink, "events__m"), 2);
	static const char *const link_cols[] = { "_dlt_parent_id", "_dlt_list_idx", "_dlt_id" };
	check_column_order(&f, "events__m", link_cols, 3);
	CHECK_INT(rec_rows(&f.sink, "events__m__list"), 3);
	const char *m0 = CELL(&f, "events__m", 0, "_dlt_id");
	const char *m1 = CELL(&f, "events__m", 1, "_dlt_id");
	/* ids dlt gives these rows */
	CHECK_STR(m0, "0F+MFByqIAhU7g");
	CHECK_STR(m1, "zdoNa3nPvdFihg");
	CHECK_STR(CELL(&f, "events__m__list", 1, "_dlt_id"), "JX2wN8vVftlrTw");
	CHECK_STR(CELL(&f, "events__m__list", 2, "_dlt_id"), "ttB/f+AAF8Od7w");
	CHECK_STR(CELL(&f, "events__m__list", 0, "value"), "1");
	CHECK_STR(CELL(&f, "events__m__list", 1, "_dlt_parent_id"), m0);
	CHECK_STR(CELL(&f, "events__m__list", 2, "value"), "3");
	CHECK_STR(CELL(&f, "events__m__list", 2, "_dlt_parent_id"), m1);
	CHECK_STR(CELL(&f, "events__m__list", 2, "_dlt_list_idx"), "0");
	CHECK_STR(CELL(&f, "events__m__list", 2, "_dlt_root_id"), "<none>");
	const ll_table *t = ll_schema_find_table(f.schema, "events__m__list");
	CHECK(t && strcmp(t->parent, "events__m") == 0);
	fx_free(&f);
}

static void test_wrapped_scalars(void)
{
	fixture f;
	setup(&f, "norm_wrap");
	open_ok(&f);
	push_ok(&f, "5");
	push_ok(&f, "[1, 2]");
	push_ok(&f, "\"hello\"");
	push_ok(&f, "null");
	finish_ok(&f);
	CHECK_INT(rec_rows(&f.sink, "events"), 4);
	CHECK_STR(CELL(&f, "events", 0, "value"), "5");
	check_type(&f, "events", "value", LL_TYPE_BIGINT);
	CHECK_INT(rec_rows(&f.sink, "events__value"), 2);
	CHECK_STR(CELL(&f, "events__value", 1, "value"), "2");
	CHECK_STR(CELL(&f, "events", 2, "value__v_text"), "hello");
	CHECK(CELL(&f, "events", 3, "value") == NULL);
	fx_free(&f);
}

static void test_nulls_and_empties(void)
{
	fixture f;
	setup(&f, "norm_nulls");
	open_ok(&f);
	push_ok(&f, "{\"a\": null, \"e\": {}, \"f\": []}");
	CHECK(column_of(f.schema, "events", "a") == NULL);
	CHECK(column_of(f.schema, "events", "e") == NULL);
	push_ok(&f, "{\"a\": 1}");
	push_ok(&f, "{\"a\": null, \"l\": [null, 1], \"g\": [{}]}");
	finish_ok(&f);
	CHECK_INT(rec_rows(&f.sink, "events"), 3);
	CHECK(CELL(&f, "events", 2, "a") == NULL);
	CHECK_STR(CELL(&f, "events", 1, "a"), "1");
	CHECK_INT(rec_rows(&f.sink, "events__l"), 2);
	CHECK(CELL(&f, "events__l", 0, "value") == NULL);
	CHECK_STR(CELL(&f, "events__l", 1, "value"), "1");
	CHECK_INT(rec_rows(&f.sink, "events__g"), 1);
	CHECK_INT(ll_schema_find_table(f.schema, "events__g")->ncolumns, 3);
	static const char *const l_cols[] = { "_dlt_parent_id", "_dlt_list_idx", "_dlt_id", "value" };
	check_column_order(&f, "events__l", l_cols, 4);
	CHECK(ll_schema_find_table(f.schema, "events__f") == NULL);
	fx_free(&f);
}

static void test_inference_and_coercion(void)
{
	fixture f;
	setup(&f, "norm_coerce");
	f.opt.detections = LL_DETECT_ISO_TIMESTAMP | LL_DETECT_ISO_DATE; /* dates are opt-in */
	open_ok(&f);
	push_ok(&f, "{\"n\": 1, \"d\": 1.5, \"s\": \"abc\", \"b\": true, \"t\": \"2024-01-02T03:04:05Z\", "
		    "\"day\": \"2024-01-02\"}");
	check_type(&f, "events", "n", LL_TYPE_BIGINT);
	check_type(&f, "events", "d", LL_TYPE_DOUBLE);
	check_type(&f, "events", "s", LL_TYPE_TEXT);
	check_type(&f, "events", "b", LL_TYPE_BOOL);
	check_type(&f, "events", "t", LL_TYPE_TIMESTAMP);
	check_type(&f, "events", "day", LL_TYPE_DATE);
	push_ok(&f, "{\"n\": \"42\", \"d\": 2, \"s\": 5, \"b\": \"yes\", \"t\": \"2024-01-03\", "
		    "\"day\": \"2024-01-03T23:59:59Z\"}");
	push_ok(&f, "{\"n\": 3.0, \"d\": \" 1_000.5 \", \"s\": 1.5, \"b\": 0, \"t\": 1700000000}");
	push_ok(&f, "{\"s\": true, \"b\": \"F\"}");
	push_ok(&f, "{\"s\": 1e16, \"n\": \"0x1f\"}");
	push_ok(&f, "{\"s\": 0.0001, \"n\": \" -7 \"}");
	finish_ok(&f);
	CHECK_STR(CELL(&f, "events", 0, "t"), "2024-01-02T03:04:05.000000Z");
	CHECK_STR(CELL(&f, "events", 0, "day"), "2024-01-02");
	CHECK_STR(CELL(&f, "events", 1, "n"), "42");
	CHECK_STR(CELL(&f, "events", 1, "d"), "2");
	CHECK_STR(CELL(&f, "events", 1, "s"), "5");
	CHECK_STR(CELL(&f, "events", 1, "b"), "true");
	CHECK_STR(CELL(&f, "events", 1, "t"), "2024-01-03T00:00:00.000000Z");
	CHECK_STR(CELL(&f, "events", 1, "day"), "2024-01-03");
	CHECK_STR(CELL(&f, "events", 2, "n"), "3");
	CHECK_STR(CELL(&f, "events", 2, "d"), "1000.5");
	CHECK_STR(CELL(&f, "events", 2, "s"), "1.5");
	CHECK_STR(CELL(&f, "events", 2, "b"), "false");
	CHECK_STR(CELL(&f, "events", 2, "t"), "2023-11-14T22:13:20.000000Z");
	CHECK_STR(CELL(&f, "events", 3, "s"), "True");
	CHECK_STR(CELL(&f, "events", 3, "b"), "false");
	CHECK_STR(CELL(&f, "events", 4, "s"), "1e+16");
	CHECK_STR(CELL(&f, "events", 4, "n"), "31");
	CHECK_STR(CELL(&f, "events", 5, "s"), "0.0001");
	CHECK_STR(CELL(&f, "events", 5, "n"), "-7");
	/* no variant column was needed */
	CHECK_INT(ll_schema_find_table(f.schema, "events")->ncolumns, 8);
	fx_free(&f);
}

static void test_variant_columns(void)
{
	fixture f;
	setup(&f, "norm_variants");
	open_ok(&f);
	push_ok(&f, "{\"n\": 1, \"t\": \"2024-01-01T00:00:00Z\", \"j\": 1}");
	push_ok(&f, "{\"n\": 2.5}");
	push_ok(&f, "{\"n\": \"abc\", \"t\": \"soon\"}");
	push_ok(&f, "{\"n\": true}");
	push_ok(&f, "{\"n\": \"#big:99999999999999999999\"}");
	push_ok(&f, "{\"j\": \"2024-05-06T07:08:09Z\"}");
	const ll_column *v = column_of(f.schema, "events", "n__v_double");
	CHECK(v && v->variant_of && strcmp(v->variant_of, "n") == 0 && v->type == LL_TYPE_DOUBLE);
	check_type(&f, "events", "n__v_text", LL_TYPE_TEXT);
	check_type(&f, "events", "n__v_bool", LL_TYPE_BOOL);
	check_type(&f, "events", "n__v_decimal", LL_TYPE_DECIMAL);
	check_type(&f, "events", "t__v_text", LL_TYPE_TEXT);
	/* like dlt: a variant is named after the value's type and typed by inference */
	check_type(&f, "events", "j__v_text", LL_TYPE_TIMESTAMP);
	/* a value that fits neither the column nor its variant fails */
	CHECK_INT(fx_push(&f, "{\"j\": \"hello\"}"), LL_ESCHEMA);
	CHECK(strstr(f.err.message, "j__v_text") != NULL);
	CHECK(strstr(f.err.message, "\"hello\"") != NULL);
	CHECK_STR(f.err.table, "events");
	CHECK_INT(f.err.line, 7);
	CHECK_INT(fx_push(&f, "{\"n\": 1}"), LL_EINVAL);
	fx_free(&f);
}

static void test_variant_rows(void)
{
	fixture f;
	setup(&f, "norm_variant_rows");
	open_ok(&f);
	push_ok(&f, "{\"n\": 1}");
	push_ok(&f, "{\"n\": 2.5}");
	push_ok(&f, "{\"n\": \"abc\"}");
	push_ok(&f, "{\"n\": \"#big:99999999999999999999\"}");
	finish_ok(&f);
	CHECK(CELL(&f, "events", 1, "n") == NULL);
	CHECK_STR(CELL(&f, "events", 1, "n__v_double"), "2.5");
	CHECK_STR(CELL(&f, "events", 2, "n__v_text"), "abc");
	CHECK_STR(CELL(&f, "events", 3, "n__v_decimal"), "99999999999999999999");
	fx_free(&f);
}

/*
 * Scalar list items are rows {"value": x}: their type changes, nulls and
 * objects with their own "value" key meet in one column and its variants.
 */
static void test_scalar_list_item_rows(void)
{
	fixture f;
	setup(&f, "norm_scalar_items");
	open_ok(&f);
	/* the text variant is typed by its first value, a timestamp: "hello" fits neither */
	push_ok(&f, "{\"l\": [1, \"2024-05-06T07:08:09Z\"]}");
	check_type(&f, "events__l", "value__v_text", LL_TYPE_TIMESTAMP);
	CHECK_INT(fx_push(&f, "{\"l\": [2, \"hello\"]}"), LL_ESCHEMA);
	CHECK_STR(f.err.table, "events__l");
	CHECK(strstr(f.err.message, "value__v_text") != NULL);
	CHECK(strstr(f.err.message, "\"hello\"") != NULL);
	fx_free(&f);

	setup(&f, "norm_scalar_items_rows");
	open_ok(&f);
	push_ok(&f, "{\"l\": [null, 1, \"a\", 2.5, true, null, {\"value\": 7, \"x\": 1}, 3]}");
	push_ok(&f, "{\"l\": [{\"x\": 2}, 4, [5]]}");
	finish_ok(&f);
	CHECK_INT(rec_rows(&f.sink, "events__l"), 11);
	check_type(&f, "events__l", "value", LL_TYPE_BIGINT);
	CHECK(CELL(&f, "events__l", 0, "value") == NULL);
	CHECK_STR(CELL(&f, "events__l", 1, "value"), "1");
	CHECK_STR(CELL(&f, "events__l", 2, "value__v_text"), "a");
	CHECK(CELL(&f, "events__l", 2, "value") == NULL);
	CHECK_STR(CELL(&f, "events__l", 3, "value__v_double"), "2.5");
	CHECK_STR(CELL(&f, "events__l", 4, "value__v_bool"), "true");
	CHECK(CELL(&f, "events__l", 5, "value") == NULL);
	CHECK(CELL(&f, "events__l", 5, "value__v_text") == NULL);
	CHECK_STR(CELL(&f, "events__l", 6, "value"), "7");
	CHECK_STR(CELL(&f, "events__l", 6, "x"), "1");
	CHECK_STR(CELL(&f, "events__l", 7, "value"), "3");
	CHECK(CELL(&f, "events__l", 7, "x") == NULL);
	CHECK_STR(CELL(&f, "events__l", 8, "x"), "2");
	CHECK(CELL(&f, "events__l", 8, "value") == NULL);
	CHECK_STR(CELL(&f, "events__l", 9, "value"), "4");
	CHECK_STR(CELL(&f, "events__l", 9, "_dlt_list_idx"), "1");
	CHECK_INT(rec_rows(&f.sink, "events__l__list"), 1);
	CHECK_STR(CELL(&f, "events__l__list", 0, "value"), "5");
	CHECK_STR(CELL(&f, "events__l__list", 0, "_dlt_parent_id"), CELL(&f, "events__l", 10, "_dlt_id"));
	static const char *const cols[] = { "_dlt_parent_id", "_dlt_list_idx", "_dlt_id", "value",
					    "value__v_text", "value__v_double", "value__v_bool", "x" };
	check_column_order(&f, "events__l", cols, 8);
	fx_free(&f);
}

static void test_big_integers_and_decimals(void)
{
	fixture f;
	setup(&f, "norm_decimal");
	CHECK_OK(fx_hint(&f, "price", LL_TYPE_DECIMAL, 10, 2), &f.err);
	CHECK_OK(fx_hint(&f, "amount", LL_TYPE_DECIMAL, 0, 0), &f.err);
	open_ok(&f);
	push_ok(&f, "{\"big\": \"#big:12345678901234567890\", \"huge\": "
		    "\"#big:1234567890123456789012345678901234567890\", \"price\": 12.34, \"amount\": 1.5}");
	check_type(&f, "events", "big", LL_TYPE_DECIMAL);
	CHECK_INT(column_of(f.schema, "events", "big")->precision, 38);
	CHECK_INT(column_of(f.schema, "events", "big")->scale, 0);
	check_type(&f, "events", "huge", LL_TYPE_TEXT);
	push_ok(&f, "{\"big\": 5, \"price\": \"7.5\", \"amount\": \"-0.000000001\"}");
	push_ok(&f, "{\"big\": \"#big:-99999999999999999999999999999999999999\", \"price\": 3}");
	push_ok(&f, "{\"big\": \"#big:999999999999999999999999999999999999999\", \"price\": 1.005}");
	push_ok(&f, "{\"price\": \"12345678901.00\"}");
	push_ok(&f, "{\"price\": -99999999.99}");
	finish_ok(&f);
	CHECK_STR(CELL(&f, "events", 0, "big"), "12345678901234567890");
	CHECK_STR(CELL(&f, "events", 0, "huge"), "1234567890123456789012345678901234567890");
	CHECK_STR(CELL(&f, "events", 0, "price"), "12.34");
	CHECK_STR(CELL(&f, "events", 0, "amount"), "1.500000000");
	CHECK_STR(CELL(&f, "events", 1, "big"), "5");
	CHECK_STR(CELL(&f, "events", 1, "price"), "7.50");
	CHECK_STR(CELL(&f, "events", 1, "amount"), "-0.000000001");
	CHECK_STR(CELL(&f, "events", 2, "big"), "-99999999999999999999999999999999999999");
	CHECK_STR(CELL(&f, "events", 2, "price"), "3.00");
	CHECK_STR(CELL(&f, "events", 3, "big__v_text"), "999999999999999999999999999999999999999");
	CHECK_STR(CELL(&f, "events", 3, "price__v_double"), "1.0049999999999999");
	CHECK_STR(CELL(&f, "events", 4, "price__v_text"), "12345678901.00");
	CHECK_STR(CELL(&f, "events", 5, "price"), "-99999999.99");
	const ll_parquet_column_spec *spec = rec_column(&f.sink, "events", "amount");
	CHECK(spec && spec->precision == 38 && spec->scale == 9);
	fx_free(&f);
}

static void test_timestamp_units_and_field_ids(void)
{
	fixture f;
	setup(&f, "norm_units");
	open_ok(&f);
	push_ok(&f, "{\"at\": \"2024-01-02T03:04:05.123456+01:00\", \"l\": [{\"at\": \"2024-01-02\"}]}");
	finish_ok(&f);
	CHECK_STR(CELL(&f, "events", 0, "at"), "2024-01-02T02:04:05.123456Z");
	CHECK_INT(f.sink.files[0]->unit, LL_TS_MILLIS);
	CHECK_INT(rec_column(&f.sink, "events", "at")->field_id, -1);
	/* dlt's default detections type no date-only strings */
	check_type(&f, "events__l", "at", LL_TYPE_TEXT);
	fx_free(&f);

	setup(&f, "norm_units_iceberg");
	f.root->table_format = LL_FORMAT_ICEBERG;
	open_ok(&f);
	push_ok(&f, "{\"at\": \"2024-01-02T03:04:05Z\", \"l\": [1]}");
	push_ok(&f, "{\"x\": 1}");
	finish_ok(&f);
	CHECK_INT(f.sink.files[0]->unit, LL_TS_MICROS);
	CHECK_INT(rec_column(&f.sink, "events", "at")->field_id, 1);
	CHECK_INT(rec_column(&f.sink, "events", "_dlt_id")->field_id, 3);
	CHECK_INT(rec_column(&f.sink, "events", "x")->field_id, 4);
	CHECK_INT(column_of(f.schema, "events", "x")->field_id, 4);
	CHECK_INT(rec_column(&f.sink, "events__l", "value")->field_id, 1);
	CHECK_INT(ll_schema_find_table(f.schema, "events__l")->table_format, LL_FORMAT_ICEBERG);
	fx_free(&f);
}

/* Which strings start a timestamp or date column: dlt's detections and their tests. */
static void test_detections(void)
{
	fixture f;
	setup(&f, "norm_detect_default");
	open_ok(&f);
	push_ok(&f, "{\"day\": \"1975-05-21\", \"ts\": \"1975-05-21T22:00:00Z\", \"ms\": "
		    "\"2022-06-01T00:48:35.040Z\", \"minutes\": \"2021-07-24 10:51\", \"clock\": \"22:00:00\", "
		    "\"bad_hour\": \"1975-05-01T27:00:00Z\", \"mixed\": \"1975-0521T22 00:00\", \"rfc\": "
		    "\"Wed, 29 Jun 2022 13:56:34 +0000\", \"empty\": \"\"}");
	finish_ok(&f);
	check_type(&f, "events", "day", LL_TYPE_TEXT);
	check_type(&f, "events", "ts", LL_TYPE_TIMESTAMP);
	check_type(&f, "events", "ms", LL_TYPE_TIMESTAMP);
	check_type(&f, "events", "minutes", LL_TYPE_TIMESTAMP);
	check_type(&f, "events", "clock", LL_TYPE_TEXT);
	check_type(&f, "events", "bad_hour", LL_TYPE_TEXT);
	check_type(&f, "events", "mixed", LL_TYPE_TEXT);
	check_type(&f, "events", "rfc", LL_TYPE_TEXT);
	check_type(&f, "events", "empty", LL_TYPE_TEXT);
	CHECK_STR(CELL(&f, "events", 0, "day"), "1975-05-21");
	CHECK_STR(CELL(&f, "events", 0, "minutes"), "2021-07-24T10:51:00.000000Z");
	fx_free(&f);

	setup(&f, "norm_detect_date");
	f.opt.detections = LL_DETECT_ISO_TIMESTAMP | LL_DETECT_ISO_DATE;
	open_ok(&f);
	push_ok(&f, "{\"a\": \"1975-05-21\", \"b\": \"19750521\", \"c\": \"1975-05\", \"d\": \"1975\", "
		    "\"e\": \"1975/05/01\", \"f\": \"197505\", \"g\": \"0-05-01\", \"h\": \"75\", \"i\": "
		    "\"01-12\", \"ts\": \"1975-05-21T22:00:00Z\"}");
	finish_ok(&f);
	check_type(&f, "events", "a", LL_TYPE_DATE);
	check_type(&f, "events", "b", LL_TYPE_DATE);
	check_type(&f, "events", "c", LL_TYPE_DATE);
	check_type(&f, "events", "d", LL_TYPE_DATE);
	check_type(&f, "events", "e", LL_TYPE_DATE);
	check_type(&f, "events", "f", LL_TYPE_TEXT);
	check_type(&f, "events", "g", LL_TYPE_TEXT);
	check_type(&f, "events", "h", LL_TYPE_TEXT);
	check_type(&f, "events", "i", LL_TYPE_TEXT);
	check_type(&f, "events", "ts", LL_TYPE_TIMESTAMP);
	CHECK_STR(CELL(&f, "events", 0, "b"), "1975-05-21");
	CHECK_STR(CELL(&f, "events", 0, "d"), "1975-01-01");
	fx_free(&f);

	/* only date detection: date-times stay text */
	setup(&f, "norm_detect_only_date");
	f.opt.detections = LL_DETECT_ISO_DATE;
	open_ok(&f);
	push_ok(&f, "{\"a\": \"1975-05-21\", \"ts\": \"1975-05-21T22:00:00Z\"}");
	finish_ok(&f);
	check_type(&f, "events", "a", LL_TYPE_DATE);
	check_type(&f, "events", "ts", LL_TYPE_TEXT);
	fx_free(&f);
}

/* What pendulum (under dlt's parse_iso_like_datetime) reads, and as which instant. */
static void test_iso_like_parsing(void)
{
	static const struct {
		const char *text;
		ll_iso_kind kind;
		const char *utc; /* the timestamp or date it stands for */
	} cases[] = {
		{ "2024-01-02T03:04:05Z", LL_ISO_DATETIME, "2024-01-02T03:04:05.000000Z" },
		{ "2024-01-02T03:04:05.1234567+01:30", LL_ISO_DATETIME, "2024-01-02T01:34:05.123456Z" },
		{ "2024-01-02 03:04", LL_ISO_DATETIME, "2024-01-02T03:04:00.000000Z" },
		{ "2024-01-02T03", LL_ISO_DATETIME, "2024-01-02T03:00:00.000000Z" },
		{ "20240102T030405", LL_ISO_DATETIME, "2024-01-02T03:04:05.000000Z" },
		{ "20240102T03:04", LL_ISO_DATETIME, "2024-01-02T03:04:00.000000Z" },
		{ "2024-01-02T0304", LL_ISO_NONE, NULL },
		{ "20240102T03:04:05", LL_ISO_NONE, NULL },
		{ "2024-032", LL_ISO_DATE, "2024-02-01" },
		{ "2024-W01-1", LL_ISO_DATE, "2024-01-01" },
		{ "2020W537 10:00", LL_ISO_DATETIME, "2021-01-03T10:00:00.000000Z" },
		{ "2024/01/02 03:04", LL_ISO_DATETIME, "2024-01-02T03:04:00.000000Z" },
		{ "2024 3:4:5,5", LL_ISO_DATETIME, "2024-01-01T03:04:05.500000Z" },
		{ "2024-01-02T03:04:05+25:00", LL_ISO_NONE, NULL },
		{ "2024-02-30", LL_ISO_NONE, NULL },
		{ "2024-01-02T24:00:00", LL_ISO_NONE, NULL },
		{ "2024-01-02\n", LL_ISO_NONE, NULL },
		{ "2024/01/02\n", LL_ISO_DATE, "2024-01-02" },
		{ "2024 10:", LL_ISO_NONE, NULL },
		{ "10:51", LL_ISO_TIME, NULL },
		{ "P1D", LL_ISO_NONE, NULL },
		{ "2024-01-02/2024-01-03", LL_ISO_NONE, NULL },
		{ "2024-01-02t03:04:05", LL_ISO_NONE, NULL },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int64_t v = 0;
		ll_iso_kind k = ll_parse_iso_like(cases[i].text, strlen(cases[i].text), &v);
		if (k != cases[i].kind)
			fprintf(stderr, "case %s\n", cases[i].text);
		CHECK_INT(k, cases[i].kind);
		char buf[40];
		if (k == LL_ISO_DATETIME && cases[i].utc) {
			ll_time_format_timestamp(v, 6, 'T', true, buf);
			CHECK_STR(buf, cases[i].utc);
		} else if (k == LL_ISO_DATE && cases[i].utc) {
			ll_time_format_date(v, buf);
			CHECK_STR(buf, cases[i].utc);
		}
	}
}

static void test_json_hint(void)
{
	fixture f;
	setup(&f, "norm_json_hint");
	CHECK_OK(fx_hint(&f, "payload", LL_TYPE_JSON, 0, 0), &f.err);
	open_ok(&f);
	push_ok(&f, "{\"payload\": {\"a\": [1, {\"b\": \"x\"}]}}");
	push_ok(&f, "{\"payload\": [1, \"x\"]}");
	push_ok(&f, "{\"payload\": \"[1,2]\"}");
	push_ok(&f, "{\"payload\": 5}");
	push_ok(&f, "{\"payload\": {}}");
	finish_ok(&f);
	CHECK_STR(CELL(&f, "events", 0, "payload"), "{\"a\":[1,{\"b\":\"x\"}]}");
	CHECK_STR(CELL(&f, "events", 1, "payload"), "[1,\"x\"]");
	CHECK_STR(CELL(&f, "events", 2, "payload"), "[1,2]");
	CHECK_STR(CELL(&f, "events", 3, "payload__v_bigint"), "5");
	CHECK_STR(CELL(&f, "events", 4, "payload"), "{}");
	CHECK_INT(f.schema->ntables, 1);
	fx_free(&f);
}

/*
 * dlt writes json values with orjson (dlt/common/json/_orjson.py), whose
 * floats differ from Python's repr below 1e-4: no zero-padded exponent
 * ("1e-7"), and 1e-5 still positional ("0.00001"); exponents from 16 up are
 * written "1e+16" (orjson 3.11.7 on). A float coerced to text stays
 * str(float), as dlt's _text_fallback gives it.
 */
static void test_json_floats_as_orjson(void)
{
	fixture f;
	setup(&f, "norm_json_floats");
	CHECK_OK(fx_hint(&f, "payload", LL_TYPE_JSON, 0, 0), &f.err);
	CHECK_OK(fx_hint(&f, "s", LL_TYPE_TEXT, 0, 0), &f.err);
	open_ok(&f);
	push_ok(&f, "{\"payload\": {\"a\": 1e-7, \"b\": 1.5e-5, \"c\": 1e16, \"d\": 0.0001, \"e\": "
		    "[2.5e-300, 1e22, 123456789012345.6, -0.0, 1.0, 1e-5]}, \"s\": 1e-7}");
	finish_ok(&f);
	CHECK_STR(CELL(&f, "events", 0, "payload"),
		  "{\"a\":1e-7,\"b\":0.000015,\"c\":1e+16,\"d\":0.0001,\"e\":"
		  "[2.5e-300,1e+22,123456789012345.6,-0.0,1.0,0.00001]}");
	CHECK_STR(CELL(&f, "events", 0, "s"), "1e-07");
	fx_free(&f);

	/* an object kept whole and coerced to text is json.dumps of it: orjson again */
	setup(&f, "norm_json_floats_text");
	CHECK_OK(fx_hint(&f, "s", LL_TYPE_TEXT, 0, 0), &f.err);
	f.opt.max_nesting = -1;
	open_ok(&f);
	push_ok(&f, "{\"s\": {\"x\": 1e-6}}");
	finish_ok(&f);
	CHECK_STR(CELL(&f, "events", 0, "s"), "{\"x\":1e-6}");
	fx_free(&f);
}

static void test_max_nesting(void)
{
	fixture f;
	setup(&f, "norm_max_nesting");
	f.opt.max_nesting = 2;
	open_ok(&f);
	push_ok(&f, "{\"a\": {\"b\": {\"c\": {\"d\": 1}}}, \"l\": [{\"x\": [1], \"y\": {\"z\": 2}}]}");
	finish_ok(&f);
	check_type(&f, "events", "a__b__c", LL_TYPE_JSON);
	CHECK_STR(CELL(&f, "events", 0, "a__b__c"), "{\"d\":1}");
	/* the list's row is one level down: its nested values stay whole one level sooner */
	CHECK(column_of(f.schema, "events__l", "x") == NULL);
	CHECK_STR(CELL(&f, "events__l__x", 0, "value"), "1");
	check_type(&f, "events__l", "y__z", LL_TYPE_BIGINT);
	fx_free(&f);

	setup(&f, "norm_max_nesting_1");
	f.opt.max_nesting = 1;
	open_ok(&f);
	push_ok(&f, "{\"l\": [{\"x\": [1], \"y\": {\"z\": 2}}]}");
	finish_ok(&f);
	check_type(&f, "events__l", "x", LL_TYPE_JSON);
	check_type(&f, "events__l", "y", LL_TYPE_JSON);
	CHECK_STR(CELL(&f, "events__l", 0, "x"), "[1]");
	fx_free(&f);
}

static void test_time_column_fails(void)
{
	fixture f;
	setup(&f, "norm_time_root");
	CHECK_OK(fx_hint(&f, "at", LL_TYPE_TIME, 0, 0), &f.err);
	CHECK_INT(fx_open(&f), LL_ETERMINAL);
	CHECK_STR(f.err.table, "events");
	CHECK_STR(f.err.column_name, "at");
	CHECK(strstr(f.err.message, "Athena cannot load TIME") != NULL);
	CHECK(strstr(f.err.message, "text or timestamp") != NULL);
	fx_free(&f);

	setup(&f, "norm_time_child");
	ll_table *child = NULL;
	CHECK_OK(ll_schema_add_table(f.schema, "events__x", "events", &child, &f.err), &f.err);
	ll_column c = { .name = "clock", .type = LL_TYPE_TIME, .nullable = true, .field_id = -1 };
	CHECK_OK(ll_table_add_column(child, &c, NULL, &f.err), &f.err);
	CHECK_INT(fx_open(&f), LL_ETERMINAL);
	CHECK_STR(f.err.table, "events__x");
	CHECK_STR(f.err.column_name, "clock");
	fx_free(&f);
}

static void expect_collision(fixture *f, const char *json, const char *a, const char *b,
			     const char *table, uint64_t line)
{
	CHECK_INT(fx_push(f, json), LL_ESCHEMA);
	if (!strstr(f->err.message, a) || !strstr(f->err.message, b))
		fprintf(stderr, "message: %s\n", f->err.message);
	CHECK(strstr(f->err.message, a) != NULL);
	CHECK(strstr(f->err.message, b) != NULL);
	CHECK(strstr(f->err.message, table) != NULL);
	CHECK_STR(f->err.table, table);
	CHECK_STR(f->err.file, "input.ndjson");
	CHECK_INT(f->err.line, line);
	CHECK_INT(f->err.column, 1);
}

static void test_column_collisions(void)
{
	fixture f;
	setup(&f, "norm_collide_one");
	open_ok(&f);
	expect_collision(&f, "{\"userName\": 1, \"user_name\": 2}", "\"userName\"", "\"user_name\"", "events", 1);
	CHECK_STR(f.err.column_name, "user_name");
	fx_free(&f);

	setup(&f, "norm_collide_two");
	open_ok(&f);
	push_ok(&f, "{\"A\": 1}");
	push_ok(&f, "{\"A\": 2, \"b\": 3}");
	expect_collision(&f, "{\"a\": 3}", "\"A\"", "\"a\"", "events", 3);
	fx_free(&f);

	/* a null does not blank out the value another key wrote to the same column */
	setup(&f, "norm_collide_null");
	open_ok(&f);
	expect_collision(&f, "{\"userName\": \"x\", \"user_name\": null}", "\"userName\"", "\"user_name\"",
			 "events", 1);
	fx_free(&f);

	setup(&f, "norm_collide_nested");
	open_ok(&f);
	expect_collision(&f, "{\"user\": {\"Name\": 1}, \"user__name\": 2}", "\"user.Name\"", "\"user__name\"",
			 "events", 1);
	fx_free(&f);

	setup(&f, "norm_collide_child");
	open_ok(&f);
	push_ok(&f, "{\"items\": [{\"Sku\": 1}]}");
	expect_collision(&f, "{\"items\": [{\"sku\": 1}]}", "\"items[].Sku\"", "\"items[].sku\"",
			 "events__items", 2);
	fx_free(&f);

	setup(&f, "norm_collide_unicode");
	open_ok(&f);
	expect_collision(&f, "{\"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\": 1, \"\xe4\xb8\xad\xe6\x96\x87\": 2}",
			 "\"\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\"", "\"\xe4\xb8\xad\xe6\x96\x87\"", "events", 1);
	fx_free(&f);
}

static void test_child_table_collisions(void)
{
	fixture f;
	setup(&f, "norm_collide_tables");
	open_ok(&f);
	push_ok(&f, "{\"Tags\": [1]}");
	expect_collision(&f, "{\"tags\": [2]}", "\"Tags\"", "\"tags\"", "events__tags", 2);
	CHECK(strstr(f.err.message, "table events__tags") != NULL);
	fx_free(&f);

	setup(&f, "norm_collide_root_table");
	CHECK_OK(ll_schema_add_table(f.schema, "events__tags", NULL, NULL, &f.err), &f.err);
	open_ok(&f);
	CHECK_INT(fx_push(&f, "{\"tags\": [1]}"), LL_ESCHEMA);
	CHECK(strstr(f.err.message, "root table") != NULL);
	fx_free(&f);
}

static void test_evolution_across_records(void)
{
	fixture f;
	setup(&f, "norm_evolve");
	open_ok(&f);
	push_ok(&f, "{\"a\": 1}");
	push_ok(&f, "{\"b\": 2}");
	push_ok(&f, "{\"a\": 3, \"c\": \"x\"}");
	finish_ok(&f);
	static const char *const cols[] = { "a", "_dlt_load_id", "_dlt_id", "b", "c" };
	check_column_order(&f, "events", cols, 5);
	CHECK_INT(rec_files(&f.sink, "events"), 1);
	CHECK_INT(f.sink.files[0]->added_columns, 2);
	CHECK(CELL(&f, "events", 0, "b") == NULL);
	CHECK_STR(CELL(&f, "events", 1, "b"), "2");
	CHECK_STR(CELL(&f, "events", 2, "c"), "x");
	fx_free(&f);
}

/* Key lengths around the comparison's word sizes, and where the one differing byte sits. */
static const size_t one_byte_lens[] = { 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 24 };

/* A key of len 'a's, and the same with a 'b' at the pth of the first, middle and last byte. */
static void one_byte_keys(size_t len, size_t p, char same[32], char other[32])
{
	size_t at[] = { 0, len / 2, len - 1 };
	memset(same, 'a', len);
	same[len] = '\0';
	memcpy(other, same, len + 1);
	other[at[p]] = 'b';
}

/*
 * A key that follows the same key as last time is compared with the one
 * that followed then: keys of equal length that differ in a single byte
 * must each keep their own column, whatever the length and the byte.
 */
static void test_keys_differing_in_one_byte(void)
{
	fixture f;
	setup(&f, "norm_one_byte");
	open_ok(&f);
	size_t nlens = sizeof(one_byte_lens) / sizeof(one_byte_lens[0]);
	for (size_t l = 0; l < nlens; l++) {
		for (size_t p = 0; p < 3; p++) {
			char same[32], other[32], json[128];
			one_byte_keys(one_byte_lens[l], p, same, other);
			snprintf(json, sizeof(json), "{\"p\": 0, \"%s\": 1}", same);
			push_ok(&f, json);
			snprintf(json, sizeof(json), "{\"p\": 0, \"%s\": 2}", other);
			push_ok(&f, json);
			snprintf(json, sizeof(json), "{\"p\": 0, \"%s\": 3}", same);
			push_ok(&f, json);
		}
	}
	finish_ok(&f);
	static const char *const want_same[3] = { "1", NULL, "3" };
	static const char *const want_other[3] = { NULL, "2", NULL };
	size_t row = 0;
	for (size_t l = 0; l < nlens; l++) {
		for (size_t p = 0; p < 3; p++, row += 3) {
			char same[32], other[32];
			one_byte_keys(one_byte_lens[l], p, same, other);
			for (size_t r = 0; r < 3; r++) {
				const char *a = CELL(&f, "events", row + r, same);
				const char *b = CELL(&f, "events", row + r, other);
				CHECK(want_same[r] ? a && strcmp(a, want_same[r]) == 0 : a == NULL);
				CHECK(want_other[r] ? b && strcmp(b, want_other[r]) == 0 : b == NULL);
			}
		}
	}
	fx_free(&f);
}

/*
 * Records that lack some of the keys others have, in the same order: each
 * value lands in its own key's column whichever keys are missing.
 */
static void test_optional_keys(void)
{
	fixture f;
	setup(&f, "norm_optional");
	open_ok(&f);
	static const char *const records[] = {
		"{\"a\": 1, \"b\": 2, \"c\": 3, \"d\": 4, \"e\": 5}",
		"{\"a\": 6, \"e\": 7}",
		"{\"a\": 8, \"c\": 9, \"e\": 10}",
		"{\"a\": 11, \"b\": 12, \"c\": 13, \"d\": 14, \"e\": 15}",
		"{\"a\": 16, \"d\": 17}",
		"{\"b\": 18, \"e\": 19}",
	};
	for (size_t i = 0; i < sizeof(records) / sizeof(records[0]); i++)
		push_ok(&f, records[i]);
	finish_ok(&f);
	static const char *const want[][5] = {
		{ "1", "2", "3", "4", "5" },     { "6", NULL, NULL, NULL, "7" },
		{ "8", NULL, "9", NULL, "10" },  { "11", "12", "13", "14", "15" },
		{ "16", NULL, NULL, "17", NULL }, { NULL, "18", NULL, NULL, "19" },
	};
	static const char *const keys[] = { "a", "b", "c", "d", "e" };
	for (size_t r = 0; r < sizeof(want) / sizeof(want[0]); r++) {
		for (size_t k = 0; k < 5; k++) {
			const char *got = CELL(&f, "events", r, keys[k]);
			if (want[r][k])
				CHECK(got && strcmp(got, want[r][k]) == 0);
			else
				CHECK(got == NULL);
		}
	}
	fx_free(&f);
}

static void test_evolution_after_flush(void)
{
	fixture f;
	setup(&f, "norm_evolve_flush");
	f.sink.flush_every_rows = 2;
	open_ok(&f);
	push_ok(&f, "{\"a\": 1}");
	push_ok(&f, "{\"a\": 2}");
	push_ok(&f, "{\"a\": 3, \"b\": 4}");
	push_ok(&f, "{\"a\": 5}");
	finish_ok(&f);
	CHECK_INT(rec_files(&f.sink, "events"), 2);
	CHECK_INT(f.nfiles, 2);
	if (f.nfiles == 2) {
		CHECK_INT(f.files[0].rows, 2);
		CHECK_INT(f.files[1].rows, 2);
		CHECK(strcmp(f.files[0].file_id, f.files[1].file_id) != 0);
		CHECK_INT(strlen(f.files[0].file_id), 14);
	}
	CHECK_INT(f.sink.files[1]->ncols, 4);
	CHECK_STR(CELL(&f, "events", 2, "b"), "4");
	CHECK_STR(CELL(&f, "events", 3, "a"), "5");
	CHECK_INT(f.sink.aborts, 0);
	fx_free(&f);
}

static void test_memory_budget(void)
{
	fixture f;
	setup(&f, "norm_budget");
	f.opt.memory_budget = 2000;
	open_ok(&f);
	char rec[256];
	for (int i = 0; i < 200; i++) {
		snprintf(rec, sizeof(rec),
			 "{\"text\": \"%0100d\", \"small\": [%d]}", i, i);
		push_ok(&f, rec);
	}
	size_t flushes_root = 0, flushes_child = 0;
	for (size_t i = 0; i < f.sink.nfiles; i++) {
		if (strcmp(f.sink.files[i]->table, "events") == 0)
			flushes_root += f.sink.files[i]->flushes;
		else
			flushes_child += f.sink.files[i]->flushes;
	}
	CHECK(flushes_root > 5);
	CHECK(flushes_root > flushes_child);
	CHECK(f.n->buffered <= 2000);
	finish_ok(&f);
	CHECK_INT(rec_rows(&f.sink, "events"), 200);
	fx_free(&f);
}

static void test_open_file_limit(void)
{
	fixture f;
	setup(&f, "norm_open_limit");
	f.opt.max_open_files = 2;
	open_ok(&f);
	for (int i = 0; i < 3; i++)
		push_ok(&f, "{\"a\": [1], \"b\": [2], \"c\": [3], \"d\": [4]}");
	CHECK(f.sink.open_files <= 2);
	finish_ok(&f);
	CHECK_INT(f.sink.open_files, 0);
	CHECK(f.nfiles > 5);
	CHECK_INT(rec_rows(&f.sink, "events"), 3);
	CHECK_INT(rec_rows(&f.sink, "events__d"), 3);
	CHECK_STR(CELL(&f, "events__c", 2, "value"), "3");
	uint64_t rows = 0;
	for (size_t i = 0; i < f.nfiles; i++)
		rows += f.files[i].rows;
	CHECK_INT(rows, 15);
	fx_free(&f);
}

static void test_row_ids(void)
{
	fixture a, b, c;
	setup(&a, "norm_ids_a");
	setup(&b, "norm_ids_b");
	setup(&c, "norm_ids_c");
	c.opt.load_id = "1700000001.000000";
	open_ok(&a);
	open_ok(&b);
	open_ok(&c);
	for (int i = 0; i < 2000; i++) {
		push_ok(&a, "{\"x\": 1, \"l\": [1, 2]}");
		push_ok(&b, "{\"x\": 1, \"l\": [1, 2]}");
		push_ok(&c, "{\"x\": 1, \"l\": [1, 2]}");
	}
	finish_ok(&a);
	finish_ok(&b);
	finish_ok(&c);
	int same = 0, differ = 0, dup = 0;
	for (size_t i = 0; i < 2000; i++) {
		same += strcmp(CELL(&a, "events", i, "_dlt_id"), CELL(&b, "events", i, "_dlt_id")) == 0;
		differ += strcmp(CELL(&a, "events", i, "_dlt_id"), CELL(&c, "events", i, "_dlt_id")) != 0;
	}
	CHECK_INT(same, 2000);
	CHECK_INT(differ, 2000);
	/* unique over the root and child rows together */
	size_t n = 6000;
	const char **ids = malloc(n * sizeof(*ids));
	for (size_t i = 0; i < 2000; i++)
		ids[i] = CELL(&a, "events", i, "_dlt_id");
	for (size_t i = 0; i < 4000; i++)
		ids[2000 + i] = CELL(&a, "events__l", i, "_dlt_id");
	for (size_t i = 0; i < n; i++) {
		for (size_t k = i + 1; k < n; k++)
			dup += strcmp(ids[i], ids[k]) == 0;
	}
	CHECK_INT(dup, 0);
	free(ids);
	fx_free(&a);
	fx_free(&b);
	fx_free(&c);
}

static void test_own_dlt_id_kept(void)
{
	fixture f;
	setup(&f, "norm_own_id");
	open_ok(&f);
	push_ok(&f, "{\"_dlt_id\": \"mine\", \"l\": [1]}");
	push_ok(&f, "{\"_dlt_id\": null, \"_dlt_load_id\": \"theirs\"}");
	finish_ok(&f);
	CHECK_STR(CELL(&f, "events", 0, "_dlt_id"), "mine");
	CHECK_STR(CELL(&f, "events__l", 0, "_dlt_parent_id"), "mine");
	CHECK_STR(CELL(&f, "events__l", 0, "_dlt_root_id"), "<none>");
	CHECK_INT(strlen(CELL(&f, "events", 1, "_dlt_id")), 14);
	CHECK_STR(CELL(&f, "events", 1, "_dlt_load_id"), "1700000000.123456");
	fx_free(&f);
}

static void test_not_nullable_columns(void)
{
	fixture f;
	setup(&f, "norm_not_null");
	ll_column k = { .name = "k", .type = LL_TYPE_BIGINT, .nullable = false, .field_id = -1 };
	CHECK_OK(ll_table_add_column(f.root, &k, NULL, &f.err), &f.err);
	open_ok(&f);
	push_ok(&f, "{\"k\": 1}");
	CHECK_INT(fx_push(&f, "{\"k\": null}"), LL_ESCHEMA);
	CHECK(strstr(f.err.message, "not nullable") != NULL);
	CHECK_STR(f.err.column_name, "k");
	fx_free(&f);

	setup(&f, "norm_not_null_missing");
	CHECK_OK(ll_table_add_column(f.root, &k, NULL, &f.err), &f.err);
	open_ok(&f);
	CHECK_INT(fx_push(&f, "{\"other\": 1}"), LL_ESCHEMA);
	CHECK(strstr(f.err.message, "no value") != NULL);
	fx_free(&f);
}

/*
 * dlt's primary_key and merge_key hints make their columns not nullable
 * (dlt/extract/hints.py, _merge_key: new_column(key, nullable=False)), so a
 * record without a value for one fails, from the first load on, and the
 * column the data creates is REQUIRED in the Parquet file.
 */
static void open_with_keys(fixture *f, const char *name, size_t nkeys)
{
	static const char *const keys[] = { "id", "region" };
	setup(f, name);
	f->opt.key_columns = keys;
	f->opt.nkey_columns = nkeys;
	open_ok(f);
}

/* A record that fails for lack of a value of key column id. */
static void push_without_id(fixture *f, const char *json)
{
	CHECK_INT(fx_push(f, json), LL_ESCHEMA);
	CHECK_STR(f->err.table, "events");
	CHECK_STR(f->err.column_name, "id");
	CHECK_INT(f->err.line, f->line);
	CHECK(strstr(f->err.message, "key") != NULL);
}

static void test_key_columns_not_nullable(void)
{
	fixture f;
	open_with_keys(&f, "norm_keys", 2);
	push_ok(&f, "{\"id\": 1, \"region\": \"eu\", \"v\": \"a\", \"l\": [1]}");
	CHECK(!column_of(f.schema, "events", "id")->nullable);
	CHECK(!column_of(f.schema, "events", "region")->nullable);
	CHECK(column_of(f.schema, "events", "v")->nullable);
	/* child rows have no keys of their own */
	push_ok(&f, "{\"id\": 2, \"region\": \"us\", \"l\": [{\"x\": 1}]}");
	push_without_id(&f, "{\"region\": \"eu\", \"v\": \"b\"}");
	fx_free(&f);

	/* a null, or a value that went to a variant column, is no value either */
	open_with_keys(&f, "norm_keys_null", 1);
	push_ok(&f, "{\"id\": 1}");
	push_without_id(&f, "{\"id\": null}");
	fx_free(&f);
	open_with_keys(&f, "norm_keys_variant", 1);
	push_ok(&f, "{\"id\": 1}");
	push_without_id(&f, "{\"id\": \"x1\"}");
	fx_free(&f);

	/* the first record decides nothing: a key it lacks fails it */
	open_with_keys(&f, "norm_keys_first", 1);
	push_without_id(&f, "{\"v\": 1}");
	fx_free(&f);

	/* rows that all have their keys: the key columns are REQUIRED in the file */
	open_with_keys(&f, "norm_keys_file", 2);
	push_ok(&f, "{\"id\": 1, \"region\": \"eu\"}");
	push_ok(&f, "{\"v\": 2.5, \"region\": \"us\", \"id\": 2}");
	finish_ok(&f);
	const ll_parquet_column_spec *spec = rec_column(&f.sink, "events", "id");
	CHECK(spec && !spec->nullable);
	spec = rec_column(&f.sink, "events", "v");
	CHECK(spec && spec->nullable);
	CHECK_STR(CELL(&f, "events", 1, "id"), "2");
	fx_free(&f);
}

static void test_unicode_and_odd_keys(void)
{
	fixture f;
	setup(&f, "norm_unicode");
	open_ok(&f);
	push_ok(&f, "{\"Gr\xc3\xb6\xc3\x9f" "e\": 1, \"\xc3\x9cn\xc3\xaf" "c\xc3\xb6" "d\xc3\xa9\": 2, "
		    "\"\xd9\xa3\xd9\xa4" "abc\": 3, \"\": 4, \"camelCase\": {\"innerKey\": 5}, \"a__b\": 6, "
		    "\"Price ($)\": 7}");
	finish_ok(&f);
	CHECK_STR(CELL(&f, "events", 0, "gr_e"), "1");
	CHECK_STR(CELL(&f, "events", 0, "_n_c_dx"), "2");
	CHECK_STR(CELL(&f, "events", 0, "_\xd9\xa3\xd9\xa4" "abc"), "3");
	CHECK_STR(CELL(&f, "events", 0, "_empty"), "4");
	CHECK_STR(CELL(&f, "events", 0, "camel_case__inner_key"), "5");
	CHECK_STR(CELL(&f, "events", 0, "a__b"), "6");
	CHECK_STR(CELL(&f, "events", 0, "pricex"), "7");
	fx_free(&f);
}

static void test_deep_nesting(void)
{
	fixture f;
	setup(&f, "norm_deep");
	open_ok(&f);
	ll_buf json = LL_BUF_INIT;
	for (int i = 0; i < 300; i++)
		ll_buf_printf(&json, "{\"k%d\": ", i);
	ll_buf_puts(&json, "1");
	for (int i = 0; i < 300; i++)
		ll_buf_putc(&json, '}');
	push_ok(&f, json.data);
	ll_buf_clear(&json);
	/* lists nested 50 deep: one child table per level */
	ll_buf_puts(&json, "{\"l\": ");
	for (int i = 0; i < 50; i++)
		ll_buf_puts(&json, "[");
	ll_buf_puts(&json, "7");
	for (int i = 0; i < 50; i++)
		ll_buf_puts(&json, "]");
	ll_buf_puts(&json, "}");
	push_ok(&f, json.data);
	finish_ok(&f);
	const ll_table *t = ll_schema_find_table(f.schema, "events");
	CHECK_INT(t->ncolumns, 3);
	CHECK_INT(strlen(t->columns[0].name), LL_NAME_MAX);
	CHECK(strncmp(t->columns[0].name, "k0__k1__k2__", 12) == 0);
	CHECK_STR(rec_cell(&f.sink, "events", 0, t->columns[0].name), "1");
	/* events, the 300-level row's table, and 50 list levels */
	CHECK_INT(f.schema->ntables, 51);
	CHECK_STR(CELL(&f, f.schema->tables[50]->name, 0, "value"), "7");
	ll_buf_free(&json);
	fx_free(&f);
}

/* "<prefix><head>" + tag + "<tail>": a name dlt shortened, with runs of one character. */
static void shortened(char *out, const char *prefix, char c, size_t head, const char *tag, size_t tail)
{
	size_t n = strlen(prefix);
	memcpy(out, prefix, n);
	memset(out + n, c, head);
	memcpy(out + n + head, tag, 6);
	memset(out + n + head + 6, c, tail);
	out[n + head + 6 + tail] = '\0';
}

/*
 * Names past Athena's 255 characters, as dlt (snake_case with
 * max_identifier_length 255) names the same record: a 300-level object
 * path, 5,000-character keys in the root and a child table, a
 * 300-character list key, and a child table under a long nested object.
 * Every expected name (and the column order) is what dlt's relational
 * normalizer yields for table "events".
 */
static void test_long_names_as_dlt(void)
{
	fixture f;
	setup(&f, "norm_long_names");
	open_ok(&f);
	ll_buf json = LL_BUF_INIT;
	ll_buf_puts(&json, "{\"id\": 1, \"x\": ");
	for (int i = 299; i >= 0; i--)
		ll_buf_printf(&json, "{\"k%d\": ", i);
	ll_buf_puts(&json, "{\"v\": 1}");
	for (int i = 0; i < 300; i++)
		ll_buf_putc(&json, '}');
	ll_buf_puts(&json, ", \"");
	for (int i = 0; i < 5000; i++)
		ll_buf_putc(&json, 'a');
	ll_buf_puts(&json, "\": 2, \"l\": [{\"");
	for (int i = 0; i < 5000; i++)
		ll_buf_putc(&json, 'b');
	ll_buf_puts(&json, "\": 3}], \"");
	for (int i = 0; i < 300; i++)
		ll_buf_putc(&json, 'm');
	ll_buf_puts(&json, "\": [1], \"Deep\": {\"");
	for (int i = 0; i < 40; i++)
		ll_buf_puts(&json, "CamelKey");
	ll_buf_puts(&json, "\": {\"z\": [{\"q\": 1}]}}}");
	push_ok(&f, json.data);
	finish_ok(&f);

	char a[256], b[256], m[256];
	shortened(a, "", 'a', 125, "damlzq", 124);
	shortened(b, "", 'b', 125, "vmaf4a", 124);
	shortened(m, "events__", 'm', 117, "lqecqw", 124);
	static const char deep_path[] =
		"x__k299__k298__k297__k296__k295__k294__k293__k292__k291__k290__k289__k288__k287__k286__k28"
		"5__k284__k283__k282__k281__k280__k21a9rjg6__k25__k24__k23__k22__k21__k20__k19__k18__k17__k"
		"16__k15__k14__k13__k12__k11__k10__k9__k8__k7__k6__k5__k4__k3__k2__k1__k0__v";
	static const char camel_table[] =
		"events__deep__camel_key_camel_key_camel_key_camel_key_camel_key_camel_key_camel_key_camel_"
		"key_camel_key_camel_key_camel_key_crhhexwy_camel_key_camel_key_camel_key_camel_key_camel_k"
		"ey_camel_key_camel_key_camel_key_camel_key_camel_key_camel_key_camel_key__z";
	const char *root_cols[] = { "id", a, deep_path, "_dlt_load_id", "_dlt_id" };
	check_column_order(&f, "events", root_cols, 5);
	const char *l_cols[] = { b, "_dlt_parent_id", "_dlt_list_idx", "_dlt_id" };
	check_column_order(&f, "events__l", l_cols, 4);
	const char *m_cols[] = { "value", "_dlt_parent_id", "_dlt_list_idx", "_dlt_id" };
	check_column_order(&f, m, m_cols, 4);
	const char *z_cols[] = { "q", "_dlt_parent_id", "_dlt_list_idx", "_dlt_id" };
	check_column_order(&f, camel_table, z_cols, 4);
	CHECK_STR(CELL(&f, "events", 0, deep_path), "1");
	CHECK_STR(CELL(&f, "events", 0, a), "2");
	CHECK_STR(CELL(&f, "events__l", 0, b), "3");
	CHECK_STR(CELL(&f, camel_table, 0, "q"), "1");
	ll_buf_free(&json);
	fx_free(&f);
}

static void test_ten_thousand_keys(void)
{
	fixture f;
	setup(&f, "norm_wide");
	open_ok(&f);
	ll_buf json = LL_BUF_INIT;
	ll_buf_putc(&json, '{');
	for (int i = 0; i < 10000; i++)
		ll_buf_printf(&json, "%s\"someKey%d\": %d", i ? ", " : "", i, i);
	ll_buf_putc(&json, '}');
	push_ok(&f, json.data);
	push_ok(&f, json.data);
	finish_ok(&f);
	CHECK_INT(ll_schema_find_table(f.schema, "events")->ncolumns, 10002);
	CHECK_STR(CELL(&f, "events", 1, "some_key9999"), "9999");
	CHECK_STR(CELL(&f, "events", 0, "some_key0"), "0");
	ll_buf_free(&json);
	fx_free(&f);
}

static void test_duplicate_keys(void)
{
	fixture f;
	setup(&f, "norm_duplicates");
	open_ok(&f);
	/* the test parser merges duplicate keys, so this record is built by hand */
	ll_json_value one = { .kind = LL_JSON_INT, .u.i = 1 }, two = { .kind = LL_JSON_INT, .u.i = 2 };
	ll_json_value null = { .kind = LL_JSON_NULL };
	ll_json_member m[] = { { "a", 1, &one }, { "b", 1, &one }, { "a", 1, &two }, { "b", 1, &null } };
	ll_json_value rec = { .kind = LL_JSON_OBJECT, .u.obj = { m, 4 } };
	CHECK_OK(ll_normalizer_push(f.n, &rec, "hand", 1, 1, &f.err), &f.err);
	finish_ok(&f);
	CHECK_STR(CELL(&f, "events", 0, "a"), "2");
	CHECK(CELL(&f, "events", 0, "b") == NULL);
	fx_free(&f);
}

static void test_free_removes_files(void)
{
	fixture f;
	setup(&f, "norm_free_removes");
	f.sink.flush_every_rows = 1;
	f.sink.touch_files = true;
	open_ok(&f);
	push_ok(&f, "{\"a\": 1}");
	push_ok(&f, "{\"a\": 2, \"b\": 3}");
	CHECK_INT(f.sink.nfiles, 2);
	char first[1024];
	snprintf(first, sizeof(first), "%s", f.sink.files[0]->path);
	CHECK(access(first, F_OK) == 0);
	ll_normalizer_free(f.n);
	f.n = NULL;
	CHECK(access(first, F_OK) != 0);
	CHECK_INT(f.sink.aborts, 1);
	CHECK_INT(f.sink.open_files, 0);
	fx_free(&f);
}

static void test_open_errors(void)
{
	fixture f;
	setup(&f, "norm_open_errors");
	ll_row_sink ops = rec_sink_ops(&f.sink);
	ll_normalizer *n = NULL;
	CHECK_INT(ll_normalizer_open_sink(&n, f.schema, "nope", &f.opt, &ops, &f.err), LL_EINVAL);
	CHECK(strstr(f.err.message, "nope") != NULL);
	CHECK_OK(ll_schema_add_table(f.schema, "events__c", "events", NULL, &f.err), &f.err);
	CHECK_INT(ll_normalizer_open_sink(&n, f.schema, "events__c", &f.opt, &ops, &f.err), LL_EINVAL);
	ll_normalize_options bad = f.opt;
	bad.out_dir = NULL;
	CHECK_INT(ll_normalizer_open_sink(&n, f.schema, "events", &bad, &ops, &f.err), LL_EINVAL);
	CHECK(n == NULL);
	fx_free(&f);
}

static void test_double_repr(void)
{
	static const struct {
		double v;
		const char *repr;
	} cases[] = {
		{ 1e16, "1e+16" },   { 0.0001, "0.0001" },   { 1e-5, "1e-05" },
		{ 123456789.123, "123456789.123" }, { -0.0, "-0.0" }, { 1.5e300, "1.5e+300" },
		{ 2.0, "2.0" },      { 0.1 + 0.2, "0.30000000000000004" }, { 1e22, "1e+22" },
		{ 123456789012345678.0, "1.2345678901234568e+17" }, { 5e-324, "5e-324" },
		{ 1234567890123456.0, "1234567890123456.0" },
	};
	char buf[64];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ll_double_repr(cases[i].v, buf, sizeof(buf));
		CHECK_STR(buf, cases[i].repr);
	}
}

static void test_coerce_text_parsing(void)
{
	ll_arena arena;
	ll_arena_init(&arena, 0);
	ll_buf tmp = LL_BUF_INIT;
	static const struct {
		ll_data_type type;
		const char *text;
		ll_coerce_result want;
		long long i;
	} cases[] = {
		{ LL_TYPE_BIGINT, "1_000", LL_COERCE_OK, 1000 },
		{ LL_TYPE_BIGINT, "1__0", LL_COERCE_NO, 0 },
		{ LL_TYPE_BIGINT, "1e3", LL_COERCE_NO, 0 },
		{ LL_TYPE_BIGINT, "+5", LL_COERCE_OK, 5 },
		{ LL_TYPE_BIGINT, "9223372036854775807", LL_COERCE_OK, 9223372036854775807LL },
		{ LL_TYPE_BIGINT, "9223372036854775808", LL_COERCE_NO, 0 },
		{ LL_TYPE_BIGINT, "-9223372036854775808", LL_COERCE_OK, (-9223372036854775807LL - 1) },
		{ LL_TYPE_BIGINT, "", LL_COERCE_NO, 0 },
		{ LL_TYPE_BOOL, "TRUE", LL_COERCE_OK, 1 },
		{ LL_TYPE_BOOL, " true", LL_COERCE_NO, 0 },
		{ LL_TYPE_BOOL, "n", LL_COERCE_OK, 0 },
		{ LL_TYPE_DATE, "1970-01-02", LL_COERCE_OK, 1 },
		{ LL_TYPE_TIMESTAMP, "2024-13-01", LL_COERCE_NO, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ll_json_value v = { .kind = LL_JSON_STRING };
		v.u.s.ptr = cases[i].text;
		v.u.s.len = strlen(cases[i].text);
		ll_column col = { .name = "c", .type = cases[i].type };
		ll_row_value out;
		ll_coerce_result r = ll_norm_coerce(&v, &col, &arena, &tmp, &out);
		if (r != cases[i].want)
			fprintf(stderr, "case %zu: \"%s\"\n", i, cases[i].text);
		CHECK_INT(r, cases[i].want);
		if (r == LL_COERCE_OK && cases[i].type == LL_TYPE_BOOL)
			CHECK_INT(out.u.b, cases[i].i);
		else if (r == LL_COERCE_OK)
			CHECK_INT(out.u.i, cases[i].i);
	}
	static const struct {
		const char *text;
		ll_coerce_result want;
		double d;
	} doubles[] = {
		{ "1.5", LL_COERCE_OK, 1.5 }, { "-inf", LL_COERCE_OK, -INFINITY }, { "1e400", LL_COERCE_OK, INFINITY },
		{ "0x10", LL_COERCE_OK, 16 }, { "0x1p3", LL_COERCE_NO, 0 }, { "1.", LL_COERCE_OK, 1 },
		{ ".5", LL_COERCE_OK, 0.5 }, { ".", LL_COERCE_NO, 0 }, { "1e", LL_COERCE_NO, 0 },
		{ "nan(1)", LL_COERCE_NO, 0 },
	};
	for (size_t i = 0; i < sizeof(doubles) / sizeof(doubles[0]); i++) {
		ll_json_value v = { .kind = LL_JSON_STRING };
		v.u.s.ptr = doubles[i].text;
		v.u.s.len = strlen(doubles[i].text);
		ll_column col = { .name = "c", .type = LL_TYPE_DOUBLE };
		ll_row_value out;
		ll_coerce_result r = ll_norm_coerce(&v, &col, &arena, &tmp, &out);
		if (r != doubles[i].want)
			fprintf(stderr, "double case \"%s\"\n", doubles[i].text);
		CHECK_INT(r, doubles[i].want);
		if (r == LL_COERCE_OK)
			CHECK(out.u.d == doubles[i].d);
	}
	/* binary: hex and strict base64 */
	ll_json_value hex = { .kind = LL_JSON_STRING, .u.s = { "0xdead beef", 11 } };
	ll_json_value b64 = { .kind = LL_JSON_STRING, .u.s = { "3q2+7w==", 8 } };
	ll_json_value bad = { .kind = LL_JSON_STRING, .u.s = { "3q2+7w=", 7 } };
	ll_column bin = { .name = "b", .type = LL_TYPE_BINARY };
	ll_row_value out;
	CHECK_INT(ll_norm_coerce(&hex, &bin, &arena, &tmp, &out), LL_COERCE_OK);
	CHECK(out.u.s.len == 4 && memcmp(out.u.s.ptr, "\xde\xad\xbe\xef", 4) == 0);
	CHECK_INT(ll_norm_coerce(&b64, &bin, &arena, &tmp, &out), LL_COERCE_OK);
	CHECK(out.u.s.len == 4 && memcmp(out.u.s.ptr, "\xde\xad\xbe\xef", 4) == 0);
	CHECK_INT(ll_norm_coerce(&bad, &bin, &arena, &tmp, &out), LL_COERCE_NO);
	ll_buf_free(&tmp);
	ll_arena_free(&arena);
}

LL_TEST_MAIN(LL_TEST(test_flatten_nested_objects), LL_TEST(test_child_tables_and_links),
	     LL_TEST(test_child_ids_batched),
	     LL_TEST(test_merge_root_key_and_order), LL_TEST(test_lists_of_lists),
	     LL_TEST(test_wrapped_scalars), LL_TEST(test_nulls_and_empties),
	     LL_TEST(test_inference_and_coercion), LL_TEST(test_variant_columns),
	     LL_TEST(test_variant_rows), LL_TEST(test_scalar_list_item_rows),
	     LL_TEST(test_big_integers_and_decimals),
	     LL_TEST(test_timestamp_units_and_field_ids), LL_TEST(test_detections),
	     LL_TEST(test_iso_like_parsing), LL_TEST(test_json_hint),
	     LL_TEST(test_json_floats_as_orjson),
	     LL_TEST(test_max_nesting), LL_TEST(test_time_column_fails), LL_TEST(test_column_collisions),
	     LL_TEST(test_child_table_collisions), LL_TEST(test_evolution_across_records),
	     LL_TEST(test_keys_differing_in_one_byte), LL_TEST(test_optional_keys),
	     LL_TEST(test_evolution_after_flush), LL_TEST(test_memory_budget), LL_TEST(test_open_file_limit), LL_TEST(test_row_ids),
	     LL_TEST(test_own_dlt_id_kept), LL_TEST(test_not_nullable_columns),
	     LL_TEST(test_key_columns_not_nullable),
	     LL_TEST(test_unicode_and_odd_keys), LL_TEST(test_deep_nesting), LL_TEST(test_long_names_as_dlt),
	     LL_TEST(test_ten_thousand_keys), LL_TEST(test_duplicate_keys),
	     LL_TEST(test_free_removes_files), LL_TEST(test_open_errors), LL_TEST(test_double_repr),
	     LL_TEST(test_coerce_text_parsing))
