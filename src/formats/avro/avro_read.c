/*
 * Reading Avro object container files held in memory.
 *
 * The header (magic, metadata map, sync marker) is decoded at open with the
 * same datum decoder as records, as a map of bytes. Blocks are loaded one at
 * a time: the framing is checked (record count, size within the file, the
 * sync marker after the data equal to the header's), the data decompressed
 * into a buffer the reader reuses (the null codec is read in place), and
 * records are decoded from it on demand. A block must be used up exactly by
 * its records; leftover bytes mean the count or the data is corrupt. After a
 * failure the reader refuses to go on, since the position is unknown.
 */
#include "formats/avro/avro_internal.h"

#include <stdlib.h>

#include "util/error.h"
#include "util/fs.h"

struct ll_avro_reader {
	char *name;
	const uint8_t *data;
	size_t len;
	ll_buf owned;        /* the file's bytes, when the reader read them */
	size_t pos;          /* file offset of the next block */
	ll_avro_schema *schema;
	ll_avro_codec codec;
	uint8_t sync[LL_AVRO_SYNC_LEN];
	ll_arena arena;      /* header metadata */
	ll_avro_meta *meta;
	size_t nmeta;
	ll_buf inflated;     /* the current block, decompressed */
	ll_avro_cursor block; /* over the current block's records */
	uint64_t left;       /* records not yet read from the current block */
	uint64_t blocks, records;
	bool failed;
};

static ll_status store_meta(ll_avro_reader *r, ll_avro_cursor *c, const ll_avro_value *map)
{
	r->meta = ll_arena_alloc(&r->arena, (map->u.map.count + 1) * sizeof(*r->meta));
	if (!r->meta)
		return ll_error_oom(c->err);
	for (size_t i = 0; i < map->u.map.count; i++) {
		const ll_avro_map_entry *e = &map->u.map.entries[i];
		if (strlen(e->key) != e->key_len)
			return ll_avro_cursor_fail(c, "metadata key %zu contains a NUL byte", i + 1);
		if (ll_avro_reader_meta(r, e->key))
			return ll_avro_cursor_fail(c, "metadata key '%s' appears twice", e->key);
		r->meta[r->nmeta++] = (ll_avro_meta){ e->key, e->value.u.bytes.ptr,
						      e->value.u.bytes.len };
	}
	return LL_OK;
}

static ll_status read_meta_and_sync(ll_avro_reader *r, ll_avro_cursor *c)
{
	static const ll_avro_node bytes_node = { .type = LL_AVRO_BYTES };
	static const ll_avro_node meta_node = { .type = LL_AVRO_MAP, .values = &bytes_node };
	if (r->len < LL_AVRO_MAGIC_LEN || memcmp(r->data, LL_AVRO_MAGIC, LL_AVRO_MAGIC_LEN) != 0)
		return ll_avro_cursor_fail(c, "not an Avro object container file (no Obj\\x01 magic)");
	c->p += LL_AVRO_MAGIC_LEN;
	ll_avro_value map;
	ll_status st = ll_avro_decode(c, &meta_node, &map);
	if (st == LL_OK)
		st = store_meta(r, c, &map);
	if (st != LL_OK)
		return st;
	if (ll_avro_cursor_left(c) < LL_AVRO_SYNC_LEN)
		return ll_avro_cursor_fail(c, "the file ends inside the header's sync marker");
	memcpy(r->sync, c->p, LL_AVRO_SYNC_LEN);
	c->p += LL_AVRO_SYNC_LEN;
	r->pos = (size_t)(c->p - c->start);
	return LL_OK;
}

/* The codec avro.codec names (null when absent); false for one lakeload does not read. */
static bool known_codec(const ll_avro_meta *m, ll_avro_codec *out)
{
	static const ll_avro_codec codecs[] = { LL_AVRO_CODEC_NULL, LL_AVRO_CODEC_DEFLATE,
						LL_AVRO_CODEC_SNAPPY };
	*out = LL_AVRO_CODEC_NULL;
	if (!m)
		return true;
	for (size_t i = 0; i < sizeof(codecs) / sizeof(codecs[0]); i++) {
		const char *name = ll_avro_codec_name(codecs[i]);
		if (m->len == strlen(name) && memcmp(m->value, name, m->len) == 0) {
			*out = codecs[i];
			return true;
		}
	}
	return false;
}

static ll_status read_header(ll_avro_reader *r, ll_error *err)
{
	ll_avro_cursor c = { .start = r->data, .p = r->data, .end = r->data + r->len,
			     .name = r->name, .arena = &r->arena, .err = err };
	ll_status st = read_meta_and_sync(r, &c);
	if (st != LL_OK)
		return st;
	const ll_avro_meta *m = ll_avro_reader_meta(r, "avro.codec");
	if (!known_codec(m, &r->codec)) {
		ll_error_set_location(err, r->name, 0, 0);
		return ll_error_set(err, LL_EUNSUPPORTED,
				    "codec '%.40s' is not supported; lakeload reads null, deflate and snappy",
				    (const char *)m->value);
	}
	m = ll_avro_reader_meta(r, "avro.schema");
	if (!m)
		return ll_avro_cursor_fail(&c, "the header has no avro.schema");
	st = ll_avro_schema_parse(&r->schema, m->value, m->len, r->name, err);
	if (st != LL_OK)
		return ll_error_prefix(err, "header avro.schema");
	return LL_OK;
}

static ll_status reader_start(ll_avro_reader *r, const char *name, ll_error *err)
{
	ll_arena_init(&r->arena, 4096);
	r->name = strdup(name ? name : "(memory)");
	if (!r->name)
		return ll_error_oom(err);
	return read_header(r, err);
}

ll_status ll_avro_reader_open_memory(ll_avro_reader **out, const void *data, size_t len,
				     const char *name, ll_error *err)
{
	*out = NULL;
	ll_avro_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return ll_error_oom(err);
	r->data = data ? data : (const uint8_t *)"";
	r->len = len;
	ll_status st = reader_start(r, name, err);
	if (st != LL_OK) {
		ll_avro_reader_free(r);
		return st;
	}
	*out = r;
	return LL_OK;
}

ll_status ll_avro_reader_open(ll_avro_reader **out, const char *path, ll_error *err)
{
	*out = NULL;
	ll_avro_reader *r = calloc(1, sizeof(*r));
	if (!r)
		return ll_error_oom(err);
	ll_status st = ll_fs_read_all(path, &r->owned, err);
	if (st == LL_OK) {
		r->data = (const uint8_t *)ll_buf_cstr(&r->owned);
		r->len = r->owned.len;
		st = reader_start(r, path, err);
	}
	if (st != LL_OK) {
		ll_avro_reader_free(r);
		return st;
	}
	*out = r;
	return LL_OK;
}

void ll_avro_reader_free(ll_avro_reader *r)
{
	if (!r)
		return;
	ll_avro_schema_free(r->schema);
	ll_arena_free(&r->arena);
	ll_buf_free(&r->inflated);
	ll_buf_free(&r->owned);
	free(r->name);
	free(r);
}

const ll_avro_schema *ll_avro_reader_schema(const ll_avro_reader *r)
{
	return r->schema;
}

ll_avro_codec ll_avro_reader_codec(const ll_avro_reader *r)
{
	return r->codec;
}

size_t ll_avro_reader_meta_count(const ll_avro_reader *r)
{
	return r->nmeta;
}

const ll_avro_meta *ll_avro_reader_meta_at(const ll_avro_reader *r, size_t i)
{
	return i < r->nmeta ? &r->meta[i] : NULL;
}

const ll_avro_meta *ll_avro_reader_meta(const ll_avro_reader *r, const char *key)
{
	for (size_t i = 0; i < r->nmeta; i++) {
		if (strcmp(r->meta[i].key, key) == 0)
			return &r->meta[i];
	}
	return NULL;
}

/* Points the block cursor at the block's decoded bytes. */
static ll_status decode_block_data(ll_avro_reader *r, ll_avro_cursor *c, const uint8_t *p,
				   size_t n)
{
	if (r->codec != LL_AVRO_CODEC_NULL) {
		ll_status st = ll_avro_decompress(r->codec, p, n, &r->inflated, c->err);
		if (st != LL_OK) {
			ll_error_set_location(c->err, r->name, 0, 0);
			return ll_error_prefix(c->err, "block %llu at byte %llu",
					       (unsigned long long)c->block,
					       (unsigned long long)c->block_offset);
		}
		p = (const uint8_t *)ll_buf_cstr(&r->inflated);
		n = r->inflated.len;
	}
	r->block = *c;
	r->block.start = r->block.p = p;
	r->block.end = p + n;
	return LL_OK;
}

/* Reads the framing of the block at r->pos and makes its records current. */
static ll_status load_block(ll_avro_reader *r, ll_error *err)
{
	ll_avro_cursor c = { .start = r->data, .p = r->data + r->pos, .end = r->data + r->len,
			     .name = r->name, .err = err, .in_block = true,
			     .block = r->blocks + 1, .block_offset = r->pos };
	int64_t count = 0;
	const uint8_t *p = NULL;
	size_t n = 0;
	ll_status st = ll_avro_read_long(&c, &count);
	if (st == LL_OK && count < 0)
		return ll_avro_cursor_fail(&c, "negative record count %lld", (long long)count);
	if (st == LL_OK)
		st = ll_avro_read_span(&c, &p, &n);
	if (st != LL_OK)
		return st;
	if (ll_avro_cursor_left(&c) < LL_AVRO_SYNC_LEN)
		return ll_avro_cursor_fail(&c, "the file ends before the block's sync marker");
	if (memcmp(c.p, r->sync, LL_AVRO_SYNC_LEN) != 0)
		return ll_avro_cursor_fail(&c, "the sync marker after the block differs from the header's");
	c.p += LL_AVRO_SYNC_LEN;
	r->pos = (size_t)(c.p - c.start);
	st = decode_block_data(r, &c, p, n);
	if (st != LL_OK)
		return st;
	uint64_t limit = ll_avro_schema_root(r->schema)->may_be_empty
				 ? LL_AVRO_MAX_EMPTY_ITEMS
				 : ll_avro_cursor_left(&r->block);
	if ((uint64_t)count > limit)
		return ll_avro_cursor_fail(&c, "record count %lld is more than the block can hold",
					   (long long)count);
	r->blocks++;
	r->left = (uint64_t)count;
	return LL_OK;
}

static ll_status check_block_used_up(ll_avro_reader *r)
{
	size_t extra = ll_avro_cursor_left(&r->block);
	if (extra == 0)
		return LL_OK;
	return ll_avro_cursor_fail(&r->block, "%zu bytes are left over after the block's last record",
				   extra);
}

/* Loads blocks until one has a record left; false at the end of the file. */
static ll_status next_block(ll_avro_reader *r, bool *more, ll_error *err)
{
	while (r->left == 0) {
		if (r->pos == r->len) {
			*more = false;
			return LL_OK;
		}
		ll_status st = load_block(r, err);
		if (st == LL_OK && r->left == 0)
			st = check_block_used_up(r);
		if (st != LL_OK)
			return st;
	}
	*more = true;
	return LL_OK;
}

static ll_status read_record(ll_avro_reader *r, ll_arena *arena, const ll_avro_value **record,
			     ll_error *err)
{
	bool more;
	ll_status st = next_block(r, &more, err);
	if (st != LL_OK || !more)
		return st;
	ll_avro_value *v = ll_arena_alloc(arena, sizeof(*v));
	if (!v)
		return ll_error_oom(err);
	r->block.arena = arena;
	r->block.err = err;
	r->block.depth = 0;
	r->block.record = ++r->records;
	st = ll_avro_decode(&r->block, ll_avro_schema_root(r->schema), v);
	if (st == LL_OK && --r->left == 0)
		st = check_block_used_up(r);
	if (st == LL_OK)
		*record = v;
	return st;
}

ll_status ll_avro_reader_next(ll_avro_reader *r, ll_arena *arena, const ll_avro_value **record,
			      ll_error *err)
{
	*record = NULL;
	if (r->failed) {
		ll_error_set_location(err, r->name, 0, 0);
		return ll_error_set(err, LL_EFORMAT, "reading stopped at an earlier error");
	}
	ll_status st = read_record(r, arena, record, err);
	if (st != LL_OK)
		r->failed = true;
	return st;
}
