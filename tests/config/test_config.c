/*
 * The configuration and the AWS credential chain through the API the CLI
 * uses: each case runs in a fresh temporary directory that is both the
 * working directory (for ./.dlt) and HOME (for ~/.aws), with the AWS_* and
 * DESTINATION__* variables it needs set and all others cleared.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/config.h"
#include "test.h"

#define SECRET "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRET"

static char root[256];
static char warnings[4096];

static void collect(void *user, ll_log_level level, const char *msg)
{
	(void)user;
	if (level == LL_LOG_WARN)
		snprintf(warnings + strlen(warnings), sizeof(warnings) - strlen(warnings), "%s\n", msg);
}

static void write_file(const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", root, rel);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static const char *const cleared[] = {
	"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
	"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3",
	"AWS_SHARED_CREDENTIALS_FILE", "AWS_CONFIG_FILE", "DESTINATION__FILESYSTEM__BUCKET_URL",
	"DESTINATION__ATHENA__CREDENTIALS__REGION_NAME",
};

/* A fresh directory as cwd and HOME, with .dlt and .aws in it. */
static void fresh(void)
{
	static int cases;
	char name[32];
	snprintf(name, sizeof(name), "case%d", ++cases);
	ll_test_tmpdir(name, root, sizeof(root));
	CHECK(chdir(root) == 0);
	setenv("HOME", root, 1);
	for (size_t i = 0; i < sizeof(cleared) / sizeof(cleared[0]); i++)
		unsetenv(cleared[i]);
	mkdir(".dlt", 0700);
	mkdir(".aws", 0700);
	warnings[0] = '\0';
}

static ll_config *load(void)
{
	ll_config *c = NULL;
	ll_error err;
	ll_error_clear(&err);
	CHECK_OK(ll_config_load(&c, NULL, collect, NULL, &err), &err);
	return c;
}

static void test_precedence_and_origins(void)
{
	fresh();
	write_file(".dlt/config.toml", "[destination.filesystem]\nbucket_url = \"s3://file/x\"\n"
				       "[destination.athena.credentials]\nregion_name = \"eu-west-1\"\n"
				       "[destination.athena]\nforce_iceberg = true\n");
	write_file(".dlt/secrets.toml", "[destination.athena.credentials]\nregion_name = \"eu-west-2\"\n");
	ll_config *c = load();
	const char *origin;
	CHECK_STR(ll_config_get(c, "destination.athena.credentials.region_name", &origin), "eu-west-2");
	CHECK_STR(origin, "./.dlt/secrets.toml:2");
	CHECK_STR(ll_config_get(c, "destination.filesystem.bucket_url", &origin), "s3://file/x");
	CHECK_STR(origin, "./.dlt/config.toml:2");
	CHECK(ll_config_force_iceberg(c));
	ll_config_free(c);

	setenv("DESTINATION__ATHENA__CREDENTIALS__REGION_NAME", "eu-west-3", 1);
	c = load();
	CHECK_STR(ll_config_get(c, "destination.athena.credentials.region_name", &origin), "eu-west-3");
	CHECK_STR(origin, "env DESTINATION__ATHENA__CREDENTIALS__REGION_NAME");
	ll_error err;
	ll_error_clear(&err);
	CHECK_OK(ll_config_set(c, "destination.athena.credentials.region_name", "ap-south-1",
			       "flag --region", &err), &err);
	CHECK_STR(ll_config_get(c, "destination.athena.credentials.region_name", &origin), "ap-south-1");
	CHECK_STR(origin, "flag --region");
	ll_config_free(c);
}

static void test_did_you_mean(void)
{
	fresh();
	write_file(".dlt/config.toml", "[destination.filesystem]\nbucket_ur = \"s3://b\"\n"
				       "[destination.athna]\nquery_result_bucket = \"s3://q\"\n"
				       "[sources.my_api]\ntoken_url = \"x\"\n[runtime]\nlog_level = \"INFO\"\n");
	ll_config_free(load());
	CHECK(strstr(warnings, "./.dlt/config.toml:2:") != NULL);
	CHECK(strstr(warnings, "did you mean destination.filesystem.bucket_url?") != NULL);
	CHECK(strstr(warnings, "./.dlt/config.toml:4:") != NULL);
	CHECK(strstr(warnings, "did you mean destination.athena?") != NULL);
	CHECK(strstr(warnings, "sources") == NULL);
	CHECK(strstr(warnings, "runtime") == NULL);
}

static void test_toml_error_location(void)
{
	fresh();
	write_file(".dlt/config.toml", "[destination.filesystem]\nbucket_url = \"s3://b\"\nbroken = \n");
	ll_config *c = NULL;
	ll_error err;
	ll_error_clear(&err);
	CHECK(ll_config_load(&c, NULL, collect, NULL, &err) != LL_OK);
	char msg[1024];
	ll_error_format(&err, msg, sizeof(msg));
	CHECK(strstr(msg, "./.dlt/config.toml:3:") != NULL);
}

/* Resolves an s3:// lake; returns the status and leaves the options in *s3. */
static ll_status resolve(ll_config *c, ll_s3_options *s3, ll_error *err)
{
	const char *lake;
	bool use_s3 = false;
	ll_error_clear(err);
	ll_status st = ll_config_resolve_lake(c, "s3://bucket/prefix", &lake, s3, &use_s3, err);
	CHECK(use_s3);
	CHECK_STR(lake, "s3://bucket/prefix");
	return st;
}

static void test_explicit_keys_win(void)
{
	fresh();
	write_file(".dlt/secrets.toml", "[destination.filesystem.credentials]\n"
					"aws_access_key_id = \"AKIAFILESYSTEM01\"\n"
					"aws_secret_access_key = \"" SECRET "\"\n"
					"endpoint_url = \"http://127.0.0.1:9000\"\n");
	setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT1", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
	ll_config *c = load();
	ll_s3_options s3;
	ll_error err;
	CHECK_OK(resolve(c, &s3, &err), &err);
	CHECK_STR(s3.access_key_id, "AKIAFILESYSTEM01");
	CHECK_STR(s3.secret_access_key, SECRET);
	CHECK_STR(s3.endpoint_url, "http://127.0.0.1:9000");
	CHECK(s3.path_style);
	CHECK_STR(s3.region, "us-east-1");
	ll_config_free(c);
}

static void test_environment_keys(void)
{
	fresh();
	setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT1", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
	setenv("AWS_SESSION_TOKEN", "envtoken", 1);
	setenv("AWS_REGION", "eu-north-1", 1);
	setenv("AWS_DEFAULT_REGION", "eu-south-1", 1);
	setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1", 1);
	ll_config *c = load();
	ll_s3_options s3;
	ll_error err;
	CHECK_OK(resolve(c, &s3, &err), &err);
	CHECK_STR(s3.access_key_id, "AKIAENVIRONMENT1");
	CHECK_STR(s3.session_token, "envtoken");
	CHECK_STR(s3.region, "eu-north-1");
	CHECK_STR(s3.endpoint_url, "http://127.0.0.1:1");
	ll_config_free(c);
}

static void test_shared_files_and_profiles(void)
{
	fresh();
	write_file(".aws/credentials", "# comment\n[default]\naws_access_key_id = AKIADEFAULT00001\n"
				       "aws_secret_access_key = defsecret\n\n[work]\n"
				       "aws_access_key_id=AKIAWORK00000002\naws_secret_access_key=worksecret\n");
	write_file(".aws/config", "[default]\nregion = us-west-2\n[profile work]\nregion = ca-central-1\n"
				  "s3 =\n    addressing_style = path\n[profile cfgonly]\n"
				  "aws_access_key_id = AKIACONFIG000003\naws_secret_access_key = cfgsecret\n"
				  "; a comment\n");
	ll_config *c = load();
	ll_s3_options s3;
	ll_error err;
	CHECK_OK(resolve(c, &s3, &err), &err);
	CHECK_STR(s3.access_key_id, "AKIADEFAULT00001");
	CHECK_STR(s3.region, "us-west-2");
	ll_config_free(c);

	setenv("AWS_PROFILE", "work", 1);
	c = load();
	CHECK_OK(resolve(c, &s3, &err), &err);
	CHECK_STR(s3.access_key_id, "AKIAWORK00000002");
	CHECK_STR(s3.region, "ca-central-1");
	ll_config_free(c);
	setenv("AWS_DEFAULT_REGION", "sa-east-1", 1);
	c = load();
	CHECK_OK(resolve(c, &s3, &err), &err);
	CHECK_STR(s3.region, "sa-east-1");
	unsetenv("AWS_DEFAULT_REGION");
	ll_config_free(c);

	write_file(".dlt/config.toml", "[destination.athena.credentials]\nprofile_name = \"cfgonly\"\n");
	c = load();
	CHECK_OK(resolve(c, &s3, &err), &err);
	CHECK_STR(s3.access_key_id, "AKIACONFIG000003");
	CHECK_STR(s3.secret_access_key, "cfgsecret");
	ll_config_free(c);

	write_file(".dlt/config.toml", "[destination.athena.credentials]\nprofile_name = \"nosuch\"\n");
	c = load();
	CHECK(resolve(c, &s3, &err) == LL_EAUTH);
	CHECK(strstr(err.message, "nosuch") != NULL);
	ll_config_free(c);
}

static void test_missing_credentials(void)
{
	fresh();
	setenv("AWS_SESSION_TOKEN", SECRET, 1);
	ll_config *c = load();
	ll_s3_options s3;
	ll_error err;
	CHECK(resolve(c, &s3, &err) == LL_EAUTH);
	char msg[2048];
	ll_error_format(&err, msg, sizeof(msg));
	CHECK(strstr(msg, "destination.athena.credentials") != NULL);
	CHECK(strstr(msg, "destination.filesystem.credentials") != NULL);
	CHECK(strstr(msg, "AWS_ACCESS_KEY_ID") != NULL);
	CHECK(strstr(msg, "/.aws/credentials") != NULL);
	CHECK(strstr(msg, "/.aws/config") != NULL);
	CHECK(strstr(msg, "profile default") != NULL);
	CHECK(strstr(msg, SECRET) == NULL);
	ll_config_free(c);
}

LL_TEST_MAIN(LL_TEST(test_precedence_and_origins), LL_TEST(test_did_you_mean),
	     LL_TEST(test_toml_error_location), LL_TEST(test_explicit_keys_win),
	     LL_TEST(test_environment_keys), LL_TEST(test_shared_files_and_profiles),
	     LL_TEST(test_missing_credentials))
