/*
 * Avro object container files: header, then blocks of records.
 *
 * The header is written at open, so the sink sees a valid prefix of the file
 * from the first call. Records are encoded straight into the current block
 * buffer; a record that fails to encode is cut off again, which is what lets
 * a failed append leave the writer usable. A block goes to the sink as one
 * call (count, size, data, sync marker) when it reaches the configured
 * record count or size, on flush and on close. A sink or memory failure
 * leaves the output incomplete, so it makes every later call fail too.
 */
#include "formats/avro/avro_internal.h"

#include <stdlib.h>

#include "util/error.h"
#include "util/random.h"
#include "util/utf8.h"

/*
 * A block is ended once it reaches block_bytes, so with both limits at half
 * the reader's maximum no block outgrows what readers here accept.
 */
#define MAX_RECORD_BYTES (LL_AVRO_MAX_BLOCK_BYTES / 2)

struct ll_avro_writer {
	const ll_avro_node *root;
	ll_avro_sink_fn sink;
	void *user;
	ll_avro_codec codec;
	int level;
	size_t block_records, block_bytes;
	uint8_t sync[LL_AVRO_SYNC_LEN];
	ll_buf block;  /* encoded records of the current block */
	ll_buf packed; /* the block compressed */
	ll_buf frame;  /* what goes to the sink next */
	uint64_t block_count, total;
	bool broken;
};

ll_status ll_avro_sink_buf(void *user, const void *data, size_t len, ll_error *err)
{
	ll_buf *b = user;
	ll_buf_append(b, data, len);
	return ll_buf_oom(b) ? ll_error_oom(err) : LL_OK;
}

static ll_status check_meta(const ll_avro_writer_options *opt, ll_error *err)
{
	for (size_t i = 0; i < opt->nmeta; i++) {
		const char *key = opt->meta[i].key;
		if (!key || !*key || !ll_utf8_valid(key, strlen(key)))
			return ll_error_set(err, LL_EINVAL, "Avro metadata key %zu is empty or not UTF-8", i);
		if (strncmp(key, "avro.", 5) == 0)
			return ll_error_set(err, LL_EINVAL,
					    "Avro metadata key '%s' is reserved: avro.* keys belong to the format",
					    key);
		for (size_t k = 0; k < i; k++) {
			if (strcmp(opt->meta[k].key, key) == 0)
				return ll_error_set(err, LL_EINVAL, "Avro metadata key '%s' is given twice", key);
		}
	}
	return LL_OK;
}

static ll_status check_options(const ll_avro_writer_options *opt, ll_error *err)
{
	if (opt->codec != LL_AVRO_CODEC_NULL && opt->codec != LL_AVRO_CODEC_DEFLATE &&
	    opt->codec != LL_AVRO_CODEC_SNAPPY)
		return ll_error_set(err, LL_EINVAL, "unknown Avro codec %d", (int)opt->codec);
	if (opt->deflate_level < 0 || opt->deflate_level > 9)
		return ll_error_set(err, LL_EINVAL, "deflate level %d is not between 1 and 9",
				    opt->deflate_level);
	if (opt->block_bytes > MAX_RECORD_BYTES)
		return ll_error_set(err, LL_EINVAL, "Avro blocks of %zu bytes are too large; use at most %zu",
				    opt->block_bytes, MAX_RECORD_BYTES);
	return check_meta(opt, err);
}

static void put_meta(ll_buf *b, const char *key, const void *value, size_t len)
{
	ll_avro_put_bytes(b, key, strlen(key));
	ll_avro_put_bytes(b, value, len);
}

/* Magic, the metadata map as one block, then the sync marker. */
static ll_status write_header(ll_avro_writer *w, const ll_avro_schema *schema,
			      const ll_avro_writer_options *opt, ll_error *err)
{
	ll_buf *b = &w->frame;
	size_t text_len;
	const char *text = ll_avro_schema_text(schema, &text_len);
	const char *codec = ll_avro_codec_name(w->codec);
	ll_buf_append(b, LL_AVRO_MAGIC, LL_AVRO_MAGIC_LEN);
	ll_avro_put_long(b, (int64_t)opt->nmeta + 2);
	put_meta(b, "avro.schema", text, text_len);
	put_meta(b, "avro.codec", codec, strlen(codec));
	for (size_t i = 0; i < opt->nmeta; i++)
		put_meta(b, opt->meta[i].key, opt->meta[i].value, opt->meta[i].len);
	ll_avro_put_long(b, 0);
	ll_buf_append(b, w->sync, LL_AVRO_SYNC_LEN);
	if (ll_buf_oom(b))
		return ll_error_oom(err);
	return w->sink(w->user, b->data, b->len, err);
}

static ll_status choose_sync(ll_avro_writer *w, const ll_avro_writer_options *opt, ll_error *err)
{
	if (opt->sync) {
		memcpy(w->sync, opt->sync, LL_AVRO_SYNC_LEN);
		return LL_OK;
	}
	if (!ll_random_bytes(w->sync, LL_AVRO_SYNC_LEN))
		return ll_error_set(err, LL_EIO, "cannot get random bytes for the Avro sync marker");
	return LL_OK;
}

ll_status ll_avro_writer_open(ll_avro_writer **out, const ll_avro_schema *schema,
			      const ll_avro_writer_options *opt, ll_avro_sink_fn sink, void *user,
			      ll_error *err)
{
	*out = NULL;
	static const ll_avro_writer_options defaults = { 0 };
	if (!opt)
		opt = &defaults;
	ll_status st = check_options(opt, err);
	if (st != LL_OK)
		return st;
	ll_avro_writer *w = calloc(1, sizeof(*w));
	if (!w)
		return ll_error_oom(err);
	w->root = ll_avro_schema_root(schema);
	w->sink = sink;
	w->user = user;
	w->codec = opt->codec;
	w->level = opt->deflate_level;
	w->block_records = opt->block_records;
	w->block_bytes = opt->block_bytes ? opt->block_bytes : 64 * 1024;
	st = choose_sync(w, opt, err);
	if (st == LL_OK)
		st = write_header(w, schema, opt, err);
	if (st != LL_OK) {
		ll_avro_writer_free(w);
		return st;
	}
	*out = w;
	return LL_OK;
}

static ll_status writer_broken(ll_error *err)
{
	return ll_error_set(err, LL_EIO,
			    "the Avro writer failed earlier and its output is incomplete; start a new file");
}

static ll_status write_block(ll_avro_writer *w, ll_error *err)
{
	const ll_buf *data = &w->block;
	if (w->codec != LL_AVRO_CODEC_NULL) {
		ll_buf_clear(&w->packed);
		ll_status st = ll_avro_compress(w->codec, w->level, w->block.data, w->block.len,
						&w->packed, err);
		if (st != LL_OK)
			return st;
		data = &w->packed;
	}
	ll_buf_clear(&w->frame);
	ll_avro_put_long(&w->frame, (int64_t)w->block_count);
	ll_avro_put_bytes(&w->frame, data->data, data->len);
	ll_buf_append(&w->frame, w->sync, LL_AVRO_SYNC_LEN);
	if (ll_buf_oom(&w->frame))
		return ll_error_oom(err);
	return w->sink(w->user, w->frame.data, w->frame.len, err);
}

ll_status ll_avro_writer_flush(ll_avro_writer *w, ll_error *err)
{
	if (w->broken)
		return writer_broken(err);
	if (w->block_count == 0)
		return LL_OK;
	ll_status st = write_block(w, err);
	if (st != LL_OK) {
		w->broken = true;
		return st;
	}
	ll_buf_clear(&w->block);
	w->block_count = 0;
	return LL_OK;
}

ll_status ll_avro_writer_append(ll_avro_writer *w, const ll_avro_value *record, ll_error *err)
{
	if (w->broken)
		return writer_broken(err);
	size_t mark = w->block.len;
	ll_status st = ll_avro_encode(&w->block, w->root, record, err);
	if (st == LL_OK && w->block.len - mark > MAX_RECORD_BYTES)
		st = ll_error_set(err, LL_EINVAL,
				  "the record encodes to %zu bytes, more than the %zu a record may take",
				  w->block.len - mark, MAX_RECORD_BYTES);
	if (st != LL_OK) {
		if (ll_buf_oom(&w->block))
			w->broken = true;
		else if (w->block.data) {
			w->block.len = mark;
			w->block.data[mark] = '\0';
		}
		return st;
	}
	w->block_count++;
	w->total++;
	/* readers bound the records per block when records may take no bytes */
	if ((w->block_records && w->block_count >= w->block_records) ||
	    w->block.len >= w->block_bytes || w->block_count >= LL_AVRO_MAX_EMPTY_ITEMS)
		return ll_avro_writer_flush(w, err);
	return LL_OK;
}

uint64_t ll_avro_writer_count(const ll_avro_writer *w)
{
	return w->total;
}

ll_status ll_avro_writer_close(ll_avro_writer *w, ll_error *err)
{
	ll_status st = ll_avro_writer_flush(w, err);
	ll_avro_writer_free(w);
	return st;
}

void ll_avro_writer_free(ll_avro_writer *w)
{
	if (!w)
		return;
	ll_buf_free(&w->block);
	ll_buf_free(&w->packed);
	ll_buf_free(&w->frame);
	free(w);
}
