/*
 * The help texts of the commands sharing main.c's option parser; see help.h.
 * Options used by several commands are written once below and pasted into
 * each text, so a command's help lists exactly the options it reads.
 */
#include "help.h"

#include <stdio.h>
#include <string.h>

#define LAKE_OPTIONS                                                                           \
	"  --lake DIR|s3://BUCKET/PREFIX\n"                                                    \
	"                              the lake (default: bucket_url from .dlt/config.toml or\n" \
	"                              DESTINATION__FILESYSTEM__BUCKET_URL, else ./lake)\n"      \
	"  --destination local|athena  the catalog: a SQLite file (local) or AWS Glue (athena);\n" \
	"                              default: destination in [pipeline], else local\n"       \
	"  --catalog FILE              the local catalog file of an s3:// lake\n"              \
	CONFIG_OPTIONS

#define CONFIG_OPTIONS                                                                         \
	"  --endpoint-url URL          S3-compatible endpoint (else endpoint_url, AWS_ENDPOINT_URL)\n" \
	"  --region NAME               AWS region (else region_name, AWS_REGION, the profile's)\n" \
	"  --profile NAME              AWS profile in ~/.aws (else profile_name, AWS_PROFILE)\n" \
	"  --config-dir DIR            where config.toml and secrets.toml are (default: ./.dlt)\n"

#define HOME_OPTION                                                                            \
	"  --home DIR                  pipelines' working dirs (default: $LAKELOAD_HOME or\n"    \
	"                              ~/.lakeload)\n"

#define VERBOSITY_OPTIONS                                                                      \
	"  -q, --quiet / -v, --verbose less / more messages on stderr\n"                         \
	"  -h, --help                  this help\n"

#define PROGRESS_OPTION                                                                        \
	"  --progress auto|always|never\n"                                                     \
	"                              a progress line on stderr (auto: when it is a terminal)\n"

#define THREADS_OPTION                                                                         \
	"  --threads N                 threads that parse and normalize NDJSON (default: one per\n" \
	"                              processor, at most 8; [normalize] workers); the result\n"   \
	"                              is the same for every N\n"

static const struct {
	const char *command;
	const char *text;
} help_texts[] = {
	{ "load",
	  "usage: lakeload load FILE... --dataset NAME [options]\n"
	  "load NDJSON / JSON files (\"-\" for stdin; .gz detected) into a dataset\n\n"
	  "options:\n"
	  "  --dataset NAME              dataset (schema) to load into (required)\n"
	  "  --table NAME                root table (default: the file name without extensions)\n"
	  "  --write-disposition MODE    append (default), replace or merge\n"
	  "  --primary-key COLUMN        primary key column (repeatable)\n"
	  "  --merge-key COLUMN          merge key column (repeatable)\n"
	  "  --column NAME:TYPE          type hint: text bigint double bool timestamp date\n"
	  "                              decimal decimal(P,S) binary json (repeatable)\n"
	  "  --table-format FORMAT       hive (default) or iceberg\n"
	  "  --partition EXPR            Iceberg partition: COLUMN, year|month|day|hour(COLUMN),\n"
	  "                              bucket(N, COLUMN), truncate(W, COLUMN) (repeatable)\n"
	  "  --detect date               also type date-only strings as date (repeatable)\n"
	  "  --max-table-nesting N       levels of nested data flattened into columns and child\n"
	  "                              tables; deeper values stay json (as dlt's max_table_nesting)\n"
	  "  --codec CODEC               snappy (default), zstd, gzip or none\n"
	  "  --layout LAYOUT             file layout, default {table_name}/{load_id}.{file_id}.{ext}\n"
	  "  --pipeline NAME             pipeline name (default: the dataset name)\n"
	  THREADS_OPTION PROGRESS_OPTION LAKE_OPTIONS HOME_OPTION VERBOSITY_OPTIONS },
	{ "query",
	  "usage: lakeload query SQL [options]\n"
	  "run one SQL statement over the lake (tables are <dataset>.<table>)\n\n"
	  "options:\n"
	  "  --format table|csv|json     output format (default: table)\n"
	  "  --wide                      table: show cells wider than 60 columns whole (else\n"
	  "                              cut, ending in …)\n"
	  "  --dialect sqlite|athena     SQL dialect (default: sqlite); athena takes Trino SQL\n"
	  "  --dataset NAME              the dataset of bare table names (Athena's database)\n"
	  "  --engine athena|embedded    where a query of the athena destination runs\n"
	  "                              (default: athena)\n"
	  LAKE_OPTIONS HOME_OPTION VERBOSITY_OPTIONS },
	{ "info",
	  "usage: lakeload info [options]\n"
	  "show pipelines, their loads and tables\n\n"
	  "options:\n"
	  "  --pipeline NAME             only this pipeline\n"
	  "  --format table|json         table (default): for people; json: one JSON\n"
	  "                              document with the same content\n"
	  CONFIG_OPTIONS HOME_OPTION VERBOSITY_OPTIONS },
	{ "run",
	  "usage: lakeload run [pipeline.toml] [options]\n"
	  "extract, normalize and load the resources of a pipeline file (default:\n"
	  "pipeline.toml); an interrupted run is finished first\n\n"
	  "options:\n"
	  "  --resource NAME             run only this resource\n"
	  THREADS_OPTION PROGRESS_OPTION LAKE_OPTIONS HOME_OPTION VERBOSITY_OPTIONS },
	{ "delete",
	  "usage: lakeload delete DATASET.TABLE --where COND [options]\n"
	  "remove the rows of an Iceberg table matching a SQL condition, in one commit\n"
	  "(child tables lose the rows of removed root rows)\n\n"
	  "options:\n"
	  "  --where COND                the SQL condition (required)\n"
	  LAKE_OPTIONS HOME_OPTION VERBOSITY_OPTIONS },
	{ "history",
	  "usage: lakeload history DATASET.TABLE [options]\n"
	  "list an Iceberg table's snapshots with their summaries\n\n"
	  "options:\n" LAKE_OPTIONS HOME_OPTION VERBOSITY_OPTIONS },
	{ "drop-pending",
	  "usage: lakeload drop-pending [--pipeline NAME] [options]\n"
	  "drop the pipeline's unfinished loads (the only pipeline if not named)\n\n"
	  "options:\n"
	  "  --pipeline NAME             the pipeline\n"
	  HOME_OPTION VERBOSITY_OPTIONS },
	{ "drop-table",
	  "usage: lakeload drop-table DATASET.TABLE [options]\n"
	  "remove a table from the lake's catalog (its files stay); the next load creates it anew\n\n"
	  "options:\n" LAKE_OPTIONS HOME_OPTION VERBOSITY_OPTIONS },
	{ "show",
	  "usage: lakeload show DATASET.TABLE [--ddl] [options]\n"
	  "a table's format, location, hints (write disposition, keys, partition; from\n"
	  "the saved schema of the pipeline in the home that loaded it), columns, and\n"
	  "its files or Iceberg snapshots\n\n"
	  "options:\n"
	  "  --ddl                       print the Athena DDL that defines the table instead\n"
	  LAKE_OPTIONS HOME_OPTION VERBOSITY_OPTIONS },
	{ "register",
	  "usage: lakeload register DATASET.TABLE LOCATION_OF_METADATA_JSON [options]\n"
	  "adopt an existing Iceberg table into the catalog (its metadata must read)\n\n"
	  "options:\n" LAKE_OPTIONS HOME_OPTION VERBOSITY_OPTIONS },
	{ "config",
	  "usage: lakeload config show [--all] [options]\n"
	  "print the resolved configuration, secrets masked, and where each value came from\n\n"
	  "options:\n"
	  "  --all                       every key lakeload reads, \"(unset)\" when nothing sets it\n"
	  LAKE_OPTIONS VERBOSITY_OPTIONS },
	{ "optimize",
	  "usage: lakeload optimize DATASET.TABLE [--where COND] [--target-size SIZE] [options]\n"
	  "compact an Iceberg table (Athena's OPTIMIZE ... REWRITE DATA USING BIN_PACK): data\n"
	  "files smaller than the target size or with deleted rows are read with their deletes\n"
	  "applied and written again as files of about the target size, never mixing\n"
	  "partitions; delete files that no longer apply go. One \"replace\" commit per table;\n"
	  "the table's child tables (DATASET.TABLE__*) are optimized too, first, and a child\n"
	  "table can be optimized alone by its name. Nothing is deleted: older snapshots stay\n"
	  "readable until vacuum expires them. A commit made meanwhile is kept; one that\n"
	  "deleted rows of the files being rewritten makes optimize start over (3 tries).\n\n"
	  "options:\n"
	  "  --where COND                only files holding a row matching this SQL condition\n"
	  "                              (chosen by their rows, not by partition); in child\n"
	  "                              tables, files holding rows of those root rows\n"
	  "  --target-size SIZE          the file size to aim at: 128MiB, 512MB, 1GiB (128MiB)\n"
	  LAKE_OPTIONS HOME_OPTION VERBOSITY_OPTIONS },
	{ "vacuum",
	  "usage: lakeload vacuum DATASET.TABLE [--older-than DURATION] [--retain-last N] [options]\n"
	  "expire an Iceberg table's old snapshots in one commit, then delete the files nothing\n"
	  "references any more (data, deletes, manifests, metadata, and what lost commits left)\n\n"
	  "options:\n"
	  "  --older-than DURATION       expire snapshots older than this: 7d, 12h, 30m, 0s (5d)\n"
	  "  --retain-last N             keep at least the last N snapshots (1)\n"
	  LAKE_OPTIONS HOME_OPTION VERBOSITY_OPTIONS },
};

bool cli_help_requested(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0)
			return true;
	return false;
}

bool cli_help_print(const char *command)
{
	for (size_t i = 0; i < sizeof(help_texts) / sizeof(help_texts[0]); i++) {
		if (strcmp(command, help_texts[i].command) == 0) {
			fputs(help_texts[i].text, stdout);
			return true;
		}
	}
	return false;
}
