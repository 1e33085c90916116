/*
 * See failpoint.h. The variables are read on every call because failpoints
 * sit on a handful of per-load steps, never on per-row paths.
 */
#include "util/failpoint.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* How long a pause waits for its go-ahead before going on regardless: 2 minutes. */
#define PAUSE_POLLS 12000
#define PAUSE_POLL_US 10000

/*
 * LAKELOAD_PAUSEPOINT=name:DIR or name#K:DIR (the K-th time the process
 * reaches the step, counting from 1): creates DIR/reached, then waits for
 * DIR/go.
 */
static void pause_at(const char *name)
{
	static unsigned long reached;
	const char *want = getenv("LAKELOAD_PAUSEPOINT");
	size_t n = strlen(name);
	if (!want || strncmp(want, name, n) != 0 || (want[n] != ':' && want[n] != '#'))
		return;
	const char *dir = strchr(want + n, ':');
	unsigned long k = want[n] == '#' ? strtoul(want + n + 1, NULL, 10) : 0;
	if (!dir || (k && ++reached != k))
		return;
	char path[4096];
	snprintf(path, sizeof(path), "%s/reached", dir + 1);
	FILE *f = fopen(path, "w");
	if (f)
		fclose(f);
	snprintf(path, sizeof(path), "%s/go", dir + 1);
	for (int i = 0; i < PAUSE_POLLS && access(path, F_OK) != 0; i++)
		usleep(PAUSE_POLL_US);
}

void ll_failpoint(const char *name)
{
	const char *want = getenv("LAKELOAD_FAILPOINT");
	if (want && strcmp(want, name) == 0)
		raise(SIGKILL);
	pause_at(name);
}
