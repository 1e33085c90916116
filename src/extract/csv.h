/*
 * CSV rows from an ll_input (RFC 4180), for the files source.
 *
 * Fields are separated by commas; a field in double quotes may hold
 * commas, line breaks and "" for a quote. Rows end at LF or CRLF. A quote
 * inside an unquoted field, text after a closing quote or a file ending
 * inside quotes is LL_EFORMAT with the line and column. Memory is bounded by
 * the longest row.
 */
#ifndef LL_EXTRACT_CSV_H
#define LL_EXTRACT_CSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "extract/input.h"
#include "util/error.h"

typedef struct ll_csv_field {
	const char *ptr; /* NUL-terminated; valid until the next call */
	size_t len;
	bool quoted;     /* written in quotes: text, never a number or null */
} ll_csv_field;

typedef struct ll_csv_reader ll_csv_reader;

/** Borrows in until ll_csv_reader_free. */
ll_status ll_csv_reader_open(ll_csv_reader **out, ll_input *in, ll_error *err);

/**
 * The next row: *fields (NULL at the end of input), *n fields, and the line
 * the row starts at. Blank lines are skipped.
 */
ll_status ll_csv_reader_next(ll_csv_reader *r, const ll_csv_field **fields, size_t *n,
			     uint64_t *line, ll_error *err);

void ll_csv_reader_free(ll_csv_reader *r);

#endif
