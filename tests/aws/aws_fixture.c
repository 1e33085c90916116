/* Helpers for the AWS client tests; see aws_fixture.h. */
#include "aws_fixture.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>


bool aws_proc_start(aws_proc *p, const char *const *argv)
{
	int in[2], out[2];
	p->pid = -1;
	if (pipe(in) != 0 || pipe(out) != 0)
		return false;
	pid_t pid = fork();
	if (pid < 0)
		return false;
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		close(in[1]);
		close(out[0]);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	p->pid = pid;
	p->stdin_fd = in[1];
	char line[64];
	size_t n = 0;
	while (n + 1 < sizeof(line) && read(out[0], line + n, 1) == 1 && line[n] != '\n')
		n++;
	line[n] = '\0';
	close(out[0]);
	p->port = atoi(line);
	if (p->port <= 0) {
		aws_proc_stop(p);
		return false;
	}
	return true;
}

void aws_proc_stop(aws_proc *p)
{
	if (p->pid <= 0)
		return;
	close(p->stdin_fd);
	/* The helpers exit when stdin closes; a stuck one is ended. */
	for (int i = 0; i < 100; i++) {
		if (waitpid(p->pid, NULL, WNOHANG) == p->pid) {
			p->pid = -1;
			return;
		}
		usleep(50000);
	}
	kill(p->pid, SIGKILL);
	waitpid(p->pid, NULL, 0);
	p->pid = -1;
}

void aws_clear_endpoint_env(void)
{
	unsetenv("AWS_ENDPOINT_URL");
	unsetenv("AWS_ENDPOINT_URL_GLUE");
	unsetenv("AWS_ENDPOINT_URL_ATHENA");
}

void aws_test_config(ll_aws_json_config *cfg, ll_aws_service service, char *buf, size_t size,
		     int port)
{
	ll_aws_json_config_init(cfg, service);
	snprintf(buf, size, "http://127.0.0.1:%d", port);
	cfg->endpoint_url = buf;
	cfg->region = "eu-west-1";
	cfg->access_key_id = AWS_TEST_KEY_ID;
	cfg->secret_access_key = AWS_TEST_SECRET;
	cfg->session_token = AWS_TEST_TOKEN;
	cfg->max_retries = 3;
	cfg->retry_base_delay_ms = 10;
	cfg->retry_max_delay_ms = 50;
	cfg->request_timeout_ms = 10000;
}

const char *aws_test_file(const char *name, char *buf, size_t size)
{
	const char *src = getenv("LL_SOURCE_DIR");
	snprintf(buf, size, "%s/tests/aws/%s", src ? src : ".", name);
	return buf;
}

json_t *aws_fixture(const char *name)
{
	char rel[256], path[1024];
	snprintf(rel, sizeof(rel), "fixtures/%s", name);
	json_error_t je;
	json_t *doc = json_load_file(aws_test_file(rel, path, sizeof(path)), 0, &je);
	if (!doc) {
		fprintf(stderr, "cannot load %s: %s\n", path, je.text);
		exit(2);
	}
	return doc;
}

void aws_script(const aws_proc *server, const char *replies)
{
	json_t *r = s3_http_json(server->port, "POST", "/__script", replies);
	if (!r) {
		fprintf(stderr, "the scripted server did not take %s\n", replies);
		exit(2);
	}
	json_decref(r);
}

json_t *aws_received(const aws_proc *server)
{
	json_t *r = s3_http_json(server->port, "GET", "/__requests", NULL);
	return r ? r : json_array();
}
