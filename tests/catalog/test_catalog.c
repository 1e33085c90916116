/*
 * The local catalog: atomic, idempotent load commits; replace moves old
 * files to garbage and deletes them only afterwards; no retyping; no
 * switching between hive and iceberg; the Iceberg SQL-catalog tables exist;
 * a new catalog appears whole, once; loads sharing a load id are told apart
 * by their packages' nonces.
 */
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "catalog/catalog.h"
#include "test.h"
#include "util/fs.h"

static ll_schema *make_schema(ll_data_type id_type)
{
	ll_schema *s;
	ll_error err;
	ll_table *t;
	CHECK_OK(ll_schema_new("shop", &s, &err), &err);
	CHECK_OK(ll_schema_add_table(s, "events", NULL, &t, &err), &err);
	ll_column id = { .name = "id", .type = id_type, .nullable = true, .field_id = -1 };
	ll_column name = { .name = "name", .type = LL_TYPE_TEXT, .nullable = true, .field_id = -1 };
	CHECK_OK(ll_table_add_column(t, &id, NULL, &err), &err);
	CHECK_OK(ll_table_add_column(t, &name, NULL, &err), &err);
	return s;
}

static void touch(const char *lake, const char *rel)
{
	ll_buf p = LL_BUF_INIT;
	ll_error err;
	ll_path_join(&p, lake, rel);
	char *slash = strrchr(p.data, '/');
	*slash = '\0';
	CHECK_OK(ll_fs_mkdirs(p.data, &err), &err);
	*slash = '/';
	CHECK_OK(ll_fs_write_atomic(p.data, "x", 1, &err), &err);
	ll_buf_free(&p);
}

static ll_status commit_nonce(ll_catalog *c, ll_schema *s, const char *load_id, const char *nonce,
			      const char *file, bool replace, bool *already, ll_error *err)
{
	const char *tables[] = { "events" };
	ll_catalog_file f = { "events", file, 10, 100 };
	ll_catalog_load load = { .dataset = "shop", .load_id = load_id, .nonce = nonce, .pipeline = "p",
				 .schema = s, .tables = tables, .ntables = 1,
				 .replace = replace ? tables : NULL, .nreplace = replace ? 1 : 0,
				 .files = &f, .nfiles = 1 };
	return ll_catalog_commit_load(c, &load, already, err);
}

static ll_status commit(ll_catalog *c, ll_schema *s, const char *load_id, const char *file,
			bool replace, bool *already, ll_error *err)
{
	return commit_nonce(c, s, load_id, NULL, file, replace, already, err);
}

/*
 * Two pipelines' loads may share a load id (a timestamp); their packages'
 * nonces tell them apart. A load committed without a nonce, or a package
 * without one, matches on the load id alone.
 */
static void test_loads_told_apart_by_nonce(void)
{
	char lake[1024];
	ll_error err;
	ll_test_tmpdir("catalog_nonce", lake, sizeof(lake));
	ll_catalog *c;
	CHECK_OK(ll_catalog_open(&c, lake, &err), &err);
	ll_schema *s = make_schema(LL_TYPE_BIGINT);
	bool already;
	CHECK_OK(commit_nonce(c, s, "1.1", "aaaa", "shop/events/1.1.a.parquet", false, &already, &err), &err);
	CHECK(!already);
	CHECK_OK(commit_nonce(c, s, "1.1", "bbbb", "shop/events/1.1.b.parquet", false, &already, &err), &err);
	CHECK(!already);
	CHECK_OK(commit_nonce(c, s, "1.1", "bbbb", "shop/events/1.1.b.parquet", false, &already, &err), &err);
	CHECK(already);
	CHECK_OK(commit(c, s, "1.1", "shop/events/1.1.c.parquet", false, &already, &err), &err);
	CHECK(already);
	CHECK_OK(commit(c, s, "2.2", "shop/events/2.2.a.parquet", false, &already, &err), &err);
	CHECK(!already);
	CHECK_OK(commit_nonce(c, s, "2.2", "cccc", "shop/events/2.2.c.parquet", false, &already, &err), &err);
	CHECK(already);
	ll_catalog_table *tables;
	size_t n;
	CHECK_OK(ll_catalog_list_tables(c, "shop", &tables, &n, &err), &err);
	CHECK_INT(tables[0].nfiles, 3);
	ll_catalog_tables_free(tables, n);
	ll_schema_free(s);
	ll_catalog_free(c);
}

static int read_int(void *out, int ncols, char **values, char **names)
{
	(void)ncols;
	(void)names;
	*(int *)out = atoi(values[0]);
	return 0;
}

/* A catalog made before nonces keeps its loads and learns to tell shared load ids apart. */
static void test_catalog_before_nonces_is_upgraded(void)
{
	char lake[1024], path[1100];
	ll_error err;
	ll_test_tmpdir("catalog_upgrade", lake, sizeof(lake));
	snprintf(path, sizeof(path), "%s/catalog.db", lake);
	sqlite3 *db;
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db,
			   "PRAGMA journal_mode=WAL;"
			   "CREATE TABLE ll_loads(dataset TEXT NOT NULL, load_id TEXT NOT NULL,"
			   " pipeline TEXT, schema_name TEXT, committed_at TEXT NOT NULL,"
			   " PRIMARY KEY(dataset, load_id));"
			   "INSERT INTO ll_loads VALUES('shop', '1.1', 'p', 'shop', 'then');"
			   "PRAGMA user_version = 1;",
			   NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	ll_catalog *c;
	CHECK_OK(ll_catalog_open(&c, lake, &err), &err);
	ll_schema *s = make_schema(LL_TYPE_BIGINT);
	bool already;
	CHECK_OK(commit_nonce(c, s, "1.1", "aaaa", "shop/events/1.1.a.parquet", false, &already, &err), &err);
	CHECK(already);
	CHECK_OK(commit_nonce(c, s, "2.2", "aaaa", "shop/events/2.2.a.parquet", false, &already, &err), &err);
	CHECK(!already);
	CHECK_OK(commit_nonce(c, s, "2.2", "bbbb", "shop/events/2.2.b.parquet", false, &already, &err), &err);
	CHECK(!already);
	ll_catalog_free(c);
	int version = 0, loads = 0;
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "PRAGMA user_version", read_int, &version, NULL) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "SELECT count(*) FROM ll_loads", read_int, &loads, NULL) == SQLITE_OK);
	sqlite3_close(db);
	CHECK_INT(version, 2);
	CHECK_INT(loads, 3);
	ll_schema_free(s);
}

static void test_commit_is_idempotent(void)
{
	char lake[1024];
	ll_error err;
	ll_test_tmpdir("catalog_idempotent", lake, sizeof(lake));
	ll_catalog *c;
	CHECK_OK(ll_catalog_open(&c, lake, &err), &err);
	ll_schema *s = make_schema(LL_TYPE_BIGINT);
	bool already;
	CHECK_OK(commit(c, s, "1.1", "shop/events/1.1.a.parquet", false, &already, &err), &err);
	CHECK(!already);
	CHECK_OK(commit(c, s, "1.1", "shop/events/1.1.a.parquet", false, &already, &err), &err);
	CHECK(already);
	ll_catalog_table *tables;
	size_t n;
	CHECK_OK(ll_catalog_list_tables(c, "shop", &tables, &n, &err), &err);
	CHECK_INT(n, 1);
	CHECK_INT(tables[0].nfiles, 1);
	CHECK_INT(tables[0].rows, 10);
	CHECK_INT(tables[0].ncolumns, 2);
	CHECK_STR(tables[0].columns[0].name, "id");
	CHECK(strstr(tables[0].files[0], "/shop/events/1.1.a.parquet") != NULL);
	CHECK(tables[0].files[0][0] == '/');
	ll_catalog_tables_free(tables, n);
	/* the load ids the catalog knows: 1.1 is, 2.2 is new */
	bool has;
	CHECK_OK(commit(c, s, "1.1", "shop/events/1.1.a.parquet", false, &has, &err), &err);
	CHECK(has);
	CHECK_OK(commit(c, s, "2.2", "shop/events/2.2.a.parquet", false, &has, &err), &err);
	CHECK(!has);
	ll_schema_free(s);
	ll_catalog_free(c);
}

static void test_replace_collects_garbage_after_commit(void)
{
	char lake[1024];
	ll_error err;
	ll_test_tmpdir("catalog_replace", lake, sizeof(lake));
	ll_catalog *c;
	CHECK_OK(ll_catalog_open(&c, lake, &err), &err);
	ll_schema *s = make_schema(LL_TYPE_BIGINT);
	bool already;
	touch(lake, "shop/events/1.a.parquet");
	touch(lake, "shop/events/2.a.parquet");
	CHECK_OK(commit(c, s, "1", "shop/events/1.a.parquet", false, &already, &err), &err);
	CHECK_OK(commit(c, s, "2", "shop/events/2.a.parquet", true, &already, &err), &err);
	char path[2048];
	snprintf(path, sizeof(path), "%s/shop/events/1.a.parquet", lake);
	CHECK(ll_fs_exists(path)); /* still on disk until garbage is collected */
	ll_catalog_table *tables;
	size_t n;
	CHECK_OK(ll_catalog_list_tables(c, NULL, &tables, &n, &err), &err);
	CHECK_INT(tables[0].nfiles, 1);
	ll_catalog_tables_free(tables, n);
	CHECK_OK(ll_catalog_collect_garbage(c, &err), &err);
	CHECK(!ll_fs_exists(path));
	snprintf(path, sizeof(path), "%s/shop/events/2.a.parquet", lake);
	CHECK(ll_fs_exists(path));
	ll_schema_free(s);
	ll_catalog_free(c);
}

static void test_no_retyping_and_no_format_switch(void)
{
	char lake[1024];
	ll_error err;
	ll_test_tmpdir("catalog_retype", lake, sizeof(lake));
	ll_catalog *c;
	CHECK_OK(ll_catalog_open(&c, lake, &err), &err);
	ll_schema *s = make_schema(LL_TYPE_BIGINT);
	bool already;
	CHECK_OK(commit(c, s, "1", "shop/events/1.parquet", false, &already, &err), &err);
	ll_schema *retyped = make_schema(LL_TYPE_TEXT);
	CHECK_INT(commit(c, retyped, "2", "shop/events/2.parquet", false, &already, &err), LL_ESCHEMA);
	CHECK(strstr(err.message, "bigint") && strstr(err.message, "text"));
	CHECK_STR(err.column_name, "id");
	ll_schema_find_table(s, "events")->table_format = LL_FORMAT_ICEBERG;
	CHECK_INT(commit(c, s, "3", "shop/events/3.parquet", false, &already, &err), LL_ESCHEMA);
	CHECK(strstr(err.message, "switching") != NULL);
	/* neither failed load left anything behind: load 2 is not committed, and commits now */
	ll_schema_find_table(s, "events")->table_format = LL_FORMAT_HIVE;
	bool has;
	CHECK_OK(commit(c, s, "2", "shop/events/2.parquet", false, &has, &err), &err);
	CHECK(!has);
	ll_catalog_table *tables;
	size_t n;
	CHECK_OK(ll_catalog_list_tables(c, "shop", &tables, &n, &err), &err);
	CHECK_INT(tables[0].nfiles, 2);
	ll_catalog_tables_free(tables, n);
	ll_schema_free(s);
	ll_schema_free(retyped);
	ll_catalog_free(c);
}

static void test_iceberg_sql_catalog_tables_exist(void)
{
	char lake[1024], path[1100];
	ll_error err;
	ll_test_tmpdir("catalog_iceberg", lake, sizeof(lake));
	ll_catalog *c;
	CHECK_OK(ll_catalog_open(&c, lake, &err), &err);
	ll_catalog_free(c);
	snprintf(path, sizeof(path), "%s/catalog.db", lake);
	sqlite3 *db;
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db,
			   "SELECT catalog_name, table_namespace, table_name, metadata_location, "
			   "previous_metadata_location FROM iceberg_tables;"
			   "SELECT catalog_name, namespace, property_key, property_value "
			   "FROM iceberg_namespace_properties",
			   NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
}

static int read_journal_mode(void *out, int ncols, char **values, char **names)
{
	(void)names;
	snprintf(out, 16, "%s", ncols > 0 && values[0] ? values[0] : "");
	return 0;
}

/*
 * A new lake's catalog appears whole, in WAL mode, with no temporary file
 * left; processes that create it at the same moment all end up committing
 * into one catalog.
 */
static void test_new_catalog_created_once(void)
{
	char lake[1024], path[1100];
	ll_error err;
	ll_test_tmpdir("catalog_new", lake, sizeof(lake));
	ll_schema *s = make_schema(LL_TYPE_BIGINT);
	touch(lake, "shop/events/a.parquet");
	enum { CREATORS = 4 };
	pid_t pids[CREATORS];
	for (int i = 0; i < CREATORS; i++) {
		pids[i] = fork();
		CHECK(pids[i] >= 0);
		if (pids[i] == 0) {
			ll_catalog *c;
			char load_id[16];
			bool already;
			snprintf(load_id, sizeof(load_id), "load%d", i);
			int ok = ll_catalog_open(&c, lake, &err) == LL_OK &&
				 commit(c, s, load_id, "shop/events/a.parquet", false, &already, &err) == LL_OK;
			_exit(ok ? 0 : 1);
		}
	}
	for (int i = 0; i < CREATORS; i++) {
		int status = -1;
		waitpid(pids[i], &status, 0);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	ll_catalog *c;
	CHECK_OK(ll_catalog_open(&c, lake, &err), &err);
	for (int i = 0; i < CREATORS; i++) {
		char load_id[16];
		bool already = false;
		snprintf(load_id, sizeof(load_id), "load%d", i);
		CHECK_OK(commit(c, s, load_id, "shop/events/a.parquet", false, &already, &err), &err);
		CHECK(already);
	}
	ll_catalog_free(c);
	char **names;
	size_t n;
	CHECK_OK(ll_fs_list(lake, &names, &n, &err), &err);
	for (size_t i = 0; i < n; i++)
		CHECK(strcmp(names[i], "shop") == 0 || strncmp(names[i], "catalog.db", 10) == 0);
	for (size_t i = 0; i < n; i++)
		CHECK(strstr(names[i], ".new") == NULL);
	ll_fs_free_list(names, n);
	snprintf(path, sizeof(path), "%s/catalog.db", lake);
	sqlite3 *db;
	char mode[16] = "";
	CHECK(sqlite3_open(path, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "PRAGMA journal_mode", read_journal_mode, mode, NULL) == SQLITE_OK);
	CHECK_STR(mode, "wal");
	sqlite3_close(db);
	ll_schema_free(s);
}

/* Iceberg commits swap metadata_location only from the location the writer started at. */
static void test_iceberg_commit_is_compare_and_swap(void)
{
	char lake[1024];
	ll_error err;
	ll_test_tmpdir("catalog_iceberg_cas", lake, sizeof(lake));
	ll_catalog *c;
	CHECK_OK(ll_catalog_open(&c, lake, &err), &err);
	char *loc;
	CHECK_OK(ll_catalog_iceberg_location(c, "shop", "orders", &loc, &err), &err);
	CHECK(loc == NULL);
	CHECK_OK(ll_catalog_iceberg_commit(c, "shop", NULL, "orders", NULL, "m/v1.json", &err), &err);
	CHECK(ll_catalog_iceberg_commit(c, "shop", NULL, "orders", NULL, "m/v1b.json", &err) ==
	      LL_ECONFLICT);
	CHECK_OK(ll_catalog_iceberg_commit(c, "shop", NULL, "orders", "m/v1.json", "m/v2.json", &err),
		 &err);
	CHECK(ll_catalog_iceberg_commit(c, "shop", NULL, "orders", "m/v1.json", "m/v3.json", &err) ==
	      LL_ECONFLICT);
	CHECK(strstr(err.message, "m/v2.json") != NULL);
	CHECK_OK(ll_catalog_iceberg_location(c, "shop", "orders", &loc, &err), &err);
	CHECK(loc && strcmp(loc, "m/v2.json") == 0);
	free(loc);
	ll_catalog_table *tables;
	size_t n;
	CHECK_OK(ll_catalog_list_tables(c, "shop", &tables, &n, &err), &err);
	CHECK(n == 1 && tables[0].format == LL_FORMAT_ICEBERG);
	CHECK(strcmp(tables[0].metadata_location, "m/v2.json") == 0);
	ll_catalog_tables_free(tables, n);
	ll_catalog_free(c);
}

LL_TEST_MAIN(LL_TEST(test_commit_is_idempotent), LL_TEST(test_loads_told_apart_by_nonce),
	     LL_TEST(test_catalog_before_nonces_is_upgraded), LL_TEST(test_iceberg_commit_is_compare_and_swap), LL_TEST(test_replace_collects_garbage_after_commit),
	     LL_TEST(test_no_retyping_and_no_format_switch), LL_TEST(test_iceberg_sql_catalog_tables_exist),
	     LL_TEST(test_new_catalog_created_once))
