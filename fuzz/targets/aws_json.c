/*
 * Fuzzes the parsers of AWS replies: a Glue Table document into its struct
 * (and back into a TableInput), a Glue Database, an Athena GetQueryResults
 * page into rows (with and without the header row, twice, as first and
 * later page), and the JSON error shape. Every input is tried on all of
 * them; none may crash, leak or read out of bounds, and every delivered
 * cell must be readable.
 */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "aws/athena.h"
#include "aws/aws_json.h"
#include "aws/glue.h"
#include "fuzz.h"

static int touch_row(void *user, size_t ncols, const char *const *names, const ll_cell *cells)
{
	size_t *sum = user;
	for (size_t i = 0; i < ncols; i++) {
		*sum += (unsigned char)names[i][0];
		if (cells[i].kind == LL_CELL_TEXT || cells[i].kind == LL_CELL_BLOB)
			for (size_t j = 0; j < cells[i].len; j++)
				*sum += (unsigned char)cells[i].s[j];
	}
	return 0;
}

static void fuzz_table(const json_t *doc)
{
	ll_glue_table t;
	ll_glue_table_init(&t);
	ll_error err;
	if (ll_glue_table_parse(&t, doc, &err) == LL_OK) {
		json_decref(ll_glue_table_input(&t));
		(void)ll_glue_table_is_iceberg(&t);
	}
	ll_glue_table_free(&t);
}

static void fuzz_rows(const json_t *doc, bool skip_header)
{
	ll_athena_rows r;
	ll_athena_rows_init(&r, skip_header);
	size_t sum = 0;
	bool stop;
	ll_error err;
	if (ll_athena_rows_page(&r, doc, touch_row, &sum, &stop, &err) == LL_OK)
		(void)ll_athena_rows_page(&r, doc, touch_row, &sum, &stop, &err);
	ll_athena_rows_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char code[128], message[512];
	(void)ll_aws_json_parse_error((const char *)data, size, "x#Fallback:y", code, sizeof(code),
				      message, sizeof(message));
	json_t *doc = json_loadb((const char *)data, size, 0, NULL);
	if (!doc)
		return 0;
	fuzz_table(doc);
	fuzz_table(json_object_get(doc, "Table"));
	ll_glue_database db;
	ll_error err;
	(void)ll_glue_database_parse(&db, json_object_get(doc, "Database"), &err);
	ll_glue_database_free(&db);
	fuzz_rows(doc, true);
	fuzz_rows(doc, false);
	json_decref(doc);
	return 0;
}
