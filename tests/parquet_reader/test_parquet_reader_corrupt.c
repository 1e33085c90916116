/*
 * Corrupt files: truncated, without their magic numbers, with a footer
 * length that lies, and with bytes flipped one at a time over valid files
 * (ours and DuckDB's). Every attempt must end in LL_OK or a clean error
 * naming the file (LL_EFORMAT, or LL_EUNSUPPORTED when a flip happens to
 * name a codec or an encryption lakeload does not read); the sanitizer build
 * checks that no attempt touches memory it should not.
 */
#include <jansson.h>

#include "test.h"

#include "formats/parquet/parquet_writer.h"
#include "reader_util.h"

/* Checks one attempt's outcome; returns it. */
static ll_status check_outcome(const char *what, size_t at, ll_status st, const ll_error *err)
{
	bool clean = st == LL_OK || st == LL_EFORMAT || st == LL_EUNSUPPORTED;
	bool named = st != LL_EFORMAT || strcmp(err->file, "mem.parquet") == 0;
	if (!clean || !named || (st != LL_OK && !err->message[0])) {
		char m[2048];
		fprintf(stderr, "%s at byte %zu: status %d: %s\n", what, at, (int)st,
			ll_error_format(err, m, sizeof(m)));
		ll_test_failures++;
	}
	return st;
}

/* Flips bytes at every position with a few masks; returns how many attempts still read fine. */
static size_t flip_everywhere(const char *what, const uint8_t *data, size_t len, size_t step)
{
	static const uint8_t masks[] = { 0xff, 0x01, 0x80, 0x10 };
	uint8_t *copy = malloc(len);
	size_t ok = 0;
	for (size_t at = 0; at < len; at += step) {
		for (size_t m = 0; m < sizeof(masks); m++) {
			ll_error err;
			ll_error_clear(&err);
			memcpy(copy, data, len);
			copy[at] ^= masks[m];
			ok += check_outcome(what, at, test_read_everything(copy, len, &err), &err) == LL_OK;
		}
	}
	free(copy);
	return ok;
}

/* Every proper prefix of a file fails cleanly with LL_EFORMAT. */
static void truncate_everywhere(const char *what, const uint8_t *data, size_t len, size_t step)
{
	for (size_t n = 0; n < len; n += step) {
		ll_error err;
		ll_error_clear(&err);
		ll_status st = test_read_everything(data, n, &err);
		check_outcome(what, n, st, &err);
		if (st != LL_EFORMAT) {
			fprintf(stderr, "%s cut to %zu bytes: status %d, expected LL_EFORMAT\n", what, n, (int)st);
			ll_test_failures++;
		}
	}
}

static bool load_testdata(const char *name, uint8_t **data, size_t *len)
{
	char path[1024];
	return test_load_file(ll_testdata(name, path, sizeof(path)), data, len);
}

/* A small file of our own: every type, nulls, a dictionary and several row groups. */
static bool write_small(uint8_t **data, size_t *len)
{
	char dir[1024], path[1100];
	ll_error err;
	ll_parquet_column_spec cols[] = {
		{ "t", LL_TYPE_TEXT, 0, 0, true, -1 },     { "b", LL_TYPE_BIGINT, 0, 0, true, -1 },
		{ "d", LL_TYPE_DOUBLE, 0, 0, true, -1 },   { "f", LL_TYPE_BOOL, 0, 0, false, -1 },
		{ "ts", LL_TYPE_TIMESTAMP, 0, 0, true, 7 }, { "day", LL_TYPE_DATE, 0, 0, true, -1 },
		{ "dec", LL_TYPE_DECIMAL, 12, 2, true, -1 }, { "bin", LL_TYPE_BINARY, 0, 0, true, -1 },
	};
	ll_parquet_writer_options opt;
	ll_parquet_writer_options_init(&opt);
	opt.row_group_bytes = 300;
	ll_parquet_writer *w = NULL;
	snprintf(path, sizeof(path), "%s/small.parquet", ll_test_tmpdir("pqr_corrupt", dir, sizeof(dir)));
	CHECK_OK(ll_parquet_writer_open(&w, path, cols, 8, &opt, &err), &err);
	if (!w)
		return false;
	for (int i = 0; i < 40; i++) {
		char s[16];
		snprintf(s, sizeof(s), "v%d", i % 5);
		uint8_t dec[16] = { 0 };
		dec[15] = (uint8_t)i;
		if (i % 4)
			ll_parquet_writer_put_bytes(w, 0, s, strlen(s));
		ll_parquet_writer_put_int64(w, 1, i * 1000);
		if (i % 3)
			ll_parquet_writer_put_double(w, 2, i / 4.0);
		ll_parquet_writer_put_bool(w, 3, i & 1);
		ll_parquet_writer_put_int64(w, 4, 1700000000000000LL + i);
		ll_parquet_writer_put_int32(w, 5, 19000 + i);
		ll_parquet_writer_put_decimal(w, 6, dec);
		ll_parquet_writer_put_bytes(w, 7, s, 2);
		CHECK_OK(ll_parquet_writer_end_row(w, &err), &err);
	}
	CHECK_OK(ll_parquet_writer_close(w, NULL, &err), &err);
	return test_load_file(path, data, len);
}

static void test_truncated(void)
{
	uint8_t *data;
	size_t len;
	if (load_testdata("parquet/types_snappy.parquet", &data, &len)) {
		truncate_everywhere("types_snappy.parquet", data, len, 97);
		/* the last bytes hold the footer: cut each of them */
		for (size_t n = len > 4000 ? len - 4000 : 0; n < len; n++) {
			ll_error err;
			CHECK_INT(test_read_everything(data, n, &err), LL_EFORMAT);
		}
		free(data);
	}
	if (write_small(&data, &len)) {
		truncate_everywhere("small.parquet", data, len, 1);
		free(data);
	}
}

static void test_magic_and_footer_length(void)
{
	uint8_t *data;
	size_t len;
	ll_error err;
	if (!load_testdata("parquet/timestamp_ms_gzip.parquet", &data, &len))
		return;
	CHECK_OK(test_read_everything(data, len, &err), &err);
	uint8_t *copy = malloc(len);
	size_t spots[] = { 0, 3, len - 4, len - 1 };
	for (size_t i = 0; i < 4; i++) {
		memcpy(copy, data, len);
		copy[spots[i]] = 'X';
		CHECK_INT(test_read_everything(copy, len, &err), LL_EFORMAT);
		CHECK(strstr(err.message, "magic") != NULL);
		CHECK_STR(err.file, "mem.parquet");
	}
	/* a footer length larger than the file */
	memcpy(copy, data, len);
	copy[len - 5] = 0x7f;
	CHECK_INT(test_read_everything(copy, len, &err), LL_EFORMAT);
	CHECK(strstr(err.message, "footer length") != NULL);
	/* a footer length that points into the data */
	memcpy(copy, data, len);
	copy[len - 8] = (uint8_t)(copy[len - 8] + 40);
	CHECK_INT(test_read_everything(copy, len, &err), LL_EFORMAT);
	/* an encrypted footer is not ours to read */
	memcpy(copy, data, len);
	memcpy(copy + len - 4, "PARE", 4);
	CHECK_INT(test_read_everything(copy, len, &err), LL_EUNSUPPORTED);
	CHECK(strstr(err.message, "encrypted") != NULL);
	CHECK_INT(test_read_everything(data, 11, &err), LL_EFORMAT);
	free(copy);
	free(data);
}

static void test_flipped_bytes(void)
{
	static const char *const files[] = {
		"parquet/timestamp_ms_gzip.parquet", "parquet/nested.parquet", "parquet/empty.parquet",
	};
	uint8_t *data;
	size_t len;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (!load_testdata(files[i], &data, &len))
			continue;
		size_t ok = flip_everywhere(files[i], data, len, 1);
		/* flips in values mostly still decode; flips in structure mostly do not */
		CHECK(ok > 0 && ok < 4 * len);
		printf("     %s: %zu of %zu flips read without error\n", files[i], ok, 4 * len);
		free(data);
	}
	if (load_testdata("parquet/types_snappy.parquet", &data, &len)) {
		flip_everywhere("types_snappy.parquet", data, len, 61);
		free(data);
	}
	if (write_small(&data, &len)) {
		flip_everywhere("small.parquet", data, len, 1);
		free(data);
	}
}

/* Random bytes over random spots, several at a time: combinations single flips miss. */
static void test_random_damage(void)
{
	uint8_t *data;
	size_t len;
	if (!load_testdata("parquet/nested.parquet", &data, &len))
		return;
	uint8_t *copy = malloc(len);
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	for (int round = 0; round < 3000; round++) {
		memcpy(copy, data, len);
		for (int k = 0; k < 4; k++) {
			seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
			copy[(seed >> 8) % len] = (uint8_t)seed;
		}
		ll_error err;
		ll_error_clear(&err);
		check_outcome("nested.parquet (random)", (size_t)round, test_read_everything(copy, len, &err), &err);
	}
	free(copy);
	free(data);
}

LL_TEST_MAIN(LL_TEST(test_truncated), LL_TEST(test_magic_and_footer_length),
	     LL_TEST(test_flipped_bytes), LL_TEST(test_random_damage))
