/*
 * `lakeload init`: scaffolds .dlt/config.toml, .dlt/secrets.toml and
 * pipeline.toml for a source and a destination (see init_cmd.c).
 */
#ifndef LL_CLI_INIT_CMD_H
#define LL_CLI_INIT_CMD_H

/** Runs `init` with the arguments after the command name; returns the exit status. */
int cli_init(int argc, char **argv);

#endif
