/*
 * The terminal progress line; see progress.h.
 */
#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

bool cli_progress_wanted(const char *mode, bool *ok)
{
	*ok = true;
	if (!mode || strcmp(mode, "auto") == 0)
		return isatty(STDERR_FILENO) == 1;
	if (strcmp(mode, "always") == 0)
		return true;
	*ok = strcmp(mode, "never") == 0;
	return false;
}

/* The last part of a path or URL, which is what tells inputs apart on one line. */
static const char *short_name(const char *source)
{
	const char *slash = strrchr(source, '/');
	return slash && slash[1] ? slash + 1 : source;
}

void cli_progress_show(void *user, const ll_progress *pr)
{
	(void)user;
	const double mb = 1024.0 * 1024.0;
	double secs = pr->seconds > 0.001 ? pr->seconds : 0.001;
	char line[512];
	int n = snprintf(line, sizeof(line), "lakeload: %s: %llu records", short_name(pr->source),
			 (unsigned long long)pr->records);
	if (pr->bytes && n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, ", %.1f MB", (double)pr->bytes / mb);
	if (pr->total_bytes && n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, " of %.1f MB (%.0f%%)",
			      (double)pr->total_bytes / mb,
			      100.0 * (double)pr->bytes / (double)pr->total_bytes);
	if (pr->bytes && n > 0 && (size_t)n < sizeof(line))
		n += snprintf(line + n, sizeof(line) - (size_t)n, ", %.1f MB/s",
			      (double)pr->bytes / mb / secs);
	if (pr->total_bytes && pr->bytes && !pr->done && n > 0 && (size_t)n < sizeof(line)) {
		double left = (double)(pr->total_bytes - (pr->bytes < pr->total_bytes ? pr->bytes
										      : pr->total_bytes)) /
			      ((double)pr->bytes / secs);
		snprintf(line + n, sizeof(line) - (size_t)n, ", ETA %d:%02d", (int)left / 60, (int)left % 60);
	}
	/* \r and erase-to-end redraw the one line in place */
	fprintf(stderr, "\r%s\033[K%s", line, pr->done ? "\n" : "");
	fflush(stderr);
}
