/*
 * The identifier scan of sql_names.h. It follows SQLite's tokenizer for the
 * parts that decide where an identifier starts and ends (quote styles and
 * their doubling, comments, literals, parameters), so that what it collects
 * is exactly what SQLite will try to resolve as a name.
 */
#include "engine/sql_names.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/buf.h"

static bool is_ident_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c >= 0x80;
}

static bool is_ident_char(unsigned char c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9') || c == '$';
}

static unsigned char fold(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

typedef struct ll_name_list {
	char **v;
	size_t n, cap;
	bool oom;
} ll_name_list;

static char *fold_copy(const ll_buf *name)
{
	char *s = malloc(name->len + 1);
	if (!s)
		return NULL;
	for (size_t i = 0; i < name->len; i++)
		s[i] = (char)fold((unsigned char)name->data[i]);
	s[name->len] = '\0';
	return s;
}

static void add_name(ll_name_list *l, const ll_buf *name)
{
	if (l->oom || ll_buf_oom(name)) {
		l->oom = true;
		return;
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 32;
		char **v = realloc(l->v, cap * sizeof(*v));
		if (!v) {
			l->oom = true;
			return;
		}
		l->v = v;
		l->cap = cap;
	}
	char *s = fold_copy(name);
	if (!s) {
		l->oom = true;
		return;
	}
	l->v[l->n++] = s;
}

/*
 * Tracks "<name> . <name>" across tokens (blanks and comments between them
 * do not count), sorting each identifier into bare or qualified.
 */
typedef enum ll_qual_state { LL_QUAL_NONE, LL_QUAL_NAME, LL_QUAL_DOT } ll_qual_state;

typedef struct ll_qualify {
	ll_name_list bare;
	ll_sql_qualified *pairs;
	size_t npairs, cap;
	bool oom;
	ll_buf last; /* the identifier that ended the previous token, in LL_QUAL_NAME and _DOT */
	ll_qual_state state;
} ll_qualify;

static void add_pair(ll_qualify *q, const ll_buf *qualifier, const ll_buf *name)
{
	if (q->npairs == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 16;
		ll_sql_qualified *v = realloc(q->pairs, cap * sizeof(*v));
		if (!v) {
			q->oom = true;
			return;
		}
		q->pairs = v;
		q->cap = cap;
	}
	ll_sql_qualified *p = &q->pairs[q->npairs];
	p->qualifier = fold_copy(qualifier);
	p->name = fold_copy(name);
	if (!p->qualifier || !p->name || ll_buf_oom(qualifier) || ll_buf_oom(name)) {
		free(p->qualifier);
		free(p->name);
		q->oom = true;
		return;
	}
	q->npairs++;
}

/* Collects identifier tok, qualified when the tokens before it were "<name> .". */
static void add_identifier(ll_name_list *l, ll_qualify *q, bool qualified, const ll_buf *tok)
{
	add_name(l, tok);
	if (qualified)
		add_pair(q, &q->last, tok);
	else
		add_name(&q->bare, tok);
	ll_buf_clear(&q->last);
	ll_buf_append(&q->last, tok->data, tok->len);
	q->state = LL_QUAL_NAME;
}

/* Reads a quoted token starting at s[i] (the opening quote); close is the closing quote. */
static size_t scan_quoted(const char *s, size_t i, char close, ll_buf *out)
{
	i++;
	while (s[i]) {
		if (s[i] == close) {
			/* [brackets] have no escape; the other quotes escape by doubling */
			if (close != ']' && s[i + 1] == close) {
				ll_buf_putc(out, close);
				i += 2;
				continue;
			}
			return i + 1;
		}
		ll_buf_putc(out, s[i++]);
	}
	return i;
}

static size_t skip_number(const char *s, size_t i)
{
	while (is_ident_char((unsigned char)s[i]) || s[i] == '.') {
		bool exp = (s[i] == 'e' || s[i] == 'E') && (s[i + 1] == '+' || s[i + 1] == '-');
		i += exp ? 2 : 1;
	}
	return i;
}

/* "(*)" with optional blanks, as in count(*): the only star that uses no column. */
static bool is_count_star(const char *s, size_t i)
{
	size_t a = i, b = i + 1;
	while (a > 0 && (s[a - 1] == ' ' || s[a - 1] == '\t' || s[a - 1] == '\n' || s[a - 1] == '\r'))
		a--;
	while (s[b] == ' ' || s[b] == '\t' || s[b] == '\n' || s[b] == '\r')
		b++;
	return a > 0 && s[a - 1] == '(' && s[b] == ')';
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* What came before a `*`, which tells a select-star from a multiplication. */
typedef enum ll_prev_token {
	LL_PREV_NONE,    /* start of text, ',', '.', '(' or SELECT/DISTINCT/ALL */
	LL_PREV_OPERAND, /* a name, literal or ')' : a `*` here multiplies */
} ll_prev_token;

static bool is_star_keyword(const char *s, size_t len)
{
	return (len == 6 && strncasecmp(s, "select", 6) == 0) ||
	       (len == 8 && strncasecmp(s, "distinct", 8) == 0) ||
	       (len == 3 && strncasecmp(s, "all", 3) == 0);
}

/* Advances past one token at s[i], adding it to l and q if it is an identifier. */
static size_t scan_token(const char *s, size_t i, ll_name_list *l, ll_qualify *q, ll_buf *tok,
			 bool *star, ll_prev_token *prev)
{
	unsigned char c = (unsigned char)s[i];
	ll_buf_clear(tok);
	if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v')
		return i + 1;
	if (c == '-' && s[i + 1] == '-') {
		const char *nl = strchr(s + i, '\n');
		return nl ? (size_t)(nl - s) + 1 : i + strlen(s + i);
	}
	if (c == '/' && s[i + 1] == '*') {
		const char *end = strstr(s + i + 2, "*/");
		return end ? (size_t)(end - s) + 2 : i + strlen(s + i);
	}
	ll_prev_token before = *prev;
	*prev = LL_PREV_OPERAND;
	bool qualified = q->state == LL_QUAL_DOT;
	bool after_name = q->state == LL_QUAL_NAME;
	q->state = LL_QUAL_NONE;
	if (c == '\'')
		return scan_quoted(s, i, '\'', tok);
	if (c == '"' || c == '`' || c == '[') {
		i = scan_quoted(s, i, c == '[' ? ']' : (char)c, tok);
		add_identifier(l, q, qualified, tok);
		return i;
	}
	if ((c >= '0' && c <= '9') || (c == '.' && s[i + 1] >= '0' && s[i + 1] <= '9'))
		return skip_number(s, i);
	if (c == '?' || c == ':' || c == '@' || c == '$') {
		i++;
		while (is_ident_char((unsigned char)s[i]))
			i++;
		return i;
	}
	if (is_ident_start(c)) {
		size_t start = i;
		while (is_ident_char((unsigned char)s[i]))
			i++;
		ll_buf_append(tok, s + start, i - start);
		if (i - start == 7 && strncasecmp(s + start, "natural", 7) == 0)
			*star = true;
		if (is_star_keyword(s + start, i - start))
			*prev = LL_PREV_NONE;
		add_identifier(l, q, qualified, tok);
		return i;
	}
	if (c == '.' && after_name)
		q->state = LL_QUAL_DOT;
	if (c == '*' && !is_count_star(s, i) && before == LL_PREV_NONE)
		*star = true;
	*prev = c == ',' || c == '.' || c == '(' ? LL_PREV_NONE : LL_PREV_OPERAND;
	return i + 1;
}

/* Sorts names and frees the repeats; returns how many distinct ones are left. */
static size_t sort_unique(char **names, size_t n)
{
	if (!n)
		return 0;
	qsort(names, n, sizeof(*names), cmp_names);
	size_t k = 1;
	for (size_t j = 1; j < n; j++) {
		if (strcmp(names[j], names[k - 1]) == 0)
			free(names[j]);
		else
			names[k++] = names[j];
	}
	return k;
}

ll_status ll_sql_names_scan(const char *sql, ll_sql_names *out, ll_error *err)
{
	memset(out, 0, sizeof(*out));
	ll_name_list l = { 0 };
	ll_qualify q = { .last = LL_BUF_INIT };
	ll_buf tok = LL_BUF_INIT;
	ll_prev_token prev = LL_PREV_NONE;
	size_t i = 0;
	while (sql[i] && !l.oom && !q.bare.oom && !q.oom)
		i = scan_token(sql, i, &l, &q, &tok, &out->star, &prev);
	ll_buf_free(&tok);
	ll_buf_free(&q.last);
	out->names = l.v;
	out->n = l.n;
	out->bare = q.bare.v;
	out->nbare = q.bare.n;
	out->qualified = q.pairs;
	out->nqualified = q.npairs;
	if (l.oom || q.bare.oom || q.oom)
		return ll_error_oom(err);
	out->n = sort_unique(out->names, out->n);
	out->nbare = sort_unique(out->bare, out->nbare);
	return LL_OK;
}

/* Compares a raw name with a stored (lowercase) one as if the raw one were folded. */
static int cmp_key(const void *key, const void *elem)
{
	const unsigned char *a = key;
	const unsigned char *b = *(const unsigned char *const *)elem;
	while (*a && fold(*a) == *b) {
		a++;
		b++;
	}
	return (int)fold(*a) - (int)*b;
}

static bool sorted_has(char *const *v, size_t n, const char *name)
{
	return n && bsearch(name, v, n, sizeof(*v), cmp_key);
}

bool ll_sql_names_has(const ll_sql_names *names, const char *name)
{
	return sorted_has(names->names, names->n, name);
}

bool ll_sql_names_may_refer(const ll_sql_names *names, const char *schema, const char *name)
{
	if (sorted_has(names->bare, names->nbare, name))
		return true;
	for (size_t i = 0; i < names->nqualified; i++) {
		const ll_sql_qualified *p = &names->qualified[i];
		if (cmp_key(schema, &p->qualifier) == 0 && cmp_key(name, &p->name) == 0)
			return true;
	}
	return false;
}

void ll_sql_names_free(ll_sql_names *names)
{
	for (size_t i = 0; i < names->n; i++)
		free(names->names[i]);
	free(names->names);
	for (size_t i = 0; i < names->nbare; i++)
		free(names->bare[i]);
	free(names->bare);
	for (size_t i = 0; i < names->nqualified; i++) {
		free(names->qualified[i].qualifier);
		free(names->qualified[i].name);
	}
	free(names->qualified);
	memset(names, 0, sizeof(*names));
}
