/*
 * Fuzz target: cutting JSON record streams into pieces (extract/chunks.h).
 * The first byte picks the piece size (1 to 64 bytes); the rest is the
 * input. The pieces must put the input back together byte for byte, each
 * starting at the offset the chunker says; and when the whole input reads
 * without error, reading the pieces one by one, each numbered from the line
 * the pieces before it end on, must give the same records at the same
 * lines, columns and offsets, with no error: no cut ever falls inside a
 * record, nor inside a line. Pieces are read as a parallel load
 * reads them: in place, by one reader restarted on each piece.
 */
#include <stdlib.h>
#include <string.h>

#include "extract/chunks.h"
#include "fuzz.h"
#include "json/json.h"
#include "util/buf.h"

/* Appends "line:column@offset text" per record r reads (its input at offset); false on an error. */
static bool append_records(ll_json_reader *r, uint64_t offset, ll_buf *out)
{
	ll_error err = { 0 };
	ll_arena arena;
	ll_arena_init(&arena, 0);
	const ll_json_value *rec = NULL;
	bool ok;
	while ((ok = ll_json_reader_next(r, &arena, &rec, &err) == LL_OK) && rec) {
		uint64_t l, c;
		ll_json_reader_record_position(r, &l, &c);
		ll_buf_printf(out, "%llu:%llu@%llu ", (unsigned long long)l, (unsigned long long)c,
			      (unsigned long long)(offset + ll_json_reader_record_offset(r)));
		ll_json_write(rec, out);
		ll_buf_putc(out, '\n');
		ll_arena_reset(&arena);
	}
	ll_arena_free(&arena);
	return ok;
}

/* The records of the whole input, through the streaming reader. */
static bool read_whole(const char *data, size_t size, ll_buf *out)
{
	ll_error err = { 0 };
	ll_input *in = NULL;
	ll_json_reader *r = NULL;
	bool ok = ll_input_open_memory(&in, data, size, "fuzz.ndjson", &err) == LL_OK &&
		  ll_json_reader_open(&r, in, &err) == LL_OK && append_records(r, 0, out);
	ll_json_reader_free(r);
	ll_input_free(in);
	return ok;
}

static uint64_t lines_in(const char *p, size_t n)
{
	uint64_t k = 0;
	for (size_t i = 0; i < n; i++)
		k += p[i] == '\n';
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const char *text = (const char *)data + 1;
	size_t len = size - 1;
	ll_error err = { 0 };
	ll_input *in = NULL;
	if (ll_input_open_memory(&in, text, len, "fuzz.ndjson", &err) != LL_OK)
		return 0;
	ll_chunker *c = NULL;
	ll_buf whole = LL_BUF_INIT, pieces = LL_BUF_INIT;
	ll_json_reader *reader = NULL;
	bool pieces_ok = true;
	if (ll_json_reader_open_memory(&reader, &err) == LL_OK &&
	    ll_chunker_open(&c, in, (size_t)(data[0] % 64) + 1, &err) == LL_OK && c) {
		uint64_t offset = 0, line = 1;
		ll_chunk k;
		while (ll_chunker_next(c, &k, &err) == LL_OK && k.data) {
			if (k.offset != offset)
				abort();
			ll_json_reader_restart(reader, k.data, k.len, "fuzz.ndjson", line);
			pieces_ok = append_records(reader, k.offset, &pieces) && pieces_ok;
			offset += k.len;
			line += lines_in(k.data, k.len);
			ll_chunker_recycle(c, &k); /* the next piece reuses the bytes */
		}
		if (ll_chunker_offset(c) != offset)
			abort();
		if (len >= 2 && (uint8_t)text[0] == 0x1f && (uint8_t)text[1] == 0x8b)
			pieces_ok = false; /* the whole read below is of the compressed bytes */
		if (read_whole(text, len, &whole) && pieces_ok && offset == len &&
		    !ll_buf_oom(&whole) && !ll_buf_oom(&pieces) &&
		    (whole.len != pieces.len || (whole.len && memcmp(whole.data, pieces.data, whole.len))))
			abort(); /* a cut fell inside a record */
	}
	ll_chunker_free(c);
	ll_json_reader_free(reader);
	ll_input_free(in);
	ll_buf_free(&whole);
	ll_buf_free(&pieces);
	return 0;
}
