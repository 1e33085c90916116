/*
 * Test fixture for the S3 client; see s3_fixture.h.
 */
#include "s3_fixture.h"

#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/hash.h"

/* node, s3rver and its dependencies load in well under this on any machine. */
#define START_TIMEOUT_MS 60000

static void die(const char *what)
{
	fprintf(stderr, "s3 test fixture: %s\n", what);
	exit(2);
}

static void exec_node(const char *script, const char *const *args, int in, int out)
{
	const char *dir = getenv("LL_INTEROP_DIR");
	char path[2048];
	snprintf(path, sizeof(path), "%s/%s", dir, script);
	const char *argv[16] = { "node", path };
	size_t n = 2;
	for (size_t i = 0; args && args[i] && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	dup2(in, 0);
	dup2(out, 1);
	execvp("node", (char *const *)argv);
	fprintf(stderr, "cannot run node: %s\n", strerror(errno));
	_exit(127);
}

/* Reads the first line the helper prints, {"port": N}. */
static int read_port(int fd)
{
	char line[256];
	size_t len = 0;
	while (len < sizeof(line) - 1) {
		struct pollfd p = { fd, POLLIN, 0 };
		if (poll(&p, 1, START_TIMEOUT_MS) <= 0)
			return -1;
		ssize_t n = read(fd, line + len, 1);
		if (n <= 0)
			return -1;
		if (line[len] == '\n')
			break;
		len++;
	}
	line[len] = '\0';
	const char *p = strstr(line, "\"port\":");
	return p ? atoi(p + 7) : -1;
}

void s3_node_start(s3_node *n, const char *script, const char *const *args)
{
	if (!getenv("LL_INTEROP_DIR"))
		die("LL_INTEROP_DIR is not set; run the tests through ctest");
	int in[2], out[2];
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0)
		die("cannot create pipes");
	pid_t pid = fork();
	if (pid < 0)
		die("cannot fork");
	if (pid == 0)
		exec_node(script, args, in[0], out[1]);
	close(in[0]);
	close(out[1]);
	*n = (s3_node){ pid, in[1], out[0], read_port(out[0]) };
	if (n->port <= 0) {
		s3_node_stop(n);
		fprintf(stderr, "s3 test fixture: %s did not report a port\n", script);
		exit(2);
	}
}

void s3_node_stop(s3_node *n)
{
	if (n->pid <= 0)
		return;
	close(n->stdin_fd);
	close(n->stdout_fd);
	for (int i = 0; i < 100; i++) {
		if (waitpid(n->pid, NULL, WNOHANG) == n->pid) {
			n->pid = 0;
			return;
		}
		usleep(50000);
	}
	kill(n->pid, SIGKILL);
	waitpid(n->pid, NULL, 0);
	n->pid = 0;
}

void s3_emulator_start(s3_node *n, const char *dir)
{
	const char *args[] = { dir, S3_TEST_BUCKET, NULL };
	s3_node_start(n, "s3_server.mjs", args);
}

void s3_test_config(ll_s3_config *cfg, char *endpoint, size_t size, int port)
{
	snprintf(endpoint, size, "http://127.0.0.1:%d", port);
	ll_s3_config_init(cfg);
	cfg->endpoint_url = endpoint;
	cfg->access_key_id = "S3RVER";
	cfg->secret_access_key = "S3RVER";
	cfg->retry_base_delay_ms = 5;
	cfg->retry_max_delay_ms = 50;
	cfg->idle_timeout_ms = 5000;
}

ll_s3_client *s3_test_client(const ll_s3_config *cfg)
{
	ll_s3_client *c = NULL;
	ll_error err;
	ll_error_clear(&err);
	if (ll_s3_client_open(&c, cfg, &err) != LL_OK) {
		fprintf(stderr, "cannot open the S3 client: %s\n", err.message);
		exit(2);
	}
	return c;
}

void s3_fill(void *buf, size_t len, uint64_t seed)
{
	unsigned char *p = buf;
	for (size_t i = 0; i < len; i += 8) {
		uint64_t v = ll_mix64(seed * 0x100000001b3ULL + i / 8);
		size_t n = len - i < 8 ? len - i : 8;
		memcpy(p + i, &v, n);
	}
}

void s3_write_file(const char *path, size_t len, uint64_t seed)
{
	unsigned char *data = malloc(len ? len : 1);
	FILE *f = fopen(path, "wb");
	if (!data || !f)
		die("cannot create a test file");
	s3_fill(data, len, seed);
	bool ok = fwrite(data, 1, len, f) == len;
	ok = fclose(f) == 0 && ok;
	free(data);
	if (!ok)
		die("cannot write a test file");
}

static size_t collect(char *data, size_t size, size_t n, void *user)
{
	ll_buf_append(user, data, size * n);
	return size * n;
}

json_t *s3_http_json(int port, const char *method, const char *path, const char *body)
{
	char url[512];
	snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", port, path);
	CURL *e = curl_easy_init();
	ll_buf reply = LL_BUF_INIT;
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	if (body)
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &reply);
	CURLcode rc = curl_easy_perform(e);
	curl_easy_cleanup(e);
	json_t *j = rc == CURLE_OK ? json_loadb(ll_buf_cstr(&reply), reply.len, 0, NULL) : NULL;
	ll_buf_free(&reply);
	return j;
}

json_t *s3_run_json(const char *command)
{
	FILE *p = popen(command, "r");
	if (!p)
		return NULL;
	ll_buf out = LL_BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		ll_buf_append(&out, chunk, n);
	int rc = pclose(p);
	json_t *j = rc == 0 ? json_loadb(ll_buf_cstr(&out), out.len, 0, NULL) : NULL;
	if (rc != 0)
		fprintf(stderr, "'%s' failed (status %d)\n", command, rc);
	ll_buf_free(&out);
	return j;
}
