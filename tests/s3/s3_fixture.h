/*
 * What the S3 tests share: node helpers (the s3rver emulator and the fault
 * proxy from tests/interop) started and stopped by the test program
 * itself, clients configured for them, deterministic test data, and small
 * HTTP and JSON helpers for talking to the proxy.
 *
 * A helper process reads nothing from its stdin and exits when it closes,
 * so a test that crashes takes its servers down with it.
 */
#ifndef LL_TEST_S3_FIXTURE_H
#define LL_TEST_S3_FIXTURE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "storage/s3.h"

/* The emulator's bucket every test uses. */
#define S3_TEST_BUCKET "lakeload-test"

typedef struct s3_node {
	pid_t pid;
	int stdin_fd;
	int stdout_fd;
	int port;
} s3_node;

/*
 * Runs "node $LL_INTEROP_DIR/<script> <args...>" and waits for the port it
 * prints. Exits the test program when that fails: nothing can run without.
 */
void s3_node_start(s3_node *n, const char *script, const char *const *args);
void s3_node_stop(s3_node *n);

/* Starts s3rver storing into dir (an empty directory), with S3_TEST_BUCKET. */
void s3_emulator_start(s3_node *n, const char *dir);

/* A config for 127.0.0.1:port with s3rver's credentials and short delays. */
void s3_test_config(ll_s3_config *cfg, char *endpoint, size_t size, int port);

/* Opens a client from cfg or exits the test program. */
ll_s3_client *s3_test_client(const ll_s3_config *cfg);

/* Fills buf with bytes that depend on seed and position. */
void s3_fill(void *buf, size_t len, uint64_t seed);

/* Writes len bytes of s3_fill(seed) to path. */
void s3_write_file(const char *path, size_t len, uint64_t seed);

/* Sends an unsigned HTTP request to 127.0.0.1:port; returns the parsed JSON reply or NULL. */
json_t *s3_http_json(int port, const char *method, const char *path, const char *body);

/* Runs a command and parses its standard output as JSON; NULL on failure. */
json_t *s3_run_json(const char *command);

#endif
