/*
 * `lakeload serve`: its options, the keys it accepts and the lake it serves.
 *
 * Keys: --access-key-id with --secret-access-key, else the environment's
 * LAKELOAD_SERVE_ACCESS_KEY_ID with LAKELOAD_SERVE_SECRET_ACCESS_KEY; with
 * neither, the credentials lakeload's AWS credential chain resolves from the
 * configuration (.dlt files, AWS_* environment, ~/.aws), so clients that
 * share that configuration sign as the server expects.
 *
 * The lake: --lake, else destination.filesystem.bucket_url, else ./lake;
 * its catalog as `lakeload query` finds it (--catalog FILE to name
 * another). Work groups: "primary", [destination.athena] athena_work_group
 * and each --work-group.
 *
 * --ui adds the web view (ui.c) at http://HOST:PORT/. Its endpoints take no
 * signature, so --ui is refused on an address other than loopback unless
 * --ui-any-host says the user means it; and without keys the web view still
 * runs (the Glue and Athena APIs then refuse every request).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/aws_credentials.h"
#include "pipeline/pipeline_internal.h"
#include "serve/serve.h"
#include "serve/serve_internal.h"

#define MAX_WORKGROUPS 32

typedef struct serve_args {
	const char *host, *port, *lake, *catalog, *home, *config_dir;
	const char *access_key_id, *secret_access_key;
	const char *workgroups[MAX_WORKGROUPS];
	size_t nworkgroups;
	bool ui, ui_any_host;
} serve_args;

static const char usage[] =
	"usage: lakeload serve [--host 127.0.0.1] [--port 4566] [--lake DIR|s3://BUCKET/PREFIX]\n"
	"                      [--catalog FILE] [--home DIR] [--config-dir DIR]\n"
	"                      [--access-key-id ID --secret-access-key SECRET] [--work-group NAME]\n"
	"                      [--ui [--ui-any-host]]\n"
	"serves the AWS Glue and Athena APIs over the lake (point AWS_ENDPOINT_URL_GLUE and\n"
	"AWS_ENDPOINT_URL_ATHENA at the URL it prints); --port 0 picks a free port\n"
	"--ui also serves a web view at the URL: pipelines and their loads, tables, Iceberg\n"
	"snapshots and a query box; it takes no signature, so it is loopback-only unless\n"
	"--ui-any-host is given too\n";

static int usage_error(const char *what, const char *arg)
{
	fprintf(stderr, "lakeload: serve: %s%s\n%s", what, arg, usage);
	return 2;
}

static const char **option_slot(serve_args *a, const char *name)
{
	static const struct { const char *name; size_t offset; } options[] = {
		{ "host", offsetof(serve_args, host) },
		{ "port", offsetof(serve_args, port) },
		{ "lake", offsetof(serve_args, lake) },
		{ "catalog", offsetof(serve_args, catalog) },
		{ "home", offsetof(serve_args, home) },
		{ "config-dir", offsetof(serve_args, config_dir) },
		{ "access-key-id", offsetof(serve_args, access_key_id) },
		{ "secret-access-key", offsetof(serve_args, secret_access_key) },
	};
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++)
		if (strcmp(name, options[i].name) == 0)
			return (const char **)((char *)a + options[i].offset);
	if (strcmp(name, "work-group") == 0 && a->nworkgroups < MAX_WORKGROUPS)
		return &a->workgroups[a->nworkgroups++];
	return NULL;
}

/* 127.0.0.0/8, ::1 or localhost: a bind only this machine can reach. */
static bool is_loopback(const char *host)
{
	return strncmp(host, "127.", 4) == 0 || strcmp(host, "::1") == 0 ||
	       strcmp(host, "localhost") == 0;
}

static int parse_args(int argc, char **argv, serve_args *a)
{
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			fputs(usage, stdout);
			return -1;
		}
		if (strncmp(arg, "--", 2) != 0)
			return usage_error("unexpected argument ", arg);
		if (strcmp(arg, "--ui") == 0 || strcmp(arg, "--ui-any-host") == 0) {
			*(arg[4] ? &a->ui_any_host : &a->ui) = true;
			continue;
		}
		char name[64];
		const char *eq = strchr(arg, '=');
		size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		if (len >= sizeof(name))
			return usage_error("unknown option ", arg);
		memcpy(name, arg + 2, len);
		name[len] = '\0';
		const char **slot = option_slot(a, name);
		if (!slot)
			return usage_error("unknown option ", arg);
		const char *value = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
		if (!value)
			return usage_error("option needs a value: ", arg);
		*slot = value;
	}
	if (!a->access_key_id != !a->secret_access_key)
		return usage_error("--access-key-id and --secret-access-key go together", "");
	char *end = NULL;
	long port = a->port ? strtol(a->port, &end, 10) : 4566;
	if ((a->port && (!*a->port || *end)) || port < 0 || port > 65535)
		return usage_error("--port takes a number from 0 to 65535, not ", a->port);
	if (a->ui_any_host && !a->ui)
		return usage_error("--ui-any-host goes with --ui", "");
	if (a->ui && !a->ui_any_host && a->host && !is_loopback(a->host))
		return usage_error("--ui serves unsigned requests, so only on a loopback address; "
				   "add --ui-any-host to serve it on ", a->host);
	return 0;
}

static void log_warning(void *user, ll_log_level level, const char *msg)
{
	(void)user;
	if (level >= LL_LOG_WARN)
		fprintf(stderr, "lakeload: warning: %s\n", msg);
}

static ll_status add_key(ll_serve *s, const char *id, const char *secret, ll_error *err)
{
	serve_key *more = realloc(s->keys, (s->nkeys + 1) * sizeof(*more));
	if (!more)
		return ll_error_oom(err);
	s->keys = more;
	more[s->nkeys].access_key_id = strdup(id);
	more[s->nkeys].secret_access_key = strdup(secret);
	s->nkeys++;
	return LL_OK;
}

static ll_status resolve_keys(ll_serve *s, const serve_args *a, ll_config *conf, ll_error *err)
{
	if (a->access_key_id)
		return add_key(s, a->access_key_id, a->secret_access_key, err);
	const char *id = getenv("LAKELOAD_SERVE_ACCESS_KEY_ID");
	const char *secret = getenv("LAKELOAD_SERVE_SECRET_ACCESS_KEY");
	if (id && *id && secret && *secret)
		return add_key(s, id, secret, err);
	ll_aws_provider *p;
	ll_status st = ll_aws_provider_open(&p, conf, err);
	if (st != LL_OK)
		return ll_error_prefix(err, "serve needs the keys clients sign with (--access-key-id "
					    "and --secret-access-key, or the AWS credentials of the "
					    "configuration)");
	ll_aws_creds creds;
	memset(&creds, 0, sizeof(creds));
	st = ll_aws_provider_get(p, &creds, err);
	if (st == LL_OK)
		st = add_key(s, ll_buf_cstr(&creds.access_key_id), ll_buf_cstr(&creds.secret_access_key),
			     err);
	ll_aws_creds_clear(&creds);
	ll_aws_provider_free(p);
	return st;
}

static void free_keys(ll_serve *s)
{
	for (size_t i = 0; i < s->nkeys; i++) {
		char *secret = s->keys[i].secret_access_key;
		if (secret)
			memset(secret, 0, strlen(secret));
		free(secret);
		free(s->keys[i].access_key_id);
	}
	free(s->keys);
}

static void add_workgroups(ll_serve *s, const serve_args *a, const ll_config *conf,
			   const char **groups)
{
	const char *configured = ll_config_get(conf, "destination.athena.athena_work_group", NULL);
	if (configured && *configured && strcmp(configured, "primary") != 0)
		groups[s->nworkgroups++] = configured;
	for (size_t i = 0; i < a->nworkgroups; i++)
		groups[s->nworkgroups++] = a->workgroups[i];
	s->workgroups = groups;
}

/* Opens the lake, its catalog and the Glue store, then serves. */
static ll_status serve_lake(ll_serve *s, const serve_args *a, ll_config *conf, ll_error *err)
{
	const char *lake;
	ll_s3_options s3;
	bool use_s3;
	ll_status st = ll_config_resolve_lake(conf, a->lake, &lake, &s3, &use_s3, err);
	if (st != LL_OK)
		return st;
	ll_lake_options lo = { .lake = lake, .s3 = use_s3 ? &s3 : NULL, .catalog = a->catalog,
			       .home = a->home };
	s->lake_options = lo;
	st = ll_lake_open(&lo, NULL, true, &s->storage, &s->catalog, err);
	if (st != LL_OK)
		return st;
	s->catalog_path = ll_catalog_path(s->catalog);
	s->lake = ll_catalog_lake(s->catalog);
	st = serve_store_open(s->catalog_path, &s->store, err);
	if (st == LL_OK)
		st = serve_run(s, err);
	sqlite3_close(s->store);
	ll_catalog_free(s->catalog);
	ll_storage_free(s->storage);
	return st;
}

int ll_serve_main(int argc, char **argv)
{
	serve_args a;
	memset(&a, 0, sizeof(a));
	int rc = parse_args(argc, argv, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	ll_error err;
	ll_error_clear(&err);
	ll_config *conf = NULL;
	ll_serve s;
	memset(&s, 0, sizeof(s));
	s.host = a.host ? a.host : "127.0.0.1";
	s.port = a.port ? atoi(a.port) : 4566;
	pthread_mutex_init(&s.mu, NULL);
	const char *groups[MAX_WORKGROUPS + 1];
	ll_status st = ll_config_load(&conf, a.config_dir, log_warning, NULL, &err);
	if (st == LL_OK)
		st = resolve_keys(&s, &a, conf, &err);
	if (st != LL_OK && conf && a.ui) {
		char msg[4096];
		fprintf(stderr, "lakeload: warning: serve: %s; only the web view is served\n",
			ll_error_format(&err, msg, sizeof(msg)));
		ll_error_clear(&err);
		st = LL_OK;
	}
	s.ui = a.ui;
	s.home = a.home;
	int failure = 2; /* until the lake is served, a failure is in the configuration */
	if (st == LL_OK) {
		add_workgroups(&s, &a, conf, groups);
		failure = 1;
		st = serve_lake(&s, &a, conf, &err);
	}
	if (st != LL_OK) {
		char msg[4096];
		fprintf(stderr, "lakeload: serve: %s\n", ll_error_format(&err, msg, sizeof(msg)));
	}
	free_keys(&s);
	pthread_mutex_destroy(&s.mu);
	ll_config_free(conf);
	return st == LL_OK ? 0 : failure;
}
