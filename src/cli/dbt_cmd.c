/*
 * `lakeload dbt-profile [PIPELINE_FILE] [--destination athena|local]
 * [--dataset NAME] [--write]`: the profiles.yml dbt needs to build models on
 * the tables a pipeline loaded, as dlt's dbt runner sets one up.
 *
 * athena: a dbt-athena-community target: s3_staging_dir from
 * query_result_bucket, s3_data_dir from bucket_url, region_name, schema =
 * the dataset, database = aws_data_catalog, work_group, and credentials as
 * aws_profile_name or keys. local: a dbt-duckdb target over the local lake,
 * and with --write a models/lakeload_sources.yml whose sources read the
 * lake's Parquet files (each table's external_location).
 *
 * Secrets: printed, the profile refers to keys through dbt's env_var() with
 * the variable dlt reads them from, never their values; only --write puts
 * the values in profiles.yml, created with mode 0600. Exit status: 0 done,
 * 1 a file could not be written, 2 usage or configuration to fix.
 */
#include "dbt_cmd.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config_cmd.h"
#include "lakeload.h"

typedef struct dbt_args {
	const char *file, *destination, *dataset, *config_dir, *lake;
	bool write;
} dbt_args;

typedef struct profile {
	const char *name, *dataset, *destination;
	ll_config *config;
	FILE *out;
	bool write;
} profile;

static const char dbt_usage[] =
	"usage: lakeload dbt-profile [PIPELINE_FILE] [--destination athena|local] [--dataset NAME]\n"
	"                            [--write] [--lake DIR] [--config-dir DIR]\n"
	"\n"
	"Prints a dbt profiles.yml for the dataset of PIPELINE_FILE (default: pipeline.toml,\n"
	"if there is one). Credentials are referred to by environment variables; --write\n"
	"writes profiles.yml (mode 0600) with their values instead, and for a local lake\n"
	"models/lakeload_sources.yml whose sources read the lake's Parquet files.\n";

static int dbt_usage_error(const char *fmt, const char *arg)
{
	return cli_command_usage_error("dbt-profile", fmt, arg);
}

/* A YAML double-quoted scalar. */
static void yaml_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		if ((unsigned char)*s < 0x20)
			fprintf(out, "\\x%02x", (unsigned char)*s);
		else
			fputc(*s, out);
	}
	fputc('"', out);
}

static void yaml_key(FILE *out, int indent, const char *key, const char *value)
{
	fprintf(out, "%*s%s: ", indent, "", key);
	yaml_string(out, value);
	fputc('\n', out);
}

/* A placeholder of the init template counts as not set. */
static const char *setting(const profile *p, const char *key, const char **origin)
{
	const char *v = ll_config_get(p->config, key, origin);
	return v && *v && strcmp(v, "please set me up!") != 0 ? v : NULL;
}

/* A credential from the Athena section, else the filesystem one (either serves both, as in dlt). */
static const char *credential(const profile *p, const char *name, char *env, size_t size)
{
	static const char *const sections[] = { "destination.athena.credentials",
						"destination.filesystem.credentials" };
	for (size_t i = 0; i < 2; i++) {
		char key[160];
		if ((size_t)snprintf(key, sizeof(key), "%s.%s", sections[i], name) >= sizeof(key))
			continue;
		const char *v = setting(p, key, NULL);
		if (!v)
			continue;
		size_t o = 0;
		for (const char *k = key; *k && o + 3 < size; k++) {
			if (*k == '.') {
				env[o++] = '_';
				env[o++] = '_';
			} else {
				env[o++] = (char)(*k >= 'a' && *k <= 'z' ? *k - 32 : *k);
			}
		}
		env[o] = '\0';
		return v;
	}
	return NULL;
}

/* A secret key: its value with --write, else dbt's env_var() of the variable dlt reads. */
static void secret_key(const profile *p, const char *yaml_name, const char *name)
{
	char env[200];
	const char *v = credential(p, name, env, sizeof(env));
	if (!v)
		return;
	if (p->write) {
		yaml_key(p->out, 6, yaml_name, v);
	} else {
		char ref[300];
		if ((size_t)snprintf(ref, sizeof(ref), "{{ env_var('%s') }}", env) >= sizeof(ref))
			return;
		yaml_key(p->out, 6, yaml_name, ref);
	}
}

static int athena_profile(const profile *p)
{
	const char *staging = setting(p, "destination.athena.query_result_bucket", NULL);
	if (!staging) {
		fprintf(stderr, "lakeload: dbt-profile: athena needs query_result_bucket: set it in "
			"[destination.athena] of .dlt/secrets.toml (or DESTINATION__ATHENA__QUERY_RESULT_BUCKET)\n");
		return 2;
	}
	char env[200];
	const char *region = credential(p, "region_name", env, sizeof(env));
	region = region ? region : getenv("AWS_REGION") ? getenv("AWS_REGION") : getenv("AWS_DEFAULT_REGION");
	const char *catalog = setting(p, "destination.athena.aws_data_catalog", NULL);
	const char *work_group = setting(p, "destination.athena.athena_work_group", NULL);
	const char *bucket = setting(p, "destination.filesystem.bucket_url", NULL);
	const char *profile_name = credential(p, "profile_name", env, sizeof(env));
	fprintf(p->out, "    %s:\n", "dev");
	yaml_key(p->out, 6, "type", "athena");
	yaml_key(p->out, 6, "s3_staging_dir", staging);
	if (bucket && strncmp(bucket, "s3://", 5) == 0)
		yaml_key(p->out, 6, "s3_data_dir", bucket);
	yaml_key(p->out, 6, "region_name", region ? region : "us-east-1");
	yaml_key(p->out, 6, "schema", p->dataset);
	yaml_key(p->out, 6, "database", catalog ? catalog : "awsdatacatalog");
	if (work_group)
		yaml_key(p->out, 6, "work_group", work_group);
	if (profile_name) {
		yaml_key(p->out, 6, "aws_profile_name", profile_name);
	} else {
		secret_key(p, "aws_access_key_id", "aws_access_key_id");
		secret_key(p, "aws_secret_access_key", "aws_secret_access_key");
		secret_key(p, "aws_session_token", "aws_session_token");
	}
	fprintf(p->out, "      threads: 4\n");
	return 0;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Whether dir holds Parquet files of its own (a hive table's folder). */
static bool holds_parquet(const char *dir)
{
	DIR *d = opendir(dir);
	bool found = false;
	for (struct dirent *e; d && !found && (e = readdir(d));)
		found = has_suffix(e->d_name, ".parquet");
	if (d)
		closedir(d);
	return found;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* models/lakeload_sources.yml: the dataset's hive tables, each read from its Parquet files. */
static int write_sources(const profile *p, const char *root)
{
	char dir[4096], table_dir[4352];
	if ((size_t)snprintf(dir, sizeof(dir), "%s/%s", root, p->dataset) >= sizeof(dir))
		return dbt_usage_error("the lake's path is too long: %s", root);
	DIR *d = opendir(dir);
	char *names[1024];
	size_t n = 0;
	for (struct dirent *e; d && n < 1024 && (e = readdir(d));) {
		if ((size_t)snprintf(table_dir, sizeof(table_dir), "%s/%s", dir, e->d_name) >= sizeof(table_dir))
			continue;
		if (e->d_name[0] != '.' && strncmp(e->d_name, "_dlt", 4) != 0 && holds_parquet(table_dir))
			names[n++] = strdup(e->d_name);
	}
	if (d)
		closedir(d);
	qsort(names, n, sizeof(names[0]), compare_names);
	if (mkdir("models", 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "lakeload: dbt-profile: cannot create models: %s\n", strerror(errno));
		return 1;
	}
	FILE *f = fopen("models/lakeload_sources.yml", "w");
	if (!f) {
		fprintf(stderr, "lakeload: dbt-profile: cannot write models/lakeload_sources.yml: %s\n",
			strerror(errno));
		return 1;
	}
	fprintf(f, "# The tables lakeload loaded into %s, read from the lake's Parquet files.\n"
		"version: 2\nsources:\n  - name: %s\n    schema: %s\n    tables:\n", p->dataset,
		p->dataset, p->dataset);
	for (size_t i = 0; i < n; i++) {
		char location[8192];
		if ((size_t)snprintf(location, sizeof(location),
				     "read_parquet('%s/%s/*.parquet', union_by_name = true)", dir,
				     names[i]) >= sizeof(location))
			location[0] = '\0';
		fprintf(f, "      - name: %s\n        meta:\n", names[i]);
		yaml_key(f, 10, "external_location", location);
		free(names[i]);
	}
	bool ok = fclose(f) == 0;
	if (ok)
		fprintf(stderr, "lakeload: wrote models/lakeload_sources.yml (%zu table%s of %s)\n", n,
			n == 1 ? "" : "s", p->dataset);
	return ok ? 0 : 1;
}

static int local_profile(const profile *p, const char *lake)
{
	char root[4096];
	if (!realpath(lake, root)) {
		fprintf(stderr, "lakeload: dbt-profile: the lake %s does not exist; run the pipeline "
			"first or pass --lake DIR\n", lake);
		return 2;
	}
	char path[4200], external[4200];
	if ((size_t)snprintf(path, sizeof(path), "%s/dbt_%s.duckdb", root, p->dataset) >= sizeof(path) ||
	    (size_t)snprintf(external, sizeof(external), "%s/%s", root, p->dataset) >= sizeof(external))
		return dbt_usage_error("the lake's path is too long: %s", root);
	fprintf(p->out, "    dev:\n");
	yaml_key(p->out, 6, "type", "duckdb");
	yaml_key(p->out, 6, "path", path);
	yaml_key(p->out, 6, "schema", p->dataset);
	yaml_key(p->out, 6, "external_root", external);
	fprintf(p->out, "      threads: 4\n");
	return p->write ? write_sources(p, root) : 0;
}

static int parse_dbt_args(int argc, char **argv, dbt_args *a)
{
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		const char **slot = strcmp(arg, "--destination") == 0 ? &a->destination
				    : strcmp(arg, "--dataset") == 0   ? &a->dataset
				    : strcmp(arg, "--config-dir") == 0 ? &a->config_dir
				    : strcmp(arg, "--lake") == 0      ? &a->lake
								      : NULL;
		if (slot) {
			if (i + 1 == argc)
				return dbt_usage_error("option %s needs a value", arg);
			*slot = argv[++i];
		} else if (strcmp(arg, "--write") == 0) {
			a->write = true;
		} else if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			fputs(dbt_usage, stdout);
			return -1;
		} else if (arg[0] == '-' || a->file) {
			return dbt_usage_error("unexpected argument %s", arg);
		} else {
			a->file = arg;
		}
	}
	if (a->destination && strcmp(a->destination, "athena") != 0 && strcmp(a->destination, "local") != 0)
		return dbt_usage_error("unknown destination \"%s\"; use athena or local", a->destination);
	return 0;
}

/* Writes profiles.yml with mode 0600 (also when it existed with another mode). */
static FILE *open_private(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || fchmod(fd, 0600) != 0) {
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	return fdopen(fd, "w");
}

static int emit(profile *p, const dbt_args *a)
{
	if (p->write && !(p->out = open_private("profiles.yml"))) {
		fprintf(stderr, "lakeload: dbt-profile: cannot write profiles.yml: %s\n", strerror(errno));
		return 1;
	}
	if (!p->write)
		p->out = stdout;
	fprintf(p->out, "# dbt profile for the dataset %s, made by lakeload dbt-profile\n", p->dataset);
	fprintf(p->out, "%s:\n  target: dev\n  outputs:\n", p->name);
	const char *bucket = setting(p, "destination.filesystem.bucket_url", NULL);
	const char *lake = a->lake ? a->lake : bucket && !strstr(bucket, "://") ? bucket : "lake";
	int rc = strcmp(p->destination, "athena") == 0 ? athena_profile(p) : local_profile(p, lake);
	if (p->write && fclose(p->out) != 0 && rc == 0) {
		fprintf(stderr, "lakeload: dbt-profile: cannot write profiles.yml: %s\n", strerror(errno));
		rc = 1;
	}
	if (p->write && rc == 0)
		fprintf(stderr, "lakeload: wrote profiles.yml (mode 0600: it holds credentials); "
			"run dbt with --profiles-dir .\n");
	if (p->write && rc != 0)
		unlink("profiles.yml");
	return rc;
}

int cli_dbt_profile(int argc, char **argv)
{
	dbt_args a = { 0 };
	int rc = parse_dbt_args(argc, argv, &a);
	if (rc)
		return rc < 0 ? 0 : rc;
	struct stat sb;
	const char *file = a.file ? a.file : stat("pipeline.toml", &sb) == 0 ? "pipeline.toml" : NULL;
	ll_pipeline_file *f = NULL;
	ll_error err;
	ll_error_clear(&err);
	char buf[4096];
	if (file && ll_pipeline_file_read(file, &f, &err) != LL_OK) {
		fprintf(stderr, "lakeload: %s\n", ll_error_format(&err, buf, sizeof(buf)));
		return 2;
	}
	profile p = { 0 };
	const char *name = NULL, *dataset = NULL, *destination = NULL;
	if (f)
		ll_pipeline_file_describe(f, &name, &dataset, &destination);
	p.dataset = a.dataset ? a.dataset : dataset;
	p.destination = a.destination ? a.destination : destination ? destination : "local";
	p.name = name ? name : p.dataset;
	p.write = a.write;
	cli_config_flags flags = { a.config_dir, NULL, NULL, NULL };
	if (!p.dataset)
		rc = dbt_usage_error("no dataset: name it with --dataset NAME or run where pipeline.toml is%s", "");
	else if (cli_config_open(&p.config, &flags, NULL, &err) != LL_OK) {
		fprintf(stderr, "lakeload: %s\n", ll_error_format(&err, buf, sizeof(buf)));
		rc = 2;
	} else {
		rc = emit(&p, &a);
	}
	ll_config_free(p.config);
	ll_pipeline_file_free(f);
	return rc;
}
