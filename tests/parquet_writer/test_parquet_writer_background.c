/*
 * Tests of the Parquet writer's background thread: the same calls give the
 * same file bytes with the thread and without it (options.disable_background),
 * a write failure on the thread (ENOSPC, from a temporary file that is a
 * link to /dev/full) reaches the caller at its next call that returns a
 * status, and abort while a row group is being written stops the thread and
 * removes the file; writers on more threads than there are cores (so
 * some wait for the encoding buffers all writers share) still give those
 * same bytes. Leaks and races show in the sanitizer builds.
 */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "formats/parquet/parquet_writer.h"
#include "interop.h"
#include "test.h"
#include "util/fs.h"
#include "util/thread.h"
#include "writer_util.h"

#define SAME_ROWS 60000

static const char *tmp_path(const char *test, const char *file, char *buf, size_t size)
{
	char dir[1024];
	ll_test_tmpdir(test, dir, sizeof(dir));
	snprintf(buf, size, "%s/%s", dir, file);
	return buf;
}

/* ---- the same bytes either way ---- */

static const char *const words[] = { "red", "green", "blue", "cyan", "magenta", "yellow", "black" };

/*
 * Row i: dictionary and PLAIN columns, a text column whose dictionary does
 * not pay and falls back to PLAIN, nulls that start mid-chunk, NaNs, an
 * overwritten value, and most types.
 */
static void put_mixed_row(ll_parquet_writer *w, size_t i)
{
	char text[96];
	ll_parquet_writer_put_int64(w, 0, (int64_t)i * 31 - 9000);
	const char *word = words[i % 7];
	ll_parquet_writer_put_bytes(w, 1, word, strlen(word));
	int n = snprintf(text, sizeof(text), "unique value %zu, padded to grow", i * 7919);
	ll_parquet_writer_put_bytes(w, 2, text, (size_t)n);
	if (i % 5000 > 1200)
		ll_parquet_writer_put_double(w, 3, i % 97 == 0 ? NAN : (double)i / 8.0);
	ll_parquet_writer_put_bool(w, 4, i % 3 == 1);
	ll_parquet_writer_put_int64(w, 5, ((int64_t)i - 30000) * 1000003);
	if (i % 11)
		ll_parquet_writer_put_int32(w, 6, (int32_t)(i % 400));
	uint8_t dec[16];
	decimal_bytes((__int128)i * 12345 - 99999, dec);
	ll_parquet_writer_put_decimal(w, 7, dec);
	ll_parquet_writer_put_int64(w, 0, (int64_t)i);
}

static void write_mixed_file(const char *path, ll_parquet_codec codec, bool background,
			     ll_parquet_file_info *info)
{
	ll_parquet_column_spec cols[] = {
		spec("id", LL_TYPE_BIGINT, false),  spec("word", LL_TYPE_TEXT, false),
		spec("text", LL_TYPE_TEXT, true),   spec("x", LL_TYPE_DOUBLE, true),
		spec("flag", LL_TYPE_BOOL, true),   spec("ts", LL_TYPE_TIMESTAMP, true),
		spec("day", LL_TYPE_DATE, true),    decimal_spec("amount", 18, 2),
	};
	ll_parquet_writer_options opt;
	ll_parquet_writer_options_init(&opt);
	opt.codec = codec;
	opt.row_group_bytes = 256 << 10;
	opt.page_bytes = 16 << 10;
	opt.disable_background = !background;
	ll_parquet_writer *w = NULL;
	ll_error err;
	ll_error_clear(&err);
	CHECK_OK(ll_parquet_writer_open(&w, path, cols, 8, &opt, &err), &err);
	if (!w)
		return;
	for (size_t i = 0; i < SAME_ROWS; i++) {
		if (i == 100) {
			ll_parquet_column_spec late = spec("late", LL_TYPE_JSON, true);
			CHECK_OK(ll_parquet_writer_add_column(w, &late, NULL, &err), &err);
		}
		put_mixed_row(w, i);
		if (i >= 100 && i % 4 == 0)
			ll_parquet_writer_put_bytes(w, 8, "{\"a\":[1,2]}", 11);
		/* a failed row leaves the writer as it was, in both modes */
		if (i % 1000 == 999)
			ll_parquet_writer_put_bool(w, 0, true);
		ll_status st = ll_parquet_writer_end_row(w, &err);
		CHECK_INT(st, i % 1000 == 999 ? LL_EINVAL : LL_OK);
		if (i % 4321 == 4320)
			CHECK_OK(ll_parquet_writer_flush_row_group(w, &err), &err);
	}
	CHECK_OK(ll_parquet_writer_close(w, info, &err), &err);
}

static bool count_row(void *user, size_t index, const json_t *row)
{
	(void)index;
	(void)row;
	(*(size_t *)user)++;
	return true;
}

static void test_same_bytes(void)
{
	static const ll_parquet_codec codecs[] = { LL_CODEC_SNAPPY, LL_CODEC_ZSTD,
						   LL_CODEC_UNCOMPRESSED };
	char dir[1024], bg[1200], fg[1200];
	ll_test_tmpdir("pqw_background_same", dir, sizeof(dir));
	for (size_t c = 0; c < sizeof(codecs) / sizeof(codecs[0]); c++) {
		snprintf(bg, sizeof(bg), "%s/background-%zu.parquet", dir, c);
		snprintf(fg, sizeof(fg), "%s/inline-%zu.parquet", dir, c);
		ll_parquet_file_info bi = { 0, 0, 0 }, fi = { 0, 0, 0 };
		write_mixed_file(bg, codecs[c], true, &bi);
		write_mixed_file(fg, codecs[c], false, &fi);
		CHECK_INT(bi.rows, SAME_ROWS - SAME_ROWS / 1000);
		CHECK(bi.row_groups > 20);
		CHECK_INT(bi.row_groups, fi.row_groups);
		CHECK_INT(bi.file_size, fi.file_size);
		CHECK(same_file_bytes(bg, fg));
	}
	/* and the file is one that a reader takes */
	size_t rows = 0;
	CHECK_INT(interop_each_row(interop_readers[0], bg, count_row, &rows),
		  SAME_ROWS - SAME_ROWS / 1000);
}

/* ---- many writers at once ---- */

typedef struct concurrent_file {
	char path[1200];
	pthread_t thread;
	ll_parquet_file_info info;
} concurrent_file;

static void *write_concurrent(void *arg)
{
	concurrent_file *f = arg;
	write_mixed_file(f->path, LL_CODEC_SNAPPY, true, &f->info);
	return NULL;
}

static void test_many_writers_at_once(void)
{
	char dir[1024], ref[1200];
	ll_test_tmpdir("pqw_background_many", dir, sizeof(dir));
	snprintf(ref, sizeof(ref), "%s/inline.parquet", dir);
	ll_parquet_file_info ri = { 0, 0, 0 };
	write_mixed_file(ref, LL_CODEC_SNAPPY, false, &ri);
	/* twice the cores and at least four, so writers queue for the shared buffers */
	size_t n = 2 * (size_t)ll_cpu_count();
	n = n < 4 ? 4 : n > 16 ? 16 : n;
	concurrent_file files[16];
	memset(files, 0, sizeof(files));
	for (size_t i = 0; i < n; i++) {
		snprintf(files[i].path, sizeof(files[i].path), "%s/writer-%zu.parquet", dir, i);
		CHECK(pthread_create(&files[i].thread, NULL, write_concurrent, &files[i]) == 0);
	}
	for (size_t i = 0; i < n; i++)
		pthread_join(files[i].thread, NULL);
	for (size_t i = 0; i < n; i++) {
		CHECK_INT(files[i].info.rows, ri.rows);
		CHECK_INT(files[i].info.row_groups, ri.row_groups);
		CHECK(same_file_bytes(files[i].path, ref));
	}
}

/* ---- failures of the thread reach the caller ---- */

/* A writer whose temporary file is /dev/full: every write fails with ENOSPC. */
static ll_parquet_writer *open_full(const char *test, bool background, char *path, size_t size)
{
	tmp_path(test, "full.parquet", path, size);
	char tmp[1300];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (symlink("/dev/full", tmp) != 0) {
		fprintf(stderr, "cannot link %s to /dev/full: %s\n", tmp, strerror(errno));
		ll_test_failures++;
		return NULL;
	}
	ll_parquet_column_spec cols[] = { spec("id", LL_TYPE_BIGINT, false),
					  spec("s", LL_TYPE_TEXT, true) };
	ll_parquet_writer_options opt;
	ll_parquet_writer_options_init(&opt);
	/* uncompressed and distinct, so a row group's pages are large enough to go straight to the file */
	opt.codec = LL_CODEC_UNCOMPRESSED;
	opt.disable_dictionary = true;
	opt.row_group_bytes = 2 << 20;
	opt.disable_background = !background;
	ll_parquet_writer *w = NULL;
	ll_error err;
	ll_error_clear(&err);
	CHECK_OK(ll_parquet_writer_open(&w, path, cols, 2, &opt, &err), &err);
	return w;
}

/* Puts and ends one row of distinct values; the status of end_row. */
static ll_status text_row(ll_parquet_writer *w, size_t i, ll_error *err)
{
	char text[64];
	int n = snprintf(text, sizeof(text), "row %zu, with distinct text in it", i);
	ll_parquet_writer_put_int64(w, 0, (int64_t)i);
	ll_parquet_writer_put_bytes(w, 1, text, (size_t)n);
	return ll_parquet_writer_end_row(w, err);
}

/*
 * About 1.3 MiB of rows, flushed explicitly: under the 2 MiB row group size
 * of open_full, with pages large enough to be written to the file at once.
 */
static ll_status text_row_group(ll_parquet_writer *w, size_t *next, ll_error *err)
{
	for (size_t end = *next + 30000; *next < end; (*next)++) {
		ll_status st = text_row(w, *next, err);
		if (st != LL_OK)
			return st;
	}
	return ll_parquet_writer_flush_row_group(w, err);
}

static void check_enospc(ll_status st, const ll_error *err)
{
	CHECK_INT(st, LL_EIO);
	CHECK(strstr(err->message, "cannot write") != NULL);
	CHECK(strstr(err->message, strerror(ENOSPC)) != NULL);
}

/* After the failure: later calls refuse, close removes the temporary file. */
static void check_broken_close(ll_parquet_writer *w, const char *path)
{
	char tmp[1300];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	ll_error err;
	ll_error_clear(&err);
	CHECK_INT(text_row(w, 0, &err), LL_EIO);
	CHECK(strstr(err.message, "earlier failure") != NULL);
	CHECK_INT(ll_parquet_writer_close(w, NULL, &err), LL_EIO);
	CHECK(!ll_fs_exists(tmp));
	CHECK(!ll_fs_exists(path));
}

static void test_failure_at_end_row(void)
{
	char path[1200];
	ll_parquet_writer *w = open_full("pqw_background_end_row", true, path, sizeof(path));
	if (!w)
		return;
	ll_error err;
	ll_error_clear(&err);
	size_t next = 0;
	CHECK_OK(text_row_group(w, &next, &err), &err);
	/* the thread fails while rows go on; one of the next end_row calls says so */
	ll_status st = LL_OK;
	struct timespec pause = { 0, 1000000 };
	for (int tries = 0; tries < 20000 && st == LL_OK; tries++) {
		st = text_row(w, next++, &err);
		if (st == LL_OK)
			nanosleep(&pause, NULL);
	}
	check_enospc(st, &err);
	check_broken_close(w, path);
}

static void test_failure_at_flush(void)
{
	char path[1200];
	for (int background = 0; background < 2; background++) {
		ll_parquet_writer *w =
			open_full("pqw_background_flush", background, path, sizeof(path));
		if (!w)
			return;
		ll_error err;
		ll_error_clear(&err);
		size_t next = 0;
		/* inline, the first flush fails; in the background, the second one waits for it */
		ll_status st = text_row_group(w, &next, &err);
		if (st == LL_OK && background)
			st = text_row_group(w, &next, &err);
		check_enospc(st, &err);
		check_broken_close(w, path);
	}
}

static void test_failure_at_close(void)
{
	char path[1200], tmp[1300];
	ll_parquet_writer *w = open_full("pqw_background_close", true, path, sizeof(path));
	if (!w)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	ll_error err;
	ll_error_clear(&err);
	size_t next = 0;
	CHECK_OK(text_row_group(w, &next, &err), &err);
	/* close is the next call: it waits for the thread and reports its failure */
	check_enospc(ll_parquet_writer_close(w, NULL, &err), &err);
	CHECK(!ll_fs_exists(tmp));
	CHECK(!ll_fs_exists(path));
}

/* ---- abort ---- */

static void test_abort_while_writing(void)
{
	char path[1200], tmp[1300];
	tmp_path("pqw_background_abort", "aborted.parquet", path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	for (int flushes = 1; flushes <= 3; flushes++) {
		ll_parquet_column_spec cols[] = { spec("id", LL_TYPE_BIGINT, false),
						  spec("s", LL_TYPE_TEXT, true) };
		ll_parquet_writer_options opt;
		ll_parquet_writer_options_init(&opt);
		opt.codec = LL_CODEC_GZIP;
		opt.row_group_bytes = 4 << 20;
		ll_parquet_writer *w = NULL;
		ll_error err;
		ll_error_clear(&err);
		CHECK_OK(ll_parquet_writer_open(&w, path, cols, 2, &opt, &err), &err);
		if (!w)
			return;
		size_t next = 0;
		for (int f = 0; f < flushes; f++)
			CHECK_OK(text_row_group(w, &next, &err), &err);
		/* the last row group is being written, and rows of the next are buffered */
		for (int i = 0; i < 1000; i++)
			CHECK_OK(text_row(w, next++, &err), &err);
		ll_parquet_writer_abort(w);
		CHECK(!ll_fs_exists(tmp));
		CHECK(!ll_fs_exists(path));
	}
	/* with a failure the caller never heard of */
	ll_parquet_writer *w = open_full("pqw_background_abort_full", true, path, sizeof(path));
	if (!w)
		return;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	ll_error err;
	ll_error_clear(&err);
	size_t next = 0;
	CHECK_OK(text_row_group(w, &next, &err), &err);
	ll_parquet_writer_abort(w);
	CHECK(!ll_fs_exists(tmp));
	CHECK(!ll_fs_exists(path));
}

LL_TEST_MAIN(LL_TEST(test_same_bytes), LL_TEST(test_many_writers_at_once),
	     LL_TEST(test_failure_at_end_row),
	     LL_TEST(test_failure_at_flush), LL_TEST(test_failure_at_close),
	     LL_TEST(test_abort_while_writing))
