/*
 * peak_rss: runs a command and reports its peak resident memory and times.
 *
 *   peak_rss [-o FILE] [--] CMD ARGS...
 *
 * Prints one line, to FILE if given (so it does not mix with the command's
 * own stderr), else to stderr:
 *
 *   peak_rss_kib=123456 wall_s=1.234 user_s=1.100 sys_s=0.120 status=0
 *
 * and exits with the command's status (128+N if signal N killed it, 127 if
 * it could not be started), so scripts can chain it like the command itself.
 *
 * The peak comes from wait4(2): on Linux that is the largest resident set of
 * the child or of any descendant it waited for, which is what a user of a
 * single-process tool sees as its memory cost.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* wait4 */
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds_of(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The shell's convention, so a caller reads it like `$?` of the command. */
static int exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

static pid_t start(char **argv)
{
	pid_t pid = fork();
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "peak_rss: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0)
		fprintf(stderr, "peak_rss: fork: %s\n", strerror(errno));
	return pid;
}

static int wait_child(pid_t pid, int *status, struct rusage *ru)
{
	for (;;) {
		pid_t got = wait4(pid, status, 0, ru);
		if (got == pid)
			return 0;
		if (got < 0 && errno != EINTR) {
			fprintf(stderr, "peak_rss: wait4: %s\n", strerror(errno));
			return -1;
		}
	}
}

static int report(const char *path, const struct rusage *ru, double wall, int code)
{
	FILE *f = path ? fopen(path, "w") : stderr;
	if (!f) {
		fprintf(stderr, "peak_rss: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(f, "peak_rss_kib=%ld wall_s=%.3f user_s=%.3f sys_s=%.3f status=%d\n",
		ru->ru_maxrss, wall, seconds_of(ru->ru_utime), seconds_of(ru->ru_stime), code);
	if (path && fclose(f) != 0) {
		fprintf(stderr, "peak_rss: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *out_path = NULL;
	int i = 1;
	if (i + 1 < argc && strcmp(argv[i], "-o") == 0) {
		out_path = argv[i + 1];
		i += 2;
	}
	if (i < argc && strcmp(argv[i], "--") == 0)
		i++;
	if (i >= argc) {
		fputs("usage: peak_rss [-o FILE] [--] CMD ARGS...\n", stderr);
		return 2;
	}

	double t0 = now_s();
	pid_t pid = start(argv + i);
	if (pid < 0)
		return 127;
	int status;
	struct rusage ru;
	if (wait_child(pid, &status, &ru) != 0)
		return 1;
	double wall = now_s() - t0;

	int code = exit_code(status);
	if (report(out_path, &ru, wall, code) != 0 && code == 0)
		return 1;
	return code;
}
