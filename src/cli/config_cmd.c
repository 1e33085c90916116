/*
 * Configuration for the command line; see config_cmd.h.
 */
#include "config_cmd.h"

#include <stddef.h>
#include <stdio.h>

ll_status cli_config_open(ll_config **out, const cli_config_flags *flags, ll_log_fn log,
			  ll_error *err)
{
	const struct { const char *value, *key, *origin; } set[] = {
		{ flags->endpoint_url, "destination.athena.credentials.endpoint_url", "flag --endpoint-url" },
		{ flags->region, "destination.athena.credentials.region_name", "flag --region" },
		{ flags->profile, "destination.athena.credentials.profile_name", "flag --profile" },
	};
	ll_status st = ll_config_load(out, flags->dir, log, NULL, err);
	for (size_t i = 0; st == LL_OK && i < sizeof(set) / sizeof(set[0]); i++)
		if (set[i].value)
			st = ll_config_set(*out, set[i].key, set[i].value, set[i].origin, err);
	if (st != LL_OK) {
		ll_config_free(*out);
		*out = NULL;
	}
	return st;
}

int cli_command_usage_error(const char *command, const char *fmt, const char *arg)
{
	fprintf(stderr, "lakeload: %s: ", command);
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nrun 'lakeload %s --help' for usage\n", command);
	return 2;
}
