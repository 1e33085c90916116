/*
 * lakeload's own Glue and Athena clients (src/aws) against `lakeload serve`,
 * as a `--destination athena` client on another machine uses them: Glue
 * databases and tables with VersionId compare-and-swap, an Iceberg commit
 * in Glue's way (GetTable, new metadata_location, UpdateTable with the
 * VersionId read) that queries then follow, and Athena queries, including a
 * failing one. The server is started on a free port of 127.0.0.1 over a lake
 * loaded with the CLI, and stopped with SIGTERM.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aws/athena.h"
#include "aws/glue.h"
#include "schema/schema.h"
#include "test.h"

#define KEY_ID "AKIDSERVECLIENTS"
#define SECRET "serve-clients-secret"

static char dir[] = "/tmp/lakeload-serve-clients-XXXXXX";
static char endpoint[64];
static pid_t server = -1;

static int run(const char *cmd)
{
	int rc = system(cmd);
	if (rc != 0)
		fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
	return rc;
}

/* Loads 25 rows as hive table shop.orders and as Iceberg table shop.ice. */
static void load_lake(void)
{
	char cmd[4096];
	snprintf(cmd, sizeof(cmd),
		 "for i in $(seq 1 25); do echo \"{\\\"id\\\":$i,\\\"name\\\":\\\"n$i\\\"}\"; done > %s/rows.ndjson && "
		 "LAKELOAD_HOME=%s/home \"$LAKELOAD\" load %s/rows.ndjson --lake %s/lake --dataset shop --table orders -q && "
		 "LAKELOAD_HOME=%s/home \"$LAKELOAD\" load %s/rows.ndjson --lake %s/lake --dataset shop --table ice "
		 "--table-format iceberg -q",
		 dir, dir, dir, dir, dir, dir, dir);
	CHECK_INT(run(cmd), 0);
}

/* Starts serve on a free port and reads the URL it prints. */
static bool start_server(void)
{
	int out[2];
	if (pipe(out) != 0)
		return false;
	char lake[512];
	snprintf(lake, sizeof(lake), "%s/lake", dir);
	server = fork();
	if (server == 0) {
		dup2(out[1], 1);
		close(out[0]);
		const char *bin = getenv("LAKELOAD");
		execl(bin, bin, "serve", "--port", "0", "--lake", lake, "--access-key-id", KEY_ID,
		      "--secret-access-key", SECRET, (char *)NULL);
		_exit(127);
	}
	close(out[1]);
	char line[512];
	size_t n = 0;
	while (n + 1 < sizeof(line) && read(out[0], line + n, 1) == 1 && line[n] != '\n')
		n++;
	line[n] = '\0';
	close(out[0]);
	const char *url = strstr(line, "http://127.0.0.1:");
	if (!url)
		return false;
	snprintf(endpoint, sizeof(endpoint), "%.*s", (int)strcspn(url, " "), url);
	return true;
}

static void stop_server(void)
{
	int status = 0;
	kill(server, SIGTERM);
	waitpid(server, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void client_config(ll_aws_json_config *cfg, ll_aws_service service)
{
	ll_aws_json_config_init(cfg, service);
	cfg->endpoint_url = endpoint;
	cfg->region = "eu-west-1";
	cfg->access_key_id = KEY_ID;
	cfg->secret_access_key = SECRET;
	cfg->session_token = "a-session-token"; /* signed as a header, as STS credentials are */
	cfg->max_retries = 0;
}

static void glue_tables(ll_glue *g)
{
	ll_error err;
	bool created = false;
	CHECK_OK(ll_glue_create_database(g, "team", NULL, NULL, &created, &err), &err);
	CHECK(created);
	CHECK_OK(ll_glue_create_database(g, "team", NULL, NULL, &created, &err), &err);
	CHECK(!created);

	ll_schema *schema = NULL;
	ll_table *st = NULL;
	CHECK_OK(ll_schema_new("team", &schema, &err), &err);
	CHECK_OK(ll_schema_add_table(schema, "orders_copy", NULL, &st, &err), &err);
	ll_column id = { .name = "id", .type = LL_TYPE_BIGINT, .nullable = true, .field_id = -1 };
	CHECK_OK(ll_table_add_column(st, &id, NULL, &err), &err);
	char location[600];
	snprintf(location, sizeof(location), "%s/lake/shop/orders/", dir);
	ll_glue_table t;
	ll_glue_table_init(&t);
	CHECK_OK(ll_glue_table_hive(&t, "team", st, location, &err), &err);
	CHECK_OK(ll_glue_create_table(g, &t, &err), &err);
	CHECK_INT(ll_glue_create_table(g, &t, &err), LL_ECONFLICT);
	CHECK(ll_glue_already_exists(g));

	ll_glue_table got;
	ll_glue_table_init(&got);
	CHECK_OK(ll_glue_get_table(g, "team", "orders_copy", &got, &err), &err);
	CHECK_STR(got.version_id, "1");
	CHECK_STR(got.storage.location, location);
	CHECK_OK(ll_glue_update_table(g, &t, "1", &err), &err);
	CHECK_INT(ll_glue_update_table(g, &t, "1", &err), LL_ECONFLICT);
	CHECK_INT(ll_glue_get_table(g, "team", "missing", &got, &err), LL_ENOTFOUND);
	ll_glue_table_free(&got);
	ll_glue_table_free(&t);
	ll_schema_free(schema);
}

/* An Iceberg commit as lakeload's Glue catalog makes it, on the lake's own Iceberg table. */
static void glue_iceberg_commit(ll_glue *g)
{
	ll_error err;
	ll_glue_table t;
	ll_glue_table_init(&t);
	CHECK_OK(ll_glue_get_table(g, "shop", "ice", &t, &err), &err);
	CHECK(ll_glue_table_is_iceberg(&t));
	CHECK_STR(t.version_id, "0");
	const char *md = ll_glue_params_get(&t.parameters, "metadata_location");
	CHECK(md != NULL);
	/* columns carry the field ids of the table's metadata, as Iceberg's GlueCatalog writes them */
	const ll_glue_column *first = t.storage.columns.count ? &t.storage.columns.items[0] : NULL;
	CHECK(first && strcmp(first->name, "id") == 0);
	CHECK_STR(first ? ll_glue_params_get(&first->parameters, "iceberg.field.id") : NULL, "1");
	char *current = strdup(md ? md : "");
	char *version = strdup(t.version_id ? t.version_id : "");
	CHECK_OK(ll_glue_table_set_metadata_location(&t, current, &err), &err);
	CHECK_OK(ll_glue_update_table(g, &t, version, &err), &err);
	CHECK_INT(ll_glue_update_table(g, &t, version, &err), LL_ECONFLICT);
	ll_glue_table_free(&t);
	ll_glue_table_init(&t);
	CHECK_OK(ll_glue_get_table(g, "shop", "ice", &t, &err), &err);
	CHECK_STR(t.version_id, "1");
	CHECK_STR(ll_glue_params_get(&t.parameters, "previous_metadata_location"), current);
	ll_glue_table_free(&t);
	free(current);
	free(version);
}

typedef struct first_cell {
	char text[64];
	size_t rows;
} first_cell;

static int keep_first(void *user, size_t ncols, const char *const *names, const ll_cell *cells)
{
	(void)names;
	first_cell *f = user;
	if (f->rows++ == 0 && ncols > 0) {
		if (cells[0].kind == LL_CELL_INT)
			snprintf(f->text, sizeof(f->text), "%lld", (long long)cells[0].i);
		else if (cells[0].kind == LL_CELL_TEXT)
			snprintf(f->text, sizeof(f->text), "%.*s", (int)cells[0].len, cells[0].s);
	}
	return 0;
}

static void athena_queries(void)
{
	ll_athena_config cfg;
	ll_athena_config_init(&cfg);
	client_config(&cfg.aws, LL_AWS_ATHENA);
	char output[600];
	snprintf(output, sizeof(output), "%s/results/", dir);
	cfg.output_location = output;
	cfg.poll_initial_ms = 10;
	cfg.page_size = 7;
	ll_athena *a = NULL;
	ll_error err;
	CHECK_OK(ll_athena_open(&a, &cfg, &err), &err);
	if (!a)
		return;
	/* the Glue table made above, the Iceberg table followed through its Glue document */
	static const struct { const char *sql, *database, *want; } queries[] = {
		{ "SELECT count(*) FROM orders_copy", "team", "25" },
		{ "SELECT count(*) FROM \"shop\".\"ice\"", "shop", "25" },
		{ "SELECT name FROM orders WHERE id = 7", "shop", "n7" },
	};
	for (size_t i = 0; i < sizeof(queries) / sizeof(queries[0]); i++) {
		first_cell f = { "", 0 };
		CHECK_OK(ll_athena_query(a, queries[i].sql, queries[i].database, keep_first, &f, &err),
			 &err);
		CHECK_STR(f.text, queries[i].want);
	}
	first_cell all = { "", 0 };
	CHECK_OK(ll_athena_query(a, "SELECT id FROM orders ORDER BY id", "shop", keep_first, &all,
				 &err), &err);
	CHECK_INT(all.rows, 25); /* over four pages of 7, the header dropped */
	CHECK_INT(ll_athena_query(a, "SELECT * FROM nowhere", "shop", keep_first, &all, &err),
		  LL_ESQL);
	CHECK(strstr(err.message, "nowhere") != NULL);
	ll_athena_free(a);
}

static void serve_clients(void)
{
	if (!mkdtemp(dir)) {
		CHECK(!"mkdtemp");
		return;
	}
	load_lake();
	if (!start_server()) {
		CHECK(!"lakeload serve did not start");
		return;
	}
	ll_aws_json_config cfg;
	client_config(&cfg, LL_AWS_GLUE);
	ll_glue *g = NULL;
	ll_error err;
	CHECK_OK(ll_glue_open(&g, &cfg, NULL, &err), &err);
	if (g) {
		glue_tables(g);
		glue_iceberg_commit(g);
		ll_glue_free(g);
	}
	athena_queries();
	stop_server();
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (ll_test_failures == 0)
		run(cmd);
	else
		fprintf(stderr, "test files kept in %s\n", dir);
}

LL_TEST_MAIN(LL_TEST(serve_clients))
