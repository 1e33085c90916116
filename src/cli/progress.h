/*
 * The progress line of `load` and `run` on a terminal: records and bytes
 * read, MB/s, and the share done with an ETA when the input's size is
 * known, one line on stderr redrawn in place (the library calls at most
 * ten times a second), ended with a newline when a load has read
 * everything. --progress auto (default) shows it only when stderr is a
 * terminal; always and never force it.
 */
#ifndef LL_CLI_PROGRESS_H
#define LL_CLI_PROGRESS_H

#include <stdbool.h>

#include "lakeload.h"

/** Whether to show progress for a --progress value (NULL: auto); false in *ok for another value. */
bool cli_progress_wanted(const char *mode, bool *ok);

/** An ll_progress_fn drawing the line on stderr; user is unused. */
void cli_progress_show(void *user, const ll_progress *progress);

#endif
