/*
 * The command line's configuration: the .dlt files and environment
 * (ll_config_load) with the flags --endpoint-url, --region and --profile
 * set on top, as dlt lets explicit arguments win over files and
 * environment. Shared by the lake commands and `lakeload config show`, so
 * both see the same settings with the same origins ("flag --region").
 * Also the usage message of the commands that parse their own options
 * (init, dbt-profile), so every command reports a usage error alike.
 */
#ifndef LL_CLI_CONFIG_CMD_H
#define LL_CLI_CONFIG_CMD_H

#include "lakeload.h"

typedef struct cli_config_flags {
	const char *dir; /* --config-dir, NULL for ./.dlt */
	const char *endpoint_url, *region, *profile;
} cli_config_flags;

/** Loads the configuration and applies the flags given; *out is freed with ll_config_free. */
ll_status cli_config_open(ll_config **out, const cli_config_flags *flags, ll_log_fn log,
			  ll_error *err);

/**
 * Prints "lakeload: COMMAND: <fmt with arg>" and where the command's usage
 * is; returns 2, the exit status of a usage error.
 */
int cli_command_usage_error(const char *command, const char *fmt, const char *arg);

#endif
