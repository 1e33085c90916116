/*
 * RFC 4180 CSV reader; see csv.h. A byte-at-a-time state machine over a
 * 64 KiB read buffer with one byte of look-ahead; the current row's text lives in one growing buffer
 * whose fields are NUL-separated, so a row costs no allocation once the
 * buffer has grown to the longest row.
 */
#include "extract/csv.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

#define CSV_CHUNK (64 * 1024)

struct ll_csv_reader {
	ll_input *in;
	char chunk[CSV_CHUNK];
	size_t pos, len;
	bool eof;
	uint64_t line, column;
	int pending;            /* a byte given back, or -1 */
	ll_buf text;            /* the row's fields, each followed by a NUL */
	size_t *starts;         /* offset of each field in text */
	bool *quoted;
	ll_csv_field *fields;
	size_t nfields, cap;
};

ll_status ll_csv_reader_open(ll_csv_reader **out, ll_input *in, ll_error *err)
{
	ll_csv_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return ll_error_oom(err);
	r->in = in;
	r->line = 1;
	r->pending = -1;
	*out = r;
	return LL_OK;
}

void ll_csv_reader_free(ll_csv_reader *r)
{
	if (!r)
		return;
	ll_buf_free(&r->text);
	free(r->starts);
	free(r->quoted);
	free(r->fields);
	free(r);
}

/* The next byte, or -1 at the end of input. */
static ll_status next_byte(ll_csv_reader *r, int *c, ll_error *err)
{
	if (r->pending >= 0) {
		*c = r->pending;
		r->pending = -1;
	} else {
		if (r->pos == r->len && !r->eof) {
			ll_status st = ll_input_read(r->in, r->chunk, sizeof(r->chunk), &r->len, err);
			if (st != LL_OK)
				return st;
			r->pos = 0;
			r->eof = r->len == 0;
		}
		if (r->eof) {
			*c = -1;
			return LL_OK;
		}
		*c = (unsigned char)r->chunk[r->pos++];
	}
	if (*c == '\n') {
		r->line++;
		r->column = 0;
	} else {
		r->column++;
	}
	return LL_OK;
}

/* Gives back the byte next_byte returned last (not the end of input). */
static void unread_byte(ll_csv_reader *r, int c)
{
	r->pending = c;
	if (c == '\n')
		r->line--;
	else
		r->column--;
}

static ll_status end_field(ll_csv_reader *r, size_t start, bool quoted, ll_error *err)
{
	if (r->nfields == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		size_t *starts = realloc(r->starts, cap * sizeof(*starts));
		if (starts)
			r->starts = starts;
		bool *q = realloc(r->quoted, cap * sizeof(*q));
		if (q)
			r->quoted = q;
		if (!starts || !q)
			return ll_error_oom(err);
		r->cap = cap;
	}
	r->starts[r->nfields] = start;
	r->quoted[r->nfields] = quoted;
	r->nfields++;
	ll_buf_putc(&r->text, '\0');
	return ll_buf_oom(&r->text) ? ll_error_oom(err) : LL_OK;
}

static ll_status csv_error(ll_csv_reader *r, const char *what, ll_error *err)
{
	ll_error_set(err, LL_EFORMAT, "CSV: %s", what);
	ll_error_set_location(err, ll_input_name(r->in), r->line, r->column);
	return LL_EFORMAT;
}

/* A quoted field's body, after its opening quote, up to and with its closing quote. */
static ll_status read_quoted(ll_csv_reader *r, ll_error *err)
{
	for (;;) {
		int c;
		ll_status st = next_byte(r, &c, err);
		if (st != LL_OK)
			return st;
		if (c < 0)
			return csv_error(r, "the file ends inside a quoted field", err);
		if (c == '"') {
			if ((st = next_byte(r, &c, err)) != LL_OK)
				return st;
			if (c != '"') {
				if (c >= 0)
					unread_byte(r, c);
				return LL_OK;
			}
		}
		ll_buf_putc(&r->text, (char)c);
	}
}

static void collect_fields(ll_csv_reader *r)
{
	for (size_t i = 0; i < r->nfields; i++) {
		size_t start = r->starts[i];
		size_t end = i + 1 < r->nfields ? r->starts[i + 1] - 1 : r->text.len - 1;
		r->fields[i] = (ll_csv_field){ r->text.data + start, end - start, r->quoted[i] };
	}
}

/* Whether a CR is the first half of a CRLF line end (then it is dropped). */
static ll_status crlf(ll_csv_reader *r, bool *yes, ll_error *err)
{
	int c;
	ll_status st = next_byte(r, &c, err);
	*yes = c == '\n';
	if (st == LL_OK && c >= 0)
		unread_byte(r, c);
	return st;
}

ll_status ll_csv_reader_next(ll_csv_reader *r, const ll_csv_field **fields, size_t *n,
			     uint64_t *line, ll_error *err)
{
	*fields = NULL;
	*n = 0;
	ll_buf_clear(&r->text);
	r->nfields = 0;
	bool row_started = false, quoted = false, after_quote = false;
	size_t start = 0;
	*line = r->line;
	for (;;) {
		int c;
		bool skip = false;
		ll_status st = next_byte(r, &c, err);
		if (st == LL_OK && c == '\r')
			st = crlf(r, &skip, err);
		if (st != LL_OK)
			return st;
		if (skip)
			continue;
		if (c < 0 || c == '\n') {
			if (!row_started) {
				if (c < 0)
					return LL_OK;
				*line = r->line;
				continue; /* a blank line */
			}
			break;
		}
		row_started = true;
		if (c == ',') {
			if ((st = end_field(r, start, quoted, err)) != LL_OK)
				return st;
			start = r->text.len;
			quoted = after_quote = false;
			continue;
		}
		if (after_quote)
			return csv_error(r, "text after the closing quote of a field", err);
		if (c == '"') {
			if (r->text.len != start)
				return csv_error(r, "a quote inside an unquoted field (quote the whole field)",
						 err);
			if ((st = read_quoted(r, err)) != LL_OK)
				return st;
			quoted = after_quote = true;
			continue;
		}
		ll_buf_putc(&r->text, (char)c);
	}
	ll_status st = end_field(r, start, quoted, err);
	if (st != LL_OK)
		return st;
	ll_csv_field *grown = realloc(r->fields, r->nfields * sizeof(*grown));
	if (!grown)
		return ll_error_oom(err);
	r->fields = grown;
	collect_fields(r);
	*fields = r->fields;
	*n = r->nfields;
	return LL_OK;
}
