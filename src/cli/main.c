/*
 * The lakeload command line: a thin client of the public API in lakeload.h.
 *
 * Each command parses its options, calls the library and turns the result
 * into a message and an exit status: 0 success, 1 the operation failed, 2
 * the command line was wrong. Errors print as "lakeload: <where>: <what>".
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>

#include "config_cmd.h"
#include "dbt_cmd.h"
#include "help.h"
#include "init_cmd.h"
#include "progress.h"
#include "lakeload.h"
#include "serve/serve.h"
#include "util/time.h"

#define MAX_LIST 64

typedef struct cli_args {
	const char *positional[MAX_LIST];
	size_t npositional;
	const char *dataset, *table, *lake, *pipeline, *home, *codec, *layout, *format;
	const char *disposition, *table_format, *where, *dialect, *resource, *progress;
	const char *endpoint_url, *region, *profile, *config_dir, *destination, *catalog, *engine;
	const char *max_table_nesting;
	const char *threads;
	const char *older_than, *retain_last; /* vacuum */
	const char *target_size;              /* optimize */
	const char *partition[MAX_LIST];
	size_t npartition;
	const char *primary_key[MAX_LIST];
	size_t nprimary_key;
	const char *merge_key[MAX_LIST];
	size_t nmerge_key;
	const char *columns[MAX_LIST];
	size_t ncolumns;
	const char *detect[MAX_LIST];
	size_t ndetect;
	int verbosity;
	bool ddl;  /* show: the Athena DDL instead of the description */
	bool wide; /* --wide: query's table shows wide cells whole */
	bool all;  /* --all: config show lists unset keys too */
} cli_args;

static const char usage_text[] =
	"usage: lakeload <command> [options]\n"
	"\n"
	"commands:\n"
	"  load FILE...   load NDJSON / JSON files (\"-\" for stdin; .gz detected) into a dataset\n"
	"  query SQL      run SQL over the lake (tables are <dataset>.<table>); with\n"
	"                 --destination athena on Athena, in the database --dataset names\n"
	"                 (--engine embedded: on the embedded engine over the Glue tables)\n"
	"  info           show pipelines, their loads and tables\n"
	"  delete DATASET.TABLE --where COND\n"
	"                 remove the rows of an Iceberg table matching a SQL condition, in one\n"
	"                 commit (child tables lose the rows of removed root rows)\n"
	"  history DATASET.TABLE\n"
	"                 list an Iceberg table's snapshots with their summaries\n"
	"  vacuum DATASET.TABLE [--older-than DURATION] [--retain-last N]\n"
	"                 expire an Iceberg table's old snapshots and delete unreferenced files\n"
	"  optimize DATASET.TABLE [--where COND] [--target-size SIZE]\n"
	"                 rewrite an Iceberg table's small files and files with deletes into\n"
	"                 right-sized ones, in one commit per table (child tables too)\n"
	"  config show [--all]\n"
	"                 print the resolved configuration, secrets masked, and where each\n"
	"                 value came from (--all: every key lakeload reads, set or not)\n"
	"  drop-pending [--pipeline NAME]\n"
	"                 drop the pipeline's unfinished loads (the only pipeline if not named)\n"
	"  run [pipeline.toml] [--resource NAME]\n"
	"                 extract, normalize and load the resources of a pipeline file;\n"
	"                 an interrupted run is finished first\n"
	"  init SOURCE DESTINATION\n"
	"                 scaffold a pipeline (chess, rest_api, filesystem; athena, local)\n"
	"  dbt-profile [PIPELINE_FILE] [--destination athena|local] [--write]\n"
	"                 a dbt profiles.yml for the pipeline's dataset\n"
	"  drop-table DATASET.TABLE\n"
	"                 remove a table from the lake's catalog (its files stay), e.g. one\n"
	"                 whose Iceberg metadata was deleted; the next load creates it anew\n"
	"  show DATASET.TABLE [--ddl]\n"
	"                 a table's format, location, hints, columns, and files or snapshots;\n"
	"                 --ddl: the Athena DDL that defines it\n"
	"  register DATASET.TABLE LOCATION_OF_METADATA_JSON\n"
	"                 adopt an existing Iceberg table (its metadata must read) into the\n"
	"                 catalog of the destination\n"
	"  serve          serve the AWS Glue and Athena APIs over the lake\n"
	"\n"
	"run 'lakeload COMMAND --help' for the options of one command\n"
	"\n"
	"options of every command:\n"
	"  -q, --quiet / -v, --verbose less / more messages on stderr\n"
	"  -h, --help, --version\n";

static void print_error(const ll_error *err)
{
	char buf[4096];
	fprintf(stderr, "lakeload: %s\n", ll_error_format(err, buf, sizeof(buf)));
}

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "lakeload: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nrun 'lakeload --help' for usage\n");
	return 2;
}

static void log_to_stderr(void *user, ll_log_level level, const char *msg)
{
	(void)user;
	static const char *const names[] = { "debug", "info", "warning", "error" };
	if (level == LL_LOG_INFO)
		fprintf(stderr, "lakeload: %s\n", msg);
	else
		fprintf(stderr, "lakeload: %s: %s\n", names[level], msg);
}

static bool push_list(const char **list, size_t *n, const char *value)
{
	if (*n >= MAX_LIST)
		return false;
	list[(*n)++] = value;
	return true;
}

/* Options that take a value; returns the slot for it or NULL if unknown. */
static const char **value_slot(cli_args *a, const char *name)
{
	static const struct { const char *name; size_t offset; } options[] = {
		{ "dataset", offsetof(cli_args, dataset) },
		{ "table", offsetof(cli_args, table) },
		{ "lake", offsetof(cli_args, lake) },
		{ "pipeline", offsetof(cli_args, pipeline) },
		{ "home", offsetof(cli_args, home) },
		{ "codec", offsetof(cli_args, codec) },
		{ "layout", offsetof(cli_args, layout) },
		{ "format", offsetof(cli_args, format) },
		{ "write-disposition", offsetof(cli_args, disposition) },
		{ "table-format", offsetof(cli_args, table_format) },
		{ "where", offsetof(cli_args, where) },
		{ "dialect", offsetof(cli_args, dialect) },
		{ "resource", offsetof(cli_args, resource) },
		{ "progress", offsetof(cli_args, progress) },
		{ "endpoint-url", offsetof(cli_args, endpoint_url) },
		{ "region", offsetof(cli_args, region) },
		{ "profile", offsetof(cli_args, profile) },
		{ "config-dir", offsetof(cli_args, config_dir) },
		{ "destination", offsetof(cli_args, destination) },
		{ "catalog", offsetof(cli_args, catalog) },
		{ "engine", offsetof(cli_args, engine) },
		{ "max-table-nesting", offsetof(cli_args, max_table_nesting) },
		{ "threads", offsetof(cli_args, threads) },
		{ "older-than", offsetof(cli_args, older_than) },
		{ "retain-last", offsetof(cli_args, retain_last) },
		{ "target-size", offsetof(cli_args, target_size) },
	};
	for (size_t i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
		if (strcmp(name, options[i].name) == 0)
			return (const char **)((char *)a + options[i].offset);
	}
	return NULL;
}

/* Options that may repeat; returns their list or NULL if name is not one. */
static const char **repeatable_list(cli_args *a, const char *name, size_t **n)
{
	if (strcmp(name, "primary-key") == 0)
		return *n = &a->nprimary_key, a->primary_key;
	if (strcmp(name, "merge-key") == 0)
		return *n = &a->nmerge_key, a->merge_key;
	if (strcmp(name, "column") == 0)
		return *n = &a->ncolumns, a->columns;
	if (strcmp(name, "partition") == 0)
		return *n = &a->npartition, a->partition;
	if (strcmp(name, "detect") == 0)
		return *n = &a->ndetect, a->detect;
	return NULL;
}

static int parse_args(int argc, char **argv, cli_args *a)
{
	for (int i = 0; i < argc; i++) {
		const char *arg = argv[i];
		if (strcmp(arg, "-q") == 0 || strcmp(arg, "--quiet") == 0) {
			a->verbosity = -1;
			continue;
		}
		if (strcmp(arg, "-v") == 0 || strcmp(arg, "--verbose") == 0) {
			a->verbosity = 1;
			continue;
		}
		if (strcmp(arg, "--ddl") == 0) {
			a->ddl = true;
			continue;
		}
		if (strcmp(arg, "--wide") == 0) {
			a->wide = true;
			continue;
		}
		if (strcmp(arg, "--all") == 0) {
			a->all = true;
			continue;
		}
		if (strncmp(arg, "--", 2) != 0 || strcmp(arg, "-") == 0) {
			if (!push_list(a->positional, &a->npositional, arg))
				return usage_error("too many arguments (at most %s)", "64");
			continue;
		}
		char name[64];
		const char *eq = strchr(arg + 2, '=');
		size_t len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		if (len >= sizeof(name))
			return usage_error("unknown option %s", arg);
		memcpy(name, arg + 2, len);
		name[len] = '\0';
		const char *value = eq ? eq + 1 : (i + 1 < argc ? argv[i + 1] : NULL);
		const char **slot = value_slot(a, name);
		size_t *count = NULL;
		const char **list = slot ? NULL : repeatable_list(a, name, &count);
		if (!slot && !list)
			return usage_error("unknown option %s", arg);
		if (!value)
			return usage_error("option --%s needs a value", name);
		if (slot)
			*slot = value;
		else if (!push_list(list, count, value))
			return usage_error("too many --%s options", name);
		if (!eq)
			i++;
	}
	return 0;
}

/* "name:type", "name:decimal(p,s)" -> hint. */
static bool parse_column_hint(const char *spec, ll_column_hint *h, char *name, size_t size)
{
	const char *colon = strrchr(spec, ':');
	if (!colon || colon == spec || (size_t)(colon - spec) >= size)
		return false;
	memcpy(name, spec, (size_t)(colon - spec));
	name[colon - spec] = '\0';
	memset(h, 0, sizeof(*h));
	h->name = name;
	h->nullable = true;
	const char *type = colon + 1;
	int p, s;
	if (sscanf(type, "decimal(%d,%d)", &p, &s) == 2) {
		if (p < 1 || p > 38 || s < 0 || s > p)
			return false;
		h->type = LL_TYPE_DECIMAL;
		h->precision = p;
		h->scale = s;
		return true;
	}
	return ll_data_type_parse(type, &h->type);
}

/* Default table name: the file's base name up to its first dot. */
static void table_from_path(const char *path, char *out, size_t size)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t len = strcspn(base, ".");
	if (len >= size)
		len = size - 1;
	memcpy(out, base, len);
	out[len] = '\0';
}

/* --config-dir must name a folder: a wrong one would silently mean "no configuration". */
static bool config_dir_exists(const cli_args *a)
{
	struct stat sb;
	if (!a->config_dir || (stat(a->config_dir, &sb) == 0 && S_ISDIR(sb.st_mode)))
		return true;
	usage_error("--config-dir %s is not a folder", a->config_dir);
	return false;
}

/* The configuration with this command line's --endpoint-url, --region and --profile on top. */
static ll_status config_open(const cli_args *a, ll_config **c, ll_error *err)
{
	cli_config_flags flags = { a->config_dir, a->endpoint_url, a->region, a->profile };
	return cli_config_open(c, &flags, log_to_stderr, err);
}

/* The destination settings of the configuration, the flags applied on top. */
typedef struct destination {
	ll_config *config;
	const char *lake;     /* NULL: nothing names one */
	ll_s3_options s3;
	bool use_s3;
	const char *catalog;  /* the local catalog file; NULL: the default */
	bool athena;          /* the athena destination, with athena_opt */
	ll_athena_options athena_opt;
} destination;

/*
 * Opens the destination settings; returns the exit status of a failure
 * (2 for a configuration the user must fix first), 0 on success.
 */
static int destination_open(const cli_args *a, destination *d)
{
	memset(d, 0, sizeof(*d));
	ll_error err;
	ll_error_clear(&err);
	if (!config_dir_exists(a))
		return 2;
	ll_status st = config_open(a, &d->config, &err);
	/* an unreadable configuration or a typo under [destination.*] (which must not
	   send the data to the default lake) is for the user to fix */
	if (st != LL_OK || (!a->lake && ll_config_check_destination_keys(d->config, &err) != LL_OK)) {
		print_error(&err);
		ll_config_free(d->config);
		d->config = NULL;
		return 2;
	}
	const char *bucket = ll_config_get(d->config, "destination.filesystem.bucket_url", NULL);
	st = ll_config_destination(d->config, a->destination, &d->athena, &err);
	if (st == LL_OK && (a->lake || bucket))
		st = ll_config_resolve_lake(d->config, a->lake, &d->lake, &d->s3, &d->use_s3, &err);
	if (st == LL_OK && d->athena)
		st = ll_config_athena_options(d->config, d->use_s3 ? &d->s3 : NULL, &d->athena_opt, &err);
	if (st == LL_OK)
		d->catalog = a->catalog ? a->catalog
					: ll_config_get(d->config, "destination.filesystem.catalog", NULL);
	if (st != LL_OK) {
		print_error(&err);
		ll_config_free(d->config);
		d->config = NULL;
		return 1;
	}
	return 0;
}

/* The lake the command line or configuration names, for the lake-level commands. */
static ll_lake_options lake_options(const cli_args *a, const destination *d)
{
	return (ll_lake_options){ .lake = d->lake ? d->lake : "lake", .s3 = d->use_s3 ? &d->s3 : NULL,
				  .catalog = d->catalog, .home = a->home,
				  .athena = d->athena ? &d->athena_opt : NULL };
}

static ll_pipeline_options pipeline_options(const cli_args *a)
{
	ll_pipeline_options o = { 0 };
	o.name = a->pipeline;
	o.dataset = a->dataset;
	o.lake = a->lake;
	o.home = a->home;
	o.codec = a->codec;
	o.layout = a->layout;
	o.log = log_to_stderr;
	o.log_level = a->verbosity > 0 ? LL_LOG_DEBUG : a->verbosity < 0 ? LL_LOG_WARN : LL_LOG_INFO;
	return o;
}

static int build_resource(const cli_args *a, ll_resource *res, ll_column_hint *hints,
			  char (*names)[256])
{
	memset(res, 0, sizeof(*res));
	if (a->disposition && !ll_write_disposition_parse(a->disposition, &res->write_disposition))
		return usage_error("unknown write disposition \"%s\"; use append, replace or merge",
				   a->disposition);
	if (a->table_format && !ll_table_format_parse(a->table_format, &res->table_format))
		return usage_error("unknown table format \"%s\"; use hive or iceberg", a->table_format);
	for (size_t i = 0; i < a->ncolumns; i++) {
		if (!parse_column_hint(a->columns[i], &hints[i], names[i], 256))
			return usage_error("bad --column \"%s\"; write NAME:TYPE with TYPE one of text "
					   "bigint double bool timestamp date time decimal(P,S) binary json",
					   a->columns[i]);
	}
	if (a->max_table_nesting) {
		char *end;
		long n = strtol(a->max_table_nesting, &end, 10);
		if (end == a->max_table_nesting || *end || n < 0 || n > 1000)
			return usage_error("bad --max-table-nesting \"%s\"; give a number from 0 to 1000",
					   a->max_table_nesting);
		res->max_table_nesting = n == 0 ? LL_TABLE_NESTING_NONE : (int)n;
	}
	res->columns = hints;
	res->ncolumns = a->ncolumns;
	res->primary_key = a->primary_key;
	res->nprimary_key = a->nprimary_key;
	res->merge_key = a->merge_key;
	res->nmerge_key = a->nmerge_key;
	res->partition = a->partition;
	res->npartition = a->npartition;
	/* each --detect adds a detection to dlt's default (ISO timestamps) */
	for (size_t i = 0; i < a->ndetect; i++) {
		ll_detection d;
		if (!ll_detection_parse(a->detect[i], &d))
			return usage_error("unknown detection \"%s\"; use date or timestamp", a->detect[i]);
		res->detections |= LL_DETECT_DEFAULT | (unsigned)d;
	}
	return 0;
}

static void report_load(const cli_args *a, const char *dataset, const char *table, const char *path,
			const ll_load_info *info)
{
	if (a->verbosity < 0)
		return;
	if (info->already_loaded) {
		fprintf(stderr, "lakeload: %s: already loaded by the interrupted run finished above\n", path);
		return;
	}
	fprintf(stderr,
		"lakeload: loaded %llu records from %s into %s.%s: %llu rows in %zu table%s, %llu file%s (load %s)\n",
		(unsigned long long)info->records, path, dataset, table, (unsigned long long)info->rows,
		info->tables, info->tables == 1 ? "" : "s", (unsigned long long)info->files,
		info->files == 1 ? "" : "s", info->load_id);
}

/*
 * Threads that normalize a load: --threads N, else `[normalize] workers` (or
 * NORMALIZE__WORKERS, dlt's name for it), else 0 (one per processor).
 */
static int threads_option(const cli_args *a, const ll_config *c, unsigned *threads)
{
	const char *origin = NULL;
	const char *v = a->threads ? a->threads : ll_config_get(c, "normalize.workers", &origin);
	*threads = 0;
	if (!v)
		return 0;
	char *end;
	long n = strtol(v, &end, 10);
	if (end == v || *end || n < 1 || n > 256) {
		fprintf(stderr, "lakeload: %s: threads must be a whole number from 1 to 256, not \"%s\"\n",
			a->threads ? "--threads" : origin ? origin : "normalize.workers", v);
		return 2;
	}
	*threads = (unsigned)n;
	return 0;
}

/*
 * `[normalize] detections = ["iso_timestamp", "iso_date"]` (or
 * NORMALIZE__DETECTIONS): like dlt's schema setting, the list replaces the
 * default; an empty list detects nothing. --detect flags win over it.
 */
static int detections_from_config(const ll_config *c, ll_resource *res)
{
	const char *origin = NULL;
	const char *list = ll_config_get(c, "normalize.detections", &origin);
	if (!list)
		return 0;
	res->detections = LL_DETECT_NONE;
	for (const char *p = list; *p;) {
		size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
		if (n == 0) {
			p++; /* quotes, commas, brackets and blanks between names */
			continue;
		}
		char name[32];
		ll_detection d;
		snprintf(name, sizeof(name), "%.*s", (int)n, p);
		if (n >= sizeof(name) || !ll_detection_parse(name, &d)) {
			fprintf(stderr, "lakeload: %s: unknown detection \"%.*s\" in normalize.detections; use "
				"iso_timestamp or iso_date\n", origin ? origin : "configuration", (int)n, p);
			return 2;
		}
		res->detections |= (unsigned)d;
		p += n;
	}
	return 0;
}

static int cmd_load(const cli_args *a)
{
	if (a->npositional == 0)
		return usage_error("load needs at least one FILE (use - for stdin)%s", "");
	if (!a->dataset)
		return usage_error("load needs --dataset NAME%s", "");
	ll_resource res;
	ll_column_hint hints[MAX_LIST];
	static char names[MAX_LIST][256];
	int rc = build_resource(a, &res, hints, names);
	if (rc)
		return rc;
	bool progress_ok;
	bool show_progress = cli_progress_wanted(a->progress, &progress_ok);
	if (!progress_ok)
		return usage_error("unknown --progress \"%s\"; use auto, always or never", a->progress);
	destination d;
	if ((rc = destination_open(a, &d)) != 0)
		return rc;
	unsigned threads = 0;
	if ((a->ndetect == 0 && (rc = detections_from_config(d.config, &res)) != 0) ||
	    (rc = threads_option(a, d.config, &threads)) != 0) {
		ll_config_free(d.config);
		return rc;
	}
	ll_pipeline_options o = pipeline_options(a);
	o.threads = threads;
	o.progress = show_progress ? cli_progress_show : NULL;
	o.lake = d.lake;
	o.s3 = d.use_s3 ? &d.s3 : NULL;
	o.catalog = d.catalog;
	o.athena = d.athena ? &d.athena_opt : NULL;
	o.force_iceberg = ll_config_force_iceberg(d.config);
	ll_pipeline *p;
	ll_error err;
	ll_error_clear(&err);
	if (ll_config_compact_after_delete_files(d.config, &o.compact_after_delete_files, &err) != LL_OK) {
		ll_config_free(d.config);
		return usage_error("%s", err.message);
	}
	if (ll_pipeline_open(&p, &o, &err) != LL_OK) {
		print_error(&err);
		ll_config_free(d.config);
		return 1;
	}
	for (size_t i = 0; i < a->npositional && rc == 0; i++) {
		char table[256];
		if (a->table)
			snprintf(table, sizeof(table), "%s", a->table);
		else
			table_from_path(strcmp(a->positional[i], "-") == 0 ? "stdin" : a->positional[i], table,
					sizeof(table));
		res.table = table;
		ll_load_info info;
		if (ll_pipeline_load_file(p, a->positional[i], &res, &info, &err) != LL_OK) {
			print_error(&err);
			rc = 1;
		} else {
			report_load(a, a->dataset, table, a->positional[i], &info);
		}
	}
	ll_pipeline_free(p);
	ll_config_free(d.config);
	return rc;
}

static void report_run(void *user, const char *resource, const char *dataset, const char *table,
		       const ll_load_info *info)
{
	const cli_args *a = user;
	if (a->verbosity < 0)
		return;
	if (info->already_loaded)
		fprintf(stderr, "lakeload: %s: already loaded by the interrupted run finished above\n",
			resource);
	else if (!info->load_id[0])
		fprintf(stderr, "lakeload: %s: nothing new to load into %s.%s\n", resource, dataset, table);
	else
		fprintf(stderr, "lakeload: %s: loaded %llu records into %s.%s: %llu rows in %zu table%s "
			"(load %s)\n", resource, (unsigned long long)info->records, dataset, table,
			(unsigned long long)info->rows, info->tables, info->tables == 1 ? "" : "s",
			info->load_id);
}

static int cmd_run(const cli_args *a)
{
	if (a->npositional > 1)
		return usage_error("run takes at most one pipeline file (default: pipeline.toml)%s", "");
	const char *path = a->npositional ? a->positional[0] : "pipeline.toml";
	ll_pipeline_file *f;
	ll_error err;
	ll_error_clear(&err);
	ll_status st = ll_pipeline_file_read(path, &f, &err);
	if (st == LL_OK && a->resource)
		st = ll_pipeline_file_check_resource(f, a->resource, &err);
	if (st != LL_OK) {
		print_error(&err);
		ll_pipeline_file_free(f);
		return st == LL_EINVAL || st == LL_ENOTFOUND ? 2 : 1;
	}
	destination d;
	int rc = destination_open(a, &d);
	if (rc != 0) {
		ll_pipeline_file_free(f);
		return rc;
	}
	ll_run_options o = { .resource = a->resource, .lake = d.lake, .s3 = d.use_s3 ? &d.s3 : NULL,
			     .home = a->home, .config_dir = a->config_dir,
			     .force_iceberg = ll_config_force_iceberg(d.config),
			     .log = log_to_stderr, .log_level = a->verbosity > 0 ? LL_LOG_DEBUG
						     : a->verbosity < 0 ? LL_LOG_WARN : LL_LOG_INFO,
			     .report = report_run, .report_user = (void *)a };
	bool progress_ok;
	o.progress = cli_progress_wanted(a->progress, &progress_ok) ? cli_progress_show : NULL;
	if (!progress_ok) {
		ll_pipeline_file_free(f);
		ll_config_free(d.config);
		return usage_error("unknown --progress \"%s\"; use auto, always or never", a->progress);
	}
	if ((rc = threads_option(a, d.config, &o.threads)) != 0) {
		ll_pipeline_file_free(f);
		ll_config_free(d.config);
		return rc;
	}
	st = ll_config_compact_after_delete_files(d.config, &o.compact_after_delete_files, &err);
	if (st != LL_OK) {
		ll_pipeline_file_free(f);
		ll_config_free(d.config);
		return usage_error("%s", err.message);
	}
	st = ll_pipeline_file_run(f, &o, &err);
	if (st != LL_OK)
		print_error(&err);
	ll_pipeline_file_free(f);
	ll_config_free(d.config);
	return st == LL_OK ? 0 : 1;
}

static void cancel_query(int sig)
{
	(void)sig;
	ll_lake_query_cancel();
}

/* Ctrl-C stops the query where it runs (Athena) before lakeload exits. */
static void catch_interrupt(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cancel_query;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
}

static int cmd_query(const cli_args *a)
{
	if (a->npositional != 1)
		return usage_error("query takes exactly one SQL statement (quote it)%s", "");
	ll_result_format fmt = LL_RESULT_TABLE;
	if (a->format) {
		if (strcmp(a->format, "csv") == 0)
			fmt = LL_RESULT_CSV;
		else if (strcmp(a->format, "json") == 0)
			fmt = LL_RESULT_JSON;
		else if (strcmp(a->format, "table") != 0)
			return usage_error("unknown --format \"%s\"; use table, csv or json", a->format);
	}
	if (a->wide && fmt == LL_RESULT_TABLE)
		fmt = LL_RESULT_TABLE_WIDE;
	ll_sql_dialect dialect = LL_DIALECT_SQLITE;
	if (a->dialect && !ll_sql_dialect_parse(a->dialect, &dialect))
		return usage_error("unknown --dialect \"%s\"; use sqlite or athena", a->dialect);
	if (a->engine && strcmp(a->engine, "embedded") != 0 && strcmp(a->engine, "athena") != 0)
		return usage_error("unknown --engine \"%s\"; use athena or embedded", a->engine);
	destination d;
	int rc = destination_open(a, &d);
	if (rc != 0)
		return rc;
	ll_error err;
	ll_error_clear(&err);
	ll_lake_options lo = lake_options(a, &d);
	lo.dataset = a->dataset;
	lo.embedded_engine = a->engine && strcmp(a->engine, "embedded") == 0;
	bool on_athena = d.athena && !lo.embedded_engine;
	/* Athena runs Trino SQL itself; the embedded engine takes it translated */
	char *sql = NULL;
	if (!on_athena && ll_sql_translate(dialect, a->positional[0], a->dataset, &sql, &err) != LL_OK) {
		print_error(&err);
		ll_config_free(d.config);
		return 1;
	}
	if (on_athena)
		catch_interrupt();
	if (ll_lake_query_print_opts(&lo, sql ? sql : a->positional[0], fmt, stdout, &err) != LL_OK) {
		print_error(&err);
		rc = 1;
	}
	free(sql);
	ll_config_free(d.config);
	return rc;
}

static int cmd_info(const cli_args *a)
{
	bool json = a->format && strcmp(a->format, "json") == 0;
	if (a->format && !json && strcmp(a->format, "table") != 0)
		return usage_error("unknown --format \"%s\"; use table or json", a->format);
	if (!config_dir_exists(a))
		return 2;
	ll_config *c = NULL;
	ll_error err;
	ll_error_clear(&err);
	/* the configuration only serves to read an S3 lake's Iceberg metadata: info works without it */
	if (config_open(a, &c, &err) != LL_OK)
		print_error(&err);
	int rc = 0;
	if ((json ? ll_info_print_json : ll_info_print_config)(a->home, a->pipeline, c, stdout,
								 &err) != LL_OK) {
		print_error(&err);
		rc = 1;
	}
	ll_config_free(c);
	return rc;
}


/* A command on one table of the lake: fn does it and says what it did. */
typedef ll_status (*lake_table_fn)(const cli_args *a, const ll_lake_options *lo, ll_error *err);

static int run_on_lake_table(const cli_args *a, lake_table_fn fn)
{
	destination d;
	int rc = destination_open(a, &d);
	if (rc != 0)
		return rc;
	ll_error err;
	ll_error_clear(&err);
	ll_lake_options lo = lake_options(a, &d);
	if (fn(a, &lo, &err) != LL_OK) {
		print_error(&err);
		rc = 1;
	}
	ll_config_free(d.config);
	return rc;
}

static ll_status print_history(const cli_args *a, const ll_lake_options *lo, ll_error *err)
{
	return ll_lake_history_print(lo, a->positional[0], stdout, err);
}

static int cmd_history(const cli_args *a)
{
	if (a->npositional != 1)
		return usage_error("history takes one table, DATASET.TABLE%s", "");
	return run_on_lake_table(a, print_history);
}

static ll_status delete_rows(const cli_args *a, const ll_lake_options *lo, ll_error *err)
{
	ll_delete_info info;
	ll_status st = ll_lake_delete(lo, a->positional[0], a->where, &info, err);
	if (st == LL_OK && a->verbosity >= 0)
		fprintf(stderr, "lakeload: deleted %llu row%s from %s and %llu from its child tables "
			"(%zu table%s changed)\n", (unsigned long long)info.rows, info.rows == 1 ? "" : "s",
			a->positional[0], (unsigned long long)info.child_rows, info.tables,
			info.tables == 1 ? "" : "s");
	return st;
}

static int cmd_delete(const cli_args *a)
{
	if (a->npositional != 1 || !a->where)
		return usage_error("delete takes one table and a condition: delete DATASET.TABLE "
				   "--where \"COND\"%s", "");
	return run_on_lake_table(a, delete_rows);
}

/* vacuum's options, checked by cmd_vacuum before the lake is opened */
static struct { int64_t older_than_ms; size_t retain_last; } vacuum_opts;

static ll_status vacuum_table(const cli_args *a, const ll_lake_options *lo, ll_error *err)
{
	ll_vacuum_info info;
	ll_status st = ll_lake_vacuum(lo, a->positional[0], vacuum_opts.older_than_ms,
				      vacuum_opts.retain_last, &info, err);
	if (st == LL_OK && a->verbosity >= 0)
		fprintf(stderr, "lakeload: %s: expired %zu snapshot%s, removed %zu file%s (%zu "
			"unreferenced file%s kept: younger than the cutoff)\n",
			a->positional[0], info.snapshots_expired, info.snapshots_expired == 1 ? "" : "s",
			info.files_removed, info.files_removed == 1 ? "" : "s", info.kept_young,
			info.kept_young == 1 ? "" : "s");
	return st;
}

static int cmd_vacuum(const cli_args *a)
{
	if (a->npositional != 1)
		return usage_error("vacuum takes one table, DATASET.TABLE%s", "");
	vacuum_opts.older_than_ms = 5LL * 86400000; /* Iceberg's default age for expiring snapshots */
	if (a->older_than && !ll_time_parse_duration(a->older_than, &vacuum_opts.older_than_ms))
		return usage_error("--older-than %s: give a duration such as 7d, 12h, 30m or 0s",
				   a->older_than);
	char *end = NULL;
	unsigned long long retain = a->retain_last ? strtoull(a->retain_last, &end, 10) : 1;
	if (a->retain_last && (*a->retain_last < '0' || *a->retain_last > '9' || *end || retain < 1))
		return usage_error("--retain-last %s: give a whole number of snapshots, at least 1",
				   a->retain_last);
	vacuum_opts.retain_last = (size_t)retain;
	return run_on_lake_table(a, vacuum_table);
}

/* optimize's target file size, checked by cmd_optimize before the lake is opened */
static uint64_t optimize_target_bytes;

static ll_status optimize_table(const cli_args *a, const ll_lake_options *lo, ll_error *err)
{
	ll_optimize_info info;
	ll_status st = ll_lake_optimize(lo, a->positional[0], a->where, optimize_target_bytes, &info,
					err);
	if (st == LL_OK && a->verbosity >= 0)
		fprintf(stderr, "lakeload: %s: rewrote %zu data file%s into %zu (%llu rows) and removed "
			"%zu delete file%s, in %zu table%s\n", a->positional[0], info.data_files_rewritten,
			info.data_files_rewritten == 1 ? "" : "s", info.data_files_written,
			(unsigned long long)info.rows, info.delete_files_removed,
			info.delete_files_removed == 1 ? "" : "s", info.tables, info.tables == 1 ? "" : "s");
	return st;
}

/* "134217728", "128MiB", "64MB", "512KiB", "1GiB": bytes; false when it is none of those. */
static bool parse_size(const char *text, uint64_t *bytes)
{
	static const struct { const char *unit; uint64_t scale; } units[] = {
		{ "", 1 }, { "B", 1 }, { "KB", 1000 }, { "KiB", 1024 }, { "MB", 1000000 },
		{ "MiB", 1 << 20 }, { "GB", 1000000000 }, { "GiB", 1 << 30 },
	};
	char *end = NULL;
	if (*text < '0' || *text > '9')
		return false;
	unsigned long long n = strtoull(text, &end, 10);
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(end, units[i].unit) == 0 && n > 0 && n <= UINT64_MAX / units[i].scale) {
			*bytes = n * units[i].scale;
			return true;
		}
	}
	return false;
}

static int cmd_optimize(const cli_args *a)
{
	if (a->npositional != 1)
		return usage_error("optimize takes one table, DATASET.TABLE%s", "");
	optimize_target_bytes = 0;
	if (a->target_size && !parse_size(a->target_size, &optimize_target_bytes))
		return usage_error("--target-size %s: give a size such as 128MiB, 512MB or 1GiB",
				   a->target_size);
	return run_on_lake_table(a, optimize_table);
}

static int cmd_drop_pending(const cli_args *a)
{
	if (a->npositional != 0)
		return usage_error("drop-pending takes no arguments; name the pipeline with "
				   "--pipeline NAME%s", "");
	ll_error err;
	ll_error_clear(&err);
	if (ll_pipeline_drop_pending(a->home, a->pipeline, stdout, &err) != LL_OK) {
		print_error(&err);
		return 1;
	}
	return 0;
}

static ll_status drop_table(const cli_args *a, const ll_lake_options *lo, ll_error *err)
{
	ll_status st = ll_lake_drop_table(lo, a->positional[0], err);
	if (st == LL_OK && a->verbosity >= 0)
		fprintf(stderr, "lakeload: dropped %s from the catalog of %s; its files are still in "
			"the lake\n", a->positional[0], lo->lake);
	return st;
}

static int cmd_drop_table(const cli_args *a)
{
	if (a->npositional != 1)
		return usage_error("drop-table takes one table, DATASET.TABLE%s", "");
	return run_on_lake_table(a, drop_table);
}

static ll_status show_table(const cli_args *a, const ll_lake_options *lo, ll_error *err)
{
	return ll_lake_show_print(lo, a->positional[0], a->ddl, stdout, err);
}

static int cmd_show(const cli_args *a)
{
	if (a->npositional != 1)
		return usage_error("show takes one table, DATASET.TABLE%s", "");
	return run_on_lake_table(a, show_table);
}

static ll_status register_table(const cli_args *a, const ll_lake_options *lo, ll_error *err)
{
	ll_status st = ll_lake_register(lo, a->positional[0], a->positional[1], err);
	if (st == LL_OK && a->verbosity >= 0)
		fprintf(stderr, "lakeload: registered %s at %s\n", a->positional[0], a->positional[1]);
	return st;
}

static int cmd_register(const cli_args *a)
{
	if (a->npositional != 2)
		return usage_error("register takes a table and its metadata: register DATASET.TABLE "
				   "LOCATION_OF_METADATA_JSON%s", "");
	return run_on_lake_table(a, register_table);
}

/* With --all, the keys of the source ./pipeline.toml (if any) declares are listed too. */
static ll_status show_source_config(const cli_args *a, ll_error *err)
{
	struct stat sb;
	if (stat("pipeline.toml", &sb) != 0)
		return LL_OK;
	ll_pipeline_file *f = NULL;
	ll_status st = ll_pipeline_file_read("pipeline.toml", &f, err);
	if (st == LL_OK)
		st = ll_pipeline_file_show_config(f, a->config_dir, stdout, err);
	ll_pipeline_file_free(f);
	return st;
}

static int cmd_config(const cli_args *a)
{
	if (a->npositional != 1 || strcmp(a->positional[0], "show") != 0)
		return usage_error("config takes one subcommand: config show%s", "");
	if (!config_dir_exists(a))
		return 2;
	ll_config *c;
	ll_error err;
	ll_error_clear(&err);
	ll_status st = config_open(a, &c, &err);
	int failure = 2; /* until the configuration is read, a failure is in it */
	if (st == LL_OK) {
		failure = 1;
		st = (a->all ? ll_config_show_all : ll_config_show)(c, a->lake, stdout, &err);
	}
	if (st == LL_OK && a->all)
		st = show_source_config(a, &err);
	if (st != LL_OK)
		print_error(&err);
	ll_config_free(c);
	return st == LL_OK ? 0 : failure;
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		fputs(usage_text, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("lakeload %s\n", LL_VERSION);
		return 0;
	}
	/* commands with options of their own; serve runs until it is stopped */
	if (strcmp(argv[1], "serve") == 0)
		return ll_serve_main(argc - 2, argv + 2);
	if (strcmp(argv[1], "init") == 0)
		return cli_init(argc - 2, argv + 2);
	if (strcmp(argv[1], "dbt-profile") == 0)
		return cli_dbt_profile(argc - 2, argv + 2);
	if (cli_help_requested(argc - 2, argv + 2) && cli_help_print(argv[1]))
		return 0;
	cli_args a;
	memset(&a, 0, sizeof(a));
	int rc = parse_args(argc - 2, argv + 2, &a);
	if (rc)
		return rc;
	static const struct { const char *name; int (*run)(const cli_args *); } commands[] = {
		{ "load", cmd_load },       { "query", cmd_query },
		{ "info", cmd_info },       { "history", cmd_history },
		{ "delete", cmd_delete },   { "config", cmd_config },
		{ "drop-pending", cmd_drop_pending }, { "drop-table", cmd_drop_table },
		{ "run", cmd_run },
		{ "show", cmd_show },       { "register", cmd_register },
		{ "vacuum", cmd_vacuum },
		{ "optimize", cmd_optimize },
	};
	const char *cmd = argv[1];
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return commands[i].run(&a);
	return usage_error("unknown command \"%s\"", cmd);
}
