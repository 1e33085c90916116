/*
 * Helpers for the Parquet reader tests; see reader_util.h.
 */
#include "reader_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "interop.h"
#include "util/buf.h"
#include "util/time.h"

extern int ll_test_failures;

static json_t *int_json(int64_t v)
{
	const int64_t limit = (int64_t)1 << 53;
	if (v >= -limit && v <= limit)
		return json_integer(v);
	char buf[32];
	snprintf(buf, sizeof(buf), "%lld", (long long)v);
	return json_string(buf);
}

static json_t *double_json(double d)
{
	if (isnan(d))
		return json_string("NaN");
	if (isinf(d))
		return json_string(d < 0 ? "-Infinity" : "Infinity");
	return json_real(d);
}

static json_t *hex_json(const char *s, size_t len)
{
	static const char hex[] = "0123456789ABCDEF";
	char *buf = malloc(2 * len + 1);
	for (size_t i = 0; i < len; i++) {
		buf[2 * i] = hex[(unsigned char)s[i] >> 4];
		buf[2 * i + 1] = hex[(unsigned char)s[i] & 15];
	}
	buf[2 * len] = '\0';
	json_t *j = json_string(buf);
	free(buf);
	return j;
}

static json_t *time_json(int64_t micros)
{
	char buf[48];
	snprintf(buf, sizeof(buf), "%02lld:%02lld:%02lld.%06lld", (long long)(micros / 3600000000LL),
		 (long long)(micros / 60000000 % 60), (long long)(micros / 1000000 % 60),
		 (long long)(micros % 1000000));
	return json_string(buf);
}

json_t *test_value_json(const ll_parquet_field *f, const ll_value *v)
{
	char buf[48];
	if (v->is_null)
		return json_null();
	if (f->nested) {
		json_error_t jerr;
		json_t *j = json_loadb(v->s, v->len, JSON_DECODE_ANY, &jerr);
		if (!j) {
			fprintf(stderr, "field %s: not JSON (%s): %.*s\n", f->name, jerr.text, (int)v->len, v->s);
			return json_string("<bad json>");
		}
		return j;
	}
	switch (f->type) {
	case LL_TYPE_BIGINT: return int_json(v->i);
	case LL_TYPE_BOOL: return json_boolean(v->i);
	case LL_TYPE_DOUBLE: return double_json(v->d);
	case LL_TYPE_BINARY: return hex_json(v->s, v->len);
	case LL_TYPE_DATE:
		ll_time_format_date(v->i, buf);
		return json_string(buf);
	case LL_TYPE_TIMESTAMP:
		ll_time_format_timestamp(v->i, f->unit == LL_TS_MILLIS ? 3 : 6, 'T', true, buf);
		return json_string(buf);
	case LL_TYPE_TIME: return time_json(v->i);
	default: return json_stringn(v->s, v->len);
	}
}

json_t *test_read_rows(ll_parquet_reader *r, size_t batch_rows, ll_error *err)
{
	size_t nf = ll_parquet_reader_field_count(r);
	size_t *fields = malloc((nf + 1) * sizeof(*fields));
	for (size_t k = 0; k < nf; k++)
		fields[k] = k;
	ll_parquet_cursor *c = NULL;
	ll_status st = ll_parquet_cursor_open(r, fields, nf, NULL, &c, err);
	free(fields);
	if (st != LL_OK)
		return NULL;
	json_t *rows = json_array();
	for (;;) {
		const ll_parquet_batch *b;
		if (ll_parquet_cursor_next(c, batch_rows, &b, err) != LL_OK) {
			json_decref(rows);
			rows = NULL;
			break;
		}
		if (b->rows == 0)
			break;
		for (size_t i = 0; i < b->rows; i++) {
			json_t *row = json_object();
			for (size_t k = 0; k < nf; k++) {
				const ll_parquet_field *f = ll_parquet_reader_field(r, k);
				json_object_set_new(row, f->name, test_value_json(f, &b->columns[k][i]));
			}
			json_array_append_new(rows, row);
		}
	}
	ll_parquet_cursor_free(c);
	return rows;
}

json_t *test_read_file(const char *path, size_t batch_rows)
{
	ll_error err;
	ll_parquet_reader *r = NULL;
	ll_error_clear(&err);
	json_t *rows = NULL;
	if (ll_parquet_reader_open(&r, path, &err) == LL_OK)
		rows = test_read_rows(r, batch_rows, &err);
	ll_parquet_reader_free(r);
	if (!rows) {
		char m[2048];
		fprintf(stderr, "reading %s failed: %s\n", path, ll_error_format(&err, m, sizeof(m)));
		ll_test_failures++;
	}
	return rows;
}

void test_check_rows(const char *what, const json_t *got, const json_t *expected)
{
	if (!got || !expected) {
		fprintf(stderr, "%s: no rows to compare\n", what);
		ll_test_failures++;
		return;
	}
	size_t n = json_array_size(got), m = json_array_size(expected), shown = 0;
	if (n != m) {
		fprintf(stderr, "%s: %zu rows, expected %zu\n", what, n, m);
		ll_test_failures++;
	}
	for (size_t i = 0; i < n && i < m; i++) {
		const json_t *a = json_array_get(got, i), *b = json_array_get(expected, i);
		if (interop_same(a, b))
			continue;
		ll_test_failures++;
		if (shown++ < 3) {
			char *x = json_dumps(a, JSON_COMPACT | JSON_PRESERVE_ORDER);
			char *y = json_dumps(b, JSON_COMPACT | JSON_PRESERVE_ORDER);
			fprintf(stderr, "%s: row %zu differs\n  got      %.800s\n  expected %.800s\n", what, i,
				x, y);
			free(x);
			free(y);
		}
	}
}

/* ---- memory source ---- */

typedef struct mem_ctx {
	uint8_t *data;
	size_t len;
} mem_ctx;

static ll_status mem_read_at(void *ctx, uint64_t offset, void *buf, size_t len, ll_error *err)
{
	mem_ctx *m = ctx;
	if (offset > m->len || len > m->len - offset)
		return ll_error_set(err, LL_EIO, "read past the end of the buffer");
	memcpy(buf, m->data + offset, len);
	return LL_OK;
}

static void mem_close(void *ctx)
{
	mem_ctx *m = ctx;
	free(m->data);
	free(m);
}

ll_parquet_source test_memory_source(const void *data, size_t len)
{
	mem_ctx *m = malloc(sizeof(*m));
	m->data = malloc(len ? len : 1);
	memcpy(m->data, data, len);
	m->len = len;
	ll_parquet_source s = { m, len, mem_read_at, mem_close };
	return s;
}

ll_status test_read_everything(const void *data, size_t len, ll_error *err)
{
	ll_parquet_reader *r = NULL;
	ll_status st = ll_parquet_reader_open_source(&r, test_memory_source(data, len), "mem.parquet", err);
	if (st != LL_OK)
		return st;
	size_t nf = ll_parquet_reader_field_count(r);
	size_t *fields = malloc((nf + 1) * sizeof(*fields));
	for (size_t k = 0; k < nf; k++)
		fields[k] = k;
	ll_parquet_cursor *c = NULL;
	st = ll_parquet_cursor_open(r, fields, nf, NULL, &c, err);
	free(fields);
	/* statistics are part of what a corrupt footer may affect */
	for (size_t g = 0; g < ll_parquet_reader_row_group_count(r); g++) {
		for (size_t k = 0; k < nf; k++) {
			ll_value lo, hi;
			uint64_t nulls;
			ll_parquet_reader_stats(r, g, k, &lo, &hi, &nulls);
		}
	}
	while (st == LL_OK) {
		const ll_parquet_batch *b;
		st = ll_parquet_cursor_next(c, 100, &b, err);
		if (st != LL_OK || b->rows == 0)
			break;
		for (size_t k = 0; k < b->ncolumns; k++) {
			for (size_t i = 0; i < b->rows; i++) {
				const ll_value *v = &b->columns[k][i];
				/* touch every byte, so a bad pointer shows under the sanitizers */
				volatile char sink = 0;
				for (size_t j = 0; !v->is_null && v->s && j < v->len; j++)
					sink ^= v->s[j];
				(void)sink;
			}
		}
	}
	ll_parquet_cursor_free(c);
	ll_parquet_reader_free(r);
	return st;
}

bool test_load_file(const char *path, uint8_t **data, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		ll_test_failures++;
		return false;
	}
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	*data = malloc(n > 0 ? (size_t)n : 1);
	*len = fread(*data, 1, (size_t)n, f);
	fclose(f);
	return true;
}

bool test_run(const char *cmd)
{
	int rc = system(cmd);
	if (rc != 0) {
		fprintf(stderr, "`%s` failed (%d)\n", cmd, rc);
		ll_test_failures++;
		return false;
	}
	return true;
}

/* ---- DELTA_BINARY_PACKED ---- */

static void put_uleb(ll_buf *b, uint64_t v)
{
	do {
		uint8_t c = (uint8_t)(v & 0x7f);
		v >>= 7;
		ll_buf_putc(b, (char)(v ? c | 0x80 : c));
	} while (v);
}

static void put_zigzag(ll_buf *b, int64_t v)
{
	put_uleb(b, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63));
}

/*
 * Encodes values as DELTA_BINARY_PACKED (blocks of 128 in 4 miniblocks), as
 * the specification describes; 32-bit streams wrap at 32 bits.
 */
void test_delta_encode(const int64_t *v, size_t n, bool is32, ll_buf *out)
{
	put_uleb(out, 128);
	put_uleb(out, 4);
	put_uleb(out, n);
	put_zigzag(out, n ? v[0] : 0);
	for (size_t start = 1; start < n; start += 128) {
		size_t count = n - start < 128 ? n - start : 128;
		uint64_t deltas[128];
		int64_t min = INT64_MAX;
		for (size_t i = 0; i < count; i++) {
			uint64_t d = (uint64_t)v[start + i] - (uint64_t)v[start + i - 1];
			int64_t s = is32 ? (int64_t)(int32_t)(uint32_t)d : (int64_t)d;
			deltas[i] = (uint64_t)s;
			min = s < min ? s : min;
		}
		put_zigzag(out, min);
		int width[4] = { 0, 0, 0, 0 };
		for (size_t i = 0; i < count; i++) {
			deltas[i] -= (uint64_t)min;
			if (is32)
				deltas[i] &= 0xffffffffu;
			int w = 0;
			for (uint64_t x = deltas[i]; x; x >>= 1)
				w++;
			if (w > width[i / 32])
				width[i / 32] = w;
		}
		for (int m = 0; m < 4; m++)
			ll_buf_putc(out, (char)width[m]);
		for (size_t m = 0; m * 32 < count; m++) {
			uint8_t body[32 * 8];
			memset(body, 0, sizeof(body));
			for (size_t i = 0; i < 32 && m * 32 + i < count; i++) {
				for (int bit = 0; bit < width[m]; bit++) {
					size_t at = i * (size_t)width[m] + (size_t)bit;
					if ((deltas[m * 32 + i] >> bit) & 1)
						body[at / 8] |= (uint8_t)(1u << (at % 8));
				}
			}
			ll_buf_append(out, body, 4 * (size_t)width[m]);
		}
	}
}
