/*
 * ll_sql_names: the identifiers a SQL text mentions.
 *
 * The engine uses them to decide which datasets to attach, which tables to
 * declare and, for tables too wide for SQLite, which columns. The scan is
 * lexical, not a parse: it skips string literals, comments and parameters
 * and collects bare, "double-quoted", `backquoted` and [bracketed]
 * identifiers, folded to ASCII lowercase as SQLite compares them. A keyword
 * or alias that happens to equal a name is harmless: the engine then
 * declares something the query does not use. It also notes which names
 * stand qualified (`shop.events`, blanks and comments allowed around the
 * dot), so a table named only as another schema's (`a.t`) is not taken
 * for one of schema b; an unqualified name may still be any schema's. A column can be used without
 * being named only through a select-star (`SELECT *`, `t.*`) or a NATURAL
 * join; the scan reports either as `star`. A `*` after an operand is a
 * multiplication and count(*) uses no column, so neither counts.
 */
#ifndef LL_ENGINE_SQL_NAMES_H
#define LL_ENGINE_SQL_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/** A name written after another and a dot: qualifier.name, both lowercase. */
typedef struct ll_sql_qualified {
	char *qualifier;
	char *name;
} ll_sql_qualified;

typedef struct ll_sql_names {
	char **names; /* every identifier: sorted, distinct, lowercase */
	size_t n;
	char **bare; /* those that occur unqualified: sorted, distinct, lowercase */
	size_t nbare;
	ll_sql_qualified *qualified; /* the qualified occurrences, in text order */
	size_t nqualified;
	bool star;
} ll_sql_names;

/** Scans sql; out is overwritten. Free with ll_sql_names_free (also after failure). */
ll_status ll_sql_names_scan(const char *sql, ll_sql_names *out, ll_error *err);

/** True if name (compared case-insensitively, ASCII) occurs in the text. */
bool ll_sql_names_has(const ll_sql_names *names, const char *name);

/**
 * True if the text may refer to table `name` of schema `schema` (both
 * compared case-insensitively): it writes schema.name, or name unqualified.
 */
bool ll_sql_names_may_refer(const ll_sql_names *names, const char *schema, const char *name);

void ll_sql_names_free(ll_sql_names *names);

#endif
