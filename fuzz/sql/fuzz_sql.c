/*
 * Fuzzes the SQL layer: every input is tokenized in both string modes,
 * read as one Athena statement with and without a default database, and
 * translated as a query; a successful read must give a statement whose
 * strings are all readable, and a failure must leave a message. None may
 * crash, leak or read out of bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sql/lex.h"
#include "sql/sql.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t touch(const char *s)
{
	return s ? strlen(s) : 0;
}

static size_t touch_columns(const ll_sql_column *c, size_t n)
{
	size_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += touch(c[i].name) + touch(c[i].type) + touch(c[i].comment);
	return sum;
}

static size_t touch_statement(const ll_sql_statement *st)
{
	size_t sum = touch(st->database) + touch(st->table) + touch(st->like) +
		     touch(st->location) + touch(st->sql) + touch(ll_sql_kind_name(st->kind));
	sum += touch_columns(st->columns, st->ncolumns);
	sum += touch_columns(st->partition_columns, st->npartition_columns);
	for (size_t i = 0; i < st->npartition; i++)
		sum += touch(st->partition[i]);
	for (size_t i = 0; i < st->nproperties; i++)
		sum += touch(st->properties[i].key) + touch(st->properties[i].value);
	for (size_t i = 0; i < st->ninsert_columns; i++)
		sum += touch(st->insert_columns[i]);
	return sum;
}

static void read_one(const char *text, const ll_sql_context *ctx)
{
	ll_sql_statement st;
	ll_error err = { 0 };
	if (ll_sql_read(text, ctx, &st, &err) == LL_OK) {
		if (touch_statement(&st) == SIZE_MAX)
			abort();
	} else if (!err.message[0]) {
		abort();
	}
	ll_sql_statement_free(&st);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	for (int hive = 0; hive < 2; hive++) {
		ll_arena arena;
		ll_arena_init(&arena, 0);
		ll_sql_tokens ts;
		ll_error err = { 0 };
		if (ll_sql_lex(text, hive, 0, &arena, &ts, &err) == LL_OK)
			for (size_t i = 0; i < ts.n; i++)
				if (ts.tok[i].pos + ts.tok[i].len > strlen(text) || !ts.tok[i].value)
					abort();
		ll_arena_free(&arena);
	}

	ll_sql_context with_default = { .database = "dflt", .catalog = "Lake" };
	read_one(text, &with_default);
	read_one(text, NULL);

	ll_buf out = LL_BUF_INIT;
	ll_error err = { 0 };
	ll_sql_translate_query(text, &with_default, &out, &err);
	ll_buf_free(&out);
	free(text);
	return 0;
}
