/*
 * The SQL tokenizer shared by the statement reader and the query
 * translator. Comments (-- and block) and whitespace are skipped; each
 * token keeps its source span, and strings and quoted identifiers also
 * their decoded value. In Hive mode a backslash escapes the next character
 * of a string literal; in Trino mode it is an ordinary character. Both
 * modes read "double-quoted" and `backquoted` identifiers. Tokens live in
 * the arena given to ll_sql_lex.
 */
#ifndef LL_SQL_LEX_H
#define LL_SQL_LEX_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "util/error.h"

typedef enum ll_sql_token_kind {
	LL_TOK_END = 0, /**< after the last token */
	LL_TOK_WORD,    /**< keyword or bare identifier */
	LL_TOK_QIDENT,  /**< quoted identifier; value unquoted */
	LL_TOK_STRING,  /**< string literal; value unescaped */
	LL_TOK_NUMBER,
	LL_TOK_PUNCT,   /**< operator or punctuation, e.g. "(", "||", "<=" */
	LL_TOK_PARAM,   /**< ? */
} ll_sql_token_kind;

typedef struct ll_sql_token {
	ll_sql_token_kind kind;
	size_t pos, len;   /**< span in the source text */
	const char *value; /**< NUL-terminated: the decoded value, or a copy of the span */
} ll_sql_token;

typedef struct ll_sql_tokens {
	const char *text;
	ll_sql_token *tok; /**< n tokens and a final LL_TOK_END at text's end */
	size_t n;
} ll_sql_tokens;

/**
 * Tokenizes text, at most max tokens (0: all). An unterminated string,
 * identifier or comment, or a character SQL does not use, is LL_EINVAL at
 * its line:column.
 */
ll_status ll_sql_lex(const char *text, bool hive, size_t max, ll_arena *arena, ll_sql_tokens *out,
		     ll_error *err);

/** Sets err's line and column to those of byte pos of text, and says them in front of its message. */
void ll_sql_error_at(ll_error *err, const char *text, size_t pos);

/** True if the token is the word (ASCII case-insensitive). */
bool ll_sql_tok_is(const ll_sql_token *t, const char *word);

/** True if the token is this punctuation. */
bool ll_sql_tok_punct(const ll_sql_token *t, const char *p);

#endif
