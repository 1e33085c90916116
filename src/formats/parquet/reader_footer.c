/*
 * FileMetaData from the footer's Thrift bytes (field ids as in
 * parquet-format's parquet.thrift).
 *
 * Only what the reader uses is kept: the schema elements, the row groups
 * with their column chunks' metadata and statistics, and column_orders.
 * Everything else (key/value metadata, created_by, page indexes, bloom
 * filters, encoding stats, sorting columns) is skipped field by field, so
 * fields added by newer writers pass through. Counts come from list headers,
 * which the decoder has already bounded by the bytes that remain, so no
 * allocation here is larger than a small multiple of the footer.
 */
#include "formats/parquet/reader_internal.h"

#include <stdlib.h>
#include <string.h>

#include "formats/parquet/thrift_decode.h"

typedef struct footer_ctx {
	ll_parquet_reader *r;
	ll_thrift_decoder d;
	bool oom;
	const char *problem; /* a semantic error found while decoding */
} footer_ctx;

static bool problem(footer_ctx *c, const char *what)
{
	if (!c->problem)
		c->problem = what;
	return false;
}

/* ---- LogicalType ---- */

static void parse_time_unit(footer_ctx *c, ll_thrift_wire type, ll_pqr_unit *unit)
{
	int16_t id;
	ll_thrift_wire t;
	if (!ll_thrift_decode_struct_begin(&c->d, type))
		return;
	while (ll_thrift_decode_field(&c->d, &id, &t)) {
		if (id >= 1 && id <= 3)
			*unit = (ll_pqr_unit)(id - 1);
		ll_thrift_skip(&c->d, t);
	}
}

/* TimeType and TimestampType: isAdjustedToUTC (ignored: both are instants to us) and unit. */
static void parse_temporal(footer_ctx *c, ll_thrift_wire type, ll_pqr_node *n)
{
	int16_t id;
	ll_thrift_wire t;
	if (!ll_thrift_decode_struct_begin(&c->d, type))
		return;
	while (ll_thrift_decode_field(&c->d, &id, &t)) {
		if (id == 2)
			parse_time_unit(c, t, &n->unit);
		else
			ll_thrift_skip(&c->d, t);
	}
}

static void parse_decimal_type(footer_ctx *c, ll_thrift_wire type, ll_pqr_node *n)
{
	int16_t id;
	ll_thrift_wire t;
	int32_t v;
	if (!ll_thrift_decode_struct_begin(&c->d, type))
		return;
	while (ll_thrift_decode_field(&c->d, &id, &t)) {
		if ((id == 1 || id == 2) && ll_thrift_decode_i32(&c->d, t, &v))
			*(id == 1 ? &n->scale : &n->precision) = v;
		else if (id != 1 && id != 2)
			ll_thrift_skip(&c->d, t);
	}
}

static void parse_int_type(footer_ctx *c, ll_thrift_wire type, ll_pqr_node *n)
{
	int16_t id;
	ll_thrift_wire t;
	int8_t bits;
	if (!ll_thrift_decode_struct_begin(&c->d, type))
		return;
	while (ll_thrift_decode_field(&c->d, &id, &t)) {
		if (id == 1 && ll_thrift_decode_i8(&c->d, t, &bits))
			n->bit_width = bits;
		else if (id == 2)
			ll_thrift_decode_bool(&c->d, t, &n->is_signed);
		else if (id != 1)
			ll_thrift_skip(&c->d, t);
	}
}

/* The LogicalType union: the id of its one field says which annotation it is. */
static void parse_logical(footer_ctx *c, ll_thrift_wire type, ll_pqr_node *n)
{
	static const ll_pqr_logical by_id[] = {
		[1] = LL_PQR_L_STRING,  [2] = LL_PQR_L_MAP,      [3] = LL_PQR_L_LIST,
		[4] = LL_PQR_L_ENUM,    [5] = LL_PQR_L_DECIMAL,  [6] = LL_PQR_L_DATE,
		[7] = LL_PQR_L_TIME,    [8] = LL_PQR_L_TIMESTAMP, [10] = LL_PQR_L_INTEGER,
		[11] = LL_PQR_L_NULL,   [12] = LL_PQR_L_JSON,    [13] = LL_PQR_L_BSON,
		[14] = LL_PQR_L_UUID,   [15] = LL_PQR_L_FLOAT16,
	};
	int16_t id;
	ll_thrift_wire t;
	if (!ll_thrift_decode_struct_begin(&c->d, type))
		return;
	while (ll_thrift_decode_field(&c->d, &id, &t)) {
		bool known = id > 0 && (size_t)id < sizeof(by_id) / sizeof(by_id[0]) && by_id[id];
		n->logical = known ? by_id[id] : LL_PQR_L_OTHER;
		if (id == 5)
			parse_decimal_type(c, t, n);
		else if (id == 7 || id == 8)
			parse_temporal(c, t, n);
		else if (id == 10)
			parse_int_type(c, t, n);
		else
			ll_thrift_skip(&c->d, t);
	}
}

/* ---- SchemaElement ---- */

static bool copy_name(footer_ctx *c, const uint8_t *s, size_t len, const char **out)
{
	char *p = ll_arena_strndup(&c->r->arena, (const char *)s, len);
	if (!p)
		return c->oom = true, false;
	*out = p;
	return true;
}

static void parse_schema_field(footer_ctx *c, int16_t id, ll_thrift_wire t, ll_pqr_node *n)
{
	int32_t v = 0;
	const uint8_t *s;
	size_t len;
	switch (id) {
	case 4:
		if (ll_thrift_decode_binary(&c->d, t, &s, &len))
			copy_name(c, s, len, &n->name);
		return;
	case 10:
		/* written after scale and precision (7, 8), so a DecimalType's win */
		parse_logical(c, t, n);
		return;
	case 1: case 2: case 3: case 5: case 6: case 7: case 8: case 9:
		if (!ll_thrift_decode_i32(&c->d, t, &v))
			return;
		break;
	default:
		ll_thrift_skip(&c->d, t);
		return;
	}
	switch (id) {
	case 1: n->physical = v; break;
	case 2: n->type_length = v; break;
	case 3: n->repetition = v; break;
	case 5: n->nchildren = v; break;
	case 6: n->converted = v; break;
	case 7: n->scale = v; break;
	case 8: n->precision = v; break;
	default: n->field_id = v; break;
	}
}

static void parse_schema_element(footer_ctx *c, ll_thrift_wire elem, ll_pqr_node *n)
{
	int16_t id;
	ll_thrift_wire t;
	memset(n, 0, sizeof(*n));
	n->physical = -1;
	n->converted = -1;
	n->field_id = -1;
	n->unit = LL_PQR_MICROS;
	n->is_signed = true;
	n->name = "";
	if (!ll_thrift_decode_element_struct_begin(&c->d, elem))
		return;
	while (ll_thrift_decode_field(&c->d, &id, &t))
		parse_schema_field(c, id, t, n);
}

static void parse_schema(footer_ctx *c, ll_thrift_wire type)
{
	ll_thrift_wire elem;
	size_t count;
	ll_parquet_reader *r = c->r;
	if (r->nodes) {
		ll_thrift_skip(&c->d, type);
		problem(c, "the schema appears twice");
		return;
	}
	if (!ll_thrift_decode_list_begin(&c->d, type, &elem, &count))
		return;
	r->nodes = calloc(count ? count : 1, sizeof(*r->nodes));
	if (!r->nodes) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < count && !ll_thrift_decoder_failed(&c->d) && !c->oom; i++) {
		parse_schema_element(c, elem, &r->nodes[i]);
		r->nnodes = i + 1;
	}
}

/* ---- Statistics and ColumnMetaData ---- */

static void parse_stats(footer_ctx *c, ll_thrift_wire type, ll_pqr_raw_stats *s)
{
	int16_t id;
	ll_thrift_wire t;
	if (!ll_thrift_decode_struct_begin(&c->d, type))
		return;
	while (ll_thrift_decode_field(&c->d, &id, &t)) {
		switch (id) {
		case 1: ll_thrift_decode_binary(&c->d, t, &s->old_max, &s->old_max_len); break;
		case 2: ll_thrift_decode_binary(&c->d, t, &s->old_min, &s->old_min_len); break;
		case 3:
			s->has_null_count = ll_thrift_decode_i64(&c->d, t, &s->null_count);
			break;
		case 5: ll_thrift_decode_binary(&c->d, t, &s->max, &s->max_len); break;
		case 6: ll_thrift_decode_binary(&c->d, t, &s->min, &s->min_len); break;
		default: ll_thrift_skip(&c->d, t); break;
		}
	}
}

static void parse_column_meta(footer_ctx *c, ll_thrift_wire type, ll_pqr_chunk *k)
{
	int16_t id;
	ll_thrift_wire t;
	int32_t v;
	if (!ll_thrift_decode_struct_begin(&c->d, type))
		return;
	k->has_meta = true;
	while (ll_thrift_decode_field(&c->d, &id, &t)) {
		switch (id) {
		case 1:
			if (ll_thrift_decode_i32(&c->d, t, &v))
				k->physical = v;
			break;
		case 4:
			if (ll_thrift_decode_i32(&c->d, t, &v))
				k->codec = v;
			break;
		case 5: ll_thrift_decode_i64(&c->d, t, &k->num_values); break;
		case 7: ll_thrift_decode_i64(&c->d, t, &k->total_compressed); break;
		case 9: ll_thrift_decode_i64(&c->d, t, &k->data_page_offset); break;
		case 11: ll_thrift_decode_i64(&c->d, t, &k->dict_page_offset); break;
		case 12:
			k->has_stats = true;
			parse_stats(c, t, &k->stats);
			break;
		default: ll_thrift_skip(&c->d, t); break;
		}
	}
}

static void parse_column_chunk(footer_ctx *c, ll_thrift_wire elem, ll_pqr_chunk *k)
{
	int16_t id;
	ll_thrift_wire t;
	memset(k, 0, sizeof(*k));
	k->dict_page_offset = -1;
	if (!ll_thrift_decode_element_struct_begin(&c->d, elem))
		return;
	while (ll_thrift_decode_field(&c->d, &id, &t)) {
		if (id == 1) {
			k->external = true;
			ll_thrift_skip(&c->d, t);
		} else if (id == 3) {
			parse_column_meta(c, t, k);
		} else {
			ll_thrift_skip(&c->d, t);
		}
	}
}

/* ---- RowGroup ---- */

static void parse_chunks(footer_ctx *c, ll_thrift_wire type, ll_pqr_row_group *g)
{
	ll_thrift_wire elem;
	size_t count;
	if (g->chunks) {
		ll_thrift_skip(&c->d, type);
		problem(c, "a row group lists its columns twice");
		return;
	}
	if (!ll_thrift_decode_list_begin(&c->d, type, &elem, &count))
		return;
	g->chunks = calloc(count ? count : 1, sizeof(*g->chunks));
	if (!g->chunks) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < count && !ll_thrift_decoder_failed(&c->d); i++) {
		parse_column_chunk(c, elem, &g->chunks[i]);
		g->nchunks = i + 1;
	}
}

static void parse_row_group(footer_ctx *c, ll_thrift_wire elem, ll_pqr_row_group *g)
{
	int16_t id;
	ll_thrift_wire t;
	if (!ll_thrift_decode_element_struct_begin(&c->d, elem))
		return;
	g->num_rows = -1;
	while (ll_thrift_decode_field(&c->d, &id, &t) && !c->oom) {
		if (id == 1)
			parse_chunks(c, t, g);
		else if (id == 3)
			ll_thrift_decode_i64(&c->d, t, &g->num_rows);
		else
			ll_thrift_skip(&c->d, t);
	}
}

static void parse_row_groups(footer_ctx *c, ll_thrift_wire type)
{
	ll_thrift_wire elem;
	size_t count;
	ll_parquet_reader *r = c->r;
	if (r->groups) {
		ll_thrift_skip(&c->d, type);
		problem(c, "the row groups appear twice");
		return;
	}
	if (!ll_thrift_decode_list_begin(&c->d, type, &elem, &count))
		return;
	r->groups = calloc(count ? count : 1, sizeof(*r->groups));
	if (!r->groups) {
		c->oom = true;
		return;
	}
	for (size_t i = 0; i < count && !ll_thrift_decoder_failed(&c->d) && !c->oom; i++) {
		r->ngroups = i + 1;
		parse_row_group(c, elem, &r->groups[i]);
	}
}

/* ---- ColumnOrder ---- */

/* A ColumnOrder union whose member is TYPE_ORDER (id 1) allows min_value/max_value. */
static bool parse_column_order(footer_ctx *c, ll_thrift_wire elem)
{
	int16_t id;
	ll_thrift_wire t;
	bool type_order = false;
	if (!ll_thrift_decode_element_struct_begin(&c->d, elem))
		return false;
	while (ll_thrift_decode_field(&c->d, &id, &t)) {
		type_order = id == 1;
		ll_thrift_skip(&c->d, t);
	}
	return type_order;
}

static void parse_column_orders(footer_ctx *c, ll_thrift_wire type)
{
	ll_thrift_wire elem;
	size_t count;
	ll_parquet_reader *r = c->r;
	if (r->type_order) {
		ll_thrift_skip(&c->d, type);
		problem(c, "the column orders appear twice");
		return;
	}
	if (!ll_thrift_decode_list_begin(&c->d, type, &elem, &count))
		return;
	r->type_order = calloc(count ? count : 1, sizeof(*r->type_order));
	if (!r->type_order) {
		c->oom = true;
		return;
	}
	r->has_column_orders = true;
	r->norders = count;
	for (size_t i = 0; i < count && !ll_thrift_decoder_failed(&c->d); i++)
		r->type_order[i] = parse_column_order(c, elem);
}

ll_status ll_pqr_parse_footer(ll_parquet_reader *r, ll_error *err)
{
	footer_ctx c = { .r = r };
	int16_t id;
	ll_thrift_wire t;
	bool has_rows = false;
	ll_thrift_decoder_init(&c.d, r->footer, r->footer_len);
	while (!c.oom && ll_thrift_decode_field(&c.d, &id, &t)) {
		switch (id) {
		case 2: parse_schema(&c, t); break;
		case 3: has_rows = ll_thrift_decode_i64(&c.d, t, &r->num_rows); break;
		case 4: parse_row_groups(&c, t); break;
		case 7: parse_column_orders(&c, t); break;
		default: ll_thrift_skip(&c.d, t); break;
		}
	}
	if (c.oom)
		return ll_error_oom(err);
	if (ll_thrift_decoder_failed(&c.d))
		return ll_pqr_fail(r, err, "corrupt footer: %s at byte %zu of %zu", c.d.error,
				   c.d.error_offset, r->footer_len);
	if (c.problem)
		return ll_pqr_fail(r, err, "corrupt footer: %s", c.problem);
	if (!r->nodes || r->nnodes == 0)
		return ll_pqr_fail(r, err, "the footer has no schema");
	if (!has_rows || r->num_rows < 0)
		return ll_pqr_fail(r, err, "the footer has no valid row count");
	return LL_OK;
}
