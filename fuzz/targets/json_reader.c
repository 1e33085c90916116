/*
 * Fuzz target: the streaming JSON reader with a tiny window. The first byte
 * picks the starting window (1 to 64 bytes) so records keep crossing window
 * edges and the refill and grow paths run; the rest is the input. The same
 * input is read again with the reader's usual window, and both reads must
 * agree record for record, position for position, and on the error that
 * ends them, with its line and column: where a window ends never changes
 * what is read. The one allowance is an error of the input itself (a
 * corrupt gzip stream, which has no line): a larger window reads ahead to
 * it sooner, so both reads must fail, one's records a prefix of the other's.
 */
#include <stdlib.h>
#include <string.h>

#include "extract/input.h"
#include "fuzz.h"
#include "json/json_internal.h"
#include "util/error.h"

typedef struct json_read {
	ll_status status;
	uint64_t line, column; /* where the error is */
	ll_buf records;        /* each record's position and compact text */
} json_read;

static void read_all(const uint8_t *data, size_t size, size_t window, json_read *out)
{
	ll_error err = { 0 };
	ll_input *in = NULL;
	out->status = ll_input_open_memory(&in, data, size, "fuzz.ndjson", &err);
	ll_json_reader *r = NULL;
	if (out->status == LL_OK)
		out->status = window ? ll_json_reader_open_window(&r, in, window, &err)
				     : ll_json_reader_open(&r, in, &err);
	if (out->status == LL_OK) {
		ll_arena arena;
		ll_arena_init(&arena, 0);
		const ll_json_value *rec = NULL;
		while ((out->status = ll_json_reader_next(r, &arena, &rec, &err)) == LL_OK && rec) {
			uint64_t line, column;
			ll_json_reader_record_position(r, &line, &column);
			ll_buf_printf(&out->records, "%llu:%llu ", (unsigned long long)line,
				      (unsigned long long)column);
			ll_json_write(rec, &out->records);
			ll_buf_putc(&out->records, '\n');
			ll_arena_reset(&arena);
		}
		ll_arena_free(&arena);
		ll_json_reader_free(r);
	}
	ll_input_free(in);
	out->line = err.line;
	out->column = err.column;
}

static bool same_records(const json_read *a, const json_read *b)
{
	return a->records.len == b->records.len &&
	       (a->records.len == 0 || memcmp(a->records.data, b->records.data, a->records.len) == 0);
}

/* Both failed, at least one on the input itself, and the shorter read is where the longer began. */
static bool input_failed_alike(const json_read *a, const json_read *b)
{
	if (a->status == LL_OK || b->status == LL_OK || (a->line != 0 && b->line != 0))
		return false;
	const ll_buf *shorter = a->records.len < b->records.len ? &a->records : &b->records;
	const ll_buf *longer = shorter == &a->records ? &b->records : &a->records;
	return shorter->len == 0 || memcmp(shorter->data, longer->data, shorter->len) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	json_read tiny = { 0 }, usual = { 0 };
	read_all(data + 1, size - 1, (size_t)(data[0] % 64) + 1, &tiny);
	read_all(data + 1, size - 1, 0, &usual);
	bool agree = tiny.status == usual.status && tiny.line == usual.line &&
		     tiny.column == usual.column && same_records(&tiny, &usual);
	if (!ll_buf_oom(&tiny.records) && !ll_buf_oom(&usual.records) && !agree &&
	    !input_failed_alike(&tiny, &usual))
		abort(); /* the window changed what was read */
	ll_buf_free(&tiny.records);
	ll_buf_free(&usual.records);
	return 0;
}
