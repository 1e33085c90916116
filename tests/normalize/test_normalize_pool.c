/*
 * The normalize pool gives the result of one normalizer whatever the thread
 * count and piece size: the same schema (tables, columns in order, types,
 * variants, Iceberg field ids) and the same rows with the same `_dlt_id`s,
 * compared value by value as the writer receives them. The input is built so
 * that pieces disagree when taken alone: keys first seen in late pieces, a
 * key whose type changes between pieces (variant columns), a child table
 * only late records have, nulls, multi-line records, blank lines and a BOM.
 * Errors are those one normalizer meets first, at the same line and column.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "harness.h"
#include "normalize/pool.h"
#include "test.h"

#define MAX_SINKS 16

typedef struct run_result {
	ll_schema *schema;
	rec_sink sinks[MAX_SINKS];
	size_t nsinks;
	ll_status st;
	ll_error err;
	uint64_t records;
	char dir[512];
} run_result;

typedef struct opener {
	run_result *r;
	ll_normalize_options opt;
} opener;

static ll_status open_normalizer(void *user, ll_schema *schema, uint32_t salt, ll_normalizer **out,
				 ll_error *err)
{
	opener *o = user;
	CHECK(salt < MAX_SINKS);
	ll_row_sink ops = rec_sink_ops(&o->r->sinks[salt]);
	ll_normalize_options opt = o->opt;
	opt.file_salt = salt;
	if (salt + 1 > o->r->nsinks)
		o->r->nsinks = salt + 1;
	return ll_normalizer_open_sink(out, schema, "events", &opt, &ops, err);
}

/* A column the root table has before the input (as from an earlier load); NULL: none. */
static const char *existing_column;

/* Normalizes input through a pool of threads taking pieces of piece bytes. */
static void run_pool(run_result *r, const char *tag, const void *input, size_t len,
		     unsigned threads, size_t piece, bool iceberg)
{
	memset(r, 0, sizeof(*r));
	ll_test_tmpdir(tag, r->dir, sizeof(r->dir));
	CHECK_OK(ll_schema_new("test", &r->schema, &r->err), &r->err);
	ll_table *root = NULL;
	CHECK_OK(ll_schema_add_table(r->schema, "events", NULL, &root, &r->err), &r->err);
	root->table_format = iceberg ? LL_FORMAT_ICEBERG : LL_FORMAT_HIVE;
	if (existing_column) {
		ll_column col = { .name = (char *)existing_column, .type = LL_TYPE_BIGINT, .nullable = true,
				  .field_id = -1 };
		CHECK_OK(ll_table_add_column(root, &col, NULL, &r->err), &r->err);
	}
	opener o = { .r = r, .opt = { .load_id = "1700000000.123456", .out_dir = r->dir } };
	ll_normalizer *first = NULL;
	CHECK_OK(open_normalizer(&o, r->schema, 0, &first, &r->err), &r->err);
	ll_normalize_pool_options popt = { .threads = threads, .piece_bytes = piece,
					   .open = open_normalizer, .open_user = &o };
	ll_normalize_pool *pool = NULL;
	CHECK_OK(ll_normalize_pool_open(&pool, first, &popt, &r->err), &r->err);
	ll_input *in = NULL;
	CHECK_OK(ll_input_open_memory(&in, input, len, "events.ndjson", &r->err), &r->err);
	bool done = false;
	ll_error_clear(&r->err);
	r->st = ll_normalize_pool_push(pool, in, true, &r->records, &done, &r->err);
	CHECK(done);
	ll_job_file *files = NULL;
	size_t nfiles = 0;
	if (r->st == LL_OK) {
		CHECK_OK(ll_normalize_pool_finish(pool, &files, &nfiles, &r->err), &r->err);
	}
	ll_job_files_free(files, nfiles);
	ll_input_free(in);
	ll_normalize_pool_free(pool);
	ll_normalizer_free(first);
}

static void run_free(run_result *r)
{
	for (size_t i = 0; i < r->nsinks; i++)
		rec_sink_free(&r->sinks[i]);
	ll_schema_free(r->schema);
}

static int compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_id_column(const char *name)
{
	return strcmp(name, "_dlt_id") == 0 || strcmp(name, "_dlt_parent_id") == 0 ||
	       strcmp(name, "_dlt_root_id") == 0;
}

/* Every row of every file as "table|col=value|...", columns by name, sorted; ids: with the id columns. */
static char **all_rows(const run_result *r, bool ids, size_t *n)
{
	size_t cap = 64;
	char **rows = malloc(cap * sizeof(*rows));
	*n = 0;
	for (size_t s = 0; s < r->nsinks; s++) {
		for (size_t f = 0; f < r->sinks[s].nfiles; f++) {
			const rec_file *file = r->sinks[s].files[f];
			for (size_t row = 0; row < file->nrows; row++) {
				char *cells[4096];
				size_t nc = 0;
				for (size_t c = 0; c < file->row_width[row] && nc < 4096; c++) {
					if (!file->rows[row][c] || (!ids && is_id_column(file->cols[c].name)))
						continue; /* null: absent, as in a file without the column */
					size_t len = strlen(file->cols[c].name) + strlen(file->rows[row][c]) + 2;
					cells[nc] = malloc(len);
					snprintf(cells[nc++], len, "%s=%s", file->cols[c].name, file->rows[row][c]);
				}
				qsort(cells, nc, sizeof(*cells), compare_strings);
				ll_buf line = LL_BUF_INIT;
				ll_buf_puts(&line, file->table);
				for (size_t c = 0; c < nc; c++) {
					ll_buf_putc(&line, '|');
					ll_buf_puts(&line, cells[c]);
					free(cells[c]);
				}
				if (*n == cap)
					rows = realloc(rows, (cap *= 2) * sizeof(*rows));
				rows[(*n)++] = ll_buf_detach(&line);
			}
		}
	}
	qsort(rows, *n, sizeof(*rows), compare_strings);
	return rows;
}

static void free_rows(char **rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rows[i]);
	free(rows);
}

/* Same schema JSON, same rows, same record count. */
static void check_same(const run_result *a, const run_result *b)
{
	CHECK_INT(a->st, LL_OK);
	CHECK_INT(b->st, LL_OK);
	CHECK_INT((long long)a->records, (long long)b->records);
	ll_buf sa = LL_BUF_INIT, sb = LL_BUF_INIT;
	ll_schema_to_json(a->schema, &sa);
	ll_schema_to_json(b->schema, &sb);
	CHECK_STR(ll_buf_cstr(&sa), ll_buf_cstr(&sb));
	ll_buf_free(&sa);
	ll_buf_free(&sb);
	size_t na, nb;
	char **ra = all_rows(a, true, &na), **rb = all_rows(b, true, &nb);
	CHECK_INT((long long)na, (long long)nb);
	size_t differ = 0;
	for (size_t i = 0; i < na && i < nb; i++) {
		if (strcmp(ra[i], rb[i]) != 0 && differ++ < 3)
			fprintf(stderr, "row %zu differs:\n  %s\n  %s\n", i, ra[i], rb[i]);
	}
	CHECK_INT((long long)differ, 0);
	free_rows(ra, na);
	free_rows(rb, nb);
}

/* Records whose keys and types change along the input (see the file's comment). */
static char *make_input(size_t records, size_t *len)
{
	ll_buf b = LL_BUF_INIT;
	ll_buf_puts(&b, "\xEF\xBB\xBF");
	for (size_t i = 0; i < records; i++) {
		ll_buf_printf(&b, "{\"id\": %zu, \"name\": \"n%zu\"", i, i);
		if (i % 3 == 0)
			ll_buf_printf(&b, ", \"tags\": [\"a%zu\", \"b\"]", i);
		if (i % 5 == 0)
			ll_buf_printf(&b, ", \"meta\": {\"k\": %zu, \"deep\": {\"x\": null}}", i % 7);
		/* an integer at first, then text in some records: a variant column */
		if (i % 11 == 0)
			ll_buf_printf(&b, i > records / 2 && i % 2 ? ", \"amount\": \"x%zu\"" : ", \"amount\": %zu",
				      i);
		/* first seen only past the middle, as text, later as numbers too */
		if (i > records * 2 / 3 && i % 4 == 0)
			ll_buf_printf(&b, i % 8 ? ", \"late\": \"L%zu\"" : ", \"late\": %zu.5", i);
		if (i > records * 3 / 4 && i % 6 == 0)
			ll_buf_printf(&b, ", \"orders\": [{\"sku\": \"s%zu\", \"lines\": [[1, 2], []]}, {}]", i);
		if (i % 13 == 0)
			ll_buf_puts(&b, ", \"nothing\": null");
		/* some records span lines, some lines are blank */
		ll_buf_puts(&b, i % 17 == 0 ? "\n}\n\n" : "}\n");
	}
	*len = b.len;
	return ll_buf_detach(&b);
}

static void test_same_result_for_every_thread_count(void)
{
	size_t len;
	char *input = make_input(3000, &len);
	run_result one;
	run_pool(&one, "pool_one", input, len, 1, (size_t)1 << 30, false);
	/* what the input is made to bring: a late child table tree and a variant column */
	const ll_table *events = ll_schema_find_table(one.schema, "events");
	CHECK(events && ll_table_find_column(events, "amount__v_text", strlen("amount__v_text")) >= 0);
	CHECK(ll_schema_find_table(one.schema, "events__orders__lines__list") != NULL);
	CHECK_INT((long long)one.records, 3000);
	static const struct { unsigned threads; size_t piece; } cases[] = {
		{ 1, 512 }, { 2, 4096 }, { 3, 700 }, { 8, 257 }, { 4, 1 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		run_result many;
		run_pool(&many, "pool_many", input, len, cases[i].threads, cases[i].piece, false);
		check_same(&one, &many);
		run_free(&many);
	}
	run_free(&one);
	free(input);
}

static void test_iceberg_field_ids_match(void)
{
	size_t len;
	char *input = make_input(2000, &len);
	run_result one, many;
	run_pool(&one, "pool_ice_one", input, len, 1, (size_t)1 << 30, true);
	run_pool(&many, "pool_ice_many", input, len, 6, 333, true);
	check_same(&one, &many);
	/* every column of every table has its id */
	for (size_t t = 0; t < many.schema->ntables; t++) {
		for (size_t c = 0; c < many.schema->tables[t]->ncolumns; c++)
			CHECK(many.schema->tables[t]->columns[c].field_id > 0);
	}
	run_free(&one);
	run_free(&many);
	free(input);
}

/* The rows of one normalizer reading the whole input, ids aside (they derive from counters there). */
static void test_rows_match_one_normalizer(void)
{
	size_t len;
	char *input = make_input(1500, &len);
	run_result many;
	run_pool(&many, "pool_vs_single", input, len, 4, 600, false);
	fixture f;
	char dir[512];
	ll_test_tmpdir("pool_single", dir, sizeof(dir));
	CHECK_OK(fx_init(&f, dir), &f.err);
	CHECK_OK(fx_open(&f), &f.err);
	ll_input *in = NULL;
	ll_json_reader *reader = NULL;
	CHECK_OK(ll_input_open_memory(&in, input, len, "events.ndjson", &f.err), &f.err);
	CHECK_OK(ll_json_reader_open(&reader, in, &f.err), &f.err);
	for (;;) {
		const ll_json_value *rec = NULL;
		ll_arena_reset(&f.arena);
		CHECK_OK(ll_json_reader_next(reader, &f.arena, &rec, &f.err), &f.err);
		if (!rec)
			break;
		CHECK_OK(ll_normalizer_push(f.n, rec, "events.ndjson", 0, 0, &f.err), &f.err);
	}
	CHECK_OK(fx_finish(&f), &f.err);
	ll_buf sa = LL_BUF_INIT, sb = LL_BUF_INIT;
	ll_schema_to_json(f.schema, &sa);
	ll_schema_to_json(many.schema, &sb);
	CHECK_STR(ll_buf_cstr(&sa), ll_buf_cstr(&sb));
	/* rows without their link ids: the same multiset */
	run_result single = { .nsinks = 1 };
	single.sinks[0] = f.sink;
	size_t na, nb;
	char **ra = all_rows(&single, false, &na), **rb = all_rows(&many, false, &nb);
	CHECK_INT((long long)na, (long long)nb);
	size_t differ = 0;
	for (size_t i = 0; i < na && i < nb; i++)
		differ += strcmp(ra[i], rb[i]) != 0;
	CHECK_INT((long long)differ, 0);
	ll_buf_free(&sa);
	ll_buf_free(&sb);
	free_rows(ra, na);
	free_rows(rb, nb);
	ll_json_reader_free(reader);
	ll_input_free(in);
	fx_free(&f);
	run_free(&many);
	free(input);
}

/* Errors: the first one in the input, where one normalizer meets it. */
static void check_same_error(const char *input, const char *tag, ll_status want)
{
	run_result one, many;
	run_pool(&one, tag, input, strlen(input), 1, (size_t)1 << 30, false);
	run_pool(&many, tag, input, strlen(input), 4, 40, false);
	CHECK_INT(one.st, want);
	CHECK_INT(many.st, want);
	CHECK(one.err.line > 90);
	CHECK_STR(many.err.table, one.err.table);
	CHECK_STR(many.err.column_name, one.err.column_name);
	CHECK_STR(many.err.message, one.err.message);
	CHECK_INT((long long)many.err.line, (long long)one.err.line);
	CHECK_INT((long long)many.err.column, (long long)one.err.column);
	CHECK_STR(many.err.file, "events.ndjson");
	run_free(&one);
	run_free(&many);
}

static void test_errors_are_the_first_in_input_order(void)
{
	/* two spellings of one column, far apart: the later record fails */
	ll_buf b = LL_BUF_INIT;
	for (int i = 0; i < 200; i++)
		ll_buf_printf(&b, "{\"id\": %d, \"%s\": %d}\n", i, i < 150 ? "userName" : "user_name", i);
	check_same_error(ll_buf_cstr(&b), "pool_collision", LL_ESCHEMA);
	/* a list and a child table of the same name */
	ll_buf_clear(&b);
	for (int i = 0; i < 200; i++)
		ll_buf_printf(&b, "{\"id\": %d, \"%s\": [1]}\n", i, i < 120 ? "Items" : "items");
	check_same_error(ll_buf_cstr(&b), "pool_child_collision", LL_ESCHEMA);
	/* bad JSON late, a collision after it: the bad JSON is reported */
	ll_buf_clear(&b);
	for (int i = 0; i < 200; i++)
		ll_buf_printf(&b, i == 90 ? "{\"id\": %d, \"a\": tru}\n" : "{\"id\": %d, \"%s\": 1}\n", i,
			      i < 150 ? "aB" : "a_b");
	check_same_error(ll_buf_cstr(&b), "pool_bad_json", LL_EFORMAT);
	ll_buf_free(&b);
}

/* The error of pushing the lines of input one by one, as one normalizer without a pool. */
static void one_by_one_error(const char *input, ll_error *out)
{
	fixture f;
	char dir[512];
	ll_test_tmpdir("pool_one_by_one", dir, sizeof(dir));
	CHECK_OK(fx_init(&f, dir), &f.err);
	CHECK_OK(fx_open(&f), &f.err);
	ll_status st = LL_OK;
	for (const char *line = input; st == LL_OK && *line;) {
		const char *end = strchr(line, '\n');
		char *text = strndup(line, (size_t)(end - line));
		st = fx_push(&f, text);
		free(text);
		line = end + 1;
	}
	CHECK(st != LL_OK);
	*out = f.err;
	fx_free(&f);
}

/*
 * The pool pushes records in batches, their root rows before their nested
 * rows; an error in a record's nested rows still wins over one in the root
 * row of the next record, and over bad JSON after it.
 */
static void test_batch_errors_in_input_order(void)
{
	static const char *const inputs[] = {
		"{\"id\": 1}\n{\"id\": 2, \"items\": [{\"aB\": 1, \"a_b\": 2}]}\n"
		"{\"id\": 3, \"aB\": 1, \"a_b\": 2}\n",
		"{\"id\": 1}\n{\"id\": 2, \"items\": [{\"aB\": 1, \"a_b\": 2}]}\n{\"id\": tru}\n",
		"{\"id\": 1, \"items\": [{\"x\": 1}]}\n{\"id\": 2, \"aB\": 1, \"a_b\": 2, "
		"\"items\": [{\"aB\": 1, \"a_b\": 2}]}\n",
	};
	static const char *const want_table[] = { "events__items", "events__items", "events" };
	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		ll_error single;
		one_by_one_error(inputs[i], &single);
		CHECK_INT((long long)single.line, 2);
		CHECK_STR(single.table, want_table[i]);
		run_result pooled;
		run_pool(&pooled, "pool_batch_error", inputs[i], strlen(inputs[i]), 1, (size_t)1 << 30,
			 false);
		CHECK_INT(pooled.st, single.code);
		CHECK_STR(pooled.err.message, single.message);
		CHECK_STR(pooled.err.table, single.table);
		CHECK_STR(pooled.err.column_name, single.column_name);
		CHECK_INT((long long)pooled.err.line, 2);
		CHECK_INT((long long)pooled.err.column, 1);
		run_free(&pooled);
	}
}

/*
 * A null may not blank out a column another key took before it in the input,
 * but may come before that key takes it: which one happened is input order,
 * not the order the threads get there.
 */
static void test_nulls_and_owners_in_input_order(void)
{
	existing_column = "user_name";
	ll_buf b = LL_BUF_INIT;
	/* the null first, the key taking the column later: fine */
	for (int i = 0; i < 200; i++)
		ll_buf_printf(&b, i < 100 ? "{\"id\": %d, \"userName\": null}\n" : "{\"id\": %d, \"user_name\": %d}\n",
			      i, i);
	run_result one, many;
	run_pool(&one, "pool_null_first", b.data, b.len, 1, (size_t)1 << 30, false);
	run_pool(&many, "pool_null_first", b.data, b.len, 4, 40, false);
	check_same(&one, &many);
	run_free(&one);
	run_free(&many);
	/* the key first, a null of another spelling later: fails at the null */
	ll_buf_clear(&b);
	for (int i = 0; i < 200; i++)
		ll_buf_printf(&b, i == 20 ? "{\"id\": %d, \"user_name\": %d}\n"
				  : i >= 150 ? "{\"id\": %d, \"userName\": null}\n" : "{\"id\": %d}\n", i, i);
	check_same_error(ll_buf_cstr(&b), "pool_null_later", LL_ESCHEMA);
	/* a null in a piece some thread reaches before the piece where the key takes the column */
	ll_buf_clear(&b);
	for (int i = 0; i < 300; i++)
		ll_buf_printf(&b, i == 100 ? "{\"id\": %d, \"user_name\": %d}\n"
				  : i % 50 == 49 ? "{\"id\": %d, \"userName\": null}\n" : "{\"id\": %d}\n", i, i);
	check_same_error(ll_buf_cstr(&b), "pool_null_race", LL_ESCHEMA);
	ll_buf_free(&b);
	existing_column = NULL;
}

/* text as a gzip stream, which the pool's input inflates; the caller frees it. */
static unsigned char *gzip_text(const char *text, size_t len, size_t *gzlen)
{
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	CHECK_INT(deflateInit2(&zs, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY), Z_OK);
	size_t cap = deflateBound(&zs, len) + 64;
	unsigned char *gz = malloc(cap);
	zs.next_in = (unsigned char *)text;
	zs.avail_in = (uInt)len;
	zs.next_out = gz;
	zs.avail_out = (uInt)cap;
	CHECK_INT(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*gzlen = cap - zs.avail_out;
	deflateEnd(&zs);
	return gz;
}

static void test_gzip_input(void)
{
	size_t len, gzlen;
	char *input = make_input(1000, &len);
	unsigned char *gz = gzip_text(input, len, &gzlen);
	run_result plain, zipped;
	run_pool(&plain, "pool_plain", input, len, 1, (size_t)1 << 30, false);
	run_pool(&zipped, "pool_gzip", gz, gzlen, 3, 999, false);
	check_same(&plain, &zipped);
	run_free(&plain);
	run_free(&zipped);
	free(gz);
	free(input);
}

typedef enum deep_fault { DEEP_BAD_JSON, DEEP_COLLISION, DEEP_NULL } deep_fault;

/*
 * Many records, some spanning lines, some indented, some after blank lines,
 * so a record's line is not its number; the one at record `at` is faulty.
 * *where is the byte the error names: the missing value of a bad record,
 * else the start of the faulty record.
 */
static char *deep_input(deep_fault fault, int records, int at, size_t *len, size_t *where)
{
	ll_buf b = LL_BUF_INIT;
	for (int i = 0; i < records; i++) {
		if (i % 7 == 0)
			ll_buf_puts(&b, i % 2 ? "\n  \n" : "\n");
		if (i % 3 == 0)
			ll_buf_puts(&b, "   ");
		if (i == at)
			*where = b.len;
		ll_buf_printf(&b, "{\"id\": %d,%s\"name\": \"n%d\"", i, i % 5 ? " " : "\n  ", i);
		if (i == at && fault == DEEP_BAD_JSON) {
			ll_buf_puts(&b, ",\n \"bad\": ");
			*where = b.len;
		} else if (i == at) {
			ll_buf_puts(&b, fault == DEEP_COLLISION ? ", \"userName\": 2" : ", \"userName\": null");
		} else if (i == 10) {
			ll_buf_puts(&b, ", \"user_name\": 1"); /* takes the column early */
		}
		ll_buf_puts(&b, i % 11 ? "}\n" : "\n}\n");
	}
	*len = b.len;
	return ll_buf_detach(&b);
}

/* The 1-based line and column of byte at in text, counted here from its newlines. */
static void text_position(const char *text, size_t at, uint64_t *line, uint64_t *column)
{
	*line = 1;
	size_t line_start = 0;
	for (size_t i = 0; i < at; i++) {
		if (text[i] == '\n') {
			(*line)++;
			line_start = i + 1;
		}
	}
	*column = at - line_start + 1;
}

/*
 * A fault far into an input of hundreds of pieces is reported at its line
 * and column in the whole input, by one thread or several, plain or gzip:
 * the pieces' lines are counted by the threads that read them.
 */
static void test_deep_errors_name_their_line(void)
{
	static const struct { deep_fault fault; ll_status want; } faults[] = {
		{ DEEP_BAD_JSON, LL_EFORMAT }, { DEEP_COLLISION, LL_ESCHEMA }, { DEEP_NULL, LL_ESCHEMA },
	};
	static const struct { unsigned threads; size_t piece; bool gzip; } runs[] = {
		{ 1, (size_t)1 << 30, false }, { 1, 4096, false }, { 4, 4096, false },
		{ 3, 1000, false }, { 1, 4096, true }, { 4, 3000, true },
	};
	for (size_t f = 0; f < sizeof(faults) / sizeof(faults[0]); f++) {
		size_t len, where = 0, gzlen;
		char *input = deep_input(faults[f].fault, 20000, 17346, &len, &where);
		CHECK(len > 500 * 1000);
		unsigned char *gz = gzip_text(input, len, &gzlen);
		uint64_t line, column;
		text_position(input, where, &line, &column);
		CHECK(line > 20000);
		for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
			existing_column = faults[f].fault == DEEP_NULL ? "user_name" : NULL;
			run_result r;
			run_pool(&r, "pool_deep_error", runs[i].gzip ? (const void *)gz : input,
				 runs[i].gzip ? gzlen : len, runs[i].threads, runs[i].piece, false);
			if (r.st != faults[f].want || r.err.line != line || r.err.column != column)
				fprintf(stderr, "fault %zu, run %zu: status %d at %llu:%llu (%s), expected %llu:%llu\n",
					f, i, r.st, (unsigned long long)r.err.line,
					(unsigned long long)r.err.column, r.err.message,
					(unsigned long long)line, (unsigned long long)column);
			CHECK_INT(r.st, faults[f].want);
			CHECK_INT((long long)r.err.line, (long long)line);
			CHECK_INT((long long)r.err.column, (long long)column);
			CHECK_STR(r.err.file, "events.ndjson");
			run_free(&r);
		}
		existing_column = NULL;
		free(gz);
		free(input);
	}
}

/* A top-level array cannot be cut: the pool leaves it to the caller, unread. */
static void test_array_input_is_left_unread(void)
{
	const char *input = "  [{\"a\": 1}, {\"a\": 2}]";
	run_result r = { 0 };
	ll_error err;
	ll_error_clear(&err);
	ll_schema *schema = NULL;
	ll_table *root = NULL;
	CHECK_OK(ll_schema_new("test", &schema, &err), &err);
	CHECK_OK(ll_schema_add_table(schema, "events", NULL, &root, &err), &err);
	ll_test_tmpdir("pool_array", r.dir, sizeof(r.dir));
	opener o = { .r = &r, .opt = { .load_id = "1700000000.123456", .out_dir = r.dir } };
	ll_normalizer *first = NULL;
	CHECK_OK(open_normalizer(&o, schema, 0, &first, &err), &err);
	ll_normalize_pool_options popt = { .threads = 2, .piece_bytes = 4, .open = open_normalizer,
					   .open_user = &o };
	ll_normalize_pool *pool = NULL;
	CHECK_OK(ll_normalize_pool_open(&pool, first, &popt, &err), &err);
	ll_input *in = NULL;
	CHECK_OK(ll_input_open_memory(&in, input, strlen(input), "a.json", &err), &err);
	bool done = true;
	uint64_t records = 0;
	CHECK_OK(ll_normalize_pool_push(pool, in, false, &records, &done, &err), &err);
	CHECK(!done);
	char back[64];
	size_t got = 0;
	CHECK_OK(ll_input_read(in, back, sizeof(back), &got, &err), &err);
	CHECK_INT((long long)got, (long long)strlen(input));
	CHECK(memcmp(back, input, got) == 0);
	ll_input_free(in);
	ll_normalize_pool_free(pool);
	ll_normalizer_free(first);
	for (size_t i = 0; i < r.nsinks; i++)
		rec_sink_free(&r.sinks[i]);
	ll_schema_free(schema);
}

LL_TEST_MAIN(LL_TEST(test_same_result_for_every_thread_count), LL_TEST(test_iceberg_field_ids_match),
	     LL_TEST(test_rows_match_one_normalizer), LL_TEST(test_errors_are_the_first_in_input_order),
	     LL_TEST(test_batch_errors_in_input_order),
	     LL_TEST(test_nulls_and_owners_in_input_order), LL_TEST(test_gzip_input), LL_TEST(test_array_input_is_left_unread),
	     LL_TEST(test_deep_errors_name_their_line))
