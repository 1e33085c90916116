/*
 * The TOML document: lines, keys, table headers, arrays and inline tables,
 * and the rules that say which tables may still be added to.
 *
 * Every table and array remembers its origin (toml_internal.h), and three
 * walks apply the spec's rules to it:
 *  - a dotted key (a.b.c = 1) walks through tables it created itself or
 *    that only a header's path mentioned, never into a table with its own
 *    header, an inline table or an array, and its last key must be new;
 *  - a header's path ([a.b.c]) walks through any table that is not inline,
 *    and into the last element of an array of tables;
 *  - a header's last key may name a new table or one so far only
 *    mentioned on the way to another header; [[x]] may name a new array of
 *    tables or one that [[x]] made before.
 * Conflicts are reported at the key that causes them, with the position of
 * the definition they collide with.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/toml_internal.h"

ll_status ll_toml_fail_at(ll_toml_parser *ps, uint64_t line, uint64_t column, const char *fmt,
			  ...)
{
	char msg[sizeof(ps->err->message)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ll_error_set(ps->err, LL_EFORMAT, "invalid TOML: %s", msg);
	ll_error_set_location(ps->err, ps->name, line, column);
	return LL_EFORMAT;
}

ll_status ll_toml_fail(ll_toml_parser *ps, const char *at, const char *fmt, ...)
{
	char msg[sizeof(ps->err->message)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return ll_toml_fail_at(ps, ps->line, ll_toml_column(ps, at), "%s", msg);
}

ll_status ll_toml_oom(ll_toml_parser *ps)
{
	return ll_error_oom(ps->err);
}

const char *ll_toml_describe(const ll_toml_parser *ps, const char *at, char tmp[48])
{
	unsigned char c = (unsigned char)*at;
	if (at == ps->end)
		return "end of input";
	if (c == '\n' || (c == '\r' && at[1] == '\n'))
		return "end of line";
	if (c == '\r')
		return "a carriage return (U+000D) without a line feed";
	if (c == '\'')
		return "\"'\"";
	if (c >= 0x80) {
		int n = ll_toml_utf8_length(at);
		if (!n)
			snprintf(tmp, 48, "invalid UTF-8 byte 0x%02X", c);
		else
			snprintf(tmp, 48, "'%.*s'", n, at);
	} else if (c < 0x20 || c == 0x7F) {
		snprintf(tmp, 48, "control character U+%04X", c);
	} else {
		snprintf(tmp, 48, "'%c'", c);
	}
	return tmp;
}

/* ---- comments and line ends ---------------------------------------------- */

static ll_status skip_comment(ll_toml_parser *ps)
{
	char tmp[48];
	if (*ps->p != '#')
		return LL_OK;
	for (ps->p++; ps->p != ps->end && !ll_toml_at_newline(ps);) {
		unsigned char c = (unsigned char)*ps->p;
		int n = c >= 0x80 ? ll_toml_utf8_length(ps->p) : 1;
		if (!n || (c < 0x20 && c != '\t') || c == 0x7F)
			return ll_toml_fail(ps, ps->p, n ? "%s is not allowed in a comment"
					    : "%s in a comment", ll_toml_describe(ps, ps->p, tmp));
		ps->p += n;
	}
	return LL_OK;
}

/* After a statement: optional whitespace and comment, then a line break or the end. */
static ll_status end_line(ll_toml_parser *ps, const char *after)
{
	char tmp[48];
	ll_status st;
	ll_toml_skip_ws(ps);
	if ((st = skip_comment(ps)))
		return st;
	if (ps->p == ps->end)
		return LL_OK;
	if (!ll_toml_at_newline(ps))
		return ll_toml_fail(ps, ps->p, "expected the end of the line after %s, found %s",
				    after, ll_toml_describe(ps, ps->p, tmp));
	ll_toml_eat_newline(ps);
	return LL_OK;
}

/* Whitespace, line breaks and comments, as allowed between array elements. */
static ll_status skip_array_space(ll_toml_parser *ps)
{
	for (;;) {
		ll_status st;
		ll_toml_skip_ws(ps);
		if (ll_toml_at_newline(ps)) {
			ll_toml_eat_newline(ps);
			continue;
		}
		if (*ps->p != '#')
			return LL_OK;
		if ((st = skip_comment(ps)))
			return st;
	}
}

/* ---- keys ---------------------------------------------------------------- */

static bool is_bare_key_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-';
}

static ll_status push_part(ll_toml_parser *ps, const ll_toml_key_part *part)
{
	if (ps->nparts == ps->parts_cap) {
		size_t cap = ps->parts_cap ? ps->parts_cap * 2 : 8;
		ll_toml_key_part *bigger = realloc(ps->parts, cap * sizeof(*bigger));
		if (!bigger)
			return ll_toml_oom(ps);
		ps->parts = bigger;
		ps->parts_cap = cap;
	}
	ps->parts[ps->nparts++] = *part;
	return LL_OK;
}

static ll_status key_part(ll_toml_parser *ps)
{
	ll_toml_key_part part = { .line = ps->line, .column = ll_toml_column(ps, ps->p) };
	char c = *ps->p, tmp[48];
	ll_status st;
	if (c == '"' || c == '\'') {
		if (ps->p[1] == c && ps->p[2] == c)
			return ll_toml_fail(ps, ps->p, "a key cannot be a multi-line string");
		if ((st = ll_toml_parse_string(ps, &part.ptr, &part.len)))
			return st;
	} else if (is_bare_key_char(c)) {
		const char *start = ps->p;
		while (is_bare_key_char(*ps->p))
			ps->p++;
		part.len = (size_t)(ps->p - start);
		if (!(part.ptr = ll_arena_strndup(ps->arena, start, part.len)))
			return ll_toml_oom(ps);
	} else {
		return ll_toml_fail(ps, ps->p, "expected a key, found %s%s",
				    ll_toml_describe(ps, ps->p, tmp),
				    (unsigned char)c >= 0x80 ? " (bare keys are ASCII letters, digits, "
				    "'_' and '-'; quote other keys)" : "");
	}
	return push_part(ps, &part);
}

/* Reads a key of one or more dot-separated parts into ps->parts. */
static ll_status key(ll_toml_parser *ps)
{
	ps->nparts = 0;
	for (;;) {
		ll_status st = key_part(ps);
		if (st)
			return st;
		ll_toml_skip_ws(ps);
		if (*ps->p != '.')
			return LL_OK;
		ps->p++;
		ll_toml_skip_ws(ps);
	}
}

static bool is_bare_key(const ll_toml_key_part *part)
{
	for (size_t i = 0; i < part->len; i++)
		if (!is_bare_key_char(part->ptr[i]))
			return false;
	return part->len > 0;
}

/* The first n parts of the key being read, written as TOML would, for messages. */
static const char *key_text(const ll_toml_parser *ps, size_t n, ll_buf *b)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			ll_buf_putc(b, '.');
		if (is_bare_key(&ps->parts[i]))
			ll_buf_append(b, ps->parts[i].ptr, ps->parts[i].len);
		else
			ll_buf_put_json_string(b, ps->parts[i].ptr, ps->parts[i].len);
	}
	return ll_buf_oom(b) ? "(key)" : ll_buf_cstr(b);
}

/* "an integer", "an inline table", ...: what a conflicting value is. */
static const char *value_phrase(ll_toml_value *v)
{
	switch (v->kind) {
	case LL_TOML_STRING: return "a string";
	case LL_TOML_INTEGER: return "an integer";
	case LL_TOML_FLOAT: return "a float";
	case LL_TOML_BOOL: return "a boolean";
	case LL_TOML_OFFSET_DATETIME: return "an offset date-time";
	case LL_TOML_LOCAL_DATETIME: return "a local date-time";
	case LL_TOML_LOCAL_DATE: return "a local date";
	case LL_TOML_LOCAL_TIME: return "a local time";
	case LL_TOML_ARRAY:
		return ll_toml_node_of(v)->origin == LL_TOML_TABLE_ARRAY ? "an array of tables"
									 : "an array";
	case LL_TOML_TABLE:
		return ll_toml_node_of(v)->origin == LL_TOML_INLINE ? "an inline table" : "a table";
	}
	return "a value";
}

/*
 * Reports that the first n parts of the key name v, which cannot take what
 * the key asks of it; `wanted` completes the sentence.
 */
static ll_status conflict(ll_toml_parser *ps, size_t n, ll_toml_value *v, const char *wanted)
{
	ll_buf b = LL_BUF_INIT;
	const ll_toml_key_part *at = &ps->parts[n - 1];
	ll_status st = ll_toml_fail_at(ps, at->line, at->column, "%s is already %s (line %llu, "
				       "column %llu)%s", key_text(ps, n, &b), value_phrase(v),
				       (unsigned long long)v->line, (unsigned long long)v->column,
				       wanted);
	ll_buf_free(&b);
	return st;
}

/* ---- tables -------------------------------------------------------------- */

static ll_status new_table(ll_toml_parser *ps, ll_toml_value *parent, const ll_toml_key_part *at,
			   ll_toml_origin origin, uint64_t line, uint64_t column,
			   ll_toml_value **out)
{
	*out = ll_toml_container_new(ps, LL_TOML_TABLE, origin, line, column);
	return *out ? ll_toml_table_add(ps, parent, at, *out) : LL_ENOMEM;
}

/* Steps from table into part i of a dotted key, creating the table if needed. */
static ll_status dotted_step(ll_toml_parser *ps, ll_toml_value *table, size_t i,
			     ll_toml_value **next)
{
	const ll_toml_key_part *part = &ps->parts[i];
	ll_toml_member *m = ll_toml_member_find(ps, table, part);
	if (!m)
		return new_table(ps, table, part, LL_TOML_DOTTED, part->line, part->column, next);
	ll_toml_value *v = m->value;
	ll_toml_node *n = v->kind == LL_TOML_TABLE ? ll_toml_node_of(v) : NULL;
	if (n && n->origin == LL_TOML_IMPLICIT)
		n->origin = LL_TOML_DOTTED;
	if (n && n->origin == LL_TOML_DOTTED) {
		*next = v;
		return LL_OK;
	}
	if (n && n->origin == LL_TOML_HEADER)
		return conflict(ps, i + 1, v, " with its own [header]; add keys to it in that "
				"section, not with dotted keys");
	return conflict(ps, i + 1, v, n && n->origin == LL_TOML_INLINE
				       ? ", complete where it is written; it cannot be extended"
				       : ", not a table");
}

/* Walks all but the last part of a dotted key; the last must be new. */
static ll_status dotted_target(ll_toml_parser *ps, ll_toml_value *table, ll_toml_value **out)
{
	ll_status st;
	for (size_t i = 0; i + 1 < ps->nparts; i++)
		if ((st = dotted_step(ps, table, i, &table)))
			return st;
	const ll_toml_key_part *last = &ps->parts[ps->nparts - 1];
	ll_toml_member *m = ll_toml_member_find(ps, table, last);
	if (m) {
		ll_buf b = LL_BUF_INIT;
		st = ll_toml_fail_at(ps, last->line, last->column, "duplicate key %s: it is already "
				     "defined at line %llu, column %llu",
				     key_text(ps, ps->nparts, &b), (unsigned long long)m->line,
				     (unsigned long long)m->column);
		ll_buf_free(&b);
		return st;
	}
	*out = table;
	return LL_OK;
}

/* Steps from table into part i of a header's path, creating the table if needed. */
static ll_status header_step(ll_toml_parser *ps, ll_toml_value *table, size_t i,
			     ll_toml_value **next)
{
	const ll_toml_key_part *part = &ps->parts[i];
	ll_toml_member *m = ll_toml_member_find(ps, table, part);
	if (!m)
		return new_table(ps, table, part, LL_TOML_IMPLICIT, part->line, part->column, next);
	ll_toml_value *v = m->value;
	if (v->kind == LL_TOML_TABLE && ll_toml_node_of(v)->origin != LL_TOML_INLINE) {
		*next = v;
		return LL_OK;
	}
	if (v->kind == LL_TOML_ARRAY && ll_toml_node_of(v)->origin == LL_TOML_TABLE_ARRAY) {
		*next = v->u.arr.items[v->u.arr.count - 1];
		return LL_OK;
	}
	return conflict(ps, i + 1, v, v->kind == LL_TOML_TABLE
				       ? ", complete where it is written; it cannot be extended"
				       : ", not a table");
}

/* The last part of a [table] header. */
static ll_status header_table(ll_toml_parser *ps, ll_toml_value *parent, uint64_t line,
			      uint64_t column, ll_toml_value **current)
{
	const ll_toml_key_part *last = &ps->parts[ps->nparts - 1];
	ll_toml_member *m = ll_toml_member_find(ps, parent, last);
	if (!m)
		return new_table(ps, parent, last, LL_TOML_HEADER, line, column, current);
	ll_toml_value *v = m->value;
	ll_toml_node *n = v->kind == LL_TOML_TABLE ? ll_toml_node_of(v) : NULL;
	if (n && n->origin == LL_TOML_IMPLICIT) {
		n->origin = LL_TOML_HEADER;
		v->line = line;
		v->column = column;
		*current = v;
		return LL_OK;
	}
	if (n && n->origin == LL_TOML_HEADER)
		return conflict(ps, ps->nparts, v, "; a table can be defined only once");
	if (n && n->origin == LL_TOML_DOTTED)
		return conflict(ps, ps->nparts, v, ", defined by dotted keys; a [header] cannot "
				"reopen it");
	if (v->kind == LL_TOML_ARRAY && ll_toml_node_of(v)->origin == LL_TOML_TABLE_ARRAY)
		return conflict(ps, ps->nparts, v, "; add an element with [[...]], not [...]");
	return conflict(ps, ps->nparts, v, n ? ", complete where it is written; it cannot be "
			"extended" : ", not a table");
}

/* The last part of an [[array of tables]] header. */
static ll_status header_array(ll_toml_parser *ps, ll_toml_value *parent, uint64_t line,
			      uint64_t column, ll_toml_value **current)
{
	const ll_toml_key_part *last = &ps->parts[ps->nparts - 1];
	ll_toml_member *m = ll_toml_member_find(ps, parent, last);
	ll_toml_value *array;
	ll_status st;
	if (!m) {
		array = ll_toml_container_new(ps, LL_TOML_ARRAY, LL_TOML_TABLE_ARRAY, line, column);
		if (!array)
			return LL_ENOMEM;
		if ((st = ll_toml_table_add(ps, parent, last, array)))
			return st;
	} else if (m->value->kind == LL_TOML_ARRAY &&
		   ll_toml_node_of(m->value)->origin == LL_TOML_TABLE_ARRAY) {
		array = m->value;
	} else {
		return conflict(ps, ps->nparts, m->value, m->value->kind == LL_TOML_ARRAY
				? ", written with [...]; [[...]] adds only to arrays of tables"
				: ", not an array of tables");
	}
	*current = ll_toml_container_new(ps, LL_TOML_TABLE, LL_TOML_HEADER, line, column);
	if (!*current)
		return LL_ENOMEM;
	return ll_toml_array_push(ps, array, *current);
}

/* [a.b] or [[a.b]] at p; *current becomes the table that following keys go to. */
static ll_status header(ll_toml_parser *ps, ll_toml_value *root, ll_toml_value **current)
{
	uint64_t line = ps->line, column = ll_toml_column(ps, ps->p);
	bool array = ps->p[1] == '[';
	char tmp[48];
	ll_status st;
	ps->p += array ? 2 : 1;
	ll_toml_skip_ws(ps);
	if ((st = key(ps)))
		return st;
	if (*ps->p != ']' || (array && ps->p[1] != ']'))
		return ll_toml_fail(ps, ps->p, "expected '%s' to close the %s header, found %s",
				    array ? "]]" : "]", array ? "array of tables" : "table",
				    ll_toml_describe(ps, ps->p, tmp));
	ps->p += array ? 2 : 1;
	ll_toml_value *table = root;
	for (size_t i = 0; i + 1 < ps->nparts; i++)
		if ((st = header_step(ps, table, i, &table)))
			return st;
	return array ? header_array(ps, table, line, column, current)
		     : header_table(ps, table, line, column, current);
}

/* ---- values -------------------------------------------------------------- */

static ll_status value(ll_toml_parser *ps, ll_toml_value **out);

/* key = value at p, added to table. */
static ll_status keyval(ll_toml_parser *ps, ll_toml_value *table)
{
	char tmp[48];
	ll_status st;
	if ((st = key(ps)))
		return st;
	if (*ps->p != '=')
		return ll_toml_fail(ps, ps->p, "expected '=' after the key, found %s%s",
				    ll_toml_describe(ps, ps->p, tmp),
				    (unsigned char)*ps->p >= 0x80 ? " (bare keys are ASCII letters, "
				    "digits, '_' and '-'; quote other keys)" : "");
	ps->p++;
	ll_toml_skip_ws(ps);
	ll_toml_value *target = NULL, *v = NULL;
	if ((st = dotted_target(ps, table, &target)))
		return st;
	/* the value may hold keys of its own, which reuse ps->parts */
	ll_toml_key_part last = ps->parts[ps->nparts - 1];
	if ((st = value(ps, &v)))
		return st;
	return ll_toml_table_add(ps, target, &last, v);
}

static ll_status array(ll_toml_parser *ps, ll_toml_value **out)
{
	char tmp[48];
	ll_status st;
	*out = ll_toml_container_new(ps, LL_TOML_ARRAY, LL_TOML_INLINE, ps->line,
				     ll_toml_column(ps, ps->p));
	if (!*out)
		return LL_ENOMEM;
	ps->p++;
	for (;;) {
		ll_toml_value *item;
		if ((st = skip_array_space(ps)))
			return st;
		if (*ps->p == ']')
			break;
		if ((st = value(ps, &item)) || (st = ll_toml_array_push(ps, *out, item)) ||
		    (st = skip_array_space(ps)))
			return st;
		if (*ps->p == ']')
			break;
		if (*ps->p != ',')
			return ll_toml_fail(ps, ps->p, "expected ',' or ']' after an array element, "
					    "found %s", ll_toml_describe(ps, ps->p, tmp));
		ps->p++;
	}
	ps->p++;
	return LL_OK;
}

static ll_status inline_table(ll_toml_parser *ps, ll_toml_value **out)
{
	char tmp[48];
	ll_status st;
	*out = ll_toml_container_new(ps, LL_TOML_TABLE, LL_TOML_INLINE, ps->line,
				     ll_toml_column(ps, ps->p));
	if (!*out)
		return LL_ENOMEM;
	ps->p++;
	ll_toml_skip_ws(ps);
	if (*ps->p == '}') {
		ps->p++;
		return LL_OK;
	}
	for (;;) {
		if (ll_toml_at_newline(ps))
			return ll_toml_fail(ps, ps->p, "expected a key, found end of line (an inline "
					    "table must be written on one line)");
		if ((st = keyval(ps, *out)))
			return st;
		ll_toml_skip_ws(ps);
		if (*ps->p == '}')
			break;
		if (*ps->p != ',')
			return ll_toml_fail(ps, ps->p, "expected ',' or '}' after a key/value pair, "
					    "found %s%s", ll_toml_describe(ps, ps->p, tmp),
					    ll_toml_at_newline(ps) ? " (an inline table must be "
					    "written on one line)" : "");
		ps->p++;
		ll_toml_skip_ws(ps);
		if (*ps->p == '}')
			return ll_toml_fail(ps, ps->p, "an inline table cannot end with a comma");
	}
	ps->p++;
	return LL_OK;
}

static ll_status value(ll_toml_parser *ps, ll_toml_value **out)
{
	char c = *ps->p;
	ll_status st;
	if (c != '[' && c != '{')
		return ll_toml_parse_scalar(ps, out);
	if (ps->depth == LL_TOML_MAX_DEPTH)
		return ll_toml_fail(ps, ps->p, "arrays and inline tables are nested more than %d "
				    "deep", LL_TOML_MAX_DEPTH);
	ps->depth++;
	st = c == '[' ? array(ps, out) : inline_table(ps, out);
	ps->depth--;
	return st;
}

/* ---- the document -------------------------------------------------------- */

static ll_status document(ll_toml_parser *ps, ll_toml_value *root)
{
	ll_toml_value *current = root;
	ll_status st;
	if (ps->end - ps->p >= 3 && memcmp(ps->p, "\xEF\xBB\xBF", 3) == 0)
		return ll_toml_fail(ps, ps->p, "the file starts with a byte order mark, which TOML "
				    "does not allow; save it as UTF-8 without a BOM");
	for (;;) {
		ll_toml_skip_ws(ps);
		if (ps->p == ps->end)
			return LL_OK;
		if (ll_toml_at_newline(ps)) {
			ll_toml_eat_newline(ps);
			continue;
		}
		const char *after = "a comment";
		st = LL_OK;
		if (*ps->p == '[') {
			st = header(ps, root, &current);
			after = "the table header";
		} else if (*ps->p != '#') {
			st = keyval(ps, current);
			after = "the value";
		}
		if (st || (st = end_line(ps, after)))
			return st;
	}
}

ll_status ll_toml_parse(const char *text, size_t len, const char *name, ll_arena *arena,
			const ll_toml_value **root, ll_error *err)
{
	*root = NULL;
	char *copy = len < SIZE_MAX ? malloc(len + 1) : NULL;
	if (!copy)
		return ll_error_oom(err);
	if (len)
		memcpy(copy, text, len);
	copy[len] = '\0';
	ll_toml_parser ps = {
		.p = copy,
		.end = copy + len,
		.line_start = copy,
		.line = 1,
		.name = name,
		.arena = arena,
		.err = err,
	};
	ll_toml_value *table = ll_toml_container_new(&ps, LL_TOML_TABLE, LL_TOML_HEADER, 0, 0);
	ll_status st = table ? document(&ps, table) : LL_ENOMEM;
	free(copy);
	free(ps.parts);
	free(ps.slots);
	ll_buf_free(&ps.scratch);
	if (st == LL_OK)
		*root = table;
	return st;
}
