/*
 * `lakeload COMMAND --help` for the commands that share main.c's option
 * parser (load, query, info, run, delete, history, drop-pending,
 * drop-table, config): one help text per command naming every option it
 * reads. init, dbt-profile and serve parse their own options and print
 * their own help.
 */
#ifndef LL_CLI_HELP_H
#define LL_CLI_HELP_H

#include <stdbool.h>

/** Whether args (the words after the command) ask for help: -h or --help. */
bool cli_help_requested(int argc, char **argv);

/** Prints command's help on stdout; false if the command has no help text here. */
bool cli_help_print(const char *command);

#endif
