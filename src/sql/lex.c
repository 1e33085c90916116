/*
 * The SQL tokenizer (see lex.h).
 */
#include "sql/lex.h"

#include <string.h>
#include <strings.h>

#include "util/buf.h"

void ll_sql_error_at(ll_error *err, const char *text, size_t pos)
{
	uint64_t line = 1, col = 1;
	for (size_t i = 0; i < pos && text[i]; i++) {
		if (text[i] == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	ll_error_set_location(err, NULL, line, col);
	/* as Trino words it, since a file name will not be there to carry the location */
	ll_error_prefix(err, "line %llu:%llu", (unsigned long long)line, (unsigned long long)col);
}

bool ll_sql_tok_is(const ll_sql_token *t, const char *word)
{
	return t->kind == LL_TOK_WORD && strcasecmp(t->value, word) == 0;
}

bool ll_sql_tok_punct(const ll_sql_token *t, const char *p)
{
	return t->kind == LL_TOK_PUNCT && strcmp(t->value, p) == 0;
}

static bool is_word_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '$' || c >= 0x80;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

typedef struct lexer {
	const char *s;
	size_t i;
	bool hive;
	ll_arena *arena;
	ll_buf value;
	ll_error *err;
} lexer;

static ll_status fail(lexer *lx, size_t pos, const char *what)
{
	ll_status s = ll_error_set(lx->err, LL_EINVAL, "%s", what);
	ll_sql_error_at(lx->err, lx->s, pos);
	return s;
}

/* Skips whitespace and comments. */
static ll_status skip_space(lexer *lx)
{
	const char *s = lx->s;
	for (;;) {
		char c = s[lx->i];
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
			lx->i++;
		} else if (c == '-' && s[lx->i + 1] == '-') {
			while (s[lx->i] && s[lx->i] != '\n')
				lx->i++;
		} else if (c == '/' && s[lx->i + 1] == '*') {
			const char *end = strstr(s + lx->i + 2, "*/");
			if (!end)
				return fail(lx, lx->i, "unterminated comment");
			lx->i = (size_t)(end - s) + 2;
		} else {
			return LL_OK;
		}
	}
}

/* A quoted run ending at an unescaped quote; doubling the quote stands for one. */
static ll_status read_quoted(lexer *lx, char quote, bool backslash, const char *what)
{
	size_t start = lx->i++;
	ll_buf_clear(&lx->value);
	for (;;) {
		char c = lx->s[lx->i];
		if (!c) {
			char msg[64];
			snprintf(msg, sizeof(msg), "unterminated %s", what);
			return fail(lx, start, msg);
		}
		if (backslash && c == '\\' && lx->s[lx->i + 1]) {
			char e = lx->s[lx->i + 1];
			ll_buf_putc(&lx->value, e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e);
			lx->i += 2;
			continue;
		}
		lx->i++;
		if (c == quote) {
			if (lx->s[lx->i] != quote)
				return LL_OK;
			lx->i++;
		}
		ll_buf_putc(&lx->value, c);
	}
}

static void read_number(lexer *lx)
{
	const char *s = lx->s;
	while (is_digit(s[lx->i]))
		lx->i++;
	if (s[lx->i] == '.') {
		lx->i++;
		while (is_digit(s[lx->i]))
			lx->i++;
	}
	if ((s[lx->i] == 'e' || s[lx->i] == 'E') &&
	    (is_digit(s[lx->i + 1]) ||
	     ((s[lx->i + 1] == '+' || s[lx->i + 1] == '-') && is_digit(s[lx->i + 2]))))
		for (lx->i += 2; is_digit(s[lx->i]); lx->i++)
			;
}

static const char *const two_char_ops[] = { "||", "<=", ">=", "<>", "!=", "->", "=>", "::" };

/* Reads one token at lx->i (after spaces) into t. */
static ll_status read_token(lexer *lx, ll_sql_token *t)
{
	const char *s = lx->s;
	size_t start = lx->i;
	char c = s[start];
	ll_status st = LL_OK;
	bool decoded = false;
	if (c == '\'') {
		t->kind = LL_TOK_STRING;
		st = read_quoted(lx, '\'', lx->hive, "string literal");
		decoded = true;
	} else if (c == '"' || c == '`') {
		t->kind = LL_TOK_QIDENT;
		st = read_quoted(lx, c, false, "quoted identifier");
		decoded = true;
	} else if (is_digit(c) || (c == '.' && is_digit(s[start + 1]))) {
		t->kind = LL_TOK_NUMBER;
		read_number(lx);
	} else if (is_word_char((unsigned char)c)) {
		t->kind = LL_TOK_WORD;
		while (is_word_char((unsigned char)s[lx->i]))
			lx->i++;
	} else if (c == '?') {
		t->kind = LL_TOK_PARAM;
		lx->i++;
	} else if (c && strchr("(),.;+-*/%=<>[]|!:{}^&~", c)) {
		t->kind = LL_TOK_PUNCT;
		lx->i++;
		for (size_t k = 0; k < sizeof(two_char_ops) / sizeof(two_char_ops[0]); k++)
			if (two_char_ops[k][0] == c && two_char_ops[k][1] == s[start + 1]) {
				lx->i++;
				break;
			}
	} else {
		char msg[64];
		snprintf(msg, sizeof(msg), "unexpected character '%c' (0x%02x)",
			 (c >= 0x20 && c < 0x7f) ? c : '?', (unsigned char)c);
		return fail(lx, start, msg);
	}
	if (st != LL_OK)
		return st;
	t->pos = start;
	t->len = lx->i - start;
	t->value = decoded ? ll_arena_strndup(lx->arena, ll_buf_cstr(&lx->value), lx->value.len)
			   : ll_arena_strndup(lx->arena, s + start, t->len);
	if (!t->value || ll_buf_oom(&lx->value))
		return ll_error_oom(lx->err);
	return LL_OK;
}

ll_status ll_sql_lex(const char *text, bool hive, size_t max, ll_arena *arena, ll_sql_tokens *out,
		     ll_error *err)
{
	lexer lx = { .s = text, .hive = hive, .arena = arena, .value = LL_BUF_INIT, .err = err };
	ll_sql_token *tok = NULL;
	size_t n = 0, cap = 0;
	ll_status st = LL_OK;
	out->text = text;
	for (;;) {
		if ((st = skip_space(&lx)) != LL_OK)
			break;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			ll_sql_token *grown = ll_arena_alloc(arena, ncap * sizeof(*grown));
			if (!grown) {
				st = ll_error_oom(err);
				break;
			}
			if (n)
				memcpy(grown, tok, n * sizeof(*tok));
			tok = grown;
			cap = ncap;
		}
		if (!text[lx.i] || (max && n == max)) {
			tok[n] = (ll_sql_token){ .kind = LL_TOK_END, .pos = lx.i, .value = "" };
			break;
		}
		if ((st = read_token(&lx, &tok[n])) != LL_OK)
			break;
		n++;
	}
	ll_buf_free(&lx.value);
	out->tok = tok;
	out->n = st == LL_OK ? n : 0;
	return st;
}
