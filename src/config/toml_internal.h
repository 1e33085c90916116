/*
 * The TOML parser's shared state, split over three files by concept:
 * toml_parse.c reads the document structure (lines, keys, headers, arrays,
 * inline tables) and enforces the spec's rules on defining tables;
 * toml_scalar.c reads strings, numbers, booleans and date-times;
 * toml_tree.c builds and searches the tree.
 *
 * The parser works on a private copy of the input followed by a NUL, so a
 * scanner may look at the next byte without a bounds check: the NUL stops
 * every scan, and p == end tells the end of input from a NUL written in it.
 */
#ifndef LL_CONFIG_TOML_INTERNAL_H
#define LL_CONFIG_TOML_INTERNAL_H

#include "config/toml.h"
#include "util/buf.h"
#include "util/error.h"
#include "util/utf8.h"

/* How a table or array came to be, which decides what may still add to it. */
typedef enum ll_toml_origin {
	LL_TOML_IMPLICIT,    /* named on the way to a header: may still get its own header */
	LL_TOML_HEADER,      /* defined by [header], or an element of [[header]] */
	LL_TOML_DOTTED,      /* created by dotted keys: closed to headers */
	LL_TOML_INLINE,      /* an inline table or a static array: closed for good */
	LL_TOML_TABLE_ARRAY, /* the array [[header]] makes: takes more elements */
} ll_toml_origin;

/* Every table and array is a node; scalars are bare values. */
typedef struct ll_toml_node {
	ll_toml_value value; /* first, so a container's value pointer is its node */
	ll_toml_origin origin;
	size_t capacity; /* room in value.u.arr.items or value.u.table.members */
} ll_toml_node;

static inline ll_toml_node *ll_toml_node_of(ll_toml_value *v)
{
	return (ll_toml_node *)v;
}

/* One segment of a key as written: a.b."c d" has three. */
typedef struct ll_toml_key_part {
	const char *ptr; /* unescaped, in the arena */
	size_t len;
	uint64_t line, column;
} ll_toml_key_part;

/* An entry of the parser's (table, key) index; table is NULL in an empty slot. */
typedef struct ll_toml_slot {
	ll_toml_value *table;
	size_t member;
	uint64_t hash;
} ll_toml_slot;

typedef struct ll_toml_parser {
	const char *p;          /* next byte */
	const char *end;        /* the NUL after the copy of the input */
	const char *line_start; /* first byte of p's line */
	uint64_t line;          /* p's line, 1-based */
	int depth;              /* arrays and inline tables open around p */
	const char *name;
	ll_arena *arena;
	ll_error *err;
	ll_buf scratch; /* a string being unescaped */
	uint64_t string_line, string_column; /* where that string starts */
	ll_toml_key_part *parts; /* the key being read */
	size_t nparts, parts_cap;
	/* Every member of every table, by (table, key): a document that puts
	 * many keys in one table would otherwise cost a scan per key. */
	ll_toml_slot *slots;
	size_t slots_cap, slots_used;
} ll_toml_parser;

static inline uint64_t ll_toml_column(const ll_toml_parser *ps, const char *at)
{
	return (uint64_t)(at - ps->line_start) + 1;
}

/* Consumes the '\n' at p, which starts a new line. */
static inline void ll_toml_newline(ll_toml_parser *ps)
{
	ps->p++;
	ps->line++;
	ps->line_start = ps->p;
}

static inline bool ll_toml_is_ws(char c)
{
	return c == ' ' || c == '\t';
}

static inline void ll_toml_skip_ws(ll_toml_parser *ps)
{
	while (ll_toml_is_ws(*ps->p))
		ps->p++;
}

/* True when p is at a line break: "\n" or "\r\n". */
static inline bool ll_toml_at_newline(const ll_toml_parser *ps)
{
	return *ps->p == '\n' || (*ps->p == '\r' && ps->p[1] == '\n');
}

/* Consumes the "\n" or "\r\n" at p. */
static inline void ll_toml_eat_newline(ll_toml_parser *ps)
{
	if (*ps->p == '\r')
		ps->p++;
	ll_toml_newline(ps);
}

/** Fails with LL_EFORMAT at `at`, a byte on p's line. */
ll_status ll_toml_fail(ll_toml_parser *ps, const char *at, const char *fmt, ...) LL_PRINTF(3, 4);

/** Fails with LL_EFORMAT at a remembered position. */
ll_status ll_toml_fail_at(ll_toml_parser *ps, uint64_t line, uint64_t column, const char *fmt,
			  ...) LL_PRINTF(4, 5);

ll_status ll_toml_oom(ll_toml_parser *ps);

/** Names the byte at `at` for a message: 'x', end of line, end of input, ... */
const char *ll_toml_describe(const ll_toml_parser *ps, const char *at, char tmp[48]);

/**
 * Length of the valid UTF-8 sequence at p (2 to 4), or 0. p[0] >= 0x80. The
 * input's terminating NUL fails the continuation tests, so a cut sequence is 0.
 */
static inline int ll_toml_utf8_length(const char *p)
{
	return ll_utf8_sequence((const unsigned char *)p, SIZE_MAX);
}

/* ---- toml_scalar.c ---- */

/** Reads any of the four string forms at p into the arena. */
ll_status ll_toml_parse_string(ll_toml_parser *ps, const char **out, size_t *len);

/** Reads the scalar at p: string, number, boolean or date-time. */
ll_status ll_toml_parse_scalar(ll_toml_parser *ps, ll_toml_value **out);

/* ---- toml_tree.c ---- */

ll_toml_value *ll_toml_scalar_new(ll_toml_parser *ps, ll_toml_kind kind, uint64_t line,
				  uint64_t column);

ll_toml_value *ll_toml_container_new(ll_toml_parser *ps, ll_toml_kind kind,
				     ll_toml_origin origin, uint64_t line, uint64_t column);

/** The member of table named by part, or NULL. */
ll_toml_member *ll_toml_member_find(const ll_toml_parser *ps, ll_toml_value *table,
				    const ll_toml_key_part *part);

/** Appends key = value to table; the caller made sure key is new. */
ll_status ll_toml_table_add(ll_toml_parser *ps, ll_toml_value *table,
			    const ll_toml_key_part *key, ll_toml_value *value);

ll_status ll_toml_array_push(ll_toml_parser *ps, ll_toml_value *array, ll_toml_value *item);

#endif
