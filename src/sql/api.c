/*
 * The public face of the SQL module (lakeload.h): choosing a dialect and
 * translating a query from it into SQLite.
 */
#include <string.h>

#include "sql/sql.h"

bool ll_sql_dialect_parse(const char *name, ll_sql_dialect *out)
{
	if (strcmp(name, "sqlite") == 0)
		*out = LL_DIALECT_SQLITE;
	else if (strcmp(name, "athena") == 0)
		*out = LL_DIALECT_ATHENA;
	else
		return false;
	return true;
}

ll_status ll_sql_translate(ll_sql_dialect dialect, const char *sql, const char *database,
			   char **out, ll_error *err)
{
	*out = NULL;
	ll_buf text = LL_BUF_INIT;
	ll_status s;
	if (dialect == LL_DIALECT_ATHENA) {
		ll_sql_context ctx = { .database = database };
		s = ll_sql_translate_query(sql, &ctx, &text, err);
	} else {
		ll_buf_puts(&text, sql);
		s = ll_buf_oom(&text) ? ll_error_oom(err) : LL_OK;
	}
	if (s == LL_OK && !(*out = ll_buf_detach(&text)))
		s = ll_error_oom(err);
	ll_buf_free(&text);
	return s;
}
