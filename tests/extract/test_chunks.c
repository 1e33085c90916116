/*
 * ll_chunker: the pieces of a stream are the stream, cut between records at
 * the start of a line, each with its offset, and each followed by
 * LL_CHUNK_PAD zero bytes so it can be parsed in place: the last piece, a
 * piece grown around a record longer than the target, and pieces in
 * recycled buffers (which held other bytes before) too. The first pieces
 * are small and double up to the target, so every thread of a load has work
 * at once.
 */
#include <stdlib.h>
#include <string.h>

#include "extract/chunks.h"
#include "test.h"
#include "util/buf.h"

static bool zero_padded(const ll_chunk *c)
{
	for (size_t i = 0; i < LL_CHUNK_PAD; i++) {
		if (c->data[c->len + i] != 0)
			return false;
	}
	return c->cap >= c->len + LL_CHUNK_PAD;
}

/* Cuts text into pieces of about target bytes and checks them; recycle: give each back. */
static void check_pieces(const ll_buf *text, size_t target, bool recycle, size_t min_pieces)
{
	ll_input *in;
	ll_chunker *ck;
	ll_error err = { 0 };
	CHECK_OK(ll_input_open_memory(&in, text->data, text->len, "t.ndjson", &err), &err);
	CHECK_OK(ll_chunker_open(&ck, in, target, &err), &err);
	CHECK(ck != NULL);
	uint64_t offset = 0, index = 0;
	bool ok = true;
	while (ck && ok) {
		ll_chunk c;
		CHECK_OK(ll_chunker_next(ck, &c, &err), &err);
		if (!c.data)
			break;
		ok = c.index == index++ && c.offset == offset &&
		     offset + c.len <= text->len && memcmp(c.data, text->data + offset, c.len) == 0 &&
		     zero_padded(&c) && (offset + c.len == text->len || c.data[c.len - 1] == '\n');
		if (!ok)
			fprintf(stderr, "piece %llu (offset %llu, %zu bytes) is wrong\n",
				(unsigned long long)c.index, (unsigned long long)c.offset, c.len);
		offset += c.len;
		if (recycle)
			ll_chunker_recycle(ck, &c);
		else
			ll_chunk_free(&c);
	}
	CHECK(ok);
	CHECK_INT(offset, text->len);
	CHECK(index >= min_pieces);
	ll_chunker_free(ck);
	ll_input_free(in);
}

static void records(ll_buf *text, int n, size_t long_every, size_t long_bytes)
{
	for (int i = 0; i < n; i++) {
		ll_buf_printf(text, "{\"id\":%d,\"name\":\"record %d\"", i, i);
		if (long_every && i % (int)long_every == 0) {
			ll_buf_puts(text, ",\"blob\":\"");
			for (size_t k = 0; k < long_bytes; k++)
				ll_buf_putc(text, (char)('a' + k % 26));
			ll_buf_putc(text, '"');
		}
		ll_buf_puts(text, i % 4 ? "}\n" : "}\n\n");
	}
}

static void test_pieces_are_padded(void)
{
	ll_buf text = LL_BUF_INIT;
	records(&text, 60000, 0, 0);
	check_pieces(&text, 100 << 10, false, 10);
	check_pieces(&text, 100 << 10, true, 10);
	/* the last piece ends without a newline */
	ll_buf_puts(&text, "{\"last\":true}");
	check_pieces(&text, 100 << 10, true, 10);
	ll_buf_free(&text);
}

static void test_long_records_grow_the_buffer(void)
{
	/* records far past the target and the slack read after it */
	ll_buf text = LL_BUF_INIT;
	records(&text, 2000, 300, 300 << 10);
	check_pieces(&text, 16 << 10, true, 7);
	check_pieces(&text, 16 << 10, false, 7);
	ll_buf_free(&text);
}

static void test_first_pieces_are_small(void)
{
	ll_buf text = LL_BUF_INIT;
	records(&text, 600000, 0, 0); /* about 20 MB: five pieces and more */
	ll_input *in;
	ll_chunker *ck;
	ll_error err = { 0 };
	const size_t target = 4 << 20, record = 40;
	CHECK_OK(ll_input_open_memory(&in, text.data, text.len, "t.ndjson", &err), &err);
	CHECK_OK(ll_chunker_open(&ck, in, target, &err), &err);
	size_t expect = 1 << 20;
	for (int i = 0; i < 5; i++) {
		ll_chunk c;
		CHECK_OK(ll_chunker_next(ck, &c, &err), &err);
		/* each piece ends at the first record boundary at or past its target */
		CHECK(c.data && c.len >= expect && c.len < expect + record);
		ll_chunker_recycle(ck, &c);
		expect = expect * 2 < target ? expect * 2 : target;
	}
	ll_chunker_free(ck);
	ll_input_free(in);
	/* an input shorter than the first piece stays whole: one thread, one file per table */
	ll_buf_clear(&text);
	records(&text, 20000, 0, 0);
	CHECK(text.len < (1 << 20));
	CHECK_OK(ll_input_open_memory(&in, text.data, text.len, "t.ndjson", &err), &err);
	CHECK_OK(ll_chunker_open(&ck, in, target, &err), &err);
	ll_chunk c;
	CHECK_OK(ll_chunker_next(ck, &c, &err), &err);
	CHECK(c.data && c.len == text.len);
	ll_chunk_free(&c);
	CHECK_OK(ll_chunker_next(ck, &c, &err), &err);
	CHECK(c.data == NULL);
	ll_chunker_free(ck);
	ll_input_free(in);
	ll_buf_free(&text);
}

LL_TEST_MAIN(LL_TEST(test_pieces_are_padded), LL_TEST(test_long_records_grow_the_buffer),
	     LL_TEST(test_first_pieces_are_small))
