/*
 * A minimal test harness: each test program defines test functions, lists
 * them in LL_TESTS, and main() runs them all, printing one line per failed
 * check with file:line, and exits non-zero if any check failed. ctest runs
 * each program and prints the summary.
 */
#ifndef LL_TEST_H
#define LL_TEST_H

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lakeload.h"

extern int ll_test_failures;
int ll_test_failures;

#define CHECK(cond) \
	do { \
		if (!(cond)) { \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
			ll_test_failures++; \
		} \
	} while (0)

#define CHECK_INT(a, b) \
	do { \
		long long a_ = (long long)(a), b_ = (long long)(b); \
		if (a_ != b_) { \
			fprintf(stderr, "%s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, \
				#a, a_, #b, b_); \
			ll_test_failures++; \
		} \
	} while (0)

#define CHECK_STR(a, b) \
	do { \
		const char *a_ = (a), *b_ = (b); \
		if (!a_ || !b_ || strcmp(a_, b_) != 0) { \
			fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, #a, \
				a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
			ll_test_failures++; \
		} \
	} while (0)

/* Checks that a call returned LL_OK, printing the error otherwise. */
#define CHECK_OK(call, errp) \
	do { \
		ll_status s_ = (call); \
		if (s_ != LL_OK) { \
			char m_[2048]; \
			fprintf(stderr, "%s:%d: %s failed: %s\n", __FILE__, __LINE__, #call, \
				ll_error_format((errp), m_, sizeof(m_))); \
			ll_test_failures++; \
		} \
	} while (0)

typedef struct ll_test_case {
	const char *name;
	void (*fn)(void);
} ll_test_case;

#define LL_TEST(fn) { #fn, fn }

#define LL_TEST_MAIN(...) \
	int main(void) \
	{ \
		static const ll_test_case cases_[] = { __VA_ARGS__ }; \
		for (size_t i_ = 0; i_ < sizeof(cases_) / sizeof(cases_[0]); i_++) { \
			int before_ = ll_test_failures; \
			cases_[i_].fn(); \
			printf("%s %s\n", ll_test_failures == before_ ? "ok  " : "FAIL", cases_[i_].name); \
			fflush(stdout); \
		} \
		return ll_test_failures ? 1 : 0; \
	}

/*
 * Path of a reference file or folder in tests/data (ctest sets
 * LL_TESTDATA_DIR). A missing one ends the test with a message naming it,
 * so that no test goes on to read, and crash on, data that is not there.
 */
static inline const char *ll_testdata(const char *rel, char *buf, size_t size)
{
	const char *dir = getenv("LL_TESTDATA_DIR");
	if (!dir) {
		fprintf(stderr, "LL_TESTDATA_DIR is not set; run the tests through ctest\n");
		exit(2);
	}
	if ((size_t)snprintf(buf, size, "%s/%s", dir, rel) >= size) {
		fprintf(stderr, "path too long for the test's buffer: %s/%s\n", dir, rel);
		exit(2);
	}
	struct stat st;
	if (stat(buf, &st) != 0) {
		fprintf(stderr, "missing reference data %s: %s (the tests read it from tests/data)\n",
			buf, strerror(errno));
		exit(2);
	}
	return buf;
}

/* The program's temporary directory, made on first use; see ll_test_tmpdir. */
static char ll_test_root_[512];
static pid_t ll_test_root_owner_;

/* Removes the temporary directory at exit when every check passed. */
static inline void ll_test_remove_root_(void)
{
	/* A forked child that exits must not remove its parent's files. */
	if (getpid() != ll_test_root_owner_)
		return;
	if (ll_test_failures) {
		fprintf(stderr, "test files kept in %s\n", ll_test_root_);
		return;
	}
	char cmd[sizeof(ll_test_root_) + 16];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", ll_test_root_);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", ll_test_root_);
}

static inline const char *ll_test_root(void)
{
	if (ll_test_root_[0])
		return ll_test_root_;
	const char *tmp = getenv("TMPDIR");
	snprintf(ll_test_root_, sizeof(ll_test_root_), "%s/lakeload-%s.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp", program_invocation_short_name);
	if (!mkdtemp(ll_test_root_)) {
		fprintf(stderr, "cannot create %s: %s\n", ll_test_root_, strerror(errno));
		exit(2);
	}
	ll_test_root_owner_ = getpid();
	atexit(ll_test_remove_root_);
	return ll_test_root_;
}

/*
 * A fresh empty directory named after the test inside the program's own
 * temporary directory (under $TMPDIR, else /tmp). That directory is removed
 * when the program exits with every check passed, and kept (its path
 * printed) when one failed, as the end-to-end tests do.
 */
static inline const char *ll_test_tmpdir(const char *name, char *buf, size_t size)
{
	if ((size_t)snprintf(buf, size, "%s/%s", ll_test_root(), name) >= size) {
		fprintf(stderr, "path too long for the test's buffer: %s/%s\n", ll_test_root(), name);
		exit(2);
	}
	size_t cmd_size = 2 * strlen(buf) + 64;
	char *cmd = malloc(cmd_size);
	if (cmd)
		snprintf(cmd, cmd_size, "rm -rf '%s' && mkdir -p '%s'", buf, buf);
	int rc = cmd ? system(cmd) : -1;
	free(cmd);
	if (rc != 0) {
		fprintf(stderr, "cannot prepare %s\n", buf);
		exit(2);
	}
	return buf;
}

#endif
