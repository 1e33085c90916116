/*
 * `lakeload init SOURCE DESTINATION`: scaffolds a project as `dlt init` does.
 *
 * Writes, in the current directory, .dlt/config.toml (the source's settings),
 * .dlt/secrets.toml (for athena the template of dlt's Athena page, every
 * secret "please set me up!"), pipeline.toml (the pipeline and the source's
 * resources, read by `lakeload run`) and a .gitignore line keeping the
 * secrets out of git. Nothing is written when one of the three files exists
 * already, unless --force; the .gitignore is appended to, never replaced.
 * Exit status: 0 written, 1 a file could not be written, 2 usage (unknown
 * source or destination, files in the way).
 */
#include "init_cmd.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "config_cmd.h"

typedef struct init_source {
	const char *name;
	const char *description;
	const char *config;   /* the source's part of .dlt/config.toml */
	const char *secrets;  /* the source's part of .dlt/secrets.toml */
	const char *pipeline; /* pipeline.toml after its [pipeline] table */
	const char *dataset;
} init_source;

static const init_source sources[] = {
	{
		"chess",
		"players' profiles, archives and games from the public chess.com API",
		"[sources.chess]\n"
		"players = [\"magnuscarlsen\", \"vincentkeymer\", \"dommarajugukesh\", \"rpragchess\"]\n"
		"start_month = \"2022/11\"\n"
		"end_month = \"2022/12\"\n"
		"base_url = \"https://api.chess.com/pub/\"\n",
		"",
		"[source]\n"
		"kind = \"chess\"  # settings in [sources.chess] of .dlt/config.toml\n"
		"\n"
		"[[resources]]\n"
		"name = \"players_profiles\"  # GET player/{username}\n"
		"write_disposition = \"merge\"\n"
		"primary_key = [\"player_id\"]\n"
		"table_format = \"iceberg\"  # Athena merges Iceberg tables only\n"
		"\n"
		"[[resources]]\n"
		"name = \"players_archives\"  # GET player/{username}/games/archives\n"
		"write_disposition = \"replace\"\n"
		"\n"
		"[[resources]]\n"
		"name = \"players_games\"  # the games of each monthly archive, each archive loaded once\n"
		"write_disposition = \"append\"\n",
		"chess_data",
	},
	{
		"rest_api",
		"any REST API, declared endpoint by endpoint (dlt's rest_api source)",
		"[sources.rest_api]\n"
		"base_url = \"https://api.example.com/v1/\"\n",
		"[sources.rest_api]\n"
		"# token = \"please set me up!\"  # bearer token, referred to by [source.auth] below\n",
		"[source]\n"
		"kind = \"rest_api\"  # base_url in [sources.rest_api] of .dlt/config.toml\n"
		"\n"
		"# How every request is made (dlt's rest_api \"client\"):\n"
		"# [source.auth]\n"
		"# type = \"bearer\"            # bearer, api_key or http_basic; secrets in .dlt/secrets.toml\n"
		"# [source.headers]\n"
		"# User-Agent = \"lakeload\"\n"
		"# [source.paginator]\n"
		"# type = \"json_link\"         # json_link, header_link, offset, page_number, cursor\n"
		"# next_url_path = \"next\"\n"
		"\n"
		"[[resources]]\n"
		"name = \"posts\"\n"
		"write_disposition = \"merge\"\n"
		"primary_key = [\"id\"]\n"
		"table_format = \"iceberg\"  # merge needs Iceberg, as on Athena\n"
		"[resources.endpoint]\n"
		"path = \"posts\"\n"
		"# params = { per_page = 100 }\n"
		"# data_selector = \"data\"\n"
		"# [resources.incremental]\n"
		"# cursor_path = \"updated_at\"\n"
		"# initial_value = \"2024-01-01T00:00:00Z\"\n"
		"# start_param = \"since\"  # the query parameter given the last value\n"
		"\n"
		"# A child resource: one request per record of its parent.\n"
		"# [[resources]]\n"
		"# name = \"comments\"\n"
		"# [resources.endpoint]\n"
		"# path = \"posts/{resources.posts.id}/comments\"\n",
		"rest_api_data",
	},
	{
		"filesystem",
		"NDJSON, JSON (.gz too) and CSV files matched by globs",
		"",
		"",
		"[[resources]]\n"
		"name = \"events\"\n"
		"write_disposition = \"append\"  # append, replace or merge\n"
		"# primary_key = [\"id\"]\n"
		"# table_format = \"iceberg\"\n"
		"# partition = [\"month(created_at)\"]\n"
		"[resources.files]\n"
		"bucket_url = \"data\"  # a folder, relative to this file\n"
		"file_glob = [\"*.ndjson\", \"*.jsonl\", \"*.json\", \"*.gz\", \"*.csv\"]\n"
		"# [resources.columns]\n"
		"# amount = \"decimal(12,2)\"\n",
		"filesystem_data",
	},
};

/* The template of dlt's Athena destination page, as a user copies it from there. */
static const char athena_secrets[] =
	"[destination.filesystem]\n"
	"bucket_url = \"s3://[your_bucket_name]\" # replace with your bucket name,\n"
	"\n"
	"[destination.filesystem.credentials]\n"
	"aws_access_key_id = \"please set me up!\" # copy the access key here\n"
	"aws_secret_access_key = \"please set me up!\" # copy the secret access key here\n"
	"\n"
	"[destination.athena]\n"
	"query_result_bucket=\"s3://[results_bucket_name]\" # replace with your query results bucket name\n"
	"\n"
	"[destination.athena.credentials]\n"
	"aws_access_key_id=\"please set me up!\" # same as credentials for filesystem\n"
	"aws_secret_access_key=\"please set me up!\" # same as credentials for filesystem\n"
	"region_name=\"please set me up!\" # set your AWS region, for example \"eu-central-1\" for Frankfurt\n";

static const char local_config[] =
	"[destination.filesystem]\n"
	"bucket_url = \"lake\"  # the local lake: a folder, or s3://bucket/prefix\n";

static const char *const destinations[] = { "athena", "local" };

static const char init_usage[] =
	"usage: lakeload init SOURCE DESTINATION [--force]\n"
	"       lakeload init --list-sources\n"
	"\n"
	"Writes .dlt/config.toml, .dlt/secrets.toml, pipeline.toml and a .gitignore entry\n"
	"for the secrets in the current folder.\n"
	"  SOURCE         chess, rest_api or filesystem (--list-sources describes them)\n"
	"  DESTINATION    athena (S3 + Glue + Athena) or local (a lake folder)\n"
	"  --force        overwrite files that exist\n";

static int init_usage_error(const char *fmt, const char *arg)
{
	return cli_command_usage_error("init", fmt, arg);
}

static const init_source *find_source(const char *name)
{
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++)
		if (strcmp(sources[i].name, name) == 0)
			return &sources[i];
	return NULL;
}

static bool known_destination(const char *name)
{
	for (size_t i = 0; i < sizeof(destinations) / sizeof(destinations[0]); i++)
		if (strcmp(destinations[i], name) == 0)
			return true;
	return false;
}

static void list_sources(void)
{
	printf("sources lakeload init can scaffold:\n");
	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++)
		printf("  %-12s %s\n", sources[i].name, sources[i].description);
	printf("destinations: athena, local\n");
}

static bool exists(const char *path)
{
	struct stat sb;
	return stat(path, &sb) == 0;
}

static bool write_text(const char *path, const char *mode, const char *const *parts, size_t n)
{
	FILE *f = fopen(path, mode);
	if (!f) {
		fprintf(stderr, "lakeload: init: cannot write %s: %s\n", path, strerror(errno));
		return false;
	}
	for (size_t i = 0; i < n; i++)
		fputs(parts[i], f);
	if (fclose(f) != 0) {
		fprintf(stderr, "lakeload: init: cannot write %s: %s\n", path, strerror(errno));
		return false;
	}
	return true;
}

/* Whether .gitignore already has a line naming the secrets file. */
static bool gitignore_has_secrets(void)
{
	FILE *f = fopen(".gitignore", "r");
	if (!f)
		return false;
	char line[4096];
	bool found = false;
	while (!found && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\r\n")] = '\0';
		found = strcmp(line, ".dlt/secrets.toml") == 0 || strcmp(line, "/.dlt/secrets.toml") == 0;
	}
	fclose(f);
	return found;
}

static bool write_gitignore(void)
{
	if (gitignore_has_secrets())
		return true;
	const char *line[] = { "# secrets of lakeload and dlt pipelines\n.dlt/secrets.toml\n" };
	return write_text(".gitignore", "a", line, 1);
}

static bool write_project(const init_source *s, const char *destination)
{
	bool athena = strcmp(destination, "athena") == 0;
	char header[512];
	snprintf(header, sizeof(header),
		 "# The pipeline `lakeload run` runs: the source's resources and how each is loaded.\n"
		 "[pipeline]\n"
		 "name = \"%s_pipeline\"\n"
		 "dataset_name = \"%s\"\n"
		 "destination = \"%s\"\n"
		 "\n",
		 s->name, s->dataset, destination);
	const char *config[] = { "[runtime]\nlog_level = \"WARNING\"\n", *s->config ? "\n" : "",
				 s->config, athena ? "" : "\n", athena ? "" : local_config };
	const char *secrets[] = { "# Secrets: keep this file out of version control.\n\n",
				  s->secrets, *s->secrets && athena ? "\n" : "",
				  athena ? athena_secrets : "" };
	const char *pipeline[] = { header, s->pipeline };
	if (mkdir(".dlt", 0755) != 0 && errno != EEXIST) {
		fprintf(stderr, "lakeload: init: cannot create .dlt: %s\n", strerror(errno));
		return false;
	}
	return write_text(".dlt/config.toml", "w", config, 5) &&
	       write_text(".dlt/secrets.toml", "w", secrets, 4) &&
	       write_text("pipeline.toml", "w", pipeline, 2) && write_gitignore();
}

static void print_next_steps(const init_source *s, const char *destination)
{
	printf("lakeload: the %s pipeline is ready in this folder, loading into %s.\n", s->name,
	       destination);
	printf("Next steps:\n");
	printf("  1. Review the resources and how each is loaded in pipeline.toml.\n");
	if (strcmp(destination, "athena") == 0)
		printf("  2. Fill in .dlt/secrets.toml: your bucket, query result bucket, AWS keys and\n"
		       "     region (or remove the credentials sections to use ~/.aws).\n");
	else
		printf("  2. The lake is the folder set as bucket_url in .dlt/config.toml.\n");
	if (*s->config)
		printf("  3. Adjust [sources.%s] in .dlt/config.toml.\n", s->name);
	printf("  %d. Run it: lakeload run pipeline.toml\n", *s->config ? 4 : 3);
}

int cli_init(int argc, char **argv)
{
	const char *positional[2];
	size_t npositional = 0;
	bool force = false, list = false;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--force") == 0)
			force = true;
		else if (strcmp(argv[i], "--list-sources") == 0)
			list = true;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return fputs(init_usage, stdout), 0;
		else if (argv[i][0] == '-')
			return init_usage_error("unknown option %s", argv[i]);
		else if (npositional < 2)
			positional[npositional++] = argv[i];
		else
			return init_usage_error("too many arguments: %s", argv[i]);
	}
	if (list)
		return list_sources(), 0;
	if (npositional != 2)
		return init_usage_error("init needs a SOURCE and a DESTINATION, e.g. init chess athena%s", "");
	const init_source *s = find_source(positional[0]);
	if (!s)
		return init_usage_error("unknown source \"%s\"; use chess, rest_api or filesystem",
					positional[0]);
	if (!known_destination(positional[1]))
		return init_usage_error("unknown destination \"%s\"; use athena or local", positional[1]);
	static const char *const files[] = { ".dlt/config.toml", ".dlt/secrets.toml", "pipeline.toml" };
	bool blocked = false;
	for (size_t i = 0; i < 3 && !force; i++) {
		if (exists(files[i])) {
			fprintf(stderr, "lakeload: init: %s exists already\n", files[i]);
			blocked = true;
		}
	}
	if (blocked)
		return init_usage_error("nothing written; use --force to overwrite%s", "");
	if (!write_project(s, positional[1]))
		return 1;
	print_next_steps(s, positional[1]);
	return 0;
}
