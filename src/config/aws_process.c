/*
 * credential_process, as botocore runs it: the command line is split as
 * Python's shlex.split does (POSIX rules: blanks separate words; '...'
 * is literal; inside "..." a backslash escapes only " and itself; outside
 * quotes it escapes any next character) and executed
 * directly, with no shell. Its standard output must be the JSON
 *   {"Version": 1, "AccessKeyId": ..., "SecretAccessKey": ...,
 *    "SessionToken": ... (optional), "Expiration": ISO 8601 (optional)}
 * Its standard error goes to ours, so its own messages reach the user;
 * lakeload's messages name the profile and the program, never the output.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config/aws_sources.h"

#define MAX_OUTPUT (1u << 20)

extern char **environ;

typedef struct words {
	ll_buf text; /* the words, each NUL-terminated */
	size_t count;
} words;

/* What a backslash escapes inside double quotes (shlex's escapedquotes and escape). */
static bool escapable_in_quotes(char c)
{
	return c == '\\' || c == '"';
}

/* Splits line as shlex.split does; false on an unterminated quote or escape. */
static bool shell_split(const char *line, words *out)
{
	char quote = 0; /* the quote we are inside, or 0 */
	bool in_word = false;
	for (const char *p = line; *p; p++) {
		char c = *p;
		bool blank = c == ' ' || c == '\t' || c == '\n' || c == '\r';
		if (!quote && blank) {
			if (in_word)
				ll_buf_putc(&out->text, '\0'), out->count++;
			in_word = false;
			continue;
		}
		in_word = true;
		if (c == quote) {
			quote = 0;
		} else if (quote == '\'') {
			ll_buf_putc(&out->text, c);
		} else if (c == '\\') {
			if (!p[1])
				return false;
			if (quote == '"' && !escapable_in_quotes(p[1]))
				ll_buf_putc(&out->text, '\\');
			ll_buf_putc(&out->text, *++p);
		} else if (!quote && (c == '\'' || c == '"')) {
			quote = c;
		} else {
			ll_buf_putc(&out->text, c);
		}
	}
	if (in_word)
		ll_buf_putc(&out->text, '\0'), out->count++;
	return !quote;
}

static char **word_vector(const words *w)
{
	char **argv = calloc(w->count + 1, sizeof(*argv));
	char *p = w->text.data;
	for (size_t i = 0; argv && i < w->count; i++) {
		argv[i] = p;
		p += strlen(p) + 1;
	}
	return argv;
}

/* Reads the child's standard output (up to MAX_OUTPUT) and waits for it. */
static bool collect(int fd, pid_t pid, ll_buf *out, int *wstatus)
{
	char chunk[4096];
	bool ok = true;
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out->len + (size_t)n > MAX_OUTPUT) {
			ok = false;
			kill(pid, SIGKILL);
			break;
		}
		ll_buf_append(out, chunk, (size_t)n);
	}
	close(fd);
	while (waitpid(pid, wstatus, 0) < 0 && errno == EINTR)
		;
	return ok && !ll_buf_oom(out);
}

static ll_status run(char **argv, const char *profile, ll_buf *output, int *wstatus, ll_error *err)
{
	int fds[2];
	if (pipe(fds) != 0)
		return ll_error_set(err, LL_EIO, "credential_process of profile %s: cannot make a pipe: %s",
				    profile, strerror(errno));
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&actions, fds[0]);
	posix_spawn_file_actions_addclose(&actions, fds[1]);
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], &actions, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&actions);
	close(fds[1]);
	if (rc != 0) {
		close(fds[0]);
		return ll_error_set(err, LL_EAUTH,
				    "credential_process of profile %s: cannot run %s: %s", profile,
				    argv[0], strerror(rc));
	}
	if (!collect(fds[0], pid, output, wstatus))
		return ll_error_set(err, LL_EAUTH,
				    "credential_process of profile %s: %s wrote more than 1 MiB", profile,
				    argv[0]);
	return LL_OK;
}

static ll_status check_exit(int wstatus, const char *program, const char *profile, ll_error *err)
{
	if (WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0)
		return LL_OK;
	if (WIFEXITED(wstatus))
		return ll_error_set(err, LL_EAUTH,
				    "credential_process of profile %s: %s exited with status %d",
				    profile, program, WEXITSTATUS(wstatus));
	return ll_error_set(err, LL_EAUTH, "credential_process of profile %s: %s was killed by signal %d",
			    profile, program, WTERMSIG(wstatus));
}

static ll_status read_answer(const ll_buf *output, const char *program, const char *profile,
			     ll_aws_creds *out, ll_error *err)
{
	const char *why =
		ll_aws_creds_from_json(ll_buf_cstr(output), output->len, "SessionToken", true, out);
	if (why)
		return ll_error_set(err, LL_EAUTH, "credential_process of profile %s: %s: %s", profile,
				    program, why);
	snprintf(out->source, sizeof(out->source), "credential_process of profile %s", profile);
	return LL_OK;
}

ll_status ll_aws_process_credentials(const char *command, const char *profile, ll_aws_creds *out,
				     ll_error *err)
{
	words w = { LL_BUF_INIT, 0 };
	if (!shell_split(command, &w) || w.count == 0) {
		ll_buf_free(&w.text);
		return ll_error_set(err, LL_EINVAL,
				    "credential_process of profile %s: the command line is empty or "
				    "has an unclosed quote",
				    profile);
	}
	char **argv = word_vector(&w);
	ll_buf output = LL_BUF_INIT;
	int wstatus = 0;
	ll_status st = argv && !ll_buf_oom(&w.text) ? run(argv, profile, &output, &wstatus, err)
						    : ll_error_oom(err);
	if (st == LL_OK)
		st = check_exit(wstatus, argv[0], profile, err);
	if (st == LL_OK)
		st = read_answer(&output, argv[0], profile, out, err);
	ll_buf_wipe(&output);
	free(argv);
	ll_buf_free(&w.text);
	return st;
}
