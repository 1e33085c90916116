/*
 * `lakeload dbt-profile`: a dbt profiles.yml for the pipeline's dataset
 * (see dbt_cmd.c).
 */
#ifndef LL_CLI_DBT_CMD_H
#define LL_CLI_DBT_CMD_H

/** Runs `dbt-profile` with the arguments after the command name; returns the exit status. */
int cli_dbt_profile(int argc, char **argv);

#endif
