/*
 * Routing a file's rows into one file per partition; see partition_split.h.
 */
#include "iceberg/partition_split.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "formats/iceberg/transform.h"
#include "formats/parquet/parquet_writer.h"
#include "iceberg/data_file.h"
#include "iceberg/keyset.h"
#include "util/fs.h"

/* Row groups of a partition's file: small, since every partition buffers one. */
#define PARTITION_ROW_GROUP_BYTES (4u << 20)

typedef struct part_out {
	ll_iceberg_value *values;          /* the partition tuple, bytes in the arena */
	ll_parquet_writer *w;              /* NULL once full: the next row opens another */
	size_t number;                     /* names the file: <name>.<number>.parquet */
	double bytes;                      /* input bytes of the rows written, estimated */
	char local[4096];
} part_out;

typedef struct splitter {
	const ll_partition_split *ps;
	ll_arena *arena;
	ll_parquet_column_spec *cols;      /* the output columns */
	size_t ncols;
	size_t *slot;                      /* per output column: its batch column, SIZE_MAX: null */
	bool own_columns;                  /* the columns are the one input file's */
	size_t *source;                    /* output column of each spec field's source */
	const ll_iceberg_type **source_type;
	const ll_iceberg_type **result_type;
	part_out *outs;
	size_t nouts, outs_cap;
	size_t opened;                     /* files begun */
	ll_keyset index;                   /* encoded tuple -> outs index */
	ll_buf key;
	uint64_t target_bytes;             /* 0: no limit */
	double row_bytes;                  /* input bytes per row of the file being read */
	ll_iceberg_data_file *done;        /* files stored so far */
	size_t ndone, done_cap;
} splitter;

/* The 16-byte big-endian unscaled value of decimal text such as "-12.340". */
static void decimal_from_text(const char *s, size_t len, uint8_t out[16])
{
	unsigned __int128 v = 0;
	bool negative = len && s[0] == '-';
	for (size_t i = negative; i < len; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (negative)
		v = ~v + 1;
	for (int i = 15; i >= 0; i--, v >>= 8)
		out[i] = (uint8_t)v;
}

static ll_iceberg_value iceberg_value(const ll_iceberg_type *t, const ll_value *v, uint8_t dec[16])
{
	ll_iceberg_value out = { .is_null = v->is_null };
	if (v->is_null)
		return out;
	switch (t->kind) {
	case LL_ICEBERG_BOOLEAN: out.b = v->i != 0; break;
	case LL_ICEBERG_FLOAT: out.f = (float)v->d; break;
	case LL_ICEBERG_DOUBLE: out.d = v->d; break;
	case LL_ICEBERG_DECIMAL:
		decimal_from_text(v->s, v->len, dec);
		memcpy(out.decimal, dec, 16);
		break;
	case LL_ICEBERG_STRING:
	case LL_ICEBERG_BINARY:
	case LL_ICEBERG_FIXED:
	case LL_ICEBERG_UUID: out = ll_iceberg_bytes(v->s, v->len); break;
	default: out.i = v->i; break;
	}
	return out;
}

static bool holds_bytes(const ll_iceberg_type *t)
{
	return t->kind == LL_ICEBERG_STRING || t->kind == LL_ICEBERG_BINARY ||
	       t->kind == LL_ICEBERG_FIXED || t->kind == LL_ICEBERG_UUID;
}

/* An unambiguous encoding of a partition value of type t, for grouping rows. */
static void encode_partition_value(const ll_iceberg_type *t, const ll_iceberg_value *v, ll_buf *out)
{
	ll_buf_putc(out, v->is_null ? 'N' : 'V');
	if (v->is_null)
		return;
	if (holds_bytes(t)) {
		uint64_t len = v->bytes.len;
		ll_buf_append(out, &len, sizeof(len));
		ll_buf_append(out, v->bytes.data, v->bytes.len);
	} else if (t->kind == LL_ICEBERG_DECIMAL) {
		ll_buf_append(out, v->decimal, sizeof(v->decimal));
	} else if (t->kind == LL_ICEBERG_BOOLEAN) {
		ll_buf_putc(out, v->b ? '1' : '0');
	} else if (t->kind == LL_ICEBERG_FLOAT || t->kind == LL_ICEBERG_DOUBLE) {
		double d = t->kind == LL_ICEBERG_FLOAT ? v->f : v->d;
		ll_buf_append(out, &d, sizeof(d));
	} else {
		ll_buf_append(out, &v->i, sizeof(v->i));
	}
}

static ll_status alloc_columns(splitter *s, size_t n, ll_error *err)
{
	s->ncols = n;
	s->cols = ll_arena_alloc(s->arena, (n + 1) * sizeof(*s->cols));
	s->slot = ll_arena_alloc(s->arena, (n + 1) * sizeof(*s->slot));
	return s->cols && s->slot ? LL_OK : ll_error_oom(err);
}

/* The output columns are the job file's own, in its order. */
static ll_status columns_from_reader(splitter *s, ll_parquet_reader *r, ll_error *err)
{
	const ll_table *t = s->ps->table;
	ll_status st = alloc_columns(s, ll_parquet_reader_field_count(r), err);
	s->own_columns = true;
	for (size_t i = 0; st == LL_OK && i < s->ncols; i++) {
		const ll_parquet_field *f = ll_parquet_reader_field(r, i);
		long at = ll_table_find_column(t, f->name, strlen(f->name));
		const ll_column *col = at >= 0 ? &t->columns[at] : NULL;
		s->cols[i] = (ll_parquet_column_spec){ .name = f->name, .type = f->type,
						       .precision = f->precision, .scale = f->scale,
						       .nullable = !col || col->nullable,
						       .field_id = f->field_id };
	}
	return st;
}

/* The output columns are the table's. */
static ll_status columns_from_table(splitter *s, ll_error *err)
{
	const ll_table *t = s->ps->table;
	ll_status st = alloc_columns(s, t->ncolumns, err);
	for (size_t i = 0; st == LL_OK && i < s->ncols; i++) {
		const ll_column *c = &t->columns[i];
		s->cols[i] = (ll_parquet_column_spec){ .name = c->name, .type = c->type,
						       .precision = c->precision, .scale = c->scale,
						       .nullable = c->nullable, .field_id = c->field_id };
	}
	return st;
}

/* Finds the output column of each partition field's source. */
static ll_status map_sources(splitter *s, ll_error *err)
{
	const ll_partition_split *ps = s->ps;
	s->source = ll_arena_alloc(s->arena, (ps->spec->nfields + 1) * sizeof(*s->source));
	s->source_type = ll_arena_alloc(s->arena, (ps->spec->nfields + 1) * sizeof(*s->source_type));
	s->result_type = ll_arena_alloc(s->arena, (ps->spec->nfields + 1) * sizeof(*s->result_type));
	if (!s->source || !s->source_type || !s->result_type)
		return ll_error_oom(err);
	for (size_t k = 0; k < ps->spec->nfields; k++) {
		const ll_iceberg_partition_field *pf = &ps->spec->fields[k];
		const ll_iceberg_field *src = ll_iceberg_schema_find_field(ps->schema, pf->source_id);
		s->source[k] = SIZE_MAX;
		for (size_t i = 0; src && i < s->ncols; i++)
			if (s->cols[i].field_id == pf->source_id)
				s->source[k] = i;
		if (!src || s->source[k] == SIZE_MAX)
			return ll_error_set(err, LL_ESCHEMA,
					    "partition field %s of table %s: source column (field id %d) "
					    "is not in the data file", pf->name, ps->table->name,
					    (int)pf->source_id);
		s->source_type[k] = src->type;
		ll_status st = ll_iceberg_transform_result_type(&pf->transform, src->type,
								&s->result_type[k], err);
		if (st != LL_OK)
			return st;
	}
	return LL_OK;
}

/*
 * The reader fields to read (*fields, *nfields) and each output column's
 * place among them: by field id, or the same place for the file the
 * columns came from.
 */
static ll_status map_input(splitter *s, ll_parquet_reader *r, size_t **fields, size_t *nfields,
			   ll_error *err)
{
	*fields = ll_arena_alloc(s->arena, (s->ncols + 1) * sizeof(**fields));
	if (!*fields)
		return ll_error_oom(err);
	*nfields = 0;
	size_t nf = ll_parquet_reader_field_count(r);
	for (size_t c = 0; c < s->ncols; c++) {
		s->slot[c] = SIZE_MAX;
		if (s->own_columns) {
			s->slot[c] = c;
			(*fields)[(*nfields)++] = c;
			continue;
		}
		for (size_t f = 0; f < nf; f++) {
			if (ll_parquet_reader_field(r, f)->field_id == s->cols[c].field_id) {
				s->slot[c] = *nfields;
				(*fields)[(*nfields)++] = f;
				break;
			}
		}
	}
	return LL_OK;
}

/* Begins the next file of partition o. */
static ll_status open_writer(splitter *s, part_out *o, ll_error *err)
{
	o->number = s->opened++;
	o->bytes = 0;
	snprintf(o->local, sizeof(o->local), "%s/%s.%zu.parquet", s->ps->scratch_dir, s->ps->name,
		 o->number);
	ll_parquet_writer_options opt;
	ll_parquet_writer_options_init(&opt);
	opt.timestamp_unit = LL_TS_MICROS;
	opt.row_group_bytes = PARTITION_ROW_GROUP_BYTES;
	opt.disable_background = true;
	return ll_parquet_writer_open(&o->w, o->local, s->cols, s->ncols, &opt, err);
}

static ll_status open_partition(splitter *s, const ll_iceberg_value *values, size_t *index,
				ll_error *err)
{
	if (s->nouts == s->outs_cap) {
		size_t cap = s->outs_cap ? s->outs_cap * 2 : 16;
		part_out *grown = realloc(s->outs, cap * sizeof(*grown));
		if (!grown)
			return ll_error_oom(err);
		s->outs = grown;
		s->outs_cap = cap;
	}
	part_out *o = &s->outs[s->nouts];
	memset(o, 0, sizeof(*o));
	size_t nf = s->ps->spec->nfields;
	o->values = ll_arena_alloc(s->arena, (nf + 1) * sizeof(*o->values));
	if (!o->values)
		return ll_error_oom(err);
	for (size_t k = 0; k < nf; k++) {
		o->values[k] = values[k];
		if (!values[k].is_null && holds_bytes(s->result_type[k])) {
			uint8_t *copy = ll_arena_alloc(s->arena, values[k].bytes.len + 1);
			if (!copy)
				return ll_error_oom(err);
			memcpy(copy, values[k].bytes.data, values[k].bytes.len);
			o->values[k].bytes.data = copy;
		}
	}
	ll_status st = open_writer(s, o, err);
	if (st == LL_OK)
		*index = s->nouts++;
	return st;
}

static void put_value(ll_parquet_writer *w, size_t col, ll_data_type type, const ll_value *v)
{
	uint8_t dec[16];
	if (v->is_null) {
		ll_parquet_writer_put_null(w, col);
		return;
	}
	switch (type) {
	case LL_TYPE_BIGINT:
	case LL_TYPE_TIMESTAMP:
	case LL_TYPE_TIME: ll_parquet_writer_put_int64(w, col, v->i); break;
	case LL_TYPE_DATE: ll_parquet_writer_put_int32(w, col, (int32_t)v->i); break;
	case LL_TYPE_DOUBLE: ll_parquet_writer_put_double(w, col, v->d); break;
	case LL_TYPE_BOOL: ll_parquet_writer_put_bool(w, col, v->i != 0); break;
	case LL_TYPE_DECIMAL:
		decimal_from_text(v->s, v->len, dec);
		ll_parquet_writer_put_decimal(w, col, dec);
		break;
	default: ll_parquet_writer_put_bytes(w, col, v->s, v->len); break;
	}
}

/* Closes a partition's file, describes it and stores it under its partition path. */
static ll_status store_partition(splitter *s, part_out *o, ll_error *err)
{
	const ll_partition_split *ps = s->ps;
	if (s->ndone == s->done_cap) {
		size_t cap = s->done_cap ? s->done_cap * 2 : 16;
		ll_iceberg_data_file *grown = realloc(s->done, cap * sizeof(*grown));
		if (!grown)
			return ll_error_oom(err);
		s->done = grown;
		s->done_cap = cap;
	}
	ll_iceberg_data_file *out = &s->done[s->ndone];
	ll_parquet_file_info info;
	ll_parquet_writer *w = o->w;
	o->w = NULL;
	ll_status st = ll_parquet_writer_close(w, &info, err);
	ll_buf loc = LL_BUF_INIT;
	ll_buf_printf(&loc, "%s/data", ps->location);
	if (ps->spec->nfields > 0)
		ll_buf_putc(&loc, '/');
	if (st == LL_OK)
		st = ll_iceberg_partition_path(ps->spec, ps->schema, o->values, &loc, err);
	ll_buf_printf(&loc, "/%s.%zu.parquet", ps->name, o->number);
	ll_parquet_reader *r = NULL;
	if (st == LL_OK)
		st = ll_parquet_reader_open(&r, o->local, err);
	if (st == LL_OK)
		st = ll_iceberg_describe_parquet(r, ll_buf_cstr(&loc), info.file_size, ps->schema,
						 s->arena, out, err);
	ll_parquet_reader_free(r);
	out->partition = o->values;
	out->npartition = ps->spec->nfields;
	if (st == LL_OK)
		st = ll_storage_put_file(ps->storage, ll_buf_cstr(&loc), o->local, true, err);
	ll_buf_free(&loc);
	s->ndone += st == LL_OK;
	return st;
}

/* Routes one row (row[c]: the value of output column c) to its partition's writer. */
static ll_status route_row(splitter *s, const ll_value *const *row, ll_error *err)
{
	const ll_iceberg_partition_spec *spec = s->ps->spec;
	ll_iceberg_value tuple[64];
	uint8_t dec[64][16];
	ll_buf_clear(&s->key);
	ll_buf_putc(&s->key, 'T'); /* an unpartitioned table's one tuple is not an empty key */
	for (size_t k = 0; k < spec->nfields; k++) {
		ll_iceberg_value in = iceberg_value(s->source_type[k], row[s->source[k]], dec[k]);
		ll_status st = ll_iceberg_transform_apply(&spec->fields[k].transform, s->source_type[k],
							  &in, &tuple[k], err);
		if (st != LL_OK)
			return st;
		encode_partition_value(s->result_type[k], &tuple[k], &s->key);
	}
	if (ll_buf_oom(&s->key))
		return ll_error_oom(err);
	ll_keyset_slot *slot;
	bool added;
	if (!ll_keyset_put(&s->index, s->key.data, s->key.len, s->nouts, &slot, &added))
		return ll_error_oom(err);
	size_t index = (size_t)slot->value;
	ll_status st = added ? open_partition(s, tuple, &index, err)
		       : !s->outs[index].w ? open_writer(s, &s->outs[index], err) : LL_OK;
	if (st != LL_OK)
		return st;
	part_out *o = &s->outs[index];
	for (size_t c = 0; c < s->ncols; c++)
		put_value(o->w, c, s->cols[c].type, row[c]);
	st = ll_parquet_writer_end_row(o->w, err);
	o->bytes += s->row_bytes;
	if (st == LL_OK && s->target_bytes && o->bytes >= (double)s->target_bytes)
		st = store_partition(s, o, err);
	return st;
}

/* Routes every row of the file r reads but the (sorted) deleted positions. */
static ll_status split_rows(splitter *s, ll_parquet_reader *r, const uint64_t *deleted,
			    size_t ndeleted, ll_error *err)
{
	size_t *fields = NULL, nfields = 0;
	ll_status st = map_input(s, r, &fields, &nfields, err);
	static const ll_value null_value = { .is_null = true };
	const ll_value **row = st == LL_OK ? ll_arena_alloc(s->arena, (s->ncols + 1) * sizeof(*row)) : NULL;
	if (st == LL_OK && !row)
		st = ll_error_oom(err);
	ll_parquet_cursor *cur = NULL;
	if (st == LL_OK)
		st = ll_parquet_cursor_open(r, fields, nfields, NULL, &cur, err);
	uint64_t pos = 0;
	size_t next_deleted = 0;
	while (st == LL_OK) {
		const ll_parquet_batch *b;
		st = ll_parquet_cursor_next(cur, 4096, &b, err);
		if (st != LL_OK || b->rows == 0)
			break;
		for (size_t i = 0; i < b->rows && st == LL_OK; i++, pos++) {
			while (next_deleted < ndeleted && deleted[next_deleted] < pos)
				next_deleted++;
			if (next_deleted < ndeleted && deleted[next_deleted] == pos)
				continue;
			for (size_t c = 0; c < s->ncols; c++)
				row[c] = s->slot[c] == SIZE_MAX ? &null_value : &b->columns[s->slot[c]][i];
			st = route_row(s, row, err);
		}
	}
	ll_parquet_cursor_free(cur);
	return st;
}

static ll_status splitter_begin(splitter *s, ll_error *err)
{
	ll_keyset_init(&s->index);
	if (s->ps->spec->nfields > 64)
		return ll_error_set(err, LL_EUNSUPPORTED, "table %s has %zu partition fields; at most 64",
				    s->ps->table->name, s->ps->spec->nfields);
	return ll_fs_mkdirs(s->ps->scratch_dir, err);
}

/* Stores the files still open and hands every stored file over. */
static ll_status splitter_end(splitter *s, ll_status st, ll_iceberg_data_file **files, size_t *n,
			      ll_error *err)
{
	for (size_t i = 0; i < s->nouts; i++) {
		if (st == LL_OK && s->outs[i].w)
			st = store_partition(s, &s->outs[i], err);
		if (s->outs[i].w)
			ll_parquet_writer_abort(s->outs[i].w);
	}
	ll_iceberg_data_file *out = st == LL_OK ? ll_arena_alloc(s->arena, (s->ndone + 1) * sizeof(*out)) : NULL;
	if (st == LL_OK && !out)
		st = ll_error_oom(err);
	if (st == LL_OK) {
		if (s->ndone)
			memcpy(out, s->done, s->ndone * sizeof(*out));
		*files = out;
		*n = s->ndone;
	}
	ll_keyset_free(&s->index);
	ll_buf_free(&s->key);
	free(s->outs);
	free(s->done);
	return st;
}

ll_status ll_partition_split_file(const ll_partition_split *ps, const char *path, ll_arena *arena,
				  ll_iceberg_data_file **files, size_t *n, ll_error *err)
{
	*files = NULL;
	*n = 0;
	splitter s = { .ps = ps, .arena = arena };
	ll_parquet_reader *r = NULL;
	ll_status st = splitter_begin(&s, err);
	if (st == LL_OK)
		st = ll_parquet_reader_open(&r, path, err);
	if (st == LL_OK)
		st = columns_from_reader(&s, r, err);
	if (st == LL_OK)
		st = map_sources(&s, err);
	if (st == LL_OK)
		st = split_rows(&s, r, NULL, 0, err);
	ll_parquet_reader_free(r);
	return splitter_end(&s, st, files, n, err);
}

/* Routes the live rows of one input file. */
static ll_status split_input(splitter *s, const ll_partition_input *in, ll_error *err)
{
	ll_parquet_source src;
	ll_parquet_reader *r = NULL;
	ll_status st = ll_storage_open_source(s->ps->storage, in->location, &src, err);
	if (st == LL_OK)
		st = ll_parquet_reader_open_source(&r, src, in->location, err);
	s->row_bytes = in->record_count > 0 ? (double)in->file_size / (double)in->record_count : 0;
	if (st == LL_OK)
		st = split_rows(s, r, in->deleted, in->ndeleted, err);
	ll_parquet_reader_free(r);
	return st;
}

ll_status ll_partition_split_rewrite(const ll_partition_split *ps, const ll_partition_input *in,
				     size_t n, uint64_t target_bytes, ll_arena *arena,
				     ll_iceberg_data_file **files, size_t *nfiles, ll_error *err)
{
	*files = NULL;
	*nfiles = 0;
	splitter s = { .ps = ps, .arena = arena, .target_bytes = target_bytes };
	ll_status st = splitter_begin(&s, err);
	if (st == LL_OK)
		st = columns_from_table(&s, err);
	if (st == LL_OK)
		st = map_sources(&s, err);
	for (size_t i = 0; i < n && st == LL_OK; i++)
		st = split_input(&s, &in[i], err);
	return splitter_end(&s, st, files, nfiles, err);
}
