/*
 * TOML 1.0 documents as a tree, for .dlt/config.toml and .dlt/secrets.toml.
 *
 * ll_toml_parse reads a whole document held in memory and builds a tree of
 * ll_toml_value in a caller-owned arena; the tree, its strings and its keys
 * stay valid until the arena is reset or freed. The parser never keeps a
 * pointer into the input text.
 *
 * Strictness: everything TOML 1.0 rejects is an error, among them invalid
 * UTF-8, control characters in strings and comments, a carriage return not
 * followed by a line feed, integers outside int64, floats too large for a
 * double, impossible dates (2023-02-29), and every redefinition the spec
 * forbids: a key set twice, a table header repeated, a table made by dotted
 * keys reopened with a header, a header-defined table extended by dotted
 * keys from another section, an inline table or a static array extended
 * later. A leap second (:60) is accepted, as RFC 3339 allows; a byte order
 * mark is not, as TOML's grammar has no place for one. Arrays and inline
 * tables nest at most LL_TOML_MAX_DEPTH deep, which keeps the recursive
 * parser well inside the C stack. Every error is
 * LL_EFORMAT (LL_ENOMEM when the arena fails) with file, line and column
 * (1-based, column counted in bytes) set in ll_error and a message naming
 * what was expected.
 *
 * Tables keep their keys in document order: the order in which each key was
 * first written, an implicitly created table (the "a" of [a.b]) taking its
 * place where it was first mentioned. Every value and every key carries the
 * position where it was written, so callers can say where a setting came
 * from and point at a misspelled key. Line endings in multi-line strings
 * read as "\n" whether the file uses LF or CRLF, as the spec allows.
 */
#ifndef LL_CONFIG_TOML_H
#define LL_CONFIG_TOML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lakeload.h"
#include "util/arena.h"

#define LL_TOML_MAX_DEPTH 128

typedef enum ll_toml_kind {
	LL_TOML_STRING = 1,      /* u.s */
	LL_TOML_INTEGER,         /* u.i */
	LL_TOML_FLOAT,           /* u.d: may be inf or nan */
	LL_TOML_BOOL,            /* u.b */
	LL_TOML_OFFSET_DATETIME, /* u.dt: date, time and offset */
	LL_TOML_LOCAL_DATETIME,  /* u.dt: date and time */
	LL_TOML_LOCAL_DATE,      /* u.dt: date only */
	LL_TOML_LOCAL_TIME,      /* u.dt: time only */
	LL_TOML_ARRAY,           /* u.arr */
	LL_TOML_TABLE,           /* u.table */
} ll_toml_kind;

/** The four TOML date and time forms; fields a form lacks are zero. */
typedef struct ll_toml_datetime {
	int year, month, day;
	int hour, minute, second;
	uint32_t nanosecond;  /* fraction digits past the ninth are dropped */
	int offset_minutes;   /* east of UTC; "Z" and "-00:00" are 0 */
	const char *text;     /* as written, e.g. "1979-05-27T07:32:00-08:00" */
	size_t len;
} ll_toml_datetime;

typedef struct ll_toml_value ll_toml_value;

typedef struct ll_toml_member {
	const char *key; /* unescaped, NUL-terminated, may contain NUL */
	size_t key_len;
	ll_toml_value *value;
	uint64_t line, column; /* where the key was first written */
} ll_toml_member;

struct ll_toml_value {
	ll_toml_kind kind;
	/* Where the value starts: a scalar's first byte, an array's '[', an
	 * inline table's '{', a table's header or, for a table that has none,
	 * the key that first mentioned it; 0 for the root table. */
	uint64_t line, column;
	union {
		struct {
			const char *ptr; /* unescaped UTF-8, NUL-terminated, may contain NUL */
			size_t len;
		} s;
		int64_t i;
		double d;
		bool b;
		ll_toml_datetime dt;
		struct {
			ll_toml_value **items;
			size_t count;
		} arr;
		struct {
			ll_toml_member *members; /* in document order */
			size_t count;
		} table;
	} u;
};

/**
 * Parses the TOML document text[0..len) (it need not be NUL-terminated).
 * name is the file name errors report. On success *root is the top-level
 * table, allocated in arena; on failure *root is NULL and err says where
 * and why. What the failed parse allocated stays in the arena until it is
 * reset.
 */
ll_status ll_toml_parse(const char *text, size_t len, const char *name, ll_arena *arena,
			const ll_toml_value **root, ll_error *err);

/** The member of table named key; NULL if absent or table is not a table. */
const ll_toml_member *ll_toml_find(const ll_toml_value *table, const char *key);

/** The value of table's member named key; NULL if absent or not a table. */
const ll_toml_value *ll_toml_get(const ll_toml_value *table, const char *key);

/**
 * Follows a dotted path of bare keys from table, as in
 * "destination.athena.credentials", stepping into tables only. NULL when a
 * step is missing or not a table. A key that itself contains a dot is
 * reached with ll_toml_get.
 */
const ll_toml_value *ll_toml_get_path(const ll_toml_value *table, const char *path);

/** The kind as TOML names it ("string", "offset date-time", "table", ...). */
const char *ll_toml_kind_name(ll_toml_kind kind);

#endif
