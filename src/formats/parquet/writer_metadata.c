/*
 * The Thrift structures the writer emits: page headers and the footer
 * (FileMetaData), field ids as in parquet-format's parquet.thrift.
 *
 * The schema is a root group with one leaf per column. Each leaf carries both
 * the LogicalType union and the legacy ConvertedType (with scale and
 * precision for decimals), because older readers, Athena's among them, only
 * look at the latter. column_orders says TYPE_ORDER for every column: without
 * it a reader must ignore min_value/max_value. The deprecated min/max
 * statistics are written too where signed comparison is the column's order
 * (numbers, dates, timestamps, booleans), for readers that predate
 * min_value/max_value; never for byte arrays, where it is not.
 */
#include "formats/parquet/writer_internal.h"

#include "formats/parquet/thrift_encode.h"

/* FileMetaData.version: the spec asks writers to put 1 for the widest compatibility. */
#define LL_PQW_FORMAT_VERSION 1

void ll_pqw_encode_page_header(ll_buf *out, int page_type, size_t uncompressed,
			       size_t compressed, size_t num_values, int encoding)
{
	ll_thrift_encoder e;
	ll_thrift_encoder_init(&e, out);
	ll_thrift_encode_i32(&e, 1, page_type);
	ll_thrift_encode_i32(&e, 2, (int32_t)uncompressed);
	ll_thrift_encode_i32(&e, 3, (int32_t)compressed);
	if (page_type == LL_PQW_PAGE_DICTIONARY) {
		ll_thrift_encode_struct_begin(&e, 7);
		ll_thrift_encode_i32(&e, 1, (int32_t)num_values);
		ll_thrift_encode_i32(&e, 2, encoding);
		ll_thrift_encode_bool(&e, 3, false);
	} else {
		ll_thrift_encode_struct_begin(&e, 5);
		ll_thrift_encode_i32(&e, 1, (int32_t)num_values);
		ll_thrift_encode_i32(&e, 2, encoding);
		ll_thrift_encode_i32(&e, 3, LL_PQW_ENC_RLE);
		ll_thrift_encode_i32(&e, 4, LL_PQW_ENC_RLE);
	}
	ll_thrift_encode_struct_end(&e);
	ll_thrift_encode_struct_end(&e);
}

static void encode_logical_type(ll_thrift_encoder *e, const ll_pqw_column *c,
				ll_timestamp_unit unit)
{
	switch (c->type) {
	case LL_TYPE_TEXT:
		ll_thrift_encode_struct_begin(e, 10);
		ll_thrift_encode_empty_struct(e, 1);
		break;
	case LL_TYPE_JSON:
		ll_thrift_encode_struct_begin(e, 10);
		ll_thrift_encode_empty_struct(e, 12);
		break;
	case LL_TYPE_DATE:
		ll_thrift_encode_struct_begin(e, 10);
		ll_thrift_encode_empty_struct(e, 6);
		break;
	case LL_TYPE_DECIMAL:
		ll_thrift_encode_struct_begin(e, 10);
		ll_thrift_encode_struct_begin(e, 5);
		ll_thrift_encode_i32(e, 1, c->scale);
		ll_thrift_encode_i32(e, 2, c->precision);
		ll_thrift_encode_struct_end(e);
		break;
	case LL_TYPE_TIMESTAMP:
		ll_thrift_encode_struct_begin(e, 10);
		ll_thrift_encode_struct_begin(e, 8);
		ll_thrift_encode_bool(e, 1, true);
		ll_thrift_encode_struct_begin(e, 2);
		ll_thrift_encode_empty_struct(e, unit == LL_TS_MILLIS ? 1 : 2);
		ll_thrift_encode_struct_end(e);
		ll_thrift_encode_struct_end(e);
		break;
	default:
		return;
	}
	ll_thrift_encode_struct_end(e);
}

static int converted_type(const ll_pqw_column *c, ll_timestamp_unit unit)
{
	switch (c->type) {
	case LL_TYPE_TEXT: return LL_PQW_CONV_UTF8;
	case LL_TYPE_JSON: return LL_PQW_CONV_JSON;
	case LL_TYPE_DATE: return LL_PQW_CONV_DATE;
	case LL_TYPE_DECIMAL: return LL_PQW_CONV_DECIMAL;
	case LL_TYPE_TIMESTAMP:
		return unit == LL_TS_MILLIS ? LL_PQW_CONV_TIMESTAMP_MILLIS
					    : LL_PQW_CONV_TIMESTAMP_MICROS;
	default: return -1;
	}
}

static void encode_schema(ll_thrift_encoder *e, const ll_parquet_writer *w)
{
	ll_thrift_encode_list_begin(e, 2, LL_THRIFT_WIRE_STRUCT, w->ncols + 1);
	ll_thrift_encode_element_struct_begin(e);
	ll_thrift_encode_string(e, 4, "schema");
	ll_thrift_encode_i32(e, 5, (int32_t)w->ncols);
	ll_thrift_encode_struct_end(e);
	for (size_t i = 0; i < w->ncols; i++) {
		const ll_pqw_column *c = &w->cols[i];
		int conv = converted_type(c, w->opt.timestamp_unit);
		ll_thrift_encode_element_struct_begin(e);
		ll_thrift_encode_i32(e, 1, c->physical);
		if (c->physical == LL_PQW_TYPE_FIXED)
			ll_thrift_encode_i32(e, 2, (int32_t)c->width);
		ll_thrift_encode_i32(e, 3, c->nullable ? LL_PQW_OPTIONAL : LL_PQW_REQUIRED);
		ll_thrift_encode_string(e, 4, c->name);
		if (conv >= 0)
			ll_thrift_encode_i32(e, 6, conv);
		if (c->type == LL_TYPE_DECIMAL) {
			ll_thrift_encode_i32(e, 7, c->scale);
			ll_thrift_encode_i32(e, 8, c->precision);
		}
		if (c->field_id >= 0)
			ll_thrift_encode_i32(e, 9, c->field_id);
		encode_logical_type(e, c, w->opt.timestamp_unit);
		ll_thrift_encode_struct_end(e);
	}
}

static int codec_id(ll_parquet_codec codec)
{
	switch (codec) {
	case LL_CODEC_SNAPPY: return 1;
	case LL_CODEC_GZIP: return 2;
	case LL_CODEC_ZSTD: return 6;
	case LL_CODEC_UNCOMPRESSED: break;
	}
	return 0;
}

static void encode_statistics(ll_thrift_encoder *e, const ll_pqw_column *c,
			      const ll_pqw_chunk_meta *m)
{
	bool legacy = m->has_minmax && c->kind != LL_PQW_BYTES && c->kind != LL_PQW_FIXED;
	ll_thrift_encode_struct_begin(e, 12);
	if (legacy) {
		ll_thrift_encode_binary(e, 1, m->max, m->max_len);
		ll_thrift_encode_binary(e, 2, m->min, m->min_len);
	}
	ll_thrift_encode_i64(e, 3, m->null_count);
	if (m->has_minmax) {
		ll_thrift_encode_binary(e, 5, m->max, m->max_len);
		ll_thrift_encode_binary(e, 6, m->min, m->min_len);
		ll_thrift_encode_bool(e, 7, true);
		ll_thrift_encode_bool(e, 8, true);
	}
	if (c->kind == LL_PQW_DOUBLE)
		ll_thrift_encode_i64(e, 9, m->nan_count);
	ll_thrift_encode_struct_end(e);
}

static void encode_column_chunk(ll_thrift_encoder *e, const ll_parquet_writer *w,
				const ll_pqw_column *c, const ll_pqw_chunk_meta *m)
{
	ll_thrift_encode_element_struct_begin(e);
	ll_thrift_encode_i64(e, 2, 0);
	ll_thrift_encode_struct_begin(e, 3);
	ll_thrift_encode_i32(e, 1, c->physical);
	/* a dictionary page is PLAIN; the data pages' values, and levels when nullable */
	int values = ll_pqw_chunk_encoding(c, m);
	size_t nenc = 1 + (c->nullable ? 1 : 0) + (m->used_dict ? 1 : 0);
	ll_thrift_encode_list_begin(e, 2, LL_THRIFT_WIRE_I32, nenc);
	if (values != LL_PQW_ENC_DELTA_LENGTH_BYTE_ARRAY)
		ll_thrift_encode_element_i32(e, LL_PQW_ENC_PLAIN);
	if (c->nullable)
		ll_thrift_encode_element_i32(e, LL_PQW_ENC_RLE);
	if (values != LL_PQW_ENC_PLAIN)
		ll_thrift_encode_element_i32(e, values);
	ll_thrift_encode_list_begin(e, 3, LL_THRIFT_WIRE_BINARY, 1);
	ll_thrift_encode_element_string(e, c->name);
	ll_thrift_encode_i32(e, 4, codec_id(w->opt.codec));
	ll_thrift_encode_i64(e, 5, m->num_values);
	ll_thrift_encode_i64(e, 6, m->total_uncompressed);
	ll_thrift_encode_i64(e, 7, m->total_compressed);
	ll_thrift_encode_i64(e, 9, m->data_page_offset);
	if (m->dict_page_offset >= 0)
		ll_thrift_encode_i64(e, 11, m->dict_page_offset);
	encode_statistics(e, c, m);
	ll_thrift_encode_struct_end(e);
	ll_thrift_encode_struct_end(e);
}

static void encode_row_groups(ll_thrift_encoder *e, const ll_parquet_writer *w)
{
	ll_thrift_encode_list_begin(e, 4, LL_THRIFT_WIRE_STRUCT, w->ngroups);
	for (size_t g = 0; g < w->ngroups; g++) {
		const ll_pqw_row_group *rg = &w->groups[g];
		ll_thrift_encode_element_struct_begin(e);
		ll_thrift_encode_list_begin(e, 1, LL_THRIFT_WIRE_STRUCT, w->ncols);
		for (size_t i = 0; i < w->ncols; i++)
			encode_column_chunk(e, w, &w->cols[i], &rg->chunks[i]);
		ll_thrift_encode_i64(e, 2, rg->total_byte_size);
		ll_thrift_encode_i64(e, 3, rg->num_rows);
		ll_thrift_encode_i64(e, 5, rg->file_offset);
		ll_thrift_encode_i64(e, 6, rg->total_compressed);
		ll_thrift_encode_struct_end(e);
	}
}

void ll_pqw_encode_footer(const ll_parquet_writer *w, ll_buf *out)
{
	ll_thrift_encoder e;
	ll_thrift_encoder_init(&e, out);
	ll_thrift_encode_i32(&e, 1, LL_PQW_FORMAT_VERSION);
	encode_schema(&e, w);
	ll_thrift_encode_i64(&e, 3, (int64_t)w->rows);
	encode_row_groups(&e, w);
	ll_thrift_encode_string(&e, 6, w->created_by);
	ll_thrift_encode_list_begin(&e, 7, LL_THRIFT_WIRE_STRUCT, w->ncols);
	for (size_t i = 0; i < w->ncols; i++) {
		ll_thrift_encode_element_struct_begin(&e);
		ll_thrift_encode_empty_struct(&e, 1);
		ll_thrift_encode_struct_end(&e);
	}
	ll_thrift_encode_struct_end(&e);
}
