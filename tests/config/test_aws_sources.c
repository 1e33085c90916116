/*
 * The AWS credential sources beyond static keys, each against a local
 * stand-in for the service (tests/config/aws_responder.py on a free
 * 127.0.0.1 port, started and stopped here): STS AssumeRole with
 * source_profile chains (the responder verifies every SigV4 signature with
 * the secret it knows or issued), credential_source, AssumeRoleWithWebIdentity,
 * credential_process, the container endpoint, IMDSv2; what "no credentials"
 * lists; refreshing temporary credentials before they expire, from many
 * threads at once and under an S3 client that signs each request with the
 * credentials current then.
 *
 * Where Debian's botocore (/usr/bin/python3) is installed, the same files
 * and environment are resolved by botocore too (boto3_credentials.py), and
 * both must arrive at the same access key id, or both fail.
 *
 * No request leaves 127.0.0.1: AWS_EC2_METADATA_DISABLED is set unless a
 * test points AWS_EC2_METADATA_SERVICE_ENDPOINT at the responder, and every
 * STS call goes to AWS_ENDPOINT_URL_STS (or the profile's endpoint_url),
 * the responder.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config/aws_credentials.h"
#include "storage/s3.h"
#include "test.h"

#define ROLE "arn:aws:iam::123456789012:role/"
#define BASE_KEY "AKIABASE0000000001"
#define BASE_SECRET "basesecretbasesecretbasesecretbase01"
#define ENV_KEY "AKIAENVIRON0000002"
#define ENV_SECRET "envsecretenvsecretenvsecretenvsecret"
#define WEB_TOKEN "web-identity-token-never-printed"
#define CONTAINER_TOKEN "container-auth-token-never-printed"
#define PROCESS_SECRET "processsecretprocesssecretprocess01"

static char root[64];
static char sts_url[64];
static pid_t responder = -1;
static int responder_port;
static int have_botocore = -1;

static const char *const aws_env[] = {
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
	"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3",
	"AWS_ENDPOINT_URL_STS", "AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE",
	"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ROLE_SESSION_NAME",
	"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
	"AWS_CONTAINER_AUTHORIZATION_TOKEN", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	"AWS_EC2_METADATA_SERVICE_ENDPOINT", "AWS_EC2_METADATA_DISABLED", "LL_TEST_STS_URL",
};

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void path_in_root(char *out, size_t size, const char *rel)
{
	snprintf(out, size, "%s/%s", root, rel);
}

/* The responder's behaviour; it reads this file at every request. */
static void responder_config(const char *json)
{
	char path[128];
	path_in_root(path, sizeof(path), "responder.json");
	write_file(path, json);
}

static void responder_stop(void)
{
	if (responder > 0) {
		kill(responder, SIGTERM);
		waitpid(responder, NULL, 0);
		responder = -1;
	}
	if (root[0]) {
		char cmd[128];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
		if (chdir("/") != 0 || system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", root);
	}
}

static void responder_start(void)
{
	char script[512], config[128], port_file[128], log[128];
	const char *src = getenv("LL_SOURCE_DIR");
	snprintf(script, sizeof(script), "%s/tests/config/aws_responder.py", src ? src : ".");
	path_in_root(config, sizeof(config), "responder.json");
	path_in_root(port_file, sizeof(port_file), "responder.port");
	path_in_root(log, sizeof(log), "responder.log");
	responder_config("{}");
	responder = fork();
	if (responder == 0) {
		execl("/usr/bin/python3", "python3", script, config, port_file, log, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 1000 && responder_port == 0; i++) {
		FILE *f = fopen(port_file, "r");
		if (!f || fscanf(f, "%d", &responder_port) != 1)
			usleep(10000);
		if (f)
			fclose(f);
		if (waitpid(responder, NULL, WNOHANG) != 0)
			break;
	}
	if (responder_port == 0) {
		fprintf(stderr, "the AWS responder did not start\n");
		exit(2);
	}
	snprintf(sts_url, sizeof(sts_url), "http://127.0.0.1:%d", responder_port);
}

/* Lines of the responder's log containing needle. */
static int responder_calls(const char *needle)
{
	char path[128], line[1024];
	path_in_root(path, sizeof(path), "responder.log");
	FILE *f = fopen(path, "r");
	int n = 0;
	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, needle) != NULL;
	if (f)
		fclose(f);
	return n;
}

/* Empty ~/.aws and .dlt in the test's directory, no AWS_* variables, STS at the responder. */
static void fresh(void)
{
	if (!root[0]) {
		snprintf(root, sizeof(root), "/tmp/ll_aws_XXXXXX");
		CHECK(mkdtemp(root) != NULL);
		atexit(responder_stop);
		responder_start();
	}
	CHECK(chdir(root) == 0);
	setenv("HOME", root, 1);
	for (size_t i = 0; i < sizeof(aws_env) / sizeof(aws_env[0]); i++)
		unsetenv(aws_env[i]);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("AWS_ENDPOINT_URL_STS", sts_url, 1);
	setenv("LL_TEST_STS_URL", sts_url, 1);
	CHECK(system("rm -rf .aws .dlt responder.log && mkdir -p .aws .dlt bin") == 0);
	responder_config("{}");
}

/* Resolves an s3:// lake; the access key id (and token) land in the given buffers. */
static ll_status resolve_key(char *key, size_t size, bool *has_token, ll_error *err)
{
	ll_config *c = NULL;
	ll_error_clear(err);
	key[0] = '\0';
	ll_status st = ll_config_load(&c, NULL, NULL, NULL, err);
	const char *lake;
	ll_s3_options s3;
	bool use_s3;
	if (st == LL_OK)
		st = ll_config_resolve_lake(c, "s3://bucket/p", &lake, &s3, &use_s3, err);
	if (st == LL_OK) {
		snprintf(key, size, "%s", s3.access_key_id);
		if (has_token)
			*has_token = s3.session_token != NULL;
	}
	ll_config_free(c);
	return st;
}

static void expect_key(const char *expected)
{
	char key[128];
	bool token = false;
	ll_error err;
	CHECK_OK(resolve_key(key, sizeof(key), &token, &err), &err);
	CHECK_STR(key, expected);
	CHECK(token);
}

/* The error of a failed resolution, formatted; checks it holds no secret. */
static const char *expect_error(char *msg, size_t size)
{
	char key[128];
	ll_error err;
	CHECK(resolve_key(key, sizeof(key), NULL, &err) != LL_OK);
	ll_error_format(&err, msg, size);
	const char *secrets[] = { BASE_SECRET, ENV_SECRET, WEB_TOKEN, CONTAINER_TOKEN,
				  PROCESS_SECRET };
	for (size_t i = 0; i < sizeof(secrets) / sizeof(secrets[0]); i++)
		CHECK(strstr(msg, secrets[i]) == NULL);
	return msg;
}

/*
 * What botocore resolves with the same files and environment: the key id,
 * "NONE", or "ERROR <class>". NULL when Debian's botocore is not installed.
 */
static const char *botocore_says(char *out, size_t size)
{
	if (have_botocore < 0) {
		have_botocore = system("/usr/bin/python3 -c 'import botocore' 2>/dev/null") == 0;
		if (!have_botocore)
			printf("skip: no botocore in /usr/bin/python3; no cross-check\n");
	}
	if (!have_botocore)
		return NULL;
	char cmd[512];
	const char *src = getenv("LL_SOURCE_DIR");
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/tests/config/boto3_credentials.py",
		 src ? src : ".");
	FILE *p = popen(cmd, "r");
	out[0] = '\0';
	if (p) {
		if (!fgets(out, (int)size, p))
			out[0] = '\0';
		pclose(p);
	}
	out[strcspn(out, "\n")] = '\0';
	return out;
}

static void botocore_agrees(const char *expected)
{
	char said[256];
	const char *b = botocore_says(said, sizeof(said));
	if (b)
		CHECK_STR(b, expected);
}

/* A credentials file with the base profile's long-term keys, plus extra text. */
static void credentials_file(const char *extra)
{
	char text[4096];
	snprintf(text, sizeof(text),
		 "[base]\naws_access_key_id = " BASE_KEY "\naws_secret_access_key = " BASE_SECRET
		 "\n%s",
		 extra);
	write_file(".aws/credentials", text);
}

#define STATIC_KEYS \
	"\"static\": {\"" BASE_KEY "\": \"" BASE_SECRET "\", \"" ENV_KEY "\": \"" ENV_SECRET "\"}"

static void test_assume_role_from_source_profile(void)
{
	fresh();
	credentials_file("");
	write_file(".aws/config", "[profile dev]\nrole_arn = " ROLE "dev\nsource_profile = base\n"
				  "external_id = ext-42\nrole_session_name = lakeload-test\n"
				  "duration_seconds = 900\nregion = eu-central-1\n");
	responder_config("{" STATIC_KEYS ", \"roles\": {\"" ROLE "dev\": {\"key\": \"ASIADEV0000000001\", "
			 "\"external_id\": \"ext-42\", \"session_name\": \"lakeload-test\", "
			 "\"duration\": \"900\"}}}");
	setenv("AWS_PROFILE", "dev", 1);
	expect_key("ASIADEV0000000001");
	CHECK_INT(responder_calls("STS AssumeRole " ROLE "dev lakeload-test"), 1);
	botocore_agrees("ASIADEV0000000001");

	/* what config show says: the role, when the credentials expire, no secret */
	ll_config *c = NULL;
	ll_error err;
	CHECK_OK(ll_config_load(&c, NULL, NULL, NULL, &err), &err);
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	CHECK_OK(ll_config_show(c, "s3://bucket/p", out, &err), &err);
	fclose(out);
	CHECK(strstr(text, "from sts AssumeRole " ROLE "dev") != NULL);
	CHECK(strstr(text, "credentials expire = ") != NULL);
	CHECK(strstr(text, "region = eu-central-1") != NULL);
	CHECK(strstr(text, BASE_SECRET) == NULL);
	free(text);
	ll_config_free(c);

	/* STS checks the signature: made with another secret, it is refused */
	responder_config("{\"static\": {\"" BASE_KEY "\": \"anothersecret\"}, \"roles\": {\"" ROLE
			 "dev\": {\"key\": \"ASIADEV0000000001\"}}}");
	char msg[2048];
	expect_error(msg, sizeof(msg));
	CHECK(strstr(msg, "signature does not match") != NULL);

	/* a wrong external id is refused by STS, and the message says who refused what */
	responder_config("{" STATIC_KEYS ", \"roles\": {\"" ROLE "dev\": {\"key\": \"ASIADEV0000000001\", "
			 "\"external_id\": \"ext-42\"}}}");
	write_file(".aws/config", "[profile dev]\nrole_arn = " ROLE "dev\nsource_profile = base\n"
				  "external_id = wrong\nrole_session_name = lakeload-test\n"
				  "duration_seconds = 900\n");
	expect_error(msg, sizeof(msg));
	CHECK(strstr(msg, "AssumeRole for role " ROLE "dev (profile dev)") != NULL);
	CHECK(strstr(msg, "AccessDenied") != NULL);
	CHECK(strstr(msg, "ExternalId") != NULL);
}

static void test_chained_roles_and_loops(void)
{
	fresh();
	credentials_file("[selfish]\naws_access_key_id = " BASE_KEY
			 "\naws_secret_access_key = " BASE_SECRET "\n");
	write_file(".aws/config", "[profile top]\nrole_arn = " ROLE "top\nsource_profile = mid\n"
				  "[profile mid]\nrole_arn = " ROLE "mid\nsource_profile = base\n"
				  "[profile selfish]\nrole_arn = " ROLE "self\nsource_profile = selfish\n"
				  "[profile a]\nrole_arn = " ROLE "a\nsource_profile = b\n"
				  "[profile b]\nrole_arn = " ROLE "b\nsource_profile = a\n"
				  "[profile orphan]\nrole_arn = " ROLE "a\nsource_profile = nobody\n"
				  "[profile mfa]\nrole_arn = " ROLE "a\nsource_profile = base\n"
				  "mfa_serial = arn:aws:iam::123456789012:mfa/me\n"
				  "[profile sso]\nsso_session = corp\nsso_account_id = 123456789012\n"
				  "[profile both]\nrole_arn = " ROLE "a\nsource_profile = base\n"
				  "credential_source = Environment\n");
	responder_config("{" STATIC_KEYS ", \"roles\": {"
			 "\"" ROLE "top\": {\"key\": \"ASIATOP0000000001\"}, "
			 "\"" ROLE "mid\": {\"key\": \"ASIAMID0000000001\"}, "
			 "\"" ROLE "self\": {\"key\": \"ASIASELF000000001\"}, "
			 "\"" ROLE "a\": {\"key\": \"ASIAA000000000001\"}}}");
	/* top is assumed with mid's temporary credentials, signature and token checked */
	setenv("AWS_PROFILE", "top", 1);
	expect_key("ASIATOP0000000001");
	CHECK_INT(responder_calls("STS AssumeRole " ROLE "mid"), 1);
	CHECK_INT(responder_calls("STS AssumeRole " ROLE "top"), 1);
	botocore_agrees("ASIATOP0000000001");

	setenv("AWS_PROFILE", "selfish", 1);
	expect_key("ASIASELF000000001");
	botocore_agrees("ASIASELF000000001");

	char msg[2048];
	setenv("AWS_PROFILE", "a", 1);
	expect_error(msg, sizeof(msg));
	CHECK(strstr(msg, "loop: a -> b -> a") != NULL);
	CHECK_INT(responder_calls(ROLE "a "), 0);
	botocore_agrees("ERROR InfiniteLoopConfigError");

	setenv("AWS_PROFILE", "orphan", 1);
	expect_error(msg, sizeof(msg));
	CHECK(strstr(msg, "source_profile nobody") != NULL);

	setenv("AWS_PROFILE", "mfa", 1);
	expect_error(msg, sizeof(msg));
	CHECK(strstr(msg, "profile mfa needs an MFA code") != NULL);

	setenv("AWS_PROFILE", "sso", 1);
	expect_error(msg, sizeof(msg));
	CHECK(strstr(msg, "credential_process = aws configure export-credentials --profile sso") !=
	      NULL);

	setenv("AWS_PROFILE", "both", 1);
	expect_error(msg, sizeof(msg));
	CHECK(strstr(msg, "exactly one of source_profile and credential_source") != NULL);
	botocore_agrees("ERROR InvalidConfigError");
}

static void test_credential_source_environment(void)
{
	fresh();
	write_file(".aws/config", "[profile envrole]\nrole_arn = " ROLE "env\n"
				  "credential_source = Environment\n");
	write_file(".dlt/config.toml", "[destination.athena.credentials]\n"
				       "profile_name = \"envrole\"\n");
	responder_config("{" STATIC_KEYS ", \"roles\": {\"" ROLE "env\": {\"key\": "
			 "\"ASIAENVROLE000001\"}}}");
	setenv("AWS_ACCESS_KEY_ID", ENV_KEY, 1);
	setenv("AWS_SECRET_ACCESS_KEY", ENV_SECRET, 1);
	/* profile_name names the profile, so the keys serve only as the role's source */
	expect_key("ASIAENVROLE000001");
	CHECK_INT(responder_calls("STS AssumeRole " ROLE "env"), 1);
	unsetenv("AWS_ACCESS_KEY_ID");
	char msg[2048];
	expect_error(msg, sizeof(msg));
	CHECK(strstr(msg, "credential_source Environment has no credentials") != NULL);
}

static void test_web_identity(void)
{
	fresh();
	write_file("token", WEB_TOKEN);
	char token_file[128];
	path_in_root(token_file, sizeof(token_file), "token");
	responder_config("{\"web_token\": \"" WEB_TOKEN "\", \"roles\": {\"" ROLE "web\": "
			 "{\"key\": \"ASIAWEB0000000001\", \"session_name\": \"ci-run\"}}}");
	setenv("AWS_WEB_IDENTITY_TOKEN_FILE", token_file, 1);
	setenv("AWS_ROLE_ARN", ROLE "web", 1);
	setenv("AWS_ROLE_SESSION_NAME", "ci-run", 1);
	expect_key("ASIAWEB0000000001");
	CHECK_INT(responder_calls("STS AssumeRoleWithWebIdentity " ROLE "web ci-run"), 1);
	botocore_agrees("ASIAWEB0000000001");

	/* the same from the profile */
	for (size_t i = 0; i < 3; i++)
		unsetenv((const char *[]){ "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN",
					   "AWS_ROLE_SESSION_NAME" }[i]);
	char config[512];
	snprintf(config, sizeof(config),
		 "[default]\nweb_identity_token_file = %s\nrole_arn = " ROLE "web\n"
		 "role_session_name = ci-run\n",
		 token_file);
	write_file(".aws/config", config);
	expect_key("ASIAWEB0000000001");
	botocore_agrees("ASIAWEB0000000001");

	/* a token STS refuses: the message says so without quoting it */
	write_file("token", "not-the-token");
	char msg[2048];
	expect_error(msg, sizeof(msg));
	CHECK(strstr(msg, "AssumeRoleWithWebIdentity for role " ROLE "web (profile default)") != NULL);
	CHECK(strstr(msg, "not-the-token") == NULL);
	remove("token");
	expect_error(msg, sizeof(msg));
	CHECK(strstr(msg, "cannot read the web identity token file") != NULL);
}

static void process_profile(const char *script_body)
{
	char script[128], text[1024];
	path_in_root(script, sizeof(script), "bin/my creds");
	snprintf(text, sizeof(text), "#!/bin/sh\n%s", script_body);
	write_file(script, text);
	chmod(script, 0700);
	snprintf(text, sizeof(text),
		 "[profile proc]\ncredential_process = \"%s\" --label 'two words' plain\\ arg\n",
		 script);
	write_file(".aws/config", text);
	setenv("AWS_PROFILE", "proc", 1);
}

static void test_credential_process(void)
{
	fresh();
	/* the words reach the program as shlex splits them, with no shell in between */
	process_profile("[ \"$1 $2 $3\" = '--label two words plain arg' ] || exit 9\n"
			"cat <<EOF\n{\"Version\": 1, \"AccessKeyId\": \"ASIAPROCESS000001\", "
			"\"SecretAccessKey\": \"" PROCESS_SECRET "\", \"SessionToken\": \"tok\", "
			"\"Expiration\": \"2099-01-01T00:00:00Z\"}\nEOF\n");
	expect_key("ASIAPROCESS000001");
	botocore_agrees("ASIAPROCESS000001");

	char msg[2048];
	process_profile("echo '{\"AccessKeyId\": \"x\", \"SecretAccessKey\": \"" PROCESS_SECRET
			"\"}'\nexit 3\n");
	expect_error(msg, sizeof(msg));
	CHECK(strstr(msg, "credential_process of profile proc") != NULL);
	CHECK(strstr(msg, "exited with status 3") != NULL);
	botocore_agrees("ERROR CredentialRetrievalError");

	process_profile("echo '{\"Version\": 1, \"AccessKeyId\": \"x\", \"SecretAccessKey\": \""
			PROCESS_SECRET "\",'\n");
	expect_error(msg, sizeof(msg));
	CHECK(strstr(msg, "not valid JSON") != NULL);

	process_profile("echo '{\"Version\": 2, \"AccessKeyId\": \"x\", \"SecretAccessKey\": \""
			PROCESS_SECRET "\"}'\n");
	expect_error(msg, sizeof(msg));
	CHECK(strstr(msg, "Version is not 1") != NULL);
	botocore_agrees("ERROR CredentialRetrievalError");

	write_file(".aws/config", "[profile proc]\ncredential_process = \"unclosed\n");
	expect_error(msg, sizeof(msg));
	CHECK(strstr(msg, "unclosed quote") != NULL);
}

static void test_container_endpoint(void)
{
	fresh();
	responder_config("{\"container\": {\"key\": \"ASIACONTAINER0001\", \"token\": \"" CONTAINER_TOKEN
			 "\"}}");
	char url[128];
	snprintf(url, sizeof(url), "%s/container/v2/credentials", sts_url);
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", url, 1);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", CONTAINER_TOKEN, 1);
	expect_key("ASIACONTAINER0001");
	CHECK_INT(responder_calls("CONTAINER GET /container/v2/credentials"), 1);
	botocore_agrees("ASIACONTAINER0001");

	/* the token file wins over the variable, and a trailing newline is not part of it */
	write_file("ctoken", CONTAINER_TOKEN "\n");
	char path[128];
	path_in_root(path, sizeof(path), "ctoken");
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "wrong", 1);
	setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", path, 1);
	expect_key("ASIACONTAINER0001");

	char msg[2048];
	unsetenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
	expect_error(msg, sizeof(msg));
	CHECK(strstr(msg, "HTTP 401") != NULL);
	CHECK(strstr(msg, url) != NULL);

	/* plain http to another host is refused before anything is sent */
	setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://192.0.2.1/creds", 1);
	expect_error(msg, sizeof(msg));
	CHECK(strstr(msg, "is not allowed") != NULL);
}

static void test_instance_metadata(void)
{
	fresh();
	responder_config("{\"imds\": {\"role\": \"lake-role\", \"key\": \"ASIAIMDS000000001\"}}");
	unsetenv("AWS_EC2_METADATA_DISABLED");
	setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", sts_url, 1);
	expect_key("ASIAIMDS000000001");
	CHECK_INT(responder_calls("IMDS PUT /latest/api/token"), 1);
	CHECK_INT(responder_calls("IMDS GET /latest/meta-data/iam/security-credentials/lake-role"), 1);
	botocore_agrees("ASIAIMDS000000001");

	/* an instance that only speaks IMDSv1 refuses the token; the GETs go without one */
	responder_config("{\"imds\": {\"role\": \"lake-role\", \"key\": \"ASIAIMDSV10000001\", "
			 "\"v1_only\": true}}");
	expect_key("ASIAIMDSV10000001");
	botocore_agrees("ASIAIMDSV10000001");
}

/* Every source is named, in the chain's order, and nothing is sent anywhere. */
static void test_no_credentials_names_every_source(void)
{
	fresh();
	setenv("AWS_SESSION_TOKEN", WEB_TOKEN, 1);
	char msg[4096];
	expect_error(msg, sizeof(msg));
	const char *order[] = { "destination.athena.credentials", "AWS_ACCESS_KEY_ID",
				"role_arn in profile default", "AWS_WEB_IDENTITY_TOKEN_FILE",
				"/.aws/credentials", "credential_process in profile default",
				"/.aws/config", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
				"EC2 instance metadata (off: AWS_EC2_METADATA_DISABLED)" };
	const char *at = msg;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		const char *next = strstr(at, order[i]);
		if (!next)
			fprintf(stderr, "missing or out of order: %s in %s\n", order[i], msg);
		CHECK(next != NULL);
		at = next ? next : at;
	}
	CHECK_INT(responder_calls(""), 0);
	botocore_agrees("NONE");
}

/* Resolved twice, a configuration answers the same: its first answer is not taken for keys. */
static void test_resolving_twice(void)
{
	fresh();
	write_file(".dlt/secrets.toml", "[destination.filesystem.credentials]\n"
					"aws_access_key_id = \"AKIAFILESYSTEM001\"\n"
					"aws_secret_access_key = \"" BASE_SECRET "\"\n");
	ll_config *c = NULL;
	ll_error err;
	CHECK_OK(ll_config_load(&c, NULL, NULL, NULL, &err), &err);
	const char *lake, *origin;
	ll_s3_options s3;
	bool use_s3;
	for (int i = 0; i < 2; i++) {
		CHECK_OK(ll_config_resolve_lake(c, "s3://b/p", &lake, &s3, &use_s3, &err), &err);
		CHECK_STR(s3.access_key_id, "AKIAFILESYSTEM001");
	}
	CHECK_STR(ll_config_get(c, "destination.filesystem.credentials.aws_access_key_id", &origin),
		  "AKIAFILESYSTEM001");
	CHECK(strstr(origin, "secrets.toml") != NULL);
	ll_config_free(c);

	/* temporary credentials are fetched again, not mistaken for keys the user gave */
	credentials_file("");
	write_file(".dlt/secrets.toml", "");
	write_file(".aws/config", "[profile dev]\nrole_arn = " ROLE "dev\nsource_profile = base\n");
	responder_config("{" STATIC_KEYS ", \"roles\": {\"" ROLE "dev\": {\"key\": \"ASIADEV\", "
			 "\"rotate\": true}}}");
	setenv("AWS_PROFILE", "dev", 1);
	CHECK_OK(ll_config_load(&c, NULL, NULL, NULL, &err), &err);
	CHECK_OK(ll_config_resolve_lake(c, "s3://b/p", &lake, &s3, &use_s3, &err), &err);
	char first[64];
	snprintf(first, sizeof(first), "%s", s3.access_key_id);
	CHECK_OK(ll_config_resolve_lake(c, "s3://b/p", &lake, &s3, &use_s3, &err), &err);
	CHECK(strcmp(first, s3.access_key_id) != 0);
	CHECK_INT(responder_calls("STS AssumeRole"), 2);
	ll_config_free(c);
}

/* Without AWS_ENDPOINT_URL_STS, STS is at the profile's endpoint_url, or AWS_ENDPOINT_URL. */
static void test_sts_endpoint_settings(void)
{
	fresh();
	credentials_file("");
	responder_config("{" STATIC_KEYS ", \"roles\": {\"" ROLE "dev\": {\"key\": "
			 "\"ASIADEV0000000001\"}}}");
	char config[512];
	snprintf(config, sizeof(config),
		 "[profile dev]\nrole_arn = " ROLE "dev\nsource_profile = base\nendpoint_url = %s\n",
		 sts_url);
	write_file(".aws/config", config);
	setenv("AWS_PROFILE", "dev", 1);
	unsetenv("AWS_ENDPOINT_URL_STS");
	expect_key("ASIADEV0000000001");
	write_file(".aws/config", "[profile dev]\nrole_arn = " ROLE "dev\nsource_profile = base\n");
	setenv("AWS_ENDPOINT_URL", sts_url, 1);
	expect_key("ASIADEV0000000001");
	CHECK_INT(responder_calls("STS AssumeRole"), 2);
}

static void rotating_role(int expires_in, bool fail)
{
	char json[512];
	snprintf(json, sizeof(json),
		 "{" STATIC_KEYS ", \"roles\": {\"" ROLE "short\": {\"key\": \"ASIASHORT\", "
		 "\"rotate\": true, \"expires_in\": %d, \"fail\": %s}}}",
		 expires_in, fail ? "true" : "false");
	responder_config(json);
}

static ll_aws_provider *short_lived_provider(ll_config **c)
{
	credentials_file("");
	write_file(".aws/config", "[profile short]\nrole_arn = " ROLE "short\nsource_profile = base\n");
	setenv("AWS_PROFILE", "short", 1);
	ll_error err;
	*c = NULL;
	CHECK_OK(ll_config_load(c, NULL, NULL, NULL, &err), &err);
	ll_aws_provider *p = NULL;
	CHECK_OK(ll_aws_provider_open(&p, *c, &err), &err);
	return p;
}

/* The provider's access key id now, or its error message (kept in a static buffer). */
static const char *current_key(ll_aws_provider *p, ll_aws_creds *creds, ll_status *st)
{
	static char msg[1024];
	ll_error err;
	ll_error_clear(&err);
	*st = ll_aws_provider_get(p, creds, &err);
	if (*st == LL_OK)
		return ll_buf_cstr(&creds->access_key_id);
	snprintf(msg, sizeof(msg), "%s", err.message);
	return msg;
}

static void test_refresh_before_expiry(void)
{
	fresh();
	ll_aws_creds creds = { 0 };
	ll_status st;
	ll_config *c;

	/* five minutes left: inside the mandatory window, every use fetches anew */
	rotating_role(300, false);
	ll_aws_provider *p = short_lived_provider(&c);
	CHECK_STR(current_key(p, &creds, &st), "ASIASHORT0002");
	CHECK_STR(current_key(p, &creds, &st), "ASIASHORT0003");
	CHECK(creds.expires > (int64_t)time(NULL));
	rotating_role(300, true);
	const char *msg = current_key(p, &creds, &st);
	CHECK(st == LL_EAUTH);
	CHECK(strstr(msg, "fetching new ones failed") != NULL);
	CHECK(strstr(msg, "refusing") != NULL);
	ll_aws_provider_free(p);
	ll_config_free(c);

	/* twelve minutes left: a refresh is tried, and its failure tolerated */
	rotating_role(720, false);
	p = short_lived_provider(&c);
	CHECK_STR(current_key(p, &creds, &st), "ASIASHORT0005");
	rotating_role(720, true);
	CHECK_STR(current_key(p, &creds, &st), "ASIASHORT0005");
	ll_aws_provider_free(p);
	ll_config_free(c);

	/* an hour left: nothing is fetched */
	rotating_role(3600, false);
	p = short_lived_provider(&c);
	int before = responder_calls("STS AssumeRole");
	CHECK_STR(current_key(p, &creds, &st), "ASIASHORT0006");
	CHECK_STR(current_key(p, &creds, &st), "ASIASHORT0006");
	CHECK_INT(responder_calls("STS AssumeRole"), before);
	ll_aws_provider_free(p);
	ll_config_free(c);
	ll_aws_creds_clear(&creds);
}

#define GETTERS 4
#define GETS 10

static void *get_many(void *arg)
{
	ll_aws_provider *p = arg;
	ll_aws_creds creds = { 0 };
	for (int i = 0; i < GETS; i++) {
		ll_error err;
		ll_status st = ll_aws_provider_get(p, &creds, &err);
		CHECK_OK(st, &err);
		CHECK(strncmp(ll_buf_cstr(&creds.access_key_id), "ASIASHORT", 9) == 0);
		CHECK(creds.session_token.len > 0);
	}
	ll_aws_creds_clear(&creds);
	return NULL;
}

/* Parallel uploads ask at once: each refresh happens once, and every answer is whole. */
static void test_refresh_from_threads(void)
{
	fresh();
	rotating_role(300, false);
	ll_config *c;
	ll_aws_provider *p = short_lived_provider(&c);
	pthread_t t[GETTERS];
	for (int i = 0; i < GETTERS; i++)
		CHECK(pthread_create(&t[i], NULL, get_many, p) == 0);
	for (int i = 0; i < GETTERS; i++)
		pthread_join(t[i], NULL);
	CHECK_INT(responder_calls("STS AssumeRole " ROLE "short"), 1 + GETTERS * GETS);
	ll_aws_provider_free(p);
	ll_config_free(c);
}

/* How many different access key ids signed the S3 PUTs the responder saw. */
static int distinct_put_keys(void)
{
	char path[128], line[1024], keys[16][64];
	int n = 0;
	path_in_root(path, sizeof(path), "responder.log");
	FILE *f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f)) {
		char key[64];
		if (sscanf(line, "S3 PUT %*s %63s", key) != 1)
			continue;
		bool seen = false;
		for (int i = 0; i < n; i++)
			seen = seen || strcmp(keys[i], key) == 0;
		if (!seen && n < 16)
			snprintf(keys[n++], sizeof(keys[0]), "%s", key);
	}
	if (f)
		fclose(f);
	return n;
}

/* An S3 client over a provider: every PUT is signed with the credentials current at that moment. */
static void put_objects(ll_aws_provider *p, int n)
{
	ll_s3_config cfg;
	ll_s3_config_init(&cfg);
	cfg.endpoint_url = sts_url;
	cfg.path_style = LL_S3_PATH_STYLE_ON;
	cfg.max_retries = 0;
	cfg.credentials = ll_aws_provider_s3_credentials;
	cfg.credentials_user = p;
	ll_s3_client *s3 = NULL;
	ll_error err;
	CHECK_OK(ll_s3_client_open(&s3, &cfg, &err), &err);
	for (int i = 0; s3 && i < n; i++) {
		char key[32];
		snprintf(key, sizeof(key), "part-%d", i);
		CHECK_OK(ll_s3_put_object(s3, "lake", key, "rows", 4, &err), &err);
	}
	ll_s3_client_free(s3);
}

static void test_s3_signs_with_current_credentials(void)
{
	fresh();
	ll_config *c;
	rotating_role(300, false);
	ll_aws_provider *p = short_lived_provider(&c);
	int before = responder_calls("STS AssumeRole");
	put_objects(p, 3);
	/* each PUT found its credentials close to expiry and signed with fresh ones */
	CHECK_INT(responder_calls("STS AssumeRole"), before + 3);
	CHECK_INT(responder_calls(" verified"), 3);
	CHECK_INT(distinct_put_keys(), 3);
	ll_aws_provider_free(p);
	ll_config_free(c);

	/* long-lived temporary credentials are used as they are */
	rotating_role(3600, false);
	p = short_lived_provider(&c);
	before = responder_calls("STS AssumeRole");
	put_objects(p, 2);
	CHECK_INT(responder_calls("STS AssumeRole"), before);
	CHECK_INT(responder_calls(" verified"), 5);
	CHECK_INT(distinct_put_keys(), 4);
	ll_aws_provider_free(p);
	ll_config_free(c);
}

LL_TEST_MAIN(LL_TEST(test_assume_role_from_source_profile), LL_TEST(test_chained_roles_and_loops),
	     LL_TEST(test_credential_source_environment), LL_TEST(test_web_identity),
	     LL_TEST(test_credential_process), LL_TEST(test_container_endpoint),
	     LL_TEST(test_instance_metadata), LL_TEST(test_no_credentials_names_every_source),
	     LL_TEST(test_sts_endpoint_settings), LL_TEST(test_resolving_twice),
	     LL_TEST(test_refresh_before_expiry),
	     LL_TEST(test_refresh_from_threads), LL_TEST(test_s3_signs_with_current_credentials))
