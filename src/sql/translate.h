/*
 * Translation of a span of Trino tokens to SQLite text (see sql.h), shared
 * by ll_sql_translate_query and the statement reader (DELETE's condition,
 * INSERT's source).
 */
#ifndef LL_SQL_TRANSLATE_H
#define LL_SQL_TRANSLATE_H

#include "sql/lex.h"
#include "sql/sql.h"

/** Appends the SQLite text of tokens [begin, end) to out. */
ll_status ll_sql_translate_tokens(const ll_sql_tokens *ts, size_t begin, size_t end,
				  const ll_sql_context *ctx, ll_buf *out, ll_error *err);

/** The catalog name a context drops from catalog.database.table. */
const char *ll_sql_catalog(const ll_sql_context *ctx);

#endif
