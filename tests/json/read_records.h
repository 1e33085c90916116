/*
 * The JSON tests' way to read an input whole: every record through the
 * streaming reader, written as compact JSON one per line, so a read can be
 * compared with the expected text or with another read.
 */
#ifndef LL_TESTS_JSON_READ_RECORDS_H
#define LL_TESTS_JSON_READ_RECORDS_H

#include <stdbool.h>

#include "extract/input.h"
#include "json/json_internal.h"
#include "util/buf.h"

/*
 * Reads text with a starting window of `window` bytes (0: the reader's
 * usual one); with positions, each line starts with the record's
 * "line:column ".
 */
static ll_status read_records(const void *text, size_t len, size_t window, bool positions,
			      ll_buf *out, ll_error *err)
{
	ll_input *in;
	ll_json_reader *r;
	ll_status st = ll_input_open_memory(&in, text, len, "t.json", err);
	if (st)
		return st;
	st = window ? ll_json_reader_open_window(&r, in, window, err) : ll_json_reader_open(&r, in, err);
	if (st) {
		ll_input_free(in);
		return st;
	}
	ll_arena arena;
	ll_arena_init(&arena, 0);
	for (;;) {
		const ll_json_value *rec;
		if ((st = ll_json_reader_next(r, &arena, &rec, err)) || !rec)
			break;
		if (positions) {
			uint64_t line, column;
			ll_json_reader_record_position(r, &line, &column);
			ll_buf_printf(out, "%llu:%llu ", (unsigned long long)line, (unsigned long long)column);
		}
		ll_json_write(rec, out);
		ll_buf_putc(out, '\n');
		ll_arena_reset(&arena);
	}
	ll_arena_free(&arena);
	ll_json_reader_free(r);
	ll_input_free(in);
	return st;
}

#endif
