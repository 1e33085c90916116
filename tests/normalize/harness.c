/*
 * The recording sink and record builder; see harness.h.
 */
#include "harness.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/time.h"
#include "writer_util.h"

static char *render_decimal(const uint8_t be[16], int scale)
{
	__int128 v = 0;
	for (int i = 0; i < 16; i++)
		v = (__int128)(((unsigned __int128)v << 8) | be[i]);
	char out[80];
	decimal_text(v, scale, out);
	return strdup(out);
}

static char *render(const ll_parquet_column_spec *col, const ll_row_value *v)
{
	char buf[64];
	switch (col->type) {
	case LL_TYPE_BIGINT: snprintf(buf, sizeof(buf), "%lld", (long long)v->u.i); break;
	case LL_TYPE_DOUBLE: snprintf(buf, sizeof(buf), "%.17g", v->u.d); break;
	case LL_TYPE_BOOL: snprintf(buf, sizeof(buf), "%s", v->u.b ? "true" : "false"); break;
	case LL_TYPE_TIMESTAMP: ll_time_format_timestamp(v->u.i, 6, 'T', true, buf); break;
	case LL_TYPE_DATE: ll_time_format_date(v->u.i, buf); break;
	case LL_TYPE_DECIMAL: return render_decimal(v->u.dec, col->scale);
	case LL_TYPE_BINARY: {
		char *hex = malloc(v->u.s.len * 2 + 3);
		strcpy(hex, "0x");
		for (size_t i = 0; i < v->u.s.len; i++)
			snprintf(hex + 2 + 2 * i, 3, "%02x", (unsigned char)v->u.s.ptr[i]);
		return hex;
	}
	default: {
		char *s = malloc(v->u.s.len + 1);
		memcpy(s, v->u.s.ptr, v->u.s.len);
		s[v->u.s.len] = '\0';
		return s;
	}
	}
	return strdup(buf);
}

static void add_spec(rec_file *f, const ll_parquet_column_spec *col)
{
	f->cols = realloc(f->cols, (f->ncols + 1) * sizeof(*f->cols));
	f->cols[f->ncols] = *col;
	f->cols[f->ncols].name = strdup(col->name);
	f->ncols++;
}

static ll_status rs_open(void *user, const char *path, const ll_parquet_column_spec *cols, size_t ncols,
			 const ll_parquet_writer_options *opt, void **file, ll_error *err)
{
	(void)err;
	rec_sink *s = user;
	rec_file *f = calloc(1, sizeof(*f));
	f->sink = s;
	f->path = strdup(path);
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	f->table = strndup(base, strcspn(base, "."));
	f->unit = opt->timestamp_unit;
	for (size_t i = 0; i < ncols; i++)
		add_spec(f, &cols[i]);
	s->files = realloc(s->files, (s->nfiles + 1) * sizeof(*s->files));
	s->files[s->nfiles++] = f;
	s->open_files++;
	*file = f;
	return LL_OK;
}

static ll_status rs_add_column(void *file, const ll_parquet_column_spec *col, ll_error *err)
{
	rec_file *f = file;
	if (f->flushed)
		return ll_error_set(err, LL_ECONFLICT, "a row group is out; start a new file");
	add_spec(f, col);
	f->added_columns++;
	return LL_OK;
}

static ll_status rs_write_row(void *file, const ll_row_value *values, size_t n, ll_error *err)
{
	rec_file *f = file;
	f->rows = realloc(f->rows, (f->nrows + 1) * sizeof(*f->rows));
	f->row_width = realloc(f->row_width, (f->nrows + 1) * sizeof(*f->row_width));
	char **row = calloc(f->ncols ? f->ncols : 1, sizeof(char *));
	for (size_t i = 0; i < n; i++) {
		if (values[i].column >= f->ncols || row[values[i].column])
			return ll_error_set(err, LL_EINVAL, "bad or repeated column %zu", values[i].column);
		if (values[i].type != f->cols[values[i].column].type)
			return ll_error_set(err, LL_EINVAL, "value type differs from column %s",
					    f->cols[values[i].column].name);
		row[values[i].column] = render(&f->cols[values[i].column], &values[i]);
		f->buffered += 16 + (values[i].type == LL_TYPE_TEXT ? values[i].u.s.len : 0);
	}
	f->rows[f->nrows] = row;
	f->row_width[f->nrows] = f->ncols;
	f->nrows++;
	if (f->sink->flush_every_rows && f->nrows % f->sink->flush_every_rows == 0) {
		f->flushed = true;
		f->buffered = 0;
	}
	return LL_OK;
}

static size_t rs_buffered(void *file)
{
	return ((rec_file *)file)->buffered;
}

static ll_status rs_flush(void *file, ll_error *err)
{
	(void)err;
	rec_file *f = file;
	f->flushed = true;
	f->flushes++;
	f->buffered = 0;
	return LL_OK;
}

static ll_status rs_close(void *file, uint64_t *rows, uint64_t *bytes, ll_error *err)
{
	(void)err;
	rec_file *f = file;
	*rows = f->nrows;
	*bytes = 100 + f->nrows;
	f->sink->closes++;
	f->sink->open_files--;
	if (f->sink->touch_files) {
		FILE *fp = fopen(f->path, "w");
		if (fp)
			fclose(fp);
	}
	return LL_OK;
}

static void rs_abort(void *file)
{
	rec_file *f = file;
	f->sink->aborts++;
	f->sink->open_files--;
}

ll_row_sink rec_sink_ops(rec_sink *s)
{
	ll_row_sink ops = { s, rs_open, rs_add_column, rs_write_row, rs_buffered, rs_flush, rs_close, rs_abort };
	return ops;
}

void rec_sink_free(rec_sink *s)
{
	for (size_t i = 0; i < s->nfiles; i++) {
		rec_file *f = s->files[i];
		for (size_t r = 0; r < f->nrows; r++) {
			for (size_t c = 0; c < f->row_width[r]; c++)
				free(f->rows[r][c]);
			free(f->rows[r]);
		}
		for (size_t c = 0; c < f->ncols; c++)
			free((char *)f->cols[c].name);
		free(f->cols);
		free(f->rows);
		free(f->row_width);
		free(f->path);
		free(f->table);
		free(f);
	}
	free(s->files);
	memset(s, 0, sizeof(*s));
}

size_t rec_rows(const rec_sink *s, const char *table)
{
	size_t n = 0;
	for (size_t i = 0; i < s->nfiles; i++) {
		if (strcmp(s->files[i]->table, table) == 0)
			n += s->files[i]->nrows;
	}
	return n;
}

size_t rec_files(const rec_sink *s, const char *table)
{
	size_t n = 0;
	for (size_t i = 0; i < s->nfiles; i++)
		n += strcmp(s->files[i]->table, table) == 0;
	return n;
}

const char *rec_cell(const rec_sink *s, const char *table, size_t row, const char *column)
{
	for (size_t i = 0; i < s->nfiles; i++) {
		const rec_file *f = s->files[i];
		if (strcmp(f->table, table) != 0)
			continue;
		if (row >= f->nrows) {
			row -= f->nrows;
			continue;
		}
		for (size_t c = 0; c < f->ncols; c++) {
			if (strcmp(f->cols[c].name, column) == 0)
				return c < f->row_width[row] ? f->rows[row][c] : NULL;
		}
		return "<none>";
	}
	return "<none>";
}

const ll_parquet_column_spec *rec_column(const rec_sink *s, const char *table, const char *column)
{
	for (size_t i = 0; i < s->nfiles; i++) {
		const rec_file *f = s->files[i];
		if (strcmp(f->table, table) != 0)
			continue;
		for (size_t c = 0; c < f->ncols; c++) {
			if (strcmp(f->cols[c].name, column) == 0)
				return &f->cols[c];
		}
		return NULL;
	}
	return NULL;
}

static ll_json_value *convert(json_t *j, ll_arena *a)
{
	ll_json_value *v = ll_arena_alloc(a, sizeof(*v));
	memset(v, 0, sizeof(*v));
	switch (json_typeof(j)) {
	case JSON_NULL: v->kind = LL_JSON_NULL; break;
	case JSON_TRUE: v->kind = LL_JSON_TRUE; break;
	case JSON_FALSE: v->kind = LL_JSON_FALSE; break;
	case JSON_INTEGER:
		v->kind = LL_JSON_INT;
		v->u.i = json_integer_value(j);
		break;
	case JSON_REAL:
		v->kind = LL_JSON_DOUBLE;
		v->u.d = json_real_value(j);
		break;
	case JSON_STRING: {
		const char *s = json_string_value(j);
		size_t len = json_string_length(j);
		bool big = strncmp(s, "#big:", 5) == 0;
		v->kind = big ? LL_JSON_BIGINT : LL_JSON_STRING;
		v->u.s.len = big ? len - 5 : len;
		v->u.s.ptr = ll_arena_strndup(a, big ? s + 5 : s, v->u.s.len);
		break;
	}
	case JSON_ARRAY:
		v->kind = LL_JSON_ARRAY;
		v->u.arr.count = json_array_size(j);
		v->u.arr.items = ll_arena_alloc(a, (v->u.arr.count + 1) * sizeof(ll_json_value *));
		for (size_t i = 0; i < v->u.arr.count; i++)
			v->u.arr.items[i] = convert(json_array_get(j, i), a);
		break;
	case JSON_OBJECT: {
		v->kind = LL_JSON_OBJECT;
		v->u.obj.count = json_object_size(j);
		v->u.obj.members = ll_arena_alloc(a, (v->u.obj.count + 1) * sizeof(ll_json_member));
		const char *key;
		json_t *x;
		size_t i = 0;
		json_object_foreach(j, key, x) {
			v->u.obj.members[i].key = ll_arena_strndup(a, key, strlen(key));
			v->u.obj.members[i].key_len = strlen(key);
			v->u.obj.members[i].value = convert(x, a);
			i++;
		}
		break;
	}
	}
	return v;
}

const ll_json_value *rec_json(ll_arena *arena, const char *text)
{
	json_error_t e;
	json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
	if (!j) {
		fprintf(stderr, "test record is not JSON: %s: %s\n", text, e.text);
		exit(2);
	}
	const ll_json_value *v = convert(j, arena);
	json_decref(j);
	return v;
}

ll_status fx_init(fixture *f, const char *dir)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "%s", dir);
	ll_arena_init(&f->arena, 0);
	f->opt.load_id = "1700000000.123456";
	f->opt.out_dir = f->dir;
	ll_status st = ll_schema_new("test", &f->schema, &f->err);
	return st == LL_OK ? ll_schema_add_table(f->schema, "events", NULL, &f->root, &f->err) : st;
}

ll_status fx_hint(fixture *f, const char *name, ll_data_type type, int precision, int scale)
{
	ll_column c = { .name = (char *)name, .type = type, .precision = precision, .scale = scale,
			.nullable = true, .field_id = -1 };
	return ll_table_add_column(f->root, &c, NULL, &f->err);
}

ll_status fx_open(fixture *f)
{
	ll_row_sink ops = rec_sink_ops(&f->sink);
	ll_error_clear(&f->err);
	return ll_normalizer_open_sink(&f->n, f->schema, "events", &f->opt, &ops, &f->err);
}

ll_status fx_push(fixture *f, const char *json)
{
	ll_arena_reset(&f->arena);
	const ll_json_value *v = rec_json(&f->arena, json);
	ll_error_clear(&f->err);
	f->line++;
	return ll_normalizer_push(f->n, v, "input.ndjson", f->line, 1, &f->err);
}

ll_status fx_finish(fixture *f)
{
	ll_error_clear(&f->err);
	return ll_normalizer_finish(f->n, &f->files, &f->nfiles, &f->err);
}

void fx_free(fixture *f)
{
	ll_normalizer_free(f->n);
	ll_job_files_free(f->files, f->nfiles);
	rec_sink_free(&f->sink);
	ll_schema_free(f->schema);
	ll_arena_free(&f->arena);
}
