/*
 * What the AWS client tests share: helper processes (the scripted endpoint
 * aws_server.py, moto's server, boto3 scripts) started and stopped by the
 * test program, fixture files, and client configurations with test
 * credentials and short delays. Unsigned HTTP to the helpers and running a
 * command for its JSON output are the S3 tests' (tests/s3/s3_fixture.h).
 *
 * A helper reads nothing from its stdin and exits when it closes, so a test
 * that crashes takes its servers down with it.
 */
#ifndef LL_TEST_AWS_FIXTURE_H
#define LL_TEST_AWS_FIXTURE_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "aws/aws_json.h"
#include "s3_fixture.h"

/* Test credentials: the tests check that neither secret shows up anywhere. */
#define AWS_TEST_KEY_ID "AKIDLAKELOADTEST"
#define AWS_TEST_SECRET "wJalrXUtnFEMI-LAKELOAD-SECRET-KEY"
#define AWS_TEST_TOKEN "LAKELOAD-SESSION-TOKEN-SECRET"

typedef struct aws_proc {
	pid_t pid;
	int stdin_fd;
	int port;
} aws_proc;

/* Runs argv (argv[0] looked up on PATH) and reads the port it prints; false on failure. */
bool aws_proc_start(aws_proc *p, const char *const *argv);
void aws_proc_stop(aws_proc *p);

/* Replaces the scripted endpoint's (aws_server.py) queue of replies; exits the test when it cannot. */
void aws_script(const aws_proc *server, const char *replies);

/* The requests the scripted endpoint received since the last call (new reference). */
json_t *aws_received(const aws_proc *server);

/* Unsets the AWS_ENDPOINT_URL* variables so only the test's endpoint counts. */
void aws_clear_endpoint_env(void);

/* A client config for http://127.0.0.1:port (endpoint written into buf). */
void aws_test_config(ll_aws_json_config *cfg, ll_aws_service service, char *buf, size_t size,
		     int port);

/* Loads tests/aws/fixtures/<name>; exits the test when it cannot. */
json_t *aws_fixture(const char *name);

/* "$LL_SOURCE_DIR/tests/aws/<name>" into buf. */
const char *aws_test_file(const char *name, char *buf, size_t size);

#endif
