/*
 * Record framing over an ll_input: which values are records, and the window
 * of input bytes the parser sees.
 *
 * The first non-blank byte decides the shape of the input: '[' makes the
 * elements of that one array the records; anything else is a sequence of
 * values (NDJSON being the common case). A record is parsed in one attempt
 * over the window; if the window ends inside it, the unread tail moves to the
 * front, the window grows when the record fills it, more input is read, and
 * the attempt starts again with the line counters it started with. Nothing
 * of an attempt is kept until it succeeds.
 *
 * A reader of text in memory (ll_json_reader_open_memory) has no window: it
 * parses the caller's bytes where they are, the whole text at once, and a
 * restart points it at the next text with its parser's stacks kept, so a
 * thread reading piece after piece of one input neither copies a byte nor
 * allocates per piece.
 */
#include <stdlib.h>
#include <string.h>

#include "json/json_internal.h"
#include "util/error.h"

#define LL_JSON_WINDOW (1u << 20)

typedef enum frame {
	FRAME_START,       /* nothing read yet */
	FRAME_SEQUENCE,    /* top-level values are records */
	FRAME_ARRAY_FIRST, /* inside the top-level array, before its first element */
	FRAME_ARRAY_NEXT,  /* inside it, after an element */
	FRAME_AFTER_ARRAY, /* only whitespace may follow */
	FRAME_DONE,
} frame;

_Static_assert(LL_JSON_READER_PAD >= LL_JSON_PAD, "text in memory is parsed in place");

struct ll_json_reader {
	ll_input *in; /* NULL: reading text in memory */
	char *win;    /* window over in; cap + LL_JSON_PAD bytes allocated */
	const char *text; /* what is parsed: win, or the text in memory */
	size_t cap;
	size_t len;  /* bytes in the window, or of the text */
	size_t pos;  /* first unconsumed byte */
	bool eof;
	frame frame;
	ll_json_parser ps; /* line counters and levels persist between records */
	uint64_t rec_line, rec_column, rec_offset;
};

ll_status ll_json_reader_open(ll_json_reader **out, ll_input *in, ll_error *err)
{
	return ll_json_reader_open_window(out, in, LL_JSON_WINDOW, err);
}

ll_status ll_json_reader_open_window(ll_json_reader **out, ll_input *in, size_t window,
				     ll_error *err)
{
	ll_json_reader *r = calloc(1, sizeof(*r));
	char *win = malloc(window + LL_JSON_PAD);
	if (!r || !win) {
		free(r);
		free(win);
		return ll_error_oom(err);
	}
	memset(win, 0, LL_JSON_PAD);
	r->in = in;
	r->win = win;
	r->text = win;
	r->cap = window;
	r->ps.line = 1;
	r->ps.name = ll_input_name(in);
	r->ps.own_runs = true;
	*out = r;
	return LL_OK;
}

ll_status ll_json_reader_open_memory(ll_json_reader **out, ll_error *err)
{
	ll_json_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return ll_error_oom(err);
	static const char none[LL_JSON_READER_PAD];
	ll_json_reader_restart(r, none, 0, NULL, 1);
	r->ps.own_runs = true;
	*out = r;
	return LL_OK;
}

void ll_json_reader_restart(ll_json_reader *r, const char *text, size_t len, const char *name,
			    uint64_t line)
{
	r->text = text;
	r->cap = r->len = len;
	r->pos = 0;
	r->eof = true;
	r->frame = FRAME_START;
	r->rec_line = r->rec_column = r->rec_offset = 0;
	/* the parser's counters start over; its levels stay */
	r->ps.base = 0;
	r->ps.line = line;
	r->ps.line_start = 0;
	r->ps.name = name;
}

/* Moves the unconsumed bytes to the front, grows a full window, reads more. */
static ll_status refill(ll_json_reader *r, ll_error *err)
{
	if (r->pos > 0) {
		memmove(r->win, r->win + r->pos, r->len - r->pos);
		r->ps.base += r->pos;
		r->len -= r->pos;
		r->pos = 0;
	}
	if (r->len == r->cap) {
		char *grown = realloc(r->win, r->cap * 2 + LL_JSON_PAD);
		if (!grown)
			return ll_error_oom(err);
		r->win = grown;
		r->text = grown;
		r->cap *= 2;
	}
	while (r->len < r->cap && !r->eof) {
		size_t got;
		ll_status st = ll_input_read(r->in, r->win + r->len, r->cap - r->len, &got, err);
		if (st)
			return st;
		r->len += got;
		r->eof = got == 0;
	}
	memset(r->win + r->len, 0, LL_JSON_PAD);
	return LL_OK;
}

/* Skips a byte order mark at the start of input; LL_JSON_MORE when the window ends inside one. */
static int skip_bom(ll_json_parser *ps)
{
	if (ps->base != 0 || ps->p != ps->buf)
		return 0;
	size_t have = (size_t)(ps->end - ps->p);
	if (memcmp(ps->p, "\xEF\xBB\xBF", have < 3 ? have : 3) != 0)
		return 0;
	if (have < 3)
		return ps->eof ? 0 : LL_JSON_MORE;
	ps->p += 3;
	return 0;
}

static void mark_record(ll_json_reader *r)
{
	ll_json_parser *ps = &r->ps;
	r->rec_line = ps->line;
	r->rec_offset = ps->base + (uint64_t)(ps->p - ps->buf);
	r->rec_column = r->rec_offset - ps->line_start + 1;
}

/* Consumes the ',' between two elements of the top-level array. */
static int array_comma(ll_json_parser *ps)
{
	if (*ps->p != ',')
		return ll_json_fail(ps, ps->p, "invalid JSON: expected ',' or ']' after an element of the top-level array");
	ps->p++;
	int st = ll_json_skip_ws(ps);
	if (st)
		return st;
	if (ps->p == ps->end)
		return ll_json_fail(ps, ps->p, "invalid JSON: unexpected end of input inside the top-level array; expected ']'");
	if (*ps->p == ']')
		return ll_json_fail(ps, ps->p, "invalid JSON: trailing comma before ']'");
	return LL_OK;
}

/* Reads one record, advancing *f; sets *rec NULL at the end of input. */
static int attempt(ll_json_reader *r, frame *f, ll_json_value **rec)
{
	ll_json_parser *ps = &r->ps;
	int st;
	*rec = NULL;
	for (;;) {
		if ((st = ll_json_skip_ws(ps)))
			return st;
		bool at_end = ps->p == ps->end;
		switch (*f) {
		case FRAME_START:
			if ((st = skip_bom(ps)) || (st = ll_json_skip_ws(ps)))
				return st;
			if (ps->p < ps->end && *ps->p == '[') {
				ps->p++;
				*f = FRAME_ARRAY_FIRST;
			} else {
				*f = FRAME_SEQUENCE;
			}
			continue;
		case FRAME_SEQUENCE:
			if (at_end) {
				*f = FRAME_DONE;
				return LL_OK;
			}
			mark_record(r);
			return ll_json_parse_value(ps, rec);
		case FRAME_ARRAY_FIRST:
		case FRAME_ARRAY_NEXT:
			if (at_end)
				return ll_json_fail(ps, ps->p, "invalid JSON: unexpected end of input inside the top-level array; expected ']'");
			if (*ps->p == ']') {
				ps->p++;
				*f = FRAME_AFTER_ARRAY;
				continue;
			}
			if (*f == FRAME_ARRAY_NEXT && (st = array_comma(ps)))
				return st;
			mark_record(r);
			*f = FRAME_ARRAY_NEXT;
			return ll_json_parse_value(ps, rec);
		case FRAME_AFTER_ARRAY:
			if (!at_end)
				return ll_json_fail(ps, ps->p, "invalid JSON: unexpected content after the top-level array");
			*f = FRAME_DONE;
			return LL_OK;
		case FRAME_DONE:
			return LL_OK;
		}
	}
}

ll_status ll_json_reader_next(ll_json_reader *r, ll_arena *arena, const ll_json_value **record,
			      ll_error *err)
{
	ll_json_parser *ps = &r->ps;
	ps->arena = arena;
	ps->err = err;
	*record = NULL;
	for (;;) {
		uint64_t line = ps->line, line_start = ps->line_start;
		frame f = r->frame;
		ps->buf = r->text;
		ps->p = r->text + r->pos;
		ps->end = r->text + r->len;
		ps->eof = r->eof;
		ps->depth = 0;
		ll_json_parser_start_record(ps);
		ll_json_value *rec;
		int st = attempt(r, &f, &rec);
		if (st == LL_OK) {
			r->pos = (size_t)(ps->p - r->text);
			r->frame = f;
			*record = rec;
			return LL_OK;
		}
		if (st != LL_JSON_MORE)
			return (ll_status)st;
		ps->line = line;
		ps->line_start = line_start;
		if ((st = refill(r, err)))
			return (ll_status)st;
	}
}

void ll_json_reader_keep(ll_json_reader *r)
{
	r->ps.keep = true;
}

void ll_json_reader_release(ll_json_reader *r)
{
	ll_json_parser_release(&r->ps);
}

void ll_json_reader_record_position(const ll_json_reader *r, uint64_t *line, uint64_t *column)
{
	*line = r->rec_line;
	*column = r->rec_column;
}

uint64_t ll_json_reader_record_offset(const ll_json_reader *r)
{
	return r->rec_offset;
}

void ll_json_reader_start_line(ll_json_reader *r, uint64_t line)
{
	r->ps.line = line;
}

void ll_json_reader_free(ll_json_reader *r)
{
	if (!r)
		return;
	ll_json_parser_free_levels(&r->ps);
	free(r->win);
	free(r);
}

ll_status ll_json_parse(const char *text, size_t len, const char *name, ll_arena *arena,
			const ll_json_value **out, ll_error *err)
{
	/* in the arena, not freed here: the tree's keys point into it */
	char *copy = ll_arena_alloc(arena, len + LL_JSON_PAD);
	if (!copy)
		return ll_error_oom(err);
	memcpy(copy, text, len);
	memset(copy + len, 0, LL_JSON_PAD);
	ll_json_parser ps = {
		.buf = copy, .p = copy, .end = copy + len, .eof = true, .line = 1,
		.name = name, .arena = arena, .err = err,
	};
	ll_json_value *v = NULL;
	int st = ll_json_skip_ws(&ps);
	if (st == LL_OK)
		st = ll_json_parse_value(&ps, &v);
	if (st == LL_OK)
		st = ll_json_skip_ws(&ps);
	if (st == LL_OK && ps.p != ps.end)
		st = ll_json_fail(&ps, ps.p, "invalid JSON: unexpected content after the document");
	ll_json_parser_free_levels(&ps);
	*out = st == LL_OK ? v : NULL;
	return (ll_status)st;
}
