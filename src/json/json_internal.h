/*
 * The JSON value parser shared by the streaming reader and ll_json_parse.
 *
 * The parser works on a window of bytes [p, end) that is always followed by
 * a NUL and at least LL_JSON_PAD readable bytes, so the scanners can test a
 * word at a time and stop on the NUL without a bounds check per byte. When a
 * value runs past end and more input may follow (eof false) the parse
 * returns LL_JSON_MORE: the caller refills the window and parses the whole
 * record again from its first byte, which costs little because windows are
 * large and records small.
 */
#ifndef LL_JSON_INTERNAL_H
#define LL_JSON_INTERNAL_H

#include "json/json.h"

/* Readable bytes guaranteed after end (the NUL included). */
#define LL_JSON_PAD 16
/* Not an ll_status: "the window ended inside a value". */
#define LL_JSON_MORE 1
/* Deeper nesting is refused rather than risk the C stack. */
#define LL_JSON_MAX_DEPTH 1000

/*
 * The children of a record's containers at one depth: each one's entries,
 * once it closes, are its children array. Siblings never overlap, so one
 * container at a time is open at a depth, appending from `first`.
 */
typedef struct ll_json_run {
	char *base; /* room for cap entries; NULL before the first */
	size_t used, cap;
	size_t first; /* the open container's first entry */
} ll_json_run;

typedef struct ll_json_level {
	ll_json_run members, items;
} ll_json_level;

typedef struct ll_json_parser {
	const char *buf;  /* window start, for offsets */
	const char *p;    /* next byte */
	const char *end;  /* *end == '\0' */
	bool eof;         /* nothing follows end */
	uint64_t base;    /* absolute input offset of buf */
	uint64_t line;    /* line of p, 1-based */
	uint64_t line_start; /* absolute offset where that line begins */
	int depth;
	int deepest;      /* the deepest level the records since the runs were emptied used */
	const char *name; /* input name for messages */
	ll_arena *arena;
	ll_error *err;
	/* Indexed by depth, from 1; levels_cap of them allocated. */
	ll_json_level *levels;
	size_t levels_cap;
	/* Runs are the parser's (a reader: reused by every record) or else
	 * the arena's (ll_json_parse: the tree outlives the parser). */
	bool own_runs;
	/* A reader's runs that filled up, freed when the runs are emptied. */
	char **retired;
	size_t nretired, retired_cap;
	/* the runs are emptied only by ll_json_parser_release, not before each record */
	bool keep;
} ll_json_parser;

/** Parses one value at p. LL_OK, LL_JSON_MORE or an error. */
int ll_json_parse_value(ll_json_parser *ps, ll_json_value **out);

int ll_json_skip_ws_slow(ll_json_parser *ps);

/** Skips whitespace, counting lines. LL_JSON_MORE when it reaches end before eof. */
static inline int ll_json_skip_ws(ll_json_parser *ps)
{
	/* Most tokens follow their predecessor directly or after one space. */
	unsigned char c = (unsigned char)*ps->p;
	if (c > ' ')
		return 0;
	if (c == ' ' && (unsigned char)ps->p[1] > ' ') {
		ps->p++;
		return 0;
	}
	return ll_json_skip_ws_slow(ps);
}

/** Fails with the location of `at` (a pointer into the window). */
ll_status ll_json_fail(ll_json_parser *ps, const char *at, const char *fmt, ...) LL_PRINTF(3, 4);

/** Describes the byte at `at` for a message: 'x', or byte 0xC3, or end of input. */
const char *ll_json_describe(const ll_json_parser *ps, const char *at, char tmp[32]);

/** Before a record (or an attempt at one): the runs are emptied unless ps->keep. */
void ll_json_parser_start_record(ll_json_parser *ps);

/** Empties the runs for the next records; the trees in them are gone. */
void ll_json_parser_release(ll_json_parser *ps);

void ll_json_parser_free_levels(ll_json_parser *ps);

/**
 * ll_json_reader_open with a window of `window` bytes (at least 1) to start
 * with: tests and fuzzing use tiny ones so records cross window edges.
 */
ll_status ll_json_reader_open_window(ll_json_reader **out, ll_input *in, size_t window,
				     ll_error *err);

#endif
