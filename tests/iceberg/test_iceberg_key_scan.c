/*
 * The key scan merges find the rows they remove with: every row whose key
 * is in the set is found, at its position in its file, in file order,
 * whether the key is one integer column (looked up as integers, row groups
 * skipped by their statistics: keys on a row group's bounds are still
 * found), text, or a tuple of a primary and a merge key; a file holding the
 * key column with another type, or lacking it, is read as the generic scan
 * reads it; hit rows' extra values are collected (null where a file lacks
 * the extra column); tables of more files than one round holds are scanned
 * whole.
 */
#include "test.h"

#include "iceberg/key_scan.h"

/* Field ids of the test files' columns. */
enum { F_ID = 1, F_NAME = 2, F_REGION = 3 };

typedef struct hit {
	const ll_iceberg_data_file *file;
	int64_t pos;
} hit;

typedef struct hits {
	hit at[64];
	size_t n;
} hits;

static ll_status note_hit(void *user, const ll_iceberg_data_file *file, int64_t pos, ll_error *err)
{
	hits *h = user;
	(void)err;
	if (h->n < 64)
		h->at[h->n] = (hit){ file, pos };
	h->n++;
	return LL_OK;
}

/*
 * Three row groups of 100 rows: ids 0..99, 1000..1099, 2000..2098 and a
 * null; name "n<id>", region "r<id % 3>".
 */
static void write_table_file(const char *path)
{
	ll_parquet_column_spec cols[] = {
		{ .name = "id", .type = LL_TYPE_BIGINT, .nullable = true, .field_id = F_ID },
		{ .name = "name", .type = LL_TYPE_TEXT, .nullable = true, .field_id = F_NAME },
		{ .name = "region", .type = LL_TYPE_TEXT, .nullable = true, .field_id = F_REGION },
	};
	ll_parquet_writer_options opt;
	ll_parquet_writer_options_init(&opt);
	ll_parquet_writer *w = NULL;
	ll_error err = { 0 };
	CHECK_OK(ll_parquet_writer_open(&w, path, cols, 3, &opt, &err), &err);
	char text[32];
	for (int64_t g = 0; g < 3; g++) {
		for (int64_t i = 0; i < 100; i++) {
			int64_t id = g * 1000 + i;
			if (g == 2 && i == 99) {
				ll_parquet_writer_put_null(w, 0);
				ll_parquet_writer_put_null(w, 1);
			} else {
				ll_parquet_writer_put_int64(w, 0, id);
				snprintf(text, sizeof(text), "n%lld", (long long)id);
				ll_parquet_writer_put_bytes(w, 1, text, strlen(text));
			}
			snprintf(text, sizeof(text), "r%lld", (long long)(id % 3));
			ll_parquet_writer_put_bytes(w, 2, text, strlen(text));
			CHECK_OK(ll_parquet_writer_end_row(w, &err), &err);
		}
		CHECK_OK(ll_parquet_writer_flush_row_group(w, &err), &err);
	}
	ll_parquet_file_info info;
	CHECK_OK(ll_parquet_writer_close(w, &info, &err), &err);
	CHECK_INT(info.row_groups, 3);
}

/* A file of n rows of one column, field id F_ID as text ("5") or F_NAME, from first. */
static void write_other_file(const char *path, int32_t field_id, int64_t first, int64_t n)
{
	ll_parquet_column_spec col = { .name = "c", .type = LL_TYPE_TEXT, .field_id = field_id };
	ll_parquet_writer_options opt;
	ll_parquet_writer_options_init(&opt);
	ll_parquet_writer *w = NULL;
	ll_error err = { 0 };
	CHECK_OK(ll_parquet_writer_open(&w, path, &col, 1, &opt, &err), &err);
	char text[32];
	for (int64_t i = first; i < first + n; i++) {
		snprintf(text, sizeof(text), "%lld", (long long)i);
		ll_parquet_writer_put_bytes(w, 0, text, strlen(text));
		CHECK_OK(ll_parquet_writer_end_row(w, &err), &err);
	}
	ll_parquet_file_info info;
	CHECK_OK(ll_parquet_writer_close(w, &info, &err), &err);
}

static void put_encoded(ll_keyset *s, const ll_value *const *v, size_t n)
{
	ll_buf key = LL_BUF_INIT;
	for (size_t k = 0; k < n; k++)
		ll_keyset_encode_value(v[k], &key);
	ll_keyset_slot *slot;
	bool added;
	CHECK(ll_keyset_put(s, key.data, key.len, 0, &slot, &added));
	ll_buf_free(&key);
}

static void put_int(ll_keyset *s, ll_intset *ints, int64_t v)
{
	ll_value value = { .i = v };
	const ll_value *row[] = { &value };
	put_encoded(s, row, 1);
	if (ints)
		CHECK(ll_intset_add(ints, v));
}

static void put_text(ll_keyset *s, const char *a, const char *b)
{
	ll_value va = { .s = a, .len = strlen(a) }, vb = { .s = b, .len = b ? strlen(b) : 0 };
	const ll_value *row[] = { &va, &vb };
	put_encoded(s, row, b ? 2 : 1);
}

static bool has_value(const ll_keyset *s, const ll_value *v)
{
	ll_buf key = LL_BUF_INIT;
	ll_keyset_encode_value(v, &key);
	bool found = ll_keyset_find(s, key.data, key.len) != NULL;
	ll_buf_free(&key);
	return found;
}

static bool has_text(const ll_keyset *s, const char *text)
{
	ll_value v = { .s = text, .len = strlen(text) };
	return has_value(s, &v);
}

typedef struct fixture {
	char dir[512];
	char paths[3][600];
	ll_iceberg_data_file files[3];
	const ll_iceberg_data_file *list[3];
	ll_storage *storage;
} fixture;

/* files[0]: the table file; files[1]: id as text; files[2]: names only. */
static void fixture_open(fixture *f, const char *name)
{
	ll_test_tmpdir(name, f->dir, sizeof(f->dir));
	const char *names[] = { "table.parquet", "text-ids.parquet", "no-ids.parquet" };
	for (size_t i = 0; i < 3; i++) {
		snprintf(f->paths[i], sizeof(f->paths[i]), "%s/%s", f->dir, names[i]);
		f->files[i] = (ll_iceberg_data_file){ .file_path = f->paths[i] };
		f->list[i] = &f->files[i];
	}
	write_table_file(f->paths[0]);
	write_other_file(f->paths[1], F_ID, 0, 10);
	write_other_file(f->paths[2], F_NAME, 0, 10);
	ll_error err = { 0 };
	CHECK_OK(ll_storage_open(&f->storage, f->dir, NULL, &err), &err);
}

static void check_hits(const hits *h, const fixture *f, const size_t *file, const int64_t *pos,
		       size_t n)
{
	CHECK_INT(h->n, n);
	for (size_t i = 0; i < n && i < h->n; i++) {
		CHECK(h->at[i].file == &f->files[file[i]]);
		CHECK_INT(h->at[i].pos, pos[i]);
	}
}

static void test_key_scan_integers(void)
{
	fixture f;
	fixture_open(&f, "integers");
	ll_keyset pk;
	ll_intset ints;
	ll_keyset_init(&pk);
	ll_intset_init(&ints);
	/* the bounds of row groups 2 and 3, a key between row groups, one past all of them */
	const int64_t keys[] = { 5, 1099, 2000, 1500, 99999 };
	for (size_t i = 0; i < 5; i++)
		put_int(&pk, &ints, keys[i]);
	CHECK(ll_intset_seal(&ints));
	int32_t id = F_ID;
	ll_key_scan ks = { .storage = f.storage, .ids = &id, .npk = 1, .pk = &pk, .ints = &ints };
	hits h = { .n = 0 };
	ll_error err = { 0 };
	CHECK_OK(ll_key_scan_files(&ks, f.list, 3, note_hit, &h, &err), &err);
	/* the text "5" of file 1 is not the integer 5 */
	check_hits(&h, &f, (size_t[]){ 0, 0, 0 }, (int64_t[]){ 5, 199, 200 }, 3);

	/* the same keys without the integer set: the same rows */
	ks.ints = NULL;
	h.n = 0;
	CHECK_OK(ll_key_scan_files(&ks, f.list, 3, note_hit, &h, &err), &err);
	check_hits(&h, &f, (size_t[]){ 0, 0, 0 }, (int64_t[]){ 5, 199, 200 }, 3);

	/* the hit rows' names go to the extra set */
	ll_keyset names;
	ll_keyset_init(&names);
	ks.ints = &ints;
	ks.extra = &names;
	ks.extra_id = F_NAME;
	h.n = 0;
	CHECK_OK(ll_key_scan_files(&ks, f.list, 3, note_hit, &h, &err), &err);
	CHECK_INT(h.n, 3);
	CHECK_INT(names.count, 3);
	CHECK(has_text(&names, "n5") && has_text(&names, "n1099") && has_text(&names, "n2000"));
	/* an extra column the file lacks is null for every hit */
	ll_keyset_free(&names);
	ll_keyset_init(&names);
	ks.extra_id = 99;
	h.n = 0;
	CHECK_OK(ll_key_scan_files(&ks, f.list, 1, note_hit, &h, &err), &err);
	CHECK_INT(h.n, 3);
	CHECK_INT(names.count, 1);
	ll_value null = { .is_null = true };
	CHECK(has_value(&names, &null));
	ll_keyset_free(&names);
	ll_keyset_free(&pk);
	ll_intset_free(&ints);
	ll_storage_free(f.storage);
}

static void test_key_scan_text_and_tuples(void)
{
	fixture f;
	fixture_open(&f, "text");
	ll_keyset pk, mk;
	ll_keyset_init(&pk);
	ll_keyset_init(&mk);
	/* names: file 0's "n7" and "n1042", file 2's "3" */
	put_text(&pk, "n7", NULL);
	put_text(&pk, "n1042", NULL);
	put_text(&pk, "3", NULL);
	int32_t name = F_NAME;
	ll_key_scan ks = { .storage = f.storage, .ids = &name, .npk = 1, .pk = &pk };
	hits h = { .n = 0 };
	ll_error err = { 0 };
	CHECK_OK(ll_key_scan_files(&ks, f.list, 3, note_hit, &h, &err), &err);
	check_hits(&h, &f, (size_t[]){ 0, 0, 2 }, (int64_t[]){ 7, 142, 3 }, 3);

	/* primary key (name, region) or merge key (region): a tuple matches whole */
	ll_keyset_free(&pk);
	ll_keyset_init(&pk);
	put_text(&pk, "n8", "r2");    /* row 8 */
	put_text(&pk, "n9", "r2");    /* row 9 has region r0: no */
	ll_value region = { .s = "r1", .len = 2 }, null = { .is_null = true };
	const ll_value *mrow[] = { &region };
	put_encoded(&mk, mrow, 1);     /* the merge key: every row of region r1 */
	int32_t ids[] = { F_NAME, F_REGION, F_REGION };
	ks = (ll_key_scan){ .storage = f.storage, .ids = ids, .npk = 2, .nmk = 1, .pk = &pk,
			    .mk = &mk };
	h.n = 0;
	CHECK_OK(ll_key_scan_files(&ks, f.list, 1, note_hit, &h, &err), &err);
	/* rows with id % 3 == 1: 33 + 34 + 33 of them, and row 8 */
	CHECK_INT(h.n, 101);
	size_t in_order = 0, row8 = 0;
	for (size_t i = 0; i < 64 && i < h.n; i++) {
		in_order += i == 0 || h.at[i].pos > h.at[i - 1].pos;
		row8 += h.at[i].pos == 8;
	}
	CHECK_INT(in_order, 64);
	CHECK_INT(row8, 1);

	/* a null key matches the rows whose key is null, and no file lacking the column */
	ll_keyset_free(&pk);
	ll_keyset_init(&pk);
	const ll_value *nrow[] = { &null };
	put_encoded(&pk, nrow, 1);
	int32_t id = F_ID;
	ks = (ll_key_scan){ .storage = f.storage, .ids = &id, .npk = 1, .pk = &pk };
	h.n = 0;
	CHECK_OK(ll_key_scan_files(&ks, f.list, 3, note_hit, &h, &err), &err);
	check_hits(&h, &f, (size_t[]){ 0 }, (int64_t[]){ 299 }, 1);
	ll_keyset_free(&pk);
	ll_keyset_free(&mk);
	ll_storage_free(f.storage);
}

/* More files than one round opens: every one is read, hits stay in file order. */
static void test_key_scan_many_files(void)
{
	char dir[512], path[600];
	ll_test_tmpdir("many", dir, sizeof(dir));
	enum { N = 150 };
	static char paths[N][600];
	static ll_iceberg_data_file files[N];
	static const ll_iceberg_data_file *list[N];
	for (size_t i = 0; i < N; i++) {
		snprintf(path, sizeof(path), "%s/f%zu.parquet", dir, i);
		memcpy(paths[i], path, sizeof(path));
		files[i] = (ll_iceberg_data_file){ .file_path = paths[i] };
		list[i] = &files[i];
		write_other_file(paths[i], F_NAME, (int64_t)i * 10, 10);
	}
	ll_storage *s = NULL;
	ll_error err = { 0 };
	CHECK_OK(ll_storage_open(&s, dir, NULL, &err), &err);
	ll_keyset pk;
	ll_keyset_init(&pk);
	const char *keys[] = { "3", "701", "1499", "1500" };
	for (size_t i = 0; i < 4; i++)
		put_text(&pk, keys[i], NULL);
	int32_t name = F_NAME;
	ll_key_scan ks = { .storage = s, .ids = &name, .npk = 1, .pk = &pk };
	hits h = { .n = 0 };
	CHECK_OK(ll_key_scan_files(&ks, list, N, note_hit, &h, &err), &err);
	CHECK_INT(h.n, 3);
	CHECK(h.at[0].file == &files[0] && h.at[0].pos == 3);
	CHECK(h.at[1].file == &files[70] && h.at[1].pos == 1);
	CHECK(h.at[2].file == &files[149] && h.at[2].pos == 9);

	/* a file that is not there fails the scan, naming it */
	files[100].file_path = "missing.parquet";
	CHECK(ll_key_scan_files(&ks, list, N, note_hit, &h, &err) != LL_OK);
	CHECK(strstr(err.message, "missing.parquet") != NULL);
	ll_keyset_free(&pk);
	ll_storage_free(s);
}

LL_TEST_MAIN(LL_TEST(test_key_scan_integers), LL_TEST(test_key_scan_text_and_tuples),
	     LL_TEST(test_key_scan_many_files))
