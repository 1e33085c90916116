/*
 * Quoting of identifiers and string literals for Athena's two dialects:
 * Hive for DDL, Trino for queries (see sql.h for the rules and why they
 * differ).
 */
#include "sql/sql.h"

static void put_doubling(ll_buf *out, const char *s, char quote)
{
	ll_buf_putc(out, quote);
	for (; *s; s++) {
		if (*s == quote)
			ll_buf_putc(out, quote);
		ll_buf_putc(out, *s);
	}
	ll_buf_putc(out, quote);
}

void ll_sql_hive_ident(ll_buf *out, const char *name)
{
	put_doubling(out, name, '`');
}

void ll_sql_presto_ident(ll_buf *out, const char *name)
{
	put_doubling(out, name, '"');
}

void ll_sql_string_literal(ll_buf *out, const char *s)
{
	put_doubling(out, s, '\'');
}

/* Hive's lexer reads a backslash as an escape (BaseSemanticAnalyzer.unescapeSQLString). */
void ll_sql_hive_string_literal(ll_buf *out, const char *s)
{
	ll_buf_putc(out, '\'');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '\'': ll_buf_puts(out, "\\'"); break;
		case '\\': ll_buf_puts(out, "\\\\"); break;
		case '\n': ll_buf_puts(out, "\\n"); break;
		case '\r': ll_buf_puts(out, "\\r"); break;
		case '\t': ll_buf_puts(out, "\\t"); break;
		default:
			if (c < 0x20 || c == 0x7f)
				ll_buf_printf(out, "\\u%04x", c);
			else
				ll_buf_putc(out, (char)c);
		}
	}
	ll_buf_putc(out, '\'');
}
