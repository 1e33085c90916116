/*
 * Load packages and layouts: manifests round-trip, packages move between
 * states, each package draws its own nonce, a package's files are synced
 * before it is published, incomplete packages are discarded, layouts are
 * validated the way Athena needs and rendered, pipeline state survives
 * dlt's encoding.
 */
#include <string.h>
#include <unistd.h>

#include "load/dlt_tables.h"
#include "load/layout.h"
#include "load/package.h"
#include "test.h"
#include "util/fs.h"
#include "util/fs_batch.h"

static void test_manifest_round_trip_and_moves(void)
{
	char dir[1024];
	ll_error err;
	ll_test_tmpdir("load_package", dir, sizeof(dir));
	ll_buf pkg = LL_BUF_INIT;
	CHECK_OK(ll_package_create(dir, "1700000000.000001", &pkg, &err), &err);
	char *tables[] = { "events", "events__items" };
	ll_package_job jobs[] = { { "events", "abc", 10, 1000, false }, { "events__items", "def", 30, 2000, false } };
	ll_package_manifest m = { .load_id = "1700000000.000001", .nonce = "00c0ffee00c0ffee",
				  .pipeline = "p", .dataset = "shop",
				  .root_table = "events", .disposition = LL_WRITE_REPLACE,
				  .source = "e.ndjson", .fingerprint = "fp", .root_rows = 10,
				  .tables = tables, .ntables = 2, .jobs = jobs, .njobs = 2 };
	CHECK_OK(ll_package_write_manifest(pkg.data, &m, &err), &err);
	CHECK_OK(ll_package_move(dir, m.load_id, LL_PACKAGE_EXTRACTING, LL_PACKAGE_NORMALIZED, &err), &err);
	char **ids;
	size_t n;
	CHECK_OK(ll_package_list(dir, LL_PACKAGE_NORMALIZED, &ids, &n, &err), &err);
	CHECK_INT(n, 1);
	ll_buf_clear(&pkg);
	ll_package_path(&pkg, dir, LL_PACKAGE_NORMALIZED, ids[0]);
	ll_package_manifest r;
	CHECK_OK(ll_package_read_manifest(pkg.data, &r, &err), &err);
	CHECK_STR(r.dataset, "shop");
	CHECK_INT(r.disposition, LL_WRITE_REPLACE);
	CHECK_INT(r.njobs, 2);
	CHECK_STR(r.jobs[1].file_id, "def");
	CHECK_INT(r.jobs[1].rows, 30);
	CHECK_INT(r.ntables, 2);
	CHECK_STR(r.fingerprint, "fp");
	CHECK_STR(r.nonce, "00c0ffee00c0ffee");
	CHECK(ll_package_nonce_value(r.nonce) == 0x00c0ffee00c0ffeeULL);
	CHECK(!r.jobs[0].legacy_name);
	ll_package_manifest_free(&r);
	ll_fs_free_list(ids, n);
	ll_buf_free(&pkg);
}

/* Nonces are drawn anew for each package; a manifest from before them has none. */
static void test_package_nonces(void)
{
	uint64_t a = ll_package_new_nonce(), b = ll_package_new_nonce();
	CHECK(a != 0 && b != 0 && a != b);
	char text[LL_PACKAGE_NONCE_LEN + 1];
	ll_package_nonce_text(a, text);
	CHECK_INT(strlen(text), LL_PACKAGE_NONCE_LEN);
	CHECK(ll_package_nonce_value(text) == a);
	char dir[1024], path[1100];
	ll_error err;
	ll_test_tmpdir("load_nonce", dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	const char *old = "{\"load_id\": \"1.0\", \"write_disposition\": \"append\", \"tables\": [],"
			  " \"jobs\": []}";
	CHECK_OK(ll_fs_write_atomic(path, old, strlen(old), &err), &err);
	ll_package_manifest m;
	CHECK_OK(ll_package_read_manifest(dir, &m, &err), &err);
	CHECK_STR(m.nonce, "");
	CHECK(ll_package_nonce_value(m.nonce) == 0);
	ll_package_manifest_free(&m);
}

/*
 * What the package's publish makes reachable is synced: every job file the
 * manifest names, jobs/ and the package directory. Inside a batch the syncs
 * wait for its end, which fails naming a job file that is missing, so a
 * seal never publishes a package whose files are not all on disk.
 */
static void test_package_sync_covers_every_job(void)
{
	char dir[1024];
	ll_error err;
	ll_test_tmpdir("load_package_sync", dir, sizeof(dir));
	ll_buf pkg = LL_BUF_INIT, path = LL_BUF_INIT;
	CHECK_OK(ll_package_create(dir, "1.0", &pkg, &err), &err);
	ll_package_job jobs[] = { { "events", "a", 1, 1, false }, { "events__items", "b", 1, 1, false } };
	ll_package_manifest m = { .jobs = jobs, .njobs = 2 };
	for (size_t i = 0; i < m.njobs; i++) {
		ll_buf_clear(&path);
		ll_package_job_path(&path, pkg.data, &jobs[i]);
		CHECK_OK(ll_fs_write_atomic(path.data, "PAR1", 4, &err), &err);
	}
	CHECK_OK(ll_package_sync_jobs(pkg.data, &m, &err), &err);
	ll_fs_batch_begin();
	CHECK_OK(ll_package_sync_jobs(pkg.data, &m, &err), &err);
	CHECK_INT(unlink(path.data), 0); /* the last job's file */
	CHECK_INT(ll_fs_batch_end(&err), LL_EIO);
	CHECK(strstr(err.message, path.data) != NULL);
	CHECK_INT(ll_package_sync_jobs(pkg.data, &m, &err), LL_EIO);
	ll_buf_free(&pkg);
	ll_buf_free(&path);
}

/* A job file's name does not grow with its table's name (NAME_MAX is 255). */
static void test_job_file_names_are_short(void)
{
	char table[301];
	memset(table, 'a', 300);
	table[300] = '\0';
	ll_package_job job = { table, "abcdefghijklmn", 1, 1, false };
	ll_buf path = LL_BUF_INIT;
	ll_package_job_path(&path, "/pkg", &job);
	CHECK_INT(strlen(strrchr(ll_buf_cstr(&path), '/') + 1), 24);
	ll_buf again = LL_BUF_INIT;
	ll_package_job_path(&again, "/pkg", &job);
	CHECK_STR(ll_buf_cstr(&again), ll_buf_cstr(&path));
	job.legacy_name = true;
	ll_buf_clear(&path);
	ll_package_job_path(&path, "/pkg", &job);
	CHECK(strstr(ll_buf_cstr(&path), ".abcdefghijklmn.parquet") != NULL);
	ll_buf_free(&path);
	ll_buf_free(&again);
}

static void test_incomplete_packages_are_discarded(void)
{
	char dir[1024];
	ll_error err;
	ll_test_tmpdir("load_discard", dir, sizeof(dir));
	ll_buf pkg = LL_BUF_INIT;
	CHECK_OK(ll_package_create(dir, "1.0", &pkg, &err), &err);
	size_t discarded;
	CHECK_OK(ll_package_discard_incomplete(dir, &discarded, &err), &err);
	CHECK_INT(discarded, 1);
	CHECK(!ll_fs_exists(pkg.data));
	ll_buf_free(&pkg);
}

static void test_damaged_manifest_is_an_error(void)
{
	char dir[1024], path[1100];
	ll_error err;
	ll_test_tmpdir("load_damaged", dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	CHECK_OK(ll_fs_write_atomic(path, "{\"load_id\": ", 12, &err), &err);
	ll_package_manifest m;
	CHECK_INT(ll_package_read_manifest(dir, &m, &err), LL_EFORMAT);
	CHECK(strstr(err.file, "manifest.json") != NULL);
}

static void test_layouts(void)
{
	ll_error err;
	CHECK_OK(ll_layout_validate(LL_LAYOUT_DEFAULT, &err), &err);
	CHECK_OK(ll_layout_validate("{table_name}/{curr_date}/{load_id}.{file_id}.{ext}", &err), &err);
	CHECK_INT(ll_layout_validate("{load_id}/{table_name}/{file_id}", &err), LL_EINVAL);
	CHECK(strstr(err.message, "must start with {table_name}/") != NULL);
	CHECK_INT(ll_layout_validate("{table_name}{file_id}", &err), LL_EINVAL);
	CHECK_INT(ll_layout_validate("{table_name}/{load_id}.{ext}", &err), LL_EINVAL);
	CHECK(strstr(err.message, "{file_id}") != NULL);
	CHECK_INT(ll_layout_validate("{table_name}/{nope}.{file_id}", &err), LL_EINVAL);
	CHECK(strstr(err.message, "{nope}") != NULL);
	ll_buf out = LL_BUF_INIT;
	ll_layout_values v = { "events", "1700000000.123456", "f1", "parquet", "shop" };
	ll_layout_render("{table_name}/{curr_date}/{timestamp}-{file_id}.{ext}", &v, &out);
	CHECK_STR(ll_buf_cstr(&out), "events/2023-11-14/1700000000-f1.parquet");
	ll_buf_free(&out);
}

static void test_state_encoding(void)
{
	ll_error err;
	ll_buf enc = LL_BUF_INIT, dec = LL_BUF_INIT;
	const char *state = "{\"_state_version\":3,\"pipeline_name\":\"shop\"}";
	CHECK_OK(ll_dlt_encode_state(state, &enc, &err), &err);
	CHECK_OK(ll_dlt_decode_state(enc.data, enc.len, &dec, &err), &err);
	CHECK_STR(ll_buf_cstr(&dec), state);
	CHECK_INT(ll_dlt_decode_state("!!!!", 4, &dec, &err), LL_EFORMAT);
	ll_buf_free(&enc);
	ll_buf_free(&dec);
}

LL_TEST_MAIN(LL_TEST(test_manifest_round_trip_and_moves), LL_TEST(test_package_nonces),
	     LL_TEST(test_package_sync_covers_every_job),
	     LL_TEST(test_job_file_names_are_short),
	     LL_TEST(test_incomplete_packages_are_discarded),
	     LL_TEST(test_damaged_manifest_is_an_error), LL_TEST(test_layouts), LL_TEST(test_state_encoding))
